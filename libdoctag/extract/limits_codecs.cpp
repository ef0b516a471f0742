/* Bounds on a PDF's work: the sizes image codecs decode to, read from their
 * own headers before poppler decodes anything (see limits.h). The image
 * dictionary's /Width and /Height are what the other limits count, but
 * libjpeg allocates by the JPEG frame header (a progressive 65000 x 65000
 * frame: 25 GB of coefficients), openjpeg by the JPEG 2000 SIZ marker (and
 * per component: Csiz may be 16384), poppler's JBIG2 decoder by each
 * segment's page, region and pattern sizes, and its CCITT decoder by
 * /Columns. So each codec's input is read up to its header (JBIG2: each
 * segment's header, the data skipped), never decoded, and the image is
 * refused when that size passes DOCTAG_MAX_IMAGE_MPX or is larger than the
 * image dictionary declares. */
#include "extract/limits.h"

#include <PDFDoc.h>
#include <Parser.h>
#include <Stream.h>

#include "extract/limits_syntax.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using limits_syntax::CHUNK;
using limits_syntax::cheap;
using limits_syntax::filter_chain;

/* A poppler stream read a byte at a time through a buffer, at most `cap`
 * bytes (the stream limit: no stream is read further anyway). */
struct header_reader {
  Stream *s;
  uint64_t cap;
  std::vector<unsigned char> buf = std::vector<unsigned char>(CHUNK);
  size_t pos = 0, len = 0;
  uint64_t taken = 0;
  bool capped = false;   /* stopped at cap, not at the stream's end */
  bool ended = false;
  /* Reads no byte beyond what the header needs (an inline image's data
   * runs on into the content after it, where the next image may start). */
  bool exact = false;

  /* Refills the buffer with up to `want` bytes; false at the end. */
  bool fill(uint64_t want)
  {
    if (ended)
      return false;
    if (taken >= cap) {
      capped = ended = true;
      return false;
    }
    int n = s->doGetChars((int)std::min<uint64_t>(std::min<uint64_t>(CHUNK, want), cap - taken), buf.data());
    if (n <= 0) {
      ended = true;
      return false;
    }
    pos = 0;
    len = (size_t)n;
    taken += (uint64_t)n;
    return true;
  }

  int get()
  {
    if (pos == len && !fill(exact ? 1 : CHUNK))
      return -1;
    return buf[pos++];
  }

  /* Big-endian unsigned of `bytes` bytes; false at the end. */
  bool be(int bytes, uint64_t *out)
  {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
      int c = get();
      if (c < 0)
        return false;
      v = v << 8 | (uint64_t)c;
    }
    *out = v;
    return true;
  }

  /* The next n bytes into *out (false at the end). */
  bool read(uint64_t n, std::vector<unsigned char> *out)
  {
    out->clear();
    if (n > cap)
      return false;
    while (out->size() < n) {
      if (pos == len && !fill(exact ? n - out->size() : CHUNK))
        return false;
      size_t k = (size_t)std::min<uint64_t>(n - out->size(), len - pos);
      out->insert(out->end(), buf.begin() + (ptrdiff_t)pos, buf.begin() + (ptrdiff_t)(pos + k));
      pos += k;
    }
    return true;
  }

  bool skip(uint64_t n)
  {
    while (n > 0) {
      if (pos == len && !fill(exact ? n : CHUNK))
        return false;
      size_t k = (size_t)std::min<uint64_t>(n, len - pos);
      pos += k;
      n -= k;
    }
    return true;
  }
};

/* A size a codec's header declares, and what it is. */
struct found {
  const char *what;
  uint64_t w, h, comps;
};

/* Everything a codec's input declares, checked as it is read. */
struct codec_check {
  const pdf_limits *lim;
  pdf_scan *scan;
  int64_t dict_w, dict_h;   /* the image dictionary's, -1 when none */
  bool over = false;

  codec_check(const pdf_limits *l, pdf_scan *s, int64_t w, int64_t h) : lim(l), scan(s), dict_w(w), dict_h(h) { }

  static uint64_t mul(uint64_t a, uint64_t b) { return b && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

  void refuse(pdf_over why, const found &f)
  {
    scan->over = why;
    scan->over_codec = f.what;
    scan->over_w = (int64_t)std::min<uint64_t>(f.w, INT64_MAX);
    scan->over_h = (int64_t)std::min<uint64_t>(f.h, INT64_MAX);
    scan->over_comps = f.comps;
    scan->over_dict_w = dict_w;
    scan->over_dict_h = dict_h;
    over = true;
  }

  /* False (and scan->over set) when the size passes the image limit, or
   * (when `image`: it is the image, not a part kept beside it) the
   * dictionary's size (pixels, or samples beyond 4 per pixel). */
  bool size(const found &f, bool image = true)
  {
    uint64_t px = mul(f.w, f.h), samples = mul(px, std::max<uint64_t>(f.comps, 1));
    scan->largest_codec = std::max(scan->largest_codec, px);
    if (px > lim->image_pixels || samples > mul(lim->image_pixels, 4)) {
      refuse(PDF_OVER_CODEC, f);
      return false;
    }
    if (image && dict_w > 0 && dict_h > 0) {
      uint64_t declared = mul((uint64_t)dict_w, (uint64_t)dict_h);
      if (px > declared || samples > mul(declared, 4)) {
        refuse(PDF_OVER_CODEC_DICT, f);
        return false;
      }
    }
    return true;
  }

  void damaged(const char *what, const char *why)
  {
    found f{ what, 0, 0, 0 };
    refuse(PDF_OVER_CODEC_HEADER, f);
    scan->over_why = why;
  }

  /* A header that is not there when the stream ends is no allocation (the
   * codec fails); one past the cap cannot be known. */
  void missing(header_reader &r, const char *what)
  {
    if (r.capped)
      damaged(what, "has no header within the part of it that is read (DOCTAG_MAX_STREAM_MB)");
  }

  /* JPEG: libjpeg (as poppler calls it) skips bytes up to the first
   * FF D8, then reads marker segments up to the frame header. */
  void dct(header_reader &r)
  {
    static const char what[] = "JPEG (DCTDecode)";
    int prev = -1, c;
    while ((c = r.get()) >= 0 && !(prev == 0xFF && c == 0xD8))
      prev = c;
    if (c < 0)
      return missing(r, what);
    for (;;) {
      /* the next marker: anything before an FF is skipped, as libjpeg does */
      while ((c = r.get()) >= 0 && c != 0xFF) {
      }
      while (c == 0xFF)
        c = r.get();
      if (c < 0)
        return missing(r, what);
      if (c == 0xD8 || c == 0x01 || (c >= 0xD0 && c <= 0xD7))
        continue;   /* no length */
      if (c == 0xD9 || c == 0xDA)
        return;     /* image end or scan before any frame: libjpeg fails */
      uint64_t seg;
      if (!r.be(2, &seg))
        return missing(r, what);
      bool sof = c >= 0xC0 && c <= 0xCF && c != 0xC4 && c != 0xC8 && c != 0xCC;
      if (sof) {
        uint64_t precision, h, w, comps;
        if (!r.be(1, &precision) || !r.be(2, &h) || !r.be(2, &w) || !r.be(1, &comps))
          return missing(r, what);
        scan->codec_headers++;
        size(found{ what, w, h, comps });
        return;
      }
      if (seg < 2 || !r.skip(seg - 2))
        return missing(r, what);
    }
  }

  /* JPEG 2000: a codestream (FF 4F FF 51, SIZ) or JP2 boxes up to the
   * contiguous codestream box. openjpeg decodes the whole image, 4 bytes
   * per sample of each component. */
  void jpx(header_reader &r)
  {
    static const char what[] = "JPEG 2000 (JPXDecode)";
    uint64_t magic;
    if (!r.be(4, &magic))
      return missing(r, what);
    while (magic != 0xFF4FFF51) {
      /* a box: magic holds its length */
      uint64_t type, len = magic, body;
      if (!r.be(4, &type))
        return missing(r, what);
      if (len == 1) {
        if (!r.be(8, &len) || len < 16)
          return;
        body = len - 16;
      } else if (len == 0 || len >= 8) {
        body = len ? len - 8 : UINT64_MAX;
      } else {
        return;   /* openjpeg fails */
      }
      if (type == 0x6A703263) {   /* "jp2c" */
        if (!r.be(4, &magic))
          return missing(r, what);
        if (magic != 0xFF4FFF51)
          return;
        break;
      }
      if (type == 0x6A703268) {   /* "jp2h" is a superbox: its boxes come next */
        body = 0;
      }
      if (body == UINT64_MAX || !r.skip(body) || !r.be(4, &magic))
        return missing(r, what);
    }
    uint64_t lsiz, rsiz, x, y, x0, y0, tiles[4], comps;
    if (!r.be(2, &lsiz) || !r.be(2, &rsiz) || !r.be(4, &x) || !r.be(4, &y) || !r.be(4, &x0) || !r.be(4, &y0))
      return missing(r, what);
    for (uint64_t &t : tiles)
      if (!r.be(4, &t))
        return missing(r, what);
    if (!r.be(2, &comps))
      return missing(r, what);
    if (x0 >= x || y0 >= y)
      return;   /* openjpeg refuses */
    scan->codec_headers++;
    if (size(found{ what, x - x0, y - y0, comps }))
      scan->largest_jpx_bytes = std::max(scan->largest_jpx_bytes, mul(mul(mul(x - x0, y - y0), comps), 4));
  }

  /* A JBIG2 symbol dictionary: poppler makes a table of 8 bytes a symbol
   * for the new and the input symbols (and 4 more for each new one's width),
   * and one of 8 bytes an exported symbol, before decoding any; they are
   * bounded as the bytes of an image (4 a pixel), the largest the limit
   * allows, and for the image's own dictionaries (not the globals, which
   * every image using them shares) the image's. The symbols' sizes are in
   * the arithmetic-coded data, which is not decoded here. */
  bool symbols(uint64_t fresh, uint64_t exported, bool own)
  {
    static const char what[] = "JBIG2 (JBIG2Decode)";
    uint64_t bytes = mul(fresh, 12) + mul(exported, 8);
    found f{ what, fresh, exported, 0 };
    if (bytes > mul(lim->image_pixels, 4)) {
      refuse(PDF_OVER_CODEC_SYMBOLS, f);
      scan->over_dict_w = scan->over_dict_h = -1;
      return false;
    }
    if (own && dict_w > 0 && dict_h > 0 && bytes > mul(mul((uint64_t)dict_w, (uint64_t)dict_h), 4)) {
      refuse(PDF_OVER_CODEC_SYMBOLS, f);
      return false;
    }
    return true;
  }

  /* The JBIG2 symbol dictionaries read so far (the globals' first): their
   * segment number and what was decoded of them (the sizes of their
   * symbols, known or not, their exported symbols and retained contexts). */
  struct jbig2_dict {
    uint64_t num;
    pdf_jbig2_symbols sizes;
  };
  std::vector<jbig2_dict> jbig2_dicts;
  /* The JBIG2 code table segments read so far: number, data. */
  std::vector<std::pair<uint64_t, std::vector<unsigned char>>> jbig2_tables;
  uint64_t jbig2_global_px = 0, jbig2_own_px = 0;   /* symbol pixels decoded */

  const jbig2_dict *jbig2_find(uint64_t num) const
  {
    /* the image's own segments first, as poppler looks them up */
    for (auto it = jbig2_dicts.rbegin(); it != jbig2_dicts.rend(); ++it)
      if (it->num == num)
        return &*it;
    return nullptr;
  }

  /* A symbol dictionary's symbols: their sizes are in its coded data
   * (limits_jbig2.cpp decodes them), each a bitmap poppler decodes. The
   * globals' (shared) may decode as many pixels as the largest image
   * allowed, an image's own dictionaries as many as the image has. */
  bool symbol_sizes(uint64_t num, const std::vector<uint64_t> &referred, const std::vector<unsigned char> &data, bool own)
  {
    static const char what[] = "JBIG2 (JBIG2Decode)";
    std::vector<const pdf_jbig2_symbols *> inputs;
    for (uint64_t ref : referred)
      if (const jbig2_dict *d = jbig2_find(ref))
        inputs.push_back(&d->sizes);
    std::vector<const std::vector<unsigned char> *> tables;
    for (uint64_t ref : referred)
      for (auto it = jbig2_tables.rbegin(); it != jbig2_tables.rend(); ++it)
        if (it->first == ref) {
          tables.push_back(&it->second);
          break;
        }
    uint64_t &spent = own ? jbig2_own_px : jbig2_global_px;
    uint64_t budget = lim->image_pixels;
    if (own && dict_w > 0 && dict_h > 0)
      budget = std::min(budget, mul((uint64_t)dict_w, (uint64_t)dict_h));
    pdf_jbig2_symbols sizes;
    pdf_jbig2_symbol_sizes(data.data(), data.size(), inputs, lim->image_pixels, budget - std::min(budget, spent), tables,
                           &sizes);
    spent += sizes.total;
    scan->jbig2_dicts++;
    scan->jbig2_dicts_known += sizes.known || sizes.failed;
    /* past its data poppler reads the next segment's bytes as coded data
     * (which this pass cannot follow); a coder's own end reads 2 at most */
    if (sizes.overread > 2) {
      damaged(what, "has a symbol dictionary whose coded data ends before its symbols do");
      return false;
    }
    if (sizes.over && sizes.over_memory) {
      refuse(PDF_OVER_CODEC_SYMBOL_MEMORY, found{ what, sizes.symbols, 0, 1 });
      scan->over_pixels = sizes.total;
      return false;
    }
    if (sizes.over) {
      refuse(PDF_OVER_CODEC_SYMBOL_SIZE, found{ what, sizes.over_w, sizes.over_h, 1 });
      scan->over_pixels = spent;
      if (!own || budget == lim->image_pixels)
        scan->over_dict_w = scan->over_dict_h = -1;
      return false;
    }
    if (!sizes.known)
      sizes.largest = 0;
    jbig2_dicts.push_back(jbig2_dict{ num, std::move(sizes) });
    return true;
  }

  /* A text region: poppler places `instances` symbols into it, each
   * composed at its size (up to the region's), 8 pixels a byte, decoding
   * the next one's place and id even when the data has ended. The bytes
   * composed count as pixels decoded to draw the page
   * (DOCTAG_MAX_PAGE_IMAGE_MPX): each instance at least 1 byte and at most
   * the largest symbol of the dictionaries it uses (1 pixel when not
   * known). */
  bool text_region(uint64_t w, uint64_t h, uint64_t instances, const std::vector<uint64_t> &referred)
  {
    static const char what[] = "JBIG2 (JBIG2Decode) text region";
    uint64_t largest = 1;
    for (uint64_t ref : referred)
      if (const jbig2_dict *d = jbig2_find(ref))
        largest = std::max(largest, std::min(d->sizes.largest, mul(w, h)));
    uint64_t cost = mul(instances, (largest + 7) / 8);
    if (cost <= lim->page_pixels)
      return true;
    refuse(PDF_OVER_CODEC_INSTANCES, found{ what, instances, largest, 1 });
    scan->over_pixels = cost;
    return false;
  }

  /* JBIG2 (embedded: segment headers then data, and the globals' segments
   * before): each page, region and pattern dictionary is a bitmap poppler
   * allocates at the size its segment declares, and a striped page grows
   * to the lowest row a stripe or region reaches. */
  void jbig2(header_reader &r, bool globals)
  {
    static const char page_what[] = "JBIG2 (JBIG2Decode) page", region_what[] = "JBIG2 (JBIG2Decode) region",
                      pattern_what[] = "JBIG2 (JBIG2Decode) patterns", what[] = "JBIG2 (JBIG2Decode)";
    uint64_t page_w = 0, page_h = 0, rows = 0;
    bool striped = false, any = false;
    std::vector<unsigned char> data;
    for (;;) {
      uint64_t num, flags, refs;
      if (!r.be(4, &num) || !r.be(1, &flags) || !r.be(1, &refs))
        break;
      unsigned type = (unsigned)(flags & 0x3f);
      uint64_t n_refs = refs >> 5;
      if (n_refs == 7) {
        uint64_t rest;
        if (!r.be(3, &rest))
          break;
        n_refs = ((refs << 24) | rest) & 0x1fffffff;
        if (!r.skip((n_refs + 9) >> 3))
          break;
      }
      uint64_t ref_size = num <= 256 ? 1 : num <= 65536 ? 2 : 4;
      /* poppler allocates 4 bytes per referred-to segment before reading them */
      std::vector<uint64_t> referred;
      bool read_refs = n_refs <= 64;
      for (uint64_t k = 0; read_refs && k < n_refs; k++) {
        uint64_t ref;
        if (!r.be((int)ref_size, &ref))
          break;
        referred.push_back(ref);
      }
      if (read_refs ? referred.size() < n_refs : !r.skip(n_refs * ref_size)) {
        if (n_refs >= 4096)
          damaged(what, "has a segment referring to more segments than its data holds");
        break;
      }
      uint64_t seg_len, read = 0;
      if (!r.skip(flags & 0x40 ? 4 : 1) || !r.be(4, &seg_len))
        break;
      if (type == 48) {   /* page information */
        if (!r.be(4, &page_w) || !r.be(4, &page_h))
          break;
        read = 8;
        striped = page_h == 0xffffffff;
        if (!striped) {
          any = true;
          scan->codec_headers++;
          if (!size(found{ page_what, page_w, page_h, 1 }))
            return;
        }
      } else if (type == 0) {   /* symbol dictionary: flags, AT pixels, symbol counts, coded data */
        if (seg_len == 0xffffffff || !r.read(seg_len, &data))
          break;
        read = seg_len;
        uint64_t sflags = data.size() >= 2 ? (uint64_t)data[0] << 8 | data[1] : 0, exported = 0, fresh = 0;
        bool huffman = sflags & 1, refine = sflags & 2;
        uint64_t at = huffman ? 0 : ((sflags >> 10) & 3) == 0 ? 8 : 2;
        if (refine && !(sflags & 0x1000))
          at += 4;
        if (data.size() < 2 + at + 8)
          break;
        for (uint64_t k = 0; k < 4; k++) {
          exported = exported << 8 | data[2 + at + k];
          fresh = fresh << 8 | data[6 + at + k];
        }
        any = true;
        if (!symbols(fresh, exported, !globals) || !symbol_sizes(num, referred, data, !globals))
          return;
      } else if (type == 53) {   /* code table: a custom Huffman table, for the segments after it */
        if (seg_len == 0xffffffff || !r.read(seg_len, &data))
          break;
        read = seg_len;
        jbig2_tables.emplace_back(num, data);
      } else if (type == 4 || type == 6 || type == 7) {   /* text regions: region, flags, instances */
        uint64_t w, h, x, y, rflags, tflags, hflags = 0, instances;
        if (!r.be(4, &w) || !r.be(4, &h) || !r.be(4, &x) || !r.be(4, &y) || !r.be(1, &rflags) || !r.be(2, &tflags))
          break;
        read = 19;
        bool huffman = tflags & 1, refine = tflags & 2;
        if ((huffman && !r.be(2, &hflags)) || (refine && !(tflags & 0x8000) && !r.skip(4)) || !r.be(4, &instances))
          break;
        read += (huffman ? 2 : 0) + (refine && !(tflags & 0x8000) ? 4 : 0) + 4;
        any = true;
        if (!size(found{ region_what, w, h, 1 }) || !text_region(w, h, instances, referred))
          return;
        rows = std::max(rows, y + h);
      } else if (type == 50) {   /* end of stripe */
        uint64_t row;
        if (!r.be(4, &row))
          break;
        read = 4;
        rows = std::max(rows, row + 1);
      } else if (type == 16) {   /* pattern dictionary: (GRAYMAX + 1) patterns side by side */
        uint64_t pflags, pw, ph, gray;
        if (!r.be(1, &pflags) || !r.be(1, &pw) || !r.be(1, &ph) || !r.be(4, &gray))
          break;
        read = 7;
        any = true;
        /* the patterns are no part of the image: only the limit applies */
        if (!size(found{ pattern_what, mul(gray + 1, pw), ph, 1 }, false))
          return;
      } else if (type == 20 || type == 22 || type == 23 ||
                 (type >= 36 && type <= 43 && type != 37 && type != 41)) {   /* regions */
        uint64_t w, h, x, y;
        if (!r.be(4, &w) || !r.be(4, &h) || !r.be(4, &x) || !r.be(4, &y))
          break;
        read = 16;
        any = true;
        if (!size(found{ region_what, w, h, 1 }))
          return;
        rows = std::max(rows, y + h);
      } else if (type == 51) {   /* end of file */
        break;
      }
      if (seg_len == 0xffffffff)
        break;   /* an immediate generic region of unknown length: its data runs on */
      if (seg_len < read || !r.skip(seg_len - read))
        break;
    }
    if (striped && page_w) {
      any = true;
      scan->codec_headers++;
      size(found{ page_what, page_w, rows, 1 });
    }
    if (!over && !any && !globals)
      missing(r, what);
  }

  /* CCITT: poppler's decoder holds two lines of /Columns entries, and
   * decodes /Rows lines (the image's height when not given). */
  void ccitt(Object &params)
  {
    int64_t cols = 1728, rows = 0;
    if (params.isDict()) {
      Object c = params.dictLookup("Columns"), rw = params.dictLookup("Rows");
      if (c.isInt())
        cols = c.getInt();
      if (rw.isInt())
        rows = rw.getInt();
    }
    ccitt(cols, rows);
  }

  void ccitt(int64_t cols, int64_t rows)
  {
    static const char what[] = "CCITT (CCITTFaxDecode)";
    if (cols < 1)
      cols = 1;
    if (rows < 1)
      rows = dict_h > 0 ? dict_h : 1;
    scan->codec_headers++;
    found f{ what, (uint64_t)cols, (uint64_t)rows, 1 };
    uint64_t px = mul(f.w, f.h);
    scan->largest_codec = std::max(scan->largest_codec, px);
    /* the lines are decoded as the image reads them: only a line wider
     * than the image's makes the decoder allocate more */
    if (px > lim->image_pixels)
      refuse(PDF_OVER_CODEC, f);
    else if (dict_w > 0 && cols > dict_w)
      refuse(PDF_OVER_CODEC_DICT, f);
  }

  /* Reads the stream `s` (all of its filters cheap) with `fn`. */
  template <typename F> void read_with(Stream *s, F fn)
  {
    header_reader r{ s, lim->stream_bytes };
    s->reset();
    fn(r);
    s->close();
  }
};

/* A stream's filter parameters for filter `index` of its /Filter. */
Object params_of(Dict *d, size_t index)
{
  Object p = d->lookup("DecodeParms");
  if (p.isNull())
    p = d->lookup("DP");
  if (p.isArray())
    return (int)index < p.arrayGetLength() ? p.arrayGet((int)index) : Object(objNull);
  return index == 0 ? std::move(p) : Object(objNull);
}

bool codec(StreamKind k)
{
  return k == strDCT || k == strJPX || k == strJBIG2 || k == strCCITTFax;
}

/* What decoding chain[0, n) (filter_chain()'s, cheap filters from
 * chain[top] on) allocates when chain[top - 1] is an image codec, its
 * parameters in d (the image's /Width and /Height dict_w x dict_h, -1 when
 * not given); `exact` reads no byte past the header. */
bool scan_codec(Dict *d, int64_t dict_w, int64_t dict_h, Stream *const *chain, size_t n, size_t top, bool exact,
                const pdf_limits *lim, pdf_scan *scan)
{
  if (top == 0 || top >= n || !codec(chain[top - 1]->getKind()))
    return false;
  scan->codec_streams++;
  codec_check c{ lim, scan, dict_w, dict_h };
  StreamKind kind = chain[top - 1]->getKind();
  /* A codec that decodes another's output reads a header no pass can see
   * without decoding the first. */
  for (size_t i = 0; i + 1 < top; i++) {
    if (codec(chain[i]->getKind())) {
      c.damaged(kind == strDCT ? "JPEG (DCTDecode)" : kind == strJPX ? "JPEG 2000 (JPXDecode)"
                : kind == strJBIG2 ? "JBIG2 (JBIG2Decode)" : "CCITT (CCITTFaxDecode)",
                "is decoded again by another image codec, whose size cannot be read without decoding");
      return true;
    }
  }
  /* /Filter's index of chain[top - 1]: chain[n - 2] is the first filter */
  size_t index = n - 1 - top;
  auto read = [&](Stream *s, auto fn) {
    header_reader r{ s, lim->stream_bytes };
    r.exact = exact;
    if (!exact)
      s->reset();   /* an inline image's stream is where its data starts */
    fn(r);
    if (!exact)
      s->close();
  };
  switch (kind) {
  case strDCT:
    read(chain[top], [&](header_reader &r) { c.dct(r); });
    break;
  case strJPX:
    read(chain[top], [&](header_reader &r) { c.jpx(r); });
    break;
  case strJBIG2: {
    Object params = params_of(d, index);
    Object globals = params.isDict() ? params.dictLookup("JBIG2Globals") : Object(objNull);
    std::vector<Stream *> gchain;
    if (globals.isStream() && filter_chain(globals.getStream(), gchain) &&
        std::all_of(gchain.begin(), gchain.end() - 1, [](Stream *s) { return cheap(s->getKind()); }))
      c.read_with(gchain[0], [&](header_reader &r) { c.jbig2(r, true); });
    if (!c.over)
      read(chain[top], [&](header_reader &r) { c.jbig2(r, false); });
    break;
  }
  case strCCITTFax: {
    Object params = params_of(d, index);
    c.ccitt(params);
    break;
  }
  default:
    break;
  }
  return c.over;
}

/* An inline image's data as its filters read it: the bytes of the content
 * stream `src` from where it stands, counted, never reset (the filters
 * reset what they read). */
class content_cursor : public Stream
{
public:
  explicit content_cursor(Stream *s) : src(s) { }
  uint64_t taken = 0;

  StreamKind getKind() const override { return strWeird; }
  void reset() override { }
  int getChar() override
  {
    int c = src->getChar();
    taken += c >= 0;
    return c;
  }
  int lookChar() override { return src->lookChar(); }
  int getUnfilteredChar() override { return getChar(); }
  void unfilteredReset() override { }
  Goffset getPos() override { return (Goffset)taken; }
  void setPos(Goffset, int) override { }
  bool isBinary(bool) const override { return true; }
  BaseStream *getBaseStream() override { return src->getBaseStream(); }
  Stream *getUndecodedStream() override { return this; }
  Dict *getDict() override { return nullptr; }
  Object *getDictObject() override { return &none; }

private:
  bool hasGetChars() override { return true; }
  int getChars(int n, unsigned char *buf) override
  {
    int got = src->doGetChars(n, buf);
    taken += (uint64_t)std::max(got, 0);
    return got;
  }
  Stream *src;
  Object none;
};

} // namespace

bool pdf_scan_codec(Object &obj, Stream *const *chain, size_t n, size_t top, const pdf_limits *lim, pdf_scan *scan)
{
  Dict *d = obj.streamGetDict();
  int64_t w = -1, h = -1;
  if (d->lookup("Subtype").isName("Image")) {
    Object ow = d->lookup("Width"), oh = d->lookup("Height");
    w = ow.isInt() ? ow.getInt() : -1;
    h = oh.isInt() ? oh.getInt() : -1;
  }
  return scan_codec(d, w, h, chain, n, top, false, lim, scan);
}

uint64_t pdf_jpx_bytes(Object &obj, const pdf_limits *lim)
{
  std::vector<Stream *> chain;
  if (!obj.isStream() || !filter_chain(obj.getStream(), chain))
    return 0;
  size_t top = chain.size() - 1;
  while (top > 0 && cheap(chain[top - 1]->getKind()))
    top--;
  if (top == 0 || chain[top - 1]->getKind() != strJPX)
    return 0;
  pdf_scan local{};
  pdf_scan_codec(obj, chain.data(), chain.size(), top, lim, &local);
  return local.largest_jpx_bytes;
}

int pdf_scan_inline_codec(XRef *xref, const unsigned char *dict, size_t dict_len, Stream *content, int64_t w,
                          int64_t h, uint64_t *taken, const pdf_limits *lim, pdf_scan *scan)
{
  *taken = 0;
  /* The dictionary as poppler's content parser reads it (abbreviations,
   * /DP, /JBIG2Globals references). */
  std::string text = "<<" + std::string(reinterpret_cast<const char *>(dict), dict_len) + "\n>>";
  Parser parser(xref, new MemStream(text.data(), 0, (Goffset)text.size(), Object(objNull)), false);
  Object d = parser.getObj();
  if (!d.isDict())
    return 0;   /* poppler cannot read it either */
  content_cursor *cursor = new content_cursor(content);
  Stream *top = cursor->addFilters(d.getDict());   /* owns the cursor, not `content` */
  std::vector<Stream *> chain;
  bool over = false;
  if (filter_chain(top, chain)) {
    size_t first = chain.size() - 1;
    while (first > 0 && cheap(chain[first - 1]->getKind()))
      first--;
    /* the cheap filters start reading where the data starts */
    for (size_t i = first; i + 1 < chain.size(); i++)
      chain[i]->reset();
    over = scan_codec(d.getDict(), w, h, chain.data(), chain.size(), first, true, lim, scan);
  }
  *taken = cursor->taken;
  delete top;
  return over;
}
