/* Internal: tagging (built-in tagger and OpenAI-compatible client) and the
 * post-processing rules shared by both. */
#ifndef DOCTAG_TAG_H
#define DOCTAG_TAG_H

#include <glib.h>
#include "core/ctx.h"
#include "doctag/process.h"

typedef struct tag_item {
  char *tag;       /* g_malloc */
  double score;    /* 0..1 */
  bool evidence;   /* occurs in the text */
} tag_item;

/* Document frequencies of the archive of the document's owner (history):
 * how many of the owner's documents there are and, per stem (as
 * tag_terms() gives them), how many hold it. The built-in tagger blends
 * them with its background frequencies, the more the larger the archive
 * (tag_df_weight()); an empty archive changes nothing. */
typedef struct tag_df {
  uint64_t n_docs;
  GHashTable *df;              /* stem -> GUINT_TO_POINTER(documents); stems missing: 0 */
} tag_df;

typedef struct tag_request {
  const char *title;
  const char *text;            /* text of the first num_pages pages */
  const char *language;        /* detected document language */
  unsigned int num_tags;
  const char *const *exclusion; size_t exclusion_count;
  const char *const *vocabulary; size_t vocabulary_count;
  const char *model_name;      /* "local" or an LLM model */
  const char *api_key;         /* effective key or NULL */
  double deadline;             /* ctx_now() value; 0: none */
  const tag_df *df;            /* the owner's archive; NULL: none (standalone) */
} tag_request;

typedef struct tag_outcome {
  tag_item *items;   /* g_malloc'd array */
  size_t count;
  char *model_name;  /* what really ran: "local" or the LLM model */
  char *raw_response;
  unsigned int tokens_used;
} tag_outcome;

/* Runs the chosen tagger then the shared rules (normalising, generic set,
 * exclusion, vocabulary, evidence). Errors: DOCTAG_ELLM, DOCTAG_ETIMEOUT. */
doctag_status tag_run(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out);
void tag_outcome_clear(tag_outcome *out);

/* The languages of a text as ISO 639-3 codes joined by '+' in order of
 * share ("eng", "fra", "hin+eng", "zho"), "" when it has no words; written
 * to out (NUL-terminated, truncated to out_size). Thread-safe. */
void tag_detect_language(const char *text, size_t len, char *out, size_t out_size);

/* The language the Devanagari words of a text in `languages` (as
 * tag_detect_language() writes them) are in: "mar" or "nep" when it names
 * one, else "hin" (NULL too). Static string. */
const char *tag_devanagari_language(const char *languages);

/* tag_devanagari_language() when it is not Hindi, else NULL: the language
 * whose stop words replace Hindi's (and English's) default ones. */
const char *tag_devanagari_other(const char *languages);

/* The distinct stems of the words of `text` in `language` (ISO 639-3,
 * "hin+eng" reads as "hin"; NULL or "": English) the built-in tagger
 * weighs by document frequency: words of two or more characters that are
 * not stop words, without an elided article, stemmed as the tagger stems
 * them; in byte order, at most TAG_TERMS_MAX of them (the first met).
 * Newly allocated GPtrArray of g_malloc'd strings (free function set). */
#define TAG_TERMS_MAX 10000
GPtrArray *tag_terms(const char *text, const char *language);

/* The stem tag_terms() counts the seg_split() word `word` under, for a
 * text in `language` (as tag_terms() reads it). Newly allocated. */
char *tag_term_stem(const char *word, const char *language);

/* How much the owner's archive counts against the background frequencies:
 * 0 for no archive (or df NULL), growing towards 1 with its size. */
double tag_df_weight(const tag_df *df);

/* The rarity of `stem` for ranking: `background` (the background table's
 * weight, > 0) blended geometrically with the stem's rarity in the owner's
 * archive by tag_df_weight(); `background` itself when df is NULL or empty. */
double tag_df_blend(const tag_df *df, const char *stem, double background);

/* For a tagger with no background table (local.c's phrase path: Hindi,
 * vocabulary mode): the weight of the archive, N / (N + 20), and a stem's
 * rarity in it, idf^weight (idf = ln(1 + (N + 1) / (df + 1))); 0 and 1
 * when df is NULL or empty. Nothing shares the say here, so the archive
 * is not capped at half as in tag_df_blend(). */
double tag_df_weight_alone(const tag_df *df);
double tag_df_rarity(const tag_df *df, const char *stem);
/* The share of the archive's documents that hold `stem`, 0..1 (0 when df
 * is NULL or empty). */
double tag_df_share(const tag_df *df, const char *stem);

#endif
