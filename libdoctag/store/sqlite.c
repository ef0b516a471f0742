/* The SQLite backend: the embedded default. One connection per thread (from
 * the pool), WAL journal and a busy timeout so that several processes on one
 * machine share the file, prepared statements cached per connection. */
#include "store/store.h"
#include "core/error.h"
#include "store/sqlitelib.h"
#include "store/sqlitetok.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

/* libsqlite3's functions (sqlitelib.c), loaded by sq_open(): every connection
 * comes from an opened store */
#define S (sqlitelib_loaded())

#define USER_COLS "id, email, full_name, is_active, is_verified, created_at"
#define JOB_COLS "id, job_type, status, total_documents, processed_count, failed_count, " \
                 "started_at, completed_at, created_at"
#define DOC_COLS "d.id, d.job_id, d.title, d.file_path, d.file_source_type, d.status, d.tags, " \
                 "d.error_message, d.processed_at, d.created_at"
/* A page of a user's jobs / documents: the keys of `limit` entries after
 * `offset` in `order` (one of the lists' indexes, 0006, either way), then
 * those rows, newest first. */
#define JOB_PAGE(order) "SELECT " JOB_COLS " FROM jobs WHERE id IN (SELECT id FROM jobs WHERE user_id = ?1" \
                        " AND (?2 IS NULL OR status = ?2) ORDER BY " order " LIMIT ?3 OFFSET ?4)" \
                        " ORDER BY created_at DESC, id"
#define DOC_PAGE(order) "SELECT " DOC_COLS " FROM documents d WHERE d.seq IN (SELECT seq FROM documents" \
                        " WHERE user_id = ?1 ORDER BY " order " LIMIT ?2 OFFSET ?3)" \
                        " ORDER BY d.created_at DESC, d.seq DESC"
/* The MATCH text of the owner ?1's documents: their id as the index holds
 * it, one token (0019). */
#define OWNER_MATCH "'fts_owner : \"' || replace(?1, '-', '') || '\" AND '"
/* ... holding the one token ?2 (a search head's word). */
#define HEAD_WORD_MATCH OWNER_MATCH " || '{title tags extracted_text} : \"' || replace(?2, '\"', '\"\"') || '\"'"
#define FINAL_STATES "('completed', 'cancelled', 'failed')"
#define QJOB_COLS "user_id, status, total, done, processed, failed, seq, config, secret, error, " \
                  "created_at, started_at, finished_at"

/* Every statement of store.h, in SQLite's words. */
static const char *const sql_table[ST_COUNT] = {
  [ST_BEGIN] = "BEGIN IMMEDIATE",
  [ST_COMMIT] = "COMMIT",
  [ST_ROLLBACK] = "ROLLBACK",
  /* Deferred: reads one snapshot without taking the write lock. */
  [ST_BEGIN_READ] = "BEGIN DEFERRED",
  [ST_MIG_LOCK] = "SELECT 1", /* BEGIN IMMEDIATE already holds the write lock */
  [ST_MIG_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  [ST_MIG_LIST] = "SELECT version FROM schema_migrations ORDER BY version",
  [ST_MIG_INSERT] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
  [ST_PING] = "SELECT 1",

  [ST_USER_INSERT] = "INSERT INTO users (id, email, password_hash, full_name, is_active, is_verified,"
                     " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
  [ST_USER_BY_EMAIL] = "SELECT " USER_COLS ", password_hash FROM users WHERE email = ?1",
  [ST_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
  [ST_USER_SET_ACTIVE] = "UPDATE users SET is_active = ?2, updated_at = ?3 WHERE id = ?1",
  [ST_USER_LOGGED_IN] = "UPDATE users SET last_login_at = ?2 WHERE id = ?1",

  [ST_TOKEN_INSERT] = "INSERT INTO refresh_tokens (id, user_id, token_hash, family, expires_at,"
                      " created_at, device_info, ip_address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [ST_TOKEN_CONSUME] = "UPDATE refresh_tokens SET revoked = 1, revoked_at = ?2"
                       " WHERE token_hash = ?1 AND revoked = 0 AND expires_at > ?2"
                       " RETURNING user_id, family",
  [ST_TOKEN_STATE] = "SELECT revoked, family, user_id FROM refresh_tokens WHERE token_hash = ?1",
  [ST_TOKEN_REVOKE] = "UPDATE refresh_tokens SET revoked = 1, revoked_at = ?2"
                      " WHERE token_hash = ?1 AND revoked = 0 AND expires_at > ?2",
  [ST_TOKEN_REVOKE_FAMILY] = "UPDATE refresh_tokens SET revoked = 1, revoked_at = ?2"
                             " WHERE family = ?1 AND revoked = 0",
  [ST_TOKEN_REVOKE_USER] = "UPDATE refresh_tokens SET revoked = 1, revoked_at = ?2"
                           " WHERE user_id = ?1 AND revoked = 0",
  [ST_TOKEN_PURGE] = "DELETE FROM refresh_tokens WHERE user_id = ?1 AND expires_at < ?2",

  [ST_JOB_INSERT] = "INSERT INTO jobs (id, user_id, job_type, status, total_documents, config,"
                    " created_at, updated_at, started_at, completed_at, error_message)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10)",
  [ST_JOB_STATUS] = "UPDATE jobs SET status = ?2, error_message = coalesce(?3, error_message),"
                    " started_at = CASE WHEN ?2 = 'processing' THEN coalesce(started_at, ?4) ELSE started_at END,"
                    " completed_at = CASE WHEN ?2 IN " FINAL_STATES " THEN ?4 ELSE NULL END,"
                    " updated_at = ?4 WHERE id = ?1",
  [ST_JOB_BUMP] = "UPDATE jobs SET processed_count = processed_count + ?2,"
                  " failed_count = failed_count + ?3, updated_at = ?4 WHERE id = ?1",
  [ST_JOB_COUNT] = "SELECT count(*) FROM jobs WHERE user_id = ?1 AND (?2 IS NULL OR status = ?2)",
  /* Lists skip `offset` entries of an index in the list's order (0006)
   * and read only the page's rows. A page nearer the oldest end is
   * counted from there (_OLDEST: the index read backwards). */
  [ST_JOB_LIST] = JOB_PAGE("created_at DESC, id"),
  [ST_JOB_LIST_OLDEST] = JOB_PAGE("created_at, id DESC"),
  [ST_JOB_GET] = "SELECT " JOB_COLS ", config, error_message FROM jobs WHERE id = ?1 AND user_id = ?2",
  [ST_JOB_DELETE_DOCS] = "DELETE FROM documents WHERE job_id = ?1 AND user_id = ?2",
  [ST_WEBHOOK_SECRET_ADD] = "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (user_id) DO NOTHING",
  [ST_WEBHOOK_SECRET_SET] = "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
  [ST_WEBHOOK_SECRET_GET] = "SELECT secret FROM webhook_secrets WHERE user_id = ?1",
  [ST_WEBHOOK_SUBSCRIBE] = "INSERT INTO webhook_subscriptions (job_id, user_id, url, created_at) VALUES (?1, ?2, ?3, ?4)",
  /* WHERE before ON CONFLICT: SQLite's parser needs it after a SELECT. */
  [ST_WEBHOOK_ENQUEUE] = "INSERT INTO webhook_deliveries (id, job_id, user_id, url, event, body, status, attempts, "
                         "next_at, created_at) SELECT ?1, job_id, user_id, url, ?3, ?4, 'pending', 0, ?5, ?5 "
                         "FROM webhook_subscriptions WHERE job_id = ?2 ON CONFLICT (job_id) DO NOTHING",
  [ST_WEBHOOK_DUE] = "SELECT id, url, event, body, attempts, created_at, user_id, next_at FROM webhook_deliveries "
                     "WHERE status = 'pending' AND next_at <= ?1 ORDER BY next_at LIMIT ?2",
  [ST_WEBHOOK_CLAIM] = "UPDATE webhook_deliveries SET next_at = ?3 WHERE id = ?1 AND next_at = ?2 AND status = 'pending'",
  [ST_WEBHOOK_RESULT] = "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, next_at = ?4, last_error = ?5, "
                        "delivered_at = ?6 WHERE id = ?1",
  [ST_WEBHOOK_OF_JOB] = "SELECT status, attempts, last_error FROM webhook_deliveries WHERE job_id = ?1",
  [ST_JOB_DELETE] = "DELETE FROM jobs WHERE id = ?1 AND user_id = ?2",
  [ST_JOB_BLOBS] = "SELECT DISTINCT sha256 FROM documents WHERE job_id = ?1 AND user_id = ?2 AND sha256 IS NOT NULL ORDER BY sha256",
  [ST_BLOB_REFERENCED] = "SELECT 1 FROM documents WHERE sha256 = ?1 LIMIT 1",
  [ST_JOB_BY_STATUS] = "SELECT status, count(*) FROM jobs WHERE user_id = ?1 GROUP BY status ORDER BY status",
  [ST_JOB_CENSUS] = "SELECT job_type, status, count(*), coalesce(sum(total_documents - processed_count - failed_count), 0) "
                   "FROM jobs GROUP BY job_type, status ORDER BY job_type, status",

  [ST_DOC_UPSERT] = "INSERT INTO documents (id, job_id, user_id, row_index, title, file_path,"
                    " file_source_type, sha256, file_size, mime_type, status, tags, extracted_text,"
                    " processing_metadata, error_message, processed_at, created_at, updated_at)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)"
                    " ON CONFLICT (job_id, row_index) DO UPDATE SET title = excluded.title,"
                    " file_path = excluded.file_path, file_source_type = excluded.file_source_type,"
                    " sha256 = excluded.sha256, file_size = excluded.file_size,"
                    " mime_type = excluded.mime_type, status = excluded.status, tags = excluded.tags,"
                    " extracted_text = excluded.extracted_text,"
                    " processing_metadata = excluded.processing_metadata,"
                    " error_message = excluded.error_message, processed_at = excluded.processed_at,"
                    " updated_at = excluded.updated_at"
                    " WHERE documents.user_id = excluded.user_id"
                    " RETURNING id",
  [ST_DOC_ROW_STATUS] = "SELECT status, sha256 FROM documents WHERE job_id = ?1 AND row_index = ?2",
  /* Counts kept by triggers (0008): one row, whatever the history. */
  [ST_DOC_COUNT] = "SELECT coalesce(max(total), 0) FROM user_doc_counts WHERE user_id = ?1",
  [ST_DOC_LIST] = DOC_PAGE("created_at DESC, seq DESC"),
  [ST_DOC_LIST_OLDEST] = DOC_PAGE("created_at, seq"),
  [ST_DOC_OF_JOB] = "SELECT " DOC_COLS " FROM documents d WHERE d.job_id = ?1 AND d.user_id = ?2"
                    " ORDER BY d.row_index, d.seq",
  [ST_DOC_GET] = "SELECT " DOC_COLS ", d.file_size, d.mime_type, d.extracted_text,"
                 " d.processing_metadata, d.sha256, d.row_index"
                 " FROM documents d WHERE d.id = ?1 AND d.user_id = ?2",
  /* bm25: lower is better; title weighs most, then tags, then text. */
  /* The owner is matched inside the index (0006; one token since 0019): FTS5 ranks only the
   * user's matches (doctag_bm25, below: bm25 with IDF over the user's own
   * documents) and hands over the best ?3, and only those rows are read
   * from documents. The words are kept to the three text columns, so a word
   * cannot match an id. Ties: newest first (seq follows creation). */
  [ST_DOC_SEARCH] = "SELECT " DOC_COLS " FROM (SELECT rowid AS seq,"
                    " doctag_bm25(documents_fts, ?1, ?2, 10.0, 4.0, 1.0, 0.0) AS score"
                    " FROM documents_fts WHERE documents_fts MATCH"
                    " " OWNER_MATCH " || '{title tags extracted_text} : (' || ?2 || ')'"
                    " ORDER BY score, rowid DESC LIMIT ?3) f JOIN documents d ON d.seq = f.seq"
                    " WHERE d.user_id = ?1 ORDER BY f.score, d.created_at DESC, d.seq DESC",
  [ST_DOC_STATS] = "SELECT coalesce(max(total), 0), coalesce(max(completed), 0), coalesce(max(failed), 0)"
                   " FROM user_doc_counts WHERE user_id = ?1",

  /* Search heads (0009). A word is a token of the index's tokenizer; its
   * documents are ranked by doctag_impact, as doctag_bm25 ranks them for a
   * one-word search, ties newest (highest seq) first. */
  [ST_HEAD_TERM] = "SELECT doctag_term(?1)",
  [ST_HEAD_STATE] = "SELECT n, floor_score IS NULL, used_at FROM search_heads WHERE user_id = ?1 AND term = ?2",
  [ST_HEAD_SEARCH] = "SELECT " DOC_COLS " FROM (SELECT seq, score FROM search_head_docs"
                     " WHERE user_id = ?1 AND term = ?2 ORDER BY score DESC, seq DESC LIMIT ?3) h"
                     " JOIN documents d ON d.seq = h.seq WHERE d.user_id = ?1"
                     " ORDER BY h.score DESC, d.created_at DESC, d.seq DESC",
  [ST_HEAD_LOCK] = "SELECT coalesce(max(total), 0) FROM user_doc_counts WHERE user_id = ?1",
  [ST_HEAD_DROP] = "DELETE FROM search_heads WHERE user_id = ?1 AND term = ?2",
  [ST_HEAD_NEW] = "INSERT INTO search_heads (user_id, term, n, used_at) VALUES (?1, ?2, 0, ?3)",
  [ST_HEAD_TOUCH] = "UPDATE search_heads SET used_at = ?3 WHERE user_id = ?1 AND term = ?2",
  [ST_HEAD_EVICT] = "DELETE FROM search_heads WHERE user_id = ?1 AND term IN (SELECT term FROM search_heads"
                    " WHERE user_id = ?1 AND term <> ?2 ORDER BY used_at DESC, term DESC LIMIT -1 OFFSET ?3)",
  [ST_HEAD_FLOOR] = "UPDATE search_heads SET (floor_score, floor_seq) = (SELECT score, seq FROM search_head_docs"
                    " WHERE user_id = ?1 AND term = ?2 ORDER BY score DESC, seq DESC LIMIT 1 OFFSET 100)"
                    " WHERE user_id = ?1 AND term = ?2",
  [ST_HEAD_CUT] = "DELETE FROM search_head_docs WHERE user_id = ?1 AND term = ?2 AND (score, seq) <="
                  " (SELECT floor_score, floor_seq FROM search_heads WHERE user_id = ?1 AND term = ?2)",
  [ST_HEAD_COUNT] = "UPDATE search_heads SET n = (SELECT count(*) FROM search_head_docs WHERE user_id = ?1 AND term = ?2)"
                    " WHERE user_id = ?1 AND term = ?2",
  /* A staged document's KEY is its weighted count and length, packed
   * (doctag_impact_packed), from which doctag_w gives its weight to the
   * bit: a REAL as text would lose bits. */
  [ST_HEAD_GEN] = "SELECT gen FROM user_doc_counts WHERE user_id = ?1",
  /* The count, doctag_bm25's n of the word (0018), from the same snapshot
   * (FTS5's functions cannot sit beside a window function). */
  [ST_HEAD_STAGE] = "SELECT rowid, doctag_impact_packed(documents_fts),"
                    " (SELECT count(*) FROM documents_fts WHERE documents_fts MATCH " HEAD_WORD_MATCH ")"
                    " FROM documents_fts WHERE documents_fts MATCH " HEAD_WORD_MATCH
                    " ORDER BY doctag_impact(documents_fts) DESC, rowid DESC LIMIT 101",
  [ST_HEAD_DF] = "UPDATE search_heads SET df = ?3 WHERE user_id = ?1 AND term = ?2",
  [ST_HEAD_PUBLISH] = "INSERT INTO search_head_docs (user_id, term, score, seq)"
                      " SELECT ?1, ?2, doctag_w(json_extract(j.value, '$[1]')), json_extract(j.value, '$[0]')"
                      " FROM json_each(?3) j",
  /* The documents written since a staged head was read (0014's log), as
   * search_heads_enter (0009) enters them. */
  [ST_HEAD_WRITES] = "SELECT count(*) FROM head_writes WHERE user_id = ?1 AND gen > ?2",
  [ST_HEAD_REPLAY_DROP] = "DELETE FROM search_head_docs WHERE user_id = ?1 AND term = ?2"
                          " AND seq IN (SELECT seq FROM head_writes WHERE user_id = ?1 AND gen > ?3)",
  [ST_HEAD_REPLAY] = "INSERT INTO search_head_docs (user_id, term, score, seq)"
                     " SELECT h.user_id, h.term, doctag_w(j.value), d.seq FROM documents d"
                     " CROSS JOIN json_each(doctag_terms(d.title, d.tags, d.extracted_text, json_array(?2))) j"
                     " CROSS JOIN search_heads h"
                     " WHERE d.seq IN (SELECT seq FROM head_writes WHERE user_id = ?1 AND gen > ?3) AND d.user_id = ?1"
                     " AND h.user_id = ?1 AND h.term = ?2 AND j.key = ?2"
                     " AND (h.floor_score IS NULL OR (doctag_w(j.value), d.seq) > (h.floor_score, h.floor_seq))",

  /* one statement per document, whatever its number of stems */
  [ST_DF_DOC_ADD] = "INSERT INTO term_df_docs (user_id, sha256, terms) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (user_id, sha256) DO NOTHING",
  [ST_DF_UP] = "INSERT INTO term_df (user_id, stem, df) SELECT ?1, value, 1 FROM json_each(?2) WHERE true "
               "ON CONFLICT (user_id, stem) DO UPDATE SET df = df + 1",
  [ST_DF_DOC_DROP] = "DELETE FROM term_df_docs WHERE user_id = ?1 AND sha256 = ?2 AND NOT EXISTS "
                     "(SELECT 1 FROM documents WHERE user_id = ?1 AND sha256 = ?2 AND status = 'completed') "
                     "RETURNING terms",
  [ST_DF_DOWN] = "UPDATE term_df SET df = df - 1 WHERE user_id = ?1 AND stem IN (SELECT value FROM json_each(?2))",
  [ST_DF_PURGE] = "DELETE FROM term_df WHERE user_id = ?1 AND df <= 0",
  [ST_DF_GET] = "SELECT stem, df FROM term_df WHERE user_id = ?1 AND stem IN (SELECT value FROM json_each(?2))",
  [ST_DF_DOC_TERMS] = "SELECT terms FROM term_df_docs WHERE user_id = ?1 AND sha256 = ?2",
  [ST_DF_LOCK] = "SELECT ?1, ?2", /* BEGIN IMMEDIATE already holds the write lock */

  /* The local batch queue's tables (0002_queue.sql), for queue/local.c. No
   * row locks: a claim's BEGIN IMMEDIATE already holds the database's write
   * lock. */
  [ST_Q_JOB_INSERT] = "INSERT INTO queue_jobs (job_id, user_id, status, total, config, secret, created_at)"
                      " VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6)",
  [ST_Q_ITEM_INSERT] = "INSERT INTO queue_items (job_id, row_index, payload)"
                      " SELECT ?1, ?2 + key, value FROM json_each(?3)",
  [ST_Q_JOB_GET] = "SELECT " QJOB_COLS " FROM queue_jobs WHERE job_id = ?1",
  [ST_Q_JOB_LOCK] = "SELECT status FROM queue_jobs WHERE job_id = ?1",
  [ST_Q_JOB_SET_STATUS] = "UPDATE queue_jobs SET status = ?2,"
                          " finished_at = CASE WHEN ?2 IN " FINAL_STATES " THEN ?3 ELSE finished_at END,"
                          " secret = CASE WHEN ?2 IN " FINAL_STATES " THEN NULL ELSE secret END,"
                          " started_at = CASE WHEN ?2 = 'processing' THEN coalesce(started_at, ?3)"
                          " ELSE started_at END,"
                          " error = coalesce(?4, error) WHERE job_id = ?1",
  [ST_Q_JOB_START] = "UPDATE queue_jobs SET status = 'processing', started_at = coalesce(started_at, ?2)"
                     " WHERE job_id = ?1 AND status = 'pending'",
  [ST_Q_EVENT_SEQ] = "UPDATE queue_jobs SET seq = seq + 1 WHERE job_id = ?1"
                     " RETURNING seq, total, done, processed, failed, started_at",
  [ST_Q_EVENT_INSERT] = "INSERT INTO queue_events (job_id, seq, body, created_at) VALUES (?1, ?2, ?3, ?4)",
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
                     " AND i.lease_until < ?1) AS expired,"
                     " (SELECT count(*) FROM queue_jobs uj JOIN queue_items ui ON ui.job_id = uj.job_id"
                     " WHERE uj.user_id = j.user_id AND uj.status IN ('pending', 'processing')"
                     " AND ui.state = 'claimed' AND ui.lease_until >= ?1) AS busy,"
                     " (SELECT sum(uj.done) FROM queue_jobs uj WHERE uj.user_id = j.user_id"
                     " AND uj.status IN ('pending', 'processing')) AS served"
                     " FROM queue_jobs j WHERE j.status IN ('pending', 'processing')) c"
                     " WHERE waiting OR expired ORDER BY busy, served, created_at LIMIT 1",
  /* Claims the job's first item whose lease ran out, else its first waiting
   * item: one statement, an ordered index scan that stops at the first. */
  [ST_Q_CLAIM_EXPIRED] = "UPDATE queue_items SET owner = ?2, lease_until = ?3, attempts = attempts + 1"
                         " WHERE job_id = ?1 AND row_index = (SELECT row_index FROM queue_items WHERE job_id = ?1"
                         " AND state = 'claimed' AND lease_until < ?4 ORDER BY row_index LIMIT 1)"
                         " RETURNING row_index, payload, attempts",
  [ST_Q_CLAIM_WAITING] = "UPDATE queue_items SET state = 'claimed', owner = ?2, lease_until = ?3, attempts = attempts + 1"
                         " WHERE job_id = ?1 AND row_index = (SELECT row_index FROM queue_items WHERE job_id = ?1"
                         " AND state = 'waiting' ORDER BY row_index LIMIT 1)"
                         " RETURNING row_index, payload, attempts",
  [ST_Q_ITEM_DONE] = "UPDATE queue_items SET state = 'done', ok = ?3, result = ?4, owner = NULL, lease_until = NULL,"
                     " finished_seq = (SELECT done + 1 FROM queue_jobs WHERE job_id = ?1)"
                     " WHERE job_id = ?1 AND row_index = ?2 AND state <> 'done'",
  /* Counts a finished row and, while the job runs, numbers its event. */
  [ST_Q_JOB_COUNT] = "UPDATE queue_jobs SET done = done + 1, processed = processed + ?2, failed = failed + ?3,"
                     " seq = seq + CASE WHEN status IN ('pending', 'processing', 'paused') THEN ?4 ELSE 0 END"
                     " WHERE job_id = ?1 RETURNING status, seq, total, done, processed, failed, started_at",
  [ST_Q_JOB_COMPLETE] = "UPDATE queue_jobs SET status = 'completed', finished_at = ?2, secret = NULL, seq = seq + 1"
                        " WHERE job_id = ?1 RETURNING status, seq, total, done, processed, failed, started_at",
  /* A claim's look at the job: runnable? (then locked, and its
   * "processing" event numbered) */
  [ST_Q_JOB_LOCK_SEQ] = "UPDATE queue_jobs SET seq = seq + 1 WHERE job_id = ?1 AND status IN ('pending', 'processing')"
                        " RETURNING status, seq, total, done, processed, failed, started_at",
  [ST_Q_EVENTS_READ] = "SELECT seq, body FROM queue_events WHERE job_id = ?1 AND seq > ?2"
                       " ORDER BY seq LIMIT CASE WHEN ?3 > 0 THEN ?3 ELSE -1 END",
  [ST_Q_JOB_SEQ] = "SELECT seq FROM queue_jobs WHERE job_id = ?1",
  [ST_Q_RESULTS] = "SELECT result FROM queue_items WHERE job_id = ?1 AND state = 'done'"
                   " ORDER BY finished_seq",
  /* A range of the index queue_items_finished (0012). */
  [ST_Q_RESULTS_PAGE] = "SELECT result FROM queue_items WHERE job_id = ?1 AND state = 'done'"
                        " AND finished_seq > ?2 AND finished_seq <= ?3 ORDER BY finished_seq",
  [ST_Q_ACTIVE] = "SELECT job_id, " QJOB_COLS " FROM queue_jobs WHERE user_id = ?1"
                  " AND status IN ('processing', 'paused') ORDER BY created_at DESC",
  [ST_Q_RENEW] = "UPDATE queue_items SET lease_until = ?4"
                 " WHERE job_id = ?1 AND row_index = ?2 AND owner = ?3 AND state = 'claimed'",
  [ST_Q_RELEASE] = "UPDATE queue_items SET state = 'waiting', owner = NULL, lease_until = NULL"
                   " WHERE job_id = ?1 AND row_index = ?2 AND owner = ?3 AND state = 'claimed'",
  /* BEGIN IMMEDIATE already serialises writers. */
  [ST_Q_SLOT_LOCK] = "SELECT 1 WHERE ?1 IS NOT NULL",
  [ST_Q_SLOT_PURGE] = "DELETE FROM doc_slots WHERE user_id = ?1 AND lease_until < ?2",
  [ST_Q_SLOT_COUNT] = "SELECT count(*) FROM doc_slots WHERE user_id = ?1",
  [ST_Q_SLOT_INSERT] = "INSERT INTO doc_slots (id, user_id, holder, lease_until) VALUES (?1, ?2, ?3, ?4)",
  [ST_Q_SLOT_RENEW] = "UPDATE doc_slots SET lease_until = ?2 WHERE id = ?1",
  [ST_Q_SLOT_DELETE] = "DELETE FROM doc_slots WHERE id = ?1",
  [ST_Q_SLOT_EXPIRE] = "DELETE FROM doc_slots WHERE lease_until < ?1",
  [ST_Q_SETTING_CLAIM] = "INSERT INTO queue_settings (name, value, until) VALUES (?1, ?2, ?4)"
                        " ON CONFLICT (name) DO UPDATE SET value = excluded.value, until = excluded.until"
                        " WHERE queue_settings.value = excluded.value OR queue_settings.until < ?3",
  [ST_Q_SETTING_GET] = "SELECT value FROM queue_settings WHERE name = ?1",
  [ST_AUTH_FAIL_PURGE] = "DELETE FROM login_failures WHERE at < ?1",
  [ST_AUTH_FAIL_INSERT] = "INSERT INTO login_failures (id, kind, subject, at) VALUES (?1, ?2, ?3, ?4)",
  [ST_AUTH_FAIL_COUNT] = "SELECT count(*) FROM login_failures WHERE kind = ?1 AND subject = ?2 AND at > ?3",
  [ST_AUTH_FAIL_NTH] = "SELECT at FROM login_failures WHERE kind = ?1 AND subject = ?2 AND at > ?3"
                       " ORDER BY at DESC LIMIT 1 OFFSET ?4",
  [ST_AUTH_FAIL_DELETE] = "DELETE FROM login_failures WHERE id = ?1",
  [ST_AUTH_FAIL_CLEAR] = "DELETE FROM login_failures WHERE kind = ?1 AND subject = ?2",
  [ST_AUTH_REVOKE] = "INSERT INTO revoked_families (family, revoked_at, expires_at) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT (family) DO NOTHING",
  [ST_AUTH_REVOKE_PURGE] = "DELETE FROM revoked_families WHERE expires_at < ?1",
  [ST_AUTH_REVOKED] = "SELECT 1 FROM revoked_families WHERE family = ?1",
};

typedef struct sqlite_store {
  char *path;
} sqlite_store;

typedef struct sqlite_conn {
  store_conn base;
  sqlite3 *db;
  sqlite3_stmt *cache[ST_COUNT];
  GHashTable *extra;   /* exec_sql: SQL text address -> sqlite3_stmt* */
} sqlite_conn;

/* Waiting for another writer (another thread or process). */
#define SQLITE_BUSY_MS 30000

static bool sq_accepts(const char *url)
{
  return !url || !*url || g_str_has_prefix(url, "sqlite:");
}

/* The database holds password and refresh-token hashes and extracted text.
 * SQLite creates it 0644 less the umask, and its -wal and -shm with the
 * database's mode: create it 0600 first, and tighten files an older version
 * left readable. */
static doctag_status sq_private_files(const char *path)
{
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return err_set(DOCTAG_ESTORE, "sqlite: cannot open %s: %s", path, g_strerror(errno));
  close(fd);
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    char *f = g_strconcat(path, suffixes[i], NULL);
    struct stat sb;
    if (lstat(f, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077)) {
      if (chmod(f, 0600) == 0)
        g_message("doctag: %s was mode %04o; tightened to 0600", f, (unsigned)(sb.st_mode & 07777));
      else
        g_warning("doctag: %s is mode %04o and cannot be tightened: %s", f, (unsigned)(sb.st_mode & 07777),
                  g_strerror(errno));
    }
    g_free(f);
  }
  return DOCTAG_OK;
}

static doctag_status sq_open(struct store *s, const char *url, const char *data_dir)
{
  if (!sqlitelib_get())
    return DOCTAG_ESTORE;
  char *path;
  if (!url || !*url) {
    if (!data_dir || !*data_dir)
      return err_set(DOCTAG_EINVAL, "no database URL and no data directory for the default SQLite database");
    path = g_build_filename(data_dir, "doctag.db", NULL);
  } else {
    /* sqlite:///abs/path, sqlite://rel/path or sqlite:path */
    const char *p = url + strlen("sqlite:");
    if (g_str_has_prefix(p, "//"))
      p += 2;
    if (!*p)
      return err_set(DOCTAG_EINVAL, "database URL %s names no file", url);
    path = g_strdup(p);
  }
  char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) != 0) {
    doctag_status st = err_set(DOCTAG_EIO, "cannot create %s for the database: %s", dir, g_strerror(errno));
    g_free(dir);
    g_free(path);
    return st;
  }
  g_free(dir);
  doctag_status st = sq_private_files(path);
  if (st) {
    g_free(path);
    return st;
  }
  sqlite_store *impl = g_new0(sqlite_store, 1);
  impl->path = path;
  s->impl = impl;
  return DOCTAG_OK;
}

static void sq_close(struct store *s)
{
  sqlite_store *impl = s->impl;
  g_free(impl->path);
  g_free(impl);
  s->impl = NULL;
}

static doctag_status sq_error(sqlite3 *db, int rc, const char *what)
{
  int ext = db ? S->sqlite3_extended_errcode(db) : rc;
  const char *msg = db ? S->sqlite3_errmsg(db) : S->sqlite3_errstr(rc);
  switch (ext) {
  case SQLITE_CONSTRAINT_UNIQUE:
  case SQLITE_CONSTRAINT_PRIMARYKEY:
    return err_set(DOCTAG_EEXISTS, "sqlite: %s", msg);
  case SQLITE_CONSTRAINT_FOREIGNKEY:
    return err_set(DOCTAG_ENOTFOUND, "sqlite: %s", msg);
  }
  if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
    return err_set(DOCTAG_EUNAVAILABLE, "sqlite: %s: %s", what, msg);
  return err_set(DOCTAG_ESTORE, "sqlite: %s: %s", what, msg);
}

static void sq_disconnect(store_conn *base)
{
  sqlite_conn *c = (sqlite_conn *)base;
  if (!c)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    S->sqlite3_finalize(c->cache[i]);
  if (c->extra) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, c->extra);
    while (g_hash_table_iter_next(&it, &k, &v))
      S->sqlite3_finalize(v);
    g_hash_table_destroy(c->extra);
  }
  S->sqlite3_close_v2(c->db);
  g_free(c);
}

extern const store_ops store_sqlite_ops;

/* Waiting for the write lock: SQLite's own handler sleeps 1, 2, 5, 10, ...
 * ms, long against transactions of a fraction of a millisecond; poll every
 * 100 us first, backing off to 2 ms, up to SQLITE_BUSY_MS in all. */
static int sq_busy(void *ud, int count)
{
  (void)ud;
  long us = count < 50 ? 100 : count < 200 ? 500 : 2000;
  long waited = count < 50 ? count * 100L : count < 200 ? 5000L + (count - 50) * 500L
                                                        : 80000L + (count - 200) * 2000L;
  if (waited >= SQLITE_BUSY_MS * 1000L)
    return 0;
  g_usleep((gulong)us);
  return 1;
}

/* ---- ranking: bm25 over the owner's own documents ----
 *
 * FTS5's bm25() takes each phrase's IDF from the whole table, and finds it
 * by walking the phrase's every match: for a word in nearly every document
 * that is the whole archive, on every search, whatever the owner holds.
 * doctag_bm25(documents_fts, user_id, match, w...) is the same formula (k1
 * 1.2, b 0.75, column weights w) with the IDF counted over the owner's
 * documents: N is how many the owner has (one row kept by 0008's
 * triggers), n how many of them hold the phrase: kept with the word's
 * search head (0018) when it has one, else counted through the index at a
 * cost that grows with the owner's documents. A document's length is
 * its title, tags and text in tokens, measured against a fixed average
 * (RANK_AVGDL) rather than the whole table's (which moved with every
 * document any user added): one user's ranking then depends on that
 * user's documents only, and a word's weight in a document (doc_weight)
 * stays what it was when the document was written, so the best documents
 * of a word can be kept in order (0009's search heads; history/search.c).
 *
 * `match` is ops->match_query's text (quoted phrases, space-separated);
 * phrase 0 of the query is the owner's id, phrase i >= 1 is its i-th
 * phrase. */

#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_AVGDL 1000.0
/* The column weights of ST_DOC_SEARCH's doctag_bm25 call, for the words
 * of a document counted outside FTS5 (doctag_terms, doctag_impact). */
static const double rank_weight[] = { 10.0, 4.0, 1.0 }; /* title, tags, extracted_text */

/* A word's weight in a document: its weighted count f over its length
 * (tokens of the three text columns). Multiplied by the word's IDF it is
 * the word's part of the score. The one formula for doctag_bm25,
 * doctag_impact and doctag_w, so that they agree to the bit. */
static double doc_weight(double f, double len)
{
  return f * (RANK_K1 + 1) / (f + RANK_K1 * (1 - RANK_B + RANK_B * len / RANK_AVGDL));
}

/* A phrase's IDF among the owner's `total` documents, `n` of which hold
 * it. As FTS5's bm25: a phrase in more than half the documents weighs
 * almost nothing, but more than nothing. */
static double rank_idf(int64_t total, int64_t n)
{
  double idf = log(((double)total - (double)n + 0.5) / ((double)n + 0.5));
  return idf > 0 ? idf : 1e-6;
}

/* A document's score: each phrase's IDF times its weight in the document
 * (doc_weight), summed in phrase order, so that every caller gets the same
 * double to the bit. */
static double rank_sum(const double *idf, const double *weight, int n)
{
  double score = 0;
  for (int i = 0; i < n; i++)
    score += idf[i] * weight[i];
  return score;
}

typedef struct rank_data {
  int nphrase;
  double *idf; /* per phrase; 0 for the owner's */
} rank_data;

static void rank_data_free(void *p)
{
  rank_data *r = p;
  if (r)
    g_free(r->idf);
  g_free(r);
}

/* The phrases of a match_query text, each as its quoted FTS5 string. */
static GPtrArray *match_phrases(const char *m)
{
  GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
  for (const char *q = m; q && *q;) {
    if (*q != '"') {
      q++;
      continue;
    }
    const char *start = q++;
    while (*q && !(*q == '"' && q[1] != '"'))
      q += *q == '"' ? 2 : 1;
    if (!*q)
      break;
    q++;
    g_ptr_array_add(v, g_strndup(start, (gsize)(q - start)));
  }
  return v;
}

/* One count(*) of `sql` with text parameters a and b; -1 on error. */
static int64_t count_of(sqlite3 *db, const char *sql, const char *a, const char *b)
{
  sqlite3_stmt *st = NULL;
  int64_t n = -1;
  if (S->sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    S->sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
      S->sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (S->sqlite3_step(st) == SQLITE_ROW)
      n = S->sqlite3_column_int64(st, 0);
  }
  S->sqlite3_finalize(st);
  return n;
}

static rank_data *rank_data_new(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, const char *user,
                                const char *match)
{
  rank_data *r = g_new0(rank_data, 1);
  r->nphrase = api->xPhraseCount(fts);
  r->idf = g_new0(double, r->nphrase);
  GPtrArray *words = match_phrases(match);
  bool ok = (int)words->len == r->nphrase - 1;
  int64_t total = ok ? count_of(db, "SELECT coalesce(max(total), 0) FROM user_doc_counts WHERE user_id = ?1", user,
                                NULL)
                     : -1;
  ok = total >= 0;
  for (int i = 1; ok && i < r->nphrase; i++) {
    /* Kept with the word's search head (0018) when it has one, read in
     * this statement's snapshot; else counted. */
    int64_t n = count_of(db, "SELECT df FROM search_heads WHERE user_id = ?1 AND term = doctag_term(?2)"
                             " AND df IS NOT NULL", user, g_ptr_array_index(words, i - 1));
    if (n < 0)
      n = count_of(db, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH"
                       " " OWNER_MATCH " || '{title tags extracted_text} : ' || ?2",
                   user, g_ptr_array_index(words, i - 1));
    ok = n >= 0;
    r->idf[i] = rank_idf(total, n);
  }
  g_ptr_array_free(words, TRUE);
  if (ok)
    return r;
  rank_data_free(r);
  return NULL;
}

/* The current row's weighted count of each phrase (an instance in column c
 * adds w[c], rank_weight[c] when w is NULL, 1 past nw) into freq[0..nphrase)
 * and its length: the tokens of its title, tags and text (the owner's id is
 * not text). False when FTS5 cannot say. */
static bool match_freq(const Fts5ExtensionApi *api, Fts5Context *fts, int nphrase, sqlite3_value **w, int nw,
                       double *freq, double *len)
{
  int ncol = api->xColumnCount(fts), ninst = 0;
  for (int i = 0; i < nphrase; i++)
    freq[i] = 0;
  *len = 0;
  for (int col = 0; col < ncol && col < (int)G_N_ELEMENTS(rank_weight); col++) {
    int n = 0;
    if (api->xColumnSize(fts, col, &n) != SQLITE_OK)
      return false;
    *len += n;
  }
  if (api->xInstCount(fts, &ninst) != SQLITE_OK)
    return false;
  for (int i = 0; i < ninst; i++) {
    int phrase, col, off;
    if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK || phrase < 0 || phrase >= nphrase || col >= ncol)
      continue;
    if (w)
      freq[phrase] += col < nw ? S->sqlite3_value_double(w[col]) : 1.0;
    else
      freq[phrase] += col < (int)G_N_ELEMENTS(rank_weight) ? rank_weight[col] : 0.0;
  }
  return true;
}

static void sq_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                    sqlite3_value **val)
{
  if (nval < 2 || S->sqlite3_value_type(val[0]) != SQLITE_TEXT || S->sqlite3_value_type(val[1]) != SQLITE_TEXT) {
    S->sqlite3_result_error(ctx, "doctag_bm25: expects (table, user_id, match, weights...)", -1);
    return;
  }
  rank_data *r = api->xGetAuxdata(fts, 0);
  if (!r) {
    r = rank_data_new(api, fts, S->sqlite3_context_db_handle(ctx), (const char *)S->sqlite3_value_text(val[0]),
                      (const char *)S->sqlite3_value_text(val[1]));
    if (!r || api->xSetAuxdata(fts, r, rank_data_free) != SQLITE_OK) {
      S->sqlite3_result_error(ctx, "doctag_bm25: cannot count the owner's documents", -1);
      return;
    }
  }
  double *freq = g_newa(double, r->nphrase), len = 0;
  if (!match_freq(api, fts, r->nphrase, val + 2, nval - 2, freq, &len)) {
    S->sqlite3_result_error(ctx, "doctag_bm25: cannot read the match", -1);
    return;
  }
  /* Phrase 0, the owner, weighs nothing. */
  for (int i = 1; i < r->nphrase; i++)
    freq[i] = doc_weight(freq[i], len);
  S->sqlite3_result_double(ctx, -rank_sum(r->idf + 1, freq + 1, r->nphrase - 1));
}

/* doctag_impact(documents_fts): the weight (doc_weight) in this document
 * of the query's one word, phrase 1 (phrase 0 is the owner's id), with
 * rank_weight's column weights: what a one-word search orders by.
 * doctag_impact_packed(documents_fts), registered with user data "packed":
 * its count and length instead, packed as doctag_terms packs them (count
 * << 32 | length), which doctag_w turns into the same weight to the bit. */
static void sq_impact(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                      sqlite3_value **val)
{
  (void)nval;
  (void)val;
  bool packed = api->xUserData(fts) != NULL;
  int nphrase = api->xPhraseCount(fts);
  double *freq = g_newa(double, nphrase > 2 ? nphrase : 2), len = 0;
  if (nphrase != 2 || !match_freq(api, fts, nphrase, NULL, 0, freq, &len) || len >= 4294967296.0) {
    S->sqlite3_result_error(ctx, "doctag_impact: expects a match of the owner and one word", -1);
    return;
  }
  if (packed)
    S->sqlite3_result_int64(ctx, (sqlite3_int64)(((uint64_t)freq[1] << 32) | (uint64_t)len));
  else
    S->sqlite3_result_double(ctx, doc_weight(freq[1], len));
}

/* ---- a document's words as the index reads them (0009's triggers) ----
 *
 * The index's own tokenizer (store/sqlitetok.c, since 0022), one per
 * connection. */

typedef struct sq_tok {
  fts5_tokenizer api;
  Fts5Tokenizer *tok;
} sq_tok;

static void sq_tok_free(void *p)
{
  sq_tok *t = p;
  if (t && t->tok)
    t->api.xDelete(t->tok);
  g_free(t);
}

typedef struct tok_count {
  GHashTable *f; /* doctag_terms: token asked for -> its weighted count (g_malloc'd double) */
  GString *buf;  /* the token being looked up */
  double weight;
  int64_t tokens;
  char *only;    /* doctag_term: the first token */
} tok_count;

static int on_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
  (void)flags;
  (void)start;
  (void)end;
  tok_count *c = ctx;
  c->tokens++;
  if (c->f) {
    g_string_truncate(c->buf, 0);
    g_string_append_len(c->buf, tok, n);
    double *v = g_hash_table_lookup(c->f, c->buf->str);
    if (v)
      *v += c->weight;
  } else if (c->tokens == 1) {
    c->only = g_strndup(tok, (gsize)n);
  }
  return SQLITE_OK;
}

static bool tokenize(sq_tok *t, tok_count *c, sqlite3_value *v)
{
  const char *text = (const char *)S->sqlite3_value_text(v);
  if (!text)
    return true;
  return t->api.xTokenize(t->tok, c, FTS5_TOKENIZE_DOCUMENT, text, S->sqlite3_value_bytes(v), on_token) == SQLITE_OK;
}

/* doctag_terms(title, tags, extracted_text, words): JSON {token: count <<
 * 32 | length} for each of `words` (a JSON array of tokens: the words of
 * the user's heads) that the row holds: its weighted count (an integer:
 * the weights are) and the row's length packed in one integer, so that a
 * trigger reading it row by row with json_each evaluates this once per
 * document; doctag_w unpacks it. The counts are those doctag_impact finds
 * through the index. */
static void sq_terms(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  tok_count c = { .f = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), .buf = g_string_new(NULL) };
  const char *asked = nval > 3 ? (const char *)S->sqlite3_value_text(val[3]) : NULL;
  json_t *words = asked ? json_loads(asked, 0, NULL) : NULL;
  bool ok = json_is_array(words);
  size_t i;
  json_t *w;
  json_array_foreach(words, i, w)
    if (json_is_string(w))
      g_hash_table_insert(c.f, g_strdup(json_string_value(w)), g_new0(double, 1));
  json_decref(words);
  for (int k = 0; ok && k < nval && k < (int)G_N_ELEMENTS(rank_weight); k++) {
    c.weight = rank_weight[k];
    ok = tokenize(S->sqlite3_user_data(ctx), &c, val[k]);
  }
  ok = ok && c.tokens < ((int64_t)1 << 31);
  json_t *found = json_object();
  GHashTableIter it;
  gpointer key, v;
  g_hash_table_iter_init(&it, c.f);
  while (ok && g_hash_table_iter_next(&it, &key, &v))
    if (*(double *)v > 0)
      json_object_set_new(found, key, json_integer((json_int_t)(((uint64_t) * (double *)v << 32) | (uint64_t)c.tokens)));
  g_hash_table_destroy(c.f);
  g_string_free(c.buf, TRUE);
  char *js = ok ? json_dumps(found, JSON_COMPACT) : NULL;
  json_decref(found);
  if (js)
    S->sqlite3_result_text(ctx, js, -1, free);
  else
    S->sqlite3_result_error(ctx, "doctag_terms: cannot read the document's words", -1);
}

/* doctag_w(doctag_terms' packed count and length): doc_weight. */
static void sq_w(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  uint64_t packed = (uint64_t)S->sqlite3_value_int64(val[0]);
  S->sqlite3_result_double(ctx, doc_weight((double)(packed >> 32), (double)(packed & 0xffffffffu)));
}

/* doctag_term(query): the query's token when it has exactly one (a
 * one-word search, which a search head can answer), else NULL. */
static void sq_term(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  tok_count c = { 0 };
  if (tokenize(S->sqlite3_user_data(ctx), &c, val[0]) && c.tokens == 1)
    S->sqlite3_result_text(ctx, c.only, -1, g_free);
  else {
    g_free(c.only);
    S->sqlite3_result_null(ctx);
  }
}

/* ---- a headed word's postings by block (0023) ----
 *
 * Every document of the owner holding a word that has a search head, by
 * block of 512 seqs (seq >> POSTINGS_SHIFT): one row per block with a BLOB
 * of entries, each the seq's offset in the block, the word's weighted
 * count and the document's length (as doctag_terms packs them, so that
 * doc_weight gives doctag_bm25's weight to the bit), in offset order, and
 * the block's highest weight (maxw): an upper bound of what the word adds
 * to any document of the block. Entries are 12 bytes, little-endian. */

#define POSTINGS_SHIFT 9
#define POSTINGS_ENTRY 12

typedef struct posting {
  uint32_t off, f, len;
} posting;

static uint32_t get_u32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(unsigned char *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

/* The entries of a postings BLOB (newly allocated array, *n of them). */
static posting *postings_read(sqlite3_value *v, size_t *n)
{
  const unsigned char *b = v && S->sqlite3_value_type(v) == SQLITE_BLOB ? S->sqlite3_value_blob(v) : NULL;
  size_t len = b ? (size_t)S->sqlite3_value_bytes(v) : 0;
  *n = len / POSTINGS_ENTRY;
  posting *e = g_new(posting, *n + 1);
  for (size_t i = 0; i < *n; i++, b += POSTINGS_ENTRY)
    e[i] = (posting){ get_u32(b), get_u32(b + 4), get_u32(b + 8) };
  return e;
}

static posting posting_of(int64_t seq, uint64_t packed)
{
  return (posting){ (uint32_t)(seq & ((1 << POSTINGS_SHIFT) - 1)), (uint32_t)(packed >> 32),
                    (uint32_t)(packed & 0xffffffffu) };
}

static int posting_cmp(const void *a, const void *b)
{
  const posting *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

static void postings_result(sqlite3_context *ctx, const posting *e, size_t n)
{
  unsigned char *b = g_malloc(n * POSTINGS_ENTRY + 1);
  for (size_t i = 0; i < n; i++) {
    put_u32(b + i * POSTINGS_ENTRY, e[i].off);
    put_u32(b + i * POSTINGS_ENTRY + 4, e[i].f);
    put_u32(b + i * POSTINGS_ENTRY + 8, e[i].len);
  }
  S->sqlite3_result_blob(ctx, b, (int)(n * POSTINGS_ENTRY), g_free);
}

/* doctag_postings_agg(seq, packed): the BLOB of a block's documents. */
static void sq_postings_step(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  GArray **a = S->sqlite3_aggregate_context(ctx, sizeof *a);
  if (!a)
    return;
  if (!*a)
    *a = g_array_new(FALSE, FALSE, sizeof(posting));
  posting e = posting_of(S->sqlite3_value_int64(val[0]), (uint64_t)S->sqlite3_value_int64(val[1]));
  g_array_append_val(*a, e);
}

static void sq_postings_final(sqlite3_context *ctx)
{
  GArray **a = S->sqlite3_aggregate_context(ctx, 0);
  if (!a || !*a) {
    postings_result(ctx, NULL, 0);
    return;
  }
  g_array_sort(*a, posting_cmp);
  postings_result(ctx, (posting *)(void *)(*a)->data, (*a)->len);
  g_array_free(*a, TRUE);
}

/* doctag_postings_add(data, more): data with more's entries in (each
 * replacing one of the same seq). */
static void sq_postings_add(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  size_t n = 0, k = 0;
  posting *a = postings_read(val[0], &n), *b = postings_read(val[1], &k);
  posting *out = g_new(posting, n + k + 1);
  size_t i = 0, j = 0, o = 0;
  while (i < n || j < k)
    if (j == k || (i < n && a[i].off < b[j].off))
      out[o++] = a[i++];
    else {
      if (i < n && a[i].off == b[j].off)
        i++;
      out[o++] = b[j++];
    }
  postings_result(ctx, out, o);
  g_free(a), g_free(b), g_free(out);
}

/* doctag_postings_drop(data, seq): data without seq's entry. */
static void sq_postings_drop(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  size_t n = 0, o = 0;
  posting *a = postings_read(val[0], &n);
  uint32_t off = posting_of(S->sqlite3_value_int64(val[1]), 0).off;
  for (size_t i = 0; i < n; i++)
    if (a[i].off != off)
      a[o++] = a[i];
  postings_result(ctx, a, o);
  g_free(a);
}

/* doctag_postings_max(data): the highest weight (doc_weight) of its
 * entries, 0 when it has none. */
static void sq_postings_max(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  size_t n = 0;
  posting *a = postings_read(val[0], &n);
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = MAX(m, doc_weight(a[i].f, a[i].len));
  g_free(a);
  S->sqlite3_result_double(ctx, m);
}

/* doctag_unhex(text): the BLOB that hex() wrote as text (staged postings
 * travel as text). */
static void sq_unhex(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  const char *t = (const char *)S->sqlite3_value_text(val[0]);
  size_t n = t ? strlen(t) / 2 : 0;
  unsigned char *b = g_malloc(n + 1);
  for (size_t i = 0; i < n; i++)
    b[i] = (unsigned char)(g_ascii_xdigit_value(t[2 * i]) << 4 | g_ascii_xdigit_value(t[2 * i + 1]));
  S->sqlite3_result_blob(ctx, b, (int)n, g_free);
}

/* Registers the index's tokenizer, doctag_bm25, doctag_impact,
 * doctag_terms, doctag_w, doctag_term and the postings' functions on a
 * connection. */
static bool sq_register_rank(sqlite3 *db)
{
  fts5_api *fts = NULL;
  sqlite3_stmt *st = NULL;
  if (S->sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
    S->sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
    S->sqlite3_step(st);
  }
  S->sqlite3_finalize(st);
  if (!fts || fts->xCreateFunction(fts, "doctag_bm25", NULL, sq_rank, NULL) != SQLITE_OK ||
      fts->xCreateFunction(fts, "doctag_impact", NULL, sq_impact, NULL) != SQLITE_OK ||
      fts->xCreateFunction(fts, "doctag_impact_packed", (void *)"packed", sq_impact, NULL) != SQLITE_OK)
    return false;
  sq_tok *t = g_new0(sq_tok, 1);
  void *tctx = NULL;
  if (!sqlitetok_register(fts) || fts->xFindTokenizer(fts, SQLITETOK_NAME, &tctx, &t->api) != SQLITE_OK ||
      t->api.xCreate(tctx, NULL, 0, &t->tok) != SQLITE_OK) {
    sq_tok_free(t);
    return false;
  }
  const int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  /* doctag_term owns the tokenizer: the connection frees it on close (and
   * SQLite at once when the registration fails). */
  return S->sqlite3_create_function_v2(db, "doctag_term", 1, det, t, sq_term, NULL, NULL, sq_tok_free) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_terms", 4, det, t, sq_terms, NULL, NULL, NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_w", 1, det, NULL, sq_w, NULL, NULL, NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_postings_agg", 2, det, NULL, NULL, sq_postings_step,
                                       sq_postings_final, NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_postings_add", 2, det, NULL, sq_postings_add, NULL, NULL,
                                       NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_postings_drop", 2, det, NULL, sq_postings_drop, NULL, NULL,
                                       NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_postings_max", 1, det, NULL, sq_postings_max, NULL, NULL,
                                       NULL) == SQLITE_OK &&
         S->sqlite3_create_function_v2(db, "doctag_unhex", 1, det, NULL, sq_unhex, NULL, NULL, NULL) == SQLITE_OK;
}

static doctag_status sq_connect(struct store *s, store_conn **out)
{
  sqlite_store *impl = s->impl;
  sqlite_conn *c = g_new0(sqlite_conn, 1);
  c->base.ops = &store_sqlite_ops;
  int rc = S->sqlite3_open_v2(impl->path, &c->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    doctag_status st = err_set(DOCTAG_ESTORE, "sqlite: cannot open %s: %s", impl->path,
                               c->db ? S->sqlite3_errmsg(c->db) : S->sqlite3_errstr(rc));
    sq_disconnect(&c->base);
    return st;
  }
  S->sqlite3_busy_handler(c->db, sq_busy, NULL);
  S->sqlite3_extended_result_codes(c->db, 1);
  /* WAL: readers never block the writer, and it is safe across processes on
   * one machine. The mode is recorded in the file; setting it again is a no-op. */
  /* A larger page cache and memory-mapped reads: a search walks the
   * full-text index and many rows. */
  static const char *const setup[] = {
    "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
    "PRAGMA cache_size = -16384", "PRAGMA mmap_size = 268435456",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(setup); i++) {
    /* Switching the journal mode can answer "database is locked" without
     * consulting the busy handler while another process opens the same file:
     * wait for it here too. */
    for (int tries = 0;; tries++) {
      rc = S->sqlite3_exec(c->db, setup[i], NULL, NULL, NULL);
      if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || !sq_busy(NULL, tries))
        break;
    }
    if (rc != SQLITE_OK) {
      doctag_status st = sq_error(c->db, rc, setup[i]);
      err_wrap(st, "%s", impl->path);
      sq_disconnect(&c->base);
      return st;
    }
  }
  if (!sq_register_rank(c->db)) {
    doctag_status st = err_set(DOCTAG_ESTORE, "sqlite: %s: cannot register the index tokenizer, doctag_bm25 and the search head functions (FTS5 missing, or SQLite before 3.25?)", impl->path);
    sq_disconnect(&c->base);
    return st;
  }
  *out = &c->base;
  return DOCTAG_OK;
}

/* Runs `sql`, prepared once into *slot. */
static doctag_status sq_run(sqlite_conn *c, sqlite3_stmt **slot, const char *sql, const store_param *p,
                            unsigned int n, store_rows *out)
{
  sqlite3_stmt *stmt = *slot;
  int rc;
  if (!stmt) {
    rc = S->sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK)
      return sq_error(c->db, rc, "prepare");
    *slot = stmt;
  }
  for (unsigned int i = 0; i < n; i++) {
    int idx = (int)i + 1;
    switch (p[i].type) {
    case SP_NULL: rc = S->sqlite3_bind_null(stmt, idx); break;
    case SP_TEXT: rc = S->sqlite3_bind_text(stmt, idx, p[i].text, -1, SQLITE_STATIC); break;
    case SP_INT:
    case SP_BOOL: rc = S->sqlite3_bind_int64(stmt, idx, p[i].num); break;
    default: rc = SQLITE_MISUSE;
    }
    if (rc != SQLITE_OK) {
      S->sqlite3_clear_bindings(stmt);
      return sq_error(c->db, rc, "bind");
    }
  }
  GPtrArray *cells = out ? g_ptr_array_new() : NULL;
  unsigned int ncols = (unsigned int)S->sqlite3_column_count(stmt), nrows = 0;
  while ((rc = S->sqlite3_step(stmt)) == SQLITE_ROW) {
    if (!cells)
      continue;
    for (unsigned int j = 0; j < ncols; j++) {
      const unsigned char *v = S->sqlite3_column_text(stmt, (int)j);
      g_ptr_array_add(cells, v ? g_strndup((const char *)v, (gsize)S->sqlite3_column_bytes(stmt, (int)j)) : NULL);
    }
    nrows++;
  }
  doctag_status status = DOCTAG_OK;
  if (rc != SQLITE_DONE)
    status = sq_error(c->db, rc, "step");
  S->sqlite3_reset(stmt);
  S->sqlite3_clear_bindings(stmt);
  if (cells) {
    if (status == DOCTAG_OK) {
      out->nrows = nrows;
      out->ncols = ncols;
      out->cell = (char **)g_ptr_array_free(cells, FALSE);
      out->changes = S->sqlite3_changes64(c->db);
    } else {
      g_ptr_array_set_free_func(cells, g_free);
      g_ptr_array_free(cells, TRUE);
    }
  }
  return status;
}

static doctag_status sq_exec(store_conn *base, store_stmt st, const store_param *p, unsigned int n,
                             store_rows *out)
{
  sqlite_conn *c = (sqlite_conn *)base;
  return sq_run(c, &c->cache[st], sql_table[st], p, n, out);
}

/* exec_sql's statements, prepared once, keyed by the SQL text's address. */
static doctag_status sq_cached(sqlite_conn *c, const char *sql, sqlite3_stmt **out)
{
  if (!c->extra)
    c->extra = g_hash_table_new(g_direct_hash, g_direct_equal);
  *out = g_hash_table_lookup(c->extra, sql);
  if (*out)
    return DOCTAG_OK;
  int rc = S->sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
  if (rc != SQLITE_OK)
    return sq_error(c->db, rc, "prepare");
  g_hash_table_insert(c->extra, (gpointer)sql, *out);
  return DOCTAG_OK;
}

static doctag_status sq_exec_sql(store_conn *base, const char *sql, const store_param *p, unsigned int n,
                                 store_rows *out)
{
  sqlite_conn *c = (sqlite_conn *)base;
  sqlite3_stmt *stmt = NULL;
  doctag_status st = sq_cached(c, sql, &stmt);
  return st == DOCTAG_OK ? sq_run(c, &stmt, sql, p, n, out) : st;
}

/* ---- a headed word's postings (0023): staged and published with its head ---- */

/* The word's documents of the owner by block, as JSON {blk: hex(data)}
 * (FTS5's functions cannot sit under a GROUP BY: the LIMIT keeps them in a
 * subquery of their own). */
static const char pst_stage_sql[] = "SELECT json_group_object(blk, hex(data)) FROM (SELECT blk,"
                                    " doctag_postings_agg(seq, packed) AS data FROM (SELECT rowid >> 9 AS blk,"
                                    " rowid AS seq, doctag_impact_packed(documents_fts) AS packed FROM documents_fts"
                                    " WHERE documents_fts MATCH " HEAD_WORD_MATCH " LIMIT -1) GROUP BY blk)";
static const char pst_publish_sql[] = "INSERT INTO search_postings (user_id, term, blk, maxw, data)"
                                      " SELECT ?1, ?2, CAST(j.key AS INTEGER),"
                                      " doctag_postings_max(doctag_unhex(j.value)), doctag_unhex(j.value)"
                                      " FROM json_each(?3) j";
/* The documents written after a staged snapshot was read (0014's log),
 * each left and entered again as 0023's triggers do. */
static const char pst_writes_sql[] = "SELECT DISTINCT seq FROM head_writes WHERE user_id = ?1 AND gen > ?2";
static const char pst_drop_sql[] = "UPDATE search_postings SET data = doctag_postings_drop(data, ?3),"
                                   " maxw = doctag_postings_max(doctag_postings_drop(data, ?3))"
                                   " WHERE user_id = ?1 AND term = ?2 AND blk = ?3 >> 9";
static const char pst_enter_sql[] = "INSERT INTO search_postings (user_id, term, blk, maxw, data)"
                                    " SELECT d.user_id, j.key, d.seq >> 9, doctag_w(j.value),"
                                    " doctag_postings_agg(d.seq, j.value) FROM documents d"
                                    " CROSS JOIN json_each(doctag_terms(d.title, d.tags, d.extracted_text,"
                                    " json_array(?2))) j WHERE d.seq = ?3 AND d.user_id = ?1 AND j.key = ?2"
                                    " GROUP BY j.key ON CONFLICT (user_id, term, blk) DO UPDATE SET"
                                    " data = doctag_postings_add(data, excluded.data), maxw = max(maxw, excluded.maxw)";

static doctag_status sq_postings_stage(store_conn *base, const char *user_id, const char *term, char **staged)
{
  store_rows r = { 0 };
  store_param p[] = { SP_T(user_id), SP_T(term) };
  doctag_status st = sq_exec_sql(base, pst_stage_sql, p, 2, &r);
  if (st == DOCTAG_OK)
    *staged = g_strdup(r.nrows && store_cell(&r, 0, 0) ? store_cell(&r, 0, 0) : "{}");
  store_rows_clear(&r);
  return st;
}

static doctag_status sq_postings_publish(store_conn *base, const char *user_id, const char *term,
                                         const char *staged, int64_t since)
{
  store_param p[] = { SP_T(user_id), SP_T(term), SP_T(staged ? staged : "{}") };
  doctag_status st = sq_exec_sql(base, pst_publish_sql, p, 3, NULL);
  store_rows w = { 0 };
  store_param u[] = { SP_T(user_id), SP_I(since) };
  if (st == DOCTAG_OK && since >= 0)
    st = sq_exec_sql(base, pst_writes_sql, u, 2, &w);
  for (unsigned int i = 0; st == DOCTAG_OK && i < w.nrows; i++) {
    store_param d[] = { SP_T(user_id), SP_T(term), SP_I(store_cell_int(&w, i, 0)) };
    st = sq_exec_sql(base, pst_drop_sql, d, 3, NULL);
    if (st == DOCTAG_OK)
      st = sq_exec_sql(base, pst_enter_sql, d, 3, NULL);
  }
  store_rows_clear(&w);
  return st;
}

/* ---- several words, stopping early (issue 17) ----
 *
 * ST_DOC_SEARCH ranks every document of the owner holding all the words,
 * so its cost grows with the user's matches. Each word with a search head
 * keeps every document of the owner holding it by block of seqs, with the
 * block's highest weight (0023). A document's score is the sum over the
 * words of IDF times weight, so no document of a block scores more than
 * the sum of the words' highest weights there (its bound), and a block
 * that lacks a word holds no match. The blocks holding every word are
 * scored highest bound first, each by intersecting the words' entries
 * (offset order), and the search stops at the first block whose bound is
 * below the k-th best score found: none left can enter the answer (one
 * equal to it is scored: its documents could win the tie by being newer).
 * Rounding is monotonic and rank_sum adds in one order, so a bound in
 * doubles is never below a score it bounds, and a score is doctag_bm25's
 * to the bit. Block-max evaluation (Ding and Suel, 2011) over blocks
 * aligned across the words. Without a head and its count for every word,
 * the caller ranks every match. */

#define WORDS_MAX 16

/* Prepared once each (sq_cached). */
static const char sw_total_sql[] = "SELECT coalesce(max(total), 0) FROM user_doc_counts WHERE user_id = ?1";
static const char sw_head_sql[] = "SELECT term, df IS NULL, df FROM search_heads"
                                  " WHERE user_id = ?1 AND term = doctag_term(?2)";
/* A word's blocks and their bounds (not their entries: the BLOB is the
 * row's last column, read only when asked). Emptied blocks weigh 0. */
static const char sw_blocks_sql[] = "SELECT blk, maxw FROM search_postings WHERE user_id = ?1 AND term = ?2"
                                    " AND maxw > 0 ORDER BY blk";
static const char sw_entries_sql[] = "SELECT data FROM search_postings WHERE user_id = ?1 AND term = ?2 AND blk = ?3";
/* The answer: seqs best first with their tie groups (equal scores share
 * one), ordered within a group as ST_DOC_SEARCH orders ties. */
static const char sw_rows_sql[] = "SELECT " DOC_COLS " FROM json_each(?2) j"
                                  " JOIN documents d ON d.seq = json_extract(j.value, '$[0]') WHERE d.user_id = ?1"
                                  " ORDER BY json_extract(j.value, '$[1]'), d.created_at DESC, d.seq DESC";

static void sq_done(sqlite3_stmt *st)
{
  S->sqlite3_reset(st);
  S->sqlite3_clear_bindings(st);
}

/* A document scored, or a block and its bound. */
typedef struct sw_cand {
  int64_t seq;
  double score;
} sw_cand;

/* Better first: higher score, then newer (ST_DOC_SEARCH's ORDER BY score, rowid DESC). */
static int sw_better(const void *a, const void *b)
{
  const sw_cand *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/* Keeps score s among the best `limit` scores best[0..*n), highest first. */
static void sw_keep(double *best, unsigned int *n, unsigned int limit, double s)
{
  unsigned int j = *n < limit ? (*n)++ : limit;
  for (; j > 0 && best[j - 1] < s; j--)
    if (j < limit)
      best[j] = best[j - 1];
  if (j < limit)
    best[j] = s;
}

/* A word's blocks: blk -> its highest weight, in blk order. */
typedef struct sw_blocks {
  GArray *blk;  /* int64_t */
  GArray *maxw; /* double */
} sw_blocks;

static doctag_status sw_read_blocks(sqlite_conn *c, const char *user_id, const char *term, sw_blocks *b)
{
  sqlite3_stmt *st = NULL;
  doctag_status r = sq_cached(c, sw_blocks_sql, &st);
  if (r != DOCTAG_OK)
    return r;
  S->sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
  S->sqlite3_bind_text(st, 2, term, -1, SQLITE_STATIC);
  int rc;
  while ((rc = S->sqlite3_step(st)) == SQLITE_ROW) {
    int64_t k = S->sqlite3_column_int64(st, 0);
    double w = S->sqlite3_column_double(st, 1);
    g_array_append_val(b->blk, k);
    g_array_append_val(b->maxw, w);
  }
  if (rc != SQLITE_DONE)
    r = sq_error(c->db, rc, "step");
  sq_done(st);
  return r;
}

/* Word i's entries in block k (newly allocated, *n of them). */
static doctag_status sw_read_entries(sqlite_conn *c, const char *user_id, const char *term, int64_t k,
                                     posting **out, size_t *n)
{
  sqlite3_stmt *st = NULL;
  *out = NULL;
  *n = 0;
  doctag_status r = sq_cached(c, sw_entries_sql, &st);
  if (r != DOCTAG_OK)
    return r;
  S->sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
  S->sqlite3_bind_text(st, 2, term, -1, SQLITE_STATIC);
  S->sqlite3_bind_int64(st, 3, k);
  int rc = S->sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char *b = S->sqlite3_column_blob(st, 0);
    size_t len = b ? (size_t)S->sqlite3_column_bytes(st, 0) : 0;
    *n = len / POSTINGS_ENTRY;
    *out = g_new(posting, *n + 1);
    for (size_t i = 0; i < *n; i++, b += POSTINGS_ENTRY)
      (*out)[i] = (posting){ get_u32(b), get_u32(b + 4), get_u32(b + 8) };
    rc = S->sqlite3_step(st);
  }
  if (rc != SQLITE_DONE)
    r = sq_error(c->db, rc, "step");
  sq_done(st);
  if (!*out)
    *out = g_new(posting, 1);
  return r;
}

/* Scores the documents of block k holding all m words into `found`. */
static doctag_status sw_score_block(sqlite_conn *c, const char *user_id, char *const *term, int m, const double *idf,
                                    int64_t k, GArray *found, double *best, unsigned int *nbest, unsigned int limit)
{
  posting *e[WORDS_MAX] = { NULL };
  size_t n[WORDS_MAX] = { 0 }, at[WORDS_MAX] = { 0 };
  doctag_status r = DOCTAG_OK;
  for (int i = 0; r == DOCTAG_OK && i < m; i++)
    r = sw_read_entries(c, user_id, term[i], k, &e[i], &n[i]);
  double w[WORDS_MAX];
  while (r == DOCTAG_OK) {
    /* The next offset every word holds: word 0's, the others caught up. */
    bool end = false, all = true;
    uint32_t off = 0;
    for (int i = 0; i < m && !end; i++) {
      while (at[i] < n[i] && e[i][at[i]].off < off)
        at[i]++;
      end = at[i] == n[i];
      if (!end && i == 0)
        off = e[0][at[0]].off;
      all = all && !end && e[i][at[i]].off == off;
    }
    if (end)
      break;
    if (all) {
      for (int i = 0; i < m; i++)
        w[i] = doc_weight(e[i][at[i]].f, e[i][at[i]].len);
      sw_cand d = { (k << POSTINGS_SHIFT) | off, rank_sum(idf, w, m) };
      g_array_append_val(found, d);
      sw_keep(best, nbest, limit, d.score);
    }
    at[0]++;
  }
  for (int i = 0; i < m; i++)
    g_free(e[i]);
  return r;
}

static doctag_status sq_search_words(store_conn *base, const char *user_id, const char *match, unsigned int limit,
                                     store_rows *out, bool *answered)
{
  sqlite_conn *c = (sqlite_conn *)base;
  *answered = false;
  GPtrArray *words = match_phrases(match);
  int m = (int)words->len;
  if (m < 2 || m > WORDS_MAX || !limit) {
    g_ptr_array_free(words, TRUE);
    return DOCTAG_OK;
  }
  double idf[WORDS_MAX] = { 0 };
  bool usable = true;
  char *term_of[WORDS_MAX] = { NULL };
  sw_blocks blocks[WORDS_MAX];
  for (int i = 0; i < m; i++)
    blocks[i] = (sw_blocks){ g_array_new(FALSE, FALSE, sizeof(int64_t)), g_array_new(FALSE, FALSE, sizeof(double)) };
  sqlite3_stmt *st = NULL;
  doctag_status r = sq_cached(c, sw_total_sql, &st);
  int64_t total = 0;
  if (r == DOCTAG_OK) {
    S->sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
    if (S->sqlite3_step(st) == SQLITE_ROW)
      total = S->sqlite3_column_int64(st, 0);
    sq_done(st);
  }
  /* Each word's head: its count (the IDF doctag_bm25 reads, in this
   * snapshot) and its blocks. Without one, or its count, the words go to
   * the full ranking. */
  for (int i = 0; r == DOCTAG_OK && usable && i < m; i++) {
    sqlite3_stmt *h = NULL;
    r = sq_cached(c, sw_head_sql, &h);
    if (r != DOCTAG_OK)
      break;
    S->sqlite3_bind_text(h, 1, user_id, -1, SQLITE_STATIC);
    S->sqlite3_bind_text(h, 2, g_ptr_array_index(words, i), -1, SQLITE_STATIC);
    usable = S->sqlite3_step(h) == SQLITE_ROW && !S->sqlite3_column_int64(h, 1);
    if (usable) {
      term_of[i] = g_strdup((const char *)S->sqlite3_column_text(h, 0));
      idf[i] = rank_idf(total, S->sqlite3_column_int64(h, 2));
    }
    sq_done(h);
    if (usable)
      r = sw_read_blocks(c, user_id, term_of[i], &blocks[i]);
  }
  /* The blocks holding every word, highest bound first. */
  GArray *cand = g_array_new(FALSE, FALSE, sizeof(sw_cand));
  size_t at[WORDS_MAX] = { 0 };
  double bw[WORDS_MAX];
  while (usable && r == DOCTAG_OK) {
    bool end = false, all = true;
    int64_t k = 0;
    for (int i = 0; i < m && !end; i++) {
      GArray *b = blocks[i].blk;
      while (at[i] < b->len && g_array_index(b, int64_t, at[i]) < k)
        at[i]++;
      end = at[i] == b->len;
      if (!end && i == 0)
        k = g_array_index(b, int64_t, at[0]);
      all = all && !end && g_array_index(b, int64_t, at[i]) == k;
    }
    if (end)
      break;
    if (all) {
      for (int i = 0; i < m; i++)
        bw[i] = g_array_index(blocks[i].maxw, double, at[i]);
      sw_cand x = { k, rank_sum(idf, bw, m) };
      g_array_append_val(cand, x);
    }
    at[0]++;
  }
  g_array_sort(cand, sw_better);
  /* best[limit - 1], once full, is the k-th best score found so far. */
  double *best = g_new(double, limit);
  unsigned int nbest = 0;
  GArray *found = g_array_new(FALSE, FALSE, sizeof(sw_cand));
  for (guint k = 0; usable && r == DOCTAG_OK && k < cand->len; k++) {
    sw_cand *x = &g_array_index(cand, sw_cand, k);
    if (nbest == limit && x->score < best[limit - 1])
      break;
    r = sw_score_block(c, user_id, term_of, m, idf, x->seq, found, best, &nbest, limit);
  }
  if (usable && r == DOCTAG_OK) {
    g_array_sort(found, sw_better);
    GString *js = g_string_new("[");
    int64_t group = 0;
    for (guint k = 0; k < found->len && k < limit; k++) {
      sw_cand *x = &g_array_index(found, sw_cand, k);
      if (k && x->score != g_array_index(found, sw_cand, k - 1).score)
        group++;
      g_string_append_printf(js, "%s[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]", k ? "," : "", x->seq, group);
    }
    g_string_append_c(js, ']');
    sqlite3_stmt *o = NULL;
    r = sq_cached(c, sw_rows_sql, &o);
    store_param p[] = { SP_T(user_id), SP_T(js->str) };
    if (r == DOCTAG_OK)
      r = sq_run(c, &o, sw_rows_sql, p, 2, out);
    *answered = r == DOCTAG_OK;
    g_string_free(js, TRUE);
  }
  g_free(best);
  g_array_free(found, TRUE);
  g_array_free(cand, TRUE);
  for (int i = 0; i < m; i++) {
    g_free(term_of[i]);
    g_array_free(blocks[i].blk, TRUE);
    g_array_free(blocks[i].maxw, TRUE);
  }
  g_ptr_array_free(words, TRUE);
  return r;
}

static doctag_status sq_script(store_conn *base, const char *sql)
{
  sqlite_conn *c = (sqlite_conn *)base;
  char *msg = NULL;
  int rc = S->sqlite3_exec(c->db, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK)
    return DOCTAG_OK;
  doctag_status st = err_set(DOCTAG_ESTORE, "sqlite: %s", msg ? msg : S->sqlite3_errstr(rc));
  S->sqlite3_free(msg);
  return st;
}

/* True when the token holds a character the index's tokenizer keeps
 * (letter, mark, number): a token of punctuation alone can match nothing. */
static bool has_word_char(const char *tok)
{
  for (const char *q = tok; *q; q = g_utf8_next_char(q)) {
    gunichar ch = g_utf8_get_char(q);
    if (g_unichar_isalnum(ch) || g_unichar_ismark(ch))
      return true;
  }
  return false;
}

/* Every whitespace-separated word becomes an FTS5 string ("..." with quotes
 * doubled), so AND, OR, NEAR, *, ^, : and quotes are plain text; the words
 * are ANDed. */
static char *sq_match_query(const char *query)
{
  if (!query || !g_utf8_validate(query, -1, NULL))
    return NULL;
  GString *m = g_string_new(NULL);
  gchar **toks = g_regex_split_simple("\\s+", query, 0, 0);
  for (gchar **t = toks; *t; t++) {
    if (!**t || !has_word_char(*t))
      continue;
    if (m->len)
      g_string_append_c(m, ' ');
    g_string_append_c(m, '"');
    for (const char *q = *t; *q; q++) {
      if (*q == '"')
        g_string_append_c(m, '"');
      g_string_append_c(m, *q);
    }
    g_string_append_c(m, '"');
  }
  g_strfreev(toks);
  if (!m->len) {
    g_string_free(m, TRUE);
    return NULL;
  }
  return g_string_free(m, FALSE);
}

static const char *sq_sql(store_stmt st)
{
  return st < ST_COUNT ? sql_table[st] : NULL;
}

const store_ops store_sqlite_ops = {
  .name = "sqlite",
  .migrations = "store/data/sqlite/",
  .accepts = sq_accepts,
  .open = sq_open,
  .close = sq_close,
  .connect = sq_connect,
  .disconnect = sq_disconnect,
  .exec = sq_exec,
  .exec_sql = sq_exec_sql,
  .script = sq_script,
  .match_query = sq_match_query,
  .sql = sq_sql,
  .rarity_from_heads = true,
  .search_words = sq_search_words,
  .postings_stage = sq_postings_stage,
  .postings_publish = sq_postings_publish,
};
