package io.cachestarter.stampede;

import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with caching enabled and a {@link HotService} over the context's {@link SlowDatabase} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class HotServiceConfiguration {

	@Bean
	public HotService hotService(SlowDatabase database) {
		return new HotService(database);
	}

}
