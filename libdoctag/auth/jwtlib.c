/* Loading libjwt on first use (see jwtlib.h). */
#include "auth/jwtlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

/* The soname of Debian's libjwt0 (OpenSSL flavour), the one we build with. */
#define JWTLIB_SONAME "libjwt.so.0"

static jwtlib lib;
static const jwtlib *loaded;
static char *why_not;

static void load(void)
{
  static const char *const sonames[] = { JWTLIB_SONAME, NULL };
  GString *errors = g_string_new(NULL);
  void *h = dynlib_open(sonames, errors);
  if (!h)
    why_not = g_strdup_printf("cannot load libjwt (%s); install libjwt0", errors->str);
  g_string_free(errors, TRUE);
  if (!h)
    return;
  const char *missing = NULL;
#define JWTLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  JWTLIB_FUNCS(JWTLIB_LOAD)
#undef JWTLIB_LOAD
  if (missing) {
    why_not = g_strdup_printf("the installed libjwt (%s) lacks %s", JWTLIB_SONAME, missing);
    dlclose(h);
    return;
  }
  /* The handle stays open for the life of the process, like the others. */
  loaded = &lib;
}

const jwtlib *jwtlib_get(void)
{
  static gsize once;
  if (g_once_init_enter(&once)) {
    load();
    g_once_init_leave(&once, 1);
  }
  if (!loaded)
    err_set(DOCTAG_EUNAVAILABLE, "access tokens are not available: %s", why_not);
  return loaded;
}
