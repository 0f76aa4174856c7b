/* probe_ruby31.c: prints the layout of the CRuby 3.1 structures that
   tool/hh_interp_ruby.c reads, as C #defines, from the interpreter's own
   headers: the source package's vm_core.h (its internal headers are not
   installed) with the installed package's ruby/config.h, so that the
   build options are Debian's.  Built and run by
   scripts/gen-interp-layouts.sh; its output is part of
   tool/hh_interp_layouts.h. */

#include "ruby/ruby.h"
#include "version.h"
#include "vm_core.h"
#include "iseq.h"
#include "method.h"
#include "internal/imemo.h"
#include "internal/class.h"
#include "id.h"
/* Written by gen-interp-layouts.sh from the sources' symbol.c, iseq.c
   and st.c, whose definitions of these are private to those files: the
   ID table's shape, the succinct line-number index and a hash table's
   entries. */
#include "probe_ruby31_private.h"

#include <stddef.h>
#include <stdio.h>

#define OFF(name, type, field) \
   printf("#define HH_RB31_%-34s %zu\n", name, offsetof(type, field))
#define SIZE(name, type) \
   printf("#define HH_RB31_%-34s %zu\n", name, sizeof(type))
#define VAL(name, value) \
   printf("#define HH_RB31_%-34s 0x%lx\n", name, (unsigned long)(value))

int main(void)
{
   printf("/* CRuby %d.%d.%dp%d */\n", RUBY_VERSION_MAJOR,
          RUBY_VERSION_MINOR, RUBY_VERSION_TEENY, RUBY_PATCHLEVEL);
   printf("#define HH_RB31_VERSION \"%d.%d.%d\"\n", RUBY_VERSION_MAJOR,
          RUBY_VERSION_MINOR, RUBY_VERSION_TEENY);

   OFF("EC_VM_STACK", rb_execution_context_t, vm_stack);
   OFF("EC_VM_STACK_SIZE", rb_execution_context_t, vm_stack_size);
   OFF("EC_CFP", rb_execution_context_t, cfp);

   SIZE("CFP", rb_control_frame_t);
   OFF("CFP_PC", rb_control_frame_t, pc);
   OFF("CFP_ISEQ", rb_control_frame_t, iseq);
   OFF("CFP_EP", rb_control_frame_t, ep);
   VAL("ENV_INDEX_FLAGS", VM_ENV_DATA_INDEX_FLAGS);
   printf("#define HH_RB31_%-34s (%d)\n", "ENV_INDEX_ME_CREF",
          VM_ENV_DATA_INDEX_ME_CREF);
   VAL("FRAME_MAGIC_MASK", VM_FRAME_MAGIC_MASK);
   VAL("FRAME_MAGIC_METHOD", VM_FRAME_MAGIC_METHOD);
   VAL("FRAME_MAGIC_BLOCK", VM_FRAME_MAGIC_BLOCK);
   VAL("FRAME_MAGIC_CLASS", VM_FRAME_MAGIC_CLASS);
   VAL("FRAME_MAGIC_TOP", VM_FRAME_MAGIC_TOP);
   VAL("FRAME_MAGIC_CFUNC", VM_FRAME_MAGIC_CFUNC);
   VAL("FRAME_MAGIC_IFUNC", VM_FRAME_MAGIC_IFUNC);
   VAL("FRAME_MAGIC_EVAL", VM_FRAME_MAGIC_EVAL);
   VAL("FRAME_MAGIC_RESCUE", VM_FRAME_MAGIC_RESCUE);
   VAL("FRAME_MAGIC_DUMMY", VM_FRAME_MAGIC_DUMMY);
   VAL("FRAME_FLAG_FINISH", VM_FRAME_FLAG_FINISH);
   VAL("FRAME_FLAG_BMETHOD", VM_FRAME_FLAG_BMETHOD);
   VAL("FRAME_FLAG_CFRAME", VM_FRAME_FLAG_CFRAME);

   OFF("BASIC_FLAGS", struct RBasic, flags);
   VAL("T_MASK", RUBY_T_MASK);
   VAL("T_STRING", RUBY_T_STRING);
   VAL("T_ARRAY", RUBY_T_ARRAY);
   VAL("T_IMEMO", RUBY_T_IMEMO);
   VAL("FL_USHIFT", RUBY_FL_USHIFT);
   VAL("IMEMO_MASK", IMEMO_MASK);
   VAL("IMEMO_ISEQ", imemo_iseq);
   VAL("IMEMO_MENT", imemo_ment);

   OFF("ISEQ_BODY", rb_iseq_t, body);
   OFF("BODY_PATHOBJ", struct rb_iseq_constant_body, location.pathobj);
   OFF("BODY_LABEL", struct rb_iseq_constant_body, location.label);
   OFF("BODY_FIRST_LINENO", struct rb_iseq_constant_body,
       location.first_lineno);
   OFF("BODY_ISEQ_ENCODED", struct rb_iseq_constant_body, iseq_encoded);
   OFF("BODY_ISEQ_SIZE", struct rb_iseq_constant_body, iseq_size);
   OFF("BODY_INSNS_INFO_BODY", struct rb_iseq_constant_body, insns_info.body);
   OFF("BODY_INSNS_INFO_POSITIONS", struct rb_iseq_constant_body,
       insns_info.positions);
   OFF("BODY_INSNS_INFO_SIZE", struct rb_iseq_constant_body, insns_info.size);
   OFF("BODY_INSNS_INFO_SUCC_TABLE", struct rb_iseq_constant_body,
       insns_info.succ_index_table);
   VAL("INSN_INFO_TABLE_IMPL", VM_INSN_INFO_TABLE_IMPL);
   SIZE("INSN_INFO_ENTRY", struct iseq_insn_info_entry);
   OFF("INSN_INFO_LINE_NO", struct iseq_insn_info_entry, line_no);

   VAL("STRING_NOEMBED", RSTRING_NOEMBED);
   VAL("STRING_EMBED_LEN_MASK", RSTRING_EMBED_LEN_MASK);
   VAL("STRING_EMBED_LEN_SHIFT", RSTRING_EMBED_LEN_SHIFT);
   OFF("STRING_HEAP_LEN", struct RString, as.heap.len);
   OFF("STRING_HEAP_PTR", struct RString, as.heap.ptr);
   OFF("STRING_EMBED_ARY", struct RString, as.embed.ary);
   VAL("ARRAY_EMBED_FLAG", RARRAY_EMBED_FLAG);
   VAL("ARRAY_EMBED_LEN_MASK", RARRAY_EMBED_LEN_MASK);
   VAL("ARRAY_EMBED_LEN_SHIFT", RARRAY_EMBED_LEN_SHIFT);
   OFF("ARRAY_HEAP_LEN", struct RArray, as.heap.len);
   OFF("ARRAY_HEAP_PTR", struct RArray, as.heap.ptr);
   OFF("ARRAY_EMBED_ARY", struct RArray, as.ary);

   SIZE("SUCC_IMM_BYTES", ((struct succ_index_table*)0)->imm_part);
   VAL("SUCC_IMM_POSITIONS", IMMEDIATE_TABLE_SIZE);
   OFF("SUCC_PART", struct succ_index_table, succ_part);
   SIZE("SUCC_BLOCK", struct succ_dict_block);
   OFF("SUCC_BLOCK_RANK", struct succ_dict_block, rank);
   OFF("SUCC_BLOCK_SMALL_RANKS", struct succ_dict_block, small_block_ranks);
   OFF("SUCC_BLOCK_BITS", struct succ_dict_block, bits);

   OFF("VM_MARK_OBJECT_ARY", rb_vm_t, mark_object_ary);
   VAL("ID_SCOPE_SHIFT", ID_SCOPE_SHIFT);
   VAL("LAST_OP_ID", tLAST_OP_ID);
   VAL("ID_ENTRY_UNIT", ID_ENTRY_UNIT);
   VAL("ID_ENTRY_SIZE", ID_ENTRY_SIZE);
   VAL("ID_ENTRY_STR", ID_ENTRY_STR);
   /* A name the ID table must give, to recognise the table. */
   VAL("SERIAL_INITIALIZE", tInitialize);

   /* Class names: a method's owner, its class path or, for a singleton
      class, the object it is attached to, in the class's ivar table. */
   VAL("T_CLASS", RUBY_T_CLASS);
   VAL("T_MODULE", RUBY_T_MODULE);
   VAL("FL_SINGLETON", RUBY_FL_SINGLETON);
   OFF("CLASS_EXT", struct RClass, ptr);
   OFF("CLASSEXT_IV_TBL", rb_classext_t, iv_tbl);
   OFF("ST_ENTRIES_START", st_table, entries_start);
   OFF("ST_ENTRIES_BOUND", st_table, entries_bound);
   OFF("ST_ENTRIES", st_table, entries);
   SIZE("ST_ENTRY", struct st_table_entry);
   OFF("ST_ENTRY_HASH", struct st_table_entry, hash);
   OFF("ST_ENTRY_KEY", struct st_table_entry, key);
   OFF("ST_ENTRY_RECORD", struct st_table_entry, record);
   VAL("ST_DELETED_HASH", RESERVED_HASH_VAL);
   VAL("SERIAL_ATTACHED", t__attached__);
   /* The method entry of a frame: from its local env (blocks walk out
      through their outer envs), possibly behind an svar. */
   VAL("ENV_FLAG_LOCAL", VM_ENV_FLAG_LOCAL);
   printf("#define HH_RB31_%-34s (%d)\n", "ENV_INDEX_SPECVAL",
          VM_ENV_DATA_INDEX_SPECVAL);
   VAL("IMEMO_SVAR", imemo_svar);
   OFF("SVAR_CREF_OR_ME", struct vm_svar, cref_or_me);
   OFF("BODY_BASE_LABEL", struct rb_iseq_constant_body, location.base_label);

   OFF("ME_DEF", rb_callable_method_entry_t, def);
   OFF("ME_OWNER", rb_callable_method_entry_t, owner);
   OFF("DEF_ORIGINAL_ID", rb_method_definition_t, original_id);
   return 0;
}
