/* Internal: libraries loaded on first use with dlopen (tesseract and
 * leptonica, poppler-glib, libcurl, libpq, libjwt, libsqlite3, libhiredis,
 * libsodium), each through a table of its functions typed from its own
 * headers (extract/tesslib.h, extract/renderlib.h, core/curllib.h,
 * store/pqlib.h, auth/jwtlib.h, store/sqlitelib.h, queue/redislib.h,
 * core/sodiumlib.h). Handles stay open for the life of the process. */
#ifndef DOCTAG_CORE_DYNLIB_H
#define DOCTAG_CORE_DYNLIB_H

#include <glib.h>

/* The first of the NULL-terminated sonames that loads, else NULL with
 * dlerror()'s messages appended to `errors` ("; "-separated). */
void *dynlib_open(const char *const *sonames, GString *errors);

/* Symbol `name` from the first of the n handles that has it; NULL, and
 * *missing = name when none has it and *missing was NULL. */
void *dynlib_sym(void *const *handles, size_t n, const char *name, const char **missing);

/* One library's functions: opens the first of `sonames` that loads and
 * looks the n `names` up into syms[]. NULL when all are there (the handle
 * stays open, in *handle unless that is NULL), else why not, g_malloc'd:
 * "cannot load WHAT (...); install PACKAGE", or "the installed WHAT (SONAME)
 * lacks NAME; install PACKAGE" with the handle closed. */
char *dynlib_load_syms(const char *const *sonames, const char *what, const char *package, const char *const *names,
                       void **syms, size_t n, void **handle);

/* For a library's FUNCS(X) list: DYNLIB_NAME gives the names for
 * dynlib_load_syms(), DYNLIB_FILL(f) then stores syms[i++] in `lib.f`. */
#define DYNLIB_NAME(f) #f,
#define DYNLIB_FILL(f) lib.f = (__typeof__(f) *)syms[i++];

/* A library loaded once, on the first call that needs it: `load` fills the
 * library's table and returns NULL, or returns why it cannot (g_malloc'd;
 * kept in why_not for the life of the process). */
typedef struct dynlib_once {
  gsize once;
  gboolean ok;
  char *why_not;
} dynlib_once;

/* Runs o's `load` the first time any thread calls it; TRUE when loaded. */
gboolean dynlib_once_load(dynlib_once *o, char *(*load)(void));

#endif
