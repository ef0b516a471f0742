/* Internal: the OpenAI-compatible chat-completions client. */
#ifndef DOCTAG_TAG_LLM_H
#define DOCTAG_TAG_LLM_H

#include "tag/tag.h"

/* Asks the endpoint (ctx->llm_base_url) for req->num_tags tags with
 * req->api_key, applies rules_apply() to what comes back (asking once more
 * for the missing ones when too few survive) and fills `out` (items,
 * model_name, raw_response, tokens_used).
 * Errors: DOCTAG_ELLM (HTTP failure; 401 says "Invalid API key. Please check
 * your OpenRouter API key."), DOCTAG_ETIMEOUT. */
doctag_status llm_tag(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out);

#endif
