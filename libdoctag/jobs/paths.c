/* POST /api/batch/validate-paths: can each source be read? URLs through the
 * URL guard and a HEAD (fetch_url_probe), S3 objects with a HEAD, local
 * files inside the allowed roots. Nothing is downloaded. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "fetch/fetch.h"
#include "fetch/s3.h"

#include <string.h>
#include <sys/stat.h>

typedef struct path_result {
  char *path;
  bool valid;
  char *error;
  char *content_type;
  int64_t size;
} path_result;

struct doctag_path_report {
  GPtrArray *items;   /* path_result* */
};

static void path_result_free(gpointer p)
{
  path_result *r = p;
  g_free(r->path);
  g_free(r->error);
  g_free(r->content_type);
  g_free(r);
}

static void set_error(path_result *r, const char *msg)
{
  r->valid = false;
  g_free(r->error);
  r->error = g_strdup(msg && *msg ? msg : "Request failed");
}

static void check_url(doctag_ctx *ctx, const char *url, path_result *r)
{
  if (g_ascii_strncasecmp(url, "http://", 7) && g_ascii_strncasecmp(url, "https://", 8)) {
    set_error(r, "URL must start with http:// or https://");
    return;
  }
  fetch_opts o = fetch_opts_from_ctx(ctx);
  o.timeout_sec = 15;
  fetch_probe p = { 0 };
  doctag_status st = fetch_url_probe(&o, url, &p);
  if (st == DOCTAG_EURL) {
    char *m = g_strdup_printf(FETCH_URL_REFUSED "%s", doctag_error_last()->message);
    set_error(r, m);
    g_free(m);
  } else if (st == DOCTAG_ETIMEOUT) {
    set_error(r, "Request timed out");
  } else if (st) {
    set_error(r, doctag_error_last()->message);   /* "HTTP 404", "Request failed: ..." */
  } else {
    r->valid = true;
    r->content_type = p.content_type ? g_strdup(p.content_type) : NULL;
    r->size = p.size;
  }
  fetch_probe_clear(&p);
}

static void check_s3(doctag_ctx *ctx, const char *uri, path_result *r)
{
  if (!s3_configured()) {
    set_error(r, "S3 client not configured");
    return;
  }
  char *bucket = NULL, *key = NULL;
  if (s3_parse_uri(uri, &bucket, &key)) {
    set_error(r, "Invalid S3 path format");
    return;
  }
  char *ct = NULL;
  int64_t size = -1;
  if (s3_head(ctx, bucket, key, &size, &ct)) {
    set_error(r, doctag_error_last()->message);
  } else {
    r->valid = true;
    r->size = size;
    r->content_type = ct;
    ct = NULL;
  }
  g_free(ct);
  g_free(bucket);
  g_free(key);
}

static void check_local(doctag_ctx *ctx, const char *path, path_result *r)
{
  char *real = NULL;
  if (fetch_local_check(ctx, path, &real)) {
    set_error(r, doctag_error_last()->message);
    return;
  }
  struct stat sb;
  if (stat(real, &sb) != 0) {
    char *m = g_strdup_printf("File not found: %s", path);
    set_error(r, m);
    g_free(m);
  } else if (!S_ISREG(sb.st_mode)) {
    set_error(r, "Not a file");
  } else {
    r->valid = true;
    r->size = (int64_t)sb.st_size;
    r->content_type = g_strdup(g_str_has_suffix(real, ".pdf") || g_str_has_suffix(real, ".PDF")
                                 ? "application/pdf" : "application/octet-stream");
  }
  g_free(real);
}

DOCTAG_API doctag_status doctag_paths_validate(doctag_ctx *ctx, doctag_path_report **out, const doctag_path_spec *paths,
                                               size_t count)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx || (count && !paths))
    return err_set(DOCTAG_EINVAL, "ctx and paths are required");
  doctag_path_report *rep = g_new0(doctag_path_report, 1);
  rep->items = g_ptr_array_new_with_free_func(path_result_free);
  for (size_t i = 0; i < count; i++) {
    path_result *r = g_new0(path_result, 1);
    const char *p = paths[i].path ? paths[i].path : "";
    const char *type = paths[i].type ? paths[i].type : "";
    r->path = g_strdup(p);
    r->size = -1;
    char *trimmed = g_strstrip(g_strdup(p));
    if (!*trimmed)
      set_error(r, "Empty path");
    else if (!strcmp(type, "url"))
      check_url(ctx, trimmed, r);
    else if (!strcmp(type, "s3"))
      check_s3(ctx, trimmed, r);
    else if (!strcmp(type, "local"))
      check_local(ctx, trimmed, r);
    else {
      char *m = g_strdup_printf("Unknown path type: %s", type);
      set_error(r, m);
      g_free(m);
    }
    g_free(trimmed);
    g_ptr_array_add(rep->items, r);
  }
  err_clear();
  *out = rep;
  return DOCTAG_OK;
}

static const path_result *item(const doctag_path_report *r, size_t i)
{
  return r && i < r->items->len ? g_ptr_array_index(r->items, i) : NULL;
}

DOCTAG_API size_t doctag_path_report_count(const doctag_path_report *r) { return r ? r->items->len : 0; }

DOCTAG_API bool doctag_path_report_valid(const doctag_path_report *r, size_t i)
{
  const path_result *p = item(r, i);
  return p && p->valid;
}

DOCTAG_API const char *doctag_path_report_error(const doctag_path_report *r, size_t i)
{
  const path_result *p = item(r, i);
  return p ? (p->error ? p->error : "") : NULL;
}

DOCTAG_API const char *doctag_path_report_content_type(const doctag_path_report *r, size_t i)
{
  const path_result *p = item(r, i);
  return p ? (p->content_type ? p->content_type : "") : NULL;
}

DOCTAG_API int64_t doctag_path_report_size(const doctag_path_report *r, size_t i)
{
  const path_result *p = item(r, i);
  return p ? p->size : -1;
}

DOCTAG_API doctag_status doctag_path_report_to_json(const doctag_path_report *r, char **json)
{
  err_clear();
  if (!r || !json)
    return err_set(DOCTAG_EINVAL, "report and json must not be NULL");
  json_t *arr = json_array();
  size_t valid = 0;
  for (guint i = 0; i < r->items->len; i++) {
    const path_result *p = g_ptr_array_index(r->items, i);
    valid += p->valid;
    json_array_append_new(arr, json_pack("{s:s, s:b, s:o, s:o, s:o}", "path", p->path, "valid", p->valid, "error",
                                         p->error ? json_string(p->error) : json_null(), "content_type",
                                         p->content_type ? json_string(p->content_type) : json_null(), "size",
                                         p->size >= 0 ? json_integer(p->size) : json_null()));
  }
  json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "results", arr, "total", (json_int_t)r->items->len, "valid_count",
                        (json_int_t)valid, "invalid_count", (json_int_t)(r->items->len - valid));
  *json = jobs_json_dump(o);
  json_decref(o);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_path_report_free(doctag_path_report *r)
{
  if (!r)
    return;
  g_ptr_array_free(r->items, TRUE);
  g_free(r);
}
