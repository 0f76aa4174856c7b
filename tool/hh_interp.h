/*--------------------------------------------------------------------*/
/*--- heaphunt: interpreted frames, between the core   hh_interp.h ---*/
/*--- and the readers of each interpreter                          ---*/
/*--------------------------------------------------------------------*/

/* hh_interp.c splices interpreted frames into allocation sites; it
   knows nothing of any interpreter's structures.  A reader
   (hh_interp_python.c, hh_interp_ruby.c) knows one interpreter: how
   to recognise it in a loaded object, how to walk its frames at an
   allocation, and how to name a frame.  This header is the contract
   between them; hh_tool.h has what the rest of the tool sees. */

#ifndef HH_INTERP_H
#define HH_INTERP_H

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"

//------------------------------------------------------------//
//--- Readers                                              ---//
//------------------------------------------------------------//

/* One interpreted frame of a stack being read: the code it runs (a
   PyCodeObject, a Ruby iseq body or method definition: an address that
   names the code for as long as that code lives), the position in it
   (an instruction index or address), and a context that changes its
   name, or 0 (Ruby: the class that owns the method, whose name
   qualifies it; see hh_interp_context_remember). */
typedef struct {
   UWord code;
   UWord pos;
   UWord context;
} InterpFrameRef;

/* A stack read at one allocation, innermost frame first.  ends_run[i]
   is True for the outermost frame run by one activation of the
   interpreter's eval loop (a native frame of reader->eval_fn): frames
   0 .. i belong to the innermost activation, and so on.  A frame with
   code 0 names nothing: it only carries the end of an activation whose
   frames are all hidden (a frame that has not started running). */
#define HH_INTERP_MAX_FRAMES 256

typedef struct {
   UInt           n_frames;
   InterpFrameRef frames[HH_INTERP_MAX_FRAMES];
   Bool           ends_run[HH_INTERP_MAX_FRAMES];
} InterpStack;

typedef enum {
   ReadOk,      // stack filled in (possibly with no frames)
   ReadBad      // the interpreter's memory is not as the layout says
} ReadResult;

/* A frame as it appears in the profile. */
typedef struct {
   const HChar* function;   // "Node#attach", "build", "<module>"
   const HChar* file;       // as the interpreter names it
   Int          line;       // 0 or less: unknown
} InterpFrameName;

typedef struct _InterpReader InterpReader;

struct _InterpReader {
   const HChar* lang;       // "python", "ruby": the frames' language mark
   const HChar* eval_fn;    // native function of the eval loop
   /* Recognise the interpreter in the object (file obj_path, loaded
      with bias: runtime address = link-time address + bias) whose
      eval_fn was seen.  True if its frames can be read; else *why
      says what did not match (for the one line the user sees). */
   Bool (*attach)(const HChar* obj_path, PtrdiffT bias,
                  const HChar** version, const HChar** why);
   /* The interpreted stack of thread tid now, at most max_frames deep.
      Must check every guest address with hh_interp_readable before
      reading it. */
   ReadResult (*read_stack)(ThreadId tid, UInt max_frames, InterpStack* st,
                            const HChar** why);
   /* Names a frame; False (with *why) if its memory is not as expected.
      The strings may live in a buffer the next call overwrites. */
   Bool (*describe)(const InterpFrameRef* frame, InterpFrameName* name,
                    const HChar** why);
};

extern InterpReader hh_interp_python_reader;
extern InterpReader hh_interp_ruby_reader;

//------------------------------------------------------------//
//--- Services for the readers (hh_interp.c)               ---//
//------------------------------------------------------------//

/* True if the client's [a, a + len) is mapped readable: the only test
   between a reader and a guest pointer (a wrong layout gives wrong
   pointers, which must cost a frame, never the tool). */
Bool hh_interp_readable(Addr a, SizeT len);
/* hh_interp_readable, then a copy. */
Bool hh_interp_read(Addr a, void* dst, SizeT len);
Bool hh_interp_read_word(Addr a, UWord* w);

/* The code cache: what a reader learnt about a code address while it
   lives (reader_data: e.g. where its instructions start).  A code that
   dies must be forgotten before its address is reused: Ruby's code is
   malloc'ed (hh_interp_note_free does it), Python's code objects may
   live in pymalloc's arenas (its reader watches their deallocator). */
Bool hh_interp_code_known(UWord code, UWord* reader_data);
void hh_interp_code_remember(UWord code, UWord reader_data);
void hh_interp_code_forget(UWord code);
/* A frame's name was made from `context`, which lives as long as the
   malloc'ed block at `witness`: the free of that block forgets every
   name made from a context (contexts die rarely: a class). */
void hh_interp_context_remember(Addr witness);

/* The guest's FS base (the thread pointer on amd64): TLS and thread
   identity. */
Addr hh_interp_thread_pointer(ThreadId tid);

/* Run fn(arg0) each time the client starts executing the instruction at
   guest address ip, with arg0 its first integer argument register:
   one address at a time (Python's code object deallocator). */
void hh_interp_watch_entry(Addr ip, void (*fn)(UWord arg0));

//------------------------------------------------------------//
//--- Object symbols (hh_elf.c)                            ---//
//------------------------------------------------------------//

typedef struct {
   const HChar* name;      // in
   Bool   found;           // out: the rest are valid only if found
   Addr   value;           // link-time address (TLS: offset in the block)
   SizeT  size;
   Bool   is_tls;
   Addr   dtpmod_slot;     // TLS: link-time address of its module-number
                           //   GOT slot, or 0
} HhElfSym;

/* Looks each wanted symbol up in the ELF file at path; False (with
   *why) if the file cannot be read as ELF.  A symbol not defined there
   is left !found. */
Bool hh_elf_lookup(const HChar* path, HhElfSym* wanted, UInt n_wanted,
                   const HChar** why);

#endif /* HH_INTERP_H */
