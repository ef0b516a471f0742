/* Loading libhiredis on first use (see redislib.h). */
#include "queue/redislib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
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
  char *why_not;
  void *h = dynlib_open_or_say(sonames, "libhiredis", "libhiredis" REDISLIB_XSTR(HIREDIS_SONAME), &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
#define REDISLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  REDISLIB_FUNCS(REDISLIB_LOAD)
#undef REDISLIB_LOAD
  if (missing) {
    dlclose(h);
    return g_strdup_printf("the installed libhiredis (%s) lacks %s", REDISLIB_SONAME, missing);
  }
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
