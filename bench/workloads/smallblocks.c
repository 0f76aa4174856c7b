/* manylive.c: many live blocks.  One million small nodes (24..40 bytes) are
   allocated and kept alive at once in a linked list, walked twice, then
   freed.  Stresses the block table at a large population: lookups, inserts
   and deletes with 1e6 entries, and the memory the tool spends per block. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N_NODES 1000000

struct node {
    struct node *next;
    uint64_t value;
    uint64_t pad[]; /* 0..2 extra words, so sizes vary: 16, 24, 32 bytes + 8 */
};

int main(void)
{
    struct node *head = NULL;
    for (long i = 0; i < N_NODES; i++) {
        size_t extra_words = (size_t)(i % 3);
        struct node *n = malloc(sizeof *n + 8 + extra_words * 8);
        if (n == NULL)
            return 1;
        n->next = head;
        n->value = (uint64_t)i;
        head = n;
    }
    uint64_t sum = 0;
    for (int walk = 0; walk < 2; walk++)
        for (struct node *n = head; n != NULL; n = n->next)
            sum += n->value;
    while (head != NULL) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
    printf("manylive: %llu\n", (unsigned long long)sum);
    return 0;
}
