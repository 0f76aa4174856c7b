/* realloc_null: realloc(NULL, n) is malloc(n), counted at realloc's call
 * site.
 *
 *   realloc(NULL, 64) in realloc_from_null     a new 64-byte block
 *   free it
 *
 * Expected (derived by hand):
 *   Total:     64 bytes in 1 blocks
 *   At t-gmax: 64 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site realloc_from_null: tb=64 tbk=1 gb=64 gbk=1 eb=0 ebk=0 rb=0 wb=0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *realloc_from_null(void)
{
    return realloc(NULL, 64);
}

int main(void)
{
    void *block = realloc_from_null();
    check(block != NULL, "realloc(NULL, 64) returned NULL");
    free(block);
    return 0;
}
