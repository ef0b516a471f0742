/* One way from any source of a document to its bytes, for single documents
 * (process/) and batch rows (jobs/) alike: which fetcher, which guard, the
 * size cap and the download time cap are chosen here once. */
#include "fetch/fetch.h"
#include "core/error.h"
#include "fetch/s3.h"

#include <string.h>

fetch_kind fetch_kind_of_url(const char *url)
{
  return url && g_str_has_prefix(url, "s3://") ? FETCH_S3 : FETCH_URL;
}

static const struct {
  fetch_kind kind;
  const char *name;
} KINDS[] = {
  { FETCH_UPLOAD, "upload" }, { FETCH_FILE, "local" }, { FETCH_LOCAL, "local" },
  { FETCH_URL, "url" }, { FETCH_S3, "s3" },
};

const char *fetch_kind_name(fetch_kind kind)
{
  for (size_t i = 0; i < G_N_ELEMENTS(KINDS); i++)
    if (KINDS[i].kind == kind)
      return KINDS[i].name;
  return "upload";
}

doctag_status fetch_kind_parse(const char *type, fetch_kind *out)
{
  char *t = g_strstrip(g_ascii_strdown(type ? type : "", -1));
  /* A batch row names where its file is: never an upload, and "local"
   * there is an untrusted path. */
  static const fetch_kind row_kinds[] = { FETCH_URL, FETCH_S3, FETCH_LOCAL };
  for (size_t i = 0; i < G_N_ELEMENTS(row_kinds); i++) {
    if (!strcmp(t, fetch_kind_name(row_kinds[i]))) {
      *out = row_kinds[i];
      g_free(t);
      return DOCTAG_OK;
    }
  }
  g_free(t);
  return err_set(DOCTAG_EINVAL, "Unknown file source type: %s", type ? type : "");
}

static doctag_status get_s3(const doctag_ctx *ctx, const char *uri, uint64_t max_bytes, unsigned int timeout_sec,
                            GBytes **out, char **name)
{
  char *bucket = NULL, *key = NULL;
  doctag_status st = s3_parse_uri(uri, &bucket, &key);
  if (!st)
    st = s3_get(ctx, bucket, key, max_bytes, timeout_sec, out);
  if (st == DOCTAG_ENOTFOUND)
    st = err_set(DOCTAG_EFETCH, "%s", doctag_error_last()->message);
  if (!st && name) {
    const char *slash = strrchr(key, '/');
    *name = g_strdup(slash && slash[1] ? slash + 1 : key);
  }
  g_free(bucket);
  g_free(key);
  return st;
}

doctag_status fetch_source_get(const doctag_ctx *ctx, const fetch_source *src, uint64_t max_bytes,
                               unsigned int timeout_sec, GBytes **out, char **name)
{
  *out = NULL;
  if (name)
    *name = NULL;
  if (!max_bytes)
    max_bytes = ctx && ctx->max_file_bytes ? ctx->max_file_bytes : FETCH_DEFAULT_MAX_BYTES;
  if (src->kind == FETCH_UPLOAD) {
    if (!src->data && src->len)
      return err_set(DOCTAG_EINVAL, "data is NULL");
    if (src->len > max_bytes)
      return err_set(DOCTAG_ELIMIT, "file is %.1f MB, over the limit of %.1f MB", src->len / 1048576.0,
                     max_bytes / 1048576.0);
    *out = g_bytes_new_static(src->data ? src->data : "", src->len);
    return DOCTAG_OK;
  }
  if (!src->where || !*src->where)
    return err_set(DOCTAG_EINVAL, src->kind == FETCH_URL || src->kind == FETCH_S3 ? "URL is empty" : "path is empty");
  doctag_status st;
  switch (src->kind) {
  case FETCH_FILE:
    st = fetch_file(src->where, max_bytes, out);
    break;
  case FETCH_LOCAL:
    st = fetch_local(ctx, src->where, max_bytes, out);
    break;
  case FETCH_URL:
    /* One cap for every download, whatever the caller's own time limit. */
    return fetch_url(ctx, src->where, max_bytes,
                     timeout_sec && timeout_sec < FETCH_DEFAULT_TIMEOUT_SEC ? timeout_sec : FETCH_DEFAULT_TIMEOUT_SEC,
                     out, name);
  case FETCH_S3:
    return get_s3(ctx, src->where, max_bytes, timeout_sec, out, name);
  default:
    return err_set(DOCTAG_EINTERNAL, "unknown source kind %d", (int)src->kind);
  }
  if (!st && name)
    *name = g_path_get_basename(src->where);
  return st;
}
