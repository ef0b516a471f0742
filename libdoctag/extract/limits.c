/* Bounds on a PDF's work, checked before it is opened: see limits.h. */
#include "extract/limits.h"
#include "core/error.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#define MB ((uint64_t)1024 * 1024)
/* Filters chained on one stream that we follow (FlateDecode twice inflates
 * a thousand-fold twice). */
#define MAX_CHAIN PDF_MAX_FLATE

void pdf_limits_of(const doctag_ctx *ctx, pdf_limits *out)
{
  out->stream_bytes = ctx->max_stream_bytes;
  out->total_bytes = ctx->max_inflate_bytes;
  out->image_pixels = ctx->max_image_pixels;
  out->page_draws = ctx->max_page_draws;
  out->page_pixels = ctx->max_page_image_pixels;
  out->page_coverage = (double)ctx->max_page_coverage;
  out->saved_states = ctx->max_saved_states;
  out->drawn_names = ctx->max_drawn_names;
}

static bool is_ws(unsigned char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(unsigned char c)
{
  return is_ws(c) || strchr("()<>[]{}/%", c);
}

/* The dictionary that ends right before `end` (which points just past its
 * ">>"): its start, found by counting << and >> backwards; NULL if none
 * within a window. */
static const unsigned char *dict_start(const unsigned char *data, const unsigned char *end)
{
  const unsigned char *floor = end - MIN((size_t)(end - data), (size_t)65536);
  int depth = 0;
  for (const unsigned char *p = end - 2; p >= floor + 1 && p > data; p--) {
    if (p[0] == '>' && p[1] == '>') {
      depth++;
      p--;
    } else if (p[-1] == '<' && p[0] == '<') {
      if (--depth == 0)
        return p - 1;
      p--;
    }
  }
  return NULL;
}

/* The value after /Key (a name followed by a delimiter) in dict [d, e):
 * a pointer to it, or NULL. Nested dictionaries are searched too; for our
 * keys (Length, Filter, Subtype, Width, Height) that only adds DecodeParms,
 * which holds none of them. */
static const unsigned char *dict_get(const unsigned char *d, const unsigned char *e, const char *key)
{
  size_t kl = strlen(key);
  for (const unsigned char *p = d; p + kl + 1 < e; p++) {
    if (*p == '/' && !memcmp(p + 1, key, kl) && is_delim(p[1 + kl])) {
      const unsigned char *v = p + 1 + kl;
      while (v < e && is_ws(*v))
        v++;
      return v;
    }
  }
  return NULL;
}

/* A direct non-negative integer (not "N G R"), or -1. */
static int64_t int_at(const unsigned char *v, const unsigned char *e)
{
  if (!v || v >= e || !g_ascii_isdigit(*v))
    return -1;
  int64_t n = 0;
  const unsigned char *p = v;
  for (; p < e && g_ascii_isdigit(*p); p++) {
    if (n > INT64_MAX / 10 - 10)
      return INT64_MAX;
    n = n * 10 + (*p - '0');
  }
  /* "12 0 R" is a reference */
  const unsigned char *q = p;
  while (q < e && is_ws(*q))
    q++;
  if (q < e && g_ascii_isdigit(*q)) {
    while (q < e && g_ascii_isdigit(*q))
      q++;
    while (q < e && is_ws(*q))
      q++;
    if (q < e && *q == 'R')
      return -1;
  }
  return n;
}

/* Past the name "/FlateDecode" (or its abbreviation "/Fl") at `v`; NULL
 * when another name or nothing is there. */
static const unsigned char *past_flate(const unsigned char *v, const unsigned char *e)
{
  if (v + 12 <= e && !memcmp(v, "/FlateDecode", 12) && is_delim(v[12]))
    return v + 12;
  if (v + 3 <= e && !memcmp(v, "/Fl", 3) && is_delim(v[3]))
    return v + 3;
  return NULL;
}

/* How many FlateDecode filters the stream's /Filter starts with. */
static int flate_chain(const unsigned char *d, const unsigned char *e)
{
  const unsigned char *v = dict_get(d, e, "Filter");
  if (!v)
    return 0;
  bool array = *v == '[';
  if (array)
    v++;
  int n = 0;
  while (v < e && n < MAX_CHAIN) {
    while (v < e && is_ws(*v))
      v++;
    v = past_flate(v, e);
    if (!v)
      break;
    n++;
    if (!array)
      break;
  }
  return n;
}

/* Whether /Filter is one FlateDecode and nothing after it. */
static bool flate_alone(const unsigned char *d, const unsigned char *e)
{
  const unsigned char *v = dict_get(d, e, "Filter");
  if (!v || v >= e)
    return false;
  bool array = *v == '[';
  if (array) {
    v++;
    while (v < e && is_ws(*v))
      v++;
  }
  v = past_flate(v, e);
  if (!v)
    return false;
  if (!array)
    return true;
  while (v < e && is_ws(*v))
    v++;
  return v < e && *v == ']';
}

/* Whether the stream with dictionary [d, e) is one whose output is kept
 * (pdf_kept): a content stream's, as far as its dictionary shows. */
static bool keeps(const unsigned char *d, const unsigned char *e)
{
  static const char *const not_content[] = { "DecodeParms", "DP", "Subtype", "Type", "Length1" };
  for (size_t i = 0; i < G_N_ELEMENTS(not_content); i++)
    if (dict_get(d, e, not_content[i]))
      return false;
  return flate_alone(d, e);
}

typedef struct counter {
  const pdf_limits *lim;
  pdf_scan *scan;
  uint64_t this_stream;
  bool over;
  unsigned char tail[2];   /* the last bytes of the previous output */
  pdf_kept *keep;          /* the stream's output goes on keep's arena; NULL: not kept */
} counter;

/* Whether inflated output holds an inline image's "ID" operator (a
 * delimiter, "ID", one white-space byte), so that the decoded pass looks for
 * inline images in it; the previous chunk's last two bytes are kept for a
 * token cut in two. */
static void note_inline(counter *c, const unsigned char *buf, size_t got)
{
  if (c->scan->maybe_inline || got < 3)
    return;
  unsigned char seam[5] = { c->tail[0], c->tail[1], buf[0], buf[1], buf[2] };
  const unsigned char *parts[] = { seam, buf };
  size_t lens[] = { sizeof seam, got };
  for (int k = 0; k < 2 && !c->scan->maybe_inline; k++) {
    const unsigned char *e = parts[k] + lens[k];
    /* memchr for the 'I' (vectorised, and an upper-case I is rare in
     * content streams) costs a tenth of memmem's "ID" per byte: the whole
     * search was a third of the byte scan. */
    for (const unsigned char *p = parts[k] + 1; p + 3 <= e; p++) {
      if (!(p = memchr(p, 'I', (size_t)(e - 2 - p))))
        break;
      if (p[1] == 'D' && is_delim(p[-1]) && is_ws(p[2])) {
        c->scan->maybe_inline = true;
        break;
      }
    }
  }
  c->tail[0] = buf[got - 2];
  c->tail[1] = buf[got - 1];
}

/* Inflaters chained on one stream and where the last one's output goes. */
typedef struct chain_state {
  z_stream zs[MAX_CHAIN];
  bool dead[MAX_CHAIN];
  int n;
  pdf_inflate_sink sink;
  void *arg;
  bool stop;   /* the sink asked to stop */
  bool ended;  /* the last inflater reached the end of its deflate data */
} chain_state;

/* Feeds `in` to inflater i; its output goes to inflater i + 1, the last
 * one's to the sink. Stops when the sink says so. Errors in the data just
 * end the stream: poppler decides what damage means. */
static void feed(chain_state *cs, int i, const unsigned char *in, size_t len)
{
  unsigned char buf[32768];
  z_stream *zs = cs->zs;
  zs[i].next_in = (unsigned char *)in;
  zs[i].avail_in = (uInt)len;
  while (!cs->stop && !cs->dead[i]) {
    zs[i].next_out = buf;
    zs[i].avail_out = sizeof buf;
    int rc = inflate(&zs[i], Z_NO_FLUSH);
    size_t got = sizeof buf - zs[i].avail_out;
    /* MAX_CHAIN spelt out: through the recursion gcc cannot see n <= MAX_CHAIN */
    if (got && i + 1 < cs->n && i + 1 < MAX_CHAIN)
      feed(cs, i + 1, buf, got);
    else if (got)
      cs->stop = !cs->sink(cs->arg, buf, got);
    if (rc != Z_OK) {
      cs->dead[i] = rc != Z_BUF_ERROR; /* Z_STREAM_END or damage; Z_BUF_ERROR: wants more input */
      if (rc == Z_STREAM_END && i + 1 == cs->n)
        cs->ended = true;
      break;
    }
    if (zs[i].avail_in == 0 && zs[i].avail_out > 0)
      break; /* all input taken, all output given */
  }
}

/* pdf_inflate(); *consumed (may be NULL): the input bytes the first
 * inflater read when the last one reached the end of its data, else
 * UINT64_MAX. */
static void inflate_chain(const unsigned char *in, size_t len, int chain, pdf_inflate_sink sink, void *arg,
                          uint64_t *consumed)
{
  chain_state cs;
  memset(&cs, 0, sizeof cs);
  cs.n = MIN(chain, MAX_CHAIN);
  cs.sink = sink;
  cs.arg = arg;
  int ready = 0;
  /* Adler-32 is not computed: the output is counted whatever the checksum
   * says, and poppler, which reads the stream again, checks none (a tenth
   * of this pass's instructions on a 200-page text PDF) */
  while (ready < cs.n && inflateInit(&cs.zs[ready]) == Z_OK)
    inflateValidate(&cs.zs[ready++], 0);
  if (ready == cs.n && cs.n > 0)
    feed(&cs, 0, in, MIN(len, (size_t)UINT32_MAX));
  if (consumed)
    *consumed = cs.ended && !cs.stop ? (uint64_t)cs.zs[0].total_in : UINT64_MAX;
  for (int i = 0; i < ready; i++)
    inflateEnd(&cs.zs[i]);
}

void pdf_inflate(const unsigned char *in, size_t len, int chain, pdf_inflate_sink sink, void *arg)
{
  inflate_chain(in, len, chain, sink, arg, NULL);
}

/* Appends buf[0, got) to the arena; false (nothing added) past PDF_KEPT_MAX_BYTES. */
static bool kept_add(pdf_kept *k, const unsigned char *buf, size_t got)
{
  if (got > PDF_KEPT_MAX_BYTES - k->used)
    return false;
  if (k->used + got > k->size) {
    size_t size = MAX(k->size ? 2 * k->size : (size_t)65536, k->used + got);
    k->size = MIN(size, PDF_KEPT_MAX_BYTES);
    k->arena = g_realloc(k->arena, k->size);
  }
  memcpy(k->arena + k->used, buf, got);
  k->used += got;
  return true;
}

const unsigned char *pdf_kept_find(const pdf_kept *k, uint64_t start, uint64_t length, size_t *len)
{
  if (!k)
    return NULL;
  size_t lo = 0, hi = k->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (k->streams[mid].start < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == k->n || k->streams[lo].start != start || k->streams[lo].consumed > length)
    return NULL;
  *len = k->streams[lo].len;
  /* an empty output has no bytes of the arena (which may be NULL) */
  static const unsigned char none[1];
  return k->streams[lo].len ? k->arena + k->streams[lo].off : none;
}

void pdf_kept_clear(pdf_kept *k)
{
  if (!k)
    return;
  g_free(k->streams);
  g_free(k->arena);
  memset(k, 0, sizeof *k);
}

/* pdf_inflate_sink: counts the output (never kept) until a limit is passed. */
static bool count_sink(void *arg, const unsigned char *buf, size_t got)
{
  counter *c = arg;
  note_inline(c, buf, got);
  c->this_stream += got;
  c->scan->inflated += got;
  c->over = c->this_stream > c->lim->stream_bytes || c->scan->inflated > c->lim->total_bytes;
  if (c->keep && !c->over && !kept_add(c->keep, buf, got))
    c->keep = NULL;
  return !c->over;
}

static doctag_status over_error(const pdf_limits *lim, const pdf_scan *scan);

doctag_status pdf_saves_error(const pdf_limits *lim, int page, const char *when)
{
  return err_set(DOCTAG_ELIMIT, "page %d of the PDF saves graphics states (q) more than %" G_GUINT64_FORMAT
                 " deep, its forms' included, the limit (DOCTAG_MAX_SAVED_STATES): %s would keep each of them", page,
                 lim->saved_states, when);
}

/* A page (from 1) decoding `pixels` of images to be drawn, over the limit. */
static doctag_status page_pixels_error(const pdf_limits *lim, int page, uint64_t pixels, const char *what,
                                       const char *when)
{
  return err_set(DOCTAG_ELIMIT, "page %d of the PDF draws %s of %s%.0f million pixels in all, each as often as it "
                 "is drawn, which %s would decode: over the limit of %.0f million (DOCTAG_MAX_PAGE_IMAGE_MPX)", page,
                 what, pixels == UINT64_MAX ? "more than " : "", (double)pixels / 1e6, when,
                 (double)lim->page_pixels / 1e6);
}

doctag_status pdf_limits_render(const pdf_limits *lim, const unsigned char *data, size_t len, const char *password,
                                unsigned int index, pdf_page_cost *cost)
{
  pdf_page_cost local;
  pdf_page_cost *pc = cost ? cost : &local;
  memset(pc, 0, sizeof *pc);
  if (pdf_scan_render(data, len, password, lim, index, 1, pc) != 1) {
    pc->unfollowed_images = true;   /* nothing known of its images */
    return DOCTAG_OK;   /* the renderer decides what a page it cannot find means */
  }
  /* a limit checked before any page was read, passed by its tiling
   * patterns' cells (limits_draws.cpp) */
  if (pc->over == PDF_OVER_PAGE_PIXELS)
    return page_pixels_error(lim, (int)index + 1, pc->pixels, "images", "rendering it for OCR");
  if (pc->over != PDF_OVER_NONE) {
    pdf_scan scan = { .over = pc->over, .over_page = (int)index + 1, .over_draws = pc->draws };
    return over_error(lim, &scan);
  }
  if (pc->pixels > lim->page_pixels)
    return page_pixels_error(lim, (int)index + 1, pc->pixels, "images", "rendering it for OCR");
  if (pc->coverage > lim->page_coverage)
    return err_set(DOCTAG_ELIMIT, "page %u of the PDF paints %.0f times its own area (images, fills, strokes, text "
                   "and shadings, each as often as it is drawn), which rendering it for OCR would composite: over the limit of "
                   "%.0f (DOCTAG_MAX_PAGE_COVERAGE)", index + 1, pc->coverage, lim->page_coverage);
  return DOCTAG_OK;
}

/* The message for the limit `scan` passed. */
static doctag_status over_error(const pdf_limits *lim, const pdf_scan *scan)
{
  switch (scan->over) {
  case PDF_OVER_NONE:
    break;
  case PDF_OVER_STREAM:
    return err_set(DOCTAG_ELIMIT, "a stream of the PDF inflates to more than %" G_GUINT64_FORMAT " MB, the "
                   "limit (DOCTAG_MAX_STREAM_MB)", lim->stream_bytes / MB);
  case PDF_OVER_TOTAL:
    return err_set(DOCTAG_ELIMIT, "the PDF's streams inflate to more than %" G_GUINT64_FORMAT " MB, the limit "
                   "(DOCTAG_MAX_INFLATE_MB)", lim->total_bytes / MB);
  case PDF_OVER_IMAGE:
  case PDF_OVER_INLINE: {
    uint64_t w = (uint64_t)scan->over_w, h = (uint64_t)scan->over_h;
    double px = w > UINT64_MAX / h ? (double)w * (double)h : (double)(w * h);
    return err_set(DOCTAG_ELIMIT,
                   "the PDF has a%s %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " image (%.0f million pixels), "
                   "over the limit of %.0f million (DOCTAG_MAX_IMAGE_MPX)",
                   scan->over == PDF_OVER_INLINE ? "n inline" : "", w, h, px / 1e6, (double)lim->image_pixels / 1e6);
  }
  case PDF_OVER_DRAWS:
    return err_set(DOCTAG_ELIMIT, "page %d of the PDF draws images, forms and tiling pattern cells %s%"
                   G_GUINT64_FORMAT " times, nested ones included, over the limit of %" G_GUINT64_FORMAT
                   " (DOCTAG_MAX_PAGE_DRAWS)", scan->over_page, scan->over_draws == UINT64_MAX ? "more than " : "",
                   scan->over_draws, lim->page_draws);
  case PDF_OVER_PAGE_BYTES:
    return err_set(DOCTAG_ELIMIT, "page %d of the PDF has more than %" G_GUINT64_FORMAT " MB of content, each form "
                   "counted as often as it is drawn, the limit (DOCTAG_MAX_STREAM_MB)", scan->over_page,
                   lim->stream_bytes / MB);
  case PDF_OVER_PAGE_PIXELS:
    return page_pixels_error(lim, scan->over_page, scan->over_pixels, "inline images", "drawing it (to read its text "
                             "too)");
  case PDF_OVER_NESTING:
    return err_set(DOCTAG_ELIMIT, "page %d of the PDF nests forms more than %d deep, the limit", scan->over_page,
                   PDF_MAX_NESTING);
  case PDF_OVER_SAVES:
    return pdf_saves_error(lim, scan->over_page, "rendering it for OCR");
  case PDF_OVER_NAMES:
    return err_set(DOCTAG_ELIMIT, "page %d of the PDF has a content stream that draws and sets more than %"
                   G_GUINT64_FORMAT " XObject and graphics state names, the limit (DOCTAG_MAX_DRAWN_NAMES)",
                   scan->over_page, lim->drawn_names);
  case PDF_OVER_CODEC:
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s header declares %" G_GINT64_FORMAT " x %"
                   G_GINT64_FORMAT " pixels in %" G_GUINT64_FORMAT " component%s, over the limit of %.0f million "
                   "pixels of up to 4 components (DOCTAG_MAX_IMAGE_MPX)", scan->over_codec, scan->over_w,
                   scan->over_h, scan->over_comps, scan->over_comps == 1 ? "" : "s", (double)lim->image_pixels / 1e6);
  case PDF_OVER_CODEC_DICT:
    return err_set(DOCTAG_ELIMIT, "the PDF has a %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " image whose %s header "
                   "declares %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " pixels in %" G_GUINT64_FORMAT " component%s: "
                   "decoding it would take more memory than its /Width and /Height declare, which is what "
                   "DOCTAG_MAX_IMAGE_MPX and DOCTAG_MAX_DOC_MEMORY_MB count", scan->over_dict_w, scan->over_dict_h,
                   scan->over_codec, scan->over_w, scan->over_h, scan->over_comps, scan->over_comps == 1 ? "" : "s");
  case PDF_OVER_CODEC_SYMBOLS: {
    double mb = ((double)scan->over_w * 12 + (double)scan->over_h * 8) / MB;
    if (scan->over_dict_w > 0)
      return err_set(DOCTAG_ELIMIT, "the PDF has a %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " image whose %s symbol "
                     "dictionary declares %" G_GINT64_FORMAT " new and %" G_GINT64_FORMAT " exported symbols, whose "
                     "tables alone take %.0f MB: more memory than its /Width and /Height declare, which is what "
                     "DOCTAG_MAX_IMAGE_MPX and DOCTAG_MAX_DOC_MEMORY_MB count", scan->over_dict_w, scan->over_dict_h,
                     scan->over_codec, scan->over_w, scan->over_h, mb);
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s symbol dictionary declares %" G_GINT64_FORMAT " new "
                   "and %" G_GINT64_FORMAT " exported symbols, whose tables alone take %.0f MB: over the %.0f MB of "
                   "the largest image allowed (DOCTAG_MAX_IMAGE_MPX, 4 bytes a pixel)", scan->over_codec, scan->over_w,
                   scan->over_h, mb, (double)lim->image_pixels * 4 / MB);
  }
  case PDF_OVER_CODEC_SYMBOL_MEMORY:
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s symbol dictionary decodes %" G_GINT64_FORMAT
                   " symbols of %.1f million pixels: with poppler's own memory for each symbol (about 80 bytes) "
                   "over the %.1f MB of the largest image allowed (DOCTAG_MAX_IMAGE_MPX, 1 bit a pixel)",
                   scan->over_codec, scan->over_w, (double)scan->over_pixels / 1e6, (double)lim->image_pixels / 8 / MB);
  case PDF_OVER_CODEC_SYMBOL_SIZE:
    if (scan->over_dict_w > 0)
      return err_set(DOCTAG_ELIMIT, "the PDF has a %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " image whose %s symbol "
                     "dictionary decodes symbols of more pixels (%.1f million, the last %" G_GINT64_FORMAT " x %"
                     G_GINT64_FORMAT ") than the image has, which is what DOCTAG_MAX_IMAGE_MPX and "
                     "DOCTAG_MAX_DOC_MEMORY_MB count", scan->over_dict_w, scan->over_dict_h, scan->over_codec,
                     (double)scan->over_pixels / 1e6, scan->over_w, scan->over_h);
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s symbol dictionary decodes symbols of %.1f million "
                   "pixels (the last %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT "), over the limit of %.0f million "
                   "(DOCTAG_MAX_IMAGE_MPX)", scan->over_codec, (double)scan->over_pixels / 1e6, scan->over_w,
                   scan->over_h, (double)lim->image_pixels / 1e6);
  case PDF_OVER_CODEC_INSTANCES:
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s places %" G_GINT64_FORMAT " symbols of up to %"
                   G_GINT64_FORMAT " pixels: %.0f million bytes composed, over the limit of %.0f million "
                   "(DOCTAG_MAX_PAGE_IMAGE_MPX)", scan->over_codec, scan->over_w, scan->over_h,
                   (double)scan->over_pixels / 1e6, (double)lim->page_pixels / 1e6);
  case PDF_OVER_CODEC_HEADER:
    return err_set(DOCTAG_ELIMIT, "the PDF has an image whose %s data %s", scan->over_codec, scan->over_why);
  }
  return DOCTAG_OK;
}

doctag_status pdf_limits_check_decoded(const unsigned char *data, size_t len, const char *password,
                                       struct words_doc *doc, const pdf_limits *lim, pdf_scan *scan)
{
  pdf_scan local = { 0 };
  if (!scan)
    scan = &local;
  scan->over = PDF_OVER_NONE;
  pdf_scan_decoded(data, len, password, doc, lim, scan);
  return over_error(lim, scan);
}

/* One stream as the byte scan finds it: its dictionary [dict, dict_end)
 * and its data [body, stop). */
typedef struct raw_stream {
  const unsigned char *dict, *dict_end, *body, *stop;
} raw_stream;

/* The next stream of data[0, len) from *at on, moving *at past it; false
 * when there is none. The walk skips each stream's data, so what it finds
 * depends only on the bytes: both passes walk alike. */
static bool next_stream(const unsigned char *data, size_t len, const unsigned char **at, raw_stream *out)
{
  const unsigned char *end = data + len;
  const unsigned char *p = *at;
  while (p < end) {
    const unsigned char *s = memmem(p, (size_t)(end - p), "stream", 6);
    if (!s)
      break;
    p = s + 6;
    /* "stream" after a dictionary's ">>", followed by an end of line */
    const unsigned char *b = s;
    while (b > data && is_ws(b[-1]))
      b--;
    if (b - data < 2 || b[-1] != '>' || b[-2] != '>')
      continue;
    const unsigned char *body = s + 6;
    if (body < end && *body == '\r')
      body++;
    if (body < end && *body == '\n')
      body++;
    else if (body == s + 6)
      continue;
    const unsigned char *d = dict_start(data, b);
    if (!d)
      continue;
    /* The data: /Length when direct and sane, else up to "endstream". */
    int64_t n = int_at(dict_get(d, b, "Length"), b);
    const unsigned char *stop;
    if (n >= 0 && (uint64_t)n <= (uint64_t)(end - body))
      stop = body + n;
    else {
      stop = memmem(body, (size_t)(end - body), "endstream", 9);
      if (!stop)
        stop = end;
    }
    *out = (raw_stream){ d, b, body, stop };
    *at = MAX(stop, p);
    return true;
  }
  *at = end;
  return false;
}

size_t pdf_scan_inflated(const unsigned char *data, size_t len, pdf_inflated **out)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(pdf_inflated));
  raw_stream r;
  for (const unsigned char *at = data; next_stream(data, len, &at, &r);) {
    int chain = flate_chain(r.dict, r.dict_end);
    if (chain > 0) {
      pdf_inflated one = { (uint64_t)(r.body - data), (uint64_t)(r.stop - r.body), chain };
      g_array_append_val(a, one);
    }
  }
  size_t n = a->len;
  *out = (pdf_inflated *)(void *)g_array_free(a, FALSE);
  return n;
}

doctag_status pdf_limits_check(const unsigned char *data, size_t len, const pdf_limits *lim, pdf_scan *scan)
{
  return pdf_limits_check_keep(data, len, lim, scan, NULL);
}

doctag_status pdf_limits_check_keep(const unsigned char *data, size_t len, const pdf_limits *lim, pdf_scan *scan,
                                    pdf_kept *keep)
{
  doctag_status status = DOCTAG_OK;
  pdf_scan local = { 0 };
  if (!scan)
    scan = &local;
  memset(scan, 0, sizeof *scan);
  raw_stream r;
  for (const unsigned char *at = data; next_stream(data, len, &at, &r);) {
    const unsigned char *d = r.dict, *b = r.dict_end;
    scan->streams++;

    /* Images: the declared size is what decoding will allocate. */
    const unsigned char *st = dict_get(d, b, "Subtype");
    if (st && st + 6 <= b && !memcmp(st, "/Image", 6)) {
      int64_t w = int_at(dict_get(d, b, "Width"), b), h = int_at(dict_get(d, b, "Height"), b);
      if (w > 0 && h > 0) {
        /* unsigned: (int64_t)(UINT64_MAX / 1) is -1, which refused every image one pixel high */
        uint64_t px = (uint64_t)w > UINT64_MAX / (uint64_t)h ? UINT64_MAX : (uint64_t)w * (uint64_t)h;
        scan->largest_image = MAX(scan->largest_image, px);
        if (px > lim->image_pixels) {
          scan->over = PDF_OVER_IMAGE;
          scan->over_w = w;
          scan->over_h = h;
          status = over_error(lim, scan);
          break;
        }
      }
    }

    int chain = flate_chain(d, b);
    if (chain > 0) {
      bool kept = keep && chain == 1 && keeps(d, b);
      size_t off = kept ? keep->used : 0;
      counter c = { lim, scan, 0, false, { ' ', ' ' }, kept ? keep : NULL };
      uint64_t consumed = UINT64_MAX;
      inflate_chain(r.body, (size_t)(r.stop - r.body), chain, count_sink, &c, &consumed);
      scan->largest_stream = MAX(scan->largest_stream, c.this_stream);
      if (c.over) {
        scan->over = c.this_stream > lim->stream_bytes ? PDF_OVER_STREAM : PDF_OVER_TOTAL;
        status = over_error(lim, scan);
        break;
      }
      if (kept && c.keep && consumed != UINT64_MAX) {
        if (keep->n == keep->cap) {
          keep->cap = keep->cap ? 2 * keep->cap : 64;
          keep->streams = g_renew(pdf_kept_stream, keep->streams, keep->cap);
        }
        keep->streams[keep->n++] = (pdf_kept_stream){ (uint64_t)(r.body - data), consumed, off, keep->used - off };
      } else if (kept) {
        keep->used = off;   /* damaged, or past the arena's size: poppler inflates it */
      }
    }
  }
  if (status)
    pdf_kept_clear(keep);
  return status;
}
