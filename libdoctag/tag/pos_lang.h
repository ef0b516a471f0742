/* Internal: parts of speech for languages other than English, from
 * Apertium's morphological analysers compiled into the library at build
 * time (see tag/gen/apertium_pos_gen.c): the word forms a language's
 * analyser reads only as a verb, finite or infinitive ("soutient",
 * "zapowiada", "apresenta"), only as an adverb ("notamment"), as a noun
 * or a verb ("annonce"), only as a participle ("annoncé"), as an
 * adjective ("grande", "nouvelle"), as "de" with an article ("do",
 * "della"), as another preposition or as a cardinal ("dues", "двух")
 * (tag/pos_lang_table.h). Read-only
 * data: thread-safe, nothing loaded at run time. */
#ifndef DOCTAG_TAG_POS_LANG_H
#define DOCTAG_TAG_POS_LANG_H

#include "tag/pos_lang_table.h"

typedef struct pos_lang_table pos_lang_table;

/* The table of language `lang` (ISO 639-3, "fra"), or NULL for a
 * language without one. Borrowed, static. */
const pos_lang_table *pos_lang_of(const char *lang);

/* What lower-case, NFC `word` is in `table`: a POS_LANG_* class, or
 * POS_LANG_NONE (a noun, a form of other parts of speech, one the analyser
 * does not know; always for a NULL table). */
unsigned int pos_lang_class(const pos_lang_table *table, const char *word);

#endif
