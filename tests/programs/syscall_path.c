/* syscall_path: a NUL-terminated string in a heap block passed to a system
 * call (here open's path) counts as a read by the kernel, the way DHAT
 * counts it: DHAT's handler measures the string with strlen(str + 1), one
 * byte less than the string's length (the NUL not included either).
 * heaphunt must give the same number, so this program pins that down.
 *
 *   malloc(32) in alloc_path
 *   "input-path.txt" and its NUL stored byte by byte   writes 15 bytes
 *   open(path, O_CREAT)                                reads strlen(path+1)
 *                                                      = 13 bytes
 *   free
 *
 * Expected (derived by hand):
 *   Total:     32 bytes in 1 blocks
 *   At t-gmax: 32 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     13 bytes
 *   Writes:    15 bytes
 *   site alloc_path: tb=32 tbk=1 rb=13 wb=15
 */
#include <fcntl.h>
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_path(void) { return malloc(32); }

int main(void)
{
    static const char name[] = "input-path.txt";
    volatile char *path = alloc_path();
    check(path != NULL, "malloc(32)");
    for (size_t i = 0; i < sizeof name; i++)
        path[i] = name[i];
    int fd = open((const char *)path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0, "cannot create input-path.txt");
    close(fd);
    free((void *)path);
    return 0;
}
