/* A document's stored PDF: download and re-processing. */
#include "blob/blob.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/fileout.h"
#include "doctag/history.h"

#include <glib.h>
#include <string.h>

/* "name.pdf" from the document's path or title. */
static char *file_name_of(const doctag_document_record *d)
{
  const char *src = d->file_path && *d->file_path ? d->file_path : d->title;
  char *base = src && *src ? g_path_get_basename(src) : g_strdup("document");
  /* Only a plain name goes into a Content-Disposition header. */
  g_strdelimit(base, "\"\\\r\n;/", '_');
  if (!g_str_has_suffix(base, ".pdf") && !g_str_has_suffix(base, ".PDF")) {
    char *named = g_strconcat(base, ".pdf", NULL);
    g_free(base);
    base = named;
  }
  return base;
}

static doctag_status load_file(doctag_ctx *ctx, const char *user_id, const char *document_id, GBytes **bytes,
                               char **name)
{
  doctag_document_detail *doc = NULL;
  doctag_status st = doctag_history_document(ctx, &doc, user_id, document_id);
  if (st)
    return st;
  const doctag_document_record *d = doctag_document_detail_record(doc);
  if (!d->sha256 || !*d->sha256) {
    doctag_document_detail_free(doc);
    return err_set(DOCTAG_ENOTFOUND, "No stored file for this document");
  }
  st = blob_get(ctx, d->sha256, 0, bytes);
  if (st == DOCTAG_ENOTFOUND)
    st = err_set(DOCTAG_ENOTFOUND, "No stored file for this document");
  if (!st)
    *name = file_name_of(d);
  doctag_document_detail_free(doc);
  return st;
}

DOCTAG_API doctag_status doctag_history_document_file(doctag_ctx *ctx, const char *user_id, const char *document_id,
                                                      void **data, size_t *len, char **file_name)
{
  doctag_status st = fileout_begin(ctx, data, len, file_name);
  if (st)
    return st;
  GBytes *bytes = NULL;
  char *name = NULL;
  if ((st = load_file(ctx, user_id, document_id, &bytes, &name)))
    return st;
  fileout_give(bytes, name, data, len, file_name);
  return DOCTAG_OK;
}

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
  doctag_status st = load_file(ctx, user_id, document_id, &bytes, &name);
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
