package io.cachestarter.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterEndpointAutoConfiguration;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.endpoint.CacheStarterEndpoint.CacheDescriptor;
import io.cachestarter.endpoint.CacheStarterEndpoint.HotKeyDescriptor;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheStarterEndpoint} and its auto-configuration.
 */
class CacheStarterEndpointTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + redis.uri(),
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"management.endpoints.web.exposure.include=cachestarter");

	@Test
	void isAbsentUnlessExposed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + redis.uri())
			.run((context) -> assertThat(context).doesNotHaveBean(CacheStarterEndpoint.class));
	}

	@Test
	void describesEachCacheWithItsEffectiveSettingsAndStatistics() {
		this.contextRunner
			.withPropertyValues("cache-starter.key-prefix=shop:", "cache-starter.caches.products.ttl=10m",
					"cache-starter.caches.products.jitter=0.2", "cache-starter.caches.products.version=3",
					"cache-starter.caches.products.null-ttl=30s", "cache-starter.caches.products.refresh-ahead=0.5",
					"cache-starter.caches.products.stale-ttl=1m", "cache-starter.caches.products.local.enabled=true",
					"cache-starter.caches.products.local.max-size=500", "cache-starter.caches.products.local.ttl=20s",
					"cache-starter.caches.products.compression.enabled=true",
					"cache-starter.caches.products.compression.threshold=2KB")
			.run((context) -> {
				StarterCacheManager cacheManager = context.getBean(StarterCacheManager.class);
				Cache products = cacheManager.getCache("products");
				products.get("a");
				products.put("a", "A");
				products.get("a");
				products.get("a");
				products.evict("a");
				cacheManager.getCache("orders").get("x");
				CacheDescriptor descriptor = context.getBean(CacheStarterEndpoint.class).caches().caches().get("products");
				assertThat(descriptor.keyPrefix()).isEqualTo("shop:products:v3::");
				assertThat(descriptor.ttl()).isEqualTo("PT10M");
				assertThat(descriptor.jitter()).isEqualTo(0.2);
				assertThat(descriptor.version()).isEqualTo(3);
				assertThat(descriptor.cacheNullValues()).isTrue();
				assertThat(descriptor.nullTtl()).isEqualTo("PT30S");
				assertThat(descriptor.refreshAhead()).isEqualTo(0.5);
				assertThat(descriptor.staleTtl()).isEqualTo("PT1M");
				assertThat(descriptor.local()).isEqualTo(new CacheStarterEndpoint.LocalDescriptor(true, 500, "PT20S", 0, 0, 0));
				assertThat(descriptor.compression())
					.isEqualTo(new CacheStarterEndpoint.CompressionDescriptor(true, 2048));
				assertThat(descriptor.hits()).isEqualTo(2);
				assertThat(descriptor.misses()).isEqualTo(1);
				assertThat(descriptor.hitRatio()).isEqualTo(2.0 / 3);
				assertThat(descriptor.puts()).isEqualTo(1);
				assertThat(descriptor.evictions()).isEqualTo(1);
				CacheDescriptor orders = context.getBean(CacheStarterEndpoint.class).caches().caches().get("orders");
				assertThat(orders.ttl()).isEqualTo("PT10M");
				assertThat(orders.misses()).isEqualTo(1);
			});
	}

	@Test
	void serializesToJsonWithIsoDurations() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.ttl=90s").run((context) -> {
			JsonNode json = JsonMapper.builder()
				.build()
				.valueToTree(context.getBean(CacheStarterEndpoint.class).caches());
			JsonNode products = json.get("caches").get("products");
			assertThat(products.get("ttl").asString()).isEqualTo("PT1M30S");
			assertThat(products.get("local").get("maxSize").asInt()).isEqualTo(10000);
			assertThat(products.get("compression").get("enabled").asBoolean()).isFalse();
			assertThat(products.get("compression").get("thresholdBytes").asLong()).isEqualTo(4096);
			assertThat(products.get("hitRatio").asDouble()).isZero();
			assertThat(products.get("hottestKeys").isArray()).isTrue();
		});
	}

	@Test
	void showsHottestKeysMaskedMostRequestedFirst() {
		this.contextRunner.run((context) -> {
			Cache products = context.getBean(StarterCacheManager.class).getCache("products");
			products.put("product:42", "P");
			products.put("7", "S");
			for (int i = 0; i < 3000; i++) {
				products.get("product:42");
				if (i % 10 == 0) {
					products.get("7");
				}
			}
			var hottest = context.getBean(CacheStarterEndpoint.class).caches().caches().get("products").hottestKeys();
			assertThat(hottest).hasSizeBetween(1, 2);
			HotKeyDescriptor first = hottest.get(0);
			assertThat(first.key()).isEqualTo("product:…").doesNotContain("42");
			assertThat(first.keyHash()).isEqualTo(sha256Prefix("product:42"));
			assertThat(first.sampledGets()).isPositive();
		});
	}

	@Test
	void invalidatesTagThroughTheTagInvalidator() {
		this.contextRunner.withBean(TagInvalidator.class, () -> (tags) -> tags.length * 10L).run((context) -> {
			CacheStarterEndpoint endpoint = context.getBean(CacheStarterEndpoint.class);
			assertThat(endpoint.invalidateTag("category", "books"))
				.isEqualTo(new CacheStarterEndpoint.TagInvalidationDescriptor("category/books", 10));
		});
	}

	@Test
	void answersNotFoundOverHttpWithoutTagInvalidator() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(TagInvalidator.class);
			CacheStarterEndpointWebExtension web = context.getBean(CacheStarterEndpointWebExtension.class);
			WebEndpointResponse<?> response = web.invalidateTag("catalog");
			assertThat(response.getStatus()).isEqualTo(404);
			assertThat(context.getBean(CacheStarterEndpoint.class).invalidateTag("catalog")).isNull();
		});
	}

	private static String sha256Prefix(String text) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(digest).substring(0, 12);
	}

}
