/* Processing a document of a user's history again, from its stored PDF. */
#include "process/process.h"
#include "core/error.h"
#include "doctag/history.h"
#include "history/history.h"

#include <glib.h>

DOCTAG_API doctag_status doctag_history_document_reprocess(doctag_ctx *ctx, doctag_result **out, const char *user_id,
                                                           const char *document_id,
                                                           const doctag_process_options *opts)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  if (opts) {
    if (opts->version == 0 || opts->version > DOCTAG_PROCESS_OPTIONS_VERSION)
      return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u", opts->version);
    o = *opts;
  }
  GBytes *bytes = NULL;
  char *name = NULL;
  doctag_status st = history_document_blob(ctx, user_id, document_id, &bytes, &name);
  if (st)
    return st;
  o.user_id = user_id;
  if (!o.file_name)
    o.file_name = name;
  gsize n = 0;
  const void *data = g_bytes_get_data(bytes, &n);
  st = doctag_process_buffer(ctx, out, data, n, &o);
  g_bytes_unref(bytes);
  g_free(name);
  return st;
}
