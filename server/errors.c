/* The one table mapping library status codes to HTTP statuses and the
 * contract's detail messages. Nothing else in the server picks a status for
 * a library failure. */
#include "server.h"

#include <string.h>

typedef struct error_row {
  doctag_status code;
  int api, upload, url;   /* HTTP status per scope */
  const char *prefix;     /* put before the library's message, or NULL */
} error_row;

static const error_row table[] = {
  /* code                  api  upload url  detail */
  { DOCTAG_EINVAL,         400, 400,   400, NULL },
  { DOCTAG_ENOTFOUND,      404, 404,   404, NULL },
  { DOCTAG_EPDF,           400, 400,   400, "PDF extraction failed: " },
  { DOCTAG_EENCRYPTED,     400, 400,   400, "PDF extraction failed: " },
  { DOCTAG_ENOTEXT,        400, 400,   400, NULL },  /* "Could not extract sufficient text from PDF. ..." */
  { DOCTAG_EURL,           400, 400,   400, "URL not allowed: " },
  { DOCTAG_EFETCH,         400, 400,   400, "Failed to download PDF from URL: " },
  /* A size limit: the upload is too large (413); a download past the cap
   * is a failed download. */
  { DOCTAG_ELIMIT,         413, 413,   400, NULL },
  { DOCTAG_EAUTH,          401, 401,   401, NULL },  /* + WWW-Authenticate: Bearer */
  { DOCTAG_EPERM,          403, 403,   403, NULL },
  { DOCTAG_ECONFLICT,      409, 409,   409, NULL },
  { DOCTAG_EEXISTS,        400, 400,   400, NULL },  /* "Email already registered" */
  { DOCTAG_EUNAVAILABLE,   503, 503,   503, NULL },
  { DOCTAG_ELLM,           500, 500,   500, "Tag generation failed: " },
  { DOCTAG_ETIMEOUT,       504, 504,   504, NULL },
  { DOCTAG_EOCR,           500, 500,   500, "PDF extraction failed: " },
  { DOCTAG_ECANCELLED,     500, 500,   500, NULL },
  { DOCTAG_ESTORE,         500, 500,   500, NULL },
  { DOCTAG_EIO,            500, 500,   500, NULL },
  { DOCTAG_ENOMEM,         500, 500,   500, NULL },
  { DOCTAG_EINTERNAL,      500, 500,   500, NULL },
  { DOCTAG_ERATE,          429, 429,   429, NULL },  /* + Retry-After */
};

static const error_row *row_for(doctag_status code)
{
  for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
    if (table[i].code == code)
      return &table[i];
  return NULL;
}

int srv_http_status(doctag_status code, srv_scope scope)
{
  const error_row *row = row_for(code);
  if (!row)
    return 500;
  switch (scope) {
  case SRV_SCOPE_UPLOAD: return row->upload;
  case SRV_SCOPE_URL: return row->url;
  default: return row->api;
  }
}

void srv_reply_error(srv_reply *r, srv_scope scope)
{
  const doctag_error *e = doctag_error_last();
  const error_row *row = row_for(e->code);
  int status = srv_http_status(e->code, scope);
  const char *msg = e->message[0] ? e->message : doctag_status_name(e->code);
  /* A limit hit while downloading is a failed download. */
  const char *prefix = row ? row->prefix : NULL;
  if (e->code == DOCTAG_ELIMIT && scope == SRV_SCOPE_URL)
    prefix = "Failed to download PDF from URL: ";
  if (prefix && g_str_has_prefix(msg, prefix))
    prefix = NULL;
  srv_reply_detail(r, status, "%s%s", prefix ? prefix : "", msg);
  if (status == 401)
    srv_reply_header(r, "www-authenticate", "Bearer");
  if (e->code == DOCTAG_ERATE) {
    char secs[16];
    g_snprintf(secs, sizeof secs, "%u", MAX(1u, doctag_error_retry_after()));
    srv_reply_header(r, "retry-after", secs);
  }
}

void srv_reply_result(srv_reply *r, const doctag_result *result)
{
  char *json = NULL;
  if (doctag_result_to_json(result, &json) != DOCTAG_OK)
    srv_reply_error(r, SRV_SCOPE_API);
  else
    srv_reply_json_text(r, 200, json);
}
