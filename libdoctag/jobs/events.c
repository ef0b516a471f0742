/* Job events: their JSON (the WebSocket messages of CONTRACT.md, each with
 * "seq"), built as templates the queue numbers and fills atomically with the
 * change that causes them; reading them back (poll and subscription). */
#include "jobs/jobs.h"
#include "core/error.h"

#include <string.h>

/* {"seq":%{seq},<prefix fields>,<rest of obj>} from a compact object text. */
static char *template_from(const char *prefix, const char *obj_json)
{
  char *safe = jobs_json_template_safe(obj_json);
  const char *rest = safe + 1;   /* after '{' */
  char *t = g_strdup_printf("{\"seq\":%%{seq},%s%s%s", prefix, *rest == '}' ? "" : ",", rest);
  g_free(safe);
  return t;
}

char *events_processing(const char *job_id, size_t row, const char *title)
{
  json_t *o = json_object();
  json_object_set_new(o, "type", json_string("progress"));
  json_object_set_new(o, "job_id", json_string(job_id));
  json_object_set_new(o, "row_id", json_integer((json_int_t)row));
  json_object_set_new(o, "row_number", json_integer((json_int_t)row + 1));
  json_object_set_new(o, "title", title ? json_string(title) : json_null());
  json_object_set_new(o, "status", json_string("processing"));
  json_object_set_new(o, "tags", json_array());
  json_object_set_new(o, "error", json_null());
  json_object_set_new(o, "model_name", json_null());
  json_object_set_new(o, "metadata", json_null());
  char *s = jobs_json_dump(o);
  json_decref(o);
  char *tpl = template_from("\"progress\":%{progress}", s);
  g_free(s);
  return tpl;
}

/* result_json is a compact object (jobs_record_row's): its members follow
 * "type" and "job_id" as text. Parsing and printing it again cost as much
 * as the rest of a failing row when its title is long (issue 17). */
char *events_row_done(const char *job_id, const char *result_json)
{
  json_t *o = json_pack("{s:s, s:s?}", "type", "progress", "job_id", job_id);
  char *head = jobs_json_dump(o);
  json_decref(o);
  head[strlen(head) - 1] = '\0';   /* without its closing brace */
  const char *rest = result_json && result_json[0] == '{' ? result_json + 1 : "}";
  char *s = g_strconcat(head, *rest == '}' ? "" : ",", rest, NULL);
  g_free(head);
  char *tpl = template_from("\"progress\":%{progress}", s);
  g_free(s);
  return tpl;
}

char *events_state(const char *job_id, const char *type)
{
  return g_strdup_printf("{\"seq\":%%{seq},\"type\":\"%s\",\"job_id\":\"%s\",\"status\":\"%s\","
                         "\"progress\":%%{progress},\"processed_count\":%%{processed},\"failed_count\":%%{failed}}",
                         type, job_id, !strcmp(type, "paused") ? "paused" : "processing");
}

char *events_completed(const char *job_id)
{
  return g_strdup_printf("{\"seq\":%%{seq},\"type\":\"completed\",\"job_id\":\"%s\",\"total_documents\":%%{total},"
                         "\"processed_count\":%%{processed},\"failed_count\":%%{failed},"
                         "\"processing_time\":%%{elapsed},"
                         "\"message\":\"Completed: %%{processed} succeeded, %%{failed} failed\"}",
                         job_id);
}

char *events_cancelled(const char *job_id)
{
  return g_strdup_printf("{\"seq\":%%{seq},\"type\":\"cancelled\",\"job_id\":\"%s\",\"total_documents\":%%{total},"
                         "\"processed_count\":%%{processed},\"failed_count\":%%{failed},"
                         "\"processing_time\":%%{elapsed},"
                         "\"message\":\"Cancelled: %%{done} processed before cancellation\"}",
                         job_id);
}

char *events_error(const char *job_id, const char *message)
{
  json_t *o = json_pack("{s:s, s:s, s:s}", "type", "error", "job_id", job_id, "error", message ? message : "");
  char *s = jobs_json_dump(o);
  json_decref(o);
  char *tpl = template_from("", s);
  g_free(s);
  return tpl;
}

/* ---- the public event API --------------------------------------------- */

typedef struct event_entry {
  doctag_event_info info;
  char *job_id;
  char *type;
  char *json;
} event_entry;

struct doctag_events {
  GPtrArray *items;   /* event_entry* */
};

static void event_entry_free(gpointer p)
{
  event_entry *e = p;
  g_free(e->job_id);
  g_free(e->type);
  g_free(e->json);
  g_free(e);
}

static bool type_terminal(const char *t)
{
  return !strcmp(t, "completed") || !strcmp(t, "cancelled") || !strcmp(t, "error");
}

static event_entry *entry_new(const char *job_id, uint64_t seq, const char *json)
{
  event_entry *e = g_new0(event_entry, 1);
  e->job_id = g_strdup(job_id);
  e->json = g_strdup(json);
  json_t *o = json_loads(json, 0, NULL);
  const char *type = o ? json_string_value(json_object_get(o, "type")) : NULL;
  if (type && !strcmp(type, "progress")) {
    const char *status = json_string_value(json_object_get(o, "status"));
    e->type = g_strdup(status ? status : "progress");
  } else {
    e->type = g_strdup(type ? type : "unknown");
  }
  json_decref(o);
  e->info.version = 1;
  e->info.seq = seq;
  e->info.job_id = e->job_id;
  e->info.type = e->type;
  e->info.json = e->json;
  e->info.terminal = type_terminal(e->type);
  return e;
}

/* For a job the queue no longer has (Redis keys expired): its end, from
 * history, as one event after `after`. */
static doctag_status synthetic_end(const doctag_job *job, uint64_t after, doctag_events *evs)
{
  if (!queue_state_final(job->state))
    return DOCTAG_OK;
  json_t *o = json_object();
  const char *type = job->state == DOCTAG_JOB_FAILED ? "error" : queue_state_name(job->state);
  json_object_set_new(o, "seq", json_integer((json_int_t)after + 1));
  json_object_set_new(o, "type", json_string(type));
  json_object_set_new(o, "job_id", json_string(job->id));
  if (job->state == DOCTAG_JOB_FAILED) {
    json_object_set_new(o, "error", json_string(job->error ? job->error : ""));
  } else {
    json_object_set_new(o, "total_documents", json_integer((json_int_t)job->total));
    json_object_set_new(o, "processed_count", json_integer((json_int_t)job->processed));
    json_object_set_new(o, "failed_count", json_integer((json_int_t)job->failed));
    json_object_set_new(o, "processing_time", json_real(job->processing_time));
    char *msg = job->state == DOCTAG_JOB_COMPLETED
                  ? g_strdup_printf("Completed: %" G_GUINT64_FORMAT " succeeded, %" G_GUINT64_FORMAT " failed",
                                    job->processed, job->failed)
                  : g_strdup_printf("Cancelled: %" G_GUINT64_FORMAT " processed before cancellation",
                                    job->processed + job->failed);
    json_object_set_new(o, "message", json_string(msg));
    g_free(msg);
  }
  char *s = jobs_json_dump(o);
  json_decref(o);
  g_ptr_array_add(evs->items, entry_new(job->id, after + 1, s));
  g_free(s);
  return DOCTAG_OK;
}

static doctag_status poll_events(doctag_ctx *ctx, queue *q, const char *user_id, const char *job_id,
                                 uint64_t after_seq, size_t max, int timeout_ms, doctag_events *evs)
{
  doctag_job *job = NULL;
  doctag_status st = jobs_load(ctx, user_id, job_id, false, &job);
  if (st)
    return st;
  if (job->from_history) {
    /* No event log any more (or never: a single job): only its end can be
     * told. A job still running there has nothing to wait on: wait the
     * timeout out rather than have a follower spin. */
    bool final = queue_state_final(job->state);
    st = final ? synthetic_end(job, after_seq, evs) : DOCTAG_OK;
    doctag_job_free(job);
    if (!final && timeout_ms > 0)
      g_usleep((gulong)MIN(timeout_ms, 5000) * 1000);
    return st;
  }
  doctag_job_free(job);
  GPtrArray *got = g_ptr_array_new_with_free_func((GDestroyNotify)queue_event_free);
  st = queue_events_read(q, job_id, after_seq, max, got);
  if (!st && got->len == 0 && timeout_ms > 0) {
    st = queue_events_wait(q, job_id, after_seq, timeout_ms);
    if (!st)
      st = queue_events_read(q, job_id, after_seq, max, got);
  }
  for (guint i = 0; !st && i < got->len; i++) {
    queue_event *e = g_ptr_array_index(got, i);
    g_ptr_array_add(evs->items, entry_new(job_id, e->seq, e->json));
  }
  g_ptr_array_free(got, TRUE);
  return st;
}

DOCTAG_API doctag_status doctag_job_events_poll(doctag_ctx *ctx, doctag_events **out, const char *user_id,
                                                const char *job_id, uint64_t after_seq, size_t max, int timeout_ms)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx || !user_id || !job_id)
    return err_set(DOCTAG_EINVAL, "ctx, user_id and job_id are required");
  queue *q;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  doctag_events *evs = g_new0(doctag_events, 1);
  evs->items = g_ptr_array_new_with_free_func(event_entry_free);
  st = poll_events(ctx, q, user_id, job_id, after_seq, max, timeout_ms, evs);
  if (st) {
    doctag_events_free(evs);
    return st;
  }
  *out = evs;
  return DOCTAG_OK;
}

DOCTAG_API size_t doctag_events_count(const doctag_events *events)
{
  return events ? events->items->len : 0;
}

DOCTAG_API const doctag_event_info *doctag_events_at(const doctag_events *events, size_t i)
{
  if (!events || i >= events->items->len)
    return NULL;
  return &((event_entry *)g_ptr_array_index(events->items, i))->info;
}

DOCTAG_API void doctag_events_free(doctag_events *events)
{
  if (!events)
    return;
  g_ptr_array_free(events->items, TRUE);
  g_free(events);
}

DOCTAG_API doctag_status doctag_job_events(doctag_ctx *ctx, const char *user_id, const char *job_id,
                                           uint64_t after_seq, doctag_event_cb cb, void *userdata)
{
  err_clear();
  if (!ctx || !user_id || !job_id || !cb)
    return err_set(DOCTAG_EINVAL, "ctx, user_id, job_id and cb are required");
  queue *q;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  uint64_t seen = after_seq;
  int unavailable_ms = 0;
  for (;;) {
    doctag_events evs = { g_ptr_array_new_with_free_func(event_entry_free) };
    st = poll_events(ctx, q, user_id, job_id, seen, 0, 5000, &evs);
    if (st == DOCTAG_EUNAVAILABLE && unavailable_ms < 120000) {
      /* The queue's server is restarting: keep the subscription. */
      g_ptr_array_free(evs.items, TRUE);
      g_usleep(500000);
      unavailable_ms += 500;
      continue;
    }
    if (st) {
      g_ptr_array_free(evs.items, TRUE);
      return st;
    }
    unavailable_ms = 0;
    for (guint i = 0; i < evs.items->len; i++) {
      event_entry *e = g_ptr_array_index(evs.items, i);
      if (e->info.seq <= seen)
        continue;
      seen = e->info.seq;
      if (cb(&e->info, userdata)) {
        g_ptr_array_free(evs.items, TRUE);
        return err_set(DOCTAG_ECANCELLED, "the event callback stopped the subscription");
      }
      if (e->info.terminal) {
        g_ptr_array_free(evs.items, TRUE);
        return DOCTAG_OK;
      }
    }
    g_ptr_array_free(evs.items, TRUE);
  }
}
