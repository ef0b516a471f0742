/* Build-time generator: compiles WordNet's database (Debian's wordnet-base,
 * /usr/share/wordnet) into the compact English word table of tag/pos.c.
 *
 *   wordnet_gen WORDNET_DIR OUT.c
 *
 * For every single-word lemma (and every irregular form of the *.exc files)
 * it records which parts of speech WordNet knows for it and how often each
 * was seen in WordNet's sense-tagged corpus (cntlist.rev, SemCor counts),
 * and, for every word of the glosses, in how many glosses it occurs: the
 * background document frequency of the ranking (117,000 definitions of
 * general English, where "method" or "result" are common and "boolean" or
 * "multiresolution" are not), and every word's English stem as the tagger
 * stems it (tag/lexicon.c, stem_en(): Snowball's English stemmer, words of
 * up to three bytes as they are), which a text's words then need not be
 * stemmed for. The output is sorted (strcmp order) for a binary search, so
 * nothing is parsed at run time. */
#include <ctype.h>
#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pos_table.h" /* pos_bucket() */

enum { P_NOUN, P_VERB, P_ADJ, P_ADV, NPOS };

typedef struct entry {
  char *word;
  unsigned int flags;           /* 1 << P_* */
  unsigned int count[NPOS];     /* SemCor counts */
  unsigned int df;              /* glosses containing the word */
} entry;

static entry *tab;
static size_t ntab, cap;
static size_t *slots;           /* open addressing: index + 1, 0 empty */
static size_t nslots = 1u << 20;

static size_t hash(const char *s)
{
  size_t h = 5381;
  for (; *s; s++)
    h = h * 33 + (unsigned char)*s;
  return h;
}

static entry *get(const char *w)
{
  size_t i = hash(w) & (nslots - 1);
  while (slots[i]) {
    entry *e = &tab[slots[i] - 1];
    if (!strcmp(e->word, w))
      return e;
    i = (i + 1) & (nslots - 1);
  }
  if (ntab == cap) {
    cap = cap ? cap * 2 : 65536;
    tab = realloc(tab, cap * sizeof *tab);
    if (!tab)
      exit(1);
  }
  entry *e = &tab[ntab++];
  memset(e, 0, sizeof *e);
  e->word = strdup(w);
  slots[i] = ntab;
  if (ntab * 2 > nslots) {
    fprintf(stderr, "wordnet_gen: table full\n");
    exit(1);
  }
  return e;
}

static FILE *open_in(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "wordnet_gen: cannot open %s (install wordnet-base)\n", path);
    exit(1);
  }
  return f;
}

/* Lemmas are lower-case ASCII letters with inner hyphens, apostrophes or
 * dots; multi-word lemmas ("_") are skipped. */
static int single_word(const char *w)
{
  if (!*w || strchr(w, '_'))
    return 0;
  for (const char *p = w; *p; p++)
    if (!islower((unsigned char)*p) && *p != '-' && *p != '\'' && *p != '.')
      return 0;
  return 1;
}

static void read_index(const char *dir, const char *name, int pos)
{
  FILE *f = open_in(dir, name);
  char line[65536];
  while (fgets(line, sizeof line, f)) {
    if (line[0] == ' ')
      continue; /* licence header */
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = 0;
    if (single_word(line))
      get(line)->flags |= 1u << pos;
  }
  fclose(f);
}

/* Two-word nouns of index.noun ("general_practitioner", "real_time"),
 * kept as "general practitioner": the tagger keeps them whole inside
 * longer noun phrases. Also the three-word ones joined by "of"
 * ("degree_of_freedom", "bill_of_rights", "gulf_of_mexico"), kept as
 * "degree of freedom": nouns in their own right, where most "A of B"
 * phrases are not. */
static char **compounds;
static size_t ncompounds, capcompounds;

static void read_compounds(const char *dir)
{
  FILE *f = open_in(dir, "index.noun");
  char line[65536];
  while (fgets(line, sizeof line, f)) {
    if (line[0] == ' ')
      continue;
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = 0;
    char *us = strchr(line, '_');
    if (!us || us == line || !us[1])
      continue;
    char *us2 = us[1] ? strchr(us + 1, '_') : NULL;
    if (us2 && (us2 - us != 3 || strncmp(us + 1, "of", 2) || strchr(us2 + 1, '_')))
      continue;
    *us = 0;
    if (us2)
      *us2 = 0;
    if (!single_word(line) || !single_word(us2 ? us2 + 1 : us + 1))
      continue;
    *us = ' ';
    if (us2)
      *us2 = ' ';
    if (ncompounds == capcompounds) {
      capcompounds = capcompounds ? 2 * capcompounds : 4096;
      compounds = realloc(compounds, capcompounds * sizeof *compounds);
      if (!compounds) {
        fprintf(stderr, "wordnet_gen: out of memory\n");
        exit(1);
      }
    }
    compounds[ncompounds++] = strdup(line);
  }
  fclose(f);
}

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Whether `form` is `lemma` with a suffix pos_lookup()'s rules undo
 * ("planning" plan, "modelled" model, "studies" study): pos_lookup()
 * counts those as their lemma already. */
static bool regular_form(const char *form, const char *lemma)
{
  static const char *const suffixes[] = { "s", "es", "ies", "ed", "ing" };
  size_t n = strlen(form), m = strlen(lemma);
  for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    size_t sl = strlen(suffixes[i]);
    if (n <= sl || strcmp(form + n - sl, suffixes[i]))
      continue;
    size_t b = n - sl; /* the base: form[0, b) */
    if ((b == m && !strncmp(form, lemma, m)) ||                                      /* "sets" */
        (b + 1 == m && !strncmp(form, lemma, b) && strchr("ey", lemma[b])) ||          /* "made"... "studies" */
        (b == m + 1 && !strncmp(form, lemma, m) && form[b - 1] == form[b - 2]))       /* "planning" */
      return true;
  }
  return false;
}

/* The irregular verb forms of verb.exc and their lemma ("sent send"). */
typedef struct exc_form { char *form, *lemma; } exc_form;
static exc_form *verb_forms;
static size_t nverb_forms, capverb_forms;

static void read_exc(const char *dir, const char *name, int pos)
{
  FILE *f = open_in(dir, name);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = 0;
    if (!single_word(line))
      continue;
    entry *e = get(line);
    bool lemma_too = e->flags & (1u << pos); /* index.verb has "found" (a company) */
    e->flags |= 1u << pos;
    char *lemma = sp + 1, *end = lemma + strcspn(lemma, " \r\n");
    *end = 0;
    if (pos != P_VERB || !*lemma || !strcmp(lemma, line) || !single_word(lemma))
      continue;
    if (lemma_too)
      continue; /* a verb of its own too ("found" a company, "bound" over): counted */
    e->flags |= 1u << NPOS; /* tag/pos.h's POS_VERB_FORM */
    if (regular_form(line, lemma))
      continue; /* counted already */
    if (nverb_forms == capverb_forms) {
      capverb_forms = capverb_forms ? 2 * capverb_forms : 4096;
      verb_forms = realloc(verb_forms, capverb_forms * sizeof *verb_forms);
      if (!verb_forms)
        exit(1);
    }
    verb_forms[nverb_forms].form = strdup(line);
    verb_forms[nverb_forms++].lemma = strdup(lemma);
  }
  fclose(f);
}

/* An irregular verb form is seen as often as a verb as its lemma, as
 * pos_lookup() counts a regular one ("presented" as "present"): SemCor
 * counts senses by lemma, so "sent" alone has its noun's count (a coin,
 * 0) and none of "send"'s, and read as a noun after a noun ("video
 * streams sent over"). Only where the form's other reading is a noun of
 * its own ("sent", "led", "won", "drove"): where WordNet reads it as an
 * adjective ("hidden", "unified", "given"), that reading is the
 * participle's use before a noun, and SemCor counted it there ("hidden
 * Markov model"). */
static void verb_form_counts(void)
{
  unsigned int *add = calloc(nverb_forms + 1, sizeof *add);
  if (!add)
    exit(1);
  for (size_t i = 0; i < nverb_forms; i++)
    if (!(get(verb_forms[i].form)->flags & (1u << P_ADJ)))
      add[i] = get(verb_forms[i].lemma)->count[P_VERB];
  for (size_t i = 0; i < nverb_forms; i++)
    get(verb_forms[i].form)->count[P_VERB] += add[i];
  free(add);
}

/* cntlist.rev: "lemma%ss_type:lex_filenum:lex_id:head:head_id sense count" */
static void read_counts(const char *dir)
{
  FILE *f = open_in(dir, "cntlist.rev");
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char *pct = strchr(line, '%');
    if (!pct)
      continue;
    *pct = 0;
    int type = pct[1] - '0';
    char *sp = strrchr(pct + 1, ' ');
    if (!sp || !single_word(line))
      continue;
    unsigned int n = (unsigned int)strtoul(sp + 1, NULL, 10);
    int pos = type == 1 ? P_NOUN : type == 2 ? P_VERB : type == 3 || type == 5 ? P_ADJ : type == 4 ? P_ADV : -1;
    if (pos < 0)
      continue;
    entry *e = get(line);
    e->flags |= 1u << pos;
    e->count[pos] += n;
  }
  fclose(f);
}

/* Each gloss (after '|') is a document: its distinct lower-cased words. */
static void read_glosses(const char *dir, const char *name)
{
  FILE *f = open_in(dir, name);
  static char line[1 << 16];
  char **seen = NULL;
  size_t nseen = 0, cseen = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == ' ')
      continue;
    char *g = strchr(line, '|');
    if (!g)
      continue;
    nseen = 0;
    char *p = g + 1;
    while (*p) {
      while (*p && !isalpha((unsigned char)*p))
        p++;
      char *s = p;
      while (*p && (isalpha((unsigned char)*p) || ((*p == '-' || *p == '\'') && isalpha((unsigned char)p[1]))))
        p++;
      if (p == s)
        continue;
      char w[256];
      size_t n = (size_t)(p - s) < sizeof w - 1 ? (size_t)(p - s) : sizeof w - 1;
      for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)s[i]);
      w[n] = 0;
      int dup = 0;
      for (size_t i = 0; i < nseen && !dup; i++)
        dup = !strcmp(seen[i], w);
      if (dup)
        continue;
      entry *e = get(w);
      e->df++;
      if (nseen == cseen) {
        cseen = cseen ? cseen * 2 : 64;
        seen = realloc(seen, cseen * sizeof *seen);
        if (!seen)
          exit(1);
      }
      seen[nseen++] = e->word;
    }
  }
  free(seen);
  fclose(f);
}

static int by_word(const void *a, const void *b)
{
  return strcmp(((const entry *)a)->word, ((const entry *)b)->word);
}

static unsigned int cap16(unsigned int v) { return v > 65535 ? 65535 : v; }

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: wordnet_gen WORDNET_DIR OUT.c\n");
    return 2;
  }
  const char *dir = argv[1];
  slots = calloc(nslots, sizeof *slots);
  if (!slots)
    return 1;
  static const char *const idx[NPOS] = { "index.noun", "index.verb", "index.adj", "index.adv" };
  static const char *const exc[NPOS] = { "noun.exc", "verb.exc", "adj.exc", "adv.exc" };
  static const char *const data[NPOS] = { "data.noun", "data.verb", "data.adj", "data.adv" };
  for (int p = 0; p < NPOS; p++) {
    read_index(dir, idx[p], p);
    read_exc(dir, exc[p], p);
  }
  read_counts(dir);
  verb_form_counts();
  read_compounds(dir);
  qsort(compounds, ncompounds, sizeof *compounds, by_str);
  unsigned int docs = 0;
  for (int p = 0; p < NPOS; p++)
    read_glosses(dir, data[p]);
  /* the number of glosses: one per synset line */
  for (int p = 0; p < NPOS; p++) {
    FILE *f = open_in(dir, data[p]);
    char line[1 << 16];
    while (fgets(line, sizeof line, f))
      docs += line[0] != ' ' && strchr(line, '|') != NULL;
    fclose(f);
  }
  qsort(tab, ntab, sizeof *tab, by_word);
  /* a bucket that went down would hide its words from the look-up */
  for (size_t i = 1; i < ntab; i++)
    if (pos_bucket(tab[i].word) < pos_bucket(tab[i - 1].word)) {
      fprintf(stderr, "wordnet_gen: \"%s\" sorts after \"%s\" in a lower bucket\n", tab[i].word, tab[i - 1].word);
      return 1;
    }

  FILE *o = fopen(argv[2], "w");
  if (!o) {
    perror(argv[2]);
    return 1;
  }
  fprintf(o, "/* Generated by libdoctag/tag/gen/wordnet_gen.c from WordNet 3.0 (%s). */\n"
             "#include \"tag/pos_table.h\"\n\n", dir);
  fprintf(o, "const unsigned int pos_table_docs = %u;\nconst size_t pos_table_size = %zu;\n", docs, ntab);
  fprintf(o, "const char pos_table_words[] =\n");
  size_t off = 0;
  uint32_t *offs = malloc(ntab * sizeof *offs);
  for (size_t i = 0; i < ntab; i++) {
    offs[i] = (uint32_t)off;
    fprintf(o, "  \"%s\\0\"\n", tab[i].word);
    off += strlen(tab[i].word) + 1;
  }
  fprintf(o, "  ;\nconst char pos_table_stems[] =\n");
  struct sb_stemmer *stemmer = sb_stemmer_new("english", NULL);
  if (!stemmer) {
    fprintf(stderr, "wordnet_gen: no English Snowball stemmer\n");
    return 1;
  }
  uint32_t *stem_offs = malloc(ntab * sizeof *stem_offs);
  off = 0;
  for (size_t i = 0; i < ntab; i++) {
    const char *w = tab[i].word;
    int n = (int)strlen(w), len = n;
    const sb_symbol *r = n <= 3 ? NULL : sb_stemmer_stem(stemmer, (const sb_symbol *)w, n);
    if (r)
      len = sb_stemmer_length(stemmer);
    else
      r = (const sb_symbol *)w;
    stem_offs[i] = (uint32_t)off;
    fprintf(o, "  \"%.*s\\0\"\n", len, (const char *)r);
    off += (size_t)len + 1;
  }
  sb_stemmer_delete(stemmer);
  fprintf(o, "  ;\nconst pos_table_entry pos_table[] = {\n");
  for (size_t i = 0; i < ntab; i++) {
    const entry *e = &tab[i];
    fprintf(o, "  {%u,%u,%u,{%u,%u,%u,%u},%u},\n", offs[i], e->flags, cap16(e->df), cap16(e->count[0]),
            cap16(e->count[1]), cap16(e->count[2]), cap16(e->count[3]), stem_offs[i]);
  }
  free(stem_offs);
  fprintf(o, "};\n");
  /* each bucket's first entry (checked above: the buckets never go down) */
  fprintf(o, "const uint32_t pos_table_from[POS_BUCKETS + 1] = {\n");
  size_t at = 0;
  for (unsigned int b = 0; b <= POS_BUCKETS; b++) {
    while (at < ntab && pos_bucket(tab[at].word) < b)
      at++;
    fprintf(o, "  %zu,\n", at);
  }
  fprintf(o, "};\n");
  fprintf(o, "const size_t pos_compounds_size = %zu;\nconst char pos_compound_words[] =\n", ncompounds);
  offs = realloc(offs, (ncompounds + 1) * sizeof *offs);
  off = 0;
  for (size_t i = 0; i < ncompounds; i++) {
    offs[i] = (uint32_t)off;
    fprintf(o, "  \"%s\\0\"\n", compounds[i]);
    off += strlen(compounds[i]) + 1;
  }
  fprintf(o, "  ;\nconst uint32_t pos_compounds[] = {\n");
  for (size_t i = 0; i < ncompounds; i++)
    fprintf(o, "  %u,\n", offs[i]);
  fprintf(o, "};\n");
  free(offs);
  if (fclose(o))
    return 1;
  return 0;
}
