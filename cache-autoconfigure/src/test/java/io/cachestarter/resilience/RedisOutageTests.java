package io.cachestarter.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.RecordingMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Real faults on a real redis-server under a {@code @Cacheable} service: no call fails, no call waits longer than
 * the command timeout (plus a margin), an open breaker keeps calls away from Redis, and caching resumes by itself.
 */
class RedisOutageTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	/** The generous bound the contract allows: the command timeout plus one second. */
	private static final Duration CALL_BOUND = COMMAND_TIMEOUT.plusSeconds(1);

	private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(30);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
					CacheStarterAutoConfiguration.class))
			.withUserConfiguration(CatalogTestConfiguration.class)
			.withPropertyValues("spring.data.redis.url=" + redis.uri(),
					"cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=1s");
	}

	@Test
	void killDuringAStreamOfCallsFailsNoCallAndCachingResumesAfterRestart() {
		contextRunner().run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			List<String> failures = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				if (i == 100) {
					redis.server().kill();
				}
				long id = i % 10;
				callAndCheck(failures, "find(" + id + ")", () -> catalog.find(id), catalog.row(id));
			}
			assertThat(failures).isEmpty();
			assertThat(breaker(context).getState()).isNotEqualTo(State.CLOSED);

			redis.server().restart();
			awaitServedFromRedis(catalog, 3);
			assertThat(redis.commands().exists("products:v1::3")).isEqualTo(1);
		});
	}

	@Test
	void hungRedisHoldsNoCallLongerThanTheCommandTimeoutAndAnOpenBreakerKeepsCallsAwayFromRedis() {
		contextRunner().withPropertyValues("resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=3s")
			.run((context) -> {
				Catalog catalog = context.getBean(Catalog.class);
				CircuitBreaker breaker = breaker(context);
				assertThat(catalog.find(1)).isEqualTo(catalog.row(1));
				redis.server().pause();

				List<String> failures = new ArrayList<>();
				List<Duration> slowCalls = new ArrayList<>();
				int[] calls = new int[1];
				await().atMost(RECOVERY_DEADLINE).pollInterval(Duration.ofMillis(1)).until(() -> {
					long id = calls[0]++ % 10;
					long start = System.nanoTime();
					callAndCheck(failures, "find(" + id + ")", () -> catalog.find(id), catalog.row(id));
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					if (took.compareTo(CALL_BOUND) > 0) {
						slowCalls.add(took);
					}
					return breaker.getState() == State.OPEN;
				});
				assertThat(failures).isEmpty();
				assertThat(slowCalls).isEmpty();

				// Open: calls cost what the method costs, Redis is not contacted (no outcome is recorded).
				int bufferedBefore = breaker.getMetrics().getNumberOfBufferedCalls();
				long notPermittedBefore = breaker.getMetrics().getNumberOfNotPermittedCalls();
				int loadsBefore = catalog.loads();
				RecordingMetrics metrics = context.getBean(RecordingMetrics.class);
				long circuitOpenBefore = metrics.count("fallback:products:circuit_open");
				for (long id = 0; id < 20; id++) {
					assertThat(catalog.find(id)).isEqualTo(catalog.row(id));
				}
				assertThat(breaker.getState()).isEqualTo(State.OPEN);
				assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(bufferedBefore);
				// Each miss is a GET and a PUT that were both refused.
				assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls() - notPermittedBefore).isEqualTo(40);
				assertThat(catalog.loads() - loadsBefore).isEqualTo(20);
				assertThat(metrics.count("fallback:products:circuit_open") - circuitOpenBefore).isEqualTo(40);
				assertThat(metrics.count("fallback:products:timeout")).isPositive();

				redis.server().resume();
				awaitClosed(catalog, breaker);
				awaitServedFromRedis(catalog, 5);
			});
	}

	@Test
	void everyCachePathThrowsNothingWhileRedisIsDownAndTheBreakerClosesAgainAfterwards() {
		contextRunner().run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			Cache cache = context.getBean(StarterCacheManager.class).getCache("products");
			catalog.find(1);
			redis.server().kill();
			// Through the breaker closed (first calls) and open (later calls) alike.
			for (int round = 0; round < 10; round++) {
				long id = round;
				assertThat(catalog.find(id)).isEqualTo(catalog.row(id));
				assertThat(catalog.findSync(id)).isEqualTo(catalog.row(id));
				assertThat(catalog.save(id, "saved-" + id)).isEqualTo("saved-" + id);
				assertThatNoException().isThrownBy(() -> catalog.update(id, "updated-" + id));
				assertThatNoException().isThrownBy(() -> catalog.updateAll("all-"));
				assertThat(cache.get(id)).isNull();
				assertThat(cache.get(id, () -> "loaded")).isEqualTo("loaded");
				assertThatNoException().isThrownBy(() -> cache.put(id, "value"));
				assertThat(cache.putIfAbsent(id, "value")).isNull();
				assertThatNoException().isThrownBy(() -> cache.evict(id));
				assertThat(cache.evictIfPresent(id)).isFalse();
				assertThatNoException().isThrownBy(cache::clear);
				assertThat(cache.invalidate()).isFalse();
			}
			CircuitBreaker breaker = breaker(context);
			assertThat(breaker.getState()).isNotEqualTo(State.CLOSED);

			redis.server().restart();
			// Half-open never sticks: with calls flowing, the breaker closes once Redis answers.
			awaitClosed(catalog, breaker);
			awaitServedFromRedis(catalog, 8);
		});
	}

	/** Keeps calls flowing until the breaker is closed again. */
	static void awaitClosed(Catalog catalog, CircuitBreaker breaker) {
		await().atMost(RECOVERY_DEADLINE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			assertThat(catalog.find(7)).isEqualTo(catalog.row(7));
			assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		});
	}

	/** Polls until a read of the key is a hit from Redis: the method no longer runs. */
	static void awaitServedFromRedis(Catalog catalog, long id) {
		await().atMost(RECOVERY_DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> {
			assertThat(catalog.find(id)).isEqualTo(catalog.row(id));
			int loads = catalog.loads();
			assertThat(catalog.find(id)).isEqualTo(catalog.row(id));
			return catalog.loads() == loads;
		});
	}

	static CircuitBreaker breaker(AssertableApplicationContext context) {
		return context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker();
	}

	private static void callAndCheck(List<String> failures, String call, Callable<String> action, String expected) {
		try {
			String actual = action.call();
			if (!expected.equals(actual)) {
				failures.add(call + " returned " + actual + " instead of " + expected);
			}
		}
		catch (Exception ex) {
			failures.add(call + " threw " + ex);
		}
	}

}
