package io.cachestarter.metrics;

import io.cachestarter.cache.StarterRedisCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.core.Ordered;

/**
 * Lets Spring Boot's {@link CacheMetricsRegistrar} bind the standard cache meters of cache-starter's caches, with
 * the tags it gives every cache ({@code cache}, {@code cache.manager}, {@code name}).
 * <p>
 * The caches are Spring Data {@code RedisCache}s too, which Spring Boot's own Redis binder also accepts; this one is
 * ordered first, since the registrar uses the first binder that accepts a cache, and only this one publishes
 * {@code cache.evictions}.
 */
public final class StarterCacheMeterBinderProvider implements CacheMeterBinderProvider<StarterRedisCache>, Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public MeterBinder getMeterBinder(StarterRedisCache cache, Iterable<Tag> tags) {
		return new StarterCacheMeterBinder(cache, tags);
	}

}
