package io.cachestarter.cache;

import java.util.Collection;

import org.springframework.core.convert.ConversionService;

/**
 * Where the cache manager finds each cache's settings, as configuration resolved and validated them.
 */
public interface CacheSettingsSource {

	/**
	 * Returns the caches that exist from start-up.
	 * @return their names
	 */
	Collection<String> declaredCacheNames();

	/**
	 * Returns the effective settings of a cache; a cache that was not declared gets the defaults.
	 * @param cacheName the cache name
	 * @return its settings
	 */
	CacheSettings settingsOf(String cacheName);

	/**
	 * Returns the settings every undeclared cache gets.
	 * @return the defaults, under the name {@code "defaults"}
	 */
	CacheSettings defaults();

	/**
	 * Returns what turns a cache's keys into text: the conversion service of its Spring Data
	 * {@code RedisCacheConfiguration}, with the application's key converters.
	 * @param cacheName the cache name
	 * @return the conversion service
	 */
	ConversionService keyConversionOf(String cacheName);

}
