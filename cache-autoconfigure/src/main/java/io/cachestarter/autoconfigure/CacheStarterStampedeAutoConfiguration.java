package io.cachestarter.autoconfigure;

import java.time.Duration;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.LoadCoordinator;
import io.cachestarter.redis.AsyncCacheStore;
import io.cachestarter.redis.AsyncExecutor;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.stampede.RedisLoadCoordinator;
import io.cachestarter.stampede.ReloadExecutor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of distributed single-flight loading ({@code cache-starter.stampede.*}): a
 * {@link RedisLoadCoordinator} replaces the JVM-local default coordinator.
 */
@AutoConfiguration(before = CacheStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnCacheStarter
@ConditionalOnBooleanProperty(name = "cache-starter.stampede.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheStarterProperties.class)
public final class CacheStarterStampedeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LoadCoordinator redisLoadCoordinator(CacheStarterProperties properties, Environment environment,
			RedisConnectionFactory connectionFactory, ReloadExecutor reloadExecutor,
			AsyncExecutor cacheStarterAsyncExecutor, ObjectProvider<RedisGuard> redisGuard,
			ObjectProvider<CacheStarterMetrics> metrics) {
		CacheStarterProperties.Stampede stampede = properties.getStampede();
		Duration lease = checkPositive("lock-lease", stampede.getLockLease());
		Duration waitTimeout = checkPositive("wait-timeout", stampede.getWaitTimeout());
		// The guard is looked up on first use: whichever capability supplies it may itself depend on the cache.
		CacheStore store = new CacheStore(connectionFactory);
		return new RedisLoadCoordinator(reloadExecutor, cacheStarterAsyncExecutor,
				metrics.getIfAvailable(CacheStarterMetrics::noop), store,
				AsyncCacheStore.create(connectionFactory, store, cacheStarterAsyncExecutor),
				SingletonSupplier.of(redisGuard::getObject),
				CacheStarterAutoConfiguration.keyPrefix(properties, environment), lease, waitTimeout);
	}

	/** Checks what the cache manager checks too, since this bean is created first; Redis counts in milliseconds. */
	private static Duration checkPositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw invalid(name, value, "must be greater than 0");
		}
		if (value.toMillis() < 1) {
			throw invalid(name, value, "must be at least 1ms");
		}
		return value;
	}

	private static InvalidCacheStarterPropertyException invalid(String name, Duration value, String rule) {
		return new InvalidCacheStarterPropertyException("cache-starter.stampede." + name,
				DurationStyle.SIMPLE.print(value), rule);
	}

}
