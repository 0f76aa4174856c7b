/* realloc_shrink: shrinking a block counts as one more block of the new
 * size at the block's original allocation site, and as an implied copy of
 * the new size (a read and a write of 40 bytes), though nothing moves.
 *
 *   malloc(100) in alloc_hundred      live 100 in 1   <- peak
 *   realloc(p, 40)                    live 40 in 1; tb += 40, tbk += 1;
 *                                     reads += 40, writes += 40
 *   (kept to the end)
 *
 * Expected (derived by hand):
 *   Total:     140 bytes in 2 blocks
 *   At t-gmax: 100 bytes in 1 blocks
 *   At t-end:  40 bytes in 1 blocks
 *   Reads:     40 bytes
 *   Writes:    40 bytes
 *   site alloc_hundred: tb=140 tbk=2 gb=100 gbk=1 eb=40 ebk=1 rb=40 wb=40
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_hundred(void) { return malloc(100); }

int main(void)
{
    void *block = alloc_hundred();
    check(block != NULL, "malloc(100)");
    void *smaller = realloc(block, 40);
    check(smaller != NULL, "realloc(p, 40)");
    return 0;
}
