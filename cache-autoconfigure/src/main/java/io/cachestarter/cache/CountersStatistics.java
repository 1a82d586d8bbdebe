package io.cachestarter.cache;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.cache.CacheStatistics;

/**
 * Spring Data Redis's view of a cache's counters ({@code RedisCache#getStatistics()}), always on. Clearing it
 * moves its baseline rather than resetting the counters, which Micrometer publishes and which must only grow.
 */
final class CountersStatistics implements CacheStatistics {

	private final String cacheName;

	private final CacheCounters counters;

	private final Instant since = Instant.now();

	private volatile Snapshot baseline = new Snapshot(0, 0, 0, 0, this.since);

	CountersStatistics(String cacheName, CacheCounters counters) {
		this.cacheName = cacheName;
		this.counters = counters;
	}

	void reset() {
		this.baseline = new Snapshot(this.counters.hits(), this.counters.misses(), this.counters.puts(),
				this.counters.evictions(), Instant.now());
	}

	@Override
	public String getCacheName() {
		return this.cacheName;
	}

	@Override
	public long getPuts() {
		return this.counters.puts() - this.baseline.puts();
	}

	@Override
	public long getGets() {
		return getHits() + getMisses();
	}

	@Override
	public long getHits() {
		return this.counters.hits() - this.baseline.hits();
	}

	@Override
	public long getMisses() {
		return this.counters.misses() - this.baseline.misses();
	}

	@Override
	public long getDeletes() {
		return this.counters.evictions() - this.baseline.evictions();
	}

	/** The starter never locks a whole cache: waits for single-flight loads are counted per key instead. */
	@Override
	public long getLockWaitDuration(TimeUnit unit) {
		return 0;
	}

	@Override
	public Instant getSince() {
		return this.since;
	}

	@Override
	public Instant getLastReset() {
		return this.baseline.at();
	}

	private record Snapshot(long hits, long misses, long puts, long evictions, Instant at) {
	}

}
