/* ghost: blocks leaked early and never touched again, for the leak-stale
 * finding.
 *
 * make_ghosts allocates 100 blocks of 1,000 bytes and writes each byte once,
 * at the very start of main; then busy_work spins 3,000,000 iterations on a
 * stack variable (tens of millions of instructions, no heap access), and
 * main returns without freeing the blocks.  The ghosts' last access is
 * within the first tenth of the run.
 *
 * Expected (derived by hand):
 *   Total: 100,000 bytes in 100 blocks; At t-end: 100,000 bytes in 100 blocks
 *   Writes: 100,000 bytes; Reads: 0 bytes
 *   site make_ghosts: eb=100000 ebk=100 hhEndIdleDeciles=[100000, 0 x 9]
 *     hhWriteOnlyK=100
 *   first finding: leak-stale, "100.0 kB allocated at make_ghosts (ghost.c:LINE)
 *     are still reachable at exit, 100% of it not accessed in the last 20% of
 *     the run" (the global array ghosts[] points at every block: reachable, in
 *     a profile with reachability; "still live" in one without)
 */
#include <stdlib.h>

enum { GHOSTS = 100, GHOST_BYTES = 1000, BUSY_ITERATIONS = 3000000 };

static char *ghosts[GHOSTS];

__attribute__((noinline)) static void make_ghosts(void)
{
    for (int g = 0; g < GHOSTS; g++) {
        char *p = malloc(GHOST_BYTES);
        for (int i = 0; i < GHOST_BYTES; i++)
            p[i] = 1;
        ghosts[g] = p;
    }
}

__attribute__((noinline)) static long busy_work(void)
{
    volatile long sum = 0;
    for (long i = 0; i < BUSY_ITERATIONS; i++)
        sum += i;
    return sum;
}

int main(void)
{
    make_ghosts();
    return busy_work() == 0;
}
