/* The common life of a handler (srv_route): parse on the event loop, verify
 * the token and run the ABI call on a task thread, send the reply. */
#include "server.h"

#include <arpa/inet.h>
#include <string.h>

typedef struct route_task {
  srv_call call;
  srv_route_fn fn;
  int flags;
} route_task;

static void route_task_free(void *p)
{
  route_task *t = p;
  g_free(t->call.token);
  g_free(t->call.user_id);
  g_free(t->call.path);
  g_free(t->call.query);
  g_free(t->call.content_type);
  g_free(t->call.agent);
  g_free(t->call.ip);
  json_decref(t->call.json);
  g_free(t);
}

static char *client_ip(struct http_request *req)
{
  char buf[INET6_ADDRSTRLEN] = "";
  struct connection *c = req->owner;
  if (!c)
    return g_strdup("");
  if (c->family == AF_INET)
    inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, buf, sizeof buf);
  else if (c->family == AF_INET6)
    inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, buf, sizeof buf);
  return g_strdup(buf);
}

static void route_work(void *data, srv_reply *reply)
{
  route_task *t = data;
  srv_call *c = &t->call;
  if (t->flags & SRV_AUTH) {
    c->user_id = srv_auth_user(c->token, reply);
    if (!c->user_id)
      return;
    reply->log_user = g_strdup(c->user_id);
  }
  if (t->flags & SRV_JSON) {
    size_t map_len = 0;
    const unsigned char *body = srv_body_map(&c->body, &map_len, reply);
    if (!body)
      return;
    srv_invalid v = { 0 };
    if (c->body.len == 0)
      srv_invalid_add(&v, "Field required", "missing", "body", NULL);
    else
      c->json = srv_json_object(body, c->body.len, &v);
    srv_body_unmap(body, map_len);
    if (!c->json) {
      srv_reply_invalid(reply, &v);
      return;
    }
  }
  t->fn(c, reply);
}

int srv_route(struct http_request *req, int methods, int flags, srv_route_fn fn)
{
  if (srv_resuming(req))
    return srv_resume(req);
  if (!srv_begin(req, methods))
    return KORE_RESULT_OK;
  char *token = srv_bearer_token(req);
  if ((flags & SRV_AUTH) && !token) {
    srv_reply r = { 0 };
    srv_reply_unauthorized(&r, "Not authenticated");
    return srv_send(req, &r);
  }
  route_task *t = g_new0(route_task, 1);
  t->fn = fn;
  t->flags = flags;
  t->call.token = token;
  t->call.path = g_strdup(req->path);
  t->call.query = g_strdup(req->query_string);
  t->call.content_type = g_strdup(srv_header(req, "content-type"));
  t->call.agent = g_strdup(req->agent);
  t->call.ip = client_ip(req);
  t->call.method = req->method;
  srv_body_get(req, &t->call.body);
  srv_pool pool = (flags & SRV_HEAVY) ? SRV_POOL_HEAVY : (flags & SRV_HASH) ? SRV_POOL_HASH : SRV_POOL_QUICK;
  /* Documents: shared fairly among users, named by their token (checked
   * for signature and expiry only; route_work authenticates). */
  char *owner = NULL;
  if ((flags & SRV_HEAVY) && token && doctag_auth_token_subject(srv.ctx, &owner, token) != DOCTAG_OK)
    owner = NULL;
  int rc = srv_async_owned(req, pool, owner, route_work, t, route_task_free);
  doctag_free(owner);
  return rc;
}

char *srv_call_query(const srv_call *call, const char *name)
{
  return srv_query_value(call->query, name);
}
