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
 * page were one stream), forms nested PDF_MAX_NESTING deep, inline image
 * pixels (DOCTAG_MAX_PAGE_IMAGE_MPX). Each page's image pixels and the area
 * rendering it composites (images, fills, strokes, glyphs and shadings under the CTM,
 * clipped to the page or the form's BBox) are recorded for the check where
 * the page is rendered (pdf_limits_render()), where tiling patterns' cells
 * are costed too, each as a form drawn once for every step a paint covers,
 * and Type 3 glyphs, each procedure as a form drawn for every use: their
 * draws, bytes and pixels count against the limits above there. */
#include "extract/limits.h"

#include <PDFDoc.h>
#include <GlobalParams.h>
#include <Page.h>
#include <Stream.h>
#include <XRef.h>

#include "extract/limits_syntax.h"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
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

/* A device pixel at the OCR resolution (300 DPI), in points. */
constexpr double DEVICE_PIXEL = 72.0 / 300;

/* What stroking costs beyond the pixels it paints: poppler's Cairo device
 * rasterises a stroke row by row, so a hairline costs by its length, not
 * its area. At 300 DPI, 20,000 page-diagonal hairlines (4.8 kB) took
 * pdftocairo 7.5 s, as long as 1,400 page-sized fills (400 took 2.2 s): a
 * device pixel of length costs as much as 150 pixels painted. Each segment
 * costs at least 64 device pixels of length (200,000 separate 1.4-point
 * hairlines took 1.5 s, 76 each by that measure), so a million of them is
 * more than the default DOCTAG_MAX_PAGE_COVERAGE. */
constexpr double STROKE_PIXEL_COST = 150;
constexpr double SEGMENT_MIN_PIXELS = 64;

/* Pattern names one content stream's colours are set to that are told
 * apart (a resource dictionary names a few); past it, they are one. */
constexpr size_t MAX_PATTERNS = 4096;

uint64_t sat_add(uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t sat_mul(uint64_t a, uint64_t b)
{
  return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* An area a paint composites, at most `box` (what it is clipped to); one
 * no number says (a CTM of infinities) is all of it. */
double clip(double a, double box)
{
  return std::isfinite(a) ? std::min(a, box) : box;
}

/* What drawing a content stream costs. */
struct cost {
  uint64_t draws = 0;   /* images and forms drawn, nested ones included */
  uint64_t bytes = 0;   /* content bytes parsed, each form's as often as drawn */
  unsigned depth = 0;   /* forms nested inside it */
  uint64_t pixels = 0;  /* image XObjects' pixels decoded to render it: each at its size, as often as drawn */
  uint64_t inline_pixels = 0;  /* inline images' (decoded whenever the page is drawn, for its text too) */
  /* Area composited to render it, in its own space's square units: each
   * image, fill and shading at its extent, clipped to the content's own
   * box (a form's BBox, the page), forms' as often as drawn. */
  double area = 0;
  uint64_t paints = 0;   /* the images, fills, strokes, glyphs and shadings counted */
  uint64_t jpx_bytes = 0;   /* openjpeg's memory for its largest JPEG 2000 image (pdf_jpx_bytes()) */
  uint64_t largest = 0;     /* pixels of the largest image it draws, inline ones too */
  bool unfollowed = false;  /* it may draw images `largest` misses (pdf_page_cost.unfollowed_images) */
  uint64_t saves = 0;       /* graphics states it keeps saved at once (q), its forms' inside it */
  uint64_t names = 0;       /* the most names one content of it draws and sets (do_scanner::entry()) */
  bool inherits_font = false;   /* it shows text in the font it is drawn with (before a Tf of its own) */
};

/* A name drawn by "Do": how often, the sum of the drawing CTM's area
 * scale (|det|), and of the unit square's area under it clipped to the box;
 * the most graphics states saved where it is drawn. */
struct drawn {
  uint64_t times = 0;
  double scale = 0, clipped = 0;
  uint64_t depth = 0;
};

/* What a content paints with a pattern (by its name's index in
 * do_scanner::patterns): how many paints, and their area clipped to the
 * content's box. */
struct patterned {
  uint64_t paints = 0;
  double area = 0;
  uint64_t depth = 0;   /* the most graphics states saved where it paints */
};

/* An affine matrix as PDF writes it: [a b c d e f]. */
struct matrix {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;

  /* m, then this (PDF's "m cm": the new CTM is m x CTM) */
  matrix after(const matrix &m) const
  {
    return matrix{ m.a * a + m.b * c, m.a * b + m.b * d, m.c * a + m.d * c, m.c * b + m.d * d,
                   m.e * a + m.f * c + e, m.e * b + m.f * d + f };
  }
  double scale() const { return std::fabs(a * d - b * c); }
  void apply(double x, double y, double *ox, double *oy) const
  {
    *ox = a * x + c * y + e;
    *oy = b * x + d * y + f;
  }
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
  char bi_key = 0;         /* 'W', 'H' or 'M' after /W, /Width, /H, /Height, /IM, /ImageMask there */
  int64_t bi_w = -1, bi_h = -1;
  bool bi_mask = false;    /* /IM true: it paints the fill colour, a pattern's cells too */
  std::map<std::string, drawn> *out;      /* name -> how it is drawn */
  std::map<std::string, drawn> *states;   /* graphics state name -> how often gs sets it (its soft mask is drawn) */
  uint64_t *inline_pixels;                /* its inline images' pixels, added up */
  uint64_t *largest_inline;               /* the largest inline image's pixels */
  /* What the composited area needs: the graphics state (q, Q, cm, w, and
   * the text state: Tf's size, Tz, Tr), the text matrix (BT, Tm), the
   * current path's box and stroked length, the string bytes and last
   * numeric operands, and what is painted, each paint clipped to `box` (the
   * content's own clip area). */
  struct gstate {
    matrix ctm;
    double line_width = 1, font_size = 0, hscale = 1;
    bool invisible = false;   /* text render mode 3 (or 7: a clip only) */
    int fill_pattern = -1, stroke_pattern = -1;   /* the colour's pattern (an index in `patterns`), -1 for none */
    int font3 = -1;   /* the font, when a Type 3 font: its index in the resources' /Font (type3) */
  };
  gstate gs;
  matrix tm;                  /* the text matrix: its scale is all that matters */
  uint64_t str_bytes = 0;     /* bytes of the strings since the last operator */
  /* the states saved (q), at most max_saved of them: deeper ones are
   * counted (content() refuses the page), as a Q past them is */
  std::vector<gstate> saved;
  uint64_t saves = 0, deepest = 0, max_saved = 0;
  /* entries of the name tables (out, states, masks) at most: past it,
   * names_over and no more (content() refuses the page) */
  uint64_t max_names = 0;
  bool names_over = false;
  double num[6];
  int nums = 0;
  bool path = false;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double cur_x = 0, cur_y = 0, start_x = 0, start_y = 0;   /* the current point, its subpath's start */
  double stroked = 0;   /* the path's length as stroking it follows it (curves by their control polygon) */
  uint64_t segments = 0;   /* and its segments */
  double box = 0;
  double *area;
  uint64_t *paints;
  /* the patterns named by scn and SCN, and what each paints */
  std::vector<std::string> patterns;
  std::map<std::string, int> pattern_ids;
  std::map<int, patterned> *patterned_paints;
  std::map<std::pair<std::string, int>, patterned> *masks;   /* what each name drawn with a pattern's colour covers */
  bool painting = false;   /* whether to follow it (only where the page is about to be rendered) */
  /* Type 3 fonts, whose glyphs are content streams: the resources' (name
   * -> index in /Font), the glyphs shown in each (font index, code: how
   * often, the sum of their em squares' scale), and the codes of the
   * strings since the last operator, read while such a font is set */
  const std::map<std::string, int> *type3 = nullptr;
  std::map<std::pair<int, int>, drawn> *glyphs = nullptr;
  uint64_t codes[256] = {};
  bool any_codes = false;
  int oct_n = 0, oct_v = 0;   /* an octal escape's digits so far, and their value */
  int hex_hi = -1;            /* a hex string's first digit of a byte */
  bool op_name = false;       /* a name since the last operator (last_name) */
  bool font_set = false;      /* a Tf here: text before it is in the font it is drawn with */
  bool inherited_text = false;

  void code(int c)
  {
    codes[c & 255]++;
    any_codes = true;
  }

  void point(double x, double y)
  {
    double dx, dy;
    gs.ctm.apply(x, y, &dx, &dy);
    if (!path) {
      x0 = x1 = dx;
      y0 = y1 = dy;
      path = true;
      return;
    }
    x0 = std::min(x0, dx);
    x1 = std::max(x1, dx);
    y0 = std::min(y0, dy);
    y1 = std::max(y1, dy);
  }

  /* A path segment from the current point to (x, y) (user space). */
  void segment(double x, double y)
  {
    double dx, dy;
    gs.ctm.apply(x, y, &dx, &dy);
    stroked += std::hypot(dx - cur_x, dy - cur_y);
    segments++;
    cur_x = dx;
    cur_y = dy;
    point(x, y);
  }

  void move(double x, double y)
  {
    gs.ctm.apply(x, y, &cur_x, &cur_y);
    start_x = cur_x;
    start_y = cur_y;
    point(x, y);
  }

  /* Stroking composites its length times the line width (at least a pixel
   * at 300 DPI), at most the path's box widened by it, and costs as much
   * again as STROKE_PIXEL_COST pixels a device pixel of its length, each
   * segment at least SEGMENT_MIN_PIXELS long (what no box bounds: a path of
   * many segments crossing the page is rasterised along each). */
  void stroke()
  {
    if (!path)
      return;
    double w = std::max(std::fabs(gs.line_width) * std::sqrt(gs.ctm.scale()), DEVICE_PIXEL);
    double a = std::min((stroked + w) * w, (x1 - x0 + w) * (y1 - y0 + w));
    double length = stroked + (double)segments * SEGMENT_MIN_PIXELS * DEVICE_PIXEL;
    double rows = length * DEVICE_PIXEL * STROKE_PIXEL_COST;
    paint(a, gs.stroke_pattern, rows);
  }

  /* Showing text composites each glyph's em square (a byte a glyph: two-byte
   * codes count twice) under the font size, Tz, the text matrix and the CTM. */
  void show()
  {
    if (gs.invisible || !str_bytes)
      return;
    inherited_text = inherited_text || !font_set;
    double glyph = gs.font_size * gs.font_size * std::fabs(gs.hscale) * tm.scale() * gs.ctm.scale();
    if (gs.font3 >= 0) {   /* each glyph its procedure, costed by content() */
      for (int k = 0; k < 256; k++)
        if (codes[k]) {
          drawn &g = (*glyphs)[{ gs.font3, k }];
          g.times = sat_add(g.times, codes[k]);
          g.scale += glyph * (double)codes[k];
          g.depth = std::max(g.depth, saves);
        }
      return;
    }
    *area += clip(glyph, box) * (double)str_bytes;
    *paints += str_bytes;
    if (gs.fill_pattern >= 0) {
      patterned &p = (*patterned_paints)[gs.fill_pattern];
      p.depth = std::max(p.depth, saves);
      p.paints += str_bytes;
      p.area += clip(glyph, box) * (double)str_bytes;
    }
  }

  /* A paint of area a, with the colour of `pattern` (-1: none), whose
   * cells are costed where the content's resources are known, and `extra`
   * (no box bounds it: a stroke's rows). */
  void paint(double a, int pattern = -1, double extra = 0)
  {
    *area += clip(a, box) + extra;
    (*paints)++;
    if (pattern >= 0) {
      patterned &p = (*patterned_paints)[pattern];
      p.depth = std::max(p.depth, saves);
      p.paints++;
      p.area += clip(a, box);
    }
  }

  void fill()
  {
    if (path)
      paint((x1 - x0) * (y1 - y0), gs.fill_pattern);
    end_path();
  }

  void end_path()
  {
    path = false;
    stroked = 0;
    segments = 0;
  }

  /* The index of pattern name `name` in `patterns`; MAX_PATTERNS for any
   * after the first MAX_PATTERNS (content() charges those to each of the
   * resources' patterns). */
  int pattern_index(const std::string &name)
  {
    auto it = pattern_ids.find(name);
    if (it != pattern_ids.end())
      return it->second;
    if (patterns.size() >= MAX_PATTERNS)
      return (int)MAX_PATTERNS;
    patterns.push_back(name);
    pattern_ids.emplace(name, (int)patterns.size() - 1);
    return (int)patterns.size() - 1;
  }

  /* A token that is no name: a number (kept as an operand) or an operator;
   * `named`: a name came just before it. */
  void operand_or_operator(bool named)
  {
    char c = tok[0];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      char text[TOKEN_MAX + 1];
      std::memcpy(text, tok, tok_len);
      text[tok_len] = 0;
      if (nums == 6) {
        std::memmove(num, num + 1, 5 * sizeof *num);
        nums = 5;
      }
      num[nums++] = g_ascii_strtod(text, nullptr);
      return;
    }
    const double *o = num + nums;   /* o[-1] is the last operand */
    if (tok_len == 1) {
      switch (c) {
      case 'q':
        /* deeper than max_saved is refused: poppler keeps every state
         * saved (a q per byte of a 256 MB stream would hold hundreds of
         * gigabytes); the states past it are counted, not kept */
        if (saved.size() < max_saved)
          saved.push_back(gs);
        deepest = std::max(deepest, ++saves);
        break;
      case 'Q':
        if (saves > 0 && saves-- <= saved.size()) {
          gs = saved.back();
          saved.pop_back();
        }
        break;
      case 'm':
        if (nums >= 2)
          move(o[-2], o[-1]);
        break;
      case 'l':
        if (nums >= 2)
          segment(o[-2], o[-1]);
        break;
      case 'c':
        if (nums >= 6) {
          segment(o[-6], o[-5]);
          segment(o[-4], o[-3]);
          segment(o[-2], o[-1]);
        }
        break;
      case 'v':
      case 'y':
        if (nums >= 4) {
          segment(o[-4], o[-3]);
          segment(o[-2], o[-1]);
        }
        break;
      case 'h':
        stroked += std::hypot(start_x - cur_x, start_y - cur_y);
        segments++;
        cur_x = start_x;
        cur_y = start_y;
        break;
      case 'w':
        if (nums >= 1)
          gs.line_width = o[-1];
        break;
      case 'g':
      case 'k':
        gs.fill_pattern = -1;
        break;
      case 'G':
      case 'K':
        gs.stroke_pattern = -1;
        break;
      case '\'':
      case '"':
        show();
        break;
      case 'f':
      case 'F':
        fill();
        break;
      case 'B':
      case 'b':
        stroke();
        fill();
        break;
      case 'S':
      case 's':
        stroke();
        end_path();
        break;
      case 'n':
        end_path();
        break;
      default:
        break;
      }
    } else if (tok_len == 2) {
      if (tok_is("cm", 2) && nums >= 6) {
        gs.ctm = gs.ctm.after(matrix{ o[-6], o[-5], o[-4], o[-3], o[-2], o[-1] });
      } else if (tok_is("re", 2) && nums >= 4) {
        move(o[-4], o[-3]);
        segment(o[-4] + o[-2], o[-3]);
        segment(o[-4] + o[-2], o[-3] + o[-1]);
        segment(o[-4], o[-3] + o[-1]);
        segment(o[-4], o[-3]);
      } else if (tok_is("f*", 2)) {
        fill();
      } else if (tok_is("B*", 2) || tok_is("b*", 2)) {
        stroke();
        fill();
      } else if (tok_is("sh", 2)) {
        paint(box);
      } else if (tok_is("BT", 2)) {
        tm = matrix{};
      } else if (tok_is("Tm", 2) && nums >= 6) {
        tm = matrix{ o[-6], o[-5], o[-4], o[-3], o[-2], o[-1] };
      } else if (tok_is("Tf", 2) && nums >= 1) {
        gs.font_size = o[-1];
        auto f = op_name ? type3->find(last_name) : type3->end();
        gs.font3 = f == type3->end() ? -1 : f->second;
        font_set = true;
      } else if (tok_is("Tz", 2) && nums >= 1) {
        gs.hscale = o[-1] / 100;
      } else if (tok_is("Tr", 2) && nums >= 1) {
        gs.invisible = o[-1] == 3 || o[-1] == 7;
      } else if (tok_is("Tj", 2) || tok_is("TJ", 2)) {
        show();
      } else if (tok_is("cs", 2) || tok_is("sc", 2) || tok_is("rg", 2)) {
        gs.fill_pattern = -1;
      } else if (tok_is("CS", 2) || tok_is("SC", 2) || tok_is("RG", 2)) {
        gs.stroke_pattern = -1;
      } else if (tok_is("gs", 2) && named) {
        if (drawn *set = entry(*states, last_name)) {
          set->times++;
          set->scale += gs.ctm.scale();
          set->depth = std::max(set->depth, saves);
        }
      }
    } else if (tok_is("scn", 3)) {
      gs.fill_pattern = named ? pattern_index(last_name) : -1;
    } else if (tok_is("SCN", 3)) {
      gs.stroke_pattern = named ? pattern_index(last_name) : -1;
    }
    nums = 0;
    str_bytes = 0;
    op_name = false;
    if (any_codes) {
      std::memset(codes, 0, sizeof codes);
      any_codes = false;
    }
  }

  bool tok_is(const char *s, size_t n) const { return tok_len == n && !std::memcmp(tok, s, n); }

  /* table[key], made when the tables hold fewer than max_names entries;
   * else nullptr (names_over) */
  template<typename K, typename V> V *entry(std::map<K, V> &table, const K &key)
  {
    auto it = table.find(key);
    if (it != table.end())
      return &it->second;
    if (out->size() + states->size() + masks->size() >= max_names) {
      names_over = true;
      return nullptr;
    }
    return &table[key];
  }

  void end_token()
  {
    if (st == NAME) {
      last_name.assign(tok, tok_len);
      have_name = true;
      op_name = true;
      if (in_bi)
        bi_key = tok_is("W", 1) || tok_is("Width", 5)       ? 'W'
                 : tok_is("H", 1) || tok_is("Height", 6)    ? 'H'
                 : tok_is("IM", 2) || tok_is("ImageMask", 9) ? 'M'
                                                             : 0;
    } else if (st == TOKEN) {
      drawn *dr = have_name && tok_is("Do", 2) ? entry(*out, last_name) : nullptr;
      if (dr) {
        dr->times++;
        dr->scale += gs.ctm.scale();
        dr->clipped += clip(gs.ctm.scale(), box);
        dr->depth = std::max(dr->depth, saves);
        /* the pattern's cells, if it is an image mask */
        if (painting && gs.fill_pattern >= 0)
          if (patterned *m = entry(*masks, std::make_pair(last_name, gs.fill_pattern))) {
            m->paints++;
            m->area += clip(gs.ctm.scale(), box);
          }
      }
      bool named = have_name;
      have_name = false;
      if (!in_bi && painting)
        operand_or_operator(named);
      if (bi_key == 'M') {
        bi_mask = tok_is("true", 4);
        bi_key = 0;
      } else if (bi_key) {
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
        bi_mask = false;
      } else if (tok_is("ID", 2)) {
        if (in_bi && bi_w > 0 && bi_h > 0) {
          uint64_t px = sat_mul((uint64_t)bi_w, (uint64_t)bi_h);
          *inline_pixels = sat_add(*inline_pixels, px);
          *largest_inline = std::max(*largest_inline, px);
        }
        if (in_bi && painting)   /* the unit square, as an image XObject's */
          paint(gs.ctm.scale(), bi_mask ? gs.fill_pattern : -1);
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
        if (gs.font3 >= 0) {
          i = string_codes(p, i, n);
          continue;
        }
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
          str_bytes++;
        }
        continue;
      case HEX: {
        if (gs.font3 >= 0) {
          i = hex_codes(p, i, n);
          continue;
        }
        const void *gt = std::memchr(p + i, '>', n - i);
        if (!gt)
          return;
        str_bytes += (size_t)((const unsigned char *)gt - p - (ptrdiff_t)i) / 2;
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
        oct_n = 0;
        have_name = false;
      } else if (c == '<') {
        if (i < n && p[i] == '<') {
          i++;   /* "<<" of a dictionary (split across chunks: read as a hex string's "<" then ">") */
        } else {
          st = HEX;
          hex_hi = -1;
        }
        have_name = false;
      } else if (c == '/') {
        st = NAME;
      } else {
        have_name = false;   /* ) > [ ] { } */
      }
    }
  }

  /* A literal string's bytes from p[i] on, its codes kept (escapes
   * decoded); returns where it stopped (n, or past its closing ")") */
  size_t string_codes(const unsigned char *p, size_t i, size_t n)
  {
    for (; i < n; i++) {
      unsigned char c = p[i];
      str_bytes++;
      if (oct_n) {
        if (c >= '0' && c <= '7' && oct_n < 3) {
          oct_v = oct_v * 8 + (c - '0');
          oct_n++;
          continue;
        }
        code(oct_v);
        oct_n = 0;
      }
      if (escape) {
        escape = false;
        if (c >= '0' && c <= '7') {
          oct_n = 1;
          oct_v = c - '0';
        } else if (c != '\r' && c != '\n') {   /* a line's end continues the string */
          code(c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c == 'b' ? '\b' : c == 'f' ? '\f' : c);
        }
      } else if (c == '\\') {
        escape = true;
      } else if (c == ')' && --depth == 0) {
        st = NORMAL;
        return i + 1;
      } else {
        depth += c == '(';
        code(c);
      }
    }
    return i;
  }

  /* The same for a hex string (an odd last digit is followed by a 0) */
  size_t hex_codes(const unsigned char *p, size_t i, size_t n)
  {
    for (; i < n; i++) {
      unsigned char c = p[i];
      if (c == '>') {
        if (hex_hi >= 0)
          code(hex_hi << 4);
        hex_hi = -1;
        st = NORMAL;
        return i + 1;
      }
      int v = g_ascii_xdigit_value((char)c);
      if (v < 0)
        continue;
      if (hex_hi < 0) {
        hex_hi = v;
      } else {
        code(hex_hi * 16 + v);
        str_bytes++;
        hex_hi = -1;
      }
    }
    return i;
  }

  void finish()
  {
    if (st == NAME || st == TOKEN)
      end_token();
  }
};

/* A number array's n numbers into v; false when it is not one. */
bool numbers(Object &a, int n, double *v)
{
  if (!a.isArray() || a.arrayGetLength() < n)
    return false;
  for (int i = 0; i < n; i++) {
    Object e = a.arrayGet(i);
    if (!e.isNum())
      return false;
    v[i] = e.getNum();
  }
  return true;
}

/* A resource dictionary's identity, so a form without resources of its own
 * (it uses those of whoever draws it) is costed once per set it meets. */
using res_key = std::pair<int, int>;   /* (kind, number): 1 indirect, 2 in form n, 3 in page n, 4 in font n */

struct draws_pass {
  XRef *xref;
  const pdf_limits *lim;
  pdf_scan *scan;
  std::map<std::pair<int, res_key>, cost> done;   /* form number, resources */
  std::map<int, bool> drawing;                    /* forms being costed: a form drawing itself is skipped */
  bool over = false;
  bool painting = false;                          /* the composited area is estimated too */

  /* What a content stream holds. */
  struct piece {
    uint64_t bytes = 0;                       /* decoded */
    std::map<std::string, drawn> draws;       /* name -> how it is drawn */
    uint64_t inline_pixels = 0;               /* its inline images' */
    uint64_t largest_inline = 0;              /* the largest of them */
    double area = 0;                          /* composited, in its own space (do_scanner) */
    uint64_t paints = 0;
  };

  /* Where a piece's decoded bytes go, a chunk at a time: counted and
   * tokenised by `sc` (which a page's content array shares, as poppler
   * draws it as one); false once over the stream limit. */
  struct reader {
    const pdf_limits *lim;
    piece *p;
    do_scanner *sc;

    bool take(const unsigned char *buf, size_t n)
    {
      p->bytes = sat_add(p->bytes, (uint64_t)n);
      if (p->bytes > lim->stream_bytes)
        return false;   /* over in any case */
      sc->feed(buf, n);
      return true;
    }

    static bool sink(void *arg, const unsigned char *buf, size_t n)
    {
      return static_cast<reader *>(arg)->take(buf, n);
    }
  };

  /* A stream decoded by its cheap filters (no other is content), and
   * tokenised by sc, whose counts go to p. */
  void read(Object &stream, do_scanner &sc, piece &p)
  {
    std::vector<Stream *> chain;
    if (!filter_chain(stream.getStream(), chain))
      return;
    for (size_t i = 0; i + 1 < chain.size(); i++)
      if (!cheap(chain[i]->getKind()))
        return;
    reader r{ lim, &p, &sc };
    sc.out = &p.draws;
    sc.inline_pixels = &p.inline_pixels;
    sc.largest_inline = &p.largest_inline;
    sc.area = &p.area;
    sc.paints = &p.paints;
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

  /* Adds what a piece costs. */
  void add(const piece &p, std::map<std::string, drawn> &draws, cost &c)
  {
    c.bytes = sat_add(c.bytes, p.bytes);
    c.inline_pixels = sat_add(c.inline_pixels, p.inline_pixels);
    c.largest = std::max(c.largest, p.largest_inline);
    c.area += p.area;
    c.paints = sat_add(c.paints, p.paints);
    for (auto &[name, d] : p.draws) {
      drawn &to = draws[name];
      to.times = sat_add(to.times, d.times);
      to.scale += d.scale;
      to.clipped += d.clipped;
      to.depth = std::max(to.depth, d.depth);
    }
  }

  /* The cost of drawing the content streams in `contents` (a stream, or an
   * array of them, drawn as one) with resources `res` (identified by rk),
   * clipped to `box` (its own space's area: a form's BBox, the page's);
   * level 0 is a page. When `painting` (the page is about to be rendered)
   * every content is tokenised: what it fills counts even when it draws no
   * XObject. */
  void content(Object &contents, Object &res, const res_key &rk, unsigned level, double box, cost &c)
  {
    Object xobjects = res.isDict() ? res.dictLookup("XObject") : Object(objNull);
    bool drawing_any = xobjects.isDict() && xobjects.dictGetLength() > 0;
    /* tokenised for what it draws: XObjects, inline images when the
     * objects' pass saw any in the document, and what it paints where the
     * page is about to be rendered */
    bool names = painting || drawing_any || scan->maybe_inline;
    std::map<std::string, drawn> draws;
    std::map<int, patterned> patterned_paints;
    std::map<std::pair<std::string, int>, patterned> masks;
    std::map<std::string, drawn> states;
    /* the resources' Type 3 fonts, where the page is rendered (their glyphs
     * are drawn there only: poppler's text device draws none) */
    Object fonts = painting && res.isDict() ? res.dictLookup("Font") : Object(objNull);
    std::map<std::string, int> type3;
    for (int i = 0; fonts.isDict() && i < fonts.dictGetLength(); i++) {
      Object font = fonts.dictGetVal(i);
      if (font.isDict() && font.dictLookup("Subtype").isName("Type3"))
        type3.emplace(fonts.dictGetKey(i), i);
    }
    std::map<std::pair<int, int>, drawn> glyphs;
    do_scanner sc;
    sc.type3 = &type3;
    sc.glyphs = &glyphs;
    sc.max_saved = lim->saved_states;
    sc.max_names = lim->drawn_names;
    sc.states = &states;
    sc.box = box;
    sc.painting = painting;
    sc.patterned_paints = &patterned_paints;
    sc.masks = &masks;
    if (contents.isStream()) {
      /* a page's one stream that draws nothing is bounded as a stream */
      if (!names && level == 0)
        return;
      piece p;
      read(contents, sc, p);
      sc.finish();
      add(p, draws, c);
    } else if (contents.isArray()) {
      if (!names && contents.arrayGetLength() <= 1)
        return;
      for (int i = 0; i < contents.arrayGetLength() && c.bytes <= lim->stream_bytes && !sc.names_over; i++) {
        Object s = contents.arrayGet(i);
        if (!s.isStream())
          continue;
        piece p;
        read(s, sc, p);
        add(p, draws, c);
        /* each piece's table is bounded by itself: the array's too */
        sc.names_over = sc.names_over || draws.size() + states.size() + masks.size() > lim->drawn_names;
      }
      sc.finish();
    }
    c.saves = std::max(c.saves, sc.deepest);
    c.inherits_font = c.inherits_font || sc.inherited_text;
    c.names = std::max(c.names, (uint64_t)(draws.size() + states.size() + masks.size()));
    if (sc.names_over && !over) {
      scan->over = PDF_OVER_NAMES;
      over = true;
    }
    check(c);
    if (over)
      return;
    for (auto &[name, dr] : draws) {
      if (over)
        return;
      uint64_t n = dr.times;
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
        if (w.isInt() && h.isInt() && w.getInt() > 0 && h.getInt() > 0) {
          uint64_t px = sat_mul((uint64_t)w.getInt(), (uint64_t)h.getInt());
          c.pixels = sat_add(c.pixels, sat_mul(px, n));
          c.largest = std::max(c.largest, px);
        }
        /* its soft mask and stencil mask are images decoded with it */
        for (const char *key : { "SMask", "Mask" }) {
          Object m = d->lookup(key);
          if (m.isStream())
            c.largest = std::max(c.largest, image_pixels(m.streamGetDict()));
        }
        /* and composites it over the unit square under the CTM */
        c.area += dr.clipped;
        c.paints = sat_add(c.paints, n);
        if (painting && is_jpx(d))   /* where it is rendered */
          c.jpx_bytes = std::max(c.jpx_bytes, pdf_jpx_bytes(x, lim));
        /* an image mask paints the fill colour, a pattern's cells too */
        Object mask = d->lookup("ImageMask");
        if (mask.isBool() && mask.getBool())
          for (auto it = masks.lower_bound({ name, -1 }); it != masks.end() && it->first.first == name; ++it) {
            patterned &to = patterned_paints[it->first.second];
            to.paints = sat_add(to.paints, it->second.paints);
            to.area += it->second.area;
            to.depth = std::max(to.depth, dr.depth);
          }
      } else if (subtype.isName("Form")) {
        int num = ref.isRef() ? ref.getRef().num : -1;
        if (num >= 0 && drawing.count(num))
          continue;   /* poppler does not draw a form inside itself */
        cost f;
        form(x, num, res, rk, level + 1, f);
        /* text it shows in the font it is drawn with, when that may be a
         * Type 3 font: its glyphs are not followed */
        if (f.inherits_font && !type3.empty())
          c.unfollowed = true;
        /* its area scaled by its /Matrix and each drawing CTM, no paint of
         * it larger than this content's box */
        add_drawn(c, f, n, clip(f.area * form_matrix(d).scale() * dr.scale, (double)f.paints * (double)n * box), dr.depth);
      }
      check(c);
    }
    if (!states.empty())
      soft_masks(states, res, rk, level, box, c);
    if (!patterned_paints.empty())
      patterns(sc, patterned_paints, res, rk, level, box, c);
    if (!glyphs.empty())
      type3_glyphs(glyphs, fonts, res, rk, level, box, c);
  }

  /* What showing Type 3 glyphs costs: poppler draws each glyph's procedure
   * (/CharProcs, by its name in /Encoding's /Differences) as a content
   * stream each time it is shown, with the font's /Resources or those of
   * the content showing it, mapped by /FontMatrix and the text's size and
   * matrices; costed like a form (a glyph drawing the font's own glyphs is
   * bounded as forms nest), each use counted, a code without a name (or a
   * name without a procedure) as the costliest of the font's procedures.
   * `fonts`: the resources' /Font, in which glyphs' fonts are indices. */
  void type3_glyphs(const std::map<std::pair<int, int>, drawn> &glyphs, Object &fonts, Object &res,
                    const res_key &rk, unsigned level, double box, cost &c)
  {
    std::map<int, cost> costliest;   /* by font */
    for (auto &[key, dr] : glyphs) {
      if (over)
        return;
      Object font = fonts.dictGetVal(key.first);
      Object fontref = fonts.dictGetValNF(key.first).copy();
      Object procs = font.isDict() ? font.dictLookup("CharProcs") : Object(objNull);
      if (!procs.isDict())
        continue;
      /* its resources, told apart as a form's */
      Object own = font.dictLookup("Resources");
      Object ownref = font.dictLookupNF("Resources").copy();
      res_key frk = !own.isDict() ? rk : ownref.isRef() ? res_key(1, ownref.getRef().num)
                                       : res_key(4, fontref.isRef() ? fontref.getRef().num : -1);
      Object &fres = own.isDict() ? own : res;
      matrix fm = font_matrix(font);
      /* a glyph's own space is clipped to the font's /FontBBox, else to its em square */
      double fbox = 0;
      Object bb = font.dictLookup("FontBBox");
      double v[4];
      if (numbers(bb, 4, v))
        fbox = std::fabs((v[2] - v[0]) * (v[3] - v[1]));
      if (!(fbox > 0))
        fbox = fm.scale() > 0 ? 1 / fm.scale() : 0;
      std::string name = glyph_name(font, key.second);
      cost f;
      Object proc = name.empty() ? Object(objNull) : procs.dictLookup(name.c_str());
      if (proc.isStream()) {
        Object ref = procs.dictLookupNF(name.c_str()).copy();
        int num = ref.isRef() ? ref.getRef().num : -1;
        if (num >= 0 && drawing.count(num))
          continue;   /* poppler does not draw a glyph inside itself */
        costed(proc, num, fres, frk, level + 1, fbox, f);
      } else {
        auto it = costliest.find(key.first);
        if (it == costliest.end()) {
          cost most;
          for (int i = 0; i < procs.dictGetLength() && !over; i++) {
            Object x = procs.dictGetVal(i);
            Object ref = procs.dictGetValNF(i).copy();
            int num = ref.isRef() ? ref.getRef().num : -1;
            if (!x.isStream() || (num >= 0 && drawing.count(num)))
              continue;
            cost one;
            costed(x, num, fres, frk, level + 1, fbox, one);
            most_of(most, one);
          }
          it = costliest.emplace(key.first, most).first;
        }
        f = it->second;
      }
      if (over)
        return;
      add_drawn(c, f, dr.times, clip(f.area * fm.scale() * dr.scale, (double)f.paints * (double)dr.times * box),
                dr.depth, false);
      check(c);
    }
  }

  /* The name /Encoding's /Differences give code `code` of font `font`, or "" */
  static std::string glyph_name(Object &font, int code)
  {
    Object enc = font.dictLookup("Encoding");
    Object diff = enc.isDict() ? enc.dictLookup("Differences") : Object(objNull);
    std::string name;
    int at = -1;
    for (int i = 0; diff.isArray() && i < diff.arrayGetLength(); i++) {
      Object e = diff.arrayGet(i);
      if (e.isInt())
        at = e.getInt();
      else if (e.isName() && at >= 0 && at++ == code)
        name = e.getName();   /* a later entry for the code wins, as in poppler */
    }
    return name;
  }

  /* A Type 3 font's /FontMatrix (poppler's default when not six numbers) */
  static matrix font_matrix(Object &font)
  {
    Object m = font.dictLookup("FontMatrix");
    double v[6];
    if (!m.isArray() || m.arrayGetLength() != 6 || !numbers(m, 6, v))
      return matrix{ 0.001, 0, 0, 0.001, 0, 0 };
    return matrix{ v[0], v[1], v[2], v[3], v[4], v[5] };
  }

  /* Each count of `most` at its largest of it and `one` */
  static void most_of(cost &most, const cost &one)
  {
    most.draws = std::max(most.draws, one.draws);
    most.bytes = std::max(most.bytes, one.bytes);
    most.depth = std::max(most.depth, one.depth);
    most.pixels = std::max(most.pixels, one.pixels);
    most.inline_pixels = std::max(most.inline_pixels, one.inline_pixels);
    most.area = std::max(most.area, one.area);
    most.paints = std::max(most.paints, one.paints);
    most.jpx_bytes = std::max(most.jpx_bytes, one.jpx_bytes);
    most.largest = std::max(most.largest, one.largest);
    most.unfollowed = most.unfollowed || one.unfollowed;
    most.saves = std::max(most.saves, one.saves);
    most.names = std::max(most.names, one.names);
    most.inherits_font = most.inherits_font || one.inherits_font;
  }

  /* A graphics state's soft mask (/SMask /G, a transparency group) is
   * drawn each time gs sets it (Gfx::doSoftMask()), under the CTM there: a
   * form drawn as often, with the resources of the content setting it when
   * it has none of its own. */
  void soft_masks(const std::map<std::string, drawn> &states, Object &res, const res_key &rk, unsigned level,
                  double box, cost &c)
  {
    Object dict = res.isDict() ? res.dictLookup("ExtGState") : Object(objNull);
    if (!dict.isDict())
      return;
    for (auto &[name, dr] : states) {
      if (over)
        return;
      Object st = dict.dictLookup(name.c_str());
      Object mask = st.isDict() ? st.dictLookup("SMask") : Object(objNull);
      if (!mask.isDict())
        continue;
      Object ref = mask.dictLookupNF("G").copy();
      Object g = mask.dictLookup("G");
      if (!g.isStream())
        continue;
      int num = ref.isRef() ? ref.getRef().num : -1;
      if (num >= 0 && drawing.count(num))
        continue;
      cost f;
      form(g, num, res, rk, level + 1, f);
      if (over)
        return;
      add_drawn(c, f, dr.times,
                clip(f.area * form_matrix(g.streamGetDict()).scale() * dr.scale, (double)f.paints * (double)dr.times * box),
                dr.depth);
      check(c);
    }
  }

  /* What painting with tiling patterns costs: poppler draws a pattern's
   * cell as a form for every step of it the paint covers (Gfx's
   * doTilingPatternFill(); the Cairo device draws one cell and repeats it
   * only for some patterns: a 1-point cell over a page took pdftocairo the
   * time of a blank page when its step was its BBox, 39 s more when its
   * BBox was larger, 88 s more when rotated; so every cell counts). Each paint's cells are its area (clipped to the
   * content's box) over the cell's, in its own space (the pattern's
   * /Matrix maps the cell there), and at least one: a paint's box
   * straddling cells makes that an estimate, a thin stroke across
   * square cells up to 4 times as many. Each cell is costed like a form
   * drawn once for each: its draws, content bytes, images, and the area
   * it composites, clipped to its BBox. A pattern painted inside its own
   * cell is skipped, as a form drawing itself is. */
  void patterns(const do_scanner &sc, const std::map<int, patterned> &paints, Object &res, const res_key &rk,
                unsigned level, double box, cost &c)
  {
    Object dict = res.isDict() ? res.dictLookup("Pattern") : Object(objNull);
    if (!dict.isDict())
      return;
    for (auto &[index, p] : paints) {
      if (over)
        return;
      if ((size_t)index < sc.patterns.size()) {
        pattern(dict, sc.patterns[(size_t)index].c_str(), p, res, rk, level, box, c);
        continue;
      }
      /* past MAX_PATTERNS names: charged to each of them */
      for (int i = 0; i < dict.dictGetLength() && !over; i++)
        pattern(dict, dict.dictGetKey(i), p, res, rk, level, box, c);
    }
  }

  void pattern(Object &dict, const char *name, const patterned &p, Object &res, const res_key &rk, unsigned level,
               double box, cost &c)
  {
    Object ref = dict.dictLookupNF(name).copy();
    Object x = dict.dictLookup(name);
    if (!x.isStream())
      return;   /* a shading pattern (a dictionary): its paint's area is counted */
    Dict *d = x.streamGetDict();
    Object type = d->lookup("PatternType"), xstep = d->lookup("XStep"), ystep = d->lookup("YStep");
    if (!type.isInt() || type.getInt() != 1 || !xstep.isNum() || !ystep.isNum())
      return;
    int num = ref.isRef() ? ref.getRef().num : -1;
    if (num >= 0 && drawing.count(num))
      return;
    cost f;
    form(x, num, res, rk, level + 1, f);
    if (over)
      return;
    double scale = form_matrix(d).scale();
    double cell = std::fabs(xstep.getNum() * ystep.getNum()) * scale;
    double cells = (double)p.paints + (cell > 0 && std::isfinite(cell) ? p.area / cell : 0);
    uint64_t n = !(cells < 1.8e19) ? UINT64_MAX : (uint64_t)std::ceil(cells);
    add_drawn(c, f, n, clip(f.area * scale * cells, (double)f.paints * cells * box), p.depth);
    check(c);
  }

  /* Adds the cost f of a form (or a pattern's cell) drawn n times,
   * compositing `area` in all. */
  static void add_drawn(cost &c, const cost &f, uint64_t n, double area, uint64_t depth, bool self = true)
  {
    /* drawing a form saves a state, and its own inside it */
    c.saves = std::max(c.saves, sat_add(depth, sat_add(f.saves, 1)));
    c.names = std::max(c.names, f.names);
    c.inherits_font = c.inherits_font || f.inherits_font;
    c.draws = sat_add(c.draws, sat_mul(sat_add(f.draws, self ? 1 : 0), n));   /* a glyph is no draw of its own */
    c.bytes = sat_add(c.bytes, sat_mul(f.bytes, n));
    c.pixels = sat_add(c.pixels, sat_mul(f.pixels, n));
    c.inline_pixels = sat_add(c.inline_pixels, sat_mul(f.inline_pixels, n));
    c.jpx_bytes = std::max(c.jpx_bytes, f.jpx_bytes);
    c.largest = std::max(c.largest, f.largest);
    c.unfollowed = c.unfollowed || f.unfollowed;
    c.depth = std::max(c.depth, f.depth + 1);
    c.area += area;
    c.paints = sat_add(c.paints, sat_mul(f.paints, n));
  }

  /* An image dictionary's /Width x /Height (0 when not two positive integers). */
  static uint64_t image_pixels(Dict *d)
  {
    Object w = d->lookup("Width"), h = d->lookup("Height");
    if (!w.isInt() || !h.isInt() || w.getInt() <= 0 || h.getInt() <= 0)
      return 0;
    return sat_mul((uint64_t)w.getInt(), (uint64_t)h.getInt());
  }

  /* An image whose last filter is JPXDecode (a name or an array's last). */
  static bool is_jpx(Dict *d)
  {
    Object f = d->lookup("Filter");
    if (f.isArray() && f.arrayGetLength() > 0)
      f = f.arrayGet(f.arrayGetLength() - 1);
    return f.isName("JPXDecode");
  }

  /* A form's /Matrix (identity when not six numbers). */
  static matrix form_matrix(Dict *d)
  {
    Object m = d->lookup("Matrix");
    double v[6];
    if (!m.isArray() || m.arrayGetLength() != 6 || !numbers(m, 6, v))
      return matrix{};
    return matrix{ v[0], v[1], v[2], v[3], v[4], v[5] };
  }

  /* A form's /BBox area in its own space (0 when none: it then draws nothing). */
  static double form_box(Dict *d)
  {
    Object b = d->lookup("BBox");
    double v[4];
    if (!b.isArray() || b.arrayGetLength() != 4 || !numbers(b, 4, v))
      return 0;
    return std::fabs((v[2] - v[0]) * (v[3] - v[1]));
  }

  /* A form's cost (memoised), drawn with `parent` resources when it has none. */
  void form(Object &x, int num, Object &parent, const res_key &parent_key, unsigned level, cost &out)
  {
    Object own = x.streamGetDict()->lookup("Resources");
    Object ownref = x.streamGetDict()->lookupNF("Resources").copy();
    res_key rk = !own.isDict() ? parent_key : ownref.isRef() ? res_key(1, ownref.getRef().num) : res_key(2, num);
    costed(x, num, own.isDict() ? own : parent, rk, level, form_box(x.streamGetDict()), out);
  }

  /* The cost of content stream x (object num, -1: direct) drawn with
   * resources `res` (rk), clipped to `box`, at nesting `level`: memoised. */
  void costed(Object &x, int num, Object &res, const res_key &rk, unsigned level, double box, cost &out)
  {
    if (level > PDF_MAX_NESTING) {
      scan->over = PDF_OVER_NESTING;
      over = true;
      return;
    }
    auto key = std::make_pair(num, rk);
    if (num >= 0) {
      auto it = done.find(key);
      if (it != done.end()) {
        out = it->second;
        return;
      }
      drawing[num] = true;
    }
    content(x, res, rk, level, box, out);
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
    } else if (painting && c.saves > lim->saved_states) {
      scan->over = PDF_OVER_SAVES;   /* where it is rendered (its text's reading counts its own) */
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

/* The appearance stream poppler draws for annotation `annot` whose /AP is
 * `ap` (Annot's constructor and AnnotAppearance::getAppearanceStream()):
 * /N when it is a reference; when it is a dictionary of states, the one
 * /AS names, else its only one, else /Off. Into *x (not a stream when
 * none), its object number into *num (-1: direct). */
static void appearance(XRef *xref, Object &annot, Object &ap, Object *x, int *num)
{
  Object n = ap.isDict() ? ap.dictLookupNF("N").copy() : Object(objNull);
  Object chosen;
  if (n.isDict()) {
    Object as = annot.dictLookup("AS");
    std::string state = as.isName() ? as.getName() : n.dictGetLength() == 1 ? n.dictGetKey(0) : "Off";
    chosen = n.dictLookupNF(state.c_str()).copy();
  } else if (n.isRef()) {
    chosen = std::move(n);
  }
  *num = chosen.isRef() ? chosen.getRef().num : -1;
  *x = chosen.fetch(xref);
}

/* What the appearances of a page's annotations draw (poppler renders them
 * with the page, Gfx::drawAnnot()), into c: each annotation's appearance
 * stream (appearance()) as a form drawn once, its BBox under its Matrix
 * mapped onto the annotation's /Rect, so its area scales by the Matrix and
 * that mapping. Annotations poppler does not draw on screen are skipped:
 * flagged Hidden (2) or NoView (32), without a /Rect, or an appearance
 * without a /BBox. `box`: the page's area. */
static void annotations(draws_pass &pass, Page *page, Object &res, int number, double box, cost &c)
{
  Object annots = page->getAnnotsObject();
  for (int i = 0; annots.isArray() && i < annots.arrayGetLength() && !pass.over; i++) {
    Object annot = annots.arrayGet(i);
    if (!annot.isDict())
      continue;
    Object flags = annot.dictLookup("F");
    if (flags.isInt() && (flags.getInt() & (2 | 32)))
      continue;
    Object rectobj = annot.dictLookup("Rect");
    double rect[4];
    if (!numbers(rectobj, 4, rect))
      continue;
    Object ap = annot.dictLookup("AP");
    Object x;
    int num;
    appearance(pass.xref, annot, ap, &x, &num);
    if (!x.isStream())
      continue;
    Object bboxobj = x.streamGetDict()->lookup("BBox");
    double bbox[4];
    if (!numbers(bboxobj, 4, bbox))
      continue;
    cost f;
    pass.form(x, num, res, res_key(3, number), 1, f);
    /* the BBox's corners under the Matrix, and their box scaled onto the Rect */
    matrix m = draws_pass::form_matrix(x.streamGetDict());
    double xs[4], ys[4];
    m.apply(bbox[0], bbox[1], &xs[0], &ys[0]);
    m.apply(bbox[2], bbox[1], &xs[1], &ys[1]);
    m.apply(bbox[2], bbox[3], &xs[2], &ys[2]);
    m.apply(bbox[0], bbox[3], &xs[3], &ys[3]);
    double w = *std::max_element(xs, xs + 4) - *std::min_element(xs, xs + 4);
    double h = *std::max_element(ys, ys + 4) - *std::min_element(ys, ys + 4);
    double sx = w == 0 ? 1 : std::fabs(rect[2] - rect[0]) / w, sy = h == 0 ? 1 : std::fabs(rect[3] - rect[1]) / h;
    if (!pass.over && (f.paints || f.draws || f.largest))
      draws_pass::add_drawn(c, f, 1, clip(f.area * m.scale() * sx * sy, (double)f.paints * box), 0);
    pass.check(c);
  }
}

/* One page's cost; true when a limit was passed (pass->scan->over). */
static bool page_cost(draws_pass &pass, Page *page, int number, cost &c)
{
  Object contents = page->getContents();
  Object res = page->getResourceDictObject()->copy();
  double box = std::fabs(page->getCropWidth() * page->getCropHeight());
  pass.content(contents, res, res_key(3, number), 0, box, c);
  pass.check(c);
  if (pass.painting && !pass.over)
    annotations(pass, page, res, number, box, c);
  /* how many times over rendering it composites the page's area */
  c.area = box > 0 ? c.area / box : 0;
  return pass.over;
}

void pdf_scan_draws(PDFDoc *doc, const pdf_limits *lim, pdf_scan *scan)
{
  draws_pass pass{ doc->getXRef(), lim, scan, {}, {}, false, false };
  Catalog *cat = doc->getCatalog();
  for (int i = 1; i <= doc->getNumPages() && !pass.over; i++) {
    Page *page = cat->getPage(i);
    if (!page)
      continue;
    cost c;
    page_cost(pass, page, i, c);
    scan->most_draws = std::max(scan->most_draws, c.draws);
    scan->deepest_forms = std::max(scan->deepest_forms, (uint64_t)c.depth);
    scan->most_page_pixels = std::max(scan->most_page_pixels, sat_add(c.pixels, c.inline_pixels));
    if (pass.over) {
      scan->over_page = i;
      scan->over_draws = c.draws;
      scan->over_pixels = c.inline_pixels;
    }
  }
}

extern "C" unsigned int pdf_scan_render(const unsigned char *data, size_t len, const char *password,
                                        const pdf_limits *lim, unsigned int first, unsigned int count,
                                        pdf_page_cost *out)
{
  if (!globalParams)
    return 0;   /* set up (and kept) by pdf_open() */
  std::optional<GooString> pw;
  if (password)
    pw = GooString(password);
  PDFDoc doc(new MemStream(reinterpret_cast<const char *>(data), 0, (Goffset)len, Object(objNull)), pw, pw);
  if (!doc.isOk())
    return 0;
  pdf_scan scan{};
  scan.maybe_inline = true;
  draws_pass pass{ doc.getXRef(), lim, &scan, {}, {}, false, true };
  unsigned int done = 0;
  for (unsigned int k = 0; k < count && first + k < (unsigned int)doc.getNumPages(); k++) {
    Page *page = doc.getCatalog()->getPage((int)(first + k) + 1);
    cost c;
    if (page)
      page_cost(pass, page, (int)(first + k) + 1, c);
    out[k].pixels = sat_add(c.pixels, c.inline_pixels);
    out[k].coverage = c.area;
    out[k].jpx_bytes = c.jpx_bytes;
    out[k].draws = c.draws;
    out[k].over = scan.over;   /* costing stopped there */
    out[k].largest_image = c.largest;
    out[k].unfollowed_images = c.unfollowed;
    out[k].saves = c.saves;
    out[k].names = c.names;
    done++;
    pass.over = false;   /* the limits before any page was read were checked then, but for patterns' cells */
    scan.over = PDF_OVER_NONE;
  }
  return done;
}
