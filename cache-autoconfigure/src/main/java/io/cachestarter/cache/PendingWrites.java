package io.cachestarter.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * The writes sent without waiting for them: a put made on a thread that must not block (a reactive method's value
 * arrives on an event loop, and Spring puts it there). Until such a write has landed, this instance reads its entry
 * from here, so that a caller who just received a value finds it cached; and a graceful shutdown waits for these
 * writes before the connection closes, so nothing the application handed the cache is dropped.
 */
final class PendingWrites {

	private final Map<String, CacheEntry> entries = new ConcurrentHashMap<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final Object monitor = new Object();

	/**
	 * Tracks a write of an entry.
	 * @param redisKey the key, or {@code null} for a write that caches nothing readable (a removal)
	 * @param entry the entry being written, or {@code null}
	 * @param write the write, completing when it has landed or failed
	 */
	void track(@Nullable String redisKey, @Nullable CacheEntry entry, CompletableFuture<?> write) {
		this.pending.incrementAndGet();
		if (redisKey != null && entry != null) {
			this.entries.put(redisKey, entry);
		}
		write.whenComplete((result, ex) -> {
			if (redisKey != null && entry != null) {
				this.entries.remove(redisKey, entry);
			}
			if (this.pending.decrementAndGet() == 0) {
				synchronized (this.monitor) {
					this.monitor.notifyAll();
				}
			}
		});
	}

	/**
	 * Returns the entry of a write to the key that has not landed yet.
	 * @param redisKey the key
	 * @return the entry, or {@code null}
	 */
	@Nullable CacheEntry entry(String redisKey) {
		return this.entries.isEmpty() ? null : this.entries.get(redisKey);
	}

	/** Forgets the entry of a key that is being removed: a later read must not find it here. */
	void forget(String redisKey) {
		if (!this.entries.isEmpty()) {
			this.entries.remove(redisKey);
		}
	}

	/** Forgets the entries of a cache being cleared. */
	void forgetAll(String entryPrefix) {
		if (!this.entries.isEmpty()) {
			this.entries.keySet().removeIf((key) -> key.startsWith(entryPrefix));
		}
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
