/* realloc_grow: growing a block counts as one more block of the new size at
 * the block's original allocation site, and the copy of the old contents as
 * a read and a write of the old size (100 bytes).
 *
 *   malloc(100) in alloc_hundred      live 100 in 1
 *   realloc(p, 300)                   live 300 in 1   <- peak
 *                                     tb += 300, tbk += 1;
 *                                     reads += 100, writes += 100
 *   free
 *
 * Expected (derived by hand):
 *   Total:     400 bytes in 2 blocks
 *   At t-gmax: 300 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     100 bytes
 *   Writes:    100 bytes
 *   site alloc_hundred: tb=400 tbk=2 gb=300 gbk=1 eb=0 ebk=0 rb=100 wb=100
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_hundred(void) { return malloc(100); }

int main(void)
{
    void *block = alloc_hundred();
    check(block != NULL, "malloc(100)");
    void *bigger = realloc(block, 300);
    check(bigger != NULL, "realloc(p, 300)");
    free(bigger);
    return 0;
}
