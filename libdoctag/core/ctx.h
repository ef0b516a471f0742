/* Internal: the context. Immutable after doctag_ctx_new(), shared by threads. */
#ifndef DOCTAG_CORE_CTX_H
#define DOCTAG_CORE_CTX_H

#include "doctag/context.h"

struct doctag_ctx {
  char *data_dir;
  char *database_url;
  char *redis_url;       /* NULL: local queue */
  char *allowed_roots;   /* NULL: no local roots */
  char *llm_base_url;
  char *llm_api_key;     /* NULL: none */
  char *jwt_secret;      /* NULL: generated in data_dir by auth */
  char *secret_key;      /* DOCTAG_SECRET_KEY: seals stored secrets (auth/seal.h); NULL: per process */
  char *blob_url;
  char *s3_endpoint;
  bool allow_private_urls;
  uint64_t max_file_bytes;
  unsigned int max_pages;
  unsigned int timeout_sec;
  unsigned int threads;     /* page workers per document; 0: extract_run() chooses */
  uint64_t max_text_bytes;  /* history keeps this much extracted text per document */
  /* Work one PDF may ask for (extract/limits.h): DOCTAG_MAX_STREAM_MB,
   * DOCTAG_MAX_INFLATE_MB, DOCTAG_MAX_IMAGE_MPX, DOCTAG_MAX_PAGE_DRAWS. */
  uint64_t max_stream_bytes, max_inflate_bytes, max_image_pixels;
  uint64_t max_page_draws;
  uint64_t max_page_image_pixels;  /* DOCTAG_MAX_PAGE_IMAGE_MPX: image pixels drawing one page decodes */
  uint64_t max_page_coverage;      /* DOCTAG_MAX_PAGE_COVERAGE: times over rendering one page composites its area */
  uint64_t max_saved_states;       /* DOCTAG_MAX_SAVED_STATES: graphics states (q) one page keeps saved at once */
  uint64_t max_drawn_names;        /* DOCTAG_MAX_DRAWN_NAMES: names one content's Do and gs operators use */
  /* Memory one document's pages read by OCR may hold at once
   * (DOCTAG_MAX_DOC_MEMORY_MB; extract.c). */
  uint64_t max_doc_memory;
  /* Search heads one owner keeps (DOCTAG_SEARCH_HEADS_MAX; history/search.c). */
  uint64_t max_search_heads;
  /* Lease of a user's place across servers, ms (DOCTAG_DOC_SLOT_LEASE_SEC;
   * jobs/slots.c). */
  unsigned int doc_slot_lease_ms;
  struct ctx_attached *attached; /* subsystems' shared state: see ctx_attach() */
};

/* Monotonic clock in seconds. */
double ctx_now(void);

/* Shared state a subsystem creates lazily on first use: returns the object
 * stored under `key`, creating it with create(ctx) the first time (under a
 * lock; create returns NULL with err_set() on failure, and is tried again on
 * the next call). destroy(obj) runs in doctag_ctx_free(), in reverse order
 * of creation. */
void *ctx_attach(doctag_ctx *ctx, const char *key, void *(*create)(doctag_ctx *ctx),
                 void (*destroy)(void *obj));

#endif
