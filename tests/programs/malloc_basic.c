/* malloc_basic: ten malloc(100) blocks, seven freed, three live at exit.
 *
 * All ten are allocated before the first free, so the peak (t-gmax) is
 * right after the tenth malloc: 10 blocks, 1,000 bytes.  Frees of blocks
 * 0..6 leave blocks 7..9 live at exit.  The blocks are never touched.
 *
 * Expected (derived by hand):
 *   Total:     1,000 bytes in 10 blocks
 *   At t-gmax: 1,000 bytes in 10 blocks
 *   At t-end:  300 bytes in 3 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site alloc_hundred: tb=1000 tbk=10 gb=1000 gbk=10 eb=300 ebk=3 rb=0 wb=0
 *   acc alloc_hundred: -100,0
 */
#include "prog_util.h"

enum { BLOCK_COUNT = 10, BLOCK_BYTES = 100, FREED_COUNT = 7 };

__attribute__((noinline)) static void *alloc_hundred(void)
{
    return malloc(BLOCK_BYTES);
}

int main(void)
{
    void *blocks[BLOCK_COUNT];
    for (int i = 0; i < BLOCK_COUNT; i++) {
        blocks[i] = alloc_hundred();
        check(blocks[i] != NULL, "malloc(100) returned NULL");
    }
    for (int i = 0; i < FREED_COUNT; i++)
        free(blocks[i]);
    return 0;
}
