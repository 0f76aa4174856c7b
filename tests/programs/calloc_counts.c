/* calloc_counts: calloc counts m*n bytes; a calloc whose m*n overflows
 * returns NULL and counts nothing; calloc's zeroing is not a client write.
 *
 *   calloc(10, 20)            200 bytes, kept to the end
 *   calloc(3, 100)            300 bytes, freed
 *   calloc(SIZE_MAX/2, 4)     overflows size_t: NULL, not a block
 *   calloc(1, 0)              a zero-size request, counted as 1 byte (as
 *                             DHAT does), freed
 *
 * The peak is after the second calloc (500 in 2); the 1-byte block comes
 * after the 300 was freed, so the heap never exceeds 500 again.
 *
 * Expected (derived by hand):
 *   Total:     501 bytes in 3 blocks
 *   At t-gmax: 500 bytes in 2 blocks
 *   At t-end:  200 bytes in 1 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site calloc_kept: tb=200 tbk=1 gb=200 gbk=1 eb=200 ebk=1 rb=0 wb=0
 *   site calloc_freed: tb=300 tbk=1 gb=300 gbk=1 eb=0 ebk=0 rb=0 wb=0
 *   site calloc_zero: tb=1 tbk=1 gb=0 gbk=0 eb=0 ebk=0 rb=0 wb=0
 *   acc calloc_kept: -200,0
 */
#include <stdint.h>
#include "prog_util.h"

__attribute__((noinline)) static void *calloc_kept(void) { return calloc(10, 20); }
__attribute__((noinline)) static void *calloc_freed(void) { return calloc(3, 100); }
__attribute__((noinline)) static void *calloc_zero(void) { return calloc(1, 0); }

__attribute__((noinline)) static void *calloc_overflow(void)
{
    /* volatile so that the compiler cannot see the overflow. */
    volatile size_t huge_count = SIZE_MAX / 2;
    return calloc(huge_count, 4);
}

int main(void)
{
    unsigned char *kept = calloc_kept();
    check(kept != NULL, "calloc(10, 20)");
    void *freed = calloc_freed();
    check(freed != NULL, "calloc(3, 100)");
    check(calloc_overflow() == NULL, "calloc(SIZE_MAX/2, 4) did not fail");
    free(freed);
    void *zero = calloc_zero();
    free(zero);
    return 0;
}
