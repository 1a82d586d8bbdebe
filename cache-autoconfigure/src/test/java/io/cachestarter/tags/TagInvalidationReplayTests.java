package io.cachestarter.tags;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.CacheTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tag invalidation that fails while Redis hangs is kept by the resilience guard and replayed when Redis answers
 * again, before reads are served from it: the entries it should have removed are never served again.
 */
class TagInvalidationReplayTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterAutoConfiguration.class, CacheStarterTagsAutoConfiguration.class))
		.withUserConfiguration(ReplayConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.resilience.command-timeout=300ms");

	@Test
	void invalidationThatFailsWhileRedisHangsIsReplayedBeforeReadsWhenItAnswersAgain() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			CircuitBreakerRedisGuard guard = context.getBean(CircuitBreakerRedisGuard.class);
			products.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			products.stock(new Product(2, "pan", "kitchen", null, 1, List.of()));
			products.find(1);
			products.find(2);
			assertThat(redis.commands().smembers("shop:tag:category:kitchen")).hasSize(2);

			products.stock(new Product(1, "steel kettle", "kitchen", null, 2, List.of()));
			redis.server().pause();
			try {
				assertThat(context.getBean(TagInvalidator.class).invalidate("category:kitchen")).isZero();
				assertThat(guard.getPendingRemovals()).isOne();
			}
			finally {
				redis.server().resume();
			}
			assertThat(redis.commands().exists("shop:products:v1::1")).as("not removed yet").isOne();

			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> "steel kettle".equals(products.find(1).name()));
			assertThat(guard.getPendingRemovals()).isZero();
			assertThat(redis.commands().get("shop:products:v1::1")).contains("steel kettle");
			int loads = products.loads();
			products.find(2);
			assertThat(products.loads()).as("the other entry of the tag was removed too").isEqualTo(loads + 1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ReplayConfiguration {

		@Bean
		Products products() {
			return new Products();
		}

	}

	static class Products {

		private final Map<Long, Product> database = new ConcurrentHashMap<>();

		private final AtomicInteger loads = new AtomicInteger();

		public void stock(Product product) {
			this.database.put(product.id(), product);
		}

		public int loads() {
			return this.loads.get();
		}

		@Cacheable("products")
		@CacheTags("category:#{#result.category}")
		public Product find(long id) {
			this.loads.incrementAndGet();
			return this.database.get(id);
		}

	}

}
