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
#include "extract/words.h"

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

/* A second reader of the content stream being read, behind the first:
 * inline images' data is read from it through their own filters, to where
 * their codec's header ends. */
struct cursor {
  Object obj;   /* the stream object fetched again, with filters of its own */
  std::vector<Stream *> chain;
  Stream *s = nullptr;   /* its cheap filters' output; NULL: not readable */
  uint64_t at = 0;       /* bytes read from it */
  std::vector<unsigned char> skipped;
};

struct decoded_pass {
  XRef *xref;
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

  int num = -1, gen = 0;   /* the stream object being read */
  size_t cheap_from = 0;   /* its chain's first cheap filter */
  std::optional<cursor> second;

  /* The codec header of an inline image whose dictionary is dict[0, len)
   * and whose data starts `at` bytes into the content: 1 when over. */
  int inline_codec(const unsigned char *dict, size_t len, uint64_t at, int64_t w, int64_t h)
  {
    if (!second) {
      second.emplace();
      second->obj = xref->fetch(num, gen);
      if (second->obj.isStream() && filter_chain(second->obj.getStream(), second->chain) &&
          cheap_from < second->chain.size()) {
        second->s = second->chain[cheap_from];
        second->s->reset();
        second->skipped.resize(CHUNK);
      }
    }
    /* an image whose data an earlier image's codec read as its own is no
     * image to poppler's content parser either */
    if (!second->s || at < second->at)
      return 0;
    while (second->at < at) {
      int n = second->s->doGetChars((int)std::min<uint64_t>(CHUNK, at - second->at), second->skipped.data());
      if (n <= 0)
        return 0;
      second->at += (uint64_t)n;
    }
    uint64_t taken = 0;
    int over = pdf_scan_inline_codec(xref, dict, len, second->s, w, h, &taken, lim, scan);
    second->at += taken;
    return over;
  }

  /* The dictionary of an inline image, [d, e) between "BI" and "ID":
   * its /W (/Width) and /H (/Height), and the header of the codec decoding
   * its data, which starts `at` bytes into the content: 1 when over a
   * limit, else 0. */
  int inline_dict(const unsigned char *d, const unsigned char *e, uint64_t at)
  {
    int64_t w = -1, h = -1;
    bool codec = false;
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
      else if (name == "DCT" || name == "DCTDecode" || name == "CCF" || name == "CCITTFaxDecode" ||
               name == "JBIG2Decode" || name == "JPXDecode")
        codec = true;
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
    return codec ? inline_codec(d, (size_t)(e - d), at, w, h) : 0;
  }

  /* Looks for "BI <dict> ID" in buf[0, n), which starts `base` bytes into
   * the content; returns where the next call's buffer must start (a "BI"
   * whose "ID" may come in the next chunk, or the last byte, for the
   * delimiter before a token). */
  size_t inline_images(const unsigned char *buf, size_t n, uint64_t base, bool *over)
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
        /* the data starts after "ID" and one white-space byte */
        if (inline_dict(bi + 2, id, base + (uint64_t)(id - buf) + 3) > 0) {
          *over = true;
          return n;
        }
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
      uint64_t base = got - carry;   /* where buf[0] is in the stream */
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
        size_t from = inline_images(buf.data(), len, base, &over);
        carry = len - from;
        std::memmove(buf.data(), buf.data() + from, carry);
      }
    }
    s->close();
    if (second && second->s)
      second->s->close();
    second.reset();
    if (count)
      scan->largest_stream = std::max(scan->largest_stream, got);
    return over;
  }

  /* One stream object: its image size, then its cheap filters' output. */
  bool stream(Object &obj, bool encrypted, int number, int generation)
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
    num = number;
    gen = generation;
    cheap_from = top;
    if ((count || inline_scan) && read(chain[top], count, inline_scan))
      return true;
    /* then what the image codec decoding the cheap filters' output will allocate */
    return pdf_scan_codec(obj, chain.data(), chain.size(), top, lim, scan);
  }
};

} // namespace

extern "C" void pdf_scan_decoded(const unsigned char *data, size_t len, const char *password, words_doc *opened,
                                 const pdf_limits *lim, pdf_scan *scan)
{
  /* globalParams is set up (and kept) by pdf_open() before this is called. */
  if (!globalParams)
    return;
  std::unique_ptr<PDFDoc> own;
  PDFDoc *doc = opened ? words_pdfdoc(opened) : nullptr;
  if (!doc) {
    std::optional<GooString> pw;
    if (password)
      pw = GooString(password);
    Object none;
    own = std::make_unique<PDFDoc>(new MemStream(reinterpret_cast<const char *>(data), 0, (Goffset)len,
                                                 std::move(none)), pw, pw);
    if (!own->isOk())
      return; /* the reader that opened it decides what damage means */
    doc = own.get();
  }
  XRef *xref = doc->getXRef();
  bool encrypted = xref->isEncrypted();
  pdf_inflated *inflated = nullptr;
  size_t n_inflated = pdf_scan_inflated(data, len, &inflated);
  decoded_pass pass{ xref, lim, scan, inflated, n_inflated, -1, 0, 0, std::nullopt };
  for (int i = 0; i < xref->getNumObjects(); i++) {
    /* Streams are never inside object streams (those are streams
     * themselves, decoded here like any other). */
    XRefEntry *e = xref->getEntry(i, false);
    if (!e || e->type != xrefEntryUncompressed)
      continue;
    int gen = e->gen;   /* fetch() may rebuild a damaged xref, and e with it */
    Object obj = xref->fetch(i, gen);
    if (obj.isStream() && pass.stream(obj, encrypted, i, gen))
      break;
  }
  g_free(inflated);
  if (scan->over == PDF_OVER_NONE)   /* the first limit passed is the one named */
    pdf_scan_draws(doc, lim, scan);
}
