/* Text measures (textmetrics.h). */
#include "textmetrics.h"

/* Unicode code points of `s` with whitespace runs collapsed, trimmed. */
static gunichar *collapse(const char *s, long *n)
{
  static GRegex *ws;
  if (g_once_init_enter(&ws))
    g_once_init_leave(&ws, g_regex_new("\\s+", 0, 0, NULL));
  gchar *c = g_regex_replace_literal(ws, s ? s : "", -1, 0, " ", 0, NULL);
  g_strstrip(c);
  glong len = 0;
  gunichar *u = g_utf8_to_ucs4_fast(c, -1, &len);
  g_free(c);
  *n = len;
  return u;
}

long tm_distance(const char *truth, const char *got, long *truth_len)
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
  long d = prev[m];
  g_free(prev);
  g_free(cur);
  g_free(a);
  g_free(b);
  *truth_len = n;
  return d;
}

double tm_cer(const char *truth, const char *got)
{
  long n;
  long d = tm_distance(truth, got, &n);
  return n ? (double)d / (double)n : (d ? 1.0 : 0.0);
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

double tm_word_error(const char *truth, const char *got)
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
