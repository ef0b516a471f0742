-- doctag schema, PostgreSQL. Same tables and columns as the SQLite schema.

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  full_name     text,
  is_active     boolean NOT NULL DEFAULT true,
  is_verified   boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  last_login_at timestamptz
);

CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  family      uuid NOT NULL,
  revoked     boolean NOT NULL DEFAULT false,
  revoked_at  timestamptz,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  device_info text,
  ip_address  text
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE jobs (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  job_type        text NOT NULL CHECK (job_type IN ('single', 'batch')),
  status          text NOT NULL,
  total_documents integer NOT NULL DEFAULT 0,
  processed_count integer NOT NULL DEFAULT 0,
  failed_count    integer NOT NULL DEFAULT 0,
  config          jsonb,
  error_message   text,
  started_at      timestamptz,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX jobs_user_created ON jobs(user_id, created_at DESC);

-- search_vector finds: title weighs A, tags B, text C ('simple': no
-- stemming or stop words, so Hindi and English are treated alike); its text
-- part is limited to stay under PostgreSQL's 1 MB tsvector limit. It is
-- large, so it lives out of line and is read through its GIN index only.
-- rank_vector orders what was found: the same weights over the title, the
-- tags and the first 600 characters of text; small, kept in the row, so
-- ranking thousands of matches does not read thousands of large vectors.
CREATE TABLE documents (
  seq                 bigserial UNIQUE,
  id                  uuid PRIMARY KEY,
  job_id              uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  user_id             uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  row_index           integer NOT NULL DEFAULT 0,
  title               text,
  file_path           text,
  file_source_type    text,
  sha256              text,
  file_size           bigint,
  mime_type           text,
  status              text NOT NULL,
  tags                jsonb NOT NULL DEFAULT '[]',
  extracted_text      text,
  processing_metadata jsonb,
  error_message       text,
  processed_at        timestamptz,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  search_vector       tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
   || setweight(to_tsvector('simple'::regconfig, tags), 'B')
   || setweight(to_tsvector('simple'::regconfig, left(coalesce(extracted_text, ''), 100000)), 'C')
  ) STORED,
  rank_vector         tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
   || setweight(to_tsvector('simple'::regconfig, tags), 'B')
   || setweight(to_tsvector('simple'::regconfig, left(coalesce(extracted_text, ''), 600)), 'C')
  ) STORED,
  UNIQUE (job_id, row_index)
);
ALTER TABLE documents ALTER COLUMN rank_vector SET STORAGE MAIN;
CREATE INDEX documents_user_created ON documents(user_id, created_at DESC);
-- fastupdate off: documents arrive one at a time (seconds apart), and a
-- GIN pending list makes the planner price the index high and read every
-- row's large vector instead.
CREATE INDEX documents_search ON documents USING gin(search_vector) WITH (fastupdate = off);
