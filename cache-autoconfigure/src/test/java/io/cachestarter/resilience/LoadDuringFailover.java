package io.cachestarter.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import io.cachestarter.test.redis.RedisServer;

/**
 * A few threads calling a {@code @Cacheable} method continuously while a primary is broken, and a probe that finds
 * out when caching has resumed on the replica that took over: it calls the method with new ids whose entries belong
 * on the broken primary, and reads the replica directly until one of those entries is there.
 */
final class LoadDuringFailover {

	private static final int THREADS = 3;

	private static final int KEYS = 1_000;

	private static final Duration WARM_UP = Duration.ofSeconds(1);

	private static final Duration RESUME_DEADLINE = Duration.ofSeconds(40);

	private static final long CALL_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private static final long PROBE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final Catalog catalog;

	private final RedisServer victim;

	private final RedisServer standby;

	private final LongPredicate affected;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong longestNanos = new AtomicLong();

	/**
	 * @param catalog the cached service
	 * @param victim the primary to break
	 * @param standby the replica expected to take over
	 * @param affected which ids have their entries on the victim
	 */
	LoadDuringFailover(Catalog catalog, RedisServer victim, RedisServer standby, LongPredicate affected) {
		this.catalog = catalog;
		this.victim = victim;
		this.standby = standby;
		this.affected = affected;
	}

	/** The Redis key of an id's entry in the {@link Catalog}'s {@code products} cache. */
	static String key(long id) {
		return "failover:products:v1::" + id;
	}

	/**
	 * Starts the load, breaks the victim, waits for the promotion and for caching to resume on the standby.
	 * @param fault breaks the victim
	 * @param promotion returns once Redis has promoted the standby
	 * @return what the callers saw
	 */
	Outcome run(Consumer<RedisServer> fault, Runnable promotion) {
		this.standby.commands().ping(); // connected before the fault: the probe reads it directly
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			Thread thread = new Thread(this::callContinuously, "failover-load-" + i);
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		try {
			LockSupport.parkNanos(WARM_UP.toNanos());
			long faultAt = System.nanoTime();
			fault.accept(this.victim);
			AtomicLong promotedAt = new AtomicLong();
			Thread watcher = new Thread(() -> {
				promotion.run();
				promotedAt.set(System.nanoTime());
			}, "failover-promotion");
			watcher.setDaemon(true);
			watcher.start();
			long resumedAt = probeUntilResumed(faultAt + RESUME_DEADLINE.toNanos());
			watcher.join(RESUME_DEADLINE.toMillis());
			return new Outcome(this.calls.get(), this.failed.get(), Duration.ofNanos(this.longestNanos.get()),
					since(faultAt, promotedAt.get()), since(faultAt, resumedAt));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			this.running.set(false);
			threads.forEach(LoadDuringFailover::join);
		}
	}

	/** A short pause between calls leaves the Redis processes CPU on a two-core machine. */
	private void callContinuously() {
		while (this.running.get()) {
			call(ThreadLocalRandom.current().nextLong(KEYS));
			LockSupport.parkNanos(CALL_PAUSE_NANOS);
		}
	}

	private void call(long id) {
		long start = System.nanoTime();
		try {
			if (!this.catalog.row(id).equals(this.catalog.find(id))) {
				this.failed.incrementAndGet();
			}
		}
		catch (RuntimeException ex) {
			this.failed.incrementAndGet();
		}
		this.longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
		this.calls.incrementAndGet();
	}

	/** @return when a new entry first landed on the standby, or 0 if none did before the deadline */
	private long probeUntilResumed(long deadline) {
		long id = 1_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000) * 1_000L;
		while (System.nanoTime() < deadline) {
			do {
				id++;
			}
			while (!this.affected.test(id));
			call(id);
			if (landedOnStandby(key(id))) {
				return System.nanoTime();
			}
			LockSupport.parkNanos(PROBE_PAUSE_NANOS);
		}
		return 0;
	}

	/** Before its promotion a cluster replica answers with a redirect, a Sentinel replica has nothing. */
	private boolean landedOnStandby(String key) {
		try {
			return this.standby.commands().exists(key) == 1;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static Duration since(long faultAt, long at) {
		return (at == 0) ? Duration.ofDays(1) : Duration.ofNanos(at - faultAt);
	}

	private static void join(Thread thread) {
		try {
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What the callers saw.
	 * @param calls calls from the warm-up until caching resumed
	 * @param failedCalls calls that threw or returned something else than the database holds
	 * @param longestCall the longest of them
	 * @param promotedAfter from the fault until Redis promoted the standby (a day if it did not)
	 * @param resumedAfter from the fault until a new entry landed on the standby (a day if none did)
	 */
	record Outcome(long calls, long failedCalls, Duration longestCall, Duration promotedAfter, Duration resumedAfter) {

		Duration resumedAfterPromotion() {
			return this.resumedAfter.minus(this.promotedAfter);
		}

		@Override
		public String toString() {
			return String.format(java.util.Locale.ROOT,
					"%d calls, %d failed, longest %d ms; promoted after %.2f s, caching resumed after %.2f s", this.calls,
					this.failedCalls, this.longestCall.toMillis(), this.promotedAfter.toMillis() / 1000.0,
					this.resumedAfter.toMillis() / 1000.0);
		}

	}

}
