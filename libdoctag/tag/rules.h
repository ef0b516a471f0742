/* Internal: the post-processing rules applied to every tagger's output, in
 * one place (normalising, generic set, exclusion, vocabulary, evidence). */
#ifndef DOCTAG_TAG_RULES_H
#define DOCTAG_TAG_RULES_H

#include "tag/tag.h"

/* The most words a tag holds; a hyphenated compound ("state-of-the-art")
 * is one word. The built-in tagger's phrases keep to it too. */
#define RULES_MAX_WORDS 5

/* Normalises one raw tag: lower-case, bullets/numbering stripped, a
 * compound's hyphen kept ("object-oriented"), other dashes and underscores
 * to spaces, whitespace collapsed. Returns NULL when the tag is dropped
 * (empty, over RULES_MAX_WORDS words, date-only, roman
 * numeral, gibberish, generic). Tags compare with their hyphens as spaces.
 * Newly allocated (g_malloc). */
char *rules_normalise(const char *raw);

/* The same for a text in `languages` (as tag_detect_language() writes
 * them): a tag of Marathi or Nepali words is generic by their stop words,
 * not Hindi's. NULL: rules_normalise(). */
char *rules_normalise_lang(const char *raw, const char *languages);

/* True when `tag` equals an excluded term or an excluded term covers at least
 * half of its words. Terms are compared normalised. */
bool rules_excluded(const char *tag, const char *const *terms, size_t n);

/* The vocabulary entry matching `tag` case-insensitively, or NULL. */
const char *rules_vocabulary_match(const char *tag, const char *const *vocab, size_t n);

/* Applies every rule to the candidates (best first; scores may be NULL) and
 * appends the survivors to out->items, de-duplicated, at most req->num_tags,
 * with evidence against req->text. Returns how many survived. */
size_t rules_apply(const tag_request *req, char *const *candidates, const double *scores,
                   size_t n, tag_outcome *out);

/* The normalising half of rules_normalise(): NFC, bullets, numbering and
 * surrounding quotes or punctuation stripped, lower-cased, a hyphen between
 * two word characters kept as "-", other hyphens, dashes and underscores to
 * spaces, whitespace collapsed. Never drops
 * (may return ""). Newly allocated. */
char *rules_clean(const char *raw);

/* Why a cleaned tag is dropped ("empty", "too many words", "date",
 * "roman numeral", "gibberish", "generic"), or NULL when it stays.
 * Static string. */
const char *rules_reject_reason(const char *clean);
const char *rules_reject_reason_lang(const char *clean, const char *languages);

/* True when `tag` occurs in `text` case-insensitively (hyphens and
 * punctuation read as spaces), or, for a phrase, when each of its words
 * does; words compare by their light stem. */
bool rules_evidence(const char *tag, const char *text);

/* Parses an exclusion list (one term per line or comma-separated, '#'
 * comments) into a NULL-terminated array of normalised terms (g_strfreev). */
char **rules_parse_terms(const char *text, size_t len);

#endif
