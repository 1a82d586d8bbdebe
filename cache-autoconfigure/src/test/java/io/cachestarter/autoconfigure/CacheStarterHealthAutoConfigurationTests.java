package io.cachestarter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.cachestarter.health.CacheStarterHealthIndicator;
import io.cachestarter.health.RedisHealthContributorPlaceholder;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the {@code cacheStarter} health component, and what becomes of Spring Boot's own {@code redis} one.
 * Redis is unreachable here (port 1), which is also how the aggregate is checked against a {@code DEGRADED}
 * component.
 */
class CacheStarterHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
				CacheStarterResilienceAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterHealthAutoConfiguration.class, DataRedisHealthContributorAutoConfiguration.class,
				DataRedisReactiveHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1", "cache-starter.resilience.command-timeout=200ms",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void registersCacheStarterAndNoRedisComponent() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CacheStarterHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("cacheStarter"))
				.isInstanceOf(CacheStarterHealthIndicator.class);
			assertThat(redisComponents(context)).isEmpty();
		});
	}

	@Test
	void userDefinedRedisHealthBeanIsKept() {
		this.contextRunner.withUserConfiguration(UserRedisHealthConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisHealthContributorPlaceholder.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("redis"))
				.isSameAs(context.getBean("redisHealthIndicator"));
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("cacheStarter")).isNotNull();
		});
	}

	@Test
	void springBootRedisComponentIsBackWhenTheStarterIsOff() {
		this.contextRunner.withPropertyValues("cache-starter.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(CacheStarterHealthIndicator.class);
			assertThat(redisComponents(context)).isNotEmpty();
		});
	}

	@Test
	void cacheStarterComponentCanBeDisabledLikeAnyOther() {
		this.contextRunner.withPropertyValues("management.health.cachestarter.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheStarterHealthIndicator.class));
	}

	@Test
	void degradedComponentLeavesTheAggregateUpWithHttp200() {
		this.contextRunner.run((context) -> {
			HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
			assertThat(endpoint.healthForPath("cacheStarter").getStatus()).isEqualTo(CacheStarterHealthIndicator.DEGRADED);
			Status aggregate = endpoint.health().getStatus();
			assertThat(aggregate).isEqualTo(Status.UP);
			assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(aggregate)).isEqualTo(200);
		});
	}

	@Test
	void degradedCountsInTheAggregateWhenTheUserListsItInTheStatusOrder() {
		this.contextRunner
			.withPropertyValues("management.endpoint.health.status.order=DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")
			.run((context) -> assertThat(context.getBean(HealthEndpoint.class).health().getStatus())
				.isEqualTo(CacheStarterHealthIndicator.DEGRADED));
	}

	private static List<String> redisComponents(AssertableApplicationContext context) {
		List<String> names = new ArrayList<>();
		context.getBean(HealthContributorRegistry.class).stream().map((entry) -> entry.name()).forEach(names::add);
		context.getBeanProvider(ReactiveHealthContributorRegistry.class)
			.ifAvailable((registry) -> registry.stream().map((entry) -> entry.name()).forEach(names::add));
		return names.stream().filter((name) -> name.equals("redis")).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRedisHealthConfiguration {

		@Bean
		HealthIndicator redisHealthIndicator() {
			return () -> Health.up().withDetail("checkedBy", "the application").build();
		}

	}

}
