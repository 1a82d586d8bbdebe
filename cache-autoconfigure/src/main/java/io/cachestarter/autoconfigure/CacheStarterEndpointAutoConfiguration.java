package io.cachestarter.autoconfigure;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.endpoint.CacheStarterEndpoint;
import io.cachestarter.endpoint.CacheStarterEndpointWebExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code cachestarter} actuator endpoint.
 */
@AutoConfiguration(after = CacheStarterAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(StarterCacheManager.class)
@ConditionalOnAvailableEndpoint(CacheStarterEndpoint.class)
public final class CacheStarterEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CacheStarterEndpoint cacheStarterEndpoint(StarterCacheManager cacheManager,
			ObjectProvider<TagInvalidator> tagInvalidator) {
		return new CacheStarterEndpoint(cacheManager, tagInvalidator);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(CacheStarterEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	CacheStarterEndpointWebExtension cacheStarterEndpointWebExtension(CacheStarterEndpoint endpoint) {
		return new CacheStarterEndpointWebExtension(endpoint);
	}

}
