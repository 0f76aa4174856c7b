/* peak_middle: the heap peaks in the middle of the run, and each site's
 * share of that peak is known.
 *
 *   phase 1: alloc_a  5 x 200 bytes          live 1,000 in 5
 *   phase 2: alloc_b  3 x 1,000 bytes        live 4,000 in 8   <- peak
 *   phase 3: free all of b                   live 1,000 in 5
 *   phase 4: alloc_c 10 x 100 bytes          live 2,000 in 15
 *   phase 5: free 2 of a                     live 1,600 in 13
 *
 * Phase 4 never gets back to 4,000, so t-gmax is the end of phase 2:
 * a holds 1,000/5, b 3,000/3, c nothing (not yet allocated).
 * Totals: 1,000 + 3,000 + 1,000 bytes, 5 + 3 + 10 blocks.
 * At exit: a 3 x 200 = 600 in 3, c 1,000 in 10.
 *
 * Expected (derived by hand):
 *   Total:     5,000 bytes in 18 blocks
 *   At t-gmax: 4,000 bytes in 8 blocks
 *   At t-end:  1,600 bytes in 13 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site alloc_a: tb=1000 tbk=5 gb=1000 gbk=5 eb=600 ebk=3 rb=0 wb=0
 *   site alloc_b: tb=3000 tbk=3 gb=3000 gbk=3 eb=0 ebk=0 rb=0 wb=0
 *   site alloc_c: tb=1000 tbk=10 gb=0 gbk=0 eb=1000 ebk=10 rb=0 wb=0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_a(void) { return malloc(200); }
__attribute__((noinline)) static void *alloc_b(void) { return malloc(1000); }
__attribute__((noinline)) static void *alloc_c(void) { return malloc(100); }

int main(void)
{
    void *a[5], *b[3], *c[10];
    for (int i = 0; i < 5; i++)
        check((a[i] = alloc_a()) != NULL, "alloc_a");
    for (int i = 0; i < 3; i++)
        check((b[i] = alloc_b()) != NULL, "alloc_b");
    for (int i = 0; i < 3; i++)
        free(b[i]);
    for (int i = 0; i < 10; i++)
        check((c[i] = alloc_c()) != NULL, "alloc_c");
    free(a[0]);
    free(a[1]);
    return 0;
}
