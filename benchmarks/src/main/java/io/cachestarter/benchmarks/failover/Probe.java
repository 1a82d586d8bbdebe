package io.cachestarter.benchmarks.failover;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds out when caching has resumed on the promoted replica: every 10 ms it calls the cached method with a new id
 * whose entry belongs on the broken primary's slots, and reads the replica directly; the first time the entry is
 * there, the put of a cached call has landed on the promoted node.
 */
final class Probe {

	private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final Fault fault;

	private final DrillCatalog catalog;

	private final AtomicLong resumedAt = new AtomicLong(-1);

	private final AtomicLong failed = new AtomicLong();

	private final Thread thread = new Thread(this::loop, "drill-probe");

	private volatile boolean running = true;

	Probe(Fault fault, DrillCatalog catalog) {
		this.fault = fault;
		this.catalog = catalog;
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Waits until caching resumed or the deadline passed; returns {@code System.nanoTime()} of it, or -1. */
	long awaitResumed(long deadlineNanos) {
		try {
			long remaining = deadlineNanos - System.nanoTime();
			if (remaining > 0) {
				this.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.running = false;
		return this.resumedAt.get();
	}

	/** Calls of the probe itself that failed (an exception or a wrong value). */
	long failed() {
		return this.failed.get();
	}

	private void loop() {
		long id = FreshIds.block();
		while (this.running) {
			do {
				id++;
			}
			while (!this.fault.affected().test(id));
			try {
				if (!DrillCatalog.row(id).equals(this.catalog.find(id))) {
					this.failed.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				this.failed.incrementAndGet();
			}
			if (landed(DrillCatalog.key(id))) {
				this.resumedAt.set(System.nanoTime());
				return;
			}
			LockSupport.parkNanos(PAUSE_NANOS);
		}
	}

	/** Read on the standby itself: before its promotion a cluster replica redirects, a Sentinel replica has nothing. */
	private boolean landed(String key) {
		try {
			return this.fault.standby().commands().exists(key) == 1;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
