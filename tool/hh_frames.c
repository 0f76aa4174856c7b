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
   - Whether a stack was cut at --num-callers frames before its end.
   - The directory of a frame's source file (hh_frames_source_dir), for
     the profile's side table: the frame strings leave it out.
   - Interpreted frames (hh_interp.c builds their texts): each distinct
     text is interned here, and a frame list holds it as the address
     HH_INTERP_TAG | id, which no native frame can have; it is
     described by its text.

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
#include "pub_tool_options.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

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

/* Whether the function at ip is where a thread's stack starts: the
   outermost frames of a thread other than the main one. */
static Bool is_thread_start(DiEpoch ep, Addr ip)
{
   const HChar* fn_name = NULL;
   return VG_(get_fnname)(ep, ip, &fn_name)
          && (VG_(strcmp)(fn_name, "start_thread") == 0
              || VG_(strcmp)(fn_name, "clone") == 0
              || VG_(strcmp)(fn_name, "clone3") == 0);
}

void hh_user_frames(ExeContext* ec, Addr** ips_out, UInt* n_out,
                    Bool* cut_out)
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
   /* Cut at the limit: the unwinder stopped because it had recorded
      --num-callers frames, not at the stack's end (main, the C library's
      start-up, a thread's start, or an address that is not code). */
   if (cut_out != NULL)
      *cut_out = cap >= (UInt)VG_(clo_backtrace_size) && c.n_ips == cap
                 && VG_(get_fnname_kind_from_IP)(ep, c.ips[cap - 1])
                       == Vg_FnNameNormal
                 && !is_thread_start(ep, c.ips[cap - 1]);

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
                               void (*emit)(const HChar*, const FrameSource*,
                                            void*),
                               const FrameSource* src, void* opaque)
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
   emit(description, src, opaque);
   VG_(free)(description);
}

//------------------------------------------------------------//
//--- Interpreted frames' texts                            ---//
//------------------------------------------------------------//

static XArray* interp_texts = NULL;     // HChar*, at id - 1
static WordFM* interp_ids   = NULL;     // HChar* -> id

static Word cmp_texts(UWord a, UWord b)
{
   return VG_(strcmp)((const HChar*)a, (const HChar*)b);
}

Addr hh_frames_interp_address(const HChar* text)
{
   if (interp_texts == NULL) {
      interp_texts = VG_(newXA)(VG_(malloc), "hh.frames.interp", VG_(free),
                                sizeof(HChar*));
      interp_ids = VG_(newFM)(VG_(malloc), "hh.frames.interp_ids", VG_(free),
                              cmp_texts);
   }
   UWord key, id;
   if (!VG_(lookupFM)(interp_ids, &key, &id, (UWord)text)) {
      HChar* copy = VG_(strdup)("hh.frames.interp_text", text);
      VG_(addToXA)(interp_texts, &copy);
      id = (UWord)VG_(sizeXA)(interp_texts);
      tl_assert(id <= HH_INTERP_ID_MASK);
      VG_(addToFM)(interp_ids, (UWord)copy, id);
   }
   return HH_INTERP_TAG | id;
}

const HChar* hh_frames_interp_text(Addr ip)
{
   if ((ip & ~HH_INTERP_ID_MASK) != HH_INTERP_TAG)
      return NULL;
   UWord id = ip & HH_INTERP_ID_MASK;
   tl_assert(interp_texts != NULL && id >= 1
             && id <= (UWord)VG_(sizeXA)(interp_texts));
   return *(HChar**)VG_(indexXA)(interp_texts, (Word)id - 1);
}

UWord hh_frames_interp_count(void)
{
   return interp_texts != NULL ? (UWord)VG_(sizeXA)(interp_texts) : 0;
}

void hh_frames_describe(DiEpoch ep, Addr ip,
                        void (*emit)(const HChar* description,
                                     const FrameSource* src, void*),
                        void* opaque)
{
   FrameSource src = { ep, ip, NULL, True };
   const HChar* interp_frame = hh_frames_interp_text(ip);
   if (interp_frame != NULL) {
      /* Like a preload frame, it has no source directory: its file is
         the interpreter's name for it. */
      emit(interp_frame, &src, opaque);
      return;
   }
   if (is_preload_ip(ep, ip)) {
      describe_by_object(ep, ip, emit, &src, opaque);
      return;
   }
   /* NULL when no call is inlined at ip: describe_IP then describes ip
      alone. */
   InlIPCursor* cursor = VG_(new_IIPC)(ep, ip);
   src.cursor = cursor;
   src.by_object = False;
   do {
      emit(VG_(describe_IP)(ep, ip, cursor), &src, opaque);
   } while (VG_(next_IIPC)(cursor));
   VG_(delete_IIPC)(cursor);
}

//------------------------------------------------------------//
//--- The directory of a frame's source file               ---//
//------------------------------------------------------------//

/* The text between <tag> and </tag> in a frame's XML description,
   unescaped (XML escapes &, < and >, nothing else), into *buf, grown as
   needed; False if the description has no such text. */
static Bool xml_field(const HChar* xml, const HChar* tag, HChar** buf,
                      SizeT* cap)
{
   HChar open_tag[16], close_tag[16];
   VG_(snprintf)(open_tag, sizeof open_tag, "<%s>", tag);
   VG_(snprintf)(close_tag, sizeof close_tag, "</%s>", tag);
   const HChar* open  = VG_(strstr)(xml, open_tag);
   const HChar* close = open == NULL ? NULL : VG_(strstr)(open, close_tag);
   if (close == NULL)
      return False;
   const HChar* from = open + VG_(strlen)(open_tag);
   SizeT len = (SizeT)(close - from);
   if (len == 0)
      return False;
   if (*cap < len + 1) {
      *cap = len + 1;
      *buf = VG_(realloc)("hh.frames.xml_field", *buf, *cap);
   }
   HChar* out = *buf;
   SizeT  n = 0;
   while (from < close) {
      if (VG_(strncmp)(from, "&amp;", 5) == 0) {
         out[n++] = '&'; from += 5;
      } else if (VG_(strncmp)(from, "&lt;", 4) == 0) {
         out[n++] = '<'; from += 4;
      } else if (VG_(strncmp)(from, "&gt;", 4) == 0) {
         out[n++] = '>'; from += 4;
      } else {
         out[n++] = *from++;
      }
   }
   out[n] = 0;
   return True;
}

/* The public API gives the directory of an inlined call's source file in
   one place only: VG_(describe_IP)'s XML form, "<dir>...</dir>", which
   it writes when VG_(clo_xml) is set (the text form shows the directory
   only under --fullpath-after, which would change the frame strings).
   heaphunt has no XML output, so VG_(clo_xml) is False outside this
   call, and nothing else runs while the core's lock is held.

   The directory returned is the one that, joined with the file as the
   description shows it ("0xADDR: fn (FILE:LINE)"), gives the source's
   path: the debug info's directory when FILE is its file name (rustc
   records some names with a relative directory, "library/alloc/src/
   vec/mod.rs" in "/rustc/<hash>"), the part --fullpath-after left out
   when that option put a directory into FILE, none when FILE is a whole
   path. */
const HChar* hh_frames_source_dir(const FrameSource* src,
                                  const HChar* description)
{
   static HChar *dir = NULL, *file = NULL;
   static SizeT dir_cap = 0, file_cap = 0;
   if (src->by_object)
      return NULL;
   Bool xml = VG_(clo_xml);
   VG_(clo_xml) = True;
   const HChar* described = VG_(describe_IP)(src->ep, src->ip, src->cursor);
   VG_(clo_xml) = xml;
   if (!xml_field(described, "dir", &dir, &dir_cap)
       || !xml_field(described, "file", &file, &file_cap))
      return NULL;

   /* FILE: from the last " (" to the last ':' of the description. */
   const HChar* shown = NULL;
   for (const HChar* p = description; (p = VG_(strstr)(p, " (")) != NULL;
        p++)
      shown = p + 2;
   const HChar* colon = shown == NULL ? NULL : VG_(strrchr)(shown, ':');
   if (colon == NULL)
      return NULL;
   SizeT shown_len = (SizeT)(colon - shown);
   if (shown[0] == '/')
      return NULL;
   if (shown_len == VG_(strlen)(file)
       && VG_(strncmp)(shown, file, shown_len) == 0)
      return dir;
   /* The path is dir/file; FILE is a tail of it after a '/'. */
   SizeT dir_len = VG_(strlen)(dir), file_len = VG_(strlen)(file);
   SizeT path_len = dir_len + 1 + file_len;
   if (shown_len >= path_len)
      return NULL;
   HChar* path = VG_(malloc)("hh.frames.path", path_len + 1);
   VG_(sprintf)(path, "%s/%s", dir, file);
   SizeT cut = path_len - shown_len;   // where FILE starts in path
   Bool  tail = path[cut - 1] == '/'
                && VG_(strncmp)(path + cut, shown, shown_len) == 0;
   if (tail) {
      path[cut - 1] = 0;
      if (dir_cap < cut) {
         dir_cap = cut;
         dir = VG_(realloc)("hh.frames.xml_field", dir, dir_cap);
      }
      VG_(strcpy)(dir, path);
   }
   VG_(free)(path);
   return tail && dir[0] != 0 ? dir : NULL;
}
