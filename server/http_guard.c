/* HTTP framing rules Kore 4.1 does not keep, enforced on the raw bytes
 * before its parser (http_header_recv) sees them:
 *  - both Content-Length and Transfer-Encoding: 400 (kore read the length
 *    and ignored the chunking, then waited for bytes that never came);
 *  - headers larger than http_header_max, or more lines than kore keeps
 *    (HTTP_REQ_HEADER_MAX: it silently dropped the rest): 431 (kore reset
 *    the connection, or lost headers);
 *  - a chunked body (kore answers 411): decoded here, within http_body_max,
 *    and handed to kore as the same request with a Content-Length;
 *  - a body slower than http_body_timeout: 408 with a JSON detail and an
 *    X-Request-ID naming the limit, see body_deadlines().
 *
 * Kore offers no hook between reading and parsing, but a listener's connect
 * callback (`bind HOST PORT doctag_http_connect`) sets a new connection up
 * in place of kore's HTTP default, and c->read is ours to wrap: every read
 * of the header phase passes through guarded_read() first, on keep-alive
 * connections too (kore resets the netbuf's callback, not c->read). */
#include "server.h"

#include <inttypes.h>
#include <string.h>

/* A chunked body being decoded (c->hdlr_extra; kore frees it with the
 * connection). The netbuf holds [headers][decoded body][raw not yet decoded]. */
typedef struct chunked {
  size_t head;        /* bytes of the headers, up to and including the blank line */
  size_t body;        /* decoded bytes after them */
  uint64_t left;      /* bytes left in the current chunk's data */
  enum { CK_SIZE, CK_DATA, CK_DATA_END, CK_TRAILER, CK_DONE } state;
} chunked;

#define CHUNK_LINE_MAX 1024
#define CHUNK_ROOM (64 * 1024)

static int chunk_wait(struct netbuf *nb)
{
  (void)nb;
  return KORE_RESULT_OK;
}

/* Answers on the raw socket and ends the connection (the caller returns
 * KORE_RESULT_ERROR). Short enough for the socket buffer. */
static int refuse(struct connection *c, int status, const char *reason, const char *detail)
{
  return srv_early_answer(c, status, reason, detail);  /* early.c: X-Request-ID and the log line */
}

static bool header_is(const char *line, size_t len, const char *name)
{
  size_t n = strlen(name);
  return len > n && !g_ascii_strncasecmp(line, name, n) && line[n] == ':';
}

/* The value of a header line, trimmed, g_malloc'd. */
static char *header_value(const char *line, size_t len)
{
  const char *colon = memchr(line, ':', len);
  return g_strstrip(g_strndup(colon + 1, len - (size_t)(colon + 1 - line)));
}

/* Grows the netbuf so that at least CHUNK_ROOM bytes follow `used`. */
static void ensure_room(struct netbuf *nb, size_t used)
{
  if (nb->b_len - used >= CHUNK_ROOM)
    return;
  size_t want = MAX(nb->b_len * 2, used + CHUNK_ROOM);
  nb->buf = kore_realloc(nb->buf, want);
  nb->b_len = nb->m_len = want;
}

/* Decodes what arrived of a chunked body. Returns KORE_RESULT_ERROR after
 * refusing; *len is the netbuf's new fill. */
static int chunk_decode(struct connection *c, chunked *k, size_t *len)
{
  struct netbuf *nb = c->rnb;
  unsigned char *buf = nb->buf;
  size_t raw = k->head + k->body, end = *len;
  while (k->state != CK_DONE && raw < end) {
    unsigned char *p = buf + raw;
    size_t avail = end - raw;
    if (k->state == CK_DATA) {
      size_t n = (size_t)MIN((uint64_t)avail, k->left);
      memmove(buf + k->head + k->body, p, n);
      k->body += n;
      raw += n;
      k->left -= n;
      if (k->left == 0)
        k->state = CK_DATA_END;
      continue;
    }
    unsigned char *eol = memchr(p, '\n', avail);
    if (!eol) {
      if (avail > CHUNK_LINE_MAX)
        return refuse(c, 400, "Bad Request", "Malformed chunked body: a line is too long");
      break;
    }
    size_t ll = (size_t)(eol - p);
    if (ll && p[ll - 1] == '\r')
      ll--;
    raw += (size_t)(eol - p) + 1;
    if (k->state == CK_DATA_END) {
      if (ll != 0)
        return refuse(c, 400, "Bad Request", "Malformed chunked body: chunk data longer than its size");
      k->state = CK_SIZE;
    } else if (k->state == CK_SIZE) {
      char line[32];
      size_t hex = 0;
      while (hex < ll && g_ascii_isxdigit(p[hex]))
        hex++;
      if (hex == 0 || hex > 15 || (hex < ll && p[hex] != ';' && p[hex] != ' ' && p[hex] != '\t'))
        return refuse(c, 400, "Bad Request", "Malformed chunked body: bad chunk size");
      memcpy(line, p, hex);
      line[hex] = '\0';
      k->left = g_ascii_strtoull(line, NULL, 16);
      k->state = k->left ? CK_DATA : CK_TRAILER;
      if (k->body + k->left > http_body_max)
        return refuse(c, 413, "Payload Too Large", "Request body too large");
    } else if (k->state == CK_TRAILER && ll == 0) {
      k->state = CK_DONE;
    }
  }
  /* What is not decoded yet moves down next to the body. */
  size_t rest = end - raw;
  memmove(buf + k->head + k->body, buf + raw, rest);
  *len = k->head + k->body + rest;
  return KORE_RESULT_OK;
}

/* The decoded request as kore expects it: the same headers without
 * Transfer-Encoding, with Content-Length. */
static void chunk_finish(struct connection *c, chunked *k, size_t *len)
{
  struct netbuf *nb = c->rnb;
  GString *h = g_string_sized_new(k->head + 32);
  const char *p = (const char *)nb->buf, *stop = p + k->head;
  while (p < stop) {
    const char *eol = memchr(p, '\n', (size_t)(stop - p));
    size_t ll = eol ? (size_t)(eol - p) + 1 : (size_t)(stop - p);
    size_t bare = ll - (ll && p[ll - 1] == '\n') - (ll > 1 && p[ll - 2] == '\r');
    if (bare == 0)
      break;
    if (!header_is(p, bare, "transfer-encoding"))
      g_string_append_len(h, p, (gssize)bare), g_string_append(h, "\r\n");
    p += ll;
  }
  g_string_append_printf(h, "Content-Length: %zu\r\n\r\n", k->body);
  size_t total = h->len + k->body;
  unsigned char *out = kore_malloc(total + 1);
  memcpy(out, h->str, h->len);
  memcpy(out + h->len, nb->buf + k->head, k->body);
  g_string_free(h, TRUE);
  kore_free(nb->buf);
  nb->buf = out;
  nb->b_len = nb->m_len = total;  /* full: kore parses it now */
  *len = total;
  nb->cb = http_header_recv;
  kore_free(c->hdlr_extra);
  c->hdlr_extra = NULL;
}

/* Checks complete headers [0, head). Returns KORE_RESULT_ERROR after
 * refusing; *start_chunked when the body is chunked. */
static int check_headers(struct connection *c, const char *buf, size_t head, bool *start_chunked)
{
  bool has_length = false;
  char *te = NULL;
  unsigned int lines = 0;
  for (const char *p = buf, *stop = buf + head; p < stop;) {
    const char *eol = memchr(p, '\n', (size_t)(stop - p));
    size_t ll = eol ? (size_t)(eol - p) : (size_t)(stop - p);
    size_t bare = ll - (ll && p[ll - 1] == '\r');
    if (bare) {
      lines++;
      if (header_is(p, bare, "content-length"))
        has_length = true;
      else if (header_is(p, bare, "transfer-encoding") && !te)
        te = header_value(p, bare);
    }
    p += ll + 1;
  }
  int rc = KORE_RESULT_OK;
  if (lines >= HTTP_REQ_HEADER_MAX)
    rc = refuse(c, 431, "Request Header Fields Too Large", "Too many request headers");
  else if (has_length && te)
    rc = refuse(c, 400, "Bad Request", "Both Content-Length and Transfer-Encoding are set");
  else if (te && g_ascii_strcasecmp(te, "chunked"))
    rc = refuse(c, 400, "Bad Request", "Unsupported Transfer-Encoding (only chunked is accepted)");
  *start_chunked = rc == KORE_RESULT_OK && te;
  g_free(te);
  return rc;
}

static int guarded_read(struct connection *c, size_t *bytes)
{
  if (!net_read(c, bytes))
    return KORE_RESULT_ERROR;
  struct netbuf *nb = c->rnb;
  /* EAGAIN or EOF: nothing was read (and *bytes may be unset). */
  if (!(c->evt.flags & KORE_EVENT_READ) || !nb || !nb->buf)
    return KORE_RESULT_OK;
  size_t len = nb->s_off + *bytes;
  if (nb->cb == chunk_wait) {
    chunked *k = c->hdlr_extra;
    if (chunk_decode(c, k, &len) != KORE_RESULT_OK)
      return KORE_RESULT_ERROR;
    if (k->state == CK_DONE)
      chunk_finish(c, k, &len);
    else
      ensure_room(nb, len);
    nb->s_off = len - *bytes;  /* net_recv_flush() adds *bytes back */
    return KORE_RESULT_OK;
  }
  if (nb->cb != http_header_recv)
    return KORE_RESULT_OK;
  const unsigned char *end = kore_mem_find(nb->buf, len, "\r\n\r\n", 4);
  size_t skip = 4;
  if (!end) {
    end = kore_mem_find(nb->buf, len, "\n\n", 2);
    skip = 2;
  }
  if (!end) {
    if (len >= nb->b_len)
      return refuse(c, 431, "Request Header Fields Too Large", "Request headers too large");
    return KORE_RESULT_OK;
  }
  size_t head = (size_t)(end - nb->buf) + skip;
  bool start = false;
  if (check_headers(c, (const char *)nb->buf, head, &start) != KORE_RESULT_OK)
    return KORE_RESULT_ERROR;
  if (!start)
    return KORE_RESULT_OK;
  /* A chunked body: collect it here; kore waits (chunk_wait) until the
   * decoded request is complete, within the body's time limit. */
  chunked *k = kore_calloc(1, sizeof *k);
  k->head = head;
  k->state = CK_SIZE;
  c->hdlr_extra = k;
  nb->cb = chunk_wait;
  c->http_timeout = http_body_timeout * 1000;
  if (chunk_decode(c, k, &len) != KORE_RESULT_OK)
    return KORE_RESULT_ERROR;
  if (k->state == CK_DONE)
    chunk_finish(c, k, &len);
  else
    ensure_room(nb, len);
  nb->s_off = len - *bytes;
  return KORE_RESULT_OK;
}

/* Kore cuts a body slower than http_body_timeout in its event loop
 * (http_check_timeout) with an empty 408 and offers no hook there. This
 * timer, in every worker, answers first, a little before kore's deadline:
 * a request kore has started (a Content-Length body) gets the contract's
 * answer through our response path (JSON detail, X-Request-ID, access log);
 * a chunked body still being decoded here has no request yet and gets the
 * same answer on the raw socket. Then the connection ends, as kore's would;
 * if this timer runs late, kore's 408 goes out, rewritten by early.c with
 * its generic detail. */
#define BODY_TICK_MS 100
#define BODY_AHEAD_MS 300

static void body_deadlines(void *arg, uint64_t now)
{
  (void)arg;
  struct connection *c, *next;
  for (c = TAILQ_FIRST(&connections); c; c = next) {
    next = TAILQ_NEXT(c, list);
    if (c->proto != CONN_PROTO_HTTP || c->state != CONN_STATE_ESTABLISHED || !c->http_timeout)
      continue;
    if (now + MIN(c->http_timeout, (uint64_t)BODY_AHEAD_MS) < c->http_start + c->http_timeout)
      continue;
    /* Only bodies: the same timer cuts slow headers (http_header_timeout),
     * which kore answers itself. */
    struct http_request *req = TAILQ_FIRST(&c->http_requests);
    bool body = req ? (req->flags & HTTP_REQUEST_EXPECT_BODY) != 0 : c->rnb && c->rnb->cb == chunk_wait;
    if (!body)
      continue;
    c->http_timeout = 0;
    char *detail = g_strdup_printf("Request body not received within %" PRIu64 " seconds (DOCTAG_BODY_TIMEOUT_SEC)",
                                   (uint64_t)http_body_timeout);
    if (req) {
      srv_request_begin();
      srv_send_detail(req, 408, "%s", detail);
      net_send_flush(c);
    } else {
      refuse(c, 408, "Request Timeout", detail);
    }
    g_free(detail);
    kore_connection_disconnect(c);
  }
}

/* The listener's connect callback: kore's HTTP set-up, with our read. */
void doctag_http_connect(struct connection *c)
{
  static bool ticking; /* per worker: this runs in the worker */
  if (!ticking) {
    ticking = true;
    kore_timer_add(body_deadlines, BODY_TICK_MS, NULL, 0);
  }
  c->proto = CONN_PROTO_HTTP;
  if (http_keepalive_time != 0)
    c->idle_timer.length = http_keepalive_time * 1000;
  net_recv_queue(c, http_header_max, NETBUF_CALL_CB_ALWAYS, http_header_recv);
  c->read = guarded_read;
  srv_early_wrap(c);  /* kore's own error answers (early.c) */
}
