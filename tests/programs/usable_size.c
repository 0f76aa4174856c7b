/* usable_size: under the tool, malloc_usable_size reports the requested
 * size (DHAT answers with the block's requested size; heaphunt agrees), and
 * 0 for NULL.  The program prints both answers on stdout.
 *
 *   malloc(100)                      100 bytes, freed at the end
 *   malloc_usable_size(p), (NULL)    no accesses to the block
 *
 * Expected (derived by hand):
 *   Total:     100 bytes in 1 blocks
 *   At t-gmax: 100 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     0 bytes
 *   Writes:    0 bytes
 *   stdout: usable 100 null 0
 */
#include <malloc.h>
#include "prog_util.h"

int main(void)
{
    void *block = malloc(100);
    check(block != NULL, "malloc(100)");
    size_t usable_bytes = malloc_usable_size(block);
    check(usable_bytes >= 100, "malloc_usable_size below the requested size");
    put_str(1, "usable ");
    put_u64(1, usable_bytes);
    put_str(1, " null ");
    put_u64(1, malloc_usable_size(NULL));
    put_str(1, "\n");
    free(block);
    return 0;
}
