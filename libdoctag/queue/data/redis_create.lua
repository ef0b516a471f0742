-- ARGV: job_id user_id total created_us config secret ttl nonce payload...
local id, user = ARGV[1], ARGV[2]
local jk = 'job:' .. id
if redis.call('EXISTS', jk) == 1 then
  if redis.call('HGET', jk, 'nonce') == ARGV[8] then return 'ok' end
  return redis.error_reply('EEXISTS job id in use')
end
redis.call('HSET', jk, 'job_id', id, 'user_id', user, 'status', 'pending', 'total', ARGV[3], 'done', 0,
           'processed_count', 0, 'failed_count', 0, 'progress', 0, 'seq', 0, 'command', '',
           'created_at', ARGV[4], 'config', ARGV[5], 'nonce', ARGV[8])
if ARGV[6] ~= '' then redis.call('HSET', jk, 'secret', ARGV[6]) end
local rows = {}
for i = 9, #ARGV do rows[#rows + 1] = (i - 9) .. '\t' .. ARGV[i] end
enqueue(user, id, rows, ARGV[7])
redis.call('ZADD', 'doctag:user:' .. user .. ':jobs', ARGV[4], id)
touch(jk, ARGV[7])
return 'ok'
