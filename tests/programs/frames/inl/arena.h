/* arena.h: an allocation helper that is always inlined, in a directory of
 * its own, for source_dirs.c: the frame of its call is an inlined frame
 * whose source file is this header, in tests/programs/frames/inl. */
#ifndef ARENA_H
#define ARENA_H
#include <stdlib.h>

__attribute__((always_inline)) static inline void *arena_alloc(size_t size)
{
    return malloc(size); /* ARENA_MALLOC */
}

#endif
