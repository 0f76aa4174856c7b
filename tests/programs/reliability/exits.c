/* exits: allocate and fill 100 bytes, then end in the way argv[1] names.
 *
 *   segv   NULL dereference           -> killed by SIGSEGV (status 128+11)
 *   abort  abort()                     -> SIGABRT (128+6)
 *   term   raise(SIGTERM)              -> 128+15
 *   int    raise(SIGINT)               -> 128+2
 *   _exit  _exit(4)                    -> 4
 *   thread exit(3) from a second thread, which first allocates 50 bytes
 *          and fills them; main waits in pthread_join -> 3
 *   return return 0 from main          -> 0
 *
 * Expected (derived by hand), every mode but thread:
 *   Total:     100 bytes in 1 blocks
 *   At t-end:  100 bytes in 1 blocks      (nothing is freed)
 *   Writes:    100 bytes                  (the memset)
 * thread: 100 + 50 in fill_and_keep, plus glibc's DTV for the new thread:
 * calloc(1 module + 14 surplus + 2, 16) = 272 bytes (see ../threads.c),
 * still live because the thread never ended: 422 bytes in 3 blocks live
 * at the end; the program's two blocks hold 150 bytes written.
 */
#include <pthread.h>
#include <signal.h>
#include "prog_util.h"

__attribute__((noinline)) static void *fill_and_keep(size_t bytes)
{
    char *p = malloc(bytes);
    memset(p, 7, bytes);
    return p;
}

static void *exit_from_thread(void *unused)
{
    (void)unused;
    fill_and_keep(50);
    exit(3);
}

int main(int argc, char **argv)
{
    check(argc == 2, "usage: exits MODE");
    const char *mode = argv[1];
    fill_and_keep(100);
    if (strcmp(mode, "segv") == 0) {
        int *volatile nowhere = NULL;
        *nowhere = 1;
    } else if (strcmp(mode, "abort") == 0) {
        abort();
    } else if (strcmp(mode, "term") == 0) {
        raise(SIGTERM);
    } else if (strcmp(mode, "int") == 0) {
        raise(SIGINT);
    } else if (strcmp(mode, "_exit") == 0) {
        _exit(4);
    } else if (strcmp(mode, "thread") == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, exit_from_thread, NULL);
        pthread_join(thread, NULL);
    } else if (strcmp(mode, "return") == 0) {
        return 0;
    }
    return 99; /* not reached for a known mode */
}
