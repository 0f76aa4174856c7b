/* probe_python311.c: prints the layout of the CPython 3.11 structures that
   tool/hh_interp_python.c reads, as C #defines, from the interpreter's own
   (internal) headers.  Built and run by scripts/gen-interp-layouts.sh;
   its output is part of tool/hh_interp_layouts.h. */

#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_runtime.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_frame.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define OFF(name, type, field) \
   printf("#define HH_PY311_%-34s %zu\n", name, offsetof(type, field))
#define SIZE(name, type) \
   printf("#define HH_PY311_%-34s %zu\n", name, sizeof(type))
#define VAL(name, value) \
   printf("#define HH_PY311_%-34s %ld\n", name, (long)(value))

/* The bit position of one field of PyASCIIObject's state bitfield:
   set it to all ones in a zeroed object and find the bits that moved. */
static void state_field(const char* name, int which)
{
   PyASCIIObject o;
   memset(&o, 0, sizeof o);
   switch (which) {
   case 0: o.state.kind = 7; break;
   case 1: o.state.compact = 1; break;
   case 2: o.state.ascii = 1; break;
   default: o.state.ready = 1; break;
   }
   unsigned int word;
   memcpy(&word, (char*)&o + offsetof(PyASCIIObject, state), sizeof word);
   int shift = __builtin_ctz(word);
   char full[64];
   snprintf(full, sizeof full, "STATE_%s_SHIFT", name);
   VAL(full, shift);
   snprintf(full, sizeof full, "STATE_%s_MASK", name);
   VAL(full, word >> shift);
}

int main(void)
{
   printf("/* CPython %s (PY_VERSION_HEX 0x%08x) */\n", PY_VERSION,
          (unsigned)PY_VERSION_HEX);
   printf("#define HH_PY311_VERSION_HEX 0x%08xU\n", (unsigned)PY_VERSION_HEX);
   printf("#define HH_PY311_VERSION \"%s\"\n", PY_VERSION);

   OFF("RUNTIME_TSTATE_CURRENT", _PyRuntimeState, gilstate.tstate_current);
   OFF("RUNTIME_INTERPRETERS_HEAD", _PyRuntimeState, interpreters.head);
   OFF("INTERP_NEXT", PyInterpreterState, next);
   OFF("INTERP_THREADS_HEAD", PyInterpreterState, threads.head);
   OFF("TSTATE_NEXT", PyThreadState, next);
   OFF("TSTATE_INTERP", PyThreadState, interp);
   OFF("TSTATE_CFRAME", PyThreadState, cframe);
   OFF("TSTATE_THREAD_ID", PyThreadState, thread_id);
   OFF("CFRAME_CURRENT_FRAME", _PyCFrame, current_frame);

   OFF("FRAME_F_CODE", _PyInterpreterFrame, f_code);
   OFF("FRAME_PREVIOUS", _PyInterpreterFrame, previous);
   OFF("FRAME_PREV_INSTR", _PyInterpreterFrame, prev_instr);
   OFF("FRAME_IS_ENTRY", _PyInterpreterFrame, is_entry);
   OFF("FRAME_OWNER", _PyInterpreterFrame, owner);
   OFF("FRAME_LOCALSPLUS", _PyInterpreterFrame, localsplus);
   VAL("FRAME_OWNED_BY_GENERATOR", FRAME_OWNED_BY_GENERATOR);

   OFF("OBJECT_TYPE", PyObject, ob_type);
   OFF("VAROBJECT_SIZE", PyVarObject, ob_size);
   OFF("TYPE_DEALLOC", PyTypeObject, tp_dealloc);

   OFF("CODE_FILENAME", PyCodeObject, co_filename);
   OFF("CODE_QUALNAME", PyCodeObject, co_qualname);
   OFF("CODE_LINETABLE", PyCodeObject, co_linetable);
   OFF("CODE_FIRSTLINENO", PyCodeObject, co_firstlineno);
   OFF("CODE_FIRSTTRACEABLE", PyCodeObject, _co_firsttraceable);
   OFF("CODE_CODE_ADAPTIVE", PyCodeObject, co_code_adaptive);
   SIZE("CODE_UNIT", _Py_CODEUNIT);

   OFF("BYTES_SVAL", PyBytesObject, ob_sval);

   OFF("ASCII_LENGTH", PyASCIIObject, length);
   OFF("ASCII_STATE", PyASCIIObject, state);
   SIZE("ASCII_OBJECT", PyASCIIObject);
   SIZE("COMPACT_OBJECT", PyCompactUnicodeObject);
   OFF("COMPACT_UTF8_LENGTH", PyCompactUnicodeObject, utf8_length);
   OFF("COMPACT_UTF8", PyCompactUnicodeObject, utf8);
   state_field("KIND", 0);
   state_field("COMPACT", 1);
   state_field("ASCII", 2);
   state_field("READY", 3);
   VAL("KIND_1BYTE", PyUnicode_1BYTE_KIND);
   VAL("KIND_2BYTE", PyUnicode_2BYTE_KIND);
   VAL("KIND_4BYTE", PyUnicode_4BYTE_KIND);

   /* The location table's entry kinds (Objects/locations.md). */
   VAL("LOCATION_NONE", PY_CODE_LOCATION_INFO_NONE);
   VAL("LOCATION_LONG", PY_CODE_LOCATION_INFO_LONG);
   VAL("LOCATION_NO_COLUMNS", PY_CODE_LOCATION_INFO_NO_COLUMNS);
   VAL("LOCATION_ONE_LINE0", PY_CODE_LOCATION_INFO_ONE_LINE0);
   VAL("LOCATION_ONE_LINE1", PY_CODE_LOCATION_INFO_ONE_LINE1);
   VAL("LOCATION_ONE_LINE2", PY_CODE_LOCATION_INFO_ONE_LINE2);
   return 0;
}
