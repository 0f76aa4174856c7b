/*--------------------------------------------------------------------*/
/*--- heaphunt: each site's live counts over time     hh_history.c ---*/
/*--------------------------------------------------------------------*/

/* Every site's live bytes and blocks at a bounded set of instants, exact
   at each: what the profile's "hhHist" and per-site "hhH" hold.

   The instants are
   - a grid of sampling instants at every multiple of a width, a power of
     two instructions; when the clock runs past HH_HIST_GRID_SLOTS of
     them the width doubles and every other one is dropped, so the grid
     covers the whole run with between HH_HIST_GRID_SLOTS / 2 and
     HH_HIST_GRID_SLOTS instants (the way hhTimeline's buckets refine);
   - every checkpoint (HEAPHUNT_CHECKPOINT), up to HH_HIST_MAX_CHECKPOINTS
     of them (later ones are listed in hhCheckpoints without an instant);
   - when a profile is written, t-gmax and its own end time.
   A site's value at an instant is its live count after every event up to
   that instant.

   Nothing walks the sites when an instant passes.  An instant "passes"
   when an event (an allocation, a free, a resize, a checkpoint) happens
   after it; passed instants are numbered in time order (their "seq").
   Each site remembers how many instants had passed at its last change
   (SiteHistory.seen).  Just before a site changes, if instants passed
   since, its value until now is its value at all of them, and it records
   that once, as a triple (the first of those instants, bytes, blocks);
   the value then holds ("carries forward") until the next triple.  So an
   allocation or a free costs two compares, plus, once per instant for
   the sites that change around it, one triple.  The peak uses the same
   trick (hh_sites.c), and its counts give the t-gmax instant's values.

   A site's triples are kept LEB128-encoded in a buffer of its own.  When
   the buffer is full it is compacted: a triple recorded at an instant the
   grid has dropped since is moved to the next instant still kept, and of
   several triples landing on one instant the last wins; the buffer then
   gets room for as much again.  A site therefore holds at most one triple
   per kept instant (grid and checkpoints), plus those recorded since its
   last compaction, whatever the length of the run.

   Writing a profile reads the histories and changes nothing: the
   instants of the profile are the kept ones, the grid instants the clock
   has passed without an event since (every site's value there is its
   value now), t-gmax and the end. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* The grid: between 64 and 128 sampling instants over the run. */
#define HH_HIST_GRID_SLOTS      128
/* The first grid's width: 64 instrs, so that a run of 4,096 instrs
   already has 64 instants. */
#define HH_HIST_FIRST_WIDTH_LOG2 6

typedef struct {
   ULong t;
   Bool  is_checkpoint;
} Instant;

static XArray* passed = NULL;        // Instant, by seq (time order)
UInt  hh_hist_n_passed = 0;          // VG_(sizeXA)(passed), kept at hand
ULong hh_hist_next_grid_instrs = 0;  // the first grid instant not passed
static UInt  grid_width_log2 = HH_HIST_FIRST_WIDTH_LOG2;
static UInt  n_checkpoint_instants = 0;
/* For each passed seq, the first seq at or after it that is still kept
   (HH_HIST_NONE if none yet): what compaction needs. */
static XArray* next_kept = NULL;     // UInt, by seq
#define HH_HIST_NONE 0xFFFFFFFFU

static ULong grid_end_instrs(UInt width_log2)
{
   return (ULong)HH_HIST_GRID_SLOTS << width_log2;
}

static Bool is_kept(const Instant* in)
{
   return in->is_checkpoint
          || (in->t & ((1ULL << grid_width_log2) - 1)) == 0;
}

void hh_hist_init(void)
{
   passed = VG_(newXA)(VG_(malloc), "hh.hist.instants", VG_(free),
                       sizeof(Instant));
   next_kept = VG_(newXA)(VG_(malloc), "hh.hist.next_kept", VG_(free),
                          sizeof(UInt));
   hh_hist_next_grid_instrs = 1ULL << grid_width_log2;
}

static void append_instant(ULong t, Bool is_checkpoint)
{
   Instant in = { t, is_checkpoint };
   VG_(addToXA)(passed, &in);
   UInt self = hh_hist_n_passed;
   VG_(addToXA)(next_kept, &self);   // kept when it passes
   hh_hist_n_passed++;
}

/* The grid's width doubles: recompute which passed instants are kept. */
static void coarsen_grid(void)
{
   grid_width_log2++;
   UInt next = HH_HIST_NONE;
   for (Word s = (Word)hh_hist_n_passed - 1; s >= 0; s--) {
      if (is_kept(VG_(indexXA)(passed, s)))
         next = (UInt)s;
      *(UInt*)VG_(indexXA)(next_kept, s) = next;
   }
}

void hh_hist_pass_grid(void)
{
   ULong now = hh_clock_instrs;
   while (hh_hist_next_grid_instrs < now) {
      if (hh_hist_next_grid_instrs > grid_end_instrs(grid_width_log2)) {
         coarsen_grid();
         ULong width = 1ULL << grid_width_log2;
         hh_hist_next_grid_instrs =
            (hh_hist_next_grid_instrs + width - 1) & ~(width - 1);
         continue;
      }
      append_instant(hh_hist_next_grid_instrs, False);
      hh_hist_next_grid_instrs += 1ULL << grid_width_log2;
   }
}

void hh_hist_add_checkpoint(void)
{
   hh_hist_pass_grid();
   if (n_checkpoint_instants >= HH_HIST_MAX_CHECKPOINTS)
      return;
   n_checkpoint_instants++;
   append_instant(hh_clock_instrs, True);
}

//------------------------------------------------------------//
//--- A site's triples                                     ---//
//------------------------------------------------------------//

/* Room for one triple: three LEB128 numbers of up to 10 bytes. */
#define HH_HIST_TRIPLE_MAX_BYTES 30

static UInt put_leb128(UChar* at, ULong value)
{
   UInt n = 0;
   do {
      UChar byte = value & 0x7F;
      value >>= 7;
      at[n++] = byte | (value != 0 ? 0x80 : 0);
   } while (value != 0);
   return n;
}

static ULong get_leb128(const UChar* buf, UInt* pos)
{
   ULong value = 0;
   UInt  shift = 0;
   UChar byte;
   do {
      byte = buf[(*pos)++];
      value |= (ULong)(byte & 0x7F) << shift;
      shift += 7;
   } while (byte & 0x80);
   return value;
}

typedef struct {
   UInt  seq;
   ULong bytes, blocks;
} Triple;

static Bool next_triple(const SiteHistory* h, UInt* pos, Triple* tr)
{
   if (*pos >= h->len)
      return False;
   tr->seq    = (UInt)get_leb128(h->buf, pos);
   tr->bytes  = get_leb128(h->buf, pos);
   tr->blocks = get_leb128(h->buf, pos);
   return True;
}

static void put_triple(SiteHistory* h, UInt seq, ULong bytes, ULong blocks)
{
   tl_assert(h->len + HH_HIST_TRIPLE_MAX_BYTES <= h->cap);
   h->len += put_leb128(h->buf + h->len, seq);
   h->len += put_leb128(h->buf + h->len, bytes);
   h->len += put_leb128(h->buf + h->len, blocks);
}

/* Moves each triple to the first instant still kept at or after its
   own, keeping the last of those landing on one instant.  limit is the
   seq of the triple about to be appended: a triple whose next kept
   instant is not before it stays where it is (the new triple supersedes
   it there, and the order of seqs is kept). */
static void compact(SiteHistory* h, UInt limit)
{
   SiteHistory from = *h;
   /* A moved triple's instant number can take more bytes than before
      (at most 4 more, on a triple of at least 3). */
   h->cap = 3 * from.len + HH_HIST_TRIPLE_MAX_BYTES;
   h->buf = VG_(malloc)("hh.hist.buf", h->cap);
   h->len = 0;

   UInt   pos = 0;
   Triple tr, pending;
   Bool   have_pending = False;
   while (next_triple(&from, &pos, &tr)) {
      UInt kept = *(UInt*)VG_(indexXA)(next_kept, tr.seq);
      if (kept != HH_HIST_NONE && kept < limit)
         tr.seq = kept;
      if (have_pending && pending.seq != tr.seq)
         put_triple(h, pending.seq, pending.bytes, pending.blocks);
      pending = tr;
      have_pending = True;
   }
   if (have_pending)
      put_triple(h, pending.seq, pending.bytes, pending.blocks);
   VG_(free)(from.buf);
}

void hh_hist_record(SiteHistory* h, ULong live_bytes, ULong live_blocks)
{
   tl_assert(h->seen < hh_hist_n_passed);
   UInt seq = h->seen;
   h->seen = hh_hist_n_passed;
   /* Before its first triple a site had nothing: no need to say so. */
   if (h->len == 0 && live_bytes == 0 && live_blocks == 0)
      return;
   if (h->len + HH_HIST_TRIPLE_MAX_BYTES > h->cap) {
      if (h->len > 0)
         compact(h, seq);
      /* Room for as much again as what is kept: the next compaction
         comes after at least that many bytes of triples, so that each
         byte is compacted O(1) times on average. */
      h->cap = 2 * (h->len + HH_HIST_TRIPLE_MAX_BYTES);
      h->buf = VG_(realloc)("hh.hist.buf", h->buf, h->cap);
   }
   put_triple(h, seq, live_bytes, live_blocks);
}

void hh_hist_site_init(SiteHistory* h)
{
   h->buf  = NULL;
   h->len  = h->cap = 0;
   h->seen = hh_hist_n_passed;
}

//------------------------------------------------------------//
//--- The instants of a profile                            ---//
//------------------------------------------------------------//

/* One instant of a profile.  seq: the last passed instant at that time
   (their value), or HH_HIST_NONE for one after every passed instant (a
   grid instant not passed yet, the end), where every site has its
   present value; t-gmax has its own values. */
typedef struct {
   ULong t;
   UInt  seq;
   HChar kind;   // 's', 'c', 'g', 'e' (json-format.md)
} ProfileInstant;

struct _HistProfile {
   ProfileInstant* instants;
   UWord           n;
   Long            g;              // index of t-gmax, or -1
   Long*           checkpoint_at;  // per checkpoint instant: its index
   UInt            n_checkpoints;
};

/* The stronger reason wins when two instants coincide. */
static Int kind_rank(HChar kind)
{
   switch (kind) {
   case 'e': return 3;
   case 'g': return 2;
   case 'c': return 1;
   default:  return 0;
   }
}

static void add_profile_instant(HistProfile* p, UWord cap, ULong t, UInt seq,
                                HChar kind)
{
   if (p->n > 0 && p->instants[p->n - 1].t == t) {
      ProfileInstant* last = &p->instants[p->n - 1];
      /* Same time: the later one's value (every event up to t). */
      if (seq == HH_HIST_NONE || (last->seq != HH_HIST_NONE && seq > last->seq))
         last->seq = seq;
      if (kind_rank(kind) > kind_rank(last->kind))
         last->kind = kind;
      return;
   }
   tl_assert(p->n == 0 || p->instants[p->n - 1].t < t);
   tl_assert(p->n < cap);
   p->instants[p->n].t    = t;
   p->instants[p->n].seq  = seq;
   p->instants[p->n].kind = kind;
   p->n++;
}

HistProfile* hh_hist_profile_begin(ULong t_end, Bool have_peak,
                                   ULong t_peak)
{
   /* The grid as hh_hist_pass_grid would leave it at t_end: its width,
      and the first of its instants not passed yet (no event since). */
   UInt  width_log2 = grid_width_log2;
   ULong next_grid  = hh_hist_next_grid_instrs;
   UWord n_unpassed = 0;
   while (next_grid < t_end) {
      if (next_grid > grid_end_instrs(width_log2)) {
         width_log2++;
         ULong w = 1ULL << width_log2;
         next_grid = (next_grid + w - 1) & ~(w - 1);
         continue;
      }
      next_grid += 1ULL << width_log2;
      n_unpassed++;
   }
   ULong width = 1ULL << width_log2;
   ULong unpassed_t = (hh_hist_next_grid_instrs + width - 1) & ~(width - 1);

   HistProfile* p = VG_(malloc)("hh.hist.profile", sizeof(HistProfile));
   UWord cap = hh_hist_n_passed + n_unpassed + 2;
   p->instants = VG_(malloc)("hh.hist.profile.instants",
                             cap * sizeof(ProfileInstant));
   p->n = 0;
   p->g = -1;
   p->n_checkpoints = n_checkpoint_instants;
   p->checkpoint_at = VG_(malloc)("hh.hist.profile.cp",
                                  (n_checkpoint_instants + 1) * sizeof(Long));

   /* Merged in time order: the passed instants still kept at this width,
      the unpassed grid instants, the peak; then the end. */
   UInt seq = 0, checkpoint = 0;
   Bool peak_done = !have_peak;
   for (;;) {
      ULong t_passed = seq < hh_hist_n_passed
                          ? ((Instant*)VG_(indexXA)(passed, seq))->t : ~0ULL;
      ULong t_unpassed = unpassed_t < t_end ? unpassed_t : ~0ULL;
      ULong t_pk = peak_done || t_peak >= t_end ? ~0ULL : t_peak;
      ULong t = t_passed < t_unpassed ? t_passed : t_unpassed;
      if (t_pk < t)
         t = t_pk;
      if (t == ~0ULL)
         break;
      if (t == t_passed) {
         const Instant* in = VG_(indexXA)(passed, seq);
         if (in->is_checkpoint) {
            add_profile_instant(p, cap, t, seq, 'c');
            p->checkpoint_at[checkpoint++] = (Long)p->n - 1;
         } else if ((in->t & (width - 1)) == 0) {
            add_profile_instant(p, cap, t, seq, 's');
         }
         seq++;
      } else if (t == t_unpassed) {
         add_profile_instant(p, cap, t, HH_HIST_NONE, 's');
         unpassed_t += width;
      } else {
         /* Its values are the sites' counts at the peak; the seq only
            keeps the order of an instant it may share a time with. */
         add_profile_instant(p, cap, t, seq == 0 ? HH_HIST_NONE : seq - 1,
                             'g');
         p->g = (Long)p->n - 1;
         peak_done = True;
      }
   }
   add_profile_instant(p, cap, t_end, HH_HIST_NONE, 'e');
   if (have_peak && t_peak >= t_end)
      p->g = (Long)p->n - 1;   // the peak is the end: the same values
   tl_assert(checkpoint == n_checkpoint_instants);
   return p;
}

UWord hh_hist_profile_n_instants(const HistProfile* p)
{
   return p->n;
}

void hh_hist_profile_instant(const HistProfile* p, UWord i, ULong* t,
                             HChar* kind)
{
   tl_assert(i < p->n);
   *t    = p->instants[i].t;
   *kind = p->instants[i].kind;
}

Long hh_hist_profile_peak_index(const HistProfile* p)
{
   return p->g;
}

Long hh_hist_profile_checkpoint_index(const HistProfile* p, UWord checkpoint)
{
   return checkpoint < p->n_checkpoints ? p->checkpoint_at[checkpoint] : -1;
}

void hh_hist_profile_end(HistProfile* p)
{
   VG_(free)(p->instants);
   VG_(free)(p->checkpoint_at);
   VG_(free)(p);
}

void hh_hist_profile_site(const HistProfile* p, const SiteHistory* h,
                          ULong live_bytes, ULong live_blocks,
                          ULong peak_bytes, ULong peak_blocks,
                          void (*emit)(UWord i, ULong bytes, ULong blocks,
                                       void* opaque),
                          void* opaque)
{
   UInt   pos = 0;
   Triple tr = { 0, 0, 0 }, next;
   Bool   have_next = next_triple(h, &pos, &next);
   ULong  cur_bytes = 0, cur_blocks = 0;   // the value being carried
   ULong  last_bytes = 0, last_blocks = 0; // the last value emitted
   for (UWord i = 0; i < p->n; i++) {
      const ProfileInstant* in = &p->instants[i];
      ULong bytes, blocks;
      if ((Long)i == p->g) {
         bytes = peak_bytes;
         blocks = peak_blocks;
      } else if (in->seq == HH_HIST_NONE || in->seq >= h->seen) {
         bytes = live_bytes;
         blocks = live_blocks;
      } else {
         /* The last triple at or before this instant. */
         while (have_next && next.seq <= in->seq) {
            tr = next;
            cur_bytes = tr.bytes;
            cur_blocks = tr.blocks;
            have_next = next_triple(h, &pos, &next);
         }
         bytes = cur_bytes;
         blocks = cur_blocks;
      }
      if (bytes != last_bytes || blocks != last_blocks) {
         emit(i, bytes, blocks, opaque);
         last_bytes = bytes;
         last_blocks = blocks;
      }
   }
}
