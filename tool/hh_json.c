/*--------------------------------------------------------------------*/
/*--- heaphunt: a small buffered JSON writer           hh_json.c ---*/
/*--------------------------------------------------------------------*/

/* Writes a profile through a 64 KiB buffer with VG_(write) to a file
   opened by hh_outfile.c, remembering the first write that failed (a
   full disk, the file size limit, a closed pipe) and why, so that the
   caller can refuse to publish a partial profile and say what went
   wrong.

   Strings are always valid JSON and pure ASCII: quote, backslash and
   control characters are escaped, valid UTF-8 sequences become \uXXXX
   escapes (surrogate pairs above U+FFFF), and bytes that are not valid
   UTF-8 (a Latin-1 file name, say) are written as the code point of the
   same value, \u00XX, so nothing is lost and every JSON reader, strict
   or not, accepts the file. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_vki.h"

#include "hh_tool.h"

#define HH_JSON_BUFFER_SZB (64 * 1024)

struct _JsonOut {
   Int   fd;
   UWord failed_errno;   // of the first failed write; 0 while all went
                         //   well (the file must not be published else)
   SizeT used;
   HChar buf[HH_JSON_BUFFER_SZB];
};

JsonOut* hh_json_start(Int fd)
{
   JsonOut* out = VG_(malloc)("hh.json.out", sizeof(JsonOut));
   out->fd           = fd;
   out->failed_errno = 0;
   out->used         = 0;
   return out;
}

static void flush(JsonOut* out)
{
   SizeT done = 0;
   while (done < out->used && out->failed_errno == 0) {
      Int n = VG_(write)(out->fd, out->buf + done, (Int)(out->used - done));
      if (n < 0)
         out->failed_errno = (UWord)-n;
      else if (n == 0)
         out->failed_errno = VKI_EIO;   // no progress and no reason
      else
         done += (SizeT)n;
   }
   out->used = 0;
}

static inline void put_char(JsonOut* out, HChar c)
{
   if (out->used == HH_JSON_BUFFER_SZB)
      flush(out);
   out->buf[out->used++] = c;
}

void hh_json_raw(JsonOut* out, const HChar* s)
{
   for (; *s != '\0'; s++)
      put_char(out, *s);
}

static void char_sink(HChar c, void* opaque)
{
   put_char((JsonOut*)opaque, c);
}

void hh_json_printf(JsonOut* out, const HChar* format, ...)
{
   va_list vargs;
   va_start(vargs, format);
   VG_(vcbprintf)(char_sink, out, format, vargs);
   va_end(vargs);
}

static void put_u_escape(JsonOut* out, UInt code_unit)
{
   static const HChar hex[] = "0123456789abcdef";
   put_char(out, '\\');
   put_char(out, 'u');
   for (Int shift = 12; shift >= 0; shift -= 4)
      put_char(out, hex[(code_unit >> shift) & 0xF]);
}

/* Length of the valid UTF-8 sequence at s and its code point, or 0. */
static Int decode_utf8(const UChar* s, UInt* code_point)
{
   UChar c = s[0];
   Int   len;
   UInt  cp;
   if (c >= 0xC2 && c <= 0xDF)      { len = 2; cp = c & 0x1F; }
   else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
   else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
   else return 0;
   for (Int i = 1; i < len; i++) {
      if ((s[i] & 0xC0) != 0x80)
         return 0;   // also stops at the NUL terminator
      cp = (cp << 6) | (s[i] & 0x3F);
   }
   /* Reject overlong forms, surrogates and values past U+10FFFF. */
   if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
       || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return 0;
   *code_point = cp;
   return len;
}

void hh_json_string(JsonOut* out, const HChar* s)
{
   const UChar* p = (const UChar*)s;
   put_char(out, '"');
   while (*p != 0) {
      UChar c = *p;
      if (c == '"' || c == '\\') {
         put_char(out, '\\');
         put_char(out, (HChar)c);
         p++;
      } else if (c < 0x20 || c == 0x7F) {
         put_u_escape(out, c);
         p++;
      } else if (c < 0x80) {
         put_char(out, (HChar)c);
         p++;
      } else {
         UInt cp = 0;
         Int  len = decode_utf8(p, &cp);
         if (len == 0) {
            put_u_escape(out, c);   // not UTF-8: keep the byte's value
            p++;
         } else if (cp < 0x10000) {
            put_u_escape(out, cp);
            p += len;
         } else {
            cp -= 0x10000;
            put_u_escape(out, 0xD800 + (cp >> 10));
            put_u_escape(out, 0xDC00 + (cp & 0x3FF));
            p += len;
         }
      }
   }
   put_char(out, '"');
}

Bool hh_json_finish(JsonOut* out, UWord* errno_out)
{
   flush(out);
   *errno_out = out->failed_errno;
   Bool ok = out->failed_errno == 0;
   VG_(free)(out);
   return ok;
}
