package io.cachestarter.stampede;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cachestarter.cache.AsyncLoadTask;
import io.cachestarter.cache.CacheStarterMetrics;
import io.cachestarter.cache.LoadTask;
import io.cachestarter.logging.RateLimitedLog;
import io.cachestarter.redis.AsyncCacheStore;
import io.cachestarter.redis.CacheStore;
import io.cachestarter.redis.LuaScript;
import io.cachestarter.redis.RedisGuard;
import io.cachestarter.redis.RedisOperation;
import io.cachestarter.serialization.CacheEntry;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReturnType;
import org.springframework.util.Assert;

/**
 * Single flight across every instance that shares the Redis: one load per key, whichever instance misses first.
 * <p>
 * Callers of one JVM first coalesce onto one leader ({@link LocalLoadCoordinator}), so an instance makes one lock
 * attempt per key. The leader takes the key's lease lock ({@code SET <prefix>lock:<entry key> <token> NX PX
 * <lock-lease>}). The holder reads the entry again (another instance may have just written it), runs the method,
 * writes the entry and releases the lock by compare-and-delete. A leader that finds the lock held polls it with a
 * short, backed-off {@code SET NX}: when it gets the lock, the holder is done (or gone), so it reads the entry once
 * and only loads if there is still none. A leader that has waited {@code wait-timeout} loads itself. When Redis is
 * unavailable (the guard falls back) the method simply runs.
 * <p>
 * Background reloads take the same lock once and are skipped when another instance holds it, so a key has one
 * reload at a time across all instances.
 * <p>
 * The asynchronous face runs the same protocol with Lettuce's non-blocking commands: its polls are scheduled, not
 * slept, so a waiting caller holds no thread.
 */
public class RedisLoadCoordinator extends LocalLoadCoordinator {

	private static final RateLimitedLog log = new RateLimitedLog(RedisLoadCoordinator.class, Duration.ofSeconds(30));

	private static final LuaScript RELEASE = LuaScript.load(RedisLoadCoordinator.class, "release-lock.lua");

	static final Duration FIRST_POLL_PAUSE = Duration.ofMillis(2);

	static final Duration MAX_POLL_PAUSE = Duration.ofMillis(20);

	private final CacheStore store;

	private final AsyncCacheStore asyncStore;

	private final Supplier<RedisGuard> guard;

	private final String keyPrefix;

	private final long leaseMillis;

	private final Duration waitTimeout;

	private final String ownerPrefix = UUID.randomUUID() + ":";

	private final AtomicLong ownerSequence = new AtomicLong();

	/**
	 * Creates a coordinator.
	 * @param reloadExecutor runs background reloads; should be bounded and reject when full
	 * @param asyncExecutor completes the futures of asynchronous callers and runs their scheduled polls
	 * @param metrics records waits and reloads
	 * @param store the Redis commands
	 * @param asyncStore the Redis commands of the asynchronous face
	 * @param guard the guard every lock command goes through; looked up on first use
	 * @param keyPrefix the prefix of every key the starter writes
	 * @param lockLease how long a lock lives if its holder dies
	 * @param waitTimeout the longest a caller waits for another caller's load before loading itself
	 */
	public RedisLoadCoordinator(Executor reloadExecutor, Executor asyncExecutor, CacheStarterMetrics metrics,
			CacheStore store, AsyncCacheStore asyncStore, Supplier<RedisGuard> guard, String keyPrefix,
			Duration lockLease, Duration waitTimeout) {
		super(reloadExecutor, asyncExecutor, metrics, waitTimeout);
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(asyncStore, "'asyncStore' must not be null");
		Assert.notNull(guard, "'guard' must not be null");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.isTrue(lockLease.toMillis() > 0, "'lockLease' must be at least 1ms");
		this.store = store;
		this.asyncStore = asyncStore;
		this.guard = guard;
		this.keyPrefix = keyPrefix;
		this.leaseMillis = lockLease.toMillis();
		this.waitTimeout = waitTimeout;
	}

	@Override
	protected @Nullable Object loadOnce(LoadTask task) throws Exception {
		byte[] lockKey = lockKey(task.redisKey());
		long deadline = System.nanoTime() + this.waitTimeout.toNanos();
		long pause = FIRST_POLL_PAUSE.toNanos();
		boolean waited = false;
		while (true) {
			byte[] owner = nextOwner();
			Acquisition acquisition = tryLock(task.cacheName(), lockKey, owner);
			if (acquisition == Acquisition.ACQUIRED) {
				return loadHolding(task, lockKey, owner);
			}
			if (acquisition == Acquisition.UNAVAILABLE) {
				return task.loadAndStore();
			}
			if (!waited) {
				this.metrics.recordStampedeWait(task.cacheName());
				waited = true;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return loadAfterWaitTimeout(task);
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(pause, remaining));
			pause = Math.min(pause * 2, MAX_POLL_PAUSE.toNanos());
		}
	}

	@Override
	protected CompletableFuture<@Nullable Object> loadOnceAsync(AsyncLoadTask task) {
		return attemptAsync(task, lockKey(task.redisKey()), System.nanoTime() + this.waitTimeout.toNanos(),
				FIRST_POLL_PAUSE.toNanos(), false);
	}

	private CompletableFuture<@Nullable Object> attemptAsync(AsyncLoadTask task, byte[] lockKey, long deadline,
			long pause, boolean waited) {
		byte[] owner = nextOwner();
		return tryLockAsync(task.cacheName(), lockKey, owner).thenCompose((acquisition) -> {
			if (acquisition == Acquisition.ACQUIRED) {
				return loadHoldingAsync(task, lockKey, owner);
			}
			if (acquisition == Acquisition.UNAVAILABLE) {
				return task.loadAndStoreAsync();
			}
			if (!waited) {
				this.metrics.recordStampedeWait(task.cacheName());
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return loadAfterWaitTimeoutAsync(task);
			}
			Executor later = CompletableFuture.delayedExecutor(Math.min(pause, remaining), TimeUnit.NANOSECONDS,
					this.asyncExecutor);
			return CompletableFuture.supplyAsync(() -> lockKey, later)
				.thenCompose((key) -> attemptAsync(task, key, deadline, Math.min(pause * 2, MAX_POLL_PAUSE.toNanos()),
						true));
		});
	}

	private CompletableFuture<@Nullable Object> loadHoldingAsync(AsyncLoadTask task, byte[] lockKey, byte[] owner) {
		CompletableFuture<@Nullable Object> loaded = task.lookupAsync()
			.thenCompose((current) -> (current != null && task.isSatisfiedBy(current, false))
					? CompletableFuture.completedFuture(current.value()) : task.loadAndStoreAsync());
		// Released once the value is written; if the release fails the lease ends the lock.
		return loaded.whenComplete((value, ex) -> releaseAsync(task.cacheName(), lockKey, owner));
	}

	private CompletableFuture<@Nullable Object> loadAfterWaitTimeoutAsync(AsyncLoadTask task) {
		return task.lookupAsync().thenCompose((current) -> {
			if (current != null && task.isSatisfiedBy(current, false)) {
				return CompletableFuture.completedFuture(current.value());
			}
			log.warn("wait-timeout:" + task.cacheName(), () -> "Waited " + this.waitTimeout
					+ " for another caller's load of a key in cache '" + task.cacheName() + "'; loading it here", null);
			return task.loadAndStoreAsync();
		});
	}

	private CompletableFuture<Acquisition> tryLockAsync(String cache, byte[] lockKey, byte[] owner) {
		return this.guard.get()
			.callAsync(cache, RedisOperation.LOCK,
					() -> this.asyncStore.setIfAbsent(lockKey, owner, this.leaseMillis)
						.thenApply((set) -> set ? Acquisition.ACQUIRED : Acquisition.HELD),
					() -> Acquisition.UNAVAILABLE);
	}

	private void releaseAsync(String cache, byte[] lockKey, byte[] owner) {
		this.guard.get()
			.callAsync(cache, RedisOperation.LOCK,
					() -> this.asyncStore.eval(RELEASE, Long.class, new byte[][] { lockKey }, owner), () -> 0L);
	}

	@Override
	protected void refreshOnce(LoadTask task) throws Exception {
		byte[] lockKey = lockKey(task.redisKey());
		byte[] owner = nextOwner();
		// Held elsewhere: that instance reloads the key. Unavailable: a reload could not be written anyway.
		if (tryLock(task.cacheName(), lockKey, owner) != Acquisition.ACQUIRED) {
			return;
		}
		try {
			super.refreshOnce(task);
		}
		finally {
			release(task.cacheName(), lockKey, owner);
		}
	}

	/**
	 * Returns the lock key of an entry: {@code <prefix>lock:<entry key without prefix>}.
	 * @param redisKey the entry's Redis key
	 * @return the lock's Redis key
	 */
	String lockKeyOf(String redisKey) {
		String unprefixed = redisKey.startsWith(this.keyPrefix) ? redisKey.substring(this.keyPrefix.length())
				: redisKey;
		return this.keyPrefix + "lock:" + unprefixed;
	}

	private byte[] lockKey(String redisKey) {
		return lockKeyOf(redisKey).getBytes(StandardCharsets.UTF_8);
	}

	private @Nullable Object loadHolding(LoadTask task, byte[] lockKey, byte[] owner) throws Exception {
		try {
			CacheEntry current = task.lookup();
			if (current != null && task.isSatisfiedBy(current, false)) {
				return current.value();
			}
			return task.loadAndStore();
		}
		finally {
			release(task.cacheName(), lockKey, owner);
		}
	}

	private @Nullable Object loadAfterWaitTimeout(LoadTask task) throws Exception {
		// The lock is still held: its holder is slow, hung or gone without releasing it (its lease not yet over).
		CacheEntry current = task.lookup();
		if (current != null && task.isSatisfiedBy(current, false)) {
			return current.value();
		}
		log.warn("wait-timeout:" + task.cacheName(), () -> "Waited " + this.waitTimeout
				+ " for another caller's load of a key in cache '" + task.cacheName() + "'; loading it here", null);
		return task.loadAndStore();
	}

	private Acquisition tryLock(String cache, byte[] lockKey, byte[] owner) {
		return this.guard.get()
			.call(cache, RedisOperation.LOCK,
					() -> this.store.setIfAbsent(lockKey, owner, this.leaseMillis) ? Acquisition.ACQUIRED
							: Acquisition.HELD,
					() -> Acquisition.UNAVAILABLE);
	}

	private void release(String cache, byte[] lockKey, byte[] owner) {
		// If this fails the lease ends the lock; waiters poll until then or until their wait-timeout.
		this.guard.get()
			.run(cache, RedisOperation.LOCK, () -> this.store.execute(
					(connection) -> RELEASE.run(connection, ReturnType.INTEGER, new byte[][] { lockKey }, owner)));
	}

	private byte[] nextOwner() {
		return (this.ownerPrefix + this.ownerSequence.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
	}

	private enum Acquisition {

		ACQUIRED, HELD, UNAVAILABLE

	}

}
