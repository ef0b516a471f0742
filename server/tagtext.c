/* POST /api/single/tag-text (CONTRACT.md, NEW in revision 2): tags a text the
 * client already has, through doctag_tag_text(): the same options, rules and
 * SinglePDFResponse as a PDF, recorded in the caller's history as a "single"
 * job whose document has file_source_type "text". */
#include "server.h"

#include <string.h>

/* The contract's bound on "text": 1 byte .. 10 MB. */
#define TEXT_MAX_BYTES (10u * 1024 * 1024)

static void tag_text_work(srv_call *call, srv_reply *reply)
{
  srv_invalid v = { 0 };
  srv_tagging t = { 0 };
  doctag_result *result = NULL;
  json_t *text_json = json_object_get(call->json, "text");
  const char *text = srv_field_string(call->json, &v, "body", NULL, "text", true);
  const char *title = srv_field_string(call->json, &v, "body", NULL, "title", false);
  size_t len = json_is_string(text_json) ? json_string_length(text_json) : 0;
  if (text && len == 0)
    srv_invalid_add(&v, "String should have at least 1 character", "string_too_short", "body", "text", NULL);
  else if (text && len > TEXT_MAX_BYTES)
    srv_invalid_add(&v, "String should have at most 10485760 bytes", "string_too_long", "body", "text", NULL);
  json_t *config = json_object_get(call->json, "config");
  if (!config)
    srv_invalid_add(&v, "Field required", "missing", "body", "config", NULL);
  else
    (void)srv_tagging_read(&t, config, &v, "body", "config");
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(reply, &v);
    goto out;
  }
  t.opts.user_id = call->user_id;
  if (doctag_tag_text(srv.ctx, &result, text, len, title, &t.opts) != DOCTAG_OK) {
    srv_reply_error(reply, SRV_SCOPE_API);
    goto out;
  }
  srv_reply_result(reply, result);

out:
  doctag_result_free(result);
  srv_tagging_clear(&t);
  srv_invalid_clear(&v);
}

int api_single_tag_text(struct http_request *req)
{
  /* Tagging may call an LLM: the document pool, like a PDF. */
  return srv_route(req, SRV_POST, SRV_AUTH | SRV_JSON | SRV_HEAVY, tag_text_work);
}
