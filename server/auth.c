/* Authentication: bearer tokens, and the /api/auth routes. */
#include "server.h"

#include <string.h>

char *srv_bearer_token(struct http_request *req)
{
  const char *h = srv_header(req, "authorization");
  if (!h)
    return NULL;
  while (*h == ' ')
    h++;
  if (g_ascii_strncasecmp(h, "bearer ", 7) != 0)
    return NULL;
  h += 7;
  while (*h == ' ')
    h++;
  char *t = g_strstrip(g_strdup(h));
  if (!*t) {
    g_free(t);
    return NULL;
  }
  return t;
}

void srv_reply_unauthorized(srv_reply *r, const char *detail)
{
  srv_reply_detail(r, 401, "%s", detail);
  srv_reply_header(r, "www-authenticate", "Bearer");
}

char *srv_auth_user(const char *token, srv_reply *reply)
{
  doctag_user *user = NULL;
  if (!token) {
    srv_reply_unauthorized(reply, "Not authenticated");
    return NULL;
  }
  if (doctag_auth_verify(srv.ctx, &user, token) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
    return NULL;
  }
  char *id = g_strdup(doctag_user_id(user));
  doctag_user_free(user);
  return id;
}

static void session_options(const srv_call *call, doctag_session_options *o)
{
  doctag_session_options init = DOCTAG_SESSION_OPTIONS_INIT;
  *o = init;
  o->device_info = call->agent && g_utf8_validate(call->agent, -1, NULL) ? call->agent : NULL;
  o->ip = call->ip && *call->ip ? call->ip : NULL;
}

/* A refused registration: what the library says about a field is a 422 on
 * that field, as the original's request model gave it. */
static void register_refused(srv_reply *reply)
{
  const doctag_error *e = doctag_error_last();
  if (e->code != DOCTAG_EINVAL) {
    srv_reply_error(reply, SRV_SCOPE_API);
    return;
  }
  const char *field = !g_ascii_strncasecmp(e->message, "password", 8) ? "password"
                      : g_str_has_prefix(e->message, "full_name") ? "full_name" : "email";
  srv_invalid v = { 0 };
  srv_invalid_add(&v, e->message, "value_error", "body", field, NULL);
  srv_reply_invalid(reply, &v);
}

/* POST /api/auth/register {"email", "password", "full_name"?} -> 201 user */
static void register_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  const char *email = srv_field_string(c->json, &v, "body", NULL, "email", true);
  const char *password = srv_field_string(c->json, &v, "body", NULL, "password", true);
  const char *full_name = srv_field_string(c->json, &v, "body", NULL, "full_name", false);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  doctag_user *user = NULL;
  char *json = NULL;
  if (doctag_auth_register(srv.ctx, &user, email, password, full_name) != DOCTAG_OK)
    register_refused(reply);
  else if (doctag_user_to_json(user, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 201, json);
  doctag_user_free(user);
}

/* POST /api/auth/login {"email", "password"} -> {"user", "tokens"} */
static void login_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  const char *email = srv_field_string(c->json, &v, "body", NULL, "email", true);
  const char *password = srv_field_string(c->json, &v, "body", NULL, "password", true);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  doctag_session_options o;
  session_options(c, &o);
  doctag_user *user = NULL;
  doctag_tokens *tokens = NULL;
  char *json = NULL;
  if (doctag_auth_login(srv.ctx, &user, &tokens, email, password, &o) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
    /* The access log keeps who was tried, as a hash: never the password. */
    if (reply->status == 401 || reply->status == 403)
      reply->log_note = srv_email_note("login_failed", email);
  } else if (doctag_auth_login_to_json(user, tokens, &json) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
  } else {
    reply->log_user = g_strdup(doctag_user_id(user));
    srv_reply_json_text(reply, 200, json);
  }
  doctag_user_free(user);
  doctag_tokens_free(tokens);
}

/* POST /api/auth/refresh {"refresh_token"} -> tokens */
static void refresh_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  const char *rt = srv_field_string(c->json, &v, "body", NULL, "refresh_token", true);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  doctag_session_options o;
  session_options(c, &o);
  doctag_tokens *tokens = NULL;
  char *json = NULL;
  if (doctag_auth_refresh(srv.ctx, &tokens, rt, &o) != DOCTAG_OK || doctag_tokens_to_json(tokens, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
  doctag_tokens_free(tokens);
}

/* POST /api/auth/logout {"refresh_token"} -> {"message", "success"} */
static void logout_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  const char *rt = srv_field_string(c->json, &v, "body", NULL, "refresh_token", true);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  bool revoked = false;
  if (doctag_auth_logout(srv.ctx, rt, &revoked) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
    return;
  }
  srv_reply_json(reply, 200, json_pack("{s:s, s:b}", "message",
                                       revoked ? "Successfully logged out" : "Token already revoked or invalid",
                                       "success", revoked));
}

/* GET /api/auth/me -> the user */
static void me_work(srv_call *c, srv_reply *reply)
{
  doctag_user *user = NULL;
  char *json = NULL;
  if (doctag_auth_user(srv.ctx, &user, c->user_id) != DOCTAG_OK || doctag_user_to_json(user, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
  doctag_user_free(user);
}

/* GET /api/auth/webhook-secret -> {"secret"} (created on the first call);
 * POST rotates it. */
static void webhook_secret_work(srv_call *c, srv_reply *reply)
{
  char *secret = NULL;
  if (doctag_webhook_secret(srv.ctx, &secret, c->user_id, c->method == HTTP_METHOD_POST) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json(reply, 200, json_pack("{s:s}", "secret", secret));
  doctag_free(secret);
}

int api_auth_webhook_secret(struct http_request *req)
{
  return srv_route(req, SRV_GET | SRV_POST, SRV_AUTH, webhook_secret_work);
}

int api_auth_register(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_JSON | SRV_HASH, register_work);
}

int api_auth_login(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_JSON | SRV_HASH, login_work);
}

int api_auth_refresh(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_JSON, refresh_work);
}

int api_auth_logout(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_JSON, logout_work);
}

int api_auth_me(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, me_work);
}
