package io.cachestarter.metrics;

import io.cachestarter.cache.CacheCounters;
import io.cachestarter.cache.StarterRedisCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Spring Boot's standard cache meters ({@code cache.gets} with {@code result} = {@code hit} | {@code miss},
 * {@code cache.puts}, {@code cache.evictions}) for one {@link StarterRedisCache}, read from its exact
 * {@link CacheCounters} in this JVM. There is no {@code cache.size}: Redis does not count a cache's entries.
 */
public final class StarterCacheMeterBinder extends CacheMeterBinder<StarterRedisCache> {

	private final CacheCounters statistics;

	/**
	 * Creates a binder.
	 * @param cache the cache
	 * @param tags tags to add to every meter besides {@code cache}
	 */
	public StarterCacheMeterBinder(StarterRedisCache cache, Iterable<Tag> tags) {
		super(cache, cache.getName(), tags);
		this.statistics = cache.getCounters();
	}

	@Override
	protected @Nullable Long size() {
		return null;
	}

	@Override
	protected long hitCount() {
		return this.statistics.hits();
	}

	@Override
	protected Long missCount() {
		return this.statistics.misses();
	}

	@Override
	protected Long evictionCount() {
		return this.statistics.evictions();
	}

	@Override
	protected long putCount() {
		return this.statistics.puts();
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
	}

}
