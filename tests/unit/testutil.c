#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static char *corpus_dir;
static bool corpus_shared;
static json_t *manifest;

static bool has_manifest(const char *dir)
{
  if (!dir || !*dir)
    return false;
  char *m = g_build_filename(dir, "manifest.json", NULL);
  bool ok = g_file_test(m, G_FILE_TEST_IS_REGULAR);
  g_free(m);
  return ok;
}

const char *tu_corpus_dir(void)
{
  if (corpus_dir)
    return corpus_dir;
  const char *shared = getenv("DOCTAG_SHARED_CORPUS");
  const char *fixtures = getenv("DOCTAG_FIXTURES");
  if (has_manifest(shared)) {
    corpus_dir = g_strdup(shared);
    corpus_shared = true;
  } else if (has_manifest(fixtures)) {
    corpus_dir = g_strdup(fixtures);
  } else {
    fail_msg("no corpus: neither DOCTAG_SHARED_CORPUS (%s) nor DOCTAG_FIXTURES (%s) has a manifest.json",
             shared ? shared : "unset", fixtures ? fixtures : "unset");
  }
  return corpus_dir;
}

bool tu_shared_corpus(void)
{
  tu_corpus_dir();
  return corpus_shared;
}

json_t *tu_manifest(void)
{
  if (manifest)
    return manifest;
  char *p = tu_corpus_path("manifest.json");
  json_error_t e;
  manifest = json_load_file(p, 0, &e);
  if (!manifest)
    fail_msg("%s: %s", p, e.text);
  g_free(p);
  return manifest;
}

char *tu_corpus_path(const char *rel)
{
  return g_build_filename(tu_corpus_dir(), rel, NULL);
}

char *tu_read(const char *path, size_t *len)
{
  gchar *data = NULL;
  gsize n = 0;
  if (!g_file_get_contents(path, &data, &n, NULL))
    return NULL;
  if (len)
    *len = n;
  return data;
}

static GHashTable *word_counts(const char *text)
{
  GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gchar **words = g_regex_split_simple("\\s+", text ? text : "", 0, 0);
  for (gchar **w = words; *w; w++) {
    if (!**w)
      continue;
    gchar *k = g_utf8_normalize(*w, -1, G_NORMALIZE_NFC);
    if (!k)
      k = g_strdup(*w);
    gpointer old = g_hash_table_lookup(h, k);
    g_hash_table_replace(h, k, GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
  }
  g_strfreev(words);
  return h;
}

double tu_word_error(const char *truth, const char *got)
{
  GHashTable *t = word_counts(truth), *g = word_counts(got);
  long total = 0, missing = 0, extra = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    long want = GPOINTER_TO_INT(v), have = GPOINTER_TO_INT(g_hash_table_lookup(g, k));
    total += want;
    if (have < want)
      missing += want - have;
  }
  g_hash_table_iter_init(&it, g);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    long have = GPOINTER_TO_INT(v), want = GPOINTER_TO_INT(g_hash_table_lookup(t, k));
    if (have > want)
      extra += have - want;
  }
  g_hash_table_destroy(t);
  g_hash_table_destroy(g);
  return total ? (double)(missing + extra) / (double)total : (missing + extra ? 1.0 : 0.0);
}

/* Unicode code points of `s` with whitespace runs collapsed, trimmed. */
static gunichar *collapse(const char *s, long *n)
{
  static GRegex *ws;
  if (!ws)
    ws = g_regex_new("\\s+", 0, 0, NULL);
  gchar *c = g_regex_replace_literal(ws, s ? s : "", -1, 0, " ", 0, NULL);
  g_strstrip(c);
  glong len = 0;
  gunichar *u = g_utf8_to_ucs4_fast(c, -1, &len);
  g_free(c);
  *n = len;
  return u;
}

double tu_cer(const char *truth, const char *got)
{
  long n, m;
  gunichar *a = collapse(truth, &n), *b = collapse(got, &m);
  long *prev = g_new(long, m + 1), *cur = g_new(long, m + 1);
  for (long j = 0; j <= m; j++)
    prev[j] = j;
  for (long i = 1; i <= n; i++) {
    cur[0] = i;
    for (long j = 1; j <= m; j++) {
      long sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      long del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    long *t = prev;
    prev = cur;
    cur = t;
  }
  double r = n ? (double)prev[m] / (double)n : (m ? 1.0 : 0.0);
  g_free(prev);
  g_free(cur);
  g_free(a);
  g_free(b);
  return r;
}

static GPtrArray *tmpdirs;
static pid_t tmpdirs_owner;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb; (void)flag; (void)ftw;
  remove(path);
  return 0;
}

/* Temporary directories go at exit, in the process that made them (not in
 * forked children that exit first). */
static void remove_tmpdirs(void)
{
  if (!tmpdirs || getpid() != tmpdirs_owner)
    return;
  for (guint i = 0; i < tmpdirs->len; i++)
    nftw(g_ptr_array_index(tmpdirs, i), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_ptr_array_free(tmpdirs, TRUE);
  tmpdirs = NULL;
}

char *tu_tmpdir(void)
{
  char *d = g_dir_make_tmp("doctag-test-XXXXXX", NULL);
  assert_non_null(d);
  if (!tmpdirs) {
    tmpdirs = g_ptr_array_new_with_free_func(g_free);
    tmpdirs_owner = getpid();
    atexit(remove_tmpdirs);
  }
  g_ptr_array_add(tmpdirs, g_strdup(d));
  return d;
}

doctag_ctx *tu_ctx(void)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  doctag_status st = doctag_ctx_new(&ctx, &cfg);
  if (st != DOCTAG_OK)
    fail_msg("doctag_ctx_new: %s", doctag_error_last()->message);
  g_free(dir);
  return ctx;
}
