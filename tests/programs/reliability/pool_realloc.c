/* pool_realloc: a pool whose arena is a malloc'ed block that it grows
 * with realloc, while one of its objects (described with
 * VALGRIND_MALLOCLIKE_BLOCK) lives inside it.
 *
 *   arena_new:   arena = malloc(1000)
 *   pool_carve:  obj = arena + 16; MALLOCLIKE(obj, 100); memset(obj, 1, 100)
 *   arena_grow:  arena = realloc(arena, 2000): must return a block, as it
 *                does natively, under DHAT and under Memcheck; the object
 *                moves with its arena (the pool's objects are at the same
 *                offsets in the new arena, their bytes copied by realloc)
 *   use_obj:     obj = arena + 16; reads its 100 bytes (all must be 1)
 *   pool_release: FREELIKE(obj); free(arena)
 *
 * Expected (derived by hand):
 *   Total:     3,100 bytes in 3 blocks     (arena 1000, obj 100, and the
 *                                           realloc: one more block of 2000)
 *   At t-gmax: 2,100 bytes in 2 blocks     (the 2000-byte arena and obj)
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     1,100 bytes                 (realloc's implied copy of 1000,
 *                                           counted as DHAT does, and use_obj)
 *   Writes:    1,100 bytes                 (pool_carve's memset, the copy)
 *   site arena_new: tb=3000 tbk=2 eb=0
 *   site pool_carve: tb=100 tbk=1 eb=0 rb=100 wb=100
 *   stdout: grown 1 / sum 100
 */
#include <valgrind/valgrind.h>
#include "prog_util.h"

__attribute__((noinline)) static char *arena_new(void)
{
    return malloc(1000);
}

__attribute__((noinline)) static char *pool_carve(char *arena)
{
    char *obj = arena + 16;
    VALGRIND_MALLOCLIKE_BLOCK(obj, 100, 0, 0);
    memset(obj, 1, 100);
    return obj;
}

__attribute__((noinline)) static char *arena_grow(char *arena)
{
    return realloc(arena, 2000);
}

__attribute__((noinline)) static unsigned use_obj(const char *obj)
{
    unsigned sum = 0;
    for (int i = 0; i < 100; i++)
        sum += (unsigned char)obj[i];
    return sum;
}

__attribute__((noinline)) static void pool_release(char *arena, char *obj)
{
    VALGRIND_FREELIKE_BLOCK(obj, 0);
    free(arena);
}

int main(void)
{
    char *arena = arena_new();
    check(arena != NULL, "malloc");
    pool_carve(arena);
    char *grown = arena_grow(arena);
    put_str(1, "grown ");
    put_u64(1, grown != NULL);
    put_str(1, "\n");
    check(grown != NULL, "realloc of the arena returned NULL");
    char *obj = grown + 16;
    put_str(1, "sum ");
    put_u64(1, use_obj(obj));
    put_str(1, "\n");
    pool_release(grown, obj);
    return 0;
}
