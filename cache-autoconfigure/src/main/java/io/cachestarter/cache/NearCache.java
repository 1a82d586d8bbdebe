package io.cachestarter.cache;

import java.util.List;

import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * An in-process tier in front of Redis for one cache (the L1 near cache), as the cache's pipeline calls it: before
 * every read of either face, and after every write and removal that reached Redis. Implementations must be cheap
 * and must never throw.
 * <p>
 * The read protocol closes the load/invalidate race: {@link #beforeRead} returns a token, and {@link #afterRead}
 * keeps the entry only if no invalidation of the key reached this instance since that token was taken. Writes
 * follow the same protocol ({@link #beforeWrite}, {@link #afterWrite}), so that of two writes of a key whose
 * completions are seen out of order, neither leaves the older value behind.
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

		/**
		 * Called once entries of any caches were removed from Redis by their keys, outside a cache (a tag
		 * invalidation): the near caches drop them, here and on every other instance, in one message.
		 * @param redisKeys the Redis keys of the entries removed
		 */
		default void afterRemove(List<byte[]> redisKeys) {
		}

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
	 * Returns whether no invalidation of a key reached this instance since a token was taken: a value whose load
	 * began before such an invalidation may be older than what the invalidating write stored, and is not cached.
	 * @param redisKey the entry's Redis key
	 * @param token what {@link #beforeRead} returned when the load began
	 * @return {@code true} if the loaded value may be cached
	 */
	default boolean isCurrent(String redisKey, long token) {
		return true;
	}

	/**
	 * Called before this instance writes an entry to Redis.
	 * @param redisKey the entry's Redis key
	 * @return a token for {@link #afterWrite}
	 */
	default long beforeWrite(String redisKey) {
		return 0;
	}

	/**
	 * Called once this instance's write of an entry has reached Redis.
	 * @param redisKey the entry's Redis key
	 * @param token what {@link #beforeWrite} returned
	 * @param entry the entry now stored
	 */
	default void afterWrite(String redisKey, long token, CacheEntry entry) {
	}

	/**
	 * Called once this instance's write of many entries in one operation (a bulk write) has reached Redis; an
	 * implementation that tells other instances should tell them in one message. By default, one
	 * {@link #afterWrite} per entry.
	 * @param redisKeys the entries' Redis keys
	 * @param tokens what {@link #beforeWrite} returned for each
	 * @param entries the entries now stored
	 */
	default void afterWriteAll(List<String> redisKeys, long[] tokens, List<CacheEntry> entries) {
		for (int i = 0; i < redisKeys.size(); i++) {
			afterWrite(redisKeys.get(i), tokens[i], entries.get(i));
		}
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

	/**
	 * Returns how many entries this instance holds.
	 * @return the number of entries, or 0 without a near cache
	 */
	default long size() {
		return 0;
	}

	/**
	 * Returns how many reads this near cache served.
	 * @return the hits in this JVM
	 */
	default long hits() {
		return 0;
	}

	/**
	 * Returns how many reads this near cache could not serve (they went to Redis).
	 * @return the misses in this JVM
	 */
	default long misses() {
		return 0;
	}

}
