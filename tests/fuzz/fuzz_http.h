/* Shared by the server-side fuzz targets: the reply functions of
 * server/respond.c, which need kore, as plain data (the targets compile
 * server/multipart.c and server/json.c as they are). */
#ifndef DOCTAG_FUZZ_HTTP_H
#define DOCTAG_FUZZ_HTTP_H

#include "server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* assert() that NDEBUG builds keep. */
#define CHECK(x) \
  do { \
    if (!(x)) { \
      fprintf(stderr, "check failed: %s (%s:%d)\n", #x, __FILE__, __LINE__); \
      abort(); \
    } \
  } while (0)

void srv_reply_clear(srv_reply *r)
{
  g_free(r->body);
  if (r->headers)
    g_ptr_array_free(r->headers, TRUE);
  memset(r, 0, sizeof *r);
}

void srv_reply_json(srv_reply *r, int status, json_t *json)
{
  char *text = json_dumps(json, JSON_COMPACT);
  json_decref(json);
  g_free(r->body);
  r->body = g_strdup(text ? text : "null");
  r->len = strlen(r->body);
  free(text);
  r->status = status;
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

#endif
