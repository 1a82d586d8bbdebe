package io.cachestarter.cache;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.serialization.CacheEntryCodec;
import io.cachestarter.testapp.DeflateBomb;
import io.cachestarter.testapp.Product;
import io.cachestarter.testapp.RecordingMetrics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compression against a real Redis, on each topology a subclass gives: what lands in Redis ({@code STRLEN}, the
 * header bytes, {@code EXISTS}), that entries read back whatever the setting, and that corrupt or forged compressed
 * entries are misses that are removed and counted. Cache {@code listings} compresses from the default 4KB
 * threshold; cache {@code plainListings} does not.
 */
abstract class AbstractCompressionIntegrationTests {

	/** About 20 KB of JSON: 130 products of the test application. */
	static final int PAGE_OF_20_KB = 130;

	/** The spring.data.redis.* property that points at the Redis of the subclass. */
	abstract String redisProperty();

	/** Removes every key, between tests. */
	abstract void flushAll();

	private ApplicationContextRunner contextRunner() {
		flushAll();
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
			.withUserConfiguration(ListingsConfiguration.class)
			.withPropertyValues(redisProperty(), "spring.application.name=shop",
					"cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.caches.listings.compression.enabled=true", "cache-starter.caches.plainListings.ttl=10m");
	}

	@Test
	void storesA20KbValueCompressedAtBelowAThirdOfItsJsonAndReadsItBack() {
		contextRunner().run((context) -> {
			Listings listings = context.getBean(Listings.class);
			List<Product> page = page(PAGE_OF_20_KB);
			assertThat(listings.compressed("big", PAGE_OF_20_KB)).isEqualTo(page);
			assertThat(listings.plain("big", PAGE_OF_20_KB)).isEqualTo(page);
			try (RedisConnection redis = connection(context)) {
				String header = header(get(redis, "shop:listings:v1::big"));
				long json = Long.parseLong(header.substring(header.lastIndexOf('|') + 1));
				assertThat(header).startsWith("CS2|").contains("|deflate|");
				assertThat(json).as("JSON bytes").isGreaterThanOrEqualTo(20_000);
				long plainStored = strlen(redis, "shop:plainListings:v1::big");
				assertThat(plainStored).as("the plain entry: header and JSON").isGreaterThan(json);
				assertThat(strlen(redis, "shop:listings:v1::big")).as("STRLEN of the compressed entry")
					.isLessThan(json / 3);
			}
			assertThat(listings.compressed("big", PAGE_OF_20_KB)).isEqualTo(page);
			assertThat(listings.loads()).as("the second call was a hit").isEqualTo(2);
		});
	}

	@Test
	void storesAValueUnderTheThresholdPlain() {
		contextRunner().run((context) -> {
			Listings listings = context.getBean(Listings.class);
			listings.compressed("small", 10); // about 1.5 KB of JSON
			try (RedisConnection redis = connection(context)) {
				byte[] stored = get(redis, "shop:listings:v1::small");
				assertThat(new String(stored, StandardCharsets.UTF_8)).startsWith("CS1|")
					.contains("|java.util.ImmutableCollections$ListN\n[")
					.contains("\"name\":\"Compact board game 10\"");
				assertThat(stored.length).isBetween(1_000, 4_096);
			}
			assertThat(listings.compressed("small", 10)).isEqualTo(page(10));
			assertThat(listings.loads()).isOne();
		});
	}

	@Test
	void compressedEntriesAreReadWithCompressionOffAndPlainOnesWithItOn() {
		ApplicationContextRunner runner = contextRunner();
		runner.run((context) -> {
			context.getBean(Listings.class).compressed("written-compressed", PAGE_OF_20_KB);
			try (RedisConnection redis = connection(context)) {
				assertThat(header(get(redis, "shop:listings:v1::written-compressed"))).startsWith("CS2|");
			}
		});
		runner.withPropertyValues("cache-starter.caches.listings.compression.enabled=false").run((context) -> {
			Listings listings = context.getBean(Listings.class);
			assertThat(listings.compressed("written-compressed", PAGE_OF_20_KB)).isEqualTo(page(PAGE_OF_20_KB));
			assertThat(listings.loads()).as("a hit on the compressed entry").isZero();
			listings.compressed("written-plain", PAGE_OF_20_KB);
			try (RedisConnection redis = connection(context)) {
				assertThat(header(get(redis, "shop:listings:v1::written-plain"))).startsWith("CS1|");
			}
		});
		runner.run((context) -> {
			Listings listings = context.getBean(Listings.class);
			assertThat(listings.compressed("written-plain", PAGE_OF_20_KB)).isEqualTo(page(PAGE_OF_20_KB));
			assertThat(listings.compressed("written-compressed", PAGE_OF_20_KB)).isEqualTo(page(PAGE_OF_20_KB));
			assertThat(listings.loads()).as("both hits").isZero();
			assertThat(context.getBean(RecordingMetrics.class).count("error:listings:deserialization")).isZero();
		});
	}

	@Test
	void maxValueSizeAppliesToTheStoredBytes() {
		contextRunner().withPropertyValues("cache-starter.max-value-size=8KB").run((context) -> {
			Listings listings = context.getBean(Listings.class);
			listings.compressed("big", PAGE_OF_20_KB);
			listings.plain("big", PAGE_OF_20_KB);
			RecordingMetrics metrics = context.getBean(RecordingMetrics.class);
			try (RedisConnection redis = connection(context)) {
				assertThat(exists(redis, "shop:listings:v1::big")).as("JSON over 8KB, compressed under it").isTrue();
				assertThat(strlen(redis, "shop:listings:v1::big")).isLessThanOrEqualTo(8 * 1024);
				assertThat(exists(redis, "shop:plainListings:v1::big")).as("the same JSON plain").isFalse();
			}
			assertThat(metrics.count("error:listings:oversize")).isZero();
			assertThat(metrics.count("error:plainListings:oversize")).isOne();
			listings.compressed("big", PAGE_OF_20_KB);
			assertThat(listings.loads()).as("the compressed one is a hit").isEqualTo(2);
		});
	}

	@Test
	void corruptCompressedBytesAreAMissThatIsRemovedAndCounted() {
		contextRunner().run((context) -> {
			Listings listings = context.getBean(Listings.class);
			listings.compressed("c", PAGE_OF_20_KB);
			try (RedisConnection redis = connection(context)) {
				byte[] valid = get(redis, "shop:listings:v1::c");
				byte[] corrupt = valid.clone();
				for (int i = header(valid).length() + 20; i < corrupt.length; i += 5) {
					corrupt[i] ^= 0x3C;
				}
				set(redis, "shop:listings:v1::c", corrupt);
				assertThat(context.getBean(StarterCacheManager.class).getCache("listings").get("c")).isNull();
				assertThat(exists(redis, "shop:listings:v1::c")).as("removed").isFalse();
				set(redis, "shop:listings:v1::c", corrupt);
				assertThat(listings.compressed("c", PAGE_OF_20_KB)).isEqualTo(page(PAGE_OF_20_KB));
				assertThat(listings.loads()).as("the method ran again").isEqualTo(2);
				assertThat(context.getBean(RecordingMetrics.class).count("error:listings:deserialization"))
					.isEqualTo(2);
				assertThat(get(redis, "shop:listings:v1::c")).as("a readable entry again").startsWith(prefixOf(valid));
			}
		});
	}

	@Test
	void aDecompressionBombIsAMissThatIsRemovedAndCounted() {
		// 256 MB of zeros in a quarter of a megabyte, declared as 1,000 bytes and as the limit (1MB x 20).
		byte[] bomb = DeflateBomb.zeros(256L * 1024 * 1024);
		int limit = 1024 * 1024 * CacheEntryCodec.MAX_EXPANSION;
		contextRunner().run((context) -> {
			Listings listings = context.getBean(Listings.class);
			RecordingMetrics metrics = context.getBean(RecordingMetrics.class);
			try (RedisConnection redis = connection(context)) {
				for (int declared : new int[] { 1000, limit }) {
					set(redis, "shop:listings:v1::bomb", concat(
							"CS2|1|600000|-|java.util.ImmutableCollections$ListN|deflate|" + declared + "\n", bomb));
					long allocated = allocatedBytes(() -> assertThat(
							context.getBean(StarterCacheManager.class).getCache("listings").get("bomb"))
						.isNull());
					assertThat(allocated).as("bytes allocated to read a bomb declaring %d", declared)
						.isLessThan(declared + 16L * 1024 * 1024);
					assertThat(exists(redis, "shop:listings:v1::bomb")).as("removed").isFalse();
				}
				assertThat(metrics.count("error:listings:deserialization")).isEqualTo(2);
				set(redis, "shop:listings:v1::bomb", concat(
						"CS2|1|600000|-|java.util.ImmutableCollections$ListN|deflate|1000\n", bomb));
				assertThat(listings.compressed("bomb", 10)).isEqualTo(page(10));
				assertThat(listings.loads()).isOne();
				assertThat(metrics.count("error:listings:deserialization")).isEqualTo(3);
			}
		});
	}

	static List<Product> page(int size) {
		List<Product> page = new ArrayList<>();
		for (long id = 1; id <= size; id++) {
			page.add(new Product(id, "Compact board game " + id, "games", BigDecimal.valueOf(499 + id * 37 % 9000, 2),
					1, List.of("new", "c" + (id % 8))));
		}
		return List.copyOf(page);
	}

	private static RedisConnection connection(AssertableApplicationContext context) {
		return context.getBean(RedisConnectionFactory.class).getConnection();
	}

	private static byte[] get(RedisConnection redis, String key) {
		byte[] value = redis.stringCommands().get(bytes(key));
		assertThat(value).as("GET %s", key).isNotNull();
		return value;
	}

	private static void set(RedisConnection redis, String key, byte[] value) {
		redis.stringCommands().set(bytes(key), value);
		redis.keyCommands().pExpire(bytes(key), 600_000);
	}

	private static long strlen(RedisConnection redis, String key) {
		return redis.stringCommands().strLen(bytes(key));
	}

	private static boolean exists(RedisConnection redis, String key) {
		return Boolean.TRUE.equals(redis.keyCommands().exists(bytes(key)));
	}

	private static String header(byte[] entry) {
		int end = 0;
		while (end < entry.length && entry[end] != '\n') {
			end++;
		}
		return new String(entry, 0, end, StandardCharsets.US_ASCII);
	}

	/** The first field of an entry, its format: {@code CS2|}. */
	private static byte[] prefixOf(byte[] entry) {
		return Arrays.copyOf(entry, 4);
	}

	private static byte[] concat(String header, byte[] body) {
		byte[] head = header.getBytes(StandardCharsets.US_ASCII);
		byte[] bytes = Arrays.copyOf(head, head.length + body.length);
		System.arraycopy(body, 0, bytes, head.length, body.length);
		return bytes;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** What the current thread allocates while running the action (HotSpot's per-thread allocation counter). */
	private static long allocatedBytes(Runnable action) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		action.run();
		return threads.getCurrentThreadAllocatedBytes() - before;
	}

	/** Pages of products, counting how often the method really runs. */
	static class Listings {

		private final AtomicInteger loads = new AtomicInteger();

		int loads() {
			return this.loads.get();
		}

		@Cacheable(cacheNames = "listings", key = "#name")
		public List<Product> compressed(String name, int size) {
			this.loads.incrementAndGet();
			return page(size);
		}

		@Cacheable(cacheNames = "plainListings", key = "#name")
		public List<Product> plain(String name, int size) {
			this.loads.incrementAndGet();
			return page(size);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ListingsConfiguration {

		@Bean
		Listings listings() {
			return new Listings();
		}

		@Bean
		RecordingMetrics recordingMetrics() {
			return new RecordingMetrics();
		}

	}

}
