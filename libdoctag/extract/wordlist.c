/* The word list (see wordlist.h).
 *
 * perf: it was a GHashTable of all 104,000 lines of wamerican, 13 ms of CPU
 * (37 M instructions) in every process that joined a hyphen; then the file
 * mapped and its usable lines indexed in each such process, still 11.8 M of
 * the 59 M instructions of a short `doctag extract`. Now the table is made
 * at build time (extract/gen/wordlist_gen.c) and read where it lies in the
 * library's read-only data: a lookup touches a slot and a word. */
#include "extract/wordlist.h"

#include <string.h>

#include "extract/wordlist_table.h"

bool wordlist_has(const char *w, size_t len)
{
  /* the table's words hold no '\n', its separator */
  if (len == 0 || memchr(w, '\n', len))
    return false;
  for (uint32_t s = wordlist_hash(w, len) % wordlist_nslots; wordlist_slots[s] != WORDLIST_EMPTY;
       s = s + 1 == wordlist_nslots ? 0 : s + 1) {
    /* compared byte by byte: the walk stops at the word's '\n' at the
     * latest, never reading past the text as memcmp() may */
    const char *t = wordlist_text + wordlist_slots[s];
    size_t i = 0;
    while (i < len && t[i] == w[i])
      i++;
    if (i == len && t[len] == '\n')
      return true;
  }
  return false;
}
