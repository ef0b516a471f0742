-- Takes one of a user's places among documents in flight (jobs/slots.c):
-- doctag:slots:U is a sorted set of U's places scored by the end of their
-- lease (ms); a place whose lease ran out belonged to a process that died.
-- ARGV: user slot max now_ms lease_ms. Returns {taken 1|0, places held}.
local key = 'doctag:slots:' .. ARGV[1]
local now, lease = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. now)
local n = redis.call('ZCARD', key)
if n >= tonumber(ARGV[3]) then return {0, n} end
redis.call('ZADD', key, now + lease, ARGV[2])
redis.call('PEXPIRE', key, lease)
return {1, n + 1}
