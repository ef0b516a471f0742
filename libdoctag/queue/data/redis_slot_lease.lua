-- The lease of the places of redis_slot_take.lua that every process on
-- this Redis uses (jobs/slots.c): doctag:slot_lease holds it (ms) and lives
-- one lease from the last renewal by a process that uses it, so it is gone
-- once those processes have all stopped, and the next one records its own.
-- ARGV: lease_ms. Returns the lease in force (ARGV[1] unless another holds).
local key = 'doctag:slot_lease'
local cur = redis.call('GET', key)
if cur and cur ~= ARGV[1] then return cur end
redis.call('SET', key, ARGV[1], 'PX', ARGV[1])
return ARGV[1]
