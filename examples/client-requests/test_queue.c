/* test_queue.c: a C unit test that asserts exact heap counts from inside
   the program, with heaphunt's client requests (tool/heaphunt.h).

   The code under test is a tiny FIFO queue of int64_t values (a singly
   linked list of nodes) plus two helpers that copy its contents out.  Each
   test function takes HEAPHUNT_GET_STATS before and after the code it
   tests and asserts the differences, so it measures only itself: the tests
   pass in any order, all in one process.

       ./test_queue                      run every test, in the order below
       ./test_queue NAME...              run the named tests, in that order

   It prints one line per test ("PASS name" or "FAIL name: ...") and exits
   with the number of failed tests (0 = all passed).  Run natively (not
   under heaphunt) the client requests do nothing, so the program prints
   "not under heaphunt, skipped" and exits 0.

   Build and run (see examples/client-requests/README.md):

       cc -std=gnu11 -O0 -g -I tool $(pkg-config --cflags valgrind) \
          -o test_queue examples/client-requests/test_queue.c
       ./vg-in-place --heaphunt-out-file=test_queue.profile.json ./test_queue

   The expected numbers below are derived by hand from this file, with the
   profile's definitions (docs/json-format.md): bytes are the sizes the
   program requested, malloc(0) counts as 1 byte, a realloc counts as one
   more block of its new size (the old block is freed).  On x86-64:

       sizeof(Queue) = 3 x 8 = 24 bytes   (head, tail, length)
       sizeof(Node)  = 2 x 8 = 16 bytes   (next, value)

   Compiled with -DBREAK_POP_LEAKS_NODE, queue_pop forgets to free the node
   (a planted bug): the tests that pop must then fail, which shows that
   they can.

   Block and byte counts hold at any optimisation level (each malloc, free
   and realloc is an observable call the compiler keeps).  The one test of
   written bytes (test_push_writes) counts the stores written in
   queue_push; it holds at -O0, where each assignment is one store. */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaphunt.h"

/* ------------------------------------------------------------------ */
/* The code under test: a FIFO queue.                                  */
/* ------------------------------------------------------------------ */

typedef struct Node {
   struct Node *next;
   int64_t value;
} Node;

typedef struct {
   Node *head;          /* popped next */
   Node *tail;          /* pushed after */
   size_t length;
} Queue;

static Queue *queue_new(void)
{
   Queue *q = malloc(sizeof *q);
   if (q == NULL) abort();
   q->head = NULL;
   q->tail = NULL;
   q->length = 0;
   return q;
}

static void queue_push(Queue *q, int64_t value)
{
   Node *n = malloc(sizeof *n);
   if (n == NULL) abort();
   n->next = NULL;
   n->value = value;
   if (q->tail != NULL)
      q->tail->next = n;
   else
      q->head = n;
   q->tail = n;
   q->length++;
}

/* Removes the oldest value into *value; 0 if the queue was empty. */
static int queue_pop(Queue *q, int64_t *value)
{
   Node *n = q->head;
   if (n == NULL) return 0;
   *value = n->value;
   q->head = n->next;
   if (q->head == NULL) q->tail = NULL;
   q->length--;
#ifndef BREAK_POP_LEAKS_NODE
   free(n);
#endif
   return 1;
}

static void queue_free(Queue *q)
{
   int64_t ignored;
   while (queue_pop(q, &ignored)) {}
   free(q);
}

/* A copy of the values, oldest first, in one block of exactly
   length * 8 bytes: for an empty queue that is malloc(0). */
static int64_t *queue_snapshot(const Queue *q)
{
   int64_t *values = malloc(q->length * sizeof *values);
   if (values == NULL) abort();
   size_t i = 0;
   for (const Node *n = q->head; n != NULL; n = n->next)
      values[i++] = n->value;
   return values;
}

/* The even values, in an array that starts with room for 2 and doubles
   with realloc when full (a common growth pattern, on purpose without
   knowing the count in advance). */
static int64_t *queue_evens(const Queue *q, size_t *count)
{
   size_t capacity = 2;
   size_t used = 0;
   int64_t *evens = malloc(capacity * sizeof *evens);
   if (evens == NULL) abort();
   for (const Node *n = q->head; n != NULL; n = n->next) {
      if (n->value % 2 != 0) continue;
      if (used == capacity) {
         capacity *= 2;
         int64_t *bigger = realloc(evens, capacity * sizeof *evens);
         if (bigger == NULL) abort();
         evens = bigger;
      }
      evens[used++] = n->value;
   }
   *count = used;
   return evens;
}

/* ------------------------------------------------------------------ */
/* A minimal test harness: deltas of HeaphuntStats fields.             */
/* ------------------------------------------------------------------ */

static const char *current_test;
static int current_failures;

/* Signed difference: curr_* go down when a test frees more than it
   allocates. */
#define DELTA(field) ((long long)(after.field - before.field))

#define EXPECT_DELTA(field, expected)                                     \
   expect_delta(#field, DELTA(field), (long long)(expected))

static void expect_delta(const char *field, long long got, long long expected)
{
   if (got == expected) return;
   if (current_failures == 0) printf("FAIL %s:", current_test);
   printf(" %s delta expected %lld, got %lld;", field, expected, got);
   current_failures++;
}

#define EXPECT_TRUE(cond)                                                 \
   do { if (!(cond)) expect_delta("(" #cond ")", 0, 1); } while (0)

/* HEAPHUNT_GET_STATS returns 1 when it filled the struct; under heaphunt
   it always does (the native case is caught in main), so 0 here means the
   profiler is not the one the program was started with. */
static void take_stats(HeaphuntStats *stats)
{
   if (!HEAPHUNT_GET_STATS(stats)) {
      printf("HEAPHUNT_GET_STATS failed: not running under heaphunt?\n");
      exit(2);
   }
}

/* Each test: take `before`, run the code, take `after`, expect deltas.
   The stats are taken right around the code under test; printing (stdio
   allocates its buffer on first use) happens outside that window. */

/* queue_new: one Queue, 24 bytes, live until queue_free. */
static void test_new_then_free(void)
{
   HeaphuntStats before, after;
   take_stats(&before);
   Queue *q = queue_new();
   take_stats(&after);
   EXPECT_DELTA(total_blocks, 1);
   EXPECT_DELTA(total_bytes, 24);
   EXPECT_DELTA(curr_blocks, 1);
   EXPECT_DELTA(curr_bytes, 24);

   take_stats(&before);
   queue_free(q);
   take_stats(&after);
   EXPECT_DELTA(total_blocks, 0);
   EXPECT_DELTA(curr_blocks, -1);
   EXPECT_DELTA(curr_bytes, -24);
}

/* Three pushes: three Nodes of 16 bytes, all still live. */
static void test_push_three(void)
{
   Queue *q = queue_new();
   HeaphuntStats before, after;
   take_stats(&before);
   queue_push(q, 1);
   queue_push(q, 2);
   queue_push(q, 3);
   take_stats(&after);
   EXPECT_DELTA(total_blocks, 3);
   EXPECT_DELTA(total_bytes, 3 * 16);
   EXPECT_DELTA(curr_blocks, 3);
   EXPECT_DELTA(curr_bytes, 3 * 16);
   queue_free(q);
}

/* Push two, pop two: two Nodes allocated and freed, nothing left. */
static void test_pop_frees_node(void)
{
   Queue *q = queue_new();
   int64_t a = 0, b = 0;
   HeaphuntStats before, after;
   take_stats(&before);
   queue_push(q, 10);
   queue_push(q, 20);
   int popped = queue_pop(q, &a) + queue_pop(q, &b);
   take_stats(&after);
   EXPECT_TRUE(popped == 2 && a == 10 && b == 20);
   EXPECT_DELTA(total_blocks, 2);
   EXPECT_DELTA(total_bytes, 2 * 16);
   EXPECT_DELTA(curr_blocks, 0);
   EXPECT_DELTA(curr_bytes, 0);
   queue_free(q);
}

/* A whole queue's life: 1 Queue (24) + 5 Nodes (5 x 16 = 80) = 104 bytes
   in 6 blocks, and queue_free gives every one back (no leak). */
static void test_free_releases_everything(void)
{
   HeaphuntStats before, after;
   take_stats(&before);
   Queue *q = queue_new();
   for (int64_t v = 0; v < 5; v++)
      queue_push(q, v);
   queue_free(q);
   take_stats(&after);
   EXPECT_DELTA(total_blocks, 6);
   EXPECT_DELTA(total_bytes, 24 + 5 * 16);
   EXPECT_DELTA(curr_blocks, 0);
   EXPECT_DELTA(curr_bytes, 0);
}

/* The snapshot of an empty queue is malloc(0): one block that counts as
   1 byte (DHAT's rule), live until freed. */
static void test_empty_snapshot_is_malloc_zero(void)
{
   Queue *q = queue_new();
   HeaphuntStats before, after;
   take_stats(&before);
   int64_t *values = queue_snapshot(q);
   take_stats(&after);
   EXPECT_DELTA(total_blocks, 1);
   EXPECT_DELTA(total_bytes, 1);
   EXPECT_DELTA(curr_bytes, 1);
   free(values);
   queue_free(q);
}

/* Values 1..7 hold three evens (2, 4, 6).  queue_evens allocates room for
   2 (malloc 16 bytes), fills it with 2 and 4, then needs room for 6:
   realloc to 4 values (32 bytes).  So: 2 blocks (a realloc is one more
   block), 16 + 32 = 48 bytes in total, and one block of 32 bytes live
   afterwards (the realloc freed the 16-byte one). */
static void test_evens_grows_by_realloc(void)
{
   Queue *q = queue_new();
   for (int64_t v = 1; v <= 7; v++)
      queue_push(q, v);
   size_t count = 0;
   HeaphuntStats before, after;
   take_stats(&before);
   int64_t *evens = queue_evens(q, &count);
   take_stats(&after);
   EXPECT_TRUE(count == 3 && evens[0] == 2 && evens[2] == 6);
   EXPECT_DELTA(total_blocks, 2);
   EXPECT_DELTA(total_bytes, 16 + 32);
   EXPECT_DELTA(curr_blocks, 1);
   EXPECT_DELTA(curr_bytes, 32);
   free(evens);
   queue_free(q);
}

/* Pushing onto an empty queue writes, at -O0, one store per assignment:
   into the new Node, next (8) and value (8); into the Queue, head (8),
   tail (8) and length (8, the ++ reads then writes it) = 40 bytes. */
static void test_push_writes(void)
{
   Queue *q = queue_new();
   HeaphuntStats before, after;
   take_stats(&before);
   queue_push(q, 42);
   take_stats(&after);
   EXPECT_DELTA(writes_bytes, 16 + 24);
   queue_free(q);
}

/* ------------------------------------------------------------------ */
/* Running the tests                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
   const char *name;
   void (*run)(void);
} Test;

static const Test tests[] = {
   {"test_new_then_free", test_new_then_free},
   {"test_push_three", test_push_three},
   {"test_pop_frees_node", test_pop_frees_node},
   {"test_free_releases_everything", test_free_releases_everything},
   {"test_empty_snapshot_is_malloc_zero", test_empty_snapshot_is_malloc_zero},
   {"test_evens_grows_by_realloc", test_evens_grows_by_realloc},
   {"test_push_writes", test_push_writes},
};
enum { N_TESTS = sizeof tests / sizeof tests[0] };

static int run_test(const Test *t)
{
   current_test = t->name;
   current_failures = 0;
   /* Marks the test's start in the profile's timeline (hhCheckpoints). */
   HEAPHUNT_CHECKPOINT(t->name);
   t->run();
   if (current_failures == 0)
      printf("PASS %s\n", t->name);
   else
      printf("\n");
   fflush(stdout);
   return current_failures == 0 ? 0 : 1;
}

static const Test *find_test(const char *name)
{
   for (int i = 0; i < N_TESTS; i++)
      if (strcmp(tests[i].name, name) == 0) return &tests[i];
   return NULL;
}

int main(int argc, char **argv)
{
   if (!RUNNING_ON_HEAPHUNT) {
      printf("not under heaphunt, skipped\n");
      return 0;
   }
   int failed = 0;
   if (argc == 1) {
      for (int i = 0; i < N_TESTS; i++)
         failed += run_test(&tests[i]);
   } else {
      for (int a = 1; a < argc; a++) {
         const Test *t = find_test(argv[a]);
         if (t == NULL) {
            printf("FAIL %s: no such test\n", argv[a]);
            failed++;
            continue;
         }
         failed += run_test(t);
      }
   }
   printf("%d passed, %d failed\n", (argc == 1 ? N_TESTS : argc - 1) - failed, failed);
   return failed;
}
