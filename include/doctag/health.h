/*
 * doctag/health.h - probing the dependencies of a context (database, queue,
 * OCR languages, blob store, LLM configuration).
 *
 * Threads: doctag_health_check() may run concurrently on a shared context; a
 * doctag_health belongs to one thread at a time.
 */
#ifndef DOCTAG_HEALTH_H
#define DOCTAG_HEALTH_H

#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct doctag_health doctag_health;

/**
 * Probes every dependency, each bounded in time:
 *   "database" a trivial query (SQLite or PostgreSQL)           required
 *   "queue"    a read from the local queue or Redis              required
 *   "ocr"      tesseract with eng, hin and osd available         required
 *   "blobs"    a read from the blob directory or S3 bucket       required
 *   "llm"      whether a key is configured (no network call)     optional
 * A failed probe is part of the result, not an error of the call.
 * *out is newly allocated; release it with doctag_health_free().
 * Errors: DOCTAG_EINVAL (NULL arguments), DOCTAG_ENOMEM.
 */
DOCTAG_API doctag_status doctag_health_check(doctag_ctx *ctx, doctag_health **out);
/** True when every required probe succeeded. */
DOCTAG_API bool doctag_health_ok(const doctag_health *h);
/** Number of probes in the report. */
DOCTAG_API size_t doctag_health_count(const doctag_health *h);
/* Probe i: name, whether it succeeded, a detail ("" or the reason) and its
 * latency. Strings are borrowed: valid until doctag_health_free(). */
/** Name of probe i ("database", "queue", "ocr", "blobs", "llm"). Borrowed: valid until doctag_health_free(). */
DOCTAG_API const char *doctag_health_name(const doctag_health *h, size_t i);
/** Whether probe i succeeded. */
DOCTAG_API bool doctag_health_probe_ok(const doctag_health *h, size_t i);
/** Whether probe i is needed for the service to be up (false: optional). */
DOCTAG_API bool doctag_health_probe_required(const doctag_health *h, size_t i);
/** "" or the reason probe i failed. Borrowed: valid until doctag_health_free(). */
DOCTAG_API const char *doctag_health_detail(const doctag_health *h, size_t i);
/** How long probe i took, in milliseconds. */
DOCTAG_API double doctag_health_latency_ms(const doctag_health *h, size_t i);
/**
 * CONTRACT.md's shape: {"status": "healthy"|"unhealthy", "version": "2.0.0",
 * "message", "checks": {name: {"status": "ok"|"error", "detail",
 * "latency_ms"}}}. *json is newly allocated; release it with doctag_free().
 */
DOCTAG_API doctag_status doctag_health_to_json(const doctag_health *h, char **json);
/** Releases a health report. NULL is fine. */
DOCTAG_API void doctag_health_free(doctag_health *h);

/* ---- metrics: the library's figures for a monitoring scrape ---- */

/** A snapshot of the library's counters and the store's job census. */
typedef struct doctag_metrics doctag_metrics;

/**
 * Reads, without locking anything on the processing path:
 *   doctag_documents_total{source,status}   counter: documents processed or
 *       failed by the pipeline (doctag_process_*, doctag_tag_text), by source
 *       ("upload", "url", "s3", "local", "text", "other"); status "processed"
 *       or "failed" (bad options and cancellations are not counted)
 *   doctag_pages_total{method}              counter: pages read, by method
 *       ("text", "ocr", "ocr_no_model", "empty")
 *   doctag_ocr_seconds_total                counter: time spent in tesseract
 *   doctag_llm_requests_total, doctag_llm_errors_total, doctag_llm_tokens_total
 *                                           counters: HTTP requests to the LLM
 *       endpoint, those that failed, and the tokens the answers reported
 *   doctag_batch_workers, doctag_batch_worker_threads   gauges: batch worker
 *       processes that beat in the last 30 s, and their claiming threads
 *   doctag_metrics_shared                   gauge: 1 when the counters above
 *       are shared by the processes naming one DOCTAG_STATS_FILE, 0 when they
 *       are this process's alone
 *   doctag_jobs{type,status}                gauge: jobs in the store (every
 *       user's), by job_type and state
 *   doctag_queue_depth                      gauge: rows of pending and
 *       processing batch jobs not yet finished
 *   doctag_queue_paused_rows                gauge: the same for paused jobs
 *   doctag_store_up                         gauge: 0 when the store could not be
 *       read (the job and queue figures are then left out)
 * Counters start at 0 when the stats block is created (per process, or per
 * DOCTAG_STATS_FILE). Names follow Prometheus conventions.
 * *out is newly allocated; release it with doctag_metrics_free().
 * Errors: DOCTAG_EINVAL (NULL arguments). Thread-safe on a shared context.
 */
DOCTAG_API doctag_status doctag_metrics_read(doctag_ctx *ctx, doctag_metrics **out);
/**
 * The value of one series: `name` as above and `labels` as rendered, e.g.
 * "source=\"upload\",status=\"processed\"" ("" or NULL for none).
 * NAN when the snapshot has no such series.
 */
DOCTAG_API double doctag_metrics_value(const doctag_metrics *m, const char *name, const char *labels);
/**
 * The snapshot in Prometheus text format (version 0.0.4), with HELP and TYPE
 * lines. *text is newly allocated; release it with doctag_free().
 * Errors: DOCTAG_EINVAL (NULL arguments).
 */
DOCTAG_API doctag_status doctag_metrics_to_prometheus(const doctag_metrics *m, char **text);
/** Releases a snapshot. NULL is fine. */
DOCTAG_API void doctag_metrics_free(doctag_metrics *m);

#ifdef __cplusplus
}
#endif
#endif
