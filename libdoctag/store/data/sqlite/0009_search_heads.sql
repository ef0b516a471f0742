-- Ranked search whose cost grows with the answer, not the archive (issue
-- 17). A one-word search ranks every document of the user holding the
-- word, so a word in nearly every document costs the whole archive. For
-- such a search the order is the word's own weight in each document (its
-- rarity multiplies every score alike), so the best 100 documents of a word
-- can be kept in that order: a "head" (search_heads, one per user and word,
-- made by the first search of the word; history/search.c) lists them in
-- search_head_docs, and a search reads its first `limit` rows.
--
-- Invariant: every document of the user holding the word that is not in
-- the head ranks at or below the head's floor (floor_score, floor_seq);
-- every document in the head ranks above it. A NULL floor: the head holds
-- every such document. A head answers a limit of k when its floor is NULL
-- or it holds at least k documents. The triggers below keep that in the
-- writer's own transaction: a new or reprocessed document enters each head
-- of a word it holds when it ranks above the floor; a head past 200 drops
-- what ranks from 101st down and raises its floor to that; a deleted
-- document leaves its heads (a head that gets too short is built again by
-- the next search). doctag_terms() and doctag_w() are store/sqlite.c's:
-- the words of a document as FTS5's tokenizer reads them and their weight,
-- the same figures doctag_bm25 and doctag_impact give.
CREATE TABLE search_heads (
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  term        TEXT NOT NULL,
  n           INTEGER NOT NULL DEFAULT 0,
  floor_score REAL,
  floor_seq   INTEGER,
  PRIMARY KEY (user_id, term)
) WITHOUT ROWID;
CREATE TABLE search_head_docs (
  user_id TEXT NOT NULL,
  term    TEXT NOT NULL,
  score   REAL NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (user_id, term, score, seq),
  FOREIGN KEY (user_id, term) REFERENCES search_heads(user_id, term) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX search_head_docs_seq ON search_head_docs(seq);

-- What a document does to its user's heads, written once: SQLite has no
-- procedures, so each is the INSTEAD OF trigger of an empty view, and the
-- documents' triggers insert into the view.
CREATE VIEW search_heads_enter AS SELECT user_id, seq, title, tags, extracted_text FROM documents WHERE 0;
CREATE TRIGGER search_heads_enter INSTEAD OF INSERT ON search_heads_enter BEGIN
  INSERT INTO search_head_docs (user_id, term, score, seq)
    SELECT h.user_id, h.term, doctag_w(j.value), new.seq
    -- doctag_terms counts only the words of the user's heads. CROSS JOIN:
    -- the words are the outer loop, so doctag_terms runs once (as an inner
    -- loop it ran again for every head of the user).
    FROM json_each(doctag_terms(new.title, new.tags, new.extracted_text,
                                (SELECT json_group_array(term) FROM search_heads WHERE user_id = new.user_id))) j
         CROSS JOIN search_heads h
    WHERE h.user_id = new.user_id AND h.term = j.key
      AND (h.floor_score IS NULL OR (doctag_w(j.value), new.seq) > (h.floor_score, h.floor_seq));
  UPDATE search_heads SET n = n + 1
    WHERE user_id = new.user_id AND term IN (SELECT term FROM search_head_docs WHERE seq = new.seq);
  UPDATE search_heads SET (floor_score, floor_seq) = (SELECT score, seq FROM search_head_docs d
      WHERE d.user_id = search_heads.user_id AND d.term = search_heads.term
      ORDER BY score DESC, seq DESC LIMIT 1 OFFSET 100)
    WHERE user_id = new.user_id AND n > 200;
  DELETE FROM search_head_docs
    WHERE (user_id, term) IN (SELECT user_id, term FROM search_heads WHERE user_id = new.user_id AND n > 200)
      AND (score, seq) <= (SELECT floor_score, floor_seq FROM search_heads h
                           WHERE h.user_id = search_head_docs.user_id AND h.term = search_head_docs.term);
  UPDATE search_heads SET n = 100 WHERE user_id = new.user_id AND n > 200;
END;
CREATE VIEW search_heads_leave AS SELECT user_id, seq FROM documents WHERE 0;
CREATE TRIGGER search_heads_leave INSTEAD OF INSERT ON search_heads_leave BEGIN
  UPDATE search_heads SET n = n - 1
    WHERE user_id = new.user_id AND term IN (SELECT term FROM search_head_docs WHERE seq = new.seq);
  DELETE FROM search_head_docs WHERE seq = new.seq;
END;

CREATE TRIGGER documents_heads_insert AFTER INSERT ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_heads_enter VALUES (new.user_id, new.seq, new.title, new.tags, new.extracted_text);
END;
CREATE TRIGGER documents_heads_delete AFTER DELETE ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = old.user_id) BEGIN
  INSERT INTO search_heads_leave VALUES (old.user_id, old.seq);
END;
-- Reprocessing: the document leaves its heads and enters them again with
-- its new words.
CREATE TRIGGER documents_heads_update AFTER UPDATE OF title, tags, extracted_text ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_heads_leave VALUES (old.user_id, old.seq);
  INSERT INTO search_heads_enter VALUES (new.user_id, new.seq, new.title, new.tags, new.extracted_text);
END;
