/* Blobs in an S3 bucket: s3://bucket/prefix -> key "prefix/<sha256>". */
#include "blob/blob.h"
#include "core/error.h"
#include "fetch/s3.h"

#include <string.h>

typedef struct s3_store {
  blob_store base;
  char *bucket;
  char *prefix;   /* "" or "prefix/" */
} s3_store;

static doctag_status s3b_open(const doctag_ctx *ctx, const char *url, blob_store **out)
{
  /* "s3://bucket" alone is a bucket without prefix. */
  char *withkey = strchr(url + 5, '/') ? g_strdup(url) : g_strconcat(url, "/", NULL);
  char *bucket = NULL, *prefix = NULL;
  doctag_status st = DOCTAG_OK;
  if (g_str_has_suffix(withkey, "/")) {
    char *tmp = g_strconcat(withkey, "x", NULL);
    st = s3_parse_uri(tmp, &bucket, &prefix);
    g_free(tmp);
    if (!st)
      prefix[strlen(prefix) - 1] = '\0';
  } else {
    st = s3_parse_uri(withkey, &bucket, &prefix);
  }
  g_free(withkey);
  if (st)
    return err_set(DOCTAG_EINVAL, "DOCTAG_BLOB_URL is not s3://bucket/prefix (got \"%.60s\")", url);
  s3_store *ss = g_new0(s3_store, 1);
  ss->bucket = bucket;
  size_t n = strlen(prefix);
  while (n > 0 && prefix[n - 1] == '/')
    prefix[--n] = '\0';
  ss->prefix = n ? g_strconcat(prefix, "/", NULL) : g_strdup("");
  g_free(prefix);
  *out = &ss->base;
  return DOCTAG_OK;
}

static doctag_status s3b_put(blob_store *bs, const char *sha, const void *data, size_t len)
{
  s3_store *ss = (s3_store *)bs;
  char *key = g_strconcat(ss->prefix, sha, NULL);
  doctag_status st = s3_head(bs->ctx, ss->bucket, key, NULL, NULL);
  if (st == DOCTAG_ENOTFOUND)
    st = s3_put(bs->ctx, ss->bucket, key, data, len, "application/pdf");
  g_free(key);
  return st;
}

static doctag_status s3b_get(blob_store *bs, const char *sha, uint64_t max_bytes, GBytes **out)
{
  s3_store *ss = (s3_store *)bs;
  char *key = g_strconcat(ss->prefix, sha, NULL);
  doctag_status st = s3_get(bs->ctx, ss->bucket, key, max_bytes, 0, out);
  g_free(key);
  if (st == DOCTAG_ENOTFOUND)
    st = err_set(DOCTAG_ENOTFOUND, "stored PDF %s not found", sha);
  return st;
}

static doctag_status s3b_remove(blob_store *bs, const char *sha)
{
  s3_store *ss = (s3_store *)bs;
  char *key = g_strconcat(ss->prefix, sha, NULL);
  doctag_status st = s3_delete(bs->ctx, ss->bucket, key);
  g_free(key);
  return st;
}

static void s3b_close(blob_store *bs)
{
  s3_store *ss = (s3_store *)bs;
  g_free(ss->bucket);
  g_free(ss->prefix);
  g_free(ss);
}

const blob_backend blob_s3_backend = {
  .scheme = "s3://", .open = s3b_open, .put = s3b_put, .get = s3b_get, .remove = s3b_remove, .close = s3b_close,
};
