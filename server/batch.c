/* /api/batch: start, status, cancel/pause/resume, active, validate-paths,
 * template, and the legacy synchronous CSV processing. The WebSocket is in
 * websocket.c. */
#include "server.h"

#include <string.h>

/* The request model of POST /api/batch/start, checked as FastAPI would
 * before the library sees it: wrong shapes are 422 on their field. */
static void check_start_body(json_t *body, srv_invalid *v)
{
  json_t *docs = json_object_get(body, "documents");
  if (!docs) {
    srv_invalid_add(v, "Field required", "missing", "body", "documents", NULL);
  } else if (!json_is_array(docs)) {
    srv_invalid_add(v, "Input should be a valid list", "list_type", "body", "documents", NULL);
  } else {
    size_t i;
    json_t *row;
    json_array_foreach(docs, i, row) {
      if (!json_is_object(row)) {
        char idx[24];
        g_snprintf(idx, sizeof idx, "%zu", i);
        srv_invalid_add(v, "Input should be a valid dictionary", "dict_type", "body", "documents", idx, NULL);
      }
    }
  }
  json_t *config = json_object_get(body, "config");
  if (config && !json_is_null(config)) {
    srv_tagging t;
    srv_tagging_read(&t, config, v, "body", "config");
    srv_tagging_clear(&t);
  }
  json_t *mapping = json_object_get(body, "column_mapping");
  if (mapping && !json_is_null(mapping)) {
    if (!json_is_object(mapping)) {
      srv_invalid_add(v, "Input should be a valid dictionary", "dict_type", "body", "column_mapping", NULL);
    } else {
      const char *k;
      json_t *val;
      json_object_foreach(mapping, k, val) {
        if (!json_is_string(val))
          srv_invalid_add(v, "Input should be a valid string", "string_type", "body", "column_mapping", k, NULL);
      }
    }
  }
  srv_field_string(body, v, "body", NULL, "job_id", false);
}

/* POST /api/batch/start */
static void start_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  check_start_body(c->json, &v);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    return;
  }
  /* Parsed once: the library takes the body checked here as it is. */
  char *json = NULL;
  doctag_status st = doctag_job_submit_jansson(srv.ctx, &json, c->user_id, c->json);
  if (st != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
}

/* GET /api/batch/jobs/{id}/status */
static void status_work(srv_call *c, srv_reply *reply)
{
  char *id = srv_path_segment(c->path, "/api/batch/jobs/");
  doctag_job *job = NULL;
  char *json = NULL;
  if (doctag_job_status(srv.ctx, &job, c->user_id, id) != DOCTAG_OK || doctag_job_to_json(job, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
  doctag_job_free(job);
  g_free(id);
}

/* POST /api/batch/jobs/{id}/cancel|pause|resume */
static void command_work(srv_call *c, srv_reply *reply)
{
  char *id = srv_path_segment(c->path, "/api/batch/jobs/");
  const char *verb = strrchr(c->path, '/') + 1;
  doctag_status st;
  const char *name;
  if (!strcmp(verb, "cancel")) {
    st = doctag_job_cancel(srv.ctx, c->user_id, id);
    name = "Cancel";
  } else if (!strcmp(verb, "pause")) {
    st = doctag_job_pause(srv.ctx, c->user_id, id);
    name = "Pause";
  } else {
    st = doctag_job_resume(srv.ctx, c->user_id, id);
    name = "Resume";
  }
  if (st != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json(reply, 200, json_pack("{s:s++}", "message", name, " command sent to job ", id));
  g_free(id);
}

/* GET /api/batch/active */
static void active_work(srv_call *c, srv_reply *reply)
{
  doctag_active_jobs *list = NULL;
  char *json = NULL;
  if (doctag_jobs_active(srv.ctx, &list, c->user_id) != DOCTAG_OK ||
      doctag_active_jobs_to_json(list, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
  doctag_active_jobs_free(list);
}

/* POST /api/batch/validate-paths {"paths": [{"path", "type"}]} */
static void validate_work(srv_call *c, srv_reply *reply)
{
  srv_invalid v = { 0 };
  json_t *paths = json_object_get(c->json, "paths");
  if (!paths)
    srv_invalid_add(&v, "Field required", "missing", "body", "paths", NULL);
  else if (!json_is_array(paths))
    srv_invalid_add(&v, "Input should be a valid list", "list_type", "body", "paths", NULL);
  size_t n = paths && json_is_array(paths) ? json_array_size(paths) : 0;
  doctag_path_spec *specs = g_new0(doctag_path_spec, n + 1);
  for (size_t i = 0; i < n; i++) {
    json_t *p = json_array_get(paths, i);
    char idx[24];
    g_snprintf(idx, sizeof idx, "paths.%zu", i);
    if (!json_is_object(p)) {
      srv_invalid_add(&v, "Input should be a valid dictionary", "dict_type", "body", idx, NULL);
      continue;
    }
    specs[i].path = srv_field_string(p, &v, "body", idx, "path", true);
    specs[i].type = srv_field_string(p, &v, "body", idx, "type", false);
    if (!specs[i].type)
      specs[i].type = "url";
  }
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    g_free(specs);
    return;
  }
  doctag_path_report *report = NULL;
  char *json = NULL;
  if (doctag_paths_validate(srv.ctx, &report, specs, n) != DOCTAG_OK ||
      doctag_path_report_to_json(report, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
  doctag_path_report_free(report);
  g_free(specs);
}

/* GET /api/batch/template */
static void template_work(srv_call *c, srv_reply *reply)
{
  (void)c;
  char *json = NULL;
  if (doctag_batch_template(&json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
}

/* POST /api/batch/process (legacy, synchronous): multipart csv_file, config,
 * exclusion_file. */
static void legacy_form(const srv_form *form, const char *user_id, srv_reply *reply)
{
  srv_invalid v = { 0 };
  srv_tagging t = { 0 };
  json_t *config = NULL;
  doctag_csv_report *report = NULL;
  char *config_text = srv_form_text(form, "config");
  const srv_part *csv = srv_form_get(form, "csv_file");
  if (!csv)
    srv_invalid_add(&v, "Field required", "missing", "body", "csv_file", NULL);
  if (!config_text)
    srv_invalid_add(&v, "Field required", "missing", "body", "config", NULL);
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    goto out;
  }
  char *lower = g_ascii_strdown(csv->filename ? csv->filename : "", -1);
  bool csv_name = g_str_has_suffix(lower, ".csv");
  g_free(lower);
  if (!csv_name) {
    srv_reply_detail(reply, 400, "Invalid file type. Please upload a CSV file.");
    goto out;
  }
  if (!(config = json_loads(config_text, 0, NULL))) {
    srv_reply_detail(reply, 400, "Invalid config JSON format");
    goto out;
  }
  if (!srv_tagging_read(&t, config, &v, "body", "config")) {
    srv_reply_invalid(reply, &v);
    goto out;
  }
  const srv_part *excl = srv_form_get(form, "exclusion_file");
  if (excl && (excl->len || (excl->filename && *excl->filename))) {
    char **terms = NULL;
    if (doctag_terms_from_buffer(srv.ctx, &terms, NULL, excl->data, excl->len) != DOCTAG_OK) {
      srv_reply_detail(reply, 400, "Invalid exclusion file: %s", doctag_error_last()->message);
      goto out;
    }
    srv_tagging_exclude(&t, terms);
  }
  char *json = NULL;
  if (doctag_batch_process_csv(srv.ctx, &report, user_id, csv->data, csv->len, &t.opts) != DOCTAG_OK ||
      doctag_csv_report_to_json(report, &json) != DOCTAG_OK)
    srv_reply_error(reply, SRV_SCOPE_API);
  else
    srv_reply_json_text(reply, 200, json);
out:
  doctag_csv_report_free(report);
  srv_tagging_clear(&t);
  json_decref(config);
  srv_invalid_clear(&v);
  g_free(config_text);
}

static void legacy_work(srv_call *c, srv_reply *reply)
{
  size_t map_len = 0;
  const char *why = NULL;
  const unsigned char *body = srv_body_map(&c->body, &map_len, reply);
  if (!body)
    return;
  srv_form form = { 0 };
  (void)srv_form_parse(&form, c->content_type, body, c->body.len, &why);
  if (!srv_form_refused(&form, reply))
    legacy_form(&form, c->user_id, reply);
  srv_form_clear(&form);
  srv_body_unmap(body, map_len);
}

int api_batch_start(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_JSON, start_work);
}

int api_batch_status(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, status_work);
}

int api_batch_command(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_AUTH, command_work);
}

int api_batch_active(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, active_work);
}

int api_batch_validate_paths(struct http_request *req)
{
  /* URLs are probed over the network: the heavy pool. */
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_JSON | SRV_HEAVY, validate_work);
}

int api_batch_template(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH, template_work);
}

int api_batch_process(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_HEAVY, legacy_work);
}
