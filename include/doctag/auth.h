/*
 * doctag/auth.h - users and their tokens: register, log in, refresh, log out,
 * verify an access token.
 *
 * Passwords are hashed with argon2id (libsodium, interactive limits) and
 * never stored or logged in clear. Access tokens are JWT HS256 carrying
 * `sub` (the user id), `email`, `type: "access"`, `iat` and `exp`; anything
 * else is refused. Refresh tokens are 256 random bits, stored only as their
 * SHA-256; each refresh revokes the token presented and returns a new pair
 * (rotation), and presenting a revoked token again revokes every token of
 * its login (reuse detection). The signing secret is the context's
 * jwt_secret (DOCTAG_JWT_SECRET), else one generated once and kept in the
 * data directory (mode 0600).
 *
 * Threads: every call may run concurrently on one shared context. A
 * doctag_user or doctag_tokens belongs to one thread at a time.
 */
#ifndef DOCTAG_AUTH_H
#define DOCTAG_AUTH_H

#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A user account, as stored. */
typedef struct doctag_user doctag_user;

/** A token pair returned by login and refresh. */
typedef struct doctag_tokens doctag_tokens;

#define DOCTAG_SESSION_OPTIONS_VERSION 1

/**
 * Options of login and refresh. NULL options mean defaults. Pointers are
 * borrowed for the duration of the call only.
 */
typedef struct doctag_session_options {
  unsigned int version;
  const char *device_info;       /* stored with the refresh token (e.g. the User-Agent, first 512 characters); NULL: none */
  const char *ip;                /* client address, stored with the refresh token (first 64 characters); NULL: none */
  unsigned int access_ttl_sec;   /* access token lifetime; 0 = 1800 (30 minutes) */
  unsigned int refresh_ttl_sec;  /* refresh token lifetime; 0 = 604800 (7 days) */
} doctag_session_options;

#define DOCTAG_SESSION_OPTIONS_INIT { DOCTAG_SESSION_OPTIONS_VERSION, NULL, NULL, 0, 0 }

/** Sets *opts to defaults for the given version (for bindings). */
DOCTAG_API doctag_status doctag_session_options_init(doctag_session_options *opts, unsigned int version);

/**
 * Creates an account. The email is trimmed and lower-cased; `full_name`
 * may be NULL. The account is active and not verified.
 * *out (may be NULL) is newly allocated; release it with doctag_user_free().
 * Errors: DOCTAG_EINVAL (email syntax, password shorter than 8 characters or
 * longer than 1024 bytes, strings not UTF-8), DOCTAG_EEXISTS ("Email already
 * registered"), DOCTAG_ESTORE / DOCTAG_EUNAVAILABLE (database).
 */
DOCTAG_API doctag_status doctag_auth_register(doctag_ctx *ctx, doctag_user **out, const char *email,
                                              const char *password, const char *full_name);

/**
 * Checks the password (constant time) and starts a session.
 * *user (may be NULL) and *tokens are newly allocated; release them with
 * doctag_user_free() and doctag_tokens_free().
 * Errors: DOCTAG_EAUTH ("Invalid email or password", the same whether the
 * email is unknown or the password wrong), DOCTAG_EPERM ("User account is
 * disabled"), DOCTAG_EINVAL (NULL arguments), database errors.
 */
DOCTAG_API doctag_status doctag_auth_login(doctag_ctx *ctx, doctag_user **user, doctag_tokens **tokens,
                                           const char *email, const char *password,
                                           const doctag_session_options *opts);

/**
 * Exchanges a refresh token for a new pair; the token presented is revoked.
 * A token that was already revoked revokes every token of its session.
 * *out is newly allocated; release it with doctag_tokens_free().
 * Errors: DOCTAG_EAUTH ("Invalid or expired refresh token": unknown,
 * revoked, expired or malformed), DOCTAG_EPERM (user disabled), database errors.
 */
DOCTAG_API doctag_status doctag_auth_refresh(doctag_ctx *ctx, doctag_tokens **out, const char *refresh_token,
                                             const doctag_session_options *opts);

/**
 * Revokes a refresh token. Succeeds whether or not the token was live;
 * *revoked (may be NULL) says whether it was ("Successfully logged out")
 * or not ("Token already revoked or invalid").
 * Errors: database errors only.
 */
DOCTAG_API doctag_status doctag_auth_logout(doctag_ctx *ctx, const char *refresh_token, bool *revoked);

/**
 * Verifies an access token (signature, HS256 only, type "access", expiry)
 * and returns its user, read from the database.
 * *out is newly allocated; release it with doctag_user_free().
 * Errors: DOCTAG_EAUTH (missing, malformed, tampered, wrong algorithm or
 * type, expired, or the user no longer exists), DOCTAG_EPERM (user
 * disabled), database errors.
 */
DOCTAG_API doctag_status doctag_auth_verify(doctag_ctx *ctx, doctag_user **out, const char *access_token);

/**
 * The user id an access token names, checking its signature, algorithm,
 * type and expiry but not the database (revocation, disabled or deleted
 * users): for cheap decisions that do not grant access, such as sharing
 * the document workers fairly among users. Call doctag_auth_verify() to
 * authenticate. *user_id is newly allocated (doctag_free()).
 * Errors: DOCTAG_EAUTH as doctag_auth_verify(), DOCTAG_EIO (the secret).
 */
DOCTAG_API doctag_status doctag_auth_token_subject(doctag_ctx *ctx, char **user_id, const char *access_token);

/**
 * The user with this id. *out is newly allocated; release it with
 * doctag_user_free(). Errors: DOCTAG_ENOTFOUND, database errors.
 */
DOCTAG_API doctag_status doctag_auth_user(doctag_ctx *ctx, doctag_user **out, const char *user_id);

/**
 * Enables or disables an account. Disabling revokes its refresh tokens; a
 * disabled user cannot log in, refresh, or use access tokens.
 * Errors: DOCTAG_ENOTFOUND, database errors.
 */
DOCTAG_API doctag_status doctag_auth_set_active(doctag_ctx *ctx, const char *user_id, bool active);

/** Releases a user. NULL is fine. */
DOCTAG_API void doctag_user_free(doctag_user *user);

/* User accessors. Strings are borrowed: valid until doctag_user_free(). */
/** The user's id (a UUID). Borrowed: valid until doctag_user_free(). */
DOCTAG_API const char *doctag_user_id(const doctag_user *user);
/** The user's email, lower-cased. Borrowed: valid until doctag_user_free(). */
DOCTAG_API const char *doctag_user_email(const doctag_user *user);
/** NULL when the user gave none. */
DOCTAG_API const char *doctag_user_full_name(const doctag_user *user);
/** Whether the account may log in (false once disabled). */
DOCTAG_API bool doctag_user_is_active(const doctag_user *user);
/** Whether the email address was verified. */
DOCTAG_API bool doctag_user_is_verified(const doctag_user *user);
/** ISO 8601 UTC, e.g. "2024-05-01T12:34:56.123456Z". */
DOCTAG_API const char *doctag_user_created_at(const doctag_user *user);

/**
 * The user as JSON, CONTRACT.md's user shape: {"id", "email", "full_name",
 * "is_active", "is_verified", "created_at"}. *json is newly allocated;
 * release it with doctag_free(). Errors: DOCTAG_EINVAL (NULL user).
 */
DOCTAG_API doctag_status doctag_user_to_json(const doctag_user *user, char **json);

/** Releases a token pair. NULL is fine. */
DOCTAG_API void doctag_tokens_free(doctag_tokens *tokens);

/* Token accessors. Strings are borrowed: valid until doctag_tokens_free(). */
/** The access token (a JWT). Borrowed: valid until doctag_tokens_free(). */
DOCTAG_API const char *doctag_tokens_access(const doctag_tokens *tokens);
/** The refresh token. Borrowed: valid until doctag_tokens_free(). */
DOCTAG_API const char *doctag_tokens_refresh(const doctag_tokens *tokens);
/** "bearer". */
DOCTAG_API const char *doctag_tokens_type(const doctag_tokens *tokens);
/** Seconds the access token is valid for (1800 by default). */
DOCTAG_API unsigned int doctag_tokens_expires_in(const doctag_tokens *tokens);

/**
 * The pair as JSON: {"access_token", "refresh_token", "token_type",
 * "expires_in"}. *json is newly allocated; release it with doctag_free().
 */
DOCTAG_API doctag_status doctag_tokens_to_json(const doctag_tokens *tokens, char **json);

/**
 * A login's answer as JSON: {"user": {...}, "tokens": {...}}.
 * *json is newly allocated; release it with doctag_free().
 */
DOCTAG_API doctag_status doctag_auth_login_to_json(const doctag_user *user, const doctag_tokens *tokens,
                                                   char **json);

#ifdef __cplusplus
}
#endif
#endif
