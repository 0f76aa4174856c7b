/*--------------------------------------------------------------------*/
/*--- heaphunt: memcpy-family copies                  hh_copies.c ---*/
/*--------------------------------------------------------------------*/

/* heaphunt's preload replaces memcpy, memmove, strcpy and the rest of
   the copying family (hh_replace_strmem.c); after each copy it tells
   the tool "LEN bytes went from SRC to DST" with a client request.
   This file turns those notices into:

   - copy sites: one per distinct call stack of a copying call (the
     replacement's own frame hidden, so the first frame is the caller),
     with bytes and calls, as DHAT's copy mode counts them (which needs
     a second run of DHAT; heaphunt does it in the same run as the heap
     profile);
   - for each copy site, which allocation sites it read from and wrote
     to, and how many bytes ("not a heap block" counts too: copies
     between stack buffers are still copies);
   - for each allocation site, bytes and calls copied into and out of
     its blocks.

   A copy is attributed to the block that holds its first byte, at the
   source and at the destination; a copy that runs over several blocks
   is rare and counts entirely against the first.  With --copies=no the
   notices are ignored. */

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_wordfm.h"
#include "pub_tool_xarray.h"

#include "hh_tool.h"

struct _CopySite {
   Addr*   ips;          // the caller's stack, as for allocation sites
   UInt    n_ips;
   DiEpoch epoch;
   ULong   bytes;
   ULong   calls;
   WordFM* bytes_by_source_site;  // Site* (0: not a heap block) -> bytes
   WordFM* bytes_by_dest_site;
};

typedef struct _EcCopyNode {
   struct _EcCopyNode* next;
   UWord               ecu;
   CopySite*           copy_site;
} EcCopyNode;

ULong hh_copied_bytes = 0, hh_copy_calls = 0;

static VgHashTable* copy_site_by_ecu = NULL;
static WordFM*      copy_site_by_ips = NULL;  // CopySite* -> unused
static XArray*      copy_sites_in_order = NULL;

static Word cmp_copy_sites_by_ips(UWord a, UWord b)
{
   const CopySite* c1 = (const CopySite*)a;
   const CopySite* c2 = (const CopySite*)b;
   return hh_cmp_frame_lists(c1->ips, c1->n_ips, c2->ips, c2->n_ips);
}

void hh_copies_init(void)
{
   copy_site_by_ecu = VG_(HT_construct)("hh.copies.by_ecu");
   copy_site_by_ips = VG_(newFM)(VG_(malloc), "hh.copies.by_ips", VG_(free),
                                 cmp_copy_sites_by_ips);
   copy_sites_in_order = VG_(newXA)(VG_(malloc), "hh.copies.order",
                                    VG_(free), sizeof(CopySite*));
}

static CopySite* copy_site_for_ec(ExeContext* ec)
{
   UWord ecu = VG_(get_ECU_from_ExeContext)(ec);
   EcCopyNode* node = VG_(HT_lookup)(copy_site_by_ecu, ecu);
   if (LIKELY(node != NULL))
      return node->copy_site;

   CopySite probe;
   hh_user_frames(ec, &probe.ips, &probe.n_ips, NULL);
   UWord key = 0, val = 0;
   CopySite* cs;
   if (VG_(lookupFM)(copy_site_by_ips, &key, &val, (UWord)&probe)) {
      cs = (CopySite*)key;
      VG_(free)(probe.ips);
   } else {
      cs = VG_(calloc)("hh.copies.site", 1, sizeof(CopySite));
      cs->ips   = probe.ips;
      cs->n_ips = probe.n_ips;
      cs->epoch = VG_(get_ExeContext_epoch)(ec);
      cs->bytes_by_source_site = VG_(newFM)(VG_(malloc), "hh.copies.src",
                                            VG_(free), NULL);
      cs->bytes_by_dest_site   = VG_(newFM)(VG_(malloc), "hh.copies.dst",
                                            VG_(free), NULL);
      VG_(addToFM)(copy_site_by_ips, (UWord)cs, 0);
      VG_(addToXA)(copy_sites_in_order, &cs);
   }
   node = VG_(malloc)("hh.copies.node", sizeof(EcCopyNode));
   node->ecu = ecu;
   node->copy_site = cs;
   VG_(HT_add_node)(copy_site_by_ecu, node);
   return cs;
}

static void add_bytes(WordFM* bytes_by_site, const Site* site, SizeT szB)
{
   UWord key = 0, bytes = 0;
   VG_(lookupFM)(bytes_by_site, &key, &bytes, (UWord)site);
   VG_(addToFM)(bytes_by_site, (UWord)site, bytes + szB);
}

/* The counted site of the block holding a, or NULL. */
static Site* site_holding(Addr a)
{
   Block* bk = hh_block_containing(a);
   if (bk == NULL || bk->site->ignored)
      return NULL;
   return bk->site;
}

void hh_copy_note(ThreadId tid, Addr dst, Addr src, SizeT szB)
{
   if (!hh_clo_copies)
      return;
   CopySite* cs = copy_site_for_ec(VG_(record_ExeContext)(tid, 0));
   cs->bytes += szB;
   cs->calls++;
   hh_copied_bytes += szB;
   hh_copy_calls++;
   hh_threads_note_copy(tid, szB);

   Site* from = site_holding(src);
   Site* to   = site_holding(dst);
   add_bytes(cs->bytes_by_source_site, from, szB);
   add_bytes(cs->bytes_by_dest_site, to, szB);
   if (from != NULL)
      hh_site_note_copied_out(from, szB);
   if (to != NULL)
      hh_site_note_copied_in(to, szB);
}

UWord hh_copy_sites_count(void)
{
   return (UWord)VG_(sizeXA)(copy_sites_in_order);
}

CopySite* hh_copy_site_at(UWord i)
{
   return *(CopySite**)VG_(indexXA)(copy_sites_in_order, (Word)i);
}

void hh_copy_site_frames(const CopySite* cs, const Addr** ips, UInt* n_ips,
                         DiEpoch* ep)
{
   *ips   = cs->ips;
   *n_ips = cs->n_ips;
   *ep    = cs->epoch;
}

ULong hh_copy_site_bytes(const CopySite* cs)
{
   return cs->bytes;
}

ULong hh_copy_site_calls(const CopySite* cs)
{
   return cs->calls;
}

void hh_copy_site_for_each_end(const CopySite* cs, Bool is_source,
                               void (*fn)(const Site*, ULong, void*),
                               void* opaque)
{
   WordFM* fm = is_source ? cs->bytes_by_source_site : cs->bytes_by_dest_site;
   UWord key, bytes;
   VG_(initIterFM)(fm);
   while (VG_(nextIterFM)(fm, &key, &bytes))
      fn((const Site*)key, bytes, opaque);
   VG_(doneIterFM)(fm);
}
