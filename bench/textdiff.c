/* bench helper: how far an extracted text is from the truth.
 *
 *   textdiff TRUTH GOT   prints "cer=<f> words=<f>"
 *
 * Same measures as the unit tests (tests/unit/testutil.c): the character
 * error rate after collapsing white space runs, page by page (pages split
 * at form feeds, errors summed over the pages of the truth), and the word
 * multiset error. Built by bench/extract.sh. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

static gunichar *collapse(const char *s, long *n)
{
  GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
  gchar *c = g_regex_replace_literal(ws, s, -1, 0, " ", 0, NULL);
  g_regex_unref(ws);
  g_strstrip(c);
  glong len = 0;
  gunichar *u = g_utf8_to_ucs4_fast(c, -1, &len);
  g_free(c);
  *n = len;
  return u;
}

static long distance(const char *a_s, const char *b_s, long *truth_len)
{
  long n, m;
  gunichar *a = collapse(a_s, &n), *b = collapse(b_s, &m);
  long *prev = g_new(long, m + 1), *cur = g_new(long, m + 1);
  for (long j = 0; j <= m; j++)
    prev[j] = j;
  for (long i = 1; i <= n; i++) {
    cur[0] = i;
    for (long j = 1; j <= m; j++) {
      long sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1, ins = cur[j - 1] + 1;
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

static GHashTable *words(const char *text)
{
  GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gchar **w = g_regex_split_simple("\\s+", text, 0, 0);
  for (gchar **p = w; *p; p++) {
    if (!**p)
      continue;
    gchar *k = g_utf8_normalize(*p, -1, G_NORMALIZE_NFC);
    if (!k)
      k = g_strdup(*p);
    gpointer old = g_hash_table_lookup(h, k);
    g_hash_table_replace(h, k, GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
  }
  g_strfreev(w);
  return h;
}

static double word_error(const char *truth, const char *got)
{
  GHashTable *t = words(truth), *g = words(got);
  long total = 0, wrong = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    long want = GPOINTER_TO_INT(v), have = GPOINTER_TO_INT(g_hash_table_lookup(g, k));
    total += want;
    wrong += have < want ? want - have : 0;
  }
  g_hash_table_iter_init(&it, g);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    long have = GPOINTER_TO_INT(v), want = GPOINTER_TO_INT(g_hash_table_lookup(t, k));
    wrong += have > want ? have - want : 0;
  }
  g_hash_table_destroy(t);
  g_hash_table_destroy(g);
  return total ? (double)wrong / (double)total : 0;
}

int main(int argc, char **argv)
{
  gchar *truth = NULL, *got = NULL;
  if (argc != 3 || !g_file_get_contents(argv[1], &truth, NULL, NULL) || !g_file_get_contents(argv[2], &got, NULL, NULL)) {
    fprintf(stderr, "usage: textdiff TRUTH GOT\n");
    return 2;
  }
  gchar **tp = g_strsplit(truth, "\f", -1), **gp = g_strsplit(got, "\f", -1);
  long errors = 0, chars = 0;
  guint ng = g_strv_length(gp);
  for (guint i = 0; tp[i]; i++) {
    long n = 0;
    errors += distance(tp[i], i < ng ? gp[i] : "", &n);
    chars += n;
  }
  printf("cer=%.5f words=%.5f\n", chars ? (double)errors / (double)chars : 0.0, word_error(truth, got));
  g_strfreev(tp);
  g_strfreev(gp);
  g_free(truth);
  g_free(got);
  return 0;
}
