/*--------------------------------------------------------------------*/
/*--- heaphunt: declarations shared by the tool's files  hh_tool.h ---*/
/*--------------------------------------------------------------------*/

/* heaphunt is a Valgrind tool that profiles the heap: every block's
   life is timed in guest instructions, every load and store into it is
   counted, and each allocation site (a stack of --num-callers frames)
   gets the totals DHAT computes.  The profile is DHAT's JSON format.

   The tool is split by concern; each file opens with a paragraph that
   says what it owns:

     hh_main.c        registration with the core, start-up, shut-down
     hh_options.c     command line options
     hh_blocks.c      the block table: live blocks by address
     hh_sites.c       allocation sites (program points), peak tracking
     hh_alloc.c       the malloc-family replacement callbacks
     hh_access.c      reads and writes into blocks (guest and syscalls)
     hh_instrument.c  VEX instrumentation: the clock and memory events
     hh_clreq.c       client requests (DHAT's and heaphunt's)
     hh_json.c        a small buffered JSON writer
     hh_output.c      the profile file and the stderr summary

   This header holds the types that cross file boundaries and the
   functions each file exports. */

#ifndef HH_TOOL_H
#define HH_TOOL_H

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_tooliface.h"
#include "valgrind.h"

#ifndef HEAPHUNT_VERSION
#define HEAPHUNT_VERSION "0.1.0"
#endif

#include "hh_compat.h"   // differences between Valgrind releases

//------------------------------------------------------------//
//--- Options (hh_options.c)                               ---//
//------------------------------------------------------------//

extern const HChar* hh_clo_out_file;      // --heaphunt-out-file
extern SizeT        hh_clo_histogram_max; // --histogram-max (bytes)

Bool hh_process_cmd_line_option(const HChar* arg);
void hh_print_usage(void);
void hh_print_debug_usage(void);

//------------------------------------------------------------//
//--- The clock (hh_instrument.c)                          ---//
//------------------------------------------------------------//

/* Guest instructions executed so far, by all threads.  Incremented by
   generated code; this is the profile's time unit ("instrs"). */
extern ULong hh_clock_instrs;

IRSB* hh_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                    const VexGuestLayout* layout,
                    const VexGuestExtents* vge,
                    const VexArchInfo* archinfo_host,
                    IRType gWordTy, IRType hWordTy);

//------------------------------------------------------------//
//--- Allocation sites (hh_sites.c)                        ---//
//------------------------------------------------------------//

/* How a site's per-offset histogram is aggregated (DHAT's rule): a
   site has one only while every retired block of the site had the same
   size. */
typedef struct _Block Block;

typedef enum { HistoUnknown, HistoExactly, HistoMixed } SiteHistoState;

typedef struct _Site {
   /* Identity: the allocation stack without heaphunt's own frames.
      Sites with equal frame lists are one site. */
   Addr*   ips;
   UInt    n_ips;
   DiEpoch epoch;        // the epoch in which ips can be described

   ULong total_blocks;   // allocated in the whole run (realloc counts)
   ULong total_bytes;
   ULong live_blocks;    // live now
   ULong live_bytes;
   ULong max_blocks;     // the site's own maximum of live_bytes, and
   ULong max_bytes;      //   its live_blocks at that moment
   ULong peak_blocks;    // live at the global peak (valid only when
   ULong peak_bytes;     //   peak_seq == hh_peak_seq, else = live)
   ULong peak_seq;
   ULong total_lifetimes_instrs;
   ULong freed_blocks;
   ULong reads_bytes;    // folded in when blocks retire
   ULong writes_bytes;

   SiteHistoState histo_state;
   SizeT          histo_szB;
   UInt*          histo;  // [0 .. histo_szB-1], or NULL
} Site;

/* A new global peak is counted by a sequence number, so that a site's
   live counts at the peak are captured lazily, on its next change. */
extern ULong hh_peak_seq;

extern ULong hh_total_blocks, hh_total_bytes;
extern ULong hh_live_blocks, hh_live_bytes;
extern ULong hh_peak_blocks, hh_peak_bytes, hh_peak_instrs;
extern ULong hh_reads_bytes, hh_writes_bytes;  // of retired blocks

void  hh_sites_init(void);
Site* hh_site_for_ec(ExeContext* ec);
void  hh_site_note_alloc(Site* site, SizeT szB);
void  hh_site_note_free(Site* site, SizeT szB);
void  hh_site_note_resize(Site* site, SizeT old_szB, SizeT new_szB);
/* Fold a block's counters into its site: when it is freed
   (because_freed) or, at exit, while still live. */
void  hh_site_retire_block(Block* bk, Bool because_freed);
ULong hh_site_gb(const Site* site);
ULong hh_site_gbk(const Site* site);
/* Iterate over all sites in a fixed order (creation order). */
UWord hh_sites_count(void);
Site* hh_site_at(UWord i);

//------------------------------------------------------------//
//--- Blocks (hh_blocks.c)                                 ---//
//------------------------------------------------------------//

struct _Block {
   Addr    payload;
   SizeT   req_szB;        // never 0: a 0-byte request is 1 byte
   Site*   site;
   ULong   t_alloc_instrs;
   ULong   reads_bytes;
   ULong   writes_bytes;
   UShort* histo;          // per-offset access counts, saturating at
                           //   0xFFFF; NULL if too large or resized
};

/* The tightest range [hh_heap_lo, hh_heap_lo + hh_heap_span) holding
   every block ever allocated.  Generated code reads these two words to
   skip, without a call, accesses that cannot hit a block. */
extern Addr  hh_heap_lo;
extern UWord hh_heap_span;

void   hh_blocks_init(void);
void   hh_block_insert(Block* bk);
void   hh_block_remove(Block* bk);
Block* hh_block_containing(Addr a);
/* Retire every live block, in address order, at exit. */
void   hh_blocks_for_each(void (*fn)(Block*));
UWord  hh_blocks_live_count(void);


//------------------------------------------------------------//
//--- Allocation callbacks (hh_alloc.c)                    ---//
//------------------------------------------------------------//

void hh_register_malloc_replacement(void);
void hh_alloc_report_counts(void);

//------------------------------------------------------------//
//--- Accesses (hh_access.c)                               ---//
//------------------------------------------------------------//

VG_REGPARM(2) void hh_on_read(Addr addr, UWord szB);
VG_REGPARM(2) void hh_on_write(Addr addr, UWord szB);
void hh_track_syscall_accesses(void);

//------------------------------------------------------------//
//--- Client requests (hh_clreq.c)                         ---//
//------------------------------------------------------------//

Bool hh_handle_client_request(ThreadId tid, UWord* arg, UWord* ret);

//------------------------------------------------------------//
//--- JSON writer (hh_json.c)                              ---//
//------------------------------------------------------------//

typedef struct _JsonOut JsonOut;

/* NULL on failure, with the errno in *errno_out. */
JsonOut* hh_json_open(const HChar* path, UWord* errno_out);
void     hh_json_raw(JsonOut* out, const HChar* s);
void     hh_json_printf(JsonOut* out, const HChar* format, ...)
            PRINTF_CHECK(2, 3);
/* Writes s as a JSON string literal, quotes included. */
void     hh_json_string(JsonOut* out, const HChar* s);
/* Flushes and closes; False if any write failed. */
Bool     hh_json_close(JsonOut* out);
/* A short description of an errno value, for messages. */
const HChar* hh_errno_text(UWord err);

//------------------------------------------------------------//
//--- Output (hh_output.c)                                 ---//
//------------------------------------------------------------//

/* Writes the profile to the expanded --heaphunt-out-file name; True on
   success.  The file appears complete or not at all.  *path_out gets
   the expanded name (VG_(malloc)ed) either way. */
Bool hh_write_profile(const HChar* option_name, const HChar* path_template,
                      HChar** path_out);
void hh_print_summary(void);

#endif /* HH_TOOL_H */
