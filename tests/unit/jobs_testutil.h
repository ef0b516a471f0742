/* Helpers of the batch tests (queue_*_test.c, jobs_*_test.c): contexts on
 * either queue backend, users, corpus files, a small HTTP server, worker
 * processes. Header-only so that each test binary stays one file. */
#ifndef DOCTAG_JOBS_TESTUTIL_H
#define DOCTAG_JOBS_TESTUTIL_H

#include "testutil.h"
#include "doctag/auth.h"
#include "doctag/history.h"
#include "doctag/jobs.h"

#include <ftw.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Queue backends under test: the local queue on SQLite (always), the local
 * queue on PostgreSQL (DOCTAG_TEST_POSTGRES_URL) and Redis
 * (DOCTAG_TEST_REDIS_URL); a test on a backend not configured is skipped. */
typedef enum jt_backend { JT_LOCAL = 0, JT_REDIS = 1, JT_LOCAL_PG = 2 } jt_backend;

/* The queue backend's name ("local" for both databases). */
static inline const char *jt_backend_name(jt_backend b)
{
  return b == JT_REDIS ? "redis" : "local";
}

static inline const char *jt_backend_label(jt_backend b)
{
  return b == JT_REDIS ? "redis" : b == JT_LOCAL_PG ? "local/postgresql" : "local/sqlite";
}

/* The Redis of the test services, or NULL (Redis cases are then skipped). */
static inline const char *jt_redis_base(void)
{
  const char *u = getenv("DOCTAG_TEST_REDIS_URL");
  return u && *u ? u : NULL;
}

/* Empties database `db` of a Redis server. */
static inline void jt_redis_flush(const char *base_url, int db)
{
  GUri *u = g_uri_parse(base_url, G_URI_FLAGS_NONE, NULL);
  assert_non_null(u);
  redisContext *c = redisConnect(g_uri_get_host(u), g_uri_get_port(u) > 0 ? g_uri_get_port(u) : 6379);
  g_uri_unref(u);
  assert_true(c && !c->err);
  redisReply *r = redisCommand(c, "SELECT %d", db);
  assert_non_null(r);
  freeReplyObject(r);
  r = redisCommand(c, "FLUSHDB");
  assert_non_null(r);
  freeReplyObject(r);
  redisFree(c);
}

/* redis://.../<db> of the test Redis, emptied. Each test program uses its
 * own database number, so programs running in parallel do not share
 * the queue's stream. g_free it. */
static inline char *jt_redis_url(int db)
{
  const char *base = jt_redis_base();
  if (!base)
    return NULL;
  jt_redis_flush(base, db);
  return g_strdup_printf("%s/%d", base, db);
}

static inline const char *jt_pg_admin(void)
{
  const char *u = getenv("DOCTAG_TEST_POSTGRES_URL");
  return u && *u ? u : NULL;
}

static inline void jt_pg_exec(const char *sql)
{
  PGconn *c = PQconnectdb(jt_pg_admin());
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("cannot reach the test PostgreSQL: %s", PQerrorMessage(c));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

/* Where a test's queue and database live. */
typedef struct jt_backing {
  char *redis_url;      /* JT_REDIS */
  char *database_url;   /* JT_LOCAL_PG: a database of its own */
  char *pg_db;
} jt_backing;

/* Prepares backend b; false when it is not configured (skip the test). */
static inline bool jt_backing_open(jt_backend b, int redis_db, jt_backing *bk)
{
  memset(bk, 0, sizeof *bk);
  if (b == JT_REDIS && !(bk->redis_url = jt_redis_url(redis_db)))
    return false;
  if (b == JT_LOCAL_PG) {
    if (!jt_pg_admin())
      return false;
    bk->pg_db = g_strdup_printf("doctag_q_%08x%08x", g_random_int(), g_random_int());
    char *sql = g_strdup_printf("CREATE DATABASE %s", bk->pg_db);
    jt_pg_exec(sql);
    g_free(sql);
    const char *admin = jt_pg_admin();
    const char *host = strstr(admin, "://");
    const char *slash = host ? strchr(host + 3, '/') : NULL;
    const char *query = strchr(admin, '?');
    size_t base = slash ? (size_t)(slash - admin) : query ? (size_t)(query - admin) : strlen(admin);
    bk->database_url = g_strdup_printf("%.*s/%s%s", (int)base, admin, bk->pg_db, query ? query : "");
  }
  print_message("[ BACKEND  ] %s\n", jt_backend_label(b));
  return true;
}

/* Drops what jt_backing_open made (every context on it is freed). */
static inline void jt_backing_close(jt_backing *bk)
{
  if (bk->pg_db) {
    char *sql = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", bk->pg_db);
    jt_pg_exec(sql);
    g_free(sql);
  }
  g_free(bk->redis_url);
  g_free(bk->database_url);
  g_free(bk->pg_db);
  memset(bk, 0, sizeof *bk);
}

typedef struct jt_ctx_opts {
  const char *data_dir;       /* NULL: a new temporary directory */
  const char *database_url;   /* NULL: SQLite in the data directory */
  const char *redis_url;      /* with JT_REDIS */
  const char *allowed_roots;  /* NULL: the corpus directory */
  bool allow_private;         /* loopback URLs (the test's own HTTP server) */
  const char *blob_url;
} jt_ctx_opts;

static inline doctag_ctx *jt_ctx_with(const jt_ctx_opts *o)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = o->data_dir ? g_strdup(o->data_dir) : tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.redis_url = o->redis_url;
  cfg.database_url = o->database_url;
  cfg.allowed_roots = o->allowed_roots ? o->allowed_roots : tu_corpus_dir();
  cfg.allow_private_urls = o->allow_private ? 1 : 2;
  cfg.blob_url = o->blob_url;
  cfg.threads = 1;
  const char *ep = getenv("DOCTAG_TEST_S3_ENDPOINT");
  cfg.s3_endpoint = ep && *ep ? ep : NULL;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg) != DOCTAG_OK)
    fail_msg("doctag_ctx_new: %s", doctag_error_last()->message);
  g_free(dir);
  return ctx;
}


/* A new user; its id, g_free it. */
static inline char *jt_user(doctag_ctx *ctx, const char *name)
{
  char *email = g_strdup_printf("%s-%08x@example.com", name, g_random_int());
  doctag_user *u = NULL;
  if (doctag_auth_register(ctx, &u, email, "password-1234", NULL) != DOCTAG_OK)
    fail_msg("register: %s", doctag_error_last()->message);
  char *id = g_strdup(doctag_user_id(u));
  doctag_user_free(u);
  g_free(email);
  return id;
}

/* Absolute paths of up to `max` born-digital corpus PDFs that process
 * fine (no benchmark files). g_ptr_array_free(.., TRUE). */
static inline GPtrArray *jt_text_pdfs(size_t max)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  json_t *m = tu_manifest();
  size_t i;
  json_t *e;
  json_array_foreach(m, i, e) {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *expect = json_string_value(json_object_get(e, "expect"));
    if (out->len >= max || !kind || strcmp(kind, "text") || !expect || strcmp(expect, "ok") ||
        json_is_true(json_object_get(e, "benchmark")))
      continue;
    g_ptr_array_add(out, tu_corpus_path(json_string_value(json_object_get(e, "path"))));
  }
  return out;
}

/* Submits rows of file_path and file_source_type (types[i], or `type`
 * when types is NULL) with the offline tagger; the job id (doctag_free). */
static inline char *jt_submit_rows(doctag_ctx *ctx, const char *user, const char *const *paths,
                                   const char *const *types, const char *type, size_t n)
{
  doctag_field *cells = g_new0(doctag_field, 2 * n);
  doctag_row *rows = g_new0(doctag_row, n);
  for (size_t i = 0; i < n; i++) {
    cells[2 * i] = (doctag_field){ "file_path", paths[i] };
    cells[2 * i + 1] = (doctag_field){ "file_source_type", types ? types[i] : type };
    rows[i] = (doctag_row){ &cells[2 * i], 2 };
  }
  doctag_process_options po = DOCTAG_PROCESS_OPTIONS_INIT;
  po.model_name = "local";
  doctag_job_options jo = DOCTAG_JOB_OPTIONS_INIT;
  jo.process = &po;
  char *id = NULL;
  if (doctag_job_submit(ctx, &id, user, rows, n, &jo) != DOCTAG_OK)
    fail_msg("submit: %s", doctag_error_last()->message);
  g_free(cells);
  g_free(rows);
  return id;
}

/* Waits for the job's first event of `type` after seq `after`, for row `row`
 * (-1: any row); returns its seq. Fails after secs. JT_DEBUG=1 prints the
 * events seen. */
static inline uint64_t jt_wait_event(doctag_ctx *ctx, const char *user, const char *job, uint64_t after,
                                     const char *type, int row, int secs)
{
  gint64 end = g_get_monotonic_time() + (gint64)secs * G_USEC_PER_SEC;
  while (g_get_monotonic_time() < end) {
    doctag_events *ev = NULL;
    assert_int_equal(doctag_job_events_poll(ctx, &ev, user, job, after, 0, 500), DOCTAG_OK);
    for (size_t i = 0; i < doctag_events_count(ev); i++) {
      const doctag_event_info *e = doctag_events_at(ev, i);
      after = e->seq;
      if (getenv("JT_DEBUG"))
        fprintf(stderr, "event %s\n", e->json);
      if (strcmp(e->type, type))
        continue;
      json_t *o = row < 0 ? NULL : json_loads(e->json, 0, NULL);
      bool match = row < 0 || (int)json_integer_value(json_object_get(o, "row_id")) == row;
      json_decref(o);
      if (match) {
        uint64_t seq = e->seq;   /* e belongs to ev */
        doctag_events_free(ev);
        return seq;
      }
    }
    doctag_events_free(ev);
  }
  fail_msg("no %s event for row %d within %d s", type, row, secs);
  return 0;
}

/* Runs a worker in this process until nothing is waiting. */
static inline void jt_run_worker(doctag_ctx *ctx, unsigned int threads)
{
  doctag_worker_options wo = DOCTAG_WORKER_OPTIONS_INIT;
  wo.threads = threads;
  wo.once = true;
  if (doctag_worker_run(ctx, &wo) != DOCTAG_OK)
    fail_msg("worker: %s", doctag_error_last()->message);
}

/* The job's snapshot; fails the test when it cannot be read. */
static inline doctag_job *jt_status(doctag_ctx *ctx, const char *user, const char *job)
{
  doctag_job *j = NULL;
  if (doctag_job_status(ctx, &j, user, job) != DOCTAG_OK)
    fail_msg("status of %s: %s", job, doctag_error_last()->message);
  return j;
}

/* Waits (up to secs) until the job is in a final state; returns it. */
static inline doctag_job_state jt_wait_final(doctag_ctx *ctx, const char *user, const char *job, int secs)
{
  doctag_job_state s = DOCTAG_JOB_PENDING;
  for (int i = 0; i < secs * 10; i++) {
    doctag_job *j = jt_status(ctx, user, job);
    s = doctag_job_get_state(j);
    doctag_job_free(j);
    if (s == DOCTAG_JOB_COMPLETED || s == DOCTAG_JOB_CANCELLED || s == DOCTAG_JOB_FAILED)
      return s;
    g_usleep(100000);
  }
  return s;
}

/* All events of a job from seq 0 (no waiting). */
static inline doctag_events *jt_events(doctag_ctx *ctx, const char *user, const char *job)
{
  doctag_events *ev = NULL;
  if (doctag_job_events_poll(ctx, &ev, user, job, 0, 0, 0) != DOCTAG_OK)
    fail_msg("events of %s: %s", job, doctag_error_last()->message);
  return ev;
}

/* Number of history documents of a job, and whether every row index is
 * there exactly once (rows 0..total-1). */
static inline size_t jt_history_docs(doctag_ctx *ctx, const char *user, const char *job)
{
  char *json = NULL;
  if (doctag_history_job_json(ctx, user, job, &json) != DOCTAG_OK)
    fail_msg("history of %s: %s", job, doctag_error_last()->message);
  json_t *o = json_loads(json, 0, NULL);
  assert_non_null(o);
  size_t n = json_array_size(json_object_get(o, "documents"));
  json_decref(o);
  doctag_free(json);
  return n;
}

static inline int jt_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

/* Removes a temporary directory tree. */
static inline void jt_rmtree(const char *dir)
{
  if (dir && g_str_has_prefix(dir, g_get_tmp_dir()))
    nftw(dir, jt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- a small HTTP server (python3 from Debian) ------------------------ */

/* Serves `pdf` for GET/HEAD of any path; ?delay=S waits S seconds first;
 * /missing answers 404. Counts requests in <dir>/hits (one line each). */
typedef struct jt_http {
  GPid pid;
  int port;
  char *dir;
} jt_http;

static const char jt_http_py[] =
  "import http.server, socketserver, sys, time, urllib.parse, os\n"
  "pdf = open(sys.argv[1], 'rb').read(); hits = sys.argv[2]\n"
  "sys.stderr = open(hits + '.err', 'w', buffering=1)\n"
  "class H(http.server.BaseHTTPRequestHandler):\n"
  "    def log_message(self, *a): pass\n"
  "    def answer(self, body):\n"
  "        open(hits, 'a').write(self.path + '\\n')\n"
  "        u = urllib.parse.urlparse(self.path); q = urllib.parse.parse_qs(u.query)\n"
  "        if 'delay' in q: time.sleep(float(q['delay'][0]))\n"
  "        if u.path == '/missing':\n"
  "            self.send_response(404); self.send_header('Content-Length', '0'); self.end_headers(); return\n"
  "        self.send_response(200); self.send_header('Content-Type', 'application/pdf')\n"
  "        self.send_header('Content-Length', str(len(pdf))); self.end_headers()\n"
  "        if body: self.wfile.write(pdf)\n"
  "    def do_GET(self): self.answer(True)\n"
  "    def do_HEAD(self): self.answer(False)\n"
  "class S(socketserver.ThreadingMixIn, http.server.HTTPServer): daemon_threads = True\n"
  "s = S(('127.0.0.1', 0), H)\n"
  "print(s.server_address[1], flush=True)\n"
  "s.serve_forever()\n";

/* The helper server dies with the test, even when an assertion ends the
 * test before jt_http_stop(): a stray child would keep ctest's output pipe
 * open and hang the whole run. */
static inline void jt_die_with_parent(gpointer unused)
{
  (void)unused;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static inline void jt_http_start(jt_http *h, const char *pdf)
{
  h->dir = tu_tmpdir();
  char *hits = g_build_filename(h->dir, "hits", NULL);
  g_file_set_contents(hits, "", 0, NULL);
  char *argv[] = { "/usr/bin/python3", "-c", (char *)jt_http_py, (char *)pdf, hits, NULL };
  int out_fd = -1;
  GError *e = NULL;
  /* DO_NOT_REAP: without it glib double-forks and h->pid stays 0, so the
   * server could never be stopped. */
  if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, jt_die_with_parent, NULL, &h->pid,
                                NULL, &out_fd, NULL, &e))
    fail_msg("python3: %s", e->message);
  /* Read the whole line: closing the pipe before Python wrote its newline
   * would kill it with EPIPE. */
  char buf[32] = "";
  size_t n = 0;
  while (n < sizeof buf - 1 && !memchr(buf, '\n', n)) {
    ssize_t got = read(out_fd, buf + n, sizeof buf - 1 - n);
    if (got <= 0)
      break;
    n += (size_t)got;
  }
  close(out_fd);
  h->port = atoi(buf);
  assert_true(h->port > 0);
  g_free(hits);
}

static inline char *jt_http_url(const jt_http *h, const char *path_and_query)
{
  return g_strdup_printf("http://127.0.0.1:%d%s", h->port, path_and_query);
}

static inline size_t jt_http_hits(const jt_http *h)
{
  char *hits = g_build_filename(h->dir, "hits", NULL);
  char *text = NULL;
  size_t n = 0;
  if (g_file_get_contents(hits, &text, NULL, NULL))
    for (char *p = text; *p; p++)
      n += *p == '\n';
  g_free(text);
  g_free(hits);
  return n;
}

static inline void jt_http_stop(jt_http *h)
{
  if (h->pid > 0) {
    kill(h->pid, SIGTERM);
    waitpid(h->pid, NULL, 0);
    g_spawn_close_pid(h->pid);
  }
  g_free(h->dir);
  memset(h, 0, sizeof *h);
}

/* ---- the fixture of a test on one queue backend ----------------------- */

/* What every such test starts from: the backend prepared for it, a context
 * on it with a data directory of its own, a user and, when asked, the HTTP
 * server above serving a corpus PDF. A test's own fixture holds it as its
 * first member `jt` and adds what it needs. */
typedef struct jt_fx jt_fx;
struct jt_fx {
  jt_backend backend;
  jt_backing bk;
  doctag_ctx *ctx;
  char *dir;
  char *user;
  jt_http http;                 /* pid 0: not started */
  void (*free_fn)(jt_fx *jt);   /* frees the test's whole fixture (ends with jt_fx_close) */
};

/* The fixture of the running test: jt_teardown frees it even when an
 * assertion or a skip ended the test half-way (threads stopped, processes
 * killed, files removed). */
G_GNUC_UNUSED static jt_fx *jt_live;

/* Fills f on backend b, taking over *bk (from jt_backing_open), with a user
 * named after `user` and, when with_http, the HTTP server (loopback URLs
 * are then allowed). free_fn frees the test's fixture that holds f. */
static inline void jt_fx_open_bk(jt_fx *f, jt_backend b, jt_backing *bk, const char *user, bool with_http,
                                 void (*free_fn)(jt_fx *))
{
  f->backend = b;
  f->bk = *bk;
  f->free_fn = free_fn;
  jt_live = f;
  jt_ctx_opts o = { .redis_url = f->bk.redis_url, .database_url = f->bk.database_url, .allow_private = with_http };
  f->ctx = jt_ctx_with(&o);
  f->dir = g_strdup(doctag_ctx_data_dir(f->ctx));
  f->user = jt_user(f->ctx, user);
  if (with_http) {
    GPtrArray *pdfs = jt_text_pdfs(1);
    jt_http_start(&f->http, g_ptr_array_index(pdfs, 0));
    g_ptr_array_free(pdfs, TRUE);
  }
}

/* The same on the backend the test was registered with (JT_ON); skips the
 * test when that backend is not configured (jt_teardown then frees the
 * fixture). */
static inline void jt_fx_open(jt_fx *f, void **state, int redis_db, const char *user, bool with_http,
                              void (*free_fn)(jt_fx *))
{
  jt_backend b = *(jt_backend *)*state;
  f->free_fn = free_fn;
  jt_live = f;   /* a skip still frees the test's fixture */
  jt_backing bk;
  if (!jt_backing_open(b, redis_db, &bk))
    skip();
  jt_fx_open_bk(f, b, &bk, user, with_http, free_fn);
}

/* Frees what jt_fx_open made; safe on a fixture it left half-way. */
static inline void jt_fx_close(jt_fx *f)
{
  if (jt_live == f)
    jt_live = NULL;
  jt_http_stop(&f->http);
  doctag_ctx_free(f->ctx);
  jt_backing_close(&f->bk);
  jt_rmtree(f->dir);
  g_free(f->dir);
  g_free(f->user);
  memset(f, 0, sizeof *f);
}

static inline int jt_teardown(void **state)
{
  (void)state;
  if (jt_live)
    jt_live->free_fn(jt_live);
  return 0;
}

/* A test on backend b (JT_LOCAL, JT_LOCAL_PG, JT_REDIS), on all three, its
 * fixture freed by jt_teardown. */
G_GNUC_UNUSED static jt_backend jt_backends[] = { [JT_LOCAL] = JT_LOCAL, [JT_REDIS] = JT_REDIS,
                                                  [JT_LOCAL_PG] = JT_LOCAL_PG };
#define JT_ON(fn, b) cmocka_unit_test_prestate_setup_teardown(fn, NULL, jt_teardown, &jt_backends[b])
#define JT_ALL(fn) JT_ON(fn, JT_LOCAL), JT_ON(fn, JT_LOCAL_PG), JT_ON(fn, JT_REDIS)

/* ---- worker processes ------------------------------------------------- */

/* Starts `doctag worker` on the data directory (and Redis) of a test. */
static inline GPid jt_worker_spawn(const char *data_dir, const jt_backing *bk, const char *extra_arg1,
                                   const char *extra_arg2)
{
  char *bin = g_build_filename(getenv("DOCTAG_BIN_DIR"), "doctag", NULL);
  char *argv[] = { bin, "worker", "--threads", "1", (char *)extra_arg1, (char *)extra_arg2, NULL };
  char **env = g_get_environ();
  env = g_environ_setenv(env, "DOCTAG_DATA_DIR", data_dir, TRUE);
  env = g_environ_setenv(env, "DOCTAG_ALLOWED_ROOTS", tu_corpus_dir(), TRUE);
  env = g_environ_setenv(env, "DOCTAG_ALLOW_PRIVATE_URLS", "1", TRUE);
  env = g_environ_setenv(env, "DOCTAG_THREADS", "1", TRUE);
  if (bk->database_url)
    env = g_environ_setenv(env, "DOCTAG_DATABASE_URL", bk->database_url, TRUE);
  else
    env = g_environ_unsetenv(env, "DOCTAG_DATABASE_URL");
  if (bk->redis_url)
    env = g_environ_setenv(env, "DOCTAG_REDIS_URL", bk->redis_url, TRUE);
  else
    env = g_environ_unsetenv(env, "DOCTAG_REDIS_URL");
  GPid pid = 0;
  GError *e = NULL;
  if (!g_spawn_async(NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD, jt_die_with_parent, NULL, &pid, &e))
    fail_msg("doctag worker: %s", e->message);
  g_strfreev(env);
  g_free(bin);
  return pid;
}

/* SIGTERM (or SIGKILL) and reap; returns the exit status or -signal. */
static inline int jt_worker_stop(GPid pid, int sig)
{
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  g_spawn_close_pid(pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

#endif
