/*--------------------------------------------------------------------*/
/*--- heaphunt: profiles written before exit           hh_dumps.c ---*/
/*--------------------------------------------------------------------*/

/* A profile is normally written once, at exit.  This file writes one
   earlier, without stopping or disturbing the program (profiles come
   from snapshots, see hh_sites.c):

   - when the program asks, with HEAPHUNT_DUMP(path) (hh_clreq.c);
   - when asked through Valgrind's gdbserver, for long-running servers:
       vgdb --pid=PID dump [FILE]      (or: heaphunt dump [FILE])
       vgdb --pid=PID stats            (the summary, on stderr)
   - every N instructions with --dump-every=N, as
     <out-file>.<n> (n = 1, 2, ...): the timeline raises hh_dump_due
     when the heap changes after the next instant, and the event source
     calls hh_dumps_write_due once its bookkeeping is complete;
   - just before the program replaces itself with execve: without that
     the profile of everything before the exec would be lost, because
     the process never reaches its exit under this tool (DHAT loses it).
     With --trace-children=yes the new program is profiled too and would
     write the same file name at its own exit, so the pre-exec profile
     then goes to <out-file>.pre-exec. */

#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_gdbserver.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vkiscnums.h"
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

/* The status the program asked to exit with, if it called exit: the
   core tells the tool nothing about it (its fini gets 0 whatever the
   status), and a process killed by a signal never gets here. */
Bool hh_client_exited = False;
Int  hh_client_exit_status = 0;

static void hh_pre_syscall(ThreadId tid, UInt syscall_no, UWord* args,
                           UInt n_args)
{
   if (syscall_no == __NR_exit_group || syscall_no == __NR_exit) {
      hh_client_exited = True;
      hh_client_exit_status = (Int)(args[0] & 0xFF);
      return;
   }
   if (syscall_no != __NR_execve && syscall_no != __NR_execveat)
      return;
   if (tracing_children()) {
      HChar* name = out_file_with_suffix(".pre-exec");
      dump_to("before execve", name);
      VG_(free)(name);
   } else {
      dump_to("before execve", hh_clo_out_file);
   }
}

static void hh_post_syscall(ThreadId tid, UInt syscall_no, UWord* args,
                            UInt n_args, SysRes res)
{
}

void hh_dumps_register(void)
{
   VG_(needs_syscall_wrapper)(hh_pre_syscall, hh_post_syscall);
}

//------------------------------------------------------------//
//--- gdbserver monitor commands                           ---//
//------------------------------------------------------------//

void hh_print_monitor_help(void)
{
   VG_(gdb_printf)(
"\n"
"heaphunt monitor commands:\n"
"  dump [<file>]   write a complete profile now to <file>\n"
"                  (default: the --heaphunt-out-file name)\n"
"  stats           print the summary so far\n"
"  (each may be prefixed with 'heaphunt ')\n"
"\n");
}

/* Splits off the next space-separated word of *rest. */
static HChar* next_word(HChar** rest)
{
   HChar* s = *rest;
   while (*s == ' ')
      s++;
   if (*s == '\0')
      return NULL;
   HChar* word = s;
   while (*s != '\0' && *s != ' ')
      s++;
   if (*s == ' ')
      *s++ = '\0';
   *rest = s;
   return word;
}

Bool hh_handle_monitor_command(const HChar* command)
{
   HChar* copy = VG_(strdup)("hh.dumps.cmd", command);
   HChar* rest = copy;
   HChar* word = next_word(&rest);
   if (word != NULL && VG_(strcmp)(word, "heaphunt") == 0)
      word = next_word(&rest);

   Bool handled = True;
   if (word == NULL || VG_(strcmp)(word, "help") == 0) {
      hh_print_monitor_help();
   } else if (VG_(strcmp)(word, "dump") == 0) {
      HChar* file = next_word(&rest);
      HChar* path = NULL;
      Bool ok = hh_write_profile("monitor dump",
                                 file != NULL ? file : hh_clo_out_file,
                                 &path);
      if (ok)
         VG_(gdb_printf)("heaphunt: profile written to %s\n", path);
      else
         VG_(gdb_printf)("heaphunt: could not write %s (see the log)\n",
                         path);
      VG_(free)(path);
   } else if (VG_(strcmp)(word, "stats") == 0) {
      ULong reads_bytes, writes_bytes;
      hh_reads_writes_now(&reads_bytes, &writes_bytes);
      VG_(gdb_printf)("Total:     %llu bytes in %llu blocks\n",
                      hh_total_bytes, hh_total_blocks);
      VG_(gdb_printf)("At t-gmax: %llu bytes in %llu blocks\n",
                      hh_peak_bytes, hh_peak_blocks);
      VG_(gdb_printf)("Live now:  %llu bytes in %llu blocks\n",
                      hh_live_bytes, hh_live_blocks);
      VG_(gdb_printf)("Reads:     %llu bytes\n", reads_bytes);
      VG_(gdb_printf)("Writes:    %llu bytes\n", writes_bytes);
      VG_(gdb_printf)("Copies:    %llu bytes in %llu calls\n",
                      hh_copied_bytes, hh_copy_calls);
      VG_(gdb_printf)("Time:      %llu instrs\n", hh_clock_instrs);
   } else {
      handled = False;
   }
   VG_(free)(copy);
   return handled;
}
