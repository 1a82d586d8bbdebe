package io.cachestarter.autoconfigure;

import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.cachestarter.resilience.FailoverFollower;
import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the {@link FailoverFollower}: makes the Lettuce client follow a Redis failover it cannot
 * notice by itself (a frozen primary), when the starter's circuit breaker guards the Redis calls. Off with
 * {@code cache-starter.resilience.follow-failover=false}.
 */
@AutoConfiguration(after = CacheStarterResilienceAutoConfiguration.class, before = CacheStarterAutoConfiguration.class)
@ConditionalOnClass({ RedisClient.class, LettuceConnectionFactory.class })
@ConditionalOnCacheStarter
@ConditionalOnBean({ LettuceConnectionFactory.class, CircuitBreakerRedisGuard.class })
@ConditionalOnProperty(prefix = "cache-starter.resilience", name = "follow-failover", havingValue = "true",
		matchIfMissing = true)
public final class CacheStarterFailoverAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FailoverFollower cacheStarterFailoverFollower(LettuceConnectionFactory connectionFactory,
			CircuitBreakerRedisGuard guard) {
		return new FailoverFollower(connectionFactory, guard.getCircuitBreaker());
	}

}
