/* The Redis queue (hiredis). Job state and events in the seed's keys (see
 * data/redis_lib.lua). Rows wait in a list per user; a claim takes the next
 * row of the user with the fewest rows in flight, in turns (redis_take.lua),
 * so one user's long batch does not starve another's short one. The row
 * becomes an entry of one Stream read by a consumer group: the claiming
 * worker acknowledges it only once the row is recorded, and entries of a
 * worker that went quiet for longer than the lease are taken over with
 * XAUTOCLAIM. Workers with nothing to do block on a wake-up list. Every state change is one Lua script,
 * so it is atomic; scripts run by EVALSHA and are sent again after a server
 * restart emptied the script cache.
 *
 * Connections: a locked pool; a connection that failed is dropped, and a
 * command that failed on a pooled connection (a server restart) is tried
 * once more on a new one. Subscriptions use a connection of their own. */
#include "queue/queue.h"
#include "core/embedded.h"
#include "core/error.h"
#include "queue/redislib.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* libhiredis's functions (redislib.c), loaded by queue_open_redis(): every
 * connection comes from an opened queue */
#define R (redislib_loaded())

#define STREAM "doctag:items"
#define GROUP "doctag-workers"
#define WAKE "doctag:items:wake"         /* see data/redis_lib.lua */
#define INFLIGHT "doctag:owners:inflight"
#define TTL_SEC "86400"
#define CONNECT_TIMEOUT_MS 2000
#define COMMAND_TIMEOUT_MS 10000
/* Idle subscriptions kept for the next wait on the same job. */
#define SUB_IDLE_MAX 16

enum { S_CREATE, S_CLAIM, S_FINISH, S_TRANSITION, S_EVENT, S_RELEASE, S_CONSUMERS, S_SNAPSHOT, S_TAKE, S_DROP,
       S_SNAPSHOT_COUNT, S_SLOT_TAKE, S_SLOT_RENEW, S_SLOT_LEASE, S_COUNT };
static const char *const script_files[S_COUNT] = {
  "queue/data/redis_create.lua", "queue/data/redis_claim.lua", "queue/data/redis_finish.lua",
  "queue/data/redis_transition.lua", "queue/data/redis_event.lua", "queue/data/redis_release.lua",
  "queue/data/redis_consumers.lua", "queue/data/redis_snapshot.lua", "queue/data/redis_take.lua",
  "queue/data/redis_drop.lua", "queue/data/redis_snapshot_count.lua", "queue/data/redis_slot_take.lua",
  "queue/data/redis_slot_renew.lua", "queue/data/redis_slot_lease.lua",
};

typedef struct redis_impl {
  char *host;
  int port;
  char *user;
  char *password;
  int db;
  GMutex lock;
  GPtrArray *idle;   /* redisContext* */
  GPtrArray *subs;   /* sub_conn*: idle subscriptions, oldest first */
  gint64 autoclaim_at;   /* monotonic us: next look for entries whose lease ran out (under lock) */
  char *script[S_COUNT];
  char *sha[S_COUNT];
} redis_impl;

static int64_t now_us(void)
{
  return g_get_real_time();
}

/* ---- connections ------------------------------------------------------ */

typedef struct sub_conn sub_conn;
static void sub_free(sub_conn *s);

static doctag_status rconnect(redis_impl *r, redisContext **out)
{
  *out = NULL;
  struct timeval tv = { CONNECT_TIMEOUT_MS / 1000, (CONNECT_TIMEOUT_MS % 1000) * 1000 };
  redisContext *c = R->redisConnectWithTimeout(r->host, r->port, tv);
  if (!c)
    return err_set(DOCTAG_ENOMEM, "redis: cannot allocate a connection");
  if (c->err) {
    doctag_status st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d: %s", r->host, r->port, c->errstr);
    R->redisFree(c);
    return st;
  }
  struct timeval ct = { COMMAND_TIMEOUT_MS / 1000, 0 };
  R->redisSetTimeout(c, ct);
  redisReply *rep = NULL;
  if (r->password) {
    rep = r->user ? R->redisCommand(c, "AUTH %s %s", r->user, r->password) : R->redisCommand(c, "AUTH %s", r->password);
    if (!rep || rep->type == REDIS_REPLY_ERROR) {
      doctag_status st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d: AUTH failed: %s", r->host, r->port,
                                 rep ? rep->str : c->errstr);
      if (rep)
        R->freeReplyObject(rep);
      R->redisFree(c);
      return st;
    }
    R->freeReplyObject(rep);
  }
  if (r->db) {
    rep = R->redisCommand(c, "SELECT %d", r->db);
    if (!rep || rep->type == REDIS_REPLY_ERROR) {
      doctag_status st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d: SELECT %d failed: %s", r->host, r->port, r->db,
                                 rep ? rep->str : c->errstr);
      if (rep)
        R->freeReplyObject(rep);
      R->redisFree(c);
      return st;
    }
    R->freeReplyObject(rep);
  }
  *out = c;
  return DOCTAG_OK;
}

/* A connection from the pool or a new one; *pooled says which. */
static doctag_status racquire(redis_impl *r, redisContext **out, bool *pooled)
{
  g_mutex_lock(&r->lock);
  redisContext *c = r->idle->len ? g_ptr_array_steal_index(r->idle, r->idle->len - 1) : NULL;
  g_mutex_unlock(&r->lock);
  if (c) {
    *out = c;
    *pooled = true;
    return DOCTAG_OK;
  }
  *pooled = false;
  return rconnect(r, out);
}

static void rrelease(redis_impl *r, redisContext *c, bool broken)
{
  if (!c)
    return;
  if (broken || c->err) {
    R->redisFree(c);
    return;
  }
  g_mutex_lock(&r->lock);
  g_ptr_array_add(r->idle, c);
  g_mutex_unlock(&r->lock);
}

/* Runs one command (argv with lengths; lens NULL: strlen). A failure of the
 * connection itself is retried once on a fresh connection when the first
 * came from the pool. *out: the reply (freeReplyObject), never an error
 * reply: those become DOCTAG_ESTORE with Redis's message, except the
 * "EEXISTS"/"ENOTFOUND" errors of our scripts. */
static doctag_status rcmd_timeout(redis_impl *r, redisReply **out, int argc, const char **argv, const size_t *lens,
                                  int timeout_ms)
{
  *out = NULL;
  size_t *l = NULL;
  if (!lens) {
    l = g_new(size_t, argc);
    for (int i = 0; i < argc; i++)
      l[i] = strlen(argv[i]);
    lens = l;
  }
  doctag_status st = DOCTAG_OK;
  for (int attempt = 0; attempt < 2; attempt++) {
    redisContext *c;
    bool pooled;
    if ((st = racquire(r, &c, &pooled)))
      break;
    if (timeout_ms > 0) {
      struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
      R->redisSetTimeout(c, tv);
    }
    redisReply *rep = R->redisCommandArgv(c, argc, argv, lens);
    if (timeout_ms > 0 && !c->err) {
      struct timeval ct = { COMMAND_TIMEOUT_MS / 1000, 0 };
      R->redisSetTimeout(c, ct);
    }
    if (!rep) {
      st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d: %s: %s", r->host, r->port, argv[0],
                   c->errstr[0] ? c->errstr : "connection lost");
      rrelease(r, c, true);
      if (pooled)
        continue;
      break;
    }
    rrelease(r, c, false);
    if (rep->type == REDIS_REPLY_ERROR) {
      if (g_str_has_prefix(rep->str, "EEXISTS"))
        st = err_set(DOCTAG_EEXISTS, "job id already in use");
      else if (g_str_has_prefix(rep->str, "ENOTFOUND"))
        st = err_set(DOCTAG_ENOTFOUND, "Job not found");
      else if (g_str_has_prefix(rep->str, "LOADING"))
        st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d is loading its data", r->host, r->port);
      else
        st = err_set(DOCTAG_ESTORE, "redis %s: %s", argv[0], rep->str);
      *out = rep;   /* the caller may look at NOSCRIPT / NOGROUP */
      break;
    }
    *out = rep;
    st = DOCTAG_OK;
    break;
  }
  g_free(l);
  return st;
}

static doctag_status rcmd(redis_impl *r, redisReply **out, int argc, const char **argv, const size_t *lens)
{
  return rcmd_timeout(r, out, argc, argv, lens, 0);
}

/* A command whose reply is not needed. */
static doctag_status rcmd0(redis_impl *r, int argc, const char **argv)
{
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, argc, argv, NULL);
  if (rep)
    R->freeReplyObject(rep);
  return st;
}

/* Runs script `s` by EVALSHA, sending it with EVAL when the server lacks it. */
static doctag_status rscript(redis_impl *r, int s, redisReply **out, int nargs, const char **args, const size_t *lens)
{
  int argc = nargs + 3;
  const char **argv = g_new(const char *, argc);
  size_t *l = g_new(size_t, argc);
  argv[0] = "EVALSHA";
  argv[1] = r->sha[s];
  argv[2] = "0";
  for (int i = 0; i < nargs; i++) {
    argv[i + 3] = args[i];
    l[i + 3] = lens ? lens[i] : strlen(args[i]);
  }
  l[0] = 7;
  l[1] = strlen(r->sha[s]);
  l[2] = 1;
  doctag_status st = rcmd(r, out, argc, argv, l);
  if (st && *out && (*out)->type == REDIS_REPLY_ERROR && g_str_has_prefix((*out)->str, "NOSCRIPT")) {
    R->freeReplyObject(*out);
    argv[0] = "EVAL";
    argv[1] = r->script[s];
    l[0] = 4;
    l[1] = strlen(r->script[s]);
    st = rcmd(r, out, argc, argv, l);
  }
  if (st && *out) {
    R->freeReplyObject(*out);
    *out = NULL;
  }
  g_free(argv);
  g_free(l);
  return st;
}

/* ---- open / close ----------------------------------------------------- */

static doctag_status parse_url(redis_impl *r, const char *url)
{
  if (g_str_has_prefix(url, "rediss://"))
    return err_set(DOCTAG_EINVAL, "DOCTAG_REDIS_URL: rediss:// (TLS) is not supported by this build's hiredis; "
                   "use redis:// through a TLS tunnel");
  GError *e = NULL;
  GUri *u = g_uri_parse(url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH, &e);
  if (!u) {
    doctag_status st = err_set(DOCTAG_EINVAL, "DOCTAG_REDIS_URL is not a URL: %s", e->message);
    g_error_free(e);
    return st;
  }
  doctag_status st = DOCTAG_OK;
  r->host = g_strdup(g_uri_get_host(u) && *g_uri_get_host(u) ? g_uri_get_host(u) : "127.0.0.1");
  r->port = g_uri_get_port(u) > 0 ? g_uri_get_port(u) : 6379;
  const char *user = g_uri_get_user(u), *pw = g_uri_get_password(u);
  if (pw && *pw) {
    r->password = g_uri_unescape_string(pw, NULL);
    if (user && *user)
      r->user = g_uri_unescape_string(user, NULL);
  } else if (user && *user && !pw) {
    r->password = g_uri_unescape_string(user, NULL);   /* redis://secret@host */
  }
  const char *path = g_uri_get_path(u);
  if (path && *path && strcmp(path, "/")) {
    char *end = NULL;
    long db = strtol(path + 1, &end, 10);
    if (*end || db < 0 || db > 1000)
      st = err_set(DOCTAG_EINVAL, "DOCTAG_REDIS_URL: the path must be a database number (got \"%s\")", path);
    r->db = (int)db;
  }
  g_uri_unref(u);
  return st;
}

static void redis_close(queue *q)
{
  if (!q)
    return;
  redis_impl *r = q->impl;
  if (r) {
    for (guint i = 0; r->idle && i < r->idle->len; i++)
      R->redisFree(g_ptr_array_index(r->idle, i));
    if (r->idle)
      g_ptr_array_free(r->idle, TRUE);
    if (r->subs)
      g_ptr_array_free(r->subs, TRUE);
    g_mutex_clear(&r->lock);
    for (int i = 0; i < S_COUNT; i++) {
      g_free(r->script[i]);
      g_free(r->sha[i]);
    }
    g_free(r->host);
    g_free(r->user);
    if (r->password) {
      explicit_bzero(r->password, strlen(r->password));
      g_free(r->password);
    }
    g_free(r);
  }
  g_free(q);
}

static doctag_status ensure_group(redis_impl *r)
{
  const char *argv[] = { "XGROUP", "CREATE", STREAM, GROUP, "0", "MKSTREAM" };
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, 6, argv, NULL);
  if (st && rep && rep->type == REDIS_REPLY_ERROR && g_str_has_prefix(rep->str, "BUSYGROUP"))
    st = DOCTAG_OK;
  else if (!st) {
    /* A new group has nothing pending: nobody has rows in flight. */
    const char *del[] = { "DEL", INFLIGHT };
    st = rcmd0(r, 2, del);
  }
  if (rep)
    R->freeReplyObject(rep);
  return st;
}

doctag_status queue_open_redis(doctag_ctx *ctx, const char *url, queue **out)
{
  *out = NULL;
  if (!redislib_get())
    return DOCTAG_EUNAVAILABLE;
  redis_impl *r = g_new0(redis_impl, 1);
  g_mutex_init(&r->lock);
  r->idle = g_ptr_array_new();
  r->subs = g_ptr_array_new_with_free_func((GDestroyNotify)sub_free);
  queue *q = g_new0(queue, 1);
  q->ops = &queue_redis_ops;
  q->ctx = ctx;
  q->impl = r;
  doctag_status st = parse_url(r, url);
  if (st)
    goto fail;
  const embedded_file *lib = embedded_find("queue/data/redis_lib.lua");
  for (int i = 0; i < S_COUNT; i++) {
    const embedded_file *f = embedded_find(script_files[i]);
    if (!lib || !f) {
      st = err_set(DOCTAG_EINTERNAL, "redis script %s is not embedded", script_files[i]);
      goto fail;
    }
    r->script[i] = g_strconcat((const char *)lib->data, "\n", (const char *)f->data, NULL);
    r->sha[i] = g_compute_checksum_for_string(G_CHECKSUM_SHA1, r->script[i], -1);
  }
  if ((st = ensure_group(r)))
    goto fail;
  *out = q;
  return DOCTAG_OK;
fail:
  redis_close(q);
  return st;
}

/* ---- jobs ------------------------------------------------------------- */

static doctag_status redis_job_create(queue *q, const queue_job *job, GPtrArray *payloads)
{
  redis_impl *r = q->impl;
  int n = 8 + (int)payloads->len;
  const char **args = g_new(const char *, n);
  char *total = g_strdup_printf("%u", payloads->len);
  char *created = g_strdup_printf("%" G_GINT64_FORMAT, job->created_us ? job->created_us : now_us());
  char *nonce = g_uuid_string_random();
  args[0] = job->id;
  args[1] = job->user_id;
  args[2] = total;
  args[3] = created;
  args[4] = job->config_json ? job->config_json : "{}";
  args[5] = job->secret ? job->secret : "";
  args[6] = TTL_SEC;
  args[7] = nonce;
  for (guint i = 0; i < payloads->len; i++)
    args[8 + i] = g_ptr_array_index(payloads, i);
  redisReply *rep = NULL;
  doctag_status st = rscript(r, S_CREATE, &rep, n, args, NULL);
  if (rep)
    R->freeReplyObject(rep);
  g_free(args);
  g_free(total);
  g_free(created);
  g_free(nonce);
  return st;
}

static const char *hget(redisReply *h, const char *field)
{
  for (size_t i = 0; h && i + 1 < h->elements; i += 2)
    if (h->element[i]->type == REDIS_REPLY_STRING && !strcmp(h->element[i]->str, field))
      return h->element[i + 1]->type == REDIS_REPLY_STRING ? h->element[i + 1]->str : NULL;
  return NULL;
}

static uint64_t hget_u64(redisReply *h, const char *field)
{
  const char *v = hget(h, field);
  return v ? g_ascii_strtoull(v, NULL, 10) : 0;
}

static void job_from_hash(redisReply *h, const char *job_id, queue_job *out)
{
  memset(out, 0, sizeof *out);
  out->id = g_strdup(job_id);
  out->user_id = g_strdup(hget(h, "user_id"));
  int s = queue_state_parse(hget(h, "status"));
  out->state = s < 0 ? DOCTAG_JOB_FAILED : (doctag_job_state)s;
  out->total = hget_u64(h, "total");
  out->done = hget_u64(h, "done");
  out->processed = hget_u64(h, "processed_count");
  out->failed = hget_u64(h, "failed_count");
  out->seq = hget_u64(h, "seq");
  out->config_json = g_strdup(hget(h, "config"));
  const char *sec = hget(h, "secret");
  out->secret = sec && *sec ? g_strdup(sec) : NULL;
  const char *err = hget(h, "error");
  out->error = err && *err ? g_strdup(err) : NULL;
  out->created_us = (int64_t)hget_u64(h, "created_at");
  out->started_us = (int64_t)hget_u64(h, "started_at");
  out->finished_us = (int64_t)hget_u64(h, "finished_at");
}

static doctag_status redis_job_get(queue *q, const char *job_id, queue_job *out)
{
  redis_impl *r = q->impl;
  char *key = g_strconcat("job:", job_id, NULL);
  const char *argv[] = { "HGETALL", key };
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, 2, argv, NULL);
  g_free(key);
  if (st) {
    if (rep)
      R->freeReplyObject(rep);
    return st;
  }
  if (rep->type != REDIS_REPLY_ARRAY || rep->elements == 0 || !hget(rep, "status")) {
    R->freeReplyObject(rep);
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  }
  job_from_hash(rep, job_id, out);
  R->freeReplyObject(rep);
  return DOCTAG_OK;
}

/* Runs a snapshot script (the job's hash, then what it adds) into *out;
 * *rep keeps the reply for the caller (freeReplyObject). */
static doctag_status snapshot_script(queue *q, int script, const char *job_id, queue_job *out, redisReply **rep)
{
  const char *args[] = { job_id };
  doctag_status st = rscript(q->impl, script, rep, 1, args, NULL);
  if (st)
    return st;
  redisReply *r = *rep;
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_ARRAY ||
      r->element[0]->elements == 0 || !hget(r->element[0], "status")) {
    R->freeReplyObject(r);
    *rep = NULL;
    return err_set(DOCTAG_ENOTFOUND, "Job not found");
  }
  job_from_hash(r->element[0], job_id, out);
  return DOCTAG_OK;
}

/* The strings of an array reply, appended to out (g_free). */
static void reply_strings(const redisReply *r, GPtrArray *out)
{
  for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
    if (r->element[i]->type == REDIS_REPLY_STRING)
      g_ptr_array_add(out, g_strndup(r->element[i]->str, r->element[i]->len));
}

static doctag_status redis_job_snapshot(queue *q, const char *job_id, queue_job *out, GPtrArray *results)
{
  redisReply *rep = NULL;
  doctag_status st = snapshot_script(q, S_SNAPSHOT, job_id, out, &rep);
  if (st)
    return st;
  reply_strings(rep->element[1], results);
  R->freeReplyObject(rep);
  return DOCTAG_OK;
}

/* The list's first *count entries stay the snapshot's. */
static doctag_status redis_job_snapshot_order(queue *q, const char *job_id, queue_job *out, uint64_t *count)
{
  redisReply *rep = NULL;
  doctag_status st = snapshot_script(q, S_SNAPSHOT_COUNT, job_id, out, &rep);
  if (st)
    return st;
  redisReply *n = rep->element[1];
  *count = n->type == REDIS_REPLY_INTEGER && n->integer > 0 ? (uint64_t)n->integer : 0;
  R->freeReplyObject(rep);
  return DOCTAG_OK;
}

static doctag_status redis_results_range(queue *q, const char *job_id, uint64_t from, uint64_t end, GPtrArray *out)
{
  char *key = g_strconcat("job:", job_id, ":results", NULL);
  char *first = g_strdup_printf("%" G_GUINT64_FORMAT, from);
  char *last = g_strdup_printf("%" G_GUINT64_FORMAT, end - 1);
  const char *argv[] = { "LRANGE", key, first, last };
  redisReply *rep = NULL;
  doctag_status st = rcmd(q->impl, &rep, 4, argv, NULL);
  g_free(key);
  g_free(first);
  g_free(last);
  if (!st)
    reply_strings(rep, out);
  if (rep)
    R->freeReplyObject(rep);
  return st;
}

static const char *command_of(doctag_job_state to)
{
  switch (to) {
  case DOCTAG_JOB_PAUSED: return "pause";
  case DOCTAG_JOB_PROCESSING: return "resume";
  case DOCTAG_JOB_CANCELLED: return "cancel";
  default: return "";
  }
}

static doctag_status redis_job_transition(queue *q, const char *job_id, unsigned int from, doctag_job_state to,
                                          const char *error, const char *event, queue_job *out)
{
  redis_impl *r = q->impl;
  GString *fromcsv = g_string_new(",");
  for (int s = 0; s <= DOCTAG_JOB_FAILED; s++)
    if (from & QS(s))
      g_string_append_printf(fromcsv, "%s,", queue_state_name((doctag_job_state)s));
  char *now = g_strdup_printf("%" G_GINT64_FORMAT, now_us());
  const char *args[] = { job_id, fromcsv->str, queue_state_name(to), command_of(to), event ? event : "", now,
                         TTL_SEC, error ? error : "" };
  redisReply *rep = NULL;
  doctag_status st = rscript(r, S_TRANSITION, &rep, 8, args, NULL);
  g_string_free(fromcsv, TRUE);
  g_free(now);
  if (!st) {
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 && !strcmp(rep->element[0]->str, "conflict"))
      st = err_set(DOCTAG_ECONFLICT, "%s", rep->element[1]->str);
  }
  if (rep)
    R->freeReplyObject(rep);
  if (!st && out)
    st = redis_job_get(q, job_id, out);
  return st;
}

static doctag_status redis_event_append(queue *q, const char *job_id, const char *event, uint64_t *seq)
{
  redis_impl *r = q->impl;
  char *now = g_strdup_printf("%" G_GINT64_FORMAT, now_us());
  const char *args[] = { job_id, event, now, TTL_SEC };
  redisReply *rep = NULL;
  doctag_status st = rscript(r, S_EVENT, &rep, 4, args, NULL);
  g_free(now);
  if (!st && seq)
    *seq = rep->type == REDIS_REPLY_INTEGER ? (uint64_t)rep->integer : 0;
  if (rep)
    R->freeReplyObject(rep);
  return st;
}

/* ---- items ------------------------------------------------------------ */

/* Fills *it from a stream entry [id, [field, value, ...]]; false when malformed. */
static bool item_from_entry(redisReply *e, queue_item *it)
{
  if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 || e->element[0]->type != REDIS_REPLY_STRING ||
      e->element[1]->type != REDIS_REPLY_ARRAY)
    return false;
  const char *job = hget(e->element[1], "job"), *row = hget(e->element[1], "row"),
             *payload = hget(e->element[1], "payload");
  memset(it, 0, sizeof *it);
  it->token = g_strdup(e->element[0]->str);
  if (!job || !row || !payload)
    return false;
  it->job_id = g_strdup(job);
  it->row = g_ascii_strtoull(row, NULL, 10);
  it->payload = g_strdup(payload);
  return true;
}

/* Acknowledges and deletes an entry that cannot be an item. */
static void drop_entry(redis_impl *r, const char *id)
{
  const char *args[] = { STREAM, GROUP, id };
  redisReply *rep = NULL;
  if (!rscript(r, S_DROP, &rep, 3, args, NULL))
    R->freeReplyObject(rep);
}

/* One entry: first one whose lease ran out, else a new one (waiting up to
 * block_ms). *got false when none.
 * Leases run out after lease_sec, so looking for such entries before every
 * claim (a round trip, a quarter of a busy worker's) is not needed: a worker
 * looks every quarter lease, and whenever no row waits. */
static doctag_status autoclaim_entry(redis_impl *r, const char *worker, unsigned int lease_sec, queue_item *it,
                                     bool *got)
{
  char *idle = g_strdup_printf("%u", lease_sec * 1000);
  const char *ac[] = { "XAUTOCLAIM", STREAM, GROUP, worker, idle, "0-0", "COUNT", "1" };
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, 8, ac, NULL);
  if (st && rep && rep->type == REDIS_REPLY_ERROR &&
      (g_str_has_prefix(rep->str, "NOGROUP") || g_str_has_prefix(rep->str, "UNBLOCKED"))) {
    /* The server lost the group (restarted without persistence): make it again. */
    R->freeReplyObject(rep);
    rep = NULL;
    if (!(st = ensure_group(r)))
      st = rcmd(r, &rep, 8, ac, NULL);
  }
  g_free(idle);
  if (st) {
    if (rep)
      R->freeReplyObject(rep);
    return st;
  }
  if (rep->type == REDIS_REPLY_ARRAY && rep->elements >= 2 && rep->element[1]->type == REDIS_REPLY_ARRAY &&
      rep->element[1]->elements > 0) {
    redisReply *e = rep->element[1]->element[0];
    if (item_from_entry(e, it))
      *got = true;
    else if (it->token)
      drop_entry(r, it->token);
    R->freeReplyObject(rep);
    if (!*got)
      queue_item_clear(it);
    return DOCTAG_OK;
  }
  R->freeReplyObject(rep);
  return DOCTAG_OK;
}

/* The next waiting row, handed out fairly (redis_take.lua) and read by
 * `worker` as a stream entry. *got false when no row waits. */
static doctag_status take_entry(redis_impl *r, const char *worker, queue_item *it, bool *got)
{
  const char *args[] = { STREAM, GROUP, worker, TTL_SEC };
  for (;;) {
    redisReply *rep = NULL;
    doctag_status st = rscript(r, S_TAKE, &rep, 4, args, NULL);
    if (st)
      return st;
    bool again = rep->type == REDIS_REPLY_INTEGER;   /* dropped or parked many rows */
    if (rep->type == REDIS_REPLY_ARRAY) {
      if (item_from_entry(rep, it))
        *got = true;
      else if (it->token)
        drop_entry(r, it->token);
      if (!*got) {
        queue_item_clear(it);
        again = true;
      }
    }
    R->freeReplyObject(rep);
    if (!again)
      return DOCTAG_OK;
  }
}

static doctag_status next_entry(redis_impl *r, const char *worker, unsigned int lease_sec, int block_ms,
                                queue_item *it, bool *got)
{
  *got = false;
  gint64 now = g_get_monotonic_time();
  g_mutex_lock(&r->lock);
  bool look = now >= r->autoclaim_at;
  if (look)
    r->autoclaim_at = now + (gint64)lease_sec * G_USEC_PER_SEC / 4;
  g_mutex_unlock(&r->lock);
  doctag_status st;
  if (look && ((st = autoclaim_entry(r, worker, lease_sec, it, got)) || *got))
    return st;
  if ((st = take_entry(r, worker, it, got)) || *got)
    return st;
  /* nothing waits: look for entries whose lease ran out next time */
  g_mutex_lock(&r->lock);
  r->autoclaim_at = 0;
  g_mutex_unlock(&r->lock);
  if (block_ms <= 0)
    return DOCTAG_OK;
  /* Wait for a token: rows were queued, given back or resumed (BLPOP's
   * timeout is in seconds, 0 meaning for ever). */
  int ms = block_ms < 1 ? 1 : block_ms;
  char *secs = g_strdup_printf("%d.%03d", ms / 1000, ms % 1000);   /* not %f: the locale's decimal point */
  const char *bl[] = { "BLPOP", WAKE, secs };
  redisReply *rep = NULL;
  st = rcmd_timeout(r, &rep, 3, bl, NULL, block_ms + COMMAND_TIMEOUT_MS);
  g_free(secs);
  if (rep)
    R->freeReplyObject(rep);
  if (st)
    return st;
  return take_entry(r, worker, it, got);
}

static doctag_status redis_claim(queue *q, const char *worker, unsigned int lease_sec, int wait_ms,
                                 char *(*processing_event)(const queue_item *item, void *ud), void *ud,
                                 queue_item *item, bool *started, queue_claim_outcome *outcome)
{
  redis_impl *r = q->impl;
  *outcome = QC_NONE;
  *started = false;
  memset(item, 0, sizeof *item);
  int64_t deadline = g_get_monotonic_time() + (int64_t)(wait_ms > 0 ? wait_ms : 0) * 1000;
  for (;;) {
    int64_t left_ms = (deadline - g_get_monotonic_time()) / 1000;
    queue_item it;
    bool got = false;
    doctag_status st = next_entry(r, worker, lease_sec, left_ms > 0 ? (int)left_ms : 0, &it, &got);
    if (st)
      return st;
    if (!got) {
      if (g_get_monotonic_time() >= deadline)
        return DOCTAG_OK;
      continue;
    }
    char *ev = processing_event ? processing_event(&it, ud) : NULL;
    char *row = g_strdup_printf("%" G_GUINT64_FORMAT, it.row);
    char *now = g_strdup_printf("%" G_GINT64_FORMAT, now_us());
    const char *args[] = { it.job_id, row, it.payload, STREAM, GROUP, it.token, now, TTL_SEC, ev ? ev : "" };
    redisReply *rep = NULL;
    st = rscript(r, S_CLAIM, &rep, 9, args, NULL);
    g_free(ev);
    g_free(row);
    g_free(now);
    if (st) {
      queue_item_clear(&it);
      return st;
    }
    bool run = rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 && !strcmp(rep->element[0]->str, "run");
    if (run) {
      *started = rep->element[1]->integer != 0;
      it.attempts = (unsigned int)rep->element[2]->integer;
      *item = it;
      *outcome = QC_ITEM;
      R->freeReplyObject(rep);
      return DOCTAG_OK;
    }
    R->freeReplyObject(rep);
    queue_item_clear(&it);
    if (g_get_monotonic_time() >= deadline)
      return DOCTAG_OK;
  }
}

static doctag_status redis_renew(queue *q, const queue_item *item, const char *worker, unsigned int lease_sec)
{
  /* XCLAIM with min-idle 0 by the same consumer resets the entry's idle time. */
  const char *argv[] = { "XCLAIM", STREAM, GROUP, worker, "0", item->token, "JUSTID" };
  return rcmd0(q->impl, 7, argv);
}

static doctag_status redis_release(queue *q, const queue_item *item, const char *worker)
{
  char *row = g_strdup_printf("%" G_GUINT64_FORMAT, item->row);
  const char *args[] = { STREAM, GROUP, item->token, item->job_id, row, item->payload, TTL_SEC };
  redisReply *rep = NULL;
  doctag_status st = rscript(q->impl, S_RELEASE, &rep, 7, args, NULL);
  if (rep)
    R->freeReplyObject(rep);
  g_free(row);
  return st;
}

static doctag_status redis_forget_workers(queue *q, const char *leaving, unsigned int idle_ms)
{
  char *idle = g_strdup_printf("%u", idle_ms);
  const char *args[] = { STREAM, GROUP, leaving ? leaving : "", idle };
  redisReply *rep = NULL;
  doctag_status st = rscript(q->impl, S_CONSUMERS, &rep, 4, args, NULL);
  if (!st && rep && rep->type == REDIS_REPLY_INTEGER && rep->integer > 0)
    g_debug("redis queue: %lld idle consumers forgotten", (long long)rep->integer);
  if (rep)
    R->freeReplyObject(rep);
  g_free(idle);
  return st;
}

static doctag_status redis_finish(queue *q, const queue_item *item, bool ok, const char *result_json,
                                  const char *event, const char *completed_event, queue_finish_outcome *outcome)
{
  char *row = g_strdup_printf("%" G_GUINT64_FORMAT, item->row);
  char *now = g_strdup_printf("%" G_GINT64_FORMAT, now_us());
  const char *args[] = { item->job_id, row, ok ? "1" : "0", result_json, event ? event : "",
                         completed_event ? completed_event : "", STREAM, GROUP, item->token, now, TTL_SEC };
  redisReply *rep = NULL;
  doctag_status st = rscript(q->impl, S_FINISH, &rep, 11, args, NULL);
  g_free(row);
  g_free(now);
  if (!st) {
    const char *v = rep->type == REDIS_REPLY_STATUS || rep->type == REDIS_REPLY_STRING ? rep->str : "";
    if (!strcmp(v, "duplicate") || !strcmp(v, "gone"))
      *outcome = QF_DUPLICATE;
    else if (!strcmp(v, "completed"))
      *outcome = QF_COMPLETED;
    else if (!strcmp(v, "after_end"))
      *outcome = QF_AFTER_END;
    else
      *outcome = QF_RECORDED;
  }
  if (rep)
    R->freeReplyObject(rep);
  return st;
}

/* ---- reading ---------------------------------------------------------- */

static doctag_status redis_events_read(queue *q, const char *job_id, uint64_t after, size_t max, GPtrArray *out)
{
  char *key = g_strconcat("job:", job_id, ":events", NULL);
  char *start = g_strdup_printf("%" G_GUINT64_FORMAT, after);
  char *stop = max ? g_strdup_printf("%" G_GUINT64_FORMAT, after + max - 1) : g_strdup("-1");
  const char *argv[] = { "LRANGE", key, start, stop };
  redisReply *rep = NULL;
  doctag_status st = rcmd(q->impl, &rep, 4, argv, NULL);
  if (!st && rep->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < rep->elements; i++) {
      queue_event *e = g_new0(queue_event, 1);
      e->seq = after + i + 1;
      e->json = g_strndup(rep->element[i]->str, rep->element[i]->len);
      g_ptr_array_add(out, e);
    }
  }
  if (rep)
    R->freeReplyObject(rep);
  g_free(key);
  g_free(start);
  g_free(stop);
  return st;
}

static doctag_status events_count(redis_impl *r, const char *job_id, uint64_t *n)
{
  char *key = g_strconcat("job:", job_id, ":events", NULL);
  const char *argv[] = { "LLEN", key };
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, 2, argv, NULL);
  if (!st)
    *n = rep->type == REDIS_REPLY_INTEGER ? (uint64_t)rep->integer : 0;
  if (rep)
    R->freeReplyObject(rep);
  g_free(key);
  return st;
}

/* ---- waiting for events ---------------------------------------------- */

/* A connection subscribed to one job's progress channel. Kept after a wait
 * (up to SUB_IDLE_MAX per queue) for the next wait on the same job: a
 * follower waits once per event, and connecting, AUTH, SELECT and
 * SUBSCRIBE every time cost more than the event itself, on both sides. */
struct sub_conn {
  char *job_id;
  redisContext *c;
};

static void sub_free(sub_conn *s)
{
  if (!s)
    return;
  if (s->c)
    R->redisFree(s->c);
  g_free(s->job_id);
  g_free(s);
}

/* An idle subscription to the job's channel, else a new one. */
static doctag_status sub_take(redis_impl *r, const char *job_id, sub_conn **out)
{
  *out = NULL;
  g_mutex_lock(&r->lock);
  for (guint i = r->subs->len; i-- > 0;) {
    sub_conn *s = g_ptr_array_index(r->subs, i);
    if (!strcmp(s->job_id, job_id)) {
      *out = g_ptr_array_steal_index(r->subs, i);
      break;
    }
  }
  g_mutex_unlock(&r->lock);
  if (*out)
    return DOCTAG_OK;
  redisContext *c;
  doctag_status st = rconnect(r, &c);
  if (st)
    return st;
  char *chan = g_strconcat("job:", job_id, ":progress", NULL);
  redisReply *rep = R->redisCommand(c, "SUBSCRIBE %s", chan);
  g_free(chan);
  if (!rep) {
    st = err_set(DOCTAG_EUNAVAILABLE, "redis SUBSCRIBE: %s", c->errstr);
    R->redisFree(c);
    return st;
  }
  R->freeReplyObject(rep);
  sub_conn *s = g_new0(sub_conn, 1);
  s->job_id = g_strdup(job_id);
  s->c = c;
  *out = s;
  return DOCTAG_OK;
}

/* Back to the idle ones (the oldest goes when there are too many). */
static void sub_give(redis_impl *r, sub_conn *s)
{
  g_mutex_lock(&r->lock);
  sub_conn *old = r->subs->len >= SUB_IDLE_MAX ? g_ptr_array_steal_index(r->subs, 0) : NULL;
  g_ptr_array_add(r->subs, s);
  g_mutex_unlock(&r->lock);
  sub_free(old);
}

/* Waits up to timeout_ms (0: not at all) for the subscription to deliver
 * something, and consumes all it has delivered. *got: something came.
 * False when the connection broke. */
static bool sub_read(sub_conn *s, int timeout_ms, bool *got)
{
  *got = false;
  for (;;) {
    void *reply = NULL;
    if (R->redisGetReplyFromReader(s->c, &reply) != REDIS_OK)
      return false;
    if (reply) {
      R->freeReplyObject(reply);
      *got = true;
      continue;
    }
    struct pollfd pfd = { .fd = s->c->fd, .events = POLLIN };
    int n = poll(&pfd, 1, *got ? 0 : timeout_ms);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n == 0;
    if (R->redisBufferRead(s->c) != REDIS_OK)
      return false;
  }
}

static doctag_status redis_events_wait(queue *q, const char *job_id, uint64_t after, int timeout_ms)
{
  redis_impl *r = q->impl;
  uint64_t n = 0;
  doctag_status st = events_count(r, job_id, &n);
  if (st || n > after || timeout_ms <= 0)
    return st;
  for (int attempt = 0; attempt < 2; attempt++) {
    sub_conn *s;
    if ((st = sub_take(r, job_id, &s)))
      return st;
    /* What came while the subscription was idle is old news; then look
     * again, subscribed: an event appended from now on is seen by one or
     * the other. */
    bool got;
    if (!sub_read(s, 0, &got)) {
      sub_free(s);   /* dropped by the server meanwhile (a restart, the output buffer limit) */
      continue;
    }
    if ((st = events_count(r, job_id, &n)) || n > after) {
      sub_give(r, s);
      return st;
    }
    if (!sub_read(s, timeout_ms, &got)) {
      st = err_set(DOCTAG_EUNAVAILABLE, "redis %s:%d: the subscription to job %s broke: %s", r->host, r->port,
                   job_id, s->c->errstr[0] ? s->c->errstr : "connection closed");
      sub_free(s);
      return st;
    }
    sub_give(r, s);
    return DOCTAG_OK;
  }
  return st;
}

static doctag_status redis_results(queue *q, const char *job_id, GPtrArray *out)
{
  char *key = g_strconcat("job:", job_id, ":results", NULL);
  const char *argv[] = { "LRANGE", key, "0", "-1" };
  redisReply *rep = NULL;
  doctag_status st = rcmd(q->impl, &rep, 4, argv, NULL);
  if (!st && rep->type == REDIS_REPLY_ARRAY)
    for (size_t i = 0; i < rep->elements; i++)
      g_ptr_array_add(out, g_strndup(rep->element[i]->str, rep->element[i]->len));
  if (rep)
    R->freeReplyObject(rep);
  g_free(key);
  return st;
}

static doctag_status redis_active(queue *q, const char *user_id, GPtrArray *out)
{
  redis_impl *r = q->impl;
  char *key = g_strconcat("doctag:user:", user_id, ":jobs", NULL);
  const char *argv[] = { "ZREVRANGE", key, "0", "-1" };
  redisReply *rep = NULL;
  doctag_status st = rcmd(r, &rep, 4, argv, NULL);
  if (st) {
    g_free(key);
    if (rep)
      R->freeReplyObject(rep);
    return st;
  }
  for (size_t i = 0; !st && rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++) {
    const char *id = rep->element[i]->str;
    queue_job *j = g_new0(queue_job, 1);
    st = redis_job_get(q, id, j);
    if (st == DOCTAG_ENOTFOUND) {
      /* Expired: forget it. */
      const char *zr[] = { "ZREM", key, id };
      st = rcmd0(r, 3, zr);
      queue_job_free(j);
      continue;
    }
    if (!st && (j->state == DOCTAG_JOB_PROCESSING || j->state == DOCTAG_JOB_PAUSED))
      g_ptr_array_add(out, j);
    else
      queue_job_free(j);
  }
  R->freeReplyObject(rep);
  g_free(key);
  return st;
}

/* ---- documents in flight per user (redis_slot_take.lua) ---- */

static doctag_status redis_slot_take(queue *q, const char *holder, const char *slot, const char *user,
                                     unsigned int max, unsigned int lease_ms, bool *taken, unsigned int *held)
{
  (void)holder;
  redis_impl *r = q->impl;
  *taken = false;
  if (held)
    *held = 0;
  char smax[16], slease[16];
  g_snprintf(smax, sizeof smax, "%u", max);
  g_snprintf(slease, sizeof slease, "%u", lease_ms);
  const char *args[] = { user, slot, smax, slease };
  redisReply *rep = NULL;
  doctag_status st = rscript(r, S_SLOT_TAKE, &rep, 4, args, NULL);
  if (st)
    return st;
  if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 || rep->element[0]->type != REDIS_REPLY_INTEGER ||
      rep->element[1]->type != REDIS_REPLY_INTEGER)
    st = err_set(DOCTAG_ESTORE, "redis: unexpected reply to a document place");
  else {
    *taken = rep->element[0]->integer == 1;
    if (held)
      *held = (unsigned int)MIN(MAX(rep->element[1]->integer, 0), (long long)G_MAXUINT);
  }
  R->freeReplyObject(rep);
  return st;
}

static doctag_status redis_slot_renew(queue *q, GPtrArray *slots, unsigned int lease_ms, GPtrArray *lost)
{
  if (!slots->len)
    return DOCTAG_OK;
  char slease[16];
  g_snprintf(slease, sizeof slease, "%u", lease_ms);
  GPtrArray *args = g_ptr_array_new();
  g_ptr_array_add(args, slease);
  for (guint i = 0; i < slots->len; i++)
    g_ptr_array_add(args, g_ptr_array_index(slots, i));
  redisReply *rep = NULL;
  doctag_status st = rscript(q->impl, S_SLOT_RENEW, &rep, (int)args->len, (const char **)args->pdata, NULL);
  if (!st && rep->type != REDIS_REPLY_ARRAY)
    st = err_set(DOCTAG_ESTORE, "redis: unexpected reply to renewing document places");
  for (size_t i = 0; !st && i < rep->elements; i++)
    if (rep->element[i]->type == REDIS_REPLY_STRING)
      g_ptr_array_add(lost, g_strndup(rep->element[i]->str, rep->element[i]->len));
  if (rep)
    R->freeReplyObject(rep);
  g_ptr_array_free(args, TRUE);
  return st;
}

static doctag_status redis_slot_give(queue *q, const char *user, const char *slot)
{
  char *key = g_strconcat("doctag:slots:", user, NULL);
  const char *argv[] = { "ZREM", key, slot };
  doctag_status st = rcmd0(q->impl, 3, argv);
  g_free(key);
  return st;
}

static doctag_status redis_slot_lease(queue *q, unsigned int lease_ms, unsigned int *in_force)
{
  *in_force = 0;
  char slease[16];
  g_snprintf(slease, sizeof slease, "%u", lease_ms);
  const char *args[] = { slease };
  redisReply *rep = NULL;
  doctag_status st = rscript(q->impl, S_SLOT_LEASE, &rep, 1, args, NULL);
  if (st)
    return st;
  guint64 v = 0;
  if (rep->type != REDIS_REPLY_STRING || !g_ascii_string_to_unsigned(rep->str, 10, 1, G_MAXUINT, &v, NULL))
    st = err_set(DOCTAG_ESTORE, "redis: doctag:slot_lease holds no usable lease (%s)",
                 rep->type == REDIS_REPLY_STRING ? rep->str : "not a string");
  else
    *in_force = (unsigned int)v;
  R->freeReplyObject(rep);
  return st;
}

const queue_ops queue_redis_ops = {
  .name = "redis",
  .close = redis_close,
  .job_create = redis_job_create,
  .job_get = redis_job_get,
  .job_transition = redis_job_transition,
  .event_append = redis_event_append,
  .claim = redis_claim,
  .renew = redis_renew,
  .release = redis_release,
  .forget_workers = redis_forget_workers,
  .finish = redis_finish,
  .events_read = redis_events_read,
  .events_wait = redis_events_wait,
  .results = redis_results,
  .job_snapshot = redis_job_snapshot,
  .job_snapshot_order = redis_job_snapshot_order,
  .results_range = redis_results_range,
  .active = redis_active,
  .slot_take = redis_slot_take,
  .slot_renew = redis_slot_renew,
  .slot_give = redis_slot_give,
  .slot_lease = redis_slot_lease,
};
