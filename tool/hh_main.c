/*--------------------------------------------------------------------*/
/*--- heaphunt: a heap profiler for unmodified binaries  hh_main.c ---*/
/*--------------------------------------------------------------------*/

/* heaphunt finds heap "ghosts": blocks that leak, pile up at the peak,
   live far longer than they are used or are copied for nothing.  It
   replaces the client's allocator (hh_alloc.c), counts every guest
   instruction and every access into a live block (hh_instrument.c,
   hh_access.c), keeps per-site totals and the exact global peak
   (hh_sites.c), and at exit writes a DHAT-format profile and a summary
   (hh_output.c).  See hh_tool.h for the map of files and their layers.

   This file registers the tool with the core, runs start-up and
   shut-down, watches the syscalls that end or replace the process and
   the threads that start running, end or fork away (for the counts per
   thread, hh_threads.c), and decides the exit status: the program's
   own, unless a limit was exceeded or the profile was lost. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"

#include "hh_tool.h"

/* The core reads inlined-call debug info by default only for the tools
   it names (memcheck, helgrind, drd, massif, dhat), and the setting is
   not in the tool API.  heaphunt wants DHAT's stacks, inlined frames
   included, so it sets the same default before options are parsed;
   --read-inline-info=no still overrides it.  The variable has had this
   name and meaning in every release we support (3.19 to 3.24). */
extern Bool VG_(clo_read_inline_info);

static void hh_post_clo_init(void)
{
   /* A bad out-file name or an unwritable place stops the run now, not
      after it. */
   hh_outfile_startup(hh_clo_out_file_option, hh_clo_out_file);
   hh_options_startup();
   if (hh_clo_accesses)
      hh_track_syscall_accesses();
   hh_timeline_start_dumps();
}

//------------------------------------------------------------//
//--- Syscalls that end or replace the process            ---//
//------------------------------------------------------------//

/* The status the program asked to exit with, if it called exit: the
   core tells the tool nothing about it (its fini gets 0 whatever the
   status), and a process killed by a signal never gets here. */
static Bool client_exited = False;
static Int  client_exit_status = 0;

static void hh_pre_syscall(ThreadId tid, UInt syscall_no, UWord* args,
                           UInt n_args)
{
   if (syscall_no == __NR_exit_group || syscall_no == __NR_exit) {
      client_exited = True;
      client_exit_status = (Int)(args[0] & 0xFF);
   } else if (syscall_no == __NR_execve) {
      HChar* path = VG_(malloc)("hh.main.exec_path", VKI_PATH_MAX);
      const HChar* why = NULL;
      Bool readable = hh_read_client_string(args[0], path, VKI_PATH_MAX,
                                            &why);
      hh_dump_before_exec(readable ? path : NULL);
      VG_(free)(path);
   } else if (syscall_no == __NR_execveat) {
      hh_dump_before_exec(NULL);   // relative to a directory descriptor
   }
}

/* An execve that returns has failed. */
static void hh_post_syscall(ThreadId tid, UInt syscall_no, UWord* args,
                            UInt n_args, SysRes res)
{
   if ((syscall_no == __NR_execve || syscall_no == __NR_execveat)
       && sr_isError(res))
      hh_exec_failed(sr_Err(res));
}

/* Memory the program unmaps: its custom blocks there end (the heap may
   grow into it later), and the reachability scan forgets it.  The core
   takes one function per event. */
static void on_munmap(Addr a, SizeT len)
{
   hh_reach_note_unmapped(a, len);
   hh_life_memory_gone(a, len);
   if (hh_dump_due)
      hh_dumps_write_due();
}

static void on_brk_shrink(Addr a, SizeT len)
{
   hh_life_memory_gone(a, len);
   if (hh_dump_due)
      hh_dumps_write_due();
}

//------------------------------------------------------------//
//--- Shut-down                                            ---//
//------------------------------------------------------------//

/* --max-end-bytes / --max-end-blocks: True if the run is within them;
   otherwise says which limit was exceeded and by how much. */
static Bool within_end_limits(void)
{
   Bool ok = True;
   if (hh_clo_max_end_bytes >= 0
       && hh_live_bytes > (ULong)hh_clo_max_end_bytes) {
      VG_(umsg)("heaphunt: limit exceeded: %'llu bytes live at exit, "
                "more than --max-end-bytes=%lld\n",
                hh_live_bytes, hh_clo_max_end_bytes);
      ok = False;
   }
   if (hh_clo_max_end_blocks >= 0
       && hh_live_blocks > (ULong)hh_clo_max_end_blocks) {
      VG_(umsg)("heaphunt: limit exceeded: %'llu blocks live at exit, "
                "more than --max-end-blocks=%lld\n",
                hh_live_blocks, hh_clo_max_end_blocks);
      ok = False;
   }
   return ok;
}

/* The core calls this with exit_status 0 whatever the program's status;
   hh_pre_syscall notes the real one. */
static void hh_fini(Int exit_status_unused)
{
   hh_reach_scan_at_exit();
   HChar* path = NULL;
   Bool written = hh_write_profile(hh_clo_out_file_option, hh_clo_out_file,
                                   &path);
   if (!written)
      VG_(umsg)("heaphunt: error: %s; no profile written (choose a "
                "writable location with %s).\n", hh_profile_write_error(),
                hh_clo_out_file_option);
   hh_dumps_report_failures();
   if (VG_(clo_verbosity) > 0)
      hh_print_summary(VG_(umsg), True);
   hh_alloc_report_counts();
   hh_clreq_report_counts();
   hh_interp_print_stats();
   if (written && VG_(clo_verbosity) > 0) {
      VG_(umsg)("\n");
      VG_(umsg)("Profile: %s\n", path);
      VG_(umsg)("To view it: heaphunt view %s\n", path);
      VG_(umsg)("(or load it in heaphunt's viewer/index.html or Valgrind's "
                "dh_view.html in a web browser)\n");
   }
   if (path != NULL)
      VG_(free)(path);

   /* A lost profile or an exceeded limit must not look like success to
      a script, but heaphunt changes nothing else the program does: only
      the process the user means (the first one; each one with
      --limit-process=each, for limits), and only if it exited with
      status 0, has its status replaced.  A forked worker's status is its
      parent's business; a failing program keeps its own, and one killed
      by a signal is left to the core, which reports the signal. */
   Bool first = hh_is_first_process();
   Bool limits_ok = !(first || hh_clo_limit_each_process)
                    || within_end_limits();
   Bool succeeded = client_exited && client_exit_status == 0;
   if (succeeded && !limits_ok)
      VG_(exit)(hh_clo_limit_exit_code);
   if (succeeded && !written && first)
      VG_(exit)(1);
}

//------------------------------------------------------------//
//--- Threads                                              ---//
//------------------------------------------------------------//

/* The core is about to run tid's code: the accesses and instructions
   that follow are tid's (hh_threads.c). */
static void on_start_client_code(ThreadId tid, ULong blocks_done)
{
   hh_threads_running(tid);
}

/* A second thread: from now on accesses are told apart by thread.  (The
   core announces the main thread too, with no parent.) */
static void on_thread_create(ThreadId parent, ThreadId child)
{
   if (parent != VG_INVALID_THREADID && !hh_threads_listing) {
      ULong reads_bytes, writes_bytes;
      hh_reads_writes_now(&reads_bytes, &writes_bytes);
      hh_threads_start_listing(reads_bytes, writes_bytes);
   }
}

static void on_thread_exit(ThreadId tid)
{
   hh_reach_thread_exiting(tid);
   hh_threads_exiting(tid);
}

static void hh_pre_clo_init(void)
{
   VG_(details_name)            ("heaphunt");
   VG_(details_version)         (HEAPHUNT_VERSION);
   VG_(details_description)     ("a heap profiler for memory ghosts");
   VG_(details_copyright_author)("Copyright (C) the heaphunt developers; "
                                 "GNU GPL'd.");
   VG_(details_bug_reports_to)  ("the heaphunt issue tracker");

   VG_(clo_read_inline_info) = True;

   VG_(basic_tool_funcs)(hh_post_clo_init, hh_instrument, hh_fini);
   VG_(needs_libc_freeres)();
   VG_(needs_cxx_freeres)();
   VG_(needs_command_line_options)(hh_process_cmd_line_option,
                                   hh_print_usage, hh_print_debug_usage);
   VG_(needs_client_requests)(hh_handle_client_request);
   hh_register_malloc_replacement();
   VG_(needs_syscall_wrapper)(hh_pre_syscall, hh_post_syscall);

   hh_blocks_init();
   hh_sites_init();
   hh_copies_init();
   hh_timeline_init();
   hh_lifecycle_init();
   hh_custom_init();
   hh_reach_init();
   VG_(track_die_mem_munmap)(on_munmap);
   VG_(track_die_mem_brk)(on_brk_shrink);
   hh_hist_init();
   hh_threads_init();
   VG_(track_start_client_code)(on_start_client_code);
   VG_(track_pre_thread_ll_create)(on_thread_create);
   VG_(track_pre_thread_ll_exit)(on_thread_exit);
   VG_(atfork)(NULL, NULL, hh_threads_after_fork_in_child);
   hh_interp_init();
}

VG_DETERMINE_INTERFACE_VERSION(hh_pre_clo_init)
