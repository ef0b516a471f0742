-- Word rarity kept with the search heads (issue 17). A search of several
-- words ranks with doctag_bm25, whose IDF counts how many of the owner's
-- documents hold each word: a walk of the word's postings intersected with
-- the owner's, on every search (two thirds of the CPU of a several-word
-- search for a user of 30,000 documents). A head's `df` now holds that
-- count for its word, and doctag_bm25 reads it instead of counting. It is
-- set when the head is built from a snapshot the head's documents were read
-- from (history/search.c; NULL, so counted as before, when the head was
-- built any other way), and the triggers below keep it in the writer's own
-- transaction: +1 for each word of a head that a new document holds, -1 for
-- each that a deleted one held, both for a document whose text changes.
-- doctag_terms() is store/sqlite.c's (0009): it finds exactly the words
-- FTS5 matches.
ALTER TABLE search_heads ADD COLUMN df INTEGER;

CREATE VIEW search_heads_df AS SELECT user_id, title, tags, extracted_text, 0 AS delta FROM documents WHERE 0;
CREATE TRIGGER search_heads_df INSTEAD OF INSERT ON search_heads_df BEGIN
  UPDATE search_heads SET df = df + new.delta
    WHERE user_id = new.user_id AND df IS NOT NULL
      AND term IN (SELECT key FROM json_each(doctag_terms(new.title, new.tags, new.extracted_text,
                   (SELECT json_group_array(term) FROM search_heads WHERE user_id = new.user_id AND df IS NOT NULL))));
END;

CREATE TRIGGER documents_heads_df_insert AFTER INSERT ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_heads_df VALUES (new.user_id, new.title, new.tags, new.extracted_text, 1);
END;
CREATE TRIGGER documents_heads_df_delete AFTER DELETE ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = old.user_id) BEGIN
  INSERT INTO search_heads_df VALUES (old.user_id, old.title, old.tags, old.extracted_text, -1);
END;
CREATE TRIGGER documents_heads_df_update AFTER UPDATE OF title, tags, extracted_text ON documents
WHEN EXISTS (SELECT 1 FROM search_heads WHERE user_id = new.user_id) BEGIN
  INSERT INTO search_heads_df VALUES (old.user_id, old.title, old.tags, old.extracted_text, -1);
  INSERT INTO search_heads_df VALUES (new.user_id, new.title, new.tags, new.extracted_text, 1);
END;
