/* ledger: a program whose heap grows with its input, for baseline gates.
 *
 *   ledger N    (N > 0)
 *
 * add_entry allocates one 32-byte entry per record (N blocks); build_index
 * allocates one array of N pointers (8 * N bytes, 1 block); everything is
 * freed before main returns.  Nothing else allocates (no stdio).
 *
 * Expected (derived by hand), as functions of N:
 *   Total: 40 * N bytes in N + 1 blocks; At t-end: 0 bytes
 *   site add_entry:   tb = 32 * N, tbk = N
 *   site build_index: tb =  8 * N, tbk = 1
 *
 * The tests run N = 100 twice (a stable program: every number equal) and
 * N = 110 (a growing one): total bytes 4,000 -> 4,400, +400 (+10%), of
 * which add_entry +320 (+10%) and build_index +80 (+10%).
 */
#include <stdlib.h>

struct entry {
    long id;
    long amount;
    struct entry *next;
    long checksum;
};
_Static_assert(sizeof(struct entry) == 32, "an entry is 32 bytes");

__attribute__((noinline)) static struct entry *add_entry(struct entry *head, long id)
{
    struct entry *e = malloc(sizeof *e);
    if (e == NULL)
        abort();
    e->id = id;
    e->amount = id * 3;
    e->next = head;
    e->checksum = e->id ^ e->amount;
    return e;
}

__attribute__((noinline)) static struct entry **build_index(struct entry *head, long n)
{
    struct entry **index = malloc(n * sizeof *index);
    if (index == NULL)
        abort();
    for (long i = n - 1; i >= 0; i--, head = head->next)
        index[i] = head;
    return index;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 0;
    if (n <= 0)
        return 2;
    struct entry *head = NULL;
    for (long i = 0; i < n; i++)
        head = add_entry(head, i);
    struct entry **index = build_index(head, n);
    long sum = 0;
    for (long i = 0; i < n; i++)
        sum += index[i]->checksum;
    free(index);
    while (head != NULL) {
        struct entry *next = head->next;
        free(head);
        head = next;
    }
    return sum == -1 ? 1 : 0;
}
