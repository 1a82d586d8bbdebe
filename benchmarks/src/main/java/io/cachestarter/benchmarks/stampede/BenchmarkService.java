package io.cachestarter.benchmarks.stampede;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cache.annotation.Cacheable;

/**
 * The cached methods under test, over a simulated database read that takes a fixed time. Loads are counted across
 * every application context of the JVM, and each caller can tell whether it ran the method itself.
 */
public class BenchmarkService {

	static final AtomicInteger loads = new AtomicInteger();

	static final ThreadLocal<Boolean> loadedHere = ThreadLocal.withInitial(() -> false);

	static volatile long loadNanos = TimeUnit.MILLISECONDS.toNanos(100);

	@Cacheable(cacheNames = "bench", sync = true)
	public String findSynchronized(String key) throws InterruptedException {
		return load(key);
	}

	@Cacheable(cacheNames = "bench")
	public String find(String key) throws InterruptedException {
		return load(key);
	}

	private static String load(String key) throws InterruptedException {
		loads.incrementAndGet();
		loadedHere.set(true);
		TimeUnit.NANOSECONDS.sleep(loadNanos);
		return "value-of-" + key;
	}

}
