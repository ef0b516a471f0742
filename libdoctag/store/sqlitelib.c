/* Loading libsqlite3 on first use (see sqlitelib.h). */
#include "store/sqlitelib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

#define SQLITELIB_SONAME "libsqlite3.so.0"

static sqlitelib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { SQLITELIB_SONAME, NULL };
  char *why_not;
  void *h = dynlib_open_or_say(sonames, "libsqlite3", "libsqlite3-0", &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
#define SQLITELIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  SQLITELIB_FUNCS(SQLITELIB_LOAD)
#undef SQLITELIB_LOAD
  if (missing) {
    dlclose(h);
    return g_strdup_printf("the installed libsqlite3 (%s) lacks %s", SQLITELIB_SONAME, missing);
  }
  /* The handle stays open for the life of the process: connections live in
   * the pool until the store is closed, and threads may outlive it. */
  return NULL;
}

const sqlitelib *sqlitelib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_ESTORE, "SQLite is not available: %s", state.why_not);
  return NULL;
}

const sqlitelib *sqlitelib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
