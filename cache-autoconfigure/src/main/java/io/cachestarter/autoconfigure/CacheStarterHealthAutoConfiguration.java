package io.cachestarter.autoconfigure;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.health.CacheStarterHealthIndicator;
import io.cachestarter.health.RedisHealthContributorPlaceholder;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.redis.DeniedCommands;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code cacheStarter} health component. While it is active, Spring Boot's own
 * {@code redis} health component is not registered (it would report {@code DOWN} during a Redis outage), unless the
 * application defines a {@code redisHealthIndicator} or {@code redisHealthContributor} bean of its own.
 */
@AutoConfiguration(after = CacheStarterAutoConfiguration.class,
		beforeName = { "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(StarterCacheManager.class)
@ConditionalOnEnabledHealthIndicator("cachestarter")
public final class CacheStarterHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "cacheStarterHealthIndicator")
	CacheStarterHealthIndicator cacheStarterHealthIndicator(StarterCacheManager cacheManager,
			ObjectProvider<DeniedCommands> deniedCommands, ObjectProvider<LocalNearCaches> localNearCaches) {
		LocalNearCaches local = localNearCaches.getIfAvailable();
		return new CacheStarterHealthIndicator(cacheManager.getServices().store(), cacheManager.getServices().guard(),
				deniedCommands.getIfAvailable(DeniedCommands::new),
				() -> (local != null) ? local.state().name() : null);
	}

	@Bean(RedisHealthContributorPlaceholder.BEAN_NAME)
	@ConditionalOnMissingBean(name = { "redisHealthIndicator", RedisHealthContributorPlaceholder.BEAN_NAME })
	RedisHealthContributorPlaceholder redisHealthContributorPlaceholder() {
		return new RedisHealthContributorPlaceholder();
	}

}
