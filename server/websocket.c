/* GET /api/batch/ws/{job_id}: a batch job's progress over a WebSocket.
 *
 * The handshake waits for a task thread to check the token and the job
 * (both need the database), then the socket gets the catch-up message, every
 * event live, a keepalive when idle, the terminal event, and a close.
 *
 * Events come from the queue backend, not from whoever runs the job: each
 * kore worker has one subscription per job its sockets watch, a thread that
 * long-polls doctag_job_events_poll() and hands events to the event loop
 * through an eventfd. Sockets of one job in other workers have their own
 * subscription there. Every socket remembers the last sequence number it was
 * sent, so a socket that joins late rewinds the subscription to its
 * catch-up point and nothing is lost or repeated. Closing a socket only
 * unsubscribes it; the job never hears of it.
 *
 * The catch-up of a job with many results is one message sent as it is
 * read (RFC 6455 fragmentation): a TEXT frame without FIN holding the
 * state, "results":[ and the first page, continuation frames of a page
 * each, the last one with FIN. Pages are read by a reader thread
 * (doctag_job_catchup_next) and the next is asked for only while fewer
 * than CATCHUP_QUEUED pages wait unsent on the socket, so a slow client
 * holds a few pages, never the whole result set. Events may not go
 * inside a fragmented message: the socket subscribes to its job only once
 * the catch-up's last frame is queued, from the catch-up's sequence
 * number, so the events meanwhile come after it from the queue backend,
 * each once. Control frames (ping, close) may interleave.
 *
 * At most DOCTAG_WS_CATCHUPS such catch-ups run at once in a kore worker
 * (each holds a snapshot and a few pages); the sockets beyond wait, in
 * the order they came, and start as others end. Their first page is read
 * only when they start. */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define POLL_TIMEOUT_MS 1000
#define CLOSE_GRACE_MS 5000
#define WS_POLICY_VIOLATION 1008
#define WS_NORMAL 1000
#define WS_INTERNAL_ERROR 1011
#define CATCHUP_ROWS 500      /* results per catch-up frame (DOCTAG_WS_CATCHUP_ROWS) */
#define CATCHUP_QUEUED 2      /* catch-up frames waiting unsent before reading the next */
#define CATCHUP_READERS 2     /* reader threads per kore worker */
#define CATCHUPS 8            /* catch-ups sent in frames at once per kore worker (DOCTAG_WS_CATCHUPS) */

typedef struct ws_sub ws_sub;
typedef struct ws_stream ws_stream;

/* A socket's state: c->hdlr_extra (kore_calloc'd, kore frees it). */
typedef struct ws_conn {
  ws_sub *sub;
  uint64_t last_seq;
  uint64_t closing_since;   /* ms; 0 while open */
  /* From the handshake check, used once in on_connect (g_malloc'd). */
  char *job_id;
  char *error;              /* refuse: {"error", "job_id"} and 1008 */
  char *catchup;            /* first message, or (`cu` set) its first frame or NULL: not read yet */
  doctag_job_catchup *cu;   /* the rest of a catch-up sent in frames (until it starts) */
  ws_stream *stream;        /* that catch-up being sent */
  bool waiting;             /* in `waiting`: for a catch-up slot */
  bool finished;            /* the job was over: catch-up, then close */
  char *user_id;
  char *status;
} ws_conn;

/* Per kore worker, per job. Event-loop fields unless noted. */
struct ws_sub {
  char *job_id;
  char *user_id;
  GPtrArray *conns;         /* struct connection * */
  char status[16];          /* last known job status, for keepalive */
  uint64_t last_sent_ms;
  int refs;                 /* the table, the poller thread */
  bool in_table;
  /* Shared with the poller thread, under lock. */
  GMutex lock;
  uint64_t poll_after;
  bool stop;
  bool polling;             /* a thread is running */
};

/* A catch-up being sent in frames. Event-loop fields unless noted. */
struct ws_stream {
  int refs;                 /* the socket, each frame queued on it, a read */
  struct connection *c;     /* NULL once the socket is gone or done with it */
  doctag_job_catchup *cu;   /* a reader thread's while `reading` */
  int queued;               /* frames queued, not yet written */
  bool begun;               /* the message's first (TEXT) frame is queued */
  bool reading;
  bool ended;               /* the last frame is queued */
  /* A read's outcome, written by the reader thread. */
  char *piece;
  bool last;
  char *error;
};

/* An event (or the poller's farewell, or a catch-up read) on its way to
 * the event loop. */
typedef struct ws_event {
  ws_stream *stream;        /* set: a catch-up read finished; nothing else is */
  ws_sub *sub;
  uint64_t seq;
  char *json;               /* NULL: the poller thread ended */
  char *type;
  bool terminal;
} ws_event;

static GHashTable *subs;            /* job_id -> ws_sub (event loop) */
static GMutex inbox_lock;
static GQueue inbox = G_QUEUE_INIT; /* ws_event *, filled by pollers */
static int inbox_fd = -1;
static uint64_t keepalive_ms = 30000;
static size_t catchup_rows = CATCHUP_ROWS;
static GThreadPool *readers;
static unsigned int catchups_max = CATCHUPS;
static unsigned int catchups;       /* streams alive (each holds a slot until freed) */
static GQueue waiting = G_QUEUE_INIT; /* struct connection * waiting for a slot, in order */

/* kore dispatches an fd's events to the struct its kore_event starts. */
static struct {
  struct kore_event evt;
} inbox_event;

static void ws_close(struct connection *c, int code, const char *reason);
static void subscribe(struct connection *c, ws_conn *wc);
static void stream_read_done(ws_stream *st);
static void stream_read(ws_stream *st);

/* ---- subscriptions and their poller threads ------------------------------ */

static void sub_unref(ws_sub *sub)
{
  if (--sub->refs > 0)
    return;
  g_ptr_array_free(sub->conns, TRUE);
  g_mutex_clear(&sub->lock);
  g_free(sub->job_id);
  g_free(sub->user_id);
  g_free(sub);
}

static void inbox_push(ws_event *e)
{
  g_mutex_lock(&inbox_lock);
  g_queue_push_tail(&inbox, e);
  g_mutex_unlock(&inbox_lock);
  uint64_t one = 1;
  if (write(inbox_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    kore_log(LOG_ERR, "doctag: websocket wakeup: %s", g_strerror(errno));
}

static gpointer poller(gpointer data)
{
  ws_sub *sub = data;
  for (;;) {
    g_mutex_lock(&sub->lock);
    bool stop = sub->stop;
    uint64_t after = sub->poll_after;
    g_mutex_unlock(&sub->lock);
    if (stop)
      break;
    doctag_events *evs = NULL;
    doctag_status st = doctag_job_events_poll(srv.ctx, &evs, sub->user_id, sub->job_id, after, 256,
                                              POLL_TIMEOUT_MS);
    if (st != DOCTAG_OK) {
      const doctag_error *e = doctag_error_last();
      if (st == DOCTAG_ENOTFOUND) {
        /* The job went away (deleted): tell the sockets and stop. */
        ws_event *ev = g_new0(ws_event, 1);
        ev->sub = sub;
        ev->seq = after + 1;
        json_t *o = json_pack("{s:s, s:s, s:s}", "type", "error", "job_id", sub->job_id, "error", e->message);
        char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
        json_decref(o);
        ev->json = g_strdup(s);
        free(s);
        ev->type = g_strdup("error");
        ev->terminal = true;
        inbox_push(ev);
        break;
      }
      /* The database or Redis is down: keep trying, the job goes on. */
      g_usleep(G_USEC_PER_SEC);
      continue;
    }
    bool terminal = false;
    uint64_t last = after;
    for (size_t i = 0; i < doctag_events_count(evs); i++) {
      const doctag_event_info *info = doctag_events_at(evs, i);
      ws_event *ev = g_new0(ws_event, 1);
      ev->sub = sub;
      ev->seq = info->seq;
      ev->json = g_strdup(info->json);
      ev->type = g_strdup(info->type);
      ev->terminal = info->terminal;
      terminal = terminal || info->terminal;
      last = info->seq;
      inbox_push(ev);
    }
    doctag_events_free(evs);
    g_mutex_lock(&sub->lock);
    /* A socket that joined meanwhile may have rewound the cursor. */
    if (sub->poll_after == after)
      sub->poll_after = last;
    g_mutex_unlock(&sub->lock);
    if (terminal)
      break;
  }
  ws_event *bye = g_new0(ws_event, 1);
  bye->sub = sub;
  inbox_push(bye);
  return NULL;
}

static void sub_start_poller(ws_sub *sub)
{
  sub->refs++;
  sub->polling = true;
  sub->stop = false;
  GError *err = NULL;
  GThread *t = g_thread_try_new("doctag-ws", poller, sub, &err);
  if (!t) {
    kore_log(LOG_ERR, "doctag: cannot start a websocket poller: %s", err->message);
    g_error_free(err);
    sub->refs--;
    sub->polling = false;
    return;
  }
  g_thread_unref(t);
}

/* Adds a socket to its job's subscription from `after_seq` on. */
static void subscribe(struct connection *c, ws_conn *wc)
{
  ws_sub *sub = g_hash_table_lookup(subs, wc->job_id);
  if (!sub) {
    sub = g_new0(ws_sub, 1);
    sub->job_id = g_strdup(wc->job_id);
    sub->user_id = g_strdup(wc->user_id);
    sub->conns = g_ptr_array_new();
    g_mutex_init(&sub->lock);
    sub->poll_after = wc->last_seq;
    sub->refs = 1;
    sub->in_table = true;
    g_hash_table_insert(subs, sub->job_id, sub);
  }
  g_strlcpy(sub->status, wc->status ? wc->status : "processing", sizeof sub->status);
  sub->last_sent_ms = kore_time_ms();
  g_ptr_array_add(sub->conns, c);
  wc->sub = sub;
  g_mutex_lock(&sub->lock);
  if (sub->poll_after > wc->last_seq)
    sub->poll_after = wc->last_seq;  /* replay what this socket has not seen */
  bool start = !sub->polling;
  g_mutex_unlock(&sub->lock);
  if (start)
    sub_start_poller(sub);
}

static void unsubscribe(struct connection *c, ws_conn *wc)
{
  ws_sub *sub = wc->sub;
  if (!sub)
    return;
  wc->sub = NULL;
  g_ptr_array_remove(sub->conns, c);
  if (sub->conns->len > 0)
    return;
  g_mutex_lock(&sub->lock);
  sub->stop = true;
  g_mutex_unlock(&sub->lock);
  if (sub->in_table) {
    g_hash_table_remove(subs, sub->job_id);
    sub->in_table = false;
    sub_unref(sub);
  }
}

/* The status a keepalive reports after an event of this type. A document
 * finishing while the job is paused (it was in hand) leaves it paused. */
static void track_status(ws_sub *sub, const char *type)
{
  if (!type)
    return;
  if (!strcmp(type, "paused"))
    g_strlcpy(sub->status, "paused", sizeof sub->status);
  else if (!strcmp(type, "resumed"))
    g_strlcpy(sub->status, "processing", sizeof sub->status);
  else if (!strcmp(type, "processing") || !strcmp(type, "success") || !strcmp(type, "failed")) {
    if (!strcmp(sub->status, "pending"))
      g_strlcpy(sub->status, "processing", sizeof sub->status);
  } else if (!strcmp(type, "error"))
    g_strlcpy(sub->status, "failed", sizeof sub->status);
  else
    g_strlcpy(sub->status, type, sizeof sub->status);
}

static void deliver(ws_event *ev)
{
  ws_sub *sub = ev->sub;
  track_status(sub, ev->type);
  sub->last_sent_ms = kore_time_ms();
  /* Copy: closing a socket below changes the list. */
  GPtrArray *targets = g_ptr_array_copy(sub->conns, NULL, NULL);
  for (guint i = 0; i < targets->len; i++) {
    struct connection *c = g_ptr_array_index(targets, i);
    ws_conn *wc = c->hdlr_extra;
    if (!wc || ev->seq <= wc->last_seq || wc->closing_since)
      continue;
    kore_websocket_send(c, WEBSOCKET_OP_TEXT, ev->json, strlen(ev->json));
    wc->last_seq = ev->seq;
    if (ev->terminal)
      ws_close(c, WS_NORMAL, "");
  }
  g_ptr_array_free(targets, TRUE);
}

static void inbox_drain(void *arg, int error)
{
  (void)arg;
  (void)error;
  uint64_t n;
  while (read(inbox_fd, &n, sizeof n) > 0)
    ;
  for (;;) {
    g_mutex_lock(&inbox_lock);
    ws_event *ev = g_queue_pop_head(&inbox);
    g_mutex_unlock(&inbox_lock);
    if (!ev)
      break;
    if (ev->stream) {
      stream_read_done(ev->stream);
      g_free(ev);
      continue;
    }
    ws_sub *sub = ev->sub;
    if (ev->json) {
      deliver(ev);
    } else {
      /* The poller ended. If sockets still watch and the job is not over
       * (a socket rewound after the thread decided to stop), start again. */
      g_mutex_lock(&sub->lock);
      sub->polling = false;
      bool again = !sub->stop && sub->conns->len > 0 && strcmp(sub->status, "completed") &&
                   strcmp(sub->status, "cancelled") && strcmp(sub->status, "failed");
      g_mutex_unlock(&sub->lock);
      if (again)
        sub_start_poller(sub);
      sub_unref(sub);
    }
    g_free(ev->json);
    g_free(ev->type);
    g_free(ev);
  }
}

/* Every second: keepalives on idle jobs, and sockets that never answered
 * our close are dropped. */
static void tick(void *arg, uint64_t now)
{
  (void)arg;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, subs);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    ws_sub *sub = value;
    if (now - sub->last_sent_ms < keepalive_ms)
      continue;
    sub->last_sent_ms = now;
    json_t *o = json_pack("{s:s, s:s, s:s}", "type", "keepalive", "job_id", sub->job_id, "status", sub->status);
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(o);
    for (guint i = 0; i < sub->conns->len; i++) {
      struct connection *c = g_ptr_array_index(sub->conns, i);
      ws_conn *wc = c->hdlr_extra;
      if (wc && !wc->closing_since)
        kore_websocket_send(c, WEBSOCKET_OP_TEXT, s, strlen(s));
    }
    free(s);
  }
  struct connection *c;
  TAILQ_FOREACH(c, &connections, list) {
    if (c->proto != CONN_PROTO_WEBSOCKET || !c->hdlr_extra || c->ws_connect == NULL)
      continue;
    ws_conn *wc = c->hdlr_extra;
    if (wc->closing_since && now - wc->closing_since > CLOSE_GRACE_MS)
      kore_connection_disconnect(c);
  }
}

void srv_ws_init(void)
{
  subs = g_hash_table_new(g_str_hash, g_str_equal);
  const char *ka = getenv("DOCTAG_WS_KEEPALIVE_SEC");
  if (ka && atoi(ka) > 0)
    keepalive_ms = (uint64_t)atoi(ka) * 1000;
  const char *rows = getenv("DOCTAG_WS_CATCHUP_ROWS");
  if (rows && atoi(rows) > 0)
    catchup_rows = (size_t)MIN(atoi(rows), 100000);
  const char *most = getenv("DOCTAG_WS_CATCHUPS");
  if (most && atoi(most) > 0)
    catchups_max = (unsigned int)MIN(atoi(most), 10000);
  inbox_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (inbox_fd < 0)
    fatal("doctag: eventfd: %s", g_strerror(errno));
  inbox_event.evt.type = KORE_TYPE_TASK;
  inbox_event.evt.handle = inbox_drain;
  kore_platform_event_level_read(inbox_fd, &inbox_event);
  kore_timer_add(tick, 1000, NULL, 0);
}

/* ---- a catch-up in frames ------------------------------------------------- */

static void stream_start(struct connection *c, ws_conn *wc);

/* A catch-up slot came free: the longest waiting socket starts. */
static void catchup_slot_free(void)
{
  catchups--;
  struct connection *c = g_queue_pop_head(&waiting);
  if (c) {
    ws_conn *wc = c->hdlr_extra;
    wc->waiting = false;
    stream_start(c, wc);
  }
}

static void stream_unref(ws_stream *st)
{
  if (--st->refs > 0)
    return;
  doctag_job_catchup_free(st->cu);
  doctag_free(st->piece);
  g_free(st->error);
  g_free(st);
  catchup_slot_free();
}

/* A frame's payload was written (or the socket went): kore hands the
 * stream netbuf back here, in the event loop. */
static int frame_written(struct netbuf *nb)
{
  ws_stream *st = nb->extra;
  doctag_free(nb->buf);
  nb->buf = NULL;
  st->queued--;
  if (st->c && !st->reading && !st->ended && st->queued < CATCHUP_QUEUED)
    stream_read(st);
  stream_unref(st);
  return KORE_RESULT_OK;
}

/* Queues one frame of the catch-up (RFC 6455 5.2: FIN, opcode, length;
 * a server's frames are not masked). `piece` is the payload, newly
 * allocated by doctag_job_catchup_next: it is handed to kore as it is and
 * released once written. */
static void frame_queue(ws_stream *st, uint8_t op, bool fin, char *piece)
{
  struct connection *c = st->c;
  size_t len = strlen(piece);
  uint8_t hdr[10];
  size_t n = 0;
  hdr[n++] = (uint8_t)((fin ? 0x80 : 0) | op);
  if (len <= 125) {
    hdr[n++] = (uint8_t)len;
  } else if (len <= 0xffff) {
    hdr[n++] = 126;
    net_write16(hdr + n, (uint16_t)len);
    n += 2;
  } else {
    hdr[n++] = 127;
    net_write64(hdr + n, (uint64_t)len);
    n += 8;
  }
  net_send_queue(c, hdr, n);
  struct netbuf *nb = NULL;
  net_send_stream(c, piece, len, frame_written, &nb);
  nb->extra = st;
  st->refs++;
  st->queued++;
  net_send_flush(c);
}

/* On a reader thread: the next page of the catch-up. */
static void reader_main(gpointer data, gpointer unused)
{
  (void)unused;
  ws_stream *st = data;
  if (doctag_job_catchup_next(st->cu, &st->piece, catchup_rows) != DOCTAG_OK)
    st->error = g_strdup(doctag_error_last()->message);
  st->last = doctag_job_catchup_done(st->cu);
  ws_event *ev = g_new0(ws_event, 1);
  ev->stream = st;
  inbox_push(ev);
}

/* Asks a reader thread for the next page; one read at a time (the
 * reading is one thread's while it reads). */
static void stream_read(ws_stream *st)
{
  if (st->reading)
    return;
  if (!readers) {
    GError *err = NULL;
    readers = g_thread_pool_new(reader_main, NULL, CATCHUP_READERS, FALSE, &err);
    if (!readers)
      fatal("doctag: cannot start the catch-up readers: %s", err->message);
  }
  st->reading = true;
  st->refs++;
  g_thread_pool_push(readers, st, NULL);
}

/* A page was read: queue it, end the message or ask for the next. The
 * stream stays "reading" until the frame is queued: queuing it may write
 * an earlier frame, whose callback must not start a read that would
 * overwrite the outcome taken here. */
static void stream_read_done(ws_stream *st)
{
  char *piece = st->piece, *error = st->error;
  bool last = st->last;
  st->piece = NULL;
  st->error = NULL;
  struct connection *c = st->c;
  if (!c) {
    st->reading = false;
    doctag_free(piece);
    g_free(error);
    stream_unref(st);   /* the socket went meanwhile */
    return;
  }
  ws_conn *wc = c->hdlr_extra;
  if (error || !piece) {
    /* Frames of the message may be out: they cannot be taken back. Say so
     * with a close (a control frame may come inside a message). */
    kore_log(LOG_ERR, "doctag: websocket catch-up of job %s: %s", wc->job_id, error ? error : "ended early");
    st->reading = false;
    st->c = NULL;
    wc->stream = NULL;
    doctag_free(piece);
    g_free(error);
    ws_close(c, WS_INTERNAL_ERROR, "catch-up failed");
    stream_unref(st);   /* the socket's */
    stream_unref(st);   /* the read's */
    return;
  }
  st->ended = last;
  frame_queue(st, st->begun ? WEBSOCKET_OP_CONT : WEBSOCKET_OP_TEXT, last, piece);
  st->begun = true;
  st->reading = false;
  if (last) {
    /* The message is whole: now the events after its seq, from the queue. */
    st->c = NULL;
    wc->stream = NULL;
    stream_unref(st);   /* the socket's */
    if (!wc->closing_since)
      subscribe(c, wc);
  } else if (st->queued < CATCHUP_QUEUED) {
    stream_read(st);
  }
  stream_unref(st);     /* the read's */
}

/* Takes a slot and sends the catch-up in frames: wc->catchup (when read
 * already) as the first, then what wc->cu reads. */
static void stream_start(struct connection *c, ws_conn *wc)
{
  catchups++;
  ws_stream *st = g_new0(ws_stream, 1);
  st->refs = 1;
  st->c = c;
  st->cu = wc->cu;
  wc->cu = NULL;
  wc->stream = st;
  char *first = wc->catchup;
  wc->catchup = NULL;
  if (first) {
    frame_queue(st, WEBSOCKET_OP_TEXT, false, first);
    st->begun = true;
  }
  stream_read(st);
}

/* stream_start() now, or once a slot is free. */
static void stream_begin(struct connection *c, ws_conn *wc)
{
  if (catchups < catchups_max) {
    stream_start(c, wc);
    return;
  }
  wc->waiting = true;
  g_queue_push_tail(&waiting, c);
}

/* ---- the socket ------------------------------------------------------------ */

/* A close frame with a code and reason; we then wait for the client's. */
static void ws_close(struct connection *c, int code, const char *reason)
{
  ws_conn *wc = c->hdlr_extra;
  if (wc && wc->closing_since)
    return;
  unsigned char frame[125];
  size_t rlen = MIN(strlen(reason), sizeof frame - 2);
  frame[0] = (unsigned char)(code >> 8);
  frame[1] = (unsigned char)(code & 0xff);
  memcpy(frame + 2, reason, rlen);
  kore_websocket_send(c, WEBSOCKET_OP_CLOSE, frame, rlen + 2);
  c->flags |= CONN_WS_CLOSE_SENT;
  if (wc) {
    wc->closing_since = kore_time_ms();
    unsubscribe(c, wc);
  }
}

static void ws_conn_strings_free(ws_conn *wc)
{
  g_free(wc->job_id);
  g_free(wc->error);
  doctag_free(wc->catchup);
  doctag_job_catchup_free(wc->cu);
  wc->cu = NULL;
  g_free(wc->user_id);
  g_free(wc->status);
  wc->job_id = wc->error = wc->catchup = wc->user_id = wc->status = NULL;
}

void api_ws_connect(struct connection *c)
{
  ws_conn *wc = c->hdlr_extra;
  if (wc->error) {
    json_t *o = json_pack("{s:s, s:s}", "error", wc->error, "job_id", wc->job_id);
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(o);
    kore_websocket_send(c, WEBSOCKET_OP_TEXT, s, strlen(s));
    free(s);
    ws_close(c, WS_POLICY_VIOLATION, wc->error);
    return;
  }
  if (wc->cu) {
    stream_begin(c, wc);   /* subscribes once the message is whole */
    return;
  }
  kore_websocket_send(c, WEBSOCKET_OP_TEXT, wc->catchup, strlen(wc->catchup));
  if (wc->finished) {
    ws_close(c, WS_NORMAL, "");
    return;
  }
  subscribe(c, wc);
}

void api_ws_message(struct connection *c, u_int8_t op, void *data, size_t len)
{
  /* Nothing a client says changes anything: steering is over HTTP. */
  (void)c;
  (void)op;
  (void)data;
  (void)len;
}

void api_ws_disconnect(struct connection *c)
{
  ws_conn *wc = c->hdlr_extra;
  if (!wc)
    return;
  if (wc->waiting) {
    g_queue_remove(&waiting, c);
    wc->waiting = false;
  }
  if (wc->stream) {
    /* Frames still queued let go of it as kore drops them. */
    wc->stream->c = NULL;
    stream_unref(wc->stream);
    wc->stream = NULL;
  }
  unsubscribe(c, wc);
  ws_conn_strings_free(wc);
}

/* The handshake check, on a task thread. */
typedef struct ws_check {
  char *token;
  char *job_id;
  char *error;
  char *catchup;
  doctag_job_catchup *cu;   /* the rest of the catch-up, when it takes frames */
  char *user_id;
  char *status;
  uint64_t last_seq;
  bool finished;
} ws_check;

static void ws_check_free(void *p)
{
  ws_check *w = p;
  g_free(w->token);
  g_free(w->job_id);
  g_free(w->error);
  doctag_free(w->catchup);
  doctag_job_catchup_free(w->cu);
  g_free(w->user_id);
  g_free(w->status);
  g_free(w);
}

static void ws_check_work(void *data, srv_reply *reply)
{
  ws_check *w = data;
  (void)reply;
  doctag_user *user = NULL;
  if (!w->token || doctag_auth_verify(srv.ctx, &user, w->token) != DOCTAG_OK) {
    w->error = g_strdup("Authentication required");
    return;
  }
  w->user_id = g_strdup(doctag_user_id(user));
  doctag_user_free(user);
  /* The snapshot, and the message when one frame holds it; a longer one
   * is read as it is sent, from its first page on once it has a slot, so
   * the first byte does not wait for the whole result set. */
  doctag_job_catchup *cu = NULL;
  if (doctag_job_catchup_open(srv.ctx, &cu, w->user_id, w->job_id) != DOCTAG_OK) {
    const doctag_error *e = doctag_error_last();
    w->error = g_strdup(e->code == DOCTAG_ENOTFOUND ? "Job not found" : e->message);
    return;
  }
  const doctag_job *job = doctag_job_catchup_job(cu);
  doctag_job_state state = doctag_job_get_state(job);
  w->finished = state == DOCTAG_JOB_COMPLETED || state == DOCTAG_JOB_CANCELLED || state == DOCTAG_JOB_FAILED;
  w->status = g_strdup(doctag_job_state_name(state));
  w->last_seq = doctag_job_last_seq(job);
  if (!w->finished && doctag_job_results_count(job) > catchup_rows) {
    w->cu = cu;   /* frames: read once it has a slot (stream_begin) */
    return;
  }
  if (doctag_job_catchup_next(cu, &w->catchup, catchup_rows) != DOCTAG_OK) {
    w->error = g_strdup(doctag_error_last()->message);
    doctag_job_catchup_free(cu);
  } else if (doctag_job_catchup_done(cu)) {
    doctag_job_catchup_free(cu);   /* one page held it all: one frame */
  } else {
    w->cu = cu;
  }
}

int api_batch_ws(struct http_request *req)
{
  if (srv_resuming(req)) {
    if (!srv_async_done(req))
      return KORE_RESULT_RETRY;
    if (!req->owner)
      return KORE_RESULT_OK;  /* the client left during the check */
    ws_check *w = srv_async_data(req);
    ws_conn *wc = kore_calloc(1, sizeof *wc);
    wc->job_id = g_strdup(w->job_id);
    wc->error = g_strdup(w->error);
    wc->catchup = w->catchup;
    w->catchup = NULL;
    wc->cu = w->cu;
    w->cu = NULL;
    wc->user_id = g_strdup(w->user_id);
    wc->status = g_strdup(w->status);
    wc->finished = w->finished;
    wc->last_seq = w->last_seq;
    req->owner->hdlr_extra = wc;
    srv_request_done(req, 101, 0, wc->user_id, NULL, NULL);
    kore_websocket_handshake(req, "api_ws_connect", "api_ws_message", "api_ws_disconnect");
    return KORE_RESULT_OK;
  }
  if (!srv_begin(req, SRV_GET))
    return KORE_RESULT_OK;
  const char *version = srv_header(req, "sec-websocket-version");
  if (!srv_header(req, "sec-websocket-key") || !version || strcmp(version, "13")) {
    http_response_header(req, "sec-websocket-version", "13");
    return srv_send_detail(req, 400, "WebSocket upgrade required");
  }
  ws_check *w = g_new0(ws_check, 1);
  w->job_id = srv_path_segment(req->path, "/api/batch/ws/");
  w->token = srv_query_value(req->query_string, "token");
  if (!w->token || !*w->token) {
    g_free(w->token);
    w->token = srv_bearer_token(req);
  }
  return srv_async(req, SRV_POOL_QUICK, ws_check_work, w, ws_check_free);
}
