-- The local batch queue (libdoctag/queue/local.c): a batch job's queue state,
-- its items (one per row, claimed with a lease) and its numbered events.
-- Owned by the queue, not the store; rows go with their history job.
-- Times are integer microseconds since the epoch.

CREATE TABLE queue_jobs (
  job_id      TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL,
  status      TEXT NOT NULL,
  total       INTEGER NOT NULL,
  done        INTEGER NOT NULL DEFAULT 0,
  processed   INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  seq         INTEGER NOT NULL DEFAULT 0,
  config      TEXT,
  secret      TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER
);
CREATE INDEX queue_jobs_user ON queue_jobs(user_id, status);
CREATE INDEX queue_jobs_runnable ON queue_jobs(status, created_at);

CREATE TABLE queue_items (
  job_id       TEXT NOT NULL REFERENCES queue_jobs(job_id) ON DELETE CASCADE,
  row_index    INTEGER NOT NULL,
  payload      TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'waiting',  -- waiting | claimed | done
  owner        TEXT,
  lease_until  INTEGER,
  attempts     INTEGER NOT NULL DEFAULT 0,
  ok           INTEGER,
  result       TEXT,
  finished_seq INTEGER,                          -- finishing order within the job
  PRIMARY KEY (job_id, row_index)
);
CREATE INDEX queue_items_job_state ON queue_items(job_id, state, row_index);

CREATE TABLE queue_events (
  job_id     TEXT NOT NULL REFERENCES queue_jobs(job_id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, seq)
);
