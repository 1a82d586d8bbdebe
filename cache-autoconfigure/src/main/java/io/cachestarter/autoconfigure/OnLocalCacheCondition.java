package io.cachestarter.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when some cache has the L1 near cache on: {@code cache-starter.defaults.local.enabled} or
 * {@code cache-starter.caches.<name>.local.enabled} is {@code true}.
 */
final class OnLocalCacheCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		if (binder.bind("cache-starter.defaults.local.enabled", Boolean.class).orElse(false)) {
			return ConditionOutcome.match("cache-starter.defaults.local.enabled is true");
		}
		Map<String, CacheStarterProperties.CacheSpec> caches = binder
			.bind("cache-starter.caches", Bindable.mapOf(String.class, CacheStarterProperties.CacheSpec.class))
			.orElse(Map.of());
		for (Map.Entry<String, CacheStarterProperties.CacheSpec> cache : caches.entrySet()) {
			if (Boolean.TRUE.equals(cache.getValue().getLocal().getEnabled())) {
				return ConditionOutcome.match("cache-starter.caches." + cache.getKey() + ".local.enabled is true");
			}
		}
		return ConditionOutcome.noMatch("no cache has local.enabled true");
	}

}
