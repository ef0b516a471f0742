-- Decides what to do with a stream entry a worker just read or took over.
-- ARGV: job_id row payload stream group entry_id now ttl event_template
-- Returns {verdict, started, attempts}: verdict run | gone | ended | done | parked.
local id, row, payload = ARGV[1], ARGV[2], ARGV[3]
local stream, group, entry = ARGV[4], ARGV[5], ARGV[6]
local jk = 'job:' .. id
local function drop() unpend(stream, group, entry) end
if redis.call('EXISTS', jk) == 0 then drop() return {'gone', 0, 0} end
local status = redis.call('HGET', jk, 'status')
if final(status) then drop() return {'ended', 0, 0} end
if redis.call('HEXISTS', jk .. ':done', row) == 1 then drop() return {'done', 0, 0} end
if status == 'paused' then
  redis.call('RPUSH', jk .. ':parked', row .. '\t' .. payload)
  touch(jk, ARGV[8])
  drop()
  return {'parked', 0, 0}
end
local started = 0
if status == 'pending' then
  redis.call('HSET', jk, 'status', 'processing', 'started_at', ARGV[7])
  started = 1
end
local attempts = redis.call('HINCRBY', jk .. ':attempts', row, 1)
if ARGV[9] ~= '' then append_event(jk, ARGV[9], ARGV[7]) end
touch(jk, ARGV[8])
return {'run', started, attempts}
