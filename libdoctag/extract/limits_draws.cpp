/* Bounds on a PDF's work, per page: what drawing each page will ask for,
 * forms counted as often as they are drawn (see limits.h). A few hundred
 * bytes can draw one form a million times, or nest forms ten deep that each
 * draw the next ten times: poppler then parses the form's content each
 * time, and renders an image each time it is drawn. Before any page is
 * read, each page's content is tokenised for its "Do" operators, and each
 * form's cost (images and forms it draws, its content's bytes, how deep its
 * forms nest) is worked out once and multiplied by the times it is drawn.
 * Limits: images and forms drawn per page (DOCTAG_MAX_PAGE_DRAWS), content
 * bytes per page, forms counted as drawn (DOCTAG_MAX_STREAM_MB, as if the
 * page were one stream), forms nested PDF_MAX_NESTING deep. */
#include "extract/limits.h"

#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <XRef.h>

#include "extract/limits_syntax.h"

#include <glib.h>

#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

using limits_syntax::cheap;
using limits_syntax::CHUNK;
using limits_syntax::filter_chain;
using limits_syntax::is_delim;
using limits_syntax::is_ws;

/* Longest operator or name kept while tokenising; longer ones are no "Do"
 * and no XObject name we need. */
constexpr size_t TOKEN_MAX = 127;

uint64_t sat_add(uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t sat_mul(uint64_t a, uint64_t b)
{
  return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* What drawing a content stream costs. */
struct cost {
  uint64_t draws = 0;   /* images and forms drawn, nested ones included */
  uint64_t bytes = 0;   /* content bytes parsed, each form's as often as drawn */
  unsigned depth = 0;   /* forms nested inside it */
  uint64_t pixels = 0;  /* image XObjects' pixels decoded to render it: each at its size, as often as drawn */
  uint64_t inline_pixels = 0;  /* inline images' (decoded whenever the page is drawn, for its text too) */
};

/* Byte classes of PDF syntax, for the tokeniser's inner loops. */
enum byte_class : unsigned char { REGULAR, WHITE, DELIM };

struct byte_classes {
  unsigned char c[256];
  constexpr byte_classes() : c()
  {
    for (int i = 0; i < 256; i++)
      c[i] = REGULAR;
    for (unsigned char w : { ' ', '\n', '\r', '\t', '\f', '\0' })
      c[w] = WHITE;
    for (unsigned char d : { '(', ')', '<', '>', '[', ']', '{', '}', '/', '%' })
      c[d] = DELIM;
  }
};
constexpr byte_classes CLASS;

/* The "Do" operands of a content stream, in order, and the sizes of its
 * inline images, by a tokeniser that knows strings, comments and inline
 * image data (which may hold any bytes). It keeps only what that needs:
 * names, and the few operators it looks at (a table lookup a byte; before,
 * a strchr() and a std::string append a byte were most of the drawing
 * pass's cost on figure-heavy documents). */
struct do_scanner {
  enum state { NORMAL, COMMENT, STRING, HEX, NAME, TOKEN, INLINE };
  state st = NORMAL;
  int depth = 0;           /* of parentheses in a string */
  bool escape = false;
  char tok[TOKEN_MAX];
  size_t tok_len = 0;
  std::string last_name;
  bool have_name = false;
  int ei = 0;              /* inline data: 1 after white space, 2 after "E", 3 after "EI" */
  bool in_bi = false;      /* between "BI" and "ID" */
  char bi_key = 0;         /* 'W' or 'H' after /W, /Width, /H, /Height there */
  int64_t bi_w = -1, bi_h = -1;
  std::map<std::string, uint64_t> *out;   /* name -> times drawn */
  uint64_t *inline_pixels;                /* its inline images' pixels, added up */

  bool tok_is(const char *s, size_t n) const { return tok_len == n && !std::memcmp(tok, s, n); }

  void end_token()
  {
    if (st == NAME) {
      last_name.assign(tok, tok_len);
      have_name = true;
      if (in_bi)
        bi_key = tok_is("W", 1) || tok_is("Width", 5) ? 'W' : tok_is("H", 1) || tok_is("Height", 6) ? 'H' : 0;
    } else if (st == TOKEN) {
      if (have_name && tok_is("Do", 2))
        (*out)[last_name]++;
      have_name = false;
      if (bi_key) {
        int64_t v = 0;
        size_t k = 0;
        for (; k < tok_len && tok[k] >= '0' && tok[k] <= '9'; k++)
          v = v > INT64_MAX / 10 - 10 ? INT64_MAX : v * 10 + (tok[k] - '0');
        if (k == tok_len && k > 0)
          (bi_key == 'W' ? bi_w : bi_h) = v;
        bi_key = 0;
      }
      if (tok_is("BI", 2)) {
        in_bi = true;
        bi_w = bi_h = -1;
      } else if (tok_is("ID", 2)) {
        if (in_bi && bi_w > 0 && bi_h > 0)
          *inline_pixels = sat_add(*inline_pixels, sat_mul((uint64_t)bi_w, (uint64_t)bi_h));
        in_bi = false;
        st = INLINE;
        ei = 0;
        tok_len = 0;
        return;
      }
    }
    tok_len = 0;
    st = NORMAL;
  }

  void feed(const unsigned char *p, size_t n)
  {
    size_t i = 0;
    while (i < n) {
      switch (st) {
      case COMMENT:
        while (i < n && p[i] != '\n' && p[i] != '\r')
          i++;
        if (i < n) {
          st = NORMAL;
          i++;
        }
        continue;
      case STRING:
        for (; i < n; i++) {
          unsigned char c = p[i];
          if (escape)
            escape = false;
          else if (c == '\\')
            escape = true;
          else if (c == '(')
            depth++;
          else if (c == ')' && --depth == 0) {
            st = NORMAL;
            i++;
            break;
          }
        }
        continue;
      case HEX: {
        const void *gt = std::memchr(p + i, '>', n - i);
        if (!gt)
          return;
        i = (size_t)((const unsigned char *)gt - p) + 1;
        st = NORMAL;
        continue;
      }
      case INLINE:
        /* binary data up to white space, "EI", a delimiter */
        for (; i < n; i++) {
          unsigned char c = p[i];
          if (ei == 3 && CLASS.c[c] != REGULAR) {
            st = NORMAL;
            break;
          }
          ei = CLASS.c[c] == WHITE ? 1 : ei == 1 && c == 'E' ? 2 : ei == 2 && c == 'I' ? 3 : 0;
        }
        continue;
      case NAME:
      case TOKEN: {
        size_t j = i;
        while (j < n && CLASS.c[p[j]] == REGULAR)
          j++;
        size_t take = std::min(j - i, TOKEN_MAX - tok_len);
        std::memcpy(tok + tok_len, p + i, take);
        tok_len += take;
        i = j;
        if (i == n)
          return;   /* the token may go on in the next chunk */
        end_token();
        if (st == INLINE) {
          ei = CLASS.c[p[i]] == WHITE ? 1 : 0;
          i++;
        }
        continue;   /* the delimiter is read in NORMAL */
      }
      case NORMAL:
        break;
      }
      /* NORMAL, at p[i] */
      unsigned char c = p[i];
      unsigned char k = CLASS.c[c];
      if (k == WHITE) {
        i++;
        continue;
      }
      if (k == REGULAR) {
        st = TOKEN;   /* read by the TOKEN loop, from this byte */
        continue;
      }
      i++;
      if (c == '%') {
        st = COMMENT;
      } else if (c == '(') {
        st = STRING;
        depth = 1;
        escape = false;
        have_name = false;
      } else if (c == '<') {
        if (i < n && p[i] == '<')
          i++;   /* "<<" of a dictionary (split across chunks: read as a hex string's "<" then ">") */
        else
          st = HEX;
        have_name = false;
      } else if (c == '/') {
        st = NAME;
      } else {
        have_name = false;   /* ) > [ ] { } */
      }
    }
  }

  void finish()
  {
    if (st == NAME || st == TOKEN)
      end_token();
  }
};

/* A resource dictionary's identity, so a form without resources of its own
 * (it uses those of whoever draws it) is costed once per set it meets. */
using res_key = std::pair<int, int>;   /* (kind, number): 1 indirect, 2 in form n, 3 in page n */

struct draws_pass {
  XRef *xref;
  const pdf_limits *lim;
  pdf_scan *scan;
  std::map<std::pair<int, res_key>, cost> done;   /* form number, resources */
  std::map<int, bool> drawing;                    /* forms being costed: a form drawing itself is skipped */
  bool over = false;

  /* What a content stream holds. */
  struct piece {
    uint64_t bytes = 0;                       /* decoded */
    std::map<std::string, uint64_t> draws;    /* name -> times drawn */
    uint64_t inline_pixels = 0;               /* its inline images' */
  };
  std::map<int, piece> pieces;   /* streams of pages' content arrays (which may repeat one), by number */

  /* Where a piece's decoded bytes go, a chunk at a time: counted, and
   * tokenised for "Do" when `names`; false once over the stream limit. */
  struct reader {
    const pdf_limits *lim;
    piece *p;
    do_scanner sc;
    bool names;

    bool take(const unsigned char *buf, size_t n)
    {
      p->bytes = sat_add(p->bytes, (uint64_t)n);
      if (p->bytes > lim->stream_bytes)
        return false;   /* over in any case */
      if (names)
        sc.feed(buf, n);
      return true;
    }

    static bool sink(void *arg, const unsigned char *buf, size_t n)
    {
      return static_cast<reader *>(arg)->take(buf, n);
    }
  };

  /* A stream decoded by its cheap filters (no other is content), and
   * tokenised for its "Do" operators when `names`. */
  void read(Object &stream, bool names, piece &p)
  {
    std::vector<Stream *> chain;
    if (!filter_chain(stream.getStream(), chain))
      return;
    for (size_t i = 0; i + 1 < chain.size(); i++)
      if (!cheap(chain[i]->getKind()))
        return;
    reader r{ lim, &p, {}, names };
    r.sc.out = &p.draws;
    r.sc.inline_pixels = &p.inline_pixels;
    if (flate_only(stream, chain)) {
      inflate_raw(chain, r);
    } else {
      std::vector<unsigned char> buf(CHUNK);
      Stream *s = chain[0];
      s->reset();
      for (;;) {
        int n = s->doGetChars((int)CHUNK, buf.data());
        if (n <= 0 || !r.take(buf.data(), (size_t)n))
          break;
      }
      s->close();
    }
    r.sc.finish();
  }

  /* Whether a stream's filters are FlateDecode only (at most PDF_MAX_FLATE
   * of them, no predictor or other parameters, not decrypted) straight on
   * the file's bytes: zlib then decodes it several times faster than
   * poppler's FlateStream, which decoding each page's content twice (here,
   * then to draw it) made 8% of a figure-heavy document's instructions. */
  static bool flate_only(Object &stream, const std::vector<Stream *> &chain)
  {
    if (chain.size() < 2 || chain.size() > PDF_MAX_FLATE + 1 || chain.back()->getBaseStream() != chain.back())
      return false;
    for (size_t i = 0; i + 1 < chain.size(); i++)
      if (chain[i]->getKind() != strFlate)
        return false;
    Dict *d = stream.streamGetDict();
    return d->lookupNF("DecodeParms").isNull() && d->lookupNF("DP").isNull();
  }

  /* The file's bytes of a flate_only() stream inflated into r. */
  static void inflate_raw(const std::vector<Stream *> &chain, reader &r)
  {
    Stream *base = chain.back();
    std::vector<unsigned char> raw;
    std::vector<unsigned char> buf(CHUNK);
    base->reset();
    for (;;) {
      int n = base->doGetChars((int)CHUNK, buf.data());
      if (n <= 0)
        break;
      raw.insert(raw.end(), buf.data(), buf.data() + n);
    }
    base->close();
    pdf_inflate(raw.data(), raw.size(), (int)chain.size() - 1, reader::sink, &r);
  }

  /* Adds what a piece drawn `times` times costs. */
  void add(const piece &p, uint64_t times, std::map<std::string, uint64_t> &draws, cost &c)
  {
    c.bytes = sat_add(c.bytes, sat_mul(p.bytes, times));
    c.inline_pixels = sat_add(c.inline_pixels, sat_mul(p.inline_pixels, times));
    for (auto &[name, n] : p.draws)
      draws[name] = sat_add(draws[name], sat_mul(n, times));
  }

  /* The cost of drawing the content streams in `contents` (a stream, or an
   * array of them) with resources `res` (identified by rk); level 0 is a
   * page. */
  void content(Object &contents, Object &res, const res_key &rk, unsigned level, cost &c)
  {
    Object xobjects = res.isDict() ? res.dictLookup("XObject") : Object(objNull);
    bool drawing_any = xobjects.isDict() && xobjects.dictGetLength() > 0;
    /* tokenised for what it draws: XObjects, and inline images when the
     * objects' pass saw any in the document */
    bool names = drawing_any || scan->maybe_inline;
    std::map<std::string, uint64_t> draws;
    if (contents.isStream()) {
      /* a page's one stream that draws nothing is bounded as a stream */
      if (!names && level == 0)
        return;
      piece p;
      read(contents, names, p);
      add(p, 1, draws, c);
    } else if (contents.isArray()) {
      if (!names && contents.arrayGetLength() <= 1)
        return;
      for (int i = 0; i < contents.arrayGetLength() && c.bytes <= lim->stream_bytes; i++) {
        const Object &ref = contents.arrayGetNF(i);
        Object s = contents.arrayGet(i);
        if (!s.isStream())
          continue;
        if (!ref.isRef()) {
          piece p;
          read(s, names, p);
          add(p, 1, draws, c);
          continue;
        }
        /* numbers are >= 0: one tokenised is kept apart from one that is not */
        int key = names ? ref.getRef().num : -1 - ref.getRef().num;
        auto it = pieces.find(key);
        if (it == pieces.end()) {
          it = pieces.emplace(key, piece()).first;
          read(s, names, it->second);
        }
        add(it->second, 1, draws, c);
      }
    }
    check(c);
    if (over || draws.empty())
      return;
    for (auto &[name, n] : draws) {
      if (over)
        return;
      Object ref = xobjects.dictLookupNF(name.c_str()).copy();
      Object x = xobjects.dictLookup(name.c_str());
      if (!x.isStream())
        continue;
      Dict *d = x.streamGetDict();
      Object subtype = d->lookup("Subtype");
      if (subtype.isName("Image")) {
        c.draws = sat_add(c.draws, n);
        /* rendering decodes the image at its own size each time it is drawn */
        Object w = d->lookup("Width"), h = d->lookup("Height");
        if (w.isInt() && h.isInt() && w.getInt() > 0 && h.getInt() > 0)
          c.pixels = sat_add(c.pixels, sat_mul(sat_mul((uint64_t)w.getInt(), (uint64_t)h.getInt()), n));
      } else if (subtype.isName("Form")) {
        int num = ref.isRef() ? ref.getRef().num : -1;
        if (num >= 0 && drawing.count(num))
          continue;   /* poppler does not draw a form inside itself */
        cost f;
        form(x, num, res, rk, level + 1, f);
        c.draws = sat_add(c.draws, sat_mul(sat_add(f.draws, 1), n));
        c.bytes = sat_add(c.bytes, sat_mul(f.bytes, n));
        c.pixels = sat_add(c.pixels, sat_mul(f.pixels, n));
        c.inline_pixels = sat_add(c.inline_pixels, sat_mul(f.inline_pixels, n));
        c.depth = std::max(c.depth, f.depth + 1);
      }
      check(c);
    }
  }

  /* A form's cost (memoised), drawn with `parent` resources when it has none. */
  void form(Object &x, int num, Object &parent, const res_key &parent_key, unsigned level, cost &out)
  {
    if (level > PDF_MAX_NESTING) {
      scan->over = PDF_OVER_NESTING;
      over = true;
      return;
    }
    Object own = x.streamGetDict()->lookup("Resources");
    Object ownref = x.streamGetDict()->lookupNF("Resources").copy();
    res_key rk = !own.isDict() ? parent_key : ownref.isRef() ? res_key(1, ownref.getRef().num) : res_key(2, num);
    auto key = std::make_pair(num, rk);
    if (num >= 0) {
      auto it = done.find(key);
      if (it != done.end()) {
        out = it->second;
        return;
      }
      drawing[num] = true;
    }
    content(x, own.isDict() ? own : parent, rk, level, out);
    if (num >= 0) {
      drawing.erase(num);
      if (!over)
        done[key] = out;
    }
  }

  void check(const cost &c)
  {
    if (over)
      return;
    if (c.draws > lim->page_draws) {
      scan->over = PDF_OVER_DRAWS;
      over = true;
    } else if (c.bytes > lim->stream_bytes) {
      scan->over = PDF_OVER_PAGE_BYTES;
      over = true;
    } else if (c.inline_pixels > lim->page_pixels) {
      /* poppler reads inline images' data through whatever draws the page
       * (OutputDev::drawImage), its text too: bounded before any page is
       * read; image XObjects only when the page is rendered (pdf_limits_render) */
      scan->over = PDF_OVER_PAGE_PIXELS;
      over = true;
    }
  }
};

} // namespace

void pdf_scan_draws(PDFDoc *doc, const pdf_limits *lim, pdf_scan *scan)
{
  draws_pass pass{ doc->getXRef(), lim, scan, {}, {}, false, {} };
  Catalog *cat = doc->getCatalog();
  if (scan->pages)
    g_array_set_size(scan->pages, (guint)std::max(doc->getNumPages(), 0));
  for (int i = 1; i <= doc->getNumPages() && !pass.over; i++) {
    Page *page = cat->getPage(i);
    if (!page)
      continue;
    Object contents = page->getContents();
    Object res = page->getResourceDictObject()->copy();
    cost c;
    pass.content(contents, res, res_key(3, i), 0, c);
    pass.check(c);
    scan->most_draws = std::max(scan->most_draws, c.draws);
    scan->deepest_forms = std::max(scan->deepest_forms, (uint64_t)c.depth);
    uint64_t pixels = sat_add(c.pixels, c.inline_pixels);
    scan->most_page_pixels = std::max(scan->most_page_pixels, pixels);
    if (scan->pages)
      g_array_index(scan->pages, pdf_page_cost, i - 1).pixels = pixels;
    if (pass.over) {
      scan->over_page = i;
      scan->over_draws = c.draws;
      scan->over_pixels = c.inline_pixels;
    }
  }
}
