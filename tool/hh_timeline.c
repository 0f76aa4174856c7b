/*--------------------------------------------------------------------*/
/*--- heaphunt: live heap size over time            hh_timeline.c ---*/
/*--------------------------------------------------------------------*/

/* Time, and the live heap over time.

   The clock, hh_clock_instrs, counts the guest instructions executed by
   all threads: the profile's time unit.  Generated code adds to it
   (hh_instrument.c); everything else only reads it.

   The timeline records the live heap (bytes and blocks) over the run for
   plotting, in bounded memory whatever the run's length; the sites
   (hh_sites.c) give it each new value.

   Time is cut into HH_TIMELINE_BUCKETS buckets of equal width, a power
   of two instructions.  Each bucket keeps the highest live byte count
   seen in it (with its time and block count) and the last one.  When
   the clock runs past the last bucket, neighbouring buckets are merged
   pairwise and the width doubles, so the timeline always covers the
   whole run with at most 2 x HH_TIMELINE_BUCKETS points; peaks are
   never lost to sampling because each bucket keeps its maximum.  The
   exact global peak and the end are added when the profile is written.

   Checkpoints are moments the program names with the client request
   HEAPHUNT_CHECKPOINT("name"): the name, the time and the live heap.

   --dump-every=N asks for a profile every N instructions, checked when
   the heap changes.  The timeline only says that one is due, with the
   flag hh_dump_due: it is noted in the middle of the bookkeeping of an
   allocation or a free, when a profile would see a half-counted block.
   The event source that changed the heap writes the profile once its
   bookkeeping is complete (hh_dumps_write_due). */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

#define HH_TIMELINE_BUCKETS 1024

typedef struct {
   Bool  used;
   ULong max_t, max_bytes, max_blocks;    // the bucket's highest point
   ULong last_t, last_bytes, last_blocks; // and its last
} TimelineBucket;

static TimelineBucket buckets[HH_TIMELINE_BUCKETS];
static UInt           width_log2 = 10;   // bucket width: 1024 instrs

ULong hh_clock_instrs = 0;

Bool         hh_dump_due = False;
static ULong next_dump_instrs = 0;   // --dump-every's next instant

typedef struct {
   HChar* name;
   ULong  t, bytes, blocks;
} Checkpoint;

static XArray* checkpoints = NULL;

void hh_timeline_init(void)
{
   VG_(memset)(buckets, 0, sizeof(buckets));
   checkpoints = VG_(newXA)(VG_(malloc), "hh.timeline.checkpoints",
                            VG_(free), sizeof(Checkpoint));
}

static void merge_into(TimelineBucket* into, const TimelineBucket* b)
{
   if (!b->used)
      return;
   if (!into->used) {
      *into = *b;
      return;
   }
   if (b->max_bytes >= into->max_bytes) {   // >=: keep the latest peak
      into->max_t      = b->max_t;
      into->max_bytes  = b->max_bytes;
      into->max_blocks = b->max_blocks;
   }
   into->last_t      = b->last_t;
   into->last_bytes  = b->last_bytes;
   into->last_blocks = b->last_blocks;
}

static void halve_resolution(void)
{
   for (UInt i = 0; i < HH_TIMELINE_BUCKETS / 2; i++) {
      TimelineBucket merged = buckets[2 * i];
      merge_into(&merged, &buckets[2 * i + 1]);
      buckets[i] = merged;
   }
   VG_(memset)(&buckets[HH_TIMELINE_BUCKETS / 2], 0,
               (HH_TIMELINE_BUCKETS / 2) * sizeof(TimelineBucket));
   width_log2++;
}

void hh_timeline_note(ULong live_bytes, ULong live_blocks)
{
   ULong now = hh_clock_instrs;
   while ((now >> width_log2) >= HH_TIMELINE_BUCKETS)
      halve_resolution();
   TimelineBucket* b = &buckets[now >> width_log2];
   if (!b->used || live_bytes >= b->max_bytes) {
      b->max_t      = now;
      b->max_bytes  = live_bytes;
      b->max_blocks = live_blocks;
   }
   b->used        = True;
   b->last_t      = now;
   b->last_bytes  = live_bytes;
   b->last_blocks = live_blocks;
   if (hh_clo_dump_every_instrs != 0 && now >= next_dump_instrs)
      hh_dump_due = True;
}

void hh_timeline_start_dumps(void)
{
   next_dump_instrs = hh_clo_dump_every_instrs;
}

void hh_timeline_dump_written(void)
{
   hh_dump_due = False;
   next_dump_instrs = hh_clock_instrs + hh_clo_dump_every_instrs;
}

/* Adds (t, bytes, blocks) unless t does not advance; the arrays have
   room for 2 x buckets + 3 points. */
static void append_point(UWord* n, ULong* t, ULong* bytes, ULong* blocks,
                         ULong pt, ULong pbytes, ULong pblocks)
{
   if (*n > 0 && pt <= t[*n - 1]) {
      /* Same instant (several events in one instruction): the later
         state wins; an earlier time cannot happen. */
      tl_assert(pt == t[*n - 1]);
      bytes[*n - 1]  = pbytes;
      blocks[*n - 1] = pblocks;
      return;
   }
   t[*n] = pt;
   bytes[*n] = pbytes;
   blocks[*n] = pblocks;
   (*n)++;
}

UWord hh_timeline_points(const TimelinePoint* peak, const TimelinePoint* end,
                         ULong** t_out, ULong** bytes_out,
                         ULong** blocks_out)
{
   UWord cap = 2 * HH_TIMELINE_BUCKETS + 3;
   ULong* t      = VG_(malloc)("hh.timeline.t", cap * sizeof(ULong));
   ULong* bytes  = VG_(malloc)("hh.timeline.b", cap * sizeof(ULong));
   ULong* blocks = VG_(malloc)("hh.timeline.bk", cap * sizeof(ULong));
   UWord  n = 0;
   Bool   peak_written = peak->t == 0;

   append_point(&n, t, bytes, blocks, 0, 0, 0);
   for (UInt i = 0; i < HH_TIMELINE_BUCKETS; i++) {
      const TimelineBucket* b = &buckets[i];
      if (!b->used)
         continue;
      /* The exact global peak, in time order with the buckets. */
      if (!peak_written && peak->t <= b->max_t) {
         append_point(&n, t, bytes, blocks, peak->t, peak->bytes,
                      peak->blocks);
         peak_written = True;
      }
      append_point(&n, t, bytes, blocks, b->max_t, b->max_bytes,
                   b->max_blocks);
      if (b->last_t > b->max_t)
         append_point(&n, t, bytes, blocks, b->last_t, b->last_bytes,
                      b->last_blocks);
   }
   if (!peak_written)
      append_point(&n, t, bytes, blocks, peak->t, peak->bytes,
                   peak->blocks);
   append_point(&n, t, bytes, blocks, end->t, end->bytes, end->blocks);
   tl_assert(n <= cap);
   *t_out = t;
   *bytes_out = bytes;
   *blocks_out = blocks;
   return n;
}

void hh_checkpoint_add(const HChar* name, ULong live_bytes,
                       ULong live_blocks)
{
   Checkpoint cp;
   cp.name   = VG_(strdup)("hh.timeline.cp_name", name);
   cp.t      = hh_clock_instrs;
   cp.bytes  = live_bytes;
   cp.blocks = live_blocks;
   VG_(addToXA)(checkpoints, &cp);
}

UWord hh_checkpoints_count(void)
{
   return (UWord)VG_(sizeXA)(checkpoints);
}

void hh_checkpoint_at(UWord i, const HChar** name, ULong* t, ULong* bytes,
                      ULong* blocks)
{
   const Checkpoint* cp = VG_(indexXA)(checkpoints, (Word)i);
   *name = cp->name;
   *t = cp->t;
   *bytes = cp->bytes;
   *blocks = cp->blocks;
}
