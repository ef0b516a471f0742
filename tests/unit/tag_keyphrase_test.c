/* The noun-phrase tagger: part-of-speech knowledge, candidate patterns,
 * hyphens, stop words and stemmers per language, ICU word breaking,
 * language identification, tags in the document's own language, and a
 * quality floor on a fixed slice of the shared keyphrase dev sets (skipped
 * when ../shared is absent). */
#include "testutil.h"
#include "tag/funcwords.h"
#include "tag/keyphrase.h"
#include "tag/lexicon.h"
#include "tag/pos.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/tag.h"

#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* F1@10 measured on these slices when the floors were set (bench/keyphrase.sh
 * protocol: Porter-stemmed exact match, macro-averaged): Inspec-dev's first
 * 100 documents 35.0, SemEval-2010-train's first 30 papers 15.1; with the
 * participle, title-line and verb rules 35.2 and 15.05 (the whole sets
 * gained more: 33.8 -> 35.1 and 18.1 -> 18.4); with gerund heads, combining
 * participles and "A of B" ranked low 36.7 and 16.0 (the whole sets: 35.8 and
 * 19.0); with single words weighed down in prose that is not news 37.1 and
 * 18.1 (the whole sets: 37.7 and 20.1); with only reported speech as a
 * sign of news and single words in prose weighed by their rarity 37.7 and
 * 20.2 (the whole sets: 38.6 and 20.9). The floors catch a regression of a
 * few points, not noise. */
#define INSPEC_DOCS 100
#define INSPEC_F1_FLOOR 36.0
#define SEMEVAL_DOCS 30
#define SEMEVAL_F1_FLOOR 18.0
/* KPCrowd-train's first 100 news stories: 11.7 before the document-shape
 * bias (news tagged like abstracts), 16.9 with it, 18.1 with reported
 * speech as a sign of news, 17.8 once pronouns no longer count as one. */
#define KPCROWD_DOCS 100
#define KPCROWD_F1_FLOOR 17.0

static tag_outcome tag_text(const char *text, const char *lang, unsigned int num_tags)
{
  tag_request req = { .text = text, .language = lang, .num_tags = num_tags, .model_name = "local" };
  tag_outcome out = { 0 };
  assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
  return out;
}

static bool has_tag(const tag_outcome *o, const char *tag)
{
  for (size_t i = 0; i < o->count; i++)
    if (!strcmp(o->items[i].tag, tag))
      return true;
  return false;
}

static void print_tags(const char *label, const tag_outcome *o)
{
  printf("  %s:", label);
  for (size_t i = 0; i < o->count; i++)
    printf(" [%s]", o->items[i].tag);
  printf("\n");
}

static void test_pos_table(void **state)
{
  (void)state;
  pos_info pi;
  assert_true(pos_lookup("decompositions", &pi)); /* plural undone */
  assert_true(pi.flags & POS_NOUN);
  assert_true(pos_lookup("presented", &pi));
  assert_true(pi.flags & POS_VERB);
  assert_true(pos_lookup("larger", &pi));
  assert_true(pi.flags & POS_ADJ);
  assert_true(pos_lookup("mice", &pi)); /* an irregular form */
  assert_true(pi.flags & POS_NOUN);
  assert_true(pos_lookup("show", &pi));
  assert_true(pi.count[1] > pi.count[0]); /* mostly a verb */
  assert_false(pos_lookup("multiresolution", &pi));
  /* background rarity: general words are common in the glosses */
  pos_info method, boolean;
  pos_lookup("method", &method);
  pos_lookup("boolean", &boolean);
  assert_true(pos_idf(&method) < pos_idf(&boolean));
}

static const char *ABSTRACT =
  "Decomposition of boolean functions with binary decision diagrams\n"
  "This paper presents a new object-oriented method for the decomposition of boolean functions. "
  "Binary decision diagrams are a compact representation of boolean functions, and we show that "
  "the decomposition of boolean functions with binary decision diagrams is fast. The proposed "
  "method uses real-time scheduling on benchmark circuits.";

static void test_candidates(void **state)
{
  (void)state;
  GArray *toks = seg_split(ABSTRACT);
  GPtrArray *ranked = kp_rank(toks, "eng");
  bool of = false, hyphen = false, verb = false, weak = false, four = false;
  for (guint i = 0; i < ranked->len; i++) {
    const kp_phrase *p = ranked->pdata[i];
    of |= !strcmp(p->form, "decomposition of boolean functions");
    hyphen |= !strcmp(p->form, "object-oriented method");
    four |= p->n > 5;
    /* verbs never start, end or make a candidate */
    verb |= !strcmp(p->form, "presents") || !strcmp(p->form, "show") || strstr(p->form, "uses") != NULL;
    weak |= g_str_has_prefix(p->form, "proposed ") || g_str_has_prefix(p->form, "new ");
  }
  assert_true(of);     /* "A of B" joins two noun phrases */
  assert_true(hyphen); /* a compound stays whole, with its hyphen */
  assert_false(verb);
  assert_false(weak);  /* "proposed method" is "method" */
  assert_false(four);
  g_ptr_array_free(ranked, TRUE);
  seg_free(toks);

  tag_outcome out = tag_text(ABSTRACT, "eng", 8);
  print_tags("english", &out);
  assert_true(has_tag(&out, "binary decision diagrams"));
  assert_true(has_tag(&out, "boolean functions"));
  assert_false(has_tag(&out, "paper")); /* "this paper presents": generic */
  tag_outcome_clear(&out);
}

/* A sentence-case title too long for a heading, on a line of its own, and
 * participles before nouns. */
static const char *PAPER =
  "On trajectory control of constrained mobile manipulators with parameter uncertainty in industrial robots\n"
  "Studies the mixed tracking errors of a suitable reduced dynamic model. We developed methods for force "
  "tracking control, and by combining classical lamination theory the controller has reduced costs. The "
  "agreement sets the monthly rent.";

static const kp_phrase *find_phrase(const GPtrArray *ranked, const char *form)
{
  for (guint i = 0; i < ranked->len; i++)
    if (!strcmp(((const kp_phrase *)ranked->pdata[i])->form, form))
      return ranked->pdata[i];
  return NULL;
}

/* The candidates of a text in `lang` without a title, best first (newly
 * allocated, free with g_ptr_array_free()). */
static GPtrArray *rank_lang(const char *text, const char *lang)
{
  GArray *toks = seg_split(text);
  kp_shape shape;
  kp_measure(toks, &shape);
  GPtrArray *ranked = kp_rank_df(toks, lang, NULL, NULL, &shape, NULL);
  seg_free(toks);
  return ranked;
}

static GPtrArray *rank_english(const char *text) { return rank_lang(text, "eng"); }

static void test_participles_and_title_line(void **state)
{
  (void)state;
  GArray *toks = seg_split(PAPER);
  kp_shape shape;
  kp_measure(toks, &shape);
  GPtrArray *ranked =
    kp_rank_df(toks, "eng", "On trajectory control of constrained mobile manipulators with parameter uncertainty in "
               "industrial robots", NULL, &shape, NULL);
  /* a participle after a determiner or an adjective, or a gerund WordNet
   * knows as a noun inside a compound, modifies */
  assert_non_null(find_phrase(ranked, "mixed tracking errors"));
  assert_non_null(find_phrase(ranked, "reduced dynamic model"));
  assert_non_null(find_phrase(ranked, "force tracking control"));
  assert_non_null(find_phrase(ranked, "monthly rent"));
  /* after a subject, an auxiliary or a preposition it stays a verb */
  for (guint i = 0; i < ranked->len; i++) {
    const kp_phrase *p = ranked->pdata[i];
    assert_false(g_str_has_prefix(p->form, "developed ") || g_str_has_prefix(p->form, "combining ") ||
                 g_str_has_prefix(p->form, "reduced costs"));
    /* a noun/verb between a noun and a determiner is the clause's verb */
    assert_false(strstr(p->form, "sets") != NULL);
    /* the title line ends before "Studies" */
    assert_null(strstr(p->form, "robots studies"));
  }
  const kp_phrase *t = find_phrase(ranked, "parameter uncertainty");
  assert_non_null(t);
  assert_int_equal(t->title, 1);
  g_ptr_array_free(ranked, TRUE);
  /* a title that the text continues in lower case is only its first line:
   * no break, no title phrases from it */
  ranked = kp_rank_df(toks, "eng", "On trajectory control of constrained mobile manipulators", NULL, &shape, NULL);
  assert_non_null(find_phrase(ranked, "constrained mobile manipulators"));
  assert_int_equal(find_phrase(ranked, "constrained mobile manipulators")->title, 0);
  g_ptr_array_free(ranked, TRUE);
  seg_free(toks);
}

/* A present-tense "-s" verb after a subject opens no candidate when an
 * object's noun phrase follows it (issue 12), an adjective or a noun
 * included; as a noun, after a determiner or with no object after it, it
 * stays in the phrase. */
static void test_present_verbs(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("This paper studies adaptive thinning strategies for point clouds. The "
                                   "method uses point sets. Case studies show gains in sparse grids, "
                                   "and the studies show more.");
  assert_non_null(find_phrase(ranked, "adaptive thinning strategies"));
  assert_non_null(find_phrase(ranked, "point sets"));
  assert_non_null(find_phrase(ranked, "case studies"));
  for (guint i = 0; i < ranked->len; i++) {
    const kp_phrase *p = ranked->pdata[i];
    assert_false(g_str_has_prefix(p->form, "studies "));
    assert_null(strstr(p->form, "paper studies"));
    assert_null(strstr(p->form, "method uses")); /* "uses" is mostly a verb */
  }
  g_ptr_array_free(ranked, TRUE);
}

/* Nouns WordNet lists whole keep their first word: a weak modifier
 * ("general", "real") that starts one, a word read alone as a verb
 * ("operating" after "run"). */
static void test_known_compounds(void **state)
{
  (void)state;
  assert_true(pos_compound("general", "practitioner"));
  assert_true(pos_compound("general", "practitioners")); /* the head's plural */
  assert_true(pos_compound("real", "time"));
  assert_false(pos_compound("general", "method"));
  assert_false(pos_compound("practitioners", "general"));
  GPtrArray *ranked = rank_english("Survey of general practitioners\n"
                                   "We asked general practitioners how they schedule visits in real time. "
                                   "The clinics run operating systems that vary, and the new scheduler handles "
                                   "general requests.");
  assert_non_null(find_phrase(ranked, "general practitioners"));
  assert_non_null(find_phrase(ranked, "real time"));
  assert_non_null(find_phrase(ranked, "operating systems"));
  /* a weak modifier that starts no known noun is still dropped */
  assert_null(find_phrase(ranked, "general requests"));
  assert_null(find_phrase(ranked, "new scheduler"));
  g_ptr_array_free(ranked, TRUE);
}

/* An "-ing" word that ends a noun phrase after a noun is its head. Before
 * an object or a verb's preposition it stays a verb, and before "of" or
 * "in" too unless WordNet lists it as a noun or does not know it. */
static void test_gerund_heads(void **state)
{
  (void)state;
  assert_true(pos_noun_form("learning"));
  assert_false(pos_noun_form("checking")); /* only the verb "check" */
  GPtrArray *ranked = rank_english("Verification of protocols\n"
                                   "We combine model checking and network caching. Data mining of logs is slow, "
                                   "and machine learning in the loop helps. The method using the graph helps "
                                   "operators looking for faults in systems consisting of nodes choosing routing.");
  assert_non_null(find_phrase(ranked, "model checking"));
  assert_non_null(find_phrase(ranked, "network caching")); /* "caching": not in WordNet */
  assert_non_null(find_phrase(ranked, "data mining"));
  assert_non_null(find_phrase(ranked, "machine learning"));
  assert_null(find_phrase(ranked, "method using"));       /* an object follows */
  assert_null(find_phrase(ranked, "operators looking"));  /* a verb's preposition follows */
  assert_null(find_phrase(ranked, "systems consisting")); /* only a verb, before "of" */
  assert_null(find_phrase(ranked, "nodes choosing"));
  assert_null(find_phrase(ranked, "choosing routing"));   /* not after a gerund */
  g_ptr_array_free(ranked, TRUE);
}

/* A combining participle after a noun makes a compound adjective with it,
 * hyphen or not; other participles there are a clause's verb. A phrase
 * cut to five words does not start with one. */
static void test_combining_participles(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Reasoning for support\n"
                                   "We study case based reasoning and object oriented design. The naive "
                                   "implementation produced reasonable performance. Users of web based mobile "
                                   "satellite phone services agree. Sellers use speed sensors and direct torque "
                                   "control, and meet customers.");
  assert_non_null(find_phrase(ranked, "case based reasoning"));
  assert_non_null(find_phrase(ranked, "object oriented design"));
  assert_non_null(find_phrase(ranked, "mobile satellite phone services"));
  /* an adjective WordNet mostly reads as a verb opens a phrase where a
   * participle would, unless it is hardly ever an adjective ("meet") */
  assert_non_null(find_phrase(ranked, "direct torque control"));
  assert_null(find_phrase(ranked, "meet customers"));
  for (guint i = 0; i < ranked->len; i++) {
    const kp_phrase *p = ranked->pdata[i];
    assert_null(strstr(p->form, "produced"));
    assert_false(g_str_has_prefix(p->form, "based "));
  }
  g_ptr_array_free(ranked, TRUE);
}

/* "A of B" ranks low unless it names one thing: a name capitalised in a
 * sentence, or a noun WordNet lists whole. */
static void test_of_phrases(void **state)
{
  (void)state;
  assert_true(pos_of_compound("degrees", "freedom")); /* the head's plural */
  assert_true(pos_of_compound("bill", "rights"));
  assert_false(pos_of_compound("application", "algorithms"));
  GPtrArray *ranked = rank_english("Robot arms\n"
                                   "The application of genetic algorithms gives the arm six degrees of freedom. "
                                   "Engineers at the Bank of America pay for the application of genetic algorithms.");
  const kp_phrase *plain = find_phrase(ranked, "application of genetic algorithms");
  const kp_phrase *noun = find_phrase(ranked, "degrees of freedom");
  const kp_phrase *name = find_phrase(ranked, "bank of america");
  assert_non_null(plain);
  assert_non_null(noun);
  assert_non_null(name);
  assert_int_equal(plain->named, 0);
  assert_int_equal(noun->named, 1);
  assert_int_equal(name->named, 1);
  /* the plain one ranks below what it names */
  assert_true(plain->score < find_phrase(ranked, "genetic algorithms")->score);
  g_ptr_array_free(ranked, TRUE);
}

/* Fails unless every one of `forms` is a candidate of `ranked`, and no
 * candidate holds any of `never`. */
static void expect_candidates(const GPtrArray *ranked, const char *const *forms, size_t n_forms,
                              const char *const *never, size_t n_never)
{
  for (size_t i = 0; i < n_forms; i++)
    if (!find_phrase(ranked, forms[i]))
      fail_msg("no candidate \"%s\"", forms[i]);
  for (guint i = 0; i < ranked->len; i++) {
    const char *f = ((const kp_phrase *)ranked->pdata[i])->form;
    for (size_t j = 0; j < n_never; j++)
      if (strstr(f, never[j]))
        fail_msg("candidate \"%s\" holds \"%s\"", f, never[j]);
  }
}

/* A noun/verb after a subject it agrees with, where WordNet reads it as a
 * noun as often as a verb ("study"), is the verb when a noun phrase
 * follows it and the clause has no other verb: "the report studies
 * thinning rules", "the methods study thinning rules". With a verb after
 * the phrase ("the test results database is"), with no object ("case
 * studies show") or against agreement ("user requirements analysis") it
 * stays a noun. */
static void test_verbs_after_subjects(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Forest thinning\n"
                                   "The report studies thinning rules for mixed stands. The forest model studies "
                                   "spruce growth. The methods study pine forests. The test results database is "
                                   "large, case studies show gains, and the user requirements analysis helps.");
  const char *want[] = { "thinning rules", "spruce growth", "pine forests", "test results database", "case studies",
                         "user requirements analysis" };
  const char *never[] = { "report studies", "model studies", "studies thinning", "studies spruce", "methods study",
                          "study pine" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);
}

/* A gerund WordNet knows only as a verb takes an object after a
 * preposition or first in a title ("of constructing automata",
 * "Extending CTL with actions"): it opens no phrase. One WordNet also
 * lists as an adjective or a noun still modifies there ("Sliding mode
 * control"). */
static void test_gerund_objects(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Extending CTL with actions\n"
                                   "The paper gives a way of constructing automata, and users are accurate in "
                                   "estimating aid reliabilities. Sliding mode control is studied.");
  const char *want[] = { "automata", "aid reliabilities", "sliding mode control" };
  const char *never[] = { "extending", "constructing", "estimating" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);
}

/* An elided article or preposition opens a noun phrase, and is printed:
 * "consommation d'eau potable", "gestion de l'eau potable", never
 * "consommation eau" nor "gestion de eau". */
static void test_elided_articles(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_lang("La gestion de l'eau potable\n"
                                "La consommation d'eau potable baisse dans les communes. La gestion de l'eau "
                                "potable reste un défi, et la consommation d'eau potable des ménages aussi.",
                                "fra");
  const char *want[] = { "consommation d'eau potable", "gestion de l'eau potable", "eau potable" };
  const char *never[] = { "consommation eau", "de eau", "gestion eau" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);
}

/* A hyphenated compound is one word of the phrase cap, as it is of a
 * tag's (rules.h): "state-of-the-art wireless sensor network method" is
 * five words, printed with its hyphens; a sixth word cuts the first unit
 * whole, never inside the compound. */
static void test_compound_word_count(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Sensor networks\n"
                                   "A state-of-the-art wireless sensor network method beats the old one. The "
                                   "cheap state-of-the-art mobile wireless sensor network protocol fails.");
  const char *want[] = { "state-of-the-art wireless sensor network method",
                         "state-of-the-art mobile wireless sensor network protocol" };
  const char *never[] = { "cheap", "art mobile" };
  expect_candidates(ranked, want, 1, never, G_N_ELEMENTS(never));
  assert_null(find_phrase(ranked, want[1])); /* six words */
  assert_non_null(find_phrase(ranked, "mobile wireless sensor network protocol"));
  g_ptr_array_free(ranked, TRUE);
  tag_outcome out = tag_text("Sensor networks\nA state-of-the-art wireless sensor network method beats the old "
                             "one. A state-of-the-art wireless sensor network method wins.", "eng", 5);
  assert_true(has_tag(&out, "state-of-the-art wireless sensor network method"));
  tag_outcome_clear(&out);
}

/* Formula variables and the operators between them are in no candidate:
 * a letter alone ("x", "f(x)"), a lower-case letter with an index ("x2
 * inputs", "time t1") and a word between two variables ("n log n"); a
 * name written with its capital ("F1 score", "vitamin B12") stays. */
static void test_formula_variables(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Sorting\n"
                                   "Let f(x) = x^2 + n log n. The function f(x) is convex, and x grows with n. "
                                   "The sorting algorithm runs in n log n time on x1 and x2 inputs with k3 steps "
                                   "at time t1. The F1 score is high and vitamin B12 deficiency is rare.");
  const char *want[] = { "sorting algorithm", "inputs", "steps", "f1 score", "vitamin b12 deficiency" };
  const char *never[] = { "log", "x2", "k3", "t1", "f(x)" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  for (guint i = 0; i < ranked->len; i++)
    if (strlen(((const kp_phrase *)ranked->pdata[i])->form) < 2)
      fail_msg("candidate \"%s\" is a letter", ((const kp_phrase *)ranked->pdata[i])->form);
  g_ptr_array_free(ranked, TRUE);
}

/* Names that mix letters and digits are words of a phrase, printed as
 * written (lower case, with their hyphen or dot); a name's number after a
 * hyphen names with it, and an invoice's codes and amounts still cut. */
static void test_mixed_names(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Video over networks\n"
                                   "We study 3D reconstruction from MPEG-4 video coding and H.264 streams over "
                                   "IPv6 networks to clinics that treat Type-2 diabetes. Invoice "
                                   "INV-2024-001 lists 10mm cables at Rs500 each.");
  const char *want[] = { "3d reconstruction", "mpeg-4 video coding", "h.264 streams", "ipv6 networks",
                         "type-2 diabetes" };
  const char *never[] = { "10mm", "rs500", "2024" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);

  /* a version after its name, a model's four digits, C4.5's dot and 3-D's
   * hyphen: one word each, printed as written */
  ranked = rank_english("Learning tools\n"
                        "Students use Web 2.0 applications and the C4.5 decision tree. JPEG2000 image "
                        "compression improves on JPEG. We study 3-D reconstruction of ISO9001 audits. "
                        "Table 4.2 lists Section 3.1 figures.");
  const char *want2[] = { "web 2.0 applications", "c4.5 decision tree", "jpeg2000 image compression",
                          "3-d reconstruction", "iso9001 audits" };
  const char *never2[] = { "4.2", "3.1" };
  expect_candidates(ranked, want2, G_N_ELEMENTS(want2), never2, G_N_ELEMENTS(never2));
  assert_int_equal(find_phrase(ranked, "3-d reconstruction")->n, 2);
  g_ptr_array_free(ranked, TRUE);
}

/* The technical names of issue 12 are candidates printed as written
 * (lower case, with their dot, hyphen or space): "web2.0 sites", "python
 * 3.11", "iso 9001 audits", "quasi-2-d electron gas", "mpeg-7-based
 * retrieval", "802.11 amendment" (a standard's number alone, where the
 * text names its body); a price, a table's value, a part's number and a
 * year are in none. */
static void test_named_numbers(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Software quality\n"
                                   "Web2.0 sites need the Python 3.11 interpreter. The team moved its Python 3.11 "
                                   "interpreter to ISO 9001 audits of the quasi-2-d electron gas and "
                                   "MPEG-7-based retrieval. Section 4.2 lists a Widget 4.99 kit.");
  const char *want[] = { "web2.0 sites", "python 3.11 interpreter", "iso 9001 audits", "quasi-2-d electron gas",
                         "mpeg-7-based retrieval" };
  const char *never[] = { "4.2", "4.99" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);

  /* a standard's number alone names it where the text writes its body
   * ("IEEE 802.11"); a year does not ("in 2022" beside "ISO 2022") */
  ranked = rank_english("Wireless links\n"
                        "Each 802.11 amendment extends the IEEE 802.11 standard. In 2022 the ISO 2022 "
                        "encoding gained wireless support.");
  const char *want2[] = { "802.11 amendment", "ieee 802.11 standard", "iso 2022 encoding" };
  const char *never2[] = { "2022 the" };
  expect_candidates(ranked, want2, G_N_ELEMENTS(want2), never2, G_N_ELEMENTS(never2));
  for (guint i = 0; i < ranked->len; i++)
    if (!strcmp(((const kp_phrase *)ranked->pdata[i])->form, "2022"))
      fail_msg("the year is a candidate");
  g_ptr_array_free(ranked, TRUE);

  /* a whole number names a release where the text writes it with its
   * name twice ("Haskell 98"), not once ("Python 3"), nor where the name
   * numbers a series ("Player 1 ... Player 2") */
  ranked = rank_english("Typed functional programs\n"
                        "Haskell 98 programs run on the Haskell 98 compiler. Player 1 moves before Player 2, "
                        "and Player 1 wins. Python 3 is slower.");
  const char *want3[] = { "haskell 98 programs", "haskell 98 compiler" };
  const char *never3[] = { "player 1", "player 2", "python 3" };
  expect_candidates(ranked, want3, G_N_ELEMENTS(want3), never3, G_N_ELEMENTS(never3));
  g_ptr_array_free(ranked, TRUE);
}

/* A past form after a noun and before a preposition or a determiner is a
 * clause's verb, not a compound's last word, also where WordNet has a noun
 * of that spelling ("sent", a coin; "led", a diode); an irregular form WordNet
 * reads as a noun, not an adjective, counts as its lemma's verb ("drove"). A participle before a noun still modifies
 * ("hidden Markov models"), and a form that is a verb of its own keeps its
 * noun ("lower bounds on"). */
static void test_past_forms(void **state)
{
  (void)state;
  pos_info sent, drove, found;
  assert_true(pos_lookup("sent", &sent));
  assert_true(sent.flags & POS_VERB_FORM);
  assert_true(pos_lookup("drove", &drove)); /* a noun too (of cattle), no adjective */
  assert_true(drove.count[1] > drove.count[0]); /* "drive"'s uses */
  assert_true(pos_lookup("found", &found));
  assert_false(found.flags & POS_VERB_FORM); /* "to found" is a verb too */
  GPtrArray *ranked = rank_english("Streaming video\n"
                                   "The encoder packs video streams sent over lossy networks. Late arrivals led to "
                                   "stalls, and the students classified as novices rated the quality chosen by "
                                   "the server. Hidden Markov models and the Unified Modeling Language give a "
                                   "lower bounds on the delay.");
  const char *want[] = { "video streams", "late arrivals", "students", "quality", "hidden markov models",
                         "unified modeling language", "lower bounds" };
  const char *never[] = { "sent", "led", "classified", "chosen" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);
}

/* An "-ly" adverb directly before an adjective modifies inside a phrase;
 * before a noun or alone ("quickly"), with no noun after its adjective
 * ("weakly singular."), or qualifying the clause ("currently") it does not. */
static void test_adverbs(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("Compilers for clusters\n"
                                   "We build a fully automatic method for highly parallel computers and "
                                   "currently popular tabu search. The code is weakly singular. Users quickly method "
                                   "tools, and the loops run quickly.");
  const char *want[] = { "fully automatic method", "highly parallel computers", "popular tabu search" };
  const char *never[] = { "currently", "quickly", "weakly" };
  expect_candidates(ranked, want, G_N_ELEMENTS(want), never, G_N_ELEMENTS(never));
  g_ptr_array_free(ranked, TRUE);
}

/* A field's name before its value after a colon or a tab, on its line,
 * is a label like "Ward 4": "Date of issue: 14 March 2024" names no
 * subject. A colon before words, or a value on the next line, is not. */
static void test_field_labels(void **state)
{
  (void)state;
  const char *text = "Tax invoice\n\n"
                     "Date of issue: 14 March 2024\n"
                     "Taxable value\t78,550.00\n"
                     "Seller: Bright Desk Supplies\n\n"
                     "Payment terms\n\n30 days from the date of delivery, as the payment terms say.\n";
  GArray *toks = seg_split(text);
  assert_true(g_array_index(toks, seg_token, 5).field); /* "14", after "issue:" */
  assert_string_equal(g_array_index(toks, seg_token, 5).word, "14");
  seg_free(toks);
  GPtrArray *ranked = rank_english(text);
  assert_int_equal(find_phrase(ranked, "issue")->labels, 1);
  assert_int_equal(find_phrase(ranked, "taxable value")->labels, 1);
  assert_int_equal(find_phrase(ranked, "bright desk supplies")->labels, 0);
  assert_int_equal(find_phrase(ranked, "payment terms")->labels, 0);
  g_ptr_array_free(ranked, TRUE);
}

/* A head noun that mostly stands alone beside the phrase it heads. */
static const char *LEASE =
  "Residential Rental Agreement\n\n"
  "This Agreement is made at Pune between the Landlord and the Tenant named below.\n\n"
  "1. Premises\n"
  "The Landlord lets the flat described in the Schedule at the end of this Agreement to the Tenant.\n\n"
  "2. Term\n"
  "The tenancy under this Agreement is for eleven months and may be renewed by written consent.\n\n"
  "3. Rent\n"
  "The Tenant shall pay the monthly rent on the fifth day of each month as this Agreement says.\n\n"
  "4. Ending\n"
  "Either party may end this Agreement with one month of notice in writing to the other party.\n";

static void test_head_noun_fragment(void **state)
{
  (void)state;
  tag_outcome out = tag_text(LEASE, "eng", 8);
  print_tags("lease", &out);
  assert_true(has_tag(&out, "residential rental agreement"));
  assert_false(has_tag(&out, "agreement")); /* its head: the same thing, more vaguely */
  tag_outcome_clear(&out);
}

static const char *NEWS =
  "Singer weds actress in Buenos Aires\n"
  "Canadian pop star Michael Buble married Argentine actress Luisana Lopilato in a civil ceremony on "
  "Thursday. The singer and his bride posed for a crowd of fans after the wedding at a civil registry in "
  "downtown Buenos Aires. She wore a lilac dress with silver shoes and he wore a sharp gray suit as he leaned "
  "down for a kiss. The couple plan a full ceremony with three hundred guests next month, and another wedding "
  "in Vancouver in April. They have homes in Canada, Los Angeles and Buenos Aires province.";

static const char *INVOICE =
  "Tax Invoice\n\n"
  "Invoice number\t1042\n"
  "Invoice date\t12 March 2024\n"
  "Bill to\tBright Desk Supplies\n\n"
  "Item\tQuantity\tPrice\n"
  "Office desk\t2\t3,100.00\n"
  "Ergonomic chair\t4\t4,750.00\n\n"
  "Payment terms\t30 days\n"
  "Total due\t7,850.00\n";

/* The document's shape: news gets more weight on single words, an abstract
 * and a list keep the phrase prior, and a list damps overlapping tags
 * harder than prose. */
static void test_document_shape(void **state)
{
  (void)state;
  kp_shape news, abstract, list;
  GArray *t = seg_split(NEWS);
  kp_measure(t, &news);
  seg_free(t);
  t = seg_split(ABSTRACT);
  kp_measure(t, &abstract);
  seg_free(t);
  t = seg_split(INVOICE);
  kp_measure(t, &list);
  seg_free(t);
  printf("  shape: news names %.3f len %.2f sentence %.1f; abstract %.3f %.2f %.1f; list %.3f %.2f %.1f\n",
         news.names, news.word_len, news.sentence_len, abstract.names, abstract.word_len, abstract.sentence_len,
         list.names, list.word_len, list.sentence_len);
  assert_true(news.names > 0.1);          /* Michael Buble, Luisana Lopilato, Buenos Aires, Los Angeles */
  assert_true(abstract.names == 0.0);
  assert_true(kp_single_bias(&news) > 1.0);
  assert_true(kp_single_bias(&abstract) == 0.0);
  assert_true(kp_single_bias(&list) == 0.0);
  assert_true(kp_diversity(&list) < kp_diversity(&abstract));
  assert_true(kp_diversity(&news) == kp_diversity(&abstract));
  kp_shape empty;
  GArray *none = seg_split("");
  kp_measure(none, &empty);
  seg_free(none);
  assert_int_equal(empty.words, 0);
  assert_false(isnan(kp_single_bias(&empty)));
  assert_false(isnan(kp_diversity(&empty)));

  /* the news story's tags are mostly single words; the abstract's phrases */
  tag_outcome out = tag_text(NEWS, "eng", 8);
  print_tags("news", &out);
  size_t singles = 0;
  for (size_t i = 0; i < out.count; i++)
    singles += strchr(out.items[i].tag, ' ') == NULL;
  assert_true(singles * 2 > out.count);
  tag_outcome_clear(&out);
}

/* French news (reported speech, names) and a French abstract: the
 * document's shape moves the length prior in the Romance languages too. */
static void test_document_shape_french(void **state)
{
  (void)state;
  const char *news =
    "Le chanteur Michael Buble épouse une actrice à Buenos Aires\n"
    "Le chanteur canadien Michael Buble a épousé l'actrice argentine Luisana Lopilato lors d'une cérémonie "
    "civile à Buenos Aires. Le couple a posé devant les fans après le mariage. « Nous sommes très heureux », "
    "a déclaré le chanteur. La mariée portait une robe lilas et des chaussures argentées. Le couple prévoit une "
    "grande fête avec trois cents invités le mois prochain à Vancouver, a dit son agent.";
  const char *abstract =
    "Commande prédictive robuste des systèmes incertains\n"
    "Cet article étudie la commande prédictive robuste des systèmes à incertitude polytopique. La conception "
    "du correcteur utilise des inégalités matricielles linéaires, et la borne d'incertitude diminue quand "
    "l'estimateur d'état converge. Les résultats de simulation sur un réacteur chimique montrent que le "
    "système en boucle fermée reste stable sous incertitude, et le correcteur demande peu de calcul.";
  size_t singles[2] = { 0, 0 }, count[2];
  const char *texts[2] = { news, abstract };
  for (int d = 0; d < 2; d++) {
    tag_outcome out = tag_text(texts[d], "fra", 8);
    print_tags(d ? "abstract" : "news", &out);
    for (size_t i = 0; i < out.count; i++)
      singles[d] += strchr(out.items[i].tag, ' ') == NULL;
    count[d] = out.count;
    tag_outcome_clear(&out);
  }
  assert_true(singles[0] * 2 > count[0]);
  assert_true(singles[1] * 4 < count[1]);
}

/* A phrase met early outranks one met late with the same words, as often:
 * its own first occurrence counts, beside its words' positions. */
static void test_phrase_position(void **state)
{
  (void)state;
  GPtrArray *ranked = rank_english("The filter shapes the frequency response of the amplifier. The amplifier drives a "
                                   "speaker through a cable of copper. Later, a table lists the response frequency "
                                   "of each stage.");
  const kp_phrase *early = find_phrase(ranked, "frequency response"), *late = find_phrase(ranked, "response frequency");
  assert_non_null(early);
  assert_non_null(late);
  printf("  frequency response %.4f (word %u), response frequency %.4f (word %u)\n", early->score, early->first,
         late->score, late->first);
  assert_int_equal(early->tf, late->tf);
  assert_true(early->first < late->first);
  assert_true(early->score > late->score * 1.02);
  g_ptr_array_free(ranked, TRUE);
}

static const char *CONTROL =
  "Robust model predictive control of uncertain systems\n"
  "This paper studies robust model predictive control for systems with polytopic uncertainty. The "
  "controller design uses linear matrix inequalities, and the uncertainty bound shrinks as the state "
  "estimator converges. Simulation results on a chemical reactor show that the closed-loop system stays "
  "stable under uncertainty, and the controller needs little computation.";

/* A business report: long words and no run of names, but reported speech. */
static const char *REPORT =
  "Quarterly earnings rose at the regional lender\n"
  "The regional lender reported higher quarterly earnings on Tuesday, helped by stronger lending to "
  "manufacturers. Its chief executive said demand for commercial mortgages had recovered, and told "
  "analysts that she expected deposit margins to stabilise, according to a transcript of the call. "
  "Her predecessor had warned of weaker profitability across the industry.";

/* A case report: a research text about one person, full of "he" and
 * "his", with no reported speech. */
static const char *CASE_REPORT =
  "Acute intermittent porphyria presenting as recurrent abdominal pain\n"
  "We describe a patient with acute intermittent porphyria whose diagnosis was delayed for six years. He "
  "first presented with recurrent abdominal pain and hyponatraemia, and his symptoms were attributed to "
  "irritable bowel syndrome. During his third admission he developed peripheral neuropathy; urinary "
  "porphobilinogen was raised, and haem arginate infusion relieved his pain within two days. His brother "
  "carried the same hydroxymethylbilane synthase mutation. Acute porphyria should be considered in "
  "unexplained abdominal pain with hyponatraemia.";

/* An abstract that says "technology" alone three times. */
static const char *SENSORS =
  "Wireless sensor networks for structural health monitoring of bridges\n"
  "Structural health monitoring needs dense measurements, and the technology to take them has long been "
  "costly. We describe a wireless sensor network that measures strain and vibration on a steel bridge. Each "
  "node samples accelerometers at 200 Hz, compresses the records with wavelet coding, and forwards them over "
  "a multi-hop route to a base station. The technology cuts cabling costs by 80%, and the network ran for "
  "eleven months on batteries. Modal frequencies estimated from the wireless data match those of a wired "
  "reference system within 1%. The technology also scales to larger structures.";

static size_t tag_index(const tag_outcome *o, const char *tag)
{
  for (size_t i = 0; i < o->count; i++)
    if (!strcmp(o->items[i].tag, tag))
      return i;
  return o->count;
}

/* In prose that is no news story, single words weigh less: they are
 * mostly fragments of the phrases that name the subject ("uncertainty" of
 * "polytopic uncertainty"). News, whether told by its names or by its
 * reported speech, and lists keep them, and so does a single word the
 * author lists as a keyword. */
static void test_single_words_in_prose(void **state)
{
  (void)state;
  kp_shape news, abstract, list, report;
  const char *texts[] = { NEWS, ABSTRACT, INVOICE, REPORT };
  kp_shape *shapes[] = { &news, &abstract, &list, &report };
  for (size_t i = 0; i < 4; i++) {
    GArray *t = seg_split(texts[i]);
    kp_measure(t, shapes[i]);
    seg_free(t);
  }
  printf("  reporting: news %.3f abstract %.3f list %.3f report %.3f\n", news.reporting, abstract.reporting,
         list.reporting, report.reporting);
  assert_true(abstract.reporting == 0.0);
  assert_true(report.reporting > 0.02); /* said, told; not "according" */
  assert_true(report.names == 0.0 && report.word_len > 5.2); /* the names and plain-words signs miss it */
  assert_true(kp_single_bias(&report) > 0.0);
  assert_true(kp_single_bias(&report) > 0.5 * kp_single_bias(&news));
  /* a paper's "according to" reports no speech */
  kp_shape according;
  GArray *at = seg_split("Grid scheduling\nJobs are ranked according to their deadlines, and according to "
                         "the model the queue stays short.");
  kp_measure(at, &according);
  seg_free(at);
  assert_true(according.reporting == 0.0);
  assert_true(kp_single_weight(&abstract) < 0.5);
  assert_true(kp_single_weight(&news) == 1.0);
  assert_true(kp_single_weight(&list) == 1.0);
  assert_true(kp_single_weight(&report) == 1.0);

  /* people referred to as "he" do not make a text news: only reported
   * speech does */
  kp_shape case_report;
  GArray *ct = seg_split(CASE_REPORT);
  kp_measure(ct, &case_report);
  seg_free(ct);
  printf("  case report: reporting %.3f, single-word weight %.2f\n", case_report.reporting,
         kp_single_weight(&case_report));
  assert_true(case_report.reporting == 0.0);
  assert_true(kp_single_weight(&case_report) < 0.5);
  assert_true(kp_single_bias(&case_report) == 0.0);

  /* an everyday word alone weighs less in prose than a rare one: the
   * abstract's phrases outrank "technology" */
  tag_outcome out = tag_text(SENSORS, "eng", 10);
  print_tags("sensors", &out);
  assert_true(has_tag(&out, "wireless sensor network"));
  assert_true(has_tag(&out, "steel bridge"));
  assert_false(has_tag(&out, "technology"));
  tag_outcome_clear(&out);

  out = tag_text(CONTROL, "eng", 8);
  print_tags("control", &out);
  assert_true(has_tag(&out, "polytopic uncertainty"));
  assert_false(has_tag(&out, "uncertainty")); /* the phrase's fragment */
  for (size_t i = 0; i < out.count; i++)
    assert_true(strchr(out.items[i].tag, ' ') != NULL);
  tag_outcome_clear(&out);

  char *listed = g_strconcat(CONTROL, "\nKeywords: uncertainty; controller design", NULL);
  out = tag_text(listed, "eng", 8);
  print_tags("control with keywords", &out);
  assert_true(has_tag(&out, "uncertainty"));
  /* the author's keyword is not weighed down: it ranks above the title's phrase */
  assert_true(tag_index(&out, "uncertainty") < tag_index(&out, "uncertain systems"));
  tag_outcome_clear(&out);
  g_free(listed);
}

/* Administrative texts: a road-closure circular full of place names (the
 * names sign alone reads it as news), a water-supply notice, a Spanish and
 * a Portuguese one that each quote a "said" ("dijo", "diz": one reporting
 * word in 130 reads as news), and a tender notice. They direct ("shall", "are requested",
 * "deberán", "queda prohibido"), so the news signs fade and their tags
 * are the multi-word terms, not the terms' single words. */
static const char *ROAD_CIRCULAR =
  "Road closure in Ward 12\n\n"
  "The following roads in Ward 12 will remain closed to all traffic from 10 June to 15 June 2024 for repair "
  "work by the Public Works Division: Rajpath between Vijay Chowk and India Gate, Janpath between Connaught "
  "Place and Windsor Place, and the Outer Circle of Connaught Place from Block A to Block F. During the "
  "closure, vehicles coming from Mandi House will be diverted through Barakhamba Road and Kasturba Gandhi "
  "Marg, and buses of the Delhi Transport Corporation will stop at Shivaji Stadium instead of Regal Building. "
  "Residents and shop owners of Connaught Place are requested to use the diversions marked at each junction "
  "and to keep their vehicles off the closed roads. Ambulances and fire engines shall be allowed through the "
  "closed stretches at all hours. Parking on Baba Kharak Singh Marg and Tolstoy Marg will not be permitted "
  "while the work goes on. The inconvenience is regretted.\n\n"
  "Executive Engineer\n"
  "Public Works Division\n";

static const char *WATER_NOTICE =
  "Interruption of water supply in Sector 9\n\n"
  "Owing to the replacement of the main pipeline along Gandhi Road, water supply to Sector 9, Sector 10 and "
  "the Ram Nagar colony will remain suspended on 18 July from 6:00 to 20:00. As the Chief Engineer said at "
  "the meeting of the Water Supply Committee on 2 July, the old cast iron pipeline has burst four times this "
  "year. Residents are requested to store enough water for the day and to keep their taps closed while the "
  "supply is restored. Tanker supply shall be arranged on request at the Ram Nagar community hall. Use of "
  "booster pumps on the restored line is prohibited. Complaints may be made to the control room of the Water "
  "Works Department on working days.\n\n"
  "Assistant Engineer\n"
  "Water Works Department\n";

static const char *SPANISH_NOTICE =
  "Aviso sobre el corte de agua en el barrio de San Isidro\n\n"
  "El Ayuntamiento informa a los vecinos de San Isidro y de la calle Mayor que el suministro de agua quedará "
  "interrumpido el martes 14 de mayo, de 8:00 a 16:00 horas, por la sustitución de la tubería general en la "
  "plaza de la Constitución. Como dijo el concejal de Obras Públicas en el último pleno, la tubería tiene más "
  "de cuarenta años. Los vecinos deberán almacenar el agua necesaria para ese día y mantener cerrados los "
  "grifos hasta que se restablezca el servicio. Queda prohibido el uso de bombas de presión durante la "
  "reparación. Los camiones cisterna del servicio municipal de aguas estarán en la plaza de España. Se ruega "
  "disculpen las molestias.\n\n"
  "Concejalía de Obras Públicas\n";

static const char *TENDER_NOTICE =
  "Notice inviting tenders for the supply of school furniture\n\n"
  "The District Education Office, Nashik, invites sealed tenders from registered suppliers for the supply of "
  "1,200 dual desks and 300 teacher tables to government schools in Sinnar, Igatpuri and Niphad. Tender forms "
  "may be obtained from the office of the District Education Officer between 1 August and 14 August on "
  "payment of a fee of 500 rupees. Completed tenders must reach the office by 17:00 on 21 August and shall be "
  "opened on 22 August at 11:00 in the presence of the bidders who wish to attend. Each tender shall be "
  "accompanied by an earnest money deposit of 25,000 rupees. Conditional tenders will be rejected. The "
  "District Education Officer reserves the right to reject any tender without giving reasons.\n\n"
  "District Education Officer, Nashik\n";

/* two directive words ("deverão", "proibido") and one "diz" */
static const char *PORTUGUESE_NOTICE =
  "Aviso de interrupção do abastecimento de água no bairro da Boa Vista\n\n"
  "A Câmara Municipal informa os moradores do bairro da Boa Vista e da Rua Direita que o abastecimento de água "
  "será interrompido na quarta-feira, 22 de maio, das 8h00 às 17h00, para a substituição da conduta principal "
  "na Praça da República. Como diz o vereador das Obras Municipais, a conduta tem mais de quarenta anos. Os "
  "moradores deverão armazenar a água necessária para esse dia e manter as torneiras fechadas até ao "
  "restabelecimento do serviço. É proibido o uso de bombas de pressão durante a reparação. Os camiões-cisterna "
  "dos Serviços Municipalizados estarão no Largo do Chafariz. Pedimos desculpa pelo incómodo.\n\n"
  "Vereação das Obras Municipais\n";

static kp_shape shape_of(const char *text)
{
  kp_shape sh;
  GArray *t = seg_split(text);
  kp_measure(t, &sh);
  seg_free(t);
  return sh;
}

/* Fails when a tag of `out` is one of `never`. */
static void expect_no_tag(const char *label, const tag_outcome *out, const char *const *never, size_t n)
{
  for (size_t j = 0; j < n; j++)
    if (has_tag(out, never[j]))
      fail_msg("%s: tag \"%s\"", label, never[j]);
}

static void test_administrative_text(void **state)
{
  (void)state;
  const char *texts[] = { ROAD_CIRCULAR, WATER_NOTICE, SPANISH_NOTICE, TENDER_NOTICE, PORTUGUESE_NOTICE };
  const char *labels[] = { "road circular", "water notice", "spanish notice", "tender notice", "portuguese notice" };
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    kp_shape sh = shape_of(texts[i]);
    printf("  %s: names %.3f reporting %.4f directive %.4f bias %.2f single-word weight %.2f\n", labels[i],
           sh.names, sh.reporting, sh.directive, kp_single_bias(&sh), kp_single_weight(&sh));
    assert_true(sh.directive * sh.words >= 2);
    assert_true(kp_single_bias(&sh) == 0.0);
    assert_true(kp_single_weight(&sh) < 0.5); /* prose: its single words weigh less */
  }
  /* a circular that states its subject and directs in no listed word
   * ("are directed", "will be closed"): the "Subject:" line makes it no
   * news, where its street names alone read it as news */
  const char *body = "The Roads and Drains Division will rebuild the drains along Station Road, Canal Bank Road "
                     "and Temple Street. Station Road will be closed from Clock Tower to Gandhi Chowk, and "
                     "traffic will go via Market Street and Mill Lane. Canal Bank Road will be closed from "
                     "Pumping Station to Ward Office, with traffic via the Old Bypass. Contractors are directed "
                     "to barricade every trench. Complaints may be made to the Assistant Engineer.\n";
  char *stated = g_strconcat("Subject: Temporary road closures for drain works\n", body, NULL);
  kp_shape plain = shape_of(body), subj = shape_of(stated);
  printf("  stated: bias %.2f -> %.2f\n", kp_single_bias(&plain), kp_single_bias(&subj));
  assert_false(plain.stated);
  assert_true(subj.stated);
  assert_true(kp_single_bias(&plain) > 0.0);
  assert_true(kp_single_bias(&subj) == 0.0);
  g_free(stated);
  /* what used to read them as news: the circular's names, one "said", one "dijo" */
  assert_true(shape_of(ROAD_CIRCULAR).names > 0.1);
  assert_true(shape_of(WATER_NOTICE).reporting > 0.005);
  assert_true(shape_of(SPANISH_NOTICE).reporting > 0.005);
  assert_true(shape_of(PORTUGUESE_NOTICE).reporting > 0.005);

  tag_outcome out = tag_text(ROAD_CIRCULAR, "eng", 10);
  print_tags("road circular", &out);
  assert_true(has_tag(&out, "road closure"));
  assert_true(has_tag(&out, "public works division"));
  assert_true(has_tag(&out, "connaught place"));
  const char *const road_never[] = { "roads", "work", "division", "closure", "vehicles", "traffic" };
  expect_no_tag("road circular", &out, road_never, G_N_ELEMENTS(road_never));
  tag_outcome_clear(&out);

  out = tag_text(WATER_NOTICE, "eng", 10);
  print_tags("water notice", &out);
  assert_true(has_tag(&out, "water supply"));
  assert_true(has_tag(&out, "ram nagar colony"));
  const char *const water_never[] = { "supply", "water", "request", "meeting", "department", "replacement" };
  expect_no_tag("water notice", &out, water_never, G_N_ELEMENTS(water_never));
  tag_outcome_clear(&out);

  out = tag_text(SPANISH_NOTICE, "spa", 10);
  print_tags("spanish notice", &out);
  assert_true(has_tag(&out, "san isidro"));
  assert_true(has_tag(&out, "corte de agua") || has_tag(&out, "suministro de agua"));
  const char *const spa_never[] = { "suministro", "plaza", "concejal", "corte", "barrio" };
  expect_no_tag("spanish notice", &out, spa_never, G_N_ELEMENTS(spa_never));
  tag_outcome_clear(&out);

  out = tag_text(TENDER_NOTICE, "eng", 10);
  print_tags("tender notice", &out);
  assert_true(has_tag(&out, "school furniture"));
  assert_true(has_tag(&out, "earnest money deposit"));
  const char *const tender_never[] = { "notice", "supply", "office", "tenders" };
  expect_no_tag("tender notice", &out, tender_never, G_N_ELEMENTS(tender_never));
  tag_outcome_clear(&out);

  out = tag_text(PORTUGUESE_NOTICE, "por", 10);
  print_tags("portuguese notice", &out);
  assert_true(has_tag(&out, "abastecimento de água"));
  const char *const por_never[] = { "água", "bairro", "abastecimento", "moradores", "conduta", "dia", "anos" };
  expect_no_tag("portuguese notice", &out, por_never, G_N_ELEMENTS(por_never));
  tag_outcome_clear(&out);

  /* news that quotes a "must" or a "shall" stays news */
  char *quoted = g_strconcat(REPORT, " \"Lenders must rebuild their margins,\" she said.", NULL);
  kp_shape report = shape_of(REPORT), with_must = shape_of(quoted);
  assert_true(with_must.directive > 0.0);
  assert_true(kp_single_bias(&with_must) == kp_single_bias(&report));
  g_free(quoted);
  char *shall = g_strconcat(NEWS, " The registrar said the couple shall sign the register again in April.", NULL);
  kp_shape news = shape_of(NEWS), with_shall = shape_of(shall);
  assert_true(kp_single_bias(&with_shall) > 1.0);
  assert_true(kp_single_bias(&with_shall) >= kp_single_bias(&news) * 0.9);
  g_free(shall);
}

/* `a` and `b` have one stem in `lang`. */
static void expect_same_stem(const char *a, const char *b, const char *lang)
{
  char *sa = lex_stem_lang(a, lang), *sb = lex_stem_lang(b, lang);
  if (strcmp(sa, sb))
    fail_msg("%s: \"%s\" stems to \"%s\", \"%s\" to \"%s\"", lang, a, sa, b, sb);
  g_free(sa);
  g_free(sb);
}

static void test_stop_words_and_stemmers(void **state)
{
  (void)state;
  assert_true(lex_is_stop_lang("der", "deu"));
  /* Japanese: the IPA dictionary's particles and auxiliaries (kanji
   * compound particles too), and any token written only in hiragana */
  assert_true(lex_is_stop_lang("ます", "jpn"));
  assert_true(lex_is_stop_lang("です", "jpn"));
  assert_true(lex_is_stop_lang("について", "jpn"));
  assert_true(lex_is_stop_lang("に関して", "jpn"));
  assert_true(lex_is_stop_lang("した", "jpn"));
  assert_true(lex_is_stop_lang("われます", "jpn"));
  assert_false(lex_is_stop_lang("水道", "jpn"));
  assert_false(lex_is_stop_lang("メンテナンス", "jpn"));
  assert_false(lex_is_stop_lang("新しい", "jpn"));
  assert_true(lex_has_stop_list("jpn"));
  assert_true(lex_is_stop_lang("und", "deu"));
  assert_false(lex_is_stop_lang("der", "fra"));
  assert_true(lex_is_stop_lang("les", "fra"));
  assert_true(lex_is_stop_lang("el", "spa"));
  assert_true(lex_is_stop_lang("não", "por"));
  assert_true(lex_is_stop_lang("uma", "por"));
  assert_false(lex_is_stop_lang("escola", "por"));
  /* the plural indefinite articles and the cardinal numbers Snowball's
   * Romance lists lack, as English's has "two" and "million" */
  assert_true(lex_is_stop_lang("umas", "por"));
  assert_true(lex_is_stop_lang("unas", "spa"));
  const char *const numerals[][2] = { { "huit", "fra" }, { "milliards", "fra" }, { "oito", "por" },
                                      { "milhões", "por" }, { "veinte", "spa" }, { "millones", "spa" },
                                      { "quattro", "ita" }, { "miliardi", "ita" }, { "two", "eng" } };
  for (size_t i = 0; i < G_N_ELEMENTS(numerals); i++)
    if (!lex_is_stop_lang(numerals[i][0], numerals[i][1]))
      fail_msg("\"%s\" is no stop word of %s", numerals[i][0], numerals[i][1]);
  /* the prepositions, interrogatives, quantifiers and adverbs Snowball's
   * Romance lists lack, as English's has "according", "some", "more", "now";
   * not an ordinal or adjective ("premier ministre", "nueva york"), nor "mars",
   * the planet too */
  const char *const function_words[][2] = {
    { "selon", "fra" },  { "sans", "fra" },  { "plus", "fra" },    { "maintenant", "fra" }, { "quelques", "fra" },
    { "comme", "fra" },  { "según", "spa" }, { "quién", "spa" },   { "ahora", "spa" },      { "sido", "spa" },
    { "sob", "por" },    { "sempre", "por" }, { "alguns", "por" }, { "enquanto", "por" },   { "according", "eng" },
    { "si", "spa" },     { "entonces", "spa" }, { "então", "por" }, { "dessus", "fra" }, { "tel", "fra" },
    { "tales", "spa" },  { "tais", "por" },
    /* weekdays and months, as English's "monday" and "april" */
    { "vendredi", "fra" }, { "avril", "fra" }, { "sábado", "spa" }, { "marzo", "spa" }, { "sexta-feira", "por" },
    { "março", "por" },    { "monday", "eng" } };
  for (size_t i = 0; i < G_N_ELEMENTS(function_words); i++)
    if (!lex_is_stop_lang(function_words[i][0], function_words[i][1]))
      fail_msg("\"%s\" is no stop word of %s", function_words[i][0], function_words[i][1]);
  const char *const content_words[][2] = { { "premier", "fra" }, { "nouvelle", "fra" }, { "nueva", "spa" },
                                            { "segundo", "por" }, { "logo", "por" },  { "mars", "fra" } };
  for (size_t i = 0; i < G_N_ELEMENTS(content_words); i++)
    if (lex_is_stop_lang(content_words[i][0], content_words[i][1]))
      fail_msg("\"%s\" is a stop word of %s", content_words[i][0], content_words[i][1]);
  /* Polish: stopwords-iso's list (Snowball has none) */
  assert_true(lex_is_stop_lang("się", "pol"));
  assert_true(lex_is_stop_lang("w", "pol"));
  assert_true(lex_is_stop_lang("który", "pol"));
  assert_false(lex_is_stop_lang("rower", "pol"));
  assert_true(lex_has_stop_list("pol"));
  assert_true(lex_is_stop_lang("и", "rus"));
  assert_true(lex_is_stop_lang("และ", "tha"));
  assert_true(lex_is_stop_lang("the", "eng"));
  /* news and word processors write a typographic apostrophe */
  assert_true(lex_is_stop_lang("couldn\u2019t", "eng"));
  assert_true(lex_is_stop("couldn\u2019t"));
  assert_false(lex_is_stop("o\u2019brien"));
  assert_true(lex_has_stop_list("ita"));
  assert_false(lex_has_stop_list("zho"));
  /* Lucene's lists (Debian's liblucene8-java, taken out at build time).
   * Greek's is written without accents and with σ for ς, Persian's with
   * Arabic's yeh and kaf, Romanian's with a cedilla: the text's words are
   * read so ("από", "αυτούς", "این", "یک", "și") */
  static const struct {
    const char *word, *lang;
    bool stop;
  } lucene[] = {
    { "في", "ara", true },     { "التي", "ara", true },   { "مياه", "ara", false }, { "και", "ell", true },
    { "από", "ell", true },    { "αυτούς", "ell", true }, { "ελιάς", "ell", false }, { "این", "fas", true },
    { "یک", "fas", true },     { "آب", "fas", false },    { "și", "ron", true },    { "který", "ces", true },
    { "yang", "ind", true },   { "що", "ukr", true },
    /* Greek's additions (tag/data/stop_ell.txt): the articles' other forms */
    { "μια", "ell", true },    { "τις", "ell", true },    { "στους", "ell", true }, { "ενός", "ell", true },
    { "πιο", "ell", true },    { "μελέτη", "ell", false },
    /* the cardinals written out, which Lucene's lists lack (tag/data/stop_cat.txt,
     * stop_ron.txt, stop_ces.txt, stop_bul.txt), a Romanian one as the text writes it */
    { "dos", "cat", true },    { "milions", "cat", true }, { "șapte", "ron", true }, { "milioane", "ron", true },
    { "dvě", "ces", true },    { "tisíc", "ces", true },  { "пет", "bul", true },   { "милиона", "bul", true },
    { "тысяч", "rus", true },  { "миллиона", "rus", true }, { "nou", "cat", false },   { "nouă", "ron", false },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(lucene); i++)
    if (lex_is_stop_lang(lucene[i].word, lucene[i].lang) != lucene[i].stop)
      fail_msg("%s: \"%s\" should %sbe a stop word", lucene[i].lang, lucene[i].word, lucene[i].stop ? "" : "not ");
  /* Apertium's Urdu dictionary (apertium-urd, expanded at build time): its
   * closed-class words, whatever other readings they have ("سے" is a noun
   * too, "کہ" a verb stem), the spellings it only reads (r="LR": "انہیں",
   * them; "ہمیں", us; "اسے", it), and not its nouns */
  static const struct {
    const char *word;
    bool stop;
  } apertium[] = { { "اور", true }, { "کہ", true }, { "سے", true }, { "ہیں", true }, { "لیکن", true },
                   { "انہیں", true }, { "ہمیں", true }, { "اسے", true },  { "تمام", true },
                   /* the numbers and ordinals, as Hindi's list has them */
                   { "تین", true },   { "ہزار", true },  { "دوسرے", true }, { "مزید", true },
                   /* the oblique of "کوئی" (any), as Hindi's list has "किसी" */
                   { "کسی", true },
                   { "پانی", false }, { "حقوق", false } };
  for (size_t i = 0; i < G_N_ELEMENTS(apertium); i++)
    if (lex_is_stop_lang(apertium[i].word, "urd") != apertium[i].stop)
      fail_msg("urd: \"%s\" should %sbe a stop word", apertium[i].word, apertium[i].stop ? "" : "not ");
  /* no list: their function words are guessed from the text (funcwords.h) */
  const char *const no_list[] = { "guj", "ben", "kor" };
  assert_true(lex_has_stop_list("ell"));
  for (size_t i = 0; i < G_N_ELEMENTS(no_list); i++)
    assert_false(lex_has_stop_list(no_list[i]));
  /* Snowball's stemmers: French, Portuguese, German, English */
  expect_same_stem("réseaux", "réseau", "fra");
  expect_same_stem("communes", "commune", "fra");
  expect_same_stem("escolas", "escola", "por");
  expect_same_stem("gebäuden", "gebäude", "deu");
  expect_same_stem("supplies", "supply", "eng");
  char *a = lex_stem("supplies"), *b = lex_stem("supply");
  assert_string_equal(a, b);
  g_free(a);
  g_free(b);
  /* Snowball has no Polish stemmer: Polish words stay as written, not cut
   * by English's rules (its step 1c would turn "rowerowy" into "rowerowi") */
  a = lex_stem_lang("rowerowy", "pol");
  assert_string_equal(a, "rowerowy");
  g_free(a);
  /* nor has it Czech, Latvian, Estonian or Galician ones */
  a = lex_stem_lang("vodovodu", "ces");
  assert_string_equal(a, "vodovodu");
  g_free(a);
}

/* The words seg_split() makes of `text`, joined by spaces, a particle
 * written "+particle". Newly allocated. */
static char *seg_words(const char *text)
{
  GArray *t = seg_split(text);
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < t->len; i++) {
    const seg_token *k = &g_array_index(t, seg_token, i);
    if (k->kind != SEG_WORD)
      continue;
    g_string_append_printf(s, "%s%s%s", s->len ? " " : "", k->particle ? "+" : "", k->word);
  }
  seg_free(t);
  return g_string_free(s, FALSE);
}

/* Korean particles come off their nouns as words of their own: a particle
 * of two syllables or more always ("해안에는"), one of a single syllable
 * where the text has the noun otherwise too, it is a plural or the
 * particle is 은, 을 or 를 ("계획을", after two syllables), and only
 * after the syllable that takes it (가 after a vowel, 이 after a final
 * consonant): not off "제주도", "회의" (meeting) or "사이", nouns that end
 * as a particle does. The conjunctive adverbs ("또는", "하지만") are
 * particles too. */
static void test_korean_particles(void **state)
{
  (void)state;
  char *w = seg_words("해양 쓰레기 문제. 쓰레기가 해안에는 많다. 정부는 정부의 계획을 발표했다. "
                      "제주도 회의 사이 전문가들은 물을 또는 하지만");
  assert_string_equal(w, "해양 쓰레기 문제 쓰레기 +가 해안 +에는 많다 정부 +는 정부 +의 계획 +을 발표했다 "
                         "제주도 회의 사이 전문가들 +은 물을 +또는 +하지만");
  g_free(w);
  /* the allomorph must fit the syllable before: "물가" (prices) ends with
   * 가 after a final consonant, where the particle would be 이 */
  w = seg_words("물가 물가의 물");
  assert_string_equal(w, "물가 물가 +의 물");
  g_free(w);
  /* the copula is a noun's particle ("is plastic") */
  w = seg_words("대부분은 플라스틱이다. 문제입니다");
  assert_string_equal(w, "대부분 +은 플라스틱 +이다 문제 +입니다");
  g_free(w);
  tag_outcome out = tag_text("제주도의 해양 쓰레기 문제\n제주도 해안에는 매년 해양 쓰레기가 밀려온다. 해양 쓰레기의 대부분은 "
                             "플라스틱이다. 제주도는 해양 쓰레기를 줄이기 위해 노력한다.",
                             "kor", 8);
  print_tags("kor", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "쓰레기가") || strstr(out.items[i].tag, "제주도의") ||
        strstr(out.items[i].tag, "쓰레기의") || strstr(out.items[i].tag, "해안에는"))
      fail_msg("kor: tag \"%s\" holds a particle", out.items[i].tag);
  assert_true(has_tag(&out, "해양 쓰레기"));
  tag_outcome_clear(&out);
  /* a predicate in its verb's ending is no phrase's word, nor "위해" (for):
   * "퍼센트 오릅니다", "인상한다고 밝혔습니다", "나누어 부과되며" and "위해
   * 요금" were tags */
  out = tag_text("수도 요금 인상 안내\n\n시청은 다음 달부터 수도 요금을 인상한다고 밝혔습니다. 수도 요금은 가정용과 "
                 "업무용으로 나누어 부과되며, 가정용 수도 요금은 톤당 십 퍼센트 오릅니다. 시청은 노후 수도관 교체 "
                 "공사를 위해 요금 인상이 필요하다고 설명했습니다. 자세한 내용은 시청 홈페이지에서 확인할 수 "
                 "있습니다. 수도관 교체 공사는 내년까지 계속됩니다.",
                 "kor", 10);
  print_tags("kor verbs", &out);
  const char *const verbs[] = { "니다", "다고", "되며", "위해" };
  for (size_t i = 0; i < out.count; i++)
    for (size_t j = 0; j < G_N_ELEMENTS(verbs); j++)
      if (strstr(out.items[i].tag, verbs[j]))
        fail_msg("kor: tag \"%s\" holds a verb", out.items[i].tag);
  assert_true(has_tag(&out, "수도 요금"));
  tag_outcome_clear(&out);
  /* the topic's 은 and the object's 을, 를 come off a noun of two
   * syllables or more the text writes only so ("내용은", "열람실을"), not
   * off "마을" (village); the obligation's "-해야", the adnominal "-하는",
   * "-할" before "수" (can) are verbs */
  GArray *toks = seg_split("마을 내용은");
  assert_int_equal(toks->len, 3);
  assert_string_equal(g_array_index(toks, seg_token, 0).word, "마을");
  assert_string_equal(g_array_index(toks, seg_token, 1).word, "내용");
  assert_true(g_array_index(toks, seg_token, 2).particle);
  seg_free(toks);
  out = tag_text("도서관 야간 개방 안내\n\n시립 도서관은 시험 기간 동안 열람실을 밤 열한 시까지 개방합니다. 이용을 원하는 "
                 "학생은 학생증을 지참해야 하며, 열람실 좌석은 온라인으로 예약할 수 있습니다. 도서관은 조용한 학습 "
                 "환경을 위해 휴대전화 사용을 제한합니다. 마을 주민들도 도서관 회원증을 발급받으면 자료실을 이용할 수 "
                 "있습니다.",
                 "kor", 10);
  print_tags("kor particles, verbs", &out);
  const char *const never[] = { "이용을", "원하는", "해야", "예약할", "좌석은" };
  for (size_t i = 0; i < out.count; i++)
    for (size_t j = 0; j < G_N_ELEMENTS(never); j++)
      if (strstr(out.items[i].tag, never[j]))
        fail_msg("kor: tag \"%s\" holds \"%s\"", out.items[i].tag, never[j]);
  assert_true(has_tag(&out, "시립 도서관"));
  for (size_t i = 0; i < out.count; i++) /* "열람실" is in "열람실을" */
    if (!out.items[i].evidence)
      fail_msg("kor: tag \"%s\" has no evidence", out.items[i].tag);
  tag_outcome_clear(&out);
  assert_true(rules_evidence("내용", "자세한 내용은 홈페이지에서"));
}

static void test_icu_segmentation(void **state)
{
  (void)state;
  GArray *t = seg_split("垃圾分类是城市环境管理的重要措施。");
  bool city = false;
  for (guint i = 0; i < t->len; i++)
    city |= !strcmp(g_array_index(t, seg_token, i).word, "城市");
  assert_true(t->len >= 5); /* one run of characters, several words */
  assert_true(city);
  assert_true(g_array_index(t, seg_token, 0).brk);
  assert_false(g_array_index(t, seg_token, 1).brk); /* words of one run join */
  seg_free(t);
  t = seg_split("การท่องเที่ยวเชิงนิเวศในภาคเหนือ");
  assert_true(t->len >= 4);
  seg_free(t);
}

/* An HTML character reference left in a web page's text is punctuation:
 * "&amp;" and "&quot;" were tags ("amp", "quot"); "Q&A" and "AT&T" keep
 * their letters. */
static void test_html_entities(void **state)
{
  (void)state;
  GArray *t = seg_split("Rainn Wilson &amp; Ellen Page in &quot;Super&quot; &rsquo; Q&A; AT&T;");
  GString *words = g_string_new(NULL);
  for (guint i = 0; i < t->len; i++) {
    const seg_token *w = &g_array_index(t, seg_token, i);
    g_string_append_printf(words, "%s%s%s", words->len ? " " : "", w->brk ? "|" : "", w->word);
  }
  printf("  %s\n", words->str);
  assert_null(strstr(words->str, "amp"));
  assert_null(strstr(words->str, "quot"));
  assert_null(strstr(words->str, "rsquo"));
  assert_non_null(strstr(words->str, "|ellen page"));
  assert_non_null(strstr(words->str, "|super"));
  assert_non_null(strstr(words->str, "|q |a |at |t"));
  g_string_free(words, TRUE);
  seg_free(t);
}

static void expect_lang(const char *text, const char *want)
{
  char got[32];
  tag_detect_language(text, strlen(text), got, sizeof got);
  if (strcmp(got, want))
    fail_msg("language of \"%.40s\": %s, want %s", text, got, want);
}

static void test_language_identification(void **state)
{
  (void)state;
  expect_lang("", "");
  expect_lang("The water supply of the town is interrupted for maintenance on Monday.", "eng");
  expect_lang("La distribution de l'eau est interrompue pour des travaux dans la commune.", "fra");
  expect_lang("Die Wasserversorgung der Stadt ist wegen der Wartung am Montag unterbrochen.", "deu");
  expect_lang("El suministro de agua de la ciudad se interrumpe por el mantenimiento.", "spa");
  expect_lang("O abastecimento de água da cidade será interrompido para manutenção na segunda-feira.", "por");
  expect_lang("Dostawy wody w mieście zostaną wstrzymane w poniedziałek z powodu prac konserwacyjnych.", "pol");
  /* Polish's list holds "by", "www", "w", "a": without a Polish letter, a
   * short English text that has them stays English */
  expect_lang("Stroke, fill, red, green, blue; by www.tcpdf.org", "eng");
  /* Lucene's Latin-script lists compete with Snowball's: the same notice
   * (a water cut) in each language, and in the Romance languages they are
   * closest to; Estonian's list holds every letter as a word, so one-letter
   * words do not count for it */
  expect_lang("Obecní úřad oznamuje, že v pondělí bude přerušena dodávka pitné vody. Oprava vodovodu potrvá "
              "celý den a obyvatelé si mají připravit zásoby vody. Podle starosty je to nutné, protože potrubí "
              "je staré a často praská.",
              "ces");
  expect_lang("Primăria anunță că luni va fi întreruptă alimentarea cu apă potabilă. Lucrările de reparație vor "
              "dura toată ziua, iar locuitorii sunt rugați să își facă provizii. Potrivit primarului, "
              "conductele sunt vechi și se sparg des.",
              "ron");
  expect_lang("L'ajuntament informa que dilluns es tallarà el subministrament d'aigua potable. Les obres de "
              "reparació duraran tot el dia i els veïns han de fer provisió d'aigua. Segons l'alcalde, les "
              "canonades són velles i es trenquen sovint.",
              "cat");
  expect_lang("O concello informa de que o luns se cortará o abastecemento de auga potable. As obras de "
              "reparación durarán todo o día e os veciños deben facer provisión de auga. Segundo o alcalde, as "
              "canalizacións son vellas e rompen a miúdo.",
              "glg");
  expect_lang("Pemerintah desa mengumumkan bahwa pada hari Senin pasokan air bersih akan dihentikan. Perbaikan "
              "pipa akan berlangsung sepanjang hari dan warga diminta untuk menyiapkan persediaan air. Menurut "
              "kepala desa, pipa yang ada sudah tua dan sering pecah.",
              "ind");
  expect_lang("Savivaldybė praneša, kad pirmadienį bus nutrauktas geriamojo vandens tiekimas. Remonto darbai "
              "truks visą dieną, todėl gyventojai turi pasiruošti vandens atsargų. Pasak mero, vamzdžiai yra "
              "seni ir dažnai trūksta.",
              "lit");
  expect_lang("Pašvaldība paziņo, ka pirmdien tiks pārtraukta dzeramā ūdens piegāde. Remontdarbi ilgs visu "
              "dienu, tāpēc iedzīvotājiem jāsagatavo ūdens krājumi. Pēc mēra teiktā, caurules ir vecas un bieži "
              "plīst.",
              "lav");
  expect_lang("Vallavalitsus teatab, et esmaspäeval katkestatakse joogivee varustamine, sest torustik on vana "
              "ja see vajab remonti. Remonttööd kestavad terve päeva ning elanikud peavad varuma vett juba "
              "pühapäeval. Kui töö lõpeb varem, siis antakse sellest kohe teada. Vallavanema sõnul on torud nii "
              "vanad, et need lähevad sageli katki, aga uus torustik peaks kestma palju aastaid.",
              "est");
  expect_lang("Udalak jakinarazten du astelehenean edateko uraren hornidura etengo dela. Konponketa lanek egun "
              "osoa iraungo dute eta bizilagunek ur erreserbak prestatu behar dituzte. Alkatearen arabera, "
              "hodiak zaharrak dira eta sarritan apurtzen dira.",
              "eus");
  expect_lang("Fógraíonn an chomhairle go mbeidh an soláthar uisce óil gearrtha Dé Luain. Maireann na "
              "hoibreacha deisiúcháin an lá ar fad agus ba chóir do na háitritheoirí uisce a stóráil. Dar leis "
              "an méara, tá na píopaí sean agus briseann siad go minic.",
              "gle");
  expect_lang("El ayuntamiento informa de que el lunes se cortará el suministro de agua potable. Las obras de "
              "reparación durarán todo el día y los vecinos deben hacer provisión de agua. Según el alcalde, "
              "las tuberías son viejas y se rompen a menudo.",
              "spa");
  expect_lang("A prefeitura informa que na segunda-feira o abastecimento de água potável será cortado. As obras "
              "de reparação vão durar o dia todo e os moradores devem fazer reserva de água. Segundo o "
              "prefeito, os canos são velhos e quebram com frequência.",
              "por");
  expect_lang("Il comune informa che lunedì sarà interrotta la fornitura di acqua potabile. I lavori di "
              "riparazione dureranno tutto il giorno e i residenti devono fare scorta di acqua. Secondo il "
              "sindaco, le tubature sono vecchie e si rompono spesso.",
              "ita");
  expect_lang("La mairie informe que lundi la distribution d'eau potable sera coupée. Les travaux de réparation "
              "dureront toute la journée et les habitants doivent faire des réserves d'eau. Selon le maire, les "
              "canalisations sont vieilles et se cassent souvent.",
              "fra");
  expect_lang("城市的供水因维修而中断。", "zho");
  expect_lang("市の水道はメンテナンスのため月曜日に止まります。", "jpn");
  expect_lang("การประปาหยุดจ่ายน้ำเพื่อซ่อมบำรุง", "tha");
  /* the Arabic script's languages by the letters only they write */
  expect_lang("انقطاع المياه في المدينة بسبب أعمال الصيانة يوم الاثنين.", "ara");
  expect_lang("شہر میں پانی کی فراہمی پیر کے دن مرمت کی وجہ سے بند رہے گی۔", "urd");
  expect_lang("آب شهر برای تعمیرات روز دوشنبه قطع می‌شود.", "fas");
  /* Cyrillic: Ukrainian by і ї є ґ */
  expect_lang("Водопостачання міста припиняється в понеділок через ремонтні роботи.", "ukr");
  expect_lang("Водоснабжение города прекращается в понедельник из-за ремонтных работ.", "rus");
  /* Bulgarian against Russian by their lists (Lucene's, Snowball's) */
  expect_lang("Общината съобщава, че в понеделник ще бъде спряно водоснабдяването в града. Ремонтът ще "
              "продължи цял ден и жителите трябва да си осигурят запас от вода. Според кмета тръбите са "
              "стари и често се пукат.",
              "bul");
  expect_lang("Администрация города сообщает, что в понедельник будет отключено водоснабжение. Ремонт "
              "продлится весь день, и жителям нужно запастись водой. По словам мэра, трубы уже старые и "
              "часто лопаются.",
              "rus");
  expect_lang("किसानों के लिए फसल बीमा योजना की अंतिम तिथि बढ़ा दी गई है। Last date extended.", "hin+eng");
  /* Devanagari by Hindi's, Marathi's and Nepali's stop words (the same
   * water cut); Hindi where the evidence is thin: a heading, a name */
  expect_lang("नगर निगम की ओर से सूचित किया जाता है कि पाइपलाइन की मरम्मत के कारण सोमवार को पूर्वी क्षेत्र में "
              "पानी की आपूर्ति बंद रहेगी। नागरिकों से अनुरोध है कि वे पानी का भंडारण कर लें और पानी का उपयोग "
              "सावधानी से करें।",
              "hin");
  expect_lang("महानगरपालिकेतर्फे कळविण्यात येते की, जलवाहिनीच्या दुरुस्तीमुळे सोमवारी पूर्व भागातील पाणीपुरवठा बंद "
              "राहणार आहे. नागरिकांनी पाण्याचा साठा करून ठेवावा आणि पाणी जपून वापरावे, असे आवाहन केले आहे.",
              "mar");
  expect_lang("नगरपालिकाको सूचना अनुसार पाइपलाइन मर्मतका कारण सोमबार पूर्वी क्षेत्रमा खानेपानी वितरण बन्द हुनेछ। "
              "उपभोक्ताहरूले पानी सञ्चय गरेर राख्न र पानी पनि जोगाएर प्रयोग गर्न अनुरोध गरिएको छ।",
              "nep");
  expect_lang("पाणीपुरवठा खंडित", "hin");
  /* Vietnamese by its syllables, in a text with its letters ("ư", "ơ",
   * "ạ"): it was Czech */
  expect_lang("Công ty cấp nước thông báo sẽ tạm ngừng cấp nước sạch tại phường Bến Nghé vào ngày thứ Hai để "
              "sửa chữa đường ống. Người dân cần dự trữ nước cho sinh hoạt trong thời gian này.",
              "vie");
  expect_lang("जलवाहिनीच्या दुरुस्तीमुळे पाणीपुरवठा बंद राहणार आहे, आणि पाणी जपून वापरावे असे आवाहन केले आहे. "
              "Water supply will remain closed on Monday because of repairs to the main pipeline of the east "
              "zone, and residents are asked to store water and use it with care.",
              "eng+mar");
}

/* A long German text (a lecture's worth: past the 2,000 Latin words the
 * other languages are counted on) whose one-letter variables and "in", "so",
 * "also" are English stop words: English was counted over the whole text,
 * German over its first 2,000 words, and the text came out English, its
 * tags "ein", "von", "und". The languages compete on the same words. */
static void test_language_of_long_text(void **state)
{
  (void)state;
  const char *para = "Sei X ein topologischer Raum und a ein Punkt in X. Eine Menge U heißt offen, "
                     "wenn sie eine Umgebung von jedem ihrer Punkte ist; so ist also a in U. ";
  GString *text = g_string_new(NULL);
  while (text->len < 64 * 1024)
    g_string_append(text, para);
  char lang[32];
  tag_detect_language(text->str, text->len, lang, sizeof lang);
  assert_string_equal(lang, "deu");
  tag_outcome out = tag_text(text->str, lang, 8);
  assert_true(out.count >= 3);
  for (size_t i = 0; i < out.count; i++)
    if (lex_is_stop_lang(out.items[i].tag, "deu"))
      fail_msg("tag \"%s\" is a German stop word", out.items[i].tag);
  tag_outcome_clear(&out);
  g_string_free(text, TRUE);
}

/* A headline's verb is no word of a tag ("Mayor Backs New Stadium": no
 * "mayor backs"), where a heading's plural noun stays one ("Bug Fixes And
 * Improvements", "Student Records Policy"). */
static void test_headline_verbs(void **state)
{
  (void)state;
  tag_outcome out = tag_text("Weekly news from the town hall\n\n"
                             "Mayor Backs New Stadium\n"
                             "The mayor said she supports a new stadium near the river. The stadium would seat "
                             "twelve thousand fans and host the town's football club.\n\n"
                             "Council Approves Budget\n"
                             "The town council approved the budget on Monday after a long debate. The budget "
                             "raises spending on schools and roads.\n\n"
                             "Storm Hits Coast\n"
                             "A storm hit the coast on Tuesday. Waves flooded the coastal road and two beaches "
                             "were closed.\n",
                             "eng", 12);
  print_tags("eng", &out);
  const char *const never[] = { "backs", "approves", "hits" };
  for (size_t i = 0; i < out.count; i++)
    for (size_t j = 0; j < G_N_ELEMENTS(never); j++)
      if (strstr(out.items[i].tag, never[j]))
        fail_msg("tag \"%s\" holds the headline's verb \"%s\"", out.items[i].tag, never[j]);
  assert_true(has_tag(&out, "stadium"));
  assert_true(has_tag(&out, "budget"));
  tag_outcome_clear(&out);
  static const struct { const char *text, *want; } headings[] = {
    { "Bug Fixes And Improvements\n\n"
      "This release fixes a crash when saving large files, and improves the speed of search. The installer now "
      "checks free disk space before it copies files.",
      "bug fixes" },
    { "Student Records Policy\n\n"
      "The school keeps student records for five years after a student leaves. Records are stored in a locked "
      "room, and parents may ask to see them.",
      "student records policy" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(headings); i++) {
    out = tag_text(headings[i].text, "eng", 8);
    print_tags("eng", &out);
    if (!has_tag(&out, headings[i].want))
      fail_msg("no tag \"%s\"", headings[i].want);
    tag_outcome_clear(&out);
  }
}

/* No tag of `out` holds a word of `never`. */
static void expect_no_word(const tag_outcome *out, const char *const *never, size_t n)
{
  for (size_t i = 0; i < out->count; i++) {
    gchar **words = g_strsplit(out->items[i].tag, " ", -1);
    for (gchar **w = words; *w; w++)
      for (size_t j = 0; j < n; j++)
        if (!strcmp(*w, never[j]))
          fail_msg("tag \"%s\" holds the verb \"%s\"", out->items[i].tag, never[j]);
    g_strfreev(words);
  }
}

/* Verb forms are no tags in German or French. German: the forms of sein
 * and the modals Snowball's list lacks ("sei", "wäre"), and any word the
 * text writes in lower case inside its sentences, where nouns have a
 * capital ("gilt", "stetig"), though a declined one still modifies a noun
 * ("topologischer Raum"). French: the modal and light verbs ("doit",
 * "faut", "peuvent") and the verb after one ("faut mesurer", "ont
 * baissé"). With py-pdf's GeoTopo lecture notes when ../shared is here. */
static void test_verb_forms_not_tags(void **state)
{
  (void)state;
  const char *deu = "Die Wasserwirtschaft im Flusseinzugsgebiet\n"
                    "Die Wasserwirtschaft im Flusseinzugsgebiet gilt als schwierig. Es sei daran erinnert, dass "
                    "die Wasserqualität stetig sinkt. Die Landwirtschaft gibt viel Nitrat ab. Die Kläranlage ist "
                    "Teil des Netzes, und es gilt, die Wasserqualität zu verbessern. Die Gemeinden sollen die "
                    "Kläranlage finanzieren. Das Nitrat sei gefährlich, heißt es, und wäre vermeidbar. Die "
                    "Landwirtschaft muss das Nitrat verringern. Sei U ein topologischer Raum, so gilt der Satz.";
  tag_outcome out = tag_text(deu, "deu", 10);
  const char *never_deu[] = { "gilt", "sei", "wäre", "stetig", "sinkt", "gibt", "heißt", "sollen", "muss" };
  expect_no_word(&out, never_deu, G_N_ELEMENTS(never_deu));
  assert_true(has_tag(&out, "wasserqualität"));
  assert_true(has_tag(&out, "topologischer raum"));
  tag_outcome_clear(&out);

  const char *fra = "La gestion des ressources en eau\n"
                    "La gestion des ressources en eau peut être améliorée. Le bassin versant doit faire l'objet "
                    "d'un suivi. Il faut mesurer la qualité de l'eau, car la pollution agricole peut avoir des "
                    "effets graves. Les agriculteurs doivent réduire les nitrates. On peut dire que la qualité "
                    "de l'eau compte. Les communes peuvent financer la station d'épuration. La pollution "
                    "agricole a été réduite et les nitrates ont baissé.";
  out = tag_text(fra, "fra", 10);
  const char *never_fra[] = { "peut", "doit", "faut", "faire", "avoir", "doivent", "peuvent", "mesurer",
                              "financer", "réduire", "dire", "baissé", "améliorée" };
  expect_no_word(&out, never_fra, G_N_ELEMENTS(never_fra));
  assert_true(has_tag(&out, "bassin versant"));
  assert_true(has_tag(&out, "pollution agricole"));
  tag_outcome_clear(&out);

  /* news: a preposition or an adverb ends a phrase and is no tag alone */
  const char *fra_news = "Les ventes de tablettes selon eBay\n"
                         "Les ventes de tablettes ont augmenté après le lancement, selon eBay. Les tablettes sans "
                         "clavier progressent vers le marché chinois malgré la crise, plus vite que prévu. Les "
                         "tablettes sont maintenant très populaires chez les jeunes pendant la crise. Les ventes de "
                         "tablettes montent encore, et le marché chinois compte plus.";
  out = tag_text(fra_news, "fra", 10);
  const char *never_news[] = { "selon", "après", "sans", "vers", "malgré", "plus", "maintenant", "très", "chez",
                               "pendant", "encore" };
  expect_no_word(&out, never_news, G_N_ELEMENTS(never_news));
  assert_true(has_tag(&out, "marché chinois"));
  tag_outcome_clear(&out);

  char *path = g_strdup_printf("%s/../shared/realworld/reference/"
                               "py-pdf_sample-files__009-pdflatex-geotopo_GeoTopo-komprimiert.pdf.txt",
                               getenv("DOCTAG_SOURCE_DIR"));
  char *geotopo = g_file_test(path, G_FILE_TEST_IS_REGULAR) ? tu_read(path, NULL) : NULL;
  g_free(path);
  if (geotopo) {
    out = tag_text(geotopo, "deu", 15);
    print_tags("GeoTopo", &out);
    expect_no_word(&out, never_deu, G_N_ELEMENTS(never_deu));
    const char *never_more[] = { "offen", "zusammenhängend", "ist", "und" };
    expect_no_word(&out, never_more, G_N_ELEMENTS(never_more));
    assert_true(has_tag(&out, "topologischer raum"));
    tag_outcome_clear(&out);
    g_free(geotopo);
  }
}

/* In languages with no part-of-speech table, a word the text uses as a
 * finite verb (after a clitic or a negation, before an object's article,
 * or with the plural verb's ending after a plural) is in no tag wherever
 * it occurs: "la méthode permet ... le modèle permet une meilleure
 * prévision", "les données montrent", "los datos muestran", "rowerzyści
 * chwalą plan"; before "des" a word that ends like no adjective ("le
 * gouvernement annonce des mesures"), and after a masculine noun one in
 * the feminine's ending ("o governo anuncia novas medidas"); an
 * infinitive after a modal ("deve acelerar") and a past form
 * ("apresentou", "anunció", "annunciò"). A noun after a determiner stays
 * ("le calcul"). */
static void test_cued_verbs(void **state)
{
  (void)state;
  const char *fra = "La prévision des crues\n"
                    "La méthode permet de réduire les coûts. Le modèle hydrologique permet une meilleure prévision "
                    "des crues. Les données montrent que la prévision des crues progresse. Il existe plusieurs "
                    "modèles, et le calcul du débit qui calcule la pointe de crue reste rapide. Cette approche "
                    "permet aussi de mesurer le débit. Le calcul du débit aide la prévision des crues.";
  tag_outcome out = tag_text(fra, "fra", 10);
  print_tags("fra", &out);
  const char *never_fra[] = { "permet", "montrent", "existe", "calcule", "réduire" };
  expect_no_word(&out, never_fra, G_N_ELEMENTS(never_fra));
  assert_true(has_tag(&out, "prévision des crues"));
  assert_true(has_tag(&out, "calcul"));
  tag_outcome_clear(&out);

  const char *spa = "El riego por goteo\n"
                    "Los datos muestran que el riego por goteo ahorra agua. El sistema de riego permite reducir los "
                    "costes, y se produce menos erosión. El riego por goteo no necesita grandes obras. Los datos "
                    "muestran también que el riego por goteo mejora las cosechas de los olivares.";
  out = tag_text(spa, "spa", 10);
  print_tags("spa", &out);
  const char *never_spa[] = { "muestran", "reducir", "produce", "necesita", "mejora" };
  expect_no_word(&out, never_spa, G_N_ELEMENTS(never_spa));
  assert_true(has_tag(&out, "riego"));
  tag_outcome_clear(&out);

  const char *pol = "Nowe ścieżki rowerowe w Krakowie\n"
                    "Władze miasta przedstawiły plan budowy nowych ścieżek rowerowych. Ścieżki rowerowe połączą "
                    "osiedla z centrum miasta. Rowerzyści chwalą plan budowy ścieżek, które połączą dzielnice. "
                    "Przy stacjach kolejowych staną parkingi rowerowe, a ścieżki rowerowe nie kosztują dużo.";
  out = tag_text(pol, "pol", 10);
  print_tags("pol", &out);
  const char *never_pol[] = { "połączą", "chwalą", "staną", "kosztują" };
  expect_no_word(&out, never_pol, G_N_ELEMENTS(never_pol));
  assert_true(has_tag(&out, "ścieżki rowerowe"));
  tag_outcome_clear(&out);

  /* before "des" or "du", which also join nouns, a word after a noun is
   * the verb unless it ends like an adjective; after a masculine noun, a
   * word in the feminine's ending is (Spanish, Italian, Portuguese) */
  const char *fra2 = "Les mesures du gouvernement\n"
                     "Le gouvernement annonce des mesures pour la croissance. La méthode utilise des arbres de "
                     "décision. La croissance économique des pays ralentit, comme la gestion durable des "
                     "forêts. Les mesures du gouvernement visent la croissance économique.";
  out = tag_text(fra2, "fra", 10);
  print_tags("fra", &out);
  const char *never_fra2[] = { "annonce", "utilise" };
  expect_no_word(&out, never_fra2, G_N_ELEMENTS(never_fra2));
  assert_true(has_tag(&out, "croissance économique"));
  assert_true(has_tag(&out, "gestion durable des forêts"));
  tag_outcome_clear(&out);

  const char *por = "As novas medidas do governo\n"
                    "O governo anuncia novas medidas para o crescimento. O método utiliza uns modelos de decisão, "
                    "e o partido socialista apoia as medidas do governo. O crescimento econômico continua.";
  out = tag_text(por, "por", 10);
  print_tags("por", &out);
  const char *never_por[] = { "anuncia", "utiliza", "uns" };
  expect_no_word(&out, never_por, G_N_ELEMENTS(never_por));
  assert_true(has_tag(&out, "partido socialista"));
  assert_true(has_tag(&out, "modelos de decisão"));
  tag_outcome_clear(&out);
  /* a name is no verb, whatever its ending */
  GPtrArray *ranked = rank_lang("O governo Dilma\nO governo Dilma apoia as medidas do governo.", "por");
  if (!find_phrase(ranked, "governo dilma"))
    fail_msg("\"Dilma\" read as a verb");
  g_ptr_array_free(ranked, TRUE);

  /* an infinitive after a modal verb (a participle after Polish's "zostać"),
   * a past form's ending, a number written out */
  const struct { const char *lang, *text, *never[3], *want; } past[] = {
    { "por",
      "O plano para a indústria automóvel\n"
      "O primeiro-ministro apresentou um plano para a indústria automóvel. O setor automóvel deve acelerar a "
      "transição, e o plano para a indústria automóvel pode reduzir as emissões.",
      { "apresentou", "acelerar", "reduzir" }, "indústria automóvel" },
    { "spa",
      "El plan para la industria del automóvil\n"
      "El ministro anunció un plan para la industria del automóvil. El sector debe acelerar la transición, y el "
      "plan para la industria del automóvil puede reducir las emisiones.",
      { "anunció", "acelerar", "reducir" }, "industria del automóvil" },
    { "ita",
      "Il piano per l'industria automobilistica\n"
      "Il ministro annunciò un piano per l'industria automobilistica. Il settore deve accelerare la transizione, "
      "e il piano per l'industria automobilistica può ridurre le emissioni.",
      { "annunciò", "accelerare", "ridurre" }, "industria automobilistica" },
    { "pol",
      "Nowa ścieżka rowerowa w Krakowie\n"
      "Każda nowa ścieżka rowerowa zostanie oddzielona od jezdni. Nowa ścieżka rowerowa może zmniejszyć korki, "
      "a czterdzieści kilometrów ścieżek połączy osiedla.",
      { "oddzielona", "zmniejszyć", "czterdzieści" }, "nowa ścieżka rowerowa" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(past); i++) {
    out = tag_text(past[i].text, past[i].lang, 10);
    print_tags(past[i].lang, &out);
    expect_no_word(&out, past[i].never, G_N_ELEMENTS(past[i].never));
    assert_true(has_tag(&out, past[i].want));
    tag_outcome_clear(&out);
  }
}

/* Each text of tests/unit/tagdata/ gets tags in its own language: the
 * detected language, tags written in its script, none a stop word, and the
 * phrase the text is about among them. */
static void expect_own_language(const char *code, const char *subject)
{
  char *path = g_strdup_printf("%s/tests/unit/tagdata/%s.txt", getenv("DOCTAG_SOURCE_DIR"), code);
  char *text = tu_read(path, NULL);
  assert_non_null(text);
  char lang[32];
  tag_detect_language(text, strlen(text), lang, sizeof lang);
  assert_string_equal(lang, code);
  tag_outcome out = tag_text(text, lang, 8);
  print_tags(code, &out);
  assert_true(out.count >= 5);
  for (size_t i = 0; i < out.count; i++) {
    const char *t = out.items[i].tag;
    assert_false(lex_is_stop_lang(t, code));
    if (lex_is_generic(t)) /* English's generic words ("information", "details") neither */
      fail_msg("%s: tag \"%s\" is a generic word", code, t);
    if (!out.items[i].evidence) /* every tag is taken from the text, Chinese and Thai ones too */
      fail_msg("%s: tag \"%s\" has no evidence", code, t);
    gunichar c = g_utf8_get_char(t);
    GUnicodeScript s = g_unichar_get_script(c);
    if (!strcmp(code, "zho"))
      assert_int_equal(s, G_UNICODE_SCRIPT_HAN);
    else if (!strcmp(code, "jpn"))
      assert_true(s == G_UNICODE_SCRIPT_HAN || s == G_UNICODE_SCRIPT_KATAKANA || s == G_UNICODE_SCRIPT_HIRAGANA);
    else if (!strcmp(code, "tha"))
      assert_int_equal(s, G_UNICODE_SCRIPT_THAI);
    else
      assert_int_equal(s, G_UNICODE_SCRIPT_LATIN);
  }
  if (!has_tag(&out, subject))
    fail_msg("%s: no tag \"%s\"", code, subject);
  /* no tag starts or ends with a function word, and in Japanese none has
   * one at all ("ます", "した", "について": ICU leaves them beside the
   * kanji they follow; elsewhere "des" may join two nouns) */
  for (size_t i = 0; i < out.count; i++) {
    GArray *words = seg_split(out.items[i].tag);
    for (guint j = 0; j < words->len; j++) {
      const char *w = g_array_index(words, seg_token, j).word;
      bool edge = j == 0 || j + 1 == words->len;
      bool kana_only = true; /* hiragana only: grammar, in Japanese */
      for (const char *p = w; *p && kana_only; p = g_utf8_next_char(p))
        kana_only = g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_HIRAGANA;
      if (!strcmp(code, "jpn") && kana_only)
        fail_msg("%s: tag \"%s\" has the hiragana word \"%s\"", code, out.items[i].tag, w);
      if ((edge || !strcmp(code, "jpn")) && lex_is_stop_lang(w, code))
        fail_msg("%s: tag \"%s\" has the function word \"%s\"", code, out.items[i].tag, w);
      /* no one-letter word ("w", "z", "a", "é"), where words have letters */
      if (g_utf8_strlen(w, -1) < 2 && strcmp(code, "zho") && strcmp(code, "jpn") && strcmp(code, "tha"))
        fail_msg("%s: tag \"%s\" has the one-letter word \"%s\"", code, out.items[i].tag, w);
    }
    seg_free(words);
  }
  tag_outcome_clear(&out);
  g_free(text);
  g_free(path);
}

static void test_tags_in_own_language(void **state)
{
  (void)state;
  expect_own_language("fra", "eau potable");
  expect_own_language("deu", "heizungsanlagen");
  expect_own_language("spa", "agricultura de secano");
  expect_own_language("por", "energia solar");
  expect_own_language("pol", "ścieżki rowerowe");
  expect_own_language("zho", "垃圾分类");
  expect_own_language("jpn", "水道");
  expect_own_language("tha", "ท่องเที่ยวเชิงนิเวศ");
}

/* Thai puts a space where a clause or a sentence ends, none between
 * words: no tag runs across one ("ซ่อมแซมท่อประปาหลัก | ประชาชนควร..."),
 * so each is inside one of the text's space-delimited runs; and a month or
 * a weekday ("ธันวาคม", "วันเสาร์") is a date, no tag. */
static void test_thai_clauses(void **state)
{
  (void)state;
  const char *text = "ประกาศเทศบาล เรื่อง การหยุดจ่ายน้ำประปา\n\n"
                     "เทศบาลจะหยุดจ่ายน้ำประปาในวันเสาร์ที่ 12 ธันวาคม เพื่อซ่อมแซมท่อประปาหลัก "
                     "ประชาชนควรสำรองน้ำไว้ใช้ล่วงหน้า การซ่อมแซมท่อประปาจะใช้เวลาประมาณแปดชั่วโมง "
                     "หากมีข้อสงสัยติดต่อสำนักงานเทศบาลได้ในเวลาราชการ";
  tag_outcome out = tag_text(text, "tha", 10);
  print_tags("tha_clauses", &out);
  assert_true(out.count >= 5);
  gchar **runs = g_strsplit_set(text, " \n", -1);
  for (size_t i = 0; i < out.count; i++) {
    const char *t = out.items[i].tag;
    bool inside = false;
    for (gchar **r = runs; *r && !inside; r++)
      inside = strstr(*r, t) != NULL;
    if (!inside)
      fail_msg("tha: tag \"%s\" runs across a space", t);
    if (!strcmp(t, "ธันวาคม") || !strcmp(t, "วันเสาร์") || !strcmp(t, "เรื่อง"))
      fail_msg("tha: tag \"%s\"", t);
  }
  g_strfreev(runs);
  if (!has_tag(&out, "หยุดจ่ายน้ำประปา"))
    fail_msg("tha: no tag \"หยุดจ่ายน้ำประปา\"");
  tag_outcome_clear(&out);
}

/* A text of tests/unit/tagdata/ in a language Snowball has no list for
 * (Lucene's, or none: its function words guessed from the text) gets tags
 * in its language and script, none of which is, starts or ends with one of
 * the language's common function words `fw` (written here, not taken from
 * the lists the tagger reads), and the phrase it is about among them: the
 * guess keeps its terms. */
/* tests/unit/tagdata/NAME.txt. Newly allocated. */
static char *tagdata_text(const char *name)
{
  char *path = g_strdup_printf("%s/tests/unit/tagdata/%s.txt", getenv("DOCTAG_SOURCE_DIR"), name);
  char *text = tu_read(path, NULL);
  assert_non_null(text);
  g_free(path);
  return text;
}

/* Katakana loanwords ICU's dictionary does not spell: it cuts
 * "コンパラブル" into コンパ|ラ|ブル and "ディープラーニング" letter by letter;
 * such a run stays one word, while runs ICU cuts into words throughout
 * keep its cuts (ニュース, サイト). A notice about comparable corpora is
 * tagged "コンパラブルコーパス", never "コンパ" (a drinking party) or "ブルコーパス". */
static bool has_word(const GArray *toks, const char *w)
{
  for (guint i = 0; i < toks->len; i++)
    if (!strcmp(g_array_index(toks, seg_token, i).word, w))
      return true;
  return false;
}

static void test_katakana_loanwords(void **state)
{
  (void)state;
  GArray *toks = seg_split("ディープラーニングとクラウドコンピューティングをニュースサイトで学ぶ");
  assert_true(has_word(toks, "ディープラーニング"));
  assert_true(has_word(toks, "クラウドコンピューティング"));
  assert_true(has_word(toks, "ニュース"));
  assert_true(has_word(toks, "サイト"));
  assert_false(has_word(toks, "ニュースサイト"));
  seg_free(toks);

  char *text = tagdata_text("jpn_loanwords");
  tag_outcome out = tag_text(text, "jpn", 10);
  print_tags("jpn_loanwords", &out);
  assert_true(has_tag(&out, "コンパラブルコーパス"));
  assert_true(has_tag(&out, "固有表現"));
  for (size_t i = 0; i < out.count; i++)
    if (!strcmp(out.items[i].tag, "コンパ") || strstr(out.items[i].tag, "ブルコーパス") == out.items[i].tag)
      fail_msg("jpn: tag \"%s\" is a piece of a loanword", out.items[i].tag);
  tag_outcome_clear(&out);
  g_free(text);
}

/* A paper's front matter: a two-line title, then its author and her
 * institute on short lines of their own, before the first sentence. A
 * tag is the words of one line, never "priya raman northfield" or
 * "technology abstract stream processing systems". */
/* Each tag of the text of tagdata/NAME.txt in `lang` lies within one of
 * its lines; returns the tags. */
static tag_outcome expect_tags_within_lines(const char *name, const char *lang)
{
  char *text = tagdata_text(name);
  tag_outcome out = tag_text(text, lang, 10);
  print_tags(name, &out);
  assert_true(out.count >= 5);
  char *lower = g_utf8_strdown(text, -1);
  gchar **lines = g_strsplit(lower, "\n", -1);
  for (size_t i = 0; i < out.count; i++) {
    bool inside = false;
    for (gchar **l = lines; *l && !inside; l++)
      inside = strstr(*l, out.items[i].tag) != NULL;
    if (!inside)
      fail_msg("%s: tag \"%s\" runs across the lines", name, out.items[i].tag);
  }
  g_strfreev(lines);
  g_free(lower);
  g_free(text);
  return out;
}

static void test_front_matter_lines(void **state)
{
  (void)state;
  tag_outcome out = expect_tags_within_lines("eng_front_matter", "eng");
  assert_true(has_tag(&out, "window stores"));
  assert_true(has_tag(&out, "distributed stream processing"));
  tag_outcome_clear(&out);
}

/* A notice in a script without capitals opens with a heading of two full
 * lines, an office and a subject: no tag runs from one into the other
 * ("विभाग बरसात", "सूचना मतदान केंद्रों", "اعلان پولنگ اسٹیشنوں"). */
static void test_uncased_heading_lines(void **state)
{
  (void)state;
  static const struct { const char *name, *lang, *keep; } notices[] = {
    { "hin_health_notice", "hin", "स्वास्थ्य विभाग" },
    { "hin_polling_notice", "hin", "जिला प्रशासन" },
    { "urd_polling_notice", "urd", "ضلعی انتظامیہ" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(notices); i++) {
    tag_outcome out = expect_tags_within_lines(notices[i].name, notices[i].lang);
    assert_true(has_tag(&out, notices[i].keep));
    tag_outcome_clear(&out);
  }
}

static void expect_no_function_words_in(const char *name, const char *code, const char *subject,
                                        const char *const *fw)
{
  char *text = tagdata_text(name);
  char lang[32];
  tag_detect_language(text, strlen(text), lang, sizeof lang);
  assert_string_equal(lang, code);
  tag_outcome out = tag_text(text, lang, 10);
  print_tags(code, &out);
  assert_true(out.count >= 5);
  GUnicodeScript script = g_unichar_get_script(g_utf8_get_char(text));
  for (size_t i = 0; i < out.count; i++) {
    const char *t = out.items[i].tag;
    if (g_unichar_get_script(g_utf8_get_char(t)) != script)
      fail_msg("%s: tag \"%s\" is not in the text's script", code, t);
    gchar **words = g_strsplit(t, " ", -1);
    guint n = g_strv_length(words);
    for (const char *const *f = fw; *f; f++)
      if (!strcmp(words[0], *f) || !strcmp(words[n - 1], *f))
        fail_msg("%s: tag \"%s\" has the function word \"%s\"", code, t, *f);
    g_strfreev(words);
  }
  if (!has_tag(&out, subject))
    fail_msg("%s: no tag \"%s\"", code, subject);
  tag_outcome_clear(&out);
  g_free(text);
}

static void expect_no_function_words(const char *code, const char *subject, const char *const *fw)
{
  expect_no_function_words_in(code, code, subject, fw);
}

/* ... nor anywhere inside a tag, for a language whose list cuts phrases. */
static void expect_no_function_words_within_in(const char *name, const char *code, const char *subject,
                                               const char *const *fw)
{
  expect_no_function_words_in(name, code, subject, fw);
  char *text = tagdata_text(name);
  tag_outcome out = tag_text(text, code, 10);
  for (size_t i = 0; i < out.count; i++) {
    gchar **words = g_strsplit(out.items[i].tag, " ", -1);
    for (gchar **w = words; *w; w++)
      for (const char *const *f = fw; *f; f++)
        if (!strcmp(*w, *f))
          fail_msg("%s: tag \"%s\" holds the function word \"%s\"", code, out.items[i].tag, *f);
    g_strfreev(words);
  }
  tag_outcome_clear(&out);
  g_free(text);
}

static void expect_no_function_words_within(const char *code, const char *subject, const char *const *fw)
{
  expect_no_function_words_within_in(code, code, subject, fw);
}

/* French demonstratives and pronouns Snowball's list lacks ("cette",
 * "celle-ci", "ils") are no words of a tag: "cette approche", "cette
 * méthode" and "celle-ci donne de bons résultats" were tags. */
static void test_french_demonstratives(void **state)
{
  (void)state;
  const char *const stop[] = { "cette", "cet", "ceux", "celle-ci", "cela", "ils", "leurs" };
  for (size_t i = 0; i < G_N_ELEMENTS(stop); i++)
    if (!lex_is_stop_lang(stop[i], "fra"))
      fail_msg("fra: \"%s\" should be a stop word", stop[i]);
  assert_false(lex_is_stop_lang("approche", "fra"));
  const char *fra = "La gestion de l'eau\n"
                    "Cette approche permet de réduire les pertes. Cette méthode est simple. Ils utilisent cette "
                    "technique dans les villages, et celle-ci donne de bons résultats. Cet outil aide les "
                    "agriculteurs. Cette gestion de l'eau reste efficace, cela est clair.";
  tag_outcome out = tag_text(fra, "fra", 10);
  print_tags("fra", &out);
  for (size_t i = 0; i < out.count; i++) {
    const char *t = out.items[i].tag;
    if (g_str_has_prefix(t, "cet") || g_str_has_prefix(t, "celle") || g_str_has_prefix(t, "ils "))
      fail_msg("fra: tag \"%s\" starts with a function word", t);
  }
  assert_true(has_tag(&out, "gestion") || has_tag(&out, "gestion de l'eau"));
  tag_outcome_clear(&out);
}

/* The closed-class words Lucene's and Snowball's lists lack and doctag's
 * additions hold (tag/data/stop_ces.txt, stop_est.txt, stop_glg.txt, stop_por.txt): Czech
 * "že", Estonian "on", Portuguese "durante", Portuguese and Galician
 * "nesta" were tags or started them. */
static void test_list_additions(void **state)
{
  (void)state;
  static const struct {
    const char *lang, *text, *never, *want;
  } docs[] = {
    { "ces",
      "Obecní úřad oznamuje, že v pondělí bude přerušena dodávka pitné vody. Starosta uvedl, že potrubí je staré. "
      "Obyvatelé vědí, že dodávka pitné vody se obnoví večer, a úřad slibuje, že opravy potrubí skončí brzy.",
      "že", "dodávka pitné vody" },
    { "est",
      "Vallavalitsus teatab, et joogivee varustamine on esmaspäeval katkestatud. Torustik on vana ja remont on "
      "vajalik. Joogivee varustamine oli eelmisel aastal samuti katkestatud, sest torustik on halvas seisus.",
      "on", "torustik" },
    { "por",
      "A energia solar cresce no país. Durante o verão, a energia solar cobre metade do consumo, e durante a "
      "noite as baterias guardam a energia. O governo fala sobre a energia solar desde o ano passado.",
      "durante", "energia solar" },
    /* "em"/"de" with a demonstrative: "nesta" was a tag */
    { "por",
      "Nesta cidade a coleta de lixo muda nesta semana. Nesta zona os moradores pedem contentores novos, e "
      "nesta rua a coleta de lixo passa para a noite. Desta vez a câmara promete contentores novos.",
      "nesta", "coleta de lixo" },
    /* the auxiliaries' infinitives: "ser feita de noite" was a tag */
    { "por",
      "A coleta de lixo vai ser feita de noite. Os contentores novos devem ser instalados em março, e a câmara "
      "garante que a coleta de lixo pode ser feita sem ruído. Os moradores querem ser ouvidos sobre a coleta de lixo.",
      "ser", "coleta de lixo" },
    { "glg",
      "Nesta vila a recollida do lixo cambia nesta semana. Nesta zona a veciñanza pide colectores novos, e "
      "nesta rúa a recollida do lixo pasa a facerse de noite. Desta vez o concello promete colectores novos.",
      "nesta", "colectores novos" },
  };
  for (size_t d = 0; d < G_N_ELEMENTS(docs); d++) {
    assert_true(lex_is_stop_lang(docs[d].never, docs[d].lang));
    tag_outcome out = tag_text(docs[d].text, docs[d].lang, 10);
    print_tags(docs[d].lang, &out);
    for (size_t i = 0; i < out.count; i++) {
      gchar **words = g_strsplit(out.items[i].tag, " ", -1);
      for (gchar **w = words; *w; w++)
        if (!strcmp(*w, docs[d].never))
          fail_msg("%s: tag \"%s\" holds \"%s\"", docs[d].lang, out.items[i].tag, docs[d].never);
      g_strfreev(words);
    }
    assert_true(has_tag(&out, docs[d].want));
    tag_outcome_clear(&out);
  }
}

/* Real documents got "અને" (and) in Gujarati, "کا", "اور", "کے" in Urdu. */
static void test_function_words_without_snowball(void **state)
{
  (void)state;
  /* no list: guessed from the text (Urdu's from Apertium's dictionary) */
  const char *const guj[] = { "અને", "છે", "માટે", "પણ", "આ", "હોય", "અથવા", "કે", "અંગે", NULL };
  expect_no_function_words("guj", "ટપક સિંચાઈ", guj);
  /* short texts, where "હોય" (twice), "અથવા" (three times), "અંગે" and
   * "કે" were tags: too few occurrences to guess, Gujarati's packaged
   * closed-class words have them */
  expect_no_function_words_in("guj_short", "guj", "માનવ અધિકારોની", guj);
  expect_no_function_words_in("guj_notice", "guj", "અમદાવાદ મહાનગરપાલિકા", guj);
  const char *const urd[] = { "کا", "کے", "کی", "اور", "ہے", "میں", "سے", "کو", "کہ", NULL };
  expect_no_function_words("urd", "فضائی آلودگی", urd);
  /* a notice of sixty words, where "اور" (5 times), "کہ" and "کا" came
   * out as tags: Apertium's Urdu dictionary has them */
  expect_no_function_words_in("urd_short", "urd", "پانی", urd);
  /* Tamil: no list, no seed; "ஒரு" (a) and "இந்த" (this) guessed from a
   * notice of a hundred words ("மற்றும்", and, five times, is not: as
   * long as the text's words are on average) */
  const char *const tam[] = { "ஒரு", "இந்த", NULL };
  expect_no_function_words("tam", "குடிநீர் வரி", tam);
  /* Korean, Bengali and Hebrew are seeded by stopwords-iso's lists: "함께"
   * (together), "অনেক" (many), "প্রতি" (per), "כי" (that) were tags */
  const char *const kor[] = { "있다", "수", "및", "등", "또한", "그러나", "특히", "함께", NULL };
  /* "해양" (marine) is short and frequent, but always before "쓰레기" */
  expect_no_function_words("kor", "해양 쓰레기", kor);
  const char *const ben[] = { "এবং", "ও", "যে", "এই", "তবে", "অনেক", "প্রতি", NULL };
  expect_no_function_words("ben", "বন্যা", ben);
  const char *const heb[] = { "כי", "על", "את", "של", "גם", "עד", "כל", "לפני", "אחר", NULL };
  /* "הפסקת מים" and "הפסקת המים" are one term, written as the text mostly does */
  expect_no_function_words("heb", "הפסקת מים", heb);
  /* Marathi and Nepali have lists of their own (stopwords-iso's,
   * Snowball's): with Hindi's, "आहे" (is), "हुनेछ" (will be) and "गरिएको"
   * (done) were tags */
  const char *const mar[] = { "आणि", "आहे", "आहेत", "या", "व", "की", "असे", "करावे", "करण्यात", "येणार", NULL };
  expect_no_function_words_within("mar", "पाणीपुरवठा खंडित राहणार", mar);
  const char *const nep[] = { "र", "छ", "को", "मा", "पनि", "हो", "यो", "यस", "लागि", "गर्न", "हुनेछ", "गरिएको", NULL };
  expect_no_function_words_within("nep", "खानेपानी वितरण अवरुद्ध", nep);
  /* Kannada, Odia, Telugu, Malayalam and Punjabi notices: "ಮತ್ತು" (and),
   * "କିମ୍ବା" (or), "గాని" (or), "ഏതൊരു" (any), "ਅਤੇ" (and), "ਨਹੀਂ" (not)
   * were tags of such texts before their seeds. "ನೀರು" (water) and "పన్ను"
   * (tax), frequent and short, were guessed function words: most of their
   * occurrences are beside one same word ("ನೀರು ಸರಬರಾಜು", water supply). */
  const char *const kan[] = { "ಮತ್ತು", "ಈ", "ಎಲ್ಲಾ", "ಮೂಲಕ", "ನಂತರ", "ಬಗ್ಗೆ", "ಯಾವುದೇ", NULL };
  expect_no_function_words("kan", "ನೀರು ಸರಬರಾಜು", kan);
  const char *const ori[] = { "ଏହି", "ସମସ୍ତ", "ଏବଂ", "ସହିତ", "କୌଣସି", "ପାଇଁ", "କିମ୍ବା", "ବିଷୟରେ", NULL };
  expect_no_function_words("ori", "ଟିକାକରଣ ଶିବିର", ori);
  const char *const tel[] = { "ఈ", "అన్ని", "తర్వాత", "ద్వారా", "లేదా", "కోసం", "గురించి", "ప్రతి", "మరియు", NULL };
  expect_no_function_words("tel", "ఆస్తి పన్ను", tel);
  const char *const mal[] = { "ഈ", "എല്ലാ", "ഓരോ", "ഒരു", "ഇതിന്റെ", NULL };
  expect_no_function_words("mal", "ഡെങ്കിപ്പനി പ്രതിരോധം", mal);
  const char *const pan[] = { "ਇਸ", "ਸਾਰੇ", "ਆਪਣੇ", "ਕੋਈ", "ਵੀ", "ਨਹੀਂ", "ਜਾਂ", "ਬਾਰੇ", "ਹਰ", "ਅਤੇ", "ਦੇ", "ਨੂੰ", "ਵਿੱਚ", "ਲਈ", NULL };
  expect_no_function_words_within("pan", "ਟੀਕਾਕਰਨ ਕੈਂਪ", pan);
  /* "be" in its other tenses, as Hindi's list has "हो", "होगा", "हुआ";
   * "ਹੋਵੇ" (may be) was a tag of this notice and of the UDHR's */
  const char *const pan_aux[] = { "ਹੋਵੇ", "ਹੋਵੇਗੀ", "ਹੋਇਆ", "ਹੋਣ", "ਤੱਕ", "ਵਾਲੇ", "ਕੇ", "ਸੀ", NULL };
  expect_no_function_words_within_in("pan_notice", "pan", "ਪਾਈਪ ਲਾਈਨ", pan_aux);
  /* Vietnamese: "và" (and), "của" (of), "như" (as) were inside its tags */
  const char *const vie[] = { "và", "của", "cho", "như", "được", "các", "để", "trong", "sẽ", "có", "khi", "tại", NULL };
  expect_no_function_words_within("vie", "nước sạch", vie);
  /* Lucene's lists */
  const char *const ara[] = { "في", "من", "على", "أن", "إلى", "التي", "مع", NULL };
  expect_no_function_words("ara", "تحلية مياه البحر", ara);
  const char *const ell[] = { "της", "την", "και", "στην", "του", "οι", "τη", "με", "η", "μια", "τις", "πιο", NULL };
  expect_no_function_words("ell", "βιολογική καλλιέργεια", ell);
}

/* score.py's normalisation: NFC, lower case, hyphens to spaces, other
 * punctuation dropped, every word Porter-stemmed. */
static char *norm(struct sb_stemmer *porter, const char *phrase)
{
  char *nfc = g_utf8_normalize(phrase, -1, G_NORMALIZE_NFC);
  char *low = g_utf8_strdown(nfc, -1);
  GString *flat = g_string_new(NULL);
  for (const char *p = low; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isalnum(c) || c == '_')
      g_string_append_unichar(flat, c);
    else
      g_string_append_c(flat, ' ');
  }
  GString *out = g_string_new(NULL);
  gchar **words = g_strsplit(flat->str, " ", -1);
  for (gchar **w = words; *w; w++) {
    if (!**w)
      continue;
    const sb_symbol *s = sb_stemmer_stem(porter, (const sb_symbol *)*w, (int)strlen(*w));
    if (out->len)
      g_string_append_c(out, ' ');
    g_string_append_len(out, (const char *)s, sb_stemmer_length(porter));
  }
  g_strfreev(words);
  g_string_free(flat, TRUE);
  g_free(low);
  g_free(nfc);
  return g_string_free(out, FALSE);
}

static int by_string(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Macro F1@10 of the local tagger over the first `limit` documents of a
 * shared dev set, or -1 when the set is absent. */
static double f1_at_10(const char *set, unsigned int limit)
{
  char *dir = g_strdup_printf("%s/../shared/keyphrase/%s", getenv("DOCTAG_SOURCE_DIR"), set);
  char *gpath = g_strdup_printf("%s/gold.json", dir);
  json_t *gold = json_load_file(gpath, 0, NULL);
  g_free(gpath);
  if (!gold) {
    g_free(dir);
    return -1;
  }
  GPtrArray *ids = g_ptr_array_new();
  const char *id;
  json_t *v;
  json_object_foreach(gold, id, v)
    g_ptr_array_add(ids, (gpointer)id);
  g_ptr_array_sort(ids, by_string); /* as bench/keyphrase.sh takes them */
  struct sb_stemmer *porter = sb_stemmer_new("porter", NULL);
  double sum = 0;
  unsigned int n = 0;
  for (guint i = 0; i < ids->len && n < limit; i++, n++) {
    char *path = g_strdup_printf("%s/docs/%s.txt", dir, (const char *)ids->pdata[i]);
    char *text = tu_read(path, NULL);
    g_free(path);
    assert_non_null(text);
    char *nl = strchr(text, '\n');
    char *title = nl ? g_strndup(text, (gsize)(nl - text)) : g_strdup(text);
    tag_request req = { .text = text, .title = title, .language = "eng", .num_tags = 10, .model_name = "local" };
    tag_outcome out = { 0 };
    assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
    json_t *g = json_object_get(gold, ids->pdata[i]);
    size_t ng = json_array_size(g);
    GPtrArray *gs = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (size_t a = 0; a < ng; a++) {
      json_t *alts = json_array_get(g, a);
      char **forms = g_new0(char *, json_array_size(alts) + 1);
      for (size_t b = 0; b < json_array_size(alts); b++)
        forms[b] = norm(porter, json_string_value(json_array_get(alts, b)));
      g_ptr_array_add(gs, forms);
    }
    bool *used = g_new0(bool, ng + 1);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    unsigned int hits = 0, preds = 0;
    for (size_t t = 0; t < out.count && preds < 10; t++) {
      char *p = norm(porter, out.items[t].tag);
      if (!*p || g_hash_table_contains(seen, p)) {
        g_free(p);
        continue;
      }
      preds++;
      for (size_t a = 0; a < ng; a++) {
        bool match = false;
        for (char **f = gs->pdata[a]; *f && !match; f++)
          match = !strcmp(*f, p);
        if (!used[a] && match) {
          used[a] = true;
          hits++;
          break;
        }
      }
      g_hash_table_add(seen, p);
    }
    double P = preds ? (double)hits / preds : 0, R = ng ? (double)hits / ng : 0;
    sum += P + R > 0 ? 2 * P * R / (P + R) : 0;
    g_hash_table_destroy(seen);
    g_free(used);
    g_ptr_array_free(gs, TRUE);
    tag_outcome_clear(&out);
    g_free(title);
    g_free(text);
  }
  sb_stemmer_delete(porter);
  g_ptr_array_free(ids, TRUE);
  json_decref(gold);
  g_free(dir);
  return n ? 100.0 * sum / n : 0;
}

static void test_quality_floor(void **state)
{
  (void)state;
  double inspec = f1_at_10("inspec-dev", INSPEC_DOCS);
  if (inspec < 0)
    skip(); /* no ../shared/keyphrase */
  double semeval = f1_at_10("semeval2010-train", SEMEVAL_DOCS);
  double kpcrowd = f1_at_10("kpcrowd-train", KPCROWD_DOCS);
  printf("F1@10: inspec-dev[%d] %.2f (floor %.1f), semeval2010-train[%d] %.2f (floor %.1f), "
         "kpcrowd-train[%d] %.2f (floor %.1f)\n", INSPEC_DOCS, inspec, INSPEC_F1_FLOOR, SEMEVAL_DOCS, semeval,
         SEMEVAL_F1_FLOOR, KPCROWD_DOCS, kpcrowd, KPCROWD_F1_FLOOR);
  assert_true(inspec >= INSPEC_F1_FLOOR);
  assert_true(semeval >= SEMEVAL_F1_FLOOR);
  assert_true(kpcrowd >= KPCROWD_F1_FLOOR);
}

/* What fw_guess() finds in one text, against the English or Hindi list. */
typedef struct fw_score {
  unsigned int docs, stop_types, content_types, stop_tokens, stop_tokens_found;
} fw_score;

static void fw_measure(const char *text, fw_score *sc)
{
  GArray *toks = seg_split(text);
  GUnicodeScript script = seg_main_script(toks);
  GHashTable *guess = fw_guess(toks, script, NULL);
  GHashTableIter it;
  gpointer w;
  g_hash_table_iter_init(&it, guess);
  while (g_hash_table_iter_next(&it, &w, NULL)) {
    if (lex_is_stop(w))
      sc->stop_types++;
    else
      sc->content_types++;
  }
  for (guint i = 0; i < toks->len; i++) {
    const seg_token *t = &g_array_index(toks, seg_token, i);
    if (t->kind == SEG_WORD && seg_word_script(t->word) == script && lex_is_stop(t->word)) {
      sc->stop_tokens++;
      sc->stop_tokens_found += g_hash_table_contains(guess, t->word);
    }
  }
  sc->docs++;
  g_hash_table_destroy(guess);
  seg_free(toks);
}

/* fw_measure() over the first `limit` .txt files of a folder of ../shared
 * whose names start with `prefix`; false when there is none. */
static bool fw_measure_dir(const char *dir, const char *prefix, unsigned int limit, fw_score *sc)
{
  char *path = g_strdup_printf("%s/../shared/%s", getenv("DOCTAG_SOURCE_DIR"), dir);
  GDir *d = g_dir_open(path, 0, NULL);
  if (!d) {
    g_free(path);
    return false;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (const char *n; (n = g_dir_read_name(d));)
    if (g_str_has_prefix(n, prefix) && g_str_has_suffix(n, ".txt"))
      g_ptr_array_add(names, g_strdup(n));
  g_dir_close(d);
  g_ptr_array_sort(names, by_string);
  for (guint i = 0; i < names->len && i < limit; i++) {
    char *f = g_build_filename(path, names->pdata[i], NULL);
    char *text = tu_read(f, NULL);
    fw_measure(text, sc);
    g_free(text);
    g_free(f);
  }
  g_ptr_array_free(names, TRUE);
  g_free(path);
  return true;
}

static void print_fw(const char *label, const fw_score *sc)
{
  unsigned int found = sc->stop_types + sc->content_types;
  printf("  %s (%u texts): guessed %u words, %u stop words, %u content words (%.1f%%); "
         "%.1f%% of the stop words' occurrences\n", label, sc->docs, found, sc->stop_types, sc->content_types,
         found ? 100.0 * sc->content_types / found : 0.0,
         sc->stop_tokens ? 100.0 * sc->stop_tokens_found / sc->stop_tokens : 0.0);
}

/* A made-up language, generated: function words ("ka", "mo", "ti") in
 * every sentence between words of the section's subject, and words that
 * each fail one test of fw_guess(): "zup", short and frequent with many
 * neighbours, only in the first section (uneven over the text's tenths);
 * "ro", in every sentence, always before "bastelin" (one word after it);
 * "sel", four times in every tenth sentence (in fewer sentences than a
 * word placed anywhere would be);
 * "Lumo", a name (a capital); "na", twice (too few to tell). Newly
 * allocated. */
static char *made_up_text(void)
{
  static const char *const syll[] = { "ve", "lu", "na", "ri", "sto", "ban", "qui", "dor", "fel", "gam", "hes", "jor" };
  GString *s = g_string_new(NULL);
  guint32 seed = 12345;
  for (int sentence = 0; sentence < 200; sentence++) {
    int section = sentence / 20; /* ten sections: each its own subject words */
    char content[5][16];
    for (int c = 0; c < 5; c++) {
      seed = seed * 1103515245u + 12345u;
      int w = section * 6 + (int)((seed >> 16) % 6); /* six words a section */
      g_snprintf(content[c], sizeof content[c], "%s%s%s", syll[w % 12], syll[(w / 12 + w * 7 + 3) % 12],
                 syll[(w * 5 + 1) % 12]);
    }
    if (sentence % 3 == 0)
      g_string_append(s, "Lumo ");
    g_string_append_printf(s, "%s ka %s %s mo %s", content[0], content[1], content[2], content[3]);
    if (section == 0)
      g_string_append_printf(s, " zup %s", content[sentence % 3]);
    g_string_append_printf(s, " ti %s%s ro bastelin", content[4], sentence == 7 || sentence == 150 ? " na" : "");
    if (sentence % 10 == 0)
      g_string_append_printf(s, ", sel %s sel %s sel %s sel %s", content[0], content[1], content[2], content[3]);
    g_string_append(s, ". ");
  }
  return g_string_free(s, FALSE);
}

/* fw_guess() on text made for each of its tests: what passes them all is
 * taken, what fails one is not. */
static void test_function_word_tests(void **state)
{
  (void)state;
  char *text = made_up_text();
  GArray *toks = seg_split(text);
  GHashTable *g = fw_guess(toks, G_UNICODE_SCRIPT_LATIN, NULL);
  const char *const taken[] = { "ka", "mo", "ti" }, *const not_taken[] = { "zup", "ro", "sel", "lumo", "na", "bastelin" };
  for (size_t i = 0; i < G_N_ELEMENTS(taken); i++)
    if (!g_hash_table_contains(g, taken[i]))
      fail_msg("\"%s\" should be guessed a function word", taken[i]);
  for (size_t i = 0; i < G_N_ELEMENTS(not_taken); i++)
    if (g_hash_table_contains(g, not_taken[i]))
      fail_msg("\"%s\" should not be guessed a function word", not_taken[i]);
  assert_int_equal(g_hash_table_size(g), G_N_ELEMENTS(taken)); /* no subject word */
  g_hash_table_destroy(g);
  seg_free(toks);
  g_free(text);
}

/* An archive of `n` documents where each word of `words` is held by as
 * many as `held` says (stems as tag_terms() counts them). */
static tag_df archive_of(uint64_t n, const char *const *words, const unsigned int *held, size_t count,
                         const char *lang)
{
  tag_df df = { .n_docs = n, .df = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
  for (size_t i = 0; i < count; i++)
    g_hash_table_insert(df.df, tag_term_stem(words[i], lang), GUINT_TO_POINTER(held[i]));
  return df;
}

/* The owner's archive tells a language's function words that one short
 * text cannot: in the Tamil notice "வேண்டும்" (must; "மற்றும்", and, was
 * another before Tamil's closed-class seeds) is too long for the text's
 * guess; held by 18 of 20 Tamil documents it is one,
 * while "வரி" (tax; 5 of 20) stays one, and a long word as widespread is
 * no function word. Below ten documents for the text's most widespread
 * word the archive says nothing. */
static void test_function_words_from_archive(void **state)
{
  (void)state;
  char *text = tagdata_text("tam");
  const char *const words[] = { "வேண்டும்", "ஒரு", "வரி", "குடியிருப்பாளர்களுக்கும்" };
  const unsigned int held[] = { 18, 19, 5, 17 }, few[] = { 8, 9, 2, 8 };
  GArray *toks = seg_split(text);
  GUnicodeScript script = seg_main_script(toks);
  for (int big = 0; big < 2; big++) {
    tag_df df = archive_of(big ? 20 : 10, words, big ? held : few, G_N_ELEMENTS(words), "tam");
    GHashTable *g = fw_guess(toks, script, "tam");
    assert_true(g_hash_table_contains(g, "மற்றும்")); /* a seed */
    assert_false(g_hash_table_contains(g, "வேண்டும்"));
    fw_archive(g, toks, script, "tam", &df);
    assert_true(g_hash_table_contains(g, "வேண்டும்") == big);
    assert_false(g_hash_table_contains(g, "வரி"));
    assert_false(g_hash_table_contains(g, "குடியிருப்பாளர்களுக்கும்"));
    g_hash_table_destroy(g);
    tag_request req = { .text = text, .language = "tam", .num_tags = 10, .model_name = "local", .df = &df };
    tag_outcome out = { 0 };
    assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
    print_tags(big ? "tam, archive of 20" : "tam, archive of 10", &out);
    assert_false(has_tag(&out, "மற்றும்"));
    assert_true(has_tag(&out, "குடிநீர் வரி"));
    tag_outcome_clear(&out);
    g_hash_table_destroy(df.df);
  }
  seg_free(toks);
  g_free(text);
}

/* Marathi and Nepali text takes the Devanagari path with its own stop
 * words and, for Nepali, Snowball's stemmer ("उपभोक्ताहरूले", by the
 * consumers, and "उपभोक्ता" are one word), not Hindi's lists, verbs and
 * postpositions. */
static void test_devanagari_languages(void **state)
{
  (void)state;
  assert_string_equal(tag_devanagari_language("mar"), "mar");
  assert_string_equal(tag_devanagari_language("eng+nep"), "nep");
  assert_string_equal(tag_devanagari_language("hin+eng"), "hin");
  assert_string_equal(tag_devanagari_language("eng"), "hin");
  assert_string_equal(tag_devanagari_language(NULL), "hin");
  assert_true(lex_has_stop_list("mar") && lex_has_stop_list("nep"));
  assert_true(lex_is_stop_lang("आहे", "mar") && !lex_is_stop_lang("आहे", "hin"));
  assert_true(lex_is_stop_lang("छ", "nep") && !lex_is_stop_lang("छ", "hin"));
  char *a = lex_stem_lang("उपभोक्ताहरूले", "nep"), *b = lex_stem_lang("उपभोक्ता", "nep");
  assert_string_equal(a, b);
  g_free(a);
  g_free(b);
  /* read as Hindi, the Marathi notice's "आहे" (is) was a tag */
  char *text = tagdata_text("mar");
  tag_outcome mar = tag_text(text, "mar", 10), hin = tag_text(text, "hin", 10);
  assert_true(has_tag(&hin, "आहे"));
  assert_false(has_tag(&mar, "आहे"));
  assert_true(has_tag(&mar, "पाणी"));
  tag_outcome_clear(&mar);
  tag_outcome_clear(&hin);
  g_free(text);
  /* a vocabulary's terms are stemmed as the text is: "उपभोक्ताहरू" is
   * found in "उपभोक्ताहरूले", "उपभोक्ताको" */
  text = tagdata_text("nep");
  const char *const vocab[] = { "उपभोक्ताहरू", "विद्युत" };
  tag_request req = { .text = text, .language = "nep", .num_tags = 5, .model_name = "local",
                      .vocabulary = vocab, .vocabulary_count = 2 };
  tag_outcome out = { 0 };
  assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
  assert_int_equal(out.count, 1);
  assert_string_equal(out.items[0].tag, "उपभोक्ताहरू");
  tag_outcome_clear(&out);
  g_free(text);
}

/* Gujarati has no stop-word list, but a packaged list of closed-class
 * words seeds the guess: in a short text "હોય" (twice) and "અથવા" (three
 * times, and short only as Gujarati's words go) are taken only with it. */
/* Urdu: a word before a light verb each time it comes is a conjunct
 * verb's first part ("جمع کرنا", to submit), no tag; the future's endings
 * written apart ("کیے جائیں گے") end no tag. */
static void test_urdu_conjunct_verbs(void **state)
{
  (void)state;
  assert_true(lex_is_light_verb("کرنا", "urd") && lex_is_stop_lang("گے", "urd"));
  const char *text = "داخلہ فارم جمع کرنے کی آخری تاریخ\n\n"
                     "تمام طلبہ اپنا داخلہ فارم پندرہ جون تک کالج کے دفتر میں جمع کریں۔ داخلہ فارم کے ساتھ "
                     "فیس کی رسید بھی جمع کرنی ہوگی۔ فیس جمع نہ کرنے پر داخلہ منسوخ کیا جائے گا۔ داخلہ فارم "
                     "دفتر سے مفت ملیں گے اور نتائج کالج کی ویب سائٹ پر شائع کیے جائیں گے۔";
  tag_outcome out = tag_text(text, "urd", 10);
  print_tags("urd conjunct", &out);
  for (size_t i = 0; i < out.count; i++) {
    if (strstr(out.items[i].tag, "جمع"))
      fail_msg("urd: tag \"%s\" holds the conjunct verb's \"جمع\"", out.items[i].tag);
    if (g_str_has_suffix(out.items[i].tag, "گے"))
      fail_msg("urd: tag \"%s\" ends with the future's \"گے\"", out.items[i].tag);
  }
  assert_true(has_tag(&out, "داخلہ فارم"));
  tag_outcome_clear(&out);
  /* once before a light verb, a word that mostly makes conjunct verbs
   * (tag/data/conjunct_urd.txt) is one: "مچھر پیدا" (mosquitoes born) was
   * a tag; "پانی جمع ہونے" (water collecting) is no term, nor "مہم شروع" of
   * "مہم شروع کی ہے" (the campaign was begun: "کی" is "did" here) */
  assert_true(lex_is_conjunct_part("پیدا", "urd") && !lex_is_conjunct_part("مچھر", "urd"));
  const char *dengue = "ڈینگی سے بچاؤ کی مہم\n\n"
                       "محکمہ صحت نے شہر میں ڈینگی سے بچاؤ کی مہم شروع کی ہے۔ بارش کے بعد گلیوں میں پانی جمع ہونے "
                       "سے مچھر پیدا ہوتے ہیں۔ شہری اپنے گھروں میں پرانے برتن اور ٹائر صاف رکھیں۔ ڈینگی مہم کے "
                       "دوران ٹیمیں ہر محلے میں مچھر مار سپرے کریں گی۔ بخار کی صورت میں قریبی ہسپتال سے رجوع کریں۔";
  out = tag_text(dengue, "urd", 10);
  print_tags("urd conjunct once", &out);
  const char *never[] = { "پیدا", "جمع", "شروع" };
  expect_no_word(&out, never, G_N_ELEMENTS(never));
  assert_true(has_tag(&out, "ڈینگی"));
  tag_outcome_clear(&out);
  /* "keep" and "stay" make conjunct verbs with those words ("ٹائر صاف رکھیں",
   * keep the tyres clean; "جاری رہے گی", will go on), an adjective before
   * the copula is the predicate ("جانچ ضروری ہے"), and "before", "next"
   * and the units of time are function words: "ٹائر صاف", "جرمانہ عائد",
   * "پہلے" and "مہم اگلے ماہ" were tags */
  assert_true(lex_is_keep_verb("رکھیں", "urd") && !lex_is_light_verb("رکھیں", "urd"));
  assert_false(lex_is_keep_verb("رکھیں", "hin"));
  const char *traffic = "ٹریفک پولیس کی ہدایات\n\n"
                        "موٹر سائیکل سواروں سے گزارش ہے کہ سفر سے پہلے اپنی گاڑی کا معائنہ کریں۔ ٹائر صاف رکھیں اور ان "
                        "میں ہوا کا دباؤ چیک کریں۔ بریک اور لائٹس کی جانچ ضروری ہے۔ ہیلمٹ پہننا لازمی ہے اور خلاف ورزی "
                        "پر جرمانہ عائد کیا جائے گا۔ ٹریفک پولیس کی مہم اگلے ماہ تک جاری رہے گی۔ شہری ٹریفک قوانین کی "
                        "پابندی کریں اور حادثات سے بچیں۔";
  out = tag_text(traffic, "urd", 10);
  print_tags("urd keep, predicate", &out);
  const char *not_terms[] = { "صاف", "عائد", "ضروری", "لازمی", "پہلے", "اگلے", "جاری" };
  expect_no_word(&out, not_terms, G_N_ELEMENTS(not_terms));
  assert_true(has_tag(&out, "ٹریفک پولیس"));
  tag_outcome_clear(&out);
}

/* A conjunct verb's first part is one at each occurrence before "keep",
 * "stay" or a light verb, whatever the word's other occurrences: "گھر صاف
 * رکھیں" (keep the house clean) and "ہاتھ صاف کریں" (clean the hands)
 * beside "صاف پانی" (clean water) made the tags "گھر صاف" and "ہاتھ صاف";
 * an adjective before "keep" is the predicate ("فوگ لائٹ روشن رکھیں", keep
 * the fog lights on, made "فوگ لائٹ روشن"), and "خیال" of "خیال رکھیں"
 * (take care) makes such a verb too ("خاص خیال" was a tag). */
static void test_urdu_keep_verbs_at_each_occurrence(void **state)
{
  (void)state;
  static const struct {
    const char *name, *never, *subject;
  } cases[] = {
    { "urd_health_notice", "صاف", "ڈینگی" },
    { "urd_fog_notice", "روشن", "ٹریفک پولیس" },
    { "urd_polling_notice", "خیال", "شناختی کارڈ" },
    /* the polite imperative: "سامان محفوظ رکھیے" (please keep your luggage safe) */
    { "urd_railway_notice", "محفوظ", "پاکستان ریلوے" },
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    char *text = tagdata_text(cases[c].name);
    tag_outcome out = tag_text(text, "urd", 15);
    print_tags(cases[c].name, &out);
    for (size_t i = 0; i < out.count; i++)
      if (!strcmp(out.items[i].tag, cases[c].never) || g_str_has_suffix(out.items[i].tag, cases[c].never))
        fail_msg("%s: tag \"%s\" ends with the predicate \"%s\"", cases[c].name, out.items[i].tag, cases[c].never);
    if (!has_tag(&out, cases[c].subject))
      fail_msg("%s: no tag \"%s\"", cases[c].name, cases[c].subject);
    tag_outcome_clear(&out);
    g_free(text);
  }
}

/* "کسی", the oblique of "کوئی" (any, some), is a determiner, as Hindi's
 * "किसी": "کسی کاشتکار" (to any farmer) and "کسی ووٹر" were tags. */
static void test_urdu_oblique_determiner(void **state)
{
  (void)state;
  static const struct {
    const char *name, *subject;
  } cases[] = { { "urd_wheat_notice", "محکمہ خوراک" }, { "urd_polling_notice", "شناختی کارڈ" } };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    char *text = tagdata_text(cases[c].name);
    tag_outcome out = tag_text(text, "urd", 15);
    print_tags(cases[c].name, &out);
    const char *never[] = { "کسی" };
    expect_no_word(&out, never, G_N_ELEMENTS(never));
    if (!has_tag(&out, cases[c].subject))
      fail_msg("%s: no tag \"%s\"", cases[c].name, cases[c].subject);
    tag_outcome_clear(&out);
    g_free(text);
  }
}

/* Chinese and Japanese numbers written in Han numerals are no tags, and a
 * Japanese kanji stem with a u-row kana ending is a verb: a water tariff's
 * rules got "六条水道料金", "五条料金", "第一" and "定める" (to set) as tags. */
static void test_han_numbers_verbs_function_words(void **state)
{
  (void)state;
  const char *numbers[] = { "十一", "第二", "第五十一条", "一部", "二〇二四年", "第三章第二節" };
  for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++)
    if (!lex_is_han_number(numbers[i]))
      fail_msg("\"%s\" is a number", numbers[i]);
  const char *words[] = { "一般", "百度", "九州", "水道", "第", "条", "" };
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
    if (lex_is_han_number(words[i]))
      fail_msg("\"%s\" is no number", words[i]);
  assert_string_equal(rules_reject_reason_lang("第三", "jpn"), "number");
  assert_null(rules_reject_reason_lang("第三者", "jpn")); /* a third party */
  const char *text = "水道料金の改定について\n\n"
                     "第一条 この規則は、市の水道料金を定めるものとする。\n"
                     "第二条 水道料金は、基本料金と従量料金の合計とする。\n"
                     "第三条 基本料金は、口径に応じて定める。\n"
                     "第四条 従量料金は、使用水量に応じて定める。\n"
                     "第五条 料金の支払いは、毎月末日までに行う。\n"
                     "第六条 水道料金の改定は、四月一日から施行する。市民は、水道を大切に使う。\n";
  tag_outcome out = tag_text(text, "jpn", 10);
  print_tags("jpn numbers, verbs", &out);
  const char *never[] = { "条", "第一", "定める", "使う" };
  for (size_t i = 0; i < out.count; i++)
    for (size_t j = 0; j < G_N_ELEMENTS(never); j++)
      if (strstr(out.items[i].tag, never[j]))
        fail_msg("jpn: tag \"%s\" holds \"%s\"", out.items[i].tag, never[j]);
  assert_true(has_tag(&out, "水道料金") && has_tag(&out, "基本料金"));
  tag_outcome_clear(&out);
  /* Chinese has no stop list and no spaces to guess one from: its closed
   * class (tag/data/closed_zho.txt) is it; "关于" (about) and "关于调整"
   * were a notice's tags */
  assert_true(lex_is_closed_class("关于", "zho") && !lex_is_closed_class("供水", "zho"));
  const char *zho = "关于调整城市供水价格的通知\n\n"
                    "第一条 为了规范城市供水价格管理，制定本办法。\n"
                    "第二条 本办法适用于本市行政区域内的城市供水价格管理。\n"
                    "第三条 城市供水价格由供水成本、费用、税金和利润构成。第四条 供水价格实行分类计价。\n";
  out = tag_text(zho, "zho", 10);
  print_tags("zho function words", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "关于") || strstr(out.items[i].tag, "第"))
      fail_msg("zho: tag \"%s\" holds a function word or an ordinal", out.items[i].tag);
  assert_true(has_tag(&out, "供水价格"));
  tag_outcome_clear(&out);
  /* the same notice in Traditional characters: the list holds their forms */
  const char *zht = "關於調整城市供水價格的通知\n\n"
                    "第一條 爲了規範城市供水價格管理，制定本辦法。\n"
                    "第二條 本辦法適用於本市行政區域內的城市供水價格管理。\n"
                    "第三條 城市供水價格由供水成本、費用、稅金和利潤構成。第四條 供水價格實行分類計價。\n";
  out = tag_text(zht, "zho", 10);
  print_tags("zho (Traditional) function words", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "關於") || strstr(out.items[i].tag, "第"))
      fail_msg("zho: tag \"%s\" holds a function word or an ordinal", out.items[i].tag);
  assert_true(has_tag(&out, "供水價格"));
  tag_outcome_clear(&out);
}

static void test_closed_class_seed(void **state)
{
  (void)state;
  assert_true(lex_is_closed_class("હોય", "guj"));
  assert_false(lex_is_closed_class("હોય", "hin"));
  assert_false(lex_is_closed_class("પાણી", "guj"));
  assert_false(lex_has_stop_list("guj"));
  /* the other seeded languages; the nouns their packaged lists hold
   * ("কাজ", work; "시간", time; "דרך", road) are no seeds */
  static const struct {
    const char *lang, *closed, *content;
  } seeds[] = {
    { "ben", "এবং", "কাজ" }, { "kor", "함께", "시간" }, { "heb", "כי", "דרך" },
    /* doctag's own: the closed classes of Kannada, Odia, Tamil, Telugu,
     * Malayalam and Punjabi */
    { "kan", "ಮತ್ತು", "ನೀರು" }, { "ori", "କିମ୍ବା", "ଶିବିର" }, { "tam", "மற்றும்", "வரி" },
    { "tel", "మరియు", "పన్ను" }, { "mal", "എല്ലാ", "പനി" }, { "pan", "ਅਤੇ", "ਕੈਂਪ" },
    /* Malayalam's chillus also in their spelling before Unicode 5.1
     * (consonant, virama, ZWJ), which PDFs still have: "അവർ", they */
    { "mal", "അവർ", "അവകാശം" }, { "mal", "\u0d05\u0d35\u0d30\u0d4d\u200d", "പനി" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
    assert_true(lex_is_closed_class(seeds[i].closed, seeds[i].lang));
    assert_false(lex_is_closed_class(seeds[i].content, seeds[i].lang));
    assert_false(lex_has_stop_list(seeds[i].lang));
  }
  char *text = tagdata_text("guj_short");
  GArray *toks = seg_split(text);
  GUnicodeScript script = seg_main_script(toks);
  GHashTable *bare = fw_guess(toks, script, NULL), *seeded = fw_guess(toks, script, "guj");
  assert_true(g_hash_table_contains(bare, "અને"));  /* five times, beside five words a side */
  assert_false(g_hash_table_contains(bare, "હોય"));
  assert_false(g_hash_table_contains(bare, "અથવા"));
  assert_true(g_hash_table_contains(seeded, "અને"));
  assert_true(g_hash_table_contains(seeded, "હોય"));
  assert_true(g_hash_table_contains(seeded, "અથવા"));
  assert_false(g_hash_table_contains(seeded, "અધિકારોની"));
  g_hash_table_destroy(bare);
  g_hash_table_destroy(seeded);
  seg_free(toks);
  g_free(text);
}

/* The guess with English's and Hindi's lists as the answer: in a short
 * text it takes no content word, and over ../shared's texts (when present)
 * it finds about half the function words' occurrences while at most a
 * sixth of what it takes are content words. When the floors were set:
 * Inspec-dev[100] 54.6% of the occurrences, 4.9% content words ("data",
 * "time", "cost"); SemEval-2010-train[20] 64.4%, 6.4%; the corpus's English
 * texts 55.5%, 14.1%; its Hindi ones 51.0%, 14.3% ("कृषि", "बीमा"). */
/* An Arabic and a Hebrew notice and news story get no verb, no function
 * word with a proclitic and no date among their tags, and keep their
 * terms; Persian and Urdu, also in Arabic letters, keep theirs. */
static void test_semitic_tags(void **state)
{
  (void)state;
  /* verbs, function words with a proclitic, dates and times */
  const char *const ara_never[] = { "تعلن", "وتدعو", "وستتوفر", "يرجى", "تنصح", "ويراقب", "تجري", "وذلك", "بسبب",
                                    "يوم", "الثلاثاء", "الموافق", "مايو", "الساعة", "الثامنة", "صباحا", "عصرا",
                                    "والمياه", NULL };
  expect_no_function_words_within_in("ara_notice", "ara", "انقطاع المياه", ara_never);
  expect_no_function_words_within_in("ara_notice", "ara", "صهاريج المياه", ara_never);
  const char *const news_never[] = { "تطلق", "أعلنت", "وأكدت", "وتشمل", "ويبدأ", "يشمل", "يطور", "وتنظم", "يوم",
                                     "الأحد", "أيلول", "تشرين", "سبت", "الساعة", "والتعليم", "لتعليم", NULL };
  /* root letters stay: "وزارة", "لجنة", and "تعليم" is a noun */
  const char *const news_want[] = { "وزارة التربية", "تعليم البرمجة", "لجنة التعليم" };
  for (size_t i = 0; i < G_N_ELEMENTS(news_want); i++)
    expect_no_function_words_within_in("ara_news", "ara", news_want[i], news_never);
  /* masculine perfects, in a news story's VSO clauses and a notice's
   * "you"/"we" (issue 12); the verbal nouns of their roots stay nouns */
  const char *const report_never[] = { "أعلن", "وقال", "وأضاف", "وأكد", "قررت", "واستقبل", "وناقش", "وشارك",
                                       "واتفقوا", "وقرر", "وأشار", "وكان", "طالبوا", "واستقبلوا", "وذكر", "ذكرت", NULL };
  expect_no_function_words_within_in("ara_report", "ara", "مستشفى الزرقاء", report_never);
  expect_no_function_words_within_in("ara_report", "ara", "وزير الصحة", report_never);
  const char *const circular_never[] = { "قدمتم", "استلمنا", "واستأجرنا", "وقرر", "سجلتم", "فاحضروا", "انتقلوا",
                                         "راجعوا", NULL };
  expect_no_function_words_within_in("ara_circular", "ara", "السكن الجامعي", circular_never);
  expect_no_function_words_within_in("ara_circular", "ara", "مجلس العمادة", circular_never);
  expect_no_function_words_within_in("ara_circular", "ara", "إعلان", circular_never);
  /* not "בשכונה": the text has no "שכונה" to show its ב is a preposition's */
  const char *const heb_never[] = { "בשל", "ביום", "שלישי", "במאי", "מאי", "השעות", NULL };
  expect_no_function_words_within_in("heb_notice", "heb", "הפסקת מים", heb_never);
  const char *const hnews_never[] = { "ביום", "ראשון", "בספטמבר", "אוקטובר", "שלישי", "בשעה", "ארבע", "ללימוד",
                                      "בחודש", "חודש", "שעבר", NULL };
  expect_no_function_words_within_in("heb_news", "heb", "משרד החינוך", hnews_never);
  expect_no_function_words_within_in("heb_news", "heb", "לימוד תכנות", hnews_never);
  /* verbs (issue 12): before the object marker, after a subject pronoun,
   * an infinitive, a past's or a future's ending, a participle after its
   * definite subject */
  const char *const hreport_never[] = { "אמר", "הוסיפה", "אישרו", "וביקשו", "לבדוק", "קיבלו", "ואמרו", NULL };
  expect_no_function_words_within_in("heb_report", "heb", "מרכז קהילתי", hreport_never);
  expect_no_function_words_within_in("heb_report", "heb", "עיריית חיפה", hreport_never);
  const char *const circular_heb_never[] = { "מבקש", "להודיע", "יתבצעו", "אנו", "מבקשים", "לפנות", "החלטנו",
                                             "להחליף", "סיים", "הגשתם", "נבדוק", "שילמו", "להסדיר", NULL };
  expect_no_function_words_within_in("heb_circular", "heb", "חדר המדרגות", circular_heb_never);
  expect_no_function_words_within_in("heb_circular", "heb", "עבודות צביעה", circular_heb_never);
  const char *const hnews_verbs[] = { "משיק", NULL };
  expect_no_function_words_within_in("heb_news", "heb", "משרד החינוך", hnews_verbs);
  /* a construct form the text always follows with its noun is no tag alone */
  expect_no_function_words_within_in("heb_news", "heb", "ועדת החינוך", hnews_never);
  const char *const construct[] = { "הפסקת", "ועדת", "מעבדת" };
  for (int f = 0; f < 2; f++) {
    char *text = tagdata_text(f ? "heb_news" : "heb_notice");
    tag_outcome out = tag_text(text, "heb", 10);
    for (size_t i = 0; i < G_N_ELEMENTS(construct); i++)
      if (has_tag(&out, construct[i]))
        fail_msg("heb: the construct form \"%s\" is a tag alone", construct[i]);
    tag_outcome_clear(&out);
    g_free(text);
  }
  /* a definite adjective of a hif'il past's shape after a definite noun,
   * before "של" or a finite verb, is one ("המנהל הבכיר"); a past before
   * its complement stays a verb ("הדירקטוריון החליט למנות") */
  tag_outcome senior = tag_text("מינוי חדש בחברה\n"
                                "המנהל הבכיר של החברה הודיע אתמול על פרישתו. המנהל הבכיר ניהל את החברה במשך "
                                "עשר שנים. הדירקטוריון החליט למנות מנהל חדש. העובד הוותיק קיבל את התפקיד. "
                                "החברה מעסיקה אלפי עובדים. הדירקטוריון הודיע כי המינוי ייכנס לתוקף בחודש הבא.",
                                "heb", 10);
  if (!has_tag(&senior, "המנהל הבכיר"))
    fail_msg("heb: no tag \"המנהל הבכיר\"");
  for (size_t i = 0; i < senior.count; i++)
    if (strstr(senior.items[i].tag, "החליט") || strstr(senior.items[i].tag, "הודיע"))
      fail_msg("heb: the tag \"%s\" holds a verb", senior.items[i].tag);
  tag_outcome_clear(&senior);
  /* after a verb, the definite subject and the definite object are two
   * phrases, also where the object has an adjective's shape: "المعرض",
   * which the text writes after a preposition ("في المعرض"), and
   * "الأجنحة", a broken plural (أفعلة); a noun keeps its adjective */
  char *fair = tagdata_text("ara_fair");
  tag_outcome fo = tag_text(fair, "ara", 10);
  print_tags("ara_fair", &fo);
  if (!has_tag(&fo, "المعرض السنوي"))
    fail_msg("ara: no tag \"المعرض السنوي\"");
  for (size_t i = 0; i < fo.count; i++)
    if (strstr(fo.items[i].tag, "المحافظ المعرض") || strstr(fo.items[i].tag, "الوزير الأجنحة"))
      fail_msg("ara: the tag \"%s\" joins a subject and an object", fo.items[i].tag);
  tag_outcome_clear(&fo);
  g_free(fair);
  /* ... and one the text also writes with an adjective's ending
   * ("הבכירים"), before neither: "הרופא הבכיר במחלקה" */
  char *hospital = tagdata_text("heb_hospital");
  tag_outcome ho = tag_text(hospital, "heb", 10);
  print_tags("heb_hospital", &ho);
  if (!has_tag(&ho, "הרופא הבכיר"))
    fail_msg("heb: no tag \"הרופא הבכיר\"");
  tag_outcome_clear(&ho);
  g_free(hospital);
  /* Persian and Urdu: the Arabic rules are not theirs */
  const char *const none[] = { NULL };
  expect_no_function_words_in("fas_notice", "fas", "شرکت آب", none);
  expect_no_function_words_in("fas_notice", "fas", "منطقه شمالی شهر", none);
  expect_no_function_words_in("urd", "urd", "فضائی آلودگی", none);
}

static void test_function_word_guess(void **state)
{
  (void)state;
  fw_score en = { 0 }, hi = { 0 };
  fw_measure(ABSTRACT, &en);
  fw_measure("किसानों के लिए फसल बीमा योजना की अंतिम तिथि बढ़ा दी गई है। इस योजना के तहत किसानों को फसल "
             "के नुकसान पर मुआवजा मिलेगा। जिले के सभी किसान अपने बैंक में आवेदन कर सकते हैं और आवेदन के साथ "
             "भूमि के कागज जमा करने होंगे। कृषि विभाग के अधिकारी गांवों में शिविर लगाकर किसानों को योजना की "
             "जानकारी दे रहे हैं और बताया गया है कि अंतिम तिथि के बाद कोई आवेदन स्वीकार नहीं किया जाएगा।",
             &hi);
  print_fw("English abstract", &en);
  print_fw("Hindi notice", &hi);
  /* a short text: only what is surely a function word ("the", "के") */
  assert_true(en.stop_types >= 1 && en.content_types == 0);
  assert_true(hi.stop_types >= 1 && hi.content_types == 0);
  fw_score inspec = { 0 }, semeval = { 0 }, corpus_en = { 0 }, corpus_hi = { 0 };
  if (!fw_measure_dir("keyphrase/inspec-dev/docs", "", 100, &inspec))
    return; /* no ../shared */
  fw_measure_dir("keyphrase/semeval2010-train/docs", "", 20, &semeval);
  fw_measure_dir("corpus/text", "en_", 100, &corpus_en);
  fw_measure_dir("corpus/text", "hi_", 100, &corpus_hi);
  print_fw("Inspec-dev", &inspec);
  print_fw("SemEval-2010-train", &semeval);
  print_fw("corpus English", &corpus_en);
  print_fw("corpus Hindi", &corpus_hi);
  const fw_score *all[] = { &inspec, &semeval, &corpus_en, &corpus_hi };
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
    unsigned int found = all[i]->stop_types + all[i]->content_types;
    assert_true(all[i]->content_types * 6 <= found);                /* at most a sixth content words */
    assert_true(all[i]->stop_tokens_found * 20 >= all[i]->stop_tokens * 9); /* at least 45% of the occurrences */
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pos_table),
    cmocka_unit_test(test_candidates),
    cmocka_unit_test(test_participles_and_title_line),
    cmocka_unit_test(test_head_noun_fragment),
    cmocka_unit_test(test_present_verbs),
    cmocka_unit_test(test_verbs_after_subjects),
    cmocka_unit_test(test_compound_word_count),
    cmocka_unit_test(test_formula_variables),
    cmocka_unit_test(test_known_compounds),
    cmocka_unit_test(test_gerund_heads),
    cmocka_unit_test(test_gerund_objects),
    cmocka_unit_test(test_elided_articles),
    cmocka_unit_test(test_combining_participles),
    cmocka_unit_test(test_of_phrases),
    cmocka_unit_test(test_mixed_names),
    cmocka_unit_test(test_named_numbers),
    cmocka_unit_test(test_past_forms),
    cmocka_unit_test(test_adverbs),
    cmocka_unit_test(test_field_labels),
    cmocka_unit_test(test_document_shape),
    cmocka_unit_test(test_document_shape_french),
    cmocka_unit_test(test_single_words_in_prose),
    cmocka_unit_test(test_administrative_text),
    cmocka_unit_test(test_phrase_position),
    cmocka_unit_test(test_stop_words_and_stemmers),
    cmocka_unit_test(test_icu_segmentation),
    cmocka_unit_test(test_html_entities),
    cmocka_unit_test(test_korean_particles),
    cmocka_unit_test(test_language_identification),
    cmocka_unit_test(test_language_of_long_text),
    cmocka_unit_test(test_tags_in_own_language),
    cmocka_unit_test(test_thai_clauses),
    cmocka_unit_test(test_katakana_loanwords),
    cmocka_unit_test(test_front_matter_lines),
    cmocka_unit_test(test_uncased_heading_lines),
    cmocka_unit_test(test_french_demonstratives),
    cmocka_unit_test(test_list_additions),
    cmocka_unit_test(test_function_words_without_snowball),
    cmocka_unit_test(test_semitic_tags),
    cmocka_unit_test(test_function_word_guess),
    cmocka_unit_test(test_devanagari_languages),
    cmocka_unit_test(test_closed_class_seed),
    cmocka_unit_test(test_urdu_conjunct_verbs),
    cmocka_unit_test(test_urdu_keep_verbs_at_each_occurrence),
    cmocka_unit_test(test_urdu_oblique_determiner),
    cmocka_unit_test(test_han_numbers_verbs_function_words),
    cmocka_unit_test(test_function_word_tests),
    cmocka_unit_test(test_function_words_from_archive),
    cmocka_unit_test(test_verb_forms_not_tags),
    cmocka_unit_test(test_cued_verbs),
    cmocka_unit_test(test_headline_verbs),
    cmocka_unit_test(test_quality_floor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
