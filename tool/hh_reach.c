/*--------------------------------------------------------------------*/
/*--- heaphunt: blocks still reachable at exit          hh_reach.c ---*/
/*--------------------------------------------------------------------*/

/* At exit, splits the blocks still live into lost (no pointer reaches
   them) and still reachable, by a conservative scan of the client's
   memory in the manner of Memcheck's leak checker.

   The roots:
   - the general-purpose registers of every thread that was running when
     the program exited (the threads exit_group killed), but not those of
     the thread that called exit, which hold exit's own values (Memcheck
     makes the same choice); and the stack pointer of each of them, so
     that a thread whose stack is a heap block keeps that block;
   - every client mapping that is readable and writable and is not the
     client heap (the core's arena that malloc's blocks come from): the
     data and bss of every loaded object, thread stacks and thread-local
     storage, anonymous mmaps.  Devices are not read (but /dev/zero is);
   - minus the dead part of each thread's stack: below its stack pointer
     (less the ABI's red zone) when the thread exited, so that a pointer
     left in a frame that has returned keeps nothing alive.  Memcheck
     knows this from its addressability bits; heaphunt remembers each
     thread's stack pointer when the thread ends (every thread ends,
     even those exit_group kills, before the tool's finalisation) and
     forgets it when the memory is unmapped or mapped again.  The live
     parts of the stacks of the threads running at exit always stay
     roots, even where an earlier thread's dead stack lay;
   - minus the live blocks lying in those mappings (custom allocators'
     blocks in an mmap'ed pool): a block is scanned only when reached.

   Every aligned word of a root is a candidate pointer.  One that points
   anywhere inside a live block (interior pointers count) reaches the
   block, and reached blocks are scanned the same way, transitively.
   The mark is a byte in the Block; the blocks still to scan are on an
   explicit stack (no recursion), which holds each block at most once.

   Custom allocators' blocks inside a malloc'ed block (the container,
   see hh_lifecycle.c): a pointer into a custom block reaches it and its
   container; a pointer elsewhere in the container reaches the container
   alone.  A container is scanned outside its custom blocks; each of
   those is scanned when it is reached itself.

   Lost blocks are what Memcheck calls "definitely lost" plus
   "indirectly lost" (reached only from lost blocks); its "possibly
   lost" (reached only through interior pointers) are reachable here.

   Memory that the core believes readable can still fault (a file
   truncated under a shared mapping); a fault catcher skips the rest of
   the page and the scan goes on. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacehl.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_libcsetjmp.h"
#include "pub_tool_libcsignal.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_rangemap.h"
#include "pub_tool_signals.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"

#include "hh_tool.h"

Bool  hh_reach_scanned = False;
ULong hh_lost_bytes = 0, hh_lost_blocks = 0;

//------------------------------------------------------------//
//--- Dead stack memory                                    ---//
//------------------------------------------------------------//

/* Address ranges known to be dead stack (value 1), everything else 0.
   Painted as threads end, cleared where memory is unmapped or mapped
   anew. */
#define DEAD_STACK 1
static RangeMap* dead_stack = NULL;

static void paint(Addr lo, Addr hi_excl, UWord value)
{
   if (lo >= hi_excl)
      return;
   if (value == 0 && VG_(sizeRangeMap)(dead_stack) == 1)
      return;   // nothing painted: the common case, kept cheap
   VG_(bindRangeMap)(dead_stack, lo, hi_excl - 1, value);
}

/* The live part of a thread's stack: from its stack pointer (less the
   red zone, which a leaf function may use) up. */
static Addr live_stack_lo(Addr sp)
{
   return sp >= VG_STACK_REDZONE_SZB ? sp - VG_STACK_REDZONE_SZB : 0;
}

void hh_reach_thread_exiting(ThreadId tid)
{
   if (!hh_clo_reachability)
      return;
   Addr sp = VG_(get_SP)(tid);
   NSegment const* seg = VG_(am_find_nsegment)(sp);
   if (seg == NULL || seg->kind != SkAnonC || seg->isCH)
      return;   // a stack in a heap block or somewhere odd: left alone
   /* The core's idea of the stack's extent (for threads it created, the
      mapping that holds the initial stack pointer). */
   Addr max = VG_(thread_get_stack_max)(tid);
   SizeT szB = VG_(thread_get_stack_size)(tid);
   Addr lo = szB > 0 && max - szB + 1 > seg->start ? max - szB + 1
                                                   : seg->start;
   /* The latest word on this memory: what an earlier thread left dead
      here may be this one's live frames (glibc reuses thread stacks). */
   paint(live_stack_lo(sp), seg->end + 1, 0);
   paint(lo, live_stack_lo(sp), DEAD_STACK);
}

void hh_reach_note_unmapped(Addr a, SizeT len)
{
   if (len > 0 && hh_clo_reachability)
      paint(a, a + len, 0);
}

static void on_mmap(Addr a, SizeT len, Bool rr, Bool ww, Bool xx,
                    ULong di_handle)
{
   hh_reach_note_unmapped(a, len);
}

static void on_remap(Addr from, Addr to, SizeT len)
{
   hh_reach_note_unmapped(from, len);
   hh_reach_note_unmapped(to, len);
}

void hh_reach_init(void)
{
   dead_stack = VG_(newRangeMap)(VG_(malloc), "hh.reach.dead_stack",
                                 VG_(free), 0);
   VG_(track_new_mem_mmap)(on_mmap);
   VG_(track_copy_mem_remap)(on_remap);   // munmap: hh_main.c
}

//------------------------------------------------------------//
//--- Marking                                              ---//
//------------------------------------------------------------//

/* Reached blocks not yet scanned: a stack of fixed-size chunks, so that
   it grows without copying (a block holding ten million pointers puts
   ten million blocks here at once) and shrinks as it drains. */
#define TO_SCAN_CHUNK_ENTRIES 65536
typedef struct _ToScanChunk {
   struct _ToScanChunk* below;
   UWord                n;
   Block*               blocks[TO_SCAN_CHUNK_ENTRIES];
} ToScanChunk;

static ToScanChunk* to_scan = NULL;
static UWord        n_to_scan = 0, to_scan_peak = 0;
static Bool         have_containers = False;

/* For the -v line: what the scan cost. */
static ULong root_bytes_scanned = 0, block_bytes_scanned = 0;
static ULong n_reached = 0, n_pages_skipped = 0;

static void push_to_scan(Block* bk)
{
   if (to_scan == NULL || to_scan->n == TO_SCAN_CHUNK_ENTRIES) {
      ToScanChunk* c = VG_(malloc)("hh.reach.to_scan", sizeof(ToScanChunk));
      c->below = to_scan;
      c->n = 0;
      to_scan = c;
   }
   to_scan->blocks[to_scan->n++] = bk;
   n_to_scan++;
   if (n_to_scan > to_scan_peak)
      to_scan_peak = n_to_scan;
}

static Block* pop_to_scan(void)
{
   while (to_scan != NULL && to_scan->n == 0) {
      ToScanChunk* empty = to_scan;
      to_scan = empty->below;
      VG_(free)(empty);
   }
   if (to_scan == NULL)
      return NULL;
   n_to_scan--;
   return to_scan->blocks[--to_scan->n];
}

static void reach(Block* bk)
{
   if (bk->reach_mark)
      return;
   bk->reach_mark = 1;
   n_reached++;
   push_to_scan(bk);
}

static inline void consider_pointer(Addr a)
{
   if (LIKELY(a - hh_heap_lo >= hh_heap_span))
      return;
   Block* bk = hh_block_containing(a);
   if (bk != NULL)
      reach(bk);
   if (UNLIKELY(have_containers)
       && (bk == NULL || bk->alloc_kind == HH_ALLOC_CUSTOM)) {
      Block* container = hh_life_container_holding(a);
      if (container != NULL)
         reach(container);
   }
}

//------------------------------------------------------------//
//--- Reading client memory                                ---//
//------------------------------------------------------------//

static VG_MINIMAL_JMP_BUF(fault_jmpbuf);
static volatile Addr fault_addr;
/* The range being scanned; globals, so that they survive the longjmp. */
static Addr scan_next, scan_end;

static void on_scan_fault(Int sig, Addr addr)
{
   /* The handler runs with the signal blocked; unblock it before
      jumping back, or the next fault would kill the process. */
   vki_sigset_t mask;
   VG_(sigprocmask)(VKI_SIG_SETMASK, NULL, &mask);
   VG_(sigdelset)(&mask, sig);
   VG_(sigprocmask)(VKI_SIG_SETMASK, &mask, NULL);
   if (sig == VKI_SIGSEGV || sig == VKI_SIGBUS) {
      fault_addr = addr;
      VG_MINIMAL_LONGJMP(fault_jmpbuf);
   }
}

static void scan_words_unguarded(Addr lo, Addr end)
{
   for (Addr a = lo; a < end; a += sizeof(Addr))
      consider_pointer(*(const Addr*)a);
}

/* Every aligned word of [lo, end). */
static void scan_words(Addr lo, Addr end, ULong* bytes_scanned)
{
   lo  = VG_ROUNDUP(lo, sizeof(Addr));
   end = VG_ROUNDDN(end, sizeof(Addr));
   if (lo >= end)
      return;
   *bytes_scanned += end - lo;
   scan_next = lo;
   scan_end  = end;
   fault_catcher_t previous = VG_(set_fault_catcher)(on_scan_fault);
   if (VG_MINIMAL_SETJMP(fault_jmpbuf) != 0) {
      tl_assert(fault_addr >= scan_next && fault_addr < scan_end);
      n_pages_skipped++;
      scan_next = VG_PGROUNDUP(fault_addr + 1);
   }
   if (scan_next < scan_end)
      scan_words_unguarded(scan_next, scan_end);
   VG_(set_fault_catcher)(previous);
}

/* [lo, end) without the live blocks in it (custom blocks in a pool or
   a container): those are scanned when reached. */
static void scan_around_blocks(Addr lo, Addr end, ULong* bytes_scanned)
{
   Addr a = lo;
   while (a < end) {
      Block* bk = hh_block_tree_next(a);
      if (bk == NULL || bk->payload >= end) {
         scan_words(a, end, bytes_scanned);
         return;
      }
      if (bk->payload > a)
         scan_words(a, bk->payload, bytes_scanned);
      a = bk->payload + bk->req_szB;
   }
}

static void scan_block(Block* bk)
{
   Addr end = bk->payload + bk->req_szB;
   /* Only a container holds other blocks; when there are any, a tree
      lookup per malloc'ed block finds out. */
   if (have_containers && bk->alloc_kind != HH_ALLOC_CUSTOM)
      scan_around_blocks(bk->payload, end, &block_bytes_scanned);
   else
      scan_words(bk->payload, end, &block_bytes_scanned);
}

//------------------------------------------------------------//
//--- Roots                                                ---//
//------------------------------------------------------------//

static Bool* running_at_exit = NULL;   // by ThreadId

static void consider_register(ThreadId tid, const HChar* name, UWord value)
{
   tl_assert(tid < VG_N_THREADS);
   running_at_exit[tid] = True;
   consider_pointer(value);
}

/* The threads running at exit: their registers are roots, and the live
   parts of their stacks stay roots whatever was painted dead there. */
static void mark_registers_and_live_stacks(void)
{
   running_at_exit = VG_(calloc)("hh.reach.running", VG_N_THREADS,
                                 sizeof(Bool));
   VG_(apply_to_GP_regs)(consider_register);
   ThreadId exiting = VG_(get_running_tid)();
   if (exiting != VG_INVALID_THREADID)
      running_at_exit[exiting] = True;

   for (ThreadId tid = 1; tid < VG_N_THREADS; tid++) {
      if (!running_at_exit[tid])
         continue;
      Addr sp = VG_(get_SP)(tid);
      consider_pointer(sp);   // a stack in a heap block keeps it
      NSegment const* seg = VG_(am_find_nsegment)(sp);
      if (seg != NULL)
         paint(live_stack_lo(sp), seg->end + 1, 0);
   }
   VG_(free)(running_at_exit);
   running_at_exit = NULL;
}

static Bool is_root_segment(NSegment const* seg)
{
   if (!(seg->hasR && seg->hasW) || seg->isCH)
      return False;
   if (seg->kind == SkFileC
       && (VKI_S_ISCHR(seg->mode) || VKI_S_ISBLK(seg->mode))) {
      /* Reading a device can hang or have effects; /dev/zero is memory. */
      const HChar* name = VG_(am_get_filename)(seg);
      return name != NULL && VG_(strcmp)(name, "/dev/zero") == 0;
   }
   return True;
}

/* [lo, end) of a root mapping, without its dead stack parts. */
static void scan_root_range(Addr lo, Addr end)
{
   Addr a = lo;
   while (a < end) {
      UWord range_lo, range_hi, value;
      VG_(lookupRangeMap)(&range_lo, &range_hi, &value, dead_stack, a);
      Addr stop = range_hi >= end - 1 ? end : range_hi + 1;
      if (value != DEAD_STACK)
         scan_around_blocks(a, stop, &root_bytes_scanned);
      a = stop;
   }
}

static void scan_root_segments(void)
{
   Int   n_starts = 0;
   Addr* starts = VG_(get_segment_starts)(SkFileC | SkAnonC | SkShmC,
                                          &n_starts);
   for (Int i = 0; i < n_starts; i++) {
      /* Copied out: allocating (the to-scan stack) may change the
         segment array under a pointer into it. */
      NSegment const* seg = VG_(am_find_nsegment)(starts[i]);
      if (seg == NULL || !is_root_segment(seg))
         continue;
      Addr lo = seg->start, end = seg->end + 1;
      if (VG_(clo_verbosity) > 2)
         VG_(umsg)("heaphunt: reachability: root mapping %#lx-%#lx (%'lu "
                   "bytes)\n", lo, end, end - lo);
      scan_root_range(lo, end);
   }
   VG_(free)(starts);
}

//------------------------------------------------------------//
//--- The scan                                             ---//
//------------------------------------------------------------//

static void drain(void)
{
   Block* bk;
   while ((bk = pop_to_scan()) != NULL)
      scan_block(bk);
   tl_assert(n_to_scan == 0 && to_scan == NULL);
}

static void count_if_lost(Block* bk, void* opaque)
{
   if (bk->reach_mark) {
      bk->reach_mark = 0;
      return;
   }
   hh_site_note_lost_at_exit(bk->site, bk->req_szB);
   if (!bk->site->ignored) {
      hh_lost_bytes += bk->req_szB;
      hh_lost_blocks++;
   }
}

void hh_reach_scan_at_exit(void)
{
   if (!hh_clo_reachability || hh_reach_scanned)
      return;
   UInt t_start_ms = VG_(read_millisecond_timer)();
   have_containers = hh_life_containers_count() > 0;

   mark_registers_and_live_stacks();
   scan_root_segments();
   drain();

   hh_life_for_each_block(count_if_lost, NULL);
   hh_reach_scanned = True;

   if (VG_(clo_verbosity) > 1)
      VG_(umsg)("heaphunt: reachability: scanned %'llu bytes of roots and "
                "%'llu of blocks, reached %'llu blocks, in %u ms; "
                "up to %'lu blocks waiting (%'lu bytes); %'llu pages "
                "skipped on faults\n",
                root_bytes_scanned, block_bytes_scanned, n_reached,
                VG_(read_millisecond_timer)() - t_start_ms, to_scan_peak,
                (to_scan_peak / TO_SCAN_CHUNK_ENTRIES + 1)
                   * sizeof(ToScanChunk), n_pages_skipped);
}
