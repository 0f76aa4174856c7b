/* malloc_zero: malloc(0) returns a distinct non-NULL pointer and is counted
 * as a 1-byte block (DHAT's rule, so that a block always has an address
 * range; heaphunt does the same to agree).
 *
 *   3 x malloc(0) in alloc_nothing    3 "bytes" in 3 blocks   <- peak
 *   free all three
 *
 * Expected (derived by hand):
 *   Total:     3 bytes in 3 blocks
 *   At t-gmax: 3 bytes in 3 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site alloc_nothing: tb=3 tbk=3 gb=3 gbk=3 eb=0 ebk=0 rb=0 wb=0
 *   acc alloc_nothing: 0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_nothing(void) { return malloc(0); }

int main(void)
{
    void *blocks[3];
    for (int i = 0; i < 3; i++)
        check((blocks[i] = alloc_nothing()) != NULL, "malloc(0) returned NULL");
    check(blocks[0] != blocks[1] && blocks[1] != blocks[2], "malloc(0) pointers not distinct");
    for (int i = 0; i < 3; i++)
        free(blocks[i]);
    return 0;
}
