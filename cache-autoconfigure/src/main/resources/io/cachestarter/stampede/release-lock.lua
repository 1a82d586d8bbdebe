-- Releases a single-flight lock only if this caller still owns it: a holder whose lease ran out must not delete the
-- lock that another caller has taken since.
-- KEYS[1] = the lock key, ARGV[1] = the owner token. Returns 1 if released, 0 if the lock was gone or not ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
