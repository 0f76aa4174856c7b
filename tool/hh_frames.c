/*--------------------------------------------------------------------*/
/*--- heaphunt: stack frames                          hh_frames.c ---*/
/*--------------------------------------------------------------------*/

/* Which frames of an allocation or copy stack the user sees, and how a
   frame is written in a profile.

   - The frames a site or a copy site is named by (hh_user_frames): the
     recorded stack, cut where the unwinder ran off its end, without the
     leading frames of heaphunt's preload (the malloc and memcpy
     replacements themselves) and, after those, of the functions given
     with --alloc-fn (the program's own allocation wrappers), so that
     the first frame is the caller.
   - How a frame is described (hh_frames_describe): as DHAT describes it,
     "0xADDR: fn (file:line)" with inlined calls expanded, except frames
     in heaphunt's preload (the environment wrappers, setenv and the
     like, sit in the middle of a stack): DHAT's preload is installed
     without line information, so DHAT names those "0xADDR: setenv (in
     /path/vgpreload_dhat-<plat>.so)"; heaphunt's are named the same way,
     by their object, so that the two tools' sites can be matched.

   heaphunt's preload is recognised by its object: the DebugInfo whose
   file's base name is exactly vgpreload_heaphunt-<plat>.so, found once
   and then compared by identity. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"

#include "hh_tool.h"

#if defined(VGP_amd64_linux)
#  define HH_PRELOAD_OBJECT "vgpreload_heaphunt-amd64-linux.so"
#else
#  error "heaphunt is built for amd64-linux only"
#endif

//------------------------------------------------------------//
//--- heaphunt's preload                                   ---//
//------------------------------------------------------------//

/* The preload's DebugInfo once seen.  A DebugInfo lives as long as its
   mapping (and is kept for older epochs after that), so a pointer that
   matched once matches for good; a new mapping of the preload, which a
   process never makes, would be recognised by its name again. */
static const DebugInfo* preload_di = NULL;

static Bool is_preload_ip(DiEpoch ep, Addr ip)
{
   DebugInfo* di = VG_(find_DebugInfo)(ep, ip);
   if (di == NULL)
      return False;
   if (di == preload_di)
      return True;
   const HChar* file = VG_(DebugInfo_get_filename)(di);
   if (file == NULL || VG_(strcmp)(VG_(basename)(file), HH_PRELOAD_OBJECT) != 0)
      return False;
   preload_di = di;
   return True;
}

//------------------------------------------------------------//
//--- The frames a site is named by                        ---//
//------------------------------------------------------------//

Word hh_cmp_frame_lists(const Addr* ips1, UInt n1, const Addr* ips2,
                        UInt n2)
{
   UInt n = n1 < n2 ? n1 : n2;
   for (UInt i = 0; i < n; i++) {
      if (ips1[i] != ips2[i])
         return ips1[i] < ips2[i] ? -1 : 1;
   }
   if (n1 != n2)
      return n1 < n2 ? -1 : 1;
   return 0;
}

typedef struct {
   Addr* ips;
   UInt  n_ips;
   UInt  cap;
} IpCollector;

static void collect_ip(UInt n, DiEpoch ep, Addr ip, void* opaque)
{
   IpCollector* c = (IpCollector*)opaque;
   if (c->n_ips < c->cap)
      c->ips[c->n_ips++] = ip;
}

static Bool is_code_address(Addr ip)
{
   NSegment const* seg = VG_(am_find_nsegment)(ip);
   return seg != NULL && seg->hasX;
}

static Bool is_alloc_fn_frame(DiEpoch ep, Addr ip)
{
   const HChar* fn_name = NULL;
   return VG_(get_fnname)(ep, ip, &fn_name) && hh_is_alloc_fn(fn_name);
}

void hh_user_frames(ExeContext* ec, Addr** ips_out, UInt* n_out)
{
   UInt cap = (UInt)VG_(get_ExeContext_n_ips)(ec);
   tl_assert(cap > 0);
   IpCollector c = { VG_(malloc)("hh.frames.ips", cap * sizeof(Addr)), 0,
                     cap };
   /* At least one frame: apply_ExeContext stops below main, but never
      before the innermost frame. */
   VG_(apply_ExeContext)(collect_ip, &c, ec);
   tl_assert(c.n_ips > 0);

   /* The unwinder can run off the end of a stack (ld.so's start-up,
      say) and produce "return addresses" that are not code at all, such
      as 0x2 or a stack address.  The stack ends at the first of those. */
   for (UInt i = 1; i < c.n_ips; i++) {
      if (!is_code_address(c.ips[i])) {
         c.n_ips = i;
         break;
      }
   }

   DiEpoch ep = VG_(get_ExeContext_epoch)(ec);
   UInt skip = 0;
   while (skip < c.n_ips && is_preload_ip(ep, c.ips[skip]))
      skip++;
   while (skip < c.n_ips && is_alloc_fn_frame(ep, c.ips[skip]))
      skip++;
   if (skip == c.n_ips && skip > 0)
      skip = c.n_ips - 1;   // never empty: the outermost frame stays
   for (UInt i = skip; i < c.n_ips; i++)
      c.ips[i - skip] = c.ips[i];
   *ips_out = c.ips;
   *n_out = c.n_ips - skip;
}

//------------------------------------------------------------//
//--- Describing a frame                                   ---//
//------------------------------------------------------------//

/* "0xADDR: fn (in /path/object)", as VG_(describe_IP) writes a frame
   without line information. */
static void describe_by_object(DiEpoch ep, Addr ip,
                               void (*emit)(const HChar*, void*),
                               void* opaque)
{
   const HChar* fn  = NULL;
   const HChar* obj = NULL;
   Bool know_fn  = VG_(get_fnname)(ep, ip, &fn);
   Bool know_obj = VG_(get_objname)(ep, ip, &obj);
   tl_assert(know_obj);   // is_preload_ip found its DebugInfo
   if (!know_fn)
      fn = "???";
   HChar  prefix[40];
   VG_(snprintf)(prefix, sizeof(prefix), "0x%lX: ", ip);
   SizeT  len = VG_(strlen)(prefix) + VG_(strlen)(fn) + VG_(strlen)(obj) + 8;
   HChar* description = VG_(malloc)("hh.frames.describe", len);
   VG_(snprintf)(description, (Int)len, "%s%s (in %s)", prefix, fn, obj);
   emit(description, opaque);
   VG_(free)(description);
}

void hh_frames_describe(DiEpoch ep, Addr ip,
                        void (*emit)(const HChar* description, void*),
                        void* opaque)
{
   if (is_preload_ip(ep, ip)) {
      describe_by_object(ep, ip, emit, opaque);
      return;
   }
   InlIPCursor* cursor = VG_(new_IIPC)(ep, ip);
   do {
      emit(VG_(describe_IP)(ep, ip, cursor), opaque);
   } while (VG_(next_IIPC)(cursor));
   VG_(delete_IIPC)(cursor);
}
