/* Batch CSV: the template, parsing (RFC 4180 with libcsv), submitting a CSV
 * as a job, the result CSV (input + generated_tags + tagging_status), and
 * the legacy synchronous processing of POST /api/batch/process. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "history/history.h"

#include <csv.h>
#include <math.h>
#include <string.h>

static const char *const required_columns[] = { "title", "file_source_type", "file_path" };

static const struct {
  const char *name;
  bool required;
  const char *description;
} template_columns[] = {
  { "title", true, "Document title" },
  { "description", false, "Short description of the document" },
  { "file_source_type", true, "Where the file is: url, s3 or local" },
  { "file_path", true, "The URL, s3://bucket/key or absolute local path of the PDF" },
  { "publishing_date", false, "Publishing date (YYYY-MM-DD)" },
  { "file_size", false, "File size in bytes" },
};

static const char template_csv[] =
  "title,description,file_source_type,file_path,publishing_date,file_size\r\n"
  "Annual Report 2023,Company annual financial report,url,https://example.com/reports/annual-2023.pdf,"
  "2023-12-31,2048000\r\n"
  "Product Manual,User guide for product X,s3,s3://my-bucket/manuals/product-x.pdf,2023-06-15,1024000\r\n";

DOCTAG_API doctag_status doctag_batch_template(char **json)
{
  err_clear();
  if (!json)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  json_t *cols = json_array();
  for (size_t i = 0; i < G_N_ELEMENTS(template_columns); i++)
    json_array_append_new(cols, json_pack("{s:s, s:b, s:s}", "name", template_columns[i].name, "required",
                                          template_columns[i].required, "description",
                                          template_columns[i].description));
  json_t *o = json_pack("{s:s, s:o}", "template", template_csv, "columns", cols);
  *json = jobs_json_dump(o);
  json_decref(o);
  return DOCTAG_OK;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct parse_state {
  csv_table *t;
  GPtrArray *row;   /* current row's cells */
  bool header_done;
} parse_state;

static void on_field(void *s, size_t len, void *ud)
{
  parse_state *ps = ud;
  g_ptr_array_add(ps->row, g_strndup(s ? s : "", len));
}

static void on_row(int c, void *ud)
{
  parse_state *ps = ud;
  (void)c;
  bool empty = true;
  for (guint i = 0; i < ps->row->len && empty; i++)
    empty = !*(const char *)g_ptr_array_index(ps->row, i);
  if (empty) {
    g_ptr_array_set_size(ps->row, 0);
    return;
  }
  if (!ps->header_done) {
    for (guint i = 0; i < ps->row->len; i++)
      g_ptr_array_add(ps->t->header, g_strstrip((char *)g_ptr_array_index(ps->row, i)));
    g_ptr_array_set_free_func(ps->row, NULL);
    g_ptr_array_set_size(ps->row, 0);
    g_ptr_array_set_free_func(ps->row, g_free);
    ps->header_done = true;
    return;
  }
  g_ptr_array_add(ps->t->rows, ps->row);
  ps->row = g_ptr_array_new_with_free_func(g_free);
}

void csvtab_clear(csv_table *t)
{
  if (t->header)
    g_ptr_array_free(t->header, TRUE);
  if (t->rows)
    g_ptr_array_free(t->rows, TRUE);
  memset(t, 0, sizeof *t);
}

doctag_status csvtab_parse(const void *data, size_t len, csv_table *out)
{
  memset(out, 0, sizeof *out);
  if (!data && len)
    return err_set(DOCTAG_EINVAL, "csv is NULL");
  const char *s = data;
  if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {   /* a UTF-8 byte order mark */
    s += 3;
    len -= 3;
  }
  if (!g_utf8_validate(s, (gssize)len, NULL))
    return err_set(DOCTAG_EINVAL, "CSV file is not UTF-8 text");
  if (memchr(s, '\0', len))
    return err_set(DOCTAG_EINVAL, "CSV file is not text (it holds NUL bytes)");
  out->header = g_ptr_array_new_with_free_func(g_free);
  out->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  parse_state ps = { out, g_ptr_array_new_with_free_func(g_free), false };
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
  doctag_status st = DOCTAG_OK;
  if (csv_parse(&p, s, len, on_field, on_row, &ps) != len || csv_fini(&p, on_field, on_row, &ps) != 0) {
    /* Which line: count the newlines before the parser stopped. */
    st = err_set(DOCTAG_EINVAL, "CSV file is malformed: %s (after %u data rows)", csv_strerror(csv_error(&p)),
                 out->rows->len);
  }
  csv_free(&p);
  g_ptr_array_free(ps.row, TRUE);
  if (!st && out->header->len == 0)
    st = err_set(DOCTAG_EINVAL, "CSV file is empty");
  if (st)
    csvtab_clear(out);
  return st;
}

/* "Missing required columns: a, b" or NULL. */
static char *missing_columns(const csv_table *t)
{
  GString *m = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(required_columns); i++) {
    bool found = false;
    for (guint j = 0; j < t->header->len && !found; j++)
      found = !strcmp(g_ptr_array_index(t->header, j), required_columns[i]);
    if (!found) {
      if (!m)
        m = g_string_new("Missing required columns: ");
      else
        g_string_append(m, ", ");
      g_string_append(m, required_columns[i]);
    }
  }
  return m ? g_string_free(m, FALSE) : NULL;
}

/* The data rows as payloads (our field names are the CSV's). */
static GPtrArray *payloads_of(const csv_table *t, const char *base_dir)
{
  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  doctag_field *fields = g_new0(doctag_field, t->header->len + 1);
  for (guint i = 0; i < t->rows->len; i++) {
    GPtrArray *cells = g_ptr_array_index(t->rows, i);
    size_t n = 0;
    for (guint j = 0; j < t->header->len && j < cells->len; j++) {
      fields[n].name = g_ptr_array_index(t->header, j);
      fields[n].value = g_ptr_array_index(cells, j);
      n++;
    }
    doctag_row row = { fields, n };
    g_ptr_array_add(payloads, job_row_payload(&row, NULL, 0, base_dir));
  }
  g_free(fields);
  return payloads;
}

DOCTAG_API doctag_status doctag_batch_submit_csv(doctag_ctx *ctx, char **job_id, const char *user_id, const void *csv,
                                                 size_t len, const doctag_job_options *opts)
{
  err_clear();
  if (!job_id)
    return err_set(DOCTAG_EINVAL, "job_id is NULL");
  *job_id = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  const char *base;
  doctag_status st = job_base_dir(opts, &base);
  if (st)
    return st;
  csv_table t;
  if ((st = csvtab_parse(csv, len, &t)))
    return st;
  char *missing = missing_columns(&t);
  if (missing) {
    st = err_set(DOCTAG_EINVAL, "%s", missing);
    g_free(missing);
    csvtab_clear(&t);
    return st;
  }
  GPtrArray *payloads = payloads_of(&t, base);
  csvtab_clear(&t);
  st = jobs_submit_payloads(ctx, job_id, user_id, payloads, opts);
  g_ptr_array_free(payloads, TRUE);
  return st;
}

/* ---- output ----------------------------------------------------------- */

static void csv_cell(GString *out, const char *v)
{
  if (!v)
    v = "";
  bool quote = strpbrk(v, ",\"\r\n") != NULL || (*v && (g_ascii_isspace(v[0]) || g_ascii_isspace(v[strlen(v) - 1])));
  if (!quote) {
    g_string_append(out, v);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = v; *p; p++) {
    if (*p == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

char *csvtab_output(const csv_table *in, GPtrArray *results_by_row)
{
  GString *out = g_string_new(NULL);
  for (guint j = 0; j < in->header->len; j++) {
    csv_cell(out, g_ptr_array_index(in->header, j));
    g_string_append_c(out, ',');
  }
  g_string_append(out, "generated_tags,tagging_status\r\n");
  for (guint i = 0; i < in->rows->len; i++) {
    GPtrArray *cells = g_ptr_array_index(in->rows, i);
    for (guint j = 0; j < in->header->len; j++) {
      csv_cell(out, j < cells->len ? g_ptr_array_index(cells, j) : "");
      g_string_append_c(out, ',');
    }
    const job_result *r = results_by_row && i < results_by_row->len ? g_ptr_array_index(results_by_row, i) : NULL;
    char *tags = r ? g_strjoinv(", ", r->tags) : g_strdup("");
    char *status = !r ? g_strdup("pending")
                      : r->ok ? g_strdup("success") : g_strdup_printf("failed: %s", r->error ? r->error : "");
    csv_cell(out, tags);
    g_string_append_c(out, ',');
    csv_cell(out, status);
    g_string_append(out, "\r\n");
    g_free(tags);
    g_free(status);
  }
  return g_string_free(out, FALSE);
}

/* results indexed by row (borrowed pointers into job->results). */
static GPtrArray *by_row(const doctag_job *job, guint nrows)
{
  GPtrArray *a = g_ptr_array_new();
  g_ptr_array_set_size(a, nrows);
  const GPtrArray *results = job_results(job);
  for (guint i = 0; i < results->len; i++) {
    job_result *r = g_ptr_array_index(results, i);
    if (r->row < nrows)
      g_ptr_array_index(a, r->row) = r;
  }
  return a;
}

DOCTAG_API doctag_status doctag_job_output_csv(doctag_ctx *ctx, char **out_csv, const char *user_id,
                                               const char *job_id, const void *csv, size_t len)
{
  err_clear();
  if (!out_csv)
    return err_set(DOCTAG_EINVAL, "out_csv is NULL");
  *out_csv = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  csv_table t;
  doctag_status st = csvtab_parse(csv, len, &t);
  if (st)
    return st;
  doctag_job *job = NULL;
  if ((st = jobs_load(ctx, user_id, job_id, true, &job))) {
    csvtab_clear(&t);
    return st;
  }
  GPtrArray *rows = by_row(job, t.rows->len);
  *out_csv = csvtab_output(&t, rows);
  g_ptr_array_free(rows, TRUE);
  doctag_job_free(job);
  csvtab_clear(&t);
  return DOCTAG_OK;
}

/* ---- legacy synchronous processing ------------------------------------ */

struct doctag_csv_report {
  bool success;
  size_t total, processed, failed;
  char *csv;
  char *job_id;
  double processing_time;
  GPtrArray *results;   /* job_result*, by row */
  GPtrArray *errors;    /* char* */
};

typedef struct legacy_run {
  doctag_ctx *ctx;
  const char *user_id;
  const char *job_id;
  const process_config *cfg;
  GPtrArray *payloads;
  GPtrArray *results;   /* by row, filled by the pool */
  GMutex lock;
  doctag_status record_error;
  char *record_message;
} legacy_run;

/* One row: process, record in history, keep its result. */
static void legacy_row(gpointer data, gpointer ud)
{
  legacy_run *run = ud;
  guint row = GPOINTER_TO_UINT(data) - 1;
  row_outcome o;
  job_row given = { 0 };
  job_row_read(&given, run->job_id, row, g_ptr_array_index(run->payloads, row));
  jobs_process_row(run->ctx, run->cfg, &given, run->job_id ? run->user_id : NULL, &o);
  job_row_clear(&given);
  char *result = NULL, *event = NULL;
  doctag_status st = DOCTAG_OK;
  if (run->job_id) {
    st = jobs_record_row(run->ctx, NULL, run->user_id, run->job_id, row, &o, NULL, &result, &event);
  } else {
    json_t *tags = json_array();
    for (size_t i = 0; o.ok && i < doctag_result_tag_count(o.result); i++)
      json_array_append_new(tags, json_string(doctag_result_tag_at(o.result, i)));
    json_t *r = json_pack("{s:I, s:I, s:s?, s:s, s:o, s:s?}", "row_id", (json_int_t)row, "row_number",
                          (json_int_t)row + 1, "title", o.title, "status", o.ok ? "success" : "failed", "tags", tags,
                          "error", o.ok ? NULL : o.error);
    result = jobs_json_dump(r);
    json_decref(r);
  }
  g_mutex_lock(&run->lock);
  if (st && !run->record_error) {
    run->record_error = st;
    run->record_message = g_strdup(doctag_error_last()->message);
  }
  if (result)
    g_ptr_array_index(run->results, row) = job_result_from_json(result);
  g_mutex_unlock(&run->lock);
  g_free(result);
  g_free(event);
  row_outcome_clear(&o);
}

static void report_free_results(GPtrArray *a)
{
  for (guint i = 0; i < a->len; i++)
    job_result_free(g_ptr_array_index(a, i));
  g_ptr_array_free(a, TRUE);
}

DOCTAG_API doctag_status doctag_batch_process_csv(doctag_ctx *ctx, doctag_csv_report **out, const char *user_id,
                                                  const void *csv, size_t len, const doctag_process_options *opts)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  int64_t t0 = g_get_monotonic_time();
  doctag_process_options popts;
  process_options_copy(&popts, opts);   /* only the fields of the caller's version */
  popts.first_page = 0;                 /* rows are whole documents */
  doctag_status st = process_options_check(&popts, NULL);
  if (st)
    return st;
  csv_table t;
  if ((st = csvtab_parse(csv, len, &t)))
    return st;
  doctag_csv_report *rep = g_new0(doctag_csv_report, 1);
  rep->results = g_ptr_array_new();
  rep->errors = g_ptr_array_new_with_free_func(g_free);
  rep->total = t.rows->len;
  char *missing = missing_columns(&t);
  if (missing) {
    g_ptr_array_add(rep->errors, missing);
    rep->success = false;
    goto done;
  }
  if (t.rows->len == 0) {
    g_ptr_array_add(rep->errors, g_strdup("No documents provided"));
    goto done;
  }

  process_config cfg = { 0 };
  cfg.opts = popts;
  cfg.opts.user_id = NULL;
  GPtrArray *payloads = payloads_of(&t, NULL);
  char *job_id = NULL;
  if (user_id) {
    char *config = process_config_json(&popts);
    st = history_job_create(ctx, user_id, NULL, "batch", config, payloads->len, &job_id);
    g_free(config);
    if (!st)
      st = history_job_set_status(ctx, job_id, "processing", NULL);
    if (st) {
      g_free(job_id);
      g_ptr_array_free(payloads, TRUE);
      csvtab_clear(&t);
      report_free_results(rep->results);
      g_ptr_array_free(rep->errors, TRUE);
      g_free(rep);
      return st;
    }
  }
  legacy_run run = { ctx, user_id, job_id, &cfg, payloads, rep->results, { 0 }, DOCTAG_OK, NULL };
  g_mutex_init(&run.lock);
  g_ptr_array_set_size(rep->results, payloads->len);
  /* A few rows at a time: each uses the context's page threads too. */
  unsigned int nthreads = MIN(4u, MAX(1u, payloads->len));
  GThreadPool *pool = g_thread_pool_new(legacy_row, &run, (gint)nthreads, TRUE, NULL);
  for (guint i = 0; i < payloads->len; i++)
    g_thread_pool_push(pool, GUINT_TO_POINTER(i + 1), NULL);
  g_thread_pool_free(pool, FALSE, TRUE);
  g_mutex_clear(&run.lock);
  g_ptr_array_free(payloads, TRUE);
  if (run.record_error) {
    if (job_id)
      history_job_set_status(ctx, job_id, "failed", run.record_message);
    st = err_set(run.record_error, "%s", run.record_message);
    g_free(run.record_message);
    g_free(job_id);
    csvtab_clear(&t);
    doctag_csv_report_free(rep);
    return st;
  }
  for (guint i = 0; i < rep->results->len; i++) {
    job_result *r = g_ptr_array_index(rep->results, i);
    if (r && r->ok) {
      rep->processed++;
    } else {
      rep->failed++;
      g_ptr_array_add(rep->errors, g_strdup_printf("Row %u (%s): %s", i + 1, r && r->title ? r->title : "",
                                                   r && r->error ? r->error : "failed"));
    }
  }
  if (job_id && history_job_set_status(ctx, job_id, "completed", NULL))
    g_warning("doctag: job %s: recording completion in history failed: %s", job_id, doctag_error_last()->message);
  rep->job_id = job_id;
  rep->success = true;
  rep->csv = csvtab_output(&t, rep->results);
done:
  rep->processing_time = (double)(g_get_monotonic_time() - t0) / 1e6;
  csvtab_clear(&t);
  err_clear();
  *out = rep;
  return DOCTAG_OK;
}

DOCTAG_API bool doctag_csv_report_success(const doctag_csv_report *r) { return r && r->success; }
DOCTAG_API size_t doctag_csv_report_total(const doctag_csv_report *r) { return r ? r->total : 0; }
DOCTAG_API size_t doctag_csv_report_processed(const doctag_csv_report *r) { return r ? r->processed : 0; }
DOCTAG_API size_t doctag_csv_report_failed(const doctag_csv_report *r) { return r ? r->failed : 0; }
DOCTAG_API const char *doctag_csv_report_csv(const doctag_csv_report *r) { return r ? (r->csv ? r->csv : "") : NULL; }
DOCTAG_API const char *doctag_csv_report_job_id(const doctag_csv_report *r)
{
  return r ? (r->job_id ? r->job_id : "") : NULL;
}

DOCTAG_API doctag_status doctag_csv_report_to_json(const doctag_csv_report *r, char **json)
{
  err_clear();
  if (!r || !json)
    return err_set(DOCTAG_EINVAL, "report and json must not be NULL");
  json_t *docs = json_array();
  for (guint i = 0; i < r->results->len; i++) {
    const job_result *res = g_ptr_array_index(r->results, i);
    if (!res)
      continue;
    json_t *tags = json_array();
    for (size_t k = 0; k < res->tag_count; k++)
      json_array_append_new(tags, json_string(res->tags[k]));
    json_array_append_new(docs, json_pack("{s:s, s:b, s:o, s:o}", "title", res->title ? res->title : "", "success",
                                          res->ok, "tags", tags, "error",
                                          res->ok || !res->error ? json_null() : json_string(res->error)));
  }
  json_t *errors = json_array();
  for (guint i = 0; i < r->errors->len; i++)
    json_array_append_new(errors, json_string(g_ptr_array_index(r->errors, i)));
  char *rate = g_strdup_printf("%.1f%%", r->total ? 100.0 * (double)r->processed / (double)r->total : 0.0);
  json_t *stats = json_pack("{s:I, s:I, s:I, s:s}", "total", (json_int_t)r->total, "processed",
                            (json_int_t)r->processed, "failed", (json_int_t)r->failed, "success_rate", rate);
  g_free(rate);
  json_t *url = json_null();
  if (r->csv) {
    char *b64 = g_base64_encode((const guchar *)r->csv, strlen(r->csv));
    char *u = g_strconcat("data:text/csv;base64,", b64, NULL);
    url = json_string(u);
    g_free(u);
    g_free(b64);
  }
  json_t *o = json_pack("{s:b, s:I, s:I, s:I, s:o, s:{s:o, s:o, s:o}, s:f}", "success", r->success,
                        "total_documents", (json_int_t)r->total, "processed_count", (json_int_t)r->processed,
                        "failed_count", (json_int_t)r->failed, "output_csv_url", url, "summary_report", "documents",
                        docs, "errors", errors, "statistics", stats, "processing_time",
                        round(r->processing_time * 100.0) / 100.0);
  *json = jobs_json_dump(o);
  json_decref(o);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_csv_report_free(doctag_csv_report *r)
{
  if (!r)
    return;
  report_free_results(r->results);
  g_ptr_array_free(r->errors, TRUE);
  g_free(r->csv);
  g_free(r->job_id);
  g_free(r);
}
