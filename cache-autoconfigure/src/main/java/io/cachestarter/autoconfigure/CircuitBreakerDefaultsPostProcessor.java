package io.cachestarter.autoconfigure;

import io.cachestarter.resilience.CircuitBreakerDefaults;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adds the starter's defaults for the circuit breaker {@code redisCache} to the bound
 * {@code resilience4j.circuitbreaker} properties, before Resilience4j builds its registry from them, for every
 * setting the user left unset. The user's properties therefore win key by key, and their
 * {@code CircuitBreakerConfigCustomizer}s still run last, as Resilience4j documents.
 */
final class CircuitBreakerDefaultsPostProcessor implements BeanPostProcessor {

	private final CircuitBreakerDefaults defaults;

	CircuitBreakerDefaultsPostProcessor(CircuitBreakerDefaults defaults) {
		this.defaults = defaults;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof CommonCircuitBreakerConfigurationProperties properties) {
			this.defaults.applyTo(properties);
		}
		return bean;
	}

}
