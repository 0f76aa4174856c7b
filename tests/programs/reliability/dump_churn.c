/* dump_churn: many allocation sites, then a long loop of small
 * allocations, for runs with --dump-every that are killed while a profile
 * is being written, or that write to a full disk.
 *
 *   argv[1] = D: make_sites allocates one 8-byte block at each of the 2^D
 *             leaves of a binary recursion whose two branches are distinct
 *             calls, so with --num-callers >= D + 3 (malloc, D + 1 frames of
 *             branch, main) the 2^D blocks have 2^D sites; they stay live
 *   argv[2] = R: R rounds of churn: malloc(16), fill, free, then a busy
 *             loop of about 200,000 instructions
 *
 * Expected (derived by hand):
 *   Total:  8 * 2^D + 16 * R bytes in 2^D + R blocks
 *   At t-end: 8 * 2^D bytes in 2^D blocks
 *   Writes: 16 * R bytes (make_sites does not write its blocks)
 *   stdout: done
 */
#include "prog_util.h"

static char **kept;
static size_t n_kept;

__attribute__((noinline)) static void branch(int depth, unsigned path)
{
    if (depth == 0) {
        kept[n_kept++] = malloc(8);
        return;
    }
    if (path & 1)
        branch(depth - 1, path >> 1);
    else
        branch(depth - 1, path >> 1);
}

__attribute__((noinline)) static void make_sites(int depth)
{
    for (unsigned path = 0; path < (1u << depth); path++)
        branch(depth, path);
}

__attribute__((noinline)) static void churn_once(void)
{
    char *p = malloc(16);
    memset(p, 5, 16);
    free(p);
    for (volatile long i = 0; i < 40000; i++)
        ;
}

int main(int argc, char **argv)
{
    check(argc == 3, "usage: dump_churn DEPTH ROUNDS");
    int depth = atoi(argv[1]);
    long rounds = atol(argv[2]);
    check(depth >= 0 && depth <= 20 && rounds >= 0, "bad arguments");
    static char *storage[1 << 20];
    kept = storage;
    make_sites(depth);
    for (long r = 0; r < rounds; r++)
        churn_once();
    put_str(1, "done\n");
    return 0;
}
