/* Stop words, generic words and the light stemmer (see lexicon.h). */
#include "tag/lexicon.h"

#include <glib.h>
#include <libstemmer.h>
#include <string.h>

#include "core/embedded.h"

static GHashTable *stop_words, *generic_words, *generic_stems;

/* Stop-word lists of other languages (ISO 639-3 code -> set): Snowball's,
 * as PostgreSQL ships them (tag/data/stop_<code>.txt). */
static const char *const stop_langs[] = { "fra", "deu", "spa", "ita", "por", "nld", "swe", "nor", "dan",
                                          "fin", "hun", "rus", "tur", NULL };
static GHashTable *lang_stops; /* code -> GHashTable */

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
  gchar **lines = g_strsplit((const char *)f->data, "\n", -1);
  for (gchar **l = lines; *l; l++) {
    g_strstrip(*l);
    if (!**l || **l == '#')
      continue;
    char *w = g_utf8_normalize(*l, -1, G_NORMALIZE_NFC);
    if (w)
      g_hash_table_add(set, w);
  }
  g_strfreev(lines);
}

static gpointer load_lists(gpointer unused)
{
  (void)unused;
  stop_words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  load_list(stop_words, "tag/data/stop_en.txt");
  load_list(stop_words, "tag/data/stop_hi.txt");
  lang_stops = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_hash_table_destroy);
  for (const char *const *l = stop_langs; *l; l++) {
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char name[64];
    g_snprintf(name, sizeof name, "tag/data/stop_%s.txt", *l);
    load_list(set, name);
    g_hash_table_insert(lang_stops, (gpointer)*l, set);
  }
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

static void ensure_lists(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, load_lists, NULL);
}

bool lex_is_stop(const char *word)
{
  ensure_lists();
  return word && g_hash_table_contains(stop_words, word);
}

bool lex_is_stop_lang(const char *word, const char *lang)
{
  ensure_lists();
  if (!word)
    return false;
  char code[4] = { 0 };
  if (lang)
    g_strlcpy(code, lang, sizeof code);
  GHashTable *set = g_hash_table_lookup(lang_stops, code);
  return set ? g_hash_table_contains(set, word) : g_hash_table_contains(stop_words, word);
}

bool lex_has_stop_list(const char *lang)
{
  ensure_lists();
  char code[4] = { 0 };
  if (lang)
    g_strlcpy(code, lang, sizeof code);
  return !strcmp(code, "eng") || !strcmp(code, "hin") || g_hash_table_contains(lang_stops, code);
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
