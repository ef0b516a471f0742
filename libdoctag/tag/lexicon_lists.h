/* Internal: the tagger's word lists as hash tables built at build time
 * (generated/tag_lists.c by libdoctag/tag/gen/lists_gen.c from
 * libdoctag/tag/data/); read through tag/lexicon.h. Read-only data: nothing
 * is loaded at run time, any thread may read them. */
#ifndef DOCTAG_TAG_LEXICON_LISTS_H
#define DOCTAG_TAG_LEXICON_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "tag/strtab.h"

typedef struct lex_list {
  const char *const *slots; /* mask + 1 slots, NULL where empty; NFC words */
  size_t mask;
  unsigned int count;
} lex_list;

static inline bool lex_list_has(const lex_list *l, const char *word)
{
  return l->slots[strtab_slot(l->slots, l->mask, word)] != NULL;
}

extern const lex_list lex_list_stop_en, lex_list_stop_hi, lex_list_generic, lex_list_generic_stems, lex_list_date_words;
extern const lex_list lex_list_stop_jpn;
extern const lex_list lex_list_perfect_ara; /* Arabic perfect verbs (tag/semitic.c) */

/* A language's list, by its ISO 639-3 code. */
typedef struct lex_lang_list {
  const char *code;
  const lex_list *list;
} lex_lang_list;

/* Each ends with { NULL, NULL }. Stop words: every list named
 * stop_<code> (tag/data/stop_fra.txt, those taken from Lucene's jars and
 * Apertium's dictionaries at build time, cmake/Tagger.cmake; a tag/data/
 * file of the same name adds to Lucene's, as stop_ell.txt does). Closed-
 * class words of a language with no stop-word list: every list named
 * closed_<code> (tag/data/closed_guj.txt). Light verbs: light_<code>
 * (tag/data/light_hin.txt); the words that form conjunct verbs with them:
 * conjunct_<code> (tag/data/conjunct_hin.txt); the verbs that do so
 * only with those words: keep_<code> (tag/data/keep_hin.txt). */
extern const lex_lang_list lex_stop_lists[];
extern const lex_lang_list lex_closed_lists[];
extern const lex_lang_list lex_light_lists[];
extern const lex_lang_list lex_conjunct_lists[];
extern const lex_lang_list lex_keep_lists[];

#endif
