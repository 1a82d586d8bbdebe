package io.cachestarter.testapp;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with caching enabled and one cached service.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CatalogConfiguration {

	@Bean
	public CatalogService catalogService() {
		return new CatalogService();
	}

}
