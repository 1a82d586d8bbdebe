package io.cachestarter.async;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with caching enabled and one service of asynchronous cached methods.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class ReactiveCatalogConfiguration {

	@Bean(destroyMethod = "close")
	public ReactiveCatalog reactiveCatalog() {
		return new ReactiveCatalog();
	}

}
