/* doctag: the command-line front end. It only parses arguments, calls the
 * public ABI and prints what comes back. The command table below (and each
 * command file's) is the one source of --help, "did you mean", the bash
 * completion's words and the man page doctag(1) (`doctag help --man`). */
#include <doctag/doctag.h>

#include "cli.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "No time limit" for `doctag extract` of a local file: a day, the most
 * DOCTAG_TIMEOUT_SEC takes. */
#define CLI_LOCAL_TIMEOUT_SEC 86400u

static bool is_url(const char *arg)
{
  return strstr(arg, "://") != NULL;
}


/* "2-5", "3", "4-" (to the end), "-2" (up to page 2); 1-based, inclusive. */
static bool parse_pages(const char *s, unsigned int *first, unsigned int *last)
{
  const char *dash = strchr(s, '-');
  char a[16] = "", b[16] = "";
  if (!dash) {
    if (!cli_parse_uint(s, 1, 1000000, first))
      return false;
    *last = *first;
    return true;
  }
  if ((size_t)(dash - s) >= sizeof a || strlen(dash + 1) >= sizeof b)
    return false;
  memcpy(a, s, (size_t)(dash - s));
  strcpy(b, dash + 1);
  if (!*a && !*b)
    return false;
  *first = 1;
  *last = 0;
  if (*a && !cli_parse_uint(a, 1, 1000000, first))
    return false;
  if (*b && !cli_parse_uint(b, 1, 1000000, last))
    return false;
  return !*last || *last >= *first;
}

/* ---- options of extract and process ------------------------------------ */

enum {
  OPT_OCR = CLI_OPT_FIRST_FREE, OPT_PASSWORD, OPT_PAGES, OPT_NUM_PAGES, OPT_EXCLUDE, OPT_EXCLUSION_FILE,
  OPT_VOCABULARY, OPT_SAVE, OPT_TITLE,
};

#define FORMAT_OPTS                                                                                        \
  { "format", CLI_OPT_FORMAT, "FMT", "text, json or csv (default: text on a terminal, else json)" },       \
  { "json", 'j', NULL, "same as --format json" }
#define SOURCE_OPTS                                                                                        \
  { "output", 'o', "FILE", "write to FILE instead of standard output" },                                  \
  { "ocr", OPT_OCR, "MODE", "auto (OCR pages without a usable text layer; default), force or off" },     \
  { "lang", 'l', "LANGS", "tesseract languages, e.g. eng+hin (default: detected per page)" },            \
  { "password", OPT_PASSWORD, "PASSWORD", "opens an encrypted PDF" },                                      \
  { "quiet", 'q', NULL, "no progress on the terminal" }

static const cli_opt extract_opts[] = {
  SOURCE_OPTS,
  { "pages", OPT_PAGES, "RANGE", "only these pages: 2-5, 3, 4- (to the end)" },
  { "format", CLI_OPT_FORMAT, "FMT", "text (pages end with a form feed; default), json (one object per "
    "document with its pages) or csv (file,page,method,ocr_confidence,language,text,warning); page "
    "warnings also go to standard error" },
  { "json", 'j', NULL, "same as --format json" },
  { NULL, 0, NULL, NULL },
};

static const cli_opt process_opts[] = {
  { "model", 'm', "MODEL", "local (the built-in offline tagger) or an LLM model name for the "
    "OpenAI-compatible endpoint (DOCTAG_LLM_BASE_URL, OPENROUTER_API_KEY); without a key: local" },
  { "num-tags", 'n', "N", "tags per document, 3 to 15 (default 8)" },
  { "num-pages", OPT_NUM_PAGES, "N", "pages read for tagging, 1 to 10 (default 3)" },
  { "pages", OPT_PAGES, "RANGE", "the pages read for tagging: 3-5 (at most 10 pages), 4- (--num-pages "
    "pages from page 4), 4 (that page only); default the first --num-pages" },
  { "exclude", 'x', "WORD", "never tag WORD (repeatable)" },
  { "exclusion-file", OPT_EXCLUSION_FILE, "FILE", "words never to tag: one per line or comma-separated, "
    "'#' comments, or a PDF" },
  { "vocabulary", OPT_VOCABULARY, "FILE", "tag only with terms of this list (same format)" },
  SOURCE_OPTS,
  { "save", OPT_SAVE, NULL, "record the documents in the CLI's history (doctag history, doctag search)" },
  FORMAT_OPTS,
  { NULL, 0, NULL, NULL },
};

static const cli_opt tag_opts[] = {
  { "model", 'm', "MODEL", "local (the built-in offline tagger) or an LLM model name (see process)" },
  { "num-tags", 'n', "N", "tags per text, 3 to 15 (default 8)" },
  { "title", OPT_TITLE, "TITLE", "the text's title (default: its first title-like line)" },
  { "exclude", 'x', "WORD", "never tag WORD (repeatable)" },
  { "exclusion-file", OPT_EXCLUSION_FILE, "FILE", "words never to tag: one per line or comma-separated, "
    "'#' comments, or a PDF" },
  { "vocabulary", OPT_VOCABULARY, "FILE", "tag only with terms of this list (same format)" },
  { "output", 'o', "FILE", "write to FILE instead of standard output" },
  { "save", OPT_SAVE, NULL, "record the texts in the CLI's history (doctag history, doctag search)" },
  FORMAT_OPTS,
  { NULL, 0, NULL, NULL },
};

typedef struct run_opts {
  const cli_command *cmd;
  bool tagging;    /* process or tag */
  bool text_input; /* tag: the inputs are UTF-8 text, not PDFs */
  const char *title;
  doctag_process_options opts;
  const char **exclude; /* --exclude words plus the exclusion file's */
  size_t nexclude;
  char **file_terms;
  char **vocab;
  const char *exclusion_file, *vocabulary_file, *output;
  unsigned int first_page, last_page; /* --pages, 1-based; 0: none */
  cli_format format;
  bool format_set, quiet, save;
} run_opts;

static int parse_run_options(const cli_command *cmd, int argc, char **argv, run_opts *c)
{
  doctag_process_options_init(&c->opts, DOCTAG_PROCESS_OPTIONS_VERSION);
  c->cmd = cmd;
  c->exclude = calloc((size_t)argc + 1, sizeof *c->exclude);
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch, rc;
  while ((ch = cli_parse_next(&p)) != -1) {
    const char *arg = p.arg;
    switch (ch) {
    case CLI_PARSE_ERROR: return CLI_EXIT_USAGE;
    case OPT_OCR:
      if (!cli_parse_ocr(arg, &c->opts.ocr))
        return cli_usage_error(cmd, "--ocr must be auto, force or off (got '%s')", arg);
      break;
    case 'l': c->opts.languages = arg; break;
    case OPT_PASSWORD: c->opts.password = arg; break;
    case 'm': c->opts.model_name = arg; break;
    case 'n':
      if ((rc = cli_parse_option(cmd, "num-tags", "num_tags", arg, &c->opts.num_tags)))
        return rc;
      break;
    case OPT_NUM_PAGES:
      if ((rc = cli_parse_option(cmd, "num-pages", "num_pages", arg, &c->opts.num_pages)))
        return rc;
      break;
    case OPT_PAGES:
      if (!parse_pages(arg, &c->first_page, &c->last_page))
        return cli_usage_error(cmd, "--pages must be a page or a range like 2-5 or 4- (got '%s')", arg);
      break;
    case 'x': c->exclude[c->nexclude++] = arg; break;
    case OPT_EXCLUSION_FILE: c->exclusion_file = arg; break;
    case OPT_VOCABULARY: c->vocabulary_file = arg; break;
    case 'o': c->output = arg; break;
    case 'q': c->quiet = true; break;
    case OPT_SAVE: c->save = true; break;
    case OPT_TITLE: c->title = arg; break;
    case 'j': c->format = CLI_JSON, c->format_set = true; break;
    case CLI_OPT_FORMAT:
      if (!cli_parse_format(arg, &c->format))
        return cli_usage_error(cmd, "--format must be text, json or csv (got '%s')", arg);
      c->format_set = true;
      break;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return cli_usage_error(cmd, c->text_input ? "a FILE.txt or - (standard input) is required"
                                              : "a FILE, URL or - (standard input) is required");
  int dashes = 0;
  for (int i = optind; i < argc; i++)
    dashes += !strcmp(argv[i], "-");
  if (dashes > 1)
    return cli_usage_error(cmd, "standard input (-) can be read only once");
  if (!c->format_set)
    c->format = c->tagging ? (c->output ? CLI_JSON : cli_default_format()) : CLI_TEXT;
  return 0;
}

/* Loads a term list file through the library (text or PDF). */
static int load_terms(const run_opts *c, doctag_ctx *ctx, const char *path, char ***terms)
{
  size_t len = 0;
  char *data = cli_read_all(path, &len);
  if (!data)
    return cli_error(c->cmd, "%s: %s", path, strerror(errno));
  doctag_status st = doctag_terms_from_buffer(ctx, terms, NULL, data, len);
  free(data);
  return st ? cli_fail(c->cmd, path) : 0;
}

static int collect_terms(run_opts *c, doctag_ctx *ctx)
{
  int rc;
  if (c->exclusion_file && (rc = load_terms(c, ctx, c->exclusion_file, &c->file_terms)))
    return rc;
  if (c->vocabulary_file && (rc = load_terms(c, ctx, c->vocabulary_file, &c->vocab)))
    return rc;
  if (c->file_terms) {
    size_t nfile = 0;
    while (c->file_terms[nfile])
      nfile++;
    const char **all = calloc(c->nexclude + nfile + 1, sizeof *all);
    if (!all)
      return cli_error(c->cmd, "out of memory");
    memcpy(all, c->exclude, c->nexclude * sizeof *all);
    for (size_t k = 0; k < nfile; k++)
      all[c->nexclude++] = c->file_terms[k];
    free(c->exclude);
    c->exclude = all;
  }
  c->opts.exclusion_words = c->exclude;
  c->opts.exclusion_count = c->nexclude;
  if (c->vocab) {
    c->opts.vocabulary = (const char *const *)c->vocab;
    for (char **t = c->vocab; *t; t++)
      c->opts.vocabulary_count++;
  }
  return 0;
}

/* ---- per-page work: progress, --pages, the streamed output of extract ---- */

typedef struct page_state {
  const run_opts *c;
  FILE *out;
  const char *file;
  double start;
  bool tty, drawn, stopped; /* stopped: past --pages' last page */
  unsigned int pages_out;
  unsigned int ocr_pages;
  unsigned int page_count; /* from the callback: a run stopped by --pages has no result */
} page_state;

static void progress_clear(page_state *s)
{
  if (s->drawn) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    s->drawn = false;
  }
}

/* "page 3 of 20 (OCR)  ETA 0:41" on the terminal, once a document has taken a second. */
static void progress_draw(page_state *s, const doctag_page_info *page)
{
  if (!s->tty)
    return;
  double el = cli_now() - s->start;
  if (el < 1.0)
    return;
  unsigned int last = s->c->last_page && s->c->last_page < page->page_count ? s->c->last_page : page->page_count;
  unsigned int first = s->c->first_page ? s->c->first_page : 1;
  if (s->c->tagging) {
    unsigned int read = s->c->opts.num_pages ? s->c->opts.num_pages : 3;
    if (first + read - 1 < last)
      last = first + read - 1;
  }
  unsigned int done = page->index + 1 >= first ? page->index + 2 - first : 0;
  unsigned int total = last >= first ? last - first + 1 : 0;
  char eta[32] = "";
  if (done && total > done) {
    long sec = lround(el / done * (total - done));
    snprintf(eta, sizeof eta, "  ETA %ld:%02ld", sec / 60, sec % 60);
  }
  fprintf(stderr, "\r\033[K%s: page %u of %u%s%s", s->file, page->index + 1, page->page_count,
          page->method == DOCTAG_PAGE_OCR ? " (OCR)" : "", eta);
  fflush(stderr);
  s->drawn = true;
}

static bool in_range(const run_opts *c, unsigned int index)
{
  unsigned int n = index + 1;
  return (!c->first_page || n >= c->first_page) && (!c->last_page || n <= c->last_page);
}

static const char *method_name(doctag_page_method m)
{
  /* the names of the process JSON's "pages" (a page no model reads is no blank page) */
  return m == DOCTAG_PAGE_OCR ? "ocr" : m == DOCTAG_PAGE_TEXT ? "text" : m == DOCTAG_PAGE_OCR_NO_MODEL ? "ocr_no_model" : "empty";
}

static int on_page(const doctag_page_info *page, void *data)
{
  page_state *s = data;
  s->page_count = page->page_count;
  progress_draw(s, page);
  if (page->method == DOCTAG_PAGE_OCR)
    s->ocr_pages++;
  if (s->c->last_page && page->index + 1 > s->c->last_page) {
    s->stopped = true;
    return 1;
  }
  if (s->c->tagging || !in_range(s->c, page->index))
    return 0;
  FILE *f = s->out;
  const char *warning = page->version >= 2 ? page->warning : NULL;
  if (warning) {
    /* as process prints its warnings: on stderr, and in the data of json and csv */
    progress_clear(s);
    fprintf(stderr, "doctag: %s: warning: Page %u: %s\n", s->file, page->index + 1, warning);
  }
  switch (s->c->format) {
  case CLI_TEXT:
    fwrite(page->text, 1, page->text_len, f);
    if (page->text_len && page->text[page->text_len - 1] != '\n')
      fputc('\n', f);
    fputc('\f', f);
    break;
  case CLI_JSON: {
    char *text = g_strndup(page->text, page->text_len);
    fprintf(f, "%s{\"page\": %u, \"method\": \"%s\", \"ocr_confidence\": ", s->pages_out ? ", " : "",
            page->index + 1, method_name(page->method));
    if (page->ocr_confidence < 0)
      fputs("null", f);
    else
      fprintf(f, "%.1f", page->ocr_confidence);
    fputs(", \"language\": ", f);
    cli_json_string(f, page->language);
    fputs(", \"warning\": ", f);
    if (warning)
      cli_json_string(f, warning);
    else
      fputs("null", f);
    fputs(", \"text\": ", f);
    cli_json_string(f, text);
    fputc('}', f);
    g_free(text);
    break;
  }
  case CLI_CSV: {
    char *text = g_strndup(page->text, page->text_len);
    char num[32];
    cli_csv_field(f, s->file);
    fprintf(f, ",%u,%s,", page->index + 1, method_name(page->method));
    if (page->ocr_confidence >= 0) {
      snprintf(num, sizeof num, "%.1f", page->ocr_confidence);
      fputs(num, f);
    }
    fputc(',', f);
    cli_csv_field(f, page->language);
    fputc(',', f);
    cli_csv_field(f, text);
    fputc(',', f);
    cli_csv_field(f, warning ? warning : "");
    fputs("\r\n", f);
    g_free(text);
    break;
  }
  }
  s->pages_out++;
  if (ferror(f))
    return 1;
  /* --pages' last page is out: stop here, not at the next page's callback,
   * which comes only once that page's line-end hyphens are decided (up to
   * 8 pages later) */
  if (s->c->last_page && page->index + 1 == s->c->last_page && s->c->last_page < page->page_count) {
    s->stopped = true;
    return 1;
  }
  return 0;
}

/* ---- printing a processed document -------------------------------------- */

void cli_print_warnings(const char *what, const doctag_result *r)
{
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    fprintf(stderr, "doctag: %s: warning: %s\n", what, doctag_result_warning_at(r, i));
}

static void print_result_text(FILE *f, const char *file, const doctag_result *r)
{
  fprintf(f, "%s\n", file);
  fprintf(f, "  title     %s\n", doctag_result_title(r));
  const char *lang = doctag_result_language(r);
  fprintf(f, "  language  %s\n", *lang ? lang : "unknown");
  unsigned int pages = doctag_result_page_count(r), read = doctag_result_pages_read(r);
  fprintf(f, "  method    %s", doctag_result_extraction_method(r));
  if (pages)
    fprintf(f, ", %u page%s", pages, pages == 1 ? "" : "s");
  unsigned int from = doctag_result_first_page(r);
  if (from > 1 && read == 1)
    fprintf(f, " (page %u read)", from);
  else if (from > 1)
    fprintf(f, " (pages %u-%u read)", from, from + read - 1);
  else if (read < pages)
    fprintf(f, " (%u read)", read);
  if (doctag_result_ocr_confidence(r) >= 0)
    fprintf(f, ", OCR confidence %.0f%%", doctag_result_ocr_confidence(r));
  fputc('\n', f);
  size_t n = doctag_result_tag_count(r);
  int width = 0;
  for (size_t i = 0; i < n; i++) {
    int w = (int)g_utf8_strlen(doctag_result_tag_at(r, i), -1);
    width = w > width ? w : width;
  }
  for (size_t i = 0; i < n; i++) {
    const char *t = doctag_result_tag_at(r, i);
    int pad = width - (int)g_utf8_strlen(t, -1);
    fprintf(f, "  %s  %s%*s  %.2f%s\n", i ? "        " : "tags    ", t, pad, "", doctag_result_tag_score(r, i),
            doctag_result_tag_evidence(r, i) ? "" : "  (not in the text)");
  }
  if (!n)
    fprintf(f, "  tags      (none)\n");
  const char *model = doctag_result_model_name(r);
  fprintf(f, "  model     %s\n", *model ? model : "local");
  /* The library's warnings (offline tagger for want of a key, a script
   * without an OCR model...), then what the result itself says. */
  const char *label = "warnings";
  for (size_t i = 0; i < doctag_result_warning_count(r); i++, label = "")
    fprintf(f, "  %-8s  %s\n", label, doctag_result_warning_at(r, i));
  const char *quality = doctag_result_quality(r);
  bool low = strcmp(quality, "high") != 0;
  if (doctag_result_needs_review(r) || low)
    fprintf(f, "  %-8s  %s%s%s%s\n", label, doctag_result_needs_review(r) ? "needs review" : "",
            doctag_result_needs_review(r) && low ? "; " : "", low ? "text quality " : "", low ? quality : "");
  fprintf(f, "  time      %.2f s\n", doctag_result_processing_time(r));
}

static void print_result_csv(FILE *f, const char *file, const doctag_result *r, const char *error)
{
  cli_csv_field(f, file);
  fputc(',', f);
  if (r) {
    cli_csv_field(f, doctag_result_title(r));
    fputc(',', f);
    cli_csv_field(f, doctag_result_language(r));
    fprintf(f, ",%s,%u,", doctag_result_extraction_method(r), doctag_result_page_count(r));
    GString *tags = g_string_new(NULL);
    for (size_t i = 0; i < doctag_result_tag_count(r); i++)
      g_string_append_printf(tags, "%s%s", i ? ", " : "", doctag_result_tag_at(r, i));
    cli_csv_field(f, tags->str);
    g_string_free(tags, TRUE);
    fprintf(f, ",%s,%.3f,", doctag_result_needs_review(r) ? "true" : "false", doctag_result_processing_time(r));
  } else {
    fputs(",,,,,,,", f);
  }
  cli_csv_field(f, error ? error : "");
  fputs("\r\n", f);
}

/* ---- extract and process -------------------------------------------------- */

static int run_documents(const cli_command *cmd, int argc, char **argv, bool tagging, bool text_input)
{
  run_opts c = { .tagging = tagging, .text_input = text_input };
  int rc = parse_run_options(cmd, argc, argv, &c);
  doctag_ctx *ctx = NULL;
  FILE *out = stdout;
  char user[128] = "";
  if (rc)
    goto out;
  if ((rc = c.save ? cli_context_user(cmd, &ctx, NULL, user, sizeof user) : cli_context(cmd, &ctx, NULL)) ||
      (rc = collect_terms(&c, ctx)))
    goto out;
  if (c.save)
    c.opts.user_id = user;
  if (tagging && c.last_page) {
    /* A closed range is the pages tagging reads: its length is num_pages,
     * which the library takes from 1 to 10. */
    unsigned int span = c.last_page - c.first_page + 1, lo = 1, hi = 1;
    doctag_process_option_range(&lo, &hi, "num_pages");
    if (c.opts.num_pages && c.opts.num_pages != span)
      rc = cli_usage_error(cmd, "--pages %u-%u reads %u page%s but --num-pages says %u: give one of them",
                           c.first_page, c.last_page, span, span == 1 ? "" : "s", c.opts.num_pages);
    else if (span > hi)
      rc = cli_usage_error(cmd, "--pages %u-%u is %u pages; tagging reads %u to %u (see --num-pages)",
                           c.first_page, c.last_page, span, lo, hi);
    c.opts.num_pages = span;
  }
  if (rc)
    goto out;
  c.opts.first_page = c.first_page;
  if (c.output && strcmp(c.output, "-") && !(out = fopen(c.output, "w"))) {
    out = stdout;
    rc = cli_error(cmd, "%s: %s", c.output, strerror(errno));
    goto out;
  }

  page_state ps = { .c = &c, .out = out, .tty = !c.quiet && isatty(STDERR_FILENO) };
  c.opts.on_page = on_page;
  c.opts.on_page_data = &ps;
  if (c.format == CLI_CSV)
    fputs(tagging ? "file,title,language,extraction_method,page_count,tags,needs_review,processing_time,error\r\n"
                  : "file,page,method,ocr_confidence,language,text,warning\r\n", out);
  /* A local file or standard input under `doctag extract` has no time
   * limit unless DOCTAG_TIMEOUT_SEC sets one (a day, that variable's
   * largest value): the user watches it and can stop it, and the server's
   * 300 s per document stopped a 20-page OCR at page 17 on a loaded machine,
   * its work thrown away. URLs (a server that hangs) and tagging (an LLM)
   * keep the context's limit. */
  const char *limit_env = getenv("DOCTAG_TIMEOUT_SEC");
  bool no_limit = !tagging && !c.opts.timeout_sec && (!limit_env || !*limit_env);
  int files = argc - optind, failed = 0;
  double t0 = cli_now();
  for (int i = optind; i < argc; i++) {
    const char *arg = argv[i];
    bool from_stdin = !strcmp(arg, "-");
    const char *name = from_stdin ? "(standard input)" : arg;
    ps.file = name;
    ps.start = cli_now();
    ps.pages_out = 0;
    ps.page_count = 0;
    ps.stopped = false;
    doctag_result *r = NULL;
    doctag_status st;
    char *data = NULL;
    size_t len = 0;
    if (!tagging && c.format == CLI_JSON) {
      fputs("{\"file\": ", out);
      cli_json_string(out, name);
      fputs(", \"pages\": [", out);
    }
    if (no_limit && !is_url(arg)) {
      c.opts.timeout_sec = CLI_LOCAL_TIMEOUT_SEC;
      g_debug("extract %s: no time limit (DOCTAG_TIMEOUT_SEC unset)", name);
    }
    if (text_input) {
      data = cli_read_all(arg, &len);
      if (!data) {
        cli_error(cmd, "%s: %s", name, strerror(errno));
        failed++;
        if (c.format == CLI_CSV)
          print_result_csv(out, name, NULL, strerror(errno));
        continue;
      }
      char *base = from_stdin ? NULL : g_path_get_basename(arg);
      c.opts.file_name = base;
      st = doctag_tag_text(ctx, &r, data, len, c.title, &c.opts);
      c.opts.file_name = NULL;
      g_free(base);
    } else if (from_stdin) {
      data = cli_read_all("-", &len);
      if (!data) {
        cli_error(cmd, "standard input: %s", strerror(errno));
        failed++;
        continue;
      }
      c.opts.file_name = "stdin.pdf";
      st = tagging ? doctag_process_buffer(ctx, &r, data, len, &c.opts) : doctag_extract_buffer(ctx, &r, data, len, &c.opts);
      c.opts.file_name = NULL;
    } else if (is_url(arg)) {
      st = tagging ? doctag_process_url(ctx, &r, arg, &c.opts) : doctag_extract_url(ctx, &r, arg, &c.opts);
    } else {
      st = tagging ? doctag_process_file(ctx, &r, arg, &c.opts) : doctag_extract_file(ctx, &r, arg, &c.opts);
    }
    if (no_limit)
      c.opts.timeout_sec = 0;
    free(data);
    progress_clear(&ps);
    /* Stopping after --pages' last page is ours, not a failure. */
    bool ok = st == DOCTAG_OK || (st == DOCTAG_ECANCELLED && ps.stopped);
    const doctag_error *e = doctag_error_last();
    char *err = ok ? NULL
            : !strcmp(e->field, "first_page") ? g_strdup_printf("--pages%s", e->message + strlen("first_page"))
            : g_strdup(e->message[0] ? e->message : doctag_status_name(st));
    if (!ok) {
      failed++;
      cli_error(cmd, "%s: %s", name, err);
      cli_path_hint(cmd, err);
    }
    if (!tagging) {
      if (c.format == CLI_JSON) {
        fputs("]", out);
        if (r) {
          fputs(", \"title\": ", out);
          cli_json_string(out, doctag_result_title(r));
          fprintf(out, ", \"page_count\": %u, \"extraction_method\": \"%s\", \"language\": ",
                  doctag_result_page_count(r), doctag_result_extraction_method(r));
          cli_json_string(out, doctag_result_language(r));
        } else if (ok) {
          fprintf(out, ", \"page_count\": %u", ps.page_count);
        }
        fprintf(out, ", \"success\": %s, \"error\": ", ok ? "true" : "false");
        if (err)
          cli_json_string(out, err);
        else
          fputs("null", out);
        fputs("}\n", out);
      }
    } else if (ok) {
      /* Machine-readable output keeps warnings in the data; people see them
       * on stderr too (the text format lists them itself). */
      if (c.format != CLI_TEXT)
        cli_print_warnings(name, r);
      if (c.format == CLI_JSON) {
        char *json = NULL;
        if (doctag_result_to_json(r, &json) == DOCTAG_OK) {
          fprintf(out, "%s\n", json);
          doctag_free(json);
        }
      } else if (c.format == CLI_CSV) {
        print_result_csv(out, name, r, NULL);
      } else {
        if (i > optind)
          fputc('\n', out);
        print_result_text(out, name, r);
      }
    } else if (c.format == CLI_CSV) {
      print_result_csv(out, name, NULL, err);
    }
    g_free(err);
    doctag_result_free(r);
    fflush(out);
  }
  if (files > 1 && (c.format != CLI_JSON || isatty(STDERR_FILENO)))
    fprintf(stderr, "%d files: %d %s, %d failed in %.1f s\n", files, files - failed, tagging ? "tagged" : "extracted",
            failed, cli_now() - t0);
  rc = failed == 0 ? CLI_EXIT_OK : failed == files ? CLI_EXIT_FAIL : CLI_EXIT_PARTIAL;
  if (fflush(out) != 0 || ferror(out)) {
    cli_error(cmd, "writing %s: %s", c.output ? c.output : "the output", strerror(errno));
    rc = CLI_EXIT_FAIL;
  }
out:
  if (out != stdout && fclose(out) != 0 && !rc)
    rc = cli_error(cmd, "writing %s: %s", c.output, strerror(errno));
  free(c.exclude);
  doctag_strv_free(c.file_terms);
  doctag_strv_free(c.vocab);
  doctag_ctx_free(ctx);
  return rc;
}

static int cmd_extract(const cli_command *cmd, int argc, char **argv)
{
  return run_documents(cmd, argc, argv, false, false);
}

static int cmd_process(const cli_command *cmd, int argc, char **argv)
{
  return run_documents(cmd, argc, argv, true, false);
}

static int cmd_tag(const cli_command *cmd, int argc, char **argv)
{
  return run_documents(cmd, argc, argv, true, true);
}

/* ---- the table ------------------------------------------------------------ */

static int cmd_help(const cli_command *cmd, int argc, char **argv);

static const cli_command extract_command = {
  "extract", "[OPTIONS] FILE|URL|-...", "print the text of PDFs (text layer, OCR where needed)",
  "Prints the text of every page of each PDF, like pdftotext: pages end with a form feed. FILE may be a "
  "path, an http(s) URL or - for standard input. Pages without a usable text layer are OCR'd with "
  "tesseract (--ocr). With several files the text of each follows the other and a summary goes to "
  "standard error. On a terminal, documents that take more than a second show their progress (page N of "
  "M, OCR, ETA) on standard error.",
  extract_opts, cmd_extract, NULL,
};

static const cli_command process_command = {
  "process", "[OPTIONS] FILE|URL|-...", "extract and tag PDFs: title, language, tags with scores",
  "Extracts each PDF (OCR where needed) and tags it. On a terminal it prints what a person reads: the "
  "file, title, language, extraction method, tags with their scores, warnings and time. Otherwise (or "
  "with --json) it prints one JSON object per document, the SinglePDFResponse of the HTTP API, so "
  "scripts keep working; --format csv prints one row per document. Local files are read from the "
  "current directory and below unless DOCTAG_ALLOWED_ROOTS says otherwise.",
  process_opts, cmd_process, NULL,
};

static const cli_command tag_command = {
  "tag", "[OPTIONS] FILE.txt|-...", "tag plain UTF-8 text you already have",
  "Tags UTF-8 text (a file, or - for standard input) as process tags a PDF's text, and prints the same: "
  "the result for a person on a terminal, the SinglePDFResponse JSON (extraction_method \"text\", "
  "page_count null) otherwise or with --json, a row per text with --format csv.",
  tag_opts, cmd_tag, NULL,
};

static const cli_opt help_opts[] = {
  { "man", OPT_SAVE + 1, NULL, "print the manual page doctag(1) as roff (how it is built)" },
  { NULL, 0, NULL, NULL },
};

static const cli_command help_command = {
  "help", "[COMMAND [SUBCOMMAND]]", "show the help of a command",
  "Shows the help of a command, the same as 'doctag COMMAND --help'.", help_opts, cmd_help, NULL,
};

static const cli_command *const commands[] = {
  &extract_command, &process_command, &tag_command, &cli_batch_command, &cli_history_command, &cli_search_command,
  &cli_worker_command, &help_command, NULL,
};

static const cli_command root = {
  NULL, NULL, "doctag",
  "Turns PDF documents into text and search tags: extract the text (text layer or OCR), tag it with "
  "the built-in offline tagger or an LLM, run batches of documents from a CSV, and search what was "
  "processed.",
  NULL, NULL, commands,
};

/* ---- the manual page ------------------------------------------------------ */

static void roff_text(FILE *f, const char *s)
{
  bool bol = true;
  for (; *s; s++) {
    if (bol && (*s == '.' || *s == '\''))
      fputs("\\&", f);
    if (*s == '\\')
      fputs("\\e", f);
    else if (*s == '-')
      fputs("\\-", f);
    else
      fputc(*s, f);
    bol = *s == '\n';
  }
}

static void roff_paragraphs(FILE *f, const char *s)
{
  fputs(".PP\n", f);
  for (const char *p = s; *p; p++) {
    if (p[0] == '\n' && p[1] == '\n') {
      fputs("\n.PP\n", f);
      p++;
    } else {
      char c[2] = { *p, 0 };
      roff_text(f, c);
    }
  }
  fputc('\n', f);
}

static void roff_command(FILE *f, const cli_command *c)
{
  fputs(".SS \"", f);
  roff_text(f, "doctag ");
  roff_text(f, c->name);
  if (c->args) {
    fputc(' ', f);
    roff_text(f, c->args);
  }
  fputs("\"\n", f);
  roff_paragraphs(f, c->description ? c->description : c->summary);
  for (const cli_opt *o = c->opts; o && o->name; o++) {
    fputs(".TP\n", f);
    if (o->key < 256)
      fprintf(f, "\\fB\\-%c\\fR, ", o->key);
    fputs("\\fB\\-\\-", f);
    roff_text(f, o->name);
    fputs("\\fR", f);
    if (o->arg) {
      fputs(" \\fI", f);
      roff_text(f, o->arg);
      fputs("\\fR", f);
    }
    fputc('\n', f);
    roff_text(f, o->help);
    fputc('\n', f);
  }
}

static void print_man(FILE *f)
{
  fprintf(f, ".\\\" Generated by 'doctag help --man' from the CLI's command table: do not edit.\n"
             ".TH DOCTAG 1 \"\" \"doctag %s\" \"User Commands\"\n"
             ".SH NAME\ndoctag \\- turn PDF documents into text and search tags\n"
             ".SH SYNOPSIS\n",
          doctag_version());
  for (const cli_command *const *c = commands; *c; c++) {
    for (const cli_command *const *s = (*c)->subcommands ? (*c)->subcommands : c; *s; s++) {
      fputs(".B doctag ", f);
      roff_text(f, (*s)->name);
      fputs("\n", f);
      roff_text(f, (*s)->args ? (*s)->args : "");
      fputs("\n.br\n", f);
      if (!(*c)->subcommands)
        break;
    }
  }
  fputs(".SH DESCRIPTION\n", f);
  roff_paragraphs(f, root.description);
  fputs(".SH COMMANDS\n", f);
  for (const cli_command *const *c = commands; *c; c++) {
    if ((*c)->subcommands)
      for (const cli_command *const *s = (*c)->subcommands; *s; s++)
        roff_command(f, *s);
    else
      roff_command(f, *c);
  }
  fputs(".SH ENVIRONMENT\n"
        ".TP\n.B DOCTAG_ALLOWED_ROOTS\nColon-separated directories local files may be read from. "
        "Unset, the CLI allows the current directory (and, for \\fBbatch run\\fR, the CSV's directory); "
        "the server allows none.\n"
        ".TP\n.B DOCTAG_DATA_DIR\nWhere the history database, stored PDFs and the CLI's user live "
        "(default ~/.local/share/doctag).\n"
        ".TP\n.B DOCTAG_DATABASE_URL\nsqlite:///path or postgresql://...; default SQLite in the data directory.\n"
        ".TP\n.B DOCTAG_REDIS_URL\nThe Redis queue of batch jobs; unset, the local queue in the database.\n"
        ".TP\n.BR OPENROUTER_API_KEY \", \" DOCTAG_LLM_BASE_URL\nThe LLM endpoint for models other than local.\n"
        ".TP\n.BR DOCTAG_MAX_FILE_MB \", \" DOCTAG_MAX_PAGES \", \" DOCTAG_TIMEOUT_SEC \", \" DOCTAG_THREADS\nLimits "
        "per document and page workers. DOCTAG_TIMEOUT_SEC (seconds, default 300) does not apply to \\fBextract\\fR "
        "of a local file or standard input unless it is set: that runs to the end.\n"
        ".TP\n.BR DOCTAG_MAX_STREAM_MB \", \" DOCTAG_MAX_INFLATE_MB \", \" DOCTAG_MAX_IMAGE_MPX \", \" "
        "DOCTAG_MAX_PAGE_DRAWS \", \" DOCTAG_MAX_PAGE_IMAGE_MPX \", \" DOCTAG_MAX_PAGE_COVERAGE \", \" "
        "DOCTAG_MAX_SAVED_STATES \", \" DOCTAG_MAX_DRAWN_NAMES \", \" "
        "DOCTAG_MAX_DOC_MEMORY_MB\nPDF bombs: decompressed bytes per stream and per document, pixels per image, "
        "images, forms and tiling pattern cells one page draws (nested ones included), image pixels one page decodes (each image as often "
        "as it is drawn), times over rendering one page may paint its area, graphics states one page keeps saved, "
        "names one content stream draws and sets, "
        "and the memory one document's OCR pages may hold at once (a document over one is refused, exit 1).\n"
        ".SH EXIT STATUS\n"
        ".TP\n.B 0\nSuccess.\n"
        ".TP\n.B 1\nEvery document failed, or a fatal error (configuration, database).\n"
        ".TP\n.B 2\nUsage error: an unknown command or option, a bad value.\n"
        ".TP\n.B 3\nSome documents failed: rows of a batch, files of a run with several files.\n"
        ".SH EXAMPLES\n.nf\n"
        "doctag extract \\-\\-pages 2\\-5 report.pdf \\-o report.txt\n"
        "curl \\-s https://example.com/a.pdf | doctag extract \\-\n"
        "doctag process \\-m local \\-n 5 *.pdf\n"
        "doctag process \\-\\-json paper.pdf | jq .tags\n"
        "doctag batch run rows.csv \\-o tagged.csv\n"
        "doctag batch list\n"
        "doctag search \"climate policy\"\n"
        ".fi\n"
        ".SH SEE ALSO\n.BR doctag\\-server (1),\n.BR libdoctag (3)\n",
        f);
}

static int cmd_help(const cli_command *cmd, int argc, char **argv)
{
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  bool man = false;
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    if (ch == CLI_PARSE_ERROR)
      return CLI_EXIT_USAGE;
    man = true;
  }
  if (man) {
    print_man(stdout);
    return CLI_EXIT_OK;
  }
  const cli_command *c = &root;
  for (int i = optind; i < argc; i++) {
    const cli_command *next = cli_find(c->subcommands, argv[i]);
    if (!next) {
      const char *guess = cli_suggest_command(c, argv[i]);
      return guess ? cli_usage_error(cmd, "no command '%s'; did you mean '%s'?", argv[i], guess)
                   : cli_usage_error(cmd, "no command '%s'", argv[i]);
    }
    c = next;
  }
  cli_help(stdout, c);
  return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
  g_log_writer_default_set_use_stderr(TRUE);
  if (argc >= 2 && !strcmp(argv[1], "--version")) {
    printf("doctag %s\n", doctag_version());
    return CLI_EXIT_OK;
  }
  return cli_dispatch(&root, argc, argv);
}
