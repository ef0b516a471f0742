/* Arabic and Hebrew (tag/semitic.h): proclitics come off where the text
 * shows the bare word, root letters stay; dates and times are no tags;
 * Arabic imperfect verbs are no words of a tag, nouns of the same shape are;
 * a notice and a news story get tags without any of them. Urdu and Persian,
 * also written in Arabic letters, keep their own rules. */
#include "testutil.h"
#include "tag/lexicon.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/semitic.h"
#include "tag/tag.h"

#include <string.h>

static bool function_word(const char *w, void *data)
{
  const char *lang = data;
  return lex_is_stop_lang(w, lang) || lex_is_closed_class(w, lang);
}

/* sem_core() of `word` in `text`. */
static void expect_core(const char *text, const char *lang, const char *word, const char *want)
{
  GArray *toks = seg_split(text);
  sem_text st;
  sem_text_init(&st, toks);
  const char *core = sem_core(&st, word, lang, function_word, (void *)lang);
  if (strcmp(core, want))
    fail_msg("%s: \"%s\" -> \"%s\", not \"%s\"", lang, word, core, want);
  sem_text_clear(&st);
  seg_free(toks);
}

static void test_proclitics(void **state)
{
  (void)state;
  /* a proclitic before a function word: the word is one */
  expect_core("وذلك بسبب الصيانة", "ara", "وذلك", "ذلك");
  expect_core("لذلك تبحث", "ara", "لذلك", "ذلك");
  expect_core("בשל עבודות", "heb", "בשל", "של");
  /* ... before the article: always ("ب" + "الطاقة") */
  expect_core("تحلية المياه بالطاقة", "ara", "بالطاقة", "الطاقة");
  expect_core("المياه والكهرباء", "ara", "والكهرباء", "الكهرباء");
  expect_core("مياه الشرب للسكان", "ara", "للسكان", "السكان");
  /* ... before a word the text writes without it, or with the article */
  expect_core("في الشارع الرئيسي بشارع المحطة", "ara", "بشارع", "شارع");
  expect_core("התאגיד מודיע לתושבים כי התושבים", "heb", "לתושבים", "תושבים");
  expect_core("מכליות מים ליד הבית, ובמים", "heb", "ובמים", "מים");
  /* root letters stay: the rest is no word of the text */
  expect_core("وزارة التربية", "ara", "وزارة", "وزارة");
  expect_core("لجنة التعليم في البرلمان", "ara", "لجنة", "لجنة");
  expect_core("بيت لحم", "ara", "بيت", "بيت");
  expect_core("בית הספר היסודי", "heb", "בית", "בית");
  expect_core("בית ספר ולימוד בבית", "heb", "בבית", "בית");
  expect_core("ועדת החינוך", "heb", "ועדת", "ועדת");
  /* never below three letters for a word of the text ("ים" is one) */
  expect_core("מים ים", "heb", "מים", "מים");
  /* not Urdu's or Persian's */
  expect_core("تحلية المياه بالطاقة", "fas", "بالطاقة", "بالطاقة");
  expect_core("وذلك", "urd", "وذلك", "وذلك");
  assert_false(sem_lang("urd"));
  assert_false(sem_lang("fas"));
  assert_true(sem_lang("ara") && sem_lang("heb"));

  /* Hebrew's article comes off the stem where the text writes the word bare */
  GArray *toks = seg_split("הפסקת מים בשכונה. המים יחזרו. הפסקת המים");
  sem_text st;
  sem_text_init(&st, toks);
  assert_string_equal(sem_unarticled(&st, "המים", "heb"), "מים");
  assert_string_equal(sem_unarticled(&st, "הפסקת", "heb"), "הפסקת"); /* its ה is the noun's */
  sem_text_clear(&st);
  seg_free(toks);

  /* a tag is in a text that writes its words with their proclitics */
  assert_true(rules_evidence("حقوق الإنسان", "الإعلان العالمي لحقوق الإنسان"));
  assert_true(rules_evidence("מים", "ובמים"));
  assert_false(rules_evidence("حقوق الطفل", "الإعلان العالمي لحقوق الإنسان"));
}

static void expect_verb(const char *text, const char *word, const char *prev, bool want)
{
  GArray *toks = seg_split(text);
  sem_text st;
  sem_text_init(&st, toks);
  if (sem_arabic_verb(&st, word, prev) != want)
    fail_msg("\"%s\" is %sread as a verb", word, want ? "not " : "");
  sem_text_clear(&st);
  seg_free(toks);
}

static void test_arabic_verbs(void **state)
{
  (void)state;
  const char *const verbs[] = { "تعلن", "وتدعو", "وستتوفر", "يرجى", "تنصح", "ويراقب", "نعتذر", "تطلق", "يقول",
                                "سأعمل", "أعلنت", "وأكدت" };
  for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
    expect_verb("", verbs[i], NULL, true);
  /* nouns of the same shape stay nouns */
  const char *const nouns[] = { "تعليم", "يوم", "نظام", "تقرير", "تحلية", "تاريخ", "تعاون", "تكرار", "وزارة",
                                "لجنة", "يسار", "نتيجة", "تطورات", "ليبيا", "أوقات", "أخت", "صباحاً" };
  for (size_t i = 0; i < G_N_ELEMENTS(nouns); i++)
    expect_verb("", nouns[i], NULL, false);
  /* a word the text writes with the article is a noun; so is one after a preposition */
  expect_verb("التقدم العلمي", "تقدم", NULL, false);
  expect_verb("وبالتقدم العلمي", "تقدم", NULL, false);
  expect_verb("", "تقدم", NULL, true);
  expect_verb("", "تطوير", "في", false);
}

static void test_dates(void **state)
{
  (void)state;
  const char *const ara[] = { "مايو", "أيلول", "تشرين", "جانفي", "رمضان", "الثلاثاء", "الساعة", "صباحا", "مساءً" };
  for (size_t i = 0; i < G_N_ELEMENTS(ara); i++)
    assert_true(sem_date_word(ara[i], NULL, NULL, "ara"));
  const char *const heb[] = { "מאי", "ספטמבר", "ניסן", "אלול", "שבת", "שעה", "הצהריים" };
  for (size_t i = 0; i < G_N_ELEMENTS(heb); i++)
    assert_true(sem_date_word(heb[i], NULL, NULL, "heb"));
  /* a day word before a weekday, a Hebrew ordinal after one */
  assert_true(sem_date_word("يوم", NULL, "الثلاثاء", "ara"));
  assert_false(sem_date_word("يوم", NULL, "الأرض", "ara"));
  assert_true(sem_date_word("יום", NULL, "שלישי", "heb"));
  assert_true(sem_date_word("שלישי", "יום", NULL, "heb"));
  assert_false(sem_date_word("שלישי", "שלב", NULL, "heb"));
  assert_false(sem_date_word("יום", NULL, "העצמאות", "heb"));
  /* the hour's number after the hour word */
  assert_true(sem_after_hour("الساعة", "ara"));
  assert_true(sem_after_hour("שעה", "heb"));
  assert_false(sem_after_hour("شركة", "ara"));
  /* a tag of them alone is a date, in every language */
  assert_true(lex_is_date_word("مايو") && lex_is_date_word("במאי") == false && lex_is_date_word("מאי"));
}

static tag_outcome tag_file(const char *name, const char *want_lang)
{
  char *path = g_strdup_printf("%s/tests/unit/tagdata/%s.txt", getenv("DOCTAG_SOURCE_DIR"), name);
  char *text = tu_read(path, NULL);
  assert_non_null(text);
  char lang[32];
  tag_detect_language(text, strlen(text), lang, sizeof lang);
  assert_string_equal(lang, want_lang);
  tag_request req = { .text = text, .language = lang, .num_tags = 10, .model_name = "local" };
  tag_outcome out = { 0 };
  assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
  printf("  %s:", name);
  for (size_t i = 0; i < out.count; i++)
    printf(" [%s]", out.items[i].tag);
  printf("\n");
  g_free(text);
  g_free(path);
  return out;
}

static bool has_tag(const tag_outcome *o, const char *tag)
{
  for (size_t i = 0; i < o->count; i++)
    if (!strcmp(o->items[i].tag, tag))
      return true;
  return false;
}

/* No tag holds a word of `never` (written here, not taken from the tagger's
 * lists), and every tag of `want` is one. */
static void expect_tags(const char *name, const char *lang, const char *const *never, const char *const *want)
{
  tag_outcome out = tag_file(name, lang);
  assert_true(out.count >= 5);
  for (size_t i = 0; i < out.count; i++) {
    gchar **words = g_strsplit(out.items[i].tag, " ", -1);
    for (gchar **w = words; *w; w++)
      for (const char *const *n = never; *n; n++)
        if (!strcmp(*w, *n))
          fail_msg("%s: tag \"%s\" has \"%s\"", name, out.items[i].tag, *n);
    g_strfreev(words);
    assert_true(out.items[i].evidence);
  }
  for (const char *const *t = want; *t; t++)
    if (!has_tag(&out, *t))
      fail_msg("%s: no tag \"%s\"", name, *t);
  tag_outcome_clear(&out);
}

static void test_notices_and_news(void **state)
{
  (void)state;
  /* verbs, function words with a proclitic, dates and times */
  const char *const ara_never[] = { "تعلن", "وتدعو", "وستتوفر", "يرجى", "تنصح", "ويراقب", "تجري", "وذلك", "بسبب",
                                    "يوم", "الثلاثاء", "الموافق", "مايو", "الساعة", "الثامنة", "صباحا", "عصرا",
                                    "والمياه", NULL };
  const char *const ara_want[] = { "انقطاع المياه", "مياه الشرب", "صهاريج المياه", NULL };
  expect_tags("ara_notice", "ara", ara_never, ara_want);
  const char *const news_never[] = { "تطلق", "أعلنت", "وأكدت", "وتشمل", "ويبدأ", "يشمل", "يطور", "وتنظم", "يوم",
                                     "الأحد", "أيلول", "تشرين", "سبت", "الساعة", "والتعليم", "لتعليم", NULL };
  /* root letters stay: "وزارة", "لجنة", and "تعليم" is a noun */
  const char *const news_want[] = { "وزارة التربية", "تعليم البرمجة", "لجنة التعليم", NULL };
  expect_tags("ara_news", "ara", news_never, news_want);

  /* not "בשכונה": the text has no "שכונה" to show its ב is a preposition's */
  const char *const heb_never[] = { "בשל", "ביום", "שלישי", "במאי", "מאי", "השעות", NULL };
  const char *const heb_want[] = { "הפסקת מים", NULL };
  expect_tags("heb_notice", "heb", heb_never, heb_want);
  const char *const hnews_never[] = { "ביום", "ראשון", "בספטמבר", "אוקטובר", "שלישי", "בשעה", "ארבע", "ללימוד", NULL };
  const char *const hnews_want[] = { "משרד החינוך", "לימוד תכנות", NULL };
  expect_tags("heb_news", "heb", hnews_never, hnews_want);
}

/* Persian and Urdu keep their tags: the Arabic rules are not theirs. */
static void test_persian_and_urdu(void **state)
{
  (void)state;
  const char *const none[] = { NULL };
  const char *const fas_want[] = { "شرکت آب", "منطقه شمالی شهر", NULL };
  expect_tags("fas_notice", "fas", none, fas_want);
  const char *const urd_want[] = { "فضائی آلودگی", NULL };
  expect_tags("urd", "urd", none, urd_want);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_proclitics),
    cmocka_unit_test(test_arabic_verbs),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_notices_and_news),
    cmocka_unit_test(test_persian_and_urdu),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
