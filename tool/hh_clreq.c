/*--------------------------------------------------------------------*/
/*--- heaphunt: client requests                        hh_clreq.c ---*/
/*--------------------------------------------------------------------*/

/* Requests a client program makes with the macros of heaphunt.h and
   of dhat.h (so that programs annotated for DHAT keep working) and,
   from heaphunt's own preload, the notice of a memcpy-family copy.

   heaphunt.h's requests:
     RUNNING_ON_HEAPHUNT   answers 1
     HEAPHUNT_GET_STATS    copies the running totals into the client's
                           HeaphuntStats (as many bytes as both know)
     HEAPHUNT_DUMP         writes a complete profile now, without
                           disturbing the run (see hh_snapshot_take)
     HEAPHUNT_CHECKPOINT   names the current moment in the timeline
   and Valgrind's gdbserver monitor commands (hh_monitor.c); custom
   allocators' requests go to hh_custom.c.

   DHAT's requests:
     DHAT_AD_HOC_EVENT     ad-hoc profiling is a DHAT mode heaphunt does
                           not have; the request is accepted and ignored
     DHAT_HISTOGRAM_MEMORY gives the block containing the address a
                           per-offset histogram even though it is larger
                           than --histogram-max (up to 25 times that, as
                           DHAT allows)
     DHAT's copy request   accepted and ignored: heaphunt's preload
                           reports copies with its own request below */

#include "pub_tool_basics.h"
#include "pub_tool_clreq.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_tooliface.h"

#include "hh_tool.h"
#include "hh_copy_clreq.h"
#include "heaphunt.h"

/* dhat.h's request numbers (the 3.19 header lacks the histogram one). */
#define HH_DHAT_AD_HOC_EVENT     VG_USERREQ_TOOL_BASE('D', 'H')
#define HH_DHAT_HISTOGRAM_MEMORY (VG_USERREQ_TOOL_BASE('D', 'H') + 1)
#define HH_DHAT_COPY             (VG_USERREQ_TOOL_BASE('D', 'H') + 256)

/* DHAT_HISTOGRAM_MEMORY gives a histogram to blocks up to this many
   times the histogram limit (--histogram-max, or its default when that
   is 0), as DHAT allows 25 times its own. */
#define HH_USER_HISTOGRAM_FACTOR 25

static Bool give_block_a_histogram(Addr address)
{
   Block* bk = hh_block_containing(address);
   if (bk == NULL) {
      VG_(umsg)("heaphunt: DHAT_HISTOGRAM_MEMORY(%#lx): no live heap block "
                "there; ignored\n", address);
      return False;
   }
   if (bk->histo != NULL)
      return True;   // already has one
   SizeT base  = hh_clo_histogram_max > 0 ? hh_clo_histogram_max
                                          : HH_DEFAULT_HISTOGRAM_MAX;
   SizeT limit = HH_USER_HISTOGRAM_FACTOR * base;
   if (bk->req_szB > limit) {
      VG_(umsg)("heaphunt: DHAT_HISTOGRAM_MEMORY: the block is %lu bytes, "
                "more than the %lu allowed (%d x %lu); ignored\n",
                bk->req_szB, limit, HH_USER_HISTOGRAM_FACTOR, base);
      return False;
   }
   hh_life_give_histogram(bk);
   return True;
}

static void copy_stats_to_client(HeaphuntStats* client_stats,
                                 SizeT client_szB)
{
   HeaphuntStats stats;
   stats.curr_blocks  = hh_live_blocks;
   stats.curr_bytes   = hh_live_bytes;
   stats.total_blocks = hh_total_blocks;
   stats.total_bytes  = hh_total_bytes;
   stats.peak_blocks  = hh_peak_blocks;
   stats.peak_bytes   = hh_peak_bytes;
   hh_reads_writes_now(&stats.reads_bytes, &stats.writes_bytes);
   stats.copied_bytes = hh_copied_bytes;
   stats.copy_calls   = hh_copy_calls;
   stats.instrs       = hh_clock_instrs;
   /* Written by the tool, not by the program: not counted as a write. */
   VG_(memcpy)(client_stats, &stats,
               client_szB < sizeof(stats) ? client_szB : sizeof(stats));
}

Bool hh_handle_client_request(ThreadId tid, UWord* arg, UWord* ret)
{
   switch (arg[0]) {
   case VG_USERREQ__HEAPHUNT_RUNNING:
      *ret = 1;
      return True;
   case VG_USERREQ__HEAPHUNT_GET_STATS:
      if (arg[1] == 0) {
         *ret = 0;
         return True;
      }
      copy_stats_to_client((HeaphuntStats*)arg[1], (SizeT)arg[2]);
      *ret = 1;
      return True;
   case VG_USERREQ__HEAPHUNT_DUMP:
      *ret = hh_dump_now("HEAPHUNT_DUMP", (const HChar*)arg[1]) ? 1 : 0;
      return True;
   case VG_USERREQ__HEAPHUNT_CHECKPOINT:
      hh_checkpoint_add(arg[1] != 0 ? (const HChar*)arg[1] : "(unnamed)",
                        hh_live_bytes, hh_live_blocks);
      hh_hist_add_checkpoint();
      *ret = 0;
      return True;
   case VG_USERREQ__HEAPHUNT_COPY:
      hh_copy_note(tid, (Addr)arg[HH_COPY_ARG_DST], (Addr)arg[HH_COPY_ARG_SRC],
                   (SizeT)arg[HH_COPY_ARG_LEN]);
      *ret = 0;
      return True;
   case HH_DHAT_AD_HOC_EVENT:
   case HH_DHAT_COPY:
      *ret = 0;
      return True;
   case VG_USERREQ__GDB_MONITOR_COMMAND:
      *ret = hh_handle_monitor_command((const HChar*)arg[1]) ? 1 : 0;
      return True;
   case HH_DHAT_HISTOGRAM_MEMORY:
      *ret = give_block_a_histogram((Addr)arg[1]) ? 1 : 0;
      return True;
   default:
      return hh_custom_client_request(tid, arg, ret);
   }
}
