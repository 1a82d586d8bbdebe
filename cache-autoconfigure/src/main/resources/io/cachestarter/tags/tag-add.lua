-- Adds an entry key to a tag set and keeps the set alive at least as long as the entry (a set of one slot).
-- KEYS: 1 = the tag set. ARGV: 1 = the entry's key, 2 = the set's minimum TTL in ms. Returns the set's size.
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return redis.call('SCARD', KEYS[1])
