-- ARGV: job_id event_template now ttl. Returns the event's seq.
local jk = 'job:' .. ARGV[1]
if redis.call('EXISTS', jk) == 0 then return redis.error_reply('ENOTFOUND job not in queue') end
local seq = append_event(jk, ARGV[2], ARGV[3])
touch(jk, ARGV[4])
return seq
