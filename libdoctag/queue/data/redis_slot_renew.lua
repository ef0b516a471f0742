-- Extends the leases of places one process holds (redis_slot_take.lua).
-- ARGV: now_ms lease_ms user slot [user slot ...]
local until_ms = tonumber(ARGV[1]) + tonumber(ARGV[2])
for i = 3, #ARGV - 1, 2 do
  local key = 'doctag:slots:' .. ARGV[i]
  if redis.call('ZADD', key, 'XX', 'CH', until_ms, ARGV[i + 1]) == 1 then
    -- the set lives as long as its longest lease
    if redis.call('PTTL', key) < tonumber(ARGV[2]) then redis.call('PEXPIRE', key, ARGV[2]) end
  end
end
return 'ok'
