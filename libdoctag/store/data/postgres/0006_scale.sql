-- Search scoped to its owner inside the full-text index (issue 17).
-- search_vector gains one lexeme naming the owner, 'owner:<user id>', which
-- no word of a text can become (the parser splits at ':'); a search asks
-- the GIN index for `words && 'owner:<id>'`, and GIN intersects the word's
-- postings with the owner's: the work grows with the user's own matches,
-- not with every user's. Before, a word in most of the archive made the
-- scan fetch and recheck every user's matches to drop the others'. Ranking
-- reads rank_vector, which is unchanged. The column is computed again for
-- every row and its index rebuilt.
ALTER TABLE documents DROP COLUMN search_vector;
ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
 || setweight(to_tsvector('simple'::regconfig, tags), 'B')
 || setweight(to_tsvector('simple'::regconfig, left(coalesce(extracted_text, ''), 100000)), 'C')
 || array_to_tsvector(ARRAY['owner:' || user_id::text])
) STORED;
CREATE INDEX documents_search ON documents USING gin(search_vector) WITH (fastupdate = off);

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
