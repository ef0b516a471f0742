-- A job's hash and its results as of one moment (a script runs alone), so
-- that the results match the event count. ARGV: job_id
local jk = 'job:' .. ARGV[1]
return { redis.call('HGETALL', jk), redis.call('LRANGE', jk .. ':results', 0, -1) }
