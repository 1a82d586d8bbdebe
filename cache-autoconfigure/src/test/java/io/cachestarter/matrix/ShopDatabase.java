package io.cachestarter.matrix;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The "database" behind the {@link Shop}: values by id, and how often the shop read it. One instance may serve
 * several application contexts, as one database serves several instances of an application.
 */
public final class ShopDatabase {

	private final Map<Long, String> rows = new ConcurrentHashMap<>();

	private final AtomicInteger reads = new AtomicInteger();

	private volatile long readNanos;

	/** Makes every read take this long (for example, so that concurrent misses overlap). */
	ShopDatabase slow(long millis) {
		this.readNanos = TimeUnit.MILLISECONDS.toNanos(millis);
		return this;
	}

	void put(long id, String value) {
		this.rows.put(id, value);
	}

	String read(long id) {
		this.reads.incrementAndGet();
		if (this.readNanos > 0) {
			LockSupport.parkNanos(this.readNanos);
		}
		return this.rows.getOrDefault(id, "row-" + id);
	}

	int reads() {
		return this.reads.get();
	}

}
