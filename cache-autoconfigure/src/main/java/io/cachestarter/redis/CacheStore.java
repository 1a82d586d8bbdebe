package io.cachestarter.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.util.Assert;

/**
 * The Redis commands of the cache, on raw bytes, over Spring Data Redis's connection factory (standalone, Sentinel
 * or Cluster alike). Every write sets a TTL; nothing here uses {@code KEYS}. Calls are synchronous: a write has
 * reached Redis when the method returns. Failures propagate: callers go through a guard.
 * <p>
 * The bulk commands ({@link #getAll}, {@link #setAll}) send all their commands before they await any answer, on
 * Lettuce's non-blocking API: each Redis node receives its share back to back, so a batch costs one round trip per
 * node rather than one per key.
 */
public final class CacheStore {

	private static final LuaScript SET_IF_NEWER = LuaScript.load(CacheStore.class, "set-if-newer.lua");

	private static final LuaScript SET_IF_ABSENT = LuaScript.load(CacheStore.class, "set-if-absent.lua");

	private static final int SCAN_BATCH = 500;

	/** The most keys of one {@code MGET}; larger reads send several, pipelined. */
	static final int MGET_BATCH = 1_000;

	/** Added to the command timeout when a bulk command awaits its answers; Lettuce times each command out itself. */
	private static final Duration AWAIT_MARGIN = Duration.ofMillis(250);

	private final RedisConnectionFactory connectionFactory;

	private final long awaitNanos;

	public CacheStore(RedisConnectionFactory connectionFactory) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		this.connectionFactory = connectionFactory;
		this.awaitNanos = commandTimeout(connectionFactory).plus(AWAIT_MARGIN).toNanos();
	}

	private static Duration commandTimeout(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.getClientConfiguration() != null
				&& lettuce.getClientConfiguration().getCommandTimeout() != null) {
			return lettuce.getClientConfiguration().getCommandTimeout();
		}
		return Duration.ofSeconds(60);
	}

	/**
	 * Runs a callback on a connection; for capabilities that need their own commands or scripts.
	 * @param <T> the result type
	 * @param callback what to do
	 * @return its result
	 */
	public <T> T execute(Function<RedisConnection, T> callback) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return callback.apply(connection);
		}
	}

	public byte @Nullable [] get(byte[] key) {
		return execute((connection) -> connection.stringCommands().get(key));
	}

	public void set(byte[] key, byte[] value, long ttlMillis) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		execute((connection) -> connection.stringCommands()
			.set(key, value, Expiration.milliseconds(ttlMillis), SetOption.upsert()));
	}

	/**
	 * Reads many keys at once. On a standalone or Sentinel Redis that is one {@code MGET}; on a Redis Cluster, one
	 * {@code MGET} per hash slot (a multi-key command never spans slots), all sent before any answer is awaited, so
	 * that each node answers its share in one round trip and no command fails with {@code CROSSSLOT}. An {@code MGET}
	 * holds at most {@value #MGET_BATCH} keys: a larger read sends several, pipelined the same way. With a client
	 * other than Lettuce, it is Spring Data's {@code MGET}.
	 * @param keys the keys; may repeat
	 * @return the values in the order of the keys, {@code null} where a key does not exist
	 */
	public List<byte @Nullable []> getAll(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		return execute((connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lettuce(connection);
			if (commands == null) {
				List<byte[]> values = connection.stringCommands().mGet(keys.toArray(new byte[0][]));
				return (values != null) ? values : Arrays.asList(new byte[keys.size()][]);
			}
			List<List<Integer>> groups = batches((connection instanceof RedisClusterConnection) ? bySlot(keys)
					: List.of(indices(keys.size())));
			List<RedisFuture<List<KeyValue<byte[], byte[]>>>> replies = new ArrayList<>(groups.size());
			for (List<Integer> group : groups) {
				byte[][] slotKeys = new byte[group.size()][];
				for (int i = 0; i < slotKeys.length; i++) {
					slotKeys[i] = keys.get(group.get(i));
				}
				replies.add(commands.mget(slotKeys));
			}
			await(replies);
			byte[][] values = new byte[keys.size()][];
			int reply = 0;
			for (List<Integer> group : groups) {
				List<KeyValue<byte[], byte[]>> found = getNow(replies.get(reply++));
				for (int i = 0; i < group.size(); i++) {
					KeyValue<byte[], byte[]> value = found.get(i);
					values[group.get(i)] = value.hasValue() ? value.getValue() : null;
				}
			}
			return Arrays.asList(values);
		});
	}

	/**
	 * Writes many entries, each with its own TTL: one {@code SET ... PX} per entry ({@code MSET} sets no TTL), all
	 * sent before any answer is awaited (pipelined), each to the node of its slot on a Redis Cluster. With a client
	 * other than Lettuce, the {@code SET}s run one after the other.
	 * @param keys the keys
	 * @param values the values, in the order of the keys
	 * @param ttlMillis the TTL of each entry, positive, in the order of the keys
	 */
	public void setAll(List<byte[]> keys, List<byte[]> values, long[] ttlMillis) {
		Assert.isTrue(keys.size() == values.size() && keys.size() == ttlMillis.length,
				"Every key needs one value and one TTL");
		for (long ttl : ttlMillis) {
			Assert.isTrue(ttl > 0, "Every entry needs a TTL");
		}
		if (keys.isEmpty()) {
			return;
		}
		execute((connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = lettuce(connection);
			if (commands == null) {
				for (int i = 0; i < keys.size(); i++) {
					connection.stringCommands()
						.set(keys.get(i), values.get(i), Expiration.milliseconds(ttlMillis[i]), SetOption.upsert());
				}
				return null;
			}
			List<RedisFuture<String>> replies = new ArrayList<>(keys.size());
			for (int i = 0; i < keys.size(); i++) {
				replies.add(commands.set(keys.get(i), values.get(i), SetArgs.Builder.px(ttlMillis[i])));
			}
			await(replies);
			return null;
		});
	}

	/**
	 * Writes unless the key exists.
	 * @return {@code true} if written
	 */
	public boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		Boolean set = execute((connection) -> connection.stringCommands()
			.set(key, value, Expiration.milliseconds(ttlMillis), SetOption.ifAbsent()));
		return Boolean.TRUE.equals(set);
	}

	/**
	 * Writes an entry unless the key holds a fresh one, atomically (one script): of racing callers exactly one
	 * writes. An entry past its logical TTL (kept only for its stale window) counts as absent.
	 * @param now the caller's clock, to tell a stale entry
	 * @return {@code null} if written, else the entry kept
	 */
	public byte @Nullable [] setIfAbsentOrStale(byte[] key, byte[] value, long ttlMillis, long now) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		return execute((connection) -> SET_IF_ABSENT.run(connection, ReturnType.VALUE, new byte[][] { key }, value,
				ascii(ttlMillis), ascii(now)));
	}

	/**
	 * Writes an entry unless Redis holds one of a higher version (a compare-and-set in one script).
	 * @return {@code true} if written, {@code false} if a newer entry was kept
	 */
	public boolean setIfNewer(byte[] key, byte[] value, long version, long ttlMillis) {
		Assert.isTrue(ttlMillis > 0, "Every entry needs a TTL");
		Long written = execute((connection) -> SET_IF_NEWER.run(connection, ReturnType.INTEGER, new byte[][] { key },
				value, ascii(version), ascii(ttlMillis)));
		return written != null && written == 1L;
	}

	/**
	 * Removes keys with {@code UNLINK}; on Redis Cluster the keys are split by hash slot and sent to their nodes
	 * pipelined.
	 * @return how many keys existed and were removed
	 */
	public long delete(List<byte[]> keys) {
		if (keys.isEmpty()) {
			return 0;
		}
		return execute((connection) -> unlink(connection, keys));
	}

	/**
	 * Removes every key matching a glob pattern with {@code SCAN} and {@code UNLINK} in batches, on every master of
	 * a cluster. Never uses {@code KEYS}, so it neither blocks Redis nor needs the {@code KEYS} permission.
	 * @return how many keys were removed
	 */
	public long deleteMatching(String pattern) {
		ScanOptions options = ScanOptions.scanOptions().match(pattern).count(SCAN_BATCH).build();
		return execute((connection) -> {
			if (connection instanceof RedisClusterConnection cluster) {
				long removed = 0;
				for (RedisClusterNode node : cluster.clusterGetNodes()) {
					if (node.isMaster()) {
						removed += scanAndUnlink(cluster, cluster.scan(node, options));
					}
				}
				return removed;
			}
			return scanAndUnlink(connection, connection.keyCommands().scan(options));
		});
	}

	private static long scanAndUnlink(RedisConnection connection, Cursor<byte[]> cursor) {
		long removed = 0;
		try (cursor) {
			List<byte[]> batch = new ArrayList<>(SCAN_BATCH);
			while (cursor.hasNext()) {
				batch.add(cursor.next());
				if (batch.size() == SCAN_BATCH) {
					removed += unlink(connection, batch);
					batch.clear();
				}
			}
			removed += unlink(connection, batch);
		}
		return removed;
	}

	private static long unlink(RedisConnection connection, List<byte[]> keys) {
		if (keys.isEmpty()) {
			return 0;
		}
		// On Redis Cluster, Lettuce splits a multi-key UNLINK by hash slot and sends the parts to their nodes
		// pipelined, then adds up the counts: one round trip's latency per batch instead of one per slot.
		Long removed = connection.keyCommands().unlink(keys.toArray(new byte[0][]));
		return (removed != null) ? removed : 0;
	}

	@SuppressWarnings("unchecked")
	private static @Nullable RedisClusterAsyncCommands<byte[], byte[]> lettuce(RedisConnection connection) {
		// Lettuce's standalone, Sentinel and Cluster connections all expose the asynchronous commands.
		Object nativeConnection = connection.getNativeConnection();
		return (nativeConnection instanceof RedisClusterAsyncCommands<?, ?> commands)
				? (RedisClusterAsyncCommands<byte[], byte[]>) commands : null;
	}

	/** The positions of the keys, grouped by hash slot, slots in the order their first key appears. */
	private static List<List<Integer>> bySlot(List<byte[]> keys) {
		Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			groups.computeIfAbsent(SlotHash.getSlot(keys.get(i)), (slot) -> new ArrayList<>()).add(i);
		}
		return new ArrayList<>(groups.values());
	}

	/** Splits groups larger than {@link #MGET_BATCH}: a huge {@code MGET} would hold Redis up for other clients. */
	private static List<List<Integer>> batches(List<List<Integer>> groups) {
		List<List<Integer>> batches = new ArrayList<>(groups.size());
		for (List<Integer> group : groups) {
			for (int from = 0; from < group.size(); from += MGET_BATCH) {
				batches.add(group.subList(from, Math.min(group.size(), from + MGET_BATCH)));
			}
		}
		return batches;
	}

	private static List<Integer> indices(int size) {
		List<Integer> indices = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			indices.add(i);
		}
		return indices;
	}

	/** Waits for every reply, within the command timeout; the first failure is thrown as it is. */
	private void await(List<? extends Future<?>> replies) {
		long deadline = System.nanoTime() + this.awaitNanos;
		for (Future<?> reply : replies) {
			try {
				reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				throw (cause instanceof RuntimeException runtime) ? runtime
						: new IllegalStateException("A Redis command failed", cause);
			}
			catch (TimeoutException ex) {
				throw new QueryTimeoutException("Redis did not answer a bulk command in time", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for Redis", ex);
			}
		}
	}

	private static <T> T getNow(Future<T> done) {
		try {
			return done.get();
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

}
