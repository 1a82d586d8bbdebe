package io.cachestarter.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis commands of the cache's asynchronous face: the same commands as {@link CacheStore}, returning futures.
 * A call never blocks the calling thread; the futures complete on Lettuce's threads (or, for connection factories
 * without a non-blocking API, on the {@link AsyncExecutor}). Failures complete the future exceptionally: callers go
 * through a guard.
 */
public interface AsyncCacheStore {

	/**
	 * Reads a value.
	 * @param key the key
	 * @return the value, or {@code null} when the key does not exist
	 */
	CompletableFuture<byte @Nullable []> get(byte[] key);

	/**
	 * Writes a value with a TTL.
	 * @param key the key
	 * @param value the value
	 * @param ttlMillis the TTL, positive
	 * @return completes once Redis has acknowledged the write
	 */
	CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis);

	/**
	 * Writes a value with a TTL unless the key exists.
	 * @return {@code true} if written
	 */
	CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis);

	/**
	 * Runs a script that touches keys of one hash slot.
	 * @param <T> the result type
	 * @param script the script
	 * @param resultType the type of its result: {@code Long}, {@code Boolean}, {@code byte[]}
	 * @param keys its keys
	 * @param args its arguments
	 * @return its result
	 */
	<T> CompletableFuture<T> eval(LuaScript script, Class<T> resultType, byte[][] keys, byte[]... args);

	/**
	 * Removes keys with {@code UNLINK}.
	 * @param keys the keys
	 * @return how many existed
	 */
	CompletableFuture<Long> delete(List<byte[]> keys);

	/**
	 * Returns the commands for a connection factory: Lettuce's non-blocking API on its shared connection, or else
	 * the synchronous commands run on the executor.
	 * @param connectionFactory the connection factory
	 * @param store the synchronous commands on the same factory
	 * @param executor the executor of the asynchronous face
	 * @return the commands
	 */
	static AsyncCacheStore create(RedisConnectionFactory connectionFactory, CacheStore store, Executor executor) {
		if (connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.getShareNativeConnection()) {
			return new LettuceAsyncCacheStore(lettuce, executor);
		}
		return new OffloadingAsyncCacheStore(store, executor);
	}

}
