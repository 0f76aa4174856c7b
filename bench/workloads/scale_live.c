/* scale_live.c: scale of the block table.  Ten million 16-byte blocks are
   live at once (the heap's peak), each written once, then all freed.  It
   checks that a tool copes with 10e6 live blocks at all, and measures its
   memory per live block: (peak RSS under the tool - peak RSS under
   --tool=none) / N_BLOCKS.  That difference includes Valgrind's client
   allocator (which replaces glibc's malloc under heap tools), so compare
   the tools with each other, not with zero.

   Usage: scale_live [N_BLOCKS]   (default 10,000,000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_N_BLOCKS 10000000L
#define BLOCK_BYTES 16

int main(int argc, char **argv)
{
    long n_blocks = argc > 1 ? atol(argv[1]) : DEFAULT_N_BLOCKS;
    uint64_t **blocks = malloc((size_t)n_blocks * sizeof *blocks);
    if (blocks == NULL)
        return 1;
    for (long i = 0; i < n_blocks; i++) {
        uint64_t *b = malloc(BLOCK_BYTES);
        if (b == NULL)
            return 1;
        b[0] = (uint64_t)i;
        blocks[i] = b;
    }
    uint64_t sum = 0;
    for (long i = 0; i < n_blocks; i++) {
        sum += blocks[i][0];
        free(blocks[i]);
    }
    free(blocks);
    printf("scale_live: %ld blocks, %llu\n", n_blocks, (unsigned long long)sum);
    return 0;
}
