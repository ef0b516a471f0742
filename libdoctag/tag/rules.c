/* The post-processing rules every tagger's output goes through (rules.h):
 * normalising, the drop rules, exclusion, vocabulary, de-duplication,
 * evidence. One place, so the built-in tagger and the LLM client agree. */
#include "tag/rules.h"

#include <math.h>
#include <string.h>

#include "tag/lexicon.h"
#include "tag/segment.h"
#include "tag/semitic.h"
#include "tag/strtab.h"

#define MAX_WORD_CHARS 30
#define DEFAULT_NUM_TAGS 8

/* Roman numerals that are also ordinary words or units people tag with. */
static const char *const roman_words[] = { "mix", "cd", "dc", "cv", "xl", "civil", NULL };

/* The regular expressions are compiled when first needed: most texts'
 * tags need none (compiling them all cost a process about 100,000
 * instructions). */
static gpointer compile_lead(gpointer unused)
{
  (void)unused;
  /* bullets, quotes, hashes and list numbering: "1.", "2.3)", "a)", "iv." */
  return g_regex_new("^(?:[\\s\\x{2022}\\x{25E6}\\x{25AA}\\x{25AB}\\x{2023}\\x{2043}\\x{25CF}\\x{25CB}"
                        "\\x{25A0}\\x{25A1}\\x{27A2}\\x{27A4}\\x{25BA}\\x{25B6}\\x{00B7}*+>~#\"'`"
                        "\\x{201C}\\x{201D}\\x{2018}\\x{2019}\\x{00AB}\\x{00BB}\\-\\x{2010}-\\x{2015}]+"
                        "|\\(?\\d{1,3}(?:\\.\\d{1,3})*[.):](?!\\d)\\s*"
                        "|\\(?[a-z][.)]\\s+"
                        "|\\(?[ivx]{1,4}[.)]\\s+)+",
                        G_REGEX_CASELESS, 0, NULL);
}

static GRegex *re_lead(void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once(&once, compile_lead, NULL);
}

static gpointer compile_number(gpointer unused)
{
  (void)unused;
  /* 2024, 14, 2nd, 31st, 2024/25, 09.05.2024 (\d: any script's digits) */
  return g_regex_new("^(?:\\d+(?:st|nd|rd|th)?|\\d+(?:[./:]\\d+)+)$", 0, 0, NULL);
}

static GRegex *re_number(void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once(&once, compile_number, NULL);
}

/* Whether `w` is all of ^m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$:
 * thousands, then hundreds, tens and units each spelt one of its ten ways
 * (every way tried, as the regular expression would backtrack). */
static bool roman_from(const char *w, unsigned int place)
{
  static const char *const ways[3][10] = {
    { "cm", "cd", "", "c", "cc", "ccc", "d", "dc", "dcc", "dccc" },
    { "xc", "xl", "", "x", "xx", "xxx", "l", "lx", "lxx", "lxxx" },
    { "ix", "iv", "", "i", "ii", "iii", "v", "vi", "vii", "viii" },
  };
  if (place == 3)
    return !*w;
  for (unsigned int i = 0; i < 10; i++) {
    size_t n = strlen(ways[place][i]);
    if (!strncmp(w, ways[place][i], n) && roman_from(w + n, place + 1))
      return true;
  }
  return false;
}

static bool roman_numeral(const char *w)
{
  for (unsigned int m = 0; m <= 4; m++) {
    if (roman_from(w + m, 0))
      return true;
    if (w[m] != 'm')
      break;
  }
  return false;
}

static bool is_hyphen(gunichar c) { return c == '-' || c == 0x2010 || c == 0x2011; }

/* A cleaned tag with its compound hyphens as spaces: how tags compare. */
static char *fold_hyphens(const char *clean)
{
  return g_strdelimit(g_strdup(clean), "-", ' ');
}

static bool is_dash(gunichar c) { return c == '-' || c == '_' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212; }

static bool is_trailing_junk(gunichar c)
{
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '"' || c == '\'' ||
         c == '`' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x00AB || c == 0x00BB ||
         c == 0x0964 || c == 0x0965 || c == '*' || g_unichar_isspace(c) || is_dash(c);
}

/* Parentheses and brackets: a wrapping pair goes, an unbalanced one goes. */
static void fix_brackets(GString *s, char open, char close)
{
  size_t o = 0, c = 0;
  for (size_t i = 0; i < s->len; i++) {
    o += s->str[i] == open;
    c += s->str[i] == close;
  }
  if (o == 1 && c == 1 && s->len >= 2 && s->str[0] == open && s->str[s->len - 1] == close) {
    g_string_erase(s, 0, 1);
    g_string_truncate(s, s->len - 1);
  } else if (o != c) {
    size_t j = 0;
    for (size_t i = 0; i < s->len; i++)
      if (s->str[i] != open && s->str[i] != close)
        s->str[j++] = s->str[i];
    g_string_truncate(s, j);
  }
}

/* False when re_lead cannot match at the start of `s`: a word of letters
 * not followed by '.' or ')' (most tags) starts none of its alternatives,
 * which saves the regular expression engine's set-up per tag. */
static bool may_lead(const char *s)
{
  if ((unsigned char)*s & 0x80) {
    /* a letter of another alphabet ("किसान", "été") starts none either;
     * but U+017F and U+212A, which [a-z] matches without regard to case */
    gunichar c = g_utf8_get_char(s);
    return !g_unichar_isalpha(c) || c == 0x017F || c == 0x212A;
  }
  if (!g_ascii_isalpha(*s))
    return true;
  while (g_ascii_isalpha(*s))
    s++;
  return *s == '.' || *s == ')';
}

char *rules_clean(const char *raw)
{
  if (!raw)
    raw = "";
  size_t raw_len = strlen(raw);
  /* ASCII (most tags of most texts) is valid UTF-8 and NFC already */
  bool ascii = seg_is_ascii(raw, raw + raw_len);
  char *lower;
  if (ascii) {
    lower = g_ascii_strdown(raw, (gssize)raw_len);
  } else {
    /* NFC, then lower case: each skipped where it changes nothing */
    char *valid = g_utf8_make_valid(raw, -1);
    char *nfc = seg_is_nfc(valid, -1) ? valid : g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
    if (nfc != valid)
      g_free(valid);
    if (!nfc)
      return g_strdup("");
    if (seg_has_upper(nfc, -1)) {
      lower = g_utf8_strdown(nfc, -1);
      g_free(nfc);
    } else {
      lower = nfc;
    }
  }

  GString *s = g_string_new(lower);
  g_free(lower);
  for (int round = 0; round < 4; round++) {
    size_t before = s->len;
    GMatchInfo *mi = NULL;
    if (may_lead(s->str) && g_regex_match(re_lead(), s->str, 0, &mi)) {
      int start = 0, end = 0;
      g_match_info_fetch_pos(mi, 0, &start, &end);
      g_string_erase(s, 0, end);
    }
    g_match_info_free(mi);
    while (s->len) {
      const char *p = g_utf8_prev_char(s->str + s->len);
      if (!is_trailing_junk(g_utf8_get_char(p)))
        break;
      g_string_truncate(s, (size_t)(p - s->str));
    }
    fix_brackets(s, '(', ')');
    fix_brackets(s, '[', ']');
    if (s->len == before)
      break;
  }

  /* a hyphen inside a compound stays ("object-oriented", "covid-19"), as
   * one ASCII hyphen; other dashes, underscores and hyphens to spaces;
   * whitespace collapsed */
  GString *out = g_string_sized_new(s->len);
  bool space = false;
  for (const char *p = s->str; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (is_hyphen(c) && !space && out->len && p[1] && seg_is_word_char(g_utf8_get_char(g_utf8_next_char(p))) &&
        seg_is_word_char(g_utf8_get_char(g_utf8_prev_char(out->str + out->len)))) {
      g_string_append_c(out, '-');
      continue;
    }
    if (g_unichar_isspace(c) || is_dash(c) || c == 0x00A0) {
      space = out->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(out, ' ');
    space = false;
    g_string_append_unichar(out, c);
  }
  g_string_free(s, TRUE);
  if (ascii || seg_is_nfc(out->str, -1))
    return g_string_free(out, FALSE);
  char *res = g_utf8_normalize(out->str, -1, G_NORMALIZE_NFC);
  g_string_free(out, TRUE);
  return res ? res : g_strdup("");
}

/* (Every number starts with a digit, of any script: words do not run the
 * regex.) */
static bool is_number_word(const char *w)
{
  return *w && g_unichar_isdigit(g_utf8_get_char(w)) && g_regex_match(re_number(), w, 0, NULL);
}

static bool is_date_only(gchar **words)
{
  bool date = false;
  for (gchar **w = words; *w; w++) {
    if (lex_is_date_word(*w)) {
      date = true;
    } else if (is_number_word(*w)) {
      /* numbers alone are caught as gibberish; with a month they are a date */
    } else if (strcmp(*w, "of") && strcmp(*w, "the")) {
      return false;
    }
  }
  return date;
}

static bool is_roman(gchar **words)
{
  for (gchar **w = words; *w; w++) {
    bool listed = false;
    for (const char *const *r = roman_words; *r; r++)
      listed |= !strcmp(*r, *w);
    /* letters other than a numeral's cannot match: no regex run for them */
    if (listed || !**w || strspn(*w, "mdclxvi") != strlen(*w) || !roman_numeral(*w))
      return false;
  }
  return true;
}

/* "第二", "第五十一条": Han numerals, every word (digits are gibberish's) */
static bool is_han_number(gchar **words)
{
  for (gchar **w = words; *w; w++)
    if (!lex_is_han_number(*w))
      return false;
  return true;
}

static bool consonant_run(const char *w)
{
  unsigned int run = 0, same = 0;
  char last = 0;
  for (const char *p = w; *p; p++) {
    char c = *p;
    same = c == last ? same + 1 : 1;
    last = c;
    if (same >= 4 && g_ascii_isalpha(c))
      return true;
    if (g_ascii_isalpha(c) && !strchr("aeiouy", c)) {
      if (++run >= 6)
        return true;
    } else {
      run = 0;
    }
  }
  return false;
}

/* Letters and other characters (marks aside) of `s`, and the most
 * letters in a run of letters and digits (a mark continues one: "के";
 * "p2p" holds two, "g.s.r" one). */
static void count_letters(const char *s, unsigned int *letters, unsigned int *others, unsigned int *run)
{
  unsigned int r = 0;
  *letters = *others = *run = 0;
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    bool ascii = !((unsigned char)*p & 0x80); /* most tags: no Unicode tables */
    gunichar c = ascii ? (gunichar)*p : g_utf8_get_char(p);
    if (!ascii && g_unichar_ismark(c))
      continue;
    if (ascii ? g_ascii_isalpha(*p) : g_unichar_isalpha(c)) {
      ++*letters;
      if (++r > *run)
        *run = r;
      continue;
    }
    if (!(ascii ? g_ascii_isdigit(*p) : g_unichar_isdigit(c)))
      r = 0;
    if (!(ascii ? g_ascii_isspace(*p) : g_unichar_isspace(c)))
      ++*others;
  }
}

/* A word of a tag: letters, two of them in one run, more than its digits
 * and signs ("ieee", "so2", "p2p"; not "g.s.r.", "a1", "123(e)"). */
static bool is_word(const char *w, unsigned int min_letters)
{
  unsigned int letters, others, run;
  count_letters(w, &letters, &others, &run);
  return run >= 2 && letters >= min_letters && letters > others;
}

/* A name and its number: every word that is none is a number after a
 * name of three letters or more ("ieee 802.11", "haskell 98", "iso
 * 9001"; not "rs 500"). */
static bool is_named_number(gchar **words)
{
  bool named = false;
  for (gchar **w = words; *w; w++) {
    unsigned int letters, others, run;
    count_letters(*w, &letters, &others, &run);
    bool number = !letters && g_unichar_isdigit(g_utf8_get_char(*w));
    if (!is_word(*w, 2) && !(named && number))
      return false;
    named = is_word(*w, 3);
  }
  return true;
}

/* No word ("802.11", "g.s.r. 123(e)", a code), mostly digits and signs
 * unless a name's number, single characters, a consonant or letter run,
 * an overlong word, or scripts mixed inside a word. */
static bool is_gibberish(const char *tag, gchar **words)
{
  unsigned int letters, others, run;
  count_letters(tag, &letters, &others, &run);
  if (letters < 2 || (letters <= others && !is_named_number(words)))
    return true;
  bool any_word = false;
  for (gchar **w = words; *w && !any_word; w++)
    any_word = is_word(*w, 2);
  if (!any_word)
    return true;
  bool all_single = true;
  for (gchar **w = words; *w; w++) {
    long n = g_utf8_strlen(*w, -1);
    if (n > 1)
      all_single = false;
    if (n > MAX_WORD_CHARS || consonant_run(*w))
      return true;
    bool latin = false, deva = false;
    for (const char *p = *w; *p; p = g_utf8_next_char(p)) {
      GUnicodeScript sc = g_unichar_get_script(g_utf8_get_char(p));
      latin |= sc == G_UNICODE_SCRIPT_LATIN;
      deva |= sc == G_UNICODE_SCRIPT_DEVANAGARI;
    }
    if (latin && deva)
      return true;
  }
  return all_single;
}

/* Generic: the generic set's, or only its words and stop words (of the
 * text's Devanagari language: Hindi's "कर", do, is Marathi's and Nepali's
 * tax). */
static bool is_generic(const char *tag, gchar **words, const char *lang)
{
  if (lex_is_generic(tag))
    return true;
  const char *deva = tag_devanagari_other(lang);
  for (gchar **w = words; *w; w++)
    if (!lex_is_generic(*w) && !lex_is_stop_lang(*w, deva))
      return false;
  return true;
}

const char *rules_reject_reason(const char *clean) { return rules_reject_reason_lang(clean, NULL); }

const char *rules_reject_reason_lang(const char *clean, const char *lang)
{
  if (!clean || !*clean)
    return "empty";
  gchar **words = g_strsplit_set(clean, " -", -1); /* a compound's parts, for the rules below */
  unsigned int spaced = 1; /* ... but a compound is one word of the count */
  for (const char *p = clean; *p; p++)
    spaced += *p == ' ';
  const char *why = NULL;
  if (spaced > RULES_MAX_WORDS)
    why = "too many words";
  else if (is_date_only(words))
    why = "date";
  else if (is_roman(words))
    why = "roman numeral";
  else if (is_han_number(words))
    why = "number";
  else if (is_gibberish(clean, words))
    why = "gibberish";
  else if (is_generic(clean, words, lang))
    why = "generic";
  g_strfreev(words);
  return why;
}

char *rules_normalise(const char *raw) { return rules_normalise_lang(raw, NULL); }

char *rules_normalise_lang(const char *raw, const char *lang)
{
  char *clean = rules_clean(raw);
  if (rules_reject_reason_lang(clean, lang)) {
    g_free(clean);
    return NULL;
  }
  return clean;
}

/* The stems of a cleaned phrase's content words (all words when it has
 * none), in a set. */
static GHashTable *stem_set(const char *clean, bool content_only)
{
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gchar **words = g_strsplit_set(clean, " -", -1);
  bool any_content = false;
  for (gchar **w = words; *w; w++)
    any_content |= **w && !lex_is_stop(*w);
  for (gchar **w = words; *w; w++)
    if (**w && !(content_only && any_content && lex_is_stop(*w)))
      g_hash_table_add(set, lex_stem(*w));
  g_strfreev(words);
  return set;
}

bool rules_excluded(const char *tag, const char *const *terms, size_t n)
{
  if (!tag || !terms || !n)
    return false;
  char *c = rules_clean(tag), *t = fold_hyphens(c);
  g_free(c);
  unsigned int tag_words = 0;
  GHashTable *tag_stems = NULL;
  bool excluded = false;
  for (size_t i = 0; i < n && !excluded && *t; i++) {
    char *tc = rules_clean(terms[i]), *term = fold_hyphens(tc);
    g_free(tc);
    if (!*term) {
      g_free(term);
      continue;
    }
    if (!strcmp(term, t)) {
      excluded = true;
    } else {
      if (!tag_stems) {
        /* the tag's content words, each stem once */
        tag_stems = stem_set(t, true);
        tag_words = g_hash_table_size(tag_stems);
      }
      GHashTable *term_stems = stem_set(term, false);
      unsigned int covered = 0;
      GHashTableIter it;
      gpointer k;
      g_hash_table_iter_init(&it, tag_stems);
      while (g_hash_table_iter_next(&it, &k, NULL))
        covered += g_hash_table_contains(term_stems, k);
      g_hash_table_destroy(term_stems);
      excluded = covered > 0 && 2 * covered >= tag_words;
    }
    g_free(term);
  }
  if (tag_stems)
    g_hash_table_destroy(tag_stems);
  g_free(t);
  return excluded;
}

const char *rules_vocabulary_match(const char *tag, const char *const *vocab, size_t n)
{
  if (!tag || !vocab || !n)
    return NULL;
  char *c = rules_clean(tag), *t = fold_hyphens(c);
  g_free(c);
  const char *found = NULL;
  for (size_t i = 0; i < n && !found && *t; i++) {
    char *vc = rules_clean(vocab[i]), *v = fold_hyphens(vc);
    g_free(vc);
    if (!strcmp(v, t))
      found = vocab[i];
    g_free(v);
  }
  /* then singular/plural and other light-stem variants */
  if (!found && *t) {
    char *ts = lex_stem_phrase(t);
    for (size_t i = 0; i < n && !found; i++) {
      char *v = rules_clean(vocab[i]);
      char *vs = lex_stem_phrase(v);
      if (*vs && !strcmp(vs, ts))
        found = vocab[i];
      g_free(vs);
      g_free(v);
    }
    g_free(ts);
  }
  g_free(t);
  return found;
}

/* The text prepared for evidence: " w1 w2 ... " lower-cased with every
 * non-word character read as a space; the set of its word stems is built
 * only when a tag is not found as it is. */
typedef struct text_index {
  GString *flat;
  GHashTable *stems;
  char *text;       /* the text, valid UTF-8 */
  char *squeezed;   /* squeeze_text(text); NULL until needed */
} text_index;

/* Appends a run of word characters [s, e) to the index: lower-cased, NFC.
 * ASCII (most runs of most texts) is NFC already and needs no tables. */
static void index_word(GString *flat, const char *s, const char *e)
{
  if (seg_is_ascii(s, e)) {
    size_t at = flat->len, n = (size_t)(e - s);
    g_string_set_size(flat, at + n);
    char *d = flat->str + at;
    for (size_t i = 0; i < n; i++) /* g_ascii_tolower(), without a call */
      d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
    return;
  }
  /* NFC then lower case, each skipped where it changes nothing (Hindi) */
  if (seg_is_nfc(s, e - s) && !seg_has_upper(s, e - s)) {
    g_string_append_len(flat, s, e - s);
    return;
  }
  char *nfc = g_utf8_normalize(s, e - s, G_NORMALIZE_NFC);
  char *lower = g_utf8_strdown(nfc ? nfc : "", -1);
  g_string_append(flat, lower);
  g_free(lower);
  g_free(nfc);
}

/* seg_is_word_char() of the character at p; ASCII without a call */
static inline bool word_char_at(const char *p)
{
  if (!((unsigned char)*p & 0x80))
    return g_ascii_isalnum(*p);
  return seg_is_word_char(g_utf8_get_char(p));
}

static void index_init(text_index *ix, const char *text)
{
  char *valid = g_utf8_make_valid(text ? text : "", -1);
  /* room for the text: an ASCII run keeps its length and takes one space
   * for the characters after it */
  ix->flat = g_string_sized_new(strlen(valid) + 2);
  g_string_append_c(ix->flat, ' ');
  ix->stems = NULL;
  ix->squeezed = NULL;
  ix->text = valid;
  const char *p = valid;
  while (*p) {
    /* a run of word characters, and whether it is ASCII: most runs of
     * most texts, lower-cased here as they are copied, with no call */
    const char *s = p;
    bool ascii = true;
    for (;;) {
      if (!((unsigned char)*p & 0x80)) {
        if (!g_ascii_isalnum(*p))
          break;
        p++;
      } else {
        if (!seg_is_word_char(g_utf8_get_char(p)))
          break;
        ascii = false;
        p = g_utf8_next_char(p);
      }
    }
    if (p > s && ascii) {
      GString *flat = ix->flat;
      size_t at = flat->len, n = (size_t)(p - s);
      g_string_set_size(flat, at + n + 1);
      char *d = flat->str + at;
      for (size_t i = 0; i < n; i++) /* g_ascii_tolower(), without a call */
        d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
      d[n] = ' ';
    } else if (p > s) {
      index_word(ix->flat, s, p);
      g_string_append_c(ix->flat, ' ');
    }
    while (*p && !word_char_at(p))
      p = g_utf8_next_char(p);
  }
}

static GHashTable *index_stems(text_index *ix)
{
  if (!ix->stems) {
    ix->stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gchar **words = g_strsplit(ix->flat->str, " ", -1);
    strtab done; /* a text repeats its words: each stemmed once */
    strtab_init(&done, 256);
    for (gchar **w = words; *w; w++) {
      gpointer *seen = strtab_put(&done, *w);
      if (**w && !*seen) {
        *seen = *w;
        g_hash_table_add(ix->stems, lex_stem(*w));
        /* Arabic's and Hebrew's words with their proclitics off too:
         * "المياه" is in a text that writes "والمياه" */
        char **bare = sem_bare_forms(*w);
        for (char **b = bare; b && *b; b++)
          g_hash_table_add(ix->stems, lex_stem(*b));
        g_strfreev(bare);
        /* Korean's with their particle off: "인간" is in "인간은" */
        size_t josa = seg_josa_stem(*w);
        if (josa) {
          char *noun = g_strndup(*w, josa);
          g_hash_table_add(ix->stems, lex_stem(noun));
          g_free(noun);
        }
      }
    }
    strtab_clear(&done, NULL);
    g_strfreev(words);
  }
  return ix->stems;
}

static void index_clear(text_index *ix)
{
  g_string_free(ix->flat, TRUE);
  if (ix->stems)
    g_hash_table_destroy(ix->stems);
  g_free(ix->squeezed);
  g_free(ix->text);
}

/* A character of a script written without spaces between words; kana
 * (and the prolonged sound mark, of no script) are Japanese as Han is. */
static bool unspaced_char(gunichar c)
{
  return (c >= 0x3040 && c <= 0x30FF) || seg_unspaced_script(g_unichar_get_script(c));
}

/* `s` without the spaces next to a character of a script written without
 * spaces between words (Chinese, Japanese, Thai...): where ICU put the
 * word boundaries does not matter then. g_malloc'd. */
static char *squeeze(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  gunichar prev = 0;
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == ' ') {
      const char *n = g_utf8_next_char(p);
      if ((prev && unspaced_char(prev)) || (*n && unspaced_char(g_utf8_get_char(n))))
        continue;
    }
    g_string_append_unichar(out, c);
    prev = c;
  }
  return g_string_free(out, FALSE);
}

/* The text as the index spells it (words lower-cased, NFC), with
 * white space squeezed as squeeze() does and any other run of non-word
 * characters a line break, which no tag holds: a tag never spans
 * punctuation. g_malloc'd. */
static char *squeeze_text(const char *text)
{
  GString *flat = g_string_new(" ");
  const char *p = text;
  while (*p) {
    const char *s = p;
    while (*p && seg_is_word_char(g_utf8_get_char(p)))
      p = g_utf8_next_char(p);
    index_word(flat, s, p);
    bool punct = false;
    while (*p && !seg_is_word_char(g_utf8_get_char(p))) {
      punct |= !g_unichar_isspace(g_utf8_get_char(p));
      p = g_utf8_next_char(p);
    }
    g_string_append_c(flat, punct ? '\n' : ' ');
  }
  char *out = squeeze(flat->str);
  g_string_free(flat, TRUE);
  return out;
}

/* A tag with characters of an unspaced script is evidence when its
 * characters occur together in the text: such text has no spaces to mark
 * a word's edges, and the tagger joins the words ICU found without them. */
static bool index_has_unspaced(text_index *ix, const char *needle)
{
  bool unspaced = false;
  for (const char *p = needle; *p && !unspaced; p = g_utf8_next_char(p))
    unspaced = unspaced_char(g_utf8_get_char(p));
  if (!unspaced)
    return false;
  if (!ix->squeezed)
    ix->squeezed = squeeze_text(ix->text);
  char *n = squeeze(needle);
  g_strstrip(n);
  bool found = *n && strstr(ix->squeezed, n) != NULL;
  g_free(n);
  return found;
}

static bool index_has(text_index *ix, const char *tag)
{
  /* the tag as the index spells words: non-word characters are spaces */
  GString *needle = g_string_new(" ");
  bool space = false;
  for (const char *p = tag; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!seg_is_word_char(c)) {
      space = needle->len > 1;
      continue;
    }
    if (space)
      g_string_append_c(needle, ' ');
    space = false;
    g_string_append_unichar(needle, c);
  }
  g_string_append_c(needle, ' ');
  bool found = needle->len > 2 && strstr(ix->flat->str, needle->str) != NULL;
  if (!found && needle->len > 2)
    found = index_has_unspaced(ix, needle->str);
  if (!found && needle->len > 2) {
    /* each word (content words of a phrase) by its stem */
    gchar **words = g_strsplit(g_strstrip(needle->str), " ", -1);
    bool any_content = false;
    for (gchar **w = words; *w; w++)
      any_content |= **w && !lex_is_stop(*w);
    found = true;
    for (gchar **w = words; *w && found; w++) {
      if (!**w || (any_content && lex_is_stop(*w)))
        continue;
      char *st = lex_stem(*w);
      found = g_hash_table_contains(index_stems(ix), st);
      g_free(st);
    }
    g_strfreev(words);
  }
  g_string_free(needle, TRUE);
  return found;
}

bool rules_evidence(const char *tag, const char *text)
{
  if (!tag || !text)
    return false;
  text_index ix;
  index_init(&ix, text);
  char *clean = rules_clean(tag);
  bool found = index_has(&ix, clean);
  g_free(clean);
  index_clear(&ix);
  return found;
}

size_t rules_apply(const tag_request *req, char *const *candidates, const double *scores, size_t n,
                   tag_outcome *out)
{
  size_t limit = req->num_tags ? req->num_tags : DEFAULT_NUM_TAGS;
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (size_t i = 0; i < out->count; i++)
    g_hash_table_add(seen, lex_stem_phrase(out->items[i].tag));
  text_index ix = { 0 };
  bool indexed = false;
  size_t added = 0;
  for (size_t i = 0; i < n && out->count < limit; i++) {
    if (!candidates[i])
      continue;
    char *tag = NULL;
    if (req->vocabulary_count) {
      /* vocabulary mode: only the user's terms, spelt as the user did (the
       * drop rules do not second-guess a list the user chose) */
      const char *v = rules_vocabulary_match(candidates[i], req->vocabulary, req->vocabulary_count);
      if (v)
        tag = rules_clean(v);
    } else {
      tag = rules_normalise_lang(candidates[i], req->language);
    }
    if (!tag || !*tag || rules_excluded(tag, req->exclusion, req->exclusion_count)) {
      g_free(tag);
      continue;
    }
    char *key = lex_stem_phrase(tag);
    if (g_hash_table_contains(seen, key)) {
      g_free(key);
      g_free(tag);
      continue;
    }
    g_hash_table_add(seen, key);
    if (!indexed) {
      index_init(&ix, req->text);
      indexed = true;
    }
    double score = scores ? scores[i] : 1.0 - 0.5 * (double)i / (double)(n > 1 ? n - 1 : 1);
    if (!(score >= 0.0))
      score = 0.0; /* also NaN */
    if (score > 1.0)
      score = 1.0;
    out->items = g_renew(tag_item, out->items, out->count + 1);
    out->items[out->count++] = (tag_item){ .tag = tag, .score = score, .evidence = index_has(&ix, tag) };
    added++;
  }
  if (indexed)
    index_clear(&ix);
  g_hash_table_destroy(seen);
  return added;
}

char **rules_parse_terms(const char *text, size_t len)
{
  GPtrArray *terms = g_ptr_array_new();
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  char *copy = g_strndup(text ? text : "", text ? len : 0);
  char *body = copy;
  if (!strncmp(body, "\xEF\xBB\xBF", 3))
    body += 3; /* byte-order mark */
  char *valid = g_utf8_make_valid(body, -1);
  gchar **lines = g_strsplit_set(valid, "\r\n", -1);
  for (gchar **l = lines; *l; l++) {
    /* '#' starts a comment at the line start or after a space ("c#" stays) */
    for (char *p = *l; *p; p++) {
      if (*p == '#' && (p == *l || g_ascii_isspace(p[-1]))) {
        *p = '\0';
        break;
      }
    }
    gchar **parts = g_strsplit(*l, ",", -1);
    for (gchar **t = parts; *t; t++) {
      char *term = rules_clean(*t);
      if (*term && !g_hash_table_contains(seen, term)) {
        g_hash_table_add(seen, term);
        g_ptr_array_add(terms, term);
      } else {
        g_free(term);
      }
    }
    g_strfreev(parts);
  }
  g_strfreev(lines);
  g_free(valid);
  g_free(copy);
  g_hash_table_destroy(seen);
  g_ptr_array_add(terms, NULL);
  return (char **)g_ptr_array_free(terms, FALSE);
}
