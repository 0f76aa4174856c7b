/* cache_reuse: one load instruction, read_word's, first hits a large
 * block, then blocks that reuse its memory after it is freed.  heaphunt
 * counts a load inline while it keeps hitting the block it hit last, so
 * this checks that a freed block's bookkeeping never takes a later
 * access: the small block that follows has a histogram, and every one of
 * its reads must reach it.
 *
 *   10 rounds of:
 *     malloc(4096) in alloc_big (no histogram: over 1024 bytes)
 *       one 8-byte store at offset 0, read_word at offset 0 three times
 *       free
 *     malloc(64) in alloc_small (has a histogram)
 *       one 8-byte store at offset 0, read_word at offset 0 twice
 *       free
 *
 * alloc_big: 10 blocks, 40,960 bytes, reads 10 x 24 = 240, writes 80.
 * alloc_small: 10 blocks, 640 bytes, reads 10 x 16 = 160, writes 80;
 * offsets 0..7 are accessed 3 times per block (30 in all), 8..63 never.
 * Only one block is ever live, so the peak is the first 4,096-byte one.
 *
 * Expected (derived by hand):
 *   Total:     41,600 bytes in 20 blocks
 *   At t-gmax: 4,096 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     400 bytes
 *   Writes:    160 bytes
 *   site alloc_big: tb=40960 tbk=10 rb=240 wb=80
 *   site alloc_small: tb=640 tbk=10 rb=160 wb=80
 *   acc alloc_small: -8,30,-56,0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_big(void) { return malloc(4096); }
__attribute__((noinline)) static void *alloc_small(void) { return malloc(64); }

__attribute__((noinline)) static uint64_t read_word(volatile uint64_t *p)
{
    return *p;
}

int main(void)
{
    uint64_t sum = 0;
    for (uint64_t round = 0; round < 10; round++) {
        volatile uint64_t *big = alloc_big();
        check(big != NULL, "malloc(4096)");
        big[0] = round;
        for (int i = 0; i < 3; i++)
            sum += read_word(big);
        free((void *)big);

        volatile uint64_t *small = alloc_small();
        check(small != NULL, "malloc(64)");
        small[0] = round;
        for (int i = 0; i < 2; i++)
            sum += read_word(small);
        free((void *)small);
    }
    check(sum == 5 * 45, "read back the wrong words");
    return 0;
}
