-- Several-word searches that stop early (issue 17). A search of several
-- words ranked every document of the owner holding all of them unless the
-- words' heads (0009: each word's best 100-200 documents) proved the best
-- `limit`, which they seldom do: a word's weight varies little from one
-- document to the next, so the floors of two heads add up to more than the
-- best documents holding both score. Each word with a head now also keeps
-- every document of the owner holding it, by block of 512 seqs
-- (seq >> 9): one row per block, `data` a BLOB of the documents' offsets in
-- the block, the word's weighted count and their length (the figures
-- doctag_bm25 ranks by; store/sqlite.c reads them), and `maxw` the highest
-- weight in the block, which bounds what the word adds to the score of any
-- document of the block. A search (store/sqlite.c, sq_search_words) scores
-- the blocks holding every word, highest bound first, and stops when no
-- block left can reach its k-th best: the answer of the full ranking, ties
-- and all, reading only the blocks that can still change it.
--
-- Invariant: for every head (user_id, term), the rows hold exactly the
-- user's documents holding the word; `maxw` is at least each entry's weight
-- (a block emptied by deletions keeps an empty row). The rows go with their
-- head (evicted, built again, its user deleted). A head's build publishes
-- its rows from the snapshot it was read from (history/search.c); the
-- triggers below keep them in the writer's own transaction.
CREATE TABLE search_postings (
  user_id TEXT NOT NULL,
  term    TEXT NOT NULL,
  blk     INTEGER NOT NULL,
  maxw    REAL NOT NULL,
  data    BLOB NOT NULL,
  PRIMARY KEY (user_id, term, blk),
  FOREIGN KEY (user_id, term) REFERENCES search_heads(user_id, term) ON DELETE CASCADE
) WITHOUT ROWID;

-- A document enters the postings of each headed word it holds, and leaves
-- them (its old words: the only ones it can be in): one body each, the
-- INSTEAD OF triggers of empty views, as in 0009.
CREATE VIEW search_postings_enter AS SELECT user_id, seq, title, tags, extracted_text FROM documents WHERE 0;
CREATE TRIGGER search_postings_enter INSTEAD OF INSERT ON search_postings_enter BEGIN
  INSERT INTO search_postings (user_id, term, blk, maxw, data)
    SELECT new.user_id, j.key, new.seq >> 9, doctag_w(j.value), doctag_postings_agg(new.seq, j.value)
    FROM json_each(doctag_terms(new.title, new.tags, new.extracted_text,
                                (SELECT json_group_array(term) FROM search_heads WHERE user_id = new.user_id))) j
    WHERE true GROUP BY j.key
    ON CONFLICT (user_id, term, blk) DO UPDATE SET data = doctag_postings_add(data, excluded.data),
      maxw = max(maxw, excluded.maxw);
END;
CREATE VIEW search_postings_leave AS SELECT user_id, seq, title, tags, extracted_text FROM documents WHERE 0;
CREATE TRIGGER search_postings_leave INSTEAD OF INSERT ON search_postings_leave BEGIN
  UPDATE search_postings SET data = doctag_postings_drop(data, new.seq),
      maxw = doctag_postings_max(doctag_postings_drop(data, new.seq))
    WHERE user_id = new.user_id AND blk = new.seq >> 9
      AND term IN (SELECT key FROM json_each(doctag_terms(new.title, new.tags, new.extracted_text,
                   (SELECT json_group_array(term) FROM search_heads WHERE user_id = new.user_id))));
END;

CREATE TRIGGER documents_postings_insert AFTER INSERT ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_postings_enter VALUES (new.user_id, new.seq, new.title, new.tags, new.extracted_text);
END;
CREATE TRIGGER documents_postings_delete AFTER DELETE ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = old.user_id) BEGIN
  INSERT INTO search_postings_leave VALUES (old.user_id, old.seq, old.title, old.tags, old.extracted_text);
END;
CREATE TRIGGER documents_postings_update AFTER UPDATE OF title, tags, extracted_text ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_postings_leave VALUES (old.user_id, old.seq, old.title, old.tags, old.extracted_text);
  INSERT INTO search_postings_enter VALUES (new.user_id, new.seq, new.title, new.tags, new.extracted_text);
END;

-- The heads already kept: their postings from the index (one scan of each
-- head's word; the LIMIT keeps FTS5's functions out of the GROUP BY).
INSERT INTO search_postings (user_id, term, blk, maxw, data)
  SELECT user_id, term, blk, doctag_postings_max(data), data FROM (
    SELECT user_id, term, blk, doctag_postings_agg(seq, packed) AS data FROM (
      SELECT h.user_id, h.term, f.rowid >> 9 AS blk, f.rowid AS seq, doctag_impact_packed(documents_fts) AS packed
      FROM search_heads h JOIN documents_fts f
        ON documents_fts MATCH 'fts_owner : "' || replace(h.user_id, '-', '') || '" AND '
           || '{title tags extracted_text} : "' || replace(h.term, '"', '""') || '"'
      LIMIT -1)
    GROUP BY user_id, term, blk);
