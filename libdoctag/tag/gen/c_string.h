/* Build-time generators: a C string literal of any bytes. */
#ifndef DOCTAG_TAG_GEN_C_STRING_H
#define DOCTAG_TAG_GEN_C_STRING_H

#include <stdio.h>

/* Writes `s` to `out` as a C string literal, quotes included: bytes
 * outside printable ASCII as octal escapes, so that the generated source
 * is ASCII whatever the words' script. */
static inline void gen_emit_string(FILE *out, const char *s)
{
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f)
      fprintf(out, "\\%03o", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

#endif
