/* records.c: a small C library that a Python program loads with ctypes,
 * the code under test of test_records.py.  Every allocation is derivable:
 *
 *   record_new(n)    1 block of n bytes (calloc), returned to the caller
 *   record_free(r)   frees it
 *   lookup(key)      the first call in the process builds a table of 512
 *                    longs: 1 block of 4,096 bytes, kept for good (a
 *                    cache); every later call allocates nothing
 *   remember(id)     adds a 32-byte entry to a log that is never freed:
 *                    1 block of 32 bytes per call (a leak)
 *
 *   cc -shared -fPIC -g -O0 -o librecords.so records.c
 */
#include <stdlib.h>

void *record_new(size_t n)
{
    return calloc(n, 1);
}

void record_free(void *record)
{
    free(record);
}

enum { TABLE_SLOTS = 512 };
static long *table;

long lookup(long key)
{
    if (table == NULL) {
        table = malloc(TABLE_SLOTS * sizeof *table);
        if (table == NULL)
            abort();
        for (long i = 0; i < TABLE_SLOTS; i++)
            table[i] = i * i;
    }
    return table[key % TABLE_SLOTS];
}

struct entry {
    long id;
    struct entry *next;
    char note[16];
};
_Static_assert(sizeof(struct entry) == 32, "an entry is 32 bytes");

static struct entry *log_head;

void remember(long id)
{
    struct entry *e = malloc(sizeof *e);
    if (e == NULL)
        abort();
    e->id = id;
    e->next = log_head;
    e->note[0] = '\0';
    log_head = e;
}
