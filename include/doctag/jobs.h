/*
 * doctag/jobs.h - batch jobs: submit rows for a user, follow and steer the
 * job (pause, resume, cancel), read its events, run workers; path
 * validation, the CSV template and the legacy synchronous CSV processing.
 *
 * A job lives in the queue backend chosen by the context (DOCTAG_REDIS_URL:
 * Redis; unset: the local queue in the database) and, as the system of
 * record, in the user's history. One job id everywhere.
 *
 * Ownership: every call that names a job takes the calling user's id; a job
 * of another user is DOCTAG_ENOTFOUND ("Job not found"), exactly like a job
 * that does not exist.
 *
 * Threads: every call may run concurrently on one shared context. The
 * objects returned here (doctag_job, doctag_active_jobs, doctag_events,
 * doctag_path_report, doctag_csv_report) belong to one thread at a time.
 */
#ifndef DOCTAG_JOBS_H
#define DOCTAG_JOBS_H

#include "process.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Job states: pending -> processing <-> paused -> completed | cancelled | failed. */
typedef enum doctag_job_state {
  DOCTAG_JOB_PENDING = 0,
  DOCTAG_JOB_PROCESSING = 1,
  DOCTAG_JOB_PAUSED = 2,
  DOCTAG_JOB_COMPLETED = 3,
  DOCTAG_JOB_CANCELLED = 4,
  DOCTAG_JOB_FAILED = 5
} doctag_job_state;

/** "pending", "processing", ... Static; "unknown" for a value out of range. */
DOCTAG_API const char *doctag_job_state_name(doctag_job_state state);

/** A name/value pair: a cell of a row, or a column mapping entry. */
typedef struct doctag_field {
  const char *name;
  const char *value;
} doctag_field;

/**
 * One row of a batch: the caller's columns. The fields doctag reads are
 * title, file_path, file_source_type (url | s3 | local; default url),
 * description, publishing_date and file_size, after the column mapping.
 * Other columns are kept and ignored.
 */
typedef struct doctag_row {
  const doctag_field *fields;
  size_t field_count;
} doctag_row;

#define DOCTAG_JOB_OPTIONS_VERSION 3

/**
 * Options of doctag_job_submit(). NULL means defaults. Pointers are borrowed
 * for the call only.
 */
typedef struct doctag_job_options {
  unsigned int version;
  /* The tagging configuration of every document: num_pages, num_tags,
   * model_name, api_key, exclusion_words, vocabulary, ocr, languages,
   * timeout_sec. NULL: defaults. password, on_page and user_id are ignored.
   * The api_key is kept by the queue only while the job runs, never in
   * history. */
  const doctag_process_options *process;
  /* Column mapping, {"<our field>": "<your column>"}: name = our field
   * (title, file_path, ...), value = the caller's column name. */
  const doctag_field *column_mapping;
  size_t column_mapping_count;
  /* The job id to use (a UUID); NULL: a new one. An id already in use is
   * DOCTAG_EEXISTS. */
  const char *job_id;
  /* version 2: an http(s) URL told of the job's end (a signed POST, see
   * doctag_webhook_secret()); checked by the URL guard at submission
   * (DOCTAG_EURL when refused). NULL: none. */
  const char *webhook_url;
  /* version 3: the absolute directory that relative local paths (rows of
   * file_source_type "local" whose file_path does not start with '/') are
   * resolved against at submission, as a shell would: the CLI passes the
   * CSV's directory. The resolved path still has to be inside the allowed
   * roots. NULL: relative paths fail their row with "Relative paths not
   * supported" (the server's rule: an upload has no directory). A relative
   * base_dir is DOCTAG_EINVAL. */
  const char *base_dir;
} doctag_job_options;

#define DOCTAG_JOB_OPTIONS_INIT { DOCTAG_JOB_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL }

/** Sets *opts to defaults for the given version (for bindings). */
DOCTAG_API doctag_status doctag_job_options_init(doctag_job_options *opts, unsigned int version);

/**
 * Submits a batch of `row_count` rows for `user_id`. The job starts pending;
 * workers (doctag_worker_run(), `doctag worker`, the server's) process it.
 * A row without file_path or with an unknown source type is accepted and
 * fails alone when processed. *job_id is newly allocated (doctag_free()).
 * Errors: DOCTAG_EINVAL ("No documents provided", a bad option, a job id
 * that is not a UUID), DOCTAG_ENOTFOUND (no such user), DOCTAG_EEXISTS (job
 * id in use), DOCTAG_ESTORE / DOCTAG_EUNAVAILABLE (database or Redis).
 */
DOCTAG_API doctag_status doctag_job_submit(doctag_ctx *ctx, char **job_id, const char *user_id,
                                           const doctag_row *rows, size_t row_count,
                                           const doctag_job_options *opts);

/**
 * As doctag_job_submit() for the JSON body of POST /api/batch/start:
 * {"documents": [{...}], "config": TaggingConfig, "column_mapping": {...},
 * "job_id": optional}. *response_json gets {"job_id", "total_documents",
 * "message"} (newly allocated, doctag_free()).
 * Errors: as doctag_job_submit(), and DOCTAG_EINVAL for malformed JSON or a
 * field of the wrong type or range (the message names the field).
 */
DOCTAG_API doctag_status doctag_job_submit_json(doctag_ctx *ctx, char **response_json,
                                                const char *user_id, const char *request_json);

/**
 * As doctag_job_submit_json() for a request the caller has already parsed
 * with jansson (libjansson.so.4): `request` is its `json_t *` object, so a
 * front end that reads the body itself (the server, which checks it first)
 * does not have it written out and parsed again (for 100,000 rows about a
 * second of CPU). Borrowed: the call may release members of it (the rows,
 * once read), never the object itself.
 * Errors: as doctag_job_submit_json().
 */
DOCTAG_API doctag_status doctag_job_submit_jansson(doctag_ctx *ctx, char **response_json,
                                                   const char *user_id, void *request);

/** A snapshot of a job: its state, counts and the results so far. */
typedef struct doctag_job doctag_job;

/**
 * The current state of a job of `user_id`. *out is newly allocated; release
 * it with doctag_job_free(). Served from the queue while the job is there,
 * from history after (a Redis job whose keys expired is still complete).
 * Errors: DOCTAG_ENOTFOUND ("Job not found"), DOCTAG_ESTORE,
 * DOCTAG_EUNAVAILABLE.
 */
DOCTAG_API doctag_status doctag_job_status(doctag_ctx *ctx, doctag_job **out, const char *user_id,
                                           const char *job_id);

/** Releases a snapshot. NULL is fine. */
DOCTAG_API void doctag_job_free(doctag_job *job);

/* Accessors. Strings are borrowed: valid until doctag_job_free(). */
/** The job's id. Borrowed: valid until doctag_job_free(). */
DOCTAG_API const char *doctag_job_id(const doctag_job *job);
/** The job's state when the snapshot was taken. */
DOCTAG_API doctag_job_state doctag_job_get_state(const doctag_job *job);
/** Number of rows. */
DOCTAG_API size_t doctag_job_total(const doctag_job *job);
/** Rows that succeeded. */
DOCTAG_API size_t doctag_job_processed_count(const doctag_job *job);
/** Rows that failed. */
DOCTAG_API size_t doctag_job_failed_count(const doctag_job *job);
/** Rows finished (succeeded + failed). */
DOCTAG_API size_t doctag_job_results_count(const doctag_job *job);
/** results_count / total, 0..1. */
DOCTAG_API double doctag_job_progress(const doctag_job *job);
/** The sequence number of the last event the snapshot includes: follow the
 *  job from there with doctag_job_events_poll() to miss nothing. */
DOCTAG_API uint64_t doctag_job_last_seq(const doctag_job *job);
/** The error of a failed job, else "". */
DOCTAG_API const char *doctag_job_error(const doctag_job *job);

/** Results so far (finished rows), in the order they finished. */
DOCTAG_API size_t doctag_job_result_count(const doctag_job *job);
/** 0-based row index of result i. */
DOCTAG_API size_t doctag_job_result_row(const doctag_job *job, size_t i);
/** Whether result i succeeded. */
DOCTAG_API bool doctag_job_result_ok(const doctag_job *job, size_t i);
/** The title of result i's row (or of its document). Borrowed. */
DOCTAG_API const char *doctag_job_result_title(const doctag_job *job, size_t i);
/** The error of a failed row, else "". */
DOCTAG_API const char *doctag_job_result_error(const doctag_job *job, size_t i);
/** Tags of result i (0 for a failed row). */
DOCTAG_API size_t doctag_job_result_tag_count(const doctag_job *job, size_t i);
/** Tag t of result i. Borrowed: valid until doctag_job_free(). */
DOCTAG_API const char *doctag_job_result_tag_at(const doctag_job *job, size_t i, size_t t);
/** The history document id of the row. */
DOCTAG_API const char *doctag_job_result_document_id(const doctag_job *job, size_t i);
/** Result i as JSON, in the shape of the WebSocket "progress" event. */
DOCTAG_API const char *doctag_job_result_json(const doctag_job *job, size_t i);

/**
 * The status as JSON: {"job_id", "status", "progress", "processed_count",
 * "failed_count", "total", "results_count"}. *json: doctag_free().
 */
DOCTAG_API doctag_status doctag_job_to_json(const doctag_job *job, char **json);

/**
 * The first WebSocket message for this snapshot: {"type": "catchup",
 * "job_id", "state": {...}, "results": [...]} for a running job, or
 * {"type": "<status>", "job_id", "processed_count", "failed_count",
 * "message": "Job already <status>"} for a finished one. *json: doctag_free().
 */
DOCTAG_API doctag_status doctag_job_catchup_to_json(const doctag_job *job, char **json);

/**
 * The same message read a piece at a time, for a front end that sends it
 * as it reads (the server's WebSocket): a job with many results is never
 * held whole. Memory: one page of results (the snapshot is the job's
 * counters: results are kept numbered in finishing order).
 */
typedef struct doctag_job_catchup doctag_job_catchup;

/**
 * Takes the snapshot of a job of `user_id` that doctag_job_status() would,
 * without reading its results yet. doctag_job_catchup_next() then hands
 * out, in pieces, exactly the message doctag_job_catchup_to_json() gives
 * for that snapshot: results that finish after it are never in it, so a
 * follower that sends the message and then the events after
 * doctag_job_last_seq(doctag_job_catchup_job()) sees each row once.
 * `ctx` is borrowed and must outlive the reading. *out is newly allocated:
 * doctag_job_catchup_free(). Like a doctag_job, it belongs to one thread at
 * a time. Errors: as doctag_job_status().
 */
DOCTAG_API doctag_status doctag_job_catchup_open(doctag_ctx *ctx, doctag_job_catchup **out, const char *user_id,
                                                 const char *job_id);

/** The snapshot: state, counts and last seq (results only for a job the
 *  queue has forgotten). Borrowed: valid until doctag_job_catchup_free(). */
DOCTAG_API const doctag_job *doctag_job_catchup_job(const doctag_job_catchup *cu);

/**
 * The next piece of the message, reading up to `max_results` results (0:
 * 500) from the queue: the first piece is its head ({"type": "catchup",
 * "job_id", "seq", "state", "results": [) with the first results, the next
 * ones more results (comma-separated, never empty), the last one ends with
 * "]}". A finished job's short message comes whole in the first piece.
 * The pieces concatenated are the message. *json is newly allocated
 * (doctag_free()), NULL once the message is complete.
 * Errors: DOCTAG_ESTORE / DOCTAG_EUNAVAILABLE; nothing was handed out, the
 * same piece can be asked for again.
 */
DOCTAG_API doctag_status doctag_job_catchup_next(doctag_job_catchup *cu, char **json, size_t max_results);

/** Whether the last piece has been handed out (true for NULL). */
DOCTAG_API bool doctag_job_catchup_done(const doctag_job_catchup *cu);

/** Releases a reading. NULL is fine. */
DOCTAG_API void doctag_job_catchup_free(doctag_job_catchup *cu);

/**
 * Steering commands for a job of `user_id`. Pause: pending or processing ->
 * paused (documents being processed finish; no new one starts). Resume:
 * paused -> processing. Cancel: pending, processing or paused -> cancelled
 * (no new document starts; the terminal event is sent at once).
 * Errors: DOCTAG_ENOTFOUND ("Job not found"), DOCTAG_ECONFLICT (the command
 * makes no sense in the job's state, e.g. resume a completed job; the
 * message names the state), DOCTAG_ESTORE, DOCTAG_EUNAVAILABLE.
 */
DOCTAG_API doctag_status doctag_job_pause(doctag_ctx *ctx, const char *user_id, const char *job_id);
/** Resumes a paused job of `user_id` (see doctag_job_pause()). */
DOCTAG_API doctag_status doctag_job_resume(doctag_ctx *ctx, const char *user_id, const char *job_id);
/** Cancels a job of `user_id` (see doctag_job_pause()). */
DOCTAG_API doctag_status doctag_job_cancel(doctag_ctx *ctx, const char *user_id, const char *job_id);

/** The active jobs of a user: job snapshots. */
typedef struct doctag_active_jobs doctag_active_jobs;

/**
 * The user's active jobs (processing and paused), newest first. *out is
 * newly allocated; release with doctag_active_jobs_free(). Snapshots carry no
 * results. Errors: DOCTAG_ESTORE, DOCTAG_EUNAVAILABLE.
 */
DOCTAG_API doctag_status doctag_jobs_active(doctag_ctx *ctx, doctag_active_jobs **out, const char *user_id);
/** Jobs in the list. */
DOCTAG_API size_t doctag_active_jobs_count(const doctag_active_jobs *list);
/** Borrowed: valid until doctag_active_jobs_free(). */
DOCTAG_API const doctag_job *doctag_active_jobs_at(const doctag_active_jobs *list, size_t i);
/** {"jobs": [{"job_id","status","progress","processed_count","failed_count","total"}]}. doctag_free(). */
DOCTAG_API doctag_status doctag_active_jobs_to_json(const doctag_active_jobs *list, char **json);
/** Releases the list. NULL is fine. */
DOCTAG_API void doctag_active_jobs_free(doctag_active_jobs *list);

/**
 * One event of a job. Sequence numbers start at 1 and grow by one per event
 * of the job. Types: "processing", "success", "failed" (per document; their
 * JSON is the contract's {"type": "progress", ...} message), "paused",
 * "resumed", and one terminal "completed", "cancelled" or "error".
 */
typedef struct doctag_event_info {
  unsigned int version;
  uint64_t seq;
  const char *job_id;
  const char *type;
  const char *json;   /* the WebSocket message, with "seq" */
  bool terminal;      /* the last event of the job */
} doctag_event_info;

/** Events read in one go. */
typedef struct doctag_events doctag_events;

/**
 * Events of a job of `user_id` with a sequence number above `after_seq`, in
 * order, at most `max` (0: no limit). When there is none yet, waits up to
 * `timeout_ms` for one (0: do not wait) and answers an empty list if none
 * came. Reading from the sequence number of the last event seen never loses
 * or repeats one. *out is newly allocated: doctag_events_free().
 * Errors: DOCTAG_ENOTFOUND, DOCTAG_ESTORE, DOCTAG_EUNAVAILABLE.
 */
DOCTAG_API doctag_status doctag_job_events_poll(doctag_ctx *ctx, doctag_events **out,
                                                const char *user_id, const char *job_id,
                                                uint64_t after_seq, size_t max, int timeout_ms);
/** Events read. */
DOCTAG_API size_t doctag_events_count(const doctag_events *events);
/** Borrowed: valid until doctag_events_free(). */
DOCTAG_API const doctag_event_info *doctag_events_at(const doctag_events *events, size_t i);
/** Releases the events. NULL is fine. */
DOCTAG_API void doctag_events_free(doctag_events *events);

/** Called for each event in order; a non-zero return stops the subscription. */
typedef int (*doctag_event_cb)(const doctag_event_info *event, void *userdata);

/**
 * Subscribes to a job's events from `after_seq`: first those already sent
 * (catch-up), then live ones as they happen, each exactly once. Returns
 * after delivering the terminal event (DOCTAG_OK), or when the callback
 * returns non-zero (DOCTAG_ECANCELLED).
 * Errors: as doctag_job_events_poll().
 */
DOCTAG_API doctag_status doctag_job_events(doctag_ctx *ctx, const char *user_id, const char *job_id,
                                           uint64_t after_seq, doctag_event_cb cb, void *userdata);

#define DOCTAG_WORKER_OPTIONS_VERSION 2

/** Options of doctag_worker_run(). NULL means defaults. */
typedef struct doctag_worker_options {
  unsigned int version;
  unsigned int threads;         /* documents processed in parallel; 0 = 2 */
  bool once;                    /* return when no work is waiting instead of waiting for more */
  const char *until_job;        /* return once this job has finished (NULL: no such condition) */
  const volatile int *stop;     /* return soon after *stop becomes non-zero (signal handlers) */
  const char *name;             /* worker name in the queue; NULL: host:pid:random */
  unsigned int lease_sec;       /* how long an item may go without a heartbeat before another worker
                                 * takes it over (workers of one queue use the same); 0 = 60 */
  /* version 2: */
  bool abandon_on_stop;         /* when *stop is set, documents in hand are cancelled at their next
                                 * page and given back to the queue at once (claimable again, without
                                 * waiting for their lease), instead of finished: for a program that
                                 * owns its worker and is interrupted (doctag batch run's ^C) */
} doctag_worker_options;

#define DOCTAG_WORKER_OPTIONS_INIT { DOCTAG_WORKER_OPTIONS_VERSION, 0, false, NULL, NULL, NULL, 0, false }

/** Sets *opts to defaults for the given version (for bindings). */
DOCTAG_API doctag_status doctag_worker_options_init(doctag_worker_options *opts, unsigned int version);

/**
 * Runs a worker: claims documents of any job from the context's queue,
 * processes them (`threads` at a time, each with its job's configuration and
 * a per-document time limit), records each in history and sends its events.
 * Pause and cancel are honoured between documents; an LLM answering 429 makes
 * the worker back off, nothing else does. A worker that dies leaves its items
 * to others once their lease runs out. Returns when *stop is set (items in
 * hand are finished), when `once` is set and nothing is waiting, or when
 * `until_job` has finished.
 * Errors: DOCTAG_ESTORE / DOCTAG_EUNAVAILABLE when the queue stays
 * unreachable, DOCTAG_EINVAL (options).
 */
DOCTAG_API doctag_status doctag_worker_run(doctag_ctx *ctx, const doctag_worker_options *opts);

/**
 * Places among the documents one user may have in flight (waiting or being
 * processed), counted across every process that shares the context's queue:
 * the Redis of DOCTAG_REDIS_URL, else the database (PostgreSQL, or SQLite
 * for the processes of one machine). A server takes a place per document,
 * so that its cap per user holds across servers. Each place has a lease
 * (DOCTAG_DOC_SLOT_LEASE_SEC seconds by default; the environment variable of
 * that name, 3 to 3600, read by doctag_ctx_new(), sets it) that this process
 * renews every third of a lease (from a thread of the library) while it
 * holds the place: the places of a process that dies come back within a
 * lease, and a document may keep its place for as long as it takes. Every
 * process on one queue uses the same lease (doctag_doc_slot_lease_agree()).
 */
typedef struct doctag_doc_slot doctag_doc_slot;

#define DOCTAG_DOC_SLOT_LEASE_SEC 30

/**
 * Makes the context's lease of document places the one every process on
 * its queue uses. The first process records its lease beside the places
 * (the Redis key doctag:slot_lease, else the database's table
 * queue_settings); the record lives for a lease after the last renewal by
 * a process that uses it (each renews it every third of a lease while its
 * context lives, holding places or not). The first doctag_doc_slot_take()
 * agrees too; a server calls this at start, so that a wrong value stops it
 * there. To change the lease: stop every process on the queue, wait a
 * lease, start them with the new value.
 * Errors: DOCTAG_ECONFLICT when another lease is in force (the message
 * names both values and what to do; no place is taken with this context
 * until it agrees); DOCTAG_EUNAVAILABLE, DOCTAG_ESTORE when the queue
 * cannot be reached (nothing recorded: the next call or take tries again);
 * DOCTAG_EINVAL (ctx NULL); DOCTAG_EINTERNAL as doctag_doc_slot_take().
 * Thread-safe.
 */
DOCTAG_API doctag_status doctag_doc_slot_lease_agree(doctag_ctx *ctx);

/**
 * Takes one of `max` places of `user_id`. *out gets the place: newly
 * allocated, give it back with doctag_doc_slot_free() (before
 * doctag_ctx_free()). in_flight (may be NULL) gets the user's places held,
 * this one included when taken. Errors: DOCTAG_ERATE when the user holds
 * `max` already ("Too many documents in progress for this account (N at
 * once); ...", doctag_error_retry_after() 5); DOCTAG_EINVAL (NULL argument,
 * max 0); DOCTAG_ECONFLICT when the context's lease is not the one in
 * force on the queue (doctag_doc_slot_lease_agree()); DOCTAG_EUNAVAILABLE,
 * DOCTAG_ESTORE when the queue cannot be reached (no place is taken; the
 * caller decides what to do). A context
 * used before fork() takes places in the process that used it only
 * (DOCTAG_EINTERNAL elsewhere). Thread-safe.
 */
DOCTAG_API doctag_status doctag_doc_slot_take(doctag_doc_slot **out, doctag_ctx *ctx, const char *user_id,
                                              unsigned int max, unsigned int *in_flight);

/** Gives a place back (at once; a failure to reach the queue is logged and
 * the place then comes back when its lease runs out). NULL is fine. */
DOCTAG_API void doctag_doc_slot_free(doctag_doc_slot *slot);

/** One path to check, as in POST /api/batch/validate-paths. */
typedef struct doctag_path_spec {
  const char *path;
  const char *type;   /* "url", "s3" or "local" */
} doctag_path_spec;

/** The outcome of doctag_paths_validate(). */
typedef struct doctag_path_report doctag_path_report;

/**
 * Checks that each path can be read, without downloading it: URLs through
 * the URL guard and a HEAD/GET of the start, S3 objects with a HEAD, local
 * files inside DOCTAG_ALLOWED_ROOTS. *out: doctag_path_report_free().
 * Per-path failures are in the report, not errors.
 */
DOCTAG_API doctag_status doctag_paths_validate(doctag_ctx *ctx, doctag_path_report **out,
                                               const doctag_path_spec *paths, size_t count);
/** Paths checked (as many as given, in order). */
DOCTAG_API size_t doctag_path_report_count(const doctag_path_report *r);
/** Whether path i can be read. */
DOCTAG_API bool doctag_path_report_valid(const doctag_path_report *r, size_t i);
/** The reason a path is invalid (contract messages), else "". Borrowed. */
DOCTAG_API const char *doctag_path_report_error(const doctag_path_report *r, size_t i);
/** Content type when known, else "". Borrowed. */
DOCTAG_API const char *doctag_path_report_content_type(const doctag_path_report *r, size_t i);
/** Size in bytes, or -1 when unknown. */
DOCTAG_API int64_t doctag_path_report_size(const doctag_path_report *r, size_t i);
/** {"results": [{"path","valid","error","content_type","size"}], "total", "valid_count", "invalid_count"}. */
DOCTAG_API doctag_status doctag_path_report_to_json(const doctag_path_report *r, char **json);
/** Releases a report. NULL is fine. */
DOCTAG_API void doctag_path_report_free(doctag_path_report *r);

/**
 * The batch CSV template: {"template": "<csv text>", "columns": [{"name",
 * "required", "description"}]}. *json: doctag_free().
 */
DOCTAG_API doctag_status doctag_batch_template(char **json);

/**
 * Parses a batch CSV (RFC 4180, first line the header) and submits it as a
 * job, as doctag_job_submit(). Errors: DOCTAG_EINVAL for a malformed CSV or
 * "Missing required columns: ..." (title, file_source_type, file_path), and
 * those of doctag_job_submit().
 */
DOCTAG_API doctag_status doctag_batch_submit_csv(doctag_ctx *ctx, char **job_id, const char *user_id,
                                                 const void *csv, size_t len,
                                                 const doctag_job_options *opts);

/**
 * The result CSV of a job submitted from `csv`: the input rows with the
 * columns generated_tags (", "-joined) and tagging_status ("success" or
 * "failed: <error>"; "pending" for a row not finished). *out_csv:
 * doctag_free(). Errors: as doctag_job_status(), DOCTAG_EINVAL (bad CSV).
 */
DOCTAG_API doctag_status doctag_job_output_csv(doctag_ctx *ctx, char **out_csv, const char *user_id,
                                               const char *job_id, const void *csv, size_t len);

/** The outcome of the legacy synchronous CSV processing. */
typedef struct doctag_csv_report doctag_csv_report;

/**
 * The legacy POST /api/batch/process: parses the CSV, processes every row
 * on this thread's machine before returning (the rows are recorded in the
 * user's history as one batch job) and builds the result CSV and summary.
 * A CSV without the required columns is not an error: the report has
 * success false and "Missing required columns: ..." in its errors.
 * `opts` is the tagging configuration (NULL: defaults). *out:
 * doctag_csv_report_free().
 * Errors: DOCTAG_EINVAL (not CSV at all), DOCTAG_ESTORE.
 */
DOCTAG_API doctag_status doctag_batch_process_csv(doctag_ctx *ctx, doctag_csv_report **out,
                                                  const char *user_id, const void *csv, size_t len,
                                                  const doctag_process_options *opts);
/** Whether the CSV could be processed at all (false: missing columns). */
DOCTAG_API bool doctag_csv_report_success(const doctag_csv_report *r);
/** Rows in the CSV. */
DOCTAG_API size_t doctag_csv_report_total(const doctag_csv_report *r);
/** Rows that succeeded. */
DOCTAG_API size_t doctag_csv_report_processed(const doctag_csv_report *r);
/** Rows that failed. */
DOCTAG_API size_t doctag_csv_report_failed(const doctag_csv_report *r);
/** The output CSV text (input plus generated_tags, tagging_status). Borrowed. */
DOCTAG_API const char *doctag_csv_report_csv(const doctag_csv_report *r);
/** The job id the rows were recorded under, "" when nothing was processed. Borrowed. */
DOCTAG_API const char *doctag_csv_report_job_id(const doctag_csv_report *r);
/**
 * {"success", "total_documents", "processed_count", "failed_count",
 * "output_csv_url": "data:text/csv;base64,...", "summary_report": {...},
 * "processing_time"}. *json: doctag_free().
 */
DOCTAG_API doctag_status doctag_csv_report_to_json(const doctag_csv_report *r, char **json);
/** Releases a report. NULL is fine. */
DOCTAG_API void doctag_csv_report_free(doctag_csv_report *r);

/**
 * The user's webhook signing secret: deliveries carry X-Doctag-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body with it>. Created on the first
 * call; `rotate` replaces it (deliveries from then on use the new one).
 * *secret is newly allocated (doctag_free()).
 * Errors: DOCTAG_EINVAL, DOCTAG_ENOTFOUND (no such user), DOCTAG_ESTORE.
 */
DOCTAG_API doctag_status doctag_webhook_secret(doctag_ctx *ctx, char **secret, const char *user_id, bool rotate);

/**
 * Sends the webhook deliveries that are due, as a batch worker's delivery
 * thread does every second, so that a process with no batch worker
 * (doctag-server) delivers too. Any number of processes may call it at
 * once: each attempt is leased in the store, so none is sent twice. Blocks
 * while it sends (each attempt at most 10 s). *attempted (may be NULL) gets
 * how many deliveries were tried; failed ones are retried later as usual.
 * Errors: DOCTAG_EINVAL (ctx NULL). A store that cannot be read is no error:
 * nothing is attempted.
 */
DOCTAG_API doctag_status doctag_webhooks_deliver(doctag_ctx *ctx, unsigned int *attempted);

#ifdef __cplusplus
}
#endif
#endif
