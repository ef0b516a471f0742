/* Languages from Unicode scripts: we ship English and Hindi, so the question
 * is how much of a text is Devanagari and how much Latin. */
#include "extract/internal.h"

#include <string.h>

/* The minority script must reach this share of the letters (and a few words'
 * worth) before a text counts as mixed: a Hindi notice quoting one English
 * acronym is Hindi. */
#define MIXED_SHARE 0.10
#define MIXED_MIN_LETTERS 12

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
    if (!garble_is_mark(u) && g_unichar_isalpha(u))
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
  if (total == 0)
    return "";
  double deva = (double)c->deva / (double)total;
  bool deva_some = deva >= MIXED_SHARE && c->deva >= MIXED_MIN_LETTERS;
  bool latin_some = 1.0 - deva >= MIXED_SHARE && c->latin >= MIXED_MIN_LETTERS;
  if (deva_some && latin_some)
    return "hin+eng";
  return c->deva > c->latin ? "hin" : "eng";
}

const char *extract_detect_language(const char *text, size_t len)
{
  lang_counts c = { 0 };
  lang_count(text, len, &c);
  return lang_from_counts(&c);
}

/* Hindi is read as "eng+hin", English first, on pages of either script.
 * Tesseract reads each word with the first language and retries it with the
 * second only when that reading is poor. Hindi print uses Latin digits, and
 * the hin model reads them badly ('1' as '4', ']' or nothing): with hin first
 * those misreadings stand, with eng first the digits come out right and the
 * Devanagari words (Devanagari digits included), which eng cannot read, go
 * to hin. On the corpus's three Hindi scans "eng+hin" loses 37 characters
 * where "hin" loses 57 and "hin+eng" 90 (and on a mixed notice "hin+eng"
 * reads "1800" as "7800"), for a quarter to a third more CPU time per Hindi
 * page. English pages are read with "eng" alone: a second language costs
 * them time and accuracy. */
const char *lang_for_ocr(const lang_counts *text, const char *osd_script)
{
  if (text && text->latin + text->deva >= MIXED_MIN_LETTERS) {
    double deva = (double)text->deva / (double)(text->latin + text->deva);
    return deva <= MIXED_SHARE ? "eng" : "eng+hin";
  }
  if (osd_script && *osd_script)
    return strcmp(osd_script, "Devanagari") == 0 ? "eng+hin" : "eng";
  return NULL;
}

const char *lang_alternative(const char *lang)
{
  if (strcmp(lang, "eng") == 0 || strcmp(lang, "hin") == 0)
    return "eng+hin";
  return NULL;
}
