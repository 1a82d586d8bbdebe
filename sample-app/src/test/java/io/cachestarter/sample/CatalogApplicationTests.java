package io.cachestarter.sample;

import java.math.BigDecimal;
import java.time.Duration;

import io.cachestarter.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application over HTTP, against a real redis-server: what reaches the database and what is in Redis.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "catalog.db-latency=0ms")
@DirtiesContext
class CatalogApplicationTests {

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::uri);
	}

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meterRegistry;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	@Test
	void secondReadsComeFromRedisNotTheDatabase() {
		double readsById = databaseQueries("find-by-id");
		ResponseEntity<Product> first = get("/products/7");
		ResponseEntity<Product> second = get("/products/7");
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(second.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(first.getBody().id()).isEqualTo(7);
		assertThat(databaseQueries("find-by-id") - readsById).isEqualTo(1);
		String key = "catalog:products:v1::7";
		assertThat(redis.commands().get(key)).contains(first.getBody().name());
		assertThat(redis.commands().pttl(key)).isBetween(Duration.ofMinutes(9).minusSeconds(5).toMillis(),
				Duration.ofMinutes(10).toMillis());

		double readsByCategory = databaseQueries("find-by-category");
		String listing = this.http.get().uri("/categories/books/products").retrieve().body(String.class);
		assertThat(this.http.get().uri("/categories/books/products").retrieve().body(String.class))
			.isEqualTo(listing);
		assertThat(listing).contains("\"category\":\"books\"").doesNotContain("\"category\":\"games\"");
		assertThat(databaseQueries("find-by-category") - readsByCategory).isEqualTo(1);
		assertThat(redis.commands().pttl("catalog:productsByCategory:v1::books"))
			.isBetween(Duration.ofMinutes(2).minusSeconds(15).toMillis(), Duration.ofMinutes(2).toMillis());
	}

	@Test
	void productsByIdsReadTheCachedOnesFromRedisAndTheOthersInOneQuery() {
		get("/products/21");
		get("/products/23");
		double readsById = databaseQueries("find-by-id");
		double readsAllById = databaseQueries("find-all-by-id");
		redis.commands().configResetstat();
		Product[] products = this.http.get().uri("/products?ids=23,22,21,24,999999").retrieve().body(Product[].class);
		assertThat(products).extracting(Product::id).containsExactly(23L, 22L, 21L, 24L);
		assertThat(databaseQueries("find-all-by-id") - readsAllById).as("one query for 22, 24 and 999999").isEqualTo(1);
		assertThat(redis.commands().info("commandstats")).contains("cmdstat_mget:calls=1,")
			.doesNotContain("cmdstat_get:");
		assertThat(redis.commands().exists("catalog:products:v1::999999")).as("cached as null").isOne();

		Product[] again = this.http.get().uri("/products?ids=23,22,21,24,999999").retrieve().body(Product[].class);
		assertThat(again).isEqualTo(products);
		assertThat(databaseQueries("find-all-by-id") - readsAllById).as("all from Redis").isEqualTo(1);
		assertThat(get("/products/22").getBody()).isEqualTo(products[1]);
		assertThat(databaseQueries("find-by-id")).as("entries shared with the single reads").isEqualTo(readsById);
	}

	@Test
	void changedPriceIsServedFromTheCacheRightAfterTheUpdate() {
		ResponseEntity<Product> original = get("/products/8");
		BigDecimal newPrice = original.getBody().price().add(new BigDecimal("10.00"));
		double before = databaseQueries("find-by-id");
		ResponseEntity<Product> changed = this.http.patch()
			.uri("/products/8/price")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"price\": " + newPrice + "}")
			.retrieve()
			.toEntity(Product.class);
		assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(changed.getBody().version()).isEqualTo(original.getBody().version() + 1);
		ResponseEntity<Product> after = get("/products/8");
		assertThat(after.getBody().price()).isEqualByComparingTo(newPrice);
		assertThat(after.getBody().version()).isEqualTo(changed.getBody().version());
		assertThat(databaseQueries("find-by-id")).isEqualTo(before);
		assertThat(redis.commands().get("catalog:products:v1::8")).contains(newPrice.toPlainString());
	}

	@Test
	void updateWritesThroughAndInvalidatesTheCategoryListing() {
		Product original = get("/products/9").getBody();
		String category = original.category();
		this.http.get().uri("/categories/" + category + "/products").retrieve().body(String.class);
		String listingKey = "catalog:productsByCategory:v1::" + category;
		assertThat(redis.commands().exists(listingKey)).isOne();
		assertThat(redis.commands().smembers("catalog:tag:category:" + category)).contains(listingKey);

		double readsById = databaseQueries("find-by-id");
		ResponseEntity<Product> updated = this.http.put()
			.uri("/products/9")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"name\": \"Renamed by PUT\", \"price\": " + original.price() + "}")
			.retrieve()
			.toEntity(Product.class);
		assertThat(updated.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(updated.getBody().version()).isEqualTo(original.version() + 1);
		assertThat(redis.commands().get("catalog:products:v1::9")).startsWith("CS1|")
			.contains("|" + updated.getBody().version() + "|")
			.contains("Renamed by PUT");
		assertThat(redis.commands().exists(listingKey)).as("category listing invalidated").isZero();
		assertThat(get("/products/9").getBody().name()).isEqualTo("Renamed by PUT");
		assertThat(databaseQueries("find-by-id")).as("served from the written-through entry").isEqualTo(readsById);
		assertThat(this.http.get().uri("/categories/" + category + "/products").retrieve().body(String.class))
			.contains("Renamed by PUT");
	}

	@Test
	void actuatorShowsTheCachesAndAHealthyCache() {
		get("/products/10");
		get("/products/10");
		String caches = this.http.get().uri("/actuator/cachestarter").retrieve().body(String.class);
		assertThat(caches).contains("\"products\"").contains("\"hits\"").contains("\"hitRatio\"");
		String health = this.http.get().uri("/actuator/health").retrieve().body(String.class);
		assertThat(health).contains("\"status\":\"UP\"").contains("cacheStarter").doesNotContain("\"redis\"")
			.contains("\"localInvalidation\"");
		String prometheus = this.http.get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(prometheus).contains("cache_gets_total").contains("cache_starter_latency_seconds");
	}

	@Test
	void missingProductIsRememberedForTheNullTtl() {
		double before = databaseQueries("find-by-id");
		assertThat(status("/products/999998")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(status("/products/999998")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(databaseQueries("find-by-id") - before).isEqualTo(1);
		assertThat(redis.commands().pttl("catalog:products:v1::999998")).isBetween(1L,
				Duration.ofSeconds(30).toMillis());
	}

	@Test
	void asynchronousReadSharesTheEntriesOfTheSynchronousOnes() {
		double readsById = databaseQueries("find-by-id");
		ResponseEntity<Product> first = get("/async/products/11");
		ResponseEntity<Product> second = get("/async/products/11");
		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(redis.commands().exists("catalog:products:v1::11")).isOne();
		// The synchronous read finds the entry the asynchronous one wrote.
		assertThat(get("/products/11").getBody()).isEqualTo(first.getBody());
		assertThat(databaseQueries("find-by-id") - readsById).isEqualTo(1);

		assertThat(status("/async/products/999997")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(status("/async/products/999997")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(databaseQueries("find-by-id") - readsById).as("a missing id is cached as null").isEqualTo(2);
	}

	private ResponseEntity<Product> get(String path) {
		return this.http.get().uri(path).retrieve().toEntity(Product.class);
	}

	private HttpStatusCode status(String path) {
		return this.http.get().uri(path).retrieve().toBodilessEntity().getStatusCode();
	}

	private double databaseQueries(String query) {
		return this.meterRegistry.get("catalog.db.queries").tag("query", query).counter().count();
	}

}
