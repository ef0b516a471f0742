/* The web app (/app/), the API reference (/api/docs) and the OpenAPI
 * document (/api/openapi.json): static files under DOCTAG_WEB_DIR (the
 * launcher finds build/web or share/doctag/web).
 *
 * The files are read once, in the parent before the workers fork (no file
 * access in the sandbox, no disk read on the event loop), with a gzip copy
 * for compressible types and an ETag each. A path is answered only when it
 * is one of the files read: nothing from the URL ever reaches open(). */
#include "server.h"

#include <string.h>
#include <zlib.h>

#define WEB_FILE_MAX (16u * 1024 * 1024)

typedef struct web_file {
  char *data;
  size_t len;
  char *gz;             /* gzip of data, or NULL when it does not pay */
  size_t gz_len;
  const char *type;
  char etag[24];
  bool html;
} web_file;

/* URL path -> web_file; built in the parent, read-only in the workers. */
static GHashTable *web_files;

/* Where each folder of the web directory is served. */
static const struct {
  const char *dir;
  const char *url;
} mounts[] = {
  { "app", "/app/" },
  { "docs", "/api/docs/" },
  { "vendor", "/api/docs/vendor/" },
};

/* The app and the docs page load only their own files; the app talks to its
 * own origin (HTTP and WebSocket) and shows PDFs it fetched as blobs. */
static const char app_csp[] =
  "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src blob:; "
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/* Swagger UI sets style attributes and shows data: images. */
static const char docs_csp[] =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

static const char *content_type(const char *name)
{
  static const struct {
    const char *ext, *type;
  } types[] = {
    { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json" }, { ".svg", "image/svg+xml" }, { ".png", "image/png" },
    { ".ico", "image/x-icon" }, { ".txt", "text/plain; charset=utf-8" }, { ".csv", "text/csv; charset=utf-8" },
    { ".webmanifest", "application/manifest+json" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
    if (g_str_has_suffix(name, types[i].ext))
      return types[i].type;
  return NULL;
}

/* A gzip member of data, kept only when it saves a tenth or more. */
static char *gzip_copy(const char *data, size_t len, size_t *out_len)
{
  z_stream z = { 0 };
  if (len < 1024 || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  uLong cap = deflateBound(&z, (uLong)len);
  char *out = g_malloc(cap);
  z.next_in = (Bytef *)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  size_t n = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END || n > len - len / 10) {
    g_free(out);
    return NULL;
  }
  *out_len = n;
  return out;
}

static void web_file_free(void *p)
{
  web_file *f = p;
  g_free(f->data);
  g_free(f->gz);
  g_free(f);
}

static void add_file(const char *url, const char *path)
{
  const char *type = content_type(path);
  char *data = NULL;
  gsize len = 0;
  if (!type || !g_file_get_contents(path, &data, &len, NULL))
    return;
  if (len > WEB_FILE_MAX) {
    g_free(data);
    return;
  }
  web_file *f = g_new0(web_file, 1);
  f->data = data;
  f->len = len;
  f->type = type;
  f->html = g_str_has_prefix(type, "text/html");
  if (!g_str_has_prefix(type, "image/png"))
    f->gz = gzip_copy(data, len, &f->gz_len);
  char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
  g_snprintf(f->etag, sizeof f->etag, "\"%.20s\"", sum);
  g_free(sum);
  g_hash_table_replace(web_files, g_strdup(url), f);
}

/* Adds every regular file below dir (no dot files) under the URL prefix. */
static void add_tree(const char *dir, const char *url, int depth)
{
  GDir *d = depth < 8 ? g_dir_open(dir, 0, NULL) : NULL;
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    if (name[0] == '.')
      continue;
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      char *sub = g_strconcat(url, name, "/", NULL);
      add_tree(path, sub, depth + 1);
      g_free(sub);
    } else if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
      char *u = g_strconcat(url, name, NULL);
      add_file(u, path);
      g_free(u);
    }
    g_free(path);
  }
  g_dir_close(d);
}

/* The same file under a second URL (the folder's index page). */
static void alias(const char *url, const char *target)
{
  web_file *f = g_hash_table_lookup(web_files, target);
  if (!f)
    return;
  web_file *copy = g_new0(web_file, 1);
  *copy = *f;
  copy->data = g_memdup2(f->data, f->len);
  copy->gz = f->gz ? g_memdup2(f->gz, f->gz_len) : NULL;
  g_hash_table_replace(web_files, g_strdup(url), copy);
}

void srv_web_load(void)
{
  const char *root = getenv("DOCTAG_WEB_DIR");
  web_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, web_file_free);
  if (!root || !*root) {
    fprintf(stderr, "doctag-server: no web directory (DOCTAG_WEB_DIR): /app/ and /api/docs answer 404\n");
    return;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(mounts); i++) {
    char *dir = g_build_filename(root, mounts[i].dir, NULL);
    add_tree(dir, mounts[i].url, 0);
    g_free(dir);
  }
  char *openapi = g_build_filename(root, "openapi.json", NULL);
  add_file("/api/openapi.json", openapi);
  g_free(openapi);
  alias("/api/docs", "/api/docs/index.html");
  if (!g_hash_table_contains(web_files, "/app/index.html") || !g_hash_table_contains(web_files, "/api/openapi.json"))
    fprintf(stderr, "doctag-server: %s holds no app/index.html or openapi.json\n", root);
}

/* Whether a comma-separated header list (Accept-Encoding, If-None-Match)
 * names `want`, ignoring parameters; q=0 refuses it. */
static bool header_lists(const char *header, const char *want)
{
  if (!header)
    return false;
  bool found = false;
  char **items = g_strsplit(header, ",", -1);
  for (char **i = items; *i && !found; i++) {
    char *item = g_strstrip(*i);
    char *semi = strchr(item, ';');
    if (semi)
      *semi = '\0';
    double q = 1;
    for (char *p = semi ? strstr(semi + 1, "q=") : NULL; p; p = NULL)
      q = g_ascii_strtod(p + 2, NULL);
    if (!g_ascii_strcasecmp(g_strstrip(item), want) || !strcmp(item, "*"))
      found = q > 0;
  }
  g_strfreev(items);
  return found;
}

int api_web_file(struct http_request *req)
{
  if (!srv_begin(req, SRV_GET))
    return KORE_RESULT_OK;
  if (!strcmp(req->path, "/app")) {
    http_response_header(req, "location", "/app/");
    srv_respond(req, 301, NULL, 0);
    return KORE_RESULT_OK;
  }
  const char *path = req->path;
  char *index = g_str_has_suffix(path, "/") ? g_strconcat(path, "index.html", NULL) : NULL;
  web_file *f = web_files ? g_hash_table_lookup(web_files, index ? index : path) : NULL;
  g_free(index);
  if (!f)
    return srv_send_detail(req, 404, "Not Found");
  http_response_header(req, "x-content-type-options", "nosniff");
  http_response_header(req, "cache-control", "no-cache");
  http_response_header(req, "etag", f->etag);
  http_response_header(req, "vary", "Accept-Encoding");
  if (f->html) {
    http_response_header(req, "content-security-policy", g_str_has_prefix(req->path, "/app") ? app_csp : docs_csp);
    http_response_header(req, "referrer-policy", "no-referrer");
  }
  if (header_lists(srv_header(req, "if-none-match"), f->etag)) {
    srv_respond(req, 304, NULL, 0);
    return KORE_RESULT_OK;
  }
  http_response_header(req, "content-type", f->type);
  bool gz = f->gz && header_lists(srv_header(req, "accept-encoding"), "gzip");
  if (gz)
    http_response_header(req, "content-encoding", "gzip");
  /* The bytes live as long as the worker: sent without a copy. */
  srv_request_done(req, 200, gz ? f->gz_len : f->len, NULL, NULL, NULL);
  http_response_stream(req, 200, gz ? f->gz : f->data, gz ? f->gz_len : f->len, NULL, NULL);
  return KORE_RESULT_OK;
}

/* The q-value an Accept header gives `type` ("text/html"): the most specific
 * range that matches it decides; absent, 0. */
static double accept_q(const char *accept, const char *type)
{
  const char *slash = strchr(type, '/');
  double q = 0;
  int best = -1;
  char **items = g_strsplit(accept, ",", -1);
  for (char **i = items; *i; i++) {
    char **parts = g_strsplit(*i, ";", -1);
    char *range = g_strstrip(parts[0]);
    int spec = -1;
    if (!g_ascii_strcasecmp(range, type))
      spec = 2;
    else if (slash && !g_ascii_strncasecmp(range, type, (gsize)(slash - type + 1)) && !strcmp(range + (slash - type + 1), "*"))
      spec = 1;
    else if (!strcmp(range, "*/*"))
      spec = 0;
    if (spec > best) {
      double v = 1;
      for (char **p = parts + 1; *p; p++) {
        char *param = g_strstrip(*p);
        if (!g_ascii_strncasecmp(param, "q=", 2))
          v = g_ascii_strtod(param + 2, NULL);
      }
      best = spec;
      q = v;
    }
    g_strfreev(parts);
  }
  g_strfreev(items);
  return q;
}

bool srv_prefers_html(struct http_request *req)
{
  const char *accept = srv_header(req, "accept");
  return accept && accept_q(accept, "text/html") > accept_q(accept, "application/json");
}
