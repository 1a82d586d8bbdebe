package io.cachestarter.benchmarks.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads calling the cached method with random ids, each answer checked against the "database"; every call
 * after the fault is recorded with its start and duration.
 */
final class Load {

	private final DrillCatalog catalog;

	private final List<Thread> threads = new ArrayList<>();

	private final List<Calls> calls = new ArrayList<>();

	private final AtomicLong failed = new AtomicLong();

	private volatile boolean running = true;

	private volatile long faultAt = Long.MAX_VALUE;

	Load(DrillCatalog catalog) {
		this.catalog = catalog;
	}

	void start() {
		for (int i = 0; i < FailoverDrill.THREADS; i++) {
			Calls recorded = new Calls();
			this.calls.add(recorded);
			Thread thread = new Thread(() -> loop(recorded), "drill-load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	void markFault(long nanoTime) {
		this.faultAt = nanoTime;
	}

	void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** The calls that started between {@code from} and {@code to}, and every failure of the run. */
	Summary summary(long from, long to) {
		long[] durations = this.calls.stream().flatMapToLong((recorded) -> recorded.between(from, to)).sorted().toArray();
		return new Summary(durations.length, this.failed.get(), percentile(durations, 99), percentile(durations, 100));
	}

	private void loop(Calls recorded) {
		while (this.running) {
			long id = ThreadLocalRandom.current().nextLong(FailoverDrill.KEYS);
			long start = System.nanoTime();
			boolean ok;
			try {
				ok = DrillCatalog.row(id).equals(this.catalog.find(id));
			}
			catch (RuntimeException ex) {
				ok = false;
			}
			long took = System.nanoTime() - start;
			if (!ok) {
				this.failed.incrementAndGet();
			}
			if (start >= this.faultAt) {
				recorded.add(start, took);
			}
		}
	}

	private static double percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(sorted.length * percentile / 100) - 1;
		return sorted[Math.max(0, Math.min(rank, sorted.length - 1))] / 1e6;
	}

	/**
	 * @param calls calls in the window
	 * @param failed failed calls of the whole run (warm-up, fault and recovery)
	 * @param p99Millis 99th percentile of the window's call durations
	 * @param maxMillis the longest call of the window
	 */
	record Summary(long calls, long failed, double p99Millis, double maxMillis) {
	}

	/** One thread's calls: starts and durations in growing arrays, written by that thread only. */
	private static final class Calls {

		private long[] starts = new long[1 << 16];

		private long[] durations = new long[1 << 16];

		private volatile int size;

		void add(long start, long duration) {
			int at = this.size;
			if (at == this.starts.length) {
				this.starts = Arrays.copyOf(this.starts, at * 2);
				this.durations = Arrays.copyOf(this.durations, at * 2);
			}
			this.starts[at] = start;
			this.durations[at] = duration;
			this.size = at + 1;
		}

		java.util.stream.LongStream between(long from, long to) {
			int count = this.size;
			long[] starts = this.starts;
			long[] durations = this.durations;
			return java.util.stream.IntStream.range(0, count)
				.filter((i) -> starts[i] >= from && starts[i] <= to)
				.mapToLong((i) -> durations[i]);
		}

	}

}
