/*--------------------------------------------------------------------*/
/*--- heaphunt: VEX instrumentation              hh_instrument.c ---*/
/*--------------------------------------------------------------------*/

/* Two things are added to every superblock:

   1. The clock.  hh_clock_instrs counts guest instructions exactly as
      DHAT does, so that times (te, tg, tl) agree: the IMarks seen so far
      are added just before each side exit and at the end of the
      superblock.

   2. Memory events.  Every load and store (plain, dirty-helper memory
      effects, CAS as a read plus a write, LL/SC) gets a call to
      hh_on_read / hh_on_write, guarded by an inline test so the call is
      made only when the address lies in [hh_heap_lo, hh_heap_lo +
      hh_heap_span), the range that holds every block ever allocated.
      With --accesses=no there are no memory events at all.
      Stack, static data and code addresses fail the test in two
      instructions and never reach the block lookup.  DHAT instead skips
      only a window above the stack pointer and calls the helper for
      everything else.

      The range can change only when a block is allocated, which happens
      in a client request, and client requests end a superblock; so the
      two range words are loaded once per superblock, at the first
      memory event, and reused. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_machine.h"      // VG_(fnptr_to_fnentry)
#include "pub_tool_tooliface.h"

#include "hh_tool.h"

ULong hh_clock_instrs = 0;

#if defined(VG_BIGENDIAN)
#  define HH_ENDIAN Iend_BE
#else
#  define HH_ENDIAN Iend_LE
#endif

typedef struct {
   IRSB*  sbOut;
   IRType ty_addr;    // the host word type
   IRTemp heap_lo;    // IRTemp_INVALID until first loaded
   IRTemp heap_span;
} InstrState;

static IRTemp new_temp(InstrState* st, IRType ty)
{
   return newIRTemp(st->sbOut->tyenv, ty);
}

static void add_stmt(InstrState* st, IRStmt* stmt)
{
   addStmtToIRSB(st->sbOut, stmt);
}

/* hh_clock_instrs += n */
static void add_clock_update(InstrState* st, Int n)
{
   IRExpr* clock_addr = mkIRExpr_HWord((HWord)&hh_clock_instrs);
   IRTemp  old_value  = new_temp(st, Ity_I64);
   IRTemp  new_value  = new_temp(st, Ity_I64);
   add_stmt(st, IRStmt_WrTmp(old_value,
                             IRExpr_Load(HH_ENDIAN, Ity_I64, clock_addr)));
   add_stmt(st, IRStmt_WrTmp(new_value,
                             IRExpr_Binop(Iop_Add64, IRExpr_RdTmp(old_value),
                                          IRExpr_Const(IRConst_U64(n)))));
   add_stmt(st, IRStmt_Store(HH_ENDIAN, clock_addr, IRExpr_RdTmp(new_value)));
}

static void load_heap_range_once(InstrState* st)
{
   if (st->heap_lo != IRTemp_INVALID)
      return;
   st->heap_lo   = new_temp(st, st->ty_addr);
   st->heap_span = new_temp(st, st->ty_addr);
   add_stmt(st, IRStmt_WrTmp(st->heap_lo,
               IRExpr_Load(HH_ENDIAN, st->ty_addr,
                           mkIRExpr_HWord((HWord)&hh_heap_lo))));
   add_stmt(st, IRStmt_WrTmp(st->heap_span,
               IRExpr_Load(HH_ENDIAN, st->ty_addr,
                           mkIRExpr_HWord((HWord)&hh_heap_span))));
}

/* A guarded call: if (addr - heap_lo) <u heap_span, call the helper. */
static void add_mem_event(InstrState* st, Bool is_write, Int szB,
                          IRExpr* addr)
{
   tl_assert(isIRAtom(addr));
   tl_assert(typeOfIRExpr(st->sbOut->tyenv, addr) == st->ty_addr);
   Bool is64 = st->ty_addr == Ity_I64;

   load_heap_range_once(st);
   IRTemp offset = new_temp(st, st->ty_addr);
   add_stmt(st, IRStmt_WrTmp(offset,
               IRExpr_Binop(is64 ? Iop_Sub64 : Iop_Sub32, addr,
                            IRExpr_RdTmp(st->heap_lo))));
   IRTemp in_heap = new_temp(st, Ity_I1);
   add_stmt(st, IRStmt_WrTmp(in_heap,
               IRExpr_Binop(is64 ? Iop_CmpLT64U : Iop_CmpLT32U,
                            IRExpr_RdTmp(offset),
                            IRExpr_RdTmp(st->heap_span))));

   const HChar* name = is_write ? "hh_on_write" : "hh_on_read";
   void*        fn   = is_write ? (void*)hh_on_write : (void*)hh_on_read;
   IRDirty* call = unsafeIRDirty_0_N(2 /*regparms*/, name,
                                     VG_(fnptr_to_fnentry)(fn),
                                     mkIRExprVec_2(addr,
                                                   mkIRExpr_HWord(szB)));
   call->guard = IRExpr_RdTmp(in_heap);
   add_stmt(st, IRStmt_Dirty(call));
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

IRSB* hh_instrument(VgCallbackClosure* closure, IRSB* sbIn,
                    const VexGuestLayout* layout,
                    const VexGuestExtents* vge,
                    const VexArchInfo* archinfo_host,
                    IRType gWordTy, IRType hWordTy)
{
   InstrState st;
   st.sbOut     = deepCopyIRSBExceptStmts(sbIn);
   st.ty_addr   = hWordTy;
   st.heap_lo   = IRTemp_INVALID;
   st.heap_span = IRTemp_INVALID;
   tl_assert(gWordTy == hWordTy);

   /* The preamble before the first IMark is copied unchanged. */
   Int i = 0;
   while (i < sbIn->stmts_used && sbIn->stmts[i]->tag != Ist_IMark) {
      add_stmt(&st, sbIn->stmts[i]);
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
      add_stmt(&st, stmt);
   }
   if (n_imarks > 0)
      add_clock_update(&st, n_imarks);
   return st.sbOut;
}
