/* bench helper: how far an extracted text is from the truth.
 *
 *   textdiff TRUTH GOT   prints "cer=<f> words=<f>"
 *
 * The unit tests' measures (tests/unit/textmetrics.c): the character error
 * rate after collapsing white space runs, page by page (pages split at form
 * feeds, errors summed over the pages of the truth), and the word multiset
 * error (missing + extra words). Built by bench/extract.sh. */
#include "../tests/unit/textmetrics.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

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
    errors += tm_distance(tp[i], i < ng ? gp[i] : "", &n);
    chars += n;
  }
  printf("cer=%.5f words=%.5f\n", chars ? (double)errors / (double)chars : 0.0, tm_word_error(truth, got));
  g_strfreev(tp);
  g_strfreev(gp);
  g_free(truth);
  g_free(got);
  return 0;
}
