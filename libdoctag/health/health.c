/* Dependency probes behind doctag_health_check(). */
#include "blob/blob.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/json.h"
#include "doctag/health.h"
#include "extract/tesslib.h"
#include "queue/queue.h"
#include "store/store.h"

#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

/* The API version of CONTRACT.md (not the library's). */
#define API_VERSION "2.0.0"
/* Starting a tesseract engine costs tens of milliseconds: its answer is
 * kept this long. */
#define OCR_PROBE_TTL_SEC 60.0

typedef struct probe {
  const char *name;
  bool ok;
  bool required;
  char *detail;
  double latency_ms;
} probe;

struct doctag_health {
  probe probes[5];
  size_t count;
};

/* Runs fn and records its outcome and latency. */
static void run_probe(doctag_health *h, const char *name, bool required,
                      doctag_status (*fn)(doctag_ctx *ctx), doctag_ctx *ctx)
{
  probe *p = &h->probes[h->count++];
  p->name = name;
  p->required = required;
  err_clear();
  double t0 = ctx_now();
  doctag_status st = fn(ctx);
  p->latency_ms = (ctx_now() - t0) * 1000.0;
  p->ok = st == DOCTAG_OK;
  p->detail = g_strdup(st ? doctag_error_last()->message : "");
}

static doctag_status probe_database(doctag_ctx *ctx)
{
  double ms;
  return store_ping(ctx, &ms);
}

/* A read of a job that cannot exist: "not found" means the queue answered. */
static doctag_status probe_queue(doctag_ctx *ctx)
{
  queue *q = NULL;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  queue_job job;
  memset(&job, 0, sizeof job);
  st = queue_job_get(q, "00000000-0000-4000-8000-000000000000", &job);
  if (st == DOCTAG_OK)
    queue_job_clear(&job);
  return st == DOCTAG_ENOTFOUND ? DOCTAG_OK : st;
}

/* Likewise for the blob store, with a hash nothing has. */
static doctag_status probe_blobs(doctag_ctx *ctx)
{
  GBytes *b = NULL;
  doctag_status st = blob_get(ctx, "0000000000000000000000000000000000000000000000000000000000000000", 1, &b);
  if (b)
    g_bytes_unref(b);
  if (st == DOCTAG_ENOTFOUND || st == DOCTAG_ELIMIT)
    return DOCTAG_OK;
  return st;
}

static GMutex ocr_lock;
static double ocr_checked_at;
static doctag_status ocr_status;
static char *ocr_detail;

/* tesseract starts and has the languages doctag ships with. */
static doctag_status probe_ocr_now(void)
{
  /* tesseract is loaded on first use (see extract/tesslib.h). */
  const tesslib *T = tesslib_get();
  if (!T)
    return err_set(DOCTAG_EOCR, "tesseract could not be loaded: %s", doctag_error_last()->message);
  TessBaseAPI *api = T->TessBaseAPICreate();
  if (!api)
    return err_set(DOCTAG_EOCR, "tesseract could not be created");
  doctag_status st = DOCTAG_OK;
  if (T->TessBaseAPIInit3(api, NULL, "eng") != 0) {
    st = err_set(DOCTAG_EOCR, "tesseract cannot load the eng language (is tesseract-ocr-eng installed?)");
  } else {
    char **langs = T->TessBaseAPIGetAvailableLanguagesAsVector(api);
    const char *need[] = { "eng", "hin", "osd" };
    GString *missing = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(need); i++) {
      bool found = false;
      for (char **l = langs; l && *l; l++)
        found = found || !strcmp(*l, need[i]);
      if (!found)
        g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", need[i]);
    }
    if (missing->len)
      st = err_set(DOCTAG_EOCR, "tesseract languages missing: %s", missing->str);
    g_string_free(missing, TRUE);
    T->TessDeleteTextArray(langs);
  }
  T->TessBaseAPIEnd(api);
  T->TessBaseAPIDelete(api);
  return st;
}

static doctag_status probe_ocr(doctag_ctx *ctx)
{
  (void)ctx;
  g_mutex_lock(&ocr_lock);
  double now = ctx_now();
  if (!ocr_checked_at || now - ocr_checked_at > OCR_PROBE_TTL_SEC) {
    err_clear();
    ocr_status = probe_ocr_now();
    g_free(ocr_detail);
    ocr_detail = g_strdup(doctag_error_last()->message);
    ocr_checked_at = now;
  }
  doctag_status st = ocr_status ? err_set(ocr_status, "%s", ocr_detail) : DOCTAG_OK;
  g_mutex_unlock(&ocr_lock);
  return st;
}

static doctag_status probe_llm(doctag_ctx *ctx)
{
  (void)ctx;
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_health_check(doctag_ctx *ctx, doctag_health **out)
{
  err_clear();
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "ctx and out must not be NULL");
  doctag_health *h = g_new0(doctag_health, 1);
  run_probe(h, "database", true, probe_database, ctx);
  run_probe(h, "queue", true, probe_queue, ctx);
  run_probe(h, "ocr", true, probe_ocr, ctx);
  run_probe(h, "blobs", true, probe_blobs, ctx);
  run_probe(h, "llm", false, probe_llm, ctx);
  /* Say which tagger runs without a request key; never the key. */
  probe *llm = &h->probes[h->count - 1];
  g_free(llm->detail);
  llm->detail = ctx->llm_api_key ? g_strdup_printf("key configured for %s", ctx->llm_base_url)
                                 : g_strdup("no key configured: the built-in tagger runs unless a request brings one");
  err_clear();
  *out = h;
  return DOCTAG_OK;
}

DOCTAG_API bool doctag_health_ok(const doctag_health *h)
{
  if (!h)
    return false;
  for (size_t i = 0; i < h->count; i++)
    if (h->probes[i].required && !h->probes[i].ok)
      return false;
  return true;
}

DOCTAG_API size_t doctag_health_count(const doctag_health *h) { return h ? h->count : 0; }
DOCTAG_API const char *doctag_health_name(const doctag_health *h, size_t i) { return h && i < h->count ? h->probes[i].name : NULL; }
DOCTAG_API bool doctag_health_probe_ok(const doctag_health *h, size_t i) { return h && i < h->count && h->probes[i].ok; }
DOCTAG_API bool doctag_health_probe_required(const doctag_health *h, size_t i) { return h && i < h->count && h->probes[i].required; }
DOCTAG_API const char *doctag_health_detail(const doctag_health *h, size_t i) { return h && i < h->count ? h->probes[i].detail : NULL; }
DOCTAG_API double doctag_health_latency_ms(const doctag_health *h, size_t i) { return h && i < h->count ? h->probes[i].latency_ms : 0; }

DOCTAG_API doctag_status doctag_health_to_json(const doctag_health *h, char **json)
{
  err_clear();
  if (!h || !json)
    return err_set(DOCTAG_EINVAL, "health and json must not be NULL");
  bool ok = doctag_health_ok(h);
  json_t *checks = json_object();
  GString *down = g_string_new(NULL);
  for (size_t i = 0; i < h->count; i++) {
    const probe *p = &h->probes[i];
    json_object_set_new(checks, p->name,
                        json_pack("{s:s, s:s, s:f}", "status", p->ok ? "ok" : "error", "detail", p->detail,
                                  "latency_ms", round(p->latency_ms * 100.0) / 100.0));
    if (!p->ok && p->required)
      g_string_append_printf(down, "%s%s", down->len ? ", " : "", p->name);
  }
  char *message = ok ? g_strdup("All systems operational")
                     : g_strdup_printf("Unavailable: %s", down->str);
  json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "status", ok ? "healthy" : "unhealthy", "version", API_VERSION,
                        "message", message, "checks", checks);
  g_free(message);
  g_string_free(down, TRUE);
  return json_out_take(o, json);
}

DOCTAG_API void doctag_health_free(doctag_health *h)
{
  if (!h)
    return;
  for (size_t i = 0; i < h->count; i++)
    g_free(h->probes[i].detail);
  g_free(h);
}
