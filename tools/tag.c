/* doctag tag: tags plain text (a file, or standard input with "-") through
 * doctag_tag_text() and prints the result as JSON, one line per input. */
#include <doctag/doctag.h>

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static void tag_usage(FILE *f)
{
  fprintf(f,
          "Usage: doctag tag [--model M] [--num-tags N] [--title T] [--exclude W]...\n"
          "                  [--exclusion-file F] [--vocabulary F] FILE.txt|-...\n"
          "Tags UTF-8 text (\"-\" reads standard input) and prints the result as JSON,\n"
          "one line per input. Without --title, the text's first title-like line is\n"
          "the title. --model local is the built-in offline tagger.\n");
}

static int tag_fail(const char *what)
{
  const doctag_error *e = doctag_error_last();
  fprintf(stderr, "doctag: %s: %s\n", what, e->message[0] ? e->message : doctag_status_name(e->code));
  return EXIT_FAILURE;
}

/* The whole of `path` ("-": standard input); NULL with a message on error. */
static char *read_input(const char *path, size_t *len)
{
  GError *err = NULL;
  char *data = NULL;
  gsize n = 0;
  if (!strcmp(path, "-")) {
    GString *s = g_string_new(NULL);
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, stdin)) > 0)
      g_string_append_len(s, buf, (gssize)got);
    if (ferror(stdin)) {
      fprintf(stderr, "doctag: reading standard input: %s\n", strerror(errno));
      g_string_free(s, TRUE);
      return NULL;
    }
    *len = s->len;
    return g_string_free(s, FALSE);
  }
  if (!g_file_get_contents(path, &data, &n, &err)) {
    fprintf(stderr, "doctag: %s\n", err->message);
    g_error_free(err);
    return NULL;
  }
  *len = n;
  return data;
}

/* A term list file (text or PDF) read through the library. */
static int tag_terms(doctag_ctx *ctx, const char *path, char ***terms)
{
  size_t len = 0;
  char *data = read_input(path, &len);
  if (!data)
    return EXIT_FAILURE;
  doctag_status st = doctag_terms_parse(ctx, data, len, terms, NULL);
  g_free(data);
  return st ? tag_fail(path) : 0;
}

enum { T_MODEL = 256, T_NUM_TAGS, T_TITLE, T_EXCLUDE, T_EXCLUSION_FILE, T_VOCABULARY };

int cmd_tag(int argc, char **argv)
{
  static const struct option opts[] = {
    { "model", required_argument, NULL, T_MODEL },
    { "num-tags", required_argument, NULL, T_NUM_TAGS },
    { "title", required_argument, NULL, T_TITLE },
    { "exclude", required_argument, NULL, T_EXCLUDE },
    { "exclusion-file", required_argument, NULL, T_EXCLUSION_FILE },
    { "vocabulary", required_argument, NULL, T_VOCABULARY },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  doctag_process_options o;
  doctag_process_options_init(&o, DOCTAG_PROCESS_OPTIONS_VERSION);
  const char *title = NULL, *exclusion_file = NULL, *vocabulary_file = NULL;
  GPtrArray *exclude = g_ptr_array_new();
  int ch, rc = 0;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    char *end = NULL;
    switch (ch) {
    case T_MODEL: o.model_name = optarg; break;
    case T_NUM_TAGS:
      errno = 0;
      o.num_tags = (unsigned int)strtoul(optarg, &end, 10);
      if (errno || !*optarg || *end || optarg[0] == '-' || o.num_tags < 3 || o.num_tags > 15) {
        fprintf(stderr, "doctag: --num-tags must be a number from 3 to 15 (got '%s')\n", optarg);
        rc = EXIT_USAGE;
      }
      break;
    case T_TITLE: title = optarg; break;
    case T_EXCLUDE: g_ptr_array_add(exclude, optarg); break;
    case T_EXCLUSION_FILE: exclusion_file = optarg; break;
    case T_VOCABULARY: vocabulary_file = optarg; break;
    case 'h': tag_usage(stdout); g_ptr_array_free(exclude, TRUE); return EXIT_SUCCESS;
    default: rc = EXIT_USAGE; break;
    }
  }
  if (!rc && optind >= argc) {
    fprintf(stderr, "doctag: tag: a FILE.txt or - is required\n");
    rc = EXIT_USAGE;
  }
  if (rc) {
    fprintf(stderr, "Try 'doctag tag --help'.\n");
    g_ptr_array_free(exclude, TRUE);
    return rc;
  }

  doctag_ctx *ctx = NULL;
  char **file_terms = NULL, **vocab = NULL;
  if (doctag_ctx_new(&ctx, NULL)) {
    rc = tag_fail("configuration");
    goto out;
  }
  if (exclusion_file && (rc = tag_terms(ctx, exclusion_file, &file_terms)))
    goto out;
  if (vocabulary_file && (rc = tag_terms(ctx, vocabulary_file, &vocab)))
    goto out;
  for (char **t = file_terms; t && *t; t++)
    g_ptr_array_add(exclude, *t);
  o.exclusion_words = (const char *const *)exclude->pdata;
  o.exclusion_count = exclude->len;
  o.vocabulary = (const char *const *)vocab;
  o.vocabulary_count = vocab ? g_strv_length(vocab) : 0;

  for (int i = optind; i < argc; i++) {
    size_t len = 0;
    char *text = read_input(argv[i], &len);
    if (!text) {
      rc = EXIT_FAILURE;
      continue;
    }
    doctag_result *r = NULL;
    char *json = NULL;
    char *base = strcmp(argv[i], "-") ? g_path_get_basename(argv[i]) : NULL;
    o.file_name = base;
    if (doctag_tag_text(ctx, &r, text, len, title, &o) || doctag_result_to_json(r, &json)) {
      rc = tag_fail(argv[i]);
    } else {
      puts(json);
      doctag_free(json);
    }
    doctag_result_free(r);
    g_free(base);
    g_free(text);
  }
  if (fflush(stdout) != 0) {
    fprintf(stderr, "doctag: writing output: %s\n", strerror(errno));
    rc = EXIT_FAILURE;
  }
out:
  g_ptr_array_free(exclude, TRUE);
  doctag_strv_free(file_terms);
  doctag_strv_free(vocab);
  doctag_ctx_free(ctx);
  return rc;
}
