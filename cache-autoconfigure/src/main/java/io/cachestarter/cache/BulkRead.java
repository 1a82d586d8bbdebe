package io.cachestarter.cache;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a read of many keys ({@link StarterRedisCache#getAll}) found: the hits, with their values, and the misses, both
 * in the order the keys were asked for.
 */
public final class BulkRead {

	private final Map<Object, @Nullable Object> hits;

	private final List<Object> misses;

	private final boolean redisFailed;

	BulkRead(Map<Object, @Nullable Object> hits, List<Object> misses, boolean redisFailed) {
		this.hits = Collections.unmodifiableMap(hits);
		this.misses = Collections.unmodifiableList(misses);
		this.redisFailed = redisFailed;
	}

	/**
	 * Returns the keys that are cached, with their values; a value is {@code null} where {@code null} is cached.
	 * @return the hits, in request order
	 */
	public Map<Object, @Nullable Object> hits() {
		return this.hits;
	}

	/**
	 * Returns the keys that must be loaded: not cached, or past their TTL.
	 * @return the misses, in request order
	 */
	public List<Object> misses() {
		return this.misses;
	}

	/**
	 * Returns whether Redis could not be read: the misses then include every key Redis was asked for, and what is
	 * loaded for them is not written back (the call waits for Redis at most once).
	 * @return {@code true} if Redis failed
	 */
	public boolean redisFailed() {
		return this.redisFailed;
	}

}
