/* Internal: strings looked up by open addressing, probed linearly over a
 * power-of-two array of slots. One probe for every such table of the
 * tagger: the word lists compiled at build time (tag/lexicon_lists.h),
 * keyphrase.c's fixed sets of English words, and the tables of a text's
 * words below, which only ever look up and add (never walked in an order
 * that matters, never shrunk). GHashTable cost 300-400 instructions an
 * insert and 140 a look-up there, its hashing and resizing included. */
#ifndef DOCTAG_TAG_STRTAB_H
#define DOCTAG_TAG_STRTAB_H

#include <glib.h>
#include <stddef.h>
#include <string.h>

/* djb2 over the bytes (g_str_hash()'s): the build-time lists and the
 * look-up must agree. */
static inline size_t strtab_hash(const char *s)
{
  size_t h = 5381;
  for (; *s; s++)
    h = h * 33 + (unsigned char)*s;
  return h;
}

/* The slot of `w` among slots[0, mask], or the empty (NULL) one where it
 * would go. The array must keep an empty slot, else a miss probes forever:
 * every table here stays at most half full. */
static inline size_t strtab_slot(const char *const *slots, size_t mask, const char *w)
{
  size_t i = strtab_hash(w) & mask;
  while (slots[i] && strcmp(slots[i], w))
    i = (i + 1) & mask;
  return i;
}

/* A table from strings to non-NULL pointers, growing to stay at most half
 * full. Keys are borrowed: they must outlive the table. One thread. */
typedef struct strtab {
  const char **key;      /* mask + 1 slots, NULL where empty */
  gpointer *val;
  size_t mask;
  size_t n;              /* keys held */
} strtab;

/* An empty table with room for `expect` keys before it grows. */
void strtab_init(strtab *t, size_t expect);

/* Frees the slots (and each value with `free_val`, unless NULL). */
void strtab_clear(strtab *t, GDestroyNotify free_val);

/* The value of `w`, or NULL. */
static inline gpointer strtab_get(const strtab *t, const char *w)
{
  return t->val[strtab_slot((const char *const *)t->key, t->mask, w)];
}

/* Where the value of `w` is kept, `w` added when new (its value then
 * NULL, for the caller to set). Valid until the next strtab_put(). */
gpointer *strtab_put(strtab *t, const char *w);

#endif
