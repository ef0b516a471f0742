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
 * shorter than the limit asked; the scan reads a snapshot outside the
 * write lock and is published under it (head_ensure, migration 0010): as it
 * is when the user's documents did not change meanwhile, with the documents
 * written meanwhile entered as their writes would have entered them when
 * the log of writes holds them (0014: the searcher's own batch running
 * beside a first search). A scan is never run under the lock: when the log
 * does not reach back, a new snapshot is read, and when that fails too the
 * search ranks every match outside the lock and the next one tries again.
 * A search of several words builds its words' heads first: where ranking
 * weighs each word's rarity (SQLite), it reads the word's count of the
 * owner's documents from the word's head (0018) instead of counting them
 * on every search. There (store_ops.search_words, store/sqlite.c) each
 * head also keeps every document of its word by block of seqs, with the
 * block's highest weight (0023, built with the head from the same
 * snapshot): a score is a sum over the words, so a block's bound is the
 * sum of its words' highest weights, and blocks are scored highest bound
 * first until none left can reach the answer (block-max). Without a head
 * for every word, and on PostgreSQL, every document holding all the words
 * is ranked (FTS5 and GIN intersect first, so that cost grows with the
 * matches of the rarest word).
 *
 * Heads hold 100 documents (the largest search limit) and are cut back to
 * 100 when they reach 200 (the triggers). An owner keeps at most
 * DOCTAG_SEARCH_HEADS_MAX heads (default 1,000): building one past that
 * drops the owner's least recently used (0011); a search that a head
 * answers records the use at most once a minute (HEAD_TOUCH_US). */
#include "history/history.h"
#include "store/store.h"
#include "core/error.h"

#include <jansson.h>

#define HEAD_SIZE 100
/* A search that a head answers records it as used at most this often, so
 * that searching stays a read. */
#define HEAD_TOUCH_US (60 * G_USEC_PER_SEC)

/* Answers from the head of `term` when it can give `limit` documents;
 * *stale (when not NULL) says whether its last use is older than
 * HEAD_TOUCH_US. */
static doctag_status head_answer(store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                 store_rows *out, bool *answered, bool *stale)
{
  store_rows r = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(term), SP_I(limit) };
  doctag_status st = store_exec(c, ST_HEAD_STATE, p, 2, &r);
  if (st == DOCTAG_OK && r.nrows &&
      (store_cell_bool(&r, 0, 1) || store_cell_int(&r, 0, 0) >= (int64_t)limit)) {
    st = store_exec(c, ST_HEAD_SEARCH, p, 3, out);
    *answered = st == DOCTAG_OK;
    if (stale)
      *stale = store_cell_int(&r, 0, 2) < store_now_us() - HEAD_TOUCH_US;
  }
  store_rows_clear(&r);
  return st;
}

/* Builds the head of `term` again inside the caller's write transaction,
 * from `staged` (ST_HEAD_STAGE's rows as JSON). `since` >= 0: the documents
 * written after that write count (0014's log) changed after `staged` was
 * read, so their staged rows go and they enter as a write's trigger enters
 * them. */
static doctag_status head_build(store_conn *c, const char *user_id, const char *term, const char *staged,
                                const char *postings, int64_t since, int64_t df, uint64_t max_heads)
{
  store_param p[] = { SP_T(user_id), SP_T(term), SP_T(staged) }, now[] = { SP_T(user_id), SP_T(term),
                                                                           SP_I(store_now_us()) };
  store_param later[] = { SP_T(user_id), SP_T(term), SP_I(since) };
  doctag_status st = DOCTAG_OK;
  static const store_stmt steps[] = { ST_HEAD_DROP, ST_HEAD_NEW, ST_HEAD_PUBLISH, ST_HEAD_FLOOR, ST_HEAD_CUT,
                                      ST_HEAD_REPLAY_DROP, ST_HEAD_REPLAY, ST_HEAD_COUNT };
  for (size_t i = 0; st == DOCTAG_OK && i < G_N_ELEMENTS(steps); i++)
    if (steps[i] == ST_HEAD_PUBLISH)
      st = store_exec(c, ST_HEAD_PUBLISH, p, 3, NULL);
    else if (steps[i] == ST_HEAD_REPLAY_DROP || steps[i] == ST_HEAD_REPLAY)
      st = since >= 0 ? store_exec(c, steps[i], later, 3, NULL) : DOCTAG_OK;
    else
      st = store_exec(c, steps[i], steps[i] == ST_HEAD_NEW ? now : p, steps[i] == ST_HEAD_NEW ? 3 : 2, NULL);
  /* Every document of the word (0023), from the same snapshot. */
  if (st == DOCTAG_OK && c->ops->postings_publish)
    st = c->ops->postings_publish(c, user_id, term, postings, since);
  /* The word's count of documents, from the snapshot the head is: only
   * when the head is that snapshot as it was (else unknown, NULL). */
  store_param count[] = { SP_T(user_id), SP_T(term), SP_I(df) };
  if (st == DOCTAG_OK && since < 0 && df >= 0)
    st = store_exec(c, ST_HEAD_DF, count, 3, NULL);
  /* The owner keeps max_heads: the least recently used others go. */
  store_param keep[] = { SP_T(user_id), SP_T(term), SP_I(max_heads > 0 ? max_heads - 1 : 0) };
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_HEAD_EVICT, keep, 3, NULL);
  return st;
}

doctag_status history_head_stage(store_conn *c, const char *user_id, const char *term, char **staged,
                                 char **postings, char **gen, int64_t *df)
{
  *staged = *postings = *gen = NULL;
  *df = -1;
  doctag_status st = store_tx_begin_read(c);
  if (st != DOCTAG_OK)
    return st;
  store_rows g = { 0 }, r = { 0 };
  store_param u[] = { SP_T(user_id) }, p[] = { SP_T(user_id), SP_T(term) };
  doctag_status body = store_exec(c, ST_HEAD_GEN, u, 1, &g);
  if (body == DOCTAG_OK)
    body = store_exec(c, ST_HEAD_STAGE, p, 2, &r);
  if (body == DOCTAG_OK && c->ops->postings_stage)
    body = c->ops->postings_stage(c, user_id, term, postings);
  st = store_tx_end(c, body);
  if (st == DOCTAG_OK) {
    json_t *v = json_array();
    for (unsigned int i = 0; i < r.nrows; i++)
      json_array_append_new(v, json_pack("[ss]", store_cell(&r, i, 0), store_cell(&r, i, 1)));
    char *js = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    *staged = g_strdup(js);
    free(js);
    *gen = g_strdup(store_cell(&g, 0, 0));
    *df = !r.nrows ? 0 : store_cell(&r, 0, 2) ? store_cell_int(&r, 0, 2) : -1;
    if (!*staged)
      st = err_set(DOCTAG_ENOMEM, "out of memory staging a search head");
  }
  store_rows_clear(&g);
  store_rows_clear(&r);
  if (st != DOCTAG_OK) {
    g_free(*postings);
    *postings = NULL;
  }
  return st;
}

/* What a build under the lock can take from a snapshot read at write count
 * `gen`: *same when the user's documents have not changed since, else
 * *since = gen when 0014's log still holds every write after it (so the
 * documents they touched can enter again), else -1. */
static doctag_status head_changes(store_conn *c, const char *user_id, const char *gen, bool *same, int64_t *since)
{
  *same = false;
  *since = -1;
  store_rows g = { 0 }, w = { 0 };
  store_param u[] = { SP_T(user_id) };
  doctag_status st = gen ? store_exec(c, ST_HEAD_GEN, u, 1, &g) : DOCTAG_OK;
  const char *now = st == DOCTAG_OK && gen ? store_cell(&g, 0, 0) : NULL;
  *same = now && !strcmp(now, gen);
  if (now && !*same) {
    int64_t from = g_ascii_strtoll(gen, NULL, 10);
    store_param p[] = { SP_T(user_id), SP_I(from) };
    st = store_exec(c, ST_HEAD_WRITES, p, 2, &w);
    if (st == DOCTAG_OK && store_cell_int(&w, 0, 0) == store_cell_int(&g, 0, 0) - from)
      *since = from;
  }
  store_rows_clear(&g);
  store_rows_clear(&w);
  return st;
}

doctag_status history_head_settle(store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                  uint64_t max_heads, const char *staged, const char *postings, const char *gen,
                                  int64_t df, store_rows *out, bool *answered, history_head_how *how)
{
  *answered = false;
  *how = HISTORY_HEAD_NONE;
  doctag_status st = store_tx_begin(c);
  if (st != DOCTAG_OK)
    return st;
  store_rows n = { 0 };
  store_param u[] = { SP_T(user_id) };
  doctag_status body = store_exec(c, ST_HEAD_LOCK, u, 1, &n);
  if (body == DOCTAG_OK && store_cell_int(&n, 0, 0) > 0) {
    body = head_answer(c, user_id, term, limit, out, answered, NULL);
    if (*answered)
      *how = HISTORY_HEAD_FOUND;
    bool same = false;
    int64_t since = -1;
    if (body == DOCTAG_OK && !*answered)
      body = head_changes(c, user_id, gen, &same, &since);
    if (body == DOCTAG_OK && !*answered && (same || since >= 0)) {
      *how = same ? HISTORY_HEAD_PUBLISHED : HISTORY_HEAD_REPLAYED;
      body = head_build(c, user_id, term, staged, postings, same ? -1 : since, df, max_heads);
      if (body == DOCTAG_OK)
        body = head_answer(c, user_id, term, limit, out, answered, NULL);
    }
    /* Never ranked here, where every writer of the user's documents waits:
     * the log does not reach back to the snapshot, or documents deleted
     * meanwhile left the head short of `limit` (it is kept: it holds what
     * it should). The caller reads a new snapshot. */
    if (body == DOCTAG_OK && !*answered && *how != HISTORY_HEAD_FOUND)
      *how = HISTORY_HEAD_STALE;
  }
  store_rows_clear(&n);
  return store_tx_end(c, body);
}

/* A first search stages a head at most this often before it ranks every
 * match instead (the user's writes kept outrunning the log of writes). */
#define HEAD_TRIES 2

/* Builds the head of `term` (again) and answers from it. The word's best
 * documents are read first from a snapshot, outside the lock writers of
 * the user's documents take, so that they are not held off for as long as
 * that takes; then, under the lock, they are published: as they are when
 * the user's documents have not changed since (their write count,
 * ST_HEAD_GEN), with the documents written meanwhile entered again when
 * the log of writes (0014) holds them all; else a new snapshot is read.
 * Another search may have built the head meanwhile. Not answered (the
 * caller ranks every match) when no snapshot could be published. A user
 * with no documents needs none. */
static doctag_status head_ensure(store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                 uint64_t max_heads, store_rows *out, bool *answered)
{
  doctag_status st = DOCTAG_OK;
  history_head_how how = HISTORY_HEAD_STALE;
  for (int i = 0; st == DOCTAG_OK && how == HISTORY_HEAD_STALE && i < HEAD_TRIES; i++) {
    char *staged = NULL, *postings = NULL, *gen = NULL;
    int64_t df = -1;
    st = history_head_stage(c, user_id, term, &staged, &postings, &gen, &df);
    if (st == DOCTAG_OK)
      st = history_head_settle(c, user_id, term, limit, max_heads, staged, postings, gen, df, out, answered, &how);
    g_free(staged);
    g_free(postings);
    g_free(gen);
  }
  return st;
}

bool history_query_several_words(const char *query)
{
  bool word = false, gap = false;
  for (const char *q = query; q && *q; q = g_utf8_next_char(q)) {
    gunichar ch = g_utf8_get_char(q);
    if (g_unichar_isspace(ch))
      gap = word;
    else if (g_unichar_isalnum(ch) || g_unichar_ismark(ch)) {
      if (gap)
        return true;
      word = true;
    }
  }
  return false;
}

doctag_status history_search_head(struct store *s, const char *user_id, const char *query, unsigned int limit,
                                  uint64_t max_heads, store_rows *out, bool *answered)
{
  *answered = false;
  /* Several words: no head answers, and asking the backend would cost a
   * round trip (on a loaded machine, most of a PostgreSQL search). */
  if (limit > HEAD_SIZE || history_query_several_words(query))
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
    bool stale = false;
    st = store_tx_begin_read(c);
    if (st == DOCTAG_OK)
      st = store_tx_end(c, head_answer(c, user_id, term, limit, out, answered, &stale));
    /* Recorded as used; a search does not fail when that cannot be. */
    store_param now[] = { SP_T(user_id), SP_T(term), SP_I(store_now_us()) };
    if (st == DOCTAG_OK && *answered && stale && store_exec(c, ST_HEAD_TOUCH, now, 3, NULL) != DOCTAG_OK)
      err_clear();
  }
  if (term && st == DOCTAG_OK && !*answered)
    st = head_ensure(c, user_id, term, limit, max_heads, out, answered);
  store_rows_clear(&t);
  store_release(s, c);
  if (st != DOCTAG_OK) {
    store_rows_clear(out);
    *answered = false;
  }
  return st;
}

doctag_status history_search_words_prepare(struct store *s, const char *user_id, const char *query,
                                           uint64_t max_heads)
{
  if (!s->ops->rarity_from_heads)
    return DOCTAG_OK;
  store_conn *c = NULL;
  doctag_status st = store_acquire(s, &c);
  gchar **words = st == DOCTAG_OK ? g_regex_split_simple("\\s+", query, 0, 0) : NULL;
  for (gchar **w = words; st == DOCTAG_OK && w && *w; w++) {
    store_rows t = { 0 }, h = { 0 }, out = { 0 };
    store_param q[] = { SP_T(*w) };
    st = **w ? store_exec(c, ST_HEAD_TERM, q, 1, &t) : DOCTAG_OK;
    const char *term = st == DOCTAG_OK && t.nrows ? store_cell(&t, 0, 0) : NULL;
    store_param p[] = { SP_T(user_id), SP_T(term) };
    if (term)
      st = store_exec(c, ST_HEAD_STATE, p, 2, &h);
    /* Any head will do: its count is kept whatever its length. One in use
     * is recorded as used, as a one-word search records it (and neither
     * fails the search). */
    bool answered = false;
    store_param now[] = { SP_T(user_id), SP_T(term), SP_I(store_now_us()) };
    if (term && st == DOCTAG_OK && !h.nrows)
      st = head_ensure(c, user_id, term, 1, max_heads, &out, &answered);
    else if (term && st == DOCTAG_OK && store_cell_int(&h, 0, 2) < store_now_us() - HEAD_TOUCH_US &&
             store_exec(c, ST_HEAD_TOUCH, now, 3, NULL) != DOCTAG_OK)
      err_clear();
    store_rows_clear(&t);
    store_rows_clear(&h);
    store_rows_clear(&out);
  }
  g_strfreev(words);
  if (c)
    store_release(s, c);
  return st;
}

doctag_status history_search_words(struct store *s, const char *user_id, const char *match, unsigned int limit,
                                   store_rows *out, bool *answered)
{
  *answered = false;
  if (!s->ops->search_words)
    return DOCTAG_OK;
  store_conn *c = NULL;
  doctag_status st = store_acquire(s, &c);
  if (st != DOCTAG_OK)
    return st;
  /* The heads and the documents read from one snapshot. */
  st = store_tx_begin_read(c);
  if (st == DOCTAG_OK)
    st = store_tx_end(c, s->ops->search_words(c, user_id, match, limit, out, answered));
  store_release(s, c);
  if (st != DOCTAG_OK) {
    store_rows_clear(out);
    *answered = false;
  }
  return st;
}
