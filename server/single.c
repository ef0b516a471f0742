/* POST /api/single/process and GET /api/single/preview. */
#include "server.h"

#include <string.h>

static bool is_http_url(const char *url)
{
  /* Schemes are case-insensitive (RFC 3986 3.1): HTTP:// is http. */
  return !g_ascii_strncasecmp(url, "http://", 7) || !g_ascii_strncasecmp(url, "https://", 8);
}

/* pdf_url: http(s), or s3://bucket/key (the library refuses it with "S3
 * client not configured" where S3 is not). The preview stays http(s). */
static bool is_document_url(const char *url)
{
  return is_http_url(url) || g_str_has_prefix(url, "s3://");
}

/* A file part counts when it has a name or content: browsers send an empty
 * part with filename="" for a file input left empty. */
static const srv_part *file_part(const srv_form *form, const char *name)
{
  const srv_part *p = srv_form_get(form, name);
  if (p && (!p->filename || !*p->filename) && p->len == 0)
    return NULL;
  return p;
}

static void process_form(const srv_form *form, const char *user_id, srv_reply *reply)
{
  srv_invalid v = { 0 };
  char *config_text = srv_form_text(form, "config");
  char *url = srv_form_text(form, "pdf_url");
  json_t *config = NULL;
  srv_tagging t = { 0 };
  doctag_result *result = NULL;

  if (!config_text) {
    srv_invalid_add(&v, "Field required", "missing", "body", "config", NULL);
    srv_reply_invalid(reply, &v);
    goto out;
  }
  config = json_loads(config_text, 0, NULL);
  if (!config) {
    srv_reply_detail(reply, 400, "Invalid config JSON format");
    goto out;
  }
  if (!srv_tagging_read(&t, config, &v, "body", "config")) {
    srv_reply_invalid(reply, &v);
    goto out;
  }
  const srv_part *file = file_part(form, "pdf_file");
  if (url && !*url) {
    g_free(url);
    url = NULL;
  }
  if (file && url) {
    srv_reply_detail(reply, 400, "Please provide either a PDF file OR a URL, not both.");
    goto out;
  }
  if (!file && !url) {
    srv_reply_detail(reply, 400, "Please provide either a PDF file or a PDF URL.");
    goto out;
  }
  const srv_part *excl = file_part(form, "exclusion_file");
  if (excl) {
    char **terms = NULL;
    if (doctag_terms_from_buffer(srv.ctx, &terms, NULL, excl->data, excl->len) != DOCTAG_OK) {
      srv_reply_detail(reply, 400, "Invalid exclusion file: %s", doctag_error_last()->message);
      goto out;
    }
    srv_tagging_exclude(&t, terms);
  }
  t.opts.user_id = user_id;
  doctag_status st;
  srv_scope scope;
  if (file) {
    char *lower = g_ascii_strdown(file->filename ? file->filename : "", -1);
    bool pdf_name = g_str_has_suffix(lower, ".pdf");
    g_free(lower);
    if (!pdf_name) {
      srv_reply_detail(reply, 400, "Invalid file type. Please upload a PDF file.");
      goto out;
    }
    if (file->len == 0) {
      srv_reply_detail(reply, 400, "Empty PDF file");
      goto out;
    }
    t.opts.file_name = file->filename;
    scope = SRV_SCOPE_UPLOAD;
    st = doctag_process_buffer(srv.ctx, &result, file->data, file->len, &t.opts);
  } else {
    if (!is_document_url(url)) {
      srv_reply_detail(reply, 400, "Invalid URL. Must start with http:// or https://");
      goto out;
    }
    scope = SRV_SCOPE_URL;
    st = doctag_process_url(srv.ctx, &result, url, &t.opts);
  }
  if (st != DOCTAG_OK) {
    srv_reply_error(reply, scope);
    goto out;
  }
  srv_reply_result(reply, result);

out:
  doctag_result_free(result);
  srv_tagging_clear(&t);
  json_decref(config);
  srv_invalid_clear(&v);
  g_free(config_text);
  g_free(url);
}

static void single_work(srv_call *call, srv_reply *reply)
{
  size_t map_len = 0;
  const char *why = NULL;
  const unsigned char *body = srv_body_map(&call->body, &map_len, reply);
  if (!body)
    return;
  srv_form form = { 0 };
  /* A body that is not multipart has no fields: "config" is then missing. */
  (void)srv_form_parse(&form, call->content_type, body, call->body.len, &why);
  if (!srv_form_refused(&form, reply))
    process_form(&form, call->user_id, reply);
  srv_form_clear(&form);
  srv_body_unmap(body, map_len);
}

int api_single_process(struct http_request *req)
{
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_HEAVY, single_work);
}

/* GET /api/single/preview?url=... */
static void preview_work(srv_call *call, srv_reply *reply)
{
  char *url = srv_call_query(call, "url");
  if (!url) {
    srv_invalid v = { 0 };
    srv_invalid_add(&v, "Field required", "missing", "query", "url", NULL);
    srv_reply_invalid(reply, &v);
    return;
  }
  void *data = NULL;
  size_t len = 0;
  if (!is_http_url(url)) {
    srv_reply_detail(reply, 400, "Invalid URL. Must start with http:// or https://");
  } else if (doctag_url_fetch(srv.ctx, &data, &len, NULL, url, NULL) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_URL);
  } else {
    srv_reply_bytes(reply, 200, "application/pdf", data, len);
    srv_reply_header(reply, "content-disposition", "inline; filename=preview.pdf");
    srv_reply_header(reply, "x-content-type-options", "nosniff");
  }
  g_free(url);
}

int api_single_preview(struct http_request *req)
{
  return srv_route(req, SRV_GET, SRV_AUTH | SRV_HEAVY, preview_work);
}
