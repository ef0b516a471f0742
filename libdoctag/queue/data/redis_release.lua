-- Gives an unfinished entry back, first of its user's waiting rows (its
-- attempt still counts). ARGV: stream group entry_id job_id row payload ttl
unpend(ARGV[1], ARGV[2], ARGV[3])
local u = redis.call('HGET', 'job:' .. ARGV[4], 'user_id')
if u then requeue(u, ARGV[4] .. '\t' .. ARGV[5] .. '\t' .. ARGV[6], ARGV[7]) end
return 'ok'
