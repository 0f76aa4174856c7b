/* custom_alloc: blocks described with valgrind.h's client requests.
 *
 * Arena from malloc (arena_from_malloc: one malloc(1000), never written by
 * the program itself):
 *   heap_obj = MALLOCLIKE(arena, 100) in carve_heap_obj; memset 100 bytes
 *   RESIZEINPLACE(heap_obj, 100 -> 40); FREELIKE(heap_obj)
 * Mempool over the same arena (pool = arena + 500):
 *   CREATE_MEMPOOL; pool_obj = MEMPOOL_ALLOC(pool, 60) in pool_get; memset
 *   60 bytes; MEMPOOL_FREE; DESTROY_MEMPOOL
 * Static memory (static_arena[512]):
 *   static_obj = MALLOCLIKE(static_arena, 30) in carve_static_obj; memset
 *   30 bytes; never freed
 *   CREATE_MEMPOOL(static_arena + 256); MEMPOOL_ALLOC 20 in pool_get_static;
 *   memset 20 bytes; left allocated at exit (pool not destroyed)
 * Finally the malloc arena is freed.
 *
 * Sites (a custom block's site is the stack of its client request):
 *   arena_from_malloc: tb=1000 tbk=1 eb=0 wb=0 (the writes into blocks
 *                      carved from it count against those blocks)
 *   carve_heap_obj:    tb=140 tbk=2 (RESIZEINPLACE counts as realloc does:
 *                      one more block of the new size, 100 + 40) wb=100 eb=0
 *   pool_get:          tb=60 tbk=1 wb=60 eb=0
 *   carve_static_obj:  tb=30 tbk=1 wb=30 eb=30 ebk=1
 *   pool_get_static:   tb=20 tbk=1 wb=20 eb=20 ebk=1
 * Totals: tb = 1000 + 140 + 60 + 30 + 20 = 1,250 in 6 blocks (a carved
 * block counts in both its site and the arena's); peak right after
 * carve_heap_obj: arena 1000 + heap_obj 100 = 1,100 in 2 (later states are
 * lower: 1000 + 60, then 1000 + 30 + 20, then 50); t-end 50 bytes in 2
 * blocks; writes 100 + 60 + 30 + 20 = 210; reads 0.
 */
#include <valgrind/valgrind.h>
#include "prog_util.h"

static char static_arena[512];

__attribute__((noinline)) static char *arena_from_malloc(void)
{
    return malloc(1000);
}

__attribute__((noinline)) static char *carve_heap_obj(char *arena)
{
    VALGRIND_MALLOCLIKE_BLOCK(arena, 100, 0, 0);
    return arena;
}

__attribute__((noinline)) static char *pool_get(char *pool, size_t bytes)
{
    VALGRIND_MEMPOOL_ALLOC(pool, pool, bytes);
    return pool;
}

__attribute__((noinline)) static char *carve_static_obj(void)
{
    VALGRIND_MALLOCLIKE_BLOCK(static_arena, 30, 0, 0);
    return static_arena;
}

__attribute__((noinline)) static char *pool_get_static(char *pool, size_t bytes)
{
    VALGRIND_MEMPOOL_ALLOC(pool, pool, bytes);
    return pool;
}

int main(void)
{
    char *arena = arena_from_malloc();

    char *heap_obj = carve_heap_obj(arena);
    memset(heap_obj, 1, 100);
    VALGRIND_RESIZEINPLACE_BLOCK(heap_obj, 100, 40, 0);
    VALGRIND_FREELIKE_BLOCK(heap_obj, 0);

    char *pool = arena + 500;
    VALGRIND_CREATE_MEMPOOL(pool, 0, 0);
    char *pool_obj = pool_get(pool, 60);
    memset(pool_obj, 2, 60);
    VALGRIND_MEMPOOL_FREE(pool, pool_obj);
    VALGRIND_DESTROY_MEMPOOL(pool);

    char *static_obj = carve_static_obj();
    memset(static_obj, 3, 30);

    char *static_pool = static_arena + 256;
    VALGRIND_CREATE_MEMPOOL(static_pool, 0, 0);
    char *static_pool_obj = pool_get_static(static_pool, 20);
    memset(static_pool_obj, 4, 20);

    free(arena);
    return 0;
}
