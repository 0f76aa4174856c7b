/*--------------------------------------------------------------------*/
/*--- heaphunt: command line options                hh_options.c ---*/
/*--------------------------------------------------------------------*/

/* Parses heaphunt's own options and hands the rest to the core's
   malloc-replacement option parser (--alignment, --trace-malloc, ...).
   Every value is checked here; a bad one stops Valgrind at start-up
   with a message that names the option and what it accepts, through
   VG_(fmsg_bad_option), so no run ever starts with a setting the user
   did not mean. */

#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_options.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

/* Histograms cost two bytes per block byte; this bounds the damage. */
#define HH_LARGEST_HISTOGRAM_MAX (64 * 1024 * 1024)

const HChar* hh_clo_out_file        = "heaphunt.out.%p";
const HChar* hh_clo_out_file_option = "--heaphunt-out-file";
SizeT        hh_clo_histogram_max   = HH_DEFAULT_HISTOGRAM_MAX;
Bool         hh_clo_copies          = True;
Bool         hh_clo_accesses        = True;
Long         hh_clo_max_end_bytes   = -1;
Long         hh_clo_max_end_blocks  = -1;
Int          hh_clo_limit_exit_code = 1;
Bool         hh_clo_limit_each_process = False;
ULong        hh_clo_dump_every_instrs = 0;   // 0 = never
Bool         hh_clo_reachability    = True;

/* The process --max-end-* apply to by default: the one Valgrind
   started, followed across its execs with --trace-children=yes (it
   keeps its pid), not its forked children.  Set by heaphunt itself on
   the Valgrind that an exec starts (see hh_options_startup). */
static Int first_pid = 0;

static XArray* alloc_fns  = NULL;   // HChar*, from --alloc-fn
static XArray* ignore_fns = NULL;   // HChar*, from --ignore-fn

static void add_fn_name(XArray** list, const HChar* arg,
                        const HChar* option, const HChar* name)
{
   if (name[0] == '\0')
      VG_(fmsg_bad_option)(arg, "give a function name, e.g. %s=xmalloc\n",
                           option);
   if (*list == NULL)
      *list = VG_(newXA)(VG_(malloc), "hh.options.fns", VG_(free),
                         sizeof(HChar*));
   VG_(addToXA)(*list, &name);
}

static Bool fn_in_list(const XArray* list, const HChar* fn_name)
{
   if (list == NULL || fn_name == NULL)
      return False;
   for (Word i = 0; i < VG_(sizeXA)(list); i++) {
      if (VG_(strcmp)(*(const HChar**)VG_(indexXA)(list, i), fn_name) == 0)
         return True;
   }
   return False;
}

Bool hh_is_alloc_fn(const HChar* fn_name)
{
   return fn_in_list(alloc_fns, fn_name);
}

Bool hh_is_ignore_fn(const HChar* fn_name)
{
   return fn_in_list(ignore_fns, fn_name);
}

Bool hh_have_ignore_fns(void)
{
   return ignore_fns != NULL;
}

/* DHAT's --mode: heaphunt has one, heap, and says what it does instead
   of the other two. */
static void check_mode(const HChar* arg, const HChar* mode)
{
   const HChar* instead = NULL;
   if (VG_(strcmp)(mode, "heap") == 0)
      return;
   if (VG_(strcmp)(mode, "copy") == 0)
      instead = "heaphunt has no copy mode: every profile records the "
                "copies (hhCopySites); for DHAT's copy-mode file, run "
                "'heaphunt export --mode=copy PROFILE -o OUT'";
   else if (VG_(strcmp)(mode, "ad-hoc") == 0)
      instead = "heaphunt has no ad-hoc mode: it profiles the heap, and "
                "DHAT_AD_HOC_EVENT requests are ignored "
                "(docs/client-requests.md)";
   else
      instead = "the only mode is heap";
   VG_(fmsg)("%s: %s\n", arg, instead);
   VG_(exit)(1);
}

Bool hh_process_cmd_line_option(const HChar* arg)
{
   Long histogram_max = 0;
   const HChar* fn_name = NULL;
   const HChar* mode = NULL;
   const HChar* which = NULL;
   Long dump_every = 0;
   Long pid = 0;

   if VG_STR_CLO(arg, "--heaphunt-out-file", hh_clo_out_file) {
      hh_clo_out_file_option = "--heaphunt-out-file";
   } else if VG_BINT_CLO(arg, "--histogram-max", histogram_max,
                         0, HH_LARGEST_HISTOGRAM_MAX) {
      hh_clo_histogram_max = (SizeT)histogram_max;
   } else if VG_BOOL_CLO(arg, "--copies", hh_clo_copies) {
   } else if VG_BOOL_CLO(arg, "--accesses", hh_clo_accesses) {
   } else if VG_BOOL_CLO(arg, "--reachability", hh_clo_reachability) {
   } else if VG_BOOL_CLO(arg, "--interp-frames", hh_clo_interp_frames) {
   } else if VG_STR_CLO(arg, "--alloc-fn", fn_name) {
      add_fn_name(&alloc_fns, arg, "--alloc-fn", fn_name);
   } else if VG_STR_CLO(arg, "--ignore-fn", fn_name) {
      add_fn_name(&ignore_fns, arg, "--ignore-fn", fn_name);
   } else if VG_BINT_CLO(arg, "--max-end-bytes", hh_clo_max_end_bytes,
                         0, (Long)(~0ULL >> 1)) {
   } else if VG_BINT_CLO(arg, "--max-end-blocks", hh_clo_max_end_blocks,
                         0, (Long)(~0ULL >> 1)) {
   } else if VG_BINT_CLO(arg, "--limit-exit-code", hh_clo_limit_exit_code,
                         1, 255) {
   } else if VG_BINT_CLO(arg, "--dump-every", dump_every,
                         0, (Long)(~0ULL >> 1)) {
      hh_clo_dump_every_instrs = (ULong)dump_every;
   } else if VG_STR_CLO(arg, "--dhat-out-file", hh_clo_out_file) {
      /* Accepted so that DHAT command lines keep working. */
      hh_clo_out_file_option = "--dhat-out-file";
   } else if VG_STR_CLO(arg, "--mode", mode) {
      check_mode(arg, mode);
   } else if VG_STR_CLO(arg, "--limit-process", which) {
      if (VG_(strcmp)(which, "first") == 0)
         hh_clo_limit_each_process = False;
      else if (VG_(strcmp)(which, "each") == 0)
         hh_clo_limit_each_process = True;
      else
         VG_(fmsg_bad_option)(arg, "--limit-process accepts first (the "
                              "process Valgrind started) or each\n");
   } else if VG_BINT_CLO(arg, "--heaphunt-first-pid", pid, 1, 0x7FFFFFFF) {
      first_pid = (Int)pid;
   } else {
      return VG_(replacement_malloc_process_cmd_line_option)(arg);
   }
   return True;
}

void hh_options_startup(void)
{
   if (first_pid != 0)
      return;   // a Valgrind started by an exec: told by its parent
   first_pid = VG_(getpid)();
   HChar* arg = VG_(malloc)("hh.options.first_pid", 40);
   VG_(snprintf)(arg, 40, "--heaphunt-first-pid=%d", first_pid);
   VG_(addToXA)(VG_(args_for_valgrind), &arg);
}

Bool hh_is_first_process(void)
{
   return VG_(getpid)() == first_pid;
}

void hh_print_usage(void)
{
   VG_(printf)(
"    --heaphunt-out-file=<file>  profile file name [heaphunt.out.%%p];\n"
"                                %%p is the process id, %%q{VAR} the value\n"
"                                environment variable VAR had at start-up\n"
"    --dhat-out-file=<file>      the same (DHAT's name for it)\n"
"    --histogram-max=<bytes>     keep a per-offset access histogram for\n"
"                                blocks up to this size; 0 = none [%d]\n"
"    --copies=yes|no             profile memcpy-family copies [yes]\n"
"    --accesses=yes|no           count reads and writes into blocks; no\n"
"                                is much faster (heap totals only) [yes]\n"
"    --reachability=yes|no       at exit, split the blocks still live into\n"
"                                lost (no pointer reaches them) and still\n"
"                                reachable, by scanning memory [yes]\n"
"    --alloc-fn=<name>           treat <name> as an allocator: sites show\n"
"                                its callers (repeatable)\n"
"    --ignore-fn=<name>          do not count allocations made under\n"
"                                <name> (repeatable)\n"
"    --interp-frames=yes|no      put Python and Ruby frames in the stacks\n"
"                                of allocations they make [yes]\n"
"    --max-end-bytes=<n>         exit with --limit-exit-code if more than\n"
"                                <n> bytes are still live at exit\n"
"    --max-end-blocks=<n>        likewise for blocks live at exit\n"
"    --limit-exit-code=<1..255>  exit status when a limit is exceeded [1]\n"
"    --limit-process=first|each  the process whose exit status a limit may\n"
"                                change: the one Valgrind started (also\n"
"                                after it execs), or each one [first]\n"
"    --dump-every=<instrs>       also write <out-file>.<n> every <instrs>\n"
"                                guest instructions; 0 = never [0]\n"
"    --mode=heap                 accepted for DHAT command lines; heaphunt\n"
"                                has no copy or ad-hoc mode\n"
"\n"
"    Report heaphunt's bugs to heaphunt's issue tracker (see its README),\n"
"    not to valgrind.org, whose address Valgrind prints below.\n",
      HH_DEFAULT_HISTOGRAM_MAX);
}

void hh_print_debug_usage(void)
{
   VG_(printf)(
"    --heaphunt-first-pid=<pid>  set by heaphunt on the programs that\n"
"                                --trace-children=yes follows across exec:\n"
"                                the process --limit-process=first means\n");
}
