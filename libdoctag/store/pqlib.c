/* Loading libpq on first use (see pqlib.h). */
#include "store/pqlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

#define PQLIB_SONAME "libpq.so.5"

static pqlib lib;
static const pqlib *loaded;
static char *why_not;

static void load(void)
{
  static const char *const sonames[] = { PQLIB_SONAME, NULL };
  GString *errors = g_string_new(NULL);
  void *h = dynlib_open(sonames, errors);
  if (!h)
    why_not = g_strdup_printf("cannot load libpq (%s); install libpq5", errors->str);
  g_string_free(errors, TRUE);
  if (!h)
    return;
  const char *missing = NULL;
#define PQLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  PQLIB_FUNCS(PQLIB_LOAD)
#undef PQLIB_LOAD
  if (missing) {
    why_not = g_strdup_printf("the installed libpq (%s) lacks %s", PQLIB_SONAME, missing);
    dlclose(h);
    return;
  }
  /* The handle stays open for the life of the process: connections live in
   * the pool until the store is closed, and threads may outlive it. */
  loaded = &lib;
}

const pqlib *pqlib_get(void)
{
  static gsize once;
  if (g_once_init_enter(&once)) {
    load();
    g_once_init_leave(&once, 1);
  }
  if (!loaded)
    err_set(DOCTAG_ESTORE, "PostgreSQL is not available: %s", why_not);
  return loaded;
}

const pqlib *pqlib_loaded(void)
{
  return loaded;
}
