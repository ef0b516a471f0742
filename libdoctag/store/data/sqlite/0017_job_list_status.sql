-- Job-list pages answered from the index (issue 17). A page's keys are
-- `WHERE user_id = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY created_at
-- DESC, id` (history.c, sqlite.c JOB_PAGE). jobs_user_recent had the order
-- but not status, so with a status filter every entry the page skipped (up
-- to half the user's list, either end) read its table row to test status.
-- Status as the last key column (SQLite has no INCLUDE) keeps the order and
-- makes the index covering. Changing a job's status now moves its entry here
-- too (it already moved one in jobs_user_status): a few times a job. 200,000
-- jobs of one user (300,000 in all), middle 'failed' page: CPU 230-280 →
-- 10-15 ms; unfiltered pages never read the row (cost unchanged); the index
-- grows from 87 to 98 bytes a job.
DROP INDEX jobs_user_recent;
CREATE INDEX jobs_user_recent ON jobs(user_id, created_at DESC, id, status);
