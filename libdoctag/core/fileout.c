/* Handing a file back to the caller (fileout.h). */
#include "core/fileout.h"
#include "core/error.h"

doctag_status fileout_begin(const doctag_ctx *ctx, void **data, size_t *len, char **file_name)
{
  err_clear();
  if (!ctx || !data || !len)
    return err_set(DOCTAG_EINVAL, "ctx, data and len must not be NULL");
  *data = NULL;
  *len = 0;
  if (file_name)
    *file_name = NULL;
  return DOCTAG_OK;
}

void fileout_give(GBytes *bytes, char *name, void **data, size_t *len, char **file_name)
{
  gsize n = 0;
  *data = g_bytes_unref_to_data(bytes, &n);
  *len = n;
  if (file_name)
    *file_name = name;
  else
    g_free(name);
}
