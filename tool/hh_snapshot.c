/*--------------------------------------------------------------------*/
/*--- heaphunt: the state at one moment             hh_snapshot.c ---*/
/*--------------------------------------------------------------------*/

/* What a profile or a summary shows is the run as if it ended now: the
   sites, with every block still live retired into them at this moment.
   This file computes that without changing the live state, so that a
   profile can be written at exit, half way through on request (a client
   request, a monitor command, --dump-every, before an exec) and again
   later, always by the same code:

   - hh_snapshot_take copies each site that has a live block, at the
     moment its first live block is folded in (the live Site is never
     written), and folds the live blocks into the copies in address
     order, the order in which DHAT retires the blocks live at exit;
     sites without live blocks are shared with the live state, which
     keeps a snapshot of a million sites small (nothing runs while a
     snapshot exists).
   - hh_reads_writes_now sums the reads and writes of every counted
     block, retired or live, for the stats requests and the summary.

   A snapshot is only taken between events, when every block's
   bookkeeping is complete: it checks that the blocks it folds are
   exactly those the sites count as live. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_mallocfree.h"

#include "hh_tool.h"

typedef struct {
   SitesSnapshot* snap;
   ULong          n_folded;
} Folding;

static void fold_live_block(Block* bk, void* opaque)
{
   Folding*       folding = (Folding*)opaque;
   SitesSnapshot* snap    = folding->snap;
   UInt i = bk->site->index;
   tl_assert(i < snap->n_sites);
   tl_assert(bk->site->live_blocks > 0);
   if (snap->sites[i] == bk->site)
      snap->sites[i] = hh_site_copy(bk->site);
   hh_site_fold_live_block(snap->sites[i], bk, snap->t_instrs);
   folding->n_folded++;
}

SitesSnapshot* hh_snapshot_take(void)
{
   SitesSnapshot* snap = VG_(malloc)("hh.snap", sizeof(SitesSnapshot));
   snap->n_sites  = hh_sites_count();
   snap->t_instrs = hh_clock_instrs;
   snap->sites    = VG_(malloc)("hh.snap.sites",
                                (snap->n_sites + 1) * sizeof(Site*));
   ULong n_live = 0;
   for (UWord i = 0; i < snap->n_sites; i++) {
      snap->sites[i] = hh_site_at(i);
      n_live += snap->sites[i]->live_blocks;
   }
   Folding folding = { snap, 0 };
   hh_life_for_each_block(fold_live_block, &folding);
   tl_assert(folding.n_folded == n_live);

   snap->reads_bytes = snap->writes_bytes = 0;
   for (UWord i = 0; i < snap->n_sites; i++) {
      const Site* s = snap->sites[i];
      if (s->ignored)
         continue;
      snap->reads_bytes  += s->reads_bytes;
      snap->writes_bytes += s->writes_bytes;
   }
   return snap;
}

void hh_snapshot_free(SitesSnapshot* snap)
{
   for (UWord i = 0; i < snap->n_sites; i++) {
      if (snap->sites[i] != hh_site_at(i))
         hh_site_copy_free(snap->sites[i]);
   }
   VG_(free)(snap->sites);
   VG_(free)(snap);
}

typedef struct { ULong reads_bytes, writes_bytes; } AccessSums;

static void add_live_block_accesses(Block* bk, void* opaque)
{
   AccessSums* sums = (AccessSums*)opaque;
   if (bk->site->ignored)
      return;
   sums->reads_bytes  += bk->reads_bytes;
   sums->writes_bytes += bk->writes_bytes;
}

/* O(live blocks): for requests, monitor commands and the summary only,
   so that the access path need not keep global sums. */
void hh_reads_writes_now(ULong* reads_bytes, ULong* writes_bytes)
{
   AccessSums sums;
   hh_sites_retired_accesses(&sums.reads_bytes, &sums.writes_bytes);
   hh_life_for_each_block(add_live_block_accesses, &sums);
   *reads_bytes  = sums.reads_bytes;
   *writes_bytes = sums.writes_bytes;
}
