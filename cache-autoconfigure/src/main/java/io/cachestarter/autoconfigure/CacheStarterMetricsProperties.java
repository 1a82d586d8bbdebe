package io.cachestarter.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of cache-starter's metrics.
 */
@ConfigurationProperties("cache-starter.metrics")
public class CacheStarterMetricsProperties {

	/**
	 * Whether to publish the starter's meters (its own, the standard cache meters of its caches, and the Redis
	 * server gauges) when Micrometer is present.
	 */
	private boolean enabled = true;

	/**
	 * Time between two samples of Redis INFO for the cache.starter.redis.* gauges.
	 */
	private Duration redisSampleInterval = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRedisSampleInterval() {
		return this.redisSampleInterval;
	}

	public void setRedisSampleInterval(Duration redisSampleInterval) {
		this.redisSampleInterval = redisSampleInterval;
	}

}
