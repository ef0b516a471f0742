/* Internal: the word list (Debian's wamerican, compiled in at build time:
 * cmake/Tagger.cmake, DOCTAG_WORDLIST_FILE), which says whether a word split
 * by a line-end hyphen ("ex-|isting") is one word. */
#ifndef DOCTAG_EXTRACT_WORDLIST_H
#define DOCTAG_EXTRACT_WORDLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Whether w[0, len), a lower-case word, is a line of the list, as the line
 * is written (no line that holds an ASCII capital or an apostrophe is
 * kept). Reads only read-only data: thread-safe, never fails. */
bool wordlist_has(const char *w, size_t len);

#endif
