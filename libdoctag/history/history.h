/* Internal: recording jobs and documents in a user's history. Used by
 * processing (process/: a "single" job per document when opts->user_id is set)
 * and by batch jobs (a "batch" job, then one document per row).
 *
 * Everything recorded is validated and made safe here: strings are made
 * valid UTF-8, the extracted text is capped (1 MB by default, cut on a
 * character boundary), an "api_key" member is removed from the
 * configuration JSON, and the document and its job's counters change in one
 * transaction. */
#ifndef DOCTAG_HISTORY_INTERNAL_H
#define DOCTAG_HISTORY_INTERNAL_H

#include "core/ctx.h"
#include "doctag/process.h"
#include <glib.h>

/* Default cap of the extracted text kept per document. */
#define HISTORY_TEXT_CAP ((size_t)1 << 20)

/* A document to record. Pointers are borrowed for the call; NULL means
 * unknown / none. */
typedef struct history_doc {
  uint64_t row_index;           /* row in the batch; 0 for single */
  const char *title;
  const char *file_path;        /* path, URL, s3:// URI or upload file name */
  const char *file_source_type; /* "upload" "url" "s3" "local" */
  const char *sha256;           /* hex SHA-256 of the PDF (its blob reference) */
  int64_t file_size;            /* bytes; 0 or -1: unknown (a PDF is never empty) */
  const char *mime_type;        /* NULL: "application/pdf" */
  const char *status;           /* "completed" | "failed" | "pending" | "processing" */
  const char *const *tags; size_t tag_count;
  const char *text; size_t text_len;   /* extracted text (need not be NUL-terminated) */
  size_t text_cap;              /* 0: HISTORY_TEXT_CAP */
  const char *metadata_json;    /* processing metadata: a JSON object text, or NULL */
  const char *error_message;    /* why it failed */
  /* the stems its owner's document frequencies count (tag_terms()), or
   * NULL: a completed document with a sha256 and terms is counted */
  const char *const *terms; size_t term_count;
} history_doc;

/* Records a processed document as a "single" job of `user_id` holding that
 * one document; the job's status follows the document's ("completed" or
 * "failed", with the document's error), started at started_us (0: now) and
 * completed now. *job_id and *doc_id (each may be NULL) get the new ids
 * (g_malloc'd). Errors: DOCTAG_EINVAL (bad record), DOCTAG_ENOTFOUND (no such
 * user), DOCTAG_ESTORE / DOCTAG_EUNAVAILABLE (database). */
doctag_status history_record_single(doctag_ctx *ctx, const char *user_id, const char *config_json,
                                    const history_doc *doc, int64_t started_us, char **job_id, char **doc_id);

/* The stored PDF of `document_id` of `user_id`: *bytes (release with
 * g_bytes_unref()) and *name (a plain "name.pdf" for a download, g_malloc'd).
 * Errors: DOCTAG_ENOTFOUND (no such document of this user, or no stored file). */
doctag_status history_document_blob(doctag_ctx *ctx, const char *user_id, const char *document_id, GBytes **bytes,
                                    char **name);

/* Batch: creates a job (job_id NULL: a new id) in state "pending" with
 * `total` documents expected. *out_id (may be NULL) gets its id.
 * Errors: DOCTAG_EEXISTS (job_id taken), DOCTAG_ENOTFOUND (no such user),
 * DOCTAG_EINVAL (job_type not "single"/"batch", bad id). */
doctag_status history_job_create(doctag_ctx *ctx, const char *user_id, const char *job_id, const char *job_type,
                                 const char *config_json, uint64_t total, char **out_id);

/* Batch: moves a job to `status` (started_at is set on the first
 * "processing", completed_at on "completed"/"cancelled"/"failed");
 * error_message NULL keeps the previous one. Errors: DOCTAG_ENOTFOUND. */
doctag_status history_job_set_status(doctag_ctx *ctx, const char *job_id, const char *status,
                                     const char *error_message);

/* Batch: records (or re-records, for a row processed again after a worker
 * died) the document of row doc->row_index of `job_id`, and recounts the
 * job's processed/failed counts, in one transaction. *doc_id (may be NULL)
 * gets the document id (the same for a row recorded again).
 * Errors: DOCTAG_ENOTFOUND (no such job of this user), DOCTAG_EINVAL. */
doctag_status history_document_record(doctag_ctx *ctx, const char *user_id, const char *job_id,
                                      const history_doc *doc, char **doc_id);
/* The same inside the caller's transaction on `c` (a connection of the
 * context's store). */
struct store_conn;
doctag_status history_document_record_on(struct store_conn *c, const char *user_id, const char *job_id,
                                         const history_doc *doc, char **doc_id);

/* Document frequencies of a user's archive (history/df.c), for the built-in
 * tagger: a content (sha256) counts once while a completed document of the
 * user holds it. The first two run on `c` inside the caller's transaction.
 * history_df_count() counts `terms` (sorted, as tag_terms() gives them) for
 * content `sha256` unless it is counted already; history_df_uncount() takes
 * back what that content was counted with unless a completed document of
 * the user still holds it. NULL sha256 or terms: nothing to do. */
doctag_status history_df_count(struct store_conn *c, const char *user_id, const char *sha256,
                               const char *const *terms, size_t n);
doctag_status history_df_uncount(struct store_conn *c, const char *user_id, const char *sha256);
/* Both take the content's lock (ST_DF_LOCK) first; a transaction that will
 * count or forget two contents takes both locks first with
 * history_df_lock_pair() (either may be NULL), in one order for all. */
doctag_status history_df_lock_pair(struct store_conn *c, const char *user_id, const char *a, const char *b);

/* How many documents `user_id`'s archive has (*n_docs) and how many hold
 * each of `terms` (*df: stem -> GUINT_TO_POINTER(count), only stems with a
 * count; newly allocated, g_hash_table_unref()), not counting the content
 * `sha256` itself (a document processed again). A user id that is not a
 * UUID has no archive. Errors: the store's (DOCTAG_ESTORE,
 * DOCTAG_EUNAVAILABLE); *df is set even then. */
doctag_status history_df_lookup(doctag_ctx *ctx, const char *user_id, const char *sha256,
                                const char *const *terms, size_t n, uint64_t *n_docs, GHashTable **df);

/* Whether `query` (UTF-8) has letters or digits on both sides of white
 * space: then every backend's tokenizer reads several words in it (none
 * joins words across white space) and no search head answers it. False
 * for some queries of several words ("a-b" may be one token or three),
 * which then ask the backend. */
bool history_query_several_words(const char *query);

/* A one-word search answered from the user's search head of the word
 * (history/search.c; built first when missing or too short): *answered
 * says whether it was, and then *out holds ST_DOC_SEARCH's columns, best
 * first. Not answered (and nothing done) for queries of several words or
 * a limit past the head's size. Building a head keeps the user's
 * `max_heads` most recently used. Errors: the store's. */
struct store;
struct store_rows;
doctag_status history_search_head(struct store *s, const char *user_id, const char *query, unsigned int limit,
                                  uint64_t max_heads, struct store_rows *out, bool *answered);

/* The two halves of building a head, apart for the tests (history_search_head
 * runs them back to back). history_head_stage reads the best documents of
 * `term` (ST_HEAD_TERM's) from one snapshot, outside any write lock:
 * *staged (ST_HEAD_PUBLISH's JSON), *postings (store_ops.postings_stage's;
 * NULL when the backend keeps none) and *gen (the user's write count then;
 * NULL when the user has none), all newly allocated, g_free them, and *df
 * (how many of the user's documents hold the word then, -1 when the
 * backend does not count; ST_HEAD_STAGE).
 * history_head_settle then takes the lock the user's writers take and
 * builds the head from them, answering `limit` as history_search_head does;
 * *how says how it was done (HISTORY_HEAD_STALE: not answered, stage again
 * or rank every match). Errors: the store's. */
struct store_conn;
typedef enum history_head_how {
  HISTORY_HEAD_FOUND,     /* another search had built it meanwhile */
  HISTORY_HEAD_PUBLISHED, /* the user's documents had not changed: the snapshot as it is */
  HISTORY_HEAD_REPLAYED,  /* the snapshot, and the documents written since entered as writes enter heads */
  HISTORY_HEAD_STALE,     /* not built: the log of writes did not reach back to the snapshot, or
                           * deletions since left the head short (never ranked under the lock) */
  HISTORY_HEAD_NONE       /* the user has no documents */
} history_head_how;
doctag_status history_head_stage(struct store_conn *c, const char *user_id, const char *term, char **staged,
                                 char **postings, char **gen, int64_t *df);
doctag_status history_head_settle(struct store_conn *c, const char *user_id, const char *term, unsigned int limit,
                                  uint64_t max_heads, const char *staged, const char *postings, const char *gen,
                                  int64_t df, struct store_rows *out, bool *answered, history_head_how *how);

/* Before a search of several words where the backend weighs each word's
 * rarity from its search head (store_ops.rarity_from_heads): builds the
 * heads of the query's words that have none, so that ranking reads each
 * word's count of the owner's documents (0018) instead of counting them.
 * Errors: the store's. */
/* A search of several words (`match` from the backend's match_query) from
 * its words' heads, stopping once they prove the best `limit`
 * (store_ops.search_words): *answered false when the backend cannot, or
 * the heads are too shallow to prove them; the caller then ranks every
 * match. Run after history_search_words_prepare(). Errors: the store's. */
doctag_status history_search_words(struct store *s, const char *user_id, const char *match, unsigned int limit,
                                   struct store_rows *out, bool *answered);

doctag_status history_search_words_prepare(struct store *s, const char *user_id, const char *query,
                                           uint64_t max_heads);

#endif
