/* The words of a page from poppler's own TextOutputDev (see words.h for why
 * not poppler-glib). No exception leaves this file: every entry point
 * catches them.
 *
 * poppler's private C++ API (libpoppler-private-dev) rather than
 * poppler-cpp: poppler-cpp's text_list() builds the same TextWordList, then
 * turns every word into UTF-8, opens an iconv converter to turn that into a
 * UTF-16 ustring (a tenth of the text layer's CPU on a 200-page document),
 * and copies each word, its glyph boxes and font into heap objects. Here the
 * words' code points and glyph boxes are read where poppler keeps them.
 * The private API has no stable ABI, but Debian builds it from the same
 * source package as libpoppler, so the binary depends on that exact
 * libpoppler (shlibs) and a rebuild follows a new poppler. */
#include "extract/words.h"
#include "extract/limits.h"

/* poppler builds its word-list accessors with this; its headers hide them without it */
#define TEXTOUT_WORD_LIST 1
#include <Annot.h>
#include <Gfx.h>
#include <Error.h>
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <Page.h>
#include <PDFDoc.h>
#include <PDFDocEncoding.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {
/* The last error poppler reported on this thread (words_cause()). */
thread_local char last_cause[200];

/* poppler's error callback (one for the process): the message of an error
 * (not a warning) is kept, so that a failure can name its cause; every
 * message goes to the "Poppler" log domain, worded as poppler-glib words it. */
void note_error(ErrorCategory category, Goffset pos, const char *msg)
{
  static const char *const names[] = { "Syntax warning", "Syntax error", nullptr, nullptr, "IO error", nullptr,
                                       "Unimplemented feature", "Internal error" };
  if ((size_t)category >= G_N_ELEMENTS(names) || !names[category] || !msg)
    return;
  if (category == errSyntaxError || category == errIO || category == errInternal) {
    g_strlcpy(last_cause, msg, sizeof last_cause);
    g_strchomp(last_cause);
  }
  g_log("Poppler", G_LOG_LEVEL_INFO, "%s at position %" G_GINT64_FORMAT ": %s", names[category], (gint64)pos, msg);
}

/* poppler builds its global parameters (encoding tables, the files of
 * poppler-data: about 2 ms and thousands of allocations) when the first
 * document opens and frees them when the last one closes, so a process
 * handling one small document after another (a batch worker, the server, a
 * loop of `doctag process`) would pay that for every document. Set up on
 * the first open and kept for the life of the process; the error callback
 * is ours whoever (poppler-glib) set up the parameters first. */
void keep_global_params()
{
  static GlobalParamsIniter *params = [] {
    auto *p = new GlobalParamsIniter(note_error);
    setErrorCallback(note_error);
    return p;
  }();
  (void)params;
}

/* One attempt at opening: the document, or nullptr with *code poppler's error. */
std::unique_ptr<PDFDoc> try_open(const void *data, size_t len, const std::optional<GooString> &pw, int *code)
{
  /* the stream borrows `data`; the document owns the stream */
  auto *str = new MemStream(static_cast<const char *>(data), 0, (Goffset)len, Object(objNull));
  auto doc = std::make_unique<PDFDoc>(str, pw, pw);
  *code = doc->getErrorCode();
  if (!doc->isOk())
    doc.reset();
  return doc;
}
}

namespace {
struct drawing;
}

struct words_doc {
  std::unique_ptr<PDFDoc> doc;
  /* pages drawn on a kept Gfx (see drawing), most recently used last;
   * declared after doc, so destroyed before it */
  std::vector<std::unique_ptr<drawing>> drawings;
  bool keep_drawings = false;  /* the document has no optional content */
  uint64_t max_saves = 0;      /* words_limit_saves() */
  const pdf_kept *kept = nullptr;  /* words_use_kept(); nullptr also for an encrypted document */
  unsigned int drawings_made = 0;
  /* of the page words_page_get() read last: its words' font sizes and its
   * fonts' names, in the order its words first use them */
  int last_index = -1;
  std::vector<double> last_sizes;
  std::vector<std::string> last_fonts;
  /* what poppler said of the page tree entries that are no page, by page
   * index, when words_pdfdoc() read the tree */
  std::map<int, std::string> page_causes;
  ~words_doc();
};

void words_cause_reset(void)
{
  last_cause[0] = '\0';
}

const char *words_cause(void)
{
  return last_cause[0] ? last_cause : nullptr;
}

words_doc *words_open(const void *data, size_t len, const char *password, words_open_error *why)
{
  words_open_error ignored;
  if (!why)
    why = &ignored;
  *why = WORDS_OPEN_INVALID;
  if (!data || len == 0 || len > (size_t)G_MAXINT)
    return nullptr;
  try {
    keep_global_params();
    std::unique_ptr<words_doc> w(new words_doc);
    /* as poppler-glib opens a document: without the password first, then
     * with it in Latin-1, then as it is (UTF-8) */
    int code = errNone;
    w->doc = try_open(data, len, std::nullopt, &code);
    if (!w->doc && code == errEncrypted && password) {
      char *latin1 = g_convert(password, -1, "ISO-8859-1", "UTF-8", nullptr, nullptr, nullptr);
      w->doc = try_open(data, len, GooString(latin1 ? latin1 : ""), &code);
      g_free(latin1);
      if (!w->doc && code == errEncrypted)
        w->doc = try_open(data, len, GooString(password), &code);
    }
    if (!w->doc) {
      *why = code == errEncrypted ? WORDS_OPEN_ENCRYPTED : code == errDamaged ? WORDS_OPEN_DAMAGED
           : code == errBadCatalog ? WORDS_OPEN_BAD_CATALOG : WORDS_OPEN_INVALID;
      return nullptr;
    }
    w->keep_drawings = !w->doc->getOptContentConfig();
    *why = WORDS_OPEN_OK;
    return w.release();
  } catch (...) {
    return nullptr;
  }
}

int words_page_count(words_doc *d)
{
  try {
    return d->doc->getNumPages();
  } catch (...) {
    return 0;
  }
}

char *words_title(words_doc *d)
{
  try {
    std::unique_ptr<GooString> t = d->doc->getDocInfoTitle();
    if (!t)
      return nullptr;
    /* as poppler-glib turns a PDF text string into UTF-8 */
    const std::string &s = t->toStr();
    if (t->hasUnicodeMarker() || t->hasUnicodeMarkerLE())
      return g_convert(s.data() + 2, (gssize)s.size() - 2, "UTF-8", t->hasUnicodeMarker() ? "UTF-16BE" : "UTF-16LE",
                       nullptr, nullptr, nullptr);
    std::vector<gunichar> u(s.size() + 1, 0);
    for (size_t i = 0; i < s.size(); i++)
      u[i] = pdfDocEncoding[(unsigned char)s[i]];
    return g_ucs4_to_utf8(u.data(), -1, nullptr, nullptr, nullptr);
  } catch (...) {
    return nullptr;
  }
}

PDFDoc *words_pdfdoc(words_doc *d)
{
  /* The caller reads the page tree; read here first, page by page as the
   * pages would, so that why an entry is no page (poppler says it once,
   * while it reads the tree) is still known when that page is asked for. */
  try {
    for (int i = 0, n = d->doc->getNumPages(); i < n; i++) {
      words_cause_reset();
      if (!d->doc->getPage(i + 1) && last_cause[0])
        d->page_causes[i] = last_cause;
    }
  } catch (...) {
  }
  words_cause_reset();
  return d->doc.get();
}

void words_close(words_doc *d)
{
  delete d;
}

/* A growing array of plain structs, g_malloc'd for the caller. */
template<typename T> struct grow {
  T *v = nullptr;
  size_t n = 0, cap = 0;
  void push(const T &x)
  {
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      v = g_renew(T, v, cap + 1);
    }
    v[n++] = x;
  }
  /* room for `more` pushes without moving the array */
  void reserve(size_t more)
  {
    if (n + more > cap) {
      cap = n + more;
      v = g_renew(T, v, cap + 1);
    }
  }
};

namespace {
/* ------------------------------------------------------- diagonal runs
 *
 * poppler's text layout knows four directions. A run drawn at any other
 * angle (a 30° map label, a 45° watermark or stamp) climbs or falls from
 * one glyph to the next, so its line builder cuts it into pieces of a
 * letter or two, and interleaves two such runs that cross ("te s St p
 * Ad"). Those glyphs are taken off its layout instead and read here in the
 * order they are drawn: a run goes on while the angle stays and each glyph
 * starts where the one before ended; a gap along the baseline is a space. */

/* Further than 10° from the nearest of the four directions is diagonal:
 * its tangent. */
constexpr double DIAG_MIN_TAN = 0.1763;

struct diag_glyph {
  gunichar c;                  /* 0: a space */
  double x, y;                 /* origin, device space (points, y down) */
  double ax, ay;               /* advance */
  double size, angle;          /* font size; baseline angle, radians */
};

class text_dev : public TextOutputDev {
public:
  text_dev() : TextOutputDev(nullptr, false, 0, false, false) { }

  /* graphics states the Gfx keeps saved (it tells its device of each q
   * and of each Q that restores one), at most max_saves besides the one
   * saved around the page's content (0: any): past it, over_saves, and
   * the drawing stops (stop(), its abort callback) */
  uint64_t saves = 0, max_saves = 0;
  bool over_saves = false;
  void saveState(GfxState *state) override
  {
    TextOutputDev::saveState(state);
    if (++saves > max_saves + 1 && max_saves)
      over_saves = true;
  }
  void restoreState(GfxState *state) override
  {
    TextOutputDev::restoreState(state);
    if (saves)
      saves--;
  }
  static bool stop(void *dev) { return static_cast<text_dev *>(dev)->over_saves; }
  std::vector<diag_glyph> diag;
  /* an ActualText span is open: the device holds back the glyphs drawn
   * until it ends, on whatever page that is */
  bool actual_open = false;
  /* the span's glyphs so far: how many, its first glyph's baseline and
   * the furthest end (user space) */
  unsigned int span_glyphs = 0;
  double span_y = 0, span_far = 0;

  /* the space glyphs drawn, with the position poppler's layout gives the
   * next glyph drawn (its charPos, which every glyph it is given advances
   * by the glyph's bytes, from 0 at the start of a page) */
  std::vector<words_space> spaces;
  int drawn_bytes = 0;

  void startPage(int pageNum, GfxState *state, XRef *xref) override
  {
    TextOutputDev::startPage(pageNum, state, xref);
    spaces.clear();
    drawn_bytes = 0;
  }

  /* where the glyphs of spans whose text is a lone ZWNJ start (device
   * space): see zwnj_space() */
  std::vector<std::pair<double, double>> zwnj_at;
  bool zwnj_open = false;

  void beginActualText(GfxState *state, const GooString *actual) override
  {
    TextOutputDev::beginActualText(state, actual);
    actual_open = true;
    span_glyphs = 0;
    /* UTF-16BE or (PDF 2.0) UTF-8, with their byte order marks */
    zwnj_open = actual && (actual->toStr() == std::string("\xfe\xff\x20\x0c", 4)
                           || actual->toStr() == "\xef\xbb\xbf\xe2\x80\x8c");
  }
  void endActualText(GfxState *state) override
  {
    TextOutputDev::endActualText(state);
    actual_open = zwnj_open = false;
  }

  /* poppler gives an ActualText span's text the box from its first glyph's
   * start to its last glyph's end. LibreOffice and Chrome put every
   * cluster of several glyphs in a span, and draw its marks last, moved
   * back over the base ("ழ்", "କ୍ତି": the pulli or the i sign after the
   * letter): the box then ends inside the cluster, and the gap to the
   * next letter looks like a space. A glyph of such a span that ends short
   * of one before it, left to right on about one baseline (Chrome lifts
   * an Oriya i a little), is given the rest. Called inside a span only. */
  void span_extent(GfxState *state, double x, double y, double &dx, double dy)
  {
    if (!span_glyphs++) {
      span_y = y;
      span_far = x + dx;
      return;
    }
    const double *t = state->getTextMat();
    double lift = 0.2 * state->getFontSize() * std::hypot(t[2], t[3]);
    if (dy == 0 && dx >= 0 && std::fabs(y - span_y) <= lift && x + dx < span_far)
      dx = span_far - x;
    span_far = std::max(span_far, x + dx);
  }

  static bool vertical_font(GfxState *state) { return state->getFont() && state->getFont()->getWMode(); }

  void drawChar(GfxState *state, double x, double y, double dx, double dy, double ox, double oy, CharCode code,
                int nBytes, const Unicode *u, int uLen) override
  {
    if (zwnj_open && !span_glyphs) {
      double dx0, dy0;
      state->transform(x, y, &dx0, &dy0);
      zwnj_at.emplace_back(dx0, dy0);
    }
    /* the baseline's direction on the page, getFontTransMat()'s (m11, m12)
     * up to the font size, computed here (a glyph's cost matters): near an
     * axis when one side is small beside the other */
    const double *t = state->getTextMat(), *m = state->getCTM();
    double a = std::fabs(t[0] * m[0] + t[1] * m[2]), b = std::fabs(t[0] * m[1] + t[1] * m[3]);
    if (std::min(a, b) <= DIAG_MIN_TAN * std::max(a, b) || uLen <= 0 || vertical_font(state)) {
      /* only inside an ActualText span, and only there is the font asked
       * twice: most glyphs are in none */
      if (actual_open && !vertical_font(state))
        span_extent(state, x, y, dx, dy);
      if (uLen == 1 && u[0] == ' ') {
        /* along an axis (or within 10° of one), without a square root */
        double em = state->getFontSize() * (std::fabs(t[0]) + std::fabs(t[1]));
        spaces.push_back({ drawn_bytes, em > 0 ? (std::fabs(dx) + std::fabs(dy)) / em : 0 });
      }
      drawn_bytes += nBytes;
      TextOutputDev::drawChar(state, x, y, dx, dy, ox, oy, code, nBytes, u, uLen);
      return;
    }
    double m11, m12, m21, m22;
    state->getFontTransMat(&m11, &m12, &m21, &m22);
    diag_glyph g {};
    state->transform(x, y, &g.x, &g.y);
    /* off the page: dropped, as poppler's layout drops its own */
    if (!(g.x >= 0 && g.x <= state->getPageWidth() && g.y >= 0 && g.y <= state->getPageHeight()))
      return;
    state->transformDelta(dx, dy, &g.ax, &g.ay);
    g.size = std::hypot(m21, m22);
    g.angle = std::atan2(m12, m11);
    for (int i = 0; i < uLen; i++) {
      g.c = u[i] == ' ' || u[i] == 0xA0 ? 0 : (gunichar)u[i];
      if (g.c <= 0x10FFFF && !(g.c >= 0xD800 && g.c <= 0xDFFF))
        diag.push_back(g);
    }
  }
};

struct collected {
  grow<gunichar> chars;
  grow<words_box> boxes;
  grow<words_word> words;       /* each with its font size */
  std::vector<std::string> fonts;  /* names, as the words change font */
  std::vector<words_space> spaces; /* the page's own */
  unsigned int blocks = 0, flows = 0; /* poppler's so far, the page's and its annotations' */
};

/* The box of a glyph drawn at an angle: its baseline and a font size above. */
words_box diag_box(const diag_glyph &g)
{
  double ux = -std::sin(g.angle) * g.size, uy = -std::cos(g.angle) * g.size;   /* "up", y down */
  double xs[4] = { g.x, g.x + g.ax, g.x + ux, g.x + g.ax + ux }, ys[4] = { g.y, g.y + g.ay, g.y + uy, g.y + g.ay + uy };
  words_box b { xs[0], ys[0], xs[0], ys[0] };
  for (int i = 1; i < 4; i++) {
    b.x1 = std::min(b.x1, xs[i]);
    b.x2 = std::max(b.x2, xs[i]);
    b.y1 = std::min(b.y1, ys[i]);
    b.y2 = std::max(b.y2, ys[i]);
  }
  return b;
}

/* How glyph `g` follows `prev` on a run: 1 where it starts where `prev`
 * ended (left to right), -1 where it ends where `prev` started (a right-to-
 * left script drawn in reading order), 0 not on the run. */
int diag_step(const diag_glyph &prev, const diag_glyph &g)
{
  double turn = std::fabs(std::remainder(g.angle - prev.angle, 2 * M_PI));
  double size = std::max(prev.size, g.size), cs = std::cos(prev.angle), sn = std::sin(prev.angle);
  double ex = g.x - (prev.x + prev.ax), ey = g.y - (prev.y + prev.ay);
  double along = ex * cs + ey * sn, across = -ex * sn + ey * cs;
  if (turn >= 3 * M_PI / 180 || std::fabs(across) >= 0.5 * size)
    return 0;
  if (along > -0.5 * size && along < 3 * size)
    return 1;
  /* from the end of g to the start of prev */
  double bx = prev.x - (g.x + g.ax), by = prev.y - (g.y + g.ay);
  double back = bx * cs + by * sn;
  return back > -0.5 * size && back < 3 * size ? -1 : 0;
}

/* The diagonal glyphs as words, each run's words sharing a run number. A
 * run drawn right to left (Hebrew, Arabic, in reading order) is put in
 * order along its baseline first: the visual order poppler gives a
 * horizontal line, which layout.c's bidi reordering turns into reading
 * order the same way. */
void collect_diagonal(const std::vector<diag_glyph> &drawn, collected &c)
{
  std::vector<diag_glyph> gs;
  gs.reserve(drawn.size());
  for (size_t i = 0; i < drawn.size();) {
    size_t j = i + 1;
    bool back = false;
    for (int step; j < drawn.size() && (step = diag_step(drawn[j - 1], drawn[j])); j++)
      back |= step < 0;
    size_t from = gs.size();
    gs.insert(gs.end(), drawn.begin() + (std::ptrdiff_t)i, drawn.begin() + (std::ptrdiff_t)j);
    if (back) {
      const diag_glyph f = drawn[i];
      double cs = std::cos(f.angle), sn = std::sin(f.angle);
      std::stable_sort(gs.begin() + (std::ptrdiff_t)from, gs.end(), [&](const diag_glyph &p, const diag_glyph &q) {
        return (p.x - f.x) * cs + (p.y - f.y) * sn < (q.x - f.x) * cs + (q.y - f.y) * sn;
      });
    }
    i = j;
  }
  unsigned int run = 0;
  const diag_glyph *prev = nullptr;
  bool space = false;
  words_word w {};
  auto end_word = [&](bool space_after) {
    if (w.len) {
      w.space_after = space_after;
      c.words.push(w);
    }
    w = words_word {};
  };
  for (const diag_glyph &g : gs) {
    bool same = false;
    if (prev) {
      /* where this glyph starts, seen from where the one before ended */
      double ex = g.x - (prev->x + prev->ax), ey = g.y - (prev->y + prev->ay);
      double along = ex * std::cos(prev->angle) + ey * std::sin(prev->angle);
      same = diag_step(*prev, g) == 1;
      if (same && along > 0.15 * std::max(prev->size, g.size))
        space = true;
    }
    if (!same) {
      end_word(false);
      run++;
      space = false;
    }
    prev = &g;
    if (!g.c) {
      space = true;
      continue;
    }
    if (space) {
      end_word(true);
      space = false;
    }
    if (!w.len) {
      w.first = (unsigned int)c.chars.n;
      w.run = run;
      w.pos = w.end = -1;
      w.box = diag_box(g);
    }
    words_box b = diag_box(g);
    c.chars.push(g.c);
    c.boxes.push(b);
    w.len++;
    w.box.x1 = std::min(w.box.x1, b.x1);
    w.box.y1 = std::min(w.box.y1, b.y1);
    w.box.x2 = std::max(w.box.x2, b.x2);
    w.box.y2 = std::max(w.box.y2, b.y2);
  }
  end_word(false);
}

/* LibreOffice and Chrome (HarfBuzz) draw a ZWNJ that ends a word before a
 * space (Malayalam's "രക്ഷക്ക്" ZWNJ, space, "എല്ലാവര്ക്കും") as the space
 * glyph, with the space's advance, in a span whose text is the ZWNJ alone:
 * the space is drawn but is not in the text, and poppler runs the two
 * words together. A ZWNJ inside a word is drawn with no advance. The index
 * of the first ZWNJ of `tw` (the k-th word of `list`) drawn so, at least
 * 0.2 em wide, that the next letter (of this word or the next) follows, or
 * -1. */
int zwnj_space(const text_dev &dev, TextWordList *list, int k)
{
  const TextWord *tw = list->get(k);
  int n = tw->getLength();
  double size = tw->getFontSize();
  for (int i = 0; i < n; i++) {
    if (*tw->getChar(i) != 0x200C)
      continue;
    double x1, y1, x2, y2, nx1, ny1, nx2, ny2;
    tw->getCharBBox(i, &x1, &y1, &x2, &y2);
    if (i + 1 < n)
      tw->getCharBBox(i + 1, &nx1, &ny1, &nx2, &ny2);
    else if (k + 1 < list->getLength() && list->get(k + 1)->getRotation() == 0)
      list->get(k + 1)->getBBox(&nx1, &ny1, &nx2, &ny2);
    else
      continue;
    if (x2 - x1 < 0.2 * size || nx1 < x2 - 0.05 * size || nx1 > x2 + size || std::fabs(ny2 - y2) > 0.5 * size)
      continue;
    for (const auto &at : dev.zwnj_at)
      if (std::fabs(at.first - x1) < 0.01 && at.second >= y1 && at.second <= y2 + 0.5 * size)
        return i;
  }
  return -1;
}

/* The block and flow of each word of `list`, numbered on from `c`'s: the
 * word list (reading order) is poppler's flows, their blocks, lines and
 * words in turn; all 0 where it is not. */
std::vector<std::pair<unsigned int, unsigned int>> blocks_of(const text_dev &dev, TextWordList *list, collected &c)
{
  size_t n = list ? (size_t)list->getLength() : 0, k = 0;
  std::vector<std::pair<unsigned int, unsigned int>> none(n, { 0, 0 }), of(n);
  for (const TextFlow *f = dev.getFlows(); f; f = f->getNext()) {
    c.flows++;
    for (const TextBlock *b = f->getBlocks(); b; b = b->getNext()) {
      c.blocks++;
      for (const TextLine *l = b->getLines(); l; l = l->getNext())
        for (const TextWord *w = l->getWords(); w; w = w->getNext()) {
          if (k >= n || list->get((int)k) != w)
            return none;
          of[k++] = { c.blocks, c.flows };
        }
    }
  }
  return k == n ? of : none;
}

/* Appends the words of `dev`'s page to `c`, its diagonal runs last. */
void collect(text_dev &dev, collected &c)
{
  std::unique_ptr<TextWordList> list = dev.makeWordList();
  const TextFontInfo *last_font = nullptr;
  size_t first_word = c.words.n;
  bool rtl = false;   /* a right-to-left character: the words' blocks are asked for */
  /* the page's arrays at their size at once: growing them by doubling
   * moved them a dozen times a page */
  size_t nwords = list ? (size_t)list->getLength() : 0, nchars = dev.diag.size() + 1;
  for (size_t k = 0; k < nwords; k++)
    nchars += (size_t)std::max(list->get((int)k)->getLength(), 0);
  c.chars.reserve(nchars);
  c.boxes.reserve(nchars);
  c.words.reserve(nwords + dev.diag.size());
  for (int k = 0; list && k < list->getLength(); k++) {
    const TextWord *tw = list->get(k);
    int n = tw->getLength();
    if (n <= 0)
      continue;
    words_word w {};
    w.first = (unsigned int)c.chars.n;
    w.rot = (unsigned int)tw->getRotation() & 3;
    w.space_after = tw->hasSpaceAfter();
    w.size = tw->getFontSize();
    w.pos = tw->getCharPos();
    w.end = w.pos + tw->getCharLen();
    w.block = (unsigned int)k + 1;   /* for now: its place in the list, for blocks_of() below */
    tw->getBBox(&w.box.x1, &w.box.y1, &w.box.x2, &w.box.y2);
    int split = w.rot == 0 && !dev.zwnj_at.empty() ? zwnj_space(dev, list.get(), k) : -1;
    for (int i = 0; i < n; i++) {
      gunichar ch = *tw->getChar(i);
      /* what poppler's UTF-8 output cannot carry: dropped, or marked */
      if (ch > 0x10FFFF)
        continue;
      if (ch >= 0xD800 && ch <= 0xDFFF)
        ch = 0xFFFD;
      rtl |= ch >= 0x0590 && words_rtl_char(ch);
      words_box b;
      tw->getCharBBox(i, &b.x1, &b.y1, &b.x2, &b.y2);
      c.chars.push(ch);
      c.boxes.push(b);
      if (i == split && i + 1 == n) {
        w.space_after = true;
      } else if (i == split) {
        /* the word ends at the ZWNJ and a space follows: the rest is a
         * word of its own (where each was drawn is not known: no pos) */
        words_word rest = w;
        w.len = (unsigned int)(c.chars.n - w.first);
        w.space_after = true;
        w.pos = w.end = -1;
        w.box.x2 = b.x2;
        c.words.push(w);
        rest.first = (unsigned int)c.chars.n;
        rest.pos = rest.end = -1;
        double y1, x2, y2;
        tw->getCharBBox(i + 1, &rest.box.x1, &y1, &x2, &y2);
        w = rest;
      }
    }
    w.len = (unsigned int)(c.chars.n - w.first);
    if (!w.len)
      continue;
    const TextFontInfo *f = tw->getFontInfo(0);
    if (f && f != last_font) {
      if (const GooString *name = f->getFontName())
        c.fonts.emplace_back(name->c_str());
      last_font = f;
    }
    c.words.push(w);
  }
  /* only a page with right-to-left text asks its lines' blocks (layout.c) */
  std::vector<std::pair<unsigned int, unsigned int>> block;
  if (rtl)
    block = blocks_of(dev, list.get(), c);
  for (size_t i = first_word; i < c.words.n; i++) {
    words_word &w = c.words.v[i];
    std::pair<unsigned int, unsigned int> bf = rtl ? block[w.block - 1] : std::make_pair(0u, 0u);
    w.block = bf.first;
    w.flow = bf.second;
  }
  collect_diagonal(dev.diag, c);
}

/* ------------------------------------------------------- kept drawings
 *
 * poppler draws each page on a Gfx of its own, whose resources build every
 * font of the page's /Font dictionary (widths, encoding, ToUnicode CMap, a
 * look at the font file): pdftotext pays that on every page, 13% of its
 * instructions on a 200-page report whose pages share four fonts. A Gfx
 * is kept instead for pages that name the same fonts (the same name for
 * the same object, and nothing else) on the same page box and rotation:
 * its bottom resources hold only that /Font dictionary, built once, and
 * each page's own resources, less /Font, are pushed above them, so every
 * name resolves as it does on a Gfx of the page's own. What a page could
 * leave behind for the next is checked: an unclosed ActualText span or a
 * graphics state left saved retires the drawing; a document with optional
 * content (whose unclosed marked content would hide the next page) is
 * drawn page by page, as are pages whose fonts are not all references. */
constexpr size_t MAX_DRAWINGS = 4;

struct font_name {
  std::string name;
  Ref ref;
  bool operator==(const font_name &o) const { return name == o.name && ref == o.ref; }
  bool operator<(const font_name &o) const { return name < o.name; }
};

/* What a drawing is kept for: the page's Gfx arguments and fonts. */
struct drawing_key {
  PDFRectangle box, crop;
  bool cropped = false;
  int rotate = 0;
  std::vector<font_name> fonts;  /* by name */
  bool operator==(const drawing_key &o) const
  {
    return box == o.box && cropped == o.cropped && (!cropped || crop == o.crop) && rotate == o.rotate
           && fonts == o.fonts;
  }
};

struct drawing {
  drawing_key key;
  text_dev dev;
  Object resources;              /* { /Font ... }: the Gfx's bottom resources */
  std::unique_ptr<Gfx> gfx;      /* last: deleted first, while dev lives */
};

/* The key of page `pg` drawn as displayPageSlice() would at 72 dpi, rotation
 * 0 and `media`; false when its fonts cannot be kept (a font given inline,
 * a name twice, a /Font that is not a dictionary). */
bool drawing_key_of(Page *pg, bool media, drawing_key *k, Object *fonts)
{
  /* what Page::createGfx() works out; TextOutputDev draws upside down
   * and does not clip to the crop box */
  k->rotate = pg->getRotate();
  if (k->rotate >= 360)
    k->rotate -= 360;
  else if (k->rotate < 0)
    k->rotate += 360;
  bool crop = false;
  pg->makeBox(72, 72, k->rotate, media, true, -1, -1, -1, -1, &k->box, &crop);
  k->cropped = crop;
  if (crop)
    k->crop = *pg->getCropBox();
  Dict *res = pg->getResourceDict();
  *fonts = res ? res->lookup("Font") : Object(objNull);
  if (fonts->isNull())
    return true;
  if (!fonts->isDict())
    return false;
  Dict *fd = fonts->getDict();
  for (int i = 0; i < fd->getLength(); i++) {
    const Object &v = fd->getValNF(i);
    if (!v.isRef())
      return false;
    k->fonts.push_back({ fd->getKey(i), v.getRef() });
  }
  std::sort(k->fonts.begin(), k->fonts.end());
  return std::adjacent_find(k->fonts.begin(), k->fonts.end(),
                            [](const font_name &a, const font_name &b) { return a.name == b.name; })
         == k->fonts.end();
}

/* The kept drawing for page `pg` (index+1 in poppler's count), made if
 * none fits, its device started on the page; nullptr: draw it alone. */
drawing *drawing_for(words_doc *d, Page *pg, int index, bool media)
{
  if (!d->keep_drawings)
    return nullptr;
  XRef *xref = d->doc->getXRef();
  drawing_key k;
  Object fonts;
  if (!drawing_key_of(pg, media, &k, &fonts))
    return nullptr;
  auto &ds = d->drawings;
  for (size_t i = 0; i < ds.size(); i++) {
    if (!(ds[i]->key == k))
      continue;
    std::rotate(ds.begin() + (std::ptrdiff_t)i, ds.begin() + (std::ptrdiff_t)i + 1, ds.end());
    drawing *dr = ds.back().get();
    /* what the Gfx constructor tells its device of a page */
    GfxState *state = dr->gfx->getState();
    dr->dev.startPage(index + 1, state, xref);
    dr->dev.setDefaultCTM(state->getCTM());
    dr->dev.updateAll(state);
    return dr;
  }
  if (ds.size() == MAX_DRAWINGS)
    ds.erase(ds.begin());
  auto dr = std::make_unique<drawing>();
  dr->key = std::move(k);
  Dict *bottom = new Dict(xref);
  dr->resources = Object(bottom);
  if (fonts.isDict())
    bottom->add("Font", std::move(fonts));
  dr->gfx = std::make_unique<Gfx>(d->doc.get(), &dr->dev, index + 1, bottom, 72, 72, &dr->key.box,
                                  dr->key.cropped ? &dr->key.crop : nullptr, dr->key.rotate, text_dev::stop, &dr->dev);
  ds.push_back(std::move(dr));
  d->drawings_made++;
  return ds.back().get();
}

/* Content stream `s` read from the byte scan's kept output (pdf_kept), or
 * null when it is not there: one FlateDecode filter with no parameters
 * straight on the file's bytes, whose deflate data poppler reads all of.
 * Its bytes are then exactly what poppler's inflater would give. */
Object kept_stream(const pdf_kept *kept, Object &s)
{
  if (!s.isStream())
    return Object(objNull);
  Stream *str = s.getStream();
  BaseStream *base = str->getBaseStream();
  if (str->getKind() != strFlate || !base || str->getNextStream() != base)
    return Object(objNull);
  Dict *dict = s.streamGetDict();
  if (!dict || !dict->lookupNF("DecodeParms").isNull() || !dict->lookupNF("DP").isNull())
    return Object(objNull);
  if (base->getStart() < 0 || base->getLength() < 0)
    return Object(objNull);
  size_t len = 0;
  const unsigned char *buf = pdf_kept_find(kept, (uint64_t)base->getStart(), (uint64_t)base->getLength(), &len);
  if (!buf)
    return Object(objNull);
  /* the arena outlives the drawing; MemStream never frees it */
  Stream *mem = new MemStream(reinterpret_cast<const char *>(buf), 0, (Goffset)len, Object(objNull));
  return Object(mem);
}

/* Page contents `contents` (a stream or an array of them) with the streams
 * kept read from memory (kept_stream()), or null when none is. */
Object kept_contents(words_doc *d, Object &contents)
{
  if (!d->kept)
    return Object(objNull);
  if (contents.isStream())
    return kept_stream(d->kept, contents);
  if (!contents.isArray())
    return Object(objNull);
  int n = contents.arrayGetLength();
  auto *a = new Array(d->doc->getXRef());
  Object out(a);
  bool any = false;
  for (int i = 0; i < n; i++) {
    Object e = contents.arrayGet(i);
    Object m = kept_stream(d->kept, e);
    any |= !m.isNull();
    a->add(m.isNull() ? std::move(e) : std::move(m));
  }
  return any ? std::move(out) : Object(objNull);
}

/* Draws page `pg`'s content on kept drawing `dr`, as Page::displaySlice()
 * does, and ends the device's page. */
void draw_kept(words_doc *d, drawing *dr, Page *pg, bool annots)
{
  /* the page's resources but its fonts: its entries as they are (Dict's
   * copy() would copy every dictionary inside, which the Gfx copies again) */
  Object own;
  if (Dict *res = pg->getResourceDict()) {
    Dict *o = new Dict(d->doc->getXRef());
    own = Object(o);
    for (int i = 0; i < res->getLength(); i++)
      if (strcmp(res->getKey(i), "Font") != 0)
        o->add(res->getKey(i), res->getValNF(i).copy());
  }
  dr->gfx->pushResources(own.isDict() ? own.getDict() : nullptr);
  Object contents = pg->getContents();
  if (!contents.isNull()) {
    Object kept = kept_contents(d, contents);
    dr->gfx->saveState();
    dr->gfx->display(kept.isNull() ? &contents : &kept);
    dr->gfx->restoreState();
  } else {
    dr->dev.dump();
  }
  dr->gfx->popResources();
  if (annots)
    dr->dev.dump();
  dr->dev.endPage();
}

/* After its page's words are collected: lets the device's page go (a kept
 * drawing would hold its words until its next page), and retires the most
 * recent drawing when its page left anything behind. */
void drawing_check(words_doc *d, drawing *dr)
{
  /* an empty page, which the Gfx also ends when deleted */
  dr->dev.startPage(0, dr->gfx->getState(), d->doc->getXRef());
  if (dr->dev.actual_open || dr->gfx->getState()->hasSaves())
    d->drawings.pop_back();
}
}

void words_limit_saves(words_doc *d, uint64_t max)
{
  if (d)
    d->max_saves = max;
}

void words_use_kept(words_doc *d, const struct pdf_kept *kept)
{
  /* an encrypted document's streams are decrypted before they are
   * inflated: the file's bytes are not what poppler inflates */
  if (d)
    d->kept = kept && kept->n && !d->doc->getXRef()->isEncrypted() ? kept : nullptr;
}

words_doc::~words_doc()
{
  drawings.clear();
}

unsigned int words_drawings_made(const words_doc *d)
{
  return d ? d->drawings_made : 0;
}

bool words_page_get(words_doc *d, int index, bool (*legacy)(const char *font), words_page *out)
{
  *out = words_page {};
  /* getPage() is what poppler-glib's get_page() asks: a page tree entry
   * that is not a page object reads as no page */
  Page *pg = d && index >= 0 && index < d->doc->getNumPages() ? d->doc->getPage(index + 1) : nullptr;
  if (!pg) {
    auto why = d ? d->page_causes.find(index) : std::map<int, std::string>::iterator();
    if (d && why != d->page_causes.end() && !last_cause[0])
      g_strlcpy(last_cause, why->second.c_str(), sizeof last_cause);
    return false;
  }
  collected c;
  try {
    /* what poppler-cpp's text_list() asks for: reading order, no physical
     * layout, 72 dpi (points), the page's own rotation, the crop box; but
     * a crop box of no area (one outside the media box: poppler keeps the
     * empty intersection) would drop every glyph, and the media box is
     * the page then, as pdf.js and pdftotext read it */
    bool media = !(pg->getCropWidth() > 0 && pg->getCropHeight() > 0);
    /* the page's own drawing leaves its annotations out */
    bool annots = !pg->getAnnots()->getAnnots().empty();
    if (drawing *dr = drawing_for(d, pg, index, media)) {
      dr->dev.diag.clear();
      dr->dev.zwnj_at.clear();
      dr->dev.max_saves = d->max_saves;
      dr->dev.over_saves = false;
      draw_kept(d, dr, pg, annots);
      collect(dr->dev, c);
      c.spaces = dr->dev.spaces;
      out->over_saves = dr->dev.over_saves;
      drawing_check(d, dr);
    } else {
      text_dev dev;
      dev.max_saves = d->max_saves;
      d->doc->displayPageSlice(&dev, index + 1, 72, 72, 0, media, false, false, -1, -1, -1, -1, text_dev::stop, &dev,
                               [](Annot *, void *) { return false; }, nullptr);
      collect(dev, c);
      c.spaces = std::move(dev.spaces);
      out->over_saves = dev.over_saves;
    }
    out->annot_first = (unsigned int)c.words.n;
    /* Form fields and annotations after the page's text, in /Annots order:
     * drawn as poppler draws them after the page (widget appearances, made
     * where NeedAppearances asks), but each into a page of its own, so that
     * a field's value never lands inside the text beside it and the order
     * is the document's, not where the fields happen to sit. */
    if (annots && !out->over_saves) {
      text_dev dev;
      dev.max_saves = d->max_saves;
      /* the Gfx starts the device's page, and ends it when deleted */
      std::unique_ptr<Gfx> gfx(pg->createGfx(&dev, 72, 72, 0, media, false, -1, -1, -1, -1, false, text_dev::stop,
                                              &dev, d->doc->getXRef()));
      for (Annot *a : pg->getAnnots()->getAnnots()) {
        a->draw(gfx.get(), false);
        dev.endPage();
        size_t first = c.words.n;
        collect(dev, c);
        if (c.words.n > first)
          c.words.v[first].line_start = true;
        dev.diag.clear();
        dev.zwnj_at.clear();
        dev.startPage(index + 1, gfx->getState(), d->doc->getXRef());
        if ((out->over_saves = dev.over_saves))
          break;
      }
    }
    d->last_index = index;
    d->last_sizes.resize(c.words.n);
    for (size_t k = 0; k < c.words.n; k++)
      d->last_sizes[k] = c.words.v[k].size;
    d->last_fonts = std::move(c.fonts);
  } catch (...) {
    /* a drawing stopped half way is in no state to draw another page */
    d->drawings.clear();
    d->last_index = -1;
    g_free(c.chars.v);
    g_free(c.boxes.v);
    g_free(c.words.v);
    return false;
  }
  c.chars.push(0);
  out->nchars = (unsigned int)c.chars.n - 1;
  out->chars = c.chars.v;
  out->boxes = c.boxes.v ? c.boxes.v : g_new(words_box, 1);
  out->nwords = (unsigned int)c.words.n;
  out->words = c.words.v ? c.words.v : g_new(words_word, 1);
  out->nspaces = (unsigned int)c.spaces.size();
  out->spaces = out->nspaces ? (words_space *)g_memdup2(c.spaces.data(), c.spaces.size() * sizeof(words_space)) : nullptr;
  if (legacy)
    words_page_fonts(d, index, legacy, out);
  else
    for (unsigned int k = 0; k < out->nwords; k++)
      out->words[k].size = 0;
  return true;
}

bool words_page_fonts(words_doc *d, int index, bool (*legacy)(const char *font), words_page *p)
{
  if (!d || !legacy || index != d->last_index || p->nwords != d->last_sizes.size())
    return false;
  for (unsigned int k = 0; k < p->nwords; k++)
    p->words[k].size = d->last_sizes[k];
  p->legacy_font = false;
  for (const std::string &name : d->last_fonts)
    if ((p->legacy_font = legacy(name.c_str())))
      break;
  return true;
}

void words_page_clear(words_page *p)
{
  g_free(p->chars);
  g_free(p->boxes);
  g_free(p->words);
  g_free(p->spaces);
  *p = words_page {};
}
