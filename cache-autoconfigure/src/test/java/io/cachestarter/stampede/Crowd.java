package io.cachestarter.stampede;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

/**
 * Runs one call on many threads released together by a barrier, and collects what each got and how long it took.
 */
final class Crowd implements AutoCloseable {

	private final ExecutorService threads;

	private final List<Future<Outcome>> running = new ArrayList<>();

	Crowd(int size) {
		this.threads = Executors.newFixedThreadPool(size);
	}

	/**
	 * Starts {@code callers} threads, each of which makes its call once right after all of them are ready.
	 * Several groups may be started before they are awaited; each group has its own barrier.
	 * @param callers how many threads
	 * @param calls the call of the i-th thread
	 */
	Crowd start(int callers, IntFunction<Callable<?>> calls) {
		CyclicBarrier barrier = new CyclicBarrier(callers);
		for (int i = 0; i < callers; i++) {
			Callable<?> call = calls.apply(i);
			this.running.add(this.threads.submit(() -> {
				barrier.await(10, TimeUnit.SECONDS);
				long start = System.nanoTime();
				try {
					Object value = call.call();
					return new Outcome(value, null, Duration.ofNanos(System.nanoTime() - start));
				}
				catch (Exception ex) {
					return new Outcome(null, ex, Duration.ofNanos(System.nanoTime() - start));
				}
			}));
		}
		return this;
	}

	/** Waits (at most {@code deadline} in all) for every started call. */
	List<Outcome> await(Duration deadline) throws Exception {
		long end = System.nanoTime() + deadline.toNanos();
		List<Outcome> outcomes = new ArrayList<>();
		for (Future<Outcome> call : this.running) {
			outcomes.add(call.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
		}
		this.running.clear();
		return outcomes;
	}

	@Override
	public void close() {
		this.threads.shutdownNow();
	}

	record Outcome(@Nullable Object value, @Nullable Exception failure, Duration took) {

	}

}
