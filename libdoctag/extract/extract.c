/* extract_run: pages in parallel, results in page order.
 *
 * poppler's documents are not thread-safe, so every worker opens its own:
 * poppler's C++ document for the text layer (words.h) when it reads its
 * first page, and poppler-glib's (for images and rendering) only when a
 * page is OCR'd, since a page object and a document of each kind cost as
 * much again as the text layer's own open. Workers
 * claim pages in order but never run further ahead than a small window past
 * the last page handed to the caller: memory holds the pages in flight, not
 * the document. */
#define G_LOG_DOMAIN "doctag"
#include "extract/internal.h"
#include "extract/limits.h"
#include "extract/renderlib.h"
#include "extract/tesslib.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/stats.h"
#include "core/utf8.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define OCR_DPI 300.0
/* A thin text layer is only replaced by OCR when images cover this much of
 * the page (a scan with a stamp or a page number drawn as text); a sparse
 * page of real text is left alone. */
#define THIN_IMAGE_COVER 0.3
/* What a page read by OCR holds at its peak, per pixel, taken from the
 * document's memory (DOCTAG_MAX_DOC_MEMORY_MB) before any is allocated:
 * the page image (4 bytes) and tesseract's and leptonica's copies of it
 * (grey, binarised, turned or deskewed: 8 more); each image the page draws
 * is decoded into a cairo surface of its own size (4 bytes) while the page
 * is rendered. Measured with peak RSS: a 9000 x 9000 image on a letter page
 * held 368 MB, estimated 425 MB; a 300 DPI scan about 100 MB. */
#define OCR_BYTES_PER_PIXEL 12
#define IMAGE_BYTES_PER_PIXEL 4
/* Each page read by OCR at once has its thread's tesseract engines, taken
 * from the document's memory too (a thread keeps them past the document, so
 * this bounds what the document's pages in flight hold, not the process).
 * Resident once an engine has read a 300 DPI page and let it go
 * (bench/ocr_engine_memory.py; malloc keeps some of the page's memory):
 * eng 44 MB, hin 36, ben 33, kan 37, san 29, eng+hin 55; the OSD engine
 * (orientation and script, the languages installed) 35 MB loaded. A page
 * whose language is chosen automatically and that runs OSD has OSD's
 * engine and up to OCR_ENGINES_PER_THREAD language engines at once (the
 * first reading's, OSD's script's, the script check's, "eng+hin"): OSD,
 * eng, hin and eng+hin after one page each, 108.5 MB in one process.
 * Estimated: 48 MB for the first language, 16 MB for each further one (an
 * automatic choice counts the thread's engines, 3), 40 MB for OSD. */
#define OCR_ENGINE_BYTES (48ull << 20)
#define OCR_ENGINE_LANG_BYTES (16ull << 20)
#define OCR_OSD_BYTES (40ull << 20)
#define MB (1024.0 * 1024.0)
/* A line-end hyphen the page alone cannot decide joins where the whole word
 * is printed on an earlier page or on one of this many pages after it; the
 * page waits for them (deliver). On 242 public PDFs: 21 of the 28 joins that
 * the whole document's words allow with 1 page, 25 with 8. */
#define HYPHEN_AHEAD 8
/* Where the number of workers is left to us (extract_request.threads 0),
 * one for every this many pages, up to the cores: a worker opens the
 * document again, builds its fonts again and starts a thread, which cost
 * (callgrind) 0.9 to 4.5 million instructions on the corpus's 2- and
 * 3-page text PDFs, a quarter to a half of a page, and buy nothing on a
 * machine whose cores are busy. */
#define PAGES_PER_WORKER 4

typedef struct slot {
  bool done;
  extract_page page;
  lang_counts counts;
} slot;

typedef struct job {
  const doctag_ctx *ctx;
  const extract_request *req;
  pdf_source src;
  unsigned int first;       /* document index of the first page read */
  unsigned int count;       /* pages to read: first .. first+count-1, claimed and
                             * delivered as 0 .. count-1 */
  unsigned int page_count;
  GMutex lock;
  GCond cond;
  unsigned int next;        /* next page a worker claims */
  unsigned int delivered;   /* pages handed to the caller */
  unsigned int window;      /* workers stay below delivered + window */
  slot *ring;
  unsigned int running;     /* workers still inside work() */
  words_doc *spare;         /* the caller's document, for the first worker */
  ocr_memo memo;
  /* Memory of the pages being read by OCR (under `lock`): a page waits
   * while others hold what it needs. */
  uint64_t mem_cap, mem_used, mem_peak;
  uint64_t largest_image;   /* pixels of the document's largest image */
  pdf_limits lim;
  /* Line-end hyphens across pages (the caller's thread only, see deliver):
   * the pages held back, held_n of them from page held_index, in a ring
   * from held[held_head]; the words of the text pages read so far. */
  slot held[HYPHEN_AHEAD + 1];
  unsigned int held_head, held_n, held_index;
  GHashTable *words;
  volatile gint stop;
  doctag_status error;
  unsigned int error_index; /* the page it came from */
  char *error_msg;
} job;

/* ------------------------------------------------------------ one page */

/* Every page's text, read from its layer or by OCR, ends here: presentation
 * forms become letters (the layer's lines already have, see layout.c; OCR's
 * ligatures here). */
static void set_page_text(extract_page *p, char *text)
{
  char *folded = utf8_fold_presentation_forms(text);
  if (folded) {
    g_free(text);
    text = folded;
  }
  p->text = text;
  p->len = strlen(text);
}

static bool has_visible(const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char(p))
    if (!g_unichar_isspace(g_utf8_get_char(p)))
      return true;
  return false;
}

static doctag_status no_page(const job *j)
{
  /* the caller prefixes "page N: " */
  const char *why = words_cause();
  return err_set(DOCTAG_EPDF, "cannot be read (poppler: %s); the document claims %u page%s",
                 why ? why : "no page object", j->page_count, j->page_count == 1 ? "" : "s");
}

/* poppler-glib's page `index` for images and rendering, from this worker's
 * document (*doc, opened on first use). */
static doctag_status glib_page(job *j, PopplerDocument **doc, unsigned int index, PopplerPage **out)
{
  doctag_status st;
  if (!*doc && (st = pdf_open_render(&j->src, doc)))
    return st;
  words_cause_reset();
  *out = R->poppler_document_get_page(*doc, (int)index);
  return *out ? DOCTAG_OK : no_page(j);
}

/* The OCR engines' estimate for a page read in `languages` (NULL: automatic). */
static uint64_t engine_bytes(const char *languages)
{
  unsigned int n = OCR_ENGINES_PER_THREAD;
  if (languages) {
    n = 1;
    for (const char *p = languages; *p; p++)
      n += *p == '+';
  }
  return OCR_OSD_BYTES + OCR_ENGINE_BYTES + (uint64_t)(n - 1) * OCR_ENGINE_LANG_BYTES;
}

/* Takes from the document's memory what OCR of `page` needs (*taken), before
 * any of it is allocated, waiting while other pages hold it; DOCTAG_ELIMIT
 * when the page alone needs more than the cap. */
static doctag_status memory_take(job *j, PopplerPage *page, const pdf_images *img, const pdf_page_cost *cost,
                                 uint64_t *taken)
{
  *taken = 0;
  int w = 0, h = 0;
  uint64_t ocr_px = 0;
  /* the page's own largest image (the render check's, read already), not
   * the document's: one huge image elsewhere does not hold up this page;
   * the document's where the page may draw images the check does not follow */
  uint64_t largest = cost->unfollowed_images ? MAX(j->largest_image, cost->largest_image) : cost->largest_image;
  uint64_t image_px = img->coverage > 0 ? largest : 0;
  if (!pdf_page_image_size(page, img, OCR_DPI, image_px, &w, &h, &ocr_px))
    return DOCTAG_OK; /* pdf_page_image() refuses the page */
  /* openjpeg holds 4 bytes a sample of every component of the page's
   * largest JPEG 2000 image besides the image's own */
  uint64_t jpx = img->coverage > 0 ? cost->jpx_bytes : 0;
  uint64_t engines = engine_bytes(j->req->languages);
  uint64_t need = ocr_px * OCR_BYTES_PER_PIXEL + image_px * IMAGE_BYTES_PER_PIXEL + jpx + engines;
  if (need > j->mem_cap) {
    char images[128] = "";
    if (image_px)
      g_snprintf(images, sizeof images, ", images of up to %.0f million pixels%s", (double)image_px / 1e6,
                 jpx ? ", a JPEG 2000 one decoded at 4 bytes a sample of each component" : "");
    return err_set(DOCTAG_ELIMIT, "the document needs more than %.0f MB of memory, the limit "
                   "(DOCTAG_MAX_DOC_MEMORY_MB): reading this page by OCR takes about %.0f MB (a %d x %d page "
                   "image%s and the OCR engines, about %.0f MB)", (double)j->mem_cap / MB, ceil((double)need / MB),
                   w, h, images, (double)engines / MB);
  }
  g_mutex_lock(&j->lock);
  while (j->mem_used && j->mem_used + need > j->mem_cap && !g_atomic_int_get(&j->stop))
    g_cond_wait(&j->cond, &j->lock);
  j->mem_used += need;
  j->mem_peak = MAX(j->mem_peak, j->mem_used);
  g_mutex_unlock(&j->lock);
  *taken = need;
  return DOCTAG_OK;
}

static void memory_give(job *j, uint64_t taken)
{
  if (!taken)
    return;
  g_mutex_lock(&j->lock);
  j->mem_used -= taken;
  g_cond_broadcast(&j->cond);
  g_mutex_unlock(&j->lock);
}

/* doc, wd: this worker's poppler-glib document and text layout view of the
 * document, each opened on first use (*doc only for a page that is OCR'd) */
static doctag_status read_page(job *j, PopplerDocument **doc, words_doc **wd, unsigned int index, slot *out)
{
  const extract_request *req = j->req;
  extract_page *p = &out->page;
  memset(out, 0, sizeof *out);
  p->confidence = -1;
  doctag_status st = DOCTAG_OK;
  if (!*wd && (st = pdf_open(&j->src, wd)))
    return st;
  pdf_text layer;
  words_cause_reset();
  if (!pdf_page_text(*wd, index, &layer)) {
    g_string_free(layer.text, TRUE);
    return no_page(j);
  }
  if (layer.over_saves) {
    g_string_free(layer.text, TRUE);
    return pdf_saves_error(&j->lim, (int)index + 1, "reading its text");
  }
  PopplerPage *page = NULL;
  uint64_t memory = 0;        /* taken for OCR (memory_take) */
  char damage[160];
  page_quality q = garble_judge_why(&layer.stats, layer.legacy_font, damage, sizeof damage);
  if (layer.deva_joins || layer.deva_reorders || layer.splits || layer.hyphen_joins)
    g_debug("page %u: text layer repaired: %u spaces inside Devanagari words removed, %u vowel signs "
            "reordered, %u glued words split, %u hyphenated words joined", index + 1, layer.deva_joins,
            layer.deva_reorders, layer.splits, layer.hyphen_joins);
  bool ocr = req->ocr == DOCTAG_OCR_FORCE || (req->ocr == DOCTAG_OCR_AUTO && q != PAGE_GOOD);
  pdf_images img = { .single_id = -1 };
  bool have_img = false;
  if (ocr && (st = glib_page(j, doc, index, &page)))
    goto out;
  /* Bounded where poppler draws it: for OCR, and before that to map its
   * images (poppler_page_get_image_mapping draws the whole page), so a
   * page no renderer should draw is refused before either. A page never
   * drawn decodes no image. */
  pdf_page_cost cost;
  if (ocr && (st = pdf_limits_render(&j->lim, req->data, req->len, req->password, index, &cost)))
    goto out;
  if (ocr && req->ocr == DOCTAG_OCR_AUTO && q == PAGE_THIN) {
    pdf_page_images(page, &img);
    have_img = true;
    ocr = img.coverage >= THIN_IMAGE_COVER;
  }

  if (ocr) {
    double c0 = cpu_now();
    if (!have_img)
      pdf_page_images(page, &img);
    if ((st = memory_take(j, page, &img, &cost, &memory)))
      goto out;
    double c1 = cpu_now();
    double ppi = 0;
    cairo_surface_t *surf = pdf_page_image(page, &img, OCR_DPI, &ppi);
    double c2 = cpu_now();
    if (!surf) {
      st = doctag_error_last()->code ? doctag_error_last()->code : err_set(DOCTAG_EOCR, "cannot render the page");
      goto out;
    }
    /* The text layer names the script unless it is the thing we distrust. */
    lang_counts hint = { 0 };
    if (q == PAGE_GARBLED && layer.legacy_font)
      hint.deva = 100; /* a legacy Indic font: Devanagari under Latin codes */
    else if (q != PAGE_GARBLED)
      hint = layer.stats.letters;
    ocr_job oj = {
      .image = surf, .ppi = ppi, .languages = req->languages, .hint = &hint,
      .deadline = req->deadline, .cancel = &j->stop, .memo = &j->memo,
    };
    ocr_result r;
    double o0 = ctx_now();
    st = ocr_page(&oj, &r);
    stats_ocr_time(ctx_now() - o0);
    R->cairo_surface_destroy(surf);
    g_debug("page %u: %s layer; images %.3fs, page image %.3fs (%s, %.0f PPI), OCR %.3fs (CPU): osd %.3fs, "
            "prepare %.3fs, read %.3fs, again %.3fs", index + 1, garble_name(q), c1 - c0, c2 - c1,
            img.single_id >= 0 ? "native" : "rendered", ppi, cpu_now() - c2, r.cpu.osd, r.cpu.prepare, r.cpu.read,
            r.cpu.again);
    if (st)
      goto out;
    if (r.missing[0]) {
      /* a script no installed model reads: no text rather than garbage */
      char pkg[64];
      lang_package(r.missing, pkg, sizeof pkg);
      set_page_text(p, r.text);
      p->method = DOCTAG_PAGE_OCR_NO_MODEL;
      p->confidence = 0;
      p->warning = g_strdup_printf("no OCR model installed for script %s (install %s)", r.script, pkg);
    } else if (r.unknown_script) {
      /* OSD named a script a model reads, and what that model read is no words */
      set_page_text(p, r.text);
      p->method = DOCTAG_PAGE_OCR_NO_MODEL;
      p->confidence = 0;
      p->warning = g_strdup_printf("no installed OCR model reads this page's script (tesseract took it for %s, "
                                   "but what it read is not words); install the model of its language "
                                   "(tesseract-ocr-LANG) and name the language", r.script);
    } else if (r.blank || !has_visible(r.text)) {
      /* OCR found nothing: keep whatever the layer had (a thin page) */
      bool keep = has_visible(layer.text->str);
      set_page_text(p, keep ? g_string_free(layer.text, FALSE) : g_strdup(""));
      layer.text = NULL;
      p->method = keep ? DOCTAG_PAGE_TEXT : DOCTAG_PAGE_EMPTY;
      p->confidence = keep || r.blank ? -1 : 0;
      if (keep)
        out->counts = layer.stats.letters;
      g_free(r.text);
    } else {
      set_page_text(p, r.text);
      p->method = DOCTAG_PAGE_OCR;
      p->confidence = r.confidence;
      /* the page had text: say why it was read again */
      if (q == PAGE_GARBLED && req->ocr == DOCTAG_OCR_AUTO)
        p->warning = g_strdup_printf("the text layer is damaged (%s): read by OCR instead", damage);
      lang_count(p->text, p->len, &out->counts);
      const char *own = lang_native(r.languages);
      out->counts.other_lang = g_intern_string(own ? own : r.languages);
    }
  } else {
    bool visible = q != PAGE_MISSING;
    set_page_text(p, g_string_free(layer.text, FALSE));
    layer.text = NULL;
    p->method = visible ? DOCTAG_PAGE_TEXT : DOCTAG_PAGE_EMPTY;
    out->counts = layer.stats.letters;
  }
  g_strlcpy(p->language, lang_from_counts(&out->counts), sizeof p->language);

out:
  memory_give(j, memory);
  if (layer.text)
    g_string_free(layer.text, TRUE);
  if (page)
    R->g_object_unref(page);
  return st;
}

/* -------------------------------------------------------------- workers */

static void fail(job *j, doctag_status st, unsigned int index)
{
  /* called with the lock held. The error of the earliest page wins: the
   * pages in flight when one fails still finish, and whichever worker is
   * quicker to fail must not decide which page the caller hears of. An
   * OCR'd page in flight that stops because of the first error says
   * "cancelled": that never replaces it. */
  if (j->error && (index >= j->error_index || st == DOCTAG_ECANCELLED))
    return;
  g_free(j->error_msg);
  j->error = st;
  j->error_index = index;
  const char *msg = doctag_error_last()->code == st ? doctag_error_last()->message : "";
  j->error_msg = st == DOCTAG_ECANCELLED || st == DOCTAG_ETIMEOUT ? g_strdup(msg)
                                                                  : g_strdup_printf("page %u: %s", j->first + index + 1, msg);
  g_atomic_int_set(&j->stop, 1);
  g_cond_broadcast(&j->cond);
}

static void work(void *data)
{
  job *j = data;
  g_mutex_lock(&j->lock);
  PopplerDocument *doc = NULL;
  words_doc *wd = j->spare;
  j->spare = NULL;
  doctag_status st = DOCTAG_OK;
  while (!g_atomic_int_get(&j->stop)) {
    while (!g_atomic_int_get(&j->stop) && j->next < j->count && j->next >= j->delivered + j->window)
      g_cond_wait(&j->cond, &j->lock);
    if (g_atomic_int_get(&j->stop) || j->next >= j->count)
      break;
    unsigned int index = j->next++;
    g_mutex_unlock(&j->lock);

    slot s;
    if (j->req->deadline > 0 && ctx_now() > j->req->deadline)
      st = err_set(DOCTAG_ETIMEOUT, "time limit reached at page %u of %u", j->first + index + 1, j->page_count);
    else
      st = read_page(j, &doc, &wd, j->first + index, &s);

    g_mutex_lock(&j->lock);
    if (st) {
      fail(j, st, index);
      break;
    }
    s.done = true;
    j->ring[index % j->window] = s;
    g_cond_broadcast(&j->cond);
  }
  g_mutex_unlock(&j->lock);
  if (doc)
    R->g_object_unref(doc);
  words_close(wd);
  g_mutex_lock(&j->lock);
  j->running--;
  g_cond_broadcast(&j->cond);
  g_mutex_unlock(&j->lock);
}

/* Hands page `s` to the caller. Returns non-zero when the callback cancels. */
static int hand_over(job *j, slot *s, unsigned int index, extract_doc *out, lang_counts *total)
{
  const extract_request *req = j->req;
  extract_page *p = &s->page;
  int rc = 0;
  if (req->on_page) {
    doctag_page_info info = {
      .version = DOCTAG_PAGE_INFO_VERSION, .index = j->first + index, .page_count = j->page_count, .text = p->text,
      .text_len = p->len, .method = p->method, .ocr_confidence = p->confidence, .language = p->language,
      .warning = p->warning,
    };
    rc = req->on_page(&info, req->on_page_data);
  }
  if (index == 0 && p->text && !out->first_text)
    out->first_text = g_strndup(p->text, p->len);
  total->latin += s->counts.latin;
  total->deva += s->counts.deva;
  total->other += s->counts.other;
  if (!total->other_lang)
    total->other_lang = s->counts.other_lang;
  if (!req->keep_pages) {
    g_free(p->text);
    p->text = NULL;
    p->len = 0;
  }
  out->pages[index] = *p;
  out->pages_read = index + 1;
  return rc;
}

static bool is_text_page(const extract_page *p)
{
  return p->method == DOCTAG_PAGE_TEXT && p->text;
}

/* Line-end hyphens the page alone could not decide ("pre-|processing", not
 * in the word list) join where the whole word is printed on an earlier
 * page, on this one or on the HYPHEN_AHEAD pages after it; a word split
 * across the page end joins by the same rule. The same whether pages are
 * kept or streamed: a page with such a hyphen is held back until those
 * pages are read (deliver), never more. */
static void settle_hyphens(job *j, extract_page *p, extract_page *next)
{
  if (!is_text_page(p))
    return;
  bool inside = layout_has_hyphen_end(p->text);
  bool across = next && is_text_page(next) && layout_ends_in_hyphen(p->text, p->len);
  if (!inside && !across)
    return;
  GString *t = g_string_new_len(p->text, (gssize)p->len);
  bool changed = inside && layout_join_hyphens_in(t, j->words);
  if (across) {
    GString *n = g_string_new_len(next->text, (gssize)next->len);
    if (layout_join_hyphen_pages(t, n, j->words)) {
      changed = true;
      g_free(next->text);
      next->len = n->len;
      next->text = g_string_free(n, FALSE);
    } else {
      g_string_free(n, TRUE);
    }
  }
  if (changed) {
    g_free(p->text);
    p->len = t->len;
    p->text = g_string_free(t, FALSE);
  } else {
    g_string_free(t, TRUE);
  }
}

/* Whether page `p` waits for the pages after it before it is settled. */
static bool waits(const extract_page *p)
{
  return is_text_page(p) && (layout_has_hyphen_end(p->text) || layout_ends_in_hyphen(p->text, p->len));
}

/* Hands over the held pages in order while the first needs no later page,
 * or the HYPHEN_AHEAD pages after it have been read (`all`: every page has
 * been). Returns non-zero when the callback cancels, *handed the page it
 * cancelled at. */
static int release(job *j, extract_doc *out, lang_counts *total, bool all, unsigned int *handed)
{
  while (j->held_n) {
    slot *h = &j->held[j->held_head];
    if (!all && j->held_n <= HYPHEN_AHEAD && waits(&h->page))
      return 0;
    slot *next = j->held_n > 1 ? &j->held[(j->held_head + 1) % (HYPHEN_AHEAD + 1)] : NULL;
    settle_hyphens(j, &h->page, next ? &next->page : NULL);
    unsigned int index = j->held_index;
    j->held_head = (j->held_head + 1) % (HYPHEN_AHEAD + 1);
    j->held_n--;
    j->held_index++;
    *handed = index;
    int rc = hand_over(j, h, index, out, total);
    if (rc)
      return rc;
  }
  return 0;
}

/* Takes page `index` from the workers and hands over what is settled
 * (release). Returns non-zero when the callback cancels, *handed the page
 * it cancelled at. */
static int deliver(job *j, slot *s, unsigned int index, extract_doc *out, lang_counts *total, unsigned int *handed)
{
  if (is_text_page(&s->page))
    j->words = layout_words(s->page.text, j->words);
  if (!j->held_n)
    j->held_index = index;
  j->held[(j->held_head + j->held_n) % (HYPHEN_AHEAD + 1)] = *s;
  j->held_n++;
  return release(j, out, total, false, handed);
}

/* ----------------------------------------------------------------- run */

doctag_status extract_run(const doctag_ctx *ctx, const extract_request *req, extract_doc *out)
{
  memset(out, 0, sizeof *out);
  if (!req)
    return err_set(DOCTAG_EINVAL, "extract request is NULL");
  doctag_status st = pdf_check_bytes(req->data, req->len);
  if (st)
    return st;
  /* Bombs are refused before any work (extract/limits.h). */
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  /* the content streams it inflates are kept for the pages' drawing, which
   * then reads them from memory rather than inflating them again */
  pdf_kept kept = { 0 };
  if ((st = pdf_limits_check_keep(req->data, req->len, &lim, &scan, &kept)))
    return st;
  if (req->languages && !g_regex_match_simple("^[a-z_]{3,16}(\\+[a-z_]{3,16})*$", req->languages, 0, 0)) {
    pdf_kept_clear(&kept);
    return err_set(DOCTAG_EINVAL, "OCR languages must look like \"eng\" or \"hin+eng\" (got \"%.40s\")",
                   req->languages);
  }
  ocr_setup_env();

  job j = { .ctx = ctx, .req = req, .mem_cap = ctx->max_doc_memory ? ctx->max_doc_memory : UINT64_MAX, .lim = lim };
  g_mutex_init(&j.lock);
  g_cond_init(&j.cond);
  ocr_memo_init(&j.memo);
  GBytes *bytes = g_bytes_new_static(req->data, req->len);
  pdf_source_init(&j.src, bytes, req->password);
  j.src.max_saves = lim.saved_states;
  j.src.kept = &kept;
  g_bytes_unref(bytes);
  PopplerDocument *doc = NULL;   /* poppler-glib's, the one-worker path's, opened for OCR */
  words_doc *wd = NULL;
  if ((st = pdf_open(&j.src, &wd)))
    goto done;
  /* What only the opened document shows (encrypted streams, other
   * filters, inline images) is bounded before any page is read. */
  if ((st = pdf_limits_check_decoded(req->data, req->len, req->password, wd, &lim, &scan)))
    goto done;
  j.largest_image = MAX(scan.largest_image, scan.largest_inline);
  int n = words_page_count(wd);
  if (n <= 0) {
    const char *why = words_cause();
    st = err_set(DOCTAG_EPDF, "invalid page count: the PDF has no readable page (its page tree is damaged "
                 "or claims an impossible number of pages%s%s)", why ? "; poppler: " : "", why ? why : "");
    goto done;
  }
  if (req->max_pages && (unsigned int)n > req->max_pages) {
    st = err_set(DOCTAG_ELIMIT, "PDF has %d pages, over the limit of %u", n, req->max_pages);
    goto done;
  }
  out->page_count = (unsigned int)n;
  out->meta_title = pdf_meta_title(wd);
  j.page_count = (unsigned int)n;
  if (req->start_page >= (unsigned int)n) {
    st = err_set_field(DOCTAG_EINVAL, "first_page", "less_than_equal",
                       "page %u is past the end: the document has %d page%s", req->start_page + 1, n,
                       n == 1 ? "" : "s");
    goto done;
  }
  if (req->start_page > 0 && req->title_page) {
    pdf_text title;
    pdf_page_text(wd, 0, &title);
    out->first_text = g_string_free(title.text, FALSE);
  }
  j.first = req->start_page;
  unsigned int left = (unsigned int)n - j.first;
  j.count = req->first_pages && req->first_pages < left ? req->first_pages : left;
  out->pages = g_new0(extract_page, j.count);

  unsigned int workers = req->threads ? req->threads
                                      : MIN((unsigned int)g_get_num_processors(), j.count / PAGES_PER_WORKER);
  workers = CLAMP(workers, 1u, j.count);
  lang_counts total = { 0 };

  if (workers == 1) {
    /* one worker: this thread, no hand-over */
    for (unsigned int i = 0; i < j.count && !st; i++) {
      slot s;
      unsigned int handed = 0;
      if (req->deadline > 0 && ctx_now() > req->deadline)
        st = err_set(DOCTAG_ETIMEOUT, "time limit reached at page %u of %u", j.first + i + 1, j.page_count);
      else if ((st = read_page(&j, &doc, &wd, j.first + i, &s)))
        st = err_wrap(st, "page %u", j.first + i + 1);
      else if (deliver(&j, &s, i, out, &total, &handed))
        st = err_set(DOCTAG_ECANCELLED, "cancelled by the page callback at page %u", j.first + handed + 1);
    }
    goto done;
  }

  j.window = 2 * workers;
  j.ring = g_new0(slot, j.window);
  j.spare = wd;
  wd = NULL;
  j.running = workers;
  pool_run(workers, work, &j);

  g_mutex_lock(&j.lock);
  while (j.delivered < j.count && !j.error) {
    slot *s = &j.ring[j.delivered % j.window];
    if (!s->done) {
      g_cond_wait(&j.cond, &j.lock);
      continue;
    }
    slot mine = *s;
    s->done = false;
    unsigned int index = j.delivered++;
    g_cond_broadcast(&j.cond);
    g_mutex_unlock(&j.lock);
    unsigned int handed = 0;
    int rc = deliver(&j, &mine, index, out, &total, &handed);
    g_mutex_lock(&j.lock);
    if (rc && !j.error) {
      err_set(DOCTAG_ECANCELLED, "cancelled by the page callback at page %u", j.first + handed + 1);
      fail(&j, DOCTAG_ECANCELLED, handed);
    }
  }
  g_atomic_int_set(&j.stop, 1);
  g_cond_broadcast(&j.cond);
  while (j.running > 0)
    g_cond_wait(&j.cond, &j.lock);
  g_mutex_unlock(&j.lock);
  /* pages finished after an error were never delivered */
  for (unsigned int i = 0; i < j.window; i++)
    if (j.ring[i].done) {
      g_free(j.ring[i].page.text);
      g_free(j.ring[i].page.warning);
    }
  if (j.error)
    st = err_set(j.error, "%s", j.error_msg ? j.error_msg : "extraction failed");
  g_free(j.error_msg);
  g_free(j.ring);

done:
  /* the pages held back (deliver) are the caller's too, unless the caller
   * cancelled; the error stays the one already set */
  if (j.held_n && st != DOCTAG_ECANCELLED) {
    char *msg = st ? g_strdup(doctag_error_last()->message) : NULL;
    unsigned int handed = 0;
    int rc = release(&j, out, &total, true, &handed);
    if (st)
      err_set(st, "%s", msg);
    else if (rc)
      st = err_set(DOCTAG_ECANCELLED, "cancelled by the page callback at page %u", j.first + handed + 1);
    g_free(msg);
  }
  for (; j.held_n; j.held_n--, j.held_head = (j.held_head + 1) % (HYPHEN_AHEAD + 1)) {
    g_free(j.held[j.held_head].page.text);
    g_free(j.held[j.held_head].page.warning);
  }
  if (j.words)
    g_hash_table_destroy(j.words);
  out->ocr_memory_peak = j.mem_peak;
  g_mutex_clear(&j.lock);
  g_cond_clear(&j.cond);
  if (doc)
    R->g_object_unref(doc);
  words_close(wd);
  pdf_source_clear(&j.src);
  pdf_kept_clear(&kept);
  ocr_memo_clear(&j.memo);
  if (!st)
    g_strlcpy(out->language, lang_from_counts(&total), sizeof out->language);
  return st;
}

void extract_doc_clear(extract_doc *doc)
{
  if (!doc)
    return;
  for (unsigned int i = 0; doc->pages && i < doc->pages_read; i++) {
    g_free(doc->pages[i].text);
    g_free(doc->pages[i].warning);
  }
  g_free(doc->pages);
  g_free(doc->meta_title);
  g_free(doc->first_text);
  memset(doc, 0, sizeof *doc);
}
