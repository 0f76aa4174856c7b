/*--------------------------------------------------------------------*/
/*--- heaphunt: allocation sites and the global peak  hh_sites.c ---*/
/*--------------------------------------------------------------------*/

/* An allocation site ("program point" in DHAT's words) is the stack of
   --num-callers frames that called malloc, without the leading frames
   of heaphunt's preload and of --alloc-fn functions (hh_frames.c).  Two
   stacks that differ only in those frames (malloc vs calloc called from
   one line) are one site: DHAT writes them as two entries with the same
   frames, which its viewer rejects ("repeated location").

   Each site accumulates what DHAT's output needs: totals, live counts,
   the site's own maximum, its counts at the global peak (t-gmax),
   lifetimes, reads, writes and the per-offset histogram; and, through
   hh_history.c, its live counts at the history's instants.

   The global peak is found without walking the sites.  Every time the
   live byte count reaches a new maximum (>=, so the latest of equal
   peaks wins, as in DHAT) hh_peak_seq is bumped.  A site's counts at
   the peak are its counts just before its first change after the peak;
   so before any change a site whose peak_seq is stale copies its live
   counts into peak_* and catches up.  A site that has not changed since
   the peak has live == at-peak.  O(1) per event, where DHAT walks every
   site on each free at a peak.

   Lookups: an exact hash table from ExeContext (by its unique number)
   to site, filled on first sight; behind it a WordFM keyed by the
   trimmed frame list, consulted only for new ExeContexts.  An
   ExeContext that runs interpreted code maps to hh_interp.c's plan
   instead: its site depends on the script's frames at each allocation,
   and hh_interp.c asks hh_site_for_frames for it.

   A Site's fields are written here only: by the notes of allocations,
   frees, resizes and copies, and by a block's retirement.  A snapshot
   (hh_snapshot.c) works on copies made here, into which it folds the
   blocks still live as they would retire now. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

//------------------------------------------------------------//
//--- Global counters                                      ---//
//------------------------------------------------------------//

ULong hh_total_blocks = 0, hh_total_bytes = 0;
ULong hh_live_blocks  = 0, hh_live_bytes  = 0;
ULong hh_peak_blocks  = 0, hh_peak_bytes  = 0, hh_peak_instrs = 0;
/* Reads and writes of blocks already retired (freed). */
static ULong retired_reads_bytes = 0, retired_writes_bytes = 0;
ULong hh_peak_seq     = 0;

//------------------------------------------------------------//
//--- Site tables                                          ---//
//------------------------------------------------------------//

/* Node of the ExeContext -> Site hash table (layout required by
   pub_tool_hashtable.h: next, then key). */
typedef struct _EcSiteNode {
   struct _EcSiteNode* next;
   UWord               ecu;   // VG_(get_ECU_from_ExeContext)
   Site*               site;  // NULL if interp is not
   InterpPlan*         interp;
} EcSiteNode;

static VgHashTable* site_by_ecu   = NULL;
static WordFM*      site_by_ips   = NULL;  // Site* (as key) -> unused
static XArray*      sites_in_order = NULL; // Site*, creation order

static Word cmp_sites_by_ips(UWord a, UWord b)
{
   const Site* s1 = (const Site*)a;
   const Site* s2 = (const Site*)b;
   return hh_cmp_frame_lists(s1->ips, s1->n_ips, s2->ips, s2->n_ips);
}

void hh_sites_init(void)
{
   site_by_ecu    = VG_(HT_construct)("hh.sites.by_ecu");
   site_by_ips    = VG_(newFM)(VG_(malloc), "hh.sites.by_ips", VG_(free),
                               cmp_sites_by_ips);
   sites_in_order = VG_(newXA)(VG_(malloc), "hh.sites.order", VG_(free),
                               sizeof(Site*));
}

UWord hh_sites_count(void)
{
   return (UWord)VG_(sizeXA)(sites_in_order);
}

Site* hh_site_at(UWord i)
{
   return *(Site**)VG_(indexXA)(sites_in_order, (Word)i);
}

//------------------------------------------------------------//
//--- Sites by stack                                       ---//
//------------------------------------------------------------//

static Bool is_ignore_fn_frame(DiEpoch ep, Addr ip)
{
   const HChar* fn_name = NULL;
   return VG_(get_fnname)(ep, ip, &fn_name) && hh_is_ignore_fn(fn_name);
}

static Bool under_ignore_fn(const Addr* ips, UInt n_ips, DiEpoch ep)
{
   if (!hh_have_ignore_fns())
      return False;
   for (UInt i = 0; i < n_ips; i++) {
      if (is_ignore_fn_frame(ep, ips[i]))
         return True;
   }
   return False;
}

static Site* new_site(Addr* ips, UInt n_ips, DiEpoch ep, Bool ignored)
{
   Site* s = VG_(calloc)("hh.sites.site", 1, sizeof(Site));
   s->ips         = ips;
   s->n_ips       = n_ips;
   s->epoch       = ep;
   s->index       = (UInt)VG_(sizeXA)(sites_in_order);
   s->ignored     = ignored;
   s->peak_seq    = hh_peak_seq;
   s->histo_state = HistoUnknown;
   hh_hist_site_init(&s->history);
   s->first_alloc_instrs = hh_clock_instrs;
   return s;
}

Site* hh_site_for_frames(Addr* ips, UInt n_ips, DiEpoch ep, Bool ignored,
                         Bool stack_cut)
{
   tl_assert(n_ips > 0);
   Site  probe;
   probe.ips   = ips;
   probe.n_ips = n_ips;
   UWord found_key = 0, found_val = 0;
   Site* site;
   if (VG_(lookupFM)(site_by_ips, &found_key, &found_val, (UWord)&probe)) {
      site = (Site*)found_key;
      VG_(free)(ips);
   } else {
      site = new_site(ips, n_ips, ep, ignored);
      VG_(addToFM)(site_by_ips, (UWord)site, 0);
      VG_(addToXA)(sites_in_order, &site);
   }
   site->stack_cut = site->stack_cut || stack_cut;
   return site;
}

/* An ExeContext whose frames pass through an interpreter's eval loop
   has a plan instead of a site: its site depends on the interpreted
   frames of the moment (hh_interp.c). */
Site* hh_site_for_ec(ThreadId tid, ExeContext* ec)
{
   UWord ecu = VG_(get_ECU_from_ExeContext)(ec);
   EcSiteNode* node = VG_(HT_lookup)(site_by_ecu, ecu);
   if (LIKELY(node != NULL)) {
      if (LIKELY(node->interp == NULL))
         return node->site;
      return hh_interp_site(tid, node->interp);
   }

   Addr* ips;
   UInt  n_ips;
   Bool  cut;
   hh_user_frames(ec, &ips, &n_ips, &cut);
   tl_assert(n_ips > 0);
   DiEpoch ep = VG_(get_ExeContext_epoch)(ec);
   Bool ignored = under_ignore_fn(ips, n_ips, ep);

   node = VG_(malloc)("hh.sites.node", sizeof(EcSiteNode));
   node->ecu    = ecu;
   node->interp = hh_interp_plan(ec, ips, n_ips, ep, ignored, cut);
   node->site   = node->interp != NULL ? NULL
                  : hh_site_for_frames(ips, n_ips, ep, ignored, cut);
   VG_(HT_add_node)(site_by_ecu, node);
   return node->interp != NULL ? hh_interp_site(tid, node->interp)
                               : node->site;
}

//------------------------------------------------------------//
//--- Counting: allocation, free, resize, peak             ---//
//------------------------------------------------------------//

/* Call before any change to a site's live counts: if a peak happened
   since the site last changed, its counts now are its counts then; and
   likewise at the history's instants (hh_history.c). */
static inline void capture_before_change(Site* s)
{
   if (!s->ignored) {
      if (UNLIKELY(hh_clock_instrs > hh_hist_next_grid_instrs))
         hh_hist_pass_grid();
      if (UNLIKELY(s->history.seen != hh_hist_n_passed))
         hh_hist_record(&s->history, s->live_bytes, s->live_blocks);
   }
   if (s->peak_seq != hh_peak_seq) {
      s->peak_blocks = s->live_blocks;
      s->peak_bytes  = s->live_bytes;
      s->peak_seq    = hh_peak_seq;
   }
}

/* Call after an increase (or a same-size realloc): >= so that of
   several equal peaks the latest is recorded, as DHAT does. */
static inline void note_possible_peak(void)
{
   if (hh_live_bytes >= hh_peak_bytes) {
      hh_peak_seq++;
      hh_peak_bytes  = hh_live_bytes;
      hh_peak_blocks = hh_live_blocks;
      hh_peak_instrs = hh_clock_instrs;
   }
}

static inline void note_site_max(Site* s)
{
   if (s->live_bytes > s->max_bytes) {
      s->max_bytes  = s->live_bytes;
      s->max_blocks = s->live_blocks;
   }
}

void hh_site_note_alloc(Site* s, SizeT szB)
{
   capture_before_change(s);
   if (s->total_blocks == 0)
      s->first_alloc_instrs = hh_clock_instrs;
   s->total_blocks++;
   s->total_bytes += szB;
   s->live_blocks++;
   s->live_bytes += szB;
   note_site_max(s);
   if (s->ignored)
      return;
   hh_total_blocks++;
   hh_total_bytes += szB;
   hh_live_blocks++;
   hh_live_bytes += szB;
   note_possible_peak();
   hh_timeline_note(hh_live_bytes, hh_live_blocks);
}

void hh_site_note_free(Site* s, SizeT szB)
{
   capture_before_change(s);
   tl_assert(s->live_blocks >= 1 && s->live_bytes >= szB);
   s->live_blocks--;
   s->live_bytes -= szB;
   s->freed_blocks++;
   s->last_free_instrs = hh_clock_instrs;
   if (s->ignored)
      return;
   tl_assert(hh_live_blocks >= 1 && hh_live_bytes >= szB);
   hh_live_blocks--;
   hh_live_bytes -= szB;
   hh_timeline_note(hh_live_bytes, hh_live_blocks);
}

/* realloc: counted as DHAT does, as one more allocated block of the new
   size (in the totals) whose live size replaces the old one. */
void hh_site_note_resize(Site* s, SizeT old_szB, SizeT new_szB)
{
   capture_before_change(s);
   tl_assert(s->live_bytes >= old_szB);
   s->total_blocks++;
   s->total_bytes += new_szB;
   s->live_bytes = s->live_bytes - old_szB + new_szB;
   if (new_szB >= old_szB)
      note_site_max(s);
   if (s->ignored)
      return;
   tl_assert(hh_live_bytes >= old_szB);
   hh_total_blocks++;
   hh_total_bytes += new_szB;
   hh_live_bytes = hh_live_bytes - old_szB + new_szB;
   if (new_szB >= old_szB)
      note_possible_peak();
   hh_timeline_note(hh_live_bytes, hh_live_blocks);
}

ULong hh_site_gb(const Site* s)
{
   return s->peak_seq == hh_peak_seq ? s->peak_bytes : s->live_bytes;
}

ULong hh_site_gbk(const Site* s)
{
   return s->peak_seq == hh_peak_seq ? s->peak_blocks : s->live_blocks;
}

//------------------------------------------------------------//
//--- Retiring blocks                                      ---//
//------------------------------------------------------------//

/* DHAT's histogram rule: the site's histogram is the sum of its
   retired blocks' histograms while all of them had one size; the first
   retired block decides whether there is one at all. */
static void fold_histogram(Site* s, const Block* bk)
{
   switch (s->histo_state) {
   case HistoUnknown:
      s->histo_state = HistoExactly;
      s->histo_szB = bk->req_szB;
      if (bk->histo != NULL)
         s->histo = VG_(calloc)("hh.sites.histo", bk->req_szB, sizeof(UInt));
      break;
   case HistoExactly:
      if (bk->req_szB != s->histo_szB) {
         s->histo_state = HistoMixed;
         s->histo_szB = 0;
         if (s->histo != NULL) {
            VG_(free)(s->histo);
            s->histo = NULL;
         }
      }
      break;
   case HistoMixed:
      break;
   }

   if (s->histo_state == HistoExactly && s->histo != NULL && bk->histo != NULL) {
      tl_assert(s->histo_szB == bk->req_szB);
      for (SizeT i = 0; i < s->histo_szB; i++) {
         /* Saturate instead of wrapping: the writer caps at 0xFFFF. */
         UInt sum = s->histo[i] + bk->histo[i];
         s->histo[i] = sum < s->histo[i] ? 0xFFFFFFFFU : sum;
      }
   }
}

/* Adds a block's life to a site (the real one, or a snapshot copy):
   it retires at time t_end_instrs, freed or (still_live) not. */
static void fold_block(Site* s, const Block* bk, ULong t_end_instrs,
                       Bool still_live)
{
   tl_assert(bk->t_alloc_instrs <= t_end_instrs);
   tl_assert(bk->t_last_access_instrs <= t_end_instrs);
   ULong life_instrs = t_end_instrs - bk->t_alloc_instrs;
   ULong idle_instrs = t_end_instrs - bk->t_last_access_instrs;
   Bool  was_read    = bk->reads_bytes > 0;
   Bool  was_written = bk->writes_bytes > 0;

   s->total_lifetimes_instrs += life_instrs;
   s->idle_instrs            += idle_instrs;
   s->reads_bytes  += bk->reads_bytes;
   s->writes_bytes += bk->writes_bytes;
   if (!was_read && !was_written)
      s->no_access_blocks++;
   else if (!was_read)
      s->write_only_blocks++;
   else if (!bk->written_after_read)
      s->read_only_after_init_blocks++;
   if (!still_live && life_instrs < HH_SHORT_LIVED_INSTRS)
      s->short_lived_blocks++;
   if (still_live) {
      UInt decile = t_end_instrs == 0 ? 0
         : (UInt)((bk->t_last_access_instrs * HH_IDLE_DECILES)
                  / t_end_instrs);
      if (decile >= HH_IDLE_DECILES)
         decile = HH_IDLE_DECILES - 1;
      s->end_idle_bytes[decile] += bk->req_szB;
   }
   fold_histogram(s, bk);
}

void hh_site_retire_block(Block* bk)
{
   Site* s = bk->site;
   tl_assert(s != NULL);
   hh_site_note_free(s, bk->req_szB);
   fold_block(s, bk, hh_clock_instrs, False);
   if (!s->ignored) {
      retired_reads_bytes  += bk->reads_bytes;
      retired_writes_bytes += bk->writes_bytes;
   }
}

void hh_site_note_lost_at_exit(Site* s, SizeT szB)
{
   tl_assert(s->lost_blocks < s->live_blocks
             && s->lost_bytes + szB <= s->live_bytes);
   s->lost_blocks++;
   s->lost_bytes += szB;
}

void hh_site_note_realloc_copy(Site* s, SizeT copied_szB, SizeT moved_szB)
{
   s->reads_bytes  += copied_szB;
   s->writes_bytes += copied_szB;
   s->realloc_moved_bytes += moved_szB;
   if (!s->ignored) {
      retired_reads_bytes  += copied_szB;
      retired_writes_bytes += copied_szB;
   }
}

void hh_site_note_copied_in(Site* s, SizeT szB)
{
   s->copy_in_bytes += szB;
   s->copy_in_calls++;
}

void hh_site_note_copied_out(Site* s, SizeT szB)
{
   s->copy_out_bytes += szB;
   s->copy_out_calls++;
}

void hh_sites_retired_accesses(ULong* reads_bytes, ULong* writes_bytes)
{
   *reads_bytes  = retired_reads_bytes;
   *writes_bytes = retired_writes_bytes;
}

//------------------------------------------------------------//
//--- Copies for snapshots                                 ---//
//------------------------------------------------------------//

Site* hh_site_copy(const Site* s)
{
   Site* copy = VG_(malloc)("hh.sites.snap_site", sizeof(Site));
   *copy = *s;
   if (s->histo != NULL) {
      copy->histo = VG_(malloc)("hh.sites.snap_histo",
                                s->histo_szB * sizeof(UInt));
      VG_(memcpy)(copy->histo, s->histo, s->histo_szB * sizeof(UInt));
   }
   /* Fix the at-peak counts now: the copy must not follow later peaks. */
   copy->peak_bytes  = hh_site_gb(s);
   copy->peak_blocks = hh_site_gbk(s);
   copy->peak_seq    = hh_peak_seq;
   return copy;
}

void hh_site_fold_live_block(Site* copy, const Block* bk, ULong t_instrs)
{
   fold_block(copy, bk, t_instrs, True);
}

void hh_site_copy_free(Site* copy)
{
   if (copy->histo != NULL)
      VG_(free)(copy->histo);
   VG_(free)(copy);
}
