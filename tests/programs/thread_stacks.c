/* thread_stacks: a thread whose stack lies among heap blocks.  main
 * allocates a small block, starts a thread (glibc maps its stack), then
 * allocates a large block, which the allocator places beyond the stack: the
 * range of addresses holding blocks now covers the thread's stack, and every
 * access to that stack must be turned away without losing an access to a
 * block.  DHAT skips any access within 16 KiB above the stack pointer (less
 * its 128-byte red zone); the thread also touches its stack beyond that
 * window, which DHAT looks up and finds in no block.
 *
 *   main:   before = malloc(1,000); writes its 1,000 bytes one by one
 *   main:   pthread_create; after = malloc(4 MiB); tells the thread to go
 *   thread: fills a 20,000-byte local array through a pointer, and sums it
 *           back in a function called with that pointer (at -O0 every
 *           access goes through a frame or argument pointer, not SP; the
 *           array's top 3,700 bytes lie beyond DHAT's window): no block
 *   thread: reads before's 1,000 bytes, writes 1,000 bytes of after
 *   main:   joins the thread; neither block is freed
 *
 * glibc allocates the thread's DTV, calloc(17, 16) = 272 bytes (see
 * threads.c), before the large block, and frees it at exit; glibc reads and
 * writes it itself, so Reads and Writes are compared with DHAT only.
 *
 * Expected (derived by hand, glibc's DTV included):
 *   Total:     4,195,576 bytes in 3 blocks
 *   At t-gmax: 4,195,576 bytes in 3 blocks
 *   At t-end:  4,195,304 bytes in 2 blocks
 *   site alloc_before: tb=1000 tbk=1 rb=1000 wb=1000 eb=1000 ebk=1
 *   site alloc_after: tb=4194304 tbk=1 rb=0 wb=1000 eb=4194304 ebk=1
 */
#include <pthread.h>
#include "prog_util.h"

enum { BEFORE_BYTES = 1000, AFTER_BYTES = 4 << 20, LOCAL_BYTES = 20000,
       TOUCHED_BYTES = 1000 };

static char *before, *after;
static int go_pipe[2];
static volatile unsigned sink;

__attribute__((noinline)) static char *alloc_before(void) { return malloc(BEFORE_BYTES); }
__attribute__((noinline)) static char *alloc_after(void) { return malloc(AFTER_BYTES); }

__attribute__((noinline)) static void fill(volatile char *buf, int n)
{
    for (int i = 0; i < n; i++)
        buf[i] = (char)i;
}

__attribute__((noinline)) static unsigned sum(volatile const char *buf, int n)
{
    unsigned total = 0;
    for (int i = 0; i < n; i++)
        total += (unsigned char)buf[i];
    return total;
}

static void *thread_main(void *unused)
{
    char go;
    check(read(go_pipe[0], &go, 1) == 1, "read");
    volatile char local[LOCAL_BYTES];
    fill(local, LOCAL_BYTES);
    unsigned total = sum(local, LOCAL_BYTES);
    total += sum(before, TOUCHED_BYTES);
    fill(after, TOUCHED_BYTES);
    sink = total;
    return unused;
}

int main(void)
{
    before = alloc_before();
    check(before != NULL, "malloc");
    for (int i = 0; i < BEFORE_BYTES; i++)
        before[i] = (char)i;
    check(pipe(go_pipe) == 0, "pipe");
    pthread_t thread;
    check(pthread_create(&thread, NULL, thread_main, NULL) == 0, "pthread_create");
    after = alloc_after();
    check(after != NULL, "malloc");
    check(write(go_pipe[1], "g", 1) == 1, "write");
    check(pthread_join(thread, NULL) == 0, "pthread_join");
    return 0;
}
