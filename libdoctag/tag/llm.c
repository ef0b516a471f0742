/* The OpenAI-compatible chat-completions client (OpenRouter by default).
 *
 * One POST {base}/chat/completions per attempt, through a libcurl handle
 * kept per thread (connections are reused between documents). The answer's
 * tags go through rules_apply(); when too few survive we ask once more,
 * listing what was "already generated".
 *
 * Fallbacks: a model that rejects response_format (HTTP 400/404/422 naming
 * response_format, json_schema, structured output, or OpenRouter's "no
 * endpoints ... requested parameters") is asked again without
 * it; one that rejects system messages (400/422 naming "system" or
 * "developer instruction") gets the system prompt folded into the user
 * message. 429, 408 and 5xx (and dropped connections) are retried at most
 * LLM_RETRIES times, waiting Retry-After when given, else an exponential
 * backoff with jitter. Nothing waits past req->deadline.
 *
 * Timeouts: connect 30 s, whole request 90 s. Two environment variables
 * override them, for tests and slow local models:
 *   DOCTAG_LLM_TIMEOUT_SEC  whole-request timeout in seconds (default 90;
 *                           the connect timeout is min(30, this))
 *   DOCTAG_LLM_BACKOFF_MS   base of the exponential backoff (default 1000:
 *                           waits 1, 2, 4 s before the three retries)
 *
 * The API key only ever goes into the Authorization header: it is wiped from
 * memory after the call, and any echo of it by the endpoint is replaced with
 * "[redacted]" in error messages and in the raw response.
 */
#include "tag/llm.h"

#include "core/curllib.h"

#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/stats.h"
#include "core/json.h"
#include "tag/internal.h"
#include "tag/rules.h"

#define LLM_DEFAULT_BASE_URL "https://openrouter.ai/api/v1"
#define LLM_CONNECT_TIMEOUT_SEC 30.0
#define LLM_TIMEOUT_SEC 90.0
#define LLM_BACKOFF_MS 1000.0
#define LLM_RETRIES 3
#define LLM_RETRY_AFTER_MAX_SEC 120.0
#define LLM_MAX_BODY (8u << 20)
#define LLM_EXTRA_TAGS 4        /* asked beyond num_tags: some fall to the rules */
#define LLM_TEMPERATURE 0.2
#define LLM_REFERER "https://github.com/doctag/doctag"
#define LLM_TITLE "doctag"
#define REDACTED "[redacted]"

#ifndef DOCTAG_VERSION_STRING
#define DOCTAG_VERSION_STRING "0"
#endif

/* ---- the per-thread curl handle ---- */

/* libcurl's functions (core/curllib.c), loaded by llm_tag() */
#define C (curllib_loaded())

static pthread_key_t curl_key;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_handle_free(void *h)
{
  C->curl_easy_cleanup(h);
}

static void curl_setup(void)
{
  pthread_key_create(&curl_key, curl_handle_free);
}

/* The calling thread's handle, reset for a new request (its connection cache
 * survives reset). NULL when curl cannot allocate one. */
static CURL *thread_curl(void)
{
  pthread_once(&curl_once, curl_setup);
  CURL *c = pthread_getspecific(curl_key);
  if (c) {
    C->curl_easy_reset(c);
    return c;
  }
  c = C->curl_easy_init();
  if (c && pthread_setspecific(curl_key, c) != 0) {
    C->curl_easy_cleanup(c);
    c = NULL;
  }
  return c;
}

/* ---- small helpers ---- */

static double env_number(const char *name, double def, double min, double max)
{
  const char *v = getenv(name);
  if (!v || !*v)
    return def;
  char *end;
  double d = g_ascii_strtod(v, &end);
  if (end == v || *end || !isfinite(d) || d < min || d > max)
    return def;
  return d;
}

/* `s` with every occurrence of `key` replaced. Newly allocated. */
static char *redact(const char *s, const char *key)
{
  if (!s)
    return NULL;
  if (!key || strlen(key) < 4 || !strstr(s, key))
    return g_strdup(s);
  GString *out = g_string_new(NULL);
  size_t kl = strlen(key);
  for (const char *p = s, *hit; *p; p = hit + kl) {
    hit = strstr(p, key);
    if (!hit) {
      g_string_append(out, p);
      break;
    }
    g_string_append_len(out, p, hit - p);
    g_string_append(out, REDACTED);
  }
  return g_string_free(out, FALSE);
}

static void wipe_free(char *s)
{
  if (s) {
    memset(s, 0, strlen(s));
    g_free(s);
  }
}

/* One line of at most `max` characters of `s`, for messages. */
static char *snippet(const char *s, size_t max)
{
  char *v = g_utf8_make_valid(s ? s : "", -1);
  g_strdelimit(v, "\r\n\t", ' ');
  g_strstrip(v);
  if ((size_t)g_utf8_strlen(v, -1) > max) {
    char *cut = g_utf8_offset_to_pointer(v, (glong)max);
    *cut = '\0';
    char *r = g_strconcat(v, "...", NULL);
    g_free(v);
    return r;
  }
  return v;
}

/* `url` without credentials (user:password@) or query, for messages. */
static char *shown_url(const char *url)
{
  const char *scheme = strstr(url, "://");
  const char *host = scheme ? scheme + 3 : url;
  const char *path = host + strcspn(host, "/?#");
  const char *at = memchr(host, '@', (size_t)(path - host));
  GString *out = g_string_new_len(url, host - url);
  g_string_append_len(out, at ? at + 1 : host, path - (at ? at + 1 : host));
  g_string_append_len(out, path, (gssize)strcspn(path, "?#"));
  return g_string_free(out, FALSE);
}

/* ---- one HTTP exchange ---- */

typedef struct http_reply {
  long status;
  GString *body;
  double retry_after; /* seconds; < 0: none */
} http_reply;

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
  GString *b = ud;
  size_t len = size * n;
  if (b->len + len > LLM_MAX_BODY)
    return 0; /* curl fails with CURLE_WRITE_ERROR */
  g_string_append_len(b, data, (gssize)len);
  return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
  http_reply *r = ud;
  size_t len = size * n;
  static const char name[] = "retry-after:";
  if (len > sizeof name - 1 && !g_ascii_strncasecmp(data, name, sizeof name - 1)) {
    char *v = g_strndup(data + sizeof name - 1, len - (sizeof name - 1));
    g_strstrip(v);
    char *end;
    double secs = g_ascii_strtod(v, &end);
    if (end != v && !*end && isfinite(secs) && secs >= 0) {
      r->retry_after = secs;
    } else {
      time_t when = C->curl_getdate(v, NULL); /* an HTTP date */
      if (when > 0)
        r->retry_after = MAX(0.0, difftime(when, time(NULL)));
    }
    g_free(v);
  }
  return len;
}

static CURLcode http_post(const char *url, struct curl_slist *headers, const char *payload,
                          double timeout, double connect_timeout, http_reply *r, char *errbuf)
{
  CURL *c = thread_curl();
  if (!c)
    return CURLE_OUT_OF_MEMORY;
  r->status = 0;
  r->retry_after = -1;
  g_string_truncate(r->body, 0);
  errbuf[0] = '\0';
  C->curl_easy_setopt(c, CURLOPT_URL, url);
  C->curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  C->curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  C->curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  C->curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  C->curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
  C->curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
  C->curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  C->curl_easy_setopt(c, CURLOPT_WRITEDATA, r->body);
  C->curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  C->curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  C->curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  C->curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)MAX(1.0, timeout * 1000.0));
  C->curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)MAX(1.0, connect_timeout * 1000.0));
  C->curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  C->curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  C->curl_easy_setopt(c, CURLOPT_USERAGENT, "doctag/" DOCTAG_VERSION_STRING);
  CURLcode rc = C->curl_easy_perform(c);
  C->curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  stats_llm_request();
  if (rc != CURLE_OK || r->status < 200 || r->status >= 300)
    stats_llm_error();
  /* The header list is freed by the caller: leave nothing dangling. */
  C->curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
  C->curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
  return rc;
}

/* ---- a tagging session: the conversation with one model ---- */

typedef struct llm_session {
  const tag_request *req;
  char *url;
  char *shown_url;  /* for messages: no user:password@, no query */
  struct curl_slist *headers;
  bool use_schema;
  bool use_system;
  double timeout, connect_timeout, backoff_ms;
  unsigned int tokens;
  char *model_ran;
} llm_session;

static doctag_status session_init(llm_session *s, const doctag_ctx *ctx, const tag_request *req)
{
  memset(s, 0, sizeof *s);
  s->req = req;
  s->use_schema = true;
  s->use_system = true;
  s->timeout = env_number("DOCTAG_LLM_TIMEOUT_SEC", LLM_TIMEOUT_SEC, 0.05, 3600);
  s->connect_timeout = MIN(LLM_CONNECT_TIMEOUT_SEC, s->timeout);
  s->backoff_ms = env_number("DOCTAG_LLM_BACKOFF_MS", LLM_BACKOFF_MS, 0, 600000);

  const char *base = ctx && ctx->llm_base_url && *ctx->llm_base_url ? ctx->llm_base_url : LLM_DEFAULT_BASE_URL;
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/')
    bl--;
  s->url = g_strdup_printf("%.*s/chat/completions", (int)bl, base);
  s->shown_url = shown_url(s->url);

  const char *key = req->api_key;
  if (key && *key) {
    for (const char *p = key; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        return err_set(DOCTAG_EINVAL, "the API key contains control characters");
  }
  struct curl_slist *h = NULL;
  h = C->curl_slist_append(h, "Content-Type: application/json");
  h = C->curl_slist_append(h, "Accept: application/json");
  h = C->curl_slist_append(h, "Expect:");
  h = C->curl_slist_append(h, "HTTP-Referer: " LLM_REFERER);
  h = C->curl_slist_append(h, "X-Title: " LLM_TITLE);
  if (key && *key) {
    char *auth = g_strconcat("Authorization: Bearer ", key, NULL);
    h = C->curl_slist_append(h, auth);
    wipe_free(auth);
  }
  s->headers = h;
  return h ? DOCTAG_OK : err_nomem();
}

static void session_clear(llm_session *s)
{
  /* Wipe the copy of the key in the header list before freeing it. */
  for (struct curl_slist *h = s->headers; h; h = h->next)
    if (g_str_has_prefix(h->data, "Authorization:"))
      memset(h->data, 0, strlen(h->data));
  C->curl_slist_free_all(s->headers);
  g_free(s->url);
  g_free(s->shown_url);
  g_free(s->model_ran);
  memset(s, 0, sizeof *s);
}

/* The request body: `turns` alternate user, assistant, user... */
static char *build_payload(llm_session *s, GPtrArray *turns, json_t *format)
{
  json_t *msgs = json_array();
  for (guint i = 0; i < turns->len; i++) {
    const char *role = i % 2 ? "assistant" : "user";
    char *text = g_utf8_make_valid(turns->pdata[i], -1); /* jansson takes UTF-8 only */
    if (i == 0 && s->use_system) {
      json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system", "content", llm_system_prompt()));
    } else if (i == 0) {
      char *folded = g_strconcat(llm_system_prompt(), "\n\n", text, NULL);
      g_free(text);
      text = folded;
    }
    json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", role, "content", text));
    g_free(text);
  }
  json_t *body = json_pack("{s:s, s:o, s:f}", "model", s->req->model_name, "messages", msgs,
                           "temperature", LLM_TEMPERATURE);
  if (s->use_schema && format)
    json_object_set(body, "response_format", format);
  char *out = json_dumps(body, JSON_OUT);
  json_decref(body);
  return out;
}

/* Everything an error body says (OpenAI's {"error": {"message"}} plus
 * OpenRouter's metadata.raw / provider_name), to recognise what the model
 * cannot do; never shown (provider_message() is). */
static char *provider_text(const GString *body)
{
  json_t *j = json_loadb(body->str, body->len, 0, NULL);
  json_t *e = j ? json_object_get(j, "error") : NULL;
  GString *m = g_string_new(NULL);
  if (json_is_string(e)) {
    g_string_append(m, json_string_value(e));
  } else if (json_is_object(e)) {
    const char *msg = json_string_value(json_object_get(e, "message"));
    g_string_append(m, msg ? msg : "");
    json_t *meta = json_object_get(e, "metadata");
    const char *prov = json_string_value(json_object_get(meta, "provider_name"));
    json_t *rawv = json_object_get(meta, "raw");
    char *raw = json_is_string(rawv) ? g_strdup(json_string_value(rawv))
                                      : rawv ? json_dumps(rawv, JSON_OUT) : NULL;
    if (prov)
      g_string_append_printf(m, " (provider %s)", prov);
    if (raw && *raw)
      g_string_append_printf(m, ": %s", raw);
    free(raw);
  } else if (j && json_is_string(json_object_get(j, "detail"))) {
    g_string_append(m, json_string_value(json_object_get(j, "detail")));
  } else if (j && json_is_string(json_object_get(j, "message"))) {
    g_string_append(m, json_string_value(json_object_get(j, "message")));
  }
  if (!m->len)
    g_string_append_len(m, body->str, (gssize)MIN(body->len, 300));
  json_decref(j);
  char *s = snippet(m->str, 300);
  g_string_free(m, TRUE);
  return s;
}

/* A summary of an error body: OpenAI's {"error": {"message"}} (or a
 * "detail" / "message" string) cut short, and OpenRouter's provider_name.
 * Never the body itself nor metadata.raw: they carry the upstream's whole
 * answer, which is not ours to hand to clients. */
#define LLM_ERROR_MAX 200
static char *provider_message(const GString *body)
{
  json_t *j = json_loadb(body->str, body->len, 0, NULL);
  json_t *e = j ? json_object_get(j, "error") : NULL;
  const char *msg = NULL, *prov = NULL;
  if (json_is_string(e)) {
    msg = json_string_value(e);
  } else if (json_is_object(e)) {
    msg = json_string_value(json_object_get(e, "message"));
    prov = json_string_value(json_object_get(json_object_get(e, "metadata"), "provider_name"));
  } else if (j && json_is_string(json_object_get(j, "detail"))) {
    msg = json_string_value(json_object_get(j, "detail"));
  } else if (j && json_is_string(json_object_get(j, "message"))) {
    msg = json_string_value(json_object_get(j, "message"));
  }
  char *s;
  if (msg && *msg) {
    char *m = snippet(msg, LLM_ERROR_MAX);
    char *p = prov ? snippet(prov, 40) : NULL;
    s = p ? g_strdup_printf("%s (provider %s)", m, p) : g_strdup(m);
    g_free(m);
    g_free(p);
  } else {
    s = g_strdup_printf("no error message in its %zu-byte %s answer", body->len, j ? "JSON" : "non-JSON");
  }
  json_decref(j);
  return s;
}

static bool mentions(const char *msg, const char *const *words)
{
  char *l = g_utf8_strdown(msg, -1);
  bool hit = false;
  for (; *words && !hit; words++)
    hit = strstr(l, *words) != NULL;
  g_free(l);
  return hit;
}

static bool retryable_status(long status)
{
  return status == 408 || status == 425 || status == 429 || status >= 500;
}

static bool retryable_curl(CURLcode rc)
{
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR ||
         rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE || rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM;
}

/* The completion's text: message.content as a string or as parts. */
static char *completion_text(json_t *j)
{
  json_t *msg = json_object_get(json_array_get(json_object_get(j, "choices"), 0), "message");
  json_t *content = json_object_get(msg, "content");
  if (json_is_string(content))
    return g_strdup(json_string_value(content));
  if (json_is_array(content)) {
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < json_array_size(content); i++) {
      const char *t = json_string_value(json_object_get(json_array_get(content, i), "text"));
      if (t)
        g_string_append(s, t);
    }
    return g_string_free(s, FALSE);
  }
  return NULL;
}

static double seconds_left(const tag_request *req)
{
  return req->deadline > 0 ? req->deadline - ctx_now() : INFINITY;
}

/* One completion, with the fallbacks and retries. On success *content is
 * the answer's text with any echo of the key redacted (g_free). */
static doctag_status chat(llm_session *s, GPtrArray *turns, json_t *format, char **content)
{
  static const char *const schema_words[] = { "response_format", "json_schema", "structured output",
                                              "response format", "json schema",
                                              "requested parameters", NULL };
  static const char *const system_words[] = { "system", "developer instruction", NULL };
  const char *key = s->req->api_key;
  http_reply r = { 0, g_string_new(NULL), -1 };
  char errbuf[CURL_ERROR_SIZE];
  doctag_status st = DOCTAG_OK;
  unsigned int retries = 0;
  *content = NULL;

  for (;;) {
    double left = seconds_left(s->req);
    if (left <= 0) {
      st = err_set(DOCTAG_ETIMEOUT, "no time left for the LLM request to %s (the document's deadline passed)",
                   s->shown_url);
      break;
    }
    char *payload = build_payload(s, turns, format);
    if (!payload) {
      st = err_set(DOCTAG_EINTERNAL, "could not encode the LLM request as JSON");
      break;
    }
    double timeout = MIN(s->timeout, left);
    CURLcode rc = http_post(s->url, s->headers, payload, timeout, MIN(s->connect_timeout, timeout), &r, errbuf);
    free(payload);

    char *why = NULL;       /* set: a failure that may be retried */
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      if (timeout < s->timeout)
        st = err_set(DOCTAG_ETIMEOUT, "the LLM endpoint %s did not answer before the document's deadline "
                     "(%.1f s left; model %s)", s->shown_url, timeout, s->req->model_name);
      else
        st = err_set(DOCTAG_ETIMEOUT, "the LLM endpoint %s did not answer within %.0f s (model %s)",
                     s->shown_url, ceil(timeout), s->req->model_name);
      break;
    } else if (rc == CURLE_WRITE_ERROR) { /* only on_body fails writes: over the cap */
      st = err_set(DOCTAG_ELLM, "the LLM endpoint's answer is larger than %u MB", LLM_MAX_BODY >> 20);
      break;
    } else if (rc != CURLE_OK) {
      why = g_strdup_printf("%s", errbuf[0] ? errbuf : C->curl_easy_strerror(rc));
      if (!retryable_curl(rc)) {
        st = err_set(DOCTAG_ELLM, "LLM request to %s failed: %s", s->shown_url, why);
        g_free(why);
        break;
      }
    } else if (r.status >= 200 && r.status < 300) {
      json_t *j = json_loadb(r.body->str, r.body->len, 0, NULL);
      json_t *err = j ? json_object_get(j, "error") : NULL;
      if (!j || err)
        stats_llm_error();
      if (!j) {
        st = err_set(DOCTAG_ELLM, "the LLM endpoint answered HTTP %ld with a %zu-byte body that is not JSON",
                     r.status, r.body->len);
        break;
      }
      if (err) {
        /* OpenRouter reports some upstream failures inside a 200. */
        json_int_t code = json_integer_value(json_object_get(err, "code"));
        char *msg = provider_message(r.body), *safe = redact(msg, key);
        g_free(msg);
        json_decref(j);
        if (!retryable_status((long)code)) {
          st = err_set(DOCTAG_ELLM, "the LLM endpoint reported an error (model %s): %s", s->req->model_name, safe);
          g_free(safe);
          break;
        }
        why = g_strdup_printf("error %lld: %s", (long long)code, safe);
        g_free(safe);
      } else {
        json_t *usage = json_object_get(j, "usage");
        json_int_t total = json_integer_value(json_object_get(usage, "total_tokens"));
        if (total > 0) {
          s->tokens += (unsigned int)MIN(total, (json_int_t)G_MAXUINT);
          stats_llm_tokens((uint64_t)total);
        }
        const char *model = json_string_value(json_object_get(j, "model"));
        if (model && *model) {
          g_free(s->model_ran);
          s->model_ran = g_strdup(model);
        }
        char *text = completion_text(j);
        json_decref(j);
        if (!text) {
          st = err_set(DOCTAG_ELLM, "the LLM answer has no message content (model %s)", s->req->model_name);
          break;
        }
        *content = redact(text, key);
        g_free(text);
        break;
      }
    } else {
      char *msg = provider_message(r.body), *safe = redact(msg, key);
      char *said = provider_text(r.body);
      bool says_schema = mentions(said, schema_words), says_system = mentions(said, system_words);
      g_free(said);
      g_free(msg);
      if (r.status == 401) {
        g_free(safe);
        st = err_set(DOCTAG_ELLM, "Invalid API key. Please check your OpenRouter API key.");
        break;
      }
      if (s->use_schema && format && (r.status == 400 || r.status == 404 || r.status == 422) &&
          says_schema) {
        s->use_schema = false; /* this model cannot do structured output */
        g_free(safe);
        continue;
      }
      if (s->use_system && (r.status == 400 || r.status == 422) && says_system) {
        s->use_system = false; /* fold the system prompt into the user message */
        g_free(safe);
        continue;
      }
      if (!retryable_status(r.status)) {
        st = err_set(DOCTAG_ELLM, "the LLM endpoint answered HTTP %ld (model %s): %s", r.status,
                     s->req->model_name, safe);
        g_free(safe);
        break;
      }
      why = g_strdup_printf("HTTP %ld: %s", r.status, safe);
      g_free(safe);
    }

    /* A retryable failure. */
    if (retries >= LLM_RETRIES) {
      st = err_set(DOCTAG_ELLM, "the LLM endpoint %s failed (model %s): %s (after %u retries)", s->shown_url,
                   s->req->model_name, why, retries);
      g_free(why);
      break;
    }
    double wait;
    if (r.retry_after >= 0) {
      wait = MIN(r.retry_after, LLM_RETRY_AFTER_MAX_SEC);
    } else {
      wait = s->backoff_ms / 1000.0 * (double)(1u << retries);
      wait *= 1.0 + g_random_double_range(0.0, 0.25); /* jitter: workers do not retry in step */
    }
    if (wait >= seconds_left(s->req)) {
      st = err_set(DOCTAG_ELLM, "the LLM endpoint %s failed (model %s): %s; waiting %.1f s to retry would pass "
                   "the document's deadline", s->shown_url, s->req->model_name, why, wait);
      g_free(why);
      break;
    }
    g_free(why);
    retries++;
    g_usleep((gulong)(wait * G_USEC_PER_SEC));
  }
  g_string_free(r.body, TRUE);
  return st;
}

/* Scores fall with the position in the answer: the model lists its best
 * first, and a second round's tags rank after the first's. */
static void apply(const tag_request *req, GPtrArray *cands, double top, double bottom, tag_outcome *out)
{
  if (!cands->len)
    return;
  double *scores = g_new(double, cands->len);
  for (guint i = 0; i < cands->len; i++)
    scores[i] = top - (top - bottom) * (double)i / (double)cands->len;
  rules_apply(req, (char *const *)cands->pdata, scores, cands->len, out);
  g_free(scores);
}

static unsigned int distinct_vocabulary(const tag_request *req)
{
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (size_t i = 0; i < req->vocabulary_count; i++)
    if (req->vocabulary[i] && *req->vocabulary[i])
      g_hash_table_add(seen, g_utf8_casefold(req->vocabulary[i], -1));
  unsigned int n = g_hash_table_size(seen);
  g_hash_table_destroy(seen);
  return n;
}

doctag_status llm_tag(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out)
{
  if (!req || !out || !req->model_name || !*req->model_name || req->num_tags == 0)
    return err_set(DOCTAG_EINVAL, "LLM tagging needs a model name and a number of tags");
  if (!curllib_get(DOCTAG_ELLM))
    return DOCTAG_ELLM;

  llm_session s;
  doctag_status st = session_init(&s, ctx, req);
  if (st != DOCTAG_OK) {
    session_clear(&s);
    return st;
  }

  unsigned int want = req->num_tags, ask = want + LLM_EXTRA_TAGS;
  if (req->vocabulary_count) {
    unsigned int v = MAX(1u, distinct_vocabulary(req));
    want = MIN(want, v);
    ask = MIN(ask, v);
  }

  GPtrArray *turns = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(turns, llm_user_prompt(req, ask));
  json_t *format = llm_response_format(req);
  char *content = NULL;
  GPtrArray *cands = NULL;

  st = chat(&s, turns, format, &content);
  if (st != DOCTAG_OK)
    goto done;
  cands = llm_parse(content, want);
  if (!cands->len) {
    char *snip = snippet(content, 200);
    st = err_set(DOCTAG_ELLM, "the LLM answer contains no tags (model %s): \"%s\"", req->model_name, snip);
    g_free(snip);
    goto done;
  }
  apply(req, cands, 1.0, 0.5, out);

  if (out->count < want) {
    /* Once more, for the missing ones. A failure here keeps what we have. */
    unsigned int missing = want - (unsigned int)out->count;
    unsigned int more = missing + (req->vocabulary_count ? 0 : MIN(LLM_EXTRA_TAGS, missing + 1));
    g_ptr_array_add(turns, g_strdup(content));
    g_ptr_array_add(turns, llm_followup_prompt(req, (char *const *)cands->pdata, cands->len, more));
    char *again = NULL;
    if (chat(&s, turns, format, &again) == DOCTAG_OK) {
      g_free(content);
      content = again;
      GPtrArray *extra = llm_parse(content, missing);
      apply(req, extra, 0.5, 0.25, out);
      g_ptr_array_unref(extra);
    }
    err_clear();
  }

  g_free(out->model_name);
  out->model_name = g_strdup(s.model_ran ? s.model_ran : req->model_name);
  g_free(out->raw_response);
  out->raw_response = content;
  content = NULL;

done:
  out->tokens_used += s.tokens;
  if (cands)
    g_ptr_array_unref(cands);
  g_free(content);
  json_decref(format);
  g_ptr_array_unref(turns);
  session_clear(&s);
  return st;
}
