package io.cachestarter.resilience;

import java.time.Duration;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.RecordingMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Evictions that fail while Redis hangs are replayed when it answers again, before any read is served from it, so
 * that a value the database has since changed is never served again.
 */
class EvictionReplayTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogTestConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(),
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.resilience.command-timeout=300ms",
				"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=1s");

	@Test
	void evictionMissedDuringAnOutageIsReplayedBeforeReadsAndTheOldValueIsNeverServedAgain() {
		this.contextRunner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			CircuitBreakerRedisGuard guard = context.getBean(CircuitBreakerRedisGuard.class);
			catalog.putRow(1, "v1");
			assertThat(catalog.find(1)).isEqualTo("v1");
			assertThat(redis.commands().get("products:v1::1")).contains("v1");

			redis.server().pause();
			openBreaker(catalog, guard.getCircuitBreaker());
			catalog.update(1, "v2");
			assertThat(guard.getPendingRemovals()).isEqualTo(1);
			redis.server().resume();
			// The eviction never reached Redis: the stale value is still there until the guard replays it.
			assertThat(redis.commands().get("products:v1::1")).contains("v1");

			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
				assertThat(catalog.find(1)).isEqualTo("v2");
				int loads = catalog.loads();
				assertThat(catalog.find(1)).isEqualTo("v2");
				return catalog.loads() == loads;
			});
			assertThat(guard.getPendingRemovals()).isZero();
			assertThat(redis.commands().get("products:v1::1")).contains("v2").doesNotContain("v1");
		});
	}

	@Test
	void replayLogOverflowClearsTheAffectedCacheOnlyAndSaysSo() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.replay-log-size=2").run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			CircuitBreakerRedisGuard guard = context.getBean(CircuitBreakerRedisGuard.class);
			for (long id = 1; id <= 5; id++) {
				catalog.find(id);
			}
			catalog.findOther(50);
			assertThat(redis.commands().exists("products:v1::5", "others:v1::50")).isEqualTo(2);

			redis.server().pause();
			openBreaker(catalog, guard.getCircuitBreaker());
			for (long id = 1; id <= 3; id++) {
				catalog.update(id, "v2-" + id);
			}
			assertThat(context.getBean(RecordingMetrics.class).count("error:products:replay_overflow")).isEqualTo(1);
			redis.server().resume();
			assertThat(redis.commands().exists("products:v1::5")).isEqualTo(1);

			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
				assertThat(catalog.findOther(50)).isEqualTo(catalog.row(50));
				return guard.getPendingRemovals() == 0;
			});
			for (long id = 1; id <= 3; id++) {
				assertThat(catalog.find(id)).isEqualTo("v2-" + id);
			}
			// The whole cache was cleared, entries that were never evicted included; the other cache was not.
			assertThat(redis.commands().exists("products:v1::4", "products:v1::5")).isZero();
			assertThat(redis.commands().exists("others:v1::50")).isEqualTo(1);
		});
	}

	/** Real failing calls against the hung server (on keys the test does not look at) until the breaker opens. */
	private static void openBreaker(Catalog catalog, CircuitBreaker breaker) {
		long[] id = { 100 };
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
			catalog.findOther(id[0]++);
			return breaker.getState() == State.OPEN;
		});
	}

}
