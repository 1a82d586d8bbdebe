package io.cachestarter.benchmarks.stampede;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.cachestarter.test.redis.RedisServer;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures what happens when a hot key expires under two application instances sharing one Redis, 64 threads each,
 * for cache-starter ({@code sync = true}), Spring Boot's plain {@code RedisCacheManager} with {@code sync = true}
 * (JVM-local), and with no protection (plain {@code @Cacheable}); then the cost of a cache hit with stampede
 * protection on and off. Uses a redis-server started by the test fixture. A benchmark, not a test: it prints the
 * numbers as Markdown.
 * <p>
 * Arguments (all optional): {@code rounds=30 threads=64 load-ms=100 hit-calls=10000 hit-iterations=15}
 * {@code contenders=STARTER,SPRING_SYNC,NO_PROTECTION} ({@code hit-iterations=0} skips the hit measurement).
 */
public final class StampedeBenchmark {

	private static final int WARM_UP_ROUNDS = 10;

	private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

	private final int rounds;

	private final int threadsPerInstance;

	private final int hitCalls;

	private final int hitIterations;

	private final Set<String> contenders;

	private final boolean verbose;

	private final RedisServer redis;

	private StampedeBenchmark(String[] args, RedisServer redis) {
		String only = stringArg(args, "contenders", "STARTER,SPRING_SYNC,NO_PROTECTION");
		this.verbose = intArg(args, "verbose", 0) == 1;
		this.contenders = Set.of(only.toUpperCase(Locale.ROOT).split(","));
		this.rounds = intArg(args, "rounds", 30);
		this.threadsPerInstance = intArg(args, "threads", 64);
		this.hitCalls = intArg(args, "hit-calls", 10_000);
		this.hitIterations = intArg(args, "hit-iterations", 15);
		BenchmarkService.loadNanos = TimeUnit.MILLISECONDS.toNanos(intArg(args, "load-ms", 100));
		this.redis = redis;
	}

	public static void main(String[] args) throws Exception {
		try (RedisServer redis = RedisServer.start()) {
			new StampedeBenchmark(args, redis).run();
		}
		System.exit(0);
	}

	private void run() throws Exception {
		System.out.printf(Locale.ROOT, "%n## Expiry of one hot key: 2 instances x %d threads, load %d ms, %d expiries%n%n",
				this.threadsPerInstance, TimeUnit.NANOSECONDS.toMillis(BenchmarkService.loadNanos), this.rounds);
		System.out.println("| contender | loads per expiry (mean / max) | all callers p50 / p99 | waiters p50 | waiters p99 "
				+ "| waiters max | other-instance waiters p50 / p99 | loaders p50 | Redis commands per expiry |");
		System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
		for (Contender contender : Contender.values()) {
			if (this.contenders.contains(contender.name())) {
				System.out.println(expiries(contender));
			}
		}
		if (this.hitIterations == 0) {
			return;
		}
		System.out.printf(Locale.ROOT, "%n## Cache hit, single thread (%d x %d calls after warm-up)%n%n",
				this.hitIterations, this.hitCalls);
		System.out.println("| variant | wall us/op (median / best) | caller-thread CPU us/op (median / best) |");
		System.out.println("| --- | --- | --- |");
		hits();
	}

	private String expiries(Contender contender) throws Exception {
		this.redis.flushAll();
		int callers = 2 * this.threadsPerInstance;
		List<ConfigurableApplicationContext> instances = List.of(start(contender.properties),
				start(contender.properties));
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		try {
			List<BenchmarkService> services = instances.stream()
				.map((context) -> context.getBean(BenchmarkService.class))
				.toList();
			List<Integer> loadsPerExpiry = new ArrayList<>();
			List<Long> commandsPerExpiry = new ArrayList<>();
			List<Long> waiters = new ArrayList<>();
			List<Long> otherInstanceWaiters = new ArrayList<>();
			List<Long> loaders = new ArrayList<>();
			List<Long> everyone = new ArrayList<>();
			for (int round = 0; round < WARM_UP_ROUNDS + this.rounds; round++) {
				String key = contender.name() + "-" + round;
				BenchmarkService.loads.set(0);
				long commandsBefore = totalCommands();
				List<Call> calls = expire(threads, services, contender, key);
				long commands = totalCommands() - commandsBefore - 1;
				if (this.verbose) {
					System.out.printf(Locale.ROOT, "round %d: loads %d, max %.1f ms, loader %s%n", round,
							BenchmarkService.loads.get(), calls.stream().mapToLong(Call::nanos).max().orElse(0) / 1e6,
							calls.stream().filter(Call::loaded).map((call) -> call.nanos() / 1_000_000).toList());
				}
				if (round < WARM_UP_ROUNDS) {
					continue;
				}
				loadsPerExpiry.add(BenchmarkService.loads.get());
				commandsPerExpiry.add(commands);
				Set<Integer> loadingInstances = new HashSet<>();
				calls.stream().filter(Call::loaded).forEach((call) -> loadingInstances.add(call.instance()));
				for (Call call : calls) {
					everyone.add(call.nanos());
					if (call.loaded()) {
						loaders.add(call.nanos());
					}
					else {
						waiters.add(call.nanos());
						if (!loadingInstances.contains(call.instance())) {
							otherInstanceWaiters.add(call.nanos());
						}
					}
				}
			}
			double meanLoads = loadsPerExpiry.stream().mapToInt(Integer::intValue).average().orElse(0);
			int maxLoads = loadsPerExpiry.stream().mapToInt(Integer::intValue).max().orElse(0);
			double meanCommands = commandsPerExpiry.stream().mapToLong(Long::longValue).average().orElse(0);
			return String.format(Locale.ROOT, "| %s | %.2f / %d | %s / %s | %s | %s | %s | %s / %s | %s | %.0f |",
					contender.label, meanLoads, maxLoads, ms(everyone, 0.50), ms(everyone, 0.99), ms(waiters, 0.50),
					ms(waiters, 0.99), ms(waiters, 1.0),
					ms(otherInstanceWaiters, 0.50), ms(otherInstanceWaiters, 0.99), ms(loaders, 0.50), meanCommands);
		}
		finally {
			threads.shutdownNow();
			instances.forEach(ConfigurableApplicationContext::close);
		}
	}

	/** Releases every caller of both instances at once on a key that is not cached. */
	private List<Call> expire(ExecutorService threads, List<BenchmarkService> services, Contender contender,
			String key) throws Exception {
		int callers = services.size() * this.threadsPerInstance;
		CyclicBarrier start = new CyclicBarrier(callers);
		List<Future<Call>> running = new ArrayList<>(callers);
		for (int i = 0; i < callers; i++) {
			int instance = i % services.size();
			BenchmarkService service = services.get(instance);
			running.add(threads.submit(() -> {
				start.await(30, TimeUnit.SECONDS);
				BenchmarkService.loadedHere.set(false);
				long begin = System.nanoTime();
				String value = contender.synchronizedCall ? service.findSynchronized(key) : service.find(key);
				long took = System.nanoTime() - begin;
				if (!("value-of-" + key).equals(value)) {
					throw new IllegalStateException("Wrong value " + value);
				}
				return new Call(instance, BenchmarkService.loadedHere.get(), took);
			}));
		}
		List<Call> calls = new ArrayList<>(callers);
		for (Future<Call> call : running) {
			calls.add(call.get(60, TimeUnit.SECONDS));
		}
		return calls;
	}

	private void hits() throws Exception {
		this.redis.flushAll();
		List<String> labels = List.of("cache-starter, stampede protection on", "cache-starter, stampede protection off",
				"plain RedisCacheManager (reference)");
		List<ConfigurableApplicationContext> contexts = List.of(start(Contender.STARTER.properties),
				start(concat(Contender.STARTER.properties, "cache-starter.stampede.enabled=false",
						"cache-starter.key-prefix=bench-starter-off:")),
				start(Contender.SPRING_SYNC.properties));
		try {
			List<BenchmarkService> services = contexts.stream()
				.map((context) -> context.getBean(BenchmarkService.class))
				.toList();
			for (BenchmarkService service : services) {
				service.findSynchronized("hot");
			}
			for (int warmUp = 0; warmUp < 3; warmUp++) {
				for (BenchmarkService service : services) {
					timeHits(service, this.hitCalls);
				}
			}
			List<List<double[]>> results = new ArrayList<>();
			services.forEach((service) -> results.add(new ArrayList<>()));
			for (int iteration = 0; iteration < this.hitIterations; iteration++) {
				// Rotate the order so that no variant always runs right after another.
				for (int i = 0; i < services.size(); i++) {
					int variant = (iteration + i) % services.size();
					results.get(variant).add(timeHits(services.get(variant), this.hitCalls));
				}
			}
			for (int variant = 0; variant < services.size(); variant++) {
				printHitRow(labels.get(variant), results.get(variant));
			}
			// What one GET round trip costs on this machine, without Spring or the cache around it.
			this.redis.commands().set("raw", "value-of-raw");
			List<double[]> raw = new ArrayList<>();
			for (int iteration = 0; iteration < 3 + this.hitIterations; iteration++) {
				long cpu = CPU.getCurrentThreadCpuTime();
				long begin = System.nanoTime();
				for (int i = 0; i < this.hitCalls; i++) {
					this.redis.commands().get("raw");
				}
				if (iteration >= 3) {
					raw.add(new double[] { (System.nanoTime() - begin) / 1_000.0 / this.hitCalls,
							(CPU.getCurrentThreadCpuTime() - cpu) / 1_000.0 / this.hitCalls });
				}
			}
			printHitRow("raw Lettuce `GET` round trip (reference)", raw);
		}
		finally {
			contexts.forEach(ConfigurableApplicationContext::close);
		}
	}

	private static void printHitRow(String label, List<double[]> iterations) {
		List<Double> wall = iterations.stream().map((micros) -> micros[0]).sorted().toList();
		List<Double> cpu = iterations.stream().map((micros) -> micros[1]).sorted().toList();
		System.out.printf(Locale.ROOT, "| %s | %.1f / %.1f | %.1f / %.1f |%n", label, wall.get(wall.size() / 2),
				wall.get(0), cpu.get(cpu.size() / 2), cpu.get(0));
	}

	/** Times hits; returns wall-clock and caller-thread CPU microseconds per call. */
	private static double[] timeHits(BenchmarkService service, int calls) throws InterruptedException {
		int before = BenchmarkService.loads.get();
		long cpu = CPU.getCurrentThreadCpuTime();
		long begin = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			service.findSynchronized("hot");
		}
		double wallMicros = (System.nanoTime() - begin) / 1_000.0 / calls;
		double cpuMicros = (CPU.getCurrentThreadCpuTime() - cpu) / 1_000.0 / calls;
		if (BenchmarkService.loads.get() != before) {
			throw new IllegalStateException("A hit benchmark call was a miss");
		}
		return new double[] { wallMicros, cpuMicros };
	}

	private ConfigurableApplicationContext start(String[] properties) {
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(concat(properties, "spring.data.redis.url=" + this.redis.uri(), "logging.level.root=WARN",
					"spring.data.redis.timeout=5s"))
			.run();
	}

	private long totalCommands() {
		String stats = this.redis.commands().info("stats");
		return stats.lines()
			.filter((line) -> line.startsWith("total_commands_processed:"))
			.mapToLong((line) -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
			.findFirst()
			.orElseThrow();
	}

	private static String ms(List<Long> nanos, double quantile) {
		if (nanos.isEmpty()) {
			return "-";
		}
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
		return String.format(Locale.ROOT, "%.1f ms", sorted.get(Math.max(0, index)) / 1e6);
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = Arrays.copyOf(first, first.length + more.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	private static int intArg(String[] args, String name, int defaultValue) {
		return Integer.parseInt(stringArg(args, name, Integer.toString(defaultValue)));
	}

	private static String stringArg(String[] args, String name, String defaultValue) {
		for (String arg : args) {
			if (arg.startsWith(name + "=")) {
				return arg.substring(name.length() + 1);
			}
		}
		return defaultValue;
	}

	private record Call(int instance, boolean loaded, long nanos) {

	}

	private enum Contender {

		STARTER("cache-starter, `sync = true`", true, "cache-starter.serialization.allowed-packages=io.cachestarter",
				"cache-starter.key-prefix=bench-starter:", "cache-starter.defaults.ttl=10m"),

		SPRING_SYNC("plain `RedisCacheManager`, `sync = true`", true, "cache-starter.enabled=false",
				"spring.cache.type=redis", "spring.cache.redis.time-to-live=10m"),

		NO_PROTECTION("plain `RedisCacheManager`, no `sync`", false, "cache-starter.enabled=false",
				"spring.cache.type=redis", "spring.cache.redis.time-to-live=10m");

		final String label;

		final boolean synchronizedCall;

		final String[] properties;

		Contender(String label, boolean synchronizedCall, String... properties) {
			this.label = label;
			this.synchronizedCall = synchronizedCall;
			this.properties = properties;
		}

	}

}
