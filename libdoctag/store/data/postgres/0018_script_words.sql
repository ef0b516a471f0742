-- Words of scripts written without spaces (issue 17). The 'simple' parser
-- keeps a Hindi, Bengali or Tamil word whole, but reads a run of Chinese,
-- Japanese, Thai, Lao, Khmer or Myanmar as one lexeme, so a word inside a
-- sentence ("停水" in "本市停水通知") was never found. doctag_words() now
-- cuts each such run into overlapping pairs of characters, as SQLite's
-- index does (store/sqlitetok.c; its unspaced(), by script, is this class
-- by block), and search_vector and rank_vector are built from its text;
-- the queries go through it too (store/postgres.c), so a word of n
-- characters is the AND of its n - 1 pairs, and a word of two is one
-- lexeme, which a search head answers. A character joins its pair with the
-- marks after it that the parser does not start a word with (Thai tone
-- marks: to_tsvector of the mark alone is empty), so no pair loses one.
-- Text of other scripts passes through unchanged but for NFC, so that an
-- accent written as a combining mark (e + U+0301) is the precomposed
-- character a query holds, as in SQLite's index. Both columns are
-- computed again for every row and the index rebuilt (the text's vector
-- costs 1.35-1.45 times what it did: about 37 s per 100,000 documents of
-- 500 words, 26 s before, on a loaded 2-core machine; a run of 1,000
-- Chinese characters costs about 5 ms more to write); search heads name
-- lexemes of the old vectors, so all of them go, and every user's write
-- count moves, so that a head staged before this runs is staged again.
-- The functions keep this schema's search path: a restore (pg_dump sets an
-- empty one) computes the columns too.
-- The characters of unspaced scripts, as a regular expression's class.
CREATE FUNCTION doctag_unspaced() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1980-\u19df\u1a20-\u1aaf\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d\U00020000-\U0003134f'::text
$$;
CREATE FUNCTION doctag_pairs(run text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  WITH ch AS (
    SELECT c, i, sum(CASE WHEN i > 1 AND c ~ '[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1980-\u19df\u1a20-\u1aaf]'
                               AND to_tsvector('simple', c) = ''::tsvector THEN 0 ELSE 1 END) OVER (ORDER BY i) AS g
    FROM regexp_split_to_table(run, '') WITH ORDINALITY AS t(c, i)),
  cl AS (SELECT g, string_agg(c, '' ORDER BY i) AS s FROM ch GROUP BY g)
  SELECT coalesce((SELECT string_agg(a.s || b.s, ' ' ORDER BY a.g) FROM cl a JOIN cl b ON b.g = a.g + 1),
                  (SELECT s FROM cl))
$$;
CREATE FUNCTION doctag_words(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  SELECT coalesce(string_agg(coalesce(doctag_pairs(m[1]), m[2]), ' ' ORDER BY k), '')
  FROM regexp_matches(normalize(t, NFC), '([' || doctag_unspaced() || ']+)|([^' || doctag_unspaced() || ']+)', 'g')
       WITH ORDINALITY AS r(m, k)
$$;
-- The tags (a JSON array of strings), each through doctag_words.
CREATE FUNCTION doctag_words(tags jsonb) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  SELECT coalesce(string_agg(doctag_words(v), ' ' ORDER BY k), '')
  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(tags) = 'array' THEN tags ELSE '[]' END) WITH ORDINALITY AS e(v, k)
$$;

DELETE FROM search_heads;
UPDATE user_doc_counts SET gen = gen + 1;

ALTER TABLE documents DROP COLUMN search_vector, DROP COLUMN rank_vector;
ALTER TABLE documents
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple'::regconfig, doctag_words(coalesce(title, ''))), 'A')
   || setweight(to_tsvector('simple'::regconfig, doctag_words(tags)), 'B')
   || setweight(to_tsvector('simple'::regconfig, doctag_words(left(coalesce(extracted_text, ''), 100000))), 'C')
   || array_to_tsvector(ARRAY['owner:' || user_id::text])
  ) STORED,
  ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple'::regconfig, doctag_words(coalesce(title, ''))), 'A')
   || setweight(to_tsvector('simple'::regconfig, doctag_words(tags)), 'B')
   || setweight(to_tsvector('simple'::regconfig, doctag_words(left(coalesce(extracted_text, ''), 600))), 'C')
  ) STORED;
ALTER TABLE documents ALTER COLUMN rank_vector SET STORAGE MAIN;
CREATE INDEX documents_search ON documents USING gin(search_vector) WITH (fastupdate = off);
