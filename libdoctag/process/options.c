/* Processing options: versioned initialisation, the effective options of a
 * call (defaults filled in, ranges checked) and their JSON for history. */
#include "process/process.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/json.h"

#include <glib.h>
#include <jansson.h>

DOCTAG_API doctag_status doctag_process_options_init(doctag_process_options *opts, unsigned int version)
{
  err_clear();
  if (!opts)
    return err_set(DOCTAG_EINVAL, "options are NULL");
  if (version == 0 || version > DOCTAG_PROCESS_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u (this library knows up to %u)",
                   version, DOCTAG_PROCESS_OPTIONS_VERSION);
  doctag_process_options init = DOCTAG_PROCESS_OPTIONS_INIT;
  *opts = init;
  opts->version = version;
  return DOCTAG_OK;
}

doctag_status process_options_effective(const doctag_ctx *ctx, const doctag_process_options *in,
                                        doctag_process_options *out)
{
  doctag_process_options defaults = DOCTAG_PROCESS_OPTIONS_INIT;
  if (!in)
    in = &defaults;
  if (in->version == 0 || in->version > DOCTAG_PROCESS_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u", in->version);
  *out = *in;
  if (!out->num_pages)
    out->num_pages = PROCESS_DEFAULT_NUM_PAGES;
  if (!out->num_tags)
    out->num_tags = PROCESS_DEFAULT_NUM_TAGS;
  if (out->num_pages > 10)
    return err_set(DOCTAG_EINVAL, "num_pages must be between 1 and 10 (got %u)", out->num_pages);
  if (out->num_tags < 3 || out->num_tags > 15)
    return err_set(DOCTAG_EINVAL, "num_tags must be between 3 and 15 (got %u)", out->num_tags);
  if (out->ocr != DOCTAG_OCR_AUTO && out->ocr != DOCTAG_OCR_FORCE && out->ocr != DOCTAG_OCR_OFF)
    return err_set(DOCTAG_EINVAL, "ocr must be auto, force or off (got %d)", (int)out->ocr);
  if ((out->exclusion_count && !out->exclusion_words) || (out->vocabulary_count && !out->vocabulary))
    return err_set(DOCTAG_EINVAL, "a term list has a count but no array");
  if (out->languages && !*out->languages)
    out->languages = NULL;
  if (out->languages && !g_regex_match_simple("^[a-z_]{3,16}(\\+[a-z_]{3,16})*$", out->languages, 0, 0))
    return err_set(DOCTAG_EINVAL, "languages must look like \"eng\" or \"hin+eng\" (got \"%.40s\")",
                   out->languages);
  if (!out->model_name || !*out->model_name)
    out->model_name = PROCESS_DEFAULT_MODEL;
  if (!out->max_file_bytes)
    out->max_file_bytes = ctx->max_file_bytes;
  if (!out->max_pages)
    out->max_pages = ctx->max_pages;
  if (!out->timeout_sec)
    out->timeout_sec = ctx->timeout_sec;
  return DOCTAG_OK;
}

static const char *valid(const char *s)
{
  return s && g_utf8_validate(s, -1, NULL) ? s : NULL;
}

static json_t *strv_json(const char *const *v, size_t n)
{
  if (!v)
    return json_null();
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    if (v[i] && g_utf8_validate(v[i], -1, NULL))
      json_array_append_new(a, json_string(v[i]));
  return a;
}

char *process_config_json(const doctag_process_options *opts)
{
  static const char *const ocr_modes[] = { "auto", "force", "off" };
  doctag_process_options d = DOCTAG_PROCESS_OPTIONS_INIT;
  if (!opts)
    opts = &d;
  json_t *o = json_object();
  json_object_set_new(o, "model_name", json_string(valid(opts->model_name) ? opts->model_name
                                                                           : PROCESS_DEFAULT_MODEL));
  json_object_set_new(o, "num_pages", json_integer(opts->num_pages ? opts->num_pages : PROCESS_DEFAULT_NUM_PAGES));
  json_object_set_new(o, "num_tags", json_integer(opts->num_tags ? opts->num_tags : PROCESS_DEFAULT_NUM_TAGS));
  json_object_set_new(o, "exclusion_words", strv_json(opts->exclusion_words, opts->exclusion_count));
  json_object_set_new(o, "vocabulary", strv_json(opts->vocabulary, opts->vocabulary_count));
  json_object_set_new(o, "language", valid(opts->languages) ? json_string(opts->languages) : json_null());
  json_object_set_new(o, "ocr", json_string((unsigned)opts->ocr < 3 ? ocr_modes[opts->ocr] : "auto"));
  /* The API key is never recorded. */
  char *g = json_out_dump(o);
  json_decref(o);
  return g;
}

