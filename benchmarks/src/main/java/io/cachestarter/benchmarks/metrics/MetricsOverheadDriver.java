package io.cachestarter.benchmarks.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.cachestarter.benchmarks.metrics.CacheHitMetricsBenchmark.BenchmarkApplication;
import io.cachestarter.cache.StarterCacheManager;
import io.cachestarter.test.redis.RedisServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of the meters on a cache hit, measured on a busy machine: two applications in one JVM against one local
 * redis-server, one with the starter's meters on (Prometheus registry) and one with
 * {@code cache-starter.metrics.enabled=false}, timed in alternating rounds (on/off, then off/on) so that drifts in
 * machine load hit both alike. Reports, per hit, the median wall-clock time and the median CPU time of the calling
 * thread (the meters are work on that thread; the CPU time leaves out waiting for Redis and for a core, so it stays
 * readable on a loaded machine), and the medians of the paired differences.
 * <p>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.metrics.MetricsOverheadDriver
 * [rounds=40] [roundMillis=1000]}
 */
public final class MetricsOverheadDriver {

	private MetricsOverheadDriver() {
	}

	public static void main(String[] args) {
		int rounds = intArg(args, "rounds", 40);
		int roundMillis = intArg(args, "roundMillis", 1000);
		try (RedisServer redis = RedisServer.start()) {
			ConfigurableApplicationContext on = start(redis, true);
			ConfigurableApplicationContext off = start(redis, false);
			try {
				Cache metricsOn = cache(on, "on");
				Cache metricsOff = cache(off, "off");
				for (int i = 0; i < 5; i++) { // warm-up, both paths
					hits(metricsOn, roundMillis);
					hits(metricsOff, roundMillis);
				}
				Series wallOn = new Series();
				Series wallOff = new Series();
				Series wallDifference = new Series();
				Series cpuOn = new Series();
				Series cpuOff = new Series();
				Series cpuDifference = new Series();
				for (int round = 0; round < rounds; round++) {
					Round a;
					Round b;
					if (round % 2 == 0) {
						a = hits(metricsOn, roundMillis);
						b = hits(metricsOff, roundMillis);
					}
					else {
						b = hits(metricsOff, roundMillis);
						a = hits(metricsOn, roundMillis);
					}
					wallOn.add(a.wallNanos());
					wallOff.add(b.wallNanos());
					wallDifference.add(a.wallNanos() - b.wallNanos());
					cpuOn.add(a.cpuNanos());
					cpuOff.add(b.cpuNanos());
					cpuDifference.add(a.cpuNanos() - b.cpuNanos());
				}
				System.out.printf(Locale.ROOT, "rounds=%d roundMillis=%d%n", rounds, roundMillis);
				System.out.println("per hit, ns           median      p25      p75");
				print("wall, metrics off", wallOff);
				print("wall, metrics on", wallOn);
				print("wall, on - off", wallDifference);
				print("cpu, metrics off", cpuOff);
				print("cpu, metrics on", cpuOn);
				print("cpu, on - off", cpuDifference);
			}
			finally {
				on.close();
				off.close();
			}
		}
	}

	private static ConfigurableApplicationContext start(RedisServer redis, boolean metrics) {
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn", "spring.data.redis.url=" + redis.uri(),
					"cache-starter.metrics.enabled=" + metrics, "cache-starter.key-prefix=" + metrics + ":",
					"cache-starter.caches.products.ttl=1h")
			.run();
	}

	private static Cache cache(ConfigurableApplicationContext context, String name) {
		Cache cache = context.getBean(StarterCacheManager.class).getCache("products");
		cache.put("hot", "a cached value of a realistic, short length");
		if (cache.get("hot") == null) {
			throw new IllegalStateException("The key of '" + name + "' is not cached");
		}
		return cache;
	}

	/** Hits one key for a while; returns the mean wall-clock and CPU time per hit in nanoseconds. */
	private static Round hits(Cache cache, int millis) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long end = System.nanoTime() + millis * 1_000_000L;
		long count = 0;
		long cpuStart = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		long now;
		do {
			for (int i = 0; i < 16; i++) {
				if (cache.get("hot") == null) {
					throw new IllegalStateException("miss");
				}
			}
			count += 16;
			now = System.nanoTime();
		}
		while (now < end);
		long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
		return new Round((double) (now - start) / count, (double) cpu / count);
	}

	private static void print(String label, Series series) {
		System.out.printf(Locale.ROOT, "%-20s %9.0f %8.0f %8.0f%n", label, series.quantile(0.5),
				series.quantile(0.25), series.quantile(0.75));
	}

	private record Round(double wallNanos, double cpuNanos) {
	}

	private static final class Series {

		private final List<Double> values = new ArrayList<>();

		void add(double value) {
			this.values.add(value);
		}

		double quantile(double q) {
			return MetricsOverheadDriver.quantile(this.values, q);
		}

	}

	private static double quantile(List<Double> values, double q) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(sorted);
		double position = q * (sorted.length - 1);
		int low = (int) Math.floor(position);
		int high = (int) Math.ceil(position);
		return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
	}

	private static int intArg(String[] args, String name, int defaultValue) {
		for (String arg : args) {
			if (arg.startsWith(name + "=")) {
				return Integer.parseInt(arg.substring(name.length() + 1));
			}
		}
		return defaultValue;
	}

}
