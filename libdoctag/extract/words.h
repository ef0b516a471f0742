/* The words of a page as poppler's own text layout finds them (words.cpp).
 *
 * poppler-glib only offers the text of a selection, and its selection code
 * loses lines: whole right-to-left lines (a Hebrew page keeps only its last
 * line), vertical runs (a column of kana), and the text of form fields and
 * annotations' appearances. The word list of TextOutputDev, the layout
 * pdftotext prints, read without the selection, so it has every word,
 * each with its direction and glyph boxes. This header is C, the file
 * behind it C++. */
#ifndef DOCTAG_EXTRACT_WORDS_H
#define DOCTAG_EXTRACT_WORDS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* A character of a right-to-left script (Hebrew, Arabic, Syriac, Thaana,
 * N'Ko..., their presentation forms, and the historic ones). */
static inline bool words_rtl_char(gunichar c)
{
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF)
      || (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EFFF);
}

typedef struct words_box {
  double x1, y1, x2, y2;       /* points, origin top left, y down */
} words_box;

typedef struct words_word {
  unsigned int first, len;     /* its characters: chars[first .. first + len) */
  unsigned int rot;            /* 0 left to right, 1 top to bottom, 2 upside down, 3 bottom to top */
  bool space_after;            /* poppler saw a space after it */
  unsigned int run;            /* drawn at an angle poppler's layout does not read (30°, 45°):
                                * the number of its run (words.cpp), each run a line of its
                                * own, rot 0 and box the bounding box; 0: poppler's word */
  double size;                 /* font size, points; 0: not asked for */
  bool line_start;             /* the first word of a form field or annotation: starts a line */
  unsigned int block, flow;    /* poppler's block it is in (a paragraph, a table cell) and the
                                * flow of that block (a column), each numbered from 1 on the
                                * page; 0: none (diagonal runs), or not asked (a page, or an
                                * annotation, with no right-to-left character) */
  int pos, end;                /* where its characters are in the content stream (poppler's
                                * positions, which a drawn space advances too): the word drawn
                                * right after it, with no space drawn between, starts at `end`;
                                * -1: not known (diagonal runs) */
  words_box box;
} words_word;

/* A space glyph the page drew (poppler draws no box for it). */
typedef struct words_space {
  int pos;                     /* where, in the positions of words_word's pos */
  double advance;              /* how far it moved the pen, font sizes */
} words_space;

typedef struct words_page {
  gunichar *chars;             /* g_malloc; in the order of the word's text */
  words_box *boxes;            /* one per character */
  unsigned int nchars;
  words_word *words;           /* g_malloc; poppler's reading order */
  unsigned int nwords;
  unsigned int annot_first;    /* words[annot_first ..] are form fields' and annotations'
                                * (after the page's text), in /Annots order, each in its own
                                * reading order; nwords when none */
  bool legacy_font;            /* a font for which legacy(name) said true */
  words_space *spaces;         /* g_malloc; the page's own (not its annotations'), in the order
                                * drawn; NULL when none */
  unsigned int nspaces;
  bool over_saves;             /* drawing it saved more graphics states at once than
                                * words_limit_saves() allows: it stopped there, its words
                                * are those drawn until then */
} words_page;

typedef struct words_doc words_doc;

/* Why words_open() failed, in poppler's terms. */
typedef enum words_open_error {
  WORDS_OPEN_OK = 0,
  WORDS_OPEN_ENCRYPTED,        /* a password is needed, or the one given is wrong */
  WORDS_OPEN_DAMAGED,
  WORDS_OPEN_BAD_CATALOG,
  WORDS_OPEN_INVALID           /* anything else */
} words_open_error;

/* Opens a document from `len` bytes at `data`, which must stay valid until
 * words_close(), as poppler-glib would: without a password, then with
 * `password` (NULL: none). Sets up poppler's global parameters on the first
 * call and keeps them (see words.cpp). Returns NULL, with *why, when poppler
 * cannot open it, and *why (why may be NULL); words_cause() may say more. */
words_doc *words_open(const void *data, size_t len, const char *password, words_open_error *why);
void words_close(words_doc *d);

/* Pages of `d` whose drawing (their forms', annotations' and Type 3
 * glyphs' included) keeps more than `max` graphics states saved at once (q:
 * poppler keeps each, about 1 kB) stop there, with over_saves; 0: no limit. */
void words_limit_saves(words_doc *d, uint64_t max);

struct pdf_kept;
/* Pages of `d` read their content streams' bytes from `kept` (limits.h,
 * borrowed: it outlives d; NULL: none) where it has them, instead of
 * inflating them again: the same bytes poppler's inflater gives. */
void words_use_kept(words_doc *d, const struct pdf_kept *kept);

/* The number of pages the document claims (0 when none can be counted). */
int words_page_count(words_doc *d);
/* The document information's title in UTF-8 (as poppler-glib gives it),
 * newly allocated (g_free), or NULL. */
char *words_title(words_doc *d);

/* The last error poppler reported on this thread since words_cause_reset()
 * ("Top-level pages object is wrong type (null)"), or NULL: poppler says why
 * it gives up (a page tree of the wrong type, a broken xref) only there.
 * Borrowed, thread-local, valid until the next poppler call on this thread. */
void words_cause_reset(void);
const char *words_cause(void);

/* The words of page `index` (0-based) into *out (words_page_clear it).
 * legacy: NULL, or asked of the page's font names (until one is); then the
 * words also have font sizes (without it, size is 0). Returns false when
 * the page cannot be read (no such page object). */
bool words_page_get(words_doc *d, int index, bool (*legacy)(const char *font), words_page *out);
void words_page_clear(words_page *p);

/* Gives *p, page `index` as the last words_page_get() on `d` returned it
 * (legacy NULL), what that call with `legacy` would have given: the words'
 * font sizes and legacy_font; the page is not drawn again. False, *p
 * unchanged, when *p is not that page. */
bool words_page_fonts(words_doc *d, int index, bool (*legacy)(const char *font), words_page *p);

/* How many drawings (poppler Gfx objects, each building the fonts it is
 * given) `d` has made for pages' own text so far: pages that name the same
 * fonts on the same page box share one (words.cpp). */
unsigned int words_drawings_made(const words_doc *d);

G_END_DECLS

#ifdef __cplusplus
class PDFDoc;
/* The poppler document `d` reads, for the limits' decoded pass to read its
 * objects and page tree too (limits_decoded.cpp), its page tree read first
 * (words_page_get() then still says why an entry is no page). */
PDFDoc *words_pdfdoc(words_doc *d);
#endif

#endif
