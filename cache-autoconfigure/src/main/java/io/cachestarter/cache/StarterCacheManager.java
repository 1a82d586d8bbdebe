package io.cachestarter.cache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.transaction.AbstractTransactionSupportingCacheManager;
import org.springframework.util.Assert;

/**
 * The cache manager of cache-starter: one {@link StarterRedisCache} per cache name, with the settings the
 * properties give it (declared caches exist from start-up; any other name gets the defaults on first use).
 * <p>
 * It is transaction-aware: inside a transaction, {@code put}, {@code evict} and {@code clear} (and so
 * {@code @CachePut} and {@code @CacheEvict}) take effect after commit, and not at all on rollback. A put deferred to
 * after commit keeps the tags of the call that made it.
 */
public class StarterCacheManager extends AbstractTransactionSupportingCacheManager {

	private final Collection<String> declaredCacheNames;

	private final Function<String, CacheSettings> settings;

	private final CacheServices services;

	private final Map<String, StarterRedisCache> starterCaches = new ConcurrentHashMap<>();

	private final List<Consumer<StarterRedisCache>> creationListeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates a cache manager.
	 * @param declaredCacheNames the caches that exist from start-up
	 * @param settings the effective settings of any cache name
	 * @param services what the caches share
	 */
	public StarterCacheManager(Collection<String> declaredCacheNames, Function<String, CacheSettings> settings,
			CacheServices services) {
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(services, "'services' must not be null");
		this.declaredCacheNames = List.copyOf(declaredCacheNames);
		this.settings = settings;
		this.services = services;
		setTransactionAware(true);
	}

	@Override
	protected Collection<? extends Cache> loadCaches() {
		this.declaredCacheNames.forEach(this::createCache);
		// Also those created before initialization, for example by a customizer.
		return List.copyOf(this.starterCaches.values());
	}

	@Override
	protected @Nullable Cache getMissingCache(String name) {
		return createCache(name);
	}

	@Override
	protected Cache decorateCache(Cache cache) {
		return isTransactionAware() ? new TagAwareTransactionalCache(cache, this.services.tagging()) : cache;
	}

	private StarterRedisCache createCache(String name) {
		StarterRedisCache existing = this.starterCaches.get(name);
		if (existing != null) {
			return existing;
		}
		StarterRedisCache[] created = new StarterRedisCache[1];
		StarterRedisCache cache = this.starterCaches.computeIfAbsent(name,
				(cacheName) -> created[0] = new StarterRedisCache(this.settings.apply(cacheName), this.services));
		if (created[0] != null) {
			this.creationListeners.forEach((listener) -> listener.accept(cache));
		}
		return cache;
	}

	/**
	 * Registers a callback for every cache created from now on (declared caches at start-up, others on first use),
	 * for example to bind its meters. Caches that already exist are not passed: see {@link #getStarterCaches()}.
	 * The callback runs on the thread that creates the cache and must be quick and must not throw.
	 * @param listener the callback
	 */
	public void addCacheCreationListener(Consumer<StarterRedisCache> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.creationListeners.add(listener);
	}

	/**
	 * Returns a cache without the transaction-aware decoration, creating it if needed: for capabilities that need
	 * its extra operations (for example versioned writes).
	 * @param name the cache name
	 * @return the cache
	 */
	public StarterRedisCache getStarterCache(String name) {
		getCache(name); // registers it with the manager as well
		return this.starterCaches.get(name);
	}

	/**
	 * Returns every cache created so far.
	 * @return the caches, by name
	 */
	public Map<String, StarterRedisCache> getStarterCaches() {
		return Map.copyOf(this.starterCaches);
	}

	/**
	 * Returns what the caches share.
	 * @return the services
	 */
	public CacheServices getServices() {
		return this.services;
	}

}
