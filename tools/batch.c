/* doctag batch run|status|watch|pause|resume|cancel: batch jobs from the
 * command line, through the public ABI. The CLI's jobs belong to a local
 * user it creates once per data directory (its id kept in
 * $DOCTAG_DATA_DIR/cli-user). */
#include "cli.h"

#include <doctag/auth.h>
#include <doctag/doctag.h>
#include <doctag/jobs.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static volatile int stop_requested;
/* Stops the in-process worker of 'batch run' once the job has ended. */
static volatile int worker_stop;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
  worker_stop = 1;
}

static int fail(const char *what)
{
  const doctag_error *e = doctag_error_last();
  fprintf(stderr, "doctag batch: %s: %s\n", what, e->message[0] ? e->message : doctag_status_name(e->code));
  return 1;
}

static int usage(FILE *f, int rc)
{
  fprintf(f,
          "Usage: doctag batch run FILE.csv [--model M] [--num-tags N] [--num-pages N]\n"
          "                        [--threads N] [--output OUT.csv] [--json]\n"
          "       doctag batch submit FILE.csv [--model M] [--num-tags N] [--num-pages N]\n"
          "       doctag batch status|watch|pause|resume|cancel JOB_ID [--json]\n"
          "\n"
          "run     submits the CSV (columns of the template: title, file_source_type, file_path, ...),\n"
          "        processes it on this machine and writes the result CSV (generated_tags,\n"
          "        tagging_status) to OUT.csv (default: FILE_tagged.csv). Progress goes to the\n"
          "        terminal; --json prints the job's events as JSON lines instead.\n"
          "submit  only submits the CSV and prints the job id, for workers elsewhere\n"
          "        ('doctag worker' here or on other machines sharing the queue).\n"
          "status  prints the job's status as JSON.\n"
          "watch   follows the job's events until it ends.\n"
          "Exit status: 0 every document succeeded, 1 some failed or an error, 2 usage.\n");
  return rc;
}

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb)
        free(buf);
      buf = nb;
    }
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

/* The CLI's user: created on first use, its id kept in the data directory. */
static int cli_user(doctag_ctx *ctx, char *id, size_t idsize)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/cli-user", doctag_ctx_data_dir(ctx));
  for (int attempt = 0; attempt < 2; attempt++) {
    FILE *f = fopen(path, "r");
    if (f) {
      bool ok = fgets(id, (int)idsize, f) != NULL;
      fclose(f);
      id[strcspn(id, "\r\n")] = '\0';
      doctag_user *u = NULL;
      if (ok && doctag_auth_user(ctx, &u, id) == DOCTAG_OK) {
        doctag_user_free(u);
        return 0;
      }
      /* A stale file (another database): make a new user. */
      unlink(path);
    }
    unsigned char rnd[24];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
      fprintf(stderr, "doctag batch: no randomness for the CLI user: %s\n", strerror(errno));
      return 1;
    }
    char email[64], password[64];
    snprintf(email, sizeof email, "cli-%02x%02x%02x%02x@doctag.invalid", rnd[0], rnd[1], rnd[2], rnd[3]);
    for (size_t i = 0; i < 20; i++)
      snprintf(password + 2 * i, 3, "%02x", rnd[4 + i]);
    doctag_user *u = NULL;
    if (doctag_auth_register(ctx, &u, email, password, "doctag CLI"))
      return fail("creating the CLI user");
    snprintf(id, idsize, "%s", doctag_user_id(u));
    doctag_user_free(u);
    /* O_EXCL: when two CLIs race, the first file wins and the other reads it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      FILE *w = fdopen(fd, "w");
      fprintf(w, "%s\n", id);
      fclose(w);
      return 0;
    }
    if (errno != EEXIST) {
      fprintf(stderr, "doctag batch: cannot write %s: %s\n", path, strerror(errno));
      return 1;
    }
  }
  return 0;
}

/* ---- progress --------------------------------------------------------- */

typedef struct progress {
  bool json;
  bool tty;
  size_t total, processed, failed;
  struct timespec start;
  bool drawn;
} progress;

static double seconds_since(const struct timespec *t0)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void draw(progress *p)
{
  if (!p->tty || p->json)
    return;
  size_t done = p->processed + p->failed;
  double el = seconds_since(&p->start), rate = el > 0 ? (double)done / el : 0;
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

/* Follows a job's events until it ends or the user interrupts. Returns the
 * final snapshot's state through *state. */
/* Least time between two reads of a job's events while it is busy. */
#define FOLLOW_BATCH_MS 100

static int follow(doctag_ctx *ctx, const char *user, const char *job_id, progress *p, doctag_job_state *state)
{
  doctag_job *job = NULL;
  if (doctag_job_status(ctx, &job, user, job_id))
    return fail(job_id);
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
    if (doctag_job_events_poll(ctx, &evs, user, job_id, seq, 0, 500))
      return fail(job_id);
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
  if (doctag_job_status(ctx, &job, user, job_id))
    return fail(job_id);
  *state = doctag_job_get_state(job);
  p->processed = doctag_job_processed_count(job);
  p->failed = doctag_job_failed_count(job);
  doctag_job_free(job);
  return 0;
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

static bool parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || !*s || *end || s[0] == '-' || v < lo || v > hi)
    return false;
  *out = (unsigned int)v;
  return true;
}

static int cmd_run(doctag_ctx *ctx, const char *user, int argc, char **argv, bool submit_only)
{
  static const struct option opts[] = {
    { "model", required_argument, NULL, 'm' },  { "num-tags", required_argument, NULL, 'n' },
    { "num-pages", required_argument, NULL, 'p' }, { "output", required_argument, NULL, 'o' },
    { "threads", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  doctag_process_options po;
  doctag_process_options_init(&po, DOCTAG_PROCESS_OPTIONS_VERSION);
  const char *output = NULL;
  unsigned int threads = 0;
  progress p = { 0 };
  optind = 1;
  int ch;
  while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    switch (ch) {
    case 'm': po.model_name = optarg; break;
    case 'n':
      if (!parse_uint(optarg, 3, 15, &po.num_tags)) {
        fprintf(stderr, "doctag batch: --num-tags must be a number from 3 to 15 (got '%s')\n", optarg);
        return 2;
      }
      break;
    case 'p':
      if (!parse_uint(optarg, 1, 10, &po.num_pages)) {
        fprintf(stderr, "doctag batch: --num-pages must be a number from 1 to 10 (got '%s')\n", optarg);
        return 2;
      }
      break;
    case 't':
      if (!parse_uint(optarg, 1, 256, &threads)) {
        fprintf(stderr, "doctag batch: --threads must be a number from 1 to 256 (got '%s')\n", optarg);
        return 2;
      }
      break;
    case 'o': output = optarg; break;
    case 'j': p.json = true; break;
    case 'h': return usage(stdout, 0);
    default: return 2;
    }
  }
  if (argc - optind != 1) {
    fprintf(stderr, "doctag batch %s: one CSV file is required\n", argv[0]);
    return 2;
  }
  if (submit_only && (output || threads || p.json)) {
    fprintf(stderr, "doctag batch submit: --output, --threads and --json are for 'batch run'\n");
    return 2;
  }
  const char *input = argv[optind];
  size_t len = 0;
  char *csv = read_file(input, &len);
  if (!csv) {
    fprintf(stderr, "doctag batch: %s: %s\n", input, strerror(errno));
    return 1;
  }
  char *out_path = NULL;
  if (output) {
    out_path = strdup(output);
  } else {
    const char *dot = strrchr(input, '.');
    size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - input) : strlen(input);
    out_path = malloc(stem + 16);
    snprintf(out_path, stem + 16, "%.*s_tagged.csv", (int)stem, input);
  }

  doctag_job_options jo;
  doctag_job_options_init(&jo, DOCTAG_JOB_OPTIONS_VERSION);
  jo.process = &po;
  char *job_id = NULL;
  int rc = 0;
  if (doctag_batch_submit_csv(ctx, &job_id, user, csv, len, &jo)) {
    rc = fail(input);
    goto out;
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
  pthread_t th;
  if (pthread_create(&th, NULL, worker_main, &w) != 0) {
    fprintf(stderr, "doctag batch: cannot start the worker thread\n");
    rc = 1;
    goto out;
  }
  p.tty = isatty(STDERR_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &p.start);
  doctag_job_state state = DOCTAG_JOB_PENDING;
  rc = follow(ctx, user, job_id, &p, &state);
  worker_stop = 1;   /* the job has ended (or we were interrupted) */
  pthread_join(th, NULL);
  if (w.st) {
    fprintf(stderr, "doctag batch: worker: %s\n", w.message);
    rc = 1;
  }
  if (stop_requested) {
    fprintf(stderr, "doctag batch: interrupted; job %s is left %s (resume it with 'doctag worker')\n", job_id,
            doctag_job_state_name(state));
    rc = 1;
    goto out;
  }
  char *result = NULL;
  if (doctag_job_output_csv(ctx, &result, user, job_id, csv, len)) {
    rc = fail("result CSV");
    goto out;
  }
  FILE *f = fopen(out_path, "wb");
  if (!f || fputs(result, f) < 0 || fclose(f) != 0) {
    fprintf(stderr, "doctag batch: cannot write %s: %s\n", out_path, strerror(errno));
    rc = 1;
  } else if (!p.json) {
    double el = seconds_since(&p.start);
    fprintf(stderr, "%s: %zu succeeded, %zu failed in %.1f s; wrote %s\n", doctag_job_state_name(state), p.processed,
            p.failed, el, out_path);
  }
  doctag_free(result);
  if (!rc && (p.failed || state != DOCTAG_JOB_COMPLETED))
    rc = 1;
out:
  doctag_free(job_id);
  free(out_path);
  free(csv);
  return rc;
}

/* ---- the other commands ----------------------------------------------- */

static int cmd_status(doctag_ctx *ctx, const char *user, const char *id)
{
  doctag_job *job = NULL;
  if (doctag_job_status(ctx, &job, user, id))
    return fail(id);
  char *json = NULL;
  int rc = doctag_job_to_json(job, &json) ? fail(id) : 0;
  if (!rc)
    puts(json);
  doctag_free(json);
  doctag_job_free(job);
  return rc;
}

static int cmd_watch(doctag_ctx *ctx, const char *user, const char *id, bool json)
{
  progress p = { .json = json, .tty = isatty(STDERR_FILENO) };
  clock_gettime(CLOCK_MONOTONIC, &p.start);
  doctag_job_state state;
  int rc = follow(ctx, user, id, &p, &state);
  if (!rc && !json)
    fprintf(stderr, "%s: %zu succeeded, %zu failed\n", doctag_job_state_name(state), p.processed, p.failed);
  return rc ? rc : stop_requested ? 1 : 0;
}

static int cmd_command(doctag_ctx *ctx, const char *user, const char *verb, const char *id)
{
  doctag_status st = !strcmp(verb, "pause")    ? doctag_job_pause(ctx, user, id)
                     : !strcmp(verb, "resume") ? doctag_job_resume(ctx, user, id)
                                               : doctag_job_cancel(ctx, user, id);
  if (st)
    return fail(id);
  printf("%c%s command sent to job %s\n", verb[0] - 32, verb + 1, id);
  return 0;
}

int cmd_batch(int argc, char **argv)
{
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
    return usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
  const char *sub = argv[1];
  bool known = !strcmp(sub, "run") || !strcmp(sub, "submit") || !strcmp(sub, "status") || !strcmp(sub, "watch") || !strcmp(sub, "pause") ||
               !strcmp(sub, "resume") || !strcmp(sub, "cancel");
  if (!known) {
    fprintf(stderr, "doctag batch: unknown command '%s'\n", sub);
    return usage(stderr, 2);
  }
  bool json = false;
  const char *id = NULL;
  if (strcmp(sub, "run") && strcmp(sub, "submit")) {
    for (int i = 2; i < argc; i++) {
      if (!strcmp(argv[i], "--json"))
        json = true;
      else if (!id)
        id = argv[i];
      else {
        fprintf(stderr, "doctag batch %s: one JOB_ID is expected\n", sub);
        return 2;
      }
    }
    if (!id) {
      fprintf(stderr, "doctag batch %s: a JOB_ID is required\n", sub);
      return 2;
    }
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL))
    return fail("configuration");
  char user[128] = "";
  int rc = cli_user(ctx, user, sizeof user);
  if (!rc) {
    if (!strcmp(sub, "run") || !strcmp(sub, "submit"))
      rc = cmd_run(ctx, user, argc - 1, argv + 1, !strcmp(sub, "submit"));
    else if (!strcmp(sub, "status"))
      rc = cmd_status(ctx, user, id);
    else if (!strcmp(sub, "watch"))
      rc = cmd_watch(ctx, user, id, json);
    else
      rc = cmd_command(ctx, user, sub, id);
  }
  doctag_ctx_free(ctx);
  return rc;
}
