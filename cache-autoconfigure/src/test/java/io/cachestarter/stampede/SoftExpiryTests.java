package io.cachestarter.stampede;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.autoconfigure.CacheStarterStampedeAutoConfiguration;
import io.cachestarter.stampede.Crowd.Outcome;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.RecordingMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refresh-ahead and serve-stale on {@code @Cacheable(sync = true)} methods, with two application contexts on one
 * real Redis: one background reload per key across instances, the old value served meanwhile, and the Redis TTL
 * that makes the stale window possible.
 */
class SoftExpiryTests {

	private static final String ENTRY = "app:hot:v1::k";

	@RegisterExtension
	static RedisServerExtension redis = new RedisServerExtension();

	private final SlowDatabase database = new SlowDatabase(Duration.ofMillis(200));

	private ApplicationContextRunner instance(String... cacheProperties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					CacheStarterAutoConfiguration.class, CacheStarterStampedeAutoConfiguration.class))
			.withUserConfiguration(HotServiceConfiguration.class)
			.withBean(SlowDatabase.class, () -> this.database)
			.withBean(RecordingMetrics.class, RecordingMetrics::new)
			.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.data.redis.timeout=3s",
					"cache-starter.serialization.allowed-packages=io.cachestarter", "cache-starter.key-prefix=app:",
					"cache-starter.stampede.wait-timeout=1500ms", "cache-starter.caches.hot.jitter=0")
			.withPropertyValues(cacheProperties);
	}

	@Test
	void refreshAheadReloadsOnceAcrossInstancesAndServesTheOldValueMeanwhile() {
		ApplicationContextRunner instance = instance("cache-starter.caches.hot.ttl=3s",
				"cache-starter.caches.hot.refresh-ahead=0.5");
		instance.run((first) -> instance.run((second) -> {
			HotService one = first.getBean(HotService.class);
			HotService two = second.getBean(HotService.class);
			assertThat(one.find("k")).isEqualTo("v1:k");
			this.database.setGeneration("v2");
			CountDownLatch reload = this.database.holdNext("k");
			// Past half of its 3s TTL, the entry is due for a reload (and still well before its expiry).
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl(ENTRY) <= 1_400);

			// The reload is held back: a caller that waited for it would never return.
			assertThat(hitsFromBothInstances(one, two)).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads() == 2);

			reload.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> "v2:k".equals(one.find("k")) && "v2:k".equals(two.find("k")));
			assertThat(hitsFromBothInstances(one, two)).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v2:k"));
			assertThat(this.database.loads()).as("one load, then exactly one reload").isEqualTo(2);
			assertThat(count(first, "refresh:hot") + count(second, "refresh:hot")).isEqualTo(1);
			assertThat(redis.commands().pttl(ENTRY)).isGreaterThan(1_500);
		}));
	}

	@Test
	void staleEntryIsServedAcrossInstancesWhileOneReloadRuns() {
		ApplicationContextRunner instance = instance("cache-starter.caches.hot.ttl=1s",
				"cache-starter.caches.hot.stale-ttl=4s");
		instance.run((first) -> instance.run((second) -> {
			HotService one = first.getBean(HotService.class);
			HotService two = second.getBean(HotService.class);
			assertThat(one.find("k")).isEqualTo("v1:k");
			this.database.setGeneration("v2");
			CountDownLatch reload = this.database.holdNext("k");
			// Past its 1s TTL: only its stale window keeps it in Redis.
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl(ENTRY) <= 3_900);

			assertThat(hitsFromBothInstances(one, two)).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v1:k"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads() == 2);
			assertThat(count(first, "stale.served:hot") + count(second, "stale.served:hot")).isGreaterThanOrEqualTo(32);

			reload.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> "v2:k".equals(one.find("k")) && "v2:k".equals(two.find("k")));
			assertThat(hitsFromBothInstances(one, two)).allSatisfy((outcome) -> assertThat(outcome.value()).isEqualTo("v2:k"));
			assertThat(this.database.loads()).as("one load, then exactly one reload").isEqualTo(2);
			assertThat(count(first, "refresh:hot") + count(second, "refresh:hot")).isEqualTo(1);
			assertThat(redis.commands().pttl(ENTRY)).as("the reloaded entry's TTL + stale-ttl").isBetween(3_000L, 5_000L);
		}));
	}

	@Test
	void failedReloadKeepsTheOldValueUntilItsHardExpiry() {
		instance("cache-starter.caches.hot.ttl=500ms", "cache-starter.caches.hot.stale-ttl=1500ms").run((context) -> {
			HotService service = context.getBean(HotService.class);
			assertThat(service.find("k")).isEqualTo("v1:k");
			this.database.setGeneration("v2");
			this.database.failNext(Integer.MAX_VALUE);
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl(ENTRY) <= 1_450);

			assertThat(service.find("k")).isEqualTo("v1:k");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.database.loads() >= 2);
			// Every hit until the hard expiry still gets the old value, however many reloads fail meanwhile.
			Set<Object> served = new HashSet<>();
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				if (redis.commands().exists(ENTRY) == 0) {
					return true;
				}
				served.add(service.find("k"));
				return false;
			});
			assertThat(served).containsOnly("v1:k");
			assertThat(this.database.loads()).isGreaterThanOrEqualTo(2);

			this.database.failNext(0);
			assertThat(service.find("k")).isEqualTo("v2:k");
		});
	}

	@Test
	void redisTtlOfAStaleEnabledEntryIsItsJitteredTtlPlusTheStaleTtl() {
		instance("cache-starter.caches.hot.ttl=10s", "cache-starter.caches.hot.jitter=0.2",
				"cache-starter.caches.hot.stale-ttl=5s").run((context) -> {
			HotService service = context.getBean(HotService.class);
			Set<Long> ttls = new HashSet<>();
			for (int i = 0; i < 10; i++) {
				service.find("key-" + i);
				long ttl = redis.commands().pttl("app:hot:v1::key-" + i);
				// [ttl * (1 - jitter) + stale-ttl, ttl + stale-ttl], less the few ms since the write.
				assertThat(ttl).isBetween(8_000L + 5_000L - 500L, 10_000L + 5_000L);
				ttls.add(ttl / 10);
			}
			assertThat(ttls).as("jittered").hasSizeGreaterThan(1);
		});
	}

	@Test
	void plainCacheableTreatsAnEntryPastItsTtlAsAMiss() {
		instance("cache-starter.caches.hot.ttl=500ms", "cache-starter.caches.hot.stale-ttl=5s").run((context) -> {
			HotService service = context.getBean(HotService.class);
			assertThat(service.findUnsynchronized("k")).isEqualTo("v1:k");
			this.database.setGeneration("v2");
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.commands().pttl(ENTRY) <= 4_950);
			// Without a loader the cache cannot reload in the background, so it does not serve stale.
			assertThat(service.findUnsynchronized("k")).isEqualTo("v2:k");
			assertThat(this.database.loads()).isEqualTo(2);
		});
	}

	private List<Outcome> hitsFromBothInstances(HotService one, HotService two) throws Exception {
		try (Crowd crowd = new Crowd(32)) {
			return crowd.start(32, (i) -> () -> ((i % 2 == 0) ? one : two).find("k")).await(Duration.ofSeconds(10));
		}
	}

	private static long count(AssertableApplicationContext context, String event) {
		return context.getBean(RecordingMetrics.class).count(event);
	}

}
