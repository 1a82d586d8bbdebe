package io.cachestarter.resilience;

/**
 * Removes every entry of a cache straight from Redis, without a guard: what the replay log falls back to when it
 * overflows. Failures propagate, so that the guard can keep the clear pending until it succeeds.
 */
@FunctionalInterface
public interface CacheClearer {

	/**
	 * The cache name that stands for every cache: removals that span caches (for example tag invalidations) are
	 * recorded under it.
	 */
	String ALL_CACHES = "";

	/**
	 * Removes every entry of a cache.
	 * @param cacheName the cache, or {@link #ALL_CACHES} for every cache of the cache manager
	 */
	void clear(String cacheName);

}
