/* The queue: backend choice, event templates, small helpers. */
#include "queue/queue.h"
#include "core/error.h"

#include <string.h>

static const char *const state_names[] = { "pending", "processing", "paused", "completed", "cancelled", "failed" };

const char *queue_state_name(doctag_job_state s)
{
  return (unsigned)s < G_N_ELEMENTS(state_names) ? state_names[s] : "unknown";
}

int queue_state_parse(const char *name)
{
  for (size_t i = 0; name && i < G_N_ELEMENTS(state_names); i++)
    if (!strcmp(name, state_names[i]))
      return (int)i;
  return -1;
}

bool queue_state_final(doctag_job_state s)
{
  return s == DOCTAG_JOB_COMPLETED || s == DOCTAG_JOB_CANCELLED || s == DOCTAG_JOB_FAILED;
}

char *queue_render(const char *tmpl, const queue_vars *v)
{
  GString *out = g_string_sized_new(strlen(tmpl) + 32);
  const char *p = tmpl;
  while (*p) {
    const char *m = strstr(p, "%{");
    if (!m) {
      g_string_append(out, p);
      break;
    }
    g_string_append_len(out, p, m - p);
    const char *end = strchr(m, '}');
    if (!end) {
      g_string_append(out, m);
      break;
    }
    size_t n = (size_t)(end - m - 2);
    const char *name = m + 2;
#define IS(s) (n == strlen(s) && !strncmp(name, s, n))
    if (IS("seq"))
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->seq);
    else if (IS("done"))
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->done);
    else if (IS("processed"))
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->processed);
    else if (IS("failed"))
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->failed);
    else if (IS("total"))
      g_string_append_printf(out, "%" G_GUINT64_FORMAT, v->total);
    else if (IS("progress"))
      g_string_append_printf(out, "%.6g", v->total ? (double)v->done / (double)v->total : 0.0);
    else if (IS("elapsed"))
      g_string_append_printf(out, "%.2f", v->elapsed < 0 ? 0.0 : v->elapsed);
    else
      g_string_append_len(out, m, end - m + 1);
#undef IS
    p = end + 1;
  }
  return g_string_free(out, FALSE);
}

void queue_job_clear(queue_job *j)
{
  if (!j)
    return;
  g_free(j->id);
  g_free(j->user_id);
  g_free(j->config_json);
  if (j->secret) {
    explicit_bzero(j->secret, strlen(j->secret));
    g_free(j->secret);
  }
  g_free(j->error);
  memset(j, 0, sizeof *j);
}

void queue_job_free(queue_job *j)
{
  queue_job_clear(j);
  g_free(j);
}

void queue_item_clear(queue_item *it)
{
  if (!it)
    return;
  g_free(it->job_id);
  g_free(it->payload);
  g_free(it->token);
  memset(it, 0, sizeof *it);
}

void queue_event_free(queue_event *e)
{
  if (!e)
    return;
  g_free(e->json);
  g_free(e);
}

void queue_close(queue *q)
{
  if (q)
    q->ops->close(q);
}

static void *queue_create(doctag_ctx *ctx)
{
  queue *q = NULL;
  doctag_status st = ctx->redis_url ? queue_open_redis(ctx, ctx->redis_url, &q) : queue_open_local(ctx, &q);
  return st ? NULL : q;
}

static void queue_destroy(void *obj)
{
  queue_close(obj);
}

doctag_status queue_get(doctag_ctx *ctx, queue **out)
{
  *out = ctx_attach(ctx, "queue", queue_create, queue_destroy);
  if (*out)
    return DOCTAG_OK;
  const doctag_error *e = doctag_error_last();
  return e->code ? e->code : err_set(DOCTAG_EINTERNAL, "the queue could not be opened");
}

const char *queue_backend_name(const queue *q)
{
  return q->ops->name;
}

doctag_status queue_job_create(queue *q, const queue_job *job, GPtrArray *payloads)
{
  return q->ops->job_create(q, job, payloads);
}

doctag_status queue_job_get(queue *q, const char *job_id, queue_job *out)
{
  return q->ops->job_get(q, job_id, out);
}

doctag_status queue_job_transition(queue *q, const char *job_id, unsigned int from, doctag_job_state to,
                                   const char *error, const char *event, queue_job *out)
{
  return q->ops->job_transition(q, job_id, from, to, error, event, out);
}

doctag_status queue_event_append(queue *q, const char *job_id, const char *event, uint64_t *seq)
{
  return q->ops->event_append(q, job_id, event, seq);
}

doctag_status queue_claim(queue *q, const char *worker, unsigned int lease_sec, int wait_ms,
                          char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                          queue_item *item, bool *started, queue_claim_outcome *outcome)
{
  return q->ops->claim(q, worker, lease_sec, wait_ms, processing_event, ud, item, started, outcome);
}

doctag_status queue_renew(queue *q, const queue_item *item, const char *worker, unsigned int lease_sec)
{
  return q->ops->renew(q, item, worker, lease_sec);
}

doctag_status queue_release(queue *q, const queue_item *item, const char *worker)
{
  return q->ops->release(q, item, worker);
}

doctag_status queue_forget_workers(queue *q, const char *leaving, unsigned int idle_ms)
{
  return q->ops->forget_workers ? q->ops->forget_workers(q, leaving, idle_ms) : DOCTAG_OK;
}

doctag_status queue_finish(queue *q, const queue_item *item, bool ok, const char *result_json, const char *event,
                           const char *completed_event, queue_finish_outcome *outcome)
{
  return q->ops->finish(q, item, ok, result_json, event, completed_event, outcome);
}

doctag_status queue_events_read(queue *q, const char *job_id, uint64_t after, size_t max, GPtrArray *out)
{
  return q->ops->events_read(q, job_id, after, max, out);
}

doctag_status queue_events_wait(queue *q, const char *job_id, uint64_t after, int timeout_ms)
{
  return q->ops->events_wait(q, job_id, after, timeout_ms);
}

doctag_status queue_job_snapshot(queue *q, const char *job_id, queue_job *out, GPtrArray *results)
{
  return q->ops->job_snapshot(q, job_id, out, results);
}

doctag_status queue_results(queue *q, const char *job_id, GPtrArray *out)
{
  return q->ops->results(q, job_id, out);
}

doctag_status queue_job_snapshot_order(queue *q, const char *job_id, queue_job *out, uint64_t *count)
{
  return q->ops->job_snapshot_order(q, job_id, out, count);
}

doctag_status queue_results_range(queue *q, const char *job_id, uint64_t count, uint64_t from, size_t n,
                                  GPtrArray *out)
{
  uint64_t end = MIN(count, from + n);
  return from < end ? q->ops->results_range(q, job_id, from, end, out) : DOCTAG_OK;
}

doctag_status queue_active(queue *q, const char *user_id, GPtrArray *out)
{
  return q->ops->active(q, user_id, out);
}

doctag_status queue_slot_take(queue *q, const char *holder, const char *slot, const char *user, unsigned int max,
                              unsigned int lease_ms, bool *taken, unsigned int *held)
{
  return q->ops->slot_take(q, holder, slot, user, max, lease_ms, taken, held);
}

doctag_status queue_slot_renew(queue *q, GPtrArray *slots, unsigned int lease_ms, GPtrArray *lost)
{
  return q->ops->slot_renew(q, slots, lease_ms, lost);
}

doctag_status queue_slot_give(queue *q, const char *user, const char *slot)
{
  return q->ops->slot_give(q, user, slot);
}

doctag_status queue_slot_lease(queue *q, unsigned int lease_ms, unsigned int *in_force)
{
  return q->ops->slot_lease(q, lease_ms, in_force);
}

doctag_status queue_record_finish(queue *q, const queue_item *item, bool ok, queue_record_fn record, void *ud,
                                  const char *completed_event, queue_finish_outcome *outcome)
{
  if (q->ops->record_finish)
    return q->ops->record_finish(q, item, ok, record, ud, completed_event, outcome);
  char *result = NULL, *event = NULL;
  doctag_status st = record(NULL, ud, &result, &event);
  if (!st)
    st = queue_finish(q, item, ok, result, event, completed_event, outcome);
  g_free(result);
  g_free(event);
  return st;
}
