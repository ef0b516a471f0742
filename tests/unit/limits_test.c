/* PDF bombs (issue 15): bounded before poppler opens the document. */
#include "testutil.h"
#include "core/ctx.h"
#include "extract/limits.h"

#include <string.h>
#include <zlib.h>

/* A one-page PDF whose page draws XObject 4, a stream with `dict` entries
 * and `data` as its bytes. */
static GBytes *pdf_with(const char *dict, const unsigned char *data, size_t len)
{
  GString *pdf = g_string_new("%PDF-1.5\n");
  size_t off[4];
  off[0] = pdf->len;
  g_string_append(pdf, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
  off[1] = pdf->len;
  g_string_append(pdf, "2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n");
  off[2] = pdf->len;
  g_string_append(pdf, "3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]"
                       "/Resources<</XObject<</X 4 0 R>>>>>>\nendobj\n");
  off[3] = pdf->len;
  g_string_append_printf(pdf, "4 0 obj\n<<%s/Length %zu>>\nstream\n", dict, len);
  g_string_append_len(pdf, (const char *)data, (gssize)len);
  g_string_append(pdf, "\nendstream\nendobj\n");
  size_t xref = pdf->len;
  g_string_append(pdf, "xref\n0 5\n0000000000 65535 f \n");
  for (int i = 0; i < 4; i++)
    g_string_append_printf(pdf, "%010zu 00000 n \n", off[i]);
  g_string_append_printf(pdf, "trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", xref);
  return g_string_free_to_bytes(pdf);
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
  doctag_ctx_free(ctx);
}

/* No document of the corpus (nor of the 290 real-world PDFs when present)
 * is refused by the default limits. */
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
          if (data && pdf_limits_check((const unsigned char *)data, len, &lim, &scan) != DOCTAG_OK)
            fail_msg("%s refused: %s", path, doctag_error_last()->message);
          files++;
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
  print_message("%u PDFs within the default limits\n", files);
  assert_true(files > 0);
  g_free(realworld);
  doctag_ctx_free(ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_inflation_bomb_refused),
    cmocka_unit_test(test_huge_image_refused),
    cmocka_unit_test(test_real_documents_pass),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
