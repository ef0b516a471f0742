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
--   job:ID:waiting     list "row<TAB>payload": the job's rows waiting, in order
--   doctag:user:U:jobs sorted set of the user's unfinished job ids
-- Every write refreshes the job's 24 h expiry.
--
-- Rows wait per user until a worker claims one, so that one user's long
-- batch cannot starve another's short one (redis_take.lua):
--   doctag:user:U:items     list of U's waiting rows, oldest first, each entry either a job id
--                           (the rows of that job's job:ID:waiting, a run) or one row
--                           "job<TAB>row<TAB>payload" (a row given back, first); a job's
--                           rows are its own list so that ending it costs its rows only
--   doctag:owners:ready     sorted set of the users with waiting rows, scored by their rows in
--                           flight * TURNS + their turn: the first is the one to serve next
--   doctag:owners:clock     counter handing out the turns
--   doctag:owners:inflight  hash user -> their entries in the stream's pending list
--   doctag:items:wake       list holding a token while rows wait, for workers blocked in BLPOP
-- A claimed row becomes an entry of the stream (field owner = U) read by the
-- claiming worker, so a worker that dies leaves it pending for XAUTOCLAIM;
-- inflight counts an entry from that read until unpend() takes it off.

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
  for _, k in ipairs({jk, jk .. ':results', jk .. ':events', jk .. ':done', jk .. ':attempts', jk .. ':parked',
                      jk .. ':waiting'}) do
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

local READY, CLOCK, INFLIGHT, WAKE = 'doctag:owners:ready', 'doctag:owners:clock', 'doctag:owners:inflight',
  'doctag:items:wake'
-- Turns stay below 2^40 (35 years of a thousand claims a second), so a
-- score is exact in a double up to 8,192 rows in flight for one user.
local TURNS = 1099511627776

-- A score as Redis reads it back exactly (Lua's own conversion keeps 14 digits).
local function score(x) return string.format('%.0f', x) end

local function inflight_of(u)
  return math.max(tonumber(redis.call('HGET', INFLIGHT, u)) or 0, 0)
end

-- Gives u (with rows waiting) the last turn.
local function take_turn(u)
  redis.call('ZADD', READY, score(inflight_of(u) * TURNS + redis.call('INCR', CLOCK)), u)
end

-- u's rows in flight changed: u keeps its turn among users with as many.
local function rescore(u)
  local s = redis.call('ZSCORE', READY, u)
  if s then redis.call('ZADD', READY, score(inflight_of(u) * TURNS + math.fmod(tonumber(s), TURNS)), u) end
end

-- Leaves a token for one blocked worker (one is enough: a worker that takes
-- a row leaves another while rows wait).
local function wake()
  if redis.call('LLEN', WAKE) == 0 then redis.call('RPUSH', WAKE, '1') end
end

local function user_list(u) return 'doctag:user:' .. u .. ':items' end

-- u has rows waiting: the list's expiry, u's turn, a worker woken.
local function queued(u, lk, ttl)
  redis.call('EXPIRE', lk, ttl)
  if not redis.call('ZSCORE', READY, u) then take_turn(u) end
  wake()
end

-- Queues rows ("row<TAB>payload") of job id for user u after their waiting
-- rows: on the job's own list, as a run of u's list (one entry for all).
-- A user who had none takes the last turn.
local function enqueue(u, id, rows, ttl)
  if #rows == 0 then return end
  local wk = 'job:' .. id .. ':waiting'
  for i = 1, #rows, 1000 do redis.call('RPUSH', wk, unpack(rows, i, math.min(i + 999, #rows))) end
  redis.call('EXPIRE', wk, ttl)
  local lk = user_list(u)
  if redis.call('LINDEX', lk, -1) ~= id then redis.call('RPUSH', lk, id) end
  queued(u, lk, ttl)
end

-- Gives one row ("job<TAB>row<TAB>payload") back to user u, first of their
-- waiting rows.
local function requeue(u, it, ttl)
  local lk = user_list(u)
  redis.call('LPUSH', lk, it)
  queued(u, lk, ttl)
end

-- Takes user u's next waiting row: "job<TAB>row<TAB>payload", or nil when
-- the first entry held none (a run whose job list is gone). u leaves the
-- turns when nothing more waits, else takes the last turn.
local function next_row(u)
  local lk = user_list(u)
  local head = redis.call('LINDEX', lk, 0)
  local it
  if head and string.find(head, '\t', 1, true) then
    it = redis.call('LPOP', lk)
  elseif head then
    local wk = 'job:' .. head .. ':waiting'
    it = redis.call('LPOP', wk)
    if it then it = head .. '\t' .. it end
    if redis.call('LLEN', wk) == 0 then redis.call('LPOP', lk) end
  end
  if redis.call('LLEN', lk) == 0 then
    redis.call('ZREM', READY, u)
  else
    take_turn(u)
  end
  return it
end

-- The value of field name in a stream entry's [field, value, ...], or nil.
local function entry_field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end

-- Takes an entry off the stream (acknowledged, deleted); its user has one
-- fewer row in flight when it was pending.
local function unpend(stream, group, entry)
  local e = redis.call('XRANGE', stream, entry, entry)
  local n = redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
  local u = n == 1 and e[1] and entry_field(e[1][2], 'owner')
  if u then
    if redis.call('HINCRBY', INFLIGHT, u, -1) <= 0 then redis.call('HDEL', INFLIGHT, u) end
    rescore(u)
  end
end

-- Takes the waiting rows of job id out of the queue (the job ended), so
-- they neither wait for a claim to drop them nor hold user u's turn: its
-- own list goes, and its entries in u's list (its runs and rows given
-- back: the user's jobs and rows in flight at most, whatever their other
-- jobs' rows waiting).
local function unqueue(u, id, ttl)
  redis.call('DEL', 'job:' .. id .. ':waiting')
  local lk = user_list(u)
  local entries = redis.call('LRANGE', lk, 0, -1)
  local prefix = id .. '\t'
  local keep = {}
  for _, it in ipairs(entries) do
    if it ~= id and string.sub(it, 1, #prefix) ~= prefix then keep[#keep + 1] = it end
  end
  if #keep == #entries then return end
  redis.call('DEL', lk)
  if #keep == 0 then
    redis.call('ZREM', READY, u)
    return
  end
  for i = 1, #keep, 1000 do redis.call('RPUSH', lk, unpack(keep, i, math.min(i + 999, #keep))) end
  redis.call('EXPIRE', lk, ttl)
end
