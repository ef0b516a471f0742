-- Webhooks (issue 14): each user's signing secret, the URL a job reports
-- its end to, and the deliveries waiting to be sent. Deliveries live here,
-- not in a process's memory, so a restart loses none; next_at is both the
-- retry time and the lease of the worker sending it. Times in microseconds.
CREATE TABLE webhook_secrets (
  user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE webhook_subscriptions (
  job_id     TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  url        TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id           TEXT PRIMARY KEY,
  job_id       TEXT NOT NULL UNIQUE,
  user_id      TEXT NOT NULL,
  url          TEXT NOT NULL,
  event        TEXT NOT NULL,
  body         TEXT NOT NULL,
  status       TEXT NOT NULL,          -- pending | delivered | failed
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at      INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error   TEXT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_at);
