/* phases: two sites whose live counts at six checkpoints follow from the
 * code, for the per-site history (hhH at the checkpoints' instants).
 *
 *   checkpoint "start"         nothing of ours allocated yet
 *   10 x alloc_a(100)          a: 1,000 bytes in 10 blocks
 *   checkpoint "a-allocated"
 *   5 x alloc_b(200)           b: 1,000 bytes in 5 blocks   <- the peak
 *   checkpoint "b-allocated"
 *   free 5 of a                a: 500 in 5
 *   checkpoint "half-a-freed"
 *   free all of b              b: 0
 *   checkpoint "b-freed"
 *   realloc one a 100 -> 300   a: 700 in 5
 *   checkpoint "a-grown"
 *   exit: a still live, 700 in 5
 *
 * The peak (t-gmax) is after the last alloc_b: a 1,000 + b 1,000 = 2,000
 * bytes in 15 blocks; the end has a's 700 bytes in 5 blocks.
 *
 * Expected (derived by hand):
 *   history start: a=0/0 b=0/0
 *   history a-allocated: a=1000/10 b=0/0
 *   history b-allocated: a=1000/10 b=1000/5
 *   history half-a-freed: a=500/5 b=1000/5
 *   history b-freed: a=500/5 b=0/0
 *   history a-grown: a=700/5 b=0/0
 *   history t-gmax: a=1000/10 b=1000/5
 *   history t-end: a=700/5 b=0/0
 */
#include "heaphunt.h"
#include "prog_util.h"

__attribute__((noinline)) static void *alloc_a(void) { return malloc(100); }
__attribute__((noinline)) static void *alloc_b(void) { return malloc(200); }

int main(void)
{
    void *a[10], *b[5];
    HEAPHUNT_CHECKPOINT("start");
    for (int i = 0; i < 10; i++)
        check((a[i] = alloc_a()) != NULL, "alloc_a");
    HEAPHUNT_CHECKPOINT("a-allocated");
    for (int i = 0; i < 5; i++)
        check((b[i] = alloc_b()) != NULL, "alloc_b");
    HEAPHUNT_CHECKPOINT("b-allocated");
    for (int i = 0; i < 5; i++)
        free(a[i]);
    HEAPHUNT_CHECKPOINT("half-a-freed");
    for (int i = 0; i < 5; i++)
        free(b[i]);
    HEAPHUNT_CHECKPOINT("b-freed");
    check((a[5] = realloc(a[5], 300)) != NULL, "realloc");
    HEAPHUNT_CHECKPOINT("a-grown");
    return 0;
}
