package io.cachestarter.bulk;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.cache.CacheCounters;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.testapp.Product;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @CacheableAll} against a real Redis, on each topology a subclass gives: which keys the method receives,
 * what callers get and in which order, what lands in Redis ({@code GET}, {@code PTTL}, {@code EXISTS}) and which
 * commands Redis ran ({@code INFO commandstats}).
 */
abstract class AbstractCacheableAllIntegrationTests {

	static final String PREFIX = "shop:products:v1::";

	/** The spring.data.redis.* property that points at the Redis of the subclass. */
	abstract String redisProperty();

	/** The servers that hold keys: the standalone server, or the cluster's masters. */
	abstract List<RedisServer> masters();

	/** Commands on the server that holds a key. */
	abstract RedisCommands<String, String> nodeFor(String key);

	ApplicationContextRunner contextRunner() {
		masters().forEach(RedisServer::flushAll);
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterTagsAutoConfiguration.class, CacheStarterAutoConfiguration.class,
					CacheStarterBulkAutoConfiguration.class))
			.withUserConfiguration(BulkCatalogConfiguration.class)
			.withPropertyValues(redisProperty(), "spring.application.name=shop",
					"cache-starter.serialization.allowed-packages=io.cachestarter",
					"cache-starter.caches.products.ttl=10m", "cache-starter.caches.products.jitter=0.1",
					"cache-starter.caches.products.cache-null-values=true");
	}

	@Test
	void partialHitsPassTheMethodExactlyTheMissingKeysInRequestOrder() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 10);
			assertThat(catalog.findAll(List.of(3L, 1L, 2L)).keySet()).containsExactly(3L, 1L, 2L);
			Map<Long, Product> found = catalog.findAll(List.of(5L, 3L, 4L, 1L, 6L));
			assertThat(catalog.bulkCalls()).containsExactly(List.of(3L, 1L, 2L), List.of(5L, 4L, 6L));
			assertThat(found.keySet()).containsExactly(5L, 3L, 4L, 1L, 6L);
			assertThat(found.get(4L)).isEqualTo(product(4));
			assertThat(found.get(3L)).isEqualTo(product(3));
		});
	}

	@Test
	void runsTheMethodNotAtAllWhenEveryKeyIsCachedAndOnceForRepeatedKeys() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 10);
			assertThat(catalog.findAll(List.of(2L, 2L, 1L, 2L)).keySet()).containsExactly(2L, 1L);
			assertThat(catalog.findArray(new long[] { 1, 2 }).keySet()).containsExactly(1L, 2L);
			assertThat(catalog.findAll(List.of())).isEmpty();
			assertThat(catalog.bulkCalls()).containsExactly(List.of(2L, 1L));
		});
	}

	@Test
	void resultsComeBackInRequestOrder() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 200);
			List<Long> ids = new ArrayList<>();
			for (long id = 1; id <= 200; id++) {
				ids.add(id);
			}
			Collections.shuffle(ids, new Random(13));
			catalog.findAll(ids.subList(0, 100));
			Collections.shuffle(ids, new Random(14));
			Map<Long, Product> found = catalog.findAll(ids);
			assertThat(found).isInstanceOf(LinkedHashMap.class);
			assertThat(new ArrayList<>(found.keySet())).isEqualTo(ids);
			assertThat(catalog.bulkCalls().get(1)).hasSize(100).doesNotContainAnyElementsOf(catalog.bulkCalls().get(0));
		});
	}

	@Test
	void entriesAreSharedWithCacheableBothWays() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 10);
			assertThat(catalog.find(7L)).isEqualTo(product(7));
			assertThat(catalog.findAll(List.of(7L, 8L))).containsOnlyKeys(7L, 8L);
			assertThat(catalog.bulkCalls()).containsExactly(List.of(8L));
			assertThat(catalog.find(8L)).isEqualTo(product(8));
			assertThat(catalog.singleCalls()).containsExactly(7L);
			String written = nodeFor(PREFIX + "8").get(PREFIX + "8");
			assertThat(written).startsWith("CS1|")
				.contains("|io.cachestarter.testapp.Product\n")
				.contains("\"name\":\"product 8\"");
			String single = nodeFor(PREFIX + "7").get(PREFIX + "7");
			assertThat(written.substring(0, 4)).isEqualTo(single.substring(0, 4));
		});
	}

	@Test
	void readsWithMgetAndNoPerKeyGetAndWritesOneSetPerEntry() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 100);
			List<Long> ids = new ArrayList<>();
			for (long id = 1; id <= 100; id++) {
				ids.add(id);
			}
			catalog.findAll(ids.subList(0, 50));
			masters().forEach((server) -> server.commands().configResetstat());
			assertThat(catalog.findAll(ids)).hasSize(100);
			long mgets = 0;
			long sets = 0;
			for (RedisServer server : masters()) {
				Map<String, Long> calls = commandCalls(server);
				assertThat(calls).as("commands on %s", server).doesNotContainKeys("get", "mset");
				mgets += calls.getOrDefault("mget", 0L);
				sets += calls.getOrDefault("set", 0L);
			}
			assertThat(mgets).isPositive().isLessThanOrEqualTo(maxMgetsFor(100));
			assertThat(sets).as("one SET per loaded entry").isEqualTo(50);
			assertThat(catalog.bulkCalls().get(1)).isEqualTo(ids.subList(50, 100));
		});
	}

	/** The most {@code MGET}s one read of that many keys may take: one, or one per slot on a cluster. */
	abstract long maxMgetsFor(int keys);

	@Test
	void keysInEveryHashSlotWork() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = context.getBean(BulkCatalog.class);
			List<Long> ids = onePerSlot();
			ids.forEach((id) -> catalog.save(product(id)));
			Map<Long, Product> loaded = catalog.findAll(ids);
			assertThat(loaded).hasSize(SlotHash.SLOT_COUNT);
			Map<Long, Product> cached = catalog.findAll(ids);
			assertThat(catalog.bulkCalls()).hasSize(1);
			assertThat(new ArrayList<>(cached.keySet())).isEqualTo(ids);
			assertThat(cached.get(ids.get(ids.size() - 1))).isEqualTo(product(ids.get(ids.size() - 1)));
			for (RedisServer master : masters()) {
				assertThat(master.commands().dbsize()).as("keys on %s", master).isPositive();
			}
		});
	}

	@Test
	void cachesAbsentKeysAsNullWhenTheCacheCachesNulls() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 3);
			assertThat(catalog.findAll(List.of(1L, 404L, 2L))).containsOnlyKeys(1L, 2L);
			assertThat(nodeFor(PREFIX + "404").exists(PREFIX + "404")).isOne();
			assertThat(catalog.findAll(List.of(404L, 1L))).containsOnlyKeys(1L);
			assertThat(catalog.find(404L)).isNull();
			assertThat(catalog.bulkCalls()).containsExactly(List.of(1L, 404L, 2L));
			assertThat(catalog.singleCalls()).isEmpty();
		});
	}

	@Test
	void cachesNothingForAbsentKeysWhenTheCacheDoesNotCacheNulls() {
		contextRunner().withPropertyValues("cache-starter.caches.products.cache-null-values=false").run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 3);
			assertThat(catalog.findAll(List.of(1L, 404L))).containsOnlyKeys(1L);
			assertThat(nodeFor(PREFIX + "404").exists(PREFIX + "404")).isZero();
			catalog.findAll(List.of(1L, 404L));
			assertThat(catalog.bulkCalls()).containsExactly(List.of(1L, 404L), List.of(404L));
		});
	}

	@Test
	void everyWrittenKeyHasItsOwnJitteredTtl() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 40);
			List<Long> ids = new ArrayList<>();
			for (long id = 1; id <= 50; id++) {
				ids.add(id);
			}
			catalog.findAll(ids);
			Set<Long> ttls = new HashSet<>();
			for (long id : ids) {
				long pttl = nodeFor(PREFIX + id).pttl(PREFIX + id);
				assertThat(pttl).as("PTTL of %s", id).isPositive();
				if (id <= 40) {
					assertThat(pttl).isBetween(9 * 60_000L, 11 * 60_000L);
					ttls.add(pttl / 1000);
				}
			}
			assertThat(ttls).as("jitter: distinct TTLs in seconds").hasSizeGreaterThan(5);
			for (RedisServer master : masters()) {
				for (String key : master.commands().keys("*")) {
					assertThat(master.commands().pttl(key)).as("PTTL of %s", key).isPositive();
				}
			}
		});
	}

	@Test
	void countsEachKeyAsAGetAndEachEntryAsAPut() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 10);
			catalog.findAll(List.of(1L, 2L, 3L));
			catalog.findAll(List.of(1L, 2L, 4L, 404L));
			CacheCounters counters = context.getBean(StarterCacheManager.class)
				.getStarterCache("products")
				.getCounters();
			assertThat(counters.hits()).isEqualTo(2);
			assertThat(counters.misses()).isEqualTo(5);
			assertThat(counters.puts()).as("three, then one value and one null").isEqualTo(5);
		});
	}

	@Test
	void tagsEachEntryWithItsOwnKeyAndValue() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 4);
			catalog.save(new Product(5, "spoon", "kitchen", new BigDecimal("1.00"), 1, List.of()));
			catalog.findTagged(List.of(1L, 2L, 5L));
			String key2 = "shop:tagged:v1::2";
			String key5 = "shop:tagged:v1::5";
			assertThat(nodeFor(key2).exists(key2)).isOne();
			TagInvalidator tags = context.getBean(TagInvalidator.class);
			tags.invalidate("product:2");
			assertThat(nodeFor(key2).exists(key2)).as("tagged by its own #key").isZero();
			assertThat(nodeFor("shop:tagged:v1::1").exists("shop:tagged:v1::1")).isOne();
			tags.invalidate("category:kitchen");
			assertThat(nodeFor(key5).exists(key5)).as("tagged by its own #value").isZero();
			assertThat(nodeFor("shop:tagged:v1::1").exists("shop:tagged:v1::1")).isOne();
			tags.invalidate("page:3");
			assertThat(nodeFor("shop:tagged:v1::1").exists("shop:tagged:v1::1")).as("the call's #ids").isZero();
		});
	}

	@Test
	void aBulkLoadRacingASyncLoadOfTheSameKeyLeavesOneValueThatEveryLaterReadGets() {
		contextRunner().run((context) -> {
			BulkCatalog catalog = catalog(context.getBean(BulkCatalog.class), 3);
			catalog.slowAndChanging(200);
			CompletableFuture<Map<Long, Product>> bulk = CompletableFuture
				.supplyAsync(() -> catalog.findAll(List.of(1L, 2L)));
			CompletableFuture<Product> single = CompletableFuture.supplyAsync(() -> catalog.findSync(1L));
			Set<String> loaded = Set.of(bulk.join().get(1L).name(), single.join().name());
			assertThat(loaded).as("both loads ran").hasSize(2);
			catalog.slowAndChanging(0);
			String cached = catalog.find(1L).name();
			assertThat(loaded).as("the value in Redis is one of the two").contains(cached);
			assertThat(catalog.findAll(List.of(1L, 2L)).get(1L).name()).isEqualTo(cached);
			assertThat(catalog.findSync(1L).name()).isEqualTo(cached);
			assertThat(catalog.bulkCalls()).hasSize(1);
		});
	}

	static BulkCatalog catalog(BulkCatalog catalog, int products) {
		for (long id = 1; id <= products; id++) {
			catalog.save(product(id));
		}
		return catalog;
	}

	static Product product(long id) {
		return new Product(id, "product " + id, "general", new BigDecimal("9.99"), 1, List.of("new"));
	}

	/** One id for every hash slot of the cluster, by the slot of its key. */
	static List<Long> onePerSlot() {
		BitSet covered = new BitSet(SlotHash.SLOT_COUNT);
		List<Long> ids = new ArrayList<>(SlotHash.SLOT_COUNT);
		for (long id = 1; ids.size() < SlotHash.SLOT_COUNT; id++) {
			int slot = SlotHash.getSlot((PREFIX + id).getBytes(StandardCharsets.UTF_8));
			if (!covered.get(slot)) {
				covered.set(slot);
				ids.add(id);
			}
		}
		return ids;
	}

	/** The calls of each command since the last CONFIG RESETSTAT, by lower-case name. */
	static Map<String, Long> commandCalls(RedisServer server) {
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : server.commands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
				calls.put(name, Long.parseLong(count));
			}
		}
		return calls;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class BulkCatalogConfiguration {

		@Bean
		BulkCatalog bulkCatalog() {
			return new BulkCatalog();
		}

	}

}
