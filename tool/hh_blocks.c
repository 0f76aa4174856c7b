/*--------------------------------------------------------------------*/
/*--- heaphunt: the table of live blocks             hh_blocks.c ---*/
/*--------------------------------------------------------------------*/

/* Every live heap block, found by any address inside it.  Blocks never
   overlap and are never empty (a 0-byte request is stored as 1 byte),
   so a balanced tree ordered by address answers "which block contains
   a" with a comparison that treats any overlap as equality.

   Most accesses hit the block that was hit last or the one before, so
   two cached blocks are checked before the tree.  The cache is emptied
   whenever the tree changes, because a cached pointer may be freed.
   Generated code keeps its own cache per access (AccessCache); bumping
   hh_blocks_epoch whenever a block leaves the table invalidates all of
   them at once.

   Alongside, the range [hh_heap_lo, hh_heap_lo + hh_heap_span) grows to
   cover every block ever allocated.  Generated code tests an address
   against it before calling a helper (see hh_instrument.c), so stack
   and static-data accesses never reach the lookup at all. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_wordfm.h"

#include "hh_tool.h"

Addr  hh_heap_lo   = ~(Addr)0;   // empty range: nothing passes the filter
UWord hh_heap_span = 0;

/* Starts at 1 so that a zeroed cache entry is invalid. */
ULong hh_blocks_epoch = 1;

void hh_blocks_invalidate_caches(void)
{
   hh_blocks_epoch++;
}

static WordFM* live_blocks = NULL;   // Block* (as key) -> unused
static UWord   n_live_blocks = 0;
static Block*  recent0 = NULL;       // the two most recently found blocks
static Block*  recent1 = NULL;

static Word cmp_blocks_overlap(UWord a, UWord b)
{
   const Block* b1 = (const Block*)a;
   const Block* b2 = (const Block*)b;
   tl_assert(b1->req_szB > 0 && b2->req_szB > 0);
   if (b1->payload + b1->req_szB <= b2->payload) return -1;
   if (b2->payload + b2->req_szB <= b1->payload) return 1;
   return 0;
}

void hh_blocks_init(void)
{
   live_blocks = VG_(newFM)(VG_(malloc), "hh.blocks", VG_(free),
                            cmp_blocks_overlap);
}

static void widen_heap_range(Addr start, SizeT szB)
{
   Addr end = start + szB;
   Addr lo  = hh_heap_span == 0 ? start : hh_heap_lo;
   Addr hi  = hh_heap_span == 0 ? end   : hh_heap_lo + hh_heap_span;
   if (start < lo) lo = start;
   if (end > hi)   hi = end;
   hh_heap_lo   = lo;
   hh_heap_span = hi - lo;
}

void hh_block_insert(Block* bk)
{
   tl_assert(bk->req_szB > 0);
   Bool present = VG_(addToFM)(live_blocks, (UWord)bk, 0);
   tl_assert(!present);
   n_live_blocks++;
   widen_heap_range(bk->payload, bk->req_szB);
   recent0 = recent1 = NULL;
}

void hh_block_remove(Block* bk)
{
   Bool found = VG_(delFromFM)(live_blocks, NULL, NULL, (UWord)bk);
   tl_assert(found);
   tl_assert(n_live_blocks > 0);
   n_live_blocks--;
   recent0 = recent1 = NULL;
   hh_blocks_invalidate_caches();
}

static inline Bool contains(const Block* bk, Addr a)
{
   return bk != NULL && bk->payload <= a && a < bk->payload + bk->req_szB;
}

Block* hh_block_containing(Addr a)
{
   if (LIKELY(contains(recent0, a)))
      return recent0;
   if (LIKELY(contains(recent1, a))) {
      Block* hit = recent1;
      recent1 = recent0;
      recent0 = hit;
      return hit;
   }

   Block probe;
   probe.payload = a;
   probe.req_szB = 1;
   UWord key = 0, val = 0;
   if (!VG_(lookupFM)(live_blocks, &key, &val, (UWord)&probe))
      return NULL;
   Block* found = (Block*)key;
   tl_assert(found != &probe && contains(found, a));
   recent1 = recent0;
   recent0 = found;
   return found;
}

void hh_blocks_for_each(void (*fn)(Block*, void*), void* opaque)
{
   UWord key, val;
   VG_(initIterFM)(live_blocks);
   while (VG_(nextIterFM)(live_blocks, &key, &val))
      fn((Block*)key, opaque);
   VG_(doneIterFM)(live_blocks);
}

UWord hh_blocks_live_count(void)
{
   return n_live_blocks;
}
