/* doctag batch run|submit|status|watch|pause|resume|cancel|list|export:
 * batch jobs from the command line, through the public ABI. The CLI's jobs
 * belong to a local user it creates once per data directory (its id kept
 * in $DOCTAG_DATA_DIR/cli-user). */
#include "cli.h"

#include <doctag/doctag.h>
#include <doctag/history.h>
#include <doctag/jobs.h>

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exit status of a batch interrupted by ^C (128 + SIGINT, as shells do). */
#define EXIT_INTERRUPTED 130
/* How long an interrupted run waits for the documents in hand: the partial
 * CSV must be written within 2 s of ^C. */
#define INTERRUPT_GRACE_MS 1000

static volatile int stop_requested;
/* Stops the in-process worker of 'batch run'. */
static volatile int worker_stop;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
  worker_stop = 1;
}

static void catch_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
}

/* ---- progress --------------------------------------------------------- */

typedef struct progress {
  bool json;
  bool tty;
  size_t total, processed, failed;
  double start;
  bool drawn;
} progress;

static void draw(progress *p)
{
  if (!p->tty || p->json)
    return;
  size_t done = p->processed + p->failed;
  double el = cli_now() - p->start, rate = el > 0 ? (double)done / el : 0;
  int width = 30, fill = p->total ? (int)((double)width * (double)done / (double)p->total) : 0;
  char bar[64];
  for (int i = 0; i < width; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  char eta[32] = "--:--";
  if (rate > 0 && p->total >= done) {
    long s = (long)((double)(p->total - done) / rate);
    snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
  }
  fprintf(stderr, "\r[%s] %zu/%zu  %zu failed  %.2f docs/s  ETA %s ", bar, done, p->total, p->failed, rate, eta);
  fflush(stderr);
  p->drawn = true;
}

static void on_event(progress *p, const doctag_event_info *e)
{
  if (p->json) {
    puts(e->json);
    fflush(stdout);
    return;
  }
  if (!strcmp(e->type, "success"))
    p->processed++;
  else if (!strcmp(e->type, "failed"))
    p->failed++;
  draw(p);
}

/* Least time between two reads of a job's events while it is busy. */
#define FOLLOW_BATCH_MS 100

/* Follows a job's events until it ends or the user interrupts. Returns the
 * final snapshot's state through *state. */
static int follow(const cli_command *cmd, doctag_ctx *ctx, const char *user, const char *job_id, progress *p,
                  doctag_job_state *state)
{
  doctag_job *job = NULL;
  if (doctag_job_status(ctx, &job, user, job_id))
    return cli_fail(cmd, job_id);
  p->total = doctag_job_total(job);
  p->processed = doctag_job_processed_count(job);
  p->failed = doctag_job_failed_count(job);
  uint64_t seq = doctag_job_last_seq(job);
  *state = doctag_job_get_state(job);
  bool ended = *state == DOCTAG_JOB_COMPLETED || *state == DOCTAG_JOB_CANCELLED || *state == DOCTAG_JOB_FAILED;
  doctag_job_free(job);
  draw(p);
  while (!ended && !stop_requested) {
    doctag_events *evs = NULL;
    /* 250 ms: ^C is noticed within a quarter second. */
    if (doctag_job_events_poll(ctx, &evs, user, job_id, seq, 0, 250))
      return cli_fail(cmd, job_id);
    size_t n = doctag_events_count(evs);
    for (size_t i = 0; i < n; i++) {
      const doctag_event_info *e = doctag_events_at(evs, i);
      seq = e->seq;
      on_event(p, e);
      ended = ended || e->terminal;
    }
    doctag_events_free(evs);
    if (!ended)
      draw(p);
    /* Ten updates a second are plenty for a person or a script: the events
     * of a busy job are read in batches, not one wake-up each (which took
     * CPU from the workers on the same machine). */
    if (!ended && n > 0 && !stop_requested) {
      struct timespec pause = { 0, FOLLOW_BATCH_MS * 1000000L };
      nanosleep(&pause, NULL);
    }
  }
  if (p->drawn)
    fputc('\n', stderr);
  p->drawn = false;
  if (doctag_job_status(ctx, &job, user, job_id))
    return cli_fail(cmd, job_id);
  *state = doctag_job_get_state(job);
  p->processed = doctag_job_processed_count(job);
  p->failed = doctag_job_failed_count(job);
  doctag_job_free(job);
  return 0;
}

/* Prints every failed row of a job with its reason, in row order. */
static void print_failed_rows(const cli_command *cmd, doctag_ctx *ctx, const char *user, const char *job_id)
{
  doctag_job *job = NULL;
  if (doctag_job_status(ctx, &job, user, job_id))
    return;
  size_t n = doctag_job_result_count(job);
  size_t *order = calloc(n ? n : 1, sizeof *order);
  size_t m = 0;
  for (size_t i = 0; i < n && order; i++)
    if (!doctag_job_result_ok(job, i))
      order[m++] = i;
  /* insertion sort by row: failures are few */
  for (size_t i = 1; i < m; i++)
    for (size_t k = i; k > 0 && doctag_job_result_row(job, order[k]) < doctag_job_result_row(job, order[k - 1]); k--) {
      size_t t = order[k];
      order[k] = order[k - 1];
      order[k - 1] = t;
    }
  for (size_t k = 0; k < m; k++) {
    size_t i = order[k];
    const char *title = doctag_job_result_title(job, i);
    /* Row numbers as a spreadsheet shows them: the header is line 1. */
    fprintf(stderr, "doctag %s: row %zu%s%s%s failed: %s\n", cmd->name, doctag_job_result_row(job, i) + 2,
            title && *title ? " (" : "", title && *title ? title : "", title && *title ? ")" : "",
            doctag_job_result_error(job, i));
    cli_path_hint(cmd, doctag_job_result_error(job, i));
  }
  free(order);
  doctag_job_free(job);
}

/* ---- run -------------------------------------------------------------- */

typedef struct worker_arg {
  doctag_ctx *ctx;
  doctag_worker_options opts;
  doctag_status st;
  char message[512];
} worker_arg;

static void *worker_main(void *data)
{
  worker_arg *w = data;
  w->st = doctag_worker_run(w->ctx, &w->opts);
  if (w->st)
    snprintf(w->message, sizeof w->message, "%s", doctag_error_last()->message);
  return NULL;
}

enum { OPT_NUM_PAGES = CLI_OPT_FIRST_FREE, OPT_THREADS, OPT_OCR, OPT_RESUME, OPT_INPUT };

/* The tagging configuration of a job, shared by run and submit. */
#define JOB_CONFIG_OPTS                                                                                    \
  { "model", 'm', "MODEL", "local (the offline tagger) or an LLM model name (default: local without an API key)" }, \
  { "num-tags", 'n', "N", "tags per document, 3 to 15 (default 8)" },                                     \
  { "num-pages", OPT_NUM_PAGES, "N", "pages read for tagging, 1 to 10 (default 3)" },                     \
  { "ocr", OPT_OCR, "MODE", "auto (default), force or off" },                                              \
  { "lang", 'l', "LANGS", "tesseract languages, e.g. eng+hin" }

static const cli_opt run_opts[] = {
  JOB_CONFIG_OPTS,
  { "threads", OPT_THREADS, "N", "documents processed at once, 1 to 256 (default 2)" },
  { "output", 'o', "FILE", "the result CSV (default: FILE_tagged.csv beside the input)" },
  { "resume", OPT_RESUME, "JOB", "go on with an interrupted run of the same CSV" },
  { "json", 'j', NULL, "print the job's events as JSON lines instead of the progress bar" },
  { NULL, 0, NULL, NULL },
};

static const cli_opt submit_opts[] = {
  JOB_CONFIG_OPTS,
  { NULL, 0, NULL, NULL },
};

/* The directory of the CSV, where its documents usually are. */
static char *csv_dir(const char *input)
{
  char *copy = strdup(input);
  char *real = copy ? realpath(dirname(copy), NULL) : NULL;
  free(copy);
  return real;
}

static int write_output(const cli_command *cmd, doctag_ctx *ctx, const char *user, const char *job_id,
                        const char *csv, size_t len, const char *out_path)
{
  char *result = NULL;
  if (doctag_job_output_csv(ctx, &result, user, job_id, csv, len))
    return cli_fail(cmd, "result CSV");
  FILE *f = fopen(out_path, "wb");
  int rc = 0;
  if (!f || fputs(result, f) < 0 || fclose(f) != 0)
    rc = cli_error(cmd, "cannot write %s: %s", out_path, strerror(errno));
  doctag_free(result);
  return rc;
}

static int cmd_run_or_submit(const cli_command *cmd, int argc, char **argv, bool submit_only)
{
  doctag_process_options po;
  doctag_process_options_init(&po, DOCTAG_PROCESS_OPTIONS_VERSION);
  const char *output = NULL, *resume = NULL;
  unsigned int threads = 0;
  progress p = { 0 };
  cli_parser ps;
  cli_parse_begin(&ps, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&ps)) != -1) {
    const char *arg = ps.arg;
    switch (ch) {
    case CLI_PARSE_ERROR: return CLI_EXIT_USAGE;
    case 'm': po.model_name = arg; break;
    case 'n':
      if (!cli_parse_uint(arg, 3, 15, &po.num_tags))
        return cli_usage_error(cmd, "--num-tags must be a number from 3 to 15 (got '%s')", arg);
      break;
    case OPT_NUM_PAGES:
      if (!cli_parse_uint(arg, 1, 10, &po.num_pages))
        return cli_usage_error(cmd, "--num-pages must be a number from 1 to 10 (got '%s')", arg);
      break;
    case OPT_OCR:
      if (!cli_parse_ocr(arg, &po.ocr))
        return cli_usage_error(cmd, "--ocr must be auto, force or off (got '%s')", arg);
      break;
    case 'l': po.languages = arg; break;
    case OPT_THREADS:
      if (!cli_parse_uint(arg, 1, 256, &threads))
        return cli_usage_error(cmd, "--threads must be a number from 1 to 256 (got '%s')", arg);
      break;
    case 'o': output = arg; break;
    case OPT_RESUME: resume = arg; break;
    case 'j': p.json = true; break;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, argc - optind ? "one CSV file is expected" : "a CSV file is required");
  const char *input = argv[optind];
  size_t len = 0;
  char *csv = cli_read_all(input, &len);
  if (!csv)
    return cli_error(cmd, "%s: %s", input, strerror(errno));
  char *out_path = NULL;
  if (output) {
    out_path = strdup(output);
  } else {
    const char *dot = strrchr(input, '.');
    size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - input) : strlen(input);
    out_path = malloc(stem + 16);
    snprintf(out_path, stem + 16, "%.*s_tagged.csv", (int)stem, input);
  }

  catch_signals();
  char *dir = csv_dir(input);
  doctag_ctx *ctx = NULL;
  char user[128] = "";
  char *job_id = NULL;
  int rc = cli_context_user(cmd, &ctx, dir, user, sizeof user);
  if (rc)
    goto out;

  if (resume) {
    job_id = strdup(resume);
    doctag_job *job = NULL;
    if (doctag_job_status(ctx, &job, user, job_id)) {
      rc = cli_fail(cmd, job_id);
      goto out;
    }
    doctag_job_state st = doctag_job_get_state(job);
    doctag_job_free(job);
    if (st == DOCTAG_JOB_PAUSED && doctag_job_resume(ctx, user, job_id)) {
      rc = cli_fail(cmd, job_id);
      goto out;
    }
  } else {
    doctag_job_options jo;
    doctag_job_options_init(&jo, DOCTAG_JOB_OPTIONS_VERSION);
    jo.process = &po;
    jo.base_dir = dir;   /* relative local paths are the CSV's, as in a shell */
    char *id = NULL;
    if (doctag_batch_submit_csv(ctx, &id, user, csv, len, &jo)) {
      rc = cli_fail(cmd, input);
      goto out;
    }
    job_id = strdup(id);
    doctag_free(id);
  }
  if (submit_only) {
    puts(job_id);
    goto out;
  }
  if (!p.json)
    fprintf(stderr, "job %s\n", job_id);

  worker_arg w = { .ctx = ctx };
  doctag_worker_options_init(&w.opts, DOCTAG_WORKER_OPTIONS_VERSION);
  w.opts.threads = threads;
  w.opts.until_job = job_id;
  w.opts.stop = &worker_stop;
  w.opts.abandon_on_stop = true;   /* ^C gives the document in hand back: --resume takes it at once */
  pthread_t th;
  if (pthread_create(&th, NULL, worker_main, &w) != 0) {
    rc = cli_error(cmd, "cannot start the worker thread");
    goto out;
  }
  p.tty = isatty(STDERR_FILENO);
  p.start = cli_now();
  doctag_job_state state = DOCTAG_JOB_PENDING;
  rc = follow(cmd, ctx, user, job_id, &p, &state);
  bool interrupted = stop_requested && state != DOCTAG_JOB_COMPLETED && state != DOCTAG_JOB_CANCELLED &&
                     state != DOCTAG_JOB_FAILED;
  /* ^C: paused first, so that no document starts again; then the worker
   * stops and gives the documents in hand back to the queue (abandon_on_stop),
   * so that --resume takes them up at once. */
  if (interrupted)
    doctag_job_pause(ctx, user, job_id);
  worker_stop = 1; /* the job has ended (or we were interrupted) */
  if (interrupted) {
    /* The CSV of what finished is written and we leave, within the grace
     * whatever the library is still doing. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += INTERRUPT_GRACE_MS * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    bool joined = pthread_timedjoin_np(th, NULL, &deadline) == 0;
    doctag_job *job = NULL;
    size_t done = 0, total = 0, failed = 0;
    if (doctag_job_status(ctx, &job, user, job_id) == DOCTAG_OK) {
      done = doctag_job_results_count(job);
      total = doctag_job_total(job);
      failed = doctag_job_failed_count(job);
      doctag_job_free(job);
    }
    print_failed_rows(cmd, ctx, user, job_id);
    int wrc = write_output(cmd, ctx, user, job_id, csv, len, out_path);
    fprintf(stderr,
            "doctag %s: interrupted: %zu of %zu rows finished (%zu failed)%s%s; the others are 'pending'.\n"
            "Resume with: doctag batch run --resume %s%s%s %s\n",
            cmd->name, done, total, failed, wrc ? "" : ", wrote ", wrc ? "" : out_path, job_id,
            output ? " -o " : "", output ? output : "", input);
    fflush(stdout);
    fflush(stderr);
    if (!joined)
      _exit(EXIT_INTERRUPTED); /* a document is still in the library's hands */
    rc = EXIT_INTERRUPTED;
    goto out;
  }
  pthread_join(th, NULL);
  if (w.st) {
    rc = cli_error(cmd, "worker: %s", w.message);
    goto out;
  }
  if (rc)
    goto out;
  print_failed_rows(cmd, ctx, user, job_id);
  if ((rc = write_output(cmd, ctx, user, job_id, csv, len, out_path)))
    goto out;
  if (!p.json)
    fprintf(stderr, "%s: %zu succeeded, %zu failed in %.1f s; wrote %s\n", doctag_job_state_name(state), p.processed,
            p.failed, cli_now() - p.start, out_path);
  if (state != DOCTAG_JOB_COMPLETED || (p.failed && !p.processed))
    rc = CLI_EXIT_FAIL;
  else if (p.failed)
    rc = CLI_EXIT_PARTIAL;
out:
  doctag_ctx_free(ctx);
  free(dir);
  free(job_id);
  free(out_path);
  free(csv);
  return rc;
}

static int cmd_run(const cli_command *cmd, int argc, char **argv)
{
  return cmd_run_or_submit(cmd, argc, argv, false);
}

static int cmd_submit(const cli_command *cmd, int argc, char **argv)
{
  return cmd_run_or_submit(cmd, argc, argv, true);
}

/* ---- the commands that name a job ---------------------------------------- */

static const cli_opt json_opt[] = {
  { "json", 'j', NULL, "print JSON" },
  { NULL, 0, NULL, NULL },
};
static const cli_opt no_opts[] = { { NULL, 0, NULL, NULL } };

/* Parses "[--json] JOB_ID", opens the context and the CLI user. */
static int open_job(const cli_command *cmd, int argc, char **argv, bool *json, const char **id, doctag_ctx **ctx,
                    char *user, size_t usize)
{
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    if (ch == 'j' && json)
      *json = true;
    else
      return CLI_EXIT_USAGE;
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, argc - optind ? "one JOB_ID is expected" : "a JOB_ID is required "
                                                                          "('doctag batch list' shows them)");
  *id = argv[optind];
  return cli_context_user(cmd, ctx, NULL, user, usize);
}

static int cmd_status(const cli_command *cmd, int argc, char **argv)
{
  bool json = !isatty(STDOUT_FILENO);
  const char *id = NULL;
  doctag_ctx *ctx = NULL;
  char user[128];
  int rc = open_job(cmd, argc, argv, &json, &id, &ctx, user, sizeof user);
  doctag_job *job = NULL;
  if (!rc && doctag_job_status(ctx, &job, user, id))
    rc = cli_fail(cmd, id);
  if (!rc && json) {
    char *s = NULL;
    if (doctag_job_to_json(job, &s))
      rc = cli_fail(cmd, id);
    else
      puts(s);
    doctag_free(s);
  } else if (!rc) {
    printf("job       %s\nstatus    %s\nprogress  %zu of %zu rows (%.0f%%)\nsucceeded %zu\nfailed    %zu\n",
           doctag_job_id(job), doctag_job_state_name(doctag_job_get_state(job)), doctag_job_results_count(job),
           doctag_job_total(job), 100.0 * doctag_job_progress(job), doctag_job_processed_count(job),
           doctag_job_failed_count(job));
    if (*doctag_job_error(job))
      printf("error     %s\n", doctag_job_error(job));
  }
  doctag_job_free(job);
  doctag_ctx_free(ctx);
  return rc;
}

static int cmd_watch(const cli_command *cmd, int argc, char **argv)
{
  bool json = false;
  const char *id = NULL;
  doctag_ctx *ctx = NULL;
  char user[128];
  catch_signals();
  int rc = open_job(cmd, argc, argv, &json, &id, &ctx, user, sizeof user);
  if (!rc) {
    progress p = { .json = json, .tty = isatty(STDERR_FILENO), .start = cli_now() };
    doctag_job_state state;
    rc = follow(cmd, ctx, user, id, &p, &state);
    if (!rc && !json)
      fprintf(stderr, "%s: %zu succeeded, %zu failed\n", doctag_job_state_name(state), p.processed, p.failed);
    if (!rc && stop_requested)
      rc = EXIT_INTERRUPTED;
  }
  doctag_ctx_free(ctx);
  return rc;
}

static int steer(const cli_command *cmd, int argc, char **argv)
{
  const char *id = NULL;
  doctag_ctx *ctx = NULL;
  char user[128];
  int rc = open_job(cmd, argc, argv, NULL, &id, &ctx, user, sizeof user);
  const char *verb = cli_leaf(cmd);
  if (!rc) {
    doctag_status st = !strcmp(verb, "pause")    ? doctag_job_pause(ctx, user, id)
                       : !strcmp(verb, "resume") ? doctag_job_resume(ctx, user, id)
                                                 : doctag_job_cancel(ctx, user, id);
    if (st)
      rc = cli_fail(cmd, id);
    else
      printf("%c%s command sent to job %s\n", verb[0] - 32, verb + 1, id);
  }
  doctag_ctx_free(ctx);
  return rc;
}

/* ---- list and export ---------------------------------------------------- */

enum { OPT_LIMIT = 'n', OPT_STATUS = CLI_OPT_FIRST_FREE + 10 };

static const cli_opt list_opts[] = {
  { "limit", OPT_LIMIT, "N", "at most N jobs, 1 to 100 (default 20)" },
  { "status", OPT_STATUS, "STATE", "only jobs in this state (pending, processing, paused, completed, cancelled, failed)" },
  { "format", CLI_OPT_FORMAT, "FMT", "text, json or csv (default: text on a terminal, else json)" },
  { "json", 'j', NULL, "same as --format json" },
  { NULL, 0, NULL, NULL },
};

static int cmd_list(const cli_command *cmd, int argc, char **argv)
{
  unsigned int limit = 20;
  const char *status = NULL;
  cli_format fmt = cli_default_format();
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    switch (ch) {
    case OPT_LIMIT:
      if (!cli_parse_uint(p.arg, 1, 100, &limit))
        return cli_usage_error(cmd, "--limit must be a number from 1 to 100 (got '%s')", p.arg);
      break;
    case OPT_STATUS: status = p.arg; break;
    case 'j': fmt = CLI_JSON; break;
    case CLI_OPT_FORMAT:
      if (!cli_parse_format(p.arg, &fmt))
        return cli_usage_error(cmd, "--format must be text, json or csv (got '%s')", p.arg);
      break;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  doctag_ctx *ctx = NULL;
  char user[128];
  int rc = cli_context_user(cmd, &ctx, NULL, user, sizeof user);
  doctag_job_list *list = NULL;
  if (!rc && doctag_history_jobs(ctx, &list, user, limit, 0, status))
    rc = cli_fail(cmd, "history");
  if (!rc) {
    size_t n = doctag_job_list_count(list);
    if (fmt == CLI_JSON) {
      char *json = NULL;
      if (doctag_job_list_to_json(list, &json) == DOCTAG_OK)
        puts(json);
      doctag_free(json);
    } else if (fmt == CLI_CSV) {
      fputs("id,type,status,total_documents,processed_count,failed_count,created_at,completed_at\r\n", stdout);
      for (size_t i = 0; i < n; i++) {
        const doctag_job_record *j = doctag_job_list_at(list, i);
        printf("%s,%s,%s,%llu,%llu,%llu,%s,%s\r\n", j->id, j->job_type, j->status,
               (unsigned long long)j->total_documents, (unsigned long long)j->processed_count,
               (unsigned long long)j->failed_count, j->created_at, j->completed_at ? j->completed_at : "");
      }
    } else if (!n) {
      printf("No jobs yet ('doctag batch run FILE.csv' starts one).\n");
    } else {
      printf("%-36s  %-10s  %5s  %5s  %6s  %s\n", "JOB", "STATUS", "ROWS", "OK", "FAILED", "CREATED");
      for (size_t i = 0; i < n; i++) {
        const doctag_job_record *j = doctag_job_list_at(list, i);
        printf("%-36s  %-10s  %5llu  %5llu  %6llu  %.19s\n", j->id, j->status, (unsigned long long)j->total_documents,
               (unsigned long long)j->processed_count, (unsigned long long)j->failed_count, j->created_at);
      }
      if (doctag_job_list_total(list) > n)
        printf("(%zu of %llu jobs; --limit shows more)\n", n, (unsigned long long)doctag_job_list_total(list));
    }
  }
  doctag_job_list_free(list);
  doctag_ctx_free(ctx);
  return rc;
}

static const cli_opt export_opts[] = {
  { "output", 'o', "FILE", "write the CSV to FILE (default: standard output)" },
  { "input", OPT_INPUT, "FILE.csv", "the job's input CSV: the export keeps all its columns, as 'batch run' writes" },
  { NULL, 0, NULL, NULL },
};

static int cmd_export(const cli_command *cmd, int argc, char **argv)
{
  const char *output = NULL, *input = NULL;
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    if (ch == 'o')
      output = p.arg;
    else if (ch == OPT_INPUT)
      input = p.arg;
    else
      return CLI_EXIT_USAGE;
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, argc - optind ? "one JOB_ID is expected" : "a JOB_ID is required "
                                                                          "('doctag batch list' shows them)");
  const char *id = argv[optind];
  doctag_ctx *ctx = NULL;
  char user[128];
  int rc = cli_context_user(cmd, &ctx, NULL, user, sizeof user);
  char *csv = NULL;
  size_t len = 0;
  if (!rc && input && !(csv = cli_read_all(input, &len)))
    rc = cli_error(cmd, "%s: %s", input, strerror(errno));
  FILE *out = stdout;
  if (!rc && output && strcmp(output, "-") && !(out = fopen(output, "w"))) {
    out = stdout;
    rc = cli_error(cmd, "%s: %s", output, strerror(errno));
  }
  if (!rc && csv) {
    char *result = NULL;
    if (doctag_job_output_csv(ctx, &result, user, id, csv, len))
      rc = cli_fail(cmd, id);
    else
      fputs(result, out);
    doctag_free(result);
  } else if (!rc) {
    doctag_job_detail *job = NULL;
    if (doctag_history_job(ctx, &job, user, id)) {
      rc = cli_fail(cmd, id);
    } else {
      fputs("title,file_path,file_source_type,status,generated_tags,error\r\n", out);
      for (size_t i = 0; i < doctag_job_detail_document_count(job); i++) {
        const doctag_document_record *d = doctag_job_detail_document_at(job, i);
        cli_csv_field(out, d->title);
        fputc(',', out);
        cli_csv_field(out, d->file_path);
        fprintf(out, ",%s,%s,", d->file_source_type ? d->file_source_type : "", d->status ? d->status : "");
        char *tags = cli_join(d->tags, d->tag_count, ", ");
        cli_csv_field(out, tags);
        free(tags);
        fputc(',', out);
        cli_csv_field(out, d->error_message);
        fputs("\r\n", out);
      }
    }
    doctag_job_detail_free(job);
  }
  if (out != stdout && fclose(out) != 0 && !rc)
    rc = cli_error(cmd, "writing %s: %s", output, strerror(errno));
  free(csv);
  doctag_ctx_free(ctx);
  return rc;
}

/* ---- the table ---------------------------------------------------------- */

static const cli_command batch_run = {
  "batch run", "[OPTIONS] FILE.csv", "process a CSV of documents on this machine",
  "Submits the CSV (the template's columns: title, file_source_type, file_path, ...), processes it on "
  "this machine and writes the result CSV (the input plus generated_tags and tagging_status). Progress "
  "goes to the terminal; every failed row is named with its reason. ^C stops within two seconds: the "
  "rows that finished are written (the others say 'pending') and the command prints how to resume.\n\n"
  "Local paths (file_source_type local) may be relative to the CSV's directory, and must be inside "
  "DOCTAG_ALLOWED_ROOTS; unset, the CSV's directory and the current directory are allowed (never /: "
  "run from /, set DOCTAG_ALLOWED_ROOTS).\n\n"
  "Exit status 3 when some rows failed, 1 when all did, 130 when interrupted.",
  run_opts, cmd_run, NULL,
};
static const cli_command batch_submit = {
  "batch submit", "[OPTIONS] FILE.csv", "submit a CSV for workers elsewhere; prints the job id",
  "Only submits the CSV and prints the job id, for workers elsewhere ('doctag worker' here or on other "
  "machines sharing the queue). Relative local paths are resolved here, against the CSV's directory; "
  "the workers need the same files at those paths and allowed by their DOCTAG_ALLOWED_ROOTS.",
  submit_opts, cmd_submit, NULL,
};
static const cli_command batch_status = {
  "batch status", "[--json] JOB_ID", "show a job's state and counts",
  "Shows a job's state and counts (JSON when standard output is not a terminal, or with --json).",
  json_opt, cmd_status, NULL,
};
static const cli_command batch_watch = {
  "batch watch", "[--json] JOB_ID", "follow a job until it ends",
  "Follows the job's events until it ends: a progress bar, or the events as JSON lines with --json.",
  json_opt, cmd_watch, NULL,
};
static const cli_command batch_pause = {
  "batch pause", "JOB_ID", "pause a job", "Pauses a job: documents being processed finish, no new one starts.",
  no_opts, steer, NULL,
};
static const cli_command batch_resume = {
  "batch resume", "JOB_ID", "resume a paused job", "Resumes a paused job (workers take it up again).",
  no_opts, steer, NULL,
};
static const cli_command batch_cancel = {
  "batch cancel", "JOB_ID", "cancel a job", "Cancels a job: no new document starts.", no_opts, steer, NULL,
};
static const cli_command batch_list = {
  "batch list", "[OPTIONS]", "list the CLI's jobs, newest first",
  "Lists the jobs of this data directory's CLI user, newest first.", list_opts, cmd_list, NULL,
};
static const cli_command batch_export = {
  "batch export", "[OPTIONS] JOB_ID", "write a job's results as CSV",
  "Writes a job's results as CSV: one row per document with its title, path, status, tags and error; "
  "with --input, the job's input CSV with generated_tags and tagging_status added.",
  export_opts, cmd_export, NULL,
};

static const cli_command *const batch_commands[] = {
  &batch_run, &batch_submit, &batch_status, &batch_watch, &batch_pause, &batch_resume, &batch_cancel,
  &batch_list, &batch_export, NULL,
};

const cli_command cli_batch_command = {
  "batch", "COMMAND [OPTIONS] ...", "batch jobs: run a CSV, list, export, follow and steer jobs",
  "Batch jobs: process a CSV manifest on this machine, or follow and steer a job.", NULL, NULL, batch_commands,
};
