/* Security properties of the library (issue 15): private files, secrets
 * never at rest in clear, login throttling, weak passwords, revocation. */
#include "testutil.h"
#include "store/store.h"
#include "core/ctx.h"
#include "core/seal.h"
#include "queue/queue.h"
#include "auth/revoke.h"
#include "auth/throttle.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static doctag_ctx *ctx_on(const char *dir)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  return ctx;
}

static unsigned int mode_of(const char *path)
{
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  return (unsigned)(sb.st_mode & 07777);
}

/* Whatever the umask, the data directory is 0700 and the database with its
 * WAL and shared-memory files 0600; a looser directory is tightened. */
static void test_data_files_private_whatever_umask(void **state)
{
  (void)state;
  mode_t old = umask(0);
  char *root = tu_tmpdir();
  char *dir = g_build_filename(root, "data", NULL);
  assert_int_equal(mkdir(dir, 0777), 0);
  assert_int_equal(chmod(dir, 0777), 0);
  doctag_ctx *ctx = ctx_on(dir);
  assert_int_equal(mode_of(dir), 0700u);
  struct store *s = NULL;
  assert_int_equal(store_get(ctx, &s), DOCTAG_OK);
  store_conn *c = NULL;
  assert_int_equal(store_acquire(s, &c), DOCTAG_OK);
  assert_int_equal(store_exec_sql(c, "CREATE TABLE IF NOT EXISTS perm_probe (x TEXT)", NULL, 0, NULL), DOCTAG_OK);
  assert_int_equal(store_exec_sql(c, "INSERT INTO perm_probe VALUES ('x')", NULL, 0, NULL), DOCTAG_OK);
  static const char *const names[] = { "doctag.db", "doctag.db-wal", "doctag.db-shm" };
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    char *f = g_build_filename(dir, names[i], NULL);
    if (mode_of(f) != 0600u)
      fail_msg("%s is mode %04o, not 0600", names[i], mode_of(f));
    g_free(f);
  }
  store_release(s, c);
  doctag_ctx_free(ctx);

  /* An older install left them readable: tightened at the next start. */
  char *db = g_build_filename(dir, "doctag.db", NULL);
  assert_int_equal(chmod(dir, 0755), 0);
  assert_int_equal(chmod(db, 0644), 0);
  ctx = ctx_on(dir);
  assert_int_equal(store_get(ctx, &s), DOCTAG_OK);
  assert_int_equal(mode_of(dir), 0700u);
  assert_int_equal(mode_of(db), 0600u);
  doctag_ctx_free(ctx);
  umask(old);
  g_free(db);
  g_free(dir);
  g_free(root);
}


/* True when `needle` occurs in any file under `dir` (the database, its WAL,
 * blobs...). */
static bool dir_contains(const char *dir, const char *needle)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d)
    return false;
  bool found = false;
  const char *name;
  while (!found && (name = g_dir_read_name(d))) {
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      found = dir_contains(path, needle);
    } else {
      gchar *data = NULL;
      gsize len = 0;
      if (g_file_get_contents(path, &data, &len, NULL))
        found = memmem(data, len, needle, strlen(needle)) != NULL;
      g_free(data);
    }
    g_free(path);
  }
  g_dir_close(d);
  return found;
}

static char *register_user(doctag_ctx *ctx)
{
  doctag_user *u = NULL;
  char *email = g_strdup_printf("u%08x@example.com", g_random_int());
  if (doctag_auth_register(ctx, &u, email, "correct horse battery staple", NULL))
    fail_msg("register: %s", doctag_error_last()->message);
  char *id = g_strdup(doctag_user_id(u));
  doctag_user_free(u);
  g_free(email);
  return id;
}

/* A batch's LLM key is sealed before the queue stores it: no file of the
 * data directory holds it in clear while the job waits or after it ends,
 * and only the same key opens it. */
static void test_batch_api_key_never_at_rest_in_clear(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  ctx->secret_key = g_strdup("0123456789abcdef0123456789abcdef-test");
  char *user = register_user(ctx);
  char canary[64];
  g_snprintf(canary, sizeof canary, "sk-canary-%08x%08x", g_random_int(), g_random_int());

  doctag_process_options popts = DOCTAG_PROCESS_OPTIONS_INIT;
  popts.api_key = canary;
  popts.model_name = "local";
  doctag_job_options jopts = DOCTAG_JOB_OPTIONS_INIT;
  jopts.process = &popts;
  doctag_field f[] = { { "title", "t" }, { "file_path", "https://example.com/a.pdf" }, { "file_source_type", "url" } };
  doctag_row row = { f, G_N_ELEMENTS(f) };
  char *job = NULL;
  assert_int_equal(doctag_job_submit(ctx, &job, user, &row, 1, &jopts), DOCTAG_OK);
  assert_false(dir_contains(dir, canary));

  queue *q = NULL;
  assert_int_equal(queue_get(ctx, &q), DOCTAG_OK);
  queue_job qj = { 0 };
  assert_int_equal(queue_job_get(q, job, &qj), DOCTAG_OK);
  assert_non_null(qj.secret);
  assert_true(seal_is_sealed(qj.secret));
  assert_null(strstr(qj.secret, canary));
  char *plain = NULL;
  assert_int_equal(seal_open(ctx, qj.secret, &plain), DOCTAG_OK);
  assert_string_equal(plain, canary);
  seal_free(plain);

  /* Another DOCTAG_SECRET_KEY, or none (a key of this process only, which
   * is not the configured one), cannot open it. */
  char *sealed = g_strdup(qj.secret);
  char *saved = ctx->secret_key;
  ctx->secret_key = g_strdup("another-key-another-key-another-key");
  assert_int_equal(seal_open(ctx, sealed, &plain), DOCTAG_EAUTH);
  g_free(ctx->secret_key);
  ctx->secret_key = NULL;
  assert_int_equal(seal_open(ctx, sealed, &plain), DOCTAG_EAUTH);
  ctx->secret_key = saved;
  /* Altered: refused. */
  sealed[strlen(sealed) - 3] = sealed[strlen(sealed) - 3] == 'A' ? 'B' : 'A';
  assert_int_equal(seal_open(ctx, sealed, &plain), DOCTAG_EAUTH);
  g_free(sealed);
  queue_job_clear(&qj);

  assert_int_equal(doctag_job_cancel(ctx, user, job), DOCTAG_OK);
  assert_false(dir_contains(dir, canary));
  doctag_ctx_free(ctx);
  assert_false(dir_contains(dir, canary));
  doctag_free(job);
  g_free(user);
  g_free(dir);
}

/* Without DOCTAG_SECRET_KEY the process seals under its own random key:
 * it opens what it sealed; a fresh context of the same process too. */
static void test_seal_without_configured_key(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  char *sealed = NULL, *plain = NULL;
  assert_int_equal(seal_text(ctx, "sk-secret", &sealed), DOCTAG_OK);
  assert_null(strstr(sealed, "sk-secret"));
  char *again = NULL;
  assert_int_equal(seal_text(ctx, "sk-secret", &again), DOCTAG_OK);
  assert_string_not_equal(sealed, again); /* a fresh nonce each time */
  assert_int_equal(seal_open(ctx, sealed, &plain), DOCTAG_OK);
  assert_string_equal(plain, "sk-secret");
  seal_free(plain);
  g_free(again);
  g_free(sealed);
  doctag_ctx_free(ctx);
  g_free(dir);
}

/* A DOCTAG_SECRET_KEY too short to be a key is refused at start. */
static void test_short_secret_key_refused(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  g_setenv("DOCTAG_SECRET_KEY", "short", TRUE);
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_SECRET_KEY"));
  g_unsetenv("DOCTAG_SECRET_KEY");
  g_free(dir);
}

/* ---- passwords ---- */

static void test_weak_passwords_refused(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  static const char *const weak[] = { "password", "12345678", "PASSWORD1", "Qwertyuiop", "        ",
                                      "\t \t \t \t ", "\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80 \n \n \n" };
  for (size_t i = 0; i < G_N_ELEMENTS(weak); i++) {
    doctag_status st = doctag_auth_register(ctx, NULL, "weak@example.com", weak[i], NULL);
    if (st != DOCTAG_EINVAL)
      fail_msg("\"%s\" was accepted (%d)", weak[i], st);
    assert_string_equal(doctag_error_last()->message, "Password is too common");
  }
  assert_int_equal(doctag_auth_register(ctx, NULL, "weak@example.com", "pass word horse 8", NULL), DOCTAG_OK);
  doctag_ctx_free(ctx);
  g_free(dir);
}

/* ---- hashing slots and throttling ---- */

typedef struct bg_call {
  doctag_ctx *ctx;
  const char *email, *password;
  bool login;
  doctag_status st;
  gint done;
} bg_call;

static gpointer bg_run(gpointer p)
{
  bg_call *b = p;
  if (b->login) {
    doctag_tokens *t = NULL;
    b->st = doctag_auth_login(b->ctx, NULL, &t, b->email, b->password, NULL);
    doctag_tokens_free(t);
  } else {
    b->st = doctag_auth_register(b->ctx, NULL, b->email, b->password, NULL);
  }
  g_atomic_int_set(&b->done, 1);
  return NULL;
}

/* Every slot taken: a login, and a registration of a known email (which
 * must cost the hash like a new one), wait for a slot. */
static void test_hashes_wait_for_a_slot(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  assert_int_equal(doctag_auth_register(ctx, NULL, "slot@example.com", "pass word horse 8", NULL), DOCTAG_OK);
  unsigned int n = MAX(1u, g_get_num_processors());
  GArray *held = g_array_new(FALSE, FALSE, sizeof(int));
  for (unsigned int i = 0; i < n; i++) {
    int s = hash_slot_take(ctx);
    assert_true(s >= 0);
    g_array_append_val(held, s);
  }
  bg_call calls[2] = { { ctx, "slot@example.com", "pass word horse 8", true, 0, 0 },
                       { ctx, "slot@example.com", "another pass 88", false, 0, 0 } };
  GThread *th[2];
  for (int i = 0; i < 2; i++)
    th[i] = g_thread_new("bg", bg_run, &calls[i]);
  g_usleep(300 * 1000);
  assert_false(g_atomic_int_get(&calls[0].done));
  assert_false(g_atomic_int_get(&calls[1].done));
  for (guint i = 0; i < held->len; i++)
    hash_slot_give(g_array_index(held, int, i));
  for (int i = 0; i < 2; i++)
    g_thread_join(th[i]);
  assert_int_equal(calls[0].st, DOCTAG_OK);
  assert_int_equal(calls[1].st, DOCTAG_EEXISTS);
  g_array_free(held, TRUE);
  doctag_ctx_free(ctx);
  g_free(dir);
}

static doctag_status login_from(doctag_ctx *ctx, const char *email, const char *pw, const char *ip)
{
  doctag_session_options o = DOCTAG_SESSION_OPTIONS_INIT;
  o.ip = ip;
  doctag_tokens *t = NULL;
  doctag_status st = doctag_auth_login(ctx, NULL, &t, email, pw, &o);
  doctag_tokens_free(t);
  return st;
}

static void assert_throttled(doctag_status st)
{
  assert_int_equal(st, DOCTAG_ERATE);
  unsigned int n = doctag_error_retry_after();
  assert_true(n >= 1 && n <= THROTTLE_WINDOW_SEC);
  char *want = g_strdup_printf("Too many login attempts; try again in %u seconds", n);
  assert_string_equal(doctag_error_last()->message, want);
  g_free(want);
}

/* Five failures for an email: the sixth try is refused, right password
 * too, also through another context on the same database (another kore
 * worker or server); a success before that clears the count. */
static void test_login_throttled_per_email(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *a = ctx_on(dir), *b = ctx_on(dir);
  const char *pw = "pass word horse 8";
  assert_int_equal(doctag_auth_register(a, NULL, "t1@example.com", pw, NULL), DOCTAG_OK);
  assert_int_equal(doctag_auth_register(a, NULL, "t2@example.com", pw, NULL), DOCTAG_OK);
  for (int i = 0; i < THROTTLE_EMAIL_MAX; i++)
    assert_int_equal(login_from(i % 2 ? a : b, "t1@example.com", "wrong guess 1", NULL), DOCTAG_EAUTH);
  assert_throttled(login_from(a, "t1@example.com", pw, NULL));
  assert_throttled(login_from(b, " T1@Example.com", pw, NULL));
  assert_int_equal(login_from(a, "t2@example.com", pw, NULL), DOCTAG_OK);
  /* An unknown email is counted alike. */
  for (int i = 0; i < THROTTLE_EMAIL_MAX; i++)
    assert_int_equal(login_from(a, "ghost@example.com", "wrong guess 1", NULL), DOCTAG_EAUTH);
  assert_throttled(login_from(a, "ghost@example.com", pw, NULL));

  for (int i = 0; i < THROTTLE_EMAIL_MAX - 1; i++)
    assert_int_equal(login_from(a, "t2@example.com", "wrong guess 1", NULL), DOCTAG_EAUTH);
  assert_int_equal(login_from(a, "t2@example.com", pw, NULL), DOCTAG_OK);
  for (int i = 0; i < THROTTLE_EMAIL_MAX; i++)
    assert_int_equal(login_from(a, "t2@example.com", "wrong guess 1", NULL), DOCTAG_EAUTH);
  assert_throttled(login_from(a, "t2@example.com", pw, NULL));
  doctag_ctx_free(a);
  doctag_ctx_free(b);
  g_free(dir);
}

/* Twenty failures from one address, over many emails: that address is
 * refused, right password too; another address is not. */
static void test_login_throttled_per_address(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  const char *pw = "pass word horse 8";
  assert_int_equal(doctag_auth_register(ctx, NULL, "addr@example.com", pw, NULL), DOCTAG_OK);
  for (int i = 0; i < THROTTLE_ADDR_MAX; i++) {
    char email[64];
    g_snprintf(email, sizeof email, "spray%d@example.com", i);
    assert_int_equal(login_from(ctx, email, "wrong guess 1", "192.0.2.7"), DOCTAG_EAUTH);
  }
  assert_throttled(login_from(ctx, "addr@example.com", pw, "192.0.2.7"));
  assert_int_equal(login_from(ctx, "addr@example.com", pw, "192.0.2.8"), DOCTAG_OK);
  doctag_ctx_free(ctx);
  g_free(dir);
}

/* ---- revocation ---- */

static doctag_status verify(doctag_ctx *ctx, const char *access)
{
  doctag_user *u = NULL;
  doctag_status st = doctag_auth_verify(ctx, &u, access);
  doctag_user_free(u);
  return st;
}

/* Logout ends the session's access tokens (the refreshed pair's too) at
 * once, for every context of the process; other sessions of the user keep
 * theirs. (Other processes: tests/api/test_security.py.) */
static void test_logout_revokes_access_tokens(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *a = ctx_on(dir), *b = ctx_on(dir);
  const char *pw = "pass word horse 8";
  assert_int_equal(doctag_auth_register(a, NULL, "rv@example.com", pw, NULL), DOCTAG_OK);
  doctag_tokens *t1 = NULL, *t2 = NULL, *t3 = NULL;
  assert_int_equal(doctag_auth_login(a, NULL, &t1, "rv@example.com", pw, NULL), DOCTAG_OK);
  assert_int_equal(doctag_auth_login(a, NULL, &t2, "rv@example.com", pw, NULL), DOCTAG_OK);
  /* A refreshed pair is of the same family. */
  assert_int_equal(doctag_auth_refresh(a, &t3, doctag_tokens_refresh(t1), NULL), DOCTAG_OK);
  assert_int_equal(verify(a, doctag_tokens_access(t1)), DOCTAG_OK);
  assert_int_equal(verify(b, doctag_tokens_access(t3)), DOCTAG_OK);
  bool revoked = false;
  assert_int_equal(doctag_auth_logout(a, doctag_tokens_refresh(t3), &revoked), DOCTAG_OK);
  assert_true(revoked);
  assert_int_equal(verify(a, doctag_tokens_access(t1)), DOCTAG_EAUTH);
  assert_string_equal(doctag_error_last()->message, "Could not validate credentials: token revoked");
  assert_int_equal(verify(a, doctag_tokens_access(t3)), DOCTAG_EAUTH);
  assert_int_equal(verify(b, doctag_tokens_access(t3)), DOCTAG_EAUTH);
  assert_int_equal(verify(b, doctag_tokens_access(t2)), DOCTAG_OK);
  doctag_tokens_free(t1);
  doctag_tokens_free(t2);
  doctag_tokens_free(t3);
  doctag_ctx_free(a);
  doctag_ctx_free(b);
  g_free(dir);
}

/* A rotated refresh token presented again ends the family: its access
 * tokens too, the thief's and the owner's. */
static void test_refresh_reuse_revokes_access_tokens(void **state)
{
  (void)state;
  char *dir = tu_tmpdir();
  doctag_ctx *ctx = ctx_on(dir);
  const char *pw = "pass word horse 8";
  assert_int_equal(doctag_auth_register(ctx, NULL, "reuse@example.com", pw, NULL), DOCTAG_OK);
  doctag_tokens *t1 = NULL, *t2 = NULL, *again = NULL;
  assert_int_equal(doctag_auth_login(ctx, NULL, &t1, "reuse@example.com", pw, NULL), DOCTAG_OK);
  assert_int_equal(doctag_auth_refresh(ctx, &t2, doctag_tokens_refresh(t1), NULL), DOCTAG_OK);
  assert_int_equal(verify(ctx, doctag_tokens_access(t2)), DOCTAG_OK);
  assert_int_equal(doctag_auth_refresh(ctx, &again, doctag_tokens_refresh(t1), NULL), DOCTAG_EAUTH);
  assert_int_equal(verify(ctx, doctag_tokens_access(t2)), DOCTAG_EAUTH);
  assert_int_equal(verify(ctx, doctag_tokens_access(t1)), DOCTAG_EAUTH);
  doctag_tokens_free(t1);
  doctag_tokens_free(t2);
  doctag_ctx_free(ctx);
  g_free(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_data_files_private_whatever_umask),
    cmocka_unit_test(test_batch_api_key_never_at_rest_in_clear),
    cmocka_unit_test(test_seal_without_configured_key),
    cmocka_unit_test(test_short_secret_key_refused),
    cmocka_unit_test(test_weak_passwords_refused),
    cmocka_unit_test(test_hashes_wait_for_a_slot),
    cmocka_unit_test(test_login_throttled_per_email),
    cmocka_unit_test(test_login_throttled_per_address),
    cmocka_unit_test(test_logout_revokes_access_tokens),
    cmocka_unit_test(test_refresh_reuse_revokes_access_tokens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
