-- Search heads are bounded per owner (issue 17): each remembers when a
-- search last used it (microseconds; written at most once a minute, so a
-- search stays a read), and building one past DOCTAG_SEARCH_HEADS_MAX
-- drops the owner's least recently used (history/search.c).
ALTER TABLE search_heads ADD COLUMN used_at bigint NOT NULL DEFAULT 0;
CREATE INDEX search_heads_used ON search_heads(user_id, used_at);
