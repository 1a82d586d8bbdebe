package io.cachestarter.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.util.Assert;

/**
 * The Redis commands of the cache, on raw bytes, over Spring Data Redis's connection factory (standalone, Sentinel
 * or Cluster alike). Every write sets a TTL; nothing here uses {@code KEYS}. Calls are synchronous: a write has
 * reached Redis when the method returns. Failures propagate: callers go through a guard.
 */
public final class CacheStore {

	private static final LuaScript SET_IF_NEWER = LuaScript.load(CacheStore.class, "set-if-newer.lua");

	private static final LuaScript SET_IF_ABSENT = LuaScript.load(CacheStore.class, "set-if-absent.lua");

	private static final int SCAN_BATCH = 500;

	private final RedisConnectionFactory connectionFactory;

	public CacheStore(RedisConnectionFactory connectionFactory) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		this.connectionFactory = connectionFactory;
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

	static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

}
