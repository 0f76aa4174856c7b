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
     An execve the core will refuse (a program that execs through PATH
     tries every directory) writes nothing; one that fails anyway is
     said once.  A script that execs the real program, which then runs
     unprofiled, is pointed out.

   Every one is written between events, when no block is half counted. */

#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_vki.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

static UInt n_periodic_dumps = 0;
/* --dump-every on a full disk would say the same thing at every dump:
   the first failure is said, the others counted (hh_dumps_report_failures). */
static UInt n_periodic_failures = 0;

/* Writes a profile to path_template (expanded) and says where, or why
   not (with a note, if any) unless quiet. */
static Bool dump_to(const HChar* why, const HChar* path_template,
                    Bool quiet, const HChar* note)
{
   HChar* path = NULL;
   Bool ok = hh_write_profile(why, path_template, &path);
   if (ok && VG_(clo_verbosity) > 0)
      VG_(umsg)("heaphunt: profile written to %s (%s)\n", path, why);
   else if (!ok && !quiet)
      VG_(umsg)("heaphunt: error: %s; no profile written (%s%s).\n",
                hh_profile_write_error(), why, note);
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
                                             : hh_clo_out_file, False, "");
}

void hh_dumps_write_due(void)
{
   if (!hh_dump_due)
      return;
   n_periodic_dumps++;
   HChar suffix[32];
   VG_(snprintf)(suffix, sizeof(suffix), ".%u", n_periodic_dumps);
   HChar* name = out_file_with_suffix(suffix);
   if (!dump_to("--dump-every", name, n_periodic_failures > 0,
                "; the next failures are counted, not reported"))
      n_periodic_failures++;
   VG_(free)(name);
   hh_timeline_dump_written();
}

void hh_dumps_report_failures(void)
{
   if (n_periodic_failures > 1)
      VG_(umsg)("heaphunt: %u more --dump-every profiles could not be "
                "written\n", n_periodic_failures - 1);
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

/* The first bytes of the file at path, or 0 of them. */
static Int file_start(const HChar* path, HChar* buf, Int n)
{
   SysRes res = VG_(open)(path, VKI_O_RDONLY, 0);
   if (sr_isError(res))
      return 0;
   Int got = VG_(read)((Int)sr_Res(res), buf, n);
   VG_(close)((Int)sr_Res(res));
   return got < 0 ? 0 : got;
}

/* Will the core refuse to exec path?  The checks it makes before it
   gives up the process (a readable regular file, executable by us, ELF
   or #!), so that a program that execs through PATH, which tries each
   directory in turn, gets one profile: for the exec that succeeds. */
static Bool exec_will_fail(const HChar* path)
{
   struct vg_stat st;
   if (sr_isError(VG_(stat)(path, &st)) || !VKI_S_ISREG(st.mode))
      return True;
   UInt x_bits = VKI_S_IXUSR | VKI_S_IXGRP | VKI_S_IXOTH;
   if (VG_(geteuid)() == 0)
      x_bits = st.mode & x_bits;
   else if ((UInt)VG_(geteuid)() == st.uid)
      x_bits = st.mode & VKI_S_IXUSR;
   else
      x_bits = st.mode & (VKI_S_IXGRP | VKI_S_IXOTH);   // groups: be kind
   if (x_bits == 0)
      return True;
   HChar magic[4];
   Int n = file_start(path, magic, sizeof magic);
   Bool elf = n == 4 && magic[0] == 0x7f && magic[1] == 'E'
              && magic[2] == 'L' && magic[3] == 'F';
   Bool script = n >= 2 && magic[0] == '#' && magic[1] == '!';
   return !elf && !script;
}

/* Set when a profile was written just before an execve, until the
   execve returns (which it does only when it failed). */
static Bool wrote_before_exec = False;

/* The profiled program was a script (a version-manager shim, say) that
   is now replacing itself with the real program: without
   --trace-children=yes, that one runs unprofiled.  Said once. */
static void point_out_script(const HChar* exec_path)
{
   static Bool said = False;
   HChar start[2];
   if (said || !hh_is_first_process()
       || file_start(VG_(args_the_exename), start, 2) != 2
       || start[0] != '#' || start[1] != '!')
      return;
   said = True;
   VG_(umsg)("heaphunt: %s is a script, and it is replacing itself with "
             "%s, which will not be profiled: to profile that program, "
             "add --trace-children=yes (or run it directly)\n",
             VG_(args_the_exename), exec_path != NULL ? exec_path
                                                      : "another program");
}

void hh_dump_before_exec(const HChar* exec_path)
{
   if (exec_path != NULL && exec_will_fail(exec_path))
      return;
   if (tracing_children()) {
      HChar* name = out_file_with_suffix(".pre-exec");
      dump_to("before execve", name, False, "");
      VG_(free)(name);
   } else {
      dump_to("before execve", hh_clo_out_file, False, "");
      point_out_script(exec_path);
   }
   wrote_before_exec = True;
}

void hh_exec_failed(UWord err)
{
   static Bool said = False;
   if (!wrote_before_exec)
      return;
   wrote_before_exec = False;
   if (said)
      return;
   said = True;
   VG_(umsg)("heaphunt: an execve failed (error %lu) after the profile "
             "before it was written; the program goes on, and its profile "
             "at exit supersedes that one\n", err);
}
