/* custom_unmapped: a custom block over memory the program then unmaps
 * without ending the block, after which the heap grows into the hole.
 *
 *   region_carve: r = mmap(64 MiB); MALLOCLIKE(r, 64 MiB); munmap(r, 64 MiB)
 *                 (the block's memory is gone: it ends with it)
 *   grow_heap:    200 blocks of 1 MiB, then 20,000 of 100 bytes, all kept
 *                 (Valgrind's arena may map new memory where r was)
 *   and the same with brk: b = sbrk(64 KiB); MALLOCLIKE(b, 64 KiB);
 *                 sbrk(-64 KiB) (in brk_carve)
 *
 * Expected (derived by hand):
 *   site region_carve: tb=67108864 tbk=1 eb=0 ebk=0
 *   site brk_carve:    tb=65536 tbk=1 eb=0 ebk=0
 *   site grow_heap:    tb=211715200 tbk=20200 eb=211715200 ebk=20200
 *     (200 x 1,048,576 + 20,000 x 100 = 209,715,200 + 2,000,000)
 *   stdout: allocated 20200
 */
#include <sys/mman.h>
#include <valgrind/valgrind.h>
#include "prog_util.h"

#define REGION_SZB ((size_t)64 << 20)
#define BRK_SZB    ((size_t)64 << 10)

__attribute__((noinline)) static void region_carve(void)
{
    char *r = mmap(NULL, REGION_SZB, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(r != MAP_FAILED, "mmap");
    VALGRIND_MALLOCLIKE_BLOCK(r, REGION_SZB, 0, 0);
    check(munmap(r, REGION_SZB) == 0, "munmap");
}

__attribute__((noinline)) static void brk_carve(void)
{
    char *b = sbrk((intptr_t)BRK_SZB);
    check(b != (char *)-1, "sbrk");
    VALGRIND_MALLOCLIKE_BLOCK(b, BRK_SZB, 0, 0);
    check(sbrk(-(intptr_t)BRK_SZB) != (void *)-1, "sbrk back");
}

__attribute__((noinline)) static char *grow_heap(size_t bytes)
{
    return malloc(bytes);
}

int main(void)
{
    region_carve();
    brk_carve();
    uint64_t n = 0;
    for (int i = 0; i < 200; i++)
        n += grow_heap((size_t)1 << 20) != NULL;
    for (int i = 0; i < 20000; i++)
        n += grow_heap(100) != NULL;
    put_str(1, "allocated ");
    put_u64(1, n);
    put_str(1, "\n");
    return 0;
}
