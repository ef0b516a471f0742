/* Password hashing: argon2id through libsodium, interactive limits. */
#include "auth/auth.h"
#include "core/error.h"
#include "core/embedded.h"

#include <sodium.h>
#include <string.h>

static char *dummy_hash;

static gpointer init_sodium(gpointer unused)
{
  if (sodium_init() < 0)
    return GINT_TO_POINTER(0);
  /* The hash an unknown email is checked against. */
  unsigned char pw[16];
  randombytes_buf(pw, sizeof pw);
  static char h[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(h, (const char *)pw, sizeof pw, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0)
    dummy_hash = h;
  return GINT_TO_POINTER(1);
}

bool auth_sodium_ready(void)
{
  static GOnce once = G_ONCE_INIT;
  return GPOINTER_TO_INT(g_once(&once, init_sodium, NULL)) == 1;
}

doctag_status auth_password_hash(const char *password, char **hash)
{
  *hash = NULL;
  if (!auth_sodium_ready())
    return err_set(DOCTAG_EINTERNAL, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return err_set(DOCTAG_ENOMEM, "password hashing needs %zu MB of memory and could not get it",
                   (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
  *hash = g_strdup(out);
  return DOCTAG_OK;
}

bool auth_password_verify(const char *hash, const char *password)
{
  if (!auth_sodium_ready() || !password)
    return false;
  if (!hash) {
    if (dummy_hash && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
      return false; /* a random 16-byte password: never, and false anyway */
    return false;
  }
  return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* The shipped list, lower-cased, loaded once. */
static gpointer load_common(gpointer unused)
{
  (void)unused;
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  const embedded_file *f = embedded_find("auth/data/common_passwords.txt");
  gchar **lines = g_strsplit(f ? (const char *)f->data : "", "\n", -1);
  for (gchar **l = lines; *l; l++) {
    g_strchomp(*l);
    if (**l && **l != '#')
      g_hash_table_add(set, g_utf8_strdown(*l, -1));
  }
  g_strfreev(lines);
  return set;
}

bool auth_password_common(const char *password)
{
  bool blank = true;
  for (const char *p = password; *p && blank; p = g_utf8_next_char(p))
    blank = g_unichar_isspace(g_utf8_get_char(p));
  if (blank)
    return true;
  static GOnce once = G_ONCE_INIT;
  GHashTable *set = g_once(&once, load_common, NULL);
  char *lower = g_utf8_strdown(password, -1);
  bool common = g_hash_table_contains(set, lower);
  sodium_memzero(lower, strlen(lower));
  g_free(lower);
  return common;
}
