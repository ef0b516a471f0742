/* Processing with a user: the document lands in that user's history, its
 * PDF is kept and can be downloaded and re-processed, by its owner only. */
#include "testutil.h"
#include "blob/blob.h"

#include <string.h>

typedef struct fixture {
  doctag_ctx *ctx;
  char *alice, *bob;
  char *pdf;          /* a text PDF of the corpus */
  size_t pdf_len;
} fixture;

static char *register_user(doctag_ctx *ctx, const char *email)
{
  doctag_user *u = NULL;
  if (doctag_auth_register(ctx, &u, email, "correct horse battery", NULL))
    fail_msg("register %s: %s", email, doctag_error_last()->message);
  char *id = g_strdup(doctag_user_id(u));
  doctag_user_free(u);
  return id;
}

/* The first English text document of the manifest. */
static char *first_text_pdf(void)
{
  size_t i;
  json_t *e;
  json_array_foreach(tu_manifest(), i, e) {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *lang = json_string_value(json_object_get(e, "lang"));
    if (kind && !strcmp(kind, "text") && lang && !strcmp(lang, "eng") && !json_is_true(json_object_get(e, "benchmark")))
      return tu_corpus_path(json_string_value(json_object_get(e, "path")));
  }
  fail_msg("no English text document in the manifest");
  return NULL;
}

static int setup(void **state)
{
  fixture *f = g_new0(fixture, 1);
  f->ctx = tu_ctx();
  f->alice = register_user(f->ctx, "alice@example.com");
  f->bob = register_user(f->ctx, "bob@example.com");
  char *path = first_text_pdf();
  f->pdf = tu_read(path, &f->pdf_len);
  assert_non_null(f->pdf);
  g_free(path);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  doctag_ctx_free(f->ctx);
  g_free(f->alice);
  g_free(f->bob);
  g_free(f->pdf);
  g_free(f);
  return 0;
}

static doctag_result *process_as(fixture *f, const char *user, unsigned int num_tags)
{
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.num_tags = num_tags;
  o.user_id = user;
  o.file_name = "notice.pdf";
  doctag_result *r = NULL;
  if (doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o))
    fail_msg("process: %s", doctag_error_last()->message);
  return r;
}

static void test_recorded_downloaded_reprocessed(void **state)
{
  fixture *f = *state;
  doctag_result *r = process_as(f, f->alice, 8);
  const char *doc_id = doctag_result_document_id(r);
  assert_int_equal(strlen(doc_id), 36);

  /* The JSON carries the id now. */
  char *js = NULL;
  assert_int_equal(doctag_result_to_json(r, &js), DOCTAG_OK);
  json_t *o = json_loads(js, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(o, "document_id")), doc_id);
  json_decref(o);
  doctag_free(js);

  /* In Alice's history with its tags; not in Bob's. */
  doctag_document_detail *d = NULL;
  assert_int_equal(doctag_history_document(f->ctx, &d, f->alice, doc_id), DOCTAG_OK);
  const doctag_document_record *rec = doctag_document_detail_record(d);
  assert_int_equal(rec->tag_count, doctag_result_tag_count(r));
  assert_string_equal(rec->tags[0], doctag_result_tag_at(r, 0));
  assert_string_equal(rec->sha256, doctag_result_sha256(r));
  doctag_document_detail_free(d);
  assert_int_equal(doctag_history_document(f->ctx, &d, f->bob, doc_id), DOCTAG_ENOTFOUND);

  /* The stored file is the uploaded one, to its owner only. */
  void *data = NULL;
  size_t len = 0;
  char *name = NULL;
  assert_int_equal(doctag_history_document_file(f->ctx, f->alice, doc_id, &data, &len, &name), DOCTAG_OK);
  assert_int_equal(len, f->pdf_len);
  assert_memory_equal(data, f->pdf, len);
  assert_string_equal(name, "notice.pdf");
  doctag_free(data);
  doctag_free(name);
  assert_int_equal(doctag_history_document_file(f->ctx, f->bob, doc_id, &data, &len, &name), DOCTAG_ENOTFOUND);
  assert_null(data);
  assert_int_equal(doctag_history_document_file(f->ctx, f->alice, "00000000-0000-4000-8000-000000000000", &data,
                                                &len, NULL), DOCTAG_ENOTFOUND);

  /* Re-tagging with another configuration is a new single job. */
  doctag_process_options opt = DOCTAG_PROCESS_OPTIONS_INIT;
  opt.model_name = "local";
  opt.num_tags = 3;
  doctag_result *again = NULL;
  assert_int_equal(doctag_history_document_reprocess(f->ctx, &again, f->alice, doc_id, &opt), DOCTAG_OK);
  assert_true(doctag_result_tag_count(again) <= 3);
  assert_true(doctag_result_tag_count(again) > 0);
  assert_string_not_equal(doctag_result_document_id(again), doc_id);
  assert_int_equal(strlen(doctag_result_document_id(again)), 36);
  doctag_result_free(again);
  assert_int_equal(doctag_history_document_reprocess(f->ctx, &again, f->bob, doc_id, &opt), DOCTAG_ENOTFOUND);
  assert_null(again);
  doctag_job_list *jobs = NULL;
  assert_int_equal(doctag_history_jobs(f->ctx, &jobs, f->alice, 50, 0, NULL), DOCTAG_OK);
  assert_int_equal(doctag_job_list_total(jobs), 2);
  assert_string_equal(doctag_job_list_at(jobs, 0)->job_type, "single");
  doctag_job_list_free(jobs);
  doctag_result_free(r);
}

static void test_failure_is_history_too(void **state)
{
  fixture *f = *state;
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.user_id = f->bob;
  o.file_name = "page.pdf";
  doctag_result *r = NULL;
  const char html[] = "<html><body>not a pdf</body></html>";
  assert_int_equal(doctag_process_buffer(f->ctx, &r, html, sizeof html - 1, &o), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "not a PDF"));  /* the message survives recording */
  doctag_document_list *docs = NULL;
  assert_int_equal(doctag_history_documents(f->ctx, &docs, f->bob, 50, 0), DOCTAG_OK);
  assert_int_equal(doctag_document_list_count(docs), 1);
  const doctag_document_record *d = doctag_document_list_at(docs, 0);
  assert_string_equal(d->status, "failed");
  assert_non_null(strstr(d->error_message, "not a PDF"));
  /* Nothing was kept of it: no file to download. */
  void *data = NULL;
  size_t len;
  assert_int_equal(doctag_history_document_file(f->ctx, f->bob, d->id, &data, &len, NULL), DOCTAG_ENOTFOUND);
  doctag_document_list_free(docs);

  /* Bad options are the caller's mistake, not the document's: not recorded. */
  o.num_tags = 99;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_EINVAL);
  assert_int_equal(doctag_history_documents(f->ctx, &docs, f->bob, 50, 0), DOCTAG_OK);
  assert_int_equal(doctag_document_list_count(docs), 1);
  doctag_document_list_free(docs);
}

static void test_fetch_url_is_guarded(void **state)
{
  fixture *f = *state;
  void *data = (void *)1;
  size_t len = 1;
  assert_int_equal(doctag_fetch_url(f->ctx, "http://127.0.0.1:9/x.pdf", NULL, &data, &len, NULL), DOCTAG_EURL);
  assert_null(data);
  assert_int_equal(len, 0);
  assert_int_equal(doctag_fetch_url(f->ctx, "ftp://example.com/x.pdf", NULL, &data, &len, NULL), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "Must start with http:// or https://"));
  assert_int_equal(doctag_fetch_url(f->ctx, "http://x", NULL, NULL, &len, NULL), DOCTAG_EINVAL);
}

/* The well-formed aliases (out-parameters first) do what the old calls do. */
static void test_aliases_take_out_params_first(void **state)
{
  fixture *f = *state;
  void *data = (void *)1;
  size_t len = 1;
  char *name = (char *)1;
  assert_int_equal(doctag_url_fetch(f->ctx, &data, &len, &name, "http://127.0.0.1:9/x.pdf", NULL), DOCTAG_EURL);
  assert_null(data);
  assert_int_equal(len, 0);
  assert_null(name);
  assert_int_equal(doctag_url_fetch(f->ctx, &data, &len, NULL, "ftp://example.com/x.pdf", NULL), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "Must start with http:// or https://"));

  static const char list[] = "Alpha, beta\n# a comment\n  Gamma Delta  \n";
  char **old = NULL, **now = NULL;
  size_t n_old = 0, n_now = 0;
  assert_int_equal(doctag_terms_parse(f->ctx, list, strlen(list), &old, &n_old), DOCTAG_OK);
  assert_int_equal(doctag_terms_from_buffer(NULL, &now, &n_now, list, strlen(list)), DOCTAG_OK);
  assert_int_equal(n_now, 3);
  assert_int_equal(n_now, n_old);
  for (size_t i = 0; i < n_now; i++)
    assert_string_equal(now[i], old[i]);
  assert_string_equal(now[0], "alpha");
  assert_string_equal(now[2], "gamma delta");
  assert_null(now[3]);
  doctag_strv_free(old);
  doctag_strv_free(now);
  /* A PDF list is read through the context; without one it is refused. */
  assert_int_equal(doctag_terms_from_buffer(NULL, &now, NULL, f->pdf, f->pdf_len), DOCTAG_EINVAL);
  assert_null(now);
  assert_int_equal(doctag_terms_from_buffer(f->ctx, &now, &n_now, f->pdf, f->pdf_len), DOCTAG_OK);
  assert_true(n_now > 0);
  doctag_strv_free(now);
  assert_int_equal(doctag_terms_from_buffer(f->ctx, NULL, NULL, list, strlen(list)), DOCTAG_EINVAL);
}

/* The job of a document, from its detail. */
static char *job_of(fixture *f, const char *user, const char *doc_id)
{
  doctag_document_detail *d = NULL;
  assert_int_equal(doctag_history_document(f->ctx, &d, user, doc_id), DOCTAG_OK);
  char *job = g_strdup(doctag_document_detail_record(d)->job_id);
  doctag_document_detail_free(d);
  return job;
}

static bool blob_exists(fixture *f, const char *sha)
{
  GBytes *b = NULL;
  doctag_status st = blob_get(f->ctx, sha, 0, &b);
  if (b)
    g_bytes_unref(b);
  return st == DOCTAG_OK;
}

static void test_deleting_jobs_removes_unreferenced_blobs(void **state)
{
  fixture *f = *state;
  /* Two single jobs of Bob's on the same bytes share one blob. */
  doctag_result *one = process_as(f, f->bob, 5), *two = process_as(f, f->bob, 6);
  char *sha = g_strdup(doctag_result_sha256(one));
  assert_string_equal(sha, doctag_result_sha256(two));
  assert_true(blob_exists(f, sha));
  char *job1 = job_of(f, f->bob, doctag_result_document_id(one));
  char *job2 = job_of(f, f->bob, doctag_result_document_id(two));

  /* Alice cannot delete Bob's job. */
  assert_int_equal(doctag_history_job_delete(f->ctx, f->alice, job1), DOCTAG_ENOTFOUND);
  assert_int_equal(doctag_history_job_delete(f->ctx, f->bob, job1), DOCTAG_OK);
  assert_true(blob_exists(f, sha));  /* still referenced by the second job */
  void *data = NULL;
  size_t len = 0;
  assert_int_equal(doctag_history_document_file(f->ctx, f->bob, doctag_result_document_id(two), &data, &len, NULL),
                   DOCTAG_OK);
  doctag_free(data);
  assert_int_equal(doctag_history_job_delete(f->ctx, f->bob, job2), DOCTAG_OK);
  /* Alice's documents of the same bytes (the first test) keep it alive... */
  doctag_document_list *docs = NULL;
  assert_int_equal(doctag_history_documents(f->ctx, &docs, f->alice, 50, 0), DOCTAG_OK);
  bool alice_has = doctag_document_list_count(docs) > 0;
  doctag_document_list_free(docs);
  assert_true(blob_exists(f, sha) == alice_has);
  /* ...and once they go, so does the blob. */
  doctag_job_list *jobs = NULL;
  assert_int_equal(doctag_history_jobs(f->ctx, &jobs, f->alice, 100, 0, NULL), DOCTAG_OK);
  for (size_t i = 0; i < doctag_job_list_count(jobs); i++)
    assert_int_equal(doctag_history_job_delete(f->ctx, f->alice, doctag_job_list_at(jobs, i)->id), DOCTAG_OK);
  doctag_job_list_free(jobs);
  assert_false(blob_exists(f, sha));
  assert_int_equal(doctag_history_job_delete(f->ctx, f->bob, job2), DOCTAG_ENOTFOUND);
  g_free(sha);
  g_free(job1);
  g_free(job2);
  doctag_result_free(one);
  doctag_result_free(two);
}

static void test_text_cap_is_configurable(void **state)
{
  fixture *f = *state;
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.max_text_bytes = 100;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  char *user = register_user(ctx, "carol@example.com");
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.user_id = user;
  doctag_result *r = NULL;
  assert_int_equal(doctag_process_buffer(ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_OK);
  assert_true(doctag_result_text_length(r) > 100);  /* the result itself is whole */
  doctag_document_detail *d = NULL;
  assert_int_equal(doctag_history_document(ctx, &d, user, doctag_result_document_id(r)), DOCTAG_OK);
  const doctag_document_record *rec = doctag_document_detail_record(d);
  assert_true(rec->extracted_text_length <= 100);
  assert_true(rec->extracted_text_length > 50);
  assert_true(g_utf8_validate(rec->extracted_text, -1, NULL));
  /* The cut is a warning, in the result and in the history's metadata. */
  assert_int_equal(doctag_result_warning_count(r), 1);
  const char *w = doctag_result_warning_at(r, 0);
  assert_true(g_str_has_prefix(w, "Text truncated to 0 KB of "));
  assert_non_null(strstr(w, "DOCTAG_MAX_TEXT_KB"));
  json_t *meta = json_loads(rec->processing_metadata_json, 0, NULL);
  assert_non_null(meta);
  assert_int_equal(json_array_size(json_object_get(meta, "warnings")), 1);
  assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "warnings"), 0)), w);
  json_decref(meta);
  doctag_document_detail_free(d);
  doctag_result_free(r);
  g_free(user);
  g_free(dir);
  doctag_ctx_free(ctx);
}

/* A model that needs a key, and none known (the test context reads no
 * environment): the offline tagger with a warning, or with strict an error
 * that records nothing. */
static void test_missing_key_warns_or_fails_when_strict(void **state)
{
  fixture *f = *state;
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "openai/gpt-4o-mini";
  o.user_id = f->alice;
  doctag_result *r = NULL;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_OK);
  assert_string_equal(doctag_result_model_name(r), "local");
  assert_true(doctag_result_tag_count(r) > 0);
  assert_int_equal(doctag_result_warning_count(r), 1);
  assert_string_equal(doctag_result_warning_at(r, 0),
                      "No API key for model 'openai/gpt-4o-mini': tagged with the offline tagger");
  char *json = NULL;
  assert_int_equal(doctag_result_to_json(r, &json), DOCTAG_OK);
  assert_non_null(strstr(json, "\"warnings\":[\"No API key for model 'openai/gpt-4o-mini'"));
  doctag_free(json);
  doctag_document_detail *d = NULL;
  assert_int_equal(doctag_history_document(f->ctx, &d, f->alice, doctag_result_document_id(r)), DOCTAG_OK);
  assert_non_null(strstr(doctag_document_detail_record(d)->processing_metadata_json, "No API key for model"));
  doctag_document_detail_free(d);
  doctag_result_free(r);

  /* The default model (NULL) is not "local" either. */
  o.model_name = NULL;
  o.user_id = NULL;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_OK);
  assert_string_equal(doctag_result_warning_at(r, 0),
                      "No API key for model 'openai/gpt-4o-mini': tagged with the offline tagger");
  doctag_result_free(r);

  /* "local" asked for: nothing to warn about. */
  o.model_name = "local";
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_OK);
  assert_int_equal(doctag_result_warning_count(r), 0);
  doctag_result_free(r);
  o.strict = true;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_OK);
  doctag_result_free(r);

  doctag_job_list *before = NULL, *after = NULL;
  assert_int_equal(doctag_history_jobs(f->ctx, &before, f->bob, 100, 0, NULL), DOCTAG_OK);
  o.model_name = "anthropic/claude-3.5-sonnet";
  o.user_id = f->bob;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o), DOCTAG_EINVAL);
  assert_null(r);
  assert_string_equal(doctag_error_last()->message, "No API key for model 'anthropic/claude-3.5-sonnet'");
  assert_int_equal(doctag_tag_text(f->ctx, &r, "plenty of words about water tariffs and meters and bills here",
                                   61, NULL, &o), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->message, "No API key for model 'anthropic/claude-3.5-sonnet'");
  /* With a key in the request the strict call goes on to the LLM (which
   * fails here: no network), so it is not the key error. */
  o.api_key = "sk-test";
  o.timeout_sec = 2;
  doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, &o);
  assert_true(strstr(doctag_error_last()->message, "No API key") == NULL);
  doctag_result_free(r);
  r = NULL;
  assert_int_equal(doctag_history_jobs(f->ctx, &after, f->bob, 100, 0, NULL), DOCTAG_OK);
  /* the refused call left nothing in history (the LLM failure is recorded) */
  assert_int_equal(doctag_job_list_total(after), doctag_job_list_total(before) + 1);
  doctag_job_list_free(before);
  doctag_job_list_free(after);
}

/* A caller built against version 1 of the options passes a shorter struct:
 * the library reads none of the later fields (strict stays false). */
static void test_version_1_options_are_read_as_version_1(void **state)
{
  fixture *f = *state;
  size_t v1 = offsetof(doctag_process_options, strict);
  /* The v1 struct sits at the end of a page-sized buffer filled with 0xff:
   * reading past it would see strict = true (and fail the call). */
  unsigned char *buf = g_malloc(4096);
  memset(buf, 0xff, 4096);
  doctag_process_options init = DOCTAG_PROCESS_OPTIONS_INIT;
  init.version = 1;
  init.model_name = "openai/gpt-4o-mini";
  unsigned char *at = buf + 4096 - sizeof init;
  memcpy(at, &init, v1);
  doctag_result *r = NULL;
  assert_int_equal(doctag_process_buffer(f->ctx, &r, f->pdf, f->pdf_len, (doctag_process_options *)at), DOCTAG_OK);
  assert_int_equal(doctag_result_warning_count(r), 1);
  doctag_result_free(r);
  doctag_process_options v2;
  assert_int_equal(doctag_process_options_init(&v2, 2), DOCTAG_OK);
  assert_false(v2.strict);
  assert_int_equal(doctag_process_options_init(&v2, DOCTAG_PROCESS_OPTIONS_VERSION + 1), DOCTAG_EINVAL);
  g_free(buf);
}

/* The shortest English text document of at least 3 pages, and its truth. */
static char *text_pdf_of_pages(unsigned int min_pages, unsigned int *pages, char **truth)
{
  size_t i;
  json_t *e, *best = NULL;
  json_array_foreach(tu_manifest(), i, e) {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *lang = json_string_value(json_object_get(e, "lang"));
    json_int_t n = json_integer_value(json_object_get(e, "pages"));
    if (kind && !strcmp(kind, "text") && lang && !strcmp(lang, "eng") && n >= min_pages &&
        json_is_string(json_object_get(e, "truth")) && !json_is_true(json_object_get(e, "benchmark")) &&
        (!best || n < json_integer_value(json_object_get(best, "pages"))))
      best = e;
  }
  if (!best)
    fail_msg("no English text document of %u pages in the manifest", min_pages);
  *pages = (unsigned int)json_integer_value(json_object_get(best, "pages"));
  char *tpath = tu_corpus_path(json_string_value(json_object_get(best, "truth")));
  *truth = tu_read(tpath, NULL);
  g_free(tpath);
  return tu_corpus_path(json_string_value(json_object_get(best, "path")));
}

static int note_index(const doctag_page_info *page, void *data)
{
  GArray *seen = data;
  g_array_append_val(seen, page->index);
  return 0;
}

/* first_page (options version 3): processing tags num_pages pages from it,
 * extraction reads from it to the end, the result's pages and their JSON
 * say which pages they are, a page past the end is a refusal naming the
 * field, and a version-2 caller's struct is not read past its end. */
static void test_first_page_starts_reading_there(void **state)
{
  fixture *f = *state;
  unsigned int n = 0;
  char *truth = NULL;
  char *path = text_pdf_of_pages(3, &n, &truth);
  gchar **tpages = g_strsplit(truth, "\f", -1);
  assert_true(g_strv_length(tpages) >= n);
  char *want = g_strjoin("\f", tpages[1], tpages[2], NULL);

  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  GArray *seen = g_array_new(FALSE, FALSE, sizeof(unsigned int));
  o.model_name = "local";
  o.first_page = 2;
  o.num_pages = 2;
  o.on_page = note_index;
  o.on_page_data = seen;
  doctag_result *r = NULL;
  if (doctag_process_file(f->ctx, &r, path, &o))
    fail_msg("%s: %s", path, doctag_error_last()->message);
  assert_int_equal(doctag_result_page_count(r), n);
  assert_int_equal(doctag_result_pages_read(r), 2);
  assert_int_equal(doctag_result_first_page(r), 2);
  /* the text is pages 2 and 3, not page 1 */
  double err = tu_word_error(want, doctag_result_text(r));
  printf("  pages 2-3 of %u: word error %.3f\n", n, err);
  assert_true(err <= 0.05);
  assert_true(tu_word_error(tpages[1], doctag_result_page_text(r, 0)) <= 0.05);
  assert_int_equal(seen->len, 2);
  assert_int_equal(g_array_index(seen, unsigned int, 0), 1);
  assert_int_equal(g_array_index(seen, unsigned int, 1), 2);
  assert_true(doctag_result_tag_count(r) > 0);
  char *json = NULL;
  assert_int_equal(doctag_result_to_json(r, &json), DOCTAG_OK);
  json_t *j = json_loads(json, 0, NULL);
  json_t *jp = json_object_get(j, "pages");
  assert_int_equal(json_array_size(jp), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(jp, 0), "page")), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(jp, 1), "page")), 3);
  json_decref(j);
  doctag_free(json);

  /* The title is the document's, from its first page, wherever reading
   * starts; the history records where it started. */
  doctag_process_options whole = DOCTAG_PROCESS_OPTIONS_INIT;
  whole.model_name = "local";
  doctag_result *w = NULL;
  assert_int_equal(doctag_process_file(f->ctx, &w, path, &whole), DOCTAG_OK);
  printf("  title from page 1: \"%s\"; reading from page 2: \"%s\"\n", doctag_result_title(w),
         doctag_result_title(r));
  assert_string_equal(doctag_result_title(r), doctag_result_title(w));
  doctag_result_free(w);
  doctag_result_free(r);
  o.on_page = NULL;
  o.user_id = f->alice;
  assert_int_equal(doctag_process_file(f->ctx, &r, path, &o), DOCTAG_OK);
  char *job = job_of(f, f->alice, doctag_result_document_id(r));
  doctag_job_detail *jd = NULL;
  assert_int_equal(doctag_history_job(f->ctx, &jd, f->alice, job), DOCTAG_OK);
  json_t *cfg = json_loads(doctag_job_detail_job(jd)->config_json, 0, NULL);
  assert_int_equal(json_integer_value(json_object_get(cfg, "first_page")), 2);
  json_decref(cfg);
  doctag_job_detail_free(jd);
  g_free(job);
  doctag_result_free(r);
  o.user_id = NULL;

  /* extraction: from the last page to the end is that page */
  o.on_page = NULL;
  o.first_page = n;
  assert_int_equal(doctag_extract_file(f->ctx, &r, path, &o), DOCTAG_OK);
  assert_int_equal(doctag_result_pages_read(r), 1);
  assert_int_equal(doctag_result_first_page(r), n);
  assert_true(tu_word_error(tpages[n - 1], doctag_result_text(r)) <= 0.05);
  doctag_result_free(r);

  /* past the end: refused, naming the field and the page count */
  o.first_page = n + 1;
  assert_int_equal(doctag_process_file(f->ctx, &r, path, &o), DOCTAG_EINVAL);
  assert_null(r);
  assert_string_equal(doctag_error_last()->field, "first_page");
  char *count = g_strdup_printf("has %u pages", n);
  assert_non_null(strstr(doctag_error_last()->message, count));
  g_free(count);

  /* a version-2 struct ends before first_page: 0xff past it is not read */
  unsigned char *buf = g_malloc(4096);
  memset(buf, 0xff, 4096);
  doctag_process_options v2 = DOCTAG_PROCESS_OPTIONS_INIT;
  v2.version = 2;
  v2.model_name = "local";
  unsigned char *at = buf + 4096 - sizeof v2;
  memcpy(at, &v2, offsetof(doctag_process_options, first_page));
  assert_int_equal(doctag_process_file(f->ctx, &r, path, (doctag_process_options *)at), DOCTAG_OK);
  assert_int_equal(doctag_result_first_page(r), 1);
  doctag_result_free(r);
  doctag_process_options v3;
  assert_int_equal(doctag_process_options_init(&v3, 3), DOCTAG_OK);
  assert_int_equal(v3.first_page, 0);
  g_free(buf);

  g_array_free(seen, TRUE);
  g_free(want);
  g_strfreev(tpages);
  g_free(truth);
  g_free(path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_recorded_downloaded_reprocessed),
    cmocka_unit_test(test_failure_is_history_too),
    cmocka_unit_test(test_fetch_url_is_guarded),
    cmocka_unit_test(test_aliases_take_out_params_first),
    cmocka_unit_test(test_deleting_jobs_removes_unreferenced_blobs),
    cmocka_unit_test(test_text_cap_is_configurable),
    cmocka_unit_test(test_missing_key_warns_or_fails_when_strict),
    cmocka_unit_test(test_version_1_options_are_read_as_version_1),
    cmocka_unit_test(test_first_page_starts_reading_there),
  };
  return cmocka_run_group_tests_name("process_history", tests, setup, teardown);
}
