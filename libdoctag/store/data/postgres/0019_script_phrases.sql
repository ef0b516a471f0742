-- Words of unspaced scripts found only whole (issue 17). Since 0018 a query
-- word of n Chinese, Japanese, Thai, Lao, Khmer or Myanmar characters was
-- the AND of its n - 1 pairs, so "北京大学" also found a document holding
-- 大学 ... 北京 apart, in any order; SQLite's index reads the pairs as a
-- phrase. doctag_phrases() gives each run of three or more such characters
-- of a query with its pairs as a phrase (<->), and a document is found when
-- each phrase matches its search_vector or, failing that, the run stands
-- in its text (doctag_held): a tsvector keeps no position past 16383 and
-- no more than 256 of one lexeme, so a run deep in a long text, or after
-- its pair's 256th time, does not match its phrase in the vector. The
-- pairs ANDed stay the index's condition (GIN answers it without reading
-- rows) and what ts_rank weighs, and a word of two characters is still
-- one lexeme, so ranking and the search heads are as they were. Nothing
-- stored changes.
CREATE FUNCTION doctag_phrases(q text, OUT phrases tsquery[], OUT runs text[]) LANGUAGE sql IMMUTABLE STRICT
PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT coalesce(array_agg(p ORDER BY k), '{}'), coalesce(array_agg(r ORDER BY k), '{}')
  FROM (SELECT m[1] AS r, k, phraseto_tsquery('simple', doctag_pairs(m[1])) AS p
        FROM regexp_matches(normalize(q, NFC), '[' || doctag_unspaced() || ']{3,}', 'g') WITH ORDINALITY AS x(m, k)) s
  WHERE numnode(p) > 1
$$;
-- Whether a document (its search_vector v and extracted_text) holds each
-- of doctag_phrases' runs whole.
CREATE FUNCTION doctag_held(v tsvector, body text, phrases tsquery[], runs text[]) RETURNS boolean LANGUAGE sql
IMMUTABLE PARALLEL SAFE AS $$
  SELECT NOT EXISTS (SELECT 1 FROM unnest(phrases, runs) AS p(q, r)
                     WHERE NOT (v @@ q) AND strpos(left(coalesce(body, ''), 100000), r) = 0)
$$;
