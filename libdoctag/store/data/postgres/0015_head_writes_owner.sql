-- A deleted user's rows of 0014's log of writes stayed (up to 1,100); they
-- now go with the user (issue 17). Not a foreign key: the cascade's own
-- document deletions log writes while the user is already gone, which a
-- key would refuse; the log writes only for a user that exists, and the
-- trigger on users takes the rest. (The first document moves the count
-- here: documents_counts, 0008, fires first and makes the row.)
CREATE OR REPLACE FUNCTION documents_gen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
  s bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.seq ELSE NEW.seq END;
  g bigint;
BEGIN
  UPDATE user_doc_counts SET gen = gen + 1 WHERE user_id = uid RETURNING gen INTO g;
  IF g IS NOT NULL AND EXISTS (SELECT 1 FROM users WHERE id = uid) THEN
    INSERT INTO head_writes (user_id, gen, seq) VALUES (uid, g, s);
    IF g % 100 = 0 THEN
      DELETE FROM head_writes WHERE user_id = uid AND gen <= g - 1000;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
CREATE FUNCTION users_head_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM head_writes WHERE user_id = OLD.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER users_head_writes AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION users_head_writes();
DELETE FROM head_writes w WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = w.user_id);
