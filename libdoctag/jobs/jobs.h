/* Internal: batch jobs on top of the queue (queue/queue.h) and history
 * (history/history.h): the lifecycle, the events, the worker, one
 * row's processing, CSV and path checks. */
#ifndef DOCTAG_JOBS_INTERNAL_H
#define DOCTAG_JOBS_INTERNAL_H

#include "core/ctx.h"
#include "doctag/jobs.h"
#include "process/process.h"
#include "queue/queue.h"
#include <glib.h>
#include <jansson.h>

/* Rows a worker gives up on after this many claims (its workers died). */
#define JOBS_MAX_ATTEMPTS 5

/* One finished row of a job. */
typedef struct job_result {
  size_t row;
  bool ok;
  char *title;
  char *error;
  char **tags;          /* NULL-terminated */
  size_t tag_count;
  char *document_id;
  char *json;           /* as in the "progress" event, without seq/progress */
} job_result;

struct doctag_job {
  char *id;
  char *user_id;
  doctag_job_state state;
  uint64_t total, processed, failed, done, seq;
  char *error;
  double processing_time;   /* seconds from start to end (or now) */
  GPtrArray *results;       /* job_result*: read it through job_results() */
  GPtrArray *texts;         /* the results' JSON texts, parsed into results on first use */
  gsize parsed;             /* g_once flag of that parse */
  bool from_history;        /* the queue no longer has it (Redis keys expired) */
};

struct doctag_active_jobs {
  GPtrArray *jobs;          /* doctag_job* */
};

/* The tagging configuration of a job, parsed, with the strings it owns. */

/* Our row fields, in template order. */
extern const char *const job_row_fields[6];
/* A row with the column mapping applied, as the JSON payload of its item
 * (g_malloc'd); a local row's relative file_path joined to base_dir (an
 * absolute directory, or NULL: left as it is). */
char *job_row_payload(const doctag_row *row, const doctag_field *mapping, size_t mapping_count,
                      const char *base_dir);
/* The base directory of options version 3 or later (NULL: none given);
 * DOCTAG_EINVAL on the field base_dir when it is not absolute. */
doctag_status job_base_dir(const doctag_job_options *opts, const char **base_dir);

/* Renews now the leases of the document places ctx's process holds, as its
 * renewer does every third of a lease, taking again those whose lease ran out
 * (jobs/slots.c); for tests, `between` (may be NULL) runs after the renewal
 * and before those re-takes. */
void slots_renew_now(doctag_ctx *ctx, void (*between)(void *), void *ud);

/* Creates the job in history and in the queue (the body of
 * doctag_job_submit once the rows are payloads). */
doctag_status jobs_submit_payloads(doctag_ctx *ctx, char **job_id, const char *user_id, GPtrArray *payloads,
                                   const doctag_job_options *opts);

/* The job if it is the user's: from the queue, else from history (results
 * included when with_results). DOCTAG_ENOTFOUND "Job not found". */
doctag_status jobs_load(doctag_ctx *ctx, const char *user_id, const char *job_id, bool with_results,
                        doctag_job **out);

/* Webhooks (webhooks.c). The URL guard of pdf_url for a webhook_url
 * (DOCTAG_EURL refused, DOCTAG_EINVAL "webhook_url: ..." otherwise). */
doctag_status webhook_check_url(doctag_ctx *ctx, const char *url);
/* Remembers where job_id reports its end. */
doctag_status webhook_subscribe(doctag_ctx *ctx, const char *job_id, const char *user_id, const char *url);
/* The job has ended: queues its delivery when it has a URL (once per job;
 * failures are logged, never the caller's). */
void webhook_job_ended(doctag_ctx *ctx, const char *user_id, const char *job_id);
/* Sends the deliveries that are due (a worker's delivery thread); returns
 * how many were attempted. */
unsigned int webhook_deliver_due(doctag_ctx *ctx);

/* What one row came to. */
typedef struct row_outcome {
  bool ok;
  doctag_status code;
  char *error;
  char *title;
  char *file_path;
  char *source_type;
  char sha256[65];
  int64_t file_size;
  doctag_result *result;    /* on success */
  bool rate_limited;        /* the LLM answered 429: try again later */
} row_outcome;

/* A row's payload read once (at its claim, for the "processing" event and
 * its processing): the members as given, NULL when absent or not strings. */
typedef struct job_row {
  bool object;              /* the payload is a JSON object */
  char *title;
  char *file_path;
  char *source_type;
  char *job_id;             /* the item it was read for */
  uint64_t index;
} job_row;
void job_row_read(job_row *r, const char *job_id, uint64_t index, const char *payload);
void job_row_clear(job_row *r);

/* Fetches, stores and processes one row with `cfg`, tagged with the
 * document frequencies of `owner`'s archive (the job's user, whose history
 * records the row; NULL: none). Never fails as a whole: the outcome says
 * what happened. */
void jobs_process_row(doctag_ctx *ctx, const process_config *cfg, const job_row *row, const char *owner,
                      row_outcome *out);
void row_outcome_clear(row_outcome *o);

/* Records a row in history and builds its result JSON (with document_id
 * and the name of the worker, NULL when processed in the caller's thread)
 * and its event template. On `c` inside the caller's transaction, or (c
 * NULL) in a transaction of its own. */
struct store_conn;
doctag_status jobs_record_row(doctag_ctx *ctx, struct store_conn *c, const char *user_id, const char *job_id,
                              size_t row, const row_outcome *o, const char *worker, char **result_json,
                              char **event_template);

/* Event templates (queue.h placeholders). All newly allocated. */
char *events_processing(const char *job_id, size_t row, const char *title);
char *events_row_done(const char *job_id, const char *result_json);
char *events_state(const char *job_id, const char *type);   /* "paused", "resumed" */
char *events_completed(const char *job_id);
char *events_cancelled(const char *job_id);
char *events_error(const char *job_id, const char *message);

/* JSON helpers. */
char *jobs_json_dump(json_t *o);   /* g_malloc'd, compact; steals nothing */
/* Text with every '%' written as \u0025, so templates can hold user text. */
char *jobs_json_template_safe(const char *json);

job_result *job_result_from_json(const char *json);
void job_result_free(job_result *r);
doctag_job *job_snapshot_new(void);
/* The job's results, its texts parsed on the first call (thread-safe): a
 * status read for its counts never parses them (each can be a long JSON). */
const GPtrArray *job_results(const doctag_job *job);

/* Writes the output CSV: the parsed input plus generated_tags and
 * tagging_status for each data row from `results` (by row index). */
typedef struct csv_table {
  GPtrArray *header;        /* char* */
  GPtrArray *rows;          /* GPtrArray* of char* */
} csv_table;
doctag_status csvtab_parse(const void *data, size_t len, csv_table *out);
void csvtab_clear(csv_table *t);
char *csvtab_output(const csv_table *in, GPtrArray *results_by_row /* job_result* or NULL, indexed by row */);

#endif
