-- The local batch queue (libdoctag/queue/local.c): a batch job's queue state,
-- its items (one per row, claimed with a lease) and its numbered events.
-- Owned by the queue, not the store; rows go with their history job.
-- Times are bigint microseconds since the epoch (the queue's own clock values).

CREATE TABLE queue_jobs (
  job_id      uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
  user_id     uuid NOT NULL,
  status      text NOT NULL,
  total       bigint NOT NULL,
  done        bigint NOT NULL DEFAULT 0,
  processed   bigint NOT NULL DEFAULT 0,
  failed      bigint NOT NULL DEFAULT 0,
  seq         bigint NOT NULL DEFAULT 0,
  config      text,
  secret      text,
  error       text,
  created_at  bigint NOT NULL,
  started_at  bigint,
  finished_at bigint
);
CREATE INDEX queue_jobs_user ON queue_jobs(user_id, status);
CREATE INDEX queue_jobs_runnable ON queue_jobs(status, created_at);

CREATE TABLE queue_items (
  job_id       uuid NOT NULL REFERENCES queue_jobs(job_id) ON DELETE CASCADE,
  row_index    bigint NOT NULL,
  payload      text NOT NULL,
  state        text NOT NULL DEFAULT 'waiting',  -- waiting | claimed | done
  owner        text,
  lease_until  bigint,
  attempts     integer NOT NULL DEFAULT 0,
  ok           integer,
  result       text,
  finished_seq bigint,                           -- finishing order within the job
  PRIMARY KEY (job_id, row_index)
);
CREATE INDEX queue_items_job_state ON queue_items(job_id, state, row_index);

CREATE TABLE queue_events (
  job_id     uuid NOT NULL REFERENCES queue_jobs(job_id) ON DELETE CASCADE,
  seq        bigint NOT NULL,
  body       text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (job_id, seq)
);
