/* GET /, GET /api/status, GET /api/health, and the JSON 404 for every path
 * no route takes. */
#include "server.h"

#include <string.h>

static const char root_body[] = "{\"message\":\"Document Meta-Tagging API\",\"version\":\"" SRV_API_VERSION "\"}";
static const char status_body[] = "{\"status\":\"ok\",\"service\":\"" SRV_SERVICE_NAME "\"}";

/* The fixed answers skip jansson and the reply machinery: /api/status is
 * what load balancers hammer. */
static int fixed_json(struct http_request *req, const char *body, size_t len)
{
  if (!srv_begin(req, SRV_GET))
    return KORE_RESULT_OK;
  http_response_header(req, "content-type", "application/json");
  srv_respond(req, 200, body, len);
  return KORE_RESULT_OK;
}

int api_root(struct http_request *req)
{
  /* A browser goes to the web app; API clients keep the JSON. */
  if (req->method == HTTP_METHOD_GET && srv_prefers_html(req)) {
    if (!srv_begin(req, SRV_GET))
      return KORE_RESULT_OK;
    http_response_header(req, "location", "/app/");
    srv_respond(req, 302, NULL, 0);
    return KORE_RESULT_OK;
  }
  return fixed_json(req, root_body, sizeof root_body - 1);
}

int api_status(struct http_request *req)
{
  return fixed_json(req, status_body, sizeof status_body - 1);
}

/* GET /api/health: the library probes every dependency; 503 when a
 * required one is down. */
static void health_work(srv_call *c, srv_reply *reply)
{
  (void)c;
  doctag_health *h = NULL;
  char *json = NULL;
  if (doctag_health_check(srv.ctx, &h) != DOCTAG_OK || doctag_health_to_json(h, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, doctag_health_ok(h) ? 200 : 503, json);
  doctag_health_free(h);
}

int api_health(struct http_request *req)
{
  return srv_route(req, SRV_GET, 0, health_work);
}

int api_not_found(struct http_request *req)
{
  /* Preflights for any path are answered (as by a CORS middleware); every
   * other request here is for a path no route takes. */
  if (!srv_begin(req, HTTP_METHOD_ALL))
    return KORE_RESULT_OK;
  return srv_send_detail(req, 404, "Not Found");
}
