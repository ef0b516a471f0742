-- Forgets consumers of the group that hold no entry: this worker leaving
-- (ARGV[3], may be empty), and any other idle longer than ARGV[4] ms (a
-- worker that died; a live one is re-created by its next XREADGROUP).
-- Consumers holding entries stay: deleting them would drop their entries,
-- which XAUTOCLAIM hands to another worker once their lease runs out.
-- ARGV: stream group worker idle_ms. Returns the number forgotten.
local gone = 0
local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', ARGV[1], ARGV[2])
if not ok then return 0 end
local idle_max = tonumber(ARGV[4])
for _, c in ipairs(consumers) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if tonumber(f['pending']) == 0 and (f['name'] == ARGV[3] or tonumber(f['idle']) > idle_max) then
    redis.call('XGROUP', 'DELCONSUMER', ARGV[1], ARGV[2], f['name'])
    gone = gone + 1
  end
end
return gone
