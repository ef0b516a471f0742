/* GET /metrics: Prometheus text format (version 0.0.4).
 *
 * Kore workers are processes. The counters live in one shared anonymous
 * mapping made in the parent before the workers fork: one slot per worker,
 * written only by that worker's event loop (relaxed atomic stores, no lock
 * on the request path), summed by whichever worker serves /metrics.
 * Route labels are the route's pattern as a name ("/api/batch/jobs/{id}/status"),
 * entered once in a shared table (compare-and-swap on the entry's state);
 * each worker caches its handler -> index lookups in a private table.
 *
 * Access (CONTRACT.md, NEW): DOCTAG_METRICS=local (default: loopback
 * clients only) | public | off (404); DOCTAG_METRICS_TOKEN set: a matching
 * bearer token is required as well. */
#include "server.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 64
#define ROUTES 64
#define ROUTE_NAME 64
#define BEAT_SEC 1
#define ALIVE_SEC 5

static const int status_codes[] = { 101, 200, 201, 204, 302, 304, 400, 401, 403, 404, 405,
                                    409, 413, 415, 422, 429, 431, 500, 502, 503, 504 };
#define STATUSES (G_N_ELEMENTS(status_codes) + 1)  /* the last: any other code */

/* Latency buckets (seconds), Prometheus-style upper bounds; +Inf is the count. */
static const double buckets[] = { 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
#define BUCKETS G_N_ELEMENTS(buckets)

typedef struct route_slot {
  uint64_t by_status[STATUSES];
  uint64_t le[BUCKETS];       /* not cumulative here: summed into cumulative on read */
  uint64_t sum_us;
} route_slot;

typedef struct worker_slot {
  uint64_t pid;
  uint64_t beat;               /* time(NULL) of the last heartbeat */
  route_slot routes[ROUTES];
} worker_slot;

typedef struct route_name {
  int state;                   /* 0 free, 1 being written, 2 ready */
  char name[ROUTE_NAME];
} route_name;

typedef struct metrics_shm {
  route_name names[ROUTES];
  worker_slot slots[SLOTS];
} metrics_shm;

static metrics_shm *shm;
static worker_slot *mine;
static GHashTable *route_cache;   /* struct kore_module_handle * -> index + 1 */

typedef enum access_mode { ACCESS_LOCAL, ACCESS_PUBLIC, ACCESS_OFF } access_mode;
static access_mode metrics_access;
static char *token;

static inline void add(uint64_t *p, uint64_t n)
{
  __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline uint64_t get(const uint64_t *p)
{
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}

bool srv_metrics_map(void)
{
  shm = srv_shared_map(sizeof *shm);
  return shm != NULL;
}

static void beat(void *arg, uint64_t now)
{
  (void)arg;
  (void)now;
  __atomic_store_n(&mine->beat, (uint64_t)time(NULL), __ATOMIC_RELAXED);
}

void srv_metrics_init(void)
{
  const char *m = getenv("DOCTAG_METRICS");
  metrics_access = !m || !*m || !strcmp(m, "local") ? ACCESS_LOCAL : !strcmp(m, "public") ? ACCESS_PUBLIC : ACCESS_OFF;
  if (m && *m && metrics_access == ACCESS_OFF && strcmp(m, "off"))
    kore_log(LOG_ERR, "doctag: DOCTAG_METRICS=%s is not local, public or off; /metrics is off", m);
  const char *t = getenv("DOCTAG_METRICS_TOKEN");
  token = t && *t ? g_strdup(t) : NULL;
  route_cache = g_hash_table_new(g_direct_hash, g_direct_equal);
  if (!shm || !worker || worker->id < 1 || worker->id > SLOTS)
    return;
  mine = &shm->slots[worker->id - 1];
  __atomic_store_n(&mine->pid, (uint64_t)getpid(), __ATOMIC_RELAXED);
  beat(NULL, 0);
  kore_timer_add(beat, BEAT_SEC * 1000, NULL, 0);
}

/* "^/api/batch/jobs/[^/]+/status$" -> "/api/batch/jobs/{id}/status". */
static void route_label(const char *pattern, char *out, size_t n)
{
  GString *s = g_string_new(NULL);
  const char *p = pattern;
  if (*p == '^')
    p++;
  while (*p) {
    if (!strncmp(p, "[^/]+", 5)) {
      g_string_append(s, "{id}");
      p += 5;
    } else if (*p == '$' && !p[1]) {
      p++;
    } else if (*p == '(') {
      /* (cancel|pause|resume): keep the alternatives as they are written. */
      const char *e = strchr(p, ')');
      size_t len = e ? (size_t)(e - p + 1) : strlen(p);
      g_string_append_len(s, p, (gssize)len);
      p += len;
    } else {
      g_string_append_c(s, *p++);
    }
  }
  if (!strcmp(pattern, "^/"))
    g_string_assign(s, "other");   /* the catch-all 404 */
  g_strlcpy(out, s->str, n);
  g_string_free(s, TRUE);
}

static int route_index(struct http_request *req)
{
  gpointer hit = g_hash_table_lookup(route_cache, req->hdlr);
  if (hit)
    return GPOINTER_TO_INT(hit) - 1;
  char label[ROUTE_NAME];
  route_label(req->hdlr && req->hdlr->path ? req->hdlr->path : "other", label, sizeof label);
  int found = -1;
  for (int i = 0; i < ROUTES && found < 0; i++) {
    route_name *r = &shm->names[i];
    int st = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
    if (st == 2 && !strcmp(r->name, label)) {
      found = i;
    } else if (st == 0) {
      int expect = 0;
      if (__atomic_compare_exchange_n(&r->state, &expect, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        g_strlcpy(r->name, label, sizeof r->name);
        __atomic_store_n(&r->state, 2, __ATOMIC_RELEASE);
        found = i;
      } else {
        i--;  /* another worker is writing this entry: look at it again */
      }
    }
    /* state 1 (being written by another worker): a duplicate name is
     * summed with its twin on read, so moving on is safe. */
  }
  if (found < 0)
    found = ROUTES - 1;  /* table full: the last entry takes the rest */
  g_hash_table_insert(route_cache, req->hdlr, GINT_TO_POINTER(found + 1));
  return found;
}

void srv_metrics_request(struct http_request *req, int status, gint64 duration_us)
{
  if (!mine)
    return;
  route_slot *r = &mine->routes[route_index(req)];
  size_t s = 0;
  while (s < G_N_ELEMENTS(status_codes) && status_codes[s] != status)
    s++;
  add(&r->by_status[s], 1);
  double sec = (double)duration_us / 1e6;
  size_t b = 0;
  while (b < BUCKETS && sec > buckets[b])
    b++;
  if (b < BUCKETS)
    add(&r->le[b], 1);
  add(&r->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0));
}

/* ---- the scrape ---------------------------------------------------------- */

typedef struct route_total {
  char name[ROUTE_NAME];
  uint64_t by_status[STATUSES];
  uint64_t le[BUCKETS + 1];
  uint64_t sum_us;
} route_total;

static void label_value(GString *o, const char *s)
{
  for (; *s; s++) {
    if (*s == '\\' || *s == '"')
      g_string_append_c(o, '\\');
    if (*s == '\n')
      g_string_append(o, "\\n");
    else
      g_string_append_c(o, *s);
  }
}

static void http_section(GString *o, unsigned *live)
{
  GPtrArray *totals = g_ptr_array_new_with_free_func(g_free);
  int map[ROUTES];
  for (int i = 0; i < ROUTES; i++) {
    map[i] = -1;
    if (__atomic_load_n(&shm->names[i].state, __ATOMIC_ACQUIRE) != 2)
      continue;
    for (guint j = 0; j < totals->len && map[i] < 0; j++)
      if (!strcmp(((route_total *)g_ptr_array_index(totals, j))->name, shm->names[i].name))
        map[i] = (int)j;
    if (map[i] < 0) {
      route_total *t = g_new0(route_total, 1);
      g_strlcpy(t->name, shm->names[i].name, sizeof t->name);
      map[i] = (int)totals->len;
      g_ptr_array_add(totals, t);
    }
  }
  uint64_t now = (uint64_t)time(NULL);
  *live = 0;
  for (int w = 0; w < SLOTS; w++) {
    worker_slot *ws = &shm->slots[w];
    if (!get(&ws->pid))
      continue;
    if (now - get(&ws->beat) <= ALIVE_SEC)
      (*live)++;
    for (int i = 0; i < ROUTES; i++) {
      if (map[i] < 0)
        continue;
      route_total *t = g_ptr_array_index(totals, map[i]);
      for (size_t s = 0; s < STATUSES; s++)
        t->by_status[s] += get(&ws->routes[i].by_status[s]);
      for (size_t b = 0; b < BUCKETS; b++)
        t->le[b] += get(&ws->routes[i].le[b]);
      t->sum_us += get(&ws->routes[i].sum_us);
    }
  }
  g_string_append(o, "# HELP doctag_http_requests_total HTTP requests answered, by route and status.\n"
                     "# TYPE doctag_http_requests_total counter\n");
  for (guint j = 0; j < totals->len; j++) {
    route_total *t = g_ptr_array_index(totals, j);
    for (size_t s = 0; s < STATUSES; s++) {
      if (!t->by_status[s])
        continue;
      g_string_append(o, "doctag_http_requests_total{route=\"");
      label_value(o, t->name);
      if (s < G_N_ELEMENTS(status_codes))
        g_string_append_printf(o, "\",status=\"%d\"} %" G_GUINT64_FORMAT "\n", status_codes[s], t->by_status[s]);
      else
        g_string_append_printf(o, "\",status=\"other\"} %" G_GUINT64_FORMAT "\n", t->by_status[s]);
    }
  }
  g_string_append(o, "# HELP doctag_http_request_duration_seconds Time from a handler's first call to its response.\n"
                     "# TYPE doctag_http_request_duration_seconds histogram\n");
  for (guint j = 0; j < totals->len; j++) {
    route_total *t = g_ptr_array_index(totals, j);
    uint64_t count = 0;
    for (size_t s = 0; s < STATUSES; s++)
      count += t->by_status[s];
    if (!count)
      continue;
    uint64_t cum = 0;
    for (size_t b = 0; b <= BUCKETS; b++) {
      g_string_append(o, "doctag_http_request_duration_seconds_bucket{route=\"");
      label_value(o, t->name);
      if (b < BUCKETS) {
        cum += t->le[b];
        g_string_append_printf(o, "\",le=\"%g\"} %" G_GUINT64_FORMAT "\n", buckets[b], cum);
      } else {
        g_string_append_printf(o, "\",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", count);
      }
    }
    g_string_append(o, "doctag_http_request_duration_seconds_sum{route=\"");
    label_value(o, t->name);
    g_string_append_printf(o, "\"} %.6f\n", (double)t->sum_us / 1e6);
    g_string_append(o, "doctag_http_request_duration_seconds_count{route=\"");
    label_value(o, t->name);
    g_string_append_printf(o, "\"} %" G_GUINT64_FORMAT "\n", count);
  }
  g_ptr_array_free(totals, TRUE);
}

static bool from_loopback(struct http_request *req)
{
  struct connection *c = req->owner;
  if (!c)
    return false;
  if (c->family == AF_INET)
    return (ntohl(c->addr.ipv4.sin_addr.s_addr) >> 24) == 127;
  if (c->family == AF_INET6) {
    const struct in6_addr *a = &c->addr.ipv6.sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a))
      return true;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
  }
  return c->family == AF_UNIX;
}

static bool token_matches(struct http_request *req)
{
  char *given = srv_bearer_token(req);
  bool ok = false;
  if (given) {
    /* Compare digests: the time taken does not tell how much matched. */
    char *a = g_compute_checksum_for_string(G_CHECKSUM_SHA256, given, -1);
    char *b = g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
    unsigned diff = 0;
    for (size_t i = 0; a[i] && b[i]; i++)
      diff |= (unsigned)(a[i] ^ b[i]);
    ok = diff == 0;
    g_free(a);
    g_free(b);
  }
  g_free(given);
  return ok;
}

/* The scrape, on a task thread: the HTTP section from the shared mapping,
 * then the library's figures (doctag_metrics_read(): documents, pages, OCR,
 * LLM, batch workers, and the store's job census, which is a query). */
static void metrics_work(void *data, srv_reply *reply)
{
  (void)data;
  GString *o = g_string_sized_new(16384);
  unsigned live = 0;
  http_section(o, &live);
  g_string_append_printf(o, "# HELP doctag_http_workers_live Kore worker processes that beat in the last %d s.\n"
                            "# TYPE doctag_http_workers_live gauge\n"
                            "doctag_http_workers_live %u\n", ALIVE_SEC, live);
  doctag_metrics *m = NULL;
  char *lib = NULL;
  if (doctag_metrics_read(srv.ctx, &m) != DOCTAG_OK || doctag_metrics_to_prometheus(m, &lib) != DOCTAG_OK) {
    doctag_metrics_free(m);
    g_string_free(o, TRUE);
    srv_reply_error(reply, SRV_SCOPE_API);
    return;
  }
  g_string_append(o, lib);
  doctag_free(lib);
  doctag_metrics_free(m);
  gsize len = o->len;
  srv_reply_bytes(reply, 200, "text/plain; version=0.0.4; charset=utf-8", g_string_free(o, FALSE), len);
}

int api_metrics(struct http_request *req)
{
  if (srv_resuming(req))
    return srv_resume(req);
  if (!srv_begin(req, SRV_GET))
    return KORE_RESULT_OK;
  if (metrics_access == ACCESS_OFF || !shm)
    return srv_send_detail(req, 404, "Not Found");
  if (metrics_access == ACCESS_LOCAL && !from_loopback(req))
    return srv_send_detail(req, 403, "Metrics are served to loopback clients only (DOCTAG_METRICS=local)");
  if (token && !token_matches(req)) {
    http_response_header(req, "www-authenticate", "Bearer");
    return srv_send_detail(req, 401, "A valid metrics token is required");
  }
  return srv_async(req, SRV_POOL_QUICK, metrics_work, NULL, NULL);
}
