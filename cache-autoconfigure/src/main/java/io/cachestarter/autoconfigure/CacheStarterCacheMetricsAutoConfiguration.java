package io.cachestarter.autoconfigure;

import java.util.List;

import io.cachestarter.cache.CacheServices;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.metrics.RedisServerMetrics;
import io.cachestarter.metrics.StarterCacheMeterBinderProvider;
import io.cachestarter.metrics.StarterCacheMetricsBinding;
import io.cachestarter.redis.DeniedCommands;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the meters of cache-starter's caches (Spring Boot's standard {@code cache.gets},
 * {@code cache.puts}, {@code cache.evictions}, for every cache including those created on first use) and of the
 * Redis server behind them ({@code cache.starter.redis.*}, sampled on a schedule).
 * <p>
 * Runs before Spring Boot's cache metrics auto-configuration so that its {@link CacheMetricsRegistrar} finds the
 * binder provider of the starter's caches; both bind with the same tags.
 */
@AutoConfiguration(after = CacheStarterAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		beforeName = "org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, CacheMeterBinderProvider.class })
@ConditionalOnBean({ StarterCacheManager.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "cache-starter.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheStarterMetricsProperties.class)
public final class CacheStarterCacheMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StarterCacheMeterBinderProvider starterCacheMeterBinderProvider() {
		return new StarterCacheMeterBinderProvider();
	}

	@Bean
	@ConditionalOnMissingBean
	StarterCacheMetricsBinding starterCacheMetricsBinding(StarterCacheManager cacheManager,
			ListableBeanFactory beanFactory, MeterRegistry meterRegistry,
			StarterCacheMeterBinderProvider binderProvider, ObjectProvider<CacheMetricsRegistrar> registrar) {
		String[] names = beanFactory.getBeanNamesForType(StarterCacheManager.class);
		String cacheManagerName = (names.length == 1) ? names[0] : "cacheManager";
		return new StarterCacheMetricsBinding(cacheManager, cacheManagerName, meterRegistry,
				registrar.getIfAvailable(() -> new CacheMetricsRegistrar(meterRegistry, List.of(binderProvider))));
	}

	@Bean
	@ConditionalOnMissingBean
	RedisServerMetrics cacheStarterRedisServerMetrics(StarterCacheManager cacheManager,
			MeterRegistry meterRegistry, CacheStarterMetricsProperties properties,
			ObjectProvider<DeniedCommands> deniedCommands) {
		CacheServices services = cacheManager.getServices();
		return new RedisServerMetrics(services.store(), services.guard(), meterRegistry,
				properties.getRedisSampleInterval(), deniedCommands.getIfAvailable(DeniedCommands::new));
	}

}
