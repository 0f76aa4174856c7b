/*--------------------------------------------------------------------*/
/*--- heaphunt: the table of live blocks             hh_blocks.c ---*/
/*--------------------------------------------------------------------*/

/* Every live heap block, found by any address inside it.  Blocks never
   overlap and are never empty (a 0-byte request is stored as 1 byte).

   Two indexes share the work, and a block is in exactly one of them:

   - Small blocks (up to 512 bytes), the ones a program has millions
     of, are in a granule map: for every 16-byte granule of address
     space that a small block occupies, the block.  Finding, adding
     and removing one costs a few array writes, where a balanced tree
     of millions of nodes costs a cache miss at every level (measured
     with bench/, smallblocks: the tree's insert, lookup and remove
     were 40% of a run with --accesses=no).  Blocks from the arena are
     16-byte aligned and separated by headers, so no granule ever holds
     two of them.  The map is two-level: 64 KiB chunks of address
     space, each with its own array, found by hash.
   - Every other block (larger ones, custom allocators' blocks, which
     may share a granule) is in a balanced tree ordered by address,
     the core's OSet, whose node holds the block's extent and a
     pointer to it.

   Blocks themselves come from a pool (no allocator header per block),
   independent of the index, so a block that moves between indexes
   (a realloc across the small-block size) keeps its address.  Small
   blocks' histograms come from pools too, one per size.

   Most accesses hit the block that was hit last or the one before, so
   two cached blocks are checked before the indexes.  The cache is
   emptied whenever the table changes, because a cached pointer may be
   freed.  Generated code keeps its own cache per access (AccessCache),
   which needs no invalidation: a block leaving the table sets its
   inline_szB to 0.  The rule for inline_szB (in the table, no histogram,
   and, once the process has had two threads, listed in the running
   thread's slice: see hh_threads.c) is kept here, in
   hh_block_update_inline.

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
#include "pub_tool_poolalloc.h"

#include "hh_tool.h"

Addr  hh_heap_lo   = ~(Addr)0;   // empty range: nothing passes the filter
UWord hh_heap_span = 0;

/* Elements per pool chunk: about 100 KB at a time. */
#define HH_POOL_ELEMENTS 1024

/* A tree node: the extent of a block outside the granule map. */
typedef struct {
   Addr   lo;
   Addr   end;   // one past the last byte
   Block* bk;
} TreeEntry;

static PoolAlloc* block_pool = NULL;
static OSet*   tree = NULL;           // of TreeEntry, keyed by lo
static UWord   n_live_blocks = 0;
static Block*  recent0 = NULL;       // the two most recently found blocks
static Block*  recent1 = NULL;

/* An address against a tree entry: equal when inside it. */
static Word cmp_addr_with_entry(const void* key, const void* elem)
{
   Addr             a = *(const Addr*)key;
   const TreeEntry* e = (const TreeEntry*)elem;
   if (a < e->lo)  return -1;
   if (a >= e->end) return 1;
   return 0;
}

//------------------------------------------------------------//
//--- The granule map                                      ---//
//------------------------------------------------------------//

#define HH_GRANULE_SHIFT     4                       // 16 bytes
#define HH_CHUNK_SHIFT       16                      // 64 KiB
#define HH_GRANULES_PER_CHUNK (1 << (HH_CHUNK_SHIFT - HH_GRANULE_SHIFT))
/* Blocks up to this size go in the map.  A block in the map costs one
   write per granule at malloc and at free, against a tree insert and
   remove; measured with bench/, churn (16..527 bytes), CPU: 512 bytes
   is 5% faster than 128 (--accesses=no 1.05 -> 1.00 s, with accesses
   1.36 -> 1.26 s).  Larger blocks are fewer, and their map slots
   would cost more memory than tree nodes. */
#define HH_GRANULE_MAP_MAX_SZB 512

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
   are all empty, and returns False if not.  Works a chunk at a time: a
   block spans at most a few chunks, and finding one costs a hash
   lookup. */
static Bool set_granules(Block* bk, Block* value, Bool check)
{
   Addr first = bk->payload;
   Addr last  = bk->payload + bk->req_szB - 1;
   for (Int pass = check ? 0 : 1; pass < 2; pass++) {
      Addr g = first;
      while (g <= last) {
         GranuleChunk* c    = chunk_for(g, True);
         Addr          stop = g | ((1UL << HH_CHUNK_SHIFT) - 1);
         if (stop > last)
            stop = last;
         Block** slot = granule_slot(c, g);
         Block** end  = granule_slot(c, stop) + 1;
         for (; slot < end; slot++) {
            if (pass == 1)
               *slot = value;
            else if (*slot != NULL)
               return False;
         }
         if (stop == last)
            break;
         g = stop + 1;
      }
   }
   return True;
}

/* Puts bk in the granule map if it belongs there; says whether it did. */
static Bool map_granules(Block* bk)
{
   bk->in_granule_map = False;
   if (bk->req_szB > HH_GRANULE_MAP_MAX_SZB
       || bk->alloc_kind == HH_ALLOC_CUSTOM
       || (bk->payload & ((1 << HH_GRANULE_SHIFT) - 1)) != 0)
      return False;
   bk->in_granule_map = set_granules(bk, bk, True);
   return bk->in_granule_map;
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
   block_pool = VG_(newPA)(sizeof(Block), HH_POOL_ELEMENTS, VG_(malloc),
                           "hh.blocks", VG_(free));
   tree = VG_(OSetGen_Create_With_Pool)(offsetof(TreeEntry, lo),
                                        cmp_addr_with_entry,
                                        VG_(malloc), "hh.blocks.tree",
                                        VG_(free), HH_POOL_ELEMENTS,
                                        sizeof(TreeEntry));
}

Block* hh_block_new(void)
{
   Block* bk = VG_(allocEltPA)(block_pool);
   bk->inline_szB    = 0;
   bk->reach_mark    = 0;
   bk->thread_listed = 0;
   bk->thread_dead   = 0;
   bk->alloc_thread  = 0;
   return bk;
}

void hh_block_free(Block* bk)
{
   // out of the table and of the running thread's slice
   tl_assert(bk->inline_szB == 0 && !bk->thread_listed);
   VG_(freeEltPA)(block_pool, bk);
}

//------------------------------------------------------------//
//--- Histograms of small blocks                           ---//
//------------------------------------------------------------//

/* Histograms of blocks up to this size come from one pool per 16-byte
   size class: no allocator header, no free-list walk in the core's
   allocator (which a million small blocks freed in random order make
   expensive: bench/, smallblocks), and no junk-filling of the freed
   histogram, which the core does for its own arenas.  At 512 bytes,
   churn (16..527 bytes) runs 2.0 -> 1.8 s CPU; 1024 was no faster and
   cost python3 4 MiB more in partly used pool chunks. */
#define HH_HISTO_POOL_MAX_SZB 512
#define HH_HISTO_CLASS_SHIFT  4

static PoolAlloc* histo_pools[HH_HISTO_POOL_MAX_SZB >> HH_HISTO_CLASS_SHIFT];

static PoolAlloc* histo_pool_for(SizeT szB)
{
   UWord cls = (szB - 1) >> HH_HISTO_CLASS_SHIFT;
   if (histo_pools[cls] == NULL) {
      UWord elemSzB = ((cls + 1) << HH_HISTO_CLASS_SHIFT) * sizeof(UShort);
      /* About 64 KiB per pool chunk, and at least the 100 elements
         the core's pool allocator asks for. */
      UWord perChunk = (64 * 1024) / elemSzB;
      if (perChunk < 100)
         perChunk = 100;
      histo_pools[cls] = VG_(newPA)(elemSzB, perChunk, VG_(malloc),
                                    "hh.blocks.histo", VG_(free));
   }
   return histo_pools[cls];
}

UShort* hh_histo_new(SizeT szB)
{
   tl_assert(szB > 0);
   if (szB > HH_HISTO_POOL_MAX_SZB)
      return VG_(calloc)("hh.blocks.histo", szB, sizeof(UShort));
   UShort* h = VG_(allocEltPA)(histo_pool_for(szB));
   VG_(memset)(h, 0, szB * sizeof(UShort));
   return h;
}

void hh_histo_free(UShort* histo, SizeT szB)
{
   tl_assert(szB > 0);
   if (szB > HH_HISTO_POOL_MAX_SZB)
      VG_(free)(histo);
   else
      VG_(freeEltPA)(histo_pool_for(szB), histo);
}

//------------------------------------------------------------//
//--- The table                                            ---//
//------------------------------------------------------------//

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

static inline void update_inline(Block* bk, Bool in_table)
{
   Bool listed = !hh_threads_listing || bk->thread_listed;
   bk->inline_szB = in_table && bk->histo == NULL && listed ? bk->req_szB : 0;
}

void hh_block_insert(Block* bk)
{
   tl_assert(bk->req_szB > 0);
   if (!map_granules(bk)) {
      TreeEntry* e = VG_(OSetGen_AllocNode)(tree, sizeof(TreeEntry));
      e->lo  = bk->payload;
      e->end = bk->payload + bk->req_szB;
      e->bk  = bk;
      VG_(OSetGen_Insert)(tree, e);   // asserts on an overlap
   }
   n_live_blocks++;
   widen_heap_range(bk->payload, bk->req_szB);
   recent0 = recent1 = NULL;
   update_inline(bk, True);
}

void hh_block_update_inline(Block* bk)
{
   update_inline(bk, True);
}

void hh_block_histogram_added(Block* bk)
{
   tl_assert(bk->histo != NULL);
   update_inline(bk, True);   // histogram blocks take the helper
}

void hh_block_remove(Block* bk)
{
   if (bk->in_granule_map) {
      unmap_granules(bk);
   } else {
      TreeEntry* e = VG_(OSetGen_Remove)(tree, &bk->payload);
      tl_assert(e != NULL && e->bk == bk);
      VG_(OSetGen_FreeNode)(tree, e);
   }
   tl_assert(n_live_blocks > 0);
   n_live_blocks--;
   recent0 = recent1 = NULL;
   update_inline(bk, False);
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
   if (!contains(found, a)) {   // not in the map (or past a block's end)
      TreeEntry* e = VG_(OSetGen_Lookup)(tree, &a);
      if (e == NULL)
         return NULL;
      found = e->bk;
   }
   tl_assert(contains(found, a));
   recent1 = recent0;
   recent0 = found;
   return found;
}

static inline Bool overlaps(const Block* bk, Addr lo, Addr hi)
{
   return bk != NULL && bk->payload < hi && lo < bk->payload + bk->req_szB;
}

/* The small blocks of chunk c that overlap [lo, hi): the first found. */
static Block* granule_overlapping(GranuleChunk* c, Addr lo, Addr hi)
{
   Addr base  = c->chunk << HH_CHUNK_SHIFT;
   Addr first = lo > base ? lo : base;
   Addr last  = hi - 1 < base + (1UL << HH_CHUNK_SHIFT) - 1
                   ? hi - 1 : base + (1UL << HH_CHUNK_SHIFT) - 1;
   if (first > last)
      return NULL;
   for (Block** slot = granule_slot(c, first); slot <= granule_slot(c, last);
        slot++) {
      if (overlaps(*slot, lo, hi))
         return *slot;
   }
   return NULL;
}

Block* hh_block_overlapping(Addr lo, Addr hi)
{
   tl_assert(lo < hi);
   VG_(OSetGen_ResetIterAt)(tree, &lo);
   TreeEntry* e = VG_(OSetGen_Next)(tree);
   if (e != NULL && overlaps(e->bk, lo, hi))
      return e->bk;
   /* The map's chunks in the range, probed one by one, or all chunks
      visited, whichever is fewer. */
   UWord first_chunk = lo >> HH_CHUNK_SHIFT;
   UWord final_chunk = (hi - 1) >> HH_CHUNK_SHIFT;
   UInt  n_chunks = VG_(HT_count_nodes)(granule_chunks);
   if (final_chunk - first_chunk < n_chunks) {
      for (UWord chunk = first_chunk; chunk <= final_chunk; chunk++) {
         GranuleChunk* c = VG_(HT_lookup)(granule_chunks, chunk);
         Block* bk = c == NULL ? NULL : granule_overlapping(c, lo, hi);
         if (bk != NULL)
            return bk;
      }
      return NULL;
   }
   VG_(HT_ResetIter)(granule_chunks);
   GranuleChunk* c;
   while ((c = VG_(HT_Next)(granule_chunks)) != NULL) {
      if (c->chunk < first_chunk || c->chunk > final_chunk)
         continue;
      Block* bk = granule_overlapping(c, lo, hi);
      if (bk != NULL)
         return bk;
   }
   return NULL;
}

static Int cmp_chunks(const void* a, const void* b)
{
   UWord c1 = (*(const GranuleChunk* const*)a)->chunk;
   UWord c2 = (*(const GranuleChunk* const*)b)->chunk;
   return c1 < c2 ? -1 : c1 > c2 ? 1 : 0;
}

/* The tree is walked in order; the granule map's chunks are sorted and
   each is scanned from its first granule (a block is visited once, at
   its first granule), and the two sequences are merged. */
void hh_blocks_for_each(void (*fn)(Block*, void*), void* opaque)
{
   UInt n_chunks = 0;
   GranuleChunk** chunks =
      (GranuleChunk**)VG_(HT_to_array)(granule_chunks, &n_chunks);
   VG_(ssort)(chunks, n_chunks, sizeof(GranuleChunk*), cmp_chunks);

   VG_(OSetGen_ResetIter)(tree);
   TreeEntry* e = VG_(OSetGen_Next)(tree);
   for (UInt c = 0; c < n_chunks; c++) {
      Addr base = chunks[c]->chunk << HH_CHUNK_SHIFT;
      for (UWord i = 0; i < HH_GRANULES_PER_CHUNK; i++) {
         Block* bk = chunks[c]->granule[i];
         if (bk == NULL || bk->payload != base + (i << HH_GRANULE_SHIFT))
            continue;
         for (; e != NULL && e->lo < bk->payload; e = VG_(OSetGen_Next)(tree))
            fn(e->bk, opaque);
         fn(bk, opaque);
      }
   }
   for (; e != NULL; e = VG_(OSetGen_Next)(tree))
      fn(e->bk, opaque);
   if (chunks != NULL)
      VG_(free)(chunks);
}

Block* hh_block_tree_next(Addr a)
{
   /* Starts at the entry holding a if there is one (the comparison
      says "equal" inside a block), else at the first one after a. */
   VG_(OSetGen_ResetIterAt)(tree, &a);
   TreeEntry* e = VG_(OSetGen_Next)(tree);
   return e == NULL ? NULL : e->bk;
}

UWord hh_blocks_live_count(void)
{
   return n_live_blocks;
}
