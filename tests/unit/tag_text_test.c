/* doctag_tag_text(): plain text in, the same result object and JSON as a
 * processed PDF out (extraction_method "text", no pages, page_count null),
 * the same ENOTEXT rule, and clear errors for bad input. */
#include "testutil.h"

#include <string.h>

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

static const char *ABSTRACT =
  "Boolean functions decomposition with binary decision diagrams\n"
  "Binary decision diagrams are a compact representation of boolean functions. We present a "
  "decomposition method for boolean functions that uses binary decision diagrams to find "
  "disjoint decompositions. Experiments on benchmark circuits show that the decomposition "
  "of boolean functions is fast and that binary decision diagrams stay small.";

static doctag_process_options local_opts(unsigned int num_tags)
{
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  o.num_tags = num_tags;
  return o;
}

static bool has_tag(const doctag_result *r, const char *tag)
{
  for (size_t i = 0; i < doctag_result_tag_count(r); i++)
    if (!strcmp(doctag_result_tag_at(r, i), tag))
      return true;
  return false;
}

static void test_tags_text(void **state)
{
  (void)state;
  doctag_process_options o = local_opts(5);
  doctag_result *r = NULL;
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_OK);
  assert_string_equal(doctag_result_title(r), "Boolean functions decomposition with binary decision diagrams");
  assert_int_equal(doctag_result_tag_count(r), 5);
  assert_true(has_tag(r, "binary decision diagrams"));
  assert_string_equal(doctag_result_extraction_method(r), "text");
  assert_false(doctag_result_is_scanned(r));
  assert_int_equal(doctag_result_page_count(r), 0);
  assert_int_equal(doctag_result_pages_read(r), 0);
  assert_string_equal(doctag_result_model_name(r), "local");
  assert_string_equal(doctag_result_language(r), "eng");
  assert_string_equal(doctag_result_text(r), ABSTRACT);

  char *json = NULL;
  assert_int_equal(doctag_result_to_json(r, &json), DOCTAG_OK);
  json_t *j = json_loads(json, 0, NULL);
  assert_non_null(j);
  assert_true(json_is_null(json_object_get(j, "page_count")));
  assert_string_equal(json_string_value(json_object_get(j, "extraction_method")), "text");
  assert_true(json_is_false(json_object_get(j, "is_scanned")));
  assert_int_equal(json_array_size(json_object_get(j, "tags")), 5);
  assert_int_equal(json_array_size(json_object_get(j, "pages")), 0);
  json_decref(j);
  doctag_free(json);
  doctag_result_free(r);

  /* a title given wins over the first line */
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), "Circuit synthesis", &o), DOCTAG_OK);
  assert_string_equal(doctag_result_title(r), "Circuit synthesis");
  doctag_result_free(r);
}

/* Text copied from a PDF holds ligatures ("speciﬁc", "oﬃce"): the tags, the
 * title and the text kept are in the letters people type and search for,
 * and a phrase written both ways is one tag. */
static void test_ligatures_become_letters(void **state)
{
  (void)state;
  static const char *lig =
    "Speciﬁc oﬃce ﬂoor plans\n"
    "The speciﬁc oﬃce ﬂoor plans of the diﬀerential privacy "
    "laboratory are kept apart. Differential privacy protects the data of every oﬃce worker, "
    "and diﬀerential privacy budgets are set for each ﬂoor.";
  doctag_process_options o = local_opts(8);
  doctag_result *r = NULL;
  assert_int_equal(doctag_tag_text(ctx, &r, lig, strlen(lig), NULL, &o), DOCTAG_OK);
  assert_string_equal(doctag_result_title(r), "Specific office floor plans");
  assert_null(strstr(doctag_result_text(r), "\xef\xac" /* U+FB00-FB3F */));
  assert_non_null(strstr(doctag_result_text(r), "The specific office floor plans of the differential privacy"));
  size_t privacy = 0;
  for (size_t i = 0; i < doctag_result_tag_count(r); i++) {
    const char *tag = doctag_result_tag_at(r, i);
    printf("  %s\n", tag);
    assert_null(strstr(tag, "\xef\xac" /* U+FB00-FB3F */));
    privacy += !strcmp(tag, "differential privacy");
  }
  assert_int_equal(privacy, 1);
  assert_true(has_tag(r, "office floor plans"));
  doctag_result_free(r);

  /* a title given is folded the same way */
  assert_int_equal(doctag_tag_text(ctx, &r, lig, strlen(lig), "Oﬃce ﬂoors", &o), DOCTAG_OK);
  assert_string_equal(doctag_result_title(r), "Office floors");
  doctag_result_free(r);
}

static void test_bad_input(void **state)
{
  (void)state;
  doctag_process_options o = local_opts(5);
  doctag_result *r = (doctag_result *)&o; /* must be reset to NULL */
  assert_int_equal(doctag_tag_text(ctx, &r, "too short to tag", 16, NULL, &o), DOCTAG_ENOTEXT);
  assert_null(r);
  assert_non_null(strstr(doctag_error_last()->message, "13 visible characters"));
  assert_int_equal(doctag_tag_text(ctx, &r, "", 0, NULL, &o), DOCTAG_ENOTEXT);
  assert_int_equal(doctag_tag_text(ctx, &r, NULL, 0, NULL, &o), DOCTAG_ENOTEXT);
  assert_int_equal(doctag_tag_text(ctx, &r, NULL, 10, NULL, &o), DOCTAG_EINVAL);
  assert_int_equal(doctag_tag_text(NULL, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_EINVAL);
  assert_int_equal(doctag_tag_text(ctx, NULL, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_EINVAL);

  char *bad = g_strdup(ABSTRACT);
  bad[70] = (char)0xff;
  assert_int_equal(doctag_tag_text(ctx, &r, bad, strlen(bad), NULL, &o), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "not UTF-8"));
  assert_non_null(strstr(doctag_error_last()->message, "offset 70"));
  bad[70] = '\0'; /* a NUL inside the given length */
  assert_int_equal(doctag_tag_text(ctx, &r, bad, strlen(ABSTRACT), NULL, &o), DOCTAG_EINVAL);
  g_free(bad);
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), "\xc3(", &o), DOCTAG_EINVAL);

  o.num_tags = 99;
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_EINVAL);
  assert_non_null(strstr(doctag_error_last()->message, "num_tags"));
  o = local_opts(5);
  o.max_file_bytes = 100;
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_ELIMIT);
  assert_null(r);
}

/* Exclusion and vocabulary apply to text as to documents. */
static void test_exclusion_and_vocabulary(void **state)
{
  (void)state;
  doctag_process_options o = local_opts(8);
  const char *excl[] = { "boolean functions" };
  o.exclusion_words = excl;
  o.exclusion_count = 1;
  doctag_result *r = NULL;
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_OK);
  assert_false(has_tag(r, "boolean functions"));
  assert_true(doctag_result_tag_count(r) > 0);
  doctag_result_free(r);
  const char *vocab[] = { "Decision Diagrams", "Circuits", "Cryptography" };
  o = local_opts(3);
  o.vocabulary = vocab;
  o.vocabulary_count = 3;
  assert_int_equal(doctag_tag_text(ctx, &r, ABSTRACT, strlen(ABSTRACT), NULL, &o), DOCTAG_OK);
  for (size_t i = 0; i < doctag_result_tag_count(r); i++)
    assert_true(!strcmp(doctag_result_tag_at(r, i), "decision diagrams") ||
                !strcmp(doctag_result_tag_at(r, i), "circuits"));
  assert_true(doctag_result_tag_count(r) >= 1);
  doctag_result_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tags_text),
    cmocka_unit_test(test_ligatures_become_letters),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_exclusion_and_vocabulary),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
