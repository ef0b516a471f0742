/* Webhooks: the user's secret, the guard at submission, a job's end queued
 * in the store and sent signed to a receiver on 127.0.0.1 (a thread of this
 * test), retried after a 500, delivered once. */
#include "testutil.h"
#include "jobs/jobs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A one-connection-at-a-time HTTP receiver: answers codes[i] to request i
 * (then 200) and keeps each request's raw text. */
typedef struct receiver {
  int fd;
  int port;
  int codes[4];
  GPtrArray *requests;   /* char * */
  GMutex lock;
  GThread *thread;
  gint quit;
} receiver;

static gpointer receive_loop(gpointer data)
{
  receiver *rc = data;
  while (!g_atomic_int_get(&rc->quit)) {
    int c = accept(rc->fd, NULL, NULL);
    if (c < 0)
      continue;
    GString *req = g_string_new(NULL);
    char buf[4096];
    size_t want = 0;
    for (;;) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0)
        break;
      g_string_append_len(req, buf, n);
      char *end = strstr(req->str, "\r\n\r\n");
      if (end && !want) {
        char *cl = strcasestr(req->str, "content-length:");
        want = (size_t)(end - req->str) + 4 + (cl ? strtoul(cl + 15, NULL, 10) : 0);
      }
      if (want && req->len >= want)
        break;
    }
    g_mutex_lock(&rc->lock);
    guint i = rc->requests->len;
    int code = i < G_N_ELEMENTS(rc->codes) && rc->codes[i] ? rc->codes[i] : 200;
    g_ptr_array_add(rc->requests, g_string_free(req, FALSE));
    g_mutex_unlock(&rc->lock);
    char *resp = g_strdup_printf("HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", code);
    if (write(c, resp, strlen(resp)) < 0)
      fail_msg("receiver write");
    g_free(resp);
    close(c);
  }
  return NULL;
}

static receiver *receiver_new(void)
{
  receiver *rc = g_new0(receiver, 1);
  rc->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  assert_int_equal(bind(rc->fd, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(rc->fd, (struct sockaddr *)&a, &len);
  rc->port = ntohs(a.sin_port);
  listen(rc->fd, 8);
  rc->requests = g_ptr_array_new_with_free_func(g_free);
  g_mutex_init(&rc->lock);
  rc->thread = g_thread_new("receiver", receive_loop, rc);
  return rc;
}

static void receiver_free(receiver *rc)
{
  g_atomic_int_set(&rc->quit, 1);
  shutdown(rc->fd, SHUT_RDWR);
  /* wake accept() with one last connection */
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(rc->port),
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  connect(c, (struct sockaddr *)&a, sizeof a);
  close(c);
  g_thread_join(rc->thread);
  close(rc->fd);
  g_ptr_array_free(rc->requests, TRUE);
  g_mutex_clear(&rc->lock);
  g_free(rc);
}

static char *header(const char *req, const char *name)
{
  char *want = g_strdup_printf("\r\n%s: ", name);
  const char *h = strcasestr(req, want);
  char *v = NULL;
  if (h) {
    h += strlen(want);
    v = g_strndup(h, strcspn(h, "\r\n"));
  }
  g_free(want);
  return v;
}

static doctag_ctx *ctx_allowing_private(void)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  cfg.allow_private_urls = 1;
  doctag_ctx *ctx = NULL;
  assert_int_equal(doctag_ctx_new(&ctx, &cfg), DOCTAG_OK);
  g_free(dir);
  return ctx;
}

static char *user_of(doctag_ctx *ctx, const char *email)
{
  doctag_user *u = NULL;
  assert_int_equal(doctag_auth_register(ctx, &u, email, "correct horse battery", NULL), DOCTAG_OK);
  char *id = g_strdup(doctag_user_id(u));
  doctag_user_free(u);
  return id;
}

static void test_secret_created_once_rotated_per_user(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  char *alice = user_of(ctx, "alice@example.com"), *bob = user_of(ctx, "bob@example.com");
  char *a1 = NULL, *a2 = NULL, *a3 = NULL, *b1 = NULL, *none = NULL;
  assert_int_equal(doctag_webhook_secret(ctx, &a1, alice, false), DOCTAG_OK);
  assert_int_equal(doctag_webhook_secret(ctx, &a2, alice, false), DOCTAG_OK);
  assert_string_equal(a1, a2);
  assert_true(strlen(a1) >= 32);
  assert_int_equal(doctag_webhook_secret(ctx, &a3, alice, true), DOCTAG_OK);
  assert_string_not_equal(a1, a3);
  assert_int_equal(doctag_webhook_secret(ctx, &b1, bob, false), DOCTAG_OK);
  assert_string_not_equal(b1, a3);
  assert_int_equal(doctag_webhook_secret(ctx, &none, "00000000-0000-4000-8000-000000000000", false),
                   DOCTAG_ENOTFOUND);
  assert_null(none);
  assert_int_equal(doctag_webhook_secret(ctx, &none, "not-a-uuid", false), DOCTAG_EINVAL);
  doctag_free(a1);
  doctag_free(a2);
  doctag_free(a3);
  doctag_free(b1);
  g_free(alice);
  g_free(bob);
  doctag_ctx_free(ctx);
}

static doctag_status submit(doctag_ctx *ctx, const char *user, const char *url, char **job_id)
{
  doctag_field f[] = { { "title", "t" }, { "file_path", "/nonexistent.pdf" }, { "file_source_type", "local" } };
  doctag_row row = { f, 3 };
  doctag_job_options o = DOCTAG_JOB_OPTIONS_INIT;
  o.webhook_url = url;
  return doctag_job_submit(ctx, job_id, user, &row, 1, &o);
}

static void test_private_url_refused_unless_allowed(void **state)
{
  (void)state;
  doctag_ctx *ctx = tu_ctx();
  char *user = user_of(ctx, "carol@example.com");
  char *job = NULL;
  assert_int_equal(submit(ctx, user, "http://127.0.0.1:9/hook", &job), DOCTAG_EURL);
  assert_string_equal(doctag_error_last()->message, "127.0.0.1 is a loopback address");
  assert_int_equal(submit(ctx, user, "gopher://example.com/", &job), DOCTAG_EINVAL);
  assert_true(g_str_has_prefix(doctag_error_last()->message, "webhook_url: "));
  assert_null(job);
  /* A version-1 caller's options end before webhook_url: never read. */
  doctag_job_options v1;
  assert_int_equal(doctag_job_options_init(&v1, 1), DOCTAG_OK);
  assert_int_equal(doctag_job_options_init(&v1, DOCTAG_JOB_OPTIONS_VERSION + 1), DOCTAG_EINVAL);
  g_free(user);
  doctag_ctx_free(ctx);

  ctx = ctx_allowing_private();
  user = user_of(ctx, "carol@example.com");
  assert_int_equal(submit(ctx, user, "http://127.0.0.1:9/hook", &job), DOCTAG_OK);
  doctag_free(job);
  g_free(user);
  doctag_ctx_free(ctx);
}

static void test_job_end_is_sent_signed_and_retried(void **state)
{
  (void)state;
  setenv("DOCTAG_WEBHOOK_RETRY_MS", "50", 1);
  receiver *rc = receiver_new();
  rc->codes[0] = 500;
  doctag_ctx *ctx = ctx_allowing_private();
  char *user = user_of(ctx, "dave@example.com");
  char *url = g_strdup_printf("http://127.0.0.1:%d/hook", rc->port);
  char *job = NULL;
  assert_int_equal(submit(ctx, user, url, &job), DOCTAG_OK);
  /* Nothing is due before the job ends. */
  assert_int_equal(webhook_deliver_due(ctx), 0);
  assert_int_equal(doctag_job_cancel(ctx, user, job), DOCTAG_OK);
  /* Ending twice queues one delivery. */
  webhook_job_ended(ctx, user, job);
  assert_int_equal(webhook_deliver_due(ctx), 1);
  assert_int_equal(rc->requests->len, 1);
  assert_int_equal(webhook_deliver_due(ctx), 0);  /* the retry is not due yet */
  g_usleep(120000);
  assert_int_equal(webhook_deliver_due(ctx), 1);
  assert_int_equal(rc->requests->len, 2);
  g_usleep(300000);
  assert_int_equal(webhook_deliver_due(ctx), 0);   /* delivered: never again */

  char *secret = NULL;
  assert_int_equal(doctag_webhook_secret(ctx, &secret, user, false), DOCTAG_OK);
  for (guint i = 0; i < 2; i++) {
    const char *req = g_ptr_array_index(rc->requests, i);
    assert_true(g_str_has_prefix(req, "POST /hook HTTP/1.1\r\n"));
    char *event = header(req, "X-Doctag-Event"), *sig = header(req, "X-Doctag-Signature");
    assert_string_equal(event, "job.cancelled");
    const char *body = strstr(req, "\r\n\r\n") + 4;
    char *mac = g_compute_hmac_for_string(G_CHECKSUM_SHA256, (const guchar *)secret, strlen(secret), body, -1);
    char *want = g_strdup_printf("sha256=%s", mac);
    assert_string_equal(sig, want);
    json_t *j = json_loads(body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "cancelled");
    assert_string_equal(json_string_value(json_object_get(j, "job_id")), job);
    assert_int_equal(json_integer_value(json_object_get(j, "total_documents")), 1);
    json_decref(j);
    g_free(event);
    g_free(sig);
    g_free(mac);
    g_free(want);
  }
  char *d0 = header(g_ptr_array_index(rc->requests, 0), "X-Doctag-Delivery");
  char *d1 = header(g_ptr_array_index(rc->requests, 1), "X-Doctag-Delivery");
  assert_string_equal(d0, d1);
  g_free(d0);
  g_free(d1);
  doctag_free(secret);
  doctag_free(job);
  g_free(url);
  g_free(user);
  doctag_ctx_free(ctx);
  receiver_free(rc);
  unsetenv("DOCTAG_WEBHOOK_RETRY_MS");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_secret_created_once_rotated_per_user),
    cmocka_unit_test(test_private_url_refused_unless_allowed),
    cmocka_unit_test(test_job_end_is_sent_signed_and_retried),
  };
  return cmocka_run_group_tests_name("webhooks", tests, NULL, NULL);
}
