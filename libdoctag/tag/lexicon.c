/* Stop words, generic words and the light stemmer (see lexicon.h). */
#include "tag/lexicon.h"

#include <glib.h>
#include <string.h>

#include "core/embedded.h"

static GHashTable *stop_words, *generic_words, *generic_stems;

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

static bool is_vowel(char c) { return strchr("aeiou", c) != NULL; }

static bool has_vowel(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (is_vowel(s[i]) || (i > 0 && s[i] == 'y'))
      return true;
  return false;
}

/* After an -ing/-ed ending went: "runn" -> "run", but "bill" stays. */
static void undouble(GString *s)
{
  if (s->len >= 3) {
    char a = s->str[s->len - 1], b = s->str[s->len - 2];
    if (a == b && g_ascii_isalpha(a) && !is_vowel(a) && !strchr("lsz", a))
      g_string_truncate(s, s->len - 1);
  }
}

/* English: a deliberately light stemmer (plural, -ing, -ed, final e and y),
 * enough to merge "supplies"/"supply", "fixes"/"fix", "upgrading"/"upgrade". */
static char *stem_en(const char *word)
{
  GString *s = g_string_new(word);
  if (s->len <= 3)
    return g_string_free(s, FALSE);
  if (ends_with(s, "sses"))
    g_string_truncate(s, s->len - 2);
  else if (ends_with(s, "ies") && s->len > 4)
    g_string_truncate(s, s->len - 2); /* "supplies" -> "suppli" */
  else if (ends_with(s, "s") && !ends_with(s, "ss") && !ends_with(s, "us") && !ends_with(s, "is"))
    g_string_truncate(s, s->len - 1);

  if (ends_with(s, "ied") && s->len > 4) {
    g_string_truncate(s, s->len - 2); /* "supplied" -> "suppli" */
  } else if (ends_with(s, "ing") && s->len >= 6 && has_vowel(s->str, s->len - 3)) {
    g_string_truncate(s, s->len - 3);
    undouble(s);
  } else if (ends_with(s, "ed") && s->len >= 5 && has_vowel(s->str, s->len - 2)) {
    g_string_truncate(s, s->len - 2);
    undouble(s);
  }
  if (s->len > 3 && s->str[s->len - 1] == 'e')
    g_string_truncate(s, s->len - 1);
  else if (s->len > 3 && s->str[s->len - 1] == 'y' && !is_vowel(s->str[s->len - 2]))
    s->str[s->len - 1] = 'i';
  return g_string_free(s, FALSE);
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
