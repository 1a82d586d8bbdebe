package io.cachestarter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code cache-starter.enabled=false}, or the user chose another cache type with
 * {@code spring.cache.type} (anything but {@code redis}), in which case Spring Boot's cache auto-configuration
 * stays in charge.
 */
class OnCacheStarterCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		if (!environment.getProperty("cache-starter.enabled", Boolean.class, true)) {
			return ConditionOutcome.noMatch("cache-starter.enabled is false");
		}
		String cacheType = environment.getProperty("spring.cache.type");
		if (cacheType != null && !cacheType.isBlank() && !cacheType.trim().equalsIgnoreCase("redis")) {
			return ConditionOutcome.noMatch("spring.cache.type is " + cacheType);
		}
		return ConditionOutcome.match("cache-starter is enabled");
	}

}
