/* Password hashing: argon2id through libsodium, interactive limits. */
#include "auth/auth.h"
#include "core/error.h"
#include "core/embedded.h"
#include "core/sodiumlib.h"

#include <string.h>

static char *dummy_hash;

static gpointer make_dummy_hash(gpointer unused)
{
  const sodiumlib *na = sodiumlib_loaded();
  /* The hash an unknown email is checked against. */
  unsigned char pw[16];
  na->randombytes_buf(pw, sizeof pw);
  static char h[crypto_pwhash_STRBYTES];
  if (na->crypto_pwhash_str_alg(h, (const char *)pw, sizeof pw, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0)
    dummy_hash = h;
  return GINT_TO_POINTER(1);
}

/* libsodium loaded and the dummy hash made; false (the error set) when
 * libsodium cannot be loaded. */
static bool sodium_ready(void)
{
  if (!sodiumlib_get())
    return false;
  static GOnce once = G_ONCE_INIT;
  g_once(&once, make_dummy_hash, NULL);
  return true;
}

doctag_status auth_password_hash(const char *password, char **hash)
{
  *hash = NULL;
  if (!sodium_ready())
    return DOCTAG_EUNAVAILABLE;
  char out[crypto_pwhash_STRBYTES];
  if (sodiumlib_loaded()->crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return err_set(DOCTAG_ENOMEM, "password hashing needs %zu MB of memory and could not get it",
                   (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
  *hash = g_strdup(out);
  return DOCTAG_OK;
}

bool auth_password_verify(const char *hash, const char *password)
{
  if (!sodium_ready() || !password)
    return false;
  if (!hash) {
    if (dummy_hash && sodiumlib_loaded()->crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
      return false; /* a random 16-byte password: never, and false anyway */
    return false;
  }
  return sodiumlib_loaded()->crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
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
  explicit_bzero(lower, strlen(lower));
  g_free(lower);
  return common;
}
