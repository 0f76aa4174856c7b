/* retire_order: blocks still live at exit retire in address order.
 *
 * A site has an access histogram only while every block retired into it
 * had one and all had the same size; so when two blocks of one site are
 * live at exit and only one still has its histogram (a same-size realloc
 * drops it), the one that retires first decides.  DHAT retires live
 * blocks in address order.  Two sites, two 512-byte blocks each:
 *
 *   pair_low:  lo = malloc(BLOCK_BYTES), memset once; hi = malloc(BLOCK_BYTES), memset
 *              twice; realloc(lo, 512) (same size: in place, histogram
 *              dropped).  lo retires first, without a histogram: no acc.
 *   pair_high: the same, but realloc(hi, 512).  lo retires first with its
 *              histogram (each byte written once); hi adds nothing: acc
 *              -512,1.
 *
 * Between the first and the second block of each pair, 50,000 blocks of
 * 512 bytes (site filler) fill the arena for about 25 MB, so that the
 * second blocks lie hundreds of 64 KiB chunks above the first (where an
 * index walked chunk by chunk in hash order met them first).  Blocks of
 * one size, so that no pair block fits in a gap the fillers left.  The
 * fillers are freed before the reallocs; nothing is read but by the
 * reallocs' implied copies.
 *
 * Counts:
 *   pair_low, pair_high: each 3 x 512 (two blocks and the realloc) =
 *     1,536 bytes in 3 blocks, 1,024 live at exit in 2; written 512 +
 *     1,024 + 512 (realloc's copy) = 2,048; read 512 (the copy)
 *   filler: 50,000 x 512 = 25,600,000 bytes in 50,000 blocks, none live
 *     at exit, never accessed
 *   Total: 3,072 + 25,600,000 = 25,603,072 bytes in 6 + 50,000 = 50,006
 *   peak when the last pair block is allocated: 2,048 + 25,600,000 =
 *     25,602,048 bytes in 50,004 blocks (the same-size reallocs come after
 *     the fillers are freed)
 *
 * Expected (derived by hand):
 *   Total:     25,603,072 bytes in 50,006 blocks
 *   At t-gmax: 25,602,048 bytes in 50,004 blocks
 *   At t-end:  2,048 bytes in 4 blocks
 *   Reads:     1,024 bytes
 *   Writes:    4,096 bytes
 *   site pair_low: tb=1536 tbk=3 eb=1024 ebk=2 rb=512 wb=2048
 *   site pair_high: tb=1536 tbk=3 eb=1024 ebk=2 rb=512 wb=2048
 *   site filler: tb=25600000 tbk=50000 eb=0 rb=0 wb=0
 *   acc pair_high: -512,1
 */
#include "prog_util.h"

enum { N_FILLERS = 50000, BLOCK_BYTES = 512 };

static char *fillers[N_FILLERS];

__attribute__((noinline)) static char *pair_low(void)
{
    return malloc(BLOCK_BYTES);
}

__attribute__((noinline)) static char *pair_high(void)
{
    return malloc(BLOCK_BYTES);
}

__attribute__((noinline)) static char *filler(void)
{
    return malloc(BLOCK_BYTES);
}

int main(void)
{
    /* One call site for both blocks of a pair: one stack, one site. */
    char *low[2], *high[2];
    for (int round = 0; round < 2; round++) {
        low[round] = pair_low();
        high[round] = pair_high();
        for (int i = 0; round == 0 && i < N_FILLERS; i++)
            fillers[i] = filler();
    }
    char *low_lo = low[0], *low_hi = low[1];
    char *high_lo = high[0], *high_hi = high[1];
    check(low_lo < low_hi && high_lo < high_hi, "pairs not in address order");
    check(low_hi - low_lo > (16 << 20), "the fillers did not spread the pairs");
    for (int i = 0; i < N_FILLERS; i++)
        free(fillers[i]);

    memset(low_lo, 1, BLOCK_BYTES);
    memset(low_hi, 2, BLOCK_BYTES);
    memset(low_hi, 2, BLOCK_BYTES);
    memset(high_lo, 3, BLOCK_BYTES);
    memset(high_hi, 4, BLOCK_BYTES);
    memset(high_hi, 4, BLOCK_BYTES);
    check(realloc(low_lo, BLOCK_BYTES) == low_lo, "same-size realloc moved");
    check(realloc(high_hi, BLOCK_BYTES) == high_hi, "same-size realloc moved");
    return 0;
}
