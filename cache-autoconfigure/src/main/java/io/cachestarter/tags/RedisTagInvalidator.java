package io.cachestarter.tags;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.cachestarter.TagInvalidator;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.NearCache;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;

/**
 * Invalidates tags on Redis: for each tag, first raises its epoch (so that loads already running are not cached),
 * then takes the members out of the tag's set in batches ({@code SPOP}) and removes their entries
 * ({@code UNLINK}, grouped by hash slot). Members whose entries already expired are removed with them, uncounted.
 * <p>
 * Members are taken out of the set before their entries are removed, and writers add an entry to its sets only
 * after writing it: so an entry written concurrently either is removed or keeps its membership. Members added
 * after the invalidation began (entries loaded after it) stay.
 * <p>
 * Each tag's invalidation runs through {@link RedisGuard#remove}: if Redis fails, it is replayed when Redis is back
 * (members already taken out of the set included).
 * <p>
 * Once a tag's entries are removed from Redis (now, or when replayed), the near caches drop them: all the keys of
 * one tag's invalidation in one call, so that other instances receive one message, not one per entry.
 */
public final class RedisTagInvalidator implements TagInvalidator {

	private final TagStore store;

	private final RedisGuard guard;

	private final CacheStarterMetrics metrics;

	private final NearCache.Factory nearCaches;

	/**
	 * Creates the invalidator.
	 * @param store the tag sets and epochs
	 * @param guard runs every Redis call and keeps failed invalidations for replay
	 * @param metrics counts removed entries
	 */
	public RedisTagInvalidator(TagStore store, RedisGuard guard, CacheStarterMetrics metrics) {
		this(store, guard, metrics, NearCache.Factory.NONE);
	}

	/**
	 * Creates the invalidator.
	 * @param store the tag sets and epochs
	 * @param guard runs every Redis call and keeps failed invalidations for replay
	 * @param metrics counts removed entries
	 * @param nearCaches the near caches that must drop the removed entries
	 */
	public RedisTagInvalidator(TagStore store, RedisGuard guard, CacheStarterMetrics metrics,
			NearCache.Factory nearCaches) {
		this.store = store;
		this.guard = guard;
		this.metrics = metrics;
		this.nearCaches = nearCaches;
	}

	@Override
	public long invalidate(String... tags) {
		Set<String> distinct = new LinkedHashSet<>();
		for (String tag : tags) {
			if (tag != null && !tag.isEmpty()) {
				distinct.add(tag);
			}
		}
		long removed = 0;
		for (String tag : distinct) {
			Invalidation invalidation = new Invalidation(tag);
			this.guard.remove(RedisGuard.ALL_CACHES, RedisOperation.INVALIDATE, invalidation);
			removed += invalidation.removed.get();
		}
		this.metrics.recordTagInvalidations(removed);
		return removed;
	}

	/** The invalidation of one tag; may run again (replay) and resumes with what it had taken out of the set. */
	private final class Invalidation implements Runnable {

		private final String tag;

		private final AtomicLong removed = new AtomicLong();

		private volatile List<byte[]> taken = List.of();

		Invalidation(String tag) {
			this.tag = tag;
		}

		@Override
		public void run() {
			TagStore store = RedisTagInvalidator.this.store;
			List<byte[]> removedKeys = new ArrayList<>();
			try {
				store.bump(this.tag);
				removeTaken(removedKeys);
				// Only what the set held when the invalidation began: later members are entries loaded after it.
				long remaining = store.size(this.tag);
				while (remaining > 0) {
					this.taken = store.pop(this.tag, (int) Math.min(TagStore.REMOVE_BATCH, remaining));
					if (this.taken.isEmpty()) {
						break;
					}
					remaining -= this.taken.size();
					removeTaken(removedKeys);
				}
			}
			finally {
				// What reached Redis, even if a later batch failed (the rest follows when it is replayed).
				if (!removedKeys.isEmpty()) {
					RedisTagInvalidator.this.nearCaches.afterRemove(removedKeys);
				}
			}
		}

		private void removeTaken(List<byte[]> removedKeys) {
			if (!this.taken.isEmpty()) {
				this.removed.addAndGet(RedisTagInvalidator.this.store.deleteEntries(this.taken));
				removedKeys.addAll(this.taken);
				this.taken = List.of();
			}
		}

	}

}
