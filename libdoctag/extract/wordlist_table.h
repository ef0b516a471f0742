/* Internal: the word list's table (extract/wordlist.h), as the build-time
 * generator (extract/gen/wordlist_gen.c) writes it into
 * generated/extract_wordlist.c and wordlist.c reads it. */
#ifndef DOCTAG_EXTRACT_WORDLIST_TABLE_H
#define DOCTAG_EXTRACT_WORDLIST_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* A slot that holds no word. */
#define WORDLIST_EMPTY UINT32_MAX

/* The words, sorted bytewise, each followed by '\n'. */
extern const char wordlist_text[];
/* Open addressing, probed linearly from wordlist_hash() % wordlist_nslots:
 * a word's offset in wordlist_text, WORDLIST_EMPTY where none. At most
 * three quarters full. */
extern const uint32_t wordlist_slots[];
extern const uint32_t wordlist_nslots;

/* FNV-1a: words are short, and this is the whole cost of a probe. */
static inline uint32_t wordlist_hash(const char *w, size_t len)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)w[i]) * 16777619u;
  return h;
}

#endif
