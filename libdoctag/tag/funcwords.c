/* Function words guessed from the document (see funcwords.h).
 *
 * Measured with the English and Hindi lists as the answer, the lists turned
 * off (tag_keyphrase_test's test_function_word_guess): on Inspec-dev's
 * first 100 abstracts it finds 55% of the stop words' occurrences, and 5% of
 * the words it takes are content words ("data", "time", "cost"); on 20
 * SemEval papers 64% and 6% (73% and 19% before the evenness over tenths:
 * "node", "game", "grid" are a paper's terms); on the corpus's English and
 * Hindi notices 56% and 51%, 14% and 14% ("dose", "rent"; "कृषि", "बीमा").
 * A short text (an abstract, a notice) loses only its surest ones ("the",
 * "के"): a word seen twice tells nothing.
 *
 * The owner's archive tells them as it grows (fw_archive()). Measured on
 * the dev sets read as one growing archive each (bench/keyphrase.sh
 * --history), English tagged as a language without a list or a
 * part-of-speech table (both turned off for the run), F1@5/F1@10:
 * Inspec-dev 12.88/14.51 -> 13.68/16.04, SemEval-2010-train 11.94/15.13 ->
 * 11.87/15.55, KPCrowd-train 8.96/12.82 -> 9.80/14.14 (with the
 * part-of-speech table: 18.35 -> 20.73, 18.41 -> 18.00, 15.63 -> 16.37 at
 * 10). Without it the archive's document frequencies alone weigh such a
 * word down, mildly (tag/df.c: x0.90 for a word in every one of 500
 * documents, x1.7 for a word in one): standalone to history 13.72 ->
 * 14.51, 14.56 -> 15.13, 12.12 -> 12.82. */
#include "tag/funcwords.h"

#include <math.h>
#include <string.h>

#include "tag/lexicon.h"
#include "tag/segment.h"

#define MIN_COUNT 3        /* a word seen less tells nothing */
#define MIN_SHARE 0.003    /* of the text's words */
#define MAX_LENGTH 0.75    /* letters, times the mean of the text's distinct words */
#define NEIGHBOURS 0.6     /* distinct words a side, times count^NEIGHBOURS_EXP */
#define NEIGHBOURS_EXP 0.7 /* ... fewer than one per occurrence in a long text */
#define NEIGHBOUR_LETTERS 3 /* a neighbour is told by its first letters: "쓰레기가", "쓰레기의" are one */
#define SPREAD 0.5         /* sentences it is in, times those a word placed anywhere would be */
#define BLOCKS 10          /* a long text's tenths: a term of one section is uneven over them */
#define BLOCKS_FROM 20     /* occurrences from which the word is measured over them */
#define EVENNESS 0.8       /* Juilland's D over the tenths, at least */
#define BOUND 0.5          /* of its occurrences beside one same content word: a term's part */
#define ARCHIVE_FROM 10     /* documents the text's most widespread word is in, at least */
#define ARCHIVE_SHARE 0.5   /* of that word's documents, at least */

typedef struct fw_stat {
  unsigned int n, capped, sentences, last_sentence;
  unsigned int left, right;       /* distinct words before, after */
  unsigned int with_left, with_right; /* occurrences with a word before, after */
  unsigned int bound;             /* occurrences beside its most frequent neighbour on one side, */
  const char *bound_to;           /* that neighbour, not a known function word */
  unsigned int block[BLOCKS]; /* occurrences in each tenth of the text's words */
} fw_stat;

/* Juilland's D of the counts in the tenths: 1 for a word spread evenly, 0
 * for one in a single tenth. */
static double evenness(const fw_stat *st)
{
  double mean = (double)st->n / BLOCKS, var = 0;
  for (int i = 0; i < BLOCKS; i++)
    var += (st->block[i] - mean) * (st->block[i] - mean);
  return 1 - sqrt(var / BLOCKS) / mean / sqrt(BLOCKS - 1);
}

/* The first NEIGHBOUR_LETTERS characters of `w`: where the neighbour
 * differs only by its ending (an attached particle or case) it is the same
 * word. Returns `buf`. */
static const char *neighbour_key(const char *w, char *buf, size_t size)
{
  const char *e = w;
  for (int i = 0; i < NEIGHBOUR_LETTERS && *e; i++)
    e = g_utf8_next_char(e);
  size_t n = (size_t)(e - w) < size - 1 ? (size_t)(e - w) : size - 1;
  memcpy(buf, w, n);
  buf[n] = '\0';
  return buf;
}

/* Letters, not counting combining marks (Indic vowel signs, Arabic harakat). */
static unsigned int letters(const char *w)
{
  unsigned int n = 0;
  for (const char *p = w; *p; p = g_utf8_next_char(p))
    n += !g_unichar_ismark(g_utf8_get_char(p));
  return n;
}

/* Counts one more occurrence of `key` in `pairs`; the count. */
static unsigned int count_pair(GHashTable *pairs, const char *key)
{
  unsigned int *n = g_hash_table_lookup(pairs, key);
  if (!n) {
    n = g_new0(unsigned int, 1);
    g_hash_table_insert(pairs, g_strdup(key), n);
  }
  return ++*n;
}

GHashTable *fw_guess(const GArray *tokens, GUnicodeScript script, const char *lang)
{
  GHashTable *out = g_hash_table_new(g_str_hash, g_str_equal);
  if (seg_unspaced_script(script))
    return out;
  GHashTable *stats = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  GHashTable *pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free); /* -> occurrences */
  GString *pair = g_string_new(NULL);
  unsigned int total = 0, words = 0, sentence = 0;
  for (guint i = 0; i < tokens->len; i++) {
    const seg_token *t = &g_array_index(tokens, seg_token, i);
    total += t->kind == SEG_WORD && !t->particle && seg_word_script(t->word) == script;
  }
  double letters_sum = 0;
  const char *prev = NULL;
  fw_stat *prev_st = NULL;
  for (guint i = 0; i < tokens->len; i++) {
    const seg_token *t = &g_array_index(tokens, seg_token, i);
    /* a clause: punctuation ends one too (Urdu's "۔" is no sentence end
     * to the segmenter, and a comma's clause tells spread as well) */
    bool clause = t->sentence || t->brk;
    sentence += clause;
    if (clause)
      prev = NULL;
    if (t->particle) /* a Korean particle split off its noun: the noun's neighbour is the next word */
      continue;
    if (t->kind != SEG_WORD || seg_word_script(t->word) != script) {
      prev = NULL;
      continue;
    }
    fw_stat *st = g_hash_table_lookup(stats, t->word);
    if (!st) {
      st = g_new0(fw_stat, 1);
      st->last_sentence = G_MAXUINT;
      g_hash_table_insert(stats, t->word, st);
    }
    st->n++;
    st->block[(guint64)words * BLOCKS / total]++;
    st->capped += t->cap || t->acronym;
    if (st->last_sentence != sentence) {
      st->sentences++;
      st->last_sentence = sentence;
    }
    words++;
    if (st->n == 1)
      letters_sum += letters(t->word);
    if (prev) {
      prev_st->with_right++;
      st->with_left++;
      char a[32], b[32];
      /* the word before and this one's start; this one and the start of the one before */
      g_string_printf(pair, "R%s\x1f%s", prev, neighbour_key(t->word, b, sizeof b));
      unsigned int n = count_pair(pairs, pair->str);
      prev_st->right += n == 1;
      if (n > prev_st->bound && !lex_is_closed_class(t->word, lang)) {
        prev_st->bound = n;
        prev_st->bound_to = t->word;
      }
      g_string_printf(pair, "L%s\x1f%s", t->word, neighbour_key(prev, a, sizeof a));
      n = count_pair(pairs, pair->str);
      st->left += n == 1;
      if (n > st->bound && !lex_is_closed_class(prev, lang)) {
        st->bound = n;
        st->bound_to = prev;
      }
    }
    prev = t->word;
    prev_st = st;
  }
  unsigned int sentences = sentence + 1;
  double mean = g_hash_table_size(stats) ? letters_sum / g_hash_table_size(stats) : 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, stats);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const fw_stat *st = v;
    if (lex_is_closed_class(k, lang)) { /* known: a short text shows too little of it */
      g_hash_table_add(out, k);
      continue;
    }
    if (st->n < MIN_COUNT || st->n < MIN_SHARE * words || st->capped * 2 > st->n)
      continue;
    if (letters(k) > MAX_LENGTH * mean)
      continue;
    /* many different words beside it: on both sides together, as a copula
     * ends its clause ("છે", "ہے"), and on each side where it has words (a
     * term has its head after it: "해양 쓰레기가", "해양 쓰레기의") */
    if (st->left + st->right < 2 * NEIGHBOURS * pow(st->n, NEIGHBOURS_EXP) ||
        st->left < NEIGHBOURS * pow(st->with_left, NEIGHBOURS_EXP) ||
        st->right < NEIGHBOURS * pow(st->with_right, NEIGHBOURS_EXP))
      continue;
    /* the sentences a word of n occurrences placed at random would be in */
    double anywhere = sentences * (1 - pow(1 - 1.0 / sentences, st->n));
    if (st->sentences < SPREAD * anywhere)
      continue;
    if (st->n >= BLOCKS_FROM && evenness(st) < EVENNESS)
      continue;
    g_hash_table_add(out, k);
  }
  /* Half its occurrences beside one same word that is no function word,
   * known or guessed: a part of a term ("ನೀರು ಸರಬರಾಜು", water supply, four
   * times of five), where a function word is beside another ("of the");
   * three times at least: twice tells nothing. */
  GPtrArray *parts = g_ptr_array_new();
  g_hash_table_iter_init(&it, out);
  while (g_hash_table_iter_next(&it, &k, NULL)) {
    const fw_stat *st = g_hash_table_lookup(stats, k);
    if (st->bound >= MIN_COUNT && st->bound > BOUND * st->n && !g_hash_table_contains(out, st->bound_to) &&
        !lex_is_closed_class(k, lang))
      g_ptr_array_add(parts, k);
  }
  for (guint i = 0; i < parts->len; i++)
    g_hash_table_remove(out, parts->pdata[i]);
  g_ptr_array_free(parts, TRUE);
  g_string_free(pair, TRUE);
  g_hash_table_destroy(pairs);
  g_hash_table_destroy(stats);
  return out;
}

/* The word after token `i` in its clause, past at most one stop word
 * that is no light verb (Hindi's list holds "करने", "किया"); NULL at a
 * break. */
static const char *word_after(const GArray *tokens, guint i, const char *lang)
{
  for (guint j = i + 1; j < tokens->len && j <= i + 2; j++) {
    const seg_token *k = &g_array_index(tokens, seg_token, j);
    if (k->kind != SEG_WORD || k->brk)
      return NULL;
    if (j == i + 2 || lex_is_light_verb(k->word, lang) || !lex_is_stop_lang(k->word, lang))
      return k->word;
  }
  return NULL;
}

/* Token i is a word that mostly makes conjunct verbs and a verb that does
 * so with it follows: a form of "keep" or "stay" ("साफ रखें", keep clean;
 * "جاری رہے گی", will go on), or Hindi's "की" and Urdu's "کی", "did"
 * (feminine) and "of": "did" when no content word follows ("अभियान शुरू
 * की गई", "مہم شروع کی ہے", the campaign was begun) and "of" when one
 * does ("शुरू की तारीख", the starting date). */
static bool part_verb_after(const GArray *tokens, guint i, const char *lang)
{
  static const char *const did[][2] = { { "hin", "की" }, { "urd", "کی" } };
  if (i + 1 >= tokens->len || !lex_is_conjunct_part(g_array_index(tokens, seg_token, i).word, lang))
    return false;
  const seg_token *k = &g_array_index(tokens, seg_token, i + 1);
  if (k->kind != SEG_WORD || k->brk)
    return false;
  if (lex_is_keep_verb(k->word, lang))
    return true;
  for (size_t d = 0; d < G_N_ELEMENTS(did); d++)
    if (!strcmp(lang, did[d][0]) && !strcmp(k->word, did[d][1])) {
      const seg_token *n = i + 2 < tokens->len ? &g_array_index(tokens, seg_token, i + 2) : NULL;
      return !n || n->kind != SEG_WORD || n->brk || lex_is_stop_lang(n->word, lang);
    }
  return false;
}

GHashTable *fw_conjunct_parts(const GArray *tokens, const char *lang, bool (*content)(guint i, void *data),
                              void *data)
{
  if (!lex_has_light_verbs(lang))
    return NULL;
  GHashTable *before = g_hash_table_new(g_str_hash, g_str_equal); /* word -> times before one + 1; 1: elsewhere */
  for (guint i = 0; i < tokens->len; i++) {
    const char *w = g_array_index(tokens, seg_token, i).word;
    if (!content(i, data))
      continue;
    unsigned int n = GPOINTER_TO_UINT(g_hash_table_lookup(before, w));
    if (n == 1)
      continue;
    bool light = lex_is_light_verb(word_after(tokens, i, lang), lang) || part_verb_after(tokens, i, lang);
    g_hash_table_insert(before, (gpointer)w, GUINT_TO_POINTER(light ? (n ? n + 1 : 2) : 1));
  }
  GHashTable *out = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, before);
  while (g_hash_table_iter_next(&it, &k, &v))
    if (GPOINTER_TO_UINT(v) >= 3 || (GPOINTER_TO_UINT(v) == 2 && lex_is_conjunct_part(k, lang)))
      g_hash_table_add(out, k);
  g_hash_table_destroy(before);
  return out;
}

bool fw_conjunct_part_at(const GArray *tokens, guint i, const char *lang, bool adjective)
{
  if (!lex_has_light_verbs(lang) || i + 1 >= tokens->len)
    return false;
  const seg_token *k = &g_array_index(tokens, seg_token, i + 1);
  if (adjective && k->kind == SEG_WORD && !k->brk && lex_is_keep_verb(k->word, lang))
    return true;
  return part_verb_after(tokens, i, lang) || (lex_is_conjunct_part(g_array_index(tokens, seg_token, i).word, lang) &&
                                              lex_is_light_verb(word_after(tokens, i, lang), lang));
}

void fw_archive(GHashTable *guess, const GArray *tokens, GUnicodeScript script, const char *lang, const tag_df *df)
{
  if (!df || !df->n_docs || seg_unspaced_script(script))
    return;
  GHashTable *share = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free); /* word -> its share */
  double top = 0, letters_sum = 0;
  for (guint i = 0; i < tokens->len; i++) {
    const seg_token *t = &g_array_index(tokens, seg_token, i);
    if (t->kind != SEG_WORD || t->particle || seg_word_script(t->word) != script ||
        g_hash_table_contains(share, t->word))
      continue;
    char *term = tag_term_stem(t->word, lang);
    double *s = g_new(double, 1);
    *s = tag_df_share(df, term);
    g_free(term);
    top = fmax(top, *s);
    letters_sum += letters(t->word);
    g_hash_table_insert(share, t->word, s);
  }
  if (top * (double)df->n_docs >= ARCHIVE_FROM) {
    double mean = letters_sum / g_hash_table_size(share);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, share);
    while (g_hash_table_iter_next(&it, &k, &v))
      if (*(double *)v >= ARCHIVE_SHARE * top && letters(k) <= mean)
        g_hash_table_add(guess, k);
  }
  g_hash_table_destroy(share);
}
