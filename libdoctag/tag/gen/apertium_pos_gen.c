/* Build-time generator: the parts of speech of a language's word forms
 * (only verbs, only adverbs, nouns or verbs, participles, adjectives, "de"
 * and other prepositions), from an Apertium morphological analyser
 * (Debian's apertium-X-Y translation packages ship X-Y.automorf.bin,
 * lttoolbox's transducer of language X), for the tagger's languages that
 * have no WordNet.
 *
 *   apertium_pos_gen lang PART.inc CODE ATT [ATT...]
 *   apertium_pos_gen merge OUT.c CODE PART.inc [CODE PART.inc...]
 *
 * One language a run (`lang`), so that the build runs the analysers side by
 * side, then one `merge` of their parts into OUT.c. ATT is `lt-print
 * X-Y.automorf.bin`: the analyser's sections one after the other, split by "--" lines, each an AT&T transducer ("from to input
 * output weight" a transition, "state weight" a final state; "ε" for no
 * symbol). Each path of an acyclic section is one analysis, a surface
 * form read on the input side and "lemma<pos><tag>..." on the output
 * side. A section's cycles (compounds, which the Scandinavian analysers
 * read by returning to the start after a word; numbers, regular
 * expressions) are cut where a depth-first walk from the start meets
 * them, so that each word is read alone, once; a section with more than
 * PATH_CAP paths, which no word list has, is skipped.
 *
 * A form (lower-cased, NFC, as the segmenter writes words) is classed by
 * every analysis of it (tag/pos_lang_table.h): a verb when each is a verb,
 * finite or infinitive, and no noun, adjective, proper noun, adverb,
 * closed-class reading, participle or gerund (which modify nouns: "plan
 * annoncé"); an adverb when each is one ("notamment", "samodzielnie"), or
 * a short adjective, Russian's predicate ("временно"); a
 * noun or a verb when it has both readings ("annonce", "conta": context
 * decides), an adjective or a verb likewise ("présente", "complète"); a participle when it has no other reading ("présenté",
 * "aprovado"; not "élevé", which Apertium also lists as an adjective); an
 * adjective when it has only adjective readings ("grande", "maior"), or
 * adjective and noun ones ("nouvelle", "public"); "of" when it is the
 * preposition "de" (Italian "di"), alone or contracted with an article
 * ("do", "del", "della", "des"); another preposition, alone or contracted
 * ("no", "al", "nella"), also when an adjective or a participle
 * ("pendant", "durante", "suivant"), not a noun ("sous") or a verb; a
 * numeral when a reading is a cardinal ("dues", "двух", "миллиона") and none
 * a noun or an adjective ("set", thirst; "neuf", new), not a Roman one,
 * part of a name ("HCS II"). Only
 * forms of letters are kept, and an elided preposition's apostrophe
 * ("dell'", "d'") is dropped: the segmenter splits a
 * text's words at spaces, hyphens and apostrophes ("apresenta-se",
 * "aujourd'hui"). PART.inc holds the sorted forms of CODE (ISO 639-3, as
 * the language identification reports it) and their classes, OUT.c every
 * part and the table of them (tag/pos_lang_table.h). */
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tag/gen/c_string.h"
#include "tag/pos_lang_table.h"

#define PATH_CAP 20000000.0

/* Apertium's first tags of verbs and of adverbs, and the tags of a verb's forms that
 * modify or name like an adjective or a noun (participles, gerunds,
 * Hindi's and Urdu's agentive "सँवारनेवाली"). */
static const char *const verb_tags[] = { "vblex", "vbmod", "vbser", "vbhaver", "vaux", NULL };
static const char *const adverb_tags[] = { "adv", "preadv", NULL };
static const char *const noun_tags[] = { "n", "np", NULL };
static const char *const adjective_tags[] = { "adj", NULL };
static const char *const preposition_tags[] = { "pr", NULL };
static const char *const numeral_tags[] = { "num", NULL };
/* The lemmas of the preposition that joins nouns as English "of" does. */
static const char *const of_lemmas[] = { "de", "di", NULL };
static const char *const nonfinite_tags[] = { "pp", "pprs", "ppr", "ppres", "ppas", "pact", "ger", "vbger", "agnt", NULL };

static bool in(const char *const *list, const char *tag)
{
  for (; *list; list++)
    if (!strcmp(*list, tag))
      return true;
  return false;
}

enum { SYM_EPS = 0 };
/* What an output symbol says of the analysis it is on. */
enum { OUT_CHAR, OUT_VERB, OUT_ADV, OUT_NOUN, OUT_ADJ, OUT_PREP, OUT_NUM, OUT_NONFINITE, OUT_DEF, OUT_P12, OUT_SHORT, OUT_CMP, OUT_TAG, OUT_JOIN };

typedef struct arc { unsigned int to, in, out; } arc;

typedef struct section {
  GArray *first;     /* state -> index of its first arc in `sorted`, and one past the last state */
  GArray *final;     /* state -> gboolean */
  unsigned int states;
} section;

typedef struct symtab {
  GHashTable *ids;   /* text -> id + 1 */
  GPtrArray *text;   /* id -> text */
  GArray *kind;      /* id -> OUT_* */
} symtab;

static unsigned int sym_id(symtab *s, const char *text)
{
  gpointer v = g_hash_table_lookup(s->ids, text);
  if (v)
    return GPOINTER_TO_UINT(v) - 1;
  unsigned int id = s->text->len;
  char *t = g_strdup(text);
  g_ptr_array_add(s->text, t);
  g_hash_table_insert(s->ids, t, GUINT_TO_POINTER(id + 1));
  int kind = OUT_CHAR;
  size_t n = strlen(t);
  if (n > 2 && t[0] == '<' && t[n - 1] == '>') {
    char *tag = g_strndup(t + 1, n - 2);
    kind = in(verb_tags, tag)          ? OUT_VERB
           : in(adverb_tags, tag)      ? OUT_ADV
           : in(noun_tags, tag)        ? OUT_NOUN
           : in(adjective_tags, tag)   ? OUT_ADJ
           : in(preposition_tags, tag) ? OUT_PREP
           : in(numeral_tags, tag)     ? OUT_NUM
           : in(nonfinite_tags, tag)   ? OUT_NONFINITE
           : !strcmp(tag, "def")       ? OUT_DEF /* "do" de<pr>+o<det><def> */
           : !strcmp(tag, "p1") || !strcmp(tag, "p2") ? OUT_P12
           : !strcmp(tag, "short")     ? OUT_SHORT /* Russian's "временно", "мутна" */
           : !strcmp(tag, "cmp")       ? OUT_CMP
                                       : OUT_TAG;
    g_free(tag);
  } else if (!strcmp(t, "+")) {
    kind = OUT_JOIN; /* "du" de<pr>+le<det>: the first analysis is the form's */
  }
  g_array_append_val(s->kind, kind);
  return id;
}

/* Per form: which readings it has, a verb's finite form or infinitive, a
 * participle or gerund, an adverb, a noun, an adjective, "of", another
 * preposition, or anything else. A verb with a clitic glued to it (Spanish's
 * "presentarlo", "dándole", Galician's "dixéronllo") is not walked: 470,000
 * forms in Spanish, five million in Galician, rare in a text, which would
 * make the table several times larger and its build ten seconds longer. */
/* F_VERB12: a verb's first or second person only ("governo", I govern;
 * "soutiens"): a verb where no other reading is, but not enough to make
 * a noun's form a verb in a document, which speaks of third persons */
enum { F_VERB = 1, F_ADV = 2, F_OTHER = 4, F_PART = 8, F_NOUN = 16, F_ADJ = 32, F_OF = 64, F_PREP = 128, F_VERB12 = 256,
       F_NUM = 512 };

static unsigned int form_class(unsigned int f)
{
  if (f & F_OF && !(f & F_VERB))
    return POS_LANG_OF;
  if (f & F_PREP && !(f & (F_VERB | F_NOUN)))
    return POS_LANG_PREP;
  /* a cardinal that is no noun nor adjective too (Catalan's "set", thirst;
   * French's "neuf", new), whatever verb's form it also spells (Russian's
   * "три", rub; Hindi's "दो", give; Romanian's "opt"): a closed class, as
   * English's stop list holds "two", "million" */
  if (f & F_NUM && !(f & (F_NOUN | F_ADJ)))
    return POS_LANG_NUM;
  if (f && !(f & ~(F_VERB | F_VERB12)))
    return POS_LANG_VERB;
  if (f & F_VERB && f & F_NOUN && !(f & F_PREP))
    return POS_LANG_NOUN_VERB;
  if (f & F_VERB && f & F_ADJ && !(f & F_PREP))
    return POS_LANG_ADJ_VERB;
  if (f == F_ADV)
    return POS_LANG_ADV;
  if (f == F_PART)
    return POS_LANG_PARTICIPLE;
  if (f == F_ADJ)
    return POS_LANG_ADJ;
  if (f == (F_ADJ | F_NOUN))
    return POS_LANG_ADJ_NOUN;
  return POS_LANG_NONE;
}

typedef struct walker {
  const section *sec;
  const arc *sorted; /* arcs grouped by their state */
  const bool *cut;   /* per arc of `sorted`: one closing a cycle, not walked */
  const symtab *sym;
  GHashTable *forms; /* form -> F_* (lower-cased, NFC) */
  GString *surface;
  GString *lemma;    /* the analysis's output before its first tag */
  unsigned long paths;
} walker;

static void record(walker *w, unsigned int cls)
{
  const char *s = w->surface->str;
  if (!*s || !g_utf8_validate(s, -1, NULL))
    return;
  gsize len = w->surface->len;
  if (cls & (F_OF | F_PREP) && len > 1 && s[len - 1] == '\'')
    len--; /* "d'", "dell'": the segmenter's "d", "dell" */
  else if (cls & (F_OF | F_PREP) && len > 3 && !strcmp(s + len - 3, "\u2019"))
    len -= 3;
  for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
    if (!g_unichar_isalpha(g_utf8_get_char(p)) && !g_unichar_ismark(g_utf8_get_char(p)))
      return;
  if (cls == F_NUM && strspn(s, "ivxlcdmIVXLCDM") == len)
    return; /* a Roman numeral is a name's ("HCS II", "Fase II") */
  char *down = g_utf8_strdown(s, (gssize)len);
  char *nfc = g_utf8_normalize(down, -1, G_NORMALIZE_NFC);
  g_free(down);
  unsigned int had = GPOINTER_TO_UINT(g_hash_table_lookup(w->forms, nfc));
  g_hash_table_insert(w->forms, nfc, GUINT_TO_POINTER(had | (unsigned int)cls));
  w->paths++;
}

/* Every path from `state`: `pos` is what the analysis's first tag said so
 * far (-1 none yet), `nonfinite` whether a later tag made it a
 * participle, `joined` whether the first analysis has ended ("+"), and
 * `def` whether a definite article followed it ("do", not "deste",
 * "dele": "of this", "of him" join no nouns), `p12` whether it is of the
 * first or second person, `adj_form` OUT_SHORT or OUT_CMP when a later tag
 * made an adjective's form short or comparative (else 0): a short
 * adjective is a predicate, in no noun phrase, as an adverb is ("вода
 * мутна", "временно"), and a comparative is left out (Russian's "временно"
 * is also one, Swedish's "större" is a noun's adjective). */
static void walk(walker *w, unsigned int state, int pos, bool nonfinite, bool joined, bool def, bool p12, int adj_form)
{
  if (g_array_index(w->sec->final, gboolean, state) && !(pos == OUT_ADJ && adj_form == OUT_CMP))
    record(w, pos == OUT_VERB               ? (nonfinite ? F_PART : p12 ? F_VERB12 : F_VERB)
              : pos == OUT_ADV && !joined   ? F_ADV
              : pos == OUT_NOUN && !joined  ? F_NOUN
              : pos == OUT_ADJ && !joined   ? (adj_form == OUT_SHORT ? F_ADV : F_ADJ)
              : pos == OUT_PREP             ? (in(of_lemmas, w->lemma->str) && joined == def ? F_OF : F_PREP)
              : pos == OUT_NUM && !joined   ? F_NUM
                                            : F_OTHER);
  unsigned int from = g_array_index(w->sec->first, unsigned int, state);
  unsigned int to = g_array_index(w->sec->first, unsigned int, state + 1);
  for (unsigned int i = from; i < to; i++) {
    const arc *a = &w->sorted[i];
    if (w->cut[i])
      continue;
    gsize len = w->surface->len, lemma_len = w->lemma->len;
    if (a->in != SYM_EPS)
      g_string_append(w->surface, g_ptr_array_index(w->sym->text, a->in));
    int p = pos;
    bool nf = nonfinite, j = joined, d = def, p2 = p12;
    int af = adj_form;
    if (a->out != SYM_EPS && j)
      d |= g_array_index(w->sym->kind, int, a->out) == OUT_DEF;
    else if (a->out != SYM_EPS) {
      int kind = g_array_index(w->sym->kind, int, a->out);
      if (kind == OUT_JOIN && p == OUT_VERB) {
        g_string_truncate(w->surface, len);
        continue; /* a verb and its clitics */
      }
      if (kind == OUT_JOIN)
        j = true;
      else if (p < 0 && kind == OUT_CHAR)
        g_string_append(w->lemma, g_ptr_array_index(w->sym->text, a->out));
      else if (p < 0)
        p = kind == OUT_NONFINITE || kind == OUT_P12 || kind == OUT_SHORT || kind == OUT_CMP ? OUT_TAG : kind;
      else if (kind == OUT_NONFINITE)
        nf = true;
      else if (kind == OUT_P12)
        p2 = true;
      else if (kind == OUT_SHORT || kind == OUT_CMP)
        af = kind;
    }
    walk(w, a->to, p, nf, j, d, p2, af);
    g_string_truncate(w->surface, len);
    g_string_truncate(w->lemma, lemma_len);
  }
}

typedef struct frame { unsigned int state, next; } frame;

/* The section's paths (capped) once the arcs that close a cycle, back to
 * a state on the depth-first walk's stack, are cut (`cut`, per arc);
 * returns how many were. */
static unsigned int acyclic_paths(const section *s, const arc *sorted, bool *cut, double *paths)
{
  unsigned int n = s->states;
  unsigned char *color = g_new0(unsigned char, n); /* 0 new, 1 on the stack, 2 done */
  double *count = g_new0(double, n);
  GArray *stack = g_array_new(FALSE, FALSE, sizeof(frame));
  unsigned int cuts = 0;
  for (unsigned int root = 0; root < n; root++) {
    if (color[root])
      continue;
    frame top = { root, g_array_index(s->first, unsigned int, root) };
    g_array_append_val(stack, top);
    color[root] = 1;
    while (stack->len) {
      frame *t = &g_array_index(stack, frame, stack->len - 1);
      unsigned int st = t->state;
      if (t->next < g_array_index(s->first, unsigned int, st + 1)) {
        unsigned int arc_at = t->next++, to = sorted[arc_at].to;
        if (color[to] == 1) {
          cut[arc_at] = true;
          cuts++;
        } else if (!color[to]) {
          color[to] = 1;
          frame next = { to, g_array_index(s->first, unsigned int, to) };
          g_array_append_val(stack, next);
        }
        continue;
      }
      double c = g_array_index(s->final, gboolean, st) ? 1 : 0;
      for (unsigned int i = g_array_index(s->first, unsigned int, st); i < t->next; i++)
        if (!cut[i])
          c += count[sorted[i].to];
      count[st] = c > PATH_CAP * 2 ? PATH_CAP * 2 : c;
      color[st] = 2;
      g_array_set_size(stack, stack->len - 1);
    }
  }
  *paths = count[0];
  g_array_free(stack, TRUE);
  g_free(count);
  g_free(color);
  return cuts;
}

typedef struct raw_arc { unsigned int from; arc a; } raw_arc;

/* Walks one section read into `raw` (its states below `states`). */
static void section_done(GArray *raw, GArray *finals, unsigned int states, const symtab *sym, GHashTable *forms,
                         const char *code, unsigned int index)
{
  if (!raw->len)
    return;
  section s = { g_array_sized_new(FALSE, TRUE, sizeof(unsigned int), states + 1),
                g_array_sized_new(FALSE, TRUE, sizeof(gboolean), states), states };
  g_array_set_size(s.first, states + 1);
  g_array_set_size(s.final, states);
  for (guint i = 0; i < finals->len; i++)
    g_array_index(s.final, gboolean, g_array_index(finals, unsigned int, i)) = TRUE;
  /* the arcs grouped by their state, in the file's order (counting sort) */
  unsigned int *first = (unsigned int *)(void *)s.first->data;
  for (guint i = 0; i < raw->len; i++)
    first[g_array_index(raw, raw_arc, i).from + 1]++;
  for (unsigned int i = 0; i < states; i++)
    first[i + 1] += first[i];
  arc *sorted = g_new(arc, raw->len);
  unsigned int *at = g_memdup2(first, sizeof(unsigned int) * states);
  for (guint i = 0; i < raw->len; i++) {
    const raw_arc *r = &g_array_index(raw, raw_arc, i);
    sorted[at[r->from]++] = r->a;
  }
  g_free(at);
  double paths;
  bool *cut = g_new0(bool, raw->len);
  unsigned int cuts = acyclic_paths(&s, sorted, cut, &paths);
  if (paths > PATH_CAP)
    fprintf(stderr, "apertium_pos_gen: %s: section %u has over %.0f paths, skipped\n", code, index, PATH_CAP);
  else {
    walker w = { &s, sorted, cut, sym, forms, g_string_new(NULL), g_string_new(NULL), 0 };
    walk(&w, 0, -1, false, false, false, false, 0);
    fprintf(stderr, "apertium_pos_gen: %s: section %u, %lu analyses, %u arcs closing a cycle cut\n", code, index,
            w.paths, cuts);
    g_string_free(w.surface, TRUE);
    g_string_free(w.lemma, TRUE);
  }
  g_free(cut);
  g_free(sorted);
  g_array_free(s.first, TRUE);
  g_array_free(s.final, TRUE);
}

/* Reads `path` (lt-print's output) into `forms`. */
static int read_att(const char *code, const char *path, GHashTable *forms)
{
  FILE *in = fopen(path, "r");
  if (!in) {
    perror(path);
    return 1;
  }
  symtab sym = { g_hash_table_new(g_str_hash, g_str_equal), g_ptr_array_new_with_free_func(g_free),
                 g_array_new(FALSE, FALSE, sizeof(int)) };
  sym_id(&sym, "ε");
  GArray *raw = g_array_new(FALSE, FALSE, sizeof(raw_arc));
  GArray *finals = g_array_new(FALSE, FALSE, sizeof(unsigned int));
  unsigned int states = 0, index = 0;
  char line[1024];
  int rc = 0;
  while (!rc && fgets(line, sizeof line, in)) {
    line[strcspn(line, "\n")] = '\0';
    if (!strcmp(line, "--")) {
      section_done(raw, finals, states, &sym, forms, code, index++);
      g_array_set_size(raw, 0);
      g_array_set_size(finals, 0);
      states = 0;
      continue;
    }
    char *f[5] = { 0 };
    int nf = 0;
    for (char *p = line; nf < 5; nf++) {
      f[nf] = p;
      char *tab = strchr(p, '\t');
      if (!tab)
        break;
      *tab = '\0';
      p = tab + 1;
    }
    unsigned int from = (unsigned int)strtoul(f[0], NULL, 10);
    if (from + 1 > states)
      states = from + 1;
    if (nf < 3) { /* "state weight": a final state */
      g_array_append_val(finals, from);
      continue;
    }
    raw_arc r = { from, { (unsigned int)strtoul(f[1], NULL, 10), sym_id(&sym, f[2]), sym_id(&sym, f[3]) } };
    if (r.a.to + 1 > states)
      states = r.a.to + 1;
    g_array_append_val(raw, r);
  }
  section_done(raw, finals, states, &sym, forms, code, index);
  fclose(in);
  g_array_free(raw, TRUE);
  g_array_free(finals, TRUE);
  g_hash_table_destroy(sym.ids);
  g_ptr_array_free(sym.text, TRUE);
  g_array_free(sym.kind, TRUE);
  return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Writes to `path` through a temporary file renamed at the end, so that
 * an interrupted build leaves no part-written output; `write` returns
 * non-zero on failure. */
static int write_file(const char *path, int (*write)(FILE *out, char **args), char **args)
{
  char *tmp = g_strdup_printf("%s.tmp", path);
  FILE *out = fopen(tmp, "w");
  if (!out) {
    perror(tmp);
    g_free(tmp);
    return 1;
  }
  int rc = write(out, args);
  if (fclose(out) || rc || rename(tmp, path)) {
    fprintf(stderr, "apertium_pos_gen: cannot write %s\n", path);
    remove(tmp);
    g_free(tmp);
    return 1;
  }
  g_free(tmp);
  return 0;
}

/* `lang`: args are CODE ATT [ATT...], NULL-terminated; a form's analyses
 * are those of every ATT. */
static int write_part(FILE *out, char **args)
{
  const char *code = args[0], *path = args[1];
  GHashTable *forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  int rc = 0;
  for (char **a = args + 1; *a && !rc; a++)
    rc = read_att(code, *a, forms);
  GPtrArray *kept = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, forms);
  unsigned int n[POS_LANG_CLASSES] = { 0 };
  while (g_hash_table_iter_next(&it, &k, &v)) {
    unsigned int c = form_class(GPOINTER_TO_UINT(v));
    n[c]++;
    if (c != POS_LANG_NONE)
      g_ptr_array_add(kept, k);
  }
  qsort(kept->pdata, kept->len, sizeof(char *), cmp_str);
  fprintf(stderr,
          "apertium_pos_gen: %s: %u forms, %u only verbs, %u only adverbs, %u nouns or verbs, %u adjectives or "
          "verbs, %u participles, %u adjectives, %u adjectives or nouns, %u \"of\", %u prepositions, %u numerals\n",
          code, g_hash_table_size(forms), n[POS_LANG_VERB], n[POS_LANG_ADV], n[POS_LANG_NOUN_VERB],
          n[POS_LANG_ADJ_VERB], n[POS_LANG_PARTICIPLE], n[POS_LANG_ADJ], n[POS_LANG_ADJ_NOUN], n[POS_LANG_OF],
          n[POS_LANG_PREP], n[POS_LANG_NUM]);
  if (!n[POS_LANG_VERB] && !rc) {
    fprintf(stderr, "apertium_pos_gen: %s: no verb in %s\n", code, path);
    rc = 1;
  }
  fprintf(out, "static const char %s_words[] =\n", code);
  for (guint i = 0; i < kept->len; i++) {
    fputs("  ", out);
    gen_emit_string(out, kept->pdata[i]);
    fputs(" \"\\0\"\n", out);
  }
  fprintf(out, "  ;\nstatic const uint32_t %s_forms[] = {\n", code);
  size_t at = 0;
  for (guint i = 0; i < kept->len; i++) {
    fprintf(out, "  %zu,\n", at);
    at += strlen(kept->pdata[i]) + 1;
  }
  fprintf(out, "};\nstatic const uint8_t %s_classes[] = {", code);
  for (guint i = 0; i < kept->len; i++)
    fprintf(out, "%s%u,", i % 32 ? "" : "\n  ", form_class(GPOINTER_TO_UINT(g_hash_table_lookup(forms, kept->pdata[i]))));
  fprintf(out, "\n};\n\n");
  g_ptr_array_free(kept, TRUE);
  g_hash_table_destroy(forms);
  return rc;
}

/* `merge`: args are CODE PART.inc pairs, NULL-terminated. */
static int write_merged(FILE *out, char **args)
{
  fprintf(out, "/* Generated by libdoctag/tag/gen/apertium_pos_gen.c from Apertium's analysers: do not edit. */\n"
               "#include \"tag/pos_lang_table.h\"\n\n");
  for (char **a = args; *a; a += 2) {
    FILE *in = fopen(a[1], "r");
    if (!in) {
      perror(a[1]);
      return 1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
      fwrite(buf, 1, n, out);
    int bad = ferror(in);
    fclose(in);
    if (bad) {
      fprintf(stderr, "apertium_pos_gen: cannot read %s\n", a[1]);
      return 1;
    }
  }
  fprintf(out, "const struct pos_lang_table pos_lang_tables[] = {\n");
  for (char **a = args; *a; a += 2)
    fprintf(out, "  { \"%s\", %s_words, %s_forms, %s_classes, sizeof %s_forms / sizeof *%s_forms },\n", *a, *a, *a,
            *a, *a, *a);
  fprintf(out, "  { NULL, NULL, NULL, NULL, 0 }\n};\n");
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 5 && !strcmp(argv[1], "lang"))
    return write_file(argv[2], write_part, argv + 3);
  if (argc >= 5 && argc % 2 && !strcmp(argv[1], "merge"))
    return write_file(argv[2], write_merged, argv + 3);
  fprintf(stderr, "usage: apertium_pos_gen lang PART.inc CODE ATT [ATT...]\n"
                  "       apertium_pos_gen merge OUT.c CODE PART.inc [CODE PART.inc...]\n");
  return 2;
}
