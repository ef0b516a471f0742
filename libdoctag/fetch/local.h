/* Internal: local files as batch sources, confined to DOCTAG_ALLOWED_ROOTS. */
#ifndef DOCTAG_FETCH_LOCAL_H
#define DOCTAG_FETCH_LOCAL_H

#include "core/ctx.h"
#include <glib.h>

/* Checks that `path` names a regular file inside one of the context's
 * allowed roots (colon-separated, compared after realpath(), so neither ".."
 * nor a symbolic link leads out). Messages are the contract's:
 * "Empty path", "Relative paths not supported" (DOCTAG_EINVAL),
 * "Path not allowed: <p>" (DOCTAG_EURL), "File not found: <p>"
 * (DOCTAG_ENOTFOUND), "Not a file" (DOCTAG_EINVAL).
 * *size (may be NULL) gets the file's size. */
doctag_status fetch_local_check(const doctag_ctx *ctx, const char *path, int64_t *size);

/* Reads the file after the same checks, opening it beneath its root so that
 * a path swapped for a symbolic link after the check cannot escape.
 * DOCTAG_ELIMIT past max_bytes. */
doctag_status fetch_local(const doctag_ctx *ctx, const char *path, uint64_t max_bytes, GBytes **out);

#endif
