-- Extends the leases of places one process holds (redis_slot_take.lua).
-- ARGV: lease_ms user slot [user slot ...]
local lease = tonumber(ARGV[1])
local t = redis.call('TIME')
local until_ms = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + lease)
for i = 2, #ARGV - 1, 2 do
  local key = 'doctag:slots:' .. ARGV[i]
  if redis.call('ZADD', key, 'XX', 'CH', until_ms, ARGV[i + 1]) == 1 then
    -- the set lives as long as its longest lease
    if redis.call('PTTL', key) < lease then redis.call('PEXPIRE', key, lease) end
  end
end
return 'ok'
