/* Internal: the built-in offline tagger. */
#ifndef DOCTAG_TAG_LOCAL_H
#define DOCTAG_TAG_LOCAL_H

#include "tag/tag.h"

/* Tags req->text without any model or network: candidate phrases of one to
 * three words, ranked by statistics (frequency, first position, spread,
 * phrase cohesion, title and heading boost), near-duplicates merged, then
 * rules_apply(). Hindi text gets Devanagari tags. With a vocabulary, ranks
 * the vocabulary's terms that occur in the text. Deterministic. Fills `out`
 * (items, model_name "local", raw_response: the ranked candidates as JSON). */
doctag_status local_tag(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out);

#endif
