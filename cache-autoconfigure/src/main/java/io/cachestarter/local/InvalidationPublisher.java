package io.cachestarter.local;

import java.util.List;

import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;

import org.springframework.data.redis.connection.RedisClusterConnection;

/**
 * The publishing side of the invalidation channel.
 */
@FunctionalInterface
interface InvalidationPublisher {

	/** Publishes nothing (before the subscription is set up, or without one). */
	InvalidationPublisher NONE = (message) -> {
	};

	/**
	 * Publishes a message; never throws.
	 * @param message the encoded message
	 */
	void publish(byte[] message);

	/**
	 * Publishes on Redis through the starter's guard, with {@code SPUBLISH} on a cluster (to the shard that owns the
	 * channel's slot) and {@code PUBLISH} otherwise.
	 * @param store the starter's Redis commands
	 * @param guard the guard every Redis call goes through; a failure is counted there, never thrown
	 * @param channel the channel
	 * @return the publisher
	 */
	static InvalidationPublisher redis(CacheStore store, RedisGuard guard, byte[] channel) {
		return (message) -> guard.run(RedisGuard.ALL_CACHES, RedisOperation.PUBLISH, () -> store.execute((connection) -> {
			if (connection instanceof RedisClusterConnection cluster) {
				return cluster.execute("SPUBLISH", channel, List.of(message));
			}
			return connection.publish(channel, message);
		}));
	}

}
