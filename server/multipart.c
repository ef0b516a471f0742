/* multipart/form-data (RFC 7578) over a body in memory or mapped from the
 * file kore offloaded it to. Parts point into the body: nothing is copied.
 *
 * Kore has its own parser, but it drops empty files and files without a
 * name, keeps only fields declared with validators, and copies field values;
 * the contract needs "Empty PDF file" for an empty upload, so we read the
 * parts ourselves. */
#include "server.h"

#include <string.h>

#define MAX_HEADER_BYTES 8192

static void part_free(gpointer p)
{
  srv_part *part = p;
  g_free(part->name);
  g_free(part->filename);
  g_free(part);
}

/* The value of parameter `key` in a header value such as
 * `form-data; name="a"; filename="b.pdf"` (newly allocated), or NULL. */
static char *header_param(const char *value, const char *key)
{
  size_t klen = strlen(key);
  const char *p = value;
  while ((p = strchr(p, ';')) != NULL) {
    p++;
    while (*p == ' ' || *p == '\t')
      p++;
    if (g_ascii_strncasecmp(p, key, klen) != 0 || p[klen] != '=')
      continue;
    p += klen + 1;
    GString *out = g_string_new(NULL);
    if (*p == '"') {
      for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
          p++;
        g_string_append_c(out, *p);
      }
    } else {
      for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
  }
  return NULL;
}

static char *boundary_of(const char *content_type)
{
  if (!content_type)
    return NULL;
  const char *semi = strchr(content_type, ';');
  size_t tlen = semi ? (size_t)(semi - content_type) : strlen(content_type);
  char *type = g_strstrip(g_strndup(content_type, tlen));
  bool ok = !g_ascii_strcasecmp(type, "multipart/form-data");
  g_free(type);
  if (!ok)
    return NULL;
  char *b = header_param(content_type, "boundary");
  if (b && (!*b || strlen(b) > 200)) {
    g_free(b);
    b = NULL;
  }
  return b;
}

/* Parses the header block of one part. */
static bool part_headers(srv_part *part, const char *h, size_t len)
{
  char *block = g_strndup(h, len);
  char **lines = g_strsplit(block, "\r\n", -1);
  bool disposition = false;
  for (char **l = lines; *l; l++) {
    char *colon = strchr(*l, ':');
    if (!colon)
      continue;
    *colon = '\0';
    if (g_ascii_strcasecmp(g_strstrip(*l), "content-disposition") != 0)
      continue;
    char *value = g_strstrip(colon + 1);
    if (g_ascii_strncasecmp(value, "form-data", 9) != 0)
      continue;
    disposition = true;
    g_free(part->name);
    g_free(part->filename);
    part->name = header_param(value, "name");
    part->filename = header_param(value, "filename");
  }
  g_strfreev(lines);
  g_free(block);
  return disposition && part->name;
}

bool srv_form_parse(srv_form *f, const char *content_type, const unsigned char *data, size_t len,
                    const char **why)
{
  f->parts = g_ptr_array_new_with_free_func(part_free);
  char *boundary = boundary_of(content_type);
  if (!boundary) {
    *why = "the request is not multipart/form-data with a boundary";
    return false;
  }
  /* "--boundary" opens the first part; "\r\n--boundary" ends each part. */
  char *delim = g_strconcat("\r\n--", boundary, NULL);
  size_t dlen = strlen(delim);
  g_free(boundary);
  bool ok = false;
  const unsigned char *end = data + len;
  const unsigned char *p = NULL;
  unsigned int nparts = 0;
  if (len >= dlen - 2 && memcmp(data, delim + 2, dlen - 2) == 0)
    p = data + dlen - 2;
  else if ((p = memmem(data, len, delim, dlen)) != NULL)
    p += dlen;  /* a preamble before the first part */
  if (!p) {
    *why = "the multipart body has no boundary line";
    goto out;
  }
  for (;;) {
    /* After a delimiter: "--" closes the body, CRLF starts a part. */
    if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
      ok = true;
      break;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
      *why = "the multipart body is truncated";
      break;
    }
    p += 2;
    size_t window = MIN((size_t)(end - p), (size_t)MAX_HEADER_BYTES);
    const unsigned char *hend = memmem(p, window, "\r\n\r\n", 4);
    const unsigned char *body = hend ? hend + 4 : NULL;
    if (!hend && window >= 2 && p[0] == '\r' && p[1] == '\n') {
      hend = p;  /* a part with no headers at all */
      body = p + 2;
    }
    if (!hend) {
      *why = "a multipart part has no end of headers";
      break;
    }
    const unsigned char *next = memmem(body, (size_t)(end - body), delim, dlen);
    if (!next) {
      *why = "the multipart body is truncated";
      break;
    }
    /* Every part counts, ignored ones too: each costs a scan. */
    if (++nparts > SRV_FORM_MAX_PARTS) {
      f->too_many_parts = true;
      *why = "Too many form parts";
      break;
    }
    srv_part *part = g_new0(srv_part, 1);
    if (part_headers(part, (const char *)p, (size_t)(hend - p))) {
      part->data = body;
      part->len = (size_t)(next - body);
      g_ptr_array_add(f->parts, part);
    } else {
      part_free(part);  /* no form-data disposition: ignored, as by browsers' servers */
    }
    p = next + dlen;
  }
out:
  g_free(delim);
  return ok;
}

const srv_part *srv_form_get(const srv_form *f, const char *name)
{
  for (guint i = 0; f->parts && i < f->parts->len; i++) {
    srv_part *part = g_ptr_array_index(f->parts, i);
    if (!strcmp(part->name, name))
      return part;
  }
  return NULL;
}

char *srv_form_text(const srv_form *f, const char *name)
{
  const srv_part *part = srv_form_get(f, name);
  if (!part || part->filename)
    return NULL;
  return g_strndup((const char *)part->data, part->len);
}

void srv_form_clear(srv_form *f)
{
  if (f->parts)
    g_ptr_array_free(f->parts, TRUE);
  f->parts = NULL;
}

bool srv_form_refused(const srv_form *f, srv_reply *reply)
{
  if (!f->too_many_parts)
    return false;
  srv_reply_detail(reply, 400, "Too many form parts");
  return true;
}
