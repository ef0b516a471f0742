/* Internal: the library's counters (documents, pages, OCR time, LLM calls,
 * live batch workers), read by doctag_metrics_read() (health/metrics.c).
 *
 * One block of 64-bit counters per process, or, when DOCTAG_STATS_FILE
 * names a file, one block in that file shared by every process that names
 * it (doctag-server points its kore workers and its `doctag worker` at one
 * in its run directory): each event is an atomic add on the shared mapping,
 * so no lock is taken and no process has to be asked at read time. Counts
 * are since the block was created (a new run directory starts at 0). */
#ifndef DOCTAG_CORE_STATS_H
#define DOCTAG_CORE_STATS_H

#include "doctag/process.h"
#include <stdbool.h>
#include <stdint.h>

/* Where a document came from: "upload", "url", "s3", "local", "text";
 * anything else counts as "other". */
#define STATS_SOURCES 6
extern const char *const stats_source_names[STATS_SOURCES];
/* Page methods by doctag_page_method value. */
#define STATS_METHODS 4
extern const char *const stats_method_names[STATS_METHODS];
#define STATS_WORKER_SLOTS 64
/* A batch worker process counts as live while it beat this recently. */
#define STATS_WORKER_LIVE_SEC 30

typedef struct stats_worker_slot {
  uint64_t pid;
  uint64_t beat;      /* time(NULL) of the last beat */
  uint64_t threads;   /* claiming threads running */
} stats_worker_slot;

typedef struct stats_block {
  uint64_t magic;
  uint64_t documents[STATS_SOURCES][2];   /* [source][0 processed, 1 failed] */
  uint64_t pages[STATS_METHODS];
  uint64_t ocr_us;                        /* wall time inside tesseract, summed over pages */
  uint64_t llm_requests, llm_errors, llm_tokens;
  stats_worker_slot workers[STATS_WORKER_SLOTS];
} stats_block;

/* The block (attached on first call): never NULL. */
stats_block *stats_get(void);
/* Whether the block is shared through DOCTAG_STATS_FILE. */
bool stats_shared(void);

void stats_document(const char *source, bool ok);
void stats_page(doctag_page_method method);
void stats_ocr_time(double seconds);
/* One HTTP request to the LLM endpoint. */
void stats_llm_request(void);
/* A request that failed: no answer, a non-2xx status, or a 2xx whose body
 * is not JSON or reports an error. */
void stats_llm_error(void);
void stats_llm_tokens(uint64_t tokens);
/* A batch worker thread starts (+1) or stops (-1) claiming; the process's
 * slot beats as well. */
void stats_worker_threads(int delta);
/* The batch worker process is alive (called every second or so). */
void stats_worker_beat(void);

static inline uint64_t stats_load(const uint64_t *p)
{
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}

#endif
