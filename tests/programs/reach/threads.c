/* threads: thread stacks as roots.  Two worker threads run one after the
 * other:
 *
 *   alloc_by_finished  700 bytes; the worker keeps the only pointer in
 *                      its own frame, returns and is joined: the word is
 *                      left in dead stack memory (below the stack
 *                      pointer the thread had when it ended)        lost
 *   alloc_by_blocked   600 bytes; the worker keeps the only pointer in
 *                      a local, tells main, and blocks in read() on a
 *                      pipe nobody writes to; main then calls exit(0),
 *                      which kills the worker where it waits: its
 *                      stack above its stack pointer is a root   reachable
 *
 * Both workers keep their pointer deep in a 16 KiB frame (its lowest
 * address), where nothing that runs later reaches.  glibc's own blocks
 * for the threads (their TLS vectors) stay live and reachable from the
 * threads' descriptors; they are not derived here, and are checked
 * against Memcheck instead.
 *
 * Lost: 700 bytes in 1 block.
 *
 * Expected (derived by hand):
 *   Lost:      700 bytes in 1 blocks
 *   site alloc_by_finished: eb=700 ebk=1 hhLostB=700 hhLostK=1
 *   site alloc_by_blocked: eb=600 ebk=1 hhLostB=0 hhLostK=0
 */
#include <pthread.h>
#include "prog_util.h"

#define DEEP_FRAME_WORDS 2048

static int ready_pipe[2];    /* the blocked worker says it is ready */
static int never_pipe[2];    /* nobody ever writes to it */

__attribute__((noinline)) static void *alloc_by_finished(void) { return malloc(700); }
__attribute__((noinline)) static void *alloc_by_blocked(void) { return malloc(600); }

static void *finished_worker(void *unused)
{
    void *volatile frame[DEEP_FRAME_WORDS];
    frame[0] = alloc_by_finished();
    check(frame[0] != NULL, "alloc_by_finished");
    return NULL;
}

static void *blocked_worker(void *unused)
{
    void *volatile frame[DEEP_FRAME_WORDS];
    frame[0] = alloc_by_blocked();
    check(frame[0] != NULL, "alloc_by_blocked");
    char byte = 1;
    check(write(ready_pipe[1], &byte, 1) == 1, "write ready");
    for (;;)
        (void)!read(never_pipe[0], &byte, 1);
    return NULL;
}

int main(void)
{
    check(pipe(ready_pipe) == 0 && pipe(never_pipe) == 0, "pipe");
    pthread_t finished, blocked;
    check(pthread_create(&finished, NULL, finished_worker, NULL) == 0, "create");
    check(pthread_join(finished, NULL) == 0, "join");
    check(pthread_create(&blocked, NULL, blocked_worker, NULL) == 0, "create");
    char byte;
    check(read(ready_pipe[0], &byte, 1) == 1, "read ready");
    exit(0);
}
