/* pileup: memory that piles up as children of an open parent and is
 * released only when the parent closes.  20,000 nodes of 32 bytes are
 * pushed on a list held by a global, with some work between pushes, so
 * the pile grows through most of the run; then the whole list is freed,
 * and some more work follows.
 *
 * pile_push's live bytes never go down until the release, reach
 * 20,000 x 32 = 640,000 bytes in 20,000 blocks, never go up after it, and
 * end at 0 before the program does.  After every 1,000th push the program
 * names a checkpoint "thousand": at the k-th (from 1) the pile holds
 * 32,000 x k bytes in 1,000 x k blocks.  The run is long enough for the
 * sampling grid to double many times, so the site's history is compacted
 * many times over, and its value at the checkpoints must survive that.
 */
#include "heaphunt.h"
#include "prog_util.h"

#define NODES 20000
#define WORK_PER_NODE 200

struct node { struct node *next; uint64_t payload[3]; };

static struct node *parent;
static volatile uint64_t sink;

__attribute__((noinline)) static struct node *pile_push(void) { return malloc(sizeof(struct node)); }

static void work(int rounds)
{
    uint64_t x = sink;
    for (int i = 0; i < rounds; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    sink = x;
}

int main(void)
{
    for (int i = 0; i < NODES; i++) {
        struct node *n = pile_push();
        check(n != NULL, "pile_push");
        n->next = parent;
        n->payload[0] = (uint64_t)i;
        parent = n;
        work(WORK_PER_NODE);
        if ((i + 1) % 1000 == 0)
            HEAPHUNT_CHECKPOINT("thousand");
    }
    while (parent != NULL) {
        struct node *next = parent->next;
        free(parent);
        parent = next;
    }
    work(NODES * WORK_PER_NODE / 10);
    return 0;
}
