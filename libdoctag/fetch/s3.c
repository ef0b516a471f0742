/* S3 through libcurl's AWS SigV4 signing. The payload hash is computed here
 * and sent as x-amz-content-sha256 (S3 requires it); curl signs it with the
 * other headers. Bodies are sent with POSTFIELDS so that curl's own payload
 * hash in the canonical request is that of the bytes sent. */
#include "fetch/s3.h"
#include "core/curllib.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define S3_DEFAULT_TIMEOUT 60
#define S3_CONNECT_TIMEOUT 10
#define S3_ERROR_BODY_MAX 65536

/* libcurl's functions (core/curllib.c), loaded by s3_request() */
#define C (curllib_loaded())

/* A thread's handle exists only once libcurl is loaded. */
static void thread_curl_free(void *c)
{
  C->curl_easy_cleanup(c);
}

static GPrivate thread_curl = G_PRIVATE_INIT(thread_curl_free);

/* The calling thread's curl handle, reset. */
static CURL *curl_for_thread(void)
{
  CURL *c = g_private_get(&thread_curl);
  if (!c) {
    c = C->curl_easy_init();
    g_private_set(&thread_curl, c);
  } else {
    C->curl_easy_reset(c);
  }
  return c;
}

static const char *env_nonempty(const char *name)
{
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

bool s3_configured(void)
{
  return env_nonempty("AWS_ACCESS_KEY_ID") && env_nonempty("AWS_SECRET_ACCESS_KEY");
}

static const char *s3_region(void)
{
  const char *r = env_nonempty("AWS_REGION");
  if (!r)
    r = env_nonempty("AWS_DEFAULT_REGION");
  return r ? r : "us-east-1";
}

doctag_status s3_parse_uri(const char *uri, char **bucket, char **key)
{
  *bucket = *key = NULL;
  if (!uri || !g_str_has_prefix(uri, "s3://"))
    return err_set(DOCTAG_EINVAL, "Invalid S3 path format");
  const char *b = uri + 5;
  const char *slash = strchr(b, '/');
  if (!slash || slash == b || !slash[1])
    return err_set(DOCTAG_EINVAL, "Invalid S3 path format");
  /* Bucket names: 3..63 of lower-case letters, digits, dots and hyphens. */
  size_t blen = (size_t)(slash - b);
  if (blen < 3 || blen > 63)
    return err_set(DOCTAG_EINVAL, "Invalid S3 path format");
  for (size_t i = 0; i < blen; i++)
    if (!(g_ascii_islower(b[i]) || g_ascii_isdigit(b[i]) || b[i] == '.' || b[i] == '-'))
      return err_set(DOCTAG_EINVAL, "Invalid S3 path format");
  *bucket = g_strndup(b, blen);
  *key = g_strdup(slash + 1);
  return DOCTAG_OK;
}

/* The object's URL: path-style on a configured endpoint, virtual-hosted on
 * AWS (path-style for bucket names with dots, which break TLS names). */
static char *object_url(const doctag_ctx *ctx, const char *bucket, const char *key)
{
  char *ekey = key ? g_uri_escape_string(key, "/", FALSE) : g_strdup("");
  char *url;
  if (ctx->s3_endpoint) {
    const char *ep = ctx->s3_endpoint;
    size_t n = strlen(ep);
    while (n > 0 && ep[n - 1] == '/')
      n--;
    url = g_strdup_printf("%.*s/%s/%s", (int)n, ep, bucket, ekey);
  } else if (strchr(bucket, '.')) {
    url = g_strdup_printf("https://s3.%s.amazonaws.com/%s/%s", s3_region(), bucket, ekey);
  } else {
    url = g_strdup_printf("https://%s.s3.%s.amazonaws.com/%s", bucket, s3_region(), ekey);
  }
  g_free(ekey);
  return url;
}

typedef struct sink {
  GByteArray *buf;
  uint64_t max;
  bool over;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
  sink *s = ud;
  size_t n = size * nmemb;
  if (s->buf->len + (uint64_t)n > s->max) {
    s->over = true;
    return 0;
  }
  g_byte_array_append(s->buf, (const guint8 *)ptr, (guint)n);
  return n;
}

/* The text of <tag>...</tag> in an S3 error body, or NULL. */
static char *xml_field(const char *xml, const char *tag)
{
  if (!xml)
    return NULL;
  char *open = g_strdup_printf("<%s>", tag), *close = g_strdup_printf("</%s>", tag);
  char *res = NULL;
  const char *a = strstr(xml, open);
  if (a) {
    a += strlen(open);
    const char *b = strstr(a, close);
    if (b)
      res = g_strndup(a, (gsize)(b - a));
  }
  g_free(open);
  g_free(close);
  return res;
}

typedef struct s3_reply {
  long status;
  GBytes *body;
  int64_t length;
  char *content_type;
} s3_reply;

/* One signed request. `method` GET, HEAD, PUT or DELETE. On a non-2xx
 * answer, maps it to an error (404 -> DOCTAG_ENOTFOUND). */
static doctag_status s3_request(const doctag_ctx *ctx, const char *method, const char *bucket, const char *key,
                                const void *body, size_t body_len, const char *content_type,
                                uint64_t max_bytes, unsigned int timeout_sec, s3_reply *rep)
{
  memset(rep, 0, sizeof *rep);
  rep->length = -1;
  if (!s3_configured())
    return err_set(DOCTAG_EINVAL, "S3 client not configured");
  if (!curllib_get(DOCTAG_EFETCH))
    return DOCTAG_EFETCH;
  CURL *c = curl_for_thread();
  if (!c)
    return err_set(DOCTAG_ENOMEM, "cannot create a curl handle");

  char *url = object_url(ctx, bucket, key);
  char *sigv4 = g_strdup_printf("aws:amz:%s:s3", s3_region());
  char *userpwd = g_strdup_printf("%s:%s", getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"));
  char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, body ? body : (const void *)"", body ? body_len : 0);
  struct curl_slist *hdrs = NULL;
  char *h = g_strdup_printf("x-amz-content-sha256: %s", sha);
  hdrs = C->curl_slist_append(hdrs, h);
  g_free(h);
  const char *token = env_nonempty("AWS_SESSION_TOKEN");
  if (token) {
    h = g_strdup_printf("x-amz-security-token: %s", token);
    hdrs = C->curl_slist_append(hdrs, h);
    g_free(h);
  }
  if (!strcmp(method, "PUT")) {
    h = g_strdup_printf("Content-Type: %s", content_type ? content_type : "application/octet-stream");
    hdrs = C->curl_slist_append(hdrs, h);
    g_free(h);
  }

  sink s = { g_byte_array_new(), max_bytes ? max_bytes : S3_ERROR_BODY_MAX, false };
  C->curl_easy_setopt(c, CURLOPT_URL, url);
  C->curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  C->curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  C->curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4);
  C->curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
  C->curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  C->curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)S3_CONNECT_TIMEOUT);
  C->curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(timeout_sec ? timeout_sec : S3_DEFAULT_TIMEOUT));
  C->curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  C->curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
  if (!strcmp(method, "HEAD")) {
    C->curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (!strcmp(method, "PUT")) {
    C->curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    C->curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    C->curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : (const void *)"");
  } else if (!strcmp(method, "DELETE")) {
    C->curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
  }

  doctag_status st = DOCTAG_OK;
  CURLcode rc = C->curl_easy_perform(c);
  if (rc == CURLE_WRITE_ERROR && s.over && max_bytes) {
    st = err_set(DOCTAG_ELIMIT, "S3 object s3://%s/%s is over the limit of %.1f MB", bucket, key,
                 max_bytes / 1048576.0);
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    st = err_set(DOCTAG_ETIMEOUT, "Request timed out");
  } else if (rc != CURLE_OK) {
    st = err_set(DOCTAG_EFETCH, "Request failed: %s", C->curl_easy_strerror(rc));
  } else {
    C->curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rep->status);
    curl_off_t cl = -1;
    C->curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
    rep->length = cl;
    char *ct = NULL;
    C->curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    rep->content_type = ct ? g_strdup(ct) : NULL;
    if (rep->status < 200 || rep->status > 299) {
      g_byte_array_append(s.buf, (const guint8 *)"", 1);
      const char *xml = (const char *)s.buf->data;
      char *code = xml_field(xml, "Code"), *msg = xml_field(xml, "Message");
      if (rep->status == 404 && code && !strcmp(code, "NoSuchBucket"))
        st = err_set(DOCTAG_ENOTFOUND, "Bucket not found");
      else if (rep->status == 404)
        st = err_set(DOCTAG_ENOTFOUND, "Object not found");
      else
        st = err_set(DOCTAG_EFETCH, "S3 %s s3://%s/%s: HTTP %ld%s%s%s%s", method, bucket, key ? key : "",
                     rep->status, code ? " " : "", code ? code : "", msg ? ": " : "", msg ? msg : "");
      g_free(code);
      g_free(msg);
    }
  }
  if (!st)
    rep->body = g_byte_array_free_to_bytes(s.buf);
  else
    g_byte_array_free(s.buf, TRUE);
  C->curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
  C->curl_slist_free_all(hdrs);
  explicit_bzero(userpwd, strlen(userpwd));
  g_free(userpwd);
  g_free(sigv4);
  g_free(sha);
  g_free(url);
  if (st) {
    g_free(rep->content_type);
    rep->content_type = NULL;
  }
  return st;
}

static void reply_clear(s3_reply *r)
{
  if (r->body)
    g_bytes_unref(r->body);
  g_free(r->content_type);
  memset(r, 0, sizeof *r);
}

doctag_status s3_head(const doctag_ctx *ctx, const char *bucket, const char *key, int64_t *size,
                      char **content_type)
{
  if (size)
    *size = -1;
  if (content_type)
    *content_type = NULL;
  s3_reply rep;
  doctag_status st = s3_request(ctx, "HEAD", bucket, key, NULL, 0, NULL, 0, 0, &rep);
  if (st == DOCTAG_ENOTFOUND) {
    /* A HEAD answer has no body to tell a missing bucket from a missing
     * key: ask about the bucket. */
    s3_reply brep;
    doctag_status bst = s3_request(ctx, "HEAD", bucket, "", NULL, 0, NULL, 0, 0, &brep);
    reply_clear(&brep);
    if (bst == DOCTAG_ENOTFOUND)
      st = err_set(DOCTAG_ENOTFOUND, "Bucket not found");
    else
      st = err_set(DOCTAG_ENOTFOUND, "Object not found");
  }
  if (!st) {
    if (size)
      *size = rep.length;
    if (content_type) {
      *content_type = rep.content_type;
      rep.content_type = NULL;
    }
  }
  reply_clear(&rep);
  return st;
}

doctag_status s3_get(const doctag_ctx *ctx, const char *bucket, const char *key, uint64_t max_bytes,
                     unsigned int timeout_sec, GBytes **out)
{
  *out = NULL;
  s3_reply rep;
  doctag_status st = s3_request(ctx, "GET", bucket, key, NULL, 0, NULL, max_bytes ? max_bytes : UINT64_MAX,
                                timeout_sec, &rep);
  if (!st) {
    *out = rep.body;
    rep.body = NULL;
  }
  reply_clear(&rep);
  return st;
}

doctag_status s3_put(const doctag_ctx *ctx, const char *bucket, const char *key, const void *data, size_t len,
                     const char *content_type)
{
  s3_reply rep;
  doctag_status st = s3_request(ctx, "PUT", bucket, key, data, len, content_type, 0, 0, &rep);
  reply_clear(&rep);
  return st;
}

doctag_status s3_delete(const doctag_ctx *ctx, const char *bucket, const char *key)
{
  s3_reply rep;
  doctag_status st = s3_request(ctx, "DELETE", bucket, key, NULL, 0, NULL, 0, 0, &rep);
  reply_clear(&rep);
  return st == DOCTAG_ENOTFOUND ? DOCTAG_OK : st;
}
