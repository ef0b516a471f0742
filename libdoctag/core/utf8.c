#include "core/utf8.h"

#include <glib.h>

char *utf8_prefix(const char *s, long chars)
{
  if (!s)
    return g_strdup("");
  const char *p = s;
  for (long i = 0; i < chars && *p; i++)
    p = g_utf8_next_char(p);
  return g_strndup(s, (gsize)(p - s));
}
