-- A job's hash and how many results it has, as of one moment (a script runs
-- alone): the results list only grows, so its first N entries are then the
-- snapshot's results whatever finishes later. ARGV: job_id
local jk = 'job:' .. ARGV[1]
return { redis.call('HGETALL', jk), redis.call('LLEN', jk .. ':results') }
