/* Worker processes (`doctag worker`) on both queue backends: two workers
 * share a job; a worker killed with SIGKILL in the middle of a document
 * loses nothing (its item is taken over once its lease runs out, and the
 * document is recorded once); a Redis restart in the middle of a job (a
 * Redis server of this test's own, with append-only persistence). Documents
 * come from a slow HTTP server of the test, so that they last long enough. */
#include "jobs_testutil.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define REDIS_DB 3

typedef struct fx {
  jt_fx jt;       /* backend, context, user, HTTP server */
  GArray *pids;   /* processes still running: killed by the teardown */
} fx;

static GPid spawn(fx *f, const char *a1, const char *a2)
{
  GPid pid = jt_worker_spawn(f->jt.dir, &f->jt.bk, a1, a2);
  g_array_append_val(f->pids, pid);
  return pid;
}

/* Stops a process of the fixture; its exit status or -signal. */
static int stop(fx *f, GPid pid, int sig)
{
  for (guint i = 0; i < f->pids->len; i++)
    if (g_array_index(f->pids, GPid, i) == pid)
      g_array_remove_index(f->pids, i--);
  return jt_worker_stop(pid, sig);
}

static void fx_free(fx *f)
{
  while (f->pids->len)
    stop(f, g_array_index(f->pids, GPid, 0), SIGKILL);
  g_array_free(f->pids, TRUE);
  jt_fx_close(&f->jt);
  g_free(f);
}

static void fx_free_jt(jt_fx *jt)
{
  fx_free((fx *)jt);
}

static fx *fx_alloc(void)
{
  fx *f = g_new0(fx, 1);
  f->pids = g_array_new(FALSE, FALSE, sizeof(GPid));
  return f;
}

static fx *fx_new(void **state)
{
  fx *f = fx_alloc();
  jt_fx_open(&f->jt, state, REDIS_DB, "workers", true, fx_free_jt);
  return f;
}

/* On a backing of the test's own; takes over *bk. */
static fx *fx_new_bk(jt_backend b, jt_backing *bk)
{
  fx *f = fx_alloc();
  jt_fx_open_bk(&f->jt, b, bk, "workers", true, fx_free_jt);
  return f;
}

/* n URL rows; row i waits delays[i] seconds (or `delay` when delays is NULL). */
static char *submit_urls(fx *f, size_t n, double delay, const double *delays)
{
  GPtrArray *urls = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < n; i++) {
    char *q = g_strdup_printf("/doc%zu.pdf?delay=%.2f", i, delays ? delays[i] : delay);
    g_ptr_array_add(urls, jt_http_url(&f->jt.http, q));
    g_free(q);
  }
  char *id = jt_submit_rows(f->jt.ctx, f->jt.user, (const char *const *)urls->pdata, NULL, "url", n);
  g_ptr_array_free(urls, TRUE);
  return id;
}

/* Per row: how many events of each kind; checks numbering. */
static void count_events(fx *f, const char *job, size_t n, int *processing, int *success)
{
  memset(processing, 0, n * sizeof *processing);
  memset(success, 0, n * sizeof *success);
  doctag_events *ev = jt_events(f->jt.ctx, f->jt.user, job);
  size_t terminal = 0;
  for (size_t i = 0; i < doctag_events_count(ev); i++) {
    const doctag_event_info *e = doctag_events_at(ev, i);
    assert_int_equal(e->seq, i + 1);
    terminal += e->terminal;
    json_t *o = json_loads(e->json, 0, NULL);
    json_t *row = json_object_get(o, "row_id");
    if (json_is_integer(row) && (size_t)json_integer_value(row) < n) {
      size_t r = (size_t)json_integer_value(row);
      processing[r] += !strcmp(e->type, "processing");
      success[r] += !strcmp(e->type, "success");
    }
    json_decref(o);
  }
  assert_int_equal(terminal, 1);
  assert_true(doctag_events_at(ev, doctag_events_count(ev) - 1)->terminal);
  doctag_events_free(ev);
}

/* The worker named in each row's result. */
static char **workers_of(fx *f, const char *job, size_t n)
{
  char **names = g_new0(char *, n + 1);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, job);
  assert_int_equal(doctag_job_result_count(j), n);
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_loads(doctag_job_result_json(j, i), 0, NULL);
    size_t row = doctag_job_result_row(j, i);
    assert_true(row < n);
    assert_null(names[row]);
    names[row] = g_strdup(json_string_value(json_object_get(o, "worker")));
    assert_non_null(names[row]);
    json_decref(o);
  }
  doctag_job_free(j);
  return names;
}

static void test_two_workers_share_a_job(void **state)
{
  fx *f = fx_new(state);
  char *id = submit_urls(f, 8, 0.4, NULL);
  GPid a = spawn(f, NULL, NULL);
  GPid b = spawn(f, NULL, NULL);
  assert_int_equal(jt_wait_final(f->jt.ctx, f->jt.user, id, 90), DOCTAG_JOB_COMPLETED);
  /* SIGTERM: both stop cleanly. */
  assert_int_equal(stop(f, a, SIGTERM), 0);
  assert_int_equal(stop(f, b, SIGTERM), 0);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_processed_count(j), 8);
  assert_int_equal(doctag_job_failed_count(j), 0);
  doctag_job_free(j);
  assert_int_equal(jt_history_docs(f->jt.ctx, f->jt.user, id), 8);
  int processing[8], success[8];
  count_events(f, id, 8, processing, success);
  for (int r = 0; r < 8; r++)
    assert_true(processing[r] == 1 && success[r] == 1);
  /* Both took part. */
  char **names = workers_of(f, id, 8);
  bool two = false;
  for (int r = 1; r < 8; r++)
    two = two || strcmp(names[r], names[0]);
  assert_true(two);
  g_strfreev(names);
  doctag_free(id);
  fx_free(f);
}

static void test_sigkill_mid_document(void **state)
{
  fx *f = fx_new(state);
  /* Row 0 takes 4 s to download: the first worker is killed inside it. */
  const double delays[4] = { 4.0, 0.1, 0.1, 0.1 };
  char *id = submit_urls(f, 4, 0, delays);
  GPid a = spawn(f, "--lease", "2");
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "processing", 0, 30);
  g_usleep(300000);   /* well inside the download */
  assert_int_equal(stop(f, a, SIGKILL), -SIGKILL);
  size_t hits_at_kill = jt_http_hits(&f->jt.http);
  GPid b = spawn(f, "--lease", "2");
  assert_int_equal(jt_wait_final(f->jt.ctx, f->jt.user, id, 90), DOCTAG_JOB_COMPLETED);
  assert_int_equal(stop(f, b, SIGTERM), 0);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_processed_count(j), 4);
  assert_int_equal(doctag_job_failed_count(j), 0);
  assert_int_equal(doctag_job_results_count(j), 4);
  doctag_job_free(j);
  /* Every document recorded once. */
  assert_int_equal(jt_history_docs(f->jt.ctx, f->jt.user, id), 4);
  int processing[4], success[4];
  count_events(f, id, 4, processing, success);
  /* Row 0 was started twice (killed, then taken over) and finished once. */
  assert_int_equal(processing[0], 2);
  for (int r = 0; r < 4; r++)
    assert_int_equal(success[r], 1);
  assert_true(jt_http_hits(&f->jt.http) > hits_at_kill);
  doctag_free(id);
  fx_free(f);
}

/* ---- a Redis server of this test's own -------------------------------- */

static int free_port(void)
{
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  getsockname(s, (struct sockaddr *)&a, &len);
  close(s);
  return ntohs(a.sin_port);
}

static GPid redis_start(const char *dir, int port)
{
  char *p = g_strdup_printf("%d", port);
  char *argv[] = { "redis-server", "--bind", "127.0.0.1", "--port", p, "--dir", (char *)dir, "--appendonly", "yes",
                   "--save", "", "--daemonize", "no", "--logfile", "redis.log", NULL };
  GPid pid = 0;
  GError *e = NULL;
  if (!g_spawn_async(dir, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &e))
    fail_msg("redis-server: %s", e->message);
  /* Ready when it answers PING. */
  for (int i = 0; i < 100; i++) {
    redisContext *c = redisConnect("127.0.0.1", port);
    if (c && !c->err) {
      redisReply *r = redisCommand(c, "PING");
      bool ok = r && r->type == REDIS_REPLY_STATUS;
      if (r)
        freeReplyObject(r);
      redisFree(c);
      if (ok)
        break;
    } else if (c) {
      redisFree(c);
    }
    g_usleep(100000);
  }
  g_free(p);
  return pid;
}

static void test_redis_restart_mid_job(void **state)
{
  (void)state;
  gchar *server = g_find_program_in_path("redis-server");
  if (!jt_redis_base() || !server) {
    g_free(server);
    skip();
  }
  g_free(server);
  char *rdir = tu_tmpdir();
  int port = free_port();
  GPid redis = redis_start(rdir, port);
  jt_backing bk = { .redis_url = g_strdup_printf("redis://127.0.0.1:%d/0", port) };
  fx *f = fx_new_bk(JT_REDIS, &bk);
  g_array_append_val(f->pids, redis);
  char *id = submit_urls(f, 6, 0.5, NULL);
  GPid w = spawn(f, NULL, NULL);
  jt_wait_event(f->jt.ctx, f->jt.user, id, 0, "success", 1, 60);
  /* Stop Redis (it writes its append-only file) and start it again. */
  assert_int_equal(stop(f, redis, SIGTERM), 0);
  g_usleep(1500000);
  redis = redis_start(rdir, port);
  g_array_append_val(f->pids, redis);
  assert_int_equal(jt_wait_final(f->jt.ctx, f->jt.user, id, 90), DOCTAG_JOB_COMPLETED);
  assert_int_equal(stop(f, w, SIGTERM), 0);
  doctag_job *j = jt_status(f->jt.ctx, f->jt.user, id);
  assert_int_equal(doctag_job_processed_count(j), 6);
  assert_int_equal(doctag_job_failed_count(j), 0);
  doctag_job_free(j);
  assert_int_equal(jt_history_docs(f->jt.ctx, f->jt.user, id), 6);
  int processing[6], success[6];
  count_events(f, id, 6, processing, success);
  for (int r = 0; r < 6; r++)
    assert_int_equal(success[r], 1);
  doctag_free(id);
  stop(f, redis, SIGTERM);
  fx_free(f);
  jt_rmtree(rdir);
  g_free(rdir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    JT_ALL(test_two_workers_share_a_job),
    JT_ALL(test_sigkill_mid_document),
    JT_ON(test_redis_restart_mid_job, JT_REDIS),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
