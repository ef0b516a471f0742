/* doctag_metrics_*: the library's counters (core/stats.h) and the store's
 * job census as Prometheus series, for doctag-server's /metrics. */
#include "core/ctx.h"
#include "core/error.h"
#include "core/stats.h"
#include "doctag/health.h"
#include "queue/queue.h"
#include "store/store.h"

#include <glib.h>
#include <math.h>
#include <string.h>
#include <time.h>

struct doctag_metrics {
  GString *text;         /* the Prometheus rendering */
  GHashTable *values;    /* "name{labels}" or "name" -> double * */
  const char *family;    /* the family being written */
};

static void family(doctag_metrics *m, const char *name, const char *type, const char *help)
{
  g_string_append_printf(m->text, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
  m->family = name;
}

/* One series of the current family; `labels` "" for none. */
static void series(doctag_metrics *m, const char *labels, double v)
{
  char *key = *labels ? g_strdup_printf("%s{%s}", m->family, labels) : g_strdup(m->family);
  g_string_append_printf(m->text, "%s %.17g\n", key, v);
  double *p = g_new(double, 1);
  *p = v;
  g_hash_table_replace(m->values, key, p);
}

static void counters(doctag_metrics *m)
{
  stats_block *b = stats_get();
  family(m, "doctag_documents_total", "counter", "Documents the pipeline processed or failed, by source.");
  for (int i = 0; i < STATS_SOURCES; i++) {
    for (int ok = 0; ok < 2; ok++) {
      char *l = g_strdup_printf("source=\"%s\",status=\"%s\"", stats_source_names[i], ok ? "failed" : "processed");
      series(m, l, (double)stats_load(&b->documents[i][ok]));
      g_free(l);
    }
  }
  family(m, "doctag_pages_total", "counter", "Pages read, by method (text layer, OCR, OCR without a model, empty).");
  for (int i = 0; i < STATS_METHODS; i++) {
    char *l = g_strdup_printf("method=\"%s\"", stats_method_names[i]);
    series(m, l, (double)stats_load(&b->pages[i]));
    g_free(l);
  }
  family(m, "doctag_ocr_seconds_total", "counter", "Time spent recognising pages with tesseract.");
  series(m, "", (double)stats_load(&b->ocr_us) / 1e6);
  family(m, "doctag_llm_requests_total", "counter", "HTTP requests to the LLM endpoint.");
  series(m, "", (double)stats_load(&b->llm_requests));
  family(m, "doctag_llm_errors_total", "counter", "LLM requests that failed (no answer, non-2xx, or an error body).");
  series(m, "", (double)stats_load(&b->llm_errors));
  family(m, "doctag_llm_tokens_total", "counter", "Tokens the LLM endpoint reported using.");
  series(m, "", (double)stats_load(&b->llm_tokens));

  uint64_t now = (uint64_t)time(NULL), procs = 0, threads = 0;
  for (int i = 0; i < STATS_WORKER_SLOTS; i++) {
    const stats_worker_slot *w = &b->workers[i];
    uint64_t n = stats_load(&w->threads);
    if (stats_load(&w->pid) && n && now - stats_load(&w->beat) <= STATS_WORKER_LIVE_SEC) {
      procs++;
      threads += n;
    }
  }
  family(m, "doctag_batch_workers", "gauge", "Batch worker processes that beat in the last 30 s.");
  series(m, "", (double)procs);
  family(m, "doctag_batch_worker_threads", "gauge", "Claiming threads of those batch workers.");
  series(m, "", (double)threads);
  family(m, "doctag_metrics_shared", "gauge",
         "1 when these counters are shared by the processes of one DOCTAG_STATS_FILE, 0 when per process.");
  series(m, "", stats_shared() ? 1 : 0);
}

/* The store's job census; false when the store cannot be read. */
static bool census(doctag_metrics *m, doctag_ctx *ctx)
{
  struct store *s = NULL;
  store_rows rows = { 0 };
  if (store_get(ctx, &s) || store_query(s, ST_JOB_CENSUS, NULL, 0, &rows))
    return false;
  static const char *const types[] = { "single", "batch" };
  double jobs[2][DOCTAG_JOB_FAILED + 1] = { { 0 } };
  double depth = 0, paused = 0;
  for (unsigned int i = 0; i < rows.nrows; i++) {
    const char *type = store_cell(&rows, i, 0);
    int state = queue_state_parse(store_cell(&rows, i, 1));
    int t = type && !strcmp(type, "single") ? 0 : type && !strcmp(type, "batch") ? 1 : -1;
    if (t < 0 || state < 0)
      continue;
    jobs[t][state] += (double)store_cell_int(&rows, i, 2);
    double left = (double)MAX(store_cell_int(&rows, i, 3), 0);
    if (t == 1 && (state == DOCTAG_JOB_PENDING || state == DOCTAG_JOB_PROCESSING))
      depth += left;
    else if (t == 1 && state == DOCTAG_JOB_PAUSED)
      paused += left;
  }
  store_rows_clear(&rows);
  family(m, "doctag_jobs", "gauge", "Jobs in the store (every user's), by type and state.");
  for (int t = 0; t < 2; t++) {
    for (int st = 0; st <= DOCTAG_JOB_FAILED; st++) {
      char *l = g_strdup_printf("type=\"%s\",status=\"%s\"", types[t], queue_state_name((doctag_job_state)st));
      series(m, l, jobs[t][st]);
      g_free(l);
    }
  }
  family(m, "doctag_queue_depth", "gauge", "Rows of pending and processing batch jobs not yet finished.");
  series(m, "", depth);
  family(m, "doctag_queue_paused_rows", "gauge", "Rows of paused batch jobs not yet finished.");
  series(m, "", paused);
  return true;
}

DOCTAG_API doctag_status doctag_metrics_read(doctag_ctx *ctx, doctag_metrics **out)
{
  err_clear();
  if (out)
    *out = NULL;
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "%s is NULL", ctx ? "out" : "ctx");
  doctag_metrics *m = g_new0(doctag_metrics, 1);
  m->text = g_string_sized_new(4096);
  m->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  counters(m);
  bool up = census(m, ctx);
  if (!up)
    g_debug("doctag metrics: the store's job census failed: %s", doctag_error_last()->message);
  err_clear();
  family(m, "doctag_store_up", "gauge", "1 when the store answered the job census, 0 when it did not.");
  series(m, "", up ? 1 : 0);
  *out = m;
  return DOCTAG_OK;
}

DOCTAG_API double doctag_metrics_value(const doctag_metrics *m, const char *name, const char *labels)
{
  if (!m || !name)
    return NAN;
  char *key = labels && *labels ? g_strdup_printf("%s{%s}", name, labels) : g_strdup(name);
  const double *v = g_hash_table_lookup(m->values, key);
  g_free(key);
  return v ? *v : NAN;
}

DOCTAG_API doctag_status doctag_metrics_to_prometheus(const doctag_metrics *m, char **text)
{
  err_clear();
  if (text)
    *text = NULL;
  if (!m || !text)
    return err_set(DOCTAG_EINVAL, "%s is NULL", m ? "text" : "metrics");
  *text = g_strndup(m->text->str, m->text->len);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_metrics_free(doctag_metrics *m)
{
  if (!m)
    return;
  g_string_free(m->text, TRUE);
  g_hash_table_destroy(m->values);
  g_free(m);
}
