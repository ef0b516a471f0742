-- Hands out the next waiting row, fairly between users: of all the users
-- with rows waiting, the one with the fewest rows in flight, the one whose
-- turn is oldest on a tie (the first of READY, whose scores say both); that
-- user then takes the last turn. So one user's 1,000-row batch and another's 2-row batch
-- alternate, and with several workers each user gets an equal share of them.
-- The row becomes a stream entry read by this worker, so a worker that dies
-- leaves it pending for XAUTOCLAIM. Rows of ended or expired jobs and
-- finished rows are dropped; rows of paused jobs are parked.
-- ARGV: stream group worker ttl
-- Returns the entry [id, [field, value, ...]]; nil when no row waits; 0
-- after dropping or parking many rows (ask again).
local stream, group, worker, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function read_new()
  return redis.call('XREADGROUP', 'GROUP', group, worker, 'COUNT', 1, 'STREAMS', stream, '>')
end

for _ = 1, 100 do
  local u = redis.call('ZRANGE', READY, 0, 0)[1]
  if not u then return false end
  local it = next_row(u)
  local t1 = it and string.find(it, '\t', 1, true)
  local t2 = t1 and string.find(it, '\t', t1 + 1, true)
  if t2 then
    local job, row, payload = string.sub(it, 1, t1 - 1), string.sub(it, t1 + 1, t2 - 1), string.sub(it, t2 + 1)
    local jk = 'job:' .. job
    local status = redis.call('HGET', jk, 'status')
    if status == 'paused' then
      redis.call('RPUSH', jk .. ':parked', row .. '\t' .. payload)
      touch(jk, ttl)
    elseif status and not final(status) and redis.call('HEXISTS', jk .. ':done', row) == 0 then
      redis.call('XADD', stream, '*', 'job', job, 'row', row, 'payload', payload, 'owner', u)
      local ok, got = pcall(read_new)
      if not ok then
        -- The group is gone (the stream was deleted, a server restarted
        -- without its data), and its pending list with it: start again.
        if not string.find(tostring(got), 'NOGROUP', 1, true) then return redis.error_reply(tostring(got)) end
        redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
        redis.call('DEL', INFLIGHT)
        for _, r in ipairs(redis.call('ZRANGE', READY, 0, -1)) do rescore(r) end
        got = read_new()
      end
      -- The oldest entry never read: this row, or one an older version added.
      local e = got and got[1] and got[1][2][1]
      if e then
        local owner = entry_field(e[2], 'owner')
        if owner then
          redis.call('HINCRBY', INFLIGHT, owner, 1)
          rescore(owner)
        end
        if redis.call('ZCARD', READY) > 0 then wake() end
        return e
      end
    end
  end
end
return 0
