/* bad_frees: a hostile client.  Every bad release is ignored by heaphunt,
 * so the profile holds exactly the valid allocations.
 *
 *   block_a = malloc(100)  freed once (valid), then freed 3 more times from
 *                          one loop line: 3 bad frees, ONE report
 *   free(&stack_word)      a stack address: 1 bad free, one report
 *   block_b = malloc(200); free(block_b + 8): an interior pointer: 1 bad
 *                          free, one report; block_b is then freed properly
 *   realloc(static_bytes, 50): never allocated: 1 bad realloc, returns NULL
 *
 * No block is read or written by the program.
 * Expected (derived by hand):
 *   Total:     300 bytes in 2 blocks
 *   At t-gmax: 200 bytes in 1 blocks   (block_a is gone before block_b)
 *   At t-end:  0 bytes in 0 blocks
 *   Bad frees: 5, Bad reallocs: 1
 *   stdout: "realloc returned NULL\n", exit status 0
 */
#include "prog_util.h"

static char static_bytes[64];

__attribute__((noinline)) static void double_free_loop(char *block_a)
{
    for (int i = 0; i < 3; i++)
        free(block_a);                          /* LINE_DOUBLE_FREE */
}

__attribute__((noinline)) static void free_stack_address(void)
{
    volatile long stack_word = 1;
    char *volatile p = (char *)&stack_word;
    free(p);                                    /* LINE_STACK_FREE */
}

__attribute__((noinline)) static void free_interior(char *block_b)
{
    char *volatile p = block_b + 8;
    free(p);                                    /* LINE_INTERIOR_FREE */
}

__attribute__((noinline)) static void *realloc_never_allocated(void)
{
    char *volatile p = static_bytes;
    return realloc(p, 50);                      /* LINE_BAD_REALLOC */
}

int main(void)
{
    char *block_a = malloc(100);
    free(block_a);
    double_free_loop(block_a);
    free_stack_address();
    char *block_b = malloc(200);
    free_interior(block_b);
    if (realloc_never_allocated() == NULL)
        put_str(1, "realloc returned NULL\n");
    free(block_b);
    return 0;
}
