/* Downloading PDFs over http(s) with libcurl: one handle per hop, the guard
 * on every hop, the checked addresses pinned, caps enforced as bytes arrive. */
#include "fetch/target.h"

#include "core/curllib.h"
#include "core/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_MS 30000L

/* libcurl's functions (core/curllib.c), loaded by the URL guard that checks
 * every hop before any transfer */
#define C (curllib_loaded())

/* One request and what came back. */
typedef struct xfer {
  const fetch_opts *opts;
  uint64_t max;
  bool head;            /* probe: no body wanted */
  const char *post;     /* POST this body (fetch_post), the answer's body is ignored */
  size_t post_len;
  struct curl_slist *post_headers;
  GByteArray *body;
  long status;          /* of the response being received */
  int64_t length;       /* its Content-Length, -1 when absent */
  char *content_type;
  char *disposition;    /* filename from Content-Disposition */
  char *location;       /* Location header, as sent */
  /* why the transfer was stopped by us */
  bool too_big, not_pdf, refused;
  char refused_why[160];
  char errbuf[CURL_ERROR_SIZE];
} xfer;

static void xfer_reset_response(xfer *x)
{
  x->status = 0;
  x->length = -1;
  g_clear_pointer(&x->content_type, g_free);
  g_clear_pointer(&x->disposition, g_free);
  g_clear_pointer(&x->location, g_free);
  g_byte_array_set_size(x->body, 0);
}

/* The file name of a Content-Disposition value, or NULL. */
static char *disposition_name(const char *v)
{
  const char *p = v;
  while ((p = strstr(p, "filename"))) {
    const char *q = p + 8;
    if (*q == '*') {  /* filename*=UTF-8''name%20x.pdf (RFC 5987) */
      q++;
      while (*q == ' ')
        q++;
      if (*q++ != '=')
        return NULL;
      const char *quote = strstr(q, "''");
      if (!quote)
        return NULL;
      q = quote + 2;
      size_t n = strcspn(q, "; \t\r\n");
      char *enc = g_strndup(q, n);
      char *dec = g_uri_unescape_string(enc, NULL);
      g_free(enc);
      return dec;
    }
    while (*q == ' ')
      q++;
    if (*q != '=') {
      p = q;
      continue;
    }
    q++;
    while (*q == ' ')
      q++;
    if (*q == '"') {
      q++;
      const char *end = strchr(q, '"');
      return end ? g_strndup(q, (gsize)(end - q)) : NULL;
    }
    return g_strndup(q, strcspn(q, "; \t\r\n"));
  }
  return NULL;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
  xfer *x = userdata;
  size_t len = size * n;
  if (len >= 5 && !g_ascii_strncasecmp(data, "HTTP/", 5)) {
    /* A new response (after 100 Continue, or the only one). */
    xfer_reset_response(x);
    const char *sp = memchr(data, ' ', len);
    if (sp)
      x->status = strtol(sp + 1, NULL, 10);
    return len;
  }
  char *line = g_strndup(data, len);
  g_strchomp(line);
  if (!*line) {
    /* End of the headers: refuse a body announced too large before any of
     * it arrives. */
    if (!x->head && x->status >= 200 && x->status < 300 && x->length >= 0 && (uint64_t)x->length > x->max) {
      x->too_big = true;
      g_free(line);
      return 0;
    }
  } else {
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      char *value = g_strstrip(colon + 1);
      if (!g_ascii_strcasecmp(line, "Content-Length")) {
        char *end = NULL;
        gint64 v = g_ascii_strtoll(value, &end, 10);
        x->length = end != value && v >= 0 ? v : -1;
      } else if (!g_ascii_strcasecmp(line, "Content-Type")) {
        g_free(x->content_type);
        x->content_type = g_strdup(value);
      } else if (!g_ascii_strcasecmp(line, "Content-Disposition")) {
        g_free(x->disposition);
        x->disposition = disposition_name(value);
      } else if (!g_ascii_strcasecmp(line, "Location") && !x->location) {
        x->location = g_strdup(value);
      }
    }
  }
  g_free(line);
  return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
  xfer *x = userdata;
  size_t len = size * n;
  if (x->post)
    return len;
  /* Only the final answer's body matters: a redirect or error body is
   * dropped, and stopping here saves reading it. */
  if (x->status < 200 || x->status >= 300)
    return x->status >= 300 ? 0 : len;
  if ((uint64_t)x->body->len + len > x->max) {
    x->too_big = true;
    return 0;
  }
  g_byte_array_append(x->body, (const guint8 *)data, (guint)len);
  if (x->body->len >= 5 && memcmp(x->body->data, "%PDF-", 5)) {
    x->not_pdf = true;
    return 0;
  }
  return len;
}

/* Last line of defence: whatever address curl is about to connect to must
 * pass the guard (the pinned ones do; anything else means a bypass). */
static curl_socket_t on_open_socket(void *userdata, curlsocktype purpose, struct curl_sockaddr *a)
{
  xfer *x = userdata;
  const char *why;
  if (!fetch_addr_allowed(x->opts, &a->addr, &why)) {
    char text[INET6_ADDRSTRLEN + 8];
    g_snprintf(x->refused_why, sizeof x->refused_why, "%s is %s",
               fetch_addr_text(&a->addr, text, sizeof text), why);
    x->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Performs one request to a checked target. Returns the curl code. */
static CURLcode perform(const fetch_target *t, xfer *x, long timeout_ms)
{
  CURL *h = C->curl_easy_init();
  if (!h)
    return CURLE_OUT_OF_MEMORY;
  struct curl_slist *pin = t->resolve ? C->curl_slist_append(NULL, t->resolve) : NULL;
  x->errbuf[0] = '\0';
  C->curl_easy_setopt(h, CURLOPT_URL, t->url);
  C->curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  C->curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  C->curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  /* we follow, re-checking each hop */
  C->curl_easy_setopt(h, CURLOPT_PROXY, "");           /* a proxy would connect for us, unchecked */
  C->curl_easy_setopt(h, CURLOPT_RESOLVE, pin);
  C->curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  C->curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
  C->curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  C->curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
  C->curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  C->curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
  C->curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
  C->curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  C->curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, MIN(timeout_ms, CONNECT_TIMEOUT_MS));
  C->curl_easy_setopt(h, CURLOPT_USERAGENT, "doctag/" DOCTAG_VERSION_STRING);
  if (x->head)
    C->curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (x->post) {
    C->curl_easy_setopt(h, CURLOPT_POST, 1L);
    C->curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->post);
    C->curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)x->post_len);
    C->curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->post_headers);
  }
  CURLcode rc = C->curl_easy_perform(h);
  if (rc == CURLE_OK || rc == CURLE_WRITE_ERROR) {
    long code = 0;
    C->curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code)
      x->status = code;
  }
  C->curl_easy_cleanup(h);
  C->curl_slist_free_all(pin);
  return rc;
}

/* A file name for the document: Content-Disposition, else the last segment
 * of the URL's path, else "download.pdf". Never a path, never control
 * characters, valid UTF-8. */
static char *file_name(const char *disposition, const char *url)
{
  char *raw = NULL;
  if (disposition && *disposition) {
    raw = g_strdup(disposition);
  } else {
    CURLU *u = C->curl_url();
    char *path = NULL;
    if (u && !C->curl_url_set(u, CURLUPART_URL, url, 0) &&
        !C->curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) && path) {
      const char *slash = strrchr(path, '/');
      raw = g_strdup(slash ? slash + 1 : path);
    }
    C->curl_free(path);
    C->curl_url_cleanup(u);
  }
  if (raw) {
    /* Only the last component of anything path-like. */
    char *base = raw;
    for (char *p = raw; *p; p++)
      if (*p == '/' || *p == '\\')
        base = p + 1;
    char *valid = g_utf8_make_valid(base, -1);
    g_free(raw);
    raw = valid;
    for (char *p = raw; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        *p = '_';
    g_strstrip(raw);
    if (strlen(raw) > 200) {
      const char *end = g_utf8_find_prev_char(raw, raw + 200);
      raw[end ? end - raw : 0] = '\0';
    }
    if (!*raw || !strcmp(raw, ".") || !strcmp(raw, ".."))
      g_clear_pointer(&raw, g_free);
  }
  return raw ? raw : g_strdup("download.pdf");
}

/* The absolute URL a Location value points to from `base`; the value as
 * sent when it cannot be resolved (the guard then says what is wrong). */
static char *resolve_location(const char *base, const char *location)
{
  CURLU *u = C->curl_url();
  char *abs = NULL, *out = NULL;
  if (u && !C->curl_url_set(u, CURLUPART_URL, base, 0) && !C->curl_url_set(u, CURLUPART_URL, location, 0) &&
      !C->curl_url_get(u, CURLUPART_URL, &abs, 0))
    out = g_strdup(abs);
  C->curl_free(abs);
  C->curl_url_cleanup(u);
  return out ? out : g_strdup(location);
}

static doctag_status transfer_error(const xfer *x, CURLcode rc, unsigned int timeout_sec)
{
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return err_set(DOCTAG_ETIMEOUT, "Request timed out after %u s", timeout_sec);
  return err_set(DOCTAG_EFETCH, "Request failed: %s", x->errbuf[0] ? x->errbuf : C->curl_easy_strerror(rc));
}

/* Follows a URL through its redirects, checking every hop, until a final
 * answer; fills *x with it. *final_url gets the last URL. */
static doctag_status run(const fetch_opts *o, const char *url, xfer *x, char **final_url)
{
  unsigned int timeout = o->timeout_sec ? o->timeout_sec : FETCH_DEFAULT_TIMEOUT_SEC;
  unsigned int max_hops = o->max_redirects ? o->max_redirects : FETCH_MAX_REDIRECTS;
  double deadline = ctx_now() + timeout;
  char *cur = g_strdup(url);
  doctag_status st = DOCTAG_OK;
  for (unsigned int hop = 0;; hop++) {
    fetch_target t;
    st = fetch_target_check(o, cur, &t);
    if (st) {
      if (hop)
        st = err_wrap(DOCTAG_EURL, "redirected to %s", cur); /* the server chose it: a refusal */
      break;
    }
    long left = (long)((deadline - ctx_now()) * 1000.0);
    if (left <= 0) {
      fetch_target_clear(&t);
      st = err_set(DOCTAG_ETIMEOUT, "Request timed out after %u s", timeout);
      break;
    }
    xfer_reset_response(x);
    x->too_big = x->not_pdf = x->refused = false;
    CURLcode rc = perform(&t, x, left);
    fetch_target_clear(&t);
    if (x->refused) {
      st = err_set(DOCTAG_EURL, "%s", x->refused_why);
      break;
    }
    if (x->too_big) {
      char *cap = fetch_size_text(x->max);
      st = err_set(DOCTAG_ELIMIT, "file larger than %s", cap);
      g_free(cap);
      break;
    }
    if (x->not_pdf) {
      char *head = g_strndup((const char *)x->body->data, MIN(x->body->len, 16));
      char *shown = g_strescape(head, NULL);
      st = err_set(DOCTAG_EPDF, "not a PDF (starts with \"%s\")", shown);
      g_free(shown);
      g_free(head);
      break;
    }
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && x->status >= 300)) {
      st = transfer_error(x, rc, timeout);
      break;
    }
    if (x->status >= 300 && x->status < 400 && x->location) {
      if (hop >= max_hops) {
        st = err_set(DOCTAG_EFETCH, "too many redirects (more than %u)", max_hops);
        break;
      }
      char *next = resolve_location(cur, x->location);
      g_free(cur);
      cur = next;
      continue;
    }
    if (x->status >= 300 || x->status < 200) {
      st = err_set(DOCTAG_EFETCH, "HTTP %ld", x->status);
      break;
    }
    break;
  }
  if (!st && final_url)
    *final_url = cur;
  else
    g_free(cur);
  return st;
}

static void xfer_clear(xfer *x)
{
  xfer_reset_response(x);
  g_byte_array_unref(x->body);
}

doctag_status fetch_url_opts(const fetch_opts *o, const char *url, GBytes **out, char **name)
{
  *out = NULL;
  if (name)
    *name = NULL;
  xfer x = { .opts = o };
  x.max = o->max_bytes ? o->max_bytes : FETCH_DEFAULT_MAX_BYTES;
  x.body = g_byte_array_new();
  char *final_url = NULL;
  doctag_status st = run(o, url, &x, &final_url);
  if (!st && x.body->len < 5) {
    /* Shorter than the signature: the body callback never judged it. */
    if (!x.body->len)
      st = err_set(DOCTAG_EPDF, "not a PDF (empty response)");
    else
      st = err_set(DOCTAG_EPDF, "not a PDF (%u bytes)", x.body->len);
  }
  if (!st) {
    if (name)
      *name = file_name(x.disposition, final_url);
    *out = g_byte_array_free_to_bytes(g_steal_pointer(&x.body));
    x.body = g_byte_array_new();
  }
  g_free(final_url);
  xfer_clear(&x);
  return st;
}

doctag_status fetch_url(const doctag_ctx *ctx, const char *url, uint64_t max_bytes,
                        unsigned int timeout_sec, GBytes **out, char **name)
{
  fetch_opts o = fetch_opts_from_ctx(ctx);
  if (max_bytes)
    o.max_bytes = max_bytes;
  o.timeout_sec = timeout_sec;
  return fetch_url_opts(&o, url, out, name);
}

doctag_status fetch_url_probe(const fetch_opts *o, const char *url, fetch_probe *out)
{
  memset(out, 0, sizeof *out);
  out->size = -1;
  xfer x = { .opts = o, .head = true };
  x.max = o->max_bytes ? o->max_bytes : FETCH_DEFAULT_MAX_BYTES;
  x.body = g_byte_array_new();
  doctag_status st = run(o, url, &x, &out->final_url);
  out->http_status = x.status;
  if (!st) {
    out->content_type = g_steal_pointer(&x.content_type);
    out->size = x.length;
  }
  xfer_clear(&x);
  return st;
}

void fetch_probe_clear(fetch_probe *p)
{
  if (!p)
    return;
  g_free(p->content_type);
  g_free(p->final_url);
  memset(p, 0, sizeof *p);
  p->size = -1;
}

doctag_status fetch_post(const fetch_opts *o, const char *url, const char *const *headers, const char *body,
                         size_t len, long *status)
{
  *status = 0;
  fetch_target t = { 0 };
  doctag_status st = fetch_target_check(o, url, &t);
  if (st)
    return st;
  unsigned int timeout = o->timeout_sec ? o->timeout_sec : FETCH_DEFAULT_TIMEOUT_SEC;
  xfer x = { .opts = o, .post = body ? body : "", .post_len = body ? len : 0 };
  x.body = g_byte_array_new();
  /* No "Expect: 100-continue" round trip for a small body. */
  x.post_headers = C->curl_slist_append(NULL, "Expect:");
  for (const char *const *hd = headers; hd && *hd; hd++)
    x.post_headers = C->curl_slist_append(x.post_headers, *hd);
  CURLcode rc = perform(&t, &x, (long)timeout * 1000L);
  if (x.refused)
    st = err_set(DOCTAG_EURL, "%s", x.refused_why);
  else if (rc != CURLE_OK)
    st = transfer_error(&x, rc, timeout);
  *status = x.status;
  C->curl_slist_free_all(x.post_headers);
  fetch_target_clear(&t);
  xfer_clear(&x);
  return st;
}
