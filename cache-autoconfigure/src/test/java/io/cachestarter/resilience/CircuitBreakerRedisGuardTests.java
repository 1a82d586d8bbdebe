package io.cachestarter.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.testapp.RecordingMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard's own logic with a real Resilience4j breaker and in-memory "Redis calls": fallbacks, what counts against
 * the breaker, replay order, and the overflow rule.
 */
class CircuitBreakerRedisGuardTests {

	private final CircuitBreaker breaker = CircuitBreaker.of("redisCache",
			new CircuitBreakerDefaults(Duration.ofMillis(500)).toConfig());

	private final RecordingMetrics metrics = new RecordingMetrics();

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final CircuitBreakerRedisGuard guard = new CircuitBreakerRedisGuard(this.breaker, this.metrics, 2,
			(cache) -> this.calls.add("clear:" + cache), Duration.ofMillis(500), Runnable::run);

	@Test
	void openBreakerFallsBackWithoutRunningTheCall() {
		this.breaker.transitionToForcedOpenState();
		String result = this.guard.call("products", RedisOperation.GET, () -> record("get"), () -> "fallback");
		assertThat(result).isEqualTo("fallback");
		assertThat(this.calls).isEmpty();
		assertThat(this.metrics.count("fallback:products:circuit_open")).isEqualTo(1);
		assertThat(this.guard.isAvailable()).isFalse();
	}

	@Test
	void failuresFallBackWithTheirReasonAndCountAgainstTheBreaker() {
		String refused = this.guard.call("products", RedisOperation.GET, () -> {
			throw new RedisConnectionFailureException("refused");
		}, () -> "fallback");
		boolean written = this.guard.run("others", RedisOperation.PUT, () -> {
			throw new QueryTimeoutException("timed out");
		});
		assertThat(refused).isEqualTo("fallback");
		assertThat(written).isFalse();
		assertThat(this.metrics.count("fallback:products:error")).isEqualTo(1);
		assertThat(this.metrics.count("fallback:others:timeout")).isEqualTo(1);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
	}

	@Test
	void writeOfTheValueLoadedAfterAFailedReadIsSkippedSoThatACallWaitsOnce() {
		this.guard.call("products", RedisOperation.GET, () -> {
			throw new QueryTimeoutException("timed out");
		}, () -> null);
		assertThat(this.guard.run("products", RedisOperation.PUT, () -> record("put"))).isFalse();
		assertThat(this.calls).isEmpty();
		assertThat(this.metrics.count("fallback:products:timeout")).isEqualTo(2);
		// Only that one write: the next one goes to Redis.
		assertThat(this.guard.run("products", RedisOperation.PUT, () -> record("put"))).isTrue();
		assertThat(this.calls).containsExactly("put");
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void successIsReturnedAndRecorded() {
		assertThat(this.guard.call("products", RedisOperation.GET, () -> record("get"), () -> "fallback"))
			.isEqualTo("get");
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(this.metrics.count("fallback:products:error")).isZero();
	}

	@Test
	void deferredRemovalsAreReplayedInOrderBeforeTheNextCall() {
		this.breaker.transitionToForcedOpenState();
		assertThat(this.guard.remove("products", RedisOperation.EVICT, () -> record("evict-1"))).isFalse();
		assertThat(this.guard.remove("products", RedisOperation.EVICT, () -> record("evict-2"))).isFalse();
		assertThat(this.guard.getPendingRemovals()).isEqualTo(2);
		this.breaker.transitionToClosedState();

		assertThat(this.guard.call("products", RedisOperation.GET, () -> record("get"), () -> "fallback"))
			.isEqualTo("get");
		assertThat(this.calls).containsExactly("evict-1", "evict-2", "get");
		assertThat(this.guard.getPendingRemovals()).isZero();
	}

	@Test
	void callFallsBackWhileTheReplayFails() {
		AtomicBoolean redisUp = new AtomicBoolean(false);
		Runnable removal = () -> {
			if (!redisUp.get()) {
				throw new RedisConnectionFailureException("refused");
			}
			record("evict");
		};
		assertThat(this.guard.remove("products", RedisOperation.EVICT, removal)).isFalse();
		assertThat(this.guard.call("products", RedisOperation.GET, () -> record("get"), () -> "fallback"))
			.isEqualTo("fallback");
		assertThat(this.calls).isEmpty();

		redisUp.set(true);
		assertThat(this.guard.call("products", RedisOperation.GET, () -> record("get"), () -> "fallback"))
			.isEqualTo("get");
		assertThat(this.calls).containsExactly("evict", "get");
	}

	@Test
	void overflowClearsTheCacheInsteadOfItsRemovalsAndCountsIt() {
		this.breaker.transitionToForcedOpenState();
		this.guard.remove("products", RedisOperation.EVICT, () -> record("products-1"));
		this.guard.remove("others", RedisOperation.EVICT, () -> record("others-1"));
		this.guard.remove("products", RedisOperation.EVICT, () -> record("products-2"));
		this.guard.remove("products", RedisOperation.EVICT, () -> record("products-3"));
		assertThat(this.metrics.count("error:products:replay_overflow")).isEqualTo(1);
		this.breaker.transitionToClosedState();

		this.guard.call("others", RedisOperation.GET, () -> record("get"), () -> "fallback");
		assertThat(this.calls).containsExactly("clear:products", "others-1", "get");
	}

	@Test
	void overflowOfARemovalAcrossCachesClearsEveryCache() {
		this.breaker.transitionToForcedOpenState();
		this.guard.remove("products", RedisOperation.EVICT, () -> record("products-1"));
		this.guard.remove("others", RedisOperation.EVICT, () -> record("others-1"));
		this.guard.remove(RedisGuard.ALL_CACHES, RedisOperation.INVALIDATE, () -> record("tag"));
		this.guard.remove("others", RedisOperation.EVICT, () -> record("others-2"));
		this.breaker.transitionToClosedState();

		this.guard.call("others", RedisOperation.GET, () -> record("get"), () -> "fallback");
		assertThat(this.calls).containsExactly("clear:", "get");
	}

	@Test
	void breakerDefaultsAreTunedForACache() {
		CircuitBreakerConfig config = this.breaker.getCircuitBreakerConfig();
		assertThat(config.getSlidingWindowSize()).isEqualTo(20);
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
		assertThat(config.getFailureRateThreshold()).isEqualTo(50);
		assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(250));
		assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
		assertThat(config.getMaxWaitDurationInHalfOpenState()).isPositive();
	}

	private String record(String call) {
		this.calls.add(call);
		return call;
	}

}
