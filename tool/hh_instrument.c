/*--------------------------------------------------------------------*/
/*--- heaphunt: VEX instrumentation              hh_instrument.c ---*/
/*--------------------------------------------------------------------*/

/* Two things are added to every superblock:

   1. The clock.  hh_clock_instrs (hh_timeline.c) counts guest
      instructions exactly as DHAT does, so that times (te, tg, tl)
      agree: the IMarks seen so far are added just before each side exit
      and at the end of the superblock.  Nothing else writes the clock while a superblock
      runs (helpers only read it; client requests and thread switches
      happen between superblocks), so it is loaded once per superblock
      and each update is an add and a store, not a load too (DHAT
      reloads it at every exit; a loop unrolled by VEX has several).

   2. Memory events: every load and store (plain, dirty-helper memory
      effects, CAS as a read plus a write, LL/SC), with --accesses=yes.
      What is counted is exactly what DHAT counts: DHAT skips every
      access within [SP - redzone, SP - redzone + 16 KiB] (SP as it is
      at the access), whatever it touches, and looks up every other one.
      Filters keep the common cases cheap, cheapest first:

      a. Stack and static data, decided while instrumenting.  SP is
         followed through the superblock (GETs, PUTs, and temporaries
         that are SP plus a constant); an address that is SP plus a
         constant lying in DHAT's window for SP as it will be at the
         access is a stack slot, and gets no code at all.  A constant
         address inside an object's data, bss, GOT or text (a global,
         reached RIP-relative) is never in a malloc'ed block either: about a fifth of cc1's accesses.  Only a custom
         allocator's block (VALGRIND_MALLOCLIKE_BLOCK) can lie in static
         data; the first one that does turns this half of the filter off
         and discards every translation made with it.

      b. A per-access cache, inline, in loops.  Each instrumented
         access has its own AccessCache entry: the block it hit last.
         While the address falls in [bk->payload, bk->payload +
         bk->inline_szB) (inline_szB is 0 for a block with a histogram
         or out of the table), generated code adds the access to the
         block's counters and stamps its last-access time (a miss sends
         the same stores to a dummy block): a loop over large arrays
         never calls out, however many arrays it touches, and frees
         elsewhere do not disturb it.  The updates are the ones
         hh_on_read_cached / hh_on_write_cached make.
         That code is large (a dozen IR statements per access), and
         translating it costs more than it saves in code that runs only
         a few times: a compiler spends most of its time under Valgrind
         translating.  So only a superblock that jumps back to its own
         start (a loop body, where array sweeps live) gets it; in other
         superblocks the helper makes the same cache test in C.  An
         access at the same address as an earlier one of the loop body
         (c[j] += ..., a read then a write) reuses that one's test: its
         block, hit and need of the helper (see same_address).

      c. DHAT's window and the heap range.  Every other address is
         first tested against DHAT's window, as DHAT does, and one
         inside it is replaced by 0, which no block and no heap range
         holds (a conditional move); the inline cache test (b), if
         any, and the heap range test see only what DHAT counts.  The
         helper is called only if the address lies in [hh_heap_lo,
         hh_heap_lo + hh_heap_span), the range holding every block ever
         allocated: static data and the main thread's stack (above the
         heap) fail this test in two instructions.  Other threads'
         stacks are mapped among the heap's memory, often inside that
         range; the window test turns their accesses away just as
         cheaply, wherever the stacks lie.  Skipping the window is
         DHAT's rule, applied whatever the window holds: a heap block
         in it (a coroutine's malloc'ed stack) is not counted there,
         by either tool.

      The heap range changes only in client requests, so it is loaded
      once per superblock, at its first memory event; SP less the red
      zone is computed once per value SP takes.  A cache entry can
      change at any helper call, so it is reloaded for every event.
      Entries live as long as the tool: a few words per instrumented
      instruction. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"    // VG_(DebugInfo_sect_kind)
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"      // VG_(fnptr_to_fnentry)
#include "pub_tool_options.h"      // VG_(clo_verbosity)
#include "pub_tool_mallocfree.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_transtab.h"     // VG_(discard_translations_safely)

#include "libvex_guest_amd64.h"   // the first argument register

#include "hh_tool.h"

/* heaphunt runs on amd64 only (hh_instrument asserts 64-bit words). */
#define HH_ENDIAN Iend_LE

/* DHAT's window: addresses in [SP - redzone, SP - redzone + 16 KiB]. */
#define HH_STACK_WINDOW_SZB (16 * 1024)

/* An inline-updated access, for later ones at the same address (see
   same_address). */
typedef struct {
   IRTemp  addr;            // its address temporary
   IRTemp  window_lo;       // SP's window when it was made
   IRExpr* target;          // the block it updates, or no_block
   IRExpr* needs_helper;
   IRTemp  clock_stamped;   // the clock value stored in target
} RememberedAccess;

#define HH_REMEMBERED_ACCESSES 16

typedef struct {
   IRSB*  sbOut;
   Int    offset_SP;     // guest state offset of the stack pointer
   IRTemp heap_lo;       // IRTemp_INVALID until first loaded
   IRTemp heap_span;
   IRTemp clock;            // hh_clock_instrs's value at this point
   IRTemp clock_at_entry;   // ... when the superblock started
   Int    n_clocked;        // instructions added to it since
   Bool   inline_updates;   // this superblock is a loop: see below
   IRExpr* sp_now;          // an atom holding SP as it is now, or NULL
   IRTemp window_lo;        // SP now less the red zone, IRTemp_INVALID
                            //   until needed after SP last changed
   /* For each input temporary t with sp_base[t] != 0: t is the value SP
      had at some point, numbered sp_base[t], plus sp_delta[t].  SP now
      is cur_sp_base's value plus cur_sp_delta. */
   UInt*  sp_base;
   Long*  sp_delta;
   UInt   cur_sp_base;
   Long   cur_sp_delta;
   UInt   n_sp_bases;
   Int    n_temps;
   RememberedAccess remembered[HH_REMEMBERED_ACCESSES];
   Int    n_remembered;
} InstrState;

static IRExpr* bind(InstrState* st, IRType ty, IRExpr* e)
{
   IRTemp t = newIRTemp(st->sbOut->tyenv, ty);
   addStmtToIRSB(st->sbOut, IRStmt_WrTmp(t, e));
   return IRExpr_RdTmp(t);
}

static IRExpr* load(InstrState* st, IRType ty, IRExpr* addr)
{
   return bind(st, ty, IRExpr_Load(HH_ENDIAN, ty, addr));
}

static IRExpr* global_word(InstrState* st, const void* p)
{
   return load(st, Ity_I64, mkIRExpr_HWord((HWord)p));
}

static IRExpr* u64(ULong n)
{
   return IRExpr_Const(IRConst_U64(n));
}

/* The clock's value as the superblock knows it: loaded at first use,
   which is before the superblock's first update. */
static IRExpr* current_clock(InstrState* st)
{
   if (st->clock == IRTemp_INVALID) {
      tl_assert(st->n_clocked == 0);
      IRExpr* now = load(st, Ity_I64,
                         mkIRExpr_HWord((HWord)&hh_clock_instrs));
      st->clock          = now->Iex.RdTmp.tmp;
      st->clock_at_entry = st->clock;
   }
   return IRExpr_RdTmp(st->clock);
}

/* hh_clock_instrs += n */
static void add_clock_update(InstrState* st, Int n)
{
   current_clock(st);
   st->n_clocked += n;
   IRExpr* new_value = bind(st, Ity_I64,
                            IRExpr_Binop(Iop_Add64,
                                         IRExpr_RdTmp(st->clock_at_entry),
                                         u64(st->n_clocked)));
   addStmtToIRSB(st->sbOut,
                 IRStmt_Store(HH_ENDIAN,
                              mkIRExpr_HWord((HWord)&hh_clock_instrs),
                              new_value));
   st->clock = new_value->Iex.RdTmp.tmp;
}

//------------------------------------------------------------//
//--- Filter a: stack addresses                            ---//
//------------------------------------------------------------//

/* SP now is unknown: a new base. */
static void new_sp_base(InstrState* st)
{
   st->cur_sp_base  = ++st->n_sp_bases;
   st->cur_sp_delta = 0;
   st->sp_now       = NULL;
   st->window_lo    = IRTemp_INVALID;
}

/* True if a dirty helper may write SP. */
static Bool dirty_writes_sp(const InstrState* st, const IRDirty* d)
{
   for (Int i = 0; i < d->nFxState; i++) {
      if (d->fxState[i].fx == Ifx_Read)
         continue;
      Int lo = d->fxState[i].offset;
      Int hi = lo + d->fxState[i].size
               + d->fxState[i].nRepeats * d->fxState[i].repeatLen;
      if (lo < st->offset_SP + (Int)sizeof(Addr) && st->offset_SP < hi)
         return True;
   }
   return False;
}

/* Follows SP through the original statements, after each is added:
   t = GET(SP), t = t' + c and t = t' - c for t' SP-based, PUT(SP) = t,
   and helpers that may write SP. */
static void track_sp(InstrState* st, const IRStmt* stmt)
{
   if (stmt->tag == Ist_Put && stmt->Ist.Put.offset == st->offset_SP) {
      IRExpr* data = stmt->Ist.Put.data;
      UInt    base = data->tag == Iex_RdTmp ? st->sp_base[data->Iex.RdTmp.tmp]
                                            : 0;
      Long    delta = base != 0 ? st->sp_delta[data->Iex.RdTmp.tmp] : 0;
      new_sp_base(st);
      if (base != 0) {
         st->cur_sp_base  = base;
         st->cur_sp_delta = delta;
      }
      st->sp_now = data;
      return;
   }
   if (stmt->tag == Ist_Dirty) {
      if (dirty_writes_sp(st, stmt->Ist.Dirty.details))
         new_sp_base(st);
      return;
   }
   if (stmt->tag != Ist_WrTmp)
      return;
   IRTemp  t    = stmt->Ist.WrTmp.tmp;
   IRExpr* data = stmt->Ist.WrTmp.data;
   tl_assert(t < st->n_temps);
   if (data->tag == Iex_Get && data->Iex.Get.offset == st->offset_SP
       && data->Iex.Get.ty == Ity_I64) {
      st->sp_base[t]  = st->cur_sp_base;
      st->sp_delta[t] = st->cur_sp_delta;
      if (st->sp_now == NULL)
         st->sp_now = IRExpr_RdTmp(t);
      return;
   }
   if (data->tag != Iex_Binop
       || (data->Iex.Binop.op != Iop_Add64 && data->Iex.Binop.op != Iop_Sub64))
      return;
   IRExpr* a = data->Iex.Binop.arg1;
   IRExpr* b = data->Iex.Binop.arg2;
   if (a->tag != Iex_RdTmp || st->sp_base[a->Iex.RdTmp.tmp] == 0
       || b->tag != Iex_Const || b->Iex.Const.con->tag != Ico_U64)
      return;
   Long c = (Long)b->Iex.Const.con->Ico.U64;
   if (c > HH_STACK_WINDOW_SZB || c < -HH_STACK_WINDOW_SZB)
      return;
   st->sp_base[t]  = st->sp_base[a->Iex.RdTmp.tmp];
   st->sp_delta[t] = st->sp_delta[a->Iex.RdTmp.tmp]
                     + (data->Iex.Binop.op == Iop_Add64 ? c : -c);
}

/* True if addr is known to lie in DHAT's window above SP as SP is at
   the access (not where the address was computed: the two differ after
   a PUT to SP). */
static Bool is_stack_slot(const InstrState* st, const IRExpr* addr)
{
   if (addr->tag != Iex_RdTmp
       || st->sp_base[addr->Iex.RdTmp.tmp] != st->cur_sp_base)
      return False;
   Long d = st->sp_delta[addr->Iex.RdTmp.tmp] - st->cur_sp_delta;
   return d >= -VG_STACK_REDZONE_SZB
          && d <= HH_STACK_WINDOW_SZB - VG_STACK_REDZONE_SZB;
}

/* addr, or 0 if it lies in DHAT's window, [SP - redzone, SP - redzone +
   HH_STACK_WINDOW_SZB] with SP as it is now: DHAT's test, made at run
   time.  0 lies in no block and outside the heap range. */
static IRExpr* outside_window(InstrState* st, IRExpr* addr)
{
   if (st->window_lo == IRTemp_INVALID) {
      if (st->sp_now == NULL)
         st->sp_now = bind(st, Ity_I64, IRExpr_Get(st->offset_SP, Ity_I64));
      st->window_lo = bind(st, Ity_I64,
                           IRExpr_Binop(Iop_Sub64, st->sp_now,
                                        u64(VG_STACK_REDZONE_SZB)))
                      ->Iex.RdTmp.tmp;
   }
   IRExpr* above = bind(st, Ity_I64,
                        IRExpr_Binop(Iop_Sub64, addr,
                                     IRExpr_RdTmp(st->window_lo)));
   IRExpr* in_window = bind(st, Ity_I1,
                            IRExpr_Binop(Iop_CmpLE64U, above,
                                         u64(HH_STACK_WINDOW_SZB)));
   return bind(st, Ity_I64, IRExpr_ITE(in_window, u64(0), addr));
}

/* False once a custom block has been seen in static data. */
static Bool static_data_filter_on = True;

static Bool in_static_data(Addr a)
{
   return VG_(DebugInfo_sect_kind)(NULL, a) != Vg_SectUnknown;
}

/* True if addr is a constant in some object's static sections. */
static Bool is_static_data(const IRExpr* addr)
{
   if (!static_data_filter_on || addr->tag != Iex_Const)
      return False;
   tl_assert(addr->Iex.Const.con->tag == Ico_U64);
   return in_static_data(addr->Iex.Const.con->Ico.U64);
}

void hh_instrument_note_custom_block(Addr a, SizeT szB)
{
   if (!static_data_filter_on
       || (!in_static_data(a) && !in_static_data(a + szB - 1)))
      return;
   static_data_filter_on = False;
   if (VG_(clo_verbosity) > 1)
      VG_(umsg)("heaphunt: a custom block at %#lx is in static data: "
                "retranslating without the static-data filter\n", a);
   VG_(discard_translations_safely)(0, ~(SizeT)0, "heaphunt");
}

//------------------------------------------------------------//
//--- Filters b and c: access cache, heap range           ---//
//------------------------------------------------------------//

static void load_per_superblock_words(InstrState* st)
{
   if (st->heap_lo != IRTemp_INVALID)
      return;
   st->heap_lo   = global_word(st, &hh_heap_lo)->Iex.RdTmp.tmp;
   st->heap_span = global_word(st, &hh_heap_span)->Iex.RdTmp.tmp;
}

static IRExpr* field_address(InstrState* st, IRExpr* block, SizeT offset)
{
   return bind(st, Ity_I64, IRExpr_Binop(Iop_Add64, block, u64(offset)));
}

/* block->field += amount */
static void add_to_field(InstrState* st, IRExpr* block, SizeT offset,
                         IRExpr* amount)
{
   IRExpr* field = field_address(st, block, offset);
   IRExpr* value = bind(st, Ity_I64,
                        IRExpr_Binop(Iop_Add64, load(st, Ity_I64, field),
                                     amount));
   addStmtToIRSB(st->sbOut, IRStmt_Store(HH_ENDIAN, field, value));
}

/* No block: where a new cache entry points until first filled, and
   where a missed inline update goes (a conditional move to it costs less
   than guarding every store with a branch).  Its payload and inline_szB
   stay 0, so nothing ever hits it; its counters are never read. */
static Block no_block;

/* Cache entries are never freed (translations refer to them), so they
   are carved from large chunks: no allocator header per entry. */
#define HH_CACHES_PER_CHUNK 4096

static AccessCache* new_access_cache(void)
{
   static AccessCache* chunk = NULL;
   static UInt         n_used = HH_CACHES_PER_CHUNK;
   if (n_used == HH_CACHES_PER_CHUNK) {
      chunk = VG_(calloc)("hh.instr.caches", HH_CACHES_PER_CHUNK,
                          sizeof(AccessCache));
      n_used = 0;
   }
   AccessCache* cache = &chunk[n_used++];
   cache->bk = &no_block;
   return cache;
}

/* The block an inline update goes to: the one in the access's cache
   entry if addr is inside it (*hit), else no_block. */
static IRExpr* add_cache_test(InstrState* st, AccessCache* cache,
                              IRExpr* addr, IRExpr** hit)
{
   IRExpr* bk     = global_word(st, &cache->bk);
   IRExpr* lo     = load(st, Ity_I64,
                         field_address(st, bk, offsetof(Block, payload)));
   IRExpr* len    = load(st, Ity_I64,
                         field_address(st, bk, offsetof(Block, inline_szB)));
   IRExpr* offset = bind(st, Ity_I64, IRExpr_Binop(Iop_Sub64, addr, lo));
   *hit = bind(st, Ity_I1, IRExpr_Binop(Iop_CmpLT64U, offset, len));
   return bind(st, Ity_I64,
               IRExpr_ITE(*hit, bk, mkIRExpr_HWord((HWord)&no_block)));
}

/* The inline update of target's counters; its last-access time only if
   stamp_time (an earlier access may have stored the same clock value
   there already). */
static void add_counter_updates(InstrState* st, IRExpr* target,
                                Bool is_write, Int szB, Bool stamp_time)
{
   if (is_write) {
      /* written_after_read = 1 if the block has been read (a guarded
         store, since the flag is never cleared). */
      IRExpr* reads = load(st, Ity_I64,
                           field_address(st, target, offsetof(Block,
                                                              reads_bytes)));
      IRExpr* was_read = bind(st, Ity_I1,
                              IRExpr_Binop(Iop_CmpNE64, reads, u64(0)));
      addStmtToIRSB(st->sbOut,
         IRStmt_StoreG(HH_ENDIAN,
                       field_address(st, target,
                                     offsetof(Block, written_after_read)),
                       IRExpr_Const(IRConst_U32(1)), was_read));
      add_to_field(st, target, offsetof(Block, writes_bytes), u64(szB));
   } else {
      add_to_field(st, target, offsetof(Block, reads_bytes), u64(szB));
   }
   if (stamp_time)
      addStmtToIRSB(st->sbOut,
         IRStmt_Store(HH_ENDIAN,
                      field_address(st, target,
                                    offsetof(Block, t_last_access_instrs)),
                      current_clock(st)));
}

/* An earlier inline-updated access of this superblock at the same
   address temporary, with SP unchanged since, has the same block, the
   same hit and the same need of the helper: its first byte is in the
   same block, nothing frees or moves a block within a superblock
   (client requests end it), and helpers only count.  A loop body that
   reads and writes back the same element (c[j] += ...) tests the cache
   once. */
static RememberedAccess* same_address(InstrState* st, IRExpr* addr)
{
   if (addr->tag != Iex_RdTmp)
      return NULL;
   for (Int i = 0; i < st->n_remembered; i++) {
      RememberedAccess* r = &st->remembered[i];
      if (r->addr == addr->Iex.RdTmp.tmp && r->window_lo == st->window_lo)
         return r;
   }
   return NULL;
}

static void remember_access(InstrState* st, IRExpr* addr, IRExpr* target,
                            IRExpr* needs_helper)
{
   if (addr->tag != Iex_RdTmp || st->n_remembered == HH_REMEMBERED_ACCESSES)
      return;
   RememberedAccess* r = &st->remembered[st->n_remembered++];
   r->addr          = addr->Iex.RdTmp.tmp;
   r->window_lo     = st->window_lo;
   r->target        = target;
   r->needs_helper  = needs_helper;
   r->clock_stamped = st->clock;
}

static void add_mem_event(InstrState* st, Bool is_write, Int szB,
                          IRExpr* addr)
{
   tl_assert(isIRAtom(addr));
   tl_assert(typeOfIRExpr(st->sbOut->tyenv, addr) == Ity_I64);
   if (is_stack_slot(st, addr) || is_static_data(addr))
      return;

   load_per_superblock_words(st);
   AccessCache* cache = new_access_cache();
   IRExpr* counted = outside_window(st, addr);   // addr, or 0

   RememberedAccess* same = st->inline_updates ? same_address(st, addr)
                                               : NULL;
   IRExpr* needs_helper;
   if (same != NULL) {
      current_clock(st);
      add_counter_updates(st, same->target, is_write, szB,
                          same->clock_stamped != st->clock);
      same->clock_stamped = st->clock;
      needs_helper = same->needs_helper;
   } else {
      /* The helper is needed if the address is in the heap range (and,
         with an inline update, missed it: a hit moves the offset out of
         range, one conditional move instead of two flag operations). */
      IRExpr* offset = bind(st, Ity_I64,
                            IRExpr_Binop(Iop_Sub64, counted,
                                         IRExpr_RdTmp(st->heap_lo)));
      IRExpr* target = NULL;
      if (st->inline_updates) {
         IRExpr* hit;
         target = add_cache_test(st, cache, counted, &hit);
         add_counter_updates(st, target, is_write, szB, True);
         offset = bind(st, Ity_I64, IRExpr_ITE(hit, u64(~0ULL), offset));
      }
      needs_helper = bind(st, Ity_I1,
                          IRExpr_Binop(Iop_CmpLT64U, offset,
                                       IRExpr_RdTmp(st->heap_span)));
      if (st->inline_updates)
         remember_access(st, addr, target, needs_helper);
   }

   const HChar* name = is_write ? "hh_on_write_cached" : "hh_on_read_cached";
   void*        fn   = is_write ? (void*)hh_on_write_cached
                                : (void*)hh_on_read_cached;
   IRDirty* call = unsafeIRDirty_0_N(3 /*regparms*/, name,
                                     VG_(fnptr_to_fnentry)(fn),
                                     mkIRExprVec_3(mkIRExpr_HWord((HWord)cache),
                                                   addr,
                                                   mkIRExpr_HWord(szB)));
   call->guard = needs_helper;
   addStmtToIRSB(st->sbOut, IRStmt_Dirty(call));
}

/* Adds the memory events of one original statement. */
static void add_events_for(InstrState* st, IRTypeEnv* tyenv, IRStmt* stmt)
{
   switch (stmt->tag) {
   case Ist_WrTmp: {
      IRExpr* data = stmt->Ist.WrTmp.data;
      if (data->tag == Iex_Load)
         add_mem_event(st, False, sizeofIRType(data->Iex.Load.ty),
                       data->Iex.Load.addr);
      break;
   }
   case Ist_Store: {
      IRExpr* data = stmt->Ist.Store.data;
      add_mem_event(st, True, sizeofIRType(typeOfIRExpr(tyenv, data)),
                    stmt->Ist.Store.addr);
      break;
   }
   case Ist_Dirty: {
      IRDirty* d = stmt->Ist.Dirty.details;
      if (d->mFx == Ifx_None)
         break;
      tl_assert(d->mAddr != NULL && d->mSize != 0);
      if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
         add_mem_event(st, False, d->mSize, d->mAddr);
      if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
         add_mem_event(st, True, d->mSize, d->mAddr);
      break;
   }
   case Ist_CAS: {
      /* A read and a write of the location, as before IRCAS existed. */
      IRCAS* cas = stmt->Ist.CAS.details;
      Int szB = sizeofIRType(typeOfIRExpr(tyenv, cas->dataLo));
      if (cas->dataHi != NULL)
         szB *= 2;   // double-word CAS
      add_mem_event(st, False, szB, cas->addr);
      add_mem_event(st, True, szB, cas->addr);
      break;
   }
   case Ist_LLSC: {
      if (stmt->Ist.LLSC.storedata == NULL) {
         IRType ty = typeOfIRTemp(tyenv, stmt->Ist.LLSC.result);
         add_mem_event(st, False, sizeofIRType(ty), stmt->Ist.LLSC.addr);
      } else {
         IRType ty = typeOfIRExpr(tyenv, stmt->Ist.LLSC.storedata);
         add_mem_event(st, True, sizeofIRType(ty), stmt->Ist.LLSC.addr);
      }
      break;
   }
   default:
      break;
   }
}

/* At the watched instruction (hh_interp.c): a call with the first
   argument register, as it is when the instruction starts. */
static void add_watched_entry_call(InstrState* st)
{
   IRExpr* arg0 = IRExpr_Get(offsetof(VexGuestAMD64State, guest_RDI),
                             Ity_I64);
   IRTemp value = newIRTemp(st->sbOut->tyenv, Ity_I64);
   addStmtToIRSB(st->sbOut, IRStmt_WrTmp(value, arg0));
   IRDirty* call = unsafeIRDirty_0_N(
      1, "hh_interp_on_watched_entry",
      VG_(fnptr_to_fnentry)(&hh_interp_on_watched_entry),
      mkIRExprVec_1(IRExpr_RdTmp(value)));
   addStmtToIRSB(st->sbOut, IRStmt_Dirty(call));
}

/* True if the superblock may jump back to its own first instruction. */
static Bool loops_to_itself(const IRSB* sb, const VexGuestExtents* vge)
{
   Addr start = vge->base[0];
   if (sb->next->tag == Iex_Const
       && sb->next->Iex.Const.con->tag == Ico_U64
       && sb->next->Iex.Const.con->Ico.U64 == start)
      return True;
   for (Int i = 0; i < sb->stmts_used; i++) {
      const IRStmt* stmt = sb->stmts[i];
      if (stmt->tag == Ist_Exit
          && stmt->Ist.Exit.dst->tag == Ico_U64
          && stmt->Ist.Exit.dst->Ico.U64 == start)
         return True;
   }
   return False;
}

IRSB* hh_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                    const VexGuestLayout* layout,
                    const VexGuestExtents* vge,
                    const VexArchInfo* archinfo_host,
                    IRType gWordTy, IRType hWordTy)
{
   tl_assert(gWordTy == Ity_I64 && hWordTy == Ity_I64);   // amd64 only

   InstrState st;
   st.sbOut       = deepCopyIRSBExceptStmts(sbIn);
   st.offset_SP   = layout->offset_SP;
   st.heap_lo     = IRTemp_INVALID;
   st.heap_span   = IRTemp_INVALID;
   st.clock       = IRTemp_INVALID;
   st.clock_at_entry = IRTemp_INVALID;
   st.n_clocked   = 0;
   st.inline_updates = loops_to_itself(sbIn, vge);
   st.n_temps     = sbIn->tyenv->types_used;
   st.sp_base     = VG_(calloc)("hh.instr.sp", st.n_temps + 1, sizeof(UInt));
   st.sp_delta    = VG_(calloc)("hh.instr.spd", st.n_temps + 1, sizeof(Long));
   st.n_sp_bases  = 0;
   st.n_remembered = 0;
   new_sp_base(&st);

   /* The preamble before the first IMark is copied unchanged. */
   Int i = 0;
   while (i < sbIn->stmts_used && sbIn->stmts[i]->tag != Ist_IMark) {
      addStmtToIRSB(st.sbOut, sbIn->stmts[i]);
      i++;
   }

   Int n_imarks = 0;   // instructions not yet added to the clock
   for (; i < sbIn->stmts_used; i++) {
      IRStmt* stmt = sbIn->stmts[i];
      if (stmt == NULL || stmt->tag == Ist_NoOp)
         continue;
      if (stmt->tag == Ist_IMark) {
         n_imarks++;
      } else if (stmt->tag == Ist_Exit) {
         if (n_imarks > 0) {
            add_clock_update(&st, n_imarks);
            n_imarks = 0;
         }
      } else if (hh_clo_accesses) {
         add_events_for(&st, sbIn->tyenv, stmt);
      }
      addStmtToIRSB(st.sbOut, stmt);
      track_sp(&st, stmt);
      if (UNLIKELY(hh_interp_watched_entry != 0)
          && stmt->tag == Ist_IMark
          && stmt->Ist.IMark.addr == hh_interp_watched_entry)
         add_watched_entry_call(&st);
   }
   if (n_imarks > 0)
      add_clock_update(&st, n_imarks);

   VG_(free)(st.sp_base);
   VG_(free)(st.sp_delta);
   return st.sbOut;
}
