/* Poppler: opening a PDF with clear errors, its metadata, the text layer of a
 * page rebuilt from glyph boxes, and a page as an image for OCR. */
#include "extract/internal.h"
#include "core/error.h"
#include "extract/renderlib.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEADER_WINDOW 1024
/* A scanned image is used as it is when its resolution is in this range;
 * outside it, the page is rendered at the OCR resolution instead. */
#define NATIVE_MIN_PPI 70.0
#define NATIVE_MAX_PPI 450.0
/* A page is "one scanned image" when an image covers this much of it. */
#define SINGLE_IMAGE_COVER 0.85

/* ---------------------------------------------------------------- opening */

static const char *looks_like(const unsigned char *d, size_t len)
{
  static const struct { const char *magic; size_t n; const char *what; } kinds[] = {
    { "\x89PNG", 4, "a PNG image" },
    { "\xff\xd8\xff", 3, "a JPEG image" },
    { "GIF8", 4, "a GIF image" },
    { "II*\0", 4, "a TIFF image" },
    { "MM\0*", 4, "a TIFF image" },
    { "PK\x03\x04", 4, "a ZIP archive (an Office document?)" },
    { "\xd0\xcf\x11\xe0", 4, "an old Microsoft Office document" },
    { "%!PS", 4, "a PostScript file" },
    { "{\\rtf", 5, "an RTF document" },
    { "\x1f\x8b", 2, "a gzip file" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
    if (len >= kinds[i].n && memcmp(d, kinds[i].magic, kinds[i].n) == 0)
      return kinds[i].what;
  size_t i = 0;
  if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < len && i < HEADER_WINDOW && g_ascii_isspace(d[i]))
    i++;
  if (i < len && d[i] == '<') {
    size_t n = MIN(len - i, 64);
    char *head = g_ascii_strdown((const char *)d + i, (gssize)n);
    const char *what = strstr(head, "html") ? "an HTML page" : strstr(head, "<?xml") ? "an XML file" : "markup (HTML or XML)";
    g_free(head);
    return what;
  }
  return NULL;
}

doctag_status pdf_check_bytes(const unsigned char *data, size_t len)
{
  if (!data || len == 0)
    return err_set(DOCTAG_EPDF, "Empty PDF file (0 bytes)");
  size_t window = MIN(len, (size_t)HEADER_WINDOW);
  if (memmem(data, window, "%PDF-", 5))
    return DOCTAG_OK;
  const char *what = looks_like(data, len);
  if (what)
    return err_set(DOCTAG_EPDF, "not a PDF: the file is %s (no %%PDF- header)", what);
  GString *start = g_string_new(NULL);
  for (size_t i = 0; i < MIN(len, (size_t)16); i++)
    g_string_append_printf(start, g_ascii_isprint(data[i]) && data[i] != '\\' ? "%c" : "\\x%02x", data[i]);
  doctag_status st = err_set(DOCTAG_EPDF, "not a PDF: no %%PDF- header in its first %zu bytes (starts with \"%s\")",
                             window, start->str);
  g_string_free(start, TRUE);
  return st;
}

static bool has_eof_marker(const unsigned char *data, size_t len)
{
  size_t window = MIN(len, (size_t)HEADER_WINDOW);
  return memmem(data + len - window, window, "%%EOF", 5) != NULL;
}

/* A document poppler could not open, and why (its words; its log says more). */
static doctag_status open_failed(const pdf_source *src, bool encrypted, const char *message)
{
  const char *cause = words_cause();
  char *why = g_strdup_printf("%s%s%s", message, cause ? ": " : "", cause ? cause : "");
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data(src->bytes, &len);
  doctag_status st;
  if (encrypted)
    st = src->password && *src->password ? err_set(DOCTAG_EENCRYPTED, "PDF is encrypted: the password is wrong")
                                         : err_set(DOCTAG_EENCRYPTED, "PDF is encrypted: a password is required");
  else if (!has_eof_marker(data, len))
    st = err_set(DOCTAG_EPDF, "PDF is truncated: it has no end-of-file marker (the \"%%%%EOF\" line) and poppler cannot read it (%s)", why);
  else
    st = err_set(DOCTAG_EPDF, "PDF is damaged: poppler cannot read it (%s)", why);
  g_free(why);
  return st;
}

static doctag_status render_open_failed(const pdf_source *src, GError *e)
{
  bool encrypted = e && g_error_matches(e, R->poppler_error_quark(), POPPLER_ERROR_ENCRYPTED);
  return open_failed(src, encrypted, e ? e->message : "unknown error");
}

/* poppler 22.12 crashes in poppler_document_new_from_bytes() when a password
 * is given and it is wrong (or not Latin-1): it retries on a stream it has
 * already freed. Opening by file name retries safely, so encrypted documents
 * are opened from an anonymous in-memory file. */
static doctag_status open_by_name(pdf_source *src, PopplerDocument **out)
{
  if (src->fd < 0) {
    gsize len = 0;
    const unsigned char *data = g_bytes_get_data(src->bytes, &len);
    int fd = memfd_create("doctag-pdf", MFD_CLOEXEC);
    if (fd < 0)
      return err_set(DOCTAG_EIO, "cannot create an in-memory file for the encrypted PDF: %s", g_strerror(errno));
    for (gsize off = 0; off < len;) {
      ssize_t n = write(fd, data + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        int err = errno;
        close(fd);
        return err_set(DOCTAG_EIO, "cannot write the encrypted PDF to memory: %s", g_strerror(err));
      }
      off += (gsize)n;
    }
    src->fd = fd;
    src->uri = g_strdup_printf("file:///proc/self/fd/%d", fd);
  }
  GError *e = NULL;
  words_cause_reset();
  *out = R->poppler_document_new_from_file(src->uri, src->password, &e);
  doctag_status st = *out ? DOCTAG_OK : render_open_failed(src, e);
  g_clear_error(&e);
  return st;
}

void pdf_source_init(pdf_source *src, GBytes *bytes, const char *password)
{
  src->bytes = g_bytes_ref(bytes);
  src->password = password && *password ? password : NULL;
  src->fd = -1;
  src->uri = NULL;
  src->max_saves = 0;
  src->kept = NULL;
}

void pdf_source_clear(pdf_source *src)
{
  if (src->fd >= 0)
    close(src->fd);
  g_free(src->uri);
  if (src->bytes)
    g_bytes_unref(src->bytes);
  memset(src, 0, sizeof *src);
  src->fd = -1;
}

GBytes *pdf_from_objects(const char *const *objs, size_t n)
{
  GString *pdf = g_string_new("%PDF-1.4\n");
  size_t *off = g_new(size_t, n);
  for (size_t i = 0; i < n; i++) {
    off[i] = pdf->len;
    g_string_append_printf(pdf, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
  }
  size_t xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
  for (size_t i = 0; i < n; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", off[i]);
  g_string_append_printf(pdf, "trailer\n<</Size %zu/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
  g_free(off);
  return g_string_free_to_bytes(pdf);
}

doctag_status pdf_open(pdf_source *src, words_doc **out)
{
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data(src->bytes, &len);
  doctag_status st = pdf_check_bytes(data, len);
  if (st)
    return st;
  /* poppler-glib's words for poppler's error codes */
  static const char *const messages[] = {
    [WORDS_OPEN_ENCRYPTED] = "Document is encrypted", [WORDS_OPEN_DAMAGED] = "PDF document is damaged",
    [WORDS_OPEN_BAD_CATALOG] = "Failed to read the document catalog", [WORDS_OPEN_INVALID] = "Failed to load document",
  };
  words_open_error why = WORDS_OPEN_INVALID;
  words_cause_reset();
  *out = words_open(data, len, src->password, &why);
  words_limit_saves(*out, src->max_saves);
  words_use_kept(*out, src->kept);
  return *out ? DOCTAG_OK : open_failed(src, why == WORDS_OPEN_ENCRYPTED, messages[why]);
}

doctag_status pdf_open_render(pdf_source *src, PopplerDocument **out)
{
  *out = NULL;
  if (!renderlib_get())
    return doctag_error_last()->code;
  if (src->uri)
    return open_by_name(src, out);
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data(src->bytes, &len);
  doctag_status st = pdf_check_bytes(data, len);
  if (st)
    return st;
  GError *e = NULL;
  /* no password here: see open_by_name() */
  words_cause_reset();
  *out = R->poppler_document_new_from_bytes(src->bytes, NULL, &e);
  if (*out)
    return DOCTAG_OK;
  if (src->password && g_error_matches(e, R->poppler_error_quark(), POPPLER_ERROR_ENCRYPTED)) {
    g_clear_error(&e);
    return open_by_name(src, out);
  }
  st = render_open_failed(src, e);
  g_clear_error(&e);
  return st;
}

char *pdf_meta_title(words_doc *doc)
{
  char *t = words_title(doc);
  if (!t)
    return NULL;
  if (!g_utf8_validate(t, -1, NULL)) {
    g_free(t);
    return NULL;
  }
  g_strstrip(t);
  if (!*t) {
    g_free(t);
    return NULL;
  }
  return t;
}

/* ------------------------------------------------------------- text layer */

bool pdf_page_text(words_doc *wd, unsigned int index, pdf_text *out)
{
  memset(out, 0, sizeof *out);
  words_page wp;
  if (!wd || !words_page_get(wd, (int)index, NULL, &wp)) {
    out->text = g_string_new(NULL);
    return false;
  }
  layout_text(&wp, out);
  garble_scan(out->text->str, out->text->len, &out->stats);
  /* Font sizes and names are asked for only where they decide something:
   * spacing in the scripts of India, or a page that may be in a legacy font. */
  if (out->stats.letters.deva || out->stats.indic_words || garble_suspicious_stats(&out->stats)) {
    g_string_free(out->text, TRUE);
    memset(out, 0, sizeof *out);
    /* from what the page's drawing kept, else drawn again */
    if (!words_page_fonts(wd, (int)index, garble_legacy_font, &wp)) {
      words_page_clear(&wp);
      if (!words_page_get(wd, (int)index, garble_legacy_font, &wp)) {
        out->text = g_string_new(NULL);
        return true;
      }
    }
    layout_text(&wp, out);
    garble_scan(out->text->str, out->text->len, &out->stats);
    out->legacy_font = wp.legacy_font;
  }
  out->glyphs = wp.nchars;
  out->over_saves = wp.over_saves;
  words_page_clear(&wp);
  return true;
}

/* ----------------------------------------------------------------- images */

void pdf_page_images(PopplerPage *page, pdf_images *out)
{
  memset(out, 0, sizeof *out);
  out->single_id = -1;
  double pw = 0, ph = 0;
  R->poppler_page_get_size(page, &pw, &ph);
  double page_area = pw * ph;
  if (!(page_area > 0))
    return;
  GList *maps = R->poppler_page_get_image_mapping(page);
  double covered = 0, best = 0;
  int big = 0;
  for (GList *l = maps; l; l = l->next) {
    PopplerImageMapping *m = l->data;
    double x1 = CLAMP(MIN(m->area.x1, m->area.x2), 0, pw), x2 = CLAMP(MAX(m->area.x1, m->area.x2), 0, pw);
    double y1 = CLAMP(MIN(m->area.y1, m->area.y2), 0, ph), y2 = CLAMP(MAX(m->area.y1, m->area.y2), 0, ph);
    double a = (x2 - x1) * (y2 - y1);
    covered += a;
    if (a > 0.01 * page_area)
      big++;
    if (a > best) {
      best = a;
      out->single_id = m->image_id;
      out->width_pt = fabs(m->area.x2 - m->area.x1);
      out->height_pt = fabs(m->area.y2 - m->area.y1);
    }
  }
  R->poppler_page_free_image_mapping(maps);
  out->coverage = MIN(covered / page_area, 1.0);
  if (big != 1 || best < SINGLE_IMAGE_COVER * page_area)
    out->single_id = -1;
}

/* The size render() gives the page at `dpi` (lowered to stay within
 * PDF_MAX_RENDER_PIXELS); false for a page size no renderer should try. */
static bool render_size(PopplerPage *page, double *dpi, int *w, int *h)
{
  double pw = 0, ph = 0;
  R->poppler_page_get_size(page, &pw, &ph);
  if (!(pw > 0 && ph > 0) || pw > 1e5 || ph > 1e5)
    return false;
  double pixels = pw * *dpi / 72 * ph * *dpi / 72;
  if (pixels > PDF_MAX_RENDER_PIXELS)
    *dpi *= sqrt(PDF_MAX_RENDER_PIXELS / pixels);
  *w = MAX((int)ceil(pw * *dpi / 72), 1);
  *h = MAX((int)ceil(ph * *dpi / 72), 1);
  return true;
}

bool pdf_page_image_size(PopplerPage *page, const pdf_images *img, double dpi, uint64_t largest_image, int *w,
                         int *h, uint64_t *pixels)
{
  if (!render_size(page, &dpi, w, h))
    return false;
  *pixels = (uint64_t)*w * (uint64_t)*h;
  if (img && img->single_id >= 0 && img->width_pt > 0 && img->height_pt > 0) {
    /* the largest native image pdf_page_image() would take instead */
    double native = NATIVE_MAX_PPI / 72 * NATIVE_MAX_PPI / 72 * img->width_pt * img->height_pt;
    native = MIN(MIN(native, PDF_MAX_RENDER_PIXELS), (double)largest_image);
    *pixels = MAX(*pixels, (uint64_t)native);
  }
  return true;
}

static cairo_surface_t *render(PopplerPage *page, double dpi, double *ppi)
{
  int w = 0, h = 0;
  if (!render_size(page, &dpi, &w, &h)) {
    double pw = 0, ph = 0;
    R->poppler_page_get_size(page, &pw, &ph);
    err_set(DOCTAG_EPDF, "page has an invalid size (%.0f x %.0f points)", pw, ph);
    return NULL;
  }
  cairo_surface_t *surf = R->cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (R->cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
    err_set(DOCTAG_ENOMEM, "cannot allocate a %dx%d page image: %s", w, h,
            R->cairo_status_to_string(R->cairo_surface_status(surf)));
    R->cairo_surface_destroy(surf);
    return NULL;
  }
  cairo_t *cr = R->cairo_create(surf);
  R->cairo_set_source_rgb(cr, 1, 1, 1);
  R->cairo_paint(cr);
  R->cairo_scale(cr, dpi / 72, dpi / 72);
  R->poppler_page_render(page, cr);
  R->cairo_destroy(cr);
  R->cairo_surface_flush(surf);
  *ppi = dpi;
  return surf;
}

cairo_surface_t *pdf_page_image(PopplerPage *page, const pdf_images *img, double dpi, double *ppi)
{
  if (img && img->single_id >= 0 && img->width_pt > 0 && img->height_pt > 0) {
    cairo_surface_t *surf = R->poppler_page_get_image(page, img->single_id);
    if (surf && R->cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS
        && R->cairo_surface_get_type(surf) == CAIRO_SURFACE_TYPE_IMAGE) {
      double w = R->cairo_image_surface_get_width(surf), h = R->cairo_image_surface_get_height(surf);
      /* the image may be placed turned, so compare areas, not widths */
      double native = 72.0 * sqrt(w * h / (img->width_pt * img->height_pt));
      if (native >= NATIVE_MIN_PPI && native <= NATIVE_MAX_PPI && w * h <= PDF_MAX_RENDER_PIXELS) {
        *ppi = native;
        return surf;
      }
    }
    if (surf)
      R->cairo_surface_destroy(surf);
  }
  return render(page, dpi, ppi);
}
