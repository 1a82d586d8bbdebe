package io.cachestarter.resilience;

import io.cachestarter.redis.RedisGuard;

/**
 * Removes every entry of a cache straight from Redis, without a guard: what the replay log falls back to when it
 * overflows. Failures propagate, so that the guard can keep the clear pending until it succeeds.
 */
@FunctionalInterface
public interface CacheClearer {

	/**
	 * Removes every entry of a cache.
	 * @param cacheName the cache, or {@link RedisGuard#ALL_CACHES} for every cache of the cache manager
	 */
	void clear(String cacheName);

}
