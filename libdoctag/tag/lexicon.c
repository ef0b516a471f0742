/* Stop words, generic words and the light stemmer (see lexicon.h). */
#include "tag/lexicon.h"

#include <glib.h>
#include <libstemmer.h>
#include <string.h>

#include "core/embedded.h"
#include "tag/segment.h"

static GHashTable *stop_words, *generic_words, *generic_stems;
static GHashTable *hindi_stop_words; /* loaded when a Devanagari word is first asked about */

static gpointer load_hindi(gpointer unused);

/* Stop-word lists of other languages (ISO 639-3 code -> set): Snowball's,
 * as PostgreSQL ships them (tag/data/stop_<code>.txt). */
static const char *const stop_langs[] = { "fra", "deu", "spa", "ita", "por", "nld", "swe", "nor", "dan",
                                          "fin", "hun", "rus", "tur", "tha", NULL };
static GHashTable *lang_stop_sets[G_N_ELEMENTS(stop_langs)]; /* loaded on first use */
static GOnce lang_stop_once[G_N_ELEMENTS(stop_langs)];

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

static const char *const date_words[] = {
  "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
  "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
  "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
  "sun", "जनवरी", "फ़रवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर",
  "सितम्बर", "अक्टूबर", "अक्तूबर", "नवंबर", "नवम्बर", "दिसंबर", "दिसम्बर", "सोमवार", "मंगलवार",
  "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार", NULL
};

/* Adds each non-comment line of an embedded list to `set`, NFC-normalised. */
static void load_list(GHashTable *set, const char *name)
{
  const embedded_file *f = embedded_find(name);
  g_return_if_fail(f != NULL);
  /* line by line in place: one allocation per word kept, none per line */
  const char *p = (const char *)f->data, *end = p + strlen(p);
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
    const char *s = p;
    p = nl ? nl + 1 : end;
    while (s < e && g_ascii_isspace(*s))
      s++;
    while (e > s && g_ascii_isspace(e[-1]))
      e--;
    if (s == e || *s == '#')
      continue;
    char *w = seg_is_ascii(s, e) ? g_strndup(s, (gsize)(e - s)) : g_utf8_normalize(s, e - s, G_NORMALIZE_NFC); /* ASCII is NFC */
    if (w)
      g_hash_table_add(set, w);
  }
}

static gpointer load_lists(gpointer unused)
{
  (void)unused;
  stop_words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  load_list(stop_words, "tag/data/stop_en.txt");
  generic_words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  load_list(generic_words, "tag/data/generic.txt");
  /* single generic words also by stem: "notes" like "note" */
  generic_stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, generic_words);
  while (g_hash_table_iter_next(&it, &k, NULL))
    if (!strchr(k, ' '))
      g_hash_table_add(generic_stems, lex_stem(k));
  return NULL;
}

static gpointer load_hindi(gpointer unused)
{
  (void)unused;
  hindi_stop_words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  load_list(hindi_stop_words, "tag/data/stop_hi.txt");
  return NULL;
}

static void ensure_lists(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, load_lists, NULL);
}

/* The word with a typographic apostrophe (U+2019) as ASCII's: "couldn’t"
 * is the stop word "couldn't". NULL when it has none. */
static char *plain_apostrophe(const char *word)
{
  if (!strstr(word, "\u2019"))
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

bool lex_is_stop(const char *word)
{
  ensure_lists();
  if (!word)
    return false;
  char *plain = plain_apostrophe(word);
  if (plain) {
    bool stop = lex_is_stop(plain);
    g_free(plain);
    return stop;
  }
  /* Devanagari (U+0900..U+097F) is 0xE0 0xA4..0xA5 in UTF-8 */
  if ((unsigned char)word[0] == 0xE0 && ((unsigned char)word[1] & 0xFE) == 0xA4) {
    static GOnce once = G_ONCE_INIT;
    g_once(&once, load_hindi, NULL);
    return g_hash_table_contains(hindi_stop_words, word);
  }
  return g_hash_table_contains(stop_words, word);
}

static gpointer load_lang(gpointer index)
{
  size_t i = GPOINTER_TO_SIZE(index) - 1;
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char name[64];
  g_snprintf(name, sizeof name, "tag/data/stop_%s.txt", stop_langs[i]);
  load_list(set, name);
  lang_stop_sets[i] = set;
  return set;
}

/* The stop-word set of a language other than English and Hindi, or NULL. */
static GHashTable *lang_stop_set(const char *lang)
{
  if (lang && (!strncmp(lang, "eng", 3) || !strncmp(lang, "hin", 3)))
    return NULL; /* the common case, asked for every word: not in the table */
  for (size_t i = 0; lang && stop_langs[i]; i++)
    if (!strncmp(lang, stop_langs[i], 3) && (!lang[3] || lang[3] == '+'))
      return g_once(&lang_stop_once[i], load_lang, GSIZE_TO_POINTER(i + 1));
  return NULL;
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
  GHashTable *set = lang_stop_set(lang);
  if (set)
    return g_hash_table_contains(set, word);
  return lex_is_stop(word);
}

bool lex_has_stop_list(const char *lang)
{
  if (!lang)
    return false;
  return !strncmp(lang, "eng", 3) || !strncmp(lang, "hin", 3) || lang_stop_set(lang) != NULL;
}

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
  if (strcmp(lang, "fra") && strcmp(lang, "ita"))
    return w;
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
  return lex_stem(word);
}

bool lex_is_generic(const char *word)
{
  ensure_lists();
  if (!word)
    return false;
  if (g_hash_table_contains(generic_words, word))
    return true;
  if (strchr(word, ' '))
    return false;
  char *st = lex_stem(word);
  bool generic = g_hash_table_contains(generic_stems, st);
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

bool lex_is_connector(const char *word) { return in_list(connectors, word); }
bool lex_is_date_word(const char *word) { return in_list(date_words, word); }

static bool ends_with(const GString *s, const char *suffix)
{
  size_t n = strlen(suffix);
  return s->len >= n && memcmp(s->str + s->len - n, suffix, n) == 0;
}

/* English: Snowball's English (Porter 2) stemmer, which merges
 * "supplies"/"supply", "fixes"/"fix", "upgrading"/"upgrade" and, unlike the
 * light stemmer it replaces, "decomposition"/"decompose". Short words stay
 * (Snowball would fold "news" into "new"). */
static char *stem_en(const char *word)
{
  if (strlen(word) <= 3)
    return g_strdup(word);
  char *r = snowball_stem(0, word);
  return r ? r : g_strdup(word);
}

/* Hindi: fold the nukta and chandrabindu (spelling variants: ज़िला/जिला,
 * जाएँ/जाएं), then strip the plural and oblique endings. */
static char *stem_hi(const char *word)
{
  GString *s = g_string_sized_new(strlen(word));
  for (const char *p = word; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == 0x093C)
      continue;
    g_string_append_unichar(s, c == 0x0901 ? 0x0902 : c);
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
  for (const char *p = word; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c >= 0x0900 && c <= 0x097F)
      return stem_hi(word);
  }
  return stem_en(word);
}

char *lex_stem_phrase(const char *phrase)
{
  GString *out = g_string_new(NULL);
  /* "object-oriented" and "object oriented" compare equal */
  gchar **words = g_strsplit_set(phrase ? phrase : "", " -", -1);
  for (gchar **w = words; *w; w++) {
    if (!**w)
      continue;
    char *st = lex_stem(*w);
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
