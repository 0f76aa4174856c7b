/* granule_span: thousands of 512-byte blocks, so that many straddle the
 * 64 KiB chunks of heaphunt's small-block index, each touched at both
 * ends; half are freed and the rest are still live at exit (their
 * accesses are counted from the index's walk over live blocks).
 *
 *   4,096 x malloc(512) in alloc_512 (pointers kept in a static array)
 *   an 8-byte store at offset 504 of every block, then at offset 0 of
 *     every block, then 8-byte loads in the same order -> 16 written and
 *     16 read per block
 *   free the even-numbered 2,048
 *   each odd-numbered block: an 8-byte load at offset 0    -> 8 read
 *
 * Reads 4,096 x 16 + 2,048 x 8 = 81,920; writes 4,096 x 16 = 65,536.
 * Histogram (summed over the site's blocks): offsets 0..7 are accessed
 * 2 x 4,096 + 2,048 = 10,240 times, 504..511 2 x 4,096 = 8,192 times, the
 * rest never.
 *
 * Expected (derived by hand):
 *   Total:     2,097,152 bytes in 4,096 blocks
 *   At t-gmax: 2,097,152 bytes in 4,096 blocks
 *   At t-end:  1,048,576 bytes in 2,048 blocks
 *   Reads:     81,920 bytes
 *   Writes:    65,536 bytes
 *   site alloc_512: tb=2097152 tbk=4096 gb=2097152 gbk=4096 eb=1048576 ebk=2048 rb=81920 wb=65536
 *   acc alloc_512: -8,10240,-496,0,-8,8192
 */
#include "prog_util.h"

#define N_BLOCKS 4096
#define LAST_WORD (504 / 8)

static volatile uint64_t *blocks[N_BLOCKS];

__attribute__((noinline)) static void *alloc_512(void) { return malloc(512); }

int main(void)
{
    for (uint64_t i = 0; i < N_BLOCKS; i++) {
        blocks[i] = alloc_512();
        check(blocks[i] != NULL, "malloc(512)");
    }
    /* One end of every block, then the other: each access is to another
       block than the one before, so it is looked up in the index. */
    uint64_t sum = 0;
    for (uint64_t i = 0; i < N_BLOCKS; i++)
        blocks[i][LAST_WORD] = i;
    for (uint64_t i = 0; i < N_BLOCKS; i++)
        blocks[i][0] = i;
    for (uint64_t i = 0; i < N_BLOCKS; i++)
        sum += blocks[i][LAST_WORD];
    for (uint64_t i = 0; i < N_BLOCKS; i++)
        sum += blocks[i][0];
    check(sum == (uint64_t)N_BLOCKS * (N_BLOCKS - 1), "read back the wrong words");
    for (int i = 0; i < N_BLOCKS; i += 2)
        free((void *)blocks[i]);
    uint64_t odd_sum = 0;
    for (int i = 1; i < N_BLOCKS; i += 2)
        odd_sum += blocks[i][0];
    check(odd_sum == (uint64_t)(N_BLOCKS / 2) * (N_BLOCKS / 2), "odd blocks changed");
    return 0;
}
