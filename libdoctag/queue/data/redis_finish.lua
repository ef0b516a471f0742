-- Records a row's outcome once. ARGV: job_id row ok(1|0) result_json
-- event_template completed_template stream group entry_id now ttl
-- Returns recorded | duplicate | completed | after_end | gone.
local id, row, ok = ARGV[1], ARGV[2], ARGV[3]
local jk = 'job:' .. id
local function ack() unpend(ARGV[7], ARGV[8], ARGV[9]) end
if redis.call('EXISTS', jk) == 0 then ack() return 'gone' end
if redis.call('HSETNX', jk .. ':done', row, ok) == 0 then ack() return 'duplicate' end
local done = redis.call('HINCRBY', jk, 'done', 1)
if ok == '1' then
  redis.call('HINCRBY', jk, 'processed_count', 1)
else
  redis.call('HINCRBY', jk, 'failed_count', 1)
end
local total = tonumber(redis.call('HGET', jk, 'total')) or 0
if total > 0 then redis.call('HSET', jk, 'progress', string.format('%.6g', done / total)) end
redis.call('RPUSH', jk .. ':results', ARGV[4])
local status = redis.call('HGET', jk, 'status')
local out = 'recorded'
if final(status) then
  out = 'after_end'
else
  if ARGV[5] ~= '' then append_event(jk, ARGV[5], ARGV[10]) end
  if done >= total then
    redis.call('HSET', jk, 'status', 'completed', 'finished_at', ARGV[10])
    redis.call('HDEL', jk, 'secret')
    redis.call('ZREM', 'doctag:user:' .. redis.call('HGET', jk, 'user_id') .. ':jobs', id)
    if ARGV[6] ~= '' then append_event(jk, ARGV[6], ARGV[10]) end
    out = 'completed'
  end
end
touch(jk, ARGV[11])
ack()
return out
