/* Where batch documents come from and where they are kept: S3 against the
 * S3-compatible server of the test services (DOCTAG_TEST_S3_ENDPOINT; moto
 * with signature checks), the blob store (directory and S3), local paths
 * confined to the allowed roots, the URL guard, validate-paths, the CSV
 * template and the legacy synchronous CSV processing. */
#include "jobs_testutil.h"
#include "blob/blob.h"
#include "fetch/s3.h"
#include "jobs/jobs.h"

#include <sys/stat.h>

/* ---- helpers ---------------------------------------------------------- */

static const char *s3_endpoint(void)
{
  const char *e = getenv("DOCTAG_TEST_S3_ENDPOINT");
  return e && *e ? e : NULL;
}

/* Points the AWS_* variables at the test's S3 server (or clears them). */
static void s3_env(bool on, const char *secret_override)
{
  if (on) {
    setenv("AWS_ACCESS_KEY_ID", getenv("DOCTAG_TEST_S3_ACCESS_KEY_ID"), 1);
    setenv("AWS_SECRET_ACCESS_KEY",
           secret_override ? secret_override : getenv("DOCTAG_TEST_S3_SECRET_ACCESS_KEY"), 1);
    setenv("AWS_REGION", "us-east-1", 1);
  } else {
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
  }
}

static const char *bucket(void)
{
  const char *b = getenv("DOCTAG_TEST_S3_BUCKET");
  return b && *b ? b : "doctag-test";
}

/* Validates one path; returns the report (free it). */
static doctag_path_report *validate1(doctag_ctx *ctx, const char *path, const char *type)
{
  doctag_path_spec spec = { path, type };
  doctag_path_report *r = NULL;
  assert_int_equal(doctag_paths_validate(ctx, &r, &spec, 1), DOCTAG_OK);
  assert_int_equal(doctag_path_report_count(r), 1);
  return r;
}

static void expect_invalid(doctag_ctx *ctx, const char *path, const char *type, const char *error)
{
  doctag_path_report *r = validate1(ctx, path, type);
  if (doctag_path_report_valid(r, 0) || strcmp(doctag_path_report_error(r, 0), error))
    fail_msg("%s (%s): expected \"%s\", got valid=%d \"%s\"", path, type, error, doctag_path_report_valid(r, 0),
             doctag_path_report_error(r, 0));
  doctag_path_report_free(r);
}

static void expect_invalid_prefix(doctag_ctx *ctx, const char *path, const char *type, const char *prefix)
{
  doctag_path_report *r = validate1(ctx, path, type);
  if (doctag_path_report_valid(r, 0) || !g_str_has_prefix(doctag_path_report_error(r, 0), prefix))
    fail_msg("%s (%s): expected \"%s...\", got valid=%d \"%s\"", path, type, prefix, doctag_path_report_valid(r, 0),
             doctag_path_report_error(r, 0));
  doctag_path_report_free(r);
}

/* Submits rows (path, type) with the offline tagger, runs a worker, returns
 * the job snapshot. */
static doctag_job *run_rows(doctag_ctx *ctx, const char *user, const char *const *paths, const char *const *types,
                            size_t n)
{
  char *id = jt_submit_rows(ctx, user, paths, types, NULL, n);
  jt_run_worker(ctx, 2);
  doctag_job *j = jt_status(ctx, user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_COMPLETED);
  doctag_free(id);
  return j;
}

/* The result of row `row`. */
static size_t result_of(const doctag_job *j, size_t row)
{
  for (size_t i = 0; i < doctag_job_result_count(j); i++)
    if (doctag_job_result_row(j, i) == row)
      return i;
  fail_msg("no result for row %zu", row);
  return 0;
}

/* ---- S3 --------------------------------------------------------------- */

static void test_s3_source_and_signature(void **state)
{
  (void)state;
  if (!s3_endpoint())
    skip();
  s3_env(true, NULL);
  jt_ctx_opts o = { 0 };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  char *user = jt_user(ctx, "s3");
  GPtrArray *pdfs = jt_text_pdfs(1);
  size_t len = 0;
  char *pdf = tu_read(g_ptr_array_index(pdfs, 0), &len);
  char *key = g_strdup_printf("corpus/%08x/an invoice.pdf", g_random_int());
  assert_int_equal(s3_put(ctx, bucket(), key, pdf, len, "application/pdf"), DOCTAG_OK);
  char *uri = g_strdup_printf("s3://%s/%s", bucket(), key);
  char *missing = g_strdup_printf("s3://%s/%s.missing", bucket(), key);

  /* validate-paths */
  doctag_path_report *r = validate1(ctx, uri, "s3");
  assert_true(doctag_path_report_valid(r, 0));
  assert_int_equal(doctag_path_report_size(r, 0), (int64_t)len);
  assert_string_equal(doctag_path_report_content_type(r, 0), "application/pdf");
  doctag_path_report_free(r);
  expect_invalid(ctx, missing, "s3", "Object not found");
  expect_invalid(ctx, "s3://no-such-bucket-doctag/x.pdf", "s3", "Bucket not found");
  expect_invalid(ctx, "s3://x", "s3", "Invalid S3 path format");
  expect_invalid(ctx, "s3://Bad_Bucket/key.pdf", "s3", "Invalid S3 path format");

  /* As batch rows. */
  const char *paths[] = { uri, missing, "s3:/nope" };
  const char *types[] = { "s3", "s3", "s3" };
  doctag_job *j = run_rows(ctx, user, paths, types, 3);
  assert_int_equal(doctag_job_processed_count(j), 1);
  assert_int_equal(doctag_job_failed_count(j), 2);
  assert_true(doctag_job_result_ok(j, result_of(j, 0)));
  assert_string_equal(doctag_job_result_error(j, result_of(j, 1)), "Object not found");
  assert_string_equal(doctag_job_result_error(j, result_of(j, 2)), "Invalid S3 path format");
  doctag_job_free(j);

  /* A wrong secret: the server refuses the signature. */
  s3_env(true, "wrong-secret-0000000000000000000000000000");
  GBytes *b = NULL;
  assert_int_equal(s3_get(ctx, bucket(), key, 0, 0, &b), DOCTAG_EFETCH);
  assert_non_null(strstr(doctag_error_last()->message, "SignatureDoesNotMatch"));
  assert_non_null(strstr(doctag_error_last()->message, "HTTP 403"));
  assert_null(b);
  r = validate1(ctx, uri, "s3");
  assert_false(doctag_path_report_valid(r, 0));
  assert_non_null(strstr(doctag_path_report_error(r, 0), "403"));
  doctag_path_report_free(r);
  j = run_rows(ctx, user, paths, types, 1);
  assert_int_equal(doctag_job_failed_count(j), 1);
  assert_non_null(strstr(doctag_job_result_error(j, 0), "SignatureDoesNotMatch"));
  doctag_job_free(j);

  /* No credentials at all. */
  s3_env(false, NULL);
  expect_invalid(ctx, uri, "s3", "S3 client not configured");
  s3_env(true, NULL);

  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);
  g_free(user);
  g_free(pdf);
  g_free(key);
  g_free(uri);
  g_free(missing);
  g_ptr_array_free(pdfs, TRUE);
}

/* ---- blobs ------------------------------------------------------------ */

static size_t files_under(const char *dir)
{
  size_t n = 0;
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    char *p = g_build_filename(dir, name, NULL);
    n += g_file_test(p, G_FILE_TEST_IS_DIR) ? files_under(p) : 1;
    g_free(p);
  }
  if (d)
    g_dir_close(d);
  return n;
}

static void blob_roundtrip(doctag_ctx *ctx)
{
  GPtrArray *pdfs = jt_text_pdfs(2);
  size_t len = 0, len2 = 0;
  char *pdf = tu_read(g_ptr_array_index(pdfs, 0), &len);
  char *pdf2 = tu_read(g_ptr_array_index(pdfs, 1), &len2);
  char sha[65], again[65], other[65];
  assert_int_equal(blob_put(ctx, pdf, len, sha), DOCTAG_OK);
  char *expect = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)pdf, len);
  assert_string_equal(sha, expect);
  assert_int_equal(blob_put(ctx, pdf, len, again), DOCTAG_OK);
  assert_string_equal(again, sha);
  assert_int_equal(blob_put(ctx, pdf2, len2, other), DOCTAG_OK);
  assert_string_not_equal(other, sha);
  GBytes *b = NULL;
  assert_int_equal(blob_get(ctx, sha, 0, &b), DOCTAG_OK);
  gsize blen = 0;
  const void *bd = g_bytes_get_data(b, &blen);
  assert_int_equal(blen, len);
  assert_memory_equal(bd, pdf, len);
  g_bytes_unref(b);
  assert_int_equal(blob_delete(ctx, sha), DOCTAG_OK);
  assert_int_equal(blob_get(ctx, sha, 0, &b), DOCTAG_ENOTFOUND);
  assert_int_equal(blob_get(ctx, other, 0, &b), DOCTAG_OK);
  g_bytes_unref(b);
  assert_int_equal(blob_delete(ctx, other), DOCTAG_OK);
  /* Names are hashes: nothing else reaches the store. */
  assert_int_equal(blob_get(ctx, "../../../../etc/passwd", 0, &b), DOCTAG_EINVAL);
  assert_int_equal(blob_delete(ctx, "ABCDEF"), DOCTAG_EINVAL);
  g_free(expect);
  g_free(pdf);
  g_free(pdf2);
  g_ptr_array_free(pdfs, TRUE);
}

static void test_blob_directory(void **state)
{
  (void)state;
  jt_ctx_opts o = { 0 };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  blob_roundtrip(ctx);
  /* A processed row's PDF is kept once, and its document refers to it. */
  char *user = jt_user(ctx, "blob");
  GPtrArray *pdfs = jt_text_pdfs(1);
  const char *paths[] = { g_ptr_array_index(pdfs, 0), g_ptr_array_index(pdfs, 0) };
  const char *types[] = { "local", "local" };
  doctag_job *j = run_rows(ctx, user, paths, types, 2);
  assert_int_equal(doctag_job_processed_count(j), 2);
  char *blobs = g_build_filename(dir, "blobs", NULL);
  assert_int_equal(files_under(blobs), 1);
  doctag_document_detail *d = NULL;
  assert_int_equal(doctag_history_document(ctx, &d, user, doctag_job_result_document_id(j, 0)), DOCTAG_OK);
  const char *sha = doctag_document_detail_record(d)->sha256;
  assert_non_null(sha);
  GBytes *b = NULL;
  assert_int_equal(blob_get(ctx, sha, 0, &b), DOCTAG_OK);
  size_t len = 0;
  char *pdf = tu_read(g_ptr_array_index(pdfs, 0), &len);
  assert_int_equal(g_bytes_get_size(b), len);
  g_bytes_unref(b);
  g_free(pdf);
  doctag_document_detail_free(d);
  doctag_job_free(j);
  g_free(blobs);
  g_free(user);
  g_ptr_array_free(pdfs, TRUE);
  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);
}

static void test_blob_s3(void **state)
{
  (void)state;
  if (!s3_endpoint())
    skip();
  s3_env(true, NULL);
  char *url = g_strdup_printf("s3://%s/blobs-%08x", bucket(), g_random_int());
  jt_ctx_opts o = { .blob_url = url };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  blob_roundtrip(ctx);
  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);
  g_free(url);
}

/* ---- local paths ------------------------------------------------------ */

static void test_local_paths_confined(void **state)
{
  (void)state;
  char *top = tu_tmpdir();
  char *root = g_build_filename(top, "root", NULL);
  char *sub = g_build_filename(root, "sub", NULL);
  g_mkdir_with_parents(sub, 0700);
  GPtrArray *pdfs = jt_text_pdfs(1);
  size_t len = 0;
  char *pdf = tu_read(g_ptr_array_index(pdfs, 0), &len);
  char *inside = g_build_filename(root, "a.pdf", NULL);
  char *outside = g_build_filename(top, "outside.pdf", NULL);
  assert_true(g_file_set_contents(inside, pdf, (gssize)len, NULL));
  assert_true(g_file_set_contents(outside, pdf, (gssize)len, NULL));
  char *link = g_build_filename(root, "link.pdf", NULL);
  assert_int_equal(symlink(outside, link), 0);
  char *dirlink = g_build_filename(root, "up", NULL);
  assert_int_equal(symlink(top, dirlink), 0);
  char *dotdot = g_strdup_printf("%s/../outside.pdf", root);
  char *via_dirlink = g_strdup_printf("%s/up/outside.pdf", root);
  char *missing = g_build_filename(root, "missing.pdf", NULL);

  jt_ctx_opts o = { .allowed_roots = root };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  doctag_path_report *r = validate1(ctx, inside, "local");
  assert_true(doctag_path_report_valid(r, 0));
  assert_int_equal(doctag_path_report_size(r, 0), (int64_t)len);
  assert_string_equal(doctag_path_report_content_type(r, 0), "application/pdf");
  doctag_path_report_free(r);
  char *msg;
  msg = g_strdup_printf("Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", dotdot);
  expect_invalid(ctx, dotdot, "local", msg);
  g_free(msg);
  msg = g_strdup_printf("Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", link);
  expect_invalid(ctx, link, "local", msg);
  g_free(msg);
  msg = g_strdup_printf("Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", via_dirlink);
  expect_invalid(ctx, via_dirlink, "local", msg);
  g_free(msg);
  msg = g_strdup_printf("Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", outside);
  expect_invalid(ctx, outside, "local", msg);
  g_free(msg);
  expect_invalid(ctx, "/etc/passwd", "local", "Path not allowed: /etc/passwd (outside DOCTAG_ALLOWED_ROOTS)");
  msg = g_strdup_printf("File not found: %s", missing);
  expect_invalid(ctx, missing, "local", msg);
  g_free(msg);
  expect_invalid(ctx, sub, "local", "Not a file");
  expect_invalid(ctx, "relative/a.pdf", "local", "Relative paths not supported");
  expect_invalid(ctx, "", "local", "Empty path");
  expect_invalid(ctx, "   ", "url", "Empty path");
  expect_invalid(ctx, "/x.pdf", "ftp", "Unknown path type: ftp");

  /* Several at once, and the JSON of the report. */
  doctag_path_spec specs[] = { { inside, "local" }, { link, "local" }, { "", "url" } };
  assert_int_equal(doctag_paths_validate(ctx, &r, specs, 3), DOCTAG_OK);
  char *json = NULL;
  assert_int_equal(doctag_path_report_to_json(r, &json), DOCTAG_OK);
  json_t *jo = json_loads(json, 0, NULL);
  assert_int_equal(json_integer_value(json_object_get(jo, "total")), 3);
  assert_int_equal(json_integer_value(json_object_get(jo, "valid_count")), 1);
  assert_int_equal(json_integer_value(json_object_get(jo, "invalid_count")), 2);
  json_t *first = json_array_get(json_object_get(jo, "results"), 0);
  assert_true(json_is_null(json_object_get(first, "error")));
  assert_int_equal(json_integer_value(json_object_get(first, "size")), (json_int_t)len);
  json_t *second = json_array_get(json_object_get(jo, "results"), 1);
  assert_true(json_is_false(json_object_get(second, "valid")));
  assert_true(json_is_null(json_object_get(second, "size")));
  json_decref(jo);
  doctag_free(json);
  doctag_path_report_free(r);

  /* The same rules for batch rows. */
  char *user = jt_user(ctx, "paths");
  const char *paths[] = { inside, link, dotdot };
  const char *types[] = { "local", "local", "local" };
  doctag_job *j = run_rows(ctx, user, paths, types, 3);
  assert_int_equal(doctag_job_processed_count(j), 1);
  assert_true(doctag_job_result_ok(j, result_of(j, 0)));
  assert_true(g_str_has_prefix(doctag_job_result_error(j, result_of(j, 1)), "Path not allowed: "));
  assert_true(g_str_has_prefix(doctag_job_result_error(j, result_of(j, 2)), "Path not allowed: "));
  doctag_job_free(j);
  g_free(user);

  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  jt_rmtree(top);
  g_free(dir);
  g_free(top);
  g_free(root);
  g_free(sub);
  g_free(pdf);
  g_free(inside);
  g_free(outside);
  g_free(link);
  g_free(dirlink);
  g_free(dotdot);
  g_free(via_dirlink);
  g_free(missing);
  g_ptr_array_free(pdfs, TRUE);
}

/* ---- URLs ------------------------------------------------------------- */

static void test_url_guard(void **state)
{
  (void)state;
  GPtrArray *pdfs = jt_text_pdfs(1);
  size_t len = 0;
  char *pdf = tu_read(g_ptr_array_index(pdfs, 0), &len);
  jt_http http;
  jt_http_start(&http, g_ptr_array_index(pdfs, 0));
  char *url = jt_http_url(&http, "/a.pdf");
  char *url404 = jt_http_url(&http, "/missing");

  /* Loopback is refused and never fetched... */
  jt_ctx_opts o = { 0 };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  expect_invalid_prefix(ctx, url, "url", "URL not allowed: ");
  expect_invalid_prefix(ctx, "http://169.254.169.254/latest/meta-data/", "url", "URL not allowed: ");
  expect_invalid_prefix(ctx, "http://[::1]:1/x.pdf", "url", "URL not allowed: ");
  expect_invalid(ctx, "ftp://example.com/x.pdf", "url", "URL must start with http:// or https://");
  expect_invalid(ctx, "file:///etc/passwd", "url", "URL must start with http:// or https://");
  char *user = jt_user(ctx, "guard");
  const char *paths[] = { url, "file:///etc/passwd" };
  const char *types[] = { "url", "url" };
  doctag_job *j = run_rows(ctx, user, paths, types, 2);
  assert_int_equal(doctag_job_failed_count(j), 2);
  assert_non_null(strstr(doctag_job_result_error(j, result_of(j, 0)), "loopback"));
  assert_true(g_str_has_prefix(doctag_job_result_error(j, result_of(j, 0)), "URL not allowed: "));
  doctag_job_free(j);
  assert_int_equal(jt_http_hits(&http), 0);
  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);
  g_free(user);

  /* ...unless private addresses are allowed by configuration. */
  o.allow_private = true;
  ctx = jt_ctx_with(&o);
  dir = g_strdup(doctag_ctx_data_dir(ctx));
  doctag_path_report *r = validate1(ctx, url, "url");
  assert_true(doctag_path_report_valid(r, 0));
  assert_string_equal(doctag_path_report_content_type(r, 0), "application/pdf");
  assert_int_equal(doctag_path_report_size(r, 0), (int64_t)len);
  doctag_path_report_free(r);
  expect_invalid(ctx, url404, "url", "HTTP 404");
  assert_true(jt_http_hits(&http) >= 2);
  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);

  jt_http_stop(&http);
  g_free(url);
  g_free(url404);
  g_free(pdf);
  g_ptr_array_free(pdfs, TRUE);
}

/* ---- CSV -------------------------------------------------------------- */

static void test_template(void **state)
{
  (void)state;
  char *json = NULL;
  assert_int_equal(doctag_batch_template(&json), DOCTAG_OK);
  json_t *o = json_loads(json, 0, NULL);
  const char *tpl = json_string_value(json_object_get(o, "template"));
  assert_true(g_str_has_prefix(tpl, "title,description,file_source_type,file_path,publishing_date,file_size\r\n"));
  csv_table t;
  assert_int_equal(csvtab_parse(tpl, strlen(tpl), &t), DOCTAG_OK);
  assert_int_equal(t.header->len, 6);
  assert_int_equal(t.rows->len, 2);
  csvtab_clear(&t);
  json_t *cols = json_object_get(o, "columns");
  assert_int_equal(json_array_size(cols), 6);
  size_t i;
  json_t *c;
  json_array_foreach(cols, i, c) {
    const char *name = json_string_value(json_object_get(c, "name"));
    bool required = !strcmp(name, "title") || !strcmp(name, "file_source_type") || !strcmp(name, "file_path");
    assert_true(json_is_true(json_object_get(c, "required")) == required);
    assert_true(json_string_length(json_object_get(c, "description")) > 0);
  }
  json_decref(o);
  doctag_free(json);
}

static json_t *report_json(doctag_csv_report *r)
{
  char *json = NULL;
  assert_int_equal(doctag_csv_report_to_json(r, &json), DOCTAG_OK);
  json_t *o = json_loads(json, 0, NULL);
  assert_non_null(o);
  doctag_free(json);
  return o;
}

static void test_legacy_csv(void **state)
{
  (void)state;
  jt_ctx_opts o = { 0 };
  doctag_ctx *ctx = jt_ctx_with(&o);
  char *dir = g_strdup(doctag_ctx_data_dir(ctx));
  char *user = jt_user(ctx, "legacy");
  doctag_process_options po = DOCTAG_PROCESS_OPTIONS_INIT;
  po.model_name = "local";

  /* A required column missing: not an error, a failed report. */
  const char *bad = "title,file_source_type,description\r\nA,local,\"x, y\"\r\n";
  doctag_csv_report *r = NULL;
  assert_int_equal(doctag_batch_process_csv(ctx, &r, user, bad, strlen(bad), &po), DOCTAG_OK);
  assert_false(doctag_csv_report_success(r));
  assert_int_equal(doctag_csv_report_processed(r), 0);
  json_t *jo = report_json(r);
  assert_true(json_is_false(json_object_get(jo, "success")));
  json_t *errors = json_object_get(json_object_get(jo, "summary_report"), "errors");
  assert_string_equal(json_string_value(json_array_get(errors, 0)), "Missing required columns: file_path");
  assert_true(json_is_null(json_object_get(jo, "output_csv_url")));
  json_decref(jo);
  doctag_csv_report_free(r);
  char *id = NULL;
  assert_int_equal(doctag_batch_submit_csv(ctx, &id, user, bad, strlen(bad), NULL), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->message, "Missing required columns: file_path");

  /* Two documents and a missing file. */
  GPtrArray *pdfs = jt_text_pdfs(2);
  char *missing = g_build_filename(tu_corpus_dir(), "text", "nope.pdf", NULL);
  char *good = g_strdup_printf("title,description,file_source_type,file_path,publishing_date,file_size\r\n"
                               "First,\"has, comma\",local,%s,2024-01-01,\r\n"
                               "Second,\"quote \"\"here\"\"\",local,%s,,\r\n"
                               "Third,,local,%s,,\r\n",
                               (char *)g_ptr_array_index(pdfs, 0), (char *)g_ptr_array_index(pdfs, 1), missing);
  assert_int_equal(doctag_batch_process_csv(ctx, &r, user, good, strlen(good), &po), DOCTAG_OK);
  assert_true(doctag_csv_report_success(r));
  assert_int_equal(doctag_csv_report_total(r), 3);
  assert_int_equal(doctag_csv_report_processed(r), 2);
  assert_int_equal(doctag_csv_report_failed(r), 1);
  jo = report_json(r);
  json_t *stats = json_object_get(json_object_get(jo, "summary_report"), "statistics");
  assert_string_equal(json_string_value(json_object_get(stats, "success_rate")), "66.7%");
  assert_int_equal(json_integer_value(json_object_get(stats, "total")), 3);
  json_t *docs = json_object_get(json_object_get(jo, "summary_report"), "documents");
  assert_int_equal(json_array_size(docs), 3);
  assert_true(json_is_number(json_object_get(jo, "processing_time")));
  const char *url = json_string_value(json_object_get(jo, "output_csv_url"));
  assert_true(g_str_has_prefix(url, "data:text/csv;base64,"));
  gsize olen = 0;
  guchar *out = g_base64_decode(url + strlen("data:text/csv;base64,"), &olen);
  char *outs = g_strndup((const char *)out, olen);
  assert_string_equal(outs, doctag_csv_report_csv(r));
  csv_table t;
  assert_int_equal(csvtab_parse(outs, strlen(outs), &t), DOCTAG_OK);
  assert_int_equal(t.header->len, 8);
  assert_string_equal(g_ptr_array_index(t.header, 6), "generated_tags");
  assert_string_equal(g_ptr_array_index(t.header, 7), "tagging_status");
  GPtrArray *row1 = g_ptr_array_index(t.rows, 1);
  assert_string_equal(g_ptr_array_index(row1, 1), "quote \"here\"");
  assert_string_equal(g_ptr_array_index(row1, 7), "success");
  assert_true(strchr(g_ptr_array_index(row1, 6), ',') != NULL);
  GPtrArray *row2 = g_ptr_array_index(t.rows, 2);
  char *nf = g_strdup_printf("failed: File not found: %s", missing);
  assert_string_equal(g_ptr_array_index(row2, 7), nf);
  g_free(nf);
  csvtab_clear(&t);
  /* The rows are in history as one batch job. */
  assert_int_equal(jt_history_docs(ctx, user, doctag_csv_report_job_id(r)), 3);
  g_free(outs);
  g_free(out);
  json_decref(jo);
  doctag_csv_report_free(r);

  /* Not CSV at all. */
  const char *broken = "title,file_path\r\n\"never closed,x\r\n";
  assert_int_equal(doctag_batch_process_csv(ctx, &r, user, broken, strlen(broken), &po), DOCTAG_EINVAL);
  assert_null(r);
  const char binary[] = "title\0file_path";
  assert_int_equal(doctag_batch_process_csv(ctx, &r, user, binary, sizeof binary, &po), DOCTAG_EINVAL);

  g_free(good);
  g_free(missing);
  g_ptr_array_free(pdfs, TRUE);
  g_free(user);
  doctag_ctx_free(ctx);
  jt_rmtree(dir);
  g_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_s3_source_and_signature),
    cmocka_unit_test(test_blob_directory),
    cmocka_unit_test(test_blob_s3),
    cmocka_unit_test(test_local_paths_confined),
    cmocka_unit_test(test_url_guard),
    cmocka_unit_test(test_template),
    cmocka_unit_test(test_legacy_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
