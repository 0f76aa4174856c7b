/* libhidden: a shared library that tests/test_unsymbolised_frames.py
 * strips (strip --strip-all) before loading it.  Stripping removes the
 * static function's symbol but keeps the exported one (in .dynsym), so an
 * allocation through it has a frame with no symbol at all:
 *
 *   0xADDR: ??? (in .../libhidden.so)            hidden_alloc
 *   0xADDR: exported_alloc (in .../libhidden.so)
 *   0xADDR: main (main.c:LINE)
 *
 * The profile's hhObjs gives the library's load bias, so that ADDR - bias
 * is an address of hidden_alloc in the unstripped copy's symbol table. */
#include <stdlib.h>

__attribute__((noinline)) static void *hidden_alloc(size_t bytes)
{
    return malloc(bytes);
}

void *exported_alloc(size_t bytes)
{
    void *p = hidden_alloc(bytes);
    __asm__ volatile("" ::: "memory");   /* no tail call: keep this frame */
    return p;
}
