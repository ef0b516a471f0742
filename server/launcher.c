/* doctag-server: writes the kore configuration from the environment and the
 * command line, then runs kore in the foreground with the doctag module, and
 * the embedded batch workers (`doctag worker`) beside it. It stays as their
 * parent: SIGTERM or SIGINT stops kore and the workers (workers finish or
 * release the documents in hand), and the run directory is removed.
 *
 * Every --flag has an environment variable; flags win. The kore workers and
 * the batch workers read the same environment, so one setting reaches every
 * process. */
#include <doctag/doctag.h>

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define STOP_GRACE_SEC 30
#define WORKER_NICE 10

/* A flag and the environment variable it sets. */
typedef struct setting {
  const char *flag;
  const char *env;
  const char *help;
} setting;

static const setting settings[] = {
  { "listen", "DOCTAG_LISTEN", "HOST:PORT to serve on (default 127.0.0.1:8000)" },
  { "data-dir", "DOCTAG_DATA_DIR", "data directory (SQLite database, blobs, JWT secret)" },
  { "database-url", "DOCTAG_DATABASE_URL", "sqlite:///path or postgresql://... (default SQLite in the data directory)" },
  { "redis-url", "DOCTAG_REDIS_URL", "redis://host:port for the batch queue (default: the local queue)" },
  { "allowed-roots", "DOCTAG_ALLOWED_ROOTS", "colon-separated directories batch rows may read local files from" },
  { "workers", "DOCTAG_WORKERS", "embedded batch worker threads (default: cores with the local queue, 0 with Redis)" },
  { "http-workers", "DOCTAG_HTTP_WORKERS", "kore worker processes (default: cores)" },
  { "cors-origins", "DOCTAG_CORS_ORIGINS", "comma-separated allowed origins, or * (default *)" },
  { "max-upload-mb", "DOCTAG_MAX_UPLOAD_MB", "largest upload in MB (default 50)" },
  { "api-key", "OPENROUTER_API_KEY", "the LLM key (prefer the environment: flags show in ps)" },
  { "llm-base-url", "DOCTAG_LLM_BASE_URL", "OpenAI-compatible endpoint (default https://openrouter.ai/api/v1)" },
  { "jwt-secret", "DOCTAG_JWT_SECRET", "JWT signing secret (default: generated once in the data directory)" },
  { "secret-key", "DOCTAG_SECRET_KEY", "key sealing batch jobs' LLM keys at rest, the same on every server and worker "
                                       "(default: random per run; prefer the environment)" },
  { "blob-url", "DOCTAG_BLOB_URL", "s3://bucket/prefix for stored PDFs (default: the data directory)" },
  { "s3-endpoint", "DOCTAG_S3_ENDPOINT", "S3-compatible endpoint (default AWS)" },
  { "aws-region", "AWS_REGION", "S3 region" },
  { "aws-access-key-id", "AWS_ACCESS_KEY_ID", "S3 access key id" },
  { "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", "S3 secret key (prefer the environment)" },
  { "body-timeout", "DOCTAG_BODY_TIMEOUT_SEC", "seconds a request's body may take to arrive (default 30; raise it for large "
                                            "uploads over slow links)" },
  { "accept-threshold", "DOCTAG_ACCEPT_THRESHOLD", "connections a kore worker accepts before another may (default "
                                               "16; 1 spreads a burst over the workers)" },
  { "seccomp-tracing", "DOCTAG_SECCOMP_TRACING", "yes: log syscalls the sandbox would refuse instead of refusing them" },
};

/* Routes, in order: exact paths first, then regular expressions; the
 * literal /api/history/documents/search before the {doc_id} pattern; the
 * catch-all last gives the JSON 404. */
static const char routes[] =
  "\troute / api_root\n"
  "\troute /api/status api_status\n"
  "\troute /api/health api_health\n"
  "\troute /api/auth/register api_auth_register\n"
  "\troute /api/auth/login api_auth_login\n"
  "\troute /api/auth/refresh api_auth_refresh\n"
  "\troute /api/auth/logout api_auth_logout\n"
  "\troute /api/auth/me api_auth_me\n"
  "\troute /api/auth/webhook-secret api_auth_webhook_secret\n"
  "\troute /api/single/process api_single_process\n"
  "\troute /api/single/preview api_single_preview\n"
  "\troute /api/single/tag-text api_single_tag_text\n"
  "\troute /api/batch/start api_batch_start\n"
  "\troute /api/batch/active api_batch_active\n"
  "\troute /api/batch/validate-paths api_batch_validate_paths\n"
  "\troute /api/batch/template api_batch_template\n"
  "\troute /api/batch/process api_batch_process\n"
  "\troute ^/api/batch/jobs/[^/]+/status$ api_batch_status\n"
  "\troute ^/api/batch/jobs/[^/]+/(cancel|pause|resume)$ api_batch_command\n"
  "\troute ^/api/batch/ws/[^/]+$ api_batch_ws\n"
  "\troute /api/history/jobs api_history_jobs\n"
  "\troute /api/history/documents api_history_documents\n"
  "\troute /api/history/documents/search api_history_search\n"
  "\troute /api/history/stats api_history_stats\n"
  "\troute ^/api/history/jobs/[^/]+$ api_history_job\n"
  "\troute ^/api/history/documents/[^/]+/file$ api_history_document_file\n"
  "\troute ^/api/history/documents/[^/]+/reprocess$ api_history_document_reprocess\n"
  "\troute ^/api/history/documents/[^/]+$ api_history_document\n"
  "\troute /metrics api_metrics\n"
  "\troute /api/openapi.json api_web_file\n"
  "\troute /api/docs api_web_file\n"
  "\troute ^/api/docs/ api_web_file\n"
  "\troute /app api_web_file\n"
  "\troute ^/app/ api_web_file\n"
  "\troute ^/ api_not_found\n";

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
  got_signal = sig;
}

static void usage(FILE *f)
{
  fprintf(f, "Usage: doctag-server [OPTIONS]\n\n"
             "Serves the doctag HTTP API (CONTRACT.md) with Kore.\n\n"
             "Options (each also read from the environment variable named):\n");
  for (size_t i = 0; i < G_N_ELEMENTS(settings); i++)
    fprintf(f, "  --%-22s %s\n  %-24s  [%s]\n", settings[i].flag, settings[i].help, "", settings[i].env);
  fprintf(f, "  --print-config           print the kore configuration and exit\n"
             "  --help, --version\n");
}

static const char *env_or(const char *name, const char *def)
{
  const char *v = getenv(name);
  return v && *v ? v : def;
}

static bool parse_count(const char *name, const char *s, unsigned long max, unsigned long *out)
{
  char *end = NULL;
  errno = 0;
  unsigned long n = strtoul(s, &end, 10);
  if (!*s || *end || errno || n > max || s[0] == '-') {
    fprintf(stderr, "doctag-server: %s=%s: expected a whole number from 0 to %lu\n", name, s, max);
    return false;
  }
  *out = n;
  return true;
}

/* HOST:PORT, [V6]:PORT or PORT. */
static bool parse_listen(const char *s, char **host, char **port)
{
  const char *colon = strrchr(s, ':');
  if (!colon) {
    *host = g_strdup("127.0.0.1");
    *port = g_strdup(s);
  } else if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (!close || close + 1 != colon)
      return false;
    *host = g_strndup(s + 1, (gsize)(close - s - 1));
    *port = g_strdup(colon + 1);
  } else {
    *host = g_strndup(s, (gsize)(colon - s));
    *port = g_strdup(colon + 1);
  }
  unsigned long p = 0;
  if (!**host || !**port || strspn(*port, "0123456789") != strlen(*port) ||
      (p = strtoul(*port, NULL, 10)) == 0 || p > 65535 || strpbrk(*host, " \t\n{}")) {
    g_free(*host);
    g_free(*port);
    return false;
  }
  return true;
}

/* Finds a file next to this executable's build tree or installed. */
static char *find_file(const char *build_path, const char *installed_path, const char *override_env)
{
  const char *o = getenv(override_env);
  if (o && *o)
    return g_strdup(o);
  char *self = g_file_read_link("/proc/self/exe", NULL);
  char *found = NULL;
  if (self) {
    char *dir = g_path_get_dirname(self);
    char *built_dir = g_path_get_dirname(build_path);
    char *built_bindir = g_build_filename(built_dir, "..", "bin", NULL);
    /* Run from the build tree: use the build tree's files. */
    char *a = realpath(dir, NULL), *b = realpath(built_bindir, NULL);
    if (a && b && !strcmp(a, b) && g_file_test(build_path, G_FILE_TEST_EXISTS))
      found = g_strdup(build_path);
    free(a);
    free(b);
    g_free(dir);
    g_free(built_dir);
    g_free(built_bindir);
    g_free(self);
  }
  if (!found && g_file_test(installed_path, G_FILE_TEST_EXISTS))
    found = g_strdup(installed_path);
  if (!found && g_file_test(build_path, G_FILE_TEST_EXISTS))
    found = g_strdup(build_path);
  return found;
}

/* accept_threshold 0: kore's default. */
static char *kore_config(const char *module, const char *run_dir, const char *host, const char *port,
                         unsigned long http_workers, unsigned long upload_mb, unsigned long body_timeout,
                         unsigned long accept_threshold, bool tracing)
{
  GString *c = g_string_new(NULL);
  /* The body limit leaves room for the multipart envelope and the config
   * field around the file; the handler answers 413 itself for a file over
   * the limit, and kore's bare 413 only meets bodies far past it. */
  unsigned long long body_max = (unsigned long long)upload_mb * 1024 * 1024 + 1024 * 1024;
  g_string_append_printf(c,
    "# Written by doctag-server; regenerated at every start.\n"
    /* The module first: the listener's connect callback is looked up in
     * it (server/http_guard.c). */
    "load %s\n\n"
    "server api {\n\tbind %s %s doctag_http_connect\n\ttls no\n}\n\n"
    "workers %lu\n"
    "worker_max_connections 4096\n"
    "worker_rlimit_nofiles 16384\n"
    "pidfile %s/kore.pid\n"
    "seccomp_tracing %s\n"
    "http_server_version doctag\n"
    "http_hsts_enable 0\n"
    "http_body_max %llu\n"
    "http_body_disk_offload 1048576\n"
    "http_body_disk_path %s/bodies\n"
    "http_body_timeout %lu\n"
    "http_header_max 8192\n"
    "http_request_limit 4000\n"
    "websocket_timeout 3600\n"
    "websocket_maxframe 65536\n"
    "task_threads 1\n",
    module, host, port, http_workers, run_dir, tracing ? "yes" : "no", body_max, run_dir, body_timeout);
  if (accept_threshold)
    g_string_append_printf(c, "worker_accept_threshold %lu\n", accept_threshold);
  g_string_append_printf(c, "\ndomain * {\n\tattach api\n%s}\n", routes);
  return g_string_free(c, FALSE);
}

/* Whether HOST:PORT can be bound, tried as kore binds it (SO_REUSEADDR), so
 * a taken port is one clear line before anything says "serving". *why gets
 * the reason (g_malloc'd). */
static bool can_listen(const char *host, const char *port, char **why)
{
  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    *why = g_strdup(gai_strerror(gai));
    return false;
  }
  bool ok = false;
  int err = 0;
  for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0)
      ok = true;
    else
      err = errno;
    close(fd);
  }
  freeaddrinfo(res);
  if (!ok)
    *why = g_strdup(err == EADDRINUSE ? "the port is already in use (another server is listening there)"
                                      : g_strerror(err));
  return ok;
}

/* Whether something accepts connections on HOST:PORT (a wildcard address is
 * reached through itself: Linux connects 0.0.0.0 and :: to the local host). */
static bool answers(const char *host, const char *port)
{
  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0)
    return false;
  bool ok = false;
  for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
      continue;
    ok = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

static pid_t spawn(char *const argv[], int niceness)
{
  pid_t pid = fork();
  if (pid == 0) {
    /* Batch workers yield the CPU to the HTTP workers. */
    if (niceness && nice(niceness) == -1)
      fprintf(stderr, "doctag-server: nice: %s\n", g_strerror(errno));
    /* A process group of its own: kore 4.1 workers that outlive their parent
     * signal their group (kill(0, SIGQUIT) with a cleared pid), which must
     * not reach us or whoever started us. Signals come from us instead. */
    setpgid(0, 0);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    execv(argv[0], argv);
    fprintf(stderr, "doctag-server: cannot run %s: %s\n", argv[0], g_strerror(errno));
    _exit(127);
  }
  if (pid < 0)
    fprintf(stderr, "doctag-server: fork: %s\n", g_strerror(errno));
  return pid;
}

static void remove_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
      char *p = g_build_filename(path, name, NULL);
      if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
        remove_tree(p);
      else
        g_unlink(p);
      g_free(p);
    }
    g_dir_close(d);
  }
  g_rmdir(path);
}

/* Waits for `pid` up to `secs` seconds; true when it exited. */
static bool wait_for(pid_t pid, int secs, int *status)
{
  for (int i = 0; i < secs * 10; i++) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD))
      return true;
    g_usleep(100000);
  }
  return false;
}

int main(int argc, char **argv)
{
  struct option opts[G_N_ELEMENTS(settings) + 4];
  for (size_t i = 0; i < G_N_ELEMENTS(settings); i++)
    opts[i] = (struct option){ settings[i].flag, required_argument, NULL, (int)(256 + i) };
  size_t n = G_N_ELEMENTS(settings);
  opts[n++] = (struct option){ "print-config", no_argument, NULL, 'p' };
  opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
  opts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
  opts[n] = (struct option){ NULL, 0, NULL, 0 };

  bool print_only = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c >= 256 && c < 256 + (int)G_N_ELEMENTS(settings)) {
      setenv(settings[c - 256].env, optarg, 1);
    } else if (c == 'p') {
      print_only = true;
    } else if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'V') {
      printf("doctag-server %s (API 2.0.0)\n", doctag_version());
      return 0;
    } else {
      fprintf(stderr, "Try 'doctag-server --help'.\n");
      return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "doctag-server: unexpected argument '%s'\nTry 'doctag-server --help'.\n", argv[optind]);
    return EXIT_USAGE;
  }

  char *host = NULL, *port = NULL;
  const char *listen = env_or("DOCTAG_LISTEN", "127.0.0.1:8000");
  if (!parse_listen(listen, &host, &port)) {
    fprintf(stderr, "doctag-server: DOCTAG_LISTEN=%s: expected HOST:PORT\n", listen);
    return EXIT_USAGE;
  }
  unsigned long cores = (unsigned long)MAX(1, sysconf(_SC_NPROCESSORS_ONLN));
  unsigned long upload_mb = 50, http_workers = cores, workers = getenv("DOCTAG_REDIS_URL") &&
                                                                   *getenv("DOCTAG_REDIS_URL") ? 0 : cores;
  if (!parse_count("DOCTAG_MAX_UPLOAD_MB", env_or("DOCTAG_MAX_UPLOAD_MB", "50"), 1024 * 1024, &upload_mb) ||
      upload_mb == 0)
    return EXIT_USAGE;
  if (getenv("DOCTAG_HTTP_WORKERS") && *getenv("DOCTAG_HTTP_WORKERS") &&
      (!parse_count("DOCTAG_HTTP_WORKERS", getenv("DOCTAG_HTTP_WORKERS"), 64, &http_workers) ||
       http_workers == 0))
    return EXIT_USAGE;
  if (getenv("DOCTAG_WORKERS") && *getenv("DOCTAG_WORKERS") &&
      !parse_count("DOCTAG_WORKERS", getenv("DOCTAG_WORKERS"), 256, &workers))
    return EXIT_USAGE;
  /* Kore cuts a request whose headers and body have not all arrived this
   * many seconds after it began (a body sent a byte a second). */
  unsigned long body_timeout = 30;
  if (!parse_count("DOCTAG_BODY_TIMEOUT_SEC", env_or("DOCTAG_BODY_TIMEOUT_SEC", "30"), 65535, &body_timeout) ||
      body_timeout == 0)
    return EXIT_USAGE;
  /* Connections a kore worker accepts before another may (kore's default
   * 16 sends a burst of connections to one worker; 1 spreads them). */
  unsigned long accept_threshold = 0;
  if (getenv("DOCTAG_ACCEPT_THRESHOLD") && *getenv("DOCTAG_ACCEPT_THRESHOLD") &&
      (!parse_count("DOCTAG_ACCEPT_THRESHOLD", getenv("DOCTAG_ACCEPT_THRESHOLD"), 4096, &accept_threshold) ||
       accept_threshold == 0))
    return EXIT_USAGE;
  const char *tracing_s = env_or("DOCTAG_SECCOMP_TRACING", "no");
  bool tracing = !strcmp(tracing_s, "yes") || !strcmp(tracing_s, "1") || !strcmp(tracing_s, "true");
  /* The library's own file limit follows the upload limit unless set. */
  char mb[32];
  g_snprintf(mb, sizeof mb, "%lu", upload_mb);
  setenv("DOCTAG_MAX_FILE_MB", env_or("DOCTAG_MAX_FILE_MB", mb), 1);
  setenv("OMP_THREAD_LIMIT", env_or("OMP_THREAD_LIMIT", "1"), 1);

  /* Batch jobs keep their LLM key sealed under DOCTAG_SECRET_KEY. Without
   * one, a key drawn now that only this run's processes (kore's and the
   * batch workers, which inherit it) hold: nothing readable rests on disk,
   * and after a restart such jobs' keys are gone (README, Security). */
  if (!getenv("DOCTAG_SECRET_KEY") || !*getenv("DOCTAG_SECRET_KEY")) {
    unsigned char raw[32];
    char hex[2 * sizeof raw + 1];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
      fprintf(stderr, "doctag-server: getrandom: %s\n", g_strerror(errno));
      return 1;
    }
    for (size_t i = 0; i < sizeof raw; i++)
      g_snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    setenv("DOCTAG_SECRET_KEY", hex, 1);
    explicit_bzero(raw, sizeof raw);
    explicit_bzero(hex, sizeof hex);
  }

  /* The context checks every setting and creates the data directory. */
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL) != DOCTAG_OK) {
    fprintf(stderr, "doctag-server: %s\n", doctag_error_last()->message);
    return 1;
  }
  /* Servers on one queue share the places' lease: a server whose lease is
   * not the one in force stops here. A queue out of reach is checked again
   * by each kore worker (and by its first document). */
  doctag_status lease = doctag_doc_slot_lease_agree(ctx);
  if (lease == DOCTAG_ECONFLICT) {
    fprintf(stderr, "doctag-server: %s\n", doctag_error_last()->message);
    doctag_ctx_free(ctx);
    return 1;
  }
  if (lease)
    fprintf(stderr, "doctag-server: the document places' lease is not checked yet: %s\n",
            doctag_error_last()->message);
  /* The dependencies, once, before anything listens: the database's
   * migrations run here (an upgrade that rebuilds the full-text index takes
   * minutes and says so), so that "serving" means ready, and what is missing
   * (a tesseract language, a database out of reach) is said at start. A
   * failed probe stops nothing: /health keeps reporting it. Printing the
   * configuration touches nothing. */
  doctag_health *health = NULL;
  if (!print_only && doctag_health_check(ctx, &health) == DOCTAG_OK) {
    for (size_t i = 0; i < doctag_health_count(health); i++)
      if (doctag_health_probe_required(health, i) && !doctag_health_probe_ok(health, i))
        fprintf(stderr, "doctag-server: %s: %s\n", doctag_health_name(health, i), doctag_health_detail(health, i));
    doctag_health_free(health);
  }
  char *data_dir = g_strdup(doctag_ctx_data_dir(ctx));
  doctag_ctx_free(ctx);
  setenv("DOCTAG_DATA_DIR", data_dir, 1);

  char *module = find_file(DOCTAG_MODULE_BUILD, DOCTAG_MODULE_INSTALLED, "DOCTAG_SERVER_MODULE");
  if (!module) {
    fprintf(stderr, "doctag-server: the kore module doctag_server.so is not found (%s)\n",
            DOCTAG_MODULE_INSTALLED);
    return 1;
  }
  /* The web app, the docs page and openapi.json (web.c); the server runs
   * without them, answering 404 there. */
  char *web_dir = find_file(DOCTAG_WEB_BUILD, DOCTAG_WEB_INSTALLED, "DOCTAG_WEB_DIR");
  if (web_dir)
    setenv("DOCTAG_WEB_DIR", web_dir, 1);
  g_free(web_dir);
  char *run_dir = NULL;
  char *config = NULL;
  if (print_only) {
    config = kore_config(module, "RUN_DIR", host, port, http_workers, upload_mb, body_timeout, accept_threshold,
                         tracing);
    fputs(config, stdout);
    return 0;
  }
  char *why = NULL;
  if (!can_listen(host, port, &why)) {
    fprintf(stderr, "doctag-server: cannot listen on %s%s%s:%s: %s\n", strchr(host, ':') ? "[" : "", host,
            strchr(host, ':') ? "]" : "", port, why);
    g_free(why);
    return 1;
  }
  char *tmpl = g_build_filename(data_dir, "run-XXXXXX", NULL);
  run_dir = g_mkdtemp(tmpl);
  if (!run_dir) {
    fprintf(stderr, "doctag-server: cannot create a run directory in %s: %s\n", data_dir, g_strerror(errno));
    return 1;
  }
  char *bodies = g_build_filename(run_dir, "bodies", NULL);
  g_mkdir(bodies, 0700);
  /* One block of library counters for the kore workers and the batch
   * worker (/metrics sums documents, pages, OCR and LLM figures of both). */
  if (!getenv("DOCTAG_STATS_FILE") || !*getenv("DOCTAG_STATS_FILE")) {
    char *stats = g_build_filename(run_dir, "stats", NULL);
    setenv("DOCTAG_STATS_FILE", stats, 1);
    g_free(stats);
  }
  config = kore_config(module, run_dir, host, port, http_workers, upload_mb, body_timeout, accept_threshold, tracing);
  char *conf_path = g_build_filename(run_dir, "doctag.conf", NULL);
  GError *err = NULL;
  if (!g_file_set_contents(conf_path, config, -1, &err)) {
    fprintf(stderr, "doctag-server: %s\n", err->message);
    remove_tree(run_dir);
    return 1;
  }

  struct sigaction sa = { 0 };
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  char *kore_argv[] = { (char *)DOCTAG_KORE_BIN, (char *)"-fnrc", conf_path, NULL };
  /* kore resolves relative paths from its working directory. */
  if (chdir(run_dir) != 0)
    fprintf(stderr, "doctag-server: chdir %s: %s\n", run_dir, g_strerror(errno));
  pid_t kore = spawn(kore_argv, 0);
  pid_t kore_group = kore;
  if (kore < 0) {
    remove_tree(run_dir);
    return 1;
  }
  /* "serving" only once kore really listens; kore failing at start (a port
   * taken between the check and its bind, a bad module) is exit 1. */
  int kore_status = 0;
  while (!answers(host, port)) {
    if (got_signal) {
      kill(kore, SIGTERM);
      waitpid(kore, &kore_status, 0);
      kill(-kore_group, SIGKILL);
      remove_tree(run_dir);
      return 0;
    }
    if (waitpid(kore, &kore_status, WNOHANG) == kore) {
      fprintf(stderr, "doctag-server: kore exited at start (%s %d)\n", WIFEXITED(kore_status) ? "status" : "signal",
              WIFEXITED(kore_status) ? WEXITSTATUS(kore_status) : WTERMSIG(kore_status));
      remove_tree(run_dir);
      return 1;
    }
    g_usleep(20000);
  }
  fprintf(stderr, "doctag-server: serving http://%s%s%s:%s/ (data %s, %lu HTTP workers, %lu batch worker threads)\n",
          strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port, data_dir, http_workers, workers);

  char *doctag_bin = workers ? find_file(DOCTAG_DOCTAG_BIN_BUILD, DOCTAG_DOCTAG_BIN_INSTALLED, "DOCTAG_CLI") : NULL;
  char threads[32];
  g_snprintf(threads, sizeof threads, "%lu", workers);
  char *worker_argv[] = { doctag_bin, (char *)"worker", (char *)"--threads", threads, NULL };
  pid_t worker = doctag_bin ? spawn(worker_argv, WORKER_NICE) : -1;
  time_t worker_started = time(NULL);
  int worker_restarts = 0;

  int status = 0, rc = 0;
  for (;;) {
    if (got_signal)
      break;
    /* Polled, not a blocking wait: a signal that lands between the check
     * above and a blocking waitpid() would never be seen (a service
     * manager's SIGTERM then hangs until SIGKILL). */
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      g_usleep(100000);
      continue;
    }
    if (pid == kore) {
      kore = -1;
      rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (rc == 0 && !WIFEXITED(status))
        rc = 1;
      fprintf(stderr, "doctag-server: kore exited (%s %d)\n", WIFEXITED(status) ? "status" : "signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
      if (rc == 0)
        rc = 1;
      break;
    }
    if (pid == worker) {
      worker = -1;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      /* A usage error (a CLI without the worker command) is not retried. */
      if (code == EXIT_USAGE || code == 127) {
        fprintf(stderr, "doctag-server: `doctag worker` is not available (exit %d); batch jobs need an "
                        "external worker\n", code);
        continue;
      }
      if (time(NULL) - worker_started > 60)
        worker_restarts = 0;
      if (++worker_restarts > 5) {
        fprintf(stderr, "doctag-server: the batch worker keeps exiting (%d); not restarting it\n", code);
        continue;
      }
      fprintf(stderr, "doctag-server: the batch worker exited (%d); restarting it\n", code);
      g_usleep(1000000);
      worker = spawn(worker_argv, WORKER_NICE);
      worker_started = time(NULL);
    }
    if (pid < 0 && errno == ECHILD)
      break;
  }

  /* Stop: workers first get time to finish or release their documents. */
  if (kore > 0)
    kill(kore, SIGTERM);
  if (worker > 0)
    kill(worker, SIGTERM);
  if (kore > 0 && !wait_for(kore, STOP_GRACE_SEC, &status)) {
    kill(kore, SIGKILL);
    waitpid(kore, &status, 0);
  }
  /* kore's workers share its process group (spawn): one that outlived its
   * parent (stuck in a task when the parent was killed, or the parent died)
   * would keep its port and files; nothing of that group may stay. */
  if (kore_group > 0)
    kill(-kore_group, SIGKILL);
  if (worker > 0 && !wait_for(worker, STOP_GRACE_SEC, &status)) {
    kill(worker, SIGKILL);
    waitpid(worker, &status, 0);
  }
  remove_tree(run_dir);
  g_free(run_dir);
  g_free(conf_path);
  g_free(config);
  g_free(bodies);
  g_free(module);
  g_free(doctag_bin);
  g_free(data_dir);
  g_free(host);
  g_free(port);
  return got_signal ? 0 : rc;
}
