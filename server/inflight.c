/* Documents in flight per user, counted across the server's kore workers.
 *
 * Kore's workers are processes, and nearly every connection of a client may
 * land on any of them: a cap counted in each worker alone lets a user have
 * DOCTAG_USER_MAX_DOCS in every worker. The counts live in one shared
 * anonymous mapping made in the parent before the workers fork (as /metrics'
 * counters do): a row per user (a 64-bit hash of the user id, entered once
 * by compare-and-swap) with the user's total, taken by compare-and-swap so
 * that two workers can never both take the last place, and each worker's
 * own share of it. A worker that dies takes its documents with it: when kore
 * starts its replacement (the same worker id), the replacement gives back
 * what its predecessor held, so no count outlives the process that held it.
 *
 * The table has DOCTAG_INFLIGHT_USERS rows (default 16,384): one per user
 * since the server started. Without the mapping (it could not be made), or
 * once its rows are all taken, a user's documents are counted in this
 * worker only, and the queue's count of places across servers (task.c,
 * doctag_doc_slot_take) is what holds the cap for them; a full table is
 * logged once a minute. */
#include "server.h"

#include <string.h>

#define ROWS_DEFAULT 16384  /* distinct users since the server started */
#define ROWS_MIN 16
#define ROWS_MAX (1u << 20)
#define WORKERS 64          /* kore worker ids 1..64 */
#define PROBES 64

typedef struct inflight_row {
  uint64_t user;            /* hash of the user id; 0: free */
  uint32_t total;           /* documents in flight, all workers */
  uint16_t held[WORKERS];   /* of which held by worker id i+1 */
} inflight_row;

static inflight_row *shm;   /* rows[nrows] */
static size_t nrows;
static int me = -1;         /* this worker's column, -1: none */

bool srv_inflight_map(void)
{
  nrows = ROWS_DEFAULT;
  const char *v = getenv("DOCTAG_INFLIGHT_USERS");
  if (v && *v) {
    char *end = NULL;
    unsigned long n = strtoul(v, &end, 10);
    if (*end || n < ROWS_MIN || n > ROWS_MAX)
      kore_log(LOG_ERR, "doctag: DOCTAG_INFLIGHT_USERS=%s is not a number from %u to %u; using %u", v, ROWS_MIN,
               ROWS_MAX, ROWS_DEFAULT);
    else
      nrows = n;
  }
  shm = srv_shared_map(nrows * sizeof *shm);
  return shm != NULL;
}

void srv_inflight_init(void)
{
  if (!shm || !worker || worker->id < 1 || worker->id > WORKERS)
    return;
  me = (int)worker->id - 1;
  /* What a predecessor with this id held died with it. */
  for (size_t i = 0; i < nrows; i++) {
    inflight_row *r = &shm[i];
    if (!__atomic_load_n(&r->user, __ATOMIC_ACQUIRE))
      continue;
    uint16_t held = __atomic_exchange_n(&r->held[me], 0, __ATOMIC_ACQ_REL);
    if (held)
      __atomic_sub_fetch(&r->total, held, __ATOMIC_ACQ_REL);
  }
}

/* FNV-1a, never 0 (0 marks a free row). */
static uint64_t user_hash(const char *user)
{
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)user; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  return h ? h : 1;
}

/* The user's row, entered if new; NULL when the table is full. */
static inflight_row *row_of(const char *user)
{
  uint64_t h = user_hash(user);
  for (size_t k = 0; k < PROBES && k < nrows; k++) {
    inflight_row *r = &shm[(h + k) % nrows];
    uint64_t seen = __atomic_load_n(&r->user, __ATOMIC_ACQUIRE);
    if (seen == h)
      return r;
    if (seen == 0) {
      uint64_t zero = 0;
      if (__atomic_compare_exchange_n(&r->user, &zero, h, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) || zero == h)
        return r;
    }
  }
  return NULL;
}

srv_inflight srv_inflight_take(const char *user, unsigned int max, unsigned int *now)
{
  if (!shm || me < 0)
    return SRV_INFLIGHT_LOCAL;
  inflight_row *r = row_of(user);
  if (!r) {
    static int64_t logged;
    if (srv_once_a_minute(&logged))
      kore_log(LOG_WARNING, "doctag: the table of users with documents in flight is full (DOCTAG_INFLIGHT_USERS=%zu): "
               "further users are counted by the queue and in each worker", nrows);
    return SRV_INFLIGHT_LOCAL;
  }
  uint32_t n = __atomic_load_n(&r->total, __ATOMIC_ACQUIRE);
  do {
    if (n >= max) {
      if (now)
        *now = n;
      return SRV_INFLIGHT_FULL;
    }
  } while (!__atomic_compare_exchange_n(&r->total, &n, n + 1, true, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
  __atomic_add_fetch(&r->held[me], 1, __ATOMIC_ACQ_REL);
  if (now)
    *now = n + 1;
  return SRV_INFLIGHT_TAKEN;
}

void srv_inflight_give(const char *user)
{
  if (!shm || me < 0)
    return;
  inflight_row *r = row_of(user);
  if (!r || !__atomic_load_n(&r->held[me], __ATOMIC_ACQUIRE))
    return;
  __atomic_sub_fetch(&r->held[me], 1, __ATOMIC_ACQ_REL);
  __atomic_sub_fetch(&r->total, 1, __ATOMIC_ACQ_REL);
}
