/* Tagging entry point: picks the tagger; both end in rules_apply(). */
#include "tag/tag.h"

#include <glib.h>
#include <string.h>

#include "core/error.h"
#include "tag/llm.h"
#include "tag/local.h"

doctag_status tag_run(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out)
{
  memset(out, 0, sizeof *out);
  if (!req || !req->text)
    return err_set(DOCTAG_EINVAL, "no text to tag");
  /* "local", or no key at all: the built-in tagger, and the outcome says so
   * (model_name "local") */
  bool local = !req->model_name || !strcmp(req->model_name, "local") || !req->api_key || !*req->api_key;
  doctag_status st = local ? local_tag(ctx, req, out) : llm_tag(ctx, req, out);
  if (st)
    tag_outcome_clear(out);
  return st;
}

void tag_outcome_clear(tag_outcome *out)
{
  if (!out)
    return;
  for (size_t i = 0; i < out->count; i++)
    g_free(out->items[i].tag);
  g_free(out->items);
  g_free(out->model_name);
  g_free(out->raw_response);
  memset(out, 0, sizeof *out);
}
