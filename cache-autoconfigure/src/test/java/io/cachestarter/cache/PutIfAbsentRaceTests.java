package io.cachestarter.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cachestarter.autoconfigure.CacheStarterAutoConfiguration;
import io.cachestarter.test.redis.RedisServerExtension;
import io.cachestarter.testapp.CatalogConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code putIfAbsent} is atomic in Redis: of callers racing on one key, exactly one wins, and every loser gets the
 * winner's value.
 */
class PutIfAbsentRaceTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final int RACERS = 16;

	private static final int KEYS = 200;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheStarterAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("spring.data.redis.url=" + redis.uri(), "spring.application.name=shop");

	@Test
	void exactlyOneOfSixteenRacersWinsEachKey() {
		this.contextRunner.run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("claims");
			ExecutorService racers = Executors.newFixedThreadPool(RACERS);
			try {
				for (int key = 0; key < KEYS; key++) {
					String claimed = "order-" + key;
					CyclicBarrier start = new CyclicBarrier(RACERS);
					List<Future<ValueWrapper>> attempts = new ArrayList<>();
					for (int racer = 0; racer < RACERS; racer++) {
						String value = "racer-" + racer;
						attempts.add(racers.submit(() -> {
							start.await(5, TimeUnit.SECONDS);
							return cache.putIfAbsent(claimed, value);
						}));
					}
					List<String> kept = new ArrayList<>();
					int winners = 0;
					for (Future<ValueWrapper> attempt : attempts) {
						ValueWrapper existing = attempt.get(10, TimeUnit.SECONDS);
						if (existing == null) {
							winners++;
						}
						else {
							kept.add((String) existing.get());
						}
					}
					assertThat(winners).as("winners of %s", claimed).isOne();
					String stored = (String) cache.get(claimed).get();
					assertThat(kept).as("what the losers got").hasSize(RACERS - 1).containsOnly(stored);
					assertThat(redis.commands().pttl("shop:claims:v1::" + claimed)).isPositive();
				}
			}
			finally {
				racers.shutdownNow();
			}
		});
	}

	@Test
	void anEntryPastItsTtlKeptForItsStaleWindowCountsAsAbsent() {
		this.contextRunner
			.withPropertyValues("cache-starter.caches.claims.ttl=1s", "cache-starter.caches.claims.stale-ttl=30s")
			.run((context) -> {
				Cache cache = context.getBean(CacheManager.class).getCache("claims");
				assertThat(cache.putIfAbsent("k", "first")).isNull();
				assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
				// Past its TTL the entry is only kept to be served while it reloads: it no longer counts.
				long expiresAt = System.currentTimeMillis() + 1_000;
				await().atMost(Duration.ofSeconds(5))
					.until(() -> System.currentTimeMillis() > expiresAt + 50);
				assertThat(redis.commands().exists("shop:claims:v1::k")).isOne();
				assertThat(cache.putIfAbsent("k", "third")).isNull();
				assertThat(cache.get("k").get()).isEqualTo("third");
			});
	}

}
