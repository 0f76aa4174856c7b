/* smallblocks.c: access-heavy work on a million small blocks.  A million
   blocks of 16..64 bytes are allocated and kept live, then read and written
   at random (a xorshift index into the block array, so consecutive accesses
   hit unrelated blocks), then freed in a shuffled order.  Stresses the
   address-to-block lookup at a large population with no locality (a cache
   of recent blocks cannot help), the block table's inserts and deletes, and
   the memory a tool spends per live block (the peak-memory target).

   Usage: smallblocks [N_BLOCKS [N_ACCESSES]]   (default 1,000,000 blocks and
   as many random accesses; each reads one word and writes another). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

#define DEFAULT_N_BLOCKS 1000000L

int main(int argc, char **argv)
{
    long n_blocks = argc > 1 ? atol(argv[1]) : DEFAULT_N_BLOCKS;
    long n_accesses = argc > 2 ? atol(argv[2]) : n_blocks;
    uint64_t **blocks = malloc((size_t)n_blocks * sizeof *blocks);
    if (blocks == NULL)
        return 1;
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    for (long i = 0; i < n_blocks; i++) {
        size_t n_words = 2 + (size_t)(i % 7); /* 16..64 bytes */
        uint64_t *b = malloc(n_words * sizeof *b);
        if (b == NULL)
            return 1;
        b[0] = (uint64_t)i;
        b[1] = 0;
        blocks[i] = b;
    }
    uint64_t sum = 0;
    for (long k = 0; k < n_accesses; k++) {
        uint64_t *b = blocks[xorshift64(&rng) % (uint64_t)n_blocks];
        sum += b[0];
        b[1] += sum;
    }
    /* Fisher-Yates shuffle, so frees do not follow allocation order. */
    for (long i = n_blocks - 1; i > 0; i--) {
        long j = (long)(xorshift64(&rng) % (uint64_t)(i + 1));
        uint64_t *t = blocks[i];
        blocks[i] = blocks[j];
        blocks[j] = t;
    }
    for (long i = 0; i < n_blocks; i++)
        free(blocks[i]);
    free(blocks);
    printf("smallblocks: %llu\n", (unsigned long long)sum);
    return 0;
}
