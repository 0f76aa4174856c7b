/* export_mix: three sites whose every metric differs, a copy between two
 * of them, an inlined allocating function and ad-hoc events: what the
 * exports (tests/test_exports.py) must carry into pprof, collapsed stacks
 * and speedscope.  N (argument 1, default 10) records; the numbers below
 * are for N = 10, with N = 30 in [brackets] (the diff test's second run).
 *
 *   new_record, from keep_records: N blocks of 100 bytes, each written
 *     whole once (byte stores through a volatile pointer) and read whole
 *     twice: tb 1,000 [3,000] in 10 [30], wb 1,000 [3,000], rb 2,000
 *     [6,000].  The first N/2 are freed before the scratch blocks exist;
 *     the last 3 are never freed.
 *   inline_alloc, always inlined into make_scratch (so Valgrind, with
 *     --read-inline-info=yes, reports two frames at one code address):
 *     one block of 4,096 bytes, written whole by a byte loop, then read
 *     whole by the memcpy below: wb 4,096, rb 4,096.
 *   make_copy: one block of 6,000 bytes; copy_scratch memcpys the 4,096
 *     scratch bytes into it (one copy site: 4,096 bytes in 1 call); never
 *     read: wb 4,096, rb 0.
 *   The peak comes when the copy block is allocated: N/2 records (500
 *     [1,500] bytes) + 4,096 + 6,000 = 10,596 [11,596] bytes in 7 [17]
 *     blocks.  Both scratch blocks are freed, then all records but the
 *     last 3: 300 bytes in 3 blocks are live at the end.
 *   Ad-hoc events (DHAT's --mode=ad-hoc; ignored in heap mode): ev_small
 *     3 times with weight 10, ev_big once with weight 100: 130 units in 4
 *     events.
 *
 * Expected (derived by hand):
 *   Total:     11,096 bytes in 12 blocks
 *   At t-gmax: 10,596 bytes in 7 blocks
 *   At t-end:  300 bytes in 3 blocks
 *   Reads:     6,096 bytes
 *   Writes:    9,192 bytes
 *   site new_record: tb=1000 tbk=10 gb=500 gbk=5 eb=300 ebk=3 rb=2000 wb=1000
 *   site inline_alloc/make_scratch: tb=4096 tbk=1 gb=4096 gbk=1 eb=0 ebk=0 rb=4096 wb=4096
 *   site make_copy: tb=6000 tbk=1 gb=6000 gbk=1 eb=0 ebk=0 rb=0 wb=4096
 *   options: --read-inline-info=yes
 */
#include <valgrind/dhat.h>
#include "prog_util.h"

#define RECORD_BYTES 100
#define SCRATCH_BYTES 4096
#define COPY_BYTES 6000
#define RECORDS_KEPT 3
#define MAX_RECORDS 64

__attribute__((noinline)) static void *new_record(void)
{
    return malloc(RECORD_BYTES); /* export_mix: records */
}

static void keep_records(volatile unsigned char **records, int n)
{
    for (int i = 0; i < n; i++) {
        check((records[i] = new_record()) != NULL, "new_record");
        for (int b = 0; b < RECORD_BYTES; b++)
            records[i][b] = (unsigned char)b;
    }
    unsigned sum = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++)
            for (int b = 0; b < RECORD_BYTES; b++)
                sum += records[i][b];
    check(sum == 2u * (unsigned)n * (RECORD_BYTES * (RECORD_BYTES - 1) / 2), "records read back");
}

static inline __attribute__((always_inline)) void *inline_alloc(size_t size_bytes)
{
    return malloc(size_bytes); /* export_mix: inlined */
}

__attribute__((noinline)) static unsigned char *make_scratch(void)
{
    return inline_alloc(SCRATCH_BYTES); /* export_mix: inlined into */
}

__attribute__((noinline)) static unsigned char *make_copy(void)
{
    return malloc(COPY_BYTES); /* export_mix: copy block */
}

__attribute__((noinline)) static void copy_scratch(unsigned char *dst, const unsigned char *src)
{
    memcpy(dst, src, SCRATCH_BYTES); /* export_mix: copy site */
}

__attribute__((noinline)) static void ev_small(void) { DHAT_AD_HOC_EVENT(10); }
__attribute__((noinline)) static void ev_big(void) { DHAT_AD_HOC_EVENT(100); }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10;
    check(n >= 2 * RECORDS_KEPT && n <= MAX_RECORDS && n % 2 == 0, "N is even, 6..64");
    volatile unsigned char *records[MAX_RECORDS];
    keep_records(records, n);
    for (int i = 0; i < n / 2; i++)
        free((void *)records[i]);

    volatile unsigned char *scratch = make_scratch();
    check(scratch != NULL, "make_scratch");
    for (int b = 0; b < SCRATCH_BYTES; b++)
        scratch[b] = (unsigned char)(b * 7);
    unsigned char *copy = make_copy();
    check(copy != NULL, "make_copy");
    copy_scratch(copy, (const unsigned char *)scratch);
    free(copy);
    free((void *)scratch);
    for (int i = n / 2; i < n - RECORDS_KEPT; i++)
        free((void *)records[i]);

    for (int i = 0; i < 3; i++)
        ev_small();
    ev_big();
    return 0;
}
