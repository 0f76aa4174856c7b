/*--------------------------------------------------------------------*/
/*--- heaphunt: interpreted frames in allocation sites  hh_interp.c ---*/
/*--------------------------------------------------------------------*/

/* A Python or Ruby program's allocations are made by the interpreter's
   C code, so their native stacks name the interpreter, not the script.
   This file puts the script's frames into the sites: where the native
   stack passes through the interpreter's eval loop (a frame of the
   reader's eval_fn: _PyEval_EvalFrameDefault, rb_vm_exec), the frames
   that activation of the loop is running are read from the
   interpreter's own structures in guest memory, at the allocation, and
   spliced in place of the eval loop's native frame.  The readers of
   each interpreter's structures are in hh_interp_python.c and
   hh_interp_ruby.c (contract: hh_interp.h); this file owns what is
   common:

   - Plans.  When an allocation's ExeContext is new (hh_sites.c's slow
     path), its frames are searched for an eval_fn frame; the first one
     of a reader makes that reader attach to the object that holds it
     (recognise the interpreter's version, find its symbols), once, and
     say so in one line, whether it worked or not.  The ExeContext then
     gets a plan: its native frames, which of them are eval-loop
     frames, and whether the stack was cut at --num-callers.  Most
     ExeContexts have no eval-loop frame and no plan: their site is
     found as before, with no extra cost.

   - At each allocation with a plan: the reader reads the interpreted
     stack (at most --num-callers frames); each frame, a (code,
     position) pair, becomes a frame id through the code cache (a hash
     table by code address, each entry mapping positions to ids), and
     only a miss asks the reader to name the frame.  Frame ids intern
     the frame's text ("0x0: build [python] (app.py:12)"), so that equal
     frames are one id.  The (plan, frame ids) pair is looked up in the
     stack table, which gives the site; a new pair is spliced into a
     frame list, which hh_sites.c turns into a site (merging equal
     lists, as for native stacks).

   - Splicing: the k-th eval-loop frame of the native stack (innermost
     first) is replaced by the frames of the k-th activation.  When the
     native stack was cut, the activations below the cut follow its
     last frame.  Any activation left over also goes at the end, and an
     eval-loop frame with no activation stays native.  In a site's
     frame list an interpreted frame is the address HH_INTERP_TAG | id
     (hh_frames.c interns the texts and writes them):
     not a canonical amd64 address, so never a code address.

   - Safety.  Readers read guest memory only through
     hh_interp_readable's check.  A read that fails (a pointer into
     unmapped memory, an object of the wrong type: the layout does not
     match the interpreter) turns that reader off for the rest of the
     run, with one line; allocations then get native frames.

   - Dead code.  A code address (a PyCodeObject, an iseq body) can be
     reused by other code after the first dies; its cache entry must go
     first.  Ruby's code is malloc'ed, so a free of it removes the entry
     (hh_interp_note_free); Python's code objects may live in pymalloc's
     arenas, so its reader has the code object deallocator watched
     (hh_interp_watch_entry; the instrumenter calls
     hh_interp_on_watched_entry there).  A frame's name may also depend
     on a context (Ruby: the class that owns the method); the reader
     names a malloc'ed block that dies with it (the class's extension),
     and that block's free empties the names made from contexts. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_transtab.h"
#include "pub_tool_vki.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"
#include "libvex_guest_amd64.h"

#include "hh_tool.h"
#include "hh_interp.h"

Bool hh_clo_interp_frames = True;

//------------------------------------------------------------//
//--- Readers                                              ---//
//------------------------------------------------------------//

typedef enum { ReaderUnseen, ReaderOn, ReaderOff } ReaderState;

typedef struct {
   InterpReader* reader;
   ReaderState   state;
   const HChar*  version;      // "Python 3.11.2", once attached
   const HChar*  path;         // its object, once attached
   ULong         n_allocs;     // allocations given interpreted frames
} ReaderSlot;

static ReaderSlot readers[] = {
   { &hh_interp_python_reader, ReaderUnseen, NULL, NULL, 0 },
   { &hh_interp_ruby_reader,   ReaderUnseen, NULL, NULL, 0 },
};
#define N_READERS (sizeof readers / sizeof readers[0])

/* Stacks whose count of activations and of eval-loop frames differed
   (spliced anyway, see above), for -v. */
static ULong n_unmatched_stacks = 0;
/* Times a context died and the frame names made from contexts were
   forgotten, for -v. */
static ULong n_contexts_forgotten = 0;

/* Some reader attached: frees must be checked against the code cache. */
static Bool any_reader_on = False;

static void reader_off(ReaderSlot* slot, const HChar* why)
{
   slot->state = ReaderOff;
   VG_(umsg)("heaphunt: cannot read the frames of %s in %s (%s): its "
             "allocations keep native frames from here on\n",
             slot->version, slot->path, why);
}

/* First sight of a reader's eval loop, at ip: attach to its object. */
static void reader_attach(ReaderSlot* slot, DiEpoch ep, Addr ip)
{
   const DebugInfo* di = VG_(find_DebugInfo)(ep, ip);
   const HChar* path = di != NULL ? VG_(DebugInfo_get_filename)(di) : NULL;
   const HChar* why = "no object file for its eval loop";
   const HChar* version = NULL;
   if (path != NULL
       && slot->reader->attach(path, VG_(DebugInfo_get_text_bias)(di),
                               &version, &why)) {
      slot->state = ReaderOn;
      slot->version = version;
      slot->path = VG_(strdup)("hh.interp.path", path);
      any_reader_on = True;
      return;
   }
   slot->state = ReaderOff;
   VG_(umsg)("heaphunt: %s runs %s but is not an interpreter heaphunt can "
             "read (%s): its allocations keep native frames\n",
             path != NULL ? path : "an unknown object", slot->reader->eval_fn,
             why);
}

//------------------------------------------------------------//
//--- Guest memory                                         ---//
//------------------------------------------------------------//

Bool hh_interp_readable(Addr a, SizeT len)
{
   if (len == 0)
      return True;
   if (a + len < a)
      return False;
   return VG_(am_is_valid_for_client)(a, len, VKI_PROT_READ);
}

Bool hh_interp_read(Addr a, void* dst, SizeT len)
{
   if (!hh_interp_readable(a, len))
      return False;
   VG_(memcpy)(dst, (const void*)a, len);
   return True;
}

Bool hh_interp_read_word(Addr a, UWord* w)
{
   return hh_interp_read(a, w, sizeof(UWord));
}

Addr hh_interp_thread_pointer(ThreadId tid)
{
   ULong fs_base = 0;
   VG_(get_shadow_regs_area)(tid, (UChar*)&fs_base, 0,
                             offsetof(VexGuestAMD64State, guest_FS_CONST),
                             sizeof fs_base);
   return (Addr)fs_base;
}

//------------------------------------------------------------//
//--- Interpreted frames: texts and ids                    ---//
//------------------------------------------------------------//

/* A frame id is its text's, interned by hh_frames.c (ids from 1); 0 is
   the hidden frame of an activation with no visible frame (see
   InterpStack). */

/* Copies s into out[0 .. cap-1] as valid UTF-8 for a JSON string: bytes
   of an invalid sequence become '?', control characters a space. */
static SizeT append_clean(HChar* out, SizeT at, SizeT cap, const HChar* s)
{
   const UChar* p = (const UChar*)s;
   while (*p != 0 && at + 1 < cap) {
      UInt n_cont = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1
                  : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 4;
      Bool valid = n_cont < 4 && (n_cont == 0 || *p >= 0xc2);
      for (UInt k = 1; valid && k <= n_cont; k++)
         valid = (p[k] & 0xc0) == 0x80;
      if (!valid || at + 1 + n_cont >= cap) {
         out[at++] = '?';
         p++;
         continue;
      }
      if (n_cont == 0) {
         out[at++] = *p < 0x20 ? ' ' : (HChar)*p;
         p++;
      } else {
         for (UInt k = 0; k <= n_cont; k++)
            out[at++] = (HChar)*p++;
      }
   }
   out[at] = 0;
   return at;
}

/* The frame's id: "0x0: FUNCTION [LANG] (FILE:LINE)", the shape of a
   Valgrind frame (so that DHAT's viewer and importers of DHAT files
   read the file and line), with the language before the location. */
static UInt frame_id_for_name(const InterpReader* reader,
                              const InterpFrameName* name)
{
   HChar text[2048];
   SizeT at = append_clean(text, 0, sizeof text, "0x0: ");
   at = append_clean(text, at, sizeof text, name->function);
   at = append_clean(text, at, sizeof text, " [");
   at = append_clean(text, at, sizeof text, reader->lang);
   at = append_clean(text, at, sizeof text, "] (");
   at = append_clean(text, at, sizeof text, name->file);
   if (name->line > 0) {
      HChar line[16];
      VG_(sprintf)(line, ":%d", name->line);
      at = append_clean(text, at, sizeof text, line);
   }
   append_clean(text, at, sizeof text, ")");
   return (UInt)(hh_frames_interp_address(text) & HH_INTERP_ID_MASK);
}

//------------------------------------------------------------//
//--- The code cache                                       ---//
//------------------------------------------------------------//

/* The ids of one code's frames, by position, then by context. */
typedef struct _FrameEntry {
   struct _FrameEntry* next;   // the same position in another context
   UWord context;
   UInt  id;
} FrameEntry;

typedef struct _CodeNode {
   struct _CodeNode* next;
   UWord    code;          // key
   UWord    reader_data;
   WordFM*  ids_by_pos;    // position -> FrameEntry*, NULL until named
} CodeNode;

static VgHashTable* codes = NULL;

/* Blocks whose free makes every frame named from a context stale. */
typedef struct _WitnessNode {
   struct _WitnessNode* next;
   UWord witness;          // key
} WitnessNode;

static VgHashTable* witnesses = NULL;
/* The last node found: a stack's frames are looked up twice in a row
   (by the reader, then here), and loops call one function many times. */
static CodeNode* last_code = NULL;

static CodeNode* code_node(UWord code)
{
   if (last_code != NULL && last_code->code == code)
      return last_code;
   CodeNode* node = VG_(HT_lookup)(codes, code);
   if (node != NULL)
      last_code = node;
   return node;
}

Bool hh_interp_code_known(UWord code, UWord* reader_data)
{
   CodeNode* node = code_node(code);
   if (node == NULL)
      return False;
   *reader_data = node->reader_data;
   return True;
}

void hh_interp_code_remember(UWord code, UWord reader_data)
{
   tl_assert(code != 0 && code_node(code) == NULL);
   CodeNode* node = VG_(malloc)("hh.interp.code", sizeof(CodeNode));
   node->code = code;
   node->reader_data = reader_data;
   node->ids_by_pos = NULL;
   VG_(HT_add_node)(codes, node);
}

static void free_frame_entries(UWord chain)
{
   FrameEntry* entry = (FrameEntry*)chain;
   while (entry != NULL) {
      FrameEntry* next = entry->next;
      VG_(free)(entry);
      entry = next;
   }
}

static void forget_frame_ids(CodeNode* node)
{
   if (node->ids_by_pos != NULL)
      VG_(deleteFM)(node->ids_by_pos, NULL, free_frame_entries);
   node->ids_by_pos = NULL;
}

void hh_interp_code_forget(UWord code)
{
   if (codes == NULL)
      return;
   CodeNode* node = VG_(HT_remove)(codes, code);
   if (node == NULL)
      return;
   if (last_code == node)
      last_code = NULL;
   forget_frame_ids(node);
   VG_(free)(node);
}

void hh_interp_context_remember(Addr witness)
{
   if (VG_(HT_lookup)(witnesses, witness) != NULL)
      return;
   WitnessNode* node = VG_(malloc)("hh.interp.witness", sizeof(WitnessNode));
   node->witness = witness;
   VG_(HT_add_node)(witnesses, node);
}

/* A context died: names made from any context may be stale.  Frame ids
   stay (they are texts); only the (code, position, context) -> id
   cache empties, to be filled again from the interpreter's memory. */
static void forget_contexts(void)
{
   VG_(HT_ResetIter)(codes);
   CodeNode* node;
   while ((node = VG_(HT_Next)(codes)) != NULL)
      forget_frame_ids(node);
   VG_(HT_destruct)(witnesses, VG_(free));
   witnesses = VG_(HT_construct)("hh.interp.witnesses");
   n_contexts_forgotten++;
}

void hh_interp_note_free(Addr payload)
{
   if (!any_reader_on)
      return;
   hh_interp_code_forget(payload);
   WitnessNode* witness = VG_(HT_remove)(witnesses, payload);
   if (witness != NULL) {
      VG_(free)(witness);
      forget_contexts();
   }
}

/* The frame id of (code, pos): cached, or named by the reader.  0 and
   *why if the reader cannot name it. */
static UInt frame_id(ReaderSlot* slot, const InterpFrameRef* ref,
                     const HChar** why)
{
   CodeNode* node = code_node(ref->code);
   if (node == NULL) {
      /* The reader saw the code but did not need to remember it. */
      hh_interp_code_remember(ref->code, 0);
      node = code_node(ref->code);
   }
   UWord key, chain = 0;
   if (node->ids_by_pos != NULL
       && VG_(lookupFM)(node->ids_by_pos, &key, &chain, ref->pos)) {
      for (FrameEntry* e = (FrameEntry*)chain; e != NULL; e = e->next) {
         if (e->context == ref->context)
            return e->id;
      }
   }
   InterpFrameName name;
   if (!slot->reader->describe(ref, &name, why))
      return 0;
   FrameEntry* entry = VG_(malloc)("hh.interp.frame", sizeof(FrameEntry));
   entry->context = ref->context;
   entry->id = frame_id_for_name(slot->reader, &name);
   entry->next = NULL;
   if (node->ids_by_pos == NULL)
      node->ids_by_pos = VG_(newFM)(VG_(malloc), "hh.interp.pos", VG_(free),
                                    NULL);
   if (VG_(lookupFM)(node->ids_by_pos, &key, &chain, ref->pos))
      entry->next = (FrameEntry*)chain;
   VG_(addToFM)(node->ids_by_pos, ref->pos, (UWord)entry);
   return entry->id;
}

//------------------------------------------------------------//
//--- Watching the entry of a guest function               ---//
//------------------------------------------------------------//

Addr hh_interp_watched_entry = 0;
static void (*watched_entry_fn)(UWord arg0) = NULL;

/* The core lets a tool discard translations only while it handles one
   of the tool's client requests, when no translation is running.  A
   reader attaches during an allocation: in a malloc replacement's call
   (VG_USERREQ__CLIENT_CALL*), which the scheduler handles at that same
   point, or in a custom allocator's client request; a discard is as
   safe there, so the core's flag is raised around it.  The variable has
   had this name and meaning in every release we support (3.19 to
   3.24). */
extern Bool VG_(ok_to_discard_translations);

void hh_interp_watch_entry(Addr ip, void (*fn)(UWord arg0))
{
   tl_assert(hh_interp_watched_entry == 0 && ip != 0);
   hh_interp_watched_entry = ip;
   watched_entry_fn = fn;
   /* It may have run, and been translated without the call, already. */
   Bool was_ok = VG_(ok_to_discard_translations);
   VG_(ok_to_discard_translations) = True;
   VG_(discard_translations_safely)(ip, 1, "hh_interp_watch_entry");
   VG_(ok_to_discard_translations) = was_ok;
}

VG_REGPARM(1) void hh_interp_on_watched_entry(UWord arg0)
{
   watched_entry_fn(arg0);
}

//------------------------------------------------------------//
//--- Plans: which native frames run interpreted code      ---//
//------------------------------------------------------------//

struct _InterpPlan {
   ReaderSlot* slot;
   Addr*       native_ips;     // the site's native frames
   UInt        n_native;
   Bool*       is_eval;        // [n_native]: an eval-loop frame
   Bool        cut;            // the native stack was cut at --num-callers
   Bool        ignored;        // under --ignore-fn (from the native frames)
   Bool        stack_cut;      // cut before its start (hh_user_frames)
   DiEpoch     epoch;
   Site*       native_site;    // when no interpreted frame can be read
};

InterpPlan* hh_interp_plan(ExeContext* ec, Addr* ips, UInt n_ips,
                           DiEpoch ep, Bool ignored, Bool stack_cut)
{
   if (!hh_clo_interp_frames)
      return NULL;
   ReaderSlot* slot = NULL;
   Bool* is_eval = NULL;
   for (UInt i = 0; i < n_ips; i++) {
      const HChar* fn_name;
      if (!VG_(get_fnname)(ep, ips[i], &fn_name))
         continue;
      for (UInt r = 0; r < N_READERS; r++) {
         ReaderSlot* candidate = &readers[r];
         if (VG_(strcmp)(fn_name, candidate->reader->eval_fn) != 0)
            continue;
         if (slot != NULL && slot != candidate)
            continue;   // a second interpreter in one stack stays native
         if (candidate->state == ReaderUnseen)
            reader_attach(candidate, ep, ips[i]);
         if (candidate->state != ReaderOn)
            continue;
         slot = candidate;
         if (is_eval == NULL)
            is_eval = VG_(calloc)("hh.interp.eval", n_ips, sizeof(Bool));
         is_eval[i] = True;
      }
   }
   /* A stack cut at --num-callers before it reached an eval loop may
      still run under one: the interpreted frames then follow the cut. */
   Bool cut = VG_(get_ExeContext_n_ips)(ec) >= (UInt)VG_(clo_backtrace_size);
   if (slot == NULL && cut) {
      for (UInt r = 0; r < N_READERS && slot == NULL; r++) {
         if (readers[r].state == ReaderOn)
            slot = &readers[r];
      }
   }
   if (slot == NULL)
      return NULL;
   if (is_eval == NULL)
      is_eval = VG_(calloc)("hh.interp.eval", n_ips, sizeof(Bool));

   InterpPlan* plan = VG_(malloc)("hh.interp.plan", sizeof(InterpPlan));
   plan->slot        = slot;
   plan->native_ips  = ips;
   plan->n_native    = n_ips;
   plan->is_eval     = is_eval;
   plan->cut         = cut;
   plan->ignored     = ignored;
   plan->stack_cut   = stack_cut;
   plan->epoch       = ep;
   plan->native_site = NULL;
   return plan;
}

static Site* native_site(InterpPlan* plan)
{
   if (plan->native_site == NULL) {
      Addr* ips = VG_(malloc)("hh.interp.native",
                              plan->n_native * sizeof(Addr));
      VG_(memcpy)(ips, plan->native_ips, plan->n_native * sizeof(Addr));
      plan->native_site = hh_site_for_frames(ips, plan->n_native, plan->epoch,
                                             plan->ignored, plan->stack_cut);
   }
   return plan->native_site;
}

//------------------------------------------------------------//
//--- Stacks to sites                                      ---//
//------------------------------------------------------------//

/* A frame of a stack key: its id, times 2, plus 1 if it ends an
   activation. */
#define KEY_FRAME(id, ends_run) (((UWord)(id) << 1) | ((ends_run) ? 1 : 0))

typedef struct _StackNode {
   struct _StackNode* next;
   UWord        hash;        // key
   InterpPlan*  plan;
   UInt         n_frames;
   UWord*       frames;      // KEY_FRAME each
   Site*        site;
} StackNode;

static VgHashTable* stacks = NULL;

static Word cmp_stack_nodes(const void* a, const void* b)
{
   const StackNode* s1 = a;
   const StackNode* s2 = b;
   if (s1->plan != s2->plan || s1->n_frames != s2->n_frames)
      return 1;
   return VG_(memcmp)(s1->frames, s2->frames,
                      s1->n_frames * sizeof(UWord)) == 0 ? 0 : 1;
}

static UWord hash_stack(const InterpPlan* plan, const UWord* frames, UInt n)
{
   UWord h = (UWord)plan * 0x9e3779b97f4a7c15ULL;
   for (UInt i = 0; i < n; i++)
      h = (h ^ frames[i]) * 0x100000001b3ULL + (h >> 29);
   return h;
}

/* The frames of activation `run` of the stack: [*from, *to). */
static Bool run_bounds(const UWord* frames, UInt n, UInt run, UInt* from,
                       UInt* to)
{
   UInt start = 0;
   for (UInt r = 0; start < n; r++) {
      UInt end = start;
      while (end < n && (frames[end] & 1) == 0)
         end++;
      if (end < n)
         end++;   // the frame that ends the run belongs to it
      if (r == run) {
         *from = start;
         *to = end;
         return True;
      }
      start = end;
   }
   return False;
}

static UInt emit_run(Addr* out, UInt at, const UWord* frames, UInt from,
                     UInt to)
{
   for (UInt i = from; i < to; i++) {
      UWord id = frames[i] >> 1;
      if (id != 0)
         out[at++] = HH_INTERP_TAG | id;
   }
   return at;
}

static Site* splice(InterpPlan* plan, const UWord* frames, UInt n)
{
   Addr* out = VG_(malloc)("hh.interp.site",
                           (plan->n_native + n) * sizeof(Addr));
   UInt at = 0, run = 0, from, to;
   for (UInt i = 0; i < plan->n_native; i++) {
      if (plan->is_eval[i] && run_bounds(frames, n, run, &from, &to)) {
         at = emit_run(out, at, frames, from, to);
         run++;
      } else {
         out[at++] = plan->native_ips[i];
      }
   }
   Bool leftover = False;
   while (run_bounds(frames, n, run, &from, &to)) {
      at = emit_run(out, at, frames, from, to);
      run++;
      leftover = True;
   }
   if (leftover && !plan->cut)
      n_unmatched_stacks++;
   if (at == 0) {   // only hidden frames, in place of the only frame
      VG_(free)(out);
      return native_site(plan);
   }
   return hh_site_for_frames(out, at, plan->epoch, plan->ignored,
                             plan->stack_cut);
}

static InterpStack stack_buf;

Site* hh_interp_site(ThreadId tid, InterpPlan* plan)
{
   ReaderSlot* slot = plan->slot;
   if (slot->state != ReaderOn)
      return native_site(plan);

   UInt max_frames = (UInt)VG_(clo_backtrace_size);
   if (max_frames > HH_INTERP_MAX_FRAMES)
      max_frames = HH_INTERP_MAX_FRAMES;
   const HChar* why = NULL;
   InterpStack* st = &stack_buf;
   st->n_frames = 0;
   if (slot->reader->read_stack(tid, max_frames, st, &why) != ReadOk) {
      reader_off(slot, why);
      return native_site(plan);
   }
   if (st->n_frames == 0)
      return native_site(plan);

   UWord key_frames[HH_INTERP_MAX_FRAMES];
   for (UInt i = 0; i < st->n_frames; i++) {
      UInt id = 0;
      if (st->frames[i].code != 0) {
         id = frame_id(slot, &st->frames[i], &why);
         if (id == 0) {
            reader_off(slot, why);
            return native_site(plan);
         }
      }
      key_frames[i] = KEY_FRAME(id, st->ends_run[i]);
   }
   /* Said once the first stack was read, so that an interpreter whose
      frames cannot be read gets one line, the one that says so. */
   if (slot->n_allocs++ == 0)
      VG_(umsg)("heaphunt: %s frames in allocation stacks (%s); "
                "--interp-frames=no turns them off\n", slot->version,
                slot->path);

   StackNode probe;
   probe.hash     = hash_stack(plan, key_frames, st->n_frames);
   probe.plan     = plan;
   probe.n_frames = st->n_frames;
   probe.frames   = key_frames;
   StackNode* node = VG_(HT_gen_lookup)(stacks, &probe, cmp_stack_nodes);
   if (LIKELY(node != NULL))
      return node->site;

   node = VG_(malloc)("hh.interp.stack", sizeof(StackNode));
   *node = probe;
   node->frames = VG_(malloc)("hh.interp.stack_frames",
                              st->n_frames * sizeof(UWord));
   VG_(memcpy)(node->frames, key_frames, st->n_frames * sizeof(UWord));
   node->site = splice(plan, key_frames, st->n_frames);
   VG_(HT_add_node)(stacks, node);
   return node->site;
}

//------------------------------------------------------------//
//--- Start and end                                        ---//
//------------------------------------------------------------//

void hh_interp_init(void)
{
   codes  = VG_(HT_construct)("hh.interp.codes");
   witnesses = VG_(HT_construct)("hh.interp.witnesses");
   stacks = VG_(HT_construct)("hh.interp.stacks");
}

void hh_interp_print_stats(void)
{
   if (VG_(clo_verbosity) < 2)
      return;
   for (UInt r = 0; r < N_READERS; r++) {
      if (readers[r].state == ReaderUnseen)
         continue;
      VG_(dmsg)("heaphunt: %s: %'llu allocations with interpreted frames\n",
                readers[r].version != NULL ? readers[r].version
                                           : readers[r].reader->lang,
                readers[r].n_allocs);
   }
   VG_(dmsg)("heaphunt: interpreted frames: %'lu distinct, %'u stacks, "
             "%'u code units cached, %'llu stacks with more activations "
             "than eval-loop frames, names from contexts forgotten %'llu "
             "times\n",
             hh_frames_interp_count(),
             stacks != NULL ? VG_(HT_count_nodes)(stacks) : 0,
             codes != NULL ? VG_(HT_count_nodes)(codes) : 0,
             n_unmatched_stacks, n_contexts_forgotten);
}
