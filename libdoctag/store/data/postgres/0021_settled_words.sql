-- Words of a text that needs no work, passed as they are (issue 17).
-- doctag_words() (0018, 0020) runs on every title, tag and text a document
-- is written with, twice (search_vector and rank_vector), and its NFC
-- (PostgreSQL 15's normalize() looks each character's composition up in a
-- table scan) and the split into runs cost about 250 and 100 us a text of
-- 500 words: 12 of 34 s of loading 20,000 documents, more than a third of
-- each write. A settled text is returned as it is: NFC leaves it unchanged
-- and it has no character of an unspaced script, so the full path returns
-- it unchanged too. Settled: no match of doctag_unsettled(), whose class
-- holds Latin to U+02FF, Cyrillic but its combining marks, Devanagari to
-- U+0950 and its letters past the nukta ones, the punctuation of
-- U+2010-U+205E (not the spaces before, two of which NFC replaces), the
-- currency signs and the Latin ligatures. Each of them is its own NFC; none
-- is the second of a composition but the nukta, after na, ra and lla
-- (NFC makes U+0929, U+0931, U+0934 of them); all have combining class 0
-- but the nukta (7) and the virama (9), reordered when the virama comes
-- first. Those two pairs are unsettled too. Checked against Unicode 14's
-- data for every character and pair of them, and every three Devanagari
-- ones. A text with anything else takes the full path, as before. Nothing
-- stored changes: no row is computed again.
CREATE FUNCTION doctag_unsettled() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '[^\u0001-\u02ff\u0400-\u0482\u048a-\u052f\u0900-\u0950\u0955-\u0957\u0960-\u097f\u2010-\u2027\u2030-\u205e\u20a0-\u20c0\ufb00-\ufb06]|[\u0928\u0930\u0933\u094d]\u093c'::text
$$;
CREATE OR REPLACE FUNCTION doctag_words(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  SELECT CASE WHEN t !~ doctag_unsettled() THEN t ELSE
    (SELECT coalesce(string_agg(coalesce(doctag_pairs(m[1]), m[2]), ' ' ORDER BY k), '')
     FROM regexp_matches(normalize(t, NFC), '([' || doctag_unspaced() || ']+)|([^' || doctag_unspaced() || ']+)', 'g')
          WITH ORDINALITY AS r(m, k)) END
$$;
-- The tags: a settled tag is not passed to doctag_words (a call costs about
-- 15 us, and a document has five to eight tags, each written twice).
CREATE OR REPLACE FUNCTION doctag_words(tags jsonb) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  SELECT coalesce(string_agg(CASE WHEN v !~ doctag_unsettled() THEN v ELSE doctag_words(v) END,
                             ' ' ORDER BY k), '')
  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(tags) = 'array' THEN tags ELSE '[]' END) WITH ORDINALITY AS e(v, k)
$$;
