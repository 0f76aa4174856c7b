/* custom_static: a custom allocator's block in static data, reached by
 * code that was translated before the block existed.  heaphunt skips,
 * while translating, loads and stores at constant addresses inside an
 * object's static sections (globals can never be malloc'ed memory); a
 * custom block there must switch that off for code already translated.
 *
 *   3 rounds of store_first_word + load_first_word on static_slab[0]
 *     (8-byte store and load at a constant address): not a heap block yet
 *   static_obj = MALLOCLIKE(static_slab, 64) in carve_static
 *   3 rounds of the same two calls: 3 x 8 bytes written and read
 *   FREELIKE(static_slab)
 *   1 more round: not a heap block any more
 *
 * Site carve_static: tb=64 tbk=1 rb=24 wb=24; peak 64 bytes in 1 block;
 * t-end 0 bytes in 0 blocks.
 */
#include <stdint.h>
#include <valgrind/valgrind.h>
#include "prog_util.h"

static uint64_t static_slab[8];

__attribute__((noinline)) static void store_first_word(uint64_t v)
{
    static_slab[0] = v;
}

__attribute__((noinline)) static uint64_t load_first_word(void)
{
    return static_slab[0];
}

__attribute__((noinline)) static void carve_static(void)
{
    VALGRIND_MALLOCLIKE_BLOCK(static_slab, 64, 0, 0);
}

static uint64_t rounds(uint64_t n)
{
    uint64_t sum = 0;
    for (uint64_t i = 1; i <= n; i++) {
        store_first_word(i);
        sum += load_first_word();
    }
    return sum;
}

int main(void)
{
    check(rounds(3) == 6, "before the block");
    carve_static();
    check(rounds(3) == 6, "inside the block");
    VALGRIND_FREELIKE_BLOCK(static_slab, 0);
    check(rounds(1) == 1, "after the block");
    return 0;
}
