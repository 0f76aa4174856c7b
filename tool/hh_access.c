/*--------------------------------------------------------------------*/
/*--- heaphunt: reads and writes into blocks         hh_access.c ---*/
/*--------------------------------------------------------------------*/

/* Counts the bytes read from and written to each live block.  Two
   sources feed it:
   - guest loads and stores, through the helpers hh_on_read_cached and
     hh_on_write_cached, which generated code (hh_instrument.c) calls
     with the access's own cache entry, for accesses that pass the
     inline heap-range filter and miss the inline cache test (or have
     none);
   - the kernel reading or writing user memory in a syscall, through
     the core's pre_mem_read / post_mem_write events, counted by
     hh_on_read and hh_on_write (no cache entry).

   The rules are DHAT's, so that the numbers agree: a guest access
   within 16 KiB above the stack pointer is never counted (generated
   code tests DHAT's window before the helpers, see hh_instrument.c); an
   access counts its full size to the block containing its first byte;
   the per-offset histogram gets one count per access for every byte of
   it inside the block, saturating at 0xFFFF.

   Beyond DHAT, each access stamps the block with the clock and notes a
   write that follows a read: with the byte counts, the raw material of
   the access-pattern findings (never accessed, write-only, read-only
   after initialisation, idle before free, stale at exit).

   Once the process has had two threads, a block must be listed in the
   running thread's slice before its counters change, so that each
   thread's reads and writes can be told apart (hh_threads.c): the
   helpers list it when it is not (the first access of the slice to it,
   which then lets generated code count it inline), and a syscall's
   access first makes its thread the running one. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_tooliface.h"

#include "hh_tool.h"

static inline void count_in_histogram(Block* bk, Addr addr, UWord szB)
{
   UWord first = addr - bk->payload;
   UWord end   = first + szB;
   tl_assert(first < bk->req_szB);
   if (end > bk->req_szB)
      end = bk->req_szB;
   for (UWord i = first; i < end; i++) {
      if (bk->histo[i] < 0xFFFF)
         bk->histo[i]++;
   }
}

/* A block that may be counted inline (inline_szB, already loaded by the
   lookup) is listed already, or nothing is listed: only the others need
   the flags word, which lies in another cache line. */
static inline void list_in_slice(Block* bk)
{
   if (UNLIKELY(bk->inline_szB == 0) && hh_threads_listing
       && !bk->thread_listed)
      hh_threads_list_block(bk);
}

static inline void count_read(Block* bk, Addr addr, UWord szB)
{
   list_in_slice(bk);
   bk->reads_bytes += szB;
   bk->t_last_access_instrs = hh_clock_instrs;
   if (bk->histo != NULL)
      count_in_histogram(bk, addr, szB);
}

static inline void count_write(Block* bk, Addr addr, UWord szB)
{
   list_in_slice(bk);
   bk->writes_bytes += szB;
   bk->t_last_access_instrs = hh_clock_instrs;
   bk->written_after_read |= bk->reads_bytes != 0;
   if (bk->histo != NULL)
      count_in_histogram(bk, addr, szB);
}

VG_REGPARM(2) void hh_on_read(Addr addr, UWord szB)
{
   Block* bk = hh_block_containing(addr);
   if (bk != NULL)
      count_read(bk, addr, szB);
}

VG_REGPARM(2) void hh_on_write(Addr addr, UWord szB)
{
   Block* bk = hh_block_containing(addr);
   if (bk != NULL)
      count_write(bk, addr, szB);
}

/* Points an access's cache entry at bk.  Generated code counts later
   hits inline only if bk->inline_szB allows it (no histogram). */
static inline void fill_cache(AccessCache* cache, Block* bk)
{
   cache->bk = bk;
}

/* The block of an access through its cache entry: the entry's own if
   the address is inside it (the test generated code makes inline),
   else the one a lookup finds, which then refills the entry. */
static inline Block* cached_block(AccessCache* cache, Addr addr)
{
   Block* bk = cache->bk;
   if (LIKELY(addr - bk->payload < bk->inline_szB))
      return bk;
   bk = hh_block_containing(addr);
   if (bk != NULL)
      fill_cache(cache, bk);
   return bk;
}

/* Called by generated code for a heap-range access that its inline
   cache test missed, or that has no inline test (see hh_instrument.c). */
VG_REGPARM(3) void hh_on_read_cached(AccessCache* cache, Addr addr,
                                     UWord szB)
{
   Block* bk = cached_block(cache, addr);
   if (bk != NULL)
      count_read(bk, addr, szB);
}

VG_REGPARM(3) void hh_on_write_cached(AccessCache* cache, Addr addr,
                                      UWord szB)
{
   Block* bk = cached_block(cache, addr);
   if (bk != NULL)
      count_write(bk, addr, szB);
}

//------------------------------------------------------------//
//--- Syscalls                                             ---//
//------------------------------------------------------------//

/* The kernel reads user memory (e.g. write(2)'s buffer).  As in DHAT,
   the whole range counts against the block holding its first byte. */
static void on_kernel_read(CorePart part, ThreadId tid, const HChar* what,
                           Addr base, SizeT szB)
{
   switch (part) {
   case Vg_CoreSysCall:
      hh_threads_running(tid);   // after a blocking syscall, another
      hh_on_read(base, szB);     //   thread may have run last
      break;
   case Vg_CoreSysCallArgInMem:
   case Vg_CoreTranslate:
      break;   // syscall arguments, code: not the program's data
   default:
      tl_assert(0);
   }
}

/* A NUL-terminated string read by the kernel (a path, say).  DHAT
   counts strlen(str + 1) bytes here, one less than the string's length
   (an off-by-two against the bytes really read); we count the same so
   that reads agree, and docs/json-format.md says so. */
static void on_kernel_read_string(CorePart part, ThreadId tid,
                                  const HChar* what, Addr str)
{
   tl_assert(part == Vg_CoreSysCall);
   on_kernel_read(part, tid, what, str,
                  VG_(strlen)((const HChar*)str + 1));
}

static void on_kernel_write(CorePart part, ThreadId tid, Addr base,
                            SizeT szB)
{
   switch (part) {
   case Vg_CoreSysCall:
   case Vg_CoreClientReq:
      hh_threads_running(tid);
      hh_on_write(base, szB);
      break;
   case Vg_CoreSignal:
      break;   // a signal frame on the stack, never the heap
   default:
      tl_assert(0);
   }
}

void hh_track_syscall_accesses(void)
{
   VG_(track_pre_mem_read)       (on_kernel_read);
   VG_(track_pre_mem_read_asciiz)(on_kernel_read_string);
   VG_(track_post_mem_write)     (on_kernel_write);
}
