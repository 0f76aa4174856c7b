/* test_thread_stats.c: per-thread exact counts (HEAPHUNT_GET_THREAD_STATS)
 * from 8 threads that run at the same time, each checking its own.
 *
 * Every thread t (t = 0..7, k = t + 1) does the same kind of work in its
 * own amounts, between two readings of its own stats, while the others do
 * theirs; all start together (a barrier) and call sched_yield() every 64
 * bytes of their loops, so that Valgrind switches between them in the
 * middle of every loop.  Natively the program says "not under heaphunt,
 * skipped".
 *
 *     cc -std=gnu11 -O0 -g -fno-builtin -pthread -I tool \
 *        $(pkg-config --cflags valgrind) \
 *        -o test_thread_stats examples/client-requests/test_thread_stats.c
 *     ./vg-in-place -q --heaphunt-out-file=threads.profile.json ./test_thread_stats
 *
 * What thread t does, and what it counts (derived by hand; -O0, so every
 * C assignment of a byte is one 1-byte load or store, and -fno-builtin,
 * so memcpy is a call):
 *
 *   1. k blocks of 100k bytes (malloc), each filled byte by byte (writes
 *      100k each) and summed byte by byte (reads 100k each); all but the
 *      first freed.  Live then: 1 block, 100k bytes; the peak so far:
 *      k blocks, 100k^2 bytes.
 *   2. realloc of the kept block to 200k bytes: one more block of 200k in
 *      the totals, and realloc's implied copy of the old 100k bytes,
 *      counted as 100k read and 100k written (as DHAT counts it).  Live:
 *      1 block, 200k bytes.
 *   3. write(2) of its first 16 bytes to /dev/null: the kernel reads 16
 *      bytes of the block on the thread's behalf.
 *   4. memcpy of 50 bytes between two stack buffers: 1 copy call, 50
 *      bytes copied, no heap access.
 *   5. a "gift" of 1000 + t bytes (malloc), its first long written (8
 *      bytes), handed to thread t + 1 (mod 8), which reads that long (8
 *      bytes read, by the receiver) and frees the block.  Live while
 *      thread t holds it: 2 blocks, 200k + 1000 + t bytes.  Then thread t
 *      frees the gift it received from thread t - 1: not its block, so
 *      none of its own counts change.
 *   A barrier waits until every gift has been freed; then the second
 *   reading.
 *
 *   total_blocks = k + 1 + 1            total_bytes = 100k^2 + 200k + 1000 + t
 *   curr_blocks  = 1                    curr_bytes  = 200k (its gift is freed)
 *   reads_bytes  = 100k^2 + 100k + 16 + 8
 *   writes_bytes = 100k^2 + 100k + 8
 *   copied_bytes = 50                   copy_calls  = 1
 *   peak: the larger of 100k^2 (k blocks, step 1) and 200k + 1000 + t
 *         (2 blocks, step 5): k blocks for t >= 4, 2 blocks for t <= 3
 *
 * A new thread has allocated nothing (glibc allocates a new thread's
 * TLS table in the thread that calls pthread_create): each thread's first
 * reading is all zero but for its instructions; the peak is absolute.
 *
 * Instructions: every thread also runs spin(), a loop of 300,000
 * iterations on a stack variable (millions of instructions, more than
 * Valgrind runs of one thread before switching), between two more
 * readings (measure_spin, the same code for every measurement).  The same
 * code: the same count in every thread, equal to the count the main
 * thread measures running it alone before the threads start, although
 * the threads are switched in the middle of it.
 *
 * Each thread runs on a stack the program maps itself, with 64 KiB of
 * unused memory above its top: heaphunt, like DHAT, does not count an
 * access within 16 KiB above the stack pointer (stack memory, whatever
 * lies there), and a thread stack of glibc's may end right below the
 * heap's memory, putting the first blocks there in that window.
 *
 * Finally the main thread checks that the whole-process totals grew by
 * exactly the threads' totals plus its own (pthread_create and
 * pthread_join allocate and free in the main thread).
 *
 * Output: one line per failed check ("FAIL thread 3: reads_bytes expected
 * 1624, got 1616"), then "thread stats: N checks, all passed" (exit 0) or
 * "... F failed" (exit 1). */

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heaphunt.h"

enum { THREADS = 8, YIELD_EVERY_BYTES = 64, SPIN_ITERATIONS = 300000 };
enum { STACK_BYTES = 1 << 20, STACK_GAP_BYTES = 64 << 10 };

static pthread_barrier_t start_line, gifts_given, gifts_freed;
static void *gifts[THREADS];          /* gifts[t]: the block thread t receives */
static int devnull = -1;
static unsigned long long spin_alone_instrs;

typedef struct {
    int t;
    HeaphuntStats before, after;              /* around steps 1-5 */
    HeaphuntStats spin_before, spin_after;    /* around spin() */
} ThreadResult;

static ThreadResult results[THREADS];
static int checks, failures;

static void check(const char *who, const char *field, unsigned long long expected,
                  unsigned long long got)
{
    checks++;
    if (expected != got) {
        failures++;
        printf("FAIL %s: %s expected %llu, got %llu\n", who, field, expected, got);
    }
}

__attribute__((noinline)) static long spin(void)
{
    volatile long sum = 0;
    for (long i = 0; i < SPIN_ITERATIONS; i++)
        sum += i;
    return sum;
}

/* One function for every measurement of spin(), so that the instructions
   between the two readings are the same code each time. */
__attribute__((noinline)) static void measure_spin(HeaphuntStats *before, HeaphuntStats *after)
{
    HEAPHUNT_GET_THREAD_STATS(before);
    spin();
    HEAPHUNT_GET_THREAD_STATS(after);
}

static void fill(unsigned char *p, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        p[j] = (unsigned char)j;
        if (j % YIELD_EVERY_BYTES == 0)
            sched_yield();
    }
}

static unsigned long sum(const unsigned char *p, size_t n)
{
    unsigned long s = 0;
    for (size_t j = 0; j < n; j++) {
        s += p[j];
        if (j % YIELD_EVERY_BYTES == 0)
            sched_yield();
    }
    return s;
}

static void *worker(void *arg)
{
    ThreadResult *r = arg;
    int t = r->t, k = t + 1;
    size_t block_bytes = 100 * (size_t)k;
    unsigned char *blocks[THREADS];
    char from[50], to[50];

    pthread_barrier_wait(&start_line);
    HEAPHUNT_GET_THREAD_STATS(&r->before);

    /* 1 */
    for (int b = 0; b < k; b++) {
        blocks[b] = malloc(block_bytes);
        fill(blocks[b], block_bytes);
    }
    unsigned long total = 0;
    for (int b = 0; b < k; b++)
        total += sum(blocks[b], block_bytes);
    for (int b = 1; b < k; b++)
        free(blocks[b]);
    /* 2 */
    unsigned char *kept = realloc(blocks[0], 2 * block_bytes);
    /* 3 */
    if (write(devnull, kept, 16) != 16)
        abort();
    /* 4 */
    memset(from, t, sizeof from);
    memcpy(to, from, sizeof to);
    /* 5 */
    long *gift = malloc(1000 + t);
    *gift = t;
    gifts[(t + 1) % THREADS] = gift;
    pthread_barrier_wait(&gifts_given);
    long received = *(long *)gifts[t];
    free(gifts[t]);
    pthread_barrier_wait(&gifts_freed);

    HEAPHUNT_GET_THREAD_STATS(&r->after);

    measure_spin(&r->spin_before, &r->spin_after);

    if (received != (t + THREADS - 1) % THREADS || total == 0 || to[0] != from[0])
        abort();
    return kept;   /* freed by main, after the checks */
}

static void check_thread(const ThreadResult *r)
{
    char who[32];
    int t = r->t;
    unsigned long long k = t + 1, block = 100 * k;
    const HeaphuntStats *b = &r->before, *a = &r->after;
    snprintf(who, sizeof who, "thread %d", t);

    /* A new thread has allocated nothing. */
    check(who, "total_blocks at start", 0, b->total_blocks);
    check(who, "curr_bytes at start", 0, b->curr_bytes);
    check(who, "reads_bytes at start", 0, b->reads_bytes);
    check(who, "peak_bytes at start", 0, b->peak_bytes);

    check(who, "total_blocks", k + 2, a->total_blocks - b->total_blocks);
    check(who, "total_bytes", k * block + 2 * block + 1000 + t,
          a->total_bytes - b->total_bytes);
    check(who, "curr_blocks", 1, a->curr_blocks - b->curr_blocks);
    check(who, "curr_bytes", 2 * block, a->curr_bytes - b->curr_bytes);
    check(who, "reads_bytes", k * block + block + 16 + 8, a->reads_bytes - b->reads_bytes);
    check(who, "writes_bytes", k * block + block + 8, a->writes_bytes - b->writes_bytes);
    check(who, "copied_bytes", 50, a->copied_bytes - b->copied_bytes);
    check(who, "copy_calls", 1, a->copy_calls - b->copy_calls);
    unsigned long long step1 = k * block, step5 = 2 * block + 1000 + t;
    check(who, "peak_bytes", step1 > step5 ? step1 : step5, a->peak_bytes);
    check(who, "peak_blocks", step1 > step5 ? k : 2, a->peak_blocks);

    check(who, "spin instrs", spin_alone_instrs, r->spin_after.instrs - r->spin_before.instrs);
}

int main(void)
{
    if (!RUNNING_ON_HEAPHUNT) {
        printf("not under heaphunt, skipped\n");
        return 0;
    }
    devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0)
        return 2;

    HeaphuntStats s0, s1;
    measure_spin(&s0, &s1);
    spin_alone_instrs = s1.instrs - s0.instrs;

    pthread_barrier_init(&start_line, NULL, THREADS);
    pthread_barrier_init(&gifts_given, NULL, THREADS);
    pthread_barrier_init(&gifts_freed, NULL, THREADS);

    HeaphuntStats main_before, main_after, all_before, all_after;
    HEAPHUNT_GET_THREAD_STATS(&main_before);
    HEAPHUNT_GET_STATS(&all_before);
    pthread_t threads[THREADS];
    void *kept[THREADS];
    for (int t = 0; t < THREADS; t++) {
        results[t].t = t;
        /* The stack, and above it the gap that keeps the heap out of the
           window (see the header). */
        void *stack = mmap(NULL, STACK_BYTES + STACK_GAP_BYTES, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        pthread_attr_t attr;
        if (stack == MAP_FAILED || pthread_attr_init(&attr) != 0
            || pthread_attr_setstack(&attr, stack, STACK_BYTES) != 0
            || pthread_create(&threads[t], &attr, worker, &results[t]) != 0)
            return 2;
        pthread_attr_destroy(&attr);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], &kept[t]);
    HEAPHUNT_GET_STATS(&all_after);
    HEAPHUNT_GET_THREAD_STATS(&main_after);

    for (int t = 0; t < THREADS; t++)
        check_thread(&results[t]);

    /* The process's totals grew by the threads' and main's own. */
    unsigned long long blocks = main_after.total_blocks - main_before.total_blocks;
    unsigned long long bytes = main_after.total_bytes - main_before.total_bytes;
    unsigned long long copies = main_after.copy_calls - main_before.copy_calls;
    for (int t = 0; t < THREADS; t++) {
        blocks += results[t].after.total_blocks - results[t].before.total_blocks;
        bytes += results[t].after.total_bytes - results[t].before.total_bytes;
        copies += results[t].after.copy_calls - results[t].before.copy_calls;
    }
    check("process", "total_blocks", blocks, all_after.total_blocks - all_before.total_blocks);
    check("process", "total_bytes", bytes, all_after.total_bytes - all_before.total_bytes);
    check("process", "copy_calls", copies, all_after.copy_calls - all_before.copy_calls);

    for (int t = 0; t < THREADS; t++)
        free(kept[t]);
    if (failures == 0)
        printf("thread stats: %d checks, all passed\n", checks);
    else
        printf("thread stats: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
