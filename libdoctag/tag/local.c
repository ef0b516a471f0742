/* The built-in offline tagger (see local.h).
 *
 * Candidates are runs of one to three words inside a segment (no
 * punctuation, heading edge, table cell or page break in between) that
 * neither start nor end with a stop word ("of", and in Hindi "की", "का",
 * "के", may sit in the middle), in the script most of the text is written
 * in. Devanagari is Hindi, or Marathi or Nepali with their own stop words
 * and stemmer (Snowball's Nepali) and without Hindi's verbs and
 * postpositions. Each is scored
 * from statistics of the text, YAKE/RAKE-like:
 *   - frequency of the phrase and the strength (frequency) of its words,
 *   - first position (documents state their subject early),
 *   - spread over the text (a topic recurs; a passing mention does not),
 *   - cohesion (a phrase seen several times is a unit; one seen once is
 *     weaker than its words),
 *   - title and heading boost: the title, a "Keywords:"/"Subject:"/"विषय:"
 *     statement, a heading that is the phrase itself ("Security"), a
 *     heading it is part of,
 *   - damping of names (only ever capitalised mid-sentence), labels of
 *     numbers ("Ward 4", "Pune 411005") and -ed participles.
 * Near-duplicates: plural/singular and other light-stem variants are one
 * candidate, shown in their most frequent spelling; a phrase that the title
 * or a heading uses, or that explains half the occurrences of a shorter one
 * inside it, takes that one's rank ("water supply" over "water"); a
 * candidate contained in or containing a chosen one is skipped, and one
 * sharing words with a chosen one is damped per shared word. */
#include "tag/local.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "tag/funcwords.h"
#include "tag/keyphrase.h"
#include "tag/lexicon.h"
#include "tag/pos_lang.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/semitic.h"
#include "tag/strtab.h"

#define MAX_WORDS 3        /* candidate phrases */
#define MAX_VOCAB_WORDS 5  /* vocabulary terms matched in the text */
#define BINS 10            /* spread: slices of the text */
#define DEFAULT_NUM_TAGS 8
#define TITLE_BOOST 4.0        /* in the title or a keywords statement */
#define WHOLE_HEADING_BOOST 4.0 /* is a heading: "Security", "Payment terms" */
#define HEADING_BOOST 2.5      /* in a heading */
#define ONCE_PENALTY 0.5       /* a phrase seen once, not in a heading */
#define CONNECTOR_PENALTY 0.7  /* "schedule of fittings" */
#define NAME_PENALTY 0.6       /* mostly capitalised mid-sentence */
#define LABEL_PENALTY 0.5      /* mostly right before a number */
#define PARTICIPLE_PENALTY 0.5 /* ends in -ed */
#define DIVERSITY 0.5      /* per word shared with a chosen tag */
#define KP_FRAGMENT_RATIO 3
#define MAX_SHARED 8       /* words shared with a chosen tag: the damping's table */

typedef struct cand {
  char *key;               /* stems joined by spaces */
  char **stems;            /* the same, split (borrowed from the tagger's `stems`, which outlives it) */
  unsigned int n;          /* words */
  char *form1;             /* the first spelling seen */
  unsigned int form1_n;    /* ... its occurrences while it is the only one */
  GHashTable *forms;       /* NULL while one spelling, else every spelling -> count */
  unsigned int tf, first, heading, title, named;
  double eff;              /* score after the diversity penalty */
  unsigned int damped;     /* ... by the first `damped` chosen tags */
  unsigned int bins;       /* bit set of slices */
  unsigned int labels;     /* occurrences right before a number or code */
  unsigned int whole;      /* occurrences that are a whole heading ("Security") */
  bool connector;          /* "bill of lading" */
  int vocab;               /* vocabulary index, or -1 */
  double score;
} cand;

typedef struct archive_word {
  double rarity;           /* tag_df_rarity() */
  double share;            /* share of the archive's documents holding it */
} archive_word;

typedef struct tagger {
  const tag_request *req;
  GArray *toks;
  unsigned int ntok;
  seg_script script;       /* the script tags are taken from */
  char **stem;             /* per token (words only), borrowed from `stems` */
  const char *lang;        /* "mar", "nep": the Devanagari text's language when not Hindi's, else
                              NULL (lex_is_stop() and lex_stem() read Devanagari as Hindi) */
  strtab stems;            /* word -> lex_stem_lang(word, lang): each distinct word stemmed once */
  bool semitic;            /* Arabic, Hebrew: a word stemmed without its proclitics (tag/semitic.h) */
  sem_text sem;            /* ... the text's words for them */
  bool *content;           /* per token: a word that may start or end a phrase */
  bool *adjective;         /* ... and an adjective, no tag alone ("नई", new) */
  strtab word_tf;          /* stem -> occurrences of content words (NULL: none) */
  GHashTable *title_stems; /* stems of req->title's content words */
  GHashTable *cands;       /* key -> cand */
  GHashTable *rarity;      /* stem -> archive_word: the owner's archive on that word;
                              NULL: standalone or an empty archive */
  GString *key, *form;     /* count()'s buffers, reused */
} tagger;

static void cand_free(gpointer p)
{
  cand *c = p;
  g_free(c->key);
  g_free(c->stems);
  g_free(c->form1);
  if (c->forms)
    g_hash_table_destroy(c->forms);
  g_free(c);
}

static seg_token *tok(const tagger *t, unsigned int i) { return &g_array_index(t->toks, seg_token, i); }

/* Devanagari when most of the words are, else Latin: Hindi, Marathi and
 * Nepali documents get Devanagari tags here; English, mostly-English
 * bilingual and every other script's documents go to keyphrase.c, which
 * takes its tags from the script most letters are written in
 * (seg_main_script()). A tie goes to the script of the language named
 * first. */
static seg_script main_script(const tagger *t)
{
  long latin = 0, deva = 0;
  for (unsigned int i = 0; i < t->ntok; i++) {
    const seg_token *k = tok(t, i);
    if (k->kind != SEG_WORD)
      continue;
    long n = seg_utf8_len(k->word);
    if (k->script == SEG_SCRIPT_LATIN)
      latin += n;
    else if (k->script == SEG_SCRIPT_DEVANAGARI)
      deva += n;
  }
  if (deva == latin && t->req->language)
    return g_str_has_prefix(t->req->language, tag_devanagari_language(t->req->language)) ? SEG_SCRIPT_DEVANAGARI
                                                                                          : SEG_SCRIPT_LATIN;
  return deva > latin ? SEG_SCRIPT_DEVANAGARI : SEG_SCRIPT_LATIN;
}

/* The text's stop words and stems are lex_is_stop_lang()'s and
 * lex_stem_lang()'s in t->lang: with NULL, Hindi's (and English's). Its
 * connectors: "of", and Hindi's postpositions in Hindi only ("का" is
 * Marathi's "why"). */
static bool connector(const tagger *t, const char *word)
{
  return lex_is_connector(word) && (!t->lang || !((unsigned char)word[0] & 0x80));
}

/* A stop or closed-class word of the request's language (sem_core()'s test). */
static bool function_word(const char *w, void *data)
{
  const char *lang = data;
  return lex_is_stop_lang(w, lang) || lex_is_closed_class(w, lang);
}

/* The stem of a word of the text or of a vocabulary term: Arabic's and
 * Hebrew's without their proclitics and article where the text shows
 * them ("لحقوق" as "حقوق"). Newly allocated. */
static char *word_stem(tagger *t, const char *word)
{
  const char *lang = t->req->language;
  return lex_stem_lang(t->semitic ? sem_base(&t->sem, word, lang, function_word, (void *)lang) : word, t->lang);
}

static bool content_token(guint i, void *data)
{
  const tagger *t = data;
  return t->content[i];
}

/* Hindi's conjunct verbs' first parts (fw_conjunct_parts()) are no words
 * of a phrase: "जमा" (deposit), five times in a pension circular, each
 * before "करना" or "होना", was its tag and ended "प्रमाण पत्र जमा". */
static void conjunct_verbs(tagger *t)
{
  if (t->script != SEG_SCRIPT_DEVANAGARI)
    return;
  const char *lang = t->lang ? t->lang : "hin";
  GHashTable *parts = fw_conjunct_parts(t->toks, lang, content_token, t);
  if (!parts)
    return;
  for (unsigned int i = 0; i < t->ntok; i++)
    if (t->content[i] && g_hash_table_contains(parts, tok(t, i)->word)) {
      *strtab_put(&t->word_tf, t->stem[i]) = NULL;
      t->content[i] = false;
    }
  g_hash_table_destroy(parts);
  /* ... and so is one at a single occurrence (fw_conjunct_part_at()):
   * "घर साफ रखें" (keep the house clean) made "साफ" a tag where "साफ
   * पानी" (clean water) kept it a word of the text's terms */
  const pos_lang_table *lang_pos = pos_lang_of(lang);
  for (unsigned int i = 0; i < t->ntok; i++) {
    if (!t->content[i])
      continue;
    unsigned int cls = pos_lang_class(lang_pos, tok(t, i)->word);
    if (fw_conjunct_part_at(t->toks, i, lang, cls == POS_LANG_ADJ || cls == POS_LANG_ADJ_NOUN || cls == POS_LANG_ADJ_VERB)) {
      gpointer *n = strtab_put(&t->word_tf, t->stem[i]);
      *n = GUINT_TO_POINTER(GPOINTER_TO_UINT(*n) - 1);
      t->content[i] = false;
    }
  }
}

static void prepare(tagger *t)
{
  t->ntok = t->toks->len;
  t->script = main_script(t);
  if (t->script == SEG_SCRIPT_DEVANAGARI && tag_devanagari_other(t->req->language))
    t->lang = tag_devanagari_other(t->req->language);
  t->stem = g_new0(char *, t->ntok + 1);
  t->content = g_new0(bool, t->ntok + 1);
  t->adjective = g_new0(bool, t->ntok + 1);
  strtab_init(&t->word_tf, t->ntok / 2);
  strtab_init(&t->stems, t->ntok / 2);
  t->semitic = sem_lang(t->req->language);
  if (t->semitic)
    sem_text_init(&t->sem, t->toks);
  t->key = g_string_new(NULL);
  t->form = g_string_new(NULL);
  /* Hindi: a form only ever a verb ("बताया", "करेंगी") starts and ends no
   * phrase. Not the adverbs: Apertium's Hindi ones hold adjectives and
   * nouns ("सर्वोत्तम", "वास्तव"). An adjective is no tag alone. Marathi
   * and Nepali have no table. */
  const pos_lang_table *lang_pos = t->script == SEG_SCRIPT_DEVANAGARI ? pos_lang_of(t->lang ? t->lang : "hin") : NULL;
  for (unsigned int i = 0; i < t->ntok; i++) {
    const seg_token *k = tok(t, i);
    if (k->kind != SEG_WORD)
      continue;
    gpointer *stem = strtab_put(&t->stems, k->word);
    if (!*stem)
      *stem = word_stem(t, k->word);
    t->stem[i] = *stem;
    t->content[i] = k->script == t->script && seg_utf8_len(k->word) >= 2 && !lex_is_stop_lang(k->word, t->lang);
    unsigned int cls = t->content[i] ? pos_lang_class(lang_pos, k->word) : POS_LANG_NONE;
    t->content[i] &= cls != POS_LANG_VERB;
    t->adjective[i] = cls == POS_LANG_ADJ;
    if (t->content[i]) {
      gpointer *n = strtab_put(&t->word_tf, t->stem[i]);
      *n = GUINT_TO_POINTER(GPOINTER_TO_UINT(*n) + 1);
    }
  }
  conjunct_verbs(t);
  /* the owner's archive: a word in many of their documents weighs less
   * (tag_df_rarity(): this path has no background table to blend with),
   * looked up by the stem the archive counts it under */
  if (tag_df_weight_alone(t->req->df) > 0) {
    t->rarity = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (unsigned int i = 0; i < t->ntok; i++) {
      if (!t->content[i] || g_hash_table_contains(t->rarity, t->stem[i]))
        continue;
      char *term = tag_term_stem(tok(t, i)->word, t->req->language);
      archive_word *a = g_new(archive_word, 1);
      a->rarity = tag_df_rarity(t->req->df, term);
      a->share = tag_df_share(t->req->df, term);
      g_hash_table_insert(t->rarity, t->stem[i], a);
      g_free(term);
    }
  }
  /* the title; the underscores of a file-name title ("en_water_supply") are spaces */
  t->title_stems = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (t->req->title) {
    char *title = g_strdelimit(g_strdup(t->req->title), "_", ' ');
    GArray *tt = seg_split(title);
    for (guint i = 0; i < tt->len; i++) {
      const seg_token *k = &g_array_index(tt, seg_token, i);
      if (k->kind == SEG_WORD && !lex_is_stop_lang(k->word, t->lang))
        g_hash_table_add(t->title_stems, lex_stem_lang(k->word, t->lang));
    }
    seg_free(tt);
    g_free(title);
  }
}

/* Records one occurrence of tokens [i, i+n) as candidate `key`. */
static cand *count(tagger *t, unsigned int i, unsigned int n, int vocab)
{
  GString *key = t->key, *form = t->form;
  g_string_truncate(key, 0);
  g_string_truncate(form, 0);
  for (unsigned int j = i; j < i + n; j++) {
    if (j > i) {
      g_string_append_c(key, ' ');
      g_string_append_c(form, ' ');
    }
    g_string_append(key, t->stem[j]);
    g_string_append(form, tok(t, j)->word);
  }
  cand *c = g_hash_table_lookup(t->cands, key->str);
  if (!c) {
    c = g_new0(cand, 1);
    c->key = g_strdup(key->str);
    c->stems = g_new(char *, n + 1); /* the key's words: a stem has no space */
    for (unsigned int j = 0; j < n; j++)
      c->stems[j] = t->stem[i + j];
    c->stems[n] = NULL;
    c->n = n;
    c->first = i;
    c->vocab = vocab;
    g_hash_table_insert(t->cands, c->key, c);
  }
  c->tf++;
  c->bins |= 1u << (unsigned int)((guint64)i * BINS / t->ntok);
  /* "Ward 4", "issue #412", "Pune 411005", "GSTIN 27AAK...": a word
   * labelling a number is a field name or an address, not a subject */
  if (i + n < t->ntok && tok(t, i + n)->kind != SEG_WORD)
    c->labels++;
  bool heading = true, title = true, named = true;
  for (unsigned int j = i; j < i + n; j++) {
    const seg_token *k = tok(t, j);
    heading &= k->heading;
    title &= k->title || k->keyword;
    /* capitalised where a common noun would not be */
    if (t->content[j])
      named &= k->cap && !k->acronym && !k->sentence && !k->heading && seg_utf8_len(k->word) > 1 &&
               k->script == SEG_SCRIPT_LATIN;
    if (j > i && j + 1 < i + n && !t->content[j])
      c->connector = true;
  }
  c->heading += heading;
  if (heading && tok(t, i)->brk && (i + n >= t->ntok || tok(t, i + n)->brk || !tok(t, i + n)->heading))
    c->whole++;
  c->title += title;
  c->named += named;
  /* the spellings: most candidates have one, so a table only for a second */
  if (!c->form1) {
    c->form1 = g_strdup(form->str);
    c->form1_n = 1;
  } else if (!c->forms && !strcmp(c->form1, form->str)) {
    c->form1_n++;
  } else {
    if (!c->forms) {
      c->forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert(c->forms, g_strdup(c->form1), GUINT_TO_POINTER(c->form1_n));
    }
    unsigned int fc = GPOINTER_TO_UINT(g_hash_table_lookup(c->forms, form->str));
    g_hash_table_replace(c->forms, g_strdup(form->str), GUINT_TO_POINTER(fc + 1));
  }
  return c;
}

static bool joined(const tagger *t, unsigned int j)
{
  const seg_token *k = tok(t, j);
  return k->kind == SEG_WORD && !k->brk;
}

/* A word of the phrase [first, last) again at `last` ("health services
 * health", "data data"): a run of words, never a name. */
static bool repeats(const tagger *t, unsigned int first, unsigned int last)
{
  for (unsigned int k = first; k < last; k++)
    if (t->stem[k] && t->stem[last] && !strcmp(t->stem[k], t->stem[last]))
      return true;
  return false;
}

static void collect_phrases(tagger *t)
{
  for (unsigned int i = 0; i < t->ntok; i++) {
    if (!t->content[i])
      continue;
    for (unsigned int n = 1; n <= MAX_WORDS && i + n <= t->ntok; n++) {
      unsigned int last = i + n - 1;
      if (n > 1 && (!joined(t, last) || repeats(t, i, last)))
        break;
      if (n == 3 && !t->content[i + 1] && !connector(t, tok(t, i + 1)->word))
        break;
      if (n == 2 && !t->content[last])
        continue; /* "bill of": may still become "bill of lading" */
      if (!t->content[last] || (n == 1 && t->adjective[i]))
        continue;
      count(t, i, n, -1);
    }
  }
}

/* A vocabulary term's key: the light stems of its words. A term in a script
 * written without spaces ("垃圾分类", "ตลาดนัดชุมชน") is several words of
 * the text, the ones seg_split() finds in it; an Arabic or Hebrew one's
 * words are stemmed as the text's (word_stem()). */
static char *vocabulary_key(tagger *t, const char *clean)
{
  bool unspaced = false;
  for (const char *p = clean; *p && !unspaced; p = g_utf8_next_char(p))
    unspaced = (unsigned char)*p >= 0x80 && seg_unspaced_script(seg_word_script(p));
  if (!unspaced && !t->semitic)
    return lex_stem_phrase_lang(clean, t->lang);
  GArray *toks = seg_split(clean);
  GString *key = g_string_new(NULL);
  for (guint i = 0; i < toks->len; i++) {
    char *st = word_stem(t, g_array_index(toks, seg_token, i).word);
    if (key->len)
      g_string_append_c(key, ' ');
    g_string_append(key, st);
    g_free(st);
  }
  seg_free(toks);
  return g_string_free(key, FALSE);
}

/* Vocabulary mode: the candidates are the vocabulary's terms, found in the
 * text by their light stems. */
static void collect_vocabulary(tagger *t)
{
  GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (size_t v = 0; v < t->req->vocabulary_count; v++) {
    char *clean = rules_clean(t->req->vocabulary[v]);
    char *key = vocabulary_key(t, clean);
    if (*key && !g_hash_table_contains(keys, key))
      g_hash_table_insert(keys, key, GINT_TO_POINTER((int)v + 1));
    else
      g_free(key);
    g_free(clean);
  }
  for (unsigned int i = 0; i < t->ntok; i++) {
    if (tok(t, i)->kind != SEG_WORD)
      continue;
    GString *key = g_string_new(NULL);
    for (unsigned int n = 1; n <= MAX_VOCAB_WORDS && i + n <= t->ntok; n++) {
      unsigned int last = i + n - 1;
      if (n > 1 && !joined(t, last))
        break;
      if (n > 1)
        g_string_append_c(key, ' ');
      g_string_append(key, t->stem[last]);
      int v = GPOINTER_TO_INT(g_hash_table_lookup(keys, key->str));
      if (v)
        count(t, i, n, v - 1);
    }
    g_string_free(key, TRUE);
  }
  g_hash_table_destroy(keys);
}

static const char *best_form(const cand *c);

static unsigned int word_tf(const tagger *t, const char *stem)
{
  return GPOINTER_TO_UINT(strtab_get(&t->word_tf, stem));
}

static bool in_title(const tagger *t, const cand *c)
{
  if (c->title)
    return true;
  bool any = false;
  for (unsigned int i = 0; i < c->n; i++) {
    if (connector(t, c->stems[i]))
      continue;
    if (!g_hash_table_contains(t->title_stems, c->stems[i]))
      return false;
    any = true;
  }
  return any;
}

/* English past participles ("created", "aged", "fixed") describe rather
 * than name: weak as a tag or as a phrase's last word. */
static bool participle(const cand *c)
{
  const char *form = best_form(c);
  size_t n = strlen(form);
  return n > 4 && !strcmp(form + n - 2, "ed");
}

static void score(tagger *t, cand *c)
{
  double strength = 0, least_share = 2.0;
  unsigned int words = 0;
  for (unsigned int i = 0; i < c->n; i++) {
    unsigned int tf = word_tf(t, c->stems[i]);
    if (!tf)
      continue; /* a connector */
    const archive_word *a = t->rarity ? g_hash_table_lookup(t->rarity, c->stems[i]) : NULL;
    strength += log2(1.0 + tf) * (a ? a->rarity : 1.0);
    if (a && a->share < least_share)
      least_share = a->share;
    words++;
  }
  /* a title or heading that the owner's documents nearly all carry is a
   * letterhead or boilerplate ("नगर निगम", "Terms and conditions"), not
   * this document's subject: its boost fades with the share of the
   * archive holding its rarest word, by the archive's weight */
  double fade = least_share <= 1.0 ? 1.0 - tag_df_weight_alone(t->req->df) * least_share : 1.0;
  strength = words ? strength / words : 1.0;
  double rel = (double)c->first / (double)t->ntok;
  double position = 1.0 + 1.0 / (1.0 + 8.0 * rel);
  unsigned int bins = (unsigned int)__builtin_popcount(c->bins);
  double spread = 1.0 + 0.08 * (bins - 1);
  double cohesion = c->n == 1 ? 1.0 : 1.0 + 0.5 * (c->n - 1);
  double s = pow((double)c->tf, 0.7) * strength * position * spread * cohesion;
  if (in_title(t, c))
    s *= fade < 1.0 ? pow(TITLE_BOOST, fade) : TITLE_BOOST;
  else if (c->whole)
    s *= fade < 1.0 ? pow(WHOLE_HEADING_BOOST, fade) : WHOLE_HEADING_BOOST;
  else if (c->heading)
    s *= fade < 1.0 ? pow(HEADING_BOOST, fade) : HEADING_BOOST;
  else if (c->n > 1 && c->tf == 1)
    s *= ONCE_PENALTY; /* a phrase seen once is weaker than its words */
  if (c->connector)
    s *= CONNECTOR_PENALTY;
  if (c->named * 5 >= c->tf * 4)
    s *= NAME_PENALTY; /* mostly a name (person, place, company) */
  if (c->labels * 2 > c->tf)
    s *= LABEL_PENALTY;
  if (t->script == SEG_SCRIPT_LATIN && participle(c))
    s *= PARTICIPLE_PENALTY;
  c->score = s;
}

/* True when the stems of `small` appear contiguously in `big`. */
static bool contains(const cand *big, const cand *small)
{
  return lex_stems_contain(big->stems, big->n, small->stems, small->n);
}

/* The same words in another order ("services health" beside "health
 * services"): where a phrase repeats, its words also pair the other way
 * round. (A phrase never repeats a word: repeats().) */
static bool same_words(const cand *a, const cand *b)
{
  if (a->n != b->n)
    return false;
  for (unsigned int i = 0; i < a->n; i++) {
    unsigned int j = 0;
    while (j < b->n && strcmp(a->stems[i], b->stems[j]))
      j++;
    if (j == b->n)
      return false;
  }
  return true;
}

/* A longer phrase takes the rank of a shorter one inside it when it is the
 * way the document names that thing: it is in the title (or a keywords
 * statement) or a section heading, or it accounts for half the shorter
 * one's occurrences ("water supply" over "water", "tax invoice" over
 * "invoice", "payment terms" over "payment"). Each shorter phrase passes its
 * rank to one phrase only: the title's longest, a heading's, else the best. */
static int absorber_rank(const cand *c)
{
  return c->title ? 2 : c->heading ? 1 : 0;
}

static bool better_absorber(const cand *a, const cand *b)
{
  if (!b)
    return true;
  if (absorber_rank(a) != absorber_rank(b))
    return absorber_rank(a) > absorber_rank(b);
  if (absorber_rank(a) && a->n != b->n)
    return a->n > b->n; /* the title's fullest phrase */
  if (a->score != b->score)
    return a->score > b->score;
  if (a->n != b->n)
    return a->n > b->n;
  return strcmp(a->key, b->key) < 0;
}

static void absorb(tagger *t)
{
  GHashTable *best = g_hash_table_new(g_direct_hash, g_direct_equal); /* small -> big */
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, t->cands);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    cand *big = v;
    if (big->n < 2 || big->connector)
      continue;
    for (unsigned int len = 1; len < big->n; len++) {
      for (unsigned int i = 0; i + len <= big->n; i++) {
        GString *k = g_string_new(NULL);
        for (unsigned int j = i; j < i + len; j++) {
          if (j > i)
            g_string_append_c(k, ' ');
          g_string_append(k, big->stems[j]);
        }
        cand *small = g_hash_table_lookup(t->cands, k->str);
        g_string_free(k, TRUE);
        if (!small || small->score <= big->score)
          continue;
        bool ratio = big->tf >= 2 && big->tf * 2 >= small->tf;
        /* a heading's phrase ("Payment terms", "Bug fixes") names its
         * section's subject, but not the document's (a title word), and
         * not when it only describes ("Items supplied") */
        bool heading = absorber_rank(big) == 1 && !in_title(t, small) && !participle(big);
        if (absorber_rank(big) < 2 && !ratio && !heading)
          continue;
        if (better_absorber(big, g_hash_table_lookup(best, small)))
          g_hash_table_insert(best, small, big);
      }
    }
  }
  /* scores move only now, so the order of the walk above does not matter */
  GPtrArray *moves = g_ptr_array_new();
  g_hash_table_iter_init(&it, best);
  gpointer small;
  while (g_hash_table_iter_next(&it, &small, &v))
    g_ptr_array_add(moves, small);
  double *gain = g_new0(double, moves->len + 1);
  for (guint i = 0; i < moves->len; i++) {
    cand *sm = moves->pdata[i], *big = g_hash_table_lookup(best, sm);
    gain[i] = sm->score * (1.0 + 0.01 * big->n);
  }
  for (guint i = 0; i < moves->len; i++) {
    cand *big = g_hash_table_lookup(best, moves->pdata[i]);
    if (gain[i] > big->score)
      big->score = gain[i];
  }
  g_free(gain);
  g_ptr_array_free(moves, TRUE);
  g_hash_table_destroy(best);
}

/* How many words of `a` are also words of `b` (connectors aside). */
static unsigned int shared_words(const tagger *t, const cand *a, const cand *b)
{
  unsigned int n = 0;
  for (unsigned int i = 0; i < a->n; i++) {
    if (connector(t, a->stems[i]))
      continue;
    for (unsigned int j = 0; j < b->n; j++) {
      if (!strcmp(a->stems[i], b->stems[j])) {
        n++;
        break;
      }
    }
  }
  return n;
}

static int by_score(gconstpointer a, gconstpointer b)
{
  const cand *x = *(const cand *const *)a, *y = *(const cand *const *)b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp(x->key, y->key);
}

/* The most frequent spelling; on a tie the longer ("supplies" over
 * "supply", "expected" over a clipped "expecte"), then the alphabetically
 * first. */
static const char *best_form(const cand *c)
{
  if (!c->forms)
    return c->form1;
  const char *best = NULL;
  unsigned int best_n = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, c->forms);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    unsigned int n = GPOINTER_TO_UINT(v);
    size_t kl = strlen(k), bl = best ? strlen(best) : 0;
    if (n > best_n || (n == best_n && (kl > bl || (kl == bl && strcmp(k, best) < 0)))) {
      best = k;
      best_n = n;
    }
  }
  return best;
}

/* One of raw_response's "candidates": left out whole where jansson's
 * json_pack() would have failed (core/json.h). */
static void candidate_add(json_w *cands, const char *phrase, double score, unsigned int count)
{
  json_mark mark;
  json_w c = json_w_open(cands, NULL, '{', &mark);
  bool ok = json_w_string(&c, "phrase", phrase);
  ok = json_w_real(&c, "score", score) && ok;
  json_w_int(&c, "count", (int)count);
  g_string_append_c(cands->s, '}');
  if (!ok)
    json_w_undo(cands, &mark);
}

/* raw_response: {"tagger":"local", "script", "method" (NULL: none), the
 * candidates' array, and "history_df" when the owner's archive was offered:
 * whether its document frequencies ranked the tags, from how many documents
 * and with what weight (standalone tagging, df NULL, adds nothing)}.
 * Written as text (core/json.h): building and dumping an object cost more
 * than choosing the tags of a short text. Newly allocated. */
static char *raw_response(const char *script, const char *method, const GString *cands, const tag_df *df,
                          double w)
{
  json_w o = { .s = g_string_sized_new(cands->len + 256) };
  g_string_append_c(o.s, '{');
  json_w_string(&o, "tagger", "local");
  json_w_string(&o, "script", script);
  if (method)
    json_w_string(&o, "method", method);
  json_mark mark;
  json_w_open(&o, "candidates", '[', &mark);
  g_string_append_len(o.s, cands->str, (gssize)cands->len);
  g_string_append_c(o.s, ']');
  if (df) {
    json_w h = json_w_open(&o, "history_df", '{', &mark);
    json_w_bool(&h, "used", w > 0);
    json_w_int(&h, "documents", (long long)df->n_docs);
    bool ok = json_w_real(&h, "weight", round(1000.0 * w) / 1000.0);
    g_string_append_c(o.s, '}');
    if (!ok)
      json_w_undo(&o, &mark);
  }
  g_string_append_c(o.s, '}');
  return g_string_free(o.s, FALSE);
}

/* Text without a vocabulary in any script but Devanagari: keyphrases
 * ranked by the co-occurrence graph (keyphrase.c). */
static doctag_status keyphrase_tag(tagger *t, tag_outcome *out)
{
  const tag_request *req = t->req;
  size_t limit = req->num_tags ? req->num_tags : DEFAULT_NUM_TAGS;
  kp_shape shape;
  kp_measure(t->toks, &shape);
  kp_info info;
  GPtrArray *ranked = kp_rank_df(t->toks, req->language, req->title, req->df, &shape, &info);
  /* the damping per word shared with a chosen tag (keyphrase.c): mild in
   * prose ("boolean functions" beside "boolean functions decomposition" are
   * both good), strong in a list, where "invoice date" beside "tax invoice"
   * wastes a slot */
  double diversity = kp_diversity(&shape);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  GArray *scores = g_array_new(FALSE, FALSE, sizeof(double));
  json_w cands = { .s = g_string_new(NULL) };
  double top = 0;
  GPtrArray *chosen = g_ptr_array_new();
  bool *gone = g_new0(bool, ranked->len + 1);
  /* a candidate's damped score, worked out against chosen[0, damped[i])
   * so far: each pair is compared once, in the order chosen, which gives
   * the same products as damping afresh at each pick */
  double *eff_of = g_new(double, ranked->len + 1);
  guint *damped = g_new0(guint, ranked->len + 1);
  double damping[MAX_SHARED + 1];
  for (unsigned int n = 0; n <= MAX_SHARED; n++)
    damping[n] = pow(diversity, n);
  for (guint i = 0; i < ranked->len; i++)
    eff_of[i] = ((kp_phrase *)ranked->pdata[i])->score;
  while (names->len < limit * 2) {
    /* the best once those sharing words with a chosen one are damped */
    kp_phrase *p = NULL;
    double best = -1;
    guint bi = 0;
    for (guint i = 0; i < ranked->len; i++) {
      kp_phrase *c = ranked->pdata[i];
      if (gone[i])
        continue;
      if (c->score <= best)
        break;
      for (; damped[i] < chosen->len; damped[i]++) {
        unsigned int shared = kp_shared_words(c, chosen->pdata[damped[i]]);
        eff_of[i] *= shared <= MAX_SHARED ? damping[shared] : pow(diversity, shared);
      }
      double eff = eff_of[i];
      if (eff > best) {
        best = eff;
        p = c;
        bi = i;
      }
    }
    if (!p)
      break;
    gone[bi] = true;
    /* a word of a chosen phrase is a fragment of it ("decomposition" of
     * "boolean functions decomposition"), unless it also stands on its own
     * far more often (a long paper's "grid" beside "grid computing") */
    bool overlap = false;
    for (guint j = 0; j < chosen->len && !overlap; j++) {
      const kp_phrase *c = chosen->pdata[j];
      /* the head noun of a chosen phrase names its kind, and so the same
       * thing more vaguely ("agreement" beside "residential rental
       * agreement"), however often it stands alone */
      bool head = p->n == 1 && c->n > 1 && !strcmp(c->stems[c->n - 1], p->stems[0]);
      overlap = p->n == 1 && kp_contains(c, p) && (head || p->tf <= KP_FRAGMENT_RATIO * c->tf);
    }
    if (overlap)
      continue;
    char *tag = rules_normalise_lang(p->form, req->language);
    if (!tag || rules_excluded(tag, req->exclusion, req->exclusion_count)) {
      g_free(tag);
      continue;
    }
    g_ptr_array_add(chosen, p);
    if (!top)
      top = best;
    double sc = top > 0 ? round(1000.0 * best / top) / 1000.0 : 0.0;
    if (names->len < limit)
      candidate_add(&cands, tag, sc, p->tf);
    g_ptr_array_add(names, tag);
    g_array_append_val(scores, sc);
  }
  out->model_name = g_strdup("local");
  rules_apply(req, (char *const *)names->pdata, (const double *)(void *)scores->data, names->len, out);
  out->raw_response = raw_response(seg_script_name(info.script), info.method, cands.s, req->df, tag_df_weight(req->df));
  g_string_free(cands.s, TRUE);
  g_free(gone);
  g_free(eff_of);
  g_free(damped);
  g_ptr_array_free(chosen, TRUE);
  g_array_free(scores, TRUE);
  g_ptr_array_free(names, TRUE);
  g_ptr_array_free(ranked, TRUE);
  return out->raw_response ? DOCTAG_OK : err_nomem();
}

static void tagger_clear(tagger *t)
{
  g_hash_table_destroy(t->cands);
  g_hash_table_destroy(t->title_stems);
  strtab_clear(&t->word_tf, NULL);
  if (t->rarity)
    g_hash_table_destroy(t->rarity);
  strtab_clear(&t->stems, g_free);
  if (t->semitic)
    sem_text_clear(&t->sem);
  g_string_free(t->key, TRUE);
  g_string_free(t->form, TRUE);
  g_free(t->stem);
  g_free(t->content);
  g_free(t->adjective);
  seg_free(t->toks);
}

doctag_status local_tag(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out)
{
  (void)ctx;
  size_t limit = req->num_tags ? req->num_tags : DEFAULT_NUM_TAGS;
  tagger t = { .req = req };
  t.toks = seg_split(req->text);
  t.ntok = t.toks->len;
  if (!req->vocabulary_count && main_script(&t) == SEG_SCRIPT_LATIN) {
    doctag_status st = keyphrase_tag(&t, out);
    seg_free(t.toks);
    return st;
  }
  prepare(&t);
  t.cands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, cand_free);
  if (t.ntok) {
    if (req->vocabulary_count)
      collect_vocabulary(&t);
    else
      collect_phrases(&t);
  }

  GPtrArray *ranked = g_ptr_array_new();
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, t.cands);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    score(&t, v);
    g_ptr_array_add(ranked, v);
  }
  if (!req->vocabulary_count)
    absorb(&t);
  g_ptr_array_sort(ranked, by_score);

  /* choose: the rules first (a rejected candidate must not shadow the
   * phrases around it), then no candidate inside or around a chosen one */
  GPtrArray *chosen = g_ptr_array_new();
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  bool *gone = g_new0(bool, ranked->len + 1);
  double damping[MAX_SHARED + 1];
  for (unsigned int n = 0; n <= MAX_SHARED; n++)
    damping[n] = pow(DIVERSITY, n);
  for (guint i = 0; i < ranked->len; i++) {
    cand *c = ranked->pdata[i];
    c->eff = c->score;
    c->damped = 0;
  }
  while (chosen->len < limit) {
    /* the best candidate once those sharing a word with a chosen tag are
     * damped; effective scores only fall, so the scan stops early. Each
     * candidate is damped by each chosen tag once, in the order chosen:
     * the same products as damping afresh at each pick. */
    cand *best = NULL;
    guint best_i = 0;
    for (guint i = 0; i < ranked->len; i++) {
      cand *c = ranked->pdata[i];
      if (gone[i])
        continue;
      if (best && c->score <= best->eff)
        break;
      for (; c->damped < chosen->len && c->vocab < 0; c->damped++) {
        unsigned int shared = shared_words(&t, c, chosen->pdata[c->damped]);
        c->eff *= shared <= MAX_SHARED ? damping[shared] : pow(DIVERSITY, shared);
      }
      if (!best || c->eff > best->eff) {
        best = c;
        best_i = i;
      }
    }
    if (!best)
      break;
    gone[best_i] = true;
    const char *form = best->vocab >= 0 ? req->vocabulary[best->vocab] : best_form(best);
    char *tag = best->vocab >= 0 ? rules_clean(form) : rules_normalise_lang(form, req->language);
    if (!tag || rules_excluded(tag, req->exclusion, req->exclusion_count)) {
      g_free(tag);
      continue;
    }
    bool overlap = false;
    for (guint j = 0; j < chosen->len && !overlap && best->vocab < 0; j++)
      overlap = contains(chosen->pdata[j], best) || contains(best, chosen->pdata[j]) ||
                same_words(chosen->pdata[j], best);
    if (overlap) {
      g_free(tag);
      continue;
    }
    g_ptr_array_add(chosen, best);
    g_ptr_array_add(names, tag);
  }
  g_free(gone);

  double top = chosen->len ? ((cand *)chosen->pdata[0])->eff : 1.0;
  double *scores = g_new0(double, chosen->len + 1);
  json_w cands = { .s = g_string_new(NULL) };
  for (guint i = 0; i < chosen->len; i++) {
    const cand *c = chosen->pdata[i];
    scores[i] = top > 0 ? round(1000.0 * c->eff / top) / 1000.0 : 0.0;
    candidate_add(&cands, names->pdata[i], scores[i], c->tf);
  }
  out->model_name = g_strdup("local");
  rules_apply(req, (char *const *)names->pdata, scores, names->len, out);
  /* Devanagari phrases, or a vocabulary's terms found in text mostly of
   * another script (main_script() knows only Latin beside Devanagari) */
  GUnicodeScript script = t.script == SEG_SCRIPT_DEVANAGARI ? G_UNICODE_SCRIPT_DEVANAGARI : seg_main_script(t.toks);
  out->raw_response = raw_response(seg_script_name(script), NULL, cands.s, req->df, tag_df_weight_alone(req->df));
  g_string_free(cands.s, TRUE);

  g_free(scores);
  g_ptr_array_free(names, TRUE);
  g_ptr_array_free(chosen, TRUE);
  g_ptr_array_free(ranked, TRUE);
  tagger_clear(&t);
  if (!out->raw_response)
    return err_nomem();
  return DOCTAG_OK;
}
