/* The local queue: the queue tables of the store's database (migration
 * store/data/<backend>/0002_queue.sql), on the store's pooled connections.
 * Its statements (ST_Q_* in store/store.h) are the store backend's, in the
 * backend's own SQL, like every other statement of the store: the queue
 * names them and never sees SQL, so a new store backend brings its own.
 * Claims take a lease inside a write transaction (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: FOR UPDATE SKIP LOCKED), so worker processes on one machine
 * (SQLite) or many (PostgreSQL) share the items. Every change and the event
 * it sends commit together, and the history job's status follows in the
 * same transaction.
 *
 * Waiting (for items, for events) polls the database; inside one process a
 * condition variable wakes waiters at once. */
#include "queue/queue.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <string.h>

#define POLL_MS 50
/* Claims lost to other workers in a row before a claim waits like an idle one. */
#define MAX_RACES 100

typedef struct local_impl {
  doctag_ctx *ctx;
  struct store *store;   /* from store_get() on first use (not while the queue is being attached) */
  GMutex lock;       /* guards generation, with `changed` */
  GCond changed;     /* broadcast on every change made by this process */
  guint64 generation;
} local_impl;

static int64_t now_us(void)
{
  return g_get_real_time();
}

static void notify(local_impl *l)
{
  g_mutex_lock(&l->lock);
  l->generation++;
  g_cond_broadcast(&l->changed);
  g_mutex_unlock(&l->lock);
}

/* Waits until this process changes something or ms pass. */
static void wait_change(local_impl *l, guint64 seen, int ms)
{
  int64_t until = g_get_monotonic_time() + (int64_t)ms * 1000;
  g_mutex_lock(&l->lock);
  while (l->generation == seen)
    if (!g_cond_wait_until(&l->changed, &l->lock, until))
      break;
  g_mutex_unlock(&l->lock);
}

static guint64 generation(local_impl *l)
{
  g_mutex_lock(&l->lock);
  guint64 g = l->generation;
  g_mutex_unlock(&l->lock);
  return g;
}

/* A connection of the store's pool. The store is looked up here rather than
 * when the queue opens: queue_get() runs inside ctx_attach(), which cannot
 * be entered again for the store. */
static doctag_status acquire(local_impl *l, store_conn **c)
{
  struct store *s = g_atomic_pointer_get(&l->store);
  if (!s) {
    doctag_status st = store_get(l->ctx, &s);
    if (st)
      return st;
    g_atomic_pointer_set(&l->store, s);
  }
  return store_acquire(s, c);
}

/* Runs statement q on c, or (c NULL) on a connection of the pool taken for
 * that one statement. */
static doctag_status run(local_impl *l, store_conn *c, store_stmt q, const store_param *p, unsigned int n,
                         store_rows *out)
{
  if (c)
    return store_exec(c, q, p, n, out);
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  st = store_exec(c, q, p, n, out);
  store_release(l->store, c);
  return st;
}

static void local_close(queue *q)
{
  if (!q)
    return;
  local_impl *l = q->impl;
  if (l) {
    g_mutex_clear(&l->lock);
    g_cond_clear(&l->changed);
    g_free(l);
  }
  g_free(q);
}

doctag_status queue_open_local(doctag_ctx *ctx, queue **out)
{
  *out = NULL;
  local_impl *l = g_new0(local_impl, 1);
  l->ctx = ctx;
  g_mutex_init(&l->lock);
  g_cond_init(&l->changed);
  queue *q = g_new0(queue, 1);
  q->ops = &queue_local_ops;
  q->ctx = ctx;
  q->impl = l;
  *out = q;
  return DOCTAG_OK;
}

/* ---- jobs ------------------------------------------------------------- */

#define ITEMS_PER_INSERT 1000

static doctag_status local_job_create(queue *q, const queue_job *job, GPtrArray *payloads)
{
  local_impl *l = q->impl;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  if ((st = store_tx_begin(c)))
    goto out;
  store_param p[] = { SP_T(job->id), SP_T(job->user_id), SP_I(payloads->len), SP_T(job->config_json),
                      SP_T(job->secret), SP_I(job->created_us ? job->created_us : now_us()) };
  st = run(l, c, ST_Q_JOB_INSERT, p, 6, NULL);
  /* ITEMS_PER_INSERT rows a statement, as a JSON array of strings: one
   * round trip a row made PostgreSQL's submission of 100,000 rows 93 s. */
  GString *text = g_string_sized_new(256 * ITEMS_PER_INSERT);
  for (guint i = 0; !st && i < payloads->len; i += ITEMS_PER_INSERT) {
    /* Written as strings, not through a jansson array: a copy, a check
     * and a dump of each row cost more than the rest of the submission. */
    g_string_assign(text, "[");
    for (guint k = i; !st && k < payloads->len && k < i + ITEMS_PER_INSERT; k++) {
      const char *row = g_ptr_array_index(payloads, k);
      if (!g_utf8_validate(row, -1, NULL))
        st = err_set(DOCTAG_EINVAL, "row %u of the job is not UTF-8 text", k);
      if (k > i)
        g_string_append_c(text, ',');
      json_out_string(text, row);
    }
    g_string_append_c(text, ']');
    store_param ip[] = { SP_T(job->id), SP_I(i), SP_T(text->str) };
    if (!st)
      st = run(l, c, ST_Q_ITEM_INSERT, ip, 3, NULL);
  }
  g_string_free(text, TRUE);
  st = store_tx_end(c, st);
out:
  store_release(l->store, c);
  if (st == DOCTAG_EEXISTS)
    st = err_set(DOCTAG_EEXISTS, "job id already in use");
  if (!st)
    notify(l);
  return st;
}

/* Fills *j from QJOB_COLS (store.h) starting at column `col` of row 0. */
static void job_from_row(const store_rows *r, unsigned int col, const char *id, queue_job *j)
{
  memset(j, 0, sizeof *j);
  j->id = g_strdup(id);
  j->user_id = g_strdup(store_cell(r, 0, col));
  int s = queue_state_parse(store_cell(r, 0, col + 1));
  j->state = s < 0 ? DOCTAG_JOB_FAILED : (doctag_job_state)s;
  j->total = (uint64_t)store_cell_int(r, 0, col + 2);
  j->done = (uint64_t)store_cell_int(r, 0, col + 3);
  j->processed = (uint64_t)store_cell_int(r, 0, col + 4);
  j->failed = (uint64_t)store_cell_int(r, 0, col + 5);
  j->seq = (uint64_t)store_cell_int(r, 0, col + 6);
  j->config_json = g_strdup(store_cell(r, 0, col + 7));
  j->secret = g_strdup(store_cell(r, 0, col + 8));
  j->error = g_strdup(store_cell(r, 0, col + 9));
  j->created_us = store_cell_int(r, 0, col + 10);
  j->started_us = store_cell_int(r, 0, col + 11);
  j->finished_us = store_cell_int(r, 0, col + 12);
}

/* c as in run(). */
static doctag_status job_get_on(local_impl *l, store_conn *c, const char *job_id, queue_job *out)
{
  store_rows r;
  store_param p[] = { SP_T(job_id) };
  doctag_status st = run(l, c, ST_Q_JOB_GET, p, 1, &r);
  if (st)
    return st;
  if (r.nrows == 0)
    st = err_set(DOCTAG_ENOTFOUND, "Job not found");
  else
    job_from_row(&r, 0, job_id, out);
  store_rows_clear(&r);
  return st;
}

static doctag_status local_job_get(queue *q, const char *job_id, queue_job *out)
{
  return job_get_on(q->impl, NULL, job_id, out);
}

/* The counters a RETURNING of (status, seq, total, done, processed,
 * failed, started_at) gave, as template variables. */
static void vars_from(const store_rows *r, queue_vars *v)
{
  int64_t started = store_cell_int(r, 0, 6);
  *v = (queue_vars){
    .seq = (uint64_t)store_cell_int(r, 0, 1), .total = (uint64_t)store_cell_int(r, 0, 2),
    .done = (uint64_t)store_cell_int(r, 0, 3), .processed = (uint64_t)store_cell_int(r, 0, 4),
    .failed = (uint64_t)store_cell_int(r, 0, 5),
    .elapsed = started ? (double)(now_us() - started) / 1e6 : 0.0,
  };
}

/* Writes an event already numbered (v->seq) inside the caller's transaction. */
static doctag_status insert_event(local_impl *l, store_conn *c, const char *job_id, const char *tmpl,
                                  const queue_vars *v)
{
  char *body = queue_render(tmpl, v);
  store_param ip[] = { SP_T(job_id), SP_I(v->seq), SP_T(body), SP_I(now_us()) };
  doctag_status st = run(l, c, ST_Q_EVENT_INSERT, ip, 4, NULL);
  g_free(body);
  return st;
}

/* Numbers and writes an event inside the caller's transaction. */
static doctag_status append_event(local_impl *l, store_conn *c, const char *job_id, const char *tmpl, uint64_t *seq)
{
  store_rows r;
  store_param p[] = { SP_T(job_id) };
  doctag_status st = run(l, c, ST_Q_EVENT_SEQ, p, 1, &r);
  if (st)
    return st;
  if (r.nrows == 0) {
    store_rows_clear(&r);
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  }
  int64_t started = store_cell_int(&r, 0, 5);
  queue_vars v = {
    .seq = (uint64_t)store_cell_int(&r, 0, 0), .total = (uint64_t)store_cell_int(&r, 0, 1),
    .done = (uint64_t)store_cell_int(&r, 0, 2), .processed = (uint64_t)store_cell_int(&r, 0, 3),
    .failed = (uint64_t)store_cell_int(&r, 0, 4),
    .elapsed = started ? (double)(now_us() - started) / 1e6 : 0.0,
  };
  store_rows_clear(&r);
  st = insert_event(l, c, job_id, tmpl, &v);
  if (!st && seq)
    *seq = v.seq;
  return st;
}

/* The history job follows the queue's status, in the same transaction. */
static doctag_status mirror_status(store_conn *c, const char *job_id, doctag_job_state s, const char *error)
{
  store_param p[] = { SP_T(job_id), SP_T(queue_state_name(s)), SP_T(error), SP_I(now_us()) };
  return store_exec(c, ST_JOB_STATUS, p, 4, NULL);
}

static doctag_status local_job_transition(queue *q, const char *job_id, unsigned int from, doctag_job_state to,
                                          const char *error, const char *event, queue_job *out)
{
  local_impl *l = q->impl;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  if ((st = store_tx_begin(c)))
    goto out;
  store_rows r;
  store_param p[] = { SP_T(job_id) };
  if (!(st = run(l, c, ST_Q_JOB_LOCK, p, 1, &r))) {
    if (r.nrows == 0) {
      st = err_set(DOCTAG_ENOTFOUND, "Job not found");
    } else {
      int cur = queue_state_parse(store_cell(&r, 0, 0));
      if (cur < 0 || !(from & QS(cur)))
        st = err_set(DOCTAG_ECONFLICT, "%s", store_cell(&r, 0, 0));
    }
    store_rows_clear(&r);
  }
  if (!st) {
    store_param sp[] = { SP_T(job_id), SP_T(queue_state_name(to)), SP_I(now_us()), SP_T(error) };
    st = run(l, c, ST_Q_JOB_SET_STATUS, sp, 4, NULL);
  }
  if (!st && event)
    st = append_event(l, c, job_id, event, NULL);
  if (!st)
    st = mirror_status(c, job_id, to, error);
  st = store_tx_end(c, st);
out:
  store_release(l->store, c);
  if (!st) {
    notify(l);
    if (out)
      st = local_job_get(q, job_id, out);
  }
  return st;
}

static doctag_status local_event_append(queue *q, const char *job_id, const char *event, uint64_t *seq)
{
  local_impl *l = q->impl;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  if (!(st = store_tx_begin(c))) {
    st = append_event(l, c, job_id, event, seq);
    st = store_tx_end(c, st);
  }
  store_release(l->store, c);
  if (!st)
    notify(l);
  return st;
}

/* ---- items ------------------------------------------------------------ */

/* One claim attempt: the oldest runnable job with work, then, in a write
 * transaction holding the job's row lock, its first item. *raced: there was
 * work, but another worker took it between the look and the claim (worth
 * looking again at once). */
static doctag_status claim_once(queue *q, const char *worker, unsigned int lease_sec,
                                char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                                queue_item *item, bool *started, bool *got, bool *raced)
{
  local_impl *l = q->impl;
  *got = false;
  *started = false;
  *raced = false;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  int64_t now = now_us();
  /* A read first: most calls of an idle worker find nothing, and need no
   * write lock to find it. */
  store_rows r;
  store_param np[] = { SP_I(now) };
  if ((st = run(l, c, ST_Q_CANDIDATE, np, 1, &r)))
    goto out;
  char *job = r.nrows ? g_strdup(store_cell(&r, 0, 0)) : NULL;
  bool expired = r.nrows && store_cell_bool(&r, 0, 1);
  store_rows_clear(&r);
  if (!job)
    goto out;
  if ((st = store_tx_begin(c))) {
    g_free(job);
    goto out;
  }
  /* The job's status as of now, under its row lock (on PostgreSQL the read
   * above may predate a pause or cancel), and the number of the event this
   * claim sends: one statement. Claims of one job serialise on this row. */
  store_param jp[] = { SP_T(job) };
  int js = -1;
  queue_vars v = { 0 };
  if (!(st = run(l, c, processing_event ? ST_Q_JOB_LOCK_SEQ : ST_Q_JOB_LOCK, jp, 1, &r))) {
    js = r.nrows ? queue_state_parse(store_cell(&r, 0, 0)) : -1;
    if (r.nrows && processing_event)
      vars_from(&r, &v);
    store_rows_clear(&r);
  }
  if (!st && js != DOCTAG_JOB_PENDING && js != DOCTAG_JOB_PROCESSING) {
    st = store_tx_end(c, DOCTAG_ECANCELLED);   /* roll back: nothing to claim */
    g_free(job);
    if (st == DOCTAG_ECANCELLED)
      st = DOCTAG_OK;
    goto out;
  }
  int64_t until = now + (int64_t)lease_sec * G_USEC_PER_SEC;
  store_param cp[] = { SP_T(job), SP_T(worker), SP_I(until), SP_I(now) };
  memset(&r, 0, sizeof r);
  if (!st && expired)
    st = run(l, c, ST_Q_CLAIM_EXPIRED, cp, 4, &r);
  if (!st && r.nrows == 0) {
    store_rows_clear(&r);
    st = run(l, c, ST_Q_CLAIM_WAITING, cp, 3, &r);
  }
  if (!st && r.nrows > 0) {
    memset(item, 0, sizeof *item);
    item->job_id = job;
    job = NULL;
    item->row = (uint64_t)store_cell_int(&r, 0, 0);
    item->payload = g_strdup(store_cell(&r, 0, 1));
    item->attempts = (unsigned int)store_cell_int(&r, 0, 2);
    item->token = g_strdup(worker);
    store_rows_clear(&r);
    if (js == DOCTAG_JOB_PENDING) {
      store_param sp[] = { SP_T(item->job_id), SP_I(now) };
      if (!(st = run(l, c, ST_Q_JOB_START, sp, 2, &r))) {
        *started = r.changes > 0;
        store_rows_clear(&r);
        if (*started)
          st = mirror_status(c, item->job_id, DOCTAG_JOB_PROCESSING, NULL);
      }
    }
    if (!st && processing_event) {
      /* Numbered above: an event must follow, even an empty template's. */
      char *ev = processing_event(item, ud);
      st = insert_event(l, c, item->job_id, ev ? ev : "{\"seq\":%{seq}}", &v);
      g_free(ev);
    }
    *got = !st;
  } else if (!st) {
    /* Taken by another worker meanwhile: roll back, or the event number
     * taken above would stay used with no event, a hole in the sequence. */
    store_rows_clear(&r);
    st = DOCTAG_ECANCELLED;
    *raced = true;
  }
  g_free(job);
  st = store_tx_end(c, st);
  if (st == DOCTAG_ECANCELLED)
    st = DOCTAG_OK;
  if (st || !*got) {
    queue_item_clear(item);   /* zeroed by local_claim when nothing was taken */
    *got = false;
    *started = false;
  }
out:
  store_release(l->store, c);
  return st;
}

static doctag_status local_claim(queue *q, const char *worker, unsigned int lease_sec, int wait_ms,
                                 char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                                 queue_item *item, bool *started, queue_claim_outcome *outcome)
{
  local_impl *l = q->impl;
  *outcome = QC_NONE;
  *started = false;
  memset(item, 0, sizeof *item);
  int64_t deadline = g_get_monotonic_time() + (int64_t)(wait_ms > 0 ? wait_ms : 0) * 1000;
  unsigned int races = 0;
  for (;;) {
    guint64 gen = generation(l);
    bool got = false, raced = false;
    doctag_status st = claim_once(q, worker, lease_sec, processing_event, ud, item, started, &got, &raced);
    if (st)
      return st;
    if (got) {
      *outcome = QC_ITEM;
      return DOCTAG_OK;
    }
    /* Even without waiting: "nothing to do" would not be true. Bounded: on
     * PostgreSQL an item claimed by a transaction that has not committed
     * yet still looks waiting to the first read. */
    if (raced && ++races < MAX_RACES)
      continue;
    int64_t left = (deadline - g_get_monotonic_time()) / 1000;
    if (left <= 0)
      return DOCTAG_OK;
    wait_change(l, gen, (int)MIN(left, POLL_MS * 2));
  }
}

static doctag_status local_renew(queue *q, const queue_item *item, const char *worker, unsigned int lease_sec)
{
  store_param p[] = { SP_T(item->job_id), SP_I(item->row), SP_T(worker),
                      SP_I(now_us() + (int64_t)lease_sec * G_USEC_PER_SEC) };
  return run(q->impl, NULL, ST_Q_RENEW, p, 4, NULL);
}

static doctag_status local_release(queue *q, const queue_item *item, const char *worker)
{
  store_param p[] = { SP_T(item->job_id), SP_I(item->row), SP_T(worker) };
  doctag_status st = run(q->impl, NULL, ST_Q_RELEASE, p, 3, NULL);
  if (!st)
    notify(q->impl);
  return st;
}

/* finish() inside the caller's transaction on c, which holds the job's lock. */
static doctag_status finish_on(local_impl *l, store_conn *c, const queue_item *item, bool ok, const char *result_json,
                               const char *event, const char *completed_event, queue_finish_outcome *outcome)
{
  *outcome = QF_RECORDED;
  store_rows r;
  int64_t now = now_us();
  /* The job is locked (finish_tx): its done count cannot move until
   * commit, so the row's finished_seq is the number ST_Q_JOB_COUNT gives
   * it, and the done rows of any snapshot are those numbered 1..done
   * (results_range reads them by that number). */
  store_param dp[] = { SP_T(item->job_id), SP_I(item->row), SP_I(ok ? 1 : 0), SP_T(result_json) };
  doctag_status st = run(l, c, ST_Q_ITEM_DONE, dp, 4, &r);
  if (st)
    return st;
  bool fresh = r.changes > 0;
  store_rows_clear(&r);
  if (!fresh) {
    *outcome = QF_DUPLICATE;
    return DOCTAG_OK;
  }
  store_param cp[] = { SP_T(item->job_id), SP_I(ok ? 1 : 0), SP_I(ok ? 0 : 1), SP_I(event ? 1 : 0) };
  if ((st = run(l, c, ST_Q_JOB_COUNT, cp, 4, &r)))
    return st;
  int state = queue_state_parse(store_cell(&r, 0, 0));
  queue_vars v;
  vars_from(&r, &v);
  store_rows_clear(&r);
  if (state < 0 || queue_state_final((doctag_job_state)state)) {
    *outcome = QF_AFTER_END;
    return DOCTAG_OK;
  }
  if (event && (st = insert_event(l, c, item->job_id, event, &v)))
    return st;
  if (v.done < v.total)
    return DOCTAG_OK;
  store_param fp[] = { SP_T(item->job_id), SP_I(now) };
  if ((st = run(l, c, ST_Q_JOB_COMPLETE, fp, 2, &r)))
    return st;
  vars_from(&r, &v);
  store_rows_clear(&r);
  if ((st = insert_event(l, c, item->job_id, completed_event ? completed_event : "{\"seq\":%{seq}}", &v)))
    return st;
  if ((st = mirror_status(c, item->job_id, DOCTAG_JOB_COMPLETED, NULL)))
    return st;
  *outcome = QF_COMPLETED;
  return DOCTAG_OK;
}

/* record (may be NULL: result_json and event given) then finish_on, in one
 * transaction; a duplicate rolls the recording back. */
static doctag_status finish_tx(queue *q, const queue_item *item, bool ok, queue_record_fn record, void *ud,
                               const char *result_json, const char *event, const char *completed_event,
                               queue_finish_outcome *outcome)
{
  local_impl *l = q->impl;
  *outcome = QF_RECORDED;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  if (!(st = store_tx_begin(c))) {
    char *res = NULL, *ev = NULL;
    /* The job first, as claims and commands lock it before anything else
     * (a command then writes the history job that record() writes too). */
    store_param jp[] = { SP_T(item->job_id) };
    st = run(l, c, ST_Q_JOB_LOCK, jp, 1, NULL);
    if (!st && record && !(st = record(c, ud, &res, &ev))) {
      result_json = res;
      event = ev;
    }
    if (!st)
      st = finish_on(l, c, item, ok, result_json, event, completed_event, outcome);
    if (!st && record && *outcome == QF_DUPLICATE)
      st = DOCTAG_ECANCELLED;   /* roll back: the first recording stands */
    st = store_tx_end(c, st);
    if (st == DOCTAG_ECANCELLED && *outcome == QF_DUPLICATE)
      st = DOCTAG_OK;
    g_free(res);
    g_free(ev);
  }
  store_release(l->store, c);
  if (!st)
    notify(l);
  return st;
}

static doctag_status local_finish(queue *q, const queue_item *item, bool ok, const char *result_json,
                                  const char *event, const char *completed_event, queue_finish_outcome *outcome)
{
  return finish_tx(q, item, ok, NULL, NULL, result_json, event, completed_event, outcome);
}

static doctag_status local_record_finish(queue *q, const queue_item *item, bool ok, queue_record_fn record, void *ud,
                                         const char *completed_event, queue_finish_outcome *outcome)
{
  return finish_tx(q, item, ok, record, ud, NULL, NULL, completed_event, outcome);
}

/* ---- reading ---------------------------------------------------------- */

static doctag_status local_events_read(queue *q, const char *job_id, uint64_t after, size_t max, GPtrArray *out)
{
  local_impl *l = q->impl;
  store_rows r;
  store_param p[] = { SP_T(job_id), SP_I(after), SP_I(max) };
  doctag_status st = run(l, NULL, ST_Q_EVENTS_READ, p, 3, &r);
  if (st)
    return st;
  for (unsigned int i = 0; i < r.nrows; i++) {
    queue_event *e = g_new0(queue_event, 1);
    e->seq = (uint64_t)store_cell_int(&r, i, 0);
    e->json = g_strdup(store_cell(&r, i, 1));
    g_ptr_array_add(out, e);
  }
  store_rows_clear(&r);
  return DOCTAG_OK;
}

static doctag_status local_events_wait(queue *q, const char *job_id, uint64_t after, int timeout_ms)
{
  local_impl *l = q->impl;
  int64_t deadline = g_get_monotonic_time() + (int64_t)timeout_ms * 1000;
  for (;;) {
    guint64 gen = generation(l);
    store_rows r;
    store_param p[] = { SP_T(job_id) };
    doctag_status st = run(l, NULL, ST_Q_JOB_SEQ, p, 1, &r);
    if (st)
      return st;
    uint64_t seq = r.nrows ? (uint64_t)store_cell_int(&r, 0, 0) : 0;
    bool gone = r.nrows == 0;
    store_rows_clear(&r);
    if (gone || seq > after)
      return DOCTAG_OK;
    int64_t left = (deadline - g_get_monotonic_time()) / 1000;
    if (left <= 0)
      return DOCTAG_OK;
    wait_change(l, gen, (int)MIN(left, POLL_MS));
  }
}

/* Runs a results query (c as in run()) and appends each row's text to out. */
static doctag_status result_texts(local_impl *l, store_conn *c, int which, store_param *p, int np, GPtrArray *out)
{
  store_rows r;
  doctag_status st = run(l, c, which, p, np, &r);
  if (st)
    return st;
  for (unsigned int i = 0; i < r.nrows; i++)
    if (store_cell(&r, i, 0))
      g_ptr_array_add(out, g_strdup(store_cell(&r, i, 0)));
  store_rows_clear(&r);
  return DOCTAG_OK;
}

/* c as in run(). */
static doctag_status results_on(local_impl *l, store_conn *c, const char *job_id, GPtrArray *out)
{
  store_param p[] = { SP_T(job_id) };
  return result_texts(l, c, ST_Q_RESULTS, p, 1, out);
}

static doctag_status local_results(queue *q, const char *job_id, GPtrArray *out)
{
  return results_on(q->impl, NULL, job_id, out);
}

/* The job, then `more` on the same connection, in one read transaction:
 * both see one snapshot. */
static doctag_status snapshot_tx(local_impl *l, const char *job_id, queue_job *out,
                                 doctag_status (*more)(local_impl *l, store_conn *c, const char *job_id, void *ud),
                                 void *ud)
{
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  if (!(st = store_tx_begin_read(c))) {
    if (!(st = job_get_on(l, c, job_id, out)) && (st = more(l, c, job_id, ud)))
      queue_job_clear(out);
    st = store_tx_end(c, st);
  }
  store_release(l->store, c);
  return st;
}

static doctag_status snapshot_results(local_impl *l, store_conn *c, const char *job_id, void *results)
{
  return results_on(l, c, job_id, results);
}

static doctag_status local_job_snapshot(queue *q, const char *job_id, queue_job *out, GPtrArray *results)
{
  return snapshot_tx(q->impl, job_id, out, snapshot_results, results);
}

/* Done rows are numbered 1..done in finishing order (finish_on): the job
 * alone is the snapshot, and a page is a range of those numbers. */
static doctag_status local_job_snapshot_order(queue *q, const char *job_id, queue_job *out, uint64_t *count)
{
  doctag_status st = local_job_get(q, job_id, out);
  if (!st)
    *count = out->done;
  return st;
}

static doctag_status local_results_range(queue *q, const char *job_id, uint64_t from, uint64_t end, GPtrArray *out)
{
  store_param p[] = { SP_T(job_id), SP_I(from), SP_I(end) };
  return result_texts(q->impl, NULL, ST_Q_RESULTS_PAGE, p, 3, out);
}

static doctag_status local_active(queue *q, const char *user_id, GPtrArray *out)
{
  store_rows r;
  store_param p[] = { SP_T(user_id) };
  doctag_status st = run(q->impl, NULL, ST_Q_ACTIVE, p, 1, &r);
  if (st)
    return st;
  for (unsigned int i = 0; i < r.nrows; i++) {
    /* job_from_row reads row 0: hand it a one-row view. */
    store_rows one = { 1, r.ncols, r.cell + (size_t)i * r.ncols, 0 };
    queue_job *j = g_new0(queue_job, 1);
    job_from_row(&one, 1, store_cell(&r, i, 0), j);
    g_free(j->secret);
    j->secret = NULL;
    g_ptr_array_add(out, j);
  }
  store_rows_clear(&r);
  return DOCTAG_OK;
}

/* ---- documents in flight per user (table doc_slots, 0013) ---- */

static doctag_status local_slot_take(queue *q, const char *holder, const char *slot, const char *user,
                                     unsigned int max, unsigned int lease_ms, bool *taken, unsigned int *held)
{
  local_impl *l = q->impl;
  *taken = false;
  if (held)
    *held = 0;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  int64_t now = now_us();
  store_rows r = { 0 };
  store_param u[] = { SP_T(user) }, purge[] = { SP_T(user), SP_I(now) },
              ins[] = { SP_T(slot), SP_T(user), SP_T(holder), SP_I(now + (int64_t)lease_ms * 1000) };
  /* Count and insert under the user's lock: two takes of the last place
   * cannot both see it free. */
  if (!(st = store_tx_begin(c))) {
    if (!(st = store_exec(c, ST_Q_SLOT_LOCK, u, 1, NULL)) && !(st = store_exec(c, ST_Q_SLOT_PURGE, purge, 2, NULL)) &&
        !(st = store_exec(c, ST_Q_SLOT_COUNT, u, 1, &r))) {
      int64_t n = store_cell_int(&r, 0, 0);
      if (n < (int64_t)max && !(st = store_exec(c, ST_Q_SLOT_INSERT, ins, 4, NULL))) {
        *taken = true;
        n++;
      }
      if (held)
        *held = (unsigned int)MIN(n, (int64_t)G_MAXUINT);
    }
    store_rows_clear(&r);
    st = store_tx_end(c, st);
    if (st)
      *taken = false;
  }
  store_release(l->store, c);
  return st;
}

/* Place by place, not by holder: a place whose give failed is not renewed
 * (it comes back when its lease runs out). Also drops places whose lease ran
 * out: those of a process that died, of users whose next take (which purges
 * them) may never come. */
static doctag_status local_slot_renew(queue *q, GPtrArray *slots, unsigned int lease_ms, GPtrArray *lost)
{
  local_impl *l = q->impl;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  int64_t now = now_us();
  GPtrArray *gone = g_ptr_array_new();
  if (!(st = store_tx_begin(c))) {
    for (guint i = 1; !st && i < slots->len; i += 2) {
      store_rows r = { 0 };
      store_param p[] = { SP_T(g_ptr_array_index(slots, i)), SP_I(now + (int64_t)lease_ms * 1000) };
      if (!(st = store_exec(c, ST_Q_SLOT_RENEW, p, 2, &r)) && !r.changes)
        g_ptr_array_add(gone, g_ptr_array_index(slots, i));
      store_rows_clear(&r);
    }
    store_param e[] = { SP_I(now) };
    if (!st)
      st = store_exec(c, ST_Q_SLOT_EXPIRE, e, 1, NULL);
    st = store_tx_end(c, st);
  }
  store_release(l->store, c);
  for (guint i = 0; !st && i < gone->len; i++)
    g_ptr_array_add(lost, g_strdup(g_ptr_array_index(gone, i)));
  g_ptr_array_free(gone, TRUE);
  return st;
}

static doctag_status local_slot_give(queue *q, const char *user, const char *slot)
{
  (void)user;
  store_param p[] = { SP_T(slot) };
  return run(q->impl, NULL, ST_Q_SLOT_DELETE, p, 1, NULL);
}

/* Row doc_slot_lease_ms of queue_settings (0016): `until` is a lease from
 * the last renewal by a process that uses it. */
static doctag_status local_slot_lease(queue *q, unsigned int lease_ms, unsigned int *in_force)
{
  local_impl *l = q->impl;
  *in_force = 0;
  store_conn *c;
  doctag_status st = acquire(l, &c);
  if (st)
    return st;
  int64_t now = now_us();
  char *value = g_strdup_printf("%u", lease_ms);
  store_rows r = { 0 };
  store_param claim[] = { SP_T("doc_slot_lease_ms"), SP_T(value), SP_I(now), SP_I(now + (int64_t)lease_ms * 1000) },
              get[] = { SP_T("doc_slot_lease_ms") };
  if (!(st = store_tx_begin(c))) {
    if (!(st = store_exec(c, ST_Q_SETTING_CLAIM, claim, 4, NULL)) &&
        !(st = store_exec(c, ST_Q_SETTING_GET, get, 1, &r))) {
      int64_t v = store_cell_int(&r, 0, 0);
      *in_force = v > 0 && v <= G_MAXUINT ? (unsigned int)v : 0;
      if (!*in_force)
        st = err_set(DOCTAG_ESTORE, "queue_settings holds no usable doc_slot_lease_ms (%s)",
                     store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "none");
    }
    store_rows_clear(&r);
    st = store_tx_end(c, st);
  }
  store_release(l->store, c);
  g_free(value);
  return st;
}

const queue_ops queue_local_ops = {
  .name = "local",
  .close = local_close,
  .job_create = local_job_create,
  .job_get = local_job_get,
  .job_transition = local_job_transition,
  .event_append = local_event_append,
  .claim = local_claim,
  .renew = local_renew,
  .release = local_release,
  .finish = local_finish,
  .record_finish = local_record_finish,
  .events_read = local_events_read,
  .events_wait = local_events_wait,
  .results = local_results,
  .job_snapshot = local_job_snapshot,
  .job_snapshot_order = local_job_snapshot_order,
  .results_range = local_results_range,
  .active = local_active,
  .slot_take = local_slot_take,
  .slot_renew = local_slot_renew,
  .slot_give = local_slot_give,
  .slot_lease = local_slot_lease,
};
