/* server/server.h - what the route files of the Kore module share.
 *
 * Handlers only translate: they parse the request on the event loop, hand
 * the blocking part (every ABI call that may touch the database, the network,
 * a PDF) to a task thread with srv_async(), and send the srv_reply that
 * thread filled in. Task threads never call http_* or kore_* functions: the
 * reply is plain data, rendered on the event loop by srv_resume().
 *
 * Kore's result codes are 1 (KORE_RESULT_OK) / 0 (KORE_RESULT_ERROR), and
 * KORE_RESULT_RETRY to be called again; doctag's are 0 / negative. Handlers
 * only ever return kore codes; doctag codes become HTTP statuses in errors.c.
 */
#ifndef DOCTAG_SERVER_H
#define DOCTAG_SERVER_H

/* kore's headers expect these first. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/mman.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/tasks.h>

#include <doctag/doctag.h>
#include <doctag/auth.h>
#include <doctag/history.h>
#include <doctag/jobs.h>
#include <doctag/health.h>

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>

#define SRV_API_VERSION "2.0.0"
#define SRV_SERVICE_NAME "document-meta-tagging-api"

#define SRV_GET HTTP_METHOD_GET
#define SRV_POST HTTP_METHOD_POST
#define SRV_DELETE HTTP_METHOD_DELETE

/* Per kore worker: the settings read from the environment the launcher
 * wrote, and the library context every handler calls through. */
typedef struct srv_settings {
  doctag_ctx *ctx;
  uint64_t max_upload_bytes;   /* DOCTAG_MAX_UPLOAD_MB */
  bool cors_any;               /* DOCTAG_CORS_ORIGINS is "*" */
  char **cors_origins;         /* else the allowed origins */
} srv_settings;

extern srv_settings srv;

/* ---- replies (respond.c) ------------------------------------------------ */

/* A response a task thread prepares and the event loop sends. */
typedef struct srv_reply {
  int status;                  /* 0 until set */
  char *body;                  /* g_malloc'd, may be NULL */
  size_t len;
  const char *content_type;    /* static; NULL = application/json */
  GPtrArray *headers;          /* name, value, name, value ... (g_free'd) */
  char *log_user;              /* the user the access log names (g_free'd), or NULL */
  char *log_note;              /* more "key":value pairs for the log line (g_free'd), or NULL */
} srv_reply;

void srv_reply_clear(srv_reply *r);
/* Sets the reply to `json` (stolen) with `status`. */
void srv_reply_json(srv_reply *r, int status, json_t *json);
/* Sets the reply to a JSON text the library produced (taken over; released
 * with doctag_free(), which is g_free). */
void srv_reply_json_text(srv_reply *r, int status, char *json);
/* 200 with a processing result as SinglePDFResponse JSON (the result stays
 * the caller's), or the library's error if it cannot be rendered. */
void srv_reply_result(srv_reply *r, const doctag_result *result);
/* {"detail": "<message>"} with `status`. */
void srv_reply_detail(srv_reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets a binary body the library allocated (released with doctag_free(),
 * which is g_free: common.h), without copying it. */
void srv_reply_bytes(srv_reply *r, int status, const char *content_type, void *data, size_t len);
/* Adds a response header (copied). */
void srv_reply_header(srv_reply *r, const char *name, const char *value);

/* Starts a handler: answers CORS preflight requests and methods the route
 * does not take (JSON 405), and adds the CORS headers to everything else.
 * Returns true when the handler should go on, false when a response has
 * been sent (the handler then returns KORE_RESULT_OK). */
bool srv_begin(struct http_request *req, int methods);
/* Sends a reply now (event loop only). Returns KORE_RESULT_OK. */
int srv_send(struct http_request *req, srv_reply *r);
/* Sends {"detail": ...} now. Returns KORE_RESULT_OK. */
int srv_send_detail(struct http_request *req, int status, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* Sends a JSON value now (stolen). Returns KORE_RESULT_OK. */
int srv_send_json(struct http_request *req, int status, json_t *json);

/* ---- errors (errors.c): the one table from doctag_status to HTTP -------- */

/* Where a failure happened decides a few details: a limit hit by an upload
 * is 413, the same code from a download is a failed download. */
typedef enum srv_scope {
  SRV_SCOPE_API = 0,      /* auth, history, batch calls */
  SRV_SCOPE_UPLOAD,       /* processing an uploaded PDF */
  SRV_SCOPE_URL,          /* processing or fetching a PDF from a URL */
} srv_scope;

/* The HTTP status for a library status code in `scope`. */
int srv_http_status(doctag_status code, srv_scope scope);
/* Fills the reply from the calling thread's last library error: the status
 * from the table and the contract's detail message. */
void srv_reply_error(srv_reply *r, srv_scope scope);

/* ---- task threads (task.c) --------------------------------------------- */

typedef enum srv_pool {
  SRV_POOL_QUICK = 0,     /* database calls: auth, history, job steering */
  SRV_POOL_HEAVY,         /* processing documents: extraction, OCR, LLM */
  SRV_POOL_HASH,          /* password hashes (register, login): a flood waits here, not in QUICK */
} srv_pool;

/* Work run on a task thread: fills `reply` (never calls http_* or kore_*). */
typedef void (*srv_work_fn)(void *data, srv_reply *reply);

void srv_tasks_init(unsigned int quick_threads, unsigned int heavy_threads);
/* Runs fn(data, reply) on a thread of `pool` and puts the request to sleep
 * until it is done; data_free(data) runs when the request goes away.
 * Returns KORE_RESULT_RETRY: the handler returns it as it is. */
/* ---- raw HTTP framing (http_guard.c) ---- */

/* The listener's connect callback (`bind HOST PORT doctag_http_connect`). */
void doctag_http_connect(struct connection *c);

int srv_async(struct http_request *req, srv_pool pool, srv_work_fn fn, void *data,
              GDestroyNotify data_free);
/* srv_async() for work of user `owner` (NULL: none) on a pool shared
 * fairly: each user's first job in flight runs before anyone's second, and
 * past DOCTAG_USER_MAX_DOCS (default 8) in flight in the server's workers
 * together (inflight.c) the request is answered 429 at once. */
int srv_async_owned(struct http_request *req, srv_pool pool, const char *owner, srv_work_fn fn, void *data,
                    GDestroyNotify data_free);
/* Whether this call of the handler is the wake-up after srv_async(). */
bool srv_resuming(struct http_request *req);
/* Sends the reply of a finished srv_async() (KORE_RESULT_OK), or asks to be
 * called again while it runs (KORE_RESULT_RETRY). */
int srv_resume(struct http_request *req);
/* For handlers that do more than send the reply: whether the work is done
 * (false: the request is put back to sleep, return KORE_RESULT_RETRY), and
 * the data the work filled in. */
bool srv_async_done(struct http_request *req);
void *srv_async_data(struct http_request *req);
/* When the handler of a request handed to srv_async() was first called
 * (g_get_monotonic_time()), or 0 for a request that never was. */
gint64 srv_async_started(struct http_request *req);

/* ---- routes (route.c) --------------------------------------------------- */

/* The request body (event loop only): in memory or offloaded to a file. */
typedef struct srv_body {
  const unsigned char *mem;   /* body in memory (borrowed from the request), or NULL */
  int fd;                     /* offloaded body (borrowed), or -1 */
  size_t len;
} srv_body;

/* What a task thread gets of a request: copies, since the request belongs
 * to the event loop. */
typedef struct srv_call {
  char *token;          /* bearer token, or NULL */
  char *user_id;        /* the verified user (SRV_AUTH routes), else NULL */
  char *path;           /* request path without the query string */
  char *query;          /* raw query string, or NULL */
  char *content_type;   /* Content-Type, or NULL */
  char *agent;          /* User-Agent, or NULL */
  char *ip;             /* client address */
  srv_body body;        /* borrowed from the request, alive while the task runs */
  json_t *json;         /* the body parsed (SRV_JSON routes), else NULL */
  int method;
} srv_call;

typedef enum srv_route_flags {
  SRV_AUTH = 1 << 0,    /* needs a valid access token: 401 otherwise */
  SRV_JSON = 1 << 1,    /* the body must be a JSON object: 422 otherwise */
  SRV_HEAVY = 1 << 2,   /* runs on the document pool */
  SRV_HASH = 1 << 3,    /* hashes a password: runs on the hash pool */
} srv_route_flags;

/* Runs on a task thread and fills the reply. */
typedef void (*srv_route_fn)(srv_call *call, srv_reply *reply);

/* The whole life of an ordinary handler: CORS and 405, the bearer check,
 * then fn on a task thread after the token is verified and the body
 * parsed, then the reply. Returns what kore wants. */
int srv_route(struct http_request *req, int methods, int flags, srv_route_fn fn);
/* A query-string argument of the call (newly allocated, decoded), or NULL. */
char *srv_call_query(const srv_call *call, const char *name);

/* ---- request parsing (json.c) ------------------------------------------- */

/* Request-validation errors: the 422 {"detail": [{"loc", "msg", "type"}]}. */
typedef struct srv_invalid {
  json_t *errors;   /* array, NULL until the first error */
} srv_invalid;

void srv_invalid_add(srv_invalid *v, const char *msg, const char *type, const char *loc0, ...)
  __attribute__((sentinel));
bool srv_invalid_any(const srv_invalid *v);
/* Moves the errors into a 422 reply. */
void srv_reply_invalid(srv_reply *r, srv_invalid *v);
void srv_invalid_clear(srv_invalid *v);

void srv_body_get(struct http_request *req, srv_body *out);
/* Maps a body for reading on a task thread; *map_len gets what to munmap()
 * (0 when nothing was mapped). NULL, with a 500 reply saying why, on failure. */
const unsigned char *srv_body_map(const srv_body *b, size_t *map_len, srv_reply *reply);
void srv_body_unmap(const unsigned char *p, size_t map_len);

/* Parses a JSON request body into an object; NULL after filling `v` with
 * the 422 error (invalid JSON, not an object). Task threads. */
json_t *srv_json_object(const unsigned char *data, size_t len, srv_invalid *v);

/* Field readers: each returns the value, adds an error to `v` when the field
 * is missing (and required) or of the wrong type or range. `loc0` is the
 * location ("body"), `path` the object's place below it or NULL. */
const char *srv_field_string(json_t *obj, srv_invalid *v, const char *loc0, const char *path,
                             const char *name, bool required);
long srv_field_int(json_t *obj, srv_invalid *v, const char *loc0, const char *path, const char *name,
                   long min, long max, long def);

/* The tagging configuration (TaggingConfig) read into process options. */
typedef struct srv_tagging {
  doctag_tagging_config *config;     /* the library's parse, holding its strings */
  doctag_process_options opts;       /* borrows from config and the arrays below */
  GPtrArray *exclusion;              /* const char * (borrowed): the config's, then the files' */
  GPtrArray *term_lists;             /* char ** from exclusion files (doctag_strv_free) */
} srv_tagging;
/* Reads a TaggingConfig object (errors located under loc0/path). */
bool srv_tagging_read(srv_tagging *t, json_t *config, srv_invalid *v, const char *loc0,
                      const char *path);
/* Adds terms (taken over, doctag_strv_free'd later) to the exclusion list. */
void srv_tagging_exclude(srv_tagging *t, char **terms);
void srv_tagging_clear(srv_tagging *t);

/* ---- multipart/form-data (multipart.c) ---------------------------------- */

typedef struct srv_part {
  char *name;
  char *filename;      /* NULL for a plain field */
  const unsigned char *data;  /* borrowed from the body */
  size_t len;
} srv_part;

typedef struct srv_form {
  GPtrArray *parts;    /* srv_part * */
  bool too_many_parts; /* more than SRV_FORM_MAX_PARTS: answer 400 "Too many form parts" */
} srv_form;

#define SRV_FORM_MAX_PARTS 64

/* Parses a multipart/form-data body (content_type carries the boundary).
 * Parts point into `data`. false with *why on a malformed body. */
bool srv_form_parse(srv_form *f, const char *content_type, const unsigned char *data, size_t len,
                    const char **why);
/* True, having answered 400 "Too many form parts", when the body had more
 * parts than SRV_FORM_MAX_PARTS. */
bool srv_form_refused(const srv_form *f, srv_reply *reply);
/* The first part named `name`, or NULL. */
const srv_part *srv_form_get(const srv_form *f, const char *name);
/* A plain field's value as a new string (NULL when absent or a file). */
char *srv_form_text(const srv_form *f, const char *name);
void srv_form_clear(srv_form *f);

/* ---- authentication (auth.c) -------------------------------------------- */

/* The bearer token of a request (newly allocated), or NULL. Event loop. */
char *srv_bearer_token(struct http_request *req);
/* Verifies an access token on a task thread: the user id (g_malloc'd), or
 * NULL with the 401/403 reply filled in. */
char *srv_auth_user(const char *token, srv_reply *reply);
/* The 401 a request without a usable token gets. */
void srv_reply_unauthorized(srv_reply *r, const char *detail);

/* ---- small helpers (respond.c) ------------------------------------------ */

/* The value of argument `name` in a query string (newly allocated,
 * URL-decoded; "" when present but undecodable), or NULL when absent. */
char *srv_query_value(const char *query, const char *name);
/* The request header `name` (borrowed), or NULL. */
const char *srv_header(struct http_request *req, const char *name);
/* The id in a path such as /api/history/jobs/<id>/...: the segment after
 * `prefix` up to the next '/' (newly allocated), or NULL. */
char *srv_path_segment(const char *path, const char *prefix);
/* Whether s looks like a UUID. */
bool srv_is_uuid(const char *s);

/* ---- access log, request ids (accesslog.c) ------------------------------ */

/* Per worker: DOCTAG_ACCESS_LOG (on unless "off") and the flush timer. */
void srv_accesslog_init(void);
/* Writes the lines still gathered (worker teardown). */
void srv_accesslog_flush(void);
/* Marks the first call of a handler (srv_begin does): durations start here. */
void srv_request_begin(void);
/* The time srv_request_begin() last marked (g_get_monotonic_time()). */
gint64 srv_request_entry(void);
/* Whether a client's X-Request-ID is kept: 1..64 of [A-Za-z0-9._-]. */
bool srv_request_id_valid(const char *s);
/* For every response, just before it is handed to kore: adds X-Request-ID
 * (the client's when valid, else a new one), logs the access line and counts
 * the request for /metrics. user_id and note (JSON "key":value pairs) may be
 * NULL; rid_out (65 bytes, may be NULL) gets the id. */
void srv_request_done(struct http_request *req, int status, size_t bytes, const char *user_id, const char *note,
                      char *rid_out);
/* http_response() with srv_request_done() first: what handlers call for a
 * response that does not go through srv_send(). */
void srv_respond(struct http_request *req, int status, const void *body, size_t len);
/* An answer given before any handler ran (kore's parser, http_guard.c):
 * the access line with `method`, `path` and `query` as far as they were read
 * (NULL: unknown) and no user, and into rid_out (65 bytes) the request id
 * (the client's given_rid when valid, else a new one). */
void srv_request_done_raw(const char *method, const char *path, const char *query, const char *given_rid,
                          int status, size_t bytes, char *rid_out);
/* The log note of an auth event about an email: its SHA-256 (of the trimmed,
 * lower-cased address), never the address (g_malloc'd). */
char *srv_email_note(const char *event, const char *email);

/* ---- documents in flight per user, across workers (inflight.c) ---------- */

typedef enum srv_inflight {
  SRV_INFLIGHT_TAKEN,     /* a place was taken: give it back with srv_inflight_give() */
  SRV_INFLIGHT_FULL,      /* the user has `max` in flight already */
  SRV_INFLIGHT_LOCAL,     /* no shared count (no mapping, table full): count in this worker */
} srv_inflight;

/* `size` zeroed bytes the parent maps before kore forks its workers, so
 * that every worker sees the same memory; NULL (errno set) when refused. */
static inline void *srv_shared_map(size_t size)
{
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* Whether a warning kept in *last (a static, 0 at first) is due: true at
 * most once a minute, whichever thread asks. */
static inline bool srv_once_a_minute(int64_t *last)
{
  int64_t now = g_get_monotonic_time(), then = __atomic_load_n(last, __ATOMIC_RELAXED);
  return now - then > 60 * G_USEC_PER_SEC &&
         __atomic_compare_exchange_n(last, &then, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* In the parent before the workers fork: the shared table. */
bool srv_inflight_map(void);
/* In each worker: its column, emptied of what a dead predecessor held. */
void srv_inflight_init(void);
/* Takes one of `user`'s `max` places; *now (may be NULL) gets the user's
 * documents in flight, this one included when taken. Thread-safe. */
srv_inflight srv_inflight_take(const char *user, unsigned int max, unsigned int *now);
void srv_inflight_give(const char *user);

/* ---- /metrics (metrics.c) ------------------------------------------------ */

/* In the parent before the workers fork: the shared counters. */
bool srv_metrics_map(void);
/* In each worker: its slot, the heartbeat, DOCTAG_METRICS(_TOKEN). */
void srv_metrics_init(void);
/* Counts a finished request in this worker's slot (event loop only). */
void srv_metrics_request(struct http_request *req, int status, gint64 duration_us);

/* ---- websocket (websocket.c) --------------------------------------------- */
void srv_ws_init(void);

/* ---- the web app and API docs (web.c) ------------------------------------ */
/* Reads the files under DOCTAG_WEB_DIR into memory (parent, before fork). */
void srv_web_load(void);
/* Whether the request's Accept ranks text/html above application/json. */
bool srv_prefers_html(struct http_request *req);

/* ---- webhook deliveries (webhooks.c) ----------------------------------- */

/* In kore worker 1: a thread that sends due webhook deliveries every second. */
void srv_webhooks_init(void);
/* Worker teardown: the thread sends nothing more. */
void srv_webhooks_stop(void);

/* ---- answers before routing (early.c) ---------------------------------- */

/* Answers {"detail"} with X-Request-ID on the raw socket, logs it, and ends
 * the connection: returns KORE_RESULT_ERROR for the caller to return. */
int srv_early_answer(struct connection *c, int status, const char *reason, const char *detail);
/* Wraps c->write: kore's own error answers (a request line it cannot
 * parse, a body past http_body_max, a request that timed out ...) leave as
 * srv_early_answer() answers instead of kore's empty ones. */
void srv_early_wrap(struct connection *c);

#endif
