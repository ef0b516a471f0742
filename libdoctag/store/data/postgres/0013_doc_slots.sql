-- Documents in flight per user, shared by every process on this database
-- (queue/local.c, jobs/slots.c): a place per document, held by one process
-- (holder) under a lease it renews; a place whose lease ran out belonged to
-- a process that died and is dropped by the next take of its user.
CREATE TABLE doc_slots (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  lease_until BIGINT NOT NULL
);
CREATE INDEX doc_slots_user_idx ON doc_slots (user_id);
CREATE INDEX doc_slots_holder_idx ON doc_slots (holder);
