package io.cachestarter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.metrics.MicrometerCacheStarterMetrics;
import io.cachestarter.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CacheStarterMetricsAutoConfiguration}: the starter's own meters move when their events happen
 * in a real cache on a real Redis.
 */
class CacheStarterMetricsAutoConfigurationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterMetricsAutoConfiguration.class))
		.withUserConfiguration(MeterRegistryConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.data.redis.timeout=300ms",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.caches.products.ttl=1m");

	@Test
	void registersMicrometerMetricsThatTheCacheManagerUses() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerCacheStarterMetrics.class);
			StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
			assertThat(cacheManager.getServices().metrics()).isSameAs(context.getBean(CacheStarterMetrics.class));
		});
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterMetricsAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + redis.uri())
			.run((context) -> {
				assertThat(context).hasSingleBean(StarterCacheManager.class);
				assertThat(context).doesNotHaveBean(CacheStarterMetrics.class);
			});
	}

	@Test
	void backsOffWhenMetricsAreDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheStarterMetrics.class));
	}

	@Test
	void backsOffWhenStarterIsDisabled() {
		this.contextRunner.withPropertyValues("cache-starter.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CacheStarterMetrics.class));
	}

	@Test
	void keepsUserDefinedMetrics() {
		this.contextRunner.withBean("userMetrics", CacheStarterMetrics.class, CacheStarterMetrics::noop)
			.run((context) -> assertThat(context.getBean(CacheStarterMetrics.class))
				.isSameAs(context.getBean("userMetrics")));
	}

	@Test
	void recordsLatencyOfEachGetPutAndEvict() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			products.get("a");
			assertThat(latency(registry, "get").count()).isEqualTo(1);
			assertThat(registry.find("cache.starter.latency").tag("operation", "put").timer()).isNull();
			products.put("a", "A");
			assertThat(latency(registry, "put").count()).isEqualTo(1);
			assertThat(redis.commands().exists(redisKey(context, "products", "a"))).isOne();
			products.evict("a");
			assertThat(latency(registry, "evict").count()).isEqualTo(1);
			assertThat(redis.commands().exists(redisKey(context, "products", "a"))).isZero();
			assertThat(latency(registry, "get").totalTime(TimeUnit.NANOSECONDS)).isPositive();
			assertThat(latency(registry, "get").takeSnapshot().percentileValues()).hasSize(3);
		});
	}

	@Test
	void recordsLoadTimeOnMissOnly() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			AtomicInteger calls = new AtomicInteger();
			assertThat(products.get("a", () -> "A" + calls.incrementAndGet())).isEqualTo("A1");
			assertThat(products.get("a", () -> "A" + calls.incrementAndGet())).isEqualTo("A1");
			Timer loads = registry.get("cache.starter.loads").tags("cache", "products").timer();
			assertThat(loads.count()).isEqualTo(1);
			assertThat(calls).hasValue(1);
		});
	}

	@Test
	void recordsLoadTimeBetweenMissAndPutOfTheSameKey() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			// What a plain @Cacheable does: get, run the method, put.
			assertThat(products.get("a")).isNull();
			products.put("a", "A");
			Timer loads = registry.get("cache.starter.loads").tags("cache", "products").timer();
			assertThat(loads.count()).isEqualTo(1);
			products.put("a", "A2");
			assertThat(products.get("b")).isNull();
			products.put("c", "C");
			assertThat(loads.count()).isEqualTo(1);
		});
	}

	@Test
	void countsFallbacksWhileRedisIsDown() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			redis.server().kill();
			assertThat(products.get("a", () -> "from the method")).isEqualTo("from the method");
			List<Counter> fallbacks = List.copyOf(registry.find("cache.starter.fallbacks").tag("cache", "products")
				.counters());
			assertThat(fallbacks).isNotEmpty();
			assertThat(fallbacks).allSatisfy((counter) -> assertThat(counter.getId().getTag("reason"))
				.isIn("error", "timeout", "circuit_open"));
			assertThat(fallbacks.stream().mapToDouble(Counter::count).sum()).isGreaterThanOrEqualTo(1);
		});
	}

	@Test
	void countsDeserializationErrorOnCorruptValueAndRemovesIt() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			String key = redisKey(context, "products", "a");
			redis.commands().set(key, "\u0000garbage\u00ff");
			assertThat(products.get("a")).isNull();
			assertThat(registry.get("cache.starter.errors").tags("cache", "products", "type", "deserialization")
				.counter().count()).isEqualTo(1);
			assertThat(redis.commands().exists(key)).isZero();
		});
	}

	@Test
	void countsStampedeWaitOfConcurrentMissOfOneKey() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			CountDownLatch loading = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicInteger calls = new AtomicInteger();
			CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> products.get("a", () -> {
				calls.incrementAndGet();
				loading.countDown();
				release.await();
				return "A";
			}));
			assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> second = CompletableFuture
				.supplyAsync(() -> products.get("a", () -> "B" + calls.incrementAndGet()));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.find("cache.starter.stampede.waits").tag("cache", "products").counter(),
						(counter) -> counter != null && counter.count() == 1);
			release.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("A");
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("A");
			assertThat(calls).hasValue(1);
		});
	}

	@Test
	void countsStaleServesAndRefreshesOfExpiredEntries() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.stale.ttl=300ms", "cache-starter.caches.stale.jitter=0",
					"cache-starter.caches.stale.stale-ttl=30s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Cache stale = context.getBean(StarterCacheManager.class).getCache("stale");
				AtomicInteger version = new AtomicInteger();
				assertThat(stale.get("a", () -> "v" + version.incrementAndGet())).isEqualTo("v1");
				await().atMost(Duration.ofSeconds(5)).until(() -> {
					stale.get("a", () -> "v" + version.incrementAndGet());
					return registry.find("cache.starter.stale.served").tag("cache", "stale").counter() != null;
				});
				assertThat(registry.get("cache.starter.stale.served").tags("cache", "stale").counter().count())
					.isGreaterThanOrEqualTo(1);
				// Counted by the reload itself, on the reload thread, once it runs.
				await().atMost(Duration.ofSeconds(5))
					.until(() -> registry.find("cache.starter.refreshes").tag("cache", "stale").counter(),
							(counter) -> counter != null && counter.count() >= 1);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> stale.get("a", () -> "v" + version.incrementAndGet()), (value) -> !"v1".equals(value));
			});
	}

	private static Timer latency(MeterRegistry registry, String operation) {
		return registry.get("cache.starter.latency").tags("cache", "products", "operation", operation).timer();
	}

	private static String redisKey(org.springframework.context.ApplicationContext context, String cache,
			String key) {
		return context.getBean(StarterCacheManager.class).getStarterCache(cache).getKeys().redisKey(key);
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
