package io.cachestarter.bulk;

import java.util.List;

import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.test.redis.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code @CacheableAll} against a standalone Redis: one {@code MGET} per read.
 */
class CacheableAllIntegrationTests extends AbstractCacheableAllIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Override
	String redisProperty() {
		return "spring.data.redis.url=" + redis.uri();
	}

	@Override
	List<RedisServer> masters() {
		return List.of(redis.server());
	}

	@Override
	RedisCommands<String, String> nodeFor(String key) {
		return redis.commands();
	}

	@Override
	long maxMgetsFor(int keys) {
		return 1;
	}

}
