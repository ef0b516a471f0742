/* Every response leaves through here: X-Request-ID, the access log line,
 * the request counters of /metrics.
 *
 * The log is one JSON object per line on stderr (the journal under
 * systemd): time, request id, method, path with the query's names but not
 * its values (tokens travel in ?token=), status, body bytes, duration, the
 * user when known, and what a handler adds (a failed login's email hash).
 * Lines are gathered per worker and written a buffer at a time, at most
 * LOG_FLUSH_MS late: one write(2) per request would cost /api/status a
 * tenth of its rate. A buffer never exceeds PIPE_BUF, so the workers'
 * writes to one pipe do not interleave inside a line. */
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_FLUSH_MS 250
#define LOG_BUF PIPE_BUF
#define PATH_MAX_LOGGED 512
#define REQUEST_ID_MAX 64

static struct {
  bool on;
  char buf[LOG_BUF];
  size_t len;
  uint64_t id_seed[2];
  uint64_t id_count;
  gint64 entry_us;   /* when the handler now running was first called */
} lg;

static void log_flush(void)
{
  size_t off = 0;
  while (off < lg.len) {
    ssize_t n = write(STDERR_FILENO, lg.buf + off, lg.len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;  /* nowhere to write: drop, never block the event loop on it */
    off += (size_t)n;
  }
  lg.len = 0;
}

static void log_tick(void *arg, uint64_t now)
{
  (void)arg;
  (void)now;
  if (lg.len)
    log_flush();
}

void srv_accesslog_init(void)
{
  const char *v = getenv("DOCTAG_ACCESS_LOG");
  lg.on = !(v && (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0")));
  /* Ids only need to differ: a random start per worker and a counter. */
  for (int i = 0; i < 2; i++)
    lg.id_seed[i] = ((uint64_t)g_random_int() << 32) | g_random_int();
  if (lg.on)
    kore_timer_add(log_tick, LOG_FLUSH_MS, NULL, 0);
}

void srv_accesslog_flush(void)
{
  if (lg.len)
    log_flush();
}

void srv_request_begin(void)
{
  lg.entry_us = g_get_monotonic_time();
}

gint64 srv_request_entry(void)
{
  return lg.entry_us;
}

bool srv_request_id_valid(const char *s)
{
  size_t n = s ? strlen(s) : 0;
  return n >= 1 && n <= REQUEST_ID_MAX && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static uint64_t mix(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void new_request_id(char *out);

/* The request's id into out (REQUEST_ID_MAX + 1 bytes). */
static void request_id(struct http_request *req, char *out)
{
  const char *given = srv_header(req, "x-request-id");
  if (srv_request_id_valid(given)) {
    memcpy(out, given, strlen(given) + 1);
    return;
  }
  new_request_id(out);
}

/* A line being written: a fixed buffer, cut (never overrun) when full. */
typedef struct line {
  char b[1024];
  size_t n;
} line;

static void put(line *l, const char *s, size_t len)
{
  if (len > sizeof l->b - l->n)
    len = sizeof l->b - l->n;
  memcpy(l->b + l->n, s, len);
  l->n += len;
}

static void puts_(line *l, const char *s)
{
  put(l, s, strlen(s));
}

static void put_uint(line *l, uint64_t v)
{
  char d[24];
  int i = (int)sizeof d;
  do
    d[--i] = (char)('0' + v % 10);
  while ((v /= 10) && i > 0);
  put(l, d + i, sizeof d - (size_t)i);
}

/* Appends s as a JSON string's content, at most `max` input bytes, up to
 * `stop` (e.g. '&' or '=') when not NUL. */
static void put_escaped(line *l, const char *s, size_t max, const char *stop)
{
  static const char hex[] = "0123456789abcdef";
  bool utf8 = g_utf8_validate(s, -1, NULL);
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && n < max && !(stop && strchr(stop, *p)); p++, n++) {
    if (*p == '"' || *p == '\\') {
      char e[2] = { '\\', (char)*p };
      put(l, e, 2);
    } else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8)) {
      char e[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
      put(l, e, 6);
    } else {
      put(l, (const char *)p, 1);
    }
  }
}

/* The query string with each value dropped: "limit&query". */
static void put_query_names(line *l, const char *q)
{
  bool first = true;
  while (q && *q) {
    if (*q != '&' && *q != '=') {
      if (!first)
        put(l, "&", 1);
      put_escaped(l, q, 64, "&=");
      first = false;
    }
    q = strchr(q, '&');
    if (q)
      q++;
  }
}

static const char *method_name(int m)
{
  switch (m) {
  case HTTP_METHOD_GET: return "GET";
  case HTTP_METHOD_POST: return "POST";
  case HTTP_METHOD_PUT: return "PUT";
  case HTTP_METHOD_DELETE: return "DELETE";
  case HTTP_METHOD_HEAD: return "HEAD";
  case HTTP_METHOD_OPTIONS: return "OPTIONS";
  case HTTP_METHOD_PATCH: return "PATCH";
  default: return "OTHER";
  }
}

/* "2026-12-01T10:01:22.458Z": the part up to the seconds is formatted once
 * a second. */
static void put_time(line *l)
{
  static time_t cached_sec = -1;
  static char cached[24];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != cached_sec) {
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S.", &tm);
    cached_sec = ts.tv_sec;
  }
  puts_(l, cached);
  long ms = ts.tv_nsec / 1000000;
  char m[4] = { (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z' };
  put(l, m, 4);
}

static void log_line_of(const char *method, const char *path, const char *query, const char *rid, int status,
                        size_t bytes, gint64 us, const char *user_id, const char *note)
{
  line l;
  l.n = 0;
  puts_(&l, "{\"time\":\"");
  put_time(&l);
  puts_(&l, "\",\"request_id\":\"");
  puts_(&l, rid);  /* [A-Za-z0-9._-] only */
  puts_(&l, "\",\"method\":\"");
  put_escaped(&l, method, 16, NULL);
  puts_(&l, "\",\"path\":\"");
  put_escaped(&l, path ? path : "", PATH_MAX_LOGGED, NULL);
  if (query && *query) {
    put(&l, "?", 1);
    put_query_names(&l, query);
  }
  puts_(&l, "\",\"status\":");
  put_uint(&l, (uint64_t)(status > 0 ? status : 0));
  puts_(&l, ",\"bytes\":");
  put_uint(&l, bytes);
  puts_(&l, ",\"duration_ms\":");
  uint64_t u = (uint64_t)(us > 0 ? us : 0);
  put_uint(&l, u / 1000);
  char frac[4] = { '.', (char)('0' + u / 100 % 10), (char)('0' + u / 10 % 10), (char)('0' + u % 10) };
  put(&l, frac, 4);
  puts_(&l, ",\"user_id\":");
  if (user_id) {
    put(&l, "\"", 1);
    put_escaped(&l, user_id, 64, NULL);
    put(&l, "\"", 1);
  } else {
    puts_(&l, "null");
  }
  if (note && *note) {
    put(&l, ",", 1);
    puts_(&l, note);
  }
  if (l.n > sizeof l.b - 2)
    l.n = sizeof l.b - 2;  /* cut (only a note could make it this long) */
  put(&l, "}\n", 2);
  if (lg.len + l.n > sizeof lg.buf)
    log_flush();
  memcpy(lg.buf + lg.len, l.b, l.n);
  lg.len += l.n;
}

static void log_line(struct http_request *req, const char *rid, int status, size_t bytes, gint64 us,
                     const char *user_id, const char *note)
{
  log_line_of(method_name(req->method), req->path, req->query_string, rid, status, bytes, us, user_id, note);
}

static void new_request_id(char *out)
{
  uint64_t n = ++lg.id_count;
  g_snprintf(out, REQUEST_ID_MAX + 1, "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
             (guint64)mix(lg.id_seed[0] + n), (guint64)(lg.id_seed[1] ^ mix(n)));
}

void srv_request_done_raw(const char *method, const char *path, const char *query, const char *given_rid,
                          int status, size_t bytes, char *rid_out)
{
  if (srv_request_id_valid(given_rid))
    memcpy(rid_out, given_rid, strlen(given_rid) + 1);
  else
    new_request_id(rid_out);
  if (lg.on) {
    log_line_of(method && *method ? method : "-", path, query, rid_out, status, bytes, 0, NULL,
                "\"answered_before_routing\":true");
    log_flush();  /* the connection closes now; these are rare */
  }
}

void srv_request_done(struct http_request *req, int status, size_t bytes, const char *user_id, const char *note,
                      char *rid_out)
{
  char rid[REQUEST_ID_MAX + 1];
  request_id(req, rid);
  http_response_header(req, "x-request-id", rid);
  if (rid_out)
    memcpy(rid_out, rid, strlen(rid) + 1);
  gint64 t0 = srv_async_started(req);
  gint64 us = g_get_monotonic_time() - (t0 ? t0 : lg.entry_us);
  if (lg.on)
    log_line(req, rid, status, bytes, us, user_id, note);
  srv_metrics_request(req, status, us);
}

void srv_respond(struct http_request *req, int status, const void *body, size_t len)
{
  srv_request_done(req, status, body ? len : 0, NULL, NULL, NULL);
  http_response(req, status, body, len);
}

char *srv_email_note(const char *event, const char *email)
{
  char *low = g_utf8_strdown(email ? email : "", -1);
  char *trimmed = g_strstrip(low);
  char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, trimmed, -1);
  char *note = g_strdup_printf("\"event\":\"%s\",\"email_sha256\":\"%s\"", event, hash);
  g_free(hash);
  g_free(low);
  return note;
}
