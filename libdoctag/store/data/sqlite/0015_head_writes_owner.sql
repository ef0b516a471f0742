-- Two faults of 0014's log of writes (issue 17).
-- 1. A user's first document did not move the write count: SQLite ran the
--    log's trigger before 0008's made the user's user_doc_counts row, so
--    the UPDATE found no row. The log now makes the row itself (its counts
--    trigger then finds it), for a user that exists: when a user is
--    deleted the cascade deletes their documents too, and a row made then
--    would name no user.
-- 2. A deleted user's rows stayed (up to 1,100): they now go with the user.
--    Not a foreign key: the cascade's own document deletions log writes
--    while the user is already gone, which a key would refuse; the log
--    writes only for a user that exists, and this trigger takes the rest.
DROP TRIGGER head_writes_log;
CREATE TRIGGER head_writes_log INSTEAD OF INSERT ON head_writes_log BEGIN
  INSERT INTO user_doc_counts (user_id, gen) SELECT id, 1 FROM users WHERE id = new.user_id
    ON CONFLICT (user_id) DO UPDATE SET gen = gen + 1;
  INSERT INTO head_writes (user_id, gen, seq) SELECT c.user_id, c.gen, new.seq FROM user_doc_counts c
    JOIN users u ON u.id = c.user_id WHERE c.user_id = new.user_id;
  DELETE FROM head_writes WHERE user_id = new.user_id
    AND gen <= (SELECT gen - 1000 FROM user_doc_counts WHERE user_id = new.user_id AND gen % 100 = 0);
END;
CREATE TRIGGER users_head_writes AFTER DELETE ON users BEGIN
  DELETE FROM head_writes WHERE user_id = old.id;
END;
DELETE FROM head_writes WHERE user_id NOT IN (SELECT id FROM users);
