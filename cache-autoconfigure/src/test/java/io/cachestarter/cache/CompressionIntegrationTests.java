package io.cachestarter.cache;

import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compression against a standalone Redis.
 */
class CompressionIntegrationTests extends AbstractCompressionIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Override
	String redisProperty() {
		return "spring.data.redis.url=" + redis.uri();
	}

	@Override
	void flushAll() {
		redis.server().flushAll();
	}

	@AfterEach
	void everyKeyTheStarterWroteHasATtl() {
		StarterRedisCacheIntegrationTests.assertEveryKeyHasTtl(redis.commands());
	}

}
