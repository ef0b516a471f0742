/* The access log's own cost, for callgrind (bench/accesslog.sh MEASURE=callgrind):
 * server/accesslog.c linked alone, kore's calls stubbed, srv_request_done()
 * called N times (argv[1]) for a GET /api/status-like request. Kore's
 * workers run under seccomp, which valgrind cannot pass, so the whole server
 * cannot be counted; this counts exactly the code logging adds.
 * Prints the write(2) calls the log made on stdout. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned long writes_seen;

const char *srv_header(struct http_request *req, const char *name)
{
  (void)req;
  (void)name;
  return NULL;
}

void http_response_header(struct http_request *req, const char *name, const char *value)
{
  (void)req;
  (void)name;
  (void)value;
}

void http_response(struct http_request *req, int status, const void *body, size_t len)
{
  (void)req;
  (void)status;
  (void)body;
  (void)len;
}

gint64 srv_async_started(struct http_request *req)
{
  (void)req;
  return 0;
}

void srv_metrics_request(struct http_request *req, int status, gint64 duration_us)
{
  (void)req;
  (void)status;
  (void)duration_us;
}

struct kore_timer *kore_timer_add(void (*cb)(void *, u_int64_t), u_int64_t interval, void *arg, int flags)
{
  (void)cb;
  (void)interval;
  (void)arg;
  (void)flags;
  return NULL;
}

/* Counts the log's writes (it writes stderr). */
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
  if (fd == 2)
    writes_seen++;
  return __real_write(fd, buf, n);
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 100000;
  static char path[] = "/api/status", query[] = "";
  struct http_request *req = g_malloc0(sizeof *req);
  req->method = HTTP_METHOD_GET;
  req->path = path;
  req->query_string = query;
  srv_accesslog_init();
  for (long i = 0; i < n; i++) {
    srv_request_begin();
    srv_respond(req, 200, "{\"status\":\"ok\"}", 15);
  }
  srv_accesslog_flush();
  printf("%ld requests, %lu writes\n", n, writes_seen);
  g_free(req);
  return 0;
}
