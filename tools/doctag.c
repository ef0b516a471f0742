/* doctag: the command-line front end. It only parses arguments, calls the
 * public ABI and prints what comes back. */
#include <doctag/doctag.h>

#include "cli.h"

#include <errno.h>
#include <glib.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char *prog = "doctag";

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: doctag COMMAND [OPTIONS] ...\n"
          "\n"
          "Turns PDF documents into text and search tags.\n"
          "\n"
          "Commands:\n"
          "  extract [--ocr auto|force|off] [--lang L] [--password P] FILE|URL\n"
          "        Print the text of every page; pages end with a form feed.\n"
          "  process [--model M] [--num-tags N] [--num-pages N] [--exclude W]...\n"
          "          [--exclusion-file F] [--vocabulary F] [--lang L] [--ocr MODE]\n"
          "          [--password P] FILE|URL...\n"
          "        Extract and tag; print the result as JSON, one line per document.\n"
          "        --model local is the built-in offline tagger; any other model goes to\n"
          "        the OpenAI-compatible endpoint (DOCTAG_LLM_BASE_URL, OPENROUTER_API_KEY).\n"
          "  batch run FILE.csv [--model M] [--num-tags N] [--output OUT.csv] [--json]\n"
          "  batch status|watch|pause|resume|cancel JOB_ID\n"
          "        Batch jobs: process a CSV manifest on this machine, or follow and steer a job\n"
          "        ('doctag batch --help').\n"
          "  tag [--model M] [--num-tags N] [--title T] FILE.txt|-...\n"
          "        Tag plain UTF-8 text ('-': standard input); JSON as for process\n"
          "        ('doctag tag --help').\n"
          "  worker [--threads N] [--once]\n"
          "        Process batch documents from the queue (DOCTAG_REDIS_URL, else the local\n"
          "        queue in the database) until SIGTERM.\n"
          "\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 success, 1 a document could not be processed, 2 usage error.\n");
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'doctag --help'.\n");
  return EXIT_USAGE;
}

static int fail(const char *what)
{
  const doctag_error *e = doctag_error_last();
  fprintf(stderr, "%s: %s: %s\n", prog, what, e->message[0] ? e->message : doctag_status_name(e->code));
  return EXIT_FAILURE;
}

static bool is_url(const char *arg)
{
  return strstr(arg, "://") != NULL;
}

static bool parse_uint(const char *s, unsigned int *out)
{
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || !*s || *end || s[0] == '-' || v > 100000)
    return false;
  *out = (unsigned int)v;
  return true;
}

static bool parse_ocr(const char *s, doctag_ocr_mode *out)
{
  if (!strcmp(s, "auto"))
    *out = DOCTAG_OCR_AUTO;
  else if (!strcmp(s, "force"))
    *out = DOCTAG_OCR_FORCE;
  else if (!strcmp(s, "off"))
    *out = DOCTAG_OCR_OFF;
  else
    return false;
  return true;
}

/* Reads a whole file into memory (for term lists). */
static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

static int print_page(const doctag_page_info *page, void *userdata)
{
  (void)userdata;
  fwrite(page->text, 1, page->text_len, stdout);
  if (page->text_len && page->text[page->text_len - 1] != '\n')
    fputc('\n', stdout);
  fputc('\f', stdout);
  return ferror(stdout) ? 1 : 0;
}

enum { OPT_OCR = 256, OPT_LANG, OPT_PASSWORD, OPT_MODEL, OPT_NUM_TAGS, OPT_NUM_PAGES, OPT_EXCLUDE,
       OPT_EXCLUSION_FILE, OPT_VOCABULARY };

static const struct option common_opts[] = {
  { "ocr", required_argument, NULL, OPT_OCR },
  { "lang", required_argument, NULL, OPT_LANG },
  { "password", required_argument, NULL, OPT_PASSWORD },
  { "model", required_argument, NULL, OPT_MODEL },
  { "num-tags", required_argument, NULL, OPT_NUM_TAGS },
  { "num-pages", required_argument, NULL, OPT_NUM_PAGES },
  { "exclude", required_argument, NULL, OPT_EXCLUDE },
  { "exclusion-file", required_argument, NULL, OPT_EXCLUSION_FILE },
  { "vocabulary", required_argument, NULL, OPT_VOCABULARY },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

typedef struct cli {
  doctag_process_options opts;
  const char **exclude;      /* --exclude words plus the exclusion file's */
  size_t nexclude;
  char **file_terms;         /* from --exclusion-file */
  char **vocab;              /* from --vocabulary */
  const char *exclusion_file;
  const char *vocabulary_file;
} cli;

/* Parses the options of `extract` (tagging == false) or `process`. */
static int parse_options(int argc, char **argv, bool tagging, cli *c)
{
  doctag_process_options_init(&c->opts, DOCTAG_PROCESS_OPTIONS_VERSION);
  c->exclude = calloc((size_t)argc + 1, sizeof *c->exclude);
  optind = 1;
  int ch;
  while ((ch = getopt_long(argc, argv, "h", common_opts, NULL)) != -1) {
    if (!tagging && ch >= OPT_MODEL)
      return usage_error("option '%s' is for 'process', not 'extract'", argv[optind - 1]);
    switch (ch) {
    case OPT_OCR:
      if (!parse_ocr(optarg, &c->opts.ocr))
        return usage_error("--ocr must be auto, force or off (got '%s')", optarg);
      break;
    case OPT_LANG: c->opts.languages = optarg; break;
    case OPT_PASSWORD: c->opts.password = optarg; break;
    case OPT_MODEL: c->opts.model_name = optarg; break;
    case OPT_NUM_TAGS:
      if (!parse_uint(optarg, &c->opts.num_tags) || c->opts.num_tags < 3 || c->opts.num_tags > 15)
        return usage_error("--num-tags must be a number from 3 to 15 (got '%s')", optarg);
      break;
    case OPT_NUM_PAGES:
      if (!parse_uint(optarg, &c->opts.num_pages) || c->opts.num_pages < 1 || c->opts.num_pages > 10)
        return usage_error("--num-pages must be a number from 1 to 10 (got '%s')", optarg);
      break;
    case OPT_EXCLUDE: c->exclude[c->nexclude++] = optarg; break;
    case OPT_EXCLUSION_FILE: c->exclusion_file = optarg; break;
    case OPT_VOCABULARY: c->vocabulary_file = optarg; break;
    case 'h': usage(stdout); exit(EXIT_SUCCESS);
    default: return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return usage_error("%s: a FILE or URL is required", argv[0]);
  return 0;
}

/* Loads a term list file through the library (text or PDF). */
static int load_terms(doctag_ctx *ctx, const char *path, char ***terms)
{
  size_t len = 0;
  char *data = slurp(path, &len);
  if (!data) {
    fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
    return EXIT_FAILURE;
  }
  doctag_status st = doctag_terms_parse(ctx, data, len, terms, NULL);
  free(data);
  return st ? fail(path) : 0;
}

static int cmd_run(int argc, char **argv, bool tagging)
{
  cli c = { 0 };
  int rc = parse_options(argc, argv, tagging, &c);
  if (rc)
    return rc;
  if (!tagging && argc - optind > 1)
    return usage_error("%s", "extract takes one FILE or URL");
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL))
    return fail("configuration");

  if (c.exclusion_file && (rc = load_terms(ctx, c.exclusion_file, &c.file_terms)))
    goto out;
  if (c.vocabulary_file && (rc = load_terms(ctx, c.vocabulary_file, &c.vocab)))
    goto out;
  if (c.file_terms) {
    size_t nfile = 0;
    while (c.file_terms[nfile])
      nfile++;
    const char **all = calloc(c.nexclude + nfile + 1, sizeof *all);
    if (!all) {
      rc = EXIT_FAILURE;
      goto out;
    }
    memcpy(all, c.exclude, c.nexclude * sizeof *all);
    for (size_t k = 0; k < nfile; k++)
      all[c.nexclude++] = c.file_terms[k];
    free(c.exclude);
    c.exclude = all;
  }
  c.opts.exclusion_words = c.exclude;
  c.opts.exclusion_count = c.nexclude;
  if (c.vocab) {
    c.opts.vocabulary = (const char *const *)c.vocab;
    for (char **t = c.vocab; *t; t++)
      c.opts.vocabulary_count++;
  }
  if (!tagging)
    c.opts.on_page = print_page;

  for (int i = optind; i < argc; i++) {
    const char *arg = argv[i];
    doctag_result *r = NULL;
    doctag_status st;
    if (tagging)
      st = is_url(arg) ? doctag_process_url(ctx, &r, arg, &c.opts) : doctag_process_file(ctx, &r, arg, &c.opts);
    else
      st = is_url(arg) ? doctag_extract_url(ctx, &r, arg, &c.opts) : doctag_extract_file(ctx, &r, arg, &c.opts);
    if (st) {
      rc = fail(arg);
      continue;
    }
    if (tagging) {
      char *json = NULL;
      if (doctag_result_to_json(r, &json)) {
        rc = fail(arg);
      } else {
        puts(json);
        doctag_free(json);
      }
    }
    doctag_result_free(r);
  }
  if (fflush(stdout) != 0) {
    fprintf(stderr, "%s: writing output: %s\n", prog, strerror(errno));
    rc = EXIT_FAILURE;
  }
out:
  free(c.exclude);
  doctag_strv_free(c.file_terms);
  doctag_strv_free(c.vocab);
  doctag_ctx_free(ctx);
  return rc;
}

int main(int argc, char **argv)
{
  g_log_writer_default_set_use_stderr(TRUE);
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout);
    return EXIT_SUCCESS;
  }
  if (!strcmp(cmd, "--version")) {
    printf("doctag %s\n", doctag_version());
    return EXIT_SUCCESS;
  }
  if (!strcmp(cmd, "extract"))
    return cmd_run(argc - 1, argv + 1, false);
  if (!strcmp(cmd, "process"))
    return cmd_run(argc - 1, argv + 1, true);
  if (!strcmp(cmd, "batch"))
    return cmd_batch(argc - 1, argv + 1);
  if (!strcmp(cmd, "tag"))
    return cmd_tag(argc - 1, argv + 1);
  if (!strcmp(cmd, "worker"))
    return cmd_worker(argc - 1, argv + 1);
  return usage_error("unknown command '%s'", cmd);
}
