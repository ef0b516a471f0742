/* Blobs in a directory: <root>/<first two hex digits>/<sha256>. Writes go to
 * a temporary file renamed into place, so readers never see half a PDF and
 * two writers of the same bytes do not conflict. */
#include "blob/blob.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct dir_store {
  blob_store base;
  char *root;   /* the directory */
} dir_store;

static doctag_status dir_open(const doctag_ctx *ctx, const char *url, blob_store **out)
{
  char *root = url ? g_strdup(url + strlen("file://")) : g_build_filename(ctx->data_dir, "blobs", NULL);
  if (!g_path_is_absolute(root)) {
    doctag_status st = err_set(DOCTAG_EINVAL, "DOCTAG_BLOB_URL file:// needs an absolute path (got \"%s\")", root);
    g_free(root);
    return st;
  }
  if (g_mkdir_with_parents(root, 0700) != 0) {
    doctag_status st = err_set(DOCTAG_EIO, "cannot create the blob directory %s: %s", root, g_strerror(errno));
    g_free(root);
    return st;
  }
  dir_store *ds = g_new0(dir_store, 1);
  ds->root = root;
  *out = &ds->base;
  return DOCTAG_OK;
}

static char *blob_path(blob_store *bs, const char *sha)
{
  char sub[3] = { sha[0], sha[1], 0 };
  return g_build_filename(((dir_store *)bs)->root, sub, sha, NULL);
}

static doctag_status dir_put(blob_store *bs, const char *sha, const void *data, size_t len)
{
  char *path = blob_path(bs, sha);
  doctag_status st = DOCTAG_OK;
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
    goto out;
  char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) != 0) {
    st = err_set(DOCTAG_EIO, "cannot create %s: %s", dir, g_strerror(errno));
    g_free(dir);
    goto out;
  }
  g_free(dir);
  char *tmp = g_strdup_printf("%s.%d.%08x.tmp", path, (int)getpid(), g_random_int());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    st = err_set(DOCTAG_EIO, "cannot create %s: %s", tmp, g_strerror(errno));
    g_free(tmp);
    goto out;
  }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      st = err_set(DOCTAG_EIO, "cannot write %s: %s", tmp, g_strerror(errno));
      break;
    }
    p += n;
    left -= (size_t)n;
  }
  if (!st && fsync(fd) != 0)
    st = err_set(DOCTAG_EIO, "cannot write %s: %s", tmp, g_strerror(errno));
  close(fd);
  if (!st && rename(tmp, path) != 0)
    st = err_set(DOCTAG_EIO, "cannot rename %s: %s", tmp, g_strerror(errno));
  if (st)
    unlink(tmp);
  g_free(tmp);
out:
  g_free(path);
  return st;
}

static doctag_status dir_get(blob_store *bs, const char *sha, uint64_t max_bytes, GBytes **out)
{
  char *path = blob_path(bs, sha);
  doctag_status st = DOCTAG_OK;
  GStatBuf sb;
  if (g_stat(path, &sb) != 0) {
    st = errno == ENOENT ? err_set(DOCTAG_ENOTFOUND, "stored PDF %s not found", sha)
                         : err_set(DOCTAG_EIO, "cannot read %s: %s", path, g_strerror(errno));
  } else if (max_bytes && (uint64_t)sb.st_size > max_bytes) {
    st = err_set(DOCTAG_ELIMIT, "stored PDF is %.1f MB, over the limit of %.1f MB", sb.st_size / 1048576.0,
                 max_bytes / 1048576.0);
  } else {
    gchar *data = NULL;
    gsize len = 0;
    GError *e = NULL;
    if (!g_file_get_contents(path, &data, &len, &e)) {
      st = err_set(DOCTAG_EIO, "cannot read %s: %s", path, e->message);
      g_error_free(e);
    } else {
      *out = g_bytes_new_take(data, len);
    }
  }
  g_free(path);
  return st;
}

static doctag_status dir_remove(blob_store *bs, const char *sha)
{
  char *path = blob_path(bs, sha);
  doctag_status st = DOCTAG_OK;
  if (unlink(path) != 0 && errno != ENOENT)
    st = err_set(DOCTAG_EIO, "cannot remove %s: %s", path, g_strerror(errno));
  g_free(path);
  return st;
}

static void dir_close(blob_store *bs)
{
  dir_store *ds = (dir_store *)bs;
  g_free(ds->root);
  g_free(ds);
}

const blob_backend blob_dir_backend = {
  .scheme = "file://", .open = dir_open, .put = dir_put, .get = dir_get, .remove = dir_remove, .close = dir_close,
};
