/* Internal: UTF-8 helpers glib lacks. */
#ifndef DOCTAG_CORE_UTF8_H
#define DOCTAG_CORE_UTF8_H

#include <glib.h>
#include <stdbool.h>

/* The first `chars` characters of s (all of it when shorter; "" for NULL).
 * Unlike g_utf8_substring(), safe when s is shorter. Newly allocated. */
char *utf8_prefix(const char *s, long chars);

/* A presentation form: a ligature (U+FB00-FB06 "ff", "fi", "ffl"...;
 * Armenian's), a Hebrew letter with its points or a wide one, or an Arabic
 * letter shaped for its place in the word (U+FB1D-FDFF, U+FE70-FEFE).
 * People type, and search for, the letters NFKC gives them back. */
static inline bool utf8_is_presentation_form(gunichar c)
{
  return (c >= 0xFB00 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE);
}

/* s with each presentation form replaced by its NFKC letters; NULL when s
 * holds none (the common case: one scan for the bytes EF AC-B7 / EF B9-BB). */
char *utf8_fold_presentation_forms(const char *s);

#endif
