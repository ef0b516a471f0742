/* Every response leaves through here: X-Request-ID, the access log line,
 * the request counters of /metrics.
 *
 * The log is one JSON object per line on stderr (the journal under
 * systemd): time, request id, method, path with the query's names but not
 * its values (tokens travel in ?token=), status, body bytes, duration, the
 * user when known, and what a handler adds (a failed login's email hash).
 *
 * Cost (issue 14: /api/status keeps 90% of its rate): a line is formatted
 * straight into the worker's buffer with no allocation, no printf and one
 * clock read, and the buffer is written whole, at most LOG_FLUSH_MS late, so
 * a request costs a fraction of one write(2). Into a pipe or socket a buffer
 * never exceeds PIPE_BUF, so the workers' writes to one pipe do not
 * interleave inside a line; into a regular file (whose writes Linux never
 * interleaves) it holds LOG_BUF_FILE. bench/accesslog.sh measures it. */
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_FLUSH_MS 250
#define LOG_BUF_FILE 65536
#define LINE_MAX_BYTES 1024
#define PATH_MAX_LOGGED 512
#define REQUEST_ID_MAX 64

static struct {
  bool on;
  char buf[LOG_BUF_FILE + LINE_MAX_BYTES];  /* a line is formatted past len */
  size_t len, cap;   /* cap: PIPE_BUF or LOG_BUF_FILE, by what stderr is */
  uint64_t id_seed[2];
  uint64_t id_count;
  gint64 entry_us;   /* when the handler now running was first called */
  gint64 real_offset; /* real time - monotonic time, renewed every tick */
} lg;

/* The clock read once per tick instead of once per line: a line's time is
 * its monotonic end + this (a clock step shows within LOG_FLUSH_MS). */
static void real_offset_renew(void)
{
  lg.real_offset = g_get_real_time() - g_get_monotonic_time();
}

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
  real_offset_renew();
}

void srv_accesslog_init(void)
{
  const char *v = getenv("DOCTAG_ACCESS_LOG");
  lg.on = !(v && (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0")));
  /* Ids only need to differ: a random start per worker and a counter. */
  for (int i = 0; i < 2; i++)
    lg.id_seed[i] = ((uint64_t)g_random_int() << 32) | g_random_int();
  struct stat st;
  lg.cap = fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode) ? LOG_BUF_FILE : PIPE_BUF;
  real_offset_renew();
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

static const char hex[] = "0123456789abcdef";

static void put_hex64(char *out, uint64_t v)
{
  for (int i = 15; i >= 0; i--, v >>= 4)
    out[i] = hex[v & 15];
}

/* A new id into out (REQUEST_ID_MAX + 1 bytes): 32 hex digits. */
static void new_request_id(char *out)
{
  uint64_t n = ++lg.id_count;
  put_hex64(out, mix(lg.id_seed[0] + n));
  put_hex64(out + 16, lg.id_seed[1] ^ mix(n));
  out[32] = '\0';
}

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

/* A line being written at the end of the log buffer, cut (never overrun)
 * at LINE_MAX_BYTES. */
typedef struct line {
  char *b;
  size_t n, max;
} line;

static void put(line *l, const char *s, size_t len)
{
  if (len > l->max - l->n)
    len = l->max - l->n;
  memcpy(l->b + l->n, s, len);
  l->n += len;
}

#define PUT_LIT(l, s) put((l), "" s, sizeof(s) - 1)

static void put_uint(line *l, uint64_t v)
{
  char d[24];
  int i = (int)sizeof d;
  do
    d[--i] = (char)('0' + v % 10);
  while ((v /= 10) && i > 0);
  put(l, d + i, sizeof d - (size_t)i);
}

/* Bytes a JSON string takes as they are: printable ASCII but '"' and '\\'. */
static bool plain(unsigned char c)
{
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Appends s as a JSON string's content, at most `max` input bytes, up to
 * the first `stop` byte (e.g. '&') when not NUL; stop2 likewise. Runs of
 * plain bytes are copied at once; bytes past ASCII are kept when s is UTF-8
 * (checked only then), else escaped. */
static void put_escaped(line *l, const char *s, size_t max, char stop, char stop2)
{
  const unsigned char *p = (const unsigned char *)s;
  int utf8 = -1;  /* not yet checked */
  size_t n = 0;
  while (n < max && p[n] && (!stop || p[n] != stop) && (!stop2 || p[n] != stop2)) {
    size_t run = n;
    while (run < max && plain(p[run]) && p[run] != (unsigned char)stop && p[run] != (unsigned char)stop2)
      run++;
    if (run > n) {
      put(l, (const char *)p + n, run - n);
      n = run;
      continue;
    }
    unsigned char c = p[n++];
    if (c >= 0x80 && utf8 < 0)
      utf8 = g_utf8_validate(s, -1, NULL);
    if (c == '"' || c == '\\') {
      char e[2] = { '\\', (char)c };
      put(l, e, 2);
    } else if (c >= 0x80 && utf8 > 0) {
      put(l, (const char *)&c, 1);
    } else {
      char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
      put(l, e, 6);
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
        PUT_LIT(l, "&");
      put_escaped(l, q, 64, '&', '=');
      first = false;
    }
    q = strchr(q, '&');
    if (q)
      q++;
  }
}

static const char *method_name(int m, size_t *len)
{
  static const struct { const char *s; size_t n; } names[] = {
    { "GET", 3 }, { "POST", 4 }, { "PUT", 3 }, { "DELETE", 6 }, { "HEAD", 4 }, { "OPTIONS", 7 }, { "PATCH", 5 },
    { "OTHER", 5 },
  };
  size_t i;
  switch (m) {
  case HTTP_METHOD_GET: i = 0; break;
  case HTTP_METHOD_POST: i = 1; break;
  case HTTP_METHOD_PUT: i = 2; break;
  case HTTP_METHOD_DELETE: i = 3; break;
  case HTTP_METHOD_HEAD: i = 4; break;
  case HTTP_METHOD_OPTIONS: i = 5; break;
  case HTTP_METHOD_PATCH: i = 6; break;
  default: i = 7; break;
  }
  *len = names[i].n;
  return names[i].s;
}

/* "2026-12-01T10:01:22.458Z" of real_us (microseconds since the epoch):
 * the part up to the seconds is formatted once a second. */
static void put_time(line *l, gint64 real_us)
{
  static gint64 cached_sec = -1;
  static char cached[24];
  static size_t cached_len;
  gint64 sec = real_us / G_USEC_PER_SEC;
  if (sec != cached_sec) {
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    cached_len = strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S.", &tm);
    cached_sec = sec;
  }
  put(l, cached, cached_len);
  long ms = (long)(real_us % G_USEC_PER_SEC / 1000);
  char m[4] = { (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z' };
  put(l, m, 4);
}

static void log_line_of(gint64 real_us, const char *method, size_t method_len, const char *path, const char *query,
                        const char *rid, int status, size_t bytes, gint64 us, const char *user_id, const char *note)
{
  line l = { lg.buf + lg.len, 0, LINE_MAX_BYTES - 2 };  /* room kept for "}\n" */
  PUT_LIT(&l, "{\"time\":\"");
  put_time(&l, real_us);
  PUT_LIT(&l, "\",\"request_id\":\"");
  put(&l, rid, strlen(rid));  /* [A-Za-z0-9._-] only */
  PUT_LIT(&l, "\",\"method\":\"");
  put_escaped(&l, method, method_len < 16 ? method_len : 16, 0, 0);
  PUT_LIT(&l, "\",\"path\":\"");
  put_escaped(&l, path ? path : "", PATH_MAX_LOGGED, 0, 0);
  if (query && *query) {
    PUT_LIT(&l, "?");
    put_query_names(&l, query);
  }
  PUT_LIT(&l, "\",\"status\":");
  put_uint(&l, (uint64_t)(status > 0 ? status : 0));
  PUT_LIT(&l, ",\"bytes\":");
  put_uint(&l, bytes);
  PUT_LIT(&l, ",\"duration_ms\":");
  uint64_t u = (uint64_t)(us > 0 ? us : 0);
  put_uint(&l, u / 1000);
  char frac[4] = { '.', (char)('0' + u / 100 % 10), (char)('0' + u / 10 % 10), (char)('0' + u % 10) };
  put(&l, frac, 4);
  if (user_id) {
    PUT_LIT(&l, ",\"user_id\":\"");
    put_escaped(&l, user_id, 64, 0, 0);
    PUT_LIT(&l, "\"");
  } else {
    PUT_LIT(&l, ",\"user_id\":null");
  }
  if (note && *note) {
    PUT_LIT(&l, ",");
    put(&l, note, strlen(note));  /* cut here if ever too long */
  }
  l.max += 2;
  PUT_LIT(&l, "}\n");
  if (lg.len + l.n > lg.cap) {  /* the lines before it go first, whole */
    log_flush();
    memmove(lg.buf, l.b, l.n);
  }
  lg.len += l.n;
}

void srv_request_done_raw(const char *method, const char *path, const char *query, const char *given_rid,
                          int status, size_t bytes, char *rid_out)
{
  if (srv_request_id_valid(given_rid))
    memcpy(rid_out, given_rid, strlen(given_rid) + 1);
  else
    new_request_id(rid_out);
  if (lg.on) {
    const char *m = method && *method ? method : "-";
    log_line_of(g_get_real_time(), m, strlen(m), path, query, rid_out, status, bytes, 0, NULL,
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
  gint64 now = g_get_monotonic_time();
  gint64 us = now - (t0 ? t0 : lg.entry_us);
  if (lg.on) {
    size_t mlen;
    const char *m = method_name(req->method, &mlen);
    log_line_of(now + lg.real_offset, m, mlen, req->path, req->query_string, rid, status, bytes, us, user_id, note);
  }
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
