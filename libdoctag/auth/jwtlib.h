/* Internal to auth/: libjwt, loaded when the first access token is issued
 * or checked (auth/jwt.c).
 *
 * Linked, libjwt brings libcrypto (5 MB, loaded with BIND_NOW: 21,000
 * relocations and its constructors) and libb64 into every process that
 * loads libdoctag, while only the server's and the auth calls' processes
 * make or read a token. Loaded on demand, only they pay; a machine without
 * libjwt still extracts, tags and keeps history (a token call then fails
 * with DOCTAG_EUNAVAILABLE, naming the library). */
#ifndef DOCTAG_AUTH_JWTLIB_H
#define DOCTAG_AUTH_JWTLIB_H

#include <jwt.h>

/* Every libjwt function libdoctag calls. */
#define JWTLIB_FUNCS(X) \
  X(jwt_new) X(jwt_free) X(jwt_add_grant) X(jwt_add_grant_int) X(jwt_set_alg) X(jwt_encode_str) X(jwt_decode) \
  X(jwt_get_header) X(jwt_get_alg) X(jwt_get_grant) X(jwt_get_grant_int)

typedef struct jwtlib {
#define JWTLIB_MEMBER(f) __typeof__(f) *f;
  JWTLIB_FUNCS(JWTLIB_MEMBER)
#undef JWTLIB_MEMBER
} jwtlib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_EUNAVAILABLE, ...) when libjwt cannot be loaded. */
const jwtlib *jwtlib_get(void);

#endif
