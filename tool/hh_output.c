/*--------------------------------------------------------------------*/
/*--- heaphunt: the profile file and the summary     hh_output.c ---*/
/*--------------------------------------------------------------------*/

/* Writes the profile in DHAT's JSON format (file version 2, heap mode)
   with every key dh_view.html reads, plus heaphunt's extra keys
   (documented in docs/json-format.md):
     hhVersion    heaphunt's version
     hhHistLimit  the largest block size that gets an access histogram
     hhTotals     the summary numbers, so readers need not add up sites

     hhNumCallers the --num-callers limit; a site whose stack it cut
                  has "hhCut"

   Frames are described as DHAT describes them (hh_frames.c),
   deduplicated into a frame table whose entry 0 is "[root]".  Each
   object named by a frame without source information ("0xADDR: fn (in
   /path/obj)") is listed in "hhObjs" with its load bias, so that readers
   can show a frame without a symbol as obj+0xOFFSET; the directory of
   each frame's source file, which the strings leave out, is in
   "hhFrameDirs", so that readers can tell a program's mod.rs from the
   standard library's.

   The file appears complete or not at all (hh_outfile.c). */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_vki.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* The largest count a histogram entry may show: dh_view rejects more. */
#define HH_HISTOGRAM_COUNT_MAX 0xFFFF

//------------------------------------------------------------//
//--- The frame table                                      ---//
//------------------------------------------------------------//

static WordFM* frame_numbers = NULL;   // HChar* description -> index
static XArray* frames_in_order = NULL; // HChar*, by index
/* The directory of each frame's source file, for "hhFrameDirs": the
   distinct directories in order of first use, and per frame (by index)
   its directory's number, or -1. */
static WordFM* dir_numbers = NULL;     // HChar* directory (owned) -> number
static XArray* dirs_in_order = NULL;   // HChar*, by number
static XArray* frame_dirs = NULL;      // Long, by frame index
/* Objects named by frames without source information ("0xADDR: fn (in
   /path/obj)", "0xADDR: ??? (in /path/obj)"): path -> load bias, for
   "hhObjs", so that readers can show obj+0xOFF. */
static WordFM* objects_named = NULL;   // HChar* path (owned) -> Addr

static Word cmp_strings(UWord a, UWord b)
{
   return VG_(strcmp)((const HChar*)a, (const HChar*)b);
}

static void frame_table_init(void)
{
   frame_numbers   = VG_(newFM)(VG_(malloc), "hh.out.frames", VG_(free),
                                cmp_strings);
   frames_in_order = VG_(newXA)(VG_(malloc), "hh.out.frame_list", VG_(free),
                                sizeof(HChar*));
   HChar* root = VG_(strdup)("hh.out.root", "[root]");
   VG_(addToFM)(frame_numbers, (UWord)root, 0);
   VG_(addToXA)(frames_in_order, &root);
   dir_numbers   = VG_(newFM)(VG_(malloc), "hh.out.dirs", VG_(free),
                              cmp_strings);
   dirs_in_order = VG_(newXA)(VG_(malloc), "hh.out.dir_list", VG_(free),
                              sizeof(HChar*));
   frame_dirs    = VG_(newXA)(VG_(malloc), "hh.out.frame_dirs", VG_(free),
                              sizeof(Long));
   Long no_dir = -1;
   VG_(addToXA)(frame_dirs, &no_dir);   // "[root]"
   objects_named = VG_(newFM)(VG_(malloc), "hh.out.objects", VG_(free),
                              cmp_strings);
}

/* The load bias of the object holding ip: what to subtract from ip to
   get the address the object's own file uses (the one addr2line and
   objdump take).  From its debug info, which Valgrind reads for every
   ELF object, stripped or not; failing that, from the file mapping. */
static Bool object_load_bias(DiEpoch ep, Addr ip, Addr* bias)
{
   DebugInfo* di = VG_(find_DebugInfo)(ep, ip);
   if (di != NULL) {
      *bias = (Addr)VG_(DebugInfo_get_text_bias)(di);
      return True;
   }
   /* The mapping is today's: it says nothing of an older epoch's. */
   NSegment const* seg = ep.n == VG_(current_DiEpoch)().n
                            ? VG_(am_find_nsegment)(ip) : NULL;
   if (seg != NULL && seg->kind == SkFileC) {
      *bias = seg->start - (Addr)seg->offset;
      return True;
   }
   return False;
}

/* A new frame description without source information names its
   object: note the object and its load bias. */
static void note_object_of_frame(const HChar* description, DiEpoch ep,
                                 Addr ip)
{
   static const HChar in_prefix[] = " (in ";
   const SizeT prefix_len = sizeof(in_prefix) - 1;
   const HChar* obj = NULL;
   if (VG_(strstr)(description, in_prefix) == NULL
       || !VG_(get_objname)(ep, ip, &obj))
      return;
   /* describe_IP ends the description with " (in OBJ)" exactly when it
      had no source line, whatever the function's name contains. */
   SizeT obj_len = VG_(strlen)(obj), len = VG_(strlen)(description);
   if (len < prefix_len + obj_len + 1 || description[len - 1] != ')')
      return;
   const HChar* obj_at = description + len - 1 - obj_len;
   if (VG_(strncmp)(obj_at, obj, obj_len) != 0
       || VG_(strncmp)(obj_at - prefix_len, in_prefix, prefix_len) != 0)
      return;
   UWord key = 0, value = 0;
   Addr  bias = 0;
   if (VG_(lookupFM)(objects_named, &key, &value, (UWord)obj)
       || !object_load_bias(ep, ip, &bias))
      return;
   VG_(addToFM)(objects_named, (UWord)VG_(strdup)("hh.out.obj", obj), bias);
}

/* The number of a source directory in "hhFrameDirs", or -1 for none. */
static Long dir_number(const HChar* dir)
{
   if (dir == NULL)
      return -1;
   UWord key = 0, number = 0;
   if (VG_(lookupFM)(dir_numbers, &key, &number, (UWord)dir))
      return (Long)number;
   HChar* copy = VG_(strdup)("hh.out.dir", dir);
   number = (UWord)VG_(sizeXA)(dirs_in_order);
   VG_(addToFM)(dir_numbers, (UWord)copy, number);
   VG_(addToXA)(dirs_in_order, &copy);
   return (Long)number;
}

static UWord frame_number(const HChar* description, const FrameSource* src)
{
   UWord key = 0, index = 0;
   if (VG_(lookupFM)(frame_numbers, &key, &index, (UWord)description))
      return index;
   note_object_of_frame(description, src->ep, src->ip);
   /* Copied before the directory is asked for: that overwrites it. */
   HChar* copy = VG_(strdup)("hh.out.frame", description);
   index = (UWord)VG_(sizeXA)(frames_in_order);
   VG_(addToFM)(frame_numbers, (UWord)copy, index);
   VG_(addToXA)(frames_in_order, &copy);
   Long dir = dir_number(hh_frames_source_dir(src, copy));
   VG_(addToXA)(frame_dirs, &dir);
   return index;
}

static void free_frame_string(UWord s)
{
   VG_(free)((HChar*)s);
}

static void frame_table_free(void)
{
   VG_(deleteFM)(objects_named, free_frame_string, NULL);
   objects_named = NULL;
   VG_(deleteFM)(frame_numbers, free_frame_string, NULL);
   VG_(deleteXA)(frames_in_order);
   frame_numbers = NULL;
   frames_in_order = NULL;
   VG_(deleteFM)(dir_numbers, free_frame_string, NULL);
   VG_(deleteXA)(dirs_in_order);
   VG_(deleteXA)(frame_dirs);
   dir_numbers = NULL;
   dirs_in_order = NULL;
   frame_dirs = NULL;
}

//------------------------------------------------------------//
//--- Sites                                                ---//
//------------------------------------------------------------//

typedef struct {
   JsonOut* out;
   Bool     first;
} FrameWriter;

static void write_frame(const HChar* description, const FrameSource* src,
                        void* opaque)
{
   FrameWriter* w = (FrameWriter*)opaque;
   hh_json_printf(w->out, "%c%lu", w->first ? '[' : ',',
                  frame_number(description, src));
   w->first = False;
}

static void write_frames(JsonOut* out, const Addr* ips, UInt n_ips,
                         DiEpoch ep)
{
   FrameWriter w = { out, True };
   hh_json_raw(out, "  ,\"fs\":");
   for (UInt i = 0; i < n_ips; i++)
      hh_frames_describe(ep, ips[i], write_frame, &w);
   tl_assert(!w.first);   // a site always has a frame
   hh_json_raw(out, "]\n");
}

/* DHAT's run-length encoding: a run of N > 1 equal values M is written
   "-N,M", a single value as "M". */
static void write_histogram(JsonOut* out, const UInt* histo, SizeT n)
{
   hh_json_raw(out, "  ,\"acc\":[");
   Bool  first = True;
   SizeT i = 0;
   while (i < n) {
      UInt  value = histo[i] > HH_HISTOGRAM_COUNT_MAX
                       ? HH_HISTOGRAM_COUNT_MAX : histo[i];
      SizeT run = 1;
      while (i + run < n) {
         UInt next = histo[i + run] > HH_HISTOGRAM_COUNT_MAX
                        ? HH_HISTOGRAM_COUNT_MAX : histo[i + run];
         if (next != value)
            break;
         run++;
      }
      if (!first)
         hh_json_raw(out, ",");
      if (run == 1)
         hh_json_printf(out, "%u", value);
      else
         hh_json_printf(out, "-%lu,%u", run, value);
      first = False;
      i += run;
   }
   hh_json_raw(out, "]\n");
}

static void write_site_extras(JsonOut* out, const Site* s)
{
   if (hh_clo_copies)
      hh_json_printf(out, "  ,\"hhCopyInB\":%llu,\"hhCopyInK\":%llu"
                     ",\"hhCopyOutB\":%llu,\"hhCopyOutK\":%llu\n",
                     s->copy_in_bytes, s->copy_in_calls,
                     s->copy_out_bytes, s->copy_out_calls);
   hh_json_printf(out, "  ,\"hhReallocMovedB\":%llu\n",
                  s->realloc_moved_bytes);
   hh_json_printf(out, "  ,\"hhNoAccK\":%llu,\"hhWriteOnlyK\":%llu"
                  ",\"hhReadOnlyAfterInitK\":%llu,\"hhShortK\":%llu\n",
                  s->no_access_blocks, s->write_only_blocks,
                  s->read_only_after_init_blocks, s->short_lived_blocks);
   if (hh_reach_scanned)
      hh_json_printf(out, "  ,\"hhLostB\":%llu,\"hhLostK\":%llu\n",
                     s->lost_bytes, s->lost_blocks);
   if (s->stack_cut)
      hh_json_raw(out, "  ,\"hhCut\":true\n");
   hh_json_printf(out, "  ,\"hhIdleI\":%llu,\"hhFirstT\":%llu"
                  ",\"hhLastT\":%llu\n",
                  s->idle_instrs, s->first_alloc_instrs,
                  s->live_blocks > 0 ? hh_clock_instrs : s->last_free_instrs);
   hh_json_raw(out, "  ,\"hhEndIdleDeciles\":[");
   for (UInt i = 0; i < HH_IDLE_DECILES; i++)
      hh_json_printf(out, "%s%llu", i == 0 ? "" : ",", s->end_idle_bytes[i]);
   hh_json_raw(out, "]\n");
}

typedef struct {
   JsonOut* out;
   Bool     first;
} HistWriter;

static void write_history_triple(UWord i, ULong bytes, ULong blocks,
                                 void* opaque)
{
   HistWriter* w = (HistWriter*)opaque;
   hh_json_printf(w->out, "%s%lu,%llu,%llu", w->first ? "" : ",", i, bytes,
                  blocks);
   w->first = False;
}

static void write_site_history(JsonOut* out, const HistProfile* hist,
                               const Site* s)
{
   HistWriter w = { out, True };
   hh_json_raw(out, "  ,\"hhH\":[");
   hh_hist_profile_site(hist, &s->history, s->live_bytes, s->live_blocks,
                        hh_site_gb(s), hh_site_gbk(s),
                        write_history_triple, &w);
   hh_json_raw(out, "]\n");
}

static void write_site(JsonOut* out, const HistProfile* hist, const Site* s,
                       Bool first)
{
   hh_json_printf(out, " %c{\"tb\":%llu,\"tbk\":%llu\n", first ? '[' : ',',
                  s->total_bytes, s->total_blocks);
   hh_json_printf(out, "  ,\"tl\":%llu\n", s->total_lifetimes_instrs);
   hh_json_printf(out, "  ,\"mb\":%llu,\"mbk\":%llu\n",
                  s->max_bytes, s->max_blocks);
   hh_json_printf(out, "  ,\"gb\":%llu,\"gbk\":%llu\n",
                  hh_site_gb(s), hh_site_gbk(s));
   hh_json_printf(out, "  ,\"eb\":%llu,\"ebk\":%llu\n",
                  s->live_bytes, s->live_blocks);
   hh_json_printf(out, "  ,\"rb\":%llu,\"wb\":%llu\n",
                  s->reads_bytes, s->writes_bytes);
   if (s->histo_state == HistoExactly && s->histo != NULL)
      write_histogram(out, s->histo, s->histo_szB);
   write_site_extras(out, s);
   write_site_history(out, hist, s);
   write_frames(out, s->ips, s->n_ips, s->epoch);
   hh_json_raw(out, "  }\n");
}

//------------------------------------------------------------//
//--- The whole file                                       ---//
//------------------------------------------------------------//

static void write_command(JsonOut* out)
{
   /* One string: the executable and its arguments, space separated,
      as DHAT writes it. */
   SizeT len = VG_(strlen)(VG_(args_the_exename)) + 1;
   Word  n_args = VG_(sizeXA)(VG_(args_for_client));
   for (Word i = 0; i < n_args; i++)
      len += 1 + VG_(strlen)(*(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   HChar* cmd = VG_(malloc)("hh.out.cmd", len);
   VG_(strcpy)(cmd, VG_(args_the_exename));
   for (Word i = 0; i < n_args; i++) {
      VG_(strcat)(cmd, " ");
      VG_(strcat)(cmd, *(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   }
   hh_json_raw(out, ",\"cmd\":");
   hh_json_string(out, cmd);
   hh_json_raw(out, "\n");
   VG_(free)(cmd);
}

static void write_timeline(JsonOut* out, const HistProfile* hist)
{
   ULong *t, *bytes, *blocks;
   TimelinePoint peak = { hh_peak_instrs, hh_peak_bytes, hh_peak_blocks };
   TimelinePoint end  = { hh_clock_instrs, hh_live_bytes, hh_live_blocks };
   UWord n = hh_timeline_points(&peak, &end, &t, &bytes, &blocks);
   const HChar* keys[3] = { "t", "b", "bk" };
   ULong*       series[3] = { t, bytes, blocks };
   hh_json_raw(out, ",\"hhTimeline\":{");
   for (UInt k = 0; k < 3; k++) {
      hh_json_printf(out, "%s\"%s\":[", k == 0 ? "" : "\n  ,", keys[k]);
      for (UWord i = 0; i < n; i++)
         hh_json_printf(out, "%s%llu", i == 0 ? "" : ",", series[k][i]);
      hh_json_raw(out, "]");
   }
   hh_json_raw(out, "}\n");
   VG_(free)(t);
   VG_(free)(bytes);
   VG_(free)(blocks);

   hh_json_raw(out, ",\"hhCheckpoints\":[");
   for (UWord i = 0; i < hh_checkpoints_count(); i++) {
      const HChar* name;
      ULong cp_t, cp_bytes, cp_blocks;
      hh_checkpoint_at(i, &name, &cp_t, &cp_bytes, &cp_blocks);
      hh_json_raw(out, i == 0 ? "\n  {\"name\":" : "\n ,{\"name\":");
      hh_json_string(out, name);
      hh_json_printf(out, ",\"t\":%llu,\"b\":%llu,\"bk\":%llu",
                     cp_t, cp_bytes, cp_blocks);
      Long hi = hh_hist_profile_checkpoint_index(hist, i);
      if (hi >= 0)
         hh_json_printf(out, ",\"hi\":%lld}", hi);
      else
         hh_json_raw(out, ",\"hi\":null}");
   }
   hh_json_raw(out, "]\n");
}

/* hhHist: the instants at which every site's hhH gives its counts. */
static void write_history_instants(JsonOut* out, const HistProfile* hist)
{
   UWord n_instants = hh_hist_profile_n_instants(hist);
   hh_json_raw(out, ",\"hhHist\":{\"t\":[");
   for (UWord i = 0; i < n_instants; i++) {
      ULong t;
      HChar kind;
      hh_hist_profile_instant(hist, i, &t, &kind);
      hh_json_printf(out, "%s%llu", i == 0 ? "" : ",", t);
   }
   hh_json_raw(out, "]\n  ,\"k\":\"");
   for (UWord i = 0; i < n_instants; i++) {
      ULong t;
      HChar kind[2] = { 0, 0 };
      hh_hist_profile_instant(hist, i, &t, &kind[0]);
      hh_json_raw(out, kind);
   }
   Long g = hh_hist_profile_peak_index(hist);
   if (g >= 0)
      hh_json_printf(out, "\"\n  ,\"g\":%lld}\n", g);
   else
      hh_json_raw(out, "\"\n  ,\"g\":null}\n");
}

/* Copy sites name allocation sites by their position in "pps", which
   skips ignored sites: out_index maps Site.index to that position. */
typedef struct {
   JsonOut*    out;
   const Long* out_index;
   Bool        first;
} CopyEndWriter;

static void write_copy_end(const Site* site, ULong bytes, void* opaque)
{
   CopyEndWriter* w = (CopyEndWriter*)opaque;
   Long pp = site == NULL ? -1 : w->out_index[site->index];
   hh_json_printf(w->out, "%s[%lld,%llu]", w->first ? "" : ",", pp, bytes);
   w->first = False;
}

static void write_copy_sites(JsonOut* out, const Long* out_index)
{
   hh_json_raw(out, ",\"hhCopySites\":\n [");
   UWord n = hh_copy_sites_count();
   for (UWord i = 0; i < n; i++) {
      const CopySite* cs = hh_copy_site_at(i);
      const Addr* ips;
      UInt        n_ips;
      DiEpoch     ep;
      hh_copy_site_frames(cs, &ips, &n_ips, &ep);
      hh_json_printf(out, "%s{\"cb\":%llu,\"cbk\":%llu\n",
                     i == 0 ? "" : "\n ,",
                     hh_copy_site_bytes(cs), hh_copy_site_calls(cs));
      for (UInt end = 0; end < 2; end++) {
         CopyEndWriter w = { out, out_index, True };
         hh_json_raw(out, end == 0 ? "  ,\"src\":[" : "  ,\"dst\":[");
         hh_copy_site_for_each_end(cs, end == 0, write_copy_end, &w);
         hh_json_raw(out, "]\n");
      }
      write_frames(out, ips, n_ips, ep);
      hh_json_raw(out, "  }");
   }
   hh_json_raw(out, "]\n");
}

/* hhFrameDirs: the directory of each frame's source file, as numbers
   into a list of the distinct directories. */
static void write_frame_dirs(JsonOut* out)
{
   hh_json_raw(out, ",\"hhFrameDirs\":{\"d\":[");
   Word n_dirs = VG_(sizeXA)(dirs_in_order);
   for (Word i = 0; i < n_dirs; i++) {
      hh_json_raw(out, i == 0 ? "\n  " : "\n  ,");
      hh_json_string(out, *(HChar**)VG_(indexXA)(dirs_in_order, i));
   }
   hh_json_raw(out, "]\n  ,\"f\":[");
   Word n_frames = VG_(sizeXA)(frame_dirs);
   tl_assert(n_frames == VG_(sizeXA)(frames_in_order));
   for (Word i = 0; i < n_frames; i++) {
      Long dir = *(Long*)VG_(indexXA)(frame_dirs, i);
      if (dir < 0)
         hh_json_raw(out, i == 0 ? "null" : ",null");
      else
         hh_json_printf(out, "%s%lld", i == 0 ? "" : ",", dir);
   }
   hh_json_raw(out, "]}\n");
}

static void write_profile_body(JsonOut* out, const SitesSnapshot* snap)
{
   hh_json_raw(out, "{\"dhatFileVersion\":2\n");
   hh_json_raw(out, ",\"mode\":\"heap\",\"verb\":\"Allocated\"\n");
   /* Without access counting there are no rb/wb/acc to show. */
   hh_json_printf(out, ",\"bklt\":true,\"bkacc\":%s\n",
                  hh_clo_accesses ? "true" : "false");
   hh_json_raw(out, ",\"tu\":\"instrs\",\"Mtu\":\"Minstr\"\n");
   hh_json_printf(out, ",\"tuth\":%d\n", HH_SHORT_LIVED_INSTRS);
   write_command(out);
   hh_json_printf(out, ",\"pid\":%d\n", VG_(getpid)());
   hh_json_printf(out, ",\"te\":%llu\n", snap->t_instrs);
   hh_json_printf(out, ",\"tg\":%llu\n", hh_peak_instrs);

   hh_json_raw(out, ",\"hhVersion\":");
   hh_json_string(out, HEAPHUNT_VERSION);
   hh_json_printf(out, "\n,\"hhHistLimit\":%lu\n", hh_clo_histogram_max);
   hh_json_printf(out, ",\"hhNumCallers\":%d\n", VG_(clo_backtrace_size));
   hh_json_printf(out, ",\"hhCopies\":%s\n", hh_clo_copies ? "true" : "false");
   hh_json_printf(out, ",\"hhAccesses\":%s\n",
                  hh_clo_accesses ? "true" : "false");
   hh_json_printf(out, ",\"hhTotals\":{\"tb\":%llu,\"tbk\":%llu"
                  ",\"gb\":%llu,\"gbk\":%llu,\"eb\":%llu,\"ebk\":%llu"
                  ",\"rb\":%llu,\"wb\":%llu",
                  hh_total_bytes, hh_total_blocks,
                  hh_peak_bytes, hh_peak_blocks,
                  hh_live_bytes, hh_live_blocks,
                  snap->reads_bytes, snap->writes_bytes);
   if (hh_clo_copies)
      hh_json_printf(out, ",\"cb\":%llu,\"cbk\":%llu",
                     hh_copied_bytes, hh_copy_calls);
   if (hh_reach_scanned)
      hh_json_printf(out, ",\"lb\":%llu,\"lbk\":%llu",
                     hh_lost_bytes, hh_lost_blocks);
   hh_json_raw(out, "}\n");
   if (hh_reach_scanned)
      hh_json_raw(out, ",\"hhReach\":true\n");
   HistProfile* hist = hh_hist_profile_begin(snap->t_instrs,
                                             hh_total_blocks > 0,
                                             hh_peak_instrs);
   write_timeline(out, hist);
   write_history_instants(out, hist);

   Long* out_index = VG_(malloc)("hh.out.index",
                                 (snap->n_sites + 1) * sizeof(Long));
   hh_json_raw(out, ",\"pps\":\n");
   Long n_written = 0;
   for (UWord i = 0; i < snap->n_sites; i++) {
      const Site* s = snap->sites[i];
      if (s->ignored) {
         out_index[i] = -1;
         continue;
      }
      out_index[i] = n_written;
      write_site(out, hist, s, n_written == 0);
      n_written++;
   }
   if (n_written == 0)
      hh_json_raw(out, " [\n");
   hh_json_raw(out, " ]\n");
   hh_hist_profile_end(hist);
   if (hh_clo_copies)
      write_copy_sites(out, out_index);
   VG_(free)(out_index);

   hh_json_raw(out, ",\"ftbl\":\n");
   Word n_frames = VG_(sizeXA)(frames_in_order);
   for (Word i = 0; i < n_frames; i++) {
      hh_json_raw(out, i == 0 ? " [" : " ,");
      hh_json_string(out, *(HChar**)VG_(indexXA)(frames_in_order, i));
      hh_json_raw(out, "\n");
   }
   hh_json_raw(out, " ]\n");
   write_frame_dirs(out);

   hh_json_raw(out, ",\"hhObjs\":[");
   UWord obj_key = 0, bias = 0;
   Bool  first = True;
   VG_(initIterFM)(objects_named);
   while (VG_(nextIterFM)(objects_named, &obj_key, &bias)) {
      hh_json_raw(out, first ? "\n  [" : "\n ,[");
      hh_json_string(out, (const HChar*)obj_key);
      hh_json_printf(out, ",%lu]", bias);
      first = False;
   }
   VG_(doneIterFM)(objects_named);
   hh_json_raw(out, "]\n}\n");
}

/* What went wrong with the last profile that could not be written. */
static HChar write_error[VKI_PATH_MAX + 256];

const HChar* hh_profile_write_error(void)
{
   return write_error;
}

Bool hh_write_profile(const HChar* option_name, const HChar* path_template,
                      HChar** path_out)
{
   const HChar* why = NULL;
   HChar* path = hh_outfile_expand(path_template, &why);
   if (path == NULL) {
      VG_(snprintf)(write_error, sizeof write_error,
                    "bad profile file name '%s' (%s): %s", path_template,
                    option_name, why);
      *path_out = VG_(strdup)("hh.out.bad_path", path_template);
      return False;
   }
   *path_out = path;

   UWord    err = 0;
   OutFile* file = hh_outfile_create(path, &err);
   if (file == NULL) {
      VG_(snprintf)(write_error, sizeof write_error,
                    "cannot create the profile '%s': %s", path,
                    hh_errno_text(err));
      return False;
   }

   JsonOut* out = hh_json_start(hh_outfile_fd(file));
   SitesSnapshot* snap = hh_snapshot_take();
   frame_table_init();
   write_profile_body(out, snap);
   frame_table_free();
   hh_snapshot_free(snap);

   if (!hh_json_finish(out, &err)) {
      hh_outfile_discard(file);
      VG_(snprintf)(write_error, sizeof write_error,
                    "writing the profile '%s' failed: %s", path,
                    hh_errno_text(err));
      return False;
   }
   if (!hh_outfile_publish(file)) {
      VG_(snprintf)(write_error, sizeof write_error,
                    "the finished profile could not be renamed to '%s'",
                    path);
      return False;
   }
   return True;
}

//------------------------------------------------------------//
//--- The summary                                          ---//
//------------------------------------------------------------//

/* The numbers of the run so far, from the state now (not from the last
   profile written), with DHAT's labels for those DHAT prints. */
void hh_print_summary(HhPrintf print, Bool at_exit)
{
   ULong reads_bytes, writes_bytes;
   hh_reads_writes_now(&reads_bytes, &writes_bytes);
   print("Total:     %'llu bytes in %'llu blocks\n",
         hh_total_bytes, hh_total_blocks);
   print("At t-gmax: %'llu bytes in %'llu blocks\n",
         hh_peak_bytes, hh_peak_blocks);
   print("%s %'llu bytes in %'llu blocks\n",
         at_exit ? "At t-end: " : "Live now: ", hh_live_bytes, hh_live_blocks);
   if (at_exit && hh_reach_scanned)
      print("Lost:      %'llu bytes in %'llu blocks (unreachable at exit)\n",
            hh_lost_bytes, hh_lost_blocks);
   print("Reads:     %'llu bytes\n", reads_bytes);
   print("Writes:    %'llu bytes\n", writes_bytes);
   if (hh_clo_copies)
      print("Copies:    %'llu bytes in %'llu calls\n",
            hh_copied_bytes, hh_copy_calls);
   if (!at_exit)
      print("Time:      %'llu instrs\n", hh_clock_instrs);
}
