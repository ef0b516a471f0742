/* Document frequencies of a user's archive (history.h; tables of
 * 0007_term_df.sql). A content is counted when the first completed
 * document of its owner holding it is recorded, and taken back with the
 * stems it was counted with when the last one goes (deleted, or recorded
 * again as failed), so the counts follow the archive exactly however often
 * a document is processed again. Each change is one statement whatever
 * the number of stems (a JSON array parameter).
 *
 * Counting and forgetting one content of one user are serialised
 * (ST_DF_LOCK, until the transaction ends): without that, on PostgreSQL,
 * a copy recorded while the last other copy is being deleted finds the
 * content counted and adds nothing, while the delete, not seeing the
 * uncommitted copy, forgets it, and the archive holds a document its
 * counts do not. With it, whichever comes second reads the first's
 * committed outcome (each statement of a READ COMMITTED transaction takes
 * a new snapshot). A transaction that takes several such locks takes them
 * in byte order of sha256 (history_df_lock_pair(), ST_JOB_BLOBS' order),
 * so that two of them cannot wait for each other. */
#include "history/history.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <jansson.h>
#include <string.h>

/* ["", terms...]: "" counts the document itself. Terms come sorted
 * (tag_terms()), so concurrent writers take the counters' row locks in one
 * order. g_malloc'd. */
static char *terms_json(const char *const *terms, size_t n)
{
  json_t *a = json_array();
  json_array_append_new(a, json_string(""));
  for (size_t i = 0; i < n; i++)
    if (terms[i] && *terms[i] && g_utf8_validate(terms[i], -1, NULL))
      json_array_append_new(a, json_string(terms[i]));
  char *s = json_out_dump(a);
  json_decref(a);
  return s;
}

static doctag_status df_lock(struct store_conn *c, const char *user_id, const char *sha256)
{
  store_param p[] = { SP_T(user_id), SP_T(sha256) };
  return store_exec(c, ST_DF_LOCK, p, 2, NULL);
}

doctag_status history_df_lock_pair(struct store_conn *c, const char *user_id, const char *a, const char *b)
{
  if (a && b && strcmp(a, b) > 0) {
    const char *t = a;
    a = b;
    b = t;
  }
  doctag_status st = a ? df_lock(c, user_id, a) : DOCTAG_OK;
  if (st == DOCTAG_OK && b && (!a || strcmp(a, b)))
    st = df_lock(c, user_id, b);
  return st;
}

doctag_status history_df_count(struct store_conn *c, const char *user_id, const char *sha256,
                               const char *const *terms, size_t n)
{
  if (!sha256 || !terms)
    return DOCTAG_OK;
  char *j = terms_json(terms, n);
  if (!j)
    return err_nomem();
  store_rows rows = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(sha256), SP_T(j) };
  doctag_status st = df_lock(c, user_id, sha256);
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_DF_DOC_ADD, p, 3, &rows);
  if (st == DOCTAG_OK && rows.changes == 1) {
    store_param q[] = { SP_T(user_id), SP_T(j) };
    st = store_exec(c, ST_DF_UP, q, 2, NULL);
  }
  store_rows_clear(&rows);
  g_free(j);
  return st;
}

doctag_status history_df_uncount(struct store_conn *c, const char *user_id, const char *sha256)
{
  if (!sha256)
    return DOCTAG_OK;
  store_rows rows = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(sha256) };
  doctag_status st = df_lock(c, user_id, sha256);
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_DF_DOC_DROP, p, 2, &rows);
  if (st == DOCTAG_OK && rows.nrows == 1) {
    store_param q[] = { SP_T(user_id), SP_T(store_cell(&rows, 0, 0)) };
    st = store_exec(c, ST_DF_DOWN, q, 2, NULL);
    if (st == DOCTAG_OK)
      st = store_exec(c, ST_DF_PURGE, q, 1, NULL);
  }
  store_rows_clear(&rows);
  return st;
}

doctag_status history_df_lookup(doctag_ctx *ctx, const char *user_id, const char *sha256,
                                const char *const *terms, size_t n, uint64_t *n_docs, GHashTable **df)
{
  *n_docs = 0;
  *df = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!store_uuid_valid(user_id))
    return DOCTAG_OK; /* no such user: no archive (recording says why) */
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  char *j = terms_json(terms, n);
  store_rows rows = { 0 }, self = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(j) };
  if ((st = store_query(s, ST_DF_GET, p, 2, &rows)) == DOCTAG_OK && sha256) {
    store_param q[] = { SP_T(user_id), SP_T(sha256) };
    st = store_query(s, ST_DF_DOC_TERMS, q, 2, &self);
  }
  for (unsigned int i = 0; st == DOCTAG_OK && i < rows.nrows; i++) {
    int64_t v = store_cell_int(&rows, i, 1);
    if (v > 0)
      g_hash_table_insert(*df, g_strdup(store_cell(&rows, i, 0)), GUINT_TO_POINTER((guint)v));
  }
  /* a document processed again does not count itself: its own stems are
   * not evidence that they are common */
  json_t *own = self.nrows ? json_loads(store_cell(&self, 0, 0), 0, NULL) : NULL;
  size_t k;
  json_t *v;
  json_array_foreach(own, k, v) {
    const char *stem = json_string_value(v);
    guint c = stem ? GPOINTER_TO_UINT(g_hash_table_lookup(*df, stem)) : 0;
    if (c > 1)
      g_hash_table_insert(*df, g_strdup(stem), GUINT_TO_POINTER(c - 1));
    else if (c == 1)
      g_hash_table_remove(*df, stem);
  }
  json_decref(own);
  *n_docs = GPOINTER_TO_UINT(g_hash_table_lookup(*df, ""));
  g_hash_table_remove(*df, "");
  store_rows_clear(&rows);
  store_rows_clear(&self);
  g_free(j);
  return st;
}
