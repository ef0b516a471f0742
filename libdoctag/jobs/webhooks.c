/* Webhooks (CONTRACT.md, NEW): a job submitted with webhook_url reports its
 * end with a signed POST.
 *
 * The URL passes the same guard as pdf_url at submission, and again (with
 * the address pinned) at every attempt, so a name that later resolves to a
 * private address is refused then too. The end of a job queues one
 * delivery row in the store (migration 0004), never only in memory: a
 * worker's delivery thread sends due rows, and a server or worker restart
 * loses none. A worker takes a row by moving its next_at forward (a lease,
 * compare-and-set on the value it read), so several workers never send the
 * same attempt. Non-2xx or no answer in 10 s: retried after 10 s, 20 s,
 * 40 s ... (at most an hour apart) until 24 h after the job ended. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "fetch/fetch.h"
#include "store/store.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define ATTEMPT_TIMEOUT_SEC 10
#define GIVE_UP_US (24 * 3600 * G_TIME_SPAN_SECOND)
#define MAX_DELAY_US (3600 * G_TIME_SPAN_SECOND)
#define LEASE_US (60 * G_TIME_SPAN_SECOND)
#define DUE_BATCH 16
#define DEFAULT_RETRY_MS 10000

/* The first retry's delay: DOCTAG_WEBHOOK_RETRY_MS (tests shorten it). */
static int64_t first_delay_us(void)
{
  const char *v = getenv("DOCTAG_WEBHOOK_RETRY_MS");
  long ms = v && *v ? strtol(v, NULL, 10) : DEFAULT_RETRY_MS;
  return (ms > 0 && ms <= 3600000 ? ms : DEFAULT_RETRY_MS) * (int64_t)1000;
}

static char *new_secret(void)
{
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n > 0)
      got += (size_t)n;
  }
  GString *s = g_string_new("whsec_");
  for (size_t i = 0; i < sizeof raw; i++)
    g_string_append_printf(s, "%02x", raw[i]);
  return g_string_free(s, FALSE);
}

/* The user's secret, created when missing (or replaced when `rotate`). */
static doctag_status secret_of(struct store *s, const char *user_id, bool rotate, char **out)
{
  *out = NULL;
  char *fresh = new_secret();
  store_param p[] = { SP_T(user_id), SP_T(fresh), SP_I(store_now_us()) };
  doctag_status st = store_query(s, rotate ? ST_WEBHOOK_SECRET_SET : ST_WEBHOOK_SECRET_ADD, p, 3, NULL);
  g_free(fresh);
  if (st)
    return st;
  store_rows r = { 0 };
  if ((st = store_query(s, ST_WEBHOOK_SECRET_GET, p, 1, &r)))
    return st;
  if (r.nrows == 1 && store_cell(&r, 0, 0))
    *out = g_strdup(store_cell(&r, 0, 0));
  else
    st = err_set(DOCTAG_ENOTFOUND, "no such user");
  store_rows_clear(&r);
  return st;
}

DOCTAG_API doctag_status doctag_webhook_secret(doctag_ctx *ctx, char **secret, const char *user_id, bool rotate)
{
  err_clear();
  if (!secret)
    return err_set(DOCTAG_EINVAL, "secret is NULL");
  *secret = NULL;
  if (!ctx || !user_id || !store_uuid_valid(user_id))
    return err_set(DOCTAG_EINVAL, "a context and a user id are required");
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st)
    return st;
  /* The user must exist (the secret references it). */
  store_rows r = { 0 };
  store_param p[] = { SP_T(user_id) };
  if ((st = store_query(s, ST_USER_BY_ID, p, 1, &r)))
    return st;
  bool found = r.nrows == 1;
  store_rows_clear(&r);
  if (!found)
    return err_set(DOCTAG_ENOTFOUND, "User not found");
  return secret_of(s, user_id, rotate, secret);
}

doctag_status webhook_check_url(doctag_ctx *ctx, const char *url)
{
  doctag_status st = fetch_url_check(ctx, url);
  if (st == DOCTAG_EURL)
    return st;  /* "URL not allowed: <reason>" over HTTP */
  if (st) {
    char *msg = g_strdup(doctag_error_last()->message);
    st = err_set(DOCTAG_EINVAL, "webhook_url: %s", msg);
    g_free(msg);
  }
  return st;
}

doctag_status webhook_subscribe(doctag_ctx *ctx, const char *job_id, const char *user_id, const char *url)
{
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st)
    return st;
  store_param p[] = { SP_T(job_id), SP_T(user_id), SP_T(url), SP_I(store_now_us()) };
  return store_query(s, ST_WEBHOOK_SUBSCRIBE, p, 4, NULL);
}

void webhook_job_ended(doctag_ctx *ctx, const char *user_id, const char *job_id)
{
  doctag_job *job = NULL;
  struct store *s;
  if (store_get(ctx, &s) || jobs_load(ctx, user_id, job_id, false, &job)) {
    g_warning("doctag: webhook of job %s: %s", job_id, doctag_error_last()->message);
    return;
  }
  const char *type = job->state == DOCTAG_JOB_COMPLETED   ? "completed"
                     : job->state == DOCTAG_JOB_CANCELLED ? "cancelled"
                                                          : "failed";
  int64_t now = store_now_us();
  char *finished = store_time_iso(now);
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:s}", "type", type, "job_id", job_id, "total_documents",
                        (json_int_t)job->total, "processed_count", (json_int_t)job->processed, "failed_count",
                        (json_int_t)job->failed, "processing_time", round(job->processing_time * 100) / 100,
                        "finished_at", finished);
  char *body = jobs_json_dump(o);
  char *event = g_strdup_printf("job.%s", type);
  char *id = store_uuid_new();
  store_param p[] = { SP_T(id), SP_T(job_id), SP_T(event), SP_T(body), SP_I(now) };
  if (store_query(s, ST_WEBHOOK_ENQUEUE, p, 5, NULL))
    g_warning("doctag: queuing the webhook of job %s: %s", job_id, doctag_error_last()->message);
  json_decref(o);
  g_free(body);
  g_free(event);
  g_free(id);
  g_free(finished);
  doctag_job_free(job);
}

static char *signature(const char *secret, const char *body)
{
  GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)secret, strlen(secret));
  g_hmac_update(h, (const guchar *)body, (gssize)strlen(body));
  char *hex = g_strdup_printf("X-Doctag-Signature: sha256=%s", g_hmac_get_string(h));
  g_hmac_unref(h);
  return hex;
}

/* One attempt of a claimed delivery; records what came of it. */
static void attempt(doctag_ctx *ctx, struct store *s, const store_rows *r, unsigned int i)
{
  const char *id = store_cell(r, i, 0), *url = store_cell(r, i, 1), *event = store_cell(r, i, 2);
  const char *body = store_cell(r, i, 3), *user_id = store_cell(r, i, 6);
  int64_t attempts = store_cell_int(r, i, 4) + 1, created = store_cell_int(r, i, 5);
  char *secret = NULL;
  char *error = NULL;
  long status = 0;
  if (secret_of(s, user_id, false, &secret)) {
    error = g_strdup(doctag_error_last()->message);
  } else {
    char *h_event = g_strdup_printf("X-Doctag-Event: %s", event);
    char *h_id = g_strdup_printf("X-Doctag-Delivery: %s", id);
    char *h_sig = signature(secret, body);
    const char *headers[] = { "Content-Type: application/json", h_event, h_id, h_sig, NULL };
    fetch_opts o = fetch_opts_from_ctx(ctx);
    o.timeout_sec = ATTEMPT_TIMEOUT_SEC;
    if (fetch_post(&o, url, headers, body, strlen(body), &status))
      error = g_strdup(doctag_error_last()->message);
    else if (status < 200 || status > 299)
      error = g_strdup_printf("HTTP %ld", status);
    g_free(h_event);
    g_free(h_id);
    g_free(h_sig);
  }
  int64_t now = store_now_us();
  const char *state = "delivered";
  int64_t next = now;
  if (error) {
    int64_t delay = first_delay_us() << MIN(attempts - 1, 20);
    next = now + MIN(delay, MAX_DELAY_US);
    state = next - created > GIVE_UP_US ? "failed" : "pending";
  }
  store_param p[] = { SP_T(id), SP_T(state), SP_I(attempts), SP_I(next), SP_T(error), error ? SP_N : SP_I(now) };
  if (store_query(s, ST_WEBHOOK_RESULT, p, 6, NULL))
    g_warning("doctag: recording webhook delivery %s: %s", id, doctag_error_last()->message);
  if (error)
    g_message("doctag: webhook %s to %s: %s (%s)", id, url, error, state);
  g_free(error);
  g_free(secret);
}

unsigned int webhook_deliver_due(doctag_ctx *ctx)
{
  struct store *s;
  if (store_get(ctx, &s))
    return 0;
  int64_t now = store_now_us();
  store_rows r = { 0 };
  store_param p[] = { SP_I(now), SP_I(DUE_BATCH) };
  if (store_query(s, ST_WEBHOOK_DUE, p, 2, &r))
    return 0;
  unsigned int sent = 0;
  for (unsigned int i = 0; i < r.nrows; i++) {
    store_rows c = { 0 };
    store_param cp[] = { SP_T(store_cell(&r, i, 0)), SP_I(store_cell_int(&r, i, 7)), SP_I(now + LEASE_US) };
    bool mine = !store_query(s, ST_WEBHOOK_CLAIM, cp, 3, &c) && c.changes == 1;
    store_rows_clear(&c);
    if (!mine)
      continue;  /* another worker took it */
    attempt(ctx, s, &r, i);
    sent++;
  }
  store_rows_clear(&r);
  return sent;
}

DOCTAG_API doctag_status doctag_webhooks_deliver(doctag_ctx *ctx, unsigned int *attempted)
{
  err_clear();
  if (attempted)
    *attempted = 0;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  unsigned int n = 0, got;
  do {  /* a full batch may mean more are due */
    got = webhook_deliver_due(ctx);
    n += got;
  } while (got == DUE_BATCH);
  if (attempted)
    *attempted = n;
  err_clear();
  return DOCTAG_OK;
}
