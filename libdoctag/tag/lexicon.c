/* Stop words, generic words and the light stemmer (see lexicon.h). */
#include "tag/lexicon.h"

#include <glib.h>
#include <libstemmer.h>
#include <string.h>

#include "tag/lexicon_lists.h"
#include "tag/pos.h"
#include "tag/segment.h"

/* The lists are hash tables built at build time (tag/lexicon_lists.h),
 * the stems of the single generic words too (tag/data/generic_stems.txt,
 * which tag_rules_test checks against lex_stem() of generic.txt). */

/* Stop-word lists of other languages (lex_stop_lists[], ISO 639-3 code ->
 * list): Snowball's, as PostgreSQL ships them (Nepali's too), stopwords-iso's
 * for Polish, Marathi and Vietnamese (tag/data/stop_<code>.txt), and Lucene's for Arabic, Bulgarian,
 * Catalan, Czech, Estonian, Basque, Persian, Irish, Galician, Greek,
 * Armenian, Indonesian, Latvian, Lithuanian, Romanian and Ukrainian
 * (cmake/Tagger.cmake). */

/* Snowball algorithm of a language code. */
static const char *const snowball[][2] = {
  { "eng", "english" }, { "fra", "french" }, { "deu", "german" }, { "spa", "spanish" }, { "ita", "italian" },
  { "por", "portuguese" }, { "nld", "dutch" }, { "swe", "swedish" }, { "nor", "norwegian" },
  { "dan", "danish" }, { "fin", "finnish" }, { "hun", "hungarian" }, { "rus", "russian" },
  { "tur", "turkish" }, { "ron", "romanian" }, { "ell", "greek" }, { "ara", "arabic" }, { "cat", "catalan" },
  { "eus", "basque" }, { "gle", "irish" }, { "ind", "indonesian" }, { "lit", "lithuanian" },
  { "nep", "nepali" }, { "srp", "serbian" }, { "tam", "tamil" }, { "hye", "armenian" }, { "yid", "yiddish" },
};

static char *stem_en(const char *word);
static char *stem_hi(const char *word);

static const char *const connectors[] = { "of", "की", "का", "के", NULL };

/* The word with a typographic apostrophe (U+2019) as ASCII's: "couldn’t"
 * is the stop word "couldn't". NULL when it has none. */
static char *plain_apostrophe(const char *word)
{
  const char *e2 = strchr(word, '\xE2'); /* U+2019 is E2 80 99 */
  if (!e2 || !strstr(e2, "\u2019"))
    return NULL;
  GString *s = g_string_new(NULL);
  for (const char *p = word; *p;) {
    if (g_str_has_prefix(p, "\u2019")) {
      g_string_append_c(s, '\'');
      p += strlen("\u2019");
    } else {
      g_string_append_c(s, *p++);
    }
  }
  return g_string_free(s, FALSE);
}

/* lex_is_stop() of a word without a typographic apostrophe */
static bool stop_plain(const char *word)
{
  /* Devanagari (U+0900..U+097F) is 0xE0 0xA4..0xA5 in UTF-8 */
  if ((unsigned char)word[0] == 0xE0 && ((unsigned char)word[1] & 0xFE) == 0xA4)
    return lex_list_has(&lex_list_stop_hi, word);
  return lex_list_has(&lex_list_stop_en, word);
}

bool lex_is_stop(const char *word)
{
  if (!word)
    return false;
  char *plain = plain_apostrophe(word);
  if (plain) {
    bool stop = stop_plain(plain);
    g_free(plain);
    return stop;
  }
  return stop_plain(word);
}

/* The stop-word list of a language other than English and Hindi, or NULL. */
/* `lang`'s list in `table` (its main language: "fra+eng" is French), or NULL. */
static const lex_list *lang_list(const lex_lang_list *table, const char *lang)
{
  for (const lex_lang_list *l = table; lang && l->code; l++)
    if (!strncmp(lang, l->code, 3) && (!lang[3] || lang[3] == '+'))
      return l->list;
  return NULL;
}

static const lex_list *lang_stop_set(const char *lang)
{
  if (lang && (!strncmp(lang, "eng", 3) || !strncmp(lang, "hin", 3)))
    return NULL; /* the common case, asked for every word: not in the table */
  return lang_list(lex_stop_lists, lang);
}

/* `word` as Lucene's list of `lang` writes its words, or NULL when as the
 * text does: Greek without accents and with a final sigma as any other
 * ("από" is "απο", "αυτούς" "αυτουσ": GreekLowerCaseFilter's), Persian with
 * Arabic's yeh, kaf and heh (PersianNormalizer's), Romanian with a cedilla
 * where today's text has a comma below ("și" is "şi"). Newly allocated. */
static char *lucene_fold(const char *word, const char *lang)
{
  bool greek = !strncmp(lang, "ell", 3), persian = !strncmp(lang, "fas", 3), romanian = !strncmp(lang, "ron", 3);
  if (!greek && !persian && !romanian)
    return NULL;
  /* Greek's accents come apart as marks; the others' letters stay whole */
  char *nfd = greek ? g_utf8_normalize(word, -1, G_NORMALIZE_NFD) : g_strdup(word);
  GString *s = g_string_new(NULL);
  for (const char *p = nfd; p && *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (greek && g_unichar_ismark(c))
      continue;
    if (greek && c == 0x03C2) /* ς */
      c = 0x03C3;
    else if (persian && c == 0x06CC) /* ی */
      c = 0x064A;
    else if (persian && c == 0x06A9) /* ک */
      c = 0x0643;
    else if (persian && (c == 0x06C1 || c == 0x06D5)) /* ہ ە */
      c = 0x0647;
    else if (romanian && (c == 0x0219 || c == 0x021B)) /* ș ț */
      c = c == 0x0219 ? 0x015F : 0x0163;
    g_string_append_unichar(s, c);
  }
  g_free(nfd);
  char *out = g_utf8_normalize(s->str, -1, G_NORMALIZE_NFC);
  g_string_free(s, TRUE);
  return out;
}

/* Japanese writes its grammar in hiragana: particles, auxiliaries and the
 * inflected endings ICU's word breaks leave beside a kanji stem ("ます",
 * "した", "われます"); names and terms are kanji or katakana. A token
 * written only in hiragana (U+3041..U+309F, with the prolonged sound mark)
 * is read as grammar. */
static bool hiragana_only(const char *w)
{
  if (!*w)
    return false;
  for (const char *p = w; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!(c >= 0x3041 && c <= 0x309F) && c != 0x30FC)
      return false;
  }
  return true;
}

bool lex_is_stop_lang(const char *word, const char *lang)
{
  if (!word)
    return false;
  char *plain = plain_apostrophe(word);
  if (plain) {
    bool stop = lex_is_stop_lang(plain, lang);
    g_free(plain);
    return stop;
  }
  const lex_list *set = lang_stop_set(lang);
  if (set == &lex_list_stop_jpn && hiragana_only(word))
    return true;
  if (!set)
    return stop_plain(word); /* its apostrophes made plain above */
  char *folded = lucene_fold(word, lang);
  bool stop = lex_list_has(set, folded ? folded : word);
  g_free(folded);
  return stop;
}

bool lex_has_stop_list(const char *lang)
{
  if (!lang)
    return false;
  return !strncmp(lang, "eng", 3) || !strncmp(lang, "hin", 3) || lang_stop_set(lang) != NULL;
}

/* `word` is in `table`'s list for `lang`; false for a NULL word. */
static bool in_lang_list(const lex_lang_list *table, const char *word, const char *lang)
{
  const lex_list *list = word ? lang_list(table, lang) : NULL;
  return list && lex_list_has(list, word);
}

bool lex_is_closed_class(const char *word, const char *lang) { return in_lang_list(lex_closed_lists, word, lang); }

bool lex_has_light_verbs(const char *lang) { return lang_list(lex_light_lists, lang) != NULL; }

bool lex_is_light_verb(const char *word, const char *lang) { return in_lang_list(lex_light_lists, word, lang); }

bool lex_is_conjunct_part(const char *word, const char *lang)
{
  return in_lang_list(lex_conjunct_lists, word, lang);
}

bool lex_is_keep_verb(const char *word, const char *lang) { return in_lang_list(lex_keep_lists, word, lang); }

/* Snowball stemmers are not thread-safe: each thread keeps its own, one per
 * algorithm, released when the thread ends. */
typedef struct stemmers {
  struct sb_stemmer *s[G_N_ELEMENTS(snowball)];
} stemmers;

static void stemmers_free(gpointer p)
{
  stemmers *st = p;
  for (size_t i = 0; i < G_N_ELEMENTS(snowball); i++)
    if (st->s[i])
      sb_stemmer_delete(st->s[i]);
  g_free(st);
}

static GPrivate thread_stemmers = G_PRIVATE_INIT(stemmers_free);

/* The Snowball stem of `word` in algorithm `i`, or NULL. */
static char *snowball_stem(size_t i, const char *word)
{
  stemmers *st = g_private_get(&thread_stemmers);
  if (!st) {
    st = g_new0(stemmers, 1);
    g_private_set(&thread_stemmers, st);
  }
  if (!st->s[i])
    st->s[i] = sb_stemmer_new(snowball[i][1], NULL);
  if (!st->s[i])
    return NULL;
  const sb_symbol *r = sb_stemmer_stem(st->s[i], (const sb_symbol *)word, (int)strlen(word));
  return r ? g_strndup((const char *)r, (gsize)sb_stemmer_length(st->s[i])) : NULL;
}

/* A word without its elided article or pronoun: "l'analyse" -> "analyse",
 * "dell'arte" -> "arte", "qu'elle" -> "elle" (French, Italian). */
const char *lex_elide(const char *w, const char *lang)
{
  if ((lang[0] != 'f' && lang[0] != 'i' && lang[0] != 'c') ||
      (strcmp(lang, "fra") && strcmp(lang, "ita") && strcmp(lang, "cat")))
    return w; /* asked for every word: most languages without a call */
  const char *ap = strchr(w, '\'');
  const char *ap2 = strstr(w, "\u2019");
  if (!ap || (ap2 && ap2 < ap))
    ap = ap2;
  if (!ap || ap - w > 5)
    return w;
  const char *rest = ap + (*ap == '\'' ? 1 : strlen("\u2019"));
  return *rest ? rest : w;
}

char *lex_stem_lang(const char *word, const char *lang)
{
  if (!word)
    return g_strdup("");
  for (size_t i = 0; lang && i < G_N_ELEMENTS(snowball); i++) {
    if (strncmp(lang, snowball[i][0], 3))
      continue;
    char *r = i == 0 ? stem_en(word) : snowball_stem(i, word);
    return r ? r : g_strdup(word);
  }
  /* a language Snowball has no stemmer for (Polish, Czech, Galician,
   * Latvian, Estonian, Urdu...): English's would strip English endings off
   * its words, so they stay as written; Hindi has its own */
  if (lang && strncmp(lang, "hin", 3) && lex_has_stop_list(lang))
    return g_strdup(word);
  return lex_stem(word);
}

bool lex_is_generic(const char *word)
{
  if (!word)
    return false;
  if (lex_list_has(&lex_list_generic, word))
    return true;
  if (strchr(word, ' '))
    return false;
  /* single generic words also by stem: "notes" like "note" */
  char *st = lex_stem(word);
  bool generic = lex_list_has(&lex_list_generic_stems, st);
  g_free(st);
  return generic;
}

static bool in_list(const char *const *list, const char *word)
{
  for (; word && *list; list++)
    if (!strcmp(*list, word))
      return true;
  return false;
}

/* Asked for every word of a phrase: "of" and the Hindi postpositions (all
 * three start with the byte 0xE0) without a walk of the list. */
bool lex_is_connector(const char *word)
{
  if (!word)
    return false;
  if (word[0] == 'o')
    return word[1] == 'f' && !word[2];
  return (unsigned char)word[0] == 0xE0 && in_list(connectors, word);
}

bool lex_is_date_word(const char *word) { return word && lex_list_has(&lex_list_date_words, word); }

bool lex_is_han_number(const char *word)
{
  /* the numerals, Japanese's legal forms (壱, 弐, 参, 拾) among them; the
   * counters of articles, clauses, items, chapters, times, dates, people,
   * things and volumes (not 度, of "百度", Baidu) */
  static const char numerals[] = "〇零一二三四五六七八九十百千万萬億亿兆两兩壱弐参拾";
  static const char counters[] = "条條項项号號章節节款段回次年月日時时分秒人名位個个件部冊册巻卷編编倍期";
  if (!word || (unsigned char)word[0] < 0xE3) /* every one of them is U+3007 or above */
    return false;
  const char *p = word;
  while (*p) {
    if (g_str_has_prefix(p, "第"))
      p += strlen("第");
    const char *digits = p;
    for (gunichar c; *p && (c = g_utf8_get_char(p)) != 0 && g_utf8_strchr(numerals, -1, c);)
      p = g_utf8_next_char(p);
    if (p == digits)
      return false;
    if (*p && g_utf8_strchr(counters, -1, g_utf8_get_char(p)))
      p = g_utf8_next_char(p);
  }
  return true;
}

static bool ends_with(const GString *s, const char *suffix)
{
  size_t n = strlen(suffix);
  return s->len >= n && memcmp(s->str + s->len - n, suffix, n) == 0;
}

/* English: Snowball's English (Porter 2) stemmer, which merges
 * "supplies"/"supply", "fixes"/"fix", "upgrading"/"upgrade" and, unlike the
 * light stemmer it replaces, "decomposition"/"decompose". Short words stay
 * (Snowball would fold "news" into "new"). A word of WordNet's table has
 * its stem there, made by the same stemmer at build time (tag/pos.h): most
 * of a text's words cost a look-up instead of a stemming. */
char *lex_stem_en(const char *word, const char *known)
{
  if (strlen(word) <= 3)
    return g_strdup(word);
  if (known)
    return g_strdup(known);
  char *r = snowball_stem(0, word);
  return r ? r : g_strdup(word);
}

static char *stem_en(const char *word)
{
  return lex_stem_en(word, strlen(word) <= 3 ? NULL : pos_stem(word));
}

/* Hindi: fold the nukta and chandrabindu (spelling variants: ज़िला/जिला,
 * जाएँ/जाएं), then strip the plural and oblique endings. */
static char *stem_hi(const char *word)
{
  GString *s;
  /* most words have neither sign: copied whole (UTF-8 of U+093C, U+0901) */
  if (!strstr(word, "\xE0\xA4\xBC") && !strstr(word, "\xE0\xA4\x81")) {
    s = g_string_new(word);
  } else {
    s = g_string_sized_new(strlen(word));
    for (const char *p = word; *p; p = g_utf8_next_char(p)) {
      gunichar c = g_utf8_get_char(p);
      if (c == 0x093C)
        continue;
      g_string_append_unichar(s, c == 0x0901 ? 0x0902 : c);
    }
  }
  static const struct { const char *suffix, *repl; } rules[] = {
    { "ियों", "ी" }, { "ियां", "ी" }, { "ओं", "" }, { "एं", "" }, { "ों", "" }, { "ें", "" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
    if (!ends_with(s, rules[i].suffix))
      continue;
    size_t keep = s->len - strlen(rules[i].suffix);
    if (g_utf8_strlen(s->str, (gssize)keep) >= 2) {
      g_string_truncate(s, keep);
      g_string_append(s, rules[i].repl);
    }
    break;
  }
  return g_string_free(s, FALSE);
}

char *lex_stem(const char *word)
{
  if (!word)
    return g_strdup("");
  /* Devanagari, U+0900..U+097F: E0 A4 80..E0 A5 BF in UTF-8 */
  for (const char *p = strchr(word, '\xE0'); p; p = strchr(p + 1, '\xE0'))
    if (((unsigned char)p[1] == 0xA4 || (unsigned char)p[1] == 0xA5) && ((unsigned char)p[2] & 0xC0) == 0x80)
      return stem_hi(word);
  return stem_en(word);
}

char *lex_stem_phrase(const char *phrase) { return lex_stem_phrase_lang(phrase, NULL); }

char *lex_stem_phrase_lang(const char *phrase, const char *lang)
{
  GString *out = g_string_new(NULL);
  /* "object-oriented" and "object oriented" compare equal */
  gchar **words = g_strsplit_set(phrase ? phrase : "", " -", -1);
  for (gchar **w = words; *w; w++) {
    if (!**w)
      continue;
    char *st = lex_stem_lang(*w, lang);
    if (out->len)
      g_string_append_c(out, ' ');
    g_string_append(out, st);
    g_free(st);
  }
  g_strfreev(words);
  return g_string_free(out, FALSE);
}

bool lex_stems_contain(char *const *big, unsigned int nbig, char *const *small, unsigned int nsmall)
{
  if (nsmall > nbig)
    return false;
  for (unsigned int i = 0; i + nsmall <= nbig; i++) {
    unsigned int j = 0;
    while (j < nsmall && !strcmp(big[i + j], small[j]))
      j++;
    if (j == nsmall)
      return true;
  }
  return false;
}
