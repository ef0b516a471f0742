/* A document's stored PDF: its bytes and name, for download and for
 * re-processing (process/reprocess.c). */
#include "blob/blob.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/fileout.h"
#include "doctag/history.h"
#include "history/history.h"

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

doctag_status history_document_blob(doctag_ctx *ctx, const char *user_id, const char *document_id, GBytes **bytes,
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
  if ((st = history_document_blob(ctx, user_id, document_id, &bytes, &name)))
    return st;
  fileout_give(bytes, name, data, len, file_name);
  return DOCTAG_OK;
}
