-- Deleting a job removes the blobs no other document references: that
-- check looks documents up by hash.
CREATE INDEX documents_sha256_idx ON documents (sha256);
