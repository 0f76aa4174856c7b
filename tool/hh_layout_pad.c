/*--------------------------------------------------------------------*/
/*--- heaphunt: preload size padding              hh_layout_pad.c ---*/
/*--------------------------------------------------------------------*/

/* Part of the preload.  It holds nothing but zero-filled space, sized
   at build time (tool/preload-layout-pad.sh) so that heaphunt's preload
   spans exactly as much address space as DHAT's installed one.

   Why: the dynamic linker maps the preload first, so every later
   mapping (libraries, thread stacks, an interpreter's arenas) lands at
   an address that depends on the preload's size.  Programs whose
   behaviour depends on addresses, such as interpreters that hash
   object addresses (CPython's method cache), then run a slightly
   different path under the two tools, and their read and write counts
   differ by a few hundred bytes in millions.  With equal spans the
   client's address space is the same under both tools, and so are the
   numbers.  The space is .bss: it costs no file size and, never being
   touched, no memory. */

#ifndef HH_LAYOUT_PAD_BYTES
#define HH_LAYOUT_PAD_BYTES 1
#endif

char hh_layout_pad[HH_LAYOUT_PAD_BYTES]
   __attribute__((used, visibility("hidden")));
