/*--------------------------------------------------------------------*/
/*--- heaphunt: declarations shared by the tool's files  hh_tool.h ---*/
/*--------------------------------------------------------------------*/

/* heaphunt is a Valgrind tool that profiles the heap: every block's
   life is timed in guest instructions, every load and store into it is
   counted, every memcpy-family copy is attributed, and each allocation
   site (a stack of --num-callers frames) gets the totals DHAT computes
   plus heaphunt's access-pattern aggregates.  The profile is DHAT's
   JSON format with extra keys.

   The tool is split by concern; each file opens with a paragraph that
   says what it owns.  The files form layers, listed here from the
   bottom: a file calls only files of its own layer or below (a lower
   layer raises a flag, such as hh_dump_due, for a higher one to act on).
   docs/internals.md has the map and which function each event calls.

   ground
     hh_options.c     command line options
     hh_json.c        a small buffered JSON writer
     hh_frames.c      which frames of a stack are shown, and how each is
                      written
     hh_outfile.c     profile file names; files complete or absent
     hh_report.c      the program's mistakes, said once per stack
   data
     hh_timeline.c    the clock, live heap size over time, checkpoints,
                      the "a --dump-every profile is due" flag
     hh_blocks.c      the block table: live blocks by address
     hh_sites.c       allocation sites (program points), the global peak;
                      the only writer of a Site's fields
     hh_history.c     each site's live counts at instants over the run
     hh_copies.c      memcpy-family copies and their call sites
     hh_threads.c     the counts of each thread (HEAPHUNT_GET_THREAD_STATS)
     hh_interp.c      interpreted frames (Python, Ruby) in allocation
                      sites; hh_interp_python.c and hh_interp_ruby.c
                      read each interpreter's frames, hh_elf.c finds a
                      loaded object's symbols
   block lifecycle
     hh_lifecycle.c   tracks, moves and untracks blocks, custom blocks'
                      containers and pools included
   snapshots, output, dumps
     hh_snapshot.c    the run as if it ended now, for profiles and stats
     hh_reach.c       which blocks live at exit are still reachable
     hh_output.c      the profile file and the summary
     hh_dumps.c       profiles before exit: on request, periodic, exec
   event sources (called by the core)
     hh_alloc.c       the malloc-family replacement callbacks
     hh_custom.c      custom allocators' client requests
     hh_instrument.c  VEX instrumentation: the clock and memory events
     hh_access.c      reads and writes into blocks (guest and syscalls)
     hh_clreq.c       client requests (heaphunt.h's and dhat.h's)
     hh_monitor.c     gdbserver monitor commands
     hh_main.c        registration, start-up, shut-down, the syscalls
                      that end or replace the process, the exit status
   the preload (runs in the client)
     hh_replace_strmem.c  str/mem functions, each copy reported

   This header holds the types that cross file boundaries and the
   functions each file exports. */

#ifndef HH_TOOL_H
#define HH_TOOL_H

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_tooliface.h"
#include "valgrind.h"
#include "heaphunt.h"    // HeaphuntStats

#include "hh_compat.h"   // differences between Valgrind releases

#ifndef HEAPHUNT_VERSION
#define HEAPHUNT_VERSION "0.1.0"
#endif

//------------------------------------------------------------//
//--- Options (hh_options.c)                               ---//
//------------------------------------------------------------//

extern const HChar* hh_clo_out_file;      // --heaphunt-out-file
extern const HChar* hh_clo_out_file_option; // the option that set it
extern SizeT        hh_clo_histogram_max; // --histogram-max (bytes)
extern Bool         hh_clo_copies;        // --copies
extern Bool         hh_clo_accesses;      // --accesses
extern Long         hh_clo_max_end_bytes; // --max-end-bytes, -1 = none
extern Long         hh_clo_max_end_blocks;// --max-end-blocks, -1 = none
extern Int          hh_clo_limit_exit_code; // --limit-exit-code
extern ULong        hh_clo_dump_every_instrs; // --dump-every, 0 = never
extern Bool         hh_clo_reachability;  // --reachability

/* --histogram-max's default: blocks larger than this get no per-offset
   histogram (DHAT: 1024). */
#define HH_DEFAULT_HISTOGRAM_MAX 1024

extern Bool         hh_clo_limit_each_process; // --limit-process=each

Bool hh_process_cmd_line_option(const HChar* arg);
/* After the options: notes the first process's pid, for the Valgrinds
   that its execs start too. */
void hh_options_startup(void);
/* Is this the process Valgrind started (or what it exec'd)? */
Bool hh_is_first_process(void);
void hh_print_usage(void);
void hh_print_debug_usage(void);
/* --alloc-fn / --ignore-fn: is fn_name one of those given? */
Bool hh_is_alloc_fn(const HChar* fn_name);
Bool hh_is_ignore_fn(const HChar* fn_name);
Bool hh_have_ignore_fns(void);

//------------------------------------------------------------//
//--- Instrumentation (hh_instrument.c)                    ---//
//------------------------------------------------------------//

IRSB* hh_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                    const VexGuestLayout* layout,
                    const VexGuestExtents* vge,
                    const VexArchInfo* archinfo_host,
                    IRType gWordTy, IRType hWordTy);
/* A custom allocator's block is starting at [a, a + szB): if it is in
   static data, accesses to constant addresses must be instrumented from
   now on.  Call from a client request only (it may discard
   translations). */
void  hh_instrument_note_custom_block(Addr a, SizeT szB);

//------------------------------------------------------------//
//--- Stack frames (hh_frames.c)                           ---//
//------------------------------------------------------------//

/* The frames of an allocation or copy stack that the user wants to see:
   the leading frames of heaphunt's preload and of --alloc-fn functions
   removed.  Never empty; the array is VG_(malloc)ed.  *cut_out (unless
   NULL): the stack was cut at --num-callers frames before its end. */
void hh_user_frames(ExeContext* ec, Addr** ips_out, UInt* n_out,
                    Bool* cut_out);
/* Orders frame lists (for the site and copy-site tables). */
Word hh_cmp_frame_lists(const Addr* ips1, UInt n1, const Addr* ips2,
                        UInt n2);
/* Where the frame being described comes from (valid during emit). */
typedef struct {
   DiEpoch             ep;
   Addr                ip;
   const InlIPCursor*  cursor;     // NULL when no call is inlined at ip
   Bool                by_object;  // a preload frame, named by its object
} FrameSource;
/* Calls emit with the description of the frame at ip as DHAT writes it,
   once per inlined call; frames of heaphunt's preload by their object,
   interpreted frames by their text. */
void hh_frames_describe(DiEpoch ep, Addr ip,
                        void (*emit)(const HChar* description,
                                     const FrameSource* src, void*),
                        void* opaque);
/* The directory of the source file of the frame emit was given (for an
   inlined call, the file of that call), such that DIR/FILE is the
   source's path, FILE as the description shows it; NULL when the debug
   info has none or FILE is a whole path.  It overwrites the description
   given to emit: pass a copy of it.  Valid until the next call. */
const HChar* hh_frames_source_dir(const FrameSource* src,
                                  const HChar* description);
/* An interpreted frame (hh_interp.c) in a frame list: HH_INTERP_TAG | id,
   a non-canonical address that no native frame can have, naming the id'th
   distinct text interned. */
#define HH_INTERP_TAG      0x8000000000000000ULL
#define HH_INTERP_ID_MASK  0x00000000ffffffffULL
Addr         hh_frames_interp_address(const HChar* text);
/* The text of an interpreted frame's address, NULL for a native frame. */
const HChar* hh_frames_interp_text(Addr ip);
UWord        hh_frames_interp_count(void);

//------------------------------------------------------------//
//--- Blocks and sites (hh_blocks.c, hh_sites.c)           ---//
//------------------------------------------------------------//

typedef struct _Site Site;

typedef struct _Block {
   Addr    payload;
   SizeT   req_szB;        // never 0: a 0-byte request is 1 byte
   /* req_szB while generated code may count accesses to this block
      inline: the block is in the table, has no histogram and (once the
      process has a second thread) is listed in the running thread's
      slice (hh_threads.c); else 0 (see AccessCache and
      hh_block_update_inline).  Never the first field: a
      freed Block's first word holds the pool's free-list link. */
   UWord   inline_szB;
   Site*   site;
   ULong   t_alloc_instrs;
   /* Updated on every access by hh_on_read / hh_on_write. */
   ULong   reads_bytes;          // by the program: loads and syscalls
   ULong   writes_bytes;
   ULong   t_last_access_instrs; // = t_alloc_instrs until accessed
   UShort* histo;          // per-offset access counts, saturating at
                           //   0xFFFF; NULL if too large or resized
   UInt    written_after_read;   // 1 once written after a read (a
                                 //   word, for guarded stores)
   /* Flags and a thread's serial, in one word: a Block is 80 bytes. */
   UInt    alloc_kind     : 2;   // HH_ALLOC_*: which family allocated it
   UInt    in_granule_map : 1;   // indexed by hh_blocks.c's granule map
   UInt    reach_mark     : 1;   // reached by the scan at exit
                                 //   (hh_reach.c); 0 outside it
   UInt    thread_listed  : 1;   // in the running thread's slice
   UInt    thread_dead    : 1;   //   ... and ended: the record is freed
                                 //   when the slice ends (hh_threads.c)
   UInt    alloc_thread   : 26;  // the serial of the thread that
                                 //   allocated it (hh_threads.c); 0 for
                                 //   an ignored site
} Block;

/* Each instrumented load or store has its own one-entry cache: the
   block it hit last.  Generated code updates that block's counters
   inline while the access keeps hitting it, that is while
   addr - bk->payload < bk->inline_szB (hh_instrument.c).  Nothing is
   ever invalidated: a block that dies, moves, shrinks or gains a
   histogram sets its inline_szB to 0 or its new size, and Blocks come
   from a pool that never gives memory back, so a stale entry still
   points at a readable Block.  If that Block is reused for a new
   block, a hit means the address is inside the new block, which is
   then the right one to count. */
typedef struct {
   Block* bk;
} AccessCache;

/* Block.alloc_kind: the deallocation must come from the same family. */
#define HH_ALLOC_MALLOC  0   // malloc, calloc, realloc, memalign, ...
#define HH_ALLOC_NEW     1   // operator new (all forms but arrays)
#define HH_ALLOC_NEW_VEC 2   // operator new[]
#define HH_ALLOC_CUSTOM  3   // VALGRIND_MALLOCLIKE_BLOCK, mempools


/* How a site's per-offset histogram is aggregated (DHAT's rule): a
   site has one only while every retired block of the site had the same
   size. */
typedef enum { HistoUnknown, HistoExactly, HistoMixed } SiteHistoState;

#define HH_IDLE_DECILES 10

/* A site's live counts at past instants (hh_history.c owns the
   contents; hh_sites.c calls it before every change of the counts). */
typedef struct {
   UChar* buf;     // the triples (instant, bytes, blocks), LEB128
   UInt   len, cap;
   UInt   seen;    // instants passed at the site's last change
} SiteHistory;

struct _Site {
   /* Identity: the allocation stack without heaphunt's own frames.
      Sites with equal frame lists are one site. */
   Addr*   ips;
   UInt    n_ips;
   DiEpoch epoch;        // the epoch in which ips can be described
   UInt    index;        // creation order, from 0
   Bool    ignored;      // under an --ignore-fn function: not counted
   Bool    stack_cut;    // a stack of it was cut at --num-callers frames

   ULong total_blocks;   // allocated in the whole run (realloc counts)
   ULong total_bytes;
   ULong live_blocks;    // live now
   ULong live_bytes;
   ULong max_blocks;     // the site's own maximum of live_bytes, and
   ULong max_bytes;      //   its live_blocks at that moment
   ULong peak_blocks;    // live at the global peak (valid only when
   ULong peak_bytes;     //   peak_seq == hh_peak_seq, else = live)
   ULong peak_seq;
   ULong first_alloc_instrs;
   ULong last_free_instrs;

   /* Folded in from blocks when they retire (freed, or live at exit). */
   ULong total_lifetimes_instrs;
   ULong freed_blocks;
   ULong reads_bytes;
   ULong writes_bytes;
   ULong no_access_blocks;         // never read nor written
   ULong write_only_blocks;        // written, never read
   ULong read_only_after_init_blocks; // read, never written after that
   ULong short_lived_blocks;       // freed within HH_SHORT_LIVED_INSTRS
   ULong idle_instrs;              // last access (or alloc) to death
   ULong end_idle_bytes[HH_IDLE_DECILES]; // live at end, by last access
   SiteHistory history;   // live counts at past instants

   /* Live at exit and reached by no pointer (hh_reach.c); 0 until the
      scan at exit. */
   ULong lost_blocks;
   ULong lost_bytes;

   /* Copies (hh_copies.c): bytes and calls with this site's blocks as
      the destination (in) or the source (out) of a memcpy-family call. */
   ULong copy_in_bytes, copy_in_calls;
   ULong copy_out_bytes, copy_out_calls;
   ULong realloc_moved_bytes;      // copied by realloc moving a block

   SiteHistoState histo_state;
   SizeT          histo_szB;
   UInt*          histo;  // [0 .. histo_szB-1], or NULL
};

/* Blocks that live less than this many instructions are "short-lived"
   (dh_view's "tuth"; DHAT writes the same constant). */
#define HH_SHORT_LIVED_INSTRS 500

/* A new global peak is counted by a sequence number, so that a site's
   live counts at the peak are captured lazily, on its next change. */
extern ULong hh_peak_seq;

extern ULong hh_total_blocks, hh_total_bytes;
extern ULong hh_live_blocks, hh_live_bytes;
extern ULong hh_peak_blocks, hh_peak_bytes, hh_peak_instrs;

void  hh_sites_init(void);
/* The site of an allocation by thread tid with this ExeContext. */
Site* hh_site_for_ec(ThreadId tid, ExeContext* ec);
/* The site with these frames (found or made; takes ips, VG_(malloc)ed);
   stack_cut: the stack was cut at --num-callers (Site.stack_cut). */
Site* hh_site_for_frames(Addr* ips, UInt n_ips, DiEpoch ep, Bool ignored,
                         Bool stack_cut);
void  hh_site_note_alloc(Site* site, SizeT szB);
void  hh_site_note_free(Site* site, SizeT szB);
void  hh_site_note_resize(Site* site, SizeT old_szB, SizeT new_szB);
/* A block's counters go into its site as it ends (it is out of the
   table already). */
void  hh_site_retire_block(Block* bk);
/* realloc's implied copy, counted as DHAT does: as reads and writes of
   the copied bytes (not as a use of the data); moved_szB when the block
   moved. */
void  hh_site_note_realloc_copy(Site* site, SizeT copied_szB,
                                SizeT moved_szB);
/* A memcpy-family copy into or out of one of the site's blocks. */
void  hh_site_note_copied_in(Site* site, SizeT szB);
void  hh_site_note_copied_out(Site* site, SizeT szB);
/* Reads and writes of the counted blocks retired so far. */
void  hh_sites_retired_accesses(ULong* reads_bytes, ULong* writes_bytes);
/* For snapshots: a copy of a site (its at-peak counts fixed), a live
   block folded into such a copy as if it retired at t_instrs, and the
   copy freed. */
Site* hh_site_copy(const Site* site);
void  hh_site_fold_live_block(Site* copy, const Block* bk, ULong t_instrs);
void  hh_site_copy_free(Site* copy);
/* A block live at exit was found unreachable (hh_reach.c). */
void  hh_site_note_lost_at_exit(Site* site, SizeT szB);
ULong hh_site_gb(const Site* site);
ULong hh_site_gbk(const Site* site);
UWord hh_sites_count(void);
Site* hh_site_at(UWord i);   // creation order

/* The tightest range [hh_heap_lo, hh_heap_lo + hh_heap_span) holding
   every block ever allocated.  Generated code reads these two words to
   skip, without a call, accesses that cannot hit a block. */
extern Addr  hh_heap_lo;
extern UWord hh_heap_span;

void   hh_blocks_init(void);
/* Every Block is allocated and freed with these (see hh_blocks.c). */
Block* hh_block_new(void);
void   hh_block_free(Block* bk);
void   hh_block_insert(Block* bk);
void   hh_block_remove(Block* bk);
/* bk (in the table) has just been given a histogram. */
void   hh_block_histogram_added(Block* bk);
/* Sets the inline_szB of bk, a block in the table, from the rule above,
   after it joined or left the running thread's slice (for a block out
   of the table, leaving the slice means 0 all the same). */
void   hh_block_update_inline(Block* bk);
Block* hh_block_containing(Addr a);
/* A live block with a byte in [lo, hi), or NULL. */
Block* hh_block_overlapping(Addr lo, Addr hi);
/* Per-offset histograms (Block.histo) of szB bytes: zeroed; freed with
   the size they were allocated with. */
UShort* hh_histo_new(SizeT szB);
void    hh_histo_free(UShort* histo, SizeT szB);
/* Every block in the table, in address order; fn must not change the
   table. */
void   hh_blocks_for_each(void (*fn)(Block*, void*), void* opaque);
UWord  hh_blocks_live_count(void);
/* The first block of the tree (blocks not in the granule map: large
   ones and every custom block) that ends after a, or NULL. */
Block* hh_block_tree_next(Addr a);

//------------------------------------------------------------//
//--- Counts per thread (hh_threads.c)                     ---//
//------------------------------------------------------------//

void hh_threads_init(void);
/* tid runs client code, or an event on its behalf, from now on (the
   core's start_client_code, and every event that names a thread). */
void hh_threads_running(ThreadId tid);
/* False while the process has had one thread: its reads and writes are
   then the process's (hh_reads_writes_now), and no block is listed.
   hh_threads_start_listing turns it on when a second thread is created,
   with the process's reads and writes so far (the first thread's). */
extern Bool hh_threads_listing;
void hh_threads_start_listing(ULong reads_bytes, ULong writes_bytes);
/* With hh_threads_listing: the helper is about to count an access to bk
   (in the table), which is not listed in the running thread's slice: it
   joins it. */
void hh_threads_list_block(Block* bk);
/* A block was allocated by tid (after hh_site_for_ec: an ignored site's
   block is not counted); it ends (retires: its size leaves its
   allocator's live counts; True if it is listed in the running thread's
   slice, which then keeps its record until the slice ends and frees it
   with hh_block_free); it is resized by tid (realloc: the old size
   leaves its allocator, the new block is tid's). */
void hh_threads_note_alloc(ThreadId tid, Block* bk);
Bool hh_threads_block_ending(Block* bk);
void hh_threads_note_resize(ThreadId tid, Block* bk, SizeT old_szB);
/* realloc's implied copy (reads and writes) and a memcpy-family copy,
   made by tid. */
void hh_threads_note_realloc_copy(ThreadId tid, const Block* bk,
                                  SizeT copied_szB);
void hh_threads_note_copy(ThreadId tid, SizeT szB);
/* tid is about to exit; in a forked child, only tid lives on. */
void hh_threads_exiting(ThreadId tid);
void hh_threads_after_fork_in_child(ThreadId tid);
/* HEAPHUNT_GET_THREAD_STATS: tid's counts so far (without
   hh_threads_listing, reads_bytes and writes_bytes are left for the
   caller: the process's). */
void hh_threads_stats(ThreadId tid, HeaphuntStats* out);

//------------------------------------------------------------//
//--- The life of a block (hh_lifecycle.c)                 ---//
//------------------------------------------------------------//

/* The only way blocks enter, move in and leave the block table and
   their sites' live counts.  Event sources call these; none of them
   writes a profile. */
void   hh_lifecycle_init(void);
/* Start counting a block at memory the caller already owns. */
Block* hh_life_track(ThreadId tid, Addr payload, SizeT req_szB,
                     UChar alloc_kind);
/* Stop: the block retires into its site as freed and its record is
   freed (its memory is not touched).  A custom block's container comes
   back when it was the last inside; a hidden container's inner blocks
   end first. */
void   hh_life_untrack(Block* bk);
/* The block in the table starting exactly at p; the hidden container
   starting at p; the custom block starting at p.  Or NULL. */
Block* hh_life_block_at(Addr p);
Block* hh_life_container_at(Addr p);
Block* hh_life_custom_block_at(Addr p);
/* Hidden containers: how many, and the one holding a (or NULL). */
UWord  hh_life_containers_count(void);
Block* hh_life_container_holding(Addr a);
/* bk is now [new_payload, new_payload + new_szB) (it moved, or changed
   size in place), counted as a realloc by thread tid (hh_site_note_resize,
   hh_threads_note_resize); it loses its histogram.  A hidden container's
   inner blocks move with it. */
void   hh_life_move(ThreadId tid, Block* bk, Addr new_payload,
                    SizeT new_szB);
void   hh_life_drop_histogram(Block* bk);
/* DHAT_HISTOGRAM_MEMORY: bk, which has none, gets a histogram. */
void   hh_life_give_histogram(Block* bk);
/* Custom blocks: NULL on success, else why the block was refused. */
const HChar* hh_life_track_custom(ThreadId tid, Addr addr, SizeT szB,
                                  Addr pool);
const HChar* hh_life_resize_custom(ThreadId tid, Block* bk,
                                   SizeT new_szB);
/* The program unmapped [a, a + len): custom blocks there end. */
void   hh_life_memory_gone(Addr a, SizeT len);
/* Ends every block of the pool outside [keep_lo, keep_hi). */
void   hh_life_end_pool_blocks(Addr pool, Addr keep_lo, Addr keep_hi);
void   hh_life_move_pool(Addr from, Addr to);
/* Every live block, hidden containers included, in address order; fn
   must not track, move or untrack blocks. */
void   hh_life_for_each_block(void (*fn)(Block*, void*), void* opaque);

//------------------------------------------------------------//
//--- Snapshots (hh_snapshot.c)                            ---//
//------------------------------------------------------------//

/* A consistent picture of every site at one moment, with the blocks
   still live folded in as if they retired now: what a profile shows.
   The live state is not changed, so a program can be profiled again
   later (client request, monitor command). */
typedef struct {
   Site** sites;          // by Site.index: copies, or the live Site
   UWord  n_sites;        //   itself for a site without live blocks
   ULong  t_instrs;       // when taken ("te")
   ULong  reads_bytes;    // of all counted blocks
   ULong  writes_bytes;
} SitesSnapshot;

SitesSnapshot* hh_snapshot_take(void);
void           hh_snapshot_free(SitesSnapshot* snap);
/* Bytes read and written in every counted block, live or not, so far. */
void hh_reads_writes_now(ULong* reads_bytes, ULong* writes_bytes);

//------------------------------------------------------------//
//--- Allocation callbacks (hh_alloc.c)                    ---//
//------------------------------------------------------------//

void hh_register_malloc_replacement(void);
void hh_alloc_report_counts(void);

//------------------------------------------------------------//
//--- Interpreted frames (hh_interp.c)                     ---//
//------------------------------------------------------------//

extern Bool hh_clo_interp_frames;   // --interp-frames

typedef struct _InterpPlan InterpPlan;

void hh_interp_init(void);
/* For a new allocation ExeContext whose user frames are ips[0..n_ips):
   a plan if they pass through an eval loop whose interpreter can be
   read (the plan then owns ips), else NULL. */
InterpPlan* hh_interp_plan(ExeContext* ec, Addr* ips, UInt n_ips,
                           DiEpoch ep, Bool ignored, Bool stack_cut);
/* The site of an allocation by thread tid whose ExeContext has a plan:
   its native frames with the interpreted frames of this moment. */
Site* hh_interp_site(ThreadId tid, InterpPlan* plan);
/* A block at payload is being freed (it may hold interpreted code). */
void hh_interp_note_free(Addr payload);
void hh_interp_print_stats(void);
/* The instrumenter calls hh_interp_on_watched_entry(first argument
   register) at the start of the instruction at hh_interp_watched_entry
   (0: none). */
extern Addr hh_interp_watched_entry;
VG_REGPARM(1) void hh_interp_on_watched_entry(UWord arg0);

//------------------------------------------------------------//
//--- Custom allocators (hh_custom.c)                      ---//
//------------------------------------------------------------//

/* Handles valgrind.h's MALLOCLIKE/FREELIKE/RESIZEINPLACE and mempool
   requests; False if arg[0] is not one of them. */
Bool hh_custom_client_request(ThreadId tid, UWord* arg, UWord* ret);
void hh_custom_init(void);

//------------------------------------------------------------//
//--- Accesses (hh_access.c)                               ---//
//------------------------------------------------------------//

VG_REGPARM(2) void hh_on_read(Addr addr, UWord szB);
VG_REGPARM(2) void hh_on_write(Addr addr, UWord szB);
/* The same, from generated code, filling the access's cache entry. */
VG_REGPARM(3) void hh_on_read_cached(AccessCache* cache, Addr addr,
                                     UWord szB);
VG_REGPARM(3) void hh_on_write_cached(AccessCache* cache, Addr addr,
                                      UWord szB);
void hh_track_syscall_accesses(void);

//------------------------------------------------------------//
//--- Copies (hh_copies.c)                                 ---//
//------------------------------------------------------------//

typedef struct _CopySite CopySite;

extern ULong hh_copied_bytes, hh_copy_calls;

void      hh_copies_init(void);
void      hh_copy_note(ThreadId tid, Addr dst, Addr src, SizeT szB);
UWord     hh_copy_sites_count(void);
CopySite* hh_copy_site_at(UWord i);
void      hh_copy_site_frames(const CopySite* cs, const Addr** ips,
                              UInt* n_ips, DiEpoch* ep);
ULong     hh_copy_site_bytes(const CopySite* cs);
ULong     hh_copy_site_calls(const CopySite* cs);
/* Calls fn(site or NULL for non-heap memory, bytes) for each source
   (is_source) or destination the copy site touched. */
void      hh_copy_site_for_each_end(const CopySite* cs, Bool is_source,
                                    void (*fn)(const Site*, ULong, void*),
                                    void* opaque);

//------------------------------------------------------------//
//--- The clock, the timeline, checkpoints (hh_timeline.c) ---//
//------------------------------------------------------------//

/* Guest instructions executed so far, by all threads.  Incremented by
   generated code (hh_instrument.c); this is the profile's time unit
   ("instrs"). */
extern ULong hh_clock_instrs;

typedef struct {
   ULong t, bytes, blocks;   // an instant, and the live heap then
} TimelinePoint;

void hh_timeline_init(void);
/* Call after every change of the live totals, with their new values. */
void hh_timeline_note(ULong live_bytes, ULong live_blocks);
/* Raised by hh_timeline_note when --dump-every's next instant has
   passed.  Never acted on where it is raised: the event source that
   changed the heap writes the profile (hh_dumps_write_due) after its
   bookkeeping is complete, and that lowers it. */
extern Bool hh_dump_due;
void hh_timeline_start_dumps(void);    // after the options are known
void hh_timeline_dump_written(void);   // lowers the flag, plans the next
void hh_checkpoint_add(const HChar* name, ULong live_bytes,
                       ULong live_blocks);
/* The timeline as arrays of instants, live bytes and live blocks, with
   the exact global peak and the end point added (VG_(malloc)ed). */
UWord hh_timeline_points(const TimelinePoint* peak, const TimelinePoint* end,
                         ULong** t, ULong** bytes, ULong** blocks);
UWord hh_checkpoints_count(void);
void  hh_checkpoint_at(UWord i, const HChar** name, ULong* t,
                       ULong* bytes, ULong* blocks);

//------------------------------------------------------------//
//--- Each site's live counts over time (hh_history.c)     ---//
//------------------------------------------------------------//

/* Checkpoints beyond this many are not instants of the history (they
   stay in hhCheckpoints, with "hi": null). */
#define HH_HIST_MAX_CHECKPOINTS 1024

/* Instants passed so far, and the next grid instant to pass: read on
   every event, before a site changes (hh_sites.c's
   capture_before_change, inline: two compares). */
extern UInt  hh_hist_n_passed;
extern ULong hh_hist_next_grid_instrs;

void hh_hist_init(void);
void hh_hist_site_init(SiteHistory* h);
/* The clock ran past hh_hist_next_grid_instrs: the grid instant passed. */
void hh_hist_pass_grid(void);
/* Just before a site's live counts change, with their values now, when
   instants passed since it last changed (h->seen != hh_hist_n_passed):
   records them at those instants. */
void hh_hist_record(SiteHistory* h, ULong live_bytes, ULong live_blocks);
/* A checkpoint happened now: an instant, unless past
   HH_HIST_MAX_CHECKPOINTS. */
void hh_hist_add_checkpoint(void);

/* The instants of one profile, written at t_end (hhHist): read-only on
   the histories, so that a profile written mid-run changes nothing. */
typedef struct _HistProfile HistProfile;
HistProfile* hh_hist_profile_begin(ULong t_end, Bool have_peak,
                                   ULong t_peak);
UWord hh_hist_profile_n_instants(const HistProfile* p);
void  hh_hist_profile_instant(const HistProfile* p, UWord i, ULong* t,
                              HChar* kind);
Long  hh_hist_profile_peak_index(const HistProfile* p);      // or -1
Long  hh_hist_profile_checkpoint_index(const HistProfile* p,
                                       UWord checkpoint);    // or -1
/* emit(i, bytes, blocks) at each instant where the site's value differs
   from the previous instant's (0 before the first). */
void  hh_hist_profile_site(const HistProfile* p, const SiteHistory* h,
                           ULong live_bytes, ULong live_blocks,
                           ULong peak_bytes, ULong peak_blocks,
                           void (*emit)(UWord i, ULong bytes, ULong blocks,
                                        void* opaque),
                           void* opaque);
void  hh_hist_profile_end(HistProfile* p);

//------------------------------------------------------------//
//--- Reachability at exit (hh_reach.c)                    ---//
//------------------------------------------------------------//

/* Set by hh_reach_scan_at_exit: every site's lost_* are then final,
   and these are their sums over the sites that are not ignored. */
extern Bool  hh_reach_scanned;
extern ULong hh_lost_bytes, hh_lost_blocks;

/* Registers the hooks that follow thread stacks (before options). */
/* The program unmapped [a, a + len) (hh_main.c's munmap event). */
void hh_reach_note_unmapped(Addr a, SizeT len);
void hh_reach_init(void);
/* A thread is about to exit: its stack is dead from now on. */
void hh_reach_thread_exiting(ThreadId tid);
/* With --reachability=yes: finds which live blocks no pointer reaches
   and counts them as lost in their sites.  At exit only. */
void hh_reach_scan_at_exit(void);

//------------------------------------------------------------//
//--- Profiles before exit (hh_dumps.c)                    ---//
//------------------------------------------------------------//

/* path_template NULL: the --heaphunt-out-file name. */
Bool hh_dump_now(const HChar* why, const HChar* path_template);
/* The process is about to execve exec_path (NULL if it cannot be
   read); hh_main.c's syscall hook.  And the execve failed. */
void hh_dump_before_exec(const HChar* exec_path);
void hh_exec_failed(UWord err);
/* Writes the --dump-every profile that is due (hh_dump_due, which the
   caller tests first: it is on the allocation path).  Called by event
   sources only, when the event's bookkeeping is complete. */
void hh_dumps_write_due(void);
/* Part of the summary: --dump-every profiles that could not be
   written, beyond the first (which was said). */
void hh_dumps_report_failures(void);

//------------------------------------------------------------//
//--- gdbserver monitor commands (hh_monitor.c)            ---//
//------------------------------------------------------------//

/* False if the command is not heaphunt's. */
Bool hh_handle_monitor_command(const HChar* command);

//------------------------------------------------------------//
//--- Client requests (hh_clreq.c)                         ---//
//------------------------------------------------------------//

Bool hh_handle_client_request(ThreadId tid, UWord* arg, UWord* ret);
/* Part of the summary: requests refused, DHAT's ad-hoc events. */
void hh_clreq_report_counts(void);
/* Copies the NUL-terminated string at a into buf, reading only memory
   the client may read; False (and *why) if it is not all readable or is
   longer than buf_szB - 1 bytes. */
Bool hh_read_client_string(Addr a, HChar* buf, SizeT buf_szB,
                           const HChar** why);

//------------------------------------------------------------//
//--- The program's mistakes (hh_report.c)                 ---//
//------------------------------------------------------------//

/* True the first time a mistake is reported from this calling stack. */
Bool hh_first_report_from(ThreadId tid);

//------------------------------------------------------------//
//--- JSON writer (hh_json.c)                              ---//
//------------------------------------------------------------//

typedef struct _JsonOut JsonOut;

/* Writes to fd (a file from hh_outfile_create). */
JsonOut* hh_json_start(Int fd);
void     hh_json_raw(JsonOut* out, const HChar* s);
void     hh_json_printf(JsonOut* out, const HChar* format, ...)
            PRINTF_CHECK(2, 3);
/* Writes s as a JSON string literal, quotes included. */
void     hh_json_string(JsonOut* out, const HChar* s);
/* Flushes; False if any write failed, with the first failure's errno.
   The file is left open. */
Bool     hh_json_finish(JsonOut* out, UWord* errno_out);

//------------------------------------------------------------//
//--- Profile file names and files (hh_outfile.c)          ---//
//------------------------------------------------------------//

/* At start-up: copies the environment (for %q{VAR}), checks the
   out-file name given by option, removes stale temporaries of its
   names, and makes sure a profile can be created there; stops Valgrind
   with a message naming the option if not. */
void   hh_outfile_startup(const HChar* option, const HChar* out_file);
/* The absolute file name for name (%p, %q{VAR} from the start-up
   environment, %%), VG_(malloc)ed; NULL if it is bad, *why saying why. */
HChar* hh_outfile_expand(const HChar* name, const HChar** why);

/* A profile being written: complete at its target or nowhere. */
typedef struct _OutFile OutFile;
/* NULL on failure, with the errno. */
OutFile*     hh_outfile_create(const HChar* path, UWord* errno_out);
Int          hh_outfile_fd(const OutFile* of);
/* Closes the file and puts it at its target; False if the rename
   failed (the temporary is then removed). */
Bool         hh_outfile_publish(OutFile* of);
/* Closes and removes it (a write failed). */
void         hh_outfile_discard(OutFile* of);
/* A short description of an errno value, for messages. */
const HChar* hh_errno_text(UWord err);

//------------------------------------------------------------//
//--- Output (hh_output.c)                                 ---//
//------------------------------------------------------------//

/* Writes a profile of the program as it is now to the expanded
   path_template; True on success.  The file appears complete or not at
   all.  *path_out gets the expanded name (VG_(malloc)ed) either way.
   Nothing is printed: on failure hh_profile_write_error says what went
   wrong, in one sentence naming the file (or, for a bad name, the name
   and option_name, the option or request that gave it). */
Bool hh_write_profile(const HChar* option_name, const HChar* path_template,
                      HChar** path_out);
const HChar* hh_profile_write_error(void);
/* VG_(umsg) or VG_(gdb_printf). */
typedef UInt (*HhPrintf)(const HChar* format, ...);
/* The summary of the run so far: at exit DHAT's five lines (and the
   copies), else the same with "Live now" and the time. */
void hh_print_summary(HhPrintf print, Bool at_exit);

#endif /* HH_TOOL_H */
