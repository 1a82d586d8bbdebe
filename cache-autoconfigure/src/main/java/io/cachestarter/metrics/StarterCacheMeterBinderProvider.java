package io.cachestarter.metrics;

import io.cachestarter.cache.StarterRedisCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;

/**
 * Lets Spring Boot's {@link CacheMetricsRegistrar} bind the standard cache meters of cache-starter's caches, with
 * the tags it gives every cache ({@code cache}, {@code cache.manager}, {@code name}).
 */
public final class StarterCacheMeterBinderProvider implements CacheMeterBinderProvider<StarterRedisCache> {

	@Override
	public MeterBinder getMeterBinder(StarterRedisCache cache, Iterable<Tag> tags) {
		return new StarterCacheMeterBinder(cache, tags);
	}

}
