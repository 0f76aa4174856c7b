/* aligned_allocs: memalign, posix_memalign, aligned_alloc and valloc count
 * the requested size (not the alignment padding), each at its own call
 * site.  The program checks each alignment itself and exits 2 if one is
 * wrong.
 *
 *   memalign(64, 100)             100 bytes, 64-aligned
 *   posix_memalign(&p, 256, 200)  200 bytes, 256-aligned
 *   aligned_alloc(128, 256)       256 bytes, 128-aligned
 *   valloc(300)                   300 bytes, page-aligned
 *   all four live together (peak), then memalign's and valloc's freed.
 *
 * Expected (derived by hand):
 *   Total:     856 bytes in 4 blocks
 *   At t-gmax: 856 bytes in 4 blocks
 *   At t-end:  456 bytes in 2 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site via_memalign: tb=100 tbk=1 gb=100 gbk=1 eb=0 ebk=0
 *   site via_posix_memalign: tb=200 tbk=1 gb=200 gbk=1 eb=200 ebk=1
 *   site via_aligned_alloc: tb=256 tbk=1 gb=256 gbk=1 eb=256 ebk=1
 *   site via_valloc: tb=300 tbk=1 gb=300 gbk=1 eb=0 ebk=0
 */
#define _GNU_SOURCE
#include <malloc.h>
#include "prog_util.h"

__attribute__((noinline)) static void *via_memalign(void) { return memalign(64, 100); }

__attribute__((noinline)) static void *via_posix_memalign(void)
{
    void *block = NULL;
    check(posix_memalign(&block, 256, 200) == 0, "posix_memalign failed");
    return block;
}

__attribute__((noinline)) static void *via_aligned_alloc(void) { return aligned_alloc(128, 256); }
__attribute__((noinline)) static void *via_valloc(void) { return valloc(300); }

static int is_aligned(void *block, uintptr_t alignment_bytes)
{
    return block != NULL && (uintptr_t)block % alignment_bytes == 0;
}

int main(void)
{
    uintptr_t page_bytes = (uintptr_t)sysconf(_SC_PAGESIZE);
    void *a = via_memalign();
    void *b = via_posix_memalign();
    void *c = via_aligned_alloc();
    void *d = via_valloc();
    check(is_aligned(a, 64), "memalign(64, 100) not 64-aligned");
    check(is_aligned(b, 256), "posix_memalign(256, 200) not 256-aligned");
    check(is_aligned(c, 128), "aligned_alloc(128, 256) not 128-aligned");
    check(is_aligned(d, page_bytes), "valloc(300) not page-aligned");
    free(a);
    free(d);
    return 0;
}
