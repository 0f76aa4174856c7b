/* fork_worker: a parent that forks a worker and takes another path when
 * the worker fails, as servers and build tools do.
 *
 *   parent: keep = malloc(100), filled (in fill_and_keep)
 *   fork; the worker inherits the 100 bytes and calls exit(0) at once;
 *   given argv[2], it first makes a directory named argv[2] followed by
 *   its pid (where --heaphunt-out-file=<argv[2]>%p puts its profile, which
 *   then cannot be written)
 *   parent: waitpid; prints "worker exited N" (N its exit status)
 *   parent: with argv[1] "tidy", free(keep); then returns 0
 *
 * The worker's status must be 0 whatever heaphunt's limits, unless the
 * user asked for limits in every process (--limit-process=each):
 *
 *   options                          worker  parent (tidy)  parent (leaky)
 *   --max-end-bytes=50                 0         0              1
 *   --max-end-bytes=50
 *      --limit-process=each            1         0              1
 *
 * (the worker holds the inherited 100 bytes at its exit; the tidy parent
 * holds none, the leaky one 100).
 *
 * Expected (derived by hand), the parent's profile:
 *   tidy:  Total 100 bytes in 1 blocks, t-end 0 in 0, Writes 100
 *   leaky: Total 100 bytes in 1 blocks, t-end 100 in 1, Writes 100
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include "prog_util.h"

__attribute__((noinline)) static void *fill_and_keep(size_t bytes)
{
    char *p = malloc(bytes);
    memset(p, 7, bytes);
    return p;
}

int main(int argc, char **argv)
{
    char *keep = fill_and_keep(100);
    pid_t worker = fork();
    check(worker >= 0, "fork failed");
    if (worker == 0) {
        if (argc > 2) {
            char dir[4096];
            size_t len = strlen(argv[2]);
            check(len + 24 < sizeof dir, "argv[2] too long");
            memcpy(dir, argv[2], len);
            uint64_t pid = (uint64_t)getpid();
            char digits[24];
            int pos = (int)sizeof digits;
            digits[--pos] = '\0';
            do {
                digits[--pos] = (char)('0' + pid % 10);
                pid /= 10;
            } while (pid != 0);
            memcpy(dir + len, digits + pos, sizeof digits - (size_t)pos);
            check(mkdir(dir, 0755) == 0, "mkdir");
        }
        exit(0);
    }
    int status = 0;
    check(waitpid(worker, &status, 0) == worker, "waitpid");
    check(WIFEXITED(status), "the worker did not exit");
    put_str(1, "worker exited ");
    put_u64(1, (uint64_t)WEXITSTATUS(status));
    put_str(1, "\n");
    if (argc > 1 && strcmp(argv[1], "tidy") == 0)
        free(keep);
    return 0;
}
