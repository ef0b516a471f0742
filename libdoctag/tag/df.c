/* Document frequencies from the owner's archive (tag.h): the terms a
 * document is counted with, and how the built-in tagger blends the
 * archive's rarity of a word with its background table's.
 *
 * Rarity in the archive is the smoothed inverse document frequency
 * ln(1 + (N + 1) / (df + 1)) of a stem held by df of the owner's N
 * documents. It is blended geometrically, background^(1-w) * rarity^(e*w),
 * so that the scale of either does not matter (every word's weight moves by
 * the same factor), with w = 0.5 N / (N + DF_HALF): a small archive changes
 * little (one document is one sample), a few hundred say what is common in
 * this user's papers ("invoice" for an accountant, "protein" for a
 * biologist) that a general table cannot know, and the general table keeps
 * half the say however large the archive (a user's archive is a small,
 * narrow sample of the language). On the dev sets, each read as one
 * growing archive (bench/keyphrase.sh --history), F1 stays within 0.5 of
 * standalone at weights up to 1 (same-genre abstracts and papers: the
 * background already knows their common words); its use is the user whose
 * documents share words the background does not know are common. */
#include "tag/tag.h"

#include <math.h>
#include <string.h>

#include "tag/lexicon.h"
#include "tag/segment.h"

#define DF_HALF 20.0      /* archive size at which history has half its weight */
#define DF_MAX_WEIGHT 0.5 /* history never outweighs the background table */
#define DF_EXP 0.6   /* exponent of the archive's rarity, as keyphrase.c's IDF_WEIGHT */

static int by_bytes(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "hin+eng" -> "hin"; NULL or "" -> "eng" */
static void term_lang(char lang[4], const char *language)
{
  g_strlcpy(lang, language && *language ? language : "eng", 4);
}

char *tag_term_stem(const char *word, const char *language)
{
  char lang[4];
  term_lang(lang, language);
  return lex_stem_lang(lex_elide(word, lang), lang);
}

GPtrArray *tag_terms(const char *text, const char *language)
{
  char lang[4];
  term_lang(lang, language);
  bool stops = lex_has_stop_list(lang);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  GArray *toks = seg_split(text ? text : "");
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);   /* word -> its stem (owned by out) or NULL */
  GHashTable *stems = g_hash_table_new(g_str_hash, g_str_equal);  /* stems in out */
  for (guint i = 0; i < toks->len && out->len < TAG_TERMS_MAX; i++) {
    const seg_token *t = &g_array_index(toks, seg_token, i);
    if (t->kind != SEG_WORD || g_hash_table_contains(seen, t->word))
      continue;
    const char *w = lex_elide(t->word, lang);
    g_hash_table_add(seen, t->word);
    if (g_utf8_strlen(w, -1) < 2 || (stops && (lex_is_stop_lang(w, lang) || lex_is_stop_lang(t->word, lang))))
      continue;
    char *stem = lex_stem_lang(w, lang);
    if (!*stem || g_hash_table_contains(stems, stem)) {
      g_free(stem);
      continue;
    }
    g_hash_table_add(stems, stem);
    g_ptr_array_add(out, stem);
  }
  g_hash_table_destroy(stems);
  g_hash_table_destroy(seen);
  seg_free(toks);
  g_ptr_array_sort(out, by_bytes); /* one lock order for the store's counters */
  return out;
}

double tag_df_weight(const tag_df *df)
{
  if (!df || !df->n_docs)
    return 0.0;
  return DF_MAX_WEIGHT * (double)df->n_docs / ((double)df->n_docs + DF_HALF);
}

double tag_df_weight_alone(const tag_df *df)
{
  if (!df || !df->n_docs)
    return 0.0;
  return (double)df->n_docs / ((double)df->n_docs + DF_HALF);
}

/* the smoothed IDF of `stem` in the archive */
static double archive_idf(const tag_df *df, const char *stem)
{
  double n = (double)df->n_docs;
  double d = df->df ? (double)GPOINTER_TO_UINT(g_hash_table_lookup(df->df, stem)) : 0.0;
  if (d > n)
    d = n;
  return log(1.0 + (n + 1.0) / (d + 1.0));
}

double tag_df_share(const tag_df *df, const char *stem)
{
  if (!df || !df->n_docs || !df->df)
    return 0.0;
  double d = (double)GPOINTER_TO_UINT(g_hash_table_lookup(df->df, stem));
  return d >= (double)df->n_docs ? 1.0 : d / (double)df->n_docs;
}

double tag_df_rarity(const tag_df *df, const char *stem)
{
  double w = tag_df_weight_alone(df);
  return w > 0 ? pow(archive_idf(df, stem), w) : 1.0;
}

double tag_df_blend(const tag_df *df, const char *stem, double background)
{
  double w = tag_df_weight(df);
  if (w <= 0 || background <= 0)
    return background;
  return pow(background, 1.0 - w) * pow(archive_idf(df, stem), DF_EXP * w);
}
