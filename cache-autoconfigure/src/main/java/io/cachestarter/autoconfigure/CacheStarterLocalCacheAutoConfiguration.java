package io.cachestarter.autoconfigure;

import io.cachestarter.local.InvalidationSubscription;
import io.cachestarter.local.LocalNearCacheMeters;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of the L1 near caches, when some cache has {@code local.enabled}: the near caches the cache
 * manager puts in front of Redis, the invalidation subscription that keeps them coherent across instances (on
 * Lettuce), and their meters.
 */
@AutoConfiguration(before = CacheStarterAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnCacheStarter
@Conditional(OnLocalCacheCondition.class)
@EnableConfigurationProperties(CacheStarterProperties.class)
public final class CacheStarterLocalCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LocalNearCaches cacheStarterLocalNearCaches(CacheStarterProperties properties, Environment environment,
			RedisConnectionFactory connectionFactory, RedisGuard redisGuard) {
		return new LocalNearCaches(CacheStarterAutoConfiguration.keyPrefix(properties, environment), redisGuard,
				new CacheStore(connectionFactory));
	}

	/**
	 * Without it (a connection factory other than Lettuce's) the near caches never serve: invalidations could not
	 * reach them.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LettuceConnectionFactory.class)
	InvalidationSubscription cacheStarterInvalidationSubscription(LettuceConnectionFactory connectionFactory,
			LocalNearCaches localNearCaches, RedisGuard redisGuard) {
		return new InvalidationSubscription(connectionFactory, localNearCaches, redisGuard,
				InvalidationSubscription.DEFAULT_PING_INTERVAL, InvalidationSubscription.DEFAULT_PING_DEADLINE);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnBooleanProperty(name = "cache-starter.metrics.enabled", matchIfMissing = true)
	static class LocalNearCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LocalNearCacheMeters cacheStarterLocalNearCacheMeters(LocalNearCaches localNearCaches,
				MeterRegistry meterRegistry) {
			return new LocalNearCacheMeters(localNearCaches, meterRegistry);
		}

	}

}
