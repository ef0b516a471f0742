/* The doctag CLI's shared pieces: the command table (each command's
 * synopsis, description and options, which give its --help, its getopt
 * options, "did you mean" and the man page doctag(1)), the one error
 * prefix, output formats, and small helpers the commands share.
 *
 * Exit status of every command: 0 success, 1 every document failed or a
 * fatal error, 2 usage, 3 some documents (rows of a batch, files of a
 * multi-file run) failed. */
#ifndef DOCTAG_TOOLS_CLI_H
#define DOCTAG_TOOLS_CLI_H

#include <doctag/doctag.h>

#include <stdbool.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_PARTIAL 3

/* Option keys shared by several commands (above the short option chars). */
enum {
  CLI_OPT_HELP = 'h',
  CLI_OPT_JSON = 'j',
  CLI_OPT_FORMAT = 256,
  CLI_OPT_FIRST_FREE = 300, /* commands number their own long-only options from here */
};

/* One option: its long name, its key (a short option character, or a value
 * >= 256 for a long-only option), its argument's name (NULL: a flag) and
 * what it does. Tables end with a zero row. */
typedef struct cli_opt {
  const char *name;
  int key;
  const char *arg;
  const char *help;
} cli_opt;

typedef struct cli_command cli_command;
/* Runs a command; argv[0] is its name. Returns the exit status. */
typedef int (*cli_run_fn)(const cli_command *cmd, int argc, char **argv);

struct cli_command {
  const char *name;        /* "extract", "batch run" */
  const char *args;        /* synopsis after the name: "[OPTIONS] FILE|URL|-..." */
  const char *summary;     /* one line for the command list */
  const char *description; /* paragraphs for --help and the man page */
  const cli_opt *opts;     /* zero-terminated; --help is implied */
  cli_run_fn run;
  const cli_command *const *subcommands; /* NULL-terminated, or NULL */
};

/* Output formats of the commands that print results. */
typedef enum cli_format { CLI_TEXT, CLI_JSON, CLI_CSV } cli_format;

/* ---- commands (their own files under tools/) ---- */
extern const cli_command cli_batch_command;
extern const cli_command cli_worker_command;
extern const cli_command cli_history_command;
extern const cli_command cli_search_command;

/* ---- help and errors (tools/cli.c) ---- */
/* Prints the help of a command (its usage, description, options, exit status). */
void cli_help(FILE *f, const cli_command *cmd);
/* Prints "doctag CMD: <message>" and "Try 'doctag CMD --help'." on stderr;
 * returns CLI_EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) int cli_usage_error(const cli_command *cmd, const char *fmt, ...);
/* Prints "doctag CMD: <what>: <the library's last error>" on stderr;
 * returns CLI_EXIT_FAIL. */
int cli_fail(const cli_command *cmd, const char *what);
/* Prints "doctag CMD: <message>" on stderr; returns CLI_EXIT_FAIL. */
__attribute__((format(printf, 2, 3))) int cli_error(const cli_command *cmd, const char *fmt, ...);
/* The candidate closest to `word` when it is close enough to be a typo,
 * else NULL. `names` is NULL-terminated. */
const char *cli_suggest(const char *word, const char *const *names);
/* The subcommand of `cmd` named `name`, else NULL. */
const cli_command *cli_find(const cli_command *const *list, const char *name);
/* The last word of a command's name ("run" for "batch run"). */
const char *cli_leaf(const cli_command *cmd);
/* Prints the usage error for an unknown subcommand of `cmd` (with a suggestion). */
int cli_unknown_command(const cli_command *cmd, const char *word);
/* The subcommand of `parent` closest to `word` (a typo), else NULL. */
const char *cli_suggest_command(const cli_command *parent, const char *word);
/* Runs a command with subcommands: argv[1] names the subcommand (help and
 * "did you mean" included). */
int cli_dispatch(const cli_command *cmd, int argc, char **argv);

/* ---- option parsing ---- */
typedef struct cli_parser {
  const cli_command *cmd;
  int argc;
  char **argv;
  const char *arg; /* the current option's argument */
} cli_parser;
/* Starts parsing argv (argv[0] the command name). */
void cli_parse_begin(cli_parser *p, const cli_command *cmd, int argc, char **argv);
/* The next option's key; -1 when only operands are left (from argv[optind]);
 * CLI_EXIT_USAGE as -2 after printing a usage error (unknown option with a
 * suggestion, missing argument); --help prints the help and exits 0. */
int cli_parse_next(cli_parser *p);
#define CLI_PARSE_ERROR (-2)

/* Parses --format (or --json) values. */
bool cli_parse_format(const char *s, cli_format *out);
/* The format when none was asked: text on a terminal, JSON otherwise. */
cli_format cli_default_format(void);

/* auto, force or off. */
bool cli_parse_ocr(const char *s, doctag_ocr_mode *out);
/* items joined by sep, newly allocated (free()); NULL when out of memory. */
char *cli_join(const char *const *items, size_t n, const char *sep);

/* Whole number in [lo, hi]. */
bool cli_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out);

/* ---- output helpers ---- */
/* Writes s as a JSON string (quotes included). */
void cli_json_string(FILE *f, const char *s);
/* Writes s as one CSV field (quoted when needed). */
void cli_csv_field(FILE *f, const char *s);

/* Reads a whole file, or standard input for "-". NULL with errno set on failure. */
char *cli_read_all(const char *path, size_t *len);

/* The context of a command: DOCTAG_* from the environment; when
 * DOCTAG_ALLOWED_ROOTS is unset, local paths may be read from the current
 * directory and `csv_dir` (may be NULL), unless one of them is "/" (left
 * out: see cli_path_hint()). */
int cli_context(const cli_command *cmd, doctag_ctx **ctx, const char *csv_dir);
/* The CLI's own user (created on first use, its id kept in the data
 * directory) for batch jobs and history. */
int cli_user(const cli_command *cmd, doctag_ctx *ctx, char *id, size_t idsize);
/* cli_context() then cli_user(): what the batch, history and search
 * commands start with. */
int cli_context_user(const cli_command *cmd, doctag_ctx **ctx, const char *csv_dir, char *user, size_t usize);
/* After an error `message` about a document: when it is a "Path not
 * allowed" and cli_context() left "/" out of the default roots, says why on
 * stderr (once per run). */
void cli_path_hint(const cli_command *cmd, const char *message);

/* Seconds on the monotonic clock. */
double cli_now(void);

struct doctag_result;
/* Prints a result's warnings on stderr, "doctag: <what>: warning: <text>"
 * (stdout keeps only the JSON). */
void cli_print_warnings(const char *what, const struct doctag_result *r);

#endif
