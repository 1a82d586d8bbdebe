package io.cachestarter.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.example.outside.Gadget;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServer;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.CatalogConfiguration;
import io.cachestarter.testapp.CatalogService;
import io.cachestarter.testapp.Product;
import io.cachestarter.testapp.RecordingMetrics;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache manager core against a real Redis: what lands in Redis (keys, TTLs, bytes) and what callers get.
 */
class StarterRedisCacheIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class, MetricsConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop",
				"cache-starter.serialization.allowed-packages=io.cachestarter");

	@AfterEach
	void everyKeyTheStarterWroteHasATtl() {
		assertEveryKeyHasTtl(redis.commands());
	}

	@Test
	void writesEntriesUnderTheKeyLayout() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(42, "kettle"));
			assertThat(catalog.find(42)).isEqualTo(Product.of(42, "kettle"));
			assertThat(redis.commands().exists("shop:products:v1::42")).isOne();
			assertThat(redis.commands().get("shop:products:v1::42")).startsWith("CS1|")
				.contains("|io.cachestarter.testapp.Product\n")
				.contains("\"name\":\"kettle\"");
			assertThat(catalog.find(42)).isEqualTo(Product.of(42, "kettle"));
			assertThat(catalog.loads()).isOne();
		});
	}

	@Test
	void spreadsTtlsWithinTheJitterWindow() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.ttl=100s",
				"cache-starter.caches.products.jitter=0.2")
			.run((context) -> {
				CatalogService catalog = context.getBean(CatalogService.class);
				for (long id = 0; id < 200; id++) {
					catalog.save(Product.of(id, "p" + id));
					catalog.find(id);
				}
				Set<Long> distinct = new HashSet<>();
				for (long id = 0; id < 200; id++) {
					long pttl = redis.commands().pttl("shop:products:v1::" + id);
					assertThat(pttl).isBetween(80_000L - 5_000, 100_000L); // lower bound allows for test run time
					distinct.add(pttl / 100);
				}
				assertThat(distinct).as("TTLs in 100 ms buckets").hasSizeGreaterThan(50);
				long below90 = distinctBelow(redis.commands(), 200, 90_000);
				assertThat(below90).as("about half below the midpoint").isBetween(60L, 140L);
			});
	}

	@Test
	void zeroJitterGivesEqualTtls() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.ttl=100s",
				"cache-starter.caches.products.jitter=0")
			.run((context) -> {
				CatalogService catalog = context.getBean(CatalogService.class);
				for (long id = 0; id < 50; id++) {
					catalog.save(Product.of(id, "p" + id));
					catalog.find(id);
				}
				long min = Long.MAX_VALUE;
				long max = Long.MIN_VALUE;
				for (long id = 0; id < 50; id++) {
					long pttl = redis.commands().pttl("shop:products:v1::" + id);
					min = Math.min(min, pttl);
					max = Math.max(max, pttl);
				}
				assertThat(max).isLessThanOrEqualTo(100_000L);
				assertThat(max - min).as("spread is only the time the writes took").isLessThan(5_000L);
			});
	}

	@Test
	void versionBumpMakesOldEntriesUnreachableWithoutDeletingThem() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(7, "v1 shape"));
			catalog.find(7);
		});
		this.contextRunner.withPropertyValues("cache-starter.caches.products.version=2").run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(7, "v2 shape"));
			assertThat(catalog.find(7).name()).isEqualTo("v2 shape");
			assertThat(catalog.loads()).as("old entry not read").isOne();
			assertThat(redis.commands().exists("shop:products:v1::7")).isOne();
			assertThat(redis.commands().exists("shop:products:v2::7")).isOne();
		});
	}

	@Test
	void cachesNullsWithTheirOwnTtl() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.null-ttl=5s").run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			assertThat(catalog.find(404)).isNull();
			assertThat(catalog.find(404)).isNull();
			assertThat(catalog.loads()).isOne();
			assertThat(redis.commands().get("shop:products:v1::404")).endsWith("|-|~\n");
			assertThat(redis.commands().pttl("shop:products:v1::404")).isBetween(1L, 5_000L);
		});
	}

	@Test
	void doesNotCacheNullsWhenTurnedOff() {
		this.contextRunner.withPropertyValues("cache-starter.caches.products.cache-null-values=false")
			.run((context) -> {
				CatalogService catalog = context.getBean(CatalogService.class);
				assertThat(catalog.findSync(404)).isNull();
				assertThat(catalog.findSync(404)).isNull();
				assertThat(catalog.loads()).isEqualTo(2);
				assertThat(redis.commands().exists("shop:products:v1::404")).isZero();
			});
	}

	@Test
	void cachePutAndCacheEvictChangeRedis() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(1, "old"));
			catalog.find(1);
			catalog.update(Product.of(1, "new"));
			assertThat(redis.commands().get("shop:products:v1::1")).contains("\"name\":\"new\"");
			assertThat(catalog.find(1).name()).isEqualTo("new");
			catalog.delete(1);
			assertThat(redis.commands().exists("shop:products:v1::1")).isZero();
			assertThat(catalog.find(1)).isNull();
		});
	}

	@Test
	void putHasReachedRedisWhenTheCallReturns() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			for (long id = 0; id < 300; id++) {
				catalog.save(Product.of(id, "p"));
				catalog.find(id);
				assertThat(redis.commands().exists("shop:products:v1::" + id)).isOne();
				catalog.find(id);
			}
			assertThat(catalog.loads()).as("every call right after a miss was a hit").isEqualTo(300);
		});
	}

	@Test
	void corruptValueIsAMissThatIsRemovedAndCounted() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(3, "fine"));
			redis.commands().set("shop:products:v1::3", "\u0000\u0001garbage");
			redis.commands().pexpire("shop:products:v1::3", 60_000);
			assertThat(catalog.find(3)).isEqualTo(Product.of(3, "fine"));
			assertThat(catalog.loads()).isOne();
			assertThat(context.getBean(RecordingMetrics.class).count("error:products:deserialization")).isOne();
			assertThat(redis.commands().get("shop:products:v1::3")).startsWith("CS1|");
			assertThat(catalog.findSync(3)).isEqualTo(Product.of(3, "fine"));
		});
	}

	@Test
	void valueOfAClassThatChangedShapeIsAMiss() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(4, "current"));
			redis.commands().set("shop:products:v1::4", "CS1|1|60000|-|io.cachestarter.testapp.Product\n"
					+ "{\"@class\":\"io.cachestarter.testapp.Product\",\"id\":4,\"sku\":\"removed field\"}");
			redis.commands().pexpire("shop:products:v1::4", 60_000);
			assertThat(catalog.findSync(4)).isEqualTo(Product.of(4, "current"));
			assertThat(context.getBean(RecordingMetrics.class).count("error:products:deserialization")).isOne();
		});
	}

	@Test
	void forgedTypeIsNeverInstantiatedAndTheMethodAnswers() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			catalog.save(Product.of(5, "real"));
			int before = Gadget.instances.get();
			redis.commands().set("shop:products:v1::5", "CS1|1|60000|-|com.example.outside.Gadget\n"
					+ "{\"@class\":\"com.example.outside.Gadget\",\"command\":\"touch /tmp/pwned\"}");
			redis.commands().pexpire("shop:products:v1::5", 60_000);
			assertThat(catalog.find(5)).isEqualTo(Product.of(5, "real"));
			redis.commands().set("shop:products:v1::5", "CS1|1|60000|-|java.util.ArrayList\n"
					+ "[\"java.util.ArrayList\",[{\"@class\":\"com.example.outside.Gadget\",\"command\":\"x\"}]]");
			redis.commands().pexpire("shop:products:v1::5", 60_000);
			assertThat(catalog.findSync(5)).isEqualTo(Product.of(5, "real"));
			assertThat(Gadget.instances.get()).isEqualTo(before);
			assertThat(context.getBean(RecordingMetrics.class).count("error:products:deserialization")).isEqualTo(2);
		});
	}

	@Test
	void oversizeValueIsNotCachedAndNotAnError() {
		this.contextRunner.withPropertyValues("cache-starter.max-value-size=1KB").run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			assertThat(catalog.payload("big", 4096)).hasSize(4096);
			assertThat(keys(redis.commands(), "shop:payloads:*")).isEmpty();
			assertThat(catalog.payload("big", 4096)).hasSize(4096);
			assertThat(catalog.loads()).isEqualTo(2);
			assertThat(context.getBean(RecordingMetrics.class).count("error:payloads:oversize")).isEqualTo(2);
			assertThat(catalog.payload("small", 10)).hasSize(10);
			assertThat(keys(redis.commands(), "shop:payloads:*")).hasSize(1);
		});
	}

	@Test
	void readsBackLongValuesAsLongs() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			assertThat(catalog.count("a")).isEqualTo(5_000_000_000L);
			assertThat(catalog.count("a")).isEqualTo(5_000_000_000L);
			assertThat(catalog.loads()).isOne();
		});
	}

	@Test
	void clearRemovesOnlyThisCachesEntriesWithScan() {
		this.contextRunner.run((context) -> {
			CatalogService catalog = context.getBean(CatalogService.class);
			for (long id = 0; id < 1_200; id++) {
				catalog.count("k" + id);
			}
			catalog.save(Product.of(1, "kept"));
			catalog.find(1);
			Cache counts = context.getBean(StarterCacheManager.class).getCache("counts");
			counts.clear();
			assertThat(keys(redis.commands(), "shop:counts:*")).isEmpty();
			assertThat(redis.commands().exists("shop:products:v1::1")).isOne();
		});
	}

	@Test
	void clearWorksForAnAclUserDeniedKeys(@TempDir Path dir) throws IOException {
		Path aclFile = Files.writeString(dir.resolve("users.acl"),
				"user default on nopass ~* &* +@all\nuser app on >secret ~* &* +@all -keys\n");
		try (RedisServer acl = RedisServer.start("--aclfile", aclFile.toString())) {
			assertThat(acl.commands().aclGetuser("app")).asString().contains("-keys");
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
				.withUserConfiguration(CatalogConfiguration.class)
				.withPropertyValues("spring.data.redis.url=redis://app:secret@127.0.0.1:" + acl.port(),
						"cache-starter.serialization.allowed-packages=io.cachestarter")
				.run((context) -> {
					CatalogService catalog = context.getBean(CatalogService.class);
					for (long id = 0; id < 700; id++) {
						catalog.count("k" + id);
					}
					assertThat(keys(acl.commands(), "counts:*")).hasSize(700);
					context.getBean(StarterCacheManager.class).getCache("counts").clear();
					assertThat(keys(acl.commands(), "counts:*")).isEmpty();
					assertThat(catalog.count("k1")).isEqualTo(5_000_000_000L);
				});
		}
	}

	@Test
	void evictIfPresentTellsWhetherAnEntryWasRemoved() {
		this.contextRunner.run((context) -> {
			StarterRedisCache cache = context.getBean(StarterCacheManager.class).getStarterCache("products");
			cache.put(9L, Product.of(9, "x"));
			assertThat(cache.evictIfPresent(9L)).isTrue();
			assertThat(cache.evictIfPresent(9L)).isFalse();
			assertThat(cache.putIfAbsent(9L, Product.of(9, "first"))).isNull();
			assertThat(cache.putIfAbsent(9L, Product.of(9, "second")).get()).isEqualTo(Product.of(9, "first"));
		});
	}

	private static long distinctBelow(RedisCommands<String, String> commands, int count, long threshold) {
		long below = 0;
		for (long id = 0; id < count; id++) {
			below += (commands.pttl("shop:products:v1::" + id) < threshold) ? 1 : 0;
		}
		return below;
	}

	static List<String> keys(RedisCommands<String, String> commands, String pattern) {
		return ScanIterator.scan(commands, ScanArgs.Builder.matches(pattern).limit(500)).stream().toList();
	}

	static void assertEveryKeyHasTtl(RedisCommands<String, String> commands) {
		for (String key : keys(commands, "*")) {
			assertThat(commands.pttl(key)).as("PTTL of %s", key).isPositive();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class MetricsConfiguration {

		@Bean
		RecordingMetrics recordingMetrics() {
			return new RecordingMetrics();
		}

	}

}
