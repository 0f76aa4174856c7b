/*--------------------------------------------------------------------*/
/*--- heaphunt: CRuby 3.1's frames                hh_interp_ruby.c ---*/
/*--------------------------------------------------------------------*/

/* The reader of CRuby 3.1's frames (contract: hh_interp.h), with the
   layout of its structures from hh_interp_layouts.h (generated from
   the interpreter's own headers by scripts/gen-interp-layouts.sh).

   Recognition: the object that holds rb_vm_exec must export
   ruby_version equal to the version the layout was made from, the
   thread-local ruby_current_ec, and ruby_current_vm_ptr.

   The stack of a thread: its execution context is the thread-local
   ruby_current_ec.  libruby's TLS is reached the way __tls_get_addr
   does: the thread pointer's TCB holds the DTV (x86-64 ABI: at offset
   8), the DTV's entry for libruby's module number (in the GOT slot
   that the DTPMOD64 relocation of ruby_current_ec names) holds the
   module's TLS block.  The control frames run from ec->cfp to the end
   of ec's VM stack, less the bottom frame, as rb_backtrace does.  A
   frame whose env flags have VM_FRAME_FLAG_FINISH is the first one an
   activation of rb_vm_exec ran: it ends that activation's run.

   Frames shown, as Ruby's own backtraces show them: a Ruby frame (an
   iseq with a pc) as its label ("build", "block in main", "<main>")
   in its path, at the line of the instruction before pc (from the
   iseq's insns_info: a succinct rank index, VM_INSN_INFO_TABLE_IMPL
   2, or the positions array); a C method's frame (VM_FRAME_MAGIC_CFUNC)
   as its method's name, from the global ID table, in "<cfunc>".  Other
   frames (IFUNC, DUMMY) are hidden.

   The ID table (ruby_global_symbols.ids) is not exported; it is found
   among the VM's mark_object_ary roots, as the array that names the
   ID of "initialize" so.

   A frame is keyed by (iseq body, pc) or (method definition, 0); both
   are malloc'ed, and their free makes hh_interp.c forget them.

   Every pointer is checked before it is followed and every object's
   type before its fields are believed: a layout that does not match
   gives ReadBad, not a wrong frame. */

#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"

#include "hh_interp.h"
#include "hh_interp_layouts.h"

static struct {
   Addr  vm_ptr;          // &ruby_current_vm_ptr
   Addr  ec_modid_slot;   // GOT slot: libruby's TLS module number
   UWord ec_tls_offset;   // ruby_current_ec's offset in the TLS block
   UWord ids;             // the ID table (an Array), once found
   HChar version[64];
} rb;

/* x86-64's TCB (glibc's tcbhead_t, fixed by the TLS ABI): the DTV
   pointer is its second word; DTV entries are two words, the first the
   block's address; entry -1 holds the DTV's length. */
#define TCB_DTV_OFFSET      8
#define DTV_ENTRY_BYTES     16
/* glibc's TLS_DTV_UNALLOCATED. */
#define DTV_UNALLOCATED     ((UWord)-1)

#define MAX_TEXT_BYTES      1024
#define MAX_INSN_INFO       (1 << 26)
#define MAX_ISEQ_SIZE       (1 << 28)
#define MAX_ROOTS_SEARCHED  256
#define MAX_VM_STACK_WORDS  (1UL << 32)
#define MAX_ENV_DEPTH       100000
#define MAX_CLASS_IVARS     4096

//------------------------------------------------------------//
//--- Recognition                                          ---//
//------------------------------------------------------------//

static Bool rb_attach(const HChar* obj_path, PtrdiffT bias,
                      const HChar** version, const HChar** why)
{
   enum { VERSION, CURRENT_EC, VM_PTR, N_SYMS };
   HhElfSym syms[N_SYMS] = {
      [VERSION]    = { .name = "ruby_version" },
      [CURRENT_EC] = { .name = "ruby_current_ec" },
      [VM_PTR]     = { .name = "ruby_current_vm_ptr" },
   };
   if (!hh_elf_lookup(obj_path, syms, N_SYMS, why))
      return False;
   if (!syms[VERSION].found) {
      *why = "it exports no ruby_version";
      return False;
   }
   HChar running[16];
   SizeT n = syms[VERSION].size < sizeof running ? syms[VERSION].size
                                                  : sizeof running - 1;
   if (n == 0 || !hh_interp_read(syms[VERSION].value + bias, running, n)) {
      *why = "its ruby_version cannot be read";
      return False;
   }
   running[n] = 0;
   VG_(snprintf)(rb.version, sizeof rb.version, "Ruby %s", running);
   if (VG_(strcmp)(running, HH_RB31_VERSION) != 0) {
      static HChar msg[128];
      VG_(snprintf)(msg, sizeof msg, "it is %s; heaphunt reads Ruby %s",
                    rb.version, HH_RB31_VERSION);
      *why = msg;
      return False;
   }
   if (!syms[CURRENT_EC].found || !syms[CURRENT_EC].is_tls
       || syms[CURRENT_EC].dtpmod_slot == 0 || !syms[VM_PTR].found) {
      *why = "it does not export the thread-local ruby_current_ec and "
             "ruby_current_vm_ptr";
      return False;
   }
   rb.vm_ptr        = syms[VM_PTR].value + bias;
   rb.ec_modid_slot = syms[CURRENT_EC].dtpmod_slot + bias;
   rb.ec_tls_offset = syms[CURRENT_EC].value;
   rb.ids           = 0;
   *version = rb.version;
   return True;
}

//------------------------------------------------------------//
//--- Objects                                              ---//
//------------------------------------------------------------//

static Bool read_flags(UWord obj, UWord* flags)
{
   /* Special constants (nil, fixnums, ...) are not objects. */
   return obj != 0 && (obj & 7) == 0
          && hh_interp_read_word(obj + HH_RB31_BASIC_FLAGS, flags);
}

static Bool is_type(UWord obj, UWord type)
{
   UWord flags;
   return read_flags(obj, &flags) && (flags & HH_RB31_T_MASK) == type;
}

static Bool is_imemo(UWord obj, UWord imemo_type)
{
   UWord flags;
   return read_flags(obj, &flags)
          && (flags & HH_RB31_T_MASK) == HH_RB31_T_IMEMO
          && ((flags >> HH_RB31_FL_USHIFT) & HH_RB31_IMEMO_MASK) == imemo_type;
}

/* A String's bytes, NUL-terminated, into out[0 .. cap-1]. */
static Bool read_string(UWord str, HChar* out, SizeT cap)
{
   UWord flags;
   if (!read_flags(str, &flags) || (flags & HH_RB31_T_MASK) != HH_RB31_T_STRING)
      return False;
   UWord length;
   Addr bytes;
   if (flags & HH_RB31_STRING_NOEMBED) {
      if (!hh_interp_read_word(str + HH_RB31_STRING_HEAP_LEN, &length)
          || !hh_interp_read_word(str + HH_RB31_STRING_HEAP_PTR, &bytes))
         return False;
   } else {
      length = (flags & HH_RB31_STRING_EMBED_LEN_MASK)
               >> HH_RB31_STRING_EMBED_LEN_SHIFT;
      bytes = str + HH_RB31_STRING_EMBED_ARY;
   }
   Bool cut = length > MAX_TEXT_BYTES;
   if (cut)
      length = MAX_TEXT_BYTES;
   if (length + 4 > cap || !hh_interp_read(bytes, out, length))
      return False;
   if (cut) {
      VG_(memcpy)(out + length, "...", 3);
      length += 3;
   }
   out[length] = 0;
   return True;
}

/* Element i of an Array, or False. */
static Bool array_at(UWord ary, UWord i, UWord* elem)
{
   UWord flags;
   if (!read_flags(ary, &flags) || (flags & HH_RB31_T_MASK) != HH_RB31_T_ARRAY)
      return False;
   UWord length;
   Addr elems;
   if (flags & HH_RB31_ARRAY_EMBED_FLAG) {
      length = (flags & HH_RB31_ARRAY_EMBED_LEN_MASK)
               >> HH_RB31_ARRAY_EMBED_LEN_SHIFT;
      elems = ary + HH_RB31_ARRAY_EMBED_ARY;
   } else if (!hh_interp_read_word(ary + HH_RB31_ARRAY_HEAP_LEN, &length)
              || !hh_interp_read_word(ary + HH_RB31_ARRAY_HEAP_PTR, &elems)) {
      return False;
   }
   return i < length && hh_interp_read_word(elems + i * sizeof(UWord), elem);
}

//------------------------------------------------------------//
//--- Method names: the ID table                           ---//
//------------------------------------------------------------//

/* The name of serial number `serial` in the ID table `ids`. */
static Bool name_of_serial(UWord ids, UWord serial, HChar* out, SizeT cap)
{
   UWord chunk, str;
   return array_at(ids, serial / HH_RB31_ID_ENTRY_UNIT, &chunk)
          && array_at(chunk, (serial % HH_RB31_ID_ENTRY_UNIT)
                                * HH_RB31_ID_ENTRY_SIZE + HH_RB31_ID_ENTRY_STR,
                      &str)
          && read_string(str, out, cap);
}

/* Finds the ID table among the VM's first mark_object_ary roots (Ruby
   registers it there at start-up): the array that names "initialize"
   at its serial number. */
static Bool find_id_table(void)
{
   UWord vm, roots, bucket;
   if (!hh_interp_read_word(rb.vm_ptr, &vm) || vm == 0
       || !hh_interp_read_word(vm + HH_RB31_VM_MARK_OBJECT_ARY, &roots)
       || !array_at(roots, 0, &bucket))
      return False;
   for (UWord i = 0; i < MAX_ROOTS_SEARCHED; i++) {
      UWord candidate;
      HChar name[32];
      if (!array_at(bucket, i, &candidate))
         break;
      if (name_of_serial(candidate, HH_RB31_SERIAL_INITIALIZE, name,
                         sizeof name)
          && VG_(strcmp)(name, "initialize") == 0) {
         rb.ids = candidate;
         return True;
      }
   }
   return False;
}

/* The name of an ID (a method, an instance variable). */
static Bool id_name(UWord id, HChar* out, SizeT cap)
{
   if (rb.ids == 0 && !find_id_table())
      return False;
   UWord serial = id > HH_RB31_LAST_OP_ID ? id >> HH_RB31_ID_SCOPE_SHIFT : id;
   return name_of_serial(rb.ids, serial, out, cap);
}

//------------------------------------------------------------//
//--- Class names                                          ---//
//------------------------------------------------------------//

/* The value of the instance variable whose ID's name is `name` (or,
   if serial != 0, whose ID has that serial number) in a class's ivar
   table, or 0.  Classes have few: a linear scan. */
static Bool class_ivar(UWord klass, const HChar* name, UWord serial,
                       UWord* value)
{
   *value = 0;
   UWord ext, table, start, bound, entries;
   if (!hh_interp_read_word(klass + HH_RB31_CLASS_EXT, &ext) || ext == 0
       || !hh_interp_read_word(ext + HH_RB31_CLASSEXT_IV_TBL, &table))
      return False;
   if (table == 0)
      return True;
   if (!hh_interp_read_word(table + HH_RB31_ST_ENTRIES_START, &start)
       || !hh_interp_read_word(table + HH_RB31_ST_ENTRIES_BOUND, &bound)
       || !hh_interp_read_word(table + HH_RB31_ST_ENTRIES, &entries)
       || bound < start || bound - start > MAX_CLASS_IVARS)
      return False;
   for (UWord i = start; i < bound; i++) {
      Addr entry = entries + i * HH_RB31_ST_ENTRY;
      UWord hash, key, record;
      if (!hh_interp_read_word(entry + HH_RB31_ST_ENTRY_HASH, &hash)
          || !hh_interp_read_word(entry + HH_RB31_ST_ENTRY_KEY, &key)
          || !hh_interp_read_word(entry + HH_RB31_ST_ENTRY_RECORD, &record))
         return False;
      if (hash == HH_RB31_ST_DELETED_HASH)
         continue;
      UWord key_serial = key > HH_RB31_LAST_OP_ID
                         ? key >> HH_RB31_ID_SCOPE_SHIFT : key;
      HChar key_name[64];
      Bool match = serial != 0
         ? key_serial == serial
         : id_name(key, key_name, sizeof key_name)
           && VG_(strcmp)(key_name, name) == 0;
      if (match) {
         *value = record;
         return True;
      }
   }
   return True;
}

/* A class's or module's permanent name (its __classpath__), as Ruby
   3.4's backtraces use it; False for an anonymous one. */
static Bool class_path(UWord klass, HChar* out, SizeT cap)
{
   UWord path;
   return (is_type(klass, HH_RB31_T_CLASS) || is_type(klass, HH_RB31_T_MODULE))
          && class_ivar(klass, "__classpath__", 0, &path) && path != 0
          && read_string(path, out, cap);
}

/* "Owner#method", "Owner.method" for a singleton method of a named
   class or module (Ruby 3.4's qualified names), or just the method's
   name, into out.  The owner's class extension (malloc'ed) witnesses
   the name: its free forgets it (hh_interp_context_remember). */
static void qualified_name(UWord owner, const HChar* method, HChar* out,
                           SizeT cap)
{
   HChar path[MAX_TEXT_BYTES + 4];
   UWord flags, ext;
   VG_(snprintf)(out, cap, "%s", method);
   if (owner == 0 || !read_flags(owner, &flags)
       || !hh_interp_read_word(owner + HH_RB31_CLASS_EXT, &ext) || ext == 0)
      return;
   hh_interp_context_remember(ext);
   if (flags & HH_RB31_FL_SINGLETON) {
      UWord attached, attached_ext;
      if (class_ivar(owner, NULL, HH_RB31_SERIAL_ATTACHED, &attached)
          && class_path(attached, path, sizeof path)
          && hh_interp_read_word(attached + HH_RB31_CLASS_EXT, &attached_ext)) {
         hh_interp_context_remember(attached_ext);
         VG_(snprintf)(out, cap, "%s.%s", path, method);
      }
   } else if (class_path(owner, path, sizeof path)) {
      VG_(snprintf)(out, cap, "%s#%s", path, method);
   }
}

//------------------------------------------------------------//
//--- Line numbers                                         ---//
//------------------------------------------------------------//

/* The number of instructions with line information at or before
   instruction index `pos` (1-based index of its insns_info entry),
   from iseq.c's succinct index: positions below SUCC_IMM_POSITIONS have
   their rank in 7-bit fields, 9 to a word; above, 512-bit blocks hold a
   rank, the ranks of their 64-bit words (9 bits each, word 0 has 0) and
   the bits themselves. */
static Bool succ_rank(Addr table, UWord pos, UWord* rank)
{
   if (pos < HH_RB31_SUCC_IMM_POSITIONS) {
      UWord word;
      if (!hh_interp_read_word(table + (pos / 9) * sizeof(UWord), &word))
         return False;
      *rank = (word >> ((pos % 9) * 7)) & 0x7f;
      return True;
   }
   UWord bit = pos - HH_RB31_SUCC_IMM_POSITIONS;
   Addr block = table + HH_RB31_SUCC_PART + (bit / 512) * HH_RB31_SUCC_BLOCK;
   UInt block_rank;
   UWord small_ranks, bits;
   UWord word_index = (bit % 512) / 64;
   if (!hh_interp_read(block + HH_RB31_SUCC_BLOCK_RANK, &block_rank,
                       sizeof block_rank)
       || !hh_interp_read_word(block + HH_RB31_SUCC_BLOCK_SMALL_RANKS,
                               &small_ranks)
       || !hh_interp_read_word(block + HH_RB31_SUCC_BLOCK_BITS
                               + word_index * sizeof(UWord), &bits))
      return False;
   UWord word_rank = word_index == 0 ? 0
                     : (small_ranks >> ((word_index - 1) * 9)) & 0x1ff;
   UWord upto = bits << (63 - bit % 64);   // bits 0 .. bit%64 of the word
   *rank = block_rank + word_rank + (UWord)__builtin_popcountll(upto);
   return True;
}

/* The 1-based insns_info entry of instruction index pos, by binary
   search of the positions array (iseq.c's get_insn_info_binary_search
   rule: the last entry whose position is <= pos). */
static Bool positions_rank(Addr positions, UWord n_entries, UWord pos,
                           UWord* rank)
{
   UWord lo = 0, hi = n_entries;   // the answer is in [lo, hi)
   while (hi - lo > 1) {
      UWord mid = lo + (hi - lo) / 2;
      UInt at;
      if (!hh_interp_read(positions + mid * sizeof(UInt), &at, sizeof at))
         return False;
      if (at <= pos)
         lo = mid;
      else
         hi = mid;
   }
   *rank = lo + 1;
   return True;
}

//------------------------------------------------------------//
//--- Frames                                               ---//
//------------------------------------------------------------//

static Bool known_magic(UWord magic)
{
   switch (magic) {
   case HH_RB31_FRAME_MAGIC_METHOD: case HH_RB31_FRAME_MAGIC_BLOCK:
   case HH_RB31_FRAME_MAGIC_CLASS:  case HH_RB31_FRAME_MAGIC_TOP:
   case HH_RB31_FRAME_MAGIC_CFUNC:  case HH_RB31_FRAME_MAGIC_IFUNC:
   case HH_RB31_FRAME_MAGIC_EVAL:   case HH_RB31_FRAME_MAGIC_RESCUE:
   case HH_RB31_FRAME_MAGIC_DUMMY:
      return True;
   default:
      return False;
   }
}

/* The current thread's execution context, or 0 (a thread Ruby does not
   run, or one whose TLS is not set up yet). */
static Bool current_ec(ThreadId tid, UWord* ec, const HChar** why)
{
   *ec = 0;
   Addr tp = hh_interp_thread_pointer(tid);
   UWord modid, dtv, dtv_length, block;
   *why = "ruby_current_ec cannot be reached through the DTV";
   if (tp == 0)
      return True;
   if (!hh_interp_read_word(rb.ec_modid_slot, &modid)
       || !hh_interp_read_word(tp + TCB_DTV_OFFSET, &dtv)
       || !hh_interp_read_word(dtv - DTV_ENTRY_BYTES, &dtv_length))
      return False;
   if (modid == 0 || modid > dtv_length)
      return False;
   if (!hh_interp_read_word(dtv + modid * DTV_ENTRY_BYTES, &block))
      return False;
   if (block == DTV_UNALLOCATED || block == 0)
      return True;
   return hh_interp_read_word(block + rb.ec_tls_offset, ec);
}

/* ep[index]: an env lives on the VM stack, already checked readable as a
   whole, unless it escaped to the heap. */
static Bool read_env_word(UWord ep, Long index, Addr vm_stack, Addr stack_end,
                          UWord* word)
{
   Addr a = ep + index * (Long)sizeof(UWord);
   if (a >= vm_stack && a + sizeof(UWord) <= stack_end && a % sizeof(UWord) == 0) {
      *word = *(const UWord*)a;
      return True;
   }
   return hh_interp_read_word(a, word);
}

static void push(InterpStack* st, UWord code, UWord pos, UWord owner,
                 Bool ends_run)
{
   st->frames[st->n_frames].code    = code;
   st->frames[st->n_frames].pos     = pos;
   st->frames[st->n_frames].context = owner;
   st->ends_run[st->n_frames]       = ends_run;
   st->n_frames++;
}

/* The method entry in an env's ME_CREF slot (possibly behind an svar,
   for a method's local env), or 0 (a cref: not in a method). */
static Bool entry_in_slot(UWord slot, Bool may_be_svar, UWord* me)
{
   *me = 0;
   if (slot == 0 || (slot & 7) != 0 || slot == 8 /* Qnil */)
      return True;
   if (is_imemo(slot, HH_RB31_IMEMO_MENT)) {
      *me = slot;
      return True;
   }
   if (may_be_svar && is_imemo(slot, HH_RB31_IMEMO_SVAR)) {
      UWord inner;
      return hh_interp_read_word(slot + HH_RB31_SVAR_CREF_OR_ME, &inner)
             && entry_in_slot(inner, False, me);
   }
   return True;   // a cref, or no entry
}

/* The class that owns the method a Ruby frame runs (a block's: the
   method it is in), or 0: rb_vm_frame_method_entry's walk out through
   the envs to the method's local one.  A method defined with
   define_method runs a block whose label names the method it was
   written in, not itself: it gets 0, and keeps Ruby 3.1's label. */
static Bool frame_owner(UWord ep, Addr vm_stack, Addr stack_end, UWord* owner)
{
   *owner = 0;
   UWord me = 0, flags = 0;
   for (UInt depth = 0; ; depth++) {
      UWord slot, specval;
      if (depth > MAX_ENV_DEPTH
          || !read_env_word(ep, HH_RB31_ENV_INDEX_FLAGS, vm_stack, stack_end,
                            &flags)
          || !read_env_word(ep, HH_RB31_ENV_INDEX_ME_CREF, vm_stack,
                            stack_end, &slot))
         return False;
      Bool local = (flags & HH_RB31_ENV_FLAG_LOCAL) != 0;
      if (!entry_in_slot(slot, local, &me))
         return False;
      if (me != 0 || local)
         break;
      if (!read_env_word(ep, HH_RB31_ENV_INDEX_SPECVAL, vm_stack, stack_end,
                         &specval))
         return False;
      ep = specval & ~(UWord)3;   // GC_GUARDED_PTR_REF
   }
   if (me == 0 || (flags & HH_RB31_FRAME_FLAG_BMETHOD))
      return True;
   return hh_interp_read_word(me + HH_RB31_ME_OWNER, owner);
}

static ReadResult rb_read_stack(ThreadId tid, UInt max_frames,
                                InterpStack* st, const HChar** why)
{
   st->n_frames = 0;
   UWord ec;
   if (!current_ec(tid, &ec, why))
      return ReadBad;
   if (ec == 0)
      return ReadOk;
   UWord vm_stack, vm_stack_words, cfp;
   *why = "the execution context's VM stack is not readable";
   if (!hh_interp_read_word(ec + HH_RB31_EC_VM_STACK, &vm_stack)
       || !hh_interp_read_word(ec + HH_RB31_EC_VM_STACK_SIZE, &vm_stack_words)
       || !hh_interp_read_word(ec + HH_RB31_EC_CFP, &cfp))
      return ReadBad;
   if (vm_stack == 0)
      return ReadOk;   // a fiber not started, or a thread ending
   Addr stack_end = vm_stack + vm_stack_words * sizeof(UWord);
   if (vm_stack_words > MAX_VM_STACK_WORDS
       || !hh_interp_readable(vm_stack, stack_end - vm_stack))
      return ReadBad;
   if (cfp < vm_stack || cfp > stack_end
       || (stack_end - cfp) % HH_RB31_CFP != 0) {
      *why = "ec->cfp is not a control frame of ec's VM stack";
      return ReadBad;
   }
   /* The bottom frame is the thread's dummy frame, never shown. */
   Addr last = stack_end - HH_RB31_CFP;
   for (Addr c = cfp; c < last && st->n_frames < max_frames;
        c += HH_RB31_CFP) {
      UWord pc   = *(const UWord*)(c + HH_RB31_CFP_PC);
      UWord iseq = *(const UWord*)(c + HH_RB31_CFP_ISEQ);
      UWord ep   = *(const UWord*)(c + HH_RB31_CFP_EP);
      UWord flags, me_cref;
      if (!read_env_word(ep, HH_RB31_ENV_INDEX_FLAGS, vm_stack, stack_end,
                         &flags)
          || !known_magic(flags & HH_RB31_FRAME_MAGIC_MASK)) {
         *why = "a control frame's env flags are not a frame's";
         return ReadBad;
      }
      Bool ends_run = (flags & HH_RB31_FRAME_FLAG_FINISH) != 0;
      Bool c_frame  = (flags & HH_RB31_FRAME_FLAG_CFRAME) != 0;
      UWord magic   = flags & HH_RB31_FRAME_MAGIC_MASK;
      if (!c_frame && iseq != 0 && pc != 0) {
         UWord body, iseq_encoded;
         if (!is_imemo(iseq, HH_RB31_IMEMO_ISEQ)
             || !hh_interp_read_word(iseq + HH_RB31_ISEQ_BODY, &body)
             || body == 0) {
            *why = "a Ruby frame's iseq is not an iseq";
            return ReadBad;
         }
         if (!hh_interp_code_known(body, &iseq_encoded)) {
            if (!hh_interp_read_word(body + HH_RB31_BODY_ISEQ_ENCODED,
                                     &iseq_encoded) || iseq_encoded == 0) {
               *why = "an iseq's instructions cannot be read";
               return ReadBad;
            }
            hh_interp_code_remember(body, iseq_encoded);
         }
         if (pc < iseq_encoded || (pc - iseq_encoded) % sizeof(UWord) != 0) {
            *why = "a Ruby frame's pc is outside its iseq";
            return ReadBad;
         }
         UWord owner;
         if (!frame_owner(ep, vm_stack, stack_end, &owner)) {
            *why = "a Ruby frame's envs do not lead to its method entry";
            return ReadBad;
         }
         push(st, body, pc, owner, ends_run);
      } else if (magic == HH_RB31_FRAME_MAGIC_CFUNC) {
         UWord def, owner;
         if (!read_env_word(ep, HH_RB31_ENV_INDEX_ME_CREF, vm_stack,
                            stack_end, &me_cref)
             || !is_imemo(me_cref, HH_RB31_IMEMO_MENT)
             || !hh_interp_read_word(me_cref + HH_RB31_ME_DEF, &def)
             || !hh_interp_read_word(me_cref + HH_RB31_ME_OWNER, &owner)
             || def == 0) {
            *why = "a C method's frame has no method entry";
            return ReadBad;
         }
         push(st, def, 0, owner, ends_run);
      } else if (ends_run) {
         push(st, 0, 0, 0, True);   // a hidden frame that ends a run
      }
   }
   return ReadOk;
}

/* A label qualified by the method's owner, as Ruby 3.4 shows it: the
   method's name ("attach", base_label) and whatever ends with it ("block
   in attach", "rescue in attach") get "Node#attach" in its place. */
static void qualify_label(const HChar* label, const HChar* base_label,
                          UWord owner, HChar* out, SizeT cap)
{
   static const HChar in[] = " in ";
   SizeT label_len = VG_(strlen)(label), base_len = VG_(strlen)(base_label);
   const HChar* tail = label + label_len - base_len;
   Bool names_method = owner != 0 && base_len > 0 && label_len >= base_len
      && VG_(strcmp)(tail, base_label) == 0
      && (tail == label
          || (tail - label >= (Long)sizeof in - 1
              && VG_(strncmp)(tail - (sizeof in - 1), in, sizeof in - 1) == 0));
   if (!names_method) {
      VG_(snprintf)(out, cap, "%s", label);
      return;
   }
   HChar method[MAX_TEXT_BYTES * 2 + 8];
   qualified_name(owner, base_label, method, sizeof method);
   SizeT prefix_len = (SizeT)(tail - label);
   if (prefix_len >= cap)
      prefix_len = cap - 1;
   VG_(memcpy)(out, label, prefix_len);   // "block in ", or nothing
   VG_(snprintf)(out + prefix_len, cap - prefix_len, "%s", method);
}

static Bool describe_iseq(UWord body, UWord pc, UWord owner,
                          InterpFrameName* name, const HChar** why)
{
   static HChar function[MAX_TEXT_BYTES * 3 + 16];
   static HChar path[MAX_TEXT_BYTES + 4];
   HChar label[MAX_TEXT_BYTES + 4], base_label[MAX_TEXT_BYTES + 4];
   UWord pathobj, label_str, base_label_str, iseq_encoded, insns_body,
         positions, succ;
   UInt iseq_size, n_insn_info;
   *why = "an iseq body is not readable";
   if (!hh_interp_read_word(body + HH_RB31_BODY_PATHOBJ, &pathobj)
       || !hh_interp_read_word(body + HH_RB31_BODY_LABEL, &label_str)
       || !hh_interp_read_word(body + HH_RB31_BODY_BASE_LABEL, &base_label_str)
       || !hh_interp_read_word(body + HH_RB31_BODY_ISEQ_ENCODED, &iseq_encoded)
       || !hh_interp_read(body + HH_RB31_BODY_ISEQ_SIZE, &iseq_size,
                          sizeof iseq_size)
       || !hh_interp_read_word(body + HH_RB31_BODY_INSNS_INFO_BODY, &insns_body)
       || !hh_interp_read_word(body + HH_RB31_BODY_INSNS_INFO_POSITIONS,
                               &positions)
       || !hh_interp_read(body + HH_RB31_BODY_INSNS_INFO_SIZE, &n_insn_info,
                          sizeof n_insn_info)
       || !hh_interp_read_word(body + HH_RB31_BODY_INSNS_INFO_SUCC_TABLE,
                               &succ))
      return False;
   UWord path_str = pathobj;
   if (!is_type(pathobj, HH_RB31_T_STRING) && !array_at(pathobj, 0, &path_str))
      path_str = 0;
   if (!read_string(label_str, label, sizeof label)
       || !read_string(base_label_str, base_label, sizeof base_label)
       || !read_string(path_str, path, sizeof path)) {
      *why = "an iseq's label or path is not a String";
      return False;
   }
   UWord pos = (pc - iseq_encoded) / sizeof(UWord);
   if (iseq_size > MAX_ISEQ_SIZE || pos > iseq_size
       || n_insn_info > MAX_INSN_INFO) {
      *why = "a Ruby frame's pc is outside its iseq";
      return False;
   }
   /* pc is the next instruction once one has started: Ruby reports the
      line of the one before. */
   if (pos > 0)
      pos--;
   Int line = 0;
   if (n_insn_info > 0) {
      UWord rank = 1;
      if (n_insn_info > 1) {
         Bool ok = succ != 0 ? succ_rank(succ, pos, &rank)
                 : positions != 0
                    ? positions_rank(positions, n_insn_info, pos, &rank)
                    : False;
         if (!ok || rank == 0 || rank > n_insn_info) {
            *why = "an iseq's line table is not readable";
            return False;
         }
      }
      if (!hh_interp_read(insns_body + (rank - 1) * HH_RB31_INSN_INFO_ENTRY
                          + HH_RB31_INSN_INFO_LINE_NO, &line, sizeof line)) {
         *why = "an iseq's line table is not readable";
         return False;
      }
   }
   qualify_label(label, base_label, owner, function, sizeof function);
   name->function = function;
   name->file = path;
   name->line = line;
   return True;
}

static Bool describe_cfunc(UWord def, UWord owner, InterpFrameName* name,
                           const HChar** why)
{
   static HChar function[MAX_TEXT_BYTES * 2 + 8];
   HChar method[MAX_TEXT_BYTES + 4];
   UWord id;
   if (!hh_interp_read_word(def + HH_RB31_DEF_ORIGINAL_ID, &id)) {
      *why = "a method definition is not readable";
      return False;
   }
   if (id_name(id, method, sizeof method))
      qualified_name(owner, method, function, sizeof function);
   else
      VG_(strcpy)(function, "(a C method)");
   name->function = function;
   name->file = "<cfunc>";
   name->line = 0;
   return True;
}

static Bool rb_describe(const InterpFrameRef* frame, InterpFrameName* name,
                        const HChar** why)
{
   return frame->pos == 0
      ? describe_cfunc(frame->code, frame->context, name, why)
      : describe_iseq(frame->code, frame->pos, frame->context, name, why);
}

InterpReader hh_interp_ruby_reader = {
   .lang       = "ruby",
   .eval_fn    = "rb_vm_exec",
   .attach     = rb_attach,
   .read_stack = rb_read_stack,
   .describe   = rb_describe,
};
