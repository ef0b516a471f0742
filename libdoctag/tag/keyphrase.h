/* Internal: keyphrases of text in a language written with spaces between
 * words (English with part-of-speech patterns; other languages by their
 * stop words), ranked by a position-biased co-occurrence graph and
 * background document frequency. Used by the built-in tagger (local.c). */
#ifndef DOCTAG_TAG_KEYPHRASE_H
#define DOCTAG_TAG_KEYPHRASE_H

#include <glib.h>
#include <stdbool.h>
#include "tag/tag.h"

typedef struct kp_phrase {
  char *form;          /* as printed: most frequent spelling, compounds with their hyphen */
  char **stems;        /* stems of its words (compound parts count as words) */
  unsigned int n;      /* words */
  unsigned int tf;     /* occurrences */
  unsigned int first;  /* first occurrence, in words from the start */
  unsigned int title;  /* occurrences in the title (or a keywords statement) */
  unsigned int heading; /* occurrences in a heading */
  unsigned int keyword; /* occurrences in a keywords statement (counted in `title` too) */
  unsigned int labels; /* occurrences right before a number or code ("Ward 4") */
  unsigned int named;  /* "A of B" occurrences that are a name or a WordNet noun ("Gulf of Mexico") */
  double score;
} kp_phrase;

/* The shape of a document, from its tokens: what kind of text it is. */
typedef struct kp_shape {
  unsigned int words;  /* word tokens */
  double names;        /* share of words in runs of 2+ capitalised words mid-sentence ("Buenos Aires") */
  double word_len;     /* mean letters per word */
  double sentence_len; /* words per sentence (a list or table row counts as one) */
  double reporting;    /* share of words that report speech ("said", "dijo") */
  double directive;    /* share of words that oblige, allow or request ("shall", "deberán") */
  bool stated;         /* states its own subject: a "Subject:", "विषय:", "Keywords:" line */
} kp_shape;

/* Measures the tokens of seg_split() into *out. */
void kp_measure(const GArray *tokens, kp_shape *out);

/* How much more single words weigh against phrases for a document of this
 * shape: added to the length exponent. */
double kp_single_bias(const kp_shape *shape);

/* What a single word's score is multiplied by in a text of this shape
 * (English): 1 in news and lists, less in other prose, where phrases name
 * the subject and single words are mostly their fragments. */
double kp_single_weight(const kp_shape *shape);

/* The damping per word shared with a chosen tag, for this shape. */
double kp_diversity(const kp_shape *shape);

/* Candidates of the tokens of seg_split() (the words of their main script,
 * seg_main_script()), best first. `lang` is an ISO 639-3 code: "eng" uses
 * the WordNet part-of-speech patterns, others their stop words. Newly
 * allocated GPtrArray of kp_phrase (free function set). */
GPtrArray *kp_rank(GArray *tokens, const char *lang);

/* How kp_rank_df() ranked, for the tagger's raw_response. */
typedef struct kp_info {
  GUnicodeScript script; /* the script the candidates are written in: seg_main_script() */
  const char *method;    /* the candidates and their ranking, in words (static) */
} kp_info;

/* kp_rank() with each word's background rarity blended with its rarity in
 * the owner's archive `df` (tag_df_blend(); NULL: none), for a document of
 * the shape kp_measure() gave the caller. `title` (NULL: none) is the
 * document's title: when the text opens with it, it is a line of its own
 * and its phrases are title phrases. Fills *info unless it is NULL. */
GPtrArray *kp_rank_df(GArray *tokens, const char *lang, const char *title, const tag_df *df, const kp_shape *shape,
                      kp_info *info);

/* True when the stems of `small` occur contiguously in `big`. */
bool kp_contains(const kp_phrase *big, const kp_phrase *small);

/* How many words of `a` are also words of `b`. */
unsigned int kp_shared_words(const kp_phrase *a, const kp_phrase *b);

#endif
