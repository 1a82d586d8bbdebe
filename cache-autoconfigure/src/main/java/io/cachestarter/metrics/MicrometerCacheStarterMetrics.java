package io.cachestarter.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cachestarter.cache.CacheStarterMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Publishes the starter's own meters to a Micrometer {@link MeterRegistry}.
 * <p>
 * Each meter is registered on its first event, so a meter exists as soon as it has something to say. The meters
 * of one cache are held together: recording costs one map lookup by cache name and no allocation.
 * {@code cache.starter.latency} publishes the 0.5, 0.95 and 0.99 percentiles; a percentile histogram (for
 * aggregation across instances) is enabled with Spring Boot's
 * {@code management.metrics.distribution.percentiles-histogram.cache.starter.latency=true}.
 */
public final class MicrometerCacheStarterMetrics implements CacheStarterMetrics {

	static final double[] LATENCY_PERCENTILES = { 0.5, 0.95, 0.99 };

	private final MeterRegistry registry;

	private final Map<String, CacheMeters> caches = new ConcurrentHashMap<>();

	private final LazyMeter<Counter> tagInvalidations;

	/**
	 * Creates the meters' home.
	 * @param registry where the meters are registered
	 */
	public MicrometerCacheStarterMetrics(MeterRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.tagInvalidations = new LazyMeter<>(() -> Counter.builder("cache.starter.tag.invalidations")
			.description("Entries removed by tag invalidations")
			.register(registry));
	}

	@Override
	public void recordLatency(String cache, String operation, long nanos) {
		meters(cache).latency(operation).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void recordLoad(String cache, long nanos) {
		meters(cache).loads.get().record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void recordFallback(String cache, String reason) {
		meters(cache).fallback(reason).increment();
	}

	@Override
	public void recordError(String cache, String type) {
		meters(cache).error(type).increment();
	}

	@Override
	public void recordStampedeWait(String cache) {
		meters(cache).stampedeWaits.get().increment();
	}

	@Override
	public void recordStaleServed(String cache) {
		meters(cache).staleServed.get().increment();
	}

	@Override
	public void recordRefresh(String cache) {
		meters(cache).refreshes.get().increment();
	}

	@Override
	public void recordTagInvalidations(long count) {
		this.tagInvalidations.get().increment(count);
	}

	@Override
	public void recordLocalGet(String cache, boolean hit) {
		CacheMeters meters = meters(cache);
		((hit) ? meters.localHits : meters.localMisses).get().increment();
	}

	private CacheMeters meters(String cache) {
		CacheMeters meters = this.caches.get(cache);
		return (meters != null) ? meters : this.caches.computeIfAbsent(cache, CacheMeters::new);
	}

	/** The meters of one cache, each registered on first use. */
	private final class CacheMeters {

		private final Tags tags;

		private final LazyMeter<Timer> getLatency;

		private final LazyMeter<Timer> putLatency;

		private final LazyMeter<Timer> evictLatency;

		private final Map<String, Timer> otherLatencies = new ConcurrentHashMap<>();

		private final LazyMeter<Timer> loads;

		private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

		private final Map<String, Counter> errors = new ConcurrentHashMap<>();

		private final LazyMeter<Counter> stampedeWaits;

		private final LazyMeter<Counter> staleServed;

		private final LazyMeter<Counter> refreshes;

		private final LazyMeter<Counter> localHits;

		private final LazyMeter<Counter> localMisses;

		CacheMeters(String cache) {
			this.tags = Tags.of("cache", cache);
			this.getLatency = new LazyMeter<>(() -> latencyTimer("get"));
			this.putLatency = new LazyMeter<>(() -> latencyTimer("put"));
			this.evictLatency = new LazyMeter<>(() -> latencyTimer("evict"));
			this.loads = new LazyMeter<>(() -> Timer.builder("cache.starter.loads")
				.description("Time the cached method took on a miss")
				.tags(this.tags)
				.register(MicrometerCacheStarterMetrics.this.registry));
			this.stampedeWaits = new LazyMeter<>(() -> counter("cache.starter.stampede.waits",
					"Callers that waited for another caller's load of the same key", this.tags));
			this.staleServed = new LazyMeter<>(() -> counter("cache.starter.stale.served",
					"Entries served past their TTL while they reload", this.tags));
			this.refreshes = new LazyMeter<>(() -> counter("cache.starter.refreshes",
					"Background reloads started (refresh-ahead or stale)", this.tags));
			this.localHits = new LazyMeter<>(() -> localGets("hit"));
			this.localMisses = new LazyMeter<>(() -> localGets("miss"));
		}

		Timer latency(String operation) {
			return switch (operation) {
				case "get" -> this.getLatency.get();
				case "put" -> this.putLatency.get();
				case "evict" -> this.evictLatency.get();
				default -> this.otherLatencies.computeIfAbsent(operation, this::latencyTimer);
			};
		}

		Counter fallback(String reason) {
			Counter counter = this.fallbacks.get(reason);
			return (counter != null) ? counter : this.fallbacks.computeIfAbsent(reason,
					(key) -> counter("cache.starter.fallbacks", "Redis calls that fell back or were skipped",
							this.tags.and("reason", key)));
		}

		Counter error(String type) {
			Counter counter = this.errors.get(type);
			return (counter != null) ? counter : this.errors.computeIfAbsent(type,
					(key) -> counter("cache.starter.errors", "Values that could not be cached or read",
							this.tags.and("type", key)));
		}

		private Timer latencyTimer(String operation) {
			return Timer.builder("cache.starter.latency")
				.description("Redis round trips of the cache")
				.tags(this.tags)
				.tag("operation", operation)
				.publishPercentiles(LATENCY_PERCENTILES)
				.register(MicrometerCacheStarterMetrics.this.registry);
		}

		private Counter localGets(String result) {
			return counter("cache.starter.local.gets", "Lookups in the in-process near cache",
					this.tags.and("result", result));
		}

		private Counter counter(String name, String description, Tags tags) {
			return Counter.builder(name)
				.description(description)
				.tags(tags)
				.register(MicrometerCacheStarterMetrics.this.registry);
		}

	}

	/**
	 * A meter registered on first use. Two threads may both register it; the registry returns the same meter.
	 */
	private static final class LazyMeter<M> {

		private final Supplier<M> register;

		private volatile @Nullable M meter;

		LazyMeter(Supplier<M> register) {
			this.register = register;
		}

		M get() {
			M current = this.meter;
			if (current == null) {
				current = this.register.get();
				this.meter = current;
			}
			return current;
		}

	}

}
