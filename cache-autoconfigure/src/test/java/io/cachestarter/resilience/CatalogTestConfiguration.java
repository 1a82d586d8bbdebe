package io.cachestarter.resilience;

import io.cachestarter.testapp.RecordingMetrics;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with caching enabled, the {@link Catalog} service, and metrics that can be inspected.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CatalogTestConfiguration {

	@Bean
	public Catalog catalog() {
		return new Catalog();
	}

	@Bean
	public RecordingMetrics recordingMetrics() {
		return new RecordingMetrics();
	}

}
