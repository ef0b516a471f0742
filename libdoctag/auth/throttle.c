/* Login throttling held in the store, and the password hashing slots: see
 * throttle.h. */
#include "auth/throttle.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void attempt_clear(throttle_attempt *a)
{
  g_free(a->email_key);
  g_free(a->addr);
  g_free(a->ids[0]);
  g_free(a->ids[1]);
  memset(a, 0, sizeof *a);
}

static const char *const kinds[2] = { "email", "addr" };
static const int64_t maxima[2] = { THROTTLE_EMAIL_MAX, THROTTLE_ADDR_MAX };

static const char *subject(const throttle_attempt *a, int k)
{
  return k == 0 ? a->email_key : a->addr;
}

doctag_status throttle_begin(struct store *s, const char *email, const char *addr, throttle_attempt *a)
{
  memset(a, 0, sizeof *a);
  char *lower = g_utf8_strdown(email, -1);
  a->email_key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, g_strstrip(lower), -1);
  g_free(lower);
  a->addr = addr && *addr ? g_strdup(addr) : NULL;
  store_conn *c;
  doctag_status st = store_acquire(s, &c);
  if (st) {
    attempt_clear(a);
    return st;
  }
  int64_t now = store_now_us(), since = now - (int64_t)THROTTLE_WINDOW_SEC * G_USEC_PER_SEC;
  store_param purge[] = { SP_I(since) };
  st = store_exec(c, ST_AUTH_FAIL_PURGE, purge, 1, NULL);
  for (int k = 0; k < 2 && !st; k++) {
    if (!subject(a, k))
      continue;
    a->ids[k] = store_uuid_new();
    store_param p[] = { SP_T(a->ids[k]), SP_T(kinds[k]), SP_T(subject(a, k)), SP_I(now) };
    st = store_exec(c, ST_AUTH_FAIL_INSERT, p, 4, NULL);
  }
  /* Over the maximum with this attempt: withdraw it, say how long to wait. */
  int64_t wait_us = 0;
  for (int k = 0; k < 2 && !st; k++) {
    if (!subject(a, k))
      continue;
    store_rows r = { 0 };
    store_param p[] = { SP_T(kinds[k]), SP_T(subject(a, k)), SP_I(since) };
    st = store_exec(c, ST_AUTH_FAIL_COUNT, p, 3, &r);
    bool over = !st && r.nrows && store_cell_int(&r, 0, 0) > maxima[k];
    store_rows_clear(&r);
    if (!over)
      continue;
    for (int j = 0; j < 2 && !st; j++)
      if (a->ids[j]) {
        store_param d[] = { SP_T(a->ids[j]) };
        st = store_exec(c, ST_AUTH_FAIL_DELETE, d, 1, NULL);
        g_clear_pointer(&a->ids[j], g_free);
      }
    store_param q[] = { SP_T(kinds[k]), SP_T(subject(a, k)), SP_I(since), SP_I(maxima[k] - 1) };
    if (!st && !(st = store_exec(c, ST_AUTH_FAIL_NTH, q, 4, &r)) && r.nrows)
      wait_us = MAX(wait_us, store_cell_int(&r, 0, 0) + (int64_t)THROTTLE_WINDOW_SEC * G_USEC_PER_SEC - now);
    store_rows_clear(&r);
    if (!wait_us)
      wait_us = G_USEC_PER_SEC;
  }
  store_release(s, c);
  if (!st && wait_us) {
    unsigned int secs = (unsigned int)((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
    st = err_set_rate(secs, "Too many login attempts; try again in %u seconds", secs);
  }
  if (st)
    attempt_clear(a);
  return st;
}

void throttle_failed(struct store *s, throttle_attempt *a)
{
  (void)s;
  attempt_clear(a);
}

void throttle_succeeded(struct store *s, throttle_attempt *a)
{
  store_conn *c;
  if (a->email_key && store_acquire(s, &c) == DOCTAG_OK) {
    store_param p[] = { SP_T(kinds[0]), SP_T(a->email_key) };
    doctag_status st = store_exec(c, ST_AUTH_FAIL_CLEAR, p, 2, NULL);
    if (!st && a->ids[1]) {
      store_param d[] = { SP_T(a->ids[1]) };
      st = store_exec(c, ST_AUTH_FAIL_DELETE, d, 1, NULL);
    }
    if (st)
      g_warning("doctag: clearing failed logins: %s", doctag_error_last()->message);
    store_release(s, c);
  }
  attempt_clear(a);
}

/* ---- hashing slots ---- */

/* A waiter gives up after this long (the request then fails as busy). */
#define HASH_WAIT_SEC 60

int hash_slot_take(const doctag_ctx *ctx)
{
  unsigned int n = MAX(1u, g_get_num_processors());
  char *dir = g_build_filename(ctx->data_dir, ".hash-slots", NULL);
  if (g_mkdir_with_parents(dir, 0700) != 0) {
    g_free(dir);
    return -1; /* no cap rather than no login */
  }
  int fds[256];
  n = MIN(n, G_N_ELEMENTS(fds));
  unsigned int opened = 0;
  for (unsigned int i = 0; i < n; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "%u", i);
    char *path = g_build_filename(dir, name, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    g_free(path);
    if (fd >= 0)
      fds[opened++] = fd;
  }
  g_free(dir);
  int got = -1;
  /* Poll the slots: whichever frees first is taken. */
  unsigned int start = g_random_int_range(0, (gint32)MAX(opened, 1u));
  for (int64_t deadline = g_get_monotonic_time() + (int64_t)HASH_WAIT_SEC * G_USEC_PER_SEC;
       opened && got < 0 && g_get_monotonic_time() < deadline;) {
    for (unsigned int i = 0; i < opened && got < 0; i++) {
      unsigned int k = (start + i) % opened;
      if (flock(fds[k], LOCK_EX | LOCK_NB) == 0) {
        got = fds[k];
        fds[k] = -1;
      }
    }
    if (got < 0)
      g_usleep(5000);
  }
  for (unsigned int i = 0; i < opened; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  return opened ? (got >= 0 ? got : -2) : -1;
}

void hash_slot_give(int slot)
{
  if (slot >= 0) {
    flock(slot, LOCK_UN);
    close(slot);
  }
}
