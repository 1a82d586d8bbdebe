package io.cachestarter.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * The asynchronous commands on Lettuce's non-blocking API, over the connection factory's shared connection
 * (standalone, Sentinel or Cluster alike). Commands are written to the connection and the call returns; their
 * futures complete on Lettuce's event loop.
 * <p>
 * Until the shared connection exists, obtaining it connects, which blocks: that first step runs on the executor.
 * Once it exists Lettuce keeps it and reconnects it itself, so later calls obtain it without waiting.
 */
final class LettuceAsyncCacheStore implements AsyncCacheStore {

	private final LettuceConnectionFactory connectionFactory;

	private final Executor executor;

	private volatile boolean connected;

	LettuceAsyncCacheStore(LettuceConnectionFactory connectionFactory, Executor executor) {
		this.connectionFactory = connectionFactory;
		this.executor = executor;
	}

	@Override
	public CompletableFuture<byte @Nullable []> get(byte[] key) {
		return call((commands) -> commands.get(key).toCompletableFuture());
	}

	@Override
	public CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		return call((commands) -> commands.set(key, value, SetArgs.Builder.px(ttlMillis))
			.toCompletableFuture()
			.thenApply((ok) -> null));
	}

	@Override
	public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		return call((commands) -> commands.set(key, value, SetArgs.Builder.nx().px(ttlMillis))
			.toCompletableFuture()
			.thenApply("OK"::equals));
	}

	@Override
	public <T> CompletableFuture<T> eval(LuaScript script, Class<T> resultType, byte[][] keys, byte[]... args) {
		ScriptOutputType outputType = (resultType == Long.class) ? ScriptOutputType.INTEGER
				: (resultType == Boolean.class) ? ScriptOutputType.BOOLEAN : ScriptOutputType.VALUE;
		return call((commands) -> script.runAsync(commands, outputType, keys, args));
	}

	@Override
	public CompletableFuture<Long> delete(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return CompletableFuture.completedFuture(0L);
		}
		// On Redis Cluster Lettuce splits a multi-key UNLINK by slot and sums the counts.
		return call((commands) -> commands.unlink(keys.toArray(new byte[0][])).toCompletableFuture());
	}

	private <T> CompletableFuture<T> call(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> command) {
		if (this.connected) {
			try {
				return command.apply(nativeCommands());
			}
			catch (RuntimeException ex) {
				this.connected = false;
				return CompletableFuture.failedFuture(ex);
			}
		}
		return CompletableFuture.supplyAsync(this::nativeCommands, this.executor).thenCompose((commands) -> {
			this.connected = true;
			return command.apply(commands);
		});
	}

	@SuppressWarnings("unchecked")
	private RedisClusterAsyncCommands<byte[], byte[]> nativeCommands() {
		// With a shared connection, closing the Spring connection leaves the native one open for other callers.
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
		}
	}

}
