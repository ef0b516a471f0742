/* The system word list (see wordlist.h).
 *
 * perf: it was a GHashTable of all 104,000 lines of wamerican, 13 ms of CPU
 * (37 M instructions) in every process that joined a hyphen, a tenth of a
 * 200-page text extraction's cost beyond pdftotext's. Now the file is
 * mapped, never copied, and only the lines that can answer are indexed:
 * asked words are lower-case letters, so a line that begins with an ASCII
 * capital or ends in 's (40% of wamerican: "Aachen", "aardvark's") never
 * matches.
 * The index is an open-addressing table of the lines' offsets in the file,
 * four bytes a slot, at most half full, filled in one pass over the file. */
#include "extract/wordlist.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#define WORDLIST_PATH "/usr/share/dict/words"
#define EMPTY UINT32_MAX

typedef struct wordlist {
  GMappedFile *file;       /* never released */
  const char *data;        /* its contents */
  size_t len;
  uint32_t *slots;         /* offsets of lines, EMPTY where none */
  uint32_t mask;           /* slots - 1, a power of two less one */
} wordlist;

/* FNV-1a: words are short, and this is the whole cost of a probe. */
static uint32_t hash(const char *w, size_t len)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)w[i]) * 16777619u;
  return h;
}

/* Whether the line at `off` is w[0, len). */
static bool line_is(const wordlist *l, uint32_t off, const char *w, size_t len)
{
  return (size_t)off + len <= l->len && !memcmp(l->data + off, w, len)
         && ((size_t)off + len == l->len || l->data[off + len] == '\n');
}

/* Puts the line at `off` (its hash h) in the table; doubles the table when
 * it passes half full. */
static void add(wordlist *l, uint32_t off, size_t n, uint32_t h, size_t *count)
{
  if (++*count * 2 > (size_t)l->mask + 1) {
    uint32_t *old = l->slots;
    size_t had = (size_t)l->mask + 1;
    l->mask = (uint32_t)(had * 2 - 1);
    l->slots = g_malloc(had * 2 * sizeof *l->slots);
    memset(l->slots, 0xff, had * 2 * sizeof *l->slots);
    for (size_t i = 0; i < had; i++) {
      if (old[i] == EMPTY)
        continue;
      const char *w = l->data + old[i];
      const char *nl = memchr(w, '\n', l->len - old[i]);
      uint32_t s = hash(w, nl ? (size_t)(nl - w) : l->len - old[i]) & l->mask;
      while (l->slots[s] != EMPTY)
        s = (s + 1) & l->mask;
      l->slots[s] = old[i];
    }
    g_free(old);
  }
  uint32_t s = h & l->mask;
  while (l->slots[s] != EMPTY) {
    if (line_is(l, l->slots[s], l->data + off, n))
      return;   /* a line listed twice */
    s = (s + 1) & l->mask;
  }
  l->slots[s] = off;
}

static gpointer load(gpointer unused)
{
  (void)unused;
  static wordlist l;
  GMappedFile *f = g_mapped_file_new(WORDLIST_PATH, FALSE, NULL);
  size_t len = f ? g_mapped_file_get_length(f) : 0;
  if (!f || len == 0 || len >= EMPTY) {
    if (f)
      g_mapped_file_unref(f);
    return &l;   /* no list: every word unknown */
  }
  l.file = f;
  l.data = g_mapped_file_get_contents(f);
  l.len = len;
  /* wamerican's lines average ten bytes, six in ten indexed: a table of
   * a line per eight bytes starts under half full */
  size_t slots = 1024;
  while (slots < len / 8)
    slots *= 2;
  l.slots = g_malloc(slots * sizeof *l.slots);
  memset(l.slots, 0xff, slots * sizeof *l.slots);
  l.mask = (uint32_t)(slots - 1);
  size_t count = 0;
  /* one pass, lines found by memchr: those that begin with a capital or
   * end in 's (a third of the bytes) are passed over without a look at
   * each byte; the others are hashed and indexed. A few of those hold a
   * capital or an apostrophe further in: indexed too, they never answer,
   * as wordlist_has() asks no word that holds one. */
  const unsigned char *d = (const unsigned char *)l.data;
  for (size_t i = 0; i < len;) {
    const unsigned char *nl = memchr(d + i, '\n', len - i);
    size_t start = i, end = nl ? (size_t)(nl - d) : len;
    i = end + 1;
    if (end == start || (d[start] >= 'A' && d[start] <= 'Z')
        || (end - start >= 2 && d[end - 2] == '\'' && d[end - 1] == 's'))
      continue;
    add(&l, (uint32_t)start, end - start, hash((const char *)d + start, end - start), &count);
  }
  return &l;
}

bool wordlist_has(const char *w, size_t len)
{
  static GOnce once = G_ONCE_INIT;
  const wordlist *l = g_once(&once, load, NULL);
  if (!l->slots || len == 0)
    return false;
  /* a capital or an apostrophe: no indexed line that holds one is asked */
  for (size_t i = 0; i < len; i++)
    if ((w[i] >= 'A' && w[i] <= 'Z') || w[i] == '\'')
      return false;
  for (uint32_t s = hash(w, len) & l->mask; l->slots[s] != EMPTY; s = (s + 1) & l->mask)
    if (line_is(l, l->slots[s], w, len))
      return true;
  return false;
}
