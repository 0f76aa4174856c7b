/* strmem_env: the preload's setenv/unsetenv wrappers read their string
 * arguments.
 *
 * DHAT's preload (and so heaphunt's) wraps setenv, unsetenv and putenv:
 * before calling glibc, the wrapper walks each string argument, terminator
 * included, one byte read per byte.  With heap strings those are heap
 * reads.  To keep glibc's own work out of the count, both calls use an
 * empty name, which glibc rejects (EINVAL) after one more read of name[0]
 * and before allocating anything.
 *
 *   name:  malloc(8) in alloc_name, "" stored: w[0]
 *   value: malloc(8) in alloc_value, "abc" stored: w[0-3]
 *   setenv(name, value, 1): wrapper r name[0], r value[0-3];
 *                           glibc tests *name == 0: r name[0]; fails
 *   unsetenv(name):         wrapper r name[0]; glibc r name[0]; fails
 *   free both
 *
 * name: 1 write, 4 reads, all at offset 0.  value: 4 writes, 4 reads.
 *
 * Expected (derived by hand):
 *   Total:     16 bytes in 2 blocks
 *   At t-gmax: 16 bytes in 2 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     8 bytes
 *   Writes:    5 bytes
 *   site alloc_name: tb=8 tbk=1 rb=4 wb=1
 *   acc alloc_name: 5,-7,0
 *   site alloc_value: tb=8 tbk=1 rb=4 wb=4
 *   acc alloc_value: -4,2,-4,0
 */
#include <errno.h>
#include "prog_util.h"

__attribute__((noinline)) static char *alloc_name(void) { return malloc(8); }
__attribute__((noinline)) static char *alloc_value(void) { return malloc(8); }

int main(void)
{
    char *name = alloc_name();
    char *value = alloc_value();
    check(name != NULL && value != NULL, "malloc(8)");
    name[0] = 0;
    value[0] = 'a';
    value[1] = 'b';
    value[2] = 'c';
    value[3] = 0;
    check(setenv(name, value, 1) == -1 && errno == EINVAL, "setenv with an empty name");
    check(unsetenv(name) == -1 && errno == EINVAL, "unsetenv with an empty name");
    free(name);
    free(value);
    return 0;
}
