/* ghost: blocks made after start-up and never touched again, for the
 * leak-stale finding.
 *
 * main first spins busy_work for 3,250,000 iterations on a stack variable
 * (tens of millions of instructions, no heap access), then make_ghosts
 * allocates 100 blocks of 1,000 bytes, writes each byte once and keeps
 * them in the global ghosts[], then busy_work spins 1,750,000 iterations
 * more, and main returns without freeing them.  The two loops are nearly
 * the whole run, in the ratio 3,250,000 : 1,750,000, so the ghosts are
 * made at about 65% of it (their writes take a few percent), inside the
 * tenth [60%, 70%): after start-up (the first half), and not accessed in
 * the last 20% of the run.
 *
 * Expected (derived by hand):
 *   Total: 100,000 bytes in 100 blocks; At t-end: 100,000 bytes in 100 blocks
 *   Writes: 100,000 bytes; Reads: 0 bytes
 *   site make_ghosts: eb=100000 ebk=100, all last accessed at 65% of the
 *     run: hhEndIdleDeciles=[0 x 6, 100000, 0 x 3]; hhWriteOnlyK=100;
 *     reachable at exit (ghosts[] points at every block): hhLostB=0
 *   first finding: leak-stale, "100.0 kB allocated at make_ghosts (ghost.c:LINE)
 *     are still reachable at exit, 100% of it not accessed in the last 20% of
 *     the run" ("still live" in a profile without reachability)
 */
#include <stdlib.h>

enum { GHOSTS = 100, GHOST_BYTES = 1000, BEFORE_ITERATIONS = 3250000, AFTER_ITERATIONS = 1750000 };

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

__attribute__((noinline)) static long busy_work(long iterations)
{
    volatile long sum = 0;
    for (long i = 0; i < iterations; i++)
        sum += i;
    return sum;
}

int main(void)
{
    long before = busy_work(BEFORE_ITERATIONS);
    make_ghosts();
    return busy_work(AFTER_ITERATIONS) + before == 0;
}
