package io.cachestarter.benchmarks.hit;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.cachestarter.test.redis.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The single-thread rows of {@link CacheHitBenchmarks} that decide the ratios, as interleaved pairs in one
 * JVM against one redis-server, for machines whose speed drifts between JMH trials (single-thread rows swing by
 * ±50% there). Each round times a batch of the starter and a batch of Spring Data Redis's plain cache back to back,
 * alternating which goes first, and the ratio is taken within the round. Prints, per pair, the median µs per call of
 * each side and the median, quartiles and extremes of the per-round ratios, and how many rounds the starter was
 * slower in.
 * <p>
 * Pairs: the synchronous hit (starter vs plain), the asynchronous hit ({@code Cache.retrieve}, starter vs plain) and
 * the miss with the put awaited (starter vs plain with {@code immediateWrites()}).
 * <p>
 * Run from the repository root after {@code ./mvnw -o -q -B -pl benchmarks -am package -DskipTests}:
 * {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.hit.PairedHitDriver
 * [rounds=30] [millis=500]}.
 */
public final class PairedHitDriver {

	private static final AtomicLong missIds = new AtomicLong(2_000_000_000L);

	private PairedHitDriver() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		long batchNanos = ((args.length > 1) ? Long.parseLong(args[1]) : 500) * 1_000_000L;
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext starter = CacheContexts.starter(redis.uri());
				ConfigurableApplicationContext plain = CacheContexts.plainRedis(redis.uri());
				ConfigurableApplicationContext immediate = CacheContexts.plainRedisImmediateWrites(redis.uri())) {
			ProductLookup starterLookup = starter.getBean(ProductLookup.class);
			ProductLookup plainLookup = plain.getBean(ProductLookup.class);
			ProductLookup immediateLookup = immediate.getBean(ProductLookup.class);
			for (long id = 1; id <= CacheHitBenchmarks.HIT_KEYS; id++) {
				CacheHitBenchmarks.warm(starterLookup, id);
				CacheHitBenchmarks.warm(plainLookup, id);
			}
			System.out.println("| pair | starter µs/call | plain µs/call | starter ÷ plain: median | p25 | p75 | lowest "
					+ "| highest | rounds starter slower |");
			System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
			compare("sync hit", starterLookup::find, plainLookup::find, rounds, batchNanos);
			compare("async hit (retrieve)", (id) -> starterLookup.findAsync(id).join(),
					(id) -> plainLookup.findAsync(id).join(), rounds, batchNanos);
			compare("miss, put awaited", (id) -> starterLookup.load(missIds.incrementAndGet()),
					(id) -> immediateLookup.load(missIds.incrementAndGet()), rounds, batchNanos);
		}
	}

	private static void compare(String pair, LongFunction<Object> starter, LongFunction<Object> plain, int rounds,
			long batchNanos) {
		// One round of each to warm up, not counted.
		time(starter, batchNanos);
		time(plain, batchNanos);
		double[] starters = new double[rounds];
		double[] plains = new double[rounds];
		double[] ratios = new double[rounds];
		int slower = 0;
		for (int round = 0; round < rounds; round++) {
			if (round % 2 == 0) {
				starters[round] = time(starter, batchNanos);
				plains[round] = time(plain, batchNanos);
			}
			else {
				plains[round] = time(plain, batchNanos);
				starters[round] = time(starter, batchNanos);
			}
			ratios[round] = starters[round] / plains[round];
			slower += (ratios[round] > 1) ? 1 : 0;
		}
		Arrays.sort(ratios);
		System.out.printf("| %s | %.1f | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %d of %d |%n", pair,
				median(starters), median(plains), ratios[rounds / 2], ratios[rounds / 4], ratios[(3 * rounds) / 4],
				ratios[0], ratios[rounds - 1], slower, rounds);
	}

	/** Calls the operation for one batch; returns µs per call. */
	private static double time(LongFunction<Object> operation, long batchNanos) {
		long calls = 0;
		long start = System.nanoTime();
		long end = start + batchNanos;
		long now;
		do {
			operation.apply((calls % CacheHitBenchmarks.HIT_KEYS) + 1);
			calls++;
			now = System.nanoTime();
		}
		while (now < end);
		return (now - start) / 1_000.0 / calls;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
