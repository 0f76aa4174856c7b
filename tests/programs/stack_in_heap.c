/* stack_in_heap: code running on stacks that are heap blocks.  DHAT never
 * counts an access within 16 KiB above the stack pointer (less its 128-byte
 * red zone), whatever the address holds, and counts every other access to a
 * block; on a stack that is a heap block, that decides which of the block's
 * accesses count.
 *
 * A coroutine (makecontext) runs on a malloc'ed stack of 64 KiB, twice:
 *   main writes the stack block's lowest 64 bytes           writes 64
 *   makecontext (called by main, far from the block) stores the entry
 *     trampoline and uc_link at the block's top: 2 x 8       writes 16
 *   each round, the coroutine works on a 4,000-byte local array and its
 *     loop variables (at -O0, through the frame pointer: addresses the
 *     instrumentation cannot tell from heap ones), all within the window:
 *     nothing counted; then reads the block's lowest 64 bytes, far below
 *     its stack pointer                                       reads 2 x 64
 * A thread gets an aligned_alloc'ed stack (pthread_attr_setstack) and does
 * the same work once; glibc keeps the thread's descriptor and TLS at the
 * top of that block, and main and the thread read and write them (not
 * derived here: compared with DHAT).  The thread then waits in pause()
 * until the process exits, so that no join reads the descriptor a
 * timing-dependent number of times.  Its DTV, calloc(17, 16) = 272 bytes
 * (see threads.c), is still live at exit.
 *
 * Expected (derived by hand):
 *   Total:     131,344 bytes in 3 blocks
 *   At t-gmax: 131,344 bytes in 3 blocks
 *   At t-end:  272 bytes in 1 blocks
 *   site alloc_coroutine_stack: tb=65536 tbk=1 eb=0 ebk=0 rb=128 wb=80
 *   site alloc_thread_stack: tb=65536 tbk=1 eb=0 ebk=0
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <ucontext.h>
#include "prog_util.h"

enum { STACK_BYTES = 64 * 1024, LOCAL_BYTES = 4000, EDGE_BYTES = 64 };

static ucontext_t main_context, coroutine_context;
static volatile unsigned char *coroutine_stack, *thread_stack;
static volatile unsigned sink;

__attribute__((noinline)) static void *alloc_coroutine_stack(void) { return malloc(STACK_BYTES); }
__attribute__((noinline)) static void *alloc_thread_stack(void) { return aligned_alloc(4096, STACK_BYTES); }

/* Works on its own frame (all within the window: not counted), then reads
 * the lowest EDGE_BYTES of its stack block, far below the stack pointer
 * (counted). */
static void stack_work(volatile unsigned char *stack_block)
{
    volatile unsigned char local[LOCAL_BYTES];
    for (int i = 0; i < LOCAL_BYTES; i++)
        local[i] = (unsigned char)i;
    unsigned sum = 0;
    for (int i = 0; i < LOCAL_BYTES; i++)
        sum += local[i];
    for (int i = 0; i < EDGE_BYTES; i++)
        sum += stack_block[i];
    sink += sum;
}

static void coroutine(void)
{
    for (int round = 0; round < 2; round++) {
        stack_work(coroutine_stack);
        swapcontext(&coroutine_context, &main_context);
    }
}

static int done_pipe[2];

/* Says it is done, then waits for the end of the process: a thread that
 * returned would be joined, and how often pthread_join reads the thread's
 * descriptor (in the stack block) depends on timing. */
static void *thread_main(void *unused)
{
    stack_work(thread_stack);
    char done = 1;
    check(write(done_pipe[1], &done, 1) == 1, "write");
    for (;;)
        pause();
    return unused;
}

int main(void)
{
    coroutine_stack = alloc_coroutine_stack();
    check(coroutine_stack != NULL, "malloc");
    for (int i = 0; i < EDGE_BYTES; i++)
        coroutine_stack[i] = 0;
    check(getcontext(&coroutine_context) == 0, "getcontext");
    coroutine_context.uc_stack.ss_sp = (void *)coroutine_stack;
    coroutine_context.uc_stack.ss_size = STACK_BYTES;
    coroutine_context.uc_link = &main_context;
    makecontext(&coroutine_context, coroutine, 0);
    for (int round = 0; round < 2; round++)
        check(swapcontext(&main_context, &coroutine_context) == 0, "swapcontext");

    thread_stack = alloc_thread_stack();
    check(thread_stack != NULL, "aligned_alloc");
    for (int i = 0; i < EDGE_BYTES; i++)
        thread_stack[i] = 0;
    pthread_attr_t attr;
    check(pthread_attr_init(&attr) == 0, "pthread_attr_init");
    check(pthread_attr_setstack(&attr, (void *)thread_stack, STACK_BYTES) == 0, "setstack");
    check(pipe(done_pipe) == 0, "pipe");
    pthread_t thread;
    check(pthread_create(&thread, &attr, thread_main, NULL) == 0, "pthread_create");
    char done;
    check(read(done_pipe[0], &done, 1) == 1, "read");
    free((void *)coroutine_stack);
    free((void *)thread_stack);
    return 0;
}
