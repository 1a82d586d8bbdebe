package io.cachestarter.metrics;

import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * The figures of Redis {@code INFO} that the starter publishes as gauges. A figure Redis did not report is
 * {@link Double#NaN}.
 *
 * @param usedMemory {@code used_memory} in bytes
 * @param maxMemory {@code maxmemory} in bytes (0: no limit)
 * @param evictedKeys {@code evicted_keys} since the server started or its statistics were reset
 * @param keyspaceHits {@code keyspace_hits}, same
 * @param keyspaceMisses {@code keyspace_misses}, same
 * @param connectedClients {@code connected_clients}
 * @param maxmemoryPolicy {@code maxmemory_policy}, or {@code null} if not reported
 */
record RedisServerInfo(double usedMemory, double maxMemory, double evictedKeys, double keyspaceHits,
		double keyspaceMisses, double connectedClients, @Nullable String maxmemoryPolicy) {

	/** Nothing known: every figure is NaN. */
	static final RedisServerInfo UNKNOWN = new RedisServerInfo(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
			Double.NaN, Double.NaN, null);

	static RedisServerInfo of(Properties info) {
		return new RedisServerInfo(number(info, "used_memory"), number(info, "maxmemory"),
				number(info, "evicted_keys"), number(info, "keyspace_hits"), number(info, "keyspace_misses"),
				number(info, "connected_clients"), text(info, "maxmemory_policy"));
	}

	/**
	 * Adds another server's figures (the masters of a cluster); the policy is this one's if known.
	 * @param other the other server
	 * @return the sums
	 */
	RedisServerInfo plus(RedisServerInfo other) {
		return new RedisServerInfo(this.usedMemory + other.usedMemory, this.maxMemory + other.maxMemory,
				this.evictedKeys + other.evictedKeys, this.keyspaceHits + other.keyspaceHits,
				this.keyspaceMisses + other.keyspaceMisses, this.connectedClients + other.connectedClients,
				(this.maxmemoryPolicy != null) ? this.maxmemoryPolicy : other.maxmemoryPolicy);
	}

	private static double number(Properties info, String name) {
		String value = text(info, name);
		if (value == null) {
			return Double.NaN;
		}
		try {
			return Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	private static @Nullable String text(Properties info, String name) {
		String value = info.getProperty(name);
		return (value != null) ? value.trim() : null;
	}

}
