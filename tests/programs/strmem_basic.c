/* strmem_basic: every replaced byte-string function, on 16-byte heap blocks.
 *
 * Under both DHAT and heaphunt the client's str* and mem* calls run the
 * preload's replacement loops, not glibc's SIMD code, so the bytes they
 * touch follow from the C semantics plus a few deliberate re-reads (see
 * tool/hh_replace_strmem.c).  Each function gets its own allocation site
 * (alloc_<name>, or alloc_<name>_a/_b, _src/_dst... for two blocks), every
 * block is malloc(16), 16-aligned, and all stay live until the end, when
 * all are freed: 61 blocks, 976 bytes, peak just before the first free.
 *
 * Setup writes are single-byte stores from this file: put_text() writes
 * strlen(text)+1 bytes from offset 0, fill_letters() writes all 16 bytes
 * ('a'+i at offset i).  Nothing reads a block except the function under
 * test (results are checked through return values only).
 * Per site, rb/wb are the block's reads/writes; "acc" is the per-offset
 * count, run-length encoded as DHAT writes it ("-N,M" = N offsets of M).
 *
 * Scanning (r = reads, w = writes, offsets in brackets):
 *   strlen    "0123456789": w[0-10]; strlen reads [0-10] (terminator too).
 *   strnlen   same text: strnlen(,4) r[0-3]; strnlen(,16) r[0-10].
 *   strchr    "abcdefgh": w[0-8]; strchr 'd' r[0-3]; 'z' r[0-8].
 *   index     "abc": w[0-3]; index 'c' r[0-2].
 *   strrchr   "abcabc": w[0-6]; strrchr 'b' reads the whole string r[0-6].
 *   rindex    "abc": w[0-3]; rindex 'a' r[0-3].
 *   strchrnul "abc": w[0-3]; 'x' not found: r[0-3].
 *   rawmemchr "abcdef": w[0-6]; 'd' r[0-3].
 *   memchr    letters w[0-15]; 'e' r[0-4]; 'z' r[0-15].
 *   memrchr   letters w[0-15]; 'm' (offset 12) r[15,14,13,12].
 * Comparing (one read per string per position, up to the deciding one):
 *   strcmp    a "hello" w[0-5], b "help" w[0-4]; differ at 3: r[0-3] each.
 *   strncmp   a "abcdef", b "abcxyz" w[0-6]; (,3) r[0-2]; (,10) r[0-3].
 *   strcasecmp(_l)  a "HeLLo", b "hello" w[0-5]; equal: r[0-5] each.
 *   strncasecmp(_l) a "ABCD", b "abcx" w[0-4].  Per matching position a
 *             reads 2x, b 3x (terminator test, then the bytes are read
 *             again after each tolower call); at 3, 'd' < 'x' after
 *             a 1x, b 2x.  (,10): a r 2+2+2+1, b r 3+3+3+2 at [0-3];
 *             (,2): a r 2+2, b r 3+3 at [0-1].  a: 11 reads, b: 17.
 *   memcmp    a, b letters w[0-15], b[9] changed (one more write, so
 *             b's wb is 17).  memcmp(,,16) aligned: words [0-7] equal,
 *             [8-15] differ, then bytes 8, 9 re-read: 18 each.
 *             memcmp(a+1,b+1,8) unaligned: bytes [1-8]: 8 each.
 *             bcmp(,,8) aligned: one word [0-7]: 8 each.  34 each.
 * Copying strings (dst blocks are never read):
 *   strcpy, stpcpy, __strcpy_chk, __stpcpy_chk: src "hello" w[0-5],
 *             copy r src[0-5], w dst[0-5].
 *   strncpy   src "abc" w[0-3]; (,10): r src[0-3], w dst[0-9] (zero pad);
 *             (,2): r src[0-1], w dst[0-1].
 *   stpncpy   src "abc"; (,10): r src[0-3], w dst[0-9].
 *   strcat    dst "hi" w[0-2], src "there" w[0-5]: r dst[0-2], r src[0-5],
 *             w dst[2-7].
 *   strncat   same, n=3: r dst[0-2], r src[0-2] (src[3] not reached),
 *             w dst[2-5] ("the" + terminator).
 * Copying and filling memory:
 *   memcpy    src letters w[0-15]; (dst,src,16): r src[0-15] w dst[0-15];
 *             (dst+1,src+3,5): r src[3-7] w dst[1-5].
 *   __memcpy_chk, mempcpy, bcopy: src letters; 8 bytes: r src[0-7],
 *             w dst[0-7].
 *   memmove   one block, letters w[0-15]; (p+2,p,10): r[0-9] w[2-11];
 *             (p,p,8): dst == src, touches nothing; (p,p+4,8): r[4-11]
 *             w[0-7].
 *   __memmove_chk  letters; (p+1,p,4,15): r[0-3] w[1-4].
 *   memset    (p,'x',16) w[0-15]; (p+3,0,5) w[3-7].
 * Searching:
 *   strstr    hay "abcabd" w[0-6], needle "abd" w[0-3].  Needle measured:
 *             r n[0-3].  hay[0]='a' matches n0: compare restarts at the
 *             needle's start: r n[0-2], h[0-2] ('c' vs 'd' fails at 2);
 *             hay[1], hay[2] read once each; hay[3]='a': r n[0-2],
 *             h[3-5], match.  hay r: 1+3, 1, 1, 1+3 = 10; needle r 4+3+3.
 *   strcasestr hay "xxABc" w[0-5], needle "abc" w[0-3].  Needle r[0-3];
 *             hay [0],[1] once each; [2] 'A' folds to n0: r n[0-2],
 *             h[2-4]: match.  hay r 1+1+1+3 = 6; needle r 4+3 = 7.
 *   strpbrk   s "hello world" w[0-11], set "ow" w[0-2].  Set r[0-2]; s
 *             r[0-4]; h,e,l,l each read the whole set (2), 'o' only
 *             set[0]: set r 3 + 4*2 + 1 = 12.
 *   strcspn   s "abc;def" w[0-7], set ";," w[0-2].  Set r[0-2]; s r[0-3];
 *             a,b,c read 2 set bytes each, ';' 1: set r 3 + 6 + 1 = 10.
 *   strspn    s "aabxa" w[0-5], set "ab" w[0-2].  Set r[0-2]; s r[0-3];
 *             a, a: set[0]; b: set[0-1]; x: set[0-1] (no match: stop).
 *             set r 3 + 1 + 1 + 2 + 2 = 9.
 *
 * Reads:  11+15+13+3+7+4+4+4+21+4 (scanning) = 86
 *       + 4+4 +7+7 +6+6 +6+6 +11+17 +11+17 +34+34 (comparing) = 170
 *       + 6+6+6+6 +6+4 +3+6 +3+3 (copying strings, src and dst) = 49
 *       + 21 +8+8+8 +18 +4 (copying memory) = 67
 *       + 10+10 +6+7 +5+12 +4+10 +4+9 (searching) = 77        total 449
 * Writes: 11+11+9+4+7+4+4+7+16+16 = 89
 *       + 6+5 +7+7 +6+6 +6+6 +5+5 +5+5 +16+17 = 102
 *       + 6+6 +6+6 +6+6 +6+6 +4+12 +4+10 +9+6 +7+6 = 106
 *       + 16+21 +16+8 +16+8 +16+8 +34 +20 +21 = 184
 *       + 7+4 +6+4 +12+3 +8+3 +6+3 = 56                        total 537
 *
 * Expected (derived by hand):
 *   Total:     976 bytes in 61 blocks
 *   At t-gmax: 976 bytes in 61 blocks
 *   At t-end:  0 bytes in 0 blocks
 *   Reads:     449 bytes
 *   Writes:    537 bytes
 *   site alloc_strlen: tb=16 tbk=1 rb=11 wb=11
 *   acc alloc_strlen: -11,2,-5,0
 *   site alloc_strnlen: tb=16 tbk=1 rb=15 wb=11
 *   acc alloc_strnlen: -4,3,-7,2,-5,0
 *   site alloc_strchr: tb=16 tbk=1 rb=13 wb=9
 *   acc alloc_strchr: -4,3,-5,2,-7,0
 *   site alloc_index: tb=16 tbk=1 rb=3 wb=4
 *   acc alloc_index: -3,2,1,-12,0
 *   site alloc_strrchr: tb=16 tbk=1 rb=7 wb=7
 *   acc alloc_strrchr: -7,2,-9,0
 *   site alloc_rindex: tb=16 tbk=1 rb=4 wb=4
 *   acc alloc_rindex: -4,2,-12,0
 *   site alloc_strchrnul: tb=16 tbk=1 rb=4 wb=4
 *   acc alloc_strchrnul: -4,2,-12,0
 *   site alloc_rawmemchr: tb=16 tbk=1 rb=4 wb=7
 *   acc alloc_rawmemchr: -4,2,-3,1,-9,0
 *   site alloc_memchr: tb=16 tbk=1 rb=21 wb=16
 *   acc alloc_memchr: -5,3,-11,2
 *   site alloc_memrchr: tb=16 tbk=1 rb=4 wb=16
 *   acc alloc_memrchr: -12,1,-4,2
 *   site alloc_strcmp_a: tb=16 tbk=1 rb=4 wb=6
 *   acc alloc_strcmp_a: -4,2,-2,1,-10,0
 *   site alloc_strcmp_b: tb=16 tbk=1 rb=4 wb=5
 *   acc alloc_strcmp_b: -4,2,1,-11,0
 *   site alloc_strncmp_a: tb=16 tbk=1 rb=7 wb=7
 *   acc alloc_strncmp_a: -3,3,2,-3,1,-9,0
 *   site alloc_strncmp_b: tb=16 tbk=1 rb=7 wb=7
 *   acc alloc_strncmp_b: -3,3,2,-3,1,-9,0
 *   site alloc_strcasecmp_a: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcasecmp_a: -6,2,-10,0
 *   site alloc_strcasecmp_b: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcasecmp_b: -6,2,-10,0
 *   site alloc_strcasecmp_l_a: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcasecmp_l_a: -6,2,-10,0
 *   site alloc_strcasecmp_l_b: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcasecmp_l_b: -6,2,-10,0
 *   site alloc_strncasecmp_a: tb=16 tbk=1 rb=11 wb=5
 *   acc alloc_strncasecmp_a: -2,5,3,2,1,-11,0
 *   site alloc_strncasecmp_b: tb=16 tbk=1 rb=17 wb=5
 *   acc alloc_strncasecmp_b: -2,7,4,3,1,-11,0
 *   site alloc_strncasecmp_l_a: tb=16 tbk=1 rb=11 wb=5
 *   acc alloc_strncasecmp_l_a: -2,5,3,2,1,-11,0
 *   site alloc_strncasecmp_l_b: tb=16 tbk=1 rb=17 wb=5
 *   acc alloc_strncasecmp_l_b: -2,7,4,3,1,-11,0
 *   site alloc_memcmp_a: tb=16 tbk=1 rb=34 wb=16
 *   acc alloc_memcmp_a: 3,-8,4,3,-6,2
 *   site alloc_memcmp_b: tb=16 tbk=1 rb=34 wb=17
 *   acc alloc_memcmp_b: 3,-9,4,-6,2
 *   site alloc_strcpy_src: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcpy_src: -6,2,-10,0
 *   site alloc_strcpy_dst: tb=16 tbk=1 rb=0 wb=6
 *   acc alloc_strcpy_dst: -6,1,-10,0
 *   site alloc_stpcpy_src: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_stpcpy_src: -6,2,-10,0
 *   site alloc_stpcpy_dst: tb=16 tbk=1 rb=0 wb=6
 *   acc alloc_stpcpy_dst: -6,1,-10,0
 *   site alloc_strcpy_chk_src: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcpy_chk_src: -6,2,-10,0
 *   site alloc_strcpy_chk_dst: tb=16 tbk=1 rb=0 wb=6
 *   acc alloc_strcpy_chk_dst: -6,1,-10,0
 *   site alloc_stpcpy_chk_src: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_stpcpy_chk_src: -6,2,-10,0
 *   site alloc_stpcpy_chk_dst: tb=16 tbk=1 rb=0 wb=6
 *   acc alloc_stpcpy_chk_dst: -6,1,-10,0
 *   site alloc_strncpy_src: tb=16 tbk=1 rb=6 wb=4
 *   acc alloc_strncpy_src: -2,3,-2,2,-12,0
 *   site alloc_strncpy_dst: tb=16 tbk=1 rb=0 wb=12
 *   acc alloc_strncpy_dst: -2,2,-8,1,-6,0
 *   site alloc_stpncpy_src: tb=16 tbk=1 rb=4 wb=4
 *   acc alloc_stpncpy_src: -4,2,-12,0
 *   site alloc_stpncpy_dst: tb=16 tbk=1 rb=0 wb=10
 *   acc alloc_stpncpy_dst: -10,1,-6,0
 *   site alloc_strcat_dst: tb=16 tbk=1 rb=3 wb=9
 *   acc alloc_strcat_dst: -2,2,3,-5,1,-8,0
 *   site alloc_strcat_src: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcat_src: -6,2,-10,0
 *   site alloc_strncat_dst: tb=16 tbk=1 rb=3 wb=7
 *   acc alloc_strncat_dst: -2,2,3,-3,1,-10,0
 *   site alloc_strncat_src: tb=16 tbk=1 rb=3 wb=6
 *   acc alloc_strncat_src: -3,2,-3,1,-10,0
 *   site alloc_memcpy_src: tb=16 tbk=1 rb=21 wb=16
 *   acc alloc_memcpy_src: -3,2,-5,3,-8,2
 *   site alloc_memcpy_dst: tb=16 tbk=1 rb=0 wb=21
 *   acc alloc_memcpy_dst: 1,-5,2,-10,1
 *   site alloc_memcpy_chk_src: tb=16 tbk=1 rb=8 wb=16
 *   acc alloc_memcpy_chk_src: -8,2,-8,1
 *   site alloc_memcpy_chk_dst: tb=16 tbk=1 rb=0 wb=8
 *   acc alloc_memcpy_chk_dst: -8,1,-8,0
 *   site alloc_mempcpy_src: tb=16 tbk=1 rb=8 wb=16
 *   acc alloc_mempcpy_src: -8,2,-8,1
 *   site alloc_mempcpy_dst: tb=16 tbk=1 rb=0 wb=8
 *   acc alloc_mempcpy_dst: -8,1,-8,0
 *   site alloc_bcopy_src: tb=16 tbk=1 rb=8 wb=16
 *   acc alloc_bcopy_src: -8,2,-8,1
 *   site alloc_bcopy_dst: tb=16 tbk=1 rb=0 wb=8
 *   acc alloc_bcopy_dst: -8,1,-8,0
 *   site alloc_memmove: tb=16 tbk=1 rb=18 wb=34
 *   acc alloc_memmove: -2,3,-2,4,-4,5,-2,4,-2,3,-4,1
 *   site alloc_memmove_chk: tb=16 tbk=1 rb=4 wb=20
 *   acc alloc_memmove_chk: 2,-3,3,2,-11,1
 *   site alloc_memset: tb=16 tbk=1 rb=0 wb=21
 *   acc alloc_memset: -3,1,-5,2,-8,1
 *   site alloc_strstr_hay: tb=16 tbk=1 rb=10 wb=7
 *   acc alloc_strstr_hay: -4,3,-2,2,1,-9,0
 *   site alloc_strstr_needle: tb=16 tbk=1 rb=10 wb=4
 *   acc alloc_strstr_needle: -3,4,2,-12,0
 *   site alloc_strcasestr_hay: tb=16 tbk=1 rb=6 wb=6
 *   acc alloc_strcasestr_hay: -2,2,3,-2,2,1,-10,0
 *   site alloc_strcasestr_needle: tb=16 tbk=1 rb=7 wb=4
 *   acc alloc_strcasestr_needle: -3,3,2,-12,0
 *   site alloc_strpbrk_s: tb=16 tbk=1 rb=5 wb=12
 *   acc alloc_strpbrk_s: -5,2,-7,1,-4,0
 *   site alloc_strpbrk_set: tb=16 tbk=1 rb=12 wb=3
 *   acc alloc_strpbrk_set: 7,6,2,-13,0
 *   site alloc_strcspn_s: tb=16 tbk=1 rb=4 wb=8
 *   acc alloc_strcspn_s: -4,2,-4,1,-8,0
 *   site alloc_strcspn_set: tb=16 tbk=1 rb=10 wb=3
 *   acc alloc_strcspn_set: 6,5,2,-13,0
 *   site alloc_strspn_s: tb=16 tbk=1 rb=4 wb=6
 *   acc alloc_strspn_s: -4,2,-2,1,-10,0
 *   site alloc_strspn_set: tb=16 tbk=1 rb=9 wb=3
 *   acc alloc_strspn_set: 6,4,2,-13,0
 *
 * Built at -O0 with -fno-builtin (tests/heaphunt_testlib.py), so every call
 * below is a real call into libc, which the preload redirects.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <string.h>
#include <strings.h>
#include "prog_util.h"

/* The _FORTIFY_SOURCE entry points, called directly: no header declares
   them. */
extern char *__strcpy_chk(char *dst, const char *src, size_t dst_size);
extern char *__stpcpy_chk(char *dst, const char *src, size_t dst_size);
extern void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dst_size);
extern void *__memmove_chk(void *dst, const void *src, size_t len, size_t dst_size);

enum { BLOCK_BYTES = 16, MAX_BLOCKS = 64 };

static void *live_blocks[MAX_BLOCKS];
static int live_count;

static char *keep(void *block)
{
    check(block != NULL, "malloc(16)");
    check(live_count < MAX_BLOCKS, "too many blocks");
    live_blocks[live_count++] = block;
    return block;
}

/* One allocation site per block role, named for the test. */
#define ALLOC_SITE(name) \
    __attribute__((noinline)) static char *alloc_##name(void) \
    { \
        return keep(malloc(BLOCK_BYTES)); \
    }

ALLOC_SITE(strlen)
ALLOC_SITE(strnlen)
ALLOC_SITE(strchr)
ALLOC_SITE(index)
ALLOC_SITE(strrchr)
ALLOC_SITE(rindex)
ALLOC_SITE(strchrnul)
ALLOC_SITE(rawmemchr)
ALLOC_SITE(memchr)
ALLOC_SITE(memrchr)
ALLOC_SITE(strcmp_a)
ALLOC_SITE(strcmp_b)
ALLOC_SITE(strncmp_a)
ALLOC_SITE(strncmp_b)
ALLOC_SITE(strcasecmp_a)
ALLOC_SITE(strcasecmp_b)
ALLOC_SITE(strcasecmp_l_a)
ALLOC_SITE(strcasecmp_l_b)
ALLOC_SITE(strncasecmp_a)
ALLOC_SITE(strncasecmp_b)
ALLOC_SITE(strncasecmp_l_a)
ALLOC_SITE(strncasecmp_l_b)
ALLOC_SITE(memcmp_a)
ALLOC_SITE(memcmp_b)
ALLOC_SITE(strcpy_src)
ALLOC_SITE(strcpy_dst)
ALLOC_SITE(stpcpy_src)
ALLOC_SITE(stpcpy_dst)
ALLOC_SITE(strcpy_chk_src)
ALLOC_SITE(strcpy_chk_dst)
ALLOC_SITE(stpcpy_chk_src)
ALLOC_SITE(stpcpy_chk_dst)
ALLOC_SITE(strncpy_src)
ALLOC_SITE(strncpy_dst)
ALLOC_SITE(stpncpy_src)
ALLOC_SITE(stpncpy_dst)
ALLOC_SITE(strcat_dst)
ALLOC_SITE(strcat_src)
ALLOC_SITE(strncat_dst)
ALLOC_SITE(strncat_src)
ALLOC_SITE(memcpy_src)
ALLOC_SITE(memcpy_dst)
ALLOC_SITE(memcpy_chk_src)
ALLOC_SITE(memcpy_chk_dst)
ALLOC_SITE(mempcpy_src)
ALLOC_SITE(mempcpy_dst)
ALLOC_SITE(bcopy_src)
ALLOC_SITE(bcopy_dst)
ALLOC_SITE(memmove)
ALLOC_SITE(memmove_chk)
ALLOC_SITE(memset)
ALLOC_SITE(strstr_hay)
ALLOC_SITE(strstr_needle)
ALLOC_SITE(strcasestr_hay)
ALLOC_SITE(strcasestr_needle)
ALLOC_SITE(strpbrk_s)
ALLOC_SITE(strpbrk_set)
ALLOC_SITE(strcspn_s)
ALLOC_SITE(strcspn_set)
ALLOC_SITE(strspn_s)
ALLOC_SITE(strspn_set)

/* strlen(text)+1 single-byte writes at offsets 0.. of the block. */
static void put_text(char *block, const char *text)
{
    size_t i = 0;
    do {
        block[i] = text[i];
    } while (text[i++] != 0);
}

/* 16 single-byte writes: 'a' + i at offset i (no terminator). */
static void fill_letters(char *block)
{
    for (int i = 0; i < BLOCK_BYTES; i++)
        block[i] = (char)('a' + i);
}

static void test_scanning(void)
{
    char *p;

    p = alloc_strlen();
    put_text(p, "0123456789");
    check(strlen(p) == 10, "strlen");

    p = alloc_strnlen();
    put_text(p, "0123456789");
    check(strnlen(p, 4) == 4, "strnlen 4");
    check(strnlen(p, 16) == 10, "strnlen 16");

    p = alloc_strchr();
    put_text(p, "abcdefgh");
    check(strchr(p, 'd') == p + 3, "strchr d");
    check(strchr(p, 'z') == NULL, "strchr z");

    p = alloc_index();
    put_text(p, "abc");
    check(index(p, 'c') == p + 2, "index");

    p = alloc_strrchr();
    put_text(p, "abcabc");
    check(strrchr(p, 'b') == p + 4, "strrchr");

    p = alloc_rindex();
    put_text(p, "abc");
    check(rindex(p, 'a') == p, "rindex");

    p = alloc_strchrnul();
    put_text(p, "abc");
    check(strchrnul(p, 'x') == p + 3, "strchrnul");

    p = alloc_rawmemchr();
    put_text(p, "abcdef");
    check(rawmemchr(p, 'd') == p + 3, "rawmemchr");

    p = alloc_memchr();
    fill_letters(p);
    check(memchr(p, 'e', 16) == p + 4, "memchr e");
    check(memchr(p, 'z', 16) == NULL, "memchr z");

    p = alloc_memrchr();
    fill_letters(p);
    check(memrchr(p, 'm', 16) == p + 12, "memrchr");
}

static void test_comparing(void)
{
    char *a, *b;
    locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    check(c_locale != (locale_t)0, "newlocale");

    a = alloc_strcmp_a();
    b = alloc_strcmp_b();
    put_text(a, "hello");
    put_text(b, "help");
    check(strcmp(a, b) < 0, "strcmp");

    a = alloc_strncmp_a();
    b = alloc_strncmp_b();
    put_text(a, "abcdef");
    put_text(b, "abcxyz");
    check(strncmp(a, b, 3) == 0, "strncmp 3");
    check(strncmp(a, b, 10) < 0, "strncmp 10");

    a = alloc_strcasecmp_a();
    b = alloc_strcasecmp_b();
    put_text(a, "HeLLo");
    put_text(b, "hello");
    check(strcasecmp(a, b) == 0, "strcasecmp");

    a = alloc_strcasecmp_l_a();
    b = alloc_strcasecmp_l_b();
    put_text(a, "HeLLo");
    put_text(b, "hello");
    check(strcasecmp_l(a, b, c_locale) == 0, "strcasecmp_l");

    a = alloc_strncasecmp_a();
    b = alloc_strncasecmp_b();
    put_text(a, "ABCD");
    put_text(b, "abcx");
    check(strncasecmp(a, b, 10) < 0, "strncasecmp 10");
    check(strncasecmp(a, b, 2) == 0, "strncasecmp 2");

    a = alloc_strncasecmp_l_a();
    b = alloc_strncasecmp_l_b();
    put_text(a, "ABCD");
    put_text(b, "abcx");
    check(strncasecmp_l(a, b, 10, c_locale) < 0, "strncasecmp_l 10");
    check(strncasecmp_l(a, b, 2, c_locale) == 0, "strncasecmp_l 2");

    a = alloc_memcmp_a();
    b = alloc_memcmp_b();
    fill_letters(a);
    fill_letters(b);
    b[9] = 'Z';
    check(memcmp(a, b, 16) > 0, "memcmp aligned");
    check(memcmp(a + 1, b + 1, 8) == 0, "memcmp unaligned");
    check(bcmp(a, b, 8) == 0, "bcmp");

    freelocale(c_locale);
}

static void test_copying_strings(void)
{
    char *src, *dst;

    src = alloc_strcpy_src();
    dst = alloc_strcpy_dst();
    put_text(src, "hello");
    check(strcpy(dst, src) == dst, "strcpy");

    src = alloc_stpcpy_src();
    dst = alloc_stpcpy_dst();
    put_text(src, "hello");
    check(stpcpy(dst, src) == dst + 5, "stpcpy");

    src = alloc_strcpy_chk_src();
    dst = alloc_strcpy_chk_dst();
    put_text(src, "hello");
    check(__strcpy_chk(dst, src, 16) == dst, "__strcpy_chk");

    src = alloc_stpcpy_chk_src();
    dst = alloc_stpcpy_chk_dst();
    put_text(src, "hello");
    check(__stpcpy_chk(dst, src, 16) == dst + 5, "__stpcpy_chk");

    src = alloc_strncpy_src();
    dst = alloc_strncpy_dst();
    put_text(src, "abc");
    check(strncpy(dst, src, 10) == dst, "strncpy 10");
    check(strncpy(dst, src, 2) == dst, "strncpy 2");

    src = alloc_stpncpy_src();
    dst = alloc_stpncpy_dst();
    put_text(src, "abc");
    check(stpncpy(dst, src, 10) == dst + 3, "stpncpy");

    dst = alloc_strcat_dst();
    src = alloc_strcat_src();
    put_text(dst, "hi");
    put_text(src, "there");
    check(strcat(dst, src) == dst, "strcat");

    dst = alloc_strncat_dst();
    src = alloc_strncat_src();
    put_text(dst, "hi");
    put_text(src, "there");
    check(strncat(dst, src, 3) == dst, "strncat");
}

static void test_copying_memory(void)
{
    char *src, *dst, *p;

    src = alloc_memcpy_src();
    dst = alloc_memcpy_dst();
    fill_letters(src);
    check(memcpy(dst, src, 16) == dst, "memcpy 16");
    check(memcpy(dst + 1, src + 3, 5) == dst + 1, "memcpy 5");

    src = alloc_memcpy_chk_src();
    dst = alloc_memcpy_chk_dst();
    fill_letters(src);
    check(__memcpy_chk(dst, src, 8, 16) == dst, "__memcpy_chk");

    src = alloc_mempcpy_src();
    dst = alloc_mempcpy_dst();
    fill_letters(src);
    check(mempcpy(dst, src, 8) == dst + 8, "mempcpy");

    src = alloc_bcopy_src();
    dst = alloc_bcopy_dst();
    fill_letters(src);
    bcopy(src, dst, 8);

    p = alloc_memmove();
    fill_letters(p);
    check(memmove(p + 2, p, 10) == p + 2, "memmove up");
    check(memmove(p, p, 8) == p, "memmove onto itself");
    check(memmove(p, p + 4, 8) == p, "memmove down");

    p = alloc_memmove_chk();
    fill_letters(p);
    check(__memmove_chk(p + 1, p, 4, 15) == p + 1, "__memmove_chk");

    p = alloc_memset();
    check(memset(p, 'x', 16) == p, "memset 16");
    check(memset(p + 3, 0, 5) == p + 3, "memset 5");
}

static void test_searching(void)
{
    char *s, *set;

    s = alloc_strstr_hay();
    set = alloc_strstr_needle();
    put_text(s, "abcabd");
    put_text(set, "abd");
    check(strstr(s, set) == s + 3, "strstr");

    s = alloc_strcasestr_hay();
    set = alloc_strcasestr_needle();
    put_text(s, "xxABc");
    put_text(set, "abc");
    check(strcasestr(s, set) == s + 2, "strcasestr");

    s = alloc_strpbrk_s();
    set = alloc_strpbrk_set();
    put_text(s, "hello world");
    put_text(set, "ow");
    check(strpbrk(s, set) == s + 4, "strpbrk");

    s = alloc_strcspn_s();
    set = alloc_strcspn_set();
    put_text(s, "abc;def");
    put_text(set, ";,");
    check(strcspn(s, set) == 3, "strcspn");

    s = alloc_strspn_s();
    set = alloc_strspn_set();
    put_text(s, "aabxa");
    put_text(set, "ab");
    check(strspn(s, set) == 3, "strspn");
}

int main(void)
{
    test_scanning();
    test_comparing();
    test_copying_strings();
    test_copying_memory();
    test_searching();
    check(live_count == 61, "block count");
    for (int i = 0; i < live_count; i++)
        free(live_blocks[i]);
    return 0;
}
