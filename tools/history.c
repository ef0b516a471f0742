/* doctag history | search QUERY: the documents the CLI processed (batch
 * runs, process --save), newest first or best match first. */
#include "cli.h"

#include <doctag/history.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_OFFSET = CLI_OPT_FIRST_FREE };

static const cli_opt history_opts[] = {
  { "limit", 'n', "N", "at most N documents, 1 to 100 (default 20)" },
  { "offset", OPT_OFFSET, "N", "skip the N newest" },
  { "format", CLI_OPT_FORMAT, "FMT", "text, json or csv (default: text on a terminal, else json)" },
  { "json", 'j', NULL, "same as --format json" },
  { NULL, 0, NULL, NULL },
};

static const cli_opt search_opts[] = {
  { "limit", 'n', "N", "at most N results, 1 to 100 (default 20)" },
  { "format", CLI_OPT_FORMAT, "FMT", "text, json or csv (default: text on a terminal, else json)" },
  { "json", 'j', NULL, "same as --format json" },
  { NULL, 0, NULL, NULL },
};

static void print_documents(const doctag_document_list *list, cli_format fmt, const char *empty)
{
  size_t n = doctag_document_list_count(list);
  if (fmt == CLI_JSON) {
    char *json = NULL;
    if (doctag_document_list_to_json(list, &json) == DOCTAG_OK)
      puts(json);
    doctag_free(json);
    return;
  }
  if (fmt == CLI_CSV)
    fputs("id,job_id,title,file_path,status,tags,error,processed_at\r\n", stdout);
  else if (!n)
    puts(empty);
  for (size_t i = 0; i < n; i++) {
    const doctag_document_record *d = doctag_document_list_at(list, i);
    char *tags = cli_join(d->tags, d->tag_count, ", ");
    if (fmt == CLI_CSV) {
      printf("%s,%s,", d->id, d->job_id ? d->job_id : "");
      cli_csv_field(stdout, d->title);
      fputc(',', stdout);
      cli_csv_field(stdout, d->file_path);
      printf(",%s,", d->status);
      cli_csv_field(stdout, tags);
      fputc(',', stdout);
      cli_csv_field(stdout, d->error_message);
      printf(",%s\r\n", d->processed_at ? d->processed_at : "");
    } else {
      printf("%s%s  %.19s  %s\n", i ? "\n" : "", d->title && *d->title ? d->title : "(untitled)",
             d->processed_at ? d->processed_at : d->created_at, d->status);
      printf("  %s\n", d->file_path ? d->file_path : "");
      if (d->tag_count)
        printf("  tags: %s\n", tags);
      if (d->error_message)
        printf("  error: %s\n", d->error_message);
      printf("  id: %s\n", d->id);
    }
    free(tags);
  }
  if (fmt == CLI_TEXT && doctag_document_list_total(list) > n)
    printf("\n(%zu of %llu; --limit shows more)\n", n, (unsigned long long)doctag_document_list_total(list));
}

static int run_list(const cli_command *cmd, int argc, char **argv, bool search)
{
  unsigned int limit = 20, offset = 0;
  cli_format fmt = cli_default_format();
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    switch (ch) {
    case 'n':
      if (!cli_parse_uint(p.arg, 1, 100, &limit))
        return cli_usage_error(cmd, "--limit must be a number from 1 to 100 (got '%s')", p.arg);
      break;
    case OPT_OFFSET:
      if (!cli_parse_uint(p.arg, 0, 1000000000, &offset))
        return cli_usage_error(cmd, "--offset must be a whole number (got '%s')", p.arg);
      break;
    case 'j': fmt = CLI_JSON; break;
    case CLI_OPT_FORMAT:
      if (!cli_parse_format(p.arg, &fmt))
        return cli_usage_error(cmd, "--format must be text, json or csv (got '%s')", p.arg);
      break;
    default: return CLI_EXIT_USAGE;
    }
  }
  char *query = NULL;
  if (search) {
    if (optind >= argc)
      return cli_usage_error(cmd, "a QUERY is required");
    size_t need = 1;
    for (int i = optind; i < argc; i++)
      need += strlen(argv[i]) + 1;
    query = calloc(1, need);
    for (int i = optind; query && i < argc; i++) {
      if (i > optind)
        strcat(query, " ");
      strcat(query, argv[i]);
    }
  } else if (optind < argc) {
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  }
  doctag_ctx *ctx = NULL;
  char user[128];
  int rc = cli_context_user(cmd, &ctx, NULL, user, sizeof user);
  doctag_document_list *list = NULL;
  if (!rc) {
    doctag_status st = search ? doctag_history_search(ctx, &list, user, query, limit)
                              : doctag_history_documents(ctx, &list, user, limit, offset);
    if (st)
      rc = cli_fail(cmd, search ? query : "history");
  }
  if (!rc)
    print_documents(list, fmt, search ? "No document matches." : "No documents yet ('doctag batch run' or "
                                                                 "'doctag process --save' records them).");
  doctag_document_list_free(list);
  doctag_ctx_free(ctx);
  free(query);
  return rc;
}

static int cmd_history(const cli_command *cmd, int argc, char **argv)
{
  return run_list(cmd, argc, argv, false);
}

static int cmd_search(const cli_command *cmd, int argc, char **argv)
{
  return run_list(cmd, argc, argv, true);
}

const cli_command cli_history_command = {
  "history", "[OPTIONS]", "list the documents the CLI processed, newest first",
  "Lists the documents of this data directory's CLI user (batch runs, 'process --save'), newest first: "
  "title, time, status, path, tags.",
  history_opts, cmd_history, NULL,
};

const cli_command cli_search_command = {
  "search", "[OPTIONS] QUERY...", "full-text search of the processed documents",
  "Searches the CLI's documents (title, tags and extracted text; words of every script, Chinese, Japanese and Thai ones inside a sentence too), best match first. "
  "Every word must match; quotes and operators are plain text.",
  search_opts, cmd_search, NULL,
};
