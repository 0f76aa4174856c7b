/* churn.c: allocation churn.  Many short-lived blocks of varied small sizes,
   allocated and freed in a loop with a small working set (a ring of 64 live
   blocks), touching only the first word of each.  Stresses the allocation
   path and the block table's insert/delete, not the access path.

   Usage: churn [N_ITERS]   (default 1,500,000 allocations, sizes 16..527
   bytes, at most 64 live). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_N_ITERS 1500000L
#define RING_SLOTS 64

int main(int argc, char **argv)
{
    long n_iters = argc > 1 ? atol(argv[1]) : DEFAULT_N_ITERS;
    void *ring[RING_SLOTS] = {0};
    uint64_t rng = 88172645463325252ull; /* xorshift64: deterministic sizes */
    uint64_t checksum = 0;
    for (long i = 0; i < n_iters; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        size_t size_bytes = 16 + (size_t)(rng % 512);
        int slot = (int)(i % RING_SLOTS);
        free(ring[slot]);
        uint64_t *p = malloc(size_bytes);
        if (p == NULL)
            return 1;
        p[0] = (uint64_t)i;
        checksum += p[0];
        ring[slot] = p;
    }
    for (int s = 0; s < RING_SLOTS; s++)
        free(ring[s]);
    printf("churn: %llu\n", (unsigned long long)checksum);
    return 0;
}
