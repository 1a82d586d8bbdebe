package io.cachestarter.resilience;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CatalogConfiguration {

	@Bean
	public Catalog catalog() {
		return new Catalog();
	}

	@Bean
	public RecordingMetrics recordingMetrics() {
		return new RecordingMetrics();
	}

}
