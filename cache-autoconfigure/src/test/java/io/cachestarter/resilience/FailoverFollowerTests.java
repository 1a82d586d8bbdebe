package io.cachestarter.resilience;

import java.time.Duration;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterFailoverAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
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
 * The {@link FailoverFollower} on a standalone Redis that hangs and comes back: when the breaker opens the connection
 * is dropped and re-established in the background, and the breaker probes as soon as that succeeds, long before its
 * open state would end.
 */
class FailoverFollowerTests {

	/** Far longer than the test may take: caching can only resume early through the follower. */
	private static final Duration OPEN_STATE = Duration.ofSeconds(60);

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterFailoverAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogTestConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(),
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.resilience.command-timeout=300ms",
				"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state="
						+ OPEN_STATE.toSeconds() + "s");

	@Test
	void aRedisThatHungIsProbedAsSoonAsTheClientReconnectedNotAfterTheOpenState() {
		this.contextRunner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			CircuitBreaker breaker = RedisOutageTests.breaker(context);
			assertThat(catalog.find(1)).isEqualTo(catalog.row(1));
			redis.server().pause();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> {
				assertThat(catalog.find(2)).isEqualTo(catalog.row(2));
				return breaker.getState() == State.OPEN;
			});
			long resumedAt = System.nanoTime();
			redis.server().resume();

			RedisOutageTests.awaitServedFromRedis(catalog, 3);

			assertThat(breaker.getState()).isEqualTo(State.CLOSED);
			assertThat(Duration.ofNanos(System.nanoTime() - resumedAt)).isLessThan(OPEN_STATE.dividedBy(4));
		});
	}

}
