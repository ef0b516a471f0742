/* Sealing secrets at rest: see seal.h. */
#include "core/seal.h"
#include "core/error.h"
#include "core/sodiumlib.h"

#include <glib.h>
#include <string.h>

#define SEAL_PREFIX "sb1:"

/* The per-process key used when DOCTAG_SECRET_KEY is not set. */
static unsigned char process_key[crypto_secretbox_KEYBYTES];

static gpointer draw_process_key(gpointer unused)
{
  (void)unused;
  sodiumlib_loaded()->randombytes_buf(process_key, sizeof process_key);
  return GINT_TO_POINTER(1);
}

/* The configured key (ctx_new checked its length), hashed by BLAKE2b (it is already a high-entropy
 * secret, so no password hash), or the process's own. */
static doctag_status seal_key(const doctag_ctx *ctx, unsigned char key[crypto_secretbox_KEYBYTES])
{
  const sodiumlib *na = sodiumlib_get();
  if (!na)
    return DOCTAG_EUNAVAILABLE;
  if (ctx->secret_key && *ctx->secret_key) {
    static const unsigned char label[] = "doctag secretbox key v1";
    na->crypto_generichash(key, crypto_secretbox_KEYBYTES, (const unsigned char *)ctx->secret_key,
                       strlen(ctx->secret_key), label, sizeof label - 1);
    return DOCTAG_OK;
  }
  static GOnce once = G_ONCE_INIT;
  g_once(&once, draw_process_key, NULL);
  memcpy(key, process_key, sizeof process_key);
  return DOCTAG_OK;
}

bool seal_is_sealed(const char *s)
{
  return s && g_str_has_prefix(s, SEAL_PREFIX);
}

doctag_status seal_text(const doctag_ctx *ctx, const char *plain, char **out)
{
  *out = NULL;
  unsigned char key[crypto_secretbox_KEYBYTES];
  doctag_status st = seal_key(ctx, key);
  if (st)
    return st;
  size_t n = strlen(plain);
  size_t len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
  unsigned char *buf = g_malloc(len);
  const sodiumlib *na = sodiumlib_loaded();   /* seal_key() loaded it */
  na->randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
  na->crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, buf, key);
  explicit_bzero(key, sizeof key);
  char *b64 = g_base64_encode(buf, len);
  g_free(buf);
  *out = g_strconcat(SEAL_PREFIX, b64, NULL);
  g_free(b64);
  return DOCTAG_OK;
}

doctag_status seal_open(const doctag_ctx *ctx, const char *sealed, char **out)
{
  *out = NULL;
  if (!seal_is_sealed(sealed))
    return err_set(DOCTAG_EAUTH, "the stored secret is not sealed");
  unsigned char key[crypto_secretbox_KEYBYTES];
  doctag_status st = seal_key(ctx, key);
  if (st)
    return st;
  gsize len = 0;
  unsigned char *buf = g_base64_decode(sealed + strlen(SEAL_PREFIX), &len);
  st = DOCTAG_OK;
  if (len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    st = err_set(DOCTAG_EAUTH, "the stored secret is truncated");
  } else {
    size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *plain = g_malloc(n + 1);
    if (sodiumlib_loaded()->crypto_secretbox_open_easy((unsigned char *)plain, buf + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, buf, key) != 0) {
      g_free(plain);
      st = err_set(DOCTAG_EAUTH, "the stored secret was sealed under another key (%s)",
                   ctx->secret_key && *ctx->secret_key
                       ? "a different DOCTAG_SECRET_KEY"
                       : "no DOCTAG_SECRET_KEY is set, so only the process run that stored it could open it");
    } else {
      plain[n] = '\0';
      *out = plain;
    }
  }
  explicit_bzero(key, sizeof key);
  g_free(buf);
  return st;
}

void seal_free(char *s)
{
  if (s) {
    explicit_bzero(s, strlen(s));
    g_free(s);
  }
}
