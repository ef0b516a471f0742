/* Loading libsqlite3 on first use (see sqlitelib.h). */
#include "store/sqlitelib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

#define SQLITELIB_SONAME "libsqlite3.so.0"

static sqlitelib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { SQLITELIB_SONAME, NULL };
  static const char *const names[] = { SQLITELIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "libsqlite3", "libsqlite3-0", names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  SQLITELIB_FUNCS(DYNLIB_FILL)
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
