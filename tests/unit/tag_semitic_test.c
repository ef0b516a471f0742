/* Arabic and Hebrew (tag/semitic.h): proclitics come off where the text
 * shows the bare word, root letters stay; dates and times are no tags;
 * Arabic imperfect verbs are no words of a tag, nouns of the same shape are.
 * Urdu and Persian, also written in Arabic letters, keep their own rules.
 * Whole notices and stories: tag_keyphrase_test's test_semitic_tags. */
#include "testutil.h"
#include "tag/lexicon.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/semitic.h"

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
  static const struct { const char *text, *lang, *word, *want; } cores[] = {
    /* a proclitic before a function word: the word is one */
    { "وذلك بسبب الصيانة", "ara", "وذلك", "ذلك" },
    { "لذلك تبحث", "ara", "لذلك", "ذلك" },
    { "בשל עבודות", "heb", "בשל", "של" },
    { "השתלמות בחודש אוקטובר", "heb", "בחודש", "חודש" }, /* a date's word */
    /* ... before the article: always ("ب" + "الطاقة") */
    { "تحلية المياه بالطاقة", "ara", "بالطاقة", "الطاقة" },
    { "المياه والكهرباء", "ara", "والكهرباء", "الكهرباء" },
    { "مياه الشرب للسكان", "ara", "للسكان", "السكان" },
    /* ... before a word the text writes without it, or with the article */
    { "في الشارع الرئيسي بشارع المحطة", "ara", "بشارع", "شارع" },
    { "התאגיד מודיע לתושבים כי התושבים", "heb", "לתושבים", "תושבים" },
    { "מכליות מים ליד הבית, ובמים", "heb", "ובמים", "מים" },
    { "הפסקה בשכונה ומכליות לשכונה", "heb", "בשכונה", "שכונה" }, /* after two prepositions */
    { "הפסקה בשכונה ומכליות בשכונה", "heb", "בשכונה", "בשכונה" }, /* ... not one twice */
    { "ذهب بسيارة المدير", "ara", "بسيارة", "بسيارة" },
    /* ... and before a preposition with a pronoun's suffix: ف + على + كم */
    { "فعليكم زيارة المكتبة", "ara", "فعليكم", "عليكم" },
    { "ولهم حق", "ara", "ولهم", "لهم" },
    /* ... and before a verbal noun, of a shape no root letter begins */
    { "لتوفير مياه الشرب", "ara", "لتوفير", "توفير" },
    { "باستخدام الطاقة", "ara", "باستخدام", "استخدام" },
    { "وانقطاع المياه", "ara", "وانقطاع", "انقطاع" },
    { "بترك المياه", "ara", "بترك", "بترك" }, /* no pattern: "ترك" may hold a root's ب */
    { "وتيرة النمو", "ara", "وتيرة", "وتيرة" }, /* pace: its و is the root's */
    /* root letters stay: the rest is no word of the text */
    { "وزارة التربية", "ara", "وزارة", "وزارة" },
    { "لجنة التعليم في البرلمان", "ara", "لجنة", "لجنة" },
    { "بيت لحم", "ara", "بيت", "بيت" },
    { "בית הספר היסודי", "heb", "בית", "בית" },
    { "בית ספר ולימוד בבית", "heb", "בבית", "בית" },
    { "ועדת החינוך", "heb", "ועדת", "ועדת" },
    /* a word the text also writes whole after the article or a preposition
     * keeps its first letters: "ועד" (committee) beside "הוועד", "לוועד" */
    { "ועד הבית מודיע. הוועד החליט", "heb", "ועד", "ועד" },
    { "ועד הבית מודיע. פנו לוועד", "heb", "ועד", "ועד" },
    /* the article doubles a word's first ו ("הוועד"): "הודיע" is a hif'il's
     * past, no "ודיע" with the article, and "מודיע" keeps its מ */
    { "מודיע לתושבים. התאגיד הודיע", "heb", "מודיע", "מודיע" },
    { "הודעה מהוועד. הוועד החליט", "heb", "מהוועד", "הוועד" },
    /* never below three letters for a word of the text ("ים" is one) */
    { "מים ים", "heb", "מים", "מים" },
    /* not Urdu's or Persian's */
    { "تحلية المياه بالطاقة", "fas", "بالطاقة", "بالطاقة" },
    { "وذلك", "urd", "وذلك", "وذلك" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cores); i++)
    expect_core(cores[i].text, cores[i].lang, cores[i].word, cores[i].want);
  assert_true(sem_pronoun_prep("عليكم", "ara") && sem_pronoun_prep("منها", "ara") && sem_pronoun_prep("لهم", "ara"));
  assert_false(sem_pronoun_prep("علي", "ara")); /* also Ali */
  assert_false(sem_pronoun_prep("مكتبة", "ara") || sem_pronoun_prep("عليكم", "fas"));
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
                                "سأعمل", "أعلنت", "وأكدت", "ارتفعت", "وانخفضت", "استمرت", "تراجعت" };
  for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
    expect_verb("", verbs[i], NULL, true);
  /* three letters, of roots whose weak or doubled letter the imperfect
   * drops; not ن's, as often a noun's root, nor one the text writes with
   * the article */
  const char *const short_verbs[] = { "يتم", "يجب", "تقع", "يعد", "وتضم", "يرى", "ستصل" };
  for (size_t i = 0; i < G_N_ELEMENTS(short_verbs); i++)
    expect_verb("", short_verbs[i], NULL, true);
  expect_verb("", "نفط", NULL, false);
  expect_verb("اليمن", "يمن", NULL, false);
  expect_verb("", "تعد", "في", false);
  /* masculine perfects: frequent ones by name, with a conjunction or an
   * ending; the derived forms VII, VIII, X by their pattern; any with -وا,
   * -تم, and IV's with them */
  const char *const perfects[] = { "قال", "وقال", "قالت", "قالوا", "أعلن", "أكد", "وأكد", "أضاف", "وأضاف", "قرر",
                                   "وقرر", "قررنا", "دعا", "دعت", "أجرى", "أجروا", "وافق", "ووافق", "استقبل",
                                   "واستقبل", "استقبلوا", "استلمنا", "انطلق", "اجتمع", "واتفقوا", "انتقلوا", "قدمتم",
                                   "سجلتم", "طالبوا", "أعلنوا", "فاحضروا", "استقال" };
  for (size_t i = 0; i < G_N_ELEMENTS(perfects); i++)
    expect_verb("", perfects[i], NULL, true);
  /* nouns of the same shape stay nouns */
  const char *const nouns[] = { "تعليم", "يوم", "نظام", "تقرير", "تحلية", "تاريخ", "تعاون", "تكرار", "وزارة",
                                "لجنة", "يسار", "نتيجة", "تطورات", "ليبيا", "أوقات", "أخت", "صباحاً",
                                "اتصالات", "استثمارات", "بيروت", "توقيت",
                                /* the verbal nouns of those perfects, and nouns of their letters */
                                "استقبال", "واستقبال", "إعلان", "تأكيد", "اجتماع", "انطلاق", "انتقال", "استقالة",
                                "إضافة", "قرار", "طالب", "عضوا", "خاتم", "أكبر", "أحمد", "شركتنا", "مدينتنا",
                                "بلادنا", "نقل", "بحث" };
  for (size_t i = 0; i < G_N_ELEMENTS(nouns); i++)
    expect_verb("", nouns[i], NULL, false);
  /* a word the text writes with the article is a noun; so is one after a preposition */
  expect_verb("التقدم العلمي", "تقدم", NULL, false);
  expect_verb("وبالتقدم العلمي", "تقدم", NULL, false);
  expect_verb("", "تقدم", NULL, true);
  expect_verb("", "تطوير", "في", false);
  expect_verb("قرار الاجتماع", "اجتمع", NULL, true);
  expect_verb("وكان الاستقبال حارا", "استقبل", NULL, true);
  expect_verb("كلمة القائل", "قائل", NULL, false);
}

/* sem_arabic_clause_verb() of a clause's first word in `text`. */
static void expect_clause_verb(const char *text, const char *word, bool want)
{
  GArray *toks = seg_split(text);
  sem_text st;
  sem_text_init(&st, toks);
  if (sem_arabic_clause_verb(&st, word) != want)
    fail_msg("\"%s\" first in a clause of \"%s\" is %sread as a verb", word, text, want ? "not " : "");
  sem_text_clear(&st);
  seg_free(toks);
}

static void test_arabic_clause_verbs(void **state)
{
  (void)state;
  /* first in its clause, and the text writes it as a verb elsewhere */
  expect_clause_verb("وذكر التقرير أن العدد ارتفع. كما ذكرت الصحف", "وذكر", true);
  expect_clause_verb("وحذر الخبراء من الحر. ويحذر الأطباء", "وحذر", true);
  expect_clause_verb("وأبرم الطرفان اتفاقا. وتبرم الوزارة العقود", "وأبرم", true);
  expect_clause_verb("ونافس الفريق بقوة. ونافسوا", "ونافس", true);
  /* no other form of it: a clause's first word may be a noun before its genitive */
  expect_clause_verb("وذكر التقرير أن العدد ارتفع", "وذكر", false);
  expect_clause_verb("وعلم الاجتماع فرع من العلوم", "وعلم", false);
  /* the text writes it with the article or after a preposition: a noun */
  expect_clause_verb("ونقل المياه مكلف. ينقل الصهريج الماء بنقل سريع", "ونقل", false);
  expect_clause_verb("وبحث العلماء جديد. يبحث الفريق في البحث", "وبحث", false);
  /* its forms with a perfect's ending, where no position tells */
  assert_true(sem_arabic_same_perfect("ذكرت", "وذكر"));
  assert_true(sem_arabic_same_perfect("وذكروا", "ذكر"));
  assert_false(sem_arabic_same_perfect("ذكرى", "وذكر"));
  assert_false(sem_arabic_same_perfect("ذكريات", "وذكر"));
}

/* sem_hebrew_verb() of `word` in `text`, between `prev` (opening its
 * clause or not) and `next`. */
static void expect_hebrew_verb(const char *text, const char *prev, bool opens, const char *word, const char *next,
                               bool want)
{
  GArray *toks = seg_split(text);
  sem_text st;
  sem_text_init(&st, toks);
  if (sem_hebrew_verb(&st, word, prev, opens, next) != want)
    fail_msg("\"%s\" (after \"%s\", before \"%s\") is %sread as a verb", word, prev ? prev : "", next ? next : "",
             want ? "not " : "");
  sem_text_clear(&st);
  seg_free(toks);
}

static void test_hebrew_verbs(void **state)
{
  (void)state;
  /* by their shape: infinitives, pasts' endings, futures' plurals */
  const char *const verbs[] = { "להגיש", "להודיע", "להצטייד", "להחליף", "לבדוק", "לפנות", "אמרו", "ואמרו",
                                "ביקשו", "וביקשו", "שילמו", "החלטנו", "הגשתם", "כתבתי", "ביקשנו", "החליטו",
                                "הגיעו", "יעברו", "יחזרו", "יתבצעו", "ייפתחו",
                                /* nif'al: past, present, the past's -ה and -ו */
                                "נפתח", "נמסרה", "נסגרו" };
  for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
    expect_hebrew_verb("", NULL, false, verbs[i], NULL, true);
  /* nouns: with a noun's ending, a possessive's after a vowel letter, ל
   * and a noun */
  const char *const nouns[] = { "להקה", "להבות", "להיטים", "לימוד", "ללימוד", "תלמידו", "תפקידו", "ילדו", "ביתו", "תוכנו",
                                "עבודתם", "זכותם", "לדבריו", "הרדיו", "תוכנית", "מרכז", "משרד", "ירושלים",
                                "התושבים", "מים", "הודעה", "עירנו", "לשכונה" };
  for (size_t i = 0; i < G_N_ELEMENTS(nouns); i++)
    expect_hebrew_verb("", NULL, false, nouns[i], NULL, false);
  /* a word the text writes with the article is a noun ("החברתי"); ל and
   * one the text writes after another preposition too */
  expect_hebrew_verb("", NULL, false, "חברתי", NULL, true);
  expect_hebrew_verb("המרכז החברתי", NULL, false, "חברתי", NULL, false);
  expect_hebrew_verb("", NULL, false, "לרחוב", NULL, true);
  expect_hebrew_verb("מכליות ברחוב הראשי ומכליות לרחוב", NULL, false, "לרחוב", NULL, false);
  /* by position: before the object marker, after a subject pronoun that
   * opens its clause */
  expect_hebrew_verb("", "התאגיד", false, "מבקש", "את", true);
  expect_hebrew_verb("", "הוא", true, "אמר", "כי", true);
  expect_hebrew_verb("", "והיא", true, "הוסיפה", NULL, true);
  expect_hebrew_verb("", "אנו", true, "מבקשים", "מהדיירים", true);
  expect_hebrew_verb("", "הוא", false, "מרכז", NULL, false); /* "המים הם מרכז": the copula */
  expect_hebrew_verb("", "התאגיד", false, "מבקש", "מכל", false);
  /* the shape of an active participle, read after a definite subject */
  const char *const participles[] = { "מבקש", "מבקשת", "מבקשים", "משיק", "ממליץ", "מתכננים", "פותחת", "פותח",
                                      "מודיע", "מוסיפים" };
  for (size_t i = 0; i < G_N_ELEMENTS(participles); i++)
    if (!sem_hebrew_participle(participles[i]))
      fail_msg("\"%s\" has no participle's shape", participles[i]);
  const char *const not_participles[] = { "מפורטת", "מוקדמת", "מרכזי", "מקומית", "משפחה", "מים", "מכליות", "הודעה",
                                          "תוכנית", "חדש" };
  for (size_t i = 0; i < G_N_ELEMENTS(not_participles); i++)
    if (sem_hebrew_participle(not_participles[i]))
      fail_msg("\"%s\" has a participle's shape", not_participles[i]);
}

/* The shape of a hif'il's past, read after a definite subject; not where
 * the text writes the word without its ה (an article's), nor with a noun's
 * or an adjective's ending ("הבכירים": "הבכיר" is an adjective). */
static void test_hebrew_hifil_past(void **state)
{
  (void)state;
  GArray *toks = seg_split("התאגיד הודיע. הנציג של נציג. הרופא הבכיר והרופאים הבכירים. הם הודיעו");
  sem_text st;
  sem_text_init(&st, toks);
  const char *const pasts[] = { "החליט", "הודיע", "הודיעה", "הכריז", "החליטה" };
  for (size_t i = 0; i < G_N_ELEMENTS(pasts); i++)
    if (!sem_hebrew_hifil_past(&st, pasts[i]))
      fail_msg("\"%s\" has no hif'il past's shape", pasts[i]);
  const char *const not_pasts[] = { "הנציג", "המים", "התאגיד", "הודעה", "החלטות", "הבכיר" };
  for (size_t i = 0; i < G_N_ELEMENTS(not_pasts); i++)
    if (sem_hebrew_hifil_past(&st, not_pasts[i]))
      fail_msg("\"%s\" has a hif'il past's shape", not_pasts[i]);
  sem_text_clear(&st);
  seg_free(toks);
}

/* A phrase ends after a definite word before one without the article; in
 * Arabic also before a definite one that is no adjective agreeing with it
 * (an idafa's first term has no article): the subject then the object
 * after a verb ("قرأ الأطفال | القصص"). */
static void test_definite_breaks(void **state)
{
  (void)state;
  GArray *toks = seg_split("قرأ الأطفال القصص. افتتح المحافظ المعرض. في المعرض وفي العام الماضي");
  sem_text st;
  sem_text_init(&st, toks);
  static const struct { const char *prev, *core, *lang; bool brk; } pairs[] = {
    { "المياه", "تجري", "ara", true },
    { "مياه", "الشرب", "ara", false },        /* an idafa */
    { "الأطفال", "القصص", "ara", true },      /* subject, object */
    { "البلدية", "الدعم", "ara", true },
    { "الطفل", "الصغير", "ara", false },      /* فعيل */
    { "الأطفال", "الصغار", "ara", false },    /* فعال */
    { "الطاقة", "الشمسية", "ara", false },    /* a nisba */
    { "الخليج", "العربي", "ara", false },
    { "المدارس", "الحكومية", "ara", false },  /* a broken plural's feminine */
    { "المكتبة", "العامة", "ara", false },
    { "الأمم", "المتحدة", "ara", false },     /* a participle */
    { "الحصة", "الأكبر", "ara", false },      /* an elative, either gender */
    { "الوزارة", "المشروع", "ara", true },    /* a feminine takes no masculine */
    { "المحافظ", "المعرض", "ara", true },     /* the text's noun: "في المعرض" */
    { "النقل", "العام", "ara", false },       /* "في العام" is also the year */
    { "الوزير", "الأجنحة", "ara", true },     /* أفعلة, a broken plural */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++)
    if (sem_definite_break(&st, pairs[i].prev, pairs[i].core, pairs[i].lang) != pairs[i].brk)
      fail_msg("%s \"%s %s\": %s", pairs[i].lang, pairs[i].prev, pairs[i].core, pairs[i].brk ? "no break" : "a break");
  sem_text_clear(&st);
  seg_free(toks);
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
  static const struct { const char *core, *prev, *next, *lang; bool date; } context[] = {
    /* a day word before a weekday, a Hebrew ordinal after one */
    { "يوم", NULL, "الثلاثاء", "ara", true },
    { "يوم", NULL, "الأرض", "ara", false },
    { "יום", NULL, "שלישי", "heb", true },
    { "שלישי", "יום", NULL, "heb", true },
    { "שלישי", "שלב", NULL, "heb", false },
    { "יום", NULL, "העצמאות", "heb", false },
    /* a unit of time before a month or "next", "last", and that word */
    { "شهر", NULL, "نوفمبر", "ara", true },
    { "العام", NULL, "المقبل", "ara", true },
    { "المقبل", "العام", NULL, "ara", true },
    { "חודש", NULL, "הבא", "heb", true },
    { "הבא", "חודש", NULL, "heb", true },
    { "שני", "חודש", NULL, "heb", false }, /* ordinals name days only */
    { "المقبل", "الاجتماع", NULL, "ara", false },
    { "شهر", NULL, "العسل", "ara", false },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(context); i++)
    if (sem_date_word(context[i].core, context[i].prev, context[i].next, context[i].lang) != context[i].date)
      fail_msg("%s \"%s\" between \"%s\" and \"%s\" is %sa date", context[i].lang, context[i].core,
               context[i].prev ? context[i].prev : "", context[i].next ? context[i].next : "", context[i].date ? "not " : "");
  /* the hour's number after the hour word */
  assert_true(sem_after_hour("الساعة", "ara"));
  assert_true(sem_after_hour("שעה", "heb"));
  assert_false(sem_after_hour("شركة", "ara"));
  /* a tag of them alone is a date, in every language */
  assert_true(lex_is_date_word("مايو") && lex_is_date_word("במאי") == false && lex_is_date_word("מאי"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_proclitics),
    cmocka_unit_test(test_arabic_verbs),
    cmocka_unit_test(test_arabic_clause_verbs),
    cmocka_unit_test(test_hebrew_verbs),
    cmocka_unit_test(test_hebrew_hifil_past),
    cmocka_unit_test(test_definite_breaks),
    cmocka_unit_test(test_dates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
