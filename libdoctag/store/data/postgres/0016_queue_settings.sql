-- Settings every process on this queue must share, recorded by the first
-- process that uses one (queue/local.c, jobs/slots.c): doc_slot_lease_ms,
-- the lease of the places of doc_slots. A row holds while a process using
-- it lives (each renews `until` with its places); a row whose `until` has
-- passed outlived them all, and the next process records its own value.
CREATE TABLE queue_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  until BIGINT NOT NULL
);
