/* Internal: Arabic's and Hebrew's words glued to their proclitics, their
 * dates, and their verbs, for the keyphrase tagger
 * (tag/keyphrase.c). Arabic writes "and", "in", "for", "like" as one letter
 * before the word ("وذلك", "بالطاقة"), Hebrew also "the", "from", "that"
 * ("בשכונה", "והמים"); a letter that is a proclitic is as often a root
 * letter ("وزارة", "لجنة", "בית"), so a word loses one only where what is
 * left is a word of the same text or a function word. Not Urdu or Persian,
 * which write Arabic's letters without its proclitics. Thread-safe: no
 * state. */
#ifndef DOCTAG_TAG_SEMITIC_H
#define DOCTAG_TAG_SEMITIC_H

#include <glib.h>
#include <stdbool.h>

/* Whether `lang` (ISO 639-3, "ara") has the rules below: Arabic, Hebrew. */
bool sem_lang(const char *lang);

/* The words of a text as it writes them, and the rest of every word after
 * the Arabic article it carries ("المياه", "والمياه" give "مياه"). */
typedef struct sem_text {
  GHashTable *words;   /* set of seg_token words */
  GHashTable *al_rest; /* set: Arabic words' rests after "ال" */
  GHashTable *after_prep; /* rest after a one-letter preposition -> the letters seen (bits) */
  GHashTable *governed; /* set: Arabic definite words' rests after a preposition ("في المعرض", "بالمعرض") */
  GStringChunk *chunk; /* the strings sem_core() and sem_unarticled() make */
} sem_text;

/* Of `toks` (seg_split()). Release with sem_text_clear(). */
void sem_text_init(sem_text *st, const GArray *toks);
void sem_text_clear(sem_text *st);

/* Whether a word is a function word of the language: the caller's test. */
typedef bool (*sem_function_fn)(const char *word, void *data);

/* `word` without its leading conjunction and preposition proclitics
 * (Arabic و ف ب ل ك, "لل" as ل + ال; Hebrew ו ש כש ב ל מ כ; the article
 * stays, Arabic's "ال", Hebrew's ה), where what is left is a function
 * word ("وذلك", "בשל"), an Arabic preposition with a pronoun's suffix
 * ("فعليكم", sem_pronoun_prep()) or a date word of at least 2 letters, or a word the
 * text also writes without them, itself or with its article, or after two
 * different prepositions, of at least 3 ("بشارع" beside "الشارع"; "בתאגיד"
 * beside "התאגיד"; "בשכונה" beside "לשכונה"), or, in Arabic, a
 * verbal noun of a shape no root letter begins ("لتوفير", "باستخدام");
 * else `word`
 * itself. The longest such strip wins. Borrowed: `word` or a string of
 * `st`. */
const char *sem_core(sem_text *st, const char *word, const char *lang, sem_function_fn is_function, void *data);

/* Arabic: whether `word` is a preposition with a pronoun's suffix, a
 * function word ("عليكم", "منه", "لهم", "فيها"; "فعليكم" is ف and it).
 * False for other languages. */
bool sem_pronoun_prep(const char *word, const char *lang);

/* Every form of `word` with a sequence of proclitics off (those sem_core()
 * strips, by the word's script: Arabic or Hebrew letters; "لل" as "ال"),
 * at least 2 letters left: "والمياه" gives "المياه", "בשל" "של", "של".
 * Whatever the text is about: where a tag is looked for in a text
 * (tag/rules.c), "المياه" is in one that writes "والمياه". A NULL-
 * terminated array, NULL for another script; g_strfreev(). */
char **sem_bare_forms(const char *word);

/* Hebrew: `core` (sem_core()'s) without its article ה where the text
 * also writes the word without one ("המים" beside "מים"): the form
 * variants of one term share; else `core`. Arabic's Snowball stemmer takes
 * its article off itself. Borrowed, as sem_core()'s. */
const char *sem_unarticled(sem_text *st, const char *core, const char *lang);

/* sem_unarticled() of sem_core(): the form a word's stem is taken from, one
 * for the variants of a term ("לתאגיד", "התאגיד", "תאגיד"). Borrowed, as
 * sem_core()'s. */
const char *sem_base(sem_text *st, const char *word, const char *lang, sem_function_fn is_function, void *data);

/* Hebrew: takes out of `guessed` (fw_guess()'s set of the text's function
 * words) every word the text also writes with the article, and every word
 * of 5 letters or more that starts with ה: a noun's or an adjective's ("מים"
 * beside "המים": frequent, short and everywhere in a notice about water;
 * "החינוך" in a story about schools). Not the closed-class words of the
 * language, which take it too ("זה", "הזה", "הייתה"). */
void sem_drop_articled(const sem_text *st, GHashTable *guessed, const char *lang);

/* Whether `word` (lower-case, NFC, as written) names a day, a month or a
 * time of day: a month or weekday ("مايو", "أيلول", "رمضان", "במאי"), a time
 * word ("الساعة", "صباحا", "בשעה"), a unit of time before a weekday, a month
 * or "next", "last" ("يوم الثلاثاء", "شهر نوفمبر", "العام المقبل", "חודש
 * הבא") and that word after it, or a Hebrew ordinal ("שלישי") after a day
 * word: read by its neighbours (`prev`, `next`, sem_core()'s forms or
 * NULL). */
bool sem_date_word(const char *core, const char *prev, const char *next, const char *lang);

/* Whether the word after an hour word (`prev`: "الساعة الثامنة", "בשעה
 * שמונה") is the hour's number written as a word. */
bool sem_after_hour(const char *prev, const char *lang);

/* Whether a noun phrase ends between `prev` and `core` (sem_core()'s
 * forms): an adjective takes the article of the definite noun it follows,
 * and the first noun of a construct has none ("תאגיד המים", "مياه الشرب"),
 * so after a definite word one without the article is no word of its
 * phrase: a verb or a predicate ("התאגיד מבקש", "المياه تجري"). In Arabic
 * a definite word after one is an adjective agreeing with it, by its shape
 * ("الطفل الصغير", "الطاقة الشمسية"), or the next phrase: the subject then
 * the object after a verb ("قرأ الأطفال | القصص"). Definite:
 * Arabic's "ال"; Hebrew's ה where the text also writes the word without it
 * (not "הפסקת", whose ה is the noun's). An Arabic word of an adjective's shape
 * that the text also writes after a preposition is a noun, the object of
 * one ("في المعرض": "افتتح المحافظ | المعرض"), but a nisba or a doubled
 * root's فاعّ ("في العام", the year, and "النقل العام"); and أفعلة, a
 * broken plural's, no elative's, which takes no ة ("الوزير | الأجنحة"). */
bool sem_definite_break(sem_text *st, const char *prev, const char *core, const char *lang);

/* Hebrew: whether `core` ends as a construct form does, the first noun of
 * "הפסקת מים", "מחירי הדלק": in ת or י. The caller knows whether the text
 * always follows it with a noun. */
bool sem_construct_form(const char *core, const char *lang);

/* Arabic: whether `word`, as written (clitics on), has the shape of an
 * imperfect verb: ي ت ن, or أ after the future's س, after و ف س ل
 * ("تعلن", "وتدعو", "وستتوفر", "يرجى"), at least 4 letters from that prefix
 * or 3 of ي or ت and two root letters, a weak or doubled root's ("يتم",
 * "تقع", "يرى"),
 * and none of the noun patterns that share it: ة, ات or ية at the end
 * ("تحلية"), ا second or, in a 4-letter word, third ("تاريخ", "نظام"),
 * تفعيل, تفعال and تفاعل ("تعليم", "تقرير", "تكرار", "تعاون"); or of the
 * feminine perfect of a derived form, ت but not ات at the end: أفعلت,
 * افتعلت, انفعلت, استفعلت, تفاعلت ("أعلنت", "وأكدت", "ارتفعت", "تراجعت"; not
 * "أوقات"); or of a masculine perfect: one of tag/data/perfect_ara.txt
 * ("قال", "أعلن"), bare or with a perfect's ending (-ت -وا -نا -تم:
 * "قالت", "أعلنوا"), a derived form VII, VIII or X bare or with -وا -تم
 * -نا ("انطلق", "اجتمع", "استقبل", "استلمنا"; its verbal noun has an alef
 * before the last letter: "استقبال"), IV أفعل with -وا or -تم, any word of
 * 5 letters with -وا ("قرروا") or -تم ("قدمتم"); and that the text
 * never writes it with the article ("التقدم" makes "تقدم" a noun). `prev`:
 * the word before (NULL: none), a preposition before which the word is a
 * noun ("في تطوير"). */
bool sem_arabic_verb(const sem_text *st, const char *word, const char *prev);

/* Arabic: whether `word`, as written, first in its clause and before a
 * noun (the caller's test: a VSO clause's verb and subject, "وذكر التقرير"),
 * is a perfect the text also writes as a verb: a form I or II فعل, III فاعل
 * or IV أفعل (و ف before it or none) that the text writes with a perfect's
 * ending -ت -وا or as an imperfect ("ذكرت", "يذكر"; IV's without its أ:
 * "يعلن"), never with the article or after a one-letter preposition (a
 * noun: "النقل", "بنقل"). */
bool sem_arabic_clause_verb(const sem_text *st, const char *word);

/* Arabic: whether `word` is `verb` (sem_arabic_clause_verb()'s, both as
 * written) with a perfect's ending -ت or -وا, و or ف before either or none:
 * "ذكرت" of "وذكر", where no position tells. */
bool sem_arabic_same_perfect(const char *word, const char *verb);

/* Hebrew: whether `word`, as written (clitics on), is a verb: the word
 * before the object marker את ("אישרו את"), the word after a subject
 * pronoun (`prev`, as written) that opens its clause (`prev_opens`: "הוא
 * אמר", "והיא הוסיפה"); or, a conjunction ו off, of a shape no noun has:
 * an infinitive, ל before a binyan's ה ("להגיש") or a pa'al's C-C-ו-C
 * ("לבדוק") whose rest the text writes nowhere else; a past's ending
 * (-תי -נו -תם -ו) after three root letters, a pi'el's C-י-C-C or a
 * hif'il's ה ("אמרו", "ביקשו", "החלטנו", "הגשתם"); a future's plural
 * ("יעברו", "יתבצעו"); a nif'al's past or present, נ and three root
 * letters, bare or with -ה or -ו ("נפתח", "נמסרה", "נסגרו"); and that the
 * text never writes it with the article.
 * Not a present's participle (מ-...-ים: "מבקשים" and "מחשבים" share it)
 * but after a pronoun. `next`: the word after, as written (NULL: none). */
bool sem_hebrew_verb(const sem_text *st, const char *word, const char *prev, bool prev_opens, const char *next);

/* Hebrew: whether `core` (sem_core()'s) has the shape of an active
 * present participle: מ and no vowel letter ו in the next two (pi'el,
 * hif'il, hitpa'el: "מבקש", "משיקה" aside, "מתכננים"; not the passive's
 * "מפורטת", "מוקדמת", adjectives), no adjective's ending (-י, -ית, -יים,
 * -יות) nor -ה ("משפחה"); or pa'al's C-ו-C-C with -ת, -ים, -ות or none
 * ("פותחת"); or hif'il's מ-ו-C-י-C of a root that begins in י or ו
 * ("מודיע", "מוסיפים"). Nouns share the shape ("מרכז", "משרד"): the caller reads it
 * where a noun phrase cannot go on, after a definite word (the subject of
 * "משרד החינוך משיק"). */
bool sem_hebrew_participle(const char *core);

/* Hebrew: whether `core` (sem_core()'s) has the shape of a hif'il's past,
 * ה-C-C-י-C or ה-ו-C-י-C, bare or with the feminine's -ה ("החליט",
 * "הודיעה", "הכריז"), and the text never writes it without its ה (then
 * the ה is the article: "הנציג" beside "נציג"), nor with a noun's or an
 * adjective's ending, bare or after a proclitic ("הצעיר" beside "צעירים",
 * "הבכירים": a hif'il's plural past ends in -ו). Definite nouns and
 * adjectives share the shape ("הבכיר"): the caller reads it right after
 * a definite subject, as sem_hebrew_participle()'s. */
bool sem_hebrew_hifil_past(sem_text *st, const char *core);

#endif
