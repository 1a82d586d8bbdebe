package io.cachestarter.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * The Redis command timeout in effect: {@code spring.data.redis.timeout} when the user sets it, else
 * {@code cache-starter.resilience.command-timeout}. Read from the {@link Environment} so that early infrastructure
 * (a bean post-processor) can use it too.
 *
 * @param value the timeout
 * @param userSet whether it comes from {@code spring.data.redis.timeout}
 */
record CommandTimeout(Duration value, boolean userSet) {

	static final String REDIS_TIMEOUT = "spring.data.redis.timeout";

	static final String STARTER_TIMEOUT = "cache-starter.resilience.command-timeout";

	static final Duration DEFAULT = Duration.ofMillis(500);

	static CommandTimeout of(Environment environment) {
		Binder binder = Binder.get(environment);
		Duration redisTimeout = binder.bind(REDIS_TIMEOUT, Duration.class).orElse(null);
		if (redisTimeout != null) {
			return new CommandTimeout(redisTimeout, true);
		}
		Duration starterTimeout = binder.bind(STARTER_TIMEOUT, Duration.class).orElse(DEFAULT);
		if (starterTimeout.isNegative() || starterTimeout.isZero()) {
			throw new InvalidCacheStarterPropertyException(STARTER_TIMEOUT, DurationStyle.SIMPLE.print(starterTimeout),
					"must be greater than 0");
		}
		return new CommandTimeout(starterTimeout, false);
	}

}
