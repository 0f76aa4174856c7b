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

   Small blocks, the ones a program has millions of, are also indexed by
   a granule map: for every 16-byte granule of address space that a small
   block occupies, the block.  A lookup then costs two array reads
   instead of a walk down a tree of millions of nodes (with a cache miss
   at every level).  Blocks from the arena are 16-byte aligned and
   separated by headers, so no granule ever holds two of them; a block
   that would share a granule (a custom allocator's) simply stays out of
   the map and is found through the tree.  The map is two-level: 64 KiB
   chunks of address space, each with its own array, found by hash.

   Alongside, the range [hh_heap_lo, hh_heap_lo + hh_heap_span) grows to
   cover every block ever allocated.  Generated code tests an address
   against it before calling a helper (see hh_instrument.c), so stack
   and static-data accesses never reach the lookup at all. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcbase.h"
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

//------------------------------------------------------------//
//--- The granule map                                      ---//
//------------------------------------------------------------//

#define HH_GRANULE_SHIFT     4                       // 16 bytes
#define HH_CHUNK_SHIFT       16                      // 64 KiB
#define HH_GRANULES_PER_CHUNK (1 << (HH_CHUNK_SHIFT - HH_GRANULE_SHIFT))
/* Only blocks a program is likely to have millions of: filling and
   clearing the map for larger ones costs more on every malloc and free
   than the tree walks it would save (measured with bench/, churn). */
#define HH_GRANULE_MAP_MAX_SZB 128

typedef struct _GranuleChunk {
   struct _GranuleChunk* next;    // hash chain (pub_tool_hashtable.h)
   UWord                 chunk;   // address >> HH_CHUNK_SHIFT
   Block*                granule[HH_GRANULES_PER_CHUNK];
} GranuleChunk;

static VgHashTable*  granule_chunks = NULL;
static GranuleChunk* last_chunk = NULL;   // most lookups stay in one

static GranuleChunk* chunk_for(Addr a, Bool create)
{
   UWord chunk = a >> HH_CHUNK_SHIFT;
   if (last_chunk != NULL && last_chunk->chunk == chunk)
      return last_chunk;
   GranuleChunk* c = VG_(HT_lookup)(granule_chunks, chunk);
   if (c == NULL && create) {
      c = VG_(calloc)("hh.blocks.granules", 1, sizeof(GranuleChunk));
      c->chunk = chunk;
      VG_(HT_add_node)(granule_chunks, c);
   }
   if (c != NULL)
      last_chunk = c;
   return c;
}

static inline Block** granule_slot(GranuleChunk* c, Addr a)
{
   return &c->granule[(a >> HH_GRANULE_SHIFT) & (HH_GRANULES_PER_CHUNK - 1)];
}

/* Sets the slots of bk's granules to value (bk is 16-byte aligned, so
   its granules start at payload); with check, first makes sure they
   are all empty, and returns False if not. */
static Bool set_granules(Block* bk, Block* value, Bool check)
{
   Addr first = bk->payload;
   Addr last  = bk->payload + bk->req_szB - 1;
   if (check) {
      for (Addr g = first; g <= last; g += 1 << HH_GRANULE_SHIFT) {
         if (*granule_slot(chunk_for(g, True), g) != NULL)
            return False;
      }
   }
   for (Addr g = first; g <= last; g += 1 << HH_GRANULE_SHIFT)
      *granule_slot(chunk_for(g, True), g) = value;
   return True;
}

static void map_granules(Block* bk)
{
   bk->in_granule_map = False;
   if (bk->req_szB > HH_GRANULE_MAP_MAX_SZB
       || (bk->payload & ((1 << HH_GRANULE_SHIFT) - 1)) != 0)
      return;
   bk->in_granule_map = set_granules(bk, bk, True);
}

static void unmap_granules(Block* bk)
{
   if (bk->in_granule_map) {
      set_granules(bk, NULL, False);
      bk->in_granule_map = False;
   }
}

static inline Block* granule_lookup(Addr a)
{
   GranuleChunk* c = chunk_for(a, False);
   return c == NULL ? NULL : *granule_slot(c, a);
}

//------------------------------------------------------------//
//--- The table                                            ---//
//------------------------------------------------------------//

void hh_blocks_init(void)
{
   granule_chunks = VG_(HT_construct)("hh.blocks.granule_chunks");
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
   VG_(OSetGen_Insert)(live_blocks, bk);   // asserts on an overlap
   map_granules(bk);
   n_live_blocks++;
   widen_heap_range(bk->payload, bk->req_szB);
   recent0 = recent1 = NULL;
}

void hh_block_remove(Block* bk)
{
   Block* removed = VG_(OSetGen_Remove)(live_blocks, &bk->payload);
   tl_assert(removed == bk);
   unmap_granules(bk);
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

   Block* found = granule_lookup(a);
   if (found == NULL || !contains(found, a))
      found = VG_(OSetGen_Lookup)(live_blocks, &a);
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
