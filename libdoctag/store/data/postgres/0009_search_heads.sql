-- Ranked search whose cost grows with the answer, not the archive (issue
-- 17). A one-word search ranks every document of the user holding the
-- word, so a word in nearly every document costs the whole archive. For
-- one word, ts_rank (normalization 0) reads only that word's positions and
-- weights in the document, so a document's score for it never changes
-- until the document does, and the best 100 documents of a word can be
-- kept in order: a "head" (search_heads, one per user and word, made by
-- the first search of the word; history/search.c) lists them in
-- search_head_docs, and a search reads its first `limit` rows. `term` is
-- the search's tsquery as text, `query` the tsquery itself.
--
-- Invariant: every document of the user holding the word that is not in
-- the head ranks at or below the head's floor (floor_score, floor_seq);
-- every document in the head ranks above it. A NULL floor: the head holds
-- every such document. A head answers a limit of k when its floor is NULL
-- or it holds at least k documents. The trigger keeps that in the writer's
-- own transaction: a new or reprocessed document enters each head of a
-- word it holds when it ranks above the floor; a head past 200 drops what
-- ranks from 101st down and raises its floor to that; a deleted document
-- leaves its heads (a head that gets too short is built again by the next
-- search). The trigger first locks the user's user_doc_counts row, as a
-- head being built does, so a head is never built from a snapshot that
-- misses a document being written (for an insert or delete 0008's trigger,
-- which fires first, holds that lock already).
CREATE TABLE search_heads (
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  term        text NOT NULL,
  query       tsquery NOT NULL,
  n           integer NOT NULL DEFAULT 0,
  floor_score real,
  floor_seq   bigint,
  PRIMARY KEY (user_id, term)
);
CREATE TABLE search_head_docs (
  user_id uuid NOT NULL,
  term    text NOT NULL,
  score   real NOT NULL,
  seq     bigint NOT NULL,
  PRIMARY KEY (user_id, term, score, seq),
  FOREIGN KEY (user_id, term) REFERENCES search_heads(user_id, term) ON DELETE CASCADE
);
CREATE INDEX search_head_docs_seq ON search_head_docs(seq);

CREATE FUNCTION documents_search_heads() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
BEGIN
  PERFORM 1 FROM user_doc_counts WHERE user_id = uid FOR UPDATE;
  IF NOT EXISTS (SELECT 1 FROM search_heads WHERE user_id = uid) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE search_heads h SET n = h.n - 1 FROM search_head_docs d
      WHERE d.seq = OLD.seq AND h.user_id = d.user_id AND h.term = d.term;
    DELETE FROM search_head_docs WHERE seq = OLD.seq;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO search_head_docs (user_id, term, score, seq)
      SELECT h.user_id, h.term, r.score, NEW.seq
      FROM search_heads h, LATERAL (SELECT ts_rank(NEW.rank_vector, h.query) AS score) r
      WHERE h.user_id = uid AND NEW.search_vector @@ h.query
        AND (h.floor_score IS NULL OR (r.score, NEW.seq) > (h.floor_score, h.floor_seq));
    UPDATE search_heads h SET n = h.n + 1 FROM search_head_docs d
      WHERE d.seq = NEW.seq AND h.user_id = d.user_id AND h.term = d.term;
    UPDATE search_heads h SET (floor_score, floor_seq) = (SELECT d.score, d.seq FROM search_head_docs d
        WHERE d.user_id = h.user_id AND d.term = h.term ORDER BY d.score DESC, d.seq DESC LIMIT 1 OFFSET 100)
      WHERE h.user_id = uid AND h.n > 200;
    DELETE FROM search_head_docs d USING search_heads h
      WHERE h.user_id = uid AND h.n > 200 AND d.user_id = h.user_id AND d.term = h.term
        AND (d.score, d.seq) <= (h.floor_score, h.floor_seq);
    UPDATE search_heads SET n = 100 WHERE user_id = uid AND n > 200;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER documents_search_heads AFTER INSERT OR DELETE OR UPDATE OF title, tags, extracted_text ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_search_heads();
