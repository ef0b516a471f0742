/* Languages from Unicode scripts (how much of a text is Devanagari, how much
 * Latin, how much another script), and which tesseract models read a page. */
#include "extract/internal.h"
#include "core/iculib.h"
#include "tag/lexicon.h"
#include "tag/pos.h"

#include <string.h>

/* The minority script must reach this share of the letters (and a few words'
 * worth) before a text counts as mixed: a Hindi notice quoting one English
 * acronym is Hindi. */
#define MIXED_SHARE 0.10
#define MIXED_MIN_LETTERS 12

bool lang_is_mark(gunichar c)
{
  switch (g_unichar_type(c)) {
  case G_UNICODE_NON_SPACING_MARK:
  case G_UNICODE_SPACING_MARK:
  case G_UNICODE_ENCLOSING_MARK:
    return true;
  default:
    return c == 0x200C || c == 0x200D; /* ZWNJ, ZWJ */
  }
}

void lang_count_unichar(gunichar u, lang_counts *c)
{
  if (u < 0x80) {
    if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z')
      c->latin++;
    return;
  }
  GUnicodeScript s = g_unichar_get_script(u);
  if (s == G_UNICODE_SCRIPT_DEVANAGARI) {
    /* vowel signs and other marks belong to their letter */
    if (!lang_is_mark(u) && g_unichar_isalpha(u))
      c->deva++;
  } else if (s == G_UNICODE_SCRIPT_LATIN) {
    if (g_unichar_isalpha(u))
      c->latin++;
  } else if (g_unichar_isalpha(u)) {
    c->other++;
  }
}

void lang_count(const char *text, size_t len, lang_counts *c)
{
  if (!text)
    return;
  const char *end = text + len;
  for (const char *p = text; p < end && *p; p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char_validated(p, end - p);
    if (u == (gunichar)-1 || u == (gunichar)-2)
      break;
    lang_count_unichar(u, c);
  }
}

const char *lang_from_counts(const lang_counts *c)
{
  size_t total = c->latin + c->deva;
  if (c->other_lang && c->other > total)
    return c->other_lang;
  if (total == 0)
    return "";
  double deva = (double)c->deva / (double)total;
  bool deva_some = deva >= MIXED_SHARE && c->deva >= MIXED_MIN_LETTERS;
  bool latin_some = 1.0 - deva >= MIXED_SHARE && c->latin >= MIXED_MIN_LETTERS;
  if (deva_some && latin_some)
    return "hin+eng";
  return c->deva > c->latin ? "hin" : "eng";
}

/* Tesseract's languages for the scripts OSD names, written once. A page is
 * read with the first installed language of its script; when none is, the
 * page says which package would read it (the first language's). More are a
 * line here away; README's "OCR languages" says how to install them. Hindi,
 * Marathi, Nepali and Sanskrit share Devanagari: pages are read as Hindi
 * unless the caller names another (languages "mar"). */
typedef struct script_model {
  const char *script;         /* OSD's name */
  const char *langs[4];       /* in order of preference */
  bool headline;              /* words hang from a line drawn through them (shirorekha) */
  bool cursive;               /* a word's letters join along its baseline */
} script_model;

static const script_model script_models[] = {
  { "Latin", { "eng" }, false, false },
  { "Devanagari", { "hin", "mar", "nep", "san" }, true, false },
  { "Bengali", { "ben", "asm" }, true, false },
  { "Gurmukhi", { "pan" }, true, false },
  { "Gujarati", { "guj" }, false, false },
  { "Oriya", { "ori" }, false, false },
  { "Tamil", { "tam" }, false, false },
  { "Telugu", { "tel" }, false, false },
  { "Kannada", { "kan" }, false, false },
  { "Malayalam", { "mal" }, false, false },
  { "Arabic", { "ara", "urd", "fas" }, false, true },
  { "Han", { "chi_sim", "chi_tra" }, false, false },
  { "Japanese", { "jpn" }, false, false },
  { "Korean", { "kor" }, false, false },
  { "Hangul", { "kor" }, false, false },
  { "Thai", { "tha" }, false, false },
  { "Cyrillic", { "rus", "ukr", "bul", "srp" }, false, false },
  { "Greek", { "ell" }, false, false },
  { "Hebrew", { "heb" }, false, false },
  { "Armenian", { "hye" }, false, false },
  { "Georgian", { "kat" }, false, false },
  { "Ethiopic", { "amh" }, false, false },
  { "Khmer", { "khm" }, false, false },
  { "Lao", { "lao" }, false, false },
  { "Myanmar", { "mya" }, false, false },
  { "Sinhala", { "sin" }, false, false },
  { "Tibetan", { "bod" }, false, false },
  { "Thaana", { "div" }, false, false },
  { "Syriac", { "syr" }, false, true },
  { "Fraktur", { "frk" }, false, false },
};

/* NULL `installed`: not known, every language counts as installed. */
static bool installed_has(const char *const *installed, const char *lang)
{
  if (!installed)
    return true;
  for (size_t i = 0; installed[i]; i++)
    if (!strcmp(installed[i], lang))
      return true;
  return false;
}

void lang_package(const char *lang, char *buf, size_t len)
{
  g_snprintf(buf, len, "tesseract-ocr-%s", lang);
  for (char *p = buf; *p; p++)
    if (*p == '_')
      *p = '-';
}

/* The first installed language of a script, or NULL. */
static const char *first_installed(const script_model *m, const char *const *installed)
{
  for (size_t i = 0; i < G_N_ELEMENTS(m->langs) && m->langs[i]; i++)
    if (installed_has(installed, m->langs[i]))
      return m->langs[i];
  return NULL;
}

/* Pages in a script other than Latin are read as "eng+<its language>",
 * English first. Tesseract reads each word with the first language and
 * retries it with the second only when that reading is poor. Indian print
 * uses Latin digits, and hin reads them badly ('1' as '4', ']' or nothing):
 * with hin first those misreadings stand, with eng first the digits come out
 * right and the words eng cannot read go to hin. On the corpus's three Hindi
 * scans "eng+hin" loses 37 characters where "hin" loses 57 and "hin+eng" 90
 * (on a mixed notice "hin+eng" reads "1800" as "7800"). English is sure of
 * some words it should not have read at all (Devanagari "फ़ुट" as "He"):
 * ocr.c reads every Latin word of such a page again with the page's own
 * language and keeps the surer reading. English pages are read with "eng"
 * alone: a second language costs them time and accuracy. */
static void choose_script(const script_model *m, const char *const *installed, ocr_choice *out)
{
  const char *lang = first_installed(m, installed);
  out->script = m->script;
  if (!lang) {
    g_strlcpy(out->missing, m->langs[0], sizeof out->missing);
    return;
  }
  if (!strcmp(lang, "eng")) {
    g_strlcpy(out->lang, "eng", sizeof out->lang);
    return;
  }
  if (installed_has(installed, "eng"))
    g_snprintf(out->lang, sizeof out->lang, "eng+%s", lang);
  else
    g_strlcpy(out->lang, lang, sizeof out->lang);
}

bool lang_has_headline(const char *lang)
{
  for (size_t k = 0; lang && k < G_N_ELEMENTS(script_models); k++)
    for (size_t i = 0; i < G_N_ELEMENTS(script_models[k].langs) && script_models[k].langs[i]; i++)
      if (script_models[k].headline && lang_includes(lang, script_models[k].langs[i]))
        return true;
  return false;
}

const char *lang_native(const char *lang)
{
  if (!lang || strncmp(lang, "eng+", 4) != 0 || strchr(lang + 4, '+') || !strcmp(lang + 4, "eng"))
    return NULL;
  return lang + 4;
}

bool lang_for_ocr(const lang_counts *text, const char *osd_script, const char *const *installed, ocr_choice *out)
{
  memset(out, 0, sizeof *out);
  const script_model *m = NULL;
  /* the text layer, when it has Latin or Devanagari words, knows best */
  if (text && text->latin + text->deva >= MIXED_MIN_LETTERS && text->latin + text->deva >= text->other) {
    double deva = (double)text->deva / (double)(text->latin + text->deva);
    m = &script_models[deva <= MIXED_SHARE ? 0 : 1];
  }
  for (size_t k = 0; !m && osd_script && k < G_N_ELEMENTS(script_models); k++)
    if (!strcmp(script_models[k].script, osd_script))
      m = &script_models[k];
  if (!m)
    return false;
  choose_script(m, installed, out);
  return true;
}

bool lang_script_joins(const char *script)
{
  for (size_t k = 0; script && k < G_N_ELEMENTS(script_models); k++)
    if (!strcmp(script_models[k].script, script))
      return script_models[k].headline || script_models[k].cursive;
  return true; /* not known: nothing to say against it */
}

/* Arabic (Urdu, Persian) comes before Syriac: the first cursive script
 * with an installed language reads, else Arabic's package is named. The
 * language reads alone, not English first: the pages that come here are
 * the ones OSD could not name, Nastaliq's slanting words, which English
 * takes for Latin letters it is sure of (the tesseract CLI on the fixtures'
 * Nastaliq page: 53.65% CER with eng+urd, 36.24% with urd). */
void lang_for_cursive(const char *const *installed, ocr_choice *out)
{
  memset(out, 0, sizeof *out);
  const script_model *first = NULL;
  for (size_t k = 0; k < G_N_ELEMENTS(script_models); k++) {
    const script_model *m = &script_models[k];
    if (!m->cursive)
      continue;
    if (!first)
      first = m;
    const char *lang = first_installed(m, installed);
    if (lang) {
      out->script = m->script;
      g_strlcpy(out->lang, lang, sizeof out->lang);
      return;
    }
  }
  choose_script(first, installed, out);
}

size_t lang_installed_models(const char *const *installed, const char **scripts, const char **langs, size_t max)
{
  size_t n = 0;
  for (size_t k = 0; installed && k < G_N_ELEMENTS(script_models) && n < max; k++) {
    const char *lang = first_installed(&script_models[k], installed);
    bool seen = false; /* Korean and Hangul share a model */
    for (size_t j = 0; lang && j < n && !seen; j++)
      seen = !strcmp(langs[j], lang);
    if (lang && !seen) {
      scripts[n] = script_models[k].script;
      langs[n++] = lang;
    }
  }
  return n;
}

bool lang_includes(const char *langs, const char *lang)
{
  size_t len = strlen(lang);
  for (const char *p = langs; p && *p;) {
    const char *end = strchr(p, '+');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == len && !strncmp(p, lang, len))
      return true;
    p = end ? end + 1 : p + n;
  }
  return false;
}

const char *lang_alternative(const char *lang)
{
  if (strcmp(lang, "eng") == 0 || strcmp(lang, "hin") == 0)
    return "eng+hin";
  return NULL;
}

/* Whether the n ASCII letters and digits at w (n <= 40) are an English
 * word: WordNet's, an inflection, a stop word. */
static bool english_run(const char *w, size_t n)
{
  char low[48];
  for (size_t i = 0; i < n; i++)
    low[i] = g_ascii_tolower(w[i]);
  low[n] = '\0';
  pos_info info;
  return lex_is_stop(low) || pos_lookup(low, &info);
}

/* Latin words of an OCR reading (runs of ASCII letters and digits with two
 * letters or more) and how many of them are English: WordNet's words, their
 * inflections, stop words. A tesseract model made to read a script it does
 * not know makes up words ("MogZNbygqomn", "YM3IMN"): few of them are
 * English, where a poor scan of English still reads mostly as words. */
void lang_english_words(const char *text, size_t *words, size_t *english)
{
  *words = *english = 0;
  for (const char *p = text; p && *p;) {
    if (!g_ascii_isalnum(*p)) {
      p++;
      continue;
    }
    const char *w = p;
    size_t letters = 0;
    bool digit = false;
    while (g_ascii_isalnum(*p)) {
      letters += g_ascii_isalpha(*p) != 0;
      digit |= g_ascii_isdigit(*p) != 0;
      p++;
    }
    /* a word glued to a letter of another script is no English word either */
    bool glued = (w > text && (unsigned char)w[-1] >= 0x80) || (unsigned char)*p >= 0x80;
    if (letters < 2 || (size_t)(p - w) > 40)
      continue;
    (*words)++;
    if (!digit && !glued)
      *english += english_run(w, (size_t)(p - w));
  }
}

bool lang_is_english_word(const char *word)
{
  for (const char *p = word; p && *p;) {
    if (!g_ascii_isalpha(*p)) {
      p++;
      continue;
    }
    const char *w = p;
    while (g_ascii_isalpha(*p))
      p++;
    if (p - w >= 2 && ((size_t)(p - w) > 40 || !english_run(w, (size_t)(p - w))))
      return false;
  }
  return true;
}

/* Whether `c` is a vowel sign or other combining mark of a script of its
 * own (not an Inherited accent, which any script takes). */
static bool script_mark(gunichar c)
{
  GUnicodeType t = g_unichar_type(c);
  GUnicodeScript s = g_unichar_get_script(c);
  return (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK) && s != G_UNICODE_SCRIPT_INHERITED &&
         s != G_UNICODE_SCRIPT_COMMON;
}

static bool vowel_sign(gunichar c)
{
  return iculib_int_property((UChar32)c, UCHAR_INDIC_SYLLABIC_CATEGORY) == U_INSC_VOWEL_DEPENDENT;
}

/* No word begins with a vowel sign or virama: the mark belongs to the
 * letter before it, and tesseract split a word there (Kannada
 * "ಸ್ತ್ರೀಪುರುಷ" read as "ಸ್ತ್ರೀ ೇಪುರುಷ" from the 240 PPI scan made 300).
 * The word joins the one before it on its line when that one ends in a
 * letter or mark of the same script; a vowel sign goes when that letter
 * already carries one (a syllable takes one: the second is the split's
 * echo of the first; ICU's Indic syllabic category says which marks are
 * vowel signs). In place: the text only shrinks. */
void lang_join_split_marks(char *text)
{
  char *out = text;
  for (const char *p = text; p && *p;) {
    if ((*p == ' ' || *p == '\t') && out > text) {
      const char *q = p;
      while (*q == ' ' || *q == '\t')
        q++;
      gunichar mark = g_utf8_get_char(q), prev = g_utf8_get_char(g_utf8_find_prev_char(text, out));
      if (*q && script_mark(mark) && g_unichar_get_script(prev) == g_unichar_get_script(mark) &&
          (g_unichar_isalpha(prev) || script_mark(prev))) {
        p = q;
        if (vowel_sign(prev) && vowel_sign(mark))
          p = g_utf8_next_char(p);
        continue;
      }
    }
    *out++ = *p++;
  }
  if (out)
    *out = '\0';
}
