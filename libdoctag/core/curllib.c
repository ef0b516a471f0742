/* Loading libcurl on first use (see curllib.h). */
#include "core/curllib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <dlfcn.h>
#include <glib.h>

/* The soname of Debian's libcurl4 (OpenSSL flavour), the one we build with. */
#define CURLLIB_SONAME "libcurl.so.4"
/* CURLOPT_PROTOCOLS_STR: an older libcurl ignores it, and would then follow
 * any scheme it knows. */
#define CURLLIB_MIN_VERSION 0x075500
#define CURLLIB_MIN_TEXT "7.85"

static curllib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { CURLLIB_SONAME, NULL };
  static const char *const names[] = { CURLLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)], *h;
  char *why_not = dynlib_load_syms(sonames, "libcurl", "libcurl4 " CURLLIB_MIN_TEXT " or later", names, syms, G_N_ELEMENTS(names), &h);
  if (why_not)
    return why_not;
  size_t i = 0;
  CURLLIB_FUNCS(DYNLIB_FILL)
  const curl_version_info_data *v = lib.curl_version_info(CURLVERSION_NOW);
  if (!v || v->version_num < CURLLIB_MIN_VERSION) {
    char *why = g_strdup_printf("the installed libcurl is %s; libcurl " CURLLIB_MIN_TEXT " or later is needed",
                                v && v->version ? v->version : "unknown");
    dlclose(h);
    return why;
  }
  /* Here, once, rather than implicitly in the first curl_easy_init() of
   * whichever thread comes first. */
  CURLcode rc = lib.curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    return g_strdup_printf("libcurl failed to initialise: %s", lib.curl_easy_strerror(rc));
  /* The handle stays open for the life of the process: threads keep curl
   * handles until they end. */
  return NULL;
}

const curllib *curllib_get(doctag_status code)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(code, "%s", state.why_not);
  return NULL;
}

const curllib *curllib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
