/* Writing JSON (json.h). */
#include "core/json.h"
#include "core/error.h"

#include <glib.h>
#include <stdlib.h>

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
