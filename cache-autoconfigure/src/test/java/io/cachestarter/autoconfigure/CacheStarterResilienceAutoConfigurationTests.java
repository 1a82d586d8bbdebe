package io.cachestarter.autoconfigure;

import java.time.Duration;

import io.cachestarter.redis.RedisGuard;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.cachestarter.resilience.FailSafeRedisGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link CacheStarterResilienceAutoConfiguration}: the breaker's defaults and the user's properties, the
 * guard in use, and the Lettuce settings. Nothing here connects to Redis.
 */
class CacheStarterResilienceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void breakerHasTheStarterDefaultsWhenTheUserSetsNothing() {
		this.contextRunner.run((context) -> {
			assertThat(context).getBean(RedisGuard.class).isInstanceOf(CircuitBreakerRedisGuard.class);
			CircuitBreakerConfig config = redisCacheConfig(context);
			assertThat(config.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
			assertThat(config.getSlidingWindowSize()).isEqualTo(20);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
			assertThat(config.getFailureRateThreshold()).isEqualTo(50);
			assertThat(config.getSlowCallRateThreshold()).isEqualTo(50);
			assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(250));
			assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000L);
			assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
			assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
			assertThat(config.getMaxWaitDurationInHalfOpenState()).isEqualTo(Duration.ofSeconds(5));
			// The guard uses the very instance resilience4j registered (its metrics and endpoints see it).
			assertThat(context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker())
				.isSameAs(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("redisCache"));
		});
	}

	@Test
	void userInstancePropertiesWinKeyByKey() {
		this.contextRunner
			.withPropertyValues("resilience4j.circuitbreaker.instances.redisCache.sliding-window-size=7",
					"resilience4j.circuitbreaker.instances.redisCache.failureRateThreshold=80",
					"resilience4j.circuitbreaker.instances.redisCache.wait-duration-in-open-state=42s")
			.run((context) -> {
				CircuitBreakerConfig config = redisCacheConfig(context);
				assertThat(config.getSlidingWindowSize()).isEqualTo(7);
				assertThat(config.getFailureRateThreshold()).isEqualTo(80);
				assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(42_000L);
				// Unset keys keep the starter's defaults (resilience4j caps this one at the window size when it runs).
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
				assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
			});
	}

	@Test
	void userDefaultConfigWinsOverTheStarterDefaults() {
		this.contextRunner
			.withPropertyValues("resilience4j.circuitbreaker.configs.default.minimum-number-of-calls=33",
					"resilience4j.circuitbreaker.configs.default.sliding-window-size=50")
			.run((context) -> {
				CircuitBreakerConfig config = redisCacheConfig(context);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(33);
				assertThat(config.getSlidingWindowSize()).isEqualTo(50);
				assertThat(config.getFailureRateThreshold()).isEqualTo(50);
			});
	}

	@Test
	void userBaseConfigWinsOverTheStarterDefaults() {
		this.contextRunner
			.withPropertyValues("resilience4j.circuitbreaker.configs.shared.permitted-number-of-calls-in-half-open-state=9",
					"resilience4j.circuitbreaker.instances.redisCache.base-config=shared")
			.run((context) -> {
				CircuitBreakerConfig config = redisCacheConfig(context);
				assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(9);
				assertThat(config.getSlidingWindowSize()).isEqualTo(20);
			});
	}

	@Test
	void userCustomizerOfTheInstanceRunsLast() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			CircuitBreakerConfig config = redisCacheConfig(context);
			assertThat(config.getSlidingWindowSize()).isEqualTo(11);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
		});
	}

	@Test
	void slowCallThresholdFollowsTheCommandTimeout() {
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=2s")
			.run((context) -> assertThat(redisCacheConfig(context).getSlowCallDurationThreshold())
				.isEqualTo(Duration.ofSeconds(1)));
	}

	@Test
	void resilienceDisabledUsesTheFailSafeGuardAndNoBreaker() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.enabled=false").run((context) -> {
			assertThat(context).getBean(RedisGuard.class).isInstanceOf(FailSafeRedisGuard.class);
			assertThat(context.getBean(CircuitBreakerRegistry.class).find("redisCache")).isEmpty();
		});
	}

	@Test
	void withoutResilience4jAutoConfigurationTheBreakerIsBuiltFromTheDefaults() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterResilienceAutoConfiguration.class, CacheStarterAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1")
			.run((context) -> assertThat(context.getBean(CircuitBreakerRedisGuard.class)
				.getCircuitBreaker()
				.getCircuitBreakerConfig()
				.getMinimumNumberOfCalls()).isEqualTo(10));
	}

	@Test
	void invalidReplayLogSizeFailsWithTheProperty() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.replay-log-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidCacheStarterPropertyException.class)
				.hasMessageContaining("cache-starter.resilience.replay-log-size"));
	}

	@Test
	void commandTimeoutAppliesWhenSpringDataRedisTimeoutIsNotSet() {
		this.contextRunner.withPropertyValues("cache-starter.resilience.command-timeout=300ms")
			.run((context) -> assertThat(connectionFactory(context).getClientConfiguration().getCommandTimeout())
				.isEqualTo(Duration.ofMillis(300)));
		this.contextRunner.run((context) -> assertThat(
				connectionFactory(context).getClientConfiguration().getCommandTimeout())
			.isEqualTo(Duration.ofMillis(500)));
	}

	@Test
	void springDataRedisTimeoutWinsOverTheCommandTimeout() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.timeout=3s", "cache-starter.resilience.command-timeout=300ms")
			.run((context) -> assertThat(connectionFactory(context).getClientConfiguration().getCommandTimeout())
				.isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void clientOptionsFailFastWhileDisconnectedAndNoticeDeadConnections() {
		this.contextRunner.run((context) -> {
			ClientOptions options = clientOptions(context);
			assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(options.getRequestQueueSize()).isEqualTo(LettuceFailFastCustomizer.REQUEST_QUEUE_SIZE);
			assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(500));
			assertThat(options.getSocketOptions().isKeepAlive()).isTrue();
			assertThat(options.getSocketOptions().getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(5));
			assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
			assertThat(connectionFactory(context).getClientResources().reconnectDelay().createDelay(30))
				.isLessThanOrEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void userConnectTimeoutAndClientOptionsCustomizerWin() {
		this.contextRunner.withPropertyValues("spring.data.redis.connect-timeout=7s")
			.withUserConfiguration(ClientOptionsConfiguration.class)
			.run((context) -> {
				ClientOptions options = clientOptions(context);
				assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.ACCEPT_COMMANDS);
				assertThat(options.getRequestQueueSize()).isEqualTo(123);
			});
	}

	@Test
	void clusterClientOptionsRefreshTopologyAdaptivelyAndPeriodically() {
		this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1").run((context) -> {
			ClusterTopologyRefreshOptions refresh = ((ClusterClientOptions) clientOptions(context))
				.getTopologyRefreshOptions();
			assertThat(refresh.getAdaptiveRefreshTriggers()).containsExactlyInAnyOrder(RefreshTrigger.values());
			assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
			assertThat(refresh.getRefreshPeriod()).isEqualTo(LettuceFailFastCustomizer.TOPOLOGY_REFRESH_PERIOD);
		});
		this.contextRunner
			.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:1",
					"spring.data.redis.lettuce.cluster.refresh.adaptive=false",
					"spring.data.redis.lettuce.cluster.refresh.period=90s")
			.run((context) -> {
				ClusterTopologyRefreshOptions refresh = ((ClusterClientOptions) clientOptions(context))
					.getTopologyRefreshOptions();
				// What the user's properties gave, untouched: Lettuce's own default triggers, the user's period.
				assertThat(refresh.getAdaptiveRefreshTriggers())
					.isEqualTo(ClusterTopologyRefreshOptions.builder().build().getAdaptiveRefreshTriggers());
				assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(90));
			});
	}

	private static CircuitBreakerConfig redisCacheConfig(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker().getCircuitBreakerConfig();
	}

	private static LettuceConnectionFactory connectionFactory(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(LettuceConnectionFactory.class);
	}

	private static ClientOptions clientOptions(AssertableApplicationContext context) {
		return connectionFactory(context).getClientConfiguration().getClientOptions().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		CircuitBreakerConfigCustomizer redisCacheCustomizer() {
			return CircuitBreakerConfigCustomizer.of("redisCache", (builder) -> builder.slidingWindowSize(11));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClientOptionsConfiguration {

		@Bean
		LettuceClientOptionsBuilderCustomizer userClientOptions() {
			return (builder) -> builder.disconnectedBehavior(DisconnectedBehavior.ACCEPT_COMMANDS).requestQueueSize(123);
		}

	}

}
