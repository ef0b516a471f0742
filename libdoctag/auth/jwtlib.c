/* Loading libjwt on first use (see jwtlib.h). */
#include "auth/jwtlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

/* The soname of Debian's libjwt0 (OpenSSL flavour), the one we build with. */
#define JWTLIB_SONAME "libjwt.so.0"

static jwtlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { JWTLIB_SONAME, NULL };
  static const char *const names[] = { JWTLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "libjwt", "libjwt0", names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  JWTLIB_FUNCS(DYNLIB_FILL)
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
