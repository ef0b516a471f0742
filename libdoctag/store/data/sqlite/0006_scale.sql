-- Search scoped to its owner inside the full-text index (issue 17). The
-- index gains the owner's id as a fourth column, so a search matches
-- `user_id : "<id>" AND {title tags extracted_text} : (<words>)` and FTS5
-- intersects the word's postings with the owner's: the work grows with the
-- user's own matches, not with every user's. Before, a word found in most
-- of the archive made SQLite join and rank each of its matches to drop
-- those of other users. The id column weighs 0 in bm25, so ranking stays
-- as it was. The index is built again from the documents table.
DROP TRIGGER documents_fts_insert;
DROP TRIGGER documents_fts_delete;
DROP TRIGGER documents_fts_update;
DROP TABLE documents_fts;

CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, tags, extracted_text, user_id,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, tags, extracted_text, user_id)
  VALUES (new.seq, new.title, new.tags, new.extracted_text, new.user_id);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text, user_id)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text, old.user_id);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, tags, extracted_text, user_id ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text, user_id)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text, old.user_id);
  INSERT INTO documents_fts(rowid, title, tags, extracted_text, user_id)
  VALUES (new.seq, new.title, new.tags, new.extracted_text, new.user_id);
END;
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');

-- Lists deep in a long history (issue 17). The contract pages by offset, so
-- a page skips `offset` entries: in an index that has the lists' whole
-- order, those are index entries only (the page's rows are joined after),
-- not rows read and sorted. Statistics count a user's documents and jobs by
-- status from an index too.
DROP INDEX documents_user_created;
CREATE INDEX documents_user_recent ON documents(user_id, created_at DESC, seq DESC);
CREATE INDEX documents_user_status ON documents(user_id, status);
DROP INDEX jobs_user_created;
CREATE INDEX jobs_user_recent ON jobs(user_id, created_at DESC, id);
CREATE INDEX jobs_user_status ON jobs(user_id, status);
