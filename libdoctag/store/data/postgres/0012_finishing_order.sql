-- A job's done rows are numbered 1, 2, ... in finishing order (issue 17;
-- queue/local.c finish_on: the job's done count, under the job's lock),
-- no longer by the clock: a WebSocket catch-up's snapshot is then the
-- job's done count alone, and each page a range of this index, instead of
-- one query ordering every done row of the job before the first byte.
-- Rows finished before keep their order.
UPDATE queue_items q SET finished_seq = n.seq
  FROM (SELECT job_id, row_index,
               ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY finished_seq, row_index) AS seq
          FROM queue_items WHERE state = 'done') AS n
 WHERE q.job_id = n.job_id AND q.row_index = n.row_index;
CREATE INDEX queue_items_finished ON queue_items(job_id, finished_seq) WHERE state = 'done';
