/* Answers given before any handler runs, by kore itself or by http_guard.c,
 * made like every other answer: a JSON {"detail"}, X-Request-ID, and an
 * access-log line.
 *
 * Kore 4.1 answers some requests on its own with a bare status and no body
 * (http_error_response(), static in kore's http.c): 400 for a request line
 * or header it cannot parse, 408 when the headers or the body do not arrive
 * within http_header_timeout / http_body_timeout, 413 for a Content-Length
 * past http_body_max, 414, 405, 411, 505, 503. There is no hook for them,
 * but every byte kore sends passes through c->write: wrapped here, a
 * response that kore made (status >= 400, CONN_CLOSE_EMPTY set by
 * http_error_response, and no X-Request-ID, which every response of ours
 * carries) is replaced by ours, sent on the socket, and reported to kore as
 * written; the connection then closes as kore meant. */
#include "server.h"

#include <string.h>

#define HEAD_SCAN 8192

static int (*kore_write)(struct connection *, size_t, size_t *);

/* The end of a raw header block, even after kore's parser cut it into
 * strings in place ("\r\n" and " " become NUL; the blank line's first '\r'
 * too, leaving "\n\r\n").  */
static size_t head_length(const char *b, size_t len)
{
  for (size_t i = 0; i + 3 <= len; i++)
    if ((b[i] == '\n' && b[i + 1] == '\r' && b[i + 2] == '\n') || (b[i] == '\n' && b[i + 1] == '\n'))
      return i;
  return len;
}

static bool is_sep(char ch)
{
  return ch == '\0' || ch == '\r' || ch == '\n';
}

/* What is known of the request being answered: from kore's request when
 * it made one, else from the raw bytes read so far. Strings g_malloc'd
 * (NULL when unknown): the method, the path and query of its first line,
 * and the client's X-Request-ID. */
static void request_line(struct connection *c, char **method, char **path, char **query, char **rid)
{
  *method = *path = *query = *rid = NULL;
  struct http_request *req = NULL, *r;
  TAILQ_FOREACH(r, &c->http_requests, olist)
    req = r;
  if (req) {
    *method = g_strdup(http_method_text(req->method));
    *path = g_strdup(req->path);
    *query = req->query_string ? g_strdup(req->query_string) : NULL;
    const char *v = srv_header(req, "x-request-id");
    *rid = v ? g_strdup(v) : NULL;
    return;
  }
  struct netbuf *nb = c->rnb;
  if (!nb || !nb->buf)
    return;
  const char *b = (const char *)nb->buf;
  size_t len = head_length(b, MIN(nb->b_len, (size_t)HEAD_SCAN));
  size_t m = 0;
  while (m < len && m < 16 && g_ascii_isupper(b[m]))
    m++;
  if (m == 0 || m >= len || (b[m] != ' ' && b[m] != '\0'))
    return;  /* not a request line */
  *method = g_strndup(b, m);
  size_t t = m + 1, e = t;
  while (e < len && b[e] != ' ' && !is_sep(b[e]))
    e++;
  const char *q = memchr(b + t, '?', e - t);
  *path = g_strndup(b + t, (size_t)((q ? q : b + e) - (b + t)));
  if (q)
    *query = g_strndup(q + 1, (size_t)(b + e - q - 1));
  for (size_t i = e; i + 13 < len; i++) {
    if (!is_sep(b[i]) || is_sep(b[i + 1]) || g_ascii_strncasecmp(b + i + 1, "x-request-id:", 13))
      continue;
    size_t v = i + 14, ve = v;
    while (ve < len && !is_sep(b[ve]))
      ve++;
    *rid = g_strstrip(g_strndup(b + v, ve - v));
    break;
  }
}

int srv_early_answer(struct connection *c, int status, const char *reason, const char *detail)
{
  char *method, *path, *query, *given;
  request_line(c, &method, &path, &query, &given);
  char rid[65];
  json_t *body = json_pack("{s:s}", "detail", detail);
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  srv_request_done_raw(method, path, query, given, status, strlen(text), rid);
  char *resp = g_strdup_printf("HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %zu\r\n"
                               "x-request-id: %s\r\n%sconnection: close\r\n\r\n%s", status, reason,
                               strlen(text), rid, srv.cors_any ? "access-control-allow-origin: *\r\n" : "", text);
  size_t len = strlen(resp);
  for (size_t off = 0; off < len;) {
    ssize_t n = send(c->fd, resp + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  g_free(resp);
  free(text);
  g_free(method);
  g_free(path);
  g_free(query);
  g_free(given);
  return KORE_RESULT_ERROR;
}

static const char *detail_for(int status)
{
  switch (status) {
  case 400: return "Bad Request: the request line or a header could not be parsed";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout: the request did not arrive in time";
  case 411: return "Length Required";
  case 413: return "Request body too large";
  case 414: return "Request URI too long";
  case 503: return "Service Unavailable: too many requests on this connection";
  case 505: return "HTTP Version Not Supported";
  default: return http_status_text(status);
  }
}

/* Whether buf[0..len) is a whole answer of kore's own: its status and length. */
static bool kore_answer(const char *buf, size_t len, int *status)
{
  if (len < 16 || (strncmp(buf, "HTTP/1.1 ", 9) && strncmp(buf, "HTTP/1.0 ", 9)))
    return false;
  if (!g_ascii_isdigit(buf[9]) || !g_ascii_isdigit(buf[10]) || !g_ascii_isdigit(buf[11]))
    return false;
  *status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
  const char *end = g_strstr_len(buf, (gssize)len, "\r\n\r\n");
  if (*status < 400 || !end)
    return false;
  size_t head = (size_t)(end - buf) + 4;
  for (const char *l = buf; l && l < end; l = g_strstr_len(l + 2, end - l - 2, "\r\n")) {
    const char *h = l == buf ? l : l + 2;
    if (!g_ascii_strncasecmp(h, "x-request-id:", 13))
      return false;  /* one of ours */
  }
  /* kore's pretty error body, if any, is counted in its content-length */
  const char *cl = NULL;
  for (const char *l = g_strstr_len(buf, end - buf, "\r\n"); l && l < end; l = g_strstr_len(l + 2, end - l - 2, "\r\n"))
    if (!g_ascii_strncasecmp(l + 2, "content-length:", 15))
      cl = l + 17;
  size_t body = cl ? (size_t)g_ascii_strtoull(cl, NULL, 10) : 0;
  return head + body == len;
}

static int early_write(struct connection *c, size_t len, size_t *written)
{
  struct netbuf *nb = c->snb;
  int status;
  if (c->proto == CONN_PROTO_HTTP && (c->flags & CONN_CLOSE_EMPTY) && nb && nb->s_off == 0 &&
      len == nb->b_len && kore_answer((const char *)nb->buf, len, &status)) {
    srv_early_answer(c, status, http_status_text(status), detail_for(status));
    *written = len;
    return KORE_RESULT_OK;
  }
  return kore_write(c, len, written);
}

void srv_early_wrap(struct connection *c)
{
  if (!kore_write)
    kore_write = c->write;
  if (c->write == kore_write)
    c->write = early_write;
}
