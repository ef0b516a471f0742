/* PDF bombs (issue 15): bounded before poppler opens the document. */
#include "testutil.h"
#include "core/ctx.h"
#include "extract/internal.h"
#include "extract/limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* A one-page PDF whose page has `page` entries (its /Resources draw
 * XObject 4 as /X), object 4 a stream with `dict` entries and `data` as its
 * bytes, and object 5 `obj5` when not NULL. */
static GBytes *pdf_build(const char *page, const char *dict, const unsigned char *data, size_t len, const char *obj5)
{
  GString *pdf = g_string_new("%PDF-1.5\n");
  size_t off[5];
  int n = obj5 ? 5 : 4;
  off[0] = pdf->len;
  g_string_append(pdf, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
  off[1] = pdf->len;
  g_string_append(pdf, "2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n");
  off[2] = pdf->len;
  g_string_append_printf(pdf, "3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
                         "/Resources<</XObject<</X 4 0 R>>>>%s>>\nendobj\n", page);
  off[3] = pdf->len;
  g_string_append_printf(pdf, "4 0 obj\n<<%s/Length %zu>>\nstream\n", dict, len);
  g_string_append_len(pdf, (const char *)data, (gssize)len);
  g_string_append(pdf, "\nendstream\nendobj\n");
  if (obj5) {
    off[4] = pdf->len;
    g_string_append_printf(pdf, "5 0 obj\n%s\nendobj\n", obj5);
  }
  size_t xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
  for (int i = 0; i < n; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", off[i]);
  g_string_append_printf(pdf, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
  return g_string_free_to_bytes(pdf);
}

static GBytes *pdf_with(const char *dict, const unsigned char *data, size_t len)
{
  return pdf_build("", dict, data, len, NULL);
}

/* Both passes as extract_run() makes them: the byte scan, then poppler
 * opens the document and the decoded pass runs. */
static doctag_status check_both(const pdf_limits *lim, const unsigned char *data, size_t len, pdf_scan *scan)
{
  doctag_status st = pdf_limits_check(data, len, lim, scan);
  if (st)
    return st;
  pdf_source src;
  GBytes *bytes = g_bytes_new_static(data, len);
  pdf_source_init(&src, bytes, NULL);
  g_bytes_unref(bytes);
  words_doc *doc = NULL;
  if (!(st = pdf_open(&src, &doc))) {
    st = pdf_limits_check_decoded(data, len, NULL, NULL, lim, scan);
    words_close(doc);
  }
  pdf_source_clear(&src);
  return st;
}

/* LZW as PDF's LZWDecode reads it (EarlyChange 1): 9 to 12-bit codes, a
 * clear code before the table fills. */
typedef struct bits_out {
  GByteArray *out;
  uint32_t acc;
  int n;
} bits_out;

static void put_bits(bits_out *b, unsigned int code, int width)
{
  b->acc = (b->acc << width) | code;
  b->n += width;
  while (b->n >= 8) {
    guint8 byte = (guint8)(b->acc >> (b->n - 8));
    g_byte_array_append(b->out, &byte, 1);
    b->n -= 8;
  }
  b->acc &= (1u << b->n) - 1;
}

static int lzw_width(unsigned int next)
{
  return next >= 2048 ? 12 : next >= 1024 ? 11 : next >= 512 ? 10 : 9;
}

static unsigned char *lzw_encode(const unsigned char *in, size_t len, size_t *out_len)
{
  uint16_t(*table)[256] = g_malloc0(sizeof(uint16_t[4096][256]));
  bits_out b = { g_byte_array_new(), 0, 0 };
  unsigned int next = 258;
  put_bits(&b, 256, 9);
  int w = len ? in[0] : -1;
  for (size_t i = 1; i < len; i++) {
    unsigned int c = in[i];
    if (table[w][c]) {
      w = table[w][c];
      continue;
    }
    put_bits(&b, (unsigned int)w, lzw_width(next));
    table[w][c] = (uint16_t)next++;
    if (next == 4094) {
      put_bits(&b, 256, lzw_width(next));
      memset(table, 0, sizeof(uint16_t[4096][256]));
      next = 258;
    }
    w = (int)c;
  }
  if (w >= 0) {
    put_bits(&b, (unsigned int)w, lzw_width(next));
    next++;
  }
  put_bits(&b, 257, lzw_width(next));
  if (b.n)
    put_bits(&b, 0, 8 - b.n);
  g_free(table);
  *out_len = b.out->len;
  return g_byte_array_free(b.out, FALSE);
}

/* `n` zero bytes as RunLengthDecode runs of 128. */
static unsigned char *zeros_run_length(size_t n, size_t *len)
{
  size_t runs = (n + 127) / 128;
  unsigned char *out = g_malloc(runs * 2 + 1);
  for (size_t i = 0; i < runs; i++) {
    size_t run = MIN((size_t)128, n - i * 128);
    out[2 * i] = (unsigned char)(257 - run);
    out[2 * i + 1] = 0;
  }
  out[runs * 2] = 128; /* EOD */
  *len = runs * 2 + 1;
  return out;
}

/* `n` zero bytes deflated `times` times. */
static unsigned char *zeros_deflated(size_t n, int times, size_t *len)
{
  unsigned char *buf = g_malloc0(n);
  size_t cur = n;
  for (int t = 0; t < times; t++) {
    uLongf out_len = compressBound(cur);
    unsigned char *out = g_malloc(out_len);
    assert_int_equal(compress2(out, &out_len, buf, cur, 9), Z_OK);
    g_free(buf);
    buf = out;
    cur = out_len;
  }
  *len = cur;
  return buf;
}

static doctag_ctx *ctx_limited(uint64_t stream_mb, uint64_t total_mb, uint64_t image_mpx)
{
  doctag_ctx *ctx = tu_ctx();
  ctx->max_stream_bytes = stream_mb << 20;
  ctx->max_inflate_bytes = total_mb << 20;
  ctx->max_image_pixels = image_mpx * 1000000;
  return ctx;
}

static doctag_status process(doctag_ctx *ctx, GBytes *pdf)
{
  gsize len = 0;
  const void *data = g_bytes_get_data(pdf, &len);
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  doctag_result *r = NULL;
  doctag_status st = doctag_process_buffer(ctx, &r, data, len, &o);
  doctag_result_free(r);
  return st;
}

/* The byte scan keeps what it inflated of a content stream, byte for byte,
 * for the pages' drawing, and nothing of streams poppler would decode
 * otherwise (parameters, images) or could not read to the end. */
static void test_content_streams_kept(void **state)
{
  (void)state;
  const char *content = "BT /F1 12 Tf 72 720 Td (kept, not inflated again) Tj ET\n";
  unsigned char z[256];
  uLongf zl = sizeof z;
  assert_int_equal(compress(z, &zl, (const unsigned char *)content, strlen(content)), Z_OK);
  pdf_limits lim = { .stream_bytes = 1 << 20, .total_bytes = 1 << 20, .image_pixels = 1 << 20 };
  struct { const char *dict; size_t len; bool kept; } cases[] = {
    { "/Filter/FlateDecode", zl, true },
    { "/Filter[/FlateDecode]", zl, true },
    { "/Filter/FlateDecode/DecodeParms<</Predictor 1>>", zl, false },
    { "/Filter[/FlateDecode/ASCIIHexDecode]", zl, false },
    { "/Subtype/Image/Width 1/Height 1/Filter/FlateDecode", zl, false },
    { "/Filter/FlateDecode", zl - 8, false },   /* cut short: no end of its deflate data */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GBytes *pdf = pdf_with(cases[i].dict, z, cases[i].len);
    gsize len = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &len);
    pdf_scan scan;
    pdf_kept kept = { 0 };
    assert_int_equal(pdf_limits_check_keep(d, len, &lim, &scan, &kept), DOCTAG_OK);
    const unsigned char *body = memmem(d, len, "stream\n", 7) + 7;
    size_t n = 0;
    const unsigned char *out = pdf_kept_find(&kept, (uint64_t)(body - d), cases[i].len, &n);
    if (cases[i].kept) {
      assert_non_null(out);
      assert_int_equal(n, strlen(content));
      assert_memory_equal(out, content, n);
      /* poppler reading fewer bytes than zlib needed would stop short */
      assert_null(pdf_kept_find(&kept, (uint64_t)(body - d), cases[i].len - 1, &n));
    } else {
      assert_null(out);
    }
    pdf_kept_clear(&kept);
    g_bytes_unref(pdf);
  }
}

static void test_inflation_bomb_refused(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_limited(8, 64, 100);
  size_t len = 0;
  unsigned char *z = zeros_deflated(40u << 20, 1, &len); /* 40 MB of zeros in ~40 kB */
  GBytes *pdf = pdf_with("/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Filter/FlateDecode", z, len);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_non_null(strstr(doctag_error_last()->message, "inflates to more than 8 MB"));
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_MAX_STREAM_MB"));
  g_bytes_unref(pdf);

  /* Deflated twice: the chain is followed. */
  g_free(z);
  z = zeros_deflated(40u << 20, 2, &len);
  pdf = pdf_with("/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Filter[/FlateDecode/FlateDecode]", z, len);
  assert_true(len < 4096);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  g_bytes_unref(pdf);
  g_free(z);
  doctag_ctx_free(ctx);

  /* Under the limits, the same stream is fine. */
  ctx = ctx_limited(64, 64, 100);
  z = zeros_deflated(4u << 20, 1, &len);
  pdf = pdf_with("/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Filter/FlateDecode", z, len);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize plen = 0;
  const unsigned char *pd = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_check(pd, plen, &lim, &scan), DOCTAG_OK);
  assert_int_equal(scan.largest_stream, 4u << 20);
  g_bytes_unref(pdf);
  g_free(z);
  doctag_ctx_free(ctx);
}

static void test_huge_image_refused(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  static const unsigned char tiny[] = { 0 };
  GBytes *pdf = pdf_with("/Type/XObject/Subtype/Image/Width 60000/Height 60000/ColorSpace/DeviceGray"
                         "/BitsPerComponent 8", tiny, sizeof tiny);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  assert_non_null(strstr(msg, "60000 x 60000 image"));
  assert_non_null(strstr(msg, "DOCTAG_MAX_IMAGE_MPX"));
  g_bytes_unref(pdf);
  /* one pixel high is no bomb (the size was once worked out signed, as -1) */
  static const unsigned char row[5000] = { 0 };
  pdf = pdf_with("/Type/XObject/Subtype/Image/Width 5000/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8", row,
                 sizeof row);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  assert_int_equal(pdf_limits_check(d, len, &lim, &scan), DOCTAG_OK);
  assert_int_equal(scan.largest_image, 5000);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

static const char *FORM = "/Type/XObject/Subtype/Form/BBox[0 0 1 1]";

/* A limit passed in the decoded pass: the byte scan let it through. */
static void assert_decoded_over(const pdf_limits *lim, GBytes *pdf, const char *needle)
{
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  pdf_scan scan;
  if (pdf_limits_check(d, len, lim, &scan))
    fail_msg("the byte scan refused it: %s", doctag_error_last()->message);
  if (check_both(lim, d, len, &scan) != DOCTAG_ELIMIT)
    fail_msg("not refused (\"%s\" expected)", needle);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, needle))
    fail_msg("\"%s\" not in \"%s\"", needle, msg);
}

/* LZW and RunLength bombs, alone, chained after another filter, and as an
 * object stream: the decoded pass runs poppler's decoders into a counter. */
static void test_other_filters_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_limited(8, 64, 100);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  size_t zlen = 40u << 20, len = 0;
  unsigned char *zeros = g_malloc0(zlen);

  unsigned char *lzw = lzw_encode(zeros, zlen, &len);
  assert_true(len < 64 * 1024); /* 40 MB in a few tens of kB */
  char *dict = g_strdup_printf("%s/Filter/LZWDecode", FORM);
  GBytes *pdf = pdf_with(dict, lzw, len);
  assert_decoded_over(&lim, pdf, "inflates to more than 8 MB, the limit (DOCTAG_MAX_STREAM_MB)");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT); /* what doctag_process_buffer() answers */
  g_bytes_unref(pdf);
  g_free(dict);
  g_free(lzw);

  unsigned char *rl = zeros_run_length(zlen, &len);
  dict = g_strdup_printf("%s/Filter/RunLengthDecode", FORM);
  pdf = pdf_with(dict, rl, len);
  assert_decoded_over(&lim, pdf, "DOCTAG_MAX_STREAM_MB");
  g_bytes_unref(pdf);
  g_free(dict);
  /* an object stream is a stream like the others */
  pdf = pdf_with("/Type/ObjStm/N 1/First 4/Filter/RunLengthDecode", rl, len);
  assert_decoded_over(&lim, pdf, "DOCTAG_MAX_STREAM_MB");
  g_bytes_unref(pdf);
  g_free(rl);

  /* FlateDecode behind ASCIIHexDecode: the byte scan only follows a chain
   * that starts with FlateDecode */
  uLongf dlen = compressBound(zlen);
  unsigned char *z = g_malloc(dlen);
  assert_int_equal(compress2(z, &dlen, zeros, zlen, 9), Z_OK);
  GString *hex = g_string_new(NULL);
  for (uLongf i = 0; i < dlen; i++)
    g_string_append_printf(hex, "%02x", z[i]);
  g_string_append_c(hex, '>');
  dict = g_strdup_printf("%s/Filter[/ASCIIHexDecode/FlateDecode]", FORM);
  pdf = pdf_with(dict, (const unsigned char *)hex->str, hex->len);
  assert_decoded_over(&lim, pdf, "DOCTAG_MAX_STREAM_MB");
  g_bytes_unref(pdf);
  g_free(dict);
  g_string_free(hex, TRUE);
  g_free(z);

  /* The document's total: nine streams of 8 MB each pass one by one. */
  ctx->max_stream_bytes = 9u << 20;
  pdf_limits_of(ctx, &lim);
  rl = zeros_run_length(8u << 20, &len);
  GString *many = g_string_new("%PDF-1.5\n");
  GArray *off = g_array_new(FALSE, FALSE, sizeof(size_t));
  const char *head[] = { "<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                         "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>" };
  for (int i = 0; i < 3; i++) {
    g_array_append_val(off, many->len);
    g_string_append_printf(many, "%d 0 obj\n%s\nendobj\n", i + 1, head[i]);
  }
  for (int i = 0; i < 9; i++) {
    g_array_append_val(off, many->len);
    g_string_append_printf(many, "%d 0 obj\n<<%s/Filter/RunLengthDecode/Length %zu>>\nstream\n", i + 4, FORM, len);
    g_string_append_len(many, (const char *)rl, (gssize)len);
    g_string_append(many, "\nendstream\nendobj\n");
  }
  size_t xref = many->len;
  g_string_append_printf(many, "xref\n0 %u\n0000000000 65535 f \n", off->len + 1);
  for (unsigned int i = 0; i < off->len; i++)
    g_string_append_printf(many, "%010zu 00000 n \n", g_array_index(off, size_t, i));
  g_string_append_printf(many, "trailer\n<</Size %u/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", off->len + 1, xref);
  pdf = g_string_free_to_bytes(many);
  assert_decoded_over(&lim, pdf, "streams inflate to more than 64 MB, the limit (DOCTAG_MAX_INFLATE_MB)");
  g_bytes_unref(pdf);
  g_array_free(off, TRUE);
  g_free(rl);
  doctag_ctx_free(ctx);

  /* Under the limits, the decoders' output is counted exactly. */
  ctx = ctx_limited(64, 64, 100);
  pdf_limits_of(ctx, &lim);
  lzw = lzw_encode(zeros, 4u << 20, &len);
  dict = g_strdup_printf("%s/Filter/LZWDecode", FORM);
  pdf = pdf_with(dict, lzw, len);
  gsize plen = 0;
  const unsigned char *pd = g_bytes_get_data(pdf, &plen);
  pdf_scan scan;
  assert_int_equal(check_both(&lim, pd, plen, &scan), DOCTAG_OK);
  assert_int_equal(scan.largest_stream, 4u << 20);
  assert_int_equal(scan.inflated, 4u << 20);
  assert_int_equal(process(ctx, pdf), DOCTAG_ENOTEXT); /* read through to the tagger */
  g_bytes_unref(pdf);
  g_free(dict);
  g_free(lzw);
  g_free(zeros);
  doctag_ctx_free(ctx);
}

/* An encrypted document's streams are ciphertext to the byte scan: the
 * decoded pass reads them decrypted (AES-256, empty user password, as
 * qpdf writes them). */
static void test_encrypted_bomb_bounded(void **state)
{
  (void)state;
  char *qpdf = g_find_program_in_path("qpdf");
  if (!qpdf) {
    print_message("qpdf not installed (scripts/install-deps.sh installs it)\n");
    skip();
  }
  doctag_ctx *ctx = ctx_limited(8, 64, 100);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  size_t len = 0;
  unsigned char *z = zeros_deflated(40u << 20, 1, &len);
  char *dict = g_strdup_printf("%s/Filter/FlateDecode", FORM);
  GBytes *plain = pdf_with(dict, z, len);
  char *dir = tu_tmpdir();
  char *in = g_build_filename(dir, "plain.pdf", NULL), *out = g_build_filename(dir, "encrypted.pdf", NULL);
  gsize plen = 0;
  const char *pd = g_bytes_get_data(plain, &plen);
  assert_true(g_file_set_contents(in, pd, (gssize)plen, NULL));
  const char *argv[] = { qpdf, "--stream-data=preserve", "--encrypt", "", "owner", "256", "--", in, out, NULL };
  int status = 0;
  assert_true(g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, NULL, NULL, &status, NULL));
  assert_true(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3));
  size_t elen = 0;
  char *enc = tu_read(out, &elen);
  assert_non_null(enc);
  assert_non_null(memmem(enc, elen, "/Encrypt", 8));
  GBytes *pdf = g_bytes_new_take(enc, elen);
  assert_decoded_over(&lim, pdf, "inflates to more than 8 MB");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  g_bytes_unref(pdf);
  g_bytes_unref(plain);
  g_free(dict);
  g_free(z);
  g_free(in);
  g_free(out);
  g_free(dir);
  g_free(qpdf);
  doctag_ctx_free(ctx);
}

/* Inline images (BI ... ID ... EI) declaring a huge size, in a page's own
 * content stream, plain or compressed; and an image whose size is an
 * indirect reference. */
static void test_inline_and_indirect_images_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  static const char content[] = "q 612 0 0 792 0 0 cm\nBI /W 60000 /H 60000 /BPC 8 /CS /G ID \x00 EI\nQ\n";
  GBytes *pdf = pdf_build("/Contents 4 0 R", "", (const unsigned char *)content, sizeof content - 1, NULL);
  assert_decoded_over(&lim, pdf, "inline 60000 x 60000 image (3600 million pixels), over the limit of 100 million "
                      "(DOCTAG_MAX_IMAGE_MPX)");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  g_bytes_unref(pdf);

  uLongf zlen = compressBound(sizeof content);
  unsigned char *z = g_malloc(zlen);
  assert_int_equal(compress2(z, &zlen, (const unsigned char *)content, sizeof content - 1, 9), Z_OK);
  pdf = pdf_build("/Contents 4 0 R", "/Filter/FlateDecode", z, zlen, NULL);
  assert_decoded_over(&lim, pdf, "inline 60000 x 60000 image");
  g_bytes_unref(pdf);
  g_free(z);

  /* long key names, and a small inline image is fine */
  static const char small[] = "BI /Width 100 /Height 100 /BitsPerComponent 8 /ColorSpace /DeviceGray ID\n";
  GString *ok = g_string_new(small);
  for (int i = 0; i < 10000; i++)
    g_string_append_c(ok, '\x80');
  g_string_append(ok, "\nEI\n");
  pdf = pdf_build("/Contents 4 0 R", "", (const unsigned char *)ok->str, ok->len, NULL);
  gsize plen = 0;
  const unsigned char *pd = g_bytes_get_data(pdf, &plen);
  pdf_scan scan;
  assert_int_equal(check_both(&lim, pd, plen, &scan), DOCTAG_OK);
  assert_int_equal(scan.largest_inline, 10000);
  g_bytes_unref(pdf);
  g_string_free(ok, TRUE);

  static const unsigned char tiny[] = { 0 };
  pdf = pdf_build("", "/Type/XObject/Subtype/Image/Width 5 0 R/Height 5 0 R/ColorSpace/DeviceGray"
                  "/BitsPerComponent 8", tiny, sizeof tiny, "60000");
  assert_decoded_over(&lim, pdf, "has a 60000 x 60000 image");
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* A PDF of objects 1..n given in order (each "<<dict>>" or "<<dict>>" plus a
 * stream's data, made with obj_stream()), with an xref table; when `hidden`
 * is not NULL, object n + 1 is the first copy of `hidden` inside them, found
 * through the xref only. */
static GBytes *pdf_objects_hiding(GPtrArray *objs, const char *hidden)
{
  GString *pdf = g_string_new("%PDF-1.5\n");
  guint n = objs->len;
  size_t *off = g_new(size_t, n + 1);
  for (guint i = 0; i < objs->len; i++) {
    off[i] = pdf->len;
    GBytes *o = g_ptr_array_index(objs, i);
    gsize len = 0;
    const char *d = g_bytes_get_data(o, &len);
    g_string_append_printf(pdf, "%u 0 obj\n", i + 1);
    g_string_append_len(pdf, d, (gssize)len);
    g_string_append(pdf, "\nendobj\n");
  }
  if (hidden) {
    const char *at = memmem(pdf->str, pdf->len, hidden, strlen(hidden));
    g_assert(at);
    off[n++] = (size_t)(at - pdf->str);
  }
  size_t xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
  for (guint i = 0; i < n; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", off[i]);
  g_string_append_printf(pdf, "trailer\n<</Size %u/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
  g_free(off);
  return g_string_free_to_bytes(pdf);
}

static GBytes *pdf_objects(GPtrArray *objs)
{
  return pdf_objects_hiding(objs, NULL);
}

static void obj_add(GPtrArray *objs, const char *text)
{
  g_ptr_array_add(objs, g_bytes_new(text, strlen(text)));
}

/* A stream object: `dict` entries, `data` deflated when `deflate`. */
static void obj_stream(GPtrArray *objs, const char *dict, const char *data, size_t len, bool deflate)
{
  GString *o = g_string_new(NULL);
  unsigned char *z = NULL;
  uLongf zlen = compressBound(len);
  if (deflate) {
    z = g_malloc(zlen);
    assert_int_equal(compress2(z, &zlen, (const unsigned char *)data, len, 9), Z_OK);
  }
  g_string_append_printf(o, "<<%s%s/Length %zu>>\nstream\n", dict, deflate ? "/Filter/FlateDecode" : "",
                         deflate ? (size_t)zlen : len);
  g_string_append_len(o, deflate ? (const char *)z : data, deflate ? (gssize)zlen : (gssize)len);
  g_string_append(o, "\nendstream");
  g_free(z);
  g_ptr_array_add(objs, g_string_free_to_bytes(o));
}

/* A stream that poppler reads but the byte scan does not find where poppler
 * does is counted by the decoded pass: a comment between ">>" and "stream",
 * a stream object inside another (unfiltered) stream's data that only the
 * xref points to, and a /Filter given by reference. Each would otherwise
 * inflate 40 MB past an 8 MB limit. */
static void test_streams_the_byte_scan_misses_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_limited(8, 64, 100);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  size_t zlen = 0;
  unsigned char *z = zeros_deflated(40u << 20, 1, &zlen);
  static const char form[] = "/Type/XObject/Subtype/Form/BBox[0 0 1 1]";
  static const char *const seps[] = { "%c\n", "\n" };
  for (int k = 0; k < 2; k++) {
    GString *o[4] = { g_string_new("<</Type/Catalog/Pages 2 0 R>>"), g_string_new("<</Type/Pages/Kids[3 0 R]/Count 1>>"),
                      g_string_new("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</X 4 0 R>>>>>>"),
                      g_string_new(NULL) };
    GString *bomb = g_string_new(NULL);
    g_string_append_printf(bomb, "<<%s/Filter/FlateDecode/Length %zu>>%sstream\n", form, zlen, seps[k]);
    g_string_append_len(bomb, (const char *)z, (gssize)zlen);
    g_string_append(bomb, "\nendstream");
    if (k == 0) {
      g_string_append_len(o[3], bomb->str, (gssize)bomb->len);
    } else {
      /* object 5, the bomb, is the data of the unfiltered stream 4 */
      g_string_prepend(bomb, "5 0 obj\n");
      g_string_append(bomb, "\nendobj\n");
      g_string_append_printf(o[3], "<<%s/Length %zu>>\nstream\n", form, bomb->len);
      g_string_append_len(o[3], bomb->str, (gssize)bomb->len);
      g_string_append(o[3], "\nendstream");
    }
    GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (int i = 0; i < 4; i++)
      g_ptr_array_add(objs, g_bytes_new(o[i]->str, o[i]->len));
    GBytes *pdf = pdf_objects_hiding(objs, k ? "5 0 obj" : NULL);
    g_ptr_array_unref(objs);
    assert_decoded_over(&lim, pdf, "inflates to more than 8 MB, the limit (DOCTAG_MAX_STREAM_MB)");
    assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
    g_bytes_unref(pdf);
    g_string_free(bomb, TRUE);
    for (int i = 0; i < 4; i++)
      g_string_free(o[i], TRUE);
  }

  char *dict = g_strdup_printf("%s/Filter 5 0 R", form);
  GBytes *pdf = pdf_build("", dict, z, zlen, "/FlateDecode");
  assert_decoded_over(&lim, pdf, "inflates to more than 8 MB");
  g_bytes_unref(pdf);
  g_free(dict);

  /* What the byte scan did inflate is not decoded twice: the document's
   * total counts each stream once. */
  g_free(z);
  z = zeros_deflated(4u << 20, 1, &zlen);
  dict = g_strdup_printf("%s/Filter/FlateDecode", form);
  pdf = pdf_build("", dict, z, zlen, NULL);
  gsize plen = 0;
  const unsigned char *pd = g_bytes_get_data(pdf, &plen);
  pdf_scan scan;
  assert_int_equal(check_both(&lim, pd, plen, &scan), DOCTAG_OK);
  assert_int_equal(scan.inflated, 4u << 20);
  g_bytes_unref(pdf);
  g_free(dict);
  g_free(z);
  doctag_ctx_free(ctx);
}

/* `pages` pages, each drawing one w x h grey image (shared, deflated: a few
 * kB whatever its size) on a fifth of a letter page and no text, so every
 * page is read by OCR. */
static GBytes *image_pages(int w, int h, int pages)
{
  size_t zlen = 0;
  unsigned char *z = zeros_deflated((size_t)w * (size_t)h, 1, &zlen);
  GString *pdf = g_string_new("%PDF-1.5\n");
  GArray *off = g_array_new(FALSE, FALSE, sizeof(size_t));
  size_t at = pdf->len;
  g_array_append_val(off, at);
  g_string_append(pdf, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
  at = pdf->len;
  g_array_append_val(off, at);
  g_string_append(pdf, "2 0 obj\n<</Type/Pages/Count ");
  g_string_append_printf(pdf, "%d/Kids[", pages);
  for (int i = 0; i < pages; i++)
    g_string_append_printf(pdf, "%d 0 R ", 5 + i);
  g_string_append(pdf, "]>>\nendobj\n");
  static const char content[] = "q 300 0 0 300 10 10 cm /I Do Q";
  at = pdf->len;
  g_array_append_val(off, at);
  g_string_append_printf(pdf, "3 0 obj\n<</Length %zu>>\nstream\n%s\nendstream\nendobj\n", strlen(content),
                         content);
  at = pdf->len;
  g_array_append_val(off, at);
  g_string_append_printf(pdf, "4 0 obj\n<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
                         "/BitsPerComponent 8/Filter/FlateDecode/Length %zu>>\nstream\n", w, h, zlen);
  g_string_append_len(pdf, (const char *)z, (gssize)zlen);
  g_string_append(pdf, "\nendstream\nendobj\n");
  for (int i = 0; i < pages; i++) {
    at = pdf->len;
    g_array_append_val(off, at);
    g_string_append_printf(pdf, "%d 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
                           "/Resources<</XObject<</I 4 0 R>>>>/Contents 3 0 R>>\nendobj\n", 5 + i);
  }
  size_t xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %u\n0000000000 65535 f \n", off->len + 1);
  for (guint i = 0; i < off->len; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", g_array_index(off, size_t, i));
  g_string_append_printf(pdf, "trailer\n<</Size %u/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", off->len + 1, xref);
  g_array_free(off, TRUE);
  g_free(z);
  return g_string_free_to_bytes(pdf);
}

static doctag_status extract_all(const doctag_ctx *ctx, GBytes *pdf, unsigned int threads, extract_doc *doc)
{
  gsize len = 0;
  extract_request req = { .ocr = DOCTAG_OCR_AUTO, .threads = threads, .languages = "eng" };
  req.data = g_bytes_get_data(pdf, &len);
  req.len = len;
  return extract_run(ctx, &req, doc);
}

/* Resident memory of this process now, in bytes. */
static uint64_t rss_now(void)
{
  unsigned long size = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* A page that needs more memory than the document may have is refused
 * before any is taken, saying how much it needs and which setting to raise. */
static void test_memory_cap_refuses(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  ctx->max_doc_memory = 128u << 20;
  GBytes *pdf = image_pages(9000, 9000, 1); /* 81 million pixels, under DOCTAG_MAX_IMAGE_MPX */
  extract_doc doc;
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, "page 1: the document needs more than 128 MB of memory, the limit (DOCTAG_MAX_DOC_MEMORY_MB)") ||
      !strstr(msg, "images of up to 81 million pixels"))
    fail_msg("unexpected message: %s", msg);
  assert_int_equal(doc.ocr_memory_peak, 0);
  extract_doc_clear(&doc);
  /* through the public call: the same code */
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_MAX_DOC_MEMORY_MB"));
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* `pages` pages, each drawing a w x h image except page `big` (from 1),
 * which draws a big_w x big_w one. */
static GBytes *one_big_image(int w, int big_w, int pages, int big)
{
  size_t zlen = 0, blen = 0;
  unsigned char *z = zeros_deflated((size_t)w * (size_t)w, 1, &zlen);
  unsigned char *bz = zeros_deflated((size_t)big_w * (size_t)big_w, 1, &blen);
  GString *pdf = g_string_new("%PDF-1.5\n");
  GArray *off = g_array_new(FALSE, FALSE, sizeof(size_t));
  size_t at = pdf->len;
  g_array_append_val(off, at);
  g_string_append(pdf, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
  at = pdf->len;
  g_array_append_val(off, at);
  g_string_append_printf(pdf, "2 0 obj\n<</Type/Pages/Count %d/Kids[", pages);
  for (int i = 0; i < pages; i++)
    g_string_append_printf(pdf, "%d 0 R ", 6 + i);
  g_string_append(pdf, "]>>\nendobj\n");
  static const char content[] = "q 300 0 0 300 10 10 cm /I Do Q";
  at = pdf->len;
  g_array_append_val(off, at);
  g_string_append_printf(pdf, "3 0 obj\n<</Length %zu>>\nstream\n%s\nendstream\nendobj\n", strlen(content),
                         content);
  for (int k = 0; k < 2; k++) {
    at = pdf->len;
    g_array_append_val(off, at);
    g_string_append_printf(pdf, "%d 0 obj\n<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
                           "/BitsPerComponent 8/Filter/FlateDecode/Length %zu>>\nstream\n", 4 + k, k ? big_w : w,
                           k ? big_w : w, k ? blen : zlen);
    g_string_append_len(pdf, (const char *)(k ? bz : z), (gssize)(k ? blen : zlen));
    g_string_append(pdf, "\nendstream\nendobj\n");
  }
  for (int i = 0; i < pages; i++) {
    at = pdf->len;
    g_array_append_val(off, at);
    g_string_append_printf(pdf, "%d 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
                           "/Resources<</XObject<</I %d 0 R>>>>/Contents 3 0 R>>\nendobj\n", 6 + i,
                           i + 1 == big ? 5 : 4);
  }
  size_t xref = pdf->len;
  g_string_append_printf(pdf, "xref\n0 %u\n0000000000 65535 f \n", off->len + 1);
  for (guint i = 0; i < off->len; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", g_array_index(off, size_t, i));
  g_string_append_printf(pdf, "trailer\n<</Size %u/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", off->len + 1, xref);
  g_array_free(off, TRUE);
  g_free(z);
  g_free(bz);
  return g_string_free_to_bytes(pdf);
}

/* A page's share of the memory follows its own images, not the document's
 * largest: with one 81-million-pixel image on page 3 and small ones on
 * pages 1-2, a 256 MB cap reads pages 1-2 (each taking about what a page
 * of small images takes) and refuses page 3 alone, naming it. */
static void test_memory_cap_follows_the_page(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  ctx->max_doc_memory = 256u << 20;
  GBytes *small = image_pages(200, 200, 1);
  extract_doc doc;
  assert_int_equal(extract_all(ctx, small, 1, &doc), DOCTAG_OK);
  uint64_t small_peak = doc.ocr_memory_peak;
  assert_true(small_peak > 0);
  extract_doc_clear(&doc);
  GBytes *pdf = one_big_image(200, 9000, 3, 3);
  gsize len = 0;
  extract_request req = { .ocr = DOCTAG_OCR_AUTO, .threads = 1, .languages = "eng", .first_pages = 2 };
  req.data = g_bytes_get_data(pdf, &len);
  req.len = len;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages_read, 2);
  assert_int_equal(doc.ocr_memory_peak, small_peak);
  extract_doc_clear(&doc);
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, "page 3: the document needs more than 256 MB of memory") ||
      !strstr(msg, "images of up to 81 million pixels"))
    fail_msg("unexpected message: %s", msg);
  extract_doc_clear(&doc);
  g_bytes_unref(pdf);
  g_bytes_unref(small);
  doctag_ctx_free(ctx);
}

static doctag_status draws_check(const pdf_limits *lim, GBytes *pdf, pdf_scan *scan)
{
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  return check_both(lim, d, len, scan);
}

/* A page drawing a 200 x 200 image, whose 9000 x 9000 one (81 million
 * pixels) is drawn only by `how`: "annot" an annotation's appearance,
 * "smask" as the small image's soft mask, "gstate" a graphics state's soft
 * mask group (the page sets it by `gs`; "gstates": 13 times), anything else not at all. */
static GBytes *hidden_big_image(const char *how)
{
  size_t zlen = 0, blen = 0;
  unsigned char *z = zeros_deflated(200 * 200, 1, &zlen);
  unsigned char *bz = zeros_deflated(9000 * 9000, 1, &blen);
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  bool annot = !strcmp(how, "annot"), gstate = g_str_has_prefix(how, "gstate");
  char *page = g_strdup_printf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<<"
                               "/XObject<</I 5 0 R>>%s>>%s>>", gstate ? "/ExtGState<</S<</SMask<</S/Luminosity"
                               "/G 7 0 R>>>>>>" : "", annot ? "/Annots[<</Type/Annot/Subtype/Stamp"
                               "/Rect[0 0 300 300]/AP<</N 7 0 R>>>>]" : "");
  obj_add(objs, page);
  g_free(page);
  const char *content = !strcmp(how, "gstates") ? "/S gs /S gs /S gs /S gs /S gs /S gs /S gs /S gs /S gs /S gs /S gs "
                        "/S gs /S gs q 300 0 0 300 10 10 cm /I Do Q"
                        : gstate ? "/S gs q 300 0 0 300 10 10 cm /I Do Q" : "q 300 0 0 300 10 10 cm /I Do Q";
  obj_stream(objs, "", content, strlen(content), false);
  for (int k = 0; k < 2; k++) {
    GString *o = g_string_new(NULL);
    g_string_append_printf(o, "<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
                           "/BitsPerComponent 8%s/Filter/FlateDecode/Length %zu>>\nstream\n", k ? 9000 : 200,
                           k ? 9000 : 200, !k && !strcmp(how, "smask") ? "/SMask 6 0 R" : "", k ? blen : zlen);
    g_string_append_len(o, (const char *)(k ? bz : z), (gssize)(k ? blen : zlen));
    g_string_append(o, "\nendstream");
    g_ptr_array_add(objs, g_string_free_to_bytes(o));
  }
  static const char form[] = "q 300 0 0 300 0 0 cm /B Do Q";
  obj_stream(objs, "/Type/XObject/Subtype/Form/BBox[0 0 300 300]/Group<</S/Transparency>>"
             "/Resources<</XObject<</B 6 0 R>>>>", form, strlen(form), false);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  g_free(z);
  g_free(bz);
  return pdf;
}

/* A page's share of the memory counts the images it draws where the page's
 * own content does not: an annotation's appearance (poppler renders it
 * with the page), an image's soft mask and a graphics state's soft mask
 * group (drawn where gs sets it) are followed. Each
 * page drawing the 81-million-pixel image so is refused under a 256 MB cap
 * before it is rendered. */
static void test_memory_cap_counts_hidden_images(void **state)
{
  (void)state;
  pdf_limits lim;
  doctag_ctx *ctx = tu_ctx();
  ctx->max_doc_memory = 256u << 20;
  pdf_limits_of(ctx, &lim);
  static const char *const hows[] = { "annot", "smask", "gstate", "none" };
  for (size_t k = 0; k < G_N_ELEMENTS(hows); k++) {
    GBytes *pdf = hidden_big_image(hows[k]);
    gsize len = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &len);
    pdf_scan scan;
    assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);   /* poppler set up too */
    pdf_page_cost cost;
    assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 0, &cost), DOCTAG_OK);
    assert_int_equal(cost.largest_image, k < 3 ? 81000000 : 40000);
    assert_false(cost.unfollowed_images);
    if (k < 3) {
      extract_doc doc;
      assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
      const char *msg = doctag_error_last()->message;
      if (!strstr(msg, "page 1: the document needs more than 256 MB of memory") ||
          !strstr(msg, "images of up to 81 million pixels"))
        fail_msg("%s: unexpected message: %s", hows[k], msg);
      extract_doc_clear(&doc);
    }
    g_bytes_unref(pdf);
  }
  /* the group is drawn each time gs sets it: 13 times its 81 million
   * pixels are past the 1000 million a page may decode (not counted before) */
  GBytes *pdf = hidden_big_image("gstates");
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  pdf_scan scan;
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 0, NULL), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, "page 1") || !strstr(msg, "(DOCTAG_MAX_PAGE_IMAGE_MPX)"))
    fail_msg("unexpected message: %s", msg);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* The OCR engines a page is read with are in its share of the document's
 * memory (88 MB for English: OSD's engine and the language's):
 * a cap that leaves the page image room but not its engines refuses OCR,
 * naming them; a cap with room for both reads the page, and the estimate
 * taken holds the engines. */
static void test_memory_cap_counts_ocr_engines(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  GBytes *pdf = image_pages(600, 600, 1);
  extract_doc doc;
  ctx->max_doc_memory = 32u << 20;   /* below one engine */
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, "the document needs more than 32 MB of memory, the limit (DOCTAG_MAX_DOC_MEMORY_MB)") ||
      !strstr(msg, "and the OCR engines, about 88 MB"))
    fail_msg("unexpected message: %s", msg);
  extract_doc_clear(&doc);
  ctx->max_doc_memory = 256u << 20;
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages_read, 1);
  uint64_t with_engines = doc.ocr_memory_peak;
  assert_true(with_engines >= 88u << 20);
  extract_doc_clear(&doc);
  /* room for the page image, not for its engines too */
  ctx->max_doc_memory = with_engines - (40u << 20);
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
  assert_non_null(strstr(doctag_error_last()->message, "and the OCR engines, about 88 MB"));
  extract_doc_clear(&doc);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* A page whose language is chosen automatically may end with OSD's engine
 * and the thread's three language engines at once (108.5 MB for OSD, eng,
 * hin and eng+hin, bench/ocr_engine_memory.py): its share holds 120 MB of
 * engines, not the 104 of one language more than English. */
static void test_memory_cap_counts_automatic_engines(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  GBytes *pdf = image_pages(600, 600, 1);
  gsize len = 0;
  extract_request req = { .ocr = DOCTAG_OCR_AUTO, .threads = 1, .languages = NULL };
  req.data = g_bytes_get_data(pdf, &len);
  req.len = len;
  extract_doc doc;
  ctx->max_doc_memory = 32u << 20;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_ELIMIT);
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, "and the OCR engines, about 120 MB"))
    fail_msg("unexpected message: %s", msg);
  extract_doc_clear(&doc);
  ctx->max_doc_memory = 256u << 20;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_OK);
  assert_true(doc.ocr_memory_peak >= 120u << 20);
  extract_doc_clear(&doc);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* Four OCR pages of 36-million-pixel images read by four threads: without a
 * cap they hold about 700 MB at once (RSS grew 684 MB); under a 400 MB cap
 * (each page's share, 322 MB, holds its OCR engines' 88 MB) they take turns,
 * and the process's peak grows by no more than the cap plus each thread's
 * OCR engine, which outlives the document (measured in a child, whose peak
 * is its own). */
#define ENGINE_BYTES (40u << 20)
/* Under AddressSanitizer the process's RSS holds the sanitizer's shadow and
 * quarantine too, so only the cap's own accounting is checked there. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_SAYS_LITTLE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_SAYS_LITTLE 1
#endif
#endif
#ifndef RSS_SAYS_LITTLE
#define RSS_SAYS_LITTLE 0
#endif
static void test_memory_cap_bounds_parallel_pages(void **state)
{
  (void)state;
  GBytes *pdf = image_pages(6000, 6000, 4);
  const uint64_t cap = 400u << 20;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    doctag_ctx *ctx = tu_ctx();
    ctx->max_doc_memory = cap;
    uint64_t before = rss_now();
    extract_doc doc;
    doctag_status st = extract_all(ctx, pdf, 4, &doc);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t peak = (uint64_t)ru.ru_maxrss * 1024;
    uint64_t grew = peak > before ? peak - before : 0;
    fprintf(stderr, "4 pages, 4 threads, cap %llu MB: %s; estimated peak %llu MB, RSS grew %llu MB\n",
            (unsigned long long)(cap >> 20), st ? doctag_error_last()->message : "read",
            (unsigned long long)(doc.ocr_memory_peak >> 20), (unsigned long long)(grew >> 20));
    int rc = st ? 1 : doc.pages_read != 4 ? 2 : doc.ocr_memory_peak > cap ? 3
             : !RSS_SAYS_LITTLE && grew > cap + 4 * ENGINE_BYTES ? 4 : 0;
    extract_doc_clear(&doc);
    doctag_ctx_free(ctx);
    _exit(rc);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  g_bytes_unref(pdf);
}

/* No document of the corpus (nor of the 290 real-world PDFs when present)
 * is refused by the default limits. */

/* One page (object 3) whose content (object 4, deflated) is `content`, with
 * /X0 = object 5; objects 5.. are forms: form k draws /X (object k + 1) by
 * its content forms[k - 5] (NULL ends). Form objects after the last drawn
 * one are not made; the last form may draw an image, object `last + 1`. */
static GBytes *pdf_forms(const char *content, size_t content_len, const char *const *forms, bool image)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</XObject<</X0 5 0 R>>>>>>");
  obj_stream(objs, "", content, content_len, true);
  size_t n = 0;
  while (forms[n])
    n++;
  for (size_t k = 0; k < n; k++) {
    char *dict = g_strdup_printf("/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Resources<</XObject<</X %zu 0 R>>>>",
                                 k + 6);
    obj_stream(objs, dict, forms[k], strlen(forms[k]), false);
    g_free(dict);
  }
  static const char px[] = { 0 };
  if (image)
    obj_stream(objs, "/Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8", px, 1,
               false);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  return pdf;
}

/* `unit` repeated n times; newly allocated, *len its length. */
static char *repeat(const char *unit, size_t n, size_t *len)
{
  size_t u = strlen(unit);
  char *s = g_malloc(u * n + 1);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * u, unit, u);
  s[u * n] = 0;
  *len = u * n;
  return s;
}

static void assert_message(const char *needle)
{
  const char *msg = doctag_error_last()->message;
  if (!strstr(msg, needle))
    fail_msg("\"%s\" not in \"%s\"", needle, msg);
}

/* A one-page PDF whose content is the streams parts[0, n) (an array when
 * more than one), a line of Helvetica text "Hello saved" after them, its
 * form /X0 drawing `form` when not NULL. */
static GBytes *saving_page(const char *const *parts, size_t n, const char *form)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  GString *page = g_string_new("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 4 0 R>>"
                               "/XObject<</X0 5 0 R>>>>/Contents[");
  for (size_t i = 0; i <= n; i++)
    g_string_append_printf(page, " %zu 0 R", i + 6);
  g_string_append(page, "]>>");
  obj_add(objs, page->str);
  g_string_free(page, TRUE);
  obj_add(objs, "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>");
  const char *f = form ? form : "";
  obj_stream(objs, "/Type/XObject/Subtype/Form/BBox[0 0 612 792]", f, strlen(f), true);
  for (size_t i = 0; i < n; i++)
    obj_stream(objs, "", parts[i], strlen(parts[i]), true);
  static const char text[] = " BT /F1 12 Tf 72 700 Td (Hello saved) Tj ET";
  obj_stream(objs, "", text, strlen(text), false);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  return pdf;
}

/* Page 1's text with OCR off, or NULL (the error is doctag_error_last()). */
static char *text_of(const doctag_ctx *ctx, GBytes *pdf)
{
  gsize len = 0;
  extract_request req = { .ocr = DOCTAG_OCR_OFF, .threads = 1, .keep_pages = true };
  req.data = g_bytes_get_data(pdf, &len);
  req.len = len;
  extract_doc doc;
  if (extract_run(ctx, &req, &doc)) {
    extract_doc_clear(&doc);   /* what was read before the error */
    return NULL;
  }
  char *text = g_strdup(doc.pages[0].text ? doc.pages[0].text : "");
  extract_doc_clear(&doc);
  return text;
}

/* A million graphics states saved (q) in a 2.4 kB PDF made pdftotext keep
 * 947 MB, and reading its text here 951 MB in 7.5 s: poppler keeps each.
 * Reading a page's text stops past DOCTAG_MAX_SAVED_STATES (65536) saved at
 * once, its forms' too, and refuses the document naming the page and the
 * setting; what the text reading kept is measured in a child (whose peak is
 * its own: run first). 60000 are read. */
static void test_saved_states_bounded_in_text(void **state)
{
  (void)state;
  size_t len;
  char *million = repeat("q ", 1000000, &len);
  const char *parts[] = { million };
  GBytes *pdf = saving_page(parts, 1, NULL);
  assert_true(g_bytes_get_size(pdf) < 8192);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    doctag_ctx *ctx = tu_ctx();
    uint64_t before = rss_now();
    char *text = text_of(ctx, pdf);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t peak = (uint64_t)ru.ru_maxrss * 1024;
    uint64_t grew = peak > before ? peak - before : 0;
    fprintf(stderr, "a million q: %s; RSS grew %llu MB\n", text ? "read" : doctag_error_last()->message,
            (unsigned long long)(grew >> 20));
    int rc = text ? 1
             : !strstr(doctag_error_last()->message, "page 1 of the PDF saves graphics states (q) more than 65536 "
                       "deep, its forms' included, the limit (DOCTAG_MAX_SAVED_STATES): reading its text") ? 2
             : !RSS_SAYS_LITTLE && grew > (200u << 20) ? 3 : 0;
    doctag_ctx_free(ctx);
    _exit(rc);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  g_bytes_unref(pdf);
  g_free(million);

  doctag_ctx *ctx = tu_ctx();
  char *some = repeat("q ", 60000, &len);
  parts[0] = some;
  pdf = saving_page(parts, 1, NULL);
  char *text = text_of(ctx, pdf);
  if (!text)
    fail_msg("%s", doctag_error_last()->message);
  assert_non_null(strstr(text, "Hello saved"));
  g_free(text);
  g_bytes_unref(pdf);

  /* counted across the page's content array, and into its forms, which
   * keep the states saved where they are drawn: 40000 + 30000 */
  char *half = repeat("q ", 40000, &len);
  const char *two[] = { half, half };
  pdf = saving_page(two, 2, NULL);
  assert_null(text_of(ctx, pdf));
  assert_message("page 1 of the PDF saves graphics states (q) more than 65536 deep");
  g_bytes_unref(pdf);
  char *form = repeat("q ", 30000, &len);
  char *drawing = g_strconcat(half, "/X0 Do", NULL);
  parts[0] = drawing;
  pdf = saving_page(parts, 1, form);
  assert_null(text_of(ctx, pdf));
  assert_message("(DOCTAG_MAX_SAVED_STATES)");
  g_bytes_unref(pdf);
  /* each alone is read */
  parts[0] = half;
  pdf = saving_page(parts, 1, form);
  text = text_of(ctx, pdf);
  assert_non_null(text);
  g_free(text);
  g_bytes_unref(pdf);

  /* the setting is the limit */
  ctx->max_saved_states = 1000;
  g_free(some);
  some = repeat("q ", 1001, &len);
  parts[0] = some;
  pdf = saving_page(parts, 1, NULL);
  assert_null(text_of(ctx, pdf));
  assert_message("more than 1000 deep, its forms' included, the limit (DOCTAG_MAX_SAVED_STATES)");
  g_bytes_unref(pdf);
  g_free(some);
  some = repeat("q Q ", 5000, &len);
  parts[0] = some;
  pdf = saving_page(parts, 1, NULL);
  text = text_of(ctx, pdf);
  assert_non_null(text);
  g_free(text);
  g_bytes_unref(pdf);
  g_free(some);
  g_free(drawing);
  g_free(form);
  g_free(half);
  doctag_ctx_free(ctx);
}

/* Where a page is rendered, the states its content saves count on into
 * the forms it draws (poppler's Gfx keeps them), and across its content
 * array: 40000 before drawing a form that saves 30000, or two streams of
 * 40000, are refused there (before, each content stream counted alone). */
static void test_saved_states_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  size_t len;
  char *half = repeat("q ", 40000, &len);
  char *form = repeat("q ", 30000, &len);
  char *drawing = g_strconcat(half, "/X0 Do", NULL);
  const char *parts[] = { drawing, half };
  pdf_scan scan;
  for (int k = 0; k < 3; k++) {
    /* the form drawn after 40000, two streams of 40000, the form alone */
    GBytes *pdf = k == 0 ? saving_page(parts, 1, form) : k == 1 ? saving_page(parts + 1, 1, NULL) : NULL;
    if (k == 1) {
      g_bytes_unref(pdf);
      const char *two[] = { half, half };
      pdf = saving_page(two, 2, NULL);
    } else if (k == 2) {
      const char *alone[] = { "/X0 Do" };
      pdf = saving_page(alone, 1, form);
    }
    assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
    gsize plen = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &plen);
    pdf_page_cost cost;
    if (k < 2) {
      assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_ELIMIT);
      assert_message("page 1 of the PDF saves graphics states (q) more than 65536 deep, its forms' included, the "
                     "limit (DOCTAG_MAX_SAVED_STATES): rendering it for OCR would keep each of them");
    } else {
      assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_OK);
    }
    g_bytes_unref(pdf);
  }
  g_free(drawing);
  g_free(form);
  g_free(half);
  doctag_ctx_free(ctx);
}

/* DOCTAG_ELIMIT from the pass before any page is read, or where page 1 is
 * rendered. */
static doctag_status names_check(const pdf_limits *lim, GBytes *pdf, bool render)
{
  pdf_scan scan;
  doctag_status st = draws_check(lim, pdf, &scan);
  if (st || !render)
    return st;
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  return pdf_limits_render(lim, d, len, NULL, 0, NULL);
}

/* A content stream's "Do" and "gs" names are a table entry each: a 256 MB
 * stream of "/aN Do" names 20 million. Past DOCTAG_MAX_DRAWN_NAMES (16384)
 * in one content, its page's array of them too, the document is refused:
 * XObjects' names before any page is read, graphics states' (whose soft
 * masks are costed where the page is rendered) there. */
static void test_drawn_names_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  const char *ops[] = { "Do", "gs" };
  for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
    for (unsigned int n = 16000; n <= 17000; n += 1000) {
      GString *names = g_string_new(NULL);
      for (unsigned int i = 0; i < n; i++)
        g_string_append_printf(names, "/a%u %s\n", i, ops[k]);
      const char *parts[] = { names->str };
      GBytes *pdf = saving_page(parts, 1, NULL);
      doctag_status st = names_check(&lim, pdf, k == 1);
      if (n < 16384) {
        assert_int_equal(st, DOCTAG_OK);
      } else {
        assert_int_equal(st, DOCTAG_ELIMIT);
        assert_message("page 1 of the PDF has a content stream that draws and sets more than 16384 XObject and "
                       "graphics state names, the limit (DOCTAG_MAX_DRAWN_NAMES)");
        if (k == 0)
          assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
      }
      g_bytes_unref(pdf);
      /* two streams of an array, 10000 names each */
      if (n == 16000) {
        GString *more = g_string_new(NULL);
        for (unsigned int i = 0; i < 10000; i++)
          g_string_append_printf(more, "/b%u %s\n", i, ops[k]);
        g_string_truncate(names, 0);
        for (unsigned int i = 0; i < 10000; i++)
          g_string_append_printf(names, "/a%u %s\n", i, ops[k]);
        const char *two[] = { names->str, more->str };
        pdf = saving_page(two, 2, NULL);
        assert_int_equal(names_check(&lim, pdf, k == 1), DOCTAG_ELIMIT);
        assert_message("(DOCTAG_MAX_DRAWN_NAMES)");
        g_bytes_unref(pdf);
        g_string_free(more, TRUE);
      }
      g_string_free(names, TRUE);
    }
  }
  doctag_ctx_free(ctx);
}

/* A page drawing one form a million times (a 22 kB PDF), forms nested
 * eight deep that each draw the next ten times (under 2 kB), forms nested
 * 40 deep, and a form drawn often enough to parse more content than a
 * stream may hold: each refused before a page is read, naming the page and
 * the setting; and the counts exact below the limits. */
static void test_form_draws_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_limited(64, 256, 100);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  assert_int_equal(lim.page_draws, 100000);
  pdf_scan scan;
  static const char *const square[] = { "0 0 1 1 re f", NULL };

  size_t len;
  char *content = repeat("q /X0 Do Q\n", 1000000, &len);
  GBytes *pdf = pdf_forms(content, len, square, false);
  assert_true(g_bytes_get_size(pdf) < 32768);   /* 11 MB of content deflated */
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images, forms and tiling pattern cells 1000000 times");
  assert_message("over the limit of 100000 (DOCTAG_MAX_PAGE_DRAWS)");
  /* the whole pipeline refuses it the same way */
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("DOCTAG_MAX_PAGE_DRAWS");
  g_bytes_unref(pdf);
  g_free(content);

  /* eight levels of ten: 10^8 images, 111,111,111 forms */
  const char *ten = "/X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do";
  const char *const nested[] = { ten, ten, ten, ten, ten, ten, ten, ten, NULL };
  pdf = pdf_forms("/X0 Do", 6, nested, true);
  assert_true(g_bytes_get_size(pdf) < 4096);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images, forms and tiling pattern cells");
  g_bytes_unref(pdf);
  /* three levels: 1 + 10 + 100 forms and 1000 images, counted exactly */
  const char *const three[] = { ten, ten, ten, NULL };
  pdf = pdf_forms("/X0 Do", 6, three, true);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(scan.most_draws, 1111);
  assert_int_equal(scan.deepest_forms, 3);
  g_bytes_unref(pdf);

  /* 40 deep, each drawing the next once */
  const char *chain[41];
  for (int i = 0; i < 40; i++)
    chain[i] = "/X Do";
  chain[40] = NULL;
  pdf = pdf_forms("/X0 Do", 6, chain, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("nests forms more than 32 deep");
  g_bytes_unref(pdf);

  /* a 1 kB form drawn 10,000 times: 10 MB of content for an 8 MB stream limit */
  char *kb = repeat("0 0 1 1 re\n", 93, &len);
  const char *const big[] = { kb, NULL };
  content = repeat("/X0 Do ", 10000, &len);
  pdf = pdf_forms(content, len, big, false);
  pdf_limits small = lim;
  small.stream_bytes = 8u << 20;
  assert_int_equal(draws_check(&small, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF has more than 8 MB of content, each form counted as often as it is drawn");
  g_bytes_unref(pdf);
  g_free(content);
  g_free(kb);

  /* a page whose content is one 1 kB stream 10,000 times over */
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  content = repeat("4 0 R ", 10000, &len);
  char *page = g_strdup_printf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents[%s]>>", content);
  obj_add(objs, page);
  kb = repeat("0 0 1 1 re\n", 93, &len);
  obj_stream(objs, "", kb, len, true);
  pdf = pdf_objects(objs);
  assert_int_equal(draws_check(&small, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF has more than 8 MB of content");
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  g_bytes_unref(pdf);
  g_ptr_array_free(objs, TRUE);
  g_free(page);
  g_free(content);
  g_free(kb);

  /* "Do" in strings, comments and inline image data is no drawing */
  static const char tricky[] = "BT (/X0 Do) Tj ET % /X0 Do\n"
                               "BI /W 4 /H 1 /BPC 8 /CS /G ID /X0 Do EI\n"
                               "q /X0 Do Q <2f58> /X0 Do";
  pdf = pdf_forms(tricky, sizeof tricky - 1, square, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(scan.most_draws, 2);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* Big-endian bytes of v into b (n of them). */
static void put_be(GByteArray *b, uint64_t v, int n)
{
  for (int i = n - 1; i >= 0; i--) {
    guint8 c = (guint8)(v >> (8 * i));
    g_byte_array_append(b, &c, 1);
  }
}

/* The start of a JPEG: garbage poppler skips, SOI, an APP0 segment, then a
 * progressive frame header (SOF2) of w x h in `comps` components. */
static GByteArray *jpeg_header(uint64_t w, uint64_t h, int comps)
{
  static const char start[] = "\x00\xff\x00\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)start, sizeof start - 1);
  put_be(b, 0xffc2, 2);
  put_be(b, 8 + 3 * (uint64_t)comps, 2);
  put_be(b, 8, 1);
  put_be(b, h, 2);
  put_be(b, w, 2);
  put_be(b, (uint64_t)comps, 1);
  for (int i = 0; i < comps; i++) {
    put_be(b, (uint64_t)i + 1, 1);
    put_be(b, 0x11, 1);
    put_be(b, 0, 1);
  }
  return b;
}

/* A JPEG 2000 codestream's SOC and SIZ for w x h in `comps` components,
 * bare or in JP2 boxes (signature, ftyp, jp2h with ihdr, jp2c). */
static GByteArray *jpx_header(uint64_t w, uint64_t h, uint64_t comps, bool boxed)
{
  GByteArray *b = g_byte_array_new();
  if (boxed) {
    g_byte_array_append(b, (const guint8 *)"\x00\x00\x00\x0cjP  \r\n\x87\n", 12);
    g_byte_array_append(b, (const guint8 *)"\x00\x00\x00\x14" "ftypjp2 \x00\x00\x00\x00jp2 ", 20);
    g_byte_array_append(b, (const guint8 *)"\x00\x00\x00\x2d" "jp2h\x00\x00\x00\x16ihdr", 16);
    put_be(b, 1, 4);   /* ihdr: 1 x 1, whatever SIZ says (openjpeg decodes SIZ's) */
    put_be(b, 1, 4);
    put_be(b, 1, 2);
    g_byte_array_append(b, (const guint8 *)"\x07\x07\x00\x00\x00\x00\x00\x0f" "colr\x01\x00\x00\x00\x00\x00\x10", 19);
    put_be(b, 0, 4);   /* jp2c: to the end */
    g_byte_array_append(b, (const guint8 *)"jp2c", 4);
  }
  put_be(b, 0xff4fff51, 4);
  put_be(b, 38 + 3 * comps, 2);
  put_be(b, 0, 2);
  put_be(b, w, 4);
  put_be(b, h, 4);
  put_be(b, 0, 8);    /* image offset */
  put_be(b, w, 4);    /* one tile */
  put_be(b, h, 4);
  put_be(b, 0, 8);
  put_be(b, comps, 2);
  for (uint64_t i = 0; i < comps && i < 4; i++)
    put_be(b, 0x070101, 3);
  return b;
}

/* A JBIG2 segment header (embedded: no file header) of `type` referring to
 * `refs` (at most 4) segments, page 1, then its data. */
static void jbig2_segment(GByteArray *b, uint32_t num, unsigned type, uint32_t refs, const GByteArray *data)
{
  put_be(b, num, 4);
  put_be(b, type, 1);
  put_be(b, (uint64_t)refs << 5, 1);
  for (uint32_t i = 0; i < refs; i++)
    put_be(b, 0, 1);
  put_be(b, 1, 1);
  put_be(b, data->len, 4);
  g_byte_array_append(b, data->data, data->len);
}

/* JBIG2 page information for w x h (0xffffffff: striped), and region
 * segment information for a w x h region at (x, y). */
static GByteArray *jbig2_page(uint64_t w, uint64_t h)
{
  GByteArray *d = g_byte_array_new();
  put_be(d, w, 4);
  put_be(d, h, 4);
  put_be(d, 0, 8);
  put_be(d, 0, 1);
  put_be(d, h == 0xffffffff ? 0x8040 : 0, 2);
  return d;
}

static GByteArray *jbig2_region(uint64_t w, uint64_t h, uint64_t x, uint64_t y)
{
  GByteArray *d = g_byte_array_new();
  put_be(d, w, 4);
  put_be(d, h, 4);
  put_be(d, x, 4);
  put_be(d, y, 4);
  put_be(d, 0, 1);
  put_be(d, 0, 1);   /* generic region flags; no data follows */
  return d;
}

/* An image XObject of `size` (its dictionary's "/Width w/Height h") decoded
 * by `filter` from `data`. */
static GBytes *codec_image(const char *size, const char *filter, const GByteArray *data)
{
  char *dict = g_strdup_printf("/Type/XObject/Subtype/Image%s/ColorSpace/DeviceGray/BitsPerComponent 8%s", size, filter);
  GBytes *pdf = pdf_with(dict, data->data, data->len);
  g_free(dict);
  return pdf;
}

/* What image codecs will allocate is read from their own headers: a
 * JPEG, JPEG 2000, JBIG2 or CCITT image (JPEG and CCITT inline images too)
 * declaring 10 x 10 pixels (or nothing wrong) in its dictionary, but far
 * more in its codec's header, is refused before any page is read, by the
 * same call every front end makes; a header that agrees passes, its size
 * counted. */
static void test_codec_headers_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize len = 0;
  const unsigned char *d;
  static const char small[] = "/Width 10/Height 10";

  /* JPEG: a progressive 60000 x 60000 frame (21 GB of coefficients in libjpeg) */
  GByteArray *b = jpeg_header(60000, 60000, 3);
  GBytes *pdf = codec_image(small, "/Filter/DCTDecode", b);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JPEG (DCTDecode) header declares 60000 x 60000 "
                      "pixels in 3 components, over the limit of 100 million pixels of up to 4 components "
                      "(DOCTAG_MAX_IMAGE_MPX)");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("JPEG (DCTDecode) header declares 60000 x 60000");
  g_bytes_unref(pdf);
  /* deflated first: the frame is read through the cheap filter */
  uLongf jzlen = compressBound(b->len);
  GByteArray *jz = g_byte_array_sized_new((guint)jzlen);
  g_byte_array_set_size(jz, (guint)jzlen);
  assert_int_equal(compress2(jz->data, &jzlen, b->data, b->len, 9), Z_OK);
  g_byte_array_set_size(jz, (guint)jzlen);
  pdf = codec_image(small, "/Filter[/FlateDecode/DCTDecode]", jz);
  assert_decoded_over(&lim, pdf, "JPEG (DCTDecode) header declares 60000 x 60000");
  g_bytes_unref(pdf);
  g_byte_array_unref(jz);
  g_byte_array_unref(b);
  /* under the limit, larger than the dictionary says */
  b = jpeg_header(9000, 9000, 1);
  pdf = codec_image(small, "/Filter/DCTDecode", b);
  assert_decoded_over(&lim, pdf, "the PDF has a 10 x 10 image whose JPEG (DCTDecode) header declares 9000 x 9000 "
                      "pixels in 1 component: decoding it would take more memory than its /Width and /Height "
                      "declare");
  g_bytes_unref(pdf);
  /* agreeing */
  pdf = codec_image("/Width 9000/Height 9000", "/Filter/DCTDecode", b);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.codec_headers, 1);
  assert_int_equal(scan.largest_codec, 81000000);
  g_bytes_unref(pdf);
  g_byte_array_unref(b);

  /* JPEG 2000: bare and boxed codestreams */
  for (int boxed = 0; boxed < 2; boxed++) {
    b = jpx_header(60000, 60000, 3, boxed);
    pdf = codec_image(small, "/Filter/JPXDecode", b);
    assert_decoded_over(&lim, pdf, "JPEG 2000 (JPXDecode) header declares 60000 x 60000 pixels in 3 components");
    g_bytes_unref(pdf);
    g_byte_array_unref(b);
    /* the image's size, but 16384 components: 6.5 GB in openjpeg */
    b = jpx_header(10, 10, 16384, boxed);
    pdf = codec_image(small, "/Filter/JPXDecode", b);
    assert_decoded_over(&lim, pdf, "header declares 10 x 10 pixels in 16384 components: decoding it would take more "
                        "memory");
    g_bytes_unref(pdf);
    g_byte_array_unref(b);
    b = jpx_header(10, 10, 3, boxed);
    pdf = codec_image(small, "/Filter/JPXDecode", b);
    d = g_bytes_get_data(pdf, &len);
    assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
    assert_int_equal(scan.codec_headers, 1);
    assert_int_equal(scan.largest_codec, 100);
    g_bytes_unref(pdf);
    g_byte_array_unref(b);
  }

  /* JBIG2: a page, a region, a striped page grown by a region, and a
   * referred-to count no data holds; the globals are read too */
  GByteArray *page = jbig2_page(60000, 60000), *region = jbig2_region(9000, 9000, 0, 0);
  GByteArray *striped = jbig2_page(10, 0xffffffff), *low = jbig2_region(10, 10, 0, 4000000000u);
  GByteArray *fits = jbig2_page(10, 10);
  struct {
    GByteArray *first, *second;
    unsigned second_type;
    uint32_t refs;
    const char *needle;
  } jb[] = {
    { page, NULL, 0, 0, "JBIG2 (JBIG2Decode) page header declares 60000 x 60000 pixels in 1 component, over the limit" },
    { fits, region, 38, 0, "10 x 10 image whose JBIG2 (JBIG2Decode) region header declares 9000 x 9000" },
    { striped, low, 38, 0, "JBIG2 (JBIG2Decode) page header declares 10 x 4000000010 pixels" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS(jb); k++) {
    b = g_byte_array_new();
    jbig2_segment(b, 0, 48, 0, jb[k].first);
    if (jb[k].second)
      jbig2_segment(b, 1, jb[k].second_type, jb[k].refs, jb[k].second);
    pdf = codec_image(small, "/Filter/JBIG2Decode", b);
    assert_decoded_over(&lim, pdf, jb[k].needle);
    g_bytes_unref(pdf);
    g_byte_array_unref(b);
  }
  /* one that fits, then the same page with a bomb in its globals: GRAYMAX
   * 2^32 - 1 patterns of 255 x 255 */
  b = g_byte_array_new();
  jbig2_segment(b, 0, 48, 0, fits);
  pdf = codec_image(small, "/Filter/JBIG2Decode", b);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.codec_headers, 1);
  assert_int_equal(scan.largest_codec, 100);
  g_bytes_unref(pdf);
  GByteArray *dict = g_byte_array_new(), *globals = g_byte_array_new();
  put_be(dict, 0, 1);
  put_be(dict, 255, 1);
  put_be(dict, 255, 1);
  put_be(dict, 0xffffffff, 4);
  jbig2_segment(globals, 0, 16, 0, dict);
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</X 4 0 R>>>>>>");
  obj_stream(objs, "/Type/XObject/Subtype/Image/Width 10/Height 10/ColorSpace/DeviceGray/BitsPerComponent 1"
             "/Filter/JBIG2Decode/DecodeParms<</JBIG2Globals 5 0 R>>", (const char *)b->data, b->len, false);
  obj_stream(objs, "", (const char *)globals->data, globals->len, true);
  pdf = pdf_objects(objs);
  g_ptr_array_unref(objs);
  assert_decoded_over(&lim, pdf, "JBIG2 (JBIG2Decode) patterns header declares 1095216660480 x 255 pixels");
  g_bytes_unref(pdf);
  g_byte_array_unref(globals);
  g_byte_array_unref(dict);
  g_byte_array_unref(b);
  g_byte_array_unref(page);
  g_byte_array_unref(region);
  g_byte_array_unref(striped);
  g_byte_array_unref(low);
  g_byte_array_unref(fits);
  /* a segment saying it refers to 10^8 others, which poppler makes room
   * for (400 MB) once their retention bits (12.5 MB of zeros, deflated to
   * 12 kB) are read, but whose numbers are not there */
  const uint32_t refs = 100000000;
  size_t flags_len = 4 + 1 + 4 + (refs + 9) / 8;
  unsigned char *seg = g_malloc0(flags_len);
  seg[3] = 1;
  seg[4] = 51;
  seg[5] = 0xe0 | (unsigned char)(refs >> 24);
  seg[6] = (unsigned char)(refs >> 16);
  seg[7] = (unsigned char)(refs >> 8);
  seg[8] = (unsigned char)refs;
  uLongf zlen = compressBound(flags_len);
  GByteArray *zb = g_byte_array_sized_new((guint)zlen);
  g_byte_array_set_size(zb, (guint)zlen);
  assert_int_equal(compress2(zb->data, &zlen, seg, flags_len, 9), Z_OK);
  g_byte_array_set_size(zb, (guint)zlen);
  pdf = codec_image(small, "/Filter[/FlateDecode/JBIG2Decode]", zb);
  assert_true(g_bytes_get_size(pdf) < 65536);
  assert_decoded_over(&lim, pdf, "JBIG2 (JBIG2Decode) data has a segment referring to more segments than its data "
                      "holds");
  g_bytes_unref(pdf);
  g_byte_array_unref(zb);
  g_free(seg);

  /* CCITT: /Columns and /Rows, whichever filter of the chain they are for */
  static const unsigned char eol[] = { 0, 1 };
  GByteArray *fax = g_byte_array_new();
  g_byte_array_append(fax, eol, sizeof eol);
  pdf = codec_image(small, "/Filter/CCITTFaxDecode/DecodeParms<</Columns 60000/Rows 60000>>", fax);
  assert_decoded_over(&lim, pdf, "CCITT (CCITTFaxDecode) header declares 60000 x 60000 pixels in 1 component, over");
  g_bytes_unref(pdf);
  pdf = codec_image("/Width 10/Height 1", "/Filter[/ASCIIHexDecode/CCITTFaxDecode]/DecodeParms[null<</Columns "
                    "90000000>>]", fax);
  assert_decoded_over(&lim, pdf, "10 x 1 image whose CCITT (CCITTFaxDecode) header declares 90000000 x 1 pixels");
  g_bytes_unref(pdf);
  pdf = codec_image(small, "/Filter/CCITTFaxDecode/DecodeParms<</Columns 10/K -1>>", fax);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.largest_codec, 100);
  g_bytes_unref(pdf);
  g_byte_array_unref(fax);

  /* inline images: a JPEG's frame header, also when it starts in one
   * 64 kB chunk of the content and ends in the next, and CCITT's /Columns */
  b = jpeg_header(60000, 60000, 3);
  for (size_t pad = 0; pad <= 65536 - 53; pad += 65536 - 53) {   /* then its data starts 10 bytes before the end */
    GByteArray *content = g_byte_array_new();
    for (size_t i = 0; i < pad; i++)
      g_byte_array_append(content, (const guint8 *)(i % 64 == 63 ? "\n" : " "), 1);
    static const char bi[] = "q BI /W 10 /H 10 /BPC 8 /CS /G /F /DCT ID ";
    g_byte_array_append(content, (const guint8 *)bi, sizeof bi - 1);
    g_byte_array_append(content, b->data, b->len);
    g_byte_array_append(content, (const guint8 *)" EI Q", 5);
    pdf = pdf_build("/Contents 4 0 R", "", content->data, content->len, NULL);
    assert_decoded_over(&lim, pdf, "JPEG (DCTDecode) header declares 60000 x 60000 pixels in 3 components, over");
    g_bytes_unref(pdf);
    g_byte_array_unref(content);
  }
  g_byte_array_unref(b);
  static const char fax_inline[] = "q BI /W 10 /H 1 /BPC 1 /CS /G /F /CCF /DP <</K -1 /Columns 90000000>> ID \x00\x01 "
                                   "EI Q";
  pdf = pdf_build("/Contents 4 0 R", "", (const unsigned char *)fax_inline, sizeof fax_inline - 1, NULL);
  assert_decoded_over(&lim, pdf, "10 x 1 image whose CCITT (CCITTFaxDecode) header declares 90000000 x 1 pixels");
  g_bytes_unref(pdf);

  /* a codec decoding another's output cannot be bounded without decoding */
  b = jpeg_header(10, 10, 1);
  pdf = codec_image(small, "/Filter[/DCTDecode/JPXDecode]", b);
  assert_decoded_over(&lim, pdf, "is decoded again by another image codec");
  g_bytes_unref(pdf);
  g_byte_array_unref(b);
  doctag_ctx_free(ctx);
}

/* A page whose content is `before`, an inline image with dictionary
 * entries `dict` and data[0, len), then " EI Q". */
static GBytes *inline_image(const char *before, const char *dict, const guint8 *data, size_t len)
{
  GByteArray *content = g_byte_array_new();
  g_byte_array_append(content, (const guint8 *)before, (guint)strlen(before));
  char *bi = g_strdup_printf("q BI %s ID ", dict);
  g_byte_array_append(content, (const guint8 *)bi, (guint)strlen(bi));
  g_byte_array_append(content, data, (guint)len);
  g_byte_array_append(content, (const guint8 *)" EI Q\n", 6);
  GBytes *pdf = pdf_build("/Contents 4 0 R", "", content->data, content->len, NULL);
  g_byte_array_unref(content);
  g_free(bi);
  return pdf;
}

/* b's bytes in ASCIIHex, with its end marker. */
static GByteArray *hex_of(const GByteArray *b)
{
  GByteArray *h = g_byte_array_new();
  for (guint i = 0; i < b->len; i++) {
    char two[3];
    g_snprintf(two, sizeof two, "%02x", b->data[i]);
    g_byte_array_append(h, (const guint8 *)two, 2);
  }
  g_byte_array_append(h, (const guint8 *)">", 1);
  return h;
}

/* A JBIG2 symbol dictionary segment's data: arithmetic coding, template 0
 * (8 bytes of AT pixels), `exported` and `fresh` (new) symbols. */
static GByteArray *jbig2_symbols(uint64_t exported, uint64_t fresh)
{
  GByteArray *d = g_byte_array_new();
  put_be(d, 0, 2);
  put_be(d, 0x03fd01fd, 4);
  put_be(d, 0xfe02fefe, 4);
  put_be(d, exported, 4);
  put_be(d, fresh, 4);
  return d;
}

/* Bits, most significant first (JBIG2 Huffman coding). */
typedef struct huff_writer {
  GByteArray *b;
  int used;   /* bits of the last byte used */
} huff_writer;

static void put_huff_bits(huff_writer *w, uint64_t v, int n)
{
  for (int i = n - 1; i >= 0; i--) {
    if (w->used == 0 || w->used == 8) {
      guint8 z = 0;
      g_byte_array_append(w->b, &z, 1);
      w->used = 0;
    }
    w->b->data[w->b->len - 1] |= (guint8)(((v >> i) & 1) << (7 - w->used));
    w->used++;
  }
}

/* The MQ arithmetic encoder (T.88 E.2, the software conventions), to make
 * arithmetic-coded JBIG2 data: contexts are index << 1 | MPS, as poppler's. */
typedef struct mq_encoder {
  GByteArray *b;   /* b->data[0] is the byte before the data (dropped at the end) */
  uint32_t a, c;
  int ct;
} mq_encoder;

static const uint16_t mq_qe[47] = { 0x5601, 0x3401, 0x1801, 0x0AC1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801,
                                    0x3001, 0x2401, 0x1C01, 0x1601, 0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401,
                                    0x3001, 0x2801, 0x2401, 0x2201, 0x1C01, 0x1801, 0x1601, 0x1401, 0x1201, 0x1101,
                                    0x0AC1, 0x09C1, 0x08A1, 0x0521, 0x0441, 0x02A1, 0x0221, 0x0141, 0x0111, 0x0085,
                                    0x0049, 0x0025, 0x0015, 0x0009, 0x0005, 0x0001, 0x5601 };
static const uint8_t mq_nmps[47] = { 1,  2,  3,  4,  5,  38, 7,  8,  9,  10, 11, 12, 13, 29, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                     33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46 };
static const uint8_t mq_nlps[47] = { 1,  6,  9,  12, 29, 33, 6,  14, 14, 14, 17, 18, 20, 21, 14, 14,
                                     15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                     30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46 };

static void mq_init(mq_encoder *e)
{
  e->b = g_byte_array_new();
  guint8 z = 0;
  g_byte_array_append(e->b, &z, 1);
  e->a = 0x8000;
  e->c = 0;
  e->ct = 12;
}

static void mq_byte_out(mq_encoder *e)
{
  guint8 *last = &e->b->data[e->b->len - 1], nb;
  if (*last == 0xFF) {
    nb = (guint8)(e->c >> 20);
    e->c &= 0xFFFFF;
    e->ct = 7;
  } else if (e->c < 0x8000000) {
    nb = (guint8)(e->c >> 19);
    e->c &= 0x7FFFF;
    e->ct = 8;
  } else {
    (*last)++;
    if (*last == 0xFF) {
      e->c &= 0x7FFFFFF;
      nb = (guint8)(e->c >> 20);
      e->c &= 0xFFFFF;
      e->ct = 7;
    } else {
      nb = (guint8)(e->c >> 19);
      e->c &= 0x7FFFF;
      e->ct = 8;
    }
  }
  g_byte_array_append(e->b, &nb, 1);
}

static void mq_encode(mq_encoder *e, uint8_t *cx, int d)
{
  unsigned i = *cx >> 1, mps = *cx & 1;
  uint32_t q = mq_qe[i];
  e->a -= q;
  if ((unsigned)d == mps) {
    if (e->a & 0x8000) {
      e->c += q;
      return;
    }
    if (e->a < q)
      e->a = q;
    else
      e->c += q;
    *cx = (uint8_t)(mq_nmps[i] << 1 | mps);
  } else {
    if (e->a < q)
      e->c += q;
    else
      e->a = q;
    if (i == 0 || i == 6 || i == 14)   /* the SWITCH entries */
      mps = 1 - mps;
    *cx = (uint8_t)(mq_nlps[i] << 1 | mps);
  }
  do {
    e->a <<= 1;
    e->c <<= 1;
    if (--e->ct == 0)
      mq_byte_out(e);
  } while (!(e->a & 0x8000));
}

/* Flushes the encoder and appends its data, ended by the marker 0xFFAC, to out. */
static void mq_flush(mq_encoder *e, GByteArray *out)
{
  uint32_t t = e->c + e->a;
  e->c |= 0xFFFF;
  if (e->c >= t)
    e->c -= 0x8000;
  e->c <<= e->ct;
  mq_byte_out(e);
  e->c <<= e->ct;
  mq_byte_out(e);
  guint8 *last = &e->b->data[e->b->len - 1];
  if (*last != 0xFF)
    g_byte_array_append(e->b, (const guint8 *)"\xff", 1);
  g_byte_array_append(e->b, (const guint8 *)"\xac", 1);
  g_byte_array_append(out, e->b->data + 1, e->b->len - 1);
  g_byte_array_unref(e->b);
}

/* An integer (oob: OOB) by T.88 A.2's procedure in its 512 contexts. */
static void mq_int(mq_encoder *e, uint8_t *stats, int64_t v, bool oob)
{
  static const struct { uint64_t low; int prefix, bits; } ranges[] = {
    { 0, 0x0, 2 }, { 4, 0x2, 4 }, { 20, 0x6, 6 }, { 84, 0xe, 8 }, { 340, 0x1e, 12 }, { 4436, 0x1f, 32 },
  };
  uint64_t m = oob ? 0 : (uint64_t)(v < 0 ? -v : v);
  size_t r = 0;
  while (r + 1 < G_N_ELEMENTS(ranges) && m >= ranges[r + 1].low)
    r++;
  int n_prefix = r == 5 ? 5 : (int)r + 1;
  unsigned prev = 1;
  uint64_t bits[64];
  int n = 0;
  bits[n++] = oob || v < 0;
  for (int k = n_prefix - 1; k >= 0; k--)
    bits[n++] = (uint64_t)(ranges[r].prefix >> k) & 1;
  for (int k = ranges[r].bits - 1; k >= 0; k--)
    bits[n++] = ((m - ranges[r].low) >> k) & 1;
  for (int k = 0; k < n; k++) {
    mq_encode(e, &stats[prev], (int)bits[k]);
    prev = prev < 0x100 ? (prev << 1 | (unsigned)bits[k]) : (((prev << 1 | (unsigned)bits[k]) & 0x1FF) | 0x100);
  }
}

/* A symbol id of `len` bits (T.88 A.3) in its contexts. */
static void mq_iaid(mq_encoder *e, uint8_t *stats, unsigned len, unsigned id)
{
  unsigned prev = 1;
  for (int k = (int)len - 1; k >= 0; k--) {
    int bit = (int)((id >> k) & 1);
    mq_encode(e, &stats[prev], bit);
    prev = prev << 1 | (unsigned)bit;
  }
}

/* A JBIG2 stream: page information for w x h, then `type`'s segment
 * (number 1, referring to segment `ref` when not 0) with `data`. */
static GByteArray *jbig2_stream(uint64_t w, uint64_t h, unsigned type, uint32_t ref, const GByteArray *data)
{
  GByteArray *page = jbig2_page(w, h), *b = g_byte_array_new();
  jbig2_segment(b, 0, 48, 0, page);
  put_be(b, 1, 4);
  put_be(b, type, 1);
  put_be(b, ref ? 1u << 5 : 0, 1);
  if (ref)
    put_be(b, ref, 1);
  put_be(b, 1, 1);
  put_be(b, data->len, 4);
  g_byte_array_append(b, data->data, data->len);
  g_byte_array_unref(page);
  return b;
}

/* A symbol's size is in the symbol dictionary's coded data, not its
 * header: a few bytes declaring one 46000 x 46000 symbol (Huffman coded:
 * poppler allocates 264 MB and MMR-decodes 2.1 G pixels from one byte), or
 * (arithmetic coded, 8 bytes) one of 4163 x 2135 in a 10 x 10 image; and a
 * text region placing 2^32 - 1 symbols. Each is refused before poppler
 * decodes it; real dictionaries (../shared/realworld's JBIG2 test files)
 * are sized in test_real_documents_pass. */
static void test_jbig2_symbol_sizes_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize len = 0;

  /* Huffman: height class B.4, widths B.2, collective bitmap size B.1 */
  GByteArray *huff = g_byte_array_new();
  put_be(huff, 0x0001, 2);   /* SDHUFF, standard tables */
  put_be(huff, 1, 4);        /* exported */
  put_be(huff, 1, 4);        /* new */
  huff_writer bw = { huff, 8 };
  put_huff_bits(&bw, 0x1f, 5);    /* height delta: 76 + 32 bits */
  put_huff_bits(&bw, 46000 - 76, 32);
  put_huff_bits(&bw, 0x3e, 6);    /* width delta: 75 + 32 bits */
  put_huff_bits(&bw, 46000 - 75, 32);
  put_huff_bits(&bw, 0x3f, 6);    /* OOB: the height class ends */
  put_huff_bits(&bw, 0, 1);       /* collective bitmap: 1 byte of MMR */
  put_huff_bits(&bw, 1, 4);
  guint8 mmr = 0;
  g_byte_array_append(huff, &mmr, 1);
  GByteArray *jb = jbig2_stream(10000, 10000, 0, 0, huff);
  GBytes *pdf = codec_image("/Width 10000/Height 10000", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) symbol dictionary decodes symbols of "
                      "2116.0 million pixels (the last 46000 x 46000), over the limit of 100 million "
                      "(DOCTAG_MAX_IMAGE_MPX)");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("symbol dictionary decodes symbols of 2116.0 million pixels");
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(huff);
  /* the same with widths in table B.3: poppler's upper range line (prefix
   * 1111110) never matches, so poppler reads that code as no line (OOB),
   * the height class ends without a symbol and poppler fails the
   * dictionary; so does this pass (not refused, sized to where poppler
   * fails it) */
  huff = g_byte_array_new();
  put_be(huff, 0x0011, 2);   /* SDHUFF, SDHUFFDW = B.3 */
  put_be(huff, 1, 4);
  put_be(huff, 1, 4);
  bw = (huff_writer){ huff, 8 };
  put_huff_bits(&bw, 0x1f, 5);
  put_huff_bits(&bw, 46000 - 76, 32);
  put_huff_bits(&bw, 0x7e, 7);    /* width delta: 75 + 32 bits */
  put_huff_bits(&bw, 46000 - 75, 32);
  put_huff_bits(&bw, 0x3e, 6);    /* OOB in B.3 */
  put_huff_bits(&bw, 0, 1);
  put_huff_bits(&bw, 1, 4);
  g_byte_array_append(huff, &mmr, 1);
  jb = jbig2_stream(10000, 10000, 0, 0, huff);
  pdf = codec_image("/Width 10000/Height 10000", "/Filter/JBIG2Decode", jb);
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.jbig2_dicts, 1);
  assert_int_equal(scan.jbig2_dicts_known, 1);
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  /* nor does poppler decode a dictionary referring to that one (it has no
   * such segment): its 46000 x 46000 symbol is not refused */
  GByteArray *after = g_byte_array_new(), *fpage = jbig2_page(10000, 10000);
  put_be(after, 0x0001, 2);
  put_be(after, 1, 4);
  put_be(after, 1, 4);
  bw = (huff_writer){ after, 8 };
  put_huff_bits(&bw, 0x1f, 5);
  put_huff_bits(&bw, 46000 - 76, 32);
  put_huff_bits(&bw, 0x3e, 6);
  put_huff_bits(&bw, 46000 - 75, 32);
  put_huff_bits(&bw, 0x3f, 6);
  put_huff_bits(&bw, 0, 1);
  put_huff_bits(&bw, 1, 4);
  g_byte_array_append(after, &mmr, 1);
  jb = g_byte_array_new();
  jbig2_segment(jb, 0, 0, 0, huff);
  jbig2_segment(jb, 1, 48, 0, fpage);
  jbig2_segment(jb, 2, 0, 1, after);
  pdf = codec_image("/Width 10000/Height 10000", "/Filter/JBIG2Decode", jb);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.jbig2_dicts_known, 2);
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(after);
  g_byte_array_unref(fpage);
  g_byte_array_unref(huff);
  /* and with widths in a custom table (code table segment 0, T.88 B.2):
   * OOB, prefix lengths in 2 bits, ranges in 3; values 0-15 by one line
   * of prefix length 1 and range 4; lower range 3, upper range 2, OOB 3,
   * so that the codes are 0, 10 (16 + 32 bits), 110 and 111 */
  GByteArray *table = g_byte_array_new(), *tpage = jbig2_page(10000, 10000);
  put_be(table, 0x23, 1);
  put_be(table, 0, 4);
  put_be(table, 16, 4);
  huff_writer tw = { table, 8 };
  put_huff_bits(&tw, 1, 2);
  put_huff_bits(&tw, 4, 3);
  put_huff_bits(&tw, 3, 2);
  put_huff_bits(&tw, 2, 2);
  put_huff_bits(&tw, 3, 2);
  huff = g_byte_array_new();
  put_be(huff, 0x0031, 2);   /* SDHUFF, SDHUFFDW = custom */
  put_be(huff, 1, 4);
  put_be(huff, 1, 4);
  bw = (huff_writer){ huff, 8 };
  put_huff_bits(&bw, 0x1f, 5);
  put_huff_bits(&bw, 46000 - 76, 32);
  put_huff_bits(&bw, 2, 2);       /* width delta: 16 + 32 bits */
  put_huff_bits(&bw, 46000 - 16, 32);
  put_huff_bits(&bw, 7, 3);       /* OOB */
  put_huff_bits(&bw, 0, 1);
  put_huff_bits(&bw, 1, 4);
  g_byte_array_append(huff, &mmr, 1);
  jb = g_byte_array_new();
  jbig2_segment(jb, 0, 53, 0, table);
  jbig2_segment(jb, 1, 48, 0, tpage);
  jbig2_segment(jb, 2, 0, 1, huff);
  pdf = codec_image("/Width 10000/Height 10000", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) symbol dictionary decodes symbols of "
                      "2116.0 million pixels (the last 46000 x 46000), over the limit of 100 million "
                      "(DOCTAG_MAX_IMAGE_MPX)");
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(huff);
  g_byte_array_unref(table);
  g_byte_array_unref(tpage);

  /* arithmetic, template 0: 8 bytes of coded data whose first symbol is
   * 4163 x 2135 (found by decoding random bytes) */
  static const guint8 arith[] = { 0x00, 0x00, 0x03, 0xfd, 0xfd, 0xff, 0x02, 0xfe, 0xfe, 0xfe, 0, 0, 0, 1, 0, 0,
                                  0,    1,    0x08, 0x64, 0xed, 0x6c, 0x55, 0xd5, 0x31, 0xc0 };
  GByteArray *ar = g_byte_array_new();
  g_byte_array_append(ar, arith, sizeof arith);
  jb = jbig2_stream(10, 10, 0, 0, ar);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has a 10 x 10 image whose JBIG2 (JBIG2Decode) symbol dictionary decodes "
                      "symbols of more pixels (8.9 million, the last 4163 x 2135) than the image has");
  g_bytes_unref(pdf);
  /* the same image at its size passes, its dictionary sized to the end */
  pdf = codec_image("/Width 4163/Height 2135", "/Filter/JBIG2Decode", jb);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.jbig2_dicts, 1);
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);

  /* the same data in a dictionary that carries over the arithmetic
   * contexts another one retained (segment 0: no symbol, contexts
   * retained), whose symbols were left to poppler before */
  GByteArray *retains = g_byte_array_new(), *page = jbig2_page(10, 10);
  put_be(retains, 0x0200, 2);
  g_byte_array_append(retains, arith + 2, 8);
  put_be(retains, 0, 8);
  put_be(retains, 0, 2);
  ar->data[0] = 0x01;   /* bitmap context used */
  jb = g_byte_array_new();
  jbig2_segment(jb, 0, 0, 0, retains);
  jbig2_segment(jb, 1, 48, 0, page);
  jbig2_segment(jb, 2, 0, 1, ar);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has a 10 x 10 image whose JBIG2 (JBIG2Decode) symbol dictionary decodes "
                      "symbols of more pixels (8.9 million, the last 4163 x 2135) than the image has");
  g_bytes_unref(pdf);
  /* at its size it passes (sized to the end: the random bytes after its
   * first symbol do not end as a dictionary does) */
  pdf = codec_image("/Width 4163/Height 2135", "/Filter/JBIG2Decode", jb);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.jbig2_dicts, 2);
  assert_int_equal(scan.jbig2_dicts_known, 1);
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(page);
  g_byte_array_unref(retains);
  g_byte_array_unref(ar);

  /* a text region placing 2^32 - 1 symbols: region, flags, instances */
  GByteArray *text = jbig2_region(10, 10, 0, 0);
  g_byte_array_set_size(text, 17);
  put_be(text, 0, 2);
  put_be(text, 0xffffffffu, 4);
  jb = jbig2_stream(10, 10, 6, 0, text);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) text region places 4294967295 "
                      "symbols of up to 1 pixels: 4295 million bytes composed, over the limit of 1000 million "
                      "(DOCTAG_MAX_PAGE_IMAGE_MPX)");
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  /* 100 of them pass */
  text->len = 19;
  put_be(text, 100, 4);
  jb = jbig2_stream(10, 10, 6, 0, text);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(text);
  doctag_ctx_free(ctx);
}

/* A Huffman-coded symbol dictionary of `n` (16 or more) one-pixel symbols
 * in one height class (B.4 height 1, B.2 widths 1 then 0 ... 0, OOB), their
 * collective bitmap uncompressed, all exported. */
static GBytes *jbig2_tiny_symbols(uint32_t n)
{
  GByteArray *huff = g_byte_array_new();
  put_be(huff, 0x0001, 2);   /* SDHUFF, standard tables */
  put_be(huff, n, 4);        /* exported */
  put_be(huff, n, 4);        /* new */
  huff_writer bw = { huff, 8 };
  put_huff_bits(&bw, 0, 1);  /* height delta 1 */
  put_huff_bits(&bw, 2, 2);  /* width delta 1 */
  for (uint32_t i = 1; i < n; i++)
    put_huff_bits(&bw, 0, 1);  /* width delta 0 */
  put_huff_bits(&bw, 0x3f, 6); /* OOB: the height class ends */
  put_huff_bits(&bw, 0, 5);    /* collective bitmap: BMSIZE 0, uncompressed */
  guint8 *row = g_new0(guint8, (n + 7) / 8);
  g_byte_array_append(huff, row, (n + 7) / 8);
  g_free(row);
  bw.used = 8;
  put_huff_bits(&bw, 0, 5);    /* export flags (B.1): none not exported, then all */
  if (n < 272) {
    put_huff_bits(&bw, 2, 2);
    put_huff_bits(&bw, n - 16, 8);
  } else if (n < 65808) {
    put_huff_bits(&bw, 6, 3);
    put_huff_bits(&bw, n - 272, 16);
  } else {
    put_huff_bits(&bw, 7, 3);
    put_huff_bits(&bw, n - 65808, 32);
  }
  GByteArray *jb = jbig2_stream(1000, 1000, 0, 0, huff);
  GBytes *pdf = codec_image("/Width 1000/Height 1000", "/Filter/JBIG2Decode", jb);
  g_byte_array_unref(jb);
  g_byte_array_unref(huff);
  return pdf;
}

/* Each symbol costs poppler about 80 bytes besides its pixels (its
 * JBIG2Bitmap, its data's allocation, a pointer): a dictionary of 200,000
 * one-pixel symbols (25 kB of data) is refused by that memory within the
 * largest image allowed (100 million 1-bit pixels, 12.5 MB), where at 1
 * pixel a symbol it passed and a hundred million of them held poppler
 * 8 GB; 20,000 such symbols pass. */
static void test_jbig2_symbol_memory_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  GBytes *pdf = jbig2_tiny_symbols(200000);
  assert_decoded_over(&lim, pdf, "symbol dictionary decodes 15");
  assert_decoded_over(&lim, pdf, "with poppler's own memory for each symbol (about 80 bytes) over the 11.9 MB of the "
                      "largest image allowed (DOCTAG_MAX_IMAGE_MPX, 1 bit a pixel)");
  g_bytes_unref(pdf);
  pdf = jbig2_tiny_symbols(20000);
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  pdf_scan scan;
  if (check_both(&lim, d, len, &scan) != DOCTAG_OK)
    fail_msg("20,000 one-pixel symbols refused: %s", doctag_error_last()->message);
  assert_int_equal(scan.jbig2_dicts, 1);
  assert_int_equal(scan.jbig2_dicts_known, 1);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* An image of w x h whose JBIG2 data are segment 0, a Huffman-coded
 * dictionary of one 1 x 1 black symbol (uncompressed collective bitmap,
 * exported), the page (segment 1) and segment 2, `refagg`: a dictionary
 * referring to segment 0. */
static GBytes *jbig2_refined(const char *size, const GByteArray *refagg)
{
  GByteArray *one = g_byte_array_new(), *page = jbig2_page(10000, 10000), *jb = g_byte_array_new();
  put_be(one, 0x0001, 2);   /* SDHUFF, tables B.4, B.2, B.1 */
  put_be(one, 1, 4);
  put_be(one, 1, 4);
  huff_writer w = { one, 8 };
  put_huff_bits(&w, 0, 1);      /* height 1 */
  put_huff_bits(&w, 2, 2);      /* width 1 */
  put_huff_bits(&w, 0x3f, 6);   /* OOB */
  put_huff_bits(&w, 0, 5);      /* collective bitmap uncompressed */
  put_be(one, 0x80, 1);         /* its one byte */
  w.used = 8;
  put_huff_bits(&w, 0, 5);      /* exported runs: 0 not, 1 exported */
  put_huff_bits(&w, 1, 5);
  jbig2_segment(jb, 0, 0, 0, one);
  jbig2_segment(jb, 1, 48, 0, page);
  jbig2_segment(jb, 2, 0, 1, refagg);
  GBytes *pdf = codec_image(size, "/Filter/JBIG2Decode", jb);
  g_byte_array_unref(one);
  g_byte_array_unref(page);
  g_byte_array_unref(jb);
  return pdf;
}

/* A refinement/aggregate dictionary's sizes follow its refined and
 * composed bitmaps (each symbol's width is coded after the bits of the one
 * before): arithmetic-coded dictionaries whose first symbol refines the
 * input symbol, or composes two of it (one refined), and whose second is
 * 46000 x 46000; and a Huffman-coded one whose refinement's arithmetic
 * data lies between the Huffman codes. Each is refused before poppler
 * decodes it (left to poppler before), and with a small second symbol
 * passes, sized to its end. */
static void test_jbig2_refinement_aggregate_sized(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize len = 0;
  for (int kind = 0; kind < 2; kind++)
    for (int big = 1; big >= 0; big--) {
      GByteArray *d = g_byte_array_new();
      put_be(d, 0x1002, 2);   /* SDREFAGG, SDRTEMPLATE 1, SDTEMPLATE 0 */
      put_be(d, 0x03fd01fd, 4);
      put_be(d, 0xfe02fefe, 4);
      put_be(d, 1, 4);   /* exported */
      put_be(d, 2, 4);   /* new */
      uint8_t iadh[512] = { 0 }, iadw[512] = { 0 }, iaai[512] = { 0 }, iaid[8] = { 0 }, iardx[512] = { 0 },
              iardy[512] = { 0 }, iardw[512] = { 0 }, iardh[512] = { 0 }, iadt[512] = { 0 }, iafs[512] = { 0 },
              iads[512] = { 0 }, iari[512] = { 0 }, iaex[512] = { 0 }, gr[1024] = { 0 };
      mq_encoder e;
      mq_init(&e);
      mq_int(&e, iadh, 1, false);
      if (kind == 0) {   /* 1 x 1, refined from the input symbol */
        mq_int(&e, iadw, 1, false);
        mq_int(&e, iaai, 1, false);
        mq_iaid(&e, iaid, 2, 0);
        mq_int(&e, iardx, 0, false);
        mq_int(&e, iardy, 0, false);
        mq_encode(&e, &gr[8], 1);   /* its pixel: template 1, the reference's pixel set */
      } else {   /* 2 x 1: the input symbol, then the same refined at its right */
        mq_int(&e, iadw, 2, false);
        mq_int(&e, iaai, 2, false);
        mq_int(&e, iadt, 0, false);
        mq_int(&e, iadt, 0, false);
        mq_int(&e, iafs, 0, false);
        mq_iaid(&e, iaid, 2, 0);
        mq_int(&e, iari, 0, false);
        mq_int(&e, iads, 1, false);
        mq_iaid(&e, iaid, 2, 0);
        mq_int(&e, iari, 1, false);
        for (int k = 0; k < 2; k++)
          mq_int(&e, k ? iardh : iardw, 0, false);
        mq_int(&e, iardx, 0, false);
        mq_int(&e, iardy, 0, false);
        mq_encode(&e, &gr[8], 1);
        mq_int(&e, iads, 0, true);
      }
      if (big) {   /* a height class of 46000, a width of 46000 */
        mq_int(&e, iadw, 0, true);
        mq_int(&e, iadh, 45999, false);
        mq_int(&e, iadw, 46000, false);
      } else {   /* 1 x 1, refined from the first (whose pixels are set) */
        mq_int(&e, iadw, kind ? -1 : 0, false);
        mq_int(&e, iaai, 1, false);
        mq_iaid(&e, iaid, 2, 1);
        mq_int(&e, iardx, 0, false);
        mq_int(&e, iardy, 0, false);
        mq_encode(&e, &gr[kind ? 12 : 8], 1);
        mq_int(&e, iadw, 0, true);
      }
      mq_int(&e, iaex, 2, false);   /* the input symbol and the first not exported, the second exported */
      mq_int(&e, iaex, 1, false);
      mq_flush(&e, d);
      GBytes *pdf = jbig2_refined("/Width 10000/Height 10000", d);
      if (big) {
        assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) symbol dictionary decodes "
                            "symbols of 2116.0 million pixels (the last 46000 x 46000), over the limit of 100 "
                            "million (DOCTAG_MAX_IMAGE_MPX)");
      } else {
        const unsigned char *p = g_bytes_get_data(pdf, &len);
        assert_int_equal(check_both(&lim, p, len, &scan), DOCTAG_OK);
        assert_int_equal(scan.jbig2_dicts, 2);
        assert_int_equal(scan.jbig2_dicts_known, 2);
      }
      g_bytes_unref(pdf);
      g_byte_array_unref(d);
    }

  /* Huffman: heights B.4, widths B.2, instances B.1; the refinement's id
   * in 2 bits, offsets in B.15, its data's size in B.1, then the data:
   * three bytes, which poppler's decoder reads for its one pixel */
  GByteArray *d = g_byte_array_new();
  put_be(d, 0x1003, 2);   /* SDHUFF, SDREFAGG, SDRTEMPLATE 1 */
  put_be(d, 1, 4);
  put_be(d, 2, 4);
  huff_writer w = { d, 8 };
  put_huff_bits(&w, 0, 1);      /* height 1 */
  put_huff_bits(&w, 2, 2);      /* width 1 */
  put_huff_bits(&w, 1, 5);      /* one instance: a refinement */
  put_huff_bits(&w, 0, 2);      /* of symbol 0 */
  put_huff_bits(&w, 0, 2);      /* at (0, 0) */
  put_huff_bits(&w, 3, 5);      /* of 3 bytes */
  put_be(d, 0, 3);
  w.used = 8;
  put_huff_bits(&w, 0x3f, 6);   /* OOB */
  put_huff_bits(&w, 0x1f, 5);   /* height 46000: 76 + 32 bits */
  put_huff_bits(&w, 46000 - 1 - 76, 32);
  put_huff_bits(&w, 0x3e, 6);   /* width 46000: 75 + 32 bits */
  put_huff_bits(&w, 46000 - 75, 32);
  put_huff_bits(&w, 0, 16);
  GBytes *pdf = jbig2_refined("/Width 10000/Height 10000", d);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) symbol dictionary decodes "
                      "symbols of 2116.0 million pixels (the last 46000 x 46000), over the limit of 100 "
                      "million (DOCTAG_MAX_IMAGE_MPX)");
  g_bytes_unref(pdf);
  g_byte_array_unref(d);
  doctag_ctx_free(ctx);
}

/* Inline images' codecs under any filters, as poppler's content parser
 * builds them (a JPEG in ASCIIHex, JBIG2 and JPEG 2000 named in full, a
 * second image after a first that fits), and JBIG2 symbol dictionaries,
 * whose counts poppler allocates tables by (a 26-byte segment declaring
 * 2^32 - 1 symbols has poppler clear 32 GB), are refused before any page
 * is read; what fits passes, its headers counted. */
static void test_inline_codecs_and_symbols_bounded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  gsize len = 0;
  const unsigned char *d;
  static const char small[] = "/W 10 /H 10 /BPC 8 /CS /G ";

  GByteArray *bomb = jpeg_header(60000, 60000, 3), *fits = jpeg_header(10, 10, 1);
  GByteArray *hex = hex_of(bomb), *hex_fits = hex_of(fits);
  char *dict = g_strconcat(small, "/F [/AHx /DCT]", NULL);
  GBytes *pdf = inline_image("", dict, hex->data, hex->len);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JPEG (DCTDecode) header declares 60000 x 60000 pixels "
                      "in 3 components, over the limit of 100 million pixels");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("JPEG (DCTDecode) header declares 60000 x 60000");
  g_bytes_unref(pdf);
  pdf = inline_image("", dict, hex_fits->data, hex_fits->len);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.codec_headers, 1);
  assert_int_equal(scan.largest_codec, 100);
  g_bytes_unref(pdf);
  /* the second of two: its header is read where its data starts */
  char *first = g_strdup_printf("q BI %s ID %.*s EI Q\n", dict, (int)hex_fits->len, (const char *)hex_fits->data);
  pdf = inline_image(first, dict, hex->data, hex->len);
  assert_decoded_over(&lim, pdf, "JPEG (DCTDecode) header declares 60000 x 60000");
  d = g_bytes_get_data(pdf, &len);
  check_both(&lim, d, len, &scan);
  assert_int_equal(scan.codec_headers, 2);
  g_bytes_unref(pdf);
  g_free(first);
  g_free(dict);
  /* deflated, then the JPEG */
  uLongf zlen = compressBound(bomb->len);
  GByteArray *z = g_byte_array_sized_new((guint)zlen);
  g_byte_array_set_size(z, (guint)zlen);
  assert_int_equal(compress2(z->data, &zlen, bomb->data, bomb->len, 9), Z_OK);
  g_byte_array_set_size(z, (guint)zlen);
  dict = g_strconcat(small, "/F [/Fl /DCT]", NULL);
  pdf = inline_image("", dict, z->data, z->len);
  assert_decoded_over(&lim, pdf, "JPEG (DCTDecode) header declares 60000 x 60000");
  g_bytes_unref(pdf);
  g_free(dict);
  g_byte_array_unref(z);
  g_byte_array_unref(hex);
  g_byte_array_unref(hex_fits);
  g_byte_array_unref(bomb);
  g_byte_array_unref(fits);

  /* JPEG 2000 and JBIG2 named in full (poppler decodes them inline too) */
  GByteArray *jpx = jpx_header(60000, 60000, 3, true);
  dict = g_strconcat(small, "/F /JPXDecode", NULL);
  pdf = inline_image("", dict, jpx->data, jpx->len);
  assert_decoded_over(&lim, pdf, "JPEG 2000 (JPXDecode) header declares 60000 x 60000 pixels in 3 components");
  g_bytes_unref(pdf);
  g_byte_array_unref(jpx);
  jpx = jpx_header(10, 10, 3, false);
  pdf = inline_image("", dict, jpx->data, jpx->len);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.codec_headers, 1);
  /* openjpeg's 4 bytes a sample, for the memory estimate */
  assert_int_equal(scan.largest_jpx_bytes, 10 * 10 * 3 * 4);
  g_bytes_unref(pdf);
  g_byte_array_unref(jpx);
  g_free(dict);
  GByteArray *page = jbig2_page(60000, 60000), *jb = g_byte_array_new();
  jbig2_segment(jb, 0, 48, 0, page);
  dict = g_strconcat(small, "/F /JBIG2Decode", NULL);
  pdf = inline_image("", dict, jb->data, jb->len);
  assert_decoded_over(&lim, pdf, "JBIG2 (JBIG2Decode) page header declares 60000 x 60000 pixels");
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(page);

  /* symbol dictionaries: 2^32 - 1 symbols in a 26-byte segment, inline and
   * in an image's own stream; more symbols than its 10 x 10 image could
   * need; the same in the globals, which other images share, fits */
  GByteArray *syms = jbig2_symbols(0xffffffff, 0xffffffff);
  jb = g_byte_array_new();
  jbig2_segment(jb, 0, 0, 0, syms);
  pdf = inline_image("", dict, jb->data, jb->len);
  assert_decoded_over(&lim, pdf, "the PDF has an image whose JBIG2 (JBIG2Decode) symbol dictionary declares "
                      "4294967295 new and 4294967295 exported symbols, whose tables alone take 81920 MB: over the "
                      "381 MB of the largest image allowed (DOCTAG_MAX_IMAGE_MPX, 4 bytes a pixel)");
  g_bytes_unref(pdf);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "symbol dictionary declares 4294967295 new and 4294967295 exported symbols");
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("(DOCTAG_MAX_IMAGE_MPX, 4 bytes a pixel)");
  g_bytes_unref(pdf);
  g_byte_array_unref(jb);
  g_byte_array_unref(syms);
  g_free(dict);
  syms = jbig2_symbols(1000, 1000);
  jb = g_byte_array_new();
  jbig2_segment(jb, 0, 0, 0, syms);
  pdf = codec_image("/Width 10/Height 10", "/Filter/JBIG2Decode", jb);
  assert_decoded_over(&lim, pdf, "the PDF has a 10 x 10 image whose JBIG2 (JBIG2Decode) symbol dictionary declares "
                      "1000 new and 1000 exported symbols, whose tables alone take 0 MB: more memory than its /Width "
                      "and /Height declare");
  g_bytes_unref(pdf);
  pdf = codec_image("/Width 100/Height 100", "/Filter/JBIG2Decode", jb);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  g_bytes_unref(pdf);
  GByteArray *fits10 = jbig2_page(10, 10), *own = g_byte_array_new();
  jbig2_segment(own, 1, 48, 0, fits10);
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</X 4 0 R>>>>>>");
  obj_stream(objs, "/Type/XObject/Subtype/Image/Width 10/Height 10/ColorSpace/DeviceGray/BitsPerComponent 1"
             "/Filter/JBIG2Decode/DecodeParms<</JBIG2Globals 5 0 R>>", (const char *)own->data, own->len, false);
  obj_stream(objs, "", (const char *)jb->data, jb->len, true);
  pdf = pdf_objects(objs);
  g_ptr_array_unref(objs);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(check_both(&lim, d, len, &scan), DOCTAG_OK);
  assert_int_equal(scan.codec_headers, 1);
  g_bytes_unref(pdf);
  g_byte_array_unref(own);
  g_byte_array_unref(fits10);
  g_byte_array_unref(jb);
  g_byte_array_unref(syms);
  doctag_ctx_free(ctx);
}

/* openjpeg decodes a JPEG 2000 image at 4 bytes a sample of each of its
 * components: a 6000 x 6000 image in 4 components holds 576 MB there,
 * beside the 144 MB of the image itself, which the memory estimate counts
 * before the page is rendered, for the largest one the page draws. */
static void test_memory_cap_counts_jpeg2000(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  ctx->max_doc_memory = 500u << 20;
  GByteArray *jpx = jpx_header(6000, 6000, 4, false);
  static const char content[] = "q 612 0 0 792 0 0 cm /X Do Q";
  char *obj5 = g_strdup_printf("<</Length %zu>>\nstream\n%s\nendstream", sizeof content - 1, content);
  GBytes *pdf = pdf_build("/Contents 5 0 R", "/Type/XObject/Subtype/Image/Width 6000/Height 6000/ColorSpace/DeviceCMYK"
                          "/BitsPerComponent 8/Filter/JPXDecode", jpx->data, jpx->len, obj5);
  extract_doc doc;
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_ELIMIT);
  assert_message("the document needs more than 500 MB of memory, the limit (DOCTAG_MAX_DOC_MEMORY_MB)");
  assert_message("images of up to 36 million pixels, a JPEG 2000 one decoded at 4 bytes a sample of each component");
  extract_doc_clear(&doc);
  g_bytes_unref(pdf);
  /* the term is the page's own JPEG 2000 image: a page drawing a small
   * image, the same JPEG 2000 one in its resources but never drawn, is read */
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 6 0 R"
                "/Resources<</XObject<</X 4 0 R/I 5 0 R>>>>>>");
  obj_stream(objs, "/Type/XObject/Subtype/Image/Width 6000/Height 6000/ColorSpace/DeviceCMYK/BitsPerComponent 8"
             "/Filter/JPXDecode", (const char *)jpx->data, jpx->len, false);
  char *z = g_malloc0(100 * 100);
  obj_stream(objs, "/Type/XObject/Subtype/Image/Width 100/Height 100/ColorSpace/DeviceGray/BitsPerComponent 8", z,
             100 * 100, true);
  g_free(z);
  static const char small[] = "q 612 0 0 792 0 0 cm /I Do Q";
  obj_stream(objs, "", small, sizeof small - 1, false);
  pdf = pdf_objects(objs);
  g_ptr_array_unref(objs);
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_page_cost cost;
  assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.jpx_bytes, 0);
  assert_int_equal(extract_all(ctx, pdf, 1, &doc), DOCTAG_OK);
  extract_doc_clear(&doc);
  g_bytes_unref(pdf);
  /* drawn, it is counted: 6000 x 6000 x 4 components x 4 bytes */
  pdf = pdf_build("/Contents 5 0 R", "/Type/XObject/Subtype/Image/Width 6000/Height 6000/ColorSpace/DeviceCMYK"
                  "/BitsPerComponent 8/Filter/JPXDecode", jpx->data, jpx->len, obj5);
  d = g_bytes_get_data(pdf, &len);
  assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.jpx_bytes, 6000ull * 6000 * 4 * 4);
  g_bytes_unref(pdf);
  g_free(obj5);
  g_byte_array_unref(jpx);
  doctag_ctx_free(ctx);
}

/* A page drawing one 5000 x 5000 image (25 million pixels, 25 kB deflated)
 * `times` times, by a form that draws it `inner` times (1: directly), after
 * `text` in Helvetica when not NULL. */
static GBytes *image_drawn_after(unsigned int times, unsigned int inner, const char *text)
{
  size_t len = 0;
  char *z = g_malloc0(5000 * 5000);
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
                "/Resources<</XObject<</I 5 0 R/F 6 0 R>>/Font<</H<</Type/Font/Subtype/Type1/BaseFont/Helvetica"
                "/Encoding/WinAnsiEncoding>>>>>>>>");
  char *draws = repeat(inner > 1 ? "q 0.01 0 0 0.01 0 0 cm /F Do Q\n" : "q 6 0 0 8 0 0 cm /I Do Q\n", times, &len);
  char *content = text ? g_strdup_printf("BT /H 11 Tf 72 720 Td 14 TL (%s) Tj ET\n%s", text, draws) : g_strdup(draws);
  obj_stream(objs, "", content, strlen(content), true);
  obj_stream(objs, "/Type/XObject/Subtype/Image/Width 5000/Height 5000/ColorSpace/DeviceGray/BitsPerComponent 8", z,
             5000 * 5000, true);
  char *form = repeat("/I Do ", inner, &len);
  obj_stream(objs, "/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Resources<</XObject<</I 5 0 R>>>>", form, len, false);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_unref(objs);
  g_free(form);
  g_free(content);
  g_free(draws);
  g_free(z);
  return pdf;
}

static GBytes *image_drawn(unsigned int times, unsigned int inner)
{
  return image_drawn_after(times, inner, NULL);
}

/* doctag_process_buffer() with the local tagger and OCR `mode`; the
 * document's text in *text (when not NULL, newly allocated). */
static doctag_status process_ocr(doctag_ctx *ctx, GBytes *pdf, doctag_ocr_mode mode, char **text)
{
  gsize len = 0;
  const void *data = g_bytes_get_data(pdf, &len);
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.ocr = mode;
  doctag_result *r = NULL;
  doctag_status st = doctag_process_buffer(ctx, &r, data, len, &o);
  if (text)
    *text = st ? NULL : g_strdup(doctag_result_text(r));
  doctag_result_free(r);
  return st;
}

/* Rendering decodes an image each time it is drawn: a page drawing a 25
 * million pixel image 100 times (far under DOCTAG_MAX_PAGE_DRAWS) would
 * decode 2.5 billion pixels at OCR, directly or through a form drawn 10
 * times that draws it 10 times. Reading a page's text decodes no image
 * XObject, so the page is refused where it would be rendered: a page with
 * a text layer is read in auto mode and refused when OCR is forced, a page
 * without one refused in auto mode, each naming the page and the setting;
 * 30 times is 750 million, under the limit, counted exactly. Inline images
 * are decoded whenever the page is drawn (poppler reads their data through
 * to find where it ends), its text too, so they are refused before any
 * page is read. */
static void test_image_draws_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  assert_int_equal(lim.page_pixels, 1000000000);
  pdf_scan scan;
  static const char render_refusal[] = "page 1: page 1 of the PDF draws images of 2500 million pixels in all, each as "
                                       "often as it is drawn, which rendering it for OCR would decode: over the "
                                       "limit of 1000 million (DOCTAG_MAX_PAGE_IMAGE_MPX)";
  GBytes *pdf = image_drawn(100, 1);
  assert_true(g_bytes_get_size(pdf) < 65536);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(scan.most_page_pixels, 2500000000u);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message(render_refusal);
  g_bytes_unref(pdf);
  /* where it is rendered */
  pdf = image_drawn(10, 10);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 0, NULL), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images of 2500 million pixels in all");
  assert_int_equal(pdf_limits_render(&lim, d, len, NULL, 1, NULL), DOCTAG_OK);   /* no such page */
  g_bytes_unref(pdf);
  pdf = image_drawn(30, 1);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(scan.most_page_pixels, 750000000);
  assert_int_equal(scan.most_draws, 30);
  g_bytes_unref(pdf);

  /* a text layer: read as text in auto mode, refused when OCR is forced */
  pdf = image_drawn_after(100, 1, "The quarterly report describes the water supply) Tj T* (of the northern district "
                          "and the cost of repairs) Tj T* (to its pumping stations.");
  char *text = NULL;
  assert_int_equal(process_ocr(ctx, pdf, DOCTAG_OCR_AUTO, &text), DOCTAG_OK);
  if (!strstr(text, "pumping stations"))
    fail_msg("text layer not read: \"%s\"", text);
  g_free(text);
  assert_int_equal(process_ocr(ctx, pdf, DOCTAG_OCR_OFF, NULL), DOCTAG_OK);
  assert_int_equal(process_ocr(ctx, pdf, DOCTAG_OCR_FORCE, NULL), DOCTAG_ELIMIT);
  assert_message(render_refusal);
  g_bytes_unref(pdf);

  /* an inline image of a million pixels in a form drawn 2000 times */
  static const char *const inline_form[] = { "BI /W 1000 /Height 1000 /BPC 8 /CS /G /F /Fl ID \x78 EI", NULL };
  char *content = repeat("/X0 Do ", 2000, &len);
  pdf = pdf_forms(content, len, inline_form, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws inline images of 2000 million pixels in all, each as often as it is drawn, "
                 "which drawing it (to read its text too) would decode: over the limit of 1000 million "
                 "(DOCTAG_MAX_PAGE_IMAGE_MPX)");
  assert_int_equal(process_ocr(ctx, pdf, DOCTAG_OCR_OFF, NULL), DOCTAG_ELIMIT);
  g_bytes_unref(pdf);
  g_free(content);
  content = repeat("/X0 Do ", 20, &len);
  pdf = pdf_forms(content, len, inline_form, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_int_equal(scan.most_page_pixels, 20000000);
  g_bytes_unref(pdf);
  g_free(content);
  doctag_ctx_free(ctx);

  /* the limit is DOCTAG_MAX_PAGE_IMAGE_MPX's, ten times DOCTAG_MAX_IMAGE_MPX's unless set */
  char *dir = tu_tmpdir();
  setenv("DOCTAG_DATA_DIR", dir, 1);
  setenv("DOCTAG_MAX_IMAGE_MPX", "50", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  pdf_limits_of(ctx, &lim);
  assert_int_equal(lim.page_pixels, 500000000);
  doctag_ctx_free(ctx);
  setenv("DOCTAG_MAX_PAGE_IMAGE_MPX", "700", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  pdf_limits_of(ctx, &lim);
  assert_int_equal(lim.page_pixels, 700000000);
  pdf = image_drawn(30, 1);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images of 750 million pixels in all, each as often as it is drawn, which "
                 "rendering it for OCR would decode: over the limit of 700 million (DOCTAG_MAX_PAGE_IMAGE_MPX)");
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
  setenv("DOCTAG_MAX_PAGE_IMAGE_MPX", "lots", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_EINVAL);
  assert_message("DOCTAG_MAX_PAGE_IMAGE_MPX");
  unsetenv("DOCTAG_MAX_PAGE_IMAGE_MPX");
  unsetenv("DOCTAG_MAX_IMAGE_MPX");
  unsetenv("DOCTAG_DATA_DIR");
  g_free(dir);
}

/* How many times over rendering page 1 of pdf composites its area. */
static double coverage_of(const pdf_limits *lim, GBytes *pdf)
{
  gsize len = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &len);
  pdf_page_cost cost = { .pixels = 0 };
  assert_int_equal(pdf_scan_render(d, len, NULL, lim, 0, 1, &cost), 1);
  return cost.coverage;
}

/* What rendering a page composites is bounded too: a page-sized fill
 * drawn 5000 times (85 kB of content, 42 billion pixels at 300 DPI), a
 * 1 x 1 image stretched over more than the page 2000 times, or a form whose
 * BBox is a unit square stretched over the page 3000 times are each refused
 * where the page would be rendered (reading its text composites nothing),
 * naming the page, how many times over it paints itself and the setting;
 * each paint counts at most the page's area, so 20 fills are 20 times. */
static void test_page_coverage_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  assert_true(lim.page_coverage == 1000);
  pdf_scan scan;
  size_t len;
  const unsigned char *d;
  static const char *const no_forms[] = { NULL };
  char *content = repeat("0 0 612 792 re f\n", 5000, &len);
  GBytes *pdf = pdf_forms(content, len, no_forms, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_true(coverage_of(&lim, pdf) > 4999.9 && coverage_of(&lim, pdf) < 5000.1);
  /* read without OCR: nothing is rendered */
  gsize plen = 0;
  extract_request req = { .ocr = DOCTAG_OCR_OFF, .threads = 1, .keep_pages = true };
  req.data = g_bytes_get_data(pdf, &plen);
  req.len = plen;
  extract_doc doc;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.page_count, 1);
  extract_doc_clear(&doc);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1: page 1 of the PDF paints 5000 times its own area (images, fills, strokes, text and shadings, "
                 "each as often as it is drawn), which rendering it for OCR would composite: over the limit of 1000 "
                 "(DOCTAG_MAX_PAGE_COVERAGE)");
  g_bytes_unref(pdf);
  g_free(content);

  /* a tiny image stretched past the page: each draw is the page's area */
  static const char px[] = { 0 };
  content = repeat("q 700 0 0 900 -10 -10 cm /X Do Q\n", 2000, &len);
  char *obj5 = g_strdup_printf("<</Length %zu>>\nstream\n%s\nendstream", len, content);
  pdf = pdf_build("/Contents 5 0 R", "/Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray"
                  "/BitsPerComponent 8", (const unsigned char *)px, 1, obj5);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_true(coverage_of(&lim, pdf) > 1999.9 && coverage_of(&lim, pdf) < 2000.1);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 2000 times its own area");
  g_bytes_unref(pdf);
  g_free(obj5);
  g_free(content);

  /* a form of a unit square drawing that image, stretched over the page */
  static const char *const image_form[] = { "/X Do", NULL };
  content = repeat("q 612 0 0 792 0 0 cm /X0 Do Q\n", 3000, &len);
  pdf = pdf_forms(content, len, image_form, true);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_true(coverage_of(&lim, pdf) > 2999.9 && coverage_of(&lim, pdf) < 3000.1);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 3000 times its own area");
  g_bytes_unref(pdf);
  g_free(content);

  /* graphics states saved inside each other: 65536 are counted through (a
   * CTM shrunk in the deepest is restored); a million, which poppler would
   * keep to render the page, are refused there, naming the limit (before,
   * past 65536 the shrunk CTM stayed, and the page's 1500 fills passed) */
  char *saves = repeat("q ", 65535, &len);
  char *fills = repeat("0 0 612 792 re f\n", 1500, &len);
  content = g_strconcat(saves, "q 0.001 0 0 0.001 0 0 cm Q ", fills, NULL);
  pdf = pdf_forms(content, strlen(content), no_forms, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  assert_true(coverage_of(&lim, pdf) > 1499.9 && coverage_of(&lim, pdf) < 1500.1);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 1500 times its own area");
  g_bytes_unref(pdf);
  g_free(content);
  g_free(saves);
  saves = repeat("q ", 1000000, &len);
  content = g_strconcat(saves, "q 0.001 0 0 0.001 0 0 cm Q ", fills, NULL);
  pdf = pdf_forms(content, strlen(content), no_forms, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, NULL), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF saves graphics states (q) more than 65536 deep, its forms' included, the limit "
                 "(DOCTAG_MAX_SAVED_STATES): rendering it for OCR would keep each of them");
  g_bytes_unref(pdf);
  g_free(content);
  g_free(fills);
  g_free(saves);

  /* 20 fills, one of them far past the page, and 100 small ones */
  GString *some = g_string_new("-1000 -1000 100000 100000 re f\n");
  for (int i = 0; i < 19; i++)
    g_string_append(some, "0 0 612 792 re f\n");
  for (int i = 0; i < 100; i++)
    g_string_append(some, "q 1 0 0 1 100 100 cm 0 0 6.12 7.92 re f Q\n");
  pdf = pdf_forms(some->str, some->len, no_forms, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  double cov = coverage_of(&lim, pdf), want;
  if (cov < 20.0099 || cov > 20.0101)
    fail_msg("coverage %f, 20.01 expected", cov);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, NULL), DOCTAG_OK);
  pdf_limits tight = lim;
  tight.page_coverage = 10;
  assert_int_equal(pdf_limits_render(&tight, d, plen, NULL, 0, NULL), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 20 times its own area");
  g_bytes_unref(pdf);
  g_string_free(some, TRUE);

  /* strokes: a 2000-point wide line across the page, 2000 times, is the
   * page each time (its length times its width, at most its widened box,
   * clipped to the page), and its rows: 150 pixels a device pixel of its
   * length at 300 DPI, each segment at least 64 long (1001 + 15.4 points,
   * times 36 square points); 1000 half-point rules across it are 36 pages */
  const double row = 0.24 * 150, seg_min = 64 * 0.24, diag = hypot(612, 792);
  content = repeat("2000 w 0 0 m 612 792 l S\n", 2000, &len);
  pdf = pdf_forms(content, len, no_forms, false);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  want = 2000 * (1 + (diag + seg_min) * row / (612 * 792));
  cov = coverage_of(&lim, pdf);
  if (cov < want - 0.01 || cov > want + 0.01)
    fail_msg("coverage %f, %f expected", cov, want);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 2151 times its own area (images, fills, strokes, text and shadings");
  g_bytes_unref(pdf);
  g_free(content);
  content = repeat("q 0.5 w 72 72 m 540 72 l S Q\n", 1000, &len);
  pdf = pdf_forms(content, len, no_forms, false);
  cov = coverage_of(&lim, pdf);
  want = 1000 * (468.5 * 0.5 + (468 + seg_min) * row) / (612 * 792);
  if (cov < want - 0.01 || cov > want + 0.01)
    fail_msg("coverage %f, %f expected", cov, want);
  g_bytes_unref(pdf);
  g_free(content);

  /* hairlines (width 0: a device pixel) cost by their length: 20,000
   * across the page (4.8 kB; pdftocairo took 7.5 s) were 9.9 times the
   * page, now 1520; a million separate 1.4-point ones (a mesh: 27 kB, 7 s)
   * 0.8, now 1247, by the minimum a segment costs; both refused */
  static const char *const hairlines[] = { "0 0 m 612 792 l S\n", "0 0 m 1 1 l S\n" };
  static const size_t hairline_count[] = { 20000, 1000000 };
  for (size_t k = 0; k < G_N_ELEMENTS(hairlines); k++) {
    char *strokes = repeat(hairlines[k], hairline_count[k], &len);
    content = g_strconcat("0 w\n", strokes, NULL);
    pdf = pdf_forms(content, strlen(content), no_forms, false);
    double one = k ? hypot(1, 1) : diag;
    want = (double)hairline_count[k] * ((one + 0.24) * 0.24 + (one + seg_min) * row) / (612 * 792);
    cov = coverage_of(&lim, pdf);
    if (cov < want - 0.1 || cov > want + 0.1)
      fail_msg("%s: coverage %f, %f expected", hairlines[k], cov, want);
    d = g_bytes_get_data(pdf, &plen);
    assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, NULL), DOCTAG_ELIMIT);
    assert_message("page 1 of the PDF paints");
    assert_message("(DOCTAG_MAX_PAGE_COVERAGE)");
    g_bytes_unref(pdf);
    g_free(content);
    g_free(strokes);
  }

  /* text: 2000 glyphs of 1000 points are the page each; 2700 of 10 points
   * (a page of text) are 0.56 of it, under a text matrix doubling them
   * 2.23; invisible (3 Tr: a scan's text layer) nothing */
  char *glyphs = repeat("A", 2000, &len);
  content = g_strdup_printf("BT /H 1000 Tf 0 0 Td (%s) Tj ET\n", glyphs);
  pdf = pdf_forms(content, strlen(content), no_forms, false);
  assert_true(coverage_of(&lim, pdf) > 1999.9 && coverage_of(&lim, pdf) < 2000.1);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 2000 times its own area (images, fills, strokes, text and shadings");
  g_bytes_unref(pdf);
  g_free(content);
  g_free(glyphs);
  glyphs = repeat("(A man, a plan) ' [(a canal:) -250 (Panama)] TJ\n", 100, &len);   /* 27 glyphs */
  static const char *const text_setups[] = { "BT /H 10 Tf", "BT /H 10 Tf 2 0 0 2 0 0 Tm", "BT 3 Tr /H 10 Tf" };
  static const double text_cover[] = { 0.557, 2.228, 0 };
  for (size_t k = 0; k < G_N_ELEMENTS(text_setups); k++) {
    content = g_strdup_printf("%s %s ET", text_setups[k], glyphs);
    pdf = pdf_forms(content, strlen(content), no_forms, false);
    cov = coverage_of(&lim, pdf);
    if (cov < text_cover[k] - 0.001 || cov > text_cover[k] + 0.001)
      fail_msg("%s: coverage %f, %.3f expected", text_setups[k], cov, text_cover[k]);
    g_bytes_unref(pdf);
    g_free(content);
  }
  g_free(glyphs);
  doctag_ctx_free(ctx);

  /* the setting */
  char *dir = tu_tmpdir();
  setenv("DOCTAG_DATA_DIR", dir, 1);
  setenv("DOCTAG_MAX_PAGE_COVERAGE", "50", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  pdf_limits_of(ctx, &lim);
  assert_true(lim.page_coverage == 50);
  doctag_ctx_free(ctx);
  setenv("DOCTAG_MAX_PAGE_COVERAGE", "-1", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_EINVAL);
  assert_message("DOCTAG_MAX_PAGE_COVERAGE");
  unsetenv("DOCTAG_MAX_PAGE_COVERAGE");
  unsetenv("DOCTAG_DATA_DIR");
  g_free(dir);
}

/* One page (object 3) painting `content` (object 4) with patterns /P1 =
 * object 5 (a tiling pattern: `dict` entries, its cell's content `cell`,
 * its resources naming /P1 itself, /P2 = object 6 and /X = object 7) and
 * /P2 = object 6 (`dict2`, `cell2`, resources of its own: none); objects
 * `extra` from 7 on (NULL ends). */
static GBytes *pdf_patterns(const char *content, const char *dict, const char *cell, const char *dict2,
                            const char *cell2, const char *const *extra)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
                "/Resources<</Pattern<</P1 5 0 R/P2 6 0 R>>/XObject<</M 7 0 R>>>>>>");
  obj_stream(objs, "", content, strlen(content), true);
  char *d = g_strdup_printf("/PatternType 1/PaintType 1/TilingType 1%s/Resources<</Pattern<</P1 5 0 R/P2 6 0 R>>"
                            "/XObject<</X 7 0 R>>>>", dict);
  obj_stream(objs, d, cell, strlen(cell), false);
  g_free(d);
  d = g_strdup_printf("/PatternType 1/PaintType 1/TilingType 1%s/Resources<<>>", dict2);
  obj_stream(objs, d, cell2, strlen(cell2), false);
  g_free(d);
  for (size_t k = 0; extra && extra[k]; k++)
    obj_add(objs, extra[k]);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  return pdf;
}

/* A tiling pattern's cell is drawn for every step of it that a paint
 * covers (poppler's Cairo device repeats one cell only for some patterns:
 * a 1-point cell whose BBox is larger than its step, ten small fills in
 * it, filling the page, took pdftocairo 165 s at 300 DPI), each cell
 * counted as a form drawn: such a page is refused where it would be
 * rendered, with the limit on draws (484,705 cells), and reading its text
 * (which paints no pattern) still works. Cells composite their own area
 * clipped to their BBox, each time (300 fills of a 20-point BBox in
 * 10-point steps is 1,200 times the page), forms in them are drawn once
 * a cell, patterns in them once an outer cell, a pattern in itself once;
 * strokes and image masks (inline ones too) paint patterns; a colour set after the
 * pattern, or restored by Q, paints none. */
static void test_pattern_cells_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  pdf_scan scan;
  static const char fine[] = "/BBox[0 0 2 2]/XStep 1/YStep 1";
  static const char page_fill[] = "/Pattern cs /P1 scn 0 0 612 792 re f";
  size_t len;
  char *ten = repeat("0 0 0.5 0.5 re f\n", 10, &len);
  GBytes *pdf = pdf_patterns(page_fill, fine, ten, "", "", NULL);
  assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
  gsize plen = 0;
  const unsigned char *d = g_bytes_get_data(pdf, &plen);
  pdf_page_cost cost;
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images, forms and tiling pattern cells 484705 times, nested ones "
                 "included, over the limit of 100000 (DOCTAG_MAX_PAGE_DRAWS)");
  assert_int_equal(cost.draws, 484705);
  extract_request req = { .ocr = DOCTAG_OCR_OFF, .threads = 1, .keep_pages = true };
  req.data = d;
  req.len = plen;
  extract_doc doc;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_OK);
  extract_doc_clear(&doc);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1: page 1 of the PDF draws images, forms and tiling pattern cells 484705 times");
  g_bytes_unref(pdf);
  g_free(ten);

  /* the colour set again, or restored, paints no pattern; a shading's fill
   * is its area */
  static const char *const undone[] = { "/Pattern cs /P1 scn 0 g 0 0 612 792 re f",
                                        "q /Pattern cs /P1 scn Q 0 0 612 792 re f",
                                        "/Pattern cs /P1 scn /Pattern CS /P1 SCN 0 G 0 0 612 792 re S" };
  for (size_t k = 0; k < G_N_ELEMENTS(undone); k++) {
    pdf = pdf_patterns(undone[k], fine, "0 0 0.5 0.5 re f", "", "", NULL);
    double cov = coverage_of(&lim, pdf);
    if (cov > 1.01)
      fail_msg("%s: coverage %f", undone[k], cov);
    g_bytes_unref(pdf);
  }

  /* each cell composites its paints clipped to its BBox: 300 of 400 square
   * points in 4848 cells of 100 */
  char *fills = repeat("0 0 30 30 re f\n", 300, &len);
  pdf = pdf_patterns(page_fill, "/BBox[0 0 20 20]/XStep 10/YStep 10", fills, "", "", NULL);
  double cov = coverage_of(&lim, pdf), want = 1 + 300 * 400 * (1 + 612 * 792 / 100.0) / (612 * 792);
  if (cov < want - 0.01 || cov > want + 0.01)
    fail_msg("coverage %f, %f expected", cov, want);
  assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF paints 1201 times its own area");
  g_bytes_unref(pdf);
  /* the pattern's /Matrix scales its cells: twice as large, a quarter as many */
  pdf = pdf_patterns(page_fill, "/BBox[0 0 20 20]/XStep 10/YStep 10/Matrix[2 0 0 2 0 0]", fills, "", "", NULL);
  cov = coverage_of(&lim, pdf);
  want = 1 + 300 * 1600 * (1 + 612 * 792 / 400.0) / (612 * 792);
  if (cov < want - 0.01 || cov > want + 0.01)
    fail_msg("coverage %f, %f expected", cov, want);
  g_bytes_unref(pdf);
  g_free(fills);

  /* a form in each cell, drawn once a cell (30 fills of its BBox) */
  static const char *const form[] = { "<</Type/XObject/Subtype/Form/BBox[0 0 10 10]/Length 450>>\nstream\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n0 0 10 10 re f\n"
                                      "0 0 10 10 re f\n0 0 10 10 re f\n\nendstream", NULL };
  pdf = pdf_patterns(page_fill, "/BBox[0 0 10 10]/XStep 10/YStep 10", "/X Do", "", "", form);
  const unsigned char *fd = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, fd, plen, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.draws, 2 * 4849);
  want = 1 + 30 * 100 * (1 + 612 * 792 / 100.0) / (612 * 792);
  if (cost.coverage < want - 0.01 || cost.coverage > want + 0.01)
    fail_msg("coverage %f, %f expected", cost.coverage, want);
  g_bytes_unref(pdf);

  /* a pattern in each cell: 101 fine cells in each of 4849, over the limit */
  pdf = pdf_patterns(page_fill, "/BBox[0 0 10 10]/XStep 10/YStep 10", "/Pattern cs /P2 scn 0 0 10 10 re f", fine,
                     "0 0 0.5 0.5 re f", NULL);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images, forms and tiling pattern cells");
  g_bytes_unref(pdf);
  /* a pattern in itself is drawn once: 4849 cells */
  pdf = pdf_patterns(page_fill, "/BBox[0 0 10 10]/XStep 10/YStep 10", "/Pattern cs /P1 scn 0 0 10 10 re f", "", "",
                     NULL);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.draws, 4849);
  g_bytes_unref(pdf);

  /* a wide stroke and an image mask stretched over the page paint it too */
  static const char *const mask[] = { "<</Type/XObject/Subtype/Image/Width 1/Height 1/ImageMask true/Length 1>>\n"
                                      "stream\n\x80\nendstream", NULL };
  static const char *const image[] = { "<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray"
                                       "/BitsPerComponent 8/Length 1>>\nstream\n\x80\nendstream", NULL };
  static const char *const painted[] = { "/Pattern CS /P1 SCN 100 w 0 0 m 612 792 l S",
                                         "/Pattern cs /P1 scn q 612 0 0 792 0 0 cm /M Do Q",
                                         "/Pattern cs /P1 scn q 612 0 0 792 0 0 cm BI /W 1 /H 1 /IM true ID \x80 EI Q",
                                         ("/Pattern cs /P1 scn q 612 0 0 792 0 0 cm BI /Width 1 /Height 1 /ImageMask "
                                          "true ID \x80 EI Q") };
  for (size_t k = 0; k < G_N_ELEMENTS(painted); k++) {
    pdf = pdf_patterns(painted[k], fine, "0 0 0.5 0.5 re f", "", "", k == 1 ? mask : NULL);
    d = g_bytes_get_data(pdf, &plen);
    if (pdf_limits_render(&lim, d, plen, NULL, 0, &cost) != DOCTAG_ELIMIT)
      fail_msg("%s: not refused (%" G_GUINT64_FORMAT " draws)", painted[k], cost.draws);
    assert_message("page 1 of the PDF draws images, forms and tiling pattern cells");
    assert_message("(DOCTAG_MAX_PAGE_DRAWS)");
    g_bytes_unref(pdf);
  }
  pdf = pdf_patterns(painted[1], fine, "0 0 0.5 0.5 re f", "", "", image);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.draws, 1);
  g_bytes_unref(pdf);
  /* more pattern names than the scan tells apart (4096): those past it are
   * charged to every pattern of the resources, so a fine one among 5000
   * names is not lost (nor a page-sized fill through the last of them) */
  GString *names = g_string_new("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Pattern<<");
  GString *uses = g_string_new("/Pattern cs\n");
  for (int i = 0; i < 5000; i++) {
    g_string_append_printf(names, "/P%d %d 0 R", i, i == 4999 ? 6 : 5);
    g_string_append_printf(uses, "/P%d scn 0 0 1 1 re f\n", i);
  }
  g_string_append(names, ">>>>>>");
  g_string_append(uses, "/P4999 scn 0 0 612 792 re f\n");
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, names->str);
  obj_stream(objs, "", uses->str, uses->len, true);
  static const char coarse_cell[] = "0 0 1 1 re f";
  obj_stream(objs, "/PatternType 1/PaintType 1/TilingType 1/BBox[0 0 1000 1000]/XStep 1000/YStep 1000",
             coarse_cell, strlen(coarse_cell), false);
  static const char fine_cell[] = "0 0 0.5 0.5 re f";
  obj_stream(objs, "/PatternType 1/PaintType 1/TilingType 1/BBox[0 0 2 2]/XStep 1/YStep 1", fine_cell,
             strlen(fine_cell), false);
  pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  g_string_free(names, TRUE);
  g_string_free(uses, TRUE);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_ELIMIT);
  assert_message("page 1 of the PDF draws images, forms and tiling pattern cells");
  assert_message("(DOCTAG_MAX_PAGE_DRAWS)");
  g_bytes_unref(pdf);

  /* an inline image that is no mask paints its own samples */
  pdf = pdf_patterns("/Pattern cs /P1 scn q 612 0 0 792 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 /IM false ID \x80 EI Q",
                     fine, "0 0 0.5 0.5 re f", "", "", NULL);
  d = g_bytes_get_data(pdf, &plen);
  assert_int_equal(pdf_limits_render(&lim, d, plen, NULL, 0, &cost), DOCTAG_OK);
  assert_int_equal(cost.draws, 0);
  g_bytes_unref(pdf);
  doctag_ctx_free(ctx);
}

/* One page whose annotation (flags `flags`, then `entries`) shows over
 * /Rect[0 0 612 792] the appearances /AP<<`ap`>>: object 4, of BBox [0 0 1 1],
 * fills its BBox `fills` times, object 5 once, object 6 is <</On 4 0 R>>. */
static GBytes *annotated_as(int flags, size_t fills, const char *ap, const char *entries)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  char *page = g_strdup_printf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<<>>/Annots[<</Type/Annot"
                               "/Subtype/Stamp/F %d%s/Rect[0 0 612 792]/AP<<%s>>>>]>>", flags, entries, ap);
  obj_add(objs, page);
  g_free(page);
  size_t len;
  char *content = repeat("0 0 1 1 re f\n", fills, &len);
  obj_stream(objs, "/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Matrix[1 0 0 1 0 0]", content, len, true);
  g_free(content);
  static const char once[] = "0 0 1 1 re f\n";
  obj_stream(objs, "/Type/XObject/Subtype/Form/BBox[0 0 1 1]/Matrix[1 0 0 1 0 0]", once, strlen(once), false);
  obj_add(objs, "<</On 4 0 R>>");
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  return pdf;
}

static GBytes *annotated(int flags, size_t fills)
{
  return annotated_as(flags, fills, "/N 4 0 R", "");
}

/* Annotations' appearances are drawn with the page where it is rendered:
 * what they paint counts, mapped from their BBox onto their /Rect (a unit
 * square filled 2000 times over the page is 2000 times the page, refused;
 * it was not counted), and one flagged Hidden or NoView, which poppler does
 * not draw, paints nothing. */
static void test_annotations_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  static const int flags[] = { 4, 2, 32 };
  for (size_t k = 0; k < G_N_ELEMENTS(flags); k++) {
    GBytes *pdf = annotated(flags[k], 2000);
    pdf_scan scan;
    assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);   /* poppler set up too */
    gsize plen = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &plen);
    pdf_page_cost cost;
    doctag_status st = pdf_limits_render(&lim, d, plen, NULL, 0, &cost);
    if (k == 0) {
      assert_int_equal(st, DOCTAG_ELIMIT);
      assert_message("page 1 of the PDF paints 2000 times its own area");
      assert_message("(DOCTAG_MAX_PAGE_COVERAGE)");
      assert_int_equal(cost.draws, 1);
      assert_int_equal(process(ctx, pdf), DOCTAG_ELIMIT);
      assert_message("page 1: page 1 of the PDF paints 2000 times its own area");
    } else {
      assert_int_equal(st, DOCTAG_OK);
      assert_true(cost.coverage == 0);
    }
    g_bytes_unref(pdf);
  }
  doctag_ctx_free(ctx);
}

/* An annotation whose normal appearance has several states is drawn in
 * the one poppler draws: /AS's, else its only state, else /Off; one whose
 * /N refers to a dictionary of states draws nothing. Its costliest state
 * was counted before, which refused a check box drawn in its cheap one. */
static void test_annotation_states_chosen(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  static const struct {
    const char *ap, *entries;
    double coverage;   /* of the page */
  } cases[] = {
    { "/N<</On 4 0 R/Off 5 0 R>>", "/AS/Off", 1 },
    { "/N<</On 4 0 R/Off 5 0 R>>", "/AS/On", 2000 },
    { "/N<</On 4 0 R/Off 5 0 R>>", "", 1 },
    { "/N<</On 4 0 R>>", "", 2000 },
    { "/N<</On 4 0 R/Yes 5 0 R>>", "", 0 },
    { "/N<</On 4 0 R/Off 5 0 R>>", "/AS/Maybe", 0 },
    { "/N 6 0 R", "/AS/On", 0 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    GBytes *pdf = annotated_as(4, 2000, cases[k].ap, cases[k].entries);
    pdf_scan scan;
    assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
    gsize plen = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &plen);
    pdf_page_cost cost;
    doctag_status st = pdf_limits_render(&lim, d, plen, NULL, 0, &cost);
    if (fabs(cost.coverage - cases[k].coverage) > 0.01)
      fail_msg("%s %s: coverage %g, not %g", cases[k].ap, cases[k].entries, cost.coverage, cases[k].coverage);
    assert_int_equal(st, cases[k].coverage > lim.page_coverage ? DOCTAG_ELIMIT : DOCTAG_OK);
    g_bytes_unref(pdf);
  }
  doctag_ctx_free(ctx);
}

/* A page showing `text` (a string's bytes as written, with its
 * delimiters: "(bb)", "<6262>") in the Type 3 font /T3 at 12 points: its
 * glyph /a fills a small square, /b draws a 1000 x 1000 image (the font's
 * own resource) over its em square, /c shows glyph /c of itself; codes 97
 * to 99 are named a, b, c. */
static GBytes *type3_page(const char *text)
{
  GPtrArray *objs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  obj_add(objs, "<</Type/Catalog/Pages 2 0 R>>");
  obj_add(objs, "<</Type/Pages/Kids[3 0 R]/Count 1>>");
  obj_add(objs, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</T3 4 0 R>>>>/Contents 5 0 R>>");
  obj_add(objs, "<</Type/Font/Subtype/Type3/FontBBox[0 0 1000 1000]/FontMatrix[0.001 0 0 0.001 0 0]"
                "/CharProcs<</a 6 0 R/b 7 0 R/c 8 0 R>>/Encoding<</Type/Encoding/Differences[97/a/b/c]>>"
                "/FirstChar 97/LastChar 99/Widths[1000 1000 1000]/Resources<</Font<</T3 4 0 R>>"
                "/XObject<</I 9 0 R>>>>>>");
  char *content = g_strdup_printf("BT /T3 12 Tf 72 700 Td %s Tj ET", text);
  obj_stream(objs, "", content, strlen(content), true);
  g_free(content);
  static const char *const procs[] = { "1000 0 d0 0 0 100 100 re f", "1000 0 d0 q 1000 0 0 1000 0 0 cm /I Do Q",
                                       "1000 0 d0 BT /T3 1 Tf (c) Tj ET" };
  for (size_t k = 0; k < G_N_ELEMENTS(procs); k++)
    obj_stream(objs, "", procs[k], strlen(procs[k]), false);
  size_t zlen = 0;
  unsigned char *z = zeros_deflated(1000 * 1000, 1, &zlen);
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "<</Type/XObject/Subtype/Image/Width 1000/Height 1000/ColorSpace/DeviceGray"
                         "/BitsPerComponent 8/Filter/FlateDecode/Length %zu>>\nstream\n", zlen);
  g_string_append_len(o, (const char *)z, (gssize)zlen);
  g_string_append(o, "\nendstream");
  g_ptr_array_add(objs, g_string_free_to_bytes(o));
  g_free(z);
  GBytes *pdf = pdf_objects(objs);
  g_ptr_array_free(objs, TRUE);
  return pdf;
}

/* A Type 3 glyph is a content stream poppler draws each time the glyph is
 * rendered: 1100 uses of a glyph drawing a million-pixel image decode 1.1
 * billion pixels, over DOCTAG_MAX_PAGE_IMAGE_MPX, refused where the page is
 * rendered (before, glyphs were not followed: only the memory estimate
 * fell back to the document's largest image). Each code is costed by its
 * glyph (escapes and hex strings decoded): 1100 of the small square pass,
 * a code without a name counts as the costliest glyph, and a glyph showing
 * itself is drawn once, as poppler does. */
static void test_type3_glyphs_bounded_at_render(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  size_t len;
  static const struct {
    const char *unit;
    bool over;
  } cases[] = {
    { "b", true }, { "a", false }, { "\\142", true }, { "\\141", false }, { "d", true }, { "c", false },
  };
  for (size_t k = 0; k < G_N_ELEMENTS(cases) + 2; k++) {
    char *text;
    bool over;
    if (k < G_N_ELEMENTS(cases)) {
      char *units = repeat(cases[k].unit, 1100, &len);
      text = g_strdup_printf("(%s)", units);
      g_free(units);
      over = cases[k].over;
    } else {   /* hex: 62 is b, 61 a */
      char *units = repeat(k == G_N_ELEMENTS(cases) ? "62 " : "61", 1100, &len);
      text = g_strdup_printf("<%s>", units);
      g_free(units);
      over = k == G_N_ELEMENTS(cases);
    }
    GBytes *pdf = type3_page(text);
    pdf_scan scan;
    assert_int_equal(draws_check(&lim, pdf, &scan), DOCTAG_OK);
    gsize plen = 0;
    const unsigned char *d = g_bytes_get_data(pdf, &plen);
    pdf_page_cost cost;
    doctag_status st = pdf_limits_render(&lim, d, plen, NULL, 0, &cost);
    if (st != (over ? DOCTAG_ELIMIT : DOCTAG_OK))
      fail_msg("%.20s: %s", text, st ? doctag_error_last()->message : "not refused");
    assert_false(cost.unfollowed_images);
    if (over) {
      assert_message("page 1 of the PDF draws images of 1100 million pixels in all");
      assert_message("(DOCTAG_MAX_PAGE_IMAGE_MPX)");
      assert_int_equal(cost.largest_image, 1000000);
    } else {
      assert_int_equal(cost.largest_image, 0);
    }
    if (k == 0)
      assert_int_equal(process_ocr(ctx, pdf, DOCTAG_OCR_FORCE, NULL), DOCTAG_ELIMIT);
    g_bytes_unref(pdf);
    g_free(text);
  }
  doctag_ctx_free(ctx);
}

static void test_real_documents_pass(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  pdf_limits lim;
  pdf_limits_of(ctx, &lim);
  const char *dirs[] = { tu_corpus_dir(), NULL };
  char *realworld = g_build_filename(g_getenv("DOCTAG_SOURCE_DIR") ? g_getenv("DOCTAG_SOURCE_DIR") : ".", "..",
                                     "shared", "realworld", NULL);
  if (g_file_test(realworld, G_FILE_TEST_IS_DIR))
    dirs[1] = realworld;
  unsigned int files = 0;
  uint64_t draws = 0, depth = 0, codecs = 0, codec_streams = 0, pixels = 0, dicts = 0, dicts_known = 0;
  double coverage = 0;
  uint64_t render_pixels = 0, render_draws = 0, pages = 0, unfollowed = 0, saves = 0, names = 0;
  char *most_covered = NULL, *most_drawn = NULL;
  for (size_t k = 0; k < G_N_ELEMENTS(dirs); k++) {
    if (!dirs[k])
      continue;
    GPtrArray *todo = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(todo, g_strdup(dirs[k]));
    while (todo->len) {
      char *d = g_ptr_array_steal_index(todo, todo->len - 1);
      GDir *dir = g_dir_open(d, 0, NULL);
      const char *name;
      while (dir && (name = g_dir_read_name(dir))) {
        char *path = g_build_filename(d, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
          g_ptr_array_add(todo, path);
          continue;
        }
        if (g_str_has_suffix(name, ".pdf")) {
          size_t len = 0;
          char *data = tu_read(path, &len);
          pdf_scan scan;
          /* both passes; documents poppler cannot open are the opener's */
          if (data && check_both(&lim, (const unsigned char *)data, len, &scan) == DOCTAG_ELIMIT)
            fail_msg("%s refused: %s", path, doctag_error_last()->message);
          files++;
          if (data) {
            draws = MAX(draws, scan.most_draws);
            depth = MAX(depth, scan.deepest_forms);
            codecs += scan.codec_headers;
            codec_streams += scan.codec_streams;
            pixels = MAX(pixels, scan.most_page_pixels);
            dicts += scan.jbig2_dicts;
            dicts_known += scan.jbig2_dicts_known;
            if (scan.jbig2_dicts_known < scan.jbig2_dicts)
              print_message("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " JBIG2 symbol dictionaries sized\n",
                            name, scan.jbig2_dicts_known, scan.jbig2_dicts);
            /* what rendering each page would cost */
            pdf_page_cost costs[256];
            unsigned int got;
            for (unsigned int first = 0;
                 (got = pdf_scan_render((const unsigned char *)data, len, NULL, &lim, first, 256, costs)) > 0;
                 first += got) {
              for (unsigned int c = 0; c < got; c++) {
                render_pixels = MAX(render_pixels, costs[c].pixels);
                pages++;
                unfollowed += costs[c].unfollowed_images;
                saves = MAX(saves, costs[c].saves);
                names = MAX(names, costs[c].names);
                if (costs[c].over != PDF_OVER_NONE)
                  fail_msg("%s: page %u over a limit where it is rendered", name, first + c + 1);
                if (costs[c].draws > render_draws) {
                  render_draws = costs[c].draws;
                  g_free(most_drawn);
                  most_drawn = g_strdup(name);
                }
                if (costs[c].coverage > coverage) {
                  coverage = costs[c].coverage;
                  g_free(most_covered);
                  most_covered = g_strdup(name);
                }
              }
              if (got < 256)
                break;
            }
          }
          g_free(data);
        }
        g_free(path);
      }
      if (dir)
        g_dir_close(dir);
      g_free(d);
    }
    g_ptr_array_free(todo, TRUE);
  }
  print_message("%u PDFs within the default limits; a page draws at most %" G_GUINT64_FORMAT " images and forms, "
                "nests forms %" G_GUINT64_FORMAT " deep, decodes %.1f million image pixels to render; %" G_GUINT64_FORMAT
                " image codec headers read; composites at most %.1f times a page's area (%s)\n", files, draws, depth,
                (double)pixels / 1e6, codecs, coverage, most_covered ? most_covered : "-");
  print_message("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " JBIG2 symbol dictionaries sized to their end (or to where poppler fails them)\n",
                dicts_known, dicts);
  print_message("rendering a page draws at most %" G_GUINT64_FORMAT " images, forms and tiling pattern cells (%s); "
                "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " pages may draw images it does not follow\n",
                render_draws, most_drawn ? most_drawn : "-", unfollowed, pages);
  print_message("rendering a page keeps at most %" G_GUINT64_FORMAT " graphics states saved; a content stream draws "
                "and sets at most %" G_GUINT64_FORMAT " names\n", saves, names);
  g_free(most_covered);
  g_free(most_drawn);
  assert_true(files > 0);
  /* the symbol decoder follows real dictionaries to their end (the others
   * use codings it leaves to poppler) */
  assert_true(dicts_known * 3 >= dicts * 2);
  /* and no page of them would be refused where it is rendered */
  assert_true(render_pixels <= lim.page_pixels);
  assert_int_equal(render_pixels, pixels);
  assert_true(coverage <= lim.page_coverage);
  assert_true(render_draws <= lim.page_draws);
  assert_true(saves <= lim.saved_states);
  assert_true(names <= lim.drawn_names);
  /* the codec header readers read real files' headers, every one */
  assert_true(codecs > 0);
  assert_int_equal(codecs, codec_streams);
  g_free(realworld);
  doctag_ctx_free(ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    /* first: the child's memory is measured from this process's */
    cmocka_unit_test(test_memory_cap_bounds_parallel_pages),
    cmocka_unit_test(test_saved_states_bounded_in_text),
    cmocka_unit_test(test_memory_cap_refuses),
    cmocka_unit_test(test_memory_cap_follows_the_page),
    cmocka_unit_test(test_memory_cap_counts_hidden_images),
    cmocka_unit_test(test_memory_cap_counts_ocr_engines),
    cmocka_unit_test(test_memory_cap_counts_automatic_engines),
    cmocka_unit_test(test_memory_cap_counts_jpeg2000),
    cmocka_unit_test(test_inflation_bomb_refused),
    cmocka_unit_test(test_content_streams_kept),
    cmocka_unit_test(test_huge_image_refused),
    cmocka_unit_test(test_other_filters_bounded),
    cmocka_unit_test(test_encrypted_bomb_bounded),
    cmocka_unit_test(test_inline_and_indirect_images_bounded),
    cmocka_unit_test(test_form_draws_bounded),
    cmocka_unit_test(test_streams_the_byte_scan_misses_bounded),
    cmocka_unit_test(test_codec_headers_bounded),
    cmocka_unit_test(test_inline_codecs_and_symbols_bounded),
    cmocka_unit_test(test_image_draws_bounded_at_render),
    cmocka_unit_test(test_page_coverage_bounded_at_render),
    cmocka_unit_test(test_pattern_cells_bounded_at_render),
    cmocka_unit_test(test_annotations_bounded_at_render),
    cmocka_unit_test(test_annotation_states_chosen),
    cmocka_unit_test(test_type3_glyphs_bounded_at_render),
    cmocka_unit_test(test_saved_states_bounded_at_render),
    cmocka_unit_test(test_drawn_names_bounded),
    cmocka_unit_test(test_jbig2_symbol_sizes_bounded),
    cmocka_unit_test(test_jbig2_refinement_aggregate_sized),
    cmocka_unit_test(test_jbig2_symbol_memory_bounded),
    cmocka_unit_test(test_real_documents_pass),
  };
  /* LIMITS_TEST: a glob of the tests to run (all by default) */
  if (g_getenv("LIMITS_TEST"))
    cmocka_set_test_filter(g_getenv("LIMITS_TEST"));
  return cmocka_run_group_tests(tests, NULL, NULL);
}
