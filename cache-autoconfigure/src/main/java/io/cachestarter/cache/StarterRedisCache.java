package io.cachestarter.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

import io.cachestarter.cache.AsyncMisses.Miss;
import io.cachestarter.cache.EntryTagging.Captured;
import io.cachestarter.cache.EntryTagging.TaggedWrite;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.NonBlockingThreads;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.ttl.TtlPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheWriter;

/**
 * A Spring Data {@link RedisCache} with the production behaviour built in: jittered TTLs, versioned keys, negative
 * caching with its own TTL, safe JSON, single-flight loads, refresh-ahead and serve-stale, tags, and a guard that
 * turns every Redis failure into a miss or a skipped write.
 * <p>
 * It has two faces over the same steps. The synchronous one ({@code get}, {@code put}, ...) serves methods that
 * return values; the asynchronous one ({@code retrieve}) serves methods that return a {@code CompletableFuture},
 * {@code Mono} or {@code Flux}, never blocks the calling thread and never runs on Lettuce's event loop. A read is:
 * the key, the near cache, Redis, decode, then the loader on a miss. A write is: encode, Redis, then tags and the
 * near cache. Reads are misses when Redis fails or the stored value cannot be read; writes have reached Redis (or
 * failed into the fallback) when they return, except a put made on a thread that must not block, which is sent
 * without waiting and awaited at shutdown; removals that fail are replayed when Redis returns.
 * <p>
 * Where it deliberately differs from Spring Data's cache: a key without a text form is rejected with a clear
 * message; a {@code null} put into a cache that does not cache nulls removes the entry instead of throwing; values
 * are JSON in the starter's envelope whatever serializer the configuration names.
 */
public class StarterRedisCache extends RedisCache {

	private static final RateLimitedLog log = new RateLimitedLog(StarterRedisCache.class, Duration.ofSeconds(30));

	private static final CacheEntry UNREACHABLE = RedisEntries.UNREACHABLE;

	/** The load token of a write that does not end a load (an explicit put, a write-through). */
	private static final long NOT_A_LOAD = Long.MIN_VALUE;

	private final CacheSettings settings;

	private final CacheServices services;

	private final CacheKeys keys;

	private final TtlPolicy ttlPolicy;

	private final CacheCounters counters = new CacheCounters();

	private final RedisEntries redis;

	private final NearCache near;

	private final PendingWrites pendingWrites;

	private final AsyncMisses asyncMisses = new AsyncMisses();

	/** A miss of a get without loader on this thread: the method runs outside the cache and its put ends the load. */
	private final ThreadLocal<@Nullable PendingLoad> pendingLoad = new ThreadLocal<>();

	/**
	 * Creates a cache.
	 * @param settings its effective settings
	 * @param configuration the Spring Data configuration that describes them
	 * @param cacheWriter the writer Spring Data code reaches through {@link #getNativeCache()}
	 * @param services what the caches of a manager share
	 * @param pendingWrites where writes sent without waiting are counted
	 */
	StarterRedisCache(CacheSettings settings, RedisCacheConfiguration configuration, RedisCacheWriter cacheWriter,
			CacheServices services, PendingWrites pendingWrites) {
		super(settings.name(), cacheWriter, configuration);
		this.settings = settings;
		this.services = services;
		this.keys = new CacheKeys(services.keyPrefix(), settings.name(), settings.version(),
				configuration.getConversionService());
		this.ttlPolicy = new TtlPolicy(settings.ttl(), settings.jitter(), settings.nullTtl(), settings.staleTtl());
		this.redis = new RedisEntries(settings.name(), services);
		this.near = services.nearCaches().create(settings);
		this.pendingWrites = pendingWrites;
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
	 * @return the counters
	 */
	public CacheCounters getCounters() {
		return this.counters;
	}

	/**
	 * Returns this cache's tier in front of Redis ({@link NearCache#NONE} without one).
	 * @return the near cache
	 */
	public NearCache getNearCache() {
		return this.near;
	}

	/**
	 * Returns the key layout of this cache.
	 * @return the keys
	 */
	public CacheKeys getKeys() {
		return this.keys;
	}

	@Override
	protected String createCacheKey(Object key) {
		return this.keys.redisKey(key);
	}

	// ---- Reads: the key, the near cache, Redis, decode; then the loader on a miss.

	@Override
	protected @Nullable Object lookup(Object key) {
		String redisKey = this.keys.redisKey(key);
		long token = this.near.beforeRead(redisKey);
		CacheEntry entry = readEntry(redisKey, token);
		// Without a loader a stale entry cannot be reloaded in the background: past its TTL it is a miss.
		if (entry == null || entry == UNREACHABLE || isStale(entry)) {
			this.counters.miss(redisKey);
			this.services.tagging().beforeLoad();
			this.pendingLoad.set(new PendingLoad(redisKey, System.nanoTime(), token));
			return null;
		}
		this.counters.hit(redisKey);
		return (entry.value() != null) ? entry.value() : NullValue.INSTANCE;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String redisKey = this.keys.redisKey(key);
		long token = this.near.beforeRead(redisKey);
		CacheEntry entry = readEntry(redisKey, token);
		if (entry != null && entry != UNREACHABLE) {
			if (needsReload(entry)) {
				refresh(new Task(key, redisKey, valueLoader, token));
			}
			this.counters.hit(redisKey);
			return (T) entry.value();
		}
		this.counters.miss(redisKey);
		try {
			if (entry == UNREACHABLE) {
				// Redis just failed: the method serves this call, and no write waits for Redis a second time.
				return valueLoader.call();
			}
			this.services.tagging().beforeLoad();
			return (T) this.services.loads().load(new Task(key, redisKey, valueLoader, token));
		}
		catch (ValueRetrievalException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public CompletableFuture<ValueWrapper> retrieve(Object key) {
		String redisKey = this.keys.redisKey(key);
		Captured tags = this.services.tagging().capture();
		long token = this.near.beforeRead(redisKey);
		CompletableFuture<ValueWrapper> result = new CompletableFuture<>();
		readEntryAsync(redisKey, token).whenComplete((entry, ex) -> {
			if (ex != null) {
				result.completeExceptionally(ex);
			}
			else if (entry == null || entry == UNREACHABLE || isStale(entry)) {
				// Spring runs the method from the thread that completes a miss, and the tags' mark blocks: never
				// on an event loop.
				completeOffNettyThreads(result, () -> {
					this.counters.miss(redisKey);
					this.asyncMisses.begin(redisKey, tags, entry == UNREACHABLE, token);
					if (entry != UNREACHABLE) {
						inContext(tags, () -> this.services.tagging().beforeLoad());
					}
					return null;
				});
			}
			else {
				this.counters.hit(redisKey);
				result.complete(new SimpleValueWrapper(entry.value()));
			}
		});
		return result;
	}

	/** Runs a step that may run the cached method, or block, on the async executor if this thread is unfit. */
	private <T> CompletableFuture<T> offNonBlockingThread(Supplier<T> step) {
		CompletableFuture<T> result = new CompletableFuture<>();
		completeOffNettyThreads(result, step);
		return result;
	}

	/**
	 * Completes a future with a step's value, on the async executor if this thread is unfit for cached methods:
	 * completed there, whatever is chained onto it runs there too (a composed future could complete on this thread).
	 */
	private <T> void completeOffNettyThreads(CompletableFuture<T> result, Supplier<T> step) {
		Runnable completion = () -> {
			try {
				result.complete(step.get());
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		};
		if (NonBlockingThreads.isUnfitForMethods()) {
			this.services.asyncExecutor().execute(completion);
		}
		else {
			completion.run();
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		String redisKey = this.keys.redisKey(key);
		Captured tags = this.services.tagging().capture();
		long token = this.near.beforeRead(redisKey);
		return readEntryAsync(redisKey, token).thenCompose((entry) -> {
			if (entry != null && entry != UNREACHABLE) {
				if (needsReload(entry)) {
					refresh(new AsyncTask(key, redisKey, valueLoader, tags, token));
				}
				this.counters.hit(redisKey);
				return CompletableFuture.completedFuture((T) entry.value());
			}
			// A miss completes off the event loop already (see RedisEntries#readAsync): the loader may run here.
			this.counters.miss(redisKey);
			AsyncTask task = new AsyncTask(key, redisKey, valueLoader, tags, token);
			if (entry == UNREACHABLE) {
				return (CompletableFuture<T>) task.loadWithoutWriting();
			}
			return this.services.loads().loadAsync(task).thenApply((value) -> (T) value);
		});
	}

	/**
	 * The one read of the synchronous face: a write of this instance still in flight, the near cache, Redis.
	 * @param token what the near cache's {@link NearCache#beforeRead} returned before this read began
	 */
	@Nullable CacheEntry readEntry(String redisKey, long token) {
		CacheEntry entry = this.pendingWrites.entry(redisKey);
		if (entry == null) {
			entry = this.near.get(redisKey);
		}
		if (entry != null) {
			return entry;
		}
		entry = this.redis.read(redisKey);
		if (entry != null && entry != UNREACHABLE) {
			this.near.afterRead(redisKey, token, entry);
		}
		return entry;
	}

	/**
	 * The one read of the asynchronous face: a write of this instance still in flight, the near cache, Redis.
	 * @param token what the near cache's {@link NearCache#beforeRead} returned before this read began
	 */
	CompletableFuture<@Nullable CacheEntry> readEntryAsync(String redisKey, long token) {
		CacheEntry cached = this.pendingWrites.entry(redisKey);
		if (cached == null) {
			cached = this.near.get(redisKey);
		}
		if (cached != null) {
			return CompletableFuture.completedFuture(cached);
		}
		return this.redis.readAsync(redisKey).thenApply((entry) -> {
			if (entry != null && entry != UNREACHABLE) {
				this.near.afterRead(redisKey, token, entry);
			}
			return entry;
		});
	}

	/** Whether a hit with a loader starts a background reload: of a stale entry, or of one due for refresh-ahead. */
	private boolean needsReload(CacheEntry entry) {
		long now = System.currentTimeMillis();
		if (isStale(entry, now)) {
			this.services.metrics().recordStaleServed(getName());
			return true;
		}
		return isDueForRefresh(entry, now);
	}

	private void refresh(LoadTask task) {
		// The coordinator counts the reloads it actually runs (cache.starter.refreshes), not every hit that asks.
		this.services.loads().refresh(task);
	}

	// ---- Writes: encode, Redis, then tags and the near cache.

	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = this.keys.redisKey(key);
		Miss miss = this.asyncMisses.take(redisKey);
		if (miss != null) {
			putAfterAsyncMiss(redisKey, unwrapNull(value), miss);
			return;
		}
		long loadToken = endPendingLoad(redisKey);
		if (NonBlockingThreads.isCurrent()) {
			writeAsync(redisKey, unwrapNull(value), this.services.tagging().capture(), true, loadToken);
			return;
		}
		write(redisKey, unwrapNull(value), false, loadToken);
	}

	/**
	 * Spring's put of what an asynchronous method loaded after a miss of {@link #retrieve(Object)}: it runs in the
	 * call's tag context, and is skipped when Redis failed on the read.
	 */
	private void putAfterAsyncMiss(String redisKey, @Nullable Object value, Miss miss) {
		this.services.metrics().recordLoad(getName(), System.nanoTime() - miss.startNanos());
		if (miss.readFailed()) {
			return;
		}
		if (NonBlockingThreads.isCurrent()) {
			writeAsync(redisKey, value, miss.tags(), true, miss.token());
		}
		else {
			inContext(miss.tags(), () -> write(redisKey, value, false, miss.token()));
		}
	}

	/**
	 * A plain {@code @Cacheable} runs the method between its miss and its put on the same thread: that time is the
	 * load ({@code cache.starter.loads}), as the loader's is for {@code sync = true}.
	 * @return the near cache's token of the miss, or {@link #NOT_A_LOAD} when this put does not end a load
	 */
	private long endPendingLoad(String redisKey) {
		PendingLoad pending = this.pendingLoad.get();
		if (pending != null) {
			this.pendingLoad.remove();
			if (pending.redisKey().equals(redisKey)) {
				this.services.metrics().recordLoad(getName(), System.nanoTime() - pending.startNanos());
				return pending.token();
			}
		}
		return NOT_A_LOAD;
	}

	/**
	 * Writes the value unless the key holds a fresh entry, atomically in Redis (one script): of two racing callers
	 * exactly one wins. An entry past its TTL, kept only for its stale window, counts as absent.
	 * @return {@code null} if this value is now cached (or could not be: Redis failed, or the value is not
	 * cacheable), else the entry kept
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String redisKey = this.keys.redisKey(key);
		Object storeValue = unwrapNull(value);
		if (storeValue == null && !isAllowNullValues()) {
			// Nothing may be written; only an existing entry is reported.
			CacheEntry existing = readEntry(redisKey, this.near.beforeRead(redisKey));
			boolean present = existing != null && existing != UNREACHABLE
					&& !isStale(existing, System.currentTimeMillis());
			return present ? new SimpleValueWrapper(existing.value()) : null;
		}
		Encoded encoded = encode(redisKey, storeValue, CacheEntry.NO_VERSION);
		if (encoded == null) {
			return null;
		}
		byte[][] kept = new byte[1][];
		boolean written = writeEncoded(redisKey, storeValue, encoded, RedisOperation.PUT, (keyBytes) -> {
			kept[0] = this.services.store()
				.setIfAbsentOrStale(keyBytes, encoded.bytes(), encoded.redisTtlMillis(), System.currentTimeMillis());
			return kept[0] == null;
		}, false, NOT_A_LOAD);
		if (written || kept[0] == null) {
			return null;
		}
		try {
			return new SimpleValueWrapper(this.services.codec().decode(kept[0]).value());
		}
		catch (RuntimeException ex) {
			// The kept entry cannot be read: it is no value at all, so this one replaces it.
			this.services.metrics().recordError(getName(), "deserialization");
			write(redisKey, storeValue, false, NOT_A_LOAD);
			return null;
		}
	}

	/**
	 * Writes a value unconditionally (write-through without a version). Unlike {@link #put}, a write that fails
	 * removes the key (or replays its removal when Redis is back), so that an older value is not served.
	 * @param key the cache key
	 * @param value the value
	 */
	public void putOrRemove(Object key, @Nullable Object value) {
		write(this.keys.redisKey(key), unwrapNull(value), true, NOT_A_LOAD);
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
		Object storeValue = unwrapNull(value);
		Encoded encoded = encode(redisKey, storeValue, version);
		if (encoded == null) {
			return false;
		}
		return writeEncoded(redisKey, storeValue, encoded, RedisOperation.WRITE_THROUGH,
				(keyBytes) -> this.services.store()
					.setIfNewer(keyBytes, encoded.bytes(), version, encoded.redisTtlMillis()),
				true, NOT_A_LOAD);
	}

	/**
	 * Writes a value.
	 * @param loadToken the near cache's token taken when the load of this value began, or {@link #NOT_A_LOAD}
	 */
	private void write(String redisKey, @Nullable Object value, boolean removeOnFailure, long loadToken) {
		if (value == null && !isAllowNullValues()) {
			// Nothing to cache, but whatever was cached under the key is now wrong.
			remove(redisKey);
			return;
		}
		if (isOutdatedLoad(redisKey, loadToken)) {
			return;
		}
		Encoded encoded = encode(redisKey, value, CacheEntry.NO_VERSION);
		if (encoded != null) {
			writeEncoded(redisKey, value, encoded, RedisOperation.PUT, (keyBytes) -> {
				this.services.store().set(keyBytes, encoded.bytes(), encoded.redisTtlMillis());
				return true;
			}, removeOnFailure, loadToken);
		}
	}

	/**
	 * Whether a loaded value began loading before an invalidation of its key reached this instance: it may be older
	 * than what the invalidating write stored, so it is not cached at all (neither in Redis nor in the near cache).
	 */
	private boolean isOutdatedLoad(String redisKey, long loadToken) {
		return loadToken != NOT_A_LOAD && !this.near.isCurrent(redisKey, loadToken);
	}

	/**
	 * The one write of the synchronous face, for every kind of put: tags around the Redis command, then the near
	 * cache.
	 * @param command the Redis write; {@code true} if written, {@code false} if Redis kept another entry
	 * @param removeOnFailure whether a failed write must remove the key (or replay its removal)
	 * @return {@code true} if the value is now cached
	 */
	private boolean writeEncoded(String redisKey, @Nullable Object value, Encoded encoded, RedisOperation operation,
			Function<byte[], Boolean> command, boolean removeOnFailure, long loadToken) {
		TaggedWrite tags = this.services.tagging().prepare(getName(), redisKey, value, encoded.redisTtlMillis());
		if (tags != null && !tags.beforeWrite()) {
			// The tags refused the entry and removed the key: no near cache may keep an older value either.
			this.near.afterRemove(redisKey);
			return false;
		}
		byte[] keyBytes = RedisEntries.bytes(redisKey);
		long token = (loadToken != NOT_A_LOAD) ? loadToken : this.near.beforeWrite(redisKey);
		Boolean written = this.redis.write(operation, () -> command.apply(keyBytes));
		return afterWrite(redisKey, token, encoded, tags, written, removeOnFailure);
	}

	/**
	 * The one write of the asynchronous face: the same steps as {@link #writeEncoded}, without blocking. It encodes
	 * and sends the command on the current thread, so that a put on an event loop is sent before it returns and
	 * whatever that thread sends next (an eviction) reaches Redis after it. The tags' own Redis calls block: a tagged
	 * write continues on the async executor.
	 * @param unawaited whether nobody waits for it (a put): it is then tracked until it lands
	 * @return {@code true} once the value is cached; {@code false} if it was not
	 */
	private CompletableFuture<Boolean> writeAsync(String redisKey, @Nullable Object value, Captured context,
			boolean unawaited, long loadToken) {
		if (value == null && !isAllowNullValues()) {
			removeOffThread(redisKey);
			return CompletableFuture.completedFuture(false);
		}
		if (isOutdatedLoad(redisKey, loadToken)) {
			return CompletableFuture.completedFuture(false);
		}
		Encoded encoded = encode(redisKey, value, CacheEntry.NO_VERSION, false);
		if (encoded == null) {
			return CompletableFuture.completedFuture(false);
		}
		TaggedWrite tags = inContext(context,
				() -> this.services.tagging().prepare(getName(), redisKey, value, encoded.redisTtlMillis()));
		CompletableFuture<Boolean> written = (tags == null) ? send(redisKey, encoded, null, loadToken)
				: CompletableFuture.supplyAsync(tags::beforeWrite, this.services.asyncExecutor())
					.thenCompose((allowed) -> allowed ? send(redisKey, encoded, tags, loadToken) : refused(redisKey));
		if (unawaited) {
			this.pendingWrites.track(redisKey, encoded.entry(), written);
		}
		return written;
	}

	private CompletableFuture<Boolean> refused(String redisKey) {
		this.near.afterRemove(redisKey);
		return CompletableFuture.completedFuture(false);
	}

	/** Sends an encoded entry; what follows the write runs on the async executor. */
	private CompletableFuture<Boolean> send(String redisKey, Encoded encoded, @Nullable TaggedWrite tags,
			long loadToken) {
		byte[] keyBytes = RedisEntries.bytes(redisKey);
		long token = (loadToken != NOT_A_LOAD) ? loadToken : this.near.beforeWrite(redisKey);
		return this.redis
			.writeAsync(RedisOperation.PUT,
					() -> this.services.asyncStore()
						.set(keyBytes, encoded.bytes(), encoded.redisTtlMillis())
						.thenApply((ok) -> true))
			.thenApply((written) -> afterWrite(redisKey, token, encoded, tags, written, false));
	}

	private boolean afterWrite(String redisKey, long token, Encoded encoded, @Nullable TaggedWrite tags,
			@Nullable Boolean written, boolean removeOnFailure) {
		if (written == null) {
			if (removeOnFailure) {
				removeAfterFailedWrite(redisKey);
			}
			return false;
		}
		if (written) {
			this.counters.put();
			if (tags != null && !tags.afterWrite()) {
				// A tag was invalidated while the entry was written: it was removed again.
				this.near.afterRemove(redisKey);
			}
			else {
				this.near.afterWrite(redisKey, token, encoded.entry());
			}
		}
		return written;
	}

	private @Nullable Encoded encode(String redisKey, @Nullable Object value, long version) {
		return encode(redisKey, value, version, true);
	}

	/**
	 * Encodes an entry, drawing its TTL. A value that cannot be cached (not serializable, or over
	 * {@code max-value-size}) is counted, and its key removed so that no older value stays served.
	 * @param mayBlock whether that removal may wait for Redis on this thread
	 * @return the entry, or {@code null} if the value is not cached
	 */
	private @Nullable Encoded encode(String redisKey, @Nullable Object value, long version, boolean mayBlock) {
		long logicalTtl = (value != null) ? this.ttlPolicy.nextValueTtlMillis() : this.ttlPolicy.nullTtlMillis();
		long redisTtl = (value != null) ? this.ttlPolicy.redisTtlMillis(logicalTtl) : logicalTtl;
		CacheEntry entry = new CacheEntry(value, System.currentTimeMillis(), logicalTtl, version);
		byte[] bytes;
		try {
			bytes = this.services.codec().encode(entry, this.settings.compression());
		}
		catch (IllegalArgumentException ex) {
			this.services.metrics().recordError(getName(), "serialization");
			log.warn("serialization:" + getName(), () -> "Cannot cache a value in cache '" + getName() + "'", ex);
			refuse(redisKey, mayBlock);
			return null;
		}
		// The bytes Redis would store, compressed where the cache compresses: max-value-size applies to them.
		if (bytes.length > this.services.maxValueBytes()) {
			this.services.metrics().recordError(getName(), "oversize");
			log.warn("oversize:" + getName(), () -> "Not caching a value of " + bytes.length + " bytes in cache '"
					+ getName() + "' (max-value-size is " + this.services.maxValueBytes() + " bytes)", null);
			refuse(redisKey, mayBlock);
			return null;
		}
		return new Encoded(entry, bytes, redisTtl);
	}

	private void refuse(String redisKey, boolean mayBlock) {
		if (mayBlock) {
			removeAfterFailedWrite(redisKey);
		}
		else {
			this.pendingWrites.track(null, null,
					CompletableFuture.runAsync(() -> removeAfterFailedWrite(redisKey), this.services.asyncExecutor()));
		}
	}

	/** A value that could not be written must not leave an older one behind, in Redis or in a near cache. */
	private void removeAfterFailedWrite(String redisKey) {
		byte[] keyBytes = RedisEntries.bytes(redisKey);
		boolean ranNow = this.services.guard().remove(getName(), RedisOperation.EVICT, () -> {
			this.services.store().delete(List.of(keyBytes));
			this.near.afterRemove(redisKey);
		});
		if (!ranNow) {
			this.near.afterRemove(redisKey);
		}
	}

	// ---- Bulk: many keys in one round trip per Redis node (@CacheableAll), as the one-key steps do them.

	/**
	 * Reads many keys: a write of this instance still in flight, then the near cache, then Redis in one round trip
	 * per node ({@code MGET}, by slot on a cluster) for the keys neither served. Each key counts as one get, a hit or
	 * a miss. An entry past its TTL is a miss, as for a {@code @Cacheable} method without {@code sync}; there is no
	 * refresh-ahead. When Redis fails, every key it was asked for is a miss.
	 * @param keys the cache keys, without duplicates
	 * @return the hits and the misses, in the order of the keys
	 */
	public BulkRead getAll(List<?> keys) {
		int size = keys.size();
		String[] redisKeys = new String[size];
		CacheEntry[] entries = new CacheEntry[size];
		List<Integer> toRead = new ArrayList<>();
		long[] tokens = new long[size];
		for (int i = 0; i < size; i++) {
			redisKeys[i] = this.keys.redisKey(keys.get(i));
			CacheEntry entry = this.pendingWrites.entry(redisKeys[i]);
			entries[i] = (entry != null) ? entry : this.near.get(redisKeys[i]);
			if (entries[i] == null) {
				toRead.add(i);
				tokens[i] = this.near.beforeRead(redisKeys[i]);
			}
		}
		boolean redisFailed = false;
		if (!toRead.isEmpty()) {
			List<String> readKeys = new ArrayList<>(toRead.size());
			for (int i : toRead) {
				readKeys.add(redisKeys[i]);
			}
			List<@Nullable CacheEntry> read = this.redis.readAll(readKeys);
			redisFailed = read == null;
			for (int j = 0; read != null && j < toRead.size(); j++) {
				int i = toRead.get(j);
				entries[i] = read.get(j);
				if (entries[i] != null) {
					this.near.afterRead(redisKeys[i], tokens[i], entries[i]);
				}
			}
		}
		long now = System.currentTimeMillis();
		Map<Object, @Nullable Object> hits = new LinkedHashMap<>();
		List<Object> misses = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			CacheEntry entry = entries[i];
			if (entry == null || entry.isExpired(now)) {
				this.counters.miss(redisKeys[i]);
				misses.add(keys.get(i));
			}
			else {
				this.counters.hit(redisKeys[i]);
				hits.put(keys.get(i), entry.value());
			}
		}
		if (!misses.isEmpty() && !redisFailed) {
			this.services.tagging().beforeLoad();
		}
		return new BulkRead(hits, misses, redisFailed);
	}

	/**
	 * Writes what a bulk load returned: each entry encoded, given its own jittered TTL and checked against
	 * {@code max-value-size} exactly as {@link #put} does, then every {@code SET ... PX} in one pipelined round trip
	 * per node, then tags and the near cache per entry. A {@code null} value caches {@code null} where the cache
	 * caches nulls, and is skipped where it does not. An entry whose tag templates fail, or one of whose tags was
	 * invalidated since the load began, is not written. If Redis fails, no error is thrown and the write counts as
	 * not made; since some nodes may have taken their part of the batch, the tagged entries of the batch are then
	 * removed, so that no entry is left outside its tag sets.
	 * @param values the entries, by cache key
	 */
	public void putAll(Map<?, ?> values) {
		int size = values.size();
		List<String> redisKeys = new ArrayList<>(size);
		List<Encoded> encodeds = new ArrayList<>(size);
		List<@Nullable TaggedWrite> tagged = new ArrayList<>(size);
		for (Map.Entry<?, ?> mapping : values.entrySet()) {
			Object value = unwrapNull(mapping.getValue());
			if (value == null && !isAllowNullValues()) {
				continue;
			}
			String redisKey = this.keys.redisKey(mapping.getKey());
			Encoded encoded = encode(redisKey, value, CacheEntry.NO_VERSION);
			if (encoded == null) {
				continue;
			}
			TaggedWrite tags = this.services.tagging()
				.prepareEntry(getName(), redisKey, mapping.getKey(), value, encoded.redisTtlMillis());
			if (tags != null && !tags.beforeWrite()) {
				// Refused, and the key removed: no near cache may keep an older value either.
				this.near.afterRemove(redisKey);
				continue;
			}
			redisKeys.add(redisKey);
			encodeds.add(encoded);
			tagged.add(tags);
		}
		if (redisKeys.isEmpty()) {
			return;
		}
		List<byte[]> keyBytes = new ArrayList<>(redisKeys.size());
		List<byte[]> bytes = new ArrayList<>(redisKeys.size());
		long[] ttls = new long[redisKeys.size()];
		long[] tokens = new long[redisKeys.size()];
		for (int i = 0; i < redisKeys.size(); i++) {
			keyBytes.add(RedisEntries.bytes(redisKeys.get(i)));
			bytes.add(encodeds.get(i).bytes());
			ttls[i] = encodeds.get(i).redisTtlMillis();
			tokens[i] = this.near.beforeWrite(redisKeys.get(i));
		}
		long start = System.nanoTime();
		Boolean written = this.services.guard().call(getName(), RedisOperation.PUT, () -> {
			this.services.store().setAll(keyBytes, bytes, ttls);
			return Boolean.TRUE;
		}, () -> null);
		this.redis.recordLatency("put_all", start);
		if (written == null) {
			removeTaggedAfterFailedWrite(redisKeys, keyBytes, tagged);
			return;
		}
		// As afterWrite does for one entry, with the near cache told of the whole batch at once.
		List<String> nearKeys = new ArrayList<>(redisKeys.size());
		long[] nearTokens = new long[redisKeys.size()];
		List<CacheEntry> nearEntries = new ArrayList<>(redisKeys.size());
		for (int i = 0; i < redisKeys.size(); i++) {
			this.counters.put();
			TaggedWrite tags = tagged.get(i);
			if (tags != null && !tags.afterWrite()) {
				this.near.afterRemove(redisKeys.get(i));
			}
			else {
				nearTokens[nearKeys.size()] = tokens[i];
				nearKeys.add(redisKeys.get(i));
				nearEntries.add(encodeds.get(i).entry());
			}
		}
		if (!nearKeys.isEmpty()) {
			this.near.afterWriteAll(nearKeys, Arrays.copyOf(nearTokens, nearKeys.size()), nearEntries);
		}
	}

	/**
	 * A failed pipelined write may have landed on some nodes and not others: a tagged entry that landed would not be
	 * in its tag sets, so every tagged entry of the batch is removed (or its removal replayed once Redis is back).
	 */
	private void removeTaggedAfterFailedWrite(List<String> redisKeys, List<byte[]> keyBytes,
			List<@Nullable TaggedWrite> tagged) {
		List<String> removedKeys = new ArrayList<>();
		List<byte[]> keys = new ArrayList<>();
		for (int i = 0; i < keyBytes.size(); i++) {
			if (tagged.get(i) != null) {
				removedKeys.add(redisKeys.get(i));
				keys.add(keyBytes.get(i));
			}
		}
		if (!keys.isEmpty()) {
			boolean ranNow = this.services.guard().remove(getName(), RedisOperation.EVICT, () -> {
				this.services.store().delete(keys);
				removedKeys.forEach(this.near::afterRemove);
			});
			if (!ranNow) {
				removedKeys.forEach(this.near::afterRemove);
			}
		}
	}

	/**
	 * Records how long a bulk load took ({@code cache.starter.loads}): one load, whatever the number of keys.
	 * @param nanos the time the method took
	 */
	public void recordLoad(long nanos) {
		this.services.metrics().recordLoad(getName(), nanos);
	}

	// ---- Removals: Redis (replayed when it fails), then the near cache.

	@Override
	public void evict(Object key) {
		String redisKey = this.keys.redisKey(key);
		if (NonBlockingThreads.isCurrent()) {
			removeOffThread(redisKey);
		}
		else {
			remove(redisKey);
		}
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return remove(this.keys.redisKey(key));
	}

	private boolean remove(String redisKey) {
		this.pendingWrites.forget(redisKey);
		// The near caches learn of the removal once it reached Redis: now, or when it is replayed.
		boolean removed = this.redis.remove(RedisEntries.bytes(redisKey), RedisOperation.EVICT,
				() -> this.near.afterRemove(redisKey));
		this.counters.eviction();
		return removed;
	}

	/** A removal asked for on a thread that must not block (a reactive {@code @CacheEvict}). */
	private void removeOffThread(String redisKey) {
		this.pendingWrites.forget(redisKey);
		this.pendingWrites.track(null, null,
				CompletableFuture.runAsync(() -> remove(redisKey), this.services.asyncExecutor()));
	}

	@Override
	public void clear() {
		if (NonBlockingThreads.isCurrent()) {
			this.pendingWrites.track(null, null,
					CompletableFuture.runAsync(this::invalidate, this.services.asyncExecutor()));
		}
		else {
			invalidate();
		}
	}

	@Override
	public boolean invalidate() {
		// Every version of this cache: old versions are unreachable anyway, and clearing frees them.
		return removeMatching(CacheKeys.allVersionsPattern(this.services.keyPrefix(), getName())) > 0;
	}

	/**
	 * Removes the entries of this cache, at its current version, whose keys match a pattern, by {@code SCAN} and
	 * {@code UNLINK}.
	 * @param keyPattern a glob over the cache key (the part after {@code ::})
	 */
	@Override
	public void clear(String keyPattern) {
		removeMatching(CacheKeys.globEscape(this.keys.entryPrefix()) + keyPattern);
	}

	private long removeMatching(String pattern) {
		this.pendingWrites.forgetAll(this.services.keyPrefix() + getName() + ":v");
		long[] removed = new long[1];
		boolean ranNow = this.services.guard().remove(getName(), RedisOperation.CLEAR, () -> {
			removed[0] = this.services.store().deleteMatching(pattern);
			this.near.afterClear();
		});
		if (!ranNow) {
			this.near.afterClear();
		}
		return removed[0];
	}

	// ---- Shared steps.

	private boolean isStale(CacheEntry entry, long now) {
		return isStaleWindowOn() && entry.isExpired(now);
	}

	/** {@link #isStale(CacheEntry, long)} that reads the clock only where a stale window exists (every hit asks). */
	private boolean isStale(CacheEntry entry) {
		return isStaleWindowOn() && entry.isExpired(System.currentTimeMillis());
	}

	private boolean isStaleWindowOn() {
		return !this.settings.staleTtl().isZero();
	}

	private boolean isDueForRefresh(CacheEntry entry, long now) {
		return this.settings.refreshAhead() > 0 && !entry.isExpired(now)
				&& entry.ageMillis(now) >= this.settings.refreshAhead() * entry.ttlMillis();
	}

	/** Whether an entry now in Redis makes a load unnecessary (what a call with a loader would serve). */
	private boolean satisfies(CacheEntry current, boolean backgroundReload) {
		long now = System.currentTimeMillis();
		if (backgroundReload) {
			// Satisfied once another caller has reloaded it.
			return !current.isExpired(now) && !isDueForRefresh(current, now);
		}
		return !isStale(current, now);
	}

	private @Nullable CacheEntry lookupInRedis(String redisKey) {
		CacheEntry entry = this.redis.read(redisKey);
		return (entry != UNREACHABLE) ? entry : null;
	}

	private CompletableFuture<@Nullable CacheEntry> lookupInRedisAsync(String redisKey) {
		return this.redis.readAsync(redisKey).thenApply((entry) -> (entry != UNREACHABLE) ? entry : null);
	}

	private static <T> T inContext(Captured context, Callable<T> task) {
		try {
			return context.call(task);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void inContext(Captured context, Runnable task) {
		inContext(context, () -> {
			task.run();
			return null;
		});
	}

	private static @Nullable Object unwrapNull(@Nullable Object value) {
		return (value instanceof NullValue) ? null : value;
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * An entry ready to be written.
	 *
	 * @param entry the entry
	 * @param bytes its encoded form
	 * @param redisTtlMillis how long it lives in Redis (its TTL plus the stale window)
	 */
	private record Encoded(CacheEntry entry, byte[] bytes, long redisTtlMillis) {
	}

	private record PendingLoad(String redisKey, long startNanos, long token) {
	}

	/** One load of one key through the synchronous face, or a background reload. */
	private final class Task implements LoadTask {

		private final Object key;

		private final String redisKey;

		private final Callable<?> loader;

		private final Captured context;

		private final long token;

		Task(Object key, String redisKey, Callable<?> loader, long token) {
			this.key = key;
			this.redisKey = redisKey;
			this.loader = loader;
			this.context = StarterRedisCache.this.services.tagging().capture();
			this.token = token;
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
			return lookupInRedis(this.redisKey);
		}

		@Override
		public @Nullable Object loadAndStore() throws Exception {
			return this.context.call(() -> {
				// A reload on another thread marks its own start; on the caller's thread the miss marked it.
				StarterRedisCache.this.services.tagging().beforeLoad();
				long start = System.nanoTime();
				Object value = this.loader.call();
				StarterRedisCache.this.services.metrics().recordLoad(getName(), System.nanoTime() - start);
				write(this.redisKey, unwrapNull(value), false, this.token);
				return value;
			});
		}

		@Override
		public boolean isSatisfiedBy(CacheEntry current, boolean backgroundReload) {
			return satisfies(current, backgroundReload);
		}

	}

	/** One load of one key through the asynchronous face: the method returns a future. */
	private final class AsyncTask implements AsyncLoadTask {

		private final Object key;

		private final String redisKey;

		private final Supplier<? extends CompletableFuture<?>> loader;

		private final Captured context;

		private final long token;

		AsyncTask(Object key, String redisKey, Supplier<? extends CompletableFuture<?>> loader, Captured context,
				long token) {
			this.key = key;
			this.redisKey = redisKey;
			this.loader = loader;
			this.context = context;
			this.token = token;
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
			return lookupInRedis(this.redisKey);
		}

		@Override
		public CompletableFuture<@Nullable CacheEntry> lookupAsync() {
			return lookupInRedisAsync(this.redisKey);
		}

		/** A background reload, on a reload thread: waiting for the method's future there blocks no caller. */
		@Override
		public @Nullable Object loadAndStore() throws Exception {
			return this.context.call(() -> {
				StarterRedisCache.this.services.tagging().beforeLoad();
				long start = System.nanoTime();
				Object value;
				try {
					value = startLoad().join();
				}
				catch (CompletionException ex) {
					Throwable cause = unwrap(ex);
					throw (cause instanceof Exception exception) ? exception : ex;
				}
				StarterRedisCache.this.services.metrics().recordLoad(getName(), System.nanoTime() - start);
				write(this.redisKey, unwrapNull(value), false, this.token);
				return value;
			});
		}

		/**
		 * Runs the method and writes what it returns. A coordinator may call this from the event loop that
		 * completed its lock: the method, which may block before it returns its future, and the tags' mark then
		 * start on the async executor.
		 */
		@Override
		public CompletableFuture<@Nullable Object> loadAndStoreAsync() {
			return offNonBlockingThread(this::loadAndStoreHere).thenCompose(Function.identity());
		}

		private CompletableFuture<@Nullable Object> loadAndStoreHere() {
			long start = System.nanoTime();
			CompletableFuture<?> loaded;
			try {
				loaded = this.context.call(() -> {
					StarterRedisCache.this.services.tagging().beforeLoad();
					return startLoad();
				});
			}
			catch (Exception ex) {
				return CompletableFuture.failedFuture(ex);
			}
			// The method's future may complete on any thread, an event loop included: the write starts from ours.
			return loaded.thenComposeAsync((value) -> {
				StarterRedisCache.this.services.metrics().recordLoad(getName(), System.nanoTime() - start);
				return writeAsync(this.redisKey, unwrapNull(value), this.context, false, this.token)
					.thenApply((written) -> value);
			}, StarterRedisCache.this.services.asyncExecutor());
		}

		/** What a call whose read just failed does: the method serves it, and nothing waits for Redis again. */
		@SuppressWarnings("unchecked")
		CompletableFuture<?> loadWithoutWriting() {
			return offNonBlockingThread(() -> {
				try {
					return (CompletableFuture<@Nullable Object>) startLoad();
				}
				catch (RuntimeException ex) {
					return CompletableFuture.<@Nullable Object>failedFuture(ex);
				}
			}).thenCompose(Function.identity());
		}

		private CompletableFuture<?> startLoad() {
			CompletableFuture<?> future = this.loader.get();
			if (future == null) {
				throw new IllegalStateException("The loader of a key of cache '" + getName() + "' returned null");
			}
			return future;
		}

		@Override
		public boolean isSatisfiedBy(CacheEntry current, boolean backgroundReload) {
			return satisfies(current, backgroundReload);
		}

	}

}
