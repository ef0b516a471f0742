/* The core: errors, configuration, options, result and its JSON. */
#include "testutil.h"
#include "core/ctx.h"
#include "doctag/jobs.h"
#include "core/error.h"
#include "core/json.h"
#include "core/sha256.h"
#include "process/process.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *set_error_in_thread(void *arg)
{
  (void)arg;
  err_set(DOCTAG_EPDF, "thread error");
  return NULL;
}

static void test_error_thread_local(void **state)
{
  (void)state;
  err_set(DOCTAG_EIO, "main %d", 42);
  pthread_t t;
  pthread_create(&t, NULL, set_error_in_thread, NULL);
  pthread_join(t, NULL);
  assert_int_equal(doctag_error_last()->code, DOCTAG_EIO);
  assert_string_equal(doctag_error_last()->message, "main 42");
  err_wrap(DOCTAG_EIO, "file.pdf");
  assert_string_equal(doctag_error_last()->message, "file.pdf: main 42");
  /* The current message may be an argument of the next. */
  err_set(DOCTAG_EFETCH, "again: %s", doctag_error_last()->message);
  assert_string_equal(doctag_error_last()->message, "again: file.pdf: main 42");
  err_clear();
  assert_int_equal(doctag_error_last()->code, DOCTAG_OK);
  assert_string_equal(doctag_error_last()->message, "");
}

static void test_error_long_message_stays_utf8(void **state)
{
  (void)state;
  GString *s = g_string_new(NULL);
  for (int i = 0; i < 600; i++)
    g_string_append(s, "क");  /* 3 bytes each: the cut falls inside a character */
  err_set(DOCTAG_EINVAL, "%s", s->str);
  assert_true(g_utf8_validate(doctag_error_last()->message, -1, NULL));
  assert_true(strlen(doctag_error_last()->message) < 1024);
  g_string_free(s, TRUE);
}

static void test_status_names(void **state)
{
  (void)state;
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (int c = DOCTAG_OK; c >= DOCTAG_ERATE; c--) {
    const char *n = doctag_status_name((doctag_status)c);
    assert_non_null(n);
    assert_string_not_equal(n, "EUNKNOWN");
    assert_false(g_hash_table_contains(seen, n));
    g_hash_table_add(seen, (gpointer)n);
  }
  assert_string_equal(doctag_status_name((doctag_status)-999), "EUNKNOWN");
  g_hash_table_destroy(seen);
}

static void test_config_from_environment(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  char *sub = g_build_filename(dir, "nested", "data", NULL);
  setenv("DOCTAG_DATA_DIR", sub, 1);
  setenv("DOCTAG_MAX_PAGES", "7", 1);
  setenv("DOCTAG_LLM_BASE_URL", "http://127.0.0.1:9/v1/", 1);
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  assert_string_equal(doctag_ctx_data_dir(ctx), sub);
  assert_true(g_file_test(sub, G_FILE_TEST_IS_DIR));
  assert_int_equal(ctx->max_pages, 7);
  assert_string_equal(ctx->llm_base_url, "http://127.0.0.1:9/v1");  /* trailing slash dropped */
  assert_true(g_str_has_prefix(ctx->database_url, "sqlite://"));
  assert_int_equal(ctx->max_file_bytes, 50ull * 1024 * 1024);
  doctag_ctx_free(ctx);

  /* Explicit fields win over the environment; ignore_environment ignores it. */
  doctag_config cfg;
  assert_int_equal(doctag_config_init(&cfg, DOCTAG_CONFIG_VERSION), DOCTAG_OK);
  cfg.data_dir = dir;
  cfg.max_pages = 3;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  assert_string_equal(doctag_ctx_data_dir(ctx), dir);
  assert_int_equal(ctx->max_pages, 3);
  doctag_ctx_free(ctx);
  cfg.max_pages = 0;
  cfg.ignore_environment = true;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  assert_int_equal(ctx->max_pages, 2000);
  assert_string_equal(ctx->llm_base_url, "https://openrouter.ai/api/v1");
  doctag_ctx_free(ctx);

  /* A bad value is refused with a message naming the variable. */
  setenv("DOCTAG_MAX_PAGES", "lots", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_EINVAL);
  assert_null(ctx);
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_MAX_PAGES"));
  unsetenv("DOCTAG_MAX_PAGES");
  setenv("DOCTAG_DATABASE_URL", "mysql://x", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_DATABASE_URL"));
  unsetenv("DOCTAG_DATABASE_URL");
  /* The lease of a document's place: 3 to 3600 s, 30 unset. */
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  assert_int_equal(ctx->doc_slot_lease_ms, DOCTAG_DOC_SLOT_LEASE_SEC * 1000);
  doctag_ctx_free(ctx);
  setenv("DOCTAG_DOC_SLOT_LEASE_SEC", "3", 1);
  assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_OK);
  assert_int_equal(ctx->doc_slot_lease_ms, 3000);
  doctag_ctx_free(ctx);
  const char *bad_leases[] = { "2", "0", "3601", "ten" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad_leases); i++) {
    setenv("DOCTAG_DOC_SLOT_LEASE_SEC", bad_leases[i], 1);
    assert_int_equal(doctag_ctx_new(&ctx, NULL), DOCTAG_EINVAL);
    assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_DOC_SLOT_LEASE_SEC"));
    assert_non_null(strstr(doctag_error_last()->message, "from 3 to 3600"));
  }
  unsetenv("DOCTAG_DOC_SLOT_LEASE_SEC");
  unsetenv("DOCTAG_DATA_DIR");
  unsetenv("DOCTAG_LLM_BASE_URL");

  assert_int_equal(doctag_config_init(&cfg, 99), DOCTAG_EINVAL);
  assert_int_equal(doctag_ctx_new(NULL, NULL), DOCTAG_EINVAL);
  g_free(sub);
  g_free(dir);
}

static int attached_log[4];
static int attached_n;
static void *make_a(doctag_ctx *c) { (void)c; return g_strdup("a"); }
static void *make_b(doctag_ctx *c) { (void)c; return g_strdup("b"); }
static void *make_fail(doctag_ctx *c) { (void)c; err_set(DOCTAG_EUNAVAILABLE, "down"); return NULL; }
static void destroy(void *o) { attached_log[attached_n++] = ((char *)o)[0]; g_free(o); }

static void test_ctx_attach(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  void *a = ctx_attach(ctx, "a", make_a, destroy);
  assert_ptr_equal(ctx_attach(ctx, "a", make_a, destroy), a);
  assert_non_null(ctx_attach(ctx, "b", make_b, destroy));
  assert_null(ctx_attach(ctx, "c", make_fail, destroy));
  assert_int_equal(doctag_error_last()->code, DOCTAG_EUNAVAILABLE);
  assert_null(ctx_attach(ctx, "c", NULL, NULL));
  doctag_ctx_free(ctx);
  assert_int_equal(attached_n, 2);
  assert_int_equal(attached_log[0], 'b');  /* reverse order of creation */
  assert_int_equal(attached_log[1], 'a');
}

static void test_options_are_checked(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  doctag_result *r = (doctag_result *)1;
  doctag_process_options o;
  assert_int_equal(doctag_process_options_init(&o, DOCTAG_PROCESS_OPTIONS_VERSION), DOCTAG_OK);
  o.num_tags = 16;
  assert_int_equal(doctag_process_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  assert_null(r);
  assert_non_null(strstr(doctag_error_last()->message, "num_tags"));
  o.num_tags = 2;
  assert_int_equal(doctag_process_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  o.num_tags = 8;
  o.num_pages = 11;
  assert_int_equal(doctag_process_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "num_pages"));
  o.num_pages = 3;
  o.ocr = (doctag_ocr_mode)7;
  assert_int_equal(doctag_extract_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  o.ocr = DOCTAG_OCR_AUTO;
  o.languages = "eng; rm -rf /";
  assert_int_equal(doctag_extract_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  o.languages = NULL;
  o.version = 99;
  assert_int_equal(doctag_extract_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  assert_int_equal(doctag_process_options_init(&o, 0), DOCTAG_EINVAL);

  /* Empty and oversized input. */
  assert_int_equal(doctag_extract_buffer(ctx, &r, "", 0, NULL), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "Empty PDF file"));
  doctag_process_options_init(&o, DOCTAG_PROCESS_OPTIONS_VERSION);
  o.max_file_bytes = 4;
  assert_int_equal(doctag_extract_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_ELIMIT);
  assert_int_equal(doctag_extract_buffer(NULL, &r, "%PDF-1.4", 8, NULL), DOCTAG_EINVAL);
  doctag_ctx_free(ctx);
}

static doctag_result *synthetic_result(void)
{
  doctag_result *r = g_new0(doctag_result, 1);
  r->title = g_strdup("Water Supply Notice");
  r->page_count = 4;
  r->pages_read = 2;
  r->pages = g_new0(extract_page, 2);
  r->pages[0].text = g_strdup("पानी की आपूर्ति");
  r->pages[0].len = strlen(r->pages[0].text);
  r->pages[0].method = DOCTAG_PAGE_TEXT;
  r->pages[0].confidence = -1;
  r->pages[1].text = g_strdup("scanned");
  r->pages[1].len = 7;
  r->pages[1].method = DOCTAG_PAGE_OCR;
  r->pages[1].confidence = 71.234;
  r->text = g_string_new(NULL);
  for (int i = 0; i < 300; i++)
    g_string_append(r->text, "जल ");  /* 900 characters, 2700+ bytes */
  g_strlcpy(r->language, "hin", sizeof r->language);
  r->tags.count = 2;
  r->tags.items = g_new0(tag_item, 2);
  r->tags.items[0].tag = g_strdup("water supply");
  r->tags.items[0].score = 0.91234;
  r->tags.items[0].evidence = true;
  r->tags.items[1].tag = g_strdup("pipeline repair");
  r->tags.items[1].score = 0.5;
  r->tags.model_name = g_strdup("local");
  r->processing_time = 1.23456;
  result_summarise(r);
  return r;
}

static void test_result_summary(void **state)
{
  (void)state;
  doctag_result *r = synthetic_result();
  assert_string_equal(doctag_result_extraction_method(r), "hybrid");
  assert_true(doctag_result_is_scanned(r));  /* as many OCR'd pages as text pages */
  assert_float_equal(doctag_result_ocr_confidence(r), 71.234, 1e-9);
  assert_string_equal(doctag_result_quality(r), "medium");
  r->pages[1].confidence = 30;
  result_summarise(r);
  assert_string_equal(doctag_result_quality(r), "low");
  r->pages[1].method = DOCTAG_PAGE_TEXT;
  result_summarise(r);
  assert_string_equal(doctag_result_extraction_method(r), "text_layer");
  assert_false(doctag_result_is_scanned(r));
  assert_float_equal(doctag_result_ocr_confidence(r), -1, 0);
  assert_string_equal(doctag_result_quality(r), "high");
  r->pages[0].method = r->pages[1].method = DOCTAG_PAGE_EMPTY;
  result_summarise(r);
  assert_string_equal(doctag_result_extraction_method(r), "none");
  doctag_result_free(r);
}

/* What jansson writes for `r` (JSON_OUT), built as the object it once was:
 * the reference doctag_result_to_json() must match byte for byte. */
static char *result_as_jansson(const doctag_result *r)
{
  json_t *o = json_object();
  json_t *tags = json_array(), *details = json_array(), *pages = json_array(), *warnings = json_array();
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    json_array_append_new(warnings, json_string(doctag_result_warning_at(r, i)));
  for (size_t i = 0; i < r->tags.count; i++) {
    const tag_item *t = &r->tags.items[i];
    json_array_append_new(tags, json_string(t->tag));
    json_array_append_new(details, json_pack("{s:s, s:f, s:b}", "tag", t->tag, "score",
                                             round(t->score * 1000.0) / 1000.0, "evidence", t->evidence));
  }
  for (unsigned int i = 0; i < r->pages_read; i++) {
    const extract_page *p = &r->pages[i];
    json_array_append_new(pages, json_pack("{s:i, s:s, s:o}", "page", (int)(r->first_page + i) + 1, "method",
                                           p->method == DOCTAG_PAGE_TEXT ? "text_layer" : "ocr_tesseract",
                                           "ocr_confidence",
                                           p->confidence < 0 ? json_null()
                                                             : json_real(round(p->confidence * 100.0) / 100.0)));
  }
  json_object_set_new(o, "success", json_true());
  json_object_set_new(o, "document_title", json_string(r->title ? r->title : ""));
  json_object_set_new(o, "tags", tags);
  json_object_set_new(o, "extracted_text_preview", json_string(r->text->str)); /* short: all of it */
  json_object_set_new(o, "processing_time", json_real(round(r->processing_time * 100.0) / 100.0));
  json_object_set_new(o, "is_scanned", json_boolean(r->is_scanned));
  json_object_set_new(o, "extraction_method", json_string(r->extraction_method));
  json_object_set_new(o, "ocr_confidence",
                      r->ocr_confidence < 0 ? json_null() : json_real(round(r->ocr_confidence * 100.0) / 100.0));
  json_object_set_new(o, "raw_ai_response", json_string(r->tags.raw_response ? r->tags.raw_response : ""));
  json_object_set_new(o, "error", json_null());
  json_object_set_new(o, "document_id", r->document_id ? json_string(r->document_id) : json_null());
  json_object_set_new(o, "page_count", r->from_text ? json_null() : json_integer(r->page_count));
  json_object_set_new(o, "detected_language", json_string(r->language));
  json_object_set_new(o, "tag_details", details);
  json_object_set_new(o, "needs_review", json_boolean(r->needs_review));
  json_object_set_new(o, "model_name", json_string(r->tags.model_name ? r->tags.model_name : ""));
  json_object_set_new(o, "tokens_used", json_integer(r->tags.tokens_used));
  json_object_set_new(o, "quality", json_string(r->quality));
  json_object_set_new(o, "pages", pages);
  json_object_set_new(o, "warnings", warnings);
  char *s = json_dumps(o, JSON_OUT);
  json_decref(o);
  return s;
}

static void expect_json_as_jansson(const doctag_result *r)
{
  char *js = NULL, *ref = result_as_jansson(r);
  assert_int_equal(doctag_result_to_json(r, &js), DOCTAG_OK);
  assert_non_null(ref);
  assert_string_equal(js, ref);
  doctag_free(js);
  free(ref);
}

/* doctag_result_to_json() writes text directly: the same bytes as
 * jansson's dump, escapes, reals and left-out members included. */
static void test_result_json_as_jansson(void **state)
{
  (void)state;
  doctag_result *r = synthetic_result();
  g_string_assign(r->text, "line one\nline \"two\"\t\\ \x01 end \xe2\x80\x94 \xe0\xa4\x9c\xe0\xa4\xb2");
  r->document_id = g_strdup("0b9f3c1e-7d2a-4c55-9e1b-2f6a8d4c3b7e");
  r->tags.raw_response = g_strdup("{\"tagger\":\"local\",\"candidates\":[{\"phrase\":\"a/b\",\"score\":1.0}]}");
  r->tags.tokens_used = 1234;
  result_add_warning(r, "Page 2: \"odd\" text\r\n");
  expect_json_as_jansson(r);
  /* reals of every shape jansson's "%.15g" gives */
  static const double reals[] = { 0, 0.65, 1e21, 1e-7, 100, 123456789012345.0, 1.5e300, -2.5, 0.1 + 0.2, 5e-324 };
  for (size_t i = 0; i < G_N_ELEMENTS(reals); i++) {
    r->tags.items[0].score = reals[i];
    r->processing_time = reals[i];
    r->pages[1].confidence = reals[i];
    expect_json_as_jansson(r);
  }
  /* what jansson has no value for is left out: a string that is not
   * UTF-8, a NaN score (its whole tag_details element), a NaN confidence */
  r->tags.items[0].score = NAN;
  r->processing_time = NAN;
  g_free(r->title);
  r->title = g_strdup("bad \xff title");
  g_free(r->tags.items[1].tag);
  r->tags.items[1].tag = g_strdup("bad \xc3 tag");
  r->pages[1].confidence = NAN;
  r->from_text = true;
  expect_json_as_jansson(r);
  char *js = NULL;
  assert_int_equal(doctag_result_to_json(r, &js), DOCTAG_OK);
  assert_null(strstr(js, "document_title"));
  assert_null(strstr(js, "processing_time"));
  doctag_free(js);
  doctag_result_free(r);
}

static void test_result_accessors_and_json(void **state)
{
  (void)state;
  doctag_result *r = synthetic_result();
  assert_string_equal(doctag_result_title(r), "Water Supply Notice");
  assert_int_equal(doctag_result_page_count(r), 4);
  assert_int_equal(doctag_result_pages_read(r), 2);
  assert_string_equal(doctag_result_page_text(r, 1), "scanned");
  assert_null(doctag_result_page_text(r, 2));
  assert_int_equal(doctag_result_page_method(r, 1), DOCTAG_PAGE_OCR);
  assert_int_equal(doctag_result_tag_count(r), 2);
  assert_string_equal(doctag_result_tag_at(r, 0), "water supply");
  assert_null(doctag_result_tag_at(r, 2));
  assert_true(doctag_result_tag_evidence(r, 0));
  assert_false(doctag_result_tag_evidence(r, 1));
  assert_string_equal(doctag_result_document_id(r), "");

  char *js = NULL;
  assert_int_equal(doctag_result_to_json(r, &js), DOCTAG_OK);
  json_error_t e;
  json_t *o = json_loads(js, 0, &e);
  assert_non_null(o);
  assert_true(json_is_true(json_object_get(o, "success")));
  assert_string_equal(json_string_value(json_object_get(o, "document_title")), "Water Supply Notice");
  assert_int_equal(json_array_size(json_object_get(o, "tags")), 2);
  assert_string_equal(json_string_value(json_array_get(json_object_get(o, "tags"), 1)), "pipeline repair");
  const char *preview = json_string_value(json_object_get(o, "extracted_text_preview"));
  assert_int_equal(g_utf8_strlen(preview, -1), 500);  /* characters, not bytes */
  assert_float_equal(json_real_value(json_object_get(o, "processing_time")), 1.23, 1e-9);
  assert_true(json_is_true(json_object_get(o, "is_scanned")));
  assert_string_equal(json_string_value(json_object_get(o, "extraction_method")), "hybrid");
  assert_float_equal(json_real_value(json_object_get(o, "ocr_confidence")), 71.23, 1e-9);
  assert_string_equal(json_string_value(json_object_get(o, "raw_ai_response")), "");
  assert_true(json_is_null(json_object_get(o, "error")));
  assert_true(json_is_null(json_object_get(o, "document_id")));
  assert_int_equal(json_integer_value(json_object_get(o, "page_count")), 4);
  assert_string_equal(json_string_value(json_object_get(o, "detected_language")), "hin");
  json_t *d = json_array_get(json_object_get(o, "tag_details"), 0);
  assert_string_equal(json_string_value(json_object_get(d, "tag")), "water supply");
  assert_float_equal(json_real_value(json_object_get(d, "score")), 0.912, 1e-9);
  assert_true(json_is_true(json_object_get(d, "evidence")));
  assert_true(json_is_boolean(json_object_get(o, "needs_review")));
  json_t *p0 = json_array_get(json_object_get(o, "pages"), 0);
  assert_true(json_is_null(json_object_get(p0, "ocr_confidence")));
  assert_true(json_is_array(json_object_get(o, "warnings")));
  assert_int_equal(json_array_size(json_object_get(o, "warnings")), 0);
  json_decref(o);
  doctag_free(js);

  /* A page's warning is reported once, named by its page; other warnings keep their order. */
  assert_int_equal(doctag_result_warning_count(r), 0);
  result_add_warning(r, "No API key for model '%s': tagged with the offline tagger", "m");
  r->pages[1].warning = g_strdup("no OCR model installed for script Han (install tesseract-ocr-chi-sim)");
  r->pages[1].method = DOCTAG_PAGE_TEXT;
  result_summarise(r);
  result_summarise(r);
  result_add_warning(r, "No API key for model '%s': tagged with the offline tagger", "m");
  assert_int_equal(doctag_result_warning_count(r), 2);
  assert_string_equal(doctag_result_warning_at(r, 0), "No API key for model 'm': tagged with the offline tagger");
  assert_string_equal(doctag_result_warning_at(r, 1),
                      "Page 2: no OCR model installed for script Han (install tesseract-ocr-chi-sim)");
  assert_null(doctag_result_warning_at(r, 2));
  assert_null(doctag_result_warning_at(NULL, 0));
  assert_int_equal(doctag_result_to_json(r, &js), DOCTAG_OK);
  o = json_loads(js, 0, &e);
  assert_true(json_is_null(json_object_get(o, "ocr_confidence")));
  assert_int_equal(json_array_size(json_object_get(o, "warnings")), 2);
  assert_string_equal(json_string_value(json_array_get(json_object_get(o, "warnings"), 1)),
                      "Page 2: no OCR model installed for script Han (install tesseract-ocr-chi-sim)");
  json_decref(o);
  doctag_free(js);
  assert_int_equal(doctag_result_to_json(NULL, &js), DOCTAG_EINVAL);
  doctag_result_free(r);
}

/* Documents are named by their SHA-256 in the history and the blob store:
 * every block function this CPU can run (the SHA extensions, the rounds
 * for BMI2, the SSE2 schedule, the portable C) must give the standard digest: FIPS 180-4's
 * examples and NIST's one million 'a's, and libsodium's crypto_hash_sha256
 * on random bytes of every length around the padding's 55/56/64-byte
 * edges and on large inputs. */
static void sha256_check(sha256_impl impl, const void *data, size_t len, const char *want)
{
  char hex[65];
  sha256_hex_impl(impl, data, len, hex);
  assert_string_equal(hex, want);
}

static void sha256_check_sodium(sha256_impl impl, const unsigned char *data, size_t len)
{
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(md, data, len);
  char want[65];
  for (size_t i = 0; i < sizeof md; i++)
    snprintf(want + 2 * i, 3, "%02x", md[i]);
  sha256_check(impl, data, len, want);
}

static void test_sha256(void **state)
{
  (void)state;
  assert_int_equal(sodium_init() >= 0, 1);
  size_t big_len = 1000000;
  unsigned char *big = g_malloc(big_len + 65);
  const sha256_impl impls[] = { SHA256_AUTO, SHA256_PORTABLE, SHA256_SSE2, SHA256_BMI2, SHA256_SHANI };
  for (size_t k = 0; k < G_N_ELEMENTS(impls); k++) {
    sha256_impl impl = impls[k];
    if (!sha256_impl_available(impl)) {
      print_message("sha256: block function %d does not run on this CPU; not checked\n", (int)impl);
      continue;
    }
    sha256_check(impl, NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_check(impl, "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_check(impl, m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    sha256_check(impl, m896, strlen(m896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    memset(big, 'a', big_len);
    sha256_check(impl, big, big_len, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* every length up to three blocks, then large ones around a block */
    randombytes_buf(big, big_len + 65);
    for (size_t n = 0; n <= 192; n++)
      sha256_check_sodium(impl, big + k, n);
    for (size_t n = big_len - 65; n <= big_len + 65; n += 13)
      sha256_check_sodium(impl, big, n);
  }
  g_free(big);
}

/* json_out_string() writes a string as jansson's JSON_OUT dump does, so
 * texts built of its pieces read back the same: every ASCII character,
 * UTF-8 of two to four bytes, the empty string. */
static void test_json_out_string_is_the_dump(void **state)
{
  (void)state;
  GString *all = g_string_new(NULL);
  for (int c = 1; c < 128; c++)
    g_string_append_c(all, (char)c);
  const char *cases[] = { all->str, "", "\xc3\xa9 \xe0\xa4\xb9 \xe2\x80\xa8 \xf0\x9f\x98\x80", "end\\" };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    json_t *v = json_string(cases[i]);
    char *want = json_dumps(v, JSON_OUT | JSON_ENCODE_ANY);
    GString *got = g_string_new("x");
    json_out_string(got, cases[i]);
    assert_string_equal(got->str + 1, want);
    g_string_free(got, TRUE);
    free(want);
    json_decref(v);
  }
  g_string_free(all, TRUE);
}

static void test_null_is_fine(void **state)
{
  (void)state;
  doctag_result_free(NULL);
  doctag_ctx_free(NULL);
  doctag_free(NULL);
  doctag_strv_free(NULL);
  assert_null(doctag_result_title(NULL));
  assert_int_equal(doctag_result_tag_count(NULL), 0);
  assert_non_null(doctag_version());
  assert_string_equal(doctag_version(), DOCTAG_VERSION_STRING);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_error_thread_local),
    cmocka_unit_test(test_error_long_message_stays_utf8),
    cmocka_unit_test(test_status_names),
    cmocka_unit_test(test_config_from_environment),
    cmocka_unit_test(test_ctx_attach),
    cmocka_unit_test(test_options_are_checked),
    cmocka_unit_test(test_result_summary),
    cmocka_unit_test(test_result_accessors_and_json),
    cmocka_unit_test(test_result_json_as_jansson),
    cmocka_unit_test(test_null_is_fine),
    cmocka_unit_test(test_sha256),
    cmocka_unit_test(test_json_out_string_is_the_dump),
  };
  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
