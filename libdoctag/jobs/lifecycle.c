/* Batch jobs: submit, status, pause/resume/cancel (the state machine),
 * active jobs, and the JSON of each. The queue holds a job while it runs
 * (and, with Redis, 24 h after); history holds it for good, so a job the
 * queue no longer has is read from history. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "core/seal.h"
#include "history/history.h"
#include "store/store.h"

#include <math.h>
#include <string.h>

DOCTAG_API const char *doctag_job_state_name(doctag_job_state state)
{
  return queue_state_name(state);
}

DOCTAG_API doctag_status doctag_job_options_init(doctag_job_options *opts, unsigned int version)
{
  err_clear();
  if (!opts)
    return err_set(DOCTAG_EINVAL, "options are NULL");
  if (version == 0 || version > DOCTAG_JOB_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_job_options version %u (this library knows up to %u)", version,
                   DOCTAG_JOB_OPTIONS_VERSION);
  doctag_job_options init = DOCTAG_JOB_OPTIONS_INIT;
  /* An older caller's struct ends before the members appended since. */
  memcpy(opts, &init, version == 1   ? offsetof(doctag_job_options, webhook_url)
                      : version == 2 ? offsetof(doctag_job_options, base_dir)
                                     : sizeof init);
  opts->version = version;
  return DOCTAG_OK;
}

/* ---- snapshots -------------------------------------------------------- */

doctag_job *job_snapshot_new(void)
{
  doctag_job *j = g_new0(doctag_job, 1);
  j->results = g_ptr_array_new_with_free_func((GDestroyNotify)job_result_free);
  return j;
}

void job_result_free(job_result *r)
{
  if (!r)
    return;
  g_free(r->title);
  g_free(r->error);
  g_strfreev(r->tags);
  g_free(r->document_id);
  g_free(r->json);
  g_free(r);
}

job_result *job_result_from_json(const char *json)
{
  json_t *o = json_loads(json, 0, NULL);
  if (!o || !json_is_object(o)) {
    json_decref(o);
    return NULL;
  }
  job_result *r = g_new0(job_result, 1);
  r->row = (size_t)json_integer_value(json_object_get(o, "row_id"));
  const char *status = json_string_value(json_object_get(o, "status"));
  r->ok = status && !strcmp(status, "success");
  r->title = g_strdup(json_string_value(json_object_get(o, "title")));
  r->error = g_strdup(json_string_value(json_object_get(o, "error")));
  r->document_id = g_strdup(json_string_value(json_object_get(o, "document_id")));
  json_t *tags = json_object_get(o, "tags");
  r->tag_count = json_is_array(tags) ? json_array_size(tags) : 0;
  r->tags = g_new0(char *, r->tag_count + 1);
  for (size_t i = 0; i < r->tag_count; i++)
    r->tags[i] = g_strdup(json_string_value(json_array_get(tags, i)) ? json_string_value(json_array_get(tags, i)) : "");
  r->json = g_strdup(json);
  json_decref(o);
  return r;
}

static void snapshot_from_queue(doctag_job *j, const queue_job *qj)
{
  j->id = g_strdup(qj->id);
  j->user_id = g_strdup(qj->user_id);
  j->state = qj->state;
  j->total = qj->total;
  j->processed = qj->processed;
  j->failed = qj->failed;
  j->done = qj->done;
  j->seq = qj->seq;
  j->error = g_strdup(qj->error);
  if (qj->started_us) {
    int64_t end = qj->finished_us ? qj->finished_us : g_get_real_time();
    j->processing_time = (double)(end - qj->started_us) / 1e6;
  }
}

/* A history document row (DOC_COLS) as a result. */
static job_result *result_from_doc(const store_rows *rows, unsigned int i, const char *job_id)
{
  json_t *o = json_object();
  const char *status = store_cell(rows, i, 5);
  bool ok = status && !strcmp(status, "completed");
  json_error_t je;
  json_t *tags = store_cell(rows, i, 6) ? json_loads(store_cell(rows, i, 6), 0, &je) : NULL;
  if (!json_is_array(tags)) {
    json_decref(tags);
    tags = json_array();
  }
  json_object_set_new(o, "row_id", json_integer(i));
  json_object_set_new(o, "row_number", json_integer(i + 1));
  json_object_set_new(o, "title", json_string(store_cell(rows, i, 2) ? store_cell(rows, i, 2) : ""));
  json_object_set_new(o, "status", json_string(ok ? "success" : "failed"));
  json_object_set_new(o, "tags", tags);
  json_object_set_new(o, "error", store_cell(rows, i, 7) ? json_string(store_cell(rows, i, 7)) : json_null());
  json_object_set_new(o, "document_id", json_string(store_cell(rows, i, 0)));
  json_object_set_new(o, "file_path", store_cell(rows, i, 3) ? json_string(store_cell(rows, i, 3)) : json_null());
  (void)job_id;
  char *s = jobs_json_dump(o);
  json_decref(o);
  job_result *r = job_result_from_json(s);
  if (r)
    r->row = i;
  g_free(s);
  return r;
}

static doctag_status load_from_history(doctag_ctx *ctx, const char *user_id, const char *job_id, bool with_results,
                                       doctag_job **out)
{
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st)
    return st;
  store_param p[] = { SP_T(job_id), SP_T(user_id) };
  store_rows rows = { 0 };
  if ((st = store_query(s, ST_JOB_GET, p, 2, &rows)))
    return st;
  if (rows.nrows == 0) {
    store_rows_clear(&rows);
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  }
  /* JOB_COLS = id, job_type, status, total_documents, processed_count,
   * failed_count, started_at, completed_at, created_at; config, error_message */
  doctag_job *j = job_snapshot_new();
  j->from_history = true;
  j->id = g_strdup(store_cell(&rows, 0, 0));
  j->user_id = g_strdup(user_id);
  int state = queue_state_parse(store_cell(&rows, 0, 2));
  j->state = state < 0 ? DOCTAG_JOB_FAILED : (doctag_job_state)state;
  j->total = (uint64_t)store_cell_int(&rows, 0, 3);
  j->processed = (uint64_t)store_cell_int(&rows, 0, 4);
  j->failed = (uint64_t)store_cell_int(&rows, 0, 5);
  j->done = j->processed + j->failed;
  int64_t started = store_cell_int(&rows, 0, 6), completed = store_cell_int(&rows, 0, 7);
  if (started)
    j->processing_time = (double)((completed ? completed : g_get_real_time()) - started) / 1e6;
  j->error = g_strdup(store_cell(&rows, 0, 10));
  store_rows_clear(&rows);
  if (with_results) {
    if ((st = store_query(s, ST_DOC_OF_JOB, p, 2, &rows))) {
      doctag_job_free(j);
      return st;
    }
    for (unsigned int i = 0; i < rows.nrows; i++) {
      job_result *r = result_from_doc(&rows, i, job_id);
      if (r)
        g_ptr_array_add(j->results, r);
    }
    store_rows_clear(&rows);
  }
  *out = j;
  return DOCTAG_OK;
}

/* How a load reads the job from the queue: `read` fills qj (and what
 * else it keeps in ud); `results` converts what it kept into j's results. */
typedef struct queue_read {
  doctag_status (*read)(queue *q, const char *job_id, queue_job *qj, void *ud);
  void (*results)(doctag_job *j, void *ud);
  void *ud;
} queue_read;

/* The job if it is the user's: read from the queue, else from history
 * (results included when with_results). */
static doctag_status load_with(doctag_ctx *ctx, const char *user_id, const char *job_id, bool with_results,
                               const queue_read *how, doctag_job **out)
{
  *out = NULL;
  if (!user_id || !job_id || !store_uuid_valid(job_id))
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  queue *q;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  queue_job qj = { 0 };
  st = how->read(q, job_id, &qj, how->ud);
  if (!st && (!qj.user_id || strcmp(qj.user_id, user_id))) {
    queue_job_clear(&qj);
    st = err_set(DOCTAG_ENOTFOUND, "Job not found");
  } else if (st == DOCTAG_ENOTFOUND) {
    return load_from_history(ctx, user_id, job_id, with_results, out);
  }
  if (st)
    return st;
  doctag_job *j = job_snapshot_new();
  snapshot_from_queue(j, &qj);
  queue_job_clear(&qj);
  if (how->results)
    how->results(j, how->ud);
  *out = j;
  return DOCTAG_OK;
}

static doctag_status read_job(queue *q, const char *job_id, queue_job *qj, void *ud)
{
  (void)ud;
  return queue_job_get(q, job_id, qj);
}

/* With results: the job and its results as of one moment, or a row
 * finishing in between would be both in the results and in the events
 * after the snapshot's seq (a follower would see it twice). */
static doctag_status read_snapshot(queue *q, const char *job_id, queue_job *qj, void *texts)
{
  return queue_job_snapshot(q, job_id, qj, texts);
}

/* Kept as texts: parsing every result of a large job (200 rows of 40 KB
 * titles: 8 MB) cost a status read, polled while the job runs, some 100 ms
 * of CPU for the counts alone; job_results() parses them when asked. */
static void results_from_texts(doctag_job *j, void *texts)
{
  j->texts = g_ptr_array_ref(texts);
}

const GPtrArray *job_results(const doctag_job *job)
{
  doctag_job *j = (doctag_job *)job;   /* the parse is the snapshot's own, once */
  if (g_once_init_enter(&j->parsed)) {
    for (guint i = 0; j->texts && i < j->texts->len; i++) {
      job_result *r = job_result_from_json(g_ptr_array_index(j->texts, i));
      if (r)
        g_ptr_array_add(j->results, r);
    }
    if (j->texts)
      g_ptr_array_unref(j->texts);
    j->texts = NULL;
    g_once_init_leave(&j->parsed, 1);
  }
  return j->results;
}

doctag_status jobs_load(doctag_ctx *ctx, const char *user_id, const char *job_id, bool with_results,
                        doctag_job **out)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
  queue_read how = { with_results ? read_snapshot : read_job, with_results ? results_from_texts : NULL, texts };
  doctag_status st = load_with(ctx, user_id, job_id, with_results, &how, out);
  g_ptr_array_unref(texts);   /* the job may hold it too */
  return st;
}

/* ---- submit ----------------------------------------------------------- */

doctag_status jobs_submit_payloads(doctag_ctx *ctx, char **job_id, const char *user_id, GPtrArray *payloads,
                                   const doctag_job_options *opts)
{
  doctag_job_options defaults = DOCTAG_JOB_OPTIONS_INIT;
  if (!opts)
    opts = &defaults;
  if (opts->version == 0 || opts->version > DOCTAG_JOB_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_job_options version %u", opts->version);
  if (!user_id || !*user_id)
    return err_set(DOCTAG_EINVAL, "user_id is required");
  if (payloads->len == 0)
    return err_set(DOCTAG_EINVAL, "No documents provided");
  if (opts->job_id && !store_uuid_valid(opts->job_id))
    return err_set(DOCTAG_EINVAL, "job_id must be a UUID (got \"%.40s\")", opts->job_id);
  doctag_process_options popts;
  /* Only the fields of the caller's version. */
  process_options_copy(&popts, opts->process);
  doctag_status st = process_options_check(&popts, NULL);
  if (st)
    return st;
  /* strict without a key would fail every row: refuse the job instead */
  const char *key;
  if ((st = process_llm_key(ctx, &popts, &key)))
    return st;
  queue *q;
  if ((st = queue_get(ctx, &q)))
    return st;

  const char *webhook = opts->version >= 2 && opts->webhook_url && *opts->webhook_url ? opts->webhook_url : NULL;
  if (webhook && (st = webhook_check_url(ctx, webhook)))
    return st;

  char *config = process_config_json(&popts);
  char *id = NULL;
  if ((st = history_job_create(ctx, user_id, opts->job_id, "batch", config, payloads->len, &id))) {
    g_free(config);
    return st;
  }
  /* Before the queue has the job, so its end always finds the URL. */
  if (webhook && (st = webhook_subscribe(ctx, id, user_id, webhook))) {
    char *msg = g_strdup(doctag_error_last()->message);
    history_job_set_status(ctx, id, "failed", msg);
    err_set(st, "%s", msg);
    g_free(msg);
    g_free(config);
    g_free(id);
    return st;
  }
  queue_job qj = { 0 };
  qj.id = id;
  qj.user_id = (char *)user_id;
  qj.config_json = config;
  /* The key must survive a restart of the workers but never rest in clear
   * (core/seal.h). */
  if (popts.api_key && *popts.api_key)
    st = seal_text(ctx, popts.api_key, &qj.secret);
  qj.created_us = g_get_real_time();
  if (!st)
    st = queue_job_create(q, &qj, payloads);
  g_free(config);
  g_free(qj.secret);
  if (st) {
    /* History has the job: say why it never ran. */
    char *msg = g_strdup(doctag_error_last()->message);
    history_job_set_status(ctx, id, "failed", msg);
    if (webhook)
      webhook_job_ended(ctx, user_id, id);
    err_set(st, "%s", msg);
    g_free(msg);
    g_free(id);
    return st;
  }
  *job_id = id;
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_job_submit(doctag_ctx *ctx, char **job_id, const char *user_id,
                                           const doctag_row *rows, size_t row_count, const doctag_job_options *opts)
{
  err_clear();
  if (!job_id)
    return err_set(DOCTAG_EINVAL, "job_id is NULL");
  *job_id = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  if (row_count && !rows)
    return err_set(DOCTAG_EINVAL, "rows is NULL");
  const doctag_field *mapping = opts && opts->version ? opts->column_mapping : NULL;
  size_t nmap = opts && opts->version ? opts->column_mapping_count : 0;
  if (nmap && !mapping)
    return err_set(DOCTAG_EINVAL, "column_mapping has a count but no array");
  const char *base;
  doctag_status st = job_base_dir(opts, &base);
  if (st)
    return st;
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < row_count; i++) {
    if (rows[i].field_count && !rows[i].fields) {
      g_ptr_array_free(payloads, TRUE);
      return err_set(DOCTAG_EINVAL, "row %zu has a field count but no fields", i);
    }
    g_ptr_array_add(payloads, job_row_payload(&rows[i], mapping, nmap, base));
  }
  st = jobs_submit_payloads(ctx, job_id, user_id, payloads, opts);
  g_ptr_array_free(payloads, TRUE);
  return st;
}

/* A cell of a request row: strings as they are, numbers as text. */
static char *cell_text(json_t *v)
{
  if (json_is_string(v))
    return g_strdup(json_string_value(v));
  if (json_is_integer(v))
    return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
  if (json_is_real(v))
    return g_strdup_printf("%.17g", json_real_value(v));
  if (json_is_boolean(v))
    return g_strdup(json_is_true(v) ? "true" : "false");
  return NULL;
}

/* The request parsed (borrowed; its rows are released as they are read). */
static doctag_status submit_request(doctag_ctx *ctx, char **response_json, const char *user_id, json_t *body)
{
  doctag_status st = DOCTAG_OK;
  process_config cfg = { 0 };
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  GArray *mapping = g_array_new(FALSE, FALSE, sizeof(doctag_field));
  json_t *docs = json_object_get(body, "documents");
  json_t *map = json_object_get(body, "column_mapping");
  json_t *jid = json_object_get(body, "job_id");
  json_t *hook = json_object_get(body, "webhook_url");
  if (!json_is_array(docs)) {
    st = err_set(DOCTAG_EINVAL, "documents must be a list of objects");
    goto out;
  }
  if (map && !json_is_null(map) && !json_is_object(map)) {
    st = err_set(DOCTAG_EINVAL, "column_mapping must be an object of strings");
    goto out;
  }
  if (jid && !json_is_null(jid) && !json_is_string(jid)) {
    st = err_set(DOCTAG_EINVAL, "job_id must be a string");
    goto out;
  }
  if (hook && !json_is_null(hook) && !json_is_string(hook)) {
    st = err_set(DOCTAG_EINVAL, "webhook_url must be a string");
    goto out;
  }
  if ((st = process_config_parse(json_object_get(body, "config"), "config", &cfg)))
    goto out;
  const char *key;
  json_t *val;
  json_object_foreach(map, key, val) {
    if (!json_is_string(val)) {
      st = err_set(DOCTAG_EINVAL, "column_mapping.%s must be a string", key);
      goto out;
    }
    doctag_field f = { key, json_string_value(val) };
    g_array_append_val(mapping, f);
  }
  for (size_t i = 0; i < json_array_size(docs); i++) {
    json_t *d = json_array_get(docs, i);
    if (!json_is_object(d)) {
      st = err_set(DOCTAG_EINVAL, "documents[%zu] must be an object", i);
      goto out;
    }
    GArray *fields = g_array_new(FALSE, FALSE, sizeof(doctag_field));
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    json_object_foreach(d, key, val) {
      char *t = cell_text(val);
      if (!t)
        continue;
      g_ptr_array_add(texts, t);
      doctag_field f = { key, t };
      g_array_append_val(fields, f);
    }
    doctag_row row = { (const doctag_field *)fields->data, fields->len };
    g_ptr_array_add(payloads, job_row_payload(&row, (const doctag_field *)mapping->data, mapping->len, NULL));
    g_array_free(fields, TRUE);
    g_ptr_array_free(texts, TRUE);
    /* The row is in its payload now: its parsed object goes, so a large
     * batch holds each row once rather than twice. */
    json_array_set_new(docs, i, json_null());
  }
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &cfg.opts;
  jo.job_id = json_is_string(jid) && *json_string_value(jid) ? json_string_value(jid) : NULL;
  jo.webhook_url = json_is_string(hook) ? json_string_value(hook) : NULL;
  char *id = NULL;
  if ((st = jobs_submit_payloads(ctx, &id, user_id, payloads, &jo)))
    goto out;
  char *msg = g_strdup_printf("Started processing of %u documents", payloads->len);
  json_t *resp = json_pack("{s:s, s:I, s:s}", "job_id", id, "total_documents", (json_int_t)payloads->len,
                           "message", msg);
  *response_json = jobs_json_dump(resp);
  json_decref(resp);
  g_free(msg);
  g_free(id);
out:
  process_config_clear(&cfg);
  g_ptr_array_free(payloads, TRUE);
  g_array_free(mapping, TRUE);
  return st;
}

DOCTAG_API doctag_status doctag_job_submit_json(doctag_ctx *ctx, char **response_json, const char *user_id,
                                                const char *request_json)
{
  err_clear();
  if (!response_json)
    return err_set(DOCTAG_EINVAL, "response_json is NULL");
  *response_json = NULL;
  if (!ctx || !request_json)
    return err_set(DOCTAG_EINVAL, "ctx and request_json are required");
  json_error_t je;
  json_t *body = json_loads(request_json, 0, &je);
  if (!body || !json_is_object(body)) {
    json_decref(body);
    return err_set(DOCTAG_EINVAL, "request body is not a JSON object: %s", body ? "not an object" : je.text);
  }
  doctag_status st = submit_request(ctx, response_json, user_id, body);
  json_decref(body);
  return st;
}

DOCTAG_API doctag_status doctag_job_submit_jansson(doctag_ctx *ctx, char **response_json, const char *user_id,
                                                   void *request)
{
  err_clear();
  if (!response_json)
    return err_set(DOCTAG_EINVAL, "response_json is NULL");
  *response_json = NULL;
  if (!ctx || !request)
    return err_set(DOCTAG_EINVAL, "ctx and request are required");
  if (!json_is_object((json_t *)request))
    return err_set(DOCTAG_EINVAL, "request body is not a JSON object: not an object");
  return submit_request(ctx, response_json, user_id, request);
}

/* ---- status ----------------------------------------------------------- */

DOCTAG_API doctag_status doctag_job_status(doctag_ctx *ctx, doctag_job **out, const char *user_id,
                                           const char *job_id)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  return jobs_load(ctx, user_id, job_id, true, out);
}

DOCTAG_API void doctag_job_free(doctag_job *job)
{
  if (!job)
    return;
  g_free(job->id);
  g_free(job->user_id);
  g_free(job->error);
  g_ptr_array_free(job->results, TRUE);
  if (job->texts)
    g_ptr_array_unref(job->texts);
  g_free(job);
}

DOCTAG_API const char *doctag_job_id(const doctag_job *job) { return job ? job->id : NULL; }
DOCTAG_API doctag_job_state doctag_job_get_state(const doctag_job *job) { return job ? job->state : DOCTAG_JOB_FAILED; }
DOCTAG_API size_t doctag_job_total(const doctag_job *job) { return job ? (size_t)job->total : 0; }
DOCTAG_API size_t doctag_job_processed_count(const doctag_job *job) { return job ? (size_t)job->processed : 0; }
DOCTAG_API size_t doctag_job_failed_count(const doctag_job *job) { return job ? (size_t)job->failed : 0; }
DOCTAG_API size_t doctag_job_results_count(const doctag_job *job)
{
  return job ? (size_t)(job->processed + job->failed) : 0;
}
DOCTAG_API double doctag_job_progress(const doctag_job *job)
{
  return job && job->total ? (double)(job->processed + job->failed) / (double)job->total : 0.0;
}
DOCTAG_API uint64_t doctag_job_last_seq(const doctag_job *job) { return job ? job->seq : 0; }
DOCTAG_API const char *doctag_job_error(const doctag_job *job) { return job ? (job->error ? job->error : "") : NULL; }
DOCTAG_API size_t doctag_job_result_count(const doctag_job *job) { return job ? job_results(job)->len : 0; }

static const job_result *result_at(const doctag_job *job, size_t i)
{
  const GPtrArray *results = job ? job_results(job) : NULL;
  return results && i < results->len ? g_ptr_array_index(results, i) : NULL;
}

DOCTAG_API size_t doctag_job_result_row(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? r->row : 0;
}
DOCTAG_API bool doctag_job_result_ok(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r && r->ok;
}
DOCTAG_API const char *doctag_job_result_title(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? (r->title ? r->title : "") : NULL;
}
DOCTAG_API const char *doctag_job_result_error(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? (r->error ? r->error : "") : NULL;
}
DOCTAG_API size_t doctag_job_result_tag_count(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? r->tag_count : 0;
}
DOCTAG_API const char *doctag_job_result_tag_at(const doctag_job *job, size_t i, size_t t)
{
  const job_result *r = result_at(job, i);
  return r && t < r->tag_count ? r->tags[t] : NULL;
}
DOCTAG_API const char *doctag_job_result_document_id(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? (r->document_id ? r->document_id : "") : NULL;
}
DOCTAG_API const char *doctag_job_result_json(const doctag_job *job, size_t i)
{
  const job_result *r = result_at(job, i);
  return r ? r->json : NULL;
}

static double round4(double x)
{
  return round(x * 10000.0) / 10000.0;
}

static json_t *status_object(const doctag_job *job, bool with_results_count)
{
  json_t *o = json_object();
  json_object_set_new(o, "job_id", json_string(job->id));
  json_object_set_new(o, "status", json_string(queue_state_name(job->state)));
  json_object_set_new(o, "progress", json_real(round4(doctag_job_progress(job))));
  json_object_set_new(o, "processed_count", json_integer((json_int_t)job->processed));
  json_object_set_new(o, "failed_count", json_integer((json_int_t)job->failed));
  json_object_set_new(o, "total", json_integer((json_int_t)job->total));
  if (with_results_count)
    json_object_set_new(o, "results_count", json_integer((json_int_t)(job->processed + job->failed)));
  return o;
}

DOCTAG_API doctag_status doctag_job_to_json(const doctag_job *job, char **json)
{
  err_clear();
  if (!job || !json)
    return err_set(DOCTAG_EINVAL, "job and json must not be NULL");
  json_t *o = status_object(job, true);
  *json = jobs_json_dump(o);
  json_decref(o);
  return DOCTAG_OK;
}

/* The catch-up message of a finished job (*whole), else its head: the
 * message up to and with "results":[ (the results and "]}" follow). */
static char *catchup_head(const doctag_job *job, bool *whole)
{
  json_t *o = json_object();
  const char *status = queue_state_name(job->state);
  *whole = queue_state_final(job->state);
  if (*whole) {
    json_object_set_new(o, "type", json_string(status));
    json_object_set_new(o, "job_id", json_string(job->id));
    json_object_set_new(o, "processed_count", json_integer((json_int_t)job->processed));
    json_object_set_new(o, "failed_count", json_integer((json_int_t)job->failed));
    char *msg = g_strdup_printf("Job already %s", status);
    json_object_set_new(o, "message", json_string(msg));
    g_free(msg);
    char *s = jobs_json_dump(o);
    json_decref(o);
    return s;
  }
  json_t *state = json_pack("{s:s, s:I, s:I, s:I, s:f}", "status", status, "total", (json_int_t)job->total,
                            "processed_count", (json_int_t)job->processed, "failed_count",
                            (json_int_t)job->failed, "progress", round4(doctag_job_progress(job)));
  json_object_set_new(o, "type", json_string("catchup"));
  json_object_set_new(o, "job_id", json_string(job->id));
  json_object_set_new(o, "seq", json_integer((json_int_t)job->seq));
  json_object_set_new(o, "state", state);
  /* The results go last, as their own texts: each is already the JSON of
   * one result, so parsing them into one tree and printing it only cost
   * time and memory (for 100,000 rows: several hundred MiB). */
  char *head = jobs_json_dump(o);
  json_decref(o);
  size_t len = strlen(head);
  head[len - 1] = '\0';   /* without its closing brace */
  char *s = g_strconcat(head, ",\"results\":[", NULL);
  g_free(head);
  return s;
}

DOCTAG_API doctag_status doctag_job_catchup_to_json(const doctag_job *job, char **json)
{
  err_clear();
  if (!job || !json)
    return err_set(DOCTAG_EINVAL, "job and json must not be NULL");
  bool whole;
  char *head = catchup_head(job, &whole);
  if (whole) {
    *json = head;
    return DOCTAG_OK;
  }
  const GPtrArray *results = job_results(job);
  size_t need = strlen(head) + 3;
  for (guint i = 0; i < results->len; i++)
    need += strlen(((const job_result *)g_ptr_array_index(results, i))->json) + 1;
  GString *out = g_string_sized_new(need);
  g_string_append(out, head);
  g_free(head);
  for (guint i = 0; i < results->len; i++) {
    if (i)
      g_string_append_c(out, ',');
    g_string_append(out, ((const job_result *)g_ptr_array_index(results, i))->json);
  }
  g_string_append(out, "]}");
  *json = g_string_free(out, FALSE);
  return DOCTAG_OK;
}

/* ---- the catch-up, a piece at a time ---------------------------------- */

#define CATCHUP_PAGE 500

struct doctag_job_catchup {
  doctag_ctx *ctx;
  doctag_job *job;          /* the snapshot; its results only when from history */
  uint64_t count;           /* results in the snapshot */
  uint64_t next;            /* the first not handed out */
  bool started, any, done;
};

/* The job and, as of the same moment, where its results are. */
static doctag_status read_order(queue *q, const char *job_id, queue_job *qj, void *ud)
{
  doctag_job_catchup *cu = ud;
  return queue_job_snapshot_order(q, job_id, qj, &cu->count);
}

DOCTAG_API doctag_status doctag_job_catchup_open(doctag_ctx *ctx, doctag_job_catchup **out, const char *user_id,
                                                 const char *job_id)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  doctag_job_catchup *cu = g_new0(doctag_job_catchup, 1);
  cu->ctx = ctx;
  /* A job the queue forgot (Redis keys expired) comes from history with
   * every result; such a job has ended, so its message is the short one. */
  queue_read how = { read_order, NULL, cu };
  doctag_status st = load_with(ctx, user_id, job_id, true, &how, &cu->job);
  if (st) {
    doctag_job_catchup_free(cu);
    return st;
  }
  if (cu->job->from_history)
    cu->count = job_results(cu->job)->len;
  *out = cu;
  return DOCTAG_OK;
}

DOCTAG_API const doctag_job *doctag_job_catchup_job(const doctag_job_catchup *cu)
{
  return cu ? cu->job : NULL;
}

DOCTAG_API bool doctag_job_catchup_done(const doctag_job_catchup *cu)
{
  return !cu || cu->done;
}

/* Results [cu->next, + max) as texts (g_free). */
static doctag_status catchup_page(doctag_job_catchup *cu, size_t max, GPtrArray *texts)
{
  uint64_t end = MIN(cu->count, cu->next + max);
  if (cu->job->from_history) {
    for (uint64_t i = cu->next; i < end; i++)
      g_ptr_array_add(texts, g_strdup(((const job_result *)g_ptr_array_index(job_results(cu->job), i))->json));
    return DOCTAG_OK;
  }
  queue *q;
  doctag_status st = queue_get(cu->ctx, &q);
  return st ? st : queue_results_range(q, cu->job->id, cu->count, cu->next, max, texts);
}

DOCTAG_API doctag_status doctag_job_catchup_next(doctag_job_catchup *cu, char **json, size_t max_results)
{
  err_clear();
  if (!json)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  *json = NULL;
  if (!cu)
    return err_set(DOCTAG_EINVAL, "cu is NULL");
  if (cu->done)
    return DOCTAG_OK;
  size_t max = max_results ? max_results : CATCHUP_PAGE;
  GString *out = g_string_new(NULL);
  do {
    bool whole = false;
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    /* Read before the head is handed out: a failed read can be retried. */
    doctag_status st = queue_state_final(cu->job->state) ? DOCTAG_OK : catchup_page(cu, max, texts);
    if (st) {
      g_ptr_array_free(texts, TRUE);
      g_string_free(out, TRUE);
      return st;
    }
    if (!cu->started) {
      cu->started = true;
      char *head = catchup_head(cu->job, &whole);
      g_string_append(out, head);
      g_free(head);
    }
    if (whole) {
      cu->done = true;
    } else {
      for (guint i = 0; i < texts->len; i++) {
        if (cu->any)
          g_string_append_c(out, ',');
        g_string_append(out, g_ptr_array_index(texts, i));
        cu->any = true;
      }
      cu->next = MIN(cu->count, cu->next + max);
      if (cu->next >= cu->count) {
        g_string_append(out, "]}");
        cu->done = true;
      }
    }
    g_ptr_array_free(texts, TRUE);
  } while (out->len == 0 && !cu->done);   /* rows deleted meanwhile: read on */
  *json = g_string_free(out, FALSE);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_job_catchup_free(doctag_job_catchup *cu)
{
  if (!cu)
    return;
  doctag_job_free(cu->job);
  g_free(cu);
}

/* ---- commands --------------------------------------------------------- */

static doctag_status command(doctag_ctx *ctx, const char *user_id, const char *job_id, const char *verb,
                             unsigned int from, doctag_job_state to, char *(*event)(const char *job_id))
{
  err_clear();
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  doctag_job *job = NULL;
  doctag_status st = jobs_load(ctx, user_id, job_id, false, &job);
  if (st)
    return st;
  if (job->from_history) {
    st = err_set(DOCTAG_ECONFLICT, "Cannot %s job %s: it is %s", verb, job_id, queue_state_name(job->state));
    doctag_job_free(job);
    return st;
  }
  doctag_job_free(job);
  queue *q;
  if ((st = queue_get(ctx, &q)))
    return st;
  char *tpl = event(job_id);
  st = queue_job_transition(q, job_id, from, to, NULL, tpl, NULL);
  g_free(tpl);
  if (!st && to == DOCTAG_JOB_CANCELLED)
    webhook_job_ended(ctx, user_id, job_id);
  if (st == DOCTAG_ECONFLICT) {
    char *state = g_strdup(doctag_error_last()->message);
    st = err_set(DOCTAG_ECONFLICT, "Cannot %s job %s: it is %s", verb, job_id, state);
    g_free(state);
    return st;
  }
  if (st)
    return st;
  /* History follows; the queue is authoritative while it has the job. */
  if (history_job_set_status(ctx, job_id, queue_state_name(to), NULL))
    g_warning("doctag: job %s: recording '%s' in history failed: %s", job_id, queue_state_name(to),
              doctag_error_last()->message);
  err_clear();
  return DOCTAG_OK;
}

static char *ev_paused(const char *id) { return events_state(id, "paused"); }
static char *ev_resumed(const char *id) { return events_state(id, "resumed"); }

DOCTAG_API doctag_status doctag_job_pause(doctag_ctx *ctx, const char *user_id, const char *job_id)
{
  return command(ctx, user_id, job_id, "pause", QS(DOCTAG_JOB_PENDING) | QS(DOCTAG_JOB_PROCESSING),
                 DOCTAG_JOB_PAUSED, ev_paused);
}

DOCTAG_API doctag_status doctag_job_resume(doctag_ctx *ctx, const char *user_id, const char *job_id)
{
  return command(ctx, user_id, job_id, "resume", QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_PROCESSING, ev_resumed);
}

DOCTAG_API doctag_status doctag_job_cancel(doctag_ctx *ctx, const char *user_id, const char *job_id)
{
  return command(ctx, user_id, job_id, "cancel",
                 QS(DOCTAG_JOB_PENDING) | QS(DOCTAG_JOB_PROCESSING) | QS(DOCTAG_JOB_PAUSED), DOCTAG_JOB_CANCELLED,
                 events_cancelled);
}

/* ---- active jobs ------------------------------------------------------ */

DOCTAG_API doctag_status doctag_jobs_active(doctag_ctx *ctx, doctag_active_jobs **out, const char *user_id)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx || !user_id)
    return err_set(DOCTAG_EINVAL, "ctx and user_id are required");
  queue *q;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  GPtrArray *qjobs = g_ptr_array_new_with_free_func((GDestroyNotify)queue_job_free);
  if ((st = queue_active(q, user_id, qjobs))) {
    g_ptr_array_free(qjobs, TRUE);
    return st;
  }
  doctag_active_jobs *list = g_new0(doctag_active_jobs, 1);
  list->jobs = g_ptr_array_new_with_free_func((GDestroyNotify)doctag_job_free);
  for (guint i = 0; i < qjobs->len; i++) {
    doctag_job *j = job_snapshot_new();
    snapshot_from_queue(j, g_ptr_array_index(qjobs, i));
    g_ptr_array_add(list->jobs, j);
  }
  g_ptr_array_free(qjobs, TRUE);
  *out = list;
  return DOCTAG_OK;
}

DOCTAG_API size_t doctag_active_jobs_count(const doctag_active_jobs *list) { return list ? list->jobs->len : 0; }

DOCTAG_API const doctag_job *doctag_active_jobs_at(const doctag_active_jobs *list, size_t i)
{
  return list && i < list->jobs->len ? g_ptr_array_index(list->jobs, i) : NULL;
}

DOCTAG_API doctag_status doctag_active_jobs_to_json(const doctag_active_jobs *list, char **json)
{
  err_clear();
  if (!list || !json)
    return err_set(DOCTAG_EINVAL, "list and json must not be NULL");
  json_t *arr = json_array();
  for (guint i = 0; i < list->jobs->len; i++)
    json_array_append_new(arr, status_object(g_ptr_array_index(list->jobs, i), false));
  json_t *o = json_object();
  json_object_set_new(o, "jobs", arr);
  *json = jobs_json_dump(o);
  json_decref(o);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_active_jobs_free(doctag_active_jobs *list)
{
  if (!list)
    return;
  g_ptr_array_free(list->jobs, TRUE);
  g_free(list);
}
