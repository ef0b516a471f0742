/* Internal: getting PDF bytes from files and URLs, with their guards. */
#ifndef DOCTAG_FETCH_H
#define DOCTAG_FETCH_H

#include "core/ctx.h"
#include <glib.h>

/* Reads a local file up to max_bytes (DOCTAG_ELIMIT past it).
 * Errors: DOCTAG_ENOTFOUND, DOCTAG_EIO, DOCTAG_EINVAL (not a regular file). */
doctag_status fetch_file(const char *path, uint64_t max_bytes, GBytes **out);

/* Checks a URL against the guard without fetching: scheme http(s), host
 * resolves, no private/loopback/link-local/multicast address unless the
 * context allows them. DOCTAG_EURL with the reason as the message. */
doctag_status fetch_url_check(const doctag_ctx *ctx, const char *url);

/* Downloads a PDF: guard on every hop (redirects re-checked), size cap,
 * timeout, body must start with "%PDF-". *name gets a file name from the URL
 * path (g_malloc) when name is not NULL.
 * Errors: DOCTAG_EURL (refused), DOCTAG_EFETCH (network, HTTP status),
 * DOCTAG_ELIMIT, DOCTAG_ETIMEOUT, DOCTAG_EPDF (not a PDF). */
doctag_status fetch_url(const doctag_ctx *ctx, const char *url, uint64_t max_bytes,
                        unsigned int timeout_sec, GBytes **out, char **name);

#endif
