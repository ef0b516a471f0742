-- The characters of unspaced scripts as store/unspaced.h states them, for
-- SQLite's index and this one alike (store_unspaced_test compares them).
-- 0018's class missed letters that SQLite's index, asking each character's
-- script, already cut into pairs: Myanmar Extended-A and -B (Shan, Khamti,
-- Aiton), Kana Extended-B, the Kana Supplement, Extended-A and Small Kana
-- Extension (hentaigana, small kana), CJK Extension H and two marks of
-- Han; a run of them was one lexeme here. Myanmar's new blocks join their
-- marks as Myanmar does. Only the documents holding one of these are
-- computed again (an UPDATE computes the stored columns anew, and the
-- triggers of 0009 and 0010 keep the search heads and write counts right),
-- found by one scan of every document's words; an index of none is left
-- as it is.
CREATE OR REPLACE FUNCTION doctag_unspaced() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1980-\u19df\u1a20-\u1aaf\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua9e0-\ua9ff\uaa60-\uaa7f\uf900-\ufaff\uff66-\uff9d\U00016fe3\U00016ff0-\U00016ff1\U0001aff0-\U0001afff\U0001b000-\U0001b16f\U00020000-\U000323af'::text
$$;
CREATE OR REPLACE FUNCTION doctag_pairs(run text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
  WITH ch AS (
    SELECT c, i, sum(CASE WHEN i > 1 AND c ~ '[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1980-\u19df\u1a20-\u1aaf\ua9e0-\ua9ff\uaa60-\uaa7f]'
                               AND to_tsvector('simple', c) = ''::tsvector THEN 0 ELSE 1 END) OVER (ORDER BY i) AS g
    FROM regexp_split_to_table(run, '') WITH ORDINALITY AS t(c, i)),
  cl AS (SELECT g, string_agg(c, '' ORDER BY i) AS s FROM ch GROUP BY g)
  SELECT coalesce((SELECT string_agg(a.s || b.s, ' ' ORDER BY a.g) FROM cl a JOIN cl b ON b.g = a.g + 1),
                  (SELECT s FROM cl))
$$;

UPDATE documents SET title = title
WHERE concat(title, ' ', tags::text, ' ', left(extracted_text, 100000))
      ~ '[\ua9e0-\ua9ff\uaa60-\uaa7f\U00016fe3\U00016ff0-\U00016ff1\U0001aff0-\U0001afff\U0001b000-\U0001b16f\U00031350-\U000323af]';
