package io.cachestarter.matrix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import io.cachestarter.TagInvalidator;
import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterBulkAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterCacheMetricsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterFailoverAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterHealthAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterLocalCacheAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterMetricsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterResilienceAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterTagsAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterWriteThroughAutoConfiguration;
import io.cachestarter.cache.NearCache;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.health.CacheStarterHealthIndicator;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.matrix.RedisAdmin.Outage;
import io.cachestarter.matrix.Shop.Item;
import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The capability matrix: every capability of the starter (a row, one method here) runs the same behavioural test on
 * every {@link Topology} (a column): standalone, Sentinel and Cluster, and standalone and Cluster over TLS as an ACL
 * user limited to {@link LeastPrivilege#RULE}. Each row checks what is in Redis (read directly, as the default user)
 * and what the caller got.
 * <p>
 * To add a row: write a method {@code void whatItProves(Topology topology)} annotated {@link EveryTopology}, add the
 * cached methods it needs to {@link Shop} (with a cache of their own), set that cache's properties in
 * {@link #contextRunner}, and run the application with {@link #run(Topology, ContextConsumer)}.
 */
class CapabilityMatrixTests {

	private static final Duration DEADLINE = Duration.ofSeconds(20);

	private final ShopDatabase database = new ShopDatabase();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, CacheStarterResilienceAutoConfiguration.class,
				CacheStarterFailoverAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class,
				CacheStarterMetricsAutoConfiguration.class, CacheStarterTagsAutoConfiguration.class,
				CacheStarterWriteThroughAutoConfiguration.class, CacheStarterAutoConfiguration.class,
				CacheStarterBulkAutoConfiguration.class,
				CacheStarterCacheMetricsAutoConfiguration.class, CacheStarterHealthAutoConfiguration.class,
				CacheStarterLocalCacheAutoConfiguration.class))
		.withUserConfiguration(ShopConfiguration.class)
		.withBean(ShopDatabase.class, () -> this.database)
		.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("spring.application.name=" + Topology.APPLICATION,
				"cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.metrics.redis-sample-interval=200ms", "cache-starter.caches.ttl.ttl=60s",
				"cache-starter.caches.ttl.jitter=0.25", "cache-starter.caches.refreshed.ttl=2s",
				"cache-starter.caches.refreshed.jitter=0", "cache-starter.caches.refreshed.refresh-ahead=0.5",
				"cache-starter.caches.stale.ttl=1s", "cache-starter.caches.stale.jitter=0",
				"cache-starter.caches.stale.stale-ttl=30s", "cache-starter.caches.near.local.enabled=true");

	@AfterAll
	static void stopRedis() {
		Topology.stopAll();
	}

	@EveryTopology
	void everyEntryHasAJitteredTtlWithinItsBounds(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			List<Long> ttls = new ArrayList<>();
			for (long id = 0; id < 30; id++) {
				assertThat(shop.ttl(id)).isEqualTo("row-" + id);
				ttls.add(topology.admin().pttl(key("ttl", id)));
			}
			// ttl 60s, jitter 0.25: each write's TTL is drawn from [45 s, 60 s].
			assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(44_000L, 60_000L));
			assertThat(ttls.stream().mapToLong(Long::longValue).max().getAsLong()
					- ttls.stream().mapToLong(Long::longValue).min().getAsLong())
				.as("spread of the TTLs")
				.isGreaterThan(2_000L);
			assertThat(topology.admin().keys(Topology.APPLICATION + ":*"))
				.allSatisfy((key) -> assertThat(topology.admin().pttl(key)).as("TTL of %s", key).isPositive());
		});
	}

	@EveryTopology
	void cacheableAllReadsWithMgetLoadsOnlyTheMissingKeysAndSharesEntriesWithCacheable(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			List<Long> ids = LongStream.range(0, 40).boxed().toList();
			for (long id = 0; id < 40; id += 2) {
				shop.bulkOne(id);
			}
			topology.admin().resetStats();
			Map<Long, String> rows = shop.bulk(ids);
			assertThat(List.copyOf(rows.keySet())).isEqualTo(ids);
			assertThat(rows.get(7L)).isEqualTo("row-7");
			assertThat(shop.bulkCalls()).containsExactly(ids.stream().filter((id) -> id % 2 == 1).toList());
			assertThat(topology.admin().calls("mget")).isPositive();
			assertThat(topology.admin().calls("get")).isZero();
			assertThat(shop.bulk(ids)).isEqualTo(rows);
			assertThat(shop.bulkOne(39L)).isEqualTo("row-39");
			assertThat(shop.bulkCalls()).hasSize(1);
			List<String> keys = ids.stream().map((id) -> key("bulk", id)).toList();
			assertThat(topology.admin().exists(keys)).isEqualTo(40);
			assertThat(keys).allSatisfy((key) -> assertThat(topology.admin().pttl(key)).as("TTL of %s", key).isPositive());
		});
	}

	@EveryTopology
	void clearRemovesEveryEntryWithScanNeverKeys(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			List<String> keys = new ArrayList<>();
			for (long id = 0; id < 60; id++) {
				shop.cleared(id);
				keys.add(key("cleared", id));
			}
			assertThat(topology.admin().exists(keys)).isEqualTo(60);
			topology.admin().resetStats();

			context.getBean(StarterCacheManager.class).getCache("cleared").clear();

			assertThat(topology.admin().exists(keys)).isZero();
			assertThat(topology.admin().calls("scan")).isPositive();
			assertThat(topology.admin().calls("keys")).isZero();
		});
	}

	@EveryTopology
	void concurrentMissesOfTwoInstancesLoadOnce(Topology topology) {
		this.database.slow(300);
		run(topology, (first) -> run(topology, (second) -> {
			List<Shop> instances = List.of(first.getBean(Shop.class), second.getBean(Shop.class));
			ExecutorService callers = Executors.newFixedThreadPool(16);
			try {
				List<CompletableFuture<String>> calls = new ArrayList<>();
				for (int i = 0; i < 16; i++) {
					Shop shop = instances.get(i % 2);
					calls.add(CompletableFuture.supplyAsync(() -> shop.hot(7), callers));
				}
				assertThat(calls).allSatisfy((call) -> assertThat(call.join()).isEqualTo("row-7"));
			}
			finally {
				callers.shutdownNow();
			}
			assertThat(this.database.reads()).as("database reads").isOne();
			assertThat(topology.admin().get(key("hot", 7))).contains("row-7");
			assertThat(topology.admin().exists(List.of(Topology.APPLICATION + ":lock:hot:v1::7"))).isZero();
		}));
	}

	@EveryTopology
	void anEntryPastItsRefreshPointIsServedAndReloadedInTheBackground(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(shop.refreshed(3)).isEqualTo("row-3");
			this.database.put(3, "changed");
			// ttl 2s, refresh-ahead 0.5: after a second a hit still serves the entry and reloads it once.
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
				assertThat(shop.refreshed(3)).isIn("row-3", "changed");
				assertThat(count(registry, "cache.starter.refreshes", "refreshed")).isPositive();
			});
			await().atMost(DEADLINE).untilAsserted(
					() -> assertThat(topology.admin().get(key("refreshed", 3))).contains("changed"));
			assertThat(shop.refreshed(3)).isEqualTo("changed");
			assertThat(this.database.reads()).isEqualTo(2);
		});
	}

	@EveryTopology
	void anExpiredEntryIsServedStaleWhileOneCallerReloadsIt(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(shop.stale(4)).isEqualTo("row-4");
			this.database.put(4, "changed");
			// ttl 1s, stale-ttl 30s: past its TTL the entry is still served while it is reloaded.
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
				assertThat(shop.stale(4)).isIn("row-4", "changed");
				assertThat(count(registry, "cache.starter.stale.served", "stale")).isPositive();
			});
			await().atMost(DEADLINE)
				.untilAsserted(() -> assertThat(topology.admin().get(key("stale", 4))).contains("changed"));
			assertThat(topology.admin().pttl(key("stale", 4))).as("kept for its stale window").isGreaterThan(1_000L);
		});
	}

	@EveryTopology
	void aTagSpansSlotsAndItsInvalidationRemovesEveryEntry(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			List<String> keys = LongStream.range(0, 40).mapToObj((id) -> key("tagged", id)).toList();
			for (long id = 0; id < 40; id++) {
				shop.tagged(id, "toys");
			}
			shop.tagged(99, "books");
			String tagSet = Topology.APPLICATION + ":tag:group:toys";
			Set<String> members = topology.admin().smembers(tagSet);
			assertThat(members).containsExactlyInAnyOrderElementsOf(keys);
			assertThat(keys.stream().map(SlotHash::getSlot).distinct().count()).isGreaterThan(30);
			assertThat(topology.admin().pttl(tagSet)).isPositive();

			assertThat(context.getBean(TagInvalidator.class).invalidate("group:toys")).isEqualTo(40);

			assertThat(topology.admin().exists(keys)).isZero();
			assertThat(topology.admin().exists(List.of(tagSet))).isZero();
			assertThat(topology.admin().exists(List.of(key("tagged", 99)))).isOne();
			this.database.put(1, "changed");
			assertThat(shop.tagged(1, "toys")).isEqualTo("changed");
		});
	}

	@EveryTopology
	void aVersionedWriteNeverReplacesANewerOne(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			shop.save(new Item(5, "fifth", 5));
			shop.save(new Item(5, "fourth", 4));
			assertThat(topology.admin().get(key("versioned", 5))).contains("fifth").doesNotContain("fourth");
			shop.save(new Item(5, "sixth", 6));
			assertThat(topology.admin().get(key("versioned", 5))).contains("sixth");
			assertThat(topology.admin().pttl(key("versioned", 5))).isPositive();
		});
	}

	@EveryTopology
	void anEvictionThatFailedDuringAnOutageIsReplayedBeforeReads(Topology topology) {
		run(topology, (context) -> {
			Shop shop = context.getBean(Shop.class);
			CircuitBreakerRedisGuard guard = context.getBean(CircuitBreakerRedisGuard.class);
			String key = key("replayed", 8);
			assertThat(shop.replayed(8)).isEqualTo("row-8");
			try (Outage outage = topology.admin().pause(key)) {
				shop.change(8, "changed");
				assertThat(guard.getPendingRemovals()).isOne();
			}
			// The removal is replayed before any read is served from Redis (by the next call, or the gauges'
			// sampler if it comes first): no call after the outage may see the old value.
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
				assertThat(shop.replayed(8)).isEqualTo("changed");
				assertThat(guard.getPendingRemovals()).isZero();
				assertThat(topology.admin().get(key)).isNotNull();
			});
			assertThat(topology.admin().get(key)).contains("changed");
		});
	}

	@EveryTopology
	void aWriteOnOneInstanceDropsTheNearCacheEntryOfTheOther(Topology topology) {
		run(topology, (first) -> run(topology, (second) -> {
			for (AssertableApplicationContext context : List.of(first, second)) {
				LocalNearCaches caches = context.getBean(LocalNearCaches.class);
				await().atMost(DEADLINE).until(() -> caches.state() == LocalNearCaches.State.LISTENING);
			}
			Shop writer = first.getBean(Shop.class);
			Shop reader = second.getBean(Shop.class);
			NearCache near = second.getBean(StarterCacheManager.class).getStarterCache("near").getNearCache();
			assertThat(reader.near(4)).isEqualTo("row-4");
			assertThat(reader.near(4)).isEqualTo("row-4");
			assertThat(near.hits()).isOne();
			writer.putNear(4, "changed");
			await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> "changed".equals(reader.near(4)));
			assertThat(topology.admin().get(key("near", 4))).contains("changed");
		}));
	}

	@EveryTopology
	void healthAndServerGaugesReadRedis(Topology topology) {
		run(topology, (context) -> {
			Health health = context.getBean(CacheStarterHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsEntry("maxmemoryPolicy", "allkeys-lru")
				.containsEntry("warnings", List.of());
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(DEADLINE).untilAsserted(() -> {
				Gauge max = registry.find("cache.starter.redis.memory.max").gauge();
				assertThat(max).isNotNull();
				assertThat(max.value()).isEqualTo(64.0 * 1024 * 1024 * topology.admin().masters().size());
				assertThat(registry.find("cache.starter.redis.memory.used").gauge().value()).isPositive();
				assertThat(registry.find("cache.starter.redis.maxmemory.policy").tag("policy", "allkeys-lru").gauge())
					.isNotNull();
			});
		});
	}

	private void run(Topology topology, ContextConsumer<AssertableApplicationContext> test) {
		this.contextRunner.withPropertyValues(topology.properties()).run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context);
		});
	}

	private static String key(String cache, long id) {
		return Topology.APPLICATION + ":" + cache + ":v1::" + id;
	}

	private static double count(MeterRegistry registry, String name, String cache) {
		Counter counter = registry.find(name).tag("cache", cache).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ShopConfiguration {

		@Bean
		Shop shop(ShopDatabase database) {
			return new Shop(database);
		}

	}

}
