package io.cachestarter.benchmarks.failover;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids that no call of this run has used yet, above the key space of the load, so that a call with one is a miss
 * whose put must reach Redis.
 */
final class FreshIds {

	private static final long BLOCK = 1_000_000;

	private static final AtomicLong NEXT = new AtomicLong(1_000_000_000L);

	private FreshIds() {
	}

	/** The first id of a block of a million unused ids. */
	static long block() {
		return NEXT.getAndAdd(BLOCK);
	}

}
