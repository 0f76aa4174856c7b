/*--------------------------------------------------------------------*/
/*--- heaphunt: counts per thread                   hh_threads.c ---*/
/*--------------------------------------------------------------------*/

/* The numbers of HEAPHUNT_GET_THREAD_STATS: the HeaphuntStats fields
   counted for one thread.  What "its" means:

   - A block belongs to the thread that allocated it (for a realloc, the
     thread that called realloc: the new block is its).  The block's
     bytes are in that thread's live counts until the block is freed, by
     any thread; a thread that frees another thread's block changes
     nothing of its own.  Its peak is the highest its live bytes have
     been (and its live blocks then).
   - Reads and writes count for the thread that makes them, in any
     block: loads, stores, its syscalls' accesses and its reallocs'
     implied copies; copies (memcpy family) and instructions too.

   Each thread has a ThreadCounts record for its whole life, numbered by
   a serial (Valgrind reuses ThreadIds as soon as a thread exits; a
   serial is reused only once its record is gone); a block keeps its
   allocator's serial (Block.alloc_thread).  A record outlives its thread
   while blocks of the thread are live.

   Reads and writes need care, because generated code counts them into
   each block's own counters inline (hh_instrument.c), with no notion of
   threads, and that path must stay as cheap as it is.

   - While the process has had one thread only, every access is that
     thread's: its reads and writes are the process's, which the caller
     of hh_threads_stats supplies (hh_threads_listing is False).
   - From the creation of a second thread on (hh_threads_start_listing),
     accesses are told apart by slices.  Valgrind runs one thread at a
     time, so every access made between two changes of the running
     thread (a "slice") is that thread's.  The blocks whose counters may
     change during a slice are listed, with their counters subtracted
     from the slice's sums when they join; when the slice ends their
     counters are added back: the difference is the slice's reads and
     writes, exactly.  A block joins the list when the helper counts an
     access to it (hh_access.c), and only listed blocks may be counted
     inline (hh_block_update_inline gives Block.inline_szB only to
     them); at the end of a slice every block leaves the list, so the
     next slice starts with none, and its cost is the number of blocks
     it touched, not the number of live blocks.  A block that dies
     during a slice stays listed, its record kept until the slice ends
     (its final counters are read then, and no other block may reuse the
     record before); a slice that lists HH_SLICE_MAX_BLOCKS blocks ends
     early, so that the list stays bounded.  The running thread
     changes when the core starts a thread's code and at every event
     that names another thread (a syscall's access after a blocking
     syscall); a slice also ends when a thread asks for its stats.  The
     event sources say so (hh_threads_running); this file registers
     nothing with the core.

   The instructions of a slice are the clock's advance during it: the
   clock only moves in generated code, which only the slice's thread
   runs. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

typedef struct {
   ULong total_blocks, total_bytes;
   ULong live_blocks, live_bytes;
   ULong peak_blocks, peak_bytes;
   ULong reads_bytes, writes_bytes;   // from slices only: see above
   ULong copied_bytes, copy_calls;
   ULong instrs;
   Bool  exited;
} ThreadCounts;

/* Records by serial, records[0] unused; NULL once freed, and the serial
   then given to a later thread (Block.alloc_thread has 26 bits: that many
   threads alive or with blocks alive at once).  An array, not an XArray:
   every allocation and free indexes it. */
#define HH_MAX_THREAD_SERIAL ((1u << 26) - 1)
static ThreadCounts** records = NULL;
static UInt           n_records = 1, records_capacity = 0;
static XArray*        free_serials = NULL;    // UInt
static UInt*          serial_of_tid = NULL;   // [VG_N_THREADS]; 0: none yet

Bool hh_threads_listing = False;

/* The slice: its thread, when it started, and the blocks it lists. */
static ThreadId slice_tid = VG_INVALID_THREADID;
static ULong    slice_start_instrs = 0;
static XArray*  slice_blocks = NULL;          // Block*
/* Reads and writes of the slice so far, minus the counters the listed
   blocks had when they joined: signed, since it starts negative. */
static Long     slice_reads_bytes = 0;
static Long     slice_writes_bytes = 0;

/* A slice that lists this many blocks ends early (its thread goes on in
   a new one): the list, and the records of blocks that ended in it, stay
   bounded whatever one thread does without switching. */
#define HH_SLICE_MAX_BLOCKS 65536

static void end_slice(void);

static inline ThreadCounts* record(UInt serial)
{
   tl_assert(serial > 0 && serial < n_records && records[serial] != NULL);
   return records[serial];
}

static UInt serial_for(ThreadId tid)
{
   tl_assert(tid > 0 && tid < VG_N_THREADS);
   if (LIKELY(serial_of_tid[tid] != 0))
      return serial_of_tid[tid];
   UInt serial;
   if (VG_(sizeXA)(free_serials) > 0) {
      serial = *(UInt*)VG_(indexXA)(free_serials,
                                    VG_(sizeXA)(free_serials) - 1);
      VG_(dropTailXA)(free_serials, 1);
   } else {
      tl_assert2(n_records <= HH_MAX_THREAD_SERIAL,
                 "more than %u threads alive or with live blocks",
                 HH_MAX_THREAD_SERIAL);
      if (n_records >= records_capacity) {
         records_capacity = records_capacity == 0 ? 64 : 2 * records_capacity;
         records = VG_(realloc)("hh.threads.records", records,
                                records_capacity * sizeof *records);
      }
      serial = n_records++;
   }
   records[serial] = VG_(calloc)("hh.threads.record", 1,
                                 sizeof(ThreadCounts));
   serial_of_tid[tid] = serial;
   return serial;
}

static void free_if_done(UInt serial)
{
   ThreadCounts* tc = record(serial);
   if (tc->exited && tc->live_blocks == 0) {
      VG_(free)(tc);
      records[serial] = NULL;
      VG_(addToXA)(free_serials, &serial);
   }
}

static inline Bool counted(const Block* bk)
{
   return !bk->site->ignored;
}

//------------------------------------------------------------//
//--- Slices                                               ---//
//------------------------------------------------------------//

void hh_threads_list_block(Block* bk)
{
   tl_assert(hh_threads_listing && !bk->thread_listed);
   if (UNLIKELY(VG_(sizeXA)(slice_blocks) >= HH_SLICE_MAX_BLOCKS))
      end_slice();
   VG_(addToXA)(slice_blocks, &bk);
   bk->thread_listed = 1;
   if (counted(bk)) {
      slice_reads_bytes  -= bk->reads_bytes;
      slice_writes_bytes -= bk->writes_bytes;
   }
   hh_block_update_inline(bk);
}

/* The slice's reads, writes and instructions go to its thread; every
   listed block leaves the list (and stops being counted inline), and
   the records of those that ended during the slice are freed. */
static void end_slice(void)
{
   UWord n = VG_(sizeXA)(slice_blocks);
   for (UWord i = 0; i < n; i++) {
      Block* bk = *(Block**)VG_(indexXA)(slice_blocks, i);
      if (counted(bk)) {
         slice_reads_bytes  += bk->reads_bytes;
         slice_writes_bytes += bk->writes_bytes;
      }
      bk->thread_listed = 0;
      hh_block_update_inline(bk);
      if (bk->thread_dead) {
         bk->thread_dead = 0;
         hh_block_free(bk);
      }
   }
   VG_(dropTailXA)(slice_blocks, n);
   tl_assert(slice_reads_bytes >= 0 && slice_writes_bytes >= 0);
   if (slice_tid != VG_INVALID_THREADID) {
      ThreadCounts* tc = record(serial_for(slice_tid));
      tc->reads_bytes  += slice_reads_bytes;
      tc->writes_bytes += slice_writes_bytes;
      tc->instrs       += hh_clock_instrs - slice_start_instrs;
   } else {
      tl_assert(slice_reads_bytes == 0 && slice_writes_bytes == 0);
   }
   slice_reads_bytes  = 0;
   slice_writes_bytes = 0;
   slice_start_instrs = hh_clock_instrs;
}

void hh_threads_running(ThreadId tid)
{
   if (LIKELY(tid == slice_tid))
      return;
   end_slice();
   slice_tid = tid;
}

static void stop_inline_counting(Block* bk, void* unused)
{
   hh_block_update_inline(bk);   // not listed: no longer counted inline
}

void hh_threads_start_listing(ULong reads_bytes, ULong writes_bytes)
{
   tl_assert(!hh_threads_listing && VG_(sizeXA)(slice_blocks) == 0);
   hh_threads_listing = True;
   if (slice_tid != VG_INVALID_THREADID) {
      ThreadCounts* tc = record(serial_for(slice_tid));
      tl_assert(tc->reads_bytes == 0 && tc->writes_bytes == 0);
      tc->reads_bytes  = reads_bytes;
      tc->writes_bytes = writes_bytes;
   }
   hh_blocks_for_each(stop_inline_counting, NULL);
}

//------------------------------------------------------------//
//--- Allocations, copies                                  ---//
//------------------------------------------------------------//

static void note_allocated(ThreadCounts* tc, SizeT szB)
{
   tc->total_blocks++;
   tc->total_bytes += szB;
   tc->live_blocks++;
   tc->live_bytes += szB;
   if (tc->live_bytes > tc->peak_bytes) {
      tc->peak_bytes  = tc->live_bytes;
      tc->peak_blocks = tc->live_blocks;
   }
}

static void note_freed(UInt serial, SizeT szB)
{
   ThreadCounts* tc = record(serial);
   tl_assert(tc->live_blocks >= 1 && tc->live_bytes >= szB);
   tc->live_blocks--;
   tc->live_bytes -= szB;
   if (UNLIKELY(tc->exited))
      free_if_done(serial);
}

void hh_threads_note_alloc(ThreadId tid, Block* bk)
{
   if (!counted(bk))
      return;
   bk->alloc_thread = serial_for(tid);
   note_allocated(record(bk->alloc_thread), bk->req_szB);
}

Bool hh_threads_block_ending(Block* bk)
{
   if (bk->alloc_thread != 0)
      note_freed(bk->alloc_thread, bk->req_szB);
   if (!bk->thread_listed)
      return False;
   /* Its final counters are read when the slice ends: until then the
      record must not be reused for another block. */
   bk->thread_dead = 1;
   return True;
}

void hh_threads_note_resize(ThreadId tid, Block* bk, SizeT old_szB)
{
   if (bk->alloc_thread == 0)
      return;
   note_freed(bk->alloc_thread, old_szB);
   bk->alloc_thread = serial_for(tid);
   note_allocated(record(bk->alloc_thread), bk->req_szB);
}

void hh_threads_note_realloc_copy(ThreadId tid, const Block* bk,
                                  SizeT copied_szB)
{
   /* Before the second thread, the process's numbers include it. */
   if (!hh_threads_listing || !counted(bk))
      return;
   ThreadCounts* tc = record(serial_for(tid));
   tc->reads_bytes  += copied_szB;
   tc->writes_bytes += copied_szB;
}

void hh_threads_note_copy(ThreadId tid, SizeT szB)
{
   ThreadCounts* tc = record(serial_for(tid));
   tc->copied_bytes += szB;
   tc->copy_calls++;
}

//------------------------------------------------------------//
//--- Threads coming and going                             ---//
//------------------------------------------------------------//

void hh_threads_exiting(ThreadId tid)
{
   if (tid == slice_tid) {
      end_slice();
      slice_tid = VG_INVALID_THREADID;
   }
   UInt serial = serial_of_tid[tid];
   if (serial == 0)
      return;
   serial_of_tid[tid] = 0;
   record(serial)->exited = True;
   free_if_done(serial);
}

/* In a forked child only the forking thread lives on; the others'
   ThreadIds will name new threads. */
void hh_threads_after_fork_in_child(ThreadId tid)
{
   for (ThreadId other = 1; other < VG_N_THREADS; other++) {
      if (other != tid)
         hh_threads_exiting(other);
   }
}

void hh_threads_stats(ThreadId tid, HeaphuntStats* out)
{
   hh_threads_running(tid);
   end_slice();
   const ThreadCounts* tc = record(serial_for(tid));
   out->curr_blocks  = tc->live_blocks;
   out->curr_bytes   = tc->live_bytes;
   out->total_blocks = tc->total_blocks;
   out->total_bytes  = tc->total_bytes;
   out->peak_blocks  = tc->peak_blocks;
   out->peak_bytes   = tc->peak_bytes;
   out->reads_bytes  = tc->reads_bytes;
   out->writes_bytes = tc->writes_bytes;
   out->copied_bytes = tc->copied_bytes;
   out->copy_calls   = tc->copy_calls;
   out->instrs       = tc->instrs;
}

void hh_threads_init(void)
{
   serial_of_tid = VG_(calloc)("hh.threads.serials", VG_N_THREADS,
                               sizeof(UInt));
   free_serials = VG_(newXA)(VG_(malloc), "hh.threads.free_serials",
                             VG_(free), sizeof(UInt));
   slice_blocks = VG_(newXA)(VG_(malloc), "hh.threads.slice", VG_(free),
                             sizeof(Block*));
}
