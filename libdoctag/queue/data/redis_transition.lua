-- ARGV: job_id from(",a,b,") to command event_template now ttl error
-- Returns {'ok', previous} or {'conflict', current}; error ENOTFOUND.
local id, to = ARGV[1], ARGV[3]
local jk = 'job:' .. id
if redis.call('EXISTS', jk) == 0 then return redis.error_reply('ENOTFOUND job not in queue') end
local status = redis.call('HGET', jk, 'status')
if not string.find(ARGV[2], ',' .. status .. ',', 1, true) then return {'conflict', status} end
redis.call('HSET', jk, 'status', to, 'command', ARGV[4])
if ARGV[8] ~= '' then redis.call('HSET', jk, 'error', ARGV[8]) end
if final(to) then
  redis.call('HSET', jk, 'finished_at', ARGV[6])
  redis.call('HDEL', jk, 'secret')
  redis.call('ZREM', 'doctag:user:' .. redis.call('HGET', jk, 'user_id') .. ':jobs', id)
  redis.call('DEL', jk .. ':parked')
  unqueue(redis.call('HGET', jk, 'user_id'), id, ARGV[7])
elseif to == 'processing' then
  if not redis.call('HGET', jk, 'started_at') then redis.call('HSET', jk, 'started_at', ARGV[6]) end
  -- Resume: the rows set aside while paused wait again, after the user's others.
  local parked = redis.call('LRANGE', jk .. ':parked', 0, -1)
  redis.call('DEL', jk .. ':parked')
  enqueue(redis.call('HGET', jk, 'user_id'), id, parked, ARGV[7])
end
if ARGV[5] ~= '' then append_event(jk, ARGV[5], ARGV[6]) end
touch(jk, ARGV[7])
return {'ok', status}
