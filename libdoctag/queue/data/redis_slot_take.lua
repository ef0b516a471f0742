-- Takes one of a user's places among documents in flight (jobs/slots.c):
-- doctag:slots:U is a sorted set of U's places scored by the end of their
-- lease (ms, by Redis's clock: the servers' own clocks may differ); a place
-- whose lease ran out belonged to a process that died.
-- ARGV: user slot max lease_ms. Returns {taken 1|0, places held}.
local key = 'doctag:slots:' .. ARGV[1]
local lease = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. now)
local n = redis.call('ZCARD', key)
if n >= tonumber(ARGV[3]) then return {0, n} end
redis.call('ZADD', key, string.format('%.0f', now + lease), ARGV[2])
redis.call('PEXPIRE', key, lease)
return {1, n + 1}
