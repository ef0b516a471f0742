/* Loading libsodium on first use (see sodiumlib.h). */
#include "core/sodiumlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

#define SODIUMLIB_SONAME "libsodium.so.23"

static sodiumlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { SODIUMLIB_SONAME, NULL };
  static const char *const names[] = { SODIUMLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "libsodium", "libsodium23", names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  SODIUMLIB_FUNCS(DYNLIB_FILL)
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
