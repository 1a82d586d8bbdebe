package io.cachestarter.resilience;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import org.jspecify.annotations.Nullable;

/**
 * The removals that failed while Redis was unreachable, in order, bounded. Past its capacity it stops recording
 * single removals of a cache and remembers instead that the whole cache must be cleared, which is always safe.
 * Thread-safe.
 */
final class RemovalReplayLog {

	private final int capacity;

	private final ArrayDeque<PendingRemoval> removals = new ArrayDeque<>();

	private final Set<String> cachesToClear = new LinkedHashSet<>();

	private volatile boolean empty = true;

	RemovalReplayLog(int capacity) {
		if (capacity < 0) {
			throw new IllegalArgumentException("'capacity' must not be negative");
		}
		this.capacity = capacity;
	}

	/**
	 * Records a removal to replay.
	 * @return {@code false} if it did not fit, so that its cache is now to be cleared instead (the first time
	 * only: a removal of a cache that is already to be cleared is covered by that clear)
	 */
	synchronized boolean add(String cache, RedisOperation operation, Runnable removal) {
		if (this.cachesToClear.contains(RedisGuard.ALL_CACHES) || this.cachesToClear.contains(cache)) {
			return true;
		}
		if (this.removals.size() < this.capacity) {
			this.removals.addLast(new PendingRemoval(cache, operation, removal));
			this.empty = false;
			return true;
		}
		this.cachesToClear.add(cache);
		// The clear covers every pending removal of the cache: they need not take room any more.
		this.removals.removeIf((pending) -> RedisGuard.ALL_CACHES.equals(cache) || pending.cache().equals(cache));
		this.empty = false;
		return false;
	}

	/** Whether nothing is pending; cheap enough for every call. */
	boolean isEmpty() {
		return this.empty;
	}

	synchronized List<String> cachesToClear() {
		return new ArrayList<>(this.cachesToClear);
	}

	synchronized void cleared(String cache) {
		this.cachesToClear.remove(cache);
		if (RedisGuard.ALL_CACHES.equals(cache)) {
			this.removals.clear();
		}
		updateEmpty();
	}

	synchronized @Nullable PendingRemoval next() {
		return this.removals.peekFirst();
	}

	synchronized void replayed(PendingRemoval removal) {
		if (this.removals.peekFirst() == removal) {
			this.removals.removeFirst();
		}
		else {
			this.removals.remove(removal);
		}
		updateEmpty();
	}

	synchronized int pendingRemovals() {
		return this.removals.size();
	}

	synchronized int pendingClears() {
		return this.cachesToClear.size();
	}

	private void updateEmpty() {
		this.empty = this.removals.isEmpty() && this.cachesToClear.isEmpty();
	}

	/**
	 * One removal waiting for Redis.
	 *
	 * @param cache the cache it is for
	 * @param operation what kind of removal it is
	 * @param removal the idempotent Redis call
	 */
	record PendingRemoval(String cache, RedisOperation operation, Runnable removal) {
	}

}
