/* The Kore module's hooks: settings from the environment the launcher
 * prepared, the library context and the task pools of each worker. */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUICK_THREADS 8

static unsigned long env_ulong(const char *name, unsigned long def, unsigned long max)
{
  const char *v = getenv(name);
  if (!v || !*v)
    return def;
  char *end = NULL;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  if (errno || *end || n == 0 || n > max || v[0] == '-') {
    kore_log(LOG_ERR, "doctag: %s=%s is not a number from 1 to %lu; using %lu", name, v, max, def);
    return def;
  }
  return n;
}

static void settings_read(void)
{
  srv.max_upload_bytes = (uint64_t)env_ulong("DOCTAG_MAX_UPLOAD_MB", 50, 1024 * 1024) * 1024 * 1024;
  const char *origins = getenv("DOCTAG_CORS_ORIGINS");
  srv.cors_any = true;
  if (origins && *origins) {
    srv.cors_any = false;
    char **list = g_strsplit(origins, ",", -1);
    GPtrArray *keep = g_ptr_array_new();
    for (char **o = list; *o; o++) {
      char *s = g_strstrip(*o);
      if (!strcmp(s, "*"))
        srv.cors_any = true;
      else if (*s)
        g_ptr_array_add(keep, g_strdup(s));
    }
    g_ptr_array_add(keep, NULL);
    g_strfreev(list);
    srv.cors_origins = (char **)g_ptr_array_free(keep, FALSE);
  }
}

/* In the parent, before the workers exist and before any sandbox: check the
 * configuration once, so a bad value stops the server at start with a
 * message instead of failing every request. */
void kore_parent_configure(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  /* kore logs with printf in the foreground: line by line, or a log file
   * shows nothing until exit. Workers inherit this. */
  fflush(stdout);
  setvbuf(stdout, NULL, _IOLBF, 0);
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL) != DOCTAG_OK) {
    fprintf(stderr, "doctag-server: %s\n", doctag_error_last()->message);
    exit(1);
  }
  doctag_ctx_free(ctx);
  if (!srv_metrics_map())
    fprintf(stderr, "doctag-server: no shared memory for /metrics: %s\n", g_strerror(errno));
  if (!srv_inflight_map())
    fprintf(stderr, "doctag-server: no shared memory for documents in flight (each worker counts its own): %s\n",
            g_strerror(errno));
  srv_web_load();
}

/* In each worker, after kore's sandbox is on. */
void kore_worker_configure(void)
{
  settings_read();
  if (doctag_ctx_new(&srv.ctx, NULL) != DOCTAG_OK)
    fatal("doctag: %s", doctag_error_last()->message);
  /* The launcher agreed on the places' lease; each worker keeps the record
   * alive while it lives (a worker with nothing in flight too). Disagreeing
   * here (the launcher could not reach the queue) stops no worker: kore
   * would restart it in a loop; its documents are then counted in this
   * server only (task.c logs it). */
  if (doctag_doc_slot_lease_agree(srv.ctx) != DOCTAG_OK)
    kore_log(LOG_ERR, "doctag: the document places' lease: %s", doctag_error_last()->message);
  unsigned long heavy = env_ulong("DOCTAG_SERVER_JOBS", (unsigned long)MAX(1, sysconf(_SC_NPROCESSORS_ONLN)), 256);
  srv_inflight_init();
  srv_tasks_init(QUICK_THREADS, (unsigned)heavy);
  srv_accesslog_init();
  srv_metrics_init();
  srv_ws_init();
  srv_webhooks_init();
}

/* In each worker as it stops: the access log lines still gathered. */
void kore_worker_teardown(void)
{
  srv_webhooks_stop();
  srv_accesslog_flush();
}
