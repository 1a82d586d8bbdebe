package io.cachestarter.cache;

import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * One load of one cache key, as the cache hands it to a {@link LoadCoordinator}.
 */
public interface LoadTask {

	/**
	 * Returns the cache the key belongs to.
	 * @return the cache name
	 */
	String cacheName();

	/**
	 * Returns the entry's Redis key; single flight is per Redis key.
	 * @return the full Redis key
	 */
	String redisKey();

	/**
	 * Reads the entry from Redis. Never throws: an unreachable Redis or an unreadable value is {@code null}.
	 * @return the entry (its value may be a cached {@code null}), or {@code null} when there is none
	 */
	@Nullable CacheEntry lookup();

	/**
	 * Runs the cached method and writes its result to the cache.
	 * @return the method's result
	 * @throws Exception what the method threw
	 */
	@Nullable Object loadAndStore() throws Exception;

	/**
	 * Returns whether an entry now in Redis makes this load unnecessary, because another caller (or instance) has
	 * written it meanwhile. A coordinator asks once it holds the key's lock and while it waits for another caller's
	 * load. For a missing key, any entry a reader would be served satisfies the load; for a background reload, only an
	 * entry that is no longer due for a reload does.
	 * @param current the entry read from Redis
	 * @param backgroundReload whether the task runs as a background reload rather than for a missing key
	 * @return {@code true} to use {@code current} instead of loading
	 */
	default boolean isSatisfiedBy(CacheEntry current, boolean backgroundReload) {
		return true;
	}

}
