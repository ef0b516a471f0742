/* Bounds on a PDF's work, second pass: every stream as poppler decodes it
 * (see limits.h). poppler's own object layer is used because only it sees
 * what the byte scan cannot: streams of encrypted documents (decrypted with
 * the document's key), LZW, RunLength, ASCIIHex and ASCII85 filters in any
 * order, sizes given by indirect references (also inside object streams),
 * and the inline images of content streams. Only the cheap, streaming
 * filters are run: image codecs (DCT, JPX, JBIG2, CCITT) are left to
 * rendering, their input counted instead. */
#include "extract/limits.h"

/* poppler's private headers include each other by bare name (pkg-config's
 * -I/usr/include/poppler), PDFDoc.h first */
#include <PDFDoc.h>
#include <GlobalParams.h>
#include <Stream.h>
#include <XRef.h>

#include "extract/limits_syntax.h"

#include <glib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using limits_syntax::cheap;
using limits_syntax::CHUNK;
using limits_syntax::filter_chain;
using limits_syntax::is_delim;
using limits_syntax::is_ws;

/* An inline image's dictionary is a few dozen bytes; a "BI" with no "ID"
 * this far after it is not one. */
constexpr size_t INLINE_DICT_MAX = 4096;

int64_t dict_int(Dict *d, const char *key, const char *alt)
{
  Object o = d->lookup(key);
  if (!o.isNum() && alt)
    o = d->lookup(alt);
  if (o.isIntOrInt64())
    return o.getIntOrInt64();
  if (o.isReal())
    return (int64_t)o.getReal();
  return -1;
}

uint64_t pixels(int64_t w, int64_t h)
{
  if (w <= 0 || h <= 0)
    return 0;
  return (uint64_t)w > UINT64_MAX / (uint64_t)h ? UINT64_MAX : (uint64_t)w * (uint64_t)h;
}

struct decoded_pass {
  const pdf_limits *lim;
  pdf_scan *scan;
  const pdf_inflated *inflated; /* what the byte scan counted, by start */
  size_t n_inflated;

  /* Whether the byte scan inflated all of the stream whose data is `base`
   * through `filters` FlateDecode filters: the same start, no fewer bytes. */
  bool byte_scanned(BaseStream *base, size_t filters) const
  {
    uint64_t start = (uint64_t)base->getStart(), len = (uint64_t)base->getLength();
    const pdf_inflated *e = inflated + n_inflated;
    const pdf_inflated *f = std::lower_bound(inflated, e, start,
                                             [](const pdf_inflated &a, uint64_t s) { return a.start < s; });
    return f != e && f->start == start && f->len >= len && (size_t)f->chain == filters;
  }

  bool over_image(int64_t w, int64_t h, pdf_over what)
  {
    uint64_t px = pixels(w, h);
    if (what == PDF_OVER_IMAGE)
      scan->largest_image = std::max(scan->largest_image, px);
    else
      scan->largest_inline = std::max(scan->largest_inline, px);
    if (px <= lim->image_pixels)
      return false;
    scan->over = what;
    scan->over_w = w;
    scan->over_h = h;
    return true;
  }

  /* The dictionary of an inline image, [d, e) between "BI" and "ID":
   * its /W (/Width) and /H (/Height), and the codec decoding its data
   * [data, data_end) (which may go on past the buffer): 1 when over a
   * limit, 0 when not, -1 when the data's codec header may lie past the
   * buffer. */
  int inline_dict(const unsigned char *d, const unsigned char *e, const unsigned char *data,
                  const unsigned char *data_end)
  {
    int64_t w = -1, h = -1, cols = -1, rows = -1;
    char codec = 0;
    int filters = 0;
    for (const unsigned char *p = d; p < e; p++) {
      if (*p != '/')
        continue;
      const unsigned char *n = ++p;
      while (p < e && !is_delim(*p))
        p++;
      std::string name(reinterpret_cast<const char *>(n), (size_t)(p - n));
      int64_t *slot = nullptr;
      if (name == "W" || name == "Width")
        slot = &w;
      else if (name == "H" || name == "Height")
        slot = &h;
      else if (name == "Columns")
        slot = &cols;
      else if (name == "Rows")
        slot = &rows;
      else if (name == "DCT" || name == "DCTDecode")
        codec = 'D', filters++;
      else if (name == "CCF" || name == "CCITTFaxDecode")
        codec = 'C', filters++;
      else if (name == "AHx" || name == "A85" || name == "LZW" || name == "Fl" || name == "RL" ||
               name == "ASCIIHexDecode" || name == "ASCII85Decode" || name == "LZWDecode" || name == "FlateDecode" ||
               name == "RunLengthDecode")
        filters++;
      if (!slot)
        continue;
      while (p < e && is_ws(*p))
        p++;
      int64_t v = 0;
      bool digits = false;
      for (; p < e && *p >= '0' && *p <= '9'; p++) {
        digits = true;
        v = v > INT64_MAX / 10 - 10 ? INT64_MAX : v * 10 + (*p - '0');
      }
      if (digits)
        *slot = v;
      p--;
    }
    if (over_image(w, h, PDF_OVER_INLINE))
      return 1;
    /* a JPEG's header is read from the data only when no other filter
     * encodes it (not read: inline JPEG data under ASCIIHex, ASCII85...) */
    if (codec == 'C' || (codec == 'D' && filters == 1))
      return pdf_scan_inline_codec(codec, data, (size_t)(data_end - data), cols, rows, w, h, lim, scan);
    return 0;
  }

  /* Looks for "BI <dict> ID" in buf[0, n); returns where the next call's
   * buffer must start (a "BI" whose "ID" may come in the next chunk, or the
   * last byte, for the delimiter before a token). */
  size_t inline_images(const unsigned char *buf, size_t n, bool *over)
  {
    size_t keep = n ? n - 1 : 0;
    const unsigned char *end = buf + n;
    for (const unsigned char *p = buf; p + 2 <= end;) {
      const unsigned char *bi = (const unsigned char *)memmem(p, (size_t)(end - p), "BI", 2);
      if (!bi)
        break;
      p = bi + 2;
      if ((bi > buf && !is_delim(bi[-1])) || (bi + 2 < end && !is_delim(bi[2])))
        continue;
      const unsigned char *limit = std::min(end, bi + 2 + INLINE_DICT_MAX);
      const unsigned char *id = nullptr;
      for (const unsigned char *q = bi + 2; q + 2 <= limit; q++) {
        q = (const unsigned char *)memmem(q, (size_t)(limit - q), "ID", 2);
        if (!q)
          break;
        if (is_delim(q[-1]) && (q + 2 == end || is_ws(q[2]))) {
          id = q;
          break;
        }
      }
      if (id) {
        scan->maybe_inline = true;   /* the drawing pass then counts inline images' pixels */
        const unsigned char *data = std::min(end, id + 3);
        int got = inline_dict(bi + 2, id, data, end);
        if (got > 0) {
          *over = true;
          return n;
        }
        if (got < 0 && (size_t)(end - bi) < INLINE_DICT_MAX)
          return (size_t)(bi - buf); /* its JPEG header may be in the next chunk */
        p = id + 2;
      } else if (limit == end && (size_t)(end - bi) < INLINE_DICT_MAX) {
        return (size_t)(bi - buf); /* its ID may be in the next chunk */
      }
    }
    return keep;
  }

  /* Reads `s` to its end or a limit: its bytes are counted when `count`,
   * searched for inline images when `inline_scan`. */
  bool read(Stream *s, bool count, bool inline_scan)
  {
    std::vector<unsigned char> buf(CHUNK + INLINE_DICT_MAX + 1);
    size_t carry = 0;
    uint64_t got = 0;
    bool over = false;
    s->reset();
    while (!over) {
      int n = s->doGetChars((int)CHUNK, buf.data() + carry);
      if (n <= 0)
        break;
      got += (uint64_t)n;
      if (count) {
        scan->inflated += (uint64_t)n;
        if (got > lim->stream_bytes || scan->inflated > lim->total_bytes) {
          scan->over = got > lim->stream_bytes ? PDF_OVER_STREAM : PDF_OVER_TOTAL;
          over = true;
          break;
        }
      }
      if (inline_scan) {
        size_t len = carry + (size_t)n;
        size_t from = inline_images(buf.data(), len, &over);
        carry = len - from;
        std::memmove(buf.data(), buf.data() + from, carry);
      }
    }
    s->close();
    if (count)
      scan->largest_stream = std::max(scan->largest_stream, got);
    return over;
  }

  /* One stream object: its image size, then its cheap filters' output. */
  bool stream(Object &obj, bool encrypted)
  {
    Dict *d = obj.streamGetDict();
    scan->decoded_streams++;
    bool image = d->lookup("Subtype").isName("Image");
    if (image && over_image(dict_int(d, "Width", nullptr), dict_int(d, "Height", nullptr), PDF_OVER_IMAGE))
      return true;
    std::vector<Stream *> chain;
    if (!filter_chain(obj.getStream(), chain))
      return false;
    size_t top = chain.size() - 1;
    while (top > 0 && cheap(chain[top - 1]->getKind()))
      top--;
    /* The byte scan inflated (and counted) a stream of an unencrypted file
     * whose filters up to `top` are all FlateDecode (PDF_MAX_FLATE at most), if it
     * found the stream where poppler does. */
    size_t filters = chain.size() - 1 - top;
    bool flate_only = !encrypted && filters > 0 && filters <= PDF_MAX_FLATE;
    for (size_t i = top; flate_only && i + 1 < chain.size(); i++)
      flate_only = chain[i]->getKind() == strFlate;
    flate_only = flate_only && byte_scanned(chain.back()->getBaseStream(), filters);
    bool count = filters > 0 && !flate_only;
    /* Inline images live in content streams (pages, forms, patterns,
     * Type 3 glyphs), never in images; a flate stream the byte scan saw is
     * decoded again only if its bytes had an "ID" operator. */
    bool inline_scan = !image && (!flate_only || scan->maybe_inline);
    if ((count || inline_scan) && read(chain[top], count, inline_scan))
      return true;
    /* then what the image codec decoding the cheap filters' output will allocate */
    return pdf_scan_codec(obj, chain.data(), chain.size(), top, lim, scan);
  }
};

} // namespace

extern "C" void pdf_scan_decoded(const unsigned char *data, size_t len, const char *password, const pdf_limits *lim,
                                 pdf_scan *scan)
{
  /* globalParams is set up (and kept) by pdf_open() before this is called. */
  if (!globalParams)
    return;
  std::optional<GooString> pw;
  if (password)
    pw = GooString(password);
  Object none;
  PDFDoc doc(new MemStream(reinterpret_cast<const char *>(data), 0, (Goffset)len, std::move(none)), pw, pw);
  if (!doc.isOk())
    return; /* the reader that opened it decides what damage means */
  XRef *xref = doc.getXRef();
  bool encrypted = xref->isEncrypted();
  pdf_inflated *inflated = nullptr;
  size_t n_inflated = pdf_scan_inflated(data, len, &inflated);
  decoded_pass pass{ lim, scan, inflated, n_inflated };
  for (int i = 0; i < xref->getNumObjects(); i++) {
    /* Streams are never inside object streams (those are streams
     * themselves, decoded here like any other). */
    XRefEntry *e = xref->getEntry(i, false);
    if (!e || e->type != xrefEntryUncompressed)
      continue;
    Object obj = xref->fetch(i, e->gen);
    if (obj.isStream() && pass.stream(obj, encrypted))
      break;
  }
  g_free(inflated);
  if (scan->over == PDF_OVER_NONE)   /* the first limit passed is the one named */
    pdf_scan_draws(&doc, lim, scan);
}
