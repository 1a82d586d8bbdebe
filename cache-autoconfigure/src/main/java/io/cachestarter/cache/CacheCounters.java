package io.cachestarter.cache;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.util.Assert;

/**
 * Exact, cheap counters of one cache in this JVM: what {@code cache.gets}, {@code cache.puts} and
 * {@code cache.evictions} publish and what the actuator endpoint shows. Gets also feed a sampled, bounded count
 * of the hottest keys.
 */
public final class CacheCounters {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private final HotKeySampler hotKeys = new HotKeySampler();

	void hit(String redisKey) {
		this.hits.increment();
		this.hotKeys.sample(redisKey);
	}

	void miss(String redisKey) {
		this.misses.increment();
		this.hotKeys.sample(redisKey);
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

	/**
	 * Returns the most requested keys of the cache, most requested first, from a sample of about one get in 16
	 * whose counts halve every 1024 samples: a ranking of current traffic, not exact counts.
	 * @param limit how many keys at most
	 * @return the keys, possibly fewer than {@code limit}
	 */
	public List<HotKey> hottestKeys(int limit) {
		Assert.isTrue(limit >= 0, "'limit' must not be negative");
		return this.hotKeys.hottest(limit);
	}

	/**
	 * A frequently requested key.
	 *
	 * @param redisKey the full Redis key; it may contain personal data, so never show it unmasked
	 * @param sampledGets the decayed count of sampled gets of the key
	 */
	public record HotKey(String redisKey, long sampledGets) {
	}

}
