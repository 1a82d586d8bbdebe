-- Versioned write-through: writes ARGV[1] unless the entry in KEYS[1] carries a higher version.
-- Entries start with the header "CS<format>|<createdAt>|<ttl>|<version or ->|<type>\n" (see CacheEntryCodec).
-- ARGV: 1 = encoded entry, 2 = its version, 3 = TTL in ms. Returns 1 if written, 0 if a newer entry was kept.
local current = redis.call('GET', KEYS[1])
if current then
  local version = string.match(current, '^CS%d+|%-?%d+|%-?%d+|(%-?%d+)|')
  if version and tonumber(version) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
