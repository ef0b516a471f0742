#include "core/utf8.h"

#include <glib.h>
#include <string.h>

char *utf8_prefix(const char *s, long chars)
{
  if (!s)
    return g_strdup("");
  const char *p = s;
  for (long i = 0; i < chars && *p; i++)
    p = g_utf8_next_char(p);
  return g_strndup(s, (gsize)(p - s));
}

char *utf8_fold_presentation_forms(const char *s)
{
  const char *p = s ? strchr(s, 0xEF) : NULL;
  for (; p; p = strchr(p + 1, 0xEF))
    if (utf8_is_presentation_form(g_utf8_get_char_validated(p, -1)))
      break;
  if (!p)
    return NULL;
  GString *out = g_string_new_len(s, p - s);
  while (*p) {
    gunichar c = g_utf8_get_char_validated(p, -1);
    const char *next = c == (gunichar)-1 || c == (gunichar)-2 ? p + 1 : g_utf8_next_char(p);
    if (c != (gunichar)-1 && c != (gunichar)-2 && utf8_is_presentation_form(c)) {
      char *k = g_utf8_normalize(p, next - p, G_NORMALIZE_NFKC);
      g_string_append(out, k ? k : "");
      if (!k)
        g_string_append_len(out, p, next - p);
      g_free(k);
    } else {
      g_string_append_len(out, p, next - p);
    }
    p = next;
  }
  return g_string_free(out, FALSE);
}
