-- Gives an unfinished entry back at once (its attempt still counts). ARGV: stream group entry_id job_id row payload
redis.call('XACK', ARGV[1], ARGV[2], ARGV[3])
redis.call('XDEL', ARGV[1], ARGV[3])
redis.call('XADD', ARGV[1], '*', 'job', ARGV[4], 'row', ARGV[5], 'payload', ARGV[6])
return 'ok'
