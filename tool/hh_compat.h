/*--------------------------------------------------------------------*/
/*--- heaphunt: differences between the Valgrind versions we build ---*/
/*--- against.                                         hh_compat.h ---*/
/*--------------------------------------------------------------------*/

/* heaphunt builds against Valgrind 3.19 (Debian bookworm, the installed
   SDK) and 3.24 (Debian trixie, in-tree).  The tool API differs between
   them in a few places; this header names each difference once, keyed on
   the version macros of valgrind.h, so that tool sources say
   HH_ALIGN_ORIG_PARAM instead of repeating version tests.

   Differences that matter to a heap profiler (from the two trees'
   include/pub_tool_*.h and dhat/dh_main.c):
   - 3.22: the aligned allocation callbacks given to
     VG_(needs_malloc_replacement) take the alignment the client asked
     for as well as the one the core will use:
        __builtin_new_aligned / __builtin_vec_new_aligned:
           (tid, szB, alignB)            -> (tid, szB, alignB, orig_alignB)
        memalign:
           (tid, alignB, szB)            -> (tid, alignB, orig_alignB, szB)
   - 3.21: realloc(p, 0) follows VG_(clo_realloc_zero_bytes_frees)
     (--realloc-zero-bytes-frees, "yes" on glibc): when it is False, DHAT
     treats the call as realloc(p, 1) instead of free(p).
   - 3.24 (by 3.22 or so): VG_(needs_core_errors) takes a Bool;
     VG_(out_of_memory_NORETURN) takes an errno; VG_(am_shadow_alloc)
     returns SysRes.  Listed for completeness; heaphunt should not need
     them. */

#ifndef HH_COMPAT_H
#define HH_COMPAT_H

#include "valgrind.h"   /* __VALGRIND_MAJOR__, __VALGRIND_MINOR__ */

/* True when building against Valgrind MAJOR.MINOR or newer. */
#define HH_VG_AT_LEAST(major, minor) \
   (__VALGRIND_MAJOR__ > (major) \
    || (__VALGRIND_MAJOR__ == (major) && __VALGRIND_MINOR__ >= (minor)))

/* Aligned allocation callbacks: the parameter 3.22 added, to be written
   after alignB, e.g.
      static void* hh_memalign(ThreadId tid, SizeT alignB
                               HH_ALIGN_ORIG_PARAM, SizeT szB)
      static void* hh_new_aligned(ThreadId tid, SizeT szB, SizeT alignB
                                  HH_ALIGN_ORIG_PARAM)
   HH_ALIGN_ORIG_UNUSED goes in the body to keep -Wunused quiet. */
#if HH_VG_AT_LEAST(3, 22)
#  define HH_ALIGN_ORIG_PARAM  , SizeT orig_alignB
#  define HH_ALIGN_ORIG_UNUSED (void)orig_alignB
#else
#  define HH_ALIGN_ORIG_PARAM
#  define HH_ALIGN_ORIG_UNUSED ((void)0)
#endif

/* Whether realloc(p, 0) frees p (True: glibc's behaviour, and the only one
   before 3.21) or behaves like realloc(p, 1). */
#if HH_VG_AT_LEAST(3, 21)
#  include "pub_tool_replacemalloc.h"
#  define HH_REALLOC_ZERO_FREES (VG_(clo_realloc_zero_bytes_frees))
#else
#  define HH_REALLOC_ZERO_FREES True
#endif

#endif /* HH_COMPAT_H */
