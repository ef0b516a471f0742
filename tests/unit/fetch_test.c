/* Fetching: local files, the allowed-roots guard, and the URL guard and
 * downloader against a small HTTP server that runs inside this test on
 * 127.0.0.1 (a thread per connection). */
#include "testutil.h"
#include "core/ctx.h"
#include "fetch/fetch.h"
#include "fetch/target.h"

#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG (3u * 1024u * 1024u)
#define CAP (1024u * 1024u)

/* ---- the server ------------------------------------------------------- */

static int srv_fd = -1, srv_port;
static GThread *srv_thread;
static gint srv_stop, srv_hits, srv_active;
static GBytes *pdf;  /* what /doc.pdf serves: a real corpus PDF */

static void send_all(int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0)
      return; /* the client went away (size cap, timeout): fine */
    p += n;
    len -= (size_t)n;
  }
}

static void respond(int fd, bool head, int status, const char *extra, const void *body, size_t len)
{
  char *h = g_strdup_printf("HTTP/1.1 %d X\r\nConnection: close\r\nContent-Length: %zu\r\n%s\r\n",
                            status, len, extra ? extra : "");
  send_all(fd, h, strlen(h));
  g_free(h);
  if (!head && len)
    send_all(fd, body, len);
}

static void redirect(int fd, bool head, int status, const char *location)
{
  char *extra = g_strdup_printf("Location: %s\r\n", location);
  respond(fd, head, status, extra, "moved", 5);
  g_free(extra);
}

static void serve(int fd, bool head, const char *path)
{
  gsize plen;
  const void *pdata = g_bytes_get_data(pdf, &plen);
  const char *pdf_type = "Content-Type: application/pdf\r\n";
  if (!strcmp(path, "/doc.pdf") || !strcmp(path, "/") || !strcmp(path, "/files/report%20final.pdf") ||
      !strcmp(path, "/download?id=7")) {
    respond(fd, head, 200, pdf_type, pdata, plen);
  } else if (!strcmp(path, "/attach")) {
    respond(fd, head, 200, "Content-Type: application/pdf\r\n"
            "Content-Disposition: attachment; filename=\"../../circular.pdf\"\r\n", pdata, plen);
  } else if (g_str_has_prefix(path, "/r/chain/")) {
    int n = atoi(path + 9);
    char *next = n > 0 ? g_strdup_printf("/r/chain/%d", n - 1) : g_strdup("/doc.pdf");
    redirect(fd, head, 302, next);
    g_free(next);
  } else if (!strcmp(path, "/r/relative")) {
    redirect(fd, head, 302, "../doc.pdf");
  } else if (!strcmp(path, "/r/loop")) {
    redirect(fd, head, 302, "/r/loop");
  } else if (!strcmp(path, "/r/private")) {
    redirect(fd, head, 302, "http://10.255.255.1/doc.pdf");
  } else if (!strcmp(path, "/r/metadata")) {
    redirect(fd, head, 301, "http://169.254.169.254/latest/meta-data/");
  } else if (!strcmp(path, "/r/localhost")) {
    char *to = g_strdup_printf("http://localhost:%d/doc.pdf", srv_port);
    redirect(fd, head, 307, to);
    g_free(to);
  } else if (!strcmp(path, "/r/zero")) {
    char *to = g_strdup_printf("http://0.0.0.0:%d/doc.pdf", srv_port);
    redirect(fd, head, 302, to);
    g_free(to);
  } else if (!strcmp(path, "/r/file")) {
    redirect(fd, head, 302, "file:///etc/passwd");
  } else if (!strcmp(path, "/r/gopher")) {
    redirect(fd, head, 302, "gopher://127.0.0.1:70/1");
  } else if (!strcmp(path, "/not.pdf")) {
    static const char html[] = "<!DOCTYPE html><html><body>Please log in</body></html>";
    respond(fd, head, 200, "Content-Type: text/html\r\n", html, strlen(html));
  } else if (!strcmp(path, "/short")) {
    respond(fd, head, 200, NULL, "%PD", 3);
  } else if (!strcmp(path, "/empty")) {
    respond(fd, head, 200, NULL, "", 0);
  } else if (!strcmp(path, "/big.pdf")) {
    /* Announced too large: refused from the headers. */
    char *body = g_malloc0(BIG);
    memcpy(body, "%PDF-1.4\n", 9);
    respond(fd, head, 200, pdf_type, body, BIG);
    g_free(body);
  } else if (!strcmp(path, "/big-stream.pdf")) {
    /* No Content-Length: only counting the bytes can stop it. */
    static const char hdr[] = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/pdf\r\n\r\n";
    send_all(fd, hdr, strlen(hdr));
    char *chunk = g_malloc0(65536);
    memcpy(chunk, "%PDF-1.4\n", 9);
    for (size_t sent = 0; !head && sent < BIG; sent += 65536)
      send_all(fd, chunk, 65536);
    g_free(chunk);
  } else if (!strcmp(path, "/slow.pdf")) {
    static const char hdr[] = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n%PDF-1.4\n";
    send_all(fd, hdr, strlen(hdr));
    for (int i = 0; i < 200 && !g_atomic_int_get(&srv_stop); i++)
      g_usleep(50000);
  } else if (!strcmp(path, "/error")) {
    respond(fd, head, 500, NULL, "oops", 4);
  } else {
    respond(fd, head, 404, NULL, "not found", 9);
  }
}

static gpointer connection(gpointer data)
{
  int fd = GPOINTER_TO_INT(data);
  char req[8192];
  size_t len = 0;
  while (len < sizeof req - 1) {
    ssize_t n = recv(fd, req + len, sizeof req - 1 - len, 0);
    if (n <= 0)
      break;
    len += (size_t)n;
    req[len] = '\0';
    if (strstr(req, "\r\n\r\n"))
      break;
  }
  req[len] = '\0';
  char method[16] = "", path[2048] = "";
  if (sscanf(req, "%15s %2047s", method, path) == 2) {
    g_atomic_int_inc(&srv_hits);
    serve(fd, !strcmp(method, "HEAD"), path);
  }
  shutdown(fd, SHUT_WR);
  close(fd);
  g_atomic_int_dec_and_test(&srv_active);
  return NULL;
}

static gpointer accept_loop(gpointer data)
{
  (void)data;
  while (!g_atomic_int_get(&srv_stop)) {
    struct pollfd p = { srv_fd, POLLIN, 0 };
    if (poll(&p, 1, 100) <= 0)
      continue;
    int c = accept(srv_fd, NULL, NULL);
    if (c < 0)
      continue;
    g_atomic_int_inc(&srv_active);
    g_thread_unref(g_thread_new("conn", connection, GINT_TO_POINTER(c)));
  }
  return NULL;
}

static int server_start(void **state)
{
  (void)state;
  /* The first English text document of the corpus is what we serve. */
  json_t *m = tu_manifest(), *e;
  size_t i;
  json_array_foreach(m, i, e) {
    if (!strcmp(json_string_value(json_object_get(e, "kind")), "text") &&
        !strcmp(json_string_value(json_object_get(e, "lang")), "eng")) {
      char *p = tu_corpus_path(json_string_value(json_object_get(e, "path")));
      size_t n;
      char *data = tu_read(p, &n);
      assert_non_null(data);
      pdf = g_bytes_new_take(data, n);
      g_free(p);
      break;
    }
  }
  assert_non_null(pdf);
  srv_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(srv_fd, (struct sockaddr *)&a, sizeof a) || listen(srv_fd, 64) ||
      getsockname(srv_fd, (struct sockaddr *)&a, &al))
    fail_msg("test server: %s", g_strerror(errno));
  srv_port = ntohs(a.sin_port);
  srv_thread = g_thread_new("server", accept_loop, NULL);
  return 0;
}

static int server_stop(void **state)
{
  (void)state;
  g_atomic_int_set(&srv_stop, 1);
  g_thread_join(srv_thread);
  close(srv_fd);
  for (int i = 0; i < 100 && g_atomic_int_get(&srv_active) > 0; i++)
    g_usleep(50000);
  g_bytes_unref(pdf);
  return 0;
}

static char *url(const char *path)
{
  return g_strdup_printf("http://127.0.0.1:%d%s", srv_port, path);
}

static doctag_ctx *ctx_private(bool allow)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.allow_private_urls = allow ? 1 : 2;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  g_free(dir);
  return ctx;
}

#define assert_error(st, code, needle)                                                       \
  do {                                                                                       \
    doctag_status st_ = (st);                                                                \
    const char *msg_ = doctag_error_last()->message;                                         \
    if (st_ != (code) || !strstr(msg_, (needle)))                                            \
      fail_msg("got %s \"%s\", want %s with \"%s\"", doctag_status_name(st_), msg_,          \
               doctag_status_name(code), (needle));                                          \
  } while (0)

/* ---- the URL guard ---------------------------------------------------- */

static void test_refused_by_default(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  char *port = g_strdup_printf("%d", srv_port);
  const struct {
    const char *url, *why;
  } cases[] = {
    { "http://127.0.0.1:{port}/doc.pdf", "loopback" },
    { "http://localhost:{port}/doc.pdf", "loopback" },
    { "http://LocalHost:{port}/doc.pdf", "loopback" },
    { "http://[::127.0.0.1]:{port}/", "reserved" },     /* deprecated IPv4-compatible */
    { "http://[::1]:{port}/doc.pdf", "loopback" },
    { "http://127.1:{port}/doc.pdf", "loopback" },
    { "http://2130706433:{port}/doc.pdf", "loopback" },     /* decimal 127.0.0.1 */
    { "http://0x7f000001:{port}/doc.pdf", "loopback" },     /* hexadecimal */
    { "http://017700000001:{port}/doc.pdf", "loopback" },   /* octal */
    { "http://[::ffff:127.0.0.1]:{port}/doc.pdf", "loopback" },
    { "http://[::ffff:7f00:1]:{port}/", "loopback" },
    { "http://[64:ff9b::127.0.0.1]:{port}/", "loopback" },  /* NAT64 */
    { "http://[2002:7f00:1::1]:{port}/", "loopback" },      /* 6to4 */
    { "http://user:pw@127.0.0.1:{port}/doc.pdf", "loopback" },
    { "http://10.1.2.3:{port}/", "private" },
    { "http://172.16.0.1:{port}/", "private" },
    { "http://172.31.255.254:{port}/", "private" },
    { "http://192.168.1.1:{port}/", "private" },
    { "http://[::ffff:10.0.0.1]:{port}/", "private" },
    { "http://[fc00::1]:{port}/", "private" },
    { "http://[fd12:3456::1]:{port}/", "private" },
    { "http://100.64.0.1:{port}/", "carrier-grade NAT" },
    { "http://169.254.169.254:{port}/latest/meta-data/", "link-local" },
    { "http://[fe80::1]:{port}/", "link-local" },
    { "http://[::ffff:169.254.169.254]:{port}/", "link-local" },
    { "http://0.0.0.0:{port}/", "unspecified" },
    { "http://0:{port}/", "unspecified" },
    { "http://[::]:{port}/", "unspecified" },
    { "http://224.0.0.1:{port}/", "multicast" },
    { "http://[ff02::1]:{port}/", "multicast" },
    { "http://255.255.255.255:{port}/", "reserved" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    gchar **parts = g_strsplit(cases[i].url, "{port}", -1);
    char *u = g_strjoinv(port, parts);
    g_strfreev(parts);
    int hits = g_atomic_int_get(&srv_hits);
    assert_error(fetch_url_check(ctx, u), DOCTAG_EURL, cases[i].why);
    GBytes *b = NULL;
    assert_error(fetch_url(ctx, u, 0, 5, &b, NULL), DOCTAG_EURL, cases[i].why);
    assert_null(b);
    /* Refused means never fetched. */
    assert_int_equal(g_atomic_int_get(&srv_hits), hits);
    g_free(u);
  }
  g_free(port);
  doctag_ctx_free(ctx);
}

static void test_non_http_schemes_refused(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true); /* even with private addresses allowed */
  const char *cases[] = {
    "file:///etc/passwd", "ftp://127.0.0.1/doc.pdf", "gopher://127.0.0.1:70/1",
    "dict://127.0.0.1:11211/stat", "ldap://127.0.0.1/", "javascript:alert(1)",
    "127.0.0.1/doc.pdf", "//127.0.0.1/doc.pdf", " http://127.0.0.1/", "httpx://127.0.0.1/",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    assert_error(fetch_url_check(ctx, cases[i]), DOCTAG_EINVAL, "Must start with http:// or https://");
    GBytes *b = NULL;
    assert_error(fetch_url(ctx, cases[i], 0, 5, &b, NULL), DOCTAG_EINVAL, "http");
  }
  assert_error(fetch_url_check(ctx, ""), DOCTAG_EINVAL, "empty");
  assert_error(fetch_url_check(ctx, "http://"), DOCTAG_EINVAL, "Invalid URL");
  assert_error(fetch_url_check(ctx, "http://exa mple.com/"), DOCTAG_EINVAL, "Invalid URL");
  /* Scheme case does not matter: this one is judged by its address. */
  assert_int_equal(fetch_url_check(ctx, "HTTP://127.0.0.1/"), DOCTAG_OK);
  doctag_ctx_free(ctx);
}

static void test_public_addresses_pass_the_check(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  /* Literal public addresses: no DNS needed, nothing fetched. */
  const char *ok[] = { "http://93.184.216.34/a.pdf", "https://8.8.8.8:8443/x", "http://172.32.0.1/",
                       "http://[2606:4700:4700::1111]/a.pdf", "http://[::ffff:93.184.216.34]/",
                       "http://100.128.0.1/", "http://11.0.0.1/" };
  for (size_t i = 0; i < G_N_ELEMENTS(ok); i++)
    if (fetch_url_check(ctx, ok[i]) != DOCTAG_OK)
      fail_msg("%s refused: %s", ok[i], doctag_error_last()->message);
  assert_error(fetch_url_check(ctx, "http://does-not-exist.invalid/a.pdf"), DOCTAG_EFETCH, "resolve");
  doctag_ctx_free(ctx);
}

static void test_address_classes(void **state)
{
  (void)state;
  const struct {
    const char *addr;
    bool blocked, never;
  } cases[] = {
    { "8.8.8.8", false, false }, { "127.0.0.1", true, false }, { "10.0.0.1", true, false },
    { "0.0.0.0", true, true }, { "0.1.2.3", true, true }, { "224.1.1.1", true, true },
    { "239.255.255.250", true, true }, { "255.255.255.255", true, true }, { "240.0.0.1", true, true },
    { "198.18.0.1", true, false }, { "192.0.2.1", true, false }, { "172.15.255.255", false, false },
    { "2001:4860:4860::8888", false, false }, { "::1", true, false }, { "::", true, true },
    { "ff05::2", true, true }, { "::ffff:0.0.0.0", true, true }, { "::ffff:8.8.8.8", false, false },
    { "fe80::abcd", true, false }, { "::7f00:1", true, false }, { "fec0::1", true, false }, { "2001:db8::1", true, false },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    struct sockaddr_storage ss = { 0 };
    if (strchr(cases[i].addr, ':')) {
      struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
      a6->sin6_family = AF_INET6;
      assert_int_equal(inet_pton(AF_INET6, cases[i].addr, &a6->sin6_addr), 1);
    } else {
      struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
      a4->sin_family = AF_INET;
      assert_int_equal(inet_pton(AF_INET, cases[i].addr, &a4->sin_addr), 1);
    }
    const struct sockaddr *sa = (const struct sockaddr *)&ss;
    if ((fetch_addr_blocked(sa) != NULL) != cases[i].blocked || fetch_addr_never(sa) != cases[i].never)
      fail_msg("%s: blocked=%s never=%d", cases[i].addr, fetch_addr_blocked(sa) ? fetch_addr_blocked(sa) : "no",
               fetch_addr_never(sa));
  }
}

/* What is checked is what curl connects to: a host name's checked addresses
 * are pinned (a second DNS answer, as in DNS rebinding, is never used). */
static void test_checked_addresses_pinned(void **state)
{
  (void)state;
  fetch_opts o = { .allow_private = true };
  fetch_target t;
  assert_int_equal(fetch_target_check(&o, "http://localhost:8080/x.pdf", &t), DOCTAG_OK);
  assert_non_null(t.resolve);
  assert_true(g_str_has_prefix(t.resolve, "localhost:8080:"));
  assert_non_null(strstr(t.resolve, "127.0.0.1"));
  fetch_target_clear(&t);
  assert_int_equal(fetch_target_check(&o, "https://LOCALHOST/x.pdf", &t), DOCTAG_OK);
  assert_true(g_str_has_prefix(t.resolve, "localhost:443:"));
  fetch_target_clear(&t);
  /* IP literals are never looked up, so there is nothing to pin. */
  assert_int_equal(fetch_target_check(&o, "http://127.0.0.1:81/", &t), DOCTAG_OK);
  assert_null(t.resolve);
  assert_int_equal(t.port, 81);
  fetch_target_clear(&t);
  assert_int_equal(fetch_target_check(&o, "http://[::1]/", &t), DOCTAG_OK);
  assert_null(t.resolve);
  assert_string_equal(t.host, "::1");
  fetch_target_clear(&t);
}

/* ---- downloading ------------------------------------------------------ */

static void assert_is_served_pdf(GBytes *b)
{
  assert_non_null(b);
  assert_true(g_bytes_equal(b, pdf));
}

static void test_override_allows_local(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  const char *hosts[] = { "127.0.0.1", "localhost" };
  for (size_t i = 0; i < G_N_ELEMENTS(hosts); i++) {
    char *u = g_strdup_printf("http://%s:%d/doc.pdf", hosts[i], srv_port);
    assert_int_equal(fetch_url_check(ctx, u), DOCTAG_OK);
    GBytes *b = NULL;
    char *name = NULL;
    if (fetch_url(ctx, u, 0, 10, &b, &name))
      fail_msg("%s: %s", u, doctag_error_last()->message);
    assert_is_served_pdf(b);
    assert_string_equal(name, "doc.pdf");
    g_bytes_unref(b);
    g_free(name);
    g_free(u);
  }
  doctag_ctx_free(ctx);
}

static void test_file_names(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  const struct {
    const char *path, *name;
  } cases[] = {
    { "/files/report%20final.pdf", "report final.pdf" },
    { "/attach", "circular.pdf" },            /* Content-Disposition, path stripped */
    { "/", "download.pdf" },
    { "/download?id=7", "download" },
    { "/r/chain/2", "doc.pdf" },               /* the final URL names it */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *u = url(cases[i].path);
    GBytes *b = NULL;
    char *name = NULL;
    if (fetch_url(ctx, u, 0, 10, &b, &name))
      fail_msg("%s: %s", u, doctag_error_last()->message);
    assert_string_equal(name, cases[i].name);
    g_bytes_unref(b);
    g_free(name);
    g_free(u);
  }
  doctag_ctx_free(ctx);
}

static void test_redirects_followed(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  const char *ok[] = { "/r/chain/0", "/r/chain/4", "/r/relative", "/r/localhost" };
  for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
    char *u = url(ok[i]);
    GBytes *b = NULL;
    if (fetch_url(ctx, u, 0, 10, &b, NULL))
      fail_msg("%s: %s", u, doctag_error_last()->message);
    assert_is_served_pdf(b);
    g_bytes_unref(b);
    g_free(u);
  }
  /* Five redirects are followed, a sixth is not. */
  char *u = url("/r/chain/5");
  GBytes *b = NULL;
  assert_error(fetch_url(ctx, u, 0, 10, &b, NULL), DOCTAG_EFETCH, "too many redirects");
  g_free(u);
  u = url("/r/loop");
  assert_error(fetch_url(ctx, u, 0, 10, &b, NULL), DOCTAG_EFETCH, "too many redirects");
  g_free(u);
  doctag_ctx_free(ctx);
}

/* Every hop is checked again: the first hop goes to this test's server
 * (trusted by address, private addresses otherwise refused), the redirect
 * to somewhere that is not allowed. */
static void test_redirects_rechecked(void **state)
{
  (void)state;
  const char *const trusted[] = { "127.0.0.1", NULL };
  fetch_opts o = { .trusted_addrs = trusted, .timeout_sec = 10 };
  GBytes *b = NULL;
  char *u = url("/doc.pdf");
  assert_int_equal(fetch_url_opts(&o, u, &b, NULL), DOCTAG_OK);
  assert_is_served_pdf(b);
  g_bytes_unref(b);
  b = NULL;
  g_free(u);
  const struct {
    const char *path, *why;
  } cases[] = {
    { "/r/private", "10.255.255.1 is a private address" },
    { "/r/metadata", "169.254.169.254 is a link-local address" },
    { "/r/zero", "0.0.0.0 is an unspecified address" },
    { "/r/file", "Must start with http:// or https://" },
    { "/r/gopher", "Must start with http:// or https://" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    u = url(cases[i].path);
    assert_error(fetch_url_opts(&o, u, &b, NULL), DOCTAG_EURL, cases[i].why);
    assert_error(fetch_url_opts(&o, u, &b, NULL), DOCTAG_EURL, "redirected to");
    assert_null(b);
    g_free(u);
  }
  /* Allowing private addresses does not open the rest. */
  doctag_ctx *ctx = ctx_private(true);
  const char *still[] = { "/r/zero", "/r/file", "/r/gopher" };
  for (size_t i = 0; i < G_N_ELEMENTS(still); i++) {
    u = url(still[i]);
    assert_error(fetch_url(ctx, u, 0, 10, &b, NULL), DOCTAG_EURL, "redirected to");
    g_free(u);
  }
  doctag_ctx_free(ctx);
}

static void test_size_cap(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  const char *paths[] = { "/big.pdf", "/big-stream.pdf" };
  for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
    char *u = url(paths[i]);
    GBytes *b = NULL;
    assert_error(fetch_url(ctx, u, CAP, 10, &b, NULL), DOCTAG_ELIMIT, "file larger than 1 MB");
    assert_null(b);
    /* Under a larger cap the same body comes through whole. */
    assert_int_equal(fetch_url(ctx, u, 2 * BIG, 10, &b, NULL), DOCTAG_OK);
    assert_int_equal(g_bytes_get_size(b), BIG);
    g_bytes_unref(b);
    g_free(u);
  }
  /* The context's limit applies when the call gives none. */
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.allow_private_urls = 1;
  cfg.max_file_bytes = 2 * 1024 * 1024;
  doctag_ctx *small = NULL;
  assert_int_equal(doctag_ctx_new(&small, &cfg), DOCTAG_OK);
  char *u = url("/big-stream.pdf");
  GBytes *b = NULL;
  assert_error(fetch_url(small, u, 0, 10, &b, NULL), DOCTAG_ELIMIT, "file larger than 2 MB");
  g_free(u);
  g_free(dir);
  doctag_ctx_free(small);
  doctag_ctx_free(ctx);
}

static void test_timeout(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  char *u = url("/slow.pdf");
  GBytes *b = NULL;
  assert_error(fetch_url(ctx, u, 0, 1, &b, NULL), DOCTAG_ETIMEOUT, "timed out");
  assert_null(b);
  g_free(u);
  doctag_ctx_free(ctx);
}

static void test_http_errors_and_non_pdf(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  const struct {
    const char *path;
    doctag_status code;
    const char *msg;
  } cases[] = {
    { "/missing", DOCTAG_EFETCH, "HTTP 404" },
    { "/error", DOCTAG_EFETCH, "HTTP 500" },
    { "/not.pdf", DOCTAG_EPDF, "<!DOCTYPE" },
    { "/short", DOCTAG_EPDF, "not a PDF" },
    { "/empty", DOCTAG_EPDF, "empty" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *u = url(cases[i].path);
    GBytes *b = NULL;
    char *name = NULL;
    assert_error(fetch_url(ctx, u, 0, 10, &b, &name), cases[i].code, cases[i].msg);
    assert_null(b);
    assert_null(name);
    g_free(u);
  }
  /* Nobody listens on a port we just closed. */
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t al = sizeof a;
  assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
  close(s);
  char *u = g_strdup_printf("http://127.0.0.1:%d/doc.pdf", ntohs(a.sin_port));
  GBytes *b = NULL;
  assert_error(fetch_url(ctx, u, 0, 10, &b, NULL), DOCTAG_EFETCH, "Request failed");
  g_free(u);
  doctag_ctx_free(ctx);
}

static void test_probe(void **state)
{
  (void)state;
  fetch_opts o = { .allow_private = true, .timeout_sec = 10 };
  fetch_probe p;
  char *u = url("/r/chain/1");
  assert_int_equal(fetch_url_probe(&o, u, &p), DOCTAG_OK);
  assert_int_equal(p.http_status, 200);
  assert_string_equal(p.content_type, "application/pdf");
  assert_int_equal(p.size, (int64_t)g_bytes_get_size(pdf));
  assert_true(g_str_has_suffix(p.final_url, "/doc.pdf"));
  fetch_probe_clear(&p);
  g_free(u);
  u = url("/missing");
  assert_error(fetch_url_probe(&o, u, &p), DOCTAG_EFETCH, "HTTP 404");
  assert_int_equal(p.http_status, 404);
  fetch_probe_clear(&p);
  g_free(u);
  o.allow_private = false;
  u = url("/doc.pdf");
  assert_error(fetch_url_probe(&o, u, &p), DOCTAG_EURL, "loopback");
  fetch_probe_clear(&p);
  g_free(u);
}

static gpointer fetch_many(gpointer data)
{
  doctag_ctx *ctx = data;
  int ok = 0;
  for (int i = 0; i < 5; i++) {
    char *u = url(i % 2 ? "/doc.pdf" : "/r/chain/1");
    GBytes *b = NULL;
    if (fetch_url(ctx, u, 0, 20, &b, NULL) == DOCTAG_OK && g_bytes_equal(b, pdf))
      ok++;
    if (b)
      g_bytes_unref(b);
    g_free(u);
  }
  return GINT_TO_POINTER(ok);
}

static void test_concurrent_fetches(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_private(true);
  GThread *t[4];
  for (int i = 0; i < 4; i++)
    t[i] = g_thread_new("fetch", fetch_many, ctx);
  for (int i = 0; i < 4; i++)
    assert_int_equal(GPOINTER_TO_INT(g_thread_join(t[i])), 5);
  doctag_ctx_free(ctx);
}

/* The public ABI goes through the same guard. */
static void test_public_url_entry_points_guarded(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  char *u = url("/doc.pdf");
  int hits = g_atomic_int_get(&srv_hits);
  doctag_result *r = NULL;
  assert_error(doctag_extract_url(ctx, &r, u, NULL), DOCTAG_EURL, "loopback");
  assert_null(r);
  assert_error(doctag_process_url(ctx, &r, u, NULL), DOCTAG_EURL, "loopback");
  /* A malformed or non-http URL is bad input (400 as it is), not a refusal. */
  assert_error(doctag_process_url(ctx, &r, "file:///etc/passwd", NULL), DOCTAG_EINVAL,
               "Invalid URL. Must start with http:// or https://");
  assert_int_equal(g_atomic_int_get(&srv_hits), hits);
  g_free(u);
  doctag_ctx_free(ctx);
}

/* ---- local files ------------------------------------------------------ */

static void test_fetch_file(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  char *f = g_build_filename(dir, "a.pdf", NULL);
  static const char data[] = "%PDF-1.4 tiny";
  assert_true(g_file_set_contents(f, data, sizeof data - 1, NULL));
  GBytes *b = NULL;
  assert_int_equal(fetch_file(f, 0, &b), DOCTAG_OK);
  assert_int_equal(g_bytes_get_size(b), sizeof data - 1);
  assert_memory_equal(g_bytes_get_data(b, NULL), data, sizeof data - 1);
  g_bytes_unref(b);
  b = NULL;

  assert_error(fetch_file(f, 5, &b), DOCTAG_ELIMIT, "file larger than 5 bytes");
  assert_null(b);
  char *missing = g_build_filename(dir, "nope.pdf", NULL);
  char *want = g_strdup_printf("No such file: %s", missing);
  assert_error(fetch_file(missing, 0, &b), DOCTAG_ENOTFOUND, want);
  g_free(want);
  char *under_file = g_build_filename(f, "x.pdf", NULL);
  assert_error(fetch_file(under_file, 0, &b), DOCTAG_ENOTFOUND, "No such file");
  assert_error(fetch_file(dir, 0, &b), DOCTAG_EINVAL, "Not a file");
  assert_error(fetch_file("/dev/null", 0, &b), DOCTAG_EINVAL, "Not a file");
  assert_error(fetch_file("", 0, &b), DOCTAG_EINVAL, "empty");
  /* A FIFO is refused at once, not waited on. */
  char *fifo = g_build_filename(dir, "pipe.pdf", NULL);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_error(fetch_file(fifo, 0, &b), DOCTAG_EINVAL, "Not a file");
  if (geteuid() != 0) {
    chmod(f, 0);
    assert_error(fetch_file(f, 0, &b), DOCTAG_EIO, "Permission denied");
    chmod(f, 0600);
  }
  unlink(fifo);
  unlink(f);
  rmdir(dir);
  g_free(fifo);
  g_free(under_file);
  g_free(missing);
  g_free(f);
  g_free(dir);
}

static doctag_ctx *ctx_roots(const char *roots)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.allowed_roots = roots;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  g_free(dir);
  return ctx;
}

static void test_local_roots(void **state)
{
  (void)state;
  char *base = tu_tmpdir();
  char *root = g_build_filename(base, "docs", NULL), *outside = g_build_filename(base, "secret", NULL);
  g_mkdir(root, 0700);
  g_mkdir(outside, 0700);
  char *in = g_build_filename(root, "in.pdf", NULL), *out = g_build_filename(outside, "out.pdf", NULL);
  assert_true(g_file_set_contents(in, "%PDF-in", -1, NULL));
  assert_true(g_file_set_contents(out, "%PDF-out", -1, NULL));
  char *link = g_build_filename(root, "link.pdf", NULL), *dirlink = g_build_filename(root, "up", NULL);
  assert_int_equal(symlink(out, link), 0);
  assert_int_equal(symlink(outside, dirlink), 0);
  char *roots = g_strdup_printf("/nonexistent-root:%s/", root);
  doctag_ctx *ctx = ctx_roots(roots);

  char *real = NULL;
  assert_int_equal(fetch_local_check(ctx, in, &real), DOCTAG_OK);
  assert_string_equal(real, in);
  g_free(real);
  GBytes *b = NULL;
  assert_int_equal(fetch_local(ctx, in, 0, &b), DOCTAG_OK);
  assert_int_equal(g_bytes_get_size(b), 7);
  g_bytes_unref(b);
  b = NULL;

  char *dotdot = g_strdup_printf("%s/../secret/out.pdf", root);
  char *via_dirlink = g_build_filename(dirlink, "out.pdf", NULL);
  char *ghost_out = g_build_filename(outside, "ghost.pdf", NULL), *ghost_in = g_build_filename(root, "ghost.pdf", NULL);
  const char *refused[] = { out, dotdot, link, via_dirlink, ghost_out, "/etc/passwd" };
  for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
    char *want = g_strdup_printf("Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", refused[i]);
    assert_error(fetch_local_check(ctx, refused[i], NULL), DOCTAG_EURL, want);
    assert_error(fetch_local(ctx, refused[i], 0, &b), DOCTAG_EURL, want);
    assert_null(b);
    g_free(want);
  }
  char *want = g_strdup_printf("File not found: %s", ghost_in);
  assert_error(fetch_local_check(ctx, ghost_in, NULL), DOCTAG_ENOTFOUND, want);
  g_free(want);
  assert_error(fetch_local_check(ctx, "docs/in.pdf", NULL), DOCTAG_EURL, "Relative paths not supported");
  assert_error(fetch_local_check(ctx, "", NULL), DOCTAG_EINVAL, "Empty path");
  assert_error(fetch_local(ctx, root, 0, &b), DOCTAG_EINVAL, "Not a file");
  /* A root given as a prefix of a sibling's name does not admit the sibling. */
  char *sibling = g_strdup_printf("%s2", root);
  g_mkdir(sibling, 0700);
  char *sib = g_build_filename(sibling, "x.pdf", NULL);
  assert_true(g_file_set_contents(sib, "%PDF-x", -1, NULL));
  assert_error(fetch_local_check(ctx, sib, NULL), DOCTAG_EURL, "Path not allowed");
  doctag_ctx_free(ctx);

  /* A root reached through a symlink: a missing file inside it is "not
   * found", a missing file beside it still "not allowed". */
  char *root_link = g_build_filename(base, "docs-link", NULL);
  assert_int_equal(symlink(root, root_link), 0);
  ctx = ctx_roots(root_link);
  char *ghost_via = g_build_filename(root_link, "sub", "ghost.pdf", NULL);
  want = g_strdup_printf("File not found: %s", ghost_via);
  assert_error(fetch_local_check(ctx, ghost_via, NULL), DOCTAG_ENOTFOUND, want);
  g_free(want);
  assert_error(fetch_local_check(ctx, ghost_out, NULL), DOCTAG_EURL, "Path not allowed");
  doctag_ctx_free(ctx);
  unlink(root_link);
  g_free(root_link);
  g_free(ghost_via);

  /* No roots configured: nothing is allowed. */
  ctx = ctx_roots(NULL);
  assert_error(fetch_local_check(ctx, in, NULL), DOCTAG_EURL, "Path not allowed");
  doctag_ctx_free(ctx);

  unlink(sib);
  rmdir(sibling);
  unlink(link);
  unlink(dirlink);
  unlink(in);
  unlink(out);
  rmdir(root);
  rmdir(outside);
  rmdir(base);
  g_free(sib);
  g_free(sibling);
  g_free(ghost_in);
  g_free(ghost_out);
  g_free(via_dirlink);
  g_free(dotdot);
  g_free(roots);
  g_free(link);
  g_free(dirlink);
  g_free(in);
  g_free(out);
  g_free(root);
  g_free(outside);
  g_free(base);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_refused_by_default),
    cmocka_unit_test(test_non_http_schemes_refused),
    cmocka_unit_test(test_public_addresses_pass_the_check),
    cmocka_unit_test(test_address_classes),
    cmocka_unit_test(test_checked_addresses_pinned),
    cmocka_unit_test(test_override_allows_local),
    cmocka_unit_test(test_file_names),
    cmocka_unit_test(test_redirects_followed),
    cmocka_unit_test(test_redirects_rechecked),
    cmocka_unit_test(test_size_cap),
    cmocka_unit_test(test_timeout),
    cmocka_unit_test(test_http_errors_and_non_pdf),
    cmocka_unit_test(test_probe),
    cmocka_unit_test(test_concurrent_fetches),
    cmocka_unit_test(test_public_url_entry_points_guarded),
    cmocka_unit_test(test_fetch_file),
    cmocka_unit_test(test_local_roots),
  };
  return cmocka_run_group_tests(tests, server_start, server_stop);
}
