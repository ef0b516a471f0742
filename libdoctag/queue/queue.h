/* Internal: the batch queue. Items (one per row), job state (status,
 * counts, the sequence counter of events) and the event log of batch jobs,
 * behind one vtable:
 *  - local (queue/local.c): tables in the store's database, items claimed
 *    with a lease, so worker processes on one machine share the work;
 *  - redis (queue/redis.c): the seed's keys (hash job:{id}, list
 *    job:{id}:results, channel job:{id}:progress, 24 h expiry); items wait
 *    in a list per user and, once claimed, are entries of a Redis Stream
 *    read by a consumer group.
 * Both hand items out fairly between users: the next claim goes to the
 * user with the fewest items in flight.
 * The database (history) stays the system of record; jobs/ keeps it in step.
 *
 * Every state change that sends an event does both atomically: the backend
 * numbers the event (seq = previous + 1) and fills in the counts it holds.
 * Events are given as templates in which the backend replaces
 *   %{seq} %{done} %{processed} %{failed} %{total} %{progress} %{elapsed}
 * with the job's values after the change (progress = done/total as a JSON
 * number; elapsed = seconds since the job started, two decimals).
 *
 * Thread-safe: the queue object is shared by the context's threads; backends
 * keep a connection per call or a locked pool. */
#ifndef DOCTAG_QUEUE_H
#define DOCTAG_QUEUE_H

#include "core/ctx.h"
#include "doctag/jobs.h"
#include <glib.h>

typedef struct queue queue;
struct store_conn;

/* Records a finished item in history and makes its result JSON and event
 * template (g_malloc'd): on `c` inside the queue's transaction, or (c NULL)
 * in a transaction of its own. */
typedef doctag_status (*queue_record_fn)(struct store_conn *c, void *ud, char **result_json, char **event);

/* A job as the queue knows it. Strings g_malloc'd (queue_job_clear()). */
typedef struct queue_job {
  char *id;
  char *user_id;
  doctag_job_state state;
  uint64_t total, done, processed, failed;
  uint64_t seq;          /* last event's sequence number */
  char *config_json;     /* tagging configuration, without the key */
  char *secret;          /* the request's LLM key, or NULL; dropped when the job ends */
  char *error;           /* failed jobs */
  int64_t created_us, started_us, finished_us;
} queue_job;

/* A claimed item. */
typedef struct queue_item {
  char *job_id;
  uint64_t row;
  char *payload;         /* the row as a JSON object (our field names) */
  char *token;           /* backend's handle: stream entry id, lease owner */
  unsigned int attempts; /* times it was claimed, this one included */
} queue_item;

/* A stored event. */
typedef struct queue_event {
  uint64_t seq;
  char *json;
} queue_event;

/* What finishing an item did. */
typedef enum queue_finish_outcome {
  QF_RECORDED = 0,  /* counted, event sent */
  QF_DUPLICATE,     /* the row was already finished: nothing changed */
  QF_COMPLETED,     /* counted, and it was the last row: job completed */
  QF_AFTER_END      /* counted, but the job had already ended (cancelled): no event */
} queue_finish_outcome;

/* What claiming found. */
typedef enum queue_claim_outcome {
  QC_NONE = 0,      /* nothing runnable */
  QC_ITEM,          /* *item filled */
} queue_claim_outcome;

typedef struct queue_ops {
  const char *name;   /* "local", "redis" */
  void (*close)(queue *q);

  /* Creates job `job` (state pending, counts 0) with one item per payload.
   * DOCTAG_EEXISTS when the id is in use. */
  doctag_status (*job_create)(queue *q, const queue_job *job, GPtrArray *payloads);

  /* Reads a job. DOCTAG_ENOTFOUND when the queue does not have it (never
   * created here, or expired). */
  doctag_status (*job_get)(queue *q, const char *job_id, queue_job *out);

  /* If the job's state is in `from` (a bit per doctag_job_state), moves it
   * to `to` (with `error` as its reason when not NULL), sends `event` (a
   * template; NULL: none) and fills *out (may be NULL) with the job after
   * the change. Resuming puts parked items back;
   * an ending state drops the secret. DOCTAG_ECONFLICT (message: the
   * current state's name) when not in `from`; DOCTAG_ENOTFOUND. */
  doctag_status (*job_transition)(queue *q, const char *job_id, unsigned int from, doctag_job_state to,
                                  const char *error, const char *event, queue_job *out);

  /* Appends an event (template) to a job's log. *seq (may be NULL) gets its number. */
  doctag_status (*event_append)(queue *q, const char *job_id, const char *event, uint64_t *seq);

  /* Claims the next item of a runnable job (pending or processing; a
   * pending job becomes processing, *started then true), or an item whose
   * lease ran out. Leases: the local queue keeps the claimer's lease_sec per
   * item; Redis takes over an entry idle (no renew) longer than the
   * claiming worker's lease_sec. Workers sharing a queue use one lease. Waits up to wait_ms for one. Items of paused jobs are set
   * aside until resume; items of ended jobs and finished rows are dropped.
   * In the same step sends the item's "processing" event, the template that
   * processing_event(item, ud) returns (g_malloc'd; NULL: none).
   * *outcome QC_NONE: nothing was runnable. */
  doctag_status (*claim)(queue *q, const char *worker, unsigned int lease_sec, int wait_ms,
                         char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                         queue_item *item, bool *started, queue_claim_outcome *outcome);

  /* Extends the lease of an item being processed. */
  doctag_status (*renew)(queue *q, const queue_item *item, const char *worker, unsigned int lease_sec);

  /* Gives an unfinished item back, to be claimed again at once. */
  doctag_status (*release)(queue *q, const queue_item *item, const char *worker);

  /* Optional (NULL: the queue keeps no per-worker state). Forgets what the
   * queue keeps about workers holding no item: `leaving` (a worker that is
   * stopping; may be NULL) and any worker not heard from for idle_ms (one
   * that died). */
  doctag_status (*forget_workers)(queue *q, const char *leaving, unsigned int idle_ms);

  /* Records an item's outcome, once per row whatever happens: counts it,
   * appends `result_json` to the job's results, sends `event` (template),
   * and completes the job with `completed_event` (template) when it was the
   * last row; then acknowledges the item. */
  doctag_status (*finish)(queue *q, const queue_item *item, bool ok, const char *result_json,
                          const char *event, const char *completed_event, queue_finish_outcome *outcome);

  /* Optional (NULL: record(NULL, ...), then finish()). Records the item
   * with `record` and finishes it with what record made, in one
   * transaction when the queue lives in the store's database (one commit per
   * document instead of two). A duplicate (QF_DUPLICATE) undoes the
   * recording: the first one stands. */
  doctag_status (*record_finish)(queue *q, const queue_item *item, bool ok, queue_record_fn record, void *ud,
                                 const char *completed_event, queue_finish_outcome *outcome);

  /* Events with seq > after, at most max (0: all), in order; appends
   * queue_event* to out (free with queue_event_free). */
  doctag_status (*events_read)(queue *q, const char *job_id, uint64_t after, size_t max, GPtrArray *out);

  /* Waits until the job has an event with seq > after, or timeout_ms. */
  doctag_status (*events_wait)(queue *q, const char *job_id, uint64_t after, int timeout_ms);

  /* The job and its results (as job_get() and results()) as of one moment:
   * every result's event has seq <= out->seq, and every event up to it whose
   * row finished is among the results, so a follower that shows these
   * results and then reads events after out->seq sees each row once. */
  doctag_status (*job_snapshot)(queue *q, const char *job_id, queue_job *out, GPtrArray *results);

  /* The results so far (JSON texts, in finishing order), appended to out (g_free). */
  doctag_status (*results)(queue *q, const char *job_id, GPtrArray *out);

  /* job_snapshot() without the results' texts, for reading them a page at
   * a time with results_range(): the job and, as of the same moment, how
   * many results it has (*count). Both backends keep results in finishing
   * order (Redis a list, local rows numbered 1..done), so the snapshot's
   * are the first *count; results that finish later are never in a range. */
  doctag_status (*job_snapshot_order)(queue *q, const char *job_id, queue_job *out, uint64_t *count);

  /* Results [from, end) of such a snapshot, in finishing order, appended
   * to out (g_free); from < end <= the snapshot's count (queue_results_range
   * clamps the caller's page to it). Fewer when the job was deleted
   * meanwhile. */
  doctag_status (*results_range)(queue *q, const char *job_id, uint64_t from, uint64_t end, GPtrArray *out);

  /* The user's processing and paused jobs, newest first: queue_job* appended to out. */
  doctag_status (*active)(queue *q, const char *user_id, GPtrArray *out);

  /* Places among the documents a user has in flight in every process that
   * shares this queue (jobs/slots.c). slot_take takes place `slot` (an id
   * of its own, held by process `holder`) for `user` unless `max` places
   * whose leases have not run out are held already: *taken says whether it
   * did, *held (may be NULL) the user's places after the call. The lease
   * runs lease_ms; slot_renew extends it for each of `slots` (user, slot,
   * user, slot... as char*) and appends to `lost` (char*, owned) those no
   * longer there (their lease ran out and a take dropped them); slot_give
   * frees one. */
  doctag_status (*slot_take)(queue *q, const char *holder, const char *slot, const char *user, unsigned int max,
                             unsigned int lease_ms, bool *taken, unsigned int *held);
  doctag_status (*slot_renew)(queue *q, GPtrArray *slots, unsigned int lease_ms, GPtrArray *lost);
  doctag_status (*slot_give)(queue *q, const char *user, const char *slot);
  /* The places' lease every process on this queue uses, recorded beside
   * them: records lease_ms unless a process using another one renewed its
   * record within that one's lease; a record of lease_ms is renewed for
   * lease_ms. *in_force gets the lease recorded after the call (lease_ms
   * unless another one holds). */
  doctag_status (*slot_lease)(queue *q, unsigned int lease_ms, unsigned int *in_force);
} queue_ops;

struct queue {
  const queue_ops *ops;
  doctag_ctx *ctx;
  void *impl;
};

/* The only way callers reach a queue: one function per entry of the
 * vtable above, doing what that entry says (code outside queue/ never calls
 * q->ops). */
const char *queue_backend_name(const queue *q);   /* ops->name; static */
doctag_status queue_job_create(queue *q, const queue_job *job, GPtrArray *payloads);
doctag_status queue_job_get(queue *q, const char *job_id, queue_job *out);
doctag_status queue_job_transition(queue *q, const char *job_id, unsigned int from, doctag_job_state to,
                                   const char *error, const char *event, queue_job *out);
doctag_status queue_event_append(queue *q, const char *job_id, const char *event, uint64_t *seq);
doctag_status queue_claim(queue *q, const char *worker, unsigned int lease_sec, int wait_ms,
                          char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                          queue_item *item, bool *started, queue_claim_outcome *outcome);
doctag_status queue_renew(queue *q, const queue_item *item, const char *worker, unsigned int lease_sec);
doctag_status queue_release(queue *q, const queue_item *item, const char *worker);
/* DOCTAG_OK at once when the backend keeps no per-worker state. */
doctag_status queue_forget_workers(queue *q, const char *leaving, unsigned int idle_ms);
doctag_status queue_finish(queue *q, const queue_item *item, bool ok, const char *result_json, const char *event,
                           const char *completed_event, queue_finish_outcome *outcome);
doctag_status queue_events_read(queue *q, const char *job_id, uint64_t after, size_t max, GPtrArray *out);
doctag_status queue_events_wait(queue *q, const char *job_id, uint64_t after, int timeout_ms);
doctag_status queue_job_snapshot(queue *q, const char *job_id, queue_job *out, GPtrArray *results);
doctag_status queue_results(queue *q, const char *job_id, GPtrArray *out);
doctag_status queue_job_snapshot_order(queue *q, const char *job_id, queue_job *out, uint64_t *count);
doctag_status queue_results_range(queue *q, const char *job_id, uint64_t count, uint64_t from,
                                  size_t n, GPtrArray *out);
doctag_status queue_active(queue *q, const char *user_id, GPtrArray *out);
doctag_status queue_slot_take(queue *q, const char *holder, const char *slot, const char *user, unsigned int max,
                              unsigned int lease_ms, bool *taken, unsigned int *held);
doctag_status queue_slot_renew(queue *q, GPtrArray *slots, unsigned int lease_ms, GPtrArray *lost);
doctag_status queue_slot_give(queue *q, const char *user, const char *slot);
doctag_status queue_slot_lease(queue *q, unsigned int lease_ms, unsigned int *in_force);

/* record_finish when the backend has it, else record(NULL) then finish. */
doctag_status queue_record_finish(queue *q, const queue_item *item, bool ok, queue_record_fn record, void *ud,
                                  const char *completed_event, queue_finish_outcome *outcome);

extern const queue_ops queue_local_ops;
extern const queue_ops queue_redis_ops;

/* The context's queue (local, or Redis when DOCTAG_REDIS_URL is set), opened
 * on first use. Borrowed: valid until doctag_ctx_free(). */
doctag_status queue_get(doctag_ctx *ctx, queue **out);

/* Opens local or Redis queue explicitly (tests). */
doctag_status queue_open_local(doctag_ctx *ctx, queue **out);
doctag_status queue_open_redis(doctag_ctx *ctx, const char *url, queue **out);
void queue_close(queue *q);

/* Bit of a state in a `from` mask. */
#define QS(state) (1u << (state))

/* Fills an event template (see above); newly allocated. */
typedef struct queue_vars {
  uint64_t seq, done, processed, failed, total;
  double elapsed;
} queue_vars;
char *queue_render(const char *tmpl, const queue_vars *v);

void queue_job_clear(queue_job *j);
void queue_job_free(queue_job *j);
void queue_item_clear(queue_item *it);
void queue_event_free(queue_event *e);

/* "pending" ... and back; -1 for an unknown name. */
const char *queue_state_name(doctag_job_state s);
int queue_state_parse(const char *name);
bool queue_state_final(doctag_job_state s);

#endif
