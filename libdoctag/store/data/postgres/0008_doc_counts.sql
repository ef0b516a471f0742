-- Each user's document counts, kept by a trigger (issue 17). Statistics
-- and the document list's total counted the user's documents on every
-- call: an index walk that grows with the history. They now read one row.
-- Every change to documents goes through the trigger, in the writer's own
-- transaction, so the row is exact. Writers of one user's documents queue
-- on that row for the rest of their (one-document) transaction. The table
-- is locked against writes while the existing documents are counted.
-- (Numbered 0008: 0007 is the tagger's document frequencies.)
CREATE TABLE user_doc_counts (
  user_id   uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  total     bigint NOT NULL DEFAULT 0,
  completed bigint NOT NULL DEFAULT 0,
  failed    bigint NOT NULL DEFAULT 0
);
LOCK TABLE documents IN SHARE MODE;
INSERT INTO user_doc_counts (user_id, total, completed, failed)
  SELECT user_id, count(*), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed')
  FROM documents GROUP BY user_id;
CREATE FUNCTION documents_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE user_doc_counts SET total = total - 1, completed = completed - (OLD.status = 'completed')::int,
      failed = failed - (OLD.status = 'failed')::int
    WHERE user_id = OLD.user_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO user_doc_counts AS u (user_id, total, completed, failed)
    VALUES (NEW.user_id, 1, (NEW.status = 'completed')::int, (NEW.status = 'failed')::int)
    ON CONFLICT (user_id) DO UPDATE SET total = u.total + 1, completed = u.completed + excluded.completed,
      failed = u.failed + excluded.failed;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER documents_counts AFTER INSERT OR DELETE OR UPDATE OF status, user_id ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_count();
