/* dumper: profiles on demand and on a timer.
 *
 * Three steps; step k allocates and fills 100 * k bytes in step_alloc and
 * keeps them.  After steps 1 and 2 the program asks for a profile with
 * HEAPHUNT_DUMP(argv[1] + ".k") when argv[1] is given; each busy-loop
 * between steps (spin) runs millions of instructions, so --dump-every=N
 * with N much smaller than that writes profiles between the steps.
 *
 * Expected (derived by hand):
 *   dump after step 1: Total 100 bytes in 1 blocks
 *   dump after step 2: Total 300 bytes in 2 blocks
 *   at exit:           Total 600 bytes in 3 blocks, t-end 600 in 3
 */
#include "../../../tool/heaphunt.h" /* needs -I /usr/include/valgrind */
#include "prog_util.h"

__attribute__((noinline)) static void *step_alloc(size_t bytes)
{
    char *p = malloc(bytes);
    memset(p, 1, bytes);
    return p;
}

__attribute__((noinline)) static void spin(void)
{
    for (volatile long i = 0; i < 300000; i++)
        ;
}

int main(int argc, char **argv)
{
    char path[512];
    for (int step = 1; step <= 3; step++) {
        step_alloc(100 * (size_t)step);
        if (argc > 1 && step < 3) {
            size_t len = strlen(argv[1]);
            check(len + 3 < sizeof path, "path too long");
            memcpy(path, argv[1], len);
            path[len] = '.';
            path[len + 1] = (char)('0' + step);
            path[len + 2] = '\0';
            check(HEAPHUNT_DUMP(path) == 1, "HEAPHUNT_DUMP failed");
        }
        spin();
    }
    return 0;
}
