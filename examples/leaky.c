/* leaky.c: a small event-logging program with a deliberate leak, for the
   heaphunt demo (scripts/demo.sh) and the README.

   The program keeps an in-memory event log: every event is a 64-byte record,
   malloc'd and pushed on a linked list that is never freed (the leak, and the
   "ghost" a heap profiler should point at).  Between the two bursts of events
   it does properly freed work: ten 256-byte line buffers, one at a time, and
   one 32 KiB index table that makes the heap peak in the middle of the run.
   At the end it walks the log once and prints one line with write(2).

   It is meant to be compiled without optimisation:

       cc -g -O0 -o leaky examples/leaky.c

   At -O0 every heap access written below is exactly one load or store of the
   size of its C type, and the compiler cannot elide the malloc/free pairs, so
   every count below can be derived by hand from this file.  The program calls
   no stdio (stdio would malloc its own buffer) and touches heap memory only
   through its own loops (no memset/memcpy), so the heap seen by the profiler
   is exactly the one described here.

   Expected counts, derived by hand (DHAT's definitions; see
   docs/json-format.md):

   Allocation sites (4), in program order:
     A. log_event <- startup    50 x 64 B  =  3,200 B,  50 blocks, all leaked
     B. process_lines             10 x 256 B =  2,560 B,  10 blocks, all freed
     C. build_index                1 x 32,768 B = 32,768 B, 1 block, freed
     D. log_event <- shutdown   50 x 64 B  =  3,200 B,  50 blocks, all leaked

   Total:     3,200 + 2,560 + 32,768 + 3,200 = 41,728 bytes in 111 blocks
   At t-gmax: the index table is live together with the 50 startup events
              (the line buffers are all freed by then, the shutdown events
              not yet allocated): 32,768 + 3,200 = 35,968 bytes in 51 blocks
   At t-end:  the 100 events, never freed: 6,400 bytes in 100 blocks

   Writes (every byte of every block is written exactly once):
     A, D: each event writes next (8) + seq (8) + payload (6 x 8) = 64 B,
           100 events                                         =  6,400 B
     B:    256 one-byte stores per buffer, 10 buffers         =  2,560 B
     C:    4,096 eight-byte stores                             = 32,768 B
     Writes:    6,400 + 2,560 + 32,768 = 41,728 bytes

   Reads:
     A, D: report() reads next (8) and seq (8) of each event:
           100 x 16                                            =  1,600 B
     B:    checksum reads 256 one-byte loads per buffer, 10    =  2,560 B
     C:    sum reads 4,096 eight-byte loads                    = 32,768 B
     Reads:     1,600 + 2,560 + 32,768 = 36,928 bytes

   Per site: A and D: rb 800, wb 3,200; B: rb 2,560, wb 2,560;
   C: rb 32,768, wb 32,768.  A and D keep all their bytes at t-end (eb 3,200,
   ebk 50); A is also at t-gmax (gb 3,200, gbk 50), D is not (gb 0).

   The site's own maximum (mb/mbk) shows one documented difference from DHAT:
   D reaches 3,200 B in 50 blocks, and heaphunt reports mb 3,200, mbk 50;
   DHAT reports mb 0, mbk 0 for D, because it updates a site's maximum only
   when that site's allocation sets a new global peak, and D's never do. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_STARTUP_EVENTS 50
#define N_SHUTDOWN_EVENTS 50
#define N_LINES 10
#define LINE_BYTES 256
#define INDEX_ENTRIES 4096 /* 4,096 x 8 B = 32,768 B */
#define EVENT_PAYLOAD_WORDS 6

/* One logged event: 8 + 8 + 48 = 64 bytes, no padding on LP64. */
struct event {
    struct event *next;
    uint64_t seq;
    uint64_t payload[EVENT_PAYLOAD_WORDS];
};

/* The log lives in a global, not on the heap, so pushing an event writes only
   the new event's own 64 bytes. */
static struct event *g_log_head;
static uint64_t g_next_seq;

static void die(const char *why)
{
    ssize_t ignored = write(2, why, strlen(why));
    (void)ignored;
    exit(1);
}

/* The leak: events are pushed and never freed. */
static void log_event(uint64_t kind)
{
    struct event *e = malloc(sizeof *e);
    if (e == NULL)
        die("leaky: out of memory\n");
    e->next = g_log_head;
    e->seq = g_next_seq++;
    for (int i = 0; i < EVENT_PAYLOAD_WORDS; i++)
        e->payload[i] = kind * 1000 + (uint64_t)i;
    g_log_head = e;
}

static void startup(void)
{
    for (int i = 0; i < N_STARTUP_EVENTS; i++)
        log_event(1);
}

static void shutdown_(void)
{
    for (int i = 0; i < N_SHUTDOWN_EVENTS; i++)
        log_event(2);
}

/* Properly freed scratch buffers: one line at a time, fill then checksum. */
static uint64_t process_lines(void)
{
    uint64_t checksum = 0;
    for (int n = 0; n < N_LINES; n++) {
        unsigned char *line = malloc(LINE_BYTES);
        if (line == NULL)
            die("leaky: out of memory\n");
        for (int k = 0; k < LINE_BYTES; k++)
            line[k] = (unsigned char)(k * 7 + n);
        for (int k = 0; k < LINE_BYTES; k++)
            checksum += line[k];
        free(line);
    }
    return checksum;
}

/* The peak: a large table that lives only for the duration of this call. */
static uint64_t build_index(void)
{
    uint64_t *table = malloc(INDEX_ENTRIES * sizeof *table);
    if (table == NULL)
        die("leaky: out of memory\n");
    for (int i = 0; i < INDEX_ENTRIES; i++)
        table[i] = (uint64_t)i * 2654435761u;
    uint64_t sum = 0;
    for (int i = 0; i < INDEX_ENTRIES; i++)
        sum += table[i];
    free(table);
    return sum;
}

static uint64_t report(uint64_t *n_events)
{
    uint64_t seq_sum = 0;
    *n_events = 0;
    for (struct event *e = g_log_head; e != NULL; e = e->next) {
        seq_sum += e->seq;
        (*n_events)++;
    }
    return seq_sum;
}

int main(void)
{
    startup();
    uint64_t checksum = process_lines();
    uint64_t index_sum = build_index();
    shutdown_();

    uint64_t n_events;
    uint64_t seq_sum = report(&n_events);

    /* snprintf into a stack buffer and write(2): no stdio buffer on the heap. */
    char out[160];
    int len = snprintf(out, sizeof out,
                       "leaky: %llu events logged (seq sum %llu), "
                       "line checksum %llu, index sum %llu\n",
                       (unsigned long long)n_events,
                       (unsigned long long)seq_sum,
                       (unsigned long long)checksum,
                       (unsigned long long)index_sum);
    if (len > 0) {
        ssize_t ignored = write(1, out, (size_t)len);
        (void)ignored;
    }
    return 0; /* the 100 events are still on g_log_head: leaked */
}
