-- A search head is built from a read snapshot, outside the lock its
-- user's writers take (issue 17; history/search.c), and published only
-- when none of the user's documents changed since: `gen` counts every
-- write of a user's documents that a head follows (insert, delete, a new
-- title, tags or text), in the writer's own transaction. Before, the first
-- search of a word ranked every document of it holding the user's
-- user_doc_counts row, which held off the user's writers for as long.
-- Triggers fire by name: documents_counts (0008) has made the row first.
ALTER TABLE user_doc_counts ADD COLUMN gen bigint NOT NULL DEFAULT 0;
CREATE FUNCTION documents_gen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE user_doc_counts SET gen = gen + 1
    WHERE user_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
  RETURN NULL;
END
$$;
CREATE TRIGGER documents_gen AFTER INSERT OR DELETE OR UPDATE OF title, tags, extracted_text ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_gen();
