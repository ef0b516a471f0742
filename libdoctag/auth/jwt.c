/* Access tokens: JWT HS256 through libjwt (loaded on first use, see
 * jwtlib.h). libjwt 1.10's jwt_decode accepts "alg": "none" and verifies
 * whatever HMAC the header names, so the algorithm, the type and the times
 * are all checked here. */
#include "auth/auth.h"
#include "auth/jwtlib.h"
#include "core/error.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Tokens longer than this are not ours. */
#define JWT_MAX_LEN 4096
/* Clock skew tolerated on iat. */
#define JWT_SKEW 60

doctag_status auth_jwt_issue(GBytes *secret, const char *sub, const char *email, const char *family, int64_t now,
                             unsigned int ttl, char **out)
{
  *out = NULL;
  const jwtlib *J = jwtlib_get();
  if (!J)
    return DOCTAG_EUNAVAILABLE;
  jwt_t *j = NULL;
  if (J->jwt_new(&j) != 0)
    return err_nomem();
  char *jti = store_uuid_new();
  gsize klen = 0;
  const unsigned char *key = g_bytes_get_data(secret, &klen);
  int rc = J->jwt_add_grant(j, "sub", sub);
  rc = rc ? rc : J->jwt_add_grant(j, "email", email);
  rc = rc ? rc : J->jwt_add_grant(j, "type", "access");
  rc = rc ? rc : J->jwt_add_grant_int(j, "iat", (long)now);
  rc = rc ? rc : J->jwt_add_grant_int(j, "exp", (long)(now + ttl));
  rc = rc ? rc : J->jwt_add_grant(j, "jti", jti);
  /* Logout and refresh-token reuse revoke the family's access tokens too. */
  if (family)
    rc = rc ? rc : J->jwt_add_grant(j, "fam", family);
  rc = rc ? rc : J->jwt_set_alg(j, JWT_ALG_HS256, key, (int)klen);
  char *enc = rc ? NULL : J->jwt_encode_str(j);
  J->jwt_free(j);
  g_free(jti);
  if (!enc)
    return err_set(DOCTAG_EINTERNAL, "cannot encode a JWT: %s", g_strerror(rc ? rc : errno));
  *out = g_strdup(enc);
  free(enc);
  return DOCTAG_OK;
}

static doctag_status refuse(const char *why)
{
  return err_set(DOCTAG_EAUTH, "Could not validate credentials: %s", why);
}

doctag_status auth_jwt_check(GBytes *secret, const char *token, int64_t now, char **sub)
{
  *sub = NULL;
  if (!token || !*token)
    return refuse("no token");
  size_t len = strnlen(token, JWT_MAX_LEN + 1);
  if (len > JWT_MAX_LEN)
    return refuse("token too long");
  /* Three base64url parts, nothing else. */
  int dots = 0;
  for (const char *p = token; *p; p++) {
    if (*p == '.')
      dots++;
    else if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
      return refuse("malformed token");
  }
  if (dots != 2)
    return refuse("malformed token");
  const jwtlib *J = jwtlib_get();
  if (!J)
    return DOCTAG_EUNAVAILABLE;

  gsize klen = 0;
  const unsigned char *key = g_bytes_get_data(secret, &klen);
  jwt_t *j = NULL;
  if (J->jwt_decode(&j, token, key, (int)klen) != 0 || !j) {
    J->jwt_free(j);
    return refuse("bad signature or malformed token");
  }
  doctag_status st = DOCTAG_OK;
  const char *type, *s, *alg = J->jwt_get_header(j, "alg");
  long exp, iat;
  /* libjwt reads "alg" case-insensitively; the JOSE spec does not. */
  if (J->jwt_get_alg(j) != JWT_ALG_HS256 || !alg || strcmp(alg, "HS256") != 0) {
    st = refuse("algorithm not allowed");
  } else if (!(type = J->jwt_get_grant(j, "type")) || strcmp(type, "access") != 0) {
    st = refuse("not an access token");
  } else if (errno = 0, exp = J->jwt_get_grant_int(j, "exp"), errno != 0) {
    st = refuse("no expiry");
  } else if (exp <= now) {
    st = refuse("token expired");
  } else if (errno = 0, iat = J->jwt_get_grant_int(j, "iat"), errno != 0 || iat > now + JWT_SKEW) {
    st = refuse("bad issue time");
  } else if (!(s = J->jwt_get_grant(j, "sub")) || !store_uuid_valid(s)) {
    st = refuse("bad subject");
  } else {
    *sub = g_strdup(s);
  }
  J->jwt_free(j);
  return st;
}

char *auth_jwt_family(const char *token)
{
  const char *p = token ? strchr(token, '.') : NULL;
  const char *e = p ? strchr(p + 1, '.') : NULL;
  if (!e)
    return NULL;
  /* base64url to base64, padded */
  GString *b = g_string_new_len(p + 1, e - p - 1);
  g_strdelimit(b->str, "-", '+');
  g_strdelimit(b->str, "_", '/');
  while (b->len % 4)
    g_string_append_c(b, '=');
  gsize len = 0;
  guchar *raw = g_base64_decode(b->str, &len);
  g_string_free(b, TRUE);
  json_t *claims = json_loadb((const char *)raw, len, 0, NULL);
  g_free(raw);
  const char *fam = json_string_value(json_object_get(claims, "fam"));
  char *out = fam && store_uuid_valid(fam) ? g_strdup(fam) : NULL;
  json_decref(claims);
  return out;
}
