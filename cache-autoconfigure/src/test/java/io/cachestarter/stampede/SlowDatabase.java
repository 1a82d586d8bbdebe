package io.cachestarter.stampede;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "database" behind the cached methods of the stampede tests: every read is slow and counted, per key and in
 * total, and can be made to fail or to block until the test lets it go. One instance may back several application
 * contexts, so its counts are the loads of all "instances" together.
 */
public final class SlowDatabase {

	private final Duration loadTime;

	private final AtomicInteger loads = new AtomicInteger();

	private final Map<String, AtomicInteger> loadsByKey = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private final Queue<Thread> loaders = new ConcurrentLinkedQueue<>();

	private volatile String generation = "v1";

	public SlowDatabase(Duration loadTime) {
		this.loadTime = loadTime;
	}

	/**
	 * Reads a key: counts the call, takes the load time (or, once after {@link #holdNext(String)}, waits until it is
	 * let go), then fails if failures are pending, else answers {@code <generation>:<key>}.
	 */
	public String read(String key) throws InterruptedException {
		this.loads.incrementAndGet();
		this.loadsByKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		this.loaders.add(Thread.currentThread());
		CountDownLatch gate = this.gates.remove(key);
		if (gate != null) {
			gate.await();
		}
		else {
			Thread.sleep(this.loadTime.toMillis());
		}
		if (this.failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw new IllegalStateException("database failure");
		}
		return this.generation + ":" + key;
	}

	public int loads() {
		return this.loads.get();
	}

	public int loads(String key) {
		AtomicInteger count = this.loadsByKey.get(key);
		return (count != null) ? count.get() : 0;
	}

	/** The threads that started a read, in order. */
	public Queue<Thread> loaders() {
		return this.loaders;
	}

	public Duration loadTime() {
		return this.loadTime;
	}

	/** Makes the next {@code count} reads fail. */
	public void failNext(int count) {
		this.failuresLeft.set(count);
	}

	/** Changes what reads answer from now on ({@code <generation>:<key>}). */
	public void setGeneration(String generation) {
		this.generation = generation;
	}

	/**
	 * Makes the next read of a key wait until the returned latch is counted down, instead of taking the load time.
	 * @return the latch that lets the read go on
	 */
	public CountDownLatch holdNext(String key) {
		CountDownLatch gate = new CountDownLatch(1);
		this.gates.put(key, gate);
		return gate;
	}

}
