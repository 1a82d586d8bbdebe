-- Records an invalidation of one tag in the epochs hash (one key, so one slot): raises the global sequence number
-- and stores it as the tag's epoch. A hash that holds too many tags is replaced by a new incarnation; loads that
-- began under the old one then count as invalidated, which is the safe side.
-- KEYS: 1 = the epochs hash. ARGV: 1 = the tag's field, 2 = the hash's TTL in ms, 3 = most fields kept,
-- 4 = the id of a new incarnation. Returns the new sequence number.
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('UNLINK', KEYS[1])
end
redis.call('HSETNX', KEYS[1], '__id', ARGV[4])
local seq = redis.call('HINCRBY', KEYS[1], '__seq', 1)
redis.call('HSET', KEYS[1], ARGV[1], seq)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return seq
