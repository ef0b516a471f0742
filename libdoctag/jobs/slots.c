/* Places among the documents one user has in flight, shared by every
 * process on the context's queue (doctag_doc_slot_take() in doctag/jobs.h).
 *
 * The queue backend holds the places (Redis: a sorted set per user; the
 * database: table doc_slots), each under a lease. This process renews the
 * leases of the places it holds from a thread of its own, every third of a
 * lease, so a place outlives its lease only while this process lives: the
 * places of a server that crashed or lost its network come back to their
 * users within a lease (DOCTAG_DOC_SLOT_LEASE_SEC, default 30 s), and a document that queues or
 * runs for longer keeps its place.
 *
 * A renewal can come late (this process stalled, or the queue answered
 * slowly) and find a place gone: its lease ran out and another server's take
 * purged it, perhaps to give it to another document. The document that held
 * it still runs, so the renewer takes its place again, past the user's limit
 * if need be (the overshoot lasts until one of them ends, and is logged), so
 * that it counts again. A place given back meanwhile is not taken again:
 * doctag_doc_slot_free() and that re-take exclude each other (lock `give`).
 *
 * Every process on the queue uses one lease: the first records its own
 * beside the places (queue_slot_lease), and a process whose lease differs
 * from the one in force takes no place (lease_agree). The record lives a
 * lease past the last renewal by a process that uses it, so a deliberate
 * change is: stop every process of the queue, wait a lease, start them with
 * the new value. */
#include "core/error.h"
#include "queue/queue.h"
#include "store/store.h"

#include <string.h>

typedef struct slots_state {
  queue *q;              /* the context's queue, set by the first take (atomic) */
  char *holder;          /* this process's name on its places */
  unsigned int lease_ms; /* the context's lease; renewed every third of it */
  GMutex lock;           /* guards held, stop */
  GMutex give;           /* a place leaves `held` and the renewer takes lost places again under it */
  GCond wake;
  GHashTable *held;      /* slot id -> user id (both owned) */
  bool stop;
  GThread *renewer;
  pid_t pid;             /* the process that made this state */
  int agreed;            /* atomic: the queue's lease is ours, and the renewer keeps its record */
  bool disagreed;        /* under lock: the renewer found another lease in force (logged once) */
} slots_state;

struct doctag_doc_slot {
  slots_state *s;
  char *id;
  char *user;
};

/* Renews the leases of the places held, and takes again those whose lease
 * ran out before (see the top); `between`, for tests, runs after the
 * renewal and before the re-takes. Called without s->lock. */
static void slots_renew(slots_state *s, void (*between)(void *), void *ud)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter it;
  gpointer id, user;
  g_mutex_lock(&s->lock);
  g_hash_table_iter_init(&it, s->held);
  while (g_hash_table_iter_next(&it, &id, &user)) {
    g_ptr_array_add(pairs, g_strdup(user));
    g_ptr_array_add(pairs, g_strdup(id));
  }
  g_mutex_unlock(&s->lock);
  queue *q = g_atomic_pointer_get(&s->q);
  GPtrArray *lost = g_ptr_array_new_with_free_func(g_free);
  if (pairs->len && queue_slot_renew(q, pairs, s->lease_ms, lost))
    g_warning("doctag: renewing %u document places: %s", pairs->len / 2, doctag_error_last()->message);
  if (between)
    between(ud);
  g_mutex_lock(&s->give);
  for (guint i = 0; i < lost->len; i++) {
    const char *slot = g_ptr_array_index(lost, i);
    g_mutex_lock(&s->lock);
    char *owner = g_strdup(g_hash_table_lookup(s->held, slot));
    g_mutex_unlock(&s->lock);
    if (!owner)
      continue;   /* given back since the renewal */
    bool taken = false;
    unsigned int n = 0;
    doctag_status st = queue_slot_take(q, s->holder, slot, owner, G_MAXUINT, s->lease_ms, &taken, &n);
    if (st)
      g_warning("doctag: a document place's lease ran out before its renewal, and taking it again failed: %s",
                doctag_error_last()->message);
    else
      g_warning("doctag: a document place's lease ran out before its renewal (this process stalled or the queue "
                "answered late) while its document still runs: taken again, %u places now held for that user", n);
    g_free(owner);
  }
  g_mutex_unlock(&s->give);
  g_ptr_array_free(lost, TRUE);
  g_ptr_array_free(pairs, TRUE);
}

static gpointer renew_loop(gpointer data)
{
  slots_state *s = data;
  g_mutex_lock(&s->lock);
  while (!s->stop) {
    gint64 until = g_get_monotonic_time() + (gint64)s->lease_ms / 3 * 1000;
    while (!s->stop && g_cond_wait_until(&s->wake, &s->lock, until))
      ;
    if (s->stop)
      continue;
    if (g_atomic_int_get(&s->agreed)) {
      /* Keeps the lease's record alive while this process lives, whether
       * it holds places or not. */
      g_mutex_unlock(&s->lock);
      unsigned int in_force = 0;
      doctag_status st = queue_slot_lease(g_atomic_pointer_get(&s->q), s->lease_ms, &in_force);
      g_mutex_lock(&s->lock);
      if (st)
        g_warning("doctag: renewing the record of the document places' lease: %s", doctag_error_last()->message);
      else if (in_force != s->lease_ms && !s->disagreed)
        /* The record lapsed (no renewal for a lease: the queue was out of
         * reach) and another process recorded its own meanwhile. */
        g_warning("doctag: DOCTAG_DOC_SLOT_LEASE_SEC is %g here but another server on this queue recorded %g "
                  "while this one could not renew its record; give every server the same value",
                  s->lease_ms / 1000.0, in_force / 1000.0);
      s->disagreed = !st && in_force != s->lease_ms;
    }
    if (s->stop)
      continue;
    g_mutex_unlock(&s->lock);
    slots_renew(s, NULL, NULL);
    g_mutex_lock(&s->lock);
  }
  g_mutex_unlock(&s->lock);
  return NULL;
}

/* Runs inside ctx_attach(), which cannot be entered again for the queue:
 * the first take sets s->q. */
static void *slots_create(doctag_ctx *ctx)
{
  slots_state *s = g_new0(slots_state, 1);
  s->lease_ms = ctx->doc_slot_lease_ms;
  char *uuid = store_uuid_new();
  s->holder = g_strdup_printf("%s:%d:%s", g_get_host_name(), (int)getpid(), uuid);
  g_free(uuid);
  s->pid = getpid();
  g_mutex_init(&s->lock);
  g_mutex_init(&s->give);
  g_cond_init(&s->wake);
  s->held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GError *e = NULL;
  s->renewer = g_thread_try_new("doctag-slots", renew_loop, s, &e);
  if (!s->renewer) {
    err_set(DOCTAG_EINTERNAL, "cannot start the thread that renews document places: %s", e->message);
    g_error_free(e);
    g_hash_table_destroy(s->held);
    g_free(s->holder);
    g_free(s);
    return NULL;
  }
  return s;
}

static void slots_destroy(void *obj)
{
  slots_state *s = obj;
  g_mutex_lock(&s->lock);
  s->stop = true;
  g_cond_broadcast(&s->wake);
  g_mutex_unlock(&s->lock);
  /* A forked child has the state but not the thread. */
  if (s->pid == getpid())
    g_thread_join(s->renewer);
  else
    g_thread_unref(s->renewer);
  g_hash_table_destroy(s->held);
  g_mutex_clear(&s->lock);
  g_mutex_clear(&s->give);
  g_cond_clear(&s->wake);
  g_free(s->holder);
  g_free(s);
}

/* Makes this process's lease the queue's (see the top): once agreed, the
 * renewer keeps the record. */
static doctag_status lease_agree(slots_state *s, queue *q)
{
  if (g_atomic_int_get(&s->agreed))
    return DOCTAG_OK;
  unsigned int in_force = 0;
  doctag_status st = queue_slot_lease(q, s->lease_ms, &in_force);
  if (st)
    return err_wrap(st, "recording the document places' lease");
  if (in_force != s->lease_ms) {
    bool redis = !strcmp(queue_backend_name(q), "redis");
    return err_set(DOCTAG_ECONFLICT,
                   "DOCTAG_DOC_SLOT_LEASE_SEC is %g here but %g on the servers already running on this queue "
                   "(recorded in %s): set DOCTAG_DOC_SLOT_LEASE_SEC=%g, or to change it stop every server on this "
                   "queue, wait %g s and start them all with the new value",
                   s->lease_ms / 1000.0, in_force / 1000.0,
                   redis ? "Redis, key doctag:slot_lease" : "the database, table queue_settings", in_force / 1000.0,
                   in_force / 1000.0);
  }
  g_atomic_int_set(&s->agreed, 1);
  return DOCTAG_OK;
}

/* The context's places and queue, the lease agreed. */
static doctag_status slots_get(doctag_ctx *ctx, const char *fn, slots_state **out, queue **qout)
{
  queue *q;
  doctag_status st = queue_get(ctx, &q);
  if (st)
    return st;
  slots_state *s = ctx_attach(ctx, "jobs.slots", slots_create, slots_destroy);
  if (!s) {
    const doctag_error *e = doctag_error_last();
    return e->code ? e->code : err_set(DOCTAG_EINTERNAL, "document places could not be kept");
  }
  if (s->pid != getpid())
    return err_set(DOCTAG_EINTERNAL, "%s: the context was used before fork(); use one per process", fn);
  /* Before the agreement, which lets the renewer use it. */
  g_atomic_pointer_set(&s->q, q);
  if ((st = lease_agree(s, q)))
    return st;
  *out = s;
  *qout = q;
  return DOCTAG_OK;
}

void slots_renew_now(doctag_ctx *ctx, void (*between)(void *), void *ud)
{
  slots_state *s = ctx_attach(ctx, "jobs.slots", slots_create, slots_destroy);
  if (s && g_atomic_pointer_get(&s->q))
    slots_renew(s, between, ud);
}

DOCTAG_API doctag_status doctag_doc_slot_lease_agree(doctag_ctx *ctx)
{
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "doctag_doc_slot_lease_agree: ctx is required");
  slots_state *s;
  queue *q;
  return slots_get(ctx, "doctag_doc_slot_lease_agree", &s, &q);
}

DOCTAG_API doctag_status doctag_doc_slot_take(doctag_doc_slot **out, doctag_ctx *ctx, const char *user_id,
                                              unsigned int max, unsigned int *in_flight)
{
  if (out)
    *out = NULL;
  if (in_flight)
    *in_flight = 0;
  if (!out || !ctx || !user_id || !*user_id)
    return err_set(DOCTAG_EINVAL, "doctag_doc_slot_take: out, ctx and user_id are required");
  if (!max)
    return err_set(DOCTAG_EINVAL, "doctag_doc_slot_take: max must be at least 1");
  slots_state *s;
  queue *q;
  doctag_status st = slots_get(ctx, "doctag_doc_slot_take", &s, &q);
  if (st)
    return st;
  char *uuid = store_uuid_new();
  char *id = g_strconcat(s->holder, "/", uuid, NULL);
  g_free(uuid);
  bool taken = false;
  unsigned int held = 0;
  st = queue_slot_take(q, s->holder, id, user_id, max, s->lease_ms, &taken, &held);
  if (in_flight)
    *in_flight = held;
  if (st) {
    g_free(id);
    return st;
  }
  if (!taken) {
    g_free(id);
    return err_set_rate(5, "Too many documents in progress for this account (%u at once); try again when one "
                        "finishes", max);
  }
  doctag_doc_slot *slot = g_new0(doctag_doc_slot, 1);
  slot->s = s;
  slot->id = id;
  slot->user = g_strdup(user_id);
  g_mutex_lock(&s->lock);
  g_hash_table_insert(s->held, g_strdup(id), g_strdup(user_id));
  g_mutex_unlock(&s->lock);
  *out = slot;
  return DOCTAG_OK;
}

DOCTAG_API void doctag_doc_slot_free(doctag_doc_slot *slot)
{
  if (!slot)
    return;
  slots_state *s = slot->s;
  g_mutex_lock(&s->give);
  g_mutex_lock(&s->lock);
  g_hash_table_remove(s->held, slot->id);
  g_mutex_unlock(&s->lock);
  g_mutex_unlock(&s->give);
  /* Not renewed any more: a give that fails leaves a place that comes
   * back when its lease runs out. */
  if (queue_slot_give(s->q, slot->user, slot->id))
    g_warning("doctag: giving back a document place: %s", doctag_error_last()->message);
  g_free(slot->id);
  g_free(slot->user);
  g_free(slot);
}
