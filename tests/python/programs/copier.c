/* copier: heap-to-heap copies, for heaphunt's copy fields and findings.
 *
 * make_src allocates a 1,000-byte block and writes each byte once; make_dst
 * allocates a 1,000-byte block and never touches it; copy_twice copies the
 * source into the destination twice with memcpy (two call sites, lines of
 * its two memcpy calls); both blocks are freed.
 *
 * Expected (derived by hand; memcpy reads each source byte and writes each
 * destination byte once per call):
 *   Total: 2,000 bytes in 2 blocks; At t-end: 0 bytes in 0 blocks
 *   site make_src: tb=1000 tbk=1 wb=1000 rb=2000 hhCopyOutB=2000 hhCopyOutK=2
 *   site make_dst: tb=1000 tbk=1 wb=2000 rb=0 hhCopyInB=2000 hhCopyInK=2
 *   copy sites whose first frame is copy_twice: 2, cb 1,000 and cbk 1 each,
 *     src = [[make_src's pp, 1000]], dst = [[make_dst's pp, 1000]]
 *   findings: copied-more-than-read at make_src (2,000 copied out, 0 read
 *     otherwise); write-only at make_dst (1 of 1 blocks written, never read)
 */
#include <stdlib.h>
#include <string.h>

enum { BLOCK_BYTES = 1000 };

__attribute__((noinline)) static char *make_src(void)
{
    char *p = malloc(BLOCK_BYTES);
    for (int i = 0; i < BLOCK_BYTES; i++)
        p[i] = (char)i;
    return p;
}

__attribute__((noinline)) static char *make_dst(void)
{
    return malloc(BLOCK_BYTES);
}

__attribute__((noinline)) static void copy_twice(char *dst, const char *src)
{
    memcpy(dst, src, BLOCK_BYTES);
    memcpy(dst, src, BLOCK_BYTES);
}

int main(void)
{
    char *src = make_src();
    char *dst = make_dst();
    copy_twice(dst, src);
    free(dst);
    free(src);
    return 0;
}
