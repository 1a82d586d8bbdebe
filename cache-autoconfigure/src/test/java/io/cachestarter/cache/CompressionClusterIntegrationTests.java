package io.cachestarter.cache;

import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Compression on a three-master Redis Cluster: the same outcomes as on a standalone Redis, with the entries of
 * each test in different slots.
 */
class CompressionClusterIntegrationTests extends AbstractCompressionIntegrationTests {

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
	void flushAll() {
		cluster.servers().forEach(RedisServer::flushAll);
	}

}
