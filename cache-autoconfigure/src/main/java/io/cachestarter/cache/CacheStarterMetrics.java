package io.cachestarter.cache;

/**
 * What cache-starter's capabilities record about their work. Each method is one of the starter's own meters; an
 * implementation must be cheap and must never throw, since it sits on the path of every cache call.
 * <p>
 * Implement it only to send these events somewhere other than Micrometer; with Micrometer on the class path the
 * starter registers {@code MicrometerCacheStarterMetrics}.
 */
public interface CacheStarterMetrics {

	/**
	 * A Redis round trip of the cache ({@code cache.starter.latency}).
	 * @param cache the cache name
	 * @param operation {@code get}, {@code put} or {@code evict}
	 * @param nanos how long it took
	 */
	void recordLatency(String cache, String operation, long nanos);

	/**
	 * The method's own time on a miss ({@code cache.starter.loads}).
	 * @param cache the cache name
	 * @param nanos how long the method ran
	 */
	void recordLoad(String cache, long nanos);

	/**
	 * A Redis call that fell back to the method or was skipped ({@code cache.starter.fallbacks}).
	 * @param cache the cache name, or {@code ""} when no single cache applies
	 * @param reason {@code error}, {@code timeout} or {@code circuit_open}
	 */
	void recordFallback(String cache, String reason);

	/**
	 * A value that could not be cached or read ({@code cache.starter.errors}).
	 * @param cache the cache name
	 * @param type for example {@code deserialization}, {@code serialization} or {@code oversize}
	 */
	void recordError(String cache, String type);

	/**
	 * A caller that waited for another caller's load ({@code cache.starter.stampede.waits}).
	 * @param cache the cache name
	 */
	void recordStampedeWait(String cache);

	/**
	 * An entry served after its TTL while it reloads ({@code cache.starter.stale.served}).
	 * @param cache the cache name
	 */
	void recordStaleServed(String cache);

	/**
	 * A background reload that was started ({@code cache.starter.refreshes}).
	 * @param cache the cache name
	 */
	void recordRefresh(String cache);

	/**
	 * Entries removed by a tag invalidation ({@code cache.starter.tag.invalidations}).
	 * @param count how many entries were removed
	 */
	void recordTagInvalidations(long count);

	/**
	 * A lookup in the L1 near cache ({@code cache.starter.local.gets}).
	 * @param cache the cache name
	 * @param hit whether it found the entry
	 */
	void recordLocalGet(String cache, boolean hit);

	/**
	 * Returns an implementation that records nothing.
	 * @return the no-op instance
	 */
	static CacheStarterMetrics noop() {
		return NoOpCacheStarterMetrics.INSTANCE;
	}

}
