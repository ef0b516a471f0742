/* Internal: libsodium, loaded (and sodium_init() run) when a password is
 * first hashed or checked, a JWT secret or refresh token first made, or a
 * secret first sealed or opened (auth/, core/seal.c).
 *
 * Linked, libsodium cost every process that loads libdoctag its loading,
 * relocations and cpu-feature probing at start, while `doctag extract`,
 * tagging and history never call it. Loaded on demand, only the server's
 * and the auth and batch calls' processes pay; a machine without it still
 * extracts and tags (those calls then fail with DOCTAG_EUNAVAILABLE, naming
 * the library). Wiping memory needs no library: explicit_bzero(). */
#ifndef DOCTAG_CORE_SODIUMLIB_H
#define DOCTAG_CORE_SODIUMLIB_H

#include <sodium.h>

/* Every libsodium function libdoctag calls. */
#define SODIUMLIB_FUNCS(X) \
  X(sodium_init) X(randombytes_buf) X(sodium_bin2hex) X(sodium_bin2base64) X(crypto_pwhash_str_alg) \
  X(crypto_pwhash_str_verify) X(crypto_generichash) X(crypto_secretbox_easy) X(crypto_secretbox_open_easy)

typedef struct sodiumlib {
#define SODIUMLIB_MEMBER(f) __typeof__(f) *f;
  SODIUMLIB_FUNCS(SODIUMLIB_MEMBER)
#undef SODIUMLIB_MEMBER
} sodiumlib;

/* The functions, loaded and initialised on the first call (thread-safe);
 * NULL with err_set(DOCTAG_EUNAVAILABLE, ...) when libsodium cannot be
 * loaded or initialised. */
const sodiumlib *sodiumlib_get(void);
/* The functions once sodiumlib_get() has succeeded, else NULL. */
const sodiumlib *sodiumlib_loaded(void);

#endif
