/* Loading libhiredis on first use (see redislib.h). */
#include "queue/redislib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

/* The soname of the hiredis we build with (its header says which). */
#define REDISLIB_STR(x) #x
#define REDISLIB_XSTR(x) REDISLIB_STR(x)
#define REDISLIB_SONAME "libhiredis.so." REDISLIB_XSTR(HIREDIS_SONAME)

static redislib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { REDISLIB_SONAME, NULL };
  static const char *const names[] = { REDISLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "libhiredis", "libhiredis" REDISLIB_XSTR(HIREDIS_SONAME), names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  REDISLIB_FUNCS(DYNLIB_FILL)
  /* The handle stays open for the life of the process: connections live in
   * the pool until the queue is closed, and threads may outlive it. */
  return NULL;
}

const redislib *redislib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_EUNAVAILABLE, "Redis is not available: %s", state.why_not);
  return NULL;
}

const redislib *redislib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
