/* /api/history: the caller's jobs and documents, search, statistics. Every
 * call passes the verified user; the library answers "not found" for
 * another user's objects. */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* An integer query argument in [min, max], or `def` when absent; adds a 422
 * error when malformed or out of range. */
static long query_int(const srv_call *c, srv_invalid *v, const char *name, long min, long max, long def)
{
  char *s = srv_call_query(c, name);
  if (!s)
    return def;
  json_t *holder = json_pack("{s:s}", name, s);
  long n = srv_field_int(holder, v, "query", NULL, name, min, max, def);
  json_decref(holder);
  g_free(s);
  return n;
}

static void reply_json_or_error(srv_reply *reply, doctag_status st, char *json)
{
  if (st != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
}

/* GET /api/history/jobs?limit=50&offset=0&status= */
static void jobs_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  long limit = query_int(c, &v, "limit", 1, 100, 50);
  long offset = query_int(c, &v, "offset", 0, G_MAXINT, 0);
  char *status = srv_call_query(c, "status");
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
  } else {
    char *json = NULL;
    doctag_status st = doctag_history_jobs_json(srv.ctx, c->user_id, (unsigned)limit, (unsigned)offset,
                                                status && *status ? status : NULL, &json);
    reply_json_or_error(reply, st, json);
  }
  g_free(status);
}

/* GET or DELETE /api/history/jobs/{id} */
static void job_work(srv_call *c, srv_reply *reply)
{
  char *id = srv_path_segment(c->path, "/api/history/jobs/");
  char *json = NULL;
  if (c->method == HTTP_METHOD_DELETE) {
    if (doctag_history_job_delete(srv.ctx, c->user_id, id ? id : "") != DOCTAG_OK)
      srv_reply_error(reply, SRV_SCOPE_API);
    else
      srv_reply_json(reply, 200, json_pack("{s:s, s:s}", "message", "Job deleted successfully", "job_id", id));
  } else {
    doctag_status st = doctag_history_job_json(srv.ctx, c->user_id, id ? id : "", &json);
    reply_json_or_error(reply, st, json);
  }
  g_free(id);
}

/* GET /api/history/documents?limit=50&offset=0 */
static void documents_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  long limit = query_int(c, &v, "limit", 1, 100, 50);
  long offset = query_int(c, &v, "offset", 0, G_MAXINT, 0);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  char *json = NULL;
  doctag_status st = doctag_history_documents_json(srv.ctx, c->user_id, (unsigned)limit, (unsigned)offset, &json);
  reply_json_or_error(reply, st, json);
}

/* GET /api/history/documents/search?query=...&limit= */
static void search_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  long limit = query_int(c, &v, "limit", 1, 100, 50);
  char *query = srv_call_query(c, "query");
  if (!query)
    srv_invalid_add(&v, "Field required", "missing", "query", "query", NULL);
  else if (!*query)
    srv_invalid_add(&v, "String should have at least 1 character", "string_too_short", "query", "query", NULL);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
  } else {
    char *json = NULL;
    doctag_status st = doctag_history_search_json(srv.ctx, c->user_id, query, (unsigned)limit, &json);
    reply_json_or_error(reply, st, json);
  }
  g_free(query);
}

/* GET /api/history/documents/{id} */
static void document_work(srv_call *c, srv_reply *reply)
{
  char *id = srv_path_segment(c->path, "/api/history/documents/");
  char *json = NULL;
  doctag_status st = doctag_history_document_json(srv.ctx, c->user_id, id ? id : "", &json);
  reply_json_or_error(reply, st, json);
  g_free(id);
}

/* A file name safe inside a quoted Content-Disposition parameter. */
static char *header_file_name(const char *name)
{
  GString *out = g_string_new(NULL);
  for (const char *p = name && *name ? name : "document.pdf"; *p; p++)
    g_string_append_c(out, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '_');
  return g_string_free(out, FALSE);
}

/* GET /api/history/documents/{id}/file */
static void document_file_work(srv_call *c, srv_reply *reply)
{
  char *id = srv_path_segment(c->path, "/api/history/documents/");
  void *data = NULL;
  size_t len = 0;
  char *name = NULL;
  if (doctag_history_document_file(srv.ctx, c->user_id, id ? id : "", &data, &len, &name) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
  } else {
    srv_reply_bytes(reply, 200, "application/pdf", data, len);
    char *safe = header_file_name(name);
    char *disposition = g_strdup_printf("inline; filename=\"%s\"", safe);
    srv_reply_header(reply, "content-disposition", disposition);
    srv_reply_header(reply, "x-content-type-options", "nosniff");
    g_free(disposition);
    g_free(safe);
  }
  doctag_free(name);
  g_free(id);
}

/* POST /api/history/documents/{id}/reprocess {"config": TaggingConfig} */
static void document_reprocess_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  srv_tagging t = { 0 };
  json_t *config = json_object_get(c->json, "config");
  if (!config)
    srv_invalid_add(&v, "Field required", "missing", "body", "config", NULL);
  else
    srv_tagging_read(&t, config, &v, "body", "config");
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    srv_tagging_clear(&t);
    return;
  }
  char *id = srv_path_segment(c->path, "/api/history/documents/");
  doctag_result *r = NULL;
  if (doctag_history_document_reprocess(srv.ctx, &r, c->user_id, id ? id : "", &t.opts) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_UPLOAD);
  else
    srv_reply_result(reply, r);
  doctag_result_free(r);
  g_free(id);
  srv_tagging_clear(&t);
}

/* GET /api/history/stats */
static void stats_work(srv_call *c, srv_reply *reply)
{
  char *json = NULL;
  doctag_status st = doctag_history_stats_json(srv.ctx, c->user_id, &json);
  reply_json_or_error(reply, st, json);
}

int api_history_jobs(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, jobs_work);
}

int api_history_job(struct http_request *req)
{
  return srv_route(req, SRV_GET | SRV_DELETE, SRV_AUTH, job_work);
}

int api_history_documents(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, documents_work);
}

int api_history_search(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, search_work);
}

int api_history_document(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, document_work);
}

int api_history_document_file(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH | SRV_HEAVY, document_file_work);
}

int api_history_document_reprocess(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_JSON | SRV_HEAVY, document_reprocess_work);
}

int api_history_stats(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, stats_work);
}
