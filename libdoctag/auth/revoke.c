/* Revoked token families: see revoke.h. */
#include "auth/revoke.h"
#include "auth/throttle.h"
#include "core/error.h"

#include <string.h>

/* A revocation is kept longer than any access token lives. */
#define REVOKE_KEEP_SEC (30 * 24 * 3600)
#define CACHE_MAX 10000

/* Revoked families this process has seen: a revocation never ends before
 * the tokens it covers expire, so these need no store look-up again. */
static GMutex cache_lock;
static GHashTable *revoked;

static void remember(const char *family)
{
  g_mutex_lock(&cache_lock);
  if (!revoked || g_hash_table_size(revoked) >= CACHE_MAX) {
    if (revoked)
      g_hash_table_destroy(revoked);
    revoked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  }
  g_hash_table_add(revoked, g_strdup(family));
  g_mutex_unlock(&cache_lock);
}

static bool recall(const char *family)
{
  g_mutex_lock(&cache_lock);
  bool r = revoked && g_hash_table_contains(revoked, family);
  g_mutex_unlock(&cache_lock);
  return r;
}

doctag_status revoke_family(struct store *s, store_conn *c, const char *family)
{
  if (!family || !*family)
    return DOCTAG_OK;
  store_conn *own = NULL;
  doctag_status st = DOCTAG_OK;
  if (!c && (st = store_acquire(s, &own)) != DOCTAG_OK)
    return st;
  store_conn *conn = c ? c : own;
  int64_t now = store_now_us();
  store_param p[] = { SP_T(family), SP_I(now), SP_I(now + (int64_t)REVOKE_KEEP_SEC * G_USEC_PER_SEC) };
  st = store_exec(conn, ST_AUTH_REVOKE, p, 3, NULL);
  if (!st) {
    store_param q[] = { SP_I(now) };
    st = store_exec(conn, ST_AUTH_REVOKE_PURGE, q, 1, NULL);
  }
  if (own)
    store_release(s, own);
  if (!st)
    remember(family);
  return st;
}

doctag_status revoke_check(store_conn *c, const char *family)
{
  if (!family)
    return DOCTAG_OK;
  bool known = recall(family);
  if (!known) {
    store_rows r = { 0 };
    store_param p[] = { SP_T(family) };
    doctag_status st = store_exec(c, ST_AUTH_REVOKED, p, 1, &r);
    if (st)
      return st;
    known = r.nrows > 0;
    store_rows_clear(&r);
    if (known)
      remember(family);
  }
  return known ? err_set(DOCTAG_EAUTH, "Could not validate credentials: token revoked") : DOCTAG_OK;
}
