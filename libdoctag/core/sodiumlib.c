/* Loading libsodium on first use (see sodiumlib.h). */
#include "core/sodiumlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

#define SODIUMLIB_SONAME "libsodium.so.23"

static sodiumlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { SODIUMLIB_SONAME, NULL };
  char *why_not;
  void *h = dynlib_open_or_say(sonames, "libsodium", "libsodium23", &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
#define SODIUMLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  SODIUMLIB_FUNCS(SODIUMLIB_LOAD)
#undef SODIUMLIB_LOAD
  if (missing) {
    dlclose(h);
    return g_strdup_printf("the installed libsodium (%s) lacks %s", SODIUMLIB_SONAME, missing);
  }
  /* The handle stays open for the life of the process, like the others. */
  if (lib.sodium_init() < 0)
    return g_strdup("libsodium failed to initialise");
  return NULL;
}

const sodiumlib *sodiumlib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_EUNAVAILABLE, "passwords, tokens and sealed secrets are not available: %s", state.why_not);
  return NULL;
}

const sodiumlib *sodiumlib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
