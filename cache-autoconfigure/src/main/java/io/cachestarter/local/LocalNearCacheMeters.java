package io.cachestarter.local;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.util.Assert;

/**
 * Binds the meters of every near cache, those created later on first use included:
 * {@code cache.starter.local.gets} (tags {@code cache}, {@code result} = {@code hit} | {@code miss}),
 * {@code cache.starter.local.invalidations} (entries dropped on another instance's behalf) and
 * {@code cache.starter.local.size}. They read counters the near caches keep anyway, so a hit records nothing more.
 */
public final class LocalNearCacheMeters {

	/**
	 * Binds the meters of the near caches now and as they are created.
	 * @param caches the near caches
	 * @param registry where the meters go
	 */
	public LocalNearCacheMeters(LocalNearCaches caches, MeterRegistry registry) {
		Assert.notNull(caches, "'caches' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		caches.onCreation((cache) -> bind(cache, registry));
	}

	private static void bind(LocalNearCache cache, MeterRegistry registry) {
		FunctionCounter.builder("cache.starter.local.gets", cache, LocalNearCache::hits)
			.tag("cache", cache.name())
			.tag("result", "hit")
			.description("L1 near cache reads served in process")
			.register(registry);
		FunctionCounter.builder("cache.starter.local.gets", cache, LocalNearCache::misses)
			.tag("cache", cache.name())
			.tag("result", "miss")
			.description("L1 near cache reads that went to Redis")
			.register(registry);
		FunctionCounter.builder("cache.starter.local.invalidations", cache, LocalNearCache::invalidations)
			.tag("cache", cache.name())
			.description("L1 entries dropped on another instance's behalf")
			.register(registry);
		Gauge.builder("cache.starter.local.size", cache, LocalNearCache::size)
			.tag("cache", cache.name())
			.description("L1 entries held")
			.register(registry);
	}

}
