-- ARGV: job_id from(",a,b,") to command event_template now ttl stream error
-- Returns {'ok', previous} or {'conflict', current}; error ENOTFOUND.
local id, to = ARGV[1], ARGV[3]
local jk = 'job:' .. id
if redis.call('EXISTS', jk) == 0 then return redis.error_reply('ENOTFOUND job not in queue') end
local status = redis.call('HGET', jk, 'status')
if not string.find(ARGV[2], ',' .. status .. ',', 1, true) then return {'conflict', status} end
redis.call('HSET', jk, 'status', to, 'command', ARGV[4])
if ARGV[9] ~= '' then redis.call('HSET', jk, 'error', ARGV[9]) end
if final(to) then
  redis.call('HSET', jk, 'finished_at', ARGV[6])
  redis.call('HDEL', jk, 'secret')
  redis.call('ZREM', 'doctag:user:' .. redis.call('HGET', jk, 'user_id') .. ':jobs', id)
  redis.call('DEL', jk .. ':parked')
elseif to == 'processing' then
  if not redis.call('HGET', jk, 'started_at') then redis.call('HSET', jk, 'started_at', ARGV[6]) end
  -- Resume: the items set aside while paused go back to the stream.
  while true do
    local p = redis.call('LPOP', jk .. ':parked')
    if not p then break end
    local tab = string.find(p, '\t', 1, true)
    redis.call('XADD', ARGV[8], '*', 'job', id, 'row', string.sub(p, 1, tab - 1), 'payload', string.sub(p, tab + 1))
  end
end
if ARGV[5] ~= '' then append_event(jk, ARGV[5], ARGV[6]) end
touch(jk, ARGV[7])
return {'ok', status}
