/* call_stacks: one allocating function reached by two different call
 * chains gives two sites, told apart by their second frame.
 *
 *   path_one -> leaf_alloc(100), twice (same call stack both times)
 *   path_two -> leaf_alloc(200), three times
 *   all five live together (peak 800 in 5); path_two's three freed
 *
 * "site leaf_alloc/path_one" means the site whose first frame is in
 * leaf_alloc and second in path_one.
 *
 * Expected (derived by hand):
 *   Total:     800 bytes in 5 blocks
 *   At t-gmax: 800 bytes in 5 blocks
 *   At t-end:  200 bytes in 2 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   site leaf_alloc/path_one: tb=200 tbk=2 gb=200 gbk=2 eb=200 ebk=2 rb=0 wb=0
 *   site leaf_alloc/path_two: tb=600 tbk=3 gb=600 gbk=3 eb=0 ebk=0 rb=0 wb=0
 */
#include "prog_util.h"

__attribute__((noinline)) static void *leaf_alloc(size_t size_bytes)
{
    return malloc(size_bytes);
}

__attribute__((noinline)) static void path_one(void **out)
{
    for (int i = 0; i < 2; i++)
        check((out[i] = leaf_alloc(100)) != NULL, "leaf_alloc(100)");
}

__attribute__((noinline)) static void path_two(void **out)
{
    for (int i = 0; i < 3; i++)
        check((out[i] = leaf_alloc(200)) != NULL, "leaf_alloc(200)");
}

int main(void)
{
    void *from_one[2], *from_two[3];
    path_one(from_one);
    path_two(from_two);
    for (int i = 0; i < 3; i++)
        free(from_two[i]);
    return 0;
}
