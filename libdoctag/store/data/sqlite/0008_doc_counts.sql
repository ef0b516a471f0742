-- Each user's document counts, kept by triggers (issue 17). Statistics,
-- the document list's total and search's word rarity (doctag_bm25's N)
-- counted the user's documents on every call: an index walk that grows
-- with the history (about 0.4 us a document, so 50 ms at 120,000). They
-- now read one row. Every change to documents goes through these
-- triggers, in the writer's own transaction, so the row is exact; the
-- counts of the documents already there are taken first. (Numbered 0008:
-- 0007 is the tagger's document frequencies.)
CREATE TABLE user_doc_counts (
  user_id   TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  total     INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  failed    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO user_doc_counts (user_id, total, completed, failed)
  SELECT user_id, count(*), coalesce(sum(status = 'completed'), 0), coalesce(sum(status = 'failed'), 0)
  FROM documents GROUP BY user_id;
CREATE TRIGGER documents_counts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO user_doc_counts (user_id, total, completed, failed)
  VALUES (new.user_id, 1, new.status = 'completed', new.status = 'failed')
  ON CONFLICT (user_id) DO UPDATE SET total = total + 1, completed = completed + excluded.completed,
    failed = failed + excluded.failed;
END;
CREATE TRIGGER documents_counts_delete AFTER DELETE ON documents BEGIN
  UPDATE user_doc_counts SET total = total - 1, completed = completed - (old.status = 'completed'),
    failed = failed - (old.status = 'failed')
  WHERE user_id = old.user_id;
END;
CREATE TRIGGER documents_counts_update AFTER UPDATE OF status, user_id ON documents BEGIN
  UPDATE user_doc_counts SET total = total - 1, completed = completed - (old.status = 'completed'),
    failed = failed - (old.status = 'failed')
  WHERE user_id = old.user_id;
  INSERT INTO user_doc_counts (user_id, total, completed, failed)
  VALUES (new.user_id, 1, new.status = 'completed', new.status = 'failed')
  ON CONFLICT (user_id) DO UPDATE SET total = total + 1, completed = completed + excluded.completed,
    failed = failed + excluded.failed;
END;
