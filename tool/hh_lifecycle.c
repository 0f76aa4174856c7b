/*--------------------------------------------------------------------*/
/*--- heaphunt: the life of a block                hh_lifecycle.c ---*/
/*--------------------------------------------------------------------*/

/* Every change of what heaphunt counts as a live block goes through
   this file: a block starts being counted (tracked), changes place or
   size (moved), or stops (untracked).  The event sources decide when
   (hh_alloc.c for the malloc family, hh_custom.c for custom allocators'
   requests, hh_clreq.c for DHAT_HISTOGRAM_MEMORY); this file keeps the
   block table (hh_blocks.c) and the sites (hh_sites.c) in step, in one
   order: a block is in the table exactly while its site counts it live,
   and a block leaves the table before it retires into its site.  Nothing
   here writes a profile.

   Custom blocks (valgrind.h's MALLOCLIKE and mempool requests) are
   tracked here too, with the two things the table alone cannot say:

   - Containers.  A custom allocator often carves its blocks out of
     memory it got from malloc.  The table holds no overlapping blocks,
     so the outer malloc block (the "container") leaves the table while
     custom blocks live inside it: accesses then count against the inner
     blocks, which is what the user wants to see.  The container is
     still live in its site, and comes back into the table when its last
     inner block ends; if the program frees the container first, the
     inner blocks end with it; if it moves or changes size (realloc),
     the inner blocks move with it, at the same offsets.  A custom block
     must lie in memory the program has mapped, and may overlap no live
     block but its container: one that would overlap another block in
     part, enclose one, or run past the end of the address space is
     refused, and so is a resize that would.  A custom block whose memory
     the program unmaps (munmap, a shrinking brk) ends with it: the heap
     may later grow into that address range.
   - Pools: which mempool each custom block belongs to, so that a pool's
     blocks can end or move with it.

   Every live block, in the table or hidden as a container, can be
   visited in address order (hh_life_for_each_block): the order in which
   DHAT retires the blocks still live at exit, which decides whether a
   site keeps an access histogram (hh_sites.c). */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_vki.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* Containers out of the block table: Block* -> number of inner blocks,
   ordered by address (an overlap compares equal). */
static WordFM* hidden_containers = NULL;
static UWord   n_hidden_containers = 0;   // (VG_(sizeFM) walks the tree)
/* Custom blocks in mempools: Block* -> pool handle. */
static WordFM* pool_of_block = NULL;
/* Custom blocks live: memory the program unmaps is searched for them
   only when there are some. */
static UWord   n_live_custom_blocks = 0;

static Word cmp_blocks_overlap(UWord a, UWord b)
{
   const Block* b1 = (const Block*)a;
   const Block* b2 = (const Block*)b;
   if (b1->payload + b1->req_szB <= b2->payload) return -1;
   if (b2->payload + b2->req_szB <= b1->payload) return 1;
   return 0;
}

void hh_lifecycle_init(void)
{
   hidden_containers = VG_(newFM)(VG_(malloc), "hh.life.hidden",
                                  VG_(free), cmp_blocks_overlap);
   pool_of_block = VG_(newFM)(VG_(malloc), "hh.life.pool_of", VG_(free),
                              NULL);
}

//------------------------------------------------------------//
//--- Tracking and untracking                              ---//
//------------------------------------------------------------//

Block* hh_life_track(ThreadId tid, Addr payload, SizeT req_szB,
                     UChar alloc_kind)
{
   tl_assert(req_szB > 0);
   Block* bk = hh_block_new();
   bk->payload        = payload;
   bk->req_szB        = req_szB;
   bk->site           = hh_site_for_ec(tid, VG_(record_ExeContext)(tid, 0));
   bk->t_alloc_instrs = hh_clock_instrs;
   bk->t_last_access_instrs = hh_clock_instrs;
   bk->reads_bytes    = 0;
   bk->writes_bytes   = 0;
   bk->histo          = NULL;
   bk->written_after_read = 0;
   bk->alloc_kind     = alloc_kind;
   if (hh_clo_accesses && req_szB <= hh_clo_histogram_max)
      bk->histo = hh_histo_new(req_szB);

   hh_block_insert(bk);
   hh_site_note_alloc(bk->site, req_szB);
   hh_threads_note_alloc(tid, bk);
   return bk;
}

/* bk, already out of the table, retires into its site and is freed
   (when the running thread's slice ends, if the slice lists it). */
static void retire(Block* bk)
{
   if (bk->alloc_kind == HH_ALLOC_CUSTOM) {
      tl_assert(n_live_custom_blocks > 0);
      n_live_custom_blocks--;
   }
   Bool kept_by_slice = hh_threads_block_ending(bk);
   hh_site_retire_block(bk);
   hh_life_drop_histogram(bk);
   if (!kept_by_slice)
      hh_block_free(bk);
}

static Block* hidden_container_holding(Addr a, SizeT szB)
{
   if (n_hidden_containers == 0)
      return NULL;
   Block probe;
   probe.payload = a;
   probe.req_szB = szB;
   UWord key = 0, val = 0;
   if (!VG_(lookupFM)(hidden_containers, &key, &val, (UWord)&probe))
      return NULL;
   return (Block*)key;
}

static void note_child_added(Block* container)
{
   UWord key = 0, n = 0;
   if (!VG_(lookupFM)(hidden_containers, &key, &n, (UWord)container))
      n_hidden_containers++;
   VG_(addToFM)(hidden_containers, (UWord)container, n + 1);
}

static void unhide(Block* container)
{
   VG_(delFromFM)(hidden_containers, NULL, NULL, (UWord)container);
   tl_assert(n_hidden_containers > 0);
   n_hidden_containers--;
}

/* An inner block at child ended: its container comes back into the
   table when it has none left. */
static void note_child_removed(Addr child)
{
   Block* container = hidden_container_holding(child, 1);
   if (container == NULL)
      return;
   UWord key = 0, n = 0;
   VG_(lookupFM)(hidden_containers, &key, &n, (UWord)container);
   tl_assert(n > 0);
   if (n > 1) {
      VG_(addToFM)(hidden_containers, (UWord)container, n - 1);
      return;
   }
   unhide(container);
   hh_block_insert(container);
}

typedef struct {
   Addr    lo, hi;
   XArray* inner;   // Block*
} InnerScan;

static void collect_inner(Block* bk, void* opaque)
{
   InnerScan* scan = (InnerScan*)opaque;
   if (bk->payload >= scan->lo && bk->payload < scan->hi)
      VG_(addToXA)(scan->inner, &bk);
}

/* A hidden container ends: its inner blocks end first (their memory is
   gone with it), in address order, then the container itself. */
static void untrack_hidden_container(Block* container)
{
   InnerScan scan = { container->payload,
                      container->payload + container->req_szB,
                      VG_(newXA)(VG_(malloc), "hh.life.inner", VG_(free),
                                 sizeof(Block*)) };
   hh_blocks_for_each(collect_inner, &scan);
   for (Word i = 0; i < VG_(sizeXA)(scan.inner); i++) {
      Block* inner = *(Block**)VG_(indexXA)(scan.inner, i);
      VG_(delFromFM)(pool_of_block, NULL, NULL, (UWord)inner);
      hh_block_remove(inner);
      retire(inner);
   }
   VG_(deleteXA)(scan.inner);
   unhide(container);
   retire(container);
}

void hh_life_untrack(Block* bk)
{
   if (hidden_container_holding(bk->payload, bk->req_szB) == bk) {
      untrack_hidden_container(bk);
      return;
   }
   Addr payload = bk->payload;
   Bool custom  = bk->alloc_kind == HH_ALLOC_CUSTOM;
   if (custom)
      VG_(delFromFM)(pool_of_block, NULL, NULL, (UWord)bk);
   hh_block_remove(bk);
   retire(bk);
   if (custom)
      note_child_removed(payload);
}

//------------------------------------------------------------//
//--- Finding blocks                                       ---//
//------------------------------------------------------------//

Block* hh_life_block_at(Addr p)
{
   Block* bk = hh_block_containing(p);
   return (bk != NULL && bk->payload == p) ? bk : NULL;
}

Block* hh_life_container_at(Addr p)
{
   Block* container = hidden_container_holding(p, 1);
   return (container != NULL && container->payload == p) ? container : NULL;
}

UWord hh_life_containers_count(void)
{
   return n_hidden_containers;
}

Block* hh_life_container_holding(Addr a)
{
   return hidden_container_holding(a, 1);
}

Block* hh_life_custom_block_at(Addr p)
{
   Block* bk = hh_life_block_at(p);
   return (bk != NULL && bk->alloc_kind == HH_ALLOC_CUSTOM) ? bk : NULL;
}

/* The hidden containers, merged in address order into a walk of the
   table; a container comes before the inner blocks that start where it
   does. */
typedef struct {
   void  (*fn)(Block*, void*);
   void*  opaque;
   Bool   more_containers;
   Block* next_container;
} MergedWalk;

static void advance_container(MergedWalk* walk)
{
   UWord key = 0, n = 0;
   walk->more_containers = VG_(nextIterFM)(hidden_containers, &key, &n);
   walk->next_container  = walk->more_containers ? (Block*)key : NULL;
}

static void visit_in_address_order(Block* bk, void* opaque)
{
   MergedWalk* walk = (MergedWalk*)opaque;
   while (walk->more_containers
          && walk->next_container->payload <= bk->payload) {
      walk->fn(walk->next_container, walk->opaque);
      advance_container(walk);
   }
   walk->fn(bk, walk->opaque);
}

void hh_life_for_each_block(void (*fn)(Block*, void*), void* opaque)
{
   MergedWalk walk = { fn, opaque, False, NULL };
   VG_(initIterFM)(hidden_containers);
   advance_container(&walk);
   hh_blocks_for_each(visit_in_address_order, &walk);
   while (walk.more_containers) {
      fn(walk.next_container, opaque);
      advance_container(&walk);
   }
   VG_(doneIterFM)(hidden_containers);
}

//------------------------------------------------------------//
//--- Moving and resizing                                  ---//
//------------------------------------------------------------//

void hh_life_drop_histogram(Block* bk)
{
   if (bk->histo != NULL) {
      hh_histo_free(bk->histo, bk->req_szB);
      bk->histo = NULL;
   }
}

void hh_life_give_histogram(Block* bk)
{
   tl_assert(bk->histo == NULL);
   bk->histo = hh_histo_new(bk->req_szB);
   hh_block_histogram_added(bk);
}

/* A hidden container moves or changes size (a pool that grows its arena
   with realloc): its inner blocks keep their offsets in it, as their
   bytes do (realloc copies them); those no longer inside end. */
static void move_hidden_container(ThreadId tid, Block* container,
                                  Addr new_payload, SizeT new_szB)
{
   InnerScan scan = { container->payload,
                      container->payload + container->req_szB,
                      VG_(newXA)(VG_(malloc), "hh.life.inner", VG_(free),
                                 sizeof(Block*)) };
   hh_blocks_for_each(collect_inner, &scan);
   unhide(container);
   SizeT old_szB = container->req_szB;
   Addr  old_payload = container->payload;
   container->payload = new_payload;
   container->req_szB = new_szB;
   hh_life_drop_histogram(container);
   UWord n_inside = 0;
   for (Word i = 0; i < VG_(sizeXA)(scan.inner); i++) {
      Block* inner  = *(Block**)VG_(indexXA)(scan.inner, i);
      SizeT  offset = inner->payload - old_payload;
      hh_block_remove(inner);
      if (offset + inner->req_szB > new_szB) {
         VG_(delFromFM)(pool_of_block, NULL, NULL, (UWord)inner);
         retire(inner);
         continue;
      }
      inner->payload = new_payload + offset;
      hh_block_insert(inner);
      n_inside++;
   }
   VG_(deleteXA)(scan.inner);
   if (n_inside > 0) {
      VG_(addToFM)(hidden_containers, (UWord)container, n_inside);
      n_hidden_containers++;
   } else {
      hh_block_insert(container);
   }
   hh_site_note_resize(container->site, old_szB, new_szB);
   hh_threads_note_resize(tid, container, old_szB);
}

void hh_life_move(ThreadId tid, Block* bk, Addr new_payload,
                  SizeT new_szB)
{
   tl_assert(new_szB > 0);
   if (hidden_container_holding(bk->payload, bk->req_szB) == bk) {
      move_hidden_container(tid, bk, new_payload, new_szB);
      return;
   }
   SizeT old_szB = bk->req_szB;
   /* Out of the table and back, even in place: the indexes
      (hh_blocks.c) must forget a shrunk block's tail. */
   hh_block_remove(bk);
   hh_life_drop_histogram(bk);
   bk->payload = new_payload;
   bk->req_szB = new_szB;
   hh_block_insert(bk);
   hh_site_note_resize(bk->site, old_szB, new_szB);
   hh_threads_note_resize(tid, bk, old_szB);
}

//------------------------------------------------------------//
//--- Custom blocks and pools                              ---//
//------------------------------------------------------------//

/* Is any of [lo, hi) in the memory of Valgrind's client heap (where
   freed blocks wait to be handed out again)? */
static Bool in_client_heap(Addr lo, Addr hi)
{
   for (Addr a = lo; a < hi; ) {
      NSegment const* seg = VG_(am_find_nsegment)(a);
      if (seg == NULL)
         return False;
      if (seg->isCH)
         return True;
      if (seg->end + 1 <= a)
         return False;   // the last segment of the address space
      a = seg->end + 1;
   }
   return False;
}

/* Why [addr, addr + szB) cannot be a custom block, or NULL: it must be
   the program's memory, not the heap's outside a live heap block (the
   next malloc may hand that out), and it must not overlap any live
   block but the one heap block (the container) that holds it whole. */
static const HChar* custom_range_refusal(Addr addr, SizeT szB,
                                         Block* container)
{
   Addr end = addr + szB;
   if (end < addr)
      return "its size runs past the end of the address space";
   if (!VG_(am_is_valid_for_client)(addr, szB, VKI_PROT_NONE))
      return "it is not all memory the program has mapped";
   if (container == NULL && in_client_heap(addr, end))
      return "it is heap memory outside any live heap block (freed, or "
             "between blocks), which malloc may hand out again";
   if (container != NULL
       && end > container->payload + container->req_szB)
      return "it runs past the end of the heap block that holds its start";
   Block* other = hh_block_overlapping(addr, end);
   if (other == NULL && container == NULL)
      other = hidden_container_holding(addr, szB);
   if (other == NULL || other == container)
      return NULL;
   if (other->payload >= addr && other->payload + other->req_szB <= end)
      return "it would enclose a live block";
   return other->alloc_kind == HH_ALLOC_CUSTOM
             ? "it overlaps a live custom block"
             : "it overlaps a live block";
}

const HChar* hh_life_track_custom(ThreadId tid, Addr addr, SizeT szB,
                                  Addr pool)
{
   tl_assert(szB > 0);
   Block* outer = hh_block_containing(addr);
   if (outer != NULL && outer->alloc_kind == HH_ALLOC_CUSTOM)
      return "it overlaps a live custom block";
   Block* container = outer != NULL ? outer
                                    : hidden_container_holding(addr, 1);
   const HChar* refusal = custom_range_refusal(addr, szB, container);
   if (refusal != NULL)
      return refusal;
   if (outer != NULL)
      hh_block_remove(outer);   // hidden from now on
   if (container != NULL)
      note_child_added(container);
   Block* bk = hh_life_track(tid, addr, szB, HH_ALLOC_CUSTOM);
   n_live_custom_blocks++;
   if (pool != 0)
      VG_(addToFM)(pool_of_block, (UWord)bk, pool);
   return NULL;
}

void hh_life_memory_gone(Addr a, SizeT len)
{
   Addr lo = a, hi = a + len;
   if (n_live_custom_blocks == 0 || len == 0 || hi < a)
      return;
   Block* bk;
   while ((bk = hh_block_overlapping(lo, hi)) != NULL) {
      if (bk->alloc_kind == HH_ALLOC_CUSTOM)
         hh_life_untrack(bk);
      else
         lo = bk->payload + bk->req_szB;   // not the program's to unmap
      if (lo >= hi || n_live_custom_blocks == 0)
         break;
   }
}

const HChar* hh_life_resize_custom(ThreadId tid, Block* bk,
                                   SizeT new_szB)
{
   tl_assert(bk->alloc_kind == HH_ALLOC_CUSTOM && new_szB > 0);
   if (new_szB > bk->req_szB) {
      /* The bytes it gains must be free for it. */
      Block* container = hidden_container_holding(bk->payload, 1);
      Addr   old_end = bk->payload + bk->req_szB;
      const HChar* refusal =
         custom_range_refusal(old_end, new_szB - bk->req_szB, container);
      if (refusal != NULL)
         return refusal;
   }
   hh_life_move(tid, bk, bk->payload, new_szB);
   return NULL;
}

typedef struct {
   Addr    pool;
   Addr    keep_lo, keep_hi;   // blocks inside this range are kept
   XArray* doomed;             // Block*
} PoolScan;

static void collect_pool_blocks(Block* bk, void* opaque)
{
   PoolScan* scan = (PoolScan*)opaque;
   UWord key = 0, pool = 0;
   if (!VG_(lookupFM)(pool_of_block, &key, &pool, (UWord)bk)
       || pool != scan->pool)
      return;
   if (bk->payload >= scan->keep_lo
       && bk->payload + bk->req_szB <= scan->keep_hi)
      return;
   VG_(addToXA)(scan->doomed, &bk);
}

void hh_life_end_pool_blocks(Addr pool, Addr keep_lo, Addr keep_hi)
{
   PoolScan scan = { pool, keep_lo, keep_hi,
                     VG_(newXA)(VG_(malloc), "hh.life.doomed", VG_(free),
                                sizeof(Block*)) };
   hh_blocks_for_each(collect_pool_blocks, &scan);
   for (Word i = 0; i < VG_(sizeXA)(scan.doomed); i++)
      hh_life_untrack(*(Block**)VG_(indexXA)(scan.doomed, i));
   VG_(deleteXA)(scan.doomed);
}

void hh_life_move_pool(Addr from, Addr to)
{
   UWord key = 0, pool = 0;
   XArray* moved = VG_(newXA)(VG_(malloc), "hh.life.moved", VG_(free),
                              sizeof(Block*));
   VG_(initIterFM)(pool_of_block);
   while (VG_(nextIterFM)(pool_of_block, &key, &pool)) {
      if (pool == from)
         VG_(addToXA)(moved, &key);
   }
   VG_(doneIterFM)(pool_of_block);
   for (Word i = 0; i < VG_(sizeXA)(moved); i++)
      VG_(addToFM)(pool_of_block, *(UWord*)VG_(indexXA)(moved, i), to);
   VG_(deleteXA)(moved);
}
