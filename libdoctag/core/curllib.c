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
static const curllib *loaded;
static char *why_not;

static void load(void)
{
  static const char *const sonames[] = { CURLLIB_SONAME, NULL };
  GString *errors = g_string_new(NULL);
  void *h = dynlib_open(sonames, errors);
  if (!h)
    why_not = g_strdup_printf("cannot load libcurl (%s); install libcurl4", errors->str);
  g_string_free(errors, TRUE);
  if (!h)
    return;
  const char *missing = NULL;
#define CURLLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(&h, 1, #f, &missing);
  CURLLIB_FUNCS(CURLLIB_LOAD)
#undef CURLLIB_LOAD
  if (missing) {
    why_not = g_strdup_printf("the installed libcurl (%s) lacks %s; libcurl " CURLLIB_MIN_TEXT
                              " or later is needed", CURLLIB_SONAME, missing);
    dlclose(h);
    return;
  }
  const curl_version_info_data *v = lib.curl_version_info(CURLVERSION_NOW);
  if (!v || v->version_num < CURLLIB_MIN_VERSION) {
    why_not = g_strdup_printf("the installed libcurl is %s; libcurl " CURLLIB_MIN_TEXT " or later is needed",
                              v && v->version ? v->version : "unknown");
    dlclose(h);
    return;
  }
  /* Here, once, rather than implicitly in the first curl_easy_init() of
   * whichever thread comes first. */
  CURLcode rc = lib.curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) {
    why_not = g_strdup_printf("libcurl failed to initialise: %s", lib.curl_easy_strerror(rc));
    return;
  }
  /* The handle stays open for the life of the process: threads keep curl
   * handles until they end. */
  loaded = &lib;
}

const curllib *curllib_get(doctag_status code)
{
  static gsize once;
  if (g_once_init_enter(&once)) {
    load();
    g_once_init_leave(&once, 1);
  }
  if (!loaded)
    err_set(code, "%s", why_not);
  return loaded;
}

const curllib *curllib_loaded(void)
{
  return loaded;
}
