/* History: recording, every query, ownership isolation, ranked English and
 * Hindi search, statistics, batch recording; on SQLite and PostgreSQL. */
#include "store_fixture.h"
#include "doctag/history.h"
#include "history/history.h"
#include "core/embedded.h"
#include "core/error.h"
#include "process/process.h"

#include <math.h>

/* A user inserted directly (no password hashing: it is not under test). */
static char *user(fx *f, const char *email)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  char *id = store_uuid_new();
  store_param p[] = { SP_T(id), SP_T(email), SP_T("x"), SP_N, SP_B(true), SP_B(false), SP_I(store_now_us()) };
  assert_ok(store_query(s, ST_USER_INSERT, p, 7, NULL));
  return id;
}

typedef struct doc_spec {
  const char *title;
  const char *tags[4];
  const char *text;
  const char *status;
  const char *error;
} doc_spec;

/* Records one single job; returns the document id, *job the job id. */
static char *record(fx *f, const char *uid, const doc_spec *d, char **job)
{
  size_t n = 0;
  while (n < 4 && d->tags[n])
    n++;
  history_doc h = {
    .title = d->title,
    .file_path = "/data/in.pdf",
    .file_source_type = "local",
    .sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    .file_size = 12345,
    .status = d->status ? d->status : "completed",
    .tags = d->tags,
    .tag_count = n,
    .text = d->text,
    .text_len = d->text ? strlen(d->text) : 0,
    .metadata_json = "{\"page_count\":3,\"is_scanned\":false}",
    .error_message = d->error,
  };
  char *doc = NULL, *jid = NULL;
  assert_ok(history_record_single(f->ctx, uid, "{\"model_name\":\"local\",\"num_tags\":8,\"api_key\":\"sk-secret\"}",
                                  &h, store_now_us() - 1500000, &jid, &doc));
  if (job)
    *job = jid;
  else
    g_free(jid);
  return doc;
}

static json_t *parse(char *json)
{
  json_error_t e;
  json_t *j = json_loads(json, 0, &e);
  if (!j)
    fail_msg("bad JSON (%s): %s", e.text, json);
  doctag_free(json);
  return j;
}

/* The object's keys are exactly `keys` (NULL-terminated). */
static void assert_keys(json_t *o, const char *const *keys)
{
  size_t n = 0;
  for (; keys[n]; n++)
    if (!json_object_get(o, keys[n]))
      fail_msg("missing key %s", keys[n]);
  assert_int_equal(json_object_size(o), n);
}

static const char *const JOB_KEYS[] = { "id", "job_type", "status", "total_documents", "processed_count",
                                        "failed_count", "started_at", "completed_at", "created_at", NULL };
static const char *const JOB_DETAIL_KEYS[] = { "id", "job_type", "status", "total_documents", "processed_count",
                                               "failed_count", "started_at", "completed_at", "created_at",
                                               "config", "error_message", "documents", NULL };
static const char *const DOC_KEYS[] = { "id", "title", "file_path", "file_source_type", "status", "tags",
                                        "error_message", "processed_at", "created_at", NULL };
static const char *const DOC_FULL_KEYS[] = { "id", "title", "file_path", "file_source_type", "status", "tags",
                                             "error_message", "processed_at", "created_at", "job_id",
                                             "file_size", "mime_type", "extracted_text",
                                             "processing_metadata", NULL };

static void test_record_and_read_back(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com"), *jid;
  doc_spec d = { "Annual Report", { "finance", "annual report", "  ", NULL }, "Revenue grew.\fPage two.", NULL, NULL };
  char *did = record(f, uid, &d, &jid);
  assert_true(store_uuid_valid(did));

  doctag_job_detail *job = NULL;
  assert_ok(doctag_history_job(f->ctx, &job, uid, jid));
  const doctag_job_record *j = doctag_job_detail_job(job);
  assert_string_equal(j->id, jid);
  assert_string_equal(j->job_type, "single");
  assert_string_equal(j->status, "completed");
  assert_int_equal(j->total_documents, 1);
  assert_int_equal(j->processed_count, 1);
  assert_int_equal(j->failed_count, 0);
  assert_non_null(j->started_at);
  assert_non_null(j->completed_at);
  assert_true(strcmp(j->started_at, j->completed_at) < 0);
  assert_null(j->error_message);
  /* The API key never reaches the database. */
  assert_null(strstr(j->config_json, "sk-secret"));
  assert_null(strstr(j->config_json, "api_key"));
  assert_non_null(strstr(j->config_json, "\"model_name\""));
  assert_int_equal(doctag_job_detail_document_count(job), 1);
  const doctag_document_record *jd = doctag_job_detail_document_at(job, 0);
  assert_string_equal(jd->id, did);
  assert_null(doctag_job_detail_document_at(job, 1));
  char *json;
  assert_ok(doctag_job_detail_to_json(job, &json));
  json_t *o = parse(json);
  assert_keys(o, JOB_DETAIL_KEYS);
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "config"), "model_name")), "local");
  assert_true(json_is_null(json_object_get(o, "error_message")));
  json_t *docs = json_object_get(o, "documents");
  assert_int_equal(json_array_size(docs), 1);
  assert_keys(json_array_get(docs, 0), DOC_KEYS);
  json_decref(o);
  doctag_job_detail_free(job);

  doctag_document_detail *doc = NULL;
  assert_ok(doctag_history_document(f->ctx, &doc, uid, did));
  const doctag_document_record *r = doctag_document_detail_record(doc);
  assert_string_equal(r->id, did);
  assert_string_equal(r->job_id, jid);
  assert_string_equal(r->title, "Annual Report");
  assert_string_equal(r->file_path, "/data/in.pdf");
  assert_string_equal(r->file_source_type, "local");
  assert_string_equal(r->status, "completed");
  assert_int_equal(r->tag_count, 2); /* the blank tag is dropped */
  assert_string_equal(r->tags[0], "finance");
  assert_string_equal(r->tags[1], "annual report");
  assert_int_equal(r->file_size, 12345);
  assert_string_equal(r->mime_type, "application/pdf");
  assert_string_equal(r->extracted_text, "Revenue grew.\fPage two.");
  assert_int_equal(r->extracted_text_length, strlen("Revenue grew.\fPage two."));
  assert_string_equal(r->sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  assert_non_null(r->processed_at);
  assert_ok(doctag_document_detail_to_json(doc, &json));
  o = parse(json);
  assert_keys(o, DOC_FULL_KEYS);
  assert_int_equal(json_integer_value(json_object_get(o, "file_size")), 12345);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "processing_metadata"), "page_count")), 3);
  assert_string_equal(json_string_value(json_object_get(o, "extracted_text")), "Revenue grew.\fPage two.");
  assert_string_equal(json_string_value(json_array_get(json_object_get(o, "tags"), 1)), "annual report");
  json_decref(o);
  doctag_document_detail_free(doc);
  g_free(did);
  g_free(jid);
  g_free(uid);
}

static void test_record_failure(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com"), *jid;
  doc_spec d = { "broken.pdf", { NULL }, NULL, "failed", "PDF extraction failed: not a PDF" };
  char *did = record(f, uid, &d, &jid);
  doctag_job_detail *job = NULL;
  assert_ok(doctag_history_job(f->ctx, &job, uid, jid));
  const doctag_job_record *j = doctag_job_detail_job(job);
  assert_string_equal(j->status, "failed");
  assert_int_equal(j->processed_count, 0);
  assert_int_equal(j->failed_count, 1);
  assert_string_equal(j->error_message, "PDF extraction failed: not a PDF");
  const doctag_document_record *r = doctag_job_detail_document_at(job, 0);
  assert_string_equal(r->status, "failed");
  assert_string_equal(r->error_message, "PDF extraction failed: not a PDF");
  assert_int_equal(r->tag_count, 0);
  doctag_job_detail_free(job);
  doctag_document_detail *doc = NULL;
  assert_ok(doctag_history_document(f->ctx, &doc, uid, did));
  assert_null(doctag_document_detail_record(doc)->extracted_text);
  doctag_document_detail_free(doc);

  /* Bad records are refused before anything is written. */
  history_doc bad = { .status = "done" };
  assert_status(history_record_single(f->ctx, uid, NULL, &bad, 0, NULL, NULL), DOCTAG_EINVAL);
  history_doc badsha = { .status = "completed", .sha256 = "XYZ" };
  assert_status(history_record_single(f->ctx, uid, NULL, &badsha, 0, NULL, NULL), DOCTAG_EINVAL);
  history_doc badmeta = { .status = "completed", .metadata_json = "[1,2]" };
  assert_status(history_record_single(f->ctx, uid, NULL, &badmeta, 0, NULL, NULL), DOCTAG_EINVAL);
  history_doc ok = { .status = "completed" };
  assert_status(history_record_single(f->ctx, uid, "not json", &ok, 0, NULL, NULL), DOCTAG_EINVAL);
  char *nobody = store_uuid_new();
  assert_status(history_record_single(f->ctx, nobody, NULL, &ok, 0, NULL, NULL), DOCTAG_ENOTFOUND);
  assert_status(history_record_single(f->ctx, "nobody", NULL, &ok, 0, NULL, NULL), DOCTAG_ENOTFOUND);
  doctag_job_list *l = NULL;
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 0, 0, NULL));
  assert_int_equal(doctag_job_list_total(l), 1);
  doctag_job_list_free(l);
  g_free(nobody);
  g_free(did);
  g_free(jid);
  g_free(uid);
}

static void test_jobs_list(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  char *jobs[7];
  for (int i = 0; i < 7; i++) {
    char *title = g_strdup_printf("doc %d", i);
    doc_spec d = { title, { NULL }, "text", i % 3 == 2 ? "failed" : "completed", i % 3 == 2 ? "boom" : NULL };
    g_free(record(f, uid, &d, &jobs[i]));
    g_free(title);
  }
  doctag_job_list *l = NULL;
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 3, 0, NULL));
  assert_int_equal(doctag_job_list_total(l), 7);
  assert_int_equal(doctag_job_list_count(l), 3);
  /* Newest first. */
  for (int i = 0; i < 3; i++)
    assert_string_equal(doctag_job_list_at(l, (size_t)i)->id, jobs[6 - i]);
  assert_null(doctag_job_list_at(l, 3));
  assert_null(doctag_job_list_at(l, 0)->config_json);
  char *json;
  assert_ok(doctag_job_list_to_json(l, &json));
  json_t *o = parse(json);
  const char *const keys[] = { "jobs", "total", "limit", "offset", NULL };
  assert_keys(o, keys);
  assert_int_equal(json_integer_value(json_object_get(o, "limit")), 3);
  assert_int_equal(json_integer_value(json_object_get(o, "total")), 7);
  assert_keys(json_array_get(json_object_get(o, "jobs"), 0), JOB_KEYS);
  json_decref(o);
  doctag_job_list_free(l);

  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 3, 6, NULL));
  assert_int_equal(doctag_job_list_count(l), 1);
  assert_string_equal(doctag_job_list_at(l, 0)->id, jobs[0]);
  doctag_job_list_free(l);
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 3, 70, NULL));
  assert_int_equal(doctag_job_list_count(l), 0);
  assert_int_equal(doctag_job_list_total(l), 7);
  doctag_job_list_free(l);
  /* Status filter. */
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 0, 0, "failed"));
  assert_int_equal(doctag_job_list_total(l), 2);
  assert_int_equal(doctag_job_list_count(l), 2);
  for (size_t i = 0; i < 2; i++)
    assert_string_equal(doctag_job_list_at(l, i)->status, "failed");
  doctag_job_list_free(l);
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 0, 0, "paused' OR '1'='1"));
  assert_int_equal(doctag_job_list_total(l), 0);
  doctag_job_list_free(l);
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 0, 0, ""));
  assert_int_equal(doctag_job_list_total(l), 7);
  doctag_job_list_free(l);
  /* Limits. */
  l = (doctag_job_list *)1;
  assert_status(doctag_history_jobs(f->ctx, &l, uid, 101, 0, NULL), DOCTAG_EINVAL);
  assert_null(l);
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 100, 0, NULL));
  doctag_job_list_free(l);
  assert_status(doctag_history_jobs(f->ctx, &l, NULL, 10, 0, NULL), DOCTAG_EINVAL);
  assert_status(doctag_history_jobs(NULL, &l, uid, 10, 0, NULL), DOCTAG_EINVAL);
  assert_status(doctag_history_jobs(f->ctx, NULL, uid, 10, 0, NULL), DOCTAG_EINVAL);
  for (int i = 0; i < 7; i++)
    g_free(jobs[i]);
  g_free(uid);
}

static void test_documents_list(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  char *docs[5];
  for (int i = 0; i < 5; i++) {
    char *title = g_strdup_printf("doc %d", i);
    doc_spec d = { title, { "t1", "t2", NULL }, "text", NULL, NULL };
    docs[i] = record(f, uid, &d, NULL);
    g_free(title);
  }
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_documents(f->ctx, &l, uid, 2, 1));
  assert_int_equal(doctag_document_list_total(l), 5);
  assert_int_equal(doctag_document_list_count(l), 2);
  assert_string_equal(doctag_document_list_at(l, 0)->id, docs[3]);
  assert_string_equal(doctag_document_list_at(l, 1)->id, docs[2]);
  assert_null(doctag_document_list_at(l, 0)->extracted_text);
  assert_int_equal(doctag_document_list_at(l, 0)->tag_count, 2);
  char *json;
  assert_ok(doctag_document_list_to_json(l, &json));
  json_t *o = parse(json);
  const char *const keys[] = { "documents", "total", NULL };
  assert_keys(o, keys);
  assert_keys(json_array_get(json_object_get(o, "documents"), 0), DOC_KEYS);
  json_decref(o);
  doctag_document_list_free(l);
  assert_status(doctag_history_documents(f->ctx, &l, uid, 1000, 0), DOCTAG_EINVAL);
  for (int i = 0; i < 5; i++)
    g_free(docs[i]);
  g_free(uid);
}

/* Pages by offset (the contract's paging): walked in turn they give every
 * one of the user's documents and jobs once, newest first, whatever other
 * users hold between them; a new document shifts the pages by one. */
static void test_pages_walk_the_list(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  char *docs[8], *jobs[8];
  for (int i = 0; i < 7; i++) {
    doc_spec d = { "Alice", { "t", NULL }, "text", NULL, NULL }, b = { "Bob", { "t", NULL }, "text", NULL, NULL };
    docs[i] = record(f, alice, &d, &jobs[i]);
    g_free(record(f, bob, &b, NULL));
  }
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? 8 : 7;
    for (unsigned int off = 0; off < (unsigned int)n; off += 3) {
      doctag_document_list *l = NULL;
      assert_ok(doctag_history_documents(f->ctx, &l, alice, 3, off));
      assert_int_equal(doctag_document_list_total(l), n);
      doctag_job_list *jl = NULL;
      assert_ok(doctag_history_jobs(f->ctx, &jl, alice, 3, off, NULL));
      assert_int_equal(doctag_job_list_total(jl), n);
      size_t want = (size_t)n - off < 3 ? (size_t)n - off : 3;
      assert_int_equal(doctag_document_list_count(l), want);
      assert_int_equal(doctag_job_list_count(jl), want);
      for (size_t i = 0; i < want; i++) {
        assert_string_equal(doctag_document_list_at(l, i)->id, docs[n - 1 - off - i]);
        assert_string_equal(doctag_job_list_at(jl, i)->id, jobs[n - 1 - off - i]);
      }
      doctag_document_list_free(l);
      doctag_job_list_free(jl);
    }
    if (!pass) {
      doc_spec d = { "Alice late", { "t", NULL }, "text", NULL, NULL };
      docs[7] = record(f, alice, &d, &jobs[7]);
    }
  }
  for (int i = 0; i < 8; i++) {
    g_free(docs[i]);
    g_free(jobs[i]);
  }
  g_free(alice);
  g_free(bob);
}

/* Gives job (or document) `id` the creation time of `from`'s (the SQL is a
 * literal: exec_sql may keep it prepared by its address). */
static void same_created(fx *f, bool job, const char *id, const char *from)
{
  static const char *const sql[2][2] = {
    { "UPDATE documents SET created_at = (SELECT created_at FROM documents WHERE id = ?2) WHERE id = ?1",
      "UPDATE jobs SET created_at = (SELECT created_at FROM jobs WHERE id = ?2) WHERE id = ?1" },
    { "UPDATE documents SET created_at = (SELECT created_at FROM documents WHERE id = $2::uuid) WHERE id = $1::uuid",
      "UPDATE jobs SET created_at = (SELECT created_at FROM jobs WHERE id = $2::uuid) WHERE id = $1::uuid" },
  };
  struct store *s;
  store_conn *c;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  store_param p[] = { SP_T(id), SP_T(from) };
  store_rows r = { 0 };
  assert_ok(store_exec_sql(c, sql[f->pg][job], p, 2, &r));
  assert_int_equal(r.changes, 1);
  store_rows_clear(&r);
  store_release(s, c);
}

static int strcmp_ptr(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Pages keep the list's whole order where creation times tie: documents
 * created at the same instant come newest recorded first, jobs by id. Of
 * nine documents (and their nine jobs), the first five take the seventh's
 * creation time, so the list is 8, 7, then 6 and 0-4 tied, then 5 (older
 * than the tie, though recorded after 0-4). Every page of 2 and 4 at every
 * offset is that list's slice; the lists' statements run often enough for
 * PostgreSQL to plan them once for any limit and offset. */
static void test_pages_keep_ties_in_order(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  enum { N = 9 };
  char *docs[N], *jobs[N];
  for (int i = 0; i < N; i++) {
    doc_spec d = { "Alice", { "t", NULL }, "text", NULL, NULL }, b = { "Bob", { "t", NULL }, "text", NULL, NULL };
    docs[i] = record(f, alice, &d, &jobs[i]);
    char *bj, *bd = record(f, bob, &b, &bj);
    if (i < 5) { /* the other user's records tie with hers too */
      same_created(f, false, bd, docs[i]);
      same_created(f, true, bj, jobs[i]);
    }
    g_free(bd);
    g_free(bj);
  }
  for (int i = 0; i < 5; i++) {
    same_created(f, false, docs[i], docs[6]);
    same_created(f, true, jobs[i], jobs[6]);
  }
  const char *want_docs[N] = { docs[8], docs[7], docs[6], docs[4], docs[3], docs[2], docs[1], docs[0], docs[5] };
  const char *want_jobs[N] = { jobs[8], jobs[7], jobs[6], jobs[0], jobs[1], jobs[2], jobs[3], jobs[4], jobs[5] };
  qsort(want_jobs + 2, 6, sizeof *want_jobs, strcmp_ptr);
  for (unsigned int limit = 2; limit <= 4; limit += 2)
    for (unsigned int off = 0; off <= N; off++) {
      doctag_document_list *l = NULL;
      doctag_job_list *jl = NULL;
      assert_ok(doctag_history_documents(f->ctx, &l, alice, limit, off));
      assert_ok(doctag_history_jobs(f->ctx, &jl, alice, limit, off, off % 2 ? "completed" : NULL));
      size_t want = N - off < limit ? N - off : limit;
      assert_int_equal(doctag_document_list_count(l), want);
      assert_int_equal(doctag_job_list_count(jl), want);
      for (size_t i = 0; i < want; i++) {
        assert_string_equal(doctag_document_list_at(l, i)->id, want_docs[off + i]);
        assert_string_equal(doctag_job_list_at(jl, i)->id, want_jobs[off + i]);
      }
      doctag_document_list_free(l);
      doctag_job_list_free(jl);
    }
  for (int i = 0; i < N; i++) {
    g_free(docs[i]);
    g_free(jobs[i]);
  }
  g_free(alice);
  g_free(bob);
}

static void test_delete_job(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com"), *jid, *keep_jid;
  doc_spec d = { "Zanzibar spice trade", { "spice", NULL }, "cloves and nutmeg", NULL, NULL };
  char *did = record(f, uid, &d, &jid);
  doc_spec k = { "Kept", { NULL }, "cloves too", NULL, NULL };
  char *kept = record(f, uid, &k, &keep_jid);
  assert_ok(doctag_history_job_delete(f->ctx, uid, jid));
  doctag_job_detail *job = NULL;
  assert_status(doctag_history_job(f->ctx, &job, uid, jid), DOCTAG_ENOTFOUND);
  assert_string_equal(doctag_error_last()->message, "Job not found");
  doctag_document_detail *doc = NULL;
  assert_status(doctag_history_document(f->ctx, &doc, uid, did), DOCTAG_ENOTFOUND);
  assert_string_equal(doctag_error_last()->message, "Document not found");
  assert_status(doctag_history_job_delete(f->ctx, uid, jid), DOCTAG_ENOTFOUND);
  /* Its document left the search index too; the other stays. */
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_search(f->ctx, &l, uid, "cloves", 0));
  assert_int_equal(doctag_document_list_count(l), 1);
  assert_string_equal(doctag_document_list_at(l, 0)->id, kept);
  doctag_document_list_free(l);
  assert_ok(doctag_history_search(f->ctx, &l, uid, "zanzibar", 0));
  assert_int_equal(doctag_document_list_count(l), 0);
  doctag_document_list_free(l);
  assert_ok(doctag_history_documents(f->ctx, &l, uid, 0, 0));
  assert_int_equal(doctag_document_list_total(l), 1);
  doctag_document_list_free(l);
  assert_status(doctag_history_job_delete(f->ctx, uid, "not-a-uuid"), DOCTAG_ENOTFOUND);
  assert_status(doctag_history_job_delete(f->ctx, NULL, jid), DOCTAG_EINVAL);
  g_free(did);
  g_free(jid);
  g_free(kept);
  g_free(keep_jid);
  g_free(uid);
}

static void test_ownership_isolation(void **state)
{
  fx *f = *state;
  char *alice = user(f, "alice@example.com"), *bob = user(f, "bob@example.com"), *jid;
  doc_spec d = { "Alice private memo", { "private", NULL }, "quarterly secrets", NULL, NULL };
  char *did = record(f, alice, &d, &jid);

  /* Every call, as Bob, sees nothing of Alice's. */
  doctag_job_detail *job = NULL;
  assert_status(doctag_history_job(f->ctx, &job, bob, jid), DOCTAG_ENOTFOUND);
  assert_string_equal(doctag_error_last()->message, "Job not found");
  assert_null(job);
  char *json = NULL;
  assert_status(doctag_history_job_json(f->ctx, bob, jid, &json), DOCTAG_ENOTFOUND);
  assert_null(json);
  assert_status(doctag_history_job_delete(f->ctx, bob, jid), DOCTAG_ENOTFOUND);
  doctag_document_detail *doc = NULL;
  assert_status(doctag_history_document(f->ctx, &doc, bob, did), DOCTAG_ENOTFOUND);
  assert_string_equal(doctag_error_last()->message, "Document not found");
  assert_status(doctag_history_document_json(f->ctx, bob, did, &json), DOCTAG_ENOTFOUND);
  doctag_job_list *jl = NULL;
  assert_ok(doctag_history_jobs(f->ctx, &jl, bob, 0, 0, NULL));
  assert_int_equal(doctag_job_list_total(jl), 0);
  assert_int_equal(doctag_job_list_count(jl), 0);
  doctag_job_list_free(jl);
  doctag_document_list *dl = NULL;
  assert_ok(doctag_history_documents(f->ctx, &dl, bob, 0, 0));
  assert_int_equal(doctag_document_list_total(dl), 0);
  doctag_document_list_free(dl);
  assert_ok(doctag_history_search(f->ctx, &dl, bob, "quarterly secrets", 0));
  assert_int_equal(doctag_document_list_count(dl), 0);
  doctag_document_list_free(dl);
  doctag_stats *st = NULL;
  assert_ok(doctag_history_stats(f->ctx, &st, bob));
  assert_int_equal(doctag_stats_total_jobs(st), 0);
  assert_int_equal(doctag_stats_total_documents(st), 0);
  assert_int_equal(doctag_stats_recent_count(st), 0);
  doctag_stats_free(st);
  /* Batch recording into Alice's job as Bob, or moving it, is refused. */
  history_doc h = { .row_index = 5, .status = "completed", .title = "intruder" };
  assert_status(history_document_record(f->ctx, bob, jid, &h, NULL), DOCTAG_ENOTFOUND);
  /* A malformed or unknown user id owns nothing either. */
  assert_ok(doctag_history_jobs(f->ctx, &jl, "'; DROP TABLE jobs; --", 0, 0, NULL));
  assert_int_equal(doctag_job_list_total(jl), 0);
  doctag_job_list_free(jl);
  assert_status(doctag_history_job(f->ctx, &job, "garbage", jid), DOCTAG_ENOTFOUND);

  /* Alice still has everything. */
  assert_ok(doctag_history_job(f->ctx, &job, alice, jid));
  assert_int_equal(doctag_job_detail_document_count(job), 1);
  assert_string_equal(doctag_job_detail_document_at(job, 0)->title, "Alice private memo");
  doctag_job_detail_free(job);
  assert_ok(doctag_history_document(f->ctx, &doc, alice, did));
  doctag_document_detail_free(doc);
  assert_ok(doctag_history_search(f->ctx, &dl, alice, "quarterly", 0));
  assert_int_equal(doctag_document_list_count(dl), 1);
  doctag_document_list_free(dl);
  assert_ok(doctag_history_stats(f->ctx, &st, alice));
  assert_int_equal(doctag_stats_total_jobs(st), 1);
  doctag_stats_free(st);
  g_free(did);
  g_free(jid);
  g_free(alice);
  g_free(bob);
}

/* The ids of a search, in order. */
static char **search_ids(fx *f, const char *uid, const char *q)
{
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_search(f->ctx, &l, uid, q, 0));
  size_t n = doctag_document_list_count(l);
  assert_int_equal(doctag_document_list_total(l), n);
  char **ids = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++)
    ids[i] = g_strdup(doctag_document_list_at(l, i)->id);
  doctag_document_list_free(l);
  return ids;
}

/* Searching q finds n documents, the first being `first` (NULL: any). */
static void expect_search(fx *f, const char *uid, const char *q, guint n, const char *first)
{
  char **ids = search_ids(f, uid, q);
  if (g_strv_length(ids) != n)
    fail_msg("search \"%s\": %u documents, want %u", q, g_strv_length(ids), n);
  if (first && strcmp(ids[0], first))
    fail_msg("search \"%s\": first %s, want %s", q, ids[0], first);
  g_strfreev(ids);
}

static void test_search_ranking(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  /* "glacier" in the title, in the tags, in the text, nowhere. Created so
   * that creation order is the reverse of the expected ranking. */
  doc_spec in_text = { "Mountain survey", { "alps", "survey", NULL },
                       "The survey team crossed a glacier near the pass and measured snow depth.", NULL, NULL };
  doc_spec in_tags = { "Mountain survey two", { "glacier", "alps", NULL },
                       "The survey team crossed a ridge near the pass and measured snow depth.", NULL, NULL };
  doc_spec in_title = { "Glacier survey", { "alps", "survey", NULL },
                        "The survey team crossed a ridge near the pass and measured snow depth.", NULL, NULL };
  doc_spec none = { "Desert survey", { "sand", NULL }, "Dunes and wind.", NULL, NULL };
  /* ...and once, deep in a long text. */
  GString *filler = g_string_new(NULL);
  for (int i = 0; i < 200; i++)
    g_string_append_printf(filler, "The survey team walked %d more kilometres. ", i);
  g_string_append(filler, "At last a glacier.");
  doc_spec deep = { "Long walk survey", { "alps", NULL }, filler->str, NULL, NULL };
  char *dp = record(f, uid, &deep, NULL);
  g_string_free(filler, TRUE);
  char *t = record(f, uid, &in_text, NULL), *g = record(f, uid, &in_tags, NULL);
  char *ti = record(f, uid, &in_title, NULL), *n = record(f, uid, &none, NULL);
  char **ids = search_ids(f, uid, "glacier");
  assert_int_equal(g_strv_length(ids), 4);
  assert_string_equal(ids[0], ti);
  assert_string_equal(ids[1], g);
  assert_string_equal(ids[2], t);
  assert_string_equal(ids[3], dp);
  g_strfreev(ids);
  /* Case does not matter; every word must match. */
  expect_search(f, uid, "GLACIER Pass", 3, NULL);
  ids = search_ids(f, uid, "glacier dunes");
  assert_int_equal(g_strv_length(ids), 0);
  g_strfreev(ids);
  expect_search(f, uid, "dunes", 1, n);
  ids = search_ids(f, uid, "survey");
  assert_int_equal(g_strv_length(ids), 5);
  g_strfreev(ids);
  /* Limit. */
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_search(f->ctx, &l, uid, "survey", 2));
  assert_int_equal(doctag_document_list_count(l), 2);
  doctag_document_list_free(l);
  g_free(t);
  g_free(g);
  g_free(ti);
  g_free(n);
  g_free(dp);
  g_free(uid);
}

static void test_search_hindi(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doc_spec text = { "वार्षिक प्रतिवेदन", { "अर्थव्यवस्था", NULL },
                    "भारत में जलवायु परिवर्तन पर यह रिपोर्ट है। हिन्दी भाषा में लिखी गई।", NULL, NULL };
  doc_spec title = { "जलवायु नीति", { "पर्यावरण", NULL }, "सरकार की नई नीति का सारांश।", NULL, NULL };
  doc_spec mixed = { "Climate policy (जलवायु)", { "climate", NULL }, "English text with one Hindi word: नीति.",
                     NULL, NULL };
  char *dt = record(f, uid, &text, NULL), *di = record(f, uid, &title, NULL), *dm = record(f, uid, &mixed, NULL);
  /* A word with vowel signs and a virama, found whole. */
  char **ids = search_ids(f, uid, "हिन्दी");
  assert_int_equal(g_strv_length(ids), 1);
  assert_string_equal(ids[0], dt);
  g_strfreev(ids);
  /* A word before the danda. */
  expect_search(f, uid, "है", 1, NULL);
  ids = search_ids(f, uid, "सारांश");
  assert_int_equal(g_strv_length(ids), 1);
  assert_string_equal(ids[0], di);
  g_strfreev(ids);
  /* Vowel signs are not stripped: "नीति" (policy) is not "नति". */
  expect_search(f, uid, "नति", 0, NULL);
  /* Title matches rank above text matches, in Hindi too. */
  ids = search_ids(f, uid, "जलवायु");
  assert_int_equal(g_strv_length(ids), 3);
  assert_string_equal(ids[2], dt);
  g_strfreev(ids);
  ids = search_ids(f, uid, "नीति");
  assert_int_equal(g_strv_length(ids), 2);
  assert_string_equal(ids[0], di);
  assert_string_equal(ids[1], dm);
  g_strfreev(ids);
  /* Tags; and Hindi and English words together. */
  expect_search(f, uid, "पर्यावरण", 1, di);
  ids = search_ids(f, uid, "climate जलवायु");
  assert_int_equal(g_strv_length(ids), 1);
  assert_string_equal(ids[0], dm);
  g_strfreev(ids);
  g_free(dt);
  g_free(di);
  g_free(dm);
  g_free(uid);
}

static void test_search_syntax_is_text(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doc_spec a = { "Organic farming", { "farming", NULL }, "It is 100% organic, said O'Brien (the farmer).", NULL, NULL };
  doc_spec b = { "Unrelated", { NULL }, "Nothing to see here.", NULL, NULL };
  char *da = record(f, uid, &a, NULL), *db = record(f, uid, &b, NULL);
  /* Characters with meaning in SQL LIKE or FTS syntax match nothing by
   * themselves, and never everything. */
  const char *nothing[] = { "%", "_", "*", "\"", "'", "(", ")", "^", "-", ":", "%%", "\\", "' OR '1'='1",
                            "\" OR \"", "NOT", "farming NOT organic*x", "title:organic", "NEAR(organic farming)",
                            "a AND", "OR", "organic -farming x" };
  for (size_t i = 0; i < G_N_ELEMENTS(nothing); i++) {
    doctag_document_list *l = NULL;
    doctag_status st = doctag_history_search(f->ctx, &l, uid, nothing[i], 0);
    if (st != DOCTAG_OK)
      fail_msg("query \"%s\": %s", nothing[i], doctag_error_last()->message);
    if (doctag_document_list_count(l) != 0)
      fail_msg("query \"%s\" found %zu documents", nothing[i], doctag_document_list_count(l));
    doctag_document_list_free(l);
  }
  /* The words around the punctuation are still words. */
  const char *found[] = { "100%", "organic*", "(organic)", "\"organic\"", "o'brien", "farmer).", "organic farming" };
  for (size_t i = 0; i < G_N_ELEMENTS(found); i++) {
    char **ids = search_ids(f, uid, found[i]);
    if (g_strv_length(ids) != 1 || strcmp(ids[0], da) != 0)
      fail_msg("query \"%s\" found %u documents, want the organic one", found[i], g_strv_length(ids));
    g_strfreev(ids);
  }
  /* Refusals. */
  doctag_document_list *l = (doctag_document_list *)1;
  assert_status(doctag_history_search(f->ctx, &l, uid, "", 0), DOCTAG_EINVAL);
  assert_null(l);
  assert_status(doctag_history_search(f->ctx, &l, uid, "  \t", 0), DOCTAG_EINVAL);
  assert_status(doctag_history_search(f->ctx, &l, uid, NULL, 0), DOCTAG_EINVAL);
  assert_status(doctag_history_search(f->ctx, &l, uid, "\xff\xfe", 0), DOCTAG_EINVAL);
  assert_status(doctag_history_search(f->ctx, &l, uid, "organic", 101), DOCTAG_EINVAL);
  char *huge = g_strnfill(2000, 'a');
  assert_status(doctag_history_search(f->ctx, &l, uid, huge, 0), DOCTAG_EINVAL);
  g_free(huge);
  g_free(da);
  g_free(db);
  g_free(uid);
}

/* Search takes the owner inside the index (0006): the best `limit` of the
 * user's own matches, whatever other users hold, and never a match through
 * the owner's id. */
static void test_search_scoped_in_index(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  char *fragment = g_strndup(alice, 8), *owner = g_strdup_printf("owner:%s", alice);
  /* Her id as SQLite's index holds it (0019): one token. */
  char **parts = g_strsplit(alice, "-", -1), *compact = g_strjoinv("", parts);
  g_strfreev(parts);
  /* Bob holds more matches of the word than Alice, some better ranked (the
   * word in the title), and texts naming Alice's id. */
  char *bob_text = g_strdup_printf("harbour log of %s and %s, %s", alice, owner, compact);
  for (int i = 0; i < 30; i++) {
    doc_spec b = { "Harbour harbour report", { "harbour", NULL }, bob_text, NULL, NULL };
    g_free(record(f, bob, &b, NULL));
  }
  /* Alice: 12 with the word in the text, 3 with it in the title too. */
  char *titled[3];
  for (int i = 0; i < 15; i++) {
    char *text = g_strdup_printf("Entry %d of the harbour ledger.", i);
    doc_spec a = { i % 5 == 4 ? "Harbour ledger" : "Ledger", { "ledger", NULL }, text, NULL, NULL };
    char *id = record(f, alice, &a, NULL);
    if (i % 5 == 4)
      titled[i / 5] = id;
    else
      g_free(id);
    g_free(text);
  }
  char **all = search_ids(f, alice, "harbour");
  assert_int_equal(g_strv_length(all), 15);
  /* Title matches first, newest first among equals. */
  assert_string_equal(all[0], titled[2]);
  assert_string_equal(all[1], titled[1]);
  assert_string_equal(all[2], titled[0]);
  /* A smaller limit is the start of the same ranking. */
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_search(f->ctx, &l, alice, "harbour", 4));
  assert_int_equal(doctag_document_list_count(l), 4);
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(doctag_document_list_at(l, i)->id, all[i]);
  doctag_document_list_free(l);
  g_strfreev(all);
  /* Alice's id is no word of her documents; Bob finds it in his own. */
  expect_search(f, alice, fragment, 0, NULL);
  expect_search(f, alice, alice, 0, NULL);
  expect_search(f, alice, owner, 0, NULL);
  expect_search(f, bob, owner, 30, NULL);
  expect_search(f, alice, compact, 0, NULL);
  expect_search(f, bob, compact, 30, NULL);
  expect_search(f, bob, "ledger", 0, NULL);
  g_free(compact);
  for (int i = 0; i < 3; i++)
    g_free(titled[i]);
  g_free(bob_text);
  g_free(owner);
  g_free(fragment);
  g_free(alice);
  g_free(bob);
}

/* A user's ranking depends on the user's documents only: what another user
 * stores does not reorder it (SQLite weighs words by their rarity among the
 * owner's documents; PostgreSQL's ts_rank does not weigh rarity at all). */
static void test_search_rank_is_the_owners(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  /* Among Alice's ten documents "beta" is rarer than "alpha" (on SQLite
   * the document with more "beta" comes first; over the whole table, after
   * Bob's documents, it would be the other). */
  doc_spec x = { "Notes", { "misc", NULL }, "alpha alpha alpha beta", NULL, NULL };
  doc_spec y = { "Notes", { "misc", NULL }, "alpha beta beta beta", NULL, NULL };
  doc_spec with_alpha = { "Filler", { "misc", NULL }, "alpha and other words", NULL, NULL };
  doc_spec plain = { "Filler", { "misc", NULL }, "nothing of interest here", NULL, NULL };
  char *dx = record(f, alice, &x, NULL), *dy = record(f, alice, &y, NULL);
  for (int i = 0; i < 8; i++)
    g_free(record(f, alice, i < 2 ? &with_alpha : &plain, NULL));
  char **before = search_ids(f, alice, "alpha beta");
  assert_int_equal(g_strv_length(before), 2);
  /* Bob's archive makes "beta" the common word of the whole table. */
  doc_spec b = { "Beta report", { "beta", NULL }, "beta beta", NULL, NULL };
  for (int i = 0; i < 40; i++)
    g_free(record(f, bob, &b, NULL));
  char **after = search_ids(f, alice, "alpha beta");
  assert_int_equal(g_strv_length(after), 2);
  assert_string_equal(after[0], before[0]);
  assert_string_equal(after[1], before[1]);
  g_strfreev(before);
  g_strfreev(after);
  g_free(dx);
  g_free(dy);
  g_free(alice);
  g_free(bob);
}

/* ---- one-word searches answered from search heads (0009) ---- */

/* The ids of a search with a limit, in order. */
static char **search_ids_n(fx *f, const char *uid, const char *q, unsigned int limit)
{
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_search(f->ctx, &l, uid, q, limit));
  size_t n = doctag_document_list_count(l);
  char **ids = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++)
    ids[i] = g_strdup(doctag_document_list_at(l, i)->id);
  doctag_document_list_free(l);
  return ids;
}

/* The first column of each row (a document id), cleared after. */
static char **rows_ids(store_rows *r)
{
  char **ids = g_new0(char *, r->nrows + 1);
  for (unsigned int i = 0; i < r->nrows; i++)
    ids[i] = g_strdup(store_cell(r, i, 0));
  store_rows_clear(r);
  return ids;
}

/* The ids of `q` ranked over every match as before search heads: the
 * search statement alone, with the user's heads gone (so that each word's
 * rarity is counted, not read from its head), rolled back after. */
static char **ranked_ids(fx *f, const char *uid, const char *q, unsigned int limit)
{
  struct store *s;
  store_conn *c = NULL;
  store_rows r = { 0 };
  assert_ok(store_get(f->ctx, &s));
  char *m = s->ops->match_query(q);
  assert_non_null(m);
  store_param u[] = { SP_T(uid) }, p[] = { SP_T(uid), SP_T(m), SP_I(limit) };
  assert_ok(store_acquire(s, &c));
  assert_ok(store_tx_begin(c));
  assert_ok(store_exec_sql(c, f->pg ? "DELETE FROM search_heads WHERE user_id = $1::uuid"
                                    : "DELETE FROM search_heads WHERE user_id = ?1", u, 1, NULL));
  assert_ok(store_exec(c, ST_DOC_SEARCH, p, 3, &r));
  assert_ok(store_exec(c, ST_ROLLBACK, NULL, 0, NULL));
  store_release(s, c);
  g_free(m);
  return rows_ids(&r);
}

/* The one-word search of `word` (answered from its head) gives exactly
 * what ranking every match gives. Returns the one-word answer. */
static char **expect_head_matches_scan(fx *f, const char *uid, const char *word, unsigned int limit, guint want)
{
  char **head = search_ids_n(f, uid, word, limit), **scan = ranked_ids(f, uid, word, limit);
  if (g_strv_length(head) != want || g_strv_length(scan) != want)
    fail_msg("\"%s\" limit %u: %u from the head, %u ranked over every match, want %u", word, limit,
             g_strv_length(head), g_strv_length(scan), want);
  for (guint i = 0; i < want; i++)
    if (strcmp(head[i], scan[i]))
      fail_msg("\"%s\" limit %u: #%u is %s from the head, %s ranked over every match", word, limit, i, head[i],
               scan[i]);
  g_strfreev(scan);
  return head;
}

/* The head of `word` for `uid`: *n documents held, *complete whether that
 * is every document of the word; false when there is none. */
static bool head_state(fx *f, const char *uid, const char *word, int64_t *n, bool *complete)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_rows t = { 0 }, r = { 0 };
  store_param q[] = { SP_T(word) };
  assert_ok(store_query(s, ST_HEAD_TERM, q, 1, &t));
  assert_non_null(store_cell(&t, 0, 0));
  store_param p[] = { SP_T(uid), SP_T(store_cell(&t, 0, 0)) };
  assert_ok(store_query(s, ST_HEAD_STATE, p, 2, &r));
  bool found = r.nrows == 1;
  if (found) {
    *n = store_cell_int(&r, 0, 0);
    *complete = store_cell_bool(&r, 0, 1);
  }
  store_rows_clear(&t);
  store_rows_clear(&r);
  return found;
}

/* A document whose weight for "harbour" grows with `strength`: the word
 * in the title at 3 and up, repeated in the text, in a text whose length
 * varies (so weights differ, and some tie). */
static char *harbour_doc(fx *f, const char *uid, int strength, int pad, char **job)
{
  GString *text = g_string_new("Entry of the ledger.");
  for (int i = 0; i < strength % 4 + 1; i++)
    g_string_append(text, " harbour");
  for (int i = 0; i < pad; i++)
    g_string_append(text, " tide wind rope");
  doc_spec d = { strength >= 3 ? "Harbour log" : "Log", { "ledger", NULL }, text->str, NULL, NULL };
  char *id = record(f, uid, &d, job);
  g_string_free(text, TRUE);
  return id;
}

static bool strv_has(char **v, const char *s)
{
  for (; v && *v; v++)
    if (!strcmp(*v, s))
      return true;
  return false;
}

/* The answer of a one-word search through every change a head must follow:
 * the head built by the first search, new documents above and below it,
 * deletion, reprocessing, a head cut back after 200, a head emptied by
 * deletions and built again; other users' documents never show. */
/* The words of every script are found whole (0022): a word with vowel
 * signs or a virama is one word, not its consonants, so another word of
 * the same consonants is not found with it, and such a word has a search
 * head; a Chinese or Thai word is found inside a sentence written without
 * spaces. */
static void test_search_script_words(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doc_spec hindi = { "किसान कल्याण विभाग", { "कृषि", NULL }, "किसान सम्मान निधि की नई किस्त जारी।", NULL, NULL };
  doc_spec consonants = { "सूचना", { NULL }, "कसान और कुसुन, कल्यण।", NULL, NULL };
  doc_spec bengali = { "কৃষক বাজার", { NULL }, "কৃষকদের জন্য নতুন প্রকল্প।", NULL, NULL };
  doc_spec bengali_consonants = { "কষক", { NULL }, "কষক বজর।", NULL, NULL };
  doc_spec tamil = { "தமிழ்நாடு அரசு", { NULL }, "விவசாயி நலத்திட்டம் அறிவிப்பு.", NULL, NULL };
  doc_spec tamil_consonants = { "வவசய", { NULL }, "தமழநட அரச.", NULL, NULL };
  doc_spec chinese = { "通知", { NULL }, "本市停水通知：明日上午八时起。", NULL, NULL };
  doc_spec thai = { "ประกาศ", { NULL }, "ประกาศหยุดจ่ายน้ำประปาวันพรุ่งนี้", NULL, NULL };
  /* Accents written as combining marks (e + U+0301), as some PDFs give them. */
  doc_spec decomposed = { "Menu", { NULL }, "Cafe\u0301 cre\u0300me bru\u0302le\u0301e.", NULL, NULL };
  char *dh = record(f, uid, &hindi, NULL), *dc = record(f, uid, &consonants, NULL);
  char *db = record(f, uid, &bengali, NULL), *dbc = record(f, uid, &bengali_consonants, NULL);
  char *dt = record(f, uid, &tamil, NULL), *dtc = record(f, uid, &tamil_consonants, NULL);
  char *dz = record(f, uid, &chinese, NULL), *dth = record(f, uid, &thai, NULL);
  char *dd = record(f, uid, &decomposed, NULL);
  /* Each query and the one document it finds (NULL: none). */
  const struct {
    const char *q, *doc;
  } want[] = {
    { "किसान", dh }, { "कल्याण", dh }, { "विभाग", dh }, { "कृषि", dh }, { "सम्मान निधि", dh },
    { "कसान", dc }, { "कुसुन", dc }, { "कल्यण", dc },
    { "কৃষক", db }, { "বাজার", db }, { "কষক", dbc }, { "বজর", dbc },
    { "தமிழ்நாடு", dt }, { "விவசாயி", dt }, { "வவசய", dtc }, { "தமழநட", dtc },
    { "停水", dz }, { "通知", dz }, { "本市停水通知", dz }, { "上午", dz },
    { "หยุด", dth }, { "น้ำประปา", dth }, { "พรุ่งนี้", dth },
    { "café", dd }, { "CRÈME", dd }, { "cafe\u0301", dd }, { "brûlée", dd },
    /* Not words of theirs: characters in another order, a mark dropped. */
    { "水停", NULL }, { "ปาป", NULL }, { "कसन", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    char **ids = search_ids(f, uid, want[i].q);
    guint n = want[i].doc ? 1 : 0;
    if (g_strv_length(ids) != n || (n && strcmp(ids[0], want[i].doc)))
      fail_msg("search \"%s\": %u documents%s, want %u", want[i].q, g_strv_length(ids),
               g_strv_length(ids) == n ? " (another one)" : "", n);
    g_strfreev(ids);
  }
  /* A one-word search of such a word is one token: its head answers. */
  int64_t n = 0;
  bool complete = false;
  const char *headed[] = { "किसान", "কৃষক", "விவசாயி", "停水", "น้ำ" };
  for (size_t i = 0; i < G_N_ELEMENTS(headed); i++) {
    g_strfreev(search_ids(f, uid, headed[i]));
    if (!head_state(f, uid, headed[i], &n, &complete))
      fail_msg("no search head for \"%s\"", headed[i]);
    assert_true(complete);
  }
  g_free(dh);
  g_free(dc);
  g_free(db);
  g_free(dbc);
  g_free(dt);
  g_free(dtc);
  g_free(dz);
  g_free(dth);
  g_free(dd);
  g_free(uid);
}

/* A word of three or more characters of an unspaced script is found only
 * where it is written whole: not where its pairs stand apart, in another
 * order (their AND), in Chinese, Japanese or Thai; nor for a run inside a
 * word of several scripts. Deep in a long text too, past the positions a
 * PostgreSQL vector keeps (16383, 256 of one lexeme), where its phrase
 * alone would miss it. */
static void test_search_script_phrases(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doc_spec zh_whole = { "招生", { NULL }, "北京大学招生简章。", NULL, NULL };
  doc_spec zh_apart = { "医院", { NULL }, "京大附属医院。大学生活。北京天气。", NULL, NULL };
  doc_spec ja_whole = { "案内", { NULL }, "東京タワーの展望台", NULL, NULL };
  doc_spec ja_apart = { "旅行", { NULL }, "タワーに上る。東京駅。京タクシー。", NULL, NULL };
  doc_spec th_whole = { "ประกาศ", { NULL }, "หยุดจ่ายน้ำประปาวันพรุ่งนี้", NULL, NULL };
  doc_spec th_apart = { "ตลาด", { NULL }, "ปรอท ระดับ กะปลา ปาก", NULL, NULL };
  /* Past position 16383 of the text, and after a pair's 300th time. */
  GString *deep = g_string_new(NULL), *many = g_string_new(NULL), *deep_apart = g_string_new(NULL);
  for (int i = 0; i < 2500; i++) {
    g_string_append(deep, "甲乙丙丁戊己庚辛");
    g_string_append(deep_apart, "甲乙丙丁戊己庚辛");
  }
  g_string_append(deep, "清华大学");
  g_string_append(deep_apart, "大学。清华。华大。");
  for (int i = 0; i < 300; i++)
    g_string_append(many, "清华");
  g_string_append(many, "大学");
  doc_spec zh_deep = { "甲", { NULL }, deep->str, NULL, NULL };
  doc_spec zh_many = { "乙", { NULL }, many->str, NULL, NULL };
  doc_spec zh_deep_apart = { "丙", { NULL }, deep_apart->str, NULL, NULL };
  char *zw = record(f, uid, &zh_whole, NULL), *za = record(f, uid, &zh_apart, NULL);
  char *jw = record(f, uid, &ja_whole, NULL), *ja = record(f, uid, &ja_apart, NULL);
  char *tw = record(f, uid, &th_whole, NULL), *ta = record(f, uid, &th_apart, NULL);
  char *zd = record(f, uid, &zh_deep, NULL), *zm = record(f, uid, &zh_many, NULL);
  char *zda = record(f, uid, &zh_deep_apart, NULL);
  const struct {
    const char *q, *doc[4];
  } want[] = {
    { "北京大学", { zw, NULL } }, { "北京大学 招生", { zw, NULL } }, { "大学 北京", { zw, za, NULL } },
    { "東京タワー", { jw, NULL } }, { "タワー 東京", { jw, ja, NULL } },
    { "ประปา", { tw, NULL } }, { "กะปลา", { ta, NULL } },
    { "清华大学", { zd, zm, NULL } }, { "华大学", { zd, zm, NULL } }, { "清华 大学", { zd, zm, zda } },
    /* Not written whole anywhere. */
    { "大学北京", { NULL } }, { "京タワ東京", { NULL } }, { "ปาประ", { NULL } }, { "大学清华", { NULL } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    char **ids = search_ids(f, uid, want[i].q);
    guint n = 0;
    while (want[i].doc[n])
      n++;
    bool same = g_strv_length(ids) == n;
    for (guint k = 0; same && k < n; k++)
      same = strv_has(ids, want[i].doc[k]);
    if (!same)
      fail_msg("search \"%s\" (%s): %u documents, want %u%s", want[i].q, f->pg ? "postgresql" : "sqlite",
               g_strv_length(ids), n, g_strv_length(ids) == n ? " (others)" : "");
    g_strfreev(ids);
  }
  /* Ranked as before: the title's word first. */
  char **ids = search_ids(f, uid, "招生");
  assert_int_equal(g_strv_length(ids), 1);
  assert_string_equal(ids[0], zw);
  g_strfreev(ids);
  /* A word of two is one token still: its head answers. */
  int64_t n = 0;
  bool complete = false;
  g_strfreev(search_ids(f, uid, "大学"));
  assert_true(head_state(f, uid, "大学", &n, &complete));
  assert_int_equal(n, 5);
  g_string_free(deep, TRUE);
  g_string_free(many, TRUE);
  g_string_free(deep_apart, TRUE);
  g_free(zw);
  g_free(za);
  g_free(jw);
  g_free(ja);
  g_free(tw);
  g_free(ta);
  g_free(zd);
  g_free(zm);
  g_free(zda);
  g_free(uid);
}

/* The blocks of store/unspaced.h that 0020 added (Myanmar Extended-A and
 * -B, the Kana Supplement) are cut into pairs on both backends: a word is
 * found inside a run. On PostgreSQL a document recorded under 0018's class
 * is computed again by 0020. */
static void test_search_unspaced_blocks(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doc_spec d = { "ꩠꩡꩢꩣꩤ", { NULL }, "𛀁𛀂𛀃𛀄 ꧠꧡꧢꧣ", NULL, NULL };
  char *id = record(f, uid, &d, NULL);
  const char *words[] = { "ꩡꩢ", "ꩡꩢꩣ", "𛀂𛀃", "𛀂𛀃𛀄", "ꧡꧢ" };
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
    expect_search(f, uid, words[i], 1, id);
  expect_search(f, uid, "ꩢꩡ", 0, NULL);
  if (f->pg) {
    /* 0018's functions back, the document computed with them: a run is one
     * lexeme again, until 0020 runs. */
    struct store *s = NULL;
    assert_ok(store_get(f->ctx, &s));
    const embedded_file *old = embedded_find("store/data/postgres/0018_script_words.sql");
    assert_non_null(old);
    const char *from = strstr((const char *)old->data, "CREATE FUNCTION doctag_unspaced");
    const char *to = from ? strstr(from, "CREATE FUNCTION doctag_words") : NULL;
    assert_non_null(to);
    char *fns = g_strndup(from, (gsize)(to - from));
    char **parts = g_strsplit(fns, "CREATE FUNCTION", -1);
    char *replace = g_strjoinv("CREATE OR REPLACE FUNCTION", parts);
    store_conn *c = NULL;
    assert_ok(store_acquire(s, &c));
    assert_ok(c->ops->script(c, replace));
    assert_ok(store_exec_sql(c, "UPDATE documents SET title = title", NULL, 0, NULL));
    expect_search(f, uid, "ꩡꩢ", 0, NULL);
    assert_ok(store_exec_sql(c, "DELETE FROM schema_migrations WHERE version = 20", NULL, 0, NULL));
    store_release(s, c);
    unsigned int applied = 0;
    assert_ok(store_migrate(s, &applied));
    assert_int_equal(applied, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
      expect_search(f, uid, words[i], 1, id);
    g_free(replace);
    g_strfreev(parts);
    g_free(fns);
  }
  g_free(id);
  g_free(uid);
}

/* PostgreSQL: a settled text's words are the text itself (0021), and that
 * is what the full path (NFC, then the split into runs) makes of it: every
 * character and every pair of characters that doctag_unsettled() lets
 * through is its own NFC, and doctag_words() gives what the full path gives
 * on texts and tags on both sides. */
static void test_settled_words_unchanged(void **state)
{
  fx *f = *state;
  if (!f->pg)
    return;
  struct store *s = NULL;
  store_conn *c = NULL;
  store_rows r = { 0 };
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  assert_ok(store_exec_sql(c, "CREATE TEMP TABLE settled AS SELECT chr(n) ch FROM generate_series(1, 1114111) n"
                              " WHERE (n < 55296 OR n > 57343) AND chr(n) !~ doctag_unsettled()", NULL, 0, NULL));
  assert_ok(store_exec_sql(c, "SELECT (SELECT count(*) FROM settled), (SELECT count(*) FROM settled"
                              " WHERE normalize(ch, NFC) <> ch), (SELECT count(*) FROM settled a, settled b"
                              " WHERE a.ch || b.ch !~ doctag_unsettled() AND normalize(a.ch || b.ch, NFC) <> a.ch || b.ch)",
                           NULL, 0, &r));
  assert_true(store_cell_int(&r, 0, 0) > 1000);
  assert_int_equal(store_cell_int(&r, 0, 1), 0);
  assert_int_equal(store_cell_int(&r, 0, 2), 0);
  store_rows_clear(&r);
  const char *texts[] = { "Monsoon report 2024: “rainfall” – 12 % (€5)", "café Ёлка ﬁnal", "cafe\xcc\x81",
                          "ज़िला बाज़ार स्वास्थ्य", "न\xe0\xa4\xbc र\xe0\xa4\xbc", "क्\xe0\xa4\xbc", "本市停水通知 and more",
                          "Ωμέγα ·", "" };
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    store_param p[] = { SP_T(texts[i]) };
    assert_ok(store_exec_sql(c, "SELECT doctag_words($1::text) = (SELECT coalesce(string_agg(coalesce("
                                "doctag_pairs(m[1]), m[2]), ' ' ORDER BY k), '') FROM regexp_matches(normalize($1::text,"
                                " NFC), '([' || doctag_unspaced() || ']+)|([^' || doctag_unspaced() || ']+)', 'g')"
                                " WITH ORDINALITY AS r(m, k)), $1::text !~ doctag_unsettled(),"
                                " doctag_words(jsonb_build_array($1::text, 'water')) = doctag_words($1::text) || ' water'",
                             p, 1, &r));
    if (!store_cell_bool(&r, 0, 0) || !store_cell_bool(&r, 0, 2))
      fail_msg("doctag_words(\"%s\") is not the full path's", texts[i]);
    /* settled: the first two, the Hindi words (a nukta after ja) and the empty text */
    assert_int_equal(store_cell_bool(&r, 0, 1), i < 2 || i == 3 || i + 1 == G_N_ELEMENTS(texts));
    store_rows_clear(&r);
  }
  store_release(s, c);
}

static void test_search_heads(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  GHashTable *job_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; i < 160; i++) {
    char *job = NULL, *id = harbour_doc(f, alice, i % 5, (i * 7) % 11, &job);
    g_hash_table_insert(job_of, id, job);
  }
  char **bobs = g_new0(char *, 41);
  for (int i = 0; i < 40; i++)
    bobs[i] = harbour_doc(f, bob, 4, 0, NULL);
  int64_t n = 0;
  bool complete = false;
  assert_false(head_state(f, alice, "harbour", &n, &complete));

  /* The first search builds the head: the best 100 of 160. */
  char **ids = expect_head_matches_scan(f, alice, "harbour", 50, 50);
  assert_true(head_state(f, alice, "harbour", &n, &complete));
  assert_int_equal(n, 100);
  assert_false(complete);
  for (guint i = 0; i < 50; i++)
    assert_true(g_hash_table_contains(job_of, ids[i]));
  g_strfreev(ids);
  g_strfreev(expect_head_matches_scan(f, alice, "harbour", 1, 1));
  g_strfreev(expect_head_matches_scan(f, alice, "Harbour,", 7, 7));
  g_strfreev(expect_head_matches_scan(f, alice, "harbour", 100, 100));
  /* Bob's head holds all 40 of his, and none of Alice's. */
  ids = expect_head_matches_scan(f, bob, "harbour", 100, 40);
  assert_true(head_state(f, bob, "harbour", &n, &complete));
  assert_true(complete);
  for (guint i = 0; i < 40; i++)
    assert_true(strv_has(bobs, ids[i]));
  g_strfreev(ids);

  /* A new best document comes first; weak ones change nothing above them. */
  char *job = NULL, *best = harbour_doc(f, alice, 7, 0, &job);
  g_hash_table_insert(job_of, g_strdup(best), job);
  for (int i = 0; i < 30; i++) {
    char *id = harbour_doc(f, alice, 0, 40, &job);
    g_hash_table_insert(job_of, id, job);
  }
  ids = expect_head_matches_scan(f, alice, "harbour", 100, 100);
  assert_string_equal(ids[0], best);
  g_strfreev(ids);

  /* Deleted, it is gone. */
  assert_ok(doctag_history_job_delete(f->ctx, alice, g_hash_table_lookup(job_of, best)));
  ids = expect_head_matches_scan(f, alice, "harbour", 100, 100);
  assert_false(strv_has(ids, best));
  /* Reprocessed with the word in its title, the 100th rises to the top. */
  const char *last_job = g_hash_table_lookup(job_of, ids[99]);
  const char *tags[] = { "ledger", NULL };
  history_doc again = { .title = "Harbour harbour harbour", .file_path = "/data/in.pdf", .file_source_type = "local",
                        .status = "completed", .tags = tags, .tag_count = 1, .text = "harbour", .text_len = 7,
                        .metadata_json = "{}" };
  assert_ok(history_document_record(f->ctx, alice, last_job, &again, NULL));
  char *risen = g_strdup(ids[99]);
  g_strfreev(ids);
  ids = expect_head_matches_scan(f, alice, "harbour", 100, 100);
  assert_string_equal(ids[0], risen);
  g_strfreev(ids);

  /* 120 strong documents enter the head; past 200 it is cut back. */
  char **strong = g_new0(char *, 121);
  for (int i = 0; i < 120; i++) {
    strong[i] = harbour_doc(f, alice, 3, i % 3, &job);
    g_hash_table_insert(job_of, g_strdup(strong[i]), job);
  }
  assert_true(head_state(f, alice, "harbour", &n, &complete));
  assert_true(n >= 100 && n <= 200);
  assert_false(complete);
  ids = expect_head_matches_scan(f, alice, "harbour", 100, 100);
  g_strfreev(ids);

  /* Deleting the best 95 leaves the head too short for 50: built again. */
  ids = search_ids_n(f, alice, "harbour", 95);
  for (guint i = 0; i < 95; i++)
    assert_ok(doctag_history_job_delete(f->ctx, alice, g_hash_table_lookup(job_of, ids[i])));
  assert_true(head_state(f, alice, "harbour", &n, &complete));
  assert_true(n < 50);
  char **left = expect_head_matches_scan(f, alice, "harbour", 50, 50);
  for (guint i = 0; i < 50; i++)
    assert_false(strv_has(ids, left[i]));
  assert_true(head_state(f, alice, "harbour", &n, &complete));
  assert_int_equal(n, 100);
  g_strfreev(left);
  g_strfreev(ids);
  g_strfreev(expect_head_matches_scan(f, alice, "harbour", 100, 100));
  /* Bob's answer never moved. */
  ids = expect_head_matches_scan(f, bob, "harbour", 100, 40);
  for (guint i = 0; i < 40; i++)
    assert_true(strv_has(bobs, ids[i]));
  g_strfreev(ids);
  /* Words of several tokens, or none of the user's, are ranked as before. */
  expect_search(f, alice, "ledger harbour", 50, NULL);
  expect_search(f, alice, "zanzibar", 0, NULL);
  g_strfreev(strong);
  g_free(risen);
  g_free(best);
  g_strfreev(bobs);
  g_hash_table_destroy(job_of);
  g_free(alice);
  g_free(bob);
}

/* ---- heads built outside the write lock (0010) ---- */

static const char *const sea_words[] = { "anchor", "beacon", "cargo", "delta", "estuary",
                                         "fjord", "gale", "hull", "inlet", "jetty" };

/* A document holding some of sea_words, each a random number of times, in
 * a text of random length (so weights differ, and some tie). */
static char *sea_doc(fx *f, const char *uid, GRand *r, char **job)
{
  GString *text = g_string_new("Log of the day.");
  for (size_t i = 0; i < G_N_ELEMENTS(sea_words); i++)
    for (int k = g_rand_int_range(r, -2, 4); k > 0; k--)
      g_string_append_printf(text, " %s", sea_words[i]);
  for (int i = g_rand_int_range(r, 0, 30); i > 0; i--)
    g_string_append(text, " wind");
  const char *w = sea_words[g_rand_int_range(r, 0, G_N_ELEMENTS(sea_words))];
  doc_spec d = { g_rand_int_range(r, 0, 4) ? "Log" : w, { "log", NULL }, text->str, NULL, NULL };
  char *id = record(f, uid, &d, job);
  g_string_free(text, TRUE);
  return id;
}

static char *user_gen(fx *f, const char *uid)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_rows r = { 0 };
  store_param p[] = { SP_T(uid) };
  assert_ok(store_query(s, ST_HEAD_GEN, p, 1, &r));
  char *g = g_strdup(store_cell(&r, 0, 0));
  store_rows_clear(&r);
  return g;
}

/* Queries known to be several words without asking the backend: letters
 * or digits on both sides of white space, whatever the script or the
 * punctuation around them; what a tokenizer may read as one word or
 * several ("well-known", "a.b") is left to the backend. Either way a search
 * answers what ranking every match answers. */
static void test_several_words_known_before_asking(void **state)
{
  fx *f = *state;
  static const char *const several[] = { "monsoon rainfall", "  a b ", "a , b", "नदी पानी", "x\t2", "it's here" };
  static const char *const not_known[] = { "harbour", "  harbour  ", "well-known", "a.b", "a,b", ", ;", "", "नदी" };
  for (size_t i = 0; i < G_N_ELEMENTS(several); i++)
    if (!history_query_several_words(several[i]))
      fail_msg("\"%s\" not known to be several words", several[i]);
  for (size_t i = 0; i < G_N_ELEMENTS(not_known); i++)
    if (history_query_several_words(not_known[i]))
      fail_msg("\"%s\" taken for several words", not_known[i]);
  assert_false(history_query_several_words(NULL));
  char *alice = user(f, "a@example.com");
  for (int i = 0; i < 120; i++)
    g_free(harbour_doc(f, alice, i % 5, (i * 7) % 11, NULL));
  static const char *const queries[] = { "harbour ledger", "harbour-ledger", "ledger harbour tide" };
  for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
    char **all = ranked_ids(f, alice, queries[i], 60);
    g_strfreev(expect_head_matches_scan(f, alice, queries[i], 60, g_strv_length(all)));
    g_strfreev(all);
  }
  g_free(alice);
}

/* ---- several words: each word's rarity kept with its head (0018) ---- */

/* A document holding "anchor" (in about 12% of them), "beacon" (30%) and
 * "cargo" (45%), each 1-3 times, sometimes in the title, in a text of
 * random length: the words' rarities differ, so they order the results. */
static char *rare_doc(fx *f, const char *uid, GRand *r, char **job)
{
  static const char *const words[] = { "anchor", "beacon", "cargo" };
  static const int percent[] = { 12, 30, 45 };
  GString *text = g_string_new("Log of the day.");
  GString *title = g_string_new("Log");
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    if (g_rand_int_range(r, 0, 100) >= percent[i])
      continue;
    for (int k = g_rand_int_range(r, 1, 4); k > 0; k--)
      g_string_append_printf(text, " %s", words[i]);
    if (g_rand_int_range(r, 0, 6) == 0)
      g_string_append_printf(title, " %s", words[i]);
  }
  for (int k = g_rand_int_range(r, 0, 30); k > 0; k--)
    g_string_append(text, " tide wind rope");
  doc_spec d = { title->str, { "ledger", NULL }, text->str, NULL, NULL };
  char *id = record(f, uid, &d, job);
  g_string_free(text, TRUE);
  g_string_free(title, TRUE);
  return id;
}

static const char *const rare_queries[] = { "anchor beacon", "Beacon, cargo", "anchor cargo beacon", "cargo anchor" };

/* Each query's answer equals the ranking of every match with each word's
 * rarity counted; on SQLite each word's head keeps its count exactly. */
static void expect_words_rank_as_counted(fx *f, const char *uid)
{
  for (size_t q = 0; q < G_N_ELEMENTS(rare_queries); q++)
    for (unsigned int limit = 5; limit <= 50; limit += 45) {
      char **got = search_ids_n(f, uid, rare_queries[q], limit), **want = ranked_ids(f, uid, rare_queries[q], limit);
      if (g_strv_length(got) != g_strv_length(want))
        fail_msg("\"%s\" limit %u: %u documents, want %u", rare_queries[q], limit, g_strv_length(got),
                 g_strv_length(want));
      for (guint i = 0; want[i]; i++)
        if (strcmp(got[i], want[i]))
          fail_msg("\"%s\" limit %u: #%u is %s, ranked over every match %s", rare_queries[q], limit, i, got[i],
                   want[i]);
      g_strfreev(got);
      g_strfreev(want);
    }
  if (f->pg)
    return; /* ts_rank does not weigh rarity: no count kept */
  static const char *const words[] = { "anchor", "beacon", "cargo" };
  struct store *s;
  store_conn *c = NULL;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
    store_rows kept = { 0 }, counted = { 0 };
    store_param p[] = { SP_T(uid), SP_T(words[i]) };
    assert_ok(store_exec_sql(c, "SELECT df FROM search_heads WHERE user_id = ?1 AND term = ?2", p, 2, &kept));
    assert_ok(store_exec_sql(c, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH"
                                " 'fts_owner : \"' || replace(?1, '-', '') || '\" AND {title tags extracted_text} : ' || ?2", p, 2,
                             &counted));
    assert_int_equal(kept.nrows, 1);
    assert_non_null(store_cell(&kept, 0, 0));
    assert_int_equal(store_cell_int(&kept, 0, 0), store_cell_int(&counted, 0, 0));
    store_rows_clear(&kept);
    store_rows_clear(&counted);
  }
  store_release(s, c);
}

/* On SQLite, the postings kept beside each of the owner's heads (0023) are
 * exactly the owner's documents of its word as the index finds them, in
 * blocks, with each block's bound its entries' highest weight; none is
 * left without its head. */
static void expect_postings_exact(fx *f, const char *uid)
{
  if (f->pg)
    return; /* PostgreSQL keeps none */
  struct store *s;
  store_conn *c = NULL;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  store_rows kept = { 0 }, want = { 0 }, loose = { 0 }, orphans = { 0 };
  store_param u[] = { SP_T(uid) };
  assert_ok(store_exec_sql(c, "SELECT term, blk, hex(data) FROM search_postings WHERE user_id = ?1"
                              " AND length(data) > 0 ORDER BY term, blk", u, 1, &kept));
  assert_ok(store_exec_sql(c, "SELECT term, blk, hex(doctag_postings_agg(seq, packed)) FROM (SELECT h.term,"
                              " f.rowid >> 9 AS blk, f.rowid AS seq, doctag_impact_packed(documents_fts) AS packed"
                              " FROM search_heads h JOIN documents_fts f ON documents_fts MATCH 'fts_owner : \"'"
                              " || replace(h.user_id, '-', '') || '\" AND {title tags extracted_text} : \"'"
                              " || replace(h.term, '\"', '\"\"') || '\"' WHERE h.user_id = ?1 LIMIT -1)"
                              " GROUP BY term, blk ORDER BY term, blk", u, 1, &want));
  assert_ok(store_exec_sql(c, "SELECT count(*) FROM search_postings WHERE user_id = ?1"
                              " AND maxw <> doctag_postings_max(data)", u, 1, &loose));
  assert_ok(store_exec_sql(c, "SELECT count(*) FROM search_postings p WHERE NOT EXISTS (SELECT 1 FROM"
                              " search_heads h WHERE h.user_id = p.user_id AND h.term = p.term)", NULL, 0, &orphans));
  assert_int_equal(store_cell_int(&loose, 0, 0), 0);
  assert_int_equal(store_cell_int(&orphans, 0, 0), 0);
  if (kept.nrows != want.nrows)
    fail_msg("%u blocks of postings kept, the index gives %u", kept.nrows, want.nrows);
  for (unsigned int i = 0; i < want.nrows; i++)
    for (unsigned int j = 0; j < 3; j++)
      if (strcmp(store_cell(&kept, i, j), store_cell(&want, i, j)))
        fail_msg("postings of \"%s\" block %s: kept %s, the index gives %s", store_cell(&want, i, 0),
                 store_cell(&want, i, 1), store_cell(&kept, i, 2), store_cell(&want, i, 2));
  store_rows_clear(&kept);
  store_rows_clear(&want);
  store_rows_clear(&loose);
  store_rows_clear(&orphans);
  store_release(s, c);
}

/* A search of several words ranks as it did when each word's rarity was
 * counted on every search, through the changes a count must follow: new
 * documents, deleted ones, documents reprocessed with and without the
 * words; another user's documents count for nothing. */
static void test_search_words_rarity_kept(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  GRand *r = g_rand_new_with_seed(17);
  GPtrArray *jobs = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; i < 150; i++) {
    char *job = NULL;
    g_free(rare_doc(f, alice, r, &job));
    g_ptr_array_add(jobs, job);
  }
  for (int i = 0; i < 60; i++)
    g_free(rare_doc(f, bob, r, NULL));
  /* The first searches build the words' heads. */
  expect_words_rank_as_counted(f, alice);
  for (int i = 0; i < 40; i++)
    g_free(rare_doc(f, alice, r, NULL));
  for (int i = 0; i < 20; i++)
    g_free(rare_doc(f, bob, r, NULL));
  expect_words_rank_as_counted(f, alice);
  for (guint i = 0; i < 30; i++)
    assert_ok(doctag_history_job_delete(f->ctx, alice, g_ptr_array_index(jobs, i)));
  const char *tags[] = { "ledger", NULL };
  history_doc none = { .title = "Log", .file_path = "/data/in.pdf", .file_source_type = "local",
                       .status = "completed", .tags = tags, .tag_count = 1, .text = "tide wind", .text_len = 9,
                       .metadata_json = "{}" };
  history_doc all = { .title = "Anchor beacon cargo", .file_path = "/data/in.pdf", .file_source_type = "local",
                      .status = "completed", .tags = tags, .tag_count = 1, .text = "anchor beacon cargo",
                      .text_len = 19, .metadata_json = "{}" };
  for (guint i = 30; i < 60; i++)
    assert_ok(history_document_record(f->ctx, alice, g_ptr_array_index(jobs, i), i % 2 ? &none : &all, NULL));
  expect_words_rank_as_counted(f, alice);
  expect_postings_exact(f, alice);
  g_ptr_array_free(jobs, TRUE);
  g_rand_free(r);
  g_free(alice);
  g_free(bob);
}

/* ---- several words from their heads, stopping early ---- */

/* A word of a Zipf vocabulary: rank k of 400 drawn with weight 1/(k+1). */
static const char *zipf_word(GRand *r)
{
  static char words[400][8];
  static double cum[400];
  if (!cum[399]) {
    double t = 0;
    for (int k = 0; k < 400; k++) {
      snprintf(words[k], sizeof words[k], "%c%c%c", 'a' + k % 26, 'a' + (k / 26) % 26, 'k' + k % 7);
      cum[k] = t += 1.0 / (k + 1);
    }
  }
  double x = g_rand_double_range(r, 0, cum[399]);
  int k = 0;
  while (k < 399 && cum[k] < x)
    k++;
  return words[k];
}

static char *zipf_doc(fx *f, const char *uid, GRand *r, char **job)
{
  GString *text = g_string_new(NULL), *title = g_string_new(NULL);
  for (int i = g_rand_int_range(r, 5, 120); i > 0; i--)
    g_string_append_printf(text, " %s", zipf_word(r));
  for (int i = g_rand_int_range(r, 1, 5); i > 0; i--)
    g_string_append_printf(title, " %s", zipf_word(r));
  doc_spec d = { title->str, { zipf_word(r), zipf_word(r), NULL }, text->str, NULL, NULL };
  char *id = record(f, uid, &d, job);
  g_string_free(text, TRUE);
  g_string_free(title, TRUE);
  return id;
}

/* The ids of `q` from the search statement, which ranks every match (each
 * word's rarity read from its head, as the search read it). */
static char **every_match_ids(fx *f, const char *uid, const char *q, unsigned int limit)
{
  struct store *s;
  store_rows r = { 0 };
  assert_ok(store_get(f->ctx, &s));
  char *m = s->ops->match_query(q);
  store_param p[] = { SP_T(uid), SP_T(m), SP_I(limit) };
  assert_ok(store_query(s, ST_DOC_SEARCH, p, 3, &r));
  g_free(m);
  return rows_ids(&r);
}

/* `rounds` random queries of 2-4 words: each search answers what ranking
 * every match answers (ids and order); returns how many the words' heads
 * answered without that ranking. */
static unsigned int expect_words_as_ranked(fx *f, const char *uid, GRand *r, int rounds)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  static const unsigned int limits[] = { 1, 5, 20, 50, 100 };
  unsigned int early = 0;
  for (int q = 0; q < rounds; q++) {
    GString *query = g_string_new(NULL);
    for (int i = g_rand_int_range(r, 2, 5); i > 0; i--)
      g_string_append_printf(query, "%s%s", query->len ? " " : "", zipf_word(r));
    unsigned int limit = limits[g_rand_int_range(r, 0, G_N_ELEMENTS(limits))];
    char **got = search_ids_n(f, uid, query->str, limit), **want = every_match_ids(f, uid, query->str, limit);
    if (g_strv_length(got) != g_strv_length(want))
      fail_msg("\"%s\" limit %u: %u documents, ranked over every match %u", query->str, limit, g_strv_length(got),
               g_strv_length(want));
    for (guint i = 0; want[i]; i++)
      if (strcmp(got[i], want[i]))
        fail_msg("\"%s\" limit %u: #%u is %s, ranked over every match %s", query->str, limit, i, got[i], want[i]);
    /* Whether the heads alone proved it (what the search above used). */
    char *m = s->ops->match_query(query->str);
    store_rows rows = { 0 };
    bool answered = false;
    assert_ok(history_search_words(s, uid, m, limit, &rows, &answered));
    if (answered) {
      early++;
      assert_int_equal(rows.nrows, g_strv_length(want));
      for (unsigned int i = 0; i < rows.nrows; i++)
        assert_string_equal(store_cell(&rows, i, 0), want[i]);
    }
    store_rows_clear(&rows);
    g_free(m);
    g_strfreev(got);
    g_strfreev(want);
    g_string_free(query, TRUE);
  }
  return early;
}

/* A search of several words that stops early (SQLite: a threshold over the
 * words' heads) gives exactly the ranking of every match, ties and all,
 * for hundreds of random queries over a Zipf vocabulary, for the largest
 * user and a small one, and again after documents are added, deleted and
 * reprocessed (the heads follow by triggers). */
static void test_search_words_stop_early(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com"), *carol = user(f, "c@example.com");
  GRand *r = g_rand_new_with_seed(1717);
  GPtrArray *jobs = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; i < 2000; i++) {
    char *job = NULL;
    g_free(zipf_doc(f, i % 5 < 3 ? alice : i % 5 == 3 ? bob : carol, r, i % 5 < 3 ? &job : NULL));
    if (job)
      g_ptr_array_add(jobs, job);
  }
  unsigned int early = expect_words_as_ranked(f, alice, r, 150);
  early += expect_words_as_ranked(f, carol, r, 50);
  for (int i = 0; i < 300; i++)
    g_free(zipf_doc(f, i % 2 ? alice : bob, r, NULL));
  for (guint i = 0; i < 150; i++)
    assert_ok(doctag_history_job_delete(f->ctx, alice, g_ptr_array_index(jobs, i)));
  const char *tags[] = { "aak", NULL };
  history_doc again = { .title = "aak bbl", .file_path = "/data/in.pdf", .file_source_type = "local",
                        .status = "completed", .tags = tags, .tag_count = 1, .text = "aak bbl cbm aak",
                        .text_len = 15, .metadata_json = "{}" };
  for (guint i = 150; i < 250; i++)
    assert_ok(history_document_record(f->ctx, alice, g_ptr_array_index(jobs, i), &again, NULL));
  early += expect_words_as_ranked(f, alice, r, 150);
  /* 100 documents alike: their scores tie, and the newest go first. */
  static const char *const alike[] = { "aak bbl", "bbl cbm aak", "cbm aak" };
  for (size_t q = 0; q < G_N_ELEMENTS(alike); q++)
    for (unsigned int limit = 1; limit <= 100; limit *= 7) {
      char **got = search_ids_n(f, alice, alike[q], limit), **want = every_match_ids(f, alice, alike[q], limit);
      assert_int_equal(g_strv_length(got), g_strv_length(want));
      for (guint i = 0; want[i]; i++)
        if (strcmp(got[i], want[i]))
          fail_msg("\"%s\" limit %u: #%u is %s, ranked over every match %s", alike[q], limit, i, got[i], want[i]);
      g_strfreev(got);
      g_strfreev(want);
    }
  expect_postings_exact(f, alice);
  expect_postings_exact(f, bob);
  expect_postings_exact(f, carol);
  /* Every search of words with heads is answered without ranking every
   * match (where the backend can: SQLite). */
  if (!f->pg && early < 350)
    fail_msg("only %u of 350 searches answered from the postings", early);
  print_message("several words answered from the postings: %u of 350\n", early);
  g_ptr_array_free(jobs, TRUE);
  g_rand_free(r);
  g_free(alice);
  g_free(bob);
  g_free(carol);
}

/* A tie at a block's bound: the best document so far, in an old block
 * that a stronger document of one word lifts, ties a newer one alone in a
 * later block whose bound is exactly that score; the newer one wins the
 * tie, as ranking every match orders it, so that block is still read. */
static void test_search_words_tie_across_blocks(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  doc_spec both = { "Note", { "ledger", NULL }, "alpha beta", NULL, NULL };
  doc_spec one = { "Note", { "ledger", NULL }, "alpha alpha alpha", NULL, NULL };
  doc_spec filler = { "Log", { "ledger", NULL }, "tide wind rope", NULL, NULL };
  char *old = record(f, alice, &both, NULL);
  g_free(record(f, alice, &one, NULL));
  for (int i = 0; i < 520; i++) /* the next document in another block (0023: 512 seqs) */
    g_free(record(f, bob, &filler, NULL));
  char *newer = record(f, alice, &both, NULL);
  for (unsigned int limit = 1; limit <= 2; limit++) {
    char **got = search_ids_n(f, alice, "alpha beta", limit), **want = every_match_ids(f, alice, "alpha beta", limit);
    assert_int_equal(g_strv_length(want), limit);
    assert_string_equal(want[0], newer);
    assert_int_equal(g_strv_length(got), limit);
    for (guint i = 0; want[i]; i++)
      assert_string_equal(got[i], want[i]);
    if (limit == 2)
      assert_string_equal(got[1], old);
    g_strfreev(got);
    g_strfreev(want);
  }
  expect_postings_exact(f, alice);
  g_free(old);
  g_free(newer);
  g_free(alice);
  g_free(bob);
}

/* Migration 0023 gives the heads an older database holds their postings
 * from the index: run here on a database whose 0023 is undone, after the
 * heads were built; then several words are answered from the postings,
 * exactly as ranking every match answers, and the triggers keep them. */
static void test_postings_migration(void **state)
{
  fx *f = *state;
  if (f->pg)
    return; /* SQLite's migration */
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  GRand *r = g_rand_new_with_seed(23);
  for (int i = 0; i < 160; i++)
    g_free(rare_doc(f, i % 4 ? alice : bob, r, NULL));
  expect_words_rank_as_counted(f, alice);
  expect_words_rank_as_counted(f, bob);
  struct store *s;
  store_conn *c = NULL;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  static const char *const undo[] = {
    "DROP TRIGGER documents_postings_insert", "DROP TRIGGER documents_postings_delete",
    "DROP TRIGGER documents_postings_update", "DROP VIEW search_postings_enter", "DROP VIEW search_postings_leave",
    "DROP TABLE search_postings", "DELETE FROM schema_migrations WHERE version = 23",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(undo); i++)
    assert_ok(store_exec_sql(c, undo[i], NULL, 0, NULL));
  store_release(s, c);
  unsigned int applied = 0;
  assert_ok(store_migrate(s, &applied));
  assert_int_equal(applied, 1);
  expect_postings_exact(f, alice);
  expect_postings_exact(f, bob);
  for (int i = 0; i < 30; i++)
    g_free(rare_doc(f, alice, r, NULL));
  expect_postings_exact(f, alice);
  for (size_t q = 0; q < G_N_ELEMENTS(rare_queries); q++) {
    char *m = s->ops->match_query(rare_queries[q]);
    store_rows rows = { 0 };
    bool answered = false;
    assert_ok(history_search_words(s, alice, m, 20, &rows, &answered));
    assert_true(answered);
    char **want = every_match_ids(f, alice, rare_queries[q], 20);
    assert_int_equal(rows.nrows, g_strv_length(want));
    for (unsigned int i = 0; i < rows.nrows; i++)
      assert_string_equal(store_cell(&rows, i, 0), want[i]);
    g_strfreev(want);
    store_rows_clear(&rows);
    g_free(m);
  }
  g_rand_free(r);
  g_free(alice);
  g_free(bob);
}

/* Every write a head follows moves its user's write count, and only
 * that user's: a head read before it is then not published. */
static void test_head_gen_moves_with_writes(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  GRand *r = g_rand_new_with_seed(5);
  char *job = NULL;
  g_free(sea_doc(f, alice, r, &job));
  g_free(sea_doc(f, bob, r, NULL));
  char *a0 = user_gen(f, alice), *b0 = user_gen(f, bob);
  g_free(sea_doc(f, alice, r, NULL));
  char *a1 = user_gen(f, alice);
  const char *tags[] = { "log", NULL };
  history_doc again = { .title = "Anchor", .file_path = "/data/in.pdf", .file_source_type = "local",
                        .status = "completed", .tags = tags, .tag_count = 1, .text = "anchor hull", .text_len = 11,
                        .metadata_json = "{}" };
  assert_ok(history_document_record(f->ctx, alice, job, &again, NULL));
  char *a2 = user_gen(f, alice);
  assert_ok(doctag_history_job_delete(f->ctx, alice, job));
  char *a3 = user_gen(f, alice), *b1 = user_gen(f, bob);
  assert_non_null(a0);
  assert_string_not_equal(a0, a1);
  assert_string_not_equal(a1, a2);
  assert_string_not_equal(a2, a3);
  assert_string_equal(b0, b1);
  g_free(a0), g_free(a1), g_free(a2), g_free(a3), g_free(b0), g_free(b1), g_free(job);
  g_rand_free(r);
  g_free(alice);
  g_free(bob);
}

typedef struct sea_writer {
  fx *f;
  const char *uid;
  GPtrArray *jobs; /* the documents' jobs it may delete */
  gint stop, writes, failed;
} sea_writer;

/* Adds documents and deletes some, until told to stop (at least 40). */
static gpointer sea_write(gpointer p)
{
  sea_writer *w = p;
  GRand *r = g_rand_new_with_seed(99);
  for (int i = 0; !g_atomic_int_get(&w->failed) && (i < 40 || !g_atomic_int_get(&w->stop)); i++) {
    if (i % 3 == 2 && w->jobs->len) {
      char *job = g_ptr_array_steal_index_fast(w->jobs, (guint)g_rand_int_range(r, 0, (gint32)w->jobs->len));
      if (doctag_history_job_delete(w->f->ctx, w->uid, job) != DOCTAG_OK)
        g_atomic_int_set(&w->failed, 1);
      g_free(job);
    } else {
      char *job = NULL;
      g_free(sea_doc(w->f, w->uid, r, &job));
      g_ptr_array_add(w->jobs, job);
    }
    g_atomic_int_inc(&w->writes);
  }
  g_rand_free(r);
  return NULL;
}

/* First searches of words build their heads while a writer adds and
 * deletes the user's documents: each head answers exactly what ranking
 * every match answers once the writer is done. */
static void test_heads_built_beside_a_writer(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com");
  GRand *r = g_rand_new_with_seed(3);
  sea_writer w = { .f = f, .uid = alice, .jobs = g_ptr_array_new_with_free_func(g_free) };
  for (int i = 0; i < 150; i++) {
    char *job = NULL;
    g_free(sea_doc(f, alice, r, &job));
    g_ptr_array_add(w.jobs, job);
  }
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  GThread *t = g_thread_new("writer", sea_write, &w);
  /* Each round drops the heads, so that each search builds one again. */
  for (int round = 0; round < 4; round++)
    for (size_t i = 0; i < G_N_ELEMENTS(sea_words); i++) {
      store_rows term = { 0 };
      store_param q[] = { SP_T(sea_words[i]) };
      assert_ok(store_query(s, ST_HEAD_TERM, q, 1, &term));
      /* under the lock writers take, as a build drops a head */
      store_param u[] = { SP_T(alice) }, p[] = { SP_T(alice), SP_T(store_cell(&term, 0, 0)) };
      store_conn *c = NULL;
      assert_ok(store_acquire(s, &c));
      assert_ok(store_tx_begin(c));
      store_rows n = { 0 };
      doctag_status st = store_exec(c, ST_HEAD_LOCK, u, 1, &n);
      if (st == DOCTAG_OK)
        st = store_exec(c, ST_HEAD_DROP, p, 2, NULL);
      assert_ok(store_tx_end(c, st));
      store_release(s, c);
      store_rows_clear(&n);
      store_rows_clear(&term);
      g_strfreev(search_ids_n(f, alice, sea_words[i], (unsigned int)g_rand_int_range(r, 1, 101)));
    }
  g_atomic_int_set(&w.stop, 1);
  g_thread_join(t);
  assert_false(g_atomic_int_get(&w.failed));
  assert_true(g_atomic_int_get(&w.writes) >= 40);
  for (size_t i = 0; i < G_N_ELEMENTS(sea_words); i++) {
    unsigned int want = 0;
    char **all = search_ids_n(f, alice, sea_words[i], 100);
    want = g_strv_length(all);
    g_strfreev(all);
    g_strfreev(expect_head_matches_scan(f, alice, sea_words[i], 100, want));
  }
  g_ptr_array_free(w.jobs, TRUE);
  g_rand_free(r);
  g_free(alice);
}

/* A head of "harbour" staged for `uid` (history_head_stage), then the
 * writes of `between`, then settled under the lock for a limit of 50:
 * returns how, and checks that searches of 100 and 50 then answer exactly
 * what ranking every match answers. */
static history_head_how build_around(fx *f, const char *uid, void (*between)(fx *, const char *, void *),
                                     void *arg)
{
  struct store *s;
  store_conn *c = NULL;
  store_rows term = { 0 }, out = { 0 };
  store_param q[] = { SP_T("harbour") };
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_query(s, ST_HEAD_TERM, q, 1, &term));
  assert_ok(store_acquire(s, &c));
  store_param p[] = { SP_T(uid), SP_T(store_cell(&term, 0, 0)) };
  assert_ok(store_exec(c, ST_HEAD_DROP, p, 2, NULL));
  char *staged = NULL, *postings = NULL, *gen = NULL;
  int64_t df = -1;
  assert_ok(history_head_stage(c, uid, store_cell(&term, 0, 0), &staged, &postings, &gen, &df));
  assert_non_null(gen);
  between(f, uid, arg);
  bool answered = false;
  history_head_how how;
  assert_ok(history_head_settle(c, uid, store_cell(&term, 0, 0), 50, 1000, staged, postings, gen, df, &out, &answered, &how));
  /* A snapshot the log of writes does not reach back to is not published,
   * and nothing is ranked under the lock instead: no head. */
  assert_int_equal(answered, how != HISTORY_HEAD_STALE);
  assert_int_equal(out.nrows, answered ? 50 : 0);
  if (!answered) {
    bool complete = false;
    int64_t n = 0;
    assert_false(head_state(f, uid, "harbour", &n, &complete));
  }
  store_release(s, c);
  store_rows_clear(&out);
  store_rows_clear(&term);
  g_free(staged);
  g_free(postings);
  g_free(gen);
  char **all = ranked_ids(f, uid, "harbour", 100);
  guint want = g_strv_length(all);
  g_strfreev(all);
  g_strfreev(expect_head_matches_scan(f, uid, "harbour", 100, want));
  g_strfreev(expect_head_matches_scan(f, uid, "harbour", 50, want < 50 ? want : 50));
  expect_postings_exact(f, uid);
  return how;
}

typedef struct own_writes {
  GHashTable *job_of; /* document id -> its job */
  char *best;         /* set by own_writes_land: the new best document */
  bool forget;        /* then drop the user's log of writes, as if the build outlived it */
} own_writes;

static void nothing_between(fx *f, const char *uid, void *arg)
{
  (void)f, (void)uid, (void)arg;
}

/* What a user's own batch does while their first search builds a head:
 * a new best document and weak ones, a document without the word, the
 * best staged document deleted, the second reprocessed without the word,
 * the 100th reprocessed to the top; another user's document too. */
static void own_writes_land(fx *f, const char *uid, void *arg)
{
  own_writes *w = arg;
  char **ranked = ranked_ids(f, uid, "harbour", 100);
  assert_int_equal(g_strv_length(ranked), 100);
  char *job = NULL;
  w->best = harbour_doc(f, uid, 7, 0, &job);
  g_hash_table_insert(w->job_of, g_strdup(w->best), job);
  for (int i = 0; i < 5; i++) {
    char *id = harbour_doc(f, uid, 0, 40, &job);
    g_hash_table_insert(w->job_of, id, job);
  }
  doc_spec none = { "Log", { "ledger", NULL }, "tide wind rope", NULL, NULL };
  g_free(record(f, uid, &none, NULL));
  assert_ok(doctag_history_job_delete(f->ctx, uid, g_hash_table_lookup(w->job_of, ranked[0])));
  const char *tags[] = { "ledger", NULL };
  history_doc plain = { .title = "Log", .file_path = "/data/in.pdf", .file_source_type = "local",
                        .status = "completed", .tags = tags, .tag_count = 1, .text = "tide wind", .text_len = 9,
                        .metadata_json = "{}" };
  assert_ok(history_document_record(f->ctx, uid, g_hash_table_lookup(w->job_of, ranked[1]), &plain, NULL));
  history_doc strong = { .title = "Harbour harbour harbour harbour", .file_path = "/data/in.pdf",
                         .file_source_type = "local", .status = "completed", .tags = tags, .tag_count = 1,
                         .text = "harbour", .text_len = 7, .metadata_json = "{}" };
  assert_ok(history_document_record(f->ctx, uid, g_hash_table_lookup(w->job_of, ranked[99]), &strong, NULL));
  char *email = g_strdup_printf("b%d@example.com", w->forget), *bob = user(f, email);
  g_free(harbour_doc(f, bob, 7, 0, NULL));
  g_free(bob);
  g_free(email);
  if (w->forget) {
    struct store *s;
    store_conn *c = NULL;
    assert_ok(store_get(f->ctx, &s));
    assert_ok(store_acquire(s, &c));
    store_param u[] = { SP_T(uid) };
    assert_ok(store_exec_sql(c, f->pg ? "DELETE FROM head_writes WHERE user_id = $1::uuid"
                                      : "DELETE FROM head_writes WHERE user_id = ?1", u, 1, NULL));
    store_release(s, c);
  }
  g_strfreev(ranked);
}

/* A head staged while the searcher's own documents are written is not
 * ranked again under the lock: the snapshot is published and the
 * documents written meanwhile enter it as their writes would have (0014's
 * log); when the log does not reach back it is not built (the search
 * stages again or ranks every match, outside the lock). Each way, searches
 * answer exactly what ranking every match answers. */
static void test_head_build_follows_own_writes(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com");
  own_writes w = { .job_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free) };
  for (int i = 0; i < 160; i++) {
    char *job = NULL, *id = harbour_doc(f, alice, i % 5, (i * 7) % 11, &job);
    g_hash_table_insert(w.job_of, id, job);
  }
  assert_int_equal(build_around(f, alice, nothing_between, NULL), HISTORY_HEAD_PUBLISHED);
  assert_int_equal(build_around(f, alice, own_writes_land, &w), HISTORY_HEAD_REPLAYED);
  /* The new best document is first but for the one reprocessed to the top. */
  char **ids = search_ids_n(f, alice, "harbour", 2);
  assert_true(strv_has(ids, w.best));
  g_strfreev(ids);
  g_free(w.best);
  w.forget = true;
  assert_int_equal(build_around(f, alice, own_writes_land, &w), HISTORY_HEAD_STALE);
  g_free(w.best);
  g_hash_table_destroy(w.job_of);
  g_free(alice);
}

/* A writer of the searcher's own documents goes on while a first search
 * builds a head: the head's scan reads its snapshot while the writer's
 * transaction is open, holding the lock writers take, with a new best
 * document written and not yet committed (the scan neither waits for it nor
 * sees it); the writer then writes another and commits before the head is
 * published, and the published head holds both, exactly as ranking every
 * match orders them. */
static void test_writer_goes_on_during_head_build(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *job = NULL;
  for (int i = 0; i < 130; i++)
    g_free(harbour_doc(f, alice, i % 5, (i * 7) % 11, i ? NULL : &job));
  struct store *s;
  store_conn *w = NULL, *c = NULL;
  store_rows term = { 0 }, out = { 0 };
  store_param q[] = { SP_T("harbour") };
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_query(s, ST_HEAD_TERM, q, 1, &term));
  const char *t = store_cell(&term, 0, 0);
  assert_ok(store_acquire(s, &w));
  assert_ok(store_tx_begin(w));
  const char *tags[] = { "harbour", NULL };
  history_doc best = { .row_index = 500, .title = "Harbour harbour harbour", .file_path = "/data/in.pdf",
                       .file_source_type = "local", .status = "completed", .tags = tags, .tag_count = 1,
                       .text = "harbour harbour", .text_len = 15, .metadata_json = "{}" };
  char *first = NULL, *second = NULL;
  assert_ok(history_document_record_on(w, alice, job, &best, &first));
  /* the build's scan, beside the open write transaction */
  assert_ok(store_acquire(s, &c));
  char *staged = NULL, *postings = NULL, *gen = NULL;
  int64_t df = -1;
  assert_ok(history_head_stage(c, alice, t, &staged, &postings, &gen, &df));
  best.row_index = 501;
  assert_ok(history_document_record_on(w, alice, job, &best, &second));
  assert_ok(store_tx_end(w, DOCTAG_OK));
  store_release(s, w);
  bool answered = false;
  history_head_how how;
  assert_ok(history_head_settle(c, alice, t, 50, 1000, staged, postings, gen, df, &out, &answered, &how));
  assert_true(answered);
  assert_int_equal(how, HISTORY_HEAD_REPLAYED);
  store_release(s, c);
  char **ids = search_ids_n(f, alice, "harbour", 2);
  assert_true(strv_has(ids, first) && strv_has(ids, second));
  g_strfreev(ids);
  char **all = ranked_ids(f, alice, "harbour", 100);
  g_strfreev(expect_head_matches_scan(f, alice, "harbour", 100, g_strv_length(all)));
  g_strfreev(all);
  expect_postings_exact(f, alice);
  store_rows_clear(&out);
  store_rows_clear(&term);
  g_free(staged), g_free(postings), g_free(gen), g_free(first), g_free(second), g_free(job), g_free(alice);
}

/* The log of a user's writes (0014) stays bounded: after 1,260 writes it
 * holds the last 1,000 or so, and a head staged 40 writes back is still
 * replayed. */
static void reprocess_40(fx *f, const char *uid, void *arg)
{
  const char *tags[] = { "ledger", NULL };
  for (int i = 0; i < 40; i++) {
    char *text = g_strdup_printf("harbour entry %d", i);
    history_doc d = { .title = "Log", .file_path = "/data/in.pdf", .file_source_type = "local",
                      .status = "completed", .tags = tags, .tag_count = 1, .text = text, .text_len = strlen(text),
                      .metadata_json = "{}" };
    assert_ok(history_document_record(f->ctx, uid, arg, &d, NULL));
    g_free(text);
  }
}

static void test_head_writes_log_is_bounded(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *job = NULL;
  for (int i = 0; i < 60; i++)
    g_free(harbour_doc(f, alice, i % 5, i % 7, i ? NULL : &job));
  struct store *s;
  store_conn *c = NULL;
  store_rows r = { 0 };
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  store_param u[] = { SP_T(alice) };
  /* 20 new titles for each of the 60: a write each */
  for (int i = 0; i < 20; i++)
    assert_ok(store_exec_sql(c, f->pg ? "UPDATE documents SET title = title || '.' WHERE user_id = $1::uuid"
                                      : "UPDATE documents SET title = title || '.' WHERE user_id = ?1",
                             u, 1, NULL));
  assert_ok(store_exec_sql(c, f->pg ? "SELECT count(*), min(gen), max(gen) FROM head_writes WHERE user_id = $1::uuid"
                                    : "SELECT count(*), min(gen), max(gen) FROM head_writes WHERE user_id = ?1",
                           u, 1, &r));
  store_release(s, c);
  int64_t n = store_cell_int(&r, 0, 0), lo = store_cell_int(&r, 0, 1), hi = store_cell_int(&r, 0, 2);
  store_rows_clear(&r);
  /* 60 inserts and 1,200 new titles: 1,260 writes, the first included */
  assert_int_equal(hi, 1260);
  assert_true(n >= 1000 && n <= 1100);
  assert_int_equal(hi - lo + 1, n);
  assert_int_equal(build_around(f, alice, reprocess_40, job), HISTORY_HEAD_REPLAYED);
  /* The log goes with its user (their documents' deletions log nothing). */
  assert_ok(store_acquire(s, &c));
  assert_ok(store_exec_sql(c, f->pg ? "DELETE FROM users WHERE id = $1::uuid" : "DELETE FROM users WHERE id = ?1",
                           u, 1, NULL));
  assert_ok(store_exec_sql(c, "SELECT count(*) FROM head_writes", NULL, 0, &r));
  store_release(s, c);
  assert_int_equal(store_cell_int(&r, 0, 0), 0);
  store_rows_clear(&r);
  /* ...and so do the postings of their heads (0023). */
  if (!f->pg) {
    assert_ok(store_acquire(s, &c));
    assert_ok(store_exec_sql(c, "SELECT count(*) FROM search_postings WHERE user_id = ?1", u, 1, &r));
    store_release(s, c);
    assert_int_equal(store_cell_int(&r, 0, 0), 0);
    store_rows_clear(&r);
  }
  g_free(job);
  g_free(alice);
}

/* The words of `uid`'s heads, sorted, space-separated. */
static char *head_words(fx *f, const char *uid)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  GPtrArray *have = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < G_N_ELEMENTS(sea_words); i++) {
    int64_t n = 0;
    bool complete = false;
    if (head_state(f, uid, sea_words[i], &n, &complete))
      g_ptr_array_add(have, g_strdup(sea_words[i]));
  }
  g_ptr_array_add(have, NULL);
  char *words = g_strjoinv(" ", (char **)have->pdata);
  g_ptr_array_free(have, TRUE);
  return words;
}

/* Ages every head of every user by an hour. */
static void age_heads(fx *f)
{
  struct store *s;
  store_conn *c = NULL;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(store_acquire(s, &c));
  assert_ok(store_exec_sql(c, "UPDATE search_heads SET used_at = used_at - 3600000000", NULL, 0, NULL));
  store_release(s, c);
}

/* An owner keeps DOCTAG_SEARCH_HEADS_MAX heads: building one more drops
 * the least recently used; a head used again survives; another owner's
 * heads stay; an evicted word is built again and answers as before. */
static void test_heads_evicted_least_recently_used(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  GRand *r = g_rand_new_with_seed(11);
  for (int i = 0; i < 130; i++)
    g_free(sea_doc(f, alice, r, NULL));
  for (int i = 0; i < 20; i++)
    g_free(sea_doc(f, bob, r, NULL));
  uint64_t was = f->ctx->max_search_heads;
  f->ctx->max_search_heads = 3;
  g_strfreev(search_ids_n(f, bob, "fjord", 10));
  g_strfreev(search_ids_n(f, bob, "gale", 10));
  for (int i = 0; i < 3; i++)
    g_strfreev(search_ids_n(f, alice, sea_words[i], 10)); /* anchor beacon cargo */
  char *w = head_words(f, alice);
  assert_string_equal(w, "anchor beacon cargo");
  g_free(w);
  /* An hour later anchor is searched again; then a fourth word. */
  age_heads(f);
  g_strfreev(search_ids_n(f, alice, "anchor", 10));
  g_strfreev(search_ids_n(f, alice, "delta", 10));
  w = head_words(f, alice);
  assert_string_equal(w, "anchor cargo delta"); /* beacon and cargo tied: the word first in order went */
  g_free(w);
  w = head_words(f, bob);
  assert_string_equal(w, "fjord gale");
  g_free(w);
  /* beacon is built again, answers as a full ranking, and cargo goes. */
  int64_t n = 0;
  bool complete = false;
  char **all = search_ids_n(f, alice, "beacon beacon", 100);
  g_strfreev(expect_head_matches_scan(f, alice, "beacon", 100, g_strv_length(all)));
  g_strfreev(all);
  assert_true(head_state(f, alice, "beacon", &n, &complete));
  w = head_words(f, alice);
  assert_string_equal(w, "anchor beacon delta");
  g_free(w);
  /* A search of several words uses its words' heads (for their counts,
   * 0018): an hour later anchor and delta are, then a fourth word. */
  age_heads(f);
  g_strfreev(search_ids_n(f, alice, "anchor delta", 10));
  g_strfreev(search_ids_n(f, alice, "estuary", 10));
  w = head_words(f, alice);
  assert_string_equal(w, f->pg ? "beacon delta estuary" : "anchor delta estuary");
  g_free(w);
  f->ctx->max_search_heads = was;
  g_rand_free(r);
  g_free(alice);
  g_free(bob);
}

static void test_stats(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  char *jobs[7];
  for (int i = 0; i < 7; i++) {
    doc_spec d = { "d", { NULL }, "x", i < 2 ? "failed" : "completed", i < 2 ? "bad" : NULL };
    g_free(record(f, uid, &d, &jobs[i]));
  }
  char *bj = NULL;
  assert_ok(history_job_create(f->ctx, uid, NULL, "batch", NULL, 10, &bj));
  doctag_stats *s = NULL;
  assert_ok(doctag_history_stats(f->ctx, &s, uid));
  assert_int_equal(doctag_stats_total_jobs(s), 8);
  assert_int_equal(doctag_stats_total_documents(s), 7);
  assert_int_equal(doctag_stats_documents_processed(s), 5);
  assert_int_equal(doctag_stats_documents_failed(s), 2);
  assert_int_equal(doctag_stats_status_count(s), 3);
  const char *name;
  uint64_t count, sum = 0;
  for (size_t i = 0; i < 3; i++) {
    assert_ok(doctag_stats_status_at(s, i, &name, &count));
    if (!strcmp(name, "completed"))
      assert_int_equal(count, 5);
    else if (!strcmp(name, "failed"))
      assert_int_equal(count, 2);
    else
      assert_string_equal(name, "pending");
    sum += count;
  }
  assert_int_equal(sum, 8);
  assert_status(doctag_stats_status_at(s, 3, &name, &count), DOCTAG_EINVAL);
  assert_int_equal(doctag_stats_recent_count(s), 5);
  assert_string_equal(doctag_stats_recent_at(s, 0)->id, bj);
  assert_string_equal(doctag_stats_recent_at(s, 1)->id, jobs[6]);
  assert_null(doctag_stats_recent_at(s, 5));
  char *json;
  assert_ok(doctag_stats_to_json(s, &json));
  json_t *o = parse(json);
  const char *const keys[] = { "total_jobs", "total_documents", "documents_processed", "documents_failed",
                               "jobs_by_status", "recent_activity", NULL };
  assert_keys(o, keys);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "jobs_by_status"), "completed")), 5);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "jobs_by_status"), "pending")), 1);
  assert_int_equal(json_array_size(json_object_get(o, "recent_activity")), 5);
  assert_keys(json_array_get(json_object_get(o, "recent_activity"), 0), JOB_KEYS);
  json_decref(o);
  doctag_stats_free(s);
  /* One step renders the same. */
  char *one = NULL, *two = NULL;
  assert_ok(doctag_history_stats_json(f->ctx, uid, &one));
  assert_ok(doctag_history_stats(f->ctx, &s, uid));
  assert_ok(doctag_stats_to_json(s, &two));
  assert_string_equal(one, two);
  doctag_free(one);
  doctag_free(two);
  doctag_stats_free(s);
  for (int i = 0; i < 7; i++)
    g_free(jobs[i]);
  g_free(bj);
  g_free(uid);
}

/* The counts statistics, the document list's total and ranking read are
 * kept by triggers (0008): after every kind of change (a single document,
 * batch rows recorded pending then again completed or failed, a row moving
 * from failed to completed, a job deleted) they equal what counting the
 * documents table says, for each user, and one user's changes leave the
 * other's alone. */
static void assert_counts_exact(fx *f, const char *uid)
{
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  store_rows rows = { 0 };
  store_param p[] = { SP_T(uid) };
  assert_ok(store_exec_sql(c, strcmp(s->ops->name, "sqlite")
                                ? "SELECT count(*), count(*) FILTER (WHERE status = 'completed'),"
                                  " count(*) FILTER (WHERE status = 'failed') FROM documents WHERE user_id = $1"
                                : "SELECT count(*), coalesce(sum(status = 'completed'), 0),"
                                  " coalesce(sum(status = 'failed'), 0) FROM documents WHERE user_id = ?1",
                           p, 1, &rows));
  store_release(s, c);
  doctag_stats *st = NULL;
  assert_ok(doctag_history_stats(f->ctx, &st, uid));
  assert_int_equal(doctag_stats_total_documents(st), store_cell_int(&rows, 0, 0));
  assert_int_equal(doctag_stats_documents_processed(st), store_cell_int(&rows, 0, 1));
  assert_int_equal(doctag_stats_documents_failed(st), store_cell_int(&rows, 0, 2));
  doctag_stats_free(st);
  doctag_document_list *l = NULL;
  assert_ok(doctag_history_documents(f->ctx, &l, uid, 1, 0));
  assert_int_equal(doctag_document_list_total(l), store_cell_int(&rows, 0, 0));
  doctag_document_list_free(l);
  store_rows_clear(&rows);
}

static void test_counts_follow_every_change(void **state)
{
  fx *f = *state;
  char *alice = user(f, "a@example.com"), *bob = user(f, "b@example.com");
  assert_counts_exact(f, alice);
  doc_spec ok = { "One", { NULL }, "text", NULL, NULL }, bad = { "Two", { NULL }, NULL, "failed", "bad" };
  char *single_job = NULL;
  g_free(record(f, alice, &ok, &single_job));
  g_free(record(f, alice, &bad, NULL));
  g_free(record(f, bob, &ok, NULL));
  assert_counts_exact(f, alice);
  char *bj = NULL;
  assert_ok(history_job_create(f->ctx, alice, NULL, "batch", NULL, 4, &bj));
  const char *states[][4] = { { "pending", "pending", "pending", "pending" },
                              { "processing", "completed", "failed", "pending" },
                              { "completed", "completed", "completed", "failed" } };
  for (size_t round = 0; round < G_N_ELEMENTS(states); round++) {
    for (uint64_t r = 0; r < 4; r++) {
      history_doc h = { .row_index = r, .title = "row", .file_path = "https://example.com/a.pdf",
                        .file_source_type = "url", .status = states[round][r], .text = "row text",
                        .text_len = 8 };
      assert_ok(history_document_record(f->ctx, alice, bj, &h, NULL));
    }
    assert_counts_exact(f, alice);
    assert_counts_exact(f, bob);
  }
  doctag_stats *st = NULL;
  assert_ok(doctag_history_stats(f->ctx, &st, alice));
  assert_int_equal(doctag_stats_total_documents(st), 6);
  assert_int_equal(doctag_stats_documents_processed(st), 4);
  assert_int_equal(doctag_stats_documents_failed(st), 2);
  doctag_stats_free(st);
  assert_ok(doctag_history_job_delete(f->ctx, alice, bj));
  assert_ok(doctag_history_job_delete(f->ctx, alice, single_job));
  assert_counts_exact(f, alice);
  assert_ok(doctag_history_stats(f->ctx, &st, alice));
  assert_int_equal(doctag_stats_total_documents(st), 1);
  assert_int_equal(doctag_stats_documents_failed(st), 1);
  doctag_stats_free(st);
  assert_ok(doctag_history_stats(f->ctx, &st, bob));
  assert_int_equal(doctag_stats_total_documents(st), 1);
  assert_int_equal(doctag_stats_documents_processed(st), 1);
  doctag_stats_free(st);
  g_free(bj);
  g_free(single_job);
  g_free(alice);
  g_free(bob);
}

static void test_text_is_capped_and_cleaned(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  /* 3 MB of three-byte Devanagari characters, one bad byte and a NUL. */
  GString *big = g_string_new(NULL);
  g_string_append_len(big, "ok\xff\0ok ", 7);
  while (big->len < 3u << 20)
    g_string_append(big, "भारत ");
  history_doc h = { .status = "completed", .title = "Big \xc3", .text = big->str, .text_len = big->len,
                    .tags = (const char *const[]){ "bad\xfftag" }, .tag_count = 1 };
  char *did = NULL;
  assert_ok(history_record_single(f->ctx, uid, NULL, &h, 0, NULL, &did));
  doctag_document_detail *d = NULL;
  assert_ok(doctag_history_document(f->ctx, &d, uid, did));
  const doctag_document_record *r = doctag_document_detail_record(d);
  assert_true(r->extracted_text_length <= HISTORY_TEXT_CAP);
  assert_true(r->extracted_text_length > HISTORY_TEXT_CAP - 8);
  assert_true(g_utf8_validate(r->extracted_text, -1, NULL));
  assert_true(g_str_has_prefix(r->extracted_text, "ok\xef\xbf\xbd ok "));
  assert_true(g_utf8_validate(r->title, -1, NULL));
  assert_true(g_utf8_validate(r->tags[0], -1, NULL));
  doctag_document_detail_free(d);
  g_free(did);
  /* A cap of one's own, not on a character boundary. */
  h.text = "अआइईउऊ";
  h.text_len = strlen(h.text);
  h.text_cap = 10;
  assert_ok(history_record_single(f->ctx, uid, NULL, &h, 0, NULL, &did));
  assert_ok(doctag_history_document(f->ctx, &d, uid, did));
  assert_string_equal(doctag_document_detail_record(d)->extracted_text, "अआइ");
  doctag_document_detail_free(d);
  g_free(did);
  g_string_free(big, TRUE);
  g_free(uid);
}

static void test_batch_recording(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com"), *jid = NULL;
  char *given = store_uuid_new();
  assert_ok(history_job_create(f->ctx, uid, given, "batch", "{\"num_tags\":5,\"api_key\":\"k\"}", 3, &jid));
  assert_string_equal(jid, given);
  assert_status(history_job_create(f->ctx, uid, given, "batch", NULL, 3, NULL), DOCTAG_EEXISTS);
  assert_status(history_job_create(f->ctx, uid, NULL, "weekly", NULL, 3, NULL), DOCTAG_EINVAL);
  assert_status(history_job_create(f->ctx, uid, "nope", "batch", NULL, 3, NULL), DOCTAG_EINVAL);
  char *nobody = store_uuid_new();
  assert_status(history_job_create(f->ctx, nobody, NULL, "batch", NULL, 3, NULL), DOCTAG_ENOTFOUND);

  doctag_job_detail *job = NULL;
  assert_ok(doctag_history_job(f->ctx, &job, uid, jid));
  assert_string_equal(doctag_job_detail_job(job)->status, "pending");
  assert_null(doctag_job_detail_job(job)->started_at);
  assert_null(strstr(doctag_job_detail_job(job)->config_json, "api_key"));
  doctag_job_detail_free(job);

  assert_ok(history_job_set_status(f->ctx, jid, "processing", NULL));
  char *ids[3];
  for (int row = 0; row < 3; row++) {
    char *title = g_strdup_printf("row %d", row);
    history_doc h = { .row_index = (uint64_t)row, .title = title, .file_path = "https://example.com/x.pdf",
                      .file_source_type = "url", .status = row == 2 ? "failed" : "completed",
                      .error_message = row == 2 ? "HTTP 404" : NULL, .file_size = -1 };
    assert_ok(history_document_record(f->ctx, uid, jid, &h, &ids[row]));
    g_free(title);
  }
  assert_ok(doctag_history_job(f->ctx, &job, uid, jid));
  const doctag_job_record *j = doctag_job_detail_job(job);
  assert_string_equal(j->status, "processing");
  assert_non_null(j->started_at);
  assert_null(j->completed_at);
  assert_int_equal(j->processed_count, 2);
  assert_int_equal(j->failed_count, 1);
  assert_int_equal(doctag_job_detail_document_count(job), 3);
  for (size_t i = 0; i < 3; i++)
    assert_string_equal(doctag_job_detail_document_at(job, i)->id, ids[i]);
  char *started = g_strdup(j->started_at);
  doctag_job_detail_free(job);
  /* A row processed again (its worker died): the same document, counted once. */
  history_doc again = { .row_index = 1, .title = "row 1", .status = "failed", .error_message = "timeout",
                        .file_size = -1 };
  char *id1 = NULL;
  assert_ok(history_document_record(f->ctx, uid, jid, &again, &id1));
  assert_string_equal(id1, ids[1]);
  assert_ok(history_job_set_status(f->ctx, jid, "paused", NULL));
  assert_ok(history_job_set_status(f->ctx, jid, "processing", NULL));
  assert_ok(history_job_set_status(f->ctx, jid, "completed", NULL));
  assert_ok(doctag_history_job(f->ctx, &job, uid, jid));
  j = doctag_job_detail_job(job);
  assert_int_equal(j->processed_count, 1);
  assert_int_equal(j->failed_count, 2);
  assert_int_equal(doctag_job_detail_document_count(job), 3);
  assert_string_equal(j->status, "completed");
  assert_string_equal(j->started_at, started); /* kept across pause/resume */
  assert_non_null(j->completed_at);
  assert_string_equal(doctag_job_detail_document_at(job, 1)->error_message, "timeout");
  doctag_job_detail_free(job);
  /* An unknown size is null, not 0. */
  char *json = NULL;
  assert_ok(doctag_history_document_json(f->ctx, uid, ids[2], &json));
  assert_non_null(strstr(json, "\"file_size\":null"));
  assert_non_null(strstr(json, "\"error_message\":\"HTTP 404\""));
  doctag_free(json);
  /* Refusals. */
  assert_status(history_job_set_status(f->ctx, jid, "exploded", NULL), DOCTAG_EINVAL);
  assert_status(history_job_set_status(f->ctx, nobody, "completed", NULL), DOCTAG_ENOTFOUND);
  assert_status(history_document_record(f->ctx, uid, nobody, &again, NULL), DOCTAG_ENOTFOUND);
  history_doc badstatus = { .row_index = 9, .status = "great" };
  assert_status(history_document_record(f->ctx, uid, jid, &badstatus, NULL), DOCTAG_EINVAL);
  for (int i = 0; i < 3; i++)
    g_free(ids[i]);
  g_free(id1);
  g_free(started);
  g_free(nobody);
  g_free(given);
  g_free(jid);
  g_free(uid);
}

static void test_config_json(void **state)
{
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  const char *ex[] = { "the", "and" };
  o.api_key = "sk-or-very-secret";
  o.model_name = "local";
  o.num_tags = 5;
  o.exclusion_words = ex;
  o.exclusion_count = 2;
  o.ocr = DOCTAG_OCR_FORCE;
  o.languages = "eng+hin";
  char *s = process_config_json(&o);
  assert_null(strstr(s, "sk-or"));
  json_t *j = json_loads(s, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(j, "model_name")), "local");
  assert_int_equal(json_integer_value(json_object_get(j, "num_tags")), 5);
  assert_int_equal(json_integer_value(json_object_get(j, "num_pages")), 3);
  assert_int_equal(json_array_size(json_object_get(j, "exclusion_words")), 2);
  assert_true(json_is_null(json_object_get(j, "vocabulary")));
  assert_string_equal(json_string_value(json_object_get(j, "ocr")), "force");
  assert_string_equal(json_string_value(json_object_get(j, "language")), "eng+hin");
  assert_null(json_object_get(j, "api_key"));
  json_decref(j);
  g_free(s);
  s = process_config_json(NULL);
  assert_non_null(strstr(s, "\"openai/gpt-4o-mini\""));
  g_free(s);
}

/* What doctag_process_* records: the result's fields through its accessors. */
static void test_record_processing_result(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com");
  doctag_result *r = g_new0(doctag_result, 1);
  r->title = g_strdup("जल संसाधन report");
  r->file_name = g_strdup("water.pdf");
  r->text = g_string_new("Page one about water.\fपानी पर दूसरा पृष्ठ।");
  r->page_count = 7;
  r->pages_read = 2;
  r->pages = g_new0(extract_page, 2);
  r->pages[0] = (extract_page){ .method = DOCTAG_PAGE_TEXT, .confidence = -1 };
  r->pages[1] = (extract_page){ .method = DOCTAG_PAGE_OCR, .confidence = 87.456 };
  r->is_scanned = true;
  r->extraction_method = "hybrid";
  r->ocr_confidence = 87.456;
  r->quality = "medium";
  g_strlcpy(r->language, "hin+eng", sizeof r->language);
  r->tags.count = 2;
  r->tags.items = g_new0(tag_item, 2);
  r->tags.items[0] = (tag_item){ g_strdup("water"), 0.9, true };
  r->tags.items[1] = (tag_item){ g_strdup("पानी"), 0.7, false };
  r->tags.model_name = g_strdup("local");
  r->tags.tokens_used = 0;
  r->tagged = true;
  r->processing_time = 1.234;
  g_strlcpy(r->sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", sizeof r->sha256);

  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.user_id = uid;
  o.api_key = "sk-never-stored";
  o.model_name = "local";
  char *did = NULL;
  assert_ok(process_record_result(f->ctx, &o, r, "local", "/srv/in/water.pdf", 4096, store_now_us() - 1234000,
                                  &did));
  doctag_document_detail *d = NULL;
  assert_ok(doctag_history_document(f->ctx, &d, uid, did));
  const doctag_document_record *x = doctag_document_detail_record(d);
  assert_string_equal(x->title, "जल संसाधन report");
  assert_string_equal(x->status, "completed");
  assert_string_equal(x->file_source_type, "local");
  assert_string_equal(x->file_path, "/srv/in/water.pdf");
  assert_int_equal(x->file_size, 4096);
  assert_string_equal(x->sha256, r->sha256);
  assert_int_equal(x->tag_count, 2);
  assert_string_equal(x->tags[1], "पानी");
  assert_string_equal(x->extracted_text, r->text->str);
  json_t *m = json_loads(x->processing_metadata_json, 0, NULL);
  assert_true(json_is_true(json_object_get(m, "is_scanned")));
  assert_string_equal(json_string_value(json_object_get(m, "extraction_method")), "hybrid");
  assert_true(fabs(json_real_value(json_object_get(m, "ocr_confidence")) - 87.46) < 1e-9);
  assert_int_equal(json_integer_value(json_object_get(m, "page_count")), 7);
  assert_int_equal(json_integer_value(json_object_get(m, "text_length")), (json_int_t)r->text->len);
  assert_string_equal(json_string_value(json_object_get(m, "detected_language")), "hin+eng");
  assert_int_equal(json_array_size(json_object_get(m, "tag_details")), 2);
  /* Per page, for the document page of the web app. */
  json_t *pages = json_object_get(m, "pages");
  assert_int_equal(json_array_size(pages), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(pages, 0), "method")), "text_layer");
  assert_true(json_is_null(json_object_get(json_array_get(pages, 0), "ocr_confidence")));
  assert_string_equal(json_string_value(json_object_get(json_array_get(pages, 1), "method")), "ocr_tesseract");
  assert_true(fabs(json_real_value(json_object_get(json_array_get(pages, 1), "ocr_confidence")) - 87.46) < 1e-9);
  json_decref(m);
  doctag_document_detail_free(d);
  /* Searchable at once; the job is a completed single one without the key. */
  char **ids = search_ids(f, uid, "पानी");
  assert_int_equal(g_strv_length(ids), 1);
  assert_string_equal(ids[0], did);
  g_strfreev(ids);
  doctag_job_list *l = NULL;
  assert_ok(doctag_history_jobs(f->ctx, &l, uid, 0, 0, NULL));
  assert_string_equal(doctag_job_list_at(l, 0)->job_type, "single");
  assert_string_equal(doctag_job_list_at(l, 0)->status, "completed");
  doctag_job_detail *j = NULL;
  assert_ok(doctag_history_job(f->ctx, &j, uid, doctag_job_list_at(l, 0)->id));
  assert_null(strstr(doctag_job_detail_job(j)->config_json, "sk-never-stored"));
  doctag_job_detail_free(j);
  doctag_job_list_free(l);
  g_free(did);

  /* A failed call: recorded as failed, its message kept even when it is
   * the thread's own error text. */
  err_set(DOCTAG_EPDF, "PDF extraction failed: not a PDF (starts with GIF8)");
  assert_ok(process_record_failure(f->ctx, &o, NULL, "url", "https://example.com/a/broken.pdf", -1,
                                   doctag_error_last()->message, 0, &did));
  assert_ok(doctag_history_document(f->ctx, &d, uid, did));
  x = doctag_document_detail_record(d);
  assert_string_equal(x->status, "failed");
  assert_string_equal(x->title, "broken.pdf");
  assert_string_equal(x->error_message, "PDF extraction failed: not a PDF (starts with GIF8)");
  doctag_document_detail_free(d);
  g_free(did);
  o.user_id = NULL;
  assert_status(process_record_result(f->ctx, &o, r, "local", "x", 1, 0, NULL), DOCTAG_EINVAL);
  doctag_result_free(r);
  g_free(uid);
}

static void test_one_step_json(void **state)
{
  fx *f = *state;
  char *uid = user(f, "a@example.com"), *jid;
  doc_spec d = { "Same either way", { "x", NULL }, "words", NULL, NULL };
  char *did = record(f, uid, &d, &jid);
  char *a = NULL, *b = NULL;
  doctag_job_list *jl;
  assert_ok(doctag_history_jobs_json(f->ctx, uid, 10, 0, NULL, &a));
  assert_ok(doctag_history_jobs(f->ctx, &jl, uid, 10, 0, NULL));
  assert_ok(doctag_job_list_to_json(jl, &b));
  assert_string_equal(a, b);
  doctag_free(a);
  doctag_free(b);
  doctag_job_list_free(jl);
  doctag_document_list *dl;
  assert_ok(doctag_history_documents_json(f->ctx, uid, 10, 0, &a));
  assert_ok(doctag_history_documents(f->ctx, &dl, uid, 10, 0));
  assert_ok(doctag_document_list_to_json(dl, &b));
  assert_string_equal(a, b);
  doctag_free(a);
  doctag_free(b);
  doctag_document_list_free(dl);
  assert_ok(doctag_history_search_json(f->ctx, uid, "words", 10, &a));
  assert_non_null(strstr(a, did));
  doctag_free(a);
  assert_ok(doctag_history_document_json(f->ctx, uid, did, &a));
  assert_non_null(strstr(a, "\"extracted_text\":\"words\""));
  doctag_free(a);
  assert_ok(doctag_history_job_json(f->ctx, uid, jid, &a));
  assert_non_null(strstr(a, "\"documents\":[{"));
  doctag_free(a);
  assert_status(doctag_history_search_json(f->ctx, uid, "", 10, &a), DOCTAG_EINVAL);
  assert_null(a);
  assert_status(doctag_history_stats_json(f->ctx, uid, NULL), DOCTAG_EINVAL);
  g_free(did);
  g_free(jid);
  g_free(uid);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_record_and_read_back),
    cmocka_unit_test(test_record_failure),
    cmocka_unit_test(test_jobs_list),
    cmocka_unit_test(test_documents_list),
    cmocka_unit_test(test_pages_walk_the_list),
    cmocka_unit_test(test_pages_keep_ties_in_order),
    cmocka_unit_test(test_delete_job),
    cmocka_unit_test(test_ownership_isolation),
    cmocka_unit_test(test_search_ranking),
    cmocka_unit_test(test_search_hindi),
    cmocka_unit_test(test_search_script_words),
    cmocka_unit_test(test_search_script_phrases),
    cmocka_unit_test(test_search_unspaced_blocks),
    cmocka_unit_test(test_settled_words_unchanged),
    cmocka_unit_test(test_search_syntax_is_text),
    cmocka_unit_test(test_search_scoped_in_index),
    cmocka_unit_test(test_search_rank_is_the_owners),
    cmocka_unit_test(test_search_heads),
    cmocka_unit_test(test_search_words_rarity_kept),
    cmocka_unit_test(test_search_words_stop_early),
    cmocka_unit_test(test_postings_migration),
    cmocka_unit_test(test_search_words_tie_across_blocks),
    cmocka_unit_test(test_several_words_known_before_asking),
    cmocka_unit_test(test_head_gen_moves_with_writes),
    cmocka_unit_test(test_heads_built_beside_a_writer),
    cmocka_unit_test(test_head_build_follows_own_writes),
    cmocka_unit_test(test_writer_goes_on_during_head_build),
    cmocka_unit_test(test_head_writes_log_is_bounded),
    cmocka_unit_test(test_heads_evicted_least_recently_used),
    cmocka_unit_test(test_stats),
    cmocka_unit_test(test_counts_follow_every_change),
    cmocka_unit_test(test_text_is_capped_and_cleaned),
    cmocka_unit_test(test_batch_recording),
    cmocka_unit_test(test_config_json),
    cmocka_unit_test(test_record_processing_result),
    cmocka_unit_test(test_one_step_json),
  };
  return fx_run("history", tests, G_N_ELEMENTS(tests));
}
