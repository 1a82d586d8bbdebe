package io.cachestarter.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Exact, cheap counters of one cache in this JVM: what {@code cache.gets}, {@code cache.puts} and
 * {@code cache.evictions} publish and what the actuator endpoint shows.
 */
public final class CacheStatistics {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	void hit(String redisKey) {
		this.hits.increment();
	}

	void miss(String redisKey) {
		this.misses.increment();
	}

	void put() {
		this.puts.increment();
	}

	void eviction() {
		this.evictions.increment();
	}

	public long hits() {
		return this.hits.sum();
	}

	public long misses() {
		return this.misses.sum();
	}

	public long puts() {
		return this.puts.sum();
	}

	public long evictions() {
		return this.evictions.sum();
	}

	/**
	 * Returns hits divided by all gets.
	 * @return the hit ratio in [0, 1], or 0 before the first get
	 */
	public double hitRatio() {
		long hits = hits();
		long total = hits + misses();
		return (total == 0) ? 0 : (double) hits / total;
	}

}
