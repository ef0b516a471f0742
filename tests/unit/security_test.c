/* Security properties of the library (issue 15): private files, secrets
 * never at rest in clear, login throttling, weak passwords, revocation. */
#include "testutil.h"
#include "store/store.h"
#include "core/ctx.h"

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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_data_files_private_whatever_umask),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
