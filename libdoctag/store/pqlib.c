/* Loading libpq on first use (see pqlib.h). */
#include "store/pqlib.h"
#include "core/error.h"

#include <dlfcn.h>
#include <glib.h>

#define PQLIB_SONAME "libpq.so.5"

static pqlib lib;
static const pqlib *loaded;
static char *why_not;

static void load(void)
{
  void *h = dlopen(PQLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    why_not = g_strdup_printf("cannot load libpq (%s); install libpq5", e ? e : PQLIB_SONAME);
    return;
  }
  const char *missing = NULL;
#define PQLIB_LOAD(f)                       \
  if (!missing) {                           \
    void *sym = dlsym(h, #f);               \
    if (sym)                                \
      lib.f = (__typeof__(f) *)sym;         \
    else                                    \
      missing = #f;                         \
  }
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
