/* Internal to the LLM client: the prompt (llm_prompt.c) and the parsing of
 * the model's answer (llm_parse.c), split from the HTTP side (llm.c). */
#ifndef DOCTAG_TAG_INTERNAL_H
#define DOCTAG_TAG_INTERNAL_H

#include <glib.h>
#include <jansson.h>
#include "tag/tag.h"

/* Documents up to this many characters are sent whole; longer ones as
 * heading lines plus start/middle/end windows of about this total. */
#define LLM_PREVIEW_CHARS 15000

/* Tags per tier for n tags: names ~50%, subjects ~30%, actions ~20%. */
typedef struct llm_tiers {
  unsigned int names, subjects, actions;
} llm_tiers;
llm_tiers llm_tiers_for(unsigned int n);

typedef enum llm_lang {
  LLM_LANG_OTHER = 0,
  LLM_LANG_HINDI,
  LLM_LANG_MIXED
} llm_lang;

/* Hindi, mixed or neither, from the detected language ("hin", "hin+eng",
 * "hi", "mixed"...) or, when that is unset, from the text's scripts. */
llm_lang llm_language(const char *language, const char *text);

/* What the model sees of `text`: all of it when it has at most `max_chars`
 * characters, else heading lines plus start, middle and end windows, cut at
 * character (and, when close, word) boundaries. Valid UTF-8 even when the
 * input is not. Newly allocated (g_free). */
char *llm_preview(const char *text, size_t max_chars);

/* The system prompt. Static. */
const char *llm_system_prompt(void);
/* The first user message asking for `ask` tags. Newly allocated. */
char *llm_user_prompt(const tag_request *req, unsigned int ask);
/* The follow-up asking for `ask` more tags than the `n` already generated. */
char *llm_followup_prompt(const tag_request *req, char *const *already, size_t n,
                          unsigned int ask);
/* The response_format object (strict JSON schema). New reference. */
json_t *llm_response_format(const tag_request *req);

/* The tags in a model's answer: a JSON object {"names","subjects","actions"}
 * (bare, inside prose or a ```json fence), else a comma/semicolon/newline
 * separated list. Ordered so the first `want` follow the tier quotas, then
 * the extras. Never NULL; g_ptr_array_unref() (frees the strings). */
GPtrArray *llm_parse(const char *content, unsigned int want);

#endif
