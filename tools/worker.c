/* doctag worker [--threads N] [--once] [--lease SEC]: runs batch items from
 * the configured queue (DOCTAG_REDIS_URL, else the local queue in the
 * database) until SIGTERM or SIGINT; items in hand are finished first. */
#include "cli.h"

#include <doctag/doctag.h>
#include <doctag/jobs.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int stop_requested;

static void on_signal(int sig)
{
  (void)sig;
  stop_requested = 1;
}

static bool parse_count(const char *s, unsigned int max, unsigned int *out)
{
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || !*s || *end || s[0] == '-' || v == 0 || v > max)
    return false;
  *out = (unsigned int)v;
  return true;
}

int cmd_worker(int argc, char **argv)
{
  static const struct option opts[] = {
    { "threads", required_argument, NULL, 't' },
    { "once", no_argument, NULL, 'o' },
    { "lease", required_argument, NULL, 'l' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  doctag_worker_options wo;
  doctag_worker_options_init(&wo, DOCTAG_WORKER_OPTIONS_VERSION);
  optind = 1;
  int ch;
  while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (ch) {
    case 't':
      if (!parse_count(optarg, 256, &wo.threads)) {
        fprintf(stderr, "doctag worker: --threads must be a number from 1 to 256 (got '%s')\n", optarg);
        return 2;
      }
      break;
    case 'o': wo.once = true; break;
    case 'l':
      if (!parse_count(optarg, 86400, &wo.lease_sec)) {
        fprintf(stderr, "doctag worker: --lease must be a number of seconds from 1 to 86400 (got '%s')\n", optarg);
        return 2;
      }
      break;
    case 'h':
      printf("Usage: doctag worker [--threads N] [--once] [--lease SEC]\n"
             "Processes batch documents from the queue (DOCTAG_REDIS_URL, else the local queue)\n"
             "until SIGTERM/SIGINT. --once returns when nothing is waiting.\n");
      return 0;
    default: return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "doctag worker: unexpected argument '%s'\n", argv[optind]);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  wo.stop = &stop_requested;

  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL)) {
    fprintf(stderr, "doctag worker: configuration: %s\n", doctag_error_last()->message);
    return 1;
  }
  doctag_status st = doctag_worker_run(ctx, &wo);
  int rc = 0;
  if (st) {
    fprintf(stderr, "doctag worker: %s\n", doctag_error_last()->message);
    rc = 1;
  }
  doctag_ctx_free(ctx);
  return rc;
}
