package io.cachestarter.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.util.Assert;

/**
 * The cache manager of cache-starter: a Spring Data {@link RedisCacheManager} whose caches are
 * {@link StarterRedisCache}s, one per cache name, with the settings the properties give it (declared caches exist
 * from start-up; any other name gets the defaults on first use). Code written for Spring Boot's Redis cache, which
 * injects a {@code RedisCacheManager} or reads {@link #getCacheConfigurations()}, keeps working: each cache's
 * {@link RedisCache#getCacheConfiguration() configuration} reports its effective TTL (the upper bound of its
 * jittered TTLs), whether it caches nulls, its key prefix and its key conversion.
 * <p>
 * It is transaction-aware: inside a transaction, {@code put}, {@code evict} and {@code clear} (and so
 * {@code @CachePut} and {@code @CacheEvict}) take effect after commit, and not at all on rollback. A put deferred to
 * after commit keeps the tags of the call that made it. At shutdown it waits for the writes its caches sent
 * without waiting.
 */
public class StarterCacheManager extends RedisCacheManager implements DisposableBean {

	private static final Log logger = LogFactory.getLog(StarterCacheManager.class);

	static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

	private final CacheSettingsSource settings;

	private final CacheServices services;

	private final Map<String, StarterRedisCache> starterCaches;

	private final StarterCacheWriter cacheWriter;

	private final PendingWrites pendingWrites = new PendingWrites();

	private final List<Consumer<StarterRedisCache>> creationListeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates a cache manager.
	 * @param connectionFactory the connection factory, for the raw writer Spring Data code reaches
	 * @param settings the effective settings of every cache name
	 * @param services what the caches share
	 */
	public StarterCacheManager(RedisConnectionFactory connectionFactory, CacheSettingsSource settings,
			CacheServices services) {
		this(new ConcurrentHashMap<>(), connectionFactory, settings, services);
	}

	private StarterCacheManager(Map<String, StarterRedisCache> caches, RedisConnectionFactory connectionFactory,
			CacheSettingsSource settings, CacheServices services) {
		this(caches, new StarterCacheWriter(connectionFactory, (name) -> {
			StarterRedisCache cache = caches.get(name);
			return (cache != null) ? cache.getCounters() : null;
		}), settings, services);
	}

	private StarterCacheManager(Map<String, StarterRedisCache> caches, StarterCacheWriter cacheWriter,
			CacheSettingsSource settings, CacheServices services) {
		super(cacheWriter, configurationFor(settings.defaults(), settings.keyConversionOf("defaults"), services), true,
				initialConfigurations(settings, services));
		Assert.notNull(services, "'services' must not be null");
		this.settings = settings;
		this.services = services;
		this.starterCaches = caches;
		this.cacheWriter = cacheWriter;
		setTransactionAware(true);
	}

	private static Map<String, RedisCacheConfiguration> initialConfigurations(CacheSettingsSource settings,
			CacheServices services) {
		Map<String, RedisCacheConfiguration> configurations = new LinkedHashMap<>();
		for (String name : settings.declaredCacheNames()) {
			configurations.put(name,
					configurationFor(settings.settingsOf(name), settings.keyConversionOf(name), services));
		}
		return configurations;
	}

	/** The Spring Data view of a cache's effective settings. */
	private static RedisCacheConfiguration configurationFor(CacheSettings cacheSettings,
			org.springframework.core.convert.ConversionService keyConversion, CacheServices services) {
		String versionSuffix = ":v" + cacheSettings.version() + "::";
		RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
			.entryTtl(cacheSettings.ttl())
			.computePrefixWith((cacheName) -> services.keyPrefix() + cacheName + versionSuffix)
			.serializeValuesWith(SerializationPair
				.fromSerializer(new EntryRedisSerializer(services.codec(), cacheSettings.ttl(),
						cacheSettings.compression())))
			.withConversionService(keyConversion);
		return cacheSettings.cacheNullValues() ? configuration : configuration.disableCachingNullValues();
	}

	@Override
	protected RedisCache createRedisCache(String name, @Nullable RedisCacheConfiguration cacheConfiguration) {
		StarterRedisCache existing = this.starterCaches.get(name);
		if (existing != null) {
			return existing;
		}
		StarterRedisCache[] created = new StarterRedisCache[1];
		StarterRedisCache cache = this.starterCaches.computeIfAbsent(name, (cacheName) -> {
			CacheSettings cacheSettings = this.settings.settingsOf(cacheName);
			created[0] = new StarterRedisCache(cacheSettings,
					configurationFor(cacheSettings, this.settings.keyConversionOf(cacheName), this.services),
					this.cacheWriter, this.services, this.pendingWrites);
			return created[0];
		});
		if (created[0] != null) {
			this.creationListeners.forEach((listener) -> listener.accept(cache));
		}
		return cache;
	}

	@Override
	protected Collection<RedisCache> loadCaches() {
		super.loadCaches();
		// Also those created before initialization, for example by a customizer.
		return List.copyOf(this.starterCaches.values());
	}

	@Override
	protected RedisCache getMissingCache(String name) {
		return createRedisCache(name, null);
	}

	@Override
	protected Cache decorateCache(Cache cache) {
		return isTransactionAware() ? new TagAwareTransactionalCache(cache, this.services.tagging()) : cache;
	}

	/**
	 * Returns the Spring Data configuration of every cache created so far, describing its effective settings.
	 * @return the configurations, by cache name
	 */
	@Override
	public Map<String, RedisCacheConfiguration> getCacheConfigurations() {
		Map<String, RedisCacheConfiguration> configurations = new LinkedHashMap<>();
		for (String name : getCacheNames()) {
			StarterRedisCache cache = this.starterCaches.get(name);
			if (cache != null) {
				configurations.put(name, cache.getCacheConfiguration());
			}
		}
		return Map.copyOf(configurations);
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

	/** Waits for the writes that were sent without waiting, so that a graceful shutdown loses none. */
	@Override
	public void destroy() throws InterruptedException {
		if (!this.pendingWrites.awaitNone(SHUTDOWN_WAIT)) {
			logger.warn(this.pendingWrites.count() + " cache writes were still pending after " + SHUTDOWN_WAIT
					+ " at shutdown");
		}
	}

}
