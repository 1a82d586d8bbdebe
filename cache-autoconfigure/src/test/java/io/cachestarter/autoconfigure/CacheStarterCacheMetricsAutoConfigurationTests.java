package io.cachestarter.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.metrics.RedisServerMetrics;
import io.cachestarter.metrics.StarterCacheMeterBinderProvider;
import io.cachestarter.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CacheStarterCacheMetricsAutoConfiguration}: Spring Boot's standard cache meters for every
 * starter cache, exact, and the Redis server gauges.
 */
class CacheStarterCacheMetricsAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterMetricsAutoConfiguration.class, CacheStarterCacheMetricsAutoConfiguration.class))
		.withUserConfiguration(MeterRegistryConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.data.redis.timeout=300ms",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.caches.products.ttl=1m");

	@Test
	void countsExactGetsPutsAndEvictionsAfterKnownCallSequence() {
		this.contextRunner.run((context) -> {
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			products.get("a"); // miss
			products.get("b", () -> "B"); // miss, load, put
			products.put("a", "A"); // put
			products.get("a"); // hit
			products.get("a"); // hit
			products.get("b", () -> "not called"); // hit
			products.evict("a"); // eviction
			products.get("a"); // miss
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(count(registry, "cache.gets", "products", "result", "hit")).isEqualTo(3);
			assertThat(count(registry, "cache.gets", "products", "result", "miss")).isEqualTo(3);
			assertThat(count(registry, "cache.puts", "products")).isEqualTo(2);
			assertThat(count(registry, "cache.evictions", "products")).isEqualTo(1);
			assertThat(redis.commands().exists(redisKey(context, "a"))).isZero();
			assertThat(redis.commands().exists(redisKey(context, "b"))).isOne();
		});
	}

	@Test
	void tagsMetersAsSpringBootDoes() {
		this.contextRunner.run((context) -> {
			context.getBean(StarterCacheManager.class).getCache("products").get("a");
			FunctionCounter miss = context.getBean(MeterRegistry.class)
				.get("cache.gets")
				.tags("cache", "products", "result", "miss")
				.functionCounter();
			assertThat(miss.getId().getTags()).containsExactlyInAnyOrder(Tag.of("cache", "products"),
					Tag.of("cache.manager", "cacheManager"), Tag.of("name", "products"), Tag.of("result", "miss"));
		});
	}

	@Test
	void bindsCachesCreatedOnFirstUse() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("cache.gets").tag("cache", "orders").meters()).isEmpty();
			Cache orders = context.getBean(StarterCacheManager.class).getCache("orders");
			orders.get("x");
			orders.put("x", "X");
			orders.get("x");
			assertThat(count(registry, "cache.gets", "orders", "result", "miss")).isEqualTo(1);
			assertThat(count(registry, "cache.gets", "orders", "result", "hit")).isEqualTo(1);
			assertThat(count(registry, "cache.puts", "orders")).isEqualTo(1);
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void bindsEachCacheOnceWithOneTagSetWhenSpringBootCacheMetricsAlsoRun(CapturedOutput output) {
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(CacheAutoConfiguration.class, CacheMetricsAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheMetricsRegistrar.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// Declared: bound by Spring Boot at start-up, through the starter's binder provider.
				assertThat(registry.find("cache.gets").tag("cache", "products").meters()).hasSize(2);
				Cache orders = context.getBean(StarterCacheManager.class).getCache("orders");
				orders.get("x");
				context.getBean(StarterCacheManager.class).getCache("products").get("a");
				assertThat(count(registry, "cache.gets", "orders", "result", "miss")).isEqualTo(1);
				assertThat(count(registry, "cache.gets", "products", "result", "miss")).isEqualTo(1);
				for (String name : new String[] { "cache.gets", "cache.puts", "cache.evictions" }) {
					Set<Set<String>> tagKeySets = registry.find(name)
						.meters()
						.stream()
						.map(CacheStarterCacheMetricsAutoConfigurationTests::tagKeys)
						.collect(Collectors.toSet());
					assertThat(tagKeySets).as(name).hasSize(1);
				}
				assertThat(registry.find("cache.gets").meters()).hasSize(4);
				assertThat(output).doesNotContain("already registered");
			});
	}

	@Test
	void backsOffWhenMetricsAreDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.metrics.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(StarterCacheMeterBinderProvider.class);
			assertThat(context).doesNotHaveBean(RedisServerMetrics.class);
		});
	}

	@Test
	void samplesRedisServerGaugesAtTheConfiguredInterval() {
		this.contextRunner.withPropertyValues("cache-starter.metrics.redis-sample-interval=100ms").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(context.getBean(RedisServerMetrics.class).isRunning()).isTrue();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.find("cache.starter.redis.maxmemory.policy").gauge() != null);
			String policy = redis.commands().configGet("maxmemory-policy").get("maxmemory-policy");
			assertThat(registry.get("cache.starter.redis.maxmemory.policy").gauge().getId().getTag("policy"))
				.isEqualTo(policy);
			assertThat(registry.get("cache.starter.redis.memory.used").gauge().value()).isPositive();
			double hits = registry.get("cache.starter.redis.keyspace.hits").gauge().value();
			redis.commands().set("present", "1");
			redis.commands().get("present");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get("cache.starter.redis.keyspace.hits").gauge().value() > hits);
		});
	}

	@Test
	void stopsSamplingWhenTheContextCloses() {
		RedisServerMetrics[] metrics = new RedisServerMetrics[1];
		this.contextRunner.run((context) -> metrics[0] = context.getBean(RedisServerMetrics.class));
		assertThat(metrics[0].isRunning()).isFalse();
	}

	private static double count(MeterRegistry registry, String name, String cache, String... tags) {
		return registry.get(name).tag("cache", cache).tags(tags).functionCounter().count();
	}

	private static Set<String> tagKeys(Meter meter) {
		return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
	}

	private static String redisKey(AssertableApplicationContext context, String key) {
		return context.getBean(StarterCacheManager.class).getStarterCache("products").getKeys().redisKey(key);
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
