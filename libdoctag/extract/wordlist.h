/* Internal: the system word list (Debian's wamerican, wbritish...:
 * /usr/share/dict/words), which says whether a word split by a line-end
 * hyphen ("ex-|isting") is one word. */
#ifndef DOCTAG_EXTRACT_WORDLIST_H
#define DOCTAG_EXTRACT_WORDLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Whether w[0, len), a lower-case word, is a line of the list, as the line
 * is written. The list is read on the first call (thread-safe) and kept for
 * the life of the process; false for every word when it is missing. */
bool wordlist_has(const char *w, size_t len);

#endif
