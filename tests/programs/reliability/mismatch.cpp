/* mismatch: blocks released by the wrong family.  heaphunt frees them as
 * asked and reports each (once per calling stack).
 *
 *   new int[10]  released with delete   : 40 bytes
 *   malloc(24)   released with delete   : 24 bytes
 *
 * Expected (derived by hand):
 *   Total:     64 bytes in 2 blocks
 *   At t-gmax: 64 bytes in 2 blocks   (both live before either release)
 *   At t-end:  0 bytes in 0 blocks
 *   Mismatched deallocations: 2, no bad frees
 */
#include <cstdlib>

__attribute__((noinline)) static void release_array_with_delete(int *p)
{
    delete p;
}

__attribute__((noinline)) static void release_malloc_with_delete(int *p)
{
    delete p;
}

int main()
{
    int *volatile array = new int[10];
    int *volatile from_malloc = static_cast<int *>(std::malloc(24));
    release_array_with_delete(array);
    release_malloc_with_delete(from_malloc);
    return 0;
}
