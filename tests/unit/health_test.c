/* doctag_health_check: every probe, healthy and with dependencies down. */
#include "testutil.h"

#include <math.h>
#include <string.h>

static json_t *health_json(doctag_ctx *ctx, bool *ok)
{
  doctag_health *h = NULL;
  assert_int_equal(doctag_health_check(ctx, &h), DOCTAG_OK);
  *ok = doctag_health_ok(h);
  char *js = NULL;
  assert_int_equal(doctag_health_to_json(h, &js), DOCTAG_OK);
  json_error_t e;
  json_t *o = json_loads(js, 0, &e);
  assert_non_null(o);
  doctag_free(js);
  doctag_health_free(h);
  return o;
}

static const char *check_status(json_t *o, const char *name)
{
  json_t *c = json_object_get(json_object_get(o, "checks"), name);
  assert_non_null(c);
  assert_true(json_is_string(json_object_get(c, "detail")));
  assert_true(json_is_number(json_object_get(c, "latency_ms")));
  return json_string_value(json_object_get(c, "status"));
}

static void test_embedded_defaults_are_healthy(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  doctag_health *h = NULL;
  assert_int_equal(doctag_health_check(ctx, &h), DOCTAG_OK);
  assert_int_equal(doctag_health_count(h), 5u);
  for (size_t i = 0; i < doctag_health_count(h); i++)
    if (!doctag_health_probe_ok(h, i))
      fail_msg("probe %s failed: %s", doctag_health_name(h, i), doctag_health_detail(h, i));
  assert_true(doctag_health_ok(h));
  assert_false(doctag_health_probe_required(h, 4)); /* llm */
  doctag_health_free(h);

  bool ok;
  json_t *o = health_json(ctx, &ok);
  assert_true(ok);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "healthy");
  assert_string_equal(json_string_value(json_object_get(o, "version")), "2.0.0");
  assert_true(json_is_string(json_object_get(o, "message")));
  const char *names[] = { "database", "queue", "ocr", "blobs", "llm" };
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    assert_string_equal(check_status(o, names[i]), "ok");
  json_decref(o);
  doctag_ctx_free(ctx);
}

/* A port nothing listens on: connection refused at once. */
static doctag_ctx *ctx_with(const char *database_url, const char *redis_url)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.database_url = database_url;
  cfg.redis_url = redis_url;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  g_free(dir);
  return ctx;
}

static void test_database_down_is_unhealthy(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_with("postgresql://doctag@127.0.0.1:1/doctag?connect_timeout=2", NULL);
  bool ok;
  json_t *o = health_json(ctx, &ok);
  assert_false(ok);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "unhealthy");
  assert_string_equal(check_status(o, "database"), "error");
  const char *detail = json_string_value(json_object_get(json_object_get(json_object_get(o, "checks"), "database"), "detail"));
  assert_true(strlen(detail) > 0);
  assert_string_equal(check_status(o, "ocr"), "ok");
  assert_non_null(strstr(json_string_value(json_object_get(o, "message")), "database"));
  json_decref(o);
  doctag_ctx_free(ctx);
}

static void test_redis_down_is_unhealthy(void **state)
{
  (void)state;
  doctag_ctx *ctx = ctx_with(NULL, "redis://127.0.0.1:1");
  bool ok;
  json_t *o = health_json(ctx, &ok);
  assert_false(ok);
  assert_string_equal(check_status(o, "database"), "ok");
  assert_string_equal(check_status(o, "queue"), "error");
  json_decref(o);
  doctag_ctx_free(ctx);
}

static void test_arguments(void **state)
{
  (void)state;
  doctag_health *h = NULL;
  assert_int_equal(doctag_health_check(NULL, &h), DOCTAG_EINVAL);
  assert_false(doctag_health_ok(NULL));
  assert_int_equal(doctag_health_count(NULL), 0);
  assert_null(doctag_health_name(NULL, 0));
  doctag_health_free(NULL);
  char *js;
  assert_int_equal(doctag_health_to_json(NULL, &js), DOCTAG_EINVAL);
}

static double metric(doctag_ctx *ctx, const char *name, const char *labels)
{
  doctag_metrics *m = NULL;
  assert_int_equal(doctag_metrics_read(ctx, &m), DOCTAG_OK);
  double v = doctag_metrics_value(m, name, labels);
  doctag_metrics_free(m);
  return v;
}

static const char TEXT[] = "Reservoir levels in the district fell after a weak monsoon; irrigation canals "
                           "will run on alternate days and farmers are asked to save water for the rabi crop.";

/* The library's counters and the store's census, through the ABI. */
static void test_metrics_count_documents_and_jobs(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  const char *ok = "source=\"text\",status=\"processed\"", *bad = "source=\"text\",status=\"failed\"";
  double ok0 = metric(ctx, "doctag_documents_total", ok), bad0 = metric(ctx, "doctag_documents_total", bad);
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.model_name = "local";
  doctag_result *r = NULL;
  assert_int_equal(doctag_tag_text(ctx, &r, TEXT, strlen(TEXT), NULL, &o), DOCTAG_OK);
  doctag_result_free(r);
  assert_int_equal(doctag_tag_text(ctx, &r, "too short", 9, NULL, &o), DOCTAG_ENOTEXT);
  /* bad options are the caller's mistake, not a failed document */
  o.num_tags = 99;
  assert_int_equal(doctag_tag_text(ctx, &r, TEXT, strlen(TEXT), NULL, &o), DOCTAG_EINVAL);
  assert_true(metric(ctx, "doctag_documents_total", ok) == ok0 + 1);
  assert_true(metric(ctx, "doctag_documents_total", bad) == bad0 + 1);

  /* no DOCTAG_STATS_FILE here: the counters are this process's */
  assert_true(metric(ctx, "doctag_metrics_shared", NULL) == 0);
  assert_true(metric(ctx, "doctag_store_up", "") == 1);
  assert_true(metric(ctx, "doctag_queue_depth", NULL) == 0);
  assert_true(metric(ctx, "doctag_jobs", "type=\"batch\",status=\"pending\"") == 0);
  assert_true(isnan(metric(ctx, "doctag_no_such_metric", NULL)));
  assert_true(isnan(metric(ctx, "doctag_documents_total", "source=\"carrier\",status=\"processed\"")));

  doctag_metrics *m = NULL;
  char *text = NULL;
  assert_int_equal(doctag_metrics_read(ctx, &m), DOCTAG_OK);
  assert_int_equal(doctag_metrics_to_prometheus(m, &text), DOCTAG_OK);
  assert_non_null(strstr(text, "# TYPE doctag_documents_total counter\n"));
  assert_non_null(strstr(text, "# TYPE doctag_queue_depth gauge\n"));
  assert_non_null(strstr(text, "\ndoctag_pages_total{method=\"ocr\"} "));
  doctag_free(text);
  doctag_metrics_free(m);
  doctag_ctx_free(ctx);

  /* a store that is down: the counters still, the census left out */
  ctx = ctx_with("postgresql://127.0.0.1:1/none?connect_timeout=2", NULL);
  assert_true(metric(ctx, "doctag_store_up", NULL) == 0);
  assert_true(isnan(metric(ctx, "doctag_queue_depth", NULL)));
  assert_false(isnan(metric(ctx, "doctag_documents_total", ok)));
  doctag_ctx_free(ctx);

  assert_int_equal(doctag_metrics_read(NULL, &m), DOCTAG_EINVAL);
  assert_null(m);
  assert_int_equal(doctag_metrics_to_prometheus(NULL, &text), DOCTAG_EINVAL);
  assert_true(isnan(doctag_metrics_value(NULL, "doctag_store_up", NULL)));
  doctag_metrics_free(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_embedded_defaults_are_healthy),
    cmocka_unit_test(test_database_down_is_unhealthy),
    cmocka_unit_test(test_redis_down_is_unhealthy),
    cmocka_unit_test(test_arguments),
    cmocka_unit_test(test_metrics_count_documents_and_jobs),
  };
  return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
