/* execs: allocate and fill 1000 bytes, then replace the process with
 * /bin/true.
 *
 * Expected (derived by hand), the life before the exec:
 *   Total: 1,000 bytes in 1 blocks; t-end 1,000 in 1; Writes 1,000
 */
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
    execl("/bin/true", "/bin/true", (char *)NULL);
    return 2; /* exec failed */
}
