/* own_malloc: the executable defines malloc, free, calloc and realloc
 * itself (a bump allocator over a static arena that never reuses memory).
 * Valgrind replaces allocation functions exported by the executable too,
 * so heaphunt sees them without options.
 *
 *   malloc(100) and malloc(200) in own_site, both freed
 *   (exported from the executable with -rdynamic-free default visibility)
 *
 * Expected (derived by hand):
 *   Total:     300 bytes in 2 blocks
 *   At t-gmax: 300 bytes in 2 blocks
 *   At t-end:  0 bytes in 0 blocks
 * With --soname-synonyms=somalloc=NONE the same (measured: identical).
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static char bump_arena[1 << 20];
static size_t bump_used_bytes;

void *malloc(size_t bytes)
{
    size_t rounded = (bytes + 15) & ~(size_t)15;
    if (bump_used_bytes + rounded > sizeof bump_arena)
        return NULL;
    void *p = bump_arena + bump_used_bytes;
    bump_used_bytes += rounded;
    return p;
}

void free(void *p) { (void)p; }

void *calloc(size_t n, size_t size)
{
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *old, size_t bytes)
{
    void *p = malloc(bytes);
    if (p && old)
        memcpy(p, old, bytes); /* bump blocks are never shorter than asked */
    return p;
}

__attribute__((noinline)) static void *own_site(size_t bytes)
{
    return malloc(bytes);
}

int main(void)
{
    void *volatile a = own_site(100);
    void *volatile b = own_site(200);
    free(a);
    free(b);
    return 0;
}
