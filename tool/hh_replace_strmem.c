/*--------------------------------------------------------------------*/
/*--- heaphunt: str/mem function replacements    hh_replace_strmem.c ---*/
/*--------------------------------------------------------------------*/

/* This file is the string/memory half of heaphunt's preload
   (vgpreload_heaphunt-<plat>.so; the malloc half is the core's
   libreplacemalloc_toolpreload).  It runs on the simulated CPU, inside the
   client.

   Why it exists.  heaphunt's read and write counts must equal DHAT's.  DHAT's
   preload replaces glibc's strlen, memcpy, strcmp, memset, ... with the
   simple loops of Valgrind's shared/vg_replace_strmem.c.  glibc's own
   versions are SIMD code that reads whole aligned 16/32-byte chunks, past
   the end of a string and into neighbouring heap blocks, and picks its code
   path by CPU; the replacements touch exactly the bytes the C standard says
   they touch.  So the client's heap accesses through these functions are
   those of the replacement loops, and heaphunt must replace the same
   functions with loops that touch the same bytes.

   Why heaphunt has its own version of Valgrind's shared/vg_replace_strmem.c
   rather than building that file, as DHAT's preload does: the installed
   Valgrind SDK heaphunt builds against by default (Debian's valgrind
   package: /usr/include/valgrind and the core's libraries) does not ship
   shared/, only the tool headers; and heaphunt's copy notice
   needs both pointers, destination and source, to attribute a copy to
   the blocks it reads and writes, where Valgrind's file hands its copy
   hook (RECORD_COPY, for DHAT's copy mode) the length alone.  So this
   file replaces, function for function, what Valgrind's replaces, and
   tests/tools/compare_strmem_sources.py (run by the test suite against
   the 3.19 and 3.24 sources) checks that both replace the same functions
   in the same objects with the same tags and report copies in the same
   ones; any difference must be listed, with its reason, in
   tool/hh_replace_strmem.differences.

   The rules every function here follows:
   - Same set of functions, same sonames, same behavioural-equivalence-class
     tags (the 2NNNP numbers, listed below) as Valgrind's Linux set, so the
     core's redirector makes the same choices for us as for DHAT.  The set is
     checked symbol by symbol against DHAT's installed preload by
     tests/tools/compare_preload_symbols.py.
   - Same memory accesses: the same addresses, in the same widths, the same
     number of times.  DHAT counts an access of N bytes as N bytes read (or
     written) in the block holding its first byte, and adds one to the
     per-offset histogram of each byte it covers; so a byte that the
     replacement reads twice counts twice.  Where Valgrind's version reads a
     byte more than once -- memcmp re-reads the differing word byte by
     byte; strncasecmp reads its bytes again after each call to tolower(),
     which the compiler cannot see through; strlcpy re-reads the source
     terminator after storing the destination's -- ours does too, and a
     comment at that spot says so.  Where the compiler merges repeated reads
     of the same byte (no store or call in between), we write the single
     read explicitly.
   - Same instruction counts where we can.  Instructions are DHAT's time
     unit (allocation times, lifetimes, t-gmax), and these functions run
     often, so each follows the control flow of Valgrind's version test by
     test; built by the same gcc with Valgrind's flags it compiles to the
     same instructions.  tests/tools/compare_preload_symbols.py checks the
     set; comparing `objdump -d` of the two preloads checks the code.  The
     one known residue: our copy request passes dst and src as well as the
     length, which keeps one more value live in a few copying functions
     (memcpy, mempcpy, stpcpy, strncpy, the _chk copies): an extra register
     move, one or two instructions per call.
   - Valgrind's Memcheck checks source/destination overlap in these
     functions; that check only compares addresses and never touches
     memory, and heaphunt reports no errors, so it is left out (but see
     HH_MEMCPY_HAS_OVERLAP_TEST).  What is kept is the overlap test that
     chooses memmove's copy direction, because the direction decides which
     bytes are read (dst == src copies nothing).
   - Copying functions report each copy to the tool with HH_RECORD_COPY
     (hh_copy_clreq.h): destination, source, and the exact number of bytes
     that went from one to the other, terminator included, at the point
     where DHAT's copy mode records it, so that both count the same copies
     (strcat, strncat and strlcat record none).  The request reads and
     writes no client heap memory.

   Which Valgrind.  The set depends on the Valgrind version the preload is
   built against (valgrind.h's __VALGRIND_MINOR__): 3.19's set, plus what
   3.24 added (strlcpy, strlcat, memccpy, wmemcmp, wcsncpy, wcpncpy, strncmp
   in ld.so) when built against 3.24 or later.  Those two are the versions
   we test against; a version in between gets 3.19's set.

   Layout: one macro per function family, each followed by the sonames it
   is instantiated for, grouped in banner sections: scanning one string or
   buffer, comparing, copying strings, copying and filling memory, searching
   for substrings and sets, wide-character functions, and last the
   environment wrappers (putenv, setenv, unsetenv) that walk their string
   arguments before calling glibc.

   Equivalence-class tags (Valgrind's numbering, which we must share):
     20010 strrchr     20020 strchr      20030 strcat      20040 strncat
     20050 strlcat     20060 strnlen     20070 strlen      20080 strcpy
     20090 strncpy     20100 strlcpy     20110 strncmp     20120 strcasecmp
     20130 strncasecmp 20140 strcasecmp_l                  20150 strncasecmp_l
     20160 strcmp      20170 memchr      20180 memcpy      20181 memmove
     20190 memcmp      20200 stpcpy      20210 memset      20230 bcopy
     20240 __memmove_chk                 20250 strchrnul   20260 rawmemchr
     20270 __strcpy_chk                  20280 __stpcpy_chk
     20290 mempcpy     20300 __memcpy_chk                  20310 strstr
     20320 strpbrk     20330 strcspn     20340 strspn      20350 strcasestr
     20360 memrchr     20370 wcslen      20380 wcscmp      20390 wcscpy
     20400 wcschr      20410 wcsrchr     20420 stpncpy     20430 wmemchr
     20440 wcsnlen     20450 wcsncmp     20470 wmemcmp     20480 wcsncpy
     20490 memccpy     20500 wcpncpy
   (20180 and 20181 differ so that, when one address is both memcpy and
   memmove, the redirector prefers memmove's overlap-safe semantics.) */

#include "pub_tool_basics.h"
#include "pub_tool_redir.h"
#include "pub_tool_clreq.h"     // VALGRIND_PRINTF_BACKTRACE, wrapping macros
#include "hh_copy_clreq.h"

#if !defined(VGO_linux)
#  error "heaphunt's str/mem replacements are written for Linux (glibc) only"
#endif

// Set when the Valgrind we build against has 3.24's larger set.
#if __VALGRIND_MAJOR__ > 3 \
    || (__VALGRIND_MAJOR__ == 3 && __VALGRIND_MINOR__ >= 24)
#  define HH_STRMEM_SET_3_24 1
#else
#  define HH_STRMEM_SET_3_24 0
#endif


//------------------------------------------------------------//
//--- Helpers                                              ---//
//------------------------------------------------------------//

/* Do [dst, dst+dst_len) and [src, src+src_len) share a byte?  Only
   addresses are compared.  Empty ranges share nothing.  (The tests are
   ordered as in Valgrind's is_overlap, which gcc then folds into memcpy's
   direction test the same way, for the same instruction count.) */
static __inline__
Bool ranges_overlap ( Addr dst, SizeT dst_len, Addr src, SizeT src_len )
{
   if (dst_len == 0 || src_len == 0)
      return False;
   if (src < dst)
      return !(src + src_len - 1 < dst);
   if (dst < src)
      return !(dst + dst_len - 1 < src);
   return True;
}

/* A _chk function found its destination too small.  glibc would abort; like
   Valgrind's replacements we print where it happened and exit with status 1,
   which still lets the tool write its profile.  Inlined, so that the
   backtrace starts in the replacement function itself. */
__attribute__ ((__noreturn__))
static __inline__ __attribute__ ((always_inline))
void overflow_exit ( const char* what )
{
   extern __attribute__ ((__noreturn__)) void _exit ( int status );
   VALGRIND_PRINTF_BACKTRACE("*** %s: buffer overflow detected ***: "
                             "program terminated\n", what);
   _exit(1);
}


//------------------------------------------------------------//
//--- Scanning one string or buffer                         ---//
//------------------------------------------------------------//

/* Each of these reads its bytes once each, in order, up to and including
   the byte that ends the scan (the terminator, the match, or the last byte
   allowed by a length); nothing beyond. */

/* strlen: the terminator is read, so a 10-char string reads 11 bytes. */
#define REPLACE_STRLEN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20070,soname,fnname) ( const char* str ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20070,soname,fnname) ( const char* str ) \
   { \
      SizeT len_chars = 0; \
      while (str[len_chars] != 0) \
         len_chars++; \
      return len_chars; \
   }

REPLACE_STRLEN(VG_Z_LIBC_SONAME,          strlen)
REPLACE_STRLEN(VG_Z_LIBC_SONAME,          __GI_strlen)
REPLACE_STRLEN(VG_Z_LIBC_SONAME,          __strlen_sse2)
REPLACE_STRLEN(VG_Z_LIBC_SONAME,          __strlen_sse2_no_bsf)
REPLACE_STRLEN(VG_Z_LIBC_SONAME,          __strlen_sse42)
REPLACE_STRLEN(VG_Z_LD_LINUX_SO_2,        strlen)
REPLACE_STRLEN(VG_Z_LD_LINUX_X86_64_SO_2, strlen)

/* strnlen: reads at most max_chars bytes; the terminator only if it lies
   within them. */
#define REPLACE_STRNLEN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20060,soname,fnname) \
            ( const char* str, SizeT max_chars ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20060,soname,fnname) \
            ( const char* str, SizeT max_chars ) \
   { \
      SizeT len_chars = 0; \
      while (len_chars < max_chars && str[len_chars] != 0) \
         len_chars++; \
      return len_chars; \
   }

REPLACE_STRNLEN(VG_Z_LIBC_SONAME, strnlen)
REPLACE_STRNLEN(VG_Z_LIBC_SONAME, __GI_strnlen)

/* strchr (and its old name index): stops at the first match or at the
   terminator, whichever comes first; searching for 0 finds the terminator. */
#define REPLACE_STRCHR(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20020,soname,fnname) \
            ( const char* s, int c ); \
   char* VG_REPLACE_FUNCTION_EZU(20020,soname,fnname) \
            ( const char* s, int c ) \
   { \
      const HChar wanted = (HChar)c; \
      const HChar* p; \
      for (p = s; ; p++) { \
         const HChar here = *p; \
         if (here == wanted) \
            return CONST_CAST(HChar*, p); \
         if (here == 0) \
            return NULL; \
      } \
   }

REPLACE_STRCHR(VG_Z_LIBC_SONAME, strchr)
REPLACE_STRCHR(VG_Z_LIBC_SONAME, __GI_strchr)
REPLACE_STRCHR(VG_Z_LIBC_SONAME, __strchr_sse2)
REPLACE_STRCHR(VG_Z_LIBC_SONAME, __strchr_sse2_no_bsf)
REPLACE_STRCHR(VG_Z_LIBC_SONAME, index)
// On x86 and amd64 ld.so's own strchr/index are left alone, as Valgrind does.
#if !defined(VGP_x86_linux) && !defined(VGP_amd64_linux)
REPLACE_STRCHR(VG_Z_LD_LINUX_SO_2,        strchr)
REPLACE_STRCHR(VG_Z_LD_LINUX_SO_2,        index)
REPLACE_STRCHR(VG_Z_LD_LINUX_X86_64_SO_2, strchr)
REPLACE_STRCHR(VG_Z_LD_LINUX_X86_64_SO_2, index)
#endif

/* strrchr (and rindex): always reads the whole string, terminator
   included, remembering the last match. */
#define REPLACE_STRRCHR(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20010,soname,fnname) \
            ( const char* s, int c ); \
   char* VG_REPLACE_FUNCTION_EZU(20010,soname,fnname) \
            ( const char* s, int c ) \
   { \
      const HChar wanted = (HChar)c; \
      const HChar* last_match = NULL; \
      const HChar* p; \
      for (p = s; ; p++) { \
         const HChar here = *p; \
         if (here == wanted) \
            last_match = p; \
         if (here == 0) \
            return CONST_CAST(HChar*, last_match); \
      } \
   }

REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   strrchr)
REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   rindex)
REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   __GI_strrchr)
REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   __strrchr_sse2)
REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   __strrchr_sse2_no_bsf)
REPLACE_STRRCHR(VG_Z_LIBC_SONAME,   __strrchr_sse42)
REPLACE_STRRCHR(VG_Z_LD_LINUX_SO_2, rindex)

/* strchrnul: like strchr, but returns the terminator's address on a miss. */
#define REPLACE_STRCHRNUL(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20250,soname,fnname) \
            ( const char* s, int c ); \
   char* VG_REPLACE_FUNCTION_EZU(20250,soname,fnname) \
            ( const char* s, int c ) \
   { \
      const HChar wanted = (HChar)c; \
      const HChar* p; \
      for (p = s; ; p++) { \
         const HChar here = *p; \
         if (here == 0) \
            return CONST_CAST(HChar*, p); \
         if (here == wanted) \
            return CONST_CAST(HChar*, p); \
      } \
   }

REPLACE_STRCHRNUL(VG_Z_LIBC_SONAME, strchrnul)

/* rawmemchr: no length and no terminator; reads until the byte is found. */
#define REPLACE_RAWMEMCHR(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20260,soname,fnname) \
            ( const void* s, int c ); \
   void* VG_REPLACE_FUNCTION_EZU(20260,soname,fnname) \
            ( const void* s, int c ) \
   { \
      const UChar wanted = (UChar)c; \
      const UChar* p = s; \
      while (*p != wanted) \
         p++; \
      return CONST_CAST(UChar*, p); \
   }

REPLACE_RAWMEMCHR(VG_Z_LIBC_SONAME, rawmemchr)
REPLACE_RAWMEMCHR(VG_Z_LIBC_SONAME, __GI___rawmemchr)

/* memchr: forwards, up to and including the first match. */
#define REPLACE_MEMCHR(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20170,soname,fnname) \
            ( const void* s, int c, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZU(20170,soname,fnname) \
            ( const void* s, int c, SizeT len_bytes ) \
   { \
      const UChar wanted = (UChar)c; \
      const UChar* bytes = s; \
      SizeT i; \
      for (i = 0; i < len_bytes; i++) { \
         if (bytes[i] == wanted) \
            return CONST_CAST(UChar*, &bytes[i]); \
      } \
      return NULL; \
   }

REPLACE_MEMCHR(VG_Z_LIBC_SONAME, memchr)
REPLACE_MEMCHR(VG_Z_LIBC_SONAME, __GI_memchr)

/* memrchr: backwards from the last byte, down to and including the last
   match. */
#define REPLACE_MEMRCHR(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20360,soname,fnname) \
            ( const void* s, int c, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZU(20360,soname,fnname) \
            ( const void* s, int c, SizeT len_bytes ) \
   { \
      const UChar wanted = (UChar)c; \
      const UChar* bytes = s; \
      SizeT i; \
      for (i = 0; i < len_bytes; i++) { \
         if (bytes[len_bytes - 1 - i] == wanted) \
            return CONST_CAST(UChar*, &bytes[len_bytes - 1 - i]); \
      } \
      return NULL; \
   }

REPLACE_MEMRCHR(VG_Z_LIBC_SONAME, memrchr)


//------------------------------------------------------------//
//--- Comparing                                            ---//
//------------------------------------------------------------//

/* String comparisons read one byte of each string per position, up to and
   including the first position that differs or holds a terminator (both
   strings' bytes at that position are read).  Results are -1, 0 or 1, as
   Valgrind's. */

#define REPLACE_STRCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20160,soname,fnname) \
          ( const char* s1, const char* s2 ); \
   int VG_REPLACE_FUNCTION_EZU(20160,soname,fnname) \
          ( const char* s1, const char* s2 ) \
   { \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      UChar ca, cb; \
      for (;; a++, b++) { \
         ca = *a; \
         cb = *b; \
         if (ca != cb) \
            break; \
         if (ca == 0) \
            break; \
      } \
      if (ca < cb) \
         return -1; \
      if (ca > cb) \
         return 1; \
      return 0; \
   }

REPLACE_STRCMP(VG_Z_LIBC_SONAME,          strcmp)
REPLACE_STRCMP(VG_Z_LIBC_SONAME,          __GI_strcmp)
REPLACE_STRCMP(VG_Z_LIBC_SONAME,          __strcmp_sse2)
REPLACE_STRCMP(VG_Z_LIBC_SONAME,          __strcmp_sse42)
REPLACE_STRCMP(VG_Z_LD_LINUX_X86_64_SO_2, strcmp)
REPLACE_STRCMP(VG_Z_LD64_SO_1,            strcmp)

/* strncmp: as strcmp, but reads nothing at positions >= max_chars. */
#define REPLACE_STRNCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20110,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars ); \
   int VG_REPLACE_FUNCTION_EZU(20110,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars ) \
   { \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      SizeT i; \
      for (i = 0; i < max_chars; i++, a++, b++) { \
         if (*a == 0 && *b == 0) \
            return 0; \
         if (*a == 0) \
            return -1; \
         if (*b == 0) \
            return 1; \
         if (*a < *b) \
            return -1; \
         if (*a > *b) \
            return 1; \
      } \
      return 0; \
   }

REPLACE_STRNCMP(VG_Z_LIBC_SONAME, strncmp)
REPLACE_STRNCMP(VG_Z_LIBC_SONAME, __GI_strncmp)
REPLACE_STRNCMP(VG_Z_LIBC_SONAME, __strncmp_sse2)
REPLACE_STRNCMP(VG_Z_LIBC_SONAME, __strncmp_sse42)
#if HH_STRMEM_SET_3_24
REPLACE_STRNCMP(VG_Z_LD_LINUX_SO_2,        strncmp)
REPLACE_STRNCMP(VG_Z_LD_LINUX_X86_64_SO_2, strncmp)
#endif

/* The case-insensitive family folds with tolower()/tolower_l().  Those are
   ordinary calls the compiler cannot see into, so any byte used after a
   call has to be read again; Valgrind's versions are written so that this
   happens, and DHAT counts it.  We make the same reads:
   - strcasecmp(_l): one read of each string per position.
   - strncasecmp(_l): per position, one read of each byte to test for the
     terminators, then "fold a, fold b, compare <" and again "fold a,
     fold b, compare >", each fold after a call re-reading its byte: a
     position that matches reads s1's byte twice and s2's byte three times
     (s1's first fold reuses the terminator test's read).  Which string
     gets the extra read depends on the order gcc evaluates the two folds
     of a comparison in (s1's first); the comparisons are written as
     Valgrind writes them so that the order is the same.
     tests/programs/strmem_basic.c checks these counts. */

#define REPLACE_STRCASECMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20120,soname,fnname) \
          ( const char* s1, const char* s2 ); \
   int VG_REPLACE_FUNCTION_EZU(20120,soname,fnname) \
          ( const char* s1, const char* s2 ) \
   { \
      extern int tolower ( int ); \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      UChar fa, fb; \
      for (;; a++, b++) { \
         fa = tolower(*a); \
         fb = tolower(*b); \
         if (fa != fb) \
            break; \
         if (fa == 0) \
            break; \
      } \
      if (fa < fb) \
         return -1; \
      if (fa > fb) \
         return 1; \
      return 0; \
   }

#define REPLACE_STRNCASECMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20130,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars ); \
   int VG_REPLACE_FUNCTION_EZU(20130,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars ) \
   { \
      extern int tolower ( int ); \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      SizeT i; \
      for (i = 0; i < max_chars; i++, a++, b++) { \
         if (*a == 0 && *b == 0) \
            return 0; \
         if (*a == 0) \
            return -1; \
         if (*b == 0) \
            return 1; \
         /* *a: the read above, reused; *b: re-read after the call */ \
         if (tolower(*a) < tolower(*b)) \
            return -1; \
         /* both re-read after a call */ \
         if (tolower(*a) > tolower(*b)) \
            return 1; \
      } \
      return 0; \
   }

#define REPLACE_STRCASECMP_L(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20140,soname,fnname) \
          ( const char* s1, const char* s2, void* locale ); \
   int VG_REPLACE_FUNCTION_EZU(20140,soname,fnname) \
          ( const char* s1, const char* s2, void* locale ) \
   { \
      extern int tolower_l ( int, void* ) __attribute__ ((weak)); \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      UChar fa, fb; \
      for (;; a++, b++) { \
         fa = tolower_l(*a, locale); \
         fb = tolower_l(*b, locale); \
         if (fa != fb) \
            break; \
         if (fa == 0) \
            break; \
      } \
      if (fa < fb) \
         return -1; \
      if (fa > fb) \
         return 1; \
      return 0; \
   }

#define REPLACE_STRNCASECMP_L(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20150,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars, void* locale ); \
   int VG_REPLACE_FUNCTION_EZU(20150,soname,fnname) \
          ( const char* s1, const char* s2, SizeT max_chars, void* locale ) \
   { \
      extern int tolower_l ( int, void* ) __attribute__ ((weak)); \
      const UChar* a = (const UChar*)s1; \
      const UChar* b = (const UChar*)s2; \
      SizeT i; \
      for (i = 0; i < max_chars; i++, a++, b++) { \
         if (*a == 0 && *b == 0) \
            return 0; \
         if (*a == 0) \
            return -1; \
         if (*b == 0) \
            return 1; \
         /* *a: the read above, reused; *b: re-read after the call */ \
         if (tolower_l(*a, locale) < tolower_l(*b, locale)) \
            return -1; \
         /* both re-read after a call */ \
         if (tolower_l(*a, locale) > tolower_l(*b, locale)) \
            return 1; \
      } \
      return 0; \
   }

REPLACE_STRCASECMP(VG_Z_LIBC_SONAME, strcasecmp)
REPLACE_STRCASECMP(VG_Z_LIBC_SONAME, __GI_strcasecmp)
REPLACE_STRNCASECMP(VG_Z_LIBC_SONAME, strncasecmp)
REPLACE_STRNCASECMP(VG_Z_LIBC_SONAME, __GI_strncasecmp)
REPLACE_STRCASECMP_L(VG_Z_LIBC_SONAME, strcasecmp_l)
REPLACE_STRCASECMP_L(VG_Z_LIBC_SONAME, __GI_strcasecmp_l)
REPLACE_STRCASECMP_L(VG_Z_LIBC_SONAME, __GI___strcasecmp_l)
REPLACE_STRNCASECMP_L(VG_Z_LIBC_SONAME, strncasecmp_l)
REPLACE_STRNCASECMP_L(VG_Z_LIBC_SONAME, __GI_strncasecmp_l)
REPLACE_STRNCASECMP_L(VG_Z_LIBC_SONAME, __GI___strncasecmp_l)

/* memcmp (and bcmp).  When both pointers are word aligned, equal words are
   skipped a word (8 bytes) at a time; the first differing word is then
   read AGAIN byte by byte up to its first differing byte.  So comparing two
   aligned 16-byte blocks that differ only in byte 9 reads bytes 0-15 once
   each as words and bytes 8-9 once more: 18 bytes from each block.
   Unaligned pointers are compared byte by byte only.  The result is the
   difference of the first differing bytes, as Valgrind's. */
#define REPLACE_MEMCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20190,soname,fnname) \
          ( const void* s1, const void* s2, SizeT len_bytes ); \
   int VG_REPLACE_FUNCTION_EZU(20190,soname,fnname) \
          ( const void* s1, const void* s2, SizeT len_bytes ) \
   { \
      const SizeT word_bytes = sizeof(UWord); \
      Addr a = (Addr)s1; \
      Addr b = (Addr)s2; \
      SizeT left = len_bytes; \
 \
      if (((a | b) & (word_bytes - 1)) == 0) { \
         while (left >= word_bytes) { \
            const UWord wa = *(const UWord*)a; \
            const UWord wb = *(const UWord*)b; \
            if (wa != wb) \
               break; \
            a += word_bytes; \
            b += word_bytes; \
            left -= word_bytes; \
         } \
      } \
      { \
         const UChar* pa = (const UChar*)a; \
         const UChar* pb = (const UChar*)b; \
         while (left != 0) { \
            const UChar ca = pa[0]; \
            const UChar cb = pb[0]; \
            int diff; \
            pa += 1; \
            pb += 1; \
            diff = (int)ca - (int)cb; \
            if (diff != 0) \
               return diff; \
            left -= 1; \
         } \
      } \
      return 0; \
   }

REPLACE_MEMCMP(VG_Z_LIBC_SONAME, memcmp)
REPLACE_MEMCMP(VG_Z_LIBC_SONAME, __GI_memcmp)
REPLACE_MEMCMP(VG_Z_LIBC_SONAME, __memcmp_sse2)
REPLACE_MEMCMP(VG_Z_LIBC_SONAME, __memcmp_sse4_1)
REPLACE_MEMCMP(VG_Z_LIBC_SONAME, bcmp)
REPLACE_MEMCMP(VG_Z_LD_SO_1,     bcmp)


//------------------------------------------------------------//
//--- Copying strings                                      ---//
//------------------------------------------------------------//

/* Each source byte copied is read once and each destination byte written
   once; the source's terminator is read (and, where it is copied, written).
   strcpy of a 10-char string: 11 bytes read, 11 written.  The recorded copy
   length counts the destination bytes that received a source byte or the
   string's terminator; strncpy's zero padding is fill, not copy. */

#define REPLACE_STRCPY(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20080,soname,fnname) \
            ( char* dst, const char* src ); \
   char* VG_REPLACE_FUNCTION_EZU(20080,soname,fnname) \
            ( char* dst, const char* src ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      while (*src != 0) \
         *dst++ = *src++; \
      *dst = 0; \
      HH_RECORD_COPY(dst_start, src_start, (Addr)src - (Addr)src_start + 1); \
      return dst_start; \
   }

REPLACE_STRCPY(VG_Z_LIBC_SONAME, strcpy)
REPLACE_STRCPY(VG_Z_LIBC_SONAME, __GI_strcpy)

/* stpcpy: strcpy returning the address of the copied terminator. */
#define REPLACE_STPCPY(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20200,soname,fnname) \
            ( char* dst, const char* src ); \
   char* VG_REPLACE_FUNCTION_EZU(20200,soname,fnname) \
            ( char* dst, const char* src ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      while (*src != 0) \
         *dst++ = *src++; \
      *dst = 0; \
      HH_RECORD_COPY(dst_start, src_start, (Addr)src - (Addr)src_start + 1); \
      return dst; \
   }

REPLACE_STPCPY(VG_Z_LIBC_SONAME,           stpcpy)
REPLACE_STPCPY(VG_Z_LIBC_SONAME,           __GI_stpcpy)
REPLACE_STPCPY(VG_Z_LIBC_SONAME,           __stpcpy_sse2)
REPLACE_STPCPY(VG_Z_LIBC_SONAME,           __stpcpy_sse2_unaligned)
REPLACE_STPCPY(VG_Z_LD_LINUX_SO_2,         stpcpy)
REPLACE_STPCPY(VG_Z_LD_LINUX_X86_64_SO_2,  stpcpy)
REPLACE_STPCPY(VG_Z_LD_LINUX_AARCH64_SO_1, stpcpy)

/* strncpy: copies up to n chars, stopping after the terminator, then pads
   the rest of the n destination bytes with zeros.  So all n destination
   bytes are written, and min(strlen(src)+1, n) source bytes read. */
#define REPLACE_STRNCPY(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20090,soname,fnname) \
            ( char* dst, const char* src, SizeT n ); \
   char* VG_REPLACE_FUNCTION_EZU(20090,soname,fnname) \
            ( char* dst, const char* src, SizeT n ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      SizeT copied_chars = 0; \
      while (copied_chars < n && *src != 0) { \
         copied_chars++; \
         *dst++ = *src++; \
      } \
      HH_RECORD_COPY(dst_start, src_start, \
                     copied_chars < n ? copied_chars + 1 : n); \
      while (copied_chars++ < n) \
         *dst++ = 0; \
      return dst_start; \
   }

REPLACE_STRNCPY(VG_Z_LIBC_SONAME, strncpy)
REPLACE_STRNCPY(VG_Z_LIBC_SONAME, __GI_strncpy)
REPLACE_STRNCPY(VG_Z_LIBC_SONAME, __strncpy_sse2)
REPLACE_STRNCPY(VG_Z_LIBC_SONAME, __strncpy_sse2_unaligned)

/* stpncpy: strncpy returning the address just past the copied chars (the
   first zero written, or dst+n). */
#define REPLACE_STPNCPY(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20420,soname,fnname) \
            ( char* dst, const char* src, SizeT n ); \
   char* VG_REPLACE_FUNCTION_EZU(20420,soname,fnname) \
            ( char* dst, const char* src, SizeT n ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      HChar* copy_end; \
      SizeT copied_chars = 0; \
      while (copied_chars < n && *src != 0) { \
         copied_chars++; \
         *dst++ = *src++; \
      } \
      HH_RECORD_COPY(dst_start, src_start, \
                     copied_chars < n ? copied_chars + 1 : n); \
      copy_end = dst; \
      while (copied_chars++ < n) \
         *dst++ = 0; \
      return copy_end; \
   }

REPLACE_STPNCPY(VG_Z_LIBC_SONAME, stpncpy)

/* strcat: reads dst up to and including its terminator, then copies src
   over that terminator, terminator included.  Appending a 3-char string to
   a 5-char one reads 6 + 4 bytes and writes 4.  strcat and strncat report
   no copy, as in DHAT's copy mode, whose copy counts heaphunt's follow. */
#define REPLACE_STRCAT(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20030,soname,fnname) \
            ( char* dst, const char* src ); \
   char* VG_REPLACE_FUNCTION_EZU(20030,soname,fnname) \
            ( char* dst, const char* src ) \
   { \
      HChar* dst_start = dst; \
      while (*dst != 0) \
         dst++; \
      while (*src != 0) \
         *dst++ = *src++; \
      *dst = 0; \
      return dst_start; \
   }

REPLACE_STRCAT(VG_Z_LIBC_SONAME, strcat)
REPLACE_STRCAT(VG_Z_LIBC_SONAME, __GI_strcat)

/* strncat: appends at most n chars of src and always a terminator.  src's
   terminator is read only if it comes within the first n chars. */
#define REPLACE_STRNCAT(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20040,soname,fnname) \
            ( char* dst, const char* src, SizeT n ); \
   char* VG_REPLACE_FUNCTION_EZU(20040,soname,fnname) \
            ( char* dst, const char* src, SizeT n ) \
   { \
      HChar* dst_start = dst; \
      SizeT copied_chars = 0; \
      while (*dst != 0) \
         dst++; \
      while (copied_chars < n && *src != 0) { \
         copied_chars++; \
         *dst++ = *src++; \
      } \
      *dst = 0; \
      return dst_start; \
   }

REPLACE_STRNCAT(VG_Z_LIBC_SONAME, strncat)

/* __strcpy_chk / __stpcpy_chk (_FORTIFY_SOURCE): strcpy/stpcpy that give
   up if the copy, terminator included, would exceed dst_size bytes.  On
   that failure dst_size bytes have already been copied, as in Valgrind's. */
#define REPLACE_STRCPY_CHK_FAMILY(tag, soname, fnname, returns_end, what) \
   char* VG_REPLACE_FUNCTION_EZU(tag,soname,fnname) \
            ( char* dst, const char* src, SizeT dst_size ); \
   char* VG_REPLACE_FUNCTION_EZU(tag,soname,fnname) \
            ( char* dst, const char* src, SizeT dst_size ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      if (dst_size == 0) \
         goto overflow; \
      while ((*dst++ = *src++) != 0) { \
         if (--dst_size == 0) \
            goto overflow; \
      } \
      HH_RECORD_COPY(dst_start, src_start, (Addr)src - (Addr)src_start); \
      return (returns_end) ? dst - 1 : dst_start; \
     overflow: \
      overflow_exit(what); \
   }

REPLACE_STRCPY_CHK_FAMILY(20270, VG_Z_LIBC_SONAME, __strcpy_chk, 0,
                          "strcpy_chk")
REPLACE_STRCPY_CHK_FAMILY(20280, VG_Z_LIBC_SONAME, __stpcpy_chk, 1,
                          "stpcpy_chk")

#if HH_STRMEM_SET_3_24
/* strlcpy (glibc 2.38+): copies at most size-1 chars, terminates dst if
   size > 0, and returns strlen(src).  After storing dst's terminator it
   goes on counting src from where the copy stopped, re-reading that byte:
   the store could have changed it.  So when src fits, its terminator is
   read twice.  With size == 0 nothing is written and src is only
   counted. */
#define REPLACE_STRLCPY(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20100,soname,fnname) \
            ( char* dst, const char* src, SizeT size ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20100,soname,fnname) \
            ( char* dst, const char* src, SizeT size ) \
   { \
      const HChar* src_start = src; \
      HChar* dst_start = dst; \
      SizeT copied_chars = 0; \
      while (copied_chars + 1 < size && *src != 0) { \
         copied_chars++; \
         *dst++ = *src++; \
      } \
      HH_RECORD_COPY(dst_start, src_start, \
                     copied_chars < size ? copied_chars + 1 : size); \
      if (size > 0) \
         *dst = 0; \
      while (*src != 0)   /* re-reads the byte the copy stopped at */ \
         src++; \
      return src - src_start; \
   }

REPLACE_STRLCPY(VG_Z_LIBC_SONAME, strlcpy)

/* strlcat (glibc 2.38+): appends src to the string in a size-byte buffer,
   keeping it terminated, and returns min(size, strlen(dst)) +
   strlen(src).  Reads dst up to its terminator (at most size bytes); if
   there is room, copies up to size-1 chars in all and terminates; then
   counts the rest of src, re-reading the byte the copy stopped at (again
   because of the store in between).  With no room src is only counted.
   Like strcat, it reports no copy. */
#define REPLACE_STRLCAT(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20050,soname,fnname) \
            ( char* dst, const char* src, SizeT size ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20050,soname,fnname) \
            ( char* dst, const char* src, SizeT size ) \
   { \
      SizeT result_len = 0; \
      while (result_len < size && *dst != 0) { \
         result_len++; \
         dst++; \
      } \
      if (result_len < size) { \
         while (result_len + 1 < size && *src != 0) { \
            result_len++; \
            *dst++ = *src++; \
         } \
         *dst = 0; \
      } \
      while (*src != 0) {   /* re-reads the byte the copy stopped at */ \
         result_len++; \
         src++; \
      } \
      return result_len; \
   }

REPLACE_STRLCAT(VG_Z_LIBC_SONAME, strlcat)
#endif


//------------------------------------------------------------//
//--- Copying and filling memory                           ---//
//------------------------------------------------------------//

/* memcpy and memmove share one body, in the access widths of Valgrind's:
   when src and dst are equally aligned modulo 8, bytes up to an 8-byte
   boundary, then 8-byte words (four at a time), then the tail; otherwise
   2-byte units if both are even, else single bytes.  Width matters to
   DHAT only for an access that straddles the end of a heap block, which
   these, staying inside [src, src+len) and [dst, dst+len), never do -- but
   keeping the same widths keeps even that case identical.
   Direction: ascending unless dst is above src and the ranges overlap, in
   which case descending; dst == src copies (reads, writes) nothing.
   memcpy is given memmove's semantics, as in Valgrind: programs do call it
   on overlapping ranges, and the old memcpy@GLIBC_2.2.5 has to be memmove
   anyway.
   The copy is reported first, before any early return, as Valgrind's tools
   do; the tool reads no memory for it, so the order does not matter to the
   counts. */

/* Valgrind's memcpy (not memmove) also computes an overlap test whose only
   use is Memcheck's error report; under DHAT the report is empty and the
   test dead.  Dead as it is, it changes how gcc lays the function out and so
   how many instructions a call executes, and instructions are DHAT's time
   unit.  We keep the test so that our memcpy executes exactly as many as
   DHAT's.  Valgrind 3.24 dropped the test on amd64 (KDE bug 402833). */
#if HH_STRMEM_SET_3_24 && defined(VGP_amd64_linux)
#  define HH_MEMCPY_HAS_OVERLAP_TEST 0
#else
#  define HH_MEMCPY_HAS_OVERLAP_TEST 1
#endif

#define REPLACE_MEMMOVE_OR_MEMCPY(tag, soname, fnname, has_overlap_test) \
   void* VG_REPLACE_FUNCTION_EZZ(tag,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZZ(tag,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes ) \
   { \
      const Addr word_bytes = sizeof(UWord); \
      const Addr word_mask = word_bytes - 1; \
 \
      HH_RECORD_COPY(dst, src, len_bytes); \
      if ((has_overlap_test) \
          && ranges_overlap((Addr)dst, len_bytes, (Addr)src, len_bytes)) \
         do { } while (0);   /* see HH_MEMCPY_HAS_OVERLAP_TEST */ \
 \
      if (len_bytes > 0) { \
         if (dst < src \
             || !ranges_overlap((Addr)dst, len_bytes, (Addr)src, len_bytes)) { \
            /* Ascending. */ \
            SizeT n = len_bytes; \
            Addr d = (Addr)dst; \
            Addr s = (Addr)src; \
            if (((s ^ d) & word_mask) == 0) { \
               while ((s & word_mask) != 0 && n >= 1) { \
                  *(UChar*)d = *(const UChar*)s; s += 1; d += 1; n -= 1; \
               } \
               while (n >= 4 * word_bytes) { \
                  *(UWord*)d = *(const UWord*)s; \
                  s += word_bytes; d += word_bytes; n -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; \
                  s += word_bytes; d += word_bytes; n -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; \
                  s += word_bytes; d += word_bytes; n -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; \
                  s += word_bytes; d += word_bytes; n -= word_bytes; \
               } \
               while (n >= word_bytes) { \
                  *(UWord*)d = *(const UWord*)s; \
                  s += word_bytes; d += word_bytes; n -= word_bytes; \
               } \
               if (n == 0) \
                  return dst; \
            } \
            if (((s | d) & 1) == 0) { \
               while (n >= 2) { \
                  *(UShort*)d = *(const UShort*)s; s += 2; d += 2; n -= 2; \
               } \
            } \
            while (n >= 1) { \
               *(UChar*)d = *(const UChar*)s; s += 1; d += 1; n -= 1; \
            } \
         } else if (dst > src) { \
            /* Descending: d and s start just past the ranges. */ \
            SizeT n = len_bytes; \
            Addr d = (Addr)dst + n; \
            Addr s = (Addr)src + n; \
            if (((s ^ d) & word_mask) == 0) { \
               while ((s & word_mask) != 0 && n >= 1) { \
                  s -= 1; d -= 1; *(UChar*)d = *(const UChar*)s; n -= 1; \
               } \
               while (n >= 4 * word_bytes) { \
                  s -= word_bytes; d -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; n -= word_bytes; \
                  s -= word_bytes; d -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; n -= word_bytes; \
                  s -= word_bytes; d -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; n -= word_bytes; \
                  s -= word_bytes; d -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; n -= word_bytes; \
               } \
               while (n >= word_bytes) { \
                  s -= word_bytes; d -= word_bytes; \
                  *(UWord*)d = *(const UWord*)s; n -= word_bytes; \
               } \
               if (n == 0) \
                  return dst; \
            } \
            if (((s | d) & 1) == 0) { \
               while (n >= 2) { \
                  s -= 2; d -= 2; *(UShort*)d = *(const UShort*)s; n -= 2; \
               } \
            } \
            while (n >= 1) { \
               s -= 1; d -= 1; *(UChar*)d = *(const UChar*)s; n -= 1; \
            } \
         } \
      } \
      return dst; \
   }

#define REPLACE_MEMCPY(soname, fnname) \
   REPLACE_MEMMOVE_OR_MEMCPY(20180, soname, fnname, HH_MEMCPY_HAS_OVERLAP_TEST)
#define REPLACE_MEMMOVE(soname, fnname) \
   REPLACE_MEMMOVE_OR_MEMCPY(20181, soname, fnname, 0)

// memcpy@GLIBC_2.2.5, the pre-2.14 memcpy that was really a memmove.
REPLACE_MEMMOVE(VG_Z_LIBC_SONAME, memcpyZAGLIBCZu2Zd2Zd5)
REPLACE_MEMCPY(VG_Z_LIBC_SONAME,  memcpyZAZAGLIBCZu2Zd14)  // memcpy@@GLIBC_2.14
REPLACE_MEMCPY(VG_Z_LIBC_SONAME,  memcpy)
REPLACE_MEMCPY(VG_Z_LIBC_SONAME,  __GI_memcpy)
REPLACE_MEMCPY(VG_Z_LIBC_SONAME,  __memcpy_sse2)
REPLACE_MEMCPY(VG_Z_LIBC_SONAME,  __memcpy_avx_unaligned_erms)
REPLACE_MEMCPY(VG_Z_LD_SO_1,      memcpy)
REPLACE_MEMCPY(VG_Z_LD64_SO_1,    memcpy)
// Intel's compiler plants its own tuned copy in executables.
REPLACE_MEMCPY(NONE,              ZuintelZufastZumemcpy)   // _intel_fast_memcpy

REPLACE_MEMMOVE(VG_Z_LIBC_SONAME, memmove)
REPLACE_MEMMOVE(VG_Z_LIBC_SONAME, __GI_memmove)
REPLACE_MEMMOVE(VG_Z_LD64_SO_1,   memmove)

/* The byte-at-a-time copiers below (mempcpy, bcopy, the _chk variants)
   copy ascending when dst < src and descending when dst > src, so that
   overlapping ranges copy correctly, and nothing when dst == src.  Every
   byte is read once and written once, one byte per access. */

/* mempcpy: returns dst + len_bytes. */
#define REPLACE_MEMPCPY(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20290,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZU(20290,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes ) \
   { \
      SizeT copy_len; \
      HH_RECORD_COPY(dst, src, len_bytes); \
      copy_len = len_bytes; \
      if (len_bytes == 0) \
         return dst; \
      if (dst > src) { \
         HChar* d = (HChar*)dst + len_bytes - 1; \
         const HChar* s = (const HChar*)src + len_bytes - 1; \
         while (len_bytes-- > 0) \
            *d-- = *s--; \
      } else if (dst < src) { \
         HChar* d = dst; \
         const HChar* s = src; \
         while (len_bytes-- > 0) \
            *d++ = *s++; \
      } \
      return (HChar*)dst + copy_len; \
   }

REPLACE_MEMPCPY(VG_Z_LIBC_SONAME,          mempcpy)
REPLACE_MEMPCPY(VG_Z_LIBC_SONAME,          __GI_mempcpy)
REPLACE_MEMPCPY(VG_Z_LD_SO_1,              mempcpy)
REPLACE_MEMPCPY(VG_Z_LD_LINUX_SO_3,        mempcpy)
REPLACE_MEMPCPY(VG_Z_LD_LINUX_X86_64_SO_2, mempcpy)

/* __memcpy_chk (_FORTIFY_SOURCE): copies nothing and exits if the copy
   exceeds dst_size; otherwise as mempcpy, returning dst. */
#define REPLACE_MEMCPY_CHK(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20300,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes, SizeT dst_size ); \
   void* VG_REPLACE_FUNCTION_EZU(20300,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes, SizeT dst_size ) \
   { \
      HChar* d; \
      const HChar* s; \
      if (dst_size < len_bytes) \
         goto overflow; \
      HH_RECORD_COPY(dst, src, len_bytes); \
      if (len_bytes == 0) \
         return dst; \
      if (dst > src) { \
         d = (HChar*)dst + len_bytes - 1; \
         s = (const HChar*)src + len_bytes - 1; \
         while (len_bytes-- > 0) \
            *d-- = *s--; \
      } else if (dst < src) { \
         d = dst; \
         s = src; \
         while (len_bytes-- > 0) \
            *d++ = *s++; \
      } \
      return dst; \
     overflow: \
      overflow_exit("memcpy_chk"); \
   }

REPLACE_MEMCPY_CHK(VG_Z_LIBC_SONAME, __memcpy_chk)

/* bcopy: the BSD memmove, source first. */
#define REPLACE_BCOPY(soname, fnname) \
   void VG_REPLACE_FUNCTION_EZU(20230,soname,fnname) \
            ( const void* src, void* dst, SizeT len_bytes ); \
   void VG_REPLACE_FUNCTION_EZU(20230,soname,fnname) \
            ( const void* src, void* dst, SizeT len_bytes ) \
   { \
      HChar* d = dst; \
      const HChar* s = src; \
      SizeT i; \
      HH_RECORD_COPY(dst, src, len_bytes); \
      if (d < s) { \
         for (i = 0; i < len_bytes; i++) \
            d[i] = s[i]; \
      } else if (d > s) { \
         for (i = 0; i < len_bytes; i++) \
            d[len_bytes - i - 1] = s[len_bytes - i - 1]; \
      } \
   }

REPLACE_BCOPY(VG_Z_LIBC_SONAME, bcopy)

/* __memmove_chk (_FORTIFY_SOURCE): as bcopy, but exits without copying if
   the copy exceeds dst_size. */
#define REPLACE_MEMMOVE_CHK(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20240,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes, SizeT dst_size ); \
   void* VG_REPLACE_FUNCTION_EZU(20240,soname,fnname) \
            ( void* dst, const void* src, SizeT len_bytes, SizeT dst_size ) \
   { \
      HChar* d = dst; \
      const HChar* s = src; \
      SizeT i; \
      HH_RECORD_COPY(dst, src, len_bytes); \
      if (dst_size < len_bytes) \
         goto overflow; \
      if (d < s) { \
         for (i = 0; i < len_bytes; i++) \
            d[i] = s[i]; \
      } else if (d > s) { \
         for (i = 0; i < len_bytes; i++) \
            d[len_bytes - i - 1] = s[len_bytes - i - 1]; \
      } \
      return d; \
     overflow: \
      overflow_exit("memmove_chk"); \
   }

REPLACE_MEMMOVE_CHK(VG_Z_LIBC_SONAME, __memmove_chk)

#if HH_STRMEM_SET_3_24
/* memccpy: copies bytes up to and including the first one equal to c, at
   most len_bytes; returns the address after the copied c, or NULL. */
#define REPLACE_MEMCCPY(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZU(20490,soname,fnname) \
            ( void* dst, const void* src, Int c, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZU(20490,soname,fnname) \
            ( void* dst, const void* src, Int c, SizeT len_bytes ) \
   { \
      const HChar* s = src; \
      HChar* d = dst; \
      const HChar stop = (HChar)c; \
      SizeT left = len_bytes; \
      while (left-- > 0) { \
         if ((*d++ = *s++) == stop) { \
            HH_RECORD_COPY(dst, src, len_bytes - left); \
            return d; \
         } \
      } \
      if (len_bytes != 0) \
         HH_RECORD_COPY(dst, src, len_bytes); \
      return NULL; \
   }

REPLACE_MEMCCPY(VG_Z_LIBC_SONAME, memccpy)
#endif

/* memset: single bytes up to an 8-byte boundary, then 8-byte words (four
   at a time), then single bytes.  Each byte is written once. */
#define REPLACE_MEMSET(soname, fnname) \
   void* VG_REPLACE_FUNCTION_EZZ(20210,soname,fnname) \
            ( void* s, Int c, SizeT len_bytes ); \
   void* VG_REPLACE_FUNCTION_EZZ(20210,soname,fnname) \
            ( void* s, Int c, SizeT len_bytes ) \
   { \
      Addr a = (Addr)s; \
      SizeT n = len_bytes; \
      ULong fill8 = c & 0xFF; \
      fill8 = (fill8 << 8) | fill8; \
      fill8 = (fill8 << 16) | fill8; \
      fill8 = (fill8 << 32) | fill8; \
      while ((a & 7) != 0 && n >= 1) { \
         *(UChar*)a = (UChar)c; a += 1; n -= 1; \
      } \
      while (n >= 32) { \
         *(ULong*)a = fill8; a += 8; n -= 8; \
         *(ULong*)a = fill8; a += 8; n -= 8; \
         *(ULong*)a = fill8; a += 8; n -= 8; \
         *(ULong*)a = fill8; a += 8; n -= 8; \
      } \
      while (n >= 8) { \
         *(ULong*)a = fill8; a += 8; n -= 8; \
      } \
      while (n >= 1) { \
         *(UChar*)a = (UChar)c; a += 1; n -= 1; \
      } \
      return s; \
   }

REPLACE_MEMSET(VG_Z_LIBC_SONAME, memset)


//------------------------------------------------------------//
//--- Searching for substrings and character sets          ---//
//------------------------------------------------------------//

/* These re-read bytes by design (a naive search), and DHAT counts every
   re-read, so the reads below follow Valgrind's exactly:
   - the needle/set is measured first: all its bytes, terminator included,
     are read once (its first byte serves also as "n0");
   - strstr then reads each haystack byte once while looking for n0, and at
     each position where it is found compares from the needle's first byte
     again: n[0..] and h[0..] re-read until the first mismatch (or the whole
     needle, on a match);
   - strpbrk/strcspn/strspn read each string byte once and, for each, the
     set's bytes in order until one matches (the whole set when none
     does). */

#define REPLACE_STRSTR(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20310,soname,fnname) \
            ( const char* haystack, const char* needle ); \
   char* VG_REPLACE_FUNCTION_EZU(20310,soname,fnname) \
            ( const char* haystack, const char* needle ) \
   { \
      const HChar* h = haystack; \
      UWord needle_len = 0; \
      UWord i; \
      HChar n0; \
      while (needle[needle_len] != 0) \
         needle_len++; \
      if (needle_len == 0) \
         return CONST_CAST(HChar*, h); \
      n0 = needle[0]; \
      for (;;) { \
         const HChar here = *h; \
         if (here == 0) \
            return NULL; \
         if (here != n0) { \
            h++; \
            continue; \
         } \
         for (i = 0; i < needle_len; i++) { \
            if (needle[i] != h[i]) \
               break; \
         } \
         if (i == needle_len) \
            return CONST_CAST(HChar*, h); \
         h++; \
      } \
   }

REPLACE_STRSTR(VG_Z_LIBC_SONAME, strstr)
REPLACE_STRSTR(VG_Z_LIBC_SONAME, __strstr_sse2)
REPLACE_STRSTR(VG_Z_LIBC_SONAME, __strstr_sse42)

/* strcasestr: strstr folding with tolower(); each fold reads its byte once
   (one read per call, and no byte is used again after a call). */
#define REPLACE_STRCASESTR(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20350,soname,fnname) \
            ( const char* haystack, const char* needle ); \
   char* VG_REPLACE_FUNCTION_EZU(20350,soname,fnname) \
            ( const char* haystack, const char* needle ) \
   { \
      extern int tolower ( int ); \
      const HChar* h = haystack; \
      UWord needle_len = 0; \
      UWord i; \
      UChar n0; \
      while (needle[needle_len] != 0) \
         needle_len++; \
      if (needle_len == 0) \
         return CONST_CAST(HChar*, h); \
      n0 = tolower(needle[0]); \
      for (;;) { \
         const UChar here = tolower(*h); \
         if (here == 0) \
            return NULL; \
         if (here != n0) { \
            h++; \
            continue; \
         } \
         for (i = 0; i < needle_len; i++) { \
            if (tolower(needle[i]) != tolower(h[i])) \
               break; \
         } \
         if (i == needle_len) \
            return CONST_CAST(HChar*, h); \
         h++; \
      } \
   }

REPLACE_STRCASESTR(VG_Z_LIBC_SONAME, strcasestr)

/* strpbrk: first byte of s that is in the set; an empty set matches
   nothing and s is then not read at all. */
#define REPLACE_STRPBRK(soname, fnname) \
   char* VG_REPLACE_FUNCTION_EZU(20320,soname,fnname) \
            ( const char* s, const char* set ); \
   char* VG_REPLACE_FUNCTION_EZU(20320,soname,fnname) \
            ( const char* s, const char* set ) \
   { \
      UWord set_len = 0; \
      UWord i; \
      while (set[set_len] != 0) \
         set_len++; \
      if (set_len == 0) \
         return NULL; \
      for (;; s++) { \
         const HChar here = *s; \
         if (here == 0) \
            return NULL; \
         for (i = 0; i < set_len; i++) { \
            if (here == set[i]) \
               return CONST_CAST(HChar*, s); \
         } \
      } \
   }

REPLACE_STRPBRK(VG_Z_LIBC_SONAME, strpbrk)

/* strcspn: length of the prefix of s with no byte from the set (the set
   may be empty: then it is strlen). */
#define REPLACE_STRCSPN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20330,soname,fnname) \
            ( const char* s, const char* set ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20330,soname,fnname) \
            ( const char* s, const char* set ) \
   { \
      UWord set_len = 0; \
      SizeT prefix_len = 0; \
      UWord i; \
      while (set[set_len] != 0) \
         set_len++; \
      for (;;) { \
         const HChar here = *s; \
         if (here == 0) \
            break; \
         for (i = 0; i < set_len; i++) { \
            if (here == set[i]) \
               break; \
         } \
         if (i < set_len) \
            break; \
         s++; \
         prefix_len++; \
      } \
      return prefix_len; \
   }

REPLACE_STRCSPN(VG_Z_LIBC_SONAME, strcspn)
REPLACE_STRCSPN(VG_Z_LIBC_SONAME, __GI_strcspn)

/* strspn: length of the prefix of s made only of bytes from the set; an
   empty set gives 0 without reading s. */
#define REPLACE_STRSPN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20340,soname,fnname) \
            ( const char* s, const char* set ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20340,soname,fnname) \
            ( const char* s, const char* set ) \
   { \
      const UChar* p = (const UChar*)s; \
      const UChar* accept = (const UChar*)set; \
      UWord set_len = 0; \
      SizeT prefix_len = 0; \
      UWord i; \
      while (accept[set_len] != 0) \
         set_len++; \
      if (set_len == 0) \
         return 0; \
      for (;; p++, prefix_len++) { \
         const UChar here = *p; \
         if (here == 0) \
            return prefix_len; \
         for (i = 0; i < set_len; i++) { \
            if (here == accept[i]) \
               break; \
         } \
         if (i == set_len) \
            return prefix_len; \
      } \
   }

REPLACE_STRSPN(VG_Z_LIBC_SONAME, strspn)


//------------------------------------------------------------//
//--- Wide-character functions                             ---//
//------------------------------------------------------------//

/* glibc's wchar_t is a signed 32-bit int; each character is one 4-byte
   access.  The rules are those of the byte versions above: each character
   read once up to and including the one that ends the scan.  Wide
   comparisons are signed, unlike strcmp's. */

#define REPLACE_WCSLEN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20370,soname,fnname) ( const Int* str ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20370,soname,fnname) ( const Int* str ) \
   { \
      SizeT len_chars = 0; \
      while (str[len_chars] != 0) \
         len_chars++; \
      return len_chars; \
   }

REPLACE_WCSLEN(VG_Z_LIBC_SONAME, wcslen)

#define REPLACE_WCSNLEN(soname, fnname) \
   SizeT VG_REPLACE_FUNCTION_EZU(20440,soname,fnname) \
            ( const Int* str, SizeT max_chars ); \
   SizeT VG_REPLACE_FUNCTION_EZU(20440,soname,fnname) \
            ( const Int* str, SizeT max_chars ) \
   { \
      SizeT len_chars = 0; \
      while (len_chars < max_chars && str[len_chars] != 0) \
         len_chars++; \
      return len_chars; \
   }

REPLACE_WCSNLEN(VG_Z_LIBC_SONAME, wcsnlen)
REPLACE_WCSNLEN(VG_Z_LIBC_SONAME, __GI_wcsnlen)

#define REPLACE_WCSCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20380,soname,fnname) \
          ( const Int* s1, const Int* s2 ); \
   int VG_REPLACE_FUNCTION_EZU(20380,soname,fnname) \
          ( const Int* s1, const Int* s2 ) \
   { \
      Int ca, cb; \
      for (;; s1++, s2++) { \
         ca = *s1; \
         cb = *s2; \
         if (ca != cb) \
            break; \
         if (ca == 0) \
            break; \
      } \
      if (ca < cb) \
         return -1; \
      if (ca > cb) \
         return 1; \
      return 0; \
   }

REPLACE_WCSCMP(VG_Z_LIBC_SONAME, wcscmp)

#define REPLACE_WCSNCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20450,soname,fnname) \
          ( const Int* s1, const Int* s2, SizeT max_chars ); \
   int VG_REPLACE_FUNCTION_EZU(20450,soname,fnname) \
          ( const Int* s1, const Int* s2, SizeT max_chars ) \
   { \
      SizeT i; \
      for (i = 0; i < max_chars; i++, s1++, s2++) { \
         if (*s1 == 0 && *s2 == 0) \
            return 0; \
         if (*s1 == 0) \
            return -1; \
         if (*s2 == 0) \
            return 1; \
         if (*s1 < *s2) \
            return -1; \
         if (*s1 > *s2) \
            return 1; \
      } \
      return 0; \
   }

REPLACE_WCSNCMP(VG_Z_LIBC_SONAME, wcsncmp)

#define REPLACE_WCSCHR(soname, fnname) \
   Int* VG_REPLACE_FUNCTION_EZU(20400,soname,fnname) \
           ( const Int* s, Int c ); \
   Int* VG_REPLACE_FUNCTION_EZU(20400,soname,fnname) \
           ( const Int* s, Int c ) \
   { \
      const Int* p; \
      for (p = s; ; p++) { \
         const Int here = *p; \
         if (here == c) \
            return CONST_CAST(Int*, p); \
         if (here == 0) \
            return NULL; \
      } \
   }

REPLACE_WCSCHR(VG_Z_LIBC_SONAME, wcschr)

#define REPLACE_WCSRCHR(soname, fnname) \
   Int* VG_REPLACE_FUNCTION_EZU(20410,soname,fnname) \
           ( const Int* s, Int c ); \
   Int* VG_REPLACE_FUNCTION_EZU(20410,soname,fnname) \
           ( const Int* s, Int c ) \
   { \
      const Int* last_match = NULL; \
      const Int* p; \
      for (p = s; ; p++) { \
         const Int here = *p; \
         if (here == c) \
            last_match = p; \
         if (here == 0) \
            return CONST_CAST(Int*, last_match); \
      } \
   }

REPLACE_WCSRCHR(VG_Z_LIBC_SONAME, wcsrchr)

#define REPLACE_WMEMCHR(soname, fnname) \
   Int* VG_REPLACE_FUNCTION_EZU(20430,soname,fnname) \
           ( const Int* s, Int c, SizeT len_chars ); \
   Int* VG_REPLACE_FUNCTION_EZU(20430,soname,fnname) \
           ( const Int* s, Int c, SizeT len_chars ) \
   { \
      const Int* p = s; \
      SizeT i; \
      for (i = 0; i < len_chars; i++, p++) { \
         if (*p == c) \
            return CONST_CAST(Int*, p); \
      } \
      return NULL; \
   }

REPLACE_WMEMCHR(VG_Z_LIBC_SONAME, wmemchr)
REPLACE_WMEMCHR(VG_Z_LIBC_SONAME, __GI_wmemchr)

/* wcscpy: 4 bytes per character, terminator included. */
#define REPLACE_WCSCPY(soname, fnname) \
   Int* VG_REPLACE_FUNCTION_EZU(20390,soname,fnname) \
           ( Int* dst, const Int* src ); \
   Int* VG_REPLACE_FUNCTION_EZU(20390,soname,fnname) \
           ( Int* dst, const Int* src ) \
   { \
      const Int* src_start = src; \
      Int* dst_start = dst; \
      while (*src != 0) \
         *dst++ = *src++; \
      *dst = 0; \
      HH_RECORD_COPY(dst_start, src_start, \
                     (Addr)src - (Addr)src_start + sizeof(Int)); \
      return dst_start; \
   }

REPLACE_WCSCPY(VG_Z_LIBC_SONAME, wcscpy)

#if HH_STRMEM_SET_3_24
#define REPLACE_WMEMCMP(soname, fnname) \
   int VG_REPLACE_FUNCTION_EZU(20470,soname,fnname) \
          ( const Int* s1, const Int* s2, SizeT len_chars ); \
   int VG_REPLACE_FUNCTION_EZU(20470,soname,fnname) \
          ( const Int* s1, const Int* s2, SizeT len_chars ) \
   { \
      SizeT i; \
      for (i = 0; i < len_chars; i++) { \
         const Int ca = s1[i]; \
         const Int cb = s2[i]; \
         if (ca != cb) \
            return ca > cb ? 1 : -1; \
      } \
      return 0; \
   }

REPLACE_WMEMCMP(VG_Z_LIBC_SONAME, wmemcmp)

/* wcsncpy / wcpncpy: strncpy for wide chars, zero padding to n chars.
   wcpncpy returns the address just past the copied chars. */
#define REPLACE_WCSNCPY_FAMILY(tag, soname, fnname, returns_end) \
   Int* VG_REPLACE_FUNCTION_EZU(tag,soname,fnname) \
           ( Int* dst, const Int* src, SizeT n ); \
   Int* VG_REPLACE_FUNCTION_EZU(tag,soname,fnname) \
           ( Int* dst, const Int* src, SizeT n ) \
   { \
      const Int* src_start = src; \
      Int* dst_start = dst; \
      SizeT copied_chars = 0; \
      while (copied_chars < n && *src != 0) { \
         copied_chars++; \
         *dst++ = *src++; \
      } \
      HH_RECORD_COPY(dst_start, src_start, \
                     (copied_chars < n ? copied_chars + 1 : n) * sizeof(Int)); \
      while (copied_chars++ < n) \
         *dst++ = 0; \
      return (returns_end) ? dst_start + (src - src_start) : dst_start; \
   }

REPLACE_WCSNCPY_FAMILY(20480, VG_Z_LIBC_SONAME, wcsncpy, 0)
REPLACE_WCSNCPY_FAMILY(20500, VG_Z_LIBC_SONAME, wcpncpy, 1)
#endif


//------------------------------------------------------------//
//--- Environment wrappers                                 ---//
//------------------------------------------------------------//

/* Valgrind wraps putenv, setenv and unsetenv so that Memcheck sees their
   string arguments read before glibc uses them.  The walk reads every byte
   of each string, terminator included, once -- heap reads that DHAT counts
   (a program that builds "NAME=value" in a malloc'd buffer, or Python's
   os.environ, passes heap strings) -- so we walk them too, then call the
   real function.  The empty asm with a memory clobber keeps the compiler
   from dropping the otherwise useless reads. */

int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, putenv) ( char* string );
int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, putenv) ( char* string )
{
   OrigFn fn;
   Word result;
   const HChar* p = string;
   VALGRIND_GET_ORIG_FN(fn);
   if (p != NULL) {
      while (*p++ != 0)
         __asm__ __volatile__("" ::: "memory");
   }
   CALL_FN_W_W(result, fn, string);
   return result;
}

int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, unsetenv) ( const char* name );
int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, unsetenv) ( const char* name )
{
   OrigFn fn;
   Word result;
   const HChar* p = name;
   VALGRIND_GET_ORIG_FN(fn);
   if (p != NULL) {
      while (*p++ != 0)
         __asm__ __volatile__("" ::: "memory");
   }
   CALL_FN_W_W(result, fn, name);
   return result;
}

int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, setenv)
       ( const char* name, const char* value, int overwrite );
int VG_WRAP_FUNCTION_ZU(VG_Z_LIBC_SONAME, setenv)
       ( const char* name, const char* value, int overwrite )
{
   OrigFn fn;
   Word result;
   const HChar* p;
   VALGRIND_GET_ORIG_FN(fn);
   if (name != NULL) {
      for (p = name; *p != 0; p++)
         __asm__ __volatile__("" ::: "memory");
   }
   if (value != NULL) {
      for (p = value; *p != 0; p++)
         __asm__ __volatile__("" ::: "memory");
   }
   CALL_FN_W_WWW(result, fn, name, value, overwrite);
   return result;
}

/*--------------------------------------------------------------------*/
/*--- end                                        hh_replace_strmem.c ---*/
/*--------------------------------------------------------------------*/
