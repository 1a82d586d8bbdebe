package io.cachestarter.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties.InstanceProperties;
import org.jspecify.annotations.Nullable;

/**
 * The starter's settings for the circuit breaker {@value #INSTANCE_NAME}, tuned for a cache: judge early, on few
 * calls, and come back soon. Resilience4j's own defaults (100 calls before it judges, a 60 s slow-call threshold)
 * barely notice a Redis outage.
 * <p>
 * Every setting applies only where the user left it unset: on
 * {@code resilience4j.circuitbreaker.instances.redisCache.*}, on the config it names as {@code base-config}, or on
 * {@code resilience4j.circuitbreaker.configs.default.*}.
 */
public final class CircuitBreakerDefaults {

	/** The name of the Resilience4j circuit breaker instance around every Redis call of the starter. */
	public static final String INSTANCE_NAME = "redisCache";

	static final SlidingWindowType SLIDING_WINDOW_TYPE = SlidingWindowType.COUNT_BASED;

	static final int SLIDING_WINDOW_SIZE = 20;

	static final int MINIMUM_NUMBER_OF_CALLS = 10;

	static final float FAILURE_RATE_THRESHOLD = 50;

	static final float SLOW_CALL_RATE_THRESHOLD = 50;

	static final Duration WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(5);

	static final int PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE = 3;

	static final Duration MAX_WAIT_DURATION_IN_HALF_OPEN_STATE = Duration.ofSeconds(5);

	private static final String DEFAULT_CONFIG = "default";

	private final Duration slowCallDurationThreshold;

	/**
	 * Creates the defaults for a command timeout.
	 * @param commandTimeout the Redis command timeout in effect; a call half as slow counts as slow
	 */
	public CircuitBreakerDefaults(Duration commandTimeout) {
		if (commandTimeout.isNegative() || commandTimeout.isZero()) {
			throw new IllegalArgumentException("'commandTimeout' must be positive");
		}
		this.slowCallDurationThreshold = commandTimeout.dividedBy(2);
	}

	/**
	 * Returns the slow-call threshold: half the command timeout.
	 * @return the threshold
	 */
	public Duration slowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	/**
	 * Fills in the settings of {@value #INSTANCE_NAME} that the bound properties leave unset, so that Resilience4j
	 * builds the instance from the user's settings where given and from these defaults elsewhere (user
	 * {@code CircuitBreakerConfigCustomizer}s still run last).
	 * @param properties the bound {@code resilience4j.circuitbreaker} properties
	 */
	public void applyTo(CommonCircuitBreakerConfigurationProperties properties) {
		InstanceProperties instance = properties.getInstances().computeIfAbsent(INSTANCE_NAME,
				(name) -> new InstanceProperties());
		List<InstanceProperties> declared = inheritanceChain(instance, properties.getConfigs());
		fill(declared, instance, InstanceProperties::getSlidingWindowType, InstanceProperties::setSlidingWindowType,
				SLIDING_WINDOW_TYPE);
		fill(declared, instance, InstanceProperties::getSlidingWindowSize, InstanceProperties::setSlidingWindowSize,
				SLIDING_WINDOW_SIZE);
		fill(declared, instance, InstanceProperties::getMinimumNumberOfCalls,
				InstanceProperties::setMinimumNumberOfCalls, MINIMUM_NUMBER_OF_CALLS);
		fill(declared, instance, InstanceProperties::getFailureRateThreshold,
				InstanceProperties::setFailureRateThreshold, FAILURE_RATE_THRESHOLD);
		fill(declared, instance, InstanceProperties::getSlowCallRateThreshold,
				InstanceProperties::setSlowCallRateThreshold, SLOW_CALL_RATE_THRESHOLD);
		fill(declared, instance, InstanceProperties::getSlowCallDurationThreshold,
				InstanceProperties::setSlowCallDurationThreshold, this.slowCallDurationThreshold);
		fill(declared, instance, InstanceProperties::getWaitDurationInOpenState,
				InstanceProperties::setWaitDurationInOpenState, WAIT_DURATION_IN_OPEN_STATE);
		fill(declared, instance, InstanceProperties::getAutomaticTransitionFromOpenToHalfOpenEnabled,
				InstanceProperties::setAutomaticTransitionFromOpenToHalfOpenEnabled, Boolean.TRUE);
		fill(declared, instance, InstanceProperties::getPermittedNumberOfCallsInHalfOpenState,
				InstanceProperties::setPermittedNumberOfCallsInHalfOpenState,
				PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE);
		fill(declared, instance, InstanceProperties::getMaxWaitDurationInHalfOpenState,
				InstanceProperties::setMaxWaitDurationInHalfOpenState, MAX_WAIT_DURATION_IN_HALF_OPEN_STATE);
	}

	/**
	 * Returns a configuration of these defaults alone, for a registry that has no {@value #INSTANCE_NAME} instance
	 * (for example one the user defined without it).
	 * @return the configuration
	 */
	public CircuitBreakerConfig toConfig() {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(SLIDING_WINDOW_TYPE)
			.slidingWindowSize(SLIDING_WINDOW_SIZE)
			.minimumNumberOfCalls(MINIMUM_NUMBER_OF_CALLS)
			.failureRateThreshold(FAILURE_RATE_THRESHOLD)
			.slowCallRateThreshold(SLOW_CALL_RATE_THRESHOLD)
			.slowCallDurationThreshold(this.slowCallDurationThreshold)
			.waitDurationInOpenState(WAIT_DURATION_IN_OPEN_STATE)
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.permittedNumberOfCallsInHalfOpenState(PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE)
			.maxWaitDurationInHalfOpenState(MAX_WAIT_DURATION_IN_HALF_OPEN_STATE)
			.build();
	}

	/**
	 * The properties Resilience4j builds the instance from, nearest first: the instance itself, then its
	 * {@code base-config} chain, or else {@code configs.redisCache}, or else {@code configs.default}.
	 */
	private static List<InstanceProperties> inheritanceChain(InstanceProperties instance,
			Map<String, InstanceProperties> configs) {
		List<InstanceProperties> chain = new ArrayList<>();
		chain.add(instance);
		String baseConfig = instance.getBaseConfig();
		InstanceProperties parent;
		if (baseConfig != null && !baseConfig.isEmpty()) {
			parent = configs.get(baseConfig);
		}
		else {
			parent = configs.containsKey(INSTANCE_NAME) ? configs.get(INSTANCE_NAME) : configs.get(DEFAULT_CONFIG);
		}
		while (parent != null && !containsSame(chain, parent)) {
			chain.add(parent);
			String next = parent.getBaseConfig();
			parent = (next != null && !next.isEmpty()) ? configs.get(next) : null;
		}
		return chain;
	}

	private static boolean containsSame(List<InstanceProperties> chain, InstanceProperties candidate) {
		for (InstanceProperties properties : chain) {
			if (properties == candidate) {
				return true;
			}
		}
		return false;
	}

	private static <V> void fill(List<InstanceProperties> declared, InstanceProperties instance,
			Function<InstanceProperties, @Nullable V> getter, BiConsumer<InstanceProperties, V> setter, V value) {
		if (declared.stream().map(getter).allMatch(Objects::isNull)) {
			setter.accept(instance, value);
		}
	}

}
