/* doctag worker [--threads N] [--once] [--lease SEC]: runs batch items from
 * the configured queue (DOCTAG_REDIS_URL, else the local queue in the
 * database) until SIGTERM or SIGINT; items in hand are finished first. */
#include "cli.h"

#include <doctag/doctag.h>
#include <doctag/jobs.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile int stop_requested;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
}

enum { OPT_ONCE = CLI_OPT_FIRST_FREE, OPT_LEASE };

static const cli_opt worker_opts[] = {
  { "threads", 't', "N", "documents processed at once, 1 to 256 (default 2)" },
  { "once", OPT_ONCE, NULL, "return when nothing is waiting" },
  { "lease", OPT_LEASE, "SEC", "seconds an item may go without a heartbeat before another worker takes it "
    "(default 60; the same for every worker of a queue)" },
  { NULL, 0, NULL, NULL },
};

static int cmd_worker(const cli_command *cmd, int argc, char **argv)
{
  doctag_worker_options wo;
  doctag_worker_options_init(&wo, DOCTAG_WORKER_OPTIONS_VERSION);
  cli_parser p;
  cli_parse_begin(&p, cmd, argc, argv);
  int ch;
  while ((ch = cli_parse_next(&p)) != -1) {
    switch (ch) {
    case 't':
      if (!cli_parse_uint(p.arg, 1, 256, &wo.threads))
        return cli_usage_error(cmd, "--threads must be a number from 1 to 256 (got '%s')", p.arg);
      break;
    case OPT_ONCE: wo.once = true; break;
    case OPT_LEASE:
      if (!cli_parse_uint(p.arg, 1, 86400, &wo.lease_sec))
        return cli_usage_error(cmd, "--lease must be a number of seconds from 1 to 86400 (got '%s')", p.arg);
      break;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  wo.stop = &stop_requested;

  doctag_ctx *ctx = NULL;
  int rc = cli_context(cmd, &ctx, NULL);
  if (rc)
    return rc;
  if (doctag_worker_run(ctx, &wo))
    rc = cli_fail(cmd, "queue");
  doctag_ctx_free(ctx);
  return rc;
}

const cli_command cli_worker_command = {
  "worker", "[OPTIONS]", "process batch documents from the queue",
  "Processes batch documents from the queue (DOCTAG_REDIS_URL, else the local queue in the database) "
  "until SIGTERM or ^C; documents in hand are finished first.",
  worker_opts, cmd_worker, NULL,
};
