package io.cachestarter.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writes sent without waiting for them (a put made on a thread that must not block), counted so that a graceful
 * shutdown waits for them before the connection closes: nothing the application handed the cache is dropped.
 */
final class PendingWrites {

	private final AtomicInteger pending = new AtomicInteger();

	private final Object monitor = new Object();

	<T> CompletableFuture<T> track(CompletableFuture<T> write) {
		this.pending.incrementAndGet();
		write.whenComplete((result, ex) -> {
			if (this.pending.decrementAndGet() == 0) {
				synchronized (this.monitor) {
					this.monitor.notifyAll();
				}
			}
		});
		return write;
	}

	int count() {
		return this.pending.get();
	}

	/**
	 * Waits until no write is pending.
	 * @param timeout the longest wait
	 * @return {@code true} if none is pending
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitNone(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.pending.get() > 0) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.monitor.wait(Math.max(1, remaining / 1_000_000));
			}
		}
		return true;
	}

}
