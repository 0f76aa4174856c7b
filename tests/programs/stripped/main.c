/* main: allocates 100 bytes through the stripped libhidden.so (see
 * libhidden.c) and frees them. */
#include <stdlib.h>

void *exported_alloc(size_t bytes);

int main(void)
{
    void *p = exported_alloc(100);
    free(p);
    return 0;
}
