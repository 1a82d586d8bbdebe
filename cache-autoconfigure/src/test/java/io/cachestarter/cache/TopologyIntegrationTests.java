package io.cachestarter.cache;

import java.util.List;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisClusterGroup;
import io.cachestarter.test.redis.RedisSentinelGroup;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.CatalogService;
import io.cachestarter.testapp.Product;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache on Redis Cluster and behind Sentinel, configured only through Spring Boot's own
 * {@code spring.data.redis.*} properties.
 */
class TopologyIntegrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@Test
	void cachesAndClearsAcrossEveryClusterNode() {
		try (RedisClusterGroup cluster = RedisClusterGroup.start(3)) {
			this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()))
				.run((context) -> {
					CatalogService catalog = context.getBean(CatalogService.class);
					for (long id = 0; id < 300; id++) {
						catalog.save(Product.of(id, "p" + id));
						catalog.find(id);
						catalog.findSync(id);
					}
					assertThat(catalog.loads()).isEqualTo(300);
					List<Long> perNode = cluster.servers().stream().map((node) -> keyCount(node, "shop:products:*")).toList();
					assertThat(perNode).as("entries spread over the nodes").allMatch((count) -> count > 0);
					assertThat(perNode.stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
					for (RedisServer node : cluster.servers()) {
						for (String key : StarterRedisCacheIntegrationTests.keys(node.commands(), "*")) {
							assertThat(node.commands().pttl(key)).as(key).isPositive();
						}
					}
					catalog.delete(5);
					assertThat(catalog.find(5)).isNull();
					context.getBean(StarterCacheManager.class).getCache("products").clear();
					assertThat(cluster.servers().stream().mapToLong((node) -> keyCount(node, "shop:products:*")).sum())
						.isZero();
				});
		}
	}

	@Test
	void cachesThroughSentinel() {
		try (RedisSentinelGroup sentinel = RedisSentinelGroup.start("cache")) {
			this.contextRunner
				.withPropertyValues("spring.data.redis.sentinel.master=" + sentinel.masterName(),
						"spring.data.redis.sentinel.nodes=" + sentinel.sentinelNodes())
				.run((context) -> {
					CatalogService catalog = context.getBean(CatalogService.class);
					catalog.save(Product.of(1, "kettle"));
					assertThat(catalog.find(1)).isEqualTo(Product.of(1, "kettle"));
					assertThat(catalog.find(1)).isEqualTo(Product.of(1, "kettle"));
					assertThat(catalog.loads()).isOne();
					assertThat(sentinel.master().commands().exists("shop:products:v1::1")).isOne();
					assertThat(sentinel.master().commands().pttl("shop:products:v1::1")).isPositive();
				});
		}
	}

	private static long keyCount(RedisServer node, String pattern) {
		return StarterRedisCacheIntegrationTests.keys(node.commands(), pattern).size();
	}

}
