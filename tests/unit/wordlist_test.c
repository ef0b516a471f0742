/* The word list that decides line-end hyphen joins (extract/wordlist.h),
 * compiled at build time from DOCTAG_WORDLIST_FILE: its answer for every
 * line of that file, for each line one byte longer and shorter, lower-cased
 * and without a trailing 's, and for random strings of letters, is the
 * answer of the logic that read the file at run time: a word is known when
 * it is a line of the file, as written, and holds no ASCII capital and no
 * apostrophe (the words asked are lower case). */
#include "testutil.h"
#include "extract/wordlist.h"

#include <glib.h>
#include <string.h>

static GHashTable *lines_set;

/* The run-time logic's answer for w[0, len). */
static bool reference(const char *w, size_t len)
{
  if (len == 0 || memchr(w, '\n', len))
    return false;
  for (size_t i = 0; i < len; i++)
    if ((w[i] >= 'A' && w[i] <= 'Z') || w[i] == '\'')
      return false;
  char *s = g_strndup(w, len);
  bool r = g_hash_table_contains(lines_set, s);
  g_free(s);
  return r;
}

static unsigned int asked, known;

static void check(const char *w, size_t len)
{
  bool want = reference(w, len), got = wordlist_has(w, len);
  if (want != got)
    fail_msg("\"%.*s\": %s, the file's logic says %s", (int)len, w, got ? "known" : "unknown",
             want ? "known" : "unknown");
  asked++;
  known += got;
}

static void test_same_answers_as_the_file(void **state)
{
  (void)state;
  char *data = NULL;
  gsize len = 0;
  assert_true(g_file_get_contents(DOCTAG_WORDLIST_FILE, &data, &len, NULL));
  lines_set = g_hash_table_new(g_str_hash, g_str_equal);
  char **lines = g_strsplit(data, "\n", -1);
  for (char **l = lines; *l; l++)
    g_hash_table_add(lines_set, *l);
  unsigned int refused = 0, lines_known = 0;
  for (char **l = lines; *l; l++) {
    size_t n = strlen(*l);
    unsigned int before = known;
    check(*l, n);
    lines_known += known - before;
    if (n && !reference(*l, n))
      refused++;
    /* one byte shorter, asked by length in the line itself */
    if (n > 1)
      check(*l, n - 1);
    char *longer = g_strconcat(*l, "q", NULL);
    check(longer, n + 1);
    g_free(longer);
    char *lower = g_ascii_strdown(*l, (gssize)n);
    check(lower, n);
    g_free(lower);
    if (n > 2 && !strcmp(*l + n - 2, "'s"))
      check(*l, n - 2);
  }
  /* random strings of lower-case letters, one to nine: mostly not words */
  GRand *r = g_rand_new_with_seed(17);
  char buf[10];
  for (int i = 0; i < 200000; i++) {
    int n = g_rand_int_range(r, 1, 10);
    for (int j = 0; j < n; j++)
      buf[j] = (char)g_rand_int_range(r, 'a', 'z' + 1);
    check(buf, (size_t)n);
  }
  g_rand_free(r);
  print_message("%u lines of %s known, %u refused; %u asked in all, %u known\n", lines_known,
                DOCTAG_WORDLIST_FILE, refused, asked, known);
  assert_true(lines_known > 1000 && refused > 1000);
  assert_true(wordlist_has("existing", 8));
  assert_false(wordlist_has("Existing", 8));
  assert_false(wordlist_has("", 0));
  assert_false(wordlist_has("qzxjvw", 6));
  assert_false(wordlist_has("existing\nexisting", 17));
  g_strfreev(lines);
  g_hash_table_destroy(lines_set);
  g_free(data);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_same_answers_as_the_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
