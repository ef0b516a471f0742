/* Local files: plain reads with a size cap, and the allowed-roots guard of
 * batch sources. */
#include "fetch/target.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fetch_size_text(uint64_t n)
{
  if (n >= 1048576 && n % 1048576 == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT " MB", n / 1048576);
  if (n >= 1048576)
    return g_strdup_printf("%.1f MB", (double)n / 1048576.0);
  if (n >= 1024 && n % 1024 == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT " KB", n / 1024);
  return g_strdup_printf("%" G_GUINT64_FORMAT " bytes", n);
}

static doctag_status too_large(uint64_t max)
{
  char *cap = fetch_size_text(max);
  doctag_status st = err_set(DOCTAG_ELIMIT, "file larger than %s", cap);
  g_free(cap);
  return st;
}

/* Reads an open descriptor that must be a regular file, at most max bytes. */
static doctag_status read_fd(int fd, const char *path, uint64_t max, GBytes **out)
{
  struct stat sb;
  if (fstat(fd, &sb))
    return err_set(DOCTAG_EIO, "%s: %s", path, g_strerror(errno));
  if (!S_ISREG(sb.st_mode))
    return err_set(DOCTAG_EINVAL, "Not a file: %s", path);
  if ((uint64_t)sb.st_size > max)
    return too_large(max);
  /* The file may grow while we read: keep the cap while reading too. */
  GByteArray *buf = g_byte_array_sized_new((guint)sb.st_size + 1);
  guint8 chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0) {
      int e = errno;
      g_byte_array_unref(buf);
      return err_set(DOCTAG_EIO, "%s: %s", path, g_strerror(e));
    }
    if (n == 0)
      break;
    if ((uint64_t)buf->len + (uint64_t)n > max) {
      g_byte_array_unref(buf);
      return too_large(max);
    }
    g_byte_array_append(buf, chunk, (guint)n);
  }
  *out = g_byte_array_free_to_bytes(buf);
  return DOCTAG_OK;
}

static doctag_status open_error(const char *path, int e)
{
  if (e == ENOENT || e == ENOTDIR)
    return err_set(DOCTAG_ENOTFOUND, "No such file: %s", path);
  return err_set(DOCTAG_EIO, "%s: %s", path, g_strerror(e));
}

doctag_status fetch_file(const char *path, uint64_t max_bytes, GBytes **out)
{
  *out = NULL;
  if (!path || !*path)
    return err_set(DOCTAG_EINVAL, "path is empty");
  if (!max_bytes)
    max_bytes = FETCH_DEFAULT_MAX_BYTES;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return open_error(path, errno);
  doctag_status st = read_fd(fd, path, max_bytes, out);
  close(fd);
  return st;
}

/* Every refusal names the setting that would allow the path. */
static doctag_status not_allowed(const char *path)
{
  return err_set(DOCTAG_EURL, "Path not allowed: %s (outside DOCTAG_ALLOWED_ROOTS)", path);
}

/* Whether the real path `real` is one of the roots or inside one. */
static bool inside_roots(const doctag_ctx *ctx, const char *real)
{
  if (!ctx || !ctx->allowed_roots || !*ctx->allowed_roots)
    return false;
  bool ok = false;
  gchar **roots = g_strsplit(ctx->allowed_roots, ":", -1);
  for (gchar **r = roots; *r && !ok; r++) {
    if (!**r || **r != '/')
      continue;
    char *root = realpath(*r, NULL);
    if (!root)
      continue;
    size_t n = strlen(root);
    ok = !strcmp(root, "/") || (!strncmp(real, root, n) && (real[n] == '\0' || real[n] == '/'));
    free(root);
  }
  g_strfreev(roots);
  return ok;
}

/* Where a path that does not exist would be: its deepest existing
 * ancestor resolved (so roots reached through symlinks compare alike), then
 * the rest. g_free it. */
static char *resolve_missing(const char *path)
{
  char *lexical = g_canonicalize_filename(path, "/");
  char *dir = g_strdup(lexical);
  const char *rest = lexical + strlen(lexical);
  while (strcmp(dir, "/") != 0) {
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    rest = lexical + (slash - dir);
    char *real = realpath(*dir ? dir : "/", NULL);
    if (real) {
      char *joined = g_build_filename(real, rest, NULL);
      free(real);
      g_free(dir);
      g_free(lexical);
      return joined;
    }
  }
  g_free(dir);
  return lexical;
}

doctag_status fetch_local_check(const doctag_ctx *ctx, const char *path, char **resolved)
{
  if (resolved)
    *resolved = NULL;
  if (!path || !*path)
    return err_set(DOCTAG_EINVAL, "Empty path");
  if (path[0] != '/')
    return err_set(DOCTAG_EURL, "Relative paths not supported");
  char *real = realpath(path, NULL);
  if (!real) {
    int e = errno;
    /* Say "not allowed" rather than "not found" outside the roots, so that
     * the answer tells nothing about files there. */
    char *lexical = resolve_missing(path);
    bool inside = inside_roots(ctx, lexical);
    g_free(lexical);
    if (!inside)
      return not_allowed(path);
    if (e == ENOENT || e == ENOTDIR)
      return err_set(DOCTAG_ENOTFOUND, "File not found: %s", path);
    return err_set(DOCTAG_EIO, "%s: %s", path, g_strerror(e));
  }
  if (!inside_roots(ctx, real)) {
    free(real);
    return not_allowed(path);
  }
  if (resolved)
    *resolved = g_strdup(real);
  free(real);
  return DOCTAG_OK;
}

doctag_status fetch_local(const doctag_ctx *ctx, const char *path, uint64_t max_bytes, GBytes **out)
{
  *out = NULL;
  char *real = NULL;
  doctag_status st = fetch_local_check(ctx, path, &real);
  if (st)
    return st;
  if (!max_bytes)
    max_bytes = ctx && ctx->max_file_bytes ? ctx->max_file_bytes : FETCH_DEFAULT_MAX_BYTES;
  int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
  if (fd < 0) {
    int e = errno;
    g_free(real);
    return e == ELOOP ? not_allowed(path) : open_error(path, e);
  }
  /* A directory on the way may have been swapped for a symlink since the
   * check: judge the file actually opened. */
  char link[64], opened[PATH_MAX];
  g_snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, opened, sizeof opened - 1);
  if (n > 0) {
    opened[n] = '\0';
    if (!inside_roots(ctx, opened)) {
      close(fd);
      g_free(real);
      return not_allowed(path);
    }
  }
  st = read_fd(fd, path, max_bytes, out);
  close(fd);
  g_free(real);
  return st;
}
