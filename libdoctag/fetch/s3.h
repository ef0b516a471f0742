/* Internal: a small S3 client (GET, HEAD, PUT, DELETE) signed with AWS SigV4
 * by libcurl. Endpoint DOCTAG_S3_ENDPOINT (MinIO, moto, other S3-compatible
 * stores; path-style URLs) or AWS (virtual-hosted URLs); credentials from
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, region from
 * AWS_REGION (or AWS_DEFAULT_REGION, default us-east-1). Thread-safe: one curl
 * handle per thread. */
#ifndef DOCTAG_FETCH_S3_H
#define DOCTAG_FETCH_S3_H

#include "core/ctx.h"
#include <glib.h>

/* Whether credentials are configured. */
bool s3_configured(void);

/* Splits "s3://bucket/key" (newly allocated strings).
 * DOCTAG_EINVAL "Invalid S3 path format". */
doctag_status s3_parse_uri(const char *uri, char **bucket, char **key);

/* Errors of every call: DOCTAG_EINVAL "S3 client not configured",
 * DOCTAG_ENOTFOUND "Object not found" / "Bucket not found",
 * DOCTAG_EFETCH (the HTTP status and S3's error code and message, or the
 * network failure), DOCTAG_ETIMEOUT "Request timed out". */

/* Size and content type of an object without reading it; either out may be
 * NULL; *content_type newly allocated or NULL. */
doctag_status s3_head(const doctag_ctx *ctx, const char *bucket, const char *key, int64_t *size,
                      char **content_type);

/* Reads an object, at most max_bytes (DOCTAG_ELIMIT past it); timeout_sec 0 = 60. */
doctag_status s3_get(const doctag_ctx *ctx, const char *bucket, const char *key, uint64_t max_bytes,
                     unsigned int timeout_sec, GBytes **out);

/* Writes an object. */
doctag_status s3_put(const doctag_ctx *ctx, const char *bucket, const char *key, const void *data,
                     size_t len, const char *content_type);

/* Deletes an object (deleting a missing object is not an error). */
doctag_status s3_delete(const doctag_ctx *ctx, const char *bucket, const char *key);

#endif
