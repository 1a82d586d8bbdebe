package io.cachestarter.local;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cachestarter.cache.CacheSettings;
import io.cachestarter.cache.NearCache;
import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * The L1 of one cache: a bounded Caffeine cache of entries by Redis key, holding the decoded entries by reference.
 * An entry lives at most {@code local.ttl} (shortened by the cache's jitter, so that entries loaded together do not
 * expire together), and never past the end of its own TTL.
 * <p>
 * The load/invalidate race is closed with generations: every key falls in one of {@value #STRIPES} stripes, each
 * with a counter that every invalidation of a key of the stripe raises <em>before</em> it drops the key. A read or
 * write takes the counter first and may store its entry only if the counter has not moved, checked and stored in
 * one atomic step of the map (so that no invalidation slips between the check and the store). A write also raises
 * the counter, so that of two writes of one key completing out of order the older never stays.
 */
final class LocalNearCache implements NearCache {

	static final int STRIPES = 1024;

	private final String name;

	private final String entryPrefix;

	private final LocalNearCaches owner;

	private final long ttlNanos;

	private final double jitter;

	private final Cache<String, Held> entries;

	private final AtomicLongArray generations = new AtomicLongArray(STRIPES);

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder invalidations = new LongAdder();

	LocalNearCache(CacheSettings settings, String keyPrefix, LocalNearCaches owner) {
		this.name = settings.name();
		this.entryPrefix = keyPrefix + settings.name() + ":v" + settings.version() + "::";
		this.owner = owner;
		this.ttlNanos = settings.local().ttl().toNanos();
		this.jitter = settings.jitter();
		this.entries = Caffeine.newBuilder()
			.maximumSize(settings.local().maxSize())
			// Each entry's own deadline is checked on read; expiry after local.ttl only frees memory.
			.expireAfterWrite(Duration.ofNanos(this.ttlNanos))
			.build();
	}

	String name() {
		return this.name;
	}

	boolean holds(String redisKey) {
		return redisKey.startsWith(this.entryPrefix);
	}

	@Override
	public @Nullable CacheEntry get(String redisKey) {
		if (this.owner.isServing()) {
			Held held = this.entries.getIfPresent(redisKey);
			if (held != null) {
				if (held.deadlineNanos - System.nanoTime() > 0) {
					this.hits.increment();
					return held.entry;
				}
				this.entries.asMap().remove(redisKey, held);
			}
		}
		this.misses.increment();
		return null;
	}

	@Override
	public long beforeRead(String redisKey) {
		return this.generations.get(stripe(redisKey));
	}

	@Override
	public void afterRead(String redisKey, long token, CacheEntry entry) {
		if (!this.owner.isServing()) {
			return;
		}
		long deadline = deadline(entry);
		if (deadline == 0) {
			return;
		}
		int stripe = stripe(redisKey);
		this.entries.asMap()
			.compute(redisKey,
					(key, current) -> (this.generations.get(stripe) == token) ? new Held(entry, deadline) : current);
	}

	@Override
	public boolean isCurrent(String redisKey, long token) {
		return this.generations.get(stripe(redisKey)) == token;
	}

	@Override
	public long beforeWrite(String redisKey) {
		return this.generations.get(stripe(redisKey));
	}

	@Override
	public void afterWrite(String redisKey, long token, CacheEntry entry) {
		store(redisKey, token, entry);
		this.owner.publishKey(redisKey);
	}

	@Override
	public void afterWriteAll(List<String> redisKeys, long[] tokens, List<CacheEntry> entries) {
		for (int i = 0; i < redisKeys.size(); i++) {
			store(redisKeys.get(i), tokens[i], entries.get(i));
		}
		this.owner.publishKeys(this.name, redisKeys);
	}

	/** Keeps what this instance wrote, unless the key was invalidated or written again since the write began. */
	private void store(String redisKey, long token, CacheEntry entry) {
		long deadline = this.owner.isServing() ? deadline(entry) : 0;
		int stripe = stripe(redisKey);
		this.entries.asMap().compute(redisKey, (key, current) -> {
			boolean unchanged = this.generations.getAndIncrement(stripe) == token;
			return (unchanged && deadline != 0) ? new Held(entry, deadline) : null;
		});
	}

	@Override
	public void afterRemove(String redisKey) {
		drop(redisKey);
		this.owner.publishKey(redisKey);
	}

	@Override
	public void afterClear() {
		clear();
		this.owner.publishClear(this.name);
	}

	@Override
	public long size() {
		return this.entries.estimatedSize();
	}

	@Override
	public long hits() {
		return this.hits.sum();
	}

	@Override
	public long misses() {
		return this.misses.sum();
	}

	/**
	 * Returns how many entries this instance dropped on another instance's behalf.
	 * @return the count
	 */
	long invalidations() {
		return this.invalidations.sum();
	}

	/** Drops a key: raises its generation first, so that a read or write in flight does not store it again. */
	boolean drop(String redisKey) {
		this.generations.incrementAndGet(stripe(redisKey));
		return this.entries.asMap().remove(redisKey) != null;
	}

	void dropForPeer(String redisKey) {
		if (drop(redisKey)) {
			this.invalidations.increment();
		}
	}

	/** Drops every entry: raises every generation first. */
	long clear() {
		for (int i = 0; i < STRIPES; i++) {
			this.generations.incrementAndGet(i);
		}
		long size = this.entries.estimatedSize();
		this.entries.invalidateAll();
		return size;
	}

	void clearForPeer() {
		this.invalidations.add(clear());
	}

	/**
	 * When an entry read or written now leaves L1: {@code local.ttl} less a random share of the cache's jitter, and
	 * never past the end of the entry's own TTL.
	 * @return the deadline in {@link System#nanoTime()} terms, or 0 if the entry must not be held
	 */
	private long deadline(CacheEntry entry) {
		long remainingMillis = entry.createdAt() + entry.ttlMillis() - System.currentTimeMillis();
		if (remainingMillis <= 0) {
			return 0;
		}
		long lifetime = this.ttlNanos;
		if (this.jitter > 0) {
			lifetime -= (long) (lifetime * this.jitter * ThreadLocalRandom.current().nextDouble());
		}
		lifetime = Math.min(lifetime, TimeUnit.MILLISECONDS.toNanos(remainingMillis));
		long deadline = System.nanoTime() + Math.max(lifetime, 1);
		return (deadline != 0) ? deadline : 1;
	}

	private static int stripe(String redisKey) {
		int hash = redisKey.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
	}

	/** An entry and when it leaves L1. */
	private static final class Held {

		final CacheEntry entry;

		final long deadlineNanos;

		Held(CacheEntry entry, long deadlineNanos) {
			this.entry = entry;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
