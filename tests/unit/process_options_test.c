/* Tagging options: the contract's TaggingConfig JSON parsed once, in the
 * library, and every refusal naming its field, reason and message, so that a
 * front end renders its 422 from the library's answer. */
#include "testutil.h"
#include "core/error.h"
#include "process/process.h"

#include <string.h>

static void test_config_members_and_defaults(void **state)
{
  (void)state;
  doctag_tagging_config *c = NULL;
  const char *json = "{\"api_key\": \"sk-1\", \"model_name\": \"local\", \"num_pages\": \"2\", \"num_tags\": 4.0,"
                     " \"exclusion_words\": [\"alpha\", \"beta\"], \"vocabulary\": [], \"language\": \"hin+eng\","
                     " \"ocr\": \"off\", \"not_ours\": {\"x\": 1}}";
  assert_int_equal(doctag_tagging_config_parse(&c, json, strlen(json)), DOCTAG_OK);
  assert_string_equal(doctag_error_last()->field, "");
  const doctag_process_options *o = doctag_tagging_config_options(c);
  assert_int_equal(o->version, DOCTAG_PROCESS_OPTIONS_VERSION);
  assert_string_equal(o->api_key, "sk-1");
  assert_string_equal(o->model_name, "local");
  assert_int_equal(o->num_pages, 2);
  assert_int_equal(o->num_tags, 4);
  assert_int_equal(o->exclusion_count, 2);
  assert_string_equal(o->exclusion_words[0], "alpha");
  assert_string_equal(o->exclusion_words[1], "beta");
  assert_null(o->vocabulary);   /* [] is no vocabulary */
  assert_int_equal(o->vocabulary_count, 0);
  assert_string_equal(o->languages, "hin+eng");
  assert_int_equal(o->ocr, DOCTAG_OCR_OFF);
  doctag_tagging_config_free(c);

  /* Missing, null and empty members take the defaults. */
  const char *texts[] = { "{}", "null", "{\"num_tags\": null, \"model_name\": \"\", \"exclusion_words\": null}", "" };
  doctag_ctx *ctx = tu_ctx();
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    assert_int_equal(doctag_tagging_config_parse(&c, texts[i], strlen(texts[i])), DOCTAG_OK);
    o = doctag_tagging_config_options(c);
    doctag_process_options eff;
    assert_int_equal(process_options_effective(ctx, o, &eff), DOCTAG_OK);
    assert_int_equal(eff.num_pages, PROCESS_DEFAULT_NUM_PAGES);
    assert_int_equal(eff.num_tags, PROCESS_DEFAULT_NUM_TAGS);
    assert_string_equal(eff.model_name, "openai/gpt-4o-mini");
    assert_null(eff.api_key);
    assert_null(eff.exclusion_words);
    assert_int_equal(eff.ocr, DOCTAG_OCR_AUTO);
    doctag_tagging_config_free(c);
  }
  doctag_ctx_free(ctx);
  assert_int_equal(doctag_tagging_config_parse(&c, NULL, 0), DOCTAG_OK);
  assert_int_equal(doctag_tagging_config_options(c)->num_tags, 0);
  doctag_tagging_config_free(c);
  doctag_tagging_config_free(NULL);
  assert_null(doctag_tagging_config_options(NULL));
  assert_int_equal(doctag_tagging_config_parse(NULL, "{}", 2), DOCTAG_EINVAL);
}

typedef struct bad_case {
  const char *json, *field, *reason, *message;
} bad_case;

static void test_config_refusals_name_their_field(void **state)
{
  (void)state;
  static const bad_case cases[] = {
    { "{\"num_tags\": 2}", "num_tags", "greater_than_equal", "num_tags: Input should be greater than or equal to 3" },
    { "{\"num_tags\": 16}", "num_tags", "less_than_equal", "num_tags: Input should be less than or equal to 15" },
    { "{\"num_pages\": 0}", "num_pages", "greater_than_equal", "num_pages: Input should be greater than or equal to 1" },
    { "{\"num_pages\": \"11\"}", "num_pages", "less_than_equal", "num_pages: Input should be less than or equal to 10" },
    { "{\"num_tags\": \"many\"}", "num_tags", "int_parsing",
      "num_tags: Input should be a valid integer, unable to parse string as an integer" },
    { "{\"num_tags\": 4.5}", "num_tags", "int_type", "num_tags: Input should be a valid integer" },
    { "{\"num_pages\": true}", "num_pages", "int_type", "num_pages: Input should be a valid integer" },
    { "{\"num_tags\": 99999999999999999999}", NULL, NULL, NULL },  /* not an int64: jansson refuses the text */
    { "{\"model_name\": 5}", "model_name", "string_type", "model_name: Input should be a valid string" },
    { "{\"api_key\": [\"k\"]}", "api_key", "string_type", "api_key: Input should be a valid string" },
    { "{\"exclusion_words\": \"word\"}", "exclusion_words", "list_type", "exclusion_words: Input should be a valid list" },
    { "{\"vocabulary\": [\"a\", 3]}", "vocabulary.1", "string_type", "vocabulary.1: Input should be a valid string" },
    { "{\"ocr\": \"sometimes\"}", "ocr", "literal_error", "ocr: Input should be 'auto', 'force' or 'off'" },
    { "{\"language\": \"eng; rm -rf /\"}", "language", "string_pattern_mismatch",
      "language: Input should look like \"eng\" or \"hin+eng\" (got \"eng; rm -rf /\")" },
    { "[1]", "", "model_attributes_type", "Input should be a valid dictionary or object to extract fields from" },
    /* The first wrong member in the contract's order is the one named. */
    { "{\"ocr\": \"x\", \"num_tags\": 1, \"num_pages\": 99}", "num_pages", "less_than_equal",
      "num_pages: Input should be less than or equal to 10" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const bad_case *k = &cases[i];
    doctag_tagging_config *c = (doctag_tagging_config *)1;
    assert_int_equal(doctag_tagging_config_parse(&c, k->json, strlen(k->json)), DOCTAG_EINVAL);
    assert_null(c);
    const doctag_error *e = doctag_error_last();
    assert_int_equal(e->code, DOCTAG_EINVAL);
    if (!k->field) {
      assert_string_equal(e->field, "");
      assert_string_equal(e->reason, "json_invalid");
      continue;
    }
    assert_string_equal(e->field, k->field);
    assert_string_equal(e->reason, k->reason);
    assert_string_equal(e->message, k->message);
  }
  doctag_tagging_config *c = NULL;
  assert_int_equal(doctag_tagging_config_parse(&c, "{not json", 9), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->reason, "json_invalid");
  assert_non_null(strstr(doctag_error_last()->message, "not JSON"));
  /* A later success clears the field. */
  assert_int_equal(doctag_tagging_config_parse(&c, "{}", 2), DOCTAG_OK);
  assert_string_equal(doctag_error_last()->field, "");
  assert_string_equal(doctag_error_last()->reason, "");
  doctag_tagging_config_free(c);
}

/* Batch jobs name the member under "config", as their request body does. */
static void test_config_inside_a_body(void **state)
{
  (void)state;
  process_config cfg;
  json_t *body = json_loads("{\"config\": {\"num_tags\": 20}}", 0, NULL);
  assert_int_equal(process_config_parse(json_object_get(body, "config"), "config", &cfg), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->field, "config.num_tags");
  assert_string_equal(doctag_error_last()->message, "config.num_tags: Input should be less than or equal to 15");
  json_decref(body);
  assert_int_equal(process_config_parse_text("7", 1, "config", &cfg), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->field, "config");
  assert_string_equal(doctag_error_last()->reason, "model_attributes_type");
  const char *force = "{\"ocr\": \"force\"}";
  assert_int_equal(process_config_parse_text(force, strlen(force), "config", &cfg), DOCTAG_OK);
  assert_int_equal(cfg.opts.ocr, DOCTAG_OCR_FORCE);
  process_config_clear(&cfg);
}

/* Options a C caller fills in meet the same check, with the same answer. */
static void test_struct_options_meet_the_same_check(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  doctag_result *r = NULL;
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.num_tags = 16;
  assert_int_equal(doctag_process_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->field, "num_tags");
  assert_string_equal(doctag_error_last()->reason, "less_than_equal");
  assert_string_equal(doctag_error_last()->message, "num_tags: Input should be less than or equal to 15");
  o.num_tags = 0;
  o.ocr = (doctag_ocr_mode)7;
  assert_int_equal(doctag_extract_buffer(ctx, &r, "%PDF-1.4", 8, &o), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->field, "ocr");
  assert_string_equal(doctag_error_last()->reason, "literal_error");
  o.ocr = DOCTAG_OCR_AUTO;
  o.vocabulary_count = 2;
  assert_int_equal(process_options_check(&o, "config"), DOCTAG_EINVAL);
  assert_string_equal(doctag_error_last()->field, "config.vocabulary");
  /* An error wrapped in context no longer reads "<field>: ...": no field. */
  err_wrap(DOCTAG_EINVAL, "term list PDF");
  assert_string_equal(doctag_error_last()->field, "");
  assert_string_equal(doctag_error_last()->reason, "");
  err_set(DOCTAG_EIO, "plain");
  assert_string_equal(doctag_error_last()->field, "");
  doctag_ctx_free(ctx);
}

/* The range a front end checks against is the one the library enforces. */
static void test_option_ranges_are_the_checks(void **state)
{
  (void)state;
  static const char *const names[] = { "num_pages", "num_tags" };
  for (size_t i = 0; i < 2; i++) {
    unsigned int lo = 0, hi = 0;
    assert_int_equal(doctag_process_option_range(&lo, &hi, names[i]), DOCTAG_OK);
    assert_true(lo >= 1 && lo <= hi);
    unsigned int probe[] = { lo - 1, lo, hi, hi + 1 };
    for (size_t j = 0; j < 4; j++) {
      doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
      if (i == 0)
        o.num_pages = probe[j];
      else
        o.num_tags = probe[j];
      bool in = probe[j] >= lo && probe[j] <= hi;
      /* 0 is "the default", accepted whatever the range */
      assert_int_equal(process_options_check(&o, NULL), in || probe[j] == 0 ? DOCTAG_OK : DOCTAG_EINVAL);
      if (!in && probe[j])
        assert_string_equal(doctag_error_last()->field, names[i]);
    }
  }
  unsigned int lo = 7, hi = 7;
  assert_int_equal(doctag_process_option_range(&lo, &hi, "ocr"), DOCTAG_EINVAL);
  assert_int_equal(doctag_process_option_range(&lo, &hi, NULL), DOCTAG_EINVAL);
  assert_int_equal(lo, 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_config_members_and_defaults),
    cmocka_unit_test(test_config_refusals_name_their_field),
    cmocka_unit_test(test_config_inside_a_body),
    cmocka_unit_test(test_struct_options_meet_the_same_check),
    cmocka_unit_test(test_option_ranges_are_the_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
