/* Batch jobs through the public ABI, processing corpus PDFs with the
 * offline tagger, on both queue backends (Redis when DOCTAG_TEST_REDIS_URL
 * is set): counts with a bad row and a missing file, pause/resume/cancel,
 * ownership, event subscriptions, the JSON submit, a job whose Redis keys
 * are gone. Workers run in this process (several processes: jobs_workers_test). */
#include "jobs_testutil.h"

#define REDIS_DB 2

typedef struct fx {
  jt_fx jt;                 /* backend, context, user, HTTP server */
  GPtrArray *workers;       /* bg_worker*: threads running doctag_worker_run */
  GPtrArray *subscribers;   /* subscriber*: threads in doctag_job_events */
  GPtrArray *jobs;          /* ids submitted */
} fx;

static void fx_free(fx *f);

static void fx_free_jt(jt_fx *jt)
{
  fx_free((fx *)jt);
}

static fx *fx_new(void **state, bool with_http)
{
  fx *f = g_new0(fx, 1);
  f->workers = g_ptr_array_new();
  f->subscribers = g_ptr_array_new();
  f->jobs = g_ptr_array_new_with_free_func(g_free);
  jt_fx_open(&f->jt, state, REDIS_DB, "batch", with_http, fx_free_jt);
  return f;
}

typedef struct bg_worker {
  doctag_ctx *ctx;
  char *job;
  volatile int stop;
  GThread *thread;
} bg_worker;

typedef struct collector {
  GPtrArray *seqs;
  GPtrArray *jsons;
} collector;

typedef struct subscriber {
  fx *f;
  char *job;
  collector c;
  doctag_status st;
  GThread *thread;
} subscriber;

static void fx_free(fx *f)
{
  /* Threads still running (a failed assertion): end their jobs, stop them. */
  for (guint i = 0; i < f->jobs->len; i++)
    doctag_job_cancel(f->jt.ctx, f->jt.user, g_ptr_array_index(f->jobs, i));
  for (guint i = 0; i < f->workers->len; i++) {
    bg_worker *w = g_ptr_array_index(f->workers, i);
    w->stop = 1;
    if (w->thread)
      g_thread_join(w->thread);
    g_free(w->job);
    g_free(w);
  }
  for (guint i = 0; i < f->subscribers->len; i++) {
    subscriber *s = g_ptr_array_index(f->subscribers, i);
    if (s->thread)
      g_thread_join(s->thread);
    g_ptr_array_free(s->c.seqs, TRUE);
    g_ptr_array_free(s->c.jsons, TRUE);
    g_free(s->job);
    g_free(s);
  }
  g_ptr_array_free(f->workers, TRUE);
  g_ptr_array_free(f->subscribers, TRUE);
  g_ptr_array_free(f->jobs, TRUE);
  jt_fx_close(&f->jt);
  g_free(f);
}

static doctag_process_options local_tagger(void)
{
  doctag_process_options po = DOCTAG_PROCESS_OPTIONS_INIT;
  po.model_name = "local";
  return po;
}

/* A row as {title, path, type} (NULL path: no cell). */
typedef const char *row3[3];

static char *submit(fx *f, const row3 *rows, size_t n)
{
  doctag_row *r = g_new0(doctag_row, n);
  doctag_field *cells = g_new0(doctag_field, n * 3);
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    cells[i * 3 + k++] = (doctag_field){ "title", rows[i][0] };
    if (rows[i][1])
      cells[i * 3 + k++] = (doctag_field){ "file_path", rows[i][1] };
    cells[i * 3 + k++] = (doctag_field){ "file_source_type", rows[i][2] };
    r[i] = (doctag_row){ &cells[i * 3], k };
  }
  doctag_process_options po = local_tagger();
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &po;
  char *id = NULL;
  if (doctag_job_submit(f->jt.ctx, &id, f->jt.user, r, n, &jo) != DOCTAG_OK)
    fail_msg("submit: %s", doctag_error_last()->message);
  g_ptr_array_add(f->jobs, g_strdup(id));
  g_free(r);
  g_free(cells);
  return id;
}

/* n rows of corpus PDFs read from local paths. */
static char *submit_corpus(fx *f, size_t n)
{
  GPtrArray *pdfs = jt_text_pdfs(n);
  assert_int_equal(pdfs->len, n);
  row3 *rows = g_new0(row3, n);
  for (size_t i = 0; i < n; i++) {
    rows[i][0] = NULL;
    rows[i][1] = g_ptr_array_index(pdfs, i);
    rows[i][2] = "local";
  }
  char *id = submit(f, rows, n);
  g_free(rows);
  g_ptr_array_free(pdfs, TRUE);
  return id;
}

/* n rows fetched from the test's HTTP server, each delayed `delay` s. */
static char *submit_slow(fx *f, size_t n, double delay)
{
  row3 *rows = g_new0(row3, n);
  GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < n; i++) {
    char *q = g_strdup_printf("/doc%zu.pdf?delay=%.2f", i, delay);
    g_ptr_array_add(urls, jt_http_url(&f->jt.http, q));
    g_free(q);
    rows[i][1] = g_ptr_array_index(urls, i);
    rows[i][2] = "url";
  }
  char *id = submit(f, rows, n);
  g_free(rows);
  g_ptr_array_free(urls, TRUE);
  return id;
}

static json_t *event_json(const doctag_event_info *e)
{
  json_t *o = json_loads(e->json, 0, NULL);
  assert_non_null(o);
  assert_int_equal(json_integer_value(json_object_get(o, "seq")), e->seq);
  return o;
}

static void test_counts_with_bad_rows(void **state)
{
  fx *f = fx_new(state, false);
  GPtrArray *pdfs = jt_text_pdfs(4);
  char *missing = g_build_filename(tu_corpus_dir(), "text", "no-such-file.pdf", NULL);
  /* The caller's own column names, mapped. */
  const char *names[6] = { "One", "Two", "Three", "Four", "Bad row", "Missing" };
  doctag_field cells[6][3];
  doctag_row rows[6];
  for (int i = 0; i < 6; i++) {
    cells[i][0] = (doctag_field){ "Name", names[i] };
    cells[i][1] = (doctag_field){ "Kind", "local" };
    cells[i][2] = (doctag_field){ "Where", i < 4 ? g_ptr_array_index(pdfs, i) : missing };
    rows[i] = (doctag_row){ cells[i], i == 4 ? 2 : 3 };   /* the bad row has no path at all */
  }
  doctag_field mapping[] = { { "title", "Name" }, { "file_path", "Where" }, { "file_source_type", "Kind" } };
  doctag_process_options po = local_tagger();
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &po;
  jo.column_mapping = mapping;
  jo.column_mapping_count = 3;
  char *id = NULL;
  assert_int_equal(doctag_job_submit(f->jt.ctx, &id, f->jt.user, rows, 6, &jo), DOCTAG_OK);

  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_PENDING);
  assert_int_equal(doctag_job_total(j), 6);
  doctag_job_free(j);

  jt_run_worker(f->jt.ctx, 2);

  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_COMPLETED);
  assert_int_equal(doctag_job_processed_count(j), 4);
  assert_int_equal(doctag_job_failed_count(j), 2);
  assert_int_equal(doctag_job_results_count(j), 6);
  assert_true(doctag_job_progress(j) == 1.0);
  assert_int_equal(doctag_job_result_count(j), 6);
  bool seen[6] = { false };
  char *not_found = g_strdup_printf("File not found: %s", missing);
  for (size_t i = 0; i < 6; i++) {
    size_t row = doctag_job_result_row(j, i);
    assert_true(row < 6);
    assert_false(seen[row]);
    seen[row] = true;
    assert_string_equal(doctag_job_result_title(j, i), names[row]);
    assert_true(*doctag_job_result_document_id(j, i));
    if (row < 4) {
      assert_true(doctag_job_result_ok(j, i));
      assert_true(doctag_job_result_tag_count(j, i) >= 3);
    } else {
      assert_false(doctag_job_result_ok(j, i));
      assert_string_equal(doctag_job_result_error(j, i), row == 4 ? "file_path is required" : not_found);
    }
  }
  char *json = NULL;
  assert_int_equal(doctag_job_to_json(j, &json), DOCTAG_OK);
  json_t *o = json_loads(json, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(o, "job_id")), id);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "completed");
  assert_int_equal(json_integer_value(json_object_get(o, "processed_count")), 4);
  assert_int_equal(json_integer_value(json_object_get(o, "failed_count")), 2);
  assert_int_equal(json_integer_value(json_object_get(o, "total")), 6);
  assert_int_equal(json_integer_value(json_object_get(o, "results_count")), 6);
  assert_true(json_number_value(json_object_get(o, "progress")) == 1.0);
  json_decref(o);
  doctag_free(json);
  assert_int_equal(doctag_job_catchup_to_json(j, &json), DOCTAG_OK);
  o = json_loads(json, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(o, "type")), "completed");
  assert_string_equal(json_string_value(json_object_get(o, "message")), "Job already completed");
  json_decref(o);
  doctag_free(json);
  doctag_job_free(j);

  /* Every row, failed ones included, is a document in history. */
  assert_int_equal(jt_history_docs(f->jt.ctx, f->jt.user, id), 6);

  /* Events: per row processing then success/failed, one terminal event last. */
  doctag_events *ev = jt_events(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_events_count(ev), 13);
  int processing[6] = { 0 }, done[6] = { 0 };
  for (size_t i = 0; i < doctag_events_count(ev); i++) {
    const doctag_event_info *e = doctag_events_at(ev, i);
    assert_int_equal(e->seq, i + 1);
    json_t *eo = event_json(e);
    if (!strcmp(e->type, "processing") || !strcmp(e->type, "success") || !strcmp(e->type, "failed")) {
      int row = (int)json_integer_value(json_object_get(eo, "row_id"));
      assert_int_equal(json_integer_value(json_object_get(eo, "row_number")), row + 1);
      assert_string_equal(json_string_value(json_object_get(eo, "type")), "progress");
      if (!strcmp(e->type, "processing")) {
        assert_int_equal(done[row], 0);
        processing[row]++;
      } else {
        assert_int_equal(processing[row], 1);
        done[row]++;
        assert_true(json_is_object(json_object_get(eo, "metadata")) == (row < 4));
      }
      assert_false(e->terminal);
    } else {
      assert_string_equal(e->type, "completed");
      assert_true(e->terminal);
      assert_int_equal(i, doctag_events_count(ev) - 1);
      assert_int_equal(json_integer_value(json_object_get(eo, "processed_count")), 4);
      assert_string_equal(json_string_value(json_object_get(eo, "message")), "Completed: 4 succeeded, 2 failed");
    }
    json_decref(eo);
  }
  for (int r = 0; r < 6; r++)
    assert_true(processing[r] == 1 && done[r] == 1);
  doctag_events_free(ev);

  /* The result CSV of the job (the legacy endpoint's format). */
  GString *csv = g_string_new("Name,Where,Kind\r\n");
  for (int i = 0; i < 6; i++)
    g_string_append_printf(csv, "%s,%s,local\r\n", names[i], i == 4 ? "" : i < 4 ? (char *)g_ptr_array_index(pdfs, i)
                                                                                : missing);
  char *out = NULL;
  assert_int_equal(doctag_job_output_csv(f->jt.ctx, &out, f->jt.user, id, csv->str, csv->len), DOCTAG_OK);
  char **lines = g_strsplit(out, "\r\n", -1);
  assert_string_equal(lines[0], "Name,Where,Kind,generated_tags,tagging_status");
  assert_true(g_str_has_suffix(lines[1], ",success"));
  assert_true(g_str_has_suffix(lines[5], ",failed: file_path is required"));
  assert_true(strstr(lines[6], ",failed: File not found: ") != NULL);
  g_strfreev(lines);
  doctag_free(out);
  g_string_free(csv, TRUE);
  doctag_free(id);
  g_free(missing);
  g_free(not_found);
  g_ptr_array_free(pdfs, TRUE);
  fx_free(f);
}

static void expect(doctag_status got, doctag_status want, const char *in_message)
{
  assert_int_equal(got, want);
  if (in_message && !strstr(doctag_error_last()->message, in_message))
    fail_msg("message \"%s\" lacks \"%s\"", doctag_error_last()->message, in_message);
}

static void test_state_machine(void **state)
{
  fx *f = fx_new(state, false);
  char *id = submit_corpus(f, 3);
  /* pending -> paused: a worker finds nothing to do. */
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "paused");
  doctag_active_jobs *act = NULL;
  assert_int_equal(doctag_jobs_active(f->jt.ctx, &act, f->jt.user), DOCTAG_OK);
  assert_int_equal(doctag_active_jobs_count(act), 1);
  assert_string_equal(doctag_job_id(doctag_active_jobs_at(act, 0)), id);
  char *json = NULL;
  assert_int_equal(doctag_active_jobs_to_json(act, &json), DOCTAG_OK);
  json_t *o = json_loads(json, 0, NULL);
  json_t *first = json_array_get(json_object_get(o, "jobs"), 0);
  assert_string_equal(json_string_value(json_object_get(first, "status")), "paused");
  assert_int_equal(json_integer_value(json_object_get(first, "total")), 3);
  json_decref(o);
  doctag_free(json);
  doctag_active_jobs_free(act);

  jt_run_worker(f->jt.ctx, 2);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_PAUSED);
  assert_int_equal(doctag_job_results_count(j), 0);
  doctag_job_free(j);

  expect(doctag_job_resume(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  expect(doctag_job_resume(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "processing");
  jt_run_worker(f->jt.ctx, 2);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_COMPLETED);
  assert_int_equal(doctag_job_processed_count(j), 3);
  doctag_job_free(j);
  /* Nothing makes sense on a completed job. */
  expect(doctag_job_resume(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "completed");
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "completed");
  expect(doctag_job_cancel(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "completed");
  assert_int_equal(doctag_jobs_active(f->jt.ctx, &act, f->jt.user), DOCTAG_OK);
  assert_int_equal(doctag_active_jobs_count(act), 0);
  doctag_active_jobs_free(act);
  doctag_free(id);

  /* pending -> cancelled: nothing is processed, one terminal event. */
  id = submit_corpus(f, 3);
  expect(doctag_job_cancel(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  expect(doctag_job_cancel(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "cancelled");
  expect(doctag_job_resume(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "cancelled");
  jt_run_worker(f->jt.ctx, 2);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_CANCELLED);
  assert_int_equal(doctag_job_results_count(j), 0);
  doctag_job_free(j);
  doctag_events *ev = jt_events(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_events_count(ev), 1);
  const doctag_event_info *e = doctag_events_at(ev, 0);
  assert_string_equal(e->type, "cancelled");
  assert_true(e->terminal);
  o = event_json(e);
  assert_string_equal(json_string_value(json_object_get(o, "message")), "Cancelled: 0 processed before cancellation");
  json_decref(o);
  doctag_events_free(ev);
  doctag_free(id);
  fx_free(f);
}

static gpointer bg_worker_main(gpointer data)
{
  bg_worker *w = data;
  doctag_worker_options wo = DOCTAG_WORKER_OPTIONS_INIT;
  wo.threads = 1;
  wo.until_job = w->job;
  wo.stop = &w->stop;
  if (doctag_worker_run(w->ctx, &wo) != DOCTAG_OK)
    print_error("worker: %s\n", doctag_error_last()->message);
  return NULL;
}

/* A worker thread of the fixture, until `job` has ended. */
static bg_worker *start_worker(fx *f, const char *job)
{
  bg_worker *w = g_new0(bg_worker, 1);
  w->ctx = f->jt.ctx;
  w->job = g_strdup(job);
  g_ptr_array_add(f->workers, w);
  w->thread = g_thread_new("worker", bg_worker_main, w);
  return w;
}

static void join_worker(bg_worker *w)
{
  g_thread_join(w->thread);
  w->thread = NULL;
}

/* Event types with seq > after. */
static GPtrArray *types_after(fx *f, const char *job, uint64_t after)
{
  GPtrArray *t = g_ptr_array_new_with_free_func(g_free);
  doctag_events *ev = NULL;
  assert_int_equal(doctag_job_events_poll(f->jt.ctx, &ev, f->jt.user, job, after, 0, 0), DOCTAG_OK);
  for (size_t i = 0; i < doctag_events_count(ev); i++)
    g_ptr_array_add(t, g_strdup(doctag_events_at(ev, i)->type));
  doctag_events_free(ev);
  return t;
}

static bool has(GPtrArray *types, const char *t)
{
  for (guint i = 0; i < types->len; i++)
    if (!strcmp(g_ptr_array_index(types, i), t))
      return true;
  return false;
}

static void test_pause_stops_resume_continues(void **state)
{
  fx *f = fx_new(state, true);
  char *id = submit_slow(f, 6, 0.3);
  bg_worker *w = start_worker(f, id);
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "success", -1, 30);
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  uint64_t paused = jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "paused", -1, 5);
  /* The document in hand may finish; no new one starts. */
  g_usleep(1500000);
  GPtrArray *after = types_after(f, id, paused);
  assert_false(has(after, "processing"));
  assert_true(after->len <= 1);
  g_ptr_array_free(after, TRUE);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_PAUSED);
  size_t done_when_paused = doctag_job_results_count(j);
  assert_true(done_when_paused < 6);
  doctag_job_free(j);

  expect(doctag_job_resume(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  assert_int_equal(jt_wait_final(f->jt.ctx, f->jt.user, id, 60), DOCTAG_JOB_COMPLETED);
  join_worker(w);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_processed_count(j), 6);
  doctag_job_free(j);
  GPtrArray *all = types_after(f, id, 0);
  assert_true(has(all, "resumed"));
  assert_string_equal(g_ptr_array_index(all, all->len - 1), "completed");
  g_ptr_array_free(all, TRUE);
  assert_int_equal(jt_history_docs(f->jt.ctx, f->jt.user, id), 6);
  doctag_free(id);

  /* Cancel while running: it ends at once, no document starts after. */
  id = submit_slow(f, 6, 0.3);
  w = start_worker(f, id);
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "success", -1, 30);
  expect(doctag_job_cancel(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  join_worker(w);   /* until_job: returns once the job has ended */
  uint64_t end = jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "cancelled", -1, 5);
  g_usleep(800000);
  after = types_after(f, id, end);
  assert_int_equal(after->len, 0);
  g_ptr_array_free(after, TRUE);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_CANCELLED);
  assert_true(doctag_job_results_count(j) >= 1 && doctag_job_results_count(j) < 6);
  doctag_job_free(j);
  doctag_free(id);
  fx_free(f);
}

static void test_ownership(void **state)
{
  fx *f = fx_new(state, false);
  char *id = submit_corpus(f, 2);
  char *other = jt_user(f->jt.ctx, "other");
  doctag_job *j = NULL;
  expect(doctag_job_status(f->jt.ctx, &j, other, id), DOCTAG_ENOTFOUND, "Job not found");
  assert_null(j);
  expect(doctag_job_pause(f->jt.ctx, other, id), DOCTAG_ENOTFOUND, "Job not found");
  expect(doctag_job_resume(f->jt.ctx, other, id), DOCTAG_ENOTFOUND, "Job not found");
  expect(doctag_job_cancel(f->jt.ctx, other, id), DOCTAG_ENOTFOUND, "Job not found");
  doctag_events *ev = NULL;
  expect(doctag_job_events_poll(f->jt.ctx, &ev, other, id, 0, 0, 0), DOCTAG_ENOTFOUND, "Job not found");
  char *csv = NULL;
  expect(doctag_job_output_csv(f->jt.ctx, &csv, other, id, "title,file_path,file_source_type\n", 33), DOCTAG_ENOTFOUND,
         NULL);
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_OK, NULL);
  doctag_active_jobs *act = NULL;
  assert_int_equal(doctag_jobs_active(f->jt.ctx, &act, other), DOCTAG_OK);
  assert_int_equal(doctag_active_jobs_count(act), 0);
  doctag_active_jobs_free(act);
  /* Unknown ids and non-ids are simply not found. */
  expect(doctag_job_status(f->jt.ctx, &j, f->jt.user, "6b1f0d2e-8a43-4c55-9d3e-111111111111"), DOCTAG_ENOTFOUND,
         "Job not found");
  expect(doctag_job_status(f->jt.ctx, &j, f->jt.user, "job:1 OR 1=1"), DOCTAG_ENOTFOUND, "Job not found");
  /* The owner still sees it. */
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_PAUSED);
  doctag_job_free(j);
  g_free(other);
  doctag_free(id);
  fx_free(f);
}

static int collect(const doctag_event_info *e, void *ud)
{
  collector *c = ud;
  g_ptr_array_add(c->seqs, GSIZE_TO_POINTER((gsize)e->seq));
  g_ptr_array_add(c->jsons, g_strdup(e->json));
  return 0;
}

static gpointer subscribe_main(gpointer data)
{
  subscriber *s = data;
  s->st = doctag_job_events(s->f->jt.ctx, s->f->jt.user, s->job, 0, collect, &s->c);
  return NULL;
}

static void test_subscriptions_lose_nothing(void **state)
{
  fx *f = fx_new(state, true);
  char *id = submit_slow(f, 5, 0.1);
  /* A callback subscriber from the start... */
  subscriber *sp = g_new0(subscriber, 1);
  *sp = (subscriber){ f, g_strdup(id), { g_ptr_array_new(), g_ptr_array_new_with_free_func(g_free) }, DOCTAG_OK,
                      NULL };
  g_ptr_array_add(f->subscribers, sp);
  sp->thread = g_thread_new("subscriber", subscribe_main, sp);
  subscriber *s_ = sp;
  bg_worker *w = start_worker(f, id);
  /* ...and a poller that joins late, from seq 3, two events at a time. */
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "success", -1, 30);
  GPtrArray *polled = g_ptr_array_new_with_free_func(g_free);
  uint64_t seq = 3;
  bool ended = false;
  gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  while (!ended && g_get_monotonic_time() < deadline) {
    doctag_events *ev = NULL;
    assert_int_equal(doctag_job_events_poll(f->jt.ctx, &ev, f->jt.user, id, seq, 2, 1000), DOCTAG_OK);
    assert_true(doctag_events_count(ev) <= 2);
    for (size_t i = 0; i < doctag_events_count(ev); i++) {
      const doctag_event_info *e = doctag_events_at(ev, i);
      assert_int_equal(e->seq, seq + 1);
      seq = e->seq;
      g_ptr_array_add(polled, g_strdup(e->json));
      ended = e->terminal;
    }
    doctag_events_free(ev);
  }
  assert_true(ended);
  join_worker(w);
  g_thread_join(s_->thread);
  s_->thread = NULL;
  subscriber s = *s_;
  assert_int_equal(s.st, DOCTAG_OK);
  /* 5 processing + 5 success + completed, numbered 1..11, each once. */
  assert_int_equal(s.c.seqs->len, 11);
  for (guint i = 0; i < s.c.seqs->len; i++)
    assert_int_equal(GPOINTER_TO_SIZE(g_ptr_array_index(s.c.seqs, i)), i + 1);
  assert_int_equal(polled->len, 8);
  for (guint i = 0; i < polled->len; i++)
    assert_string_equal(g_ptr_array_index(polled, i), g_ptr_array_index(s.c.jsons, i + 3));
  /* Following a finished job from its last event returns at once. */
  doctag_events *ev = NULL;
  assert_int_equal(doctag_job_events_poll(f->jt.ctx, &ev, f->jt.user, id, 11, 0, 0), DOCTAG_OK);
  assert_int_equal(doctag_events_count(ev), 0);
  doctag_events_free(ev);
  g_ptr_array_free(polled, TRUE);
  doctag_free(id);
  fx_free(f);
}

static void test_submit_json(void **state)
{
  fx *f = fx_new(state, false);
  GPtrArray *pdfs = jt_text_pdfs(2);
  char *job_id = g_uuid_string_random();
  json_t *body = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:{s:s, s:i}, s:{s:s, s:s, s:s}, s:s}",
                           "documents", "Doc", "First", "Src", "local", "Loc", g_ptr_array_index(pdfs, 0), "Doc",
                           "Second", "Src", "local", "Loc", g_ptr_array_index(pdfs, 1), "config", "model_name",
                           "local", "num_tags", 5, "column_mapping", "title", "Doc", "file_source_type", "Src",
                           "file_path", "Loc", "job_id", job_id);
  char *req = json_dumps(body, JSON_COMPACT);
  char *resp = NULL;
  assert_int_equal(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user, req), DOCTAG_OK);
  json_t *o = json_loads(resp, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(o, "job_id")), job_id);
  assert_int_equal(json_integer_value(json_object_get(o, "total_documents")), 2);
  assert_string_equal(json_string_value(json_object_get(o, "message")), "Started processing of 2 documents");
  json_decref(o);
  doctag_free(resp);
  /* The same id again is taken. */
  expect(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user, req), DOCTAG_EEXISTS, NULL);
  /* The request parsed by the caller (the server) is the same job; the
   * object stays the caller's. */
  char *parsed_id = g_uuid_string_random();
  json_object_set_new(body, "job_id", json_string(parsed_id));
  assert_int_equal(doctag_job_submit_jansson(f->jt.ctx, &resp, f->jt.user, body), DOCTAG_OK);
  o = json_loads(resp, 0, NULL);
  assert_string_equal(json_string_value(json_object_get(o, "job_id")), parsed_id);
  assert_int_equal(json_integer_value(json_object_get(o, "total_documents")), 2);
  json_decref(o);
  doctag_free(resp);
  assert_true(json_is_object(body));
  expect(doctag_job_submit_jansson(f->jt.ctx, &resp, f->jt.user, json_object_get(body, "job_id")), DOCTAG_EINVAL,
         "not an object");
  jt_run_worker(f->jt.ctx, 2);
  const char *ids[] = { job_id, parsed_id };
  for (size_t k = 0; k < 2; k++) {
    doctag_job *j = jt_status(f->jt.ctx, f->jt.user, ids[k]);
    assert_int_equal(doctag_job_processed_count(j), 2);
    for (size_t i = 0; i < 2; i++) {
      assert_true(doctag_job_result_tag_count(j, i) <= 5 && doctag_job_result_tag_count(j, i) >= 3);
      o = json_loads(doctag_job_result_json(j, i), 0, NULL);
      assert_string_equal(json_string_value(json_object_get(o, "model_name")), "local");
      const char *title = json_string_value(json_object_get(o, "title"));
      assert_true(!strcmp(title, "First") || !strcmp(title, "Second"));
      json_decref(o);
    }
    doctag_job_free(j);
  }
  g_free(parsed_id);
  free(req);
  json_decref(body);

  expect(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user, "{\"documents\": [], \"config\": {}}"), DOCTAG_EINVAL,
         "No documents provided");
  expect(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user,
                                "{\"documents\": [{\"file_path\": \"x\"}], \"config\": {\"num_tags\": 20}}"),
         DOCTAG_EINVAL, "config.num_tags");
  expect(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user, "{\"documents\": [{}], \"job_id\": \"abc\"}"), DOCTAG_EINVAL,
         "job_id");
  expect(doctag_job_submit_json(f->jt.ctx, &resp, f->jt.user, "not json"), DOCTAG_EINVAL, NULL);
  assert_null(resp);
  g_free(job_id);
  g_ptr_array_free(pdfs, TRUE);
  fx_free(f);
}

static void test_expired_redis_keys_leave_history(void **state)
{
  fx *f = fx_new(state, false);
  char *id = submit_corpus(f, 3);
  jt_run_worker(f->jt.ctx, 2);
  /* What 24 hours do to the queue's keys. */
  jt_redis_flush(jt_redis_base(), REDIS_DB);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_COMPLETED);
  assert_int_equal(doctag_job_processed_count(j), 3);
  assert_int_equal(doctag_job_result_count(j), 3);
  for (size_t i = 0; i < 3; i++) {
    assert_true(doctag_job_result_ok(j, i));
    assert_true(*doctag_job_result_document_id(j, i));
    assert_true(doctag_job_result_tag_count(j, i) >= 3);
  }
  char *json = NULL;
  assert_int_equal(doctag_job_catchup_to_json(j, &json), DOCTAG_OK);
  assert_non_null(strstr(json, "Job already completed"));
  doctag_free(json);
  doctag_job_free(j);
  expect(doctag_job_pause(f->jt.ctx, f->jt.user, id), DOCTAG_ECONFLICT, "completed");
  /* A follower is told it ended. */
  doctag_events *ev = NULL;
  assert_int_equal(doctag_job_events_poll(f->jt.ctx, &ev, f->jt.user, id, 0, 0, 0), DOCTAG_OK);
  assert_int_equal(doctag_events_count(ev), 1);
  assert_string_equal(doctag_events_at(ev, 0)->type, "completed");
  assert_true(doctag_events_at(ev, 0)->terminal);
  doctag_events_free(ev);
  doctag_free(id);
  fx_free(f);
}

/* A row's text reaches the worker as it was given, whatever it holds:
 * quotes, backslashes, control characters, non-ASCII, an invalid byte
 * (made valid), surrounding blanks (trimmed); the rows fail on their
 * relative path, each keeping its title. */
static void test_row_text_reaches_the_worker(void **state)
{
  fx *f = fx_new(state, false);
  const char *given[] = { "  say \"hi\" \\ back\\slash  ", "tab\there\nnew line\x01\x1f\x7f",
                          "Hindi \xe0\xa4\xb9\xe0\xa4\xbf / \xe2\x80\xa8 sep", "bad \xff byte", "%s %{seq}" };
  const char *want[] = { "say \"hi\" \\ back\\slash", "tab\there\nnew line\x01\x1f\x7f",
                         "Hindi \xe0\xa4\xb9\xe0\xa4\xbf / \xe2\x80\xa8 sep", "bad \xef\xbf\xbd byte", "%s %{seq}" };
  enum { N = G_N_ELEMENTS(given) };
  doctag_field cells[N][3];
  doctag_row rows[N];
  for (int i = 0; i < N; i++) {
    cells[i][0] = (doctag_field){ "title", given[i] };
    cells[i][1] = (doctag_field){ "file_source_type", "local" };
    cells[i][2] = (doctag_field){ "file_path", "not/here.pdf" };
    rows[i] = (doctag_row){ cells[i], 3 };
  }
  doctag_process_options po = local_tagger();
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &po;
  char *id = NULL;
  assert_int_equal(doctag_job_submit(f->jt.ctx, &id, f->jt.user, rows, N, &jo), DOCTAG_OK);
  g_ptr_array_add(f->jobs, g_strdup(id));
  jt_run_worker(f->jt.ctx, 2);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_failed_count(j), N);
  assert_int_equal(doctag_job_result_count(j), N);
  for (size_t i = 0; i < N; i++) {
    size_t row = doctag_job_result_row(j, i);
    assert_true(row < N);
    assert_string_equal(doctag_job_result_title(j, i), want[row]);
    assert_string_equal(doctag_job_result_error(j, i), "Relative paths not supported");
  }
  doctag_job_free(j);
  doctag_free(id);
  fx_free(f);
}

/* base_dir (job options v3): a local row's relative path is resolved
 * against it at submission, as a shell would; an absolute path is kept; a
 * relative base_dir is refused naming the field; without it (a version-2
 * caller, the server) a relative row fails with its reason. */
static void test_base_dir_resolves_relative_rows(void **state)
{
  fx *f = fx_new(state, false);
  GPtrArray *pdfs = jt_text_pdfs(2);
  char *dir = g_path_get_dirname(g_ptr_array_index(pdfs, 0));
  char *name = g_path_get_basename(g_ptr_array_index(pdfs, 0));
  char *leaf = g_path_get_basename(dir);
  char *up = g_build_filename("..", leaf, name, NULL);   /* ../text/x.pdf: the same file */
  doctag_field cells[4][2] = {
    { { "file_path", name }, { "file_source_type", "local" } },
    { { "file_path", up }, { "file_source_type", "local" } },
    { { "file_path", g_ptr_array_index(pdfs, 1) }, { "file_source_type", "local" } },
    { { "file_path", "no-such-file.pdf" }, { "file_source_type", "local" } },
  };
  doctag_row rows[4];
  for (int i = 0; i < 4; i++)
    rows[i] = (doctag_row){ cells[i], 2 };
  doctag_process_options po = local_tagger();
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &po;

  jo.base_dir = "relative/dir";
  char *id = NULL;
  expect(doctag_job_submit(f->jt.ctx, &id, f->jt.user, rows, 4, &jo), DOCTAG_EINVAL, "absolute directory");
  assert_string_equal(doctag_error_last()->field, "base_dir");
  assert_null(id);

  jo.base_dir = dir;
  assert_int_equal(doctag_job_submit(f->jt.ctx, &id, f->jt.user, rows, 4, &jo), DOCTAG_OK);
  g_ptr_array_add(f->jobs, g_strdup(id));
  jt_run_worker(f->jt.ctx, 2);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_COMPLETED);
  assert_int_equal(doctag_job_processed_count(j), 3);
  char *missing = g_strdup_printf("File not found: %s/no-such-file.pdf", dir);
  for (size_t i = 0; i < doctag_job_result_count(j); i++) {
    size_t row = doctag_job_result_row(j, i);
    if (row < 3)
      assert_true(doctag_job_result_ok(j, i));
    else
      assert_string_equal(doctag_job_result_error(j, i), missing);
  }
  doctag_job_free(j);
  doctag_free(id);

  /* A version-2 struct has no base_dir: the relative rows fail, the
   * absolute one is read. */
  jo.version = 2;
  assert_int_equal(doctag_job_submit(f->jt.ctx, &id, f->jt.user, rows, 4, &jo), DOCTAG_OK);
  g_ptr_array_add(f->jobs, g_strdup(id));
  jt_run_worker(f->jt.ctx, 2);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_processed_count(j), 1);
  for (size_t i = 0; i < doctag_job_result_count(j); i++)
    if (doctag_job_result_row(j, i) != 2)
      assert_string_equal(doctag_job_result_error(j, i), "Relative paths not supported");
  doctag_job_free(j);
  doctag_free(id);
  g_free(missing);
  g_free(up);
  g_free(leaf);
  g_free(name);
  g_free(dir);
  g_ptr_array_free(pdfs, TRUE);
  fx_free(f);
}

/* The catch-up read a piece at a time (what the server streams): the
 * pieces concatenated are the message doctag_job_catchup_to_json() gives
 * for the same moment, even when rows finish while it is read; a finished
 * job's message comes whole. 30 rows fail at once, then a slow row holds
 * the job running. */
static void test_catchup_in_pieces(void **state)
{
  fx *f = fx_new(state, true);
  enum { BAD = 30 };
  row3 rows[BAD + 1];
  char *titles[BAD];
  for (int i = 0; i < BAD; i++) {
    titles[i] = g_strdup_printf("bad \"%d\" \xc3\xa9", i);   /* quotes and non-ASCII kept byte for byte */
    rows[i][0] = titles[i];
    rows[i][1] = NULL;
    rows[i][2] = "local";
  }
  char *slow = jt_http_url(&f->jt.http, "/slow.pdf?delay=4.00");
  rows[BAD][0] = "slow";
  rows[BAD][1] = slow;
  rows[BAD][2] = "url";
  char *id = submit(f, rows, BAD + 1);
  bg_worker *w = start_worker(f, id);
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "processing", BAD, 30);

  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  doctag_job_catchup *cu = NULL;
  assert_int_equal(doctag_job_catchup_open(f->jt.ctx, &cu, f->jt.user, id), DOCTAG_OK);
  assert_int_equal(doctag_job_get_state(j), DOCTAG_JOB_PROCESSING);
  assert_int_equal(doctag_job_result_count(j), BAD);
  const doctag_job *snap = doctag_job_catchup_job(cu);
  assert_int_equal(doctag_job_last_seq(snap), doctag_job_last_seq(j));
  assert_int_equal(doctag_job_results_count(snap), BAD);
  char *whole = NULL;
  assert_int_equal(doctag_job_catchup_to_json(j, &whole), DOCTAG_OK);
  doctag_job_free(j);

  /* The slow row finishes and the job ends before the reading goes on. */
  assert_int_equal(jt_wait_final(f->jt.ctx, f->jt.user, id, 60), DOCTAG_JOB_COMPLETED);
  join_worker(w);
  GString *joined = g_string_new(NULL);
  char *piece = NULL;
  int pieces = 0;
  assert_int_equal(doctag_job_catchup_next(cu, &piece, 7), DOCTAG_OK);
  assert_true(g_str_has_prefix(piece, "{\"type\":\"catchup\""));
  while (piece) {
    assert_true(*piece);
    assert_false(doctag_job_catchup_done(cu) && pieces == 0);
    g_string_append(joined, piece);
    doctag_free(piece);
    pieces++;
    assert_int_equal(doctag_job_catchup_next(cu, &piece, 7), DOCTAG_OK);
  }
  assert_true(doctag_job_catchup_done(cu));
  assert_int_equal(pieces, (BAD + 6) / 7);   /* 30 results, 7 a piece */
  assert_string_equal(joined->str, whole);
  json_t *o = json_loads(joined->str, 0, NULL);
  assert_non_null(o);
  assert_int_equal(json_array_size(json_object_get(o, "results")), BAD);
  json_decref(o);
  g_string_free(joined, TRUE);
  doctag_free(whole);
  doctag_job_catchup_free(cu);

  /* Finished: the short message, whole, in the first piece. */
  assert_int_equal(doctag_job_catchup_open(f->jt.ctx, &cu, f->jt.user, id), DOCTAG_OK);
  assert_int_equal(doctag_job_catchup_next(cu, &piece, 7), DOCTAG_OK);
  j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_catchup_to_json(j, &whole), DOCTAG_OK);
  assert_string_equal(piece, whole);
  assert_non_null(strstr(piece, "Job already completed"));
  assert_true(doctag_job_catchup_done(cu));
  doctag_free(piece);
  assert_int_equal(doctag_job_catchup_next(cu, &piece, 7), DOCTAG_OK);
  assert_null(piece);
  doctag_free(whole);
  doctag_job_free(j);
  doctag_job_catchup_free(cu);

  /* Another user's job is not found, like an unknown one. */
  char *bob = jt_user(f->jt.ctx, "bob-catchup");
  assert_int_equal(doctag_job_catchup_open(f->jt.ctx, &cu, bob, id), DOCTAG_ENOTFOUND);
  assert_null(cu);
  g_free(bob);
  for (int i = 0; i < BAD; i++)
    g_free(titles[i]);
  g_free(slow);
  doctag_free(id);
  fx_free(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    JT_ALL(test_counts_with_bad_rows),
    JT_ALL(test_state_machine),
    JT_ALL(test_pause_stops_resume_continues),
    JT_ALL(test_ownership),
    JT_ALL(test_base_dir_resolves_relative_rows),
    JT_ALL(test_row_text_reaches_the_worker),
    JT_ALL(test_subscriptions_lose_nothing),
    JT_ALL(test_catchup_in_pieces),
    JT_ON(test_submit_json, JT_LOCAL),
    JT_ON(test_expired_redis_keys_leave_history, JT_REDIS),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
