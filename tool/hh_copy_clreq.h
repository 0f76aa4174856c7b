/*--------------------------------------------------------------------*/
/*--- heaphunt: the "copy" client request               hh_copy_clreq.h ---*/
/*--------------------------------------------------------------------*/

/* The preload's copying replacements (memcpy, strcpy, ... in
   hh_replace_strmem.c) tell the tool about every copy they make with one
   client request: "LEN bytes were copied from SRC to DST".  This header is
   the single definition of that request, shared by the preload (which
   issues it) and the tool (which handles it), so the two cannot drift.

   The request is internal: it is not part of the client header heaphunt.h,
   and a program should never issue it.  Its number sits 256 above the base
   of heaphunt's tool requests, where DHAT keeps its own copy request
   (_VG_USERREQ__DHAT_COPY = VG_USERREQ_TOOL_BASE('D','H') + 256), far from
   the public requests that grow upwards from the base.

   Cost and side effects: a client request runs a handful of extra guest
   instructions (it changes instruction counts, i.e. times, a little) and
   writes its argument block on the client's stack, never on the heap.  It
   does not read or write the copied memory, so heap read/write counts stay
   exactly those of the copy itself.  A tool that does not handle the request
   leaves it a no-op. */

#ifndef HH_COPY_CLREQ_H
#define HH_COPY_CLREQ_H

#include "valgrind.h"

enum {
   VG_USERREQ__HEAPHUNT_COPY = VG_USERREQ_TOOL_BASE('H','H') + 256
};

/* Where the tool finds each value in the request's arg[] array.  The length
   comes first, in the slot where DHAT's own copy request has it: with the
   same first argument, gcc compiles the replacement functions to the same
   code as DHAT's in more cases, and so the same instruction counts (DHAT's
   time unit). */
#define HH_COPY_ARG_LEN 1   // number of bytes copied
#define HH_COPY_ARG_DST 2   // destination address
#define HH_COPY_ARG_SRC 3   // source address

/* Issued once per copy, with the exact number of bytes that went from SRC
   to DST (a string's terminator included). */
#define HH_RECORD_COPY(dst, src, len_bytes)                              \
   VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__HEAPHUNT_COPY,            \
                                   (len_bytes), (dst), (src), 0, 0)

#endif /* HH_COPY_CLREQ_H */

/*--------------------------------------------------------------------*/
/*--- end                                               hh_copy_clreq.h ---*/
/*--------------------------------------------------------------------*/
