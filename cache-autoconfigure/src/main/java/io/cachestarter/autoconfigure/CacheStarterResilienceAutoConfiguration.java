package io.cachestarter.autoconfigure;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.redis.AsyncExecutor;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.CircuitBreakerDefaults;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of resilience: the Resilience4j circuit breaker {@code redisCache} around every Redis call of
 * the starter (with database fallback and a replay log of failed removals), and Lettuce settings that bound how
 * long a call waits for Redis. With {@code cache-starter.resilience.enabled=false} only the Lettuce settings apply
 * and the plain fail-safe guard is used.
 */
@AutoConfiguration(before = CacheStarterAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnClass({ CacheManager.class, RedisConnectionFactory.class })
@ConditionalOnCacheStarter
@EnableConfigurationProperties(CacheStarterProperties.class)
public final class CacheStarterResilienceAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisClient.class)
	static class LettuceBoundedWaitingConfiguration {

		@Bean
		LettuceFailFastCustomizer cacheStarterLettuceCustomizer(Environment environment) {
			return new LettuceFailFastCustomizer(environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(prefix = "cache-starter.resilience", name = "enabled", havingValue = "true",
			matchIfMissing = true)
	static class CircuitBreakerGuardConfiguration {

		@Bean
		static CircuitBreakerDefaultsPostProcessor cacheStarterCircuitBreakerDefaults(Environment environment) {
			return new CircuitBreakerDefaultsPostProcessor(
					new CircuitBreakerDefaults(CommandTimeout.of(environment).value()));
		}

		@Bean
		@ConditionalOnMissingBean(RedisGuard.class)
		CircuitBreakerRedisGuard circuitBreakerRedisGuard(CacheStarterProperties properties, Environment environment,
				ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
				ObjectProvider<CacheStarterMetrics> metrics, ObjectProvider<StarterCacheManager> cacheManager,
				AsyncExecutor cacheStarterAsyncExecutor) {
			int replayLogSize = properties.getResilience().getReplayLogSize();
			if (replayLogSize <= 0) {
				throw new InvalidCacheStarterPropertyException("cache-starter.resilience.replay-log-size",
						replayLogSize, "must be greater than 0");
			}
			CommandTimeout commandTimeout = CommandTimeout.of(environment);
			CircuitBreakerDefaults defaults = new CircuitBreakerDefaults(commandTimeout.value());
			// Without resilience4j's auto-configuration (or with a registry of the user's that lacks the instance),
			// the breaker is built from the starter's defaults alone.
			CircuitBreakerRegistry registry = circuitBreakerRegistry
				.getIfAvailable(() -> CircuitBreakerRegistry.of(defaults.toConfig()));
			CircuitBreaker circuitBreaker = registry.find(CircuitBreakerDefaults.INSTANCE_NAME)
				.orElseGet(() -> registry.circuitBreaker(CircuitBreakerDefaults.INSTANCE_NAME, defaults.toConfig()));
			return new CircuitBreakerRedisGuard(circuitBreaker, metrics.getIfAvailable(CacheStarterMetrics::noop),
					replayLogSize, new CacheManagerClearer(cacheManager), commandTimeout.value(),
					cacheStarterAsyncExecutor);
		}

	}

}
