/* The OpenAI-compatible client against tests/fake_llm/fake_llm.py over real
 * HTTP. Uses DOCTAG_TEST_LLM_URL when the services script started the fake
 * server, else starts its own on a free port and stops it at the end. Every
 * case uses its own model string ("fake/<scenario>#<pid>-<n>") so the
 * server's call counters and request logs of concurrent runs stay apart. */
#include "testutil.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/error.h"
#include "tag/llm.h"
#include "tag/tag.h"

#define TEST_KEY "sk-or-v1-doctag-test-7f3a9c0e5b2d4f61"

static char *base_url;    /* http://127.0.0.1:PORT/v1 */
static char *server_root; /* http://127.0.0.1:PORT */
static GPid server_pid;
static doctag_ctx *test_ctx;
static unsigned int model_seq;

static const char *const NAMES[] = { "swachh bharat mission", "ministry of jal shakti", "gram panchayat",
                                     "national rural livelihood mission", "district water and sanitation mission",
                                     "unicef", NULL };
static const char *const SUBJECTS[] = { "rural sanitation", "open defecation free", "solid waste management",
                                        "menstrual hygiene", NULL };
static const char *const ACTIONS[] = { "toilet construction", "behaviour change communication", NULL };

static const char DOC_TEXT[] =
    "Swachh Bharat Mission (Gramin) Phase II: guidelines for gram panchayats.\n\n"
    "The Ministry of Jal Shakti releases funds to states for rural sanitation. Every gram panchayat "
    "prepares a plan for solid waste management and toilet construction, supported by behaviour change "
    "communication. The National Rural Livelihood Mission trains women's groups in menstrual hygiene, "
    "and the District Water and Sanitation Mission verifies that villages stay open defecation free. "
    "UNICEF supports the training of masons and the monitoring of toilet construction.\n";

/* ---- the fake server ---- */

static char *script_path(void)
{
  const char *src = getenv("DOCTAG_SOURCE_DIR");
  if (src && *src)
    return g_build_filename(src, "tests", "fake_llm", "fake_llm.py", NULL);
  char *dir = g_path_get_dirname(__FILE__);
  char *p = g_build_filename(dir, "..", "fake_llm", "fake_llm.py", NULL);
  g_free(dir);
  return p;
}

/* A context whose endpoint is `url`, environment ignored. */
static doctag_ctx *ctx_for(const char *url)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = g_dir_make_tmp("doctag-llm-test-XXXXXX", NULL);
  cfg.data_dir = dir;
  cfg.llm_base_url = url;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, &cfg) != DOCTAG_OK)
    fprintf(stderr, "doctag_ctx_new: %s\n", doctag_error_last()->message);
  rmdir(dir); /* empty unless the context wrote to it */
  g_free(dir);
  return ctx;
}

static int group_setup(void **state)
{
  (void)state;
  setenv("DOCTAG_LLM_BACKOFF_MS", "50", 1);
  setenv("DOCTAG_LLM_TIMEOUT_SEC", "10", 1);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *url = getenv("DOCTAG_TEST_LLM_URL");
  if (url && *url) {
    base_url = g_strdup(url);
  } else {
    char *script = script_path();
    char *argv[] = { "/usr/bin/python3", script, "0", NULL };
    gint out_fd = -1;
    GError *err = NULL;
    if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &server_pid, NULL,
                                  &out_fd, NULL, &err)) {
      fprintf(stderr, "cannot start %s: %s\n", script, err->message);
      return -1;
    }
    g_free(script);
    FILE *f = fdopen(out_fd, "r");
    char line[64] = "";
    int port = 0;
    if (!f || !fgets(line, sizeof line, f) || sscanf(line, "PORT %d", &port) != 1 || port <= 0) {
      fprintf(stderr, "fake_llm.py did not report its port (got \"%s\")\n", line);
      return -1;
    }
    fclose(f);
    base_url = g_strdup_printf("http://127.0.0.1:%d/v1", port);
  }
  server_root = g_strdup(base_url);
  if (g_str_has_suffix(server_root, "/v1"))
    server_root[strlen(server_root) - 3] = '\0';
  test_ctx = ctx_for(base_url);
  return test_ctx ? 0 : -1;
}

static int group_teardown(void **state)
{
  (void)state;
  if (server_pid > 0) {
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
    g_spawn_close_pid(server_pid);
  }
  doctag_ctx_free(test_ctx);
  g_free(base_url);
  g_free(server_root);
  curl_global_cleanup();
  return 0;
}

/* A model string of its own for one test case. */
static char *model_for(const char *scenario)
{
  return g_strdup_printf("fake/%s#%d-%u", scenario, (int)getpid(), __atomic_add_fetch(&model_seq, 1, __ATOMIC_SEQ_CST));
}

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
  g_string_append_len(ud, data, (gssize)(size * n));
  return size * n;
}

/* The requests the fake server received for `model`, oldest first. */
static json_t *server_log(const char *model)
{
  CURL *c = curl_easy_init();
  char *esc = curl_easy_escape(c, model, 0);
  char *url = g_strdup_printf("%s/_log?model=%s", server_root, esc);
  GString *body = g_string_new(NULL);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  assert_int_equal(curl_easy_perform(c), CURLE_OK);
  json_error_t e;
  json_t *log = json_loads(body->str, 0, &e);
  assert_non_null(log);
  assert_true(json_is_array(log));
  curl_free(esc);
  g_free(url);
  g_string_free(body, TRUE);
  curl_easy_cleanup(c);
  return log;
}

static json_t *logged_body(json_t *log, size_t i)
{
  return json_object_get(json_array_get(log, i), "body");
}

/* The content of the last message with `role` in a logged request. */
static const char *message_of(json_t *body, const char *role)
{
  json_t *msgs = json_object_get(body, "messages");
  const char *found = NULL;
  for (size_t i = 0; i < json_array_size(msgs); i++) {
    json_t *m = json_array_get(msgs, i);
    if (!strcmp(json_string_value(json_object_get(m, "role")), role))
      found = json_string_value(json_object_get(m, "content"));
  }
  return found;
}

static bool has_role(json_t *body, const char *role)
{
  json_t *msgs = json_object_get(body, "messages");
  for (size_t i = 0; i < json_array_size(msgs); i++)
    if (!strcmp(json_string_value(json_object_get(json_array_get(msgs, i), "role")), role))
      return true;
  return false;
}

static double logged_time(json_t *log, size_t i)
{
  return json_real_value(json_object_get(json_array_get(log, i), "t"));
}

static tag_request request_for(const char *model)
{
  tag_request r;
  memset(&r, 0, sizeof r);
  r.title = "Swachh Bharat Mission (Gramin) Phase II guidelines";
  r.text = DOC_TEXT;
  r.language = "eng";
  r.num_tags = 8;
  r.model_name = model;
  r.api_key = TEST_KEY;
  return r;
}

static bool in_list(const char *tag, const char *const *list)
{
  for (; *list; list++)
    if (!strcmp(tag, *list))
      return true;
  return false;
}

static bool has_tag(const tag_outcome *o, const char *tag)
{
  for (size_t i = 0; i < o->count; i++)
    if (!strcmp(o->items[i].tag, tag))
      return true;
  return false;
}

/* Every tag comes from the fake's answer, the count is `n`, every tier is
 * represented, and scores fall from first to last. */
static void assert_full_answer(const tag_outcome *o, size_t n)
{
  assert_int_equal(o->count, n);
  bool tier[3] = { false, false, false };
  for (size_t i = 0; i < o->count; i++) {
    const char *t = o->items[i].tag;
    bool a = in_list(t, NAMES), b = in_list(t, SUBJECTS), c = in_list(t, ACTIONS);
    if (!(a || b || c))
      fail_msg("unexpected tag \"%s\"", t);
    tier[0] |= a;
    tier[1] |= b;
    tier[2] |= c;
    assert_true(o->items[i].score > 0 && o->items[i].score <= 1);
    if (i)
      assert_true(o->items[i].score <= o->items[i - 1].score);
  }
  assert_true(tier[0] && tier[1] && tier[2]);
}

static doctag_status run(const tag_request *req, tag_outcome *out)
{
  memset(out, 0, sizeof *out);
  return llm_tag(test_ctx, req, out);
}

/* One call of the client, on a model string of its own for `scenario`. */
typedef struct call {
  char *model;
  tag_request req;
  tag_outcome out;
  doctag_status status;
  double elapsed;   /* seconds llm_tag took */
  json_t *log;      /* what the fake received (call_log) */
} call;

static void call_init(call *c, const char *scenario)
{
  memset(c, 0, sizeof *c);
  c->model = model_for(scenario);
  c->req = request_for(c->model);
}

static doctag_status call_run(call *c)
{
  double t0 = ctx_now();
  c->status = run(&c->req, &c->out);
  c->elapsed = ctx_now() - t0;
  return c->status;
}

/* Runs the call; fails the test unless the client answered. */
static void call_ok(call *c)
{
  if (call_run(c) != DOCTAG_OK)
    fail_msg("%s: llm_tag: %s", c->model, doctag_error_last()->message);
}

/* The requests the fake received for the call, oldest first; there are n. */
static json_t *call_log(call *c, size_t n)
{
  c->log = server_log(c->model);
  assert_int_equal(json_array_size(c->log), n);
  return c->log;
}

/* The user prompt of the call's first request. */
static const char *first_user_prompt(call *c)
{
  c->log = server_log(c->model);
  assert_true(json_array_size(c->log) >= 1);
  return message_of(logged_body(c->log, 0), "user");
}

static void call_clear(call *c)
{
  json_decref(c->log);
  tag_outcome_clear(&c->out);
  g_free(c->model);
  memset(c, 0, sizeof *c);
}

static void assert_has_tags(const call *c, const char *const *tags)
{
  for (; *tags; tags++)
    if (!has_tag(&c->out, *tags))
      fail_msg("%s: no tag \"%s\"", c->model, *tags);
}

/* A scenario the client turns into a full answer of 8 tags. */
typedef struct answer_case {
  const char *scenario;
  size_t requests;          /* requests the fake received */
  const char *tags[4];      /* among the tags (NULL-ended) */
  const char *first_tag;    /* the first tag, or NULL */
  int tokens;               /* tokens_used, or 0: not checked */
} answer_case;

/* Runs k's scenario and checks what the case states; c stays for the
 * case's own checks (call_clear it). */
static void expect_answer(call *c, const answer_case *k)
{
  call_init(c, k->scenario);
  call_ok(c);
  assert_full_answer(&c->out, 8);
  assert_has_tags(c, k->tags);
  if (k->first_tag)
    assert_string_equal(c->out.items[0].tag, k->first_tag);
  if (k->tokens)
    assert_int_equal(c->out.tokens_used, k->tokens);
  call_log(c, k->requests);
}

/* A case whose checks are all in its row. */
static void test_answer(void **state)
{
  call c;
  expect_answer(&c, *state);
  call_clear(&c);
}

/* A scenario the client refuses with an error. */
typedef struct failure_case {
  const char *scenario;
  doctag_status status;
  const char *message;     /* the whole message, or NULL */
  const char *parts[4];    /* in the message (NULL-ended) */
  const char *never;       /* never in the message, or NULL */
  int requests;            /* requests the fake received, or -1: not checked */
} failure_case;

/* Checks a call that has run against k: status, message, no tags, requests. */
static void expect_failure(call *c, const failure_case *k)
{
  assert_int_equal(c->status, k->status);
  const char *msg = doctag_error_last()->message;
  if (k->message)
    assert_string_equal(msg, k->message);
  for (const char *const *p = k->parts; *p; p++)
    if (!strstr(msg, *p))
      fail_msg("%s: message \"%s\" lacks \"%s\"", c->model, msg, *p);
  if (k->never)
    assert_null(strstr(msg, k->never));
  assert_int_equal(c->out.count, 0);
  if (k->requests >= 0)
    call_log(c, (size_t)k->requests);
}

static void run_failure(const failure_case *k)
{
  call c;
  call_init(&c, k->scenario);
  call_run(&c);
  expect_failure(&c, k);
  call_clear(&c);
}

/* A case whose checks are all in its row. */
static void test_failure(void **state)
{
  run_failure(*state);
}

/* ---- cases ---- */

static answer_case strict = { "strict", 1, { "swachh bharat mission", "rural sanitation", "toilet construction" },
                              NULL, 100 };

static void test_strict_json(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &strict);
  assert_string_equal(c.out.model_name, c.model);
  json_t *raw = json_loads(c.out.raw_response, 0, NULL);
  assert_true(json_is_array(json_object_get(raw, "names")));
  json_decref(raw);

  json_t *entry = json_array_get(c.log, 0), *body = json_object_get(entry, "body");
  json_t *headers = json_object_get(entry, "headers");
  assert_string_equal(json_string_value(json_object_get(entry, "path")), "/v1/chat/completions");
  assert_string_equal(json_string_value(json_object_get(headers, "authorization")), "Bearer " TEST_KEY);
  assert_non_null(json_string_value(json_object_get(headers, "http-referer")));
  assert_non_null(json_string_value(json_object_get(headers, "x-title")));
  assert_true(json_real_value(json_object_get(body, "temperature")) == 0.2);
  json_t *rf = json_object_get(body, "response_format");
  assert_string_equal(json_string_value(json_object_get(rf, "type")), "json_schema");
  assert_true(json_is_true(json_object_get(json_object_get(rf, "json_schema"), "strict")));
  const char *sys = message_of(body, "system"), *user = message_of(body, "user");
  assert_non_null(strstr(sys, "search-tagging expert"));
  /* more than needed, in three tiers of about 50/30/20% */
  assert_non_null(strstr(user, "exactly 12 search tags"));
  assert_non_null(strstr(user, "\"names\" (about 50%, 6 tags)"));
  assert_non_null(strstr(user, "\"subjects\" (about 30%, 4 tags)"));
  assert_non_null(strstr(user, "\"actions\" (about 20%, 2 tags)"));
  /* a short document goes whole, with its title; no language hint for English */
  assert_non_null(strstr(user, c.req.title));
  assert_non_null(strstr(user, "UNICEF supports the training of masons and the monitoring of toilet construction."));
  assert_null(strstr(user, "Hindi"));
  call_clear(&c);
}

/* Answers in other shapes than strict JSON are read all the same; enough
 * tags, so no second request. */
#define PARSED_TAGS { "swachh bharat mission", "gram panchayat", "open defecation free" }
static answer_case prose = { "prose", 1, PARSED_TAGS, NULL, 0 };
static answer_case fence = { "fence", 1, PARSED_TAGS, NULL, 0 };
static answer_case comma_list = { "list", 1, PARSED_TAGS, NULL, 0 };

/* The first round's tags come first. */
static answer_case few = { "few", 2, { "rural sanitation", "toilet construction" }, "swachh bharat mission", 200 };

static void test_too_few_then_retry(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &few);
  json_t *second = logged_body(c.log, 1);
  const char *follow = message_of(second, "user");
  assert_non_null(strstr(follow, "already generated: "));
  assert_non_null(strstr(follow, "Swachh Bharat Mission"));
  /* the conversation goes on: the first answer is in it */
  assert_non_null(message_of(second, "assistant"));
  call_clear(&c);
}

static answer_case ratelimit = { "ratelimit", 2, { NULL }, NULL, 100 };

static void test_rate_limit_retry_after(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &ratelimit);
  /* Retry-After: 1 was honoured (not the 50 ms backoff) */
  assert_true(logged_time(c.log, 1) - logged_time(c.log, 0) >= 1.0);
  assert_true(c.elapsed >= 1.0);
  call_clear(&c);
}

static answer_case flaky = { "flaky", 3, { NULL }, NULL, 0 };

static void test_server_error_twice(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &flaky);
  /* exponential backoff from DOCTAG_LLM_BACKOFF_MS=50: 50 ms, then 100 ms */
  assert_true(logged_time(c.log, 1) - logged_time(c.log, 0) >= 0.05);
  assert_true(logged_time(c.log, 2) - logged_time(c.log, 1) >= 0.10);
  call_clear(&c);
}

/* A 401 and a 400 are not retried. */
static failure_case unauthorized = { "unauthorized", DOCTAG_ELLM,
                                     "Invalid API key. Please check your OpenRouter API key.", { NULL }, NULL, 1 };
static failure_case badrequest = { "badrequest", DOCTAG_ELLM, NULL, { "HTTP 400", "is not a valid model ID" }, NULL,
                                   1 };
static failure_case empty = { "empty", DOCTAG_ELLM, NULL, { "contains no tags" }, NULL, -1 };

/* An upstream error is summarised, never echoed: its message cut short,
 * neither OpenRouter's metadata.raw nor a body without a message. */
static failure_case verbose = { "verbose", DOCTAG_ELLM, NULL, { "HTTP 403", "Provider returned error: detail", "... (provider Upstream)" },
                                "UPSTREAM-BODY-MARKER", 1 };
static failure_case opaque = { "opaque", DOCTAG_ELLM, NULL, { "HTTP 403", "no error message" },
                               "UPSTREAM-BODY-MARKER", 1 };

static void test_upstream_error_summarised(void **state)
{
  run_failure(*state);
  if (strlen(doctag_error_last()->message) > 400)
    fail_msg("the message echoes too much: %zu bytes", strlen(doctag_error_last()->message));
}

/* A timeout is not retried. */
static failure_case hang = { "hang", DOCTAG_ETIMEOUT, NULL, { "did not answer within 1 s" }, NULL, 1 };
static failure_case past_deadline = { "hang", DOCTAG_ETIMEOUT, NULL, { "deadline" }, NULL, -1 };

static void test_hang_times_out(void **state)
{
  (void)state;
  call c;
  call_init(&c, hang.scenario);
  setenv("DOCTAG_LLM_TIMEOUT_SEC", "1", 1);
  call_run(&c);
  setenv("DOCTAG_LLM_TIMEOUT_SEC", "10", 1);
  expect_failure(&c, &hang);
  assert_true(c.elapsed >= 0.9 && c.elapsed < 8);
  call_clear(&c);

  /* The document's deadline bounds the request too. */
  call_init(&c, past_deadline.scenario);
  c.req.deadline = ctx_now() + 0.5;
  call_run(&c);
  expect_failure(&c, &past_deadline);
  assert_true(c.elapsed < 5);
  call_clear(&c);
}

static void test_connection_refused(void **state)
{
  (void)state;
  /* nothing listens on port 1: retried, then an error naming the endpoint
   * without the credentials of its URL */
  doctag_ctx *ctx = ctx_for("http://user:hunter2@127.0.0.1:1/v1/");
  assert_non_null(ctx);
  tag_request req = request_for("fake/strict");
  tag_outcome out;
  memset(&out, 0, sizeof out);
  assert_int_equal(llm_tag(ctx, &req, &out), DOCTAG_ELLM);
  const char *msg = doctag_error_last()->message;
  assert_non_null(strstr(msg, "http://127.0.0.1:1/v1/chat/completions"));
  assert_non_null(strstr(msg, "after 3 retries"));
  assert_null(strstr(msg, "hunter2"));
  tag_outcome_clear(&out);
  doctag_ctx_free(ctx);
}

static void test_broken_json_falls_back(void **state)
{
  (void)state;
  call c;
  call_init(&c, "broken");
  call_ok(&c);
  /* read as a list: the complete items survive, no JSON punctuation leaks */
  assert_has_tags(&c, (const char *const[]){ "swachh bharat mission", "gram panchayat", "rural sanitation", NULL });
  assert_false(has_tag(&c.out, "open defec")); /* the cut last item */
  for (size_t i = 0; i < c.out.count; i++)
    assert_null(strpbrk(c.out.items[i].tag, "{}[]\":"));
  /* too few: asked once more */
  call_log(&c, 2);
  call_clear(&c);
}

static answer_case nosystem = { "nosystem", 2, { NULL }, NULL, 0 };

static void test_rejects_system_message(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &nosystem);
  assert_true(has_role(logged_body(c.log, 0), "system"));
  json_t *second = logged_body(c.log, 1);
  assert_false(has_role(second, "system"));
  assert_true(g_str_has_prefix(message_of(second, "user"), "You are a search-tagging expert"));
  assert_non_null(strstr(message_of(second, "user"), "Generate exactly 12 search tags"));
  assert_non_null(json_object_get(second, "response_format")); /* only the system message changed */
  call_clear(&c);
}

static answer_case noschema = { "noschema", 2, { NULL }, NULL, 0 };

static void test_rejects_response_format(void **state)
{
  (void)state;
  call c;
  expect_answer(&c, &noschema);
  assert_non_null(json_object_get(logged_body(c.log, 0), "response_format"));
  assert_null(json_object_get(logged_body(c.log, 1), "response_format"));
  assert_true(has_role(logged_body(c.log, 1), "system"));
  call_clear(&c);
}

static void test_vocabulary(void **state)
{
  (void)state;
  static const char *const vocab[] = { "Rural Sanitation", "toilet construction", "Gram Panchayat",
                                       "faecal sludge management" };
  call c;
  call_init(&c, "vocab");
  c.req.vocabulary = vocab;
  c.req.vocabulary_count = 4;
  call_ok(&c);
  /* only vocabulary entries survive; the vocabulary has 4, all are reached */
  assert_int_equal(c.out.count, 4);
  for (size_t i = 0; i < c.out.count; i++) {
    bool ok = false;
    for (size_t v = 0; v < 4; v++)
      ok |= !g_ascii_strcasecmp(c.out.items[i].tag, vocab[v]);
    if (!ok)
      fail_msg("tag \"%s\" is not in the vocabulary", c.out.items[i].tag);
  }
  json_t *first = logged_body(call_log(&c, 2), 0);
  const char *user = message_of(first, "user");
  assert_non_null(strstr(user, "controlled vocabulary"));
  for (size_t v = 0; v < 4; v++) {
    char *line = g_strdup_printf("- %s\n", vocab[v]);
    assert_non_null(strstr(user, line));
    g_free(line);
  }
  /* a small vocabulary is also an enum of the schema */
  json_t *items = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(
      json_object_get(first, "response_format"), "json_schema"), "schema"), "properties"), "names"), "items");
  assert_int_equal(json_array_size(json_object_get(items, "enum")), 4);
  call_clear(&c);
}

/* An error quoting the Authorization header back. */
static failure_case leakkey = { "leakkey", DOCTAG_ELLM, NULL, { "HTTP 400", "Incorrect API key provided" }, TEST_KEY,
                                -1 };

static void test_key_never_leaks(void **state)
{
  (void)state;
  /* an endpoint that echoes the Authorization header in its answer */
  call c;
  call_init(&c, "echokey");
  call_ok(&c);
  assert_non_null(c.out.raw_response);
  assert_null(strstr(c.out.raw_response, TEST_KEY));
  assert_non_null(strstr(c.out.raw_response, "[redacted]"));
  for (size_t i = 0; i < c.out.count; i++)
    assert_null(strstr(c.out.items[i].tag, "test-7f3a9c0e"));
  assert_true(has_tag(&c.out, "rural sanitation"));
  call_clear(&c);

  /* ... and in an error message */
  run_failure(&leakkey);
}

static void test_model_that_ran(void **state)
{
  (void)state;
  call c;
  call_init(&c, "routed");
  call_ok(&c);
  assert_string_equal(c.out.model_name, "fake/actual-model");
  call_clear(&c);
}

static void test_language_hint(void **state)
{
  (void)state;
  static const char hindi[] = "स्वच्छ भारत मिशन (ग्रामीण) के अंतर्गत ग्राम पंचायत शौचालय निर्माण और ठोस अपशिष्ट "
                              "प्रबंधन की योजना बनाती है। ग्रामीण स्वच्छता के लिए राज्यों को धनराशि जारी की जाती है।\n";
  struct {
    const char *language, *text;
    const char *expect; /* NULL: no hint */
  } cases[] = {
    { "hin", hindi, "The document is in Hindi. Write every tag in English" },
    { "hin+eng", DOC_TEXT, "The document mixes Hindi and English. Write every tag in English" },
    { NULL, hindi, "The document is in Hindi. Write every tag in English" },
    { "eng", DOC_TEXT, NULL },
    { NULL, DOC_TEXT, NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    call c;
    call_init(&c, "strict");
    c.req.language = cases[i].language;
    c.req.text = cases[i].text;
    call_ok(&c);
    const char *user = first_user_prompt(&c);
    if (cases[i].expect)
      assert_non_null(strstr(user, cases[i].expect));
    else
      assert_null(strstr(user, "Write every tag in English"));
    call_clear(&c);
  }
}

static void test_long_document_preview(void **state)
{
  (void)state;
  /* ~60,000 characters, Devanagari and Latin, with markers at known places */
  GString *t = g_string_new("STARTMARK opening paragraph of the report.\n\n");
  const char *para = "ग्राम पंचायत स्तर पर स्वच्छता योजना की समीक्षा की गई और rural sanitation progress was "
                     "recorded in every block of the district for the annual review meeting.\n";
  glong target = 60000;
  bool heading = false, hidden = false, middle = false;
  while (g_utf8_strlen(t->str, -1) < target) {
    glong n = g_utf8_strlen(t->str, -1);
    if (!heading && n > target / 4) {
      g_string_append(t, "\nCHAPTER 7 FAECAL SLUDGE TREATMENT\n\n");
      heading = true;
    } else if (!hidden && n > target * 2 / 5) {
      g_string_append(t, "This sentence carries HIDDENMARK and is in no window.\n");
      hidden = true;
    } else if (!middle && n > target / 2 - 200) {
      g_string_append(t, "Halfway there is MIDDLEMARK in the text.\n");
      middle = true;
    }
    g_string_append(t, para);
  }
  g_string_append(t, "Closing words of the report: ENDMARK\n");
  call c;
  call_init(&c, "strict");
  c.req.text = t->str;
  c.req.language = "hin+eng";
  call_ok(&c);
  const char *user = first_user_prompt(&c);
  const char *content = strstr(user, "\nContent:\n");
  assert_non_null(content);
  assert_true(g_utf8_validate(user, -1, NULL));
  glong preview_chars = g_utf8_strlen(content, -1);
  assert_true(preview_chars <= 15100);
  assert_true(preview_chars >= 12000);
  assert_non_null(strstr(content, "STARTMARK"));
  assert_non_null(strstr(content, "MIDDLEMARK"));
  assert_non_null(strstr(content, "ENDMARK"));
  assert_non_null(strstr(content, "CHAPTER 7 FAECAL SLUDGE TREATMENT"));
  assert_null(strstr(content, "HIDDENMARK"));
  call_clear(&c);
  g_string_free(t, TRUE);
}

/* One curl handle per thread: several threads tag at once. */
typedef struct thread_job {
  char *model[3];
  doctag_status status[3];
  size_t count[3];
  char message[256];
} thread_job;

static void *thread_main(void *arg)
{
  thread_job *job = arg;
  for (int i = 0; i < 3; i++) {
    tag_request req = request_for(job->model[i]);
    tag_outcome out;
    memset(&out, 0, sizeof out);
    job->status[i] = llm_tag(test_ctx, &req, &out);
    job->count[i] = out.count;
    if (job->status[i] != DOCTAG_OK)
      g_strlcpy(job->message, doctag_error_last()->message, sizeof job->message);
    tag_outcome_clear(&out);
  }
  return NULL;
}

static void test_threads(void **state)
{
  (void)state;
  enum { N = 4 };
  thread_job jobs[N];
  pthread_t tids[N];
  memset(jobs, 0, sizeof jobs);
  for (int t = 0; t < N; t++) {
    for (int i = 0; i < 3; i++)
      jobs[t].model[i] = model_for(i == 1 ? "flaky" : "strict");
    assert_int_equal(pthread_create(&tids[t], NULL, thread_main, &jobs[t]), 0);
  }
  for (int t = 0; t < N; t++) {
    pthread_join(tids[t], NULL);
    for (int i = 0; i < 3; i++) {
      if (jobs[t].status[i] != DOCTAG_OK)
        fail_msg("thread %d call %d: %s", t, i, jobs[t].message);
      assert_int_equal(jobs[t].count[i], 8);
      g_free(jobs[t].model[i]);
    }
  }
}

/* A case stated by its row alone, under its own name. */
#define ROW(name, fn, row) { #name, fn, NULL, NULL, &(row) }

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_strict_json),
    ROW(test_prose_with_json, test_answer, prose),
    ROW(test_json_fence, test_answer, fence),
    ROW(test_comma_list, test_answer, comma_list),
    cmocka_unit_test(test_too_few_then_retry),
    cmocka_unit_test(test_rate_limit_retry_after),
    cmocka_unit_test(test_server_error_twice),
    ROW(test_unauthorized, test_failure, unauthorized),
    ROW(test_other_http_error, test_failure, badrequest),
    ROW(test_upstream_error_verbose, test_upstream_error_summarised, verbose),
    ROW(test_upstream_error_opaque, test_upstream_error_summarised, opaque),
    cmocka_unit_test(test_hang_times_out),
    cmocka_unit_test(test_connection_refused),
    cmocka_unit_test(test_broken_json_falls_back),
    ROW(test_empty_answer, test_failure, empty),
    cmocka_unit_test(test_rejects_system_message),
    cmocka_unit_test(test_rejects_response_format),
    cmocka_unit_test(test_vocabulary),
    cmocka_unit_test(test_key_never_leaks),
    cmocka_unit_test(test_model_that_ran),
    cmocka_unit_test(test_language_hint),
    cmocka_unit_test(test_long_document_preview),
    cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests_name("llm", tests, group_setup, group_teardown);
}
