/* Internal: the tagger's word lists as hash tables built at build time
 * (generated/tag_lists.c by libdoctag/tag/gen/lists_gen.c from
 * libdoctag/tag/data/); read through tag/lexicon.h. Read-only data: nothing
 * is loaded at run time, any thread may read them. */
#ifndef DOCTAG_TAG_LEXICON_LISTS_H
#define DOCTAG_TAG_LEXICON_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct lex_list {
  const char *const *slots; /* mask + 1 slots, NULL where empty; NFC words */
  size_t mask;
  unsigned int count;
} lex_list;

/* djb2 over the bytes: the generator and the look-up must agree. */
static inline size_t lex_list_hash(const char *s)
{
  size_t h = 5381;
  for (; *s; s++)
    h = h * 33 + (unsigned char)*s;
  return h;
}

static inline bool lex_list_has(const lex_list *l, const char *word)
{
  for (size_t i = lex_list_hash(word) & l->mask; l->slots[i]; i = (i + 1) & l->mask)
    if (!strcmp(l->slots[i], word))
      return true;
  return false;
}

extern const lex_list lex_list_stop_en, lex_list_stop_hi, lex_list_generic, lex_list_generic_stems, lex_list_date_words;
extern const lex_list lex_list_stop_fra, lex_list_stop_deu, lex_list_stop_spa, lex_list_stop_ita,
  lex_list_stop_por, lex_list_stop_nld, lex_list_stop_swe, lex_list_stop_nor, lex_list_stop_dan,
  lex_list_stop_fin, lex_list_stop_hun, lex_list_stop_rus, lex_list_stop_tur, lex_list_stop_tha,
  lex_list_stop_jpn, lex_list_stop_pol;

#endif
