/* Arabic's and Hebrew's proclitics, dates and Arabic's imperfect verbs
 * (see semitic.h). */
#include "tag/semitic.h"

#include <string.h>

#include "tag/lexicon.h"
#include "tag/lexicon_lists.h"
#include "tag/segment.h"

#define AL "\u0627\u0644" /* ال */
#define HE "\u05D4"       /* ה */
/* Letters a stripped word keeps at least: a function word, a word of the text */
#define MIN_FUNCTION 2
#define MIN_KNOWN 3
/* Letters from which a Hebrew word that starts with ה is read as one with the article */
#define MIN_ARTICLED 5

bool sem_lang(const char *lang) { return lang && (!strncmp(lang, "ara", 3) || !strncmp(lang, "heb", 3)); }

static bool arabic(const char *lang) { return !strncmp(lang, "ara", 3); }

/* One-letter prepositions: Arabic's ب ل ك, Hebrew's ב ל מ כ. */
static const gunichar prepositions[] = { 0x0628, 0x0644, 0x0643, 0x05D1, 0x05DC, 0x05DE, 0x05DB };

/* Prepositions after which a verb-shaped word is a noun ("في تطوير"). */
static const char *const arabic_prepositions[] = {
  "في", "من", "إلى", "الى", "على", "عن", "مع", "بعد", "قبل", "خلال", "حول", "عبر", "نحو", "ضد", "لدى", "عند", "بين", NULL
};

static bool in(const char *const *list, const char *w)
{
  for (; w && *list; list++)
    if (!strcmp(*list, w))
      return true;
  return false;
}

/* Arabic: the rest of `w` after the article where a preposition governs
 * it: ب ل ك before the article ("بالمعرض", "للمعرض", و or ف before them),
 * or `prev` a preposition ("في المعرض", "وفي المعرض"); else NULL. */
static const char *governed_rest(const char *prev, const char *w)
{
  static const char *const articled[] = { "بال", "كال", "لل", "وبال", "وكال", "ولل", "فبال", "فلل", NULL };
  const char *rest = NULL;
  for (const char *const *a = articled; !rest && *a; a++)
    if (g_str_has_prefix(w, *a))
      rest = w + strlen(*a);
  if (!rest && prev && g_str_has_prefix(w, AL) &&
      (in(arabic_prepositions, prev) || ((g_str_has_prefix(prev, "و") || g_str_has_prefix(prev, "ف")) &&
                                         in(arabic_prepositions, g_utf8_next_char(prev)))))
    rest = w + strlen(AL);
  return rest && g_utf8_strlen(rest, -1) >= MIN_KNOWN ? rest : NULL;
}

void sem_text_init(sem_text *st, const GArray *toks)
{
  st->words = g_hash_table_new(g_str_hash, g_str_equal);
  st->al_rest = g_hash_table_new(g_str_hash, g_str_equal);
  st->chunk = g_string_chunk_new(1024);
  st->after_prep = g_hash_table_new(g_str_hash, g_str_equal);
  st->governed = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < toks->len; i++) {
    const seg_token *t = &g_array_index(toks, seg_token, i);
    const char *w = t->word;
    if (t->kind != SEG_WORD)
      continue;
    g_hash_table_add(st->words, (gpointer)w);
    const seg_token *p = i > 0 && !t->brk ? &g_array_index(toks, seg_token, i - 1) : NULL;
    const char *governed = governed_rest(p && p->kind == SEG_WORD ? p->word : NULL, w);
    if (governed)
      g_hash_table_add(st->governed, (gpointer)governed);
    /* "ال" after at most two proclitic letters: "المياه", "والمياه", "وبالطاقة" */
    const char *al = strstr(w, AL);
    if (al && al - w <= 4 && g_utf8_strlen(al + strlen(AL), -1) >= MIN_KNOWN)
      g_hash_table_add(st->al_rest, (gpointer)(al + strlen(AL)));
    gunichar c = g_utf8_get_char(w);
    const char *rest = g_utf8_next_char(w);
    for (guint b = 0; b < G_N_ELEMENTS(prepositions); b++)
      if (c == prepositions[b] && g_utf8_strlen(rest, -1) >= MIN_KNOWN) {
        guint seen = GPOINTER_TO_UINT(g_hash_table_lookup(st->after_prep, rest));
        g_hash_table_insert(st->after_prep, (gpointer)rest, GUINT_TO_POINTER(seen | 1u << b));
      }
  }
}

void sem_text_clear(sem_text *st)
{
  g_hash_table_destroy(st->words);
  g_hash_table_destroy(st->al_rest);
  g_hash_table_destroy(st->after_prep);
  g_hash_table_destroy(st->governed);
  g_string_chunk_free(st->chunk);
}

/* The day words: a weekday follows them ("يوم الثلاثاء", "יום שלישי"). */
static bool day_word(const char *w) { return w && (!strcmp(w, "يوم") || !strcmp(w, "יום")); }

/* Units of time: before a weekday or a month ("يوم الثلاثاء", "شهر نوفمبر",
 * "חודש אוקטובר") or "next", "last" ("العام المقبل", "בחודש הבא") they
 * name a date. */
static bool time_unit(const char *w)
{
  static const char *const units[] = { "يوم", "شهر", "أسبوع", "اسبوع", "عام", "سنة", "اليوم", "الشهر", "الأسبوع",
                                       "الاسبوع", "العام", "السنة", "יום", "חודש", "שבוע", "שנה", NULL };
  return in(units, w);
}

static bool relative_time(const char *w)
{
  static const char *const rel[] = { "القادم", "القادمة", "المقبل", "المقبلة", "الماضي", "الماضية", "הבא", "הבאה",
                                     "שעבר", "שעברה", "הקרוב", "הקרובה", NULL };
  return in(rel, w);
}

/* Hebrew names its weekdays but the last by ordinals: a weekday only after a day word. */
static bool hebrew_ordinal_day(const char *w)
{
  static const char *const days[] = { "ראשון", "שני", "שלישי", "רביעי", "חמישי", "שישי", NULL };
  return in(days, w);
}

static bool known(const sem_text *st, const char *core, const char *lang)
{
  if (g_hash_table_contains(st->words, core))
    return true;
  /* after two different prepositions: "בשכונה", "לשכונה" */
  guint seen = GPOINTER_TO_UINT(g_hash_table_lookup(st->after_prep, core));
  if (seen & (seen - 1))
    return true;
  if (arabic(lang))
    return g_hash_table_contains(st->al_rest, core) ||
           (g_str_has_prefix(core, AL) && g_hash_table_contains(st->words, core + strlen(AL)));
  /* the article before a word that begins with ו doubles it ("הוועד"):
   * "הו" and a consonant is a hif'il's or hof'al's form ("הודיע"), which
   * leaves "מודיע", its participle, its מ */
  char buf[256];
  if (!(g_str_has_prefix(core, "ו") && !g_str_has_prefix(core, "וו")) &&
      g_snprintf(buf, sizeof buf, HE "%s", core) < (int)sizeof buf && g_hash_table_contains(st->words, buf))
    return true;
  return g_str_has_prefix(core, HE) && g_hash_table_contains(st->words, core + strlen(HE));
}

bool sem_pronoun_prep(const char *word, const char *lang)
{
  /* the prepositions as they are written before a suffix (على, إلى, لدى
   * with ي), the suffixes but the first person's ي ("علي" is also Ali) */
  static const char *const preps[] = { "علي", "إلي", "الي", "لدي", "في", "من", "عن", "مع", "عند", "ب", "ل", NULL };
  static const char *const suffixes[] = { "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", NULL };
  if (!lang || !arabic(lang))
    return false;
  for (const char *const *p = preps; *p; p++) {
    if (!g_str_has_prefix(word, *p))
      continue;
    if (in(suffixes, word + strlen(*p)))
      return true;
  }
  return false;
}

static bool acceptable(const sem_text *st, const char *core, const char *lang, sem_function_fn is_function, void *data)
{
  glong n = g_utf8_strlen(core, -1);
  if (n >= MIN_FUNCTION &&
      (is_function(core, data) || sem_pronoun_prep(core, lang) || lex_is_date_word(core) || time_unit(core)))
    return true;
  return n >= MIN_KNOWN && known(st, core, lang);
}

/* Proclitic sequences, longest first: Arabic's conjunction then
 * preposition, Hebrew's conjunction, relative, preposition. */
static const char *const arabic_clitics[] = { "وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك", NULL };
static const char *const hebrew_clitics[] = {
  "וכשב", "וכשל", "וכשמ", "ושב", "ושל", "ושמ", "ושכ", "וכש", "כשב", "כשל", "כשמ", "וב", "ול", "ומ", "וכ", "וש",
  "שב", "של", "שמ", "שכ", "כש", "ו", "ש", "ב", "ל", "מ", "כ", NULL
};

/* ل of a proclitic sequence followed by ل: "لل", ل and the article without its alef. */
static bool lam_al(const char *clitic, const char *rest)
{
  return g_str_has_suffix(clitic, "ل") && g_str_has_prefix(rest, "ل") && g_utf8_strlen(rest, -1) > MIN_KNOWN;
}

/* Whether `w` has the shape of an Arabic verbal noun no root letter
 * before it could begin: تفعيل ("توفير"), استفعال ("استخدام"), انفعال
 * ("انقطاع"), افتعال ("اختيار"). */
static bool masdar(const char *w)
{
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(w, -1, &n);
  bool m = (n == 5 && u[0] == 0x062A && u[3] == 0x064A) ||
           (n == 7 && u[0] == 0x0627 && u[1] == 0x0633 && u[2] == 0x062A && u[5] == 0x0627) ||
           (n == 6 && u[0] == 0x0627 && u[1] == 0x0646 && u[4] == 0x0627) ||
           (n == 6 && u[0] == 0x0627 && u[2] == 0x062A && u[4] == 0x0627);
  g_free(u);
  return m;
}

/* Hebrew: whether the text writes `word` whole after the article or a
 * one-letter preposition, its first ו doubled or not ("הוועד", "בוועד",
 * "לועד"): then its first letters are the word's, not proclitics ("ועד",
 * committee, not ו + "עד"). */
static bool he_whole(const sem_text *st, const char *word)
{
  static const char *const before[] = { HE, "ב", "ל", "מ", NULL };
  char buf[256];
  for (const char *const *b = before; *b; b++) {
    if (g_snprintf(buf, sizeof buf, "%s%s", *b, word) < (int)sizeof buf && g_hash_table_contains(st->words, buf))
      return true;
    if (g_str_has_prefix(word, "ו") && g_snprintf(buf, sizeof buf, "%sו%s", *b, word) < (int)sizeof buf &&
        g_hash_table_contains(st->words, buf))
      return true;
  }
  return false;
}

const char *sem_core(sem_text *st, const char *word, const char *lang, sem_function_fn is_function, void *data)
{
  if (!sem_lang(lang) || is_function(word, data))
    return word;
  bool ar = arabic(lang);
  if (!ar && he_whole(st, word))
    return word;
  for (const char *const *c = ar ? arabic_clitics : hebrew_clitics; *c; c++) {
    if (!g_str_has_prefix(word, *c))
      continue;
    const char *rest = word + strlen(*c);
    /* Arabic "لل" is ل and the article without its alef: "للسكان" is ل + "السكان" */
    if (ar && lam_al(*c, rest)) {
      char *al = g_strconcat("ا", rest, NULL);
      const char *core = g_string_chunk_insert_const(st->chunk, al);
      g_free(al);
      return core;
    }
    /* ... and a proclitic before the article is one: "بالطاقة", "والمياه" */
    if (ar && g_str_has_prefix(rest, AL) && g_utf8_strlen(rest + strlen(AL), -1) >= MIN_KNOWN)
      return rest;
    /* ... and one before a verbal noun: "لتوفير", "باستخدام" */
    if (acceptable(st, rest, lang, is_function, data) || (ar && masdar(rest)))
      return rest;
  }
  return word;
}

char **sem_bare_forms(const char *word)
{
  gunichar c = g_utf8_get_char(word);
  bool ar = c >= 0x0600 && c <= 0x06FF, he = c >= 0x0590 && c <= 0x05FF;
  if (!ar && !he)
    return NULL;
  GPtrArray *out = g_ptr_array_new();
  for (const char *const *p = ar ? arabic_clitics : hebrew_clitics; *p; p++) {
    const char *rest = word + strlen(*p);
    if (!g_str_has_prefix(word, *p) || g_utf8_strlen(rest, -1) < MIN_FUNCTION)
      continue;
    g_ptr_array_add(out, ar && lam_al(*p, rest) ? g_strconcat("ا", rest, NULL) : g_strdup(rest));
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

const char *sem_unarticled(sem_text *st, const char *core, const char *lang)
{
  if (!sem_lang(lang) || arabic(lang) || !g_str_has_prefix(core, HE))
    return core;
  const char *rest = core + strlen(HE);
  return g_utf8_strlen(rest, -1) >= MIN_KNOWN && g_hash_table_contains(st->words, rest) ? rest : core;
}

typedef struct articled {
  const sem_text *st;
  const char *lang;
} articled;

static gboolean is_articled(gpointer key, gpointer value, gpointer data)
{
  (void)value;
  const articled *a = data;
  const char *w = key;
  if (lex_is_closed_class(w, a->lang))
    return FALSE;
  if (g_str_has_prefix(w, HE) && g_utf8_strlen(w, -1) >= MIN_ARTICLED)
    return TRUE;
  char buf[256];
  return g_snprintf(buf, sizeof buf, HE "%s", w) < (int)sizeof buf && g_hash_table_contains(a->st->words, buf);
}

void sem_drop_articled(const sem_text *st, GHashTable *guessed, const char *lang)
{
  articled a = { st, lang };
  if (guessed && sem_lang(lang) && !arabic(lang))
    g_hash_table_foreach_remove(guessed, is_articled, &a);
}

const char *sem_base(sem_text *st, const char *word, const char *lang, sem_function_fn is_function, void *data)
{
  return sem_unarticled(st, sem_core(st, word, lang, is_function, data), lang);
}

bool sem_date_word(const char *core, const char *prev, const char *next, const char *lang)
{
  if (!sem_lang(lang))
    return false;
  if (lex_is_date_word(core))
    return true;
  if (time_unit(core) && (lex_is_date_word(next) || relative_time(next) || (day_word(core) && hebrew_ordinal_day(next))))
    return true;
  return (relative_time(core) && time_unit(prev)) || (hebrew_ordinal_day(core) && day_word(prev));
}

bool sem_after_hour(const char *prev, const char *lang)
{
  static const char *const hour[] = { "الساعة", "ساعة", "שעה", "השעה", NULL };
  for (const char *const *h = hour; prev && sem_lang(lang) && *h; h++)
    if (!strcmp(*h, prev))
      return true;
  return false;
}

/* Arabic letters the patterns below name. */
enum {
  AR_ALEF = 0x0627,
  AR_HAMZA_ALEF = 0x0623,
  AR_TEH = 0x062A,
  AR_NOON = 0x0646,
  AR_SEEN = 0x0633,
  AR_WAW = 0x0648,
  AR_YEH = 0x064A,
  AR_MEEM = 0x0645,
  AR_TEH_MARBUTA = 0x0629,
  AR_ALEF_MAKSURA = 0x0649
};

/* Whether Arabic `rest` (a word after its "ال") has an adjective's shape:
 * a nisba's "ـي", "ـية" ("العربي", "الشمسية"), فعيل ("الصغير"), فاعل
 * ("الثالث", "العامة"), the plural فعال ("الصغار"), a participle's م
 * ("المتحدة", "المقبل") or أفعل ("الأكبر"),
 * each also with the feminine's ة; `fem`: it ends in ة, `elative`: an
 * أفعل, which has no feminine's ending. */
static bool ar_adjective_shape(const char *rest, bool *fem, bool *elative)
{
  glong n;
  gunichar *x = g_utf8_to_ucs4_fast(rest, -1, &n);
  *fem = n > 0 && x[n - 1] == AR_TEH_MARBUTA;
  glong m = *fem ? n - 1 : n;
  *elative = n == 4 && x[0] == AR_HAMZA_ALEF; /* the same for both genders */
  bool adj = m >= 2 && x[m - 1] == AR_YEH;
  adj = adj || (m == 3 && x[1] == AR_ALEF); /* a doubled root's فاعّ: "العامة", "الخاص" */
  /* أفعل without ة: أفعلة is a broken plural's ("الأجنحة", "الأدوية") */
  adj = adj || (m == 4 && (x[2] == AR_YEH || x[1] == AR_ALEF || x[2] == AR_ALEF || (x[0] == AR_HAMZA_ALEF && !*fem)));
  adj = adj || (m >= 4 && x[0] == AR_MEEM);
  g_free(x);
  return adj;
}

/* Whether Arabic `rest` (of ar_adjective_shape()'s shape) is a noun of
 * the text: one it writes after a preposition, which governs a noun ("في
 * المعرض"); not a nisba nor a word of three letters, "في العام" (in the
 * year) beside "النقل العام" (public transport). */
static bool ar_governed_noun(const sem_text *st, const char *rest)
{
  glong n = g_utf8_strlen(rest, -1) - (g_str_has_suffix(rest, "\u0629") ? 1 : 0);
  return n >= 4 && g_hash_table_contains(st->governed, rest) && !g_str_has_suffix(rest, "\u064A") &&
         !g_str_has_suffix(rest, "\u064A\u0629");
}

bool sem_definite_break(sem_text *st, const char *prev, const char *core, const char *lang)
{
  if (!prev || !sem_lang(lang))
    return false;
  if (arabic(lang)) {
    if (!g_str_has_prefix(prev, AL) || g_utf8_strlen(prev, -1) <= MIN_KNOWN)
      return false;
    if (!g_str_has_prefix(core, AL))
      return true;
    /* ... and a definite word is an adjective agreeing with it, or the
     * next phrase: the subject then the object after a verb ("قرأ الأطفال
     * | القصص"). A feminine takes a feminine adjective; a broken plural
     * ("المدارس الحكومية") takes one too, so a masculine may. */
    bool fem, elative;
    if (!ar_adjective_shape(core + strlen(AL), &fem, &elative) || ar_governed_noun(st, core + strlen(AL)))
      return true;
    return g_str_has_suffix(prev, "\u0629") && !fem && !elative;
  }
  return sem_unarticled(st, prev, lang) != prev && !g_str_has_prefix(core, HE);
}

bool sem_construct_form(const char *core, const char *lang)
{
  return sem_lang(lang) && !arabic(lang) && (g_str_has_suffix(core, "\u05EA") || g_str_has_suffix(core, "\u05D9"));
}



/* Whether the `n` letters at `x` are a feminine perfect of a derived form:
 * IV أفعلت ("أعلنت", "أعدت"), VIII افتعلت ("ارتفعت"), VII انفعلت ("انخفضت"),
 * X استفعلت ("استمرت"), VI تفاعلت ("تراجعت"). A noun ends in ة, a plural in
 * ات ("أوقات", "اتصالات"), so few nouns have these shapes. */
static bool feminine_perfect(const gunichar *x, glong n)
{
  if (n < 4 || x[n - 1] != AR_TEH || x[n - 2] == AR_ALEF)
    return false;
  if (x[0] == AR_HAMZA_ALEF)
    return n <= 6;
  if (x[0] == AR_ALEF && n == 6)
    return x[2] == AR_TEH || x[1] == AR_NOON;
  if (x[0] == AR_ALEF && n == 7)
    return x[1] == AR_SEEN && x[2] == AR_TEH;
  return x[0] == AR_TEH && n == 6 && x[2] == AR_ALEF;
}

/* A root letter of a pattern's slot: not a long vowel nor a noun's ending. */
static bool ar_consonant(gunichar c)
{
  return c >= 0x0621 && c <= 0x064A && c != AR_ALEF && c != AR_WAW && c != AR_YEH && c != AR_TEH_MARBUTA &&
         c != AR_ALEF_MAKSURA;
}

/* The perfect's endings of the masculine and of the first and second
 * persons: -وا (they), -تم (you), -نا (we); NULL-terminated, two letters each. */
static const gunichar perfect_endings[][2] = { { AR_WAW, AR_ALEF }, { AR_TEH, AR_MEEM }, { AR_NOON, AR_ALEF } };

/* Letters of `x` (`n`) before a perfect's ending (0: none). */
static glong before_ending(const gunichar *x, glong n, gunichar first, gunichar second)
{
  return n > 2 && x[n - 2] == first && x[n - 1] == second ? n - 2 : 0;
}

/* Whether `y` (`m` letters) is the masculine perfect of a derived form no
 * noun has: VII انفعل ("انطلق"), VIII افتعل ("اجتمع"), X استفعل and
 * استفال ("استقبل", "استقال"); their verbal nouns hold an alef before the
 * last letter ("انطلاق", "اجتماع", "استقبال"). */
static bool derived_stem(const gunichar *y, glong m)
{
  if (m == 5 && y[0] == AR_ALEF && ar_consonant(y[3]) && ar_consonant(y[4]))
    return (y[1] == AR_NOON && ar_consonant(y[2])) || (y[2] == AR_TEH && ar_consonant(y[1]));
  return m == 6 && y[0] == AR_ALEF && y[1] == AR_SEEN && y[2] == AR_TEH && ar_consonant(y[3]) &&
         (ar_consonant(y[4]) || y[4] == AR_ALEF) && ar_consonant(y[5]);
}

/* Whether the `n` letters at `x` are a masculine perfect, or one with a
 * perfect's ending: a derived form VII, VIII, X ("استقبل", "انتقلوا",
 * "استلمنا"), IV أفعل with -وا or -تم ("أعلنوا"); any word of 5 letters or
 * more ending in -وا ("قرروا", "طالبوا"; a noun's و takes its alef at 4:
 * "عضوا") or -تم after a root letter ("قدمتم"; not "خاتم"). */
static bool masculine_perfect(const gunichar *x, glong n)
{
  if (derived_stem(x, n))
    return true;
  for (size_t e = 0; e < G_N_ELEMENTS(perfect_endings); e++) {
    glong m = before_ending(x, n, perfect_endings[e][0], perfect_endings[e][1]);
    if (m && derived_stem(x, m))
      return true;
    if (m == 4 && e < 2 && x[0] == AR_HAMZA_ALEF && ar_consonant(x[1]) && ar_consonant(x[2]) && ar_consonant(x[3]))
      return true;
    if (m >= 3 && e == 0)
      return true;
    if (m >= 3 && e == 1 && x[m - 1] != AR_ALEF)
      return true;
  }
  return false;
}

/* Whether the `n` letters at `x` are a perfect of tag/data/perfect_ara.txt
 * ("قال", "أعلن"), or one with a perfect's ending, -ت -وا -نا -تم
 * ("قالت", "أعلنوا"), a last alef or ى dropped before -ت and -وا ("دعت",
 * "أجروا"). */
static bool listed_perfect(const gunichar *x, glong n)
{
  static const char *const endings[] = { "", "ت", "وا", "نا", "تم", NULL };
  char *w = g_ucs4_to_utf8(x, n, NULL, NULL, NULL);
  bool found = false;
  size_t len = w ? strlen(w) : 0;
  for (const char *const *e = endings; w && !found && *e; e++) {
    size_t el = strlen(*e);
    if (len < el + 4 || strcmp(w + len - el, *e)) /* at least two letters before it */
      continue;
    char *stem = g_strndup(w, len - el);
    found = lex_list_has(&lex_list_perfect_ara, stem);
    for (int d = 0; !found && d < 2 && el && strcmp(*e, "نا") && strcmp(*e, "تم"); d++) {
      char *full = g_strconcat(stem, d ? "ى" : "ا", NULL);
      found = lex_list_has(&lex_list_perfect_ara, full);
      g_free(full);
    }
    g_free(stem);
  }
  g_free(w);
  return found;
}

bool sem_arabic_verb(const sem_text *st, const char *word, const char *prev)
{
  for (const char *const *p = arabic_prepositions; prev && *p; p++)
    if (!strcmp(*p, prev))
      return false;
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(word, -1, &n);
  glong i = 0;
  bool verb = false, future = false;
  for (glong j = 0; j < n; j++)
    if (u[j] >= 0x064B && u[j] <= 0x064D) /* tanween: a noun's or an adverb's ending ("صباحاً") */
      goto out;
  if (i < n && (u[i] == 0x0648 || u[i] == 0x0641)) /* و ف */
    i++;
  if (i < n && (feminine_perfect(u + i, n - i) || masculine_perfect(u + i, n - i) || listed_perfect(u + i, n - i)))
    goto article;
  if (i && listed_perfect(u, n)) { /* its و is the root's: "وافق" */
    i = 0;
    goto article;
  }
  if (i < n && (u[i] == 0x0633 || u[i] == 0x0644)) { /* س ل */
    future = u[i] == 0x0633;
    i++;
  }
  if (i >= n || !(u[i] == 0x064A || u[i] == 0x062A || u[i] == 0x0646 || (future && u[i] == 0x0623))) /* ي ت ن أ */
    goto out;
  const gunichar *x = u + i;
  glong m = n - i;
  /* three letters: ي or ت and two root letters, or a root letter and ى, of
   * a root whose weak or doubled letter the imperfect drops ("يتم", "يجب",
   * "تقع", "يعد", "تضم", "يرى"); ن and two letters is as often a noun's
   * root ("نقل", "نفط", "نص") */
  if (m == 3 && x[0] != AR_NOON && ar_consonant(x[1]) && (ar_consonant(x[2]) || x[2] == AR_ALEF_MAKSURA))
    goto article;
  if (m < 4 || m > 8)
    goto out;
  gunichar last = x[m - 1], before = x[m - 2];
  if (last == 0x0629 || (before == 0x0627 && last == 0x062A) || (before == 0x064A && (last == 0x0629 || last == 0x0627)))
    goto out; /* ة, ات, ية, يا ("تحلية", "ليبيا") */
  if (x[1] == 0x0627 || (m == 4 && x[2] == 0x0627))
    goto out; /* "تاريخ", "نظام", "يسار" */
  if (x[0] == 0x062A && m == 5 && (x[3] == 0x064A || x[3] == 0x0627 || x[2] == 0x0627))
    goto out; /* تفعيل, تفعال, تفاعل: "تعليم", "تكرار", "تعاون" */
article: {
  /* the text writes it with the article: a noun ("التقدم") */
  char *from_prefix = g_ucs4_to_utf8(u + i, n - i, NULL, NULL, NULL);
  verb = !g_hash_table_contains(st->al_rest, from_prefix);
  g_free(from_prefix);
}
out:
  g_free(u);
  return verb;
}

/* Hebrew letters the patterns below name. */
enum {
  HE_HE = 0x05D4,
  HE_VAV = 0x05D5,
  HE_YOD = 0x05D9,
  HE_LAMED = 0x05DC,
  HE_TAV = 0x05EA,
  HE_NUN = 0x05E0,
  HE_MEM_FINAL = 0x05DD,
  HE_ALEF = 0x05D0
};

/* A root letter written in a pattern's slot: not a vowel letter. */
static bool he_consonant(gunichar c) { return c >= 0x05D0 && c <= 0x05EA && c != HE_VAV && c != HE_YOD; }

static bool he_consonants(const gunichar *x, glong n)
{
  for (glong j = 0; j < n; j++)
    if (!he_consonant(x[j]))
      return false;
  return true;
}

/* Subject pronouns: the word after one that opens its clause is its verb
 * ("הוא אמר", "היא הודיעה", "אנו מבקשים"). */
static bool he_pronoun(const char *w)
{
  static const char *const pronouns[] = { "הוא", "היא", "הם", "הן", "אנו", "אנחנו", "אני", "אתם", "אתן", "אתה", NULL };
  return in(pronouns, w && g_str_has_prefix(w, "ו") && g_utf8_strlen(w, -1) > 2 ? w + strlen("ו") : w);
}

/* Whether the `n` letters at `x` have a past tense's ending after its
 * stem: -תי -נו -תם after three root letters ("החלטנו", "הגשתם": a noun
 * with the article takes no possessive ending), a pi'el's C-י-C-C
 * ("ביקשנו") or a hif'il's ה-C-C-C; -ו after three root letters ("אמרו";
 * not ה, the article's), a pi'el's ("ביקשו", "שילמו"), or a word of 5
 * letters that starts with ה ("החליטו", "הגיעו"; not "הרדיו"). */
static bool he_past(const gunichar *x, glong n)
{
  if (n >= 5 && ((x[n - 2] == HE_TAV && (x[n - 1] == HE_YOD || x[n - 1] == HE_MEM_FINAL)) ||
                 (x[n - 2] == HE_NUN && x[n - 1] == HE_VAV))) {
    glong m = n - 2;
    return (m == 3 && he_consonants(x, 3)) || (m == 4 && x[1] == HE_YOD && he_consonant(x[0]) && he_consonants(x + 2, 2)) ||
           (m == 4 && x[0] == HE_HE && he_consonants(x + 1, 3));
  }
  if (n < 4 || x[n - 1] != HE_VAV || x[n - 2] == HE_VAV || x[n - 2] == HE_YOD || x[n - 2] == HE_ALEF)
    return false;
  if (n == 4)
    return x[0] != HE_HE && he_consonants(x, 3);
  if (n == 5 && x[1] == HE_YOD && x[0] != HE_HE && he_consonant(x[0]) && he_consonants(x + 2, 2))
    return true;
  return x[0] == HE_HE && n >= 5 && n <= 7;
}

/* Whether they are a nif'al's past or present: נ and three root letters,
 * the last no ה ("נפתח", "נמסר"; not "נשמה"), or with the past's -ה or
 * -ו ("נמסרה", "נסגרו"). */
static bool he_nifal(const gunichar *x, glong n)
{
  if (n < 4 || n > 5 || x[0] != HE_NUN || !he_consonants(x + 1, 3))
    return false;
  return n == 4 ? x[3] != HE_HE : x[4] == HE_HE || x[4] == HE_VAV;
}

/* Whether they are a future's plural: י or ת, a binyan's ת, י or ו, three
 * root letters, ו ("יעברו", "יתבצעו", "יוצבו"; not "תלמידו", "ילדו"). */
static bool he_future_plural(const gunichar *x, glong n)
{
  if (n < 5 || x[n - 1] != HE_VAV || (x[0] != HE_YOD && x[0] != HE_TAV))
    return false;
  if (n == 5)
    return he_consonants(x + 1, 3);
  return n == 6 && (x[1] == HE_TAV || x[1] == HE_YOD || x[1] == HE_VAV) && he_consonants(x + 2, 3);
}

/* Whether they are an infinitive: ל and a hif'il's, hitpa'el's or
 * nif'al's ה ("להגיש", "להצטייד", "להיכנס": the article is never written
 * after ל), at least 5 letters and no noun's ending (not "להקה", "להבות");
 * or ל and a pa'al's C-C-ו-C ("לבדוק", "לפנות") where the text writes the
 * rest nowhere else ("לשבוע" beside "בשבוע" is a noun's). */
static bool he_infinitive(const sem_text *st, const gunichar *x, glong n, const char *rest)
{
  if (n < 5 || x[0] != HE_LAMED)
    return false;
  if (x[1] == HE_HE)
    return x[n - 1] != HE_HE && !(x[n - 2] == HE_VAV && x[n - 1] == HE_TAV) &&
           !(x[n - 2] == HE_YOD && (x[n - 1] == HE_MEM_FINAL || x[n - 1] == HE_TAV));
  return n == 5 && he_consonant(x[1]) && x[1] != HE_HE && he_consonant(x[2]) && x[3] == HE_VAV && !known(st, rest, "heb");
}

bool sem_hebrew_verb(const sem_text *st, const char *word, const char *prev, bool prev_opens, const char *next)
{
  if (next && !strcmp(next, "את"))
    return true; /* the object marker follows its verb: "אישרו את התקציב" */
  if (prev_opens && he_pronoun(prev))
    return true;
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(word, -1, &n);
  glong i = n > 4 && u[0] == HE_VAV ? 1 : 0; /* the conjunction: "ואמרו", "וביקשו" */
  const char *rest = g_utf8_offset_to_pointer(word, i + 1);
  bool verb = he_infinitive(st, u + i, n - i, rest) || he_past(u + i, n - i) || he_future_plural(u + i, n - i) ||
              he_nifal(u + i, n - i);
  if (verb) { /* the text writes it with the article: a noun ("החברתי" makes "חברתי" one) */
    char buf[256];
    const char *w = g_utf8_offset_to_pointer(word, i);
    verb = !(g_snprintf(buf, sizeof buf, HE "%s", w) < (int)sizeof buf && g_hash_table_contains(st->words, buf));
  }
  g_free(u);
  return verb;
}

bool sem_hebrew_participle(const char *core)
{
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(core, -1, &n);
  bool p = false;
  glong m = n; /* letters before a participle's ending: -ת, -ים, -ות */
  if (n > 4 && u[n - 1] == HE_TAV)
    m = u[n - 2] == HE_VAV ? n - 2 : n - 1;
  else if (n > 5 && u[n - 2] == HE_YOD && u[n - 1] == HE_MEM_FINAL)
    m = n - 2;
  if (n >= 4 && u[0] == 0x05DE && u[1] != HE_VAV && u[2] != HE_VAV) /* מ */
    p = u[n - 1] != HE_HE && u[n - 1] != HE_YOD && !(m < n && u[m - 1] == HE_YOD);
  else if (m == 4 && u[1] == HE_VAV && he_consonant(u[0]) && u[0] != HE_HE && he_consonants(u + 2, 2))
    p = true; /* pa'al's C-ו-C-C: "פותחת" */
  else if (m == 5 && u[0] == 0x05DE && u[1] == HE_VAV && he_consonant(u[2]) && u[3] == HE_YOD && he_consonant(u[4]))
    p = true; /* hif'il's of a root that begins in י or ו, מ-ו-C-י-C: "מודיע", "מוסיפים" */
  g_free(u);
  return p;
}

/* Whether the text writes `stem` (C-C-י-C) with a noun's or an
 * adjective's ending, -ים -ות -ה -ת, bare, with the article or a proclitic
 * ("צעירים", "הבכירים", "ובכירה"): no form of a hif'il, whose past keeps
 * its ה (the plural's is -ו: "הודיעו") and whose present is מ-C-C-י-C; then
 * a ה before it is the article's. Not "ה" with -ה, the past's feminine
 * ("החליטה"). */
static bool he_nominal_inflection(const sem_text *st, const char *stem)
{
  static const char *const before[] = { "", HE, "ו", "וה", "ב", "ל", NULL };
  static const char *const endings[] = { "ים", "ות", "ה", "ת", NULL };
  char buf[256];
  for (const char *const *b = before; *b; b++)
    for (const char *const *e = endings; *e; e++)
      if ((strcmp(*e, "ה") || !g_str_has_suffix(*b, HE)) &&
          g_snprintf(buf, sizeof buf, "%s%s%s", *b, stem, *e) < (int)sizeof buf && g_hash_table_contains(st->words, buf))
        return true;
  return false;
}

bool sem_hebrew_hifil_past(sem_text *st, const char *core)
{
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(core, -1, &n);
  glong m = n == 6 && u[5] == HE_HE ? 5 : n; /* the feminine's -ה: "החליטה" */
  bool p = m == 5 && u[0] == HE_HE && (he_consonant(u[1]) || u[1] == HE_VAV) && he_consonant(u[2]) &&
           u[3] == HE_YOD && he_consonant(u[4]) && sem_unarticled(st, core, "heb") == core;
  if (p) {
    char *stem = g_ucs4_to_utf8(u + 1, 4, NULL, NULL, NULL);
    p = stem && !he_nominal_inflection(st, stem);
    g_free(stem);
  }
  g_free(u);
  return p;
}

/* Whether the text writes `x` (`n` letters) with `prefix` before and
 * `suffix` after (either ""), و or ف before them or none. */
static bool written(const sem_text *st, const char *prefix, const gunichar *x, glong n, const char *suffix)
{
  static const char *const conjunctions[] = { "", "و", "ف" };
  char *stem = g_ucs4_to_utf8(x, n, NULL, NULL, NULL);
  bool found = false;
  for (size_t c = 0; stem && !found && c < G_N_ELEMENTS(conjunctions); c++) {
    char *w = g_strconcat(conjunctions[c], prefix, stem, suffix, NULL);
    found = g_hash_table_contains(st->words, w);
    g_free(w);
  }
  g_free(stem);
  return found;
}

bool sem_arabic_clause_verb(const sem_text *st, const char *word)
{
  glong n;
  gunichar *u = g_utf8_to_ucs4_fast(word, -1, &n);
  glong i = n > 3 && (u[0] == AR_WAW || u[0] == 0x0641) ? 1 : 0; /* و ف */
  const gunichar *x = u + i;
  glong m = n - i;
  bool verb = false;
  bool form1 = m == 3 && ar_consonant(x[0]) && ar_consonant(x[1]) && ar_consonant(x[2]);
  bool form4 = m == 4 && x[0] == AR_HAMZA_ALEF && ar_consonant(x[1]) && ar_consonant(x[2]) && ar_consonant(x[3]);
  bool form3 = m == 4 && ar_consonant(x[0]) && x[1] == AR_ALEF && ar_consonant(x[2]) && ar_consonant(x[3]);
  if (form1 || form4 || form3) {
    /* a noun: with the article, after a preposition */
    char *stem = g_ucs4_to_utf8(x, m, NULL, NULL, NULL);
    bool noun = !stem || g_hash_table_contains(st->al_rest, stem) || g_hash_table_contains(st->after_prep, stem);
    g_free(stem);
    /* a verb: with a perfect's ending, or as an imperfect (IV's drops its أ) */
    verb = !noun && (written(st, "", x, m, "ت") || written(st, "", x, m, "وا") ||
                     (form4 ? written(st, "ي", x + 1, m - 1, "") || written(st, "ت", x + 1, m - 1, "")
                            : written(st, "ي", x, m, "") || written(st, "ت", x, m, "")));
  }
  g_free(u);
  return verb;
}

/* `w` without a leading و or ف, at least 3 letters left. */
static const char *ar_unconjoined(const char *w)
{
  return (g_str_has_prefix(w, "و") || g_str_has_prefix(w, "ف")) && g_utf8_strlen(w, -1) > 3 ? g_utf8_next_char(w) : w;
}

bool sem_arabic_same_perfect(const char *word, const char *verb)
{
  const char *w = ar_unconjoined(word), *v = ar_unconjoined(verb);
  size_t vl = strlen(v);
  return !strncmp(w, v, vl) && (!strcmp(w + vl, "ت") || !strcmp(w + vl, "وا"));
}
