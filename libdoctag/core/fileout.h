/* Internal: calls that hand a file (a PDF) back to the caller as a
 * malloc'd buffer, its length and a file name (doctag_fetch_url,
 * doctag_history_document_file). */
#ifndef DOCTAG_CORE_FILEOUT_H
#define DOCTAG_CORE_FILEOUT_H

#include "doctag/context.h"
#include <glib.h>

/* Clears the error and the out-parameters; DOCTAG_EINVAL when ctx, data or
 * len is NULL (file_name may be). */
doctag_status fileout_begin(const doctag_ctx *ctx, void **data, size_t *len, char **file_name);

/* Hands the file over: the bytes (released) and the name (owned; freed when
 * file_name is NULL). */
void fileout_give(GBytes *bytes, char *name, void **data, size_t *len, char **file_name);

#endif
