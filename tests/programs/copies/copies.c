/* copies: one copy-family call (or loop) per function, between two heap
 * blocks, the stack and static data, so that each copy site's bytes, calls
 * and ends can be derived by hand.
 *
 * Blocks: heap_src = alloc_src(128), heap_dst = alloc_dst(128).
 * heap_src holds the string "xxxxxxxxxxx" (11 chars + NUL, written byte by
 * byte: not a copy).
 *
 * Copy site (function)  call                                 cb  cbk  src   dst
 *   copy_memcpy         memcpy(dst, src, 100)               100   1  SRC   DST
 *   copy_memmove        memmove(dst + 10, dst, 50) overlap   50   1  DST   DST
 *   copy_mempcpy        mempcpy(dst, stack[32], 32)          32   1  -1    DST
 *   copy_strcpy         strcpy(dst, src): 11 + NUL           12   1  SRC   DST
 *   copy_stpcpy         stpcpy(dst, src + 4): 7 + NUL         8   1  SRC   DST
 *   copy_strncpy_pad    strncpy(dst, src + 8, 20): 3 + NUL    4   1  SRC   DST
 *                       (the 16 padding NULs are written, not copied from src:
 *                       Valgrind's strncpy records min(strlen + 1, n))
 *   copy_strncpy_trunc  strncpy(stack[8], src, 5): no NUL     5   1  SRC   -1
 *   copy_wcscpy         wcscpy(dst, L"abc"): 4 x 4 bytes     16   1  -1    DST
 *   copy_loop           3 x memcpy(dst, src, 10), one line   30   3  SRC   DST
 *   copy_strcat         strcat(dst, src): NOT a copy (neither DHAT's copy
 *                       mode nor heaphunt records strcat)   no copy site
 *
 * Per allocation site:
 *   alloc_dst: hhCopyInB = 100+50+32+12+8+4+16+30 = 252 in 10 calls,
 *              hhCopyOutB = 50 in 1 call (the memmove)
 *   alloc_src: hhCopyInB = 0 in 0, hhCopyOutB = 100+12+8+4+5+30 = 159 in
 *              8 calls
 */
#include <wchar.h>
#include "prog_util.h"

void *mempcpy(void *dst, const void *src, size_t n);

static const wchar_t wide_abc[] = L"abc";

__attribute__((noinline)) static char *alloc_src(size_t n) { return malloc(n); }
__attribute__((noinline)) static char *alloc_dst(size_t n) { return malloc(n); }

__attribute__((noinline)) static void copy_memcpy(char *dst, const char *src)
{
    memcpy(dst, src, 100);
}

__attribute__((noinline)) static void copy_memmove(char *dst)
{
    memmove(dst + 10, dst, 50);
}

__attribute__((noinline)) static void copy_mempcpy(char *dst)
{
    char stack_bytes[32];
    for (int i = 0; i < 32; i++)
        stack_bytes[i] = (char)i;
    mempcpy(dst, stack_bytes, 32);
}

__attribute__((noinline)) static void copy_strcpy(char *dst, const char *src)
{
    strcpy(dst, src);
}

__attribute__((noinline)) static void copy_stpcpy(char *dst, const char *src)
{
    stpcpy(dst, src + 4);
}

__attribute__((noinline)) static void copy_strncpy_pad(char *dst, const char *src)
{
    strncpy(dst, src + 8, 20);
}

__attribute__((noinline)) static void copy_strncpy_trunc(const char *src)
{
    char stack_bytes[8];
    strncpy(stack_bytes, src, 5);
    check(stack_bytes[4] == 'x', "strncpy copied 5 bytes");
}

__attribute__((noinline)) static void copy_wcscpy(char *dst)
{
    wcscpy((wchar_t *)dst, wide_abc);
}

__attribute__((noinline)) static void copy_loop(char *dst, const char *src)
{
    for (int i = 0; i < 3; i++)
        memcpy(dst, src, 10);
}

__attribute__((noinline)) static void copy_strcat(char *dst, const char *src)
{
    dst[0] = '\0';
    strcat(dst, src);
}

int main(void)
{
    char *heap_src = alloc_src(128);
    char *heap_dst = alloc_dst(128);
    for (int i = 0; i < 128; i++)
        heap_src[i] = i < 11 ? 'x' : '\0';
    copy_memcpy(heap_dst, heap_src);
    copy_memmove(heap_dst);
    copy_mempcpy(heap_dst);
    copy_strcpy(heap_dst, heap_src);
    copy_stpcpy(heap_dst, heap_src);
    copy_strncpy_pad(heap_dst, heap_src);
    copy_strncpy_trunc(heap_src);
    copy_wcscpy(heap_dst);
    copy_loop(heap_dst, heap_src);
    copy_strcat(heap_dst, heap_src);
    free(heap_src);
    free(heap_dst);
    return 0;
}
