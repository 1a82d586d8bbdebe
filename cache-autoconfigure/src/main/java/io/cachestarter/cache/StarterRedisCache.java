package io.cachestarter.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.cachestarter.cache.EntryTagging.TaggedWrite;
import io.cachestarter.cache.LoadTask;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.serialization.UnreadableValueException;
import io.cachestarter.ttl.TtlPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link org.springframework.cache.Cache} on Redis with the production behaviour built in: jittered TTLs,
 * versioned keys, negative caching with its own TTL, safe JSON, single-flight loads, refresh-ahead and serve-stale,
 * tags, and a guard that turns every Redis failure into a miss or a skipped write.
 * <p>
 * Reads are misses when Redis fails or the stored value cannot be read (the key is then removed); writes are
 * synchronous and skipped on failure; removals that fail are replayed when Redis returns.
 */
public class StarterRedisCache extends AbstractValueAdaptingCache {

	private static final RateLimitedLog log = new RateLimitedLog(StarterRedisCache.class, Duration.ofSeconds(30));

	private final CacheSettings settings;

	private final CacheServices services;

	private final CacheKeys keys;

	private final TtlPolicy ttlPolicy;

	private final CacheStatistics statistics = new CacheStatistics();

	private final double refreshAhead;

	/** A miss of a get without loader on this thread: the method runs outside the cache and its put ends the load. */
	private final ThreadLocal<@Nullable PendingLoad> pendingLoad = new ThreadLocal<>();

	public StarterRedisCache(CacheSettings settings, CacheServices services) {
		super(settings.cacheNullValues());
		this.settings = settings;
		this.services = services;
		this.keys = new CacheKeys(services.keyPrefix(), settings.name(), settings.version(), services.keyConversion());
		this.ttlPolicy = new TtlPolicy(settings.ttl(), settings.jitter(), settings.nullTtl(), settings.staleTtl());
		this.refreshAhead = settings.refreshAhead();
	}

	@Override
	public String getName() {
		return this.settings.name();
	}

	@Override
	public Object getNativeCache() {
		return this.services.store();
	}

	/**
	 * Returns the effective settings of this cache.
	 * @return the settings
	 */
	public CacheSettings getSettings() {
		return this.settings;
	}

	/**
	 * Returns this cache's counters in this JVM.
	 * @return the statistics
	 */
	public CacheStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * Returns the key layout of this cache.
	 * @return the keys
	 */
	public CacheKeys getKeys() {
		return this.keys;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		String redisKey = this.keys.redisKey(key);
		CacheEntry entry = read(redisKey);
		// Without a loader a stale entry cannot be reloaded in the background: past its TTL it is a miss.
		if (entry == null || (entry.isExpired(System.currentTimeMillis()) && isStaleWindowOn())) {
			this.statistics.miss(redisKey);
			this.services.tagging().beforeLoad();
			this.pendingLoad.set(new PendingLoad(redisKey, System.nanoTime()));
			return null;
		}
		this.statistics.hit(redisKey);
		return (entry.value() != null) ? entry.value() : NullValue.INSTANCE;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String redisKey = this.keys.redisKey(key);
		CacheEntry entry = read(redisKey);
		if (entry != null) {
			long now = System.currentTimeMillis();
			if (entry.isExpired(now) && isStaleWindowOn()) {
				this.services.metrics().recordStaleServed(getName());
				refresh(new Task(key, redisKey, valueLoader));
			}
			else if (isDueForRefresh(entry, now)) {
				refresh(new Task(key, redisKey, valueLoader));
			}
			this.statistics.hit(redisKey);
			return (T) entry.value();
		}
		this.statistics.miss(redisKey);
		this.services.tagging().beforeLoad();
		try {
			return (T) this.services.loads().load(new Task(key, redisKey, valueLoader));
		}
		catch (ValueRetrievalException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = this.keys.redisKey(key);
		recordPendingLoad(redisKey);
		write(key, redisKey, unwrapNull(value), false);
	}

	/**
	 * A plain {@code @Cacheable} runs the method between its miss and its put on the same thread: that time is the
	 * load ({@code cache.starter.loads}), as the loader's is for {@code sync = true}.
	 */
	private void recordPendingLoad(String redisKey) {
		PendingLoad pending = this.pendingLoad.get();
		if (pending != null) {
			this.pendingLoad.remove();
			if (pending.redisKey().equals(redisKey)) {
				this.services.metrics().recordLoad(getName(), System.nanoTime() - pending.startNanos());
			}
		}
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String redisKey = this.keys.redisKey(key);
		CacheEntry existing = read(redisKey);
		// An entry past its TTL (kept only for its stale window) is absent, as it is for lookup().
		if (existing != null && !(existing.isExpired(System.currentTimeMillis()) && isStaleWindowOn())) {
			return new SimpleValueWrapper(existing.value());
		}
		write(key, redisKey, unwrapNull(value), false);
		return null;
	}

	@Override
	public void evict(Object key) {
		evictIfPresent(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		byte[] redisKey = this.keys.redisKeyBytes(key);
		boolean[] removed = new boolean[1];
		long start = System.nanoTime();
		this.services.guard()
			.remove(getName(), RedisOperation.EVICT, () -> removed[0] = this.services.store().delete(List.of(redisKey)) > 0);
		this.services.metrics().recordLatency(getName(), "evict", System.nanoTime() - start);
		this.statistics.eviction();
		return removed[0];
	}

	@Override
	public void clear() {
		invalidate();
	}

	@Override
	public boolean invalidate() {
		// Every version of this cache: old versions are unreachable anyway, and clearing frees them.
		String pattern = CacheKeys.allVersionsPattern(this.services.keyPrefix(), getName());
		long[] removed = new long[1];
		this.services.guard()
			.remove(getName(), RedisOperation.CLEAR, () -> removed[0] = this.services.store().deleteMatching(pattern));
		return removed[0] > 0;
	}

	/**
	 * Writes a value unconditionally (write-through without a version). Unlike {@link #put}, a write that fails
	 * removes the key (or replays its removal when Redis is back), so that an older value is not served.
	 * @param key the cache key
	 * @param value the value
	 */
	public void putOrRemove(Object key, @Nullable Object value) {
		write(key, this.keys.redisKey(key), unwrapNull(value), true);
	}

	/**
	 * Writes a value only if the cached entry is not of a higher version (write-through). If the write fails, the
	 * key is removed (or its removal replayed when Redis is back), so that an older value is not served.
	 * @param key the cache key
	 * @param value the value
	 * @param version its version
	 * @return {@code true} if this value is now cached, {@code false} if a newer one was kept or Redis failed
	 */
	public boolean putIfNewer(Object key, @Nullable Object value, long version) {
		String redisKey = this.keys.redisKey(key);
		Encoded encoded = encode(redisKey, unwrapNull(value), version);
		if (encoded == null) {
			return false;
		}
		return writeEncoded(redisKey, unwrapNull(value), encoded, RedisOperation.WRITE_THROUGH,
				(keyBytes) -> this.services.store().setIfNewer(keyBytes, encoded.bytes(), version,
						encoded.redisTtlMillis()),
				true);
	}

	private void write(Object key, String redisKey, @Nullable Object value, boolean removeOnFailure) {
		if (value == null && !isAllowNullValues()) {
			// Nothing to cache, but whatever was cached under the key is now wrong.
			evict(key);
			return;
		}
		Encoded encoded = encode(redisKey, value, CacheEntry.NO_VERSION);
		if (encoded == null) {
			return;
		}
		writeEncoded(redisKey, value, encoded, RedisOperation.PUT, (keyBytes) -> {
			this.services.store().set(keyBytes, encoded.bytes(), encoded.redisTtlMillis());
			return true;
		}, removeOnFailure);
	}

	/**
	 * The one write path of every kind of put: tags around the Redis command, the guard, latency and statistics.
	 * @param command the Redis write; {@code true} if written, {@code false} if Redis kept a newer entry
	 * @param removeOnFailure whether a failed write must remove the key (or replay its removal)
	 * @return {@code true} if the value is now cached
	 */
	private boolean writeEncoded(String redisKey, @Nullable Object value, Encoded encoded, RedisOperation operation,
			Function<byte[], Boolean> command, boolean removeOnFailure) {
		TaggedWrite tags = this.services.tagging().prepare(getName(), redisKey, value, encoded.redisTtlMillis());
		if (tags != null && !tags.beforeWrite()) {
			return false;
		}
		byte[] keyBytes = bytes(redisKey);
		long start = System.nanoTime();
		Boolean written = this.services.guard().call(getName(), operation, () -> command.apply(keyBytes), () -> null);
		this.services.metrics().recordLatency(getName(), "put", System.nanoTime() - start);
		if (written == null) {
			if (removeOnFailure) {
				removeAfterFailedWrite(keyBytes);
			}
			return false;
		}
		if (written) {
			this.statistics.put();
			if (tags != null) {
				tags.afterWrite();
			}
		}
		return written;
	}

	private @Nullable Encoded encode(String redisKey, @Nullable Object value, long version) {
		long logicalTtl = (value != null) ? this.ttlPolicy.nextValueTtlMillis() : this.ttlPolicy.nullTtlMillis();
		long redisTtl = (value != null) ? this.ttlPolicy.redisTtlMillis(logicalTtl) : logicalTtl;
		byte[] bytes;
		try {
			bytes = this.services.codec()
				.encode(new CacheEntry(value, System.currentTimeMillis(), logicalTtl, version),
						this.settings.compression());
		}
		catch (IllegalArgumentException ex) {
			this.services.metrics().recordError(getName(), "serialization");
			log.warn("serialization:" + getName(), () -> "Cannot cache a value in cache '" + getName() + "'", ex);
			removeAfterFailedWrite(bytes(redisKey));
			return null;
		}
		// The bytes Redis would store, compressed where the cache compresses: max-value-size applies to them.
		if (bytes.length > this.services.maxValueBytes()) {
			this.services.metrics().recordError(getName(), "oversize");
			log.warn("oversize:" + getName(), () -> "Not caching a value of " + bytes.length + " bytes in cache '"
					+ getName() + "' (max-value-size is " + this.services.maxValueBytes() + " bytes)", null);
			removeAfterFailedWrite(bytes(redisKey));
			return null;
		}
		return new Encoded(bytes, redisTtl);
	}

	/** A value that could not be written must not leave an older one behind. */
	private void removeAfterFailedWrite(byte[] redisKey) {
		this.services.guard()
			.remove(getName(), RedisOperation.EVICT, () -> this.services.store().delete(List.of(redisKey)));
	}

	/**
	 * Reads an entry; {@code null} on a miss, on any Redis failure, and for unreadable bytes (which are removed).
	 */
	@Nullable CacheEntry read(String redisKey) {
		byte[] keyBytes = bytes(redisKey);
		long start = System.nanoTime();
		byte[] stored = this.services.guard()
			.call(getName(), RedisOperation.GET, () -> this.services.store().get(keyBytes), () -> null);
		this.services.metrics().recordLatency(getName(), "get", System.nanoTime() - start);
		if (stored == null) {
			return null;
		}
		try {
			return this.services.codec().decode(stored);
		}
		catch (UnreadableValueException ex) {
			this.services.metrics().recordError(getName(), "deserialization");
			log.warn("deserialization:" + getName(),
					() -> "Unreadable value in cache '" + getName() + "' treated as a miss and removed", ex);
			this.services.guard()
				.run(getName(), RedisOperation.EVICT, () -> this.services.store().delete(List.of(keyBytes)));
			return null;
		}
	}

	private boolean isStaleWindowOn() {
		return !this.settings.staleTtl().isZero();
	}

	private boolean isDueForRefresh(CacheEntry entry, long now) {
		return this.refreshAhead > 0 && !entry.isExpired(now)
				&& entry.ageMillis(now) >= this.refreshAhead * entry.ttlMillis();
	}

	private void refresh(Task task) {
		// The reload runs on another thread: it takes the caller's tag context with it. The coordinator counts the
		// reloads it actually runs (cache.starter.refreshes), not every hit that asks for one.
		this.services.loads().refresh(task.propagated(this.services.tagging().propagate(task::loadAndStore)));
	}

	private static @Nullable Object unwrapNull(@Nullable Object value) {
		return (value instanceof NullValue) ? null : value;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	private record Encoded(byte[] bytes, long redisTtlMillis) {
	}

	private record PendingLoad(String redisKey, long startNanos) {
	}

	/** One load of one key through this cache. */
	private final class Task implements LoadTask {

		private final Object key;

		private final String redisKey;

		private final Callable<?> loader;

		private final @Nullable Callable<@Nullable Object> body;

		Task(Object key, String redisKey, Callable<?> loader) {
			this(key, redisKey, loader, null);
		}

		private Task(Object key, String redisKey, Callable<?> loader, @Nullable Callable<@Nullable Object> body) {
			this.key = key;
			this.redisKey = redisKey;
			this.loader = loader;
			this.body = body;
		}

		Task propagated(Callable<@Nullable Object> body) {
			return new Task(this.key, this.redisKey, this.loader, body);
		}

		@Override
		public String cacheName() {
			return getName();
		}

		@Override
		public String redisKey() {
			return this.redisKey;
		}

		@Override
		public @Nullable CacheEntry lookup() {
			return read(this.redisKey);
		}

		@Override
		public @Nullable Object loadAndStore() throws Exception {
			return (this.body != null) ? this.body.call() : loadAndWrite();
		}

		@Override
		public boolean isSatisfiedBy(CacheEntry current) {
			long now = System.currentTimeMillis();
			if (this.body != null) {
				// A background reload (only those are propagated): satisfied once another caller has reloaded it.
				return !current.isExpired(now) && !isDueForRefresh(current, now);
			}
			// What get(key, loader) would serve as a hit.
			return !(current.isExpired(now) && isStaleWindowOn());
		}

		private @Nullable Object loadAndWrite() throws Exception {
			long start = System.nanoTime();
			Object value = this.loader.call();
			StarterRedisCache.this.services.metrics().recordLoad(getName(), System.nanoTime() - start);
			write(this.key, this.redisKey, unwrapNull(value), false);
			return value;
		}

	}

}
