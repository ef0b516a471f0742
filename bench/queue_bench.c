/* The batch queue's own cost per item, without processing any PDF: a job of
 * N items is submitted, then each item is claimed (with its "processing"
 * event) and finished (result, "success" event, the "completed" event at the
 * end), as a worker does, on one thread; then N places of a server's per-user
 * cap taken and given back (doctag_doc_slot_take/_free). Printed per backend:
 *   <backend> submit_us_per_item=... claim_finish_ms_per_item=...
 *     place_ms_per_doc=... place_vs_claim_finish=...
 * Backends: local/sqlite always; local/postgresql with a PostgreSQL admin URL
 * (a database of its own, dropped after); redis with a Redis URL.
 *   queue_bench N [--postgres URL] [--redis URL]
 * Built and run by bench/batch.sh. */
#include "doctag/auth.h"
#include "doctag/jobs.h"
#include "jobs/jobs.h"
#include "queue/queue.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double now_s(void)
{
  return (double)g_get_monotonic_time() / 1e6;
}

static char *proc_event(const queue_item *it, void *ud)
{
  (void)ud;
  return events_processing(it->job_id, it->row, it->payload);
}

static void die(const char *what)
{
  fprintf(stderr, "queue_bench: %s: %s\n", what, doctag_error_last()->message);
  exit(2);
}

static int run(const char *label, const char *database_url, const char *redis_url, unsigned int n)
{
  char *dir = g_dir_make_tmp("doctag-bench-queue-XXXXXX", NULL);
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  cfg.database_url = database_url;
  cfg.redis_url = redis_url;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg))
    die("context");
  char *email = g_strdup_printf("bench-%08x@example.com", g_random_int());
  doctag_user *u = NULL;
  if (doctag_auth_register(ctx, &u, email, "password-1234", NULL))
    die("register");
  char *user = g_strdup(doctag_user_id(u));
  doctag_user_free(u);

  GPtrArray *payloads = g_ptr_array_new_with_free_func(g_free);
  for (unsigned int i = 0; i < n; i++)
    g_ptr_array_add(payloads, g_strdup_printf("{\"title\":\"Document %u\",\"file_path\":\"/data/pdfs/%06u.pdf\","
                                              "\"file_source_type\":\"local\",\"description\":null,"
                                              "\"publishing_date\":null,\"file_size\":null}", i, i));
  queue *q;
  if (queue_get(ctx, &q))
    die("queue");
  char *job = NULL;
  double t0 = now_s();
  if (jobs_submit_payloads(ctx, &job, user, payloads, NULL))
    die("submit");
  double t1 = now_s();
  char *completed = events_completed(job);
  unsigned int done = 0;
  for (;;) {
    queue_item it;
    bool started;
    queue_claim_outcome oc;
    if (queue_claim(q, "bench", 60, 0, proc_event, NULL, &it, &started, &oc))
      die("claim");
    if (oc == QC_NONE)
      break;
    char *result = g_strdup_printf("{\"row_id\":%" G_GUINT64_FORMAT ",\"row_number\":%" G_GUINT64_FORMAT
                                   ",\"title\":\"Document\",\"status\":\"success\",\"tags\":[\"alpha\",\"beta\","
                                   "\"gamma\"],\"error\":null,\"model_name\":\"local\",\"metadata\":{}}",
                                   it.row, it.row + 1);
    char *ev = events_row_done(job, result);
    queue_finish_outcome fo;
    if (queue_finish(q, &it, true, result, ev, completed, &fo))
      die("finish");
    g_free(result);
    g_free(ev);
    queue_item_clear(&it);
    done++;
  }
  double t2 = now_s();
  if (done != n) {
    fprintf(stderr, "queue_bench: %s: %u of %u items claimed\n", label, done, n);
    exit(2);
  }
  /* A server's place per document (doctag_doc_slot_take + _free: two small
   * write transactions on a database), against the item's claim + finish. */
  for (unsigned int i = 0; i < n; i++) {
    doctag_doc_slot *slot = NULL;
    if (doctag_doc_slot_take(&slot, ctx, user, 8, NULL))
      die("place");
    doctag_doc_slot_free(slot);
  }
  double t3 = now_s();
  printf("%s submit_us_per_item=%.1f claim_finish_ms_per_item=%.3f place_ms_per_doc=%.3f "
         "place_vs_claim_finish=%.3f\n", label, (t1 - t0) * 1e6 / n, (t2 - t1) * 1e3 / n, (t3 - t2) * 1e3 / n,
         (t3 - t2) / (t2 - t1));
  g_free(completed);
  doctag_free(job);
  g_ptr_array_free(payloads, TRUE);
  g_free(user);
  g_free(email);
  doctag_ctx_free(ctx);
  char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "queue_bench: could not remove %s\n", dir);
  g_free(cmd);
  g_free(dir);
  return 0;
}

static void pg_exec(const char *admin, const char *sql)
{
  PGconn *c = PQconnectdb(admin);
  PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
    fprintf(stderr, "queue_bench: %s: %s\n", sql, PQerrorMessage(c));
    exit(2);
  }
  PQclear(r);
  PQfinish(c);
}

int main(int argc, char **argv)
{
  unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;
  const char *pg = NULL, *redis = NULL;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--postgres"))
      pg = argv[i + 1];
    else if (!strcmp(argv[i], "--redis"))
      redis = argv[i + 1];
  }
  if (n == 0) {
    fprintf(stderr, "usage: queue_bench N [--postgres URL] [--redis URL]\n");
    return 2;
  }
  run("local/sqlite", NULL, NULL, n);
  if (pg && *pg) {
    char *db = g_strdup_printf("doctag_bench_%08x", g_random_int());
    char *sql = g_strdup_printf("CREATE DATABASE %s", db);
    pg_exec(pg, sql);
    g_free(sql);
    const char *host = strstr(pg, "://");
    const char *slash = host ? strchr(host + 3, '/') : NULL;
    const char *query = strchr(pg, '?');
    size_t base = slash ? (size_t)(slash - pg) : query ? (size_t)(query - pg) : strlen(pg);
    char *url = g_strdup_printf("%.*s/%s%s", (int)base, pg, db, query ? query : "");
    run("local/postgresql", url, NULL, n);
    sql = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    pg_exec(pg, sql);
    g_free(sql);
    g_free(url);
    g_free(db);
  }
  if (redis && *redis)
    run("redis", NULL, redis, n);
  return 0;
}
