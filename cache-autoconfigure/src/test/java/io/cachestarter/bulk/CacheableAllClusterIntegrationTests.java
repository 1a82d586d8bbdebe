package io.cachestarter.bulk;

import java.util.List;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code @CacheableAll} on a three-master Redis Cluster: the same outcomes as on a standalone Redis, with one
 * {@code MGET} per hash slot and never a cross-slot error.
 */
class CacheableAllClusterIntegrationTests extends AbstractCacheableAllIntegrationTests {

	private static RedisClusterGroup cluster;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterGroup.start(3);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Override
	String redisProperty() {
		return "spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes());
	}

	@Override
	List<RedisServer> masters() {
		return cluster.masters();
	}

	@Override
	RedisCommands<String, String> nodeFor(String key) {
		return cluster.masterFor(key).commands();
	}

	@Override
	long maxMgetsFor(int keys) {
		return keys;
	}

}
