package io.cachestarter.benchmarks.resilience;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.cachestarter.resilience.CircuitBreakerRedisGuard;
import io.cachestarter.test.redis.RedisServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Soak driver for the resilience numbers in {@code docs/resilience.md}: a Spring Boot application with a
 * {@code @Cacheable} service under load from several threads, through a kill -9 of Redis and a SIGSTOP of Redis,
 * each held for an outage of N seconds (default 60) before Redis returns.
 * <p>
 * For each fault it prints: calls that failed (an exception or a wrong value), the longest call while the breaker
 * was still closed (against the command timeout), the calls until the breaker opened, the seconds until caching
 * resumed after Redis returned, and the used heap after a full GC sampled every 10 s of the outage.
 * <p>
 * Run from the repository root: {@code mvn -o -q -pl benchmarks -am package -DskipTests} then
 * {@code java -Xmx512m -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.resilience.OutageSoak [seconds]}.
 */
public final class OutageSoak {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private static final int THREADS = 8;

	private static final int KEYS = 1_000;

	private static final long PROBE_KEY = -1;


	private OutageSoak() {
	}

	public static void main(String[] args) throws Exception {
		Duration outage = Duration.ofSeconds((args.length > 0) ? Long.parseLong(args[0]) : 60);
		System.out.println(environment());
		try (RedisServer redis = RedisServer.start("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");
				ConfigurableApplicationContext context = new SpringApplicationBuilder(SoakApplication.class)
					.web(WebApplicationType.NONE)
					.properties("spring.data.redis.url=" + redis.uri(),
							"cache-starter.serialization.allowed-packages=io.cachestarter",
							"cache-starter.resilience.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
							"logging.level.root=WARN", "logging.level.io.lettuce=ERROR",
							"logging.level.io.cachestarter=ERROR", "spring.main.banner-mode=off")
					.run()) {
			SoakCatalog catalog = context.getBean(SoakCatalog.class);
			CircuitBreaker breaker = context.getBean(CircuitBreakerRedisGuard.class).getCircuitBreaker();
			System.out.printf("outage %d s, %d threads, %d keys, command timeout %d ms, redis-server %s%n%n",
					outage.toSeconds(), THREADS, KEYS, COMMAND_TIMEOUT.toMillis(), redis.commands().info("server")
						.lines()
						.filter((line) -> line.startsWith("redis_version:"))
						.findFirst()
						.orElse("?"));
			System.out.println(run("kill -9, then restart", catalog, breaker, outage, RedisServer::kill,
					RedisServer::restart, redis));
			System.out.println(run("SIGSTOP, then SIGCONT", catalog, breaker, outage, RedisServer::pause,
					RedisServer::resume, redis));
		}
	}

	private static String run(String fault, SoakCatalog catalog, CircuitBreaker breaker, Duration outage,
			Consumer<RedisServer> inject, Consumer<RedisServer> recover, RedisServer redis) throws Exception {
		awaitCachingWorks(catalog, breaker, Duration.ofSeconds(60));
		Load load = new Load(catalog, breaker);
		load.start();
		TimeUnit.SECONDS.sleep(5); // warm: most keys cached
		AtomicLong openedAt = new AtomicLong();
		AtomicInteger recordedBeforeOpen = new AtomicInteger();
		breaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == State.OPEN) {
				openedAt.compareAndSet(0, System.nanoTime());
			}
		});
		breaker.getEventPublisher().onError((event) -> {
			if (openedAt.get() == 0) {
				recordedBeforeOpen.incrementAndGet();
			}
		});
		List<Long> heap = new ArrayList<>();
		heap.add(usedHeapAfterGc()); // the baseline, before the fault: no full GC while the breaker decides
		List<String> timeline = new CopyOnWriteArrayList<>();
		long faultAt = System.nanoTime();
		breaker.getEventPublisher().onStateTransition((event) -> timeline.add(String.format("%+.2fs %s",
				(System.nanoTime() - faultAt) / 1e9, event.getStateTransition())));
		State atFault = breaker.getState();
		load.faultAt = faultAt;
		load.openedAt = openedAt;
		inject.accept(redis);
		long outageEnd = faultAt + outage.toNanos();
		while (System.nanoTime() < outageEnd) {
			LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(10), Math.max(0, outageEnd - System.nanoTime())));
			heap.add(usedHeapAfterGc());
		}
		recover.accept(redis);
		double resumedAfter = awaitCachingWorks(catalog, breaker, Duration.ofSeconds(60));
		load.stop();
		long opened = openedAt.get();
		return String.format(
				"%s%n  calls: %d, failed: %d (exceptions %d, wrong values %d)%n"
						+ "  breaker opened after %s; calls started until then: %d; Redis calls recorded as failed: %d%n"
						+ "  calls while the breaker was closed (after the fault): %s (command timeout %d ms)%n"
						+ "  calls while the breaker stayed open: %s%n"
						+ "  calls through half-open probes: %s%n"
						+ "  caching resumed %.2f s after Redis returned%n"
						+ "  used heap after a full GC, before the fault then every 10 s of the outage (MB): %s (growth %+.1f MB);"
						+ " longest of these GCs %d ms%n"
						+ "  breaker: %s at the fault, then %s%n",
				fault, load.calls.get(), load.exceptions.get() + load.wrong.get(), load.exceptions.get(),
				load.wrong.get(), (opened != 0) ? String.format("%.2f s", (opened - faultAt) / 1e9) : "never",
				load.callsUntilOpen.get(), recordedBeforeOpen.get(), describe(load.closed), COMMAND_TIMEOUT.toMillis(),
				describe(load.open), describe(load.probing), resumedAfter,
				heap.stream().map((bytes) -> String.format("%.1f", bytes / 1e6)).toList(),
				(heap.get(heap.size() - 1) - heap.get(0)) / 1e6,
				TimeUnit.NANOSECONDS.toMillis(longestSampleGcNanos.getAndSet(0)), atFault,
				(timeline.size() > 12) ? timeline.subList(0, 12) + " ... (" + timeline.size() + " transitions)" : timeline);
	}

	private static String describe(Histogram histogram) {
		long count = histogram.count();
		if (count == 0) {
			return "none";
		}
		return String.format("%d, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms", count,
				histogram.percentileMillis(50), histogram.percentileMillis(99), histogram.percentileMillis(99.9),
				histogram.maxNanos() / 1e6);
	}

	/** Seconds until a read of the probe key is served from Redis (the method no longer runs) and the breaker closed. */
	private static double awaitCachingWorks(SoakCatalog catalog, CircuitBreaker breaker, Duration deadline) {
		long start = System.nanoTime();
		while (System.nanoTime() - start < deadline.toNanos()) {
			catalog.find(PROBE_KEY);
			int before = catalog.loadsOf(PROBE_KEY);
			catalog.find(PROBE_KEY);
			if (catalog.loadsOf(PROBE_KEY) == before && breaker.getState() == State.CLOSED) {
				return (System.nanoTime() - start) / 1e9;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		throw new IllegalStateException("Caching did not resume within " + deadline);
	}

	/** The longest {@code System.gc()} of the heap samples: a stop-the-world pause that every call in flight waits for. */
	private static final AtomicLong longestSampleGcNanos = new AtomicLong();

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long start = System.nanoTime();
		System.gc();
		longestSampleGcNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static String environment() throws Exception {
		String cpu = Files.readAllLines(Path.of("/proc/cpuinfo"))
			.stream()
			.filter((line) -> line.startsWith("model name"))
			.findFirst()
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.orElse("?");
		return String.format("machine: %s, %d CPUs, Java %s, max heap %d MB", cpu,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
				Runtime.getRuntime().maxMemory() / (1024 * 1024));
	}

	/** Threads calling the cached method with random keys, checking every answer against the "database". */
	private static final class Load {

		final SoakCatalog catalog;

		final CircuitBreaker breaker;

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicLong calls = new AtomicLong();

		final AtomicLong exceptions = new AtomicLong();

		final AtomicLong wrong = new AtomicLong();

		/** Calls after the fault that started while the breaker was closed. */
		final Histogram closed = new Histogram();

		/** Calls during which the breaker stayed open. */
		final Histogram open = new Histogram();

		/** Calls that started half-open, or during which the breaker changed state (half-open probes). */
		final Histogram probing = new Histogram();

		final AtomicLong transitions = new AtomicLong();

		final AtomicLong callsUntilOpen = new AtomicLong();

		volatile long faultAt = Long.MAX_VALUE;

		volatile AtomicLong openedAt = new AtomicLong();

		private final List<Thread> threads = new ArrayList<>();

		Load(SoakCatalog catalog, CircuitBreaker breaker) {
			this.catalog = catalog;
			this.breaker = breaker;
			breaker.getEventPublisher().onStateTransition((event) -> this.transitions.incrementAndGet());
		}

		void start() {
			for (int i = 0; i < THREADS; i++) {
				Thread thread = new Thread(this::loop, "soak-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

		private void loop() {
			while (this.running.get()) {
				long id = ThreadLocalRandom.current().nextLong(KEYS);
				long start = System.nanoTime();
				boolean afterFault = start >= this.faultAt;
				State before = this.breaker.getState();
				long transitionsBefore = this.transitions.get();
				boolean beforeOpen = afterFault && this.openedAt.get() == 0;
				try {
					String value = this.catalog.find(id);
					if (!SoakCatalog.row(id).equals(value)) {
						this.wrong.incrementAndGet();
					}
				}
				catch (RuntimeException ex) {
					this.exceptions.incrementAndGet();
				}
				long took = System.nanoTime() - start;
				this.calls.incrementAndGet();
				if (afterFault) {
					if (beforeOpen) {
						this.callsUntilOpen.incrementAndGet();
					}
					boolean stayedOpen = before == State.OPEN && this.transitions.get() == transitionsBefore;
					Histogram histogram = (before == State.CLOSED) ? this.closed : stayedOpen ? this.open : this.probing;
					histogram.record(took);
				}
			}
		}

	}

	/** Call durations in 0.1 ms buckets up to 10 s (longer ones in the last bucket), and the exact maximum. */
	private static final class Histogram {

		private static final long BUCKET_NANOS = 100_000;

		private final AtomicLongArray buckets = new AtomicLongArray(100_001);

		private final AtomicLong max = new AtomicLong();

		void record(long nanos) {
			this.buckets.incrementAndGet((int) Math.min(nanos / BUCKET_NANOS, this.buckets.length() - 1));
			this.max.accumulateAndGet(nanos, Math::max);
		}

		long count() {
			long count = 0;
			for (int i = 0; i < this.buckets.length(); i++) {
				count += this.buckets.get(i);
			}
			return count;
		}

		double percentileMillis(double percentile) {
			long rank = (long) Math.ceil(count() * percentile / 100);
			long seen = 0;
			for (int i = 0; i < this.buckets.length(); i++) {
				seen += this.buckets.get(i);
				if (seen >= rank) {
					return (i + 1) * BUCKET_NANOS / 1e6;
				}
			}
			return this.max.get() / 1e6;
		}

		long maxNanos() {
			return this.max.get();
		}

	}

	/** The cached service: its "database" answers in about a millisecond. */
	public static class SoakCatalog {

		private final Map<Long, AtomicInteger> loads = new ConcurrentHashMap<>();

		@Cacheable("soak")
		public String find(long id) {
			this.loads.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			return row(id);
		}

		int loadsOf(long id) {
			AtomicInteger count = this.loads.get(id);
			return (count != null) ? count.get() : 0;
		}

		static String row(long id) {
			return "row-" + id;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	static class SoakApplication {

		@Bean
		SoakCatalog soakCatalog() {
			return new SoakCatalog();
		}

	}

}
