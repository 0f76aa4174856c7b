/* threads: blocks allocated and freed by two threads, run one after the
 * other (each joined before the next starts) so that the order of events,
 * and so the peak, is the same on every run.
 *
 * Each worker: 5 x malloc(1000) in worker_alloc, frees 4, keeps 1.
 *
 * glibc itself allocates for a new thread: its DTV (the table of TLS
 * blocks), calloc(dtv_length + 2, 16) with dtv_length = 1 module (libc's
 * TLS) + 14 surplus entries: 17 x 16 = 272 bytes.  The second thread
 * reuses the first one's cached stack and with it that DTV, so there is one
 * DTV in all; glibc frees it at exit (Valgrind runs glibc's freeres).
 * Its first frame is ld.so's inline calloc wrapper (rtld-malloc.h), then
 * allocate_dtv.
 * glibc reads and writes the DTV itself: those accesses are not derived
 * here, so Reads and Writes are compared with DHAT only.
 *
 *   worker 1: live 272 + 1000 x 5       (5,272: not yet the peak)
 *   worker 1 ends holding 1000
 *   worker 2: live 272 + 1000 + 1000 x 5   <- peak: 6,272 in 7
 *   worker 2 ends; 2,000 of worker_alloc live at exit
 *
 * Expected (derived by hand, glibc's DTV included):
 *   Total:     10,272 bytes in 11 blocks
 *   At t-gmax: 6,272 bytes in 7 blocks
 *   At t-end:  2,000 bytes in 2 blocks
 *   site worker_alloc: tb=10000 tbk=10 gb=6000 gbk=6 eb=2000 ebk=2 rb=0 wb=0
 *   site calloc/allocate_dtv: tb=272 tbk=1 gb=272 gbk=1 eb=0 ebk=0
 */
#include <pthread.h>
#include "prog_util.h"

enum { BLOCKS_PER_WORKER = 5, BLOCK_BYTES = 1000 };

__attribute__((noinline)) static void *worker_alloc(void) { return malloc(BLOCK_BYTES); }

static void *worker(void *unused)
{
    (void)unused;
    void *blocks[BLOCKS_PER_WORKER];
    for (int i = 0; i < BLOCKS_PER_WORKER; i++)
        check((blocks[i] = worker_alloc()) != NULL, "worker_alloc");
    for (int i = 1; i < BLOCKS_PER_WORKER; i++)
        free(blocks[i]);
    return blocks[0];
}

int main(void)
{
    for (int t = 0; t < 2; t++) {
        pthread_t thread;
        check(pthread_create(&thread, NULL, worker, NULL) == 0, "pthread_create");
        void *kept = NULL;
        check(pthread_join(thread, &kept) == 0, "pthread_join");
        check(kept != NULL, "worker returned NULL");
    }
    return 0;
}
