/* Loading libpq on first use (see pqlib.h). */
#include "store/pqlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

#define PQLIB_SONAME "libpq.so.5"

static pqlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { PQLIB_SONAME, NULL };
  static const char *const names[] = { PQLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "libpq", "libpq5", names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  PQLIB_FUNCS(DYNLIB_FILL)
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
