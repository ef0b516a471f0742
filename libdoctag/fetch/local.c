/* Local files as batch sources: only inside the allowed roots. The check
 * compares real paths; the read then opens the file beneath its root with
 * openat2(RESOLVE_BENEATH), so a component swapped for a symbolic link
 * between the check and the read still cannot lead out. */
#include "fetch/local.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The real path of each configured root that exists. */
static GPtrArray *real_roots(const doctag_ctx *ctx)
{
  GPtrArray *roots = g_ptr_array_new_with_free_func(free);
  if (!ctx->allowed_roots)
    return roots;
  char **parts = g_strsplit(ctx->allowed_roots, ":", -1);
  for (char **p = parts; *p; p++) {
    if (!**p || !g_path_is_absolute(*p))
      continue;
    char *r = realpath(*p, NULL);
    if (r)
      g_ptr_array_add(roots, r);
  }
  g_strfreev(parts);
  return roots;
}

/* The root containing `path` (a real or canonical absolute path), or NULL. */
static const char *root_of(GPtrArray *roots, const char *path)
{
  for (guint i = 0; i < roots->len; i++) {
    const char *r = g_ptr_array_index(roots, i);
    size_t n = strlen(r);
    if (n == 1 && r[0] == '/')
      return r;
    if (!strncmp(path, r, n) && (path[n] == '/' || path[n] == '\0'))
      return r;
  }
  return NULL;
}

/* Resolves and checks; on success *real_out (free()) is the real path and
 * *root_out its root (free()). */
static doctag_status resolve(const doctag_ctx *ctx, const char *path, char **real_out, char **root_out,
                             int64_t *size)
{
  *real_out = *root_out = NULL;
  if (size)
    *size = -1;
  if (!path || !*path)
    return err_set(DOCTAG_EINVAL, "Empty path");
  if (!g_path_is_absolute(path))
    return err_set(DOCTAG_EINVAL, "Relative paths not supported");
  GPtrArray *roots = real_roots(ctx);
  doctag_status st = DOCTAG_OK;
  char *rp = realpath(path, NULL);
  if (!rp) {
    int e = errno;
    /* Whether it would be inside a root decides between the two messages,
     * so nothing is said about files outside the roots. */
    char *lex = g_canonicalize_filename(path, "/");
    bool inside = root_of(roots, lex) != NULL;
    g_free(lex);
    if (!inside)
      st = err_set(DOCTAG_EURL, "Path not allowed: %s", path);
    else if (e == ENOENT || e == ENOTDIR)
      st = err_set(DOCTAG_ENOTFOUND, "File not found: %s", path);
    else
      st = err_set(DOCTAG_EIO, "Cannot read %s: %s", path, g_strerror(e));
    goto out;
  }
  const char *root = root_of(roots, rp);
  if (!root) {
    st = err_set(DOCTAG_EURL, "Path not allowed: %s", path);
    goto out;
  }
  struct stat sb;
  if (stat(rp, &sb) != 0) {
    st = err_set(DOCTAG_ENOTFOUND, "File not found: %s", path);
    goto out;
  }
  if (!S_ISREG(sb.st_mode)) {
    st = err_set(DOCTAG_EINVAL, "Not a file");
    goto out;
  }
  if (size)
    *size = (int64_t)sb.st_size;
  *root_out = strdup(root);
  *real_out = rp;
  rp = NULL;
out:
  free(rp);
  g_ptr_array_free(roots, TRUE);
  return st;
}

doctag_status fetch_local_check(const doctag_ctx *ctx, const char *path, int64_t *size)
{
  char *rp = NULL, *root = NULL;
  doctag_status st = resolve(ctx, path, &rp, &root, size);
  free(rp);
  free(root);
  return st;
}

/* Opens `rp` (a real path under `root`) without leaving the root. */
static int open_beneath(const char *root, const char *rp)
{
  int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  const char *rel = rp + strlen(root);
  while (*rel == '/')
    rel++;
  struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
  int fd = (int)syscall(SYS_openat2, dfd, *rel ? rel : ".", &how, sizeof how);
  if (fd < 0 && errno == ENOSYS)
    fd = open(rp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int e = errno;
  close(dfd);
  errno = e;
  return fd;
}

doctag_status fetch_local(const doctag_ctx *ctx, const char *path, uint64_t max_bytes, GBytes **out)
{
  *out = NULL;
  char *rp = NULL, *root = NULL;
  doctag_status st = resolve(ctx, path, &rp, &root, NULL);
  if (st)
    return st;
  int fd = open_beneath(root, rp);
  if (fd < 0) {
    if (errno == EXDEV || errno == ELOOP)
      st = err_set(DOCTAG_EURL, "Path not allowed: %s", path);
    else if (errno == ENOENT)
      st = err_set(DOCTAG_ENOTFOUND, "File not found: %s", path);
    else
      st = err_set(DOCTAG_EIO, "Cannot open %s: %s", path, g_strerror(errno));
    goto out;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    st = err_set(DOCTAG_EINVAL, "Not a file");
    goto out_fd;
  }
  if ((uint64_t)sb.st_size > max_bytes) {
    st = err_set(DOCTAG_ELIMIT, "file is %.1f MB, over the limit of %.1f MB", sb.st_size / 1048576.0,
                 max_bytes / 1048576.0);
    goto out_fd;
  }
  /* Read to the end rather than trusting st_size: the file may change. */
  GByteArray *buf = g_byte_array_sized_new((guint)sb.st_size + 1);
  unsigned char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      st = err_set(DOCTAG_EIO, "Cannot read %s: %s", path, g_strerror(errno));
      break;
    }
    if (n == 0)
      break;
    if (buf->len + (uint64_t)n > max_bytes) {
      st = err_set(DOCTAG_ELIMIT, "file is over the limit of %.1f MB", max_bytes / 1048576.0);
      break;
    }
    g_byte_array_append(buf, chunk, (guint)n);
  }
  if (st)
    g_byte_array_free(buf, TRUE);
  else
    *out = g_byte_array_free_to_bytes(buf);
out_fd:
  close(fd);
out:
  free(rp);
  free(root);
  return st;
}
