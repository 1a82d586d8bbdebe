package io.cachestarter.metrics;

import java.util.List;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Keeps every cache of a {@link StarterCacheManager} bound to Spring Boot's standard cache meters: the caches that
 * exist when it is created and every cache created later on first use (which Spring Boot, binding at start-up only,
 * would miss). Binds through a {@link CacheMetricsRegistrar} with the tag Spring Boot adds, {@code cache.manager},
 * so that all caches share one set of tag keys, and skips a cache Spring Boot has bound already.
 */
public final class StarterCacheMetricsBinding {

	private static final String CACHE_MANAGER_SUFFIX = "cacheManager";

	private final MeterRegistry registry;

	private final CacheMetricsRegistrar registrar;

	private final Tag cacheManagerTag;

	/**
	 * Binds the meters of the current caches and of every cache created from now on.
	 * @param cacheManager the cache manager
	 * @param cacheManagerBeanName its bean name (the {@code cache.manager} tag, as Spring Boot derives it)
	 * @param registry the registry the registrar binds to
	 * @param registrar binds a cache's meters
	 */
	public StarterCacheMetricsBinding(StarterCacheManager cacheManager, String cacheManagerBeanName,
			MeterRegistry registry, CacheMetricsRegistrar registrar) {
		Assert.notNull(cacheManager, "'cacheManager' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(registrar, "'registrar' must not be null");
		this.registry = registry;
		this.registrar = registrar;
		this.cacheManagerTag = Tag.of("cache.manager", cacheManagerTagValue(cacheManagerBeanName));
		cacheManager.addCacheCreationListener(this::bind);
		cacheManager.getStarterCaches().values().forEach(this::bind);
	}

	private void bind(StarterRedisCache cache) {
		boolean bound = this.registry.find("cache.puts")
			.tag("cache", cache.getName())
			.tags(List.of(this.cacheManagerTag))
			.functionCounter() != null;
		if (!bound) {
			this.registrar.bindCacheToRegistry(cache, this.cacheManagerTag);
		}
	}

	/** What Spring Boot's cache metrics configuration calls a cache manager: its bean name without the suffix. */
	static String cacheManagerTagValue(String beanName) {
		if (beanName.length() > CACHE_MANAGER_SUFFIX.length()
				&& StringUtils.endsWithIgnoreCase(beanName, CACHE_MANAGER_SUFFIX)) {
			return beanName.substring(0, beanName.length() - CACHE_MANAGER_SUFFIX.length());
		}
		return beanName;
	}

}
