/* The batch worker: threads that claim items from the queue, process them
 * and record them; a heartbeat thread that keeps the leases of items being
 * processed. Any number of workers (threads, processes, machines) share the
 * queue; an item whose worker died is claimed again once its lease runs out,
 * and recording is idempotent, so it yields one document. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "core/seal.h"
#include "core/stats.h"
#include "history/history.h"

#include <string.h>
#include <unistd.h>

#define DEFAULT_THREADS 2
#define DEFAULT_LEASE_SEC 60
/* How long a claim waits for work: also how soon an idle worker notices
 * *stop or the end of until_job. */
#define CLAIM_WAIT_MS 250
/* How long a worker keeps trying when the queue or database is down. */
#define UNAVAILABLE_GIVE_UP_MS (120 * 1000)
#define RATE_LIMIT_MAX_SLEEP_SEC 60
/* A worker not heard from for this many leases (at least FORGET_MIN_MS) is
 * taken for dead, and the queue forgets it once it holds no item. */
#define FORGET_LEASES 10
#define FORGET_MIN_MS (10 * 60 * 1000)

typedef struct worker {
  doctag_ctx *ctx;
  queue *q;
  char *name;
  unsigned int lease_sec;
  bool once;
  char *until_job;
  const volatile int *stop;
  bool abandon_on_stop;      /* *stop cancels the documents in hand and releases them */
  gint quit;                 /* atomic */
  GMutex lock;
  GCond wake;
  GPtrArray *inflight;       /* queue_item* being processed (borrowed) */
  GPtrArray *released;       /* abandon_on_stop: items in hand given back on stop (borrowed) */
  doctag_status fatal;
  char *fatal_msg;
} worker;

static bool stopping(worker *w)
{
  return g_atomic_int_get(&w->quit) || (w->stop && *w->stop);
}

/* Sleeps up to ms, less when the worker is stopping. */
static void nap(worker *w, int ms)
{
  int64_t end = g_get_monotonic_time() + (int64_t)ms * 1000;
  while (!stopping(w) && g_get_monotonic_time() < end)
    g_usleep(50000);
}

static void set_fatal(worker *w, doctag_status st)
{
  g_mutex_lock(&w->lock);
  if (!w->fatal) {
    w->fatal = st;
    w->fatal_msg = g_strdup(doctag_error_last()->message);
  }
  g_mutex_unlock(&w->lock);
  g_atomic_int_set(&w->quit, 1);
}

static bool transient(doctag_status st)
{
  return st == DOCTAG_EUNAVAILABLE;
}

/* Reads the item's payload into ud (the thread's job_row) for its event
 * and, after the claim, its processing: a row is parsed once. */
static char *processing_event(const queue_item *it, void *ud)
{
  job_row *row = ud;
  job_row_read(row, it->job_id, it->row, it->payload);
  return events_processing(it->job_id, it->row, row->title);
}

static void track(worker *w, queue_item *it, bool add)
{
  g_mutex_lock(&w->lock);
  if (add)
    g_ptr_array_add(w->inflight, it);
  else
    g_ptr_array_remove(w->inflight, it);
  g_mutex_unlock(&w->lock);
}

typedef struct recording {
  worker *w;
  const queue_job *qj;
  const queue_item *it;
  const row_outcome *o;
} recording;

static doctag_status record_row(struct store_conn *c, void *ud, char **result, char **event)
{
  recording *r = ud;
  return jobs_record_row(r->w->ctx, c, r->qj->user_id, r->qj->id, r->it->row, r->o, r->w->name, result, event);
}

/* Records the outcome in history and finishes the item (one transaction
 * with the local queue); retries through outages (the outcome is kept in
 * memory meanwhile). */
static void record_and_finish(worker *w, const queue_job *qj, queue_item *it, row_outcome *o)
{
  recording rec = { w, qj, it, o };
  char *completed = events_completed(qj->id);
  queue_finish_outcome fo = QF_RECORDED;
  doctag_status st;
  int waited = 0;
  for (;;) {
    st = queue_record_finish(w->q, it, o->ok, record_row, &rec, completed, &fo);
    if (!transient(st) || waited >= UNAVAILABLE_GIVE_UP_MS)
      break;
    g_usleep(500000);
    waited += 500;
  }
  g_free(completed);
  if (st == DOCTAG_ENOTFOUND) {
    /* The job was deleted from history while it ran: end it. */
    char *tpl = events_error(qj->id, "Job was deleted");
    queue_job_transition(w->q, qj->id,
                         QS(DOCTAG_JOB_PENDING) | QS(DOCTAG_JOB_PROCESSING) | QS(DOCTAG_JOB_PAUSED),
                         DOCTAG_JOB_FAILED, "Job was deleted", tpl, NULL);
    g_free(tpl);
    queue_release(w->q, it, w->name);
    return;
  }
  if (st) {
    /* Leave the item to be claimed again once its lease runs out. */
    g_warning("doctag worker: job %s row %" G_GUINT64_FORMAT ": recording or finishing failed: %s", qj->id, it->row,
              doctag_error_last()->message);
    return;
  }
  if (fo == QF_COMPLETED && history_job_set_status(w->ctx, qj->id, "completed", NULL))
    g_warning("doctag worker: job %s: recording completion in history failed: %s", qj->id,
              doctag_error_last()->message);
  if (fo == QF_COMPLETED)
    webhook_job_ended(w->ctx, qj->user_id, qj->id);
}

/* A thread's last job: its queue record and parsed configuration, reused
 * while the thread's items come from the same job (the configuration of a
 * job never changes). */
typedef struct job_cache {
  queue_job qj;
  process_config cfg;
  char *cfg_error;   /* the configuration did not parse */
} job_cache;

static void job_cache_clear(job_cache *c)
{
  queue_job_clear(&c->qj);
  process_config_clear(&c->cfg);
  g_free(c->cfg_error);
  c->cfg_error = NULL;
}

static doctag_status job_cache_load(worker *w, job_cache *c, const char *job_id)
{
  if (c->qj.id && !strcmp(c->qj.id, job_id))
    return DOCTAG_OK;
  job_cache_clear(c);
  doctag_status st = queue_job_get(w->q, job_id, &c->qj);
  if (st) {
    queue_job_clear(&c->qj);
    return st;
  }
  const char *config = c->qj.config_json ? c->qj.config_json : "{}";
  if (process_config_parse_text(config, strlen(config), "config", &c->cfg))
    c->cfg_error = g_strdup(doctag_error_last()->message);
  else if (c->qj.secret) {
    char *key = NULL;
    if (seal_open(w->ctx, c->qj.secret, &key)) {
      c->cfg_error = g_strdup_printf("The job's API key cannot be read: %s. Submit the job again; set the same "
                                     "DOCTAG_SECRET_KEY on every server and worker so that keys survive restarts",
                                     doctag_error_last()->message);
    } else {
      c->cfg.api_key = g_strdup(key);
      c->cfg.opts.api_key = c->cfg.api_key;
      seal_free(key);
    }
  }
  return DOCTAG_OK;
}

/* The page callback of a worker that abandons its documents on stop. */
static int cancel_when_stopping(const doctag_page_info *page, void *data)
{
  (void)page;
  worker *w = data;
  return w->stop && *w->stop;
}

/* Processes one claimed item. Returns seconds to back off (LLM 429), or 0. */
static int handle_item(worker *w, job_cache *cache, queue_item *it, job_row *row, int backoff)
{
  /* Gone (expired) or unreachable: let the lease decide. */
  if (job_cache_load(w, cache, it->job_id))
    return 0;
  if (!row->job_id || row->index != it->row || strcmp(row->job_id, it->job_id))
    job_row_read(row, it->job_id, it->row, it->payload);   /* read for another item */
  row_outcome o = { 0 };
  if (cache->cfg_error) {
    o.ok = false;
    o.code = DOCTAG_EINVAL;
    o.error = g_strdup(cache->cfg_error);
    o.file_size = -1;
  } else if (it->attempts > JOBS_MAX_ATTEMPTS) {
    o.ok = false;
    o.code = DOCTAG_EINTERNAL;
    o.error = g_strdup_printf("Gave up after %u attempts: the workers processing this document stopped before "
                              "finishing it", it->attempts - 1);
    o.file_size = -1;
    o.title = g_strdup(row->title);
    o.file_path = g_strdup(row->file_path);
    o.source_type = g_strdup(row->source_type ? row->source_type : "url");
  } else if (w->abandon_on_stop) {
    process_config cfg = cache->cfg;   /* borrows the cache's strings */
    cfg.opts.on_page = cancel_when_stopping;
    cfg.opts.on_page_data = w;
    jobs_process_row(w->ctx, &cfg, row, cache->qj.user_id, &o);
    /* Given back by the heartbeat when *stop was set: whatever came of
     * it, the row is another claim's now. Else it is ours to finish (out of
     * inflight, the heartbeat leaves it alone). */
    g_mutex_lock(&w->lock);
    bool released = g_ptr_array_remove(w->released, it);
    if (!released)
      g_ptr_array_remove(w->inflight, it);
    g_mutex_unlock(&w->lock);
    if (!released && o.code == DOCTAG_ECANCELLED && w->stop && *w->stop)
      released = queue_release(w->q, it, w->name) == DOCTAG_OK;   /* claimed as the stop came */
    if (released) {
      row_outcome_clear(&o);
      return 0;
    }
  } else {
    jobs_process_row(w->ctx, &cache->cfg, row, cache->qj.user_id, &o);
  }
  int sleep_sec = 0;
  if (o.rate_limited) {
    /* The LLM provider is throttling us: give the item back and wait. */
    queue_release(w->q, it, w->name);
    sleep_sec = backoff ? MIN(backoff * 2, RATE_LIMIT_MAX_SLEEP_SEC) : 2;
  } else {
    record_and_finish(w, &cache->qj, it, &o);
  }
  row_outcome_clear(&o);
  return sleep_sec;
}

static bool until_job_done(worker *w)
{
  queue_job qj = { 0 };
  doctag_status st = queue_job_get(w->q, w->until_job, &qj);
  bool done = st == DOCTAG_ENOTFOUND || (!st && queue_state_final(qj.state));
  queue_job_clear(&qj);
  return done;
}

static gpointer worker_thread(gpointer data)
{
  worker *w = data;
  int unavailable_ms = 0, backoff = 0;
  job_cache cache = { 0 };
  job_row row = { 0 };
  stats_worker_threads(1);
  while (!stopping(w)) {
    if (w->until_job && until_job_done(w)) {
      g_atomic_int_set(&w->quit, 1);
      break;
    }
    queue_item it;
    bool started = false;
    queue_claim_outcome oc = QC_NONE;
    doctag_status st = queue_claim(w->q, w->name, w->lease_sec, w->once ? 0 : CLAIM_WAIT_MS, processing_event,
                                   &row, &it, &started, &oc);
    if (st) {
      if (transient(st) && unavailable_ms < UNAVAILABLE_GIVE_UP_MS) {
        nap(w, 500);
        unavailable_ms += 500;
        continue;
      }
      set_fatal(w, st);
      break;
    }
    unavailable_ms = 0;
    if (oc == QC_NONE) {
      if (w->once && !w->until_job)
        break;
      continue;
    }
    if (started && history_job_set_status(w->ctx, it.job_id, "processing", NULL))
      g_warning("doctag worker: job %s: recording 'processing' in history failed: %s", it.job_id,
                doctag_error_last()->message);
    track(w, &it, true);
    int sleep_sec = handle_item(w, &cache, &it, &row, backoff);
    track(w, &it, false);
    queue_item_clear(&it);
    backoff = sleep_sec;
    if (sleep_sec)
      nap(w, sleep_sec * 1000);
  }
  job_cache_clear(&cache);
  job_row_clear(&row);
  stats_worker_threads(-1);
  return NULL;
}

/* What renewing an item's lease needs of it (no payload), copied under the
 * lock: the worker thread may finish the item and clear it, or claim the
 * next into the same place, while its lease is being renewed (AddressSanitizer
 * caught local_renew reading a freed job id). Renewing an item finished
 * meanwhile matches nothing in the queue. */
static gpointer lease_copy(gconstpointer src, gpointer unused)
{
  (void)unused;
  const queue_item *it = src;
  queue_item *c = g_new0(queue_item, 1);
  c->job_id = g_strdup(it->job_id);
  c->row = it->row;
  c->token = g_strdup(it->token);
  c->attempts = it->attempts;
  return c;
}

static void lease_free(gpointer p)
{
  queue_item_clear(p);
  g_free(p);
}

/* Renews the leases of items in hand every third of the lease. */
static gpointer heartbeat_thread(gpointer data)
{
  worker *w = data;
  g_mutex_lock(&w->lock);
  while (!g_atomic_int_get(&w->quit)) {
    int64_t until = g_get_monotonic_time() + (int64_t)w->lease_sec * G_TIME_SPAN_SECOND / 3;
    while (!g_atomic_int_get(&w->quit) && g_cond_wait_until(&w->wake, &w->lock, until))
      ;
    if (g_atomic_int_get(&w->quit))
      break;
    GPtrArray *items = g_ptr_array_copy(w->inflight, lease_copy, NULL);
    g_ptr_array_set_free_func(items, lease_free);
    g_mutex_unlock(&w->lock);
    for (guint i = 0; i < items->len; i++)
      queue_renew(w->q, g_ptr_array_index(items, i), w->name, w->lease_sec);
    g_ptr_array_free(items, TRUE);
    g_mutex_lock(&w->lock);
  }
  g_mutex_unlock(&w->lock);
  return NULL;
}

/* abandon_on_stop: once *stop is set, gives the items in hand back to the
 * queue at once (the process may exit before they finish), and cancels
 * their processing at the next page (cancel_when_stopping). */
static gpointer release_thread(gpointer data)
{
  worker *w = data;
  while (!g_atomic_int_get(&w->quit) && !(w->stop && *w->stop))
    g_usleep(100000);
  if (g_atomic_int_get(&w->quit))
    return NULL;
  g_mutex_lock(&w->lock);
  while (w->inflight->len) {
    queue_item *it = g_ptr_array_steal_index(w->inflight, 0);
    g_ptr_array_add(w->released, it);
    queue_release(w->q, it, w->name);
  }
  g_mutex_unlock(&w->lock);
  return NULL;
}

/* Sends due webhook deliveries every second (they are in the store: any
 * worker sends any job's). */
#define WEBHOOK_POLL_MS 1000

static gpointer webhook_thread(gpointer data)
{
  worker *w = data;
  g_mutex_lock(&w->lock);
  while (!g_atomic_int_get(&w->quit)) {
    int64_t until = g_get_monotonic_time() + WEBHOOK_POLL_MS * G_TIME_SPAN_MILLISECOND;
    while (!g_atomic_int_get(&w->quit) && g_cond_wait_until(&w->wake, &w->lock, until))
      ;
    if (g_atomic_int_get(&w->quit))
      break;
    g_mutex_unlock(&w->lock);
    stats_worker_beat();  /* this thread wakes every second: the process is alive */
    while (webhook_deliver_due(w->ctx) && !g_atomic_int_get(&w->quit))
      ;
    g_mutex_lock(&w->lock);
  }
  g_mutex_unlock(&w->lock);
  return NULL;
}

DOCTAG_API doctag_status doctag_worker_options_init(doctag_worker_options *opts, unsigned int version)
{
  err_clear();
  if (!opts)
    return err_set(DOCTAG_EINVAL, "options are NULL");
  if (version == 0 || version > DOCTAG_WORKER_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_worker_options version %u (this library knows up to %u)",
                   version, DOCTAG_WORKER_OPTIONS_VERSION);
  doctag_worker_options init = DOCTAG_WORKER_OPTIONS_INIT;
  /* A version-1 caller's struct ends before abandon_on_stop. */
  memcpy(opts, &init, version == 1 ? offsetof(doctag_worker_options, abandon_on_stop) : sizeof init);
  opts->version = version;
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_worker_run(doctag_ctx *ctx, const doctag_worker_options *opts)
{
  err_clear();
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  doctag_worker_options defaults = DOCTAG_WORKER_OPTIONS_INIT;
  if (!opts)
    opts = &defaults;
  if (opts->version == 0 || opts->version > DOCTAG_WORKER_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_worker_options version %u", opts->version);
  if (opts->threads > 256)
    return err_set(DOCTAG_EINVAL, "threads must be between 1 and 256 (got %u)", opts->threads);
  if (opts->lease_sec > 86400)
    return err_set(DOCTAG_EINVAL, "lease_sec must be at most 86400 (got %u)", opts->lease_sec);
  worker w = { 0 };
  w.ctx = ctx;
  doctag_status st = queue_get(ctx, &w.q);
  if (st)
    return st;
  w.name = opts->name && *opts->name ? g_strdup(opts->name)
                                      : g_strdup_printf("%s:%d:%08x", g_get_host_name(), (int)getpid(), g_random_int());
  w.lease_sec = opts->lease_sec ? opts->lease_sec : DEFAULT_LEASE_SEC;
  w.once = opts->once;
  w.until_job = opts->until_job ? g_strdup(opts->until_job) : NULL;
  w.stop = opts->stop;
  w.abandon_on_stop = opts->version >= 2 && opts->abandon_on_stop;
  g_mutex_init(&w.lock);
  g_cond_init(&w.wake);
  w.inflight = g_ptr_array_new();
  w.released = g_ptr_array_new();

  unsigned int forget_ms = MAX(w.lease_sec * 1000u * FORGET_LEASES, (unsigned int)FORGET_MIN_MS);
  if (queue_forget_workers(w.q, NULL, forget_ms))
    g_debug("doctag worker: forgetting dead workers failed: %s", doctag_error_last()->message);

  unsigned int n = opts->threads ? opts->threads : DEFAULT_THREADS;
  GThread *hb = g_thread_new("doctag-heartbeat", heartbeat_thread, &w);
  GThread *hooks = g_thread_new("doctag-webhooks", webhook_thread, &w);
  GThread *releaser = w.abandon_on_stop ? g_thread_new("doctag-release", release_thread, &w) : NULL;
  GThread **threads = g_new0(GThread *, n);
  for (unsigned int i = 0; i < n; i++)
    threads[i] = g_thread_new("doctag-worker", worker_thread, &w);
  for (unsigned int i = 0; i < n; i++)
    g_thread_join(threads[i]);
  g_mutex_lock(&w.lock);
  g_atomic_int_set(&w.quit, 1);
  g_cond_broadcast(&w.wake);
  g_mutex_unlock(&w.lock);
  g_thread_join(hb);
  g_thread_join(hooks);
  if (releaser)
    g_thread_join(releaser);
  if (queue_forget_workers(w.q, w.name, forget_ms))
    g_debug("doctag worker: leaving the queue's worker list failed: %s", doctag_error_last()->message);

  st = w.fatal;
  if (st)
    err_set(st, "%s", w.fatal_msg);
  g_free(threads);
  g_free(w.fatal_msg);
  g_free(w.name);
  g_free(w.until_job);
  g_ptr_array_free(w.inflight, TRUE);
  g_ptr_array_free(w.released, TRUE);
  g_mutex_clear(&w.lock);
  g_cond_clear(&w.wake);
  return st;
}
