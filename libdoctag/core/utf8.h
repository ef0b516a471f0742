/* Internal: UTF-8 helpers glib lacks. */
#ifndef DOCTAG_CORE_UTF8_H
#define DOCTAG_CORE_UTF8_H

/* The first `chars` characters of s (all of it when shorter; "" for NULL).
 * Unlike g_utf8_substring(), safe when s is shorter. Newly allocated. */
char *utf8_prefix(const char *s, long chars);

#endif
