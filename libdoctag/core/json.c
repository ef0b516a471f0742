/* Writing JSON (json.h). */
#include "core/json.h"
#include "core/error.h"

#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *json_out_dump(const json_t *j)
{
  char *s = j ? json_dumps(j, JSON_OUT) : NULL;
  char *g = s ? g_strdup(s) : NULL;
  free(s);
  return g;
}

doctag_status json_out_take(json_t *j, char **out)
{
  *out = json_out_dump(j);
  json_decref(j);
  return *out ? DOCTAG_OK : err_nomem();
}

void json_out_string(GString *out, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  g_string_append_c(out, '"');
  const char *run = s;
  for (const char *p = s;; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch >= 0x20 && ch != '"' && ch != '\\')
      continue;
    g_string_append_len(out, run, p - run);
    if (!ch)
      break;
    run = p + 1;
    g_string_append_c(out, '\\');
    switch (ch) {
    case '"': g_string_append_c(out, '"'); break;
    case '\\': g_string_append_c(out, '\\'); break;
    case '\b': g_string_append_c(out, 'b'); break;
    case '\f': g_string_append_c(out, 'f'); break;
    case '\n': g_string_append_c(out, 'n'); break;
    case '\r': g_string_append_c(out, 'r'); break;
    case '\t': g_string_append_c(out, 't'); break;
    default:
      g_string_append(out, "u00");
      g_string_append_c(out, hex[ch >> 4]);
      g_string_append_c(out, hex[ch & 15]);
    }
  }
  g_string_append_c(out, '"');
}

bool json_out_string_valid(GString *out, const char *s)
{
  if (!s || !g_utf8_validate(s, -1, NULL))
    return false;
  json_out_string(out, s);
  return true;
}

bool json_out_real(GString *out, double v)
{
  if (!isfinite(v))
    return false;
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.15g", v);
  if (n < 0 || (size_t)n >= sizeof buf)
    return false;
  /* as jansson's jsonp_dtostr(): the locale's decimal point read as '.' */
  const char *point = localeconv()->decimal_point;
  if (point && *point && *point != '.') {
    char *p = strchr(buf, *point);
    if (p)
      *p = '.';
  }
  if (!strchr(buf, '.') && !strchr(buf, 'e')) {
    g_strlcat(buf, ".0", sizeof buf);
    n += 2;
  }
  char *start = strchr(buf, 'e');
  if (start) {
    start++;
    char *end = start + 1;
    if (*start == '-')
      start++;
    while (*end == '0')
      end++;
    if (end != start) {
      memmove(start, end, (size_t)n - (size_t)(end - buf) + 1);
      n -= (int)(end - start);
    }
  }
  g_string_append_len(out, buf, n);
  return true;
}

void json_w_next(json_w *w, const char *key, json_mark *mark)
{
  *mark = (json_mark){ .len = w->s->len, .any = w->any };
  if (w->any)
    g_string_append_c(w->s, ',');
  w->any = true;
  if (key) {
    json_out_string(w->s, key);
    g_string_append_c(w->s, ':');
  }
}

void json_w_undo(json_w *w, const json_mark *mark)
{
  g_string_truncate(w->s, mark->len);
  w->any = mark->any;
}

/* A member begun at `mark` stays when its value was `written`. */
static bool kept(json_w *w, const json_mark *mark, bool written)
{
  if (!written)
    json_w_undo(w, mark);
  return written;
}

bool json_w_string(json_w *w, const char *key, const char *v)
{
  json_mark mark;
  json_w_next(w, key, &mark);
  return kept(w, &mark, json_out_string_valid(w->s, v));
}

bool json_w_real(json_w *w, const char *key, double v)
{
  json_mark mark;
  json_w_next(w, key, &mark);
  return kept(w, &mark, json_out_real(w->s, v));
}

void json_w_int(json_w *w, const char *key, long long v)
{
  json_mark mark;
  json_w_next(w, key, &mark);
  g_string_append_printf(w->s, "%lld", v);
}

void json_w_bool(json_w *w, const char *key, bool v)
{
  json_mark mark;
  json_w_next(w, key, &mark);
  g_string_append(w->s, v ? "true" : "false");
}

void json_w_null(json_w *w, const char *key)
{
  json_mark mark;
  json_w_next(w, key, &mark);
  g_string_append(w->s, "null");
}

json_w json_w_open(json_w *w, const char *key, char bracket, json_mark *mark)
{
  json_w_next(w, key, mark);
  g_string_append_c(w->s, bracket);
  return (json_w){ .s = w->s };
}
