/* many_threads: 32 threads allocate at the same time and free each
 * other's blocks, then each leaves one block live.
 *
 * Thread i (0..31) allocates 10 blocks of (i + 1) * 8 bytes in
 * worker_alloc.  After a barrier, thread i frees the 10 blocks of thread
 * (i + 1) % 32 (every block is freed by another thread than its
 * allocator).  Then each thread allocates one 100-byte block in
 * worker_leak and never frees it.
 *
 * Expected, derived by hand (the program's own sites):
 *   worker_alloc: tb = 10 * 8 * (1 + 2 + ... + 32) = 80 * 528 = 42,240
 *                 bytes, tbk = 320 blocks; eb = 0, ebk = 0
 *   worker_leak:  tb = 32 * 100 = 3,200 bytes, tbk = 32; eb = 3,200,
 *                 ebk = 32
 *   no bad frees (every free is of a live block).
 * glibc's own allocations for the threads (TLS tables) are not counted
 * here: their number depends on glibc's internals.  The test checks the
 * two sites above, by function name.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N_THREADS 32
#define N_BLOCKS 10

static void* blocks[N_THREADS][N_BLOCKS];
static pthread_barrier_t allocated;

static void __attribute__((noinline)) worker_alloc(int i)
{
    for (int j = 0; j < N_BLOCKS; j++)
        blocks[i][j] = malloc((size_t)(i + 1) * 8);
}

static void* __attribute__((noinline)) worker_leak(void)
{
    return malloc(100);
}

static void* thread_main(void* arg)
{
    int i = (int)(long)arg;
    worker_alloc(i);
    pthread_barrier_wait(&allocated);
    int victim = (i + 1) % N_THREADS;
    for (int j = 0; j < N_BLOCKS; j++)
        free(blocks[victim][j]);
    return worker_leak();
}

int main(void)
{
    pthread_t threads[N_THREADS];
    void* leaked[N_THREADS];
    pthread_barrier_init(&allocated, NULL, N_THREADS);
    for (long i = 0; i < N_THREADS; i++)
        if (pthread_create(&threads[i], NULL, thread_main, (void*)i) != 0)
            return 1;
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(threads[i], &leaked[i]);
    printf("%d threads done\n", N_THREADS);
    return 0;
}
