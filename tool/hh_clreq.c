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
     HEAPHUNT_GET_THREAD_STATS  the same, counted for the calling thread
                           (hh_threads.c)
     HEAPHUNT_DUMP         writes a complete profile now, without
                           disturbing the run (see hh_snapshot_take)
     HEAPHUNT_CHECKPOINT   names the current moment in the timeline
   and Valgrind's gdbserver monitor commands (hh_monitor.c); custom
   allocators' requests go to hh_custom.c.  Every request is an event of
   its thread (hh_threads_running).

   Natively these macros do nothing, so a bad pointer given to one goes
   unnoticed until the program runs under heaphunt.  Every byte the tool
   reads or writes for a request is first checked with the core's
   address-space manager (mapped for the client, readable or writable),
   strings up to a bounded length; a request with a bad argument is
   refused with one line (once per calling stack, and counted), returns
   0, and the program goes on.

   DHAT's requests:
     DHAT_AD_HOC_EVENT     ad-hoc profiling is a DHAT mode heaphunt does
                           not have: the first request says so, all are
                           counted and otherwise ignored
     DHAT_HISTOGRAM_MEMORY gives the block containing the address a
                           per-offset histogram even though it is larger
                           than --histogram-max (up to 25 times that, as
                           DHAT allows)
     DHAT's copy request   accepted and ignored: heaphunt's preload
                           reports copies with its own request below */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clreq.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_machine.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"

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

//------------------------------------------------------------//
//--- Client memory and refusals                           ---//
//------------------------------------------------------------//

/* The longest path HEAPHUNT_DUMP takes, and the longest checkpoint name. */
#define HH_CLIENT_PATH_MAX       VKI_PATH_MAX
#define HH_CHECKPOINT_NAME_MAX   1024

static ULong n_refused_requests = 0;
static ULong n_ad_hoc_events    = 0;

/* Says, once per calling stack, that request(arg) is refused and why,
   with the program's line that made it. */
static void refuse(ThreadId tid, const HChar* request, UWord arg,
                   const HChar* why)
{
   n_refused_requests++;
   if (!hh_first_report_from(tid))
      return;
   DiEpoch ep = VG_(current_DiEpoch)();
   VG_(umsg)("heaphunt: %s(%#lx) refused: %s; at %s\n", request, arg, why,
             VG_(describe_IP)(ep, VG_(get_IP)(tid), NULL));
}

Bool hh_read_client_string(Addr a, HChar* buf, SizeT buf_szB,
                               const HChar** why)
{
   for (SizeT i = 0; i < buf_szB; i++) {
      Addr byte = a + i;
      /* Memory is mapped page by page: one check per page. */
      if ((i == 0 || byte % VKI_PAGE_SIZE == 0)
          && (byte < a
              || !VG_(am_is_valid_for_client)(byte, 1, VKI_PROT_READ))) {
         *why = i == 0 ? "not readable memory"
                       : "the string runs into memory that is not readable";
         return False;
      }
      buf[i] = *(const HChar*)byte;
      if (buf[i] == '\0')
         return True;
   }
   *why = "no terminating NUL within the longest accepted length";
   return False;
}

/* Written by the tool, not by the program: not counted as a write. */
static void write_stats_to_client(const HeaphuntStats* stats,
                                  HeaphuntStats* client_stats,
                                  SizeT client_szB)
{
   VG_(memcpy)(client_stats, stats,
               client_szB < sizeof(*stats) ? client_szB : sizeof(*stats));
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
   write_stats_to_client(&stats, client_stats, client_szB);
}

static void copy_thread_stats_to_client(ThreadId tid,
                                        HeaphuntStats* client_stats,
                                        SizeT client_szB)
{
   HeaphuntStats stats;
   hh_threads_stats(tid, &stats);
   if (!hh_threads_listing)   // one thread so far: the process's
      hh_reads_writes_now(&stats.reads_bytes, &stats.writes_bytes);
   write_stats_to_client(&stats, client_stats, client_szB);
}

/* HEAPHUNT_GET_STATS, or with of_thread HEAPHUNT_GET_THREAD_STATS. */
static Bool get_stats(ThreadId tid, Bool of_thread, Addr client_stats,
                      SizeT client_szB)
{
   if (client_stats == 0)
      return False;   // NULL: documented as a way to ask for nothing
   SizeT szB = client_szB < sizeof(HeaphuntStats) ? client_szB
                                                  : sizeof(HeaphuntStats);
   if (client_stats + szB < client_stats
       || !VG_(am_is_valid_for_client)(client_stats, szB, VKI_PROT_WRITE)) {
      refuse(tid, of_thread ? "HEAPHUNT_GET_THREAD_STATS"
                            : "HEAPHUNT_GET_STATS",
             client_stats, "the HeaphuntStats is not all writable memory");
      return False;
   }
   if (of_thread)
      copy_thread_stats_to_client(tid, (HeaphuntStats*)client_stats, szB);
   else
      copy_stats_to_client((HeaphuntStats*)client_stats, szB);
   return True;
}

static Bool dump(ThreadId tid, Addr client_path)
{
   if (client_path == 0)
      return hh_dump_now("HEAPHUNT_DUMP", NULL);
   HChar* path = VG_(malloc)("hh.clreq.path", HH_CLIENT_PATH_MAX);
   const HChar* why = NULL;
   Bool ok = False;
   if (!hh_read_client_string(client_path, path, HH_CLIENT_PATH_MAX, &why)) {
      refuse(tid, "HEAPHUNT_DUMP", client_path, why);
   } else {
      HChar* expanded = hh_outfile_expand(path, &why);
      if (expanded == NULL) {
         refuse(tid, "HEAPHUNT_DUMP", client_path, why);
      } else {
         VG_(free)(expanded);
         ok = hh_dump_now("HEAPHUNT_DUMP", path);
      }
   }
   VG_(free)(path);
   return ok;
}

static void checkpoint(ThreadId tid, Addr client_name)
{
   HChar name[HH_CHECKPOINT_NAME_MAX + 1];
   const HChar* why = NULL;
   if (client_name == 0)
      VG_(strcpy)(name, "(unnamed)");
   else if (!hh_read_client_string(client_name, name, sizeof name, &why)) {
      refuse(tid, "HEAPHUNT_CHECKPOINT", client_name, why);
      return;
   }
   hh_checkpoint_add(name, hh_live_bytes, hh_live_blocks);
   hh_hist_add_checkpoint();
}

void hh_clreq_report_counts(void)
{
   if (n_refused_requests > 0)
      VG_(umsg)("Refused client requests: %'llu\n", n_refused_requests);
   if (n_ad_hoc_events > 0)
      VG_(umsg)("DHAT_AD_HOC_EVENT requests: %'llu (ignored)\n",
                n_ad_hoc_events);
}

Bool hh_handle_client_request(ThreadId tid, UWord* arg, UWord* ret)
{
   hh_threads_running(tid);
   switch (arg[0]) {
   case VG_USERREQ__HEAPHUNT_RUNNING:
      *ret = 1;
      return True;
   case VG_USERREQ__HEAPHUNT_GET_STATS:
      *ret = get_stats(tid, False, arg[1], (SizeT)arg[2]) ? 1 : 0;
      return True;
   case VG_USERREQ__HEAPHUNT_GET_THREAD_STATS:
      *ret = get_stats(tid, True, arg[1], (SizeT)arg[2]) ? 1 : 0;
      return True;
   case VG_USERREQ__HEAPHUNT_DUMP:
      *ret = dump(tid, arg[1]) ? 1 : 0;
      return True;
   case VG_USERREQ__HEAPHUNT_CHECKPOINT:
      checkpoint(tid, arg[1]);
      *ret = 0;
      return True;
   case VG_USERREQ__HEAPHUNT_COPY:
      hh_copy_note(tid, (Addr)arg[HH_COPY_ARG_DST], (Addr)arg[HH_COPY_ARG_SRC],
                   (SizeT)arg[HH_COPY_ARG_LEN]);
      *ret = 0;
      return True;
   case HH_DHAT_AD_HOC_EVENT:
      if (n_ad_hoc_events++ == 0)
         VG_(umsg)("heaphunt: DHAT_AD_HOC_EVENT requests are ignored: "
                   "heaphunt has no ad-hoc mode (it profiles the heap); "
                   "their number is in the summary\n");
      *ret = 0;
      return True;
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
