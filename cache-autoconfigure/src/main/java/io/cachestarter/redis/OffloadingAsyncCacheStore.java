package io.cachestarter.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReturnType;

/**
 * The asynchronous commands of a connection factory without a usable non-blocking API (Jedis, or Lettuce without a
 * shared connection): each call runs the synchronous command on the executor, so the caller's thread still never
 * waits for Redis.
 */
final class OffloadingAsyncCacheStore implements AsyncCacheStore {

	private final CacheStore store;

	private final Executor executor;

	OffloadingAsyncCacheStore(CacheStore store, Executor executor) {
		this.store = store;
		this.executor = executor;
	}

	@Override
	public CompletableFuture<byte @Nullable []> get(byte[] key) {
		return CompletableFuture.supplyAsync(() -> this.store.get(key), this.executor);
	}

	@Override
	public CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis) {
		return CompletableFuture.runAsync(() -> this.store.set(key, value, ttlMillis), this.executor);
	}

	@Override
	public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		return CompletableFuture.supplyAsync(() -> this.store.setIfAbsent(key, value, ttlMillis), this.executor);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> eval(LuaScript script, Class<T> resultType, byte[][] keys, byte[]... args) {
		ReturnType returnType = (resultType == Long.class) ? ReturnType.INTEGER
				: (resultType == Boolean.class) ? ReturnType.BOOLEAN : ReturnType.VALUE;
		return CompletableFuture.supplyAsync(
				() -> (T) this.store.execute((connection) -> script.run(connection, returnType, keys, args)),
				this.executor);
	}

	@Override
	public CompletableFuture<Long> delete(List<byte[]> keys) {
		return CompletableFuture.supplyAsync(() -> this.store.delete(keys), this.executor);
	}

}
