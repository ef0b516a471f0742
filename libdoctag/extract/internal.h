/* Internal to extract/: the pieces extract.c puts together.
 *   pdf.c     poppler: opening, metadata, the text layer of a page, page images
 *   renderlib.c poppler-glib and cairo loaded on the first page image (renderlib.h)
 *   words.cpp a page's words from poppler's TextOutputDev (words.h)
 *   layout.c  lines from those words: direction, bidi order, hyphens
 *   garble.c  is a page's text missing, thin or garbled; Devanagari repairs
 *   ocr.c     tesseract + leptonica, one cached engine per thread
 *   tesslib.c tesseract and leptonica loaded on first OCR (tesslib.h)
 *   pool.c    long-lived worker threads shared by every extraction
 *   lang.c    scripts of a text, language codes
 *   title.c   the contract's title rule */
#ifndef DOCTAG_EXTRACT_INTERNAL_H
#define DOCTAG_EXTRACT_INTERNAL_H

#include <glib.h>
#include <poppler.h>
#include <cairo.h>
#include <time.h>

#include "extract/extract.h"
#include "extract/words.h"

/* Letters of a text per script (lang.c). */
typedef struct lang_counts {
  size_t latin, deva, other;
  const char *other_lang;     /* interned: the language OCR read the other letters with ("ben"), or NULL */
} lang_counts;

/* What a text layer looks like (garble.c): visible characters, suspicious
 * ones, lower-case ASCII words and those without a vowel, Indic words and
 * those no spelling has (a broken font map), letters. */
typedef struct garble_stats {
  size_t visible, odd, words, vowelless;
  size_t indic_words, indic_broken; /* words in the scripts of India, those no spelling has */
  lang_counts letters;
} garble_stats;

/* ---- pdf.c ---- */

/* Refuses what is not a PDF before poppler sees it: empty input, no "%PDF-"
 * in the first 1024 bytes (saying what the bytes look like instead). */
doctag_status pdf_check_bytes(const unsigned char *data, size_t len);

/* Where documents are opened from: the bytes, and for encrypted documents
 * an in-memory file (see pdf.c). Every worker opens its own document from
 * one source; pdf_open() is safe to call from several threads once the
 * first call has returned. */
typedef struct pdf_source {
  GBytes *bytes;
  const char *password;      /* borrowed; NULL: none */
  int fd;
  char *uri;
  uint64_t max_saves;        /* graphics states a page's text may keep saved (words_limit_saves()); 0: any */
  const struct pdf_kept *kept; /* content streams the byte scan inflated (words_use_kept()); NULL: none */
} pdf_source;
void pdf_source_init(pdf_source *src, GBytes *bytes, const char *password);
void pdf_source_clear(pdf_source *src);

/* Opens the document (poppler's core, words.h): its pages' text layers, page
 * count and title. Errors: DOCTAG_EPDF (damaged, truncated),
 * DOCTAG_EENCRYPTED (password required or wrong). Release with words_close();
 * words_cause() says what poppler last reported. */
doctag_status pdf_open(pdf_source *src, words_doc **out);

/* Opens the document in poppler-glib, for page images and renderings (OCR),
 * loading poppler-glib and cairo on the first call (renderlib.h). Errors:
 * those of pdf_open(), DOCTAG_EIO, DOCTAG_EOCR (poppler-glib cannot be
 * loaded). Release with renderlib_loaded()->g_object_unref(). */
doctag_status pdf_open_render(pdf_source *src, PopplerDocument **out);

/* A PDF 1.4 file of the n objects (numbered from 1; object 1 is the
 * catalog) with its xref table: for small documents of our own (pdf.c,
 * tests). Newly allocated (g_bytes_unref). */
GBytes *pdf_from_objects(const char *const *objs, size_t n);

/* Metadata title, trimmed, or NULL (g_malloc). */
char *pdf_meta_title(words_doc *doc);

/* What the text layer of one page looks like. */
typedef struct pdf_text {
  GString *text;              /* rebuilt text, lines separated by '\n' */
  unsigned int glyphs;        /* characters poppler reported */
  unsigned int deva_joins;    /* spurious spaces removed inside words of the scripts of India */
  unsigned int splits;        /* spaces put where poppler saw none (a gap) */
  unsigned int hyphen_joins;  /* words split by a line-end hyphen, joined */
  unsigned int deva_reorders; /* vowel signs drawn ahead of their consonant moved after it */
  bool legacy_font;           /* a legacy (non-Unicode) Indic font is used */
  bool over_saves;            /* drawing it passed the source's max_saves (words_page.over_saves) */
  garble_stats stats;         /* of the text (spaces aside, the same as poppler's) */
} pdf_text;

/* The text layer of page `index`, rebuilt from poppler's words (layout.c):
 * lines by direction, right-to-left lines in logical order, words of the
 * scripts of India not split, line-end hyphens joined where the whole is a word.
 * out->text is newly allocated (g_string_free it), also when false is
 * returned: the page has no page object (words_cause() may say why). */
bool pdf_page_text(words_doc *wd, unsigned int index, pdf_text *out);

/* ---- layout.c ---- */

/* Lines of text from a page's words into out->text (newly allocated) and
 * its repair counts. */
void layout_text(const words_page *wp, pdf_text *out);
/* Joins "ex-\nisting" where the joined form is a word of the text or of the
 * system word list; leaves compounds ("well-\nknown") as printed. Returns
 * the joins made. */
unsigned int layout_join_hyphens(GString *text);
/* The same, where a word of `doc_words` (the document's, from
 * layout_words(); NULL: none) counts too. */
unsigned int layout_join_hyphens_in(GString *text, GHashTable *doc_words);
/* Whether a line of `text` ends in a hyphen (a join may be left to make). */
bool layout_has_hyphen_end(const char *text);
/* Joins a word split by a hyphen across the end of `page` and the start of
 * the page after it, `next` ("pre-" | "processing ..."), by the same rule
 * (a word of `doc_words` or of the word list): the word ends `page`, and
 * `next` goes on after it. Returns whether it joined. */
bool layout_join_hyphen_pages(GString *page, GString *next, GHashTable *doc_words);
/* Whether the last line of text[0, len) ends in a hyphen after a letter. */
bool layout_ends_in_hyphen(const char *text, size_t len);
/* The words of `text`, lower-cased, added to `into` (NULL: a new set);
 * returns the set (g_hash_table_destroy it). */
GHashTable *layout_words(const char *text, GHashTable *into);

/* Area of the page covered by images, as a fraction of the page (0..1), and
 * when the page is essentially one image, that image's id and its area. */
typedef struct pdf_images {
  double coverage;
  int single_id;              /* -1 when not a single scanned image */
  double width_pt, height_pt; /* placed size of that image */
} pdf_images;
void pdf_page_images(PopplerPage *page, pdf_images *out);

/* The page as an image for OCR: the scanned image itself at its native
 * resolution when the page is one image (`img`), else rendered at `dpi`.
 * Returns a newly allocated surface (cairo_surface_destroy) and sets *ppi.
 * NULL (with err_set) on failure. */
cairo_surface_t *pdf_page_image(PopplerPage *page, const pdf_images *img, double dpi, double *ppi);
/* What pdf_page_image() makes of `page` at `dpi`, without making it (for
 * the memory a page needs before any is taken): the rendering's size
 * (*w x *h) and the most pixels the page image may have (*pixels: a native
 * image, of at most `largest_image` pixels, may be used instead). False
 * when the page's size is invalid (pdf_page_image() then says so). */
bool pdf_page_image_size(PopplerPage *page, const pdf_images *img, double dpi, uint64_t largest_image, int *w,
                         int *h, uint64_t *pixels);
/* No page image, rendered or native, has more pixels (a poster-size page at
 * 300 DPI would take gigabytes; the resolution drops instead). */
#define PDF_MAX_RENDER_PIXELS (36.0 * 1000 * 1000)

/* ---- garble.c ---- */

typedef enum page_quality {
  PAGE_GOOD = 0,
  PAGE_MISSING,   /* no visible character */
  PAGE_THIN,      /* a few characters only */
  PAGE_GARBLED    /* legacy font or mojibake */
} page_quality;

/* Judges the text layer of a page. */
void garble_scan(const char *text, size_t len, garble_stats *st);
page_quality garble_judge_stats(const garble_stats *st, bool legacy_font);
/* The same, and for a garbled page what is wrong with it, in `why` (a phrase
 * after "the text layer is damaged: "; "" for the other qualities). */
page_quality garble_judge_why(const garble_stats *st, bool legacy_font, char *why, size_t why_len);
page_quality garble_judge(const char *text, size_t len, bool legacy_font);
const char *garble_name(page_quality q);

/* Cheaper than asking poppler for font names on every page: true when a
 * text has a few odd characters or vowelless words, the traces of a legacy
 * font that pdf_page_text() then confirms by name. */
bool garble_suspicious_stats(const garble_stats *st);

/* True when `font` is a legacy Indic font (Kruti Dev, DevLys, Chanakya...):
 * its text decodes to Latin letters, not Devanagari. */
bool garble_legacy_font(const char *font);

/* Whether the space poppler put between `prev` and `next` splits a word of
 * one of the scripts of India (Devanagari, Bengali, Gurmukhi, Gujarati,
 * Oriya, Tamil, Telugu, Kannada, Malayalam). gap: distance from the end of
 * the previous glyphs to the next glyph, size: font size, zero_width: the
 * previous glyph is a mark poppler gave no width. */
bool garble_indic_join(gunichar prev, gunichar next, double gap, double size, bool zero_width);

/* Moves the vowel signs drawn left of their consonant (ICU's Indic
 * positional category Left: Devanagari ि, Bengali ি ে ৈ, Tamil ெ ே ை,
 * Malayalam െ േ ൈ...) that precede their consonant cluster (visual order)
 * after it (logical order), in every script of India; the two parts of a
 * sign drawn on both sides become one again (ে C া is C ো). A sign after a
 * consonant is that consonant's and stays. Returns the number of moves. */
unsigned int garble_prebase_reorder(GString *text);

/* Moves a vowel sign drawn over or under its consonant that a font drew
 * ahead of it, after another vowel sign ("ପୁୁରଣା"), after that consonant
 * ("ପୁରୁଣା"), in the other scripts of India. Returns the number of moves. */
unsigned int garble_indic_reorder(GString *text);

/* Whether c is Devanagari (layout.c uses it too). */
bool garble_is_deva(gunichar c);

/* ---- lang.c ---- */

void lang_count(const char *text, size_t len, lang_counts *c);
void lang_count_unichar(gunichar u, lang_counts *c);
/* A combining mark (or ZWNJ, ZWJ): part of the letter before it. */
bool lang_is_mark(gunichar c);
/* "eng", "hin", "hin+eng" or "" from letter counts; other_lang when other
 * letters outnumber Latin and Devanagari ones. */
const char *lang_from_counts(const lang_counts *c);
/* Which tesseract languages read a page (the one choice, see lang.c). */
typedef struct ocr_choice {
  const char *script;         /* static: the script the choice is for, "Latin", "Thai" */
  char lang[32];              /* languages to read with, "eng+hin"; "" when none is installed */
  char missing[16];           /* the language that would read the script when none is installed
                               * ("tha"), else "" */
} ocr_choice;
/* Chooses from the page's text layer when it has Latin or Devanagari letters,
 * else from OSD's script name, among the `installed` languages (NULL-
 * terminated). False when neither says anything (the caller reads "eng"). */
bool lang_for_ocr(const lang_counts *text, const char *osd_script, const char *const *installed, ocr_choice *out);
/* Whether the letters of OSD's script `script` ("Arabic", "Bengali") join
 * into one stroke or shape per word: cursive along a baseline, or hanging
 * from a headline. True for a name not in the table. */
bool lang_script_joins(const char *script);
/* The choice for a page in a cursive script OSD did not name (see ocr.c's
 * connected_ink): Arabic's first installed language, else Syriac's, else
 * `missing` names Arabic's first ("ara"). */
void lang_for_cursive(const char *const *installed, ocr_choice *out);
/* Joins to the word before it, in place, an OCR word that begins with a
 * vowel sign or virama of that word's script (see lang.c). */
void lang_join_split_marks(char *text);
/* "hin" for "eng+hin": the page's own language when a page is read with
 * English first and one other; else NULL. Borrowed from `lang`. */
const char *lang_native(const char *lang);
/* Whether the script of a tesseract language ("hin", "ben", "pan"), or of
 * one of "a+b", draws a headline through its words. */
bool lang_has_headline(const char *lang);
/* The Debian package of a tesseract language: "chi_sim" -> "tesseract-ocr-chi-sim". */
void lang_package(const char *lang, char *buf, size_t len);
/* Latin words of a text (ASCII letters and digits, two letters or more) in
 * *words, and in *english those that are English (WordNet, stop words). */
void lang_english_words(const char *text, size_t *words, size_t *english);
/* Whether every run of two or more ASCII letters in `word` is an English
 * word (as lang_english_words() counts them); true when it has none. */
bool lang_is_english_word(const char *word);
/* The scripts (static names, "Bengali") a model installed reads, each once,
 * in scripts[] and the first installed language of each ("ben") in langs[];
 * their number, at most `max`. None when `installed` is NULL. */
size_t lang_installed_models(const char *const *installed, const char **scripts, const char **langs, size_t max);
/* Whether "a+b" names `lang`. */
bool lang_includes(const char *langs, const char *lang);
/* What to try when a page read with `lang` comes out unsure: English and
 * Hindi together; NULL when `lang` already has both. */
const char *lang_alternative(const char *lang);

/* ---- ocr.c ---- */

/* What the pages of one document read so far say about the next ones: the
 * language of the last page that read upright and sure (see ocr_page). */
typedef struct ocr_memo {
  GMutex lock;
  char lang[32];              /* "" when nothing is known */
} ocr_memo;
void ocr_memo_init(ocr_memo *m);
void ocr_memo_clear(ocr_memo *m);

typedef struct ocr_job {
  cairo_surface_t *image;     /* the page, borrowed */
  double ppi;                 /* its resolution */
  const char *languages;      /* NULL: automatic */
  const lang_counts *hint;    /* scripts of the page's text layer, or NULL */
  double deadline;            /* ctx_now() value; 0: none */
  volatile gint *cancel;      /* non-zero: stop */
  ocr_memo *memo;             /* shared by the pages of a document, or NULL */
} ocr_job;

typedef struct ocr_result {
  char *text;                 /* g_malloc, "" when nothing was read */
  double confidence;          /* 0..100, -1 when the page was blank */
  char languages[32];         /* what tesseract ran with */
  const char *script;         /* static: OSD's script when no model reads it, else NULL */
  char missing[16];           /* the language that would read the page when none installed
                               * does ("tha"): no text was kept; else "" */
  int rotation;               /* degrees turned clockwise before reading */
  double skew;                /* degrees corrected */
  bool retried;               /* the low-confidence second pass ran */
  bool unknown_script;        /* no installed model reads the page's script, and OSD took it
                               * for one that a model reads (script: OSD's guess); no text kept */
  bool blank;                 /* nothing on the image */
  bool oriented;              /* OSD was asked: the page did not read sure upright at first */
  int passes;                 /* whole-page recognition passes (the wasted upright one included) */
  struct {                    /* CPU seconds per stage (the page's profile, for the debug log and bench/ocr.sh) */
    double osd;               /* orientation and script */
    double prepare;           /* conversion, turning, deskew, rescaling */
    double read;              /* the first recognition pass */
    double again;             /* every further pass: the turn check, another language, local binarisation */
  } cpu;
} ocr_result;

/* CPU seconds used by this thread (stage profiles: wall time means little on
 * a shared machine). */
static inline double cpu_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Language engines a thread keeps (the least recently used goes): an
 * automatic choice may have that many resident by the end of one page (the
 * first reading's, OSD's script's, the script check's, "eng+hin"). */
#define OCR_ENGINES_PER_THREAD 3

/* OCRs one page image with this thread's cached engine.
 * Errors: DOCTAG_EOCR, DOCTAG_ETIMEOUT, DOCTAG_ECANCELLED. */
doctag_status ocr_page(const ocr_job *job, ocr_result *out);
void ocr_result_clear(ocr_result *r);

/* ocr_setup_env(): tesslib.h. */

/* ---- pool.c ---- */

/* Runs fn(data) on `n` long-lived worker threads (created on demand, kept
 * for the life of the process so that their tesseract engines are reused).
 * Returns at once; the caller waits for its own completion signal. */
void pool_run(unsigned int n, void (*fn)(void *data), void *data);

#endif
