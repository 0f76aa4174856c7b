/* xorshift.h: the workloads' deterministic pseudo-random numbers
   (Marsaglia's xorshift64), so that every tool sees the same run. */
#ifndef BENCH_XORSHIFT_H
#define BENCH_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

#endif
