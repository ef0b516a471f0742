/* The context: configuration from explicit fields, then DOCTAG_* environment,
 * then defaults; immutable once made. */
#include "core/ctx.h"
#include "core/error.h"
#include "core/stats.h"
#include "doctag/jobs.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_MAX_FILE_BYTES (50ull * 1024 * 1024)
#define DEFAULT_MAX_PAGES 2000
#define DEFAULT_TIMEOUT_SEC 300
#define DEFAULT_MAX_TEXT_BYTES (1024u * 1024u)
#define DEFAULT_LLM_BASE_URL "https://openrouter.ai/api/v1"

struct ctx_attached {
  GMutex lock;
  GHashTable *objects;  /* key -> object */
  GPtrArray *order;     /* of struct attached_entry, creation order */
};

typedef struct attached_entry {
  void *obj;
  void (*destroy)(void *obj);
} attached_entry;

double ctx_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

DOCTAG_API doctag_status doctag_config_init(doctag_config *cfg, unsigned int version)
{
  err_clear();
  if (!cfg)
    return err_set(DOCTAG_EINVAL, "config is NULL");
  if (version == 0 || version > DOCTAG_CONFIG_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_config version %u (this library knows up to %u)",
                   version, DOCTAG_CONFIG_VERSION);
  doctag_config init = DOCTAG_CONFIG_INIT;
  *cfg = init;
  cfg->version = version;
  return DOCTAG_OK;
}

/* The explicit value, else the environment variable (unless ignored), else
 * the default; an empty string counts as unset. Newly allocated or NULL. */
static char *pick(const char *explicit_value, const char *env, bool ignore_env, const char *def)
{
  if (explicit_value && *explicit_value)
    return g_strdup(explicit_value);
  if (!ignore_env && env) {
    const char *v = getenv(env);
    if (v && *v)
      return g_strdup(v);
  }
  return def ? g_strdup(def) : NULL;
}

/* An integer from min (at least 1) to max from the environment; 0 when unset. */
static doctag_status env_range(const char *env, bool ignore_env, uint64_t min, uint64_t max, uint64_t *out)
{
  *out = 0;
  if (ignore_env)
    return DOCTAG_OK;
  const char *v = getenv(env);
  if (!v || !*v)
    return DOCTAG_OK;
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || *end || n < min || n > max || v[0] == '-')
    return err_set(DOCTAG_EINVAL, "%s=%s: expected a whole number from %llu to %llu", env, v,
                   (unsigned long long)min, (unsigned long long)max);
  *out = n;
  return DOCTAG_OK;
}

/* A positive integer from the environment; 0 when unset. */
static doctag_status env_uint(const char *env, bool ignore_env, uint64_t max, uint64_t *out)
{
  return env_range(env, ignore_env, 1, max, out);
}

static char *default_data_dir(void)
{
  return g_build_filename(g_get_user_data_dir(), "doctag", NULL);
}

static doctag_status check_url(const char *what, const char *url, const char *const *schemes)
{
  if (!url)
    return DOCTAG_OK;
  for (const char *const *s = schemes; *s; s++)
    if (g_str_has_prefix(url, *s))
      return DOCTAG_OK;
  return err_set(DOCTAG_EINVAL, "%s must start with %s%s%s (got \"%.40s\")", what, schemes[0],
                 schemes[1] ? " or " : "", schemes[1] ? schemes[1] : "", url);
}

DOCTAG_API doctag_status doctag_ctx_new(doctag_ctx **out, const doctag_config *cfg)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  doctag_config defaults = DOCTAG_CONFIG_INIT;
  if (!cfg)
    cfg = &defaults;
  if (cfg->version == 0 || cfg->version > DOCTAG_CONFIG_VERSION)
    return err_set(DOCTAG_EINVAL, "unsupported doctag_config version %u", cfg->version);
  bool noenv = cfg->ignore_environment;
  /* The counters (DOCTAG_STATS_FILE) are mapped now: before a server forks
   * its workers and turns their sandbox on. */
  stats_get();

  doctag_ctx *c = g_new0(doctag_ctx, 1);
  char *ddir = default_data_dir();
  c->data_dir = pick(cfg->data_dir, "DOCTAG_DATA_DIR", noenv, ddir);
  g_free(ddir);
  char *dburl = g_strconcat("sqlite://", c->data_dir, "/doctag.db", NULL);
  c->database_url = pick(cfg->database_url, "DOCTAG_DATABASE_URL", noenv, dburl);
  g_free(dburl);
  c->redis_url = pick(cfg->redis_url, "DOCTAG_REDIS_URL", noenv, NULL);
  c->allowed_roots = pick(cfg->allowed_roots, "DOCTAG_ALLOWED_ROOTS", noenv, NULL);
  c->llm_base_url = pick(cfg->llm_base_url, "DOCTAG_LLM_BASE_URL", noenv, DEFAULT_LLM_BASE_URL);
  c->llm_api_key = pick(cfg->llm_api_key, "OPENROUTER_API_KEY", noenv, NULL);
  c->jwt_secret = pick(cfg->jwt_secret, "DOCTAG_JWT_SECRET", noenv, NULL);
  c->secret_key = pick(NULL, "DOCTAG_SECRET_KEY", noenv, NULL);
  c->blob_url = pick(cfg->blob_url, "DOCTAG_BLOB_URL", noenv, NULL);
  c->s3_endpoint = pick(cfg->s3_endpoint, "DOCTAG_S3_ENDPOINT", noenv, NULL);
  /* A trailing slash on the LLM base URL would double in ".../chat/completions". */
  size_t bl = strlen(c->llm_base_url);
  while (bl > 0 && c->llm_base_url[bl - 1] == '/')
    c->llm_base_url[--bl] = '\0';

  doctag_status st = DOCTAG_OK;
  static const char *const db_schemes[] = { "sqlite://", "postgresql://", "postgres://", NULL };
  static const char *const redis_schemes[] = { "redis://", "rediss://", NULL };
  static const char *const http_schemes[] = { "http://", "https://", NULL };
  static const char *const s3_schemes[] = { "s3://", "file://", NULL };
  if ((st = check_url("DOCTAG_DATABASE_URL", c->database_url, db_schemes)) ||
      (st = check_url("DOCTAG_REDIS_URL", c->redis_url, redis_schemes)) ||
      (st = check_url("DOCTAG_LLM_BASE_URL", c->llm_base_url, http_schemes)) ||
      (st = check_url("DOCTAG_S3_ENDPOINT", c->s3_endpoint, http_schemes)) ||
      (st = check_url("DOCTAG_BLOB_URL", c->blob_url, s3_schemes)))
    goto fail;

  if (cfg->allow_private_urls == 1)
    c->allow_private_urls = true;
  else if (cfg->allow_private_urls != 2 && !noenv) {
    const char *v = getenv("DOCTAG_ALLOW_PRIVATE_URLS");
    c->allow_private_urls = v && (!strcmp(v, "1") || !g_ascii_strcasecmp(v, "true") ||
                                  !g_ascii_strcasecmp(v, "yes"));
  }

  /* At least 256 bits' worth of text, as for the JWT secret. */
  if (c->secret_key && *c->secret_key && strlen(c->secret_key) < 32) {
    st = err_set(DOCTAG_EINVAL, "DOCTAG_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    goto fail;
  }

  uint64_t n;
  if ((st = env_uint("DOCTAG_MAX_FILE_MB", noenv, 1u << 20, &n)))
    goto fail;
  c->max_file_bytes = cfg->max_file_bytes ? cfg->max_file_bytes
                      : n ? n * 1024 * 1024 : DEFAULT_MAX_FILE_BYTES;
  if ((st = env_uint("DOCTAG_MAX_PAGES", noenv, 1000000, &n)))
    goto fail;
  c->max_pages = cfg->max_pages ? cfg->max_pages : n ? (unsigned)n : DEFAULT_MAX_PAGES;
  if ((st = env_uint("DOCTAG_TIMEOUT_SEC", noenv, 86400, &n)))
    goto fail;
  c->timeout_sec = cfg->timeout_sec ? cfg->timeout_sec : n ? (unsigned)n : DEFAULT_TIMEOUT_SEC;
  if ((st = env_uint("DOCTAG_MAX_TEXT_KB", noenv, 1u << 22, &n)))
    goto fail;
  c->max_text_bytes = cfg->max_text_bytes ? cfg->max_text_bytes : n ? n * 1024 : DEFAULT_MAX_TEXT_BYTES;
  /* PDF bombs: defaults far above real documents (a 600 DPI colour A4
   * scan is 35 million pixels, about 105 MB raw), far below the attacks. */
  if ((st = env_uint("DOCTAG_MAX_STREAM_MB", noenv, 1u << 20, &n)))
    goto fail;
  c->max_stream_bytes = (n ? n : 256) * 1024 * 1024;
  if ((st = env_uint("DOCTAG_MAX_INFLATE_MB", noenv, 1u << 22, &n)))
    goto fail;
  c->max_inflate_bytes = (n ? n : 1024) * 1024 * 1024;
  if ((st = env_uint("DOCTAG_MAX_IMAGE_MPX", noenv, 1u << 20, &n)))
    goto fail;
  c->max_image_pixels = (n ? n : 100) * 1000 * 1000;
  /* Images and forms one page draws, nested forms' drawing included. */
  if ((st = env_uint("DOCTAG_MAX_PAGE_DRAWS", noenv, 1u << 30, &n)))
    goto fail;
  c->max_page_draws = n ? n : 100000;
  /* Image pixels drawing one page decodes, each image as often as it is
   * drawn (an image drawn 1000 times is decoded 1000 times): by default
   * ten of the largest image allowed. */
  if ((st = env_uint("DOCTAG_MAX_PAGE_IMAGE_MPX", noenv, 1u << 30, &n)))
    goto fail;
  c->max_page_image_pixels = n ? n * 1000 * 1000 : 10 * c->max_image_pixels;
  /* Times over rendering one page may composite its area (a tiny image
   * stretched over the page, or a page-sized fill, drawn thousands of
   * times): real pages reach 25. */
  if ((st = env_uint("DOCTAG_MAX_PAGE_COVERAGE", noenv, 1u << 30, &n)))
    goto fail;
  c->max_page_coverage = n ? n : 1000;
  /* Graphics states one page keeps saved (q) inside each other, its forms'
   * too: poppler keeps each, about 1 kB (a 2.4 kB PDF saving a million
   * took pdftotext 947 MB); real pages keep 18 at most. */
  if ((st = env_uint("DOCTAG_MAX_SAVED_STATES", noenv, 1u << 20, &n)))
    goto fail;
  c->max_saved_states = n ? n : 65536;
  /* Distinct XObject and graphics state names one content stream draws
   * (Do) and sets (gs): each is a table entry of the page's costing, about
   * 120 bytes, held for every form nested in it; real pages reach 316. */
  if ((st = env_uint("DOCTAG_MAX_DRAWN_NAMES", noenv, 1u << 24, &n)))
    goto fail;
  c->max_drawn_names = n ? n : 16384;
  /* A page read by OCR at 300 DPI needs about 220 MB with its OCR engines
   * (a scan at 600 DPI about 540 MB): the default lets several run at once. */
  if ((st = env_uint("DOCTAG_MAX_DOC_MEMORY_MB", noenv, 1u << 20, &n)))
    goto fail;
  c->max_doc_memory = (n ? n : 1024) * 1024 * 1024;
  /* A head holds 100 to 200 rows: the default bounds an owner to 200,000. */
  if ((st = env_uint("DOCTAG_SEARCH_HEADS_MAX", noenv, 1u << 20, &n)))
    goto fail;
  c->max_search_heads = n ? n : 1000;
  /* A dead server's places come back within a lease; its renewals (a third
   * of a lease apart) need a round trip to the queue, hence 3 s at least. */
  if ((st = env_range("DOCTAG_DOC_SLOT_LEASE_SEC", noenv, 3, 3600, &n)))
    goto fail;
  c->doc_slot_lease_ms = (unsigned int)(n ? n : DOCTAG_DOC_SLOT_LEASE_SEC) * 1000u;
  if ((st = env_uint("DOCTAG_THREADS", noenv, 256, &n)))
    goto fail;
  c->threads = cfg->threads ? cfg->threads : (unsigned)n; /* 0: extract_run() chooses by pages and cores */

  if (g_mkdir_with_parents(c->data_dir, 0700) != 0) {
    st = err_set(DOCTAG_EIO, "cannot create data directory %s: %s", c->data_dir, g_strerror(errno));
    goto fail;
  }
  /* The directory holds password and token hashes and extracted text: only
   * its owner may enter it, whatever the umask or an older version left. */
  struct stat sb;
  if (stat(c->data_dir, &sb) == 0 && (sb.st_mode & 077)) {
    if (chmod(c->data_dir, 0700) == 0)
      g_message("doctag: data directory %s was mode %04o; tightened to 0700", c->data_dir,
                (unsigned)(sb.st_mode & 07777));
    else
      g_warning("doctag: data directory %s is mode %04o and cannot be tightened: %s", c->data_dir,
                (unsigned)(sb.st_mode & 07777), g_strerror(errno));
  }
  /* Tesseract must not start an OpenMP team per engine: our threads give the
   * parallelism (set before any engine exists; a caller's value wins). */
  setenv("OMP_THREAD_LIMIT", "1", 0);

  c->attached = g_new0(struct ctx_attached, 1);
  g_mutex_init(&c->attached->lock);
  c->attached->objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  c->attached->order = g_ptr_array_new_with_free_func(g_free);
  *out = c;
  return DOCTAG_OK;

fail:
  doctag_ctx_free(c);
  return st;
}

void *ctx_attach(doctag_ctx *ctx, const char *key, void *(*create)(doctag_ctx *ctx),
                 void (*destroy)(void *obj))
{
  struct ctx_attached *a = ctx->attached;
  g_mutex_lock(&a->lock);
  void *obj = g_hash_table_lookup(a->objects, key);
  if (!obj && create) {
    obj = create(ctx);
    if (obj) {
      g_hash_table_insert(a->objects, g_strdup(key), obj);
      attached_entry *e = g_new(attached_entry, 1);
      e->obj = obj;
      e->destroy = destroy;
      g_ptr_array_add(a->order, e);
    }
  }
  g_mutex_unlock(&a->lock);
  return obj;
}

static void secret_free(char *s)
{
  if (s) {
    explicit_bzero(s, strlen(s));
    g_free(s);
  }
}

DOCTAG_API void doctag_ctx_free(doctag_ctx *ctx)
{
  if (!ctx)
    return;
  if (ctx->attached) {
    GPtrArray *order = ctx->attached->order;
    for (guint i = order->len; i-- > 0;) {
      attached_entry *e = g_ptr_array_index(order, i);
      if (e->destroy)
        e->destroy(e->obj);
    }
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(ctx->attached->objects);
    g_mutex_clear(&ctx->attached->lock);
    g_free(ctx->attached);
  }
  g_free(ctx->data_dir);
  g_free(ctx->database_url);
  g_free(ctx->redis_url);
  g_free(ctx->allowed_roots);
  g_free(ctx->llm_base_url);
  secret_free(ctx->llm_api_key);
  secret_free(ctx->jwt_secret);
  secret_free(ctx->secret_key);
  g_free(ctx->blob_url);
  g_free(ctx->s3_endpoint);
  g_free(ctx);
}

DOCTAG_API const char *doctag_ctx_data_dir(const doctag_ctx *ctx)
{
  return ctx ? ctx->data_dir : NULL;
}
