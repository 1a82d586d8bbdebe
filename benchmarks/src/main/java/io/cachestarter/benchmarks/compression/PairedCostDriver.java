package io.cachestarter.benchmarks.compression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

import io.cachestarter.test.redis.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The on/off comparison of {@link CompressionCacheBenchmarks} as interleaved pairs, for a machine whose speed
 * drifts between JMH trials: each round times a batch with compression off and a batch with it on, back to back
 * (alternating which goes first), and the ratio is taken within the round. Prints per size and operation the
 * median µs per call of each side (JSON of about 1, 4, 10 and 100 KB) and the median, lowest and highest of the per-round ratios, then the
 * {@code MEMORY USAGE} rows.
 * <p>
 * Run from the repository root after {@code mvn -o -q -B -pl benchmarks -am package -DskipTests}:
 * {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.cachestarter.benchmarks.compression.PairedCostDriver [rounds=15] [millis=400]}: {@code millis} is the length
 * of one batch.
 */
public final class PairedCostDriver {

	private PairedCostDriver() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		long batchNanos = ((args.length > 1) ? Long.parseLong(args[1]) : 400) * 1_000_000L;
		List<String> memory = new ArrayList<>();
		System.out.println("| JSON | operation | off µs/call (median) | on µs/call (median) | on ÷ off (median of "
				+ rounds + " rounds) | lowest | highest |");
		System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext context = CompressionCacheBenchmarks.starter(redis.uri())) {
			PageLookup lookup = context.getBean(PageLookup.class);
			for (int size : new int[] { 1024, 4096, 10240, 102400 }) {
				List<CatalogProduct> page = CatalogProduct.page(size);
				lookup.setPage(page);
				for (int key = 0; key < CompressionCacheBenchmarks.KEYS; key++) {
					lookup.putOn(key);
					lookup.putOff(key);
				}
				memory.add(CompressionCacheBenchmarks.memory(redis.commands(), size,
						CatalogProduct.json(CatalogProduct.plainCodec(), page).length));
				compare(size, "hit", lookup::off, lookup::on, rounds, batchNanos);
				compare(size, "put", lookup::putOff, lookup::putOn, rounds, batchNanos);
			}
		}
		System.out.println();
		System.out.println("| | JSON target | JSON bytes | off | STRLEN / MEMORY USAGE | on | STRLEN / MEMORY USAGE |");
		memory.forEach(System.out::println);
	}

	private static void compare(int size, String operation, IntFunction<Object> off, IntFunction<Object> on,
			int rounds, long batchNanos) {
		// One round to warm up both sides, not counted.
		time(off, batchNanos);
		time(on, batchNanos);
		double[] offs = new double[rounds];
		double[] ons = new double[rounds];
		double[] ratios = new double[rounds];
		for (int round = 0; round < rounds; round++) {
			if (round % 2 == 0) {
				offs[round] = time(off, batchNanos);
				ons[round] = time(on, batchNanos);
			}
			else {
				ons[round] = time(on, batchNanos);
				offs[round] = time(off, batchNanos);
			}
			ratios[round] = ons[round] / offs[round];
		}
		Arrays.sort(ratios);
		System.out.printf("| %,d | %s | %.1f | %.1f | %.2f | %.2f | %.2f |%n", size, operation, median(offs),
				median(ons), median(ratios), ratios[0], ratios[rounds - 1]);
	}

	/** Calls the operation over the keys until the batch time is up; returns µs per call. */
	private static double time(IntFunction<Object> operation, long batchNanos) {
		long start = System.nanoTime();
		long calls = 0;
		long now;
		do {
			operation.apply((int) (calls % CompressionCacheBenchmarks.KEYS));
			calls++;
			now = System.nanoTime();
		}
		while (now - start < batchNanos);
		return (now - start) / 1_000.0 / calls;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

}
