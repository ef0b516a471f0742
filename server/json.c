/* Request parsing with jansson, and the 422 validation errors in the shape
 * FastAPI gives them: {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}. */
#include "server.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- validation errors --------------------------------------------------- */

/* A location part: digits become an integer (a list index), as in FastAPI. */
static json_t *loc_part(const char *s)
{
  if (*s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 9)
    return json_integer(strtol(s, NULL, 10));
  return json_string(s);
}

void srv_invalid_add(srv_invalid *v, const char *msg, const char *type, const char *loc0, ...)
{
  json_t *loc = json_array();
  va_list ap;
  va_start(ap, loc0);
  for (const char *p = loc0; p; p = va_arg(ap, const char *)) {
    /* A part may itself be a dotted path ("config.num_tags"). */
    char **bits = g_strsplit(p, ".", -1);
    for (char **b = bits; *b; b++)
      if (**b)
        json_array_append_new(loc, loc_part(*b));
    g_strfreev(bits);
  }
  va_end(ap);
  if (!v->errors)
    v->errors = json_array();
  json_array_append_new(v->errors, json_pack("{s:o, s:s, s:s}", "loc", loc, "msg", msg, "type", type));
}

bool srv_invalid_any(const srv_invalid *v)
{
  return v->errors && json_array_size(v->errors) > 0;
}

void srv_reply_invalid(srv_reply *r, srv_invalid *v)
{
  json_t *errors = v->errors ? v->errors : json_array();
  v->errors = NULL;
  srv_reply_json(r, 422, json_pack("{s:o}", "detail", errors));
}

void srv_invalid_clear(srv_invalid *v)
{
  json_decref(v->errors);
  v->errors = NULL;
}

/* ---- bodies -------------------------------------------------------------- */

void srv_body_get(struct http_request *req, srv_body *out)
{
  out->mem = NULL;
  out->fd = -1;
  out->len = 0;
  /* After the body is complete kore rewinds it: http_body_length is the
   * whole length, the buffer or file holds it from the start. */
  if (req->http_body_fd != -1) {
    out->fd = req->http_body_fd;
    out->len = req->content_length;
  } else if (req->http_body) {
    out->mem = req->http_body->data;
    out->len = req->http_body_length;
  }
}

const unsigned char *srv_body_map(const srv_body *b, size_t *map_len, srv_reply *reply)
{
  *map_len = 0;
  if (b->mem || b->len == 0)
    return b->mem ? b->mem : (const unsigned char *)"";
  void *p = mmap(NULL, b->len, PROT_READ, MAP_PRIVATE, b->fd, 0);
  if (p == MAP_FAILED) {
    srv_reply_detail(reply, 500, "Cannot read the request body: %s", g_strerror(errno));
    return NULL;
  }
  *map_len = b->len;
  return p;
}

void srv_body_unmap(const unsigned char *p, size_t map_len)
{
  if (p && map_len)
    munmap((void *)p, map_len);
}

json_t *srv_json_object(const unsigned char *data, size_t len, srv_invalid *v)
{
  json_error_t jerr;
  json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    char pos[32];
    g_snprintf(pos, sizeof pos, "%d", jerr.position);
    srv_invalid_add(v, "JSON decode error", "json_invalid", "body", pos, NULL);
    return NULL;
  }
  if (!json_is_object(root)) {
    json_decref(root);
    srv_invalid_add(v, "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type", "body", NULL);
    return NULL;
  }
  return root;
}

/* ---- fields -------------------------------------------------------------- */

const char *srv_field_string(json_t *obj, srv_invalid *v, const char *loc0, const char *path,
                             const char *name, bool required)
{
  json_t *f = obj ? json_object_get(obj, name) : NULL;
  if (!f || (json_is_null(f) && !required)) {
    if (required)
      srv_invalid_add(v, "Field required", "missing", loc0, path ? path : "", name, NULL);
    return NULL;
  }
  if (!json_is_string(f)) {
    srv_invalid_add(v, "Input should be a valid string", "string_type", loc0, path ? path : "", name, NULL);
    return NULL;
  }
  return json_string_value(f);
}

long srv_field_int(json_t *obj, srv_invalid *v, const char *loc0, const char *path, const char *name,
                   long min, long max, long def)
{
  json_t *f = obj ? json_object_get(obj, name) : NULL;
  const char *p = path ? path : "";
  if (!f || json_is_null(f))
    return def;
  long n = 0;
  if (json_is_integer(f)) {
    n = (long)json_integer_value(f);
  } else if (json_is_real(f) && json_real_value(f) == floor(json_real_value(f)) &&
             fabs(json_real_value(f)) < 1e15) {
    n = (long)json_real_value(f);
  } else if (json_is_string(f)) {
    /* FastAPI (pydantic, lax mode) takes "8" for 8. */
    const char *s = json_string_value(f);
    char *end = NULL;
    errno = 0;
    n = strtol(s, &end, 10);
    if (!*s || *end || errno) {
      srv_invalid_add(v, "Input should be a valid integer, unable to parse string as an integer",
                      "int_parsing", loc0, p, name, NULL);
      return def;
    }
  } else {
    srv_invalid_add(v, "Input should be a valid integer", "int_type", loc0, p, name, NULL);
    return def;
  }
  char msg[80];
  if (n < min) {
    g_snprintf(msg, sizeof msg, "Input should be greater than or equal to %ld", min);
    srv_invalid_add(v, msg, "greater_than_equal", loc0, p, name, NULL);
    return def;
  }
  if (n > max) {
    g_snprintf(msg, sizeof msg, "Input should be less than or equal to %ld", max);
    srv_invalid_add(v, msg, "less_than_equal", loc0, p, name, NULL);
    return def;
  }
  return n;
}

static void tagging_sync(srv_tagging *t)
{
  t->opts.exclusion_words = t->exclusion->len ? (const char *const *)t->exclusion->pdata : NULL;
  t->opts.exclusion_count = t->exclusion->len;
}

/* The library parses and checks the configuration: its ranges, defaults and
 * messages are written there once. A refused member becomes the 422 entry
 * located at loc0/path/<the library's field path>. */
bool srv_tagging_read(srv_tagging *t, json_t *config, srv_invalid *v, const char *loc0, const char *path)
{
  memset(t, 0, sizeof *t);
  doctag_process_options init = DOCTAG_PROCESS_OPTIONS_INIT;
  t->opts = init;
  t->exclusion = g_ptr_array_new();
  /* A config that is not an object (null too: the request models require
   * one) goes as "[]", which the library refuses as not an object. */
  char *text = json_is_object(config) ? json_dumps(config, JSON_COMPACT) : NULL;
  const char *given = text ? text : "[]";
  if (doctag_tagging_config_parse(&t->config, given, strlen(given)) != DOCTAG_OK) {
    const doctag_error *e = doctag_error_last();
    const char *msg = e->message;
    size_t n = strlen(e->field);
    if (n && !strncmp(msg, e->field, n) && !strncmp(msg + n, ": ", 2))
      msg += n + 2;
    srv_invalid_add(v, msg, *e->reason ? e->reason : "value_error", loc0, path ? path : "", e->field, NULL);
    free(text);
    return false;
  }
  free(text);
  t->opts = *doctag_tagging_config_options(t->config);
  for (size_t i = 0; i < t->opts.exclusion_count; i++)
    g_ptr_array_add(t->exclusion, (gpointer)t->opts.exclusion_words[i]);
  tagging_sync(t);
  return true;
}

void srv_tagging_exclude(srv_tagging *t, char **terms)
{
  for (char **p = terms; p && *p; p++)
    g_ptr_array_add(t->exclusion, *p);
  if (!t->term_lists)
    t->term_lists = g_ptr_array_new_with_free_func((GDestroyNotify)doctag_strv_free);
  g_ptr_array_add(t->term_lists, terms);
  tagging_sync(t);
}

void srv_tagging_clear(srv_tagging *t)
{
  if (t->exclusion)
    g_ptr_array_free(t->exclusion, TRUE);
  if (t->term_lists)
    g_ptr_array_free(t->term_lists, TRUE);
  doctag_tagging_config_free(t->config);
  memset(t, 0, sizeof *t);
}
