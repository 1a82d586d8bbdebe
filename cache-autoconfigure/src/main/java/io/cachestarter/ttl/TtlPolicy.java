package io.cachestarter.ttl;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Draws the TTL of each write from a cache's settings.
 * <p>
 * A value's logical TTL is drawn uniformly from {@code [ttl * (1 - jitter), ttl]}, so {@code ttl} stays the upper
 * bound on staleness while entries written together expire apart. A cached {@code null} lives {@code null-ttl}
 * (not jittered). When {@code stale-ttl} is set, the entry stays in Redis that much longer than its logical TTL, so
 * it can be served while it reloads.
 */
public final class TtlPolicy {

	private final long ttlMillis;

	private final long minTtlMillis;

	private final long nullTtlMillis;

	private final long staleMillis;

	/**
	 * Creates a policy.
	 * @param ttl the upper bound of every value's TTL
	 * @param jitter fraction in [0, 0.5] by which a write's TTL may be shortened
	 * @param nullTtl the TTL of a cached {@code null}
	 * @param staleTtl how long a value stays in Redis after its TTL; zero for none
	 */
	public TtlPolicy(Duration ttl, double jitter, Duration nullTtl, Duration staleTtl) {
		this.ttlMillis = ttl.toMillis();
		this.minTtlMillis = Math.max(1, (long) Math.ceil(this.ttlMillis * (1 - jitter)));
		this.nullTtlMillis = Math.max(1, nullTtl.toMillis());
		this.staleMillis = staleTtl.toMillis();
	}

	/**
	 * Draws the logical TTL of a value write.
	 * @return milliseconds in {@code [ttl * (1 - jitter), ttl]}
	 */
	public long nextValueTtlMillis() {
		if (this.minTtlMillis >= this.ttlMillis) {
			return this.ttlMillis;
		}
		return ThreadLocalRandom.current().nextLong(this.minTtlMillis, this.ttlMillis + 1);
	}

	/**
	 * Returns the logical TTL of a cached {@code null}.
	 * @return milliseconds
	 */
	public long nullTtlMillis() {
		return this.nullTtlMillis;
	}

	/**
	 * Returns how long a value written with the given logical TTL stays in Redis.
	 * @param logicalTtlMillis the drawn TTL
	 * @return the Redis TTL: the logical TTL plus the stale window
	 */
	public long redisTtlMillis(long logicalTtlMillis) {
		return logicalTtlMillis + this.staleMillis;
	}

	/**
	 * Returns the configured TTL (the upper bound of every drawn value TTL).
	 * @return the TTL
	 */
	public Duration ttl() {
		return Duration.ofMillis(this.ttlMillis);
	}

}
