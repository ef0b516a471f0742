/* Internal: the content-addressed store of accepted PDFs. Every PDF is kept
 * once, named by the hex SHA-256 of its bytes, in a directory (default
 * data_dir/blobs, or DOCTAG_BLOB_URL=file:///path) or an S3 bucket
 * (DOCTAG_BLOB_URL=s3://bucket/prefix, through fetch/s3.h). History
 * documents reference blobs by their hash. Thread-safe. */
#ifndef DOCTAG_BLOB_H
#define DOCTAG_BLOB_H

#include "core/ctx.h"
#include <glib.h>

typedef struct blob_store blob_store;

/* A backend: one file each (blob/dir.c, blob/s3.c), listed in blob.c. */
typedef struct blob_backend {
  const char *scheme;   /* "file://", "s3://" */
  /* Opens the store at `url` (NULL: the default location). */
  doctag_status (*open)(const doctag_ctx *ctx, const char *url, blob_store **out);
  /* Stores the bytes under `sha` unless already there. */
  doctag_status (*put)(blob_store *bs, const char *sha, const void *data, size_t len);
  /* DOCTAG_ENOTFOUND when missing; DOCTAG_ELIMIT past max_bytes (0: no cap). */
  doctag_status (*get)(blob_store *bs, const char *sha, uint64_t max_bytes, GBytes **out);
  /* Removing a missing blob is not an error. */
  doctag_status (*remove)(blob_store *bs, const char *sha);
  void (*close)(blob_store *bs);
} blob_backend;

/* What every store shares. A backend embeds it as the first member of its
 * own struct (open() allocates that, close() frees it) and keeps its state
 * there; blob.c fills in these fields. */
struct blob_store {
  const blob_backend *backend;
  const doctag_ctx *ctx;
};

/* Stores a PDF; *sha256 gets its hex SHA-256 (65 bytes with the NUL).
 * Identical bytes are stored once. */
doctag_status blob_put(doctag_ctx *ctx, const void *data, size_t len, char sha256[65]);

/* As blob_put() for bytes whose hex SHA-256 the caller already has (a
 * processing result's): not hashed again. */
doctag_status blob_put_hashed(doctag_ctx *ctx, const void *data, size_t len, const char *sha256);

/* Reads a stored PDF by hash. DOCTAG_EINVAL for a malformed hash,
 * DOCTAG_ENOTFOUND when absent. */
doctag_status blob_get(doctag_ctx *ctx, const char *sha256, uint64_t max_bytes, GBytes **out);

/* Removes a stored PDF (the caller checked that no document references it). */
doctag_status blob_delete(doctag_ctx *ctx, const char *sha256);

/* Whether `s` is a lower-case hex SHA-256. */
bool blob_sha_valid(const char *s);

#endif
