-- Shared by every doctag queue script (prepended to each). Keys of job ID:
--   job:ID             hash: job_id user_id status total done processed_count
--                      failed_count progress seq command created_at
--                      started_at finished_at config secret error nonce
--   job:ID:results     list of result JSON, in finishing order
--   job:ID:events      list of event JSON; event seq N is at index N-1
--   job:ID:progress    pub/sub channel: each event as it is appended
--   job:ID:done        hash row -> 1|0 (ok): rows finished, once each
--   job:ID:attempts    hash row -> times claimed
--   job:ID:parked      list "row<TAB>payload" set aside while paused
--   doctag:user:U:jobs sorted set of the user's unfinished job ids
-- Every write refreshes the job's 24 h expiry.

local function final(status)
  return status == 'completed' or status == 'cancelled' or status == 'failed'
end

local function fill(tpl, v)
  return (string.gsub(tpl, '%%{(%a+)}', function(k)
    local x = v[k]
    if x == nil then return nil end
    return tostring(x)
  end))
end

local function touch(jk, ttl)
  for _, k in ipairs({jk, jk .. ':results', jk .. ':events', jk .. ':done', jk .. ':attempts', jk .. ':parked'}) do
    redis.call('EXPIRE', k, ttl)
  end
end

-- Numbers the event, fills the template from the job's counters, logs and
-- publishes it. Returns its seq.
local function append_event(jk, tpl, now)
  local seq = redis.call('HINCRBY', jk, 'seq', 1)
  local h = redis.call('HMGET', jk, 'total', 'done', 'processed_count', 'failed_count', 'started_at')
  local total = tonumber(h[1]) or 0
  local done = tonumber(h[2]) or 0
  local started = tonumber(h[5]) or 0
  local elapsed = 0
  if started > 0 then elapsed = (tonumber(now) - started) / 1e6 end
  local progress = 0
  if total > 0 then progress = done / total end
  local ev = fill(tpl, {seq = seq, done = done, processed = tonumber(h[3]) or 0, failed = tonumber(h[4]) or 0,
                        total = total, progress = string.format('%.6g', progress),
                        elapsed = string.format('%.2f', elapsed)})
  redis.call('RPUSH', jk .. ':events', ev)
  redis.call('PUBLISH', jk .. ':progress', ev)
  return seq
end
