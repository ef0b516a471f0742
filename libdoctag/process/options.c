/* Processing options: versioned initialisation, the one check of their
 * ranges and values, the effective options of a call (defaults filled in),
 * the contract's TaggingConfig JSON parsed into them, and their JSON for
 * history. Every range, default and message of a tagging option is here. */
#include "process/process.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/json.h"

#include <errno.h>
#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The integer members and their ranges (0 in the struct: the default). */
typedef struct uint_range {
  const char *name;
  unsigned int lo, hi;
} uint_range;

static const uint_range NUM_PAGES = { "num_pages", 1, 10 };
static const uint_range NUM_TAGS = { "num_tags", 3, 15 };

static const char *const OCR_NAMES[] = { "auto", "force", "off" };   /* by doctag_ocr_mode */
#define LANGUAGES_PATTERN "^[a-z_]{3,16}(\\+[a-z_]{3,16})*$"

DOCTAG_API doctag_status doctag_process_options_init(doctag_process_options *opts, unsigned int version)
{
  err_clear();
  if (!opts)
    return err_set(DOCTAG_EINVAL, "options are NULL");
  if (version == 0 || version > DOCTAG_PROCESS_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u (this library knows up to %u)",
                   version, DOCTAG_PROCESS_OPTIONS_VERSION);
  doctag_process_options init = DOCTAG_PROCESS_OPTIONS_INIT;
  memcpy(opts, &init, process_options_size(version));
  opts->version = version;
  return DOCTAG_OK;
}

size_t process_options_size(unsigned int version)
{
  /* An older caller's struct ends before the members appended since. */
  if (version == 1)
    return offsetof(doctag_process_options, strict);
  if (version == 2)
    return offsetof(doctag_process_options, first_page);
  return sizeof(doctag_process_options);
}

void process_options_copy(doctag_process_options *dst, const doctag_process_options *src)
{
  doctag_process_options defaults = DOCTAG_PROCESS_OPTIONS_INIT;
  *dst = defaults;
  if (src)
    memcpy(dst, src, process_options_size(src->version));
}

/* "where.name" (or "name"), in buf. */
static const char *path_of(char *buf, size_t size, const char *where, const char *name)
{
  g_snprintf(buf, size, "%s%s%s", where && *where ? where : "", where && *where ? "." : "", name);
  return buf;
}

static doctag_status field_error(const char *where, const char *name, const char *reason, const char *fmt, ...)
  G_GNUC_PRINTF(4, 5);
static doctag_status field_error(const char *where, const char *name, const char *reason, const char *fmt, ...)
{
  char path[128];
  va_list ap;
  va_start(ap, fmt);
  char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  doctag_status st = err_set_field(DOCTAG_EINVAL, path_of(path, sizeof path, where, name), reason, "%s", why);
  g_free(why);
  return st;
}

static doctag_status check_range(const char *where, const uint_range *r, long long n)
{
  if (n < r->lo)
    return field_error(where, r->name, "greater_than_equal", "Input should be greater than or equal to %u", r->lo);
  if (n > r->hi)
    return field_error(where, r->name, "less_than_equal", "Input should be less than or equal to %u", r->hi);
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_process_option_range(unsigned int *lo, unsigned int *hi, const char *name)
{
  static const uint_range *const ranges[] = { &NUM_PAGES, &NUM_TAGS };
  for (size_t i = 0; name && i < G_N_ELEMENTS(ranges); i++)
    if (strcmp(name, ranges[i]->name) == 0) {
      *lo = ranges[i]->lo;
      *hi = ranges[i]->hi;
      return DOCTAG_OK;
    }
  return err_set(DOCTAG_EINVAL, "no numeric option named '%s'", name ? name : "(null)");
}

static doctag_status check_languages(const char *where, const char *languages)
{
  if (languages && *languages && !g_regex_match_simple(LANGUAGES_PATTERN, languages, 0, 0))
    return field_error(where, "language", "string_pattern_mismatch",
                       "Input should look like \"eng\" or \"hin+eng\" (got \"%.40s\")", languages);
  return DOCTAG_OK;
}

doctag_status process_options_check(const doctag_process_options *o, const char *where)
{
  doctag_status st;
  if (o->version == 0 || o->version > DOCTAG_PROCESS_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_process_options version %u", o->version);
  if ((o->num_pages && (st = check_range(where, &NUM_PAGES, o->num_pages))) ||
      (o->num_tags && (st = check_range(where, &NUM_TAGS, o->num_tags))))
    return st;
  if ((unsigned)o->ocr >= G_N_ELEMENTS(OCR_NAMES))
    return field_error(where, "ocr", "literal_error", "Input should be 'auto', 'force' or 'off' (got %d)",
                       (int)o->ocr);
  if (o->exclusion_count && !o->exclusion_words)
    return field_error(where, "exclusion_words", "list_type", "a term list has a count but no array");
  if (o->vocabulary_count && !o->vocabulary)
    return field_error(where, "vocabulary", "list_type", "a term list has a count but no array");
  return check_languages(where, o->languages);
}

doctag_status process_options_effective(const doctag_ctx *ctx, const doctag_process_options *in,
                                        doctag_process_options *out)
{
  doctag_process_options defaults = DOCTAG_PROCESS_OPTIONS_INIT;
  if (!in)
    in = &defaults;
  doctag_status st = process_options_check(in, NULL);
  if (st)
    return st;
  /* A caller built against an older header passed a shorter struct: read
   * only its fields, the later ones keep their defaults. */
  process_options_copy(out, in);
  if (!out->num_pages)
    out->num_pages = PROCESS_DEFAULT_NUM_PAGES;
  if (!out->num_tags)
    out->num_tags = PROCESS_DEFAULT_NUM_TAGS;
  if (out->languages && !*out->languages)
    out->languages = NULL;
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

doctag_status process_llm_key(const doctag_ctx *ctx, const doctag_process_options *o, const char **key)
{
  const char *k = o->api_key && *o->api_key ? o->api_key : ctx->llm_api_key;
  *key = k && *k ? k : NULL;
  const char *model = o->model_name && *o->model_name ? o->model_name : PROCESS_DEFAULT_MODEL;
  if (!*key && strcmp(model, "local") && o->version >= 2 && o->strict)
    return err_set(DOCTAG_EINVAL, "No API key for model '%s'", model);
  return DOCTAG_OK;
}

/* ---- TaggingConfig JSON ---------------------------------------------------
 * Read as the HTTP API always has (FastAPI's lax mode): a member missing or
 * null takes its default, an integer may also be an integral number or a
 * decimal string ("8"), unknown members are ignored. The first member that
 * is wrong, in the contract's order, is the error. */

/* A string member: *out NULL when missing, null or "". */
static doctag_status member_string(json_t *obj, const char *where, const char *name, char **out)
{
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_string(v))
    return field_error(where, name, "string_type", "Input should be a valid string");
  if (*json_string_value(v))
    *out = g_strdup(json_string_value(v));
  return DOCTAG_OK;
}

/* An integer member in its range: *out left alone (0, the default) when
 * missing or null. */
static doctag_status member_uint(json_t *obj, const char *where, const uint_range *r, unsigned int *out)
{
  json_t *v = json_object_get(obj, r->name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  long long n = 0;
  if (json_is_integer(v)) {
    n = json_integer_value(v);
  } else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) && fabs(json_real_value(v)) < 1e15) {
    n = (long long)json_real_value(v);
  } else if (json_is_string(v)) {
    const char *s = json_string_value(v);
    char *end = NULL;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (!*s || *end || errno)
      return field_error(where, r->name, "int_parsing",
                         "Input should be a valid integer, unable to parse string as an integer");
  } else {
    return field_error(where, r->name, "int_type", "Input should be a valid integer");
  }
  doctag_status st = check_range(where, r, n);
  if (!st)
    *out = (unsigned int)n;
  return st;
}

/* A list of strings: *out NULL (and *count 0) when missing, null or []. */
static doctag_status member_strings(json_t *obj, const char *where, const char *name, char ***out, size_t *count)
{
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_array(v))
    return field_error(where, name, "list_type", "Input should be a valid list");
  size_t n = json_array_size(v);
  for (size_t i = 0; i < n; i++) {
    if (!json_is_string(json_array_get(v, i))) {
      char item[96];
      g_snprintf(item, sizeof item, "%s.%zu", name, i);
      return field_error(where, item, "string_type", "Input should be a valid string");
    }
  }
  if (!n)
    return DOCTAG_OK;
  char **list = g_new0(char *, n + 1);
  for (size_t i = 0; i < n; i++)
    list[i] = g_strdup(json_string_value(json_array_get(v, i)));
  *out = list;
  *count = n;
  return DOCTAG_OK;
}

static doctag_status member_bool(json_t *obj, const char *where, const char *name, bool *out)
{
  json_t *v = json_object_get(obj, name);
  if (!v || json_is_null(v))
    return DOCTAG_OK;
  if (!json_is_boolean(v))
    return field_error(where, name, "bool_type", "Input should be a valid boolean");
  *out = json_is_true(v);
  return DOCTAG_OK;
}

static doctag_status member_ocr(json_t *obj, const char *where, doctag_ocr_mode *out)
{
  char *name = NULL;
  doctag_status st = member_string(obj, where, "ocr", &name);
  if (st || !name)
    return st;
  for (size_t i = 0; i < G_N_ELEMENTS(OCR_NAMES); i++) {
    if (!strcmp(name, OCR_NAMES[i])) {
      *out = (doctag_ocr_mode)i;
      g_free(name);
      return DOCTAG_OK;
    }
  }
  g_free(name);
  return field_error(where, "ocr", "literal_error", "Input should be 'auto', 'force' or 'off'");
}

doctag_status process_config_parse(json_t *obj, const char *where, process_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  doctag_process_options_init(&cfg->opts, DOCTAG_PROCESS_OPTIONS_VERSION);
  if (!obj || json_is_null(obj))
    return DOCTAG_OK;
  if (!json_is_object(obj))
    return err_set_field(DOCTAG_EINVAL, where, "model_attributes_type",
                         "Input should be a valid dictionary or object to extract fields from");
  doctag_process_options *o = &cfg->opts;
  doctag_status st;
  if ((st = member_string(obj, where, "api_key", &cfg->api_key)) ||
      (st = member_string(obj, where, "model_name", &cfg->model_name)) ||
      (st = member_uint(obj, where, &NUM_PAGES, &o->num_pages)) ||
      (st = member_uint(obj, where, &NUM_TAGS, &o->num_tags)) ||
      (st = member_strings(obj, where, "exclusion_words", &cfg->exclusion, &o->exclusion_count)) ||
      (st = member_strings(obj, where, "vocabulary", &cfg->vocabulary, &o->vocabulary_count)) ||
      (st = member_string(obj, where, "language", &cfg->languages)) ||
      (st = check_languages(where, cfg->languages)) ||
      (st = member_ocr(obj, where, &o->ocr)) ||
      (st = member_bool(obj, where, "strict", &o->strict))) {
    process_config_clear(cfg);
    return st;
  }
  o->model_name = cfg->model_name;
  o->api_key = cfg->api_key;
  o->languages = cfg->languages;
  o->exclusion_words = (const char *const *)cfg->exclusion;
  o->vocabulary = (const char *const *)cfg->vocabulary;
  return DOCTAG_OK;
}

doctag_status process_config_parse_text(const char *text, size_t len, const char *where, process_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  json_error_t je;
  json_t *o = json_loadb(text ? text : "", text ? len : 0, JSON_DECODE_ANY, &je);
  if (!o)
    return err_set_field(DOCTAG_EINVAL, where, "json_invalid", "not JSON: %s", je.text);
  doctag_status st = process_config_parse(o, where, cfg);
  json_decref(o);
  return st;
}

void process_config_clear(process_config *cfg)
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

struct doctag_tagging_config {
  process_config cfg;
};

DOCTAG_API doctag_status doctag_tagging_config_parse(doctag_tagging_config **out, const char *json, size_t len)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!json && len)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  doctag_tagging_config *c = g_new0(doctag_tagging_config, 1);
  doctag_status st = json && len ? process_config_parse_text(json, len, NULL, &c->cfg)
                                 : process_config_parse(NULL, NULL, &c->cfg);
  if (st) {
    g_free(c);
    return st;
  }
  *out = c;
  return DOCTAG_OK;
}

DOCTAG_API const doctag_process_options *doctag_tagging_config_options(const doctag_tagging_config *config)
{
  return config ? &config->cfg.opts : NULL;
}

DOCTAG_API void doctag_tagging_config_free(doctag_tagging_config *config)
{
  if (!config)
    return;
  process_config_clear(&config->cfg);
  g_free(config);
}

/* ---- the configuration recorded in history -------------------------------- */

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
  json_object_set_new(o, "ocr", json_string((unsigned)opts->ocr < G_N_ELEMENTS(OCR_NAMES) ? OCR_NAMES[opts->ocr]
                                                                                          : "auto"));
  json_object_set_new(o, "strict", json_boolean(opts->strict));
  /* Where reading started, when not at the first page (a v3 caller's). */
  if (opts->version >= 3 && opts->first_page > 1)
    json_object_set_new(o, "first_page", json_integer(opts->first_page));
  /* The API key is never recorded. */
  char *g = json_out_dump(o);
  json_decref(o);
  return g;
}
