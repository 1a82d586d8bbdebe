package io.cachestarter.benchmarks.local;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.cachestarter.cache.NearCache;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.serialization.CacheEntry;
import io.cachestarter.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The invalidation delay of the L1 near cache: two application instances (two Spring contexts in this JVM, each
 * with its own Lettuce client and pub/sub connection) on one redis-server on loopback. For each write, instance B
 * first holds the current value in its L1; then A writes a new value (a put that returns once Redis has it and the
 * invalidation is published), and B's L1 is polled until it no longer serves the old value. The delay is from the
 * start of A's put to that moment. Also counts the messages: one per write.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.local.InvalidationDelayDriver 10000}
 */
public final class InvalidationDelayDriver {

	private InvalidationDelayDriver() {
	}

	public static void main(String[] args) {
		int writes = (args.length > 0) ? Integer.parseInt(args[0]) : 10_000;
		try (RedisServer redis = RedisServer.start()) {
			try (ConfigurableApplicationContext a = instance(redis.uri());
					ConfigurableApplicationContext b = instance(redis.uri())) {
				awaitListening(a);
				awaitListening(b);
				StarterRedisCache cacheA = a.getBean(StarterCacheManager.class).getStarterCache("products");
				StarterRedisCache cacheB = b.getBean(StarterCacheManager.class).getStarterCache("products");
				NearCache nearB = cacheB.getNearCache();
				String redisKey = cacheB.getKeys().redisKey(42L);
				long[] delays = new long[writes];
				int warmup = Math.min(1_000, writes / 10);
				redis.commands().configResetstat();
				for (int i = -warmup; i < writes; i++) {
					String old = "value-" + i;
					cacheA.put(42L, old);
					// B holds the current value in its L1 (its own read from Redis).
					long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
					while (!old.equals(value(nearB.get(redisKey)))) {
						cacheB.get(42L);
						if (System.nanoTime() > deadline) {
							throw new IllegalStateException("B never held " + old);
						}
					}
					long start = System.nanoTime();
					cacheA.put(42L, "value-" + i + "-new");
					while (old.equals(value(nearB.get(redisKey)))) {
						Thread.onSpinWait();
						if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(5)) {
							throw new IllegalStateException("B kept " + old + " for 5 s");
						}
					}
					if (i >= 0) {
						delays[i] = System.nanoTime() - start;
					}
				}
				String stats = redis.commands().info("commandstats");
				Arrays.sort(delays);
				System.out.printf("writes on A: %d (+%d warm-up), invalidation delay A -> B: p50 %.3f ms, p99 %.3f ms,"
						+ " p99.9 %.3f ms, max %.3f ms%n", writes, warmup, millis(delays, 0.50), millis(delays, 0.99),
						millis(delays, 0.999), delays[writes - 1] / 1e6);
				for (String line : stats.split("\r?\n")) {
					if (line.startsWith("cmdstat_publish:") || line.startsWith("cmdstat_set:")
							|| line.startsWith("cmdstat_get:")) {
						System.out.println(line);
					}
				}
			}
		}
	}

	private static @Nullable Object value(@Nullable CacheEntry entry) {
		return (entry != null) ? entry.value() : null;
	}

	private static double millis(long[] sorted, double quantile) {
		int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1e6;
	}

	private static void awaitListening(ConfigurableApplicationContext context) {
		LocalNearCaches caches = context.getBean(LocalNearCaches.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (caches.state() != LocalNearCaches.State.LISTENING) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The near caches never started listening");
			}
			Thread.onSpinWait();
		}
	}

	private static ConfigurableApplicationContext instance(String redisUri) {
		return new SpringApplicationBuilder(DelayApplication.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + redisUri, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=delay", "cache-starter.serialization.allowed-packages=java.lang",
					"cache-starter.caches.products.local.enabled=true", "management.health.defaults.enabled=false")
			.run();
	}

	/** An application with caching on and nothing else of its own. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class DelayApplication {

	}

}
