/* rw_bytes: 100 one-byte stores then 100 one-byte loads of one block.
 *
 * The pointer is volatile-qualified so that -O0 code does exactly one byte
 * store per loop turn and one byte load per turn (the loop counters and the
 * pointer itself live on the stack, which is not heap).
 *
 *   malloc(100) in alloc_buffer
 *   buffer[i] = i for i in 0..99     writes 100 bytes, each offset once
 *   sum += buffer[i] for i in 0..99  reads 100 bytes, each offset once
 *   free
 *
 * Expected (derived by hand):
 *   Total:     100 bytes in 1 blocks
 *   At t-gmax: 100 bytes in 1 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     100 bytes
 *   Writes:    100 bytes
 *   site alloc_buffer: tb=100 tbk=1 gb=100 gbk=1 eb=0 ebk=0 rb=100 wb=100
 *   acc alloc_buffer: -100,2
 */
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_buffer(void) { return malloc(100); }

int main(void)
{
    volatile unsigned char *buffer = alloc_buffer();
    check(buffer != NULL, "malloc(100)");
    for (int i = 0; i < 100; i++)
        buffer[i] = (unsigned char)i;
    unsigned sum = 0;
    for (int i = 0; i < 100; i++)
        sum += buffer[i];
    check(sum == 99 * 100 / 2, "read back the wrong bytes");
    free((void *)buffer);
    return 0;
}
