/* The URL guard: http(s) only, and no address inside the network the
 * service runs in (private, loopback, link-local, metadata endpoints...)
 * unless the operator allows it. */
#include "fetch/target.h"

#include "core/curllib.h"
#include "core/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#define SCHEME_MSG "Invalid URL. Must start with http:// or https://"

/* libcurl's functions (core/curllib.c), loaded by parse() */
#define C (curllib_loaded())

/* Why an IPv4 address (host byte order) is not public, or NULL. */
static const char *v4_blocked(uint32_t a)
{
  if ((a >> 24) == 0)
    return "an unspecified address";                      /* 0.0.0.0/8 "this network" */
  if ((a >> 24) == 127)
    return "a loopback address";
  if ((a >> 24) == 10 || (a & 0xfff00000u) == 0xac100000u || (a & 0xffff0000u) == 0xc0a80000u)
    return "a private address";                           /* 10/8, 172.16/12, 192.168/16 */
  if ((a & 0xffc00000u) == 0x64400000u)
    return "a shared (carrier-grade NAT) address";        /* 100.64/10 */
  if ((a & 0xffff0000u) == 0xa9fe0000u)
    return "a link-local address";                        /* 169.254/16, cloud metadata */
  if ((a & 0xf0000000u) == 0xe0000000u)
    return "a multicast address";                         /* 224/4 */
  if ((a & 0xf0000000u) == 0xf0000000u)
    return "a reserved address";                          /* 240/4 and 255.255.255.255 */
  if ((a & 0xffffff00u) == 0xc0000000u || (a & 0xfffe0000u) == 0xc6120000u ||
      (a & 0xffffff00u) == 0xc0000200u || (a & 0xffffff00u) == 0xc6336400u ||
      (a & 0xffffff00u) == 0xcb007100u)
    return "a reserved address";  /* 192.0.0/24, 198.18/15, documentation nets */
  return NULL;
}

static uint32_t v4_at(const uint8_t *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64,
 * 6to4), if any. */
static bool v6_embedded_v4(const uint8_t *b, uint32_t *v4)
{
  static const uint8_t zero[10];
  static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
  if (!memcmp(b, zero, 10) && b[10] == 0xff && b[11] == 0xff) {
    *v4 = v4_at(b + 12);      /* ::ffff:a.b.c.d */
    return true;
  }
  if (!memcmp(b, nat64, 12)) {
    *v4 = v4_at(b + 12);      /* 64:ff9b::/96 */
    return true;
  }
  if (b[0] == 0x20 && b[1] == 0x02) {
    *v4 = v4_at(b + 2);       /* 2002::/16 6to4 */
    return true;
  }
  return false;
}

static const char *v6_blocked(const uint8_t *b)
{
  static const uint8_t zero[16];
  static const uint8_t loop[16] = { [15] = 1 };
  if (!memcmp(b, zero, 16))
    return "an unspecified address";
  if (!memcmp(b, loop, 16))
    return "a loopback address";
  if (!memcmp(b, zero, 12))
    return "a reserved address";                          /* ::/96, deprecated IPv4-compatible */
  uint32_t v4;
  if (v6_embedded_v4(b, &v4))
    return v4_blocked(v4);
  if ((b[0] & 0xfe) == 0xfc)
    return "a private address";                           /* fc00::/7 unique local */
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
    return "a link-local address";                        /* fe80::/10 */
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
    return "a private address";                           /* fec0::/10 site-local */
  if (b[0] == 0xff)
    return "a multicast address";                         /* ff00::/8 */
  if (b[0] == 0x01 && b[1] == 0x00 && !memcmp(b + 2, zero, 6))
    return "a reserved address";                          /* 100::/64 discard */
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
    return "a reserved address";                          /* 2001:db8::/32 documentation */
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
    return "a reserved address";                          /* 2001::/32 Teredo tunnels */
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1)
    return "a reserved address";                          /* 64:ff9b:1::/48 local NAT64 */
  return NULL;
}

const char *fetch_addr_blocked(const struct sockaddr *sa)
{
  if (!sa)
    return "not an address";
  if (sa->sa_family == AF_INET)
    return v4_blocked(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
  if (sa->sa_family == AF_INET6)
    return v6_blocked(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
  return "not an Internet address";
}

static bool v4_never(uint32_t a)
{
  return (a >> 24) == 0 || (a & 0xe0000000u) == 0xe0000000u; /* 0/8, 224/4, 240/4 */
}

bool fetch_addr_never(const struct sockaddr *sa)
{
  if (!sa)
    return true;
  if (sa->sa_family == AF_INET)
    return v4_never(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
  if (sa->sa_family != AF_INET6)
    return true;
  const uint8_t *b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
  static const uint8_t zero[16];
  uint32_t v4;
  if (!memcmp(b, zero, 16) || b[0] == 0xff)
    return true;
  return v6_embedded_v4(b, &v4) && v4_never(v4);
}

const char *fetch_addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
  socklen_t sl = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  if (getnameinfo(sa, sl, buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
    g_strlcpy(buf, "?", len);
  return buf;
}

/* The address bytes of `sa` as IPv4 when it is IPv4 or IPv4-mapped. */
static bool same_addr(const struct sockaddr *sa, const char *text)
{
  unsigned char want[16], have[16];
  int wf, hf;
  if (inet_pton(AF_INET, text, want) == 1)
    wf = AF_INET;
  else if (inet_pton(AF_INET6, text, want) == 1)
    wf = AF_INET6;
  else
    return false;
  if (sa->sa_family == AF_INET) {
    memcpy(have, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    hf = AF_INET;
  } else if (sa->sa_family == AF_INET6) {
    const uint8_t *b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
    if (!memcmp(b, mapped, 12)) {
      memcpy(have, b + 12, 4);
      hf = AF_INET;
    } else {
      memcpy(have, b, 16);
      hf = AF_INET6;
    }
  } else {
    return false;
  }
  return wf == hf && !memcmp(want, have, wf == AF_INET ? 4 : 16);
}

bool fetch_addr_allowed(const fetch_opts *o, const struct sockaddr *sa, const char **why)
{
  const char *reason = fetch_addr_blocked(sa);
  *why = reason;
  if (!reason)
    return true;
  if (fetch_addr_never(sa))
    return false;
  if (o->allow_private)
    return true;
  for (const char *const *t = o->trusted_addrs; t && *t; t++)
    if (same_addr(sa, *t))
      return true;
  return false;
}

fetch_opts fetch_opts_from_ctx(const doctag_ctx *ctx)
{
  fetch_opts o = { 0 };
  if (ctx) {
    o.allow_private = ctx->allow_private_urls;
    o.max_bytes = ctx->max_file_bytes;
  }
  return o;
}

void fetch_target_clear(fetch_target *t)
{
  g_free(t->url);
  g_free(t->host);
  g_free(t->resolve);
  memset(t, 0, sizeof *t);
}

static bool has_http_prefix(const char *url)
{
  return !g_ascii_strncasecmp(url, "http://", 7) || !g_ascii_strncasecmp(url, "https://", 8);
}

/* Splits the URL with curl's own parser, so that what we check is what
 * curl will connect to. *zone gets the IPv6 zone id, if any (g_free). */
static doctag_status parse(const char *url, fetch_target *t, char **zone)
{
  *zone = NULL;
  if (!url || !*url)
    return err_set(DOCTAG_EINVAL, "URL is empty");
  if (!has_http_prefix(url))
    return err_set(DOCTAG_EINVAL, SCHEME_MSG);
  if (!curllib_get(DOCTAG_EFETCH))
    return DOCTAG_EFETCH;
  CURLU *u = C->curl_url();
  if (!u)
    return err_nomem();
  doctag_status st = DOCTAG_OK;
  char *scheme = NULL, *host = NULL, *port = NULL, *norm = NULL, *zoneid = NULL;
  CURLUcode rc = C->curl_url_set(u, CURLUPART_URL, url, 0);
  if (rc) {
    st = err_set(DOCTAG_EINVAL, "Invalid URL: %s", C->curl_url_strerror(rc));
    goto out;
  }
  if (C->curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) || (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
    st = err_set(DOCTAG_EINVAL, SCHEME_MSG);
    goto out;
  }
  rc = C->curl_url_get(u, CURLUPART_HOST, &host, CURLU_PUNYCODE);
  if (rc || !host || !*host) {
    st = err_set(DOCTAG_EINVAL, "Invalid URL: no host");
    goto out;
  }
  if (!C->curl_url_get(u, CURLUPART_ZONEID, &zoneid, 0) && zoneid)
    *zone = g_strdup(zoneid);
  /* Host names are case-insensitive: one spelling for the check, the pin
   * and the request. */
  char *lower = g_ascii_strdown(host, -1);
  rc = C->curl_url_set(u, CURLUPART_HOST, lower, 0);
  C->curl_free(host);
  host = NULL;
  if (rc || C->curl_url_get(u, CURLUPART_HOST, &host, CURLU_PUNYCODE)) {
    g_free(lower);
    st = err_set(DOCTAG_EINVAL, "Invalid URL: bad host");
    goto out;
  }
  g_free(lower);
  if (C->curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ||
      C->curl_url_get(u, CURLUPART_URL, &norm, CURLU_PUNYCODE)) {
    st = err_set(DOCTAG_EINVAL, "Invalid URL: no port");
    goto out;
  }
  size_t hl = strlen(host);
  if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
    t->host = g_strndup(host + 1, hl - 2);
  else
    t->host = g_strdup(host);
  t->port = strtol(port, NULL, 10);
  t->url = g_strdup(norm);
out:
  C->curl_free(zoneid);
  C->curl_free(scheme);
  C->curl_free(host);
  C->curl_free(port);
  C->curl_free(norm);
  C->curl_url_cleanup(u);
  return st;
}

doctag_status fetch_target_check(const fetch_opts *o, const char *url, fetch_target *t)
{
  memset(t, 0, sizeof *t);
  char *zone = NULL;
  doctag_status st = parse(url, t, &zone);
  if (st) {
    g_free(zone);
    fetch_target_clear(t);
    return st;
  }
  char *lookup = zone ? g_strconcat(t->host, "%", zone, NULL) : g_strdup(t->host);
  g_free(zone);

  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(lookup, NULL, &hints, &res);
  if (gai) {
    st = err_set(DOCTAG_EFETCH, "Request failed: cannot resolve host %s: %s", t->host,
                 gai == EAI_SYSTEM ? g_strerror(errno) : gai_strerror(gai));
    g_free(lookup);
    fetch_target_clear(t);
    return st;
  }
  /* Every address the name has must pass: curl may try any of them. */
  GPtrArray *pin = g_ptr_array_new_with_free_func(g_free);
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN + 8];
    const char *why;
    fetch_addr_text(ai->ai_addr, text, sizeof text);
    if (!fetch_addr_allowed(o, ai->ai_addr, &why)) {
      if (!g_ascii_strcasecmp(text, t->host))
        st = err_set(DOCTAG_EURL, "%s is %s", text, why);
      else
        st = err_set(DOCTAG_EURL, "%s resolves to %s, %s", t->host, text, why);
      break;
    }
    char *entry = strchr(text, ':') ? g_strdup_printf("[%s]", text) : g_strdup(text);
    bool seen = false;  /* getaddrinfo repeats addresses per protocol */
    for (guint i = 0; i < pin->len && !seen; i++)
      seen = !strcmp(pin->pdata[i], entry);
    if (seen)
      g_free(entry);
    else
      g_ptr_array_add(pin, entry);
  }
  freeaddrinfo(res);
  g_free(lookup);
  /* Pin what was checked, so that a second DNS answer (rebinding) is never
   * used. IP literals are not looked up by curl at all. */
  struct in_addr v4;
  bool literal = strchr(t->host, ':') || inet_pton(AF_INET, t->host, &v4) == 1;
  if (!st && !literal) {
    g_ptr_array_add(pin, NULL);
    char *list = g_strjoinv(",", (char **)pin->pdata);
    t->resolve = g_strdup_printf("%s:%ld:%s", t->host, t->port, list);
    g_free(list);
  }
  g_ptr_array_free(pin, TRUE);
  if (st)
    fetch_target_clear(t);
  return st;
}

doctag_status fetch_url_check_opts(const fetch_opts *o, const char *url)
{
  fetch_target t;
  doctag_status st = fetch_target_check(o, url, &t);
  fetch_target_clear(&t);
  return st;
}

doctag_status fetch_url_check(const doctag_ctx *ctx, const char *url)
{
  fetch_opts o = fetch_opts_from_ctx(ctx);
  return fetch_url_check_opts(&o, url);
}
