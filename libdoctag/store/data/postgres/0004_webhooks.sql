-- Webhooks (issue 14): each user's signing secret, the URL a job reports
-- its end to, and the deliveries waiting to be sent. Deliveries live here,
-- not in a process's memory, so a restart loses none; next_at is both the
-- retry time and the lease of the worker sending it. Times in microseconds.
CREATE TABLE webhook_secrets (
  user_id    uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret     text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE webhook_subscriptions (
  job_id     uuid PRIMARY KEY,
  user_id    uuid NOT NULL,
  url        text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE webhook_deliveries (
  id           uuid PRIMARY KEY,
  job_id       uuid NOT NULL UNIQUE,
  user_id      uuid NOT NULL,
  url          text NOT NULL,
  event        text NOT NULL,
  body         text NOT NULL,
  status       text NOT NULL,          -- pending | delivered | failed
  attempts     bigint NOT NULL DEFAULT 0,
  next_at      bigint NOT NULL,
  created_at   bigint NOT NULL,
  delivered_at bigint,
  last_error   text
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_at);
