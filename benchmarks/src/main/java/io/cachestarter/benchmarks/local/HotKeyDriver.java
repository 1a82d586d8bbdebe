package io.cachestarter.benchmarks.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.cache.StarterRedisCache;
import io.cachestarter.local.LocalNearCaches;
import io.cachestarter.test.redis.RedisServer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hot-key relief and message volume: two application instances on one redis-server, 8 threads each on one hot key,
 * 95% reads and 5% writes, first with the L1 near cache off, then on. Reports the Redis {@code GET}s per second the
 * hot key costs, and the {@code PUBLISH}es against the writes.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.local.HotKeyDriver 10}
 */
public final class HotKeyDriver {

	private static final int THREADS_PER_INSTANCE = 8;

	private static final double WRITE_SHARE = 0.05;

	private HotKeyDriver() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		try (RedisServer redis = RedisServer.start()) {
			for (boolean local : new boolean[] { false, true }) {
				run(redis, local, Duration.ofSeconds(seconds));
			}
		}
	}

	private static void run(RedisServer redis, boolean local, Duration duration) throws Exception {
		try (ConfigurableApplicationContext a = instance(redis.uri(), local);
				ConfigurableApplicationContext b = instance(redis.uri(), local)) {
			if (local) {
				awaitListening(a);
				awaitListening(b);
			}
			List<StarterRedisCache> caches = List.of(
					a.getBean(StarterCacheManager.class).getStarterCache("products"),
					b.getBean(StarterCacheManager.class).getStarterCache("products"));
			caches.get(0).put(1L, "hot-0");
			LongAdder reads = new LongAdder();
			LongAdder writes = new LongAdder();
			AtomicBoolean running = new AtomicBoolean(true);
			List<Thread> threads = new ArrayList<>();
			for (StarterRedisCache cache : caches) {
				for (int i = 0; i < THREADS_PER_INSTANCE; i++) {
					threads.add(new Thread(() -> {
						ThreadLocalRandom random = ThreadLocalRandom.current();
						while (running.get()) {
							if (random.nextDouble() < WRITE_SHARE) {
								cache.put(1L, "hot-" + random.nextInt());
								writes.increment();
							}
							else {
								cache.get(1L);
								reads.increment();
							}
						}
					}));
				}
			}
			threads.forEach(Thread::start);
			Thread.sleep(2_000);
			redis.commands().configResetstat();
			reads.reset();
			writes.reset();
			long start = System.nanoTime();
			Thread.sleep(duration.toMillis());
			String stats = redis.commands().info("commandstats");
			double elapsed = (System.nanoTime() - start) / 1e9;
			long readCount = reads.sum();
			long writeCount = writes.sum();
			running.set(false);
			for (Thread thread : threads) {
				thread.join();
			}
			System.out.printf("L1 %s: %d threads x 2 instances, %.1f s: reads %.0f/s, writes %.0f/s, Redis GET %.0f/s,"
					+ " SET %.0f/s, PUBLISH %.0f/s%n", local ? "on " : "off", THREADS_PER_INSTANCE, elapsed,
					readCount / elapsed, writeCount / elapsed, calls(stats, "get") / elapsed,
					calls(stats, "set") / elapsed, calls(stats, "publish") / elapsed);
		}
	}

	private static long calls(String stats, String command) {
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":calls=")) {
				String rest = line.substring(("cmdstat_" + command + ":calls=").length());
				return Long.parseLong(rest.substring(0, rest.indexOf(',')));
			}
		}
		return 0;
	}

	private static void awaitListening(ConfigurableApplicationContext context) throws InterruptedException {
		LocalNearCaches caches = context.getBean(LocalNearCaches.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (caches.state() != LocalNearCaches.State.LISTENING) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The near caches never started listening");
			}
			Thread.sleep(10);
		}
	}

	private static ConfigurableApplicationContext instance(String redisUri, boolean local) {
		return new SpringApplicationBuilder(HotKeyApplication.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.url=" + redisUri, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=hot", "cache-starter.serialization.allowed-packages=java.lang",
					"cache-starter.caches.products.local.enabled=" + local)
			.run();
	}

	/** An application with caching on and nothing else of its own. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	static class HotKeyApplication {

	}

}
