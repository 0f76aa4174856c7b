/* env_changer: a program that changes the environment variable its
 * profile is named after (--heaphunt-out-file=...%q{HH_RUN}...), then
 * allocates and fills 100 bytes and exits 0.  argv[1] says how:
 *
 *   unset      unsetenv("HH_RUN")
 *   overwrite  writes "other" over the value in place, as setproctitle
 *              does with the memory after argv (the value must be at
 *              least 5 characters long)
 *   set        setenv("HH_RUN", "other", 1)
 *
 * The profile must still be named after the value the program started
 * with.
 *
 * Expected (derived by hand), unset and overwrite (neither allocates):
 *   Total:     100 bytes in 1 blocks
 *   At t-end:  100 bytes in 1 blocks
 *   Writes:    100 bytes
 * set: glibc's setenv allocates too; site fill_and_keep has tb=100 tbk=1
 * eb=100 wb=100 in every mode.
 */
#include "prog_util.h"

__attribute__((noinline)) static void *fill_and_keep(size_t bytes)
{
    char *p = malloc(bytes);
    memset(p, 7, bytes);
    return p;
}

int main(int argc, char **argv)
{
    check(argc == 2, "usage: env_changer unset|overwrite|set");
    char *value = getenv("HH_RUN");
    check(value != NULL, "HH_RUN is not set");
    if (strcmp(argv[1], "unset") == 0) {
        unsetenv("HH_RUN");
        check(getenv("HH_RUN") == NULL, "unsetenv");
    } else if (strcmp(argv[1], "overwrite") == 0) {
        check(strlen(value) >= 5, "HH_RUN must have 5 characters or more");
        memcpy(value, "other", 6);
    } else if (strcmp(argv[1], "set") == 0) {
        setenv("HH_RUN", "other", 1);
    } else {
        check(0, "unknown mode");
    }
    fill_and_keep(100);
    return 0;
}
