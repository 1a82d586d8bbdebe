package io.cachestarter.autoconfigure;

import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.cachestarter.resilience.FailoverFollower;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link CacheStarterFailoverAutoConfiguration}: the follower is there when the starter's breaker guards a
 * Lettuce client, and backs off otherwise. Nothing here connects to Redis.
 */
class CacheStarterFailoverAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterFailoverAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void followsTheLettuceClientOfTheBreakerGuard() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(FailoverFollower.class);
			assertThat(context.getBean(FailoverFollower.class).isRunning()).isTrue();
		});
	}

	@Test
	void followsOnRedisClusterToo() {
		this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1")
			.run((context) -> assertThat(context).hasSingleBean(FailoverFollower.class));
	}

	@Test
	void backsOffWhenTurnedOff() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.follow-failover=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FailoverFollower.class));
	}

	@Test
	void backsOffWithoutTheBreaker() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FailoverFollower.class));
	}

	@Test
	void backsOffForAGuardOfTheUsers() {
		this.contextRunner.withUserConfiguration(OwnGuard.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FailoverFollower.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnGuard {

		@Bean
		RedisGuard redisGuard() {
			return new FailSafeRedisGuard(io.cachestarter.cache.CacheStarterMetrics.noop());
		}

	}

}
