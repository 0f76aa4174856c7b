/* peak_tie: two peaks of exactly the same size; the later one is t-gmax.
 *
 * DHAT records the latest of equal peaks (it compares with >=), and
 * heaphunt must agree, so the per-site split at t-gmax is the second one's.
 *
 *   alloc_first  1 x 3,000        live 3,000 in 1   <- first peak
 *   free it                       live 0
 *   alloc_second 3 x 1,000        live 3,000 in 3   <- equal peak, the later
 *   free them all                 live 0
 *
 * Expected (derived by hand):
 *   Total:     6,000 bytes in 4 blocks
 *   At t-gmax: 3,000 bytes in 3 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site alloc_first: tb=3000 tbk=1 gb=0 gbk=0 eb=0 ebk=0
 *   site alloc_second: tb=3000 tbk=3 gb=3000 gbk=3 eb=0 ebk=0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_first(void) { return malloc(3000); }
__attribute__((noinline)) static void *alloc_second(void) { return malloc(1000); }

int main(void)
{
    void *first = alloc_first();
    check(first != NULL, "alloc_first");
    free(first);
    void *second[3];
    for (int i = 0; i < 3; i++)
        check((second[i] = alloc_second()) != NULL, "alloc_second");
    for (int i = 0; i < 3; i++)
        free(second[i]);
    return 0;
}
