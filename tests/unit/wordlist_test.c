/* The system word list that decides line-end hyphen joins
 * (extract/wordlist.h): every lower-case word of /usr/share/dict/words is
 * known, as written, and nothing else. */
#include "testutil.h"
#include "extract/wordlist.h"

#include <glib.h>
#include <string.h>

#define WORDS "/usr/share/dict/words"

static bool lower_letters(const char *w)
{
  for (const char *p = w; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!g_unichar_isalpha(c) || g_unichar_isupper(c))
      return false;
  }
  return *w != '\0';
}

static void test_every_listed_word_known(void **state)
{
  (void)state;
  char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents(WORDS, &data, &len, NULL)) {
    print_message("no %s (Debian: wamerican): every word is unknown\n", WORDS);
    assert_false(wordlist_has("existing", 8));
    skip();
  }
  GHashTable *set = g_hash_table_new(g_str_hash, g_str_equal);
  char **lines = g_strsplit(data, "\n", -1);
  for (char **l = lines; *l; l++)
    g_hash_table_add(set, *l);
  unsigned int asked = 0, known = 0;
  unsigned int refused = 0;
  for (char **l = lines; *l; l++) {
    if (!lower_letters(*l)) {
      /* a line with an ASCII capital or an apostrophe ("Aachen",
       * "aardvark's", "o'clock") is no lower-case word */
      if (strpbrk(*l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ'")) {
        assert_false(wordlist_has(*l, strlen(*l)));
        refused++;
      }
      continue;
    }
    asked++;
    if (!wordlist_has(*l, strlen(*l)))
      fail_msg("\"%s\" is in %s but not known", *l, WORDS);
    known++;
    /* the same word one letter longer or shorter: known only if listed */
    char *longer = g_strconcat(*l, "q", NULL);
    assert_int_equal(wordlist_has(longer, strlen(longer)), g_hash_table_contains(set, longer));
    g_free(longer);
    size_t n = strlen(*l);
    if (n > 1) {
      char *shorter = g_strndup(*l, n - 1);
      assert_int_equal(wordlist_has(shorter, n - 1), g_hash_table_contains(set, shorter));
      g_free(shorter);
    }
  }
  print_message("%u lower-case words of %s, all known\n", known, WORDS);
  assert_true(asked > 1000 && known == asked);
  assert_true(refused > 1000);
  /* a prefix of a word is not a word; neither is the empty string */
  assert_true(wordlist_has("existing", 8));
  assert_int_equal(wordlist_has("existing", 5), g_hash_table_contains(set, "exist"));
  assert_false(wordlist_has("", 0));
  assert_false(wordlist_has("qzxjvw", 6));
  g_strfreev(lines);
  g_hash_table_destroy(set);
  g_free(data);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_listed_word_known),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
