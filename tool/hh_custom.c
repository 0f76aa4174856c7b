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

   This file decodes the requests, keeps the set of known pools and says
   why a request is refused; hh_lifecycle.c tracks the blocks, including
   the malloc'ed containers they are carved from and the pool each
   belongs to.  Once a request's bookkeeping is complete, a --dump-every
   profile that fell due is written. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* Known pools: pool handle -> 1. */
static WordFM* pools = NULL;

void hh_custom_init(void)
{
   pools = VG_(newFM)(VG_(malloc), "hh.custom.pools", VG_(free), NULL);
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
   const HChar* refusal = hh_life_track_custom(tid, addr, szB, pool);
   if (refusal != NULL) {
      refuse(request, addr, szB, refusal);
      return;
   }
   hh_instrument_note_custom_block(addr, szB);
}

static void end_custom_block_at(const HChar* request, Addr addr)
{
   Block* bk = hh_life_custom_block_at(addr);
   if (bk == NULL) {
      refuse(request, addr, 0, "no live custom block starts there");
      return;
   }
   hh_life_untrack(bk);
}

static void resize_custom_block(ThreadId tid, Addr addr, SizeT new_szB)
{
   Block* bk = hh_life_custom_block_at(addr);
   if (bk == NULL) {
      refuse("VALGRIND_RESIZEINPLACE_BLOCK", addr, new_szB,
             "no live custom block starts there");
      return;
   }
   if (new_szB == 0)
      new_szB = 1;
   /* Resized in place: counted like a realloc that does not move. */
   const HChar* refusal = hh_life_resize_custom(tid, bk, new_szB);
   if (refusal != NULL)
      refuse("VALGRIND_RESIZEINPLACE_BLOCK", addr, new_szB, refusal);
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
      hh_life_end_pool_blocks(arg[1], 0, 0);
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
      hh_life_end_pool_blocks(arg[1], arg[2], arg[2] + arg[3]);
      return True;
   case VG_USERREQ__MOVE_MEMPOOL:
      hh_life_move_pool(arg[1], arg[2]);
      VG_(delFromFM)(pools, NULL, NULL, arg[1]);
      VG_(addToFM)(pools, arg[2], 1);
      return True;
   case VG_USERREQ__MEMPOOL_CHANGE: {
      /* The block at arg[2] now lives at arg[3] with size arg[4]. */
      Block* bk = hh_life_custom_block_at(arg[2]);
      Block* moved = hh_life_custom_block_at(arg[3]);
      if (bk == NULL && moved != NULL) {
         /* Already there: it moved with the heap block holding it (a
            pool that grows its arena with realloc). */
         if (moved->req_szB != (arg[4] == 0 ? 1 : (SizeT)arg[4]))
            resize_custom_block(tid, arg[3], (SizeT)arg[4]);
         return True;
      }
      if (bk == NULL) {
         refuse("VALGRIND_MEMPOOL_CHANGE", arg[2], (SizeT)arg[4],
                "no live custom block starts there");
         return True;
      }
      hh_life_untrack(bk);
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
   if (UNLIKELY(hh_dump_due))
      hh_dumps_write_due();
   return handled;
}
