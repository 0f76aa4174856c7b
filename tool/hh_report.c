/*--------------------------------------------------------------------*/
/*--- heaphunt: the program's mistakes, said once      hh_report.c ---*/
/*--------------------------------------------------------------------*/

/* heaphunt survives the program's own mistakes: frees of pointers it
   never handed out, mismatched deallocations, client requests with bad
   arguments.  Each is reported once per calling stack, as Memcheck
   does, so that a loop that makes the same mistake a million times
   gives one message; the modules that find them count them all and
   say how many in the summary. */

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_wordfm.h"

#include "hh_tool.h"

static WordFM* reported_stacks = NULL;   // ECU of a reported call -> 1

Bool hh_first_report_from(ThreadId tid)
{
   if (reported_stacks == NULL)
      reported_stacks = VG_(newFM)(VG_(malloc), "hh.report.stacks",
                                   VG_(free), NULL);
   ExeContext* ec = VG_(record_ExeContext)(tid, 0);
   UWord ecu = VG_(get_ECU_from_ExeContext)(ec);
   UWord key, val;
   if (VG_(lookupFM)(reported_stacks, &key, &val, ecu))
      return False;
   VG_(addToFM)(reported_stacks, ecu, 1);
   return True;
}
