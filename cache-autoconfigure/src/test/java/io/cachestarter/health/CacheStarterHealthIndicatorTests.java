package io.cachestarter.health;

import java.time.Duration;
import java.util.List;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterHealthAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.test.redis.RedisServerExtension;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code cacheStarter} component against real redis-server processes: what it reports when all is well, when
 * Redis is configured to refuse writes when full, when Redis is gone, and when the breaker is open.
 */
class CacheStarterHealthIndicatorTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension("--maxmemory", "64mb", "--maxmemory-policy",
			"allkeys-lru");

	private ApplicationContextRunner contextRunner(String redisUri) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterHealthAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + redisUri,
					"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"cache-starter.serialization.allowed-packages=io.cachestarter");
	}

	@Test
	void upWithBreakerStateLatencyAndEvictionPolicyWhenRedisAnswers() {
		contextRunner(redis.uri()).run((context) -> {
			Health health = context.getBean(CacheStarterHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("circuitBreaker", "CLOSED")
				.containsEntry("reachable", true)
				.containsEntry("maxmemoryPolicy", "allkeys-lru")
				.containsEntry("maxmemory", 64L * 1024 * 1024)
				.containsEntry("pendingRemovals", 0)
				.containsEntry("warnings", List.of())
				.containsKey("latencyMillis");
		});
	}

	@Test
	void warnsAboutNoevictionAndUnlimitedMemory() {
		try (RedisServer noEviction = RedisServer.start("--maxmemory-policy", "noeviction")) {
			contextRunner(noEviction.uri()).run((context) -> {
				Health health = context.getBean(CacheStarterHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("maxmemoryPolicy", "noeviction")
					.containsEntry("maxmemory", 0L)
					.containsEntry("warnings", List.of(CacheStarterHealthIndicator.NO_EVICTION_WARNING,
							CacheStarterHealthIndicator.NO_MAXMEMORY_WARNING));
			});
		}
	}

	@Test
	void degradedWithinTheCommandTimeoutWhileRedisIsGoneOrHung() {
		contextRunner(redis.uri()).run((context) -> {
			CacheStarterHealthIndicator indicator = context.getBean(CacheStarterHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

			redis.server().pause();
			long start = System.nanoTime();
			Health hung = indicator.health();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT.plusSeconds(1));
			assertThat(hung.getStatus()).isEqualTo(CacheStarterHealthIndicator.DEGRADED);
			assertThat(hung.getDetails()).containsEntry("reachable", false).containsKey("error");

			redis.server().kill();
			Health gone = indicator.health();
			assertThat(gone.getStatus()).isEqualTo(CacheStarterHealthIndicator.DEGRADED);
			assertThat(gone.getDetails()).containsEntry("reachable", false).containsEntry("circuitBreaker", "CLOSED");
		});
	}

	@Test
	void degradedWhileTheBreakerIsNotClosedEvenIfRedisAnswers() {
		contextRunner(redis.uri()).run((context) -> {
			CacheStarterHealthIndicator indicator = context.getBean(CacheStarterHealthIndicator.class);
			context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker().transitionToOpenState();
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(CacheStarterHealthIndicator.DEGRADED);
			assertThat(health.getDetails()).containsEntry("circuitBreaker", "OPEN").containsEntry("reachable", true);
			// The probe does not go through the breaker: it neither counts against it nor is refused by it.
			assertThat(context.getBean(CircuitBreakerRedisGuard.class)
				.getCircuitBreaker()
				.getMetrics()
				.getNumberOfNotPermittedCalls()).isZero();
		});
	}

	@Test
	void withoutTheBreakerTheComponentReportsRedisAlone() {
		contextRunner(redis.uri()).withPropertyValues("cache-starter.resilience.enabled=false").run((context) -> {
			Health health = context.getBean(CacheStarterHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("circuitBreaker", "DISABLED").doesNotContainKey("pendingRemovals");
		});
	}

}
