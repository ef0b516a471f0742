/* Loading libpq on first use (see pqlib.h). */
#include "store/pqlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

#define PQLIB_SONAME "libpq.so.5"

static pqlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { PQLIB_SONAME, NULL };
  char *why_not;
  void *h = dynlib_open_or_say(sonames, "libpq", "libpq5", &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
#define PQLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  PQLIB_FUNCS(PQLIB_LOAD)
#undef PQLIB_LOAD
  if (missing) {
    dlclose(h);
    return g_strdup_printf("the installed libpq (%s) lacks %s", PQLIB_SONAME, missing);
  }
  /* The handle stays open for the life of the process: connections live in
   * the pool until the store is closed, and threads may outlive it. */
  return NULL;
}

const pqlib *pqlib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_ESTORE, "PostgreSQL is not available: %s", state.why_not);
  return NULL;
}

const pqlib *pqlib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
