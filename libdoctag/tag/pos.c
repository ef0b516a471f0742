/* English parts of speech from the WordNet table (see pos.h). */
#include "tag/pos.h"

#include <math.h>
#include <string.h>

#include "tag/pos_table.h"

static const pos_table_entry *find(const char *w)
{
  unsigned int bucket = pos_bucket(w);
  size_t lo = pos_table_from[bucket], hi = pos_table_from[bucket + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(pos_table_words + pos_table[mid].word, w);
    if (!c)
      return &pos_table[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const char *pos_stem(const char *word)
{
  const pos_table_entry *e = find(word);
  return e ? pos_table_stems + e->stem : NULL;
}

/* morphy's detachment rules: suffix -> replacement, per part of speech */
typedef struct rule { const char *suffix, *repl; unsigned int pos; size_t sl, rl; } rule;
#define R(suffix, repl, pos) { suffix, repl, pos, sizeof suffix - 1, sizeof repl - 1 }
static const rule rules[] = {
  R("s", "", POS_NOUN), R("ses", "s", POS_NOUN), R("xes", "x", POS_NOUN), R("zes", "z", POS_NOUN),
  R("ches", "ch", POS_NOUN), R("shes", "sh", POS_NOUN), R("men", "man", POS_NOUN), R("ies", "y", POS_NOUN),
  R("s", "", POS_VERB), R("ies", "y", POS_VERB), R("es", "e", POS_VERB), R("es", "", POS_VERB),
  R("ed", "e", POS_VERB), R("ed", "", POS_VERB), R("ing", "e", POS_VERB), R("ing", "", POS_VERB),
  R("er", "", POS_ADJ), R("est", "", POS_ADJ), R("er", "e", POS_ADJ), R("est", "e", POS_ADJ),
};
#undef R

static void merge(pos_info *out, const pos_table_entry *e, unsigned int only)
{
  unsigned int f = e->flags & only;
  out->flags |= f;
  for (int i = 0; i < 4; i++)
    if (f & (1u << i))
      out->count[i] += e->count[i];
  if (e->df > out->df)
    out->df = e->df;
}

bool pos_lookup(const char *word, pos_info *out)
{
  memset(out, 0, sizeof *out);
  size_t n = strlen(word);
  if (!n || n > 60) {
    out->stem = pos_stem(word);
    return false;
  }
  const pos_table_entry *e = find(word);
  if (e) {
    merge(out, e, 15 | POS_VERB_FORM);
    out->stem = pos_table_stems + e->stem;
  }
  char buf[80], last[80] = "";
  const pos_table_entry *last_b = NULL; /* find(last): rules share bases ("s" of nouns and verbs) */
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    const rule *r = &rules[i];
    size_t sl = r->sl, rl = r->rl;
    if (n <= sl + 1 || word[n - 1] != r->suffix[sl - 1] || memcmp(word + n - sl, r->suffix, sl))
      continue;
    memcpy(buf, word, n - sl);
    memcpy(buf + n - sl, r->repl, rl + 1);
    const pos_table_entry *b = strcmp(buf, last) ? find(buf) : last_b;
    memcpy(last, buf, n - sl + rl + 1);
    last_b = b;
    /* a doubled consonant: "stopped" -> "stop", "planning" -> "plan" */
    if ((!b || !(b->flags & r->pos)) && r->pos == POS_VERB && !rl && n - sl >= 3 &&
        buf[n - sl - 1] == buf[n - sl - 2]) {
      buf[n - sl - 1] = 0;
      b = find(buf);
    }
    if (b && (b->flags & r->pos))
      merge(out, b, r->pos);
  }
  return out->flags != 0;
}

bool pos_noun_form(const char *word)
{
  const pos_table_entry *e = find(word);
  return e && (e->flags & POS_NOUN);
}

bool pos_verb_lemma(const char *word)
{
  const pos_table_entry *e = find(word);
  return e && (e->flags & POS_VERB);
}

double pos_idf(const pos_info *info)
{
  return log((pos_table_docs + 1.0) / (info->df + 1.0));
}

static bool compound_known(const char *w)
{
  size_t lo = 0, hi = pos_compounds_size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(pos_compound_words + pos_compounds[mid], w);
    if (!c)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

bool pos_compound(const char *a, const char *b)
{
  char buf[80];
  size_t na = strlen(a), nb = strlen(b);
  if (!na || !nb || na + nb + 2 > sizeof buf - 8)
    return false;
  memcpy(buf, a, na);
  buf[na] = ' ';
  memcpy(buf + na + 1, b, nb + 1);
  if (compound_known(buf))
    return true;
  /* the plural of the head: the noun rules apply to the compound's end */
  size_t n = na + 1 + nb;
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    const rule *r = &rules[i];
    if (r->pos != POS_NOUN || nb <= r->sl || memcmp(buf + n - r->sl, r->suffix, r->sl))
      continue;
    char alt[80];
    memcpy(alt, buf, n - r->sl);
    memcpy(alt + n - r->sl, r->repl, r->rl + 1);
    if (compound_known(alt))
      return true;
  }
  return false;
}

bool pos_of_compound(const char *a, const char *b)
{
  char buf[96];
  size_t na = strlen(a), nb = strlen(b);
  if (!na || !nb || na + nb + 8 > sizeof buf)
    return false;
  memcpy(buf, a, na);
  memcpy(buf + na, " of ", 4);
  memcpy(buf + na + 4, b, nb + 1);
  if (compound_known(buf))
    return true;
  /* the plural of the head, the first word */
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    const rule *r = &rules[i];
    if (r->pos != POS_NOUN || na <= r->sl || memcmp(a + na - r->sl, r->suffix, r->sl))
      continue;
    size_t n = na - r->sl;
    memcpy(buf + n, r->repl, r->rl);
    memcpy(buf + n + r->rl, " of ", 4);
    memcpy(buf + n + r->rl + 4, b, nb + 1);
    bool known = compound_known(buf);
    memcpy(buf, a, na); /* restore the head for the next rule */
    if (known)
      return true;
  }
  return false;
}
