/* memcpy.c: copy-heavy.  Large memcpy between two 1 MiB heap buffers, and
   many small memcpy/memmove calls into freshly allocated blocks (the pattern
   of string building and message passing).  Stresses the str/mem
   replacement functions of the preload and the access path inside them.

   Usage: memcpy [N_SMALL_COPIES]   (default 1,000,000; the big copies are
   N_SMALL_COPIES / 5,000 of each kind). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_BYTES (1 << 20)
#define DEFAULT_N_SMALL_COPIES 1000000L
#define SMALL_BYTES 96

int main(int argc, char **argv)
{
    long n_small_copies = argc > 1 ? atol(argv[1]) : DEFAULT_N_SMALL_COPIES;
    long n_big_copies = n_small_copies / 5000;
    char *src = malloc(BIG_BYTES);
    char *dst = malloc(BIG_BYTES);
    if (src == NULL || dst == NULL)
        return 1;
    memset(src, 'x', BIG_BYTES);
    for (int i = 0; i < n_big_copies; i++) {
        src[i] = (char)i;
        memcpy(dst, src, BIG_BYTES);
        memmove(src + 1, src, BIG_BYTES / 2);
    }
    unsigned long checksum = 0;
    for (long i = 0; i < n_small_copies; i++) {
        char *msg = malloc(SMALL_BYTES);
        if (msg == NULL)
            return 1;
        memcpy(msg, dst + (i % 4096) * 64, SMALL_BYTES);
        checksum += (unsigned char)msg[i % SMALL_BYTES];
        free(msg);
    }
    printf("memcpy: %lu %d\n", checksum, dst[7]);
    free(src);
    free(dst);
    return 0;
}
