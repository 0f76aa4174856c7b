/* midrun: a profile written part-way through a run must not change the
 * run's numbers.  The program takes blocks through every point of their
 * lives (allocated, written, read, freed as their site's last live block,
 * reallocated larger and smaller, custom blocks carved from a malloc'ed
 * container, mempool blocks, a container still hidden at exit) and stops
 * at 14 numbered points between those steps, where a profile can be
 * asked for in each of the ways heaphunt writes one mid-run.
 *
 * argv[1] is three digits, "RES", each 0 or 1; they change data, never
 * the instructions run, so that runs with and without dumps take exactly
 * the same guest instructions and their final profiles can be compared
 * field by field (times included):
 *   R = 1: at each point, HEAPHUNT_DUMP("point.NN") (NN = 01..14);
 *          R = 0 makes the same request with RUNNING_ON_HEAPHUNT's code.
 *   E = 1: at each point, execve("/bin/true") with an argv pointer that
 *          points nowhere (8), which fails (EFAULT) after heaphunt has
 *          written its pre-exec profile (heaphunt writes none for an exec
 *          the core will refuse for its path, as a missing file);
 *          E = 0 makes the same syscall() as access(), which fails too
 *          (EINVAL: the mode, 8, is no mode), through the same path.
 *   S = 1: at each point, write "point NN\n" on stdout and read one byte
 *          from stdin, so that a test can send vgdb commands while the
 *          program waits.  (S changes the instructions: compare S = 1 runs
 *          only with S = 1 runs.)
 * The path, the argv of execve and the buffers are on the stack or in
 * static data, never in a heap block, so no mode adds heap accesses.
 *
 * Blocks and sites (a custom block's site is the stack of its request):
 *   phase A, alloc_a:    a = malloc(100); memset(a, 1, 100) (100 bytes
 *                        written); read a[0..99] one byte at a time (100
 *                        read); free(a), the site's last live block.
 *                        -> tb=100 tbk=1 eb=0 rb=100 wb=100; each byte
 *                        written once and read once: acc -100,2
 *   phase B, grow_b:     b = malloc(16); memset 16 (16 written);
 *                        b = realloc(b, 64): one more block of 64, and the
 *                        implied copy of 16 bytes read and written;
 *                        memset 64 (64 written); b = realloc(b, 32): one
 *                        more of 32, implied copy of 32; b live at exit.
 *                        -> tb=112 tbk=3 eb=32 ebk=1 rb=48 wb=128
 *                        (rb = 16 + 32; wb = 16 + 16 + 64 + 32); a
 *                        resized block has no histogram, so no acc
 *   phase C, arena_c:    c = malloc(256), never accessed by the program
 *                        itself; freed at the end of phase C.
 *                        -> tb=256 tbk=1 eb=0 rb=0 wb=0
 *            carve_c:    MALLOCLIKE(c + 16, 64); memset 64; FREELIKE.
 *                        -> tb=64 tbk=1 eb=0 rb=0 wb=64
 *   phase D, pool_arena_d: d = malloc(512) holding a mempool; freed last.
 *                        -> tb=512 tbk=1 eb=0 rb=0 wb=0
 *            pool_get_d: MEMPOOL_ALLOC d + 0 and d + 64, 32 bytes each;
 *                        memset both (64 written); MEMPOOL_FREE the first;
 *                        DESTROY_MEMPOOL ends the second.
 *                        -> tb=64 tbk=2 eb=0 rb=0 wb=64
 *   phase E, arena_e:    e = malloc(128), live at exit, hidden (a custom
 *                        block lives in it), never accessed itself.
 *                        -> tb=128 tbk=1 eb=128 ebk=1 hhNoAccK=1
 *            carve_e:    MALLOCLIKE(e + 32, 32); memset 32; live at exit.
 *                        -> tb=32 tbk=1 eb=32 ebk=1 wb=32
 *
 * The points, and what a profile written there holds for the sites of the
 * phase in hand (every earlier phase is complete by then):
 *   1  after malloc(a)               alloc_a: tb=100 eb=100 rb=0 wb=0
 *   2  after a's writes              alloc_a: eb=100 rb=0 wb=100
 *   3  after a's reads, before free  alloc_a: eb=100 rb=100 wb=100
 *   4  after free(a)                 alloc_a: eb=0 rb=100 wb=100
 *   5  b written, before realloc     grow_b: tb=16 tbk=1 eb=16 rb=0 wb=16
 *   6  after realloc(b, 64), memset  grow_b: tb=80 tbk=2 eb=64 rb=16 wb=96
 *   7  after realloc(b, 32)          grow_b: tb=112 tbk=3 eb=32 rb=48 wb=128
 *   8  after MALLOCLIKE              carve_c: tb=64 eb=64 wb=0;
 *                                    arena_c: tb=256 eb=256
 *   9  after the custom block's memset  carve_c: eb=64 wb=64
 *   10 after FREELIKE                carve_c: eb=0 wb=64; arena_c: eb=256
 *   11 after both MEMPOOL_ALLOCs and memsets
 *                                    pool_get_d: tb=64 tbk=2 eb=64 ebk=2 wb=64
 *   12 after MEMPOOL_FREE            pool_get_d: eb=32 ebk=1 wb=64
 *   13 after DESTROY_MEMPOOL         pool_get_d: eb=0 ebk=0 wb=64
 *   14 phase E done, before exit     arena_e: eb=128; carve_e: eb=32 wb=32
 *
 * Expected at exit, whatever the mode (derived by hand above; summary
 * lines cover the program's sites only, so they are left to the test's
 * comparison between runs):
 *   site alloc_a: tb=100 tbk=1 eb=0 ebk=0 rb=100 wb=100
 *   site grow_b: tb=112 tbk=3 eb=32 ebk=1 rb=48 wb=128
 *   site arena_c: tb=256 tbk=1 eb=0 rb=0 wb=0
 *   site carve_c: tb=64 tbk=1 eb=0 rb=0 wb=64
 *   site pool_arena_d: tb=512 tbk=1 eb=0 rb=0 wb=0
 *   site pool_get_d: tb=64 tbk=2 eb=0 rb=0 wb=64
 *   site arena_e: tb=128 tbk=1 eb=128 ebk=1 rb=0 wb=0
 *   site carve_e: tb=32 tbk=1 eb=32 ebk=1 rb=0 wb=32
 *   acc alloc_a: -100,2
 */
#include <sys/syscall.h>
#include "../../../tool/heaphunt.h" /* needs -I /usr/include/valgrind */
#include "prog_util.h"

static const unsigned long point_requests[2] = {
    VG_USERREQ__HEAPHUNT_RUNNING, VG_USERREQ__HEAPHUNT_DUMP };
static const long point_syscalls[2] = { SYS_access, SYS_execve };

static int dump_by_request, dump_by_exec, wait_on_stdin;
/* No memory is mapped at address 8: execve's argv is unreadable. */
#define HH_UNMAPPED_ARGV ((char *const *)8)

__attribute__((noinline)) static void point(int n)
{
    char path[] = "point.00";
    path[6] = (char)('0' + n / 10);
    path[7] = (char)('0' + n % 10);
    (void)VALGRIND_DO_CLIENT_REQUEST_EXPR(0, point_requests[dump_by_request],
                                          path, 0, 0, 0, 0);
    long failed = syscall(point_syscalls[dump_by_exec], "/bin/true",
                          HH_UNMAPPED_ARGV, NULL);
    check(failed == -1, "the point's syscall succeeded");
    if (wait_on_stdin) {
        char line[] = "point 00\n";
        line[6] = path[6];
        line[7] = path[7];
        put_str(1, line);
        char byte;
        check(read(0, &byte, 1) == 1, "stdin ended before the last point");
    }
}

__attribute__((noinline)) static char *alloc_a(void)
{
    return malloc(100);
}

__attribute__((noinline)) static char *grow_b(void)
{
    return malloc(16);
}

__attribute__((noinline)) static char *arena_c(void)
{
    return malloc(256);
}

__attribute__((noinline)) static char *carve_c(char *arena)
{
    VALGRIND_MALLOCLIKE_BLOCK(arena + 16, 64, 0, 0);
    return arena + 16;
}

__attribute__((noinline)) static char *pool_arena_d(void)
{
    return malloc(512);
}

__attribute__((noinline)) static char *pool_get_d(char *pool, size_t offset)
{
    VALGRIND_MEMPOOL_ALLOC(pool, pool + offset, 32);
    return pool + offset;
}

__attribute__((noinline)) static char *arena_e(void)
{
    return malloc(128);
}

__attribute__((noinline)) static char *carve_e(char *arena)
{
    VALGRIND_MALLOCLIKE_BLOCK(arena + 32, 32, 0, 0);
    return arena + 32;
}

int main(int argc, char **argv)
{
    check(argc == 2 && strlen(argv[1]) == 3, "usage: midrun RES");
    dump_by_request = argv[1][0] - '0';
    dump_by_exec = argv[1][1] - '0';
    wait_on_stdin = argv[1][2] - '0';

    /* Phase A: the life of one block, its site's only one. */
    char *a = alloc_a();
    point(1);
    memset(a, 1, 100);
    point(2);
    unsigned sum = 0;
    for (int i = 0; i < 100; i++)
        sum += (unsigned char)a[i];
    check(sum == 100, "phase A's reads");
    point(3);
    free(a);
    point(4);

    /* Phase B: realloc larger (the block moves) and smaller (in place). */
    char *b = grow_b();
    memset(b, 1, 16);
    point(5);
    b = realloc(b, 64);
    check(b != NULL, "realloc to 64");
    memset(b, 2, 64);
    point(6);
    b = realloc(b, 32);
    check(b != NULL, "realloc to 32");
    point(7);

    /* Phase C: a custom block inside a malloc'ed container. */
    char *c = arena_c();
    char *c_obj = carve_c(c);
    point(8);
    memset(c_obj, 3, 64);
    point(9);
    VALGRIND_FREELIKE_BLOCK(c_obj, 0);
    point(10);
    free(c);

    /* Phase D: a mempool of two blocks. */
    char *d = pool_arena_d();
    VALGRIND_CREATE_MEMPOOL(d, 0, 0);
    char *d0 = pool_get_d(d, 0);
    char *d1 = pool_get_d(d, 64);
    memset(d0, 4, 32);
    memset(d1, 5, 32);
    point(11);
    VALGRIND_MEMPOOL_FREE(d, d0);
    point(12);
    VALGRIND_DESTROY_MEMPOOL(d);
    point(13);
    free(d);

    /* Phase E: a container still hidden at exit. */
    char *e = arena_e();
    char *e_obj = carve_e(e);
    memset(e_obj, 6, 32);
    point(14);
    return 0;
}
