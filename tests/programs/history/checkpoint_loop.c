/* checkpoint_loop: HEAPHUNT_CHECKPOINT called in a loop, more often than
 * the history keeps checkpoints as instants (1,024, HH_HIST_MAX_CHECKPOINTS
 * in tool/hh_tool.h).
 *
 * Each of 1,100 rounds allocates one 16-byte block at grow (never freed)
 * and then names a checkpoint "round".  At the checkpoint of round i
 * (from 0) grow holds 16 x (i + 1) bytes in i + 1 blocks; the first 1,024
 * checkpoints are instants of hhHist (their "hi"), the other 76 are
 * listed with "hi": null.  Every 100 rounds a 64-byte block is
 * allocated at churn and freed at once (churn is 0 at every checkpoint).
 *
 * Expected (derived by hand):
 *   rounds: 1100
 *   instants: 1024
 *   at round i: grow=16*(i+1)/(i+1) churn=0/0
 *   history t-end: grow=17600/1100 churn=0/0
 */
#include "heaphunt.h"
#include "prog_util.h"

#define ROUNDS 1100

__attribute__((noinline)) static void *grow(void) { return malloc(16); }
__attribute__((noinline)) static void *churn(void) { return malloc(64); }

static void *kept[ROUNDS];

int main(void)
{
    for (int i = 0; i < ROUNDS; i++) {
        check((kept[i] = grow()) != NULL, "grow");
        if (i % 100 == 0) {
            void *p = churn();
            check(p != NULL, "churn");
            free(p);
        }
        HEAPHUNT_CHECKPOINT("round");
    }
    return 0;
}
