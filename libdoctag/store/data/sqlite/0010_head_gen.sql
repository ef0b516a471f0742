-- A search head is built from a read snapshot, outside the write lock
-- (issue 17; history/search.c), and published only when none of the
-- user's documents changed since: `gen` counts every write of a user's
-- documents that a head follows (insert, delete, a new title, tags or
-- text), in the writer's own transaction. Before, the first search of a
-- word ranked every document of it holding the database's write lock,
-- which held off every writer for as long (seconds for a common word).
ALTER TABLE user_doc_counts ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER documents_gen_insert AFTER INSERT ON documents BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id = new.user_id;
END;
CREATE TRIGGER documents_gen_delete AFTER DELETE ON documents BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id = old.user_id;
END;
CREATE TRIGGER documents_gen_update AFTER UPDATE OF title, tags, extracted_text, user_id ON documents BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id IN (old.user_id, new.user_id);
END;
