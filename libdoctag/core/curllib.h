/* Internal: libcurl, loaded when the first download, S3 request or LLM call
 * needs it (fetch/, tag/llm.c).
 *
 * Linked, libcurl and the ~28 objects it pulls in (openssl, krb5, ldap, ssh2,
 * rtmp, gnutls, nghttp2...) cost every process that loads libdoctag about
 * 7 ms of loading and symbol binding at start, a third of `doctag --version`,
 * while most runs (extract, the offline tagger, the SQLite store) never use
 * them. Loaded on demand, only the runs that fetch or call an LLM pay, and a
 * machine without libcurl still does the rest.
 *
 * Include this instead of <curl/curl.h>. Calls go through the table:
 *   const curllib *C = curllib_get(DOCTAG_EFETCH);
 *   if (!C) return DOCTAG_EFETCH;
 *   C->curl_easy_setopt(h, CURLOPT_URL, url);
 * curl's gcc type-checking macros for curl_easy_setopt/getinfo would rewrite
 * such a call into one to the linked function, so they are turned off here. */
#ifndef DOCTAG_CORE_CURLLIB_H
#define DOCTAG_CORE_CURLLIB_H

#ifdef CURLINC_CURL_H
#error "include core/curllib.h instead of <curl/curl.h>"
#endif
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "doctag/common.h"

/* Every libcurl function libdoctag calls. */
#define CURLLIB_FUNCS(X) \
  X(curl_version_info) X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_perform) \
  X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_easy_strerror) X(curl_free) X(curl_getdate) \
  X(curl_slist_append) X(curl_slist_free_all) \
  X(curl_url) X(curl_url_cleanup) X(curl_url_get) X(curl_url_set) X(curl_url_strerror)

typedef struct curllib {
#define CURLLIB_MEMBER(f) __typeof__(f) *f;
  CURLLIB_FUNCS(CURLLIB_MEMBER)
#undef CURLLIB_MEMBER
} curllib;

/* The functions, loaded and curl_global_init()ed on the first call
 * (thread-safe). NULL when libcurl cannot be loaded, with err_set(code, ...)
 * naming the library: the caller's own code, DOCTAG_EFETCH for downloads
 * and S3, DOCTAG_ELLM for the LLM. */
const curllib *curllib_get(doctag_status code);
/* The functions once curllib_get() has succeeded, else NULL. */
const curllib *curllib_loaded(void);

#endif
