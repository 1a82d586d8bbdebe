package io.cachestarter.autoconfigure;

import java.util.Collection;
import java.util.List;

import io.cachestarter.cache.CacheKeys;
import io.cachestarter.cache.CacheServices;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.CacheClearer;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Clears caches of the {@link StarterCacheManager} straight through its store (SCAN and UNLINK, every version of
 * the cache), bypassing the guard that calls it. The cache manager is looked up on first use, since the guard is
 * one of its own dependencies.
 */
final class CacheManagerClearer implements CacheClearer {

	private final ObjectProvider<StarterCacheManager> cacheManager;

	CacheManagerClearer(ObjectProvider<StarterCacheManager> cacheManager) {
		this.cacheManager = cacheManager;
	}

	@Override
	public void clear(String cacheName) {
		StarterCacheManager manager = this.cacheManager.getIfAvailable();
		if (manager == null) {
			return;
		}
		CacheServices services = manager.getServices();
		Collection<String> names = RedisGuard.ALL_CACHES.equals(cacheName) ? manager.getCacheNames() : List.of(cacheName);
		for (String name : names) {
			services.store().deleteMatching(CacheKeys.allVersionsPattern(services.keyPrefix(), name));
		}
	}

}
