/* Blocking work off the event loop.
 *
 * Each deferred request gets a kore_task: kore's own machinery puts the
 * request to sleep, wakes it when the task's socket closes, and keeps the
 * request alive while the task runs even if the client goes away. The task's
 * entry does not run on kore's task threads, though: kore 4.1 hands each new
 * task round-robin to one thread's private queue, so a 5 ms login would wait
 * behind a minute of OCR on the same thread. Tasks run on two GLib pools
 * instead (any idle thread takes the next task): a quick one for database
 * calls and a heavy one for documents, so neither starves the other. */
#include "server.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

typedef struct srv_job {
  struct kore_task task;   /* first: kore_task_handle() gets &task */
  srv_work_fn fn;
  void *data;
  GDestroyNotify data_free;
  srv_reply reply;
  bool started;
  gint64 entry_us;         /* the handler's first call: the access log's duration */
  char *owner;             /* the user of a document job (fair share), or NULL */
  bool shared;             /* holds one of the owner's places across workers (inflight.c) */
  bool admit;              /* yet to take its place across servers (on QUICK), then to go to HEAVY */
  doctag_doc_slot *slot;   /* the owner's place across servers, or NULL */
  guint64 rank, seq;       /* the owner's jobs before this one when queued; arrival */
} srv_job;

/* Documents in flight (queued or running) per user in this process: the
 * heavy pool runs each user's first before anyone's second, so one user's
 * pile of documents cannot starve another's. A user with user_docs_max in
 * flight in all the server's workers (inflight.c; in this one alone when
 * there is no shared count) is answered 429. Then, on a QUICK thread (it
 * asks the queue's Redis or database), the document takes one of the
 * owner's places across every server on that queue (doctag_doc_slot_take),
 * so the cap holds for them all; past it, 429 too. */
static GMutex owners_lock;
static GHashTable *owners;   /* user id -> count */
static guint64 arrivals;
static unsigned int user_docs_max = 8;

static gint by_rank(gconstpointer a, gconstpointer b, gpointer unused)
{
  (void)unused;
  const srv_job *x = a, *y = b;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void owner_done(srv_job *job)
{
  if (!job->owner)
    return;
  if (job->shared)
    srv_inflight_give(job->owner);
  doctag_doc_slot_free(job->slot);
  job->slot = NULL;
  g_mutex_lock(&owners_lock);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(owners, job->owner));
  if (n <= 1)
    g_hash_table_remove(owners, job->owner);
  else
    g_hash_table_insert(owners, g_strdup(job->owner), GUINT_TO_POINTER(n - 1));
  g_mutex_unlock(&owners_lock);
}

static GThreadPool *pools[3];

static void reply_busy(srv_reply *r)
{
  srv_reply_detail(r, 429, "Too many documents in progress for this account (%u at once); try again when one "
                   "finishes", user_docs_max);
  srv_reply_header(r, "retry-after", "5");
}

/* The owner's place across servers: true when the job may go on to HEAVY
 * (a place taken, or the queue unreachable: then the cap holds in this
 * server only, and that is logged), false with a 429 in job->reply. */
static bool admit(srv_job *job)
{
  doctag_status st = doctag_doc_slot_take(&job->slot, srv.ctx, job->owner, user_docs_max, NULL);
  if (st == DOCTAG_ERATE) {
    reply_busy(&job->reply);
    return false;
  }
  if (st) {
    static int64_t logged;
    if (srv_once_a_minute(&logged))
      kore_log(LOG_WARNING, "doctag: documents in flight counted in this server only: %s",
               doctag_error_last()->message);
  }
  return true;
}

/* Document work runs at a lower priority: the event loop, which answers
 * /api/status and wakes requests, must win the CPU over OCR. Linux keeps
 * the nice value per thread, and the page threads a processing call starts
 * inherit it. */
#define HEAVY_NICE 10

static void pool_run(gpointer item, gpointer pool_id)
{
  srv_job *job = item;
  if (job->admit) {
    job->admit = false;
    if (admit(job)) {
      g_thread_pool_push(pools[SRV_POOL_HEAVY], job, NULL);
      return;
    }
    owner_done(job);
    kore_task_set_result(&job->task, KORE_RESULT_OK);
    kore_task_finish(&job->task);
    return;
  }
  static _Thread_local bool niced;
  if (GPOINTER_TO_INT(pool_id) == SRV_POOL_HEAVY && !niced) {
    niced = true;
    if (setpriority(PRIO_PROCESS, 0, HEAVY_NICE) != 0)
      kore_log(LOG_NOTICE, "doctag: setpriority: %s", g_strerror(errno));
  }
  kore_task_set_state(&job->task, KORE_TASK_STATE_RUNNING);
  job->fn(job->data, &job->reply);
  owner_done(job);
  kore_task_set_result(&job->task, KORE_RESULT_OK);
  /* Closes the write end: the event loop sees it and wakes the request.
   * The job must not be touched after this. */
  kore_task_finish(&job->task);
}

void srv_tasks_init(unsigned int quick_threads, unsigned int heavy_threads)
{
  GError *err = NULL;
  owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const char *cap = getenv("DOCTAG_USER_MAX_DOCS");
  if (cap && *cap) {
    char *end = NULL;
    unsigned long v = strtoul(cap, &end, 10);
    if (*end || v == 0 || v > 100000)
      kore_log(LOG_ERR, "doctag: DOCTAG_USER_MAX_DOCS=%s is not a number from 1 to 100000; using %u", cap,
               user_docs_max);
    else
      user_docs_max = (unsigned int)v;
  }
  pools[SRV_POOL_QUICK] = g_thread_pool_new(pool_run, GINT_TO_POINTER(SRV_POOL_QUICK), (gint)MAX(quick_threads, 1),
                                            FALSE, &err);
  if (!pools[SRV_POOL_QUICK])
    fatal("doctag: cannot create the task pool: %s", err->message);
  pools[SRV_POOL_HEAVY] = g_thread_pool_new(pool_run, GINT_TO_POINTER(SRV_POOL_HEAVY), (gint)MAX(heavy_threads, 1),
                                            FALSE, &err);
  if (!pools[SRV_POOL_HEAVY])
    fatal("doctag: cannot create the task pool: %s", err->message);
  g_thread_pool_set_sort_function(pools[SRV_POOL_HEAVY], by_rank, NULL);
  /* As many as the cores: the library caps hashes machine-wide at that
   * (auth/throttle.h); a login flood queues here while QUICK answers. */
  pools[SRV_POOL_HASH] = g_thread_pool_new(pool_run, GINT_TO_POINTER(SRV_POOL_HASH),
                                           (gint)MAX(1, g_get_num_processors()), FALSE, &err);
  if (!pools[SRV_POOL_HASH])
    fatal("doctag: cannot create the task pool: %s", err->message);
}

/* Runs in http_request_free(), which kore calls a first time while a task
 * may still be running (it then keeps the request) and again once the task
 * has finished. Only free what the task uses once it is done. */
static void job_onfree(struct http_request *req)
{
  srv_job *job = req->hdlr_extra;
  if (!job)
    return;
  if (job->started && kore_task_state(&job->task) != KORE_TASK_STATE_FINISHED)
    return;
  if (job->data_free && job->data)
    job->data_free(job->data);
  job->data = NULL;
  g_free(job->owner);
  job->owner = NULL;
  srv_reply_clear(&job->reply);
  /* kore_free(req->hdlr_extra) follows in http_request_free(). */
}

static int push(struct http_request *req, srv_pool pool, srv_work_fn fn, void *data, GDestroyNotify data_free,
                const char *owner, guint64 rank, guint64 seq, bool shared)
{
  srv_job *job = kore_calloc(1, sizeof *job);
  job->shared = shared;
  job->admit = owner && pool == SRV_POOL_HEAVY;
  job->fn = fn;
  job->data = data;
  job->data_free = data_free;
  job->entry_us = srv_request_entry();
  job->owner = g_strdup(owner);
  job->rank = rank;
  job->seq = seq;
  req->hdlr_extra = job;
  req->onfree = job_onfree;

  kore_task_create(&job->task, NULL);
  kore_task_bind_request(&job->task, req);
  /* What kore_task_run() does, minus the choice of thread. */
  kore_platform_schedule_read(job->task.fds[0], &job->task);
  job->started = true;
  g_thread_pool_push(pools[job->admit ? SRV_POOL_QUICK : pool], job, NULL);
  return KORE_RESULT_RETRY;
}

int srv_async(struct http_request *req, srv_pool pool, srv_work_fn fn, void *data, GDestroyNotify data_free)
{
  return push(req, pool, fn, data, data_free, NULL, 0, 0, false);
}

int srv_async_owned(struct http_request *req, srv_pool pool, const char *owner, srv_work_fn fn, void *data,
                    GDestroyNotify data_free)
{
  if (!owner)
    return push(req, pool, fn, data, data_free, NULL, 0, 0, false);
  srv_inflight taken = srv_inflight_take(owner, user_docs_max, NULL);
  g_mutex_lock(&owners_lock);
  guint n = GPOINTER_TO_UINT(g_hash_table_lookup(owners, owner));
  guint64 seq = arrivals++;
  bool ok = taken == SRV_INFLIGHT_TAKEN || (taken == SRV_INFLIGHT_LOCAL && n < user_docs_max);
  if (ok)
    g_hash_table_insert(owners, g_strdup(owner), GUINT_TO_POINTER(n + 1));
  g_mutex_unlock(&owners_lock);
  if (ok)
    return push(req, pool, fn, data, data_free, owner, n, seq, taken == SRV_INFLIGHT_TAKEN);
  if (data_free && data)
    data_free(data);
  srv_reply r = { 0 };
  reply_busy(&r);
  return srv_send(req, &r);
}

bool srv_resuming(struct http_request *req)
{
  return req->hdlr_extra != NULL;
}

int srv_resume(struct http_request *req)
{
  srv_job *job = req->hdlr_extra;
  if (kore_task_state(&job->task) != KORE_TASK_STATE_FINISHED) {
    http_request_sleep(req);
    return KORE_RESULT_RETRY;
  }
  return srv_send(req, &job->reply);
}

bool srv_async_done(struct http_request *req)
{
  srv_job *job = req->hdlr_extra;
  if (kore_task_state(&job->task) == KORE_TASK_STATE_FINISHED)
    return true;
  http_request_sleep(req);
  return false;
}

gint64 srv_async_started(struct http_request *req)
{
  srv_job *job = req->hdlr_extra;
  return job ? job->entry_us : 0;
}

void *srv_async_data(struct http_request *req)
{
  srv_job *job = req->hdlr_extra;
  return job->data;
}
