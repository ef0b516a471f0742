/* Store benchmark (run by bench/store.sh):
 *   1. password hashing: argon2id time (hash and verify) and memory;
 *   2. search latency over 10,000 documents, on SQLite and (when
 *      DOCTAG_TEST_POSTGRES_URL is set) PostgreSQL: the median and p95 of
 *      doctag_history_search_json (what the server calls) and, as the
 *      reference, the same SQL statement run bare on the engine; the ratio
 *      is the library's own cost.
 *
 *   store_bench [documents] [rounds]
 * Exit status: 0 goal met (search median under 20 ms on every backend),
 * 1 missed.
 */
#include "core/ctx.h"
#include "core/error.h"
#include "auth/auth.h"
#include "doctag/history.h"
#include "history/history.h"
#include "store/store.h"
#include "bench_store.h"

#include <libpq-fe.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
  fprintf(stderr, "store_bench: %s: %s\n", what, doctag_error_last()->message);
  exit(1);
}

/* ---- 1. passwords ---- */

static long maxrss_kb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void bench_passwords(int rounds)
{
  double *h = g_new(double, rounds), *v = g_new(double, rounds);
  char *hash = NULL;
  for (int i = 0; i < rounds; i++) {
    g_free(hash);
    double t0 = now_ms();
    if (auth_password_hash("correct horse battery staple", &hash) != DOCTAG_OK)
      die("hash");
    double t1 = now_ms();
    if (!auth_password_verify(hash, "correct horse battery staple"))
      die("verify");
    h[i] = t1 - t0;
    v[i] = now_ms() - t1;
  }
  /* Memory: the peak RSS a fresh process gains by hashing once. */
  int fds[2];
  long grown = -1;
  if (pipe(fds) == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      long before = maxrss_kb();
      char *x = NULL;
      auth_password_hash("correct horse battery staple", &x);
      long d = maxrss_kb() - before;
      if (write(fds[1], &d, sizeof d) != sizeof d)
        _exit(1);
      _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &grown, sizeof grown) != sizeof grown)
      grown = -1;
    close(fds[0]);
    waitpid(pid, NULL, 0);
  }
  printf("password hashing (argon2id, libsodium interactive limits: opslimit %llu, memlimit %zu MiB)\n",
         (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE, (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
  printf("  hash:   median %.1f ms  p95 %.1f ms  (%d runs)\n", quantile(h, rounds, 0.5), quantile(h, rounds, 0.95),
         rounds);
  printf("  verify: median %.1f ms  p95 %.1f ms\n", quantile(v, rounds, 0.5), quantile(v, rounds, 0.95));
  printf("  memory: peak RSS +%.1f MiB per hash in progress\n", grown / 1024.0);
  printf("RESULT password_hash_ms=%.1f password_verify_ms=%.1f password_peak_mib=%.1f\n",
         quantile(h, rounds, 0.5), quantile(v, rounds, 0.5), grown / 1024.0);
  g_free(hash);
  g_free(h);
  g_free(v);
}

/* ---- 2. search ---- */

static void fill(doctag_ctx *ctx, const char *uid, corpus *c, int docs)
{
  double t0 = now_ms();
  char *job = NULL;
  if (history_job_create(ctx, uid, NULL, "batch", "{\"model_name\":\"local\"}", (uint64_t)docs, &job))
    die("job");
  for (int i = 0; i < docs; i++) {
    char *title = corpus_text(c, 4), *text = corpus_text(c, 300);
    const char *tags[5];
    for (int k = 0; k < 5; k++)
      tags[k] = corpus_word(c);
    history_doc d = { .row_index = (uint64_t)i, .title = title, .file_path = "https://example.com/doc.pdf",
                      .file_source_type = "url", .file_size = 100000, .status = "completed", .tags = tags,
                      .tag_count = 5, .text = text, .text_len = strlen(text) };
    if (history_document_record(ctx, uid, job, &d, NULL))
      die("record");
    g_free(title);
    g_free(text);
  }
  g_free(job);
  printf("  loaded %d documents in %.1f s\n", docs, (now_ms() - t0) / 1000);
}

/* Times `queries` `rounds` times through the ABI and bare; *lib, *raw get
 * the samples (g_free). */
static size_t time_queries(doctag_ctx *ctx, struct store *s, const char *uid, GPtrArray *queries, int rounds,
                           double **lib_out, double **raw_out)
{
  size_t n = (size_t)rounds * queries->len, k = 0;
  double *lib = g_new(double, n), *raw = g_new(double, n);
  for (guint q = 0; q < queries->len; q++) { /* warm the caches once */
    char *json = NULL;
    doctag_history_search_json(ctx, uid, g_ptr_array_index(queries, q), 50, &json);
    doctag_free(json);
  }
  /* The two are timed in turn, each going first every other round, so that
   * neither gets the caches the other warmed. */
  for (int r = 0; r < rounds; r++)
    for (guint q = 0; q < queries->len; q++, k++) {
      const char *query = g_ptr_array_index(queries, q);
      for (int turn = 0; turn < 2; turn++) {
        if ((turn + r) % 2 == 0) {
          char *json = NULL;
          double t0 = now_ms();
          if (doctag_history_search_json(ctx, uid, query, 50, &json))
            die(query);
          lib[k] = now_ms() - t0;
          doctag_free(json);
        } else {
          /* The reference: the same statement, bare. */
          char *m = s->ops->match_query(query);
          store_rows rows = { 0 };
          double t0 = now_ms();
          if (m) {
            store_param sp[] = { SP_T(uid), SP_T(m), SP_I(50) };
            if (store_query(s, ST_DOC_SEARCH, sp, 3, &rows))
              die("raw");
          }
          raw[k] = now_ms() - t0;
          store_rows_clear(&rows);
          g_free(m);
        }
      }
    }
  *lib_out = lib;
  *raw_out = raw;
  return n;
}

/* Set when a backend misses the goal: the exit status says so. */
static bool goal_missed;

static void bench_search(const char *label, const char *url, const char *dir, int docs, int rounds,
                         bool pg_admin_url)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  cfg.database_url = url;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg))
    die("ctx");
  struct store *s;
  if (store_get(ctx, &s))
    die("store");
  char *uid = store_uuid_new();
  store_param p[] = { SP_T(uid), SP_T("bench@example.com"), SP_T("x"), SP_N, SP_B(true), SP_B(false),
                      SP_I(store_now_us()) };
  if (store_query(s, ST_USER_INSERT, p, 7, NULL))
    die("user");
  corpus c;
  corpus_init(&c, 20000);
  printf("search on %s\n", label);
  fill(ctx, uid, &c, docs);
  if (pg_admin_url) {
    /* Fresh tables have no statistics until autovacuum's first ANALYZE;
     * a service reaches that state within a minute. */
    PGconn *pc = PQconnectdb(url);
    PQclear(PQexec(pc, "ANALYZE"));
    PQfinish(pc);
  }
  GPtrArray *qs = g_ptr_array_new();
  for (size_t i = 0; i < G_N_ELEMENTS(typical); i++)
    g_ptr_array_add(qs, (gpointer)typical[i]);
  for (guint r = 400; r < 20000; r *= 2) /* made-up words, ranks 400..12800 */
    g_ptr_array_add(qs, g_ptr_array_index(c.words, r));
  GPtrArray *cq = g_ptr_array_new();
  for (size_t i = 0; i < G_N_ELEMENTS(common); i++)
    g_ptr_array_add(cq, (gpointer)common[i]);

  double *lib, *raw, *clib, *craw;
  size_t n = time_queries(ctx, s, uid, qs, rounds, &lib, &raw);
  size_t cn = time_queries(ctx, s, uid, cq, rounds, &clib, &craw);
  double lm = quantile(lib, n, 0.5), l95 = quantile(lib, n, 0.95);
  double rm = quantile(raw, n, 0.5), r95 = quantile(raw, n, 0.95);
  double cm = quantile(clib, cn, 0.5), crm = quantile(craw, cn, 0.5);
  printf("  typical queries (%u kinds, %zu searches, limit 50):\n", qs->len, n);
  printf("    doctag_history_search_json: median %.2f ms  p95 %.2f ms\n", lm, l95);
  printf("    bare SQL statement:         median %.2f ms  p95 %.2f ms\n", rm, r95);
  printf("    ratio library/bare (median): %.2f   goal (median under 20 ms): %s\n", rm > 0 ? lm / rm : 0,
         lm < 20 ? "met" : "NOT met");
  goal_missed |= lm >= 20;
  printf("  worst case, a word in nearly every document (\"the\", \"है\"...):\n");
  printf("    doctag_history_search_json: median %.2f ms  (bare %.2f ms)\n", cm, crm);
  printf("RESULT backend=%s docs=%d search_median_ms=%.2f search_p95_ms=%.2f bare_median_ms=%.2f ratio=%.2f "
         "common_word_median_ms=%.2f\n",
         label, docs, lm, l95, rm, rm > 0 ? lm / rm : 0, cm);
  g_free(lib);
  g_free(raw);
  g_free(clib);
  g_free(craw);
  g_ptr_array_free(qs, TRUE);
  g_ptr_array_free(cq, TRUE);
  g_ptr_array_free(c.words, TRUE);
  g_free(c.cdf);
  g_rand_free(c.rand);
  g_free(uid);
  doctag_ctx_free(ctx);
}

int main(int argc, char **argv)
{
  int docs = argc > 1 ? atoi(argv[1]) : 10000;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  setvbuf(stdout, NULL, _IOLBF, 0);
  bench_passwords(rounds * 2);

  char *dir = g_dir_make_tmp("doctag-bench-XXXXXX", NULL);
  char *sqlite_url = g_strdup_printf("sqlite://%s/bench.db", dir);
  bench_search("sqlite", sqlite_url, dir, docs, rounds, false);
  const char *admin = getenv("DOCTAG_TEST_POSTGRES_URL");
  if (admin && *admin) {
    char *url = NULL, *db = pg_create(admin, &url);
    bench_search("postgresql", url, dir, docs, rounds, true);
    if (!getenv("DOCTAG_BENCH_KEEP_DB"))
      pg_drop(admin, db);
    g_free(db);
    g_free(url);
  } else {
    printf("search on postgresql: skipped (DOCTAG_TEST_POSTGRES_URL not set)\n");
  }
  char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "store_bench: could not remove %s\n", dir);
  g_free(cmd);
  g_free(sqlite_url);
  g_free(dir);
  return goal_missed ? 1 : 0;
}
