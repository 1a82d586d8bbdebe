package io.cachestarter.tags;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

import io.cachestarter.CacheTags;
import io.cachestarter.InvalidateTags;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behaviour 5 of the contract: a load that began before an invalidation of one of its tags is not served after
 * that invalidation. The load is held inside the method after it read the database; meanwhile the row changes and
 * its tag is invalidated; then the load finishes.
 */
class TagLoadRaceIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class))
		.withUserConfiguration(RaceConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void slowLoadThatRacesAnInvalidationIsNeverServedAfterItForPlainCacheable() {
		this.contextRunner.run((context) -> assertOldValueNeverServed(context, "shop:products:v1::1",
				context.getBean(Products.class)::find));
	}

	@Test
	void slowLoadThatRacesAnInvalidationIsNeverServedAfterItForSyncCacheable() {
		this.contextRunner.run((context) -> assertOldValueNeverServed(context, "shop:hot:v1::1",
				context.getBean(Products.class)::findHot));
	}

	@Test
	void slowCachePutThatRacesAnInvalidationLeavesNoValueBehind() throws Exception {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			products.stock(Product.of(1, "kettle"));
			Hold hold = products.holdNextLoad();
			CompletableFuture<Product> slowPut = CompletableFuture.supplyAsync(() -> products.reload(1));
			assertThat(hold.loaded.await(10, TimeUnit.SECONDS)).as("put started").isTrue();
			products.rename(1, "steel kettle");
			hold.release.countDown();
			assertThat(slowPut.get(10, TimeUnit.SECONDS).name()).isEqualTo("kettle");
			assertThat(redis.commands().exists("shop:products:v1::1")).isZero();
			assertThat(products.find(1).name()).isEqualTo("steel kettle");
		});
	}

	@Test
	void loadThatBeginsAfterTheInvalidationIsCachedAndTagged() {
		this.contextRunner.run((context) -> {
			Products products = context.getBean(Products.class);
			products.stock(Product.of(1, "kettle"));
			products.rename(1, "steel kettle");
			assertThat(products.find(1).name()).isEqualTo("steel kettle");
			assertThat(redis.commands().get("shop:products:v1::1")).contains("steel kettle");
			assertThat(redis.commands().smembers("shop:tag:product:1")).containsExactly("shop:products:v1::1");
			assertThat(products.find(1).name()).isEqualTo("steel kettle");
			assertThat(products.loads()).isOne();
		});
	}

	private void assertOldValueNeverServed(AssertableApplicationContext context, String redisKey,
			LongFunction<Product> read) throws Exception {
		Products products = context.getBean(Products.class);
		products.stock(Product.of(1, "kettle"));
		Hold hold = products.holdNextLoad();
		CompletableFuture<Product> slowLoad = CompletableFuture.supplyAsync(() -> read.apply(1));
		assertThat(hold.loaded.await(10, TimeUnit.SECONDS)).as("load started").isTrue();

		products.rename(1, "steel kettle");
		assertThat(redis.commands().exists(redisKey)).isZero();
		hold.release.countDown();

		// The slow caller gets what it loaded: its call began before the change.
		assertThat(slowLoad.get(10, TimeUnit.SECONDS).name()).isEqualTo("kettle");
		String stored = redis.commands().get(redisKey);
		assertThat(stored).as("what Redis holds after the slow load").satisfiesAnyOf(
				(value) -> assertThat(value).isNull(), (value) -> assertThat(value).doesNotContain("\"kettle\""));
		for (int i = 0; i < 3; i++) {
			assertThat(read.apply(1).name()).isEqualTo("steel kettle");
		}
		assertThat(redis.commands().get(redisKey)).contains("\"steel kettle\"");
		assertThat(redis.commands().smembers("shop:tag:product:1")).contains(redisKey);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class RaceConfiguration {

		@Bean
		Products products() {
			return new Products();
		}

	}

	/** A latch pair that holds one load after it read the database. */
	static final class Hold {

		final CountDownLatch loaded = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

	}

	static class Products {

		private final Map<Long, Product> database = new ConcurrentHashMap<>();

		private final AtomicInteger loads = new AtomicInteger();

		private volatile Hold hold;

		public void stock(Product product) {
			this.database.put(product.id(), product);
		}

		public int loads() {
			return this.loads.get();
		}

		public Hold holdNextLoad() {
			Hold hold = new Hold();
			this.hold = hold;
			return hold;
		}

		@Cacheable("products")
		@CacheTags("product:#{#id}")
		public Product find(long id) {
			return load(id);
		}

		@Cacheable(cacheNames = "hot", sync = true)
		@CacheTags("product:#{#id}")
		public Product findHot(long id) {
			return load(id);
		}

		@CachePut(cacheNames = "products", key = "#id")
		@CacheTags("product:#{#id}")
		public Product reload(long id) {
			return load(id);
		}

		@InvalidateTags("product:#{#id}")
		public Product rename(long id, String name) {
			Product renamed = this.database.get(id).withName(name);
			this.database.put(id, renamed);
			return renamed;
		}

		private Product load(long id) {
			this.loads.incrementAndGet();
			Product product = this.database.get(id);
			Hold hold = this.hold;
			if (hold != null) {
				this.hold = null;
				hold.loaded.countDown();
				try {
					assertThat(hold.release.await(10, TimeUnit.SECONDS)).isTrue();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			return product;
		}

	}

}
