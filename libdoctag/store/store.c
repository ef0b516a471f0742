/* The store: choosing a backend from the URL, the connection pool, the
 * migration runner and the small helpers shared by auth and history. */
#include "store/store.h"
#include "core/embedded.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

/* Every backend; the first that accepts the URL wins. */
static const store_ops *const backends[] = { &store_sqlite_ops, &store_postgres_ops };

const char *store_cell(const store_rows *r, unsigned int row, unsigned int col)
{
  if (!r || row >= r->nrows || col >= r->ncols)
    return NULL;
  return r->cell[(size_t)row * r->ncols + col];
}

int64_t store_cell_int(const store_rows *r, unsigned int row, unsigned int col)
{
  const char *s = store_cell(r, row, col);
  return s ? g_ascii_strtoll(s, NULL, 10) : 0;
}

bool store_cell_bool(const store_rows *r, unsigned int row, unsigned int col)
{
  const char *s = store_cell(r, row, col);
  return s && (s[0] == 't' || s[0] == 'T' || (s[0] >= '1' && s[0] <= '9'));
}

void store_rows_clear(store_rows *r)
{
  if (!r)
    return;
  for (size_t i = 0; r->cell && i < (size_t)r->nrows * r->ncols; i++)
    g_free(r->cell[i]);
  g_free(r->cell);
  memset(r, 0, sizeof *r);
}

static const store_ops *backend_for(const char *url)
{
  for (size_t i = 0; i < G_N_ELEMENTS(backends); i++)
    if (backends[i]->accepts(url))
      return backends[i];
  return NULL;
}

/* The URL without its password, for messages. */
static char *url_for_message(const char *url)
{
  if (!url || !*url)
    return g_strdup("sqlite (default)");
  const char *scheme_end = strstr(url, "://");
  const char *at = scheme_end ? strchr(scheme_end + 3, '@') : NULL;
  if (!at)
    return g_strdup(url);
  return g_strdup_printf("%.*s***%s", (int)(scheme_end + 3 - url), url, at);
}

doctag_status store_open(const char *url, const char *data_dir, struct store **out)
{
  *out = NULL;
  const store_ops *ops = backend_for(url);
  if (!ops) {
    char *shown = url_for_message(url);
    doctag_status st = err_set(DOCTAG_EINVAL,
                               "database URL %s: expected sqlite:///path or postgresql://...", shown);
    g_free(shown);
    return st;
  }
  struct store *s = g_new0(struct store, 1);
  s->ops = ops;
  s->url = g_strdup(url);
  g_mutex_init(&s->lock);
  s->idle = g_ptr_array_new();
  doctag_status st = ops->open(s, url, data_dir);
  if (st == DOCTAG_OK)
    st = store_migrate(s, NULL);
  if (st != DOCTAG_OK) {
    store_close(s);
    return st;
  }
  *out = s;
  return DOCTAG_OK;
}

void store_close(struct store *s)
{
  if (!s)
    return;
  for (guint i = 0; i < s->idle->len; i++)
    s->ops->disconnect(g_ptr_array_index(s->idle, i));
  g_ptr_array_free(s->idle, TRUE);
  if (s->impl)
    s->ops->close(s);
  g_mutex_clear(&s->lock);
  g_free(s->url);
  g_free(s);
}

static void *store_create(doctag_ctx *ctx)
{
  struct store *s = NULL;
  store_open(ctx->database_url, ctx->data_dir, &s);
  return s;
}

static void store_destroy(void *s)
{
  store_close(s);
}

doctag_status store_get(doctag_ctx *ctx, struct store **out)
{
  *out = ctx_attach(ctx, "store", store_create, store_destroy);
  if (*out)
    return DOCTAG_OK;
  doctag_status st = doctag_error_last()->code;
  return st != DOCTAG_OK ? st : err_set(DOCTAG_EINTERNAL, "the store could not be opened");
}

doctag_status store_acquire(struct store *s, store_conn **out)
{
  g_mutex_lock(&s->lock);
  store_conn *c = s->idle->len ? g_ptr_array_steal_index(s->idle, s->idle->len - 1) : NULL;
  g_mutex_unlock(&s->lock);
  if (c) {
    *out = c;
    return DOCTAG_OK;
  }
  return s->ops->connect(s, out);
}

/* More idle connections than this are closed on release. */
#define STORE_MAX_IDLE 16

void store_release(struct store *s, store_conn *c)
{
  if (!c)
    return;
  g_mutex_lock(&s->lock);
  bool keep = s->idle->len < STORE_MAX_IDLE;
  if (keep)
    g_ptr_array_add(s->idle, c);
  g_mutex_unlock(&s->lock);
  if (!keep)
    s->ops->disconnect(c);
}

doctag_status store_exec(store_conn *c, store_stmt st, const store_param *p, unsigned int n, store_rows *out)
{
  if (out)
    memset(out, 0, sizeof *out);
  return c->ops->exec(c, st, p, n, out);
}

doctag_status store_exec_sql(store_conn *c, const char *sql, const store_param *p, unsigned int n, store_rows *out)
{
  if (out)
    memset(out, 0, sizeof *out);
  return c->ops->exec_sql(c, sql, p, n, out);
}

doctag_status store_query(struct store *s, store_stmt st, const store_param *p, unsigned int n, store_rows *out)
{
  if (out)
    memset(out, 0, sizeof *out);   /* callers clear it even when no connection could be had */
  store_conn *c;
  doctag_status rc = store_acquire(s, &c);
  if (rc != DOCTAG_OK)
    return rc;
  rc = store_exec(c, st, p, n, out);
  store_release(s, c);
  return rc;
}

doctag_status store_tx_begin(store_conn *c)
{
  return store_exec(c, ST_BEGIN, NULL, 0, NULL);
}

doctag_status store_tx_begin_read(store_conn *c)
{
  return store_exec(c, ST_BEGIN_READ, NULL, 0, NULL);
}

doctag_status store_tx_end(store_conn *c, doctag_status st)
{
  if (st == DOCTAG_OK)
    return store_exec(c, ST_COMMIT, NULL, 0, NULL);
  /* Keep the first error for the caller; the rollback's own is secondary. */
  doctag_error saved = *doctag_error_last();
  char *msg = g_strdup(saved.message);
  store_exec(c, ST_ROLLBACK, NULL, 0, NULL);
  err_set(st, "%s", msg);
  g_free(msg);
  return st;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
  const embedded_file *x = *(const embedded_file *const *)a, *y = *(const embedded_file *const *)b;
  return strcmp(x->name, y->name);
}

doctag_status store_migrate(struct store *s, unsigned int *applied)
{
  if (applied)
    *applied = 0;
  /* The migrations of this backend, by name: "NNNN_what.sql". */
  GPtrArray *files = g_ptr_array_new();
  size_t plen = strlen(s->ops->migrations);
  for (const embedded_file *f = embedded_files; f->name; f++)
    if (!strncmp(f->name, s->ops->migrations, plen) && g_str_has_suffix(f->name, ".sql"))
      g_ptr_array_add(files, (gpointer)f);
  g_ptr_array_sort(files, by_name);

  store_conn *c;
  doctag_status st = store_acquire(s, &c);
  if (st != DOCTAG_OK) {
    g_ptr_array_free(files, TRUE);
    return st;
  }
  store_rows rows;
  GHashTable *done = g_hash_table_new(g_direct_hash, g_direct_equal);
  st = store_tx_begin(c);
  if (st != DOCTAG_OK)
    goto out;
  st = store_exec(c, ST_MIG_LOCK, NULL, 0, NULL);
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_MIG_TABLE, NULL, 0, NULL);
  if (st == DOCTAG_OK)
    st = store_exec(c, ST_MIG_LIST, NULL, 0, &rows);
  if (st == DOCTAG_OK) {
    for (unsigned int i = 0; i < rows.nrows; i++)
      g_hash_table_add(done, GINT_TO_POINTER((int)store_cell_int(&rows, i, 0)));
    store_rows_clear(&rows);
  }
  for (guint i = 0; st == DOCTAG_OK && i < files->len; i++) {
    const embedded_file *f = g_ptr_array_index(files, i);
    const char *base = f->name + plen;
    int version = atoi(base);
    if (version <= 0) {
      st = err_set(DOCTAG_EINTERNAL, "migration %s: name must start with its number", f->name);
      break;
    }
    if (g_hash_table_contains(done, GINT_TO_POINTER(version)))
      continue;
    /* On an upgrade (the database had migrations already) say what runs and how long it
     * took: some rebuild the full-text index, minutes for a large archive, and a server
     * that answers nothing meanwhile should say why. A new database stays quiet. */
    bool upgrade = g_hash_table_size(done) > 0;
    gint64 t0 = g_get_monotonic_time();
    if (upgrade)
      g_message("doctag: upgrading the database: migration %s", base);
    st = s->ops->script(c, (const char *)f->data);
    if (st != DOCTAG_OK) {
      err_wrap(st, "migration %s", base);
      break;
    }
    if (upgrade)
      g_message("doctag: migration %s done in %.1f s", base, (double)(g_get_monotonic_time() - t0) / 1e6);
    store_param p[] = { SP_I(version), SP_T(base), SP_I(store_now_us()) };
    st = store_exec(c, ST_MIG_INSERT, p, 3, NULL);
    if (st == DOCTAG_OK && applied)
      (*applied)++;
  }
  st = store_tx_end(c, st);
out:
  store_release(s, c);
  g_hash_table_destroy(done);
  g_ptr_array_free(files, TRUE);
  if (st != DOCTAG_OK && applied)
    *applied = 0;
  return st;
}

doctag_status store_ping(doctag_ctx *ctx, double *ms)
{
  if (ms)
    *ms = 0;
  gint64 t0 = g_get_monotonic_time();
  struct store *s;
  doctag_status st = store_get(ctx, &s);
  store_rows r;
  if (st == DOCTAG_OK)
    st = store_query(s, ST_PING, NULL, 0, &r);
  if (st == DOCTAG_OK) {
    bool one = store_cell_int(&r, 0, 0) == 1;
    store_rows_clear(&r);
    if (!one)
      st = err_set(DOCTAG_ESTORE, "%s: SELECT 1 did not answer 1", s->ops->name);
  }
  if (ms)
    *ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
  return st;
}

char *store_uuid_new(void)
{
  uuid_t u;
  char buf[37];
  uuid_generate_random(u);
  uuid_unparse_lower(u, buf);
  return g_strdup(buf);
}

bool store_uuid_valid(const char *s)
{
  uuid_t u;
  return s && strlen(s) == 36 && uuid_parse(s, u) == 0;
}

int64_t store_now_us(void)
{
  return g_get_real_time();
}

char *store_time_iso(int64_t us)
{
  int64_t sec = us / G_USEC_PER_SEC, frac = us % G_USEC_PER_SEC;
  if (frac < 0) {
    frac += G_USEC_PER_SEC;
    sec--;
  }
  GDateTime *t = g_date_time_new_from_unix_utc(sec);
  if (!t)
    return g_strdup("");
  char *base = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
  char *iso = g_strdup_printf("%s.%06" G_GINT64_FORMAT "Z", base, frac);
  g_free(base);
  g_date_time_unref(t);
  return iso;
}
