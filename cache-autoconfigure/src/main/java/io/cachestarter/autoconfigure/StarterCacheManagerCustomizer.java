package io.cachestarter.autoconfigure;

import io.cachestarter.cache.StarterCacheManager;

/**
 * Callback to customize the {@link StarterCacheManager} before it is used, in the style of Spring Boot's
 * {@code RedisCacheManagerBuilderCustomizer}: define beans of this type, ordered if several.
 */
@FunctionalInterface
public interface StarterCacheManagerCustomizer {

	/**
	 * Customizes the cache manager.
	 * @param cacheManager the cache manager
	 */
	void customize(StarterCacheManager cacheManager);

}
