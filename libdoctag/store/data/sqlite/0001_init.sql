-- doctag schema, SQLite. Times are integer microseconds since the epoch (UTC);
-- booleans 0/1; JSON as text. Same tables and columns as the PostgreSQL schema.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  full_name     TEXT,
  is_active     INTEGER NOT NULL DEFAULT 1,
  is_verified   INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_login_at INTEGER
);

CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,
  family      TEXT NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0,
  revoked_at  INTEGER,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  device_info TEXT,
  ip_address  TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE jobs (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  job_type        TEXT NOT NULL CHECK (job_type IN ('single', 'batch')),
  status          TEXT NOT NULL,
  total_documents INTEGER NOT NULL DEFAULT 0,
  processed_count INTEGER NOT NULL DEFAULT 0,
  failed_count    INTEGER NOT NULL DEFAULT 0,
  config          TEXT,
  error_message   TEXT,
  started_at      INTEGER,
  completed_at    INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX jobs_user_created ON jobs(user_id, created_at DESC);

-- seq keeps the rowid stable for the full-text index (VACUUM may renumber an
-- implicit rowid).
CREATE TABLE documents (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
  id                  TEXT NOT NULL UNIQUE,
  job_id              TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  row_index           INTEGER NOT NULL DEFAULT 0,
  title               TEXT,
  file_path           TEXT,
  file_source_type    TEXT,
  sha256              TEXT,
  file_size           INTEGER,
  mime_type           TEXT,
  status              TEXT NOT NULL,
  tags                TEXT NOT NULL DEFAULT '[]',
  extracted_text      TEXT,
  processing_metadata TEXT,
  error_message       TEXT,
  processed_at        INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (job_id, row_index)
);
CREATE INDEX documents_user_created ON documents(user_id, created_at DESC);

-- Full text over title, tags and text. unicode61 with remove_diacritics 0:
-- Devanagari vowel signs and virama are word characters and stay; the danda
-- separates words.
CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, tags, extracted_text,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts(rowid, title, tags, extracted_text)
  VALUES (new.seq, new.title, new.tags, new.extracted_text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, tags, extracted_text ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, title, tags, extracted_text)
  VALUES ('delete', old.seq, old.title, old.tags, old.extracted_text);
  INSERT INTO documents_fts(rowid, title, tags, extracted_text)
  VALUES (new.seq, new.title, new.tags, new.extracted_text);
END;
