/* The doctag CLI's shared pieces (see cli.h). */
#include "cli.h"

#include <doctag/auth.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static void prefix(FILE *f, const cli_command *cmd)
{
  fprintf(f, cmd && cmd->name ? "doctag %s: " : "doctag: ", cmd ? cmd->name : "");
}

static void try_help(const cli_command *cmd)
{
  fprintf(stderr, cmd && cmd->name ? "Try 'doctag %s --help'.\n" : "Try 'doctag --help'.\n", cmd ? cmd->name : "");
}

__attribute__((format(printf, 2, 0))) static void say(const cli_command *cmd, const char *fmt, va_list ap)
{
  prefix(stderr, cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(cmd, fmt, ap);
  va_end(ap);
  try_help(cmd);
  return CLI_EXIT_USAGE;
}

int cli_error(const cli_command *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(cmd, fmt, ap);
  va_end(ap);
  return CLI_EXIT_FAIL;
}

int cli_fail(const cli_command *cmd, const char *what)
{
  const doctag_error *e = doctag_error_last();
  return cli_error(cmd, "%s: %s", what, e->message[0] ? e->message : doctag_status_name(e->code));
}

/* ---- help ------------------------------------------------------------- */

/* Prints text indented by `indent`, wrapped at 79 columns; blank lines
 * separate paragraphs, a line starting with two spaces is kept as it is. */
static void wrap(FILE *f, const char *text, int indent)
{
  const char *p = text;
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    if (n >= 2 && p[0] == ' ' && p[1] == ' ') {
      fprintf(f, "%*s%.*s\n", indent, "", (int)n, p);
    } else if (n == 0) {
      fputc('\n', f);
    } else {
      int col = 0;
      const char *w = p, *end = p + n;
      while (w < end) {
        while (w < end && *w == ' ')
          w++;
        const char *we = w;
        while (we < end && *we != ' ')
          we++;
        int len = (int)(we - w);
        if (len == 0)
          break;
        if (col && col + 1 + len > 79 - indent) {
          fputc('\n', f);
          col = 0;
        }
        if (!col)
          fprintf(f, "%*s", indent, "");
        else
          fputc(' ', f), col++;
        fwrite(w, 1, (size_t)len, f);
        col += len;
        w = we;
      }
      if (col)
        fputc('\n', f);
    }
    p += n + (eol ? 1 : 0);
  }
}

static const char exit_status_text[] =
    "Exit status: 0 success; 1 every document failed, or a fatal error; 2 usage error; "
    "3 some documents failed (rows of a batch, files of a multi-file run).\n";

void cli_help(FILE *f, const cli_command *cmd)
{
  const char *name = cmd->name;
  if (cmd->subcommands) {
    fprintf(f, "Usage: doctag %s%sCOMMAND [OPTIONS] ...\n\n", name ? name : "", name ? " " : "");
  } else {
    fprintf(f, "Usage: doctag %s %s\n\n", name, cmd->args ? cmd->args : "[OPTIONS]");
  }
  if (cmd->description) {
    wrap(f, cmd->description, 0);
    fputc('\n', f);
  }
  if (cmd->subcommands) {
    fprintf(f, "Commands:\n");
    for (const cli_command *const *c = cmd->subcommands; *c; c++)
      fprintf(f, "  %-14s %s\n", cli_leaf(*c), (*c)->summary);
    fprintf(f, "\n'doctag %s%sCOMMAND --help' (or 'doctag help %s%sCOMMAND') shows a command's options.\n",
            name ? name : "", name ? " " : "", name ? name : "", name ? " " : "");
  }
  bool any = false;
  for (const cli_opt *o = cmd->opts; o && o->name; o++) {
    if (!any)
      fprintf(f, "Options:\n");
    any = true;
    char head[64];
    if (o->key < 256)
      snprintf(head, sizeof head, "-%c, --%s%s%s", o->key, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    else
      snprintf(head, sizeof head, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    if (strlen(head) <= 24) {
      fprintf(f, "  %-24s ", head);
      /* first line beside the flag, the rest below */
      char buf[1024];
      snprintf(buf, sizeof buf, "%s", o->help);
      FILE *tmp = fmemopen(NULL, 4096, "w+");
      if (tmp) {
        wrap(tmp, buf, 27);
        rewind(tmp);
        char line[256];
        bool first = true;
        while (fgets(line, sizeof line, tmp)) {
          fputs(first ? line + 27 : line, f);
          first = false;
        }
        fclose(tmp);
      }
    } else {
      fprintf(f, "  %s\n", head);
      wrap(f, o->help, 27);
    }
  }
  if (!cmd->subcommands || !name)
    fprintf(f, "%s  %-24s show this help\n", any ? "" : "Options:\n", "-h, --help");
  fputc('\n', f);
  wrap(f, exit_status_text, 0);
}

/* ---- did you mean ------------------------------------------------------ */

static size_t distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return 99;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *cli_suggest(const char *word, const char *const *names)
{
  const char *best = NULL;
  size_t best_d = 99;
  for (const char *const *n = names; *n; n++) {
    size_t d = distance(word, *n);
    /* a prefix of a name is a typo too ("proc" for "process") */
    if (strlen(word) >= 3 && !strncmp(word, *n, strlen(word)))
      d = 1;
    if (d < best_d) {
      best_d = d;
      best = *n;
    }
  }
  size_t len = strlen(word);
  size_t allowed = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  return best && best_d <= allowed ? best : NULL;
}

const char *cli_leaf(const cli_command *cmd)
{
  const char *last = strrchr(cmd->name, ' ');
  return last ? last + 1 : cmd->name;
}

const cli_command *cli_find(const cli_command *const *list, const char *name)
{
  for (const cli_command *const *c = list; c && *c; c++)
    if (!strcmp(cli_leaf(*c), name))
      return *c;
  return NULL;
}

const char *cli_suggest_command(const cli_command *parent, const char *word)
{
  const char *names[32];
  size_t n = 0;
  for (const cli_command *const *s = parent->subcommands; s && *s && n < 31; s++)
    names[n++] = cli_leaf(*s);
  names[n] = NULL;
  return cli_suggest(word, names);
}

int cli_unknown_command(const cli_command *cmd, const char *word)
{
  const char *guess = cli_suggest_command(cmd, word);
  if (word[0] == '-')
    return cli_usage_error(cmd, "unknown option '%s'", word);
  if (guess)
    return cli_usage_error(cmd, "unknown command '%s'; did you mean '%s'?", word, guess);
  return cli_usage_error(cmd, "unknown command '%s'", word);
}

int cli_dispatch(const cli_command *cmd, int argc, char **argv)
{
  if (argc < 2) {
    cli_help(stderr, cmd);
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
    cli_help(stdout, cmd);
    return CLI_EXIT_OK;
  }
  const cli_command *c = cli_find(cmd->subcommands, sub);
  if (!c && !strcmp(sub, "help")) { /* "doctag batch help run" */
    if (argc < 3) {
      cli_help(stdout, cmd);
      return CLI_EXIT_OK;
    }
    if (!(c = cli_find(cmd->subcommands, argv[2])))
      return cli_unknown_command(cmd, argv[2]);
    cli_help(stdout, c);
    return CLI_EXIT_OK;
  }
  if (!c)
    return cli_unknown_command(cmd, sub);
  return c->subcommands ? cli_dispatch(c, argc - 1, argv + 1) : c->run(c, argc - 1, argv + 1);
}

/* ---- option parsing ---------------------------------------------------- */

void cli_parse_begin(cli_parser *p, const cli_command *cmd, int argc, char **argv)
{
  p->cmd = cmd;
  p->argc = argc;
  p->argv = argv;
  p->arg = NULL;
  optind = 1;
  opterr = 0;
}

int cli_parse_next(cli_parser *p)
{
  struct option longs[48];
  char shorts[128];
  size_t nl = 0, ns = 0;
  shorts[ns++] = ':'; /* a missing argument answers ':' */
  for (const cli_opt *o = p->cmd->opts; o && o->name && nl < 46; o++) {
    longs[nl++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
    if (o->key < 256 && ns < sizeof shorts - 3) {
      shorts[ns++] = (char)o->key;
      if (o->arg)
        shorts[ns++] = ':';
    }
  }
  longs[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
  longs[nl] = (struct option){ NULL, 0, NULL, 0 };
  shorts[ns++] = 'h';
  shorts[ns] = '\0';

  int idx = -1;
  int ch = getopt_long(p->argc, p->argv, shorts, longs, &idx);
  p->arg = optarg;
  if (ch == 'h') {
    cli_help(stdout, p->cmd);
    exit(CLI_EXIT_OK);
  }
  if (ch == '?' || ch == ':') {
    const char *bad = p->argv[optind - 1];
    if (ch == ':')
      return cli_usage_error(p->cmd, "option '%s' needs an argument", bad), CLI_PARSE_ERROR;
    if (bad && bad[0] == '-' && bad[1] == '-') {
      char word[64];
      snprintf(word, sizeof word, "%s", bad + 2);
      word[strcspn(word, "=")] = '\0';
      const char *names[48];
      size_t n = 0;
      for (size_t i = 0; i < nl; i++)
        names[n++] = longs[i].name;
      names[n] = NULL;
      const char *guess = cli_suggest(word, names);
      if (guess)
        return cli_usage_error(p->cmd, "unknown option '--%s'; did you mean '--%s'?", word, guess), CLI_PARSE_ERROR;
      return cli_usage_error(p->cmd, "unknown option '--%s'", word), CLI_PARSE_ERROR;
    }
    return cli_usage_error(p->cmd, "unknown option '-%c'", optopt ? optopt : '?'), CLI_PARSE_ERROR;
  }
  return ch;
}

bool cli_parse_format(const char *s, cli_format *out)
{
  if (!strcmp(s, "text"))
    *out = CLI_TEXT;
  else if (!strcmp(s, "json"))
    *out = CLI_JSON;
  else if (!strcmp(s, "csv"))
    *out = CLI_CSV;
  else
    return false;
  return true;
}

cli_format cli_default_format(void)
{
  return isatty(STDOUT_FILENO) ? CLI_TEXT : CLI_JSON;
}

bool cli_parse_ocr(const char *s, doctag_ocr_mode *out)
{
  static const struct { const char *name; doctag_ocr_mode mode; } modes[] = {
    { "auto", DOCTAG_OCR_AUTO }, { "force", DOCTAG_OCR_FORCE }, { "off", DOCTAG_OCR_OFF },
  };
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (!strcmp(s, modes[i].name)) {
      *out = modes[i].mode;
      return true;
    }
  return false;
}

char *cli_join(const char *const *items, size_t n, const char *sep)
{
  size_t need = 1;
  for (size_t i = 0; i < n; i++)
    need += strlen(items[i]) + strlen(sep);
  char *out = calloc(1, need);
  for (size_t i = 0; out && i < n; i++) {
    if (i)
      strcat(out, sep);
    strcat(out, items[i]);
  }
  return out;
}

bool cli_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || !*s || *end || s[0] == '-' || s[0] == '+' || v < lo || v > hi)
    return false;
  *out = (unsigned int)v;
  return true;
}

/* ---- output ------------------------------------------------------------ */

void cli_json_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    case '\f': fputs("\\f", f); break;
    default:
      if (*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

void cli_csv_field(FILE *f, const char *s)
{
  s = s ? s : "";
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

char *cli_read_all(const char *path, size_t *len)
{
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f)
    return NULL;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, (cap *= 2) + 1);
      if (!nb)
        free(buf);
      buf = nb;
    }
  }
  int err = ferror(f);
  if (f != stdin)
    fclose(f);
  if (err || !buf) {
    free(buf);
    if (!errno)
      errno = EIO;
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* ---- context and user -------------------------------------------------- */

/* The default root the CLI left out because it was "/" (what it was: "the
 * current directory" or "the CSV's directory"), for cli_path_hint(). */
static const char *root_left_out;

/* Appends `dir` to the colon-separated roots unless it resolves to "/". */
static void add_default_root(GString *roots, const char *dir, const char *what)
{
  char *real = dir ? realpath(dir, NULL) : NULL;
  if (real && !strcmp(real, "/"))
    root_left_out = what;
  else if (real)
    g_string_append_printf(roots, "%s%s", roots->len ? ":" : "", real);
  free(real);
}

int cli_context(const cli_command *cmd, doctag_ctx **ctx, const char *csv_dir)
{
  doctag_config cfg;
  doctag_config_init(&cfg, DOCTAG_CONFIG_VERSION);
  /* The CLI runs as the user, on the user's files: unless the user chose
   * roots, the current directory (and the CSV's) is allowed, but never "/":
   * run from there (a service's or a container's working directory), that
   * default would open the whole filesystem to a CSV's rows. The server
   * never gets such a default. */
  const char *env = getenv("DOCTAG_ALLOWED_ROOTS");
  GString *roots = g_string_new(NULL);
  if (!env || !*env) {
    char *cwd = getcwd(NULL, 0);
    add_default_root(roots, csv_dir, "the CSV's directory");
    add_default_root(roots, cwd, "the current directory");
    free(cwd);
    cfg.allowed_roots = roots->str;   /* "" allows nothing */
  }
  doctag_status st = doctag_ctx_new(ctx, &cfg);
  g_string_free(roots, TRUE);
  return st ? cli_fail(cmd, "configuration") : 0;
}

int cli_context_user(const cli_command *cmd, doctag_ctx **ctx, const char *csv_dir, char *user, size_t usize)
{
  int rc = cli_context(cmd, ctx, csv_dir);
  return rc ? rc : cli_user(cmd, *ctx, user, usize);
}

void cli_path_hint(const cli_command *cmd, const char *message)
{
  static bool told;
  if (told || !root_left_out || !message || !strstr(message, "Path not allowed"))
    return;
  told = true;
  fprintf(stderr, "doctag %s: %s is /, which the CLI does not allow by default (it would allow every file); "
          "run it from the files' directory or set DOCTAG_ALLOWED_ROOTS to the directories to read\n",
          cmd->name, root_left_out);
}

int cli_user(const cli_command *cmd, doctag_ctx *ctx, char *id, size_t idsize)
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
      if (doctag_error_last()->code != DOCTAG_ENOTFOUND && ok)
        return cli_fail(cmd, "the CLI user");
      /* A stale file (another database): make a new user. */
      unlink(path);
    }
    unsigned char rnd[24];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
      return cli_error(cmd, "no randomness for the CLI user: %s", strerror(errno));
    char email[64], password[64];
    snprintf(email, sizeof email, "cli-%02x%02x%02x%02x@doctag.invalid", rnd[0], rnd[1], rnd[2], rnd[3]);
    for (size_t i = 0; i < 20; i++)
      snprintf(password + 2 * i, 3, "%02x", rnd[4 + i]);
    doctag_user *u = NULL;
    if (doctag_auth_register(ctx, &u, email, password, "doctag CLI"))
      return cli_fail(cmd, "creating the CLI user");
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
    if (errno != EEXIST)
      return cli_error(cmd, "cannot write %s: %s", path, strerror(errno));
  }
  return 0;
}

double cli_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
