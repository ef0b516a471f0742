/* The built-in tagger: recall against the corpus's gold tags (English and
 * Hindi), determinism, num_tags, vocabulary and exclusion, segmentation. */
#include "testutil.h"
#include "tag/lexicon.h"
#include "tag/rules.h"
#include "tag/segment.h"
#include "tag/tag.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The overall English recall on the shared corpus: 26/41 = 0.634 with the
 * tagger of issue 3, 17/41 = 0.415 with the noun-phrase tagger of issue 12,
 * 21/41 = 0.512 once list-like documents (short rows: invoices, notices,
 * recipes) damp tags that share words harder (keyphrase.c, kp_diversity).
 * That tagger trades this measure (a gold label sharing any word with a
 * tag; half the labels, "research abstract", "home cooking", "changelog",
 * are not in the text) for exact keyphrases on public benchmarks
 * (bench/keyphrase.sh: Inspec-dev F1@10 15.1 -> 34.6, SemEval-2010 11.2 ->
 * 17.9). The generated fixtures still reach 0.60 (measured 14/21). With
 * participles read as modifiers and a title line ending its phrases
 * (keyphrase.c): 22/41 = 0.537 on the shared corpus, 15/21 on the
 * fixtures; the floors allow one label less. */
#define EARNED_RECALL_SHARED 0.51
#define RECALL_FLOOR 0.66
#define PAGES 3
#define NUM_TAGS 8

static doctag_ctx *ctx;

static int setup(void **state)
{
  (void)state;
  ctx = tu_ctx();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  doctag_ctx_free(ctx);
  return 0;
}

/* The first `pages` pages of a ground-truth text (pages end at '\f'). */
static char *first_pages(const char *text, unsigned int pages)
{
  const char *p = text;
  for (unsigned int i = 0; i < pages && p; i++) {
    p = strchr(p, '\f');
    if (p && i + 1 < pages)
      p++;
  }
  return p ? g_strndup(text, (gsize)(p - text)) : g_strdup(text);
}

/* The contract's title fallback: the first line of 10..100 characters
 * among the first few lines. */
static char *first_title_line(const char *text)
{
  gchar **lines = g_strsplit(text, "\n", 8);
  char *title = NULL;
  for (gchar **l = lines; *l && !title; l++) {
    char *s = g_strstrip(g_strdup(*l));
    long n = g_utf8_strlen(s, -1);
    if (n >= 10 && n <= 100)
      title = s;
    else
      g_free(s);
  }
  g_strfreev(lines);
  return title;
}

static char *read_truth(json_t *doc)
{
  const char *rel = json_string_value(json_object_get(doc, "truth"));
  if (!rel)
    return NULL;
  char *path = tu_corpus_path(rel);
  char *all = tu_read(path, NULL);
  if (!all)
    fail_msg("cannot read %s", path);
  g_free(path);
  char *text = first_pages(all, PAGES);
  g_free(all);
  return text;
}

typedef struct run_opts {
  unsigned int num_tags;
  const char *const *vocab; size_t nvocab;
  const char *const *excl; size_t nexcl;
  const char *model; const char *key;
  const char *language;
} run_opts;

static tag_outcome run(const char *text, const char *title, run_opts o)
{
  tag_request req = {
    .title = title, .text = text, .language = o.language ? o.language : "eng",
    .num_tags = o.num_tags ? o.num_tags : NUM_TAGS,
    .exclusion = o.excl, .exclusion_count = o.nexcl,
    .vocabulary = o.vocab, .vocabulary_count = o.nvocab,
    .model_name = o.model ? o.model : "local", .api_key = o.key,
  };
  tag_outcome out;
  doctag_status st = tag_run(ctx, &req, &out);
  if (st)
    fail_msg("tag_run: %s", doctag_error_last()->message);
  return out;
}

/* Stems of the content words of a tag. */
static GHashTable *content_stems(const char *tag)
{
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char *clean = rules_clean(tag);
  gchar **words = g_strsplit(clean, " ", -1);
  for (gchar **w = words; *w; w++)
    if (**w && !lex_is_stop(*w))
      g_hash_table_add(set, lex_stem(*w));
  g_strfreev(words);
  g_free(clean);
  return set;
}

/* A gold tag is matched when a returned tag shares a content word with it
 * (compared by light stem). Returns how many of `gold` are matched. */
/* Gold tags matched by a tag sharing a content word; prints
 * "    <label>recall h/n = r  [+matched, -missed, ...]". */
static size_t recall(json_t *gold, const tag_outcome *out, const char *label)
{
  GString *report = g_string_new(NULL);
  size_t hits = 0, i;
  json_t *g;
  json_array_foreach(gold, i, g) {
    GHashTable *gs = content_stems(json_string_value(g));
    bool hit = false;
    for (size_t k = 0; k < out->count && !hit; k++) {
      GHashTable *ts = content_stems(out->items[k].tag);
      GHashTableIter it;
      gpointer w;
      g_hash_table_iter_init(&it, gs);
      while (!hit && g_hash_table_iter_next(&it, &w, NULL))
        hit = g_hash_table_contains(ts, w);
      g_hash_table_destroy(ts);
    }
    g_hash_table_destroy(gs);
    hits += hit;
    g_string_append_printf(report, "%s%s%s", i ? ", " : "", hit ? "+" : "-", json_string_value(g));
  }
  size_t n = json_array_size(gold);
  printf("    %srecall %zu/%zu = %.2f  [%s]\n", label, hits, n, n ? (double)hits / (double)n : 0.0, report->str);
  g_string_free(report, TRUE);
  return hits;
}

/* What every outcome of the built-in tagger guarantees. With a vocabulary
 * the user's terms are kept even when the drop rules would not (a generic
 * word the user chose), but they are still normalised. */
static void check_outcome_mode(const tag_outcome *out, unsigned int num_tags, bool vocabulary)
{
  assert_string_equal(out->model_name, "local");
  assert_non_null(out->raw_response);
  assert_true(out->count <= num_tags);
  for (size_t i = 0; i < out->count; i++) {
    const tag_item *t = &out->items[i];
    char *again = vocabulary ? rules_clean(t->tag) : rules_normalise(t->tag);
    assert_non_null(again);
    assert_string_equal(again, t->tag); /* the rules hold, and are idempotent */
    g_free(again);
    assert_true(t->evidence); /* the built-in tagger only tags what is there */
    assert_true(t->score >= 0.0 && t->score <= 1.0);
    if (i)
      assert_true(t->score <= out->items[i - 1].score);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(t->tag, out->items[j].tag);
  }
}

static void check_outcome(const tag_outcome *out, unsigned int num_tags)
{
  check_outcome_mode(out, num_tags, false);
}

static void print_outcome(const char *path, const tag_outcome *out)
{
  printf("  %s:", path);
  for (size_t i = 0; i < out->count; i++)
    printf("%s %s (%.2f)", i ? "," : "", out->items[i].tag, out->items[i].score);
  printf("\n");
}

static bool is_test_doc(json_t *doc, const char *lang)
{
  return !g_strcmp0(json_string_value(json_object_get(doc, "kind")), "text") &&
         !g_strcmp0(json_string_value(json_object_get(doc, "lang")), lang) &&
         !json_is_true(json_object_get(doc, "benchmark")) && json_object_get(doc, "truth") &&
         json_is_string(json_object_get(doc, "truth"));
}

static void test_english_recall(void **state)
{
  (void)state;
  size_t i, hits = 0, total = 0, docs = 0;
  json_t *doc;
  printf("English documents, %d tags, gold tags matched (+) or not (-):\n", NUM_TAGS);
  json_array_foreach(tu_manifest(), i, doc) {
    json_t *gold = json_object_get(doc, "gold_tags");
    if (!is_test_doc(doc, "eng") || !json_array_size(gold))
      continue;
    char *text = read_truth(doc);
    char *title = first_title_line(text);
    tag_outcome out = run(text, title, (run_opts){ 0 });
    check_outcome(&out, NUM_TAGS);
    assert_int_equal(out.count, NUM_TAGS); /* a page of English has enough */
    print_outcome(json_string_value(json_object_get(doc, "path")), &out);
    hits += recall(gold, &out, "");
    total += json_array_size(gold);
    docs++;
    tag_outcome_clear(&out);
    g_free(title);
    g_free(text);
  }
  if (!docs)
    skip();
  double recall = (double)hits / (double)total;
  printf("English recall over %zu documents: %zu/%zu = %.3f\n", docs, hits, total, recall);
  assert_true(recall >= (tu_shared_corpus() ? EARNED_RECALL_SHARED : RECALL_FLOOR));
}

static bool all_devanagari(const char *tag)
{
  for (const char *p = tag; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isspace(c))
      continue;
    if (g_unichar_get_script(c) != G_UNICODE_SCRIPT_DEVANAGARI && g_unichar_get_script(c) != G_UNICODE_SCRIPT_INHERITED)
      return false;
  }
  return true;
}

static void test_hindi_tags(void **state)
{
  (void)state;
  size_t i, hits = 0, total = 0, docs = 0;
  json_t *doc;
  printf("Hindi documents, %d tags, Hindi gold tags matched (+) or not (-):\n", NUM_TAGS);
  json_array_foreach(tu_manifest(), i, doc) {
    if (!is_test_doc(doc, "hin"))
      continue;
    char *text = read_truth(doc);
    char *title = first_title_line(text);
    tag_outcome out = run(text, title, (run_opts){ .language = "hin" });
    check_outcome(&out, NUM_TAGS);
    assert_true(out.count >= NUM_TAGS / 2);
    for (size_t k = 0; k < out.count; k++) {
      if (!all_devanagari(out.items[k].tag))
        fail_msg("%s: tag \"%s\" is not Devanagari", json_string_value(json_object_get(doc, "path")),
                 out.items[k].tag);
    }
    print_outcome(json_string_value(json_object_get(doc, "path")), &out);
    json_t *gold = json_object_get(doc, "gold_tags_hin");
    if (json_array_size(gold)) {
      hits += recall(gold, &out, "");
      total += json_array_size(gold);
    }
    docs++;
    tag_outcome_clear(&out);
    g_free(title);
    g_free(text);
  }
  if (!docs)
    skip();
  if (total)
    printf("Hindi recall over %zu documents: %zu/%zu = %.3f\n", docs, hits, total, (double)hits / (double)total);
}

/* Bilingual documents: tags in one script, whichever the text mostly uses. */
static void test_mixed_tags(void **state)
{
  (void)state;
  size_t i, docs = 0;
  json_t *doc;
  json_array_foreach(tu_manifest(), i, doc) {
    if (!is_test_doc(doc, "eng+hin"))
      continue;
    char *text = read_truth(doc);
    char *title = first_title_line(text);
    tag_outcome out = run(text, title, (run_opts){ .language = "hin+eng" });
    check_outcome(&out, NUM_TAGS);
    assert_true(out.count >= NUM_TAGS / 2);
    print_outcome(json_string_value(json_object_get(doc, "path")), &out);
    bool deva = all_devanagari(out.items[0].tag);
    for (size_t k = 1; k < out.count; k++)
      assert_int_equal(all_devanagari(out.items[k].tag), deva);
    for (const char *key = "gold_tags"; key; key = strcmp(key, "gold_tags") ? NULL : "gold_tags_hin") {
      json_t *gold = json_object_get(doc, key);
      if (!json_array_size(gold))
        continue;
      char *label = g_strdup_printf("%s ", key);
      recall(gold, &out, label);
      g_free(label);
    }
    docs++;
    tag_outcome_clear(&out);
    g_free(title);
    g_free(text);
  }
  if (!docs)
    skip();
}

/* An English document of the corpus with gold tags, for the option tests. */
static char *some_english_text(char **title)
{
  size_t i, best = 0;
  json_t *doc;
  char *text = NULL;
  json_array_foreach(tu_manifest(), i, doc) {
    if (!is_test_doc(doc, "eng") || !json_array_size(json_object_get(doc, "gold_tags")))
      continue;
    char *t = read_truth(doc);
    if (strlen(t) > best) {
      best = strlen(t);
      g_free(text);
      text = t;
    } else {
      g_free(t);
    }
  }
  if (!text)
    fail_msg("no English text document in the corpus");
  *title = first_title_line(text);
  return text;
}

static void test_deterministic(void **state)
{
  (void)state;
  char *title, *text = some_english_text(&title);
  tag_outcome a = run(text, title, (run_opts){ 0 }), b = run(text, title, (run_opts){ 0 });
  assert_int_equal(a.count, b.count);
  for (size_t i = 0; i < a.count; i++) {
    assert_string_equal(a.items[i].tag, b.items[i].tag);
    assert_true(a.items[i].score == b.items[i].score);
    assert_int_equal(a.items[i].evidence, b.items[i].evidence);
  }
  assert_string_equal(a.raw_response, b.raw_response);
  tag_outcome_clear(&a);
  tag_outcome_clear(&b);
  g_free(title);
  g_free(text);
}

static void test_num_tags(void **state)
{
  (void)state;
  char *title, *text = some_english_text(&title);
  for (unsigned int n = 3; n <= 15; n += 4) {
    tag_outcome out = run(text, title, (run_opts){ .num_tags = n });
    check_outcome(&out, n);
    assert_int_equal(out.count, n);
    tag_outcome_clear(&out);
  }
  /* a short text cannot give 8 tags: fewer, never padding */
  tag_outcome out = run("Monsoon rainfall. Monsoon rainfall over the reservoirs.", NULL, (run_opts){ 0 });
  check_outcome(&out, NUM_TAGS);
  assert_true(out.count >= 1 && out.count < NUM_TAGS);
  tag_outcome_clear(&out);
  g_free(title);
  g_free(text);
}

static bool has_tag(const tag_outcome *out, const char *tag)
{
  for (size_t i = 0; i < out->count; i++)
    if (!strcmp(out->items[i].tag, tag))
      return true;
  return false;
}

static const char *const RENT =
  "Residential Rental Agreement\n\n"
  "The Tenant shall pay a monthly rent to the Landlord. The security deposit is refunded\n"
  "when the tenancy ends. The Landlord keeps the security deposit for unpaid rent.\n\n"
  "Maintenance\n\n"
  "The Tenant pays the maintenance charge. Repairs to the water pump are the Landlord's.\n"
  "Contact: landlord@example.com, https://example.com/rent, +91 20 2553 0917, 14 March 2024.\n";

static void test_vocabulary(void **state)
{
  (void)state;
  const char *vocab[] = { "Security Deposit", "tenants", "LANDLORD", "water-pump", "blockchain",
                          "monthly rent", "contact" };
  tag_outcome out = run(RENT, NULL, (run_opts){ .vocab = vocab, .nvocab = G_N_ELEMENTS(vocab) });
  print_outcome("vocabulary", &out);
  check_outcome_mode(&out, NUM_TAGS, true);
  /* only vocabulary terms, spelt as the vocabulary (lower-cased, rules
   * applied), found in the text even as another inflection */
  assert_true(has_tag(&out, "security deposit"));
  assert_true(has_tag(&out, "tenants"));
  assert_true(has_tag(&out, "landlord"));
  assert_true(has_tag(&out, "water-pump")); /* "water pump" in the text */
  assert_true(has_tag(&out, "monthly rent"));
  assert_true(has_tag(&out, "contact")); /* the user's list wins over the generic set */
  assert_false(has_tag(&out, "blockchain")); /* not in the text */
  assert_int_equal(out.count, 6);
  for (size_t i = 0; i < out.count; i++)
    assert_non_null(rules_vocabulary_match(out.items[i].tag, vocab, G_N_ELEMENTS(vocab)));
  tag_outcome_clear(&out);

  /* vocabulary and exclusion together: exclusion wins */
  const char *excl[] = { "landlord" };
  out = run(RENT, NULL, (run_opts){ .vocab = vocab, .nvocab = G_N_ELEMENTS(vocab), .excl = excl, .nexcl = 1 });
  assert_false(has_tag(&out, "landlord"));
  assert_true(has_tag(&out, "security deposit"));
  tag_outcome_clear(&out);
}

static void test_exclusion(void **state)
{
  (void)state;
  char *title, *text = some_english_text(&title);
  tag_outcome plain = run(text, title, (run_opts){ 0 });
  assert_true(plain.count >= 3);
  /* exclude the first tag and a word of the second */
  char *first = g_strdup(plain.items[0].tag);
  gchar **second_words = g_strsplit(plain.items[1].tag, " ", -1);
  const char *excl[] = { first, second_words[0] };
  tag_outcome out = run(text, title, (run_opts){ .excl = excl, .nexcl = 2 });
  print_outcome("excluding", &out);
  check_outcome(&out, NUM_TAGS);
  assert_int_equal(out.count, NUM_TAGS); /* others take their places */
  assert_false(has_tag(&out, first));
  for (size_t i = 0; i < out.count; i++)
    assert_false(rules_excluded(out.items[i].tag, excl, 2));
  tag_outcome_clear(&out);
  tag_outcome_clear(&plain);
  g_strfreev(second_words);
  g_free(first);
  g_free(title);
  g_free(text);
}

/* raw_response's "script" is Unicode's name of the script the tags are
 * written in, whichever way the text was tagged: Tamil and Bengali notices
 * were said to be "Latin" (issue 12), as was every script but Devanagari.
 * Only English is ranked with WordNet, and the method says so. */
static void test_script_named(void **state)
{
  (void)state;
  static const struct {
    const char *lang, *script, *text;
  } cases[] = {
    { "tam", "Tamil",
      "நகராட்சி அலுவலகம், வேலூர்பட்டி\nபொருள்: குடிநீர் வரி செலுத்துதல்\n"
      "நகராட்சி எல்லைக்குள் குடிநீர் இணைப்பு உள்ளவர்கள் குடிநீர் வரி செலுத்த வேண்டும்.\n" },
    { "ben", "Bengali",
      "জেলা গ্রন্থাগার, নবগ্রাম\nবিষয়: নতুন সদস্যপদ ও বই ফেরতের নিয়ম\n"
      "নতুন সদস্যপদ দেওয়া শুরু হবে, চাঁদা দশ দিনের মধ্যে জমা দিতে হবে। গ্রন্থাগার বন্ধ থাকবে।\n" },
    { "guj", "Gujarati", "માનવ અધિકારોની વિશ્વવ્યાપી ઘોષણા\nસર્વ માનવો જન્મથી સ્વતંત્ર અને સમાન હોય છે.\n" },
    { "pan", "Gurmukhi", "ਮਨੁੱਖੀ ਅਧਿਕਾਰਾਂ ਬਾਰੇ ਵਿਸ਼ਵਵਿਆਪੀ ਐਲਾਨਨਾਮਾ\nਸਾਰੇ ਲੋਕ ਬਰਾਬਰ ਹਨ ਅਤੇ ਆਜ਼ਾਦ ਹਨ।\n" },
    { "ori", "Oriya", "ମାନବ ଅଧିକାରର ସାର୍ବଜନୀନ ଘୋଷଣା\nସବୁ ମଣିଷ ଜନ୍ମକାଳରୁ ସ୍ୱାଧୀନ ଏବଂ ମର୍ଯ୍ୟାଦା ଓ ଅଧିକାରରେ ସମାନ।\n" },
    { "tel", "Telugu", "మానవస్వత్వముల సార్వలౌకిక ప్రకటన\nమానవులెల్లరును జన్మతః స్వతంత్రులును సమానులును నగుదురు.\n" },
    { "kan", "Kannada", "ಮಾನವ ಬಾಧ್ಯತೆಗಳ ಸಾರ್ವತ್ರಿಕ ಪ್ರಕಟನೆ\nಎಲ್ಲಾ ಮಾನವರೂ ಸ್ವತಂತ್ರರಾಗಿಯೇ ಜನಿಸಿದ್ದಾರೆ.\n" },
    { "mal", "Malayalam", "മനുഷ്യാവകാശങ്ങളെക്കുറിക്കുന്ന പൊതുപ്രഖ്യാപനം\nമനുഷ്യരെല്ലാവരും തുല്യാവകാശങ്ങളോടും അന്തസ്സോടും കൂടി ജനിച്ചവരാണ്.\n" },
    { "hin", "Devanagari", "ज़िला समाज कल्याण अधिकारी\nविषय: वृद्धावस्था पेंशन\nपेंशन के लिए जीवन प्रमाण पत्र जमा करें।\n" },
    { "eng", "Latin", "Water supply notice\nThe water supply to Ward 4 will be interrupted for pipeline repairs.\n" },
    { "tha", "Thai", "ประกาศเทศบาลตำบลบ้านนา\nเทศบาลตำบลบ้านนาจะจัดตลาดนัดชุมชนทุกวันเสาร์แรกของเดือน\n" },
    { "zho", "Han", "城市垃圾分类的实施效果\n垃圾分类是城市环境管理的重要措施。\n" },
    { "jpn", "Han", "水道料金のお知らせ\n市内の水道の更新工事を行います。\n" },
    { "kor", "Hangul", "세계 인권 선언\n모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다.\n" },
    { "ara", "Arabic", "الإعلان العالمي لحقوق الإنسان\nيولد جميع الناس أحرارا متساوين في الكرامة والحقوق.\n" },
    { "heb", "Hebrew", "ההכרזה לכל באי עולם בדבר זכויות האדם\nכל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם.\n" },
    { "rus", "Cyrillic", "Всеобщая декларация прав человека\nВсе люди рождаются свободными и равными в своем достоинстве и правах.\n" },
    { "ell", "Greek", "Οικουμενική Διακήρυξη για τα Ανθρώπινα Δικαιώματα\nΌλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι.\n" },
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    /* a vocabulary of the text's first tag: the other way of tagging */
    for (int vocab = 0; vocab < 2; vocab++) {
      tag_outcome plain = vocab ? run(cases[c].text, NULL, (run_opts){ .language = cases[c].lang }) : (tag_outcome){ 0 };
      const char *terms[] = { plain.count ? plain.items[0].tag : "" };
      tag_outcome out = run(cases[c].text, NULL,
                            (run_opts){ .language = cases[c].lang, .vocab = vocab ? terms : NULL, .nvocab = (size_t)vocab });
      check_outcome_mode(&out, NUM_TAGS, vocab);
      if (!out.count)
        fail_msg("%s%s: no tags", cases[c].lang, vocab ? " (vocabulary)" : "");
      /* its own tag found again, also where words are written together
       * ("垃圾分类" is two words of the text, "ตลาดนัดชุมชน" three) */
      if (vocab && !has_tag(&out, terms[0]))
        fail_msg("%s: the vocabulary's \"%s\" is not a tag", cases[c].lang, terms[0]);
      json_t *raw = json_loads(out.raw_response, 0, NULL);
      assert_non_null(raw);
      const char *script = json_string_value(json_object_get(raw, "script"));
      if (g_strcmp0(script, cases[c].script))
        fail_msg("%s%s: script \"%s\", not %s", cases[c].lang, vocab ? " (vocabulary)" : "",
                 script ? script : "(none)", cases[c].script);
      const char *method = json_string_value(json_object_get(raw, "method"));
      if (method)
        assert_int_equal(strstr(method, "WordNet") != NULL, !strcmp(cases[c].lang, "eng"));
      json_decref(raw);
      tag_outcome_clear(&out);
      tag_outcome_clear(&plain);
    }
  }
}

static void test_no_key_runs_local(void **state)
{
  (void)state;
  tag_outcome out = run(RENT, NULL, (run_opts){ .model = "openai/gpt-4o-mini", .key = NULL });
  check_outcome(&out, NUM_TAGS); /* says "local" */
  assert_true(out.count > 0);
  tag_outcome_clear(&out);
  out = run(RENT, NULL, (run_opts){ .model = "openai/gpt-4o-mini", .key = "" });
  assert_string_equal(out.model_name, "local");
  tag_outcome_clear(&out);
}

/* Numbers, dates, codes, e-mails and URLs are never tags; phrases never
 * cross punctuation or a heading's edge. */
static void test_not_tags(void **state)
{
  (void)state;
  const char *text =
    "Invoice BDS/2024/0117 GSTIN 27AAKCB4471M1Z3 dated 14 March 2024.\n"
    "Write to accounts@brightdesk.example or visit https://brightdesk.example/pay.\n"
    "Ergonomic chair, office desk. Ergonomic chair; office desk. Ergonomic chair, office desk.\n\n"
    "Desk Lamps\n\n"
    "Office furniture arrives within 30 days. Office furniture is assembled on site.\n"
    "Health services health services health services health checks.\n";
  tag_outcome out = run(text, NULL, (run_opts){ .num_tags = 15 });
  print_outcome("codes", &out);
  check_outcome(&out, 15);
  for (size_t i = 0; i < out.count; i++) {
    const char *t = out.items[i].tag;
    for (const char *p = t; *p; p++)
      assert_false(g_ascii_isdigit(*p));
    assert_null(strstr(t, "example"));
    assert_null(strstr(t, "https"));
    assert_null(strstr(t, "march"));
    assert_null(strstr(t, "chair office")); /* across a comma */
    assert_null(strstr(t, "lamps office")); /* across a heading's edge */
    /* a phrase never repeats one of its words */
    gchar **w = g_strsplit(t, " ", -1);
    for (guint a = 0; w[a]; a++)
      for (guint b = a + 1; w[b]; b++)
        if (!strcmp(w[a], w[b]))
          fail_msg("tag \"%s\" repeats \"%s\"", t, w[a]);
    g_strfreev(w);
  }
  assert_true(has_tag(&out, "ergonomic chair"));
  assert_true(has_tag(&out, "health services"));
  assert_false(has_tag(&out, "services health"));   /* the same words the other way round */
  tag_outcome_clear(&out);
}

/* A word before a light verb each time it comes ("जमा करना", to deposit;
 * "जमा न करने", not depositing) is a conjunct verb's first part: no tag,
 * and no word ending one ("प्रमाण पत्र जमा"). A noun that also comes
 * elsewhere ("टीकाकरण किया जाएगा" and "टीकाकरण शिविर") stays a word. */
static void test_conjunct_verbs(void **state)
{
  (void)state;
  assert_true(lex_is_light_verb("करना", "hin") && lex_is_light_verb("होगा", "hin"));
  assert_false(lex_is_light_verb("की", "hin")); /* also "of" */
  assert_false(lex_is_light_verb("करना", "eng"));
  const char *text = "आय प्रमाण पत्र जमा करने की सूचना\n"
                     "सभी आवेदक अपना आय प्रमाण पत्र जमा करें। आय प्रमाण पत्र 30 जून तक तहसील कार्यालय में जमा किए "
                     "जा सकेंगे। समय पर आय प्रमाण पत्र जमा न करने पर छात्रवृत्ति रोक दी जाएगी। छात्रवृत्ति की राशि "
                     "बैंक खाते में भेजी जाएगी। गाँव में टीकाकरण किया जाएगा और टीकाकरण शिविर पंचायत भवन में लगेगा। "
                     "टीकाकरण शिविर सुबह दस बजे से चलेगा।";
  tag_outcome out = run(text, NULL, (run_opts){ .language = "hin" });
  print_outcome("conjunct verbs", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "जमा"))
      fail_msg("tag \"%s\" holds the conjunct verb's \"जमा\"", out.items[i].tag);
  assert_true(has_tag(&out, "आय प्रमाण पत्र"));
  assert_true(has_tag(&out, "टीकाकरण शिविर") || has_tag(&out, "टीकाकरण"));
  tag_outcome_clear(&out);
  /* a word that mostly makes conjunct verbs (tag/data/conjunct_hin.txt)
   * is one after a single occurrence before a light verb: "शुरू" (begun)
   * of "अभियान शुरू किया" was a tag */
  const char *dengue = "डेंगू से बचाव अभियान\n"
                       "स्वास्थ्य विभाग ने शहर में डेंगू से बचाव अभियान शुरू किया है। बारिश के बाद गलियों में पानी जमा "
                       "होने से मच्छर पैदा होते हैं। नागरिक अपने घरों में पुराने बर्तन और टायर खाली रखें। अभियान के "
                       "दौरान टीमें हर मोहल्ले में मच्छर मारने की दवा का छिड़काव करेंगी। बुखार होने पर नजदीकी अस्पताल "
                       "में जांच कराएं। जांच शिविर पंचायत भवन में आयोजित किया जाएगा।";
  out = run(dengue, NULL, (run_opts){ .language = "hin" });
  print_outcome("conjunct verbs once", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "शुरू") || strstr(out.items[i].tag, "पैदा") || strstr(out.items[i].tag, "आयोजित"))
      fail_msg("tag \"%s\" holds a conjunct verb's first part", out.items[i].tag);
  assert_true(has_tag(&out, "डेंगू"));
  tag_outcome_clear(&out);
  /* "keep" and "stay" make conjunct verbs with those words ("टायर साफ
   * रखें", keep the tyres clean; "जारी रहेगा", will go on), and a pronoun
   * with its postposition is a function word: "साफ" and "उनमें" (in them)
   * were tags */
  assert_true(lex_is_keep_verb("रखें", "hin") && !lex_is_light_verb("रखें", "hin"));
  const char *traffic = "यातायात पुलिस के निर्देश\n"
                        "मोटरसाइकिल चालकों से अनुरोध है कि यात्रा से पहले अपने वाहन की जांच करें। टायर साफ रखें और उनमें "
                        "हवा का दबाव जांचें। ब्रेक और लाइट की जांच आवश्यक है। हेलमेट पहनना अनिवार्य है और उल्लंघन पर "
                        "जुर्माना लगाया जाएगा। यातायात पुलिस का अभियान अगले महीने तक जारी रहेगा। नागरिक यातायात नियमों "
                        "का पालन करें और दुर्घटनाओं से बचें।";
  out = run(traffic, NULL, (run_opts){ .language = "hin", .num_tags = 10 });
  print_outcome("keep verbs", &out);
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "साफ") || strstr(out.items[i].tag, "उनमें") || strstr(out.items[i].tag, "जारी"))
      fail_msg("tag \"%s\" holds a conjunct verb's first part or a pronoun", out.items[i].tag);
  assert_true(has_tag(&out, "यातायात पुलिस"));
  tag_outcome_clear(&out);
}

/* tests/unit/tagdata/NAME.txt tagged as Hindi, 15 tags. */
static tag_outcome run_tagdata_hin(const char *name)
{
  char *path = g_strdup_printf("%s/tests/unit/tagdata/%s.txt", getenv("DOCTAG_SOURCE_DIR"), name);
  char *text = tu_read(path, NULL);
  assert_non_null(text);
  tag_outcome out = run(text, NULL, (run_opts){ .language = "hin", .num_tags = 15 });
  print_outcome(name, &out);
  g_free(text);
  g_free(path);
  return out;
}

/* A conjunct verb's first part is one at each occurrence before "keep",
 * "stay" or a light verb, whatever the word's other occurrences: "घर साफ
 * रखें" (keep the house clean) beside "साफ पानी" (clean water) made "साफ"
 * a tag; an adjective before "keep" or "stay" is the predicate ("केंद्र
 * खुले रहेंगे", the centres will stay open: "खुले" was a tag), and "ध्यान"
 * of "ध्यान रखें" (keep in mind) makes such a verb too (it was a tag). */
static void test_keep_verbs_at_each_occurrence(void **state)
{
  (void)state;
  tag_outcome out = run_tagdata_hin("hin_health_notice");
  for (size_t i = 0; i < out.count; i++)
    if (!strcmp(out.items[i].tag, "साफ") || g_str_has_suffix(out.items[i].tag, " साफ") ||
        strstr(out.items[i].tag, "खुले"))
      fail_msg("tag \"%s\" holds the predicate of \"keep\" or \"stay\"", out.items[i].tag);
  assert_true(has_tag(&out, "डेंगू"));
  tag_outcome_clear(&out);
  out = run_tagdata_hin("hin_polling_notice");
  for (size_t i = 0; i < out.count; i++)
    if (strstr(out.items[i].tag, "ध्यान"))
      fail_msg("tag \"%s\" holds \"ध्यान\" of \"ध्यान रखें\"", out.items[i].tag);
  assert_true(has_tag(&out, "पहचान पत्र"));
  assert_true(lex_is_conjunct_part("ध्यान", "hin"));
  /* the polite imperative keeps too: "सुरक्षित रखिए" (please keep safe) */
  assert_true(lex_is_keep_verb("रखिए", "hin") && lex_is_keep_verb("रहिए", "hin"));
  tag_outcome_clear(&out);
}

static const seg_token *find_word(GArray *t, const char *w)
{
  for (guint i = 0; i < t->len; i++)
    if (!strcmp(g_array_index(t, seg_token, i).word, w))
      return &g_array_index(t, seg_token, i);
  return NULL;
}

/* The segmenter answers the Devanagari block's classes without glib's
 * tables (segment.c): they must be glib's answers, character by character. */
static void test_devanagari_classes_are_glibs(void **state)
{
  (void)state;
  for (gunichar c = 0x0900; c < 0x0980; c++) {
    char s[8] = { 0 };
    g_unichar_to_utf8(c, s);
    if (seg_is_word_char(c) != (g_unichar_isalnum(c) || g_unichar_ismark(c)))
      fail_msg("U+%04X: seg_is_word_char() is not glib's isalnum || ismark", c);
    /* a word's script is its first letter's: none when glib has no letter */
    if ((seg_word_script(s) != G_UNICODE_SCRIPT_COMMON) != (bool)g_unichar_isalpha(c))
      fail_msg("U+%04X: a letter for the segmenter, not for glib (or the reverse)", c);
    /* no case, no space: a token of its own, never capitalised */
    assert_false(g_unichar_isupper(c) || g_unichar_istitle(c) || g_unichar_islower(c) || g_unichar_isspace(c));
    GArray *t = seg_split(s);
    for (guint i = 0; i < t->len; i++) {
      const seg_token *k = &g_array_index(t, seg_token, i);
      assert_false(k->cap);
      if (g_unichar_isdigit(c) && k->kind == SEG_WORD)
        fail_msg("U+%04X, a digit, made a word", c);
    }
    seg_free(t);
  }
}

static void test_segmentation(void **state)
{
  (void)state;
  /* Devanagari: matras, virama, nukta, anusvara, chandrabindu stay inside
   * the word; danda ends a sentence. */
  GArray *t = seg_split("किसानों की फ़सल बीमा योजना। पहुँचे विद्यार्थियों ने प्रवेश-पत्र लिया॥ अंतिम");
  const char *expect[] = { "किसानों", "की", "फ़सल", "बीमा", "योजना", "पहुँचे", "विद्यार्थियों", "ने",
                           "प्रवेश", "पत्र", "लिया", "अंतिम" };
  assert_int_equal(t->len, G_N_ELEMENTS(expect));
  for (guint i = 0; i < t->len; i++) {
    const seg_token *k = &g_array_index(t, seg_token, i);
    char *want = g_utf8_normalize(expect[i], -1, G_NORMALIZE_NFC);
    assert_string_equal(k->word, want);
    g_free(want);
    assert_int_equal(k->kind, SEG_WORD);
    assert_int_equal(k->script, SEG_SCRIPT_DEVANAGARI);
  }
  assert_true(find_word(t, "पहुँचे")->brk);   /* after the danda */
  assert_true(find_word(t, "पहुँचे")->sentence);
  assert_false(find_word(t, "पत्र")->brk);    /* a hyphen joins */
  assert_true(find_word(t, "अंतिम")->brk);    /* after the double danda */
  seg_free(t);

  /* English: possessives, hyphens, numbers, codes, headings, pages */
  t = seg_split("Tenant's deposit of ₹1,12,000 and e-mail a.m. R21 x86-64.\n"
                "Interest-\nfree loan\n\nBug Fixes\n\nFixed a crash when the file was empty.\fNext page here");
  assert_non_null(find_word(t, "tenant"));
  assert_int_equal(find_word(t, "1,12,000")->kind, SEG_NUMBER);
  assert_int_equal(find_word(t, "a.m")->kind, SEG_CODE);
  assert_int_equal(find_word(t, "mail")->kind, SEG_WORD);
  assert_int_equal(find_word(t, "r21")->kind, SEG_WORD); /* a name: see test_mixed_tokens */
  assert_true(find_word(t, "64")->hyphen);
  assert_false(find_word(t, "free")->brk); /* the line-end hyphen joins */
  assert_true(find_word(t, "bug")->heading);
  assert_true(find_word(t, "bug")->brk);
  assert_false(find_word(t, "fixes")->brk);
  assert_true(find_word(t, "fixed")->brk);
  assert_false(find_word(t, "fixed")->heading);
  assert_int_equal(find_word(t, "next")->page, 1);
  assert_true(find_word(t, "next")->brk);
  seg_free(t);

  /* a table whose columns came out one space apart: its header row is
   * joined to no line, and its words are cells; a heading over prose is
   * no header */
  t = seg_split("The library grew this year.\n\nCollection\nCategory Added Withdrawn Total held\n"
                "Books in English 3,420 610 58,900\nChildren's books 2,150 380 19,740\n\n"
                "Reading Rooms Open\nThe two rooms opened in 2024 with 120 seats.\nBoth close at 8 pm.\n");
  assert_true(find_word(t, "category")->brk);
  assert_true(find_word(t, "withdrawn")->brk);
  assert_true(find_word(t, "total")->brk);
  assert_false(find_word(t, "category")->heading);
  assert_true(find_word(t, "collection")->heading);
  assert_true(find_word(t, "books")->brk);
  assert_false(find_word(t, "rooms")->brk); /* "Reading Rooms Open": prose follows */
  seg_free(t);

  /* a signature block: each of its short lines after the last sentence
   * stands alone; a wrapped line before it joins */
  t = seg_split("Complaints may be made to the Assistant Engineer of the\nward office.\n"
                "Executive Engineer\nPublic Works Division\n");
  assert_false(find_word(t, "ward")->brk);
  assert_true(find_word(t, "executive")->brk);
  assert_true(find_word(t, "public")->brk);
  seg_free(t);
}

/* The text's first line, too long for a heading, unfinished and followed
 * by a capital, is a title of its own: no phrase runs into the body
 * ("... industrial fault diagnosis / Machine induction has"). A later
 * line so ended, or a first line continued in lower case, wraps. */
static void test_long_title_line(void **state)
{
  (void)state;
  GArray *t = seg_split("\nAn experimental evaluation of knowledge structures derived through induction: a case "
                        "study of industrial fault diagnosis\n"
                        "Machine induction has been used by\nMicrosoft Research in fault trees\n");
  const seg_token *machine = find_word(t, "machine");
  assert_non_null(machine);
  assert_true(machine->brk);
  assert_true(machine->sentence);
  assert_false(find_word(t, "microsoft")->brk); /* a wrapped line */
  seg_free(t);
  /* a two-line heading on top wraps, however long its first line */
  t = seg_split("Public Notice: Interruption of Water\nSupply\n\n"
                "Residents are informed that the water supply to the areas listed below will be interrupted.\n");
  assert_true(find_word(t, "supply")->heading);
  assert_false(find_word(t, "supply")->brk);
  seg_free(t);
  t = seg_split("Durability of protection after a seasonal influenza vaccination campaign among older\n"
                "adults in three countries\n");
  assert_false(find_word(t, "adults")->brk);
  seg_free(t);
}

/* The token of `word` in `t`, failing the test when there is none. */
static const seg_token *must_find(GArray *t, const char *word)
{
  const seg_token *k = find_word(t, word);
  if (!k)
    fail_msg("no token \"%s\"", word);
  return k;
}

/* Names that mix letters and digits stay one word, written as they are
 * (lower-cased like every word), so a phrase can run through them: "3D
 * reconstruction", "IPv6 networks", "H.264 coding", "MPEG-4 video". Numbers,
 * dates, amounts, measures and identifiers stay what they were. */
static void test_mixed_tokens(void **state)
{
  (void)state;
  GArray *t = seg_split("Fast 3D reconstruction of 2DEG and 5G data over IPv6, MP3, B2B and x86 links; "
                        "H.264 and X.509 coding, MPEG-4 video, Type-2 diabetes and COVID-19 care.");
  const char *words[] = { "3d", "2deg", "5g", "ipv6", "mp3", "b2b", "x86", "h.264", "x.509" };
  for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
    assert_int_equal(must_find(t, words[i])->kind, SEG_WORD);
  assert_false(must_find(t, "3d")->brk); /* the phrase runs on */
  assert_false(must_find(t, "reconstruction")->brk);
  assert_false(must_find(t, "h.264")->sentence); /* its dot ends nothing */
  assert_false(must_find(t, "coding")->brk);
  /* a name's number after a hyphen is a word joined to it */
  const char *numbered[] = { "4", "2", "19" };
  for (size_t i = 0; i < G_N_ELEMENTS(numbered); i++) {
    assert_int_equal(must_find(t, numbered[i])->kind, SEG_WORD);
    assert_true(must_find(t, numbered[i])->hyphen);
  }
  assert_false(must_find(t, "video")->brk);
  seg_free(t);

  /* a name's version after a space is a word joined to it ("Web 2.0",
   * "Mac OS 9.1"); a number after a noun that numbers a part ("Section
   * 4.2"), a currency, a sentence's first word or a price ("4.99") is not */
  t = seg_split("We build Web 2.0 tools on Mac OS 9.1 hosts, as Section 4.2 and Table 3.1 show. "
                "About 2.5 million pay Rs 4.5 for a Widget 4.99 kit.");
  const char *versions[] = { "2.0", "9.1" };
  for (size_t i = 0; i < G_N_ELEMENTS(versions); i++) {
    assert_int_equal(must_find(t, versions[i])->kind, SEG_WORD);
    assert_true(must_find(t, versions[i])->version);
    assert_false(must_find(t, versions[i])->brk);
  }
  const char *plain[] = { "4.2", "3.1", "2.5", "4.5", "4.99" };
  for (size_t i = 0; i < G_N_ELEMENTS(plain); i++) {
    assert_int_equal(must_find(t, plain[i])->kind, SEG_NUMBER);
    assert_false(must_find(t, plain[i])->version);
  }
  assert_false(must_find(t, "tools")->brk); /* the phrase runs on */
  seg_free(t);

  /* capitals and four digits name a model or a standard ("ISO9001",
   * "VPP5000"); year-shaped digits only with letters the text writes alone
   * ("JPEG2000" beside "JPEG"; not "FY2024", "TREC2005"); a field's value
   * ("Invoice no: INV4521") is an identifier */
  t = seg_split("JPEG2000 extends JPEG, and ISO9001 audits ran on the VPP5000 at TREC2005.\n"
                "Invoice no: INV4521\nFY2024 totals and Rs2000 fees.");
  const char *models[] = { "jpeg2000", "iso9001", "vpp5000" };
  for (size_t i = 0; i < G_N_ELEMENTS(models); i++)
    assert_int_equal(must_find(t, models[i])->kind, SEG_WORD);
  const char *ids[] = { "trec2005", "inv4521", "fy2024", "rs2000" };
  for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
    assert_int_equal(must_find(t, ids[i])->kind, SEG_CODE);
  seg_free(t);
  /* ... the same letters and digits without "JPEG" alone are a code */
  t = seg_split("JPEG2000 extends the old standard.");
  assert_int_equal(must_find(t, "jpeg2000")->kind, SEG_CODE);
  seg_free(t);

  /* a number, a hyphen and one letter are one word: "3-D", "2-d" (not
   * "3" and a one-letter word); a number before a word stays as it was */
  t = seg_split("Fast 3-D reconstruction of 2-d images on a 3-axis mill.");
  assert_int_equal(must_find(t, "3-d")->kind, SEG_WORD);
  assert_int_equal(must_find(t, "2-d")->kind, SEG_WORD);
  assert_false(must_find(t, "reconstruction")->brk);
  assert_null(find_word(t, "d"));
  assert_int_equal(must_find(t, "3")->kind, SEG_NUMBER);
  assert_true(must_find(t, "axis")->hyphen);
  seg_free(t);

  /* numbers, dates and amounts as before; measures, ordinals, currencies
   * glued to a number, identifiers (long, zero-padded or many digit runs)
   * a lower-case letter after one digit ("3d": days) and a word numbered
   * ("Item2") stay codes */
  t = seg_split("On 12 March 2024, 10:30, pay Rs 4,500.00 for 10mm pipes, 5kg, 2nd floor, 6pm, 4K, flat 3B, "
                "3d ago, Rs500, USD100, INV001, HDFC0001023, 27AAKCB4471M1Z3, FY2024, INV-2024-001, Item2, page3 and "
                "Ward-2024 per clause 4.2.");
  const char *numbers[] = { "12", "2024", "10:30", "4,500.00", "4.2" };
  for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++)
    assert_int_equal(must_find(t, numbers[i])->kind, SEG_NUMBER);
  const char *codes[] = { "10mm", "5kg", "2nd", "6pm", "4k", "3b", "3d", "rs500", "usd100", "inv001",
                          "hdfc0001023", "27aakcb4471m1z3", "fy2024", "inv-2024-001", "item2", "page3" };
  for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
    assert_int_equal(must_find(t, codes[i])->kind, SEG_CODE);
  assert_true(must_find(t, "floor")->brk); /* after a code */
  /* four digits after a hyphen are a number (a year, a code), not a name's */
  assert_int_equal(find_word(t, "2024")->kind, SEG_NUMBER);
  const seg_token *ward = must_find(t, "ward");
  const seg_token *after = ward + 1;
  assert_string_equal(after->word, "2024");
  assert_int_equal(after->kind, SEG_NUMBER);
  seg_free(t);
}

/* Technical names with digits and dots stay whole (issue 12): a version
 * written as one word with its name ("Web2.0"), a version of two-digit
 * parts the text repeats after the same name ("Python 3.11") or of three
 * parts ("Linux 2.6.32"), a standard's number after its body ("ISO
 * 9001:2015", "IEEE 802.11", up to five digits), and letters, a short
 * number and letters joined by hyphens ("quasi-2-d", "MPEG-7-based"). A
 * price or a table's value said once ("Widget 4.99"), an address, a part
 * numbered ("Section4.2"), an age and identifiers stay as they were. A
 * standard's dotted number is a word alone too where the text writes it
 * after its body ("IEEE 802.11" ... "the 802.11 standard"). */
static void test_named_numbers(void **state)
{
  (void)state;
  GArray *t = seg_split("Web2.0 sites run on Linux servers: we moved from Python 2.7 to Python 3.11, and "
                        "the Python 3.11 build runs on Linux 2.6.32 kernels. Audits follow ISO 9001:2015 "
                        "and links IEEE 802.11 with quasi-2-d wells and MPEG-7-based retrieval.");
  assert_int_equal(must_find(t, "web2.0")->kind, SEG_WORD);
  const char *versions[] = { "3.11", "2.6.32", "9001:2015", "802.11" };
  for (size_t i = 0; i < G_N_ELEMENTS(versions); i++) {
    const seg_token *v = must_find(t, versions[i]);
    assert_int_equal(v->kind, SEG_WORD);
    assert_true(v->version);
    assert_false(v->brk);
  }
  const char *numbered[] = { "2", "7" }; /* quasi-2-d, MPEG-7-based */
  for (size_t i = 0; i < G_N_ELEMENTS(numbered); i++) {
    assert_int_equal(must_find(t, numbered[i])->kind, SEG_WORD);
    assert_true(must_find(t, numbered[i])->hyphen);
  }
  assert_true(must_find(t, "based")->hyphen);
  assert_false(must_find(t, "wells")->brk); /* the phrase runs on */
  assert_false(must_find(t, "retrieval")->brk);
  seg_free(t);

  t = seg_split("A Widget 4.99 kit, Server 10.0.0.1 logs, Section4.2 and Rs4.50 notes, a 20-year-old "
                "clerk, IEEE 14 buses and ISO 12 sheets, invoice INV-2024-001, plot AB-12-CD and run "
                "hits-id-10.");
  const char *numbers[] = { "4.99", "10.0.0.1", "14", "12" };
  for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++) {
    assert_int_equal(must_find(t, numbers[i])->kind, SEG_NUMBER);
    assert_false(must_find(t, numbers[i])->version);
  }
  const char *codes[] = { "section4.2", "rs4.50", "20-year-old", "inv-2024-001", "ab-12-cd", "hits-id-10" };
  for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
    assert_int_equal(must_find(t, codes[i])->kind, SEG_CODE);
  seg_free(t);

  /* a dotted standard's number the text writes after its body is a word
   * alone too ("the 802.11 standard"); an undotted one alone is a number
   * ("in 2022" beside "ISO 2022"), and so is a dotted one never after a
   * body ("125.50") */
  t = seg_split("Each 802.11 radio follows IEEE 802.11 and ISO 2022. In 2022 the 125.50 fee rose.");
  const seg_token *bare = must_find(t, "802.11");
  assert_int_equal(bare->kind, SEG_WORD);
  assert_false(bare->version);
  assert_false(must_find(t, "radio")->brk);
  const seg_token *year = NULL;
  for (guint i = 0; i < t->len; i++) {
    const seg_token *k = &g_array_index(t, seg_token, i);
    if (!strcmp(k->word, "2022") && !k->version)
      year = k;
  }
  assert_non_null(year);
  assert_int_equal(year->kind, SEG_NUMBER);
  assert_int_equal(must_find(t, "125.50")->kind, SEG_NUMBER);
  seg_free(t);
}

/* seg_is_nfc() answers most Hindi and English without ICU: it must never
 * call text NFC that normalising changes. Every pair of characters of the
 * Devanagari block (with Latin letters, ZWJ, signs of the Latin-1,
 * punctuation, currency, arrow and maths blocks the shortcut passes, their
 * neighbours it does not, and combining marks that compose with them), the
 * nukta after a consonant and beside the virama, and the nukta letters and
 * stress signs that its shortcut leaves to ICU, spelt both ways. */
static void test_nfc_shortcut(void **state)
{
  (void)state;
  GArray *chars = g_array_new(FALSE, FALSE, sizeof(gunichar));
  for (gunichar c = 0x0900; c <= 0x097F; c++)
    g_array_append_val(chars, c);
  gunichar extra[] = { 'a', 'Q', 'e', '=', 0x200D, 0x200C, 0x0080, 0x00A0, 0x00BD, 0x00C0, 0x00E9, 0x00FF,
                       0x0100, 0x0301, 0x0327, 0x0338, 0x2000, 0x2001, 0x2013, 0x2019, 0x2022, 0x2026, 0x2028,
                       0x2030, 0x205E, 0x205F, 0x20AC, 0x20BF, 0x20D0, 0x2126, 0x212B, 0x2190, 0x2192, 0x2260,
                       0x2264, 0x22FF, 0x2300 };
  g_array_append_vals(chars, extra, G_N_ELEMENTS(extra));
  unsigned int said_nfc = 0;
  for (guint i = 0; i < chars->len; i++) {
    for (guint j = 0; j < chars->len; j++) {
      gunichar pair[2] = { g_array_index(chars, gunichar, i), g_array_index(chars, gunichar, j) };
      char *s = g_ucs4_to_utf8(pair, 2, NULL, NULL, NULL);
      char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
      if (seg_is_nfc(s, -1)) {
        said_nfc++;
        if (strcmp(s, nfc))
          fail_msg("U+%04X U+%04X called NFC, but NFC changes it", pair[0], pair[1]);
      }
      g_free(nfc);
      g_free(s);
    }
  }
  assert_true(said_nfc > chars->len * chars->len / 2); /* the shortcut answers most */
  /* the nukta with the virama around it, after each consonant */
  for (gunichar c = 0x0915; c <= 0x0939; c++) {
    gunichar seqs[][3] = { { c, 0x093C, 0x094D }, { c, 0x094D, 0x093C } };
    for (size_t k = 0; k < G_N_ELEMENTS(seqs); k++) {
      char *s = g_ucs4_to_utf8(seqs[k], 3, NULL, NULL, NULL);
      char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
      if (seg_is_nfc(s, -1) && strcmp(s, nfc))
        fail_msg("U+%04X U+%04X U+%04X called NFC, but NFC changes it", seqs[k][0], seqs[k][1], seqs[k][2]);
      g_free(nfc);
      g_free(s);
    }
  }
  assert_true(seg_is_nfc("\u091C\u093C\u093F\u0932\u093E", -1)); /* ज़िला */
  assert_true(seg_is_nfc("caf\u00E9 \u2013 \u201Cquoted\u201D \u2022 \u00BD \u20AC \u2192 \u2264", -1));
  assert_false(seg_is_nfc("e\u0301", -1));
  assert_false(seg_is_nfc("=\u0338", -1)); /* composes to U+2260 */
  assert_false(seg_is_nfc("\u2126", -1)); /* Ohm: a singleton, NFC is U+03A9 */
  /* the composing and the decomposed nukta spellings: ऩ is न + ़, क़ (U+0958) is not NFC */
  assert_true(seg_is_nfc("\u0929", -1));
  assert_false(seg_is_nfc("\u0928\u093C", -1));
  assert_false(seg_is_nfc("\u0958", -1));
  /* stress signs out of canonical order (230 before 220) */
  assert_false(seg_is_nfc("\u0915\u0951\u0952", -1));
  g_array_free(chars, TRUE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nfc_shortcut),
    cmocka_unit_test(test_devanagari_classes_are_glibs),
    cmocka_unit_test(test_segmentation),
    cmocka_unit_test(test_mixed_tokens),
    cmocka_unit_test(test_named_numbers),
    cmocka_unit_test(test_long_title_line),
    cmocka_unit_test(test_not_tags),
    cmocka_unit_test(test_conjunct_verbs),
    cmocka_unit_test(test_keep_verbs_at_each_occurrence),
    cmocka_unit_test(test_english_recall),
    cmocka_unit_test(test_hindi_tags),
    cmocka_unit_test(test_mixed_tags),
    cmocka_unit_test(test_deterministic),
    cmocka_unit_test(test_num_tags),
    cmocka_unit_test(test_vocabulary),
    cmocka_unit_test(test_exclusion),
    cmocka_unit_test(test_no_key_runs_local),
    cmocka_unit_test(test_script_named),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
