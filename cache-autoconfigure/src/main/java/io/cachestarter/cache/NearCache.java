package io.cachestarter.cache;

import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * An in-process tier in front of Redis for one cache (the L1 near cache), as the cache's pipeline calls it: before
 * every read of either face, and after every write and removal that reached Redis. Implementations must be cheap
 * and must never throw.
 * <p>
 * The read protocol closes the load/invalidate race: {@link #beforeRead} returns a token, and {@link #afterRead}
 * keeps the entry only if no invalidation of the key reached this instance since that token was taken.
 */
public interface NearCache {

	/** No near cache: every read goes to Redis. */
	NearCache NONE = new NearCache() {
	};

	/**
	 * Creates the near cache of each cache.
	 */
	@FunctionalInterface
	interface Factory {

		/** No near caches. */
		Factory NONE = (settings) -> NearCache.NONE;

		/**
		 * Creates the near cache of a cache; {@link NearCache#NONE} where its settings turn it off.
		 * @param settings the cache's settings
		 * @return its near cache
		 */
		NearCache create(CacheSettings settings);

	}

	/**
	 * Returns the entry this instance may serve without asking Redis.
	 * @param redisKey the entry's Redis key
	 * @return the entry, or {@code null} to read Redis
	 */
	default @Nullable CacheEntry get(String redisKey) {
		return null;
	}

	/**
	 * Called before Redis is read for a key that {@link #get} did not serve.
	 * @param redisKey the entry's Redis key
	 * @return a token for {@link #afterRead}
	 */
	default long beforeRead(String redisKey) {
		return 0;
	}

	/**
	 * Offers the entry Redis returned.
	 * @param redisKey the entry's Redis key
	 * @param token what {@link #beforeRead} returned
	 * @param entry the entry read
	 */
	default void afterRead(String redisKey, long token, CacheEntry entry) {
	}

	/**
	 * Called once this instance's write of an entry has reached Redis.
	 * @param redisKey the entry's Redis key
	 * @param entry the entry now stored
	 */
	default void afterWrite(String redisKey, CacheEntry entry) {
	}

	/**
	 * Called once a removal of a key has reached Redis (or failed into the replay log).
	 * @param redisKey the entry's Redis key
	 */
	default void afterRemove(String redisKey) {
	}

	/**
	 * Called once a clear of the whole cache has reached Redis (or failed into the replay log).
	 */
	default void afterClear() {
	}

}
