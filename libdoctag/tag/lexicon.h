/* Internal: the word lists and the light stemmer shared by the built-in
 * tagger and the rules (stop words, generic words, plural/singular). Words
 * are expected lower-cased and NFC-normalised. Thread-safe: the lists are
 * loaded once from the embedded data files (tag/data/). */
#ifndef DOCTAG_TAG_LEXICON_H
#define DOCTAG_TAG_LEXICON_H

#include <stdbool.h>

/* True for an English or Hindi stop word ("the", "of", "के", "और"). */
bool lex_is_stop(const char *word);

/* True for a stop word of the language `lang` (ISO 639-3, "fra", "deu";
 * Snowball's lists for Danish, Dutch, Finnish, French, German, Hungarian,
 * Italian, Nepali, Norwegian, Portuguese, Russian, Spanish, Swedish and
 * Turkish; stopwords-iso's for Polish, Marathi and Vietnamese; Thai's; Japanese: the IPA dictionary's particles and auxiliaries, and
 * every token written only in hiragana; Lucene's for Arabic,
 * Bulgarian, Catalan, Czech, Estonian, Basque, Persian, Irish, Galician,
 * Greek, Armenian, Indonesian, Latvian, Lithuanian, Romanian, Ukrainian);
 * other languages, or NULL, as lex_is_stop(). */
bool lex_is_stop_lang(const char *word, const char *lang);

/* True when `lang` has a stop-word list of its own (English and Hindi too). */
bool lex_has_stop_list(const char *lang);

/* True for a closed-class word of a language that has no stop-word list
 * but a packaged list of such words (tag/data/closed_<ISO 639-3 code>.txt;
 * Gujarati's, Bengali's, Korean's and Hebrew's are stopwords-iso's); they
 * seed the function words guessed from a text (tag/funcwords.h). False for
 * other languages. */
bool lex_is_closed_class(const char *word, const char *lang);

/* True for a form of a light verb of `lang` (tag/data/light_<code>.txt:
 * Hindi's "करना", "होना"), which makes a conjunct verb of the word before
 * it ("जमा करना", to deposit). */
bool lex_is_light_verb(const char *word, const char *lang);
bool lex_has_light_verbs(const char *lang);

/* True for a word that forms a conjunct verb with a light verb far more
 * often than it heads a term (tag/data/conjunct_<code>.txt: Hindi's
 * "शुरू", begin; "आयोजित", organised). */
bool lex_is_conjunct_part(const char *word, const char *lang);

/* True for a verb that makes a conjunct verb only after such a word
 * (tag/data/keep_<code>.txt: Hindi's "रखना", keep; "रहना", stay: "साफ
 * रखें", keep clean), a verb of its own after any other. */
bool lex_is_keep_verb(const char *word, const char *lang);

/* The stem of `word` in `lang` by its Snowball stemmer (English, French,
 * German, Spanish... 27 languages); other languages, or NULL, as
 * lex_stem(). Newly allocated. Thread-safe. */
char *lex_stem_lang(const char *word, const char *lang);

/* lex_stem_lang(word, "eng") for a caller that has looked `word` up in
 * the WordNet table already: `known` is pos_stem(word) (NULL: not in it). */
char *lex_stem_en(const char *word, const char *known);

/* `w` without an elided article or pronoun ("l'analyse" -> "analyse",
 * "dell'arte" -> "arte") in French, Italian and Catalan ("l'ajuntament"); other languages: `w`.
 * Borrowed: points into `w`. */
const char *lex_elide(const char *w, const char *lang);

/* True for a word or phrase of the generic set (tag/data/generic.txt). */
bool lex_is_generic(const char *word);

/* True for the few stop words a three-word phrase may have in its middle
 * ("bill of lading", "बाढ़ की चेतावनी"). */
bool lex_is_connector(const char *word);

/* True for a month or weekday name (English or Hindi, full or abbreviated). */
bool lex_is_date_word(const char *word);

/* True for a number written in Han numerals, as Chinese and Japanese
 * write them: "十一", "第二", "第五十一条" (article 51), "一部" (a part),
 * each group an optional "第" (ordinal), numerals, an optional counter. */
bool lex_is_han_number(const char *word);

/* The stem of a word, so that near-duplicates compare equal: Snowball's
 * English stemmer ("supplies"/"supply", "upgrading"/"upgrade"), Hindi
 * plural and oblique endings ("किसानों"/"किसान") with nukta and chandrabindu
 * folded. Newly allocated (g_malloc). Thread-safe. */
char *lex_stem(const char *word);

/* The stems of every word of `phrase` (split on spaces and hyphens) joined by one space.
 * Newly allocated. */
char *lex_stem_phrase(const char *phrase);

/* The same with lex_stem_lang(word, lang) (NULL: lex_stem()). Newly allocated. */
char *lex_stem_phrase_lang(const char *phrase, const char *lang);

/* True when the `nsmall` stems of `small` appear contiguously, in order, in
 * the `nbig` stems of `big` (a phrase inside a longer one). */
bool lex_stems_contain(char *const *big, unsigned int nbig, char *const *small, unsigned int nsmall);

#endif
