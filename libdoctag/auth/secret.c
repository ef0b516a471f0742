/* The JWT signing secret: configured, or generated once per data directory. */
#include "auth/auth.h"
#include "core/error.h"
#include "core/sodiumlib.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Shorter configured secrets are refused: HS256 wants at least 256 bits. */
#define SECRET_MIN 32

static doctag_status read_secret(const char *path, GBytes **out)
{
  char *data = NULL;
  gsize len = 0;
  GError *e = NULL;
  if (!g_file_get_contents(path, &data, &len, &e)) {
    doctag_status st = err_set(DOCTAG_EIO, "JWT secret %s: %s", path, e->message);
    g_error_free(e);
    return st;
  }
  g_strstrip(data);
  len = strlen(data);
  if (len < SECRET_MIN) {
    g_free(data);
    return err_set(DOCTAG_EIO, "JWT secret %s: shorter than %d characters", path, SECRET_MIN);
  }
  /* Only the owner may read it. */
  struct stat sb;
  if (stat(path, &sb) == 0 && (sb.st_mode & 077))
    chmod(path, 0600);
  *out = g_bytes_new_take(data, len);
  return DOCTAG_OK;
}

/* Writes a fresh secret to a temporary file and links it into place: link()
 * fails when another process got there first, and then its secret wins. */
static doctag_status create_secret(const char *dir, const char *path, GBytes **out)
{
  const sodiumlib *na = sodiumlib_get();
  if (!na)
    return DOCTAG_EUNAVAILABLE;
  unsigned char raw[48];
  na->randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 2];
  na->sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  explicit_bzero(raw, sizeof raw);
  strcat(hex, "\n");

  if (g_mkdir_with_parents(dir, 0700) != 0)
    return err_set(DOCTAG_EIO, "cannot create %s: %s", dir, g_strerror(errno));
  char *tmp = g_build_filename(dir, ".jwt_secret.XXXXXX", NULL);
  int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    doctag_status st = err_set(DOCTAG_EIO, "cannot create %s: %s", tmp, g_strerror(errno));
    g_free(tmp);
    return st;
  }
  size_t len = strlen(hex);
  bool ok = fchmod(fd, 0600) == 0 && write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
  int werr = errno;
  close(fd);
  doctag_status st = DOCTAG_OK;
  if (!ok)
    st = err_set(DOCTAG_EIO, "cannot write %s: %s", tmp, g_strerror(werr));
  else if (link(tmp, path) != 0 && errno != EEXIST)
    st = err_set(DOCTAG_EIO, "cannot create %s: %s", path, g_strerror(errno));
  unlink(tmp);
  g_free(tmp);
  explicit_bzero(hex, sizeof hex);
  if (st != DOCTAG_OK)
    return st;
  return read_secret(path, out);
}

/* Loads the secret once per context (ctx_attach: a failure is not kept,
 * the next call tries again). */
static void *secret_load(doctag_ctx *ctx)
{
  GBytes *secret = NULL;
  doctag_status st = DOCTAG_OK;
  if (ctx->jwt_secret && *ctx->jwt_secret) {
    if (strlen(ctx->jwt_secret) < SECRET_MIN)
      st = err_set(DOCTAG_EINVAL, "DOCTAG_JWT_SECRET must be at least %d characters", SECRET_MIN);
    else
      secret = g_bytes_new(ctx->jwt_secret, strlen(ctx->jwt_secret));
  } else if (!ctx->data_dir || !*ctx->data_dir) {
    st = err_set(DOCTAG_EINVAL, "no JWT secret configured and no data directory to keep one in");
  } else {
    char *path = g_build_filename(ctx->data_dir, "jwt_secret", NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
      st = read_secret(path, &secret);
    else
      st = create_secret(ctx->data_dir, path, &secret);
    g_free(path);
  }
  if (st != DOCTAG_OK && secret) {
    g_bytes_unref(secret);
    secret = NULL;
  }
  return secret;
}

static void secret_drop(void *secret)
{
  g_bytes_unref(secret);
}

doctag_status auth_secret(doctag_ctx *ctx, GBytes **out)
{
  GBytes *secret = ctx_attach(ctx, "auth.secret", secret_load, secret_drop);
  *out = secret ? g_bytes_ref(secret) : NULL;
  if (secret)
    return DOCTAG_OK;
  doctag_status st = doctag_error_last()->code;
  return st != DOCTAG_OK ? st : err_set(DOCTAG_EINTERNAL, "the JWT secret could not be loaded");
}
