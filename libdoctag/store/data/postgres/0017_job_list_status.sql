-- Job-list pages answered from the index (issue 17). A page's keys are
-- `WHERE user_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY created_at
-- DESC, id`, one plan for every status and none (history.c, postgres.c
-- JOB_PAGE). jobs_user_recent had the order but not status, so every entry
-- the page skipped (up to half the user's list, either end) fetched its
-- table row to test status: with a filter, and without one too, since the
-- plan keeps the test. With status in the index's leaf entries the scan is
-- index-only. Status stays out of the key: a key of (user_id, status,
-- created_at) could not serve the plan shared with the unfiltered list (its
-- test is not an index condition). Writes cost what they did: status was
-- already indexed (jobs_user_status), so changing it was never a HOT update.
-- 200,000 jobs of one user (300,000 in all), middle page, filtered or not:
-- 99,650-101,000 → 916-929 buffers for the skip, backend CPU 180-200 →
-- 18-28 ms a call; the index grows from 59 to 76 bytes a job.
CREATE INDEX jobs_user_recent_status ON jobs(user_id, created_at DESC, id) INCLUDE (status);
DROP INDEX jobs_user_recent;
ALTER INDEX jobs_user_recent_status RENAME TO jobs_user_recent;
