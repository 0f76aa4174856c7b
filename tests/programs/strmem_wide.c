/* strmem_wide: the replaced wide-character functions, on 32-byte blocks.
 *
 * glibc's wchar_t is 4 bytes; the replacements read one whole wchar_t (one
 * 4-byte access) per character, so every character read adds 4 to the
 * block's reads and 1 to each of its 4 bytes in the histogram.  Each
 * function has its own allocation site, every block is malloc(32) and all
 * stay live until the end (11 blocks, 352 bytes, peak before the first
 * free).  put_wide() stores wcslen(text)+1 wchar_t's (4-byte writes) from
 * offset 0; fill_wide() stores 8 ('a'+i at index i, no terminator).
 * Results are checked through return values only, so the function under
 * test is the only reader.  Offsets below are in bytes.
 *
 *   wcslen   L"abcde": w[0-23]; reads 6 chars: r[0-23].
 *   wcsnlen  L"abcde": w[0-23]; (,3) r[0-11]; (,8) stops at the
 *            terminator: r[0-23].
 *   wcscmp   a L"abc", b L"abd": w[0-15] each; chars 0,1 equal, 2
 *            differs: r[0-11] each.
 *   wcsncmp  a L"abcd", b L"abxd": w[0-19] each; (,2) r[0-7];
 *            (,8) differs at char 2: r[0-11].
 *   wcscpy   src L"hey": w src[0-15]; copy r src[0-15], w dst[0-15].
 *   wcschr   L"abcabc": w[0-27]; L'c' r[0-11]; L'z' r[0-27].
 *   wcsrchr  L"abcabc": w[0-27]; L'a' reads all: r[0-27].
 *   wmemchr  8 chars w[0-31]; (L'c',8) r[0-11]; (L'z',8) r[0-31].
 *
 * Reads:  24 + 36 + 12+12 + 20+20 + 16 + 40 + 28 + 44 = 252
 * Writes: 24 + 24 + 16+16 + 20+20 + 16+16 + 28 + 28 + 32 = 240
 *
 * Expected (derived by hand):
 *   Total:     352 bytes in 11 blocks
 *   At t-gmax: 352 bytes in 11 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     252 bytes
 *   Writes:    240 bytes
 *   site alloc_wcslen: tb=32 tbk=1 rb=24 wb=24
 *   acc alloc_wcslen: -24,2,-8,0
 *   site alloc_wcsnlen: tb=32 tbk=1 rb=36 wb=24
 *   acc alloc_wcsnlen: -12,3,-12,2,-8,0
 *   site alloc_wcscmp_a: tb=32 tbk=1 rb=12 wb=16
 *   acc alloc_wcscmp_a: -12,2,-4,1,-16,0
 *   site alloc_wcscmp_b: tb=32 tbk=1 rb=12 wb=16
 *   acc alloc_wcscmp_b: -12,2,-4,1,-16,0
 *   site alloc_wcsncmp_a: tb=32 tbk=1 rb=20 wb=20
 *   acc alloc_wcsncmp_a: -8,3,-4,2,-8,1,-12,0
 *   site alloc_wcsncmp_b: tb=32 tbk=1 rb=20 wb=20
 *   acc alloc_wcsncmp_b: -8,3,-4,2,-8,1,-12,0
 *   site alloc_wcscpy_src: tb=32 tbk=1 rb=16 wb=16
 *   acc alloc_wcscpy_src: -16,2,-16,0
 *   site alloc_wcscpy_dst: tb=32 tbk=1 rb=0 wb=16
 *   acc alloc_wcscpy_dst: -16,1,-16,0
 *   site alloc_wcschr: tb=32 tbk=1 rb=40 wb=28
 *   acc alloc_wcschr: -12,3,-16,2,-4,0
 *   site alloc_wcsrchr: tb=32 tbk=1 rb=28 wb=28
 *   acc alloc_wcsrchr: -28,2,-4,0
 *   site alloc_wmemchr: tb=32 tbk=1 rb=44 wb=32
 *   acc alloc_wmemchr: -12,3,-20,2
 *
 * Built at -O0 with -fno-builtin, so each call is a real call into libc.
 */
#define _GNU_SOURCE
#include <wchar.h>
#include "prog_util.h"

enum { BLOCK_BYTES = 32, BLOCK_CHARS = BLOCK_BYTES / sizeof(wchar_t), MAX_BLOCKS = 16 };

static void *live_blocks[MAX_BLOCKS];
static int live_count;

static wchar_t *keep(void *block)
{
    check(block != NULL, "malloc(32)");
    check(live_count < MAX_BLOCKS, "too many blocks");
    live_blocks[live_count++] = block;
    return block;
}

#define ALLOC_SITE(name) \
    __attribute__((noinline)) static wchar_t *alloc_##name(void) \
    { \
        return keep(malloc(BLOCK_BYTES)); \
    }

ALLOC_SITE(wcslen)
ALLOC_SITE(wcsnlen)
ALLOC_SITE(wcscmp_a)
ALLOC_SITE(wcscmp_b)
ALLOC_SITE(wcsncmp_a)
ALLOC_SITE(wcsncmp_b)
ALLOC_SITE(wcscpy_src)
ALLOC_SITE(wcscpy_dst)
ALLOC_SITE(wcschr)
ALLOC_SITE(wcsrchr)
ALLOC_SITE(wmemchr)

/* wcslen(text)+1 four-byte writes from offset 0. */
static void put_wide(wchar_t *block, const wchar_t *text)
{
    size_t i = 0;
    do {
        block[i] = text[i];
    } while (text[i++] != 0);
}

/* 8 four-byte writes, L'a'+i at index i. */
static void fill_wide(wchar_t *block)
{
    for (size_t i = 0; i < BLOCK_CHARS; i++)
        block[i] = (wchar_t)(L'a' + i);
}

int main(void)
{
    wchar_t *p, *a, *b;

    p = alloc_wcslen();
    put_wide(p, L"abcde");
    check(wcslen(p) == 5, "wcslen");

    p = alloc_wcsnlen();
    put_wide(p, L"abcde");
    check(wcsnlen(p, 3) == 3, "wcsnlen 3");
    check(wcsnlen(p, 8) == 5, "wcsnlen 8");

    a = alloc_wcscmp_a();
    b = alloc_wcscmp_b();
    put_wide(a, L"abc");
    put_wide(b, L"abd");
    check(wcscmp(a, b) < 0, "wcscmp");

    a = alloc_wcsncmp_a();
    b = alloc_wcsncmp_b();
    put_wide(a, L"abcd");
    put_wide(b, L"abxd");
    check(wcsncmp(a, b, 2) == 0, "wcsncmp 2");
    check(wcsncmp(a, b, 8) < 0, "wcsncmp 8");

    a = alloc_wcscpy_src();
    b = alloc_wcscpy_dst();
    put_wide(a, L"hey");
    check(wcscpy(b, a) == b, "wcscpy");

    p = alloc_wcschr();
    put_wide(p, L"abcabc");
    check(wcschr(p, L'c') == p + 2, "wcschr c");
    check(wcschr(p, L'z') == NULL, "wcschr z");

    p = alloc_wcsrchr();
    put_wide(p, L"abcabc");
    check(wcsrchr(p, L'a') == p + 3, "wcsrchr");

    p = alloc_wmemchr();
    fill_wide(p);
    check(wmemchr(p, L'c', BLOCK_CHARS) == p + 2, "wmemchr c");
    check(wmemchr(p, L'z', BLOCK_CHARS) == NULL, "wmemchr z");

    check(live_count == 11, "block count");
    for (int i = 0; i < live_count; i++)
        free(live_blocks[i]);
    return 0;
}
