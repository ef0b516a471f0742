/* Internal: libraries loaded on first use with dlopen (tesseract and
 * leptonica, libcurl, libpq, libjwt), each through a table of its functions
 * typed from its own headers (extract/tesslib.h, core/curllib.h,
 * store/pqlib.h, auth/jwtlib.h).
 * Handles stay open for the life of the process. */
#ifndef DOCTAG_CORE_DYNLIB_H
#define DOCTAG_CORE_DYNLIB_H

#include <glib.h>

/* The first of the NULL-terminated sonames that loads, else NULL with
 * dlerror()'s messages appended to `errors` ("; "-separated). */
void *dynlib_open(const char *const *sonames, GString *errors);

/* Symbol `name` from the first of the n handles that has it; NULL, and
 * *missing = name when none has it and *missing was NULL. */
void *dynlib_sym(void *const *handles, size_t n, const char *name, const char **missing);

#endif
