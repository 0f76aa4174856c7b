/* realloc_same_size: realloc to the same size is still counted: one more
 * block of that size, and an implied copy of it (read and write 100 bytes).
 *
 *   malloc(100) in alloc_hundred      live 100 in 1   <- peak
 *   realloc(p, 100)                   live 100 in 1; tb += 100, tbk += 1;
 *                                     reads += 100, writes += 100
 *   free
 *
 * Expected (derived by hand):
 *   Total:     200 bytes in 2 blocks
 *   At t-gmax: 100 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     100 bytes
 *   Writes:    100 bytes
 *   site alloc_hundred: tb=200 tbk=2 gb=100 gbk=1 eb=0 ebk=0 rb=100 wb=100
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_hundred(void) { return malloc(100); }

int main(void)
{
    void *block = alloc_hundred();
    check(block != NULL, "malloc(100)");
    void *same = realloc(block, 100);
    check(same != NULL, "realloc(p, 100)");
    free(same);
    return 0;
}
