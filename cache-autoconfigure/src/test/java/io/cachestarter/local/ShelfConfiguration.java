package io.cachestarter.local;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application instance: caching on, one {@link Shelf} over the database the test shares between instances.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
class ShelfConfiguration {

	@Bean
	Shelf shelf(ShelfDatabase database) {
		return new Shelf(database);
	}

}
