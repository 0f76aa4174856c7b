/* Small helpers shared by heaphunt's test programs.
 *
 * The programs must not allocate behind our back: stdio allocates a buffer
 * on first use, which would add a block to every expectation.  So output
 * goes through write(2) from stack buffers, and a failed self-check ends the
 * program with exit status 2 and a one-line reason on stderr.
 */
#ifndef HEAPHUNT_PROG_UTIL_H
#define HEAPHUNT_PROG_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void put_str(int fd, const char *s)
{
    ssize_t ignored = write(fd, s, strlen(s));
    (void)ignored;
}

/* Decimal without a heap buffer. */
static inline void put_u64(int fd, uint64_t value)
{
    char digits[24];
    int pos = (int)sizeof digits;
    do {
        digits[--pos] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    ssize_t ignored = write(fd, digits + pos, sizeof digits - (size_t)pos);
    (void)ignored;
}

static inline void check(int ok, const char *what_failed)
{
    if (!ok) {
        put_str(2, "self-check failed: ");
        put_str(2, what_failed);
        put_str(2, "\n");
        _exit(2);
    }
}

#endif
