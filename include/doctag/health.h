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

#ifdef __cplusplus
}
#endif
#endif
