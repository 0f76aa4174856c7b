/* threadpool.c: threaded, stack-heavy.  The main thread allocates blocks
   before and after it starts a pool of worker threads, among them a large
   one after, so that the workers' stacks (glibc maps them with mmap) lie
   among heap blocks.  Worker
   t of n does jobs t, t + n, t + 2n...; a job fills a table on the
   worker's stack and works on it through functions that are not inlined
   (so the accesses go through pointers, not the stack pointer), then
   reads and writes a few heap blocks.  Most accesses are to the workers'
   stacks: the access filter must turn them away as cheaply as the main
   thread's.

   With N_THREADS = 0 the main thread does every job itself, after the
   same allocations: the same work with one thread, for comparison.

   Usage: threadpool [N_JOBS] [N_THREADS]   (default 40,000 jobs, 4 threads) */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xorshift.h"

#define DEFAULT_N_JOBS 40000
#define DEFAULT_N_THREADS 4
#define MAX_THREADS 64
#define TABLE_WORDS 1024      /* 8 KiB on the stack per job */
#define N_BLOCKS 256          /* heap blocks, half before the threads */
#define BLOCK_WORDS 64
#define OUTPUT_BYTES (8 << 20)  /* one large block, after the threads */

static uint64_t *blocks[N_BLOCKS];
static uint64_t *output;   /* a word per job, wrapping */
static int n_jobs;
static int n_threads;
static uint64_t results[MAX_THREADS];
static pthread_barrier_t blocks_ready;   /* every block allocated */

__attribute__((noinline)) static void fill(uint64_t *table, int n, uint64_t seed)
{
    uint64_t state = seed | 1;
    for (int i = 0; i < n; i++)
        table[i] = xorshift64(&state);
}

__attribute__((noinline)) static void prefix_sums(uint64_t *table, int n)
{
    for (int i = 1; i < n; i++)
        table[i] += table[i - 1];
}

__attribute__((noinline)) static uint64_t sweep(const uint64_t *table, int n)
{
    uint64_t acc = 0;
    for (int i = 0; i < n; i++)
        acc ^= table[i] >> (i & 15);
    return acc;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    uint64_t acc = 0;
    for (int job = (int)id; job < n_jobs; job += n_threads) {
        uint64_t table[TABLE_WORDS];
        fill(table, TABLE_WORDS, (uint64_t)job * 2654435761u);
        prefix_sums(table, TABLE_WORDS);
        acc += sweep(table, TABLE_WORDS);
        uint64_t *block = blocks[job % N_BLOCKS];
        for (int i = 0; i < BLOCK_WORDS; i++)
            acc += block[i] ^ table[i];
        block[job % BLOCK_WORDS] = acc;
        output[job % (OUTPUT_BYTES / sizeof *output)] = acc;
    }
    results[id] = acc;
    return NULL;
}

/* A started thread works once main has allocated every block. */
static void *thread_main(void *arg)
{
    pthread_barrier_wait(&blocks_ready);
    return worker(arg);
}

static void alloc_blocks(int from, int to)
{
    for (int i = from; i < to; i++) {
        blocks[i] = calloc(BLOCK_WORDS, sizeof(uint64_t));
        if (blocks[i] == NULL)
            exit(1);
    }
}

int main(int argc, char **argv)
{
    n_jobs = argc > 1 ? atoi(argv[1]) : DEFAULT_N_JOBS;
    int n_started = argc > 2 ? atoi(argv[2]) : DEFAULT_N_THREADS;
    if (n_started < 0 || n_started > MAX_THREADS)
        return 1;
    n_threads = n_started > 0 ? n_started : 1;
    alloc_blocks(0, N_BLOCKS / 2);
    pthread_t threads[MAX_THREADS];
    if (pthread_barrier_init(&blocks_ready, NULL, n_started + 1) != 0)
        return 1;
    for (long t = 0; t < n_started; t++)
        if (pthread_create(&threads[t], NULL, thread_main, (void *)t) != 0)
            return 1;
    alloc_blocks(N_BLOCKS / 2, N_BLOCKS);
    output = malloc(OUTPUT_BYTES);
    if (output == NULL)
        return 1;
    pthread_barrier_wait(&blocks_ready);
    if (n_started == 0)
        worker(0);
    uint64_t total = 0;
    for (int t = 0; t < n_threads; t++) {
        if (n_started > 0)
            pthread_join(threads[t], NULL);
        total += results[t];
    }
    printf("threadpool: %d jobs on %d threads: %llx\n", n_jobs, n_threads,
           (unsigned long long)total);
    for (int i = 0; i < N_BLOCKS; i++)
        free(blocks[i]);
    free(output);
    return 0;
}
