/* syscall_io: the kernel's accesses to heap buffers count too.
 *
 * read(2) into a heap buffer counts as a write of the bytes the kernel
 * actually stored (the return value, not the buffer size passed); write(2)
 * from a heap buffer counts as a read of the byte count passed.
 *
 *   setup: a 1,000-byte file input.bin is written from a stack buffer
 *          (stack memory: not counted)
 *   malloc(4096) in alloc_read_buffer; read(fd, buf, 4096) returns 1000
 *          -> writes 1,000 bytes
 *   calloc(300, 1) in alloc_write_buffer (calloc's zeroing is not a client
 *          write); write(/dev/null, buf, 300) -> reads 300 bytes
 *   both live together (peak 4,396 in 2), then both freed
 *
 * The 300-byte block's histogram: each offset read once by the kernel.
 * The 4,096-byte block is above the 1,024-byte histogram limit.
 *
 * Expected (derived by hand):
 *   Total:     4,396 bytes in 2 blocks
 *   At t-gmax: 4,396 bytes in 2 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     300 bytes
 *   Writes:    1,000 bytes
 *   site alloc_read_buffer: tb=4096 tbk=1 gb=4096 gbk=1 eb=0 ebk=0 rb=0 wb=1000
 *   site alloc_write_buffer: tb=300 tbk=1 gb=300 gbk=1 eb=0 ebk=0 rb=300 wb=0
 *   acc alloc_write_buffer: -300,1
 */
#include <fcntl.h>
#include "prog_util.h"

enum { FILE_BYTES = 1000, READ_BUFFER_BYTES = 4096, WRITE_BUFFER_BYTES = 300 };

__attribute__((noinline)) static void *alloc_read_buffer(void) { return malloc(READ_BUFFER_BYTES); }
__attribute__((noinline)) static void *alloc_write_buffer(void) { return calloc(WRITE_BUFFER_BYTES, 1); }

static void make_input_file(void)
{
    char contents[FILE_BYTES];
    for (int i = 0; i < FILE_BYTES; i++)
        contents[i] = (char)('a' + i % 26);
    int fd = open("input.bin", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0, "cannot create input.bin");
    check(write(fd, contents, FILE_BYTES) == FILE_BYTES, "short write to input.bin");
    close(fd);
}

int main(void)
{
    make_input_file();

    char *read_buffer = alloc_read_buffer();
    check(read_buffer != NULL, "malloc(4096)");
    int fd = open("input.bin", O_RDONLY);
    check(fd >= 0, "cannot open input.bin");
    check(read(fd, read_buffer, READ_BUFFER_BYTES) == FILE_BYTES, "read did not return 1000");
    close(fd);

    char *write_buffer = alloc_write_buffer();
    check(write_buffer != NULL, "calloc(300, 1)");
    int null_fd = open("/dev/null", O_WRONLY);
    check(null_fd >= 0, "cannot open /dev/null");
    check(write(null_fd, write_buffer, WRITE_BUFFER_BYTES) == WRITE_BUFFER_BYTES,
          "short write to /dev/null");
    close(null_fd);

    free(read_buffer);
    free(write_buffer);
    return 0;
}
