/* One row of a batch: fetch the PDF from its source (url, s3, local), keep it
 * in the blob store, process it with the job's configuration, record it in
 * history. Shared by the worker and the legacy synchronous CSV path. */
#include "jobs/jobs.h"
#include "blob/blob.h"
#include "core/error.h"
#include "core/stats.h"
#include "fetch/fetch.h"
#include "history/history.h"
#include "process/process.h"
#include "process/result.h"

#include <math.h>
#include <string.h>

void row_outcome_clear(row_outcome *o)
{
  g_free(o->error);
  g_free(o->title);
  g_free(o->file_path);
  g_free(o->source_type);
  doctag_result_free(o->result);
  memset(o, 0, sizeof *o);
}

static void fail(row_outcome *out, doctag_status code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void fail(row_outcome *out, doctag_status code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  out->ok = false;
  out->code = code;
  g_free(out->error);
  out->error = g_strdup_vprintf(fmt, ap);
  va_end(ap);
}

static void fail_last(row_outcome *out, const char *prefix)
{
  const doctag_error *e = doctag_error_last();
  fail(out, e->code ? e->code : DOCTAG_EINTERNAL, "%s%s", prefix ? prefix : "",
       e->message[0] ? e->message : doctag_status_name(e->code));
}

static char *member(json_t *o, const char *k)
{
  return g_strdup(json_string_value(json_object_get(o, k)));
}

void job_row_read(job_row *r, const char *job_id, uint64_t index, const char *payload)
{
  job_row_clear(r);
  json_t *o = json_loads(payload ? payload : "", 0, NULL);
  r->object = json_is_object(o);
  r->title = member(o, "title");
  r->file_path = member(o, "file_path");
  r->source_type = member(o, "file_source_type");
  r->job_id = g_strdup(job_id);
  r->index = index;
  json_decref(o);
}

void job_row_clear(job_row *r)
{
  g_free(r->title);
  g_free(r->file_path);
  g_free(r->source_type);
  g_free(r->job_id);
  memset(r, 0, sizeof *r);
}

/* An empty member counts as absent. */
static char *given(const char *v)
{
  return v && *v ? g_strdup(v) : NULL;
}

/* The file name for titles: the last path segment without a query. */
static char *name_of(const char *path)
{
  const char *p = path;
  const char *q = strpbrk(p, "?#");
  char *clean = q ? g_strndup(p, (gsize)(q - p)) : g_strdup(p);
  const char *slash = strrchr(clean, '/');
  char *name = g_strdup(slash && slash[1] ? slash + 1 : clean);
  g_free(clean);
  return name;
}

void jobs_process_row(doctag_ctx *ctx, const process_config *cfg, const job_row *row, const char *owner,
                      row_outcome *out)
{
  memset(out, 0, sizeof *out);
  out->file_size = -1;
  if (!row->object) {
    fail(out, DOCTAG_EINVAL, "row is not a JSON object");
    return;
  }
  out->title = given(row->title);
  out->file_path = given(row->file_path);
  out->source_type = row->source_type && *row->source_type ? g_ascii_strdown(row->source_type, -1) : g_strdup("url");
  g_strstrip(out->source_type);
  if (!out->file_path) {
    fail(out, DOCTAG_EINVAL, "file_path is required");
    stats_document(out->source_type, false);
    return;
  }

  err_clear();
  GBytes *bytes = NULL;
  char *file_name = name_of(out->file_path);
  unsigned int timeout = cfg->opts.timeout_sec ? cfg->opts.timeout_sec : ctx->timeout_sec;
  fetch_source src = { FETCH_URL, out->file_path, NULL, 0 };
  doctag_status st = fetch_kind_parse(out->source_type, &src.kind);
  if (st) {
    fail_last(out, NULL);
  } else {
    char *fetched = NULL;
    st = fetch_source_get(ctx, &src, cfg->opts.max_file_bytes, timeout, &bytes, &fetched);
    if (!st && fetched && *fetched) {
      g_free(file_name);
      file_name = fetched;
    } else {
      g_free(fetched);
    }
    /* A URL's failure reads as the single upload's does. */
    if (st && src.kind == FETCH_URL)
      fail_last(out, st == DOCTAG_EURL ? FETCH_URL_REFUSED : "Failed to download PDF from URL: ");
    else if (st)
      fail_last(out, NULL);
  }
  if (st) {
    /* the pipeline counts the rows it gets; these never reach it */
    stats_document(out->source_type, false);
    if (!out->title)
      out->title = file_name;
    else
      g_free(file_name);
    return;
  }

  gsize len = 0;
  const void *data = g_bytes_get_data(bytes, &len);
  out->file_size = (int64_t)len;
  doctag_process_options o = cfg->opts;
  o.file_name = file_name;
  o.user_id = NULL;     /* recorded by the job, as a row of it */
  o.timeout_sec = timeout;
  doctag_result *r = NULL;
  st = process_row_buffer(ctx, &r, data, len, &o, fetch_kind_name(src.kind), owner);
  if (st) {
    fail_last(out, NULL);
    out->rate_limited = st == DOCTAG_ELLM && strstr(out->error, "429") != NULL;
  } else {
    out->ok = true;
    out->result = r;
    result_note_text_cap(r, ctx->max_text_bytes);  /* the job records it */
    /* No title in the row: the document's own (metadata, first line, name). */
    const char *t = doctag_result_title(r);
    if (!out->title && t && *t)
      out->title = g_strdup(t);
  }
  /* Every PDF accepted is kept, processed or not (it can be processed again
   * later); anything else is not a PDF and was refused above. The result
   * knows the hash already. */
  if (!out->rate_limited && len >= 5 && !memcmp(data, "%PDF-", 5)) {
    const char *sha = r ? doctag_result_sha256(r) : NULL;
    doctag_status bst;
    if (sha && blob_sha_valid(sha)) {
      g_strlcpy(out->sha256, sha, sizeof out->sha256);
      bst = blob_put_hashed(ctx, data, len, sha);
    } else {
      bst = blob_put(ctx, data, len, out->sha256);
    }
    if (bst) {
      out->sha256[0] = '\0';
      if (out->ok) {   /* a failed row keeps its own reason */
        char *why = g_strdup(doctag_error_last()->message);
        fail(out, bst, "%s", why);
        g_free(why);
        doctag_result_free(out->result);
        out->result = NULL;
      }
    }
  }
  g_bytes_unref(bytes);
  if (!out->title)
    out->title = g_strdup(file_name);
  g_free(file_name);
}

static double round2(double x)
{
  return round(x * 100.0) / 100.0;
}

/* The contract's per-document metadata. */
static json_t *metadata_of(const doctag_result *r)
{
  double conf = doctag_result_ocr_confidence(r);
  json_t *warnings = json_array();
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    json_array_append_new(warnings, json_string(doctag_result_warning_at(r, i)));
  return json_pack("{s:b, s:s, s:o, s:i, s:I, s:i, s:o}", "is_scanned", doctag_result_is_scanned(r),
                   "extraction_method", doctag_result_extraction_method(r), "ocr_confidence",
                   conf < 0 ? json_null() : json_real(round2(conf)), "page_count", (int)doctag_result_page_count(r),
                   "text_length", (json_int_t)doctag_result_text_length(r), "tokens_used",
                   (int)doctag_result_tokens_used(r), "warnings", warnings);
}

doctag_status jobs_record_row(doctag_ctx *ctx, struct store_conn *c, const char *user_id, const char *job_id,
                              size_t row, const row_outcome *o, const char *worker, char **result_json,
                              char **event_template)
{
  *result_json = *event_template = NULL;
  const doctag_result *r = o->ok ? o->result : NULL;
  size_t ntags = r ? doctag_result_tag_count(r) : 0;
  const char **tags = g_new0(const char *, ntags + 1);
  json_t *jtags = json_array();
  for (size_t i = 0; i < ntags; i++) {
    tags[i] = doctag_result_tag_at(r, i);
    json_array_append_new(jtags, json_string(tags[i]));
  }
  json_t *meta = r ? metadata_of(r) : NULL;
  char *meta_text = NULL;
  if (r) {
    /* History keeps more than the event shows. */
    json_t *full = json_deep_copy(meta);
    json_t *details = json_array();
    for (size_t i = 0; i < ntags; i++)
      json_array_append_new(details, json_pack("{s:s, s:f, s:b}", "tag", tags[i], "score",
                                               round(doctag_result_tag_score(r, i) * 1000.0) / 1000.0, "evidence",
                                               doctag_result_tag_evidence(r, i)));
    json_object_set_new(full, "tag_details", details);
    json_object_set_new(full, "model_name", json_string(doctag_result_model_name(r)));
    json_object_set_new(full, "detected_language", json_string(doctag_result_language(r)));
    json_object_set_new(full, "quality", json_string(doctag_result_quality(r)));
    json_object_set_new(full, "needs_review", json_boolean(doctag_result_needs_review(r)));
    json_object_set_new(full, "processing_time", json_real(round2(doctag_result_processing_time(r))));
    meta_text = jobs_json_dump(full);
    json_decref(full);
  }
  history_doc d = {
    .row_index = row,
    .title = o->title,
    .file_path = o->file_path,
    .file_source_type = o->source_type,
    .sha256 = o->sha256[0] ? o->sha256 : NULL,
    .file_size = o->file_size,
    .status = o->ok ? "completed" : "failed",
    .tags = tags,
    .tag_count = ntags,
    .text = r ? doctag_result_text(r) : NULL,
    .text_len = r ? doctag_result_text_length(r) : 0,
    .text_cap = ctx->max_text_bytes,
    .metadata_json = meta_text,
    .error_message = o->ok ? NULL : o->error,
    .terms = r && r->terms ? (const char *const *)r->terms->pdata : NULL,
    .term_count = r && r->terms ? r->terms->len : 0,
  };
  char *doc_id = NULL;
  doctag_status st = c ? history_document_record_on(c, user_id, job_id, &d, &doc_id)
                       : history_document_record(ctx, user_id, job_id, &d, &doc_id);
  g_free(tags);
  g_free(meta_text);
  if (st) {
    json_decref(jtags);
    json_decref(meta);
    return st;
  }
  json_t *res = json_object();
  json_object_set_new(res, "row_id", json_integer((json_int_t)row));
  json_object_set_new(res, "row_number", json_integer((json_int_t)row + 1));
  json_object_set_new(res, "title", o->title ? json_string(o->title) : json_null());
  json_object_set_new(res, "status", json_string(o->ok ? "success" : "failed"));
  json_object_set_new(res, "tags", jtags);
  json_object_set_new(res, "error", o->ok ? json_null() : json_string(o->error ? o->error : "failed"));
  json_object_set_new(res, "model_name", r ? json_string(doctag_result_model_name(r)) : json_null());
  json_object_set_new(res, "metadata", meta ? meta : json_null());
  json_object_set_new(res, "document_id", json_string(doc_id));
  json_object_set_new(res, "file_path", o->file_path ? json_string(o->file_path) : json_null());
  json_object_set_new(res, "worker", worker ? json_string(worker) : json_null());
  *result_json = jobs_json_dump(res);
  json_decref(res);
  g_free(doc_id);
  *event_template = events_row_done(job_id, *result_json);
  return DOCTAG_OK;
}
