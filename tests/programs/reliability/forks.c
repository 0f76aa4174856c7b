/* forks: the parent allocates and fills 1000 bytes, forks; the child
 * allocates and fills 50 more and exits 0; the parent waits and exits 0.
 * Each prints its own pid on stdout ("parent N" / "child N").
 *
 * Expected (derived by hand):
 *   parent profile: Total 1,000 bytes in 1 blocks, t-end 1,000 in 1,
 *                   Writes 1,000
 *   child profile:  the parent's block is inherited, so
 *                   Total 1,050 bytes in 2 blocks, t-end 1,050 in 2,
 *                   Writes 1,050 (the parent's memset happened before fork)
 */
#include <sys/wait.h>
#include "prog_util.h"

__attribute__((noinline)) static void *fill_and_keep(size_t bytes)
{
    char *p = malloc(bytes);
    memset(p, 7, bytes);
    return p;
}

int main(void)
{
    fill_and_keep(1000);
    pid_t child = fork();
    check(child >= 0, "fork failed");
    if (child == 0) {
        fill_and_keep(50);
        put_str(1, "child ");
        put_u64(1, (uint64_t)getpid());
        put_str(1, "\n");
        exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
    put_str(1, "parent ");
    put_u64(1, (uint64_t)getpid());
    put_str(1, "\n");
    return 0;
}
