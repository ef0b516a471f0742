/* Internal: the store. Users, refresh tokens, jobs and documents live in
 * SQLite (the embedded default) or PostgreSQL behind one interface.
 *
 * The interface is statement-level: auth and history name a statement
 * (store_stmt) and pass typed parameters; each backend holds its own SQL for
 * every statement in one table (sqlite.c, postgres.c), always parameterised,
 * and returns rows as text cells. The parameters and result columns of each
 * statement are written beside it below; both backends honour them.
 *
 * Connections: a locked pool of per-thread connections (a thread takes one
 * with store_acquire() for a unit of work and gives it back). PostgreSQL
 * connections reconnect after a server restart (one retry, only outside a
 * transaction). SQLite runs in WAL mode with a busy timeout, so several
 * processes on one machine can share the database.
 */
#ifndef DOCTAG_STORE_H
#define DOCTAG_STORE_H

#include "core/ctx.h"
#include <glib.h>

/* Statements. Parameters are $1.. in the order given; "->" lists the result
 * columns. Times are int64 microseconds since the epoch (UTC), booleans come
 * back as "1"/"0" or "t"/"f" (use store_cell_bool), JSON as text. */
typedef enum store_stmt {
  ST_BEGIN,            /* a write transaction (SQLite: BEGIN IMMEDIATE) */
  ST_COMMIT,
  ST_ROLLBACK,
  ST_BEGIN_READ,       /* a read-only transaction whose statements all see one snapshot */
  ST_MIG_LOCK,         /* inside ST_BEGIN: serialises migrations across processes */
  ST_MIG_TABLE,        /* creates schema_migrations when missing */
  ST_MIG_LIST,         /* -> version */
  ST_MIG_INSERT,       /* (version, name, applied_at) */
  ST_PING,             /* -> 1 */

  /* users: USER_COLS = id, email, full_name, is_active, is_verified, created_at */
  ST_USER_INSERT,      /* (id, email, password_hash, full_name, is_active, is_verified, created_at); duplicate email: EEXISTS */
  ST_USER_BY_EMAIL,    /* (email) -> USER_COLS, password_hash */
  ST_USER_BY_ID,       /* (id) -> USER_COLS */
  ST_USER_SET_ACTIVE,  /* (id, is_active, updated_at) */
  ST_USER_LOGGED_IN,   /* (id, last_login_at) */

  /* refresh tokens (token_hash is the hex SHA-256 of the token) */
  ST_TOKEN_INSERT,     /* (id, user_id, token_hash, family, expires_at, created_at, device_info, ip_address) */
  ST_TOKEN_CONSUME,    /* (token_hash, now): revokes it when live -> user_id, family */
  ST_TOKEN_STATE,      /* (token_hash) -> revoked, family, user_id */
  ST_TOKEN_REVOKE,     /* (token_hash, now): revokes when live; changes = 1 when it was */
  ST_TOKEN_REVOKE_FAMILY, /* (family, now) */
  ST_TOKEN_REVOKE_USER,   /* (user_id, now) */
  ST_TOKEN_PURGE,      /* (user_id, before): deletes tokens that expired before `before` */

  /* jobs: JOB_COLS = id, job_type, status, total_documents, processed_count,
   * failed_count, started_at, completed_at, created_at */
  ST_JOB_INSERT,       /* (id, user_id, job_type, status, total_documents, config, created_at, started_at, completed_at, error_message) */
  ST_JOB_STATUS,       /* (id, status, error_message, now): started_at set on first "processing", completed_at on a final state */
  ST_JOB_BUMP,         /* (id, processed delta, failed delta, now) */
  ST_JOB_COUNT,        /* (user_id, status or NULL) -> count */
  ST_JOB_LIST,         /* (user_id, status or NULL, limit, offset) -> JOB_COLS, newest first */
  ST_JOB_LIST_OLDEST,  /* the same, `offset` counted from the oldest end (still newest first) */
  ST_JOB_GET,          /* (id, user_id) -> JOB_COLS, config, error_message */
  ST_JOB_DELETE_DOCS,  /* (id, user_id) */
  ST_JOB_DELETE,       /* (id, user_id); changes = 1 when deleted */
  ST_JOB_BLOBS,        /* (id, user_id) -> distinct sha256 of the job's documents, in byte order */
  ST_BLOB_REFERENCED,  /* (sha256) -> one row when a document still references it */
  ST_JOB_BY_STATUS,    /* (user_id) -> status, count */
  ST_JOB_CENSUS,       /* () -> job_type, status, count, rows not yet finished: every user's jobs (/metrics) */

  /* webhooks (0004): secrets, a job's URL, deliveries (times in microseconds) */
  ST_WEBHOOK_SECRET_ADD,  /* (user_id, secret, now): only when the user has none */
  ST_WEBHOOK_SECRET_SET,  /* (user_id, secret, now): creates or replaces */
  ST_WEBHOOK_SECRET_GET,  /* (user_id) -> secret */
  ST_WEBHOOK_SUBSCRIBE,   /* (job_id, user_id, url, now) */
  ST_WEBHOOK_ENQUEUE,     /* (id, job_id, event, body, now): a pending delivery to the job's URL, once per job;
                           * changes = 0 when the job has no URL or was queued before */
  ST_WEBHOOK_DUE,         /* (now, limit) -> id, url, event, body, attempts, created_at, user_id, next_at */
  ST_WEBHOOK_CLAIM,       /* (id, next_at as read, lease until): changes = 1 when this caller took it */
  ST_WEBHOOK_RESULT,      /* (id, status, attempts, next_at, last_error, delivered_at) */
  ST_WEBHOOK_OF_JOB,      /* (job_id) -> status, attempts, last_error */

  /* documents: DOC_COLS = id, job_id, title, file_path, file_source_type,
   * status, tags, error_message, processed_at, created_at */
  ST_DOC_UPSERT,       /* (id, job_id, user_id, row_index, title, file_path, file_source_type,
                        *  sha256, file_size, mime_type, status, tags, extracted_text,
                        *  processing_metadata, error_message, processed_at, now)
                        * -> id (the existing one when (job_id, row_index) was recorded before) */
  ST_DOC_ROW_STATUS,   /* (job_id, row_index) -> status, sha256 of that row's document, if any */
  ST_DOC_COUNT,        /* (user_id) -> count */
  ST_DOC_LIST,         /* (user_id, limit, offset) -> DOC_COLS, newest first */
  ST_DOC_LIST_OLDEST,  /* the same, `offset` counted from the oldest end (still newest first) */
  ST_DOC_OF_JOB,       /* (job_id, user_id) -> DOC_COLS in row order */
  ST_DOC_GET,          /* (id, user_id) -> DOC_COLS, file_size, mime_type, extracted_text,
                        *  processing_metadata, sha256, row_index */
  ST_DOC_SEARCH,       /* (user_id, match, limit) -> DOC_COLS, best first; match from ops->match_query;
                        * user_id must be a valid UUID (it is matched inside the index) */
  ST_DOC_STATS,        /* (user_id) -> total, completed, failed */

  /* search heads (0009; history/search.c): a user's best 100 documents for
   * one word, in rank order, kept by triggers. TERM is the backend's name
   * for the word (from ST_HEAD_TERM). */
  ST_HEAD_TERM,        /* (query text) -> TERM when the query is one word (no phrase), else NULL */
  ST_HEAD_STATE,       /* (user_id, TERM) -> documents held, 1 when it holds every document of the word,
                        * when a search last used it (store_now_us) */
  ST_HEAD_SEARCH,      /* (user_id, TERM, limit) -> DOC_COLS, best first (the order of ST_DOC_SEARCH) */
  ST_HEAD_LOCK,        /* (user_id) -> the user's document count; inside ST_BEGIN, holds off writers of
                        * the user's documents until the transaction ends */
  ST_HEAD_DROP,        /* (user_id, TERM) */
  ST_HEAD_NEW,         /* (user_id, TERM, now): an empty head, used now */
  ST_HEAD_FLOOR,       /* (user_id, TERM): the floor becomes the 101st document's rank, NULL when none */
  ST_HEAD_CUT,         /* (user_id, TERM): drops what ranks at or below the floor */
  ST_HEAD_COUNT,       /* (user_id, TERM): counts what the head holds */
  ST_HEAD_GEN,         /* (user_id) -> how many writes of the user's documents there have been (0010) */
  ST_HEAD_STAGE,       /* (user_id, TERM) -> seq, KEY of the best 101 documents of the word, best first:
                        * read outside the write lock; KEY gives the document's score exactly; and in
                        * each row how many of the user's documents hold the word (NULL when the
                        * backend's ranking does not weigh rarity) */
  ST_HEAD_DF,          /* (user_id, TERM, count): the head's count of the word's documents (0018), kept
                        * by triggers from then on; a no-op where ranking does not weigh rarity */
  ST_HEAD_TOUCH,       /* (user_id, TERM, now): a search used it now */
  ST_HEAD_EVICT,       /* (user_id, TERM, keep): drops the user's heads but TERM's and the `keep` most
                        * recently used (0011) */
  ST_HEAD_PUBLISH,     /* (user_id, TERM, [[seq, KEY], ...] as JSON): puts staged documents into an
                        * empty head */
  ST_HEAD_WRITES,      /* (user_id, gen) -> how many of the user's writes after gen the log (0014) holds */
  ST_HEAD_REPLAY_DROP, /* (user_id, TERM, gen): drops from the head the documents written after gen */
  ST_HEAD_REPLAY,      /* (user_id, TERM, gen): the documents written after gen enter the head as a
                        * write's trigger enters them (when they hold the word and rank above the floor) */

  /* document frequencies of a user's archive (0007; history/df.c). TERMS is
   * a JSON array of stems in byte order, "" first (the document itself) */
  ST_DF_DOC_ADD,       /* (user_id, sha256, TERMS): changes = 1 when the content was not counted yet */
  ST_DF_UP,            /* (user_id, TERMS): each stem's count + 1 */
  ST_DF_DOC_DROP,      /* (user_id, sha256): forgets the content unless a completed document of
                        * the user still holds it -> TERMS it was counted with, when forgotten */
  ST_DF_DOWN,          /* (user_id, TERMS): each stem's count - 1 */
  ST_DF_PURGE,         /* (user_id): drops the counts that reached 0 */
  ST_DF_GET,           /* (user_id, TERMS) -> stem, count of those counted */
  ST_DF_DOC_TERMS,     /* (user_id, sha256) -> TERMS of that content, when counted */
  ST_DF_LOCK,          /* (user_id, sha256): inside ST_BEGIN, waits for any other transaction
                        * counting or forgetting that content of that user, until it ends */

  /* the local batch queue (queue/local.c; tables of 0002_queue.sql, times in
   * microseconds). QJOB_COLS = user_id, status, total, done, processed,
   * failed, seq, config, secret, error, created_at, started_at, finished_at;
   * COUNTERS = status, seq, total, done, processed, failed, started_at.
   * "Locks" holds the row until the transaction ends, where the engine locks
   * rows (SQLite's write transaction already excludes other writers). */
  ST_Q_JOB_INSERT,     /* (job_id, user_id, total, config, secret, created_at): a pending job */
  ST_Q_ITEM_INSERT,    /* (job_id, first row_index, JSON array of payload strings): a waiting item each,
                        * numbered on from the first */
  ST_Q_JOB_GET,        /* (job_id) -> QJOB_COLS */
  ST_Q_JOB_LOCK,       /* (job_id) -> status; locks the job */
  ST_Q_JOB_SET_STATUS, /* (job_id, status, now, error or NULL: kept): a final status sets finished_at and
                        * drops the secret; the first "processing" sets started_at */
  ST_Q_JOB_START,      /* (job_id, now): pending -> processing; changes = 1 when it was pending */
  ST_Q_EVENT_SEQ,      /* (job_id): numbers the next event -> seq, total, done, processed, failed, started_at */
  ST_Q_EVENT_INSERT,   /* (job_id, seq, body, now) */
  ST_Q_CANDIDATE,      /* (now) -> job_id, expired: the oldest pending or processing job with a waiting
                        * item or a claimed one whose lease ended before now (expired true) */
  ST_Q_CLAIM_EXPIRED,  /* (job_id, owner, lease_until, now): takes the job's first claimed item whose lease
                        * ended, skipping items others lock -> row_index, payload, attempts */
  ST_Q_CLAIM_WAITING,  /* (job_id, owner, lease_until): claims its first waiting item, likewise */
  ST_Q_ITEM_DONE,      /* (job_id, row_index, ok, result): changes = 0 when done before; its finished_seq is
                        * the job's done + 1 (after ST_Q_JOB_LOCK: the finishing number ST_Q_JOB_COUNT gives) */
  ST_Q_JOB_COUNT,      /* (job_id, processed delta, failed delta, 1: number an event while not ended)
                        * -> COUNTERS; counts one finished row */
  ST_Q_JOB_COMPLETE,   /* (job_id, now): completed, secret dropped, an event numbered -> COUNTERS */
  ST_Q_JOB_LOCK_SEQ,   /* (job_id): when pending or processing, locks it and numbers an event -> COUNTERS */
  ST_Q_EVENTS_READ,    /* (job_id, after, max or 0: all) -> seq, body with seq > after, in order */
  ST_Q_JOB_SEQ,        /* (job_id) -> seq */
  ST_Q_RESULTS,        /* (job_id) -> result of each done item, in finishing order */
  ST_Q_RESULTS_PAGE,   /* (job_id, after, last) -> result of each done item with after < finished_seq <= last,
                        * in finishing order */
  ST_Q_ACTIVE,         /* (user_id) -> job_id, QJOB_COLS of its processing and paused jobs, newest first */
  ST_Q_RENEW,          /* (job_id, row_index, owner, lease_until): only while `owner` holds the claim */
  ST_Q_RELEASE,        /* (job_id, row_index, owner): a claimed item back to waiting, likewise */
  /* documents in flight per user, across processes (0013; queue/local.c) */
  ST_Q_SLOT_LOCK,      /* (user_id): inside ST_BEGIN, serialises takes of the user's places */
  ST_Q_SLOT_PURGE,     /* (user_id, now): drops the user's places whose lease ran out */
  ST_Q_SLOT_COUNT,     /* (user_id) -> places held */
  ST_Q_SLOT_INSERT,    /* (id, user_id, holder, lease_until) */
  ST_Q_SLOT_RENEW,     /* (id, lease_until): changes nothing when the place is gone */
  ST_Q_SLOT_EXPIRE,    /* (now): drops every place whose lease ran out (of users who do not come back) */
  ST_Q_SLOT_DELETE,    /* (id) */
  /* settings every process on the queue shares (0016; queue/local.c) */
  ST_Q_SETTING_CLAIM,  /* (name, value, now, until): records value until `until` unless another value's
                        * row holds past now; a row of the same value holds until `until` */
  ST_Q_SETTING_GET,    /* (name) -> value */
  /* Login throttling (auth/throttle.c): failures per kind ("email" or "addr") and subject. */
  ST_AUTH_FAIL_PURGE,  /* (before): drops failures older than `before` */
  ST_AUTH_FAIL_INSERT, /* (id, kind, subject, at) */
  ST_AUTH_FAIL_COUNT,  /* (kind, subject, after) -> count of failures since `after` */
  ST_AUTH_FAIL_NTH,    /* (kind, subject, after, n) -> at: the (n+1)-th newest failure since `after` */
  ST_AUTH_FAIL_DELETE, /* (id) */
  ST_AUTH_FAIL_CLEAR,  /* (kind, subject): every failure of that subject */
  /* Revoked token families (auth/revoke.c). */
  ST_AUTH_REVOKE,      /* (family, revoked_at, expires_at): kept when already revoked */
  ST_AUTH_REVOKE_PURGE,/* (now): drops revocations that expired */
  ST_AUTH_REVOKED,     /* (family) -> 1 when revoked */
  ST_COUNT
} store_stmt;

typedef enum store_ptype { SP_NULL, SP_TEXT, SP_INT, SP_BOOL } store_ptype;

/* A statement parameter; text is borrowed for the call. */
typedef struct store_param {
  store_ptype type;
  const char *text;
  int64_t num;
} store_param;

#define SP_T(s) ((store_param){ (s) ? SP_TEXT : SP_NULL, (s), 0 })
#define SP_I(n) ((store_param){ SP_INT, NULL, (int64_t)(n) })
#define SP_B(b) ((store_param){ SP_BOOL, NULL, (b) ? 1 : 0 })
#define SP_N ((store_param){ SP_NULL, NULL, 0 })

/* Result of a statement: text cells (NULL for SQL NULL), row-major. */
typedef struct store_rows {
  unsigned int nrows, ncols;
  char **cell;      /* g_malloc'd strings */
  int64_t changes;  /* rows inserted, updated or deleted */
} store_rows;

/* Cell accessors; out-of-range cells read as NULL / 0 / false. */
const char *store_cell(const store_rows *r, unsigned int row, unsigned int col);
int64_t store_cell_int(const store_rows *r, unsigned int row, unsigned int col);
bool store_cell_bool(const store_rows *r, unsigned int row, unsigned int col);
void store_rows_clear(store_rows *r);

/* A connection; backends extend it (the ops pointer comes first). */
typedef struct store_conn {
  const struct store_ops *ops;
} store_conn;

struct store;

/* A backend. Adding one is adding a file with its ops and SQL table, and a
 * line in store.c's list. Errors set the thread's error: DOCTAG_EEXISTS
 * (unique violation), DOCTAG_ENOTFOUND (foreign key: the referenced user or
 * job is missing), DOCTAG_EUNAVAILABLE (cannot reach the server, database
 * locked), DOCTAG_ESTORE (anything else), each with the engine's message. */
typedef struct store_ops {
  const char *name;            /* "sqlite", "postgresql" */
  const char *migrations;      /* prefix of its migrations among the embedded files */
  bool (*accepts)(const char *url);
  /* Checks the URL and prepares the backend's shared state (s->impl). */
  doctag_status (*open)(struct store *s, const char *url, const char *data_dir);
  void (*close)(struct store *s);
  doctag_status (*connect)(struct store *s, store_conn **out);
  void (*disconnect)(store_conn *c);
  /* Runs one statement; out may be NULL. */
  doctag_status (*exec)(store_conn *c, store_stmt st, const store_param *p, unsigned int n, store_rows *out);
  /* Runs SQL that another subsystem keeps beside its own code (auth's
   * tables), with exec's parameter and result rules. `sql` must live
   * as long as the store (a string literal): it may be cached prepared,
   * keyed by its address. */
  doctag_status (*exec_sql)(store_conn *c, const char *sql, const store_param *p, unsigned int n,
                            store_rows *out);
  /* Runs a migration script (several statements, no parameters). */
  doctag_status (*script)(store_conn *c, const char *sql);
  /* The search parameter for a user's query text, in which every character
   * is plain text; NULL when the query holds no word (nothing matches). */
  char *(*match_query)(const char *query);
  /* The SQL of a statement (tests check every one is present). */
  const char *(*sql)(store_stmt st);
  /* Whether a search of several words weighs each word by its rarity among
   * the owner's documents, read from the word's search head (ST_HEAD_DF):
   * such a search then builds the heads of its words first. */
  bool rarity_from_heads;
  /* A search of several words (`match` from match_query) answered from its
   * words' search heads, reading only the documents that can still reach
   * the best `limit`: the rows ST_DOC_SEARCH gives, in its order, when the
   * heads prove them (*answered), else nothing (the caller ranks every
   * match). Called inside a read transaction. NULL: every match is ranked. */
  doctag_status (*search_words)(store_conn *c, const char *user_id, const char *match, unsigned int limit,
                                store_rows *out, bool *answered);
  /* Every document of a head's word, kept beside the head for search_words
   * (SQLite, 0023). stage: read inside the snapshot a head is staged from,
   * *staged newly allocated text (g_free). publish: inside the transaction
   * that builds the head, after it: as staged when `since` < 0, else with
   * the documents written after write count `since` (0014's log) entered
   * again. NULL: the backend keeps none. */
  doctag_status (*postings_stage)(store_conn *c, const char *user_id, const char *term, char **staged);
  doctag_status (*postings_publish)(store_conn *c, const char *user_id, const char *term, const char *staged,
                                    int64_t since);
} store_ops;

extern const store_ops store_sqlite_ops;
extern const store_ops store_postgres_ops;

struct store {
  const store_ops *ops;
  void *impl;
  char *url;                 /* as configured (may hold a password: never log it) */
  GMutex lock;               /* guards idle */
  GPtrArray *idle;           /* idle connections */
};

/* The context's store, opened (and migrated) on first use and attached to
 * the context (ctx_attach: closed by doctag_ctx_free()). Borrowed: valid
 * until doctag_ctx_free(). A failed open is not kept: the next call tries
 * again. Errors: DOCTAG_EINVAL (bad URL), DOCTAG_EUNAVAILABLE, DOCTAG_ESTORE. */
doctag_status store_get(doctag_ctx *ctx, struct store **out);

/* Opens a store for `url` (NULL or "": SQLite at data_dir/doctag.db) and
 * applies the migrations. Release with store_close(). */
doctag_status store_open(const char *url, const char *data_dir, struct store **out);

/* Closes a store and its connections. NULL is fine. Every connection must
 * have been released. */
void store_close(struct store *s);

/* Applies the migrations not yet recorded in schema_migrations, in order,
 * in one transaction under a lock; running it again does nothing.
 * *applied (may be NULL) gets how many ran. */
doctag_status store_migrate(struct store *s, unsigned int *applied);

/* Takes a connection from the pool (or opens one); give it back with
 * store_release(), on the same thread, with no transaction open. */
doctag_status store_acquire(struct store *s, store_conn **out);
void store_release(struct store *s, store_conn *c);

/* Runs a statement on a connection (out may be NULL). */
doctag_status store_exec(store_conn *c, store_stmt st, const store_param *p, unsigned int n, store_rows *out);

/* Runs SQL of another subsystem on a connection (see store_ops.exec_sql);
 * the caller picks the SQL for c->ops->name. */
doctag_status store_exec_sql(store_conn *c, const char *sql, const store_param *p, unsigned int n, store_rows *out);

/* Acquires, runs one statement, releases. */
doctag_status store_query(struct store *s, store_stmt st, const store_param *p, unsigned int n, store_rows *out);

/* Transactions on a connection. store_tx_end() commits when ok, else rolls
 * back; it returns the commit's status (or `st` itself when not ok). */
doctag_status store_tx_begin(store_conn *c);
/* A read-only transaction: every statement until store_tx_end() reads the
 * same snapshot of the database. */
doctag_status store_tx_begin_read(store_conn *c);
doctag_status store_tx_end(store_conn *c, doctag_status st);

/* Whether the database answers (for health checks): opens the store if
 * needed and runs a trivial statement; *ms (may be NULL) gets the round
 * trip in milliseconds. Errors: those of store_get() and the statement. */
doctag_status store_ping(doctag_ctx *ctx, double *ms);

/* Helpers shared by auth and history. */
char *store_uuid_new(void);                  /* random v4 UUID, lower case; g_free */
bool store_uuid_valid(const char *s);
int64_t store_now_us(void);                  /* wall clock, microseconds since the epoch */
char *store_time_iso(int64_t us);            /* "2024-05-01T12:34:56.123456Z"; g_free */

#endif
