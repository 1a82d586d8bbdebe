package io.cachestarter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.serialization.UnreadableValueException;
import org.jspecify.annotations.Nullable;

/**
 * The Redis tier of one cache, for both faces of the cache: a read is {@code GET} then decode, a write is one
 * Redis command, a removal is {@code UNLINK}. Every call goes through the guard and is timed
 * ({@code cache.starter.latency}). A value that cannot be decoded is a miss: it is counted and removed.
 * <p>
 * The asynchronous face decodes a small hit where its reply arrives, on Lettuce's event loop: a thread hop would cost
 * more than the decode. Everything else completes on the async executor: a large value decoded on the event loop,
 * or a cached method that Spring invokes from the completing thread on a miss, would stall every Redis call of the
 * JVM.
 */
final class RedisEntries {

	/**
	 * The largest stored value the asynchronous face decodes on Lettuce's event loop: tens of microseconds of JSON
	 * at most, about what a thread hop costs.
	 */
	static final int INLINE_DECODE_MAX_BYTES = 16 * 1024;

	/** What a read returns when Redis could not be read: a miss, after which the call does not write. */
	static final CacheEntry UNREACHABLE = new CacheEntry(null, 0, 0, CacheEntry.NO_VERSION);

	private static final RateLimitedLog log = new RateLimitedLog(RedisEntries.class, Duration.ofSeconds(30));

	private static final byte[] UNREACHABLE_BYTES = new byte[0];

	private final String cacheName;

	private final CacheServices services;

	RedisEntries(String cacheName, CacheServices services) {
		this.cacheName = cacheName;
		this.services = services;
	}

	/**
	 * Reads an entry.
	 * @return the entry; {@code null} on a miss or an unreadable value; {@link #UNREACHABLE} when Redis failed
	 */
	@Nullable CacheEntry read(String redisKey) {
		byte[] key = bytes(redisKey);
		long start = System.nanoTime();
		byte[] stored = this.services.guard()
			.call(this.cacheName, RedisOperation.GET, () -> this.services.store().get(key), () -> UNREACHABLE_BYTES);
		recordLatency("get", start);
		return decode(key, stored, false);
	}

	/**
	 * Reads an entry without blocking. A found entry of at most {@link #INLINE_DECODE_MAX_BYTES} is decoded and
	 * completed where the reply arrives (Lettuce's event loop), as Spring Data's own cache does; a larger one, a
	 * miss and an unreadable value complete on the async executor. Completes at once when Redis was not contacted.
	 * @return what {@link #read} returns
	 */
	CompletableFuture<@Nullable CacheEntry> readAsync(String redisKey) {
		byte[] key = bytes(redisKey);
		long start = System.nanoTime();
		CompletableFuture<byte @Nullable []> stored = this.services.guard()
			.callAsync(this.cacheName, RedisOperation.GET, () -> this.services.asyncStore().get(key),
					() -> UNREACHABLE_BYTES);
		if (stored.isDone()) {
			// Redis was not contacted (the breaker is open): nothing to decode, no thread to leave.
			return stored.thenApply((bytes) -> decode(key, bytes, true));
		}
		// Completed explicitly, not composed: a composed stage completes on the event loop whenever the executor's
		// task finishes before it is linked, and then what Spring chains onto a miss (the method) runs there too.
		CompletableFuture<@Nullable CacheEntry> read = new CompletableFuture<>();
		stored.thenAccept((bytes) -> {
			recordLatency("get", start);
			if (bytes != null && bytes != UNREACHABLE_BYTES && bytes.length <= INLINE_DECODE_MAX_BYTES) {
				CacheEntry entry = complete(read, () -> decode(key, bytes, true), false);
				if (entry != null || read.isDone()) {
					return;
				}
				// Unreadable: a miss, on which Spring runs the method from the completing thread.
				this.services.asyncExecutor().execute(() -> read.complete(null));
				return;
			}
			this.services.asyncExecutor().execute(() -> complete(read, () -> decode(key, bytes, true), true));
		});
		return read;
	}

	/**
	 * Completes a read with what a decode gives; an unexpected failure completes it exceptionally.
	 * @param always whether a {@code null} entry completes it too
	 * @return the entry
	 */
	private static @Nullable CacheEntry complete(CompletableFuture<@Nullable CacheEntry> read,
			Supplier<@Nullable CacheEntry> decode, boolean always) {
		try {
			CacheEntry entry = decode.get();
			if (entry != null || always) {
				read.complete(entry);
			}
			return entry;
		}
		catch (RuntimeException ex) {
			read.completeExceptionally(ex);
			return null;
		}
	}

	/**
	 * Reads many entries in one round trip per Redis node ({@link io.cachestarter.redis.CacheStore#getAll}), timed
	 * once as the operation {@code get_all}.
	 * @param redisKeys the keys
	 * @return the entries in the order of the keys ({@code null} for a miss or an unreadable value), or {@code null}
	 * when Redis failed
	 */
	@Nullable List<@Nullable CacheEntry> readAll(List<String> redisKeys) {
		List<byte[]> keys = new ArrayList<>(redisKeys.size());
		for (String redisKey : redisKeys) {
			keys.add(bytes(redisKey));
		}
		long start = System.nanoTime();
		List<byte @Nullable []> stored = this.services.guard()
			.call(this.cacheName, RedisOperation.GET, () -> this.services.store().getAll(keys), () -> null);
		recordLatency("get_all", start);
		if (stored == null) {
			return null;
		}
		List<@Nullable CacheEntry> entries = new ArrayList<>(stored.size());
		for (int i = 0; i < stored.size(); i++) {
			entries.add(decode(keys.get(i), stored.get(i), false));
		}
		return entries;
	}

	/**
	 * Runs one write command.
	 * @param command the Redis command: {@code true} if written, {@code false} if Redis kept another entry
	 * @return what the command returned, or {@code null} if Redis failed
	 */
	@Nullable Boolean write(RedisOperation operation, Supplier<Boolean> command) {
		long start = System.nanoTime();
		Boolean written = this.services.guard().call(this.cacheName, operation, command, () -> null);
		recordLatency("put", start);
		return written;
	}

	/**
	 * Runs one write command without blocking; completes on the async executor.
	 * @return what {@link #write} returns
	 */
	CompletableFuture<@Nullable Boolean> writeAsync(RedisOperation operation,
			Supplier<? extends CompletionStage<Boolean>> command) {
		long start = System.nanoTime();
		return this.services.guard()
			.<@Nullable Boolean>callAsync(this.cacheName, operation, command, () -> null)
			.thenApplyAsync((written) -> {
				recordLatency("put", start);
				return written;
			}, this.services.asyncExecutor());
	}

	/**
	 * Removes a key; if Redis fails, the removal is replayed when it is back.
	 * @param afterRemoved runs once the removal reached Redis (now or when replayed), and at once if it was deferred
	 * @return whether the key existed
	 */
	boolean remove(byte[] key, RedisOperation operation, Runnable afterRemoved) {
		boolean[] removed = new boolean[1];
		long start = System.nanoTime();
		boolean ranNow = this.services.guard().remove(this.cacheName, operation, () -> {
			removed[0] = this.services.store().delete(List.of(key)) > 0;
			afterRemoved.run();
		});
		if (!ranNow) {
			afterRemoved.run();
		}
		recordLatency("evict", start);
		return removed[0];
	}

	private @Nullable CacheEntry decode(byte[] key, byte @Nullable [] stored, boolean async) {
		if (stored == UNREACHABLE_BYTES) {
			return UNREACHABLE;
		}
		if (stored == null) {
			return null;
		}
		try {
			return this.services.codec().decode(stored);
		}
		catch (UnreadableValueException ex) {
			this.services.metrics().recordError(this.cacheName, "deserialization");
			log.warn("deserialization:" + this.cacheName,
					() -> "Unreadable value in cache '" + this.cacheName + "' treated as a miss and removed", ex);
			removeUnreadable(key, async);
			return null;
		}
	}

	private void removeUnreadable(byte[] key, boolean async) {
		if (async) {
			// Not awaited: the read is a miss either way, and the method's write replaces the value.
			this.services.guard()
				.callAsync(this.cacheName, RedisOperation.EVICT,
						() -> this.services.asyncStore().delete(List.of(key)), () -> 0L);
		}
		else {
			this.services.guard()
				.run(this.cacheName, RedisOperation.EVICT, () -> this.services.store().delete(List.of(key)));
		}
	}

	void recordLatency(String operation, long startNanos) {
		this.services.metrics().recordLatency(this.cacheName, operation, System.nanoTime() - startNanos);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
