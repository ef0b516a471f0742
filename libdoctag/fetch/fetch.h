/* Internal: getting PDF bytes from files and URLs, with their guards.
 *
 * Threads: every function here may run concurrently; each call uses its own
 * curl handle (CURLOPT_NOSIGNAL) and keeps no state between calls. */
#ifndef DOCTAG_FETCH_H
#define DOCTAG_FETCH_H

#include "core/ctx.h"
#include <glib.h>
#include <sys/socket.h>

#define FETCH_DEFAULT_MAX_BYTES (50u * 1024u * 1024u)
#define FETCH_DEFAULT_TIMEOUT_SEC 60u
#define FETCH_MAX_REDIRECTS 5u
/* How a URL refused by the guard is reported to users (CONTRACT.md). */
#define FETCH_URL_REFUSED "URL not allowed: "

/* Reads a local file up to max_bytes (DOCTAG_ELIMIT past it; 0 = 50 MB).
 * Errors: DOCTAG_ENOTFOUND ("No such file: <p>"), DOCTAG_EIO (with strerror),
 * DOCTAG_EINVAL ("Not a file: <p>": directories, devices, FIFOs...). */
doctag_status fetch_file(const char *path, uint64_t max_bytes, GBytes **out);

/* The local-path guard of batch sources: `path` must be absolute and, once
 * resolved with realpath (no "..", no symlink escape), inside one of the
 * colon-separated ctx->allowed_roots. *resolved gets the real path (g_malloc)
 * when not NULL.
 * Errors: DOCTAG_EINVAL ("Empty path"), DOCTAG_EURL ("Relative paths not
 * supported", "Path not allowed: <p>"), DOCTAG_ENOTFOUND ("File not found:
 * <p>"), DOCTAG_EIO. */
doctag_status fetch_local_check(const doctag_ctx *ctx, const char *path, char **resolved);

/* fetch_local_check() then fetch_file() of the resolved path; the opened file
 * is checked again, so a path swapped between check and open is refused. */
doctag_status fetch_local(const doctag_ctx *ctx, const char *path, uint64_t max_bytes, GBytes **out);

/* Why an address may not be fetched: "a loopback address", "a private
 * address"... or NULL when it is a public unicast address. IPv4-mapped,
 * IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by the IPv4
 * address inside. */
const char *fetch_addr_blocked(const struct sockaddr *sa);

/* True for addresses no URL may reach even when private addresses are
 * allowed: unspecified (0.0.0.0/8, ::), multicast, broadcast and reserved
 * (240/4). Connecting to 0.0.0.0 reaches this host on Linux; the others are
 * not hosts that serve files. */
bool fetch_addr_never(const struct sockaddr *sa);

/* How a URL may be fetched. Zero means the default for every number. */
typedef struct fetch_opts {
  bool allow_private;               /* private, loopback, link-local allowed (DOCTAG_ALLOW_PRIVATE_URLS) */
  const char *const *trusted_addrs; /* NULL-terminated numeric addresses allowed anyway
                                     * (an intranet server), or NULL */
  uint64_t max_bytes;               /* body cap; 0 = 50 MB */
  unsigned int timeout_sec;         /* whole download, every hop; 0 = 60 s */
  unsigned int max_redirects;       /* 0 = 5 */
} fetch_opts;

/* Options from a context: its allow_private_urls and max_file_bytes. */
fetch_opts fetch_opts_from_ctx(const doctag_ctx *ctx);

/* Checks a URL against the guard without fetching: scheme http(s), host
 * resolves, no private/loopback/link-local/multicast address unless the
 * context allows them. DOCTAG_EINVAL for a malformed or non-http(s) URL
 * ("Invalid URL. Must start with http:// or https://"); DOCTAG_EURL with the
 * reason as the message for a refused address ("127.0.0.1 is a loopback
 * address", "intranet.example resolves to 10.0.0.5, a private address");
 * DOCTAG_EFETCH when the host does not resolve ("Request failed: ..."). */
doctag_status fetch_url_check(const doctag_ctx *ctx, const char *url);
doctag_status fetch_url_check_opts(const fetch_opts *o, const char *url);

/* Downloads a PDF: guard on every hop (redirects followed here, at most 5,
 * each re-checked), the checked addresses pinned for the connection (a DNS
 * answer that changes between check and connect is not used, and the socket
 * callback refuses any other address), size cap (Content-Length first, then
 * while downloading), timeout, body must start with "%PDF-". *name gets a
 * file name (g_malloc) when name is not NULL: the Content-Disposition
 * filename, else the last segment of the final URL's path, else
 * "download.pdf". max_bytes 0 = the context's limit; timeout_sec 0 = 60 s.
 * Errors: DOCTAG_EURL (refused), DOCTAG_EFETCH (network: "Request failed:
 * ...", "HTTP 404", "too many redirects"), DOCTAG_ELIMIT ("file larger than
 * 50 MB"), DOCTAG_ETIMEOUT ("Request timed out after 60 s"), DOCTAG_EPDF
 * (not a PDF: "not a PDF (starts with \"<!DOCTYPE\")"). */
doctag_status fetch_url(const doctag_ctx *ctx, const char *url, uint64_t max_bytes,
                        unsigned int timeout_sec, GBytes **out, char **name);
doctag_status fetch_url_opts(const fetch_opts *o, const char *url, GBytes **out, char **name);

/* POSTs `body` to an http(s) URL with the same guard (the address checked
 * and pinned, redirects not followed: a 3xx is an answer like any other),
 * timeout_sec of `o` for the whole exchange (0 = 60 s). `headers` is a
 * NULL-terminated list of "Name: value" or NULL. *status gets the HTTP
 * status (0 when there was no answer). Errors: DOCTAG_EINVAL, DOCTAG_EURL,
 * DOCTAG_EFETCH ("Request failed: ..."), DOCTAG_ETIMEOUT. */
doctag_status fetch_post(const fetch_opts *o, const char *url, const char *const *headers, const char *body,
                         size_t len, long *status);

/* What a HEAD request tells about a URL (batch validate-paths). */
typedef struct fetch_probe {
  long http_status;     /* of the final hop */
  char *content_type;   /* g_malloc; NULL when the server sent none */
  int64_t size;         /* Content-Length, -1 when unknown */
  char *final_url;      /* after redirects, g_malloc */
} fetch_probe;

/* HEAD with the same guard, redirects and timeout as fetch_url_opts(); no
 * body and no PDF check. HTTP statuses >= 400 are DOCTAG_EFETCH "HTTP <code>"
 * (out->http_status is set). Release with fetch_probe_clear(). */
doctag_status fetch_url_probe(const fetch_opts *o, const char *url, fetch_probe *out);
void fetch_probe_clear(fetch_probe *p);

#endif
