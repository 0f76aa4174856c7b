/* scale_sites.c: scale of the program-point table.  A binary recursion of
   depth DEPTH calls itself from two different call sites, so each of its
   2^DEPTH leaves is reached by a different stack; each leaf allocates a
   32-byte block, writes it, and frees it.  Run with --num-callers=24 (or
   more: DEPTH + 4 frames cover the leaf, the recursion and main), every
   leaf is a distinct allocation site: 2^20 = 1,048,576 sites by default.
   It checks that a tool copes with a million sites, and that its profile
   writer stays linear in their number (the profile is hundreds of MB).

   Usage: scale_sites [DEPTH]   (default 20). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_DEPTH 20
#define LEAF_BYTES 32

/* noipa: no inlining, cloning or identical-code folding, which would
   merge frames; the work after each call keeps both calls out of tail
   position, so each keeps its own frame and return address. */
__attribute__((noipa)) static uint64_t leaf(uint64_t path)
{
    uint64_t *b = malloc(LEAF_BYTES);
    if (b == NULL)
        exit(1);
    b[0] = path;
    uint64_t v = b[0];
    free(b);
    return v;
}

__attribute__((noipa)) static uint64_t recurse(int depth, uint64_t path)
{
    if (depth == 0)
        return leaf(path);
    uint64_t left = recurse(depth - 1, path << 1);
    uint64_t right = recurse(depth - 1, (path << 1) | 1);
    return (left ^ right) + (uint64_t)depth;
}

int main(int argc, char **argv)
{
    int depth = argc > 1 ? atoi(argv[1]) : DEFAULT_DEPTH;
    printf("scale_sites: depth %d, %llu\n", depth,
           (unsigned long long)recurse(depth, 1));
    return 0;
}
