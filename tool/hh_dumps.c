/*--------------------------------------------------------------------*/
/*--- heaphunt: profiles written before exit           hh_dumps.c ---*/
/*--------------------------------------------------------------------*/

/* A profile is normally written once, at exit (hh_main.c).  This file
   writes one earlier, without stopping or disturbing the program
   (profiles come from snapshots, hh_snapshot.c), and names it:

   - when the program asks, with HEAPHUNT_DUMP(path) (hh_clreq.c), or a
     gdbserver monitor command does (hh_monitor.c);
   - every N instructions with --dump-every=N, as <out-file>.<n> (n = 1,
     2, ...): the timeline raises hh_dump_due when the heap changes after
     the next instant, and the event source that changed it calls
     hh_dumps_write_due once its bookkeeping is complete;
   - just before the program replaces itself with execve (hh_main.c sees
     the syscall): without that the profile of everything before the
     exec would be lost, because the process never reaches its exit
     under this tool (DHAT loses it).  With --trace-children=yes the new
     program is profiled too and would write the same file name at its
     own exit, so the pre-exec profile then goes to <out-file>.pre-exec.

   Every one is written between events, when no block is half counted. */

#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

static UInt n_periodic_dumps = 0;

/* Writes a profile to path_template (expanded) and says where. */
static Bool dump_to(const HChar* why, const HChar* path_template)
{
   HChar* path = NULL;
   Bool ok = hh_write_profile(why, path_template, &path);
   if (ok && VG_(clo_verbosity) > 0)
      VG_(umsg)("heaphunt: profile written to %s (%s)\n", path, why);
   VG_(free)(path);
   return ok;
}

/* The out-file template with a suffix appended. */
static HChar* out_file_with_suffix(const HChar* suffix)
{
   SizeT  len = VG_(strlen)(hh_clo_out_file) + VG_(strlen)(suffix) + 1;
   HChar* name = VG_(malloc)("hh.dumps.name", len);
   VG_(strcpy)(name, hh_clo_out_file);
   VG_(strcat)(name, suffix);
   return name;
}

Bool hh_dump_now(const HChar* why, const HChar* path_template)
{
   return dump_to(why, path_template != NULL ? path_template
                                             : hh_clo_out_file);
}

void hh_dumps_write_due(void)
{
   if (!hh_dump_due)
      return;
   n_periodic_dumps++;
   HChar suffix[32];
   VG_(snprintf)(suffix, sizeof(suffix), ".%u", n_periodic_dumps);
   HChar* name = out_file_with_suffix(suffix);
   dump_to("--dump-every", name);
   VG_(free)(name);
   hh_timeline_dump_written();
}

//------------------------------------------------------------//
//--- Before exec                                          ---//
//------------------------------------------------------------//

static Bool tracing_children(void)
{
   Bool tracing = False;
   for (Word i = 0; i < VG_(sizeXA)(VG_(args_for_valgrind)); i++) {
      const HChar* arg = *(HChar**)VG_(indexXA)(VG_(args_for_valgrind), i);
      if (VG_(strcmp)(arg, "--trace-children=yes") == 0)
         tracing = True;
      else if (VG_(strcmp)(arg, "--trace-children=no") == 0)
         tracing = False;
   }
   return tracing;
}

void hh_dump_before_exec(void)
{
   if (tracing_children()) {
      HChar* name = out_file_with_suffix(".pre-exec");
      dump_to("before execve", name);
      VG_(free)(name);
   } else {
      dump_to("before execve", hh_clo_out_file);
   }
}
