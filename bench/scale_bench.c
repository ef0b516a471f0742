/* Scale benchmark (run by bench/scale.sh), issue 17: a history of DOCS
 * documents over USERS users, on SQLite and (when DOCTAG_TEST_POSTGRES_URL
 * is set) PostgreSQL, then what a user waits for:
 *   - full-text search p50/p99 through doctag_history_search_json, typical
 *     queries and words in nearly every document, for the largest user and
 *     a median one; beside it the pre-0006 statement (words matched over
 *     every user's documents, the owner tested after) as the reference;
 *   - document and job list pages at offset 0, in the middle and last;
 *   - statistics;
 *   - database size per document;
 *   - submitting a batch of ROWS rows (doctag_job_submit_json, what
 *     POST /api/batch/start calls): time and the process's peak memory
 *     growth, on the local queue and (DOCTAG_TEST_REDIS_URL) on Redis;
 *   - the WebSocket catch-up of that job with every row done (local queue).
 *
 * Users hold documents in Zipf-like shares (user k: 1/(k+1)^0.7), so the
 * largest of 300 holds about a tenth of the archive. Documents come in
 * batch jobs of up to 100, users interleaved; texts have 120 words plus an
 * exponential tail (mean 500 words, real text's word frequencies), titles 3-8
 * words, 5-8 tags; 3% failed without text.
 *
 *   scale_bench [docs=1000000] [users=300] [rows=100000] [rounds=5]
 * SCALE_KEEP=1 keeps the data directory; SCALE_REUSE=<its scale.db> measures
 * a SQLite history loaded before (all of it, or what a stopped run loaded)
 * without loading again (docs and users then come from it), and
 * SCALE_REUSE_PG=<database> a PostgreSQL one (a database of the server
 * DOCTAG_TEST_POSTGRES_URL names, kept by DOCTAG_BENCH_KEEP_DB=1; it is
 * kept again). A reused history's search heads are dropped first, so that
 * first searches build them as on a fresh load. SCALE_LOAD_ONLY=1 loads
 * (and on PostgreSQL builds the full-text index), prints the database's
 * size and stops there: measure later with the reuse variables.
 * SCALE_LISTS_ONLY=1 measures only the list pages and statistics,
 * SCALE_WORDS_ONLY=1 only the searches of several words.
 * Prints "RESULT key=value" lines; exit status 0 (figures only: goals are
 * judged by the reader, on an idle machine).
 */
#include "core/ctx.h"
#include "core/error.h"
#include "doctag/history.h"
#include "doctag/jobs.h"
#include <jansson.h>
#include "history/history.h"
#include "store/store.h"
#include "bench_store.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static void die(const char *what)
{
  fprintf(stderr, "scale_bench: %s: %s\n", what, doctag_error_last()->message);
  exit(1);
}

typedef struct samples {
  double *v;
  size_t n, cap;
} samples;

static void sample_add(samples *s, double x)
{
  if (s->n == s->cap)
    s->v = g_renew(double, s->v, s->cap = s->cap ? 2 * s->cap : 64);
  s->v[s->n++] = x;
}

static double p(samples *s, double q)
{
  return s->n ? quantile(s->v, s->n, q) : 0;
}

static void sample_reset(samples *s)
{
  s->n = 0;
}

/* ---- the history ---- */

typedef struct user_set {
  unsigned int n;
  char **id;
  unsigned int *docs, *jobs;
} user_set;

static doctag_ctx *open_ctx(const char *url, const char *dir, const char *redis)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = dir;
  cfg.database_url = url;
  cfg.redis_url = redis;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg))
    die("ctx");
  return ctx;
}

/* SCALE_REUSE: the users of a history already loaded (a kept run's, or one
 * stopped part-way), largest first, so that it is measured again without
 * loading. Returns how many documents it holds. */
static unsigned int reuse_users(doctag_ctx *ctx, user_set *u)
{
  struct store *s;
  store_conn *c;
  store_rows rows = { 0 };
  if (store_get(ctx, &s) || store_acquire(s, &c) ||
      store_exec_sql(c, "SELECT user_id, count(*), count(DISTINCT job_id) FROM documents"
                        " GROUP BY user_id ORDER BY count(*) DESC", NULL, 0, &rows))
    die("reuse");
  /* Search heads (0009) left by the run that measured it before: each
   * first search builds its head again. */
  if (store_exec_sql(c, "DELETE FROM search_head_docs", NULL, 0, NULL) ||
      store_exec_sql(c, "DELETE FROM search_heads", NULL, 0, NULL))
    die("reuse: drop search heads");
  store_release(s, c);
  unsigned int docs = 0;
  u->n = rows.nrows;
  u->id = g_new0(char *, u->n + 1);
  u->docs = g_new0(unsigned int, u->n);
  u->jobs = g_new0(unsigned int, u->n);
  for (unsigned int k = 0; k < u->n; k++) {
    u->id[k] = g_strdup(store_cell(&rows, k, 0));
    docs += u->docs[k] = (unsigned int)store_cell_int(&rows, k, 1);
    u->jobs[k] = (unsigned int)store_cell_int(&rows, k, 2);
  }
  store_rows_clear(&rows);
  return docs;
}

static void make_users(doctag_ctx *ctx, user_set *u, unsigned int n, unsigned int docs)
{
  struct store *s;
  if (store_get(ctx, &s))
    die("store");
  u->n = n;
  u->id = g_new0(char *, n + 1);
  u->docs = g_new0(unsigned int, n);
  u->jobs = g_new0(unsigned int, n);
  double sum = 0;
  for (unsigned int k = 0; k < n; k++)
    sum += pow(k + 1, -0.7);
  unsigned int given = 0;
  for (unsigned int k = 0; k < n; k++) {
    u->id[k] = store_uuid_new();
    char *email = g_strdup_printf("user%u@example.com", k);
    store_param sp[] = { SP_T(u->id[k]), SP_T(email), SP_T("x"), SP_N, SP_B(true), SP_B(false),
                         SP_I(store_now_us()) };
    if (store_query(s, ST_USER_INSERT, sp, 7, NULL))
      die("user");
    g_free(email);
    u->docs[k] = k + 1 == n ? docs - given : (unsigned int)(docs * pow(k + 1, -0.7) / sum);
    if (given + u->docs[k] > docs)
      u->docs[k] = docs - given;
    given += u->docs[k];
  }
}

/* COPY text format: the field escaped (backslash, tab, newline, CR), or \N. */
static void copy_field(GString *out, const char *v, bool last)
{
  if (!v)
    g_string_append(out, "\\N");
  for (const char *q = v; q && *q; q++) {
    if (*q == '\\' || *q == '\t' || *q == '\n' || *q == '\r')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *q == '\t' ? 't' : *q == '\n' ? 'n' : *q == '\r' ? 'r' : *q);
  }
  g_string_append_c(out, last ? '\n' : '\t');
}

/* PostgreSQL: a job's rows in one COPY and its counters in one UPDATE,
 * where history_document_record_on takes four round trips a row. On a
 * loaded machine each round trip waits for both processes to be scheduled,
 * which held loading to 60-100 documents a second with neither process
 * busy. The rows are the bench's own clean text, so they need none of
 * record.c's cleaning; the columns are the ones ST_DOC_UPSERT writes. */
static void copy_rows(PGconn *pc, const char *jid, const char *uid, GString *rows, int ok, int bad)
{
  PGresult *r = PQexec(pc, "COPY documents (id, job_id, user_id, row_index, title, file_path, file_source_type,"
                           " file_size, mime_type, status, tags, extracted_text, processing_metadata,"
                           " error_message, processed_at, created_at, updated_at) FROM STDIN");
  bool fine = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  fine = fine && PQputCopyData(pc, rows->str, (int)rows->len) == 1 && PQputCopyEnd(pc, NULL) == 1;
  r = PQgetResult(pc);
  fine = fine && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  while ((r = PQgetResult(pc)))
    PQclear(r);
  char oks[16], bads[16];
  g_snprintf(oks, sizeof oks, "%d", ok);
  g_snprintf(bads, sizeof bads, "%d", bad);
  const char *pv[] = { jid, oks, bads };
  r = fine ? PQexecParams(pc, "UPDATE jobs SET processed_count = $2::int, failed_count = $3::int WHERE id = $1",
                          3, NULL, pv, NULL, NULL, 0)
           : NULL;
  if (!fine || PQresultStatus(r) != PGRES_COMMAND_OK) {
    fprintf(stderr, "scale_bench: COPY of job %s (user %s): %s", jid, uid, PQerrorMessage(pc));
    exit(1);
  }
  PQclear(r);
}

static void copy_row(GString *out, const char *jid, const char *uid, unsigned int row, const history_doc *d)
{
  char *id = store_uuid_new(), num[32], size[32];
  GString *tags = g_string_new("[");
  for (size_t t = 0; t < d->tag_count; t++)
    g_string_append_printf(tags, "%s\"%s\"", t ? "," : "", d->tags[t]);
  g_string_append_c(tags, ']');
  int64_t us = store_now_us();
  time_t secs = (time_t)(us / 1000000);
  struct tm tm;
  char ts[64];
  gmtime_r(&secs, &tm);
  size_t n = strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
  g_snprintf(ts + n, sizeof ts - n, ".%06d+00", (int)(us % 1000000));
  g_snprintf(num, sizeof num, "%u", row);
  g_snprintf(size, sizeof size, "%" G_GINT64_FORMAT, d->file_size);
  const char *f[] = { id, jid, uid, num, d->title, d->file_path, d->file_source_type, size, "application/pdf",
                      d->status, tags->str, d->text, d->metadata_json, d->error_message, ts, ts, ts };
  for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
    copy_field(out, f[i], i + 1 == G_N_ELEMENTS(f));
  g_string_free(tags, TRUE);
  g_free(id);
}

static void load(doctag_ctx *ctx, PGconn *pc, user_set *u, corpus *c, unsigned int docs)
{
  struct store *s;
  if (store_get(ctx, &s))
    die("store");
  /* The jobs, users interleaved in a fixed random order. */
  GArray *jobs = g_array_new(FALSE, FALSE, sizeof(guint64));
  for (unsigned int k = 0; k < u->n; k++)
    for (unsigned int left = u->docs[k]; left;) {
      unsigned int size = left < 100 ? left : 100;
      guint64 j = ((guint64)k << 32) | size;
      g_array_append_val(jobs, j);
      left -= size;
    }
  for (guint i = jobs->len; i > 1; i--) {
    guint r = g_rand_int_range(c->rand, 0, (gint32)i);
    guint64 t = g_array_index(jobs, guint64, i - 1);
    g_array_index(jobs, guint64, i - 1) = g_array_index(jobs, guint64, r);
    g_array_index(jobs, guint64, r) = t;
  }
  double t0 = now_ms();
  unsigned int done = 0, next = docs / 10;
  for (guint i = 0; i < jobs->len; i++) {
    unsigned int k = (unsigned int)(g_array_index(jobs, guint64, i) >> 32);
    unsigned int size = (unsigned int)(g_array_index(jobs, guint64, i) & 0xffffffffu);
    char *jid = NULL;
    if (history_job_create(ctx, u->id[k], NULL, "batch", "{\"model_name\":\"local\"}", size, &jid))
      die("job");
    u->jobs[k]++;
    store_conn *conn = NULL;
    if (!pc && (store_acquire(s, &conn) || store_tx_begin(conn)))
      die("tx");
    GString *copy = g_string_new(NULL);
    int ok = 0, bad = 0;
    for (unsigned int r = 0; r < size; r++) {
      bool failed = g_rand_int_range(c->rand, 0, 100) < 3;
      int words = 120 + (int)(-log(1 - g_rand_double(c->rand)) * 380);
      char *title = corpus_text(c, 3 + g_rand_int_range(c->rand, 0, 6));
      char *text = failed ? NULL : corpus_text(c, words > 6000 ? 6000 : words);
      const char *tags[8];
      int nt = failed ? 0 : 5 + g_rand_int_range(c->rand, 0, 4);
      for (int t = 0; t < nt; t++)
        tags[t] = corpus_word(c);
      char *path = g_strdup_printf("https://example.com/archive/%u/%u.pdf", i, r);
      history_doc d = { .row_index = r, .title = title, .file_path = path, .file_source_type = "url",
                        .file_size = 20000 + words * 40, .status = failed ? "failed" : "completed",
                        .tags = tags, .tag_count = (size_t)nt, .text = text, .text_len = text ? strlen(text) : 0,
                        .metadata_json = "{\"page_count\":2,\"is_scanned\":false}",
                        .error_message = failed ? "Could not fetch the PDF: HTTP 404" : NULL };
      if (pc) {
        copy_row(copy, jid, u->id[k], r, &d);
        ok += !failed;
        bad += failed;
      } else if (history_document_record_on(conn, u->id[k], jid, &d, NULL)) {
        die("record");
      }
      g_free(title);
      g_free(text);
      g_free(path);
    }
    if (pc) {
      copy_rows(pc, jid, u->id[k], copy, ok, bad);
    } else {
      if (store_tx_end(conn, DOCTAG_OK))
        die("commit");
      store_release(s, conn);
    }
    g_string_free(copy, TRUE);
    if (history_job_set_status(ctx, jid, "completed", NULL))
      die("job status");
    g_free(jid);
    done += size;
    if (done >= next) {
      printf("  %u documents, %.0f per second\n", done, done / ((now_ms() - t0) / 1000));
      next += docs / 10;
    }
  }
  printf("  loaded %u documents in %u jobs for %u users in %.0f s\n", docs, jobs->len, u->n,
         (now_ms() - t0) / 1000);
  g_array_free(jobs, TRUE);
}

/* The machine's load average, printed after each figure: the machine is
 * shared, and a wall time means little without it. */
static void print_load(void)
{
  char buf[64] = "";
  FILE *f = fopen("/proc/loadavg", "r");
  if (f && fgets(buf, sizeof buf, f)) {
    char one[16], five[16], fifteen[16];
    if (sscanf(buf, "%15s %15s %15s", one, five, fifteen) == 3)
      printf("      load average %s %s %s\n", one, five, fifteen);
  }
  if (f)
    fclose(f);
}

/* ---- a head built beside writers ---- */

/* One document of `uid` written as a batch row is: its job, then the row
 * in one transaction. */
static void write_one(doctag_ctx *ctx, const char *uid, corpus *c, unsigned int n)
{
  struct store *s;
  store_conn *conn = NULL;
  char *jid = NULL, *title = corpus_text(c, 5), *text = corpus_text(c, 300);
  char *path = g_strdup_printf("https://example.com/beside/%u.pdf", n);
  const char *tags[] = { corpus_word(c), corpus_word(c), corpus_word(c) };
  history_doc d = { .title = title, .file_path = path, .file_source_type = "url", .file_size = 20000,
                    .status = "completed", .tags = tags, .tag_count = 3, .text = text, .text_len = strlen(text),
                    .metadata_json = "{\"page_count\":2,\"is_scanned\":false}" };
  if (store_get(ctx, &s) || history_job_create(ctx, uid, NULL, "batch", "{\"model_name\":\"local\"}", 1, &jid) ||
      store_acquire(s, &conn) || store_tx_begin(conn))
    die("write");
  if (store_tx_end(conn, history_document_record_on(conn, uid, jid, &d, NULL)))
    die("write");
  store_release(s, conn);
  g_free(jid), g_free(title), g_free(text), g_free(path);
}

typedef struct first_search {
  doctag_ctx *ctx;
  const char *uid, *word;
  double ms;
  gint done;
} first_search;

static gpointer first_search_run(gpointer p)
{
  first_search *f = p;
  char *json = NULL;
  double t0 = now_ms();
  if (doctag_history_search_json(f->ctx, f->uid, f->word, 50, &json))
    die("search");
  f->ms = now_ms() - t0;
  doctag_free(json);
  g_atomic_int_set(&f->done, 1);
  return NULL;
}

/* The first search of a common word `word` (which no search used before)
 * by `uid` builds its head from a snapshot, outside the write lock, while
 * documents of `writer` are written: another user's go on meanwhile; the
 * searcher's own move the snapshot's write count, and the documents they
 * wrote then enter the published head from the log of writes (0014). */
static void measure_build_beside_writes(doctag_ctx *ctx, const char *label, const char *uid, const char *writer,
                                        const char *word, corpus *c)
{
  double alone = now_ms();
  write_one(ctx, writer, c, 0);
  alone = now_ms() - alone;
  first_search f = { .ctx = ctx, .uid = uid, .word = word };
  GThread *t = g_thread_new("search", first_search_run, &f);
  unsigned int writes = 0;
  double longest = 0;
  while (!g_atomic_int_get(&f.done)) {
    double t0 = now_ms();
    write_one(ctx, writer, c, ++writes);
    longest = MAX(longest, now_ms() - t0);
  }
  g_thread_join(t);
  const char *whose = strcmp(uid, writer) ? "another user's" : "the searcher's own";
  printf("    first search of \"%s\", which builds its head: %.2f ms; meanwhile %u documents written (%s),"
         " the longest in %.2f ms (one alone: %.2f ms)\n", word, f.ms, writes, whose, longest, alone);
  printf("RESULT backend=%s build_word=%s build_writer=%s build_ms=%.2f build_writes=%u build_longest_write_ms=%.2f"
         " write_alone_ms=%.2f\n", label, word, strcmp(uid, writer) ? "other" : "own", f.ms, writes, longest, alone);
  print_load();
}

/* ---- what users wait for ---- */

/* The statement before migration 0006: the words matched over every user's
 * documents, the owner tested on each match (the same ranking). */
static const char *const unscoped_sqlite =
  "SELECT d.id FROM documents_fts f JOIN documents d ON d.seq = f.rowid"
  " WHERE documents_fts MATCH '{title tags extracted_text} : (' || ?2 || ')' AND d.user_id = ?1"
  " ORDER BY bm25(documents_fts, 10.0, 4.0, 1.0, 0.0), d.created_at DESC LIMIT ?3";
static const char *const unscoped_postgres =
  "SELECT d.id FROM documents d, plainto_tsquery('simple', $2) q"
  " WHERE d.user_id = $1 AND d.search_vector @@ q"
  " ORDER BY ts_rank(d.rank_vector, q) DESC, d.created_at DESC LIMIT $3";

typedef enum call { C_SEARCH, C_BARE, C_UNSCOPED, C_DOCS, C_JOBS, C_STATS } call;

/* This process's CPU time (SQLite works inside it: on a loaded machine its
 * CPU time says more than the wall clock). */
static double cpu_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double last_cpu; /* of the last timed() call */

static double timed(doctag_ctx *ctx, call what, const char *uid, const char *query, unsigned int offset)
{
  struct store *s;
  if (store_get(ctx, &s))
    die("store");
  char *json = NULL, *m = NULL;
  doctag_status st = DOCTAG_OK;
  double t0 = now_ms(), c0 = cpu_ms();
  switch (what) {
  case C_SEARCH:
    st = doctag_history_search_json(ctx, uid, query, 50, &json);
    break;
  case C_BARE:
  case C_UNSCOPED: {
    m = s->ops->match_query(query);
    if (!m)
      break;
    store_param sp[] = { SP_T(uid), SP_T(m), SP_I(50) };
    store_rows rows = { 0 };
    store_conn *c;
    if (!(st = store_acquire(s, &c))) {
      if (what == C_BARE)
        st = store_exec(c, ST_DOC_SEARCH, sp, 3, &rows);
      else
        st = store_exec_sql(c, strcmp(s->ops->name, "sqlite") ? unscoped_postgres : unscoped_sqlite, sp, 3,
                            &rows);
      store_release(s, c);
    }
    store_rows_clear(&rows);
    break;
  }
  case C_DOCS:
    st = doctag_history_documents_json(ctx, uid, 50, offset, &json);
    break;
  case C_JOBS:
    st = doctag_history_jobs_json(ctx, uid, 50, offset, NULL, &json);
    break;
  case C_STATS:
    st = doctag_history_stats_json(ctx, uid, &json);
    break;
  }
  double ms = now_ms() - t0;
  last_cpu = cpu_ms() - c0;
  if (st)
    die("call");
  doctag_free(json);
  g_free(m);
  return ms;
}

/* Every query of `qs` `rounds` times (after one warm-up pass). */
static samples cpu;  /* CPU times of the last run_queries() */
static samples warm; /* times of its first call of each query (a one-word search builds its head) */

static void run_queries(doctag_ctx *ctx, call what, const char *uid, const char *const *qs, size_t nq, int rounds,
                        samples *out)
{
  sample_reset(&cpu);
  sample_reset(&warm);
  for (size_t q = 0; q < nq; q++)
    sample_add(&warm, timed(ctx, what, uid, qs[q], 0));
  for (int r = 0; r < rounds; r++)
    for (size_t q = 0; q < nq; q++) {
      sample_add(out, timed(ctx, what, uid, qs[q], 0));
      sample_add(&cpu, last_cpu);
    }
}

/* The median of one list or stats call at `offset`, after a warm-up call;
 * *cpu_p50 that of this process's CPU time (SQLite's whole cost); `s` is
 * scratch, left empty. */
static double page_p50(doctag_ctx *ctx, call what, const char *uid, unsigned int offset, int rounds, samples *s,
                       double *cpu_p50)
{
  timed(ctx, what, uid, NULL, offset);
  sample_reset(&cpu);
  for (int r = 0; r < rounds * 4; r++) {
    sample_add(s, timed(ctx, what, uid, NULL, offset));
    sample_add(&cpu, last_cpu);
  }
  double median = p(s, 0.5);
  *cpu_p50 = p(&cpu, 0.5);
  sample_reset(s);
  return median;
}

/* Document and job list pages (first, middle, last) and statistics of
 * user k: medians of 4 * rounds calls each. */
static void measure_lists(doctag_ctx *ctx, const char *label, const char *who, const user_set *u, unsigned int k,
                          int rounds)
{
  samples s = { 0 };
  const char *uid = u->id[k];
  unsigned int deep_docs = u->docs[k] > 50 ? u->docs[k] - 50 : 0, deep_jobs = u->jobs[k] > 50 ? u->jobs[k] - 50 : 0;
  double c[7];
  double d0 = page_p50(ctx, C_DOCS, uid, 0, rounds, &s, &c[0]);
  double dm = page_p50(ctx, C_DOCS, uid, deep_docs / 2, rounds, &s, &c[1]);
  double dd = page_p50(ctx, C_DOCS, uid, deep_docs, rounds, &s, &c[2]);
  double j0 = page_p50(ctx, C_JOBS, uid, 0, rounds, &s, &c[3]);
  double jm = page_p50(ctx, C_JOBS, uid, deep_jobs / 2, rounds, &s, &c[4]);
  double jd = page_p50(ctx, C_JOBS, uid, deep_jobs, rounds, &s, &c[5]);
  double st50 = page_p50(ctx, C_STATS, uid, 0, rounds, &s, &c[6]);
  printf("    document list p50: offset 0 %.2f ms, offset %u %.2f ms, offset %u %.2f ms   (goal 5;"
         " this process's CPU p50 %.2f / %.2f / %.2f ms)\n", d0, deep_docs / 2, dm, deep_docs, dd, c[0], c[1], c[2]);
  printf("    job list p50: offset 0 %.2f ms, offset %u %.2f ms, offset %u %.2f ms   (goal 5; CPU %.2f / %.2f / %.2f ms)\n",
         j0, deep_jobs / 2, jm, deep_jobs, jd, c[3], c[4], c[5]);
  printf("    statistics p50: %.2f ms   (goal 50; CPU %.2f ms)\n", st50, c[6]);
  printf("RESULT backend=%s user=%s user_docs=%u user_jobs=%u docs_page0_ms=%.2f docs_middle_ms=%.2f docs_deep_ms=%.2f "
         "jobs_page0_ms=%.2f jobs_middle_ms=%.2f jobs_deep_ms=%.2f stats_ms=%.2f docs_page0_cpu_ms=%.2f "
         "docs_middle_cpu_ms=%.2f docs_deep_cpu_ms=%.2f\n",
         label, who, u->docs[k], u->jobs[k], d0, dm, dd, j0, jm, jd, st50, c[0], c[1], c[2]);
  print_load();
  g_free(s.v);
}

/* Several words: the typical pairs and pairs of topical words (each in
 * about a third of the documents), which rank every document holding all
 * of their words unless a bound stops them early. */
static void measure_words(doctag_ctx *ctx, const char *label, const char *who, const char *uid, int rounds)
{
  samples s = { 0 };
  const char *multi[G_N_ELEMENTS(typical) + 12];
  size_t nm = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(typical); i++)
    if (strchr(typical[i], ' '))
      multi[nm++] = typical[i];
  GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i + 1 < G_N_ELEMENTS(english) && pairs->len < 12; i += 5) {
    g_ptr_array_add(pairs, g_strdup_printf("%s %s", english[i], english[i + 1]));
    g_ptr_array_add(pairs, g_strdup_printf("%s %s", hindi[i + 2], hindi[i + 3]));
  }
  for (guint i = 0; i < pairs->len; i++)
    multi[nm++] = g_ptr_array_index(pairs, i);
  /* The statement alone first, while the words have no heads (a reused
   * history's are dropped): every match ranked, each word's rarity counted,
   * as before 0018. */
  run_queries(ctx, C_BARE, uid, multi, nm, rounds, &s);
  double bp50 = p(&s, 0.5), bcpu = p(&cpu, 0.5);
  sample_reset(&s);
  run_queries(ctx, C_SEARCH, uid, multi, nm, rounds, &s);
  double mp50 = p(&s, 0.5), mp99 = p(&s, 0.99), mcpu = p(&cpu, 0.5), mfirst = p(&warm, 1.0);
  sample_reset(&s);
  printf("    search, several words (%zu queries): p50 %.2f ms  p99 %.2f ms  (CPU p50 %.2f ms; first search of each"
         " at most %.2f ms); before (rarity counted): p50 %.2f ms (CPU p50 %.2f ms)\n", nm, mp50, mp99, mcpu, mfirst,
         bp50, bcpu);
  printf("RESULT backend=%s user=%s words_queries=%zu words_p50_ms=%.2f words_p99_ms=%.2f words_cpu_ms=%.2f"
         " words_first_ms=%.2f bare_words_p50_ms=%.2f bare_words_cpu_ms=%.2f\n", label, who, nm, mp50, mp99, mcpu,
         mfirst, bp50, bcpu);
  print_load();
  /* A common word beside a topical one ("the monsoon"): the common word
   * weighs almost nothing, so the topical word's head can prove the best
   * documents (SQLite); before, every match of the topical word was ranked
   * (ST_DOC_SEARCH, as every such search ran before, after the heads the
   * first searches built). */
  const char *with_common[8];
  GPtrArray *cpairs = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; i < G_N_ELEMENTS(english) && cpairs->len < G_N_ELEMENTS(with_common); i += 3)
    g_ptr_array_add(cpairs, g_strdup_printf(cpairs->len % 2 ? "%s and" : "the %s", english[i]));
  for (guint i = 0; i < cpairs->len; i++)
    with_common[i] = g_ptr_array_index(cpairs, i);
  run_queries(ctx, C_SEARCH, uid, with_common, cpairs->len, rounds, &s);
  double wp50 = p(&s, 0.5), wp99 = p(&s, 0.99), wcpu = p(&cpu, 0.5);
  sample_reset(&s);
  run_queries(ctx, C_BARE, uid, with_common, cpairs->len, rounds, &s);
  double wbp50 = p(&s, 0.5), wbcpu = p(&cpu, 0.5);
  sample_reset(&s);
  printf("    search, a common word and a topical one (%u queries): p50 %.2f ms  p99 %.2f ms  (CPU p50 %.2f ms);"
         " every match ranked: p50 %.2f ms (CPU p50 %.2f ms)\n", cpairs->len, wp50, wp99, wcpu, wbp50, wbcpu);
  printf("RESULT backend=%s user=%s common_words_p50_ms=%.2f common_words_p99_ms=%.2f common_words_cpu_ms=%.2f"
         " bare_common_words_p50_ms=%.2f bare_common_words_cpu_ms=%.2f\n", label, who, wp50, wp99, wcpu, wbp50, wbcpu);
  print_load();
  g_ptr_array_free(cpairs, TRUE);
  g_ptr_array_free(pairs, TRUE);
  g_free(s.v);
}

static void measure_user(doctag_ctx *ctx, const char *label, const char *who, const user_set *u, unsigned int k,
                         corpus *c, int rounds)
{
  samples s = { 0 };
  const char *uid = u->id[k];
  printf("  %s user (%u documents, %u jobs):\n", who, u->docs[k], u->jobs[k]);
  if (getenv("SCALE_LISTS_ONLY")) {
    measure_lists(ctx, label, who, u, k, rounds);
    return;
  }
  if (getenv("SCALE_WORDS_ONLY")) {
    measure_words(ctx, label, who, uid, rounds);
    return;
  }
  const char *qs[G_N_ELEMENTS(typical) + 8];
  size_t nq = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(typical); i++)
    qs[nq++] = typical[i];
  for (guint r = 400; r < 20000 && nq < G_N_ELEMENTS(qs); r *= 2)
    qs[nq++] = g_ptr_array_index(c->words, r);
  run_queries(ctx, C_SEARCH, uid, qs, nq, rounds, &s);
  double tp50 = p(&s, 0.5), tp99 = p(&s, 0.99), tcpu = p(&cpu, 0.5);
  sample_reset(&s);
  /* Rare words alone: what a common word's search should cost too. */
  const char *rare[8];
  size_t nr = 0;
  for (guint r = 2000; r < 20000 && nr < G_N_ELEMENTS(rare); r += 2500)
    rare[nr++] = g_ptr_array_index(c->words, r);
  run_queries(ctx, C_SEARCH, uid, rare, nr, rounds, &s);
  double rp50 = p(&s, 0.5), rp99 = p(&s, 0.99), rcpu = p(&cpu, 0.5);
  sample_reset(&s);
  measure_words(ctx, label, who, uid, rounds);
  run_queries(ctx, C_SEARCH, uid, common, G_N_ELEMENTS(common), rounds, &s);
  double cp50 = p(&s, 0.5), cp99 = p(&s, 0.99), ccpu = p(&cpu, 0.5), cfirst = p(&warm, 1.0);
  sample_reset(&s);
  run_queries(ctx, C_BARE, uid, common, G_N_ELEMENTS(common), rounds, &s);
  double bp50 = p(&s, 0.5);
  sample_reset(&s);
  run_queries(ctx, C_UNSCOPED, uid, common, G_N_ELEMENTS(common), rounds, &s);
  double up50 = p(&s, 0.5), ucpu = p(&cpu, 0.5);
  sample_reset(&s);
  printf("    search, typical queries: p50 %.2f ms  p99 %.2f ms   (goal 20 / 100; this process's CPU p50 %.2f ms)\n",
         tp50, tp99, tcpu);
  printf("    search, one rare word: p50 %.2f ms  p99 %.2f ms   (CPU p50 %.2f ms)\n", rp50, rp99, rcpu);
  printf("    search, a word in nearly every document: p50 %.2f ms  p99 %.2f ms   (CPU p50 %.2f ms;"
         " its first search, which builds the word's head: at most %.2f ms)\n", cp50, cp99, ccpu, cfirst);
  printf("      ranked over every match (ST_DOC_SEARCH bare, as before 0009): p50 %.2f ms; the pre-0006 statement (owner tested after): p50 %.2f ms"
         " (CPU p50 %.2f ms)\n", bp50, up50, ucpu);
  printf("RESULT backend=%s user=%s user_docs=%u search_p50_ms=%.2f search_p99_ms=%.2f common_p50_ms=%.2f "
         "common_p99_ms=%.2f common_cpu_ms=%.2f common_first_ms=%.2f rare_p50_ms=%.2f rare_p99_ms=%.2f rare_cpu_ms=%.2f bare_common_p50_ms=%.2f unscoped_common_p50_ms=%.2f unscoped_common_cpu_ms=%.2f\n",
         label, who, u->docs[k], tp50, tp99, cp50, cp99, ccpu, cfirst, rp50, rp99, rcpu, bp50, up50, ucpu);
  print_load();
  measure_lists(ctx, label, who, u, k, rounds);
  g_free(s.v);
}

static double db_bytes(doctag_ctx *ctx, const char *url, const char *sqlite_path)
{
  if (sqlite_path) {
    double total = 0;
    const char *suffix[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
      char *f = g_strconcat(sqlite_path, suffix[i], NULL);
      struct stat sb;
      if (stat(f, &sb) == 0)
        total += (double)sb.st_size;
      g_free(f);
    }
    return total;
  }
  PGconn *pc = PQconnectdb(url);
  PGresult *r = PQexec(pc, "SELECT pg_database_size(current_database())");
  double b = PQresultStatus(r) == PGRES_TUPLES_OK ? g_ascii_strtod(PQgetvalue(r, 0, 0), NULL) : 0;
  PQclear(r);
  PQfinish(pc);
  return b;
}

/* ---- a large batch ---- */

static long maxrss_kb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* A child process that measures on its own (so its peak memory is its
 * own) and writes its figures to fds[1]; the parent reads fds[0]. Returns
 * fork()'s value, with the other end of the pipe closed on each side. */
static pid_t fork_child(int fds[2])
{
  if (pipe(fds))
    die("pipe");
  pid_t pid = fork();
  if (pid < 0)
    die("fork");
  close(fds[pid == 0 ? 0 : 1]);
  return pid;
}

/* WebSocket catch-up of a running job whose `rows` rows are all done (the
 * first message a client connecting late gets: what server/websocket.c
 * builds with doctag_job_status + doctag_job_catchup_to_json before its
 * first byte), in a child process: time to build it and the process's peak
 * memory growth, then the same read a page at a time. The rows are marked done with a result shaped like
 * jobs/row.c's (about 400 bytes). */
static void bench_catchup(const char *label, const char *url, const char *dir, const char *uid, const char *jid,
                          unsigned int rows)
{
  int fds[2];
  pid_t pid = fork_child(fds);
  if (pid == 0) {
    doctag_ctx *ctx = open_ctx(url, dir, NULL);
    struct store *s;
    store_conn *c;
    if (store_get(ctx, &s) || store_acquire(s, &c))
      die("store");
    store_param p[] = { SP_T(jid) };
    if (store_exec_sql(c, strcmp(s->ops->name, "sqlite")
                            ? "UPDATE queue_items SET state = 'done', ok = 1, finished_seq = row_index + 1, result ="
                              " '{\"row_id\":' || row_index || ',\"row_number\":' || (row_index + 1) || ',\"title\":\"Row '"
                              " || row_index || '\",\"status\":\"success\",\"tags\":[\"report\",\"water\",\"climate\","
                              "\"policy\",\"health\"],\"error\":null,\"model_name\":\"local\",\"metadata\":{\"page_count\":2,"
                              "\"is_scanned\":false,\"processing_time_ms\":120},\"document_id\":\"' || md5(row_index::text)"
                              " || '\",\"file_path\":\"https://example.com/batch/' || row_index || '.pdf\",\"worker\":\"bench\"}'"
                              " WHERE job_id = $1"
                            : "UPDATE queue_items SET state = 'done', ok = 1, finished_seq = row_index + 1, result ="
                              " '{\"row_id\":' || row_index || ',\"row_number\":' || (row_index + 1) || ',\"title\":\"Row '"
                              " || row_index || '\",\"status\":\"success\",\"tags\":[\"report\",\"water\",\"climate\","
                              "\"policy\",\"health\"],\"error\":null,\"model_name\":\"local\",\"metadata\":{\"page_count\":2,"
                              "\"is_scanned\":false,\"processing_time_ms\":120},\"document_id\":\"' || hex(randomblob(16))"
                              " || '\",\"file_path\":\"https://example.com/batch/' || row_index || '.pdf\",\"worker\":\"bench\"}'"
                              " WHERE job_id = ?1",
                       p, 1, NULL) ||
        store_exec_sql(c, strcmp(s->ops->name, "sqlite")
                            ? "UPDATE queue_jobs SET status = 'processing', done = total, processed = total WHERE job_id = $1"
                            : "UPDATE queue_jobs SET status = 'processing', done = total, processed = total WHERE job_id = ?1",
                       p, 1, NULL))
      die("mark rows done");
    store_release(s, c);
    char *warm = NULL;
    doctag_history_stats_json(ctx, uid, &warm);
    doctag_free(warm);
    long before = maxrss_kb();
    double t0 = now_ms();
    doctag_job *job = NULL;
    char *json = NULL;
    if (doctag_job_status(ctx, &job, uid, jid))
      die("catch-up: load");
    double loaded = now_ms() - t0;
    if (doctag_job_catchup_to_json(job, &json))
      die("catch-up");
    double res[8] = { now_ms() - t0, (double)(maxrss_kb() - before), (double)strlen(json), loaded };
    doctag_job_free(job);
    doctag_free(json);
    if (write(fds[1], res, sizeof res) != sizeof res)
      _exit(1);
    _exit(0);
  }
  double res[8] = { -1, 0, 0, 0, -1, 0, 0, 0 };
  if (read(fds[0], res, sizeof res) != sizeof res)
    res[0] = -1;
  close(fds[0]);
  waitpid(pid, NULL, 0);
  /* What the server sends: the same message a page at a time
   * (doctag_job_catchup_next), in a second child so its peak memory is
   * its own. */
  pid = fork_child(fds);
  if (pid == 0) {
    doctag_ctx *ctx = open_ctx(url, dir, NULL);
    char *warm = NULL;
    doctag_history_stats_json(ctx, uid, &warm);
    doctag_free(warm);
    long before = maxrss_kb();
    double t0 = now_ms();
    doctag_job_catchup *cu = NULL;
    char *piece = NULL;
    if (doctag_job_catchup_open(ctx, &cu, uid, jid) || doctag_job_catchup_next(cu, &piece, 0))
      die("catch-up in pieces");
    double first = now_ms() - t0, bytes = 0;
    while (piece) {
      bytes += (double)strlen(piece);
      doctag_free(piece);
      if (doctag_job_catchup_next(cu, &piece, 0))
        die("catch-up piece");
    }
    double out[4] = { now_ms() - t0, (double)(maxrss_kb() - before), bytes, first };
    doctag_job_catchup_free(cu);
    if (write(fds[1], out, sizeof out) != sizeof out)
      _exit(1);
    _exit(0);
  }
  if (read(fds[0], res + 4, 4 * sizeof(double)) != 4 * sizeof(double))
    res[4] = -1;
  close(fds[0]);
  waitpid(pid, NULL, 0);
  printf("  WebSocket catch-up of the %u-row job, every row done: built whole in %.2f s (the job and its"
         " results loaded in %.2f s), peak memory +%.1f MiB, one message of %.1f MiB\n",
         rows, res[0] / 1000, res[3] / 1000, res[1] / 1024, res[2] / 1048576.0);
  printf("  the same read a page at a time (what the server sends; goal: first byte <= 1 s): first page in"
         " %.3f s, all in %.2f s, peak memory +%.1f MiB, %s\n",
         res[7] / 1000, res[4] / 1000, res[5] / 1024, res[6] == res[2] ? "same size" : "SIZE DIFFERS");
  printf("RESULT backend=%s catchup_rows=%u catchup_s=%.2f catchup_peak_mib=%.1f catchup_mib=%.1f"
         " catchup_first_page_s=%.3f catchup_paged_s=%.2f catchup_paged_peak_mib=%.1f\n",
         label, rows, res[0] / 1000, res[1] / 1024, res[2] / 1048576.0, res[7] / 1000, res[4] / 1000,
         res[5] / 1024);
  print_load();
}

/* Submits `rows` rows as one POST /api/batch/start body, in a child process
 * (so its peak memory is its own); prints time and memory. */
static void bench_batch(const char *label, const char *url, const char *dir, const char *redis, const char *uid,
                        unsigned int rows)
{
  GString *body = g_string_new("{\"config\":{\"model_name\":\"local\",\"num_tags\":5},\"documents\":[");
  for (unsigned int i = 0; i < rows; i++)
    g_string_append_printf(body, "%s{\"title\":\"Row %u\",\"file_path\":\"https://example.com/batch/%u.pdf\","
                           "\"file_source_type\":\"url\"}", i ? "," : "", i, i);
  g_string_append(body, "]}");
  int fds[2];
  pid_t pid = fork_child(fds);
  if (pid == 0) {
    doctag_ctx *ctx = open_ctx(url, dir, redis);
    struct store *s;
    if (store_get(ctx, &s))
      die("store");
    char *warm = NULL; /* queue and store opened before the baseline */
    doctag_job_submit_json(ctx, &warm, uid, "{\"documents\":[{\"title\":\"w\",\"file_path\":\"https://example.com/w.pdf\","
                                            "\"file_source_type\":\"url\"}],\"config\":{\"model_name\":\"local\"}}");
    doctag_free(warm);
    long before = maxrss_kb();
    char *resp = NULL;
    double t0 = now_ms(), c0 = cpu_ms();
    doctag_status st = doctag_job_submit_json(ctx, &resp, uid, body->str);
    double res[3] = { st ? -1 : now_ms() - t0, (double)(maxrss_kb() - before), cpu_ms() - c0 };
    if (st)
      fprintf(stderr, "scale_bench: batch: %s\n", doctag_error_last()->message);
    char jid[37] = { 0 };
    json_t *o = st ? NULL : json_loads(resp, 0, NULL);
    if (json_is_string(json_object_get(o, "job_id")))
      g_strlcpy(jid, json_string_value(json_object_get(o, "job_id")), sizeof jid);
    json_decref(o);
    if (write(fds[1], res, sizeof res) != sizeof res || write(fds[1], jid, sizeof jid) != sizeof jid)
      _exit(1);
    _exit(0);
  }
  double res[3] = { -1, 0, 0 };
  char jid[37] = { 0 };
  if (read(fds[0], res, sizeof res) != sizeof res || read(fds[0], jid, sizeof jid) != sizeof jid)
    res[0] = -1;
  close(fds[0]);
  waitpid(pid, NULL, 0);
  printf("  batch of %u rows on the %s queue: submitted in %.2f s (goal 10; this process's CPU %.2f s), peak memory"
         " +%.1f MiB (the request body itself: %.1f MiB)\n",
         rows, redis ? "Redis" : "local", res[0] / 1000, res[2] / 1000, res[1] / 1024, body->len / 1048576.0);
  printf("RESULT backend=%s queue=%s batch_rows=%u batch_submit_s=%.2f batch_cpu_s=%.2f batch_peak_mib=%.1f"
         " body_mib=%.1f\n", label, redis ? "redis" : "local", rows, res[0] / 1000, res[2] / 1000, res[1] / 1024,
         body->len / 1048576.0);
  print_load();
  g_string_free(body, TRUE);
  if (!redis && jid[0])
    bench_catchup(label, url, dir, uid, jid, rows);
}

/* Documents written one a transaction, as a batch row is (write_one): the
 * largest user's, whose heads and their postings the triggers keep (0009,
 * 0023), against the smallest user's, which no search gave heads. */
static void measure_writes(doctag_ctx *ctx, const char *label, const user_set *u, corpus *c, int rounds)
{
  samples own = { 0 }, other = { 0 };
  for (int i = 0; i < 10 * rounds; i++) {
    double t0 = now_ms();
    write_one(ctx, u->id[0], c, (unsigned int)i);
    sample_add(&own, now_ms() - t0);
    t0 = now_ms();
    write_one(ctx, u->id[u->n - 1], c, (unsigned int)i);
    sample_add(&other, now_ms() - t0);
  }
  printf("    %d documents written one a transaction: the largest user's (with heads) p50 %.2f ms  p99 %.2f ms;"
         " a user's without heads p50 %.2f ms  p99 %.2f ms\n", 10 * rounds, p(&own, 0.5), p(&own, 0.99),
         p(&other, 0.5), p(&other, 0.99));
  printf("RESULT backend=%s write_own_p50_ms=%.2f write_own_p99_ms=%.2f write_other_p50_ms=%.2f"
         " write_other_p99_ms=%.2f\n", label, p(&own, 0.5), p(&own, 0.99), p(&other, 0.5), p(&other, 0.99));
  print_load();
  g_free(own.v);
  g_free(other.v);
}

/* What users wait for, on a loaded history of `u`'s users. */
static void measure_history(doctag_ctx *ctx, const char *label, const char *url, const char *dir,
                            const char *sqlite_path, user_set *u, corpus *c, unsigned int rows, int rounds)
{
  measure_user(ctx, label, "largest", u, 0, c, rounds);
  if (!getenv("SCALE_LISTS_ONLY"))
    measure_writes(ctx, label, u, c, rounds);
  /* Writes once the largest user has search heads: each new document
   * enters the heads of the words it holds, in the triggers (0009). The
   * main load above ran with no heads, so its rate is the one before. */
  if (getenv("SCALE_MORE")) {
    unsigned int more = (unsigned int)atoi(getenv("SCALE_MORE")), mjobs = 0;
    /* SCALE_MORE_USER=k: to user k instead (one measured by none: no heads), for the rate before */
    const char *mu = getenv("SCALE_MORE_USER");
    unsigned int k = mu ? (unsigned int)atoi(mu) % u->n : 0;
    user_set one = { .n = 1, .id = &u->id[k], .docs = &more, .jobs = &mjobs };
    printf("  %u more documents for user %u (%u documents)%s:\n", more, k, u->docs[k],
           k ? "" : ", whose heads the triggers keep");
    PGconn *mc = sqlite_path ? NULL : PQconnectdb(url);
    load(ctx, mc, &one, c, more);
    if (mc)
      PQfinish(mc);
    u->docs[k] += more;
    if (!k)
      measure_user(ctx, label, "largest, after", u, 0, c, rounds);
  }
  measure_user(ctx, label, "median", u, u->n / 2, c, rounds);
  if (getenv("SCALE_LISTS_ONLY") || getenv("SCALE_WORDS_ONLY"))
    return;
  measure_build_beside_writes(ctx, label, u->id[0], u->id[u->n / 2], "to", c);
  measure_build_beside_writes(ctx, label, u->id[0], u->id[0], "a", c);
  if (rows) {
    bench_batch(label, url, dir, NULL, u->id[u->n - 1], rows);
    const char *redis = getenv("DOCTAG_TEST_REDIS_URL");
    if (redis && *redis)
      bench_batch(label, url, dir, redis, u->id[u->n - 1], rows);
  }
}

/* ---- one backend ---- */

static void bench_backend(const char *label, const char *url, const char *dir, const char *sqlite_path,
                          unsigned int docs, unsigned int users, unsigned int rows, int rounds)
{
  doctag_ctx *ctx = open_ctx(url, dir, NULL);
  corpus c;
  corpus_init(&c, 20000);
  user_set u = { 0 };
  bool reuse = getenv(sqlite_path ? "SCALE_REUSE" : "SCALE_REUSE_PG") != NULL;
  if (reuse) {
    docs = reuse_users(ctx, &u);
    users = u.n;
    if (users < 2)
      die("reuse: fewer than 2 users in the history");
    printf("%s: %u documents, %u users, loaded before (%s)\n", label, docs, users,
           sqlite_path ? sqlite_path : getenv("SCALE_REUSE_PG"));
  } else {
    printf("%s: %u documents, %u users\n", label, docs, users);
    make_users(ctx, &u, users, docs);
  }
  /* PostgreSQL: the full-text GIN index (fastupdate off, as it must be for
   * searches between single inserts) costs a random insertion per distinct
   * word of every document, which held loading to 60-100 documents a
   * second. It is dropped for the load and built once after it, from its
   * own definition as the migrations left it, as one would restore a dump. */
  char *gin = NULL;
  PGconn *pc = sqlite_path || reuse ? NULL : PQconnectdb(url);
  if (pc) {
    PGresult *r = PQexec(pc, "SELECT indexdef FROM pg_indexes WHERE indexname = 'documents_search'");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
      gin = g_strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (gin)
      PQclear(PQexec(pc, "DROP INDEX documents_search"));
    /* The load's own commits need not wait for the disk. */
    PQclear(PQexec(pc, "SET synchronous_commit = off"));
  }
  if (!reuse)
    load(ctx, pc, &u, &c, docs);
  if (pc) {
    double t0 = now_ms();
    if (gin) {
      PQclear(PQexec(pc, "SET maintenance_work_mem = '256MB'"));
      PGresult *r = PQexec(pc, gin);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "scale_bench: %s: %s", gin, PQerrorMessage(pc));
        exit(1);
      }
      PQclear(r);
    }
    /* What autovacuum does within a minute of a bulk load. */
    PQclear(PQexec(pc, "VACUUM ANALYZE"));
    printf("  full-text index built and vacuumed in %.0f s\n", (now_ms() - t0) / 1000);
    PQfinish(pc);
    g_free(gin);
  }
  double bytes = db_bytes(ctx, url, sqlite_path);
  printf("  database: %.1f MiB, %.0f bytes per document\n", bytes / 1048576, bytes / docs);
  printf("RESULT backend=%s docs=%u users=%u db_mib=%.1f db_bytes_per_doc=%.0f\n", label, docs, users,
         bytes / 1048576, bytes / docs);
  if (getenv("SCALE_LOAD_ONLY"))
    printf("  loaded only (SCALE_LOAD_ONLY): measure with %s\n", sqlite_path ? "SCALE_REUSE" : "SCALE_REUSE_PG");
  else
    measure_history(ctx, label, url, dir, sqlite_path, &u, &c, rows, rounds);
  g_strfreev(u.id);
  g_free(u.docs);
  g_free(u.jobs);
  g_ptr_array_free(c.words, TRUE);
  g_free(c.cdf);
  g_rand_free(c.rand);
  doctag_ctx_free(ctx);
}

int main(int argc, char **argv)
{
  unsigned int docs = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000000;
  unsigned int users = argc > 2 ? (unsigned int)atoi(argv[2]) : 300;
  unsigned int rows = argc > 3 ? (unsigned int)atoi(argv[3]) : 100000;
  int rounds = argc > 4 ? atoi(argv[4]) : 5;
  if (!docs || users < 2 || docs < users || rounds < 1) {
    fprintf(stderr, "usage: scale_bench [docs >= users] [users >= 2] [rows] [rounds >= 1]\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *only = getenv("SCALE_BACKENDS"); /* "sqlite", "postgresql" or both (default) */
  char *dir = g_dir_make_tmp("doctag-scale-XXXXXX", NULL);
  if (!only || strstr(only, "sqlite")) {
    const char *reuse = getenv("SCALE_REUSE"); /* a kept SQLite history, measured again */
    char *path = reuse ? g_strdup(reuse) : g_build_filename(dir, "scale.db", NULL);
    char *url = g_strdup_printf("sqlite://%s", path);
    bench_backend("sqlite", url, dir, path, docs, users, rows, rounds);
    g_free(url);
    g_free(path);
  }
  const char *admin = getenv("DOCTAG_TEST_POSTGRES_URL");
  if ((!only || strstr(only, "postgres")) && admin && *admin) {
    const char *again = getenv("SCALE_REUSE_PG"); /* a kept database, measured again */
    char *url = NULL, *db = again ? pg_url_of(admin, again, &url) : pg_create(admin, &url);
    bench_backend("postgresql", url, dir, NULL, docs, users, rows, rounds);
    if (again || getenv("DOCTAG_BENCH_KEEP_DB"))
      printf("kept PostgreSQL database %s\n", db);
    else
      pg_drop(admin, db);
    g_free(db);
    g_free(url);
  } else if (!only || strstr(only, "postgres")) {
    printf("postgresql: skipped (DOCTAG_TEST_POSTGRES_URL not set)\n");
  }
  char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  if (getenv("SCALE_KEEP"))
    printf("kept %s\n", dir);
  else if (system(cmd) != 0)
    fprintf(stderr, "scale_bench: could not remove %s\n", dir);
  g_free(cmd);
  g_free(dir);
  return 0;
}
