/* The history ABI: a user's jobs and documents, search and statistics,
 * every query scoped to the calling user. */
#include "doctag/history.h"
#include "history/history.h"
#include "core/error.h"
#include "core/json.h"
#include "blob/blob.h"
#include "store/store.h"

#include <jansson.h>
#include <string.h>

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 100
#define RECENT 5
#define MSG_JOB "Job not found"
#define MSG_DOC "Document not found"

/* Strings and arrays of one result object, released together. */
typedef struct arena {
  GStringChunk *strs;
  GPtrArray *allocs;
} arena;

static void arena_init(arena *a)
{
  a->strs = g_string_chunk_new(1024);
  a->allocs = g_ptr_array_new_with_free_func(g_free);
}

static void arena_clear(arena *a)
{
  if (a->strs)
    g_string_chunk_free(a->strs);
  if (a->allocs)
    g_ptr_array_free(a->allocs, TRUE);
}

static const char *arena_str(arena *a, const char *s)
{
  return s ? g_string_chunk_insert(a->strs, s) : NULL;
}

static const char *arena_time(arena *a, const char *us)
{
  if (!us)
    return NULL;
  char *iso = store_time_iso(g_ascii_strtoll(us, NULL, 10));
  const char *r = arena_str(a, iso);
  g_free(iso);
  return r;
}

/* Builds the record of row i of a result, its strings in `a`. */
typedef void (*record_fill)(arena *a, const store_rows *r, unsigned int i, void *rec);

/* Cells of JOB_COLS from column 0 into a doctag_job_record. */
static void job_from_row(arena *a, const store_rows *r, unsigned int i, void *rec)
{
  doctag_job_record *j = rec;
  memset(j, 0, sizeof *j);
  j->id = arena_str(a, store_cell(r, i, 0));
  j->job_type = arena_str(a, store_cell(r, i, 1));
  j->status = arena_str(a, store_cell(r, i, 2));
  j->total_documents = (uint64_t)store_cell_int(r, i, 3);
  j->processed_count = (uint64_t)store_cell_int(r, i, 4);
  j->failed_count = (uint64_t)store_cell_int(r, i, 5);
  j->started_at = arena_time(a, store_cell(r, i, 6));
  j->completed_at = arena_time(a, store_cell(r, i, 7));
  j->created_at = arena_time(a, store_cell(r, i, 8));
}

/* Cells of DOC_COLS from column 0 into a doctag_document_record. */
static void doc_from_row(arena *a, const store_rows *r, unsigned int i, void *rec)
{
  doctag_document_record *d = rec;
  memset(d, 0, sizeof *d);
  d->id = arena_str(a, store_cell(r, i, 0));
  d->job_id = arena_str(a, store_cell(r, i, 1));
  d->title = arena_str(a, store_cell(r, i, 2));
  d->file_path = arena_str(a, store_cell(r, i, 3));
  d->file_source_type = arena_str(a, store_cell(r, i, 4));
  d->status = arena_str(a, store_cell(r, i, 5));
  json_t *tags = store_cell(r, i, 6) ? json_loads(store_cell(r, i, 6), 0, NULL) : NULL;
  size_t n = json_is_array(tags) ? json_array_size(tags) : 0;
  const char **v = g_new0(const char *, n + 1);
  g_ptr_array_add(a->allocs, v);
  size_t k = 0;
  for (size_t t = 0; t < n; t++)
    if (json_is_string(json_array_get(tags, t)))
      v[k++] = arena_str(a, json_string_value(json_array_get(tags, t)));
  json_decref(tags);
  d->tags = v;
  d->tag_count = k;
  d->error_message = arena_str(a, store_cell(r, i, 7));
  d->processed_at = arena_time(a, store_cell(r, i, 8));
  d->created_at = arena_time(a, store_cell(r, i, 9));
}

/* Records of one kind and the strings they point to: what every list and
 * detail object holds, released together. */
typedef struct records {
  arena a;
  GArray *items;
} records;

static void records_init(records *r, guint record_size)
{
  arena_init(&r->a);
  r->items = g_array_new(FALSE, TRUE, record_size);
}

static void records_clear(records *r)
{
  arena_clear(&r->a);
  if (r->items)
    g_array_free(r->items, TRUE);
}

static size_t records_count(const records *r)
{
  return r->items->len;
}

static const void *records_at(const records *r, size_t i)
{
  return i < r->items->len ? r->items->data + i * g_array_get_element_size(r->items) : NULL;
}

/* A new zeroed record at the end. */
static void *records_add(records *r)
{
  g_array_set_size(r->items, r->items->len + 1);
  return r->items->data + (r->items->len - 1) * g_array_get_element_size(r->items);
}

/* Runs a statement and appends one record per row, built by `fill`. (rows
 * starts zeroed: store_query leaves it as is when no connection can be had.) */
/* Records of the rows of a statement, after those of `out`; the rows are cleared. */
static void records_fill(records *out, store_rows *rows, record_fill fill)
{
  for (unsigned int i = 0; i < rows->nrows; i++)
    fill(&out->a, rows, i, records_add(out));
  store_rows_clear(rows);
}

static doctag_status records_query(records *out, struct store *s, store_stmt stmt, const store_param *p,
                                   unsigned int n, record_fill fill)
{
  store_rows rows = { 0 };
  doctag_status st = store_query(s, stmt, p, n, &rows);
  if (st == DOCTAG_OK)
    records_fill(out, &rows, fill);
  store_rows_clear(&rows);
  return st;
}

/* The number a counting statement answers. */
static doctag_status count_query(struct store *s, store_stmt stmt, const store_param *p, unsigned int n,
                                 uint64_t *count)
{
  store_rows rows = { 0 };
  doctag_status st = store_query(s, stmt, p, n, &rows);
  if (st == DOCTAG_OK)
    *count = (uint64_t)store_cell_int(&rows, 0, 0);
  store_rows_clear(&rows);
  return st;
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
  return s ? json_string(s) : json_null();
}

/* A JSON text stored by us, parsed back; null when absent or unreadable. */
static json_t *jraw(const char *s)
{
  json_t *j = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
  return j ? j : json_null();
}

static json_t *job_json(const doctag_job_record *j, bool detail)
{
  json_t *o = json_object();
  json_object_set_new(o, "id", jstr(j->id));
  json_object_set_new(o, "job_type", jstr(j->job_type));
  json_object_set_new(o, "status", jstr(j->status));
  json_object_set_new(o, "total_documents", json_integer((json_int_t)j->total_documents));
  json_object_set_new(o, "processed_count", json_integer((json_int_t)j->processed_count));
  json_object_set_new(o, "failed_count", json_integer((json_int_t)j->failed_count));
  json_object_set_new(o, "started_at", jstr(j->started_at));
  json_object_set_new(o, "completed_at", jstr(j->completed_at));
  json_object_set_new(o, "created_at", jstr(j->created_at));
  if (detail) {
    json_object_set_new(o, "config", jraw(j->config_json));
    json_object_set_new(o, "error_message", jstr(j->error_message));
  }
  return o;
}

static json_t *doc_json(const doctag_document_record *d, bool full, bool has_size)
{
  json_t *o = json_object(), *tags = json_array();
  for (size_t i = 0; i < d->tag_count; i++)
    json_array_append_new(tags, json_string(d->tags[i]));
  json_object_set_new(o, "id", jstr(d->id));
  json_object_set_new(o, "title", jstr(d->title));
  json_object_set_new(o, "file_path", jstr(d->file_path));
  json_object_set_new(o, "file_source_type", jstr(d->file_source_type));
  json_object_set_new(o, "status", jstr(d->status));
  json_object_set_new(o, "tags", tags);
  json_object_set_new(o, "error_message", jstr(d->error_message));
  json_object_set_new(o, "processed_at", jstr(d->processed_at));
  json_object_set_new(o, "created_at", jstr(d->created_at));
  if (full) {
    json_object_set_new(o, "job_id", jstr(d->job_id));
    json_object_set_new(o, "file_size", has_size ? json_integer((json_int_t)d->file_size) : json_null());
    json_object_set_new(o, "mime_type", jstr(d->mime_type));
    json_object_set_new(o, "extracted_text",
                        d->extracted_text ? json_stringn(d->extracted_text, d->extracted_text_length)
                                          : json_null());
    json_object_set_new(o, "processing_metadata", jraw(d->processing_metadata_json));
  }
  return o;
}


#define JSON_ARGS(obj)                                      \
  do {                                                      \
    err_clear();                                            \
    if (!json)                                              \
      return err_set(DOCTAG_EINVAL, "json is NULL");        \
    *json = NULL;                                           \
    if (!(obj))                                             \
      return err_set(DOCTAG_EINVAL, #obj " is NULL");       \
  } while (0)

/* ---- common checks ---- */

static doctag_status check_call(doctag_ctx *ctx, const void *out, const char *user_id)
{
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "ctx and out are required");
  if (!user_id)
    return err_set(DOCTAG_EINVAL, "user_id is required");
  return DOCTAG_OK;
}

static doctag_status check_limit(unsigned int *limit)
{
  if (*limit == 0)
    *limit = DEFAULT_LIMIT;
  if (*limit > MAX_LIMIT)
    return err_set(DOCTAG_EINVAL, "limit must be between 1 and %d", MAX_LIMIT);
  return DOCTAG_OK;
}

/* The checks of a call on one job or document of the user's (ctx, out and
 * user_id given; ids that cannot name anything are `missing`, like an id
 * the user does not own), then the store. */
static doctag_status begin_one(doctag_ctx *ctx, const void *out, const char *user_id, const char *id,
                               const char *missing, struct store **s)
{
  doctag_status st = check_call(ctx, out, user_id);
  if (st != DOCTAG_OK)
    return st;
  if (!store_uuid_valid(id) || !store_uuid_valid(user_id))
    return err_set(DOCTAG_ENOTFOUND, "%s", missing);
  return store_get(ctx, s);
}

/* A page of `limit` at `offset` of a list of `total`, as the statement to
 * run: offset paging skips `offset` entries of the list's index, so a page
 * nearer the oldest end is counted from that end (the _OLDEST statement,
 * which returns it in the list's order too) and the last page costs what
 * the first does. False: the page is past the end, nothing to read. */
static bool page_from(uint64_t total, unsigned int *limit, unsigned int *offset, bool *oldest)
{
  if (*offset >= total)
    return false;
  uint64_t rest = total - *offset; /* entries from the page on */
  *oldest = rest - MIN(rest, *limit) < *offset;
  if (*oldest) {
    *limit = (unsigned int)MIN(rest, *limit);
    *offset = (unsigned int)(rest - *limit);
  }
  return true;
}

/* ---- jobs ---- */

struct doctag_job_list {
  records jobs; /* doctag_job_record */
  uint64_t total;
  unsigned int limit, offset;
};

static doctag_status jobs_into(struct store *s, const char *user_id, unsigned int limit, unsigned int offset,
                               const char *status, doctag_job_list *l)
{
  /* An id that is not a UUID owns nothing. */
  if (!store_uuid_valid(user_id))
    return DOCTAG_OK;
  store_param c[] = { SP_T(user_id), SP_T(status) };
  doctag_status st = count_query(s, ST_JOB_COUNT, c, 2, &l->total);
  bool oldest = false;
  if (st != DOCTAG_OK || !page_from(l->total, &limit, &offset, &oldest))
    return st;
  store_param p[] = { SP_T(user_id), SP_T(status), SP_I(limit), SP_I(offset) };
  return records_query(&l->jobs, s, oldest ? ST_JOB_LIST_OLDEST : ST_JOB_LIST, p, 4, job_from_row);
}

static doctag_job_list *job_list_new(unsigned int limit, unsigned int offset)
{
  doctag_job_list *l = g_new0(doctag_job_list, 1);
  records_init(&l->jobs, sizeof(doctag_job_record));
  l->limit = limit;
  l->offset = offset;
  return l;
}

DOCTAG_API doctag_status doctag_history_jobs(doctag_ctx *ctx, doctag_job_list **out, const char *user_id,
                                             unsigned int limit, unsigned int offset, const char *status)
{
  err_clear();
  if (out)
    *out = NULL;
  doctag_status st = check_call(ctx, out, user_id);
  if (st == DOCTAG_OK)
    st = check_limit(&limit);
  if (st == DOCTAG_OK && status && !g_utf8_validate(status, -1, NULL))
    st = err_set(DOCTAG_EINVAL, "status is not valid UTF-8");
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  doctag_job_list *l = job_list_new(limit, offset);
  st = jobs_into(s, user_id, limit, offset, status && *status ? status : NULL, l);
  if (st != DOCTAG_OK) {
    doctag_job_list_free(l);
    return st;
  }
  *out = l;
  return DOCTAG_OK;
}

DOCTAG_API size_t doctag_job_list_count(const doctag_job_list *l) { return l ? records_count(&l->jobs) : 0; }
DOCTAG_API uint64_t doctag_job_list_total(const doctag_job_list *l) { return l ? l->total : 0; }

DOCTAG_API const doctag_job_record *doctag_job_list_at(const doctag_job_list *l, size_t i)
{
  return l ? records_at(&l->jobs, i) : NULL;
}

static json_t *jobs_array(const records *jobs)
{
  json_t *a = json_array();
  for (size_t i = 0; i < records_count(jobs); i++)
    json_array_append_new(a, job_json(records_at(jobs, i), false));
  return a;
}

DOCTAG_API doctag_status doctag_job_list_to_json(const doctag_job_list *l, char **json)
{
  JSON_ARGS(l);
  return json_out_take(json_pack("{s:o, s:I, s:I, s:I}", "jobs", jobs_array(&l->jobs), "total", (json_int_t)l->total,
                        "limit", (json_int_t)l->limit, "offset", (json_int_t)l->offset),
              json);
}

DOCTAG_API void doctag_job_list_free(doctag_job_list *l)
{
  if (!l)
    return;
  records_clear(&l->jobs);
  g_free(l);
}

struct doctag_job_detail {
  records docs; /* doctag_document_record; the job's strings too */
  doctag_job_record job;
};

DOCTAG_API doctag_status doctag_history_job(doctag_ctx *ctx, doctag_job_detail **out, const char *user_id,
                                            const char *job_id)
{
  err_clear();
  if (out)
    *out = NULL;
  struct store *s;
  doctag_status st = begin_one(ctx, out, user_id, job_id, MSG_JOB, &s);
  if (st != DOCTAG_OK)
    return st;
  doctag_job_detail *d = g_new0(doctag_job_detail, 1);
  records_init(&d->docs, sizeof(doctag_document_record));
  store_rows rows = { 0 };
  store_param p[] = { SP_T(job_id), SP_T(user_id) };
  st = store_query(s, ST_JOB_GET, p, 2, &rows);
  if (st == DOCTAG_OK && !rows.nrows)
    st = err_set(DOCTAG_ENOTFOUND, MSG_JOB);
  if (st == DOCTAG_OK) {
    job_from_row(&d->docs.a, &rows, 0, &d->job);
    d->job.config_json = arena_str(&d->docs.a, store_cell(&rows, 0, 9));
    d->job.error_message = arena_str(&d->docs.a, store_cell(&rows, 0, 10));
  }
  store_rows_clear(&rows);
  if (st == DOCTAG_OK)
    st = records_query(&d->docs, s, ST_DOC_OF_JOB, p, 2, doc_from_row);
  if (st != DOCTAG_OK) {
    doctag_job_detail_free(d);
    return st;
  }
  *out = d;
  return DOCTAG_OK;
}

DOCTAG_API const doctag_job_record *doctag_job_detail_job(const doctag_job_detail *d) { return d ? &d->job : NULL; }
DOCTAG_API size_t doctag_job_detail_document_count(const doctag_job_detail *d)
{
  return d ? records_count(&d->docs) : 0;
}

DOCTAG_API const doctag_document_record *doctag_job_detail_document_at(const doctag_job_detail *d, size_t i)
{
  return d ? records_at(&d->docs, i) : NULL;
}

static json_t *docs_array(const records *docs)
{
  json_t *a = json_array();
  for (size_t i = 0; i < records_count(docs); i++)
    json_array_append_new(a, doc_json(records_at(docs, i), false, false));
  return a;
}

DOCTAG_API doctag_status doctag_job_detail_to_json(const doctag_job_detail *d, char **json)
{
  JSON_ARGS(d);
  json_t *o = job_json(&d->job, true);
  json_object_set_new(o, "documents", docs_array(&d->docs));
  return json_out_take(o, json);
}

DOCTAG_API void doctag_job_detail_free(doctag_job_detail *d)
{
  if (!d)
    return;
  records_clear(&d->docs);
  g_free(d);
}

DOCTAG_API doctag_status doctag_history_job_delete(doctag_ctx *ctx, const char *user_id, const char *job_id)
{
  err_clear();
  struct store *s;
  doctag_status st = begin_one(ctx, ctx, user_id, job_id, MSG_JOB, &s);
  if (st != DOCTAG_OK)
    return st;
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK)
    return st;
  store_param p[] = { SP_T(job_id), SP_T(user_id) };
  store_rows rows = { 0 }, blobs = { 0 };
  st = store_tx_begin(c);
  if (st == DOCTAG_OK) {
    st = store_exec(c, ST_JOB_BLOBS, p, 2, &blobs);
    if (st == DOCTAG_OK)
      st = store_exec(c, ST_JOB_DELETE_DOCS, p, 2, NULL);
    if (st == DOCTAG_OK)
      st = store_exec(c, ST_JOB_DELETE, p, 2, &rows);
    if (st == DOCTAG_OK && rows.changes == 0)
      st = err_set(DOCTAG_ENOTFOUND, MSG_JOB);
    /* the owner's document frequencies lose the contents no completed
     * document of theirs holds any more */
    for (unsigned int i = 0; st == DOCTAG_OK && i < blobs.nrows; i++)
      st = history_df_uncount(c, user_id, store_cell(&blobs, i, 0));
    st = store_tx_end(c, st);
  }
  /* The job is gone; its PDFs go too unless another document (any user's:
   * blobs are shared by content) still references them. A blob that cannot
   * be removed only costs space, so it does not fail the call. */
  for (unsigned int i = 0; st == DOCTAG_OK && i < blobs.nrows; i++) {
    const char *sha = store_cell(&blobs, i, 0);
    store_param q[] = { SP_T(sha) };
    store_rows refs = { 0 };
    if (store_exec(c, ST_BLOB_REFERENCED, q, 1, &refs) == DOCTAG_OK && refs.nrows == 0 && blob_delete(ctx, sha))
      g_debug("job %s: blob %s not removed: %s", job_id, sha, doctag_error_last()->message);
    store_rows_clear(&refs);
    err_clear();
  }
  store_rows_clear(&blobs);
  store_rows_clear(&rows);
  store_release(s, c);
  return st;
}

/* ---- documents ---- */

struct doctag_document_list {
  records docs; /* doctag_document_record */
  uint64_t total;
};

static doctag_document_list *doc_list_new(void)
{
  doctag_document_list *l = g_new0(doctag_document_list, 1);
  records_init(&l->docs, sizeof(doctag_document_record));
  return l;
}

DOCTAG_API doctag_status doctag_history_documents(doctag_ctx *ctx, doctag_document_list **out, const char *user_id,
                                                  unsigned int limit, unsigned int offset)
{
  err_clear();
  if (out)
    *out = NULL;
  doctag_status st = check_call(ctx, out, user_id);
  if (st == DOCTAG_OK)
    st = check_limit(&limit);
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  doctag_document_list *l = doc_list_new();
  if (store_uuid_valid(user_id)) {
    store_param c[] = { SP_T(user_id) };
    st = count_query(s, ST_DOC_COUNT, c, 1, &l->total);
    bool oldest = false;
    if (st == DOCTAG_OK && page_from(l->total, &limit, &offset, &oldest)) {
      store_param p[] = { SP_T(user_id), SP_I(limit), SP_I(offset) };
      st = records_query(&l->docs, s, oldest ? ST_DOC_LIST_OLDEST : ST_DOC_LIST, p, 3, doc_from_row);
    }
  }
  if (st != DOCTAG_OK) {
    doctag_document_list_free(l);
    return st;
  }
  *out = l;
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_history_search(doctag_ctx *ctx, doctag_document_list **out, const char *user_id,
                                               const char *query, unsigned int limit)
{
  err_clear();
  if (out)
    *out = NULL;
  doctag_status st = check_call(ctx, out, user_id);
  if (st == DOCTAG_OK)
    st = check_limit(&limit);
  if (st == DOCTAG_OK && (!query || !g_utf8_validate(query, -1, NULL)))
    st = err_set(DOCTAG_EINVAL, "query must be UTF-8 text");
  if (st == DOCTAG_OK) {
    char *q = g_strstrip(g_strdup(query));
    if (!*q)
      st = err_set(DOCTAG_EINVAL, "query must not be empty");
    g_free(q);
  }
  if (st == DOCTAG_OK && strlen(query) > 1000)
    st = err_set(DOCTAG_EINVAL, "query must be at most 1000 bytes");
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  doctag_document_list *l = doc_list_new();
  char *match = store_uuid_valid(user_id) ? s->ops->match_query(query) : NULL;
  if (match) {
    /* One word: from the word's search head (history/search.c), at a cost
     * that grows with the limit; else ranked over every match. */
    store_rows head = { 0 };
    bool answered = false;
    st = history_search_head(s, user_id, query, limit, ctx->max_search_heads, &head, &answered);
    if (st == DOCTAG_OK && !answered)
      st = history_search_words_prepare(s, user_id, query, ctx->max_search_heads);
    /* Several words: from their heads when these prove the answer. */
    if (st == DOCTAG_OK && !answered)
      st = history_search_words(s, user_id, match, limit, &head, &answered);
    store_param p[] = { SP_T(user_id), SP_T(match), SP_I(limit) };
    if (st == DOCTAG_OK && answered)
      records_fill(&l->docs, &head, doc_from_row);
    else if (st == DOCTAG_OK)
      st = records_query(&l->docs, s, ST_DOC_SEARCH, p, 3, doc_from_row);
    l->total = records_count(&l->docs);
    g_free(match);
  }
  if (st != DOCTAG_OK) {
    doctag_document_list_free(l);
    return st;
  }
  *out = l;
  return DOCTAG_OK;
}

DOCTAG_API size_t doctag_document_list_count(const doctag_document_list *l) { return l ? records_count(&l->docs) : 0; }
DOCTAG_API uint64_t doctag_document_list_total(const doctag_document_list *l) { return l ? l->total : 0; }

DOCTAG_API const doctag_document_record *doctag_document_list_at(const doctag_document_list *l, size_t i)
{
  return l ? records_at(&l->docs, i) : NULL;
}

DOCTAG_API doctag_status doctag_document_list_to_json(const doctag_document_list *l, char **json)
{
  JSON_ARGS(l);
  return json_out_take(json_pack("{s:o, s:I}", "documents", docs_array(&l->docs), "total", (json_int_t)l->total), json);
}

DOCTAG_API void doctag_document_list_free(doctag_document_list *l)
{
  if (!l)
    return;
  records_clear(&l->docs);
  g_free(l);
}

struct doctag_document_detail {
  arena a;
  doctag_document_record doc;
  bool has_size;
};

DOCTAG_API doctag_status doctag_history_document(doctag_ctx *ctx, doctag_document_detail **out, const char *user_id,
                                                 const char *document_id)
{
  err_clear();
  if (out)
    *out = NULL;
  struct store *s;
  doctag_status st = begin_one(ctx, out, user_id, document_id, MSG_DOC, &s);
  if (st != DOCTAG_OK)
    return st;
  store_rows rows = { 0 }; /* store_query leaves it as is when no connection can be had */
  store_param p[] = { SP_T(document_id), SP_T(user_id) };
  st = store_query(s, ST_DOC_GET, p, 2, &rows);
  if (st == DOCTAG_OK && !rows.nrows)
    st = err_set(DOCTAG_ENOTFOUND, MSG_DOC);
  if (st != DOCTAG_OK) {
    store_rows_clear(&rows);
    return st;
  }
  doctag_document_detail *d = g_new0(doctag_document_detail, 1);
  arena_init(&d->a);
  doc_from_row(&d->a, &rows, 0, &d->doc);
  d->has_size = store_cell(&rows, 0, 10) != NULL;
  d->doc.file_size = (uint64_t)store_cell_int(&rows, 0, 10);
  d->doc.mime_type = arena_str(&d->a, store_cell(&rows, 0, 11));
  /* The text is kept whole in its own allocation (it may be a megabyte). */
  char *text = rows.cell[12];
  rows.cell[12] = NULL;
  if (text) {
    g_ptr_array_add(d->a.allocs, text);
    d->doc.extracted_text = text;
    d->doc.extracted_text_length = strlen(text);
  }
  d->doc.processing_metadata_json = arena_str(&d->a, store_cell(&rows, 0, 13));
  d->doc.sha256 = arena_str(&d->a, store_cell(&rows, 0, 14));
  d->doc.row_index = (uint64_t)store_cell_int(&rows, 0, 15);
  store_rows_clear(&rows);
  *out = d;
  return DOCTAG_OK;
}

DOCTAG_API const doctag_document_record *doctag_document_detail_record(const doctag_document_detail *d)
{
  return d ? &d->doc : NULL;
}

DOCTAG_API doctag_status doctag_document_detail_to_json(const doctag_document_detail *d, char **json)
{
  JSON_ARGS(d);
  return json_out_take(doc_json(&d->doc, true, d->has_size), json);
}

DOCTAG_API void doctag_document_detail_free(doctag_document_detail *d)
{
  if (!d)
    return;
  arena_clear(&d->a);
  g_free(d);
}

/* ---- statistics ---- */

typedef struct status_count {
  const char *status;
  uint64_t count;
} status_count;

/* (status, count) of ST_JOB_BY_STATUS into a status_count. */
static void status_from_row(arena *a, const store_rows *r, unsigned int i, void *rec)
{
  status_count *c = rec;
  c->status = arena_str(a, store_cell(r, i, 0));
  c->count = (uint64_t)store_cell_int(r, i, 1);
}

struct doctag_stats {
  uint64_t total_jobs, total_documents, processed, failed;
  records by_status; /* status_count */
  doctag_job_list *recent;
};

DOCTAG_API doctag_status doctag_history_stats(doctag_ctx *ctx, doctag_stats **out, const char *user_id)
{
  err_clear();
  if (out)
    *out = NULL;
  doctag_status st = check_call(ctx, out, user_id);
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  doctag_stats *x = g_new0(doctag_stats, 1);
  records_init(&x->by_status, sizeof(status_count));
  x->recent = job_list_new(RECENT, 0);
  if (store_uuid_valid(user_id)) {
    store_rows rows = { 0 };
    store_param p[] = { SP_T(user_id) };
    st = records_query(&x->by_status, s, ST_JOB_BY_STATUS, p, 1, status_from_row);
    for (size_t i = 0; i < records_count(&x->by_status); i++)
      x->total_jobs += ((const status_count *)records_at(&x->by_status, i))->count;
    if (st == DOCTAG_OK)
      st = store_query(s, ST_DOC_STATS, p, 1, &rows);
    if (st == DOCTAG_OK) {
      x->total_documents = (uint64_t)store_cell_int(&rows, 0, 0);
      x->processed = (uint64_t)store_cell_int(&rows, 0, 1);
      x->failed = (uint64_t)store_cell_int(&rows, 0, 2);
    }
    store_rows_clear(&rows);
    if (st == DOCTAG_OK)
      st = jobs_into(s, user_id, RECENT, 0, NULL, x->recent);
  }
  if (st != DOCTAG_OK) {
    doctag_stats_free(x);
    return st;
  }
  *out = x;
  return DOCTAG_OK;
}

DOCTAG_API uint64_t doctag_stats_total_jobs(const doctag_stats *x) { return x ? x->total_jobs : 0; }
DOCTAG_API uint64_t doctag_stats_total_documents(const doctag_stats *x) { return x ? x->total_documents : 0; }
DOCTAG_API uint64_t doctag_stats_documents_processed(const doctag_stats *x) { return x ? x->processed : 0; }
DOCTAG_API uint64_t doctag_stats_documents_failed(const doctag_stats *x) { return x ? x->failed : 0; }
DOCTAG_API size_t doctag_stats_status_count(const doctag_stats *x) { return x ? records_count(&x->by_status) : 0; }

DOCTAG_API doctag_status doctag_stats_status_at(const doctag_stats *x, size_t i, const char **status, uint64_t *count)
{
  err_clear();
  const status_count *c = x ? records_at(&x->by_status, i) : NULL;
  if (!c)
    return err_set(DOCTAG_EINVAL, "no status %zu", i);
  if (status)
    *status = c->status;
  if (count)
    *count = c->count;
  return DOCTAG_OK;
}

DOCTAG_API size_t doctag_stats_recent_count(const doctag_stats *x) { return x ? doctag_job_list_count(x->recent) : 0; }

DOCTAG_API const doctag_job_record *doctag_stats_recent_at(const doctag_stats *x, size_t i)
{
  return x ? doctag_job_list_at(x->recent, i) : NULL;
}

DOCTAG_API doctag_status doctag_stats_to_json(const doctag_stats *x, char **json)
{
  JSON_ARGS(x);
  json_t *by = json_object();
  for (size_t i = 0; i < records_count(&x->by_status); i++) {
    const status_count *c = records_at(&x->by_status, i);
    json_object_set_new(by, c->status, json_integer((json_int_t)c->count));
  }
  return json_out_take(json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "total_jobs", (json_int_t)x->total_jobs,
                        "total_documents", (json_int_t)x->total_documents, "documents_processed",
                        (json_int_t)x->processed, "documents_failed", (json_int_t)x->failed,
                        "jobs_by_status", by, "recent_activity", jobs_array(&x->recent->jobs)),
              json);
}

DOCTAG_API void doctag_stats_free(doctag_stats *x)
{
  if (!x)
    return;
  records_clear(&x->by_status);
  doctag_job_list_free(x->recent);
  g_free(x);
}

/* ---- one step ---- */

#define ONE_STEP(call, type, to_json, free_fn)      \
  do {                                              \
    if (!json)                                      \
      return err_set(DOCTAG_EINVAL, "json is NULL"); \
    *json = NULL;                                   \
    type *obj = NULL;                               \
    doctag_status st_ = (call);                     \
    if (st_ == DOCTAG_OK)                           \
      st_ = to_json(obj, json);                     \
    free_fn(obj);                                   \
    return st_;                                     \
  } while (0)

DOCTAG_API doctag_status doctag_history_jobs_json(doctag_ctx *ctx, const char *user_id, unsigned int limit,
                                                  unsigned int offset, const char *status, char **json)
{
  ONE_STEP(doctag_history_jobs(ctx, &obj, user_id, limit, offset, status), doctag_job_list,
           doctag_job_list_to_json, doctag_job_list_free);
}

DOCTAG_API doctag_status doctag_history_job_json(doctag_ctx *ctx, const char *user_id, const char *job_id, char **json)
{
  ONE_STEP(doctag_history_job(ctx, &obj, user_id, job_id), doctag_job_detail, doctag_job_detail_to_json,
           doctag_job_detail_free);
}

DOCTAG_API doctag_status doctag_history_documents_json(doctag_ctx *ctx, const char *user_id, unsigned int limit,
                                                       unsigned int offset, char **json)
{
  ONE_STEP(doctag_history_documents(ctx, &obj, user_id, limit, offset), doctag_document_list,
           doctag_document_list_to_json, doctag_document_list_free);
}

DOCTAG_API doctag_status doctag_history_search_json(doctag_ctx *ctx, const char *user_id, const char *query,
                                                    unsigned int limit, char **json)
{
  ONE_STEP(doctag_history_search(ctx, &obj, user_id, query, limit), doctag_document_list,
           doctag_document_list_to_json, doctag_document_list_free);
}

DOCTAG_API doctag_status doctag_history_document_json(doctag_ctx *ctx, const char *user_id, const char *document_id,
                                                      char **json)
{
  ONE_STEP(doctag_history_document(ctx, &obj, user_id, document_id), doctag_document_detail,
           doctag_document_detail_to_json, doctag_document_detail_free);
}

DOCTAG_API doctag_status doctag_history_stats_json(doctag_ctx *ctx, const char *user_id, char **json)
{
  ONE_STEP(doctag_history_stats(ctx, &obj, user_id), doctag_stats, doctag_stats_to_json, doctag_stats_free);
}
