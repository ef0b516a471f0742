-- Which documents each write of a user moved (issue 17; history/search.c).
-- A search head is read from a snapshot outside the write lock and
-- published only when the user's write count (gen, 0010) has not moved
-- since; when it had, the head was ranked again under the lock, so a user
-- whose own documents were being written (a batch of theirs running) paid
-- for every first search with a full ranking that held off all writers.
-- Each write now also logs the document it touched under its write count;
-- a build then publishes the snapshot and enters just the documents written
-- since into the new head, as the triggers would have. The log keeps a
-- user's last 1,000 writes or so (cut every 100): a build that outlived
-- more falls back to the locked ranking. Rows of a deleted user stay (at
-- most 1,100) until a user of that id writes again, which none can.
CREATE TABLE head_writes (
  user_id TEXT NOT NULL,
  gen     INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (user_id, gen)
) WITHOUT ROWID;

-- One write of a user's document, as 0010's triggers counted it, and now
-- logged: the INSTEAD OF trigger of an empty view (one body, as in 0009).
CREATE VIEW head_writes_log AS SELECT user_id, seq FROM documents WHERE 0;
CREATE TRIGGER head_writes_log INSTEAD OF INSERT ON head_writes_log BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id = new.user_id;
  INSERT INTO head_writes (user_id, gen, seq) SELECT user_id, gen, new.seq FROM user_doc_counts
    WHERE user_id = new.user_id;
  DELETE FROM head_writes WHERE user_id = new.user_id
    AND gen <= (SELECT gen - 1000 FROM user_doc_counts WHERE user_id = new.user_id AND gen % 100 = 0);
END;
DROP TRIGGER documents_gen_insert;
DROP TRIGGER documents_gen_delete;
DROP TRIGGER documents_gen_update;
CREATE TRIGGER documents_gen_insert AFTER INSERT ON documents BEGIN
  INSERT INTO head_writes_log VALUES (new.user_id, new.seq);
END;
CREATE TRIGGER documents_gen_delete AFTER DELETE ON documents BEGIN
  INSERT INTO head_writes_log VALUES (old.user_id, old.seq);
END;
CREATE TRIGGER documents_gen_update AFTER UPDATE OF title, tags, extracted_text, user_id ON documents BEGIN
  INSERT INTO head_writes_log SELECT old.user_id, new.seq UNION SELECT new.user_id, new.seq;
END;
