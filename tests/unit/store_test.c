/* The store: migrations, backends, statements, connections, reconnects. */
#include "store_fixture.h"
#include "core/embedded.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned int migration_files(const store_ops *ops)
{
  unsigned int n = 0;
  for (const embedded_file *e = embedded_files; e->name; e++)
    if (g_str_has_prefix(e->name, ops->migrations) && g_str_has_suffix(e->name, ".sql"))
      n++;
  return n;
}

static unsigned int applied_versions(struct store *s)
{
  store_rows r;
  assert_ok(store_query(s, ST_MIG_LIST, NULL, 0, &r));
  unsigned int n = r.nrows;
  /* In order, each once; numbers may leave gaps (the queue's own
   * migrations start at 0100). */
  for (unsigned int i = 0; i < n; i++)
    assert_true(store_cell_int(&r, i, 0) > (i ? store_cell_int(&r, i - 1, 0) : 0));
  store_rows_clear(&r);
  return n;
}

/* Inserts a user with a fixed creation time. */
static doctag_status add_user(struct store *s, const char *email, int64_t created, char **id_out)
{
  char *id = store_uuid_new();
  store_param p[] = { SP_T(id), SP_T(email), SP_T("x"), SP_N, SP_B(true), SP_B(false), SP_I(created) };
  doctag_status st = store_query(s, ST_USER_INSERT, p, 7, NULL);
  if (id_out)
    *id_out = id;
  else
    g_free(id);
  return st;
}

static bool has_user(struct store *s, const char *email)
{
  store_rows r;
  store_param p[] = { SP_T(email) };
  assert_ok(store_query(s, ST_USER_BY_EMAIL, p, 1, &r));
  bool found = r.nrows == 1;
  store_rows_clear(&r);
  return found;
}

/* Collects what the library says through g_message. */
static void keep_message(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
  (void)domain;
  if (level & G_LOG_LEVEL_MESSAGE)
    g_string_append_printf(data, "%s\n", msg);
}

static void test_migrations_run_twice(void **state)
{
  fx *f = *state;
  struct store *s = NULL;
  /* The context's store ran them on first use... */
  assert_ok(store_get(f->ctx, &s));
  unsigned int files = migration_files(s->ops);
  assert_true(files >= 1);
  assert_int_equal(applied_versions(s), files);
  /* ...running them again does nothing, on the same store... */
  unsigned int applied = 99;
  assert_ok(store_migrate(s, &applied));
  assert_int_equal(applied, 0);
  assert_ok(add_user(s, "kept@example.com", store_now_us(), NULL));
  /* ...nor from another store on the same database, and data stays. */
  struct store *again = NULL;
  assert_ok(store_open(f->url, f->dir, &again));
  applied = 99;
  assert_ok(store_migrate(again, &applied));
  assert_int_equal(applied, 0);
  assert_int_equal(applied_versions(again), files);
  assert_true(has_user(again, "kept@example.com"));
  store_close(again);
}

/* Migration 0012 numbers a job's done rows 1..n in their old finishing
 * order (by the clock, ties by row), which catch-up pages read as ranges;
 * rows not done keep no number. Run here on a database whose 0012 is
 * undone, with rows finished in another order than their rows'. */
static void test_finishing_order_migration(void **state)
{
  fx *f = *state;
  struct store *s = NULL;
  assert_ok(store_get(f->ctx, &s));
  char *uid = NULL;
  assert_ok(add_user(s, "queue@example.com", store_now_us(), &uid));
  char *jobs[2] = { store_uuid_new(), store_uuid_new() };
  const char *payloads = "[\"{}\",\"{}\",\"{}\",\"{}\",\"{}\"]";
  for (int k = 0; k < 2; k++) {
    store_param jp[] = { SP_T(jobs[k]), SP_T(uid), SP_T("batch"), SP_T("pending"), SP_I(5), SP_T("{}"),
                         SP_I(store_now_us()), SP_N, SP_N, SP_N };
    assert_ok(store_query(s, ST_JOB_INSERT, jp, G_N_ELEMENTS(jp), NULL));
    store_param qp[] = { SP_T(jobs[k]), SP_T(uid), SP_I(5), SP_T("{}"), SP_N, SP_I(store_now_us()) };
    assert_ok(store_query(s, ST_Q_JOB_INSERT, qp, G_N_ELEMENTS(qp), NULL));
    store_param ip[] = { SP_T(jobs[k]), SP_I(0), SP_T(payloads) };
    assert_ok(store_query(s, ST_Q_ITEM_INSERT, ip, G_N_ELEMENTS(ip), NULL));
  }
  store_conn *c = NULL;
  assert_ok(store_acquire(s, &c));
  /* Job 0: rows 3, 0 and 4 (4 at the same microsecond as 0) done; 1 and 2 not. */
  const int64_t at[5] = { 1700000000000200, 0, 0, 1700000000000100, 1700000000000200 };
  for (int row = 0; row < 5; row++) {
    store_param up[] = { SP_T(jobs[0]), SP_I(row), SP_I(at[row]) };
    assert_ok(store_exec_sql(c, f->pg ? "UPDATE queue_items SET state = 'done', finished_seq = $3::bigint"
                                        " WHERE job_id = $1::uuid AND row_index = $2::bigint AND $3::bigint > 0"
                                      : "UPDATE queue_items SET state = 'done', finished_seq = ?3"
                                        " WHERE job_id = ?1 AND row_index = ?2 AND ?3 > 0",
                             up, 3, NULL));
  }
  /* Job 1: row 2 done, numbered apart from job 0's. */
  store_param one[] = { SP_T(jobs[1]) };
  assert_ok(store_exec_sql(c, f->pg ? "UPDATE queue_items SET state = 'done', finished_seq = 1700000000000000"
                                      " WHERE job_id = $1::uuid AND row_index = 2"
                                    : "UPDATE queue_items SET state = 'done', finished_seq = 1700000000000000"
                                      " WHERE job_id = ?1 AND row_index = 2",
                           one, 1, NULL));
  assert_ok(store_exec_sql(c, "DROP INDEX queue_items_finished", NULL, 0, NULL));
  assert_ok(store_exec_sql(c, "DELETE FROM schema_migrations WHERE version = 12", NULL, 0, NULL));
  unsigned int applied = 0;
  /* An upgrade says which migration runs and how long it took (some rebuild the index). */
  GString *said = g_string_new(NULL);
  GLogFunc was = g_log_set_default_handler(keep_message, said);
  assert_ok(store_migrate(s, &applied));
  g_log_set_default_handler(was, NULL);
  assert_int_equal(applied, 1);
  assert_non_null(strstr(said->str, "upgrading the database: migration 0012_"));
  assert_non_null(strstr(said->str, " done in "));
  g_string_free(said, TRUE);
  for (int k = 0; k < 2; k++) {
    store_rows r;
    store_param p[] = { SP_T(jobs[k]) };
    assert_ok(store_exec_sql(c, f->pg ? "SELECT row_index, finished_seq FROM queue_items WHERE job_id = $1::uuid"
                                        " ORDER BY row_index"
                                      : "SELECT row_index, finished_seq FROM queue_items WHERE job_id = ?1"
                                        " ORDER BY row_index",
                             p, 1, &r));
    assert_int_equal(r.nrows, 5);
    GString *got = g_string_new(NULL);
    for (unsigned int i = 0; i < r.nrows; i++)
      g_string_append_printf(got, "%s%s", i ? "," : "", store_cell(&r, i, 1) ? store_cell(&r, i, 1) : "-");
    assert_string_equal(got->str, k == 0 ? "2,-,-,1,3" : "-,-,1,-,-");
    g_string_free(got, TRUE);
    store_rows_clear(&r);
  }
  store_release(s, c);
  g_free(jobs[0]);
  g_free(jobs[1]);
  g_free(uid);
}

static void test_ping(void **state)
{
  fx *f = *state;
  double ms = -1;
  assert_ok(store_ping(f->ctx, &ms));
  assert_true(ms >= 0);
  /* A database that cannot be reached answers "unavailable". */
  doctag_ctx *down = fx_ctx_new(f->dir, "postgresql://nobody@127.0.0.1:1/none", NULL);
  assert_status(store_ping(down, &ms), DOCTAG_EUNAVAILABLE);
  assert_non_null(strstr(doctag_error_last()->message, "postgresql"));
  doctag_ctx_free(down);
}

static void test_every_statement_has_sql(void **state)
{
  const store_ops *all[] = { &store_sqlite_ops, &store_postgres_ops };
  for (size_t b = 0; b < G_N_ELEMENTS(all); b++)
    for (int st = 0; st < ST_COUNT; st++) {
      const char *sql = all[b]->sql((store_stmt)st);
      if (!sql || !*sql)
        fail_msg("%s has no SQL for statement %d", all[b]->name, st);
    }
}

static void test_bad_urls(void **state)
{
  fx *f = *state;
  struct store *s = NULL;
  assert_status(store_open("mysql://localhost/db", f->dir, &s), DOCTAG_EINVAL);
  assert_null(s);
  assert_non_null(strstr(doctag_error_last()->message, "mysql://"));
  assert_status(store_open("sqlite:", f->dir, &s), DOCTAG_EINVAL);
  /* Nothing listens on port 1: the server is unavailable, and libpq says why. */
  assert_status(store_open("postgresql://nobody:secretpw@127.0.0.1:1/db", f->dir, &s), DOCTAG_EUNAVAILABLE);
  assert_non_null(strstr(doctag_error_last()->message, "postgresql"));
  assert_null(s);
  assert_status(store_open("postgresql://[bad", f->dir, &s), DOCTAG_EINVAL);
  /* A file where the database's directory should be. */
  char *file = g_build_filename(f->dir, "plain", NULL);
  assert_true(g_file_set_contents(file, "x", 1, NULL));
  char *url = g_strdup_printf("sqlite://%s/sub/db.sqlite", file);
  assert_status(store_open(url, f->dir, &s), DOCTAG_EIO);
  g_free(url);
  g_free(file);
}

static void test_default_sqlite_location(void **state)
{
  fx *f = *state;
  struct store *s = NULL;
  assert_ok(store_open(NULL, f->dir, &s));
  assert_string_equal(s->ops->name, "sqlite");
  store_close(s);
  char *db = g_build_filename(f->dir, "doctag.db", NULL);
  assert_true(g_file_test(db, G_FILE_TEST_IS_REGULAR));
  g_free(db);
}

static void test_constraints_map_to_codes(void **state)
{
  fx *f = *state;
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(add_user(s, "dup@example.com", store_now_us(), NULL));
  assert_status(add_user(s, "dup@example.com", store_now_us(), NULL), DOCTAG_EEXISTS);
  /* A job of a user that does not exist: the foreign key refuses it. */
  char *id = store_uuid_new(), *nobody = store_uuid_new();
  int64_t now = store_now_us();
  store_param p[] = { SP_T(id), SP_T(nobody), SP_T("single"), SP_T("pending"), SP_I(1), SP_N, SP_I(now),
                      SP_N, SP_N, SP_N };
  assert_status(store_query(s, ST_JOB_INSERT, p, 10, NULL), DOCTAG_ENOTFOUND);
  /* A job type outside the schema's set. */
  char *uid;
  assert_ok(add_user(s, "owner@example.com", now, &uid));
  store_param q[] = { SP_T(id), SP_T(uid), SP_T("weekly"), SP_T("pending"), SP_I(1), SP_N, SP_I(now),
                      SP_N, SP_N, SP_N };
  assert_status(store_query(s, ST_JOB_INSERT, q, 10, NULL), DOCTAG_ESTORE);
  g_free(uid);
  g_free(id);
  g_free(nobody);
}

static void test_transaction_rollback(void **state)
{
  fx *f = *state;
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  assert_ok(store_tx_begin(c));
  char *id = store_uuid_new();
  store_param p[] = { SP_T(id), SP_T("gone@example.com"), SP_T("x"), SP_N, SP_B(true), SP_B(false),
                      SP_I(store_now_us()) };
  assert_ok(store_exec(c, ST_USER_INSERT, p, 7, NULL));
  /* A failing statement ends the transaction with the first error kept. */
  assert_status(store_exec(c, ST_USER_INSERT, p, 7, NULL), DOCTAG_EEXISTS);
  assert_status(store_tx_end(c, DOCTAG_EEXISTS), DOCTAG_EEXISTS);
  store_release(s, c);
  assert_false(has_user(s, "gone@example.com"));
  /* The connection is usable again. */
  assert_ok(add_user(s, "after@example.com", store_now_us(), NULL));
  assert_true(has_user(s, "after@example.com"));
  g_free(id);
}

static void test_times_round_trip(void **state)
{
  fx *f = *state;
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  int64_t when[] = { 1700000000123456, 86400000001, 4102444799999999 };
  for (size_t i = 0; i < G_N_ELEMENTS(when); i++) {
    char *email = g_strdup_printf("t%zu@example.com", i), *id;
    assert_ok(add_user(s, email, when[i], &id));
    store_rows r;
    store_param p[] = { SP_T(id) };
    assert_ok(store_query(s, ST_USER_BY_ID, p, 1, &r));
    assert_int_equal(r.nrows, 1);
    assert_int_equal(store_cell_int(&r, 0, 5), when[i]);
    assert_true(store_cell_bool(&r, 0, 3));
    assert_false(store_cell_bool(&r, 0, 4));
    store_rows_clear(&r);
    g_free(email);
    g_free(id);
  }
  char *iso = store_time_iso(1700000000123456);
  assert_string_equal(iso, "2023-11-14T22:13:20.123456Z");
  g_free(iso);
  iso = store_time_iso(0);
  assert_string_equal(iso, "1970-01-01T00:00:00.000000Z");
  g_free(iso);
}

static void test_uuids(void **state)
{
  char *a = store_uuid_new(), *b = store_uuid_new();
  assert_true(store_uuid_valid(a));
  assert_string_not_equal(a, b);
  assert_int_equal(a[14], '4'); /* version 4 */
  for (const char *p = a; *p; p++)
    assert_false(g_ascii_isupper(*p));
  assert_false(store_uuid_valid("not-a-uuid"));
  assert_false(store_uuid_valid(""));
  assert_false(store_uuid_valid(NULL));
  assert_false(store_uuid_valid("123e4567-e89b-12d3-a456-4266141740000"));
  g_free(a);
  g_free(b);
}

static void test_sqlite_match_query(void **state)
{
  struct {
    const char *in, *out;
  } cases[] = {
    { "climate change", "\"climate\" \"change\"" },
    { "say \"hi\"", "\"say\" \"\"\"hi\"\"\"" },
    { "a OR b", "\"a\" \"OR\" \"b\"" },
    { "col:val* ^x NEAR(y)", "\"col:val*\" \"^x\" \"NEAR(y)\"" },
    { "हिन्दी  भाषा", "\"हिन्दी\" \"भाषा\"" },
    { "% _ ( ) \" *", NULL },
    { "   ", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *m = store_sqlite_ops.match_query(cases[i].in);
    if (cases[i].out)
      assert_string_equal(m, cases[i].out);
    else
      assert_null(m);
    g_free(m);
  }
  assert_null(store_sqlite_ops.match_query("\xff\xfe"));
  assert_null(store_postgres_ops.match_query("%%"));
  char *m = store_postgres_ops.match_query("it's 100%");
  assert_string_equal(m, "it's 100%");
  g_free(m);
}

typedef struct reg_job {
  struct store *s;
  int thread;
  int count;
  int failures;
} reg_job;

static void *insert_users(void *arg)
{
  reg_job *j = arg;
  for (int i = 0; i < j->count; i++) {
    char *email = g_strdup_printf("thread%d-user%d@example.com", j->thread, i);
    if (add_user(j->s, email, store_now_us(), NULL) != DOCTAG_OK)
      j->failures++;
    g_free(email);
  }
  return NULL;
}

static void test_threads_share_the_pool(void **state)
{
  fx *f = *state;
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  enum { THREADS = 8, EACH = 25 };
  pthread_t th[THREADS];
  reg_job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (reg_job){ s, i, EACH, 0 };
    assert_int_equal(pthread_create(&th[i], NULL, insert_users, &jobs[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(jobs[i].failures, 0);
  }
  for (int t = 0; t < THREADS; t++)
    for (int i = 0; i < EACH; i++) {
      char *email = g_strdup_printf("thread%d-user%d@example.com", t, i);
      assert_true(has_user(s, email));
      g_free(email);
    }
}

/* Several processes write one SQLite database at once (WAL, busy timeout). */
static void test_sqlite_several_processes(void **state)
{
  fx *f = *state;
  if (f->pg)
    skip();
  enum { PROCS = 3, EACH = 30 };
  pid_t pids[PROCS];
  for (int p = 0; p < PROCS; p++) {
    pids[p] = fork();
    assert_true(pids[p] >= 0);
    if (pids[p] == 0) {
      struct store *s = NULL;
      int bad = store_open(f->url, f->dir, &s) != DOCTAG_OK;
      if (bad)
        fprintf(stderr, "process %d: open: %s\n", p, doctag_error_last()->message);
      for (int i = 0; !bad && i < EACH; i++) {
        char *email = g_strdup_printf("proc%d-user%d@example.com", p, i);
        bad = add_user(s, email, store_now_us(), NULL) != DOCTAG_OK;
        if (bad)
          fprintf(stderr, "process %d: %s\n", p, doctag_error_last()->message);
        g_free(email);
      }
      store_close(s);
      _exit(bad);
    }
  }
  for (int p = 0; p < PROCS; p++) {
    int status = 0;
    assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  for (int p = 0; p < PROCS; p++)
    for (int i = 0; i < EACH; i++) {
      char *email = g_strdup_printf("proc%d-user%d@example.com", p, i);
      assert_true(has_user(s, email));
      g_free(email);
    }
  /* The file is in WAL mode. */
  sqlite3 *db;
  char *path = g_build_filename(f->dir, "test.db", NULL);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
  g_free(path);
}

/* Holds `n` connections at once so the pool keeps n idle ones. */
static void fill_pool(struct store *s, int n)
{
  store_conn *c[8];
  for (int i = 0; i < n; i++)
    assert_ok(store_acquire(s, &c[i]));
  for (int i = 0; i < n; i++)
    store_release(s, c[i]);
}

/* Every pooled connection is cut by the server, as a restart does, for
 * this database only (other suites may share the server). */
static void test_pg_connections_cut(void **state)
{
  fx *f = *state;
  if (!f->pg)
    skip();
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  fill_pool(s, 3);
  assert_ok(add_user(s, "before@example.com", store_now_us(), NULL));
  char *sql = g_strdup_printf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = '%s' AND pid <> pg_backend_pid()", f->dbname);
  fx_pg_admin_exec(sql);
  g_free(sql);
  /* Plain statements and transactions work again on every connection. */
  for (int i = 0; i < 3; i++) {
    char *email = g_strdup_printf("after%d@example.com", i);
    store_conn *c[3];
    for (int k = 0; k < 3; k++)
      assert_ok(store_acquire(s, &c[k]));
    store_param p[] = { SP_T(email) };
    store_rows r;
    assert_ok(store_exec(c[i], ST_USER_BY_EMAIL, p, 1, &r));
    store_rows_clear(&r);
    assert_ok(store_tx_begin(c[(i + 1) % 3]));
    assert_ok(store_tx_end(c[(i + 1) % 3], DOCTAG_OK));
    for (int k = 0; k < 3; k++)
      store_release(s, c[k]);
    assert_ok(add_user(s, email, store_now_us(), NULL));
    g_free(email);
  }
  assert_true(has_user(s, "before@example.com"));
}

/* A connection cut inside a transaction: the transaction fails (nothing
 * half-done is committed), the next one works. */
static void test_pg_cut_inside_transaction(void **state)
{
  fx *f = *state;
  if (!f->pg)
    skip();
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  assert_ok(store_tx_begin(c));
  char *id = store_uuid_new();
  store_param p[] = { SP_T(id), SP_T("half@example.com"), SP_T("x"), SP_N, SP_B(true), SP_B(false),
                      SP_I(store_now_us()) };
  assert_ok(store_exec(c, ST_USER_INSERT, p, 7, NULL));
  char *sql = g_strdup_printf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = '%s' AND pid <> pg_backend_pid()", f->dbname);
  fx_pg_admin_exec(sql);
  g_free(sql);
  store_param q[] = { SP_T("half@example.com") };
  assert_status(store_exec(c, ST_USER_BY_EMAIL, q, 1, NULL), DOCTAG_EUNAVAILABLE);
  assert_status(store_tx_end(c, DOCTAG_EUNAVAILABLE), DOCTAG_EUNAVAILABLE);
  store_release(s, c);
  assert_false(has_user(s, "half@example.com"));
  assert_ok(add_user(s, "half@example.com", store_now_us(), NULL));
  g_free(id);
}

/* The server restarts between two calls: the library reconnects. */
/* Statements are prepared once per connection; when the server session
 * loses them (a pooler such as PgBouncer in transaction mode hands out
 * another one), statements outside a transaction still run. */
static void test_pg_prepared_statements_vanish(void **state)
{
  fx *f = *state;
  if (!f->pg)
    skip();
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  assert_ok(add_user(s, "prep@example.com", store_now_us(), NULL));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  store_param q[] = { SP_T("prep@example.com") };
  for (int i = 0; i < 3; i++) {
    store_rows r;
    assert_ok(store_exec(c, ST_USER_BY_EMAIL, q, 1, &r));
    assert_int_equal(r.nrows, 1);
    store_rows_clear(&r);
    if (i == 0)
      assert_ok(store_exec_sql(c, "DEALLOCATE ALL", NULL, 0, NULL));
  }
  store_release(s, c);
}

/* A job-list page, filtered by status or not, skips its entries in the index
 * alone (migration 0017): the plan reads no table row to test status. On
 * PostgreSQL it is the plan kept for every call (a generic one); planner
 * costs on a few rows would pick a sequential scan, so other plans are
 * turned off. */
static void test_job_page_from_index(void **state)
{
  fx *f = *state;
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  GString *plan = g_string_new(NULL);
  store_rows r;
  if (f->pg) {
    char *prepare = g_strconcat("PREPARE job_page AS ", s->ops->sql(ST_JOB_LIST), NULL);
    assert_ok(store_exec_sql(c, "SET plan_cache_mode = force_generic_plan", NULL, 0, NULL));
    assert_ok(store_exec_sql(c, "SET enable_seqscan = off", NULL, 0, NULL));
    assert_ok(store_exec_sql(c, "SET enable_bitmapscan = off", NULL, 0, NULL));
    assert_ok(store_exec_sql(c, "SET enable_sort = off", NULL, 0, NULL));
    assert_ok(store_exec_sql(c, prepare, NULL, 0, NULL));
    g_free(prepare);
    assert_ok(store_exec_sql(c, "EXPLAIN (COSTS OFF) EXECUTE job_page('00000000-0000-4000-8000-000000000000',"
                                " 'failed', 50, 1000)", NULL, 0, &r));
  } else {
    char *explain = g_strconcat("EXPLAIN QUERY PLAN ", s->ops->sql(ST_JOB_LIST), NULL);
    store_param p[] = { SP_T("00000000-0000-4000-8000-000000000000"), SP_T("failed"), SP_I(50), SP_I(1000) };
    assert_ok(store_exec_sql(c, explain, p, 4, &r));
    g_free(explain);
  }
  for (unsigned int i = 0; i < r.nrows; i++)
    g_string_append_printf(plan, "%s\n", store_cell(&r, i, r.ncols - 1));
  store_rows_clear(&r);
  if (f->pg) {
    assert_ok(store_exec_sql(c, "DEALLOCATE job_page", NULL, 0, NULL));
    assert_ok(store_exec_sql(c, "RESET ALL", NULL, 0, NULL));
  }
  store_release(s, c);
  if (!strstr(plan->str, f->pg ? "Index Only Scan using jobs_user_recent" : "COVERING INDEX jobs_user_recent"))
    fail_msg("the job page reads table rows:\n%s", plan->str);
  g_string_free(plan, TRUE);
}

static void test_pg_server_restart(void **state)
{
  fx *f = *state;
  const char *restart = getenv("DOCTAG_TEST_POSTGRES_RESTART");
  if (!f->pg || !restart || !*restart)
    skip();
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  fill_pool(s, 2);
  assert_ok(add_user(s, "one@example.com", store_now_us(), NULL));
  assert_int_equal(system(restart), 0);
  assert_true(has_user(s, "one@example.com"));
  assert_ok(add_user(s, "two@example.com", store_now_us(), NULL));
  store_conn *c;
  assert_ok(store_acquire(s, &c));
  assert_ok(store_tx_begin(c));
  assert_ok(store_tx_end(c, DOCTAG_OK));
  store_release(s, c);
  assert_true(has_user(s, "two@example.com"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_migrations_run_twice),
    cmocka_unit_test(test_finishing_order_migration),
    cmocka_unit_test(test_ping),
    cmocka_unit_test(test_every_statement_has_sql),
    cmocka_unit_test(test_bad_urls),
    cmocka_unit_test(test_default_sqlite_location),
    cmocka_unit_test(test_constraints_map_to_codes),
    cmocka_unit_test(test_transaction_rollback),
    cmocka_unit_test(test_times_round_trip),
    cmocka_unit_test(test_uuids),
    cmocka_unit_test(test_sqlite_match_query),
    cmocka_unit_test(test_threads_share_the_pool),
    cmocka_unit_test(test_sqlite_several_processes),
    cmocka_unit_test(test_pg_connections_cut),
    cmocka_unit_test(test_pg_cut_inside_transaction),
    cmocka_unit_test(test_pg_prepared_statements_vanish),
    cmocka_unit_test(test_job_page_from_index),
    cmocka_unit_test(test_pg_server_restart),
  };
  return fx_run("store", tests, G_N_ELEMENTS(tests));
}
