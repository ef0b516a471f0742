/* Recording a processing call's outcome (doctag_process_* with a user id)
 * in history, as a "single" job holding that one document. */
#include "process/process.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/json.h"
#include "history/history.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *dump(json_t *j)
{
  char *g = json_out_dump(j);
  json_decref(j);
  return g;
}

static const char *valid(const char *s)
{
  return s && g_utf8_validate(s, -1, NULL) ? s : NULL;
}

static json_t *num_or_null(double v)
{
  return v < 0 ? json_null() : json_real(v);
}

/* The processing metadata of a result (the WebSocket's "metadata" fields
 * and more). */
static char *metadata_json(const doctag_result *r)
{
  json_t *o = json_object(), *details = json_array();
  for (size_t i = 0; i < doctag_result_tag_count(r); i++) {
    const char *t = valid(doctag_result_tag_at(r, i));
    if (t)
      json_array_append_new(details, json_pack("{s:s, s:f, s:b}", "tag", t, "score",
                                               doctag_result_tag_score(r, i), "evidence",
                                               doctag_result_tag_evidence(r, i)));
  }
  double conf = doctag_result_ocr_confidence(r);
  json_object_set_new(o, "is_scanned", json_boolean(doctag_result_is_scanned(r)));
  json_object_set_new(o, "extraction_method", json_string(valid(doctag_result_extraction_method(r)) ?: ""));
  json_object_set_new(o, "ocr_confidence", num_or_null(conf < 0 ? -1 : ((long)(conf * 100 + 0.5)) / 100.0));
  json_object_set_new(o, "page_count", json_integer(doctag_result_page_count(r)));
  json_object_set_new(o, "pages_read", json_integer(doctag_result_pages_read(r)));
  json_object_set_new(o, "text_length", json_integer((json_int_t)doctag_result_text_length(r)));
  json_object_set_new(o, "tokens_used", json_integer(doctag_result_tokens_used(r)));
  json_object_set_new(o, "processing_time", json_real(((long)(doctag_result_processing_time(r) * 100 + 0.5)) / 100.0));
  json_object_set_new(o, "detected_language", json_string(valid(doctag_result_language(r)) ?: ""));
  json_object_set_new(o, "quality", json_string(valid(doctag_result_quality(r)) ?: ""));
  json_object_set_new(o, "needs_review", json_boolean(doctag_result_needs_review(r)));
  json_object_set_new(o, "model_name", json_string(valid(doctag_result_model_name(r)) ?: ""));
  json_object_set_new(o, "tag_details", details);
  json_t *warnings = json_array();
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    json_array_append_new(warnings, json_string(doctag_result_warning_at(r, i)));
  json_object_set_new(o, "warnings", warnings);
  /* Per page, as in the process response: the web app's document page shows them. */
  json_t *pages = json_array();
  for (unsigned int i = 0; i < doctag_result_pages_read(r); i++) {
    doctag_page_method m = doctag_result_page_method(r, i);
    double pc = doctag_result_page_confidence(r, i);
    json_array_append_new(pages, json_pack("{s:i, s:s, s:o}", "page", (int)(doctag_result_first_page(r) + i),
                                           "method",
                                           m == DOCTAG_PAGE_TEXT ? "text_layer" : m == DOCTAG_PAGE_OCR ? "ocr_tesseract" : "empty",
                                           "ocr_confidence", num_or_null(pc < 0 ? -1 : ((long)(pc * 100 + 0.5)) / 100.0)));
  }
  json_object_set_new(o, "pages", pages);
  return dump(o);
}

doctag_status process_record_result(doctag_ctx *ctx, const doctag_process_options *opts,
                                    const doctag_result *r, const char *source_type, const char *file_path,
                                    int64_t file_size, int64_t started_us, char **doc_id)
{
  if (doc_id)
    *doc_id = NULL;
  if (!opts || !opts->user_id || !r)
    return err_set(DOCTAG_EINVAL, "history: a user id and a result are required");
  size_t n = doctag_result_tag_count(r);
  const char **tags = g_new0(const char *, n + 1);
  for (size_t i = 0; i < n; i++)
    tags[i] = doctag_result_tag_at(r, i);
  const char *sha = doctag_result_sha256(r);
  char *meta = metadata_json(r), *config = process_config_json(opts);
  history_doc d = {
    .title = doctag_result_title(r),
    .file_path = file_path,
    .file_source_type = source_type,
    .sha256 = sha && *sha ? sha : NULL,
    .file_size = file_size,
    .status = "completed",
    .tags = tags,
    .tag_count = n,
    .text = doctag_result_text(r),
    .text_len = doctag_result_text_length(r),
    .text_cap = ctx->max_text_bytes,
    .metadata_json = meta,
    .terms = r->terms ? (const char *const *)r->terms->pdata : NULL,
    .term_count = r->terms ? r->terms->len : 0,
  };
  doctag_status st = history_record_single(ctx, opts->user_id, config, &d, started_us, NULL, doc_id);
  g_free(tags);
  g_free(meta);
  g_free(config);
  return st;
}

doctag_status process_record_failure(doctag_ctx *ctx, const doctag_process_options *opts, const char *title,
                                     const char *source_type, const char *file_path, int64_t file_size,
                                     const char *message, int64_t started_us, char **doc_id)
{
  if (doc_id)
    *doc_id = NULL;
  if (!opts || !opts->user_id)
    return err_set(DOCTAG_EINVAL, "history: a user id is required");
  /* The message may be the thread's error text, which recording can
   * overwrite: keep a copy. */
  char *msg = g_strdup(message), *name = NULL;
  if (!title && file_path)
    title = name = g_path_get_basename(file_path);
  char *config = process_config_json(opts);
  history_doc d = {
    .title = title,
    .file_path = file_path,
    .file_source_type = source_type,
    .file_size = file_size,
    .status = "failed",
    .error_message = msg,
  };
  doctag_status st = history_record_single(ctx, opts->user_id, config, &d, started_us, NULL, doc_id);
  g_free(config);
  g_free(name);
  g_free(msg);
  return st;
}
