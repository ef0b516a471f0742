/*
 * batch.c - tag several PDFs as one batch job with libdoctag: submit the
 * job, run a worker for it in a thread, follow its events as they happen,
 * then print the results.
 *
 *   cc batch.c $(pkg-config --cflags --libs doctag) -pthread -o batch
 *   DOCTAG_ALLOWED_ROOTS=$PWD ./batch $PWD/a.pdf $PWD/b.pdf
 *
 * Files are local paths (they must lie under DOCTAG_ALLOWED_ROOTS). The job
 * belongs to a user: the example registers example@example.org (or logs in
 * when it exists). A missing or broken file fails alone; the others succeed.
 * Exit status: 0 when every document succeeded, 3 when some failed, 1 on an
 * error.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <doctag/doctag.h>

#define EMAIL "example@example.org"
#define PASSWORD "example password"

static int fail(const char *what)
{
  const doctag_error *e = doctag_error_last();
  fprintf(stderr, "batch: %s: %s (%s)\n", what, e->message, doctag_status_name(e->code));
  return 1;
}

struct worker {
  doctag_ctx *ctx;
  const char *job_id;
  doctag_status status;
};

/* The worker: processes documents until our job has finished. A program
 * that only submits leaves this to `doctag worker` or the server. */
static void *run_worker(void *arg)
{
  struct worker *w = arg;
  doctag_worker_options opts = DOCTAG_WORKER_OPTIONS_INIT;
  opts.threads = 2;
  opts.until_job = w->job_id;
  w->status = doctag_worker_run(w->ctx, &opts);
  return NULL;
}

/* Each event of the job, in order (catch-up first, then live). */
static int on_event(const doctag_event_info *ev, void *userdata)
{
  (void)userdata;
  printf("event %llu: %s\n", (unsigned long long)ev->seq, ev->type);
  if (ev->terminal)
    printf("  %s\n", ev->json);
  return 0; /* 0: keep going; the call returns after the terminal event */
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s /abs/path/a.pdf [/abs/path/b.pdf ...]\n", argv[0]);
    return 2;
  }

  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL) != DOCTAG_OK)
    return fail("cannot create a context");

  /* The owner of the job. */
  doctag_user *user = NULL;
  doctag_tokens *tokens = NULL;
  if (doctag_auth_register(ctx, &user, EMAIL, PASSWORD, "doctag example") != DOCTAG_OK) {
    if (doctag_error_last()->code != DOCTAG_EEXISTS ||
        doctag_auth_login(ctx, &user, &tokens, EMAIL, PASSWORD, NULL) != DOCTAG_OK) {
      int status = fail("cannot register " EMAIL);
      doctag_ctx_free(ctx);
      return status;
    }
    doctag_tokens_free(tokens);
  }

  /* One row per file: the contract's row fields as name/value pairs. */
  size_t n = (size_t)argc - 1;
  doctag_field(*fields)[3] = calloc(n, sizeof *fields);
  doctag_row *rows = calloc(n, sizeof *rows);
  if (!fields || !rows) {
    fprintf(stderr, "batch: out of memory\n");
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    fields[i][0] = (doctag_field){ "title", argv[i + 1] };
    fields[i][1] = (doctag_field){ "file_path", argv[i + 1] };
    fields[i][2] = (doctag_field){ "file_source_type", "local" };
    rows[i] = (doctag_row){ fields[i], 3 };
  }

  doctag_process_options popts = DOCTAG_PROCESS_OPTIONS_INIT;
  popts.model_name = "local";
  popts.num_tags = 8;
  doctag_job_options jopts = DOCTAG_JOB_OPTIONS_INIT;
  jopts.process = &popts;

  int status = 1;
  char *job_id = NULL;
  doctag_job *job = NULL;
  if (doctag_job_submit(ctx, &job_id, doctag_user_id(user), rows, n, &jopts) != DOCTAG_OK) {
    status = fail("cannot submit the batch");
    goto out;
  }
  printf("job %s: %zu documents\n", job_id, n);

  struct worker w = { ctx, job_id, DOCTAG_OK };
  pthread_t thread;
  if (pthread_create(&thread, NULL, run_worker, &w) != 0) {
    fprintf(stderr, "batch: cannot start the worker thread\n");
    goto out;
  }
  doctag_status followed = doctag_job_events(ctx, doctag_user_id(user), job_id, 0, on_event, NULL);
  pthread_join(thread, NULL);
  if (followed != DOCTAG_OK) {
    status = fail("cannot follow the job");
    goto out;
  }
  if (w.status != DOCTAG_OK) {
    status = fail("worker");
    goto out;
  }

  if (doctag_job_status(ctx, &job, doctag_user_id(user), job_id) != DOCTAG_OK) {
    status = fail("cannot read the job");
    goto out;
  }
  printf("status: %s, %zu succeeded, %zu failed of %zu\n", doctag_job_state_name(doctag_job_get_state(job)),
         doctag_job_processed_count(job), doctag_job_failed_count(job), doctag_job_total(job));
  for (size_t i = 0; i < doctag_job_result_count(job); i++) {
    size_t row = doctag_job_result_row(job, i);
    printf("row %zu: %s\n", row, doctag_job_result_title(job, i));
    if (!doctag_job_result_ok(job, i)) {
      printf("  failed: %s\n", doctag_job_result_error(job, i));
      continue;
    }
    for (size_t t = 0; t < doctag_job_result_tag_count(job, i); t++)
      printf("  %s\n", doctag_job_result_tag_at(job, i, t));
  }
  status = doctag_job_failed_count(job) ? 3 : 0;

out:
  doctag_job_free(job);
  doctag_free(job_id);
  free(rows);
  free(fields);
  doctag_user_free(user);
  doctag_ctx_free(ctx);
  return status;
}
