package io.cachestarter.autoconfigure;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.metrics.MicrometerCacheStarterMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of cache-starter's own meters ({@code cache.starter.*}) on the application's Micrometer
 * {@link MeterRegistry}.
 */
@AutoConfiguration(before = CacheStarterAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnCacheStarter
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "cache-starter.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheStarterMetricsProperties.class)
public final class CacheStarterMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(CacheStarterMetrics.class)
	MicrometerCacheStarterMetrics cacheStarterMetrics(MeterRegistry meterRegistry) {
		return new MicrometerCacheStarterMetrics(meterRegistry);
	}

}
