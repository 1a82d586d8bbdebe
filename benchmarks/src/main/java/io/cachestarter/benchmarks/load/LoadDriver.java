package io.cachestarter.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives {@code GET /products/{id}} of the sample application with zipf-distributed ids from a fixed pool of
 * threads, on loopback, bounded in time and in count, and reports requests per second, latency percentiles, non-2xx
 * answers, the cache hit ratio and database queries per second (from the application's actuator metrics).
 * <p>
 * Arguments, all {@code --name=value}: {@code url} (required, e.g. {@code http://127.0.0.1:8080}), {@code label},
 * {@code duration} (seconds, 30), {@code warmup} (seconds, 10), {@code max-requests} (2000000), {@code concurrency}
 * (32), {@code catalog} (10000), {@code zipf} (1.0), {@code window} (seconds of each timeline line, 5),
 * {@code out} (a file to append one result line to).
 */
public final class LoadDriver {

	private static final Pattern COUNT = Pattern.compile("\"statistic\"\\s*:\\s*\"COUNT\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee+-]+)");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final String url;

	private final Zipf zipf;

	private LoadDriver(String url, Zipf zipf) {
		this.url = url;
		this.zipf = zipf;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		String url = required(options, "url");
		String label = options.getOrDefault("label", "run");
		int duration = Integer.parseInt(options.getOrDefault("duration", "30"));
		int warmup = Integer.parseInt(options.getOrDefault("warmup", "10"));
		long maxRequests = Long.parseLong(options.getOrDefault("max-requests", "2000000"));
		int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
		int catalog = Integer.parseInt(options.getOrDefault("catalog", "10000"));
		double exponent = Double.parseDouble(options.getOrDefault("zipf", "1.0"));
		int window = Integer.parseInt(options.getOrDefault("window", "5"));
		// 0: closed loop (each thread sends its next request when the last one answered). Above 0: the measured
		// window offers this many requests per second whatever the answers take (open loop), so scenarios are
		// compared at the same load; latency then counts from each request's scheduled start.
		int rate = Integer.parseInt(options.getOrDefault("rate", "0"));
		Zipf zipf = new Zipf(catalog, exponent, 42);
		System.out.printf(Locale.ROOT,
				"[%s] %d threads, zipf s=%.2f over %d products (top 100 get %.0f%%, top 1000 get %.0f%% of requests), warm-up %d s, measured %d s%s%n",
				label, concurrency, exponent, catalog, 100 * zipf.shareOfTop(100), 100 * zipf.shareOfTop(1000), warmup,
				duration, (rate > 0) ? " at " + rate + " requests/s offered" : " closed loop");
		LoadDriver driver = new LoadDriver(url, zipf);
		if (warmup > 0) {
			driver.run(concurrency, Duration.ofSeconds(warmup), maxRequests, 0);
		}
		Counts before = driver.counts();
		Run run = driver.run(concurrency, Duration.ofSeconds(duration), maxRequests, rate);
		Counts after = driver.counts();
		String line = run.report(label, before, after, window);
		String out = options.get("out");
		if (out != null) {
			Files.writeString(Path.of(out), line + System.lineSeparator(), StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
	}

	private Run run(int concurrency, Duration duration, long maxRequests, int rate) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		AtomicLong budget = new AtomicLong(maxRequests);
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		// Open loop: each thread owns every concurrency-th slot of the schedule.
		long interval = (rate > 0) ? 1_000_000_000L * concurrency / rate : 0;
		List<Future<Samples>> futures = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			long firstSlot = start + ((rate > 0) ? 1_000_000_000L * i / rate : 0);
			futures.add(pool.submit(() -> drive(start, deadline, budget, firstSlot, interval)));
		}
		List<Samples> samples = new ArrayList<>();
		for (Future<Samples> future : futures) {
			samples.add(future.get());
		}
		pool.shutdown();
		return new Run(samples, (System.nanoTime() - start) / 1e9);
	}

	private Samples drive(long start, long deadline, AtomicLong budget, long firstSlot, long interval) {
		Samples samples = new Samples();
		long slot = firstSlot;
		while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
			long scheduled = slot;
			if (interval > 0) {
				if (scheduled >= deadline) {
					break;
				}
				slot += interval;
				long ahead = scheduled - System.nanoTime();
				if (ahead > 0) {
					LockSupport.parkNanos(ahead); // pacing the offered load, not waiting for an outcome
				}
			}
			HttpRequest request = HttpRequest.newBuilder(URI.create(this.url + "/products/" + this.zipf.next()))
				.timeout(Duration.ofSeconds(15))
				.GET()
				.build();
			long sent = System.nanoTime();
			// Open loop: a request sent late because the previous one was slow counts its wait too.
			long begin = (interval > 0) ? scheduled : sent;
			int status;
			try {
				status = this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			}
			catch (IOException ex) {
				status = -1;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			long end = System.nanoTime();
			samples.add((begin - start) / 1_000_000, (end - begin) / 1_000, status);
		}
		return samples;
	}

	private Counts counts() {
		return new Counts(metric("catalog.db.queries?tag=query:find-by-id"),
				metric("cache.gets?tag=cache:products&tag=result:hit"),
				metric("cache.gets?tag=cache:products&tag=result:miss"));
	}

	/** The COUNT of an actuator metric, or -1 when the application does not publish it. */
	private double metric(String path) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create(this.url + "/actuator/metrics/" + path))
						.timeout(Duration.ofSeconds(10))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			Matcher matcher = COUNT.matcher(response.body());
			return (response.statusCode() == 200 && matcher.find()) ? Double.parseDouble(matcher.group(1)) : -1;
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Expected --name=value but got " + arg);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + "=... is required");
		}
		return value;
	}

	/** Database queries and cache gets as the application counts them. */
	private record Counts(double dbQueries, double hits, double misses) {

	}

	/** One thread's requests: start offset (ms), latency (µs) and status of each. */
	private static final class Samples {

		private long[] offsets = new long[1 << 14];

		private long[] latencies = new long[1 << 14];

		private int[] statuses = new int[1 << 14];

		private int size;

		void add(long offsetMillis, long latencyMicros, int status) {
			if (this.size == this.offsets.length) {
				this.offsets = Arrays.copyOf(this.offsets, this.size * 2);
				this.latencies = Arrays.copyOf(this.latencies, this.size * 2);
				this.statuses = Arrays.copyOf(this.statuses, this.size * 2);
			}
			this.offsets[this.size] = offsetMillis;
			this.latencies[this.size] = latencyMicros;
			this.statuses[this.size] = status;
			this.size++;
		}

	}

	private record Run(List<Samples> samples, double seconds) {

		String report(String label, Counts before, Counts after, int window) {
			int total = this.samples.stream().mapToInt((s) -> s.size).sum();
			long[] latencies = new long[total];
			long non2xx = 0;
			long failed = 0;
			int windows = (int) Math.ceil(this.seconds / window) + 1;
			List<List<Long>> byWindow = new ArrayList<>();
			long[] non2xxByWindow = new long[windows];
			for (int i = 0; i < windows; i++) {
				byWindow.add(new ArrayList<>());
			}
			int n = 0;
			for (Samples s : this.samples) {
				for (int i = 0; i < s.size; i++) {
					latencies[n++] = s.latencies[i];
					int w = (int) Math.min(windows - 1, s.offsets[i] / 1000 / window);
					byWindow.get(w).add(s.latencies[i]);
					if (s.statuses[i] < 200 || s.statuses[i] > 299) {
						non2xx++;
						non2xxByWindow[w]++;
						if (s.statuses[i] < 0) {
							failed++;
						}
					}
				}
			}
			Arrays.sort(latencies);
			double dbQueries = after.dbQueries() - before.dbQueries();
			double hits = after.hits() - before.hits();
			double misses = after.misses() - before.misses();
			String hitRatio;
			if (before.hits() >= 0 && after.hits() >= 0 && hits + misses > 0) {
				hitRatio = String.format(Locale.ROOT, "%.1f%% (cache.gets)", 100 * hits / (hits + misses));
			}
			else if (before.dbQueries() >= 0 && total > 0) {
				hitRatio = String.format(Locale.ROOT, "%.1f%% (1 - db queries / requests)",
						100 * Math.max(0, 1 - dbQueries / total));
			}
			else {
				hitRatio = "n/a";
			}
			System.out.printf(Locale.ROOT, "[%s] timeline (%d s windows): requests/s, p99 ms, max ms, non-2xx%n", label,
					window);
			for (int i = 0; i < windows; i++) {
				List<Long> inWindow = byWindow.get(i);
				if (inWindow.isEmpty()) {
					continue;
				}
				long[] sorted = inWindow.stream().mapToLong(Long::longValue).sorted().toArray();
				System.out.printf(Locale.ROOT, "  %3d-%3d s  %8.0f  %8.1f  %8.1f  %d%n", i * window, (i + 1) * window,
						sorted.length / (double) window, percentile(sorted, 0.99) / 1000.0,
						sorted[sorted.length - 1] / 1000.0, non2xxByWindow[i]);
			}
			String line = String.format(Locale.ROOT,
					"| %s | %d | %.1f | %.0f | %.2f | %.2f | %.2f | %.1f | %d (%d failed) | %s | %s |", label, total,
					this.seconds, total / this.seconds, percentile(latencies, 0.50) / 1000.0,
					percentile(latencies, 0.99) / 1000.0, percentile(latencies, 0.999) / 1000.0,
					(total > 0) ? latencies[total - 1] / 1000.0 : 0.0, non2xx, failed, hitRatio,
					(before.dbQueries() >= 0) ? String.format(Locale.ROOT, "%.0f", dbQueries / this.seconds) : "n/a");
			System.out.println(
					"| scenario | requests | seconds | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | hit ratio | db queries/s |");
			System.out.println(line);
			return line;
		}

		private static long percentile(long[] sorted, double quantile) {
			if (sorted.length == 0) {
				return 0;
			}
			return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
		}

	}

}
