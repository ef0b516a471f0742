/* Internal: the function words of a document in a language without a
 * stop-word list (Gujarati, Korean, Tamil...), guessed from the
 * document itself. Thread-safe: no state. */
#ifndef DOCTAG_TAG_FUNCWORDS_H
#define DOCTAG_TAG_FUNCWORDS_H

#include <glib.h>

#include "tag/tag.h"

/* The words of `tokens` (seg_split()) written in `script` that read as
 * function words: frequent, short for the text, spread over its sentences
 * as a word that comes anywhere, and beside many different words; never one written mostly in capitals or with an initial capital.
 * The closed-class words of `lang` (ISO 639-3; lex_is_closed_class()) are
 * taken however often they occur. A set of the tokens' words (borrowed: valid while `tokens` is), empty
 * for a script written without spaces (its words are ICU's guesses).
 * Release with g_hash_table_destroy(). */
GHashTable *fw_guess(const GArray *tokens, GUnicodeScript script, const char *lang);

/* Adds to `guess` (fw_guess()'s) the words of `tokens` in `script` that
 * the owner's archive `df` (NULL: none) shows as function words of their
 * language: held by at least half as many of its documents as the most
 * widespread of the text's words, once that word is in ten documents, and no longer than the text's distinct words on average.
 * A short text, which shows too little of its function words, has them
 * from the archive as it grows. */
void fw_archive(GHashTable *guess, const GArray *tokens, GUnicodeScript script, const char *lang, const tag_df *df);

/* The words of `tokens` that are a conjunct verb's first part: of two or
 * more occurrences, each before a light verb of `lang` (lex_is_light_verb():
 * Hindi's "करना", "होना"), past at most one stop word ("जमा न करने", not
 * depositing): "जमा" of "प्रमाण-पत्र जमा करना" (to submit the
 * certificate). A noun that also comes elsewhere ("टीकाकरण किया जाएगा",
 * "टीकाकरण शिविर") is none. A word that mostly makes such verbs
 * (lex_is_conjunct_part(): "शुरू", "आयोजित") is one after a single
 * occurrence before a light verb. `content(i, data)` says whether token i is a
 * word that may be one. A set of the tokens' words (borrowed), NULL when
 * `lang` has no light verbs. Release with g_hash_table_destroy(). */
GHashTable *fw_conjunct_parts(const GArray *tokens, const char *lang, bool (*content)(guint i, void *data),
                              void *data);

/* True when token i of `tokens` is a conjunct verb's first part at this
 * occurrence, whatever the word's others: a word that mostly makes such
 * verbs (lex_is_conjunct_part()) before a light verb or a form of "keep"
 * or "stay" (lex_is_keep_verb(): "हाथ साफ करें", clean the hands; "घर
 * साफ रखें", keep the house clean, beside "साफ पानी", clean water), or
 * an adjective (`adjective`, by the caller's dictionary) before such a
 * form, the predicate of its object or subject ("लाइट रोशन रखें", keep
 * the lights on; "केंद्र खुले रहेंगे", the centres will stay open). */
bool fw_conjunct_part_at(const GArray *tokens, guint i, const char *lang, bool adjective);

#endif
