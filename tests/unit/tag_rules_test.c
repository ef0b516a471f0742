/* The post-processing rules shared by both taggers (tag/rules.h): every
 * normalising, drop, exclusion and vocabulary rule, evidence, rules_apply
 * and rules_parse_terms. */
#include "testutil.h"
#include "tag/rules.h"
#include "tag/lexicon.h"
#include "tag/lexicon_lists.h"

#include <math.h>
#include <string.h>

/* rules_normalise(raw) must give `want` (NULL: dropped). */
static void expect_norm(const char *raw, const char *want)
{
  char *got = rules_normalise(raw);
  if (!want && got)
    fail_msg("\"%s\" should be dropped, got \"%s\"", raw, got);
  if (want && !got)
    fail_msg("\"%s\" should give \"%s\", was dropped (%s)", raw, want,
             rules_reject_reason(rules_clean(raw)));
  if (want)
    assert_string_equal(got, want);
  g_free(got);
}

/* The tag is dropped for the given reason. */
static void expect_reason(const char *raw, const char *why)
{
  char *clean = rules_clean(raw);
  const char *got = rules_reject_reason(clean);
  if (g_strcmp0(got, why))
    fail_msg("\"%s\" (cleaned \"%s\"): reason \"%s\", want \"%s\"", raw, clean, got ? got : "(kept)",
             why ? why : "(kept)");
  g_free(clean);
  char *n = rules_normalise(raw);
  assert_true(why ? n == NULL : n != NULL);
  g_free(n);
}

static void test_lower_case(void **state)
{
  (void)state;
  expect_norm("Water Supply", "water supply");
  expect_norm("KYC", "kyc");
  expect_norm("ÉCOLE Normale", "école normale");
  expect_norm("फसल बीमा", "फसल बीमा"); /* no case: unchanged */
  /* decomposed é becomes the composed one (NFC) */
  expect_norm("Cafe\xcc\x81 culture", "caf\xc3\xa9 culture");
}

static void test_bullets_and_numbering(void **state)
{
  (void)state;
  expect_norm("• water supply", "water supply");
  expect_norm("- water supply", "water supply");
  expect_norm("* water supply", "water supply");
  expect_norm("– water supply", "water supply");
  expect_norm("▪ water supply", "water supply");
  expect_norm("1. water supply", "water supply");
  expect_norm("12) water supply", "water supply");
  expect_norm("2.3. water supply", "water supply");
  expect_norm("a) water supply", "water supply");
  expect_norm("(b) water supply", "water supply");
  expect_norm("iv. water supply", "water supply");
  expect_norm("1. - \"Water Supply\"", "water supply");
  expect_norm("#monsoon", "monsoon");
  /* numbers that are part of the tag stay */
  expect_norm("3.2.0 release", "3.2.0 release");
  expect_norm("3d printing", "3d printing");
  expect_norm("1.5 tonne trucks", "1.5 tonne trucks");
  /* other scripts: their list numbers and bullets go, a leading letter stays */
  expect_norm("१. जल आपूर्ति", "जल आपूर्ति");
  expect_norm("• फसल बीमा", "फसल बीमा");
  expect_norm("été caniculaire", "été caniculaire");
  expect_norm("ſ) water supply", "water supply"); /* long s is an "s" to a caseless [a-z] */
}

static void test_quotes_and_punctuation(void **state)
{
  (void)state;
  expect_norm("\"water supply\".", "water supply");
  expect_norm("“water supply”,", "water supply");
  expect_norm("'landlord';", "landlord");
  expect_norm("(water supply)", "water supply");
  expect_norm("dal (tadka)", "dal (tadka)");  /* balanced inside: kept */
  expect_norm("dal tadka)", "dal tadka");     /* unbalanced: goes */
  expect_norm("फसल बीमा।", "फसल बीमा");
}

static void test_hyphens_underscores_spaces(void **state)
{
  (void)state;
  /* a compound keeps its hyphen (one ASCII hyphen); other dashes,
   * underscores and loose hyphens are spaces */
  expect_norm("command-line tool", "command-line tool");
  expect_norm("Object\u2010Oriented design", "object-oriented design");
  expect_norm("command_line_tool", "command line tool");
  expect_norm("e—waste", "e waste");
  expect_norm("covid-19 vaccine", "covid-19 vaccine");
  expect_norm("water - supply", "water supply");
  expect_norm("-water supply-", "water supply");
  expect_norm("  water \t  supply \n", "water supply");
  expect_norm("प्रवेश-पत्र", "प्रवेश-पत्र");
}

static void test_word_count(void **state)
{
  (void)state;
  expect_norm("one", NULL);  /* a stop word alone: generic */
  expect_norm("monsoon", "monsoon");
  expect_norm("national rural drinking water mission", "national rural drinking water mission");
  expect_reason("national rural drinking water supply mission", "too many words");
  /* a hyphenated compound is one word of the count */
  expect_norm("state-of-the-art wireless sensor network method", "state-of-the-art wireless sensor network method");
  expect_reason("state of the art wireless sensor network method", "too many words");
  expect_reason("a-b-c-d-e-f", "gibberish"); /* one word, of letters alone */
  expect_reason("", "empty");
  expect_reason(" • - ", "empty");
}

static void test_dates(void **state)
{
  (void)state;
  expect_reason("14 March 2024", "date");
  expect_reason("March 2024", "date");
  expect_reason("2nd of September", "date");
  expect_reason("Monday", "date");
  expect_reason("sept 2024", "date");
  expect_reason("जुलाई 2024", "date");
  /* numbers alone are gibberish, not dates */
  expect_reason("2024", "gibberish");
  expect_reason("2024-05-09", "gibberish");
  /* a date word inside a subject stays */
  expect_reason("march of dimes", NULL);
  expect_reason("sunday market", NULL);
}

static void test_roman_numerals(void **state)
{
  (void)state;
  expect_reason("IV", "roman numeral");
  expect_reason("xii", "roman numeral");
  expect_reason("MCMXC", "roman numeral");
  expect_reason("ii iii", "roman numeral");
  /* words that only look like numerals */
  expect_reason("mix", NULL);
  expect_reason("civil", NULL);
  expect_reason("vivid", NULL);
  expect_reason("ii vivid", NULL);

  /* every word of up to 5 numeral letters: a numeral exactly when the
   * classic pattern says so (the rules read numerals without a regular
   * expression) */
  GRegex *re = g_regex_new("^m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", 0, 0, NULL);
  const char letters[] = "mdclxvi";
  unsigned int numerals = 0;
  for (unsigned int len = 1; len <= 5; len++) {
    unsigned int total = 1;
    for (unsigned int i = 0; i < len; i++)
      total *= 7;
    for (unsigned int code = 0; code < total; code++) {
      char w[8];
      for (unsigned int i = 0, c = code; i < len; i++, c /= 7)
        w[i] = letters[c % 7];
      w[len] = '\0';
      bool listed = !strcmp(w, "mix") || !strcmp(w, "cd") || !strcmp(w, "dc") || !strcmp(w, "cv") ||
                    !strcmp(w, "xl") || !strcmp(w, "civil");
      bool want = g_regex_match(re, w, 0, NULL) && !listed;
      const char *why = rules_reject_reason(w);
      if (want != (why && !strcmp(why, "roman numeral")))
        fail_msg("\"%s\": numeral %d, reason %s", w, want, why ? why : "(kept)");
      numerals += want;
    }
  }
  assert_true(numerals > 100);
  g_regex_unref(re);
}

static void test_gibberish(void **state)
{
  (void)state;
  expect_reason("1234", "gibberish");           /* no letters */
  expect_reason("%%%", "gibberish");
  expect_reason("a1b2c3", "gibberish");         /* mostly digits */
  expect_reason("27aakcb4471m1z3", "gibberish");
  expect_reason("q", "gibberish");              /* a single character */
  expect_reason("क", "gibberish");
  expect_reason("a b", "gibberish");            /* single characters only */
  expect_reason("qwrtzp", "gibberish");         /* a long consonant run */
  expect_reason("aaaa", "gibberish");           /* a repeated letter */
  expect_reason("kycकेवाईसी", "gibberish");      /* scripts mixed inside a word */
  expect_reason("supercalifragilisticexpialidocious", "gibberish"); /* over 30 letters */
  /* a tag holds a word: no bare number, gazette reference or code */
  expect_reason("802.11", "gibberish");
  expect_reason("g.s.r. 123(e)", "gibberish");
  expect_reason("g.s.r", "gibberish");
  expect_reason("s.o. 456(e)", "gibberish");
  expect_reason("12(3)(b)", "gibberish");
  expect_reason("rs 500", "gibberish");
  /* a name with its number is one */
  expect_reason("ieee 802.11", NULL);
  expect_reason("haskell 98", NULL);
  expect_reason("iso 9001", NULL);
  expect_reason("covid-19", NULL);
  expect_reason("u.s. economy", NULL);
  expect_reason("so2", NULL);
  expect_reason("p2p", NULL);
  expect_reason("i'm", "gibberish");
  /* real words */
  expect_reason("kyc", NULL);
  expect_reason("html", NULL);
  expect_reason("strengths", NULL);
  expect_reason("केवाईसी", NULL);
  expect_reason("kyc केवाईसी", NULL);
}

static void test_generic(void **state)
{
  (void)state;
  const char *generic[] = { "contact", "email", "phone", "address", "document", "information", "data",
                            "details", "pdf", "report", "government", "india", "language", "publication",
                            "page", "file", "section", "annexure", "Reports", "Notes",
                            "contact details", "the report", "page number", "जानकारी", "सरकार" };
  for (size_t i = 0; i < G_N_ELEMENTS(generic); i++)
    expect_reason(generic[i], "generic");
  expect_reason("the", "generic"); /* stop words only */
  expect_reason("के लिए", "generic");
  /* a generic word with a subject stays */
  expect_reason("data analysis", NULL);
  expect_reason("annual report", NULL);
  expect_reason("indian cuisine", NULL);
  expect_reason("government circular", NULL);
  /* stop words are the text's language's: Hindi's "कर" (do) is Marathi's
   * and Nepali's tax, Marathi's "आहे" (is) no Hindi word */
  assert_string_equal(rules_reject_reason("कर"), "generic");
  assert_null(rules_reject_reason_lang("कर", "mar"));
  assert_null(rules_reject_reason_lang("कर", "eng+nep"));
  assert_string_equal(rules_reject_reason_lang("कर", "hin+eng"), "generic");
  assert_string_equal(rules_reject_reason_lang("आहे", "mar"), "generic");
  char *tax = rules_normalise_lang("कर", "mar");
  assert_string_equal(tax, "कर");
  g_free(tax);
}

static void test_normalise_idempotent(void **state)
{
  (void)state;
  const char *raw[] = { "1. Water-Supply", "• “Public Notice”", "dal (tadka)", "प्रवेश-पत्र", "KYC update" };
  for (size_t i = 0; i < G_N_ELEMENTS(raw); i++) {
    char *once = rules_normalise(raw[i]);
    assert_non_null(once);
    char *twice = rules_normalise(once);
    assert_string_equal(once, twice);
    g_free(once);
    g_free(twice);
  }
}

static void test_exclusion(void **state)
{
  (void)state;
  const char *t1[] = { "Water-Supply" };
  assert_true(rules_excluded("water supply", t1, 1));        /* equal, compared normalised */
  assert_true(rules_excluded("WATER SUPPLY", t1, 1));
  const char *t2[] = { "water" };
  assert_true(rules_excluded("water supply", t2, 1));        /* covers 1 of 2 words */
  assert_false(rules_excluded("water supply interruption", t2, 1)); /* 1 of 3 */
  assert_false(rules_excluded("drinking", t2, 1));
  assert_true(rules_excluded("water supply interruption", t1, 1));  /* 2 of 3 */
  const char *t3[] = { "tenants" };
  assert_true(rules_excluded("tenant", t3, 1));              /* singular/plural */
  const char *t4[] = { "bill" };
  assert_true(rules_excluded("bill of lading", t4, 1));      /* stop words do not count */
  const char *t5[] = { "of" };
  assert_false(rules_excluded("bill of lading", t5, 1));
  const char *t6[] = { "supply chain management" };
  assert_true(rules_excluded("supply", t6, 1));              /* the tag's only word is covered */
  assert_false(rules_excluded("water", t6, 1));
  const char *t7[] = { "", "  ", "# comment", "landlord" };
  assert_true(rules_excluded("landlord", t7, 4));            /* empty terms are ignored */
  assert_false(rules_excluded("tenant", t7, 4));
  const char *t8[] = { "किसान" };
  assert_true(rules_excluded("किसानों", t8, 1));
  assert_true(rules_excluded("किसान कल्याण", t8, 1));
  assert_false(rules_excluded("किसान कल्याण विभाग", t8, 1));
  assert_false(rules_excluded("water", NULL, 0));
}

static void test_vocabulary_match(void **state)
{
  (void)state;
  const char *vocab[] = { "Water Supply", "Command-Line Tool", "Tenants", "KYC", "फसल बीमा" };
  size_t n = G_N_ELEMENTS(vocab);
  assert_ptr_equal(rules_vocabulary_match("WATER SUPPLY", vocab, n), vocab[0]);  /* case */
  assert_ptr_equal(rules_vocabulary_match("water-supply", vocab, n), vocab[0]);  /* hyphen */
  assert_ptr_equal(rules_vocabulary_match("1. command line tool", vocab, n), vocab[1]);
  assert_ptr_equal(rules_vocabulary_match("tenant", vocab, n), vocab[2]);        /* plural */
  assert_ptr_equal(rules_vocabulary_match("kyc", vocab, n), vocab[3]);
  assert_ptr_equal(rules_vocabulary_match("फसल  बीमा", vocab, n), vocab[4]);
  assert_null(rules_vocabulary_match("water", vocab, n));        /* part of a term is not the term */
  assert_null(rules_vocabulary_match("supply water", vocab, n));
  assert_null(rules_vocabulary_match("blockchain", vocab, n));
  assert_null(rules_vocabulary_match("water supply", NULL, 0));
}

static void test_evidence(void **state)
{
  (void)state;
  const char *text = "The Water-Supply to Ward 4 is cut.\nEach tenant pays the party's share.\fफसल बीमा योजना";
  assert_true(rules_evidence("water supply", text));   /* hyphen read as a space */
  assert_true(rules_evidence("Water Supply", text));
  assert_true(rules_evidence("supply ward", text));    /* each word occurs */
  assert_true(rules_evidence("tenants", text));        /* by stem */
  assert_true(rules_evidence("फसल बीमा", text));
  assert_false(rules_evidence("blockchain", text));
  assert_false(rules_evidence("art", text));           /* inside "party" is not a word */
  assert_false(rules_evidence("water pump", text));    /* one word missing */

  /* scripts without spaces between words: the characters occur together */
  const char *zh = "城市推行垃圾分类，居民按时投放。";
  assert_true(rules_evidence("垃圾分类", zh));
  assert_true(rules_evidence("垃圾 分类", zh));        /* ICU's word boundary printed */
  assert_false(rules_evidence("分类垃圾", zh));        /* not in that order */
  assert_false(rules_evidence("类，居", zh));          /* not across punctuation */
  const char *ja = "市の水道はメンテナンスのため止まります。";
  assert_true(rules_evidence("メンテナンス", ja));
  assert_false(rules_evidence("メンテ水道", ja));
  const char *th = "การท่องเที่ยว เชิงนิเวศ ช่วยชุมชน";
  assert_true(rules_evidence("ท่องเที่ยวเชิงนิเวศ", th)); /* a space in the text between the words */
  assert_false(rules_evidence("ชุมชนเชิงนิเวศ", th));
}

static void test_apply(void **state)
{
  (void)state;
  const char *text = "Public notice: the water supply is interrupted. Tenants and landlords, contact us.";
  tag_request req = { .text = text, .num_tags = 4 };
  tag_outcome out = { 0 };
  char *raw[] = { "1. Water-Supply", "• Public Notice", "Contact", "14 March 2024", "IV", NULL,
                  "water supply", "Tenants", "tenant", "rainfall", "landlords" };
  double scores[] = { 0.9, 1.5, 0.8, 0.7, 0.6, 0.5, 0.5, NAN, 0.4, 0.3, 0.2 };
  size_t n = rules_apply(&req, raw, scores, G_N_ELEMENTS(raw), &out);
  /* survivors in order, de-duplicated (also singular/plural), at most num_tags */
  assert_int_equal(n, 4);
  assert_int_equal(out.count, 4);
  assert_string_equal(out.items[0].tag, "water-supply"); /* "water supply" is the same tag */
  assert_string_equal(out.items[1].tag, "public notice");
  assert_string_equal(out.items[2].tag, "tenants");
  assert_string_equal(out.items[3].tag, "rainfall");
  assert_true(out.items[0].score == 0.9);
  assert_true(out.items[1].score == 1.0);  /* clamped */
  assert_true(out.items[2].score == 0.0);  /* NaN */
  assert_true(out.items[0].evidence && out.items[1].evidence && out.items[2].evidence);
  assert_false(out.items[3].evidence);     /* not in the text */

  /* appending: a second round keeps what is there and fills the rest */
  req.num_tags = 6;
  char *more[] = { "Water Supply", "landlord", "monsoon" };
  n = rules_apply(&req, more, NULL, G_N_ELEMENTS(more), &out);
  assert_int_equal(n, 2);
  assert_int_equal(out.count, 6);
  assert_string_equal(out.items[4].tag, "landlord");
  assert_string_equal(out.items[5].tag, "monsoon");
  /* default scores fall with the position: 1.0 for the first candidate */
  assert_true(out.items[4].score <= 1.0 && out.items[4].score > out.items[5].score);
  assert_true(out.items[5].score >= 0.5);
  tag_outcome_clear(&out);
  assert_int_equal(out.count, 0);
}

static void test_apply_exclusion_and_vocabulary(void **state)
{
  (void)state;
  const char *text = "The water supply and the security deposit of the tenants.";
  const char *excl[] = { "water" };
  tag_request req = { .text = text, .num_tags = 8, .exclusion = excl, .exclusion_count = 1 };
  tag_outcome out = { 0 };
  char *raw[] = { "water supply", "security deposit", "tenants" };
  rules_apply(&req, raw, NULL, 3, &out);
  assert_int_equal(out.count, 2);
  assert_string_equal(out.items[0].tag, "security deposit");
  tag_outcome_clear(&out);

  /* vocabulary: only the list's terms, spelt as the list (normalised), even
   * generic ones the user chose; exclusion still wins */
  const char *vocab[] = { "Security-Deposit", "Tenant", "Contact", "Water Supply" };
  req.vocabulary = vocab;
  req.vocabulary_count = 4;
  char *cands[] = { "SECURITY DEPOSIT", "tenants", "contact", "water supply", "rainfall", "deposit" };
  rules_apply(&req, cands, NULL, G_N_ELEMENTS(cands), &out);
  assert_int_equal(out.count, 3);
  assert_string_equal(out.items[0].tag, "security-deposit"); /* the list's spelling */
  assert_string_equal(out.items[1].tag, "tenant");
  assert_string_equal(out.items[2].tag, "contact");
  assert_true(out.items[1].evidence); /* "tenants" in the text */
  assert_false(out.items[2].evidence);
  tag_outcome_clear(&out);
}

static void expect_terms(const char *text, const char *const *want, size_t n)
{
  char **got = rules_parse_terms(text, strlen(text));
  assert_non_null(got);
  size_t k = g_strv_length(got);
  if (k != n) {
    char *all = g_strjoinv("|", got);
    fail_msg("parse \"%s\": %zu terms (%s), want %zu", text, k, all, n);
  }
  for (size_t i = 0; i < n; i++)
    assert_string_equal(got[i], want[i]);
  g_strfreev(got);
}

static void test_parse_terms(void **state)
{
  (void)state;
  const char *lines[] = { "water supply", "public notice", "landlord" };
  expect_terms("Water Supply\nPublic Notice\nLANDLORD\n", lines, 3);
  expect_terms("water supply, public notice,landlord", lines, 3);
  expect_terms("water supply, public notice\r\n\r\n  landlord  \r\n", lines, 3);
  expect_terms("# my exclusions\nwater supply # the usual\npublic notice\n#landlord\nlandlord", lines, 3);
  expect_terms("\xEF\xBB\xBFwater supply\npublic notice, landlord, Landlord", lines, 3); /* BOM, duplicate */
  const char *hy[] = { "command-line tool", "c#", "फसल बीमा" };
  expect_terms("Command-Line_Tool\nC#\nफसल बीमा", hy, 3);
  const char *bullets[] = { "water", "rain" };
  expect_terms("1. Water\n• Rain\n,,\n", bullets, 2);
  expect_terms("", NULL, 0);
  expect_terms("# only a comment\n\n , \n", NULL, 0);
  /* len is honoured: nothing is read past it */
  char **v = rules_parse_terms("water, rain", 5);
  assert_int_equal(g_strv_length(v), 1);
  assert_string_equal(v[0], "water");
  g_strfreev(v);
  v = rules_parse_terms(NULL, 0);
  assert_non_null(v);
  assert_null(v[0]);
  g_strfreev(v);
}

/* tag/data/generic_stems.txt is exactly the stems (lex_stem()) of the
 * single words of generic.txt: what lex_is_generic() used to work out in
 * every process. After a change to either list or to the stemmer, the
 * failure prints the file's new content. */
static void test_generic_stems_file(void **state)
{
  (void)state;
  GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (size_t i = 0; i <= lex_list_generic.mask; i++) {
    const char *w = lex_list_generic.slots[i];
    if (w && !strchr(w, ' '))
      g_hash_table_add(want, lex_stem(w));
  }
  bool same = g_hash_table_size(want) == lex_list_generic_stems.count;
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, want);
  while (same && g_hash_table_iter_next(&it, &k, NULL))
    same = lex_list_has(&lex_list_generic_stems, k);
  if (!same) {
    GList *keys = g_list_sort(g_hash_table_get_keys(want), (GCompareFunc)strcmp);
    for (GList *l = keys; l; l = l->next)
      print_message("%s\n", (const char *)l->data);
    g_list_free(keys);
    fail_msg("libdoctag/tag/data/generic_stems.txt differs from lex_stem() of generic.txt: its words are above");
  }
  g_hash_table_destroy(want);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lower_case),
    cmocka_unit_test(test_bullets_and_numbering),
    cmocka_unit_test(test_quotes_and_punctuation),
    cmocka_unit_test(test_hyphens_underscores_spaces),
    cmocka_unit_test(test_word_count),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_roman_numerals),
    cmocka_unit_test(test_gibberish),
    cmocka_unit_test(test_generic),
    cmocka_unit_test(test_generic_stems_file),
    cmocka_unit_test(test_normalise_idempotent),
    cmocka_unit_test(test_exclusion),
    cmocka_unit_test(test_vocabulary_match),
    cmocka_unit_test(test_evidence),
    cmocka_unit_test(test_apply),
    cmocka_unit_test(test_apply_exclusion_and_vocabulary),
    cmocka_unit_test(test_parse_terms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
