/* custom: reachability of custom allocators' blocks (valgrind.h's
 * VALGRIND_MALLOCLIKE_BLOCK), inside a malloc'ed container and in static
 * memory.  Each custom block's site is the function that makes the
 * request.  Rules (docs/json-format.md, hh_reach.c): a pointer into a
 * custom block reaches it and its container; the container is scanned
 * outside its custom blocks, each custom block when it is reached; a
 * custom block in static memory is not a root itself.
 *
 * Container 1 (alloc_container, 4,096 bytes), pointed to by a global;
 * its first word points at custom_d:
 *   custom_a  100 bytes at +64,    pointed to by a global       reachable
 *   custom_b  200 bytes at +256,   nothing points at it         lost
 *   custom_c  300 bytes at +512,   only custom_b points at it   lost
 *   custom_d   50 bytes at +1024,  only the container's first
 *                                  word points at it           reachable
 *   custom_e  400 bytes at +2048,  pointed to by a global;
 *                                  points at alloc_from_custom  reachable
 *   alloc_from_custom    80 bytes, only custom_e points at it   reachable
 *   alloc_lost_via_custom 90 bytes, only custom_b points at it  lost
 * Container 2 (alloc_lost_container, 1,000 bytes), nothing points at it
 * or into it:
 *   custom_f   10 bytes at +0                                   lost
 *   and the container itself                                    lost
 * Static memory (static_arena):
 *   custom_static_kept  64 bytes at +0, pointed to by a global;
 *                       points at alloc_from_static_kept (40)   reachable
 *   custom_static_lost  64 bytes at +128, nothing points at it;
 *                       points at alloc_from_static_lost (50)   lost, both
 *
 * Live at exit: containers 4,096 + 1,000; custom blocks 100 + 200 + 300 +
 * 50 + 400 + 10 + 64 + 64 = 1,188; malloc'ed 80 + 90 + 40 + 50 = 260;
 * 6,544 bytes in 2 + 8 + 4 = 14 blocks.
 * Lost: custom_b 200 + custom_c 300 + alloc_lost_via_custom 90 +
 * container 2 1,000 + custom_f 10 + custom_static_lost 64 +
 * alloc_from_static_lost 50 = 1,714 bytes in 7 blocks.
 *
 * Expected (derived by hand):
 *   At t-end:  6,544 bytes in 14 blocks
 *   Lost:      1,714 bytes in 7 blocks
 *   site alloc_container: eb=4096 ebk=1 hhLostB=0 hhLostK=0
 *   site custom_a: eb=100 ebk=1 hhLostB=0 hhLostK=0
 *   site custom_b: eb=200 ebk=1 hhLostB=200 hhLostK=1
 *   site custom_c: eb=300 ebk=1 hhLostB=300 hhLostK=1
 *   site custom_d: eb=50 ebk=1 hhLostB=0 hhLostK=0
 *   site custom_e: eb=400 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_from_custom: eb=80 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_lost_via_custom: eb=90 ebk=1 hhLostB=90 hhLostK=1
 *   site alloc_lost_container: eb=1000 ebk=1 hhLostB=1000 hhLostK=1
 *   site custom_f: eb=10 ebk=1 hhLostB=10 hhLostK=1
 *   site custom_static_kept: eb=64 ebk=1 hhLostB=0 hhLostK=0
 *   site alloc_from_static_kept: eb=40 ebk=1 hhLostB=0 hhLostK=0
 *   site custom_static_lost: eb=64 ebk=1 hhLostB=64 hhLostK=1
 *   site alloc_from_static_lost: eb=50 ebk=1 hhLostB=50 hhLostK=1
 */
#include <valgrind/valgrind.h>
#include "prog_util.h"

static void *static_arena[64];   /* 512 bytes, 16-byte aligned enough */

char  *global_container;
void  *global_custom_a, *global_custom_e, *global_custom_static_kept;

#define CARVE(name, size)                                         \
    __attribute__((noinline)) static void *name(char *at)         \
    {                                                             \
        VALGRIND_MALLOCLIKE_BLOCK(at, size, 0, 0);                \
        return at;                                                \
    }
CARVE(custom_a, 100)
CARVE(custom_b, 200)
CARVE(custom_c, 300)
CARVE(custom_d, 50)
CARVE(custom_e, 400)
CARVE(custom_f, 10)
CARVE(custom_static_kept, 64)
CARVE(custom_static_lost, 64)

__attribute__((noinline)) static char *alloc_container(void) { return malloc(4096); }
__attribute__((noinline)) static char *alloc_lost_container(void) { return malloc(1000); }
__attribute__((noinline)) static void *alloc_from_custom(void) { return malloc(80); }
__attribute__((noinline)) static void *alloc_lost_via_custom(void) { return malloc(90); }
__attribute__((noinline)) static void *alloc_from_static_kept(void) { return malloc(40); }
__attribute__((noinline)) static void *alloc_from_static_lost(void) { return malloc(50); }

/* Every pointer to container 2 lives in this frame, which is dead stack
 * at exit. */
__attribute__((noinline)) static void make_lost_container(void)
{
    char *lost = alloc_lost_container();
    check(lost != NULL, "alloc_lost_container");
    custom_f(lost);
}

__attribute__((noinline)) static void make_lost_custom_blocks(char *container)
{
    void **b = custom_b(container + 256);
    void **c = custom_c(container + 512);
    b[0] = c;
    b[1] = alloc_lost_via_custom();
    check(b[1] != NULL, "alloc_lost_via_custom");
    c[0] = NULL;
}

__attribute__((noinline)) static void make_static_blocks(void)
{
    void **kept = custom_static_kept((char *)static_arena);
    void **lost = custom_static_lost((char *)static_arena + 128);
    kept[0] = alloc_from_static_kept();
    lost[0] = alloc_from_static_lost();
    check(kept[0] && lost[0], "alloc_from_static");
    global_custom_static_kept = kept;
}

int main(void)
{
    global_container = alloc_container();
    check(global_container != NULL, "alloc_container");
    memset(global_container, 0, 4096);
    global_custom_a = custom_a(global_container + 64);
    make_lost_custom_blocks(global_container);
    ((void **)global_container)[0] = custom_d(global_container + 1024);
    void **e = custom_e(global_container + 2048);
    e[0] = alloc_from_custom();
    check(e[0] != NULL, "alloc_from_custom");
    global_custom_e = e;
    e = NULL;
    make_lost_container();
    make_static_blocks();
    exit(0);
}
