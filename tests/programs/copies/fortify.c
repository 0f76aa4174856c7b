/* fortify: built with -O2 -D_FORTIFY_SOURCE=2, so that a memcpy whose size
 * is not known at compile time into a block whose size is (malloc(64) in
 * main) becomes a call of __memcpy_chk(dst, src, n, 64).
 *
 * n = 40 when the program has no arguments.
 * Copy site main (the memcpy line): cb = 40, cbk = 1, src = alloc_src's
 * site (40; at -O2 its malloc is a tail call, so the site starts at main's
 * alloc_src(64) line), dst = main's malloc(64) site (40).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static char *alloc_src(size_t n) { return malloc(n); }

int main(int argc, char **argv)
{
    (void)argv;
    char *src = alloc_src(64);
    for (int i = 0; i < 64; i++)
        ((volatile char *)src)[i] = 'a';
    char *dst = malloc(64);
    size_t n = 40 + (size_t)(argc - 1);
    memcpy(dst, src, n); /* FORTIFIED_MEMCPY */
    int status = dst[n - 1] == 'a' ? 0 : 2;
    free(src);
    free(dst);
    return status;
}
