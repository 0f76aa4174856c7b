/* memcpy.c: copy-heavy.  Large memcpy between two 1 MiB heap buffers, and
   many small memcpy/memmove calls into freshly allocated blocks (the pattern
   of string building and message passing).  Stresses the str/mem
   replacement functions of the preload and the access path inside them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_BYTES (1 << 20)
#define N_BIG_COPIES 200
#define N_SMALL_COPIES 1000000
#define SMALL_BYTES 96

int main(void)
{
    char *src = malloc(BIG_BYTES);
    char *dst = malloc(BIG_BYTES);
    if (src == NULL || dst == NULL)
        return 1;
    memset(src, 'x', BIG_BYTES);
    for (int i = 0; i < N_BIG_COPIES; i++) {
        src[i] = (char)i;
        memcpy(dst, src, BIG_BYTES);
        memmove(src + 1, src, BIG_BYTES / 2);
    }
    unsigned long checksum = 0;
    for (long i = 0; i < N_SMALL_COPIES; i++) {
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
