-- Extends the leases of places one process holds (redis_slot_take.lua).
-- ARGV: lease_ms user slot [user slot ...]. Returns the slots no longer
-- there (their lease ran out and a take dropped them).
local lease = tonumber(ARGV[1])
local t = redis.call('TIME')
local until_ms = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + lease)
local lost = {}
for i = 2, #ARGV - 1, 2 do
  local key = 'doctag:slots:' .. ARGV[i]
  if redis.call('ZSCORE', key, ARGV[i + 1]) then
    redis.call('ZADD', key, 'XX', until_ms, ARGV[i + 1])
    -- the set lives as long as its longest lease
    if redis.call('PTTL', key) < lease then redis.call('PEXPIRE', key, lease) end
  else
    lost[#lost + 1] = ARGV[i + 1]
  end
end
return lost
