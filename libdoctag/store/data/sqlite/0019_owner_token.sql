-- The owner in the full-text index as one token (issue 17). Since 0006 a
-- search matches `user_id : "<id>"`, and unicode61 splits a UUID at its
-- hyphens into five tokens, so that every search intersected a five-token
-- phrase whose postings are all the owner's documents, positions checked:
-- for a user of 63,000 documents three quarters of the intersection's CPU
-- ("monsoon rainfall": 14-18 ms with the phrase, 4-5 ms with one of its
-- tokens). The index now holds the id without hyphens (32 hex digits, one
-- token) from a generated column, so the content table still gives FTS5
-- exactly what was indexed (rebuild, delete), and searches match
-- `fts_owner : <that token>`. The index is built again from the documents
-- (as 0006 did; minutes for a million documents).
ALTER TABLE documents ADD COLUMN fts_owner TEXT GENERATED ALWAYS AS (replace(user_id, '-', '')) VIRTUAL;

DROP TRIGGER documents_fts_insert;
DROP TRIGGER documents_fts_delete;
DROP TRIGGER documents_fts_update;
DROP TABLE documents_fts;

CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, tags, extracted_text, fts_owner,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, tags, extracted_text, fts_owner)
  VALUES (new.seq, new.title, new.tags, new.extracted_text, new.fts_owner);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text, fts_owner)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text, old.fts_owner);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, tags, extracted_text, user_id ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text, fts_owner)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text, old.fts_owner);
  INSERT INTO documents_fts(rowid, title, tags, extracted_text, fts_owner)
  VALUES (new.seq, new.title, new.tags, new.extracted_text, new.fts_owner);
END;
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
