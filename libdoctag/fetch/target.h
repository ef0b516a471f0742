/* Private to fetch/: a URL that passed the guard, ready for curl. */
#ifndef DOCTAG_FETCH_TARGET_H
#define DOCTAG_FETCH_TARGET_H

#include "fetch/fetch.h"

typedef struct fetch_target {
  char *url;      /* as curl normalised it */
  char *host;     /* as curl looks it up: punycode, IPv6 without brackets */
  long port;
  char *resolve;  /* CURLOPT_RESOLVE entry pinning the checked addresses,
                   * "host:port:addr[,addr]"; NULL when the host is an IP literal */
} fetch_target;

/* Parses, resolves and checks a URL (see fetch_url_check_opts). On success
 * *t is filled; release with fetch_target_clear(). */
doctag_status fetch_target_check(const fetch_opts *o, const char *url, fetch_target *t);
void fetch_target_clear(fetch_target *t);

/* Whether `sa` may be connected to under `o`; *why gets the reason when not. */
bool fetch_addr_allowed(const fetch_opts *o, const struct sockaddr *sa, const char **why);

/* Numeric text of an address ("10.0.0.5", "::1"), into buf. */
const char *fetch_addr_text(const struct sockaddr *sa, char *buf, size_t len);

/* A size for messages: "50 MB", "512 KB", "1000 bytes" (g_malloc). */
char *fetch_size_text(uint64_t n);

#endif
