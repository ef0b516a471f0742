/* Internal: parts of speech for languages other than English, from
 * Apertium's morphological analysers compiled into the library at build
 * time (see tag/gen/apertium_pos_gen.c): the word forms a language's
 * analyser reads only as a verb, finite or infinitive ("soutient",
 * "zapowiada", "apresenta"; not "annonce", also a noun, nor "annoncé", a
 * participle). Read-only data: thread-safe, nothing loaded at run time. */
#ifndef DOCTAG_TAG_POS_LANG_H
#define DOCTAG_TAG_POS_LANG_H

#include <stdbool.h>

typedef struct pos_lang_table pos_lang_table;

/* The table of language `lang` (ISO 639-3, "fra"), or NULL for a
 * language without one. Borrowed, static. */
const pos_lang_table *pos_lang_of(const char *lang);

/* Whether lower-case, NFC `word` is a form `table` reads only as a verb.
 * False for a NULL table. */
bool pos_lang_verb(const pos_lang_table *table, const char *word);

#endif
