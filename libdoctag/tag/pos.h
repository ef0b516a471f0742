/* Internal: English part-of-speech knowledge for the built-in tagger, from
 * WordNet's database compiled into the library at build time (see
 * tag/gen/wordnet_gen.c): which parts of speech a word can have, how often
 * each was seen in WordNet's sense-tagged corpus, and in how many of its
 * 117,000 glosses the word occurs (background document frequency).
 * Read-only data: thread-safe, nothing loaded at run time. */
#ifndef DOCTAG_TAG_POS_H
#define DOCTAG_TAG_POS_H

#include <stdbool.h>

enum {
  POS_NOUN = 1, POS_VERB = 2, POS_ADJ = 4, POS_ADV = 8,
  /* an irregular form of another verb, as WordNet's verb.exc lists it
   * ("sent" send, "hidden" hide, "unified" unify), and no verb of its
   * own (not "found", "bound"); as a verb, counted as often as its
   * lemma unless WordNet also reads it as an adjective
   * (tag/gen/wordnet_gen.c) */
  POS_VERB_FORM = 16
};

typedef struct pos_info {
  unsigned int flags;        /* POS_* WordNet knows for the word or its lemma
                                (POS_VERB_FORM: for the word itself) */
  unsigned int count[4];     /* corpus counts: noun, verb, adjective, adverb */
  unsigned int df;           /* glosses holding the word (or its lemma) */
  const char *stem;          /* pos_stem() of the word itself, or NULL (static) */
} pos_info;

/* What WordNet knows of lower-case `word`, inflections undone the way
 * WordNet's morphy does ("decompositions" -> noun "decomposition",
 * "presented" -> verb "present", "larger" -> adjective "large"). Returns
 * false, with *out zeroed, for a word WordNet does not know. */
bool pos_lookup(const char *word, pos_info *out);

/* The English stem of `word` as tag/lexicon.c's stem_en() makes it, when
 * the word is in the table (borrowed, static), else NULL. */
const char *pos_stem(const char *word);

/* Whether WordNet lists lower-case `word` itself, not only its lemma, as
 * a noun: "checking", "routing", "learning" (but not "using"). */
bool pos_noun_form(const char *word);

/* Whether WordNet lists lower-case `word` itself as a verb, not only as
 * an inflection of one: "study", "show" (but not "studies"). */
bool pos_verb_lemma(const char *word);

/* log((glosses + 1) / (df + 1)) of the word: high for a rare word. */
double pos_idf(const pos_info *info);

/* Whether lower-case words `a` and `b` make a noun WordNet lists whole
 * ("general practitioner", "real time"); `b` may be a plural
 * ("general practitioners"). */
bool pos_compound(const char *a, const char *b);

/* Whether lower-case "`a` of `b`" is a noun WordNet lists whole ("degree
 * of freedom", "bill of rights"); `a` may be a plural ("degrees of
 * freedom"). */
bool pos_of_compound(const char *a, const char *b);

#endif
