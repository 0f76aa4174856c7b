/* custom_misuse: valgrind.h's custom-block requests used wrongly.  Each
 * mode makes one bad request, which heaphunt must refuse with one line
 * (changing nothing), then goes on with ordinary allocations whose numbers
 * must come out exact.  argv[1] is the mode:
 *
 *   wrap          MALLOCLIKE(static_arena, SIZE_MAX - 15): the block would
 *                 run past the end of the address space
 *   huge          MALLOCLIKE(static_arena, 1 TiB) over the 512-byte array
 *                 (the rest is not the program's memory; it would cover
 *                 every heap block)
 *   partial_heap  MALLOCLIKE(a + 50, 100) with a = malloc(100): runs past
 *                 the end of the heap block that holds its start
 *   partial_custom  MALLOCLIKE(static_arena, 64), then
 *                 MALLOCLIKE(static_arena + 32, 64): overlaps the first
 *   enclose_custom  MALLOCLIKE(static_arena + 64, 16), then
 *                 MALLOCLIKE(static_arena, 256): encloses the first
 *   enclose_heap  a = malloc(32), then MALLOCLIKE(a - 64, 160): encloses
 *                 the heap block (starting outside any block)
 *   resize_over   MALLOCLIKE(static_arena, 64), MALLOCLIKE(static_arena +
 *                 128, 64), then RESIZEINPLACE(static_arena, 64 -> 256),
 *                 which would swallow the second block (its new last byte,
 *                 255, is in no block)
 *   freed_heap    a = malloc(1000); free(a); MALLOCLIKE(a, 1000): heap
 *                 memory in no live heap block, which the next malloc may
 *                 hand out again; then b = malloc(1000), freed
 *
 * After the bad request every mode does the same ordinary work in
 * ordinary_work: q = malloc(10), filled, freed.  Blocks described before
 * the bad request are ended (FREELIKE) or freed before exit.
 *
 * Expected (derived by hand), per mode (the refused request adds nothing):
 *   wrap, huge:       Total 10 bytes in 1 blocks; t-gmax 10 in 1;
 *                     t-end 0 in 0; Writes 10
 *   partial_heap:     Total 110 in 2 (a, q); t-gmax 100 in 1 (a is freed
 *                     before q is allocated); t-end 0; Writes 10
 *   partial_custom:   Total 74 in 2; t-gmax 64 in 1; t-end 0; Writes 10
 *   enclose_custom:   Total 26 in 2; t-gmax 16 in 1; t-end 0; Writes 10
 *   enclose_heap:     Total 42 in 2; t-gmax 32 in 1; t-end 0; Writes 10
 *   resize_over:      Total 138 in 3; t-gmax 128 in 2; t-end 0; Writes 10
 *   freed_heap:       Total 2,010 in 3 (a, b, q); t-gmax 1,000 in 1;
 *                     t-end 0; Writes 10
 *   stdout: done
 */
#include <stdint.h>
#include <valgrind/valgrind.h>
#include "prog_util.h"

static char static_arena[512];

__attribute__((noinline)) static void ordinary_work(void)
{
    char *q = malloc(10);
    memset(q, 3, 10);
    free(q);
}

__attribute__((noinline)) static void carve(char *at, size_t bytes)
{
    VALGRIND_MALLOCLIKE_BLOCK(at, bytes, 0, 0);
}

__attribute__((noinline)) static void uncarve(char *at)
{
    VALGRIND_FREELIKE_BLOCK(at, 0);
}

int main(int argc, char **argv)
{
    check(argc == 2, "usage: custom_misuse MODE");
    const char *mode = argv[1];
    if (strcmp(mode, "wrap") == 0) {
        carve(static_arena, SIZE_MAX - 15);
        ordinary_work();
    } else if (strcmp(mode, "huge") == 0) {
        carve(static_arena, (size_t)1 << 40);
        ordinary_work();
    } else if (strcmp(mode, "partial_heap") == 0) {
        char *a = malloc(100);
        carve(a + 50, 100);
        free(a);
        ordinary_work();
    } else if (strcmp(mode, "partial_custom") == 0) {
        carve(static_arena, 64);
        carve(static_arena + 32, 64);
        uncarve(static_arena);
        ordinary_work();
    } else if (strcmp(mode, "enclose_custom") == 0) {
        carve(static_arena + 64, 16);
        carve(static_arena, 256);
        uncarve(static_arena + 64);
        ordinary_work();
    } else if (strcmp(mode, "enclose_heap") == 0) {
        char *a = malloc(32);
        carve(a - 64, 160);
        free(a);
        ordinary_work();
    } else if (strcmp(mode, "resize_over") == 0) {
        carve(static_arena, 64);
        carve(static_arena + 128, 64);
        VALGRIND_RESIZEINPLACE_BLOCK(static_arena, 64, 256, 0);
        uncarve(static_arena);
        uncarve(static_arena + 128);
        ordinary_work();
    } else if (strcmp(mode, "freed_heap") == 0) {
        char *a = malloc(1000);
        free(a);
        carve(a, 1000);
        free(malloc(1000));
        ordinary_work();
    } else {
        check(0, "unknown mode");
    }
    put_str(1, "done\n");
    return 0;
}
