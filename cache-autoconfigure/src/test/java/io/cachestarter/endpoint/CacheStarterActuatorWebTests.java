package io.cachestarter.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The actuator over HTTP in a full application: Prometheus scrape output (percentiles, standard cache meters,
 * Redis gauges) and the {@code cachestarter} endpoint. Each test uses its own cache, as the application context is
 * shared.
 */
@SpringBootTest(classes = CacheStarterActuatorWebTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=*", "spring.data.redis.timeout=500ms",
				"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.caches.products.ttl=1m" })
class CacheStarterActuatorWebTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::uri);
	}

	@LocalServerPort
	private int port;

	@Autowired
	private Catalog catalog;

	@Autowired
	private StarterCacheManager cacheManager;

	@Test
	void publishesLatencyPercentilesAndExactCacheMetersInPrometheus() throws Exception {
		assertThat(this.catalog.order("9")).isEqualTo("order 9");
		assertThat(this.catalog.order("9")).isEqualTo("order 9");
		assertThat(this.catalog.plain("5")).isEqualTo("plain 5");
		HttpResponse<String> response = send("GET", "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		String scrape = response.body();
		for (String quantile : new String[] { "0.5", "0.95", "0.99" }) {
			assertThat(scrape).containsPattern(Pattern.compile("^cache_starter_latency_seconds\\{cache=\"orders\","
					+ "operation=\"get\",quantile=\"" + Pattern.quote(quantile) + "\"} \\S+$", Pattern.MULTILINE));
		}
		assertThat(scrape).containsPattern(Pattern.compile(
				"^cache_starter_latency_seconds_count\\{cache=\"orders\",operation=\"put\"} 1(\\.0)?$",
				Pattern.MULTILINE));
		assertThat(scrape).contains(
				"cache_gets_total{cache=\"orders\",cache_manager=\"cacheManager\",name=\"orders\",result=\"hit\"} 1.0");
		assertThat(scrape).contains(
				"cache_gets_total{cache=\"orders\",cache_manager=\"cacheManager\",name=\"orders\",result=\"miss\"} 1.0");
		assertThat(scrape).contains("cache_puts_total{cache=\"orders\",cache_manager=\"cacheManager\",name=\"orders\"} 1.0");
		assertThat(scrape).containsPattern(Pattern.compile(
				"^cache_starter_loads_seconds_count\\{cache=\"orders\"} 1(\\.0)?$", Pattern.MULTILINE));
		assertThat(scrape).containsPattern(Pattern.compile(
				"^cache_starter_loads_seconds_count\\{cache=\"plain\"} 1(\\.0)?$", Pattern.MULTILINE));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(send("GET", "/actuator/prometheus").body())
			.containsPattern("(?m)^cache_starter_redis_memory_used_bytes [0-9.eE+]+$")
			.containsPattern("(?m)^cache_starter_redis_maxmemory_policy\\{policy=\"[a-z-]+\"} 1.0$"));
	}

	@Test
	void describesCachesAsJson() throws Exception {
		this.catalog.product("1");
		this.catalog.product("1");
		HttpResponse<String> response = send("GET", "/actuator/cachestarter");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode products = JsonMapper.builder().build().readTree(response.body()).get("caches").get("products");
		assertThat(products.get("ttl").asString()).isEqualTo("PT1M");
		assertThat(products.get("jitter").asDouble()).isEqualTo(0.1);
		assertThat(products.get("version").asInt()).isEqualTo(1);
		assertThat(products.get("cacheNullValues").asBoolean()).isTrue();
		assertThat(products.get("nullTtl").asString()).isEqualTo("PT1M");
		assertThat(products.get("local").get("enabled").asBoolean()).isFalse();
		assertThat(products.get("hits").asLong()).isEqualTo(1);
		assertThat(products.get("misses").asLong()).isEqualTo(1);
		assertThat(products.get("hitRatio").asDouble()).isEqualTo(0.5);
		assertThat(products.get("puts").asLong()).isEqualTo(1);
		assertThat(products.get("hottestKeys").isArray()).isTrue();
	}

	@Test
	void invalidatesTagOverHttp() throws Exception {
		Cache tagged = this.cacheManager.getCache("tagged");
		tagged.put("a", "A");
		tagged.put("b", "B");
		tagged.put("c", "C");
		String keyA = redisKey("a");
		String keyB = redisKey("b");
		redis.commands().sadd("tag:catalog", keyA, keyB);
		HttpResponse<String> response = send("DELETE", "/actuator/cachestarter/catalog");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = JsonMapper.builder().build().readTree(response.body());
		assertThat(body.propertyNames()).containsExactlyInAnyOrder("tag", "evicted");
		assertThat(body.get("tag").asString()).isEqualTo("catalog");
		assertThat(body.get("evicted").asLong()).isEqualTo(2);
		assertThat(redis.commands().exists(keyA, keyB)).isZero();
		assertThat(redis.commands().exists(redisKey("c"))).isOne();
		assertThat(send("DELETE", "/actuator/cachestarter/catalog").body()).contains("\"evicted\":0");
	}

	private String redisKey(String key) {
		return this.cacheManager.getStarterCache("tagged").getKeys().redisKey(key);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import(Catalog.class)
	static class TestApplication {

		/** Removes the keys listed in the set {@code tag:<tag>}: a stand-in for the starter's own tags. */
		@Bean
		TagInvalidator tagInvalidator(StringRedisTemplate redis) {
			return (tags) -> {
				long removed = 0;
				for (String tag : tags) {
					Set<String> keys = redis.opsForSet().members("tag:" + tag);
					if (keys != null && !keys.isEmpty()) {
						Long count = redis.delete(keys);
						removed += (count != null) ? count : 0;
					}
					redis.delete("tag:" + tag);
				}
				return removed;
			};
		}

	}

	static class Catalog {

		@Cacheable("products")
		public String product(String id) {
			return "product " + id;
		}

		@Cacheable("plain")
		public String plain(String id) {
			return "plain " + id;
		}

		@Cacheable(cacheNames = "orders", sync = true)
		public String order(String id) {
			return "order " + id;
		}

	}

}
