/*--------------------------------------------------------------------*/
/*--- heaphunt.h: client requests for programs run under heaphunt  ---*/
/*--------------------------------------------------------------------*/

/* Include this header in a C or C++ program to talk to heaphunt while
   the program runs under `valgrind --tool=heaphunt`.  Every macro is a
   Valgrind client request: outside Valgrind (or under another tool) it
   costs a few instructions and does nothing, returning 0.

     RUNNING_ON_HEAPHUNT          1 under heaphunt, else 0
     HEAPHUNT_GET_STATS(&stats)   fill a HeaphuntStats with the counts
                                  so far; 1 if filled, else 0 (and the
                                  struct is left untouched)
     HEAPHUNT_GET_THREAD_STATS(&stats)  the same numbers counted for the
                                  calling thread only: the blocks it
                                  allocated (live ones wherever they are
                                  freed), its reads, writes, copies and
                                  instructions (docs/client-requests.md)
     HEAPHUNT_DUMP(path)          write a complete profile now to path
                                  (%p and %q{VAR} expanded; NULL: the
                                  --heaphunt-out-file name); 1 on success
     HEAPHUNT_CHECKPOINT(name)    record a named moment in the profile's
                                  timeline ("hhCheckpoints")

   Exact-count tests take the stats before and after the code under
   test and compare the differences: each test measures only itself, so
   many tests can run in one process, in any order (and, with the thread
   stats, in parallel threads).

     HeaphuntStats before, after;
     HEAPHUNT_GET_STATS(&before);
     code_under_test();
     HEAPHUNT_GET_STATS(&after);
     assert(after.total_blocks - before.total_blocks == 3);
     assert(after.curr_bytes == before.curr_bytes);      // no leak

   See docs/client-requests.md.  The numbers are those of the profile:
   bytes are requested sizes, a malloc(0) counts as 1 byte, a realloc
   counts as one more block of its new size (as in DHAT). */

#ifndef __HEAPHUNT_H
#define __HEAPHUNT_H

#include "valgrind.h"

typedef struct {
   unsigned long long curr_blocks;   /* live now */
   unsigned long long curr_bytes;
   unsigned long long total_blocks;  /* allocated since the start */
   unsigned long long total_bytes;
   unsigned long long peak_blocks;   /* live at the highest peak so far */
   unsigned long long peak_bytes;
   unsigned long long reads_bytes;   /* read from heap blocks so far */
   unsigned long long writes_bytes;  /* written to heap blocks so far */
   unsigned long long copied_bytes;  /* by memcpy-family calls so far */
   unsigned long long copy_calls;
   unsigned long long instrs;        /* guest instructions so far */
} HeaphuntStats;

typedef enum {
   VG_USERREQ__HEAPHUNT_RUNNING = VG_USERREQ_TOOL_BASE('H', 'H'),
   VG_USERREQ__HEAPHUNT_GET_STATS,
   VG_USERREQ__HEAPHUNT_DUMP,
   VG_USERREQ__HEAPHUNT_CHECKPOINT,
   VG_USERREQ__HEAPHUNT_GET_THREAD_STATS
} Vg_HeaphuntClientRequest;

/* The requests that answer are expressions of type unsigned long; they
   are not cast, so that using one as a plain statement draws no
   "value computed is not used" warning. */
#define RUNNING_ON_HEAPHUNT                                              \
   VALGRIND_DO_CLIENT_REQUEST_EXPR(0, VG_USERREQ__HEAPHUNT_RUNNING,      \
                                   0, 0, 0, 0, 0)

/* The size is passed so that an older or newer heaphunt fills only the
   fields both know. */
#define HEAPHUNT_GET_STATS(_qzz_stats_ptr)                               \
   VALGRIND_DO_CLIENT_REQUEST_EXPR(0, VG_USERREQ__HEAPHUNT_GET_STATS,    \
                                   (_qzz_stats_ptr), sizeof(HeaphuntStats), \
                                   0, 0, 0)

#define HEAPHUNT_GET_THREAD_STATS(_qzz_stats_ptr)                        \
   VALGRIND_DO_CLIENT_REQUEST_EXPR(0, VG_USERREQ__HEAPHUNT_GET_THREAD_STATS, \
                                   (_qzz_stats_ptr), sizeof(HeaphuntStats), \
                                   0, 0, 0)

#define HEAPHUNT_DUMP(_qzz_path)                                         \
   VALGRIND_DO_CLIENT_REQUEST_EXPR(0, VG_USERREQ__HEAPHUNT_DUMP,         \
                                   (_qzz_path), 0, 0, 0, 0)

#define HEAPHUNT_CHECKPOINT(_qzz_name)                                   \
   VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__HEAPHUNT_CHECKPOINT,      \
                                   (_qzz_name), 0, 0, 0, 0)

#endif /* __HEAPHUNT_H */
