/* Document frequencies from the user's own archive (issue 12): a word
 * common in a user's documents weighs less in that user's tags, and only
 * in theirs; the counts follow the archive through deletes, documents
 * processed again and batch rows recorded again; standalone tagging is
 * unchanged. On SQLite and, when configured, PostgreSQL. */
#include "store_fixture.h"
#include "history/history.h"
#include "tag/tag.h"

#include <jansson.h>
#include <string.h>

static const char *const topics[] = {
  "hydraulic pump", "warehouse inventory", "freight tariff", "customs clearance", "pallet racking",
  "forklift safety", "cold storage", "route planning", "fuel surcharge", "container terminal",
  "delivery window", "returns handling", "barcode scanning", "dock scheduling", "carrier contract",
  "loading ramp", "shipment tracking", "packaging waste", "driver rota", "cargo insurance",
  "crane inspection", "yard management", "tyre pressure", "invoice dispute", "rail freight",
  "air cargo", "port congestion", "temperature logger", "seal integrity", "hazardous goods",
};

/* A letter of the Acme Logistics company about `topic`: the company's name
 * is in every one of them, as a letterhead is. */
static char *letter(const char *topic, unsigned int i)
{
  return g_strdup_printf("Acme Logistics notice %u\n\nAcme Logistics writes about the %s. The %s needs "
                         "attention this month: the %s report lists the open points, and the %s team "
                         "will follow up. Acme Logistics thanks you for your patience.\n",
                         i, topic, topic, topic, topic);
}

/* The letter both archive tests tag: it names the company more often than
 * its subject, the crane inspection. */
static const char crane_letter[] = "Acme Logistics notice 99\n\nAcme Logistics writes about the crane inspection. "
                                   "The crane inspection found rust on the jib. Acme Logistics staff will repair "
                                   "the jib before the next crane inspection, and Acme Logistics thanks you for "
                                   "your patience.\n";

/* Tags `text` as `user` (NULL: standalone), only with the terms of
 * `vocabulary` when it has any. */
static doctag_result *tag_with(fx *f, const char *user, const char *text, const char *const *vocabulary,
                               size_t vocabulary_count)
{
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.num_tags = 5;
  o.user_id = user;
  o.vocabulary = vocabulary;
  o.vocabulary_count = vocabulary_count;
  doctag_result *r = NULL;
  if (doctag_tag_text(f->ctx, &r, text, strlen(text), NULL, &o))
    fail_msg("tag_text: %s", doctag_error_last()->message);
  return r;
}

static doctag_result *tag_as(fx *f, const char *user, const char *text) { return tag_with(f, user, text, NULL, 0); }

/* Where the tag holding `word` comes in the tags (the count when none). */
static size_t rank_of(const doctag_result *r, const char *word)
{
  size_t n = doctag_result_tag_count(r);
  for (size_t i = 0; i < n; i++)
    if (strstr(doctag_result_tag_at(r, i), word))
      return i;
  return n;
}

/* raw_ai_response's "history_df" member (NULL: none). New reference. */
static json_t *history_df_of(const doctag_result *r)
{
  json_t *raw = json_loads(doctag_result_raw_response(r), 0, NULL);
  assert_non_null(raw);
  json_t *h = json_incref(json_object_get(raw, "history_df"));
  json_decref(raw);
  return h;
}

/* `a` has exactly the tags of `b`, in its order. */
static void assert_same_tags(const doctag_result *a, const doctag_result *b)
{
  assert_int_equal(doctag_result_tag_count(a), doctag_result_tag_count(b));
  for (size_t i = 0; i < doctag_result_tag_count(b); i++)
    assert_string_equal(doctag_result_tag_at(a, i), doctag_result_tag_at(b, i));
}

/* raw_ai_response's "history_df": the archive was `used`, counted from
 * `documents` documents (and then with some weight). */
static void assert_history_df(const doctag_result *r, bool used, json_int_t documents)
{
  json_t *h = history_df_of(r);
  assert_non_null(h);
  assert_int_equal(json_is_true(json_object_get(h, "used")), used);
  assert_int_equal(json_integer_value(json_object_get(h, "documents")), documents);
  if (used)
    assert_true(json_real_value(json_object_get(h, "weight")) > 0.2);
  json_decref(h);
}

static void test_common_word_of_the_archive_drops_for_its_owner_only(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com"), *bob = tu_register_user(f->ctx, "bob@example.com");
  for (unsigned int i = 0; i < G_N_ELEMENTS(topics); i++) {
    char *t = letter(topics[i], i);
    doctag_result_free(tag_as(f, alice, t));
    g_free(t);
  }
  const char *query = crane_letter;
  doctag_result *standalone = tag_as(f, NULL, query);
  doctag_result *for_bob = tag_as(f, bob, query);
  doctag_result *for_alice = tag_as(f, alice, query);

  /* the letterhead leads the tags of a document seen alone... */
  assert_int_equal(rank_of(standalone, "acme"), 0);
  /* ...and of Bob's, whose archive is empty: exactly the standalone tags */
  assert_same_tags(for_bob, standalone);
  /* Alice's thirty letters all say it: the subject of this one leads */
  assert_true(rank_of(for_alice, "acme") > rank_of(standalone, "acme"));
  assert_int_equal(rank_of(for_alice, "crane"), 0);

  /* raw_ai_response says so: nothing standalone; Bob's archive is empty;
   * Alice's counted her thirty documents */
  assert_null(history_df_of(standalone));
  assert_history_df(for_bob, false, 0);
  assert_history_df(for_alice, true, G_N_ELEMENTS(topics));

  doctag_result_free(standalone);
  doctag_result_free(for_bob);
  doctag_result_free(for_alice);
  g_free(alice);
  g_free(bob);
}

/* Vocabulary mode ranks the user's own terms by the same statistics, so
 * the archive weighs them too: the company's name, a vocabulary term that
 * all of Alice's letters carry, leads the tags of the letter seen alone and
 * Bob's, and falls behind the letter's subject for Alice. As in Hindi, a
 * term in the title needs more than thirty letters to fall: at 30 its lead
 * narrows from 9 to 1.7 times the subject's score; at 90 the subject leads. */
#define VOCABULARY_LETTERS 90

static void test_vocabulary_term_common_in_the_archive_drops_for_its_owner_only(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com"), *bob = tu_register_user(f->ctx, "bob@example.com");
  for (unsigned int i = 0; i < VOCABULARY_LETTERS; i++) {
    char *t = letter(topics[i % G_N_ELEMENTS(topics)], i);
    doctag_result_free(tag_as(f, alice, t)); /* her archive, tagged freely */
    g_free(t);
  }
  const char *const vocabulary[] = { "Acme Logistics", "crane inspection", "jib", "rust", "warehouse inventory" };
  const char *query = crane_letter;
  doctag_result *standalone = tag_with(f, NULL, query, vocabulary, G_N_ELEMENTS(vocabulary));
  doctag_result *for_bob = tag_with(f, bob, query, vocabulary, G_N_ELEMENTS(vocabulary));
  doctag_result *for_alice = tag_with(f, alice, query, vocabulary, G_N_ELEMENTS(vocabulary));

  /* only the vocabulary's terms (cleaned, as every tag is); "warehouse
   * inventory" is in Alice's archive but not in this letter */
  for (size_t i = 0; i < doctag_result_tag_count(for_alice); i++) {
    const char *t = doctag_result_tag_at(for_alice, i);
    assert_true(!strcmp(t, "acme logistics") || !strcmp(t, "crane inspection") || !strcmp(t, "jib") ||
                !strcmp(t, "rust"));
  }
  assert_int_equal(rank_of(for_alice, "warehouse"), doctag_result_tag_count(for_alice));
  assert_int_equal(rank_of(standalone, "acme logistics"), 0);
  assert_same_tags(for_bob, standalone);
  assert_true(rank_of(for_alice, "acme logistics") > rank_of(standalone, "acme logistics"));
  assert_int_equal(rank_of(for_alice, "crane inspection"), 0);

  assert_null(history_df_of(standalone));
  assert_history_df(for_bob, false, 0);
  assert_history_df(for_alice, true, VOCABULARY_LETTERS);

  doctag_result_free(standalone);
  doctag_result_free(for_bob);
  doctag_result_free(for_alice);
  g_free(alice);
  g_free(bob);
}

/* The same in Hindi, which the phrase tagger of local.c ranks (issue 12):
 * a municipal body's name in all thirty of Alice's notices drops from the
 * top of her tags only; Bob's are the standalone ones. */
static const char *const hindi_topics[] = {
  "फसल बीमा", "बीज वितरण", "सिंचाई नहर", "मिट्टी परीक्षण", "उर्वरक सब्सिडी", "पशु चिकित्सा",
  "मौसम पूर्वानुमान", "भंडारण गोदाम", "बाजार भाव", "किसान ऋण", "जैविक खेती", "ट्रैक्टर किराया",
  "कीट नियंत्रण", "जल संरक्षण", "बागवानी योजना", "डेयरी विकास", "मछली पालन", "सौर पंप",
  "ग्रामीण सड़क", "फल प्रसंस्करण", "मंडी शुल्क", "पेयजल आपूर्ति", "वर्षा जल", "बाढ़ राहत",
  "सूखा सहायता", "वन रोपण", "चारा उत्पादन", "दूध संग्रह", "खाद्य सुरक्षा", "कृषि मेला",
};

/* Three notices on each topic. A letterhead that is also the title leads
 * a document's tags by far (its title boost, first position, frequency):
 * at thirty documents the archive narrows that lead from 11 to 2 times the
 * subject's score; at ninety, the subject leads. */
#define HINDI_NOTICES 90

static char *hindi_notice(const char *topic, unsigned int i)
{
  return g_strdup_printf("नगर निगम सूचना %u\n\nनगर निगम की ओर से %s के बारे में सूचना। %s पर इस महीने ध्यान "
                         "देना आवश्यक है: %s की रिपोर्ट में खुले बिंदु हैं, और %s दल आगे कार्रवाई करेगा। "
                         "नगर निगम आपके धैर्य के लिए धन्यवाद करता है।\n",
                         i, topic, topic, topic, topic);
}

static void test_common_word_of_a_hindi_archive_drops_for_its_owner_only(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com"), *bob = tu_register_user(f->ctx, "bob@example.com");
  for (unsigned int i = 0; i < HINDI_NOTICES; i++) {
    char *t = hindi_notice(hindi_topics[i % G_N_ELEMENTS(hindi_topics)], i);
    doctag_result_free(tag_as(f, alice, t));
    g_free(t);
  }
  const char *query = "नगर निगम सूचना 99\n\nनगर निगम की ओर से तालाब सफाई के बारे में सूचना। नगर निगम के "
                      "कर्मचारियों ने तालाब सफाई का काम शुरू किया। नगर निगम अगली तालाब सफाई से पहले "
                      "किनारे की मरम्मत करेगा, और नगर निगम आपके धैर्य के लिए धन्यवाद करता है।\n";
  doctag_result *standalone = tag_as(f, NULL, query);
  doctag_result *for_bob = tag_as(f, bob, query);
  doctag_result *for_alice = tag_as(f, alice, query);
  assert_string_equal(doctag_result_language(standalone), "hin");

  assert_int_equal(rank_of(standalone, "नगर निगम"), 0);
  assert_same_tags(for_bob, standalone);
  assert_true(rank_of(for_alice, "नगर निगम") > rank_of(standalone, "नगर निगम"));
  assert_int_equal(rank_of(for_alice, "तालाब सफाई"), 0);

  assert_history_df(for_bob, false, 0);
  assert_history_df(for_alice, true, HINDI_NOTICES);

  doctag_result_free(standalone);
  doctag_result_free(for_bob);
  doctag_result_free(for_alice);
  g_free(alice);
  g_free(bob);
}

/* The archive's counts of `word`: *n_docs, and the count of its stem. */
static unsigned int df_of(fx *f, const char *user, const char *word, uint64_t *n_docs, const char *sha)
{
  GPtrArray *terms = tag_terms(word, "eng");
  assert_int_equal(terms->len, 1);
  GHashTable *df = NULL;
  assert_ok(history_df_lookup(f->ctx, user, sha, (const char *const *)terms->pdata, terms->len, n_docs, &df));
  unsigned int c = GPOINTER_TO_UINT(g_hash_table_lookup(df, terms->pdata[0]));
  g_hash_table_unref(df);
  g_ptr_array_free(terms, TRUE);
  return c;
}

static char *job_of(fx *f, const char *user, const char *doc_id)
{
  doctag_document_detail *d = NULL;
  assert_ok(doctag_history_document(f->ctx, &d, user, doc_id));
  char *job = g_strdup(doctag_document_detail_record(d)->job_id);
  doctag_document_detail_free(d);
  return job;
}

static void test_counts_follow_deletes_and_documents_processed_again(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com"), *bob = tu_register_user(f->ctx, "bob@example.com");
  const char *a = "Zebra crossings near the school need new paint, the zebra survey of the town says.";
  const char *b = "The zebra and the yak are the animals of the new petting zoo that opens in spring.";
  doctag_result *a1 = tag_as(f, alice, a), *b1 = tag_as(f, alice, b);
  uint64_t n = 0;
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 2);
  assert_int_equal(n, 2);
  assert_int_equal(df_of(f, alice, "yak", &n, NULL), 1);
  assert_int_equal(df_of(f, alice, "petting", &n, NULL), 1);
  assert_int_equal(df_of(f, alice, "unicorn", &n, NULL), 0);
  /* another user's archive is their own */
  assert_int_equal(df_of(f, bob, "zebra", &n, NULL), 0);
  assert_int_equal(n, 0);

  /* the same text again: one more document in the history, not in the counts */
  doctag_result *a2 = tag_as(f, alice, a);
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 2);
  assert_int_equal(n, 2);
  /* ...and the document being tagged does not count itself */
  assert_int_equal(df_of(f, alice, "zebra", &n, doctag_result_sha256(a2)), 1);
  assert_int_equal(n, 1);

  /* deleting one of the two copies keeps it counted; the last one takes it away */
  char *j1 = job_of(f, alice, doctag_result_document_id(a1)), *j2 = job_of(f, alice, doctag_result_document_id(a2));
  assert_ok(doctag_history_job_delete(f->ctx, alice, j1));
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 2);
  assert_int_equal(n, 2);
  assert_ok(doctag_history_job_delete(f->ctx, alice, j2));
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 1);
  assert_int_equal(n, 1);
  assert_int_equal(df_of(f, alice, "survey", &n, NULL), 0);  /* only a's word: gone */
  assert_int_equal(df_of(f, alice, "yak", &n, NULL), 1);

  /* a batch row recorded again: counted once, and taken back when it fails */
  char *job = NULL;
  assert_ok(history_job_create(f->ctx, alice, NULL, "batch", NULL, 1, &job));
  GPtrArray *terms = tag_terms(a, "eng");
  history_doc d = {
    .row_index = 0, .title = "row", .status = "completed", .text = a, .text_len = strlen(a),
    .sha256 = "00000000000000000000000000000000000000000000000000000000000000aa",
    .terms = (const char *const *)terms->pdata, .term_count = terms->len,
  };
  assert_ok(history_document_record(f->ctx, alice, job, &d, NULL));
  assert_ok(history_document_record(f->ctx, alice, job, &d, NULL));
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 2);
  assert_int_equal(n, 2);
  d.status = "failed";
  d.error_message = "the worker gave up";
  assert_ok(history_document_record(f->ctx, alice, job, &d, NULL));
  assert_int_equal(df_of(f, alice, "zebra", &n, NULL), 1);
  assert_int_equal(n, 1);
  g_ptr_array_free(terms, TRUE);

  /* deleting the whole archive leaves no counts */
  char *jb = job_of(f, alice, doctag_result_document_id(b1));
  assert_ok(doctag_history_job_delete(f->ctx, alice, jb));
  assert_ok(doctag_history_job_delete(f->ctx, alice, job));
  assert_int_equal(df_of(f, alice, "yak", &n, NULL), 0);
  assert_int_equal(n, 0);

  doctag_result_free(a1);
  doctag_result_free(a2);
  doctag_result_free(b1);
  g_free(j1);
  g_free(j2);
  g_free(jb);
  g_free(job);
  g_free(alice);
  g_free(bob);
}

/* A stored PDF processed again is a new single job of the same content:
 * the counts do not move, and delete the original and its copy to take it
 * away. */
static void test_reprocessed_pdf_counts_once(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com");
  char *path = tu_first_text_pdf();
  size_t len = 0;
  char *pdf = tu_read(path, &len);
  if (!pdf)
    fail_msg("no %s", path);
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.user_id = alice;
  doctag_result *r1 = NULL, *r2 = NULL;
  assert_ok(doctag_process_buffer(f->ctx, &r1, pdf, len, &o));
  GPtrArray *terms = tag_terms(doctag_result_text(r1), doctag_result_language(r1));
  assert_true(terms->len > 3);
  uint64_t n = 0;
  unsigned int c = df_of(f, alice, terms->pdata[0], &n, NULL);
  assert_int_equal(c, 1);
  assert_int_equal(n, 1);
  assert_ok(doctag_history_document_reprocess(f->ctx, &r2, alice, doctag_result_document_id(r1), &o));
  json_t *h = history_df_of(r2);
  assert_int_equal(json_integer_value(json_object_get(h, "documents")), 0); /* only itself */
  json_decref(h);
  assert_int_equal(df_of(f, alice, terms->pdata[0], &n, NULL), 1);
  assert_int_equal(n, 1);
  char *j1 = job_of(f, alice, doctag_result_document_id(r1)), *j2 = job_of(f, alice, doctag_result_document_id(r2));
  assert_ok(doctag_history_job_delete(f->ctx, alice, j1));
  assert_int_equal(df_of(f, alice, terms->pdata[0], &n, NULL), 1);
  assert_ok(doctag_history_job_delete(f->ctx, alice, j2));
  assert_int_equal(df_of(f, alice, terms->pdata[0], &n, NULL), 0);
  assert_int_equal(n, 0);
  g_ptr_array_free(terms, TRUE);
  doctag_result_free(r1);
  doctag_result_free(r2);
  g_free(j1);
  g_free(j2);
  g_free(pdf);
  g_free(path);
  g_free(alice);
}

/* A copy of a content recorded while the last other copy is deleted (issue
 * 12): the archive keeps the new copy, so its content stays counted.
 * Thread B records the copy in a transaction that it holds open; thread A
 * then deletes the job of the other copy. Before counting and forgetting
 * were serialised per content, on PostgreSQL A's delete did not see B's
 * uncommitted copy and forgot the content, while B had found it counted
 * and added nothing: the archive then held a completed document with no
 * counts. Now A waits for B (or, on SQLite, for the write lock) and sees
 * the copy. B commits once A has finished or has waited RACE_WAIT_MS: on
 * the old code A finished at once, so the outcome does not depend on the
 * machine's speed. On PostgreSQL it runs twice: as it is, and with the
 * per-user document counter's trigger (0008) disabled, which also makes
 * one user's writers queue on one row, so that the content lock itself is
 * what is tested. */
#define RACE_WAIT_MS 1500

typedef struct race {
  fx *f;
  const char *user, *job_b, *job_a;
  const history_doc *doc;
  GMutex m;
  GCond cv;
  bool recorded, go, deleted;
  doctag_status st_b, st_a;
  char msg_b[256], msg_a[256];
} race;

static gpointer race_copy(gpointer p)
{
  race *r = p;
  struct store *s = NULL;
  store_conn *c = NULL;
  doctag_status st = store_get(r->f->ctx, &s);
  if (st == DOCTAG_OK)
    st = store_acquire(s, &c);
  bool open = st == DOCTAG_OK && (st = store_tx_begin(c)) == DOCTAG_OK;
  if (open)
    st = history_document_record_on(c, r->user, r->job_b, r->doc, NULL);
  g_mutex_lock(&r->m);
  r->recorded = true;
  g_cond_broadcast(&r->cv);
  while (!r->go)
    g_cond_wait(&r->cv, &r->m);
  g_mutex_unlock(&r->m);
  if (open)
    st = store_tx_end(c, st);
  if (st != DOCTAG_OK)
    g_strlcpy(r->msg_b, doctag_error_last()->message, sizeof r->msg_b);
  if (c)
    store_release(s, c);
  r->st_b = st;
  return NULL;
}

static gpointer race_delete(gpointer p)
{
  race *r = p;
  r->st_a = doctag_history_job_delete(r->f->ctx, r->user, r->job_a);
  if (r->st_a != DOCTAG_OK)
    g_strlcpy(r->msg_a, doctag_error_last()->message, sizeof r->msg_a);
  g_mutex_lock(&r->m);
  r->deleted = true;
  g_cond_broadcast(&r->cv);
  g_mutex_unlock(&r->m);
  return NULL;
}

static void race_once(fx *f, const char *user, const char *sha)
{
  const char *text = "The walrus colony on the north beach grew this year, the walrus census says.";
  GPtrArray *terms = tag_terms(text, "eng");
  history_doc d = {
    .row_index = 0, .title = "row", .status = "completed", .text = text, .text_len = strlen(text),
    .sha256 = sha, .terms = (const char *const *)terms->pdata, .term_count = terms->len,
  };
  char *job_a = NULL, *job_b = NULL;
  assert_ok(history_job_create(f->ctx, user, NULL, "batch", NULL, 1, &job_a));
  assert_ok(history_job_create(f->ctx, user, NULL, "batch", NULL, 1, &job_b));
  assert_ok(history_document_record(f->ctx, user, job_a, &d, NULL));
  uint64_t n = 0;
  assert_int_equal(df_of(f, user, "walrus", &n, NULL), 1);

  race r = { .f = f, .user = user, .job_a = job_a, .job_b = job_b, .doc = &d };
  g_mutex_init(&r.m);
  g_cond_init(&r.cv);
  GThread *b = g_thread_new("copy", race_copy, &r);
  g_mutex_lock(&r.m);
  while (!r.recorded)
    g_cond_wait(&r.cv, &r.m);
  g_mutex_unlock(&r.m);
  GThread *a = g_thread_new("delete", race_delete, &r);
  gint64 until = g_get_monotonic_time() + RACE_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  g_mutex_lock(&r.m);
  while (!r.deleted && g_cond_wait_until(&r.cv, &r.m, until))
    ;
  r.go = true;
  g_cond_broadcast(&r.cv);
  g_mutex_unlock(&r.m);
  g_thread_join(b);
  g_thread_join(a);
  if (r.st_b != DOCTAG_OK)
    fail_msg("recording the copy: %s", r.msg_b);
  if (r.st_a != DOCTAG_OK)
    fail_msg("deleting the other copy: %s", r.msg_a);
  g_mutex_clear(&r.m);
  g_cond_clear(&r.cv);

  /* the copy is the archive's one document of that content, and counted */
  assert_int_equal(df_of(f, user, "walrus", &n, NULL), 1);
  assert_int_equal(n, 1);
  assert_ok(doctag_history_job_delete(f->ctx, user, job_b));
  assert_int_equal(df_of(f, user, "walrus", &n, NULL), 0);
  assert_int_equal(n, 0);
  g_ptr_array_free(terms, TRUE);
  g_free(job_a);
  g_free(job_b);
}

static void test_copy_recorded_while_the_last_other_is_deleted_stays_counted(void **state)
{
  fx *f = *state;
  char *alice = tu_register_user(f->ctx, "alice@example.com");
  race_once(f, alice, "00000000000000000000000000000000000000000000000000000000000000bb");
  if (f->pg) {
    PGconn *c = PQconnectdb(f->url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *res = PQexec(c, "ALTER TABLE documents DISABLE TRIGGER documents_counts");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      fail_msg("disabling the trigger: %s", PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    race_once(f, alice, "00000000000000000000000000000000000000000000000000000000000000cc");
  }
  g_free(alice);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_common_word_of_the_archive_drops_for_its_owner_only),
    cmocka_unit_test(test_common_word_of_a_hindi_archive_drops_for_its_owner_only),
    cmocka_unit_test(test_vocabulary_term_common_in_the_archive_drops_for_its_owner_only),
    cmocka_unit_test(test_counts_follow_deletes_and_documents_processed_again),
    cmocka_unit_test(test_reprocessed_pdf_counts_once),
    cmocka_unit_test(test_copy_recorded_while_the_last_other_is_deleted_stays_counted),
  };
  return fx_run("history_df", tests, G_N_ELEMENTS(tests));
}
