/*--------------------------------------------------------------------*/
/*--- heaphunt: custom allocators                     hh_custom.c ---*/
/*--------------------------------------------------------------------*/

/* Programs with their own allocators can describe their blocks with
   valgrind.h's client requests, and heaphunt then profiles those blocks
   like malloc's (DHAT asserts and stops on them):

     VALGRIND_MALLOCLIKE_BLOCK(addr, size, rz, zeroed)   a block starts
     VALGRIND_FREELIKE_BLOCK(addr, rz)                   it ends
     VALGRIND_RESIZEINPLACE_BLOCK(addr, old, new, rz)    it changes size
     VALGRIND_CREATE_MEMPOOL(pool, rz, zeroed) ... DESTROY_MEMPOOL,
     MEMPOOL_ALLOC, MEMPOOL_FREE, MEMPOOL_TRIM, MOVE_MEMPOOL,
     MEMPOOL_CHANGE, MEMPOOL_EXISTS                      pools of blocks

   The allocation site is the stack of the request, so the custom
   allocator's own function is the first frame (--alloc-fn hides it).

   A custom allocator often carves its blocks out of memory it got from
   malloc.  The block table holds no overlapping blocks, so the outer
   malloc block (the "container") leaves the table while custom blocks
   live inside it: accesses then count against the inner blocks, which
   is what the user wants to see.  The container is still live in its
   site's totals, and comes back into the table when its last inner
   block ends; if the program frees the container first, the inner
   blocks end with it.  A custom block that would overlap another block
   only in part is refused, with a message. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* Containers out of the block table: Block* -> number of inner blocks,
   ordered like the block table (overlap = equal). */
static WordFM* hidden_containers = NULL;
/* Custom blocks in mempools: Block* -> pool handle. */
static WordFM* pool_of_block = NULL;
/* Known pools: pool handle -> 1. */
static WordFM* pools = NULL;

static Word cmp_blocks_overlap(UWord a, UWord b)
{
   const Block* b1 = (const Block*)a;
   const Block* b2 = (const Block*)b;
   if (b1->payload + b1->req_szB <= b2->payload) return -1;
   if (b2->payload + b2->req_szB <= b1->payload) return 1;
   return 0;
}

void hh_custom_init(void)
{
   hidden_containers = VG_(newFM)(VG_(malloc), "hh.custom.hidden",
                                  VG_(free), cmp_blocks_overlap);
   pool_of_block = VG_(newFM)(VG_(malloc), "hh.custom.pool_of", VG_(free),
                              NULL);
   pools = VG_(newFM)(VG_(malloc), "hh.custom.pools", VG_(free), NULL);
}

static Block* hidden_container_holding(Addr a, SizeT szB)
{
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
   VG_(lookupFM)(hidden_containers, &key, &n, (UWord)container);
   VG_(addToFM)(hidden_containers, (UWord)container, n + 1);
}

/* An inner block ended: the container comes back when it has none. */
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
   VG_(delFromFM)(hidden_containers, NULL, NULL, (UWord)container);
   hh_block_insert(container);
}

static void refuse(const HChar* request, Addr addr, SizeT szB,
                   const HChar* why)
{
   VG_(umsg)("heaphunt: %s(%#lx, %lu) ignored: %s\n", request, addr, szB,
             why);
}

static void start_custom_block(ThreadId tid, const HChar* request,
                               Addr addr, SizeT szB, Addr pool)
{
   if (szB == 0)
      szB = 1;   // as for malloc(0): a block is never empty
   Block* outer = hh_block_containing(addr);
   if (outer != NULL && outer->alloc_kind == HH_ALLOC_CUSTOM) {
      refuse(request, addr, szB, "it overlaps a live custom block");
      return;
   }
   if (outer != NULL) {
      if (addr + szB > outer->payload + outer->req_szB) {
         refuse(request, addr, szB, "it runs past the end of the heap "
                "block that holds its start");
         return;
      }
      hh_block_remove(outer);
      note_child_added(outer);
   } else {
      Block* hidden = hidden_container_holding(addr, 1);
      if (hidden != NULL) {
         if (addr + szB > hidden->payload + hidden->req_szB) {
            refuse(request, addr, szB, "it runs past the end of the heap "
                   "block that holds its start");
            return;
         }
         note_child_added(hidden);
      } else if (hh_block_containing(addr + szB - 1) != NULL) {
         refuse(request, addr, szB, "its end overlaps a live block");
         return;
      }
   }
   hh_instrument_note_custom_block(addr, szB);
   Block* bk = hh_track_new_block(tid, addr, szB, HH_ALLOC_CUSTOM);
   if (pool != 0)
      VG_(addToFM)(pool_of_block, (UWord)bk, pool);
}

static Block* custom_block_at(Addr addr)
{
   Block* bk = hh_block_containing(addr);
   if (bk == NULL || bk->payload != addr || bk->alloc_kind != HH_ALLOC_CUSTOM)
      return NULL;
   return bk;
}

static void end_custom_block(Block* bk)
{
   Addr addr = bk->payload;
   VG_(delFromFM)(pool_of_block, NULL, NULL, (UWord)bk);
   hh_untrack_block(bk);
   note_child_removed(addr);
}

static void end_custom_block_at(const HChar* request, Addr addr)
{
   Block* bk = custom_block_at(addr);
   if (bk == NULL) {
      refuse(request, addr, 0, "no live custom block starts there");
      return;
   }
   end_custom_block(bk);
}

static void resize_custom_block(ThreadId tid, Addr addr, SizeT new_szB)
{
   Block* bk = custom_block_at(addr);
   if (bk == NULL) {
      refuse("VALGRIND_RESIZEINPLACE_BLOCK", addr, new_szB,
             "no live custom block starts there");
      return;
   }
   if (new_szB == 0)
      new_szB = 1;
   if (new_szB > bk->req_szB
       && hh_block_containing(addr + new_szB - 1) != NULL
       && hh_block_containing(addr + new_szB - 1) != bk) {
      refuse("VALGRIND_RESIZEINPLACE_BLOCK", addr, new_szB,
             "the new end overlaps another block");
      return;
   }
   /* Resized in place: counted like a realloc that does not move. */
   SizeT old_szB = bk->req_szB;
   hh_block_remove(bk);
   if (bk->histo != NULL) {
      hh_histo_free(bk->histo, bk->req_szB);
      bk->histo = NULL;
   }
   bk->req_szB = new_szB;
   hh_block_insert(bk);
   hh_site_note_resize(bk->site, old_szB, new_szB);
}

//------------------------------------------------------------//
//--- Pools                                                ---//
//------------------------------------------------------------//

typedef struct {
   Addr    pool;
   Addr    keep_lo, keep_hi;   // for TRIM: keep blocks inside this
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

/* Ends every block of the pool outside [keep_lo, keep_hi). */
static void end_pool_blocks(Addr pool, Addr keep_lo, Addr keep_hi)
{
   PoolScan scan = { pool, keep_lo, keep_hi,
                     VG_(newXA)(VG_(malloc), "hh.custom.doomed", VG_(free),
                                sizeof(Block*)) };
   hh_blocks_for_each(collect_pool_blocks, &scan);
   for (Word i = 0; i < VG_(sizeXA)(scan.doomed); i++)
      end_custom_block(*(Block**)VG_(indexXA)(scan.doomed, i));
   VG_(deleteXA)(scan.doomed);
}

typedef struct { Addr from, to; } PoolMove;

static void repoint_pool(Block* bk, void* opaque)
{
   PoolMove* move = (PoolMove*)opaque;
   UWord key = 0, pool = 0;
   if (VG_(lookupFM)(pool_of_block, &key, &pool, (UWord)bk)
       && pool == move->from)
      VG_(addToFM)(pool_of_block, (UWord)bk, move->to);
}

static Bool pool_exists(Addr pool)
{
   UWord key, val;
   return VG_(lookupFM)(pools, &key, &val, pool);
}

static Bool handle_request(ThreadId tid, UWord* arg, UWord* ret)
{
   *ret = 0;
   switch (arg[0]) {
   case VG_USERREQ__MALLOCLIKE_BLOCK:
      start_custom_block(tid, "VALGRIND_MALLOCLIKE_BLOCK", arg[1],
                         (SizeT)arg[2], 0);
      return True;
   case VG_USERREQ__FREELIKE_BLOCK:
      end_custom_block_at("VALGRIND_FREELIKE_BLOCK", arg[1]);
      return True;
   case VG_USERREQ__RESIZEINPLACE_BLOCK:
      resize_custom_block(tid, arg[1], (SizeT)arg[3]);
      return True;
   case VG_USERREQ__CREATE_MEMPOOL:
      VG_(addToFM)(pools, arg[1], 1);
      return True;
   case VG_USERREQ__DESTROY_MEMPOOL:
      end_pool_blocks(arg[1], 0, 0);
      VG_(delFromFM)(pools, NULL, NULL, arg[1]);
      return True;
   case VG_USERREQ__MEMPOOL_ALLOC:
      if (!pool_exists(arg[1]))
         VG_(addToFM)(pools, arg[1], 1);   // tolerate a missing CREATE
      start_custom_block(tid, "VALGRIND_MEMPOOL_ALLOC", arg[2],
                         (SizeT)arg[3], arg[1]);
      return True;
   case VG_USERREQ__MEMPOOL_FREE:
      end_custom_block_at("VALGRIND_MEMPOOL_FREE", arg[2]);
      return True;
   case VG_USERREQ__MEMPOOL_TRIM:
      end_pool_blocks(arg[1], arg[2], arg[2] + arg[3]);
      return True;
   case VG_USERREQ__MOVE_MEMPOOL: {
      PoolMove move = { arg[1], arg[2] };
      hh_blocks_for_each(repoint_pool, &move);
      VG_(delFromFM)(pools, NULL, NULL, arg[1]);
      VG_(addToFM)(pools, arg[2], 1);
      return True;
   }
   case VG_USERREQ__MEMPOOL_CHANGE: {
      /* The block at arg[2] now lives at arg[3] with size arg[4]. */
      Block* bk = custom_block_at(arg[2]);
      if (bk == NULL) {
         refuse("VALGRIND_MEMPOOL_CHANGE", arg[2], (SizeT)arg[4],
                "no live custom block starts there");
         return True;
      }
      end_custom_block(bk);
      start_custom_block(tid, "VALGRIND_MEMPOOL_CHANGE", arg[3],
                         (SizeT)arg[4], arg[1]);
      return True;
   }
   case VG_USERREQ__MEMPOOL_EXISTS:
      *ret = pool_exists(arg[1]) ? 1 : 0;
      return True;
   default:
      return False;
   }
}

Bool hh_custom_client_request(ThreadId tid, UWord* arg, UWord* ret)
{
   Bool handled = handle_request(tid, arg, ret);
   hh_dumps_write_due();
   return handled;
}

/* free(p) of a container with inner blocks still live: they end with
   it (their memory is gone), then it is returned for freeing. */
typedef struct {
   Addr    lo, hi;
   XArray* inner;
} InnerScan;

static void collect_inner(Block* bk, void* opaque)
{
   InnerScan* scan = (InnerScan*)opaque;
   if (bk->payload >= scan->lo && bk->payload < scan->hi)
      VG_(addToXA)(scan->inner, &bk);
}

Block* hh_custom_take_hidden_container(Addr p)
{
   Block* container = hidden_container_holding(p, 1);
   if (container == NULL || container->payload != p)
      return NULL;
   InnerScan scan = { container->payload,
                      container->payload + container->req_szB,
                      VG_(newXA)(VG_(malloc), "hh.custom.inner", VG_(free),
                                 sizeof(Block*)) };
   hh_blocks_for_each(collect_inner, &scan);
   for (Word i = 0; i < VG_(sizeXA)(scan.inner); i++) {
      Block* inner = *(Block**)VG_(indexXA)(scan.inner, i);
      VG_(delFromFM)(pool_of_block, NULL, NULL, (UWord)inner);
      hh_untrack_block(inner);
   }
   VG_(deleteXA)(scan.inner);
   VG_(delFromFM)(hidden_containers, NULL, NULL, (UWord)container);
   /* Back in the table, so that the caller can untrack it normally. */
   hh_block_insert(container);
   return container;
}
