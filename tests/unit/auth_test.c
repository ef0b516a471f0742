/* Auth: every call's success and refusal paths, token tampering of each
 * kind, refresh rotation and reuse detection, concurrency; on SQLite and
 * PostgreSQL. */
#include "store_fixture.h"
#include "auth/auth.h"
#include "doctag/auth.h"

#include <jwt.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#define PW "correct horse battery"

static doctag_user *reg(fx *f, const char *email)
{
  doctag_user *u = NULL;
  assert_ok(doctag_auth_register(f->ctx, &u, email, PW, "Test User"));
  return u;
}

static doctag_tokens *login(fx *f, const char *email)
{
  doctag_tokens *t = NULL;
  assert_ok(doctag_auth_login(f->ctx, NULL, &t, email, PW, NULL));
  return t;
}

static void assert_message(const char *want)
{
  assert_string_equal(doctag_error_last()->message, want);
}

/* One value from the database, as text (g_free), NULL when no row/NULL. */
static char *sql_value(fx *f, const char *sql)
{
  char *out = NULL;
  if (f->pg) {
    PGconn *c = PQconnectdb(f->url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    if (PQntuples(r) && !PQgetisnull(r, 0, 0))
      out = g_strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
  } else {
    sqlite3 *db;
    char *path = g_build_filename(f->dir, "test.db", NULL);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    g_free(path);
  }
  return out;
}

static void test_register(void **state)
{
  fx *f = *state;
  doctag_user *u = NULL;
  assert_ok(doctag_auth_register(f->ctx, &u, "  Alice.Smith+tag@Example.COM ", "pässwörd1", "  Alice Smith "));
  assert_true(store_uuid_valid(doctag_user_id(u)));
  assert_string_equal(doctag_user_email(u), "alice.smith+tag@example.com");
  assert_string_equal(doctag_user_full_name(u), "Alice Smith");
  assert_true(doctag_user_is_active(u));
  assert_false(doctag_user_is_verified(u));
  assert_true(g_str_has_suffix(doctag_user_created_at(u), "Z"));
  char *json = NULL;
  assert_ok(doctag_user_to_json(u, &json));
  json_error_t e;
  json_t *j = json_loads(json, 0, &e);
  assert_non_null(j);
  assert_int_equal(json_object_size(j), 6);
  assert_string_equal(json_string_value(json_object_get(j, "id")), doctag_user_id(u));
  assert_string_equal(json_string_value(json_object_get(j, "email")), "alice.smith+tag@example.com");
  assert_string_equal(json_string_value(json_object_get(j, "full_name")), "Alice Smith");
  assert_true(json_is_true(json_object_get(j, "is_active")));
  assert_true(json_is_false(json_object_get(j, "is_verified")));
  assert_string_equal(json_string_value(json_object_get(j, "created_at")), doctag_user_created_at(u));
  json_decref(j);
  doctag_free(json);

  /* The stored user is the one returned; the password is not stored in clear. */
  doctag_user *again = NULL;
  assert_ok(doctag_auth_user(f->ctx, &again, doctag_user_id(u)));
  assert_string_equal(doctag_user_email(again), doctag_user_email(u));
  assert_string_equal(doctag_user_created_at(again), doctag_user_created_at(u));
  char *hash = sql_value(f, "SELECT password_hash FROM users");
  assert_true(g_str_has_prefix(hash, "$argon2id$"));
  assert_null(strstr(hash, "pässwörd1"));
  g_free(hash);
  doctag_user_free(again);
  doctag_user_free(u);

  /* No full name: null in JSON; out may be NULL. */
  assert_ok(doctag_auth_register(f->ctx, NULL, "bob@example.org", "zq8-Lp4w", NULL));
  doctag_user *b = NULL;
  assert_ok(doctag_auth_register(f->ctx, &b, "carol@example.org", "zq8-Lp4w", "   "));
  assert_null(doctag_user_full_name(b));
  assert_ok(doctag_user_to_json(b, &json));
  assert_non_null(strstr(json, "\"full_name\":null"));
  doctag_free(json);
  doctag_user_free(b);
}

static void test_register_refusals(void **state)
{
  fx *f = *state;
  const char *bad_emails[] = {
    "", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@example.com", "a@exa mple.com",
    ".a@example.com", "a.@example.com", "a..b@example.com", "a@-example.com", "a@example-.com",
    "a@example..com", "a@example.c", "a@example.123", "a\"b@example.com", "a@example.com,b@example.com",
    "\xff@example.com",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad_emails); i++) {
    doctag_user *u = (doctag_user *)1;
    doctag_status st = doctag_auth_register(f->ctx, &u, bad_emails[i], PW, NULL);
    if (st != DOCTAG_EINVAL)
      fail_msg("email \"%s\": got %s", bad_emails[i], doctag_status_name(st));
    assert_null(u);
  }
  assert_status(doctag_auth_register(f->ctx, NULL, NULL, PW, NULL), DOCTAG_EINVAL);
  /* Passwords: at least 8 characters (not bytes), at most 1024 bytes. */
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", "1234567", NULL), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "at least 8"));
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", "ääää", NULL), DOCTAG_EINVAL);
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", NULL, NULL), DOCTAG_EINVAL);
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", NULL),
                DOCTAG_EINVAL);
  char *long_pw = g_strnfill(1025, 'x');
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", long_pw, NULL), DOCTAG_EINVAL);
  g_free(long_pw);
  char *long_name = g_strnfill(256, 'n');
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", PW, long_name), DOCTAG_EINVAL);
  g_free(long_name);
  assert_status(doctag_auth_register(NULL, NULL, "p@example.com", PW, NULL), DOCTAG_EINVAL);
  /* Nothing was created by the refusals... */
  assert_ok(doctag_auth_register(f->ctx, NULL, "p@example.com", "हिन्दीपासवर्ड", NULL));
  /* ...and a known email is refused, whatever its case. */
  assert_status(doctag_auth_register(f->ctx, NULL, "p@example.com", PW, NULL), DOCTAG_EEXISTS);
  assert_message("Email already registered");
  assert_status(doctag_auth_register(f->ctx, NULL, " P@Example.com", PW, NULL), DOCTAG_EEXISTS);
  assert_ok(doctag_auth_register(f->ctx, NULL, "रमेश@उदाहरण.भारत", PW, NULL));
}

static void test_login(void **state)
{
  fx *f = *state;
  doctag_user *u0 = reg(f, "dan@example.com");
  doctag_user *u = NULL;
  doctag_tokens *t = NULL;
  assert_ok(doctag_auth_login(f->ctx, &u, &t, " DAN@example.com", PW, NULL));
  assert_string_equal(doctag_user_id(u), doctag_user_id(u0));
  assert_string_equal(doctag_tokens_type(t), "bearer");
  assert_int_equal(doctag_tokens_expires_in(t), 1800);
  assert_int_equal(strlen(doctag_tokens_refresh(t)), 43);
  /* The access token names the user and verifies. */
  doctag_user *v = NULL;
  assert_ok(doctag_auth_verify(f->ctx, &v, doctag_tokens_access(t)));
  assert_string_equal(doctag_user_id(v), doctag_user_id(u0));
  doctag_user_free(v);
  /* Its claims. */
  GBytes *key;
  assert_ok(auth_secret(f->ctx, &key));
  gsize klen;
  const unsigned char *k = g_bytes_get_data(key, &klen);
  jwt_t *j = NULL;
  assert_int_equal(jwt_decode(&j, doctag_tokens_access(t), k, (int)klen), 0);
  g_bytes_unref(key);
  assert_int_equal(jwt_get_alg(j), JWT_ALG_HS256);
  assert_string_equal(jwt_get_grant(j, "sub"), doctag_user_id(u0));
  assert_string_equal(jwt_get_grant(j, "email"), "dan@example.com");
  assert_string_equal(jwt_get_grant(j, "type"), "access");
  assert_int_equal(jwt_get_grant_int(j, "exp") - jwt_get_grant_int(j, "iat"), 1800);
  jwt_free(j);
  /* Only the hash of the refresh token is stored. */
  char *stored = sql_value(f, "SELECT token_hash FROM refresh_tokens");
  char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, doctag_tokens_refresh(t), -1);
  assert_string_equal(stored, want);
  g_free(stored);
  g_free(want);

  char *json = NULL;
  assert_ok(doctag_auth_login_to_json(u, t, &json));
  json_t *o = json_loads(json, 0, NULL);
  assert_int_equal(json_object_size(o), 2);
  json_t *tok = json_object_get(o, "tokens");
  assert_int_equal(json_object_size(tok), 4);
  assert_string_equal(json_string_value(json_object_get(tok, "access_token")), doctag_tokens_access(t));
  assert_string_equal(json_string_value(json_object_get(tok, "refresh_token")), doctag_tokens_refresh(t));
  assert_string_equal(json_string_value(json_object_get(tok, "token_type")), "bearer");
  assert_int_equal(json_integer_value(json_object_get(tok, "expires_in")), 1800);
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "user"), "email")), "dan@example.com");
  json_decref(o);
  doctag_free(json);
  assert_ok(doctag_tokens_to_json(t, &json));
  assert_non_null(strstr(json, "\"token_type\":\"bearer\""));
  doctag_free(json);
  doctag_tokens_free(t);

  /* Options: device and address kept with the refresh token; lifetimes. */
  doctag_session_options opts;
  assert_ok(doctag_session_options_init(&opts, DOCTAG_SESSION_OPTIONS_VERSION));
  opts.device_info = "curl/8.0 'quoted'";
  opts.ip = "203.0.113.9";
  opts.access_ttl_sec = 60;
  assert_ok(doctag_auth_login(f->ctx, NULL, &t, "dan@example.com", PW, &opts));
  assert_int_equal(doctag_tokens_expires_in(t), 60);
  char *dev = sql_value(f, "SELECT device_info FROM refresh_tokens WHERE ip_address = '203.0.113.9'");
  assert_string_equal(dev, "curl/8.0 'quoted'");
  g_free(dev);
  doctag_tokens_free(t);
  /* A huge User-Agent is kept short. */
  char *ua = g_strnfill(5000, 'u');
  opts.device_info = ua;
  opts.ip = "198.51.100.7";
  assert_ok(doctag_auth_login(f->ctx, NULL, &t, "dan@example.com", PW, &opts));
  doctag_tokens_free(t);
  dev = sql_value(f, "SELECT device_info FROM refresh_tokens WHERE ip_address = '198.51.100.7'");
  assert_int_equal(strlen(dev), 512);
  g_free(dev);
  g_free(ua);
  opts.version = 99;
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "dan@example.com", PW, &opts), DOCTAG_EINVAL);
  assert_status(doctag_session_options_init(&opts, 0), DOCTAG_EINVAL);
  doctag_user_free(u);
  doctag_user_free(u0);
}

static void test_login_refusals(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "erin@example.com");
  doctag_tokens *t = (doctag_tokens *)1;
  doctag_user *out = (doctag_user *)1;
  assert_status(doctag_auth_login(f->ctx, &out, &t, "erin@example.com", "wrong password", NULL), DOCTAG_EAUTH);
  assert_message("Invalid email or password");
  assert_null(t);
  assert_null(out);
  /* An unknown email answers exactly the same. */
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "nobody@example.com", PW, NULL), DOCTAG_EAUTH);
  assert_message("Invalid email or password");
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "not an email", PW, NULL), DOCTAG_EAUTH);
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "erin@example.com", NULL, NULL), DOCTAG_EAUTH);
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "erin@example.com", "", NULL), DOCTAG_EAUTH);
  assert_status(doctag_auth_login(f->ctx, NULL, NULL, "erin@example.com", PW, NULL), DOCTAG_EINVAL);
  /* Disabled: refused with its own answer, but only to the right password. */
  assert_ok(doctag_auth_set_active(f->ctx, doctag_user_id(u), false));
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "erin@example.com", PW, NULL), DOCTAG_EPERM);
  assert_message("User account is disabled");
  assert_status(doctag_auth_login(f->ctx, NULL, &t, "erin@example.com", "wrong password", NULL), DOCTAG_EAUTH);
  assert_ok(doctag_auth_set_active(f->ctx, doctag_user_id(u), true));
  t = login(f, "erin@example.com");
  doctag_tokens_free(t);
  doctag_user_free(u);
}

/* base64url without padding. */
static char *b64url(const void *data, size_t len)
{
  char *s = g_base64_encode(data, len);
  for (char *p = s; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  char *eq = strchr(s, '=');
  if (eq)
    *eq = '\0';
  return s;
}

/* A token with this header and payload, signed HMAC-SHA256 with `key`
 * (signature "" when key is NULL). */
static char *forge(const char *header, const char *payload, GBytes *key)
{
  char *h = b64url(header, strlen(header)), *p = b64url(payload, strlen(payload));
  char *input = g_strdup_printf("%s.%s", h, p);
  char *sig = g_strdup("");
  if (key) {
    gsize klen;
    const guchar *k = g_bytes_get_data(key, &klen);
    GHmac *mac = g_hmac_new(G_CHECKSUM_SHA256, k, klen);
    g_hmac_update(mac, (const guchar *)input, -1);
    guint8 digest[32];
    gsize dlen = sizeof digest;
    g_hmac_get_digest(mac, digest, &dlen);
    g_hmac_unref(mac);
    g_free(sig);
    sig = b64url(digest, dlen);
  }
  char *tok = g_strdup_printf("%s.%s", input, sig);
  g_free(h);
  g_free(p);
  g_free(input);
  g_free(sig);
  return tok;
}

/* A token made by libjwt with `alg`, signed with `key`. */
static char *libjwt_token(jwt_alg_t alg, GBytes *key, const char *sub, const char *type, long iat, long exp)
{
  jwt_t *j;
  jwt_new(&j);
  jwt_add_grant(j, "sub", sub);
  jwt_add_grant(j, "email", "x@example.com");
  if (type)
    jwt_add_grant(j, "type", type);
  jwt_add_grant_int(j, "iat", iat);
  if (exp)
    jwt_add_grant_int(j, "exp", exp);
  gsize klen;
  const unsigned char *k = g_bytes_get_data(key, &klen);
  assert_int_equal(jwt_set_alg(j, alg, k, (int)klen), 0);
  char *s = jwt_encode_str(j);
  char *out = g_strdup(s);
  free(s);
  jwt_free(j);
  return out;
}

static void refuse(fx *f, const char *what, const char *token)
{
  doctag_user *u = (doctag_user *)1;
  doctag_status st = doctag_auth_verify(f->ctx, &u, token);
  if (st != DOCTAG_EAUTH)
    fail_msg("%s: got %s (%s), want EAUTH", what, doctag_status_name(st), doctag_error_last()->message);
  assert_null(u);
}

static void test_token_tampering(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "fay@example.com");
  const char *id = doctag_user_id(u);
  GBytes *key;
  assert_ok(auth_secret(f->ctx, &key));
  long now = (long)(store_now_us() / G_USEC_PER_SEC);

  /* Control: a token forged with the real key and claims is accepted, so
   * each refusal below is for the one thing changed. */
  char *payload = g_strdup_printf("{\"sub\":\"%s\",\"email\":\"fay@example.com\",\"type\":\"access\","
                                  "\"iat\":%ld,\"exp\":%ld}", id, now, now + 600);
  char *good = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, key);
  doctag_user *v = NULL;
  assert_ok(doctag_auth_verify(f->ctx, &v, good));
  assert_string_equal(doctag_user_id(v), id);
  doctag_user_free(v);
  char *lj = libjwt_token(JWT_ALG_HS256, key, id, "access", now, now + 600);
  assert_ok(doctag_auth_verify(f->ctx, &v, lj));
  doctag_user_free(v);
  g_free(lj);

  char *t;
  t = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, NULL);
  refuse(f, "alg none", t);
  g_free(t);
  t = forge("{\"alg\":\"none\"}", payload, key);
  refuse(f, "alg none with a signature", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS512, key, id, "access", now, now + 600);
  refuse(f, "HS512 with the right key", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS384, key, id, "access", now, now + 600);
  refuse(f, "HS384 with the right key", t);
  g_free(t);
  t = forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload, key);
  refuse(f, "RS256 header, HMAC signature", t);
  g_free(t);
  t = forge("{\"alg\":\"hs256\",\"typ\":\"JWT\"}", payload, key);
  refuse(f, "lower-case alg", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS256, key, id, "refresh", now, now + 600);
  refuse(f, "type refresh", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS256, key, id, NULL, now, now + 600);
  refuse(f, "no type", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS256, key, id, "access", now - 4000, now - 10);
  refuse(f, "expired", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS256, key, id, "access", now, 0);
  refuse(f, "no expiry", t);
  g_free(t);
  t = libjwt_token(JWT_ALG_HS256, key, id, "access", now + 3600, now + 7200);
  refuse(f, "issued in the future", t);
  g_free(t);
  char *nobody = store_uuid_new();
  t = libjwt_token(JWT_ALG_HS256, key, nobody, "access", now, now + 600);
  refuse(f, "unknown user", t);
  g_free(t);
  g_free(nobody);
  t = libjwt_token(JWT_ALG_HS256, key, "' OR 1=1 --", "access", now, now + 600);
  refuse(f, "subject not an id", t);
  g_free(t);
  char *p2 = g_strdup_printf("{\"sub\":\"%s\",\"type\":\"access\",\"iat\":%ld,\"exp\":\"%ld\"}", id, now, now + 600);
  t = forge("{\"alg\":\"HS256\"}", p2, key);
  refuse(f, "exp as a string", t);
  g_free(t);
  g_free(p2);

  /* Signature: flipped, missing, from another key. */
  t = g_strdup(good);
  char *last = t + strlen(t) - 3;
  *last = *last == 'A' ? 'B' : 'A';
  refuse(f, "bad signature", t);
  g_free(t);
  t = g_strndup(good, strrchr(good, '.') - good + 1);
  refuse(f, "empty signature", t);
  g_free(t);
  GBytes *other = g_bytes_new_static("another secret that is long enough!!", 36);
  t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, other);
  refuse(f, "other key", t);
  g_free(t);
  g_bytes_unref(other);
  /* The payload changed under the original signature. */
  char *payload2 = g_strdup_printf("{\"sub\":\"%s\",\"email\":\"fay@example.com\",\"type\":\"access\","
                                   "\"iat\":%ld,\"exp\":%ld}", id, now, now + 999999);
  char *resigned = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload2, key);
  char *spliced = g_strdup_printf("%.*s%s", (int)(strrchr(resigned, '.') - resigned), resigned, strrchr(good, '.'));
  refuse(f, "payload changed", spliced);
  g_free(spliced);
  g_free(resigned);
  g_free(payload2);

  /* Garbage and truncation. */
  const char *garbage[] = { "", "abc", "a.b.c", "a.b", "....", "Bearer x.y.z", "eyJ.eyJ.", "{\"alg\":\"none\"}" };
  for (size_t i = 0; i < G_N_ELEMENTS(garbage); i++)
    refuse(f, garbage[i], garbage[i]);
  refuse(f, "NULL", NULL);
  for (size_t cut = 1; cut < strlen(good); cut += 7) {
    t = g_strndup(good, strlen(good) - cut);
    refuse(f, "truncated", t);
    g_free(t);
  }
  t = g_strdup_printf("%s.", good);
  refuse(f, "extra part", t);
  g_free(t);
  char *huge = g_strnfill(100000, 'a');
  refuse(f, "huge", huge);
  g_free(huge);

  /* A disabled user's valid token: refused as forbidden. */
  assert_ok(doctag_auth_set_active(f->ctx, id, false));
  assert_status(doctag_auth_verify(f->ctx, &v, good), DOCTAG_EPERM);
  assert_message("User account is disabled");

  g_free(good);
  g_free(payload);
  g_bytes_unref(key);
  doctag_user_free(u);
}

static void test_refresh_rotation_and_reuse(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "gus@example.com");
  doctag_tokens *a1 = login(f, "gus@example.com");
  doctag_tokens *b1 = login(f, "gus@example.com"); /* another device: another family */

  doctag_tokens *a2 = NULL, *a3 = NULL, *x = (doctag_tokens *)1;
  assert_ok(doctag_auth_refresh(f->ctx, &a2, doctag_tokens_refresh(a1), NULL));
  assert_string_not_equal(doctag_tokens_refresh(a2), doctag_tokens_refresh(a1));
  doctag_user *v = NULL;
  assert_ok(doctag_auth_verify(f->ctx, &v, doctag_tokens_access(a2)));
  assert_string_equal(doctag_user_id(v), doctag_user_id(u));
  doctag_user_free(v);
  /* Rotation: the old token is spent. */
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(a1), NULL), DOCTAG_EAUTH);
  assert_message("Invalid or expired refresh token");
  assert_null(x);
  /* Reuse detection: presenting it revoked the whole family, so the token
   * the legitimate client holds now is dead too... */
  assert_status(doctag_auth_refresh(f->ctx, &a3, doctag_tokens_refresh(a2), NULL), DOCTAG_EAUTH);
  /* ...but the other device's session lives. */
  doctag_tokens *b2 = NULL;
  assert_ok(doctag_auth_refresh(f->ctx, &b2, doctag_tokens_refresh(b1), NULL));
  doctag_tokens *b3 = NULL;
  assert_ok(doctag_auth_refresh(f->ctx, &b3, doctag_tokens_refresh(b2), NULL));
  char *live = sql_value(f, "SELECT count(*) FROM refresh_tokens WHERE revoked = false");
  assert_string_equal(live, "1"); /* b3 only */
  g_free(live);
  doctag_tokens_free(a1);
  doctag_tokens_free(a2);
  doctag_tokens_free(b1);
  doctag_tokens_free(b2);
  doctag_tokens_free(b3);
  doctag_user_free(u);
}

static void test_refresh_refusals(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "hal@example.com");
  doctag_tokens *t = NULL, *x = NULL;
  const char *bad[] = { "", "short", "not base64 but forty-three characters long!", "abc.def.ghi",
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* well formed, unknown */
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    assert_status(doctag_auth_refresh(f->ctx, &x, bad[i], NULL), DOCTAG_EAUTH);
    assert_message("Invalid or expired refresh token");
  }
  assert_status(doctag_auth_refresh(f->ctx, &x, NULL, NULL), DOCTAG_EAUTH);
  assert_status(doctag_auth_refresh(f->ctx, NULL, "x", NULL), DOCTAG_EINVAL);
  /* An access token is not a refresh token. */
  t = login(f, "hal@example.com");
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_access(t), NULL), DOCTAG_EAUTH);
  /* Expired. */
  doctag_session_options o = DOCTAG_SESSION_OPTIONS_INIT;
  o.refresh_ttl_sec = 1;
  doctag_tokens *shortlived = NULL;
  assert_ok(doctag_auth_login(f->ctx, NULL, &shortlived, "hal@example.com", PW, &o));
  g_usleep(1300 * 1000);
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(shortlived), NULL), DOCTAG_EAUTH);
  /* A disabled user's token: refused, and spent. */
  assert_ok(doctag_auth_set_active(f->ctx, doctag_user_id(u), false));
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(t), NULL), DOCTAG_EAUTH);
  doctag_tokens_free(t);
  doctag_tokens_free(shortlived);
  doctag_user_free(u);
}

static void test_refresh_of_disabled_user(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "ida@example.com");
  doctag_tokens *t = login(f, "ida@example.com"), *x = NULL;
  /* Disable without revoking (as another process racing would). */
  struct store *s;
  assert_ok(store_get(f->ctx, &s));
  store_param p[] = { SP_T(doctag_user_id(u)), SP_B(false), SP_I(store_now_us()) };
  assert_ok(store_query(s, ST_USER_SET_ACTIVE, p, 3, NULL));
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(t), NULL), DOCTAG_EPERM);
  assert_message("User account is disabled");
  assert_null(x);
  doctag_tokens_free(t);
  doctag_user_free(u);
}

static void test_logout(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "jo@example.com");
  doctag_tokens *t = login(f, "jo@example.com"), *x = NULL;
  bool revoked = false;
  assert_ok(doctag_auth_logout(f->ctx, doctag_tokens_refresh(t), &revoked));
  assert_true(revoked);
  assert_ok(doctag_auth_logout(f->ctx, doctag_tokens_refresh(t), &revoked));
  assert_false(revoked);
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(t), NULL), DOCTAG_EAUTH);
  assert_ok(doctag_auth_logout(f->ctx, "garbage", &revoked));
  assert_false(revoked);
  assert_ok(doctag_auth_logout(f->ctx, NULL, NULL));
  assert_ok(doctag_auth_logout(f->ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &revoked));
  assert_false(revoked);
  doctag_tokens_free(t);
  doctag_user_free(u);
}

static void test_users_and_activation(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "kim@example.com"), *got = (doctag_user *)1;
  char *nobody = store_uuid_new();
  assert_status(doctag_auth_user(f->ctx, &got, nobody), DOCTAG_ENOTFOUND);
  assert_null(got);
  assert_status(doctag_auth_user(f->ctx, &got, "'; DROP TABLE users; --"), DOCTAG_ENOTFOUND);
  assert_status(doctag_auth_user(f->ctx, &got, NULL), DOCTAG_ENOTFOUND);
  assert_status(doctag_auth_set_active(f->ctx, nobody, false), DOCTAG_ENOTFOUND);
  assert_status(doctag_auth_set_active(f->ctx, "x", false), DOCTAG_ENOTFOUND);
  doctag_tokens *t = login(f, "kim@example.com");
  assert_ok(doctag_auth_set_active(f->ctx, doctag_user_id(u), false));
  assert_ok(doctag_auth_user(f->ctx, &got, doctag_user_id(u)));
  assert_false(doctag_user_is_active(got));
  doctag_user_free(got);
  doctag_user *v = NULL;
  assert_status(doctag_auth_verify(f->ctx, &v, doctag_tokens_access(t)), DOCTAG_EPERM);
  assert_ok(doctag_auth_set_active(f->ctx, doctag_user_id(u), true));
  assert_ok(doctag_auth_verify(f->ctx, &v, doctag_tokens_access(t)));
  doctag_user_free(v);
  /* Disabling revoked the refresh token for good. */
  doctag_tokens *x = NULL;
  assert_status(doctag_auth_refresh(f->ctx, &x, doctag_tokens_refresh(t), NULL), DOCTAG_EAUTH);
  g_free(nobody);
  doctag_tokens_free(t);
  doctag_user_free(u);
}

static void test_secret(void **state)
{
  fx *f = *state;
  doctag_user *u = reg(f, "lee@example.com");
  doctag_tokens *t = login(f, "lee@example.com");
  /* Generated once, in the data directory, readable by the owner only. */
  char *path = g_build_filename(f->dir, "jwt_secret", NULL);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  char *first = tu_read(path, NULL);
  assert_true(strlen(first) >= 64);
  /* Another context on the same directory and database uses it... */
  doctag_ctx *again = fx_ctx_new(f->dir, f->url, NULL);
  doctag_user *v = NULL;
  assert_ok(doctag_auth_verify(again, &v, doctag_tokens_access(t)));
  doctag_user_free(v);
  char *second = tu_read(path, NULL);
  assert_string_equal(first, second);
  doctag_ctx_free(again);
  /* ...a context with a configured secret does not accept its tokens... */
  doctag_ctx *conf = fx_ctx_new(f->dir, f->url, "a configured secret of thirty-two chars or more");
  assert_status(doctag_auth_verify(conf, &v, doctag_tokens_access(t)), DOCTAG_EAUTH);
  doctag_tokens *t2 = NULL;
  assert_ok(doctag_auth_login(conf, NULL, &t2, "lee@example.com", PW, NULL));
  assert_ok(doctag_auth_verify(conf, &v, doctag_tokens_access(t2)));
  doctag_user_free(v);
  assert_status(doctag_auth_verify(f->ctx, &v, doctag_tokens_access(t2)), DOCTAG_EAUTH);
  doctag_ctx_free(conf);
  doctag_tokens_free(t2);
  /* ...and a short configured secret is refused. */
  doctag_ctx *weak = fx_ctx_new(f->dir, f->url, "short");
  assert_status(doctag_auth_login(weak, NULL, &t2, "lee@example.com", PW, NULL), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "DOCTAG_JWT_SECRET"));
  assert_null(t2);
  doctag_ctx_free(weak);
  g_free(first);
  g_free(second);
  g_free(path);
  doctag_tokens_free(t);
  doctag_user_free(u);
}

typedef struct worker {
  fx *f;
  int n;
  int errors;
  char *msg;
} worker;

static void *register_then_login(void *arg)
{
  worker *w = arg;
  for (int i = 0; i < 2; i++) {
    char *email = g_strdup_printf("w%d-%d@example.com", w->n, i);
    if (doctag_auth_register(w->f->ctx, NULL, email, PW, NULL) != DOCTAG_OK && !w->msg) {
      w->errors++;
      w->msg = g_strdup(doctag_error_last()->message);
    }
    doctag_tokens *t = NULL;
    doctag_user *v = NULL;
    if ((doctag_auth_login(w->f->ctx, NULL, &t, email, PW, NULL) != DOCTAG_OK ||
         doctag_auth_verify(w->f->ctx, &v, doctag_tokens_access(t)) != DOCTAG_OK) && !w->msg) {
      w->errors++;
      w->msg = g_strdup(doctag_error_last()->message);
    }
    doctag_user_free(v);
    doctag_tokens_free(t);
    g_free(email);
  }
  return NULL;
}

static void *register_same(void *arg)
{
  worker *w = arg;
  doctag_status st = doctag_auth_register(w->f->ctx, NULL, "same@example.com", PW, NULL);
  w->errors = st == DOCTAG_OK ? 0 : st == DOCTAG_EEXISTS ? 1 : 100;
  if (w->errors == 100)
    w->msg = g_strdup(doctag_error_last()->message);
  return NULL;
}

static void test_concurrent_registrations_and_logins(void **state)
{
  fx *f = *state;
  enum { N = 6 };
  pthread_t th[N];
  worker w[N];
  for (int i = 0; i < N; i++) {
    w[i] = (worker){ f, i, 0, NULL };
    assert_int_equal(pthread_create(&th[i], NULL, register_then_login, &w[i]), 0);
  }
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    if (w[i].errors)
      fail_msg("thread %d: %s", i, w[i].msg);
  }
  /* One email from every thread at once: exactly one account. */
  for (int i = 0; i < N; i++) {
    w[i] = (worker){ f, i, 0, NULL };
    assert_int_equal(pthread_create(&th[i], NULL, register_same, &w[i]), 0);
  }
  int ok = 0, exists = 0;
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    if (w[i].errors == 100)
      fail_msg("thread %d: %s", i, w[i].msg);
    ok += w[i].errors == 0;
    exists += w[i].errors == 1;
  }
  assert_int_equal(ok, 1);
  assert_int_equal(exists, N - 1);
}

static void test_password_hash(void **state)
{
  char *h1 = NULL, *h2 = NULL;
  assert_ok(auth_password_hash("pässwörd-1", &h1));
  assert_ok(auth_password_hash("pässwörd-1", &h2));
  /* argon2id with libsodium's interactive limits, salted. */
  assert_true(g_str_has_prefix(h1, "$argon2id$v=19$m=65536,t=2,p=1$"));
  assert_string_not_equal(h1, h2);
  assert_true(auth_password_verify(h1, "pässwörd-1"));
  assert_true(auth_password_verify(h2, "pässwörd-1"));
  assert_false(auth_password_verify(h1, "pässwörd-2"));
  assert_false(auth_password_verify(h1, ""));
  assert_false(auth_password_verify(NULL, "pässwörd-1"));
  assert_false(auth_password_verify("garbage", "pässwörd-1"));
  g_free(h1);
  g_free(h2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_register),
    cmocka_unit_test(test_register_refusals),
    cmocka_unit_test(test_login),
    cmocka_unit_test(test_login_refusals),
    cmocka_unit_test(test_token_tampering),
    cmocka_unit_test(test_refresh_rotation_and_reuse),
    cmocka_unit_test(test_refresh_refusals),
    cmocka_unit_test(test_refresh_of_disabled_user),
    cmocka_unit_test(test_logout),
    cmocka_unit_test(test_users_and_activation),
    cmocka_unit_test(test_secret),
    cmocka_unit_test(test_concurrent_registrations_and_logins),
    cmocka_unit_test(test_password_hash),
  };
  return fx_run("auth", tests, G_N_ELEMENTS(tests));
}
