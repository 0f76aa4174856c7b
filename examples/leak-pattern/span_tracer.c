/* span_tracer.c: a leak pattern from real servers, for `heaphunt report`.

   A request tracer keeps a long-lived root span for the process.  Each
   request handled starts a child span, appends it to the root's list of
   children, and finishes it.  Nothing ever reads that list again (the
   exporter that was meant to drain it was never wired up), and the root
   lives until exit, so every child span is a leak that no leak checker
   reports: the blocks are all still reachable.  This is the shape of the
   "events appended to a parent's list of children" leaks found in tracing
   libraries, DOM-like trees and event buses.

   Around it, the program does the work a server does, all freed:
   - each request reads its input into a 256-byte buffer, parses it, and
     frees it;
   - an audit ring of 16 KiB is written on every request and never read
     (a write-only buffer, freed at exit);
   - after the requests, a statistics pass builds and scans a 32 KiB table
     (a long phase in which no span is touched).

   `heaphunt report` must name the child spans' site (start_child_span)
   first among its findings: the largest problem by bytes.

       cc -std=gnu11 -O0 -g -o span_tracer examples/leak-pattern/span_tracer.c
       ./vg-in-place --heaphunt-out-file=spans.json ./span_tracer
       bin/heaphunt report spans.json

   Expected counts, derived by hand (bytes are requested sizes; a realloc is
   one more block of its new size; see docs/json-format.md):

   Sites:
     A. start_child_span  1,000 spans x 64 B (sizeof(Span), 8 fields of 8 B)
                          = 64,000 B in 1,000 blocks, all live at exit;
                          each is written when started (64 B) and when
                          finished (end_tick, 8 B), and never read:
                          wb 72,000, rb 0
     B. span_add_child    the root's children array: malloc(8 x 8 = 64),
                          then realloc doubling to 16, 32, ..., 1,024
                          entries (7 reallocs): 64 + 128 + 256 + 512
                          + 1,024 + 2,048 + 4,096 + 8,192 = 16,320 B in
                          8 blocks; live at exit: 8,192 B in 1 block
     C. handle_request    1,000 buffers x 256 B = 256,000 B in 1,000 blocks,
                          freed; each written (256 B) and read (256 B):
                          wb 256,000, rb 256,000
     D. audit_open        16,384 B in 1 block, freed; 1,000 records of 16 B
                          written (wb 16,000), never read (rb 0)
     E. compute_stats     32,768 B in 1 block, freed; written once (32,768 B)
                          and read 60 times: rb 1,966,080
     F. root_span_new     the root span, 64 B in 1 block, live at exit

   Total:     64,000 + 16,320 + 256,000 + 16,384 + 32,768 + 64
              = 385,536 B in 1,000 + 8 + 1,000 + 1 + 1 + 1 = 2,011 blocks
   At t-end:  64,000 + 8,192 + 64 = 72,256 B in 1,000 + 1 + 1 = 1,002 blocks
   At t-gmax: during the statistics pass: the spans, the children array,
              the root and the stats table (the audit ring is freed before
              it, the request buffers long before): 72,256 + 32,768
              = 105,024 B in 1,003 blocks

   Findings (the rules of docs/findings.md): the spans are the largest
   problem, 64,000 B live at exit, none of it touched after the request
   phase, and the statistics phase alone is about the last third of the
   run: first comes "leak-stale" at start_child_span, then "write-only" at
   the same site (72,000 B written, 0 read), "write-only" at audit_open
   (16,384 B), and "leak-stale" for the children array (8,192 B) and the
   root (64 B).  The request buffers (256,000 B, the most allocated) are
   normal work and no finding names them.

   The program calls no stdio and no memcpy-family function: it prints
   with write(2), and every heap access is one of its own loops. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
   REQUESTS = 1000,
   REQUEST_BYTES = 256,
   AUDIT_BYTES = 16384,
   AUDIT_RECORD_BYTES = 16,
   STATS_ENTRIES = 4096,       /* x 8 bytes = 32 KiB */
   STATS_PASSES = 60,
   FIRST_CHILDREN_CAPACITY = 8,
};

typedef struct Span {
   const char *name;
   uint64_t id;
   uint64_t start_tick;
   uint64_t end_tick;
   struct Span **children;
   uint64_t n_children;
   uint64_t cap_children;
   uint64_t status;
} Span;

static uint64_t tick;          /* a logical clock: one per event */

static Span *root_span_new(void)
{
   Span *root = malloc(sizeof *root);
   if (root == NULL) abort();
   root->name = "process";
   root->id = 0;
   root->start_tick = tick++;
   root->end_tick = 0;
   root->children = NULL;
   root->n_children = 0;
   root->cap_children = 0;
   root->status = 0;
   return root;
}

/* Appends to parent->children, growing it by doubling. */
static void span_add_child(Span *parent, Span *child)
{
   if (parent->n_children == parent->cap_children) {
      uint64_t cap = parent->cap_children == 0 ? FIRST_CHILDREN_CAPACITY
                                                : parent->cap_children * 2;
      Span **grown = parent->children == NULL
                        ? malloc(cap * sizeof *grown)
                        : realloc(parent->children, cap * sizeof *grown);
      if (grown == NULL) abort();
      parent->children = grown;
      parent->cap_children = cap;
   }
   parent->children[parent->n_children++] = child;
}

/* The leak: the child is owned by the parent's list, which nobody reads. */
static Span *start_child_span(Span *parent, const char *name, uint64_t id)
{
   Span *span = malloc(sizeof *span);
   if (span == NULL) abort();
   span->name = name;
   span->id = id;
   span->start_tick = tick++;
   span->end_tick = 0;
   span->children = NULL;
   span->n_children = 0;
   span->cap_children = 0;
   span->status = 0;
   span_add_child(parent, span);
   return span;
}

static uint8_t *audit_open(void)
{
   uint8_t *ring = malloc(AUDIT_BYTES);
   if (ring == NULL) abort();
   return ring;
}

/* Appends a 16-byte record to the ring: written, never read back. */
static void audit_record(uint8_t *ring, uint64_t request_id, uint64_t checksum)
{
   uint64_t *slot = (uint64_t *)(ring + (request_id * AUDIT_RECORD_BYTES) % AUDIT_BYTES);
   slot[0] = request_id;
   slot[1] = checksum;
}

/* Normal, freed work: fill a buffer (as a read from a socket would), parse
   it, free it. */
static uint64_t handle_request(Span *root, uint8_t *audit, uint64_t id)
{
   Span *span = start_child_span(root, "request", id);
   uint8_t *input = malloc(REQUEST_BYTES);
   if (input == NULL) abort();
   for (int i = 0; i < REQUEST_BYTES; i++)
      input[i] = (uint8_t)(id + (uint64_t)i);
   uint64_t checksum = 0;
   for (int i = 0; i < REQUEST_BYTES; i++)
      checksum = checksum * 31 + input[i];
   free(input);
   audit_record(audit, id, checksum);
   /* Finishing the span is the last time anything touches it: a store,
      not a load. */
   span->end_tick = tick++;
   return checksum;
}

/* The long statistics phase, after the requests: no span is touched. */
static uint64_t compute_stats(uint64_t seed)
{
   uint64_t *table = malloc(STATS_ENTRIES * sizeof *table);
   if (table == NULL) abort();
   for (int i = 0; i < STATS_ENTRIES; i++)
      table[i] = seed + (uint64_t)i;
   uint64_t sum = 0;
   for (int pass = 0; pass < STATS_PASSES; pass++)
      for (int i = 0; i < STATS_ENTRIES; i++)
         sum += table[i] >> (pass % 8);
   free(table);
   return sum;
}

static void put_u64(uint64_t v)
{
   char digits[24];
   int pos = (int)sizeof digits;
   digits[--pos] = '\n';
   do {
      digits[--pos] = (char)('0' + v % 10);
      v /= 10;
   } while (v != 0);
   ssize_t ignored = write(1, digits + pos, sizeof digits - (size_t)pos);
   (void)ignored;
}

static void put_str(const char *s)
{
   ssize_t ignored = write(1, s, strlen(s));
   (void)ignored;
}

int main(void)
{
   Span *root = root_span_new();
   uint8_t *audit = audit_open();

   uint64_t checksum = 0;
   for (uint64_t id = 1; id <= REQUESTS; id++)
      checksum ^= handle_request(root, audit, id);
   free(audit);

   uint64_t stats = compute_stats(checksum);

   put_str("requests handled: ");
   put_u64(REQUESTS);
   put_str("stats: ");
   put_u64(stats);
   /* The root span is never finished or freed: it lives for the process,
      and with it every child span in its list. */
   return 0;
}
