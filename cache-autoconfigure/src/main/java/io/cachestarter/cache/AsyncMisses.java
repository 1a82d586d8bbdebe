package io.cachestarter.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cachestarter.cache.EntryTagging.Captured;
import org.jspecify.annotations.Nullable;

/**
 * The misses of {@code retrieve(key)} whose value Spring will put: for an asynchronous {@code @Cacheable} method
 * without {@code sync = true}, Spring runs the method after the miss and calls {@code put} on whichever thread
 * completes its future, without the call's tag context. The miss remembers what that put needs: the call's tags,
 * when the load began, and whether Redis just failed (then the put is skipped, so a call waits for Redis once).
 * Bounded, and forgotten after a while, since a method that fails never puts.
 */
final class AsyncMisses {

	static final Duration FORGET_AFTER = Duration.ofSeconds(30);

	static final int MAX_PENDING = 10_000;

	private final Cache<String, Miss> misses = Caffeine.newBuilder()
		.maximumSize(MAX_PENDING)
		.expireAfterWrite(FORGET_AFTER)
		.build();

	void begin(String redisKey, Captured tags, boolean readFailed, long token) {
		this.misses.put(redisKey, new Miss(tags, readFailed, System.nanoTime(), token));
	}

	/**
	 * Takes the pending miss of a key, if any.
	 * @param redisKey the key being put
	 * @return the miss, or {@code null} when the put does not follow an asynchronous miss
	 */
	@Nullable Miss take(String redisKey) {
		return (this.misses.estimatedSize() == 0) ? null : this.misses.asMap().remove(redisKey);
	}

	/**
	 * A miss waiting for its put.
	 *
	 * @param tags the call's tag context
	 * @param readFailed whether Redis failed on the read
	 * @param startNanos when the miss happened
	 * @param token the near cache's token taken before the miss's read
	 */
	record Miss(Captured tags, boolean readFailed, long startNanos, long token) {
	}

}
