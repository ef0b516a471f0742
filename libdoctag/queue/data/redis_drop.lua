-- Takes an entry that cannot be an item off the stream. ARGV: stream group entry_id
unpend(ARGV[1], ARGV[2], ARGV[3])
return 'ok'
