/* hashtable.c: access-heavy pointer chasing.  A chained hash table: one
   large bucket array (8 MiB) and hundreds of thousands of 24-byte nodes,
   inserted with random keys, then looked up in several passes.  Every
   lookup reads a random bucket and walks small nodes, which have
   per-offset histograms: the helper path of the access instrumentation,
   with little locality.

   Usage: hashtable [N_NODES [LOG2_BUCKETS [N_PASSES]]]
          (default 400,000 nodes, 2^20 buckets, 3 passes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

struct node {
    struct node *next;
    uint64_t key;
    uint64_t value;
};

int main(int argc, char **argv)
{
    long n_nodes = argc > 1 ? atol(argv[1]) : 400000;
    int log2_buckets = argc > 2 ? atoi(argv[2]) : 20;
    int n_passes = argc > 3 ? atoi(argv[3]) : 3;
    size_t n_buckets = (size_t)1 << log2_buckets;
    struct node **buckets = calloc(n_buckets, sizeof *buckets);
    if (buckets == NULL)
        return 1;
    const uint64_t seed = 0x9E3779B97F4A7C15ull;
    uint64_t rng = seed;
    for (long i = 0; i < n_nodes; i++) {
        struct node *p = malloc(sizeof *p);
        if (p == NULL)
            return 1;
        p->key = xorshift64(&rng);
        p->value = (uint64_t)i;
        size_t b = p->key & (n_buckets - 1);
        p->next = buckets[b];
        buckets[b] = p;
    }
    uint64_t sum = 0;
    for (int pass = 0; pass < n_passes; pass++) {
        rng = seed;
        for (long i = 0; i < n_nodes; i++) {
            uint64_t key = xorshift64(&rng);
            for (struct node *p = buckets[key & (n_buckets - 1)]; p; p = p->next)
                if (p->key == key) {
                    sum += p->value;
                    break;
                }
        }
    }
    printf("hashtable: %llu\n", (unsigned long long)sum);
    return 0;
}
