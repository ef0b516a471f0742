/* Term lists (exclusion words, vocabulary) from text or from a PDF. */
#include "process/process.h"
#include "core/error.h"
#include "tag/rules.h"

#include <glib.h>
#include <string.h>

DOCTAG_API doctag_status doctag_terms_parse(doctag_ctx *ctx, const void *data, size_t len, char ***terms,
                                            size_t *count)
{
  err_clear();
  if (!terms)
    return err_set(DOCTAG_EINVAL, "terms is NULL");
  *terms = NULL;
  if (count)
    *count = 0;
  if (!data && len)
    return err_set(DOCTAG_EINVAL, "data is NULL");
  char **v = NULL;
  if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
    if (!ctx)
      return err_set(DOCTAG_EINVAL, "a PDF term list needs a context");
    doctag_result *r = NULL;
    doctag_status st = doctag_extract_buffer(ctx, &r, data, len, NULL);
    if (st)
      return err_wrap(st, "term list PDF");
    v = rules_parse_terms(r->text->str, r->text->len);
    doctag_result_free(r);
  } else {
    if (len && !g_utf8_validate(data, (gssize)len, NULL))
      return err_set(DOCTAG_EINVAL, "term list is neither UTF-8 text nor a PDF");
    v = rules_parse_terms(data ? data : "", len);
  }
  *terms = v;
  if (count)
    *count = g_strv_length(v);
  return DOCTAG_OK;
}

DOCTAG_API void doctag_strv_free(char **v)
{
  g_strfreev(v);
}

DOCTAG_API doctag_status doctag_terms_from_buffer(doctag_ctx *ctx, char ***terms, size_t *count,
                                                  const void *data, size_t len)
{
  return doctag_terms_parse(ctx, data, len, terms, count);
}
