/* Shared by the store, auth and history tests: every test runs once on
 * SQLite (a fresh temporary data directory) and once on PostgreSQL (a fresh
 * database in the server of DOCTAG_TEST_POSTGRES_URL, when it is set, as
 * scripts/services.sh does). Header-only: included by each *_test.c. */
#ifndef DOCTAG_STORE_FIXTURE_H
#define DOCTAG_STORE_FIXTURE_H

#include "testutil.h"
#include "core/ctx.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx {
  bool pg;
  char *dir;     /* the context's data directory */
  char *url;     /* database URL */
  char *dbname;  /* PostgreSQL: the test's own database */
  doctag_ctx *ctx;
} fx;

static const char *fx_pg_admin(void)
{
  const char *u = getenv("DOCTAG_TEST_POSTGRES_URL");
  return u && *u ? u : NULL;
}

/* Runs one SQL command on the admin database; fails the test on error. */
static void fx_pg_admin_exec(const char *sql)
{
  PGconn *c = PQconnectdb(fx_pg_admin());
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("cannot reach the test PostgreSQL: %s", PQerrorMessage(c));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
    fail_msg("%s: %s", sql, PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
}

/* The admin URL with its database replaced by `db`. */
static char *fx_pg_url(const char *db)
{
  const char *admin = fx_pg_admin();
  const char *hostpart = strstr(admin, "://");
  const char *slash = hostpart ? strchr(hostpart + 3, '/') : NULL;
  const char *query = strchr(admin, '?');
  size_t base = slash ? (size_t)(slash - admin) : (query ? (size_t)(query - admin) : strlen(admin));
  return g_strdup_printf("%.*s/%s%s", (int)base, admin, db, query ? query : "");
}

/* A context on `dir` and `url` with the environment ignored; secret NULL
 * lets auth generate one in dir. */
static doctag_ctx *fx_ctx_new(const char *dir, const char *url, const char *secret)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  cfg.database_url = url;
  cfg.jwt_secret = secret;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg) != DOCTAG_OK)
    fail_msg("doctag_ctx_new: %s", doctag_error_last()->message);
  return ctx;
}

static int fx_setup(void **state, bool pg)
{
  fx *f = g_new0(fx, 1);
  f->pg = pg;
  f->dir = tu_tmpdir();
  if (pg) {
    char *id = store_uuid_new();
    g_strdelimit(id, "-", '_');
    f->dbname = g_strdup_printf("doctag_t_%s", id);
    g_free(id);
    char *sql = g_strdup_printf("CREATE DATABASE %s", f->dbname);
    fx_pg_admin_exec(sql);
    g_free(sql);
    f->url = fx_pg_url(f->dbname);
  } else {
    f->url = g_strdup_printf("sqlite://%s/test.db", f->dir);
  }
  f->ctx = fx_ctx_new(f->dir, f->url, NULL);
  *state = f;
  return 0;
}

static int fx_setup_sqlite(void **state) { return fx_setup(state, false); }
static int fx_setup_pg(void **state) { return fx_setup(state, true); }

static int fx_teardown(void **state)
{
  fx *f = *state;
  doctag_ctx_free(f->ctx);
  if (f->pg) {
    char *sql = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
    fx_pg_admin_exec(sql);
    g_free(sql);
  }
  char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    print_message("could not remove %s\n", f->dir);
  g_free(cmd);
  g_free(f->dir);
  g_free(f->url);
  g_free(f->dbname);
  g_free(f);
  return 0;
}

/* Runs `tests` on SQLite, then on PostgreSQL when configured. */
static int fx_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
  struct CMUnitTest *t = g_new(struct CMUnitTest, n);
  memcpy(t, tests, n * sizeof *t);
  for (size_t i = 0; i < n; i++) {
    t[i].setup_func = fx_setup_sqlite;
    t[i].teardown_func = fx_teardown;
  }
  char *g = g_strdup_printf("%s/sqlite", name);
  int failed = _cmocka_run_group_tests(g, t, n, NULL, NULL);
  g_free(g);
  if (fx_pg_admin()) {
    for (size_t i = 0; i < n; i++)
      t[i].setup_func = fx_setup_pg;
    g = g_strdup_printf("%s/postgresql", name);
    failed += _cmocka_run_group_tests(g, t, n, NULL, NULL);
    g_free(g);
  } else {
    print_message("[  SKIPPED ] %s/postgresql: DOCTAG_TEST_POSTGRES_URL is not set "
                  "(scripts/services.sh starts a server)\n", name);
  }
  g_free(t);
  return failed;
}

/* Asserts a call's status, showing the library's message when it differs. */
#define assert_status(call, want)                                                        \
  do {                                                                                   \
    doctag_status got_ = (call);                                                         \
    if (got_ != (want))                                                                  \
      fail_msg("%s: got %s (%s), want %s", #call, doctag_status_name(got_),             \
               doctag_error_last()->message, doctag_status_name(want));                 \
  } while (0)
#define assert_ok(call) assert_status(call, DOCTAG_OK)

#endif
