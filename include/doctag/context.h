/*
 * doctag/context.h - the library context: configuration and shared resources.
 *
 * Threads: a doctag_ctx is immutable after creation and may be shared by any
 * number of threads; every call that takes a context is thread-safe.
 */
#ifndef DOCTAG_CONTEXT_H
#define DOCTAG_CONTEXT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct doctag_ctx doctag_ctx;

#define DOCTAG_CONFIG_VERSION 1

/**
 * Configuration of a context. Fields left NULL or 0 take their value from the
 * environment variable named beside them, else the default. Fields are only
 * ever appended; set `version` with DOCTAG_CONFIG_INIT or doctag_config_init().
 */
typedef struct doctag_config {
  unsigned int version;
  const char *data_dir;        /* DOCTAG_DATA_DIR; default $XDG_DATA_HOME/doctag or ~/.local/share/doctag */
  const char *database_url;    /* DOCTAG_DATABASE_URL: sqlite:///path | postgresql://...; default sqlite in data_dir */
  const char *redis_url;       /* DOCTAG_REDIS_URL: redis://...; default: the local queue */
  const char *allowed_roots;   /* DOCTAG_ALLOWED_ROOTS: colon-separated directories for local sources */
  const char *llm_base_url;    /* DOCTAG_LLM_BASE_URL; default https://openrouter.ai/api/v1 */
  const char *llm_api_key;     /* OPENROUTER_API_KEY; never logged or stored */
  const char *jwt_secret;      /* DOCTAG_JWT_SECRET; default generated once in data_dir */
  const char *blob_url;        /* DOCTAG_BLOB_URL: s3://bucket/prefix; default data_dir/blobs */
  const char *s3_endpoint;     /* DOCTAG_S3_ENDPOINT; default AWS */
  int allow_private_urls;      /* DOCTAG_ALLOW_PRIVATE_URLS=1; -1 or 0: from environment, 1: allow, 2: refuse */
  uint64_t max_file_bytes;     /* DOCTAG_MAX_FILE_MB; default 50 MB */
  unsigned int max_pages;      /* DOCTAG_MAX_PAGES; default 2000 */
  unsigned int timeout_sec;    /* DOCTAG_TIMEOUT_SEC: per document; default 300 */
  unsigned int threads;        /* DOCTAG_THREADS: page workers per document; default: one per 4 pages, up to the cores */
  bool ignore_environment;     /* true: DOCTAG_* variables are not read */
  uint64_t max_text_bytes;     /* DOCTAG_MAX_TEXT_KB: extracted text kept in history per document; default 1 MiB */
} doctag_config;

#define DOCTAG_CONFIG_INIT { DOCTAG_CONFIG_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, false, 0 }

/** Sets *cfg to defaults for the given version (for bindings). */
DOCTAG_API doctag_status doctag_config_init(doctag_config *cfg, unsigned int version);

/**
 * Creates a context. `cfg` may be NULL: everything from the environment.
 * *out is newly allocated; release it with doctag_ctx_free().
 * Errors: DOCTAG_EINVAL (a bad URL or value, named in the message),
 * DOCTAG_EIO (data directory cannot be created).
 */
DOCTAG_API doctag_status doctag_ctx_new(doctag_ctx **out, const doctag_config *cfg);

/** Releases a context. NULL is fine. No call may be running on it. */
DOCTAG_API void doctag_ctx_free(doctag_ctx *ctx);

/** The effective data directory. Borrowed: valid while ctx lives. */
DOCTAG_API const char *doctag_ctx_data_dir(const doctag_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
