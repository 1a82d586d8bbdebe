package io.cachestarter.tags;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.CacheTags;
import io.cachestarter.InvalidateTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.Product;
import io.cachestarter.testapp.RecordingMetrics;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tags on Redis sets against a real Redis: what {@code @CacheTags} writes into the tag sets, their TTLs, and what
 * {@code @InvalidateTags} and {@link TagInvalidator} remove.
 */
class TagInvalidationIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class))
		.withUserConfiguration(ShopConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@AfterEach
	void everyKeyTheStarterWroteHasATtl() {
		for (String key : keys(redis.commands(), "*")) {
			assertThat(redis.commands().pttl(key)).as("PTTL of %s", key).isPositive();
		}
	}

	@Test
	void invalidatesTagAcrossCachesAndReturnsHowManyEntriesItRemoved() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			shop.stock(new Product(2, "pan", "kitchen", null, 1, List.of()));
			shop.stock(new Product(3, "drill", "tools", null, 1, List.of()));
			shop.find(1);
			shop.find(2);
			shop.find(3);
			shop.listing("kitchen");
			shop.listing("tools");
			RedisCommands<String, String> redis = TagInvalidationIntegrationTests.redis.commands();
			assertThat(redis.smembers("shop:tag:category:kitchen")).containsExactlyInAnyOrder(
					"shop:products:v1::1", "shop:products:v1::2", "shop:listings:v1::kitchen");
			assertThat(redis.smembers("shop:tag:category:tools")).containsExactlyInAnyOrder("shop:products:v1::3",
					"shop:listings:v1::tools");

			long removed = context.getBean(TagInvalidator.class).invalidate("category:kitchen");

			assertThat(removed).isEqualTo(3);
			assertThat(redis.exists("shop:products:v1::1", "shop:products:v1::2", "shop:listings:v1::kitchen"))
				.isZero();
			assertThat(redis.exists("shop:tag:category:kitchen")).isZero();
			assertThat(redis.exists("shop:products:v1::3", "shop:listings:v1::tools")).isEqualTo(2);
			assertThat(redis.smembers("shop:tag:category:tools")).hasSize(2);
			assertThat(context.getBean(RecordingMetrics.class).count("tag.invalidations")).isEqualTo(3);
			int loads = shop.loads();
			shop.find(1);
			shop.find(3);
			assertThat(shop.loads()).as("only the invalidated entry loads again").isEqualTo(loads + 1);
		});
	}

	@Test
	void invalidateTagsAnnotationRemovesTaggedEntriesAfterTheMethodReturns() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			shop.find(1);
			shop.listing("kitchen");
			assertThat(redis.commands().exists("shop:products:v1::1", "shop:listings:v1::kitchen")).isEqualTo(2);

			shop.rename(1, "steel kettle");

			assertThat(redis.commands().exists("shop:products:v1::1", "shop:listings:v1::kitchen")).isZero();
			assertThat(shop.find(1).name()).isEqualTo("steel kettle");
			assertThat(shop.listing("kitchen")).extracting(Product::name).containsExactly("steel kettle");
		});
	}

	@Test
	void invalidateTagsDoesNothingWhenTheMethodThrows() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			shop.find(1);
			try {
				shop.rename(1, "");
			}
			catch (IllegalArgumentException expected) {
				// the method failed
			}
			assertThat(redis.commands().exists("shop:products:v1::1")).isOne();
		});
	}

	@Test
	void tagSetOutlivesItsLongestLivedMemberAndExpiresAfterIt() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.products.ttl=600ms", "cache-starter.caches.products.jitter=0",
					"cache-starter.caches.listings.ttl=1500ms", "cache-starter.caches.listings.jitter=0")
			.run((context) -> {
				Shop shop = context.getBean(Shop.class);
				shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
				shop.listing("kitchen");
				shop.find(1);
				RedisCommands<String, String> redis = TagInvalidationIntegrationTests.redis.commands();
				long setTtl = redis.pttl("shop:tag:category:kitchen");
				assertThat(setTtl).isGreaterThanOrEqualTo(redis.pttl("shop:listings:v1::kitchen"))
					.isGreaterThanOrEqualTo(redis.pttl("shop:products:v1::1"));
				assertThat(redis.pttl("shop:tag:catalog")).isGreaterThanOrEqualTo(redis.pttl("shop:products:v1::1"));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> redis.exists("shop:products:v1::1", "shop:listings:v1::kitchen") == 0);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> redis.exists("shop:tag:category:kitchen", "shop:tag:catalog") == 0);
			});
	}

	@Test
	void cleansMembersWhoseEntriesExpiredWithoutCountingThem() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.ttl=300ms").run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			shop.find(1);
			shop.listing("kitchen");
			RedisCommands<String, String> redis = TagInvalidationIntegrationTests.redis.commands();
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.exists("shop:products:v1::1") == 0);
			assertThat(redis.smembers("shop:tag:category:kitchen")).contains("shop:products:v1::1");

			assertThat(context.getBean(TagInvalidator.class).invalidate("category:kitchen")).isOne();

			assertThat(redis.exists("shop:tag:category:kitchen", "shop:listings:v1::kitchen")).isZero();
		});
	}

	@Test
	void evaluatesTemplatesOverParametersResultAndRootAndSkipsEmptyOnes() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(7, "kettle", "kitchen", null, 1, List.of("steel", "sale")));
			shop.summary(7, "");
			shop.summary(7, "gift");
			RedisCommands<String, String> redis = TagInvalidationIntegrationTests.redis.commands();
			assertThat(redis.smembers("shop:tag:summary:7"))
				.containsExactlyInAnyOrder("shop:summaries:v1::7,", "shop:summaries:v1::7,gift");
			assertThat(redis.smembers("shop:tag:label:steel"))
				.containsExactlyInAnyOrder("shop:summaries:v1::7,", "shop:summaries:v1::7,gift");
			assertThat(redis.smembers("shop:tag:by-summary")).hasSize(2);
			assertThat(redis.smembers("shop:tag:note:gift")).containsExactly("shop:summaries:v1::7,gift");
			assertThat(redis.smembers("shop:tag:gift")).containsExactly("shop:summaries:v1::7,gift");
			assertThat(keys(redis, "shop:tag:*")).containsExactlyInAnyOrder("shop:tag:summary:7",
					"shop:tag:label:steel", "shop:tag:by-summary", "shop:tag:note:gift", "shop:tag:gift");
		});
	}

	@Test
	void cachePutTagsTheEntryItWrites() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.replace(new Product(4, "mug", "kitchen", null, 2, List.of()));
			assertThat(redis.commands().smembers("shop:tag:category:kitchen")).containsExactly("shop:products:v1::4");
			assertThat(context.getBean(TagInvalidator.class).invalidate("category:kitchen")).isOne();
		});
	}

	@Test
	void entriesCachedByMethodsThatATaggedMethodCallsDoNotCarryItsTags() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.stock(new Product(1, "kettle", "kitchen", null, 1, List.of()));
			shop.page(1);
			assertThat(redis.commands().smembers("shop:tag:page")).containsExactly("shop:pages:v1::1");
			assertThat(redis.commands().exists("shop:products:v1::1", "shop:names:v1::1")).isEqualTo(2);
			assertThat(keys(redis.commands(), "shop:tag:*")).containsExactlyInAnyOrder("shop:tag:page",
					"shop:tag:catalog", "shop:tag:category:kitchen");
			assertThat(redis.commands().smembers("shop:tag:category:kitchen")).containsExactly("shop:products:v1::1");
		});
	}

	@Test
	void templateThatFailsKeepsTheEntryOutOfTheCacheAndCountsAnError() {
		this.contextRunner.run((context) -> {
			Shop shop = context.getBean(Shop.class);
			assertThat(shop.find(99)).isNull();
			assertThat(shop.find(99)).isNull();
			assertThat(shop.loads()).isEqualTo(2);
			assertThat(redis.commands().exists("shop:products:v1::99")).isZero();
			assertThat(context.getBean(RecordingMetrics.class).count("error:products:tags")).isEqualTo(2);
		});
	}

	static List<String> keys(RedisCommands<String, String> commands, String pattern) {
		return ScanIterator.scan(commands, ScanArgs.Builder.matches(pattern).limit(500)).stream().toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ShopConfiguration {

		@Bean
		Shop shop(Catalog catalog) {
			return new Shop(catalog);
		}

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		RecordingMetrics recordingMetrics() {
			return new RecordingMetrics();
		}

	}

	/** The "database" and cached lookups that tagged callers use. */
	static class Catalog {

		private final Map<Long, Product> database = new ConcurrentHashMap<>();

		private final AtomicInteger loads = new AtomicInteger();

		public void stock(Product product) {
			this.database.put(product.id(), product);
		}

		public Product read(long id) {
			this.loads.incrementAndGet();
			return this.database.get(id);
		}

		public List<Product> readAll() {
			this.loads.incrementAndGet();
			return List.copyOf(this.database.values());
		}

		public int loads() {
			return this.loads.get();
		}

		@Cacheable("products")
		@CacheTags({ "catalog", "category:#{#result.category}" })
		public @Nullable Product find(long id) {
			this.loads.incrementAndGet();
			return this.database.get(id);
		}

		@Cacheable("names")
		public String name(long id) {
			return this.database.get(id).name();
		}

	}

	static class Shop {

		private final Catalog catalog;

		Shop(Catalog catalog) {
			this.catalog = catalog;
		}

		public void stock(Product product) {
			this.catalog.stock(product);
		}

		public int loads() {
			return this.catalog.loads();
		}

		public @Nullable Product find(long id) {
			return this.catalog.find(id);
		}

		@Cacheable("listings")
		@CacheTags("category:#{#category}")
		public List<Product> listing(String category) {
			return this.catalog.readAll()
				.stream()
				.filter((product) -> product.category().equals(category))
				.toList();
		}

		@InvalidateTags("category:#{#result.category}")
		public Product rename(long id, String name) {
			if (name.isEmpty()) {
				throw new IllegalArgumentException("A name is required");
			}
			Product renamed = this.catalog.read(id).withName(name);
			this.catalog.stock(renamed);
			return renamed;
		}

		@CachePut(cacheNames = "products", key = "#product.id")
		@CacheTags("category:#{#product.category}")
		public Product replace(Product product) {
			this.catalog.stock(product);
			return product;
		}

		@Cacheable(cacheNames = "summaries", key = "#id + ',' + #note")
		@CacheTags({ "summary:#{#p0}", "label:#{#result.labels[0]}", "by-#{#root.methodName}", "#{#note}",
				"#{#note.isEmpty() ? '' : 'note:' + #note}" })
		public Product summary(long id, String note) {
			return this.catalog.read(id);
		}

		@Cacheable("pages")
		@CacheTags("page")
		public String page(long id) {
			return "page of " + this.catalog.find(id).name() + " " + this.catalog.name(id);
		}

	}

}
