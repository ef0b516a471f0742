/* The thread-local last error. */
#include "core/error.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR_MAX 1024

static _Thread_local char err_msg[ERR_MAX];
static _Thread_local char err_field[256];
static _Thread_local char err_reason[32];
static _Thread_local doctag_error err_last = { DOCTAG_OK, "", "", "" };
static _Thread_local unsigned int err_retry_after;

DOCTAG_API const doctag_error *doctag_error_last(void)
{
  err_last.message = err_msg;
  err_last.field = err_field;
  err_last.reason = err_reason;
  return &err_last;
}

/* Cuts at a UTF-8 boundary so a long message stays valid text. */
static void trim_utf8(char *s)
{
  const char *end = NULL;
  if (!g_utf8_validate(s, -1, &end))
    s[end - s] = '\0';
}

void err_clear(void)
{
  err_last.code = DOCTAG_OK;
  err_msg[0] = err_field[0] = err_reason[0] = '\0';
  err_retry_after = 0;
}

doctag_status err_set_rate(unsigned int retry_after, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err_msg, sizeof err_msg, fmt, ap);
  va_end(ap);
  trim_utf8(err_msg);
  err_field[0] = err_reason[0] = '\0';
  err_last.code = DOCTAG_ERATE;
  err_retry_after = retry_after;
  return DOCTAG_ERATE;
}

DOCTAG_API unsigned int doctag_error_retry_after(void)
{
  return err_last.code == DOCTAG_ERATE ? err_retry_after : 0;
}

doctag_status err_set(doctag_status code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err_msg, sizeof err_msg, fmt, ap);
  va_end(ap);
  trim_utf8(err_msg);
  err_field[0] = err_reason[0] = '\0';
  err_last.code = code;
  return code;
}

doctag_status err_set_field(doctag_status code, const char *field, const char *reason, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (field && *field)
    g_snprintf(err_msg, sizeof err_msg, "%s: %s", field, why);
  else
    g_strlcpy(err_msg, why, sizeof err_msg);
  g_free(why);
  trim_utf8(err_msg);
  g_strlcpy(err_field, field ? field : "", sizeof err_field);
  trim_utf8(err_field);
  g_strlcpy(err_reason, reason ? reason : "", sizeof err_reason);
  err_last.code = code;
  return code;
}

doctag_status err_wrap(doctag_status code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *prefix = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *joined = g_strconcat(prefix, ": ", err_msg, NULL);
  g_strlcpy(err_msg, joined, sizeof err_msg); /* long messages are cut, on purpose */
  g_free(prefix);
  g_free(joined);
  trim_utf8(err_msg);
  /* The message no longer reads "<field>: <why>". */
  err_field[0] = err_reason[0] = '\0';
  err_last.code = code;
  return code;
}

doctag_status err_nomem(void)
{
  return err_set(DOCTAG_ENOMEM, "out of memory");
}

DOCTAG_API const char *doctag_status_name(doctag_status code)
{
  switch (code) {
  case DOCTAG_OK: return "OK";
  case DOCTAG_EINVAL: return "EINVAL";
  case DOCTAG_ENOMEM: return "ENOMEM";
  case DOCTAG_EIO: return "EIO";
  case DOCTAG_ENOTFOUND: return "ENOTFOUND";
  case DOCTAG_EPDF: return "EPDF";
  case DOCTAG_EENCRYPTED: return "EENCRYPTED";
  case DOCTAG_ELIMIT: return "ELIMIT";
  case DOCTAG_ETIMEOUT: return "ETIMEOUT";
  case DOCTAG_EOCR: return "EOCR";
  case DOCTAG_EFETCH: return "EFETCH";
  case DOCTAG_EURL: return "EURL";
  case DOCTAG_ELLM: return "ELLM";
  case DOCTAG_EAUTH: return "EAUTH";
  case DOCTAG_EPERM: return "EPERM";
  case DOCTAG_ESTORE: return "ESTORE";
  case DOCTAG_ECONFLICT: return "ECONFLICT";
  case DOCTAG_ECANCELLED: return "ECANCELLED";
  case DOCTAG_ENOTEXT: return "ENOTEXT";
  case DOCTAG_EEXISTS: return "EEXISTS";
  case DOCTAG_EUNAVAILABLE: return "EUNAVAILABLE";
  case DOCTAG_EINTERNAL: return "EINTERNAL";
  case DOCTAG_ERATE: return "ERATE";
  }
  return "EUNKNOWN";
}

DOCTAG_API void doctag_free(void *ptr)
{
  g_free(ptr);
}

DOCTAG_API const char *doctag_version(void)
{
  return DOCTAG_VERSION_STRING;
}
