/* source_dirs: where each frame's source file is (hhFrameDirs), and which
 * stacks were cut at --num-callers (hhNumCallers, hhCut).
 *
 * - make_record allocates 100 bytes through arena_alloc, a function of
 *   inl/arena.h that is always inlined (also at -O0): its site's stack is
 *   arena_alloc (arena.h, the line marked ARENA_MALLOC), an inlined frame
 *   whose directory is tests/programs/frames/inl, then make_record and
 *   main (source_dirs.c), whose directory is tests/programs/frames.
 * - deep(20) recurses 20 times, then allocates 64 bytes: Valgrind records
 *   malloc's own frame, 21 frames of deep and main = 23 frames.  With the
 *   default --num-callers=12 the stack is cut after 11 frames of deep
 *   (hhCut); with --num-callers=30 it ends at main (no hhCut).
 * - main allocates 10 bytes itself: 2 frames (malloc, main), never cut.
 *
 * Expected (derived by hand):
 *   Total:     174 bytes in 3 blocks
 *   At t-end:  0 bytes in 0 blocks
 */
#include <stdlib.h>
#include "inl/arena.h"

static void *make_record(void)
{
    return arena_alloc(100);
}

static void *deep(int n)
{
    if (n == 0)
        return malloc(64); /* DEEP_MALLOC */
    void *p = deep(n - 1);
    return p;
}

int main(void)
{
    void *record = make_record();
    void *bottom = deep(20);
    void *own = malloc(10); /* MAIN_MALLOC */
    free(own);
    free(bottom);
    free(record);
    return 0;
}
