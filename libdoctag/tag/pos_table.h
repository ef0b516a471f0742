/* Internal: the English word table generated at build time from WordNet
 * (libdoctag/tag/gen/wordnet_gen.c); read through tag/pos.h. */
#ifndef DOCTAG_TAG_POS_TABLE_H
#define DOCTAG_TAG_POS_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pos_table_entry {
  uint32_t word;      /* offset in pos_table_words */
  uint8_t flags;      /* 1 noun, 2 verb, 4 adjective, 8 adverb, 16 a verb.exc form */
  uint16_t df;        /* glosses holding the word */
  uint16_t count[4];  /* sense-tagged corpus counts: noun, verb, adjective, adverb */
  uint32_t stem;      /* offset in pos_table_stems: the word's English stem (tag/lexicon.c, stem_en()) */
} pos_table_entry;

extern const char pos_table_words[];
extern const char pos_table_stems[];
extern const pos_table_entry pos_table[];   /* sorted by word (strcmp) */
extern const size_t pos_table_size;

/* Where a word's first two bytes put it in pos_table, so that a look-up
 * searches a few hundred entries instead of 104,000: a word starting with
 * a-z by its first letter and its second byte (below 'a', a letter, above
 * 'z'), any other first byte in one bucket before or after those. The
 * classes keep strcmp order, so each bucket is a run of the table. */
#define POS_BUCKETS (2 + 26 * 28)
static inline unsigned int pos_bucket(const char *w)
{
  unsigned char a = (unsigned char)w[0], b = a ? (unsigned char)w[1] : 0;
  if (a < 'a')
    return 0;
  if (a > 'z')
    return POS_BUCKETS - 1;
  return 1 + (unsigned int)(a - 'a') * 28 + (b < 'a' ? 0u : b > 'z' ? 27u : (unsigned int)(b - 'a') + 1);
}
/* Bucket i holds pos_table[pos_table_from[i], pos_table_from[i + 1]). */
extern const uint32_t pos_table_from[POS_BUCKETS + 1];
extern const unsigned int pos_table_docs;   /* glosses in all */

/* WordNet's two-word nouns, "general practitioner" (index.noun's
 * "general_practitioner"), sorted (strcmp): offsets in pos_compound_words. */
extern const char pos_compound_words[];
extern const uint32_t pos_compounds[];
extern const size_t pos_compounds_size;

#endif
