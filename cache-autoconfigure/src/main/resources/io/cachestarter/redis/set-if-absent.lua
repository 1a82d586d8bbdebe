-- putIfAbsent: writes ARGV[1] unless KEYS[1] holds an entry that is still fresh; returns the entry it kept, or false
-- (a nil reply) when it wrote. An entry past its TTL, kept only for its stale window, counts as absent, as it does for
-- a read without a loader. Entries start with "CS<format>|<createdAt>|<ttl>|..." (see CacheEntryCodec); an entry
-- whose header cannot be read is kept, which is the safe side.
-- ARGV: 1 = encoded entry, 2 = TTL in ms, 3 = the caller's clock in ms.
local current = redis.call('GET', KEYS[1])
if current then
  local created, ttl = string.match(current, '^CS%d+|(%-?%d+)|(%-?%d+)|')
  if not created or tonumber(created) + tonumber(ttl) > tonumber(ARGV[3]) then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
