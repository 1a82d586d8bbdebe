package io.cachestarter.local;

import java.time.Duration;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterFailoverAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterLocalCacheAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterWriteThroughAutoConfiguration;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.redis.RedisGuard;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * Application instances with the L1 near cache on for the cache {@code items}, sharing one Redis and one database.
 */
final class NearCacheInstances {

	static final Duration DEADLINE = Duration.ofSeconds(10);

	/** A faster liveness ping than the default, so that the fault tests do not wait seconds for each detection. */
	static final Duration PING_INTERVAL = Duration.ofMillis(100);

	static final Duration PING_DEADLINE = Duration.ofMillis(600);

	private NearCacheInstances() {
	}

	static ApplicationContextRunner runner(ShelfDatabase database, String... redisProperties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterFailoverAutoConfiguration.class,
					CacheStarterTagsAutoConfiguration.class, CacheStarterBulkAutoConfiguration.class,
					CacheStarterWriteThroughAutoConfiguration.class, CacheStarterLocalCacheAutoConfiguration.class))
			.withUserConfiguration(ShelfConfiguration.class)
			.withBean(ShelfDatabase.class, () -> database)
			.withUserConfiguration(FastPing.class)
			.withPropertyValues(redisProperties)
			.withPropertyValues("spring.application.name=shelf", "cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.caches.items.local.enabled=true", "cache-starter.resilience.command-timeout=300ms",
					"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=500ms");
	}

	static LocalNearCaches nearCaches(ApplicationContext context) {
		return context.getBean(LocalNearCaches.class);
	}

	static LocalNearCache items(ApplicationContext context) {
		return (LocalNearCache) context.getBean(StarterCacheManager.class).getStarterCache("items").getNearCache();
	}

	static String redisKey(long id) {
		return "shelf:items:v1::" + id;
	}

	static void awaitListening(ApplicationContext... contexts) {
		for (ApplicationContext context : contexts) {
			await().atMost(DEADLINE)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> nearCaches(context).state() == LocalNearCaches.State.LISTENING);
		}
	}

	/** The subscription with a faster ping. */
	@Configuration(proxyBeanMethods = false)
	static class FastPing {

		@Bean
		InvalidationSubscription cacheStarterInvalidationSubscription(LettuceConnectionFactory connectionFactory,
				LocalNearCaches localNearCaches, RedisGuard redisGuard) {
			return new InvalidationSubscription(connectionFactory, localNearCaches, redisGuard, PING_INTERVAL,
					PING_DEADLINE);
		}

	}

}
