/* The auth ABI: register, login, refresh (rotation and reuse detection),
 * logout, verify, and the user and token objects. */
#include "auth/auth.h"
#include "auth/revoke.h"
#include "auth/throttle.h"
#include "core/error.h"
#include "core/sodiumlib.h"
#include "core/json.h"
#include "core/utf8.h"

#include <jansson.h>
#include <string.h>

#define MSG_BAD_LOGIN "Invalid email or password"
#define MSG_DISABLED "User account is disabled"
#define MSG_BAD_REFRESH "Invalid or expired refresh token"
/* base64url of 32 bytes, no padding */
#define REFRESH_LEN 43

DOCTAG_API doctag_status doctag_session_options_init(doctag_session_options *opts, unsigned int version)
{
  err_clear();
  if (!opts)
    return err_set(DOCTAG_EINVAL, "opts is NULL");
  if (version == 0 || version > DOCTAG_SESSION_OPTIONS_VERSION)
    return err_set(DOCTAG_EINVAL, "session options version %u is not supported (up to %u)", version,
                   DOCTAG_SESSION_OPTIONS_VERSION);
  doctag_session_options d = DOCTAG_SESSION_OPTIONS_INIT;
  *opts = d;
  opts->version = version;
  return DOCTAG_OK;
}

/* ---- objects ---- */

doctag_user *auth_user_from_row(const store_rows *r, unsigned int row)
{
  doctag_user *u = g_new0(doctag_user, 1);
  u->id = g_strdup(store_cell(r, row, 0));
  u->email = g_strdup(store_cell(r, row, 1));
  u->full_name = g_strdup(store_cell(r, row, 2));
  u->is_active = store_cell_bool(r, row, 3);
  u->is_verified = store_cell_bool(r, row, 4);
  u->created_at = store_time_iso(store_cell_int(r, row, 5));
  return u;
}

DOCTAG_API void doctag_user_free(doctag_user *u)
{
  if (!u)
    return;
  g_free(u->id);
  g_free(u->email);
  g_free(u->full_name);
  g_free(u->created_at);
  g_free(u);
}

DOCTAG_API const char *doctag_user_id(const doctag_user *u) { return u ? u->id : NULL; }
DOCTAG_API const char *doctag_user_email(const doctag_user *u) { return u ? u->email : NULL; }
DOCTAG_API const char *doctag_user_full_name(const doctag_user *u) { return u ? u->full_name : NULL; }
DOCTAG_API bool doctag_user_is_active(const doctag_user *u) { return u && u->is_active; }
DOCTAG_API bool doctag_user_is_verified(const doctag_user *u) { return u && u->is_verified; }
DOCTAG_API const char *doctag_user_created_at(const doctag_user *u) { return u ? u->created_at : NULL; }

static json_t *user_json(const doctag_user *u)
{
  return json_pack("{s:s, s:s, s:s?, s:b, s:b, s:s}", "id", u->id, "email", u->email, "full_name",
                   u->full_name, "is_active", u->is_active, "is_verified", u->is_verified,
                   "created_at", u->created_at);
}

static json_t *tokens_json(const doctag_tokens *t)
{
  return json_pack("{s:s, s:s, s:s, s:I}", "access_token", t->access, "refresh_token", t->refresh,
                   "token_type", "bearer", "expires_in", (json_int_t)t->expires_in);
}


DOCTAG_API doctag_status doctag_user_to_json(const doctag_user *u, char **json)
{
  err_clear();
  if (!json)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  *json = NULL;
  if (!u)
    return err_set(DOCTAG_EINVAL, "user is NULL");
  return json_out_take(user_json(u), json);
}

DOCTAG_API void doctag_tokens_free(doctag_tokens *t)
{
  if (!t)
    return;
  if (t->refresh)
    explicit_bzero(t->refresh, strlen(t->refresh));
  g_free(t->access);
  g_free(t->refresh);
  g_free(t);
}

DOCTAG_API const char *doctag_tokens_access(const doctag_tokens *t) { return t ? t->access : NULL; }
DOCTAG_API const char *doctag_tokens_refresh(const doctag_tokens *t) { return t ? t->refresh : NULL; }
DOCTAG_API const char *doctag_tokens_type(const doctag_tokens *t) { return t ? "bearer" : NULL; }
DOCTAG_API unsigned int doctag_tokens_expires_in(const doctag_tokens *t) { return t ? t->expires_in : 0; }

DOCTAG_API doctag_status doctag_tokens_to_json(const doctag_tokens *t, char **json)
{
  err_clear();
  if (!json)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  *json = NULL;
  if (!t)
    return err_set(DOCTAG_EINVAL, "tokens is NULL");
  return json_out_take(tokens_json(t), json);
}

DOCTAG_API doctag_status doctag_auth_login_to_json(const doctag_user *u, const doctag_tokens *t, char **json)
{
  err_clear();
  if (!json)
    return err_set(DOCTAG_EINVAL, "json is NULL");
  *json = NULL;
  if (!u || !t)
    return err_set(DOCTAG_EINVAL, "user and tokens are required");
  return json_out_take(json_pack("{s:o, s:o}", "user", user_json(u), "tokens", tokens_json(t)), json);
}

/* ---- validation ---- */

static bool email_local_char(gunichar c)
{
  return (c < 128 && (g_ascii_isalnum((char)c) || strchr("!#$%&'*+/=?^_`{|}~.-", (int)c))) ||
         (c >= 128 && (g_unichar_isalnum(c) || g_unichar_ismark(c)));
}

/* Trimmed, lower-cased, checked: local@domain.tld. NULL when invalid. */
static char *email_normalise(const char *email)
{
  if (!email || !g_utf8_validate(email, -1, NULL))
    return NULL;
  char *t = g_strstrip(g_utf8_strdown(email, -1));
  size_t len = strlen(t);
  char *at = strchr(t, '@');
  bool ok = len >= 3 && len <= 254 && at && at != t && !strchr(at + 1, '@') && at - t <= 64;
  /* local part: allowed characters, no leading, trailing or double dot */
  for (const char *p = t; ok && p < at; p = g_utf8_next_char(p))
    ok = email_local_char(g_utf8_get_char(p));
  ok = ok && t[0] != '.' && at[-1] != '.' && !g_strstr_len(t, at - t, "..");
  /* domain: two or more labels of letters, digits and inner hyphens; the
   * last (the TLD) at least two characters, not all digits */
  if (ok) {
    gchar **labels = g_strsplit(at + 1, ".", -1);
    guint n = g_strv_length(labels);
    ok = n >= 2;
    for (guint i = 0; ok && i < n; i++) {
      const char *l = labels[i];
      size_t ll = strlen(l);
      ok = ll >= 1 && ll <= 63 && l[0] != '-' && l[ll - 1] != '-';
      for (const char *p = l; ok && *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        ok = c == '-' || g_unichar_isalnum(c) || (c >= 128 && g_unichar_ismark(c));
      }
    }
    if (ok) {
      const char *tld = labels[n - 1];
      bool digits = true;
      for (const char *p = tld; *p; p++)
        digits = digits && g_ascii_isdigit(*p);
      ok = g_utf8_strlen(tld, -1) >= 2 && !digits;
    }
    g_strfreev(labels);
  }
  if (!ok) {
    g_free(t);
    return NULL;
  }
  return t;
}

static doctag_status check_password(const char *password)
{
  if (!password)
    return err_set(DOCTAG_EINVAL, "password is required");
  if (!g_utf8_validate(password, -1, NULL))
    return err_set(DOCTAG_EINVAL, "password is not valid UTF-8");
  if (strlen(password) > AUTH_PASSWORD_MAX)
    return err_set(DOCTAG_EINVAL, "password must be at most %u bytes", AUTH_PASSWORD_MAX);
  if (g_utf8_strlen(password, -1) < AUTH_PASSWORD_MIN)
    return err_set(DOCTAG_EINVAL, "password must be at least %u characters", AUTH_PASSWORD_MIN);
  if (auth_password_common(password))
    return err_set(DOCTAG_EINVAL, "Password is too common");
  return DOCTAG_OK;
}

/* ---- hashing under a slot (throttle.h) ---- */

static doctag_status hash_slotted(doctag_ctx *ctx, const char *password, char **hash)
{
  int slot = hash_slot_take(ctx);
  if (slot == -2)
    return err_set(DOCTAG_EUNAVAILABLE, "the server is busy checking passwords; try again");
  doctag_status st = auth_password_hash(password, hash);
  hash_slot_give(slot);
  return st;
}

static doctag_status verify_slotted(doctag_ctx *ctx, const char *hash, const char *password, bool *ok)
{
  int slot = hash_slot_take(ctx);
  if (slot == -2)
    return err_set(DOCTAG_EUNAVAILABLE, "the server is busy checking passwords; try again");
  *ok = auth_password_verify(hash, password);
  hash_slot_give(slot);
  return DOCTAG_OK;
}

/* ---- tokens ---- */

static char *sha256_hex(const char *s)
{
  return g_compute_checksum_for_string(G_CHECKSUM_SHA256, s, -1);
}

/* 256 random bits, base64url without padding. */
static char *refresh_new(void)
{
  const sodiumlib *na = sodiumlib_loaded();   /* issue_pair() loaded it */
  unsigned char raw[32];
  na->randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  na->sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  explicit_bzero(raw, sizeof raw);
  return g_strdup(b64);
}

static bool refresh_well_formed(const char *t)
{
  if (!t || strnlen(t, REFRESH_LEN + 1) != REFRESH_LEN)
    return false;
  for (const char *p = t; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
      return false;
  return true;
}

static unsigned int ttl(unsigned int v, unsigned int dflt)
{
  return v ? v : dflt;
}

/* A new refresh token of `family` inserted on `c`, and an access token:
 * the pair in *out. */
static doctag_status issue_pair(doctag_ctx *ctx, struct store *s, store_conn *c, const char *user_id,
                                const char *email, const char *family, const doctag_session_options *opts,
                                doctag_tokens **out)
{
  if (!sodiumlib_get())
    return DOCTAG_EUNAVAILABLE;
  GBytes *secret = NULL;
  doctag_status st = auth_secret(ctx, &secret);
  if (st != DOCTAG_OK)
    return st;
  int64_t now_us = store_now_us(), now = now_us / G_USEC_PER_SEC;
  unsigned int access_ttl = ttl(opts ? opts->access_ttl_sec : 0, AUTH_ACCESS_TTL);
  unsigned int refresh_ttl = ttl(opts ? opts->refresh_ttl_sec : 0, AUTH_REFRESH_TTL);
  doctag_tokens *t = g_new0(doctag_tokens, 1);
  t->expires_in = access_ttl;
  st = auth_jwt_issue(secret, user_id, email, family, now, access_ttl, &t->access);
  g_bytes_unref(secret);
  if (st == DOCTAG_OK) {
    t->refresh = refresh_new();
    char *id = store_uuid_new(), *hash = sha256_hex(t->refresh);
    /* Informational: kept short whatever a client sends. */
    char *device = opts && opts->device_info ? utf8_prefix(opts->device_info, 512) : NULL;
    char *ip = opts && opts->ip ? utf8_prefix(opts->ip, 64) : NULL;
    store_param p[] = {
      SP_T(id), SP_T(user_id), SP_T(hash), SP_T(family),
      SP_I(now_us + (int64_t)refresh_ttl * G_USEC_PER_SEC), SP_I(now_us), SP_T(device), SP_T(ip),
    };
    st = store_exec(c, ST_TOKEN_INSERT, p, G_N_ELEMENTS(p), NULL);
    g_free(device);
    g_free(ip);
    g_free(id);
    g_free(hash);
  }
  if (st != DOCTAG_OK) {
    doctag_tokens_free(t);
    return st;
  }
  *out = t;
  return DOCTAG_OK;
}

static doctag_status check_opts(const doctag_session_options *opts)
{
  if (opts && (opts->version == 0 || opts->version > DOCTAG_SESSION_OPTIONS_VERSION))
    return err_set(DOCTAG_EINVAL, "session options version %u is not supported (up to %u)", opts->version,
                   DOCTAG_SESSION_OPTIONS_VERSION);
  if (opts && ((opts->device_info && !g_utf8_validate(opts->device_info, -1, NULL)) ||
               (opts->ip && !g_utf8_validate(opts->ip, -1, NULL))))
    return err_set(DOCTAG_EINVAL, "device_info and ip must be UTF-8");
  return DOCTAG_OK;
}

/* ---- the calls ---- */

DOCTAG_API doctag_status doctag_auth_register(doctag_ctx *ctx, doctag_user **out, const char *email,
                                              const char *password, const char *full_name)
{
  err_clear();
  if (out)
    *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  char *norm = email_normalise(email);
  if (!norm)
    return err_set(DOCTAG_EINVAL, "value is not a valid email address");
  doctag_status st = check_password(password);
  char *name = NULL;
  if (st == DOCTAG_OK && full_name) {
    if (!g_utf8_validate(full_name, -1, NULL))
      st = err_set(DOCTAG_EINVAL, "full_name is not valid UTF-8");
    else if (g_utf8_strlen(full_name, -1) > 255)
      st = err_set(DOCTAG_EINVAL, "full_name must be at most 255 characters");
    else if (*(name = g_strstrip(g_strdup(full_name))) == '\0')
      g_clear_pointer(&name, g_free);
  }
  struct store *s = NULL;
  if (st == DOCTAG_OK)
    st = store_get(ctx, &s);
  /* A known email costs the hash too: registering takes the same time
   * whether or not the email exists. */
  store_rows rows = { 0 };
  bool known = false;
  if (st == DOCTAG_OK) {
    store_param p[] = { SP_T(norm) };
    st = store_query(s, ST_USER_BY_EMAIL, p, 1, &rows);
    known = st == DOCTAG_OK && rows.nrows;
    store_rows_clear(&rows);
  }
  char *hash = NULL, *id = NULL;
  if (st == DOCTAG_OK)
    st = hash_slotted(ctx, password, &hash);
  if (st == DOCTAG_OK && known)
    st = err_set(DOCTAG_EEXISTS, "Email already registered");
  if (st == DOCTAG_OK) {
    id = store_uuid_new();
    int64_t now = store_now_us();
    store_param p[] = { SP_T(id), SP_T(norm), SP_T(hash), SP_T(name), SP_B(true), SP_B(false), SP_I(now) };
    st = store_query(s, ST_USER_INSERT, p, G_N_ELEMENTS(p), NULL);
    if (st == DOCTAG_EEXISTS)
      st = err_set(DOCTAG_EEXISTS, "Email already registered");
    if (st == DOCTAG_OK && out) {
      doctag_user *u = g_new0(doctag_user, 1);
      u->id = g_strdup(id);
      u->email = g_strdup(norm);
      u->full_name = g_strdup(name);
      u->is_active = true;
      u->created_at = store_time_iso(now);
      *out = u;
    }
  }
  if (hash)
    explicit_bzero(hash, strlen(hash));
  g_free(hash);
  g_free(id);
  g_free(name);
  g_free(norm);
  return st;
}

DOCTAG_API doctag_status doctag_auth_login(doctag_ctx *ctx, doctag_user **user, doctag_tokens **tokens,
                                           const char *email, const char *password, const doctag_session_options *opts)
{
  err_clear();
  if (user)
    *user = NULL;
  if (tokens)
    *tokens = NULL;
  if (!ctx || !tokens)
    return err_set(DOCTAG_EINVAL, "ctx and tokens are required");
  doctag_status st = check_opts(opts);
  if (st != DOCTAG_OK)
    return st;
  if (!email || !password)
    return err_set(DOCTAG_EAUTH, MSG_BAD_LOGIN);
  struct store *s;
  if ((st = store_get(ctx, &s)) != DOCTAG_OK)
    return st;
  char *norm = email_normalise(email);
  /* Throttled before any work: 429 even with the right password. */
  throttle_attempt attempt;
  if ((st = throttle_begin(s, norm ? norm : email, opts ? opts->ip : NULL, &attempt)) != DOCTAG_OK) {
    g_free(norm);
    return st;
  }
  store_rows rows = { 0 };
  if (norm) {
    store_param p[] = { SP_T(norm) };
    st = store_query(s, ST_USER_BY_EMAIL, p, 1, &rows);
  }
  g_free(norm);
  /* Unknown email: the same work and answer as a wrong password. */
  const char *hash = rows.nrows ? store_cell(&rows, 0, 6) : NULL;
  bool ok = false;
  if (st == DOCTAG_OK && strlen(password) <= AUTH_PASSWORD_MAX)
    st = verify_slotted(ctx, hash, password, &ok);
  ok = ok && hash;
  if (st != DOCTAG_OK || !ok) {
    store_rows_clear(&rows);
    throttle_failed(s, &attempt);
    return st != DOCTAG_OK ? st : err_set(DOCTAG_EAUTH, MSG_BAD_LOGIN);
  }
  throttle_succeeded(s, &attempt);
  doctag_user *u = auth_user_from_row(&rows, 0);
  store_rows_clear(&rows);
  if (!u->is_active) {
    doctag_user_free(u);
    return err_set(DOCTAG_EPERM, MSG_DISABLED);
  }
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK) {
    doctag_user_free(u);
    return st;
  }
  int64_t now = store_now_us();
  char *family = store_uuid_new();
  doctag_tokens *t = NULL;
  st = store_tx_begin(c);
  if (st == DOCTAG_OK) {
    st = issue_pair(ctx, s, c, u->id, u->email, family, opts, &t);
    if (st == DOCTAG_OK) {
      store_param p[] = { SP_T(u->id), SP_I(now) };
      st = store_exec(c, ST_USER_LOGGED_IN, p, 2, NULL);
    }
    if (st == DOCTAG_OK) {
      /* Old expired tokens of this user go; a day's grace keeps reuse
       * detection answering for tokens that just expired. */
      store_param p[] = { SP_T(u->id), SP_I(now - (int64_t)24 * 3600 * G_USEC_PER_SEC) };
      st = store_exec(c, ST_TOKEN_PURGE, p, 2, NULL);
    }
    st = store_tx_end(c, st);
  }
  store_release(s, c);
  g_free(family);
  if (st != DOCTAG_OK) {
    doctag_tokens_free(t);
    doctag_user_free(u);
    return st;
  }
  *tokens = t;
  if (user)
    *user = u;
  else
    doctag_user_free(u);
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_auth_refresh(doctag_ctx *ctx, doctag_tokens **out, const char *refresh_token,
                                             const doctag_session_options *opts)
{
  err_clear();
  if (out)
    *out = NULL;
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "ctx and out are required");
  doctag_status st = check_opts(opts);
  if (st != DOCTAG_OK)
    return st;
  if (!refresh_well_formed(refresh_token))
    return err_set(DOCTAG_EAUTH, MSG_BAD_REFRESH);
  struct store *s;
  if ((st = store_get(ctx, &s)) != DOCTAG_OK)
    return st;
  char *hash = sha256_hex(refresh_token);
  int64_t now = store_now_us();
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK) {
    g_free(hash);
    return st;
  }
  store_rows rows = { 0 }, urows = { 0 };
  doctag_tokens *t = NULL;
  bool consumed = false;
  st = store_tx_begin(c);
  if (st == DOCTAG_OK) {
    /* One statement revokes the token if it is live, so two concurrent
     * refreshes with one token cannot both succeed. */
    store_param p[] = { SP_T(hash), SP_I(now) };
    st = store_exec(c, ST_TOKEN_CONSUME, p, 2, &rows);
    consumed = st == DOCTAG_OK && rows.nrows == 1;
    if (consumed) {
      store_param q[] = { SP_T(store_cell(&rows, 0, 0)) };
      st = store_exec(c, ST_USER_BY_ID, q, 1, &urows);
    }
    if (st == DOCTAG_OK && consumed) {
      if (!urows.nrows) {
        st = err_set(DOCTAG_EAUTH, MSG_BAD_REFRESH);
      } else if (!store_cell_bool(&urows, 0, 3)) {
        /* The revocation stands: commit it, refuse the pair. */
        st = store_tx_end(c, DOCTAG_OK);
        store_rows_clear(&rows);
        store_rows_clear(&urows);
        store_release(s, c);
        g_free(hash);
        return st == DOCTAG_OK ? err_set(DOCTAG_EPERM, MSG_DISABLED) : st;
      } else {
        st = issue_pair(ctx, s, c, store_cell(&urows, 0, 0), store_cell(&urows, 0, 1),
                        store_cell(&rows, 0, 1), opts, &t);
      }
    }
    st = store_tx_end(c, st);
  }
  store_rows_clear(&rows);
  store_rows_clear(&urows);
  if (st == DOCTAG_OK && !consumed) {
    /* Not live: unknown, expired, or revoked. A revoked token presented
     * again means it leaked: end every session of its family. */
    store_param p[] = { SP_T(hash) };
    st = store_exec(c, ST_TOKEN_STATE, p, 1, &rows);
    if (st == DOCTAG_OK && rows.nrows && store_cell_bool(&rows, 0, 0)) {
      store_param q[] = { SP_T(store_cell(&rows, 0, 1)), SP_I(now) };
      st = store_exec(c, ST_TOKEN_REVOKE_FAMILY, q, 2, NULL);
      if (st == DOCTAG_OK)
        st = revoke_family(s, c, store_cell(&rows, 0, 1));
    }
    store_rows_clear(&rows);
    if (st == DOCTAG_OK)
      st = err_set(DOCTAG_EAUTH, MSG_BAD_REFRESH);
  }
  store_release(s, c);
  g_free(hash);
  if (st != DOCTAG_OK) {
    doctag_tokens_free(t);
    return st;
  }
  *out = t;
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_auth_logout(doctag_ctx *ctx, const char *refresh_token, bool *revoked)
{
  err_clear();
  if (revoked)
    *revoked = false;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  if (!refresh_well_formed(refresh_token))
    return DOCTAG_OK;
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  char *hash = sha256_hex(refresh_token);
  store_rows rows;
  store_param p[] = { SP_T(hash), SP_I(store_now_us()) };
  st = store_query(s, ST_TOKEN_REVOKE, p, 2, &rows);
  if (st == DOCTAG_OK && revoked)
    *revoked = rows.changes > 0;
  store_rows_clear(&rows);
  /* The session's access tokens end with it. */
  if (st == DOCTAG_OK) {
    store_param q[] = { SP_T(hash) };
    st = store_query(s, ST_TOKEN_STATE, q, 1, &rows);
    if (st == DOCTAG_OK && rows.nrows)
      st = revoke_family(s, NULL, store_cell(&rows, 0, 1));
    store_rows_clear(&rows);
  }
  g_free(hash);
  return st;
}

/* The user `id` into *out; not found is `missing`. */
/* The user `id`, read on `c` (NULL: a connection of its own). */
static doctag_status load_user_on(struct store *s, store_conn *c, const char *id, doctag_status missing,
                                  const char *msg, doctag_user **out)
{
  if (!store_uuid_valid(id))
    return err_set(missing, "%s", msg);
  store_rows rows;
  store_param p[] = { SP_T(id) };
  doctag_status st = c ? store_exec(c, ST_USER_BY_ID, p, 1, &rows) : store_query(s, ST_USER_BY_ID, p, 1, &rows);
  if (st == DOCTAG_OK && !rows.nrows)
    st = err_set(missing, "%s", msg);
  if (st == DOCTAG_OK)
    *out = auth_user_from_row(&rows, 0);
  store_rows_clear(&rows);
  return st;
}

/* The store and the user id of a token whose signature, algorithm, type
 * and expiry hold (*sub g_malloc'd). */
static doctag_status token_subject(doctag_ctx *ctx, const char *token, struct store **s, char **sub)
{
  doctag_status st = store_get(ctx, s);
  if (st != DOCTAG_OK)
    return st;
  GBytes *secret;
  if ((st = auth_secret(ctx, &secret)) != DOCTAG_OK)
    return st;
  st = auth_jwt_check(secret, token, store_now_us() / G_USEC_PER_SEC, sub);
  g_bytes_unref(secret);
  return st;
}

DOCTAG_API doctag_status doctag_auth_verify(doctag_ctx *ctx, doctag_user **out, const char *access_token)
{
  err_clear();
  if (out)
    *out = NULL;
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "ctx and out are required");
  struct store *s;
  char *sub = NULL;
  doctag_status st = token_subject(ctx, access_token, &s, &sub);
  /* The revocation and the user on one connection (auth/revoke.h). */
  store_conn *c = NULL;
  if (st == DOCTAG_OK)
    st = store_acquire(s, &c);
  if (st == DOCTAG_OK) {
    char *family = auth_jwt_family(access_token);
    st = revoke_check(c, family);
    g_free(family);
  }
  doctag_user *u = NULL;
  if (st == DOCTAG_OK)
    st = load_user_on(s, c, sub, DOCTAG_EAUTH, "Could not validate credentials: user not found", &u);
  if (c)
    store_release(s, c);
  g_free(sub);
  if (st == DOCTAG_OK && !u->is_active) {
    doctag_user_free(u);
    return err_set(DOCTAG_EPERM, MSG_DISABLED);
  }
  if (st == DOCTAG_OK)
    *out = u;
  return st;
}

DOCTAG_API doctag_status doctag_auth_token_subject(doctag_ctx *ctx, char **user_id, const char *access_token)
{
  err_clear();
  if (user_id)
    *user_id = NULL;
  if (!ctx || !user_id)
    return err_set(DOCTAG_EINVAL, "ctx and user_id are required");
  struct store *s;
  return token_subject(ctx, access_token, &s, user_id);
}

DOCTAG_API doctag_status doctag_auth_user(doctag_ctx *ctx, doctag_user **out, const char *user_id)
{
  err_clear();
  if (out)
    *out = NULL;
  if (!ctx || !out)
    return err_set(DOCTAG_EINVAL, "ctx and out are required");
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  return load_user_on(s, NULL, user_id, DOCTAG_ENOTFOUND, "User not found", out);
}

DOCTAG_API doctag_status doctag_auth_set_active(doctag_ctx *ctx, const char *user_id, bool active)
{
  err_clear();
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  if (!store_uuid_valid(user_id))
    return err_set(DOCTAG_ENOTFOUND, "User not found");
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  if (st != DOCTAG_OK)
    return st;
  store_conn *c;
  if ((st = store_acquire(s, &c)) != DOCTAG_OK)
    return st;
  int64_t now = store_now_us();
  store_rows rows = { 0 };
  st = store_tx_begin(c);
  if (st == DOCTAG_OK) {
    store_param p[] = { SP_T(user_id), SP_B(active), SP_I(now) };
    st = store_exec(c, ST_USER_SET_ACTIVE, p, 3, &rows);
    if (st == DOCTAG_OK && rows.changes == 0)
      st = err_set(DOCTAG_ENOTFOUND, "User not found");
    if (st == DOCTAG_OK && !active) {
      store_param q[] = { SP_T(user_id), SP_I(now) };
      st = store_exec(c, ST_TOKEN_REVOKE_USER, q, 2, NULL);
    }
    st = store_tx_end(c, st);
  }
  store_rows_clear(&rows);
  store_release(s, c);
  return st;
}
