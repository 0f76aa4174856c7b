/*--------------------------------------------------------------------*/
/*--- heaphunt: CPython 3.11's frames           hh_interp_python.c ---*/
/*--------------------------------------------------------------------*/

/* The reader of CPython 3.11's frames (contract: hh_interp.h), with the
   layout of its structures from hh_interp_layouts.h (generated from the
   interpreter's own headers by scripts/gen-interp-layouts.sh).

   Recognition: the object that holds _PyEval_EvalFrameDefault must
   export _PyRuntime, Py_Version equal to the version the layout was
   made from, and the code, str and bytes type objects; a debug build
   (which exports _Py_RefTotal) is refused, its objects differ.

   The stack of a thread: its PyThreadState is _PyRuntime's
   gilstate.tstate_current when that one's thread_id (pthread_self(),
   the thread pointer) is the allocating thread's, else the one with
   that thread_id in the interpreters' thread lists (a thread that
   allocates without the GIL).  From tstate->cframe->current_frame the
   _PyInterpreterFrames are linked by `previous`; each activation of
   _PyEval_EvalFrameDefault runs the frames down to one marked
   is_entry.  Frames that have not reached their first instruction
   (_PyFrame_IsIncomplete) are hidden, as Python's own tracebacks do.

   A frame is (code object, index of its last instruction), named
   "qualname" (co_qualname) in co_filename at the line that the code's
   location table (co_linetable, format in CPython's
   Objects/locations.md) gives for that instruction: what a traceback
   shows.

   Code objects die through their type's tp_dealloc (a static function
   of codeobject.c, found in PyCode_Type); the reader has its entry
   watched to forget the dying code object before its memory is
   reused, which pymalloc does without a free heaphunt could see.

   Every pointer is checked before it is followed, and every object's
   type is checked before its fields are believed: a layout that does
   not match gives ReadBad, not a wrong frame. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"

#include "hh_interp.h"
#include "hh_interp_layouts.h"

/* Where the interpreter's objects are, once attached. */
static struct {
   Addr runtime;        // &_PyRuntime
   Addr code_type;      // &PyCode_Type
   Addr unicode_type;   // &PyUnicode_Type
   Addr bytes_type;     // &PyBytes_Type
   HChar version[64];
} py;

/* Bounds on what a sane interpreter has; beyond them the memory is not
   what the layout says. */
#define MAX_INTERPRETERS      4096
#define MAX_THREADS           1000000
#define MAX_FRAME_CHAIN       10000000
#define MAX_CODE_UNITS        (1 << 28)
#define MAX_LINETABLE_BYTES   (16 * 1024 * 1024)
/* Longer names and file names are cut (with "..."). */
#define MAX_TEXT_BYTES        1024

//------------------------------------------------------------//
//--- Recognition                                          ---//
//------------------------------------------------------------//

static void py_code_dies(UWord code)
{
   hh_interp_code_forget(code);
}

static Bool py_attach(const HChar* obj_path, PtrdiffT bias,
                      const HChar** version, const HChar** why)
{
   enum { RUNTIME, VERSION, CODE_TYPE, UNICODE_TYPE, BYTES_TYPE,
          REF_TOTAL, N_SYMS };
   HhElfSym syms[N_SYMS] = {
      [RUNTIME]      = { .name = "_PyRuntime" },
      [VERSION]      = { .name = "Py_Version" },
      [CODE_TYPE]    = { .name = "PyCode_Type" },
      [UNICODE_TYPE] = { .name = "PyUnicode_Type" },
      [BYTES_TYPE]   = { .name = "PyBytes_Type" },
      [REF_TOTAL]    = { .name = "_Py_RefTotal" },
   };
   if (!hh_elf_lookup(obj_path, syms, N_SYMS, why))
      return False;
   if (!syms[VERSION].found) {
      *why = "it exports no Py_Version: a Python older than 3.11";
      return False;
   }
   for (UInt i = 0; i < REF_TOTAL; i++) {
      if (!syms[i].found) {
         *why = "it does not export _PyRuntime and the type objects";
         return False;
      }
   }
   UWord version_hex;
   if (!hh_interp_read_word(syms[VERSION].value + bias, &version_hex)) {
      *why = "its Py_Version cannot be read";
      return False;
   }
   VG_(snprintf)(py.version, sizeof py.version, "Python %lu.%lu.%lu",
                 (version_hex >> 24) & 0xff, (version_hex >> 16) & 0xff,
                 (version_hex >> 8) & 0xff);
   if (version_hex != HH_PY311_VERSION_HEX) {
      static HChar msg[128];
      VG_(snprintf)(msg, sizeof msg, "it is %s; heaphunt reads Python %s",
                    py.version, HH_PY311_VERSION);
      *why = msg;
      return False;
   }
   if (syms[REF_TOTAL].found) {
      *why = "it is a debug build, which exports _Py_RefTotal; heaphunt "
             "reads release builds";
      return False;
   }
   py.runtime      = syms[RUNTIME].value + bias;
   py.code_type    = syms[CODE_TYPE].value + bias;
   py.unicode_type = syms[UNICODE_TYPE].value + bias;
   py.bytes_type   = syms[BYTES_TYPE].value + bias;

   UWord code_dealloc;
   if (!hh_interp_read_word(py.code_type + HH_PY311_TYPE_DEALLOC,
                            &code_dealloc)) {
      *why = "PyCode_Type cannot be read";
      return False;
   }
   NSegment const* seg = VG_(am_find_nsegment)(code_dealloc);
   if (seg == NULL || !seg->hasX) {
      *why = "PyCode_Type's deallocator is not code";
      return False;
   }
   hh_interp_watch_entry(code_dealloc, py_code_dies);
   *version = py.version;
   return True;
}

//------------------------------------------------------------//
//--- Objects                                              ---//
//------------------------------------------------------------//

static Bool has_type(Addr obj, Addr type)
{
   UWord obj_type;
   return obj != 0
          && hh_interp_read_word(obj + HH_PY311_OBJECT_TYPE, &obj_type)
          && obj_type == type;
}

static void append_utf8(HChar* out, SizeT* at, SizeT cap, UInt cp)
{
   HChar enc[4];
   SizeT n;
   if (cp < 0x80) {
      enc[0] = (HChar)cp; n = 1;
   } else if (cp < 0x800) {
      enc[0] = (HChar)(0xc0 | (cp >> 6));
      enc[1] = (HChar)(0x80 | (cp & 0x3f)); n = 2;
   } else if (cp < 0x10000) {
      enc[0] = (HChar)(0xe0 | (cp >> 12));
      enc[1] = (HChar)(0x80 | ((cp >> 6) & 0x3f));
      enc[2] = (HChar)(0x80 | (cp & 0x3f)); n = 3;
   } else {
      enc[0] = (HChar)(0xf0 | (cp >> 18));
      enc[1] = (HChar)(0x80 | ((cp >> 12) & 0x3f));
      enc[2] = (HChar)(0x80 | ((cp >> 6) & 0x3f));
      enc[3] = (HChar)(0x80 | (cp & 0x3f)); n = 4;
   }
   if (*at + n < cap) {
      VG_(memcpy)(out + *at, enc, n);
      *at += n;
   }
}

/* A str object's text, as UTF-8, into out[0 .. cap-1]. */
static Bool read_str(Addr obj, HChar* out, SizeT cap, const HChar** why)
{
   UChar header[HH_PY311_COMPACT_OBJECT];
   if (!has_type(obj, py.unicode_type)
       || !hh_interp_read(obj, header, sizeof header)) {
      *why = "a code object's name is not a str";
      return False;
   }
   Long length;
   UInt state;
   VG_(memcpy)(&length, header + HH_PY311_ASCII_LENGTH, sizeof length);
   VG_(memcpy)(&state, header + HH_PY311_ASCII_STATE, sizeof state);
   UInt kind    = (state >> HH_PY311_STATE_KIND_SHIFT) & HH_PY311_STATE_KIND_MASK;
   Bool compact = (state >> HH_PY311_STATE_COMPACT_SHIFT) & HH_PY311_STATE_COMPACT_MASK;
   Bool ascii   = (state >> HH_PY311_STATE_ASCII_SHIFT) & HH_PY311_STATE_ASCII_MASK;
   if (length < 0 || !compact
       || (kind != HH_PY311_KIND_1BYTE && kind != HH_PY311_KIND_2BYTE
           && kind != HH_PY311_KIND_4BYTE)) {
      /* A str made by the legacy C API: names never are. */
      *why = "a code object's name is not a compact str";
      return False;
   }
   Bool cut = False;
   SizeT n_chars = (SizeT)length;
   if (n_chars > MAX_TEXT_BYTES) {
      n_chars = MAX_TEXT_BYTES;
      cut = True;
   }
   Addr data = obj + (ascii ? HH_PY311_ASCII_OBJECT : HH_PY311_COMPACT_OBJECT);
   static UChar chars[MAX_TEXT_BYTES * 4];
   if (!hh_interp_read(data, chars, n_chars * kind)) {
      *why = "a str's characters cannot be read";
      return False;
   }
   SizeT at = 0;
   for (SizeT i = 0; i < n_chars; i++) {
      UInt cp;
      if (kind == HH_PY311_KIND_1BYTE)
         cp = chars[i];
      else if (kind == HH_PY311_KIND_2BYTE)
         cp = chars[2 * i] | (chars[2 * i + 1] << 8);
      else
         cp = chars[4 * i] | (chars[4 * i + 1] << 8)
              | (chars[4 * i + 2] << 16) | ((UInt)chars[4 * i + 3] << 24);
      append_utf8(out, &at, cap, cp);
   }
   if (cut && at + 3 < cap) {
      VG_(memcpy)(out + at, "...", 3);
      at += 3;
   }
   out[at] = 0;
   return True;
}

//------------------------------------------------------------//
//--- Line numbers                                         ---//
//------------------------------------------------------------//

static UInt scan_varint(const UChar* p, const UChar* end, const UChar** next)
{
   UInt value = 0, shift = 0;
   while (p < end) {
      UChar b = *p++;
      value |= (UInt)(b & 63) << shift;
      shift += 6;
      if (!(b & 64) || shift > 30)
         break;
   }
   *next = p;
   return value;
}

static Int scan_signed_varint(const UChar* p, const UChar* end)
{
   const UChar* next;
   UInt u = scan_varint(p, end, &next);
   return (u & 1) ? -(Int)(u >> 1) : (Int)(u >> 1);
}

/* The line of code unit `unit` in a 3.11 location table: entries start
   with a byte whose top bit is set; bits 3-6 are the entry's kind,
   bits 0-2 its length in code units minus one.  The line moves by a
   delta per entry (0 for the short forms, 0 to 2 for the one-line
   forms, a signed varint after the first byte for the long and
   no-column forms); the "no location" kind has no line (-1), as in
   PyCode_Addr2Line. */
static Int line_of_unit(const UChar* table, SizeT n_bytes, Int first_line,
                        UWord unit)
{
   const UChar* p = table;
   const UChar* end = table + n_bytes;
   Int line = first_line;
   UWord start_unit = 0;
   while (p < end) {
      UChar first = *p;
      if (!(first & 0x80))
         return -1;   // not at an entry: a table we do not understand
      UInt kind = (first >> 3) & 15;
      UWord n_units = (first & 7) + 1;
      Int delta = 0;
      if (kind == HH_PY311_LOCATION_LONG || kind == HH_PY311_LOCATION_NO_COLUMNS)
         delta = scan_signed_varint(p + 1, end);
      else if (kind == HH_PY311_LOCATION_ONE_LINE1)
         delta = 1;
      else if (kind == HH_PY311_LOCATION_ONE_LINE2)
         delta = 2;
      line += delta;
      if (unit < start_unit + n_units)
         return kind == HH_PY311_LOCATION_NONE ? -1 : line;
      start_unit += n_units;
      p++;
      while (p < end && !(*p & 0x80))
         p++;
   }
   return -1;
}

//------------------------------------------------------------//
//--- Frames                                               ---//
//------------------------------------------------------------//

/* The code object's fields used here, read at once. */
typedef struct {
   UWord n_units;        // Py_SIZE: code units of bytecode
   UWord first_traceable;
   Addr  filename, qualname, linetable;
   Int   first_line;
} CodeFields;

static Bool read_code(Addr code, CodeFields* f, const HChar** why)
{
   UChar header[HH_PY311_CODE_CODE_ADAPTIVE];
   if (!has_type(code, py.code_type)
       || !hh_interp_read(code, header, sizeof header)) {
      *why = "a frame's f_code is not a code object";
      return False;
   }
   Long n_units;
   Int first_line, first_traceable;
   VG_(memcpy)(&n_units, header + HH_PY311_VAROBJECT_SIZE, sizeof n_units);
   VG_(memcpy)(&first_line, header + HH_PY311_CODE_FIRSTLINENO, sizeof(Int));
   VG_(memcpy)(&first_traceable, header + HH_PY311_CODE_FIRSTTRACEABLE,
               sizeof(Int));
   VG_(memcpy)(&f->filename, header + HH_PY311_CODE_FILENAME, sizeof(Addr));
   VG_(memcpy)(&f->qualname, header + HH_PY311_CODE_QUALNAME, sizeof(Addr));
   VG_(memcpy)(&f->linetable, header + HH_PY311_CODE_LINETABLE, sizeof(Addr));
   if (n_units <= 0 || n_units > MAX_CODE_UNITS || first_traceable < 0
       || first_traceable > n_units) {
      *why = "a code object's size is out of range";
      return False;
   }
   f->n_units = (UWord)n_units;
   f->first_traceable = (UWord)first_traceable;
   f->first_line = first_line;
   return True;
}

/* A code object's bounds, kept in the code cache: its size in code
   units (high half) and its first traceable unit (low half). */
static UWord pack_bounds(const CodeFields* f)
{
   return (f->n_units << 32) | f->first_traceable;
}

/* The PyThreadState of the thread whose thread pointer is tp, or 0. */
static Bool find_tstate(Addr tp, Addr* tstate, const HChar** why)
{
   *why = "_PyRuntime's thread states cannot be read";
   UWord current, id;
   if (!hh_interp_read_word(py.runtime + HH_PY311_RUNTIME_TSTATE_CURRENT,
                            &current))
      return False;
   if (current != 0) {
      if (!hh_interp_read_word(current + HH_PY311_TSTATE_THREAD_ID, &id))
         return False;
      if (id == tp) {
         *tstate = current;
         return True;
      }
   }
   UWord interp;
   if (!hh_interp_read_word(py.runtime + HH_PY311_RUNTIME_INTERPRETERS_HEAD,
                            &interp))
      return False;
   for (UInt i = 0; interp != 0; i++) {
      if (i > MAX_INTERPRETERS) {
         *why = "the interpreter list does not end";
         return False;
      }
      UWord ts;
      if (!hh_interp_read_word(interp + HH_PY311_INTERP_THREADS_HEAD, &ts))
         return False;
      for (UInt t = 0; ts != 0; t++) {
         if (t > MAX_THREADS) {
            *why = "a thread list does not end";
            return False;
         }
         if (!hh_interp_read_word(ts + HH_PY311_TSTATE_THREAD_ID, &id))
            return False;
         if (id == tp) {
            *tstate = ts;
            return True;
         }
         if (!hh_interp_read_word(ts + HH_PY311_TSTATE_NEXT, &ts))
            return False;
      }
      if (!hh_interp_read_word(interp + HH_PY311_INTERP_NEXT, &interp))
         return False;
   }
   *tstate = 0;   // a thread Python does not know
   return True;
}

static ReadResult py_read_stack(ThreadId tid, UInt max_frames,
                                InterpStack* st, const HChar** why)
{
   st->n_frames = 0;
   Addr tstate;
   if (!find_tstate(hh_interp_thread_pointer(tid), &tstate, why))
      return ReadBad;
   if (tstate == 0)
      return ReadOk;
   UWord cframe, frame;
   if (!hh_interp_read_word(tstate + HH_PY311_TSTATE_CFRAME, &cframe)) {
      *why = "a thread state's cframe cannot be read";
      return ReadBad;
   }
   if (cframe == 0)
      return ReadOk;
   if (!hh_interp_read_word(cframe + HH_PY311_CFRAME_CURRENT_FRAME, &frame)) {
      *why = "a cframe cannot be read";
      return ReadBad;
   }

   for (UInt steps = 0; frame != 0 && st->n_frames < max_frames; steps++) {
      UChar specials[HH_PY311_FRAME_LOCALSPLUS];
      if (steps > MAX_FRAME_CHAIN
          || !hh_interp_read(frame, specials, sizeof specials)) {
         *why = "a frame cannot be read";
         return ReadBad;
      }
      Addr code, previous, prev_instr;
      VG_(memcpy)(&code, specials + HH_PY311_FRAME_F_CODE, sizeof(Addr));
      VG_(memcpy)(&previous, specials + HH_PY311_FRAME_PREVIOUS, sizeof(Addr));
      VG_(memcpy)(&prev_instr, specials + HH_PY311_FRAME_PREV_INSTR,
                  sizeof(Addr));
      UChar is_entry = specials[HH_PY311_FRAME_IS_ENTRY];
      UChar owner    = specials[HH_PY311_FRAME_OWNER];
      if (is_entry > 1 || owner > 2) {
         *why = "a frame's is_entry or owner is out of range";
         return ReadBad;
      }

      UWord bounds;
      if (!hh_interp_code_known(code, &bounds)) {
         CodeFields f;
         if (!read_code(code, &f, why))
            return ReadBad;
         bounds = pack_bounds(&f);
         hh_interp_code_remember(code, bounds);
      }
      UWord n_units = bounds >> 32;
      UWord first_traceable = bounds & 0xffffffffUL;
      Addr first_unit = code + HH_PY311_CODE_CODE_ADAPTIVE;
      /* prev_instr is one unit before the first before the frame
         starts; as a signed unit index, -1. */
      Long last_unit = ((Long)prev_instr - (Long)first_unit)
                       / (Long)HH_PY311_CODE_UNIT;
      if (last_unit < -1 || last_unit >= (Long)n_units) {
         *why = "a frame's prev_instr is outside its code";
         return ReadBad;
      }
      Bool incomplete = owner != HH_PY311_FRAME_OWNED_BY_GENERATOR
                        && last_unit < (Long)first_traceable;
      UInt i = st->n_frames;
      if (!incomplete) {
         st->frames[i].code    = code;
         st->frames[i].pos     = (UWord)last_unit;
         st->frames[i].context = 0;
         st->ends_run[i]       = is_entry;
         st->n_frames++;
      } else if (is_entry) {
         st->frames[i].code    = 0;
         st->frames[i].pos     = 0;
         st->frames[i].context = 0;
         st->ends_run[i]       = True;
         st->n_frames++;
      }
      frame = previous;
   }
   return ReadOk;
}

static Bool py_describe(const InterpFrameRef* frame, InterpFrameName* name,
                        const HChar** why)
{
   UWord code = frame->code, pos = frame->pos;
   static HChar function[MAX_TEXT_BYTES * 4 + 4];
   static HChar file[MAX_TEXT_BYTES * 4 + 4];
   static UChar table[MAX_LINETABLE_BYTES];
   CodeFields f;
   if (!read_code(code, &f, why)
       || !read_str(f.qualname, function, sizeof function, why)
       || !read_str(f.filename, file, sizeof file, why))
      return False;
   Long table_bytes;
   if (!has_type(f.linetable, py.bytes_type)
       || !hh_interp_read(f.linetable + HH_PY311_VAROBJECT_SIZE,
                          &table_bytes, sizeof table_bytes)
       || table_bytes < 0 || table_bytes > MAX_LINETABLE_BYTES
       || !hh_interp_read(f.linetable + HH_PY311_BYTES_SVAL, table,
                          (SizeT)table_bytes)) {
      *why = "a code object's co_linetable is not a bytes object";
      return False;
   }
   name->function = function;
   name->file = file;
   /* A generator that has not started has no instruction yet: its first
      line, as PyCode_Addr2Line says for a negative address. */
   name->line = (Long)pos < 0 ? f.first_line
                : line_of_unit(table, (SizeT)table_bytes, f.first_line, pos);
   return True;
}

InterpReader hh_interp_python_reader = {
   .lang       = "python",
   .eval_fn    = "_PyEval_EvalFrameDefault",
   .attach     = py_attach,
   .read_stack = py_read_stack,
   .describe   = py_describe,
};
