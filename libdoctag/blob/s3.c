/* Blobs in an S3 bucket: s3://bucket/prefix -> key "prefix/<sha256>". */
#include "blob/blob.h"
#include "core/error.h"
#include "fetch/s3.h"

#include <string.h>

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
  blob_store *bs = g_new0(blob_store, 1);
  bs->bucket = bucket;
  size_t n = strlen(prefix);
  while (n > 0 && prefix[n - 1] == '/')
    prefix[--n] = '\0';
  bs->prefix = n ? g_strconcat(prefix, "/", NULL) : g_strdup("");
  g_free(prefix);
  *out = bs;
  return DOCTAG_OK;
}

static doctag_status s3b_put(blob_store *bs, const char *sha, const void *data, size_t len)
{
  char *key = g_strconcat(bs->prefix, sha, NULL);
  doctag_status st = s3_head(bs->ctx, bs->bucket, key, NULL, NULL);
  if (st == DOCTAG_ENOTFOUND)
    st = s3_put(bs->ctx, bs->bucket, key, data, len, "application/pdf");
  g_free(key);
  return st;
}

static doctag_status s3b_get(blob_store *bs, const char *sha, uint64_t max_bytes, GBytes **out)
{
  char *key = g_strconcat(bs->prefix, sha, NULL);
  doctag_status st = s3_get(bs->ctx, bs->bucket, key, max_bytes, 0, out);
  g_free(key);
  if (st == DOCTAG_ENOTFOUND)
    st = err_set(DOCTAG_ENOTFOUND, "stored PDF %s not found", sha);
  return st;
}

static doctag_status s3b_remove(blob_store *bs, const char *sha)
{
  char *key = g_strconcat(bs->prefix, sha, NULL);
  doctag_status st = s3_delete(bs->ctx, bs->bucket, key);
  g_free(key);
  return st;
}

static void s3b_close(blob_store *bs)
{
  g_free(bs->bucket);
  g_free(bs->prefix);
  g_free(bs);
}

const blob_backend blob_s3_backend = {
  .scheme = "s3://", .open = s3b_open, .put = s3b_put, .get = s3b_get, .remove = s3b_remove, .close = s3b_close,
};
