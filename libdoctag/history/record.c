/* Recording jobs and documents (history.h). */
#include "history/history.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <jansson.h>
#include <string.h>

static bool known(const char *s, const char *const *set)
{
  for (; s && *set; set++)
    if (!strcmp(s, *set))
      return true;
  return false;
}

static const char *const job_types[] = { "single", "batch", NULL };
static const char *const job_states[] = { "pending", "processing", "paused", "completed", "cancelled", "failed", NULL };
static const char *const doc_states[] = { "pending", "processing", "completed", "failed", NULL };

/* Valid UTF-8 without NUL bytes, at most `cap` bytes cut on a character
 * boundary (cap 0: no cap). g_malloc'd; NULL for NULL. */
static char *clean_text(const char *s, size_t len, size_t cap)
{
  if (!s)
    return NULL;
  /* NUL bytes would end the string early: they become spaces. */
  char *tmp = g_malloc(len + 1);
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  for (size_t i = 0; i < len; i++)
    if (!tmp[i])
      tmp[i] = ' ';
  char *v = g_utf8_make_valid(tmp, (gssize)len);
  g_free(tmp);
  size_t n = strlen(v);
  if (cap && n > cap) {
    size_t cut = cap;
    while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
      cut--;
    v[cut] = '\0';
  }
  return v;
}

static char *clean(const char *s)
{
  return s ? clean_text(s, strlen(s), 0) : NULL;
}

/* A JSON object text without an "api_key" member; NULL stays NULL.
 * Errors: DOCTAG_EINVAL when it is not a JSON object. */
static doctag_status clean_config(const char *config, char **out)
{
  *out = NULL;
  if (!config)
    return DOCTAG_OK;
  json_error_t e;
  json_t *j = json_loads(config, 0, &e);
  if (!json_is_object(j)) {
    json_decref(j);
    return err_set(DOCTAG_EINVAL, "job configuration is not a JSON object: %s", e.text);
  }
  json_object_del(j, "api_key");
  return json_out_take(j, out);
}

/* The parameters of ST_DOC_UPSERT for `d`, owned by `keep`. */
typedef struct doc_params {
  store_param p[17];
  GPtrArray *keep;
} doc_params;

static doctag_status doc_params_make(doc_params *dp, const char *id, const char *job_id, const char *user_id,
                                     const history_doc *d, int64_t now)
{
  dp->keep = g_ptr_array_new_with_free_func(g_free);
  if (!known(d->status, doc_states))
    return err_set(DOCTAG_EINVAL, "document status %s is not one of pending, processing, completed, failed",
                   d->status ? d->status : "(null)");
  if (d->sha256 && (strlen(d->sha256) != 64 || strspn(d->sha256, "0123456789abcdef") != 64))
    return err_set(DOCTAG_EINVAL, "sha256 must be 64 lower-case hex digits");
  json_t *tags = json_array();
  for (size_t i = 0; i < d->tag_count; i++) {
    char *t = clean(d->tags[i]);
    if (t)
      g_strstrip(t);
    if (t && *t)
      json_array_append_new(tags, json_string(t));
    g_free(t);
  }
  char *tags_g = json_out_dump(tags);
  json_decref(tags);
  char *meta = NULL;
  if (d->metadata_json) {
    json_t *m = json_loads(d->metadata_json, 0, NULL);
    if (!json_is_object(m)) {
      json_decref(m);
      g_free(tags_g);
      return err_set(DOCTAG_EINVAL, "processing metadata is not a JSON object");
    }
    meta = json_out_dump(m);
    json_decref(m);
  }
  char *title = clean(d->title), *path = clean(d->file_path), *src = clean(d->file_source_type);
  char *err = clean(d->error_message);
  char *text = d->text ? clean_text(d->text, d->text_len, d->text_cap ? d->text_cap : HISTORY_TEXT_CAP) : NULL;
  char *mime = clean(d->mime_type ? d->mime_type : "application/pdf");
  char *all[] = { tags_g, meta, title, path, src, err, text, mime };
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
    if (all[i])
      g_ptr_array_add(dp->keep, all[i]);
  bool done = !strcmp(d->status, "completed") || !strcmp(d->status, "failed");
  store_param p[] = {
    SP_T(id), SP_T(job_id), SP_T(user_id), SP_I(d->row_index), SP_T(title), SP_T(path), SP_T(src),
    SP_T(d->sha256), d->file_size > 0 ? SP_I(d->file_size) : SP_N, SP_T(mime), SP_T(d->status),
    SP_T(tags_g), SP_T(text), SP_T(meta), SP_T(err), done ? SP_I(now) : SP_N, SP_I(now),
  };
  memcpy(dp->p, p, sizeof p);
  return DOCTAG_OK;
}

/* Inserts or updates the document and moves its job's counters by the
 * change of that row's status (a row recorded again is not counted twice),
 * on `c` inside a transaction. *doc_id gets the effective id. */
static doctag_status doc_write(store_conn *c, const char *job_id, const char *user_id, const history_doc *d,
                               int64_t now, char **doc_id)
{
  char *id = store_uuid_new(), *before = NULL, *before_sha = NULL;
  doc_params dp;
  doctag_status st = doc_params_make(&dp, id, job_id, user_id, d, now);
  store_rows rows = { 0 };
  if (st == DOCTAG_OK) {
    store_param p[] = { SP_T(job_id), SP_I(d->row_index) };
    st = store_exec(c, ST_DOC_ROW_STATUS, p, 2, &rows);
    before = g_strdup(store_cell(&rows, 0, 0));
    before_sha = g_strdup(store_cell(&rows, 0, 1));
    store_rows_clear(&rows);
  }
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_DOC_UPSERT, dp.p, G_N_ELEMENTS(dp.p), &rows);
  if (st == DOCTAG_OK && rows.nrows != 1)
    st = err_set(DOCTAG_ENOTFOUND, "Job not found");
  if (st == DOCTAG_OK && doc_id)
    *doc_id = g_strdup(store_cell(&rows, 0, 0));
  store_rows_clear(&rows);
  g_ptr_array_free(dp.keep, TRUE);
  g_free(id);
  if (st == DOCTAG_OK) {
    int dp_ok = !strcmp(d->status, "completed") - (before && !strcmp(before, "completed"));
    int dp_bad = !strcmp(d->status, "failed") - (before && !strcmp(before, "failed"));
    if (dp_ok || dp_bad) {
      store_param p[] = { SP_T(job_id), SP_I(dp_ok), SP_I(dp_bad), SP_I(now) };
      st = store_exec(c, ST_JOB_BUMP, p, 4, NULL);
    }
  }
  /* the owner's document frequencies follow the completed documents */
  bool was = before && !strcmp(before, "completed") && before_sha;
  bool now_done = !strcmp(d->status, "completed") && d->sha256;
  bool gone = was && (!now_done || strcmp(before_sha, d->sha256));
  if (st == DOCTAG_OK && now_done && gone)
    st = history_df_lock_pair(c, user_id, d->sha256, before_sha);
  if (st == DOCTAG_OK && now_done)
    st = history_df_count(c, user_id, d->sha256, d->terms, d->term_count);
  if (st == DOCTAG_OK && gone)
    st = history_df_uncount(c, user_id, before_sha);
  g_free(before);
  g_free(before_sha);
  return st;
}

doctag_status history_record_single(doctag_ctx *ctx, const char *user_id, const char *config_json,
                                    const history_doc *doc, int64_t started_us, char **job_id, char **doc_id)
{
  if (job_id)
    *job_id = NULL;
  if (doc_id)
    *doc_id = NULL;
  if (!doc || !known(doc->status, doc_states))
    return err_set(DOCTAG_EINVAL, "history: a document with a status is required");
  if (!store_uuid_valid(user_id))
    return err_set(DOCTAG_ENOTFOUND, "User not found");
  char *config = NULL;
  doctag_status st = clean_config(config_json, &config);
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK) {
    g_free(config);
    return st;
  }
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK) {
    g_free(config);
    return st;
  }
  int64_t now = store_now_us();
  if (started_us <= 0 || started_us > now)
    started_us = now;
  /* The job mirrors its one document. */
  const char *jstatus = !strcmp(doc->status, "completed") || !strcmp(doc->status, "failed") ? doc->status
                                                                                              : "processing";
  bool final = strcmp(jstatus, "processing") != 0;
  char *jid = store_uuid_new(), *did = NULL, *err = clean(doc->error_message);
  store_param p[] = {
    SP_T(jid), SP_T(user_id), SP_T("single"), SP_T(jstatus), SP_I(1), SP_T(config), SP_I(started_us),
    SP_I(started_us), final ? SP_I(now) : SP_N, !strcmp(jstatus, "failed") ? SP_T(err) : SP_N,
  };
  st = store_tx_begin(c);
  if (st == DOCTAG_OK) {
    st = store_exec(c, ST_JOB_INSERT, p, G_N_ELEMENTS(p), NULL);
    if (st == DOCTAG_ENOTFOUND)
      st = err_set(DOCTAG_ENOTFOUND, "User not found");
    if (st == DOCTAG_OK)
      st = doc_write(c, jid, user_id, doc, now, &did);
    st = store_tx_end(c, st);
  }
  store_release(s, c);
  g_free(config);
  g_free(err);
  if (st != DOCTAG_OK) {
    g_free(jid);
    g_free(did);
    return st;
  }
  if (job_id)
    *job_id = jid;
  else
    g_free(jid);
  if (doc_id)
    *doc_id = did;
  else
    g_free(did);
  return DOCTAG_OK;
}

doctag_status history_job_create(doctag_ctx *ctx, const char *user_id, const char *job_id, const char *job_type,
                                 const char *config_json, uint64_t total, char **out_id)
{
  if (out_id)
    *out_id = NULL;
  if (!known(job_type, job_types))
    return err_set(DOCTAG_EINVAL, "job_type must be single or batch");
  if (job_id && !store_uuid_valid(job_id))
    return err_set(DOCTAG_EINVAL, "job id %s is not a UUID", job_id);
  if (!store_uuid_valid(user_id))
    return err_set(DOCTAG_ENOTFOUND, "User not found");
  char *config = NULL;
  doctag_status st = clean_config(config_json, &config);
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK) {
    g_free(config);
    return st;
  }
  char *id = job_id ? g_ascii_strdown(job_id, -1) : store_uuid_new();
  store_param p[] = {
    SP_T(id), SP_T(user_id), SP_T(job_type), SP_T("pending"), SP_I(total), SP_T(config),
    SP_I(store_now_us()), SP_N, SP_N, SP_N,
  };
  st = store_query(s, ST_JOB_INSERT, p, G_N_ELEMENTS(p), NULL);
  if (st == DOCTAG_EEXISTS)
    st = err_set(DOCTAG_EEXISTS, "Job %s already exists", id);
  else if (st == DOCTAG_ENOTFOUND)
    st = err_set(DOCTAG_ENOTFOUND, "User not found");
  g_free(config);
  if (st == DOCTAG_OK && out_id)
    *out_id = id;
  else
    g_free(id);
  return st;
}

doctag_status history_job_set_status(doctag_ctx *ctx, const char *job_id, const char *status,
                                     const char *error_message)
{
  if (!known(status, job_states))
    return err_set(DOCTAG_EINVAL, "job status %s is not known", status ? status : "(null)");
  if (!store_uuid_valid(job_id))
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  char *err = clean(error_message);
  store_rows rows;
  store_param p[] = { SP_T(job_id), SP_T(status), SP_T(err), SP_I(store_now_us()) };
  st = store_query(s, ST_JOB_STATUS, p, 4, &rows);
  if (st == DOCTAG_OK && rows.changes == 0)
    st = err_set(DOCTAG_ENOTFOUND, "Job not found");
  store_rows_clear(&rows);
  g_free(err);
  return st;
}

doctag_status history_document_record_on(struct store_conn *c, const char *user_id, const char *job_id,
                                         const history_doc *doc, char **doc_id)
{
  if (doc_id)
    *doc_id = NULL;
  if (!doc)
    return err_set(DOCTAG_EINVAL, "history: no document");
  if (!store_uuid_valid(job_id) || !store_uuid_valid(user_id))
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  /* The job must be this user's: the foreign key alone would accept
   * another user's job. */
  store_rows rows;
  store_param p[] = { SP_T(job_id), SP_T(user_id) };
  doctag_status st = store_exec(c, ST_JOB_GET, p, 2, &rows);
  if (st == DOCTAG_OK && !rows.nrows)
    st = err_set(DOCTAG_ENOTFOUND, "Job not found");
  store_rows_clear(&rows);
  if (st == DOCTAG_OK)
    st = doc_write(c, job_id, user_id, doc, store_now_us(), doc_id);
  if (st != DOCTAG_OK && doc_id)
    g_clear_pointer(doc_id, g_free);
  return st;
}

doctag_status history_document_record(doctag_ctx *ctx, const char *user_id, const char *job_id,
                                      const history_doc *doc, char **doc_id)
{
  if (doc_id)
    *doc_id = NULL;
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK)
    return st;
  if ((st = store_tx_begin(c)) == DOCTAG_OK) {
    st = history_document_record_on(c, user_id, job_id, doc, doc_id);
    st = store_tx_end(c, st);
  }
  store_release(s, c);
  if (st != DOCTAG_OK && doc_id)
    g_clear_pointer(doc_id, g_free);
  return st;
}
