-- Document frequencies of each user's archive (issue 12): the built-in
-- tagger weighs a word by how few of its owner's documents hold it, so tags
-- sharpen as the archive grows (history/df.c). A content (sha256) counts
-- once while a completed document of the user holds it, however often it
-- was processed again. term_df_docs keeps the stems it was counted with (a
-- JSON array, so that removing it takes away exactly what it added; the
-- stem "" stands for the document itself), term_df the counts per stem
-- (the row of stem "" is the number of documents).
CREATE TABLE term_df_docs (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sha256  text NOT NULL,
  terms   text NOT NULL,
  PRIMARY KEY (user_id, sha256)
);
CREATE TABLE term_df (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  stem    text NOT NULL,
  df      integer NOT NULL,
  PRIMARY KEY (user_id, stem)
) WITHOUT ROWID;
