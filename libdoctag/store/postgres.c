/* The PostgreSQL backend (libpq). One connection per thread (from the pool);
 * a connection broken by a server restart is reset and the statement retried
 * once when no transaction was open (inside one, the transaction is lost and
 * the caller gets DOCTAG_EUNAVAILABLE). */
#include "store/store.h"
#include "store/pqlib.h"
#include "core/error.h"

#include <string.h>

/* libpq's functions (pqlib.c), loaded by pg_open(): every connection comes
 * from an opened store */
#define P (pqlib_loaded())

/* Times cross the interface as int64 microseconds since the epoch. */
#define TS_IN(p) "('epoch'::timestamptz + (" p ")::int8 * interval '1 microsecond')"
#define TS_OUT(c) "(extract(epoch from " c ") * 1000000)::int8"

#define USER_COLS "id, email, full_name, is_active, is_verified, " TS_OUT("created_at")
#define JOB_COLS "id, job_type, status, total_documents, processed_count, failed_count, " \
                 TS_OUT("started_at") ", " TS_OUT("completed_at") ", " TS_OUT("created_at")
#define DOC_COLS "d.id, d.job_id, d.title, d.file_path, d.file_source_type, d.status, d.tags, " \
                 "d.error_message, " TS_OUT("d.processed_at") ", " TS_OUT("d.created_at")
/* A page of a user's jobs / documents: the keys of `limit` entries after
 * `offset` in `order` (one of the lists' indexes, 0006, either way), then
 * those rows, newest first. The keys come as an array (ARRAY(...), not
 * IN): the plan made once for any limit and offset then reads them by key;
 * with IN it was costed for a tenth of the user's rows, so PostgreSQL
 * planned every call anew (0.15-0.6 ms of the backend's CPU a page). */
#define JOB_PAGE(order) "SELECT " JOB_COLS " FROM jobs WHERE id = ANY (ARRAY(SELECT id FROM jobs WHERE user_id = $1" \
                        " AND ($2::text IS NULL OR status = $2::text) ORDER BY " order " LIMIT $3 OFFSET $4))" \
                        " ORDER BY created_at DESC, id"
#define DOC_PAGE(order) "SELECT " DOC_COLS " FROM documents d WHERE d.seq = ANY (ARRAY(SELECT seq FROM documents" \
                        " WHERE user_id = $1 ORDER BY " order " LIMIT $2 OFFSET $3))" \
                        " ORDER BY d.created_at DESC, d.seq DESC"
/* The owner $1's documents holding the words of tsquery `q`: the owner's
 * lexeme (0006) joins the words in GIN's own condition, which scopes the
 * scan. The owner's id is tested again on each row, but as no index
 * condition (IS TRUE): as one, PostgreSQL ANDed GIN's bitmap with one of
 * every document of the owner from documents_user_status, a scan that
 * grows with the owner's archive (12,759 entries at 200,000 documents),
 * and several-word searches took 1.3 times as long. */
#define OWNER_WORDS(q) "(d.user_id = $1::uuid) IS TRUE AND d.search_vector @@ (" q " && ('''owner:' || $1::uuid::text || '''')::tsquery)"
#define FINAL_STATES "('completed', 'cancelled', 'failed')"
#define QJOB_COLS "user_id, status, total, done, processed, failed, seq, config, secret, error, " \
                  "created_at, started_at, finished_at"
/* pg_advisory_xact_lock key of the migration runner ("doct"). */
#define MIGRATION_LOCK "1685021556"

static const char *const sql_table[ST_COUNT] = {
  [ST_BEGIN] = "BEGIN",
  [ST_COMMIT] = "COMMIT",
  [ST_ROLLBACK] = "ROLLBACK",
  [ST_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
  [ST_MIG_LOCK] = "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")",
  [ST_MIG_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
  [ST_MIG_LIST] = "SELECT version FROM schema_migrations ORDER BY version",
  [ST_MIG_INSERT] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, " TS_IN("$3") ")",
  [ST_PING] = "SELECT 1",

  [ST_USER_INSERT] = "INSERT INTO users (id, email, password_hash, full_name, is_active, is_verified,"
                     " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, " TS_IN("$7") ", " TS_IN("$7") ")",
  [ST_USER_BY_EMAIL] = "SELECT " USER_COLS ", password_hash FROM users WHERE email = $1",
  [ST_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = $1",
  [ST_USER_SET_ACTIVE] = "UPDATE users SET is_active = $2, updated_at = " TS_IN("$3") " WHERE id = $1",
  [ST_USER_LOGGED_IN] = "UPDATE users SET last_login_at = " TS_IN("$2") " WHERE id = $1",

  [ST_TOKEN_INSERT] = "INSERT INTO refresh_tokens (id, user_id, token_hash, family, expires_at,"
                      " created_at, device_info, ip_address) VALUES ($1, $2, $3, $4, " TS_IN("$5") ", "
                      TS_IN("$6") ", $7, $8)",
  [ST_TOKEN_CONSUME] = "UPDATE refresh_tokens SET revoked = true, revoked_at = " TS_IN("$2")
                       " WHERE token_hash = $1 AND NOT revoked AND expires_at > " TS_IN("$2")
                       " RETURNING user_id, family",
  [ST_TOKEN_STATE] = "SELECT revoked, family, user_id FROM refresh_tokens WHERE token_hash = $1",
  [ST_TOKEN_REVOKE] = "UPDATE refresh_tokens SET revoked = true, revoked_at = " TS_IN("$2")
                      " WHERE token_hash = $1 AND NOT revoked AND expires_at > " TS_IN("$2"),
  [ST_TOKEN_REVOKE_FAMILY] = "UPDATE refresh_tokens SET revoked = true, revoked_at = " TS_IN("$2")
                             " WHERE family = $1 AND NOT revoked",
  [ST_TOKEN_REVOKE_USER] = "UPDATE refresh_tokens SET revoked = true, revoked_at = " TS_IN("$2")
                           " WHERE user_id = $1 AND NOT revoked",
  [ST_TOKEN_PURGE] = "DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at < " TS_IN("$2"),

  [ST_JOB_INSERT] = "INSERT INTO jobs (id, user_id, job_type, status, total_documents, config,"
                    " created_at, updated_at, started_at, completed_at, error_message)"
                    " VALUES ($1, $2, $3, $4, $5, $6, " TS_IN("$7") ", " TS_IN("$7") ", "
                    TS_IN("$8") ", " TS_IN("$9") ", $10)",
  [ST_JOB_STATUS] = "UPDATE jobs SET status = $2::text, error_message = coalesce($3::text, error_message),"
                    " started_at = CASE WHEN $2::text = 'processing' THEN coalesce(started_at, " TS_IN("$4")
                    ") ELSE started_at END,"
                    " completed_at = CASE WHEN $2::text IN " FINAL_STATES " THEN " TS_IN("$4") " ELSE NULL END,"
                    " updated_at = " TS_IN("$4") " WHERE id = $1",
  [ST_JOB_BUMP] = "UPDATE jobs SET processed_count = processed_count + $2,"
                  " failed_count = failed_count + $3, updated_at = " TS_IN("$4") " WHERE id = $1",
  [ST_JOB_COUNT] = "SELECT count(*) FROM jobs WHERE user_id = $1 AND ($2::text IS NULL OR status = $2::text)",
  /* Lists skip `offset` entries of an index in the list's order (0006),
   * index-only, and read only the page's rows. A page nearer the oldest
   * end is counted from there (_OLDEST: the index read backwards). */
  [ST_JOB_LIST] = JOB_PAGE("created_at DESC, id"),
  [ST_JOB_LIST_OLDEST] = JOB_PAGE("created_at, id DESC"),
  [ST_JOB_GET] = "SELECT " JOB_COLS ", config, error_message FROM jobs WHERE id = $1 AND user_id = $2",
  [ST_JOB_DELETE_DOCS] = "DELETE FROM documents WHERE job_id = $1 AND user_id = $2",
  [ST_WEBHOOK_SECRET_ADD] = "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES ($1, $2, $3) "
                            "ON CONFLICT (user_id) DO NOTHING",
  [ST_WEBHOOK_SECRET_SET] = "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES ($1, $2, $3) "
                            "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
  [ST_WEBHOOK_SECRET_GET] = "SELECT secret FROM webhook_secrets WHERE user_id = $1",
  [ST_WEBHOOK_SUBSCRIBE] = "INSERT INTO webhook_subscriptions (job_id, user_id, url, created_at) VALUES ($1, $2, $3, $4)",
  [ST_WEBHOOK_ENQUEUE] = "INSERT INTO webhook_deliveries (id, job_id, user_id, url, event, body, status, attempts, "
                         "next_at, created_at) SELECT $1::uuid, job_id, user_id, url, $3::text, $4::text, 'pending', 0, $5::int8, $5::int8 "
                         "FROM webhook_subscriptions WHERE job_id = $2 ON CONFLICT (job_id) DO NOTHING",
  [ST_WEBHOOK_DUE] = "SELECT id, url, event, body, attempts, created_at, user_id, next_at FROM webhook_deliveries "
                     "WHERE status = 'pending' AND next_at <= $1 ORDER BY next_at LIMIT $2",
  [ST_WEBHOOK_CLAIM] = "UPDATE webhook_deliveries SET next_at = $3 WHERE id = $1 AND next_at = $2 AND status = 'pending'",
  [ST_WEBHOOK_RESULT] = "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_at = $4, last_error = $5, "
                        "delivered_at = $6 WHERE id = $1",
  [ST_WEBHOOK_OF_JOB] = "SELECT status, attempts, last_error FROM webhook_deliveries WHERE job_id = $1",
  [ST_JOB_DELETE] = "DELETE FROM jobs WHERE id = $1 AND user_id = $2",
  [ST_JOB_BLOBS] = "SELECT DISTINCT sha256 FROM documents WHERE job_id = $1 AND user_id = $2 AND sha256 IS NOT NULL ORDER BY sha256",
  [ST_BLOB_REFERENCED] = "SELECT 1 FROM documents WHERE sha256 = $1 LIMIT 1",
  [ST_JOB_BY_STATUS] = "SELECT status, count(*) FROM jobs WHERE user_id = $1 GROUP BY status ORDER BY status",
  [ST_JOB_CENSUS] = "SELECT job_type, status, count(*), coalesce(sum(total_documents - processed_count - failed_count), 0) "
                   "FROM jobs GROUP BY job_type, status ORDER BY job_type, status",

  [ST_DOC_UPSERT] = "INSERT INTO documents AS d (id, job_id, user_id, row_index, title, file_path,"
                    " file_source_type, sha256, file_size, mime_type, status, tags, extracted_text,"
                    " processing_metadata, error_message, processed_at, created_at, updated_at)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                    TS_IN("$16") ", " TS_IN("$17") ", " TS_IN("$17") ")"
                    " ON CONFLICT (job_id, row_index) DO UPDATE SET title = excluded.title,"
                    " file_path = excluded.file_path, file_source_type = excluded.file_source_type,"
                    " sha256 = excluded.sha256, file_size = excluded.file_size,"
                    " mime_type = excluded.mime_type, status = excluded.status, tags = excluded.tags,"
                    " extracted_text = excluded.extracted_text,"
                    " processing_metadata = excluded.processing_metadata,"
                    " error_message = excluded.error_message, processed_at = excluded.processed_at,"
                    " updated_at = excluded.updated_at"
                    " WHERE d.user_id = excluded.user_id"
                    " RETURNING id",
  [ST_DOC_ROW_STATUS] = "SELECT status, sha256 FROM documents WHERE job_id = $1 AND row_index = $2",
  /* Counts kept by triggers (0008): one row, whatever the history. */
  [ST_DOC_COUNT] = "SELECT coalesce(max(total), 0) FROM user_doc_counts WHERE user_id = $1",
  [ST_DOC_LIST] = DOC_PAGE("created_at DESC, seq DESC"),
  [ST_DOC_LIST_OLDEST] = DOC_PAGE("created_at, seq"),
  [ST_DOC_OF_JOB] = "SELECT " DOC_COLS " FROM documents d WHERE d.job_id = $1 AND d.user_id = $2"
                    " ORDER BY d.row_index, d.seq",
  [ST_DOC_GET] = "SELECT " DOC_COLS ", d.file_size, d.mime_type, d.extracted_text,"
                 " d.processing_metadata, d.sha256, d.row_index"
                 " FROM documents d WHERE d.id = $1 AND d.user_id = $2",
  /* Found through search_vector's GIN index, ordered by rank_vector (small,
   * in the row): ts_rank's default weights, A (title) 1.0, B (tags) 0.4,
   * C (text) 0.2. plainto_tsquery: the query is plain text, words ANDed,
   * unspaced scripts cut into pairs as the vectors are (doctag_words, 0018).
   * The owner's lexeme (0006) joins the words in the index condition, so
   * GIN returns only the user's matches and only those are ranked; of a
   * run of three or more unspaced characters, only documents holding it
   * whole (doctag_held, 0019: its pairs as a phrase), as in SQLite. The
   * best $3 are taken by rank, ties newest (highest seq) first, as a search
   * head (0009) takes them; they come out by rank, then creation. */
  [ST_DOC_SEARCH] = "SELECT " DOC_COLS " FROM (SELECT d.seq, ts_rank(d.rank_vector, q) AS r"
                    " FROM documents d, plainto_tsquery('simple', doctag_words($2::text)) q, doctag_phrases($2::text) p"
                    " WHERE " OWNER_WORDS("q")
                    " AND (cardinality(p.runs) = 0 OR doctag_held(d.search_vector, d.extracted_text, p.phrases, p.runs))"
                    " ORDER BY r DESC, d.seq DESC LIMIT $3) f JOIN documents d ON d.seq = f.seq"
                    " ORDER BY f.r DESC, d.created_at DESC, d.seq DESC",
  [ST_DOC_STATS] = "SELECT coalesce(max(total), 0), coalesce(max(completed), 0), coalesce(max(failed), 0)"
                   " FROM user_doc_counts WHERE user_id = $1",

  /* Search heads (0009). A word is the tsquery of a one-lexeme search, as
   * text; its documents are ranked by ts_rank as ST_DOC_SEARCH ranks them. */
  [ST_HEAD_TERM] = "SELECT CASE WHEN numnode(q) = 1 THEN q::text END FROM plainto_tsquery('simple', doctag_words($1::text)) q",
  [ST_HEAD_STATE] = "SELECT n, floor_score IS NULL, used_at FROM search_heads WHERE user_id = $1::uuid AND term = $2::text",
  [ST_HEAD_SEARCH] = "SELECT " DOC_COLS " FROM (SELECT seq, score FROM search_head_docs"
                     " WHERE user_id = $1::uuid AND term = $2::text ORDER BY score DESC, seq DESC LIMIT $3) h"
                     " JOIN documents d ON d.seq = h.seq WHERE d.user_id = $1::uuid"
                     " ORDER BY h.score DESC, d.created_at DESC, d.seq DESC",
  [ST_HEAD_LOCK] = "SELECT total FROM user_doc_counts WHERE user_id = $1::uuid FOR UPDATE",
  [ST_HEAD_DROP] = "DELETE FROM search_heads WHERE user_id = $1::uuid AND term = $2::text",
  [ST_HEAD_NEW] = "INSERT INTO search_heads (user_id, term, query, n, used_at)"
                  " VALUES ($1::uuid, $2::text, $2::text::tsquery, 0, $3::bigint)",
  [ST_HEAD_TOUCH] = "UPDATE search_heads SET used_at = $3::bigint WHERE user_id = $1::uuid AND term = $2::text",
  [ST_HEAD_EVICT] = "DELETE FROM search_heads WHERE user_id = $1::uuid AND term IN (SELECT term FROM search_heads"
                    " WHERE user_id = $1::uuid AND term <> $2::text ORDER BY used_at DESC, term DESC OFFSET $3::bigint)",
  [ST_HEAD_FLOOR] = "UPDATE search_heads SET (floor_score, floor_seq) = (SELECT score, seq FROM search_head_docs"
                    " WHERE user_id = $1::uuid AND term = $2::text ORDER BY score DESC, seq DESC LIMIT 1 OFFSET 100)"
                    " WHERE user_id = $1::uuid AND term = $2::text",
  [ST_HEAD_CUT] = "DELETE FROM search_head_docs WHERE user_id = $1::uuid AND term = $2::text AND (score, seq) <="
                  " (SELECT floor_score, floor_seq FROM search_heads WHERE user_id = $1::uuid AND term = $2::text)",
  [ST_HEAD_COUNT] = "UPDATE search_heads SET n = (SELECT count(*) FROM search_head_docs"
                    " WHERE user_id = $1::uuid AND term = $2::text) WHERE user_id = $1::uuid AND term = $2::text",
  /* A staged document's KEY is its score as text: a real widened to
   * double precision prints enough digits (whatever extra_float_digits
   * says) to read back as the same real. */
  [ST_HEAD_GEN] = "SELECT gen FROM user_doc_counts WHERE user_id = $1::uuid",
  [ST_HEAD_STAGE] = "SELECT d.seq, ts_rank(d.rank_vector, q)::float8::text, NULL::bigint FROM documents d, CAST($2::text AS tsquery) q"
                    " WHERE " OWNER_WORDS("q")
                    " ORDER BY ts_rank(d.rank_vector, q) DESC, d.seq DESC LIMIT 101",
  /* ts_rank does not weigh rarity: no count to keep. */
  [ST_HEAD_DF] = "SELECT $1::uuid, $2::text, $3::bigint",
  [ST_HEAD_PUBLISH] = "INSERT INTO search_head_docs (user_id, term, score, seq)"
                      " SELECT $1::uuid, $2::text, (j->>1)::real, (j->>0)::bigint FROM jsonb_array_elements($3::jsonb) j",
  /* The documents written since a staged head was read (0014's log), as
   * documents_search_heads (0009) enters them. */
  [ST_HEAD_WRITES] = "SELECT count(*) FROM head_writes WHERE user_id = $1::uuid AND gen > $2::bigint",
  [ST_HEAD_REPLAY_DROP] = "DELETE FROM search_head_docs WHERE user_id = $1::uuid AND term = $2::text"
                          " AND seq IN (SELECT seq FROM head_writes WHERE user_id = $1::uuid AND gen > $3::bigint)",
  [ST_HEAD_REPLAY] = "INSERT INTO search_head_docs (user_id, term, score, seq)"
                     " SELECT h.user_id, h.term, r.score, d.seq FROM search_heads h, documents d,"
                     " LATERAL (SELECT ts_rank(d.rank_vector, h.query) AS score) r"
                     " WHERE h.user_id = $1::uuid AND h.term = $2::text AND d.user_id = $1::uuid"
                     " AND d.seq IN (SELECT seq FROM head_writes WHERE user_id = $1::uuid AND gen > $3::bigint)"
                     " AND d.search_vector @@ h.query"
                     " AND (h.floor_score IS NULL OR (r.score, d.seq) > (h.floor_score, h.floor_seq))",

  /* one statement per document, whatever its number of stems */
  [ST_DF_DOC_ADD] = "INSERT INTO term_df_docs (user_id, sha256, terms) VALUES ($1, $2, $3) "
                    "ON CONFLICT (user_id, sha256) DO NOTHING",
  [ST_DF_UP] = "INSERT INTO term_df (user_id, stem, df) SELECT $1::uuid, value, 1 FROM jsonb_array_elements_text($2::jsonb) AS t(value) "
               "ON CONFLICT (user_id, stem) DO UPDATE SET df = term_df.df + 1",
  [ST_DF_DOC_DROP] = "DELETE FROM term_df_docs WHERE user_id = $1 AND sha256 = $2 AND NOT EXISTS "
                     "(SELECT 1 FROM documents WHERE user_id = $1 AND sha256 = $2 AND status = 'completed') "
                     "RETURNING terms",
  [ST_DF_DOWN] = "UPDATE term_df SET df = df - 1 WHERE user_id = $1 AND stem IN (SELECT value FROM jsonb_array_elements_text($2::jsonb) AS t(value))",
  [ST_DF_PURGE] = "DELETE FROM term_df WHERE user_id = $1 AND df <= 0",
  [ST_DF_GET] = "SELECT stem, df FROM term_df WHERE user_id = $1 AND stem IN (SELECT value FROM jsonb_array_elements_text($2::jsonb) AS t(value))",
  [ST_DF_DOC_TERMS] = "SELECT terms FROM term_df_docs WHERE user_id = $1 AND sha256 = $2",
  /* the two-key space: apart from MIGRATION_LOCK's one-key space; a hash
   * collision only makes two unrelated writers wait for each other */
  [ST_DF_LOCK] = "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",

  /* The local batch queue's tables (0002_queue.sql), for queue/local.c.
   * Their times are plain int8 microseconds. The casts type parameters that
   * PostgreSQL cannot infer; claims lock rows (FOR UPDATE [SKIP LOCKED]) so
   * workers on many machines share the items. */
  [ST_Q_JOB_INSERT] = "INSERT INTO queue_jobs (job_id, user_id, status, total, config, secret, created_at)"
                      " VALUES ($1, $2, 'pending', $3, $4, $5, $6)",
  /* Many rows a statement: one round trip each was most of a 100,000-row
   * submission (93 s against 12.6 s on Redis). json, not jsonb: the
   * strings come back as they were sent, unparsed beyond the array. */
  [ST_Q_ITEM_INSERT] = "INSERT INTO queue_items (job_id, row_index, payload)"
                      " SELECT $1::uuid, $2::bigint + t.ord - 1, t.value"
                      " FROM json_array_elements_text($3::text::json) WITH ORDINALITY AS t(value, ord)",
  [ST_Q_JOB_GET] = "SELECT " QJOB_COLS " FROM queue_jobs WHERE job_id = $1",
  [ST_Q_JOB_LOCK] = "SELECT status FROM queue_jobs WHERE job_id = $1 FOR UPDATE",
  [ST_Q_JOB_SET_STATUS] = "UPDATE queue_jobs SET status = $2::text,"
                          " finished_at = CASE WHEN $2::text IN " FINAL_STATES " THEN $3::bigint ELSE finished_at END,"
                          " secret = CASE WHEN $2::text IN " FINAL_STATES " THEN NULL ELSE secret END,"
                          " started_at = CASE WHEN $2::text = 'processing' THEN coalesce(started_at, $3::bigint)"
                          " ELSE started_at END,"
                          " error = coalesce($4::text, error) WHERE job_id = $1",
  [ST_Q_JOB_START] = "UPDATE queue_jobs SET status = 'processing', started_at = coalesce(started_at, $2::bigint)"
                     " WHERE job_id = $1 AND status = 'pending'",
  [ST_Q_EVENT_SEQ] = "UPDATE queue_jobs SET seq = seq + 1 WHERE job_id = $1"
                     " RETURNING seq, total, done, processed, failed, started_at",
  [ST_Q_EVENT_INSERT] = "INSERT INTO queue_events (job_id, seq, body, created_at) VALUES ($1, $2, $3, $4)",
  /* The oldest runnable job with an item to hand out (each EXISTS is one
   * probe of queue_items_job_state). */
  /* sec: the runnable job whose owner has the fewest rows in flight
   * (claimed, lease running) in all their jobs, then the fewest rows done
   * in their running jobs (with a single worker nothing else is in flight:
   * turns still alternate), oldest first among equals: one user's long
   * batch cannot hold every worker while another's waits. */
  [ST_Q_CANDIDATE] = "SELECT job_id, expired FROM (SELECT j.job_id, j.created_at,"
                     " EXISTS (SELECT 1 FROM queue_items i WHERE i.job_id = j.job_id AND i.state = 'waiting') AS waiting,"
                     " EXISTS (SELECT 1 FROM queue_items i WHERE i.job_id = j.job_id AND i.state = 'claimed'"
                     " AND i.lease_until < $1) AS expired,"
                     " (SELECT count(*) FROM queue_jobs uj JOIN queue_items ui ON ui.job_id = uj.job_id"
                     " WHERE uj.user_id = j.user_id AND uj.status IN ('pending', 'processing')"
                     " AND ui.state = 'claimed' AND ui.lease_until >= $1) AS busy,"
                     " (SELECT sum(uj.done) FROM queue_jobs uj WHERE uj.user_id = j.user_id"
                     " AND uj.status IN ('pending', 'processing')) AS served"
                     " FROM queue_jobs j WHERE j.status IN ('pending', 'processing')) c"
                     " WHERE waiting OR expired ORDER BY busy, served, created_at LIMIT 1",
  /* Claims the job's first item whose lease ran out, else its first waiting
   * item: one statement, an ordered index scan that stops at the first. */
  [ST_Q_CLAIM_EXPIRED] = "UPDATE queue_items SET owner = $2, lease_until = $3, attempts = attempts + 1"
                         " WHERE job_id = $1 AND row_index = (SELECT row_index FROM queue_items WHERE job_id = $1"
                         " AND state = 'claimed' AND lease_until < $4 ORDER BY row_index LIMIT 1 FOR UPDATE SKIP LOCKED)"
                         " RETURNING row_index, payload, attempts",
  [ST_Q_CLAIM_WAITING] = "UPDATE queue_items SET state = 'claimed', owner = $2, lease_until = $3, attempts = attempts + 1"
                         " WHERE job_id = $1 AND row_index = (SELECT row_index FROM queue_items WHERE job_id = $1"
                         " AND state = 'waiting' ORDER BY row_index LIMIT 1 FOR UPDATE SKIP LOCKED)"
                         " RETURNING row_index, payload, attempts",
  [ST_Q_ITEM_DONE] = "UPDATE queue_items SET state = 'done', ok = $3, result = $4, owner = NULL, lease_until = NULL,"
                     " finished_seq = (SELECT done + 1 FROM queue_jobs WHERE job_id = $1)"
                     " WHERE job_id = $1 AND row_index = $2 AND state <> 'done'",
  /* Counts a finished row and, while the job runs, numbers its event. */
  [ST_Q_JOB_COUNT] = "UPDATE queue_jobs SET done = done + 1, processed = processed + $2, failed = failed + $3,"
                     " seq = seq + CASE WHEN status IN ('pending', 'processing', 'paused') THEN $4::bigint ELSE 0 END"
                     " WHERE job_id = $1 RETURNING status, seq, total, done, processed, failed, started_at",
  [ST_Q_JOB_COMPLETE] = "UPDATE queue_jobs SET status = 'completed', finished_at = $2, secret = NULL, seq = seq + 1"
                        " WHERE job_id = $1 RETURNING status, seq, total, done, processed, failed, started_at",
  /* A claim's look at the job: runnable? (then locked, and its
   * "processing" event numbered) */
  [ST_Q_JOB_LOCK_SEQ] = "UPDATE queue_jobs SET seq = seq + 1 WHERE job_id = $1 AND status IN ('pending', 'processing')"
                        " RETURNING status, seq, total, done, processed, failed, started_at",
  [ST_Q_EVENTS_READ] = "SELECT seq, body FROM queue_events WHERE job_id = $1 AND seq > $2"
                       " ORDER BY seq LIMIT NULLIF($3::bigint, 0)",
  [ST_Q_JOB_SEQ] = "SELECT seq FROM queue_jobs WHERE job_id = $1",
  [ST_Q_RESULTS] = "SELECT result FROM queue_items WHERE job_id = $1 AND state = 'done'"
                   " ORDER BY finished_seq",
  /* A range of the index queue_items_finished (0012). */
  [ST_Q_RESULTS_PAGE] = "SELECT result FROM queue_items WHERE job_id = $1 AND state = 'done'"
                        " AND finished_seq > $2 AND finished_seq <= $3 ORDER BY finished_seq",
  [ST_Q_ACTIVE] = "SELECT job_id, " QJOB_COLS " FROM queue_jobs WHERE user_id = $1"
                  " AND status IN ('processing', 'paused') ORDER BY created_at DESC",
  [ST_Q_RENEW] = "UPDATE queue_items SET lease_until = $4"
                 " WHERE job_id = $1 AND row_index = $2 AND owner = $3 AND state = 'claimed'",
  [ST_Q_RELEASE] = "UPDATE queue_items SET state = 'waiting', owner = NULL, lease_until = NULL"
                   " WHERE job_id = $1 AND row_index = $2 AND owner = $3 AND state = 'claimed'",
  [ST_Q_SLOT_LOCK] = "SELECT pg_advisory_xact_lock(hashtext('doctag doc slots'), hashtext($1))",
  [ST_Q_SLOT_PURGE] = "DELETE FROM doc_slots WHERE user_id = $1 AND lease_until < $2",
  [ST_Q_SLOT_COUNT] = "SELECT count(*) FROM doc_slots WHERE user_id = $1",
  [ST_Q_SLOT_INSERT] = "INSERT INTO doc_slots (id, user_id, holder, lease_until) VALUES ($1, $2, $3, $4)",
  [ST_Q_SLOT_RENEW] = "UPDATE doc_slots SET lease_until = $2 WHERE id = $1",
  [ST_Q_SLOT_DELETE] = "DELETE FROM doc_slots WHERE id = $1",
  [ST_Q_SLOT_EXPIRE] = "DELETE FROM doc_slots WHERE lease_until < $1",
  [ST_Q_SETTING_CLAIM] = "INSERT INTO queue_settings (name, value, until) VALUES ($1, $2, $4)"
                        " ON CONFLICT (name) DO UPDATE SET value = excluded.value, until = excluded.until"
                        " WHERE queue_settings.value = excluded.value OR queue_settings.until < $3",
  [ST_Q_SETTING_GET] = "SELECT value FROM queue_settings WHERE name = $1",
  [ST_AUTH_FAIL_PURGE] = "DELETE FROM login_failures WHERE at < $1",
  [ST_AUTH_FAIL_INSERT] = "INSERT INTO login_failures (id, kind, subject, at) VALUES ($1, $2, $3, $4)",
  [ST_AUTH_FAIL_COUNT] = "SELECT count(*) FROM login_failures WHERE kind = $1 AND subject = $2 AND at > $3",
  [ST_AUTH_FAIL_NTH] = "SELECT at FROM login_failures WHERE kind = $1 AND subject = $2 AND at > $3"
                       " ORDER BY at DESC LIMIT 1 OFFSET $4",
  [ST_AUTH_FAIL_DELETE] = "DELETE FROM login_failures WHERE id = $1",
  [ST_AUTH_FAIL_CLEAR] = "DELETE FROM login_failures WHERE kind = $1 AND subject = $2",
  [ST_AUTH_REVOKE] = "INSERT INTO revoked_families (family, revoked_at, expires_at) VALUES ($1, $2, $3)"
                     " ON CONFLICT (family) DO NOTHING",
  [ST_AUTH_REVOKE_PURGE] = "DELETE FROM revoked_families WHERE expires_at < $1",
  [ST_AUTH_REVOKED] = "SELECT 1 FROM revoked_families WHERE family = $1",
};

typedef struct pg_conn {
  store_conn base;
  PGconn *conn;
  bool in_tx;   /* between a successful BEGIN and COMMIT/ROLLBACK */
  GHashTable *prepared;   /* SQL text -> name of the statement prepared on this connection */
  bool no_prepare;        /* prepared statements vanished: a pooler in between */
} pg_conn;

static bool pg_accepts(const char *url)
{
  return url && (g_str_has_prefix(url, "postgresql://") || g_str_has_prefix(url, "postgres://"));
}

static doctag_status pg_open(struct store *s, const char *url, const char *data_dir)
{
  if (!pqlib_get())
    return DOCTAG_ESTORE;
  char *err = NULL;
  PQconninfoOption *opts = P->PQconninfoParse(url, &err);
  if (!opts) {
    doctag_status st = err_set(DOCTAG_EINVAL, "database URL: %s", err ? g_strstrip(err) : "cannot be parsed");
    P->PQfreemem(err);
    return st;
  }
  P->PQconninfoFree(opts);
  s->impl = g_strdup(url);
  return DOCTAG_OK;
}

static void pg_close(struct store *s)
{
  g_free(s->impl);
  s->impl = NULL;
}

/* libpq prints notices ("text-search query doesn't contain lexemes") on
 * stderr by default; they are not errors. */
static void pg_notice(void *arg, const char *message)
{
}

/* The libpq message on one line. */
static char *pg_message(PGconn *conn, const PGresult *res)
{
  const char *m = res ? P->PQresultErrorMessage(res) : NULL;
  if (!m || !*m)
    m = P->PQerrorMessage(conn);
  /* Collapse libpq's multi-line, tab-indented messages. */
  gchar **words = g_strsplit_set(m && *m ? m : "unknown error", " \t\r\n", -1);
  GString *s = g_string_new(NULL);
  for (gchar **w = words; *w; w++)
    if (**w)
      g_string_append_printf(s, "%s%s", s->len ? " " : "", *w);
  g_strfreev(words);
  return g_string_free(s, FALSE);
}

static void pg_disconnect(store_conn *base)
{
  pg_conn *c = (pg_conn *)base;
  if (!c)
    return;
  P->PQfinish(c->conn);
  if (c->prepared)
    g_hash_table_destroy(c->prepared);
  g_free(c);
}

extern const store_ops store_postgres_ops;

static doctag_status pg_connect(struct store *s, store_conn **out)
{
  const char *keys[] = { "dbname", "client_encoding", "connect_timeout", "application_name", NULL };
  const char *vals[] = { s->impl, "UTF8", "10", "doctag", NULL };
  pg_conn *c = g_new0(pg_conn, 1);
  c->base.ops = &store_postgres_ops;
  c->prepared = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->conn = P->PQconnectdbParams(keys, vals, 1);
  if (!c->conn || P->PQstatus(c->conn) != CONNECTION_OK) {
    char *m = c->conn ? pg_message(c->conn, NULL) : g_strdup("out of memory");
    doctag_status st = err_set(DOCTAG_EUNAVAILABLE, "postgresql: cannot connect: %s", m);
    g_free(m);
    pg_disconnect(&c->base);
    return st;
  }
  P->PQsetNoticeProcessor(c->conn, pg_notice, NULL);
  *out = &c->base;
  return DOCTAG_OK;
}

/* Reconnects with the same parameters; true when the server answers. */
static bool pg_reset(pg_conn *c)
{
  P->PQreset(c->conn);
  c->in_tx = false;
  g_hash_table_remove_all(c->prepared);   /* they died with the old session */
  if (P->PQstatus(c->conn) != CONNECTION_OK)
    return false;
  P->PQsetNoticeProcessor(c->conn, pg_notice, NULL);
  return true;
}

static doctag_status pg_error(PGconn *conn, const PGresult *res)
{
  char *m = pg_message(conn, res);
  const char *state = res ? P->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  doctag_status code = DOCTAG_ESTORE;
  if (P->PQstatus(conn) != CONNECTION_OK || (state && (g_str_has_prefix(state, "08") || g_str_has_prefix(state, "57P"))))
    code = DOCTAG_EUNAVAILABLE;
  else if (state && !strcmp(state, "23505"))
    code = DOCTAG_EEXISTS;
  else if (state && !strcmp(state, "23503"))
    code = DOCTAG_ENOTFOUND;
  doctag_status st = err_set(code, "postgresql: %s", m);
  g_free(m);
  return st;
}

/* The name of `sql` prepared on this connection (prepared now if need be),
 * or NULL to send it unprepared. A statement with parameters runs many times
 * (the queue's claim and finish are a dozen statements per document): parsed
 * and analysed once per connection, each costs about half as much
 * (PostgreSQL's plan_cache_mode decides, as for any client that prepares). */
static const char *prepare(pg_conn *c, const char *sql, unsigned int n, PGresult **failed)
{
  *failed = NULL;
  if (n == 0)
    return NULL;
  const char *name = g_hash_table_lookup(c->prepared, sql);
  if (name || c->no_prepare)
    return name;
  char *nm = g_strdup_printf("doctag_%u", g_hash_table_size(c->prepared) + 1);
  PGresult *res = P->PQprepare(c->conn, nm, sql, (int)n, NULL);
  if (!res || P->PQresultStatus(res) != PGRES_COMMAND_OK) {
    g_free(nm);
    *failed = res;   /* the statement's own error (a failed PREPARE also ends a transaction) */
    return NULL;
  }
  P->PQclear(res);
  g_hash_table_insert(c->prepared, g_strdup(sql), nm);
  return nm;
}

/* Runs `sql`; st is its statement (ST_COUNT for exec_sql) for the
 * transaction bookkeeping. */
static doctag_status pg_run(pg_conn *c, const char *sql, store_stmt st, const store_param *p, unsigned int n,
                            store_rows *out)
{
  char nums[n ? n : 1][24];
  const char *values[n ? n : 1];
  for (unsigned int i = 0; i < n; i++) {
    switch (p[i].type) {
    case SP_NULL: values[i] = NULL; break;
    case SP_TEXT: values[i] = p[i].text; break;
    case SP_INT:
      g_snprintf(nums[i], sizeof nums[i], "%" G_GINT64_FORMAT, p[i].num);
      values[i] = nums[i];
      break;
    case SP_BOOL: values[i] = p[i].num ? "true" : "false"; break;
    default: return err_set(DOCTAG_EINTERNAL, "postgresql: bad parameter type");
    }
  }
  /* After a server restart the connection only learns it is broken when a
   * statement fails. Outside a transaction nothing is lost: reset and run
   * the statement once more. Inside one, the transaction is gone: its
   * statements fail until the caller rolls back. */
  bool begins = st == ST_BEGIN || st == ST_BEGIN_READ;
  bool retry_ok = !c->in_tx || begins;
  if (P->PQstatus(c->conn) != CONNECTION_OK) {
    if (!retry_ok) {
      if (st != ST_ROLLBACK)
        return err_set(DOCTAG_EUNAVAILABLE, "postgresql: connection lost inside a transaction");
      c->in_tx = false;
      P->PQreset(c->conn);
      g_hash_table_remove_all(c->prepared);
      return DOCTAG_OK;
    }
    if (!pg_reset(c))
      return pg_error(c->conn, NULL);
  }
  PGresult *res = NULL;
  for (int attempt = 0;; attempt++) {
    PGresult *failed;
    const char *name = prepare(c, sql, n, &failed);
    res = failed ? failed
          : name ? P->PQexecPrepared(c->conn, name, (int)n, values, NULL, NULL, 0)
                 : P->PQexecParams(c->conn, sql, (int)n, NULL, values, NULL, NULL, 0);
    ExecStatusType rs = res ? P->PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
      break;
    if (P->PQstatus(c->conn) != CONNECTION_OK && retry_ok && attempt == 0) {
      P->PQclear(res);
      if (!pg_reset(c))
        return pg_error(c->conn, NULL);
      continue;
    }
    const char *state = res ? P->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (name && state && !strcmp(state, "26000")) {
      /* "prepared statement does not exist": a pooler between us and the
       * server (PgBouncer in transaction mode before 1.21) hands each
       * transaction another server session. This connection stops
       * preparing; outside a transaction the statement runs again. */
      g_hash_table_remove_all(c->prepared);
      c->no_prepare = true;
      if (retry_ok && attempt == 0) {
        P->PQclear(res);
        continue;
      }
    }
    doctag_status e = pg_error(c->conn, res);
    P->PQclear(res);
    if (st == ST_COMMIT || st == ST_ROLLBACK)
      c->in_tx = false;
    return e;
  }
  if (begins)
    c->in_tx = true;
  else if (st == ST_COMMIT || st == ST_ROLLBACK)
    c->in_tx = false;
  if (out) {
    unsigned int nrows = (unsigned int)P->PQntuples(res), ncols = (unsigned int)P->PQnfields(res);
    out->nrows = nrows;
    out->ncols = ncols;
    out->cell = g_new0(char *, (size_t)nrows * ncols + 1);
    for (unsigned int i = 0; i < nrows; i++)
      for (unsigned int j = 0; j < ncols; j++)
        if (!P->PQgetisnull(res, (int)i, (int)j))
          out->cell[(size_t)i * ncols + j] = g_strndup(P->PQgetvalue(res, (int)i, (int)j),
                                                       (gsize)P->PQgetlength(res, (int)i, (int)j));
    const char *ch = P->PQcmdTuples(res);
    out->changes = ch && *ch ? g_ascii_strtoll(ch, NULL, 10) : 0;
  }
  P->PQclear(res);
  return DOCTAG_OK;
}

static doctag_status pg_exec(store_conn *base, store_stmt st, const store_param *p, unsigned int n,
                             store_rows *out)
{
  return pg_run((pg_conn *)base, sql_table[st], st, p, n, out);
}

static doctag_status pg_exec_sql(store_conn *base, const char *sql, const store_param *p, unsigned int n,
                                 store_rows *out)
{
  return pg_run((pg_conn *)base, sql, ST_COUNT, p, n, out);
}

static doctag_status pg_script(store_conn *base, const char *sql)
{
  pg_conn *c = (pg_conn *)base;
  PGresult *res = P->PQexec(c->conn, sql);
  ExecStatusType rs = res ? P->PQresultStatus(res) : PGRES_FATAL_ERROR;
  doctag_status st = DOCTAG_OK;
  if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
    st = pg_error(c->conn, res);
  P->PQclear(res);
  return st;
}

/* plainto_tsquery reads the text as words only: no operators. */
static char *pg_match_query(const char *query)
{
  if (!query || !g_utf8_validate(query, -1, NULL))
    return NULL;
  for (const char *q = query; *q; q = g_utf8_next_char(q)) {
    gunichar ch = g_utf8_get_char(q);
    if (g_unichar_isalnum(ch) || g_unichar_ismark(ch))
      return g_strdup(query);
  }
  return NULL;
}

static const char *pg_sql(store_stmt st)
{
  return st < ST_COUNT ? sql_table[st] : NULL;
}

const store_ops store_postgres_ops = {
  .name = "postgresql",
  .migrations = "store/data/postgres/",
  .accepts = pg_accepts,
  .open = pg_open,
  .close = pg_close,
  .connect = pg_connect,
  .disconnect = pg_disconnect,
  .exec = pg_exec,
  .exec_sql = pg_exec_sql,
  .script = pg_script,
  .match_query = pg_match_query,
  .sql = pg_sql,
};
