/* A job's tagging configuration: the contract's TaggingConfig JSON to
 * processing options, the rows' column mapping. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "core/json.h"

#include <string.h>

const char *const job_row_fields[6] = { "title", "description", "file_source_type", "file_path",
                                        "publishing_date", "file_size" };

doctag_status job_options_check(const doctag_process_options *o)
{
  if (o->version == 0 || o->version > DOCTAG_PROCESS_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u", o->version);
  if (o->num_pages > 10)
    return err_set(DOCTAG_EINVAL, "num_pages must be between 1 and 10 (got %u)", o->num_pages);
  if (o->num_tags && (o->num_tags < 3 || o->num_tags > 15))
    return err_set(DOCTAG_EINVAL, "num_tags must be between 3 and 15 (got %u)", o->num_tags);
  if (o->ocr != DOCTAG_OCR_AUTO && o->ocr != DOCTAG_OCR_FORCE && o->ocr != DOCTAG_OCR_OFF)
    return err_set(DOCTAG_EINVAL, "ocr must be auto, force or off (got %d)", (int)o->ocr);
  if ((o->exclusion_count && !o->exclusion_words) || (o->vocabulary_count && !o->vocabulary))
    return err_set(DOCTAG_EINVAL, "a term list has a count but no array");
  return DOCTAG_OK;
}

static doctag_status string_list(json_t *v, const char *where, const char *name, char ***out, size_t *count)
{
  *out = NULL;
  *count = 0;
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_array(v))
    return err_set(DOCTAG_EINVAL, "%s.%s must be a list of strings", where, name);
  size_t n = json_array_size(v);
  char **list = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++) {
    json_t *s = json_array_get(v, i);
    if (!json_is_string(s)) {
      g_strfreev(list);
      return err_set(DOCTAG_EINVAL, "%s.%s[%zu] must be a string", where, name, i);
    }
    list[i] = g_strdup(json_string_value(s));
  }
  *out = list;
  *count = n;
  return DOCTAG_OK;
}

static doctag_status opt_string(json_t *obj, const char *where, const char *name, char **out)
{
  *out = NULL;
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_string(v))
    return err_set(DOCTAG_EINVAL, "%s.%s must be a string", where, name);
  if (*json_string_value(v))
    *out = g_strdup(json_string_value(v));
  return DOCTAG_OK;
}

static doctag_status opt_uint(json_t *obj, const char *where, const char *name, unsigned int lo, unsigned int hi,
                              unsigned int *out)
{
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_integer(v))
    return err_set(DOCTAG_EINVAL, "%s.%s must be an integer", where, name);
  json_int_t n = json_integer_value(v);
  if (n < lo || n > hi)
    return err_set(DOCTAG_EINVAL, "%s.%s must be between %u and %u (got %" JSON_INTEGER_FORMAT ")", where, name,
                   lo, hi, n);
  *out = (unsigned int)n;
  return DOCTAG_OK;
}

static doctag_status opt_bool(json_t *obj, const char *where, const char *name, bool *out)
{
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_boolean(v))
    return err_set(DOCTAG_EINVAL, "%s.%s must be true or false", where, name);
  *out = json_is_true(v);
  return DOCTAG_OK;
}

doctag_status job_config_from_json(json_t *obj, const char *where, job_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  doctag_process_options_init(&cfg->opts, DOCTAG_PROCESS_OPTIONS_VERSION);
  if (!obj || json_is_null(obj))
    return DOCTAG_OK;
  if (!json_is_object(obj))
    return err_set(DOCTAG_EINVAL, "%s must be an object", where);
  doctag_status st;
  char *ocr = NULL;
  size_t n = 0;
  if ((st = opt_string(obj, where, "model_name", &cfg->model_name)) ||
      (st = opt_string(obj, where, "api_key", &cfg->api_key)) ||
      (st = opt_string(obj, where, "language", &cfg->languages)) ||
      (st = opt_string(obj, where, "ocr", &ocr)) ||
      (st = opt_uint(obj, where, "num_pages", 1, 10, &cfg->opts.num_pages)) ||
      (st = opt_uint(obj, where, "num_tags", 3, 15, &cfg->opts.num_tags)) ||
      (st = opt_uint(obj, where, "timeout_sec", 1, 86400, &cfg->opts.timeout_sec)) ||
      (st = opt_bool(obj, where, "strict", &cfg->opts.strict)) ||
      (st = string_list(json_object_get(obj, "exclusion_words"), where, "exclusion_words", &cfg->exclusion, &n)))
    goto fail;
  cfg->opts.exclusion_count = n;
  if ((st = string_list(json_object_get(obj, "vocabulary"), where, "vocabulary", &cfg->vocabulary, &n)))
    goto fail;
  cfg->opts.vocabulary_count = n;
  if (ocr) {
    if (!strcmp(ocr, "auto"))
      cfg->opts.ocr = DOCTAG_OCR_AUTO;
    else if (!strcmp(ocr, "force"))
      cfg->opts.ocr = DOCTAG_OCR_FORCE;
    else if (!strcmp(ocr, "off"))
      cfg->opts.ocr = DOCTAG_OCR_OFF;
    else {
      st = err_set(DOCTAG_EINVAL, "%s.ocr must be \"auto\", \"force\" or \"off\" (got \"%.20s\")", where, ocr);
      goto fail;
    }
  }
  if (cfg->languages && !g_regex_match_simple("^[a-z_]{3,16}(\\+[a-z_]{3,16})*$", cfg->languages, 0, 0)) {
    st = err_set(DOCTAG_EINVAL, "%s.language must look like \"eng\" or \"hin+eng\" (got \"%.40s\")", where,
                 cfg->languages);
    goto fail;
  }
  g_free(ocr);
  cfg->opts.model_name = cfg->model_name;
  cfg->opts.api_key = cfg->api_key;
  cfg->opts.languages = cfg->languages;
  cfg->opts.exclusion_words = (const char *const *)cfg->exclusion;
  cfg->opts.vocabulary = (const char *const *)cfg->vocabulary;
  return DOCTAG_OK;
fail:
  g_free(ocr);
  job_config_clear(cfg);
  return st;
}

doctag_status job_config_from_text(const char *text, job_config *cfg)
{
  json_error_t je;
  json_t *o = json_loads(text ? text : "{}", 0, &je);
  if (!o) {
    memset(cfg, 0, sizeof *cfg);
    return err_set(DOCTAG_EINVAL, "job configuration is not JSON: %s", je.text);
  }
  doctag_status st = job_config_from_json(o, "config", cfg);
  json_decref(o);
  return st;
}

void job_config_clear(job_config *cfg)
{
  g_free(cfg->model_name);
  if (cfg->api_key) {
    explicit_bzero(cfg->api_key, strlen(cfg->api_key));
    g_free(cfg->api_key);
  }
  g_free(cfg->languages);
  g_strfreev(cfg->exclusion);
  g_strfreev(cfg->vocabulary);
  memset(cfg, 0, sizeof *cfg);
}

/* The value of column `name` in a row, or NULL. */
static const char *cell(const doctag_row *row, const char *name)
{
  for (size_t i = 0; i < row->field_count; i++)
    if (row->fields[i].name && !strcmp(row->fields[i].name, name))
      return row->fields[i].value;
  return NULL;
}

char *job_row_payload(const doctag_row *row, const doctag_field *mapping, size_t mapping_count)
{
  json_t *o = json_object();
  for (size_t f = 0; f < G_N_ELEMENTS(job_row_fields); f++) {
    const char *ours = job_row_fields[f], *col = ours;
    for (size_t m = 0; m < mapping_count; m++)
      if (mapping[m].name && mapping[m].value && !strcmp(mapping[m].name, ours))
        col = mapping[m].value;
    const char *v = cell(row, col);
    /* Unmapped: the caller's column of our name still counts. */
    if (!v && col != ours)
      v = cell(row, ours);
    if (v) {
      char *trimmed = g_strstrip(g_utf8_make_valid(v, -1));
      json_object_set_new(o, ours, json_string(trimmed));
      g_free(trimmed);
    } else {
      json_object_set_new(o, ours, json_null());
    }
  }
  char *s = jobs_json_dump(o);
  json_decref(o);
  return s;
}

char *jobs_json_dump(json_t *o)
{
  char *g = json_out_dump(o);
  return g ? g : g_strdup("null");
}

char *jobs_json_template_safe(const char *json)
{
  if (!strchr(json, '%'))
    return g_strdup(json);
  GString *out = g_string_sized_new(strlen(json) + 16);
  for (const char *p = json; *p; p++) {
    if (*p == '%')
      g_string_append(out, "\\u0025");
    else
      g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}
