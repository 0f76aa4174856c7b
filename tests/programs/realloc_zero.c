/* realloc_zero: realloc(p, 0) frees p and returns NULL (glibc's behaviour,
 * which Valgrind's replacement follows); it adds no block.
 *
 *   malloc(50) in alloc_fifty
 *   realloc(p, 0)        the block dies; nothing is copied
 *
 * Expected (derived by hand):
 *   Total:     50 bytes in 1 blocks
 *   At t-gmax: 50 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site alloc_fifty: tb=50 tbk=1 gb=50 gbk=1 eb=0 ebk=0 rb=0 wb=0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_fifty(void) { return malloc(50); }

int main(void)
{
    void *block = alloc_fifty();
    check(block != NULL, "malloc(50)");
    void *after = realloc(block, 0);
    check(after == NULL, "realloc(p, 0) did not return NULL");
    return 0;
}
