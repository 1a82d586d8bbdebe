package io.cachestarter.matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;

/**
 * What a row of the matrix reads in Redis, and how it breaks it, independent of the topology: every command goes to
 * the master that serves the key, as the default user on the plain port.
 */
abstract class RedisAdmin {

	static RedisAdmin of(RedisServer server) {
		return new RedisAdmin() {

			@Override
			RedisServer masterFor(String key) {
				return server;
			}

			@Override
			List<RedisServer> masters() {
				return List.of(server);
			}

		};
	}

	static RedisAdmin of(RedisClusterGroup cluster) {
		return new RedisAdmin() {

			@Override
			RedisServer masterFor(String key) {
				return cluster.masterFor(key);
			}

			@Override
			List<RedisServer> masters() {
				return cluster.masters();
			}

		};
	}

	/** The master that serves {@code key}. */
	abstract RedisServer masterFor(String key);

	abstract List<RedisServer> masters();

	@Nullable String get(String key) {
		return commands(key).get(key);
	}

	long pttl(String key) {
		return commands(key).pttl(key);
	}

	/** How many of the keys exist, each asked on its own master. */
	long exists(List<String> keys) {
		return keys.stream().mapToLong((key) -> commands(key).exists(key)).sum();
	}

	Set<String> smembers(String key) {
		return commands(key).smembers(key);
	}

	/** Every key matching {@code pattern} on every master, found with {@code SCAN}. */
	List<String> keys(String pattern) {
		List<String> keys = new ArrayList<>();
		for (RedisServer master : masters()) {
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				KeyScanCursor<String> page = master.commands().scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
				keys.addAll(page.getKeys());
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		return keys;
	}

	/** Clears {@code INFO commandstats} on every master. */
	void resetStats() {
		masters().forEach((master) -> master.commands().configResetstat());
	}

	/** How often {@code command} ran on all masters since {@link #resetStats()}, from {@code INFO commandstats}. */
	long calls(String command) {
		long calls = 0;
		for (RedisServer master : masters()) {
			for (String line : master.commands().info("commandstats").split("\r?\n")) {
				if (line.startsWith("cmdstat_" + command + ":")) {
					String figure = line.substring(line.indexOf("calls=") + "calls=".length());
					calls += Long.parseLong(figure.substring(0, figure.indexOf(',')));
				}
			}
		}
		return calls;
	}

	/**
	 * Freezes the master that serves {@code key} with {@code SIGSTOP}, until the returned outage is closed.
	 * @param key a key on the master to freeze
	 * @return the outage; closing it continues the master
	 */
	Outage pause(String key) {
		RedisServer master = masterFor(key);
		master.pause();
		return master::resume;
	}

	private RedisCommands<String, String> commands(String key) {
		return masterFor(key).commands();
	}

	/** A master frozen until closed. */
	@FunctionalInterface
	interface Outage extends AutoCloseable {

		@Override
		void close();

	}

}
