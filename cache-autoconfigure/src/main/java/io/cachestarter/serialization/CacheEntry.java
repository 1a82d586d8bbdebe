package io.cachestarter.serialization;

import org.jspecify.annotations.Nullable;

/**
 * One cached entry as stored in Redis: the value and the bookkeeping that travels with it.
 *
 * @param value the cached value; {@code null} for a cached {@code null} result
 * @param createdAt when the entry was written, in epoch milliseconds of the writer's clock
 * @param ttlMillis the entry's logical time to live (jittered); it is fresh until {@code createdAt + ttlMillis}
 * @param version the write-through version of the entry, or {@link #NO_VERSION}
 */
public record CacheEntry(@Nullable Object value, long createdAt, long ttlMillis, long version) {

	/** Version of an entry written without one. */
	public static final long NO_VERSION = Long.MIN_VALUE;

	/**
	 * Returns how old the entry is at the given time.
	 * @param now epoch milliseconds
	 * @return the age in milliseconds, never negative
	 */
	public long ageMillis(long now) {
		return Math.max(0, now - this.createdAt);
	}

	/**
	 * Returns whether the entry's logical TTL has passed (it may still be in Redis for its stale window).
	 * @param now epoch milliseconds
	 * @return {@code true} once the entry is past its TTL
	 */
	public boolean isExpired(long now) {
		return ageMillis(now) >= this.ttlMillis;
	}

}
