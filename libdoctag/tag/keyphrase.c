/* Keyphrase candidates and their ranking (see keyphrase.h).
 *
 * Candidates (English): noun phrases by part-of-speech pattern, ADJ* NOUN+
 * up to 5 words, read from WordNet's table (tag/pos.h) with a little
 * context ("we present" is a verb, "the present" not); a hyphenated
 * compound is one unit ("object-oriented", "real-time"), printed with its
 * hyphen; two noun phrases joined by "of" are one more candidate
 * ("decomposition of boolean functions"). Generic modifiers at the start
 * ("proposed", "novel", "various") are dropped.
 *
 * Ranking: SingleRank/PositionRank. The candidates' words are nodes of a
 * graph whose edges count co-occurrence within a window of words; a
 * PageRank biased to the positions a word occurs at (early words weigh
 * more) gives each word a score, weighted by the word's rarity in general
 * English (WordNet's glosses as background documents); a phrase scores the
 * sum of its words, so longer phrases that name the subject rank first. */
#include "tag/keyphrase.h"

#include <math.h>
#include <string.h>

#include "tag/funcwords.h"
#include "tag/lexicon.h"
#include "tag/pos.h"
#include "tag/pos_lang.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/semitic.h"
#include "tag/strtab.h"

#define WINDOW 10          /* co-occurrence window, in words */
#define DAMPING 0.85
#define ITERATIONS 40
#define CONVERGED 1e-6     /* summed change of the scores */
#define IDF_WEIGHT 0.6     /* exponent of the background rarity */
/* "A of B" is rarely a keyphrase: "decomposition of boolean functions" is
 * said "boolean functions decomposition", and "application of genetic
 * algorithms" names "genetic algorithms" (1% of such candidates are gold
 * on Inspec, 0-9% on SemEval and KPCrowd, against 18-39% of all) */
#define OF_PENALTY 0.1     /* ... unless it names one thing: "Gulf of Mexico", "degrees of freedom" */
#define LEN_EXP 0.5        /* a phrase scores sum(words) / words^LEN_EXP */
#define TF_EXP 0.5         /* ... times occurrences^TF_EXP */
/* ... times (1 + first occurrence, in words)^-FIRST_EXP: the phrase's own
 * position, beside its words' (PositionRank). A paper names its subject in
 * its title and abstract, and a phrase first met on page 8 is seldom
 * one; mild: 0.79 at word 100, 0.64 at word 8,000. */
#define FIRST_EXP 0.05
#define NOUN_WEIGHT 1.5    /* nouns dominate the text tags come from */
#define COMPOUND_WEIGHT 4.0 /* a noun/verb right after a noun or adjective */
#define TITLE_BOOST 3.0    /* in the title (a heading-shaped one) or a keywords statement */
/* ... in a title the text opens with that is no heading (too long, sentence
 * case: a paper's): such a line names several things, and its words already
 * come first (PositionRank) */
#define LINE_TITLE_BOOST 1.5
/* An adjective WordNet mostly reads as a verb opens a phrase when its
 * adjective count times this reaches the verb count ("direct",
 * "approximate"; not "meet", "offer") */
#define ADJ_SHARE 4
#define HEADING_BOOST 4.0  /* a heading's phrase ("Payment terms", "Bug fixes") */
#define LABEL_PENALTY 0.5  /* mostly right before a number: "Ward 4", "Pune 411005" */
/* Document shape (kp_measure). News names people and places in runs of
 * capitalised words and uses short everyday words; its keyphrases are
 * mostly single words (KPCrowd: 74% of the gold), where abstracts' are
 * phrases (Inspec: 15% single words). A document with both signs gets up
 * to SINGLE_BIAS more on the length exponent (3.5 in all: little but
 * single words). Long texts (papers, reports) and list-like ones keep the
 * phrase prior. Measured on English (the dev sets); applied to English
 * and to the Romance languages of shaped_langs, which capitalise names
 * alone and whose words are about as long (bench/keyphrase_mt.sh: on
 * 100 texts of each dev set translated to French, Spanish, Portuguese and
 * Italian, F1@10 rose 12.9-14.2 -> 13.7-15.7 on KPCrowd's news, 17.9-20.6
 * -> 21.6-24.8 on Inspec's abstracts). Not German, which capitalises
 * every noun. */
#define NAMES_FROM 0.02    /* share of words in capitalised runs where the bias starts */
#define NAMES_SLOPE 30.0   /* ... full at NAMES_FROM + 1/NAMES_SLOPE */
#define PLAIN_WORD_LEN 5.2 /* mean letters per word below which words are plain */
#define PLAIN_SLOPE 4.0    /* ... full at 0.25 letters below */
#define SINGLE_BIAS 3.0
#define LONG_FROM 2000     /* words: the bias fades out between these two */
#define LONG_TO 5000
/* Reported speech marks a news story too, also where its words are long
 * and few names run together (a business or crime report): from
 * REPORTING_FULL of the words ("said", "says", "told": one word in 200) a
 * text reads as news; it then gets REPORTING_BIAS of the single-word bias.
 * An abstract or a paper has almost none. Not "according": papers and
 * abstracts say "according to the model" (without it, and with the whole
 * bias for what is left, F1@10 rose on Inspec-dev 39.03 -> 39.22,
 * Inspec-train 37.26 -> 37.47 and KPCrowd 18.37 -> 18.71; SemEval 21.48 ->
 * 21.23, where a paper's "according" had weighed its single words up). Personal
 * pronouns do not count: a biography, a case report or a paper's "the
 * author presents his framework" refers to people without being news
 * (Inspec: 33 of the 61 abstracts that read as news had pronouns and no
 * reported speech; counting speech alone, F1@10 rose on both Inspec sets
 * and SemEval, KPCrowd's news keeps 270 of its 350 stories as news). */
#define REPORTING_FULL 0.005
#define REPORTING_BIAS 1.0
/* Administrative text (a notice, circular, order, tender, agreement) names
 * places, offices and people as news does, and may quote one "said", but
 * it tells its reader what shall, must or may be done: "shall be allowed",
 * "are requested", "is prohibited", "deberán", "queda prohibido". Where such
 * directive words outnumber the reporting ones but the first by more than
 * one, the news signs fade: fully at DIRECTIVE_FULL of the words, one in
 * 100, and in a short text at DIRECTIVE_MIN words beyond the first (a
 * Portuguese notice's "deverão" and "é proibido" beside one "diz"). A news
 * story quotes a "must" now and then (25 of KPCrowd's 350 stories have
 * one, none two more than its reporting words): none of them fades. */
#define DIRECTIVE_FULL 0.01
#define DIRECTIVE_MIN 1.0
/* A text that states its subject on a line of its own ("Subject: Temporary
 * road closures", "विषय:", "Keywords:", segment.c's keyword lines) is a
 * letter, a circular, a memo or a paper, which no news story is: it counts
 * as this many directive words (the road-closure circular directs with "are
 * directed" and "will be closed", none of the list's words). */
#define STATED_DIRECTIVES 2.0
/* A single word is a keyphrase in news, rarely in the prose of papers,
 * abstracts and reports: there 14% of the single words tagged were gold on
 * Inspec, against 40-45% of the two- and three-word tags (a single word is
 * mostly a fragment of the phrases that name the subject: "sequence" of
 * "sequence states"). In prose that is no news story, a single word's
 * score is multiplied by PROSE_SINGLE, unless the author lists it in a
 * keywords statement ("Keywords: malaria; ..."). Lists keep their single
 * words ("Invoice"). */
#define PROSE_SINGLE 0.3
/* ... and, in a text that reads wholly as prose, by its background rarity
 * squared (its WordNet idf over that of a word WordNet lacks: 1 for a
 * coined term or acronym, 0.6 for a word in 100 glosses): an everyday word
 * alone ("system", "structure", "performance") seldom names a paper's
 * subject, a technical one ("ontology", "XML") more often (Inspec-train:
 * 33% of the single-word tags WordNet lacks were gold, 18% of those in
 * under 30 glosses, 5-10% of commoner ones). The rarity weighs in as the
 * prose share to the power RARE_PROSE_EXP: a news story the shape signs
 * read as half prose keeps its everyday words ("company", "nation"). */
#define RARE_EXP 2.0
#define RARE_PROSE_EXP 4.0
#define LIST_FROM 13.0     /* words per sentence below which a text reads as a list */
#define LIST_TO 9.0        /* ... fully a list (forms, invoices, notices, recipes) */
#define DIVERSITY 0.8      /* damping per word shared with a chosen tag: prose */
#define LIST_DIVERSITY 0.5 /* ... in a list, where each tag should name another thing */

typedef enum wclass { W_OTHER = 0, W_STOP, W_NOUN, W_ADJ, W_VERB, W_ADV } wclass;

/* Modifiers that say nothing of the subject: dropped at a phrase's start. */
static const char *const weak_modifiers[] = {
  "proposed", "novel", "new", "various", "several", "different", "many", "certain", "given", "based",
  "main", "important", "first", "second", "third", "last", "previous", "present", "existing", "current",
  "recent", "possible", "particular", "specific", "general", "simple", "good", "better", "best", "high",
  "low", "large", "small", "great", "major", "key", "typical", "usual", "common", "overall", "entire",
  "whole", "full", "additional", "further", "related", "similar", "same", "other", "such", "own",
  "efficient", "effective", "significant", "useful", "powerful", "improved", "standard", "basic", "next",
  "following", "corresponding", "respective", "various", "numerous", "relevant", "appropriate", "suitable",
  "able", "available", "necessary", "real", "actual", "original", "initial", "final", "total", "single",
  "multiple", "individual", "extensive", "comprehensive", "interesting", "promising", "traditional",
  "conventional", "classical", "modern", "future", "potential", "open", "critical", "essential", NULL
};

/* Words before which an ambiguous noun/verb is a verb: "we present",
 * "to show", "can improve". */
static const char *const verb_context[] = {
  "we", "i", "you", "they", "it", "he", "she", "to", "can", "could", "will", "would", "may", "might", "must",
  "shall", "should", "does", "do", "did", "not", "also", "cannot", "often", "usually", "then", NULL
};

/* Words after which a word is nominal: determiners and possessives. */
static const char *const noun_context[] = {
  "the", "a", "an", "this", "these", "those", "its", "their", "our", "his", "her", "each", "every",
  "any", "some", "no", "all", "both", "either", "neither", "such", "of", "for", "in", "on", "with", NULL
};

/* Determiners and possessives: before them a participle modifies ("the
 * mixed tracking errors"); after a preposition it takes an object ("by
 * combining classical theory"). */
static const char *const determiners[] = {
  "the", "a", "an", "this", "these", "those", "its", "their", "our", "his", "her", "each", "every", "any",
  "some", "no", "all", "both", "either", "neither", "such", "whose", "which", "what", NULL
};

/* Auxiliaries: "has reduced costs", "is growing fast" keep their verb. */
static const char *const auxiliaries[] = {
  "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "get", "gets",
  "got", "become", "becomes", "became", NULL
};

/* Participles that make a compound adjective with the noun before them,
 * written with or without the hyphen: "case based reasoning", "object
 * oriented design", "computer aided diagnosis". Other participles after a
 * noun are mostly a clause's verb ("the implementation produced reasonable
 * performance"). */
static const char *const combining_participles[] = {
  "based", "oriented", "driven", "aided", "assisted", "enabled", "related", "induced", "controlled", "mediated",
  "powered", "guided", "supported", "derived", "coupled", "shaped", "sized", "centered", "centred", NULL
};

/* Words after which an "-ing" word can end a noun phrase: "model checking
 * is", "network caching and", "data mining of". Before other words it is a
 * verb taking an object or a preposition ("operators looking for", "the
 * method using a graph", "a node serving as"). The second list only
 * follows a gerund WordNet lists as a noun, or one it does not know:
 * other -ing words take it as verbs ("consisting of", "participating
 * in"). */
static const char *const after_gerund[] = { "and", "or", "is", "are", "was", "were", "has", "have", "can", "which", NULL };
static const char *const after_noun_gerund[] = { "of", "in", NULL };

/* "-ly" adverbs that qualify a clause or a claim, not the adjective after
 * them as part of a term: focusing ("only", "namely", "especially"), time
 * ("currently", "previously", "newly") and hedging or judging ones
 * ("relatively", "typically", "surprisingly"). Others modify inside a
 * phrase: "fully automatic", "highly parallel", "weakly singular". */
static const char *const clause_adverbs[] = {
  "only", "namely", "especially", "particularly", "mainly", "mostly", "merely", "simply", "largely", "solely",
  "currently", "recently", "previously", "originally", "newly", "formerly", "initially", "finally", "usually",
  "typically", "generally", "normally", "commonly", "frequently", "increasingly", "relatively", "potentially",
  "possibly", "probably", "seemingly", "apparently", "surprisingly", "really", "actually", "certainly",
  "clearly", "obviously", "significantly", "considerably", "slightly", "quite", NULL
};

/* Prepositions a past participle takes after the noun it follows
 * ("video streams sent over networks", "students classified as"): then
 * it is a clause's verb, not a compound's word. Not "of", which follows a
 * noun ("the set of"). */
static const char *const prepositions[] = {
  "to", "by", "in", "on", "at", "from", "with", "into", "onto", "over", "through", "across", "via", "under",
  "between", "among", "within", "without", "for", "as", "during", "after", "before", "against", "toward",
  "towards", "along", "upon", "throughout", "around", "beyond", "behind", "above", "below", NULL
};

static bool in_list(const char *const *list, const char *w)
{
  for (const char *const *p = list; *p; p++)
    if (!strcmp(*p, w))
      return true;
  return false;
}

enum {
  L_VERB_CONTEXT = 1, L_NOUN_CONTEXT = 2, L_DETERMINER = 4, L_AUXILIARY = 8, L_WEAK = 16, L_COMBINING = 32,
  L_AFTER_GERUND = 64, L_AFTER_NOUN_GERUND = 128, L_CLAUSE_ADVERB = 256, L_PREPOSITION = 512
};

/* A set of words, each with bits: open addressing over a fixed array
 * (tag/strtab.h), for the word lists below that every text asks of its
 * words. Built once per process and read-only after; glib's table cost
 * ~0.15 M instructions to build for the English lists alone, paid by every
 * one-document process. */
#define WORD_BITS_SLOTS 1024 /* a power of two, over twice the words held */
typedef struct word_bits {
  const char *word[WORD_BITS_SLOTS];
  unsigned int bits[WORD_BITS_SLOTS];
} word_bits;

/* Whether lists of `words` words in all (NULLs counted: a bound) fit a
 * word_bits at most half full, as its probe needs: checked at build time
 * where each table is filled. */
#define WORD_BITS_FIT(words) ((words) * 2 <= WORD_BITS_SLOTS)

static void word_bits_add(word_bits *t, const char *const *list, unsigned int bit)
{
  for (const char *const *p = list; *p; p++) {
    size_t i = strtab_slot(t->word, WORD_BITS_SLOTS - 1, *p);
    t->word[i] = *p;
    t->bits[i] |= bit;
  }
}

static unsigned int word_bits_of(const word_bits *t, const char *w)
{
  return t->bits[strtab_slot(t->word, WORD_BITS_SLOTS - 1, w)];
}

/* Which of the English word lists above hold `w` (L_* bits): one look-up
 * for each distinct word of a text instead of ~200 comparisons. */
static unsigned int english_lists(const char *w)
{
  static gsize once;
  static word_bits table;
  if (g_once_init_enter(&once)) {
    static const struct { const char *const *list; unsigned int bit; } lists[] = {
      { verb_context, L_VERB_CONTEXT }, { noun_context, L_NOUN_CONTEXT }, { determiners, L_DETERMINER },
      { auxiliaries, L_AUXILIARY }, { weak_modifiers, L_WEAK }, { combining_participles, L_COMBINING },
      { after_gerund, L_AFTER_GERUND }, { after_noun_gerund, L_AFTER_NOUN_GERUND },
      { clause_adverbs, L_CLAUSE_ADVERB }, { prepositions, L_PREPOSITION },
    };
    G_STATIC_ASSERT(WORD_BITS_FIT(G_N_ELEMENTS(verb_context) + G_N_ELEMENTS(noun_context) +
                                  G_N_ELEMENTS(determiners) + G_N_ELEMENTS(auxiliaries) +
                                  G_N_ELEMENTS(weak_modifiers) + G_N_ELEMENTS(combining_participles) +
                                  G_N_ELEMENTS(after_gerund) + G_N_ELEMENTS(after_noun_gerund) +
                                  G_N_ELEMENTS(clause_adverbs) + G_N_ELEMENTS(prepositions)));
    for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
      word_bits_add(&table, lists[i].list, lists[i].bit);
    g_once_init_leave(&once, 1);
  }
  return word_bits_of(&table, w);
}

/* What a distinct word of the text is, worked out once: a text repeats its
 * words, and stemming and the WordNet lookup are dear. */
typedef struct word_info {
  char *stem;
  bool known;            /* in WordNet (English) */
  bool verb_context;     /* in verb_context[] (English) */
  bool noun_context;     /* in noun_context[] (English) */
  bool determiner;       /* in determiners[] (English) */
  bool auxiliary;        /* in auxiliaries[] (English) */
  bool weak;             /* in weak_modifiers[] (English) */
  bool stop;             /* a stop word of the language, or under two letters */
  bool combining;        /* in combining_participles[] (English) */
  bool after_gerund;     /* in after_gerund[] (English) */
  bool after_noun_gerund; /* in after_noun_gerund[] (English) */
  bool clause_adverb;    /* in clause_adverbs[] (English) */
  bool preposition;      /* in prepositions[] (English) */
  unsigned int lang_pos; /* POS_LANG_VERB, _ADV: a form only ever one (other languages: tag/pos_lang.h) */
  unsigned int cap_mid;  /* times written with a capital inside a sentence, on a line (German nouns) */
  unsigned int lower;    /* times written in lower case */
  unsigned int verb_cues, noun_cues; /* times seen as a verb, as a noun (cued_verbs()) */
  unsigned int seen, leads; /* Hebrew: occurrences, and those right before a noun (semitic_words()) */
  pos_info pi;
} word_info;

static void word_info_clear(gpointer p)
{
  g_free(((word_info *)p)->stem);
}

typedef struct word {
  const seg_token *tok;
  const word_info *info; /* NULL for numbers, codes and other scripts */
  const char *text;      /* tok->word without an elided article ("l'") */
  const char *stem;      /* borrowed: its word_info's, or the token's own text */
  wclass cls;
  bool hyphen;           /* glued to the word before by a hyphen */
  bool brk;              /* a phrase cannot run into it from the word before */
  bool title;            /* in the title (or a keywords statement) */
  bool leans;            /* modifies only with the noun before it ("based" in "case based reasoning") */
  bool elided;           /* right after a word, behind an elided article or preposition ("l'eau", "d'eau") */
  unsigned int pos;      /* index among the words */
} word;

typedef struct kp {
  GArray *toks;
  char lang[4];          /* the document's main language, ISO 639-3 */
  bool english;
  bool stops;            /* the language has a stop-word list */
  const pos_lang_table *lang_pos; /* ... and its verbs and adverbs, or NULL (tag/pos_lang.h) */
  unsigned int adj_order; /* ADJ_* : where the language puts its adjectives (adj_order_of()) */
  bool russian; /* its genitives join a noun phrase (collect()) */
  bool romanian; /* its definite article is glued on the phrase's first word (collect()) */
  GHashTable *guessed;   /* ... else its function words, guessed from the text (tag/funcwords.h) */
  bool semitic;          /* Arabic, Hebrew: proclitics, dates, Arabic's verbs (tag/semitic.h) */
  sem_text sem;          /* ... the text's words for them */
  GUnicodeScript script; /* the script tags are taken from */
  word *w;
  unsigned int nw;
  GHashTable *phrases;   /* key -> kp_phrase */
  strtab infos;          /* word text -> word_info */
  GSList *info_blocks;   /* ... which live in blocks of INFO_BLOCK: a text has a thousand or more */
  word_info *info_next;
  unsigned int info_left; /* ... free in the newest block */
  const tag_df *df;      /* the owner's archive, or NULL (tag/df.c) */
  guint title_end;       /* tokens of the caller's title the text opens with */
  GString *key, *form;   /* add_phrase()'s buffers, reused */
} kp;

/* Whether `w` joins two noun phrases into one ("decomposition of boolean
 * functions", "gestion des ressources", "plan do concello"): in a
 * language with a part-of-speech table, "de" ("di") and its contractions
 * with the definite article, as Apertium analyses them (tag/pos_lang.h:
 * "du", "des", "do", "dos", "del", "della", "dell'"); else per language. */
static bool connector(const kp *k, const char *w)
{
  static const char *const eng[] = { "of", NULL }, *const nld[] = { "van", NULL }, *const none[] = { NULL };
  if (k->lang_pos)
    return pos_lang_class(k->lang_pos, w) == POS_LANG_OF;
  return in_list(k->english ? eng : !strcmp(k->lang, "nld") ? nld : none, w);
}

static bool ends_with(const char *w, const char *suffix)
{
  size_t n = strlen(w), m = strlen(suffix);
  return n > m && !strcmp(w + n - m, suffix);
}

static bool ends_with_any(const char *w, const char *const *suffixes)
{
  for (const char *const *p = suffixes; *p; p++)
    if (ends_with(w, *p))
      return true;
  return false;
}

static bool nominal(wclass c) { return c == W_NOUN || c == W_ADJ; }

/* The part of speech of an English word from WordNet's counts and the
 * word before it. */
static wclass english_class(const char *w, const word_info *wi, const word_info *prev, wclass prev_cls, bool heading)
{
  const pos_info pi = wi->pi;
  if (!wi->known) {
    if (ends_with(w, "ly"))
      return W_ADV;
    if (ends_with(w, "ing") || ends_with(w, "ed"))
      return W_VERB; /* an unknown verb form: "tokenized", "bootstrapping" */
    return W_NOUN;   /* a term WordNet lacks: "multiresolution", "pdes" */
  }
  /* nouns dominate technical text; after a noun or adjective, a noun/verb
   * is more likely the head of a compound ("multiresolution approach",
   * "circuit design") than a verb, unless mostly a verb ("results show") */
  double nw = prev_cls == W_NOUN || prev_cls == W_ADJ ? COMPOUND_WEIGHT : NOUN_WEIGHT;
  double n = (pi.flags & POS_NOUN) ? nw * (pi.count[0] + 1) : 0;
  double v = (pi.flags & POS_VERB) ? pi.count[1] + 1 : 0;
  double a = (pi.flags & POS_ADJ) ? pi.count[2] + 1 : 0;
  double r = (pi.flags & POS_ADV) ? pi.count[3] + 1 : 0;
  if (prev && v > 0 && prev->verb_context)
    return W_VERB;
  if (heading && n > 0)
    return W_NOUN; /* headings and titles name things: "Release Notes", "Bug Fixes" */
  /* "the present", "of use"; a word that is only a verb stays one, a
   * gerund taking its object ("of constructing automata", "in estimating
   * aid reliabilities") */
  if (prev && prev->noun_context && n + a + r > 0)
    v = 0;
  if (n >= v && n >= a && n >= r)
    return W_NOUN;
  if (a >= v && a >= r)
    return W_ADJ;
  if (v >= r)
    return W_VERB;
  return W_ADV;
}


/* A participle (or an adjective, below) read as a verb that sits before a
 * noun phrase's words, at
 * the phrase's start (after a determiner, an adjective or a break: "the
 * mixed tracking errors", "a suitable reduced dynamic model", "Nested
 * sub-structures"), modifies: "-ed" anywhere but after a subject or an
 * auxiliary ("we developed methods", "has reduced costs"), "-ing" only
 * after a determiner or an adjective ("by combining classical theory"
 * takes an object). After a noun, only a combining participle does
 * ("case based reasoning"), and then only with that noun. Right to left,
 * so "mixed tracking errors" sees "tracking" already turned. */
static void participles(kp *k)
{
  for (unsigned int i = k->nw; i-- > 0;) {
    word *w = &k->w[i];
    if (w->cls != W_VERB || !w->info || i + 1 >= k->nw || k->w[i + 1].brk || k->w[i + 1].hyphen)
      continue;
    word *n = &k->w[i + 1];
    const word *p = i > 0 && !w->brk ? &k->w[i - 1] : NULL;
    bool combining = p && p->cls == W_NOUN && !w->hyphen && w->info->combining;
    /* what follows one is the compound's noun, even one read as a verb
     * after it: "object oriented design" */
    if (combining && n->cls == W_VERB && n->info && (n->info->pi.flags & POS_NOUN))
      n->cls = W_NOUN;
    if (!nominal(n->cls))
      continue;
    const word_info *pi = p ? p->info : NULL;
    /* where a participle would start the phrase, so does an adjective
     * WordNet mostly reads as a verb but often enough as an adjective
     * ("and direct torque control", "an approximate factorization") */
    bool opens = !p || p->cls == W_ADJ || (pi && pi->determiner) ||
                 (p->cls == W_STOP && !(pi && (pi->verb_context || pi->auxiliary)));
    bool ing = ends_with(w->text, "ing");
    /* an irregular past participle is one too: "hidden", "driven", "built" */
    bool ed = ends_with(w->text, "ed") || combining ||
              ((w->info->pi.flags & POS_VERB_FORM) && !ing && !ends_with(w->text, "s"));
    if (!ed && !ing) {
      if (opens && (w->info->pi.flags & POS_ADJ) && ADJ_SHARE * w->info->pi.count[2] + 1 >= w->info->pi.count[1])
        w->cls = W_ADJ;
      continue;
    }
    bool start;
    if (ed)
      start = opens || combining;
    else if (!p) /* "Sliding mode control"; not a gerund and its object, "Extending CTL with actions" */
      start = w->info->pi.flags & (POS_NOUN | POS_ADJ);
    else
      start = p->cls == W_ADJ || (pi && pi->determiner) ||
              (p->cls == W_NOUN && (w->info->pi.flags & POS_NOUN)); /* "force tracking control" */
    if (start)
      w->cls = W_ADJ;
    w->leans = combining;
  }
}

/* How many tokens the text's opening shares with the caller's title (the
 * PDF's Title, the first title-like line of a plain text), 0 unless all
 * of the title's: a title too long or too plain for a heading ("On
 * trajectory and force tracking control of constrained mobile
 * manipulators with parameter uncertainty") still ends at its line. A
 * title block the segmenter found in the text wins, and a title the text
 * continues in lower case is the first line of a longer one ("Durability
 * of protection after a seasonal / booster of the ... vaccine"). */
static guint title_tokens(const GArray *toks, const char *title)
{
  if (!title || !*title)
    return 0;
  for (guint i = 0; i < toks->len; i++)
    if (g_array_index(toks, seg_token, i).title)
      return 0;
  GArray *tt = seg_split(title);
  guint n = tt->len;
  for (guint i = 0; i < tt->len && n; i++) {
    const seg_token *a = &g_array_index(tt, seg_token, i);
    const seg_token *b = i < toks->len ? &g_array_index(toks, seg_token, i) : NULL;
    /* words alike, whatever their kind: alone, the title lacks the text
     * that makes "JPEG2000" a name (segment.c, model_number()) */
    if (!b || strcmp(a->word, b->word))
      n = 0;
  }
  seg_free(tt);
  if (n >= toks->len)
    return 0;
  const seg_token *next = &g_array_index(toks, seg_token, n);
  return next->brk || next->kind != SEG_WORD || next->cap ? n : 0;
}

/* Whether `w` is a verb's past form: an irregular one verb.exc lists
 * ("sent", "led", "chosen"), or "-ed" on a verb that is no noun as
 * written ("classified"; not "speed", "seed"). */
static bool past_form(const word *w)
{
  const pos_info *pi = &w->info->pi;
  if (!(pi->flags & POS_VERB))
    return false;
  if (pi->flags & POS_VERB_FORM)
    return !ends_with(w->text, "ing") && !ends_with(w->text, "s");
  return ends_with(w->text, "ed") && !pos_noun_form(w->text);
}

/* Whether English word `w` reads as a plural: "-s" on a noun WordNet
 * lists only in the singular ("results", not "analysis", "gas"). */
static bool plural(const word *w)
{
  return ends_with(w->text, "s") && !(w->info->known && pos_noun_form(w->text));
}

/* Whether the noun at word i ends a subject: its noun phrase opens with a
 * determiner ("the report", "this forest model"). */
static bool ends_subject(const kp *k, unsigned int i)
{
  unsigned int s = i;
  while (s > 0 && !k->w[s].brk && nominal(k->w[s - 1].cls))
    s--;
  return s > 0 && !k->w[s].brk && k->w[s - 1].info && k->w[s - 1].info->determiner;
}

/* Whether the clause has no verb after the noun phrase that starts at
 * word i: the next word past its nouns and adjectives is none, a break,
 * or no verb, auxiliary or modal ("the report studies thinning rules for
 * ..."; not "the test results database is ..."). */
static bool no_verb_after(const kp *k, unsigned int i)
{
  unsigned int j = i;
  while (j < k->nw && (j == i || !k->w[j].brk) && (nominal(k->w[j].cls) || k->w[j].hyphen))
    j++;
  if (j >= k->nw || k->w[j].brk || !k->w[j].info)
    return true;
  const word_info *wi = k->w[j].info;
  return k->w[j].cls != W_VERB && !wi->auxiliary && !(wi->verb_context && !wi->preposition);
}

/* Whether an object's noun phrase starts at word i: a determiner, an
 * adjective with a noun phrase's word after it ("adaptive thinning
 * strategies", not "similar to"), or a noun when WordNet reads `verb` (an
 * "-s" form) more often as a verb than as a noun ("paper studies
 * thinning") or, with a `subject` the verb agrees with, when the clause
 * has no other verb ("the report studies thinning rules."); a plural
 * WordNet reads mostly as a noun modifies the noun after it ("user
 * requirements analysis"). */
static bool opens_object(const kp *k, unsigned int i, const word *verb, bool subject)
{
  const word *n = &k->w[i];
  if (n->info->determiner)
    return true;
  if (n->cls == W_ADJ)
    return i + 1 < k->nw && !k->w[i + 1].brk && nominal(k->w[i + 1].cls);
  if (n->cls != W_NOUN)
    return false;
  return verb->info->pi.count[1] > verb->info->pi.count[0] || (subject && no_verb_after(k, i));
}

/* A noun/verb in "-s" between a noun and an object's noun phrase is the
 * verb of a clause, not a compound's head: "the agreement sets the rent",
 * "the method uses a graph", "this paper studies adaptive thinning
 * strategies". After a determiner it is a noun ("the studies show"), and
 * so it is with no object after it ("case studies show"). So is a past
 * form between a noun and a determiner or a preposition, whatever
 * WordNet's counts say of it alone ("video streams sent over networks",
 * "late arrivals led to", "the state chosen by"): a participle in a
 * compound has a noun after it ("hidden Markov model"). */
static void verbs_before_objects(kp *k)
{
  for (unsigned int i = 1; i + 1 < k->nw; i++) {
    word *w = &k->w[i];
    const word *p = &k->w[i - 1], *n = &k->w[i + 1];
    if (!nominal(w->cls) || !w->info || w->brk || w->hyphen || p->cls != W_NOUN || n->brk || !n->info ||
        n->hyphen)
      continue;
    /* a subject the verb agrees with: "the report studies", "the methods
     * study" (a headline's "jobs fuels optimism" has another subject) */
    bool s_form = ends_with(w->text, "s");
    bool subject = ends_subject(k, i - 1) && (s_form ? !plural(p) : plural(p) && pos_verb_lemma(w->text));
    if (w->cls == W_NOUN && (w->info->pi.flags & POS_VERB) && (s_form || subject) &&
        opens_object(k, i + 1, w, subject))
      w->cls = W_VERB;
    else if ((n->info->determiner || n->info->preposition) && past_form(w))
      w->cls = W_VERB;
  }
}

/* A headline's verb: in a title or a heading, a word WordNet knows as a
 * verb, in "-s" after a singular noun and before an object ("Mayor Backs
 * New Stadium", "Council Approves Budget"), is the verb, not a compound's
 * noun: a headline says what happened, with no article to tell a subject
 * (verbs_before_objects() wants one). Before a determiner, or an adjective
 * and its noun, that is enough; before a noun, only when the text uses the
 * word's stem as a verb and never as a noun elsewhere ("the council
 * approved"): headings name things, "Student Records Policy", "Bug Fixes". */
static void headline_verbs(kp *k)
{
  GHashTable *verbs = NULL, *nouns = NULL;
  for (unsigned int i = 1; i + 1 < k->nw; i++) {
    word *w = &k->w[i];
    const word *p = &k->w[i - 1], *n = &k->w[i + 1];
    if (!(w->title || w->tok->heading) || w->cls != W_NOUN || !w->info || w->brk || w->hyphen || n->brk ||
        !n->info || n->hyphen || p->cls != W_NOUN || !p->info || !(w->info->pi.flags & POS_VERB) ||
        !ends_with(w->text, "s") || plural(p))
      continue;
    /* an adjective, or a modifier the stop list holds ("New", "More"; not
     * "of", "in", "and"), then a noun */
    bool modifier = n->cls == W_ADJ || (n->cls == W_STOP && !n->info->preposition && !n->info->noun_context &&
                                        !n->info->after_gerund);
    bool adj_noun = modifier && i + 2 < k->nw && !k->w[i + 2].brk && nominal(k->w[i + 2].cls);
    if (!n->info->determiner && !adj_noun) {
      if (n->cls != W_NOUN)
        continue;
      if (!verbs) { /* the stems the text's sentences use as verbs, as nouns */
        verbs = g_hash_table_new(g_str_hash, g_str_equal);
        nouns = g_hash_table_new(g_str_hash, g_str_equal);
        for (unsigned int j = 0; j < k->nw; j++) {
          const word *o = &k->w[j];
          if (!o->title && !o->tok->heading && o->info && (o->cls == W_VERB || o->cls == W_NOUN))
            g_hash_table_add(o->cls == W_VERB ? verbs : nouns, (gpointer)o->stem);
        }
      }
      if (!g_hash_table_contains(verbs, w->stem) || g_hash_table_contains(nouns, w->stem))
        continue;
    }
    w->cls = W_VERB;
  }
  if (verbs) {
    g_hash_table_destroy(verbs);
    g_hash_table_destroy(nouns);
  }
}

/* An "-ing" word after a noun that ends the phrase is the compound's head
 * ("model checking is", "network caching and", "data mining."). Not after
 * a gerund: "choosing computing" is a verb and its object. */
static void gerund_heads(kp *k)
{
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    const word *p = &k->w[i - 1];
    if (w->cls != W_VERB || !w->info || w->brk || w->hyphen || p->cls != W_NOUN || ends_with(p->text, "ing") ||
        !ends_with(w->text, "ing"))
      continue;
    const word *n = i + 1 < k->nw && !k->w[i + 1].brk ? &k->w[i + 1] : NULL;
    if (n && n->tok->kind == SEG_WORD &&
        !(n->info && (n->info->after_gerund ||
                      (n->info->after_noun_gerund && (!w->info->known || pos_noun_form(w->text))))))
      continue;
    w->cls = W_NOUN;
  }
}

/* A word WordNet lists whole with the noun after it modifies it, whatever
 * it reads as alone: "running time", "open source", "general practitioner". */
static void known_compounds(kp *k)
{
  for (unsigned int i = 0; i + 1 < k->nw; i++) {
    word *a = &k->w[i];
    const word *b = &k->w[i + 1];
    if (nominal(a->cls) || a->cls == W_STOP || !a->info || !b->info || b->brk || b->hyphen || a->hyphen ||
        b->cls != W_NOUN || (i + 2 < k->nw && k->w[i + 2].hyphen))
      continue;
    if (pos_compound(a->text, b->text))
      a->cls = W_ADJ;
  }
}

/* A word's class from its language's table (tag/pos_lang.h): a form both
 * a noun and a verb, or an adjective and a noun, is a noun, one both an
 * adjective and a verb an adjective, until its context says otherwise
 * (lang_context()). */
static wclass lang_pos_class(unsigned int c)
{
  switch (c) {
  case POS_LANG_VERB:       /* "plan soutient" is no phrase */
  case POS_LANG_PARTICIPLE: /* ... nor "projet présenté", "documento aprovado": a clause's verb */
    return W_VERB;
  case POS_LANG_ADV:
    return W_ADV;
  case POS_LANG_ADJ:
  case POS_LANG_ADJ_VERB: /* "rénovation complète", unless its context makes it a verb */
    return W_ADJ;
  case POS_LANG_OF: /* "do", "della": a connector, never a phrase's word */
  case POS_LANG_PREP:
  case POS_LANG_NUM: /* "dos milions", "двух тысяч": a closed class, as English's "two million" */
    return W_STOP;
  default:
    return W_NOUN;
  }
}

/* Whether `w` is a verb with an object pronoun glued after it, which the
 * tables leave out (tag/gen/apertium_pos_gen.c): Spanish's and
 * Galician's "publícase", "presentarlo", "dándole" are "publica",
 * "presentar", "dando", the stress accent the pronoun adds taken off.
 * POS_LANG_VERB then (a gerund's too), else POS_LANG_NONE. */
static unsigned int clitic_verb(const kp *k, const char *w)
{
  /* not "me", "te": "estudiante", "importante" are no "estudian", "importan" */
  static const char *const spa[] = { "se", "lo", "la", "los", "las", "le", "les", "nos", NULL },
                           *const glg[] = { "se", "lle", "lles", "llo", "lla", "nos", NULL };
  const char *const *clitics = !strcmp(k->lang, "spa") ? spa : !strcmp(k->lang, "glg") ? glg : NULL;
  size_t n = strlen(w);
  for (const char *const *c = clitics; c && *c; c++) {
    size_t m = strlen(*c);
    if (n < m + 4 || strcmp(w + n - m, *c))
      continue;
    /* the rest without its acute accents: NFD, U+0301 (0xCC 0x81) dropped */
    char *d = g_utf8_normalize(w, (gssize)(n - m), G_NORMALIZE_NFD), *o = d;
    for (const char *p = d; *p; p++) {
      if ((unsigned char)p[0] == 0xCC && (unsigned char)p[1] == 0x81) {
        p++;
        continue;
      }
      *o++ = *p;
    }
    *o = '\0';
    char *rest = g_utf8_normalize(d, -1, G_NORMALIZE_NFC);
    unsigned int c2 = pos_lang_class(k->lang_pos, rest);
    g_free(d);
    g_free(rest);
    if (c2 == POS_LANG_VERB || c2 == POS_LANG_PARTICIPLE)
      return POS_LANG_VERB;
  }
  return POS_LANG_NONE;
}

/* A form the language's table reads only as a verb or an adverb, that the
 * text writes with a capital inside a sentence and never in lower case,
 * is a name: "Michel Temer" (Portuguese "temer", to fear), "Sergio Moro". */
static void lang_pos_names(kp *k)
{
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if ((w->cls == W_VERB || w->cls == W_ADV) && w->info && w->info->lang_pos && w->info->cap_mid && !w->info->lower)
      w->cls = W_NOUN;
  }
}

/* Japanese writes a verb's stem in kanji and its ending in hiragana; the
 * dictionary form ends in the u-row ("含む", include; "使う", use; "感ずる",
 * feel), which a noun's kana ending, a verb stem's i-row ("手続き",
 * "支払い"), does not: such a word is a verb, in no phrase. */
static void japanese_verbs(kp *k)
{
  static const char u_row[] = "うくぐすずつぬふぶむる";
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (!nominal(w->cls) || !w->info)
      continue;
    const char *last = g_utf8_prev_char(w->text + strlen(w->text));
    if (last > w->text && g_unichar_get_script(g_utf8_get_char(w->text)) == G_UNICODE_SCRIPT_HAN &&
        g_utf8_strchr(u_row, -1, g_utf8_get_char(last)))
      w->cls = W_VERB;
  }
}

/* A Korean predicate ends in its verb's ending: the polite "-니다"
 * ("오릅니다", rises; "밝혔습니다", said), the plain past and present
 * ("발표했다", "밀려온다"), quoting "-다고", and the connectives "-하며",
 * "-되며", "-하여", "-되어" ("부과되며", and is imposed). Such a word is a
 * verb, no phrase's word ("퍼센트 오릅니다", "인상한다고 밝혔습니다" were
 * tags), the obligation's "-해야", "-되어야" ("지참해야 하며") and the
 * adnominal "-하는", "-되는" ("원하는"). Endings no noun has: "다" alone
 * ends "바다" (sea), "고" "보고서", "할" "역할" (role); the copula after a
 * noun is a particle (segment.c: "플라스틱이다"). Two forms verbs are in
 * their place only: "-할" before "수" (can: "예약할 수 있습니다"), and the
 * connective "-어", "-아", "-여" right before a verb ("나누어 부과되며";
 * "언어", "단어" are nouns). */
static void korean_verbs(kp *k)
{
  static const char *const endings[] = { "니다", "니까", "한다", "된다", "는다", "온다", "간다", "진다", "했다",
                                         "됐다", "었다", "았다", "였다", "겠다", "다고", "다며", "하며", "되며",
                                         "으며", "하여", "되어", "해서", "돼서", "해야", "어야", "하는", "되는",
                                         NULL };
  static const char *const connective[] = { "어", "아", "여", NULL };
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (nominal(w->cls) && w->info && ends_with_any(w->text, endings) && strlen(w->text) > strlen("니다"))
      w->cls = W_VERB;
  }
  for (unsigned int i = 0; i + 1 < k->nw; i++) {
    word *w = &k->w[i];
    const word *n = &k->w[i + 1];
    if (!nominal(w->cls) || !w->info || n->brk || strlen(w->text) <= strlen("할"))
      continue;
    if ((ends_with(w->text, "할") && !strcmp(n->text, "수")) || (n->cls == W_VERB && ends_with_any(w->text, connective)))
      w->cls = W_VERB;
  }
}

/* German writes every noun with a capital: a word the text writes in
 * lower case more often than with a capital inside a sentence is no noun
 * ("sei", "gilt", "stetig", "zusammenhängend"), though written first in a
 * sentence, a line or a list item ("Sei X ..."). Declined (-e, -er, -es, -en, -em) it can be an
 * adjective before one ("topologischer Raum", "stetige Abbildung"); else
 * it is a verb or an adverb, and in no phrase. A word only ever written
 * first in a sentence or a title stays a noun. */
static void german_nouns(kp *k)
{
  static const char *const endings[] = { "e", "er", "es", "en", "em", NULL };
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls != W_NOUN || !w->info || w->info->lower <= w->info->cap_mid)
      continue;
    bool declined = false;
    for (const char *const *e = endings; *e && !declined; e++)
      declined = ends_with(w->text, *e);
    w->cls = declined ? W_ADJ : W_OTHER;
  }
}

/* French verbs that take another verb after them: the modal and light
 * ones (pouvoir, devoir, falloir, vouloir, faire, aller: "doit faire",
 * "faut mesurer", "peuvent financer"), and the auxiliaries être and avoir
 * ("ont baissé", "peut être améliorée"). All are stop words
 * (data/stop_fra.txt). */
static const char *const french_modals[] = {
  "peut", "peux", "pouvons", "pouvez", "peuvent", "pouvait", "pouvaient", "pourra", "pourront", "pourrait",
  "pourraient", "puisse", "puissent", "doit", "dois", "devons", "devez", "doivent", "devait", "devaient", "devra",
  "devront", "devrait", "devraient", "doive", "faut", "fallait", "faudra", "faudrait", "faille", "fait", "font",
  "faisait", "faisaient", "fera", "feront", "ferait", "feraient", "fasse", "fassent", "veut", "veulent", "voulait",
  "voudrait", "voudraient", "veuille", "va", "vont", "allait", "ira", "iront", "irait", NULL
};
static const char *const french_auxiliaries[] = {
  "est", "sont", "était", "étaient", "sera", "seront", "serait", "seraient", "soit", "soient", "été", "être",
  "suis", "es", "sommes", "êtes", "a", "ont", "avait", "avaient", "aura", "auront", "aurait", "auraient", "ait",
  "aient", "eu", "ai", "as", "avons", "avez", NULL
};

/* A French word right after a modal verb or an auxiliary and ending like
 * a past participle (-é, -ée, -és, -ées: "ont baissé") is a verb, in no
 * phrase: French has no capitals to tell nouns and no part-of-speech table
 * here, but its verbs come in these chains (an infinitive after a modal:
 * modal_infinitives()). */
static void french_verbs(kp *k)
{
  static const char *const participle[] = { "é", "ée", "és", "ées", NULL };
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    const word *p = &k->w[i - 1];
    if (w->cls != W_NOUN || w->brk || w->hyphen || p->cls != W_STOP)
      continue;
    if ((in_list(french_modals, p->text) || in_list(french_auxiliaries, p->text)) && ends_with_any(w->text, participle))
      w->cls = W_OTHER;
  }
}

/* The little words that tell a verb from a noun in languages with no
 * part-of-speech table here: the articles that open an object's noun
 * phrase ("permet une meilleure prévision", "reducir los costos"), the
 * determiners before a noun ("le calcul"), and the clitics and negations
 * before a finite verb ("il calcule", "qui permet", "n'existe", "se
 * produce", "non consente"). Elided ones are as written before the
 * apostrophe ("n'", "s'"). */
typedef struct verb_cues {
  const char *const *articles, *const *determiners, *const *subjects;
  /* a plural's endings, and the third person plural's: after a plural
   * noun an adjective agrees and ends like it, so a word with the verb's
   * ending is the verb ("les données montrent", "los datos muestran") */
  const char *const *plurals, *const *verb_plurals;
  /* likewise in gender: after a masculine singular noun a word in the
   * feminine's ending, unless one of both genders ("-ista"), is the verb
   * ("el gobierno anuncia", "o governo anuncia", "il governo annuncia"),
   * when written in lower case (not a name: "o governo Dilma") */
  const char *const *masculines, *const *feminines, *const *both_genders;
  /* articles that also join nouns ("des", "du": "la gestion des
   * ressources"): before one, a word after a noun is the verb ("le
   * gouvernement annonce des mesures") unless it ends like an adjective
   * ("la croissance économique des pays") */
  const char *const *partitives, *const *adjective_endings;
  /* modal verbs and auxiliaries (stop words, or verbs the language's table
   * knows: Russian's "могут") and the endings of the verb
   * form they take: a word with one right after one is a verb ("faut
   * mesurer", "puede reducir", "deve acelerar", "può ridurre"; Polish's
   * passive participle after "zostać", "zostanie oddzielona") */
  const char *const *modals, *const *infinitives;
  /* endings only finite verbs have, on a word written in lower case: the
   * past ("apresentou", "anunció", "annunciò", "annoncèrent"), the
   * imperfect's and conditional's plurals */
  const char *const *finite;
} verb_cues;

static const verb_cues *verb_cues_of(const char *lang)
{
  static const char *const fra_a[] = { "le", "la", "les", "un", "une", NULL },
                           *const fra_d[] = { "le", "la", "les", "un", "une", "ce", "cet", "cette", "ces", "mon", "ma",
                                              "mes", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre",
                                              "vos", "du", "des", "au", "aux", NULL },
                           *const fra_s[] = { "il", "elle", "on", "ils", "elles", "nous", "vous", "je", "tu", "qui",
                                              "ne", "se", "j", "n", "s", "c", NULL },
                           *const spa_a[] = { "el", "la", "los", "las", "un", "una", "unos", "unas", NULL },
                           *const spa_d[] = { "el", "la", "los", "las", "un", "una", "este", "esta", "estos", "estas",
                                              "ese", "esa", "su", "sus", "del", "al", "mi", "mis", NULL },
                           *const spa_s[] = { "se", "no", "nos", "me", "te", "le", "les", NULL },
                           *const ita_a[] = { "il", "lo", "la", "gli", "le", "un", "uno", "una", NULL },
                           *const ita_d[] = { "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "questo",
                                              "questa", "questi", "queste", "del", "della", "dei", "delle", "degli",
                                              "al", "alla", "ai", "suo", "sua", "suoi", NULL },
                           *const ita_s[] = { "si", "non", "ci", NULL },
                           *const por_a[] = { "o", "os", "as", "um", "uma", "uns", "umas", NULL },
                           *const por_d[] = { "o", "a", "os", "as", "um", "uma", "do", "da", "dos", "das", "no", "na",
                                              "nos", "nas", "este", "esta", "esse", "essa", "seu", "sua", NULL },
                           *const por_s[] = { "se", "não", "nao", "lhe", NULL },
                           *const glg_a[] = { "o", "os", "as", "un", "unha", "uns", "unhas", NULL },
                           *const glg_d[] = { "o", "a", "os", "as", "un", "unha", "do", "da", "dos", "das", "no", "na",
                                              "nos", "nas", "este", "esta", "ese", "esa", "seu", "súa", NULL },
                           *const glg_s[] = { "se", "non", "lle", "lles", NULL },
                           *const glg_m[] = { "pode", "poden", "podía", "podían", "poderá", "poderán", "podería",
                                              "poderían", "debe", "deben", "debía", "debían", "deberá", "deberán",
                                              "debería", "deberían", "vai", "van", NULL },
                           *const glg_f[] = { "ou", "aron", "eron", "iron", NULL },
                           *const fra_p[] = { "s", "x", NULL }, *const fra_v[] = { "ent", NULL },
                           *const spa_p[] = { "s", NULL }, *const spa_v[] = { "an", "en", NULL },
                           *const ita_p[] = { "i", NULL }, *const ita_v[] = { "ano", "ono", NULL },
                           *const por_p[] = { "s", NULL }, *const por_v[] = { "am", "em", NULL },
                           *const masc[] = { "o", NULL }, *const fem[] = { "a", NULL },
                           *const both[] = { "ista", "cida", "ita", NULL },
                           *const fra_part[] = { "des", "du", NULL },
                           *const fra_inf[] = { "er", "ir", "re", "oir", NULL },
                           *const spa_inf[] = { "ar", "er", "ir", NULL }, *const ita_inf[] = { "are", "ere", "ire", NULL },
                           *const spa_m[] = { "puede", "pueden", "podía", "podían", "podrá", "podrán", "podría",
                                              "podrían", "debe", "deben", "debía", "debían", "deberá", "deberán",
                                              "debería", "deberían", "suele", "suelen", NULL },
                           *const por_m[] = { "pode", "podem", "podia", "podiam", "poderá", "poderão", "poderia",
                                              "poderiam", "deve", "devem", "devia", "deviam", "deverá", "deverão",
                                              "deveria", "deveriam", "vai", "vão", "irá", "irão", NULL },
                           *const ita_m[] = { "può", "possono", "poteva", "potevano", "potrà", "potranno",
                                              "potrebbe", "potrebbero", "deve", "devono", "doveva", "dovevano",
                                              "dovrà", "dovranno", "dovrebbe", "dovrebbero", NULL },
                           *const fra_f[] = { "èrent", "aient", "erait", "eraient", "eront", NULL },
                           *const spa_f[] = { "ó", "aron", "ieron", NULL },
                           *const por_f[] = { "ou", "aram", "iram", NULL },
                           *const ita_f[] = { "ò", "arono", "irono", "erono", NULL },
                           *const fra_adj[] = { "ique", "iques", "al", "ale", "ales", "aux", "el", "elle", "elles",
                                                "els", "aire", "aires", "if", "ifs", "ive", "ives", "eux", "euse",
                                                "euses", "able", "ables", "ible", "ibles", "é", "ée", "és", "ées",
                                                "ant", "ante", "ants", "antes", "ent", "ente", "ents", "entes",
                                                "en", "enne", "ens", "ennes", "ain", "aine", "ains", "aines",
                                                "ais", "aise", "oire", "ier", "ière", "ile", "iste", "istes",
                                                "eur", "eurs", "ice", "ices", "in", "ine", "ins", "ines", "u",
                                                "ue", "us", "ues", "i", "ie", "is", "ies", "s", "x", NULL },
                           /* Polish has no articles; a plural or an adjective before a word
                            * in "-ą" that does not end like it ("rowerzyści chwalą",
                            * "kolejowych staną"), "nie", "się" and "który" before a verb */
                           *const none[] = { NULL },
                           /* demonstratives, possessives and the one-letter prepositions the
                            * table leaves out ("w", "z" is one) before a noun ("ten plan",
                            * "w planie"); the subject pronouns before a verb */
                           *const pol_d[] = { "ten", "ta", "to", "te", "ci", "tego", "tej", "temu", "tym", "tych",
                                              "tę", "tą", "tymi", "każdy", "każda", "każde", "nasz", "nasza",
                                              "nasze", "naszego", "naszej", "swój", "swoja", "swoje", "swojego",
                                              "swojej", "jego", "jej", "ich", "w", "we", NULL },
                           *const pol_s[] = { "nie", "się", "który", "która", "które", "którzy", "on", "ona", "ono",
                                              "oni", "one", "ja", "ty", "my", "wy", NULL },
                           *const pol_p[] = { "i", "y", "e", "h", NULL }, *const pol_v[] = { "ą", NULL },
                           *const pol_m[] = { "może", "mogą", "musi", "muszą", "można", "trzeba", "należy",
                                              "powinien", "powinna", "powinno", "powinni", "powinny", "został",
                                              "została", "zostało", "zostali", "zostały", "zostanie", "zostaną",
                                              NULL },
                           /* the -ować verbs' present and past, which no noun or adjective
                            * ends like ("modernizuje", "rewitalizują", "zmodernizował") */
                           *const pol_f[] = { "uje", "ują", "ował", "owała", "owało", "owali", "owały", NULL },
                           *const pol_inf[] = { "ć", "ona", "ony", "one", "ana", "any", "ane", "ęta", "ęty", "ęte",
                                                "ita", "ity", "ite", "yta", "yty", "yte", NULL },
                           /* Catalan: its articles, determiners and contractions ("del",
                            * "pel"), its clitics and negation, as elided too ("s'", "n'"),
                            * the third person plural after a plural ("les dades mostren"),
                            * the periphrastic past and the modals before an infinitive ("va
                            * presentar", "pot reduir"), the simple past's and the imperfect's
                            * plurals */
                           *const cat_a[] = { "el", "la", "els", "les", "un", "una", "uns", "unes", NULL },
                           *const cat_d[] = { "el", "la", "els", "les", "un", "una", "uns", "unes", "aquest",
                                              "aquesta", "aquests", "aquestes", "aquell", "aquella", "aquells",
                                              "aquelles", "seu", "seva", "seus", "seves", "meu", "meva", "nostre",
                                              "nostra", "del", "dels", "al", "als", "pel", "pels", "l", NULL },
                           *const cat_s[] = { "es", "se", "no", "ens", "us", "li", "hi", "ho", "em", "et", "s", "n",
                                              "m", "t", NULL },
                           *const cat_v[] = { "en", NULL },
                           *const cat_m[] = { "va", "van", "vaig", "vam", "vau", "pot", "poden", "podia", "podien",
                                              "podrà", "podran", "podria", "podrien", "cal", "calia", "caldrà",
                                              "caldria", "vol", "volen", "sol", "solen", NULL },
                           *const cat_inf[] = { "ar", "er", "ir", "re", NULL },
                           *const cat_f[] = { "aren", "iren", "aven", NULL },
                           /* Romanian: its indefinite articles (the definite one is glued on),
                            * demonstratives, possessives and the adjectival and possessive
                            * articles before a noun ("acest plan", "al consiliului", "cel
                            * nou"); clitics, negation and "care" before a verb ("se
                            * formează", "nu contează", "care prezintă"); after a masculine's
                            * or a neuter's definite article a word in the feminine's "-ă" is the
                            * verb ("consiliul aprobă"); the future's and the conditional's
                            * auxiliaries and "a putea" before an infinitive ("va prezenta",
                            * "ar putea", "pot împrumuta") */
                           *const ron_a[] = { "un", "o", "unui", "unei", "niște", NULL },
                           *const ron_d[] = { "un", "o", "unui", "unei", "niște", "acest", "această", "acești",
                                              "aceste", "acestui", "acestei", "acestor", "acel", "acea", "acei",
                                              "acele", "al", "ale", "ai", "cel", "cea", "cei", "cele", "său", "sa",
                                              "săi", "sale", "meu", "mea", "nostru", "noastră", "fiecare", "orice",
                                              "niciun", "nicio", NULL },
                           *const ron_s[] = { "se", "nu", "își", "îl", "îi", "ne", "vă", "mă", "te", "care", "el",
                                              "ea", "ei", "ele", NULL },
                           *const ron_masc[] = { "ul", NULL }, *const ron_fem[] = { "ă", NULL },
                           *const ron_m[] = { "va", "vor", "vom", "vei", "ar", "aș", "poate", "pot", "putea",
                                              "puteau", NULL },
                           *const ron_inf[] = { "a", "e", "i", "î", NULL },
                           *const ron_f[] = { "ează", NULL },
                           /* Russian and Ukrainian: the infinitive after a modal ("может быть",
                            * "будут стоять"), and the reflexive infinitive's and past's
                            * endings, which no noun has ("запастись", "находилась"), for the
                            * verbs the analyser does not know */
                           *const rus_m[] = { "может", "могут", "мочь", "можно", "нужно", "надо", "должен", "должна",
                                              "должно", "должны", "будет", "будут", NULL },
                           *const rus_inf[] = { "ть", "ти", "чь", "ться", "тись", "чься", NULL },
                           *const rus_f[] = { "ться", "тись", "чься", "лся", "лась", "лись", NULL },
                           *const ukr_m[] = { "може", "можуть", "можна", "треба", "потрібно", "повинен", "повинна",
                                              "повинні", "буде", "будуть", NULL },
                           *const ukr_inf[] = { "ти", "ть", "тися", "тись", "ться", NULL },
                           *const ukr_f[] = { "тися", "тись", "ться", "лася", "лися", NULL },
                           /* Dutch's and the Scandinavian languages' infinitive marker, and
                            * the infinitive's ending after it ("klaar te zetten", "att fylla",
                            * "at fylde", "å fylle") */
                           *const nld_m[] = { "te", NULL }, *const nld_inf[] = { "en", NULL },
                           *const swe_m[] = { "att", NULL }, *const swe_inf[] = { "a", NULL },
                           *const dan_m[] = { "at", NULL }, *const nor_m[] = { "å", NULL },
                           *const dan_inf[] = { "e", NULL };
  static const verb_cues
    fra = { fra_a, fra_d, fra_s, fra_p, fra_v, none, none, none, fra_part, fra_adj, french_modals, fra_inf, fra_f },
    spa = { spa_a, spa_d, spa_s, spa_p, spa_v, masc, fem, both, none, none, spa_m, spa_inf, spa_f },
    ita = { ita_a, ita_d, ita_s, ita_p, ita_v, masc, fem, both, none, none, ita_m, ita_inf, ita_f },
    por = { por_a, por_d, por_s, por_p, por_v, masc, fem, both, none, none, por_m, spa_inf, por_f },
    glg = { glg_a, glg_d, glg_s, por_p, spa_v, masc, fem, both, none, none, glg_m, spa_inf, glg_f },
    cat = { cat_a, cat_d, cat_s, spa_p, cat_v, none, none, none, none, none, cat_m, cat_inf, cat_f },
    ron = { ron_a, ron_d, ron_s, none, none, ron_masc, ron_fem, none, none, none, ron_m, ron_inf, ron_f },
    pol = { none, pol_d, pol_s, pol_p, pol_v, none, none, none, none, none, pol_m, pol_inf, pol_f },
    rus = { none, none, none, none, none, none, none, none, none, none, rus_m, rus_inf, rus_f },
    ukr = { none, none, none, none, none, none, none, none, none, none, ukr_m, ukr_inf, ukr_f },
    nld = { none, none, none, none, none, none, none, none, none, none, nld_m, nld_inf, none },
    swe = { none, none, none, none, none, none, none, none, none, none, swe_m, swe_inf, none },
    dan = { none, none, none, none, none, none, none, none, none, none, dan_m, dan_inf, none },
    nor = { none, none, none, none, none, none, none, none, none, none, nor_m, dan_inf, none };
  if (!strcmp(lang, "fra"))
    return &fra;
  if (!strcmp(lang, "spa"))
    return &spa;
  if (!strcmp(lang, "ita"))
    return &ita;
  if (!strcmp(lang, "por"))
    return &por;
  if (!strcmp(lang, "glg"))
    return &glg;
  if (!strcmp(lang, "cat"))
    return &cat;
  if (!strcmp(lang, "ron"))
    return &ron;
  if (!strcmp(lang, "pol"))
    return &pol;
  if (!strcmp(lang, "rus"))
    return &rus;
  if (!strcmp(lang, "ukr"))
    return &ukr;
  if (!strcmp(lang, "nld"))
    return &nld;
  if (!strcmp(lang, "swe"))
    return &swe;
  if (!strcmp(lang, "dan"))
    return &dan;
  if (!strcmp(lang, "nor"))
    return &nor;
  return NULL;
}

/* The word before word i as written, or its elided article or pronoun
 * ("n" of "n'existe", copied into `buf`); NULL after a break. `elided`
 * tells which it was. */
static const char *cue_before(const kp *k, unsigned int i, char buf[static 16], bool *elided)
{
  const word *w = &k->w[i];
  *elided = w->text != w->tok->word;
  if (*elided) {
    g_strlcpy(buf, w->tok->word, MIN(16, strcspn(w->tok->word, "'\u2019") + 1));
    return buf;
  }
  return i > 0 && !w->brk ? k->w[i - 1].tok->word : NULL;
}

/* Whether the word before word i, or its elided article or pronoun
 * ("n'" of "n'existe"), is in `list`; `elided` tells which it was. */
static bool after_cue(const kp *k, unsigned int i, const char *const *list, bool *elided)
{
  char buf[16];
  const char *cue = cue_before(k, i, buf, elided);
  return cue && in_list(list, cue);
}

/* A word of a language with no part-of-speech table that the text uses
 * as a finite verb, after a clitic or a negation, with an object's
 * article after it, or after a noun it does not agree with (verb_cues),
 * and never after a determiner, is a verb wherever it
 * occurs, in no phrase ("la méthode permet une meilleure prévision ...
 * cette approche permet aussi": no "permet", "méthode permet"). */
static void cued_verbs(kp *k, const verb_cues *c)
{
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls != W_NOUN || !w->info)
      continue;
    word_info *wi = (word_info *)w->info;
    bool elided;
    if (after_cue(k, i, c->determiners, &elided) || (elided && !after_cue(k, i, c->subjects, &elided))) {
      wi->noun_cues++;
      continue;
    }
    bool after_noun = i > 0 && !w->brk && !w->hyphen && nominal(k->w[i - 1].cls); /* or an adjective */
    bool object_next = i + 2 < k->nw && !k->w[i + 1].brk && !k->w[i + 2].brk && k->w[i + 2].cls == W_NOUN;
    const char *next = i + 1 < k->nw ? k->w[i + 1].tok->word : "";
    bool object = object_next && (in_list(c->articles, next) || (after_noun && in_list(c->partitives, next) &&
                                                                 !ends_with_any(w->text, c->adjective_endings)));
    const char *noun = after_noun ? k->w[i - 1].text : "";
    bool agrees = after_noun && ((ends_with_any(noun, c->plurals) && ends_with_any(w->text, c->verb_plurals)) ||
                                 (!w->tok->cap && ends_with_any(noun, c->masculines) &&
                                  ends_with_any(w->text, c->feminines) && !ends_with_any(w->text, c->both_genders)));
    wi->verb_cues += object || agrees || after_cue(k, i, c->subjects, &elided) ||
                     (!w->tok->cap && ends_with_any(w->text, c->finite));
  }
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls == W_NOUN && w->info && w->info->verb_cues && !w->info->noun_cues &&
        w->info->lang_pos != POS_LANG_NOUN_VERB) /* per occurrence: lang_context() */
      w->cls = W_OTHER;
  }
}

/* Whether a noun phrase ends at word i: a noun, or an adjective after
 * one ("la dette publique"; not "la grande", "la nouvelle" before a noun),
 * or a form both an adjective and a noun right after a determiner, which
 * names a thing there (Catalan's "el pla forma part", the plan). */
static bool ends_np(const kp *k, unsigned int i, const verb_cues *c)
{
  const word *w = &k->w[i];
  if (w->cls == W_NOUN && !(w->info && w->info->lang_pos == POS_LANG_ADJ_NOUN))
    return true;
  if (w->cls == W_NOUN) {
    char buf[16];
    bool elided;
    const char *cue = cue_before(k, i, buf, &elided);
    if (cue && !in_list(c->subjects, cue) && (elided || in_list(c->determiners, cue)))
      return true;
  }
  return nominal(w->cls) && i > 0 && !w->brk && !w->elided && k->w[i - 1].cls == W_NOUN;
}

/* The bare "de" and "que" that open a verb's complement (not "du", "do":
 * "la rénovation complète du bassin"). */
static const char *const *complementisers(const kp *k)
{
  static const char *const romance[] = { "de", "que", NULL }, *const ita[] = { "di", "che", NULL },
                           *const ron[] = { "de", "că", NULL }, *const none[] = { NULL };
  static const char *const langs[] = { "fra", "spa", "por", "glg", "cat", NULL };
  return in_list(langs, k->lang) ? romance : !strcmp(k->lang, "ita") ? ita : !strcmp(k->lang, "ron") ? ron : none;
}

/* Forms of two parts of speech in a language with a table, by the words
 * around them (tag/pos_lang.h). One both a noun (or an adjective) and a
 * verb's finite form ("annonce", "conta", "présente") is a noun after a
 * determiner, an article or a preposition ("l'annonce", "la cuenta", "de
 * forma"). It is a verb after a clitic, a negation or a relative pronoun
 * ("il compte", "se forma", "qui présente", "n'annonce"), right after a
 * noun phrase (its subject: "la mairie annonce", "o concello forma
 * parte"; these languages join nouns with "de", seldom side by side),
 * before an object's article ("et compte la", "y cuenta una"), a
 * preposition ("compte sur", "conta com") or an infinitive ("conta
 * apresentar"); elsewhere it stays a noun, and so does a capitalised one
 * inside a sentence, a name's word. One both an adjective and a verb
 * ("présente", "complète", "limpa") follows a noun as its adjective ("la
 * rénovation complète du bassin", "energia limpa"): it is a verb after a
 * clitic, or before an object's article or an infinitive ("la ville
 * présente un plan"), and after a noun only when the text uses it as a
 * verb so elsewhere. One both
 * an adjective and a noun ("nouvelle", "público") with no noun beside it
 * names a thing after a determiner ("les nouvelles", "le public") and is
 * an adjective alone elsewhere ("la loi est nouvelle"): no tag. */
static void lang_context(kp *k, const verb_cues *c)
{
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    unsigned int wc = w->info ? w->info->lang_pos : POS_LANG_NONE;
    if (!(w->cls == W_NOUN && (wc == POS_LANG_NOUN_VERB || wc == POS_LANG_ADJ_NOUN)) &&
        !(w->cls == W_ADJ && wc == POS_LANG_ADJ_VERB))
      continue;
    char buf[16];
    bool elided;
    const char *before = cue_before(k, i, buf, &elided);
    unsigned int bc = before ? pos_lang_class(k->lang_pos, before) : POS_LANG_NONE;
    bool subject = before && in_list(c->subjects, before);
    bool det = before && !subject && (elided || in_list(c->determiners, before) || bc == POS_LANG_OF ||
                                      bc == POS_LANG_PREP);
    const word *n = i + 1 < k->nw && !k->w[i + 1].brk ? &k->w[i + 1] : NULL;
    if (wc == POS_LANG_ADJ_NOUN) {
      bool beside = (n && nominal(n->cls)) || (before && !elided && nominal(k->w[i - 1].cls));
      if (!det && !beside)
        w->cls = W_ADJ;
      continue;
    }
    if (det || (w->tok->cap && !w->tok->sentence)) {
      ((word_info *)w->info)->noun_cues += det; /* "la présente loi" */
      continue;
    }
    unsigned int nc = n && !n->hyphen && n->info ? n->info->lang_pos : POS_LANG_NONE;
    bool article = n && !n->hyphen && in_list(c->articles, n->tok->word);
    if (wc == POS_LANG_ADJ_VERB) {
      /* after its subject and before its complement's "de" or "que" it is
       * the verb ("a saúde precisa de investimento", "precisa que") */
      bool complement = n && !n->hyphen && before && !elided && !w->hyphen && in_list(complementisers(k), n->tok->word) &&
                        ends_np(k, i - 1, c);
      if (subject || article || nc == POS_LANG_VERB || complement) {
        w->cls = W_VERB;
        ((word_info *)w->info)->verb_cues++;
      }
      continue;
    }
    bool after_np = before && !elided && !w->hyphen && ends_np(k, i - 1, c);
    bool object = article || (n && !n->hyphen && in_list(c->partitives, n->tok->word)) || nc == POS_LANG_PREP ||
                  nc == POS_LANG_VERB;
    if (subject || after_np || object)
      w->cls = W_VERB;
  }
  /* ... and right after a noun phrase where the text uses it so elsewhere,
   * and never after a determiner ("le gouvernement présente un budget ...
   * le gouvernement présente mercredi") */
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls == W_ADJ && w->info && w->info->lang_pos == POS_LANG_ADJ_VERB && w->info->verb_cues &&
        !w->info->noun_cues && !w->brk && !w->hyphen && ends_np(k, i - 1, c))
      w->cls = W_VERB;
  }
}

/* A participle after a noun is a clause's verb ("le projet présenté par le
 * maire": "projet"), unless the text uses the two as one term, never
 * before an agent or a complement (a preposition, an article, a verb:
 * "présenté par", "aprovado pela", "publié le"): twice or more, or once
 * before "de" or a noun or an adjective that go on with the phrase
 * ("sistema integrado de gestão"; not "une station saturée." at a
 * sentence's end, nor "aprovado pela"). Then the participle is the noun's
 * modifier ("eaux usées", "zone protégée", "compte rendu de la séance"). */
static void lexical_participles(kp *k, const verb_cues *c)
{
  /* "noun-stem participle-stem" -> uses, 1u << 31 once a clause's, 1u << 30 once a term's */
  GHashTable *pairs = NULL;
  for (int pass = 0; pass < 2; pass++)
    for (unsigned int i = 1; i < k->nw; i++) {
      word *w = &k->w[i];
      const word *p = &k->w[i - 1];
      if (w->cls != W_VERB || !w->info || w->info->lang_pos != POS_LANG_PARTICIPLE || w->brk || w->hyphen ||
          p->cls != W_NOUN)
        continue;
      if (!pairs)
        pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      char *key = g_strconcat(p->stem, " ", w->stem, NULL);
      unsigned int v = GPOINTER_TO_UINT(g_hash_table_lookup(pairs, key));
      if (pass) {
        if (((v & ~(3u << 30)) >= 2 || (v >> 30) == 1) && !(v >> 31))
          w->cls = W_ADJ;
        g_free(key);
        continue;
      }
      const word *n = i + 1 < k->nw && !k->w[i + 1].brk ? &k->w[i + 1] : NULL;
      unsigned int nc = n && n->info ? n->info->lang_pos : POS_LANG_NONE;
      bool clause = n && (nc == POS_LANG_PREP || n->cls == W_VERB || (c && in_list(c->articles, n->tok->word)));
      /* the phrase going on after it, by "de" or another noun or
       * adjective ("sistema integrado de gestão"): a term said once; not
       * before another stop word ("aprovado pela", "propuesto se") */
      bool term = n && !clause && (nc == POS_LANG_OF || nominal(n->cls));
      g_hash_table_replace(pairs, key, GUINT_TO_POINTER((v + 1) | (clause ? 1u << 31 : 0) | (term ? 1u << 30 : 0)));
    }
  if (pairs)
    g_hash_table_destroy(pairs);
}

/* Polish, Russian and Ukrainian put an attribute before its noun: a
 * participle in an adjective's ending right before a noun (or before an
 * adjective and its noun) modifies it, a part of the term ("planowana
 * inwestycja", "zintegrowany system", "доставленные бутылки"), unless a
 * passive's auxiliary or a copula comes before it ("zostanie uruchomiony
 * system", "jest planowana budowa"). Not a short form ("доставлена вода",
 * the predicate) nor an adverbial participle ("planując budowę", a verb
 * and its object). */
static void slavic_participles(kp *k, const verb_cues *c)
{
  static const char *const pol[] = { "y", "a", "e", "i", "ą", "ego", "ej", "emu", "ym", "ych", "ymi", NULL },
                           *const rus[] = { "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому",
                                            "ему", "ым", "им", "ом", "ем", "ую", "юю", "ых", "их", "ыми", "ими",
                                            "ей", NULL },
                           *const ukr[] = { "ий", "а", "е", "і", "ого", "ому", "им", "ій", "у", "их", "ими", "ої",
                                            "ою", NULL },
                           /* the copulas (the auxiliaries are verb_cues.modals) */
                           *const pol_be[] = { "jest", "są", "był", "była", "było", "byli", "były", "będzie", "będą",
                                               NULL },
                           *const rus_be[] = { "был", "была", "было", "были", "будет", "будут", "является",
                                               "являются", NULL },
                           *const ukr_be[] = { "був", "була", "було", "були", "є", NULL };
  bool pl = !strcmp(k->lang, "pol"), ru = !strcmp(k->lang, "rus");
  const char *const *endings = pl ? pol : ru ? rus : ukr, *const *be = pl ? pol_be : ru ? rus_be : ukr_be;
  for (unsigned int i = 0; i + 1 < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls != W_VERB || !w->info || w->info->lang_pos != POS_LANG_PARTICIPLE || w->hyphen ||
        !ends_with_any(w->text, endings) || ends_with(w->text, "wszy"))
      continue;
    const word *n = &k->w[i + 1];
    if (n->brk || n->hyphen || !(n->cls == W_NOUN || (n->cls == W_ADJ && i + 2 < k->nw && !k->w[i + 2].brk &&
                                                       k->w[i + 2].cls == W_NOUN)))
      continue;
    const char *p = i > 0 && !w->brk ? k->w[i - 1].tok->word : NULL;
    if (p && (in_list(c->modals, p) || in_list(be, p)))
      continue;
    w->cls = W_ADJ;
  }
}

/* A Russian word the analysers do not know, right after a noun, in a
 * present's "-ит" or "-ют" (no genitive: collect()) and written in lower
 * case, is the clause's verb ("управление водоканала просит жителей"). */
static void russian_verbs(kp *k)
{
  static const char *const present[] = { "ит", "ют", NULL };
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls == W_NOUN && w->info && !w->info->lang_pos && !w->brk && !w->hyphen && !w->tok->cap &&
        k->w[i - 1].cls == W_NOUN && ends_with_any(w->text, present))
      w->cls = W_OTHER;
  }
}

/* A stop word the language's table also reads as a noun, right after an
 * article of its number, is that noun: Catalan's "deu" (ten, owes) in "la
 * deu termal" (the spring), "seu" (its) in "la seu social", French's
 * "pouvoir" in "le pouvoir d'achat", Spanish's "ser" in "el ser humano". */
static void article_nouns(kp *k, const verb_cues *c)
{
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls != W_STOP || !w->info || w->info->lang_pos != POS_LANG_NOUN_VERB || w->tok->particle)
      continue;
    bool elided;
    char buf[16];
    const char *a = cue_before(k, i, buf, &elided);
    if (a && !elided && in_list(c->articles, a) && g_str_has_suffix(a, "s") == g_str_has_suffix(w->text, "s"))
      w->cls = W_NOUN;
  }
}

/* A word right after a modal verb and ending like an infinitive is a
 * verb, in no phrase (verb_cues.modals). */
static void modal_infinitives(kp *k, const verb_cues *c)
{
  for (unsigned int i = 1; i < k->nw; i++) {
    word *w = &k->w[i];
    const word *p = &k->w[i - 1];
    if (w->cls == W_NOUN && !w->brk && !w->hyphen && (p->cls == W_STOP || p->cls == W_VERB) && in_list(c->modals, p->text) &&
        ends_with_any(w->text, c->infinitives))
      w->cls = W_OTHER;
  }
}

/* Whether word i is a maths variable: a Latin letter that is no word of
 * the language ("x", "n"; not "a"), or one written in lower case with an
 * index ("x1", "k3", "t1"; not "F1", "B12", names written with a capital). */
static bool variable(const kp *k, unsigned int i)
{
  const seg_token *t = k->w[i].tok;
  const char *w = t->word;
  if (t->kind != SEG_WORD || !g_ascii_isalpha(w[0]))
    return false;
  if (!w[1])
    return !(k->stops && lex_is_stop_lang(w, k->lang));
  return g_ascii_isdigit(w[1]) && !t->cap && !w[1 + strspn(w + 1, "0123456789")];
}

/* Formulas written in words: an index variable is no word of a phrase
 * ("x2 inputs", "time t1"), nor is a word between two variables, an
 * operator ("n log n", "x mod y"). */
static void formulas(kp *k)
{
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (w->tok->word[1] && g_ascii_isdigit(w->tok->word[1]) && variable(k, i))
      w->cls = W_OTHER;
    else if (nominal(w->cls) && i > 0 && i + 1 < k->nw && !w->brk && !k->w[i + 1].brk && !w->hyphen &&
             !k->w[i + 1].hyphen && variable(k, i - 1) && variable(k, i + 1))
      w->cls = W_OTHER;
  }
}

/* Whether `w` is a function word of the text's language: its stop word,
 * closed-class word or one guessed from the text (sem_core()'s test). */
static bool function_word(const char *w, void *data)
{
  const kp *k = data;
  return (k->stops && lex_is_stop_lang(w, k->lang)) || lex_is_closed_class(w, k->lang) ||
         (k->guessed && g_hash_table_contains(k->guessed, w));
}

/* Hebrew: whether word `i` is a verb (sem_hebrew_verb()): the words
 * around it as written, and whether the one before opens its clause (after
 * a break, or after a closed-class word: "כי הוא אמר"). */
static bool hebrew_verb(kp *k, unsigned int i);

/* Whether the definite word i of a hif'il past's shape, after a definite
 * noun, is an adjective by the word after it: "של" or a finite verb
 * ("המנהל הבכיר של החברה", "המנהל הבכיר ניהל"); a past is followed by its
 * complement ("התאגיד הודיע על", "הוועד החליט לפנות"). */
static bool hebrew_adjective_before(kp *k, unsigned int i)
{
  const word *n = i + 1 < k->nw ? &k->w[i + 1] : NULL;
  if (!n || n->tok->brk || !n->info || g_str_has_prefix(n->tok->word, "\u05DC"))
    return false;
  return !strcmp(n->tok->word, "\u05E9\u05DC") || n->cls == W_VERB || hebrew_verb(k, i + 1);
}

static bool hebrew_verb(kp *k, unsigned int i)
{
  const seg_token *t = k->w[i].tok, *p = i > 0 && !t->brk ? k->w[i - 1].tok : NULL;
  const seg_token *n = i + 1 < k->nw && !k->w[i + 1].tok->brk ? k->w[i + 1].tok : NULL;
  bool opens = p && (i == 1 || p->brk || p->sentence || lex_is_closed_class(k->w[i - 2].tok->word, k->lang));
  if (sem_hebrew_verb(&k->sem, t->word, p ? p->word : NULL, opens, n ? n->word : NULL))
    return true;
  /* a participle after the definite word that ends its subject: "התאגיד
   * מבקש" (the text writes "תאגיד"), "משרד החינוך משיק" (a construct's
   * last word; an adjective would take the article); a hif'il's past only
   * after the first, or a definite word of five letters ("התאגיד הודיע"):
   * its own ה is the article's letter */
  if (!p || !k->w[i - 1].info || !g_str_has_prefix(k->w[i - 1].text, "\u05D4"))
    return false;
  bool participle = sem_hebrew_participle(k->w[i].text);
  if (!participle && (!sem_hebrew_hifil_past(&k->sem, k->w[i].text) || hebrew_adjective_before(k, i)))
    return false;
  if (sem_unarticled(&k->sem, k->w[i - 1].text, k->lang) != k->w[i - 1].text)
    return true;
  if (!participle) /* ... or one long enough to be read as articled (sem_drop_articled()) */
    return g_utf8_strlen(k->w[i - 1].text, -1) >= 5;
  const word *h = i >= 2 && !p->brk ? &k->w[i - 2] : NULL;
  return h && h->info && h->cls != W_VERB && !g_str_has_prefix(h->tok->word, "\u05D4") && !function_word(h->tok->word, k);
}

/* Arabic and Hebrew: a phrase ends after a definite word before one
 * without the article (sem_definite_break()); dates and times are no words
 * of a phrase ("يوم الثلاثاء", "الساعة الثامنة صباحا", "ביום שלישי",
 * "במאי"), nor are verbs ("تعلن", "وتدعو", "أعلن", a clause's first
 * "وذكر" the text also writes "ذكرت"; "אמרו", "לבדוק"). Then, in
 * Hebrew, how often each word comes right before a noun (collect()). */
static void semitic_words(kp *k)
{
  bool ar = !strcmp(k->lang, "ara");
  GPtrArray *clause_verbs = g_ptr_array_new();
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (!w->info)
      continue;
    const char *prev = i > 0 && !w->brk && k->w[i - 1].info ? k->w[i - 1].text : NULL;
    const char *next = i + 1 < k->nw && !k->w[i + 1].brk && k->w[i + 1].info ? k->w[i + 1].text : NULL;
    if (sem_definite_break(&k->sem, prev, w->text, k->lang)) {
      w->brk = true;
      prev = NULL;
    }
    if (sem_date_word(w->text, prev, next, k->lang) || sem_after_hour(prev, k->lang))
      w->cls = W_STOP;
    else if (ar && nominal(w->cls) && sem_arabic_verb(&k->sem, w->tok->word, i > 0 ? k->w[i - 1].tok->word : NULL))
      w->cls = W_VERB;
    else if (ar && nominal(w->cls) && (i == 0 || w->tok->brk || w->tok->sentence) && next &&
             nominal(k->w[i + 1].cls) && sem_arabic_clause_verb(&k->sem, w->tok->word)) {
      w->cls = W_VERB; /* a VSO clause's verb: "وذكر التقرير" */
      g_ptr_array_add(clause_verbs, (gpointer)w->tok->word);
    }
    else if (!ar && nominal(w->cls) && hebrew_verb(k, i))
      w->cls = W_VERB;
  }
  /* ... and their forms with a perfect's ending elsewhere: "ذكرت" */
  for (unsigned int i = 0; i < k->nw && clause_verbs->len; i++)
    for (guint v = 0; v < clause_verbs->len && k->w[i].info && nominal(k->w[i].cls); v++)
      if (sem_arabic_same_perfect(k->w[i].tok->word, g_ptr_array_index(clause_verbs, v)))
        k->w[i].cls = W_VERB;
  g_ptr_array_free(clause_verbs, TRUE);
  for (unsigned int i = 0; i < k->nw && !ar; i++) {
    word_info *wi = (word_info *)k->w[i].info;
    if (!wi)
      continue;
    wi->seen++;
    wi->leads += i + 1 < k->nw && !k->w[i + 1].brk && nominal(k->w[i + 1].cls);
  }
}

static bool nominal_token(guint i, void *data)
{
  const kp *k = data;
  return nominal(k->w[i].cls);
}

/* Urdu's conjunct verbs (fw_conjunct_parts()) are verbs, their first
 * part and their light verb, which the dictionary also reads as a noun
 * ("کرنے"): "جمع" (submission) of "فارم جمع کرنے" (to submit the form)
 * made the tag "داخلہ فارم جمع کرنے"; and so are its predicate adjectives.
 * The words are the tokens, one for one. */
static void conjunct_verbs(kp *k)
{
  /* Urdu puts its adjectives before the noun; one before a copula is the
   * predicate ("جانچ ضروری ہے", the check is necessary; "ہیلمٹ لازمی ہے"),
   * no word of the noun's phrase */
  static const char *const copula[] = { "ہے", "ہیں", "تھا", "تھی", "تھے", "تھیں", NULL };
  if (!strcmp(k->lang, "urd"))
    for (unsigned int i = 0; i + 1 < k->nw; i++)
      if (k->w[i].cls == W_ADJ && !k->w[i + 1].brk && in_list(copula, k->w[i + 1].tok->word))
        k->w[i].cls = W_VERB;
  GHashTable *parts = fw_conjunct_parts(k->toks, k->lang, nominal_token, k);
  if (!parts)
    return;
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    if (nominal(w->cls) && (g_hash_table_contains(parts, w->tok->word) || lex_is_light_verb(w->tok->word, k->lang)))
      w->cls = W_VERB;
  }
  g_hash_table_destroy(parts);
  /* ... and so is one at a single occurrence (fw_conjunct_part_at()):
   * "گھر صاف رکھیں" (keep the house clean) made the tag "گھر صاف" where
   * "صاف پانی" (clean water) kept "صاف" a word of the text's terms */
  for (unsigned int i = 0; i < k->nw; i++) {
    word *w = &k->w[i];
    unsigned int c = k->lang_pos ? pos_lang_class(k->lang_pos, w->tok->word) : POS_LANG_NONE;
    bool adjective = w->cls == W_ADJ || c == POS_LANG_ADJ || c == POS_LANG_ADJ_NOUN || c == POS_LANG_ADJ_VERB;
    if (nominal(w->cls) && fw_conjunct_part_at(k->toks, i, k->lang, adjective))
      w->cls = W_VERB;
  }
}

#define INFO_BLOCK 256

/* A zeroed word_info, freed with k's blocks. */
static word_info *new_info(kp *k)
{
  if (!k->info_left) {
    k->info_next = g_new(word_info, INFO_BLOCK); /* zeroed as given out: most of a block may stay unused */
    k->info_blocks = g_slist_prepend(k->info_blocks, k->info_next);
    k->info_left = INFO_BLOCK;
  }
  k->info_left--;
  memset(k->info_next, 0, sizeof *k->info_next);
  return k->info_next++;
}

static void classify(kp *k)
{
  unsigned int nw = 0;
  k->w = g_new0(word, k->toks->len + 1);
  k->script = seg_main_script(k->toks);
  if (!k->stops) {
    k->guessed = fw_guess(k->toks, k->script, k->lang);
    fw_archive(k->guessed, k->toks, k->script, k->lang, k->df);
  }
  if (k->semitic) {
    sem_text_init(&k->sem, k->toks);
    sem_drop_articled(&k->sem, k->guessed, k->lang);
  }
  const word_info *prev = NULL; /* the word before, when a word of the script */
  wclass prev_cls = W_OTHER;
  for (guint i = 0; i < k->toks->len; i++) {
    const seg_token *t = &g_array_index(k->toks, seg_token, i);
    word *w = &k->w[nw];
    w->tok = t;
    w->pos = nw;
    w->hyphen = (t->hyphen || t->version) && nw > 0; /* "Web 2.0" is one unit, as "MPEG-4" */
    w->text = t->word;
    /* the title and the body, or a heading and its text, are separate
     * lines even when the title has no final stop: "...with parameter
     * uncertainty / Studies the trajectory..." is no phrase */
    const seg_token *pt = nw > 0 ? k->w[nw - 1].tok : NULL;
    w->brk = t->brk || (pt && (pt->title != t->title || pt->heading != t->heading)) || (k->title_end && i == k->title_end);
    /* an elided article or preposition opens a noun phrase: "consommation
     * d'eau", "gestion de l'eau" are no "consommation eau", "gestion de
     * eau" (collect() joins the first with its "d'") */
    w->elided = !w->brk && nw > 0 && lex_elide(t->word, k->lang) != t->word;
    w->brk |= w->elided;
    w->title = t->title || t->keyword || i < k->title_end;
    if (w->brk) {
      prev = NULL;
      prev_cls = W_OTHER;
    }
    /* a word of digits alone is a standard's number ("the 802.11 standard",
     * segment.c): a word of the text, a term WordNet lacks */
    bool number_name = t->kind == SEG_WORD && g_ascii_isdigit(t->word[0]) && !t->hyphen && !t->version &&
                       !t->word[strspn(t->word, "0123456789.:")];
    if (!number_name && (t->kind != SEG_WORD || seg_word_script(t->word) != k->script)) {
      w->cls = W_OTHER;
      w->stem = t->word;
    } else {
      w->text = lex_elide(t->word, k->lang);
      if (k->semitic) {
        const char *core = sem_core(&k->sem, w->text, k->lang, function_word, k);
        /* a conjunction or preposition opens a phrase: "المياه والكهرباء" is two */
        w->brk |= core != w->text && nw > 0;
        w->text = core;
      }
      gpointer *slot = strtab_put(&k->infos, w->text); /* only this adds to it */
      word_info *wi = *slot;
      if (!wi) {
        wi = new_info(k);
        if (k->english) {
          wi->known = pos_lookup(w->text, &wi->pi);
          wi->stem = lex_stem_en(w->text, wi->pi.stem); /* lex_stem_lang()'s, without a second look-up */
          unsigned int in = english_lists(w->text); /* English: no elision, the text is the token */
          wi->verb_context = in & L_VERB_CONTEXT;
          wi->noun_context = in & L_NOUN_CONTEXT;
          wi->determiner = in & L_DETERMINER;
          wi->auxiliary = in & L_AUXILIARY;
          wi->weak = in & L_WEAK;
          wi->combining = in & L_COMBINING;
          wi->after_gerund = in & L_AFTER_GERUND;
          wi->after_noun_gerund = in & L_AFTER_NOUN_GERUND;
          wi->clause_adverb = in & L_CLAUSE_ADVERB;
          wi->preposition = in & L_PREPOSITION;
        } else {
          wi->stem = lex_stem_lang(k->semitic ? sem_unarticled(&k->sem, w->text, k->lang) : w->text, k->lang);
        }
        wi->lang_pos = pos_lang_class(k->lang_pos, w->text);
        if (!wi->lang_pos)
          wi->lang_pos = clitic_verb(k, w->text);
        wi->stop = (k->stops && lex_is_stop_lang(w->text, k->lang)) || seg_utf8_len(w->text) < 2 ||
                   lex_is_han_number(w->text) ||
                   /* no list, and none to guess in a text without spaces: the seed is it ("关于") */
                   (!k->stops && seg_unspaced_script(k->script) && lex_is_closed_class(w->text, k->lang)) ||
                   (k->guessed && g_hash_table_contains(k->guessed, w->text)) ||
                   (k->semitic && (lex_is_closed_class(w->text, k->lang) || sem_pronoun_prep(w->text, k->lang)));
        *slot = wi;
      }
      w->info = wi;
      w->stem = wi->stem;
      /* the word as written counts too ("l'" of "l'analyse" aside) */
      bool stop = wi->stop || t->particle || (k->stops && w->text != t->word && lex_is_stop_lang(t->word, k->lang));
      if (stop)
        w->cls = W_STOP; /* in Chinese and Japanese, one-character words are mostly particles */
      else if (k->english)
        w->cls = english_class(w->text, wi, prev, prev_cls, t->heading || w->title);
      else
        w->cls = lang_pos_class(wi->lang_pos);
    }
    if (w->info && !t->hyphen) {
      /* inside a sentence: not first on its line either, nor after a
       * break ("Definition 2 / Sei X ...", "1) Sei X ...") */
      word_info *wi = (word_info *)w->info;
      wi->cap_mid += t->cap && !t->sentence && !t->brk && pt && pt->line == t->line && !t->heading && !w->title;
      wi->lower += !t->cap;
    }
    prev = w->info;
    prev_cls = w->cls;
    nw++;
  }
  k->nw = nw;
  conjunct_verbs(k);
  formulas(k);
  if (k->semitic)
    semitic_words(k);
  if (k->lang_pos)
    lang_pos_names(k);
  if (!strcmp(k->lang, "deu"))
    german_nouns(k);
  else if (!strcmp(k->lang, "fra"))
    french_verbs(k);
  else if (!strcmp(k->lang, "jpn"))
    japanese_verbs(k);
  else if (!strcmp(k->lang, "kor"))
    korean_verbs(k);
  const verb_cues *cues = verb_cues_of(k->lang);
  if (cues && k->lang_pos)
    lang_context(k, cues);
  if (k->lang_pos)
    lexical_participles(k, cues);
  if (cues && k->lang_pos && (!strcmp(k->lang, "pol") || !strcmp(k->lang, "rus") || !strcmp(k->lang, "ukr")))
    slavic_participles(k, cues);
  if (k->russian)
    russian_verbs(k);
  if (cues && k->lang_pos)
    article_nouns(k, cues);
  if (cues) {
    modal_infinitives(k, cues);
    cued_verbs(k, cues);
  }
  if (k->english) {
    verbs_before_objects(k);
    headline_verbs(k);
    participles(k);
    gerund_heads(k);
    known_compounds(k);
  }
}


/* One unit: a word, or a hyphenated compound [s, e). Its class is its last
 * part's, and a compound whose last part is not nominal modifies
 * ("well-known", "so-called"); a name's number is the name's ("MPEG-4",
 * "Type-2", "Web 2.0": the segmenter makes it a word only there). */
static wclass unit_class(const kp *k, unsigned int s, unsigned int e)
{
  while (e - s > 1 && k->w[e - 1].tok->kind == SEG_WORD &&
         strspn(k->w[e - 1].text, "0123456789.") == strlen(k->w[e - 1].text))
    e--;
  wclass c = k->w[e - 1].cls;
  if (e - s > 1 && !nominal(c) && k->w[e - 1].tok->kind == SEG_WORD)
    return W_ADJ;
  if (e - s > 1 && c == W_STOP)
    return W_ADJ;
  return c;
}

static unsigned int unit_end(const kp *k, unsigned int s)
{
  unsigned int e = s + 1;
  while (e < k->nw && k->w[e].hyphen && !k->w[e].brk)
    e++;
  return e;
}

/* The units of [s, e): a hyphenated compound counts once, as the tag's
 * words do (RULES_MAX_WORDS). */
static unsigned int units(const kp *k, unsigned int s, unsigned int e)
{
  unsigned int n = 0;
  for (unsigned int i = s; i < e; i = unit_end(k, i))
    n++;
  return n;
}

/* An "-ly" word read as an adverb that WordNet lists as one modifies
 * inside a noun phrase when an adjective follows it directly: "fully
 * automatic method", "highly parallel computers". Before a noun ("highly
 * method") or alone it stays out of every phrase, and so do the adverbs
 * of a clause ("namely", "currently"). */
static void adverbs(kp *k)
{
  for (unsigned int i = 0; i + 1 < k->nw; i++) {
    word *w = &k->w[i];
    if (w->cls != W_ADV || !w->info || !(w->info->pi.flags & POS_ADV) || w->info->clause_adverb ||
        !ends_with(w->text, "ly") || k->w[i + 1].brk || k->w[i + 1].hyphen || w->hyphen)
      continue;
    if (unit_class(k, i + 1, unit_end(k, i + 1)) == W_ADJ)
      w->cls = W_ADJ;
  }
}

/* The spellings of a candidate and how often each occurs: most have one,
 * so a table is made only for a second. */
typedef struct form_set {
  char *one;             /* the first spelling */
  unsigned int n_one;
  GHashTable *more;      /* NULL, or every spelling (one too) -> count */
} form_set;

static void form_set_clear(form_set *f)
{
  g_free(f->one);
  if (f->more)
    g_hash_table_destroy(f->more);
  memset(f, 0, sizeof *f);
}

static void form_set_add(form_set *f, const char *form)
{
  if (!f->one) {
    f->one = g_strdup(form);
    f->n_one = 1;
    return;
  }
  if (!f->more) {
    if (!strcmp(f->one, form)) {
      f->n_one++;
      return;
    }
    f->more = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert(f->more, g_strdup(f->one), GUINT_TO_POINTER(f->n_one));
  }
  g_hash_table_replace(f->more, g_strdup(form), GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(f->more, form)) + 1));
}

/* A candidate and its spellings in one allocation (a kp_phrase* is its
 * slot's address): a text has hundreds of candidates, each found again and
 * again, and a table from candidate to spellings cost a look-up each time. */
typedef struct phrase_slot {
  kp_phrase ph;          /* first */
  form_set forms;        /* cleared once best_form() has chosen */
} phrase_slot;

static form_set *forms_of(kp_phrase *ph) { return &((phrase_slot *)(void *)ph)->forms; }

static void phrase_free(gpointer p)
{
  kp_phrase *ph = p;
  g_free(ph->form);
  g_free(ph->stems); /* the strings are packed after the pointers */
  form_set_clear(forms_of(ph));
  g_free(ph);
}

/* The stems of words [s, s+n) as a NULL-terminated array whose strings sit
 * in the same block, after the pointers: one g_free() releases it. */
static char **pack_stems(const kp *k, unsigned int s, unsigned int n)
{
  size_t bytes = (n + 1) * sizeof(char *);
  for (unsigned int i = 0; i < n; i++)
    bytes += strlen(k->w[s + i].stem) + 1;
  char **stems = g_malloc(bytes);
  char *p = (char *)(stems + n + 1);
  for (unsigned int i = 0; i < n; i++) {
    size_t l = strlen(k->w[s + i].stem) + 1;
    memcpy(p, k->w[s + i].stem, l);
    stems[i] = p;
    p += l;
  }
  stems[n] = NULL;
  return stems;
}

/* Records words [s, e) as one occurrence of a candidate; returns it. */
static kp_phrase *add_phrase(kp *k, unsigned int s, unsigned int e)
{
  GString *key = k->key, *form = k->form;
  g_string_truncate(key, 0);
  g_string_truncate(form, 0);
  unsigned int n = 0;
  for (unsigned int i = s; i < e; i++) {
    if (i > s) {
      g_string_append_c(key, ' ');
      if (k->w[i].hyphen && !k->w[i].tok->version)
        g_string_append_c(form, '-');
      else if (!seg_unspaced_script(k->script))
        g_string_append_c(form, ' '); /* Chinese, Japanese, Thai words are written together */
    }
    g_string_append(key, k->w[i].stem);
    g_string_append(form, i > s && k->w[i].elided ? k->w[i].tok->word : k->w[i].text); /* "d'eau" */
    n++;
  }
  kp_phrase *ph = g_hash_table_lookup(k->phrases, key->str);
  if (!ph) {
    phrase_slot *slot = g_new0(phrase_slot, 1);
    ph = &slot->ph;
    ph->stems = pack_stems(k, s, n); /* the key's words: a stem has no space */
    ph->n = n;
    ph->first = s;
    g_hash_table_insert(k->phrases, g_strdup(key->str), ph);
  }
  ph->tf++;
  bool title = true, heading = true, keyword = true;
  for (unsigned int i = s; i < e; i++) {
    title &= k->w[i].title;
    heading &= k->w[i].tok->heading;
    keyword &= k->w[i].tok->keyword;
  }
  ph->title += title;
  ph->keyword += keyword;
  ph->heading += heading && !title;
  /* a field's name: right before a number or code, or before its value
   * after a colon or a tab ("Date of issue: 14 March 2024") */
  ph->labels += e < k->nw && k->w[e].tok->kind != SEG_WORD && (!k->w[e].brk || k->w[e].tok->field);
  form_set_add(forms_of(ph), form->str);
  return ph;
}

/* Whether "A of B" at words [s, e), "of" at `of`, names one thing: a
 * name, its words capitalised inside a sentence ("... at the Bank of
 * America"; not a title-case line), or a noun WordNet lists whole
 * ("degrees of freedom"). */
static bool named_of(const kp *k, unsigned int s, unsigned int of, unsigned int e)
{
  if (pos_of_compound(k->w[of - 1].text, k->w[of + 1].text))
    return true;
  if (k->w[s].tok->sentence || k->w[s].brk || (s > 0 && k->w[s - 1].tok->kind != SEG_WORD))
    return false;
  for (unsigned int i = s; i < e; i++) {
    const seg_token *t = k->w[i].tok;
    if (i != of && (!t->cap || t->heading || k->w[i].title))
      return false;
  }
  return true;
}

/* A word of [u, ue) already in [s, e): "resource utilization resource
 * utilization" is two phrases, never one. */
static bool repeats(const kp *k, unsigned int s, unsigned int e, unsigned int ue)
{
  for (unsigned int i = s; i < e; i++)
    for (unsigned int j = e; j < ue; j++)
      if (!strcmp(k->w[i].stem, k->w[j].stem))
        return true;
  return false;
}

typedef struct span { unsigned int s, e, run_s, run_e; } span;

/* Where a language with a part-of-speech table puts its adjectives:
 * after the noun as often as before (ADJ_EITHER: "rénovation thermique",
 * "sieć tramwajowa"), or before it, a phrase ending with its noun, and
 * then either a noun after it starts a new phrase (ADJ_BEFORE: Dutch's and
 * the Scandinavian languages' "na de renovatie nieuwe computers",
 * "kranvattnet tillfälligt grumligt") or may take a genitive's adjective
 * and noun (ADJ_BEFORE_GENITIVE: Russian's "качество питьевой воды"). */
enum { ADJ_EITHER, ADJ_BEFORE, ADJ_BEFORE_GENITIVE };

static unsigned int adj_order_of(const char *lang)
{
  static const char *const before[] = { "nld", "swe", "dan", "nor", NULL }, *const genitive[] = { "rus", "ukr", NULL };
  return in_list(before, lang) ? ADJ_BEFORE : in_list(genitive, lang) ? ADJ_BEFORE_GENITIVE : ADJ_EITHER;
}

/* The noun phrases: runs of nominal units (not across a break), weak
 * modifiers at the start and words after the last noun dropped, at most
 * RULES_MAX_WORDS words, a hyphenated compound one (the head and its
 * nearest modifiers); then "A of B" where "of" alone sits between two of
 * them. */
static void collect(kp *k)
{
  /* Russian joins a noun to the noun before it in the genitive ("система
   * управления", "качество питьевой воды"): a word after a noun in an
   * ending no genitive has (the nominative's and accusative's "-е", "-у",
   * the instrumental's, the dative's, the prepositional's, a verb's "-ит",
   * "-ют") starts the next phrase ("водопроводе | водоснабжение",
   * "управление водоканала | просит") */
  static const char *const not_genitive[] = { "е", "у", "ю", "ом", "ем", "ём", "ам", "ям", "ами", "ями", "ах",
                                              "ях", "ит", "ют", NULL };
  /* ... and a plural of a masculine agent's suffix ("-тель", "-щик",
   * "-чик", "-ист": their genitive singular is "-а", "-я"), the subject
   * of the next clause ("после ремонта дороги | водители смогут") */
  static const char *const masculine_plural[] = { "тели", "щики", "чики", "исты", NULL };
  /* Romanian glues its definite article on a phrase's first word ("noile
   * certificate"): a noun in the nominative's "-ul", "-le", or a feminine
   * singular's "-ea", "-ia" of a noun in "-e", "-ie", after another word
   * begins a phrase ("solicita online | certificatele", "depune online |
   * cererea"); a genitive's "-ului", "-lor", "-ei", "-ii" joins ("portalul
   * primăriei", "parterul clădirii") */
  static const char *const definite[] = { "ul", "le", "ea", "ia", NULL };
  if (k->english)
    adverbs(k);
  GArray *spans = g_array_new(FALSE, FALSE, sizeof(span));
  unsigned int i = 0;
  while (i < k->nw) {
    unsigned int s = i, e = i;
    while (e < k->nw) {
      if (e > s && k->w[e].brk)
        break;
      unsigned int ue = unit_end(k, e);
      wclass c = unit_class(k, e, ue);
      if (!nominal(c) || repeats(k, s, e, ue))
        break;
      if (e > s && k->lang_pos && k->adj_order == ADJ_BEFORE && c == W_ADJ && k->w[e - 1].cls == W_NOUN)
        break;
      if (e > s && k->russian && k->w[e - 1].cls == W_NOUN &&
          (ends_with_any(k->w[e].text, not_genitive) || ends_with_any(k->w[e].text, masculine_plural)))
        break;
      if (e > s && k->romanian && c == W_NOUN && k->w[e].info && !k->w[e].info->lang_pos && !k->w[e].hyphen &&
          ends_with_any(k->w[e].text, definite))
        break;
      e = ue;
    }
    if (e == s) {
      i = unit_end(k, s);
      continue;
    }
    if (!k->stops) {
      /* no stop words to cut phrases (Chinese, Thai...): every word and
       * pair of words of the run */
      for (unsigned int a = s; a < e; a = unit_end(k, a)) {
        unsigned int b = unit_end(k, a);
        /* a Hebrew construct form the text always follows with its noun
         * ("הפסקת מים", "מחירי הדלק") is no tag alone */
        const word_info *wi = k->w[a].info;
        if (!(k->semitic && wi && wi->leads == wi->seen && sem_construct_form(k->w[a].text, k->lang)))
          add_phrase(k, a, b);
        if (b < e)
          add_phrase(k, a, unit_end(k, b));
      }
      i = e;
      continue;
    }
    unsigned int ps = s, pe = e;
    while (ps < pe && unit_end(k, ps) == ps + 1 && k->w[ps].info && k->w[ps].info->weak &&
           !(ps + 1 < pe && unit_end(k, ps + 1) == ps + 2 && pos_compound(k->w[ps].text, k->w[ps + 1].text)))
      ps++;
    if (k->lang_pos && k->adj_order == ADJ_EITHER) {
      /* adjectives follow the noun as often as they precede it
       * ("rénovation thermique", "grande ville"): a phrase holds a noun,
       * and an adjective alone is none ("maior", "nuevo") */
      bool noun = false;
      for (unsigned int u = ps; u < pe && !noun; u = unit_end(k, u))
        noun = unit_class(k, u, unit_end(k, u)) == W_NOUN;
      if (!noun)
        pe = ps;
    }
    while (pe > ps && (!k->lang_pos || k->adj_order != ADJ_EITHER)) {
      unsigned int last = pe - 1;
      while (last > ps && k->w[last].hyphen)
        last--;
      if (unit_class(k, last, pe) == W_NOUN)
        break;
      pe = last;
    }
    while (pe > ps && (units(k, ps, pe) > RULES_MAX_WORDS || k->w[ps].leans))
      ps = unit_end(k, ps);
    if (pe > ps) {
      add_phrase(k, ps, pe);
      span sp = { ps, pe, s, e };
      g_array_append_val(spans, sp);
    }
    i = e;
  }
  for (guint a = 0; a + 1 < spans->len; a++) {
    const span *x = &g_array_index(spans, span, a), *y = x + 1;
    unsigned int of = x->run_e;
    if (x->e != x->run_e || y->s != y->run_s || of >= k->nw)
      continue;
    bool elided;
    if (y->run_s == of) { /* the connector elided: "consommation d'eau" */
      char buf[16];
      const char *cue = k->w[of].elided ? cue_before(k, of, buf, &elided) : NULL;
      if (!cue || !connector(k, cue))
        continue;
    } else {
      /* ... or B behind an elided article: "gestion de l'eau" */
      static const char *const elided_article[] = { "l", NULL };
      const seg_token *t = k->w[of].tok;
      if (y->run_s != of + 1 || k->w[of].brk || t->kind != SEG_WORD || !connector(k, t->word) ||
          (k->w[of + 1].brk && !(k->w[of + 1].elided && after_cue(k, of + 1, elided_article, &elided))))
        continue;
    }
    if (units(k, x->s, y->e) <= RULES_MAX_WORDS)
      add_phrase(k, x->s, y->e)->named += k->english && named_of(k, x->s, of, y->e);
  }
  g_array_free(spans, TRUE);
}

static int by_score(gconstpointer a, gconstpointer b)
{
  const kp_phrase *x = *(const kp_phrase *const *)a, *y = *(const kp_phrase *const *)b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return strcmp(x->form, y->form);
}

/* The most frequent spelling; on a tie the first in byte order. */
static char *best_form(const form_set *fs)
{
  if (!fs->more)
    return g_strdup(fs->one ? fs->one : "");
  GHashTable *forms = fs->more;
  const char *best = NULL;
  unsigned int bn = 0;
  GHashTableIter it;
  gpointer f, c;
  g_hash_table_iter_init(&it, forms);
  while (g_hash_table_iter_next(&it, &f, &c)) {
    unsigned int n = GPOINTER_TO_UINT(c);
    if (n > bn || (n == bn && strcmp(f, best) < 0)) {
      best = f;
      bn = n;
    }
  }
  return g_strdup(best ? best : "");
}

/* The words of the candidates: stem -> IN_PHRASE, or its node's index
 * plus NODE_BASE once it has one; `score` holds each node's score, then
 * its rarity in 0..1 (kp_rank_df). */
typedef struct word_score_tab {
  strtab ids;
  double *score;
} word_score_tab;

#define IN_PHRASE GUINT_TO_POINTER(1)
#define NODE_BASE 2

/* The score and rarity of a candidate's word, or NULL when it is no node. */
static const double *word_score(const word_score_tab *ws, const char *stem)
{
  guint v = GPOINTER_TO_UINT(strtab_get(&ws->ids, stem));
  return v >= NODE_BASE ? &ws->score[2 * (v - NODE_BASE)] : NULL;
}

/* Word scores: PageRank over the co-occurrence graph of candidate words,
 * teleporting to a word in proportion to the sum of 1/position of its
 * occurrences (PositionRank). */
static void word_scores(kp *k, word_score_tab *ws)
{
  strtab *ids = &ws->ids;
  strtab_init(ids, 2 * g_hash_table_size(k->phrases));
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, k->phrases);
  while (g_hash_table_iter_next(&it, NULL, &v))
    for (char **s = ((kp_phrase *)v)->stems; *s; s++)
      *strtab_put(ids, *s) = IN_PHRASE;
  /* node ids */
  GPtrArray *names = g_ptr_array_new(), *surface = g_ptr_array_new(); /* word_info of each node */
  int *node = g_new(int, k->nw + 1);
  for (unsigned int i = 0; i < k->nw; i++) {
    node[i] = -1;
    guint got = nominal(k->w[i].cls) ? GPOINTER_TO_UINT(strtab_get(ids, k->w[i].stem)) : 0;
    if (!got)
      continue;
    if (got < NODE_BASE) {
      got = names->len + NODE_BASE;
      *strtab_put(ids, k->w[i].stem) = GUINT_TO_POINTER(got);
      g_ptr_array_add(names, (gpointer)k->w[i].stem);
      g_ptr_array_add(surface, (gpointer)k->w[i].info);
    }
    node[i] = (int)(got - NODE_BASE);
  }
  guint n = names->len;
  double *pers = g_new0(double, n + 1), *out_w = g_new0(double, n + 1);
  /* co-occurrences within the window; out_w[a] counts a's (its degree
   * with repeats) */
  for (unsigned int i = 0; i < k->nw; i++) {
    if (node[i] < 0)
      continue;
    pers[node[i]] += 1.0 / (1.0 + i);
    for (unsigned int j = i + 1; j < k->nw && j < i + WINDOW; j++) {
      if (node[j] < 0 || node[j] == node[i])
        continue;
      out_w[node[i]] += 1;
      out_w[node[j]] += 1;
    }
  }
  double psum = 0;
  for (guint j = 0; j < n; j++)
    psum += pers[j];
  for (guint j = 0; j < n; j++)
    pers[j] = psum > 0 ? pers[j] / psum : 1.0 / n;
  /* edges as arrays (CSR): the iterations below walk them many times.
   * Each co-occurrence goes into both ends' rows (a counting sort by the
   * degrees above), then a row's repeats are merged into one weighted
   * edge. The order of a row does not change a score: each node's new
   * score sums its in-edges in the order of their source. */
  guint *start = g_new0(guint, n + 2), total = 0;
  for (guint a = 0; a < n; a++) {
    start[a] = total;
    total += (guint)out_w[a];
  }
  start[n] = total;
  guint *fill = g_memdup2(start, (n + 1) * sizeof *start), *raw = g_new(guint, total + 1);
  for (unsigned int i = 0; i < k->nw; i++) {
    if (node[i] < 0)
      continue;
    for (unsigned int j = i + 1; j < k->nw && j < i + WINDOW; j++) {
      if (node[j] < 0 || node[j] == node[i])
        continue;
      raw[fill[node[i]]++] = (guint)node[j];
      raw[fill[node[j]]++] = (guint)node[i];
    }
  }
  guint *to = g_new(guint, total + 1), *seen = g_new0(guint, n + 1), *slot = g_new(guint, n + 1), m = 0;
  double *wt = g_new(double, total + 1);
  for (guint a = 0; a < n; a++) {
    guint row = m;
    for (guint e = start[a]; e < start[a + 1]; e++) {
      guint b = raw[e];
      if (seen[b] != a + 1) { /* first in this row */
        seen[b] = a + 1;
        slot[b] = m;
        to[m] = b;
        wt[m++] = 1;
      } else {
        wt[slot[b]] += 1;
      }
    }
    for (guint e = row; e < m; e++)
      wt[e] /= out_w[a];
    start[a] = row;
  }
  start[n] = m;
  g_free(fill);
  g_free(raw);
  g_free(seen);
  g_free(slot);
  double *s = g_new(double, n + 1), *ns = g_new(double, n + 1);
  for (guint j = 0; j < n; j++)
    s[j] = 1.0 / n;
  for (int it2 = 0; it2 < ITERATIONS; it2++) {
    for (guint j = 0; j < n; j++)
      ns[j] = (1 - DAMPING) * pers[j];
    double dangling = 0;
    for (guint a = 0; a < n; a++) {
      if (start[a] == start[a + 1])
        dangling += s[a];
      double ds = DAMPING * s[a]; /* as (DAMPING * s[a]) * wt[e] groups: the same sums */
      /* most of the ranking's instructions: unrolled, the loop's own count
       * and test are paid once per four edges (the sums stay in order) */
#pragma GCC unroll 4
      for (guint e = start[a]; e < start[a + 1]; e++)
        ns[to[e]] += ds * wt[e];
    }
    double delta = 0;
    for (guint j = 0; j < n; j++) {
      ns[j] += DAMPING * dangling * pers[j];
      delta += fabs(ns[j] - s[j]);
    }
    double *tmp = s;
    s = ns;
    ns = tmp;
    if (delta < CONVERGED)
      break;
  }
  g_free(start);
  g_free(to);
  g_free(wt);
  ws->score = g_new(double, 2 * n + 1);
  for (guint j = 0; j < n; j++) {
    double *d = &ws->score[2 * j]; /* score, then rarity in 0..1 (kp_rank_df) */
    double idf = 1.0;
    d[1] = 1.0;
    if (k->english) {
      const word_info *wi = surface->pdata[j]; /* a word WordNet lacks (pi all 0) is rare */
      static const pos_info unknown;
      idf = pow(pos_idf(&wi->pi), IDF_WEIGHT);
      d[1] = pos_idf(&wi->pi) / pos_idf(&unknown);
    }
    idf = tag_df_blend(k->df, names->pdata[j], idf);
    *d = s[j] * n * idf;
  }
  g_free(s);
  g_free(ns);
  g_free(pers);
  g_free(out_w);
  g_free(node);
  g_ptr_array_free(names, TRUE);
  g_ptr_array_free(surface, TRUE);
}

unsigned int kp_shared_words(const kp_phrase *a, const kp_phrase *b)
{
  unsigned int n = 0;
  for (unsigned int i = 0; i < a->n; i++)
    for (unsigned int j = 0; j < b->n; j++)
      if (!strcmp(a->stems[i], b->stems[j])) {
        n++;
        break;
      }
  return n;
}

bool kp_contains(const kp_phrase *big, const kp_phrase *small)
{
  return lex_stems_contain(big->stems, big->n, small->stems, small->n);
}

/* Words that report speech (kp_shape.reporting): English's, and their
 * counterparts in the languages of shaped_langs (a news story says "a
 * déclaré", "dijo", "disse", "ha detto"), none of them an English word. */
static const char *const reporting_words[] = { "said", "says", "told", "dit", "déclaré", "affirmé", "dijo",
                                               "afirmó", "declaró", "disse", "diz", "afirmou", "declarou",
                                               "detto", "dichiarato", NULL };

/* Words that oblige, allow or request (kp_shape.directive), in English and
 * the languages of shaped_langs: the voice of a notice, an order or a
 * contract. Not "will" or "may" (a news story's future, a month), nor the
 * modals a paper argues with ("can", "should"). */
static const char *const directive_words[] = {
  "shall", "must", "requested", "hereby", "kindly", "permitted", "prohibited", "mandatory", "compulsory",
  "deberá", "deberán", "prohibido", "prohibida", "obligatorio", "obligatoria", "ruega", "rogamos",
  "deverá", "deverão", "proibido", "proibida", "obrigatório", "obrigatória", "solicitamos",
  "devra", "devront", "interdit", "interdite", "obligatoire", "priés", "priées",
  "dovrà", "dovranno", "vietato", "vietata", "obbligatorio", "obbligatoria", "pregati", NULL
};

enum { SHAPE_REPORTING = 1, SHAPE_DIRECTIVE = 2 };

/* reporting_words -> SHAPE_REPORTING, directive_words -> SHAPE_DIRECTIVE:
 * kp_measure() asks of every word, where scanning the lists cost 0.8 M
 * instructions for a three-page agreement. Built once, then only read. */
static const word_bits *shape_words(void)
{
  static gsize once = 0;
  static word_bits set;
  if (g_once_init_enter(&once)) {
    G_STATIC_ASSERT(WORD_BITS_FIT(G_N_ELEMENTS(reporting_words) + G_N_ELEMENTS(directive_words)));
    word_bits_add(&set, reporting_words, SHAPE_REPORTING);
    word_bits_add(&set, directive_words, SHAPE_DIRECTIVE);
    g_once_init_leave(&once, 1);
  }
  return &set;
}

void kp_measure(const GArray *tokens, kp_shape *out)
{
  memset(out, 0, sizeof *out);
  unsigned int run = 0, sentences = 0, named = 0, reports = 0, directives = 0;
  size_t chars = 0;
  const word_bits *shape = shape_words();
  for (guint i = 0; i <= tokens->len; i++) {
    const seg_token *t = i < tokens->len ? &g_array_index(tokens, seg_token, i) : NULL;
    bool is_word = t && t->kind == SEG_WORD;
    /* capitalised where a sentence, heading or acronym does not explain it */
    bool cap = is_word && t->cap && !t->acronym && !t->sentence && !t->heading && !t->title;
    if (run && (!cap || t->brk)) {
      if (run >= 2)
        named += run; /* "Buenos Aires", "Michael Buble": not "Java", "Fourier" */
      run = 0;
    }
    run += cap && !t->hyphen; /* "Max-Cut", "Swinnerton-Dyer": one word */
    if (!is_word)
      continue;
    out->words++;
    chars += (size_t)seg_utf8_len(t->word);
    sentences += t->sentence;
    out->stated |= t->keyword;
    unsigned int kind = word_bits_of(shape, t->word);
    reports += kind == SHAPE_REPORTING;
    directives += kind == SHAPE_DIRECTIVE;
  }
  if (!out->words)
    return;
  out->names = (double)named / out->words;
  out->word_len = (double)chars / out->words;
  out->sentence_len = (double)out->words / (sentences ? sentences : 1);
  out->reporting = (double)reports / out->words;
  out->directive = (double)directives / out->words;
}

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

/* 0 for prose, 1 for a list: short "sentences" (rows, lines, fields). */
static double list_share(const kp_shape *sh)
{
  return clamp01((LIST_FROM - sh->sentence_len) / (LIST_FROM - LIST_TO));
}

/* 0 for text that reports, 1 for text that directs (DIRECTIVE_FULL). */
static double administrative(const kp_shape *sh)
{
  double reports = fmax(0, sh->reporting * sh->words - 1); /* a notice may quote one "said" */
  double excess = sh->directive * sh->words + (sh->stated ? STATED_DIRECTIVES : 0) - reports - 1; /* words */
  return clamp01(excess / fmax(DIRECTIVE_MIN, DIRECTIVE_FULL * sh->words - 1));
}

/* 0 for no reported speech, 1 for a news story's share (REPORTING_FULL);
 * none in administrative text. */
static double reported(const kp_shape *sh)
{
  return clamp01(sh->reporting / REPORTING_FULL) * (1 - administrative(sh));
}

double kp_single_bias(const kp_shape *sh)
{
  double names = clamp01(NAMES_SLOPE * (sh->names - NAMES_FROM));
  double plain = clamp01(PLAIN_SLOPE * (PLAIN_WORD_LEN - sh->word_len));
  double news = fmax(names * plain * (1 - administrative(sh)), REPORTING_BIAS * reported(sh));
  double shortness = clamp01((double)((int)LONG_TO - (int)sh->words) / (LONG_TO - LONG_FROM));
  return SINGLE_BIAS * news * shortness * (1 - list_share(sh));
}

/* 1 for prose that is neither news nor a list, 0 for either. */
static double prose_share(const kp_shape *sh)
{
  double news = fmax(kp_single_bias(sh) / SINGLE_BIAS, reported(sh));
  return (1 - news) * (1 - list_share(sh));
}

double kp_single_weight(const kp_shape *sh)
{
  return 1 - (1 - PROSE_SINGLE) * prose_share(sh);
}

double kp_diversity(const kp_shape *sh)
{
  return DIVERSITY - list_share(sh) * (DIVERSITY - LIST_DIVERSITY);
}

GPtrArray *kp_rank(GArray *tokens, const char *lang)
{
  kp_shape shape;
  kp_measure(tokens, &shape);
  return kp_rank_df(tokens, lang, NULL, NULL, &shape, NULL);
}

/* The languages besides English that the document's shape moves the
 * length prior of (see NAMES_FROM). */
static const char *const shaped_langs[] = { "fra", "spa", "por", "ita", NULL };

GPtrArray *kp_rank_df(GArray *tokens, const char *lang, const char *title, const tag_df *df, const kp_shape *shape,
                      kp_info *info)
{
  kp k = { .toks = tokens, .df = df, .title_end = title_tokens(tokens, title) };
  g_strlcpy(k.lang, lang && *lang ? lang : "eng", sizeof k.lang);
  k.english = !strcmp(k.lang, "eng");
  k.stops = lex_has_stop_list(k.lang);
  k.lang_pos = pos_lang_of(k.lang);
  k.semitic = sem_lang(k.lang);
  k.adj_order = adj_order_of(k.lang);
  k.russian = k.lang_pos && !strcmp(k.lang, "rus");
  k.romanian = k.lang_pos && !strcmp(k.lang, "ron");
  k.phrases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); /* values go to `out` */
  strtab_init(&k.infos, tokens->len / 2);
  k.key = g_string_new(NULL);
  k.form = g_string_new(NULL);
  classify(&k);
  collect(&k);
  g_string_free(k.key, TRUE);
  g_string_free(k.form, TRUE);
  word_score_tab ws;
  word_scores(&k, &ws);
  bool shaped = k.english || in_list(shaped_langs, k.lang);
  double len_exp = LEN_EXP + (shaped ? kp_single_bias(shape) : 0.0);
  double single = shaped ? kp_single_weight(shape) : 1.0;
  double rare_share = shaped ? pow(prose_share(shape), RARE_PROSE_EXP) : 0.0;

  GPtrArray *out = g_ptr_array_new_with_free_func(phrase_free);
  GHashTableIter it;
  gpointer key, v;
  g_hash_table_iter_init(&it, k.phrases);
  while (g_hash_table_iter_next(&it, &key, &v)) {
    kp_phrase *ph = v;
    double s = 0;
    for (char **st = ph->stems; *st; st++) {
      const double *d = word_score(&ws, *st);
      s += d ? *d : 0;
    }
    ph->score = s / pow(ph->n, len_exp) * pow(ph->tf, TF_EXP) * pow(1.0 + ph->first, -FIRST_EXP);
    if (ph->n == 1 && !ph->keyword) {
      const double *d = word_score(&ws, ph->stems[0]);
      double rare = d ? d[1] : 1.0;
      ph->score *= single * (1 - (1 - pow(rare, RARE_EXP)) * rare_share);
    }
    if (ph->labels * 2 > ph->tf)
      ph->score *= LABEL_PENALTY; /* a field name or an address */
    if (ph->title)
      ph->score *= k.title_end ? LINE_TITLE_BOOST : TITLE_BOOST;
    else if (ph->heading)
      ph->score *= HEADING_BOOST;
    ph->form = best_form(forms_of(ph));
    form_set_clear(forms_of(ph));
    if (k.english && strstr(ph->form, " of ") && ph->named * 2 <= ph->tf)
      ph->score *= OF_PENALTY;
    g_ptr_array_add(out, ph);
  }
  g_ptr_array_sort(out, by_score);
  if (info) {
    info->script = k.script;
    bool guessed = k.guessed && g_hash_table_size(k.guessed); /* none in Chinese, Thai... */
    info->method = k.english ? "noun phrases, position-biased co-occurrence graph, WordNet background frequency"
                   : guessed ? "word runs between function words guessed from the text and punctuation, "
                               "position-biased co-occurrence graph"
                   : k.lang_pos ? "word runs holding a noun between stop words, verbs, participles and adverbs "
                                  "(Apertium, verbs by context) and punctuation, position-biased co-occurrence graph"
                             : "word runs between stop words and punctuation, position-biased co-occurrence graph";
  }

  strtab_clear(&ws.ids, NULL);
  g_free(ws.score);
  g_hash_table_destroy(k.phrases);
  strtab_clear(&k.infos, word_info_clear);
  g_slist_free_full(k.info_blocks, g_free);
  if (k.guessed)
    g_hash_table_destroy(k.guessed);
  if (k.semitic)
    sem_text_clear(&k.sem); /* after k.infos: its keys may be sem_core()'s */
  g_free(k.w);
  return out;
}
