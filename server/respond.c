/* Sending responses: JSON bodies, CORS, preflight, 405; request helpers. */
#include "server.h"

#include <stdarg.h>
#include <string.h>

/* Bodies larger than this go out as a stream from our own buffer instead of
 * being copied into kore's send buffers (a 50 MB PDF is not held twice). */
#define STREAM_MIN 65536

#define CORS_METHODS "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"

srv_settings srv;

void srv_reply_clear(srv_reply *r)
{
  g_free(r->body);
  g_free(r->log_user);
  g_free(r->log_note);
  if (r->headers)
    g_ptr_array_free(r->headers, TRUE);
  memset(r, 0, sizeof *r);
}

void srv_reply_json(srv_reply *r, int status, json_t *json)
{
  char *text = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(10));
  json_decref(json);
  g_free(r->body);
  r->body = g_strdup(text ? text : "null");
  r->len = strlen(r->body);
  free(text);
  r->status = status;
  r->content_type = NULL;
}

void srv_reply_json_text(srv_reply *r, int status, char *json)
{
  g_free(r->body);
  r->body = json;
  r->len = json ? strlen(json) : 0;
  r->status = status;
  r->content_type = NULL;
}

void srv_reply_detail(srv_reply *r, int status, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  srv_reply_json(r, status, json_pack("{s:s}", "detail", msg));
  g_free(msg);
}

void srv_reply_bytes(srv_reply *r, int status, const char *content_type, void *data, size_t len)
{
  g_free(r->body);
  r->body = data;
  r->len = len;
  r->status = status;
  r->content_type = content_type;
}

void srv_reply_header(srv_reply *r, const char *name, const char *value)
{
  if (!r->headers)
    r->headers = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(r->headers, g_strdup(name));
  g_ptr_array_add(r->headers, g_strdup(value));
}

const char *srv_header(struct http_request *req, const char *name)
{
  const char *v = NULL;
  return http_request_header(req, name, &v) ? v : NULL;
}

static bool origin_allowed(const char *origin)
{
  if (srv.cors_any)
    return true;
  for (char **o = srv.cors_origins; o && *o; o++)
    if (!strcmp(*o, origin))
      return true;
  return false;
}

static void cors_origin_headers(struct http_request *req, const char *origin)
{
  if (srv.cors_any) {
    http_response_header(req, "access-control-allow-origin", "*");
  } else {
    http_response_header(req, "access-control-allow-origin", origin);
    http_response_header(req, "vary", "Origin");
  }
}

/* A CORS preflight, answered like Starlette's CORSMiddleware does. */
static void preflight(struct http_request *req, const char *origin)
{
  if (!origin_allowed(origin)) {
    http_response_header(req, "content-type", "text/plain; charset=utf-8");
    srv_respond(req, 400, "Disallowed CORS origin", strlen("Disallowed CORS origin"));
    return;
  }
  cors_origin_headers(req, origin);
  http_response_header(req, "access-control-allow-methods", CORS_METHODS);
  http_response_header(req, "access-control-max-age", "600");
  const char *want = srv_header(req, "access-control-request-headers");
  if (want)
    http_response_header(req, "access-control-allow-headers", want);
  http_response_header(req, "content-type", "text/plain; charset=utf-8");
  srv_respond(req, 200, "OK", 2);
}

static void allow_header(struct http_request *req, int methods)
{
  char allow[64] = "";
  if (methods & HTTP_METHOD_GET)
    g_strlcat(allow, "GET, HEAD", sizeof allow);
  if (methods & HTTP_METHOD_POST)
    g_strlcat(allow, allow[0] ? ", POST" : "POST", sizeof allow);
  if (methods & HTTP_METHOD_DELETE)
    g_strlcat(allow, allow[0] ? ", DELETE" : "DELETE", sizeof allow);
  http_response_header(req, "allow", allow);
}

bool srv_begin(struct http_request *req, int methods)
{
  srv_request_begin();
  /* The request has all its body. Kore 4.1 clears the body timeout only
   * for a body that came in one read (http_header_recv), not in several
   * (http_body_recv): left armed, it cut every request whose upload and
   * processing took longer than http_body_timeout with an empty 408. */
  if (req->owner)
    req->owner->http_timeout = 0;
  const char *origin = srv_header(req, "origin");
  if (req->method == HTTP_METHOD_OPTIONS && origin && srv_header(req, "access-control-request-method")) {
    preflight(req, origin);
    return false;
  }
  if (origin && origin_allowed(origin))
    cors_origin_headers(req, origin);
  /* HEAD goes wherever GET does (kore sends no body for it). */
  int allowed = methods | ((methods & HTTP_METHOD_GET) ? HTTP_METHOD_HEAD : 0);
  if (!(req->method & allowed)) {
    allow_header(req, methods);
    srv_send_detail(req, 405, "Method Not Allowed");
    return false;
  }
  return true;
}

static int stream_sent(struct netbuf *nb)
{
  g_free(nb->extra);
  nb->extra = NULL;
  return KORE_RESULT_OK;
}

int srv_send(struct http_request *req, srv_reply *r)
{
  int status = r->status ? r->status : 500;
  http_response_header(req, "content-type", r->content_type ? r->content_type : "application/json");
  for (guint i = 0; r->headers && i + 1 < r->headers->len; i += 2)
    http_response_header(req, g_ptr_array_index(r->headers, i), g_ptr_array_index(r->headers, i + 1));
  srv_request_done(req, status, r->body ? r->len : 0, r->log_user, r->log_note, NULL);
  if (r->body && r->len >= STREAM_MIN && req->method != HTTP_METHOD_HEAD && req->owner) {
    char *body = r->body;
    r->body = NULL;
    http_response_stream(req, status, body, r->len, stream_sent, body);
  } else {
    http_response(req, status, r->body, r->body ? r->len : 0);
  }
  srv_reply_clear(r);
  return KORE_RESULT_OK;
}

int srv_send_json(struct http_request *req, int status, json_t *json)
{
  srv_reply r = { 0 };
  srv_reply_json(&r, status, json);
  return srv_send(req, &r);
}

int srv_send_detail(struct http_request *req, int status, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  int rc = srv_send_json(req, status, json_pack("{s:s}", "detail", msg));
  g_free(msg);
  return rc;
}

/* Decodes %XX and '+' in place; false on a bad escape or a NUL byte. */
static bool url_decode(char *s)
{
  char *w = s;
  for (const char *p = s; *p; p++) {
    if (*p == '+') {
      *w++ = ' ';
    } else if (*p == '%') {
      int hi = g_ascii_xdigit_value(p[1]), lo = hi < 0 ? -1 : g_ascii_xdigit_value(p[2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return false;
      *w++ = (char)(hi * 16 + lo);
      p += 2;
    } else {
      *w++ = *p;
    }
  }
  *w = '\0';
  return true;
}

char *srv_query_value(const char *query, const char *name)
{
  if (!query)
    return NULL;
  size_t nlen = strlen(name);
  char **pairs = g_strsplit(query, "&", -1);
  char *value = NULL;
  for (char **p = pairs; *p && !value; p++) {
    if (strncmp(*p, name, nlen) != 0 || ((*p)[nlen] != '=' && (*p)[nlen] != '\0'))
      continue;
    value = g_strdup((*p)[nlen] == '=' ? *p + nlen + 1 : "");
    if (!url_decode(value) || !g_utf8_validate(value, -1, NULL)) {
      g_free(value);
      value = g_strdup("");  /* present but unusable: validated by the caller */
    }
  }
  g_strfreev(pairs);
  return value;
}

char *srv_path_segment(const char *path, const char *prefix)
{
  if (!g_str_has_prefix(path, prefix))
    return NULL;
  const char *s = path + strlen(prefix);
  const char *e = strchr(s, '/');
  size_t n = e ? (size_t)(e - s) : strlen(s);
  return n ? g_strndup(s, n) : NULL;
}

bool srv_is_uuid(const char *s)
{
  static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  if (!s || strlen(s) != sizeof pattern - 1)
    return false;
  for (size_t i = 0; i < sizeof pattern - 1; i++)
    if (pattern[i] == '-' ? s[i] != '-' : !g_ascii_isxdigit(s[i]))
      return false;
  return true;
}
