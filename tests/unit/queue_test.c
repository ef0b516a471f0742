/* The queue interface (queue/queue.h) on both backends: the local queue
 * always, Redis when DOCTAG_TEST_REDIS_URL is set. Items, leases, the state
 * machine and the event log, without processing any PDF. */
#include "jobs_testutil.h"
#include "jobs/jobs.h"
#include "queue/queue.h"
#include "history/history.h"
#include "store/store.h"

#define REDIS_DB 1

typedef struct fx {
  jt_fx jt;   /* backend, context, user */
  char *job;
  queue *q;
} fx;

static void fx_free(fx *f)
{
  jt_fx_close(&f->jt);
  g_free(f->job);
  g_free(f);
}

static void fx_free_jt(jt_fx *jt)
{
  fx_free((fx *)jt);
}

static fx *fx_new(void **state, size_t rows)
{
  fx *f = g_new0(fx, 1);
  jt_fx_open(&f->jt, state, REDIS_DB, "queue", false, fx_free_jt);
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < rows; i++)
    g_ptr_array_add(payloads, g_strdup_printf("{\"title\":\"row %zu\",\"file_path\":\"/x/%zu.pdf\"}", i, i));
  assert_int_equal(jobs_submit_payloads(f->jt.ctx, &f->job, f->jt.user, payloads, NULL), DOCTAG_OK);
  g_ptr_array_free(payloads, TRUE);
  assert_int_equal(queue_get(f->jt.ctx, &f->q), DOCTAG_OK);
  assert_string_equal(queue_backend_name(f->q), jt_backend_name(f->jt.backend));
  return f;
}

static char *proc_event(const queue_item *it, void *ud)
{
  (void)ud;
  job_row row = { 0 };
  job_row_read(&row, it->job_id, it->row, it->payload);
  char *ev = events_processing(it->job_id, it->row, row.title);
  job_row_clear(&row);
  return ev;
}

/* Claims one item (waiting up to wait_ms); false when none. */
static bool claim(fx *f, const char *worker, unsigned int lease, int wait_ms, queue_item *it)
{
  bool started = false;
  queue_claim_outcome oc;
  if (queue_claim(f->q, worker, lease, wait_ms, proc_event, NULL, it, &started, &oc) != DOCTAG_OK)
    fail_msg("claim: %s", doctag_error_last()->message);
  return oc == QC_ITEM;
}

static queue_finish_outcome finish(fx *f, queue_item *it, bool ok)
{
  char *result = g_strdup_printf("{\"row_id\":%" G_GUINT64_FORMAT ",\"status\":\"%s\",\"title\":\"t\",\"tags\":[]}",
                                 it->row, ok ? "success" : "failed");
  char *ev = events_row_done(it->job_id, result);
  char *done = events_completed(it->job_id);
  queue_finish_outcome o;
  assert_int_equal(queue_finish(f->q, it, ok, result, ev, done, &o), DOCTAG_OK);
  g_free(result);
  g_free(ev);
  g_free(done);
  return o;
}

static void get(fx *f, queue_job *j)
{
  assert_int_equal(queue_job_get(f->q, f->job, j), DOCTAG_OK);
}

/* The job's events: numbered 1..n without a gap; returns n and checks each
 * is JSON with the matching "seq". */
static size_t check_events(fx *f, GPtrArray **out_types)
{
  GPtrArray *evs = g_ptr_array_new_with_free_func((GDestroyNotify)queue_event_free);
  assert_int_equal(queue_events_read(f->q, f->job, 0, 0, evs), DOCTAG_OK);
  GPtrArray *types = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < evs->len; i++) {
    queue_event *e = g_ptr_array_index(evs, i);
    assert_int_equal(e->seq, i + 1);
    json_t *o = json_loads(e->json, 0, NULL);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "seq")), i + 1);
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *status = json_string_value(json_object_get(o, "status"));
    g_ptr_array_add(types, g_strdup(!strcmp(type, "progress") ? status : type));
    json_decref(o);
  }
  size_t n = evs->len;
  g_ptr_array_free(evs, TRUE);
  if (out_types)
    *out_types = types;
  else
    g_ptr_array_free(types, TRUE);
  return n;
}

/* A submission of more rows than one insert statement carries (the local
 * queue inserts them 1,000 a statement) keeps every row, in order, byte
 * for byte: quotes, backslashes and non-ASCII text included. */
static void test_many_rows_kept_exactly(void **state)
{
  fx *f = g_new0(fx, 1);
  jt_fx_open(&f->jt, state, REDIS_DB, "queue", false, fx_free_jt);
  enum { ROWS = 2101 };
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < ROWS; i++)
    g_ptr_array_add(payloads, g_strdup_printf("{\"title\":\"row %zu \\\"q\\\" \\\\ caf\xc3\xa9 \xe0\xa4\xb9\","
                                              "\"file_path\":\"/x/%zu.pdf\"}", i, i));
  assert_int_equal(jobs_submit_payloads(f->jt.ctx, &f->job, f->jt.user, payloads, NULL), DOCTAG_OK);
  assert_int_equal(queue_get(f->jt.ctx, &f->q), DOCTAG_OK);
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.total, ROWS);
  queue_job_clear(&j);
  for (size_t i = 0; i < ROWS; i++) {
    queue_item it;
    assert_true(claim(f, "w1", 60, 0, &it));
    assert_int_equal(it.row, i);
    assert_string_equal(it.payload, g_ptr_array_index(payloads, i));
    queue_item_clear(&it);
  }
  queue_item extra;
  assert_false(claim(f, "w1", 60, 0, &extra));
  g_ptr_array_free(payloads, TRUE);
}

static void test_claim_finish_complete(void **state)
{
  fx *f = fx_new(state, 3);
  queue_item it[3];
  for (int i = 0; i < 3; i++)
    assert_true(claim(f, "w1", 60, 0, &it[i]));
  queue_item extra;
  assert_false(claim(f, "w1", 60, 0, &extra));
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.state, DOCTAG_JOB_PROCESSING);
  assert_int_equal(j.total, 3);
  queue_job_clear(&j);

  assert_int_equal(finish(f, &it[0], true), QF_RECORDED);
  assert_int_equal(finish(f, &it[1], false), QF_RECORDED);
  assert_int_equal(finish(f, &it[2], true), QF_COMPLETED);
  get(f, &j);
  assert_int_equal(j.state, DOCTAG_JOB_COMPLETED);
  assert_int_equal(j.done, 3);
  assert_int_equal(j.processed, 2);
  assert_int_equal(j.failed, 1);
  assert_null(j.secret);
  queue_job_clear(&j);

  GPtrArray *types;
  assert_int_equal(check_events(f, &types), 7);
  size_t processing = 0, success = 0, failed = 0, completed = 0;
  for (guint i = 0; i < types->len; i++) {
    const char *t = g_ptr_array_index(types, i);
    processing += !strcmp(t, "processing");
    success += !strcmp(t, "success");
    failed += !strcmp(t, "failed");
    completed += !strcmp(t, "completed");
  }
  assert_int_equal(processing, 3);
  assert_int_equal(success, 2);
  assert_int_equal(failed, 1);
  assert_int_equal(completed, 1);
  assert_string_equal(g_ptr_array_index(types, types->len - 1), "completed");
  g_ptr_array_free(types, TRUE);

  /* The completed event carries the counts of the moment. */
  GPtrArray *evs = g_ptr_array_new_with_free_func((GDestroyNotify)queue_event_free);
  assert_int_equal(queue_events_read(f->q, f->job, 6, 0, evs), DOCTAG_OK);
  assert_int_equal(evs->len, 1);
  json_t *o = json_loads(((queue_event *)g_ptr_array_index(evs, 0))->json, 0, NULL);
  assert_int_equal(json_integer_value(json_object_get(o, "processed_count")), 2);
  assert_int_equal(json_integer_value(json_object_get(o, "failed_count")), 1);
  assert_string_equal(json_string_value(json_object_get(o, "message")), "Completed: 2 succeeded, 1 failed");
  json_decref(o);
  g_ptr_array_free(evs, TRUE);

  /* Results: one per row, in finishing order. */
  GPtrArray *res = g_ptr_array_new_with_free_func(g_free);
  assert_int_equal(queue_results(f->q, f->job, res), DOCTAG_OK);
  assert_int_equal(res->len, 3);
  g_ptr_array_free(res, TRUE);
  for (int i = 0; i < 3; i++)
    queue_item_clear(&it[i]);
  fx_free(f);
}

static void test_finish_twice_counts_once(void **state)
{
  fx *f = fx_new(state, 2);
  queue_item a, b;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_true(claim(f, "w1", 60, 0, &b));
  assert_int_equal(finish(f, &a, true), QF_RECORDED);
  assert_int_equal(finish(f, &a, true), QF_DUPLICATE);
  assert_int_equal(finish(f, &a, false), QF_DUPLICATE);
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.done, 1);
  assert_int_equal(j.processed, 1);
  assert_int_equal(j.failed, 0);
  assert_int_equal(j.state, DOCTAG_JOB_PROCESSING);
  queue_job_clear(&j);
  assert_int_equal(finish(f, &b, true), QF_COMPLETED);
  assert_int_equal(finish(f, &b, true), QF_DUPLICATE);
  assert_int_equal(check_events(f, NULL), 5);
  queue_item_clear(&a);
  queue_item_clear(&b);
  fx_free(f);
}

static void test_lease_runs_out(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item a, b;
  assert_true(claim(f, "w1", 1, 0, &a));
  assert_int_equal(a.attempts, 1);
  /* While the lease holds, nobody else gets the item. */
  assert_false(claim(f, "w2", 1, 0, &b));
  g_usleep(1300000);
  assert_true(claim(f, "w2", 1, 2000, &b));
  assert_int_equal(b.row, a.row);
  assert_string_equal(b.job_id, a.job_id);
  assert_int_equal(b.attempts, 2);
  assert_int_equal(finish(f, &b, true), QF_COMPLETED);
  /* The first worker wakes up late: its result is not counted again. */
  assert_int_equal(finish(f, &a, true), QF_DUPLICATE);
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.done, 1);
  queue_job_clear(&j);
  queue_item_clear(&a);
  queue_item_clear(&b);
  fx_free(f);
}

static void test_renew_keeps_the_item(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item a, b;
  assert_true(claim(f, "w1", 1, 0, &a));
  for (int i = 0; i < 4; i++) {
    g_usleep(400000);
    assert_int_equal(queue_renew(f->q, &a, "w1", 1), DOCTAG_OK);
  }
  assert_false(claim(f, "w2", 1, 0, &b));
  queue_item_clear(&a);
  fx_free(f);
}

static void test_release_gives_back(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item a, b;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_int_equal(queue_release(f->q, &a, "w1"), DOCTAG_OK);
  assert_true(claim(f, "w2", 60, 1000, &b));
  assert_int_equal(b.row, a.row);
  queue_item_clear(&a);
  queue_item_clear(&b);
  fx_free(f);
}

static doctag_status transition(fx *f, unsigned int from, doctag_job_state to, const char *type)
{
  char *ev = type ? events_state(f->job, type) : events_cancelled(f->job);
  doctag_status st = queue_job_transition(f->q, f->job, from, to, NULL, ev, NULL);
  g_free(ev);
  return st;
}

#define RUNNABLE (QS(DOCTAG_JOB_PENDING) | QS(DOCTAG_JOB_PROCESSING))

static void test_pause_resume(void **state)
{
  fx *f = fx_new(state, 3);
  queue_item a, b;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_int_equal(transition(f, RUNNABLE, DOCTAG_JOB_PAUSED, "paused"), DOCTAG_OK);
  /* Paused: nothing new is handed out, however long one waits. */
  assert_false(claim(f, "w2", 60, 300, &b));
  assert_false(claim(f, "w2", 60, 0, &b));
  /* The item in hand still counts. */
  assert_int_equal(finish(f, &a, true), QF_RECORDED);
  /* A second pause makes no sense. */
  assert_int_equal(transition(f, RUNNABLE, DOCTAG_JOB_PAUSED, "paused"), DOCTAG_ECONFLICT);
  assert_string_equal(doctag_error_last()->message, "paused");
  assert_int_equal(transition(f, QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_PROCESSING, "resumed"), DOCTAG_OK);
  assert_int_equal(transition(f, QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_PROCESSING, "resumed"), DOCTAG_ECONFLICT);
  queue_item c;
  assert_true(claim(f, "w2", 60, 2000, &b));
  assert_true(claim(f, "w2", 60, 2000, &c));
  assert_true(b.row != a.row && c.row != a.row && b.row != c.row);
  assert_int_equal(finish(f, &b, true), QF_RECORDED);
  assert_int_equal(finish(f, &c, true), QF_COMPLETED);
  GPtrArray *types;
  check_events(f, &types);
  /* processing, paused, success, resumed, processing x2, success x2, completed */
  assert_int_equal(types->len, 9);
  assert_string_equal(g_ptr_array_index(types, 1), "paused");
  assert_string_equal(g_ptr_array_index(types, 3), "resumed");
  g_ptr_array_free(types, TRUE);
  queue_item_clear(&a);
  queue_item_clear(&b);
  queue_item_clear(&c);
  fx_free(f);
}

static void test_cancel(void **state)
{
  fx *f = fx_new(state, 3);
  queue_item a, b;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_int_equal(transition(f, RUNNABLE | QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_CANCELLED, NULL), DOCTAG_OK);
  assert_false(claim(f, "w2", 60, 200, &b));
  /* The document in hand is still counted, but no event follows the end. */
  assert_int_equal(finish(f, &a, true), QF_AFTER_END);
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.state, DOCTAG_JOB_CANCELLED);
  assert_int_equal(j.done, 1);
  queue_job_clear(&j);
  GPtrArray *types;
  assert_int_equal(check_events(f, &types), 2);
  assert_string_equal(g_ptr_array_index(types, 1), "cancelled");
  g_ptr_array_free(types, TRUE);
  assert_int_equal(transition(f, RUNNABLE | QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_CANCELLED, NULL), DOCTAG_ECONFLICT);
  assert_int_equal(transition(f, QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_PROCESSING, "resumed"), DOCTAG_ECONFLICT);
  queue_item_clear(&a);
  fx_free(f);
}

typedef struct titled {
  fx *f;
  const queue_item *it;
  const char *title;
  unsigned int calls;
} titled;

/* A record callback: the row's history document, titled. */
static doctag_status record_titled(struct store_conn *c, void *ud, char **result, char **event)
{
  titled *t = ud;
  t->calls++;
  history_doc d = { .row_index = t->it->row, .title = t->title, .status = "completed", .file_size = -1 };
  char *doc_id = NULL;
  doctag_status st = c ? history_document_record_on(c, t->f->jt.user, t->it->job_id, &d, &doc_id)
                       : history_document_record(t->f->jt.ctx, t->f->jt.user, t->it->job_id, &d, &doc_id);
  if (st)
    return st;
  *result = g_strdup_printf("{\"row_id\":%" G_GUINT64_FORMAT ",\"title\":\"%s\",\"status\":\"success\","
                            "\"tags\":[],\"document_id\":\"%s\"}", t->it->row, t->title, doc_id);
  *event = events_row_done(t->it->job_id, *result);
  g_free(doc_id);
  return DOCTAG_OK;
}

static char *history_title(fx *f)
{
  doctag_job_detail *d = NULL;
  assert_int_equal(doctag_history_job(f->jt.ctx, &d, f->jt.user, f->job), DOCTAG_OK);
  assert_int_equal(doctag_job_detail_document_count(d), 1);
  char *t = g_strdup(doctag_job_detail_document_at(d, 0)->title);
  doctag_job_detail_free(d);
  return t;
}

/* Recording and finishing together: the document reaches history with the
 * item's result; a second finish of the row (a worker that lost its lease)
 * changes neither the counts nor the document. */
static void test_record_finish(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item a;
  assert_true(claim(f, "w1", 60, 0, &a));
  char *done = events_completed(f->job);
  titled first = { f, &a, "first", 0 }, second = { f, &a, "second", 0 };
  queue_finish_outcome o;
  assert_int_equal(queue_record_finish(f->q, &a, true, record_titled, &first, done, &o), DOCTAG_OK);
  assert_int_equal(o, QF_COMPLETED);
  assert_int_equal(first.calls, 1);
  assert_int_equal(queue_record_finish(f->q, &a, true, record_titled, &second, done, &o), DOCTAG_OK);
  assert_int_equal(o, QF_DUPLICATE);
  g_free(done);
  char *title = history_title(f);
  assert_string_equal(title, f->jt.backend == JT_REDIS ? "second" : "first");   /* Redis: recorded again, idempotent */
  g_free(title);
  queue_job j = { 0 };
  get(f, &j);
  assert_int_equal(j.done, 1);
  assert_int_equal(j.processed, 1);
  queue_job_clear(&j);
  GPtrArray *res = g_ptr_array_new_with_free_func(g_free);
  assert_int_equal(queue_results(f->q, f->job, res), DOCTAG_OK);
  assert_int_equal(res->len, 1);
  assert_non_null(strstr(g_ptr_array_index(res, 0), "\"first\""));
  g_ptr_array_free(res, TRUE);
  queue_item_clear(&a);
  fx_free(f);
}

typedef struct finisher {
  fx *f;
  size_t rows;
  gint failed;   /* atomic: a claim or finish went wrong */
  const char *worker;   /* NULL: "w1" */
} finisher;

/* Claims and finishes every row (no cmocka asserts off the main thread). */
static gpointer finish_all(gpointer data)
{
  finisher *fi = data;
  fx *f = fi->f;
  char *done = events_completed(f->job);
  for (size_t n = 0; n < fi->rows; n++) {
    queue_item it;
    bool started = false;
    queue_claim_outcome oc;
    if (queue_claim(f->q, fi->worker ? fi->worker : "w1", 60, 1000, proc_event, NULL, &it, &started, &oc) ||
        oc != QC_ITEM) {
      g_atomic_int_set(&fi->failed, 1);
      break;
    }
    char *result = g_strdup_printf("{\"row_id\":%" G_GUINT64_FORMAT ",\"status\":\"success\",\"title\":\"t\","
                                   "\"tags\":[]}", it.row);
    char *ev = events_row_done(it.job_id, result);
    queue_finish_outcome o;
    if (queue_finish(f->q, &it, true, result, ev, done, &o))
      g_atomic_int_set(&fi->failed, 1);
    g_free(result);
    g_free(ev);
    queue_item_clear(&it);
  }
  g_free(done);
  return NULL;
}

static gint64 row_of(const char *json)
{
  json_t *o = json_loads(json, 0, NULL);
  json_t *r = json_object_get(o, "row_id");
  if (!r)
    r = json_object_get(json_object_get(o, "result"), "row_id");
  gint64 row = json_is_integer(r) ? json_integer_value(r) : -1;
  json_decref(o);
  return row;
}

/* A follower shows a snapshot's results, then the events after its seq:
 * while rows finish, no row may be in both (seen twice) and every row
 * finished by then is in one of them (none lost). */
static void test_snapshot_matches_events(void **state)
{
  const size_t rows = 120;
  fx *f = fx_new(state, rows);
  finisher fi = { f, rows, 0, NULL };
  GThread *th = g_thread_new("finish", finish_all, &fi);
  unsigned int snapshots = 0;
  bool last = false;
  while (!last) {
    queue_job j = { 0 };
    GPtrArray *res = g_ptr_array_new_with_free_func(g_free);
    assert_int_equal(queue_job_snapshot(f->q, f->job, &j, res), DOCTAG_OK);
    last = queue_state_final(j.state);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < res->len; i++)
      g_hash_table_add(seen, GINT_TO_POINTER((gint)row_of(g_ptr_array_index(res, i)) + 1));
    assert_int_equal(g_hash_table_size(seen), res->len);
    assert_int_equal(res->len, j.done);
    GPtrArray *evs = g_ptr_array_new_with_free_func((GDestroyNotify)queue_event_free);
    assert_int_equal(queue_events_read(f->q, f->job, j.seq, 0, evs), DOCTAG_OK);
    for (guint i = 0; i < evs->len; i++) {
      const char *e = ((queue_event *)g_ptr_array_index(evs, i))->json;
      if (!strstr(e, "\"success\""))
        continue;
      gint64 row = row_of(e);
      if (g_hash_table_contains(seen, GINT_TO_POINTER((gint)row + 1)))
        fail_msg("row %" G_GINT64_FORMAT " is in the snapshot (seq %" G_GUINT64_FORMAT ") and in the events after it",
                 row, j.seq);
    }
    g_ptr_array_free(evs, TRUE);
    g_hash_table_destroy(seen);
    g_ptr_array_free(res, TRUE);
    queue_job_clear(&j);
    snapshots++;
  }
  g_thread_join(th);
  assert_int_equal(g_atomic_int_get(&fi.failed), 0);
  assert_true(snapshots > 1);
  fx_free(f);
}

/* What a WebSocket catch-up reads (jobs/lifecycle.c): a snapshot's count,
 * then its results a page at a time while three workers finish rows at
 * once. Each reading holds exactly the snapshot's results, each row once,
 * and they are the first results of the job's final list in the same
 * order: finishing order is fixed once a row is done, and rows that finish
 * after the snapshot never slip into a page. */
static void test_snapshot_pages_while_finishing(void **state)
{
  const size_t rows = 150;
  fx *f = fx_new(state, rows);
  finisher fi[3] = { { f, rows / 3, 0, "w1" }, { f, rows / 3, 0, "w2" }, { f, rows / 3, 0, "w3" } };
  GThread *th[3];
  for (int i = 0; i < 3; i++)
    th[i] = g_thread_new("finish", finish_all, &fi[i]);
  GPtrArray *readings = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  bool last = false;
  while (!last) {
    queue_job j = { 0 };
    uint64_t count = 0;
    assert_int_equal(queue_job_snapshot_order(f->q, f->job, &j, &count), DOCTAG_OK);
    last = queue_state_final(j.state);
    assert_int_equal(count, j.done);
    GPtrArray *res = g_ptr_array_new_with_free_func(g_free);
    for (uint64_t from = 0; from < count; from += 7)
      assert_int_equal(queue_results_range(f->q, f->job, count, from, 7, res), DOCTAG_OK);
    assert_int_equal(res->len, count);
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < res->len; i++)
      g_hash_table_add(seen, GINT_TO_POINTER((gint)row_of(g_ptr_array_index(res, i)) + 1));
    assert_int_equal(g_hash_table_size(seen), count);
    g_hash_table_destroy(seen);
    g_ptr_array_add(readings, res);
    queue_job_clear(&j);
  }
  for (int i = 0; i < 3; i++) {
    g_thread_join(th[i]);
    assert_int_equal(g_atomic_int_get(&fi[i].failed), 0);
  }
  GPtrArray *final = g_ptr_array_new_with_free_func(g_free);
  assert_int_equal(queue_results(f->q, f->job, final), DOCTAG_OK);
  assert_int_equal(final->len, rows);
  assert_true(readings->len > 1);
  for (guint k = 0; k < readings->len; k++) {
    GPtrArray *res = g_ptr_array_index(readings, k);
    for (guint i = 0; i < res->len; i++)
      assert_string_equal(g_ptr_array_index(res, i), g_ptr_array_index(final, i));
  }
  g_ptr_array_free(final, TRUE);
  g_ptr_array_free(readings, TRUE);
  fx_free(f);
}

typedef struct appender {
  fx *f;
  int delay_ms;
} appender;

static gpointer append_later(gpointer data)
{
  appender *a = data;
  g_usleep((gulong)a->delay_ms * 1000);
  char *ev = events_state(a->f->job, "paused");
  assert_int_equal(queue_event_append(a->f->q, a->f->job, ev, NULL), DOCTAG_OK);
  g_free(ev);
  return NULL;
}

static void test_events_wait_wakes(void **state)
{
  fx *f = fx_new(state, 1);
  queue_job j = { 0 };
  get(f, &j);
  uint64_t seq = j.seq;
  queue_job_clear(&j);
  /* Nothing new: the wait times out. */
  gint64 t0 = g_get_monotonic_time();
  assert_int_equal(queue_events_wait(f->q, f->job, seq, 200), DOCTAG_OK);
  assert_true(g_get_monotonic_time() - t0 >= 150000);
  /* An event appended by another thread ends the wait. */
  appender a = { f, 200 };
  GThread *th = g_thread_new("append", append_later, &a);
  t0 = g_get_monotonic_time();
  assert_int_equal(queue_events_wait(f->q, f->job, seq, 10000), DOCTAG_OK);
  gint64 waited = g_get_monotonic_time() - t0;
  g_thread_join(th);
  assert_true(waited < 5000000);
  GPtrArray *evs = g_ptr_array_new_with_free_func((GDestroyNotify)queue_event_free);
  assert_int_equal(queue_events_read(f->q, f->job, seq, 0, evs), DOCTAG_OK);
  assert_int_equal(evs->len, 1);
  assert_int_equal(((queue_event *)g_ptr_array_index(evs, 0))->seq, seq + 1);
  g_ptr_array_free(evs, TRUE);
  /* Events that came while nobody waited (on Redis, the subscription kept
   * from the wait above got their messages) do not end the next wait... */
  char *ev = events_state(f->job, "resumed");
  for (int i = 0; i < 3; i++)
    assert_int_equal(queue_event_append(f->q, f->job, ev, NULL), DOCTAG_OK);
  g_free(ev);
  t0 = g_get_monotonic_time();
  assert_int_equal(queue_events_wait(f->q, f->job, seq + 4, 300), DOCTAG_OK);
  assert_true(g_get_monotonic_time() - t0 >= 250000);
  /* ...and a new one still does. */
  th = g_thread_new("append", append_later, &a);
  t0 = g_get_monotonic_time();
  assert_int_equal(queue_events_wait(f->q, f->job, seq + 4, 10000), DOCTAG_OK);
  waited = g_get_monotonic_time() - t0;
  g_thread_join(th);
  assert_true(waited < 5000000);
  fx_free(f);
}

/* A command on the test Redis's database; the reply (freeReplyObject). */
static redisReply *redis_run(const char *fmt, ...)
{
  GUri *u = g_uri_parse(jt_redis_base(), G_URI_FLAGS_NONE, NULL);
  redisContext *c = redisConnect(g_uri_get_host(u), g_uri_get_port(u) > 0 ? g_uri_get_port(u) : 6379);
  g_uri_unref(u);
  assert_true(c && !c->err);
  redisReply *r = redisCommand(c, "SELECT %d", REDIS_DB);
  freeReplyObject(r);
  va_list ap;
  va_start(ap, fmt);
  r = redisvCommand(c, fmt, ap);
  va_end(ap);
  redisFree(c);
  assert_non_null(r);
  return r;
}

static void redis_del(const char *key)
{
  freeReplyObject(redis_run("DEL %s", key));
}

/* An integer reply (-1: nil). */
static long long redis_int(const char *fmt, const char *arg)
{
  redisReply *r = redis_run(fmt, arg);
  long long n = r->type == REDIS_REPLY_INTEGER ? r->integer : r->type == REDIS_REPLY_NIL ? -1 : -2;
  freeReplyObject(r);
  return n;
}

static gint strcmp_p(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The item group's consumers as "name:pending,..." in name order. */
static char *redis_consumers(void)
{
  redisReply *r = redis_run("XINFO CONSUMERS doctag:items doctag-workers");
  assert_int_equal(r->type, REDIS_REPLY_ARRAY);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < r->elements; i++) {
    redisReply *c = r->element[i];
    const char *name = NULL;
    long long pending = -1;
    for (size_t k = 0; k + 1 < c->elements; k += 2) {
      if (!strcmp(c->element[k]->str, "name"))
        name = c->element[k + 1]->str;
      else if (!strcmp(c->element[k]->str, "pending"))
        pending = c->element[k + 1]->integer;
    }
    g_ptr_array_add(names, g_strdup_printf("%s:%lld", name, pending));
  }
  freeReplyObject(r);
  g_ptr_array_sort(names, strcmp_p);
  g_ptr_array_add(names, NULL);
  char *s = g_strjoinv(",", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return s;
}

/* Workers that stop, or died long ago, are forgotten by the group once they
 * hold no entry; one holding an entry stays (deleting it would drop the
 * entry). */
static void test_redis_forget_workers(void **state)
{
  fx *f = fx_new(state, 3);
  queue_item a, b, c;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_true(claim(f, "w2", 60, 0, &b));
  assert_true(claim(f, "w3", 60, 0, &c));
  assert_int_equal(finish(f, &b, true), QF_RECORDED);
  assert_int_equal(finish(f, &c, true), QF_RECORDED);
  char *s = redis_consumers();
  assert_string_equal(s, "w1:1,w2:0,w3:0");
  g_free(s);
  /* w3 leaves; w2 is recent */
  assert_int_equal(queue_forget_workers(f->q, "w3", 60000), DOCTAG_OK);
  s = redis_consumers();
  assert_string_equal(s, "w1:1,w2:0");
  g_free(s);
  /* everyone idle "long enough": w1 still holds its entry */
  g_usleep(20000);
  assert_int_equal(queue_forget_workers(f->q, NULL, 10), DOCTAG_OK);
  s = redis_consumers();
  assert_string_equal(s, "w1:1");
  g_free(s);
  assert_int_equal(finish(f, &a, true), QF_COMPLETED);
  assert_int_equal(queue_forget_workers(f->q, "w1", 60000), DOCTAG_OK);
  s = redis_consumers();
  assert_string_equal(s, "");
  g_free(s);
  queue_item_clear(&a);
  queue_item_clear(&b);
  queue_item_clear(&c);
  fx_free(f);
}

typedef struct deleter {
  int delay_ms;
} deleter;

static gpointer delete_later(gpointer data)
{
  deleter *d = data;
  g_usleep((gulong)d->delay_ms * 1000);
  redis_del("doctag:items");
  return NULL;
}

/* The items stream deleted (a flush, a server restarted without its data):
 * workers make it again instead of failing, even while blocked reading it. */
static void test_redis_stream_recreated(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item a, b;
  assert_true(claim(f, "w1", 60, 0, &a));
  assert_int_equal(finish(f, &a, true), QF_COMPLETED);
  redis_del("doctag:items");
  assert_false(claim(f, "w1", 60, 0, &b));
  deleter d = { 300 };
  GThread *th = g_thread_new("delete", delete_later, &d);
  assert_false(claim(f, "w1", 60, 1000, &b));
  g_thread_join(th);
  /* A new job goes through. */
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(payloads, g_strdup("{\"title\":\"again\",\"file_path\":\"/x/a.pdf\"}"));
  char *job2 = NULL;
  assert_int_equal(jobs_submit_payloads(f->jt.ctx, &job2, f->jt.user, payloads, NULL), DOCTAG_OK);
  assert_true(claim(f, "w2", 60, 1000, &b));
  assert_string_equal(b.job_id, job2);
  queue_item_clear(&a);
  queue_item_clear(&b);
  g_ptr_array_free(payloads, TRUE);
  doctag_free(job2);
  fx_free(f);
}

static void test_render_escapes_user_text(void **state)
{
  (void)state;
  /* A title holding a placeholder stays text. */
  char *ev = events_processing("00000000-0000-4000-8000-000000000000", 0, "50%{done} off");
  queue_vars v = { .seq = 7, .done = 3, .total = 4 };
  char *s = queue_render(ev, &v);
  json_t *o = json_loads(s, 0, NULL);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "title")), "50%{done} off");
  assert_int_equal(json_integer_value(json_object_get(o, "seq")), 7);
  assert_true(json_number_value(json_object_get(o, "progress")) == 0.75);
  json_decref(o);
  g_free(s);
  g_free(ev);
}

/* After alice's 30-row batch (fx_new), bob's of 3 rows: his job's id; *bob
 * gets his user id. Both newly allocated. */
static char *submit_bob(fx *f, char **bob)
{
  *bob = jt_user(f->jt.ctx, "bob");
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; i < 3; i++)
    g_ptr_array_add(payloads, g_strdup_printf("{\"title\":\"bob %d\",\"file_path\":\"/y/%d.pdf\"}", i, i));
  char *bob_job = NULL;
  assert_int_equal(jobs_submit_payloads(f->jt.ctx, &bob_job, *bob, payloads, NULL), DOCTAG_OK);
  g_ptr_array_free(payloads, TRUE);
  return bob_job;
}

/* Fairness between users with a single worker (two: the next test):
 * nothing else is ever in flight when it claims, so the turns come from the
 * rows each user has had done in their running jobs; on the old order
 * (oldest job first) it was "aaaaaaaa". */
static void test_single_worker_alternates_users(void **state)
{
  fx *f = fx_new(state, 30);
  char *bob = NULL;
  char *bob_job = submit_bob(f, &bob);

  GString *order = g_string_new(NULL);
  for (int k = 0; k < 8; k++) {
    queue_item it;
    assert_true(claim(f, "w1", 60, 0, &it));
    g_string_append_c(order, strcmp(it.job_id, bob_job) ? 'a' : 'b');
    finish(f, &it, true);
    queue_item_clear(&it);
  }
  print_message("claims: %s\n", order->str);
  assert_string_equal(order->str, "abababaa");
  g_string_free(order, TRUE);
  g_free(bob_job);
  g_free(bob);
  fx_free(f);
}

/* Fairness between users: alice's 30-row batch came first,
 * bob's 3-row batch after. Two workers each hold a row while the other
 * claims: a claim takes the job of the user with the fewest rows in flight,
 * so the claims alternate between the two and bob's rows are all taken
 * among the first six, not after alice's thirty. */
static void test_claims_shared_between_users(void **state)
{
  fx *f = fx_new(state, 30);
  char *bob = NULL;
  char *bob_job = submit_bob(f, &bob);

  const char *workers[2] = { "w1", "w2" };
  queue_item held[2];
  GString *order = g_string_new(NULL);
  for (int k = 0; k < 2; k++) {
    assert_true(claim(f, workers[k], 60, 0, &held[k]));
    g_string_append_c(order, strcmp(held[k].job_id, bob_job) ? 'a' : 'b');
  }
  for (int k = 0; k < 6; k++) {
    queue_item *it = &held[k % 2];
    finish(f, it, true);
    queue_item_clear(it);
    assert_true(claim(f, workers[k % 2], 60, 0, it));
    g_string_append_c(order, strcmp(it->job_id, bob_job) ? 'a' : 'b');
  }
  print_message("claims: %s\n", order->str);
  /* bob's three rows among the first six claims, alice's never held back */
  const char *b = order->str;
  int bobs = 0;
  for (int i = 0; i < 6; i++)
    bobs += b[i] == 'b';
  assert_int_equal(bobs, 3);
  assert_string_equal(b, "abababaa");
  for (int k = 0; k < 2; k++)
    queue_item_clear(&held[k]);
  g_string_free(order, TRUE);
  g_free(bob_job);
  g_free(bob);
  fx_free(f);
}

/* The Redis queue's count of a user's rows in flight, by which it takes
 * turns: as many as the stream's pending list holds for them, through a
 * release, a lease running out, a cancel and a duplicate finish. */
static long long redis_inflight(const char *user)
{
  redisReply *r = redis_run("HGET doctag:owners:inflight %s", user);
  long long n = r->type == REDIS_REPLY_STRING ? g_ascii_strtoll(r->str, NULL, 10) : 0;
  freeReplyObject(r);
  return n;
}

static void test_redis_inflight_follows_pending(void **state)
{
  fx *f = fx_new(state, 3);
  const char *alice = f->jt.user;
  queue_item a, b, c;
  assert_int_equal(redis_inflight(alice), 0);
  assert_true(claim(f, "w1", 1, 0, &a));
  assert_true(claim(f, "w1", 1, 0, &b));
  assert_int_equal(redis_inflight(alice), 2);
  assert_int_equal(queue_release(f->q, &b, "w1"), DOCTAG_OK);
  assert_int_equal(redis_inflight(alice), 1);
  queue_item_clear(&b);
  /* given back first: the same row again */
  assert_true(claim(f, "w1", 60, 0, &b));
  assert_int_equal(b.row, 1);
  assert_int_equal(redis_inflight(alice), 2);
  /* w1 goes quiet holding row 0 (still working on row 1): w2 takes row 0
   * over, and it is still one in flight */
  g_usleep(1300000);
  assert_int_equal(queue_renew(f->q, &b, "w1", 1), DOCTAG_OK);
  assert_true(claim(f, "w2", 1, 2000, &c));
  assert_int_equal(c.row, a.row);
  assert_int_equal(redis_inflight(alice), 2);
  assert_int_equal(finish(f, &c, true), QF_RECORDED);
  assert_int_equal(finish(f, &a, true), QF_DUPLICATE);
  assert_int_equal(redis_inflight(alice), 1);
  queue_item_clear(&c);
  assert_int_equal(transition(f, RUNNABLE | QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_CANCELLED, NULL), DOCTAG_OK);
  assert_int_equal(finish(f, &b, true), QF_AFTER_END);
  assert_int_equal(redis_inflight(alice), 0);
  /* the cancelled job's last row is dropped, not handed out */
  assert_false(claim(f, "w1", 60, 0, &c));
  redisReply *r = redis_run("XLEN doctag:items");
  assert_int_equal(r->integer, 0);
  freeReplyObject(r);
  queue_item_clear(&a);
  queue_item_clear(&b);
  fx_free(f);
}

/* A user's places among documents in flight (doctag_doc_slot_take) are
 * counted across processes on one queue: two contexts on the same backend
 * stand for two servers. */
static void test_doc_places_shared_between_servers(void **state)
{
  fx *f = fx_new(state, 1);
  jt_ctx_opts o = { .data_dir = f->jt.dir, .redis_url = f->jt.bk.redis_url, .database_url = f->jt.bk.database_url };
  doctag_ctx *other = jt_ctx_with(&o);
  char *alice = g_strdup_printf("alice-%08x", g_random_int()), *bob = g_strdup_printf("bob-%08x", g_random_int());
  doctag_doc_slot *a1 = NULL, *a2 = NULL, *a3 = NULL, *b1 = NULL;
  unsigned int n = 0;
  assert_int_equal(doctag_doc_slot_take(&a1, f->jt.ctx, alice, 2, &n), DOCTAG_OK);
  assert_non_null(a1);
  assert_int_equal(n, 1);
  assert_int_equal(doctag_doc_slot_take(&a2, other, alice, 2, &n), DOCTAG_OK);
  assert_int_equal(n, 2);
  /* each server holds one: the third is refused on either */
  assert_int_equal(doctag_doc_slot_take(&a3, f->jt.ctx, alice, 2, &n), DOCTAG_ERATE);
  assert_null(a3);
  assert_int_equal(n, 2);
  assert_int_equal(doctag_error_retry_after(), 5);
  assert_non_null(strstr(doctag_error_last()->message, "Too many documents in progress"));
  assert_int_equal(doctag_doc_slot_take(&a3, other, alice, 2, NULL), DOCTAG_ERATE);
  /* bob is not alice */
  assert_int_equal(doctag_doc_slot_take(&b1, other, bob, 2, &n), DOCTAG_OK);
  assert_int_equal(n, 1);
  /* a place given back on one server is free on the other at once */
  doctag_doc_slot_free(a1);
  assert_int_equal(doctag_doc_slot_take(&a3, other, alice, 2, &n), DOCTAG_OK);
  assert_int_equal(n, 2);
  assert_int_equal(doctag_doc_slot_take(&a1, f->jt.ctx, alice, 0, NULL), DOCTAG_EINVAL);
  doctag_doc_slot_free(a2);
  doctag_doc_slot_free(a3);
  doctag_doc_slot_free(b1);
  doctag_ctx_free(other);
  g_free(alice);
  g_free(bob);
  fx_free(f);
}

/* A place whose lease ran out (its process died) comes back; renewing
 * keeps it past its first lease. */
static void test_doc_places_lease(void **state)
{
  fx *f = fx_new(state, 1);
  char *carol = g_strdup_printf("carol-%08x", g_random_int()), *dave = g_strdup_printf("dave-%08x", g_random_int());
  bool taken = false;
  unsigned int held = 0;
  assert_int_equal(queue_slot_take(f->q, "h1", "h1/1", carol, 1, 300, &taken, &held), DOCTAG_OK);
  assert_true(taken);
  assert_int_equal(queue_slot_take(f->q, "h2", "h2/1", carol, 1, 300, &taken, &held), DOCTAG_OK);
  assert_false(taken);
  assert_int_equal(held, 1);
  g_usleep(450000);   /* h1 renews nothing: it died */
  assert_int_equal(queue_slot_take(f->q, "h2", "h2/1", carol, 1, 60000, &taken, &held), DOCTAG_OK);
  assert_true(taken);
  assert_int_equal(held, 1);

  assert_int_equal(queue_slot_take(f->q, "h3", "h3/1", dave, 1, 300, &taken, &held), DOCTAG_OK);
  assert_true(taken);
  /* frank's process dies and frank never comes back: his place goes all
   * the same (the next renewal of any process drops it; Redis expires it) */
  char *frank = g_strdup_printf("frank-%08x", g_random_int());
  assert_int_equal(queue_slot_take(f->q, "h5", "h5/1", frank, 1, 300, &taken, &held), DOCTAG_OK);
  assert_true(taken);
  GPtrArray *pairs = g_ptr_array_new(), *lost = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(pairs, dave);
  g_ptr_array_add(pairs, "h3/1");
  assert_int_equal(queue_slot_renew(f->q, pairs, 60000, lost), DOCTAG_OK);
  assert_int_equal(lost->len, 0);
  g_usleep(450000);
  /* h1's place went to h2: renewing it now says it is lost */
  g_ptr_array_add(pairs, carol);
  g_ptr_array_add(pairs, "h1/1");
  assert_int_equal(queue_slot_renew(f->q, pairs, 60000, lost), DOCTAG_OK);
  assert_int_equal(lost->len, 1);
  assert_string_equal(g_ptr_array_index(lost, 0), "h1/1");
  g_ptr_array_free(pairs, TRUE);
  g_ptr_array_free(lost, TRUE);
  if (f->jt.backend == JT_REDIS) {
    char *key = g_strdup_printf("doctag:slots:%s", frank);
    assert_int_equal(redis_int("EXISTS %s", key), 0);
    g_free(key);
  } else {
    struct store *st;
    assert_int_equal(store_get(f->jt.ctx, &st), DOCTAG_OK);
    store_rows r = { 0 };
    store_param u[] = { SP_T(frank) };
    assert_int_equal(store_query(st, ST_Q_SLOT_COUNT, u, 1, &r), DOCTAG_OK);
    assert_int_equal(store_cell_int(&r, 0, 0), 0);
    store_rows_clear(&r);
  }
  g_free(frank);
  assert_int_equal(queue_slot_take(f->q, "h4", "h4/1", dave, 1, 60000, &taken, &held), DOCTAG_OK);
  assert_false(taken);
  assert_int_equal(queue_slot_give(f->q, dave, "h3/1"), DOCTAG_OK);
  assert_int_equal(queue_slot_take(f->q, "h4", "h4/1", dave, 1, 60000, &taken, &held), DOCTAG_OK);
  assert_true(taken);
  assert_int_equal(held, 1);
  g_free(carol);
  g_free(dave);
  fx_free(f);
}

/* A job that ends takes its waiting rows out of the queue at once
 * (before, they stayed there, holding the user's turn, until claims
 * reached and dropped them), at the cost of its own rows: each job's rows
 * wait on a list of their own, its user's list holds one entry per job (a
 * run) and the rows given back. Ending the first job deletes its list and
 * rewrites the user's three entries; the second job's rows are not touched
 * (before, the user's list held every row of theirs, and ending a job
 * rewrote all the others'). A user left with none is out of the turns. */
static void test_redis_cancel_drops_waiting_rows(void **state)
{
  fx *f = fx_new(state, 5);
  const char *alice = f->jt.user;
  char *list = g_strdup_printf("doctag:user:%s:items", alice);
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (int i = 0; i < 2; i++)
    g_ptr_array_add(payloads, g_strdup_printf("{\"title\":\"second %d\",\"file_path\":\"/z/%d.pdf\"}", i, i));
  char *second = NULL;
  assert_int_equal(jobs_submit_payloads(f->jt.ctx, &second, alice, payloads, NULL), DOCTAG_OK);
  g_ptr_array_free(payloads, TRUE);
  char *first_rows = g_strdup_printf("job:%s:waiting", f->job);
  char *second_rows = g_strdup_printf("job:%s:waiting", second);
  assert_int_equal(redis_int("LLEN %s", list), 2);   /* a run per job */
  assert_int_equal(redis_int("LLEN %s", first_rows), 5);
  assert_int_equal(redis_int("LLEN %s", second_rows), 2);
  /* a row of the first job claimed and given back waits first, on its own */
  queue_item it;
  assert_true(claim(f, "w0", 60, 0, &it));
  assert_string_equal(it.job_id, f->job);
  assert_int_equal(it.row, 0);
  assert_int_equal(queue_release(f->q, &it, "w0"), DOCTAG_OK);
  queue_item_clear(&it);
  assert_int_equal(redis_int("LLEN %s", list), 3);
  assert_int_equal(redis_int("LLEN %s", first_rows), 4);
  assert_int_equal(transition(f, RUNNABLE | QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_CANCELLED, NULL), DOCTAG_OK);
  assert_int_equal(redis_int("EXISTS %s", first_rows), 0);
  assert_int_equal(redis_int("LLEN %s", list), 1);
  redisReply *r = redis_run("LINDEX %s 0", list);
  assert_int_equal(r->type, REDIS_REPLY_STRING);
  assert_string_equal(r->str, second);
  freeReplyObject(r);
  assert_int_equal(redis_int("LLEN %s", second_rows), 2);
  r = redis_run("ZSCORE doctag:owners:ready %s", alice);
  assert_int_equal(r->type, REDIS_REPLY_STRING);
  freeReplyObject(r);
  /* the next claim is the second job's, with no dropping on the way */
  assert_true(claim(f, "w1", 60, 0, &it));
  assert_string_equal(it.job_id, second);
  assert_int_equal(it.row, 0);
  queue_item_clear(&it);
  char *ev = events_cancelled(second);
  assert_int_equal(queue_job_transition(f->q, second, RUNNABLE, DOCTAG_JOB_CANCELLED, NULL, ev, NULL), DOCTAG_OK);
  g_free(ev);
  assert_int_equal(redis_int("EXISTS %s", list), 0);
  assert_int_equal(redis_int("EXISTS %s", second_rows), 0);
  r = redis_run("ZSCORE doctag:owners:ready %s", alice);
  assert_int_equal(r->type, REDIS_REPLY_NIL);
  freeReplyObject(r);
  assert_false(claim(f, "w2", 60, 0, &it));
  g_free(first_rows);
  g_free(second_rows);
  g_free(second);
  g_free(list);
  fx_free(f);
}

/* Fairness for any number of users: 1,000 users each hold a row in flight
 * and have another waiting; a user who comes after them, with nothing in
 * flight, is served next. (Claims used to look at the first 1,000 waiting
 * users in turn order only: all of them had one in flight, so the newcomer
 * waited behind each of them.) */
static void test_redis_fair_beyond_1000_users(void **state)
{
  fx *f = fx_new(state, 1);
  queue_item it;
  assert_true(claim(f, "w0", 600, 0, &it));   /* the fixture's row, out of the way */
  queue_item_clear(&it);
  enum { USERS = 1000 };
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(payloads, g_strdup("{\"title\":\"r0\",\"file_path\":\"/u/0.pdf\"}"));
  g_ptr_array_add(payloads, g_strdup("{\"title\":\"r1\",\"file_path\":\"/u/1.pdf\"}"));
  char id[64], user[32];
  for (int u = 0; u < USERS; u++) {
    g_snprintf(user, sizeof user, "many-%04d", u);
    g_snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", u);
    queue_job j = { .id = id, .user_id = user, .config_json = (char *)"{}" };
    assert_int_equal(queue_job_create(f->q, &j, payloads), DOCTAG_OK);
  }
  for (int u = 0; u < USERS; u++) {
    assert_true(claim(f, "w1", 600, 0, &it));
    queue_item_clear(&it);
  }
  g_ptr_array_set_size(payloads, 1);
  queue_job late = { .id = (char *)"00000000-0000-4000-8000-999999999999", .user_id = (char *)"late",
                     .config_json = (char *)"{}" };
  assert_int_equal(queue_job_create(f->q, &late, payloads), DOCTAG_OK);
  assert_true(claim(f, "w1", 600, 0, &it));
  assert_string_equal(it.job_id, late.id);
  queue_item_clear(&it);
  /* then the others' second rows, oldest turn first */
  assert_true(claim(f, "w1", 600, 0, &it));
  assert_string_equal(it.job_id, "00000000-0000-4000-8000-000000000000");
  queue_item_clear(&it);
  g_ptr_array_free(payloads, TRUE);
  fx_free(f);
}

/* Servers on one queue use one lease of places: the first records its
 * own; a server with another is refused (its start, and its takes) while a
 * server that uses the recorded one lives, holding places or not; once
 * they have all gone, the record lapses within its lease and another value
 * can be recorded. (A lease of 1 s, under DOCTAG_DOC_SLOT_LEASE_SEC's
 * 3 s, keeps the test short.) */
static void test_doc_places_lease_agreed(void **state)
{
  fx *f = fx_new(state, 1);
  jt_ctx_opts o = { .data_dir = f->jt.dir, .redis_url = f->jt.bk.redis_url, .database_url = f->jt.bk.database_url };
  doctag_ctx *a = jt_ctx_with(&o), *b = jt_ctx_with(&o), *c = jt_ctx_with(&o);
  a->doc_slot_lease_ms = 1000;
  b->doc_slot_lease_ms = 1500;
  c->doc_slot_lease_ms = 1000;
  char *frank = g_strdup_printf("frank-%08x", g_random_int());
  assert_int_equal(doctag_doc_slot_lease_agree(a), DOCTAG_OK);
  assert_int_equal(doctag_doc_slot_lease_agree(b), DOCTAG_ECONFLICT);
  const char *m = doctag_error_last()->message;
  assert_non_null(strstr(m, "DOCTAG_DOC_SLOT_LEASE_SEC is 1.5 here but 1 on the servers already running"));
  assert_non_null(strstr(m, "set DOCTAG_DOC_SLOT_LEASE_SEC=1, or to change it stop every server"));
  /* a take on b is refused too, and takes no place */
  doctag_doc_slot *p = NULL;
  unsigned int n = 7;
  assert_int_equal(doctag_doc_slot_take(&p, b, frank, 1, &n), DOCTAG_ECONFLICT);
  assert_null(p);
  assert_int_equal(doctag_doc_slot_take(&p, c, frank, 1, &n), DOCTAG_OK);
  assert_int_equal(n, 1);
  doctag_doc_slot_free(p);
  /* a and c, holding no place, keep the record past its lease */
  g_usleep(1500000);
  assert_int_equal(doctag_doc_slot_lease_agree(b), DOCTAG_ECONFLICT);
  doctag_ctx_free(a);
  doctag_ctx_free(c);
  g_usleep(1100000);
  assert_int_equal(doctag_doc_slot_lease_agree(b), DOCTAG_OK);
  doctag_ctx *d = jt_ctx_with(&o);
  d->doc_slot_lease_ms = 1000;
  assert_int_equal(doctag_doc_slot_take(&p, d, frank, 1, NULL), DOCTAG_ECONFLICT);
  assert_non_null(strstr(doctag_error_last()->message, "is 1 here but 1.5 on"));
  doctag_ctx_free(d);
  doctag_ctx_free(b);
  g_free(frank);
  fx_free(f);
}

/* Ends the leases of `user`'s places now, as a renewal that comes too late
 * (a stalled process, a slow queue) lets them end. */
static void lapse_places(fx *f, const char *user)
{
  if (f->jt.backend == JT_REDIS) {
    char *key = g_strdup_printf("doctag:slots:%s", user);
    redisReply *r = redis_run("ZRANGE %s 0 -1", key);
    for (size_t i = 0; i < r->elements; i++)
      freeReplyObject(redis_run("ZADD %s XX 1 %s", key, r->element[i]->str));
    freeReplyObject(r);
    g_free(key);
    return;
  }
  struct store *s;
  store_conn *c;
  assert_int_equal(store_get(f->jt.ctx, &s), DOCTAG_OK);
  assert_int_equal(store_acquire(s, &c), DOCTAG_OK);
  char *sql = g_strdup_printf("UPDATE doc_slots SET lease_until = 1 WHERE user_id = '%s'", user);
  store_rows r = { 0 };
  assert_int_equal(store_exec_sql(c, sql, NULL, 0, &r), DOCTAG_OK);
  assert_int_equal(r.changes, 1);
  store_rows_clear(&r);
  g_free(sql);
  store_release(s, c);
}

typedef struct lapse_fx {
  fx *f;
  doctag_ctx *other;
  char *user;
} lapse_fx;

/* Two servers with one lease long enough that no renewer runs during the
 * test; the user's place taken on the first has lapsed and the second has
 * taken it (the lapse looks like a dead server's) and given it back. */
static void lapse_open(lapse_fx *x, void **state)
{
  x->f = fx_new(state, 1);
  jt_ctx_opts o = { .data_dir = x->f->jt.dir, .redis_url = x->f->jt.bk.redis_url,
                    .database_url = x->f->jt.bk.database_url };
  x->other = jt_ctx_with(&o);
  x->f->jt.ctx->doc_slot_lease_ms = x->other->doc_slot_lease_ms = 600000;
  x->user = g_strdup_printf("gina-%08x", g_random_int());
}

static void lapse_close(lapse_fx *x)
{
  doctag_ctx_free(x->other);
  g_free(x->user);
  fx_free(x->f);
}

/* A place whose lease ran out while its document still ran (the renewal
 * came late) is taken again by that renewal, so the user's limit holds
 * again from then on: another server that took the place meanwhile does
 * not leave room for one more. */
static void test_doc_place_lapsed_while_running(void **state)
{
  lapse_fx x;
  lapse_open(&x, state);
  doctag_doc_slot *a = NULL, *b = NULL, *c = NULL;
  unsigned int n = 0;
  assert_int_equal(doctag_doc_slot_take(&a, x.f->jt.ctx, x.user, 1, &n), DOCTAG_OK);
  lapse_places(x.f, x.user);
  assert_int_equal(doctag_doc_slot_take(&b, x.other, x.user, 1, &n), DOCTAG_OK);
  slots_renew_now(x.f->jt.ctx, NULL, NULL);   /* a's renewal, late */
  doctag_doc_slot_free(b);
  /* a's document still runs: it holds the user's one place */
  assert_int_equal(doctag_doc_slot_take(&c, x.other, x.user, 1, &n), DOCTAG_ERATE);
  assert_int_equal(n, 1);
  doctag_doc_slot_free(a);
  assert_int_equal(doctag_doc_slot_take(&c, x.other, x.user, 1, &n), DOCTAG_OK);
  assert_int_equal(n, 1);
  doctag_doc_slot_free(c);
  lapse_close(&x);
}

static void give_back(void *slot)
{
  doctag_doc_slot_free(slot);
}

/* A place given back between a late renewal that found it lost and the
 * re-take is not taken again: it would be held by no document until its
 * lease ran out. */
static void test_doc_place_given_back_during_late_renewal(void **state)
{
  lapse_fx x;
  lapse_open(&x, state);
  doctag_doc_slot *a = NULL, *b = NULL;
  unsigned int n = 0;
  assert_int_equal(doctag_doc_slot_take(&a, x.f->jt.ctx, x.user, 1, &n), DOCTAG_OK);
  lapse_places(x.f, x.user);
  assert_int_equal(doctag_doc_slot_take(&b, x.other, x.user, 1, &n), DOCTAG_OK);
  doctag_doc_slot_free(b);
  slots_renew_now(x.f->jt.ctx, give_back, a);   /* a's document ends during it */
  assert_int_equal(doctag_doc_slot_take(&b, x.other, x.user, 1, &n), DOCTAG_OK);
  assert_int_equal(n, 1);
  doctag_doc_slot_free(b);
  lapse_close(&x);
}

/* The library renews the leases of the places its process holds, every
 * third of a lease: a place held for twice its lease is still held, its
 * lease end moved on. (A lease of 3 s, as DOCTAG_DOC_SLOT_LEASE_SEC=3 sets,
 * read by the first take.) */
static void test_redis_doc_places_renewed(void **state)
{
  fx *f = fx_new(state, 1);
  f->jt.ctx->doc_slot_lease_ms = 3000;
  char *erin = g_strdup_printf("erin-%08x", g_random_int());
  char *key = g_strdup_printf("doctag:slots:%s", erin);
  doctag_doc_slot *p = NULL;
  assert_int_equal(doctag_doc_slot_take(&p, f->jt.ctx, erin, 1, NULL), DOCTAG_OK);
  redisReply *r = redis_run("ZRANGE %s 0 -1 WITHSCORES", key);
  assert_int_equal(r->elements, 2);
  double first = g_ascii_strtod(r->element[1]->str, NULL);
  freeReplyObject(r);
  g_usleep(2 * 3 * G_USEC_PER_SEC);
  r = redis_run("ZRANGE %s 0 -1 WITHSCORES", key);
  assert_int_equal(r->elements, 2);
  double later = g_ascii_strtod(r->element[1]->str, NULL);
  freeReplyObject(r);
  assert_true(later - first >= 3000);   /* renewed at least once past the first lease's end */
  r = redis_run("GET doctag:slot_lease");   /* so is the lease's record */
  assert_string_equal(r->str, "3000");
  freeReplyObject(r);
  doctag_doc_slot *q = NULL;
  assert_int_equal(doctag_doc_slot_take(&q, f->jt.ctx, erin, 1, NULL), DOCTAG_ERATE);
  doctag_doc_slot_free(p);
  assert_int_equal(redis_int("EXISTS %s", key), 0);
  g_free(key);
  g_free(erin);
  fx_free(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    JT_ALL(test_claim_finish_complete),
    JT_ALL(test_finish_twice_counts_once),
    JT_ALL(test_lease_runs_out),
    JT_ALL(test_renew_keeps_the_item),
    JT_ALL(test_release_gives_back),
    JT_ALL(test_pause_resume),
    JT_ALL(test_cancel),
    JT_ALL(test_events_wait_wakes),
    JT_ALL(test_record_finish),
    JT_ALL(test_snapshot_matches_events),
    JT_ALL(test_snapshot_pages_while_finishing),
    JT_ALL(test_claims_shared_between_users),
    JT_ALL(test_single_worker_alternates_users),
    JT_ON(test_redis_inflight_follows_pending, JT_REDIS),
    JT_ON(test_redis_cancel_drops_waiting_rows, JT_REDIS),
    JT_ON(test_redis_fair_beyond_1000_users, JT_REDIS),
    JT_ALL(test_doc_places_shared_between_servers),
    JT_ALL(test_doc_places_lease),
    JT_ALL(test_doc_places_lease_agreed),
    JT_ALL(test_doc_place_lapsed_while_running),
    JT_ALL(test_doc_place_given_back_during_late_renewal),
    JT_ON(test_redis_doc_places_renewed, JT_REDIS),
    JT_ON(test_many_rows_kept_exactly, JT_LOCAL),
    JT_ON(test_many_rows_kept_exactly, JT_LOCAL_PG),
    JT_ON(test_redis_stream_recreated, JT_REDIS),
    JT_ON(test_redis_forget_workers, JT_REDIS),
    cmocka_unit_test(test_render_escapes_user_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
