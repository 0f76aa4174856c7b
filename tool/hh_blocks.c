/*--------------------------------------------------------------------*/
/*--- heaphunt: the table of live blocks             hh_blocks.c ---*/
/*--------------------------------------------------------------------*/

/* Every live heap block, found by any address inside it.  Blocks never
   overlap and are never empty (a 0-byte request is stored as 1 byte),
   so a balanced tree ordered by address answers "which block contains
   a" with a comparison of an address against a block's extent.

   The tree is the core's OSet with the Block stored inside its node,
   and nodes come from a pool: one allocation per block, with no
   allocator header and no separate key/value node.  That is what makes
   heaphunt's memory per live block lower than DHAT's (a Block plus a
   WordFM node, two allocations).  Blocks are therefore allocated and
   freed here (hh_block_new / hh_block_free), whether or not they are
   in the tree at the moment.

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
#include "pub_tool_oset.h"

#include "hh_tool.h"

Addr  hh_heap_lo   = ~(Addr)0;   // empty range: nothing passes the filter
UWord hh_heap_span = 0;

/* Starts at 1 so that a zeroed cache entry is invalid. */
ULong hh_blocks_epoch = 1;

void hh_blocks_invalidate_caches(void)
{
   hh_blocks_epoch++;
}

/* Nodes per pool chunk: about 100 KB at a time. */
#define HH_BLOCK_POOL_NODES 1024

static OSet*   live_blocks = NULL;   // of Block, keyed by payload
static UWord   n_live_blocks = 0;
static Block*  recent0 = NULL;       // the two most recently found blocks
static Block*  recent1 = NULL;

/* An address against a block: equal when inside it. */
static Word cmp_addr_with_block(const void* key, const void* elem)
{
   Addr         a  = *(const Addr*)key;
   const Block* bk = (const Block*)elem;
   if (a < bk->payload) return -1;
   if (a >= bk->payload + bk->req_szB) return 1;
   return 0;
}

void hh_blocks_init(void)
{
   live_blocks = VG_(OSetGen_Create_With_Pool)(offsetof(Block, payload),
                                               cmp_addr_with_block,
                                               VG_(malloc), "hh.blocks",
                                               VG_(free),
                                               HH_BLOCK_POOL_NODES,
                                               sizeof(Block));
}

Block* hh_block_new(void)
{
   return VG_(OSetGen_AllocNode)(live_blocks, sizeof(Block));
}

void hh_block_free(Block* bk)
{
   VG_(OSetGen_FreeNode)(live_blocks, bk);
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
   tl_assert(VG_(OSetGen_Lookup)(live_blocks, &bk->payload) == NULL);
   VG_(OSetGen_Insert)(live_blocks, bk);
   n_live_blocks++;
   widen_heap_range(bk->payload, bk->req_szB);
   recent0 = recent1 = NULL;
}

void hh_block_remove(Block* bk)
{
   Block* removed = VG_(OSetGen_Remove)(live_blocks, &bk->payload);
   tl_assert(removed == bk);
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

   Block* found = VG_(OSetGen_Lookup)(live_blocks, &a);
   if (found == NULL)
      return NULL;
   tl_assert(contains(found, a));
   recent1 = recent0;
   recent0 = found;
   return found;
}

void hh_blocks_for_each(void (*fn)(Block*, void*), void* opaque)
{
   Block* bk;
   VG_(OSetGen_ResetIter)(live_blocks);
   while ((bk = VG_(OSetGen_Next)(live_blocks)) != NULL)
      fn(bk, opaque);
}

UWord hh_blocks_live_count(void)
{
   return n_live_blocks;
}
