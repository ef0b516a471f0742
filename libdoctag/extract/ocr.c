/* OCR of one page image: Leptonica for the image work, tesseract's C API for
 * orientation (OSD) and recognition.
 *
 * Engines are expensive to create (hundreds of milliseconds, tens of MB), so
 * each thread keeps its own, keyed by language, for every page and document
 * it works on; tesseract engines must not be shared between threads. */
#define G_LOG_DOMAIN "doctag"
#include "extract/internal.h"
#include "core/ctx.h"
#include "core/error.h"

#include <dlfcn.h>
#include "extract/tesslib.h"
#include "extract/renderlib.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* tesseract's and leptonica's functions (tesslib.c); loaded by the
 * tesslib_get() that starts ocr_page(), before any engine exists */
#define T (tesslib_loaded())

/* OSD looks at the page at about this resolution: enough to tell the
 * orientation and the script, and a fraction of the full page's cost. */
#define OSD_PPI 150.0
/* Orientation confidence OSD must reach before we turn the page, and above
 * which we trust it. In between (upright pages score 6 to 40, a page upside
 * down 11.7, two lines of mojibake "upside down" 9.6) the page is read both
 * ways and the more confident reading wins. */
#define OSD_MIN_CONF 2.0
#define OSD_SURE_CONF 20.0
/* Below this mean word confidence a page is read again with local
 * binarisation and another layout mode. */
#define RETRY_BELOW 85
/* Below this one a page read in one language is read again in two: the
 * English half of a bilingual notice (OSD says Latin) reads at 68 with "eng"
 * alone and at 95 with "eng+hin", while clean single-language pages read
 * above 88. */
#define LANG_RETRY_BELOW 85
/* A page read this unsurely, whose Latin words (this many at least) are
 * English less often than this, is in a script OSD mistook for one a model
 * reads (see lang_english_words()): Armenian read at 36 with 3 English words
 * in 38, Georgian at 38, where the corpus's poorest English scan reads at 80
 * with most of its words English. */
#define UNKNOWN_SCRIPT_BELOW 60
#define UNKNOWN_SCRIPT_MIN_WORDS 8
#define UNKNOWN_SCRIPT_ENGLISH 0.25
/* Tesseract's layout analysis copes with skew under a degree, and turning
 * the image resamples it: on the corpus, straightening smaller angles lost
 * more characters than it won. */
#define DESKEW_MIN_DEG 1.0
/* leptonica's defaults for finding the skew: the binarisation threshold and
 * the confidence below which the angle is not trusted */
#define DESKEW_BIN_THRESH 130
#define DESKEW_MIN_CONF 3.0
/* Resolution Hindi is read at (see ocr_page). */
#define DEVANAGARI_PPI 300.0
/* Tesseract reads small print badly under ~150 PPI: such scans are doubled. */
#define UPSCALE_BELOW_PPI 140.0

typedef struct engine {
  char lang[32];
  TessBaseAPI *api;
  guint64 used;
} engine;

typedef struct engines {
  TessBaseAPI *osd;
  bool osd_missing;
  char **installed;           /* languages installed (TessDeleteTextArray), NULL: not listed yet */
  double installed_at;        /* ctx_now() when listed */
  engine slot[OCR_ENGINES_PER_THREAD];
  guint64 tick;
  bool busy;                  /* inside ocr_page(); under registry_lock */
} engines;

/* Every thread's engines, so that they can be ended at exit: tesseract's
 * shared dictionary cache complains on stderr about engines still alive when
 * it is destroyed, and the page workers never exit. */
static GMutex registry_lock;
static GPtrArray *registry;

static void engines_end(engines *e)
{
  if (e->installed) {
    T->TessDeleteTextArray(e->installed);
    e->installed = NULL;
  }
  if (e->osd) {
    T->TessBaseAPIEnd(e->osd);
    T->TessBaseAPIDelete(e->osd);
    e->osd = NULL;
  }
  for (int i = 0; i < OCR_ENGINES_PER_THREAD; i++) {
    if (e->slot[i].api) {
      T->TessBaseAPIEnd(e->slot[i].api);
      T->TessBaseAPIDelete(e->slot[i].api);
      e->slot[i].api = NULL;
    }
  }
}

static void engines_free(gpointer p)
{
  engines *e = p;
  if (!e)
    return;
  g_mutex_lock(&registry_lock);
  g_ptr_array_remove_fast(registry, e);
  g_mutex_unlock(&registry_lock);
  engines_end(e);
  g_free(e);
}

static GPrivate engines_key = G_PRIVATE_INIT(engines_free);

/* At exit, before tesseract's own destructors (registered after the first
 * engine started, so it runs before them), the engines of idle threads. */
static void engines_end_all(void)
{
  g_mutex_lock(&registry_lock);
  for (guint i = 0; registry && i < registry->len; i++) {
    engines *e = registry->pdata[i];
    if (!e->busy)
      engines_end(e);
  }
  g_mutex_unlock(&registry_lock);
}

/* OMP_THREAD_LIMIT only counts when libgomp starts, which is when the
 * program loads libtesseract, before any of our code runs. When the limit is
 * ours (unset by the caller, or 1), this thread's parallel regions are made
 * inactive instead: with max-active-levels 0 every "omp parallel" in
 * tesseract runs on the calling thread, num_threads clauses included. Looked
 * up at run time: libgomp is tesseract's dependency, not ours. */
static void openmp_one_thread(void)
{
  const char *limit = getenv("OMP_THREAD_LIMIT");
  if (limit && strcmp(limit, "1") != 0)
    return;
  void (*set_levels)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
  if (set_levels)
    set_levels(0);
}

/* This thread's engines, marked busy until thread_engines_done(). */
static engines *thread_engines(void)
{
  engines *e = g_private_get(&engines_key);
  if (!e) {
    ocr_setup_env();
    openmp_one_thread();
    e = g_new0(engines, 1);
    g_private_set(&engines_key, e);
    g_mutex_lock(&registry_lock);
    if (!registry)
      registry = g_ptr_array_new();
    g_ptr_array_add(registry, e);
    g_mutex_unlock(&registry_lock);
  }
  g_mutex_lock(&registry_lock);
  e->busy = true;
  g_mutex_unlock(&registry_lock);
  return e;
}

static void thread_engines_done(engines *e)
{
  g_mutex_lock(&registry_lock);
  e->busy = false;
  g_mutex_unlock(&registry_lock);
}

/* Layout work the LSTM recogniser does not use, left out for the scripts
 * written in proportional type (not Chinese, Japanese or Korean, whose
 * fixed pitch this step finds): the fixed-pitch test on every row
 * (tune_row_pitch) only decides the spacing of the words, and the
 * recogniser reads whole lines and finds the words itself. On the top
 * half of the 20-page benchmark's page 1 at 152 PPI (callgrind on the
 * tesseract CLI, as bench/ocr_profile.sh runs it) the test is 17% of the
 * layout's instructions and 2.3% of recognition's. Table and
 * vertical-text detection, as cheap to leave out, are kept: without them
 * the scanned rental agreement's inventory table is read column by column
 * (CER 0.08% -> 0.56%). */
static const char *const layout_switches[][2] = {
  { "textord_all_prop", "1" },
};

/* Whether "a+b" names a Chinese, Japanese or Korean model. */
static bool lang_cjk(const char *lang)
{
  static const char *const cjk[] = { "chi_", "jpn", "kor" };
  for (size_t i = 0; i < G_N_ELEMENTS(cjk); i++)
    if (strstr(lang, cjk[i]))
      return true;
  return false;
}

static TessBaseAPI *new_engine(const char *lang)
{
  static gsize quiet;
  if (g_once_init_enter(&quiet)) {
    /* Tesseract prints progress notes ("Empty page!!", "Detected 26
     * diacritics") on stderr unless its process-wide debug_file says
     * otherwise. Set once, before any engine exists, unless the program
     * chose a file itself: writing it while engines run corrupts the heap. */
    TessBaseAPI *api = T->TessBaseAPICreate();
    const char *current = T->TessBaseAPIGetStringVariable(api, "debug_file");
    if (!current || !*current)
      T->TessBaseAPISetVariable(api, "debug_file", "/dev/null");
    T->TessBaseAPIDelete(api);
    g_once_init_leave(&quiet, 1);
  }
  TessBaseAPI *api = T->TessBaseAPICreate();
  if (T->TessBaseAPIInit3(api, NULL, lang) != 0) {
    T->TessBaseAPIDelete(api);
    return NULL;
  }
  if (strcmp(lang, "osd") != 0 && !lang_cjk(lang))
    for (size_t i = 0; i < G_N_ELEMENTS(layout_switches); i++)
      T->TessBaseAPISetVariable(api, layout_switches[i][0], layout_switches[i][1]);
  /* Tesseract's layout throws away a line as noise when none of its blobs of
   * ink is the size of a letter and a few are dots (textord_noise_rejrows).
   * In the scripts whose words hang from a headline (lang_has_headline) a
   * whole word is one blob, wider than two letters: a short line such as a
   * signature, "গ্রন্থাগারিক, জেলা গ্রন্থাগার" (three words, a comma and a
   * reph), has no letter-sized blob at all and went, at every page
   * segmentation mode but the raw line. Engines for those scripts keep such
   * lines; the recogniser and the word-level noise filter still judge them. */
  if (lang_has_headline(lang))
    T->TessBaseAPISetVariable(api, "textord_noise_rejrows", "0");
  /* Tesseract's shared dictionary cache is created by the first engine that
   * loads a dictionary (not by "osd"); our exit handler must be registered
   * after it so that it runs before the cache's destructor. */
  static gsize at_exit_osd, at_exit_dict;
  gsize *once = strcmp(lang, "osd") == 0 ? &at_exit_osd : &at_exit_dict;
  if (g_once_init_enter(once)) {
    atexit(engines_end_all);
    g_once_init_leave(once, 1);
  }
  return api;
}

static TessBaseAPI *engine_for(engines *e, const char *lang)
{
  engine *victim = &e->slot[0];
  for (int i = 0; i < OCR_ENGINES_PER_THREAD; i++) {
    engine *s = &e->slot[i];
    if (s->api && strcmp(s->lang, lang) == 0) {
      s->used = ++e->tick;
      return s->api;
    }
    if (!s->api || s->used < victim->used)
      victim = s;
    if (!s->api)
      break;
  }
  TessBaseAPI *api = new_engine(lang);
  if (!api) {
    /* the packages of the languages asked for (a caller may name any) */
    const char *prefix = getenv("TESSDATA_PREFIX");
    GString *pkgs = g_string_new(NULL);
    gchar **parts = g_strsplit(lang, "+", -1);
    for (gchar **l = parts; *l; l++) {
      char pkg[64];
      lang_package(*l, pkg, sizeof pkg);
      g_string_append_printf(pkgs, "%s%s", pkgs->len ? " " : "", pkg);
    }
    g_strfreev(parts);
    err_set(DOCTAG_EOCR, "tesseract cannot load the language data \"%s\" (is %s installed?%s%s)", lang, pkgs->str,
            prefix ? " TESSDATA_PREFIX=" : "", prefix ? prefix : "");
    g_string_free(pkgs, TRUE);
    return NULL;
  }
  if (victim->api) {
    T->TessBaseAPIEnd(victim->api);
    T->TessBaseAPIDelete(victim->api);
  }
  g_strlcpy(victim->lang, lang, sizeof victim->lang);
  victim->api = api;
  victim->used = ++e->tick;
  return api;
}

static TessBaseAPI *osd_engine(engines *e)
{
  if (!e->osd && !e->osd_missing) {
    e->osd = new_engine("osd");
    e->osd_missing = e->osd == NULL; /* no osd.traineddata: pages are read as they come */
  }
  return e->osd;
}

/* The languages installed, as the OSD engine finds them, listed again after
 * a minute (a model installed while the program runs then counts); NULL
 * when there is no OSD engine to ask. */
#define INSTALLED_TTL_SEC 60.0

static const char *const *installed_langs(engines *e)
{
  TessBaseAPI *osd = osd_engine(e);
  double now = ctx_now();
  if (osd && (!e->installed || now - e->installed_at > INSTALLED_TTL_SEC)) {
    char **v = T->TessBaseAPIGetAvailableLanguagesAsVector(osd);
    if (v) {
      if (e->installed)
        T->TessDeleteTextArray(e->installed);
      e->installed = v;
      e->installed_at = now;
    }
  }
  return (const char *const *)e->installed;
}

/* Whether every language of "a+b" is installed; else false with err_set()
 * naming the packages that are not. True when the installed ones cannot be
 * listed (engine_for() then says what fails). */
static bool langs_installed(engines *e, const char *langs)
{
  const char *const *installed = installed_langs(e);
  if (!installed)
    return true;
  GString *missing = g_string_new(NULL);
  gchar **parts = g_strsplit(langs, "+", -1);
  for (gchar **l = parts; *l; l++) {
    bool found = false;
    for (size_t i = 0; installed[i] && !found; i++)
      found = !strcmp(installed[i], *l);
    if (!found) {
      char pkg[64];
      lang_package(*l, pkg, sizeof pkg);
      g_string_append_printf(missing, "%s%s (install %s)", missing->len ? ", " : "", *l, pkg);
    }
  }
  g_strfreev(parts);
  bool ok = missing->len == 0;
  if (!ok)
    err_set(DOCTAG_EOCR, "OCR language not installed: %s", missing->str);
  g_string_free(missing, TRUE);
  return ok;
}

/* ------------------------------------------------------------------ image */

/* 8-bit grey PIX from a cairo image surface (composited over white). */
static PIX *surface_to_pix(cairo_surface_t *surf)
{
  R->cairo_surface_flush(surf);
  cairo_format_t fmt = R->cairo_image_surface_get_format(surf);
  int w = R->cairo_image_surface_get_width(surf), h = R->cairo_image_surface_get_height(surf);
  int stride = R->cairo_image_surface_get_stride(surf);
  const unsigned char *data = R->cairo_image_surface_get_data(surf);
  if (!data || w <= 0 || h <= 0)
    return NULL;
  PIX *pix = T->pixCreate(w, h, 8);
  if (!pix)
    return NULL;
  l_uint32 *pd = T->pixGetData(pix);
  int wpl = T->pixGetWpl(pix);
  for (int y = 0; y < h; y++) {
    const unsigned char *src = data + (size_t)y * stride;
    l_uint32 *dst = pd + (size_t)y * wpl;
    for (int x = 0; x < w; x++) {
      unsigned int v;
      if (fmt == CAIRO_FORMAT_ARGB32 || fmt == CAIRO_FORMAT_RGB24) {
        guint32 px = ((const guint32 *)src)[x];
        unsigned int a = fmt == CAIRO_FORMAT_ARGB32 ? px >> 24 : 255;
        unsigned int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
        /* premultiplied: over white adds (255 - alpha) */
        v = ((r + 255 - a) * 77 + (g + 255 - a) * 150 + (b + 255 - a) * 29) >> 8;
      } else if (fmt == CAIRO_FORMAT_A8) {
        v = 255 - src[x];
      } else if (fmt == CAIRO_FORMAT_A1) {
        bool set = (((const guint32 *)src)[x >> 5] >> (x & 31)) & 1;
        v = set ? 0 : 255;
      } else {
        T->pixDestroy(&pix);
        return NULL;
      }
      SET_DATA_BYTE(dst, x, MIN(v, 255u));
    }
  }
  return pix;
}

/* Fraction of dark pixels, on a reduced copy. */
static double ink(PIX *pix)
{
  PIX *small = T->pixScaleByIntSampling(pix, 2);
  PIX *bin = small ? T->pixThresholdToBinary(small, 128) : NULL;
  l_int32 n = 0;
  if (bin)
    T->pixCountPixels(bin, &n, NULL);
  double f = bin ? (double)n / ((double)T->pixGetWidth(bin) * T->pixGetHeight(bin)) : 1.0;
  T->pixDestroy(&bin);
  T->pixDestroy(&small);
  return f;
}

/* ------------------------------------------------------------ recognition */

typedef struct watch {
  double deadline;
  volatile gint *cancel;
  bool timed_out, cancelled;
  int passes;                 /* whole-page recognition passes so far (read_with) */
} watch;

static bool should_stop(watch *w)
{
  if (w->cancel && g_atomic_int_get(w->cancel))
    w->cancelled = true;
  else if (w->deadline > 0 && ctx_now() > w->deadline)
    w->timed_out = true;
  return w->cancelled || w->timed_out;
}

static bool cancel_cb(void *data, int words)
{
  (void)words;
  return should_stop(data);
}

static doctag_status stopped(const watch *w)
{
  return w->cancelled ? err_set(DOCTAG_ECANCELLED, "cancelled")
                      : err_set(DOCTAG_ETIMEOUT, "time limit reached while OCR was reading a page");
}

/* List bullets. Neither eng nor hin has "•" in its character set, so
 * tesseract reads a bullet as a glyph it knows: '*', '¢', '°', '-', '«', 'e'
 * (and now and then glues it to the next word: "¢1 cup", "ea pinch"). A line
 * whose first symbol is such a stand-in (see stand_in) gets its bullet back
 * when the ink under that symbol is a bullet's, measured against the line's
 * height above its baseline (A): a filled round dot, the box about square and
 * 60-92% inked (a disc fills 79%; an asterisk, a cent sign, a ring or a
 * letter much less, a square all of it), 0.12-0.6 A high, floating above the
 * baseline by at least a third of its own height (a full stop or a letter
 * sits on it), its centre at most 0.65 A up (a degree sign sits higher). On
 * the corpus's scans the bullets measure 12-19 pixels, 68-87% inked, 0.2-0.4
 * A high, their centre 0.34-0.52 A up. A middle dot opening a line is taken
 * for the bullet it is. */
#define BULLET "\u2022"

static bool inked(PIX *pix, int x, int y)
{
  l_uint32 *row = T->pixGetData(pix) + (size_t)y * T->pixGetWpl(pix);
  return T->pixGetDepth(pix) == 1 ? GET_DATA_BIT(row, x) : GET_DATA_BYTE(row, x) < 128;
}

/* Whether a line whose first symbol is `sym` may start with a misread
 * bullet: a punctuation mark, a symbol or a Latin letter (digits are list
 * numbers, Devanagari is never a bullet's reading). */
static bool stand_in(const char *sym)
{
  if (!sym || !*sym || *g_utf8_next_char(sym) != '\0')
    return false;
  gunichar u = g_utf8_get_char(sym);
  switch (g_unichar_type(u)) {
  case G_UNICODE_CONNECT_PUNCTUATION: case G_UNICODE_DASH_PUNCTUATION: case G_UNICODE_CLOSE_PUNCTUATION:
  case G_UNICODE_FINAL_PUNCTUATION: case G_UNICODE_INITIAL_PUNCTUATION: case G_UNICODE_OTHER_PUNCTUATION:
  case G_UNICODE_OPEN_PUNCTUATION: case G_UNICODE_CURRENCY_SYMBOL: case G_UNICODE_MODIFIER_SYMBOL:
  case G_UNICODE_MATH_SYMBOL: case G_UNICODE_OTHER_SYMBOL:
    return true;
  case G_UNICODE_LOWERCASE_LETTER: case G_UNICODE_UPPERCASE_LETTER:
    return g_unichar_get_script(u) == G_UNICODE_SCRIPT_LATIN;
  default:
    return false;
  }
}

/* Whether the box l,t,r,b of `pix` holds a bullet's ink, on a line whose
 * box starts at `lt` and whose baseline runs through x1,y1 and x2,y2. */
static bool bullet_ink(PIX *pix, int l, int t, int r, int b, int lt, int x1, int y1, int x2, int y2)
{
  l = MAX(l, 0);
  t = MAX(t, 0);
  r = MIN(r, T->pixGetWidth(pix));
  b = MIN(b, T->pixGetHeight(pix));
  /* the line's height above its baseline: capitals, ascenders or matras */
  double base = x2 != x1 ? y1 + (double)(y2 - y1) * ((l + r) / 2.0 - x1) / (x2 - x1) : y1;
  double w = r - l, h = b - t, above = base - lt, centre = base - (t + b) / 2.0;
  if (w <= 0 || h <= 0 || above <= 0 || h < 0.12 * above || h > 0.6 * above || w < 0.7 * h || h < 0.7 * w)
    return false;
  if (base - b < h / 3 || centre > 0.65 * above)
    return false;
  long n = 0;
  for (int y = t; y < b; y++)
    for (int x = l; x < r; x++)
      n += inked(pix, x, y);
  double fill = (double)n / (w * h);
  return fill >= 0.60 && fill <= 0.92;
}

/* The box of the iterator's `level` and its line's box and baseline, in the
 * pixels of an image `k` times the size of the one tesseract read. */
static bool line_geometry(TessPageIterator *pit, TessPageIteratorLevel level, double k, int box[4], int line[4],
                          int baseline[4])
{
  if (!T->TessPageIteratorBoundingBox(pit, level, &box[0], &box[1], &box[2], &box[3]) ||
      !T->TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &line[0], &line[1], &line[2], &line[3]) ||
      !T->TessPageIteratorBaseline(pit, RIL_TEXTLINE, &baseline[0], &baseline[1], &baseline[2], &baseline[3]))
    return false;
  for (int i = 0; k != 1.0 && i < 4; i++) {
    box[i] = (int)lround(box[i] * k);
    line[i] = (int)lround(line[i] * k);
    baseline[i] = (int)lround(baseline[i] * k);
  }
  return true;
}

/* Whether the ink of the first symbol of the iterator's line is a bullet's.
 * `pix` is the image the ink is measured on, `k` its size over that of the
 * image tesseract read (whose boxes the iterator gives): a bullet is 12-19
 * pixels at 200-300 PPI, and on a shrunk copy its fill is blurred into the
 * range of the glyphs it is read as. */
static bool looks_like_bullet(TessPageIterator *pit, PIX *pix, double k)
{
  int s[4], l[4], bl[4];
  return line_geometry(pit, RIL_SYMBOL, k, s, l, bl) && bullet_ink(pix, s[0], s[1], s[2], s[3], l[1], bl[0], bl[1], bl[2], bl[3]);
}

/* Whether the iterator's line opens with a bullet that tesseract left out
 * of its text (on a 150 PPI copy of a 300 PPI page it reads some as noise,
 * or as part of the first glyph's box): the first ink of the line, from
 * BULLET_REACH line heights (above the baseline) before the line's box up
 * to its first symbol's right edge, is a column of ink apart from what
 * follows by at least half its own width, not touching the reach's left
 * end, and a bullet's (see bullet_ink). Same `pix` and `k` as
 * looks_like_bullet(). */
#define BULLET_REACH 2.5

static bool column_inked(PIX *pix, int x, int y0, int y1, int *top, int *bottom)
{
  bool any = false;
  for (int y = y0; y < y1; y++)
    if (inked(pix, x, y)) {
      *top = any ? MIN(*top, y) : y;
      *bottom = y;
      any = true;
    }
  return any;
}

static bool bullet_before(TessPageIterator *pit, PIX *pix, double k)
{
  int sym[4], l[4], bl[4];
  if (!line_geometry(pit, RIL_SYMBOL, k, sym, l, bl))
    return false;
  double above = (bl[1] + bl[3]) / 2.0 - l[1];
  if (above <= 0)
    return false;
  int x0 = MAX(0, l[0] - (int)(BULLET_REACH * above)), x1 = MIN(sym[2], T->pixGetWidth(pix));
  int y0 = MAX(0, l[1]), y1 = MIN(l[3], T->pixGetHeight(pix));
  int x = x0, top = 0, bottom = 0, t, b;
  while (x < x1 && !column_inked(pix, x, y0, y1, &top, &bottom))
    x++;
  if (x >= x1 || (x == x0 && x0 > 0))
    return false;
  int left = x;
  for (; x < x1 && column_inked(pix, x, y0, y1, &t, &b); x++) {
    top = MIN(top, t);
    bottom = MAX(bottom, b);
  }
  int right = x, gap = MAX(1, (right - left) / 2);
  while (x < x1 && x < right + gap && !column_inked(pix, x, y0, y1, &t, &b))
    x++;
  if (x < right + gap)
    return false;
  return bullet_ink(pix, left, top, right, bottom + 1, l[1], bl[0], bl[1], bl[2], bl[3]);
}

/* ---------------------------------------------------- second readings */

/* The page's own model for the Latin words of a page read as "eng+<own>".
 * English comes first for the digits (lang.c), but it is sure of some
 * words it should never have read: Devanagari "फ़ुट" comes out "He" (74),
 * "थैलियाँ" "Arai" (50). Each word English read with a Latin letter in it is
 * read again, alone on its line, by the page's own model, and that reading
 * (when it has a letter of the page's script) wins when it is surer, or when
 * the ink says the word is not Latin: in scripts whose words hang from a
 * headline (see headline()), a word as wide as it is high with a line along
 * the top through 90% of its width. On the corpus's and the fixtures' scans
 * the misread Devanagari words measure 0.84-1.0, real English words at most
 * 0.58 ("in"; "a" 0.85 is too narrow to count), and the Hindi model reads
 * English words at confidence 0-84 where English reads them at 85-97. */
#define HEADLINE_SHARE 0.9
/* English words English reads at this confidence or above are not read
 * again unless their ink says otherwise: on the corpus the misread words
 * read 50-86, and the Indic models never read an English word surer than 90.
 * It spares a bilingual page a hundred second readings. */
#define REREAD_SURE 90
/* English also reads whole words of scripts without a headline as Latin
 * words, however sure: Telugu "కులీనత," as "HOSS," (87; 92 in the line
 * alone, where tel reads the word at 90), Oriya "ଲିଙ୍ଗ," as "MEP," (over
 * 90), Gujarati "જન્મ" as "WH" (the CLI, -l eng+guj). Such a reading is no
 * English word: it is read again at any confidence, and the own model's
 * reading wins when it has a letter of its script and this confidence
 * (tel's "కులీనత," alone: 56). An English word stands: the Indic models
 * read real ones with letters of their own at up to 86 ("of" as "र्णा"),
 * names and abbreviations English does not know ("Aadhaar" 85, "KYC" 92) as
 * digits and signs, or under 50. */
#define REREAD_NOT_ENGLISH 50
typedef struct reread {
  TessBaseAPI *api;           /* the page's own model, the page image set; NULL: none */
  PIX *pix;                   /* that image */
  bool headline;              /* the script draws a headline through its words */
  int words, replaced;
} reread;

static bool has_letter(const char *s, bool latin)
{
  for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char(p);
    if (g_unichar_isalpha(u) && (g_unichar_get_script(u) == G_UNICODE_SCRIPT_LATIN) == latin)
      return true;
  }
  return false;
}

/* The longest run of ink along one row of the upper half of a word's box,
 * as a share of its width: Devanagari, Bengali and Gurmukhi words hang from
 * a headline that runs through the whole word (0.8-1.0), Latin words have
 * none (a 'T' bar or two: 0.1-0.4). */
static double headline(PIX *pix, int l, int t, int r, int b)
{
  l = MAX(l, 0);
  t = MAX(t, 0);
  r = MIN(r, T->pixGetWidth(pix));
  b = MIN(b, T->pixGetHeight(pix));
  if (r - l < 4 || b - t < 4)
    return 0;
  int best = 0;
  for (int y = t; y < t + (b - t) / 2; y++) {
    int run = 0;
    for (int x = l; x < r; x++) {
      run = inked(pix, x, y) ? run + 1 : 0;
      best = MAX(best, run);
    }
  }
  return (double)best / (r - l);
}

/* The own model's reading of the iterator's word when it should replace
 * `word` (newly allocated), else NULL. */
static char *reread_word(reread *rr, TessResultIterator *it, TessPageIterator *pit, const char *word)
{
  if (!rr->api || !has_letter(word, true))
    return NULL;
  const char *by = T->TessResultIteratorWordRecognitionLanguage(it);
  if (by && strcmp(by, "eng") != 0)
    return NULL;
  int l, t, r, b;
  if (!T->TessPageIteratorBoundingBox(pit, RIL_WORD, &l, &t, &r, &b) || r <= l || b <= t)
    return NULL;
  float conf = T->TessResultIteratorConfidence(it, RIL_WORD);
  bool hangs = rr->headline && r - l >= b - t && headline(rr->pix, l, t, r, b) >= HEADLINE_SHARE;
  if (!hangs && conf >= REREAD_SURE && lang_is_english_word(word))
    return NULL;
  int pad = MAX(2, (b - t) / 6);
  l = MAX(0, l - pad);
  t = MAX(0, t - pad);
  T->TessBaseAPISetRectangle(rr->api, l, t, r - l + 2 * pad, b - t + 2 * pad);
  if (T->TessBaseAPIRecognize(rr->api, NULL) != 0)
    return NULL;
  char *alt = T->TessBaseAPIGetUTF8Text(rr->api);
  int aconf = T->TessBaseAPIMeanTextConf(rr->api);
  char *out = alt ? g_strstrip(g_strdelimit(g_strdup(alt), "\n", ' ')) : NULL;
  if (alt)
    T->TessDeleteText(alt);
  rr->words++;
  g_debug("ocr reread \"%s\" (%.0f) -> \"%s\" (%d)%s", word, conf, out ? out : "", aconf,
          hangs ? ", under a headline" : "");
  bool not_english = aconf >= REREAD_NOT_ENGLISH && !lang_is_english_word(word);
  if (out && *out && (aconf > conf || hangs || not_english) && has_letter(out, false)) {
    rr->replaced++;
    return out;
  }
  g_free(out);
  return NULL;
}

/* Tesseract's layout can take the marks drawn above a line (vowel signs
 * and the tops of letters of an Indic script) for a line of their own,
 * which the recogniser reads as a word or two of junk: on the fixtures'
 * Gujarati page scanned at 240 PPI the tops of "છે. તેમનામાં" became a
 * line 10 px high over its 47 px line, read "કિ" at confidence 0 (and
 * "રો %" at 16 from our 300 PPI copy). A line lower than MARK_LINE_SHARE of
 * the page's median line, read under MARK_LINE_CONF, is dropped. On the
 * corpus's and the fixtures' scans the real lines that low ("Page 1 of 2",
 * 0.56 of the median, "account." 0.42 where a paragraph's last word stands
 * alone) read at 94-97, the lines of marks at 0-17. */
#define MARK_LINE_SHARE 0.5
#define MARK_LINE_CONF 50

static bool blank(const char *s)
{
  for (; s && *s; s++)
    if (!g_ascii_isspace(*s))
      return false;
  return true;
}

static gint compare_ints(gconstpointer a, gconstpointer b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* The median height of the lines `api` read text on; 0 when none. */
static int median_line_height(TessBaseAPI *api)
{
  TessResultIterator *it = T->TessBaseAPIGetIterator(api);
  if (!it)
    return 0;
  TessPageIterator *pit = T->TessResultIteratorGetPageIterator(it);
  GArray *h = g_array_new(FALSE, FALSE, sizeof(int));
  do {
    int l, t, r, b;
    char *line = T->TessResultIteratorGetUTF8Text(it, RIL_TEXTLINE);
    if (!blank(line) && T->TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &l, &t, &r, &b)) {
      int height = b - t;
      g_array_append_val(h, height);
    }
    T->TessDeleteText(line);
  } while (T->TessResultIteratorNext(it, RIL_TEXTLINE));
  T->TessResultIteratorDelete(it);
  g_array_sort(h, compare_ints);
  int median = h->len ? g_array_index(h, int, h->len / 2) : 0;
  g_array_free(h, TRUE);
  return median;
}

/* Whether the iterator's line is marks alone (see MARK_LINE_SHARE). The
 * median line height of the page `api` read is found in *median (-1: not
 * yet) when a line first reads under MARK_LINE_CONF: a page read surely
 * never pays for it (a text line's UTF-8 from tesseract's result iterator
 * costs as much as reading a word). */
static bool mark_line(TessBaseAPI *api, TessResultIterator *it, TessPageIterator *pit, int *median)
{
  int l, t, r, b;
  if (T->TessResultIteratorConfidence(it, RIL_TEXTLINE) >= MARK_LINE_CONF)
    return false;
  if (*median < 0)
    *median = median_line_height(api);
  return *median > 0 && T->TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &l, &t, &r, &b) &&
         b - t < MARK_LINE_SHARE * *median;
}

/* *text with each line rewritten where it needs to be: its list bullet
 * restored (see BULLET; measured on `full`, the image `pix` was made from,
 * or `pix` itself), its misread Latin words read again (see reread), a
 * line of marks dropped (see MARK_LINE_SHARE).
 * The lines come from the iterator in the order GetUTF8Text wrote them, each
 * line's text verbatim, so each is looked for after the previous one, at a
 * line start, and replaced there. */
static void rewrite_lines(TessBaseAPI *api, PIX *pix, PIX *full, reread *rr, char **text)
{
  double k = (double)T->pixGetWidth(full) / T->pixGetWidth(pix);
  TessResultIterator *it = T->TessBaseAPIGetIterator(api);
  if (!it)
    return;
  TessPageIterator *pit = T->TessResultIteratorGetPageIterator(it);
  GString *out = NULL;
  const char *from = *text; /* not yet copied to out */
  int restored = 0, marks = 0, median = -1;
  bool more = true;
  while (more) {
    char *sym = T->TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
    bool drop = mark_line(api, it, pit, &median);
    bool bullet = !drop && stand_in(sym) && looks_like_bullet(pit, full, k);
    bool dropped = !drop && !bullet && bullet_before(pit, full, k);
    /* the line again, word by word, when a word is replaced; with no
     * model to read words again, on to the next line (moving word by word,
     * tesseract orders the line's words again at every step) */
    GString *words = g_string_new(NULL);
    bool replaced = false;
    while (rr && rr->api) {
      char *w = T->TessResultIteratorGetUTF8Text(it, RIL_WORD);
      char *alt = w && !drop ? reread_word(rr, it, pit, w) : NULL;
      if (words->len)
        g_string_append_c(words, ' ');
      g_string_append(words, alt ? alt : w ? w : "");
      replaced |= alt != NULL;
      g_free(alt);
      T->TessDeleteText(w);
      if (T->TessPageIteratorIsAtFinalElement(pit, RIL_TEXTLINE, RIL_WORD))
        break;
      if (!T->TessResultIteratorNext(it, RIL_WORD)) {
        more = false;
        break;
      }
    }
    const char *at = NULL;
    char *line = drop || bullet || dropped || replaced ? T->TessResultIteratorGetUTF8Text(it, RIL_TEXTLINE) : NULL;
    if (line && *line) {
      at = strstr(from, line);
      while (at && at != *text && at[-1] != '\n')
        at = strstr(at + 1, line);
    }
    if (at) {
      size_t line_len = strlen(line);
      GString *fixed = g_string_new(NULL);
      if (drop) {
        g_debug("ocr: a line of marks dropped: %s", line);
        marks++;
      } else if (replaced) {
        g_string_append(words, "\n");
        g_string_assign(fixed, words->str);
      } else {
        g_string_assign(fixed, line);
      }
      if (bullet && g_str_has_prefix(fixed->str, sym)) {
        /* the symbol, then a space unless the word ended there */
        size_t skip = strlen(sym);
        g_string_erase(fixed, 0, (gssize)skip);
        g_string_prepend(fixed, fixed->str[0] == ' ' ? BULLET : BULLET " ");
        restored++;
      } else if (dropped) {
        g_string_prepend(fixed, BULLET " ");
        restored++;
      }
      if (!out)
        out = g_string_sized_new(strlen(*text) + 16);
      g_string_append_len(out, from, at - from);
      g_string_append(out, fixed->str);
      from = at + line_len;
      g_string_free(fixed, TRUE);
    }
    g_string_free(words, TRUE);
    T->TessDeleteText(sym);
    T->TessDeleteText(line);
    if (more)
      more = T->TessResultIteratorNext(it, RIL_TEXTLINE);
  }
  T->TessResultIteratorDelete(it);
  if (out) {
    g_string_append(out, from);
    g_free(*text);
    *text = g_string_free(out, FALSE);
    g_debug("ocr: %d list bullets restored, %d of %d Latin words read again replaced, %d lines of marks dropped",
            restored, rr ? rr->replaced : 0, rr ? rr->words : 0, marks);
  }
}

static TessBaseAPI *engine_for(engines *e, const char *lang);

/* The tam model writes a zero-width non-joiner after every pulli (U+0BCD)
 * that ends a word ("எண்\u200c"): Tamil has no conjunct for it to prevent,
 * so it only splits words from their spelling for search and tagging (on
 * the fixtures' Tamil scan, 31 of 41 words). Dropped in place. */
static void drop_tamil_zwnj(char *text)
{
  static const char pulli_zwnj[] = "\u0BCD\u200C";
  if (!strstr(text, pulli_zwnj))
    return;
  char *w = text;
  for (const char *r = text; *r;) {
    if (!strncmp(r, pulli_zwnj, sizeof pulli_zwnj - 1)) {
      memmove(w, r, 3); /* the pulli */
      w += 3;
      r += sizeof pulli_zwnj - 1;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
}

/* One recognition pass of `pix`; *text newly allocated (g_malloc).
 * `native`: the page's own language when `api` reads "eng+<native>" (see
 * reread), else NULL. `full`: the image `pix` was shrunk from, for the ink
 * checks, or `pix` itself. */
static doctag_status recognise(engines *e, TessBaseAPI *api, const char *native, PIX *pix, PIX *full, int ppi,
                               TessPageSegMode psm, watch *w, char **text, int *conf)
{
  *text = NULL;
  *conf = 0;
  T->TessBaseAPISetPageSegMode(api, psm);
  T->TessBaseAPISetImage2(api, pix);
  T->TessBaseAPISetSourceResolution(api, ppi);
  ETEXT_DESC *mon = T->TessMonitorCreate();
  T->TessMonitorSetCancelFunc(mon, cancel_cb);
  T->TessMonitorSetCancelThis(mon, w);
  int rc = T->TessBaseAPIRecognize(api, mon);
  T->TessMonitorDelete(mon);
  if (should_stop(w)) {
    T->TessBaseAPIClear(api);
    return stopped(w);
  }
  if (rc != 0) {
    T->TessBaseAPIClear(api);
    return err_set(DOCTAG_EOCR, "tesseract could not read the page (%dx%d pixels at %d PPI)",
                   T->pixGetWidth(pix), T->pixGetHeight(pix), ppi);
  }
  char *t = T->TessBaseAPIGetUTF8Text(api);
  *conf = T->TessBaseAPIMeanTextConf(api);
  *text = g_strdup(t ? t : "");
  reread rr = { NULL, pix, lang_has_headline(native), 0, 0 };
  if (native && (rr.api = engine_for(e, native))) {
    T->TessBaseAPISetPageSegMode(rr.api, PSM_SINGLE_LINE);
    T->TessBaseAPISetImage2(rr.api, pix);
    T->TessBaseAPISetSourceResolution(rr.api, ppi);
  }
  rewrite_lines(api, pix, full, &rr, text);
  if (rr.api)
    T->TessBaseAPIClear(rr.api);
  drop_tamil_zwnj(*text);
  if (t)
    T->TessDeleteText(t);
  T->TessBaseAPIClear(api);
  g_strchomp(*text);
  return DOCTAG_OK;
}

/* Orientation (clockwise turn that puts the text upright) and script. */
static void orientation(engines *e, PIX *pix, double ppi, int *turn, float *conf, char *script, size_t script_len)
{
  *turn = 0;
  *conf = 0;
  script[0] = '\0';
  TessBaseAPI *osd = osd_engine(e);
  if (!osd)
    return;
  PIX *small = NULL;
  double res = ppi;
  if (ppi > OSD_PPI * 1.2) {
    float f = (float)(OSD_PPI / ppi);
    small = T->pixScale(pix, f, f);
    res = OSD_PPI;
  }
  T->TessBaseAPISetImage2(osd, small ? small : pix);
  T->TessBaseAPISetSourceResolution(osd, (int)lround(res));
  int deg = 0;
  float oconf = 0, sconf = 0;
  const char *name = NULL;
  if (T->TessBaseAPIDetectOrientationScript(osd, &deg, &oconf, &name, &sconf)) {
    if (oconf >= OSD_MIN_CONF)
      *turn = (360 - deg) % 360;
    *conf = oconf;
    g_debug("osd: %d degrees (confidence %.1f), script %s (%.1f)", deg, oconf, name ? name : "?", sconf);
    /* the name belongs to the engine (capi.h's "TessDeleteText" note is
     * wrong for tesseract 5: freeing it is a double free) */
    if (name)
      g_strlcpy(script, name, script_len);
  }
  T->TessBaseAPIClear(osd);
  T->pixDestroy(&small);
}

/* The second opinion: local (Sauvola) binarisation and a single-block
 * layout, for pages whose first reading was unsure. */
static PIX *binarise_locally(PIX *pix, int ppi)
{
  PIX *bin = NULL;
  l_int32 whsize = MAX(8, ppi / 12); /* about a character's height */
  if (T->pixSauvolaBinarizeTiled(pix, whsize, 0.34f, 1, 1, NULL, &bin) != 0)
    return NULL;
  return bin;
}

/* words on a headline the script of a page is checked on (headline_words) */
#define HEADLINE_WORDS 7

/* The page turned upright and straightened, the height of its letters,
 * and the copies made when first needed: 300 PPI for Hindi, a smaller one
 * for English print larger than tesseract needs. */
typedef struct page_image {
  PIX *pix;
  int ppi;
  double skew;
  int text_px;                /* 0: not known */
  double joined;              /* share of the blobs that are words on a headline (text_height) */
  double gaps_down;           /* share of the text's rows no letter reaches (text_height) */
  double gaps_across;         /* the same of its columns */
  int word[HEADLINE_WORDS][4]; /* the widest words on a headline (headline_words) */
  int words;                  /* how many */
  PIX *deva;
  int deva_ppi;
  PIX *small;
  int small_ppi;
} page_image;

/* The median height in pixels of the blobs of ink that can be letters (at
 * least MIN_LETTER_PX high, under 256, at most three times as wide as
 * high), or 0 when the page has fewer than MIN_LETTERS of them; and in
 * img->joined the share, against those letters, of the blobs one to three
 * letters high and wider than three letters: words whose letters hang from
 * one headline (Devanagari, Bengali, Gurmukhi), which print in separate
 * letters hardly has (an underline, a rule). On the first pages of the
 * corpus's and fixtures' scans: 0.8-19% in those scripts, 0-0.3% in
 * English, none in the other scripts of India. A page with fewer letters,
 * but JOINED_MIN_LETTERS, has img->joined measured against their median:
 * the corpus's Hindi second pages, nine lines or fewer, have 63-173 such
 * blobs (most of their ink is words) and 5-21% of words on a headline.
 *
 * Also the way the lines run, from the same blobs (both sides between
 * MIN_LETTER_PX and 256): img->gaps_down is the share of the rows between
 * the first and the last letter that no letter reaches (the space between
 * lines), img->gaps_across that of the columns. Lines across the page leave
 * whole rows empty and hardly a column (the word spaces of one line are not
 * under those of the next); lines down the page, a page scanned turned, the
 * other way round (see lines_down). */
#define MIN_LETTER_PX 4
#define MIN_LETTERS 200
#define JOINED_MIN_LETTERS 50

/* The median of the letters' heights in hist (letters of them), or 0 when
 * there are fewer than `min`. */
static int letter_median(const unsigned int hist[256], unsigned int letters, unsigned int min)
{
  unsigned int seen = 0;
  for (int h = 0; h < 256 && letters >= min; h++)
    if ((seen += hist[h]) * 2 >= letters)
      return h;
  return 0;
}

static double empty_share(const unsigned char *seen, int n)
{
  int first = 0, last = n - 1, empty = 0;
  while (first < n && !seen[first])
    first++;
  while (last > first && !seen[last])
    last--;
  if (last <= first)
    return 0;
  for (int i = first; i <= last; i++)
    empty += !seen[i];
  return (double)empty / (double)(last - first + 1);
}

/* The HEADLINE_WORDS widest words on a headline among `boxes` (blobs one
 * to three `letter`s high and wider than three, see text_height), their
 * boxes in word[] (left, top, right, bottom); their number. The lines of
 * such scripts touch (the vowel signs of one reach the next), so a line
 * is not found by its empty rows; a whole word is one blob. */
static int headline_words(BOXA *boxes, int letter, int word[HEADLINE_WORDS][4])
{
  int n = 0, count = T->boxaGetCount(boxes);
  for (int i = 0; i < count; i++) {
    l_int32 x, y, w, h;
    if (T->boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0 || w <= 3 * h || h < letter || h > 3 * letter)
      continue;
    /* insertion, widest first */
    int at = MIN(n, HEADLINE_WORDS - 1);
    if (n == HEADLINE_WORDS && word[at][2] - word[at][0] >= w)
      continue;
    for (; at > 0 && word[at - 1][2] - word[at - 1][0] < w; at--)
      memcpy(word[at], word[at - 1], sizeof word[at]);
    word[at][0] = x;
    word[at][1] = y;
    word[at][2] = x + w;
    word[at][3] = y + h;
    n = MIN(n + 1, HEADLINE_WORDS);
  }
  return n;
}

static int text_height(PIX *bin, page_image *img)
{
  BOXA *boxes = T->pixConnCompBB(bin, 8);
  int n = boxes ? T->boxaGetCount(boxes) : 0;
  int pw = T->pixGetWidth(bin), ph = T->pixGetHeight(bin);
  unsigned char *rows = g_malloc0((size_t)MAX(ph, 1)), *cols = g_malloc0((size_t)MAX(pw, 1));
  unsigned int hist[256] = { 0 }, wide[256] = { 0 }, letters = 0, marked = 0;
  img->joined = img->gaps_down = img->gaps_across = 0;
  for (int i = 0; i < n; i++) {
    l_int32 x, y, w, h;
    if (T->boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0 || h < MIN_LETTER_PX || h >= 256)
      continue;
    if (w <= 3 * h) {
      hist[h]++;
      letters++;
    } else {
      wide[h]++;
    }
    if (w >= MIN_LETTER_PX && w < 256 && x >= 0 && y >= 0 && x + w <= pw && y + h <= ph) {
      memset(rows + y, 1, (size_t)h);
      memset(cols + x, 1, (size_t)w);
      marked++;
    }
  }
  if (marked >= MIN_LETTERS) {
    img->gaps_down = empty_share(rows, ph);
    img->gaps_across = empty_share(cols, pw);
  }
  int median = letter_median(hist, letters, MIN_LETTERS);
  int letter = median ? median : letter_median(hist, letters, JOINED_MIN_LETTERS);
  if (letter) {
    unsigned int words = 0;
    for (int h = letter; h < 256 && h <= 3 * letter; h++)
      words += wide[h];
    img->joined = (double)words / (double)letters;
    img->words = words ? headline_words(boxes, letter, img->word) : 0;
  }
  T->boxaDestroy(&boxes);
  g_free(rows);
  g_free(cols);
  return median;
}

static void image_prepare(page_image *img, PIX *pix, double ppi, int turn)
{
  memset(img, 0, sizeof *img);
  img->ppi = (int)lround(ppi);
  PIX *p = turn ? T->pixRotateOrth(pix, turn / 90) : T->pixClone(pix);
  /* leptonica's pixDeskewGeneral() steps, with our threshold: it turns the
   * page from 0.1 degree on, an image we would throw away */
  l_float32 angle = 0, conf = 0;
  PIX *bin = p ? T->pixThresholdToBinary(p, DESKEW_BIN_THRESH) : NULL;
  if (bin && T->pixFindSkewSweepAndSearch(bin, &angle, &conf, 4, 2, 7.0f, 1.0f, 0.01f) == 0 &&
      fabs(angle) >= DESKEW_MIN_DEG && conf >= DESKEW_MIN_CONF) {
    PIX *straight = T->pixRotate(p, (l_float32)(angle * G_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    if (straight) {
      T->pixDestroy(&p);
      p = straight;
      img->skew = angle;
    }
  }
  if (bin)
    img->text_px = text_height(bin, img);
  T->pixDestroy(&bin);
  if (p)
    T->pixSetResolution(p, img->ppi, img->ppi);
  img->pix = p;
}

/* English print is read from letters about LATIN_TEXT_PX high (the median
 * blob, see text_height), never under LATIN_MIN_PPI. Tesseract scales each
 * line to its recogniser's height anyway; a larger image only makes the
 * page layout dearer. With the tesseract CLI on the corpus's English scans,
 * 300 PPI pages (letters 33-38 px) read at 150 PPI with a third less CPU
 * and no more errors (fewer on the invoice's table), and the 20-page
 * benchmark (21 px at 200 PPI) at 152 PPI with 10% less; below 150 PPI
 * small marks go ("½" on the recipe at 137 PPI). Pages within a tenth of
 * the target are read as they are. The ink checks (bullets) still measure
 * the full image. Scaled without sharpening (scale_gray), as the Hindi copy. */
#define LATIN_TEXT_PX 16
#define LATIN_MIN_PPI 150.0
#define LATIN_SHRINK_BELOW 0.9f

/* Scales a gray page image by `f`: by linear interpolation, or by area
 * mapping below 0.7, where pixScaleGrayLI() would switch to it itself but
 * print a warning on stderr for every page (under the CLI, into the user's
 * terminal). Same pixels either way. */
#define LI_MIN_SCALE 0.7f

static PIX *scale_gray(PIX *pix, float f)
{
  return f < LI_MIN_SCALE ? T->pixScaleAreaMap(pix, f, f) : T->pixScaleGrayLI(pix, f, f);
}

static PIX *image_small(page_image *img, int *ppi)
{
  if (!img->small) {
    float f = MAX((float)LATIN_TEXT_PX / (float)img->text_px, (float)(LATIN_MIN_PPI / img->ppi));
    if (f >= LATIN_SHRINK_BELOW)
      return img->pix;
    img->small = scale_gray(img->pix, f);
    if (!img->small)
      return img->pix;
    img->small_ppi = (int)lround(img->ppi * f);
    T->pixSetResolution(img->small, img->small_ppi, img->small_ppi);
  }
  *ppi = img->small_ppi;
  return img->small;
}

/* The image to read `lang` from. Devanagari's vowel signs and dots are
 * small: Hindi reads better from 300 PPI than from a 200 or 240 PPI scan's
 * own pixels, English does not; so do the other Indic scripts' marks.
 * Linear interpolation, no sharpening (which pixScale() would add and which
 * costs Hindi characters). */
static PIX *image_fine(page_image *img, int *ppi)
{
  *ppi = img->ppi;
  if (!img->pix || img->ppi >= DEVANAGARI_PPI - 10)
    return img->pix;
  if (!img->deva) {
    float f = (float)(DEVANAGARI_PPI / img->ppi);
    img->deva = scale_gray(img->pix, f);
    img->deva_ppi = (int)DEVANAGARI_PPI;
    if (!img->deva)
      return img->pix;
    T->pixSetResolution(img->deva, img->deva_ppi, img->deva_ppi);
  }
  *ppi = img->deva_ppi;
  return img->deva;
}

static PIX *image_for(page_image *img, const char *lang, int *ppi)
{
  *ppi = img->ppi;
  if (img->pix && !strcmp(lang, "eng") && img->text_px > 0)
    return image_small(img, ppi);
  if (!strcmp(lang, "eng"))
    return img->pix;
  return image_fine(img, ppi);
}

static void image_clear(page_image *img)
{
  T->pixDestroy(&img->pix);
  T->pixDestroy(&img->deva);
  T->pixDestroy(&img->small);
}

/* The image a reading of `read` (`use`, an image of `img` from image_for(),
 * or an image made from it) has its ink measured on: the full page when
 * `use` is the shrunk copy, else `read` itself. */
static PIX *image_ink(const page_image *img, PIX *use, PIX *read)
{
  return use && use == img->small ? img->pix : read;
}

/* ------------------------------------------------------- the script */

/* OSD often names the wrong script on a short page in a script of India:
 * on the fixtures' one-page declarations it took Gurmukhi for Devanagari
 * (script confidence 8.7, as much as right Hindi pages get), Gujarati for
 * Cyrillic (0.9), Oriya for Latin (5.2) and Urdu for Japanese (0.6), and
 * the page came out at confidence 30-56 in made-up words, or as a script
 * without a model, where its own model reads it at 88-95. A page read
 * under SCRIPT_CHECK_BELOW has a line (at least a third as wide as the
 * widest) read by the model of every script installed, alone (the raw-line
 * mode: no layout to lose it), and the SCRIPT_FINALISTS surest read two
 * more; the surest over the three lines reads the page when it is sure
 * (SCRIPT_SURE) and surer than the first reading by SCRIPT_MARGIN. On the
 * declarations the right model reads the lines at 86-94 and the others at
 * 0-50; a Thai, Armenian or Georgian page, which no model reads, stays
 * under 50 with every model. The check costs about 2 s of CPU on such a
 * page (11 models), about what reading it does. */
#define SCRIPT_CHECK_BELOW 70
#define SCRIPT_LINES 3
#define SCRIPT_FINALISTS 3
#define SCRIPT_SURE 75
#define SCRIPT_MARGIN 10
#define SCRIPT_MAX 32
#define SCRIPT_MIN_LINE_PX 8

/* Up to SCRIPT_LINES text lines of `pix` as tesseract's layout (with
 * `api`) finds them, in reading order; their number. */
static int script_lines(TessBaseAPI *api, PIX *pix, int ppi, int boxes[SCRIPT_LINES][4])
{
  enum { SEEN = 64 };
  int all[SEEN][4], count = 0, widest = 0, n = 0;
  T->TessBaseAPISetPageSegMode(api, PSM_AUTO);
  T->TessBaseAPISetImage2(api, pix);
  T->TessBaseAPISetSourceResolution(api, ppi);
  TessPageIterator *pit = T->TessBaseAPIAnalyseLayout(api);
  if (pit) {
    do {
      int *b = all[count];
      if (T->TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &b[0], &b[1], &b[2], &b[3]) &&
          b[3] - b[1] >= SCRIPT_MIN_LINE_PX) {
        widest = MAX(widest, b[2] - b[0]);
        count++;
      }
    } while (count < SEEN && T->TessPageIteratorNext(pit, RIL_TEXTLINE));
    T->TessPageIteratorDelete(pit);
  }
  T->TessBaseAPIClear(api);
  for (int i = 0; i < count && n < SCRIPT_LINES; i++)
    if (3 * (all[i][2] - all[i][0]) >= widest)
      memcpy(boxes[n++], all[i], sizeof all[i]);
  return n;
}

/* The summed confidence of `lang` on the lines `boxes` of `pix`; -1 when
 * the model cannot be loaded. */
static int script_fit(engines *e, const char *lang, PIX *pix, int ppi, int boxes[][4], int n, watch *w)
{
  TessBaseAPI *api = engine_for(e, lang);
  if (!api)
    return -1;
  T->TessBaseAPISetPageSegMode(api, PSM_RAW_LINE);
  T->TessBaseAPISetImage2(api, pix);
  T->TessBaseAPISetSourceResolution(api, ppi);
  int sum = 0, w_px = T->pixGetWidth(pix), h_px = T->pixGetHeight(pix);
  for (int i = 0; i < n && !should_stop(w); i++) {
    int pad = MAX(2, (boxes[i][3] - boxes[i][1]) / 6);
    int l = MAX(0, boxes[i][0] - pad), t = MAX(0, boxes[i][1] - pad);
    int r = MIN(w_px, boxes[i][2] + pad), b = MIN(h_px, boxes[i][3] + pad);
    T->TessBaseAPISetRectangle(api, l, t, r - l, b - t);
    if (T->TessBaseAPIRecognize(api, NULL) == 0)
      sum += MAX(0, T->TessBaseAPIMeanTextConf(api));
  }
  T->TessBaseAPIClear(api);
  return sum;
}

/* The script whose model should read the page instead of `current` (read
 * at `conf`), or NULL; see SCRIPT_CHECK_BELOW. */
static const char *check_script(engines *e, page_image *img, const char *current, int conf, watch *w)
{
  const char *scripts[SCRIPT_MAX], *langs[SCRIPT_MAX];
  size_t models = lang_installed_models(installed_langs(e), scripts, langs, SCRIPT_MAX);
  TessBaseAPI *layout = engine_for(e, current);
  int ppi = 0, boxes[SCRIPT_LINES][4];
  PIX *pix = image_fine(img, &ppi);
  int n = models > 1 && layout && pix ? script_lines(layout, pix, ppi, boxes) : 0;
  int fit[SCRIPT_MAX], rank[SCRIPT_MAX];
  for (size_t k = 0; n > 0 && k < models && !should_stop(w); k++) {
    fit[k] = script_fit(e, langs[k], pix, ppi, boxes, 1, w);
    /* insertion into the ranking, surest first */
    size_t at = k;
    for (; at > 0 && fit[rank[at - 1]] < fit[k]; at--)
      rank[at] = rank[at - 1];
    rank[at] = (int)k;
  }
  if (n == 0 || should_stop(w))
    return NULL;
  int best = -1, best_fit = -1;
  for (size_t f = 0; f < MIN(models, (size_t)SCRIPT_FINALISTS) && fit[rank[f]] >= 0 && !should_stop(w); f++) {
    int k = rank[f], more = n > 1 ? script_fit(e, langs[k], pix, ppi, boxes + 1, n - 1, w) : 0;
    int mean = (fit[k] + MAX(more, 0)) / n;
    g_debug("ocr script check: %s (%s) reads %d lines at %d (the first at %d)", scripts[k], langs[k], n, mean, fit[k]);
    if (mean > best_fit) {
      best_fit = mean;
      best = k;
    }
  }
  if (best < 0 || lang_includes(current, langs[best]) || best_fit < SCRIPT_SURE || best_fit < conf + SCRIPT_MARGIN)
    return NULL;
  return scripts[best];
}

/* OSD names a script of separate letters (Thai, Japanese, Han) for Urdu in
 * Nastaliq, whose words slant down to the left in one connected stroke:
 * on the fixtures' declaration it says Japanese at confidence 0.6, and the
 * script check does not find Arabic either (urd reads its lines at 42, the
 * best model reads Thai at 39). The ink tells them apart: the share of the
 * ink of letter-sized blobs (a quarter to four times the median letter's
 * height; dots, lines and rules left out) that lies in blobs at least
 * twice as wide as a letter is high. With 8-connected blobs of the
 * DESKEW_BIN_THRESH image, on the fixtures' scans: Thai, Armenian 0.00,
 * Georgian 0.04, English 0.06; Urdu in Nastaliq 0.44, in Naskh 0.77. On
 * pages pango renders at 300 PPI: Thai in Noto Serif, Looped and Sans Bold,
 * Chinese, Japanese and Korean in WenQuanYi Micro Hei 0.00; Nastaliq Bold
 * 0.41, Nastaliq at 10 pt 0.43, Persian in Naskh 0.49. The scripts of
 * India with models range from 0.00 (Oriya) to 0.85 (Gurmukhi's headline),
 * which does not matter: they never reach here. */
#define CURSIVE_INK 0.20

static double connected_ink(PIX *pix)
{
  PIX *bin = pix ? T->pixThresholdToBinary(pix, DESKEW_BIN_THRESH) : NULL;
  PIXA *blobs = NULL;
  BOXA *boxes = bin ? T->pixConnComp(bin, &blobs, 8) : NULL;
  int n = boxes ? T->boxaGetCount(boxes) : 0;
  unsigned int hist[256] = { 0 }, letters = 0;
  for (int i = 0; i < n; i++) {
    l_int32 x, y, w, h;
    if (T->boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) == 0 && h >= MIN_LETTER_PX && h < 256 && w <= 3 * h) {
      hist[h]++;
      letters++;
    }
  }
  int median = letter_median(hist, letters, MIN_LETTERS);
  double all = 0, wide = 0;
  for (int i = 0; median && i < n; i++) {
    l_int32 x, y, w, h, count = 0;
    if (T->boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h) != 0 || h < MIN_LETTER_PX || 4 * h < median ||
        h > 4 * median)
      continue;
    PIX *blob = T->pixaGetPix(blobs, i, L_CLONE);
    if (blob && T->pixCountPixels(blob, &count, NULL) == 0) {
      all += count;
      if (w >= 2 * median)
        wide += count;
    }
    T->pixDestroy(&blob);
  }
  T->boxaDestroy(&boxes);
  T->pixaDestroy(&blobs);
  T->pixDestroy(&bin);
  return all > 0 ? wide / all : 0;
}

/* ------------------------------------------------------------ the memo */

void ocr_memo_init(ocr_memo *m)
{
  g_mutex_init(&m->lock);
  m->lang[0] = '\0';
}

void ocr_memo_clear(ocr_memo *m)
{
  g_mutex_clear(&m->lock);
}

static bool memo_get(ocr_memo *m, char *lang, size_t len)
{
  if (!m)
    return false;
  g_mutex_lock(&m->lock);
  bool set = m->lang[0] != '\0';
  g_strlcpy(lang, m->lang, len);
  g_mutex_unlock(&m->lock);
  return set;
}

static void memo_set(ocr_memo *m, const char *lang)
{
  if (!m)
    return;
  g_mutex_lock(&m->lock);
  g_strlcpy(m->lang, lang, sizeof m->lang);
  g_mutex_unlock(&m->lock);
}

static void memo_clear(ocr_memo *m)
{
  memo_set(m, "");
}

/* The best reading of a page so far. */
typedef struct reading {
  char *text;
  int conf;
  char lang[32];
} reading;

/* Reads `pix` with `lang` and keeps the result in *best when it is more
 * confident than what *best holds; `full` as for recognise(). */
static doctag_status read_with(engines *e, const char *lang, bool automatic, PIX *pix, PIX *full, int ppi,
                               TessPageSegMode psm, watch *w, reading *best)
{
  TessBaseAPI *api = engine_for(e, lang);
  if (!api)
    return DOCTAG_EOCR;
  char *text = NULL;
  int conf = 0;
  double t = ctx_now();
  w->passes++;
  /* the words English misread are only read again when we chose English first */
  doctag_status st = recognise(e, api, automatic ? lang_native(lang) : NULL, pix, full, ppi, psm, w, &text, &conf);
  g_debug("ocr pass %s psm %d: conf %d in %.2fs", lang, (int)psm, conf, ctx_now() - t);
  if (st)
    return st;
  if (!best->text || conf > best->conf) {
    g_free(best->text);
    best->text = text;
    best->conf = conf;
    g_strlcpy(best->lang, lang, sizeof best->lang);
  } else {
    g_free(text);
  }
  return DOCTAG_OK;
}

/* Whether the page's lines run down it (text_height's gaps): a page
 * scanned turned a quarter, which an upright reading only wastes (it reads
 * at confidence 30-40, then OSD turns the page and it is read again). On
 * the 40 pages of the corpus's scans (every script) and five first pages
 * turned 90 degrees (English, Hindi, mixed): upright pages leave up to 87%
 * of their rows empty and at most 3% of their columns, turned ones 22-34%
 * of their columns and no row. Such a
 * page goes to OSD at once, and when OSD turns it a quarter it is not read
 * as it came either (OSD's unsure turns, see OSD_SURE_CONF). Vertical
 * Chinese or Japanese is upright with its lines down: the caller's CJK
 * language is read as it comes. */
#define LINES_DOWN_GAPS 0.1

static bool lines_down(const page_image *img)
{
  return img->gaps_across >= LINES_DOWN_GAPS && img->gaps_down * 4 < img->gaps_across;
}

/* The language to read a page in, upright, before OSD is asked (see
 * ocr_page), or NULL: the previous page's (`memo`, or NULL), the
 * caller's, the one the text layer's letters name, or English when the
 * page is text (enough letter-sized blobs) in separate letters. Words on a
 * headline (JOINED_WORDS, see text_height) leave it to OSD: English would
 * read such a page poorly and only add a reading. Other scripts in
 * separate letters (Tamil, Telugu...) pay for that English reading before
 * OSD, about as much as reading the page: they read at confidence 30-60 in
 * English, never at LANG_RETRY_BELOW. Neither guess changes what a page
 * reads as, only its cost: a reading under LANG_RETRY_BELOW is thrown away
 * and the page read the whole way, and one over it is the reading OSD's
 * "upright, Latin" would have led to. */
#define JOINED_WORDS 0.005

static const char *first_reading(const ocr_job *job, engines *e, const page_image *img, const char *memo)
{
  if (job->languages)
    return job->languages;
  if (memo)
    return memo;
  ocr_choice choice;
  const lang_counts *h = job->hint;
  if (h && h->latin + h->deva + h->other > 0 && lang_for_ocr(h, NULL, installed_langs(e), &choice))
    return choice.lang[0] ? g_intern_string(choice.lang) : NULL;
  if (h && h->other > h->latin + h->deva)
    return NULL; /* a layer mostly in another script: OSD names it */
  if (img->pix && img->text_px > 0 && img->joined < JOINED_WORDS)
    return "eng";
  return NULL;
}

/* The language a page of words on a headline (JOINED_WORDS) is read in,
 * upright, before OSD is asked, or NULL. Such a page has no English first
 * guess (see first_reading), and OSD was a third of its CPU (the Hindi
 * circular's first page: OSD 1.29 s, its reading 2.74 s). Instead its
 * widest words (headline_words) are read alone, each in the raw-line mode,
 * by the model of each script that draws a headline: the first installed
 * (Devanagari's) and those this thread has loaded already (no model is
 * loaded for the check alone); the first whose median word confidence
 * reaches HEADLINE_SURE names the script. On the corpus's eight Hindi and
 * mixed pages the median is 76-96 (single words 11-96: a rule or an
 * English word among them), on the circular's page upside down 0 (words
 * 0-36). A page upside down or in another script goes to OSD, as before,
 * and the page read in the script named must still come out at
 * LANG_RETRY_BELOW, or it is read the whole way. */
#define HEADLINE_SURE 60

static bool engine_loaded(const engines *e, const char *lang)
{
  for (int i = 0; i < OCR_ENGINES_PER_THREAD; i++)
    if (e->slot[i].api && !strcmp(e->slot[i].lang, lang))
      return true;
  return false;
}

static const char *headline_reading(const ocr_job *job, engines *e, page_image *img, watch *w)
{
  if (img->joined < JOINED_WORDS || !img->words)
    return NULL;
  const char *scripts[SCRIPT_MAX], *langs[SCRIPT_MAX];
  size_t models = lang_installed_models(installed_langs(e), scripts, langs, SCRIPT_MAX);
  int ppi = 0;
  PIX *pix = image_fine(img, &ppi);
  if (!pix)
    return NULL;
  double k = (double)ppi / img->ppi;
  int box[HEADLINE_WORDS][4];
  for (int i = 0; i < img->words; i++)
    for (int j = 0; j < 4; j++)
      box[i][j] = (int)lround(img->word[i][j] * k);
  bool first = true;
  for (size_t m = 0; m < models && !should_stop(w); m++) {
    if (!lang_has_headline(langs[m]) || !(first || engine_loaded(e, langs[m])))
      continue;
    first = false;
    int fits[HEADLINE_WORDS];
    for (int i = 0; i < img->words; i++)
      fits[i] = script_fit(e, langs[m], pix, ppi, box + i, 1, w);
    qsort(fits, (size_t)img->words, sizeof fits[0], compare_ints);
    int fit = fits[img->words / 2];
    g_debug("ocr: %d words on a headline read by %s at %d (the median; %d-%d)", img->words, langs[m], fit, fits[0],
            fits[img->words - 1]);
    ocr_choice choice;
    if (fit >= HEADLINE_SURE && lang_for_ocr(job->hint, scripts[m], installed_langs(e), &choice) && choice.lang[0])
      return g_intern_string(choice.lang);
  }
  return NULL;
}

/* Adds the CPU time since *mark to *stage; *mark becomes now. */
static void lap(double *stage, double *mark)
{
  double now = cpu_now();
  *stage += now - *mark;
  *mark = now;
}

doctag_status ocr_page(const ocr_job *job, ocr_result *out)
{
  memset(out, 0, sizeof *out);
  out->confidence = -1;
  if (!tesslib_get())
    return DOCTAG_EOCR;
  watch w = { job->deadline, job->cancel, false, false, 0 };
  if (should_stop(&w))
    return stopped(&w);
  double mark = cpu_now();
  PIX *pix = surface_to_pix(job->image);
  if (!pix)
    return err_set(DOCTAG_EOCR, "cannot convert the page image for OCR (cairo format %d)",
                   (int)R->cairo_image_surface_get_format(job->image));
  double ppi = job->ppi > 0 ? job->ppi : 300;
  /* OSD reads the resolution from the image itself */
  T->pixSetResolution(pix, (l_int32)lround(ppi), (l_int32)lround(ppi));
  if (ink(pix) < 0.00003) {
    out->blank = true;
    out->text = g_strdup("");
    T->pixDestroy(&pix);
    return DOCTAG_OK;
  }
  if (ppi < UPSCALE_BELOW_PPI) {
    PIX *big = T->pixScaleGray2xLI(pix);
    if (big) {
      T->pixDestroy(&pix);
      pix = big;
      ppi *= 2;
      T->pixSetResolution(pix, (l_int32)lround(ppi), (l_int32)lround(ppi));
    }
  }

  lap(&out->cpu.prepare, &mark);
  double t0 = ctx_now();
  char script[32] = "";
  float oconf = 0;
  engines *e = thread_engines();
  /* tesseract reads "chi_sim+eng" with eng alone when chi_sim is missing:
   * languages the caller named must all be there */
  if (job->languages && !langs_installed(e, job->languages)) {
    thread_engines_done(e);
    T->pixDestroy(&pix);
    return DOCTAG_EOCR;
  }
  int turn = 0;
  int ippi = 0;
  reading best = { NULL, -1, "" };
  page_image img = { 0 };
  doctag_status st = DOCTAG_OK;
  PIX *use = NULL;

  /* Most pages are upright and in a language known before OSD is asked:
   * the previous page's (the pages of a document mostly share orientation
   * and language), the caller's, the text layer's, or English for a page of
   * separate letters (see first_reading). Such a page is read upright first,
   * and only one that comes out unsure pays for OSD and the whole way. */
  char memo_lang[32];
  bool memo = memo_get(job->memo, memo_lang, sizeof memo_lang);
  image_prepare(&img, pix, ppi, 0);
  const char *first = first_reading(job, e, &img, memo ? memo_lang : NULL);
  bool down = lines_down(&img); /* as the page came */
  g_debug("ocr: letters %d px, rows empty %.3f, columns empty %.3f", img.text_px, img.gaps_down, img.gaps_across);
  const char *how = memo ? "the previous page" : "first guess";
  if (!first && !down && !job->languages) {
    lap(&out->cpu.prepare, &mark);
    first = headline_reading(job, e, &img, &w);
    how = "its words on a headline";
    lap(&out->cpu.read, &mark);
  }
  if (first && down && !lang_cjk(first)) {
    g_debug("ocr: the lines run down the page: OSD first, not an upright reading as %s", first);
    if (memo)
      memo_clear(job->memo);
    first = NULL;
  }
  if (first) {
    use = image_for(&img, first, &ippi);
    lap(&out->cpu.prepare, &mark);
    st = use ? read_with(e, first, job->languages == NULL, use, image_ink(&img, use, use), ippi, PSM_AUTO, &w, &best)
             : err_nomem();
    lap(&out->cpu.read, &mark);
    if (st || best.conf >= LANG_RETRY_BELOW) {
      g_debug("ocr: read upright as %s (%s) before OSD: conf %d", first, how, best.conf);
      if (st == DOCTAG_OK && !memo)
        memo_set(job->memo, best.lang);
      goto done;
    }
    /* not what it looked like: the whole way */
    if (memo)
      memo_clear(job->memo);
    g_free(best.text);
    best = (reading){ NULL, -1, "" };
  }

  orientation(e, pix, ppi, &turn, &oconf, script, sizeof script);
  out->oriented = true;
  lap(&out->cpu.osd, &mark);
  double t1 = ctx_now();
  if (turn || !img.pix) {
    image_clear(&img);
    image_prepare(&img, pix, ppi, turn);
  }
  double t2 = ctx_now();

  const char *lang = job->languages;
  bool automatic = lang == NULL;
  ocr_choice choice = { 0 };
  if (automatic && lang_for_ocr(job->hint, script, installed_langs(e), &choice) && choice.lang[0])
    lang = choice.lang;
  if (!lang)
    lang = "eng";
  use = image_for(&img, lang, &ippi);
  lap(&out->cpu.prepare, &mark);
  /* after a memo reading that came out unsure, this is a second pass */
  st = use ? read_with(e, lang, automatic, use, image_ink(&img, use, use), ippi, PSM_AUTO, &w, &best) : err_nomem();
  lap(w.passes > 1 ? &out->cpu.again : &out->cpu.read, &mark);
  /* unsure about the turn: the page as it came, and the better reading;
   * not when its lines run down the page and OSD turns it a quarter (as it
   * came, it reads only as the wasted upright reading would have) */
  bool quarter_down = (turn == 90 || turn == 270) && down;
  if (st == DOCTAG_OK && turn && oconf < OSD_SURE_CONF && !quarter_down) {
    page_image as_is;
    image_prepare(&as_is, pix, ppi, 0);
    reading other = { NULL, -1, "" };
    use = image_for(&as_is, lang, &ippi);
    st = use ? read_with(e, lang, automatic, use, image_ink(&as_is, use, use), ippi, PSM_AUTO, &w, &other) : err_nomem();
    g_debug("ocr: turned %d: conf %d, as it came: conf %d", turn, best.conf, other.conf);
    if (st == DOCTAG_OK && other.conf > best.conf) {
      image_clear(&img);
      img = as_is;
      turn = 0;
      g_free(best.text);
      best = other;
    } else {
      image_clear(&as_is);
      g_free(other.text);
    }
  }
  /* Unsure: is it the script OSD named? */
  if (st == DOCTAG_OK && automatic && best.conf < SCRIPT_CHECK_BELOW) {
    const char *found = check_script(e, &img, lang, best.conf, &w);
    ocr_choice other;
    if (should_stop(&w)) {
      st = stopped(&w);
    } else if (found && lang_for_ocr(NULL, found, installed_langs(e), &other) && other.lang[0]) {
      use = image_for(&img, other.lang, &ippi);
      st = use ? read_with(e, other.lang, automatic, use, image_ink(&img, use, use), ippi, PSM_AUTO, &w, &best)
               : err_nomem();
      g_debug("ocr: OSD said %s, its lines read as %s: conf %d with %s", script, found, best.conf, best.lang);
      if (st == DOCTAG_OK && !strcmp(best.lang, other.lang)) {
        choice = other;
        lang = choice.lang;
      }
      out->retried = true;
    }
  }
  /* A script of separate letters without a model, in ink that joins: a
   * cursive script OSD took for it (see CURSIVE_INK). Its model reads the
   * page, or the page names that script's package. */
  if (st == DOCTAG_OK && automatic && choice.missing[0] && best.conf < LANG_RETRY_BELOW &&
      !lang_script_joins(choice.script)) {
    double joined = connected_ink(img.pix);
    g_debug("ocr: OSD said %s: %.2f of the letters' ink in joined words", choice.script, joined);
    if (joined >= CURSIVE_INK) {
      lang_for_cursive(installed_langs(e), &choice);
      reading cursive = { NULL, -1, "" };
      if (choice.lang[0]) {
        lang = choice.lang;
        use = image_for(&img, lang, &ippi);
        st = use ? read_with(e, lang, automatic, use, image_ink(&img, use, use), ippi, PSM_AUTO, &w, &cursive)
                 : err_nomem();
        if (st == DOCTAG_OK) {
          g_free(best.text);
          best = cursive;
        }
        out->retried = true;
      }
    }
  }
  /* A script no installed model reads: English read it as a check on OSD
   * (a page it reads surely is what OSD took for another script); else the
   * page is not read, and says which package would read it. */
  if (st == DOCTAG_OK && choice.missing[0] && best.conf < LANG_RETRY_BELOW) {
    g_debug("ocr: script %s, no model installed (%s); English reads it at conf %d", choice.script,
            choice.missing, best.conf);
    out->script = choice.script;
    g_strlcpy(out->missing, choice.missing, sizeof out->missing);
    g_free(best.text);
    best.text = g_strdup("");
    best.conf = 0;
    best.lang[0] = '\0';
    goto done;
  }
  /* A page OSD called Latin may still carry Hindi (and Hindi pages English
   * words): when unsure, read it again with both languages. */
  const char *alt = automatic ? lang_alternative(lang) : NULL;
  if (st == DOCTAG_OK && alt && best.conf < LANG_RETRY_BELOW) {
    use = image_for(&img, alt, &ippi);
    st = use ? read_with(e, alt, automatic, use, image_ink(&img, use, use), ippi, PSM_AUTO, &w, &best) : err_nomem();
    out->retried = true;
  }
  /* Still unsure: local binarisation and a single-block layout. */
  if (st == DOCTAG_OK && best.conf < RETRY_BELOW && *best.text) {
    use = image_for(&img, best.lang, &ippi);
    PIX *bin = use ? binarise_locally(use, ippi) : NULL;
    if (bin)
      st = read_with(e, best.lang, automatic, bin, image_ink(&img, use, bin), ippi, PSM_SINGLE_BLOCK, &w, &best);
    T->pixDestroy(&bin);
    out->retried = true;
  }
  /* Still unsure, mostly Latin, and the Latin it read is not English: a
   * script no installed model reads, which OSD took for one that a model
   * reads. (A poor Hindi scan read as "eng+hin" is mostly Devanagari.) */
  size_t words = 0, english = 0;
  lang_counts letters = { 0 };
  if (st == DOCTAG_OK && automatic && best.conf < UNKNOWN_SCRIPT_BELOW && !strncmp(best.lang, "eng", 3)) {
    lang_count(best.text, strlen(best.text), &letters);
    if (letters.latin > letters.deva + letters.other)
      lang_english_words(best.text, &words, &english);
  }
  if (words >= UNKNOWN_SCRIPT_MIN_WORDS && (double)english < UNKNOWN_SCRIPT_ENGLISH * (double)words) {
    g_debug("ocr: %s read at conf %d, %zu of %zu Latin words English: a script no installed model reads",
            best.lang, best.conf, english, words);
    out->unknown_script = true;
    out->script = choice.script ? choice.script : g_intern_string(script[0] ? script : "Latin");
    g_free(best.text);
    best.text = g_strdup("");
    best.conf = 0;
    best.lang[0] = '\0';
  }
  g_debug("ocr %dx%d %.0f PPI (letters %d px, read at %d PPI): osd %.2fs (turn %d, script %s), deskew %.2fs "
          "(%.2f deg), %s conf %d, total %.2fs",
          T->pixGetWidth(pix), T->pixGetHeight(pix), ppi, img.text_px, ippi, t1 - t0, turn, script, t2 - t1, img.skew,
          best.lang, best.conf, ctx_now() - t0);
  if (st == DOCTAG_OK && turn == 0 && best.conf >= LANG_RETRY_BELOW)
    memo_set(job->memo, best.lang);

done:
  lap(&out->cpu.again, &mark);
  out->passes = w.passes;
  out->rotation = turn;
  out->skew = img.skew;
  thread_engines_done(e);
  image_clear(&img);
  T->pixDestroy(&pix);
  if (st) {
    g_free(best.text);
    return st;
  }
  g_strlcpy(out->languages, best.lang, sizeof out->languages);
  lang_join_split_marks(best.text);
  out->text = best.text;
  out->confidence = *best.text ? CLAMP(best.conf, 0, 100) : 0;
  return DOCTAG_OK;
}

void ocr_result_clear(ocr_result *r)
{
  g_free(r->text);
  r->text = NULL;
}
