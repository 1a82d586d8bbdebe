package io.cachestarter.tags;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cachestarter.CacheTags;
import io.cachestarter.InvalidateTags;
import io.cachestarter.TagInvalidator;
import io.cachestarter.WriteThrough;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterWriteThroughAutoConfiguration;
import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.testapp.Product;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags and write-through on a three-master Redis Cluster: entries, tag sets and the epochs hash live in different
 * slots, and tagging, invalidation and versioned writes still work.
 */
class TagsClusterIntegrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterTagsAutoConfiguration.class, CacheStarterWriteThroughAutoConfiguration.class))
		.withUserConfiguration(ClusterShopConfiguration.class)
		.withPropertyValues("spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void tagsAndInvalidatesEntriesSpreadOverEveryNode() {
		try (RedisClusterGroup cluster = RedisClusterGroup.start(3);
				RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://" + cluster.nodes().get(0)));
				StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			RedisAdvancedClusterCommands<String, String> redis = connection.sync();
			this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()))
				.run((context) -> {
					ClusterShop shop = context.getBean(ClusterShop.class);
					for (long id = 0; id < 60; id++) {
						shop.stock(product(id, "p" + id, "c" + (id % 3), 1));
						shop.find(id);
					}
					shop.listing("c0");
					List<String> kitchen = redis.smembers("shop:tag:category:c0").stream().sorted().toList();
					assertThat(kitchen).hasSize(21).contains("shop:listings:v1::c0");
					assertThat(kitchen.stream().map(SlotHash::getSlot).distinct().count())
						.as("entries of one tag in many slots").isGreaterThan(10);
					assertThat(slotOwners(redis, kitchen)).as("on every node").hasSize(3);

					assertThat(context.getBean(TagInvalidator.class).invalidate("category:c0")).isEqualTo(21);
					assertThat(redis.exists(kitchen.toArray(new String[0]))).isZero();
					assertThat(redis.exists("shop:tag:category:c0")).isZero();
					assertThat(redis.scard("shop:tag:category:c1")).isEqualTo(20);

					shop.rename(1, "renamed");
					assertThat(redis.exists("shop:tag:category:c1", "shop:products:v1::4")).isZero();
					assertThat(shop.find(1).name()).isEqualTo("renamed");

					shop.save(product(2, "v5", "c2", 5));
					shop.save(product(2, "v4", "c2", 4));
					assertThat(redis.get("shop:products:v1::2")).contains("\"v5\"");
					assertThat(redis.sismember("shop:tag:category:c2", "shop:products:v1::2")).isTrue();
					assertThat(redis.pttl("shop:tag-epochs")).isPositive();
				});
		}
	}

	private static List<String> slotOwners(RedisAdvancedClusterCommands<String, String> redis, List<String> keys) {
		return keys.stream()
			.map((key) -> redis.clusterNodes()
				.lines()
				.filter((line) -> line.contains("master") && servesSlot(line, SlotHash.getSlot(key)))
				.findFirst()
				.orElseThrow())
			.map((line) -> line.split(" ")[0])
			.distinct()
			.toList();
	}

	private static boolean servesSlot(String nodeLine, int slot) {
		String[] parts = nodeLine.split(" ");
		for (int i = 8; i < parts.length; i++) {
			String[] range = parts[i].split("-");
			int from = Integer.parseInt(range[0]);
			int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
			if (slot >= from && slot <= to) {
				return true;
			}
		}
		return false;
	}

	static Product product(long id, String name, String category, long version) {
		return new Product(id, name, category, new BigDecimal("1.00"), version, List.of());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ClusterShopConfiguration {

		@Bean
		ClusterShop clusterShop() {
			return new ClusterShop();
		}

	}

	static class ClusterShop {

		private final Map<Long, Product> database = new ConcurrentHashMap<>();

		public void stock(Product product) {
			this.database.put(product.id(), product);
		}

		@Cacheable("products")
		@CacheTags({ "catalog", "category:#{#result.category}" })
		public Product find(long id) {
			return this.database.get(id);
		}

		@Cacheable("listings")
		@CacheTags("category:#{#category}")
		public List<Product> listing(String category) {
			return this.database.values().stream().filter((product) -> product.category().equals(category)).toList();
		}

		@InvalidateTags("category:#{#result.category}")
		public Product rename(long id, String name) {
			Product renamed = this.database.get(id).withName(name);
			this.database.put(id, renamed);
			return renamed;
		}

		@WriteThrough(cache = "products", key = "#result.id", version = "#result.version")
		@CacheTags("category:#{#result.category}")
		public Product save(Product product) {
			this.database.put(product.id(), product);
			return product;
		}

	}

}
