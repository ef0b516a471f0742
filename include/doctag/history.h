/*
 * doctag/history.h - a user's jobs and documents: lists, details, deletion,
 * full-text search and statistics.
 *
 * Every call takes the calling user's id (from doctag_auth_verify()) and
 * sees only that user's objects: another user's job or document answers
 * DOCTAG_ENOTFOUND, exactly as one that does not exist.
 *
 * Results are objects with accessors returning plain records (borrowed from
 * the object), plus a _to_json rendering in CONTRACT.md's shapes; the
 * doctag_history_*_json calls do both in one step for front ends that speak
 * JSON. Times are ISO 8601 UTC strings ("2024-05-01T12:34:56.123456Z").
 *
 * Threads: every call may run concurrently on one shared context. A result
 * object belongs to one thread at a time.
 */
#ifndef DOCTAG_HISTORY_H
#define DOCTAG_HISTORY_H

#include "context.h"
#include "process.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A job, CONTRACT.md's JobSummary (and the detail fields). The library
 * allocates these; fields are only ever appended.
 */
typedef struct doctag_job_record {
  const char *id;
  const char *job_type;         /* "single" | "batch" */
  const char *status;           /* "pending" "processing" "paused" "completed" "cancelled" "failed" */
  uint64_t total_documents;
  uint64_t processed_count;     /* documents that succeeded */
  uint64_t failed_count;        /* documents that failed */
  const char *started_at;       /* NULL when not started */
  const char *completed_at;     /* NULL when not finished */
  const char *created_at;
  /* Job detail only (NULL in lists): */
  const char *config_json;      /* the tagging configuration as JSON (never an API key), or NULL */
  const char *error_message;    /* NULL when none */
} doctag_job_record;

/**
 * A document, CONTRACT.md's DocumentSummary (and the full fields). The
 * library allocates these; fields are only ever appended.
 */
typedef struct doctag_document_record {
  const char *id;
  const char *job_id;
  const char *title;
  const char *file_path;
  const char *file_source_type;     /* "upload" "url" "s3" "local" */
  const char *status;               /* "pending" "processing" "completed" "failed" */
  const char *const *tags;          /* tag_count strings */
  size_t tag_count;
  const char *error_message;        /* NULL when none */
  const char *processed_at;         /* NULL when not processed */
  const char *created_at;
  /* Full document only (doctag_history_document(); NULL or 0 in lists): */
  uint64_t file_size;
  const char *mime_type;
  const char *extracted_text;       /* UTF-8, capped when recorded (1 MB by default) */
  size_t extracted_text_length;     /* bytes */
  const char *processing_metadata_json; /* JSON object or NULL */
  const char *sha256;               /* hex SHA-256 of the PDF, or NULL */
  uint64_t row_index;               /* row in its batch (0 for single) */
} doctag_document_record;

/** A page of jobs. */
typedef struct doctag_job_list doctag_job_list;
/** A job with its documents. */
typedef struct doctag_job_detail doctag_job_detail;
/** A page of documents (a list or search results). */
typedef struct doctag_document_list doctag_document_list;
/** One document in full. */
typedef struct doctag_document_detail doctag_document_detail;
/** A user's statistics. */
typedef struct doctag_stats doctag_stats;

/**
 * The user's jobs, newest first. `limit` 1..100 (0 = 50), `status` NULL or
 * "" for every status, else only jobs in that state.
 * *out is newly allocated; release it with doctag_job_list_free().
 * Errors: DOCTAG_EINVAL (limit out of range, NULL user), DOCTAG_ESTORE /
 * DOCTAG_EUNAVAILABLE (database).
 */
DOCTAG_API doctag_status doctag_history_jobs(doctag_ctx *ctx, doctag_job_list **out, const char *user_id,
                                             unsigned int limit, unsigned int offset, const char *status);
/** Jobs in this page of the list. */
DOCTAG_API size_t doctag_job_list_count(const doctag_job_list *list);
/** Jobs matching the filter, over every page. */
DOCTAG_API uint64_t doctag_job_list_total(const doctag_job_list *list);
/** Borrowed: valid until doctag_job_list_free(). NULL when i is out of range. */
DOCTAG_API const doctag_job_record *doctag_job_list_at(const doctag_job_list *list, size_t i);
/** {"jobs": [JobSummary], "total", "limit", "offset"}; *json: release with doctag_free(). */
DOCTAG_API doctag_status doctag_job_list_to_json(const doctag_job_list *list, char **json);
/** Releases a list. NULL is fine. */
DOCTAG_API void doctag_job_list_free(doctag_job_list *list);

/**
 * One of the user's jobs with its documents (in row order).
 * *out is newly allocated; release it with doctag_job_detail_free().
 * Errors: DOCTAG_ENOTFOUND ("Job not found": unknown, malformed id, or
 * another user's), database errors.
 */
DOCTAG_API doctag_status doctag_history_job(doctag_ctx *ctx, doctag_job_detail **out, const char *user_id,
                                            const char *job_id);
/** Borrowed: valid until doctag_job_detail_free(). */
DOCTAG_API const doctag_job_record *doctag_job_detail_job(const doctag_job_detail *job);
/** Documents of the job. */
DOCTAG_API size_t doctag_job_detail_document_count(const doctag_job_detail *job);
/** Borrowed: valid until doctag_job_detail_free(). NULL when i is out of range. */
DOCTAG_API const doctag_document_record *doctag_job_detail_document_at(const doctag_job_detail *job, size_t i);
/** JobSummary + "config", "error_message", "documents": [DocumentSummary];
 * *json: release with doctag_free(). */
DOCTAG_API doctag_status doctag_job_detail_to_json(const doctag_job_detail *job, char **json);
/** Releases a job detail. NULL is fine. */
DOCTAG_API void doctag_job_detail_free(doctag_job_detail *job);

/**
 * Deletes one of the user's jobs and its documents.
 * Errors: DOCTAG_ENOTFOUND ("Job not found"), database errors.
 */
DOCTAG_API doctag_status doctag_history_job_delete(doctag_ctx *ctx, const char *user_id, const char *job_id);

/**
 * The user's documents, newest first. `limit` 1..100 (0 = 50).
 * *out is newly allocated; release it with doctag_document_list_free().
 * Errors: DOCTAG_EINVAL, database errors.
 */
DOCTAG_API doctag_status doctag_history_documents(doctag_ctx *ctx, doctag_document_list **out,
                                                  const char *user_id, unsigned int limit, unsigned int offset);

/**
 * Full-text search over the user's documents (title, tags, extracted text;
 * English and Hindi), best first: a match in the title ranks above one in
 * the tags, above one in the text. Every word of the query must match;
 * every character is plain text (quotes, *, %, _, AND, OR... are no
 * syntax). A query with no word finds nothing. `limit` 1..100 (0 = 50).
 * *out is newly allocated; release it with doctag_document_list_free(); its
 * total is the number of results.
 * Errors: DOCTAG_EINVAL (NULL, empty or non-UTF-8 query, limit out of
 * range), database errors.
 */
DOCTAG_API doctag_status doctag_history_search(doctag_ctx *ctx, doctag_document_list **out,
                                               const char *user_id, const char *query, unsigned int limit);

/** Documents in this page of the list (or results of the search). */
DOCTAG_API size_t doctag_document_list_count(const doctag_document_list *list);
/** The user's documents in all (lists) or the number of results (search). */
DOCTAG_API uint64_t doctag_document_list_total(const doctag_document_list *list);
/** Borrowed: valid until doctag_document_list_free(). NULL when i is out of range. */
DOCTAG_API const doctag_document_record *doctag_document_list_at(const doctag_document_list *list, size_t i);
/** {"documents": [DocumentSummary], "total"}; *json: release with doctag_free(). */
DOCTAG_API doctag_status doctag_document_list_to_json(const doctag_document_list *list, char **json);
/** Releases a list. NULL is fine. */
DOCTAG_API void doctag_document_list_free(doctag_document_list *list);

/**
 * One of the user's documents in full (extracted text and metadata).
 * *out is newly allocated; release it with doctag_document_detail_free().
 * Errors: DOCTAG_ENOTFOUND ("Document not found"), database errors.
 */
DOCTAG_API doctag_status doctag_history_document(doctag_ctx *ctx, doctag_document_detail **out,
                                                 const char *user_id, const char *document_id);
/** Borrowed: valid until doctag_document_detail_free(). */
DOCTAG_API const doctag_document_record *doctag_document_detail_record(const doctag_document_detail *doc);
/** DocumentSummary + "job_id", "file_size", "mime_type", "extracted_text",
 * "processing_metadata"; *json: release with doctag_free(). */
DOCTAG_API doctag_status doctag_document_detail_to_json(const doctag_document_detail *doc, char **json);
/** Releases a document. NULL is fine. */
DOCTAG_API void doctag_document_detail_free(doctag_document_detail *doc);


/**
 * The stored PDF of one of the user's documents (from the blob store).
 * *data is newly allocated (doctag_free()), *len its size; *file_name (may
 * be NULL) a file name for it ending in ".pdf" (doctag_free()).
 * Errors: DOCTAG_ENOTFOUND ("Document not found": unknown, another user's;
 * "No stored file for this document": failed before its bytes were kept),
 * DOCTAG_EIO / DOCTAG_EFETCH (blob store), store errors.
 */
DOCTAG_API doctag_status doctag_history_document_file(doctag_ctx *ctx, const char *user_id, const char *document_id,
                                                      void **data, size_t *len, char **file_name);

/**
 * Processes the stored PDF of one of the user's documents again with `opts`
 * (its user_id is ignored: the result is recorded for `user_id` as a new
 * "single" job). *out as doctag_process_buffer().
 * Errors: those of doctag_history_document_file() and doctag_process_buffer().
 */
DOCTAG_API doctag_status doctag_history_document_reprocess(doctag_ctx *ctx, doctag_result **out, const char *user_id,
                                                           const char *document_id,
                                                           const doctag_process_options *opts);

/**
 * The user's statistics. *out is newly allocated; release it with
 * doctag_stats_free(). Errors: DOCTAG_EINVAL, database errors.
 */
DOCTAG_API doctag_status doctag_history_stats(doctag_ctx *ctx, doctag_stats **out, const char *user_id);
/** The user's jobs in all. */
DOCTAG_API uint64_t doctag_stats_total_jobs(const doctag_stats *stats);
/** The user's documents in all. */
DOCTAG_API uint64_t doctag_stats_total_documents(const doctag_stats *stats);
/** Documents that succeeded. */
DOCTAG_API uint64_t doctag_stats_documents_processed(const doctag_stats *stats);
/** Documents that failed. */
DOCTAG_API uint64_t doctag_stats_documents_failed(const doctag_stats *stats);
/** Distinct job states the user has jobs in. */
DOCTAG_API size_t doctag_stats_status_count(const doctag_stats *stats);
/** The i-th state and its job count; *status is borrowed (valid until
 * doctag_stats_free()). Errors: DOCTAG_EINVAL (i out of range). */
DOCTAG_API doctag_status doctag_stats_status_at(const doctag_stats *stats, size_t i, const char **status,
                                                uint64_t *count);
/** The five most recent jobs. */
DOCTAG_API size_t doctag_stats_recent_count(const doctag_stats *stats);
/** Recent job i. Borrowed: valid until doctag_stats_free(); NULL when i is out of range. */
DOCTAG_API const doctag_job_record *doctag_stats_recent_at(const doctag_stats *stats, size_t i);
/** {"total_jobs", "total_documents", "documents_processed", "documents_failed",
 * "jobs_by_status": {status: count}, "recent_activity": [JobSummary]};
 * *json: release with doctag_free(). */
DOCTAG_API doctag_status doctag_stats_to_json(const doctag_stats *stats, char **json);
/** Releases statistics. NULL is fine. */
DOCTAG_API void doctag_stats_free(doctag_stats *stats);

/*
 * One step for front ends: the call, then its _to_json. *json is newly
 * allocated; release it with doctag_free(). Errors: those of the call.
 */
/** doctag_history_jobs() then doctag_job_list_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_jobs_json(doctag_ctx *ctx, const char *user_id, unsigned int limit,
                                                  unsigned int offset, const char *status, char **json);
/** doctag_history_job() then doctag_job_detail_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_job_json(doctag_ctx *ctx, const char *user_id, const char *job_id,
                                                 char **json);
/** doctag_history_documents() then doctag_document_list_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_documents_json(doctag_ctx *ctx, const char *user_id, unsigned int limit,
                                                       unsigned int offset, char **json);
/** doctag_history_search() then doctag_document_list_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_search_json(doctag_ctx *ctx, const char *user_id, const char *query,
                                                    unsigned int limit, char **json);
/** doctag_history_document() then doctag_document_detail_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_document_json(doctag_ctx *ctx, const char *user_id,
                                                      const char *document_id, char **json);
/** doctag_history_stats() then doctag_stats_to_json(); *json: doctag_free(). */
DOCTAG_API doctag_status doctag_history_stats_json(doctag_ctx *ctx, const char *user_id, char **json);

#ifdef __cplusplus
}
#endif
#endif
