-- Failed logins, for throttling (auth/throttle.c): one row per attempt and
-- per key, kind 'email' (subject: SHA-256 of the normalised email) or 'addr'
-- (subject: the client address). Rows older than the window are purged.
CREATE TABLE login_failures (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_subject_idx ON login_failures (kind, subject, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- Token families ended by logout or refresh-token reuse (auth/revoke.c):
-- their access tokens are refused until expires_at, when no access token
-- of the family can still be valid.
CREATE TABLE revoked_families (
  family TEXT PRIMARY KEY,
  revoked_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_families_expires_idx ON revoked_families (expires_at);
