/*--------------------------------------------------------------------*/
/*--- heaphunt: malloc-family replacement callbacks   hh_alloc.c ---*/
/*--------------------------------------------------------------------*/

/* The client's malloc, calloc, realloc, free, memalign and every C++
   operator new/delete form are redirected by the core (through the
   vgpreload object, built from libreplacemalloc_toolpreload) to the
   callbacks below.  They allocate from the core's client arena with
   VG_(cli_malloc), so every block's address and size is known exactly,
   and have hh_lifecycle.c count the block; once a call's bookkeeping is
   complete, a --dump-every profile that fell due is written.

   Counting follows DHAT, so that the numbers agree:
   - a 0-byte request is a 1-byte block (the block is unique and
     addressable, and the lookup table holds no empty blocks);
   - realloc counts as one more allocated block of the new size, and
     its implied copy as min(old, new) bytes read and written; the
     block keeps its allocation time and loses its histogram.

   Unlike DHAT, a free or realloc of a pointer heaphunt never handed
   out (a stack or static address, an interior pointer, a double free)
   is reported and ignored instead of being passed to the arena, which
   would crash; and a block released by the wrong family (malloc'ed
   and deleted, new[]'ed and deleted without [], ...) is noted.  Each
   problem is reported once per calling stack, with that stack, as
   Memcheck does, and counted in the summary; the program goes on. */

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"

#include "hh_tool.h"

static ULong n_bad_frees      = 0;
static ULong n_bad_reallocs   = 0;
static ULong n_mismatches     = 0;

static const HChar* alloc_family_name(UChar kind)
{
   switch (kind) {
   case HH_ALLOC_NEW:     return "operator new";
   case HH_ALLOC_NEW_VEC: return "operator new[]";
   default:               return "malloc";
   }
}

static const HChar* free_family_name(UChar kind)
{
   switch (kind) {
   case HH_ALLOC_NEW:     return "operator delete";
   case HH_ALLOC_NEW_VEC: return "operator delete[]";
   default:               return "free";
   }
}

//------------------------------------------------------------//
//--- Allocating, freeing, resizing                        ---//
//------------------------------------------------------------//

static void* new_block(ThreadId tid, SizeT req_szB, SizeT alignB,
                       Bool zeroed, UChar alloc_kind)
{
   if ((SSizeT)req_szB < 0)
      return NULL;   // more than half the address space: cannot succeed
   if (req_szB == 0)
      req_szB = 1;

   void* p = VG_(cli_malloc)(alignB, req_szB);
   if (p == NULL)
      return NULL;
   if (zeroed)
      VG_(memset)(p, 0, req_szB);
   hh_life_track(tid, (Addr)p, req_szB, alloc_kind);
   if (UNLIKELY(hh_dump_due))
      hh_dumps_write_due();
   return p;
}

static void report_bad_pointer(ThreadId tid, const HChar* what, void* p)
{
   if (!hh_first_report_from(tid))
      return;
   VG_(umsg)("heaphunt: %s(%p): not the start of a live heap block "
             "(never allocated, already freed, an interior pointer, or a "
             "custom allocator's block); ignored\n", what, p);
   VG_(get_and_pp_StackTrace)(tid, VG_(clo_backtrace_size));
}

static void check_family(ThreadId tid, const Block* bk, UChar free_kind)
{
   if (bk->alloc_kind == free_kind)
      return;
   n_mismatches++;
   if (!hh_first_report_from(tid))
      return;
   VG_(umsg)("heaphunt: mismatched deallocation: %p was allocated by %s "
             "and released by %s\n", (void*)bk->payload,
             alloc_family_name(bk->alloc_kind), free_family_name(free_kind));
   VG_(get_and_pp_StackTrace)(tid, VG_(clo_backtrace_size));
}

static void free_block(ThreadId tid, void* p, UChar free_kind)
{
   if (p == NULL)
      return;
   /* A malloc'ed block that custom blocks were carved from is out of
      the table while they live; freeing it ends them too. */
   Block* bk = hh_life_block_at((Addr)p);
   if (bk == NULL)
      bk = hh_life_container_at((Addr)p);
   if (bk == NULL) {
      n_bad_frees++;
      report_bad_pointer(tid, free_family_name(free_kind), p);
      return;
   }
   if (bk->alloc_kind == HH_ALLOC_CUSTOM) {
      /* Not from our arena: passing it on would corrupt it. */
      n_bad_frees++;
      report_bad_pointer(tid, free_family_name(free_kind), p);
      return;
   }
   check_family(tid, bk, free_kind);
   hh_interp_note_free(bk->payload);
   hh_life_untrack(bk);
   VG_(cli_free)(p);
   if (UNLIKELY(hh_dump_due))
      hh_dumps_write_due();
}

static void* resize_block(ThreadId tid, void* p_old, SizeT new_szB)
{
   tl_assert(new_szB > 0);
   Block* bk = hh_life_block_at((Addr)p_old);
   if (bk == NULL)
      bk = hh_life_container_at((Addr)p_old);   // custom blocks inside
                                                  //   move with it
   if (bk == NULL || bk->alloc_kind == HH_ALLOC_CUSTOM) {
      n_bad_reallocs++;
      report_bad_pointer(tid, "realloc", p_old);
      return NULL;
   }
   check_family(tid, bk, HH_ALLOC_MALLOC);

   /* Tracking offsets across a resize is not meaningful: the histogram
      goes, even if the resize then fails, as in DHAT (the numbers must
      agree). */
   hh_life_drop_histogram(bk);

   SizeT old_szB = bk->req_szB;
   void* p_new = p_old;
   SizeT moved_szB = 0;
   if (new_szB > old_szB) {
      p_new = VG_(cli_malloc)(VG_(clo_alignment), new_szB);
      if (p_new == NULL)
         return NULL;   // the old block stays, untouched
      VG_(memcpy)(p_new, p_old, old_szB);
      VG_(cli_free)(p_old);
      moved_szB = old_szB;
   }
   /* A smaller block shrinks in place; its tail is unused. */
   hh_life_move(tid, bk, (Addr)p_new, new_szB);

   /* The copy realloc implies, counted as DHAT does (even when the block
      shrinks in place).  Not a use of the data: the access times and
      flags do not change. */
   SizeT copied_szB = old_szB < new_szB ? old_szB : new_szB;
   hh_site_note_realloc_copy(bk->site, copied_szB, moved_szB);
   hh_threads_note_realloc_copy(tid, bk, copied_szB);
   if (UNLIKELY(hh_dump_due))
      hh_dumps_write_due();
   return p_new;
}

//------------------------------------------------------------//
//--- The callbacks the core calls                         ---//
//------------------------------------------------------------//

static void* hh_malloc(ThreadId tid, SizeT szB)
{
   return new_block(tid, szB, VG_(clo_alignment), False, HH_ALLOC_MALLOC);
}

static void* hh_builtin_new(ThreadId tid, SizeT szB)
{
   return new_block(tid, szB, VG_(clo_alignment), False, HH_ALLOC_NEW);
}

static void* hh_builtin_vec_new(ThreadId tid, SizeT szB)
{
   return new_block(tid, szB, VG_(clo_alignment), False, HH_ALLOC_NEW_VEC);
}

static void* hh_builtin_new_aligned(ThreadId tid, SizeT szB, SizeT alignB
                                    HH_ALIGN_ORIG_PARAM)
{
   HH_ALIGN_ORIG_UNUSED;
   return new_block(tid, szB, alignB, False, HH_ALLOC_NEW);
}

static void* hh_builtin_vec_new_aligned(ThreadId tid, SizeT szB,
                                        SizeT alignB HH_ALIGN_ORIG_PARAM)
{
   HH_ALIGN_ORIG_UNUSED;
   return new_block(tid, szB, alignB, False, HH_ALLOC_NEW_VEC);
}

static void* hh_memalign(ThreadId tid, SizeT alignB HH_ALIGN_ORIG_PARAM,
                         SizeT szB)
{
   HH_ALIGN_ORIG_UNUSED;
   return new_block(tid, szB, alignB, False, HH_ALLOC_MALLOC);
}

static void* hh_calloc(ThreadId tid, SizeT n_elems, SizeT elem_szB)
{
   /* The preload already returns NULL on overflow; checked again here
      because a wrapped product would be a wrong, small block. */
   if (elem_szB != 0 && n_elems > ((SizeT)-1) / elem_szB)
      return NULL;
   return new_block(tid, n_elems * elem_szB, VG_(clo_alignment), True,
                    HH_ALLOC_MALLOC);
}

static void hh_free(ThreadId tid, void* p)
{
   free_block(tid, p, HH_ALLOC_MALLOC);
}

static void hh_builtin_delete(ThreadId tid, void* p)
{
   free_block(tid, p, HH_ALLOC_NEW);
}

static void hh_builtin_delete_aligned(ThreadId tid, void* p, SizeT alignB)
{
   free_block(tid, p, HH_ALLOC_NEW);
}

static void hh_builtin_vec_delete(ThreadId tid, void* p)
{
   free_block(tid, p, HH_ALLOC_NEW_VEC);
}

static void hh_builtin_vec_delete_aligned(ThreadId tid, void* p,
                                          SizeT alignB)
{
   free_block(tid, p, HH_ALLOC_NEW_VEC);
}

static void* hh_realloc(ThreadId tid, void* p_old, SizeT new_szB)
{
   if (p_old == NULL)
      return hh_malloc(tid, new_szB);
   if (new_szB == 0) {
      if (!HH_REALLOC_ZERO_FREES)
         return resize_block(tid, p_old, 1);
      hh_free(tid, p_old);
      return NULL;
   }
   return resize_block(tid, p_old, new_szB);
}

static SizeT hh_malloc_usable_size(ThreadId tid, void* p)
{
   Block* bk = hh_block_containing((Addr)p);
   return bk != NULL ? bk->req_szB : 0;
}

void hh_register_malloc_replacement(void)
{
   VG_(needs_malloc_replacement)(hh_malloc,
                                 hh_builtin_new,
                                 hh_builtin_new_aligned,
                                 hh_builtin_vec_new,
                                 hh_builtin_vec_new_aligned,
                                 hh_memalign,
                                 hh_calloc,
                                 hh_free,
                                 hh_builtin_delete,
                                 hh_builtin_delete_aligned,
                                 hh_builtin_vec_delete,
                                 hh_builtin_vec_delete_aligned,
                                 hh_realloc,
                                 hh_malloc_usable_size,
                                 0 /* no redzone */);
}

/* Part of the summary: bad frees are the client's bugs, worth a line. */
void hh_alloc_report_counts(void)
{
   if (n_bad_frees > 0)
      VG_(umsg)("Bad frees: %'llu (ignored)\n", n_bad_frees);
   if (n_bad_reallocs > 0)
      VG_(umsg)("Bad reallocs: %'llu (returned NULL)\n", n_bad_reallocs);
   if (n_mismatches > 0)
      VG_(umsg)("Mismatched deallocations: %'llu\n", n_mismatches);
}
