/* Internal: tagging (built-in tagger and OpenAI-compatible client) and the
 * post-processing rules shared by both. */
#ifndef DOCTAG_TAG_H
#define DOCTAG_TAG_H

#include "core/ctx.h"
#include "doctag/process.h"

typedef struct tag_item {
  char *tag;       /* g_malloc */
  double score;    /* 0..1 */
  bool evidence;   /* occurs in the text */
} tag_item;

typedef struct tag_request {
  const char *title;
  const char *text;            /* text of the first num_pages pages */
  const char *language;        /* detected document language */
  unsigned int num_tags;
  const char *const *exclusion; size_t exclusion_count;
  const char *const *vocabulary; size_t vocabulary_count;
  const char *model_name;      /* "local" or an LLM model */
  const char *api_key;         /* effective key or NULL */
  double deadline;             /* ctx_now() value; 0: none */
} tag_request;

typedef struct tag_outcome {
  tag_item *items;   /* g_malloc'd array */
  size_t count;
  char *model_name;  /* what really ran: "local" or the LLM model */
  char *raw_response;
  unsigned int tokens_used;
} tag_outcome;

/* Runs the chosen tagger then the shared rules (normalising, generic set,
 * exclusion, vocabulary, evidence). Errors: DOCTAG_ELLM, DOCTAG_ETIMEOUT. */
doctag_status tag_run(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out);
void tag_outcome_clear(tag_outcome *out);

/* The languages of a text as ISO 639-3 codes joined by '+' in order of
 * share ("eng", "fra", "hin+eng", "zho"), "" when it has no words; written
 * to out (NUL-terminated, truncated to out_size). Thread-safe. */
void tag_detect_language(const char *text, size_t len, char *out, size_t out_size);

#endif
