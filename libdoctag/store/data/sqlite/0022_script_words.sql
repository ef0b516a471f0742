-- Words of every script in the full-text index (issue 17). unicode61 ended
-- a word at each vowel sign or virama, so a Hindi, Bengali, Tamil or Thai
-- word was indexed as fragments (a search for "किसान" was the phrase
-- क स न, and found "कसान" too), and it read a run of Chinese, Japanese or
-- Thai, which have no spaces, as one token, so a word inside a sentence was
-- never found. The index now uses doctag's tokenizer (store/sqlitetok.c:
-- unicode61 with marks kept in words, unspaced runs cut into pairs of
-- characters), registered on every connection the store opens: the file's
-- full-text index, and writes to its documents, need doctag (or a program
-- registering the same tokenizer). English and other cased scripts get the
-- words they had. The index is built again from the documents (as 0019
-- did): about 10 s per 100,000 documents of 500 words on a loaded 2-core
-- machine. Search heads and their counts name tokens of the old tokenizer,
-- so all of them go (the next search of a word builds its head again), and
-- every user's write count moves, so that a head staged before this runs is
-- staged again instead of published.
-- The triggers of 0019 name the table, not its tokenizer: they stay.
DROP TABLE documents_fts;
CREATE VIRTUAL TABLE documents_fts USING fts5(
  title, tags, extracted_text, fts_owner,
  content = 'documents', content_rowid = 'seq',
  tokenize = 'doctag'
);
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');

DELETE FROM search_head_docs;
DELETE FROM search_heads;
UPDATE user_doc_counts SET gen = gen + 1;
