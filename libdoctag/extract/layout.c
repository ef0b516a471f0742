/* Lines from poppler's words (words.h): direction, bidi order, hyphens.
 *
 * Words come in poppler's reading order, each with its rotation, the
 * page's own first and then those of its form fields and annotations. A word
 * continues the line of the previous one when both run the same way, sit on
 * the same baseline and it does not jump back against the direction of
 * writing; so a label turned 90° stays one word, a vertical column of CJK
 * text one line, and the next column (back at the top) a new line.
 *
 * Right-to-left scripts: poppler gives a line's words, and the letters of a
 * Hebrew or Arabic word, in visual order (left to right on the page).
 * The Unicode bidirectional algorithm (fribidi) turns a line back into
 * logical order: its reordering, run on the visual string, gives the
 * reading order (numbers and Latin words inside stay left to right).
 * fribidi rather than ICU's ubidi: the same algorithm (UAX #9), a small C
 * library with no data files, and the reordering call takes the levels
 * directly; doctag links no ICU yet. Presentation forms (the Latin
 * ligatures "ﬁ", "ﬀ", and the shaped Arabic glyphs old PDFs map to) become
 * the letters people type (NFKC), as MuPDF and PDFBox give them: a search
 * for "specific" finds "speciﬁc". */
#include "extract/internal.h"
#include "extract/wordlist.h"
#include "core/utf8.h"

#include <fribidi.h>
#include <math.h>
#include <string.h>

/* A word continues the line unless its baseline moves by more than this
 * share of the line's thickness, or it starts this many font sizes back. */
#define LINE_SHIFT 0.6
#define LINE_BACK 1.0
/* A gap this many font sizes wide is a space even where poppler saw none
 * (a form field's value beside its caption, drawn by another stream). */
#define SPACE_GAP 0.8
/* A page draws its spaces when at least this many of poppler's spaces, and
 * this many times as many as not, have something drawn in them; there a
 * space poppler saw between letters of a script of India with nothing
 * drawn in it, narrower than JOIN_UNDRAWN font sizes, is no word break.
 * Such gaps reach 0.32 em in cairo's Telugu and 0.64 em in its Oriya;
 * wider ones may be table cells drawn side by side with no space between
 * (0.98 em in the corpus's crop circular). */
#define DRAWN_SPACES_MIN 5
#define DRAWN_SPACES_RATIO 3
#define JOIN_UNDRAWN 0.7
/* There, a space glyph drawn between two such words is a word break when
 * the gap after the furthest glyph before it is at least this share of
 * the space's own advance: a gap's width in font sizes cannot tell (real
 * spaces from 0.217 em, Chrome's Tamil serif, to 0.31; poppler's gaps after
 * a mark it gave no width reach 0.21 em, but have nothing drawn in them),
 * while the share can: every drawn space of the office-suite and generated
 * fixtures shows 0.7 to 1.7 of its advance, what else is drawn in a word
 * (a ZWJ, a mark of its own) none. A gap with something drawn in it but no
 * space glyph is a space from JOIN_DRAWN font sizes, as before. */
#define JOIN_SPACE_SHARE 0.5
#define JOIN_DRAWN 0.2

/* The box of a word or glyph in the frame of its rotation: along the
 * direction of writing (a0 < a1) and across it (c0 < c1). */
typedef struct frame {
  double a0, a1, c0, c1;
} frame;

/* inline: called for every glyph (gcc -O2 made it a call, 14 M instructions
 * of a 200-page text PDF's layout pass of 88 M) */
static inline frame frame_of(const words_box *b, unsigned int rot)
{
  switch (rot) {
  case 1: return (frame){ b->y1, b->y2, -b->x2, -b->x1 };
  case 2: return (frame){ -b->x2, -b->x1, -b->y2, -b->y1 };
  case 3: return (frame){ -b->y2, -b->y1, b->x1, b->x2 };
  default: return (frame){ b->x1, b->x2, b->y1, b->y2 };
  }
}

static double word_size(const words_word *w, const frame *f)
{
  /* boxes are 1.16 (DejaVu) to 1.56 (Noto Devanagari) font sizes thick */
  return w->size > 0 ? w->size : (f->c1 - f->c0) / 1.3;
}

/* The marks that steer bidi display (LRM, RLM, ALM, the embeddings,
 * overrides and isolates): a line in logical order has done with them,
 * and inside a word they split it for a search ("\u200E-5\u200E"). */
static bool is_direction_mark(gunichar c)
{
  return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* TeX's ligatures in a font without a ToUnicode map (dvips' bitmap Type 3
 * fonts, glyphs named by their codes): poppler gives the glyph's code, a
 * control character no text holds, where the page shows "ff", "fi", "fl",
 * "ffi" or "ffl" (codes 27-31 of TeX's T1 encoding, 11-15 of OT1:
 * "signi\x1ccation"). Beside a Latin letter such a code is read as its
 * ligature; elsewhere it is left as it is (a garbled layer's). */
/* a letter of ASCII or Latin-1 (TeX's text around a ligature; a garbled
 * layer's code points are scattered over every block) */
static bool latin_letter(gunichar c)
{
  return c < 0x80 ? g_ascii_isalpha(c) : c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7;
}

static const char *tex_ligature(gunichar c, gunichar before, gunichar after)
{
  static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl" };
  unsigned int k;
  if (c >= 0x1B && c <= 0x1F)
    k = c - 0x1B;
  else if (c >= 0x0B && c <= 0x0F)
    k = c - 0x0B;
  else
    return NULL;
  /* each side a letter of the text or a space or ASCII punctuation: codes
   * in a row, or among other blocks' letters, are a garbled layer */
  bool ok_before = latin_letter(before) || (before >= 0x20 && before < 0x80 && !g_ascii_isalnum(before));
  bool ok_after = latin_letter(after) || (after >= 0x20 && after < 0x80 && !g_ascii_isalnum(after));
  return ok_before && ok_after && (latin_letter(before) || latin_letter(after)) ? lig[k] : NULL;
}

typedef struct glyph_span {
  double a0, a1, size;       /* along the line; a space: a0 > a1 */
} glyph_span;

/* Strong letters: right to left, and others (left to right). */
typedef struct letters {
  size_t r, l;
} letters;

/* The strong letters of each poppler block and flow of a page, and of
 * the whole page, counted when a line first asks (page_letters_count()). */
typedef struct page_letters {
  const words_page *wp;
  letters *block, *flow;     /* [b] for block b, [f] for flow f; NULL: not counted yet */
  letters all;
} page_letters;

/* One line being built, in visual order. Its arrays are sized once per
 * page for the page's characters and a space after each word, the most a
 * line can hold, so adding a character never grows them. */
typedef struct line {
  gunichar *chars;
  glyph_span *span;          /* of each character */
  guint len;
  letters own;               /* its strong letters */
  unsigned int word0, word1; /* its words: wp->words[word0 .. word1] (word1 < word0: none) */
  page_letters *page;        /* the page's */
} line;

/* When a font maps one glyph to several characters (a whole Arabic word in
 * one ToUnicode entry, the lam-alef ligature), the characters are in the
 * mapping's, logical, order, and poppler either cuts the glyph's width into
 * equal slices or gives the first character all of it and the others none.
 * Returns the length of such a run of right-to-left characters at i, or 0. */
static guint one_glyph_run(const line *l, guint i)
{
  const gunichar *u = l->chars;
  const glyph_span *g = l->span;
  guint n = l->len;
  if (i + 1 >= n || !words_rtl_char(u[i]) || !(g[i].a1 > g[i].a0))
    return 0;
  double width = g[i].a1 - g[i].a0;
  bool lam_alef = u[i] == 0x0644 && (u[i + 1] == 0x0622 || u[i + 1] == 0x0623 || u[i + 1] == 0x0625 || u[i + 1] == 0x0627);
  guint j = i + 1;
  /* the first character has the glyph, the others none, at its start */
  while (j < n && words_rtl_char(u[j]) && fabs(g[j].a1 - g[j].a0) < 0.01 && fabs(g[j].a0 - g[i].a0) < 0.01)
    j++;
  if (j > i + 1)
    return j - i;
  /* equal slices, narrower than any letter (or the two halves of lam-alef) */
  if (width > 0.15 * g[i].size && !lam_alef)
    return 0;
  double end = g[i].a1;
  while (j < n && words_rtl_char(u[j]) && fabs((g[j].a1 - g[j].a0) - width) < 0.02 && fabs(g[j].a0 - end) < 0.02
         && (!lam_alef || j < i + 2)) {
    end = g[j].a1;
    j++;
  }
  return j - i >= 2 ? j - i : 0;
}

/* Puts such runs in reverse, so that the line's reordering puts them right. */
static void reverse_glyph_runs(line *l)
{
  gunichar *u = l->chars;
  for (guint i = 0; i < l->len;) {
    guint run = one_glyph_run(l, i);
    if (run < 2) {
      i++;
      continue;
    }
    for (guint a = i, b = i + run - 1; a < b; a++, b--) {
      gunichar t = u[a];
      u[a] = u[b];
      u[b] = t;
    }
    i += run;
  }
}

/* Counts c in n->r when it is a right-to-left letter, in n->l when it is
 * another letter (strong left to right). */
static inline void count_strong(gunichar c, letters *n)
{
  if (words_rtl_char(c))
    n->r += g_unichar_isalpha(c);
  else if (c < 0x80 ? g_ascii_isalpha(c) : g_unichar_isalpha(c))
    n->l++;
}

/* p, its letters counted (once a page: only a line with right-to-left
 * letters asks). */
static const page_letters *page_letters_count(page_letters *p)
{
  if (p->block)
    return p;
  const words_page *wp = p->wp;
  unsigned int nb = 0, nf = 0;
  for (unsigned int k = 0; k < wp->nwords; k++) {
    nb = MAX(nb, wp->words[k].block);
    nf = MAX(nf, wp->words[k].flow);
  }
  p->block = g_new0(letters, (gsize)nb + 1);
  p->flow = g_new0(letters, (gsize)nf + 1);
  for (unsigned int k = 0; k < wp->nwords; k++) {
    const words_word *w = &wp->words[k];
    for (unsigned int i = 0; i < w->len; i++) {
      letters n = { 0, 0 };
      count_strong(wp->chars[w->first + i], &n);
      p->block[w->block].r += n.r;
      p->block[w->block].l += n.l;
      p->flow[w->flow].r += n.r;
      p->flow[w->flow].l += n.l;
      p->all.r += n.r;
      p->all.l += n.l;
    }
  }
  return p;
}

static void page_letters_clear(page_letters *p)
{
  g_free(p->block);
  g_free(p->flow);
}

/* Whether a right-to-left paragraph holds the line: the majority of the
 * strong letters of the poppler blocks (paragraphs, cells) its words are
 * in, where one side has twice the other's; else of their flows (columns),
 * else of the page; else of the line's own. A line is no paragraph:
 * "Microsoft Word 12% ושם באנגלית", more Latin letters than Hebrew ones,
 * is a line of a Hebrew paragraph and reads from the right, as its
 * paragraph does. */
static bool line_rtl(line *l)
{
  letters block = { 0, 0 }, flow = { 0, 0 };
  const page_letters *p = page_letters_count(l->page);
  unsigned int last_block = 0, last_flow = 0;
  for (unsigned int k = l->word0; k <= l->word1 && k < p->wp->nwords; k++) {
    const words_word *w = &p->wp->words[k];
    if (w->block && w->block != last_block) {
      block.r += p->block[w->block].r;
      block.l += p->block[w->block].l;
    }
    if (w->flow && w->flow != last_flow) {
      flow.r += p->flow[w->flow].r;
      flow.l += p->flow[w->flow].l;
    }
    last_block = w->block;
    last_flow = w->flow;
  }
  const letters *by[] = { &block, &flow, &p->all };
  for (size_t i = 0; i < G_N_ELEMENTS(by); i++)
    if (by[i]->r + by[i]->l && (by[i]->r >= 2 * by[i]->l || by[i]->l >= 2 * by[i]->r))
      return by[i]->r > by[i]->l;
  return l->own.r >= l->own.l;
}

/* A minus or plus sign drawn right before digits, after a space or at the
 * line's start ("-5", "+972"), is the number's own sign: a number in
 * visual order keeps it on its left, as the digits are left to right. It
 * is typed as a digit (EN), so that it stays there; otherwise the
 * reordering, taking the sign for a neutral between right-to-left runs,
 * moves it behind the digits ("5-"), which is where an unmarked sign
 * typed before them would have been drawn, but the sign written so
 * (drawn left of its digits) is the one people mean. */
static void sign_of_number(const FriBidiChar *s, FriBidiStrIndex n, FriBidiCharType *types)
{
  for (FriBidiStrIndex i = 0; i + 1 < n; i++)
    if ((s[i] == '-' || s[i] == '+' || s[i] == 0x2212) && (i == 0 || s[i - 1] == ' ')
        && (types[i + 1] == FRIBIDI_TYPE_EN || types[i + 1] == FRIBIDI_TYPE_AN))
      types[i] = FRIBIDI_TYPE_EN;
}

/* Visual to logical order: fribidi's reordering (rule L2) on the visual
 * string, with the direction of its paragraph (line_rtl()). */
static void bidi_logical(line *l)
{
  FriBidiStrIndex n = (FriBidiStrIndex)l->len;
  FriBidiChar *s = l->chars;
  FriBidiCharType *types = g_new(FriBidiCharType, n);
  FriBidiBracketType *brackets = g_new(FriBidiBracketType, n);
  FriBidiLevel *levels = g_new(FriBidiLevel, n);
  fribidi_get_bidi_types(s, n, types);
  sign_of_number(s, n, types);
  fribidi_get_bracket_types(s, n, types, brackets);
  FriBidiParType base = line_rtl(l) ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
  if (fribidi_get_par_embedding_levels_ex(types, brackets, n, &base, levels)
      && !fribidi_reorder_line(0, types, n, 0, base, levels, s, NULL))
    g_debug("fribidi could not reorder a line of %d characters", (int)n);
  g_free(types);
  g_free(brackets);
  g_free(levels);
}

static void flush_line(line *l, GString *out)
{
  while (l->len && (l->chars[l->len - 1] == ' ' || l->chars[l->len - 1] == 0xA0))
    l->len--;
  if (!l->len)
    return;
  if (l->own.r) {
    reverse_glyph_runs(l);
    bidi_logical(l);
  }
  const gunichar *u = l->chars;
  for (guint i = 0; i < l->len; i++) {
    gunichar c = u[i];
    const char *lig = c < 0x20 ? tex_ligature(c, i ? u[i - 1] : ' ', i + 1 < l->len ? u[i + 1] : ' ') : NULL;
    if (lig) {
      g_string_append(out, lig);
    } else if (c < 0x80) {
      g_string_append_c(out, (char)c);
    } else if (is_direction_mark(c)) {
      continue;
    } else if (utf8_is_presentation_form(c)) {
      char buf[8];
      buf[g_unichar_to_utf8(c, buf)] = '\0';
      char *k = g_utf8_normalize(buf, -1, G_NORMALIZE_NFKC);
      g_string_append(out, k ? k : buf);
      g_free(k);
    } else {
      g_string_append_unichar(out, c);
    }
  }
  g_string_append_c(out, '\n');
  l->len = 0;
  l->own = (letters){ 0, 0 };
  l->word0 = 1;
  l->word1 = 0;
}

/* The line goes on with word k (whose block and flow count for the
 * line's direction, line_rtl()). */
static void line_word(line *l, unsigned int k)
{
  if (l->word1 < l->word0)
    l->word0 = k;
  l->word1 = k;
}

/* inline for the same reason as frame_of() */
static inline void line_add(line *l, gunichar c, double a0, double a1, double size)
{
  l->chars[l->len] = c;
  l->span[l->len++] = (glyph_span){ a0, a1, size };
  count_strong(c, &l->own);
}

static bool is_letter(gunichar c)
{
  return c < 0x80 ? g_ascii_isalpha(c) : g_unichar_isalpha(c);
}

/* ---------------------------------------------------------------- hyphens */

static bool is_hyphen(gunichar c)
{
  return c == '-' || c == 0x00AD || c == 0x2010;
}

/* Words of a text, lower-cased, for "does the joined form occur here". */
static GHashTable *word_set(const char *text, GHashTable *into)
{
  GHashTable *h = into ? into : g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const char *p = text;
  while (*p) {
    /* ASCII without decoding: most of the text */
    while (*p && ((unsigned char)*p < 0x80 ? !g_ascii_isalpha(*p) : !is_letter(g_utf8_get_char(p))))
      p = (unsigned char)*p < 0x80 ? p + 1 : g_utf8_next_char(p);
    const char *w = p;
    bool ascii = true;
    while (*p && ((unsigned char)*p < 0x80 ? g_ascii_isalpha(*p) : is_letter(g_utf8_get_char(p)))) {
      ascii &= (unsigned char)*p < 0x80;
      p = (unsigned char)*p < 0x80 ? p + 1 : g_utf8_next_char(p);
    }
    /* most words are seen before: looked up lower-cased in place, copied
     * only when new (a page's words are counted for every page kept or
     * streamed, see extract.c) */
    char buf[64];
    size_t n = (size_t)(p - w);
    if (ascii && n < sizeof buf) {
      for (size_t i = 0; i < n; i++)
        buf[i] = g_ascii_isupper(w[i]) ? (char)(w[i] - 'A' + 'a') : w[i]; /* g_ascii_tolower() is a call */
      buf[n] = '\0';
      if (n && !g_hash_table_contains(h, buf))
        g_hash_table_add(h, g_strndup(buf, n));
    } else if (n) {
      char *low = g_utf8_strdown(w, (gssize)n);
      if (g_hash_table_contains(h, low))
        g_free(low);
      else
        g_hash_table_add(h, low);
    }
  }
  return h;
}

GHashTable *layout_words(const char *text, GHashTable *into)
{
  return word_set(text, into);
}

static bool known_word(GHashTable *page_words, GHashTable *doc_words, const char *w)
{
  if ((page_words && g_hash_table_contains(page_words, w)) || (doc_words && g_hash_table_contains(doc_words, w)))
    return true;
  return wordlist_has(w, strlen(w));
}

/* Whether "w0-" at a line end and "w1" starting the next line are one word:
 * a soft hyphen always joins; "ex-|isting" joins where "existing" is a word
 * of the page, of the document or of the word list; a compound
 * ("well-|known") stays as printed. h: the hyphen, right after w0. */
static bool hyphen_joins(const char *w0, const char *h, const char *w1, const char *w1_end, GHashTable *page_words,
                         GHashTable *doc_words)
{
  if (g_utf8_get_char(h) == 0x00AD)
    return true;
  GString *joined = g_string_new_len(w0, h - w0);
  g_string_append_len(joined, w1, w1_end - w1);
  char *low = g_utf8_strdown(joined->str, (gssize)joined->len);
  bool join = known_word(page_words, doc_words, low);
  g_free(low);
  g_string_free(joined, TRUE);
  return join;
}

/* The letters that end at `end` (from no further back than `start`). */
static const char *letters_before(const char *start, const char *end)
{
  const char *w0 = end;
  while (w0 > start) {
    const char *q = g_utf8_find_prev_char(start, w0);
    if (!q || !is_letter(g_utf8_get_char(q)))
      break;
    w0 = q;
  }
  return w0;
}

static const char *letters_after(const char *p, const char *end)
{
  while (p < end && is_letter(g_utf8_get_char(p)))
    p = g_utf8_next_char(p);
  return p;
}

/* The hyphen ending the line [p, nl) after a letter ("ex-"), or NULL. */
static const char *line_end_hyphen(const char *p, const char *nl)
{
  const char *h = nl > p ? g_utf8_find_prev_char(p, nl) : NULL;
  const char *before = h && h > p ? g_utf8_find_prev_char(p, h) : NULL;
  return h && before && is_hyphen(g_utf8_get_char(h)) && is_letter(g_utf8_get_char(before)) ? h : NULL;
}

unsigned int layout_join_hyphens(GString *text)
{
  return layout_join_hyphens_in(text, NULL);
}

bool layout_has_hyphen_end(const char *text)
{
  return strstr(text, "-\n") || strstr(text, "\xc2\xad\n") || strstr(text, "\xe2\x80\x90\n");
}

unsigned int layout_join_hyphens_in(GString *text, GHashTable *doc_words)
{
  if (!layout_has_hyphen_end(text->str))
    return 0;
  GHashTable *words = NULL;
  GString *out = g_string_sized_new(text->len);
  unsigned int joins = 0;
  const char *p = text->str, *end = text->str + text->len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      g_string_append_len(out, p, end - p);
      break;
    }
    /* the line ends "letters-" and the next one starts with a lower-case letter */
    const char *h = line_end_hyphen(p, nl);
    gunichar next = nl + 1 < end ? g_utf8_get_char(nl + 1) : 0;
    if (!h || !g_unichar_islower(next)) {
      g_string_append_len(out, p, nl + 1 - p);
      p = nl + 1;
      continue;
    }
    if (!words)
      words = word_set(text->str, NULL);
    if (hyphen_joins(letters_before(p, h), h, nl + 1, letters_after(nl + 1, end), words, doc_words)) {
      g_string_append_len(out, p, h - p);
      joins++;
      p = nl + 1;   /* the next line goes on from here */
    } else {
      g_string_append_len(out, p, nl + 1 - p);
      p = nl + 1;
    }
  }
  if (words)
    g_hash_table_destroy(words);
  g_string_assign(text, out->str);
  g_string_free(out, TRUE);
  return joins;
}

/* The hyphen ending the last line of [p, end) after a letter, or NULL;
 * *start: where that line starts. */
static const char *text_end_hyphen(const char *p, const char *end, const char **start)
{
  while (end > p && end[-1] == '\n')
    end--;
  const char *last = g_strrstr_len(p, end - p, "\n");
  *start = last ? last + 1 : p;
  return line_end_hyphen(*start, end);
}

bool layout_ends_in_hyphen(const char *text, size_t len)
{
  const char *start;
  return text_end_hyphen(text, text + len, &start) != NULL;
}

bool layout_join_hyphen_pages(GString *page, GString *next, GHashTable *doc_words)
{
  /* the page's last line ends "letters-", the next page starts with a lower-case letter */
  const char *p = page->str, *last = NULL;
  const char *h = text_end_hyphen(p, p + page->len, &last);
  if (!h || !next->len || !g_unichar_islower(g_utf8_get_char(next->str)))
    return false;
  const char *w1_end = letters_after(next->str, next->str + next->len);
  if (!hyphen_joins(letters_before(last, h), h, next->str, w1_end, NULL, doc_words))
    return false;
  /* the word ends the page it starts on; what follows it on the next page's
   * first line stays there */
  size_t tail = (size_t)(w1_end - next->str);
  g_string_truncate(page, (gsize)(h - p));
  g_string_append_len(page, next->str, (gssize)tail);
  while (tail < next->len && next->str[tail] == ' ')
    tail++;
  if (tail < next->len && next->str[tail] == '\n')
    tail++;
  g_string_erase(next, 0, (gssize)tail);
  return true;
}

/* ------------------------------------------------------- upright columns */

/* Vertical CJK drawn glyph by glyph, upright, one under the other: poppler
 * sees each glyph as a horizontal word of its own and orders them in rows
 * across the columns. Such glyphs are read as columns instead: top to
 * bottom, the columns right to left, each column a line; a page set in
 * tiers (a gazette, a newspaper: bands of columns one under the other) is
 * read tier by tier, each right to left. */

static bool is_cjk(gunichar c)
{
  return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)
      || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF)
      || (c >= 0x20000 && c <= 0x3FFFF);
}

static bool cjk_glyph(const words_page *wp, const words_word *w)
{
  if (w->rot != 0 || w->run || w->len > 2)
    return false;
  for (unsigned int i = 0; i < w->len; i++)
    if (!is_cjk(wp->chars[w->first + i]))
      return false;
  return true;
}

/* The glyphs that need a vertical font in a column (Identity-V: the
 * vertical forms ︑ ︒ ﹁ ︵, a long vowel mark ー turned) drawn among upright
 * glyphs of a horizontal one, and the words of other scripts set sideways
 * in it: poppler makes a top-to-bottom word of each, so it would leave its
 * column. A few CJK glyphs or vertical forms, or a word of no CJK at all,
 * drawn on the page itself; they join a column only where they were drawn
 * inside it (upright_columns()). */
static bool vertical_punct(const words_page *wp, unsigned int k)
{
  const words_word *w = &wp->words[k];
  if (w->rot != 1 || w->run || w->pos < 0 || k >= wp->annot_first)
    return false;
  bool cjk = true, sideways = true;
  for (unsigned int i = 0; i < w->len; i++) {
    gunichar c = wp->chars[w->first + i];
    bool v = is_cjk(c) || (c >= 0xFE10 && c <= 0xFE1F);
    cjk &= v;
    sideways &= !v;
  }
  /* sideways: as browsers and word processors set "PDF" or "2024" in vertical text */
  return (cjk && w->len <= 4) || sideways;
}

/* A glyph whose ink fills only part of its em (punctuation, brackets, the
 * long vowel mark, small kana). A program that sets vertical text in a
 * font with no vertical metrics (Chrome, with any font lacking them) puts
 * each glyph where its ink is centred in its cell, so poppler's box of such
 * a glyph (the whole em, from the font's ascent and descent) is up to an em
 * off its cell: over the glyph before it, or short of the one after. */
static bool partial_glyph(gunichar c)
{
  /* the small kana ぁぃぅぇぉっゃゅょゎゕゖ, then ァィゥェォッャュョヮヵヶ */
  static const gunichar small_kana[] = { 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
                                         0x3087, 0x308E, 0x3095, 0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
                                         0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6 };
  if ((c >= 0x3000 && c <= 0x303F) || c == 0x30FB || c == 0x30FC || (c >= 0xFE10 && c <= 0xFE1F)
      || (c >= 0xFE30 && c <= 0xFE4F))
    return true;
  if (c >= 0xFF01 && c <= 0xFF65)
    return !g_unichar_isalnum(c);
  for (size_t i = 0; c >= 0x3041 && c <= 0x30F6 && i < G_N_ELEMENTS(small_kana); i++)
    if (small_kana[i] == c)
      return true;
  return false;
}

/* b sits right under a (or a under b): the same column; `room` glyphs
 * may stand between them (punctuation drawn in another font); `slack`
 * glyphs: how far off their cells the boxes may be (a partial glyph's). */
static bool stacked(const words_box *a, const words_box *b, unsigned int room, double slack)
{
  double wa = a->x2 - a->x1, wb = b->x2 - b->x1;
  double overlap = MIN(a->x2, b->x2) - MAX(a->x1, b->x1);
  if (!(overlap > 0.6 * MIN(wa, wb)))
    return false;
  double h = MAX(a->y2 - a->y1, b->y2 - b->y1);
  double gap = b->y1 >= a->y1 ? b->y1 - a->y2 : a->y1 - b->y2;
  return gap > -(0.6 + slack) * h && gap < (0.6 + slack + room) * h;
}

static bool word_partial(const words_page *wp, unsigned int k)
{
  const words_word *w = &wp->words[k];
  for (unsigned int i = 0; i < w->len; i++)
    if (partial_glyph(wp->chars[w->first + i]))
      return true;
  return false;
}

typedef struct upright {
  unsigned int word;
  double xc, y1, h;
  int pos, end;                /* the word's, in the content stream */
  guint col, slot;             /* its column and place there: a glyph's index, or the glyph
                                * punctuation goes before (the column's length: at its end) */
} upright;

/* A column: glyphs[first .. first + len) top to bottom. */
typedef struct column {
  guint first, len;
  double x1, x2, y1, y2, w;    /* its box; its widest glyph */
  guint block;
} column;

/* Columns side by side and beside each other from top to bottom: a block. */
typedef struct col_block {
  double x2, y1, y2;
  guint band;
} col_block;

static int by_column(const void *pa, const void *pb)
{
  const upright *a = pa, *b = pb;
  /* right to left, then top to bottom; columns told apart by cluster() */
  if (a->xc != b->xc)
    return a->xc > b->xc ? -1 : 1;
  return a->y1 < b->y1 ? -1 : a->y1 > b->y1;
}

static int by_pos(const void *pa, const void *pb)
{
  const upright *a = pa, *b = pb;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

static int by_y(const void *pa, const void *pb)
{
  const upright *a = pa, *b = pb;
  if (a->y1 != b->y1)
    return a->y1 < b->y1 ? -1 : 1;
  return by_pos(pa, pb);
}

/* The glyphs of a column, c[0 .. n) top to bottom (by_y): where the tops of
 * neighbours are within half a glyph of each other, a partial glyph's box
 * over its neighbour's (partial_glyph()), such a run of them goes in the
 * order drawn, which is the reading order of the programs that draw so;
 * boxes cannot tell it ("い。" drawn with the stop's box above the い's). */
static void drawn_order_ties(upright *c, guint n)
{
  for (guint i = 0; i < n;) {
    guint j = i + 1;
    while (j < n && c[j].y1 - c[j - 1].y1 < 0.5 * MAX(c[j].h, c[j - 1].h))
      j++;
    if (j - i > 1)
      qsort(c + i, j - i, sizeof *c, by_pos);
    i = j;
  }
}

static int by_slot(const void *pa, const void *pb)
{
  const upright *a = pa, *b = pb;
  if (a->col != b->col)
    return a->col < b->col ? -1 : 1;
  if (a->slot != b->slot)
    return a->slot < b->slot ? -1 : 1;
  return by_pos(pa, pb);
}

/* Whether box b (a vertical font's glyph: poppler puts its box up to an
 * em off the ink, half a glyph to the right and more than one up) sits in
 * column c by glyph g, within two glyphs of it. */
static bool punct_by(const column *c, const upright *g, const words_box *b)
{
  double xc = (b->x1 + b->x2) / 2;
  return fabs(xc - (c->x1 + c->x2) / 2) <= c->w && b->y1 >= g->y1 - 3 * g->h && b->y1 <= g->y1 + 3 * g->h;
}

static int by_word_pos(const void *pa, const void *pb, void *data)
{
  const words_page *wp = data;
  int a = wp->words[*(const unsigned int *)pa].pos, b = wp->words[*(const unsigned int *)pb].pos;
  return (a > b) - (a < b);
}

/* The advance (font sizes) of a space glyph drawn at a position in
 * [from, to), or 0 when none was. */
static double space_drawn_in(const words_page *wp, int from, int to)
{
  guint lo = 0, hi = wp->nspaces;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (wp->spaces[mid].pos < from)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < wp->nspaces && wp->spaces[lo].pos < to ? wp->spaces[lo].advance : 0;
}

/* Whether what is drawn at `pos` comes right after what ended at `at`:
 * nothing drawn between them but a space (a code of up to 4 bytes). */
static bool drawn_next(const words_page *wp, int at, int pos)
{
  return pos == at || (pos > at && pos - at <= 4 && space_drawn_in(wp, at, pos) > 0);
}

/* How many glyphs of punctuation or words set sideways (vp[0 .. n), by
 * where they were drawn) were drawn between glyph a and glyph b, beside
 * a's column, when nothing else (but spaces) was drawn between them. */
static unsigned int punct_between(const words_page *wp, const unsigned int *vp, guint n, const upright *a,
                                  const upright *b)
{
  if (a->pos < 0 || b->pos < a->end)
    return 0;
  guint lo = 0, hi = n;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (wp->words[vp[mid]].pos < a->end)
      lo = mid + 1;
    else
      hi = mid;
  }
  const words_box *ab = &wp->words[a->word].box, *bb = &wp->words[b->word].box;
  unsigned int glyphs = 0;
  int at = a->end;
  for (; lo < n && drawn_next(wp, at, wp->words[vp[lo]].pos); lo++) {
    const words_word *w = &wp->words[vp[lo]];
    /* in the gap, but for the offset of poppler's box (see punct_by()) */
    if (!(fabs((w->box.x1 + w->box.x2) / 2 - a->xc) <= ab->x2 - ab->x1 && w->box.y1 >= ab->y1 - 3 * a->h
          && w->box.y2 <= bb->y2))
      return 0;
    /* a vertical font's glyphs an em each; a word set sideways as long as it is, and a space */
    glyphs += is_cjk(wp->chars[w->first]) || !(a->h > 0) ? w->len
                                                          : (unsigned int)ceil((w->box.y2 - w->box.y1) / a->h) + 1;
    at = w->end;
  }
  return drawn_next(wp, at, b->pos) ? glyphs : 0;
}

static guint root_of(guint *parent, guint i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

typedef struct col_order {
  guint band, col;
  double x2;                   /* its block's right edge */
  guint block;
} col_order;

static int by_reading(const void *pa, const void *pb)
{
  const col_order *a = pa, *b = pb;
  if (a->band != b->band)
    return a->band < b->band ? -1 : 1;
  if (a->block != b->block)
    return a->x2 != b->x2 ? (a->x2 > b->x2 ? -1 : 1) : (a->block < b->block ? -1 : 1);
  return (a->col > b->col) - (a->col < b->col);
}

static int by_right(const void *pa, const void *pb)
{
  const col_order *a = pa, *b = pb;
  return (a->x2 < b->x2) - (a->x2 > b->x2);
}

static int by_top(const void *pa, const void *pb)
{
  const col_block *a = *(const col_block *const *)pa, *b = *(const col_block *const *)pb;
  return (a->y1 > b->y1) - (a->y1 < b->y1);
}

/* The columns in reading order: columns beside each other (a gap under a
 * glyph and a half) whose spans from top to bottom overlap make a block;
 * blocks whose spans overlap by half the shorter make a band (a tier);
 * bands top to bottom, the blocks of a band right to left, and the columns
 * of a block as they are (right to left). Returns col_order[n]. */
static col_order *reading_order(column *cs, guint n)
{
  guint *parent = g_new(guint, n + 1);
  col_order *order = g_new(col_order, n + 1);
  double widest = 0;
  for (guint i = 0; i < n; i++) {
    parent[i] = i;
    order[i].col = i;
    order[i].x2 = cs[i].x2;
    widest = MAX(widest, cs[i].w);
  }
  /* right edges right to left: the columns left of one, as far as one
   * could be beside it */
  qsort(order, n, sizeof *order, by_right);
  for (guint a = 0; a < n; a++) {
    const column *ca = &cs[order[a].col];
    for (guint b = a + 1; b < n && ca->x1 - cs[order[b].col].x2 < 1.5 * widest; b++) {
      const column *cb = &cs[order[b].col];
      double gap = MAX(cb->x1 - ca->x2, ca->x1 - cb->x2);
      if (gap < 1.5 * MAX(ca->w, cb->w) && ca->y1 < cb->y2 && cb->y1 < ca->y2)
        parent[root_of(parent, order[b].col)] = root_of(parent, order[a].col);
    }
  }
  col_block *bl = g_new0(col_block, n + 1);
  guint nb = 0;
  guint *block_of_root = g_new(guint, n + 1);
  for (guint i = 0; i < n; i++)
    block_of_root[i] = G_MAXUINT;
  for (guint i = 0; i < n; i++) {
    guint r = root_of(parent, i);
    if (block_of_root[r] == G_MAXUINT) {
      block_of_root[r] = nb;
      bl[nb++] = (col_block){ cs[i].x2, cs[i].y1, cs[i].y2, 0 };
    }
    col_block *b = &bl[cs[i].block = block_of_root[r]];
    b->x2 = MAX(b->x2, cs[i].x2);
    b->y1 = MIN(b->y1, cs[i].y1);
    b->y2 = MAX(b->y2, cs[i].y2);
  }
  col_block **top = g_new(col_block *, nb + 1);
  for (guint b = 0; b < nb; b++)
    top[b] = &bl[b];
  qsort(top, nb, sizeof *top, by_top);
  guint band = 0;
  double y1 = 0, y2 = 0;
  for (guint b = 0; b < nb; b++) {
    double overlap = MIN(top[b]->y2, y2) - MAX(top[b]->y1, y1);
    if (b && !(overlap > 0.5 * MIN(top[b]->y2 - top[b]->y1, y2 - y1))) {
      band++;
      y1 = top[b]->y1;
      y2 = top[b]->y2;
    } else if (!b) {
      y1 = top[b]->y1;
      y2 = top[b]->y2;
    } else {
      y2 = MAX(y2, top[b]->y2);
    }
    top[b]->band = band;
  }
  for (guint i = 0; i < n; i++)
    order[i] = (col_order){ bl[cs[i].block].band, i, bl[cs[i].block].x2, cs[i].block };
  qsort(order, n, sizeof *order, by_reading);
  g_free(top);
  g_free(block_of_root);
  g_free(bl);
  g_free(parent);
  return order;
}

static void append_word(const words_page *wp, unsigned int k, GString *out)
{
  const words_word *w = &wp->words[k];
  for (unsigned int q = 0; q < w->len; q++)
    g_string_append_unichar(out, wp->chars[w->first + q]);
}

/* Marks the upright column glyphs (and the punctuation drawn among them in
 * a vertical font) in `skip` and writes their lines to `out`; *first: the
 * first column glyph in poppler's order, where the columns go in the
 * page's text (nwords: none). */
static void upright_columns(const words_page *wp, bool *skip, GString *out, unsigned int *first)
{
  *first = wp->nwords;
  GArray *cand = g_array_new(FALSE, FALSE, sizeof(upright));
  for (unsigned int k = 0; k < wp->nwords; k++)
    if (cjk_glyph(wp, &wp->words[k])) {
      const words_word *w = &wp->words[k];
      upright u = { k, (w->box.x1 + w->box.x2) / 2, w->box.y1, w->box.y2 - w->box.y1, w->pos, w->end, 0, 0 };
      g_array_append_val(cand, u);
    }
  if (cand->len < 4) {
    g_array_free(cand, TRUE);
    return;
  }
  upright *c = (upright *)cand->data;
  qsort(c, cand->len, sizeof *c, by_column);
  unsigned int *vp = g_new(unsigned int, wp->nwords + 1);
  guint nvp = 0;
  for (unsigned int k = 0; k < wp->nwords; k++)
    if (vertical_punct(wp, k))
      vp[nvp++] = k;
  g_qsort_with_data(vp, (gint)nvp, sizeof *vp, by_word_pos, (gpointer)wp);
  /* the columns' glyphs, each column top to bottom */
  GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(upright));
  GArray *cols = g_array_new(FALSE, FALSE, sizeof(column));
  for (guint i = 0; i < cand->len;) {
    /* a column: glyphs whose centres are within half a glyph of the first */
    guint j = i + 1;
    double w = wp->words[c[i].word].box.x2 - wp->words[c[i].word].box.x1;
    while (j < cand->len && c[i].xc - c[j].xc < 0.5 * w)
      j++;
    qsort(c + i, j - i, sizeof *c, by_y);
    drawn_order_ties(c + i, j - i);
    for (guint a = i; a < j;) {
      guint b = a + 1;
      while (b < j && stacked(&wp->words[c[b - 1].word].box, &wp->words[c[b].word].box,
                              punct_between(wp, vp, nvp, &c[b - 1], &c[b]),
                              word_partial(wp, c[b - 1].word) || word_partial(wp, c[b].word) ? 1.0 : 0.0))
        b++;
      if (b - a >= 2) {
        column col = { glyphs->len, b - a, G_MAXDOUBLE, -G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, 0, 0 };
        for (guint k = a; k < b; k++) {
          const words_box *bx = &wp->words[c[k].word].box;
          col.x1 = MIN(col.x1, bx->x1);
          col.x2 = MAX(col.x2, bx->x2);
          col.y1 = MIN(col.y1, bx->y1);
          col.y2 = MAX(col.y2, bx->y2);
          col.w = MAX(col.w, bx->x2 - bx->x1);
          c[k].col = cols->len;
          c[k].slot = k - a;
          g_array_append_val(glyphs, c[k]);
          skip[c[k].word] = true;
          *first = MIN(*first, c[k].word);
        }
        g_array_append_val(cols, col);
      }
      a = b;
    }
    i = j;
  }
  column *cs = (column *)cols->data;
  upright *gl = (upright *)glyphs->data;
  /* punctuation in a vertical font: where it was drawn among the glyphs,
   * after the one drawn just before it or before the one drawn just after,
   * whichever it sits by */
  GArray *puncts = g_array_new(FALSE, FALSE, sizeof(upright));
  upright *drawn = g_memdup2(gl, (gsize)glyphs->len * sizeof *gl + 1);
  guint nd = 0;
  for (guint i = 0; i < glyphs->len; i++)
    if (gl[i].pos >= 0)
      drawn[nd++] = gl[i];
  if (nd > 1)
    qsort(drawn, nd, sizeof *drawn, by_pos);
  for (guint v = 0; nd && v < nvp; v++) {
    unsigned int k = vp[v];
    const words_word *w = &wp->words[k];
    guint lo = 0, hi = nd;   /* the first glyph drawn after it */
    while (lo < hi) {
      guint mid = (lo + hi) / 2;
      if (drawn[mid].pos < w->end)
        lo = mid + 1;
      else
        hi = mid;
    }
    upright p = { k, 0, w->box.y1, 0, w->pos, w->end, 0, 0 };
    const upright *before = lo > 0 && drawn[lo - 1].end <= w->pos ? &drawn[lo - 1] : NULL;
    const upright *after = lo < nd ? &drawn[lo] : NULL;
    /* drawn between two neighbours of a column, and lying between them */
    const column *bc = before ? &cs[before->col] : NULL;
    bool between = before && after && after->col == before->col && after->slot == before->slot + 1
                   && fabs((w->box.x1 + w->box.x2) / 2 - (bc->x1 + bc->x2) / 2) <= bc->w && w->box.y1 >= before->y1
                   && w->box.y2 <= wp->words[after->word].box.y2;
    if (before && (between || punct_by(&cs[before->col], before, &w->box))) {
      p.col = before->col;
      p.slot = before->slot + 1;
    } else if (after && punct_by(&cs[after->col], after, &w->box)) {
      p.col = after->col;
      p.slot = after->slot;
    } else {
      continue;
    }
    g_array_append_val(puncts, p);
    skip[k] = true;
  }
  g_free(drawn);
  g_free(vp);
  upright *pu = (upright *)puncts->data;
  if (puncts->len)
    qsort(pu, puncts->len, sizeof *pu, by_slot);
  col_order *order = reading_order(cs, cols->len);
  for (guint o = 0; o < cols->len; o++) {
    guint ci = order[o].col;
    /* its punctuation: the run of puncts of column ci */
    guint lo = 0, hi = puncts->len;
    while (lo < hi) {
      guint mid = (lo + hi) / 2;
      if (pu[mid].col < ci)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (guint s = 0; s <= cs[ci].len; s++) {
      for (; lo < puncts->len && pu[lo].col == ci && pu[lo].slot == s; lo++) {
        append_word(wp, pu[lo].word, out);
        /* "Microsoft Word" set sideways: its words apart */
        if (wp->words[pu[lo].word].space_after && lo + 1 < puncts->len && pu[lo + 1].col == ci
            && pu[lo + 1].slot == s)
          g_string_append_c(out, ' ');
      }
      if (s < cs[ci].len)
        append_word(wp, gl[cs[ci].first + s].word, out);
    }
    g_string_append_c(out, '\n');
  }
  g_free(order);
  g_array_free(puncts, TRUE);
  g_array_free(cols, TRUE);
  g_array_free(glyphs, TRUE);
  g_array_free(cand, TRUE);
}

/* ------------------------------------------------------------------ lines */


/* Whether the page draws its spaces as glyphs (word processors, cairo) rather
 * than by moving the pen (TeX): most spaces poppler sees between two words
 * drawn one after the other have something drawn between them. */
static bool page_draws_spaces(const words_page *wp)
{
  unsigned int drawn = 0, undrawn = 0;
  for (unsigned int k = 1; k < wp->nwords; k++) {
    const words_word *a = &wp->words[k - 1], *b = &wp->words[k];
    if (!a->space_after || a->pos < 0 || b->pos < a->end || b->line_start || k == wp->annot_first)
      continue;
    if (b->pos > a->end)
      drawn++;
    else
      undrawn++;
  }
  return drawn >= DRAWN_SPACES_MIN && drawn >= DRAWN_SPACES_RATIO * undrawn;
}

void layout_text(const words_page *wp, pdf_text *out)
{
  GString *s = g_string_sized_new(wp->nchars + wp->nchars / 6 + 16);
  size_t room = (size_t)wp->nchars + wp->nwords + 1;
  page_letters letters_by = { .wp = wp };
  line l = { .chars = g_new(gunichar, room), .span = g_new(glyph_span, room), .word0 = 1, .page = &letters_by };
  bool deva = false, indic = false; /* Devanagari; the other scripts of India */
  bool *skip = g_new0(bool, wp->nwords + 1);
  GString *cols = g_string_new(NULL);
  unsigned int cols_at;
  upright_columns(wp, skip, cols, &cols_at);
  int prev = -1;   /* the last word written */
  double front = -G_MAXDOUBLE;  /* the furthest end of a glyph on the line */
  int draws_spaces = -1; /* page_draws_spaces(), asked at the first space after an Indic letter */
  for (unsigned int k = 0; k < wp->nwords; k++) {
    const words_word *w = &wp->words[k];
    if (k == cols_at) {
      flush_line(&l, s);
      g_string_append(s, cols->str);
      prev = -1;
      front = -G_MAXDOUBLE;
    }
    if (skip[k])
      continue;
    if (k == wp->annot_first || w->line_start) {
      /* form fields and annotations: lines of their own after the page's */
      flush_line(&l, s);
      prev = -1;
      front = -G_MAXDOUBLE;
    }
    if (w->run || (prev >= 0 && wp->words[prev].run)) {
      /* a diagonal run (words.cpp): its words in drawing order, one line */
      const words_word *pw = prev >= 0 ? &wp->words[prev] : NULL;
      if (!pw || pw->run != w->run)
        flush_line(&l, s);
      else if (pw->space_after)
        line_add(&l, ' ', 1, 0, 0);
      if (w->run) {
        for (unsigned int i = 0; i < w->len; i++)
          line_add(&l, wp->chars[w->first + i], 0, 0, 0);
        prev = (int)k;
        front = -G_MAXDOUBLE;
        continue;
      }
      prev = -1;
    }
    frame f = frame_of(&w->box, w->rot);
    double size = word_size(w, &f);
    if (prev >= 0) {
      const words_word *pw = &wp->words[prev];
      frame pf = frame_of(&pw->box, w->rot);
      double thick = MAX(f.c1 - f.c0, pf.c1 - pf.c0);
      double shift = fabs((f.c0 + f.c1) / 2 - (pf.c0 + pf.c1) / 2);
      double gap = f.a0 - pf.a1;
      if (pw->rot != w->rot || shift > LINE_SHIFT * thick || gap < -LINE_BACK * size) {
        flush_line(&l, s);
        front = -G_MAXDOUBLE;
      } else if (pw->space_after || gap > SPACE_GAP * size) {
        gunichar last = wp->chars[pw->first + pw->len - 1], first = wp->chars[w->first];
        const words_box *lb = &wp->boxes[pw->first + pw->len - 1];
        frame lf = frame_of(lb, w->rot);
        bool zero_width = lf.a1 - lf.a0 < 0.01;
        /* the gap is measured from the end of the previous word, not of its last glyph (a mark) */
        /* a character poppler gave no width inside the glyph before (the
         * alef of lam-alef): the gap that counts starts after that glyph */
        bool inside = pf.a1 - pf.a0 < 0.01 && words_rtl_char(last) && f.a0 - front < 0.1 * size;
        /* a mark drawn back over the glyph before it (a Tamil pulli, an
         * Oriya i), or a letter of the scripts of India drawn there with no
         * width (LibreOffice's Oriya subjoined ra, "ପ୍ର"): the gap starts
         * where that glyph ends */
        bool drawn_back = lang_is_mark(last) || (zero_width && last <= 0xD7F);
        double mark_gap = last >= 0x900 && front > lf.a1 && drawn_back ? MIN(gap, f.a0 - front) : gap;
        /* on a page that draws its spaces, none drawn here: no word break,
         * whatever the gap (poppler's box of a cluster drawn with a mark
         * moved back, as cairo draws Telugu "ప్రా", ends short of it) */
        double space = w->pos > pw->end && last >= 0x900 ? space_drawn_in(wp, pw->end, w->pos) : 0;
        bool indic_gap = pw->pos >= 0 && last >= 0x900 && last <= 0xD7F
                         && ((w->pos == pw->end && gap < JOIN_UNDRAWN * size)
                             || (w->pos > pw->end
                                 && mark_gap >= (space > 0 ? JOIN_SPACE_SHARE * space : JOIN_DRAWN) * size));
        bool drawn_space = false;
        if (indic_gap && (draws_spaces < 0 ? (draws_spaces = page_draws_spaces(wp)) : draws_spaces)) {
          if (w->pos == pw->end)
            mark_gap = 0;
          else
            drawn_space = true;
        }
        if (!drawn_space && garble_indic_join(last, first, mark_gap, size, zero_width)) {
          out->deva_joins++;
        } else if (!inside) {
          line_add(&l, ' ', 1, 0, size);
          out->splits += !pw->space_after;
        }
      }
    }
    line_word(&l, k);
    for (unsigned int i = 0; i < w->len; i++) {
      gunichar c = wp->chars[w->first + i];
      if (c >= 0x900) {
        deva |= garble_is_deva(c);
        indic |= c >= 0x980 && c <= 0xD7F;
      }
      frame g = frame_of(&wp->boxes[w->first + i], w->rot);
      line_add(&l, c, g.a0, g.a1, size);
      front = MAX(front, g.a1);
    }
    prev = (int)k;
  }
  flush_line(&l, s);
  g_free(l.chars);
  g_free(l.span);
  g_string_free(cols, TRUE);
  g_free(skip);
  page_letters_clear(&letters_by);
  if (s->len && s->str[s->len - 1] == '\n')
    g_string_truncate(s, s->len - 1);
  if (deva || indic)
    out->deva_reorders = garble_prebase_reorder(s);
  if (indic)
    out->deva_reorders += garble_indic_reorder(s);
  out->hyphen_joins = layout_join_hyphens(s);
  out->text = s;
}
