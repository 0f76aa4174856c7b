/* acc_histogram: the per-offset access histogram of a 16-byte block.
 *
 *   malloc(16) in alloc_sixteen
 *   offsets 0..3:  one byte store each, then one byte load each  -> 2 each
 *   offsets 4..7:  never touched                                 -> 0 each
 *   offsets 8..15: one 8-byte store                              -> 1 each
 *   free
 *
 * Reads 4 bytes; writes 4 + 8 = 12 bytes.  The histogram, run-length
 * encoded as DHAT writes it ("-N,M" is N offsets of count M), is
 * -4,2,-4,0,-8,1.
 *
 * Expected (derived by hand):
 *   Total:     16 bytes in 1 blocks
 *   At t-gmax: 16 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     4 bytes
 *   Writes:    12 bytes
 *   site alloc_sixteen: tb=16 tbk=1 rb=4 wb=12
 *   acc alloc_sixteen: -4,2,-4,0,-8,1
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_sixteen(void) { return malloc(16); }

int main(void)
{
    volatile unsigned char *block = alloc_sixteen();
    check(block != NULL, "malloc(16)");
    for (int i = 0; i < 4; i++)
        block[i] = 7;
    unsigned sum = 0;
    for (int i = 0; i < 4; i++)
        sum += block[i];
    check(sum == 28, "read back the wrong bytes");
    *(volatile uint64_t *)(block + 8) = 0x0102030405060708ull;
    free((void *)block);
    return 0;
}
