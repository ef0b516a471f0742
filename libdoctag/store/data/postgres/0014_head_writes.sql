-- Which documents each write of a user moved (issue 17; history/search.c).
-- A search head is read from a snapshot outside the lock its user's
-- writers take and published only when the user's write count (gen, 0010)
-- has not moved since; when it had, the head was ranked again under the
-- lock, so a user whose own documents were being written (a batch of
-- theirs running) paid for every first search with a full ranking that
-- held off their writers. Each write now also logs the document it touched
-- under its write count; a build then publishes the snapshot and enters
-- just the documents written since into the new head, as the trigger
-- would have. The log keeps a user's last 1,000 writes or so (cut every
-- 100): a build that outlived more falls back to the locked ranking. Rows
-- of a deleted user stay (at most 1,100); no user can write under that id.
CREATE TABLE head_writes (
  user_id uuid NOT NULL,
  gen     bigint NOT NULL,
  seq     bigint NOT NULL,
  PRIMARY KEY (user_id, gen)
);
CREATE OR REPLACE FUNCTION documents_gen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
  s bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.seq ELSE NEW.seq END;
  g bigint;
BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id = uid RETURNING gen INTO g;
  IF g IS NOT NULL THEN
    INSERT INTO head_writes (user_id, gen, seq) VALUES (uid, g, s);
    IF g % 100 = 0 THEN
      DELETE FROM head_writes WHERE user_id = uid AND gen <= g - 1000;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
