/* One-word searches answered from a search head (issue 17; tables and
 * triggers in 0009_search_heads.sql of each backend).
 *
 * Why this design. Ranked search scored every document holding the words
 * and kept the best `limit`: for a word in nearly every document that is
 * the user's whole archive on every search (435 ms at 200,000 documents).
 * For one word the order is the word's weight in each document alone (its
 * rarity scales every score alike), and that weight only changes when the
 * document does. So the best 100 documents of a word can be kept in order
 * in the database, beside the documents they rank, and a search reads the
 * first `limit` of them: the cost grows with the answer, not the archive.
 * The database stays the system of record and the head lives in it, kept
 * by triggers in the writer's own transaction, so it cannot drift from the
 * documents, on either backend, and no second engine (Xapian) has to be
 * kept in step with it. A head is built by the first search of its word
 * (one scan, as a search cost before) and again when deletions leave it
 * shorter than the limit asked.
 *
 * Several words (at most HEAD_MAX_TERMS): a document's score is a sum over
 * the words of what each word gives it (SQLite: idf x weight; PostgreSQL:
 * the mean of each word's ts_rank), and a document outside a word's head
 * gets at most the head's floor from it. So a document in none of the
 * words' heads scores at most the sum of the floors (ST_HEAD_BOUND): the
 * heads' documents that hold every word are ranked (ST_HEAD_RANKED), and
 * when the limit-th of them scores above that bound no other document can
 * enter the answer, which is then exactly what ranking every match gives.
 * When a head holds every document of its word, its documents are every
 * match. Otherwise (the words' best documents are mostly not each other's)
 * every match is ranked, as before. Ties: the scores are compared with a
 * margin (BOUND_MARGIN) far above rounding, so a rounding difference
 * between the bound's sum and a score's can only send a search to the
 * full ranking, never change an answer.
 *
 * Heads hold 100 documents (the largest search limit) and are cut back to
 * 100 when they reach 200 (the triggers). */
#include "history/history.h"
#include "store/store.h"
#include "core/error.h"

#include <jansson.h>
#include <math.h>

#define HEAD_SIZE 100
#define HEAD_MAX_TERMS 4
#define BOUND_MARGIN 1e-6

/* Answers from the head of `term` when it can give `limit` documents. */
static doctag_status head_answer(store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                 store_rows *out, bool *answered)
{
  store_rows r = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(term), SP_I(limit) };
  doctag_status st = store_exec(c, ST_HEAD_STATE, p, 2, &r);
  if (st == DOCTAG_OK && r.nrows &&
      (store_cell_bool(&r, 0, 1) || store_cell_int(&r, 0, 0) >= (int64_t)limit)) {
    st = store_exec(c, ST_HEAD_SEARCH, p, 3, out);
    *answered = st == DOCTAG_OK;
  }
  store_rows_clear(&r);
  return st;
}

/* Builds the head of `term` again from the user's documents, inside the
 * caller's write transaction. */
static doctag_status head_build(store_conn *c, const char *user_id, const char *term)
{
  static const store_stmt steps[] = { ST_HEAD_DROP, ST_HEAD_NEW, ST_HEAD_FILL,
                                      ST_HEAD_FLOOR, ST_HEAD_CUT, ST_HEAD_COUNT };
  store_param p[] = { SP_T(user_id), SP_T(term) };
  doctag_status st = DOCTAG_OK;
  for (size_t i = 0; st == DOCTAG_OK && i < G_N_ELEMENTS(steps); i++)
    st = store_exec(c, steps[i], p, 2, NULL);
  return st;
}

/* Builds the head of `term` unless it has one, under the lock writers of
 * the user's documents take, so no document being written is missed. With
 * `limit`, also answers the one-word search from it (and builds it again
 * when it is too short for `limit`). A user with no documents needs none. */
static doctag_status head_ensure(store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                 store_rows *out, bool *answered)
{
  doctag_status st = store_tx_begin(c);
  if (st != DOCTAG_OK)
    return st;
  store_rows n = { 0 }, h = { 0 };
  store_param u[] = { SP_T(user_id) }, p[] = { SP_T(user_id), SP_T(term) };
  doctag_status body = store_exec(c, ST_HEAD_LOCK, u, 1, &n);
  if (body == DOCTAG_OK && store_cell_int(&n, 0, 0) > 0) {
    if (!limit) {
      body = store_exec(c, ST_HEAD_STATE, p, 2, &h);
      if (body == DOCTAG_OK && !h.nrows)
        body = head_build(c, user_id, term);
    } else {
      /* another search may have built it while this one waited */
      body = head_answer(c, user_id, term, limit, out, answered);
      if (body == DOCTAG_OK && !*answered)
        body = head_build(c, user_id, term);
      if (body == DOCTAG_OK && !*answered)
        body = head_answer(c, user_id, term, limit, out, answered);
    }
  }
  store_rows_clear(&n);
  store_rows_clear(&h);
  return store_tx_end(c, body);
}

/* Answers a search of several words from the heads of `terms` (a JSON
 * array) when they show that no other document enters the answer; *built
 * says whether a head was missing. */
static doctag_status heads_answer(store_conn *c, const char *user_id, const char *match, const char *terms,
                                  unsigned int limit, store_rows *out, bool *answered, bool *missing)
{
  store_rows b = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(terms) };
  doctag_status st = store_exec(c, ST_HEAD_BOUND, p, 2, &b);
  *missing = st == DOCTAG_OK && !store_cell_bool(&b, 0, 0);
  if (st == DOCTAG_OK && !*missing) {
    bool complete = store_cell_bool(&b, 0, 1);
    const char *bound = store_cell(&b, 0, 2);
    store_param q[] = { SP_T(user_id), SP_T(match), SP_T(terms), SP_I(limit) };
    st = store_exec(c, ST_HEAD_RANKED, q, 4, out);
    if (st == DOCTAG_OK && complete)
      *answered = true;
    else if (st == DOCTAG_OK && bound && out->nrows == limit && out->ncols > 0) {
      double floor = g_ascii_strtod(bound, NULL);
      const char *last = store_cell(out, limit - 1, out->ncols - 1);
      *answered = last && g_ascii_strtod(last, NULL) > floor + fabs(floor) * BOUND_MARGIN;
    }
    if (!*answered)
      store_rows_clear(out);
  }
  store_rows_clear(&b);
  return st;
}

/* A search of several words from the heads of its words (built first when
 * missing). */
static doctag_status heads_search(store_conn *c, const char *user_id, const char *match, const char *terms,
                                  unsigned int limit, store_rows *out, bool *answered)
{
  json_t *v = json_loads(terms, 0, NULL);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  size_t i;
  json_t *t;
  json_array_foreach(v, i, t)
    if (json_is_string(t))
      g_hash_table_add(seen, (gpointer)json_string_value(t));
  doctag_status st = DOCTAG_OK;
  if (g_hash_table_size(seen) >= 2 && g_hash_table_size(seen) <= HEAD_MAX_TERMS) {
    bool missing = false;
    for (int round = 0; st == DOCTAG_OK && round < 2 && !*answered; round++) {
      if (missing) {
        GHashTableIter it;
        gpointer term;
        g_hash_table_iter_init(&it, seen);
        while (st == DOCTAG_OK && g_hash_table_iter_next(&it, &term, NULL))
          st = head_ensure(c, user_id, term, 0, NULL, NULL);
      }
      /* The bound and the ranking read one snapshot. */
      if (st == DOCTAG_OK)
        st = store_tx_begin_read(c);
      if (st == DOCTAG_OK)
        st = store_tx_end(c, heads_answer(c, user_id, match, terms, limit, out, answered, &missing));
      if (!missing)
        break;
    }
  }
  g_hash_table_destroy(seen);
  json_decref(v);
  return st;
}

doctag_status history_search_head(struct store *s, const char *user_id, const char *query, const char *match,
                                  unsigned int limit, store_rows *out, bool *answered)
{
  *answered = false;
  if (limit > HEAD_SIZE)
    return DOCTAG_OK;
  store_conn *c = NULL;
  doctag_status st = store_acquire(s, &c);
  if (st != DOCTAG_OK)
    return st;
  store_rows t = { 0 };
  store_param q[] = { SP_T(query) };
  st = store_exec(c, ST_HEAD_TERM, q, 1, &t);
  const char *term = st == DOCTAG_OK ? store_cell(&t, 0, 0) : NULL;
  if (term) {
    /* The state and the rows read from one snapshot. */
    st = store_tx_begin_read(c);
    if (st == DOCTAG_OK)
      st = store_tx_end(c, head_answer(c, user_id, term, limit, out, answered));
    if (st == DOCTAG_OK && !*answered)
      st = head_ensure(c, user_id, term, limit, out, answered);
  } else if (st == DOCTAG_OK) {
    store_rows_clear(&t);
    st = store_exec(c, ST_HEAD_TERMS, q, 1, &t);
    const char *terms = st == DOCTAG_OK ? store_cell(&t, 0, 0) : NULL;
    if (terms)
      st = heads_search(c, user_id, match, terms, limit, out, answered);
  }
  store_rows_clear(&t);
  store_release(s, c);
  if (st != DOCTAG_OK) {
    store_rows_clear(out);
    *answered = false;
  }
  return st;
}
