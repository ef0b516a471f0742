/* The reply as plain data, filled on task threads and sent by respond.c:
 * no kore call here, so the fuzz targets link it as it is. */
#include "server.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void srv_reply_clear(srv_reply *r)
{
  g_free(r->body);
  g_free(r->log_user);
  g_free(r->log_note);
  if (r->headers)
    g_ptr_array_free(r->headers, TRUE);
  memset(r, 0, sizeof *r);
}

void srv_reply_json(srv_reply *r, int status, json_t *json)
{
  char *text = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(10));
  json_decref(json);
  g_free(r->body);
  r->body = g_strdup(text ? text : "null");
  r->len = strlen(r->body);
  free(text);
  r->status = status;
  r->content_type = NULL;
}

void srv_reply_json_text(srv_reply *r, int status, char *json)
{
  g_free(r->body);
  r->body = json;
  r->len = json ? strlen(json) : 0;
  r->status = status;
  r->content_type = NULL;
}

void srv_reply_detail(srv_reply *r, int status, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  srv_reply_json(r, status, json_pack("{s:s}", "detail", msg));
  g_free(msg);
}

void srv_reply_bytes(srv_reply *r, int status, const char *content_type, void *data, size_t len)
{
  g_free(r->body);
  r->body = data;
  r->len = len;
  r->status = status;
  r->content_type = content_type;
}

void srv_reply_header(srv_reply *r, const char *name, const char *value)
{
  if (!r->headers)
    r->headers = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(r->headers, g_strdup(name));
  g_ptr_array_add(r->headers, g_strdup(value));
}
