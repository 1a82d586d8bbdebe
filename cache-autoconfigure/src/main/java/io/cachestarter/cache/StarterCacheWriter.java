package io.cachestarter.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.BatchStrategies;
import org.springframework.data.redis.cache.CacheStatistics;
import org.springframework.data.redis.cache.CacheStatisticsCollector;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The {@link RedisCacheWriter} that the starter's caches expose as their native cache, for code written against
 * Spring Data Redis: raw byte operations go to Spring Data's own non-locking writer (clearing by {@code SCAN},
 * never {@code KEYS}); statistics are the starter's counters, always on.
 * <p>
 * The starter's caches do not write through it: they have their own pipeline (envelope, TTL with jitter, guard,
 * tags). Bytes written here bypass all of that.
 */
final class StarterCacheWriter implements RedisCacheWriter {

	private static final int CLEAR_BATCH = 500;

	private final RedisCacheWriter raw;

	private final Function<String, @Nullable CacheCounters> counters;

	private final Map<String, CountersStatistics> statistics = new ConcurrentHashMap<>();

	/**
	 * Creates the writer.
	 * @param connectionFactory where raw operations go
	 * @param counters the counters of a cache by name, {@code null} for a cache the manager does not have
	 */
	StarterCacheWriter(RedisConnectionFactory connectionFactory, Function<String, @Nullable CacheCounters> counters) {
		this.raw = RedisCacheWriter.nonLockingRedisCacheWriter(connectionFactory, BatchStrategies.scan(CLEAR_BATCH));
		this.counters = counters;
	}

	@Override
	public CacheStatistics getCacheStatistics(String cacheName) {
		return this.statistics.computeIfAbsent(cacheName, (name) -> {
			CacheCounters cacheCounters = this.counters.apply(name);
			return new CountersStatistics(name, (cacheCounters != null) ? cacheCounters : new CacheCounters());
		});
	}

	@Override
	public void clearStatistics(String name) {
		((CountersStatistics) getCacheStatistics(name)).reset();
	}

	/** Statistics are always collected: another collector would count only the raw operations made here. */
	@Override
	public RedisCacheWriter withStatisticsCollector(CacheStatisticsCollector cacheStatisticsCollector) {
		return this;
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key) {
		return this.raw.get(name, key);
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key, @Nullable Duration ttl) {
		return this.raw.get(name, key, ttl);
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key, Supplier<byte[]> valueLoader, @Nullable Duration ttl,
			boolean timeToIdleEnabled) {
		return this.raw.get(name, key, valueLoader, ttl, timeToIdleEnabled);
	}

	@Override
	public boolean supportsAsyncRetrieve() {
		return this.raw.supportsAsyncRetrieve();
	}

	@Override
	public CompletableFuture<byte[]> retrieve(String name, byte[] key, @Nullable Duration ttl) {
		return this.raw.retrieve(name, key, ttl);
	}

	@Override
	public void put(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		this.raw.put(name, key, value, ttl);
	}

	@Override
	public CompletableFuture<Void> store(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		return this.raw.store(name, key, value, ttl);
	}

	@Override
	public byte @Nullable [] putIfAbsent(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		return this.raw.putIfAbsent(name, key, value, ttl);
	}

	@Override
	public void remove(String name, byte[] key) {
		this.raw.remove(name, key);
	}

	@Override
	public void evict(String name, byte[] key) {
		this.raw.evict(name, key);
	}

	@Override
	public boolean evictIfPresent(String name, byte[] key) {
		return this.raw.evictIfPresent(name, key);
	}

	@Override
	public void clean(String name, byte[] pattern) {
		this.raw.clean(name, pattern);
	}

	@Override
	public void clear(String name, byte[] pattern) {
		this.raw.clear(name, pattern);
	}

	@Override
	public boolean invalidate(String name, byte[] pattern) {
		return this.raw.invalidate(name, pattern);
	}

	@Override
	public <T> T execute(Function<RedisConnection, T> callback) {
		return this.raw.execute(callback);
	}

}
