/* Loading libjwt on first use (see jwtlib.h). */
#include "auth/jwtlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

/* The soname of Debian's libjwt0 (OpenSSL flavour), the one we build with. */
#define JWTLIB_SONAME "libjwt.so.0"

static jwtlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { JWTLIB_SONAME, NULL };
  char *why_not;
  void *h = dynlib_open_or_say(sonames, "libjwt", "libjwt0", &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
#define JWTLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  JWTLIB_FUNCS(JWTLIB_LOAD)
#undef JWTLIB_LOAD
  if (missing) {
    dlclose(h);
    return g_strdup_printf("the installed libjwt (%s) lacks %s", JWTLIB_SONAME, missing);
  }
  /* The handle stays open for the life of the process, like the others. */
  return NULL;
}

const jwtlib *jwtlib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_EUNAVAILABLE, "access tokens are not available: %s", state.why_not);
  return NULL;
}
