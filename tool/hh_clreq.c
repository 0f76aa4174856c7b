/*--------------------------------------------------------------------*/
/*--- heaphunt: client requests                        hh_clreq.c ---*/
/*--------------------------------------------------------------------*/

/* Requests a client program makes with the macros of dhat.h (so that
   programs annotated for DHAT keep working) and, from heaphunt's own
   preload, the notice of a memcpy-family copy.

   DHAT's requests:
     DHAT_AD_HOC_EVENT     ad-hoc profiling is a DHAT mode heaphunt does
                           not have; the request is accepted and ignored
     DHAT_HISTOGRAM_MEMORY gives the block containing the address a
                           per-offset histogram even though it is larger
                           than --histogram-max (up to 25 times that, as
                           DHAT allows)
     DHAT's copy request   accepted and ignored: heaphunt's preload
                           reports copies with its own request below */

#include "pub_tool_basics.h"
#include "pub_tool_clreq.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_tooliface.h"

#include "hh_tool.h"

/* dhat.h's request numbers (the 3.19 header lacks the histogram one). */
#define HH_DHAT_AD_HOC_EVENT     VG_USERREQ_TOOL_BASE('D', 'H')
#define HH_DHAT_HISTOGRAM_MEMORY (VG_USERREQ_TOOL_BASE('D', 'H') + 1)
#define HH_DHAT_COPY             (VG_USERREQ_TOOL_BASE('D', 'H') + 256)
/* heaphunt's preload: a copy of arg[3] bytes from arg[2] to arg[1]. */
#define HH_HEAPHUNT_COPY         (VG_USERREQ_TOOL_BASE('H', 'H') + 256)

#define HH_USER_HISTOGRAM_FACTOR 25

static Bool give_block_a_histogram(Addr address)
{
   Block* bk = hh_block_containing(address);
   if (bk == NULL) {
      VG_(umsg)("heaphunt: DHAT_HISTOGRAM_MEMORY(%#lx): no live heap block "
                "there; ignored\n", address);
      return False;
   }
   if (bk->histo != NULL)
      return True;   // already has one
   SizeT limit = HH_USER_HISTOGRAM_FACTOR
                 * (hh_clo_histogram_max > 0 ? hh_clo_histogram_max : 1024);
   if (bk->req_szB > limit) {
      VG_(umsg)("heaphunt: DHAT_HISTOGRAM_MEMORY: the block is %lu bytes, "
                "more than the %lu allowed (25 x --histogram-max); "
                "ignored\n", bk->req_szB, limit);
      return False;
   }
   bk->histo = VG_(calloc)("hh.clreq.histo", bk->req_szB, sizeof(UShort));
   return True;
}

Bool hh_handle_client_request(ThreadId tid, UWord* arg, UWord* ret)
{
   switch (arg[0]) {
   case HH_DHAT_AD_HOC_EVENT:
   case HH_DHAT_COPY:
   case HH_HEAPHUNT_COPY:
      *ret = 0;
      return True;
   case HH_DHAT_HISTOGRAM_MEMORY:
      *ret = give_block_a_histogram((Addr)arg[1]) ? 1 : 0;
      return True;
   default:
      return False;
   }
}
