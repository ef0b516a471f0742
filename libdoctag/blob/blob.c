/* The blob store: picks the backend from DOCTAG_BLOB_URL once per context. */
#include "blob/blob.h"
#include "core/error.h"
#include "core/sha256.h"

#include <string.h>

extern const blob_backend blob_dir_backend;
extern const blob_backend blob_s3_backend;

static const blob_backend *const backends[] = { &blob_dir_backend, &blob_s3_backend, NULL };

bool blob_sha_valid(const char *s)
{
  if (!s || strlen(s) != 64)
    return false;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit(*p) && !(*p >= 'a' && *p <= 'f'))
      return false;
  return true;
}

static void *store_create(doctag_ctx *ctx)
{
  const char *url = ctx->blob_url;
  const blob_backend *be = &blob_dir_backend;
  if (url) {
    be = NULL;
    for (const blob_backend *const *b = backends; *b; b++)
      if (g_str_has_prefix(url, (*b)->scheme))
        be = *b;
    if (!be) {
      err_set(DOCTAG_EINVAL, "DOCTAG_BLOB_URL must start with file:// or s3:// (got \"%.40s\")", url);
      return NULL;
    }
  }
  blob_store *bs = NULL;
  if (be->open(ctx, url, &bs))
    return NULL;
  bs->backend = be;
  bs->ctx = ctx;
  return bs;
}

static void store_destroy(void *obj)
{
  blob_store *bs = obj;
  bs->backend->close(bs);
}

static doctag_status store_get(doctag_ctx *ctx, blob_store **out)
{
  *out = ctx_attach(ctx, "blob", store_create, store_destroy);
  return *out ? DOCTAG_OK : doctag_error_last()->code;
}

doctag_status blob_put(doctag_ctx *ctx, const void *data, size_t len, char sha256[65])
{
  blob_store *bs;
  doctag_status st = store_get(ctx, &bs);
  if (st)
    return st;
  sha256_hex(data, len, sha256);
  st = bs->backend->put(bs, sha256, data, len);
  return st ? err_wrap(st, "storing the PDF") : DOCTAG_OK;
}

doctag_status blob_put_hashed(doctag_ctx *ctx, const void *data, size_t len, const char *sha256)
{
  if (!blob_sha_valid(sha256))
    return err_set(DOCTAG_EINVAL, "not a SHA-256: \"%.70s\"", sha256 ? sha256 : "");
  blob_store *bs;
  doctag_status st = store_get(ctx, &bs);
  if (st)
    return st;
  st = bs->backend->put(bs, sha256, data, len);
  return st ? err_wrap(st, "storing the PDF") : DOCTAG_OK;
}

doctag_status blob_get(doctag_ctx *ctx, const char *sha256, uint64_t max_bytes, GBytes **out)
{
  *out = NULL;
  if (!blob_sha_valid(sha256))
    return err_set(DOCTAG_EINVAL, "not a SHA-256: \"%.70s\"", sha256 ? sha256 : "");
  blob_store *bs;
  doctag_status st = store_get(ctx, &bs);
  return st ? st : bs->backend->get(bs, sha256, max_bytes, out);
}

doctag_status blob_delete(doctag_ctx *ctx, const char *sha256)
{
  if (!blob_sha_valid(sha256))
    return err_set(DOCTAG_EINVAL, "not a SHA-256: \"%.70s\"", sha256 ? sha256 : "");
  blob_store *bs;
  doctag_status st = store_get(ctx, &bs);
  return st ? st : bs->backend->remove(bs, sha256);
}
