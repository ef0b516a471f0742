/* Authentication: bearer tokens, and the /api/auth routes. */
#include "server.h"

#include <string.h>

char *srv_bearer_token(struct http_request *req)
{
  const char *h = srv_header(req, "authorization");
  if (!h)
    return NULL;
  while (*h == ' ')
    h++;
  if (g_ascii_strncasecmp(h, "bearer ", 7) != 0)
    return NULL;
  h += 7;
  while (*h == ' ')
    h++;
  char *t = g_strstrip(g_strdup(h));
  if (!*t) {
    g_free(t);
    return NULL;
  }
  return t;
}

void srv_reply_unauthorized(srv_reply *r, const char *detail)
{
  srv_reply_detail(r, 401, "%s", detail);
  srv_reply_header(r, "www-authenticate", "Bearer");
}

char *srv_auth_user(const char *token, srv_reply *reply)
{
  (void)token;
  srv_reply_detail(reply, 501, "Not implemented yet: authentication needs doctag_auth_verify() in libdoctag");
  return NULL;
}
