/*--------------------------------------------------------------------*/
/*--- heaphunt: gdbserver monitor commands           hh_monitor.c ---*/
/*--------------------------------------------------------------------*/

/* For long-running programs (servers), Valgrind's gdbserver lets another
   shell ask the running tool for its numbers:

     vgdb --pid=PID dump [FILE]   a complete profile now, to FILE (default:
                                  the --heaphunt-out-file name)
     vgdb --pid=PID stats         the summary so far
     vgdb --pid=PID help          the commands

   each optionally prefixed with "heaphunt ".  The core passes a command
   to the tool as a client request (hh_clreq.c) between events, so a
   profile written here sees every block fully counted; answers go back
   on vgdb's output. */

#include "pub_tool_basics.h"
#include "pub_tool_gdbserver.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"

#include "hh_tool.h"

static void print_help(void)
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

static void dump(const HChar* file)
{
   HChar* path = NULL;
   Bool ok = hh_write_profile("monitor dump",
                              file != NULL ? file : hh_clo_out_file, &path);
   if (ok)
      VG_(gdb_printf)("heaphunt: profile written to %s\n", path);
   else
      VG_(gdb_printf)("heaphunt: no profile written: %s\n",
                      hh_profile_write_error());
   VG_(free)(path);
}

Bool hh_handle_monitor_command(const HChar* command)
{
   HChar* copy = VG_(strdup)("hh.monitor.cmd", command);
   HChar* rest = copy;
   HChar* word = next_word(&rest);
   if (word != NULL && VG_(strcmp)(word, "heaphunt") == 0)
      word = next_word(&rest);

   Bool handled = True;
   if (word == NULL || VG_(strcmp)(word, "help") == 0)
      print_help();
   else if (VG_(strcmp)(word, "dump") == 0)
      dump(next_word(&rest));
   else if (VG_(strcmp)(word, "stats") == 0)
      hh_print_summary(VG_(gdb_printf), False);
   else
      handled = False;
   VG_(free)(copy);
   return handled;
}
