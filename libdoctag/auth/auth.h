/* Internal: auth's pieces (passwords, JWTs, the secret, the objects). */
#ifndef DOCTAG_AUTH_INTERNAL_H
#define DOCTAG_AUTH_INTERNAL_H

#include "core/ctx.h"
#include "doctag/auth.h"
#include "store/store.h"
#include <glib.h>

struct doctag_user {
  char *id;
  char *email;
  char *full_name;   /* NULL when none */
  bool is_active;
  bool is_verified;
  char *created_at;  /* ISO 8601 */
};

struct doctag_tokens {
  char *access;
  char *refresh;
  unsigned int expires_in;
};

#define AUTH_ACCESS_TTL 1800u
#define AUTH_REFRESH_TTL (7u * 24 * 3600)
#define AUTH_PASSWORD_MIN 8     /* characters */
#define AUTH_PASSWORD_MAX 1024  /* bytes */

/* argon2id (libsodium crypto_pwhash_str, interactive limits). *hash is g_malloc'd.
 * Errors: DOCTAG_ENOMEM (the 64 MB work area), DOCTAG_EUNAVAILABLE (no libsodium). */
doctag_status auth_password_hash(const char *password, char **hash);
/* Constant-time check. A NULL hash verifies against a dummy hash, so that an
 * unknown email costs as much time as a wrong password. */
bool auth_password_verify(const char *hash, const char *password);

/* True when `password` is all whitespace or, compared case-insensitively,
 * in the shipped list of common passwords (auth/data/common_passwords.txt,
 * NIST SP 800-63B 5.1.1.2). */
bool auth_password_common(const char *password);

/* The signing secret: ctx->jwt_secret, else data_dir/jwt_secret, created
 * once (mode 0600, atomically, safe against concurrent processes). Loaded
 * once per context and kept in auth's own slot of it (ctx_attach). A new
 * reference; g_bytes_unref it. Errors: DOCTAG_EINVAL, DOCTAG_EIO. */
doctag_status auth_secret(doctag_ctx *ctx, GBytes **out);

/* An HS256 access token for `sub`/`email` of refresh-token family
 * `family` (its "fam" claim; NULL: none), issued at `now` (seconds), valid
 * `ttl` seconds. *out is g_malloc'd. */
doctag_status auth_jwt_issue(GBytes *secret, const char *sub, const char *email, const char *family, int64_t now,
                             unsigned int ttl, char **out);
/* Checks an access token at `now`; *sub gets the user id (g_malloc'd).
 * Errors: DOCTAG_EAUTH naming what is wrong. */
doctag_status auth_jwt_check(GBytes *secret, const char *token, int64_t now, char **sub);
/* The "fam" claim of a token auth_jwt_check() accepted (g_malloc'd), or NULL. */
char *auth_jwt_family(const char *token);

/* The user of row `row` of a USER_COLS result. */
doctag_user *auth_user_from_row(const store_rows *r, unsigned int row);

#endif
