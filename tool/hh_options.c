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
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_options.h"
#include "pub_tool_replacemalloc.h"

#include "hh_tool.h"

/* Blocks larger than this get no per-offset histogram (DHAT: 1024). */
#define HH_DEFAULT_HISTOGRAM_MAX 1024
/* Histograms cost two bytes per block byte; this bounds the damage. */
#define HH_LARGEST_HISTOGRAM_MAX (64 * 1024 * 1024)

const HChar* hh_clo_out_file      = "heaphunt.out.%p";
SizeT        hh_clo_histogram_max = HH_DEFAULT_HISTOGRAM_MAX;

static void check_out_file_template(const HChar* arg, const HChar* value)
{
   if (value[0] == '\0')
      VG_(fmsg_bad_option)(arg, "the output file name is empty; give a "
                           "path, e.g. --heaphunt-out-file=heaphunt.out.%%p\n");
}

Bool hh_process_cmd_line_option(const HChar* arg)
{
   Long histogram_max = 0;

   if VG_STR_CLO(arg, "--heaphunt-out-file", hh_clo_out_file) {
      check_out_file_template(arg, hh_clo_out_file);
   } else if VG_BINT_CLO(arg, "--histogram-max", histogram_max,
                         0, HH_LARGEST_HISTOGRAM_MAX) {
      hh_clo_histogram_max = (SizeT)histogram_max;
   } else if VG_STR_CLO(arg, "--dhat-out-file", hh_clo_out_file) {
      /* Accepted so that DHAT command lines keep working. */
      check_out_file_template(arg, hh_clo_out_file);
   } else {
      return VG_(replacement_malloc_process_cmd_line_option)(arg);
   }
   return True;
}

void hh_print_usage(void)
{
   VG_(printf)(
"    --heaphunt-out-file=<file>  profile file name [heaphunt.out.%%p];\n"
"                                %%p is the process id, %%q{VAR} the value\n"
"                                of environment variable VAR\n"
"    --histogram-max=<bytes>     keep a per-offset access histogram for\n"
"                                blocks up to this size; 0 = none [%d]\n",
      HH_DEFAULT_HISTOGRAM_MAX);
}

void hh_print_debug_usage(void)
{
   VG_(printf)("    (none)\n");
}
